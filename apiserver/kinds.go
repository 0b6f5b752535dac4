package apiserver

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/workload"
)

// newBuiltin builds a built-in resource's entry: its discovery facts and
// its strategy (rules API-1, API-4).
func newBuiltin(b *builtin) *resourceInfo {
	ri := &resourceInfo{
		Resource: Resource{Group: b.group, Version: b.version, Kind: b.kind, Name: b.resource,
			Singular: b.singular, Namespaced: b.namespaced, ShortNames: b.shortNames,
			Categories: b.categories, Subresources: b.subresources, Verbs: b.verbs},
		facts:   b.facts,
		storage: schema.GroupResource{Group: b.group, Resource: b.resource},
		served:  true,
	}
	st := &strategy{facts: b.facts, namespaced: b.namespaced, status: slices.Contains(b.subresources, "status"),
		name: apivalidation.NameIsDNSSubdomain}
	ri.strategy = st
	gk := schema.GroupKind{Group: b.group, Kind: b.kind}
	switch gk {
	case schema.GroupKind{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:
		// MODEL: autoscaling/v1 and v2 share one storage upstream, through
		// conversions k8s.io/api does not have; kubesem serves v2 only.
		ri.served = b.version == "v2"
	case schema.GroupKind{Group: "events.k8s.io", Kind: "Event"}:
		// MODEL: events.k8s.io/v1 shares core/v1's storage upstream through
		// conversions k8s.io/api does not have; kubesem serves core/v1.
		ri.served = false
	}
	if !slices.Contains(b.verbs, "get") {
		// Virtual resources (reviews, bindings, component statuses) are
		// listed in discovery but not stored.
		ri.served = false
	}
	switch gk {
	case schema.GroupKind{Kind: "ReplicationController"}, schema.GroupKind{Group: "batch", Kind: "Job"}:
		st.gc = gcOrphan
	case schema.GroupKind{Kind: "Event"}:
		st.gc = gcUnsupported
	}
	switch gk {
	case schema.GroupKind{Kind: "Namespace"}, schema.GroupKind{Group: "apps", Kind: "StatefulSet"}, schema.GroupKind{Kind: "Service"}:
		st.name = apivalidation.NameIsDNSLabel
	case schema.GroupKind{Group: "policy", Kind: "PodDisruptionBudget"},
		schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "Role"},
		schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"},
		schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"},
		schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:
		st.name = pathSegment
	}
	if hook := kindHooks[gk]; hook != nil {
		hook(st)
	}
	return ri
}

// kindHooks add what each modelled kind's strategy does beyond the
// generic rules.
var kindHooks = map[schema.GroupKind]func(*strategy){
	{Kind: "Pod"}:                       podStrategy,
	{Group: "apps", Kind: "ReplicaSet"}: replicaSetStrategy,
	{Kind: "ReplicationController"}:     replicationControllerStrategy,
	{Group: "apps", Kind: "Deployment"}: deploymentStrategy,
	{Kind: "Namespace"}:                 namespaceStrategy,
	{Kind: "Node"}:                      func(st *strategy) { st.createKeepsStatus = true },
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}: crdStrategy,
	{Kind: "ConfigMap"}:                configMapStrategy,
	{Kind: "Secret"}:                   secretStrategy,
	{Group: "apps", Kind: "DaemonSet"}: daemonSetStrategy,
}

func podStrategy(st *strategy) {
	st.defaults = func(o Object) Object { return workload.DefaultPod(o.(*corev1.Pod)) }
	st.prepareCreate = func(o Object) {
		p := o.(*corev1.Pod)
		p.Status = corev1.PodStatus{Phase: corev1.PodPending, QOSClass: podQOS(p)}
	}
	// A write to the main resource keeps the stored status (the generic
	// rule, podStrategy.PrepareForUpdate) and, with
	// PodLevelResourcesFixDefaulting (beta, on), the stored pod-level
	// resources when the client left them out.
	st.prepareUpdate = func(o, old Object) {
		p, op := o.(*corev1.Pod), old.(*corev1.Pod)
		if p.Spec.Resources == nil && op.Spec.Resources != nil {
			p.Spec.Resources = op.Spec.Resources.DeepCopy()
		}
	}
	// A status write keeps the spec (the generic rule), the owner
	// references, the QoS class when left out, and observedGeneration —
	// the status's and each condition's — when left out
	// (podStatusStrategy.PrepareForUpdate, preserveOldObservedGeneration).
	// The conditions are the client's: a readiness gate's condition set
	// here is stored as sent.
	st.prepareStatus = func(o, old Object) {
		p, op := o.(*corev1.Pod), old.(*corev1.Pod)
		p.OwnerReferences = op.OwnerReferences
		if p.Status.QOSClass == "" {
			p.Status.QOSClass = op.Status.QOSClass
		}
		keepObservedGeneration(&p.Status, &op.Status)
	}
	st.validate = func(o Object) field.ErrorList { return workload.ValidatePod(o.(*corev1.Pod)) }
	st.validateUpdate = func(o, old Object) field.ErrorList { return validatePodUpdate(o.(*corev1.Pod), old.(*corev1.Pod)) }
	st.graceful = func(o Object, requested *int64) (int64, bool) {
		p := o.(*corev1.Pod)
		var grace int64
		switch {
		case requested != nil:
			grace = *requested
		case p.Spec.TerminationGracePeriodSeconds != nil:
			grace = *p.Spec.TerminationGracePeriodSeconds
		}
		if p.Spec.NodeName == "" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			grace = 0 // never ran, or done: nothing to wait for
		}
		if grace < 0 {
			grace = 1
		}
		return grace, true
	}
	st.fieldValue = func(o Object, f string) (string, bool) {
		p := o.(*corev1.Pod)
		switch f {
		case "spec.nodeName":
			return p.Spec.NodeName, true
		case "status.phase":
			return string(p.Status.Phase), true
		case "status.podIPs":
			// The pod's IPs as one value: the first is what selects
			// (pkg/registry/core/pod: PodToSelectableFields).
			if len(p.Status.PodIPs) > 0 {
				return p.Status.PodIPs[0].IP, true
			}
			return "", true
		}
		return "", false
	}
}

// keepObservedGeneration gives a status write that leaves observedGeneration
// out the stored one: the status's, and each condition's from the stored
// condition of its type in the same position among that type's (several
// conditions of one type pass validation).
func keepObservedGeneration(st, old *corev1.PodStatus) {
	if st.ObservedGeneration == 0 {
		st.ObservedGeneration = old.ObservedGeneration
	}
	stored := map[corev1.PodConditionType][]int64{}
	for _, c := range old.Conditions {
		stored[c.Type] = append(stored[c.Type], c.ObservedGeneration)
	}
	for i := range st.Conditions { // the request's own copy
		c := &st.Conditions[i]
		var g int64
		if gs := stored[c.Type]; len(gs) > 0 {
			g, stored[c.Type] = gs[0], gs[1:]
		}
		if c.ObservedGeneration == 0 {
			c.ObservedGeneration = g
		}
	}
}

// podQOS is the pod's QoS class as the create computes it.
func podQOS(p *corev1.Pod) corev1.PodQOSClass { return workload.QOSClass(p) }

// validatePodUpdate lets through the changes the apiserver allows to a
// pod's spec (ValidatePodUpdate): container images, a shorter
// activeDeadlineSeconds, added tolerations; the metadata checks are the
// generic ones.
func validatePodUpdate(p, old *corev1.Pod) field.ErrorList {
	if len(p.Spec.Containers) != len(old.Spec.Containers) || len(p.Spec.InitContainers) != len(old.Spec.InitContainers) {
		return field.ErrorList{field.Forbidden(field.NewPath("spec"), "pod updates may not add or remove containers")}
	}
	mungled := p.Spec.DeepCopy()
	for i := range mungled.Containers {
		mungled.Containers[i].Image = old.Spec.Containers[i].Image
	}
	for i := range mungled.InitContainers {
		mungled.InitContainers[i].Image = old.Spec.InitContainers[i].Image
	}
	if p.Spec.ActiveDeadlineSeconds != nil {
		mungled.ActiveDeadlineSeconds = old.Spec.ActiveDeadlineSeconds
	}
	if tolerationsAdded(p.Spec.Tolerations, old.Spec.Tolerations) {
		mungled.Tolerations = old.Spec.Tolerations
	}
	if !equal(*mungled, old.Spec) {
		return field.ErrorList{field.Forbidden(field.NewPath("spec"), podUpdateForbidden)}
	}
	return nil
}

const podUpdateForbidden = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

func tolerationsAdded(now, old []corev1.Toleration) bool {
	for _, t := range old {
		found := false
		for _, n := range now {
			if equal(n, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func replicaSetStrategy(st *strategy) {
	st.defaults = func(o Object) Object { return workload.DefaultReplicaSet(o.(*appsv1.ReplicaSet)) }
	st.validate = func(o Object) field.ErrorList { return workload.ValidateReplicaSet(o.(*appsv1.ReplicaSet)) }
	st.validateUpdate = func(o, old Object) field.ErrorList {
		return workload.ValidateReplicaSetUpdate(o.(*appsv1.ReplicaSet), old.(*appsv1.ReplicaSet))
	}
	st.validateStatus = func(o, old Object) field.ErrorList {
		return workload.ValidateReplicaSetStatusUpdate(o.(*appsv1.ReplicaSet), old.(*appsv1.ReplicaSet))
	}
}

func replicationControllerStrategy(st *strategy) {
	st.defaults = func(o Object) Object {
		return workload.DefaultReplicationController(o.(*corev1.ReplicationController))
	}
	st.validate = func(o Object) field.ErrorList {
		return workload.ValidateReplicationController(o.(*corev1.ReplicationController))
	}
	st.validateUpdate = func(o, old Object) field.ErrorList {
		return workload.ValidateReplicationControllerUpdate(o.(*corev1.ReplicationController), old.(*corev1.ReplicationController))
	}
	st.validateStatus = func(o, old Object) field.ErrorList {
		return workload.ValidateReplicationControllerStatusUpdate(o.(*corev1.ReplicationController), old.(*corev1.ReplicationController))
	}
	st.fieldValue = func(o Object, f string) (string, bool) {
		if f == "status.replicas" {
			return fmt.Sprint(o.(*corev1.ReplicationController).Status.Replicas), true
		}
		return "", false
	}
}

func deploymentStrategy(st *strategy) {
	st.statusKeepsLabels = true
	st.defaults = func(o Object) Object { return rollout.Default(o.(*appsv1.Deployment)) }
	st.validate = func(o Object) field.ErrorList { return rollout.Validate(o.(*appsv1.Deployment)) }
	st.validateUpdate = func(o, old Object) field.ErrorList {
		return rollout.ValidateUpdate(o.(*appsv1.Deployment), old.(*appsv1.Deployment))
	}
	st.validateStatus = func(o, old Object) field.ErrorList {
		return rollout.ValidateStatusUpdate(o.(*appsv1.Deployment), old.(*appsv1.Deployment))
	}
}

func namespaceStrategy(st *strategy) {
	st.prepareCreate = func(o Object) {
		ns := o.(*corev1.Namespace)
		*ns = *namespace.PrepareForCreate(ns)
	}
	st.prepareUpdate = func(o, old Object) {
		ns, on := o.(*corev1.Namespace), old.(*corev1.Namespace)
		ns.Spec.Finalizers = on.Spec.Finalizers
	}
	st.validate = func(o Object) field.ErrorList { return namespace.Validate(o.(*corev1.Namespace)) }
	// The update checks the namespace as on create, then the metadata
	// update (pkg/registry/core/namespace: Strategy.ValidateUpdate).
	st.validateUpdate = func(o, old Object) field.ErrorList {
		ns := o.(*corev1.Namespace)
		return append(namespace.Validate(ns), namespace.ValidateUpdate(ns, old.(*corev1.Namespace))...)
	}
	st.validateStatus = func(o, old Object) field.ErrorList {
		return namespace.ValidateStatusUpdate(o.(*corev1.Namespace), old.(*corev1.Namespace))
	}
}

// canonicalNamespace labels a namespace with its name, on every create
// and update (the Namespace strategy's Canonicalize).
func canonicalNamespace(o Object) {
	if ns, ok := o.(*corev1.Namespace); ok && ns.Name != "" {
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[corev1.LabelMetadataName] = ns.Name
	}
}

// configMapStrategy: data defaults to an empty map (SetDefaults_ConfigMap);
// validation is ValidateConfigMap and ValidateConfigMapUpdate (API-14),
// against the stored object as etcd gives it back: protobuf keeps no
// empty map, and decoding defaults data again.
func configMapStrategy(st *strategy) {
	st.defaults = func(o Object) Object {
		cm := o.(*corev1.ConfigMap)
		if cm.Data != nil {
			return cm
		}
		cm = cm.DeepCopy()
		cm.Data = map[string]string{}
		return cm
	}
	st.validate = func(o Object) field.ErrorList { return validateConfigMap(o.(*corev1.ConfigMap)) }
	st.validateUpdate = func(o, old Object) field.ErrorList {
		stored := old.(*corev1.ConfigMap).DeepCopy()
		stored.BinaryData = asStoredData(stored.BinaryData)
		if stored.Data == nil {
			stored.Data = map[string]string{}
		}
		return validateConfigMapUpdate(o.(*corev1.ConfigMap), stored)
	}
}

const immutableSet = "field is immutable when `immutable` is set"

func secretStrategy(st *strategy) {
	st.prepareUpdate = func(o, old Object) {
		s, os := o.(*corev1.Secret), old.(*corev1.Secret)
		if s.Type == "" {
			s.Type = os.Type
		}
	}
	st.defaults = func(o Object) Object {
		s := o.(*corev1.Secret).DeepCopy()
		if s.Type == "" {
			s.Type = corev1.SecretTypeOpaque
		}
		// stringData is write-only: merged into data on the way in.
		for k, v := range s.StringData {
			if s.Data == nil {
				s.Data = map[string][]byte{}
			}
			s.Data[k] = []byte(v)
		}
		s.StringData = nil
		return s
	}
	st.validate = func(o Object) field.ErrorList { return validateSecret(o.(*corev1.Secret)) }
	st.validateUpdate = func(o, old Object) field.ErrorList {
		stored := old.(*corev1.Secret).DeepCopy()
		stored.Data = asStoredData(stored.Data)
		return validateSecretUpdate(o.(*corev1.Secret), stored)
	}
	st.fieldValue = func(o Object, f string) (string, bool) {
		if f == "type" {
			return string(o.(*corev1.Secret).Type), true
		}
		return "", false
	}
}

// daemonSetStrategy keeps the template generation, which apps/v1 carries
// in the deprecated.daemonset.template.generation annotation (the
// internal spec.templateGeneration): at least 1 on create, the stored
// one on update, one more when the pod template changed
// (pkg/registry/apps/daemonset/strategy.go; pkg/apis/apps/v1
// conversion). MODEL: an annotation that is not a number counts as 0,
// where the apiserver refuses to decode the object.
func daemonSetStrategy(st *strategy) {
	st.prepareCreate = func(o Object) {
		setTemplateGeneration(o, max(templateGeneration(o), 1))
	}
	st.prepareUpdate = func(o, old Object) {
		tg := templateGeneration(old)
		if !equal(o.(*appsv1.DaemonSet).Spec.Template, old.(*appsv1.DaemonSet).Spec.Template) {
			tg++
		}
		setTemplateGeneration(o, tg)
	}
}

func templateGeneration(o Object) int64 {
	n, _ := strconv.ParseInt(o.GetAnnotations()[appsv1.DeprecatedTemplateGeneration], 10, 64)
	return n
}

func setTemplateGeneration(o Object, n int64) {
	a := maps.Clone(o.GetAnnotations())
	if a == nil {
		a = map[string]string{}
	}
	a[appsv1.DeprecatedTemplateGeneration] = strconv.FormatInt(n, 10)
	o.SetAnnotations(a)
}
