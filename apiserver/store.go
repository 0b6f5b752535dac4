package apiserver

import (
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is what the server stores: an API object with its metadata (the
// same interface as controller-runtime's client.Object).
type Object interface {
	metav1.Object
	runtime.Object
}

// Key names one stored object; Namespace is "" for cluster-scoped ones.
type Key struct{ Namespace, Name string }

func (k Key) String() string {
	if k.Namespace == "" {
		return k.Name
	}
	return k.Namespace + "/" + k.Name
}

func compareKeys(a, b Key) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// slot holds one stored object. The table's map and its ordered list
// point at the same slot, so replacing an object (every write stores a
// new one: stored objects are never modified) is one map lookup.
type slot struct {
	k    Key
	obj  Object
	gone bool
	// values are the slot's index values, in the table's index order.
	values []string
}

// ordered keeps slots in key order for listing. Slots added since the
// last list wait in added and removed counts those that left, so that a
// list merges instead of sorting everything again.
type ordered struct {
	sorted  []*slot
	added   []*slot
	removed int
	// spare is the array the last merge left, cleared: the next merge
	// writes into it (callers never keep what slots returns past a
	// change).
	spare []*slot
}

func compareSlots(a, b *slot) int { return compareKeys(a.k, b.k) }

func isLive(s *slot) bool { return !s.gone }

// slots returns the members in key order; member reports whether a slot
// still belongs (asked only when some have left).
func (o *ordered) slots(member func(*slot) bool) []*slot {
	if len(o.added) == 0 && o.removed == 0 {
		return o.sorted
	}
	slices.SortFunc(o.added, compareSlots)
	merged := o.spare[:0]
	if cap(merged) < len(o.sorted)+len(o.added) {
		merged = make([]*slot, 0, len(o.sorted)+len(o.added)+len(o.added)/2)
	}
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
	clear(o.sorted)
	o.spare = o.sorted[:0]
	clear(o.added)
	o.sorted, o.added, o.removed = merged, o.added[:0], 0
	return o.sorted
}

// table holds the objects of one stored resource and its watch history.
type table struct {
	objs    map[Key]*slot
	all     ordered
	history history
	indexes []*index
	// decodedBy records, for a custom resource, the served version whose
	// decoding (pruning, defaults) its stored form already has: reading
	// it through that version need not decode it again.
	decodedBy map[Key]*customResource
}

func newTable() *table { return &table{objs: map[Key]*slot{}} }

func (t *table) get(k Key) Object {
	if s := t.objs[k]; s != nil {
		return s.obj
	}
	return nil
}

// list returns the stored objects in key order, of one namespace unless
// ns is "".
func (t *table) list(ns string) []*slot {
	ss := t.all.slots(isLive)
	if ns == "" {
		return ss
	}
	lo, _ := slices.BinarySearchFunc(ss, ns, func(s *slot, ns string) int { return strings.Compare(s.k.Namespace, ns) })
	hi := lo
	for hi < len(ss) && ss[hi].k.Namespace == ns {
		hi++
	}
	return ss[lo:hi]
}

func (t *table) put(o Object) {
	k := Key{o.GetNamespace(), o.GetName()}
	s := t.objs[k]
	if s == nil {
		s = &slot{k: k}
		t.objs[k] = s
		t.all.added = append(t.all.added, s)
	}
	s.obj = o
	if len(t.indexes) > 0 && s.values == nil {
		s.values = make([]string, len(t.indexes))
		for i, ix := range t.indexes {
			s.values[i] = ix.fn(o)
			ix.join(s, s.values[i])
		}
		return
	}
	for i, ix := range t.indexes {
		if v := ix.fn(o); v != s.values[i] {
			ix.leave(s.values[i])
			s.values[i] = v
			ix.join(s, v)
		}
	}
}

func (t *table) remove(k Key) {
	if s := t.objs[k]; s != nil {
		delete(t.objs, k)
		s.gone = true
		t.all.removed++
		for i, ix := range t.indexes {
			ix.leave(s.values[i])
		}
	}
}
