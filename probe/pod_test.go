package probe_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
)

func running() corev1.ContainerState {
	return corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
}

func terminated(code int32) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func podWith(policy corev1.RestartPolicy, statuses ...corev1.ContainerStatus) *corev1.Pod {
	pod := &corev1.Pod{Spec: corev1.PodSpec{RestartPolicy: policy}}
	for _, st := range statuses {
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: st.Name})
		if st.Name != "missing" {
			pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, st)
		}
	}
	return pod
}

func TestPhase(t *testing.T) {
	crashed := corev1.ContainerStatus{Name: "a", State: waiting("CrashLoopBackOff"), LastTerminationState: terminated(1)}
	cases := []struct {
		rule string
		pod  *corev1.Pod
		want corev1.PodPhase
	}{
		{"P15.2.3 running", podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: running()}), corev1.PodRunning},
		{"P15.2.2 waiting without a last termination: Pending", podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: waiting("ContainerCreating")}), corev1.PodPending},
		{"P15.2 CrashLoopBackOff keeps the pod Running", podWith(corev1.RestartPolicyAlways, crashed), corev1.PodRunning},
		{"P15.2.4 Always, all exited: Running", podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: terminated(0)}), corev1.PodRunning},
		{"P15.2.4 OnFailure, all exited 0: Succeeded", podWith(corev1.RestartPolicyOnFailure, corev1.ContainerStatus{Name: "a", State: terminated(0)}), corev1.PodSucceeded},
		{"P15.2.4 OnFailure with a failure: Running", podWith(corev1.RestartPolicyOnFailure, corev1.ContainerStatus{Name: "a", State: terminated(2)}), corev1.PodRunning},
		{"P15.2.4 Never with a failure: Failed", podWith(corev1.RestartPolicyNever, corev1.ContainerStatus{Name: "a", State: terminated(0)}, corev1.ContainerStatus{Name: "b", State: terminated(1)}), corev1.PodFailed},
		{"P15.2.5 an unknown status: Pending", podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: terminated(0)}, corev1.ContainerStatus{Name: "missing"}), corev1.PodPending},
		{"P15.2.3 running with an unknown: Pending", podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: running()}, corev1.ContainerStatus{Name: "missing"}), corev1.PodPending},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := probe.Phase(c.pod, false, true); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
	t.Run("P15.2.4 terminal pod: Failed unless all succeeded", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: terminated(137)})
		if got := probe.Phase(pod, true, true); got != corev1.PodFailed {
			t.Errorf("got %s", got)
		}
	})
	t.Run("P15.2.1 failed init container that will not restart: Failed", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyNever, corev1.ContainerStatus{Name: "a", State: waiting("PodInitializing")})
		pod.Spec.InitContainers = []corev1.Container{{Name: "init"}}
		pod.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", State: terminated(1)}}
		if got := probe.Phase(pod, false, false); got != corev1.PodFailed {
			t.Errorf("got %s", got)
		}
	})
	t.Run("P15.2.2 pending init container: Pending", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: waiting("PodInitializing")})
		pod.Spec.InitContainers = []corev1.Container{{Name: "init"}}
		pod.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", State: running()}}
		if got := probe.Phase(pod, false, false); got != corev1.PodPending {
			t.Errorf("got %s", got)
		}
	})
}

func cond(conds []corev1.PodCondition, t corev1.PodConditionType) corev1.PodCondition {
	for _, c := range conds {
		if c.Type == t {
			return c
		}
	}
	return corev1.PodCondition{}
}

func TestConditions(t *testing.T) {
	now := at(100)
	t.Run("P16.1 unready and unknown containers", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: running()}, corev1.ContainerStatus{Name: "missing"}, corev1.ContainerStatus{Name: "b", State: running(), Ready: true})
		cs := probe.Conditions(pod, corev1.PodPending, true, now)
		cr := cond(cs, corev1.ContainersReady)
		if cr.Status != corev1.ConditionFalse || cr.Reason != "ContainersNotReady" || cr.Message != "containers with unknown status: [missing], containers with unready status: [a]" {
			t.Errorf("ContainersReady = %+v", cr)
		}
		if r := cond(cs, corev1.PodReady); r.Reason != cr.Reason || r.Message != cr.Message {
			t.Errorf("P16.2 Ready copies ContainersReady: %+v", r)
		}
	})
	t.Run("P16.1 no statuses", func(t *testing.T) {
		pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}}}}
		if c := cond(probe.Conditions(pod, corev1.PodPending, true, now), corev1.ContainersReady); c.Reason != "UnknownContainerStatuses" {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("P16.2 readiness gates", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: running(), Ready: true})
		pod.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "example.com/dns"}}
		pod.Status.Conditions = []corev1.PodCondition{{Type: "example.com/dns", Status: corev1.ConditionFalse}}
		cs := probe.Conditions(pod, corev1.PodRunning, true, now)
		r := cond(cs, corev1.PodReady)
		want := `corresponding condition of pod readiness gate "example.com/lb" does not exist., the status of pod readiness gate "example.com/dns" is not "True", but False`
		if r.Status != corev1.ConditionFalse || r.Reason != "ReadinessGatesNotReady" || r.Message != want {
			t.Errorf("Ready = %+v", r)
		}
		if cs[0].Type != "example.com/dns" {
			t.Errorf("conditions owned by others come first and stay: %v", cs[0].Type)
		}
	})
	t.Run("P16.4 terminal phase", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyNever, corev1.ContainerStatus{Name: "a", State: terminated(1)})
		cs := probe.Conditions(pod, corev1.PodFailed, false, now)
		if r := cond(cs, corev1.PodReady); r.Status != corev1.ConditionFalse || r.Reason != "PodFailed" {
			t.Errorf("Ready = %+v", r)
		}
		if c := cond(cs, corev1.ContainersReady); c.Reason != "PodFailed" {
			t.Errorf("ContainersReady = %+v", c)
		}
	})
	t.Run("P16.5 lastTransitionTime kept while the status holds", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: running(), Ready: true})
		earlier := metav1.NewTime(at(10))
		pod.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: earlier},
			{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, LastTransitionTime: earlier},
		}
		cs := probe.Conditions(pod, corev1.PodRunning, true, now.Add(500_000_000))
		if r := cond(cs, corev1.PodReady); !r.LastTransitionTime.Equal(&earlier) {
			t.Errorf("Ready kept True: transition %v, want %v", r.LastTransitionTime, earlier)
		}
		if c := cond(cs, corev1.ContainersReady); !c.LastTransitionTime.Time.Equal(now) {
			t.Errorf("ContainersReady changed: transition %v, want %v (truncated to seconds)", c.LastTransitionTime, now)
		}
		want := []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.PodReady, corev1.ContainersReady, corev1.PodScheduled}
		for i, c := range cs {
			if c.Type != want[i] {
				t.Errorf("condition %d is %s, want %s", i, c.Type, want[i])
			}
		}
	})
	t.Run("P16.3 init containers incomplete", func(t *testing.T) {
		pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "a", State: waiting("PodInitializing")})
		pod.Spec.InitContainers = []corev1.Container{{Name: "init"}}
		pod.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", State: running()}}
		c := cond(probe.Conditions(pod, corev1.PodPending, true, now), corev1.PodInitialized)
		if c.Status != corev1.ConditionFalse || c.Reason != "ContainersNotInitialized" || c.Message != "containers with incomplete status: [init]" {
			t.Errorf("Initialized = %+v", c)
		}
	})
}

func TestEndpoint(t *testing.T) {
	ready := []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	notReady := []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}}
	mk := func(phase corev1.PodPhase, ip string, conds []corev1.PodCondition, deleting bool) *corev1.Pod {
		p := &corev1.Pod{Status: corev1.PodStatus{Phase: phase, PodIP: ip, Conditions: conds}}
		if deleting {
			now := metav1.NewTime(t0)
			p.DeletionTimestamp = &now
		}
		return p
	}
	cases := []struct {
		rule  string
		pod   *corev1.Pod
		want  probe.Endpoint
		addr  bool
		addrR bool
	}{
		{"P18.2 ready pod", mk(corev1.PodRunning, "10.0.0.1", ready, false), probe.Endpoint{Included: true, Ready: true, Serving: true}, true, true},
		{"P18.2 not-ready pod: listed, not ready", mk(corev1.PodRunning, "10.0.0.1", notReady, false), probe.Endpoint{Included: true}, true, false},
		{"P18.2 terminating pod: serving, not ready", mk(corev1.PodRunning, "10.0.0.1", ready, true), probe.Endpoint{Included: true, Serving: true, Terminating: true}, false, false},
		{"P18.2 no IP", mk(corev1.PodRunning, "", ready, false), probe.Endpoint{}, false, false},
		{"P18.2 succeeded", mk(corev1.PodSucceeded, "10.0.0.1", ready, false), probe.Endpoint{}, false, false},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := probe.EndpointOf(c.pod, false); got != c.want {
				t.Errorf("EndpointOf = %+v, want %+v", got, c.want)
			}
			if in, r := probe.AddressOf(c.pod, false); in != c.addr || r != c.addrR {
				t.Errorf("P18.3 AddressOf = %v %v, want %v %v", in, r, c.addr, c.addrR)
			}
		})
	}
	if e := probe.EndpointOf(mk(corev1.PodRunning, "10.0.0.1", notReady, true), true); !e.Ready {
		t.Error("P18.2 publishNotReadyAddresses makes every endpoint ready")
	}
}
