// Package events is client-go's event correlation (record's
// EventCorrelator with its defaults), which every Kubernetes component
// runs on the events it records before writing them: what turns a
// recorder's stream of events into the Event objects `kubectl get events`
// and `kubectl describe` show.
//
// Usage:
//
//	c := events.NewCorrelator()
//	if stored := c.Correlate(ev, now, name); stored != nil {
//		store[stored.Namespace+"/"+stored.Name] = stored
//	}
//
// Rules (upstream: k8s.io/client-go/tools/record/events_cache.go):
//
//  1. Aggregation: events that differ only in their message, about one
//     object from one source, are counted per 10-minute window (a window
//     restarts when the last such event is older than 10 minutes); from
//     the tenth distinct message on, an event becomes one event with the
//     message "(combined from similar events): <message>".
//  2. Counting: an event equal to an earlier one (the same source,
//     object, type, reason and message, or the same aggregate) updates
//     that event — count + 1, lastTimestamp, message — instead of making
//     a new one; the count includes occurrences the spam filter dropped.
//  3. Spam filter: each source may record 25 events of a type about one
//     object at once, then one every 5 minutes (a token bucket); an event
//     over that budget is dropped.
//  4. Each cache keeps its 4096 most recently used keys.
//
// MODEL: when the tenth distinct message arrives upstream forgets an
// arbitrary one of the ten (a set's PopAny), kubesem the smallest; the
// recorder's UpdateState after a write is not modelled (it only adds a
// cache entry for an aggregate event's own key).
package events

import (
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/lru"
)

// The defaults of client-go's EventCorrelator (record.NewEventCorrelator),
// which every component's event recorder runs before it writes an event.
const (
	correlatorCacheSize         = 4096
	aggregateMaxEvents          = 10
	aggregateInterval           = 600 * time.Second
	spamBurst                   = 25
	spamQPS             float32 = 1. / 300.
)

// Correlator is one recorder's correlation state (see the package rules).
// Not safe for concurrent use.
type Correlator struct {
	aggregates *lru.Cache // aggregate key → *aggregateRecord
	seen       *lru.Cache // event key → *storedEvent
	spam       *lru.Cache // spam key → *tokenBucket
}

type aggregateRecord struct {
	messages map[string]bool
	last     time.Time
}

// tokenBucket is golang.org/x/time/rate's Limiter as client-go's spam
// filter uses it: it starts full and refills continuously.
type tokenBucket struct {
	tokens float64
	last   time.Time
}

func (b *tokenBucket) allow(now time.Time) bool {
	if now.After(b.last) {
		b.tokens = min(b.tokens+now.Sub(b.last).Seconds()*float64(spamQPS), spamBurst)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// NewCorrelator returns a Correlator with upstream's defaults.
func NewCorrelator() *Correlator {
	return &Correlator{aggregates: lru.New(correlatorCacheSize), seen: lru.New(correlatorCacheSize), spam: lru.New(correlatorCacheSize)}
}

// storedEvent is the last observation of an event key.
type storedEvent struct {
	ev *corev1.Event
}

// Correlate takes e, recorded at now, and returns the Event object the
// apiserver then holds under the returned event's name — e itself, a new
// aggregate event named aggName, or an updated copy of an earlier event —
// or nil when the spam filter dropped it. e is not modified.
func (cr *Correlator) Correlate(e *corev1.Event, now time.Time, aggName string) *corev1.Event {
	src, obj := e.Source, e.InvolvedObject
	objKey := strings.Join([]string{src.Component, src.Host, obj.Kind, obj.Namespace, obj.Name, string(obj.UID), obj.APIVersion, e.Type}, "")
	key := strings.Join([]string{src.Component, src.Host, obj.Kind, obj.Namespace, obj.Name, obj.FieldPath, string(obj.UID), obj.APIVersion, e.Type, e.Reason, e.Message}, "")

	// 1. aggregation
	aggKey := objKey + e.Reason + e.ReportingController + e.ReportingInstance
	rec := &aggregateRecord{}
	if v, ok := cr.aggregates.Get(aggKey); ok {
		rec = v.(*aggregateRecord)
	}
	if now.Sub(rec.last) > aggregateInterval {
		rec = &aggregateRecord{messages: map[string]bool{}}
	}
	rec.messages[e.Message] = true
	rec.last = now
	cr.aggregates.Add(aggKey, rec)
	if len(rec.messages) >= aggregateMaxEvents {
		keys := make([]string, 0, len(rec.messages))
		for m := range rec.messages {
			keys = append(keys, m)
		}
		delete(rec.messages, slices.Min(keys))
		e = &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: aggName, Namespace: e.Namespace},
			Count:          1,
			FirstTimestamp: metav1.NewTime(now),
			InvolvedObject: obj,
			LastTimestamp:  metav1.NewTime(now),
			Message:        "(combined from similar events): " + e.Message,
			Type:           e.Type,
			Reason:         e.Reason,
			Source:         src,
		}
		key = aggKey
	}

	// 2. counting
	var prev *storedEvent
	if v, ok := cr.seen.Get(key); ok {
		prev = v.(*storedEvent)
	}
	cur := &storedEvent{ev: e}
	if prev != nil {
		updated := prev.ev.DeepCopy()
		updated.Count++
		updated.LastTimestamp = e.LastTimestamp
		updated.Message = e.Message
		cur.ev = updated
	}
	cr.seen.Add(key, cur)

	// 3. spam filter
	bucket := &tokenBucket{tokens: spamBurst, last: now}
	if v, ok := cr.spam.Get(objKey); ok {
		bucket = v.(*tokenBucket)
	}
	allowed := bucket.allow(now)
	cr.spam.Add(objKey, bucket)
	if !allowed {
		return nil
	}
	return cur.ev
}
