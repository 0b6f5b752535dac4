package cluster

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TaintNode is a user's write of one taint on a node (what `kubectl taint
// nodes NAME key=value:Effect --overwrite` sends): the taint with the
// same key and effect is replaced, else the taint is added first, the
// others keep their order. It is validated as the apiserver validates a
// node's taints (validateNodeTaints: the key a qualified name, the value
// a label value, the effect NoSchedule, PreferNoSchedule or NoExecute).
// A NoExecute taint wakes the taint manager at once (rule 6): pods that do
// not tolerate it are evicted now, the others at their smallest
// tolerationSeconds.
func (c *Cluster) TaintNode(node string, t corev1.Taint) error {
	if err := c.notInAction("TaintNode"); err != nil {
		return err
	}
	n := c.nodeObject(node)
	if n == nil {
		return apiNotFound(KindNode, node)
	}
	nn := n.DeepCopy()
	taints := []corev1.Taint{t}
	for _, have := range n.Spec.Taints {
		if !have.MatchTaint(&t) {
			taints = append(taints, have)
		}
	}
	nn.Spec.Taints = taints
	if errs := validateNodeTaints(taints, field.NewPath("spec", "taints")); len(errs) > 0 {
		return apierrors.NewInvalid(groupKind(KindNode), node, errs)
	}
	return c.update(KindNode, nn, n)
}

// UntaintNode removes a node's taints with the key and effect (every
// effect when effect is empty), as `kubectl taint nodes NAME key:Effect-`
// does; none matching is kubectl's error `taint "key:Effect" not found`.
// Removing a NoExecute taint makes the taint manager plan again: evictions
// no longer due are cancelled.
func (c *Cluster) UntaintNode(node, key string, effect corev1.TaintEffect) error {
	if err := c.notInAction("UntaintNode"); err != nil {
		return err
	}
	n := c.nodeObject(node)
	if n == nil {
		return apiNotFound(KindNode, node)
	}
	nn := n.DeepCopy()
	drop := corev1.Taint{Key: key, Effect: effect}
	if !removeTaints(nn, func(t corev1.Taint) bool { return t.Key == key && (effect == "" || t.Effect == effect) }) {
		return fmt.Errorf("taint %q not found", drop.ToString())
	}
	return c.update(KindNode, nn, n)
}

// validateNodeTaints is the apiserver's validateNodeTaints, with its
// paths and texts.
func validateNodeTaints(taints []corev1.Taint, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[corev1.TaintEffect]map[string]bool{}
	for i, t := range taints {
		p := path.Index(i)
		errs = append(errs, metav1validation.ValidateLabelName(t.Key, p.Child("key"))...)
		if msgs := validation.IsValidLabelValue(t.Value); len(msgs) > 0 {
			errs = append(errs, field.Invalid(p.Child("value"), t.Value, strings.Join(msgs, ";")))
		}
		switch t.Effect {
		case "":
			errs = append(errs, field.Required(p.Child("effect"), ""))
		case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			errs = append(errs, field.NotSupported(p.Child("effect"), t.Effect, []string{
				string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)}))
		}
		if seen[t.Effect][t.Key] {
			dup := field.Duplicate(p, t)
			dup.Detail = "taints must be unique by key and effect pair"
			errs = append(errs, dup)
			continue
		}
		if seen[t.Effect] == nil {
			seen[t.Effect] = map[string]bool{}
		}
		seen[t.Effect][t.Key] = true
	}
	return errs
}
