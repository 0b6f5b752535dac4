package apiserver

import (
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// Change is one committed write: what watchers and the server's observers
// are told.
type Change struct {
	// Type is watch.Added, watch.Modified or watch.Deleted.
	Type watch.EventType
	// Resource is the group and resource the object is stored under.
	Resource schema.GroupResource
	// Object is the object as stored by the write; for a deletion, the
	// object as it was last stored (the deletion's revision is
	// ResourceVersion).
	Object Object
	// Old is the object before the write (nil for Added).
	Old Object
	// ResourceVersion is the write's revision.
	ResourceVersion uint64
	// At is the instant of the write.
	At time.Time
}

// Watch-cache sizes (rule API-9): the history of each resource keeps at
// least 100 events, doubles while all it holds are younger than 75 s, up
// to 102,400, and halves when its newest quarter is older than that.
const (
	historyMin       = 100
	historyMax       = 100 * 1024
	historyFreshness = 75 * time.Second
)

// history is one resource's recent changes, for watches that start from a
// resourceVersion (k8s.io/apiserver pkg/storage/cacher
// watch_cache_history.go).
type history struct {
	ring         []entry
	resource     schema.GroupResource // every change's
	start, end   int                  // absolute indexes: the ring holds [start, end)
	evictedSince bool
	startRV      uint64 // the revision the history starts after
	initialized  bool
	capacity     int
}

// entry is a Change as the ring holds it: without the resource, the same
// for all (a ring holds up to 102,400).
type entry struct {
	typ      watch.EventType
	obj, old Object
	rv       uint64
	at       time.Time
}

// change is the Change e holds.
func (h *history) change(e *entry) Change {
	return Change{Type: e.typ, Resource: h.resource, Object: e.obj, Old: e.old, ResourceVersion: e.rv, At: e.at}
}

func (h *history) full() bool { return h.end == h.start+h.capacity }

func (h *history) at(i int) *entry { return &h.ring[i%h.capacity] }

func (h *history) resize(capacity int) {
	ring := make([]entry, capacity)
	if capacity < h.capacity {
		h.start = h.end - capacity
	}
	for i := h.start; i < h.end; i++ {
		ring[i%capacity] = *h.at(i)
	}
	h.ring, h.capacity = ring, capacity
}

func (h *history) add(c *Change) {
	if h.capacity == 0 {
		h.capacity = historyMin
		h.ring = make([]entry, historyMin)
	}
	h.resource = c.Resource
	switch {
	case h.full() && c.At.Sub(h.at(h.start).at) < historyFreshness:
		if n := min(h.capacity*2, historyMax); n > h.capacity {
			h.resize(n)
		}
	case h.full() && c.At.Sub(h.at(h.end-h.capacity/4).at) > historyFreshness:
		if n := max(h.capacity/2, historyMin); n < h.capacity {
			h.resize(n)
		}
	}
	if h.full() {
		h.ring[h.start%h.capacity] = entry{}
		h.start++
		h.evictedSince = true
	}
	h.ring[h.end%h.capacity] = entry{typ: c.Type, obj: c.Object, old: c.Old, rv: c.ResourceVersion, at: c.At}
	h.end++
}

// since returns the changes after revision rv, or the apiserver's 410
// Expired error when some of them are no longer held.
func (h *history) since(rv uint64) ([]Change, error) {
	var oldest uint64
	switch {
	case !h.evictedSince:
		oldest = h.startRV + 1
	default:
		oldest = h.at(h.start).rv
	}
	if rv < oldest-1 {
		return nil, apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %d (%d)", rv, oldest-1))
	}
	var out []Change
	for i := h.start; i < h.end; i++ {
		if e := h.at(i); e.rv > rv {
			out = append(out, h.change(e))
		}
	}
	return out, nil
}

// Watch is a watch on one resource: the changes that match its namespace
// and selectors, in order, pulled with Next. It is not safe for
// concurrent use; a client that needs a watch.Interface wraps it.
type Watch struct {
	s       *Server
	ri      *resourceInfo
	ns      string
	label   labels.Selector
	field   fields.Selector
	queue   []watch.Event
	stopped bool
}

// Next returns the next event, and false when none is waiting (or the
// watch was stopped). Events are the server's copies: the caller may keep
// and modify them.
func (w *Watch) Next() (watch.Event, bool) {
	if w.stopped || len(w.queue) == 0 {
		return watch.Event{}, false
	}
	e := w.queue[0]
	w.queue[0] = watch.Event{}
	w.queue = w.queue[1:]
	return e, true
}

// Pending is the number of events waiting.
func (w *Watch) Pending() int { return len(w.queue) }

// Stop ends the watch: no more events arrive and the server forgets it.
func (w *Watch) Stop() {
	if w.stopped {
		return
	}
	w.stopped, w.queue = true, nil
	for i, o := range w.s.watches {
		if o == w {
			w.s.watches = append(w.s.watches[:i], w.s.watches[i+1:]...)
			break
		}
	}
}

func (w *Watch) matches(ri *resourceInfo, o Object) bool {
	if o == nil || (w.ns != "" && o.GetNamespace() != w.ns) {
		return false
	}
	if !w.label.Empty() && !w.label.Matches(labels.Set(o.GetLabels())) {
		return false
	}
	if !w.field.Empty() && !w.field.Matches(ri.strategy.fieldSet(o)) {
		return false
	}
	return true
}

// offer queues what the change means to this watch (rule API-8): a
// change that brings an object into the selection is Added, one that
// takes it out is Deleted (the object as it was, with the change's
// resourceVersion).
func (w *Watch) offer(c *Change) {
	if c.Resource != w.ri.storage {
		return
	}
	cur, old := c.Object, c.Old
	if c.Type == watch.Deleted {
		cur, old = nil, c.Object
	}
	now, was := w.matches(w.ri, cur), w.matches(w.ri, old)
	var typ watch.EventType
	var obj Object
	switch {
	case now && was:
		typ, obj = watch.Modified, cur
	case now:
		typ, obj = watch.Added, cur
	case was && c.Type == watch.Deleted:
		typ, obj = watch.Deleted, old
	case was:
		typ, obj = watch.Deleted, c.Old
	default:
		return
	}
	out := w.s.output(w.ri, obj)
	if typ == watch.Deleted {
		// A deletion, or an object leaving the selection, is sent as it
		// was, with the change's revision.
		out.SetResourceVersion(formatRV(c.ResourceVersion))
	}
	w.queue = append(w.queue, watch.Event{Type: typ, Object: w.s.answer(w.ri, out)})
}
