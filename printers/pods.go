package printers

import (
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pods prints `kubectl get pods`: NAME READY STATUS RESTARTS AGE, and with
// o.Wide also IP NODE NOMINATED NODE READINESS GATES. Rows are printed in
// the order given (kubectl shows the server's order: by namespace, then
// name); nil entries are skipped. An empty list gives "" — print
// NoResources to stderr instead, as kubectl does.
func Pods(pods []*corev1.Pod, now time.Time, o Options) string {
	return podsTable(pods, now, o).render(o)
}

func podsTable(pods []*corev1.Pod, now time.Time, o Options) tbl {
	header := []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}
	if o.Wide {
		header = append(header, "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
	}
	var rows []row
	for _, p := range pods {
		if p == nil {
			continue
		}
		s := summarizePod(p)
		cells := []string{p.Name, s.readyString(), s.status, s.restartsString(now), age(p.CreationTimestamp, now)}
		if o.Wide {
			cells = append(cells,
				orNone(podIP(p)),
				orNone(p.Spec.NodeName),
				orNone(p.Status.NominatedNodeName),
				readinessGates(p))
		}
		rows = append(rows, row{namespace: p.Namespace, labels: p.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

// PodStatus is the STATUS cell of a pod (RS-14.5), decided in this order,
// each step overriding the one before:
//
//  1. the phase, or status.reason when set (e.g. Evicted);
//  2. SchedulingGated while a PodScheduled condition has that reason;
//  3. the first init container that has not finished: Init:<reason> for
//     a failed or waiting one (Init:ExitCode:<n> / Init:Signal:<n> when a
//     failure has no reason), else Init:<i>/<n>; a sidecar (restartable
//     init container) that has started counts as finished;
//  4. unless still initializing (and the Initialized condition is not
//     True): the regular containers, the first container status winning —
//     a waiting reason (ContainerCreating, CrashLoopBackOff, …), a
//     terminated reason (Completed, Error, OOMKilled; ExitCode:<n> /
//     Signal:<n> without one); "Completed" turns into Running when a
//     container is still ready and running and the pod is Ready, into the
//     failing container's reason when one exited non-zero, or into
//     NotReady when a container still runs;
//  5. with a deletionTimestamp: Unknown if status.reason is NodeLost,
//     else Terminating unless the phase is Succeeded or Failed.
//
// A nil pod is read as an empty one.
func PodStatus(p *corev1.Pod) string {
	if p == nil {
		return ""
	}
	return summarizePod(p).status
}

// PodReady is the READY cell of a pod: containers that are ready and
// running (and started sidecars that are ready) over the number of
// containers, sidecars included, e.g. "1/1" (RS-14.5). While an init
// container is still running only ready sidecars are counted.
func PodReady(p *corev1.Pod) string {
	if p == nil {
		return "0/0"
	}
	return summarizePod(p).readyString()
}

// PodRestarts is the RESTARTS cell of a pod (RS-14.5): the sum of the
// restart counts, followed by " (<age> ago)" of the most recent
// lastState.terminated.finishedAt when the sum is not zero and such a
// time is known, e.g. "3 (45s ago)". While the pod initializes, the
// counts are those of the init containers up to the first unfinished
// one; afterwards those of the sidecars and the regular containers.
func PodRestarts(p *corev1.Pod, now time.Time) string {
	if p == nil {
		return "0"
	}
	return summarizePod(p).restartsString(now)
}

// podSummary holds the READY, STATUS and RESTARTS facts of one pod.
type podSummary struct {
	ready, total int
	status       string
	restarts     int64
	lastRestart  metav1.Time // zero when unknown
}

func (s podSummary) readyString() string {
	return fmt.Sprintf("%d/%d", s.ready, s.total)
}

func (s podSummary) restartsString(now time.Time) string {
	if s.restarts == 0 || s.lastRestart.IsZero() {
		return strconv.FormatInt(s.restarts, 10)
	}
	return fmt.Sprintf("%d (%s ago)", s.restarts, age(s.lastRestart, now))
}

// restartTally adds up restart counts and remembers the latest finish of
// a previous run.
type restartTally struct {
	count int64
	last  metav1.Time
}

func (t *restartTally) add(cs *corev1.ContainerStatus) {
	t.count += int64(cs.RestartCount)
	if prev := cs.LastTerminationState.Terminated; prev != nil && t.last.Time.Before(prev.FinishedAt.Time) {
		t.last = prev.FinishedAt
	}
}

func summarizePod(p *corev1.Pod) podSummary {
	st := &p.Status
	s := podSummary{total: len(p.Spec.Containers), status: string(st.Phase)}
	if st.Reason != "" {
		s.status = st.Reason
	}
	for _, c := range st.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			s.status = corev1.PodReasonSchedulingGated
		}
	}

	// Init containers are looked up by name; with repeated names the
	// last one wins, as with upstream's map.
	initSpec := make(map[string]*corev1.Container, len(p.Spec.InitContainers))
	for i := range p.Spec.InitContainers {
		c := &p.Spec.InitContainers[i]
		initSpec[c.Name] = c
		if isSidecar(c) {
			s.total++
		}
	}

	var all, sidecars restartTally
	initializing := false
	for i := range st.InitContainerStatuses {
		cs := &st.InitContainerStatuses[i]
		sidecar := isSidecar(initSpec[cs.Name])
		all.add(cs)
		if sidecar {
			sidecars.add(cs)
		}
		if t := cs.State.Terminated; t != nil && t.ExitCode == 0 {
			continue // finished
		}
		if sidecar && cs.Started != nil && *cs.Started {
			if cs.Ready {
				s.ready++
			}
			continue // a started sidecar does not hold up the pod
		}
		initializing = true
		switch w := cs.State.Waiting; {
		case cs.State.Terminated != nil:
			s.status = "Init:" + terminatedReason(cs.State.Terminated)
		case w != nil && w.Reason != "" && w.Reason != "PodInitializing":
			s.status = "Init:" + w.Reason
		default:
			s.status = fmt.Sprintf("Init:%d/%d", i, len(p.Spec.InitContainers))
		}
		break
	}
	s.restarts, s.lastRestart = all.count, all.last

	if !initializing || conditionTrue(st.Conditions, corev1.PodInitialized) {
		tally := sidecars
		running := false
		failed := ""
		// Walk backwards so that the first container status is the one
		// whose state is shown.
		for i := len(st.ContainerStatuses) - 1; i >= 0; i-- {
			cs := &st.ContainerStatuses[i]
			tally.add(cs)
			switch {
			case cs.State.Waiting != nil && cs.State.Waiting.Reason != "":
				s.status = cs.State.Waiting.Reason
			case cs.State.Terminated != nil:
				s.status = terminatedReason(cs.State.Terminated)
				if cs.State.Terminated.ExitCode != 0 {
					failed = s.status
				}
			case cs.Ready && cs.State.Running != nil:
				running = true
				s.ready++
			}
		}
		s.restarts, s.lastRestart = tally.count, tally.last
		if s.status == "Completed" {
			switch {
			case running && anyConditionTrue(st.Conditions, corev1.PodReady):
				s.status = "Running"
			case failed != "":
				s.status = failed
			case running:
				s.status = "NotReady"
			}
		}
	}

	if p.DeletionTimestamp != nil {
		switch {
		case st.Reason == "NodeLost":
			s.status = "Unknown"
		case st.Phase != corev1.PodSucceeded && st.Phase != corev1.PodFailed:
			s.status = "Terminating"
		}
	}
	return s
}

// terminatedReason names a terminated state: its reason, else the
// signal, else the exit code.
func terminatedReason(t *corev1.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return fmt.Sprintf("Signal:%d", t.Signal)
	default:
		return fmt.Sprintf("ExitCode:%d", t.ExitCode)
	}
}

// anyConditionTrue reports whether some condition of type t is True.
func anyConditionTrue(conds []corev1.PodCondition, t corev1.PodConditionType) bool {
	for _, c := range conds {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// isSidecar reports whether an init container is restartable
// (restartPolicy Always).
func isSidecar(c *corev1.Container) bool {
	return c != nil && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// conditionTrue reports whether the first condition of type t is True.
func conditionTrue(conds []corev1.PodCondition, t corev1.PodConditionType) bool {
	for _, c := range conds {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podIP is the pod's first IP. The apiserver keeps status.podIP and
// status.podIPs[0] equal (podIP wins when they differ), so either is read.
func podIP(p *corev1.Pod) string {
	if p.Status.PodIP != "" {
		return p.Status.PodIP
	}
	if len(p.Status.PodIPs) > 0 {
		return p.Status.PodIPs[0].IP
	}
	return ""
}

// readinessGates is "<true>/<gates>" over the pod's readiness gates, a
// gate being true when the first condition of its type is True; "<none>"
// without gates.
func readinessGates(p *corev1.Pod) string {
	if len(p.Spec.ReadinessGates) == 0 {
		return "<none>"
	}
	n := 0
	for _, g := range p.Spec.ReadinessGates {
		if conditionTrue(p.Status.Conditions, g.ConditionType) {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(p.Spec.ReadinessGates))
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}
