package probe_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// A Runner that shares its pod's metadata and spec (Scenario.ShareSpec)
// decides as one that copies them — same actions, events and statuses —
// and leaves the pod as it was.
func TestPropertyShareSpec(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		pod := sc.Pod.DeepCopy()
		if rapid.Bool().Draw(t, "defaulted") {
			pod.Spec = *probe.DefaultPodSpec(&pod.Spec)
		}
		sc.Pod = pod
		before := pod.DeepCopy()
		shared := sc
		shared.ShareSpec = true
		start := time.Unix(1000, 0)
		a, errA := probe.NewRunner(sc, start)
		b, errB := probe.NewRunner(shared, start)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("errors differ: %v / %v", errA, errB)
		}
		if errA != nil {
			return
		}
		for range 200 {
			atA, okA := a.NextAt()
			atB, okB := b.NextAt()
			if okA != okB || !atA.Equal(atB) {
				t.Fatalf("next actions differ: %v %t / %v %t", atA, okA, atB, okB)
			}
			if !okA {
				break
			}
			evA, errA := a.Step()
			evB, errB := b.Step()
			if diff := cmp.Diff(evA, evB); diff != "" || (errA == nil) != (errB == nil) {
				t.Fatalf("steps differ (-copied +shared):\n%s", diff)
			}
			if !reflect.DeepEqual(a.Status(atA), b.Status(atB)) {
				t.Fatal("statuses differ")
			}
		}
		if diff := cmp.Diff(before, sc.Pod); diff != "" {
			t.Fatalf("the shared spec changed:\n%s", diff)
		}
	})
}
