package conformance

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/tools/record"
	testingclock "k8s.io/utils/clock/testing"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/internal/events"
)

// The Event objects the apiserver ends up holding when a recorder's
// events go through client-go's EventCorrelator (v0.37.2, default
// options, a fake clock; its results written as the recorder writes them:
// create, or patch — a create when the patched event was never written —
// then UpdateState) and when they go through kubesem's events.Correlator:
// the same, field for field. The events come from two sources about two
// objects, in bursts at one instant and with pauses of up to 12 minutes,
// so that counting, aggregation windows and the spam filter's burst and
// refill all happen. Messages: for reason "Pool" from five (repeats
// counted, never ten distinct), for "Unique" all different (combined from
// the tenth on), for "Same" one. (Upstream forgets an arbitrary message
// when a tenth distinct one arrives; the generator never lets that
// choice matter.)
func TestEventCorrelationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		clock := testingclock.NewFakeClock(now)
		upstream := record.NewEventCorrelatorWithOptions(record.CorrelatorOptions{Clock: clock})
		ours := events.NewCorrelator()
		upStored, ourStored := map[string]*corev1.Event{}, map[string]*corev1.Event{}
		for i := range rapid.IntRange(1, 200).Draw(t, "events") {
			switch rapid.IntRange(0, 14).Draw(t, "pause") {
			case 0:
				now = now.Add(time.Duration(rapid.IntRange(1, 720).Draw(t, "seconds")) * time.Second)
			case 1, 2:
				now = now.Add(time.Duration(rapid.IntRange(1, 30).Draw(t, "seconds")) * time.Second)
			case 3:
				// at the edges of the aggregation window and of the refill
				now = now.Add(time.Duration(rapid.SampledFrom([]int{299, 300, 599, 600, 601}).Draw(t, "edge")) * time.Second)
			}
			clock.SetTime(now)
			// mostly one source, object and type, so that one key sees
			// enough events for the burst and the tenth distinct message
			object := rapid.SampledFrom([]string{"web-1", "web-1", "web-1", "web-1", "web-2"}).Draw(t, "object")
			reason := rapid.SampledFrom([]string{"Pool", "Unique", "Same"}).Draw(t, "reason")
			message := map[string]string{
				"Pool":   fmt.Sprintf("pooled %d", rapid.IntRange(0, 4).Draw(t, "pooled")),
				"Unique": fmt.Sprintf("unique %d", i),
				"Same":   "always the same",
			}[reason]
			name := fmt.Sprintf("%s.%x", object, now.UnixNano()+int64(i)+1)
			ev := &corev1.Event{
				ObjectMeta:     metav1.ObjectMeta{Name: name, Namespace: "default"},
				InvolvedObject: corev1.ObjectReference{Kind: "ReplicaSet", Namespace: "default", Name: object, UID: types.UID("uid-" + object), APIVersion: "apps/v1"},
				Reason:         reason, Message: message,
				Type:           rapid.SampledFrom([]string{"Normal", "Normal", "Normal", "Normal", "Warning"}).Draw(t, "type"),
				Source:         corev1.EventSource{Component: rapid.SampledFrom([]string{"replicaset-controller", "replicaset-controller", "replicaset-controller", "kubelet"}).Draw(t, "source")},
				FirstTimestamp: metav1.NewTime(now), LastTimestamp: metav1.NewTime(now), Count: 1,
			}

			res, err := upstream.EventCorrelate(ev.DeepCopy())
			if err != nil {
				t.Fatal(err)
			}
			if !res.Skip {
				written := res.Event.DeepCopy()
				if old, ok := upStored[written.Name]; ok && res.Patch != nil {
					orig, _ := json.Marshal(old)
					patched, err := strategicpatch.StrategicMergePatch(orig, res.Patch, corev1.Event{})
					if err != nil {
						t.Fatal(err)
					}
					written = &corev1.Event{}
					if err := json.Unmarshal(patched, written); err != nil {
						t.Fatal(err)
					}
				}
				written.ResourceVersion = ""
				upStored[written.Name] = written
				upstream.UpdateState(written.DeepCopy())
			}

			aggName := fmt.Sprintf("%s.%x", object, now.UnixNano()) // upstream's name for an aggregate
			if s := ours.Correlate(ev, now, aggName); s != nil {
				ourStored[s.Name] = s.DeepCopy()
			}
		}
		if diff := cmp.Diff(upStored, ourStored); diff != "" {
			t.Fatalf("stored events differ (-upstream +kubesem):\n%s", diff)
		}
	})
}
