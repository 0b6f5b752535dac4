package conformance

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/util/flowcontrol"
	"k8s.io/component-base/featuregate"
	featuregatetesting "k8s.io/component-base/featuregate/testing"
	podutil "k8s.io/kubernetes/pkg/api/v1/pod"
	kfeatures "k8s.io/kubernetes/pkg/features"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/kubelet/prober/results"
	"k8s.io/kubernetes/pkg/kubelet/status"
	testingclock "k8s.io/utils/clock/testing"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/probe"
)

// Rule 14: probe.Result.String is results.Result.String.
func TestKubeletResultStringMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.IntRange(-128, 127).Draw(t, "result")
		if got, want := probe.Result(int8(v)).String(), results.Result(v).String(); got != want {
			t.Fatalf("Result(%d) = %q, upstream %q", v, got, want)
		}
	})
}

// features.Default is v1.37.2's default of every gate it knows, as
// pkg/features registers it in the default feature gate.
func TestKubeletFeatureDefaultsMatchUpstream(t *testing.T) {
	for gate, on := range features.Default() {
		if want := utilfeature.DefaultFeatureGate.Enabled(featuregate.Feature(gate)); on != want {
			t.Errorf("%s = %v, upstream default %v", gate, on, want)
		}
	}
	if err := (features.Gates{features.ContainerRestartRules: false}).Validate(); err == nil {
		t.Error("RestartAllContainersOnContainerExits on without ContainerRestartRules validates")
	}
}

// Rule 16: the housekeeping's GC every 2 s and doBackOff's check against
// client-go's flowcontrol.Backoff as the kubelet configures and drives it
// (GC at each housekeeping tick, IsInBackOffSince then Next at a sync).
func TestKubeletBackoffHousekeepingMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clock := testingclock.NewFakeClock(t0)
		initial, maxDelay := probe.CrashLoopBackOff(nil, time.Duration(rapid.IntRange(0, 400).Draw(t, "maxRestart"))*time.Second)
		up := flowcontrol.NewFakeBackOff(initial, maxDelay, clock)
		up.HasExpiredFunc = func(eventTime, lastUpdate time.Time, _ time.Duration) bool {
			return eventTime.Sub(lastUpdate) > 600*time.Second
		}
		ours := probe.Backoff{Initial: initial, Max: maxDelay}
		now, lastGC := t0, t0
		for i := range rapid.IntRange(1, 12).Draw(t, "syncs") {
			now = now.Add(time.Duration(rapid.IntRange(0, 400_000).Draw(t, "advanceMs")) * time.Millisecond)
			// Upstream: housekeeping at every 2 s tick up to now.
			for tick := lastGC.Add(probe.HousekeepingPeriod); !tick.After(now); tick = tick.Add(probe.HousekeepingPeriod) {
				clock.SetTime(tick)
				up.GC()
				lastGC = tick
			}
			clock.SetTime(now)
			prev := now.Add(-time.Duration(rapid.IntRange(0, 700_000).Draw(t, "sinceExitMs")) * time.Millisecond)
			ours.GC(lastGC)
			start, retryAt, delay := ours.Check(now, prev, true)
			wantStart := !up.IsInBackOffSince("c", prev)
			if wantStart {
				up.Next("c", prev)
			}
			if start != wantStart || delay != up.Get("c") {
				t.Fatalf("sync %d at %v: start %v delay %v, upstream %v %v", i, now.Sub(t0), start, delay, wantStart, up.Get("c"))
			}
			if !start && !retryAt.Equal(prev.Add(up.Get("c"))) {
				t.Fatalf("sync %d: retry at %v, upstream %v", i, retryAt, prev.Add(up.Get("c")))
			}
		}
	})
}

func genRestartContainer(t *rapid.T) corev1.Container {
	c := corev1.Container{Name: "c"}
	if rapid.Bool().Draw(t, "own") {
		c.RestartPolicy = ptr(rapid.SampledFrom([]corev1.ContainerRestartPolicy{"Always", "OnFailure", "Never"}).Draw(t, "ownPolicy"))
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
	return c
}

// Rule 15: ShouldRestartWith and RestartsAllContainers against
// podutil.ContainerShouldRestart and kubecontainer.ShouldAllContainersRestart,
// with RestartAllContainersOnContainerExits on (default) and off.
func TestKubeletRestartRulesMatchUpstream(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("RestartAllContainersOnContainerExits=%t", on), func(tt *testing.T) {
			featuregatetesting.SetFeatureGateDuringTest(tt, utilfeature.DefaultFeatureGate, kfeatures.RestartAllContainersOnContainerExits, on)
			gates := features.Gates{features.RestartAllContainersOnContainerExits: on}
			rapid.Check(tt, func(t *rapid.T) {
				c := genRestartContainer(t)
				spec := corev1.PodSpec{RestartPolicy: rapid.SampledFrom([]corev1.RestartPolicy{"", "Always", "OnFailure", "Never"}).Draw(t, "podPolicy"), Containers: []corev1.Container{c}}
				code := rapid.Int32Range(0, 3).Draw(t, "exit")
				if got, want := probe.ShouldRestartWith(&c, spec.RestartPolicy, code, gates), podutil.ContainerShouldRestart(c, spec, code); got != want {
					t.Fatalf("ShouldRestartWith = %v, upstream %v (%+v, pod %q, exit %d)", got, want, c, spec.RestartPolicy, code)
				}
				pod := &corev1.Pod{Spec: spec}
				api := &corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "c", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}}}
				// Upstream's helper does not look at the gate; the kubelet
				// calls it only with the gate on.
				want := on && kubecontainer.ShouldAllContainersRestart(pod, nil, api)
				if got := probe.RestartsAllContainers(&c, code, gates); got != want {
					t.Fatalf("RestartsAllContainers = %v, upstream %v (%+v, exit %d)", got, want, c, code)
				}
			})
		})
	}
}

// Rule 17: the Ready condition of a pod with readiness gates, after
// Runner.SetConditions handed the kubelet the API's conditions, is
// status.GeneratePodReadyCondition's.
func TestKubeletReadinessGatesMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pod := &corev1.Pod{}
		pod.Name, pod.Namespace, pod.UID = "p", "default", "2f7c1e1a-0000-4000-8000-000000000030"
		pod.Spec.Containers = []corev1.Container{{Name: "c", Image: "busybox"}}
		var conds []corev1.PodCondition
		for i := range rapid.IntRange(0, 3).Draw(t, "gates") {
			gate := corev1.PodConditionType(fmt.Sprintf("example.com/gate%d", i))
			pod.Spec.ReadinessGates = append(pod.Spec.ReadinessGates, corev1.PodReadinessGate{ConditionType: gate})
			if rapid.IntRange(0, 3).Draw(t, "gateSet") != 0 {
				conds = append(conds, corev1.PodCondition{Type: gate,
					Status: rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}).Draw(t, "gateStatus")})
			}
		}
		r, err := probe.NewRunner(probe.Scenario{Pod: pod}, t0)
		if err != nil {
			t.Fatal(err)
		}
		end := t0.Add(time.Second)
		for {
			at, ok := r.NextAt()
			if !ok || at.After(end) {
				break
			}
			if _, err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.SetConditions(end, conds); err != nil {
			t.Fatal(err)
		}
		st := r.Status(end)
		var got corev1.PodCondition
		for _, c := range st.Conditions {
			if c.Type == corev1.PodReady {
				got = c
			}
		}
		withStatus := pod.DeepCopy()
		withStatus.Status = st
		want := status.GeneratePodReadyCondition(withStatus, &st, conds, st.ContainerStatuses, st.Phase)
		if got.Status != want.Status || got.Reason != want.Reason || got.Message != want.Message {
			t.Fatalf("Ready = %s/%s/%q, upstream %s/%s/%q", got.Status, got.Reason, got.Message, want.Status, want.Reason, want.Message)
		}
	})
}
