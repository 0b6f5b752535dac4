package probe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
)

// webPod is a web server with a readiness probe every 5 s and a liveness
// probe every 10 s, and an IP, so that it is a Service endpoint.
func webPod(policy corev1.RestartPolicy) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "2f7c1e1a-0000-4000-8000-000000000010"},
		Spec: corev1.PodSpec{RestartPolicy: policy, Containers: []corev1.Container{{
			Name:           "web",
			Image:          "registry.k8s.io/nginx",
			ReadinessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 5},
			LivenessProbe:  &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10},
		}}},
		Status: corev1.PodStatus{PodIP: "10.244.1.8"},
	}
}

// stopScript is a healthy process that reacts to SIGTERM as Script.Stop
// says.
func stopScript(after time.Duration, code int32, handles bool) probe.Script {
	return probe.Script{Stop: func(int) (time.Duration, int32, bool) { return after, code, handles }}
}

// stepThrough steps r through every action due at or before until and
// returns the events as transcript lines. It fails on an error, on an
// event at another instant than its step, and on more than 10,000 steps.
func stepThrough(t testing.TB, r *probe.Runner, start, until time.Time) []string {
	t.Helper()
	var out []string
	for range 10000 {
		at, ok := r.NextAt()
		if !ok || at.After(until) {
			return out
		}
		events, err := r.Step()
		if err != nil {
			t.Fatalf("step at %v: %v", at.Sub(start), err)
		}
		for _, e := range events {
			if e.At != at.Sub(start) {
				t.Fatalf("event %q of the step at %v", e, at.Sub(start))
			}
			out = append(out, strings.TrimSpace(e.String()))
		}
	}
	t.Fatal("more than 10000 steps")
	return nil
}

// stateLine summarizes a container status: "web terminated Error 137".
func stateLine(cs corev1.ContainerStatus) string {
	switch s := cs.State; {
	case s.Running != nil:
		return cs.Name + " running"
	case s.Waiting != nil:
		return cs.Name + " waiting " + s.Waiting.Reason
	case s.Terminated != nil:
		return fmt.Sprintf("%s terminated %s %d", cs.Name, s.Terminated.Reason, s.Terminated.ExitCode)
	}
	return cs.Name + " unknown"
}

func conditionOf(st corev1.PodStatus, t corev1.PodConditionType) corev1.PodCondition {
	for _, c := range st.Conditions {
		if c.Type == t {
			return c
		}
	}
	return corev1.PodCondition{}
}

// TestRunnerTerminate runs a pod, terminates it (and maybe again) and
// checks every event from the first Terminate on and the terminal status.
func TestRunnerTerminate(t *testing.T) {
	type call struct{ at, grace time.Duration }
	cases := []struct {
		name string
		sc   probe.Scenario
		// Every action due by the first call's at is stepped before it.
		calls []call
		// doneAtOnce: Done right after the first Terminate.
		doneAtOnce bool
		want       []string // events from the first call on
		wantPhase  corev1.PodPhase
		wantStates []string
		wantReady  string // the Ready condition's reason at the end
	}{
		{
			name:  "P9.5 default Stop: exits at once on SIGTERM with 143",
			sc:    probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways)},
			calls: []call{{12 * time.Second, 30 * time.Second}},
			want: []string{
				"12s  web        Killing  Stopping container web (grace period 30s)",
				"12s  web        Exited   exit code 143, killed: exited on SIGTERM",
				"12s  web        NotReady container is not ready",
				"12s  (pod)      PodReady pod Ready=False (PodFailed: ); no Service endpoint (no pod IP)",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"web terminated Error 143"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name:  "P9.5 a Stop ignoring SIGTERM is SIGKILLed with 137 at the end of the grace; §17.3 readiness goes on, liveness stops",
			sc:    probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways), Scripts: map[string]probe.Script{"web": stopScript(0, 0, false)}},
			calls: []call{{12 * time.Second, 20 * time.Second}},
			want: []string{
				"12s  web        Killing  Stopping container web (grace period 20s)",
				"15s  web        Probe    Readiness probe: success (3 in a row)",
				"20s  web        Probe    Readiness probe: success (4 in a row)",
				"25s  web        Probe    Readiness probe: success (5 in a row)",
				"30s  web        Probe    Readiness probe: success (6 in a row)",
				"32s  web        Exited   exit code 137, killed: SIGKILL at the end of the grace period",
				"32s  web        NotReady container is not ready",
				"32s  (pod)      PodReady pod Ready=False (PodFailed: ); no Service endpoint (no pod IP)",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"web terminated Error 137"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name:  "P12.1 no restart after Terminate under restartPolicy Always; P15.2.4 every container exited 0: Succeeded",
			sc:    probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways), Scripts: map[string]probe.Script{"web": stopScript(3*time.Second, 0, true)}},
			calls: []call{{12 * time.Second, 30 * time.Second}},
			want: []string{
				"12s  web        Killing  Stopping container web (grace period 30s)",
				"15s  web        Exited   exit code 0, killed: exited on SIGTERM",
				"15s  web        NotReady container is not ready",
				"15s  (pod)      PodReady pod Ready=False (PodCompleted: ); no Service endpoint (no pod IP)",
			},
			wantPhase: corev1.PodSucceeded, wantStates: []string{"web terminated Completed 0"}, wantReady: probe.ReasonPodCompleted,
		},
		{
			name:  "§17.3 readiness during termination: the pod turns not Ready, its endpoint stays listed as terminating",
			sc:    probe.Scenario{Pod: readinessPod(), Scripts: map[string]probe.Script{"readiness": healthyFor(30 * time.Second)}},
			calls: []call{{20 * time.Second, 30 * time.Second}},
			want: []string{
				"20s  readiness  Killing  Stopping container readiness (grace period 30s)",
				"25s  readiness  Probe    Readiness probe: success (5 in a row)",
				"30s  readiness  Probe    Readiness probe: success (6 in a row)",
				"35s  readiness  Probe    Readiness probe: failure (1 of 3)",
				"40s  readiness  Probe    Readiness probe: failure (2 of 3)",
				"45s  readiness  Probe    Readiness probe: failure (3 of 3), now Failure",
				"45s  readiness  NotReady container is not ready",
				"45s  (pod)      PodReady pod Ready=False (ContainersNotReady: containers with unready status: [readiness]); Service endpoint ready=false serving=false terminating=true",
				"50s  readiness  Exited   exit code 137, killed: SIGKILL at the end of the grace period",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"readiness terminated Error 137"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name: "P13 in CrashLoopBackOff: the retry is cancelled, the last exit shows, Done at once",
			sc: probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways), Scripts: map[string]probe.Script{"web": {
				Exit: func(int) (time.Duration, int32, bool) { return 0, 1, true },
			}}},
			calls:      []call{{20 * time.Second, 30 * time.Second}},
			doneAtOnce: true,
			wantPhase:  corev1.PodFailed, wantStates: []string{"web terminated Error 1"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name:       "still ContainerCreating: the start is cancelled; TerminatePod reports ContainerStatusUnknown",
			sc:         probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways), StartDelay: 10 * time.Second},
			calls:      []call{{5 * time.Second, 30 * time.Second}},
			doneAtOnce: true,
			wantPhase:  corev1.PodFailed, wantStates: []string{"web terminated ContainerStatusUnknown 137"}, wantReady: probe.ReasonContainersNotReady,
		},
		{
			name:  "P9.2 a probe kill in progress is not followed by its restart",
			sc:    scenarios["liveness-exec"](),
			calls: []call{{50 * time.Second, 10 * time.Second}},
			want: []string{
				"50s  liveness   Killing  Stopping container liveness (grace period 10s)",
				"60s  liveness   Exited   exit code 137, killed: SIGKILL at the end of the grace period",
				"60s  liveness   NotReady container is not ready",
				"60s  (pod)      PodReady pod Ready=False (PodFailed: ); no Service endpoint (no pod IP)",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"liveness terminated Error 137"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name:  "RS-9.1 a second Terminate may only shorten the grace period",
			sc:    probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways), Scripts: map[string]probe.Script{"web": stopScript(0, 0, false)}},
			calls: []call{{12 * time.Second, 30 * time.Second}, {14 * time.Second, 60 * time.Second}, {17 * time.Second, 5 * time.Second}},
			want: []string{
				"12s  web        Killing  Stopping container web (grace period 30s)",
				"15s  web        Probe    Readiness probe: success (3 in a row)",
				"17s  web        Killing  Stopping container web (grace period 5s)",
				"20s  web        Probe    Readiness probe: success (4 in a row)",
				"22s  web        Exited   exit code 137, killed: SIGKILL at the end of the grace period",
				"22s  web        NotReady container is not ready",
				"22s  (pod)      PodReady pod Ready=False (PodFailed: ); no Service endpoint (no pod IP)",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"web terminated Error 137"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name:  "P9.5 a grace period under 2 s gives the container 2 s",
			sc:    probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways), Scripts: map[string]probe.Script{"web": stopScript(0, 0, false)}},
			calls: []call{{12 * time.Second, 0}},
			want: []string{
				"12s  web        Killing  Stopping container web (grace period 2s)",
				"14s  web        Exited   exit code 137, killed: SIGKILL at the end of the grace period",
				"14s  web        NotReady container is not ready",
				"14s  (pod)      PodReady pod Ready=False (PodFailed: ); no Service endpoint (no pod IP)",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"web terminated Error 137"}, wantReady: probe.ReasonPodFailed,
		},
		{
			name: "two containers: Done only once both exited; one exit 0 and one 143: Failed",
			sc: func() probe.Scenario {
				pod := webPod(corev1.RestartPolicyAlways)
				pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "sidecar", Image: "registry.k8s.io/busybox"})
				return probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"web": stopScript(4*time.Second, 0, true)}}
			}(),
			calls: []call{{12 * time.Second, 30 * time.Second}},
			want: []string{
				"12s  web        Killing  Stopping container web (grace period 30s)",
				"12s  sidecar    Killing  Stopping container sidecar (grace period 30s)",
				"12s  sidecar    Exited   exit code 143, killed: exited on SIGTERM",
				"12s  sidecar    NotReady container is not ready",
				"12s  (pod)      PodReady pod Ready=False (ContainersNotReady: containers with unready status: [sidecar]); Service endpoint ready=false serving=false terminating=true",
				"15s  web        Probe    Readiness probe: success (3 in a row)",
				"16s  web        Exited   exit code 0, killed: exited on SIGTERM",
				"16s  web        NotReady container is not ready",
			},
			wantPhase: corev1.PodFailed, wantStates: []string{"web terminated Completed 0", "sidecar terminated Error 143"}, wantReady: probe.ReasonPodFailed,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.sc.Pod.DeepCopy()
			r, err := probe.NewRunner(c.sc, t0)
			if err != nil {
				t.Fatal(err)
			}
			first := t0.Add(c.calls[0].at)
			stepThrough(t, r, t0, first)
			if r.Done() {
				t.Fatal("Done before Terminate")
			}
			var got []string
			for i, call := range c.calls {
				at := t0.Add(call.at)
				if i > 0 {
					got = append(got, stepThrough(t, r, t0, at.Add(-1))...)
				}
				if err := r.Terminate(at, call.grace); err != nil {
					t.Fatal(err)
				}
				if i == 0 && r.Done() != c.doneAtOnce {
					t.Fatalf("Done right after Terminate: %t, want %t", r.Done(), c.doneAtOnce)
				}
			}
			end := t0.Add(time.Hour)
			got = append(got, stepThrough(t, r, t0, end)...)
			if diff := strings.Join(got, "\n"); diff != strings.Join(c.want, "\n") {
				t.Errorf("events:\n%s\nwant:\n%s", diff, strings.Join(c.want, "\n"))
			}
			if _, ok := r.NextAt(); ok || !r.Done() {
				t.Errorf("at the end: Done %t, something due %t", r.Done(), ok)
			}
			st := r.Status(end)
			if diff := cmp.Diff(st, r.Status(end.Add(time.Hour))); diff != "" {
				t.Errorf("the terminal status moves with the time asked (P16.5):\n%s", diff)
			}
			var states []string
			for _, cs := range st.ContainerStatuses {
				states = append(states, stateLine(cs))
			}
			if st.Phase != c.wantPhase || strings.Join(states, ", ") != strings.Join(c.wantStates, ", ") {
				t.Errorf("status: phase %s, %v; want %s, %v", st.Phase, states, c.wantPhase, c.wantStates)
			}
			if ready := conditionOf(st, corev1.PodReady); ready.Status != corev1.ConditionFalse || ready.Reason != c.wantReady {
				t.Errorf("Ready condition %s %s, want False %s", ready.Status, ready.Reason, c.wantReady)
			}
			if sb := conditionOf(st, corev1.PodReadyToStartContainers); sb.Status != corev1.ConditionFalse {
				t.Errorf("PodReadyToStartContainers %s after the pod terminated, want False (sandbox stopped)", sb.Status)
			}
			if diff := cmp.Diff(before, c.sc.Pod); diff != "" {
				t.Errorf("the scenario's pod was modified:\n%s", diff)
			}
		})
	}
}

// Before Done the status is the one of a pod still running its
// containers: Running while one runs, the exited ones terminated, not
// waiting in CrashLoopBackOff.
func TestRunnerStatusWhileTerminating(t *testing.T) {
	pod := webPod(corev1.RestartPolicyAlways)
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "crash", Image: "registry.k8s.io/busybox"})
	r, err := probe.NewRunner(probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{
		"web":   stopScript(0, 0, false),
		"crash": {Exit: func(int) (time.Duration, int32, bool) { return time.Second, 2, true }},
	}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	stepThrough(t, r, t0, t0.Add(5*time.Second))
	if got := stateLine(r.Status(t0.Add(5 * time.Second)).ContainerStatuses[1]); got != "crash waiting CrashLoopBackOff" {
		t.Fatalf("before Terminate: %s", got)
	}
	if err := r.Terminate(t0.Add(5*time.Second), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	st := r.Status(t0.Add(5 * time.Second))
	if st.Phase != corev1.PodRunning || stateLine(st.ContainerStatuses[0]) != "web running" || stateLine(st.ContainerStatuses[1]) != "crash terminated Error 2" || r.Done() {
		t.Fatalf("while terminating: %s %s %s, Done %t", st.Phase, stateLine(st.ContainerStatuses[0]), stateLine(st.ContainerStatuses[1]), r.Done())
	}
	stepThrough(t, r, t0, t0.Add(time.Hour))
	if st := r.Status(t0.Add(time.Hour)); !r.Done() || st.Phase != corev1.PodFailed {
		t.Fatalf("at the end: Done %t, phase %s", r.Done(), st.Phase)
	}
}

// The Runner refuses calls out of time order and steps with nothing due,
// with an error and without a change.
func TestRunnerErrors(t *testing.T) {
	if _, err := probe.NewRunner(probe.Scenario{}, t0); err == nil {
		t.Error("NewRunner accepted a nil pod")
	}
	bad := webPod(corev1.RestartPolicyAlways)
	bad.Spec.Containers[0].LivenessProbe.SuccessThreshold = 2
	if _, err := probe.NewRunner(probe.Scenario{Pod: bad}, t0); err == nil || !strings.Contains(err.Error(), "livenessProbe.successThreshold") {
		t.Errorf("NewRunner on an invalid probe: %v", err)
	}

	empty, err := probe.NewRunner(probe.Scenario{Pod: &corev1.Pod{}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := empty.NextAt(); ok {
		t.Error("a pod without containers has something due")
	}
	if _, err := empty.Step(); err == nil {
		t.Error("Step with nothing due did not fail")
	}

	r, err := probe.NewRunner(probe.Scenario{Pod: webPod(corev1.RestartPolicyAlways)}, t0)
	if err != nil {
		t.Fatal(err)
	}
	stepThrough(t, r, t0, t0.Add(10*time.Second))
	next, _ := r.NextAt()
	if err := r.Terminate(t0.Add(5*time.Second), time.Second); err == nil {
		t.Error("Terminate before the last step did not fail")
	}
	if err := r.Terminate(next.Add(time.Second), time.Second); err == nil {
		t.Error("Terminate past a due probe did not fail")
	}
	if again, ok := r.NextAt(); r.Done() || !ok || !again.Equal(next) {
		t.Errorf("a refused Terminate changed the Runner: Done %t, next %v (was %v)", r.Done(), again, next)
	}
	if err := r.Terminate(next, time.Second); err != nil {
		t.Errorf("Terminate at the instant due: %v", err)
	}
	stepThrough(t, r, t0, t0.Add(time.Hour))
	if _, err := r.Step(); err == nil || !r.Done() {
		t.Errorf("Step after Done: %v, Done %t", err, r.Done())
	}
}
