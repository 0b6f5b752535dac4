package workload

import (
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/selector"
)

// ValidateReplicaSet checks a defaulted ReplicaSet as the apiserver does on
// create (RS-2.1), with upstream's paths and texts: metadata (name a DNS
// subdomain, namespace, labels, annotations, owner references, finalizers),
// replicas and minReadySeconds ≥ 0, a required, valid, non-empty selector
// ("empty selector is invalid for deployment" — sic), the template's
// labels selected by it, and the template (see ValidatePodTemplate).
func ValidateReplicaSet(rs *appsv1.ReplicaSet) field.ErrorList {
	if rs == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "a ReplicaSet is required")}
	}
	errs := ValidateObjectMeta(&rs.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateReplicaSetSpec(&rs.Spec, field.NewPath("spec"), "ReplicaSet")...)
}

// ValidateReplicaSetUpdate checks an update (RS-2.2): the metadata that may
// not change, the whole spec again, and the selector, which is immutable.
func ValidateReplicaSetUpdate(rs, old *appsv1.ReplicaSet) field.ErrorList {
	if rs == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "the new and the old ReplicaSet are required")}
	}
	errs := ValidateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateReplicaSetSpec(&rs.Spec, field.NewPath("spec"), "ReplicaSet")...)
	return append(errs, apivalidation.ValidateImmutableField(rs.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

// ValidateReplicationController checks a defaulted ReplicationController
// as the apiserver does (RS-2.3): metadata, minReadySeconds ≥ 0, a
// non-empty selector, replicas set and ≥ 0, a template whose labels the
// selector selects.
func ValidateReplicationController(rc *corev1.ReplicationController) field.ErrorList {
	if rc == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "a ReplicationController is required")}
	}
	errs := ValidateObjectMeta(&rc.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateRCSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateReplicationControllerUpdate checks an update (RS-2.3): unlike a
// ReplicaSet's, the selector may change.
func ValidateReplicationControllerUpdate(rc, old *corev1.ReplicationController) field.ErrorList {
	if rc == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "the new and the old ReplicationController are required")}
	}
	errs := ValidateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateRCSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateStatus checks a ReplicaSet's status (ValidateReplicaSetStatus,
// rule 12): replicas, fullyLabeledReplicas, readyReplicas,
// availableReplicas and observedGeneration ≥ 0, then terminatingReplicas
// ≥ 0 when set; fullyLabeled, ready and available replicas not above
// replicas ("cannot be greater than status.replicas"), available not above
// ready ("cannot be greater than readyReplicas").
func ValidateStatus(s appsv1.ReplicaSetStatus, fldPath *field.Path) field.ErrorList {
	return validateReplicaCounts(s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration, s.TerminatingReplicas, fldPath)
}

// ValidateReplicationControllerStatus is ValidateStatus for an RC, which
// has no terminatingReplicas (ValidateReplicationControllerStatus, rule
// 12).
func ValidateReplicationControllerStatus(s corev1.ReplicationControllerStatus, fldPath *field.Path) field.ErrorList {
	return validateReplicaCounts(s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration, nil, fldPath)
}

func validateReplicaCounts(replicas, fullyLabeled, ready, available int32, observedGeneration int64, terminating *int32, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, f := range []struct {
		name string
		v    int64
	}{{"replicas", int64(replicas)}, {"fullyLabeledReplicas", int64(fullyLabeled)}, {"readyReplicas", int64(ready)}, {"availableReplicas", int64(available)}, {"observedGeneration", observedGeneration}} {
		errs = append(errs, apivalidation.ValidateNonnegativeField(f.v, fldPath.Child(f.name))...)
	}
	if terminating != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*terminating), fldPath.Child("terminatingReplicas"))...)
	}
	msg := "cannot be greater than status.replicas"
	if fullyLabeled > replicas {
		errs = append(errs, field.Invalid(fldPath.Child("fullyLabeledReplicas"), fullyLabeled, msg))
	}
	if ready > replicas {
		errs = append(errs, field.Invalid(fldPath.Child("readyReplicas"), ready, msg))
	}
	if available > replicas {
		errs = append(errs, field.Invalid(fldPath.Child("availableReplicas"), available, msg))
	}
	if available > ready {
		errs = append(errs, field.Invalid(fldPath.Child("availableReplicas"), available, "cannot be greater than readyReplicas"))
	}
	return errs
}

// ValidateReplicaSetStatusUpdate checks a write to a ReplicaSet's status
// subresource (ValidateReplicaSetStatusUpdate, rule 12): the metadata
// update rules, then the new status; the spec is not looked at.
func ValidateReplicaSetStatusUpdate(rs, old *appsv1.ReplicaSet) field.ErrorList {
	if rs == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "the new and the old ReplicaSet are required")}
	}
	errs := ValidateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateStatus(rs.Status, field.NewPath("status"))...)
}

// ValidateReplicationControllerStatusUpdate is the same for an RC
// (ValidateReplicationControllerStatusUpdate, rule 12).
func ValidateReplicationControllerStatusUpdate(rc, old *corev1.ReplicationController) field.ErrorList {
	if rc == nil || old == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "the new and the old ReplicationController are required")}
	}
	errs := ValidateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateReplicationControllerStatus(rc.Status, field.NewPath("status"))...)
}

// ValidateObjectMetaUpdate is core's ValidateObjectMetaUpdate:
// apimachinery's (immutable name, namespace, uid, creationTimestamp;
// generation not decreased; …), then each finalizer of the new object
// either qualified or a standard one (kubernetes, orphan,
// foregroundDeletion).
func ValidateObjectMetaUpdate(m, old *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	// Labels and annotations are checked here, in key order, where
	// apimachinery reports them in map order: after the immutable fields,
	// before owner references and managed fields.
	bare := *m
	bare.Labels, bare.Annotations = nil, nil
	errs := apivalidation.ValidateObjectMetaUpdate(&bare, old, fldPath)
	owners, managed := fldPath.Child("ownerReferences").String(), fldPath.Child("managedFields").String()
	at := slices.IndexFunc(errs, func(e *field.Error) bool {
		return strings.HasPrefix(e.Field, owners) || strings.HasPrefix(e.Field, managed)
	})
	if at < 0 {
		at = len(errs)
	}
	kv := append(labels.Validate(m.Labels, fldPath.Child("labels")), labels.ValidateAnnotations(m.Annotations, fldPath.Child("annotations"))...)
	errs = slices.Insert(errs, at, kv...)
	return append(errs, ValidateFinalizerNames(m.Finalizers, fldPath.Child("finalizers"))...)
}

var standardFinalizers = sets.New(string(corev1.FinalizerKubernetes), metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents)

// ValidateFinalizerNames is the core API group's rule for metadata
// finalizers: one without a "/" must be kubernetes, orphan or
// foregroundDeletion ("name is neither a standard finalizer name nor is it
// fully qualified").
func ValidateFinalizerNames(finalizers []string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, f := range finalizers {
		if !strings.Contains(f, "/") && !standardFinalizers.Has(f) {
			errs = append(errs, field.Invalid(fldPath.Index(i), f, "name is neither a standard finalizer name nor is it fully qualified"))
		}
	}
	return errs
}

// ValidateObjectMeta is apimachinery's ValidateObjectMeta for a
// namespaced object named as a DNS subdomain (ReplicaSets, RCs,
// Deployments), with labels and annotations checked in key order (MODEL:
// upstream walks them in map order).
func ValidateObjectMeta(m *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if m.GenerateName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(m.GenerateName, true) {
			errs = append(errs, field.Invalid(fldPath.Child("generateName"), m.GenerateName, msg))
		}
	}
	if m.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), "name or generateName is required"))
	} else {
		for _, msg := range apivalidation.NameIsDNSSubdomain(m.Name, false) {
			errs = append(errs, field.Invalid(fldPath.Child("name"), m.Name, msg))
		}
	}
	if m.Namespace == "" {
		errs = append(errs, field.Required(fldPath.Child("namespace"), ""))
	} else {
		for _, msg := range apivalidation.ValidateNamespaceName(m.Namespace, false) {
			errs = append(errs, field.Invalid(fldPath.Child("namespace"), m.Namespace, msg))
		}
	}
	// Each check finds nothing in an empty field: its path is built
	// only for a field that is set (paths cost an allocation each, and
	// every pod a controller creates is validated).
	if m.Generation < 0 {
		errs = append(errs, apivalidation.ValidateNonnegativeField(m.Generation, fldPath.Child("generation"))...)
	}
	if len(m.Labels) > 0 {
		errs = append(errs, labels.Validate(m.Labels, fldPath.Child("labels"))...)
	}
	if len(m.Annotations) > 0 {
		errs = append(errs, labels.ValidateAnnotations(m.Annotations, fldPath.Child("annotations"))...)
	}
	if len(m.OwnerReferences) > 0 {
		errs = append(errs, apivalidation.ValidateOwnerReferences(m.OwnerReferences, fldPath.Child("ownerReferences"))...)
	}
	if len(m.Finalizers) > 0 {
		errs = append(errs, apivalidation.ValidateFinalizers(m.Finalizers, fldPath.Child("finalizers"))...)
	}
	if len(m.ManagedFields) > 0 {
		errs = append(errs, metav1validation.ValidateManagedFields(m.ManagedFields, fldPath.Child("managedFields"))...)
	}
	// core's ValidateObjectMeta adds the finalizer-name check.
	if len(m.Finalizers) == 0 {
		return errs
	}
	return append(errs, ValidateFinalizerNames(m.Finalizers, fldPath.Child("finalizers"))...)
}

func validateReplicaSetSpec(spec *appsv1.ReplicaSetSpec, fldPath *field.Path, kind string) field.ErrorList {
	var errs field.ErrorList
	replicas := int32(0)
	if spec.Replicas != nil {
		replicas = *spec.Replicas
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(replicas), fldPath.Child("replicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	if spec.Selector == nil {
		errs = append(errs, field.Required(fldPath.Child("selector"), ""))
	} else {
		errs = append(errs, selector.Validate(spec.Selector, fldPath.Child("selector"))...)
		if len(spec.Selector.MatchLabels)+len(spec.Selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(fldPath.Child("selector"), spec.Selector, "empty selector is invalid for deployment"))
		}
	}
	sel, err := selector.FromLabelSelector(spec.Selector)
	if err != nil {
		return append(errs, field.Invalid(fldPath.Child("selector"), spec.Selector, "invalid label selector"))
	}
	return append(errs, ValidatePodTemplate(&spec.Template, sel, fldPath.Child("template"), kind)...)
}

func validateRCSpec(spec *corev1.ReplicationControllerSpec, fldPath *field.Path) field.ErrorList {
	errs := apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))
	if len(spec.Selector) == 0 {
		errs = append(errs, field.Required(fldPath.Child("selector"), ""))
	}
	if spec.Replicas == nil {
		errs = append(errs, field.Required(fldPath.Child("replicas"), ""))
	} else {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*spec.Replicas), fldPath.Child("replicas"))...)
	}
	if spec.Template == nil {
		return append(errs, field.Required(fldPath.Child("template"), ""))
	}
	return append(errs, ValidatePodTemplate(spec.Template, selector.FromSet(spec.Selector), fldPath.Child("template"), "ReplicationController")...)
}

// ValidatePodTemplate is ValidatePodTemplateSpecFor{ReplicaSet,RC}
// (rule 11): the selector must select the template's labels (unless
// empty); the template's labels and annotations and its pod spec must be
// valid (see the rules of validatePodSpec in the package doc: volumes,
// mounts, containers, init and ephemeral containers, ports, env,
// resources, restart policies); a template may not have ephemeral
// containers ("ephemeral containers not allowed in pod template");
// restartPolicy must be Always and activeDeadlineSeconds unset
// ("activeDeadlineSeconds in <kind> is not Supported"; a Deployment's
// template says ReplicaSet).
//
// Not checked (upstream checks them; see the package doc's list): security
// contexts, affinity, tolerations, topology spread, DNS config, host
// aliases, readiness and scheduling gates, lifecycle handlers, volume
// devices, resource claims, pod-level resources, overhead, OS-specific
// rules, the details of volume sources other than emptyDir, hostPath,
// secret, configMap and persistentVolumeClaim, fileKeyRef env sources,
// and the pod-specific, seccomp and AppArmor annotations.
func ValidatePodTemplate(t *corev1.PodTemplateSpec, sel *selector.Selector, fldPath *field.Path, kind string) field.ErrorList {
	errs := sel.ValidateTemplate(t.Labels, fldPath)
	// ValidatePodTemplateSpec puts the template's labels and annotations
	// at spec.template.labels, not .metadata.labels.
	errs = append(errs, labels.Validate(t.Labels, fldPath.Child("labels"))...)
	errs = append(errs, labels.ValidateAnnotations(t.Annotations, fldPath.Child("annotations"))...)
	specPath := fldPath.Child("spec")
	errs = append(errs, validatePodSpec(&t.Spec, specPath, podSpecContext{})...)
	if len(t.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(specPath.Child("ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	if t.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(specPath.Child("restartPolicy"), t.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(specPath.Child("activeDeadlineSeconds"), "activeDeadlineSeconds in "+kind+" is not Supported"))
	}
	return errs
}

// ValidatePod checks a defaulted pod on create as the apiserver does
// (ValidatePodCreate, rule 11), with upstream's paths and texts:
// metadata (name a DNS subdomain), the pod spec as in a template (see
// ValidatePodTemplate, with what it does not check), and what only a pod
// is checked for: with hostNetwork every hostPort equals its
// containerPort, terminationGracePeriodSeconds ≥ 0, images without
// surrounding whitespace, no ephemeral containers ("cannot be set on
// create": they come through the ephemeralcontainers subresource), no
// nodeName while schedulingGates remain.
func ValidatePod(p *corev1.Pod) field.ErrorList {
	if p == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "a Pod is required")}
	}
	errs := ValidateObjectMeta(&p.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidatePodSpecOnCreate(&p.Spec)...)
}

// ValidatePodSpecOnCreate is the part of ValidatePod that reads only the
// spec, with paths under "spec": ValidatePod is ValidateObjectMeta's
// errors followed by these. A caller creating many pods from one
// template may check the spec once.
func ValidatePodSpecOnCreate(spec *corev1.PodSpec) field.ErrorList {
	if spec == nil {
		return field.ErrorList{field.Required(field.NewPath("spec"), "a pod spec is required")}
	}
	specPath := field.NewPath("spec")
	errs := validatePodSpec(spec, specPath, podSpecContext{isPod: true})
	if g := spec.TerminationGracePeriodSeconds; g != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*g, specPath.Child("terminationGracePeriodSeconds"))...)
	}
	for i := range spec.Containers {
		errs = append(errs, imageWhitespace(&spec.Containers[i], specPath.Child("containers").Index(i))...)
	}
	for i := range spec.InitContainers {
		errs = append(errs, imageWhitespace(&spec.InitContainers[i], specPath.Child("initContainers").Index(i))...)
	}
	if len(spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"))
	}
	if spec.NodeName != "" && len(spec.SchedulingGates) != 0 {
		errs = append(errs, field.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
	}
	return errs
}

// SpecChanged reports whether an update changes the spec, which is when
// the apiserver raises metadata.generation by one (RS-2.5).
func SpecChanged(oldSpec, newSpec any) bool { return !apiequality.Semantic.DeepEqual(oldSpec, newSpec) }
