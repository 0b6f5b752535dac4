package selector

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TemplateMismatch is upstream's detail for a controller whose selector
// does not select its own pod template (rule L10.6).
const TemplateMismatch = "`selector` does not match template `labels`"

// ValidateTemplate checks that a controller's selector selects the labels
// of its own pod template, as the apps and core validators do for
// ReplicaSets, Deployments and ReplicationControllers (rule L10.6).
// templatePath is the path of the template (spec.template); the error is
// reported at its metadata.labels with upstream's text. An empty selector
// is not checked here, as upstream skips it (the workload validators
// reject it on their own); Nothing selects no template and always fails.
func (s *Selector) ValidateTemplate(templateLabels map[string]string, templatePath *field.Path) field.ErrorList {
	if s.Empty() || s.Matches(templateLabels) {
		return nil
	}
	return field.ErrorList{field.Invalid(templatePath.Child("metadata", "labels"), templateLabels, TemplateMismatch)}
}

// Validate checks an API LabelSelector as the apiserver does (rule L11.2,
// apimachinery's ValidateLabelSelector with invalid values and unknown
// operators rejected): matchLabels keys and values, then each expression's
// values, operator and key. A nil selector has no errors; an empty one is
// not rejected here (rule L10.6: the workload validators do that).
//
// MODEL: upstream reports matchLabels errors in Go's random map order;
// kubesem reports them in ascending key order.
func Validate(ps *metav1.LabelSelector, fldPath *field.Path) field.ErrorList {
	if ps == nil {
		return nil
	}
	var errs field.ErrorList
	mlPath := fldPath.Child("matchLabels")
	for _, k := range sortedKeys(ps.MatchLabels) {
		errs = append(errs, metav1validation.ValidateLabels(map[string]string{k: ps.MatchLabels[k]}, mlPath)...)
	}
	opts := metav1validation.LabelSelectorValidationOptions{}
	for i, expr := range ps.MatchExpressions {
		errs = append(errs, metav1validation.ValidateLabelSelectorRequirement(expr, opts, fldPath.Child("matchExpressions").Index(i))...)
	}
	return errs
}

// Overlap returns, in ascending key order, the objects of ix that both a
// and b select. Two controllers whose selectors overlap on a pod fight over
// it unless owner references settle who owns it; this shows where.
func Overlap(a, b *Selector, ix *Index) []string {
	if a.SelectsNothing() || b.SelectsNothing() || ix == nil {
		return nil
	}
	// Let the index narrow with whichever selector it can narrow best,
	// then check the other on the candidates.
	first, second := a, b
	if ix.candidateCount(b) < ix.candidateCount(a) {
		first, second = b, a
	}
	var out []string
	ix.each(first, func(e *entry) {
		if second.Matches(e.labels) {
			out = append(out, e.key)
		}
	})
	return out
}
