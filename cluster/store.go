package cluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is what the store holds: a typed API object with its metadata
// (the same interface as controller-runtime's client.Object).
type Object interface {
	metav1.Object
	runtime.Object
}

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

// KindOf names the kind of a typed object, "" for one the cluster does not
// store.
func KindOf(o runtime.Object) string { return kindOf(o) }

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

// table holds the objects of one kind.
type table struct {
	objs map[key]Object
	// sorted caches the keys in (namespace, name) order when valid; keys
	// added since are in added, and removed counts the removals since, so
	// that keys() merges instead of sorting everything again (a burst of
	// 500 creates between two lists of 10,000 pods).
	sorted  []key
	valid   bool
	added   []key
	removed int
}

func (t *table) keys() []key {
	switch {
	case !t.valid:
		t.sorted = make([]key, 0, len(t.objs))
		for k := range t.objs {
			t.sorted = append(t.sorted, k)
		}
		slices.SortFunc(t.sorted, compareKeys)
	case len(t.added) > 0 || t.removed > 0:
		slices.SortFunc(t.added, compareKeys)
		merged := make([]key, 0, len(t.objs))
		keep := func(k key) {
			if n := len(merged); n > 0 && merged[n-1] == k {
				return // removed and added again
			}
			if _, ok := t.objs[k]; ok || t.removed == 0 {
				merged = append(merged, k)
			}
		}
		i, j := 0, 0
		for i < len(t.sorted) || j < len(t.added) {
			if j == len(t.added) || (i < len(t.sorted) && compareKeys(t.sorted[i], t.added[j]) <= 0) {
				keep(t.sorted[i])
				i++
			} else {
				keep(t.added[j])
				j++
			}
		}
		t.sorted = merged
	}
	t.valid, t.added, t.removed = true, t.added[:0], 0
	return t.sorted
}

// store is the apiserver's storage: one table per kind, one
// resourceVersion counter for all of them (as etcd's revision).
type store struct {
	rv     uint64
	tables map[string]*table
}

func newStore() *store {
	s := &store{tables: map[string]*table{}}
	for _, k := range kinds {
		s.tables[k] = &table{objs: map[key]Object{}}
	}
	return s
}

func (s *store) get(kind string, k key) Object { return s.tables[kind].objs[k] }

// list returns the stored objects of a kind in (namespace, name) order;
// ns "" lists every namespace. The objects are the stored ones: callers
// must not modify them.
func (s *store) list(kind, ns string) []Object {
	t := s.tables[kind]
	ks := t.keys()
	if ns != "" {
		lo, _ := slices.BinarySearchFunc(ks, ns, func(k key, ns string) int { return strings.Compare(k.ns, ns) })
		hi := lo
		for hi < len(ks) && ks[hi].ns == ns {
			hi++
		}
		ks = ks[lo:hi]
	}
	out := make([]Object, len(ks))
	for i, k := range ks {
		out[i] = t.objs[k]
	}
	return out
}

func (s *store) nextRV() string {
	s.rv++
	return strconv.FormatUint(s.rv, 10)
}

// put stores o (already prepared by the caller) under a new
// resourceVersion.
func (s *store) put(kind string, o Object) {
	o.SetResourceVersion(s.nextRV())
	t := s.tables[kind]
	k := keyOf(o)
	if _, ok := t.objs[k]; !ok && t.valid {
		t.added = append(t.added, k)
	}
	t.objs[k] = o
}

func (s *store) remove(kind string, k key) {
	t := s.tables[kind]
	if _, ok := t.objs[k]; ok {
		delete(t.objs, k)
		t.removed++
	}
}

// specOf returns the part of an object whose change bumps
// metadata.generation.
func specOf(o Object) any {
	switch v := o.(type) {
	case *corev1.Pod:
		return v.Spec
	case *appsv1.ReplicaSet:
		return v.Spec
	case *corev1.ReplicationController:
		return v.Spec
	case *appsv1.Deployment:
		return v.Spec
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
	if !apiequality.Semantic.DeepEqual(specOf(o), specOf(old)) {
		g++
	} else if kind != KindPod && old.GetDeletionTimestamp() == nil && o.GetDeletionTimestamp() != nil {
		g++
	}
	o.SetGeneration(g)
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
	return strings.ToLower(kind) + "s"
}

// clusterScoped reports the kinds that have no namespace (RS-13.3).
func clusterScoped(kind string) bool { return kind == KindNamespace || kind == KindNode }

func describe(kind string, k key) string {
	if k.ns == "" {
		return fmt.Sprintf("%s %q", kind, k.name)
	}
	return fmt.Sprintf("%s %s/%s", kind, k.ns, k.name)
}
