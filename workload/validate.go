package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/probe"
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
	errs := apivalidation.ValidateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
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
	errs := apivalidation.ValidateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateRCSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateStatus checks a status write (RS-2.4): counts ≥ 0 and
// fullyLabeled, ready and available replicas not above replicas, available
// not above ready.
func ValidateStatus(s appsv1.ReplicaSetStatus, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, f := range []struct {
		name string
		v    int64
	}{{"replicas", int64(s.Replicas)}, {"fullyLabeledReplicas", int64(s.FullyLabeledReplicas)}, {"readyReplicas", int64(s.ReadyReplicas)}, {"availableReplicas", int64(s.AvailableReplicas)}} {
		errs = append(errs, apivalidation.ValidateNonnegativeField(f.v, fldPath.Child(f.name))...)
	}
	if s.TerminatingReplicas != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*s.TerminatingReplicas), fldPath.Child("terminatingReplicas"))...)
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(s.ObservedGeneration, fldPath.Child("observedGeneration"))...)
	msg := "cannot be greater than status.replicas"
	if s.FullyLabeledReplicas > s.Replicas {
		errs = append(errs, field.Invalid(fldPath.Child("fullyLabeledReplicas"), s.FullyLabeledReplicas, msg))
	}
	if s.ReadyReplicas > s.Replicas {
		errs = append(errs, field.Invalid(fldPath.Child("readyReplicas"), s.ReadyReplicas, msg))
	}
	if s.AvailableReplicas > s.Replicas {
		errs = append(errs, field.Invalid(fldPath.Child("availableReplicas"), s.AvailableReplicas, msg))
	}
	if s.AvailableReplicas > s.ReadyReplicas {
		errs = append(errs, field.Invalid(fldPath.Child("availableReplicas"), s.AvailableReplicas, "cannot be greater than readyReplicas"))
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
	errs = append(errs, apivalidation.ValidateNonnegativeField(m.Generation, fldPath.Child("generation"))...)
	errs = append(errs, labels.Validate(m.Labels, fldPath.Child("labels"))...)
	errs = append(errs, labels.ValidateAnnotations(m.Annotations, fldPath.Child("annotations"))...)
	errs = append(errs, apivalidation.ValidateOwnerReferences(m.OwnerReferences, fldPath.Child("ownerReferences"))...)
	errs = append(errs, apivalidation.ValidateFinalizers(m.Finalizers, fldPath.Child("finalizers"))...)
	return append(errs, metav1validation.ValidateManagedFields(m.ManagedFields, fldPath.Child("managedFields"))...)
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

// ValidatePodTemplate is ValidatePodTemplateSpecFor{ReplicaSet,RC}: the
// selector must select the template's labels (unless empty), the template
// must be a valid pod template, restartPolicy must be Always and
// activeDeadlineSeconds unset ("activeDeadlineSeconds in <kind> is not
// Supported"; a Deployment's template says ReplicaSet).
//
// Of the pod spec it checks the containers (see validateContainers) and
// the restart policy. Volumes, env, security contexts, resources, affinity
// and the other pod spec rules are not modelled here; the conformance
// module compares the modelled part with upstream.
func ValidatePodTemplate(t *corev1.PodTemplateSpec, sel *selector.Selector, fldPath *field.Path, kind string) field.ErrorList {
	errs := sel.ValidateTemplate(t.Labels, fldPath)
	// ValidatePodTemplateSpec puts the template's labels and annotations
	// at spec.template.labels, not .metadata.labels.
	errs = append(errs, labels.Validate(t.Labels, fldPath.Child("labels"))...)
	errs = append(errs, labels.ValidateAnnotations(t.Annotations, fldPath.Child("annotations"))...)
	specPath := fldPath.Child("spec")
	errs = append(errs, validateContainers(t.Spec.Containers, specPath.Child("containers"))...)
	switch t.Spec.RestartPolicy {
	case corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
	case "":
		errs = append(errs, field.Required(specPath.Child("restartPolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(specPath.Child("restartPolicy"), t.Spec.RestartPolicy,
			[]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	}
	if t.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(specPath.Child("restartPolicy"), t.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(specPath.Child("activeDeadlineSeconds"), "activeDeadlineSeconds in "+kind+" is not Supported"))
	}
	return errs
}

var (
	terminationMessagePolicies = []corev1.TerminationMessagePolicy{corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError}
	pullPolicies               = sets.New(corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)
	portProtocols              = sets.New(corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
)

// validateContainers is upstream's validateContainers for the parts
// modelled: name, image, termination message policy, ports, pull policy,
// name uniqueness, probes.
func validateContainers(cs []corev1.Container, fldPath *field.Path) field.ErrorList {
	if len(cs) == 0 {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	var errs field.ErrorList
	names := sets.New[string]()
	for i := range cs {
		c := &cs[i]
		p := fldPath.Index(i)
		if c.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		} else {
			for _, msg := range validation.IsDNS1123Label(c.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), c.Name, msg))
			}
		}
		if c.Image == "" {
			errs = append(errs, field.Required(p.Child("image"), ""))
		}
		switch c.TerminationMessagePolicy {
		case corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError:
		case "":
			errs = append(errs, field.Required(p.Child("terminationMessagePolicy"), ""))
		default:
			errs = append(errs, field.NotSupported(p.Child("terminationMessagePolicy"), c.TerminationMessagePolicy, terminationMessagePolicies))
		}
		errs = append(errs, validatePorts(c.Ports, p.Child("ports"))...)
		switch {
		case c.ImagePullPolicy == "":
			errs = append(errs, field.Required(p.Child("imagePullPolicy"), ""))
		case !pullPolicies.Has(c.ImagePullPolicy):
			errs = append(errs, field.NotSupported(p.Child("imagePullPolicy"), c.ImagePullPolicy, sets.List(pullPolicies)))
		}
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(p.Child("name"), c.Name))
		} else {
			names.Insert(c.Name)
		}
		errs = append(errs, probe.ValidateContainer(c, false, p)...)
	}
	return errs
}

func validatePorts(ports []corev1.ContainerPort, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for i, port := range ports {
		p := fldPath.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) != 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(p.Child("name"), port.Name, msg))
				}
			} else if names.Has(port.Name) {
				errs = append(errs, field.Duplicate(p.Child("name"), port.Name))
			} else {
				names.Insert(port.Name)
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(p.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(p.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(p.Child("hostPort"), port.HostPort, msg))
			}
		}
		if port.Protocol == "" {
			errs = append(errs, field.Required(p.Child("protocol"), ""))
		} else if !portProtocols.Has(port.Protocol) {
			errs = append(errs, field.NotSupported(p.Child("protocol"), port.Protocol, sets.List(portProtocols)))
		}
	}
	return errs
}

// SpecChanged reports whether an update changes the spec, which is when
// the apiserver raises metadata.generation by one (RS-2.5).
func SpecChanged(oldSpec, newSpec any) bool { return !apiequality.Semantic.DeepEqual(oldSpec, newSpec) }

// ValidatePod checks a defaulted pod created directly, with upstream's
// paths and texts, for the parts this package models: metadata (name a DNS
// subdomain), the containers (see ValidatePodTemplate) and the restart
// policy.
func ValidatePod(p *corev1.Pod) field.ErrorList {
	if p == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "a Pod is required")}
	}
	errs := ValidateObjectMeta(&p.ObjectMeta, field.NewPath("metadata"))
	specPath := field.NewPath("spec")
	errs = append(errs, validateContainers(p.Spec.Containers, specPath.Child("containers"))...)
	switch p.Spec.RestartPolicy {
	case corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
	case "":
		errs = append(errs, field.Required(specPath.Child("restartPolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(specPath.Child("restartPolicy"), p.Spec.RestartPolicy,
			[]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	}
	return errs
}
