package rollout

import (
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/selector"
	"github.com/kubesem/kubesem/workload"
)

// Validate checks a defaulted Deployment as the apiserver does on create
// (V-1 … V-4, V-6, V-9), with upstream's paths and texts: metadata (a
// finalizer name without a "/" one of the standard ones); replicas ≥
// 0; a required, valid, non-empty selector that selects the template; the
// template (as a ReplicaSet's, see workload.ValidatePodTemplate); the
// strategy (Recreate without rollingUpdate; maxSurge and maxUnavailable
// ints ≥ 0 or "<n>%", not both 0, maxUnavailable at most 100%);
// minReadySeconds, revisionHistoryLimit and progressDeadlineSeconds ≥ 0,
// the deadline above minReadySeconds; a legacy rollback revision ≥ 0.
func Validate(d *appsv1.Deployment) field.ErrorList {
	if d == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "a Deployment is required")}
	}
	meta := d.ObjectMeta.DeepCopy()
	// The rollback annotation becomes spec.rollbackTo in the internal
	// version that upstream validates.
	rollback, hasRollback := meta.Annotations[RollbackToAnnotation]
	delete(meta.Annotations, RollbackToAnnotation)
	errs := workload.ValidateObjectMeta(meta, field.NewPath("metadata"))
	var rollbackTo *int64
	if hasRollback {
		if v, err := strconv.ParseInt(rollback, 10, 64); err == nil {
			rollbackTo = &v
		}
	}
	return append(errs, validateSpec(&d.Spec, rollbackTo, field.NewPath("spec"))...)
}

// ValidateUpdate checks an update (V-2, V-9): the metadata that may not
// change (and the new metadata's finalizer names), the spec again as on
// create, and the selector, which is immutable. It does not look at the
// status, which the main resource's update keeps as stored.
func ValidateUpdate(d, old *appsv1.Deployment) field.ErrorList {
	if d == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "the new and the old Deployment are required")}
	}
	errs := validateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateSpec(&d.Spec, nil, field.NewPath("spec"))...)
	return append(errs, apivalidation.ValidateImmutableField(d.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

// ValidateStatus checks a Deployment's status as the apiserver does on a
// status write (V-7), under fldPath ("status"): observedGeneration,
// replicas, updatedReplicas, readyReplicas, availableReplicas,
// unavailableReplicas and, when set, terminatingReplicas and
// collisionCount are ≥ 0; updated, ready and available replicas are not
// above replicas ("cannot be greater than status.replicas"); available
// replicas are not above ready ones ("cannot be greater than
// readyReplicas"). Conditions are not checked, as upstream does not check
// them. A nil status is the zero status, which is valid.
func ValidateStatus(s *appsv1.DeploymentStatus, fldPath *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	var errs field.ErrorList
	nonNegative := func(v int64, name string) {
		errs = append(errs, apivalidation.ValidateNonnegativeField(v, fldPath.Child(name))...)
	}
	nonNegative(s.ObservedGeneration, "observedGeneration")
	nonNegative(int64(s.Replicas), "replicas")
	nonNegative(int64(s.UpdatedReplicas), "updatedReplicas")
	nonNegative(int64(s.ReadyReplicas), "readyReplicas")
	nonNegative(int64(s.AvailableReplicas), "availableReplicas")
	nonNegative(int64(s.UnavailableReplicas), "unavailableReplicas")
	if s.TerminatingReplicas != nil {
		nonNegative(int64(*s.TerminatingReplicas), "terminatingReplicas")
	}
	if s.CollisionCount != nil {
		nonNegative(int64(*s.CollisionCount), "collisionCount")
	}
	const aboveReplicas = "cannot be greater than status.replicas"
	for _, c := range []struct {
		name string
		v    int32
	}{{"updatedReplicas", s.UpdatedReplicas}, {"readyReplicas", s.ReadyReplicas}, {"availableReplicas", s.AvailableReplicas}} {
		if c.v > s.Replicas {
			errs = append(errs, field.Invalid(fldPath.Child(c.name), c.v, aboveReplicas))
		}
	}
	if s.AvailableReplicas > s.ReadyReplicas {
		errs = append(errs, field.Invalid(fldPath.Child("availableReplicas"), s.AvailableReplicas, "cannot be greater than readyReplicas"))
	}
	return errs
}

// ValidateStatusUpdate checks a write to a Deployment's status
// subresource (V-8): the metadata that may not change (as ValidateUpdate),
// the new status (ValidateStatus under "status"), and a collisionCount
// that may not go down — nor be dropped once set: "status.collisionCount:
// Invalid value: 0: cannot be decremented". The spec is not checked: the
// status write keeps the stored one.
func ValidateStatusUpdate(d, old *appsv1.Deployment) field.ErrorList {
	if d == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "the new and the old Deployment are required")}
	}
	errs := validateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status")
	errs = append(errs, ValidateStatus(&d.Status, p)...)
	if now, was := d.Status.CollisionCount, old.Status.CollisionCount; was != nil && (now == nil || *now < *was) {
		v := int32(0)
		if now != nil {
			v = *now
		}
		errs = append(errs, field.Invalid(p.Child("collisionCount"), v, "cannot be decremented"))
	}
	return errs
}

// validateObjectMetaUpdate is the core API group's metadata update check,
// workload.ValidateObjectMetaUpdate (labels and annotations in key order,
// then the finalizer names).
func validateObjectMetaUpdate(m, old *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	return workload.ValidateObjectMetaUpdate(m, old, fldPath)
}

func validateSpec(spec *appsv1.DeploymentSpec, rollbackTo *int64, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	r := int32(0)
	if spec.Replicas != nil {
		r = *spec.Replicas
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(r), fldPath.Child("replicas"))...)
	if spec.Selector == nil {
		errs = append(errs, field.Required(fldPath.Child("selector"), ""))
	} else {
		errs = append(errs, selector.Validate(spec.Selector, fldPath.Child("selector"))...)
		if len(spec.Selector.MatchLabels)+len(spec.Selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(fldPath.Child("selector"), spec.Selector, "empty selector is invalid for deployment"))
		}
	}
	if sel, err := selector.FromLabelSelector(spec.Selector); err != nil {
		errs = append(errs, field.Invalid(fldPath.Child("selector"), spec.Selector, "invalid label selector"))
	} else {
		errs = append(errs, workload.ValidatePodTemplate(&spec.Template, sel, fldPath.Child("template"), "ReplicaSet")...)
	}
	errs = append(errs, validateStrategy(&spec.Strategy, fldPath.Child("strategy"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	if spec.RevisionHistoryLimit != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*spec.RevisionHistoryLimit), fldPath.Child("revisionHistoryLimit"))...)
	}
	if rollbackTo != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*rollbackTo, fldPath.Child("rollback", "version"))...)
	}
	if p := spec.ProgressDeadlineSeconds; p != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*p), fldPath.Child("progressDeadlineSeconds"))...)
		if *p <= spec.MinReadySeconds {
			errs = append(errs, field.Invalid(fldPath.Child("progressDeadlineSeconds"), p, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

func validateStrategy(s *appsv1.DeploymentStrategy, fldPath *field.Path) field.ErrorList {
	switch s.Type {
	case appsv1.RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return field.ErrorList{field.Forbidden(fldPath.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")}
		}
	case appsv1.RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return field.ErrorList{field.Required(fldPath.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return validateRollingUpdate(s.RollingUpdate, fldPath.Child("rollingUpdate"))
	default:
		return field.ErrorList{field.NotSupported(fldPath, internalStrategy(s), []string{string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)})}
	}
	return nil
}

// internalStrategy is the strategy as upstream's internal type holds it,
// so that an unsupported one prints as upstream prints it.
func internalStrategy(s *appsv1.DeploymentStrategy) any {
	// The internal types have no JSON tags.
	type rollingUpdate struct {
		MaxUnavailable intstr.IntOrString
		MaxSurge       intstr.IntOrString
	}
	type strategy struct {
		Type          appsv1.DeploymentStrategyType
		RollingUpdate *rollingUpdate
	}
	out := &strategy{Type: s.Type}
	if ru := s.RollingUpdate; ru != nil {
		u, sg := valueOr0(ru.MaxUnavailable), valueOr0(ru.MaxSurge)
		out.RollingUpdate = &rollingUpdate{MaxUnavailable: u, MaxSurge: sg}
	}
	return out
}

func valueOr0(v *intstr.IntOrString) intstr.IntOrString {
	if v == nil {
		return intstr.IntOrString{}
	}
	return *v
}

func validateRollingUpdate(ru *appsv1.RollingUpdateDeployment, fldPath *field.Path) field.ErrorList {
	u, s := valueOr0(ru.MaxUnavailable), valueOr0(ru.MaxSurge)
	errs := positiveIntOrPercent(u, fldPath.Child("maxUnavailable"))
	errs = append(errs, positiveIntOrPercent(s, fldPath.Child("maxSurge"))...)
	if intOrPercentValue(u) == 0 && intOrPercentValue(s) == 0 {
		errs = append(errs, field.Invalid(fldPath.Child("maxUnavailable"), u, "may not be 0 when `maxSurge` is 0"))
	}
	if v, ok := percentValue(u); ok && v > 100 {
		errs = append(errs, field.Invalid(fldPath.Child("maxUnavailable"), u, "must not be greater than 100%"))
	}
	return errs
}

func positiveIntOrPercent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	switch v.Type {
	case intstr.String:
		var errs field.ErrorList
		for _, msg := range validation.IsValidPercent(v.StrVal) {
			errs = append(errs, field.Invalid(fldPath, v, msg))
		}
		return errs
	case intstr.Int:
		return apivalidation.ValidateNonnegativeField(int64(v.IntValue()), fldPath)
	}
	return field.ErrorList{field.Invalid(fldPath, v, "must be an integer or percentage (e.g '5%%')")}
}

func percentValue(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || len(validation.IsValidPercent(v.StrVal)) != 0 {
		return 0, false
	}
	n, _ := strconv.Atoi(v.StrVal[:len(v.StrVal)-1])
	return n, true
}

func intOrPercentValue(v intstr.IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	return v.IntValue()
}
