package namespace

import (
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/workload"
)

// ValidateUpdate checks an update of a Namespace's metadata as the API
// server does (rule 10; ValidateNamespaceUpdate): the name, uid,
// creationTimestamp, deletionTimestamp and grace period may not change,
// the generation may not go down, no finalizer may be added once the
// namespace is being deleted, the resourceVersion must be set, the new
// labels, annotations and owner references are valid, and each
// metadata.finalizers name without a "/" is a standard one. The
// apiserver's update of the main resource runs Validate(ns) first and
// this after it; it keeps the stored spec.finalizers and status, so
// neither is checked here. Label and annotation errors come in key order
// (MODEL: upstream reports them in map order). Neither argument is
// modified.
func ValidateUpdate(ns, old *corev1.Namespace) field.ErrorList {
	if ns == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath("metadata"), "")}
	}
	return validateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
}

// ValidateStatusUpdate checks a write to a Namespace's status subresource
// (rule 11; ValidateNamespaceStatusUpdate): the metadata as ValidateUpdate
// checks it, then the phase, which must be Active while
// deletionTimestamp is unset (status.Phase: Invalid value:
// "Terminating": may only be 'Active' if `deletionTimestamp` is empty)
// and Terminating once it is set. The path is upstream's, with its
// capital P. The spec is not checked: the status write keeps the stored
// one.
func ValidateStatusUpdate(ns, old *corev1.Namespace) field.ErrorList {
	if ns == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath("metadata"), "")}
	}
	errs := validateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	phase := field.NewPath("status", "Phase")
	if ns.DeletionTimestamp.IsZero() {
		if ns.Status.Phase != corev1.NamespaceActive {
			errs = append(errs, field.Invalid(phase, ns.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if ns.Status.Phase != corev1.NamespaceTerminating {
		errs = append(errs, field.Invalid(phase, ns.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	return errs
}

// ValidateFinalizeUpdate checks a write to a Namespace's finalize
// subresource, the namespace controller's way of removing its finalizer
// (rule 12; ValidateNamespaceFinalizeUpdate): the metadata as ValidateUpdate
// checks it, then every spec.finalizers entry, at its index, as a
// qualified name and, without a "/", a standard finalizer name. (The
// create's check of spec.finalizers, Validate, names the list without an
// index; this one names the entry.)
func ValidateFinalizeUpdate(ns, old *corev1.Namespace) field.ErrorList {
	if ns == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath("metadata"), "")}
	}
	errs := validateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("spec", "finalizers")
	for i, f := range ns.Spec.Finalizers {
		errs = append(errs, apivalidation.ValidateFinalizerName(string(f), p.Index(i))...)
		errs = append(errs, kubeFinalizerName(string(f), p.Index(i))...)
	}
	return errs
}

// validateObjectMetaUpdate is the core API group's metadata update check,
// workload.ValidateObjectMetaUpdate (labels and annotations in key order,
// then the finalizer names).
func validateObjectMetaUpdate(m, old *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	return workload.ValidateObjectMetaUpdate(m, old, fldPath)
}
