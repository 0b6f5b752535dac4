package probe_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
					// Rule P6.15: liveness and startup stop with Success;
					// a running container not yet started counts as
					// started from the deletion.
					if !ref.deleting && ref.running && !ref.startupOK {
						ref.startupOK, ref.startupOKAt = true, t0.Add(at)
					}
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

// genScenario draws a pod of one to three containers, and in one pod of
// three one or two init containers, with random probes,
// restart policies, grace periods, start delays and scripts. With wild it
// also draws what validation or the model refuse: any number, unknown
// outcomes and restart policies, negative delays and offsets, no
// container at all.
func genScenario(t *rapid.T, wild bool) probe.Scenario {
	// Half the wild scenarios are sane, so that a fuzzer's runs also get
	// past validation.
	wild = wild && rapid.Bool().Draw(t, "wild")
	num := func(label string, lo, hi int) int32 {
		if wild && rapid.IntRange(0, 15).Draw(t, label+"Wild") == 0 {
			return rapid.Int32().Draw(t, label)
		}
		return int32(rapid.IntRange(lo, hi).Draw(t, label))
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "gen", Namespace: "default", UID: "2f7c1e1a-0000-4000-8000-0000000000ff"}}
	policies := []corev1.RestartPolicy{"", corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}
	if wild {
		policies = append(policies, "Sometimes")
	}
	pod.Spec.RestartPolicy = rapid.SampledFrom(policies).Draw(t, "restartPolicy")
	if rapid.Bool().Draw(t, "hasGrace") {
		g := int64(num("grace", 0, 40))
		pod.Spec.TerminationGracePeriodSeconds = &g
	}
	if rapid.Bool().Draw(t, "hasIP") {
		pod.Status.PodIP = "10.244.1.9"
	}
	sc := probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{}, Options: map[string]probe.Options{}}
	sc.StartDelay = time.Duration(rapid.IntRange(0, 6).Draw(t, "startDelayHalves")) * 500 * time.Millisecond
	if wild && rapid.IntRange(0, 15).Draw(t, "startDelayWild") == 0 {
		sc.StartDelay = time.Duration(rapid.Int64().Draw(t, "startDelay"))
	}
	minContainers := 1
	if wild {
		minContainers = 0
	}
	// Init containers, one in three pods (rule P19): regular ones, which
	// get no probes, and sidecars, which get them.
	inits := 0
	if rapid.IntRange(0, 2).Draw(t, "hasInits") == 0 {
		inits = rapid.IntRange(1, 2).Draw(t, "inits")
	}
	for i := range inits + rapid.IntRange(minContainers, 3).Draw(t, "containers") {
		init := i < inits
		name := fmt.Sprintf("c%d", i)
		if init {
			name = fmt.Sprintf("i%d", i)
		}
		c := corev1.Container{Name: name, Image: "registry.k8s.io/e2e-test-images/agnhost:2.40"}
		sidecar := init && rapid.Bool().Draw(t, "sidecar")
		switch {
		case sidecar:
			p := corev1.ContainerRestartPolicyAlways
			c.RestartPolicy = &p
		case init:
		case rapid.IntRange(0, 4).Draw(t, "ownPolicy") == 0:
			p := rapid.SampledFrom([]corev1.ContainerRestartPolicy{corev1.ContainerRestartPolicyAlways, corev1.ContainerRestartPolicyOnFailure, corev1.ContainerRestartPolicyNever}).Draw(t, "containerPolicy")
			c.RestartPolicy = &p
			// Restart rules, a pod-wide restart among them (rules 15,
			// P12.4).
			if rapid.Bool().Draw(t, "hasRule") {
				c.RestartPolicyRules = []corev1.ContainerRestartRule{{
					Action: rapid.SampledFrom([]corev1.ContainerRestartRuleAction{corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleActionRestartAllContainers}).Draw(t, "ruleAction"),
					ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{
						Operator: rapid.SampledFrom([]corev1.ContainerRestartRuleOnExitCodesOperator{corev1.ContainerRestartRuleOnExitCodesOpIn, corev1.ContainerRestartRuleOnExitCodesOpNotIn}).Draw(t, "ruleOperator"),
						Values:   []int32{rapid.SampledFrom([]int32{0, 1, 2, 143}).Draw(t, "ruleCode")}},
				}}
			}
		}
		if init && !sidecar {
			pod.Spec.InitContainers = append(pod.Spec.InitContainers, c)
			sc.Scripts[name] = genScript(t, wild)
			continue
		}
		var opts probe.Options
		for k := probe.Startup; k <= probe.Liveness; k++ {
			if !rapid.Bool().Draw(t, "has"+k.String()) {
				continue
			}
			p := &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: num("period", 0, 10), InitialDelaySeconds: num("delay", 0, 10), FailureThreshold: num("failureThreshold", 0, 4)}
			if k == probe.Readiness || wild {
				p.SuccessThreshold = num("successThreshold", 0, 3)
			}
			if k != probe.Readiness && rapid.IntRange(0, 3).Draw(t, "hasProbeGrace") == 0 {
				g := int64(num("probeGrace", 1, 20))
				p.TerminationGracePeriodSeconds = &g
			}
			if period := p.PeriodSeconds; period >= 0 && period <= 10 {
				if period == 0 {
					period = probe.DefaultPeriodSeconds
				}
				opts.Offset[k] = time.Duration(rapid.IntRange(0, int(period)*4-1).Draw(t, "offsetQuarters")) * 250 * time.Millisecond
			}
			if wild && rapid.IntRange(0, 15).Draw(t, "offsetWild") == 0 {
				opts.Offset[k] = time.Duration(rapid.Int64().Draw(t, "offset"))
			}
			switch k {
			case probe.Startup:
				c.StartupProbe = p
			case probe.Readiness:
				c.ReadinessProbe = p
			case probe.Liveness:
				c.LivenessProbe = p
			}
		}
		if init {
			pod.Spec.InitContainers = append(pod.Spec.InitContainers, c)
		} else {
			pod.Spec.Containers = append(pod.Spec.Containers, c)
		}
		sc.Options[name] = opts
		sc.Scripts[name] = genScript(t, wild)
	}
	return sc
}

// genScript draws a container's process: probe outcomes cycling through a
// drawn list (by kind, instance and uptime), exits and reactions to
// SIGTERM by instance; any of them may be left nil.
func genScript(t *rapid.T, wild bool) probe.Script {
	var s probe.Script
	outcome := rapid.SampledFrom([]probe.Outcome{probe.OutcomeSuccess, probe.OutcomeSuccess, probe.OutcomeSuccess, probe.OutcomeFailure, probe.OutcomeFailure, probe.OutcomeError, probe.OutcomeWarning, probe.OutcomeUnknown})
	if wild {
		outcome = rapid.Map(rapid.Uint8(), func(b uint8) probe.Outcome { return probe.Outcome(b) })
	}
	type reaction struct {
		after time.Duration
		code  int32
		ok    bool
	}
	reactions := func(label string, maxAfter int) []reaction {
		return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) reaction {
			r := reaction{
				after: time.Duration(rapid.IntRange(0, maxAfter).Draw(t, "after")) * time.Second,
				code:  rapid.SampledFrom([]int32{0, 1, 2, 143}).Draw(t, "code"),
				ok:    rapid.Bool().Draw(t, "ok"),
			}
			if wild && rapid.IntRange(0, 15).Draw(t, "wild") == 0 {
				r.after, r.code = time.Duration(rapid.Int64().Draw(t, "afterWild")), rapid.Int32().Draw(t, "codeWild")
			}
			return r
		}), 1, 4).Draw(t, label)
	}
	if rapid.IntRange(0, 3).Draw(t, "hasProbeScript") > 0 {
		outcomes := rapid.SliceOfN(outcome, 1, 12).Draw(t, "outcomes")
		s.Probe = func(k probe.Kind, instance int, uptime time.Duration) probe.Outcome {
			return outcomes[(uint64(k)*5+uint64(instance)*3+uint64(uptime/time.Second))%uint64(len(outcomes))]
		}
	}
	if rapid.IntRange(0, 2).Draw(t, "hasExitScript") > 0 {
		exits := reactions("exits", 300)
		s.Exit = func(instance int) (time.Duration, int32, bool) {
			r := exits[uint(instance)%uint(len(exits))]
			return r.after, r.code, r.ok
		}
	}
	if rapid.IntRange(0, 2).Draw(t, "hasStopScript") > 0 {
		stops := reactions("stops", 40)
		s.Stop = func(instance int) (time.Duration, int32, bool) {
			r := stops[uint(instance)%uint(len(stops))]
			return r.after, r.code, r.ok
		}
	}
	return s
}

// snapshot is what a scenario holds that the caller owns: a Runner and
// Simulate must leave it as it was.
func snapshot(sc probe.Scenario) string {
	names := slices.Sorted(maps.Keys(sc.Scripts))
	return fmt.Sprintf("%s\n%v\n%v %v", cmp.Diff(nil, sc.Pod), names, sc.Options, sc.StartDelay)
}

// Stepping a Runner by hand — asking NextAt twice, reading Status in
// between — gives exactly Simulate's timeline, each step's events at its
// own instant, steps in time order; neither modifies the scenario.
func TestPropertyRunnerStepsAsSimulate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		start := t0.Add(time.Duration(rapid.IntRange(0, 3).Draw(t, "startQuarters")) * 250 * time.Millisecond)
		d := time.Duration(rapid.IntRange(0, 600).Draw(t, "seconds")) * time.Second
		peekEvery := rapid.IntRange(1, 10).Draw(t, "peekEvery")
		before := snapshot(sc)

		want, wantErr := probe.Simulate(sc, start, d)

		end := start.Add(d)
		got := &probe.Timeline{}
		r, err := probe.NewRunner(sc, start)
		for i, last := 0, start; err == nil; i++ {
			at, ok := r.NextAt()
			if again, okAgain := r.NextAt(); !again.Equal(at) || okAgain != ok {
				t.Fatalf("NextAt changed between two calls: %v %t, then %v %t", at, ok, again, okAgain)
			}
			if !ok || at.After(end) {
				break
			}
			if at.Before(last) {
				t.Fatalf("NextAt went backwards: %v after %v", at.Sub(start), last.Sub(start))
			}
			last = at
			if i%peekEvery == 0 {
				_ = r.Status(at.Add(time.Duration(i) * time.Second))
			}
			var events []probe.Event
			if events, err = r.Step(); err != nil {
				break
			}
			for _, e := range events {
				if e.At != at.Sub(start) {
					t.Fatalf("event %q of the step at %v", e, at.Sub(start))
				}
			}
			got.Events = append(got.Events, events...)
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("runner error %v, Simulate error %v", err, wantErr)
		}
		if err == nil {
			got.Status = r.Status(end)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("runner and Simulate differ (-Simulate +runner):\n%s", diff)
			}
		}
		if after := snapshot(sc); after != before {
			t.Fatalf("the scenario was modified:\n%s\n----\n%s", before, after)
		}
	})
}

// The status Step and Terminate leave for the next Status at their
// instant (the kubelet's write after each step) is the one computed
// afresh: asking twice at that instant gives equal statuses, and a caller
// changing the first cannot change the second or the Runner.
func TestPropertyRunnerStatusAfterStep(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		r, err := probe.NewRunner(sc, t0)
		if err != nil {
			t.Fatal(err)
		}
		terminateAt := rapid.IntRange(0, 400).Draw(t, "terminateStep")
		grace := time.Duration(rapid.IntRange(0, 40).Draw(t, "graceSeconds")) * time.Second
		check := func(at time.Time, what string) {
			first := r.Status(at)
			want := first.DeepCopy()
			for i := range first.Conditions {
				first.Conditions[i].Status = "scribbled"
			}
			for i := range first.ContainerStatuses {
				first.ContainerStatuses[i].Ready = !first.ContainerStatuses[i].Ready
				first.ContainerStatuses[i].State = corev1.ContainerState{}
			}
			// reflect first: cmp.Diff on every step was most of the cost.
			if second := r.Status(at); !reflect.DeepEqual(*want, second) {
				t.Fatalf("%s at %v: a second Status differs (-first +second):\n%s", what, at.Sub(t0), cmp.Diff(*want, second))
			}
		}
		for i := range 500 {
			at, ok := r.NextAt()
			if !ok {
				break
			}
			if i == terminateAt {
				if err := r.Terminate(at, grace); err != nil {
					t.Fatal(err)
				}
				check(at, "Terminate")
				continue // what is due now (maybe nothing: done at once)
			}
			if _, err := r.Step(); err != nil {
				t.Fatal(err)
			}
			check(at, "Step")
		}
	})
}

// After Terminate (and maybe a second one) the pod runs down (rules
// P6 step 7, P12.1, §17): no start, back-off, liveness or startup probe
// any more; every container running at the first Terminate exits by the
// end of its grace period (at least 2 s); Done, once true, stays true;
// at the end nothing is due, and the status is terminal — Succeeded
// exactly when every container terminated with exit code 0.
func TestPropertyRunnerTerminate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		r, err := probe.NewRunner(sc, t0)
		if err != nil {
			t.Fatal(err)
		}
		run := func(until time.Time, inclusive bool) []probe.Event {
			var out []probe.Event
			for range 100000 {
				at, ok := r.NextAt()
				if !ok || at.After(until) || (!inclusive && at.Equal(until)) {
					return out
				}
				wasDone := r.Done()
				events, err := r.Step()
				if err != nil {
					t.Fatal(err)
				}
				if wasDone && !r.Done() {
					t.Fatal("Done went back to false")
				}
				out = append(out, events...)
			}
			t.Fatal("more than 100000 steps")
			return nil
		}
		at := t0.Add(time.Duration(rapid.IntRange(0, 1200).Draw(t, "terminateQuarters")) * 250 * time.Millisecond)
		before := run(at, rapid.Bool().Draw(t, "inclusive"))
		grace := time.Duration(rapid.IntRange(-2, 60).Draw(t, "graceSeconds")) * time.Second
		running, sidecars := map[string]bool{}, map[string]bool{}
		stBefore := r.Status(at)
		for _, cs := range append(stBefore.InitContainerStatuses, stBefore.ContainerStatuses...) {
			running[cs.Name] = cs.State.Running != nil
		}
		for _, c := range sc.Pod.Spec.InitContainers {
			sidecars[c.Name] = c.RestartPolicy != nil
		}
		if err := r.Terminate(at, grace); err != nil {
			t.Fatal(err)
		}
		deadline := at.Add(max(grace, probe.MinimumGracePeriod))
		// A sidecar is signalled at the latest when the grace period
		// (at least 1 s) ends, and gets 2 s then (rule P19.6).
		sidecarDeadline := at.Add(max(grace, time.Second) + probe.MinimumGracePeriod)
		events := []probe.Event{}
		if rapid.Bool().Draw(t, "again") {
			again := at.Add(time.Duration(rapid.IntRange(0, 40).Draw(t, "againSeconds")) * time.Second)
			events = append(events, run(again, false)...)
			if err := r.Terminate(again, time.Duration(rapid.IntRange(-2, 60).Draw(t, "againGrace"))*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		events = append(events, run(t0.Add(24*time.Hour), true)...)
		exited := map[string]int{}
		for _, e := range events {
			switch {
			case e.Reason == "Started", e.Reason == "BackOff",
				// (a sidecar's liveness and startup probes go on, rule
				// P19.6)
				e.Reason == "Probe" && !strings.HasPrefix(e.Message, "Readiness probe") && !sidecars[e.Container],
				e.Reason == "Killing" && !strings.HasPrefix(e.Message, "Stopping container"):
				t.Fatalf("after Terminate: %s", e)
			case e.Reason == "Exited":
				exited[e.Container]++
				if sidecars[e.Container] && t0.Add(e.At).After(sidecarDeadline) {
					t.Fatalf("sidecar exited after the grace period and its 2 s (until %v): %s", sidecarDeadline.Sub(t0), e)
				}
				if !sidecars[e.Container] && t0.Add(e.At).After(deadline) {
					t.Fatalf("exited after the grace period (until %v): %s", deadline.Sub(t0), e)
				}
			}
		}
		for name, was := range running {
			if want := map[bool]int{true: 1}[was]; exited[name] != want {
				t.Fatalf("container %s (running %t) exited %d times after Terminate", name, was, exited[name])
			}
		}
		if _, ok := r.NextAt(); ok || !r.Done() {
			t.Fatalf("at the end: Done %t, something due %t", r.Done(), ok)
		}
		// The pod initialized if it has no init container or a regular
		// container ever started; one deleted while initializing keeps its regular containers waiting
		// and fails (rule P15.3).
		initialized := len(sc.Pod.Spec.InitContainers) == 0
		for _, e := range before {
			initialized = initialized || (e.Reason == "Started" && !strings.HasPrefix(e.Container, "i"))
		}
		st := r.Status(t0.Add(24 * time.Hour))
		// … or its last init container, a regular one, exited 0 (even
		// when stopped by the deletion: status_manager.go
		// hasPodInitialized).
		if n := len(sc.Pod.Spec.InitContainers); n > 0 && sc.Pod.Spec.InitContainers[n-1].RestartPolicy == nil {
			last := st.InitContainerStatuses[n-1]
			for _, term := range []*corev1.ContainerStateTerminated{last.State.Terminated, last.LastTerminationState.Terminated} {
				initialized = initialized || (term != nil && term.ExitCode == 0)
			}
		}
		allZero := initialized
		for _, cs := range st.ContainerStatuses {
			if !initialized {
				if cs.State.Waiting == nil {
					t.Fatalf("container %s of a pod that never initialized: %+v", cs.Name, cs.State)
				}
				continue
			}
			if cs.State.Terminated == nil {
				t.Fatalf("container %s not terminated: %+v", cs.Name, cs.State)
			}
			allZero = allZero && cs.State.Terminated.ExitCode == 0
		}
		if want := map[bool]corev1.PodPhase{true: corev1.PodSucceeded, false: corev1.PodFailed}[allZero]; st.Phase != want {
			t.Fatalf("phase %s, want %s", st.Phase, want)
		}
	})
}

// TestPropertyAdoptRunner: a kubelet restart at a random instant of a
// random pod's life (rule P5.4). The adopted Runner reports at once what
// it found — the same containers running, the same restart counts, the
// same phase —, never counts a restart down, and runs on without error;
// neither constructor modifies the scenario. One exception to the phase,
// the MODEL of Machine.Adopt: a container started less than
// KubeletRestartGracePeriod before the restart gets its startup probe's
// initial value at once (upstream: at the worker's first tick), so a
// sidecar's started field may drop, and with it the phase of a pod none
// of whose regular containers ran since a restart of all containers
// (Running to Pending).
func TestPropertyAdoptRunner(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(t, false)
		before := snapshot(sc)
		r, err := probe.NewRunner(sc, t0)
		if err != nil {
			t.Fatal(err)
		}
		k := t0.Add(time.Duration(rapid.IntRange(0, 2400).Draw(t, "restartQuarters")) * 250 * time.Millisecond)
		for range 100000 {
			at, ok := r.NextAt()
			if !ok || !at.Before(k) {
				break
			}
			if _, err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
		found := r.Status(k)
		a, err := probe.AdoptRunner(sc, k, found)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int32{}
		adopted := a.Status(k)
		if adopted.Phase != found.Phase && !startedDropped(found, adopted) {
			t.Fatalf("phase %s after the restart, %s before", adopted.Phase, found.Phase)
		}
		for i, list := range [][]corev1.ContainerStatus{found.InitContainerStatuses, found.ContainerStatuses} {
			now := [][]corev1.ContainerStatus{adopted.InitContainerStatuses, adopted.ContainerStatuses}[i]
			for j, cs := range list {
				counts[cs.Name] = cs.RestartCount
				if now[j].RestartCount != cs.RestartCount || (cs.State.Running != nil) != (now[j].State.Running != nil) {
					t.Fatalf("container %s: found %+v (restarts %d), adopted %+v (restarts %d)", cs.Name, cs.State, cs.RestartCount, now[j].State, now[j].RestartCount)
				}
			}
		}
		end := k.Add(15 * time.Minute)
		for range 100000 {
			at, ok := a.NextAt()
			if !ok || at.After(end) {
				break
			}
			if _, err := a.Step(); err != nil {
				t.Fatal(err)
			}
			st := a.Status(at)
			for _, cs := range append(st.InitContainerStatuses, st.ContainerStatuses...) {
				if cs.RestartCount < counts[cs.Name] {
					t.Fatalf("container %s: restart count %d, down from %d", cs.Name, cs.RestartCount, counts[cs.Name])
				}
				counts[cs.Name] = cs.RestartCount
			}
		}
		if after := snapshot(sc); after != before {
			t.Fatalf("the scenario was modified:\n%s\n%s", before, after)
		}
	})
}

// startedDropped reports whether a container's started field was true in
// found and is false in adopted.
func startedDropped(found, adopted corev1.PodStatus) bool {
	was := map[string]bool{}
	for _, cs := range append(slices.Clone(found.InitContainerStatuses), found.ContainerStatuses...) {
		was[cs.Name] = cs.Started != nil && *cs.Started
	}
	for _, cs := range append(slices.Clone(adopted.InitContainerStatuses), adopted.ContainerStatuses...) {
		if was[cs.Name] && (cs.Started == nil || !*cs.Started) {
			return true
		}
	}
	return false
}
