package cluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Event is one entry of the event log: an event as a component recorded
// it. The Event objects `kubectl get events` and `kubectl describe` show
// are these after client-go's correlation (EventList).
type Event struct {
	// At is when it was recorded (virtual time).
	At time.Time
	// Type is "Normal" or "Warning".
	Type string
	// Reason and Message are upstream's, e.g. "SuccessfulCreate",
	// "Created pod: nginx-7xq2c".
	Reason, Message string
	// Kind, Namespace and Name name the object the event is about, UID
	// pins it (a later object of the same name has other events).
	Kind, Namespace, Name string
	UID                   types.UID
	// Source is the component that recorded it: "replicaset-controller",
	// "deployment-controller", "kubelet", "default-scheduler",
	// "node-controller", "taint-eviction-controller", ...
	Source string
}

// String renders an event as one log line.
func (e Event) String() string {
	obj := strings.ToLower(e.Kind) + "/" + e.Name
	return fmt.Sprintf("%-7s %-22s %-28s %s", e.Type, e.Reason, obj, e.Message)
}

// Change is one write to the store, as a watch (`kubectl get -w`) sees it.
type Change struct {
	At time.Time
	// Type is "ADDED", "MODIFIED" or "DELETED".
	Type string
	Kind string
	// Object is the object as written (for DELETED: as it was last). It is
	// the cluster's own copy: a watcher must not modify it.
	Object Object
}

// Watch registers fn to see every write from now on, in order.
func (c *Cluster) Watch(fn func(Change)) {
	if fn != nil {
		c.watchers = append(c.watchers, fn)
	}
}

// Events returns the event log so far, oldest first: every event
// recorded, before correlation (see EventList).
func (c *Cluster) Events() []Event { return c.events.all() }

// eventLog is the event log in chunks of eventChunk events: appending
// never copies what is logged (a large rollout logs a few events per
// pod).
type eventLog struct {
	chunks [][]Event
	n      int
}

const eventChunk = 4096

func (l *eventLog) len() int { return l.n }

func (l *eventLog) at(i int) *Event { return &l.chunks[i/eventChunk][i%eventChunk] }

func (l *eventLog) append(e Event) {
	switch {
	case l.n == 0:
		// The first chunk grows as a slice does (a small cluster logs a
		// few hundred events: a whole chunk would be most of what it
		// allocates), up to the chunk size; the others are made whole.
		l.chunks = append(l.chunks, make([]Event, 0, 64))
	case l.n%eventChunk == 0:
		l.chunks = append(l.chunks, make([]Event, 0, eventChunk))
	}
	last := len(l.chunks) - 1
	l.chunks[last] = append(l.chunks[last], e)
	l.n++
}

// all returns a copy of the log, oldest first.
func (l *eventLog) all() []Event {
	if l.n == 0 {
		return nil
	}
	out := make([]Event, 0, l.n)
	for _, ch := range l.chunks {
		out = append(out, ch...)
	}
	return out
}

// EventsFor returns the logged events about one object, oldest first,
// before correlation.
func (c *Cluster) EventsFor(kind, namespace, name string) []Event {
	var out []Event
	for _, ch := range c.events.chunks {
		for _, e := range ch {
			if e.Kind == kind && e.Namespace == namespace && e.Name == name {
				out = append(out, e)
			}
		}
	}
	return out
}

func (c *Cluster) record(o metav1.Object, kind, typ, reason, source, format string, args ...any) {
	c.recordMsg(o, kind, typ, reason, source, fmt.Sprintf(format, args...))
}

// recordMsg is record with the message already written (the frequent
// events build theirs without fmt's boxing).
func (c *Cluster) recordMsg(o metav1.Object, kind, typ, reason, source, msg string) {
	c.events.append(Event{
		At: c.now, Type: typ, Reason: reason, Message: msg,
		Kind: kind, Namespace: o.GetNamespace(), Name: o.GetName(), UID: o.GetUID(), Source: source,
	})
	// The apiserver refuses an Event in a namespace that is Terminating or
	// gone (the recorder retries, then drops it).
	if ns := c.namespaceObject(eventNamespace(o.GetNamespace())); ns == nil || ns.DeletionTimestamp != nil {
		if c.refused == nil {
			c.refused = map[int]bool{}
		}
		c.refused[c.events.len()-1] = true
	}
}

// eventNamespace is where the recorder writes an event about an object
// of namespace ns: ns, or "default" for a cluster-scoped object.
func eventNamespace(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// dropEvents removes the Event objects of a namespace the namespace
// controller has emptied (after correlating the log so far, so that later
// events are not dropped with them).
func (c *Cluster) dropEvents(ns string) {
	c.correlateLog()
	for k := range c.stored {
		if k.ns == ns {
			delete(c.stored, k)
		}
	}
}

// correlateLog passes the events logged since the last call through the
// correlation, in order and each at its own instant, and keeps the Event
// objects the apiserver would then hold. It runs when the objects are
// asked for, not as events are recorded: the result is the same, and a
// simulation nobody asks pays nothing for it. MODEL: one correlator for
// every component (upstream: one per recorder; its keys include the
// source, so only the caches' shared size differs).
func (c *Cluster) correlateLog() {
	for ; c.correlated < c.events.len(); c.correlated++ {
		e := *c.events.at(c.correlated)
		// The Event object the recorder writes: named <object>.<hex of the
		// unix nanoseconds> (plus the log index, unique where upstream's
		// clock would be), in the object's namespace or "default".
		ns := eventNamespace(e.Namespace)
		name := e.Name + "." + strconv.FormatInt(e.At.UnixNano()+int64(c.correlated), 16)
		ev := &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: name, Namespace: ns},
			InvolvedObject: corev1.ObjectReference{Kind: e.Kind, Namespace: e.Namespace, Name: e.Name, UID: e.UID, APIVersion: gvkOf(e.Kind)},
			Reason:         e.Reason, Message: e.Message, Type: e.Type,
			Source:         corev1.EventSource{Component: e.Source},
			FirstTimestamp: metav1.NewTime(e.At), LastTimestamp: metav1.NewTime(e.At), Count: 1,
		}
		if stored := c.correlator.Correlate(ev, e.At, name); stored != nil && !c.refused[c.correlated] {
			c.stored[key{stored.Namespace, stored.Name}] = stored
		}
	}
}

// EventTTL is how long the apiserver keeps an Event object after its last
// write (kube-apiserver's --event-ttl default).
const EventTTL = time.Hour

// EventList returns the Event objects of a namespace ("" for all) as the
// apiserver holds them and lists them, by namespace and name: the events
// recorded, passed through client-go's event correlation (package
// internal/events: repeats counted, similar ones combined, spam dropped),
// each gone EventTTL after its last write (a later repeat writes it again,
// with its count, as the recorder does when its patch finds nothing).
func (c *Cluster) EventList(namespace string) []*corev1.Event {
	c.correlateLog()
	var out []*corev1.Event
	for k, e := range c.stored {
		if !c.now.Before(e.LastTimestamp.Add(EventTTL)) {
			delete(c.stored, k) // expired
			continue
		}
		if namespace == "" || k.ns == namespace {
			out = append(out, e.DeepCopy())
		}
	}
	slices.SortFunc(out, func(a, b *corev1.Event) int {
		return compareKeys(key{a.Namespace, a.Name}, key{b.Namespace, b.Name})
	})
	return out
}
