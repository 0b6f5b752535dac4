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
	"k8s.io/apimachinery/pkg/types"
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

// slot holds one stored object. The table's map and its ordered lists
// point at the same slot, so that replacing an object (every write
// stores a new copy) costs one map lookup and lists never look objects
// up again.
type slot struct {
	k   key
	obj Object
	// owner is the UID of the pod's controller, "" for an orphan: the
	// group the pod is listed in (pods only).
	owner types.UID
	gone  bool
}

// ordered keeps slots in (namespace, name) order for listing. Slots added
// since the last list are in added and removed counts the slots that
// left, so that a list merges instead of sorting everything again (a
// burst of 500 creates between two lists of 10,000 pods).
type ordered struct {
	sorted  []*slot
	added   []*slot
	removed int
}

func compareSlots(a, b *slot) int { return compareKeys(a.k, b.k) }

// slots returns the members in key order; member reports whether a slot
// still belongs (only asked when some have left).
func (o *ordered) slots(member func(*slot) bool) []*slot {
	if len(o.added) == 0 && o.removed == 0 {
		return o.sorted
	}
	slices.SortFunc(o.added, compareSlots)
	merged := make([]*slot, 0, len(o.sorted)+len(o.added))
	keep := func(s *slot) {
		if n := len(merged); n > 0 && merged[n-1] == s {
			return // left and came back
		}
		if o.removed == 0 || member(s) {
			merged = append(merged, s)
		}
	}
	i, j := 0, 0
	for i < len(o.sorted) || j < len(o.added) {
		if j == len(o.added) || (i < len(o.sorted) && compareSlots(o.sorted[i], o.added[j]) <= 0) {
			keep(o.sorted[i])
			i++
		} else {
			keep(o.added[j])
			j++
		}
	}
	o.sorted, o.added, o.removed = merged, o.added[:0], 0
	return o.sorted
}

// group names the pods of one controller in one namespace; uid "" is the
// namespace's orphans.
type group struct {
	ns  string
	uid types.UID
}

// table holds the objects of one kind.
type table struct {
	objs map[key]*slot
	all  ordered
	// byOwner lists pods by their controller (pods only): what a
	// ReplicaSet's sync can own without visiting the namespace's other
	// controllers' pods.
	byOwner map[group]*ordered
}

func isLive(s *slot) bool { return !s.gone }

// store is the apiserver's storage: one table per kind, one
// resourceVersion counter for all of them (as etcd's revision).
type store struct {
	rv     uint64
	tables map[string]*table
	// podChanges counts pod writes and removals; podChanged is its value
	// at the last one in each namespace.
	podChanges uint64
	podChanged map[string]uint64
}

func newStore() *store {
	s := &store{tables: map[string]*table{}, podChanged: map[string]uint64{}}
	for _, k := range kinds {
		s.tables[k] = &table{objs: map[key]*slot{}}
	}
	s.tables[KindPod].byOwner = map[group]*ordered{}
	return s
}

func (s *store) get(kind string, k key) Object {
	if sl := s.tables[kind].objs[k]; sl != nil {
		return sl.obj
	}
	return nil
}

// list returns the stored objects of a kind in (namespace, name) order;
// ns "" lists every namespace. The objects are the stored ones: callers
// must not modify them.
func (s *store) list(kind, ns string) []Object {
	ss := s.tables[kind].all.slots(isLive)
	if ns != "" {
		lo, _ := slices.BinarySearchFunc(ss, ns, func(s *slot, ns string) int { return strings.Compare(s.k.ns, ns) })
		hi := lo
		for hi < len(ss) && ss[hi].k.ns == ns {
			hi++
		}
		ss = ss[lo:hi]
	}
	out := make([]Object, len(ss))
	for i, s := range ss {
		out[i] = s.obj
	}
	return out
}

// podsOwnedBy returns the pods of namespace ns whose controller has the
// given UID ("" for the orphans), in name order.
func (s *store) podsOwnedBy(ns string, uid types.UID) []*slot {
	t := s.tables[KindPod]
	g := t.byOwner[group{ns, uid}]
	if g == nil {
		return nil
	}
	ss := g.slots(func(sl *slot) bool { return !sl.gone && sl.owner == uid })
	if len(ss) == 0 {
		delete(t.byOwner, group{ns, uid}) // the controller's pods are gone
	}
	return ss
}

func controllerUID(o Object) types.UID {
	if ref := metav1.GetControllerOfNoCopy(o); ref != nil {
		return ref.UID
	}
	return ""
}

func (t *table) join(sl *slot) {
	if t.byOwner == nil {
		return
	}
	g := group{sl.k.ns, sl.owner}
	o := t.byOwner[g]
	if o == nil {
		o = &ordered{}
		t.byOwner[g] = o
	}
	o.added = append(o.added, sl)
}

func (t *table) leave(sl *slot) {
	if t.byOwner == nil {
		return
	}
	if o := t.byOwner[group{sl.k.ns, sl.owner}]; o != nil {
		o.removed++
	}
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
	s.changed(kind, k)
	var owner types.UID
	if t.byOwner != nil {
		owner = controllerUID(o)
	}
	if sl := t.objs[k]; sl != nil {
		sl.obj = o
		if sl.owner != owner {
			t.leave(sl)
			sl.owner = owner
			t.join(sl)
		}
		return
	}
	sl := &slot{k: k, obj: o, owner: owner}
	t.objs[k] = sl
	t.all.added = append(t.all.added, sl)
	t.join(sl)
}

func (s *store) remove(kind string, k key) {
	t := s.tables[kind]
	if sl := t.objs[k]; sl != nil {
		s.changed(kind, k)
		delete(t.objs, k)
		sl.gone = true
		t.all.removed++
		t.leave(sl)
	}
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
