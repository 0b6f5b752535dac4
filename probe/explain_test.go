package probe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// runUntil steps r through every action due at or before t.
func runUntil(t *testing.T, r *probe.Runner, until time.Time) {
	t.Helper()
	for {
		at, ok := r.NextAt()
		if !ok || at.After(until) {
			return
		}
		if _, err := r.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

func explained(e probe.PodExplanation, container string) probe.ContainerExplanation {
	for _, c := range e.Containers {
		if c.Name == container {
			return c
		}
	}
	return probe.ContainerExplanation{}
}

// The example, the tutorial's liveness-exec pod (liveness every
// 5 s after 5 s, failureThreshold 3; /tmp/healthy gone after 30 s): two
// failures in a row at 35 s and 40 s, the third at 45 s kills the
// container (T2), and once it runs again its last exit says why.
func TestExplainLivenessKill(t *testing.T) {
	sc := scenarios["liveness-exec"]()
	sc.StartDelay = 2 * time.Second
	r, err := probe.NewRunner(sc, t0)
	if err != nil {
		t.Fatal(err)
	}
	runUntil(t, r, t0.Add(40*time.Second))
	c := explained(r.Explain(t0.Add(40*time.Second)), "liveness")
	want := "liveness probe (every 5 s, after 5 s, failureThreshold 3): result Success, 2 failures in a row; the next failure (the third in a row) kills the container (P9.1); next in 5s"
	if len(c.Probes) != 1 || c.Probes[0].Text != want {
		t.Fatalf("at 40 s:\n got %v\nwant %s", c.Probes, want)
	}
	if p := c.Probes[0]; p.Run != 2 || p.Last != probe.Failure || p.Cached != probe.Success || p.FailureThreshold != 3 || !p.Next.Equal(t0.Add(45*time.Second)) {
		t.Fatalf("at 40 s: %+v", p)
	}
	runUntil(t, r, t0.Add(45*time.Second))
	c = explained(r.Explain(t0.Add(45*time.Second)), "liveness")
	if want := "being killed: exits in 30s (killed: SIGKILL at the end of the grace period)"; c.State != want {
		t.Fatalf("at 45 s: state %q, want %q", c.State, want)
	}
	if !c.Probes[0].Held || !strings.Contains(c.Probes[0].Text, "reached failureThreshold 3: the container is killed") {
		t.Fatalf("at 45 s: %+v", c.Probes[0])
	}
	runUntil(t, r, t0.Add(80*time.Second))
	c = explained(r.Explain(t0.Add(80*time.Second)), "liveness")
	if want := "instance 1 was killed 35s ago: its third liveness failure in a row reached failureThreshold 3 (P9.1); it exited with code 137, and a probe kill restarts it (P9.2)"; c.LastExit != want {
		t.Fatalf("at 80 s: last exit\n got %q\nwant %q", c.LastExit, want)
	}
	if c.Instance != 2 || c.Restarts != 1 {
		t.Fatalf("at 80 s: instance %d restarts %d", c.Instance, c.Restarts)
	}
}

// CrashLoopBackOff delays in words: 10 s, then doubling to the 300 s cap
// (P13.1, P13.4); 1 s and 60 s with ReduceDefaultCrashLoopBackOffDecay.
func TestBackoffWords(t *testing.T) {
	want := []string{"10 s (the first back-off)", "20 s (10 s doubled)", "40 s (10 s doubled twice)", "80 s (10 s doubled 3 times)",
		"160 s (10 s doubled 4 times)", "300 s (10 s doubled up to the 300 s cap)"}
	for i, d := range []time.Duration{10, 20, 40, 80, 160, 300} {
		if got := probe.BackoffWords(d*time.Second, probe.BackoffInitial, probe.BackoffMax); got != want[i] {
			t.Errorf("%ds: %q, want %q", d, got, want[i])
		}
	}
	if got := probe.BackoffWords(32*time.Second, probe.ReducedBackoffInitial, probe.ReducedBackoffMax); got != "32 s (1 s doubled 5 times)" {
		t.Errorf("reduced: %q", got)
	}
	if got := probe.BackoffWords(7*time.Second, probe.BackoffInitial, probe.BackoffMax); got != "7 s" {
		t.Errorf("off the sequence: %q", got)
	}
}

// A container that exits 3 s after each start (T5's crash loop): the
// first restart is immediate, the second waits 10 s, the third 20 s, and
// the explanation says when and why.
func TestExplainCrashLoop(t *testing.T) {
	sc := scenarios["liveness-exec"]()
	sc.StartDelay = 2 * time.Second
	sc.Scripts["liveness"] = probe.Script{Exit: func(int) (time.Duration, int32, bool) { return 3 * time.Second, 1, true }}
	r, err := probe.NewRunner(sc, t0)
	if err != nil {
		t.Fatal(err)
	}
	runUntil(t, r, t0.Add(30*time.Second))
	c := explained(r.Explain(t0.Add(30*time.Second)), "liveness")
	if c.State != "waiting: CrashLoopBackOff (P14.4)" || !c.RetryAt.Equal(t0.Add(45*time.Second)) || c.BackoffDelay != 20*time.Second {
		t.Fatalf("at 30 s: %+v", c)
	}
	if want := "restart in 15s, after a 20 s back-off (10 s doubled) counted from the last exit 5s ago, at the pod sync then due (P13.3, P13.11); it runs 2s after that"; c.Backoff != want {
		t.Fatalf("at 30 s:\n got %q\nwant %q", c.Backoff, want)
	}
	if want := "instance 3 ended 5s ago with exit code 1 (Error): exited by itself"; c.LastExit != want {
		t.Fatalf("at 30 s:\n got %q\nwant %q", c.LastExit, want)
	}
}

// Explanations agree with what the Runner then does, on random pods:
// explaining changes nothing (the events are Simulate's); a container
// said to restart at a time in CrashLoopBackOff starts then, unless the
// pod restarts all its containers first; a liveness or startup probe said
// to kill on the next failure kills when that failure comes; and a last
// exit is said to be a probe kill exactly when a probe killed that
// instance.
func TestPropertyRunnerExplainAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		d := time.Duration(rapid.IntRange(0, 900).Draw(t, "seconds")) * time.Second
		want, wantErr := probe.Simulate(sc, t0, d)
		r, err := probe.NewRunner(sc, t0)
		if err != nil {
			return
		}
		var got []probe.Event
		retry := map[string]time.Time{}
		killNext := map[string]probe.Kind{}
		killedSinceStart := map[string]bool{} // a probe killed the instance started last
		lastExitKilled := map[string]bool{}   // a probe killed the instance that exited last
		reset := false
		for {
			at, ok := r.NextAt()
			if !ok || at.After(t0.Add(d)) {
				break
			}
			ex := r.Explain(at)
			_ = ex.String()
			for _, l := range ex.Lines {
				reset = reset || strings.HasPrefix(l, "restarting all")
			}
			for _, c := range ex.Containers {
				switch {
				case c.RetryAt.IsZero():
				case strings.Contains(c.Backoff, "unless"):
					delete(retry, c.Name)
				default:
					retry[c.Name] = c.RetryAt
				}
				delete(killNext, c.Name)
				for _, p := range c.Probes {
					if p.Kind != probe.Readiness && strings.Contains(p.Text, "the next failure (") && p.Due && p.Next.Equal(at) {
						killNext[c.Name] = p.Kind
					}
				}
				if c.LastExit != "" && strings.Contains(c.LastExit, "was killed") != lastExitKilled[c.Name] {
					t.Fatalf("at %s: %s: last exit %q, killed by a probe: %v", at.Sub(t0), c.Name, c.LastExit, lastExitKilled[c.Name])
				}
			}
			evs, err := r.Step()
			if err != nil {
				if fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Fatalf("step error %v, Simulate's %v", err, wantErr)
				}
				return
			}
			got = append(got, evs...)
			for i, e := range evs {
				switch {
				case e.Reason == "Killing" && strings.HasPrefix(e.Message, "killing"):
					reset = true
				case e.Reason == "Killing" && strings.Contains(e.Message, " probe"):
					killedSinceStart[e.Container] = true
				case e.Reason == "Exited":
					lastExitKilled[e.Container] = killedSinceStart[e.Container]
				case e.Reason == "Started":
					if rt, ok := retry[e.Container]; ok && !reset && !at.Equal(rt.Add(sc.StartDelay)) {
						t.Fatalf("%s was to restart at %s (running %s later), started at %s", e.Container, rt.Sub(t0), sc.StartDelay, at.Sub(t0))
					}
					delete(retry, e.Container)
					killedSinceStart[e.Container] = false
				case e.Reason == "Probe":
					k, claimed := killNext[e.Container]
					if !claimed || !strings.HasPrefix(e.Message, k.String()+" probe: failure") && !strings.HasPrefix(e.Message, k.String()+" probe: unknown") {
						continue
					}
					killed := false
					for _, f := range evs[i:] {
						killed = killed || f.Reason == "Killing" && f.Container == e.Container
					}
					if !killed {
						t.Fatalf("at %s: %s: the explanation said the next %s failure kills, but %q killed nothing", at.Sub(t0), e.Container, k, e.Message)
					}
				}
			}
		}
		if wantErr == nil && fmt.Sprint(got) != fmt.Sprint(want.Events) {
			t.Fatalf("explaining changed the run:\n%v\n%v", got, want.Events)
		}
	})
}

// FuzzExplainRunner: any scenario, wild numbers included, is explained at
// every step without a panic.
func FuzzExplainRunner(f *testing.F) {
	addRandomSeeds(f, 4, 8192, 11)
	// The fuzzer's bytes are rapid's draws (one scenario per input), as
	// in the package's other fuzz targets.
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		sc := genScenario(t, true)
		r, err := probe.NewRunner(sc, t0)
		if err != nil {
			return
		}
		for range 200 {
			at, ok := r.NextAt()
			_ = r.Explain(at).String()
			if !ok {
				return
			}
			if _, err := r.Step(); err != nil {
				_ = r.Explain(at).String()
				return
			}
		}
	}))
}
