package conformance

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/util/flowcontrol"
	podutil "k8s.io/kubernetes/pkg/api/v1/pod"
	"k8s.io/kubernetes/pkg/kubelet/status"
	testingclock "k8s.io/utils/clock/testing"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// genStatusPod draws a pod with regular containers, sidecars and init
// containers in every state, and some readiness gates.
func genStatusPod(t *rapid.T) *corev1.Pod {
	pod := &corev1.Pod{}
	always := corev1.ContainerRestartPolicyAlways
	state := func(label string) (corev1.ContainerState, corev1.ContainerState) {
		switch rapid.IntRange(0, 4).Draw(t, label) {
		case 0:
			return corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}, corev1.ContainerState{}
		case 1:
			return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: int32(rapid.IntRange(0, 1).Draw(t, "code"))}}, corev1.ContainerState{}
		case 2:
			return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
				corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: int32(rapid.IntRange(0, 1).Draw(t, "lastCode"))}}
		case 3:
			return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}, corev1.ContainerState{}
		}
		return corev1.ContainerState{}, corev1.ContainerState{}
	}
	statusOf := func(name string) (corev1.ContainerStatus, bool) {
		if rapid.IntRange(0, 5).Draw(t, "missing") == 0 {
			return corev1.ContainerStatus{}, false
		}
		s, last := state("state")
		started := rapid.Bool().Draw(t, "started")
		return corev1.ContainerStatus{Name: name, State: s, LastTerminationState: last, Ready: rapid.Bool().Draw(t, "ready"), Started: &started}, true
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "inits") {
		c := corev1.Container{Name: fmt.Sprintf("init%d", i)}
		if rapid.Bool().Draw(t, "isSidecar") {
			c.RestartPolicy = &always
		}
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, c)
		if st, ok := statusOf(c.Name); ok {
			pod.Status.InitContainerStatuses = append(pod.Status.InitContainerStatuses, st)
		}
	}
	for i := range rapid.IntRange(1, 3).Draw(t, "containers") {
		c := corev1.Container{Name: fmt.Sprintf("c%d", i)}
		pod.Spec.Containers = append(pod.Spec.Containers, c)
		if st, ok := statusOf(c.Name); ok {
			pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, st)
		}
	}
	if rapid.IntRange(0, 4).Draw(t, "nilStatuses") == 0 {
		pod.Status.ContainerStatuses, pod.Status.InitContainerStatuses = nil, nil
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "gates") {
		gate := corev1.PodConditionType(fmt.Sprintf("example.com/gate%d", i))
		pod.Spec.ReadinessGates = append(pod.Spec.ReadinessGates, corev1.PodReadinessGate{ConditionType: gate})
		if rapid.Bool().Draw(t, "gateSet") {
			pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: gate,
				Status: rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}).Draw(t, "gateStatus")})
		}
	}
	pod.Spec.RestartPolicy = rapid.SampledFrom([]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}).Draw(t, "policy")
	return pod
}

// probe.Conditions derives Ready, ContainersReady and Initialized exactly
// as the kubelet's status.Generate* functions do.
func TestConditionsMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pod := genStatusPod(t)
		phase := rapid.SampledFrom([]corev1.PodPhase{corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed}).Draw(t, "phase")
		var statuses []corev1.ContainerStatus
		if pod.Status.ContainerStatuses != nil || pod.Status.InitContainerStatuses != nil {
			statuses = append(append([]corev1.ContainerStatus{}, pod.Status.ContainerStatuses...), pod.Status.InitContainerStatuses...)
		}
		old := pod.Status.DeepCopy()
		want := map[corev1.PodConditionType]corev1.PodCondition{
			corev1.PodReady:        status.GeneratePodReadyCondition(pod, old, pod.Status.Conditions, statuses, phase),
			corev1.ContainersReady: status.GenerateContainersReadyCondition(pod, old, statuses, phase),
			corev1.PodInitialized:  status.GeneratePodInitializedCondition(pod, old, statuses, phase),
		}
		for _, c := range probe.Conditions(pod, phase, true, t0) {
			w, ok := want[c.Type]
			if !ok {
				continue
			}
			if c.Status != w.Status || c.Reason != w.Reason || c.Message != w.Message {
				t.Fatalf("%s = %s/%s/%q, upstream %s/%s/%q", c.Type, c.Status, c.Reason, c.Message, w.Status, w.Reason, w.Message)
			}
		}
	})
}

// probe.ShouldRestart is podutil.ContainerShouldRestart.
func TestShouldRestartMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := corev1.Container{Name: "c"}
		if rapid.Bool().Draw(t, "own") {
			c.RestartPolicy = ptr(rapid.SampledFrom([]corev1.ContainerRestartPolicy{"Always", "OnFailure", "Never", "Sometimes"}).Draw(t, "ownPolicy"))
		}
		for range rapid.IntRange(0, 3).Draw(t, "rules") {
			r := corev1.ContainerRestartRule{Action: rapid.SampledFrom([]corev1.ContainerRestartRuleAction{"Restart", "RestartAllContainers", "Other"}).Draw(t, "action")}
			if rapid.IntRange(0, 4).Draw(t, "nilCodes") != 0 {
				r.ExitCodes = &corev1.ContainerRestartRuleOnExitCodes{
					Operator: rapid.SampledFrom([]corev1.ContainerRestartRuleOnExitCodesOperator{"In", "NotIn", "Bad"}).Draw(t, "op"),
					Values:   rapid.SliceOfN(rapid.Int32Range(0, 3), 0, 3).Draw(t, "codes"),
				}
			}
			c.RestartPolicyRules = append(c.RestartPolicyRules, r)
		}
		spec := corev1.PodSpec{RestartPolicy: rapid.SampledFrom([]corev1.RestartPolicy{"", "Always", "OnFailure", "Never"}).Draw(t, "podPolicy")}
		code := rapid.Int32Range(0, 3).Draw(t, "exit")
		if got, want := probe.ShouldRestart(&c, spec.RestartPolicy, code), podutil.ContainerShouldRestart(c, spec, code); got != want {
			t.Fatalf("ShouldRestart = %v, upstream %v (%+v, pod %q, exit %d)", got, want, c, spec.RestartPolicy, code)
		}
	})
}

// probe.Backoff makes the decisions of client-go's flowcontrol.Backoff
// configured as the kubelet configures it (10 s, 300 s, reset after more
// than 600 s) and driven as the kubelet's doBackOff drives it, with its
// housekeeping GC before each decision.
func TestBackoffMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clock := testingclock.NewFakeClock(t0)
		up := flowcontrol.NewFakeBackOff(probe.BackoffInitial, probe.BackoffMax, clock)
		up.HasExpiredFunc = func(eventTime, lastUpdate time.Time, _ time.Duration) bool {
			return eventTime.Sub(lastUpdate) > 600*time.Second
		}
		var ours probe.Backoff
		now := t0
		for i := range rapid.IntRange(1, 20).Draw(t, "decisions") {
			now = now.Add(time.Duration(rapid.IntRange(0, 700).Draw(t, "advance")) * time.Second)
			clock.SetTime(now)
			hasPrev := rapid.IntRange(0, 5).Draw(t, "hasPrev") != 0
			prev := now.Add(-time.Duration(rapid.IntRange(0, 700).Draw(t, "sinceExit")) * time.Second)
			start, retryAt, delay := ours.Decide(now, prev, hasPrev)

			wantStart := true
			if hasPrev {
				up.GC()
				if up.IsInBackOffSince("c", prev) {
					wantStart = false
				} else {
					up.Next("c", prev)
				}
			}
			if start != wantStart {
				t.Fatalf("decision %d at %v: start %v, upstream %v", i, now.Sub(t0), start, wantStart)
			}
			if got, want := delay, up.Get("c"); hasPrev && got != want {
				t.Fatalf("decision %d: delay %v, upstream %v", i, got, want)
			}
			if !start && !retryAt.Equal(prev.Add(up.Get("c"))) {
				t.Fatalf("decision %d: retry at %v, upstream %v", i, retryAt, prev.Add(up.Get("c")))
			}
		}
	})
}
