package probe_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

func at(n int) time.Time { return t0.Add(sec(n)) }

func exec() corev1.ProbeHandler { return catHealthy }

// container builds a container with the given probes (nil for none).
func container(startup, readiness, liveness *corev1.Probe) *corev1.Container {
	return &corev1.Container{Name: "c", StartupProbe: startup, ReadinessProbe: readiness, LivenessProbe: liveness}
}

func newMachine(t *testing.T, c *corev1.Container, policy corev1.RestartPolicy) *probe.Machine {
	t.Helper()
	m, err := probe.New(c, policy, t0, probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// feed runs the due probes of kind k with the outcomes in order and
// returns the cached result after each.
func feed(t *testing.T, m *probe.Machine, k probe.Kind, outcomes string) []probe.Result {
	t.Helper()
	var out []probe.Result
	for _, o := range strings.Split(outcomes, " ") {
		due, kind, ok := m.NextAt()
		if !ok || kind != k {
			t.Fatalf("no %s probe due (due %v %s %v)", k, due, kind, ok)
		}
		oc := map[string]probe.Outcome{"S": probe.OutcomeSuccess, "F": probe.OutcomeFailure, "E": probe.OutcomeError, "W": probe.OutcomeWarning, "U": probe.OutcomeUnknown}[o]
		if _, err := m.Probe(due, k, oc); err != nil {
			t.Fatal(err)
		}
		out = append(out, m.Cached(k))
	}
	return out
}

func results(s string) []probe.Result {
	var out []probe.Result
	for _, r := range strings.Split(s, " ") {
		out = append(out, map[string]probe.Result{"S": probe.Success, "F": probe.Failure, "U": probe.Unknown}[r])
	}
	return out
}

func TestInitialValues(t *testing.T) {
	// P5.1: readiness Failure, liveness Success, startup Unknown.
	p := &corev1.Probe{ProbeHandler: exec()}
	m := newMachine(t, container(p, p, p), corev1.RestartPolicyAlways)
	if err := m.Start(at(0)); err != nil {
		t.Fatal(err)
	}
	got := []probe.Result{m.Cached(probe.Startup), m.Cached(probe.Readiness), m.Cached(probe.Liveness)}
	if diff := cmp.Diff(results("U F S"), got); diff != "" {
		t.Error(diff)
	}
	if m.Started() || m.Ready() {
		t.Errorf("P8.1/P10.1: started=%v ready=%v before the startup probe succeeded", m.Started(), m.Ready())
	}
}

func TestThresholdCounting(t *testing.T) {
	cases := []struct {
		rule     string
		kind     probe.Kind
		probe    corev1.Probe
		outcomes string
		want     string
	}{
		{"P7.2 readiness sT=1 fT=3", probe.Readiness, corev1.Probe{FailureThreshold: 3}, "S S F F F F S F F S", "S S S S F F S S S S"},
		{"P7.3 readiness sT=3", probe.Readiness, corev1.Probe{SuccessThreshold: 3, FailureThreshold: 1}, "S S S F S S S", "F F S F F F S"},
		{"P2.4 errors discarded (readiness)", probe.Readiness, corev1.Probe{FailureThreshold: 1}, "E S E", "F S S"},
		{"P2.4 errors do not break a run", probe.Readiness, corev1.Probe{FailureThreshold: 3}, "S F E F E F", "S S S S S F"},
		{"P2.3 warning counts as success, unknown as failure", probe.Readiness, corev1.Probe{FailureThreshold: 1}, "W U W", "S F S"},
		{"P7.5 startup stays Unknown below its threshold", probe.Startup, corev1.Probe{FailureThreshold: 3}, "F F", "U U"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := c.probe
			p.ProbeHandler = exec()
			var ctr *corev1.Container
			switch c.kind {
			case probe.Readiness:
				ctr = container(nil, &p, nil)
			case probe.Startup:
				ctr = container(&p, nil, nil)
			}
			m := newMachine(t, ctr, corev1.RestartPolicyAlways)
			if err := m.Start(at(0)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(results(c.want), feed(t, m, c.kind, c.outcomes)); diff != "" {
				t.Errorf("cached results (-want +got):\n%s", diff)
			}
		})
	}
}

// P2.4 harness: liveness fT=1, error, error, failure → Success, Success,
// Failure; the failure kills and holds (P7.4).
func TestLivenessErrorsThenFailure(t *testing.T) {
	p := &corev1.Probe{ProbeHandler: exec(), FailureThreshold: 1}
	m := newMachine(t, container(nil, nil, p), corev1.RestartPolicyAlways)
	_ = m.Start(at(0))
	if diff := cmp.Diff(results("S S F"), feed(t, m, probe.Liveness, "E E F")); diff != "" {
		t.Error(diff)
	}
	if _, _, ok := m.NextAt(); ok {
		t.Error("P7.4: a liveness Failure puts the worker on hold until a new container")
	}
}

func TestKillDecisions(t *testing.T) {
	never := corev1.ContainerRestartPolicyNever
	always := corev1.ContainerRestartPolicyAlways
	cases := []struct {
		rule    string
		policy  corev1.RestartPolicy
		own     *corev1.ContainerRestartPolicy
		kind    probe.Kind
		want    string
		restart bool
	}{
		{"P9.1 liveness, Always", corev1.RestartPolicyAlways, nil, probe.Liveness, "Container c failed liveness probe, will be restarted", true},
		{"P9.2 OnFailure restarts after a probe kill", corev1.RestartPolicyOnFailure, nil, probe.Liveness, "Container c failed liveness probe, will be restarted", true},
		{"P9.3 Never", corev1.RestartPolicyNever, nil, probe.Liveness, "Container c failed liveness probe", false},
		{"P9.2 container policy overrides the pod's", corev1.RestartPolicyAlways, &never, probe.Liveness, "Container c failed liveness probe", false},
		{"P9.2 container Always under pod Never", corev1.RestartPolicyNever, &always, probe.Startup, "Container c failed startup probe, will be restarted", true},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := &corev1.Probe{ProbeHandler: exec(), FailureThreshold: 1}
			ctr := container(nil, nil, p)
			if c.kind == probe.Startup {
				ctr = container(p, nil, nil)
			}
			ctr.RestartPolicy = c.own
			m := newMachine(t, ctr, c.policy)
			_ = m.Start(at(0))
			due, k, _ := m.NextAt()
			st, err := m.Probe(due, k, probe.OutcomeFailure)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Kill.Needed || st.Kill.Message != c.want || st.Kill.Restart != c.restart || st.Kill.Kind != c.kind {
				t.Errorf("kill = %+v, want message %q restart %v", st.Kill, c.want, c.restart)
			}
		})
	}
	t.Run("P9.4 sidecar", func(t *testing.T) {
		ctr := container(nil, nil, &corev1.Probe{ProbeHandler: exec(), FailureThreshold: 1})
		ctr.RestartPolicy = &always
		m, _ := probe.New(ctr, corev1.RestartPolicyNever, t0, probe.Options{Sidecar: true})
		_ = m.Start(at(0))
		due, k, _ := m.NextAt()
		st, _ := m.Probe(due, k, probe.OutcomeFailure)
		if st.Kill.Message != "Init container c failed liveness probe" || !st.Kill.Restart {
			t.Errorf("got %+v", st.Kill)
		}
	})
	t.Run("P9.7 readiness never kills", func(t *testing.T) {
		m := newMachine(t, container(nil, &corev1.Probe{ProbeHandler: exec(), FailureThreshold: 1}, nil), corev1.RestartPolicyAlways)
		_ = m.Start(at(0))
		due, k, _ := m.NextAt()
		st, _ := m.Probe(due, k, probe.OutcomeFailure)
		if st.Kill.Needed || !m.Running() {
			t.Errorf("got %+v", st.Kill)
		}
	})
}

// P4.4, P4.5, T1: when the first probe runs.
func TestTiming(t *testing.T) {
	cases := []struct {
		rule            string
		period, delay   int32
		start, wantNext time.Duration
	}{
		{"P4.5 ticks at 0,10,…; start at 3, delay 5 → 10", 10, 5, sec(3), sec(10)},
		{"P4.5 start at 3, delay 0 → 10 (the tick at 0 saw no container)", 10, 0, sec(3), sec(10)},
		{"P4.4 delay 10, start at 0: not at 0, at 10", 10, 10, 0, sec(10)},
		{"P4.4 delay 10 from a start at 0.1 s: 10 s (start truncated to 0)", 10, 10, 100 * time.Millisecond, sec(10)},
		{"P4.4 delay 10 from a start at 1 s: the tick at 20", 10, 10, sec(1), sec(20)},
		{"P4.1 phase set by the worker start, not the container", 5, 5, sec(7), sec(15)},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: c.period, InitialDelaySeconds: c.delay}
			m := newMachine(t, container(nil, p, nil), corev1.RestartPolicyAlways)
			_ = m.Start(t0.Add(c.start))
			got, _, ok := m.NextAt()
			if !ok || got.Sub(t0) != c.wantNext {
				t.Errorf("first readiness probe at %v, want %v", got.Sub(t0), c.wantNext)
			}
		})
	}
	t.Run("P4.2 offset moves every tick", func(t *testing.T) {
		p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10}
		var opts probe.Options
		opts.Offset[probe.Readiness] = sec(4)
		m, err := probe.New(container(nil, p, nil), corev1.RestartPolicyAlways, t0, opts)
		if err != nil {
			t.Fatal(err)
		}
		_ = m.Start(at(5))
		if got, _, _ := m.NextAt(); got.Sub(t0) != sec(14) {
			t.Errorf("got %v, want 14s", got.Sub(t0))
		}
		opts.Offset[probe.Readiness] = sec(10)
		if _, err := probe.New(container(nil, p, nil), corev1.RestartPolicyAlways, t0, opts); err == nil {
			t.Error("an offset of a whole period must be rejected")
		}
	})
	t.Run("T1 readiness: ready at the first tick after start", func(t *testing.T) {
		p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10, InitialDelaySeconds: 5}
		m := newMachine(t, container(nil, p, nil), corev1.RestartPolicyAlways)
		_ = m.Start(at(3))
		due, k, _ := m.NextAt()
		st, _ := m.Probe(due, k, probe.OutcomeSuccess)
		if due.Sub(t0) != sec(10) || !st.ReadyChanged || !m.Ready() {
			t.Errorf("probe at %v, step %+v", due.Sub(t0), st)
		}
	})
}

// P8: the startup probe holds liveness and readiness back; once it
// succeeds it never probes that container again; a new container is
// gated again.
func TestStartupGating(t *testing.T) {
	startup := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10, FailureThreshold: 30}
	liveness := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10, FailureThreshold: 1}
	m := newMachine(t, container(startup, nil, liveness), corev1.RestartPolicyAlways)
	_ = m.Start(at(0))
	for i := 1; i <= 3; i++ {
		due, k, _ := m.NextAt()
		if k != probe.Startup || due.Sub(t0) != sec(10*i) {
			t.Fatalf("P8.2: expected only the startup probe, got %s at %v", k, due.Sub(t0))
		}
		_, _ = m.Probe(due, k, probe.OutcomeFailure)
	}
	due, k, _ := m.NextAt()
	st, _ := m.Probe(due, k, probe.OutcomeSuccess)
	if !st.StartedChanged || !m.Started() || !m.Ready() {
		t.Fatalf("P8.3: startup success must start the container: %+v", st)
	}
	// P4.6: liveness sees the start from the next tick on.
	if due2, k2, _ := m.NextAt(); k2 != probe.Liveness || due2.Sub(t0) != sec(50) {
		t.Fatalf("next probe %s at %v, want Liveness at 50s", k2, due2.Sub(t0))
	}
	if m.Has(probe.Startup) && m.Cached(probe.Startup) != probe.Success {
		t.Fatal("startup cached Success")
	}
	// P8.4: a new instance is gated again, startup Unknown.
	_ = m.Exit(at(45))
	_ = m.Start(at(45))
	if m.Started() || m.Cached(probe.Startup) != probe.Unknown {
		t.Errorf("new instance: started=%v startup=%s", m.Started(), m.Cached(probe.Startup))
	}
	if _, k, _ := m.NextAt(); k != probe.Startup {
		t.Errorf("P8.2: only the startup probe may run on the new instance, got %s", k)
	}
}

// P11.1: consecutive counts carry over a crash to the new instance.
func TestCounterCarryOver(t *testing.T) {
	t.Run("liveness fT=3: F F, crash, one F kills the new instance", func(t *testing.T) {
		p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10, FailureThreshold: 3}
		m := newMachine(t, container(nil, nil, p), corev1.RestartPolicyAlways)
		_ = m.Start(at(0))
		if diff := cmp.Diff(results("S S"), feed(t, m, probe.Liveness, "F F")); diff != "" {
			t.Fatal(diff)
		}
		_ = m.Exit(at(25)) // a crash, not a probe kill
		_ = m.Start(at(25))
		due, k, _ := m.NextAt()
		st, _ := m.Probe(due, k, probe.OutcomeFailure)
		if st.Run != 3 || !st.Kill.Needed {
			t.Errorf("one failure on the new instance: %+v", st)
		}
	})
	t.Run("readiness sT=3: S S, crash, one S makes the new instance ready", func(t *testing.T) {
		p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10, SuccessThreshold: 3}
		m := newMachine(t, container(nil, p, nil), corev1.RestartPolicyAlways)
		_ = m.Start(at(0))
		feed(t, m, probe.Readiness, "S S")
		_ = m.Exit(at(25))
		_ = m.Start(at(25))
		due, k, _ := m.NextAt()
		if _, err := m.Probe(due, k, probe.OutcomeSuccess); err != nil || !m.Ready() {
			t.Errorf("ready=%v err=%v", m.Ready(), err)
		}
	})
	t.Run("after a liveness kill the run starts from 0", func(t *testing.T) {
		p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10, FailureThreshold: 3}
		m := newMachine(t, container(nil, nil, p), corev1.RestartPolicyAlways)
		_ = m.Start(at(0))
		feed(t, m, probe.Liveness, "F F F")
		_ = m.Exit(at(40))
		_ = m.Start(at(40))
		due, k, _ := m.NextAt()
		if st, _ := m.Probe(due, k, probe.OutcomeFailure); st.Run != 1 || st.Kill.Needed {
			t.Errorf("got %+v", st)
		}
	})
}

// §17: after deletion, liveness and startup stop; readiness goes on.
func TestDeletion(t *testing.T) {
	p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10}
	m := newMachine(t, container(nil, p, p), corev1.RestartPolicyAlways)
	_ = m.Start(at(0))
	if err := m.Delete(at(5)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		due, k, ok := m.NextAt()
		if !ok || k != probe.Readiness {
			t.Fatalf("after deletion only readiness probes, got %s %v", k, ok)
		}
		_, _ = m.Probe(due, k, probe.OutcomeSuccess)
	}
}

// The contract: a probe that is not due is refused, and so is an event
// that passes over a due probe or goes back in time.
func TestOrderingErrors(t *testing.T) {
	p := &corev1.Probe{ProbeHandler: exec(), PeriodSeconds: 10}
	m := newMachine(t, container(nil, nil, p), corev1.RestartPolicyAlways)
	if _, err := m.Probe(at(10), probe.Liveness, probe.OutcomeSuccess); err == nil {
		t.Error("a probe with no container running must be refused")
	}
	_ = m.Start(at(0))
	if _, err := m.Probe(at(20), probe.Liveness, probe.OutcomeSuccess); err == nil || !strings.Contains(err.Error(), "due at") {
		t.Errorf("skipping the probe at 10s: %v", err)
	}
	if err := m.Exit(at(30)); err == nil {
		t.Error("an exit passing over a due probe must be refused")
	}
	if _, err := m.Probe(at(10), probe.Liveness, probe.OutcomeSuccess); err != nil {
		t.Fatal(err)
	}
	if err := m.Exit(at(5)); err == nil {
		t.Error("going back in time must be refused")
	}
}
