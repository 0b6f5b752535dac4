package labels

import (
	"sort"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidateKey checks a label key (rule L2): an optional DNS-subdomain
// prefix and "/", then a name of at most 63 characters. Each problem is one
// error at fldPath with upstream's text.
func ValidateKey(key string, fldPath *field.Path) field.ErrorList {
	return metav1validation.ValidateLabelName(key, fldPath)
}

// ValidateValue checks a label value (rule L3): empty, or at most 63
// alphanumerics, '-', '_' and '.', starting and ending alphanumeric.
func ValidateValue(value string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsValidLabelValue(value) {
		errs = append(errs, field.Invalid(fldPath, value, msg).WithOrigin("format=k8s-label-value"))
	}
	return errs
}

// Validate checks a label map as the apiserver checks metadata.labels (rule
// L11.1): for each pair its key errors, then its value errors, all at
// fldPath itself (upstream does not index the path by key).
//
// MODEL: upstream walks the map in Go's random order; kubesem walks it in
// ascending key order, so the same labels always give the same list.
func Validate(set map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(set) {
		errs = append(errs, metav1validation.ValidateLabels(map[string]string{k: set[k]}, fldPath)...)
	}
	return errs
}

// ValidateAnnotations checks metadata.annotations as the apiserver does:
// every key is a qualified name once lower-cased, and keys and values
// together are at most 256 KiB. Keys are checked in ascending order (see
// Validate).
func ValidateAnnotations(annotations map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(annotations) {
		// One pair at a time keeps the order fixed; the size check is on
		// the whole map below.
		errs = append(errs, apivalidation.ValidateAnnotations(map[string]string{k: ""}, fldPath)...)
	}
	if apivalidation.ValidateAnnotationsSize(annotations) != nil {
		errs = append(errs, field.TooLong(fldPath, "", apivalidation.TotalAnnotationSizeLimitB))
	}
	return errs
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
