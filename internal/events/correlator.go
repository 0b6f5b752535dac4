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
	seen       *lru.Cache // event key → *eventLog
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

// eventLog is the last observation of an event key: how often it was
// seen, when first, under which name.
type eventLog struct {
	count int32
	first metav1.Time
	name  string
}

// Correlate takes e, recorded at now, and returns the Event object the
// apiserver then holds under the returned event's name — e itself, a new
// aggregate event named aggName, or an update of an earlier event — or
// nil when the spam filter dropped it. e is not modified.
func (cr *Correlator) Correlate(e *corev1.Event, now time.Time, aggName string) *corev1.Event {
	src, obj := e.Source, e.InvolvedObject
	objKey := src.Component + src.Host + obj.Kind + obj.Namespace + obj.Name + string(obj.UID) + obj.APIVersion + e.Type
	key := src.Component + src.Host + obj.Kind + obj.Namespace + obj.Name + obj.FieldPath + string(obj.UID) + obj.APIVersion + e.Type + e.Reason + e.Message

	// 1. aggregation
	aggKey := objKey + e.Reason + e.ReportingController + e.ReportingInstance
	var rec *aggregateRecord
	if v, ok := cr.aggregates.Get(aggKey); ok {
		rec = v.(*aggregateRecord)
	}
	if rec == nil || now.Sub(rec.last) > aggregateInterval {
		rec = &aggregateRecord{messages: map[string]bool{}}
	}
	rec.messages[e.Message] = true
	rec.last = now
	cr.aggregates.Add(aggKey, rec)
	out := *e
	if len(rec.messages) >= aggregateMaxEvents {
		smallest, first := "", true
		for m := range rec.messages {
			if first || m < smallest {
				smallest, first = m, false
			}
		}
		delete(rec.messages, smallest)
		out = corev1.Event{
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

	// 2. counting, whether or not the spam filter lets the event through
	if v, ok := cr.seen.Get(key); ok {
		prev := v.(*eventLog)
		out.Name, out.FirstTimestamp, out.Count = prev.name, prev.first, prev.count+1
	}
	cr.seen.Add(key, &eventLog{count: out.Count, first: out.FirstTimestamp, name: out.Name})

	// 3. spam filter
	var bucket *tokenBucket
	if v, ok := cr.spam.Get(objKey); ok {
		bucket = v.(*tokenBucket)
	} else {
		bucket = &tokenBucket{tokens: spamBurst, last: now}
	}
	allowed := bucket.allow(now)
	cr.spam.Add(objKey, bucket)
	if !allowed {
		return nil
	}
	return &out
}
