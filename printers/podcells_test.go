package printers

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podCellCase is one pod and its READY, STATUS and RESTARTS cells, as
// upstream's printPod computes them (checked the same way as tableCase).
type podCellCase struct {
	name                    string // the rule, then the situation
	pod                     *corev1.Pod
	ready, status, restarts string
}

func running() corev1.ContainerState {
	return corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func terminated(reason string, code int32) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code}}
}

func finished(at metav1.Time) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 1, FinishedAt: at}}
}

func cond(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
	return corev1.PodCondition{Type: t, Status: s}
}

// pod builds a pod with the given containers (by name) and statuses.
func pod(phase corev1.PodPhase, containers []string, statuses ...corev1.ContainerStatus) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c})
	}
	p.Status.Phase = phase
	p.Status.ContainerStatuses = statuses
	return p
}

func with(p *corev1.Pod, f func(*corev1.Pod)) *corev1.Pod {
	f(p)
	return p
}

func podCellCases(now time.Time) []podCellCase {
	always := corev1.ContainerRestartPolicyAlways
	yes := true
	one := []string{"main"}
	readyRunning := corev1.ContainerStatus{Name: "main", Ready: true, State: running()}
	withInit := func(p *corev1.Pod, sidecar bool, statuses ...corev1.ContainerStatus) *corev1.Pod {
		c := corev1.Container{Name: "init"}
		if sidecar {
			c.RestartPolicy = &always
		}
		p.Spec.InitContainers = []corev1.Container{c}
		p.Status.InitContainerStatuses = statuses
		return p
	}
	return []podCellCase{
		{name: "RS-14.5 Pending without statuses shows the phase",
			pod: pod(corev1.PodPending, one), ready: "0/1", status: "Pending", restarts: "0"},
		{name: "RS-14.5 no phase at all prints an empty STATUS",
			pod: pod("", nil), ready: "0/0", status: "", restarts: "0"},
		{name: "RS-14.5 ContainerCreating is the waiting reason",
			pod:   pod(corev1.PodPending, one, corev1.ContainerStatus{Name: "main", State: waiting("ContainerCreating")}),
			ready: "0/1", status: "ContainerCreating", restarts: "0"},
		{name: "RS-14.5 Running and ready",
			pod: pod(corev1.PodRunning, one, readyRunning), ready: "1/1", status: "Running", restarts: "0"},
		{name: "RS-14.5 running but not ready counts 0 ready",
			pod:   pod(corev1.PodRunning, one, corev1.ContainerStatus{Name: "main", State: running()}),
			ready: "0/1", status: "Running", restarts: "0"},
		{name: "RS-14.5 CrashLoopBackOff with restarts and the time of the last one",
			pod: pod(corev1.PodRunning, one, corev1.ContainerStatus{Name: "main", RestartCount: 3, State: waiting("CrashLoopBackOff"),
				LastTerminationState: finished(ago(now, 45*time.Second))}),
			ready: "0/1", status: "CrashLoopBackOff", restarts: "3 (45s ago)"},
		{name: "RS-14.5 restarts without a known last termination print the count alone",
			pod:   pod(corev1.PodRunning, one, corev1.ContainerStatus{Name: "main", Ready: true, RestartCount: 2, State: running()}),
			ready: "1/1", status: "Running", restarts: "2"},
		{name: "RS-14.5 RESTARTS sums containers, the latest termination wins",
			pod: pod(corev1.PodRunning, []string{"a", "b"},
				corev1.ContainerStatus{Name: "a", Ready: true, RestartCount: 1, State: running(), LastTerminationState: finished(ago(now, 10*time.Minute))},
				corev1.ContainerStatus{Name: "b", Ready: true, RestartCount: 4, State: running(), LastTerminationState: finished(ago(now, 312*time.Second))}),
			ready: "2/2", status: "Running", restarts: "5 (5m12s ago)"},
		{name: "RS-14.5 Completed after a successful run",
			pod:   pod(corev1.PodSucceeded, one, corev1.ContainerStatus{Name: "main", State: terminated("Completed", 0)}),
			ready: "0/1", status: "Completed", restarts: "0"},
		{name: "RS-14.5 Error after a failed run",
			pod:   pod(corev1.PodFailed, one, corev1.ContainerStatus{Name: "main", State: terminated("Error", 1)}),
			ready: "0/1", status: "Error", restarts: "0"},
		{name: "RS-14.5 a terminated state without a reason shows the exit code",
			pod:   pod(corev1.PodFailed, one, corev1.ContainerStatus{Name: "main", State: terminated("", 2)}),
			ready: "0/1", status: "ExitCode:2", restarts: "0"},
		{name: "RS-14.5 or the signal",
			pod: pod(corev1.PodFailed, one, corev1.ContainerStatus{Name: "main",
				State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Signal: 9}}}),
			ready: "0/1", status: "Signal:9", restarts: "0"},
		{name: "RS-14.5 the first container's state is shown",
			pod: pod(corev1.PodPending, []string{"a", "b"},
				corev1.ContainerStatus{Name: "a", State: waiting("ErrImagePull")},
				corev1.ContainerStatus{Name: "b", State: waiting("ContainerCreating")}),
			ready: "0/2", status: "ErrImagePull", restarts: "0"},
		{name: "RS-14.5 Completed with another container ready and the pod Ready is Running",
			pod: with(pod(corev1.PodRunning, []string{"a", "b"},
				corev1.ContainerStatus{Name: "a", State: terminated("Completed", 0)},
				corev1.ContainerStatus{Name: "b", Ready: true, State: running()}),
				func(p *corev1.Pod) {
					p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, corev1.ConditionTrue)}
				}),
			ready: "1/2", status: "Running", restarts: "0"},
		{name: "RS-14.5 Completed with another container running but the pod not Ready is NotReady",
			pod: pod(corev1.PodRunning, []string{"a", "b"},
				corev1.ContainerStatus{Name: "a", State: terminated("Completed", 0)},
				corev1.ContainerStatus{Name: "b", Ready: true, State: running()}),
			ready: "1/2", status: "NotReady", restarts: "0"},
		{name: "RS-14.5 Completed while another container failed shows the failure",
			pod: pod(corev1.PodRunning, []string{"a", "b"},
				corev1.ContainerStatus{Name: "a", State: terminated("Completed", 0)},
				corev1.ContainerStatus{Name: "b", State: terminated("OOMKilled", 137)}),
			ready: "0/2", status: "OOMKilled", restarts: "0"},
		{name: "RS-14.5 Terminating once a deletionTimestamp is set",
			pod:   with(pod(corev1.PodRunning, one, readyRunning), func(p *corev1.Pod) { p.DeletionTimestamp = agoPtr(now, time.Second) }),
			ready: "1/1", status: "Terminating", restarts: "0"},
		{name: "RS-14.5 not Terminating when already Succeeded",
			pod: with(pod(corev1.PodSucceeded, one, corev1.ContainerStatus{Name: "main", State: terminated("Completed", 0)}),
				func(p *corev1.Pod) { p.DeletionTimestamp = agoPtr(now, time.Second) }),
			ready: "0/1", status: "Completed", restarts: "0"},
		{name: "RS-14.5 not Terminating when already Failed",
			pod: with(pod(corev1.PodFailed, one, corev1.ContainerStatus{Name: "main", State: terminated("Error", 1)}),
				func(p *corev1.Pod) { p.DeletionTimestamp = agoPtr(now, time.Second) }),
			ready: "0/1", status: "Error", restarts: "0"},
		{name: "RS-14.5 status.reason Evicted replaces the phase",
			pod:   with(pod(corev1.PodFailed, one), func(p *corev1.Pod) { p.Status.Reason = "Evicted" }),
			ready: "0/1", status: "Evicted", restarts: "0"},
		{name: "RS-14.5 NodeLost alone shows the reason, running containers do not replace it",
			pod:   with(pod(corev1.PodRunning, one, readyRunning), func(p *corev1.Pod) { p.Status.Reason = "NodeLost" }),
			ready: "1/1", status: "NodeLost", restarts: "0"},
		{name: "RS-14.5 NodeLost while being deleted is Unknown",
			pod: with(pod(corev1.PodRunning, one), func(p *corev1.Pod) {
				p.Status.Reason = "NodeLost"
				p.DeletionTimestamp = agoPtr(now, time.Minute)
			}),
			ready: "0/1", status: "Unknown", restarts: "0"},
		{name: "RS-14.5 SchedulingGated",
			pod: with(pod(corev1.PodPending, one), func(p *corev1.Pod) {
				p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated}}
			}),
			ready: "0/1", status: "SchedulingGated", restarts: "0"},
		{name: "RS-14.5 Init:0/1 while the init container runs",
			pod: withInit(pod(corev1.PodPending, one, corev1.ContainerStatus{Name: "main", State: waiting("PodInitializing")}), false,
				corev1.ContainerStatus{Name: "init", State: running()}),
			ready: "0/1", status: "Init:0/1", restarts: "0"},
		{name: "RS-14.5 Init:0/1 while it waits for PodInitializing",
			pod:   withInit(pod(corev1.PodPending, one), false, corev1.ContainerStatus{Name: "init", State: waiting("PodInitializing")}),
			ready: "0/1", status: "Init:0/1", restarts: "0"},
		{name: "RS-14.5 Init:<reason> for a waiting init container, with its restarts",
			pod: withInit(pod(corev1.PodPending, one), false, corev1.ContainerStatus{Name: "init", RestartCount: 2, State: waiting("CrashLoopBackOff"),
				LastTerminationState: finished(ago(now, 20*time.Second))}),
			ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "2 (20s ago)"},
		{name: "RS-14.5 Init:Error for a failed init container",
			pod:   withInit(pod(corev1.PodPending, one), false, corev1.ContainerStatus{Name: "init", State: terminated("Error", 1)}),
			ready: "0/1", status: "Init:Error", restarts: "0"},
		{name: "RS-14.5 Init:ExitCode:<n> without a reason",
			pod:   withInit(pod(corev1.PodPending, one), false, corev1.ContainerStatus{Name: "init", State: terminated("", 3)}),
			ready: "0/1", status: "Init:ExitCode:3", restarts: "0"},
		{name: "RS-14.5 a finished init container lets the containers show",
			pod:   withInit(pod(corev1.PodRunning, one, readyRunning), false, corev1.ContainerStatus{Name: "init", State: terminated("Completed", 0)}),
			ready: "1/1", status: "Running", restarts: "0"},
		{name: "RS-14.5 a started sidecar counts in READY and does not hold up the pod",
			pod: withInit(pod(corev1.PodRunning, one, readyRunning), true,
				corev1.ContainerStatus{Name: "init", Ready: true, Started: &yes, RestartCount: 1, State: running(), LastTerminationState: finished(ago(now, 3*time.Hour))}),
			ready: "2/2", status: "Running", restarts: "1 (3h ago)"},
		{name: "RS-14.5 a sidecar not yet started is Init:0/1",
			pod:   withInit(pod(corev1.PodPending, one), true, corev1.ContainerStatus{Name: "init", State: running()}),
			ready: "0/2", status: "Init:0/1", restarts: "0"},
		{name: "RS-14.5 Initialized True counts the containers while an init status lags, Init:0/1 stays",
			pod: with(withInit(pod(corev1.PodRunning, one, readyRunning), false, corev1.ContainerStatus{Name: "init", RestartCount: 1, State: running()}),
				func(p *corev1.Pod) {
					p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodInitialized, corev1.ConditionTrue)}
				}),
			ready: "1/1", status: "Init:0/1", restarts: "0"},
		{name: "RS-14.5 a restart in the future prints <invalid>",
			pod: pod(corev1.PodRunning, one, corev1.ContainerStatus{Name: "main", RestartCount: 1, State: waiting("CrashLoopBackOff"),
				LastTerminationState: finished(metav1.NewTime(now.Add(time.Minute)))}),
			ready: "0/1", status: "CrashLoopBackOff", restarts: "1 (<invalid> ago)"},
	}
}
