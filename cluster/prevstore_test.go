package cluster

// The store the cluster had before it stood on the apiserver package's
// storage, kept verbatim (renamed) as BenchmarkRegistryWrite's baseline.

import (
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// prevSlot holds one stored object. The prevTable's map and its prevOrdered lists
// point at the same prevSlot, so that replacing an object (every write
// stores a new copy) costs one map lookup and lists never look objects
// up again.
type prevSlot struct {
	k   key
	obj Object
	// owner is the UID of the pod's controller, "" for an orphan: the
	// prevGroup the pod is listed in (pods only).
	owner types.UID
	gone  bool
}

// prevOrdered keeps slots in (namespace, name) order for listing. Slots added
// since the last list are in added and removed counts the slots that
// left, so that a list merges instead of sorting everything again (a
// burst of 500 creates between two lists of 10,000 pods).
type prevOrdered struct {
	sorted  []*prevSlot
	added   []*prevSlot
	removed int
}

func prevCompareSlots(a, b *prevSlot) int { return compareKeys(a.k, b.k) }

// slots returns the members in key order; member reports whether a prevSlot
// still belongs (only asked when some have left).
func (o *prevOrdered) slots(member func(*prevSlot) bool) []*prevSlot {
	if len(o.added) == 0 && o.removed == 0 {
		return o.sorted
	}
	slices.SortFunc(o.added, prevCompareSlots)
	merged := make([]*prevSlot, 0, len(o.sorted)+len(o.added))
	keep := func(s *prevSlot) {
		if n := len(merged); n > 0 && merged[n-1] == s {
			return // left and came back
		}
		if o.removed == 0 || member(s) {
			merged = append(merged, s)
		}
	}
	i, j := 0, 0
	for i < len(o.sorted) || j < len(o.added) {
		if j == len(o.added) || (i < len(o.sorted) && prevCompareSlots(o.sorted[i], o.added[j]) <= 0) {
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

// prevGroup names the pods of one controller in one namespace; uid "" is the
// namespace's orphans.
type prevGroup struct {
	ns  string
	uid types.UID
}

// prevTable holds the objects of one kind.
type prevTable struct {
	objs map[key]*prevSlot
	all  prevOrdered
	// byOwner lists pods by their controller (pods only): what a
	// ReplicaSet's sync can own without visiting the namespace's other
	// controllers' pods.
	byOwner map[prevGroup]*prevOrdered
}

func prevIsLive(s *prevSlot) bool { return !s.gone }

// prevStore is the apiserver's storage: one prevTable per kind, one
// resourceVersion counter for all of them (as etcd's revision).
type prevStore struct {
	rv     uint64
	tables map[string]*prevTable
	// podChanges counts pod writes and removals; podChanged is its value
	// at the last one in each namespace.
	podChanges uint64
	podChanged map[string]uint64
}

func newPrevStore() *prevStore {
	s := &prevStore{tables: map[string]*prevTable{}, podChanged: map[string]uint64{}}
	for _, k := range kinds {
		s.tables[k] = &prevTable{objs: map[key]*prevSlot{}}
	}
	s.tables[KindPod].byOwner = map[prevGroup]*prevOrdered{}
	return s
}

func (s *prevStore) get(kind string, k key) Object {
	if sl := s.tables[kind].objs[k]; sl != nil {
		return sl.obj
	}
	return nil
}

// list returns the stored objects of a kind in (namespace, name) order;
// ns "" lists every namespace. The objects are the stored ones: callers
// must not modify them.
func (s *prevStore) list(kind, ns string) []Object {
	ss := s.tables[kind].all.slots(prevIsLive)
	if ns != "" {
		lo, _ := slices.BinarySearchFunc(ss, ns, func(s *prevSlot, ns string) int { return strings.Compare(s.k.ns, ns) })
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
func (s *prevStore) podsOwnedBy(ns string, uid types.UID) []*prevSlot {
	t := s.tables[KindPod]
	g := t.byOwner[prevGroup{ns, uid}]
	if g == nil {
		return nil
	}
	ss := g.slots(func(sl *prevSlot) bool { return !sl.gone && sl.owner == uid })
	if len(ss) == 0 {
		delete(t.byOwner, prevGroup{ns, uid}) // the controller's pods are gone
	}
	return ss
}

func prevControllerUID(o Object) types.UID {
	if ref := metav1.GetControllerOfNoCopy(o); ref != nil {
		return ref.UID
	}
	return ""
}

func (t *prevTable) join(sl *prevSlot) {
	if t.byOwner == nil {
		return
	}
	g := prevGroup{sl.k.ns, sl.owner}
	o := t.byOwner[g]
	if o == nil {
		o = &prevOrdered{}
		t.byOwner[g] = o
	}
	o.added = append(o.added, sl)
}

func (t *prevTable) leave(sl *prevSlot) {
	if t.byOwner == nil {
		return
	}
	if o := t.byOwner[prevGroup{sl.k.ns, sl.owner}]; o != nil {
		o.removed++
	}
}

func (s *prevStore) nextRV() string {
	s.rv++
	return strconv.FormatUint(s.rv, 10)
}

// put stores o (already prepared by the caller) under a new
// resourceVersion.
func (s *prevStore) put(kind string, o Object) {
	o.SetResourceVersion(s.nextRV())
	t := s.tables[kind]
	k := keyOf(o)
	s.changed(kind, k)
	var owner types.UID
	if t.byOwner != nil {
		owner = prevControllerUID(o)
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
	sl := &prevSlot{k: k, obj: o, owner: owner}
	t.objs[k] = sl
	t.all.added = append(t.all.added, sl)
	t.join(sl)
}

func (s *prevStore) remove(kind string, k key) {
	t := s.tables[kind]
	if sl := t.objs[k]; sl != nil {
		s.changed(kind, k)
		delete(t.objs, k)
		sl.gone = true
		t.all.removed++
		t.leave(sl)
	}
}

func (s *prevStore) changed(kind string, k key) {
	if kind == KindPod {
		s.podChanges++
		s.podChanged[k.ns] = s.podChanges
	}
}
