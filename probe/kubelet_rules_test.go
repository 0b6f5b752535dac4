package probe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/probe"
)

// Rule 13 (P6.15): the pod's deletion makes liveness and startup Success.
func TestDeleteMakesStartupAndLivenessSuccess(t *testing.T) {
	for _, tc := range []struct {
		name         string
		readiness    bool
		wantReady    bool
		wantNextKind probe.Kind
		wantNext     bool
	}{
		{name: "no readiness probe: started and ready at once", readiness: false, wantReady: true},
		{name: "readiness probe: started, probing readiness", readiness: true, wantReady: false, wantNextKind: probe.Readiness, wantNext: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &corev1.Container{Name: "app",
				StartupProbe:  &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10, FailureThreshold: 30},
				LivenessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10}}
			if tc.readiness {
				c.ReadinessProbe = &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 5}
			}
			m, err := probe.New(c, corev1.RestartPolicyAlways, t0, probe.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Start(t0); err != nil {
				t.Fatal(err)
			}
			// The startup probe fails once: not started.
			at, k, _ := m.NextAt()
			if _, err := m.Probe(at, k, probe.OutcomeFailure); err != nil {
				t.Fatal(err)
			}
			if m.Started() {
				t.Fatal("started before the deletion")
			}
			del := t0.Add(12 * time.Second)
			if err := m.Delete(del); err != nil {
				t.Fatal(err)
			}
			if !m.Started() || m.Ready() != tc.wantReady {
				t.Fatalf("after deletion started=%v ready=%v, want true %v", m.Started(), m.Ready(), tc.wantReady)
			}
			if m.Cached(probe.Startup) != probe.Success || m.Cached(probe.Liveness) != probe.Success {
				t.Fatalf("startup %v liveness %v, want Success", m.Cached(probe.Startup), m.Cached(probe.Liveness))
			}
			at, k, ok := m.NextAt()
			if ok != tc.wantNext || (ok && (k != tc.wantNextKind || !at.After(del))) {
				t.Fatalf("next %v %v %v", at.Sub(t0), k, ok)
			}
		})
	}
}

// Rule 14 (P5.2): results.Result.String.
func TestResultStringIsUpstreams(t *testing.T) {
	for r, want := range map[probe.Result]string{probe.Success: "Success", probe.Failure: "Failure", probe.Unknown: "UNKNOWN", 7: "UNKNOWN", -9: "UNKNOWN"} {
		if got := r.String(); got != want {
			t.Errorf("Result(%d) = %q, want %q", int8(r), got, want)
		}
	}
}

// Rule 15 (P12.1, P12.4): restart rules under the gates.
func TestRestartRulesWithGates(t *testing.T) {
	never := corev1.ContainerRestartPolicyNever
	rules := func(action corev1.ContainerRestartRuleAction, codes ...int32) []corev1.ContainerRestartRule {
		return []corev1.ContainerRestartRule{{Action: action, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: codes}}}
	}
	off := func(g ...features.Gate) features.Gates {
		out := features.Gates{}
		for _, x := range g {
			out[x] = false
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		c          corev1.Container
		pod        corev1.RestartPolicy
		code       int32
		gates      features.Gates
		restart    bool
		restartAll bool
	}{
		{name: "Restart rule matches", c: corev1.Container{RestartPolicy: &never, RestartPolicyRules: rules("Restart", 42)}, pod: "Never", code: 42, restart: true},
		{name: "no rule matches: own Never", c: corev1.Container{RestartPolicy: &never, RestartPolicyRules: rules("Restart", 42)}, pod: "Always", code: 1, restart: false},
		{name: "RestartAllContainers rule", c: corev1.Container{RestartPolicy: &never, RestartPolicyRules: rules("RestartAllContainers", 3)}, pod: "Never", code: 3, restart: true, restartAll: true},
		{name: "RestartAllContainers gate off: falls back to own Never", c: corev1.Container{RestartPolicy: &never, RestartPolicyRules: rules("RestartAllContainers", 3)}, pod: "Always", code: 3,
			gates: off(features.RestartAllContainersOnContainerExits), restart: false},
		{name: "ContainerRestartRules off: the pod's policy", c: corev1.Container{RestartPolicy: &never, RestartPolicyRules: rules("Restart", 42)}, pod: "Always", code: 42,
			gates: off(features.ContainerRestartRules, features.RestartAllContainersOnContainerExits), restart: true},
		{name: "ContainerRestartRules off: Never pod", c: corev1.Container{RestartPolicy: &never, RestartPolicyRules: rules("RestartAllContainers", 42)}, pod: "Never", code: 42,
			gates: off(features.ContainerRestartRules), restart: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c.DeepCopy()
			if got := probe.ShouldRestartWith(c, tc.pod, tc.code, tc.gates); got != tc.restart {
				t.Errorf("ShouldRestartWith = %v, want %v", got, tc.restart)
			}
			if got := probe.RestartsAllContainers(c, tc.code, tc.gates); got != tc.restartAll {
				t.Errorf("RestartsAllContainers = %v, want %v", got, tc.restartAll)
			}
			// After a probe kill only policies count: the container's own
			// Never, or the pod's when ContainerRestartRules is off.
			wantKill := !tc.gates.Enabled(features.ContainerRestartRules) && tc.pod != corev1.RestartPolicyNever
			if got := probe.RestartsAfterKillWith(c, tc.pod, tc.gates); got != wantKill {
				t.Errorf("RestartsAfterKillWith = %v, want %v", got, wantKill)
			}
		})
	}
}

// Rule 16 (P13.9): the back-off's first delay and cap.
func TestCrashLoopBackOffParameters(t *testing.T) {
	for _, tc := range []struct {
		name             string
		gates            features.Gates
		max              time.Duration
		wantInit, wantMx time.Duration
	}{
		{name: "defaults", wantInit: 10 * time.Second, wantMx: 300 * time.Second},
		{name: "configured maximum", max: 100 * time.Second, wantInit: 10 * time.Second, wantMx: 100 * time.Second},
		{name: "maximum below the first delay", max: 5 * time.Second, wantInit: 5 * time.Second, wantMx: 5 * time.Second},
		{name: "reduced decay, configured default maximum wins", gates: features.Gates{features.ReduceDefaultCrashLoopBackOffDecay: true}, wantInit: time.Second, wantMx: 300 * time.Second},
		{name: "reduced decay alone", gates: features.Gates{features.ReduceDefaultCrashLoopBackOffDecay: true, features.KubeletCrashLoopBackOffMax: false}, wantInit: time.Second, wantMx: 60 * time.Second},
		{name: "maximum gate off ignores the configuration", gates: features.Gates{features.KubeletCrashLoopBackOffMax: false}, max: 30 * time.Second, wantInit: 10 * time.Second, wantMx: 300 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i, m := probe.CrashLoopBackOff(tc.gates, tc.max)
			if i != tc.wantInit || m != tc.wantMx {
				t.Fatalf("got %v/%v, want %v/%v", i, m, tc.wantInit, tc.wantMx)
			}
		})
	}
}

// crashPod is a pod whose container exits with code 1 after the uptime
// its instance number gives.
func crashPod(uptime func(instance int) time.Duration) probe.Scenario {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "crash", Namespace: "default", UID: "2f7c1e1a-0000-4000-8000-000000000020"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox"}}}}
	return probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"app": {Exit: func(i int) (time.Duration, int32, bool) {
		return uptime(i), 1, true
	}}}}
}

func eventsOf(tl *probe.Timeline, reason string) []string {
	var out []string
	for _, e := range tl.Events {
		if e.Reason == reason {
			out = append(out, fmt.Sprintf("%ds %s", int64(e.At/time.Second), strings.SplitN(e.Message, " restarting", 2)[0]))
		}
	}
	return out
}

// Rule 16 (P13.10, P13.11): the housekeeping drops the entry of a
// container that ran long, and the restart comes at the next pod sync.
func TestRestartAfterHousekeepingDroppedTheEntry(t *testing.T) {
	// Six instances crash after 1 s (delays 10, 20, 40, 80, 160 s, then
	// 300 s from 316 s); the seventh runs 500 s and exits at 816 s.
	sc := crashPod(func(i int) time.Duration {
		if i == 7 {
			return 500 * time.Second
		}
		return time.Second
	})
	tl, err := probe.Simulate(sc, t0, 1000*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var starts []string
	for _, e := range eventsOf(tl, "Started") {
		starts = append(starts, strings.Fields(e)[0])
	}
	// At 816 s the entry (updated at 316 s) is 500 s old: back-off 300 s
	// until 1116 s; the pod is synced again 60 s later, at 876 s (entry
	// 560 s old, still backing off), and at 936 s the housekeeping has
	// dropped it: the container starts at once, and the next crash starts
	// over at 10 s.
	if got, want := strings.Join(starts, " "), "0s 1s 12s 33s 74s 155s 316s 936s 947s"; !strings.HasPrefix(got, want) {
		t.Fatalf("starts %s, want prefix %s", got, want)
	}
	backoffs := strings.Join(eventsOf(tl, "BackOff"), ", ")
	for _, w := range []string{"135s back-off 1m20s", "216s back-off 2m40s", "816s back-off 5m0s", "876s back-off 5m0s"} {
		if !strings.Contains(backoffs, w) {
			t.Errorf("BackOff events %s lack %q", backoffs, w)
		}
	}
	if strings.Contains(backoffs, "936s") {
		t.Errorf("BackOff at 936s: %s", backoffs)
	}
}

// Rule 16 (P13.9): the gates change the back-off table.
func TestRunnerBackoffFollowsGates(t *testing.T) {
	sc := crashPod(func(int) time.Duration { return time.Second })
	sc.Gates = features.Gates{features.ReduceDefaultCrashLoopBackOffDecay: true, features.KubeletCrashLoopBackOffMax: false}
	tl, err := probe.Simulate(sc, t0, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(eventsOf(tl, "BackOff"), ", ")
	// 0 start, 1 exit & start (1 s), 2 exit: back-off 1s until 3, 3 start
	// (2 s), 4 exit: until 6 …
	if !strings.HasPrefix(got, "2s back-off 1s, 4s back-off 2s, 7s back-off 4s") {
		t.Fatalf("BackOff events: %s", got)
	}
}

// Rule 17 (P16.7): readiness gates and the conditions the kubelet keeps.
func TestReadinessGatesThroughSetConditions(t *testing.T) {
	pod := webPod(corev1.RestartPolicyAlways)
	pod.Spec.Containers[0].ReadinessProbe = nil
	pod.Spec.Containers[0].LivenessProbe = nil
	pod.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}}
	r, err := probe.NewRunner(probe.Scenario{Pod: pod}, t0)
	if err != nil {
		t.Fatal(err)
	}
	stepThrough(t, r, t0, t0.Add(5*time.Second))
	ready := func(st corev1.PodStatus) corev1.PodCondition {
		for _, c := range st.Conditions {
			if c.Type == corev1.PodReady {
				return c
			}
		}
		t.Fatal("no Ready condition")
		return corev1.PodCondition{}
	}
	c := ready(r.Status(t0.Add(5 * time.Second)))
	if c.Status != corev1.ConditionFalse || c.Reason != probe.ReasonReadinessGatesNotReady || c.Message != `corresponding condition of pod readiness gate "example.com/lb" does not exist.` {
		t.Fatalf("without the condition: %+v", c)
	}
	conds := []corev1.PodCondition{{Type: "example.com/lb", Status: corev1.ConditionFalse}, {Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	before := fmt.Sprint(conds)
	if _, err := r.SetConditions(t0.Add(6*time.Second), conds); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(conds) != before {
		t.Fatal("SetConditions changed its input")
	}
	st := r.Status(t0.Add(6 * time.Second))
	c = ready(st)
	if c.Message != `the status of pod readiness gate "example.com/lb" is not "True", but False` {
		t.Fatalf("gate False: %+v", c)
	}
	if st.Conditions[0].Type != "example.com/lb" {
		t.Fatalf("the gate's condition is not kept first: %v", st.Conditions)
	}
	evs, err := r.SetConditions(t0.Add(7*time.Second), []corev1.PodCondition{{Type: "example.com/lb", Status: corev1.ConditionTrue}})
	if err != nil {
		t.Fatal(err)
	}
	if c = ready(r.Status(t0.Add(7 * time.Second))); c.Status != corev1.ConditionTrue {
		t.Fatalf("gate True: %+v", c)
	}
	if len(evs) != 1 || !strings.HasPrefix(evs[0].Message, "pod Ready=True") {
		t.Fatalf("events %v", evs)
	}
	if _, err := r.SetConditions(t0.Add(6*time.Second), nil); err == nil {
		t.Fatal("SetConditions back in time: no error")
	}
}
