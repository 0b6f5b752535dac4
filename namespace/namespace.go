package namespace

import (
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
)

// The namespaces of a fresh cluster (RS-12.2).
const (
	Default       = "default"
	KubeSystem    = "kube-system"
	KubePublic    = "kube-public"
	KubeNodeLease = "kube-node-lease"
)

// FinalizerKubernetes is the finalizer every namespace gets at creation
// and the namespace controller removes once the namespace is empty
// (RS-12.1, RS-12.5).
const FinalizerKubernetes = corev1.FinalizerKubernetes

// BuiltIn returns the namespaces a fresh cluster has, all Active
// (RS-12.2), in name order.
func BuiltIn() []string { return []string{Default, KubeNodeLease, KubePublic, KubeSystem} }

// Immortal reports whether a namespace may not be deleted: default,
// kube-system and kube-public (RS-12.2).
func Immortal(name string) bool {
	return name == Default || name == KubeSystem || name == KubePublic
}

// kindInfo is a kind's REST resource, group and scope (RS-13.3).
type kindInfo struct {
	resource, group string
	namespaced      bool
}

var kinds = map[string]kindInfo{
	"Pod":                      {"pods", "", true},
	"ReplicationController":    {"replicationcontrollers", "", true},
	"ReplicaSet":               {"replicasets", "apps", true},
	"Deployment":               {"deployments", "apps", true},
	"Service":                  {"services", "", true},
	"Endpoints":                {"endpoints", "", true},
	"ConfigMap":                {"configmaps", "", true},
	"Secret":                   {"secrets", "", true},
	"ServiceAccount":           {"serviceaccounts", "", true},
	"Event":                    {"events", "", true},
	"Lease":                    {"leases", "coordination.k8s.io", true},
	"PersistentVolumeClaim":    {"persistentvolumeclaims", "", true},
	"Job":                      {"jobs", "batch", true},
	"ResourceQuota":            {"resourcequotas", "", true},
	"Namespace":                {"namespaces", "", false},
	"Node":                     {"nodes", "", false},
	"PersistentVolume":         {"persistentvolumes", "", false},
	"StorageClass":             {"storageclasses", "storage.k8s.io", false},
	"ClusterRole":              {"clusterroles", "rbac.authorization.k8s.io", false},
	"ClusterRoleBinding":       {"clusterrolebindings", "rbac.authorization.k8s.io", false},
	"CustomResourceDefinition": {"customresourcedefinitions", "apiextensions.k8s.io", false},
	"PriorityClass":            {"priorityclasses", "scheduling.k8s.io", false},
	"APIService":               {"apiservices", "apiregistration.k8s.io", false},
}

func lookup(kind string) (kindInfo, error) {
	k, ok := kinds[kind]
	if !ok {
		return kindInfo{}, &meta.NoKindMatchError{GroupKind: schema.GroupKind{Kind: kind}}
	}
	return k, nil
}

// Namespaced reports whether objects of kind live in a namespace
// (RS-13.3), or an error naming an unknown kind.
func Namespaced(kind string) (bool, error) {
	k, err := lookup(kind)
	return k.namespaced, err
}

// Resource returns the group and resource of kind as the API's error
// texts name them: "pods", "replicasets.apps" (RS-13.1).
func Resource(kind string) (schema.GroupResource, error) {
	k, err := lookup(kind)
	return schema.GroupResource{Group: k.group, Resource: k.resource}, err
}

// AlreadyExists is the API's answer to creating a second object of a kind
// with a name already taken in its namespace, or cluster-wide for a
// cluster-scoped kind (RS-13.1): `pods "kubia" already exists`.
func AlreadyExists(kind, name string) error {
	gr, err := Resource(kind)
	if err != nil {
		return err
	}
	return apierrors.NewAlreadyExists(gr, name)
}

// NotFound is the API's answer to reading or deleting an object that is
// not there: `pods "kubia" not found`.
func NotFound(kind, name string) error {
	gr, err := Resource(kind)
	if err != nil {
		return err
	}
	return apierrors.NewNotFound(gr, name)
}

// Validate checks a Namespace as the API server does on create
// (ValidateNamespace, RS-12.1): metadata as apimachinery checks it with the
// name a DNS-1123 label and no metadata.namespace allowed; each
// metadata.finalizers and spec.finalizers entry a qualified name, and
// without a "/" one of the standard finalizers (kubernetes, orphan,
// foregroundDeletion). Errors on labels and annotations, which upstream
// reports in map order, come in key order (MODEL: deterministic).
func Validate(ns *corev1.Namespace) field.ErrorList {
	if ns == nil {
		return field.ErrorList{field.Required(field.NewPath("metadata"), "")}
	}
	meta := field.NewPath("metadata")
	// apimachinery without the maps, then the maps in key order where
	// apimachinery reports them: after generation, before ownerReferences
	bare := ns.ObjectMeta.DeepCopy()
	bare.Labels, bare.Annotations = nil, nil
	errs := apivalidation.ValidateObjectMeta(bare, false, apivalidation.ValidateNamespaceName, meta)
	at := slices.IndexFunc(errs, func(e *field.Error) bool {
		return strings.HasPrefix(e.Field, "metadata.ownerReferences") || strings.HasPrefix(e.Field, "metadata.finalizers") || strings.HasPrefix(e.Field, "metadata.managedFields")
	})
	if at < 0 {
		at = len(errs)
	}
	maps := append(labels.Validate(ns.Labels, meta.Child("labels")), labels.ValidateAnnotations(ns.Annotations, meta.Child("annotations"))...)
	errs = slices.Insert(errs, at, maps...)
	for i, f := range ns.Finalizers {
		errs = append(errs, kubeFinalizerName(f, meta.Child("finalizers").Index(i))...)
	}
	for _, f := range ns.Spec.Finalizers {
		p := field.NewPath("spec", "finalizers")
		errs = append(errs, apivalidation.ValidateFinalizerName(string(f), p)...)
		errs = append(errs, kubeFinalizerName(string(f), p)...)
	}
	return errs
}

// kubeFinalizerName is the API server's extra rule for finalizer names
// without a "/": only the standard ones are allowed.
func kubeFinalizerName(name string, p *field.Path) field.ErrorList {
	if strings.Contains(name, "/") {
		return nil
	}
	switch name {
	case string(corev1.FinalizerKubernetes), metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents:
		return nil
	}
	return field.ErrorList{field.Invalid(p, name, "name is neither a standard finalizer name nor is it fully qualified")}
}

// PrepareForCreate returns the Namespace as the API server stores it
// (RS-12.1): phase Active and the kubernetes finalizer in spec.finalizers,
// added when missing. The argument is not modified.
func PrepareForCreate(ns *corev1.Namespace) *corev1.Namespace {
	out := ns.DeepCopy()
	out.Status = corev1.NamespaceStatus{Phase: corev1.NamespaceActive}
	if !slices.Contains(out.Spec.Finalizers, FinalizerKubernetes) {
		out.Spec.Finalizers = append(out.Spec.Finalizers, FinalizerKubernetes)
	}
	return out
}

// Delete answers a DELETE of a namespace at now (RS-12.2, RS-12.3):
// forbidden for an immortal namespace; otherwise the first DELETE sets
// deletionTimestamp and phase Terminating, later ones change nothing.
// gone reports whether the namespace is removed at once, which happens
// only when it has no finalizers left in spec or metadata. The argument
// is not modified.
func Delete(ns *corev1.Namespace, now time.Time) (out *corev1.Namespace, gone bool, err error) {
	if ns == nil {
		return nil, false, fmt.Errorf("namespace: nil Namespace")
	}
	if Immortal(ns.Name) {
		return nil, false, apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, ns.Name, fmt.Errorf("this namespace may not be deleted"))
	}
	out = ns.DeepCopy()
	if out.DeletionTimestamp == nil {
		t := metav1.NewTime(now)
		out.DeletionTimestamp = &t
		out.Status.Phase = corev1.NamespaceTerminating
	}
	return out, len(out.Spec.Finalizers) == 0 && len(out.Finalizers) == 0, nil
}

// AdmitCreate is the namespace lifecycle admission of a create of an
// object of kind named name (empty for generateName) in namespace, whose
// Namespace object is ns, or nil when there is none (RS-12.4):
// cluster-scoped kinds, Namespaces themselves and objects without a
// namespace (which validation refuses) are admitted; a missing namespace
// gives `namespaces "<ns>" not found`; a Terminating one
// gives upstream's Forbidden error with the NamespaceTerminating cause.
func AdmitCreate(kind, name, namespace string, ns *corev1.Namespace) error {
	k, err := lookup(kind)
	if err != nil {
		return err
	}
	if !k.namespaced {
		return nil
	}
	if namespace == "" {
		return nil // admission lets it through; validation rejects it (metadata.namespace: Required value)
	}
	if ns == nil {
		return apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, namespace)
	}
	if ns.Status.Phase != corev1.NamespaceTerminating {
		return nil
	}
	return TerminatingError(schema.GroupResource{Group: k.group, Resource: k.resource}, name, namespace)
}

// TerminatingError is NamespaceLifecycle admission's refusal of a create
// of the named object of resource gr in a Terminating namespace (RS-12.4):
// Forbidden, with the NamespaceTerminating cause.
func TerminatingError(gr schema.GroupResource, name, namespace string) error {
	forbidden := apierrors.NewForbidden(gr, name,
		fmt.Errorf("unable to create new content in namespace %s because it is being terminated", namespace))
	forbidden.ErrStatus.Details.Causes = append(forbidden.ErrStatus.Details.Causes, metav1.StatusCause{
		Type:    corev1.NamespaceTerminatingCause,
		Message: fmt.Sprintf("namespace %s is being terminated", namespace),
		Field:   "metadata.namespace",
	})
	return forbidden
}
