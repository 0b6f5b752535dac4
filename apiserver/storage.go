package apiserver

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// Storage is the raw store of one resource, for a driver that owns the
// server and writes objects it has decided itself, as the built-in
// controllers' writes would land in etcd: Put and Remove commit exactly
// what they are given (a new resourceVersion, the watch history, the
// watches and observers told) without the registry's strategy,
// validation or admission. Everything a user sends goes through Create,
// Update, Patch and Delete instead. Objects read from a Storage are the
// stored ones: the caller must not modify them.
type Storage struct {
	s  *Server
	ri *resourceInfo
	t  *table
}

// Storage returns the raw store of a served resource.
func (s *Server) Storage(gvr schema.GroupVersionResource) (*Storage, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, err
	}
	return &Storage{s: s, ri: ri, t: s.tables[ri.storage]}, nil
}

// Resource is the resource the store holds.
func (st *Storage) Resource() Resource { return st.ri.Resource }

// Get returns the stored object, or nil.
func (st *Storage) Get(ns, name string) Object { return st.t.get(Key{ns, name}) }

// List returns the stored objects of one namespace ("" for all) in
// namespace and name order.
func (st *Storage) List(ns string) []Object { return objectsOf(st.t.list(ns)) }

// AppendList appends to dst what List returns (a driver's buffer saves
// the allocation).
func (st *Storage) AppendList(dst []Object, ns string) []Object {
	for _, sl := range st.t.list(ns) {
		dst = append(dst, sl.obj)
	}
	return dst
}

// Len is the number of stored objects.
func (st *Storage) Len() int { return len(st.t.objs) }

// Put stores o under the next resourceVersion, as Added or Modified. The
// store takes o: the caller must not modify it afterwards.
func (st *Storage) Put(o Object) {
	old := st.t.get(Key{o.GetNamespace(), o.GetName()})
	typ := watch.Added
	if old != nil {
		typ = watch.Modified
	}
	st.s.commit(st.ri, typ, old, o)
}

// Remove deletes the stored object, if any, under the next
// resourceVersion.
func (st *Storage) Remove(ns, name string) {
	if old := st.t.get(Key{ns, name}); old != nil {
		st.s.commit(st.ri, watch.Deleted, old, nil)
	}
}

// AddIndex keeps the stored objects grouped by the value fn gives each
// ("" for none), for Indexed; it must be added before the first write.
func (st *Storage) AddIndex(name string, fn func(Object) string) {
	st.t.indexes = append(st.t.indexes, &index{name: name, fn: fn, groups: map[string]*ordered{}})
}

// Indexed returns the stored objects whose index value is value, in
// namespace and name order.
func (st *Storage) Indexed(name, value string) []Object { return st.AppendIndexed(nil, name, value) }

// AppendIndexed appends to dst the stored objects whose index value is
// value, in namespace and name order (a driver's buffer saves the
// allocation).
func (st *Storage) AppendIndexed(dst []Object, name, value string) []Object {
	i := slices.IndexFunc(st.t.indexes, func(ix *index) bool { return ix.name == name })
	if i < 0 {
		return dst
	}
	ix := st.t.indexes[i]
	g := ix.groups[value]
	if g == nil {
		return dst
	}
	ss := g.slots(func(sl *slot) bool { return !sl.gone && sl.values[i] == value })
	if len(ss) == 0 {
		delete(ix.groups, value) // the group emptied
	}
	for _, sl := range ss {
		dst = append(dst, sl.obj)
	}
	return dst
}

func objectsOf(ss []*slot) []Object {
	out := make([]Object, len(ss))
	for i, sl := range ss {
		out[i] = sl.obj
	}
	return out
}

// index groups a table's slots by a value of their object.
type index struct {
	name   string
	fn     func(Object) string
	groups map[string]*ordered
}

func (ix *index) join(sl *slot, v string) {
	g := ix.groups[v]
	if g == nil {
		g = &ordered{}
		ix.groups[v] = g
	}
	g.added = append(g.added, sl)
}

func (ix *index) leave(v string) {
	if g := ix.groups[v]; g != nil {
		g.removed++
	}
}
