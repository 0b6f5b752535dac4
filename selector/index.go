package selector

import (
	"maps"
	"slices"
	"strings"
)

// Index is an inverted index over many labelled objects, each named by a
// unique key (for example "namespace/name"). Select answers which of them
// a selector selects, in ascending key order — the order a list from the
// apiserver comes in — and gives exactly what a linear scan in key order
// would, while looking only at the objects that carry the labels the
// selector requires.
//
// An Index is not safe for concurrent mutation; concurrent Select calls
// without mutation are safe. The zero value is not usable: use NewIndex.
type Index struct {
	entries map[string]*entry
	all     []*entry // every entry, ascending by key
	keys    map[string]*posting
}

type entry struct {
	key    string
	labels map[string]string
}

// posting holds, for one label key, the entries that carry it and, per
// value, the entries with that value; every slice is ascending by key.
type posting struct {
	all     []*entry
	byValue map[string][]*entry
}

// Item is one object for NewIndex: its key and its labels.
type Item struct {
	Key    string
	Labels map[string]string
}

// NewIndex builds an index over items. When a key appears more than once,
// the last item wins. The index keeps its own copy of every label set.
func NewIndex(items ...Item) *Index {
	ix := &Index{entries: make(map[string]*entry, len(items)), keys: map[string]*posting{}}
	for _, it := range items {
		ix.entries[it.Key] = &entry{key: it.Key, labels: maps.Clone(it.Labels)}
	}
	ix.all = make([]*entry, 0, len(ix.entries))
	for _, e := range ix.entries {
		ix.all = append(ix.all, e)
	}
	slices.SortFunc(ix.all, byKey)
	// Appending in key order keeps every posting list sorted.
	for _, e := range ix.all {
		for k, v := range e.labels {
			p := ix.posting(k)
			p.all = append(p.all, e)
			p.byValue[v] = append(p.byValue[v], e)
		}
	}
	return ix
}

func byKey(a, b *entry) int { return strings.Compare(a.key, b.key) }

func (ix *Index) posting(k string) *posting {
	p := ix.keys[k]
	if p == nil {
		p = &posting{byValue: map[string][]*entry{}}
		ix.keys[k] = p
	}
	return p
}

// Len is the number of objects in the index.
func (ix *Index) Len() int { return len(ix.entries) }

// Labels returns a copy of the labels indexed for key.
func (ix *Index) Labels(key string) (map[string]string, bool) {
	e, ok := ix.entries[key]
	if !ok {
		return nil, false
	}
	return maps.Clone(e.labels), true
}

// Set adds the object key with its labels, or replaces its labels.
func (ix *Index) Set(key string, labels map[string]string) {
	ix.Delete(key)
	e := &entry{key: key, labels: maps.Clone(labels)}
	ix.entries[key] = e
	ix.all = insert(ix.all, e)
	for k, v := range e.labels {
		p := ix.posting(k)
		p.all = insert(p.all, e)
		p.byValue[v] = insert(p.byValue[v], e)
	}
}

// Delete removes the object key; deleting an absent key does nothing.
func (ix *Index) Delete(key string) {
	e, ok := ix.entries[key]
	if !ok {
		return
	}
	delete(ix.entries, key)
	ix.all = remove(ix.all, key)
	for k, v := range e.labels {
		p := ix.keys[k]
		p.all = remove(p.all, key)
		if vs := remove(p.byValue[v], key); len(vs) > 0 {
			p.byValue[v] = vs
		} else {
			delete(p.byValue, v)
		}
		if len(p.all) == 0 {
			delete(ix.keys, k)
		}
	}
}

func insert(list []*entry, e *entry) []*entry {
	i, _ := slices.BinarySearchFunc(list, e.key, func(x *entry, k string) int { return strings.Compare(x.key, k) })
	return slices.Insert(list, i, e)
}

func remove(list []*entry, key string) []*entry {
	i, found := slices.BinarySearchFunc(list, key, func(x *entry, k string) int { return strings.Compare(x.key, k) })
	if !found {
		return list
	}
	return slices.Delete(list, i, i+1)
}

// Select returns the keys of the objects the selector selects, ascending.
func (ix *Index) Select(s *Selector) []string {
	var out []string
	ix.each(s, func(e *entry) { out = append(out, e.key) })
	return out
}

// each visits, in key order, the objects the selector selects. It narrows
// to the smallest candidate lists a requirement offers and checks the
// other requirements on each candidate: membership in a posting list
// already proves the requirement it came from.
func (ix *Index) each(s *Selector, visit func(*entry)) {
	if ix == nil || s.SelectsNothing() {
		return
	}
	lists, proven := ix.candidates(s)
	mergeSorted(lists, func(e *entry) {
		if s.matchesExcept(e.labels, proven) {
			visit(e)
		}
	})
}

// candidates returns disjoint sorted lists whose union holds every object
// the selector can select: the postings of the most selective requirement
// that needs its key present, or every object when none does. proven is
// the index of the requirement that membership alone proves, or -1.
func (ix *Index) candidates(s *Selector) (lists [][]*entry, proven int) {
	best, bestSize, proven := [][]*entry{ix.all}, len(ix.all), -1
	for i := range s.reqs {
		lists, ok := ix.reqCandidates(&s.reqs[i])
		if !ok {
			continue
		}
		size := 0
		for _, l := range lists {
			size += len(l)
		}
		if size < bestSize || (size == bestSize && proven < 0) {
			best, bestSize, proven = lists, size, i
			if op := s.reqs[i].op; op == opGreaterThan || op == opLessThan {
				proven = -1 // the key is present, the bound still to check
			}
		}
		if size == 0 {
			break
		}
	}
	return best, proven
}

// reqCandidates gives the postings that hold every object the requirement
// can match; ok is false for requirements that also match an absent key.
func (ix *Index) reqCandidates(r *req) ([][]*entry, bool) {
	p := ix.keys[r.key]
	switch r.op {
	case opEquals:
		if p == nil {
			return nil, true
		}
		return [][]*entry{p.byValue[r.value]}, true
	case opIn:
		if p == nil {
			return nil, true
		}
		lists := make([][]*entry, 0, len(r.values))
		for _, v := range r.values {
			if l := p.byValue[v]; len(l) > 0 {
				lists = append(lists, l)
			}
		}
		return lists, true
	case opExists, opGreaterThan, opLessThan:
		if p == nil {
			return nil, true
		}
		return [][]*entry{p.all}, true
	case opNever:
		return nil, true // it matches no object at all
	}
	return nil, false
}

func (ix *Index) candidateCount(s *Selector) int {
	if s.SelectsNothing() {
		return 0
	}
	n := 0
	lists, _ := ix.candidates(s)
	for _, l := range lists {
		n += len(l)
	}
	return n
}

// mergeSorted visits the entries of disjoint ascending lists in ascending
// key order.
func mergeSorted(lists [][]*entry, visit func(*entry)) {
	if len(lists) == 1 {
		for _, e := range lists[0] {
			visit(e)
		}
		return
	}
	heads := make([]int, len(lists))
	for {
		min := -1
		for i, l := range lists {
			if heads[i] < len(l) && (min < 0 || l[heads[i]].key < lists[min][heads[min]].key) {
				min = i
			}
		}
		if min < 0 {
			return
		}
		visit(lists[min][heads[min]])
		heads[min]++
	}
}
