package probe_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// refWorker is a literal, tick-by-tick transcription of upstream's
// worker.doProbe (rule P6): it is evaluated at every tick and decides
// there whether to probe. The Machine instead jumps straight to the next
// tick that probes; the property below checks the two agree.
type refWorker struct {
	on                 bool
	kind               probe.Kind
	period, delay      time.Duration
	successT, failureT int
	base               time.Time
	seenInstance       int
	lastResult         probe.Result
	run                int
	hold               bool
	cached             probe.Result
	stopped            bool
}

type refContainer struct {
	w            [3]refWorker
	instance     int
	running      bool
	startedAt    time.Time
	startupOKAt  time.Time // when the startup probe succeeded on this instance
	startupOK    bool
	deleting     bool
	hasStartup   bool
	nextOutcomes map[probe.Kind][]probe.Outcome
}

type execution struct {
	At     time.Duration
	Kind   probe.Kind
	Cached probe.Result
	Run    int
}

// started is the container status' started flag as a tick at t sees it
// (rules P8.1, P4.6).
func (c *refContainer) started(t time.Time) bool {
	if !c.running {
		return false
	}
	if !c.hasStartup {
		return true
	}
	return c.startupOK && c.startupOKAt.Before(t)
}

// tick is one evaluation of worker k at t; it returns whether it probed.
func (c *refContainer) tick(k probe.Kind, t time.Time) (execution, bool) {
	w := &c.w[k]
	if !w.on || w.stopped {
		return execution{}, false
	}
	// The container is in the status cache only after its start instant.
	if c.instance == 0 || !c.startedAt.Before(t) {
		return execution{}, false
	}
	if w.seenInstance != c.instance { // step 4
		w.seenInstance = c.instance
		w.cached = map[probe.Kind]probe.Result{probe.Startup: probe.Unknown, probe.Readiness: probe.Failure, probe.Liveness: probe.Success}[k]
		w.hold = false
	}
	if w.hold { // step 5
		return execution{}, false
	}
	if !c.running { // step 6
		w.cached = probe.Failure
		return execution{}, false
	}
	if c.deleting && k != probe.Readiness { // step 7
		w.cached, w.stopped = probe.Success, true
		return execution{}, false
	}
	if int64(t.Sub(c.startedAt.Truncate(time.Second))/time.Second) < int64(w.delay/time.Second) { // step 8
		return execution{}, false
	}
	if started := c.started(t); (k == probe.Startup) == started { // step 9
		return execution{}, false
	}
	o := c.nextOutcomes[k][0] // step 10
	c.nextOutcomes[k] = c.nextOutcomes[k][1:]
	var r probe.Result
	switch o {
	case probe.OutcomeError:
		return execution{At: t.Sub(t0), Kind: k, Cached: w.cached, Run: w.run}, true
	case probe.OutcomeSuccess, probe.OutcomeWarning:
		r = probe.Success
	default:
		r = probe.Failure
	}
	if r == w.lastResult { // step 11
		w.run++
	} else {
		w.lastResult, w.run = r, 1
	}
	if (r == probe.Failure && w.run < w.failureT) || (r == probe.Success && w.run < w.successT) { // step 12
		return execution{At: t.Sub(t0), Kind: k, Cached: w.cached, Run: w.run}, true
	}
	w.cached = r // step 13
	if k == probe.Startup && r == probe.Success {
		c.startupOK, c.startupOKAt = true, t
	}
	ex := execution{At: t.Sub(t0), Kind: k, Cached: w.cached, Run: w.run}  // the run that reached the threshold
	if (k == probe.Liveness && r == probe.Failure) || k == probe.Startup { // step 14
		w.hold, w.run = true, 0
	}
	return ex, true
}

type lifecycle struct {
	At   time.Duration
	What string // start, exit, delete
}

// TestPropertyMachineAgreesWithTickByTickReference drives the Machine and
// the reference with the same random probes, container starts, exits and
// deletion, and the same outcome sequences, and requires the same probe
// executions (time, kind, cached result, run) in the same order: NextAt
// never skips a due probe, never goes backwards, and the consecutive
// counting is upstream's.
func TestPropertyMachineAgreesWithTickByTickReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctr := &corev1.Container{Name: "c"}
		ref := &refContainer{nextOutcomes: map[probe.Kind][]probe.Outcome{}}
		var opts probe.Options
		outcome := rapid.SampledFrom([]probe.Outcome{probe.OutcomeSuccess, probe.OutcomeSuccess, probe.OutcomeFailure, probe.OutcomeFailure, probe.OutcomeError, probe.OutcomeWarning, probe.OutcomeUnknown})
		for k := probe.Startup; k <= probe.Liveness; k++ {
			if !rapid.Bool().Draw(t, fmt.Sprintf("has%s", k)) {
				continue
			}
			p := &corev1.Probe{
				ProbeHandler:        catHealthy,
				PeriodSeconds:       int32(rapid.IntRange(1, 4).Draw(t, "period")),
				InitialDelaySeconds: int32(rapid.IntRange(0, 5).Draw(t, "delay")),
				FailureThreshold:    int32(rapid.IntRange(1, 3).Draw(t, "failureThreshold")),
				SuccessThreshold:    1,
			}
			if k == probe.Readiness {
				p.SuccessThreshold = int32(rapid.IntRange(1, 3).Draw(t, "successThreshold"))
			}
			opts.Offset[k] = time.Duration(rapid.IntRange(0, int(p.PeriodSeconds)*4-1).Draw(t, "offsetQuarters")) * 250 * time.Millisecond
			switch k {
			case probe.Startup:
				ctr.StartupProbe = p
				ref.hasStartup = true
			case probe.Readiness:
				ctr.ReadinessProbe = p
			case probe.Liveness:
				ctr.LivenessProbe = p
			}
			ref.w[k] = refWorker{on: true, kind: k, period: time.Duration(p.PeriodSeconds) * time.Second, delay: time.Duration(p.InitialDelaySeconds) * time.Second,
				successT: int(p.SuccessThreshold), failureT: int(p.FailureThreshold), base: t0.Add(opts.Offset[k])}
			ref.nextOutcomes[k] = rapid.SliceOfN(outcome, 200, 200).Draw(t, "outcomes")
		}
		m, err := probe.New(ctr, corev1.RestartPolicyAlways, t0, opts)
		if err != nil {
			t.Fatal(err)
		}
		machineOutcomes := map[probe.Kind][]probe.Outcome{}
		for k, v := range ref.nextOutcomes {
			machineOutcomes[k] = append([]probe.Outcome(nil), v...)
		}

		// Random lifecycle: alternate start/exit, maybe a deletion.
		var events []lifecycle
		now, running := time.Duration(0), false
		for range rapid.IntRange(1, 6).Draw(t, "events") {
			now += time.Duration(rapid.IntRange(0, 40).Draw(t, "gapQuarters")) * 250 * time.Millisecond
			if running {
				events = append(events, lifecycle{now, "exit"})
			} else {
				events = append(events, lifecycle{now, "start"})
			}
			running = !running
		}
		if rapid.Bool().Draw(t, "delete") {
			now += time.Duration(rapid.IntRange(0, 20).Draw(t, "deleteGap")) * time.Second
			events = append(events, lifecycle{now, "delete"})
		}
		end := now + 60*time.Second

		// The Machine, driven as its contract says.
		var got []execution
		runUntil := func(limit time.Duration, inclusive bool) {
			for {
				due, k, ok := m.NextAt()
				if !ok || due.Sub(t0) > limit || (!inclusive && due.Sub(t0) == limit) {
					return
				}
				o := machineOutcomes[k][0]
				machineOutcomes[k] = machineOutcomes[k][1:]
				st, err := m.Probe(due, k, o)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, execution{At: due.Sub(t0), Kind: k, Cached: st.Cached, Run: int(st.Run)})
			}
		}
		for _, e := range events {
			runUntil(e.At, false)
			var err error
			switch e.What {
			case "start":
				err = m.Start(t0.Add(e.At))
			case "exit":
				err = m.Exit(t0.Add(e.At))
			case "delete":
				err = m.Delete(t0.Add(e.At))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		runUntil(end, true)

		// The reference, tick by tick over every 250 ms instant.
		var want []execution
		ei := 0
		for at := time.Duration(0); at <= end; at += 250 * time.Millisecond {
			for ei < len(events) && events[ei].At == at {
				switch events[ei].What {
				case "start":
					ref.instance++
					ref.running, ref.startedAt, ref.startupOK = true, t0.Add(at), false
				case "exit":
					ref.running = false
				case "delete":
					ref.deleting = true
				}
				ei++
			}
			for k := probe.Startup; k <= probe.Liveness; k++ {
				w := &ref.w[k]
				if !w.on || (at-opts.Offset[k]) < 0 || (at-opts.Offset[k])%w.period != 0 {
					continue
				}
				if ex, ok := ref.tick(k, t0.Add(at)); ok {
					want = append(want, ex)
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("executions differ (-reference +machine):\n%s\nevents %v", diff, events)
		}
		for i := 1; i < len(got); i++ {
			if got[i].At < got[i-1].At {
				t.Fatalf("NextAt went backwards: %v then %v", got[i-1], got[i])
			}
		}
	})
}

// The same inputs give the same transcript, and Simulate does not modify
// the pod it is given.
func TestPropertySimulateDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		healthy := time.Duration(rapid.IntRange(0, 120).Draw(t, "healthy")) * time.Second
		pod := livenessExecPod()
		pod.Spec.Containers[0].LivenessProbe.FailureThreshold = int32(rapid.IntRange(1, 5).Draw(t, "fT"))
		pod.Spec.RestartPolicy = rapid.SampledFrom([]corev1.RestartPolicy{"", corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}).Draw(t, "policy")
		before := pod.DeepCopy()
		sc := probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"liveness": healthyFor(healthy)}, StartDelay: time.Duration(rapid.IntRange(0, 3).Draw(t, "startDelay")) * time.Second}
		a, errA := probe.Simulate(sc, t0, 20*time.Minute)
		b, errB := probe.Simulate(sc, t0, 20*time.Minute)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if diff := cmp.Diff(a.String(), b.String()); diff != "" {
			t.Fatalf("two runs differ:\n%s", diff)
		}
		if diff := cmp.Diff(before, pod); diff != "" {
			t.Fatalf("Simulate mutated its pod:\n%s", diff)
		}
		// Restart counts never go down; exits never outnumber starts.
		var last int32
		starts, exits := 0, 0
		for _, e := range a.Events {
			if e.Container == "(pod)" {
				continue
			}
			if e.RestartCount < last {
				t.Fatalf("restartCount went down at %v", e)
			}
			last = e.RestartCount
			switch e.Reason {
			case "Started":
				starts++
			case "Exited":
				exits++
			}
			if exits > starts {
				t.Fatalf("more exits than starts at %v", e)
			}
		}
	})
}

// Phase, Conditions, EndpointOf and AddressOf never modify the pod and
// give the same answer twice, on random pods.
func TestPropertyPodFunctionsPure(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pod := &corev1.Pod{Spec: corev1.PodSpec{RestartPolicy: rapid.SampledFrom([]corev1.RestartPolicy{"", "Always", "OnFailure", "Never"}).Draw(t, "policy")}}
		for i := range rapid.IntRange(0, 3).Draw(t, "containers") {
			name := fmt.Sprintf("c%d", i)
			pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: name})
			var st corev1.ContainerStatus
			st.Name = name
			st.Ready = rapid.Bool().Draw(t, "ready")
			switch rapid.IntRange(0, 4).Draw(t, "state") {
			case 0:
				continue // no status
			case 1:
				st.State = running()
			case 2:
				st.State = terminated(int32(rapid.IntRange(0, 2).Draw(t, "code")))
			case 3:
				st.State = waiting("CrashLoopBackOff")
				st.LastTerminationState = terminated(1)
			case 4:
				st.State = waiting("ContainerCreating")
			}
			pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, st)
		}
		if rapid.Bool().Draw(t, "ip") {
			pod.Status.PodIP = "10.0.0.1"
		}
		before := pod.DeepCopy()
		phase := probe.Phase(pod, rapid.Bool().Draw(t, "terminal"), true)
		c1 := probe.Conditions(pod, phase, true, t0)
		c2 := probe.Conditions(pod, phase, true, t0)
		e1 := probe.EndpointOf(pod, false)
		in, r := probe.AddressOf(pod, false)
		if diff := cmp.Diff(before, pod); diff != "" {
			t.Fatalf("pod mutated:\n%s", diff)
		}
		if !cmp.Equal(c1, c2) || e1 != probe.EndpointOf(pod, false) {
			t.Fatal("not deterministic")
		}
		if in && !e1.Included || r && !in {
			t.Fatalf("AddressOf %v/%v inconsistent with EndpointOf %+v", in, r, e1)
		}
	})
}
