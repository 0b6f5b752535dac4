package cluster

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/kubesem/kubesem/apiserver"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Object is what the store holds: a typed API object with its metadata
// (the same interface as controller-runtime's client.Object).
type Object = apiserver.Object

// The kinds the cluster stores.
const (
	KindNamespace             = "Namespace"
	KindNode                  = "Node"
	KindPod                   = "Pod"
	KindReplicaSet            = "ReplicaSet"
	KindReplicationController = "ReplicationController"
	KindDeployment            = "Deployment"
	KindService               = "Service"
	KindResourceQuota         = "ResourceQuota"
)

// kinds lists the stored kinds in the order a namespace's content is
// walked (deterministic).
var kinds = []string{KindNamespace, KindNode, KindPod, KindReplicaSet, KindReplicationController, KindDeployment, KindService, KindResourceQuota}

// KindOf names the kind of a typed object of any kind the apiserver
// serves, "" for another type.
func KindOf(o runtime.Object) string { return kindOfAny(o) }

// kindOfAny names the kind of a typed object of any kind the apiserver
// serves.
func kindOfAny(o runtime.Object) string {
	if k := kindOf(o); k != "" {
		return k
	}
	if kinds, _, err := scheme.ObjectKinds(o); err == nil && len(kinds) > 0 {
		return kinds[0].Kind
	}
	return ""
}

func kindOf(o runtime.Object) string {
	switch o.(type) {
	case *corev1.Namespace:
		return KindNamespace
	case *corev1.Node:
		return KindNode
	case *corev1.Pod:
		return KindPod
	case *appsv1.ReplicaSet:
		return KindReplicaSet
	case *corev1.ReplicationController:
		return KindReplicationController
	case *appsv1.Deployment:
		return KindDeployment
	case *corev1.Service:
		return KindService
	case *corev1.ResourceQuota:
		return KindResourceQuota
	}
	return ""
}

// gvkOf is the apiVersion and kind the apiserver stamps on an object of a
// kind.
func gvkOf(kind string) (apiVersion string) {
	switch kind {
	case KindReplicaSet, KindDeployment:
		return "apps/v1"
	}
	return "v1"
}

// key names one stored object.
type key struct{ ns, name string }

func (k key) String() string {
	if k.ns == "" {
		return k.name
	}
	return k.ns + "/" + k.name
}

func keyOf(o metav1.Object) key { return key{o.GetNamespace(), o.GetName()} }

// gvrs are the resources of the kinds the cluster's controllers model.
var gvrs = map[string]schema.GroupVersionResource{
	KindNamespace:             {Version: "v1", Resource: "namespaces"},
	KindNode:                  {Version: "v1", Resource: "nodes"},
	KindPod:                   {Version: "v1", Resource: "pods"},
	KindReplicaSet:            {Group: "apps", Version: "v1", Resource: "replicasets"},
	KindReplicationController: {Version: "v1", Resource: "replicationcontrollers"},
	KindDeployment:            {Group: "apps", Version: "v1", Resource: "deployments"},
	KindService:               {Version: "v1", Resource: "services"},
	KindResourceQuota:         {Version: "v1", Resource: "resourcequotas"},
}

// ownerIndex groups pods by namespace and controller UID: what a
// ReplicaSet's sync can own without visiting the namespace's other
// controllers' pods.
const ownerIndex = "controller"

// ownerValue is a pod's group in the owner index: its controller's UID
// (unique in the cluster, and a string already: no allocation per pod
// write), or for an orphan its namespace behind a NUL, which no UID holds.
func ownerValue(ns string, uid types.UID) string {
	if uid == "" {
		return "\x00" + ns
	}
	return string(uid)
}

// store is the cluster's view of the apiserver's storage: the raw stores
// of the modelled kinds, which the controllers write as their decisions
// land (one resourceVersion for every kind, etcd's revision).
type store struct {
	srv *apiserver.Server
	// tables are the raw stores by kind: the modelled kinds from the
	// start, the others as the garbage and namespace collectors first
	// need them.
	tables map[string]*apiserver.Storage
	// namespaced lists the raw stores of every namespaced kind, custom
	// resources included, in the apiserver's discovery order, for the
	// garbage collector; nil until namespacedKinds builds it, and again
	// whenever a CustomResourceDefinition changes.
	namespaced []kindStorage
	// driving is set while the cluster writes through tables, so that the
	// server's observer leaves those writes to the cluster's own notify.
	driving bool
	// podChanges counts pod writes and removals; podChanged is its value
	// at the last one in each namespace.
	podChanges uint64
	podChanged map[string]uint64
}

func newStore(srv *apiserver.Server) *store {
	s := &store{srv: srv, tables: map[string]*apiserver.Storage{}, podChanged: map[string]uint64{}}
	for _, k := range kinds {
		st, err := srv.Storage(gvrs[k])
		if err != nil {
			panic(fmt.Sprintf("cluster: the apiserver does not serve %s: %v", k, err)) // the built-in table lists them all
		}
		s.tables[k] = st
	}
	s.tables[KindPod].AddIndex(ownerIndex, func(o apiserver.Object) string {
		return ownerValue(o.GetNamespace(), controllerUID(o))
	})
	return s
}

// crdResource is where CustomResourceDefinitions are stored.
var crdResource = schema.GroupResource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}

// namespacedKinds are the namespaced kinds the apiserver serves, custom
// resources included, each once: built again after a definition changes.
func (s *store) namespacedKinds() []kindStorage {
	if s.namespaced != nil {
		return s.namespaced
	}
	seen := map[schema.GroupResource]bool{}
	out := []kindStorage{}
	for _, r := range s.srv.Resources() {
		if !r.Namespaced || seen[r.GroupResource()] {
			continue
		}
		seen[r.GroupResource()] = true
		if t := s.table(r.Kind); t != nil {
			out = append(out, kindStorage{r.Kind, t})
		}
	}
	s.namespaced = out
	return out
}

// scopeOf reports whether a kind is served cluster-scoped, custom
// resources included.
func (s *store) clusterScoped(kind string) bool {
	if clusterScoped(kind) {
		return true
	}
	if _, modelled := gvrs[kind]; modelled {
		return false
	}
	r, err := s.srv.ResourceFor(kind)
	return err == nil && r.Kind == kind && !r.Namespaced
}

// kindStorage is a kind with its raw store.
type kindStorage struct {
	kind string
	st   *apiserver.Storage
}

// modelled reports the kinds the cluster's controllers act on.
func (s *store) modelled(kind string) bool {
	_, ok := gvrs[kind]
	return ok
}

// table returns the raw store of a kind, nil for one the apiserver does
// not serve.
func (s *store) table(kind string) *apiserver.Storage {
	if t, ok := s.tables[kind]; ok {
		return t
	}
	var t *apiserver.Storage
	if r, err := s.srv.ResourceFor(kind); err == nil && r.Kind == kind {
		t, _ = s.srv.Storage(r.GroupVersionResource())
	}
	if t != nil {
		// Only what is served is kept: a custom kind may be served later.
		s.tables[kind] = t
	}
	return t
}

// stored reports whether the apiserver stores a kind.
func (s *store) stored(kind string) bool { return s.table(kind) != nil }

func (s *store) get(kind string, k key) Object {
	if t := s.table(kind); t != nil {
		if o := t.Get(k.ns, k.name); o != nil {
			return o
		}
	}
	return nil
}

// list returns the stored objects of a kind in (namespace, name) order;
// ns "" lists every namespace. The objects are the stored ones: callers
// must not modify them.
func (s *store) list(kind, ns string) []Object {
	t := s.table(kind)
	if t == nil {
		return nil
	}
	return t.List(ns)
}

func (s *store) count(kind string) int {
	if t := s.tables[kind]; t != nil {
		return t.Len()
	}
	return 0
}

// podsOwnedBy appends to dst the pods of namespace ns whose controller
// has the given UID ("" for the orphans), in name order.
func (s *store) podsOwnedBy(dst []Object, ns string, uid types.UID) []Object {
	n := len(dst)
	dst = s.tables[KindPod].AppendIndexed(dst, ownerIndex, ownerValue(ns, uid))
	// A pod of another namespace that names the controller is not its.
	out := dst[:n]
	for _, o := range dst[n:] {
		// (a field read, not a method call through the interface, for
		// a large controller's pods)
		if p, ok := o.(*corev1.Pod); ok && p.Namespace == ns || !ok && o.GetNamespace() == ns {
			out = append(out, o)
		}
	}
	return out
}

func controllerUID(o Object) types.UID {
	if ref := metav1.GetControllerOfNoCopy(o); ref != nil {
		return ref.UID
	}
	return ""
}

// rv is the revision of the last write.
func (s *store) rv() uint64 { return s.srv.ResourceVersion() }

// put stores o (already prepared by the caller) under a new
// resourceVersion.
func (s *store) put(kind string, o Object) {
	s.changed(kind, keyOf(o))
	s.driving = true
	s.table(kind).Put(o)
	s.driving = false
}

func (s *store) remove(kind string, k key) {
	t := s.table(kind)
	if t == nil || t.Get(k.ns, k.name) == nil {
		return
	}
	s.changed(kind, k)
	s.driving = true
	t.Remove(k.ns, k.name)
	s.driving = false
}

func (s *store) changed(kind string, k key) {
	if kind == KindPod {
		s.podChanges++
		s.podChanged[k.ns] = s.podChanges
	}
}

// specOf returns the part of an object whose change bumps
// metadata.generation.
func specOf(o Object) any {
	// Pointers: boxing a spec would copy it.
	switch v := o.(type) {
	case *corev1.Pod:
		return &v.Spec
	case *appsv1.ReplicaSet:
		return &v.Spec
	case *corev1.ReplicationController:
		return &v.Spec
	case *appsv1.Deployment:
		return &v.Spec
	}
	return nil
}

// hasGeneration reports the kinds whose generation the apiserver tracks.
func hasGeneration(kind string) bool {
	switch kind {
	case KindPod, KindReplicaSet, KindReplicationController, KindDeployment:
		return true
	}
	return false
}

// bumpGeneration sets o's generation from old's as the apiserver's
// strategies do: +1 when the spec changed, or when a deletionTimestamp
// appears through the finalizer path (RS-11.3, markAsDeleting).
func bumpGeneration(kind string, o, old Object) {
	if !hasGeneration(kind) {
		return
	}
	g := old.GetGeneration()
	if !specEqual(specOf(o), specOf(old)) {
		g++
	} else if kind != KindPod && old.GetDeletionTimestamp() == nil && o.GetDeletionTimestamp() != nil {
		g++
	}
	o.SetGeneration(g)
}

// shallowPod is a new version of a stored pod to change before it is
// written: it shares its spec, labels, annotations and owner references
// with p (stored objects are never modified in place, so the caller sets
// fields, never changes what they point to), and has its own status
// conditions, which setPodCondition changes in place.
func shallowPod(p *corev1.Pod) *corev1.Pod {
	np := *p
	np.Status.Conditions = slices.Clone(p.Status.Conditions)
	return &np
}

// specEqual is Semantic.DeepEqual of two specs, tried first without
// reflection's per-field calls: reflect.DeepEqual's yes is Semantic's
// (it is the stricter), and it costs little where a new version shares
// its spec with the old.
func specEqual(a, b any) bool {
	if shortcuts && reflect.DeepEqual(a, b) {
		return true
	}
	return apiequality.Semantic.DeepEqual(a, b)
}

func copyObject(o Object) Object {
	if o == nil {
		return nil
	}
	return o.DeepCopyObject().(Object)
}

// resourceName is the plural resource of a kind as error texts spell it
// (RS-13.1): "pods", "replicasets.apps".
func resourceName(kind string) string {
	switch kind {
	case KindNamespace:
		return "namespaces"
	case KindNode:
		return "nodes"
	case KindPod:
		return "pods"
	case KindReplicaSet:
		return "replicasets.apps"
	case KindReplicationController:
		return "replicationcontrollers"
	case KindDeployment:
		return "deployments.apps"
	case KindService:
		return "services"
	case KindResourceQuota:
		return "resourcequotas"
	}
	if r, ok := apiserver.BuiltinResource(kind); ok {
		return r.GroupResource().String()
	}
	return strings.ToLower(kind) + "s"
}

// clusterScoped reports the kinds that have no namespace (RS-13.3).
func clusterScoped(kind string) bool {
	if _, modelled := gvrs[kind]; modelled {
		return kind == KindNamespace || kind == KindNode
	}
	r, ok := apiserver.BuiltinResource(kind)
	return ok && !r.Namespaced
}

func describe(kind string, k key) string {
	if k.ns == "" {
		return fmt.Sprintf("%s %q", kind, k.name)
	}
	return fmt.Sprintf("%s %s/%s", kind, k.ns, k.name)
}
