package probe_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// cloneOp is one call a test makes on a Runner: a Step, a Terminate or a
// Crash at the instant due next.
type cloneOp struct {
	kind      int // 0 Step, 1 Terminate, 2 Crash
	grace     time.Duration
	container string
	code      int32
}

// apply makes op on r and returns what it observed: the events or the
// error, and the status at that instant.
func (op cloneOp) apply(r *probe.Runner) (string, bool) {
	at, ok := r.NextAt()
	if !ok {
		return "", false
	}
	var out string
	switch op.kind {
	case 1:
		out = fmt.Sprint(r.Terminate(at, op.grace))
	case 2:
		out = fmt.Sprint(r.Crash(at, op.container, op.code))
	default:
		evs, err := r.Step()
		out = fmt.Sprint(evs, err)
	}
	st, err := json.Marshal(r.Status(at))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%v %s %s", at, out, st), true
}

// A Clone decides as its original would, and neither sees what the other
// does: a Runner cloned mid-run and then driven on gives, call for call,
// what a fresh Runner replaying the same calls gives — however far another
// clone taken at the same moment was run ahead — and a second clone driven
// alongside gives the same again.
func TestPropertyRunnerClone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		r, err := probe.NewRunner(sc, t0)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range sc.Pod.Spec.Containers {
			names = append(names, c.Name)
		}
		genOp := func(label string) cloneOp {
			op := cloneOp{}
			switch rapid.IntRange(0, 19).Draw(t, label) {
			case 0:
				op.kind = 1
				op.grace = time.Duration(rapid.IntRange(0, 40).Draw(t, label+"Grace")) * time.Second
			case 1:
				op.kind = 2
				op.container = rapid.SampledFrom(names).Draw(t, label+"Container")
				op.code = int32(rapid.IntRange(0, 2).Draw(t, label+"Code"))
			}
			return op
		}
		var log []cloneOp
		for range rapid.IntRange(0, 150).Draw(t, "before") {
			op := genOp("opBefore")
			if _, ok := op.apply(r); !ok {
				break
			}
			log = append(log, op)
		}
		ahead, alongside := r.Clone(), r.Clone()
		for range rapid.IntRange(0, 150).Draw(t, "ahead") {
			if _, ok := genOp("opAhead").apply(ahead); !ok {
				break
			}
		}
		fresh, err := probe.NewRunner(sc, t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range log {
			op.apply(fresh)
		}
		for i := range 150 {
			op := genOp("opAfter")
			got, okR := op.apply(r)
			want, okF := op.apply(fresh)
			other, okA := op.apply(alongside)
			if okR != okF || okR != okA {
				t.Fatalf("call %d after the clone: due %t (original) / %t (fresh) / %t (clone)", i, okR, okF, okA)
			}
			if !okR {
				break
			}
			if got != want {
				t.Fatalf("call %d after the clone: the original differs from a fresh replay (-fresh +original):\n%s", i, cmp.Diff(want, got))
			}
			if other != want {
				t.Fatalf("call %d after the clone: the clone differs from a fresh replay (-fresh +clone):\n%s", i, cmp.Diff(want, other))
			}
		}
	})
}
