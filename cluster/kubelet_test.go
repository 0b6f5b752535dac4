package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

// Rule 5: the kubelet's status writes carry its own PodScheduled
// (generateAPIPodStatus: True, no reason, observedGeneration the pod's
// generation). Its lastTransitionTime is that of the first write for a
// pod created with spec.nodeName, the binding's for a pod the scheduler
// bound (updateLastTransitionTime keeps an equal status' time); a pod the
// kubelet rejects has none (mergePodStatus drops the kubelet's
// conditions).
func TestKubeletPodScheduledRule5(t *testing.T) {
	tests := []struct {
		name, node, cpu string
		want            bool          // a PodScheduled condition
		og              int64         // its observedGeneration
		ltt             time.Duration // its lastTransitionTime, from the start
	}{
		{name: "direct", node: "worker1", want: true, og: 1, ltt: time.Second}, // written at 1.5 s, truncated
		{name: "scheduled", want: true, og: 1, ltt: 1500 * time.Millisecond},   // the binding's time
		{name: "rejected", node: "worker2", cpu: "3"},
	}
	c := newCluster(t)
	advanceTo(t, c, 1500*time.Millisecond)
	for _, tt := range tests {
		_, err := c.Create(cpuPod(tt.name, tt.node, tt.cpu))
		must(t, err)
	}
	for _, at := range []time.Duration{time.Minute, 2 * time.Minute} {
		if at == 2*time.Minute {
			// a node restart keeps the condition as it is
			must(t, c.StopNode("worker1"))
			must(t, c.StopNode("worker2"))
			advanceTo(t, c, 70*time.Second)
			must(t, c.StartNode("worker1"))
			must(t, c.StartNode("worker2"))
		}
		advanceTo(t, c, at)
		for _, tt := range tests {
			p := podNamed(t, c, tt.name)
			cond := podCond(p, corev1.PodScheduled)
			if !tt.want {
				if cond != nil || p.Status.Phase != corev1.PodFailed {
					t.Fatalf("at %s: %s: phase %s, PodScheduled %+v; want Failed without it", c.Elapsed(), tt.name, p.Status.Phase, cond)
				}
				continue
			}
			if p.Status.Phase != corev1.PodRunning || cond == nil || cond.Status != corev1.ConditionTrue || cond.Reason != "" || cond.Message != "" ||
				cond.ObservedGeneration != tt.og || cond.LastTransitionTime.Sub(c.opts.Start) != tt.ltt {
				t.Fatalf("at %s: %s: phase %s, PodScheduled %+v; want True, observedGeneration %d, lastTransitionTime +%s",
					c.Elapsed(), tt.name, p.Status.Phase, cond, tt.og, tt.ltt)
			}
			if last := p.Status.Conditions[len(p.Status.Conditions)-1]; last.Type != corev1.PodScheduled {
				t.Fatalf("%s: PodScheduled not last, as generateAPIPodStatus appends it: %+v", tt.name, p.Status.Conditions)
			}
		}
	}
}

// Rule 5 (RS-10.9): a restarted node's kubelet runs no terminal pod again
// (HandlePodAdditions admits no terminal pod; pod_workers.go UpdatePod
// only tears one down): Succeeded, Failed and rejected pods keep their
// status and get no event; running pods restart (one restart counted);
// pods bound to the node while it was down go through admission.
func TestStartNodeTerminalPodsRule5(t *testing.T) {
	never := func(p *corev1.Pod) *corev1.Pod { p.Spec.RestartPolicy = corev1.RestartPolicyNever; return p }
	exits := func(code int32) probe.Script {
		return probe.Script{Exit: func(int) (time.Duration, int32, bool) { return time.Second, code, true }}
	}
	tests := []struct {
		name     string
		pod      *corev1.Pod
		script   *probe.Script
		late     bool // created while the node is down
		phase    corev1.PodPhase
		reason   string
		restarts int32
	}{
		{name: "done", pod: never(cpuPod("done", "worker2", "")), script: ptrTo(exits(0)), phase: corev1.PodSucceeded},
		{name: "crashed", pod: never(cpuPod("crashed", "worker2", "")), script: ptrTo(exits(1)), phase: corev1.PodFailed},
		{name: "rejected", pod: cpuPod("rejected", "worker2", "3"), phase: corev1.PodFailed, reason: "OutOfcpu"},
		{name: "runs", pod: cpuPod("runs", "worker2", ""), phase: corev1.PodRunning, restarts: 1},
		{name: "late", pod: cpuPod("late", "worker2", ""), late: true, phase: corev1.PodRunning},
		{name: "late-huge", pod: cpuPod("late-huge", "worker2", "3"), late: true, phase: corev1.PodFailed, reason: "OutOfcpu"},
	}
	c := newCluster(t)
	for _, tt := range tests {
		if tt.late {
			continue
		}
		_, err := c.Create(tt.pod)
		must(t, err)
		if tt.script != nil {
			must(t, c.ScriptContainer("default", tt.name, "c", *tt.script))
		}
	}
	advanceTo(t, c, 20*time.Second)
	before := map[string]*corev1.Pod{}
	for _, tt := range tests {
		if !tt.late {
			before[tt.name] = podNamed(t, c, tt.name)
		}
	}
	must(t, c.StopNode("worker2"))
	for _, tt := range tests {
		if tt.late {
			_, err := c.Create(tt.pod)
			must(t, err)
		}
	}
	advanceTo(t, c, 30*time.Second)
	events := len(c.Events())
	must(t, c.StartNode("worker2"))
	advanceTo(t, c, time.Minute)
	for _, tt := range tests {
		p := podNamed(t, c, tt.name)
		var restarts int32
		for _, cs := range p.Status.ContainerStatuses {
			restarts += cs.RestartCount
		}
		if p.Status.Phase != tt.phase || p.Status.Reason != tt.reason || restarts != tt.restarts {
			t.Fatalf("%s: phase %s reason %q restarts %d; want %s %q %d", tt.name, p.Status.Phase, p.Status.Reason, restarts, tt.phase, tt.reason, tt.restarts)
		}
		if b := before[tt.name]; b != nil && tt.phase != corev1.PodRunning && b.String() != p.String() {
			t.Fatalf("%s: terminal pod changed by the restart:\nbefore %s\nafter  %s", tt.name, b.Status.String(), p.Status.String())
		}
	}
	for _, e := range c.Events()[events:] {
		if e.Kind == KindPod && (e.Name == "done" || e.Name == "crashed" || e.Name == "rejected") {
			t.Fatalf("event for a terminal pod after the restart: %+v", e)
		}
	}
	var lateRejected int
	for _, e := range c.Events()[events:] {
		if e.Name == "late-huge" && e.Reason == "OutOfcpu" {
			lateRejected++
		}
	}
	if lateRejected != 1 {
		t.Fatalf("late-huge: %d OutOfcpu events after the restart, want 1 (admission)", lateRejected)
	}
}

// Rule 4 (RS-10.8): a pod created with spec.nodeName naming a node that
// does not exist stays Pending with no condition and no event; the pod
// garbage collector's gcOrphaned quarantines the node on its first pass
// (every 20 s from the start) after the creation and, on the pass 40 s
// later, marks the pod Failed with DisruptionTarget DeletionByPodGC and
// deletes it, unless the node exists by then.
func TestNodeNameMissingNodeRule4(t *testing.T) {
	tests := []struct {
		name    string
		created time.Duration
		gone    time.Duration // 0: never (the node is created at 30 s)
		addNode bool
	}{
		{name: "created at the start", created: 0, gone: 60 * time.Second},
		{name: "created between passes", created: 25 * time.Second, gone: 80 * time.Second},
		{name: "created on a pass instant", created: 40 * time.Second, gone: 100 * time.Second},
		{name: "the node appears in quarantine", created: 5 * time.Second, addNode: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t)
			var changes []Change
			c.Watch(func(ch Change) {
				if ch.Kind == KindPod && ch.Object.GetName() == "nowhere" {
					changes = append(changes, ch)
				}
			})
			advanceTo(t, c, tt.created)
			_, err := c.Create(cpuPod("nowhere", "worker9", ""))
			must(t, err)
			if tt.addNode {
				advanceTo(t, c, 30*time.Second)
				_, err := c.Create(NewNode("worker9", "2", "4Gi", 110))
				must(t, err)
				advanceTo(t, c, 3*time.Minute)
				p := podNamed(t, c, "nowhere")
				if cond := podCond(p, corev1.PodScheduled); p.Status.Phase != corev1.PodRunning || podCond(p, corev1.DisruptionTarget) != nil ||
					cond == nil || cond.LastTransitionTime.Sub(c.opts.Start) != 30*time.Second {
					t.Fatalf("on the node created in time: phase %s, conditions %+v", p.Status.Phase, p.Status.Conditions)
				}
				return
			}
			advanceTo(t, c, tt.gone-time.Second)
			p := podNamed(t, c, "nowhere")
			if p.Status.Phase != corev1.PodPending || p.Status.PodIP != "" || len(p.Status.Conditions) != 0 || len(changes) != 1 {
				t.Fatalf("at %s: phase %s ip %q conditions %v, %d writes", c.Elapsed(), p.Status.Phase, p.Status.PodIP, p.Status.Conditions, len(changes))
			}
			if evs := c.EventsFor(KindPod, "default", "nowhere"); len(evs) != 0 {
				t.Fatalf("events for a pod on a missing node: %+v", evs)
			}
			advanceTo(t, c, tt.gone)
			if _, err := c.Get(KindPod, "default", "nowhere"); err == nil {
				t.Fatalf("still there at %s", c.Elapsed())
			}
			if len(changes) != 3 || changes[1].Type != "MODIFIED" || changes[2].Type != "DELETED" {
				t.Fatalf("writes: %+v", changes)
			}
			failed := changes[1].Object.(*corev1.Pod)
			cond := podCond(failed, corev1.DisruptionTarget)
			if failed.Status.Phase != corev1.PodFailed || cond == nil || cond.Status != corev1.ConditionTrue || cond.Reason != "DeletionByPodGC" ||
				cond.Message != "PodGC: node no longer exists" || cond.ObservedGeneration != 1 || changes[1].At.Sub(c.opts.Start) != tt.gone {
				t.Fatalf("marked as %s, %+v at %s", failed.Status.Phase, failed.Status.Conditions, changes[1].At.Sub(c.opts.Start))
			}
			if evs := c.EventsFor(KindPod, "default", "nowhere"); len(evs) != 0 {
				t.Fatalf("events for the orphan: %+v", evs)
			}
		})
	}
}
