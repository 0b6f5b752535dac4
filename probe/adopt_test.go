package probe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/probe"
)

// Rule P5.4: a restarted kubelet adopts a running container. Each case
// starts the kubelet (the workers) at t0, adopts a container that started
// `since` before, and feeds its probes the outcomes listed, reading
// started and ready after each.
func TestMachineAdoptP54(t *testing.T) {
	readiness := func(ft int32) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10, FailureThreshold: ft}
	}
	cases := []struct {
		name                 string
		ctr                  corev1.Container
		sidecar              bool
		since                time.Duration // before t0
		wasStarted, podReady bool
		gates                features.Gates
		outcomes             []probe.Outcome // of the first probes due, in order
		want                 []string        // "started/ready" at adoption, then after each probe
	}{
		{name: "ready pod: stays ready until its readiness probe reaches a threshold",
			ctr: corev1.Container{Name: "c", ReadinessProbe: readiness(3)}, since: time.Minute, wasStarted: true, podReady: true,
			outcomes: []probe.Outcome{probe.OutcomeFailure, probe.OutcomeFailure, probe.OutcomeFailure},
			want:     []string{"started/ready", "started/ready", "started/ready", "started/unready"}},
		{name: "pod not Ready: not ready until a success",
			ctr: corev1.Container{Name: "c", ReadinessProbe: readiness(3)}, since: time.Minute, wasStarted: true,
			outcomes: []probe.Outcome{probe.OutcomeSuccess},
			want:     []string{"started/unready", "started/ready"}},
		{name: "no readiness probe: ready",
			ctr: corev1.Container{Name: "c"}, since: time.Minute, wasStarted: true,
			want: []string{"started/ready"}},
		{name: "started within 10 s of the kubelet's start: initial values",
			ctr: corev1.Container{Name: "c", ReadinessProbe: readiness(3)}, since: 9 * time.Second, wasStarted: true, podReady: true,
			outcomes: []probe.Outcome{probe.OutcomeSuccess},
			want:     []string{"started/unready", "started/ready"}},
		{name: "ChangeContainerStatusOnKubeletRestart on: initial values",
			ctr: corev1.Container{Name: "c", ReadinessProbe: readiness(3)}, since: time.Minute, wasStarted: true, podReady: true,
			gates:    features.Gates{features.ChangeContainerStatusOnKubeletRestart: true},
			outcomes: []probe.Outcome{probe.OutcomeSuccess},
			want:     []string{"started/unready", "started/ready"}},
		{name: "startup probe, was started: started, startup not probed",
			ctr: corev1.Container{Name: "c", StartupProbe: readiness(3)}, since: time.Minute, wasStarted: true,
			want: []string{"started/ready"}},
		{name: "startup probe, not yet started: probed from scratch",
			ctr: corev1.Container{Name: "c", StartupProbe: readiness(3)}, since: time.Minute,
			outcomes: []probe.Outcome{probe.OutcomeSuccess},
			want:     []string{"unstarted/unready", "started/ready"}},
		{name: "startup probe, within 10 s: not started though it was",
			ctr: corev1.Container{Name: "c", StartupProbe: readiness(3)}, since: 5 * time.Second, wasStarted: true,
			outcomes: []probe.Outcome{probe.OutcomeSuccess},
			want:     []string{"unstarted/unready", "started/ready"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := probe.New(&c.ctr, corev1.RestartPolicyAlways, t0, probe.Options{Sidecar: c.sidecar, Gates: c.gates})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Adopt(t0, t0.Add(-c.since), 3, c.wasStarted, c.podReady, c.gates); err != nil {
				t.Fatal(err)
			}
			state := func() string {
				s := map[bool]string{true: "started", false: "unstarted"}[m.Started()] + "/" + map[bool]string{true: "ready", false: "unready"}[m.Ready()]
				return s
			}
			got := []string{state()}
			if m.Instance() != 3 || !m.Running() {
				t.Fatalf("instance %d running %t, want 3 and running", m.Instance(), m.Running())
			}
			for _, o := range c.outcomes {
				at, k, ok := m.NextAt()
				if !ok {
					t.Fatalf("no probe due after %v", got)
				}
				if _, err := m.Probe(at, k, o); err != nil {
					t.Fatal(err)
				}
				got = append(got, state())
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

// Rule P5.4: a liveness probe of an adopted container counts failures
// from scratch: with failureThreshold 3 the third failure kills it, the
// runs before the restart notwithstanding.
func TestMachineAdoptLivenessCountsFromScratch(t *testing.T) {
	ctr := corev1.Container{Name: "c", LivenessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10}}
	m, err := probe.New(&ctr, corev1.RestartPolicyAlways, t0, probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Adopt(t0, t0.Add(-time.Hour), 1, true, true, nil); err != nil {
		t.Fatal(err)
	}
	if m.HasResult(probe.Liveness) {
		t.Fatal("an adopted container's liveness has a result before any probe")
	}
	var kills []time.Duration
	for range 3 {
		at, k, _ := m.NextAt()
		st, err := m.Probe(at, k, probe.OutcomeFailure)
		if err != nil {
			t.Fatal(err)
		}
		if st.Kill.Needed {
			kills = append(kills, at.Sub(t0))
		}
	}
	if len(kills) != 1 || kills[0] != 20*time.Second {
		t.Fatalf("kills at %v, want one at 20s (probes at 0, 10, 20)", kills)
	}
}

func TestMachineAdoptErrors(t *testing.T) {
	ctr := corev1.Container{Name: "c"}
	m, _ := probe.New(&ctr, corev1.RestartPolicyAlways, t0, probe.Options{})
	if err := m.Adopt(t0, t0.Add(time.Second), 1, true, true, nil); err == nil || !strings.Contains(err.Error(), "after it") {
		t.Fatalf("adopting a container started after the kubelet: %v", err)
	}
	if err := m.Adopt(t0, t0, 0, true, true, nil); err == nil {
		t.Fatal("instance 0 accepted")
	}
	if err := m.Adopt(t0, t0.Add(-time.Minute), 1, true, true, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Adopt(t0, t0.Add(-time.Minute), 1, true, true, nil); err == nil || !strings.Contains(err.Error(), "running") {
		t.Fatalf("adopting twice: %v", err)
	}
}

// runTo steps r through every action due before until and returns the
// events.
func runTo(t *testing.T, r *probe.Runner, until time.Time) []probe.Event {
	t.Helper()
	var out []probe.Event
	for range 100000 {
		at, ok := r.NextAt()
		if !ok || !at.Before(until) {
			return out
		}
		evs, err := r.Step()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
	}
	t.Fatal("more than 100000 steps")
	return nil
}

// Rules P5.4, P19: a kubelet restart in the middle of a pod's life. The
// status the restarted kubelet writes first is the one it found (nothing
// restarts, conditions keep their times), and the pod goes on.
func TestAdoptRunnerKeepsARunningPod(t *testing.T) {
	pod := initPod(corev1.RestartPolicyAlways, corev1.Container{Name: "migrate", Image: "busybox"},
		corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always,
			ReadinessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 5}})
	pod.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10}
	sc := probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"migrate": exitAfter(3 * time.Second)}}
	r, err := probe.NewRunner(sc, t0)
	if err != nil {
		t.Fatal(err)
	}
	k := t0.Add(2 * time.Minute)
	runTo(t, r, k)
	before := r.Status(k)
	a, err := probe.AdoptRunner(sc, k, before)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmpStatus(before, a.Status(k)); diff != "" {
		t.Fatalf("the adopted pod's status differs from the one found (-found +adopted):\n%s", diff)
	}
	for _, e := range runTo(t, a, k.Add(10*time.Minute)) {
		if e.Reason != "Probe" {
			t.Fatalf("after the kubelet's restart: %s", e)
		}
	}
}

// Rule P5.4: the new kubelet has no back-off entries: a container waiting
// in CrashLoopBackOff starts at the restarted kubelet's first sync.
func TestAdoptRunnerForgetsTheBackoff(t *testing.T) {
	pod := webPod(corev1.RestartPolicyAlways)
	pod.Spec.Containers[0].ReadinessProbe, pod.Spec.Containers[0].LivenessProbe = nil, nil
	sc := probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"web": exitAfter(time.Second, 1, 1, 1, 1, 1, 1)}}
	r, err := probe.NewRunner(sc, t0)
	if err != nil {
		t.Fatal(err)
	}
	k := t0.Add(40 * time.Second)
	runTo(t, r, k)
	found := r.Status(k)
	if w := found.ContainerStatuses[0].State.Waiting; w == nil || w.Reason != "CrashLoopBackOff" {
		t.Fatalf("before the restart: %+v, want CrashLoopBackOff", found.ContainerStatuses[0].State)
	}
	a, err := probe.AdoptRunner(sc, k, found)
	if err != nil {
		t.Fatal(err)
	}
	evs := runTo(t, a, k.Add(time.Second))
	started := false
	for _, e := range evs {
		started = started || (e.Reason == "Started" && e.At == 0)
	}
	if !started {
		t.Fatalf("events at the restart: %v, want the container started at once", evs)
	}
	if got, want := a.Status(k).ContainerStatuses[0].RestartCount, found.ContainerStatuses[0].RestartCount+1; got != want {
		t.Fatalf("restart count %d, want %d", got, want)
	}
}

// Rule P19 after a kubelet restart: an init container that was running
// goes on to its end, then the next container starts.
func TestAdoptRunnerGoesOnInitializing(t *testing.T) {
	pod := initPod(corev1.RestartPolicyAlways, corev1.Container{Name: "migrate", Image: "busybox"}, corev1.Container{Name: "warm", Image: "busybox"})
	sc := probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"migrate": exitAfter(5 * time.Second), "warm": exitAfter(30 * time.Second)}}
	r, err := probe.NewRunner(sc, t0)
	if err != nil {
		t.Fatal(err)
	}
	k := t0.Add(20 * time.Second) // warm runs since 5 s
	runTo(t, r, k)
	a, err := probe.AdoptRunner(sc, k, r.Status(k))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range runTo(t, a, k.Add(time.Minute)) {
		if e.Reason == "Started" || e.Reason == "Exited" {
			got = append(got, fmt.Sprintf("%s %s %s", e.At, e.Container, e.Reason))
		}
	}
	// warm started at 5 s runs 30 s: it exits at 35 s, 15 s after the
	// restart, and the app starts then.
	if want := []string{"15s warm Exited", "15s app Started"}; strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func cmpStatus(a, b corev1.PodStatus) string { return cmp.Diff(a, b) }
