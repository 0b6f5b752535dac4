package conformance

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe" // go:linkname, for the prober's unexported worker

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/kubelet/prober"
	"k8s.io/kubernetes/pkg/kubelet/prober/results"
	"k8s.io/kubernetes/pkg/kubelet/status"
	utilexec "k8s.io/utils/exec"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// The prober's unexported worker, driven one evaluation at a time:
// newWorker builds it for a manager made by prober.NewManager, doProbe is
// one tick of its loop (worker.go). The worker's own goroutine, ticker and
// jitter are not used: the ticks are the model's (rule P4.6).
//
//go:linkname upstreamNewWorker k8s.io/kubernetes/pkg/kubelet/prober.newWorker
func upstreamNewWorker(m unsafe.Pointer, probeType int, pod *corev1.Pod, container corev1.Container) unsafe.Pointer

//go:linkname upstreamDoProbe k8s.io/kubernetes/pkg/kubelet/prober.(*worker).doProbe
func upstreamDoProbe(w unsafe.Pointer, ctx context.Context) bool

// The prober's probeType values (prober_manager.go).
const (
	upstreamLiveness  = 0
	upstreamReadiness = 1
	upstreamStartup   = 2
)

var upstreamKind = map[probe.Kind]int{probe.Startup: upstreamStartup, probe.Readiness: upstreamReadiness, probe.Liveness: upstreamLiveness}

// podStatusSource is the status manager as the prober sees it: only
// GetPodStatus is called, and it returns the status the test sets.
type podStatusSource struct {
	status.Manager
	st corev1.PodStatus
}

func (s *podStatusSource) GetPodStatus(types.UID) (corev1.PodStatus, bool) { return s.st, true }

// scriptedRunner runs exec probes: the command names the probe kind, and
// the outcome set for it is returned — exit 0, exit 1, or an error that
// is not an exit (the prober retries it, then throws the result away).
type scriptedRunner struct {
	outcome map[string]probe.Outcome
	calls   map[string]int
}

func (r *scriptedRunner) RunInContainer(_ context.Context, _ kubecontainer.ContainerID, cmd []string, _ time.Duration) ([]byte, error) {
	r.calls[cmd[0]]++
	switch r.outcome[cmd[0]] {
	case probe.OutcomeSuccess:
		return nil, nil
	case probe.OutcomeFailure:
		return []byte("failed"), utilexec.CodeExitError{Err: fmt.Errorf("exit status 1"), Code: 1}
	}
	return nil, fmt.Errorf("cannot exec in a stopped container")
}

// upstreamKubelet is one run of the kubelet's prober: a manager (whose
// start is the kubelet's), its three results caches, and one worker per
// probe of the container.
type upstreamKubelet struct {
	source  *podStatusSource
	runner  *scriptedRunner
	caches  map[probe.Kind]results.Manager
	workers map[probe.Kind]unsafe.Pointer
	stopped map[probe.Kind]bool
	cancel  context.CancelFunc
	// start is the manager's start field, the kubelet's start on the
	// wall clock, which the workers compare container start times with
	// (rule P5.4): set before each evaluation to where the virtual start
	// lies on the wall clock then.
	start *time.Time
}

func newUpstreamKubelet(pod *corev1.Pod, ctr corev1.Container) *upstreamKubelet {
	k := &upstreamKubelet{source: &podStatusSource{}, runner: &scriptedRunner{outcome: map[string]probe.Outcome{}, calls: map[string]int{}},
		caches: map[probe.Kind]results.Manager{}, workers: map[probe.Kind]unsafe.Pointer{}, stopped: map[probe.Kind]bool{}}
	for _, kind := range []probe.Kind{probe.Startup, probe.Readiness, probe.Liveness} {
		k.caches[kind] = results.NewManager()
	}
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	for _, c := range k.caches {
		// Set sends every change on a channel of 20: drain it.
		go func(ch <-chan results.Update) {
			for {
				select {
				case <-ch:
				case <-ctx.Done():
					return
				}
			}
		}(c.Updates())
	}
	m := prober.NewManager(k.source, k.caches[probe.Liveness], k.caches[probe.Readiness], k.caches[probe.Startup], k.runner, &record.FakeRecorder{})
	mp := reflect.ValueOf(m).UnsafePointer()
	k.start = (*time.Time)(unsafe.Pointer(reflect.ValueOf(m).Elem().FieldByName("start").UnsafeAddr()))
	for kind, p := range map[probe.Kind]*corev1.Probe{probe.Startup: ctr.StartupProbe, probe.Readiness: ctr.ReadinessProbe, probe.Liveness: ctr.LivenessProbe} {
		if p != nil {
			k.workers[kind] = upstreamNewWorker(mp, upstreamKind[kind], pod, ctr)
		}
	}
	return k
}

// workerEvent is something that happens to the container, or the kubelet,
// at an instant.
type workerEvent struct {
	at   time.Duration
	what string // "start", "exit", "kubelet"
}

// TestProberWorkerMatchesUpstream drives the probe state machine
// (probe.Machine) and upstream's prober workers (prober/worker.go doProbe,
// one call per tick) with the same container, ticks, probe outcomes,
// container starts and exits and kubelet restarts, and requires at every
// tick the same decision whether the probe is executed and, while the
// container runs, the same cached result (or the same absence of one:
// rules P4–P11, P5.4). The container status the workers read is built as
// the kubelet builds it: a new container ID per instance, its start time
// in whole seconds, and started from the startup result of the previous
// instant (isContainerStarted, under the default gates). The machine's
// instants are virtual; the workers' initial delay reads the wall clock,
// so each status is written with a start time that far back from now.
func TestProberWorkerMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sidecar := rapid.Bool().Draw(t, "sidecar")
		ctr := corev1.Container{Name: "c", Image: "registry.k8s.io/busybox"}
		var offsets [3]time.Duration
		for _, kind := range []probe.Kind{probe.Startup, probe.Readiness, probe.Liveness} {
			if !rapid.Bool().Draw(t, "has"+kind.String()) {
				continue
			}
			p := &corev1.Probe{
				ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{kind.String()}}},
				PeriodSeconds:       int32(rapid.IntRange(1, 10).Draw(t, "period")),
				InitialDelaySeconds: int32(rapid.IntRange(0, 15).Draw(t, "delay")),
				FailureThreshold:    int32(rapid.IntRange(1, 4).Draw(t, "failureThreshold")),
				SuccessThreshold:    1,
				TimeoutSeconds:      1,
			}
			if kind == probe.Readiness {
				p.SuccessThreshold = int32(rapid.IntRange(1, 3).Draw(t, "successThreshold"))
			}
			offsets[kind] = time.Duration(rapid.IntRange(0, int(p.PeriodSeconds)*2-1).Draw(t, "offsetHalves")) * 500 * time.Millisecond
			switch kind {
			case probe.Startup:
				ctr.StartupProbe = p
			case probe.Readiness:
				ctr.ReadinessProbe = p
			case probe.Liveness:
				ctr.LivenessProbe = p
			}
		}
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "uid-1"},
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyAlways}}
		if sidecar {
			always := corev1.ContainerRestartPolicyAlways
			ctr.RestartPolicy = &always
			pod.Spec.InitContainers = []corev1.Container{ctr}
			pod.Spec.Containers = []corev1.Container{{Name: "app", Image: "nginx"}}
		} else {
			pod.Spec.Containers = []corev1.Container{ctr}
		}

		// The container's life: it starts, exits, starts again …; the
		// kubelet restarts in between. Instants are in half seconds.
		// MODEL (probe.Machine.Adopt): a container adopted within 10 s of
		// its start gets its initial values at the adoption, upstream's
		// workers at their first ticks; such restarts are not drawn.
		var events []workerEvent
		at, running := time.Duration(rapid.IntRange(0, 20).Draw(t, "firstStartHalves"))*500*time.Millisecond, false
		lastStart := -time.Hour
		for range rapid.IntRange(1, 8).Draw(t, "events") {
			switch {
			case rapid.IntRange(0, 3).Draw(t, "kubeletRestart") == 0 && at-lastStart > 11*time.Second:
				events = append(events, workerEvent{at, "kubelet"})
			case running:
				events, running = append(events, workerEvent{at, "exit"}), false
			default:
				events, running, lastStart = append(events, workerEvent{at, "start"}), true, at
			}
			at += time.Duration(rapid.IntRange(1, 120).Draw(t, "gapHalves")) * 500 * time.Millisecond
		}
		horizon := at + 30*time.Second
		outcomes := rapid.SliceOfN(rapid.SampledFrom([]probe.Outcome{probe.OutcomeSuccess, probe.OutcomeSuccess, probe.OutcomeFailure, probe.OutcomeFailure, probe.OutcomeError}), 1, 16).Draw(t, "outcomes")

		t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		newMachine := func(start time.Duration) *probe.Machine {
			opts := probe.Options{Sidecar: sidecar}
			copy(opts.Offset[:], offsets[:])
			m, err := probe.New(&ctr, corev1.RestartPolicyAlways, t0.Add(start), opts)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		m := newMachine(0)
		up := newUpstreamKubelet(pod, ctr)
		defer func() { up.cancel() }()
		workerStart := time.Duration(0)

		// The container as the kubelet's status shows it.
		instance, isRunning, since := 0, false, time.Duration(0)
		var finished time.Duration
		started := false // the status' started field, as last written

		// All instants: the events and every worker's ticks.
		instants := map[time.Duration]bool{}
		for _, e := range events {
			instants[e.at] = true
		}
		addTicks := func(from time.Duration) {
			for kind, p := range map[probe.Kind]*corev1.Probe{probe.Startup: ctr.StartupProbe, probe.Readiness: ctr.ReadinessProbe, probe.Liveness: ctr.LivenessProbe} {
				if p == nil {
					continue
				}
				for tick := from + offsets[kind]; tick <= horizon; tick += time.Duration(p.PeriodSeconds) * time.Second {
					instants[tick] = true
				}
			}
		}
		addTicks(0)
		for _, e := range events {
			if e.what == "kubelet" {
				addTicks(e.at)
			}
		}
		order := slices.Sorted(func(yield func(time.Duration) bool) {
			for k := range instants {
				if !yield(k) {
					return
				}
			}
		})

		containerID := func() kubecontainer.ContainerID {
			return kubecontainer.ContainerID{Type: "test", ID: fmt.Sprintf("c%d", instance)}
		}
		statusAt := func(now time.Time, tick time.Duration) corev1.PodStatus {
			cs := corev1.ContainerStatus{Name: ctr.Name, Image: ctr.Image, RestartCount: int32(max(instance-1, 0)), Started: &started}
			if instance > 0 {
				id := containerID()
				cs.ContainerID = id.String()
			}
			// Start times in whole seconds (normalizeStatus), placed on the
			// wall clock as far back as the virtual instant is.
			startedAt := metav1.NewTime(now.Add(-(tick - since.Truncate(time.Second))))
			switch {
			case instance == 0:
				cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
			case isRunning:
				cs.State.Running = &corev1.ContainerStateRunning{StartedAt: startedAt}
			default:
				cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, StartedAt: startedAt,
					FinishedAt: metav1.NewTime(now.Add(-(tick - finished.Truncate(time.Second))))}
			}
			st := corev1.PodStatus{Phase: corev1.PodRunning}
			if sidecar {
				st.InitContainerStatuses = []corev1.ContainerStatus{cs}
			} else {
				st.ContainerStatuses = []corev1.ContainerStatus{cs}
			}
			return st
		}
		// isContainerStarted (prober_manager.go), default gates.
		upStarted := func(prev bool) bool {
			if !isRunning {
				return false
			}
			if ctr.StartupProbe == nil || up.stopped[probe.Startup] {
				return true
			}
			if r, ok := up.caches[probe.Startup].Get(containerID()); ok {
				return r == results.Success
			}
			return prev
		}

		for _, now := range order {
			// An exit or a kubelet restart is seen by the instant's probes;
			// a start only after them (MODEL: a container started at t is
			// in the kubelet's status after t).
			for _, e := range events {
				if e.at != now || e.what == "start" {
					continue
				}
				var err error
				switch e.what {
				case "exit":
					isRunning, finished, started = false, now, false
					err = m.Exit(t0.Add(now))
				case "kubelet":
					up.cancel()
					up = newUpstreamKubelet(pod, ctr)
					workerStart = now
					m = newMachine(now)
					if isRunning {
						err = m.Adopt(t0.Add(now), t0.Add(since), instance, started, false, nil)
					} else if instance > 0 {
						// A dead instance: the machine only needs its number.
						if err = m.Adopt(t0.Add(now), t0.Add(since), instance, false, false, nil); err == nil {
							err = m.Exit(t0.Add(now))
						}
					}
				}
				if err != nil {
					t.Fatalf("%s at %s: %v", e.what, now, err)
				}
			}
			prevStarted := started
			for _, kind := range []probe.Kind{probe.Startup, probe.Readiness, probe.Liveness} {
				w := up.workers[kind]
				if w == nil {
					continue
				}
				p := map[probe.Kind]*corev1.Probe{probe.Startup: ctr.StartupProbe, probe.Readiness: ctr.ReadinessProbe, probe.Liveness: ctr.LivenessProbe}[kind]
				period := time.Duration(p.PeriodSeconds) * time.Second
				if d := now - workerStart - offsets[kind]; d < 0 || d%period != 0 {
					continue // not this worker's tick
				}
				tickNo := int((now - workerStart - offsets[kind]) / period)
				o := outcomes[(tickNo*3+int(kind))%len(outcomes)]
				up.runner.outcome[kind.String()] = o
				before := up.runner.calls[kind.String()]
				wall := time.Now()
				up.source.st = statusAt(wall, now)
				*up.start = wall.Add(-(now - workerStart))
				if !up.stopped[kind] && !upstreamDoProbe(w, context.Background()) {
					up.stopped[kind] = true
				}
				executed := up.runner.calls[kind.String()] > before

				modelAt, modelKind, due := m.NextAt()
				modelExecutes := due && modelAt.Equal(t0.Add(now)) && modelKind == kind
				if executed != modelExecutes {
					t.Fatalf("at %s, %s probe: upstream executed %t, the machine %t (machine next %v %s %t; status %+v)",
						now, kind, executed, modelExecutes, modelAt.Sub(t0), modelKind, due, up.source.st)
				}
				if modelExecutes {
					if _, err := m.Probe(t0.Add(now), kind, o); err != nil {
						t.Fatal(err)
					}
				}
				if !isRunning {
					continue
				}
				r, found := up.caches[kind].Get(containerID())
				if found != m.HasResult(kind) || (found && probe.Result(r) != m.Cached(kind)) {
					t.Fatalf("at %s, %s probe (outcome %s): upstream cached %v (found %t), the machine %v (has %t); events %v",
						now, kind, o, r, found, m.Cached(kind), m.HasResult(kind), events)
				}
			}
			// The kubelet writes the status again: started as the startup
			// result now says, seen by the workers from the next instant.
			started = upStarted(prevStarted)
			if isRunning && started != m.Started() {
				t.Fatalf("at %s: upstream's status says started %t, the machine %t", now, started, m.Started())
			}
			for _, e := range events {
				if e.at == now && e.what == "start" {
					instance++
					isRunning, since, started = true, now, ctr.StartupProbe == nil
					if err := m.Start(t0.Add(now)); err != nil {
						t.Fatalf("start at %s: %v", now, err)
					}
				}
			}
		}
	})
}
