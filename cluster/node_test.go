package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// advanceTo runs the cluster until the given elapsed time.
func advanceTo(t testing.TB, c *Cluster, elapsed time.Duration) {
	t.Helper()
	if elapsed < c.Elapsed() {
		t.Fatalf("advanceTo(%s): already at %s", elapsed, c.Elapsed())
	}
	must(t, c.Advance(elapsed-c.Elapsed()))
}

func nodeTaint(c *Cluster, node, key string, effect corev1.TaintEffect) *corev1.Taint {
	n := c.nodeObject(node)
	if n == nil {
		return nil
	}
	for i := range n.Spec.Taints {
		if t := n.Spec.Taints[i]; t.Key == key && t.Effect == effect {
			return &t
		}
	}
	return nil
}

// wantTaint fails unless node carries key:effect with timeAdded at the
// given elapsed time.
func wantTaint(t testing.TB, c *Cluster, node, key string, effect corev1.TaintEffect, added time.Duration) {
	t.Helper()
	tt := nodeTaint(c, node, key, effect)
	if tt == nil {
		t.Fatalf("at %s: node %s lacks taint %s:%s (taints %v)", c.Elapsed(), node, key, effect, c.nodeObject(node).Spec.Taints)
	}
	if tt.TimeAdded == nil || tt.TimeAdded.Sub(c.opts.Start) != added {
		t.Fatalf("at %s: taint %s:%s timeAdded %v, want %s after the start", c.Elapsed(), key, effect, tt.TimeAdded, added)
	}
}

func noTaint(t testing.TB, c *Cluster, node, key string, effect corev1.TaintEffect) {
	t.Helper()
	if tt := nodeTaint(c, node, key, effect); tt != nil {
		t.Fatalf("at %s: node %s still has taint %s:%s", c.Elapsed(), node, key, effect)
	}
}

func podNamed(t testing.TB, c *Cluster, name string) *corev1.Pod {
	t.Helper()
	o, err := c.Get(KindPod, "default", name)
	must(t, err)
	return o.(*corev1.Pod)
}

func podCond(p *corev1.Pod, typ corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == typ {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// RS-10.3: a node that turns Unknown gets unreachable:NoSchedule from the
// NoSchedule pass (and, RS-10.4, unreachable:NoExecute), both with
// timeAdded, and pods created afterwards avoid it; StartNode (RS-10.9)
// removes both. A cordoned node (spec.unschedulable through Patch) gets
// node.kubernetes.io/unschedulable:NoSchedule, new pods avoid it with the
// scheduler's own reason, and uncordoning removes the taint.
func TestNoScheduleTaints(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 4))
	must(t, err)
	advanceTo(t, c, 23*time.Second)
	must(t, c.StopNode("worker2")) // last lease renewal at 20 s: Unknown at 75 s (RS-10.1)
	advanceTo(t, c, 74*time.Second)
	noTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoSchedule)
	noTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoExecute)
	advanceTo(t, c, 75*time.Second)
	wantTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoSchedule, 75*time.Second)
	wantTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoExecute, 75*time.Second)

	// New pods never land on the unreachable node.
	_, err = c.Create(rsObject("late", 3))
	must(t, err)
	advanceTo(t, c, 2*time.Minute)
	late, err := c.Pods("default", "app=late")
	must(t, err)
	if len(late) != 3 {
		t.Fatalf("want 3 pods of late, got %d", len(late))
	}
	for _, p := range late {
		if p.Spec.NodeName != "worker1" {
			t.Fatalf("RS-10.3: pod %s bound to %q while worker2 is unreachable", p.Name, p.Spec.NodeName)
		}
	}

	// RS-10.9: back up, both taints go at once.
	must(t, c.StartNode("worker2"))
	noTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoSchedule)
	noTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoExecute)

	// Cordon: the unschedulable taint, with timeAdded.
	line, err := c.Patch(KindNode, "", "worker2", []byte(`{"spec":{"unschedulable":true}}`))
	must(t, err)
	if line != "node/worker2 patched" {
		t.Fatalf("patch printed %q", line)
	}
	wantTaint(t, c, "worker2", TaintUnschedulable, corev1.TaintEffectNoSchedule, c.Elapsed())
	if n := len(c.nodeObject("worker2").Spec.Taints); n != 1 {
		t.Fatalf("cordoned worker2 has %d taints, want 1: %v", n, c.nodeObject("worker2").Spec.Taints)
	}
	_, err = c.Create(rsObject("cordoned", 2))
	must(t, err)
	must(t, c.Advance(10*time.Second))
	for _, p := range podsOn(t, c, "worker2") {
		if p.Labels["app"] == "cordoned" {
			t.Fatalf("RS-10.3: pod %s landed on the cordoned worker2", p.Name)
		}
	}
	// A pod that fits nowhere: the cordoned node is refused as
	// unschedulable (NodeUnschedulable filters before TaintToleration),
	// not for its taint.
	big := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "big"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3")}}}}},
	}
	_, err = c.Create(big)
	must(t, err)
	want := "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable. " +
		"preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if cond := podCond(podNamed(t, c, "big"), corev1.PodScheduled); cond == nil || cond.Message != want {
		t.Fatalf("scheduler message\n got %+v\nwant %q", cond, want)
	}
	must(t, c.Delete(KindPod, "default", "big", DeleteOptions{}))
	// NodeUnschedulable lets a pod tolerating the unschedulable taint
	// onto the cordoned node (a DaemonSet's pods do): with worker1 full of
	// the other pods, it goes to the emptier worker2.
	tolerant := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "tolerant"}, Spec: corev1.PodSpec{
		Containers:  []corev1.Container{{Name: "c", Image: "nginx"}},
		Tolerations: []corev1.Toleration{{Key: TaintUnschedulable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
	}}
	_, err = c.Create(tolerant)
	must(t, err)
	if got := podNamed(t, c, "tolerant").Spec.NodeName; got != "worker2" {
		t.Fatalf("a pod tolerating node.kubernetes.io/unschedulable went to %q, want the cordoned worker2", got)
	}
	must(t, c.Delete(KindPod, "default", "tolerant", DeleteOptions{GracePeriodSeconds: ptrTo(int64(0))}))

	// Uncordon: the taint goes and worker2, the emptier node, gets pods again.
	_, err = c.Patch(KindNode, "", "worker2", []byte(`{"spec":{"unschedulable":null}}`))
	must(t, err)
	noTaint(t, c, "worker2", TaintUnschedulable, corev1.TaintEffectNoSchedule)
	if n := c.nodeObject("worker2"); len(n.Spec.Taints) != 0 || n.Spec.Unschedulable {
		t.Fatalf("uncordoned worker2: unschedulable %v taints %v", n.Spec.Unschedulable, n.Spec.Taints)
	}
	_, err = c.Create(rsObject("after", 2))
	must(t, err)
	after, err := c.Pods("default", "app=after")
	must(t, err)
	for _, p := range after {
		if p.Spec.NodeName != "worker2" {
			t.Fatalf("after uncordon pod %s went to %q, want worker2", p.Name, p.Spec.NodeName)
		}
	}
}

func tolerationPod(name string, seconds *int64) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "tolerant"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: "nginx"}},
			Tolerations: []corev1.Toleration{{Key: TaintUnreachable, Operator: corev1.TolerationOpExists,
				Effect: corev1.TaintEffectNoExecute, TolerationSeconds: seconds}},
		},
	}
}

// tolerationsPatch replaces a pod's tolerations with its own unreachable
// one (seconds, or forever when "null") and the not-ready default the
// admission plugin added: only tolerationSeconds changes, which pod update
// validation allows (validateOnlyAddedTolerations).
func tolerationsPatch(seconds string) []byte {
	return fmt.Appendf(nil, `{"spec":{"tolerations":[`+
		`{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":%s},`+
		`{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]}}`, seconds)
}

// RS-10.5, RS-10.6: a pod's own unreachable toleration replaces the 300 s
// default: with tolerationSeconds 60 it is evicted 60 s after the taint;
// without tolerationSeconds it is never evicted. A toleration raised to
// 600 s after the taint does not postpone the scheduled eviction; one made
// infinite cancels it (the taint manager looks at a pod again when its
// tolerations change).
func TestTolerationSecondsEviction(t *testing.T) {
	c := newCluster(t)
	// Cordon worker1 so that every pod lands on worker2.
	_, err := c.Patch(KindNode, "", "worker1", []byte(`{"spec":{"unschedulable":true}}`))
	must(t, err)
	sixty := int64(60)
	for _, p := range []*corev1.Pod{
		tolerationPod("short", &sixty),
		tolerationPod("raised", &sixty),
		tolerationPod("cleared", &sixty),
		tolerationPod("forever", nil),
		{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}},
	} {
		_, err := c.Create(p)
		must(t, err)
	}
	_, err = c.Patch(KindNode, "", "worker1", []byte(`{"spec":{"unschedulable":false}}`))
	must(t, err)
	if got := len(podsOn(t, c, "worker2")); got != 5 {
		t.Fatalf("want the 5 pods on worker2, got %d", got)
	}
	// RS-10.5: the own unreachable toleration suppresses that default; the
	// not-ready default is still appended.
	if tols := podNamed(t, c, "short").Spec.Tolerations; len(tols) != 2 || tols[1].Key != TaintNotReady || *tols[1].TolerationSeconds != DefaultTolerationSeconds {
		t.Fatalf("tolerations of short: %+v", tols)
	}

	advanceTo(t, c, 23*time.Second)
	must(t, c.StopNode("worker2"))
	taintAt := 75 * time.Second
	advanceTo(t, c, taintAt)
	wantTaint(t, c, "worker2", TaintUnreachable, corev1.TaintEffectNoExecute, taintAt)

	// After the taint, at another instant: raise one toleration, make another infinite.
	advanceTo(t, c, taintAt+10*time.Second)
	_, err = c.Patch(KindPod, "default", "raised", tolerationsPatch("600"))
	must(t, err)
	_, err = c.Patch(KindPod, "default", "cleared", tolerationsPatch("null"))
	must(t, err)
	if s := podNamed(t, c, "raised").Spec.Tolerations[0].TolerationSeconds; s == nil || *s != 600 {
		t.Fatalf("raised's toleration not updated: %v", s)
	}
	if s := podNamed(t, c, "cleared").Spec.Tolerations[0].TolerationSeconds; s != nil {
		t.Fatalf("cleared's toleration still has seconds %d", *s)
	}
	cancelled := false
	for _, e := range c.EventsFor(KindPod, "default", "cleared") {
		if e.Reason == "TaintManagerEviction" && e.Message == "Cancelling deletion of Pod default/cleared" && e.At.Sub(c.opts.Start) == taintAt+10*time.Second {
			cancelled = true
		}
	}
	if !cancelled {
		t.Fatalf("RS-10.6: no cancellation event for cleared: %v", c.EventsFor(KindPod, "default", "cleared"))
	}

	evicted := func(name string) bool {
		p := podNamed(t, c, name)
		cond := podCond(p, corev1.DisruptionTarget)
		return p.DeletionTimestamp != nil && cond != nil && cond.Reason == "DeletionByTaintManager"
	}
	advanceTo(t, c, taintAt+59*time.Second)
	for _, name := range []string{"short", "raised", "cleared", "forever", "default"} {
		if evicted(name) {
			t.Fatalf("pod %s evicted before taint + 60 s", name)
		}
	}
	advanceTo(t, c, taintAt+60*time.Second)
	for name, want := range map[string]bool{"short": true, "raised": true, "cleared": false, "forever": false, "default": false} {
		if evicted(name) != want {
			t.Fatalf("RS-10.6 at taint + 60 s: pod %s evicted = %v, want %v", name, !want, want)
		}
	}
	advanceTo(t, c, taintAt+299*time.Second)
	if evicted("default") {
		t.Fatalf("default-tolerating pod evicted before taint + 300 s")
	}
	advanceTo(t, c, taintAt+300*time.Second)
	if !evicted("default") {
		t.Fatalf("RS-10.6: default-tolerating pod not evicted at taint + 300 s")
	}
	advanceTo(t, c, time.Hour)
	for _, name := range []string{"cleared", "forever"} {
		if evicted(name) {
			t.Fatalf("RS-10.6: pod %s tolerating forever was evicted", name)
		}
	}
}

// RS-10.8: deleting a Node object orphans its pods; the pod garbage
// collector, passing every 20 s from the cluster's start, quarantines the
// missing node on its first pass after the deletion and force-deletes the
// pods on the pass 40 s later: phase Failed with DisruptionTarget
// DeletionByPodGC, then gone, all at one instant. The ReplicaSet replaces
// them on the remaining worker at that instant. A node re-created before
// then saves them; one re-created and deleted again does not get a fresh
// quarantine.
func TestDeletedNodePodGC(t *testing.T) {
	setup := func(t *testing.T) (*Cluster, []*corev1.Pod, *[]Change) {
		c := newCluster(t)
		_, err := c.Create(rsObject("web", 4))
		must(t, err)
		advanceTo(t, c, 25*time.Second)
		orphans := podsOn(t, c, "worker2")
		if len(orphans) != 2 {
			t.Fatalf("want 2 pods on worker2, got %d", len(orphans))
		}
		var changes []Change
		c.Watch(func(ch Change) {
			if ch.Kind == KindPod {
				changes = append(changes, ch)
			}
		})
		must(t, c.Delete(KindNode, "", "worker2", DeleteOptions{}))
		return c, orphans, &changes
	}
	untouched := func(t *testing.T, c *Cluster, orphans []*corev1.Pod) {
		t.Helper()
		for _, o := range orphans {
			p := podNamed(t, c, o.Name)
			if p.Status.Phase != corev1.PodRunning || podCond(p, corev1.DisruptionTarget) != nil || p.DeletionTimestamp != nil {
				t.Fatalf("at %s: orphan %s already touched: phase %s, conditions %+v", c.Elapsed(), p.Name, p.Status.Phase, p.Status.Conditions)
			}
		}
		if got := len(podsOn(t, c, "worker1")); got != 2 {
			t.Fatalf("at %s: the RS replaced its pods early: %d on worker1", c.Elapsed(), got)
		}
	}

	t.Run("force-deleted at the pass after the quarantine", func(t *testing.T) {
		c, orphans, changes := setup(t)
		// Deleted at 25 s: quarantine from the pass at 40 s, deletion on
		// the pass at 80 s.
		gone := 80 * time.Second
		advanceTo(t, c, gone-time.Second)
		untouched(t, c, orphans)
		*changes = nil
		advanceTo(t, c, gone)
		for _, o := range orphans {
			if _, err := c.Get(KindPod, "default", o.Name); err == nil {
				t.Fatalf("RS-10.8: orphan %s still there at %s", o.Name, c.Elapsed())
			}
			failed, deleted := false, false
			for _, ch := range *changes {
				if ch.Object.GetName() != o.Name {
					continue
				}
				if ch.At.Sub(c.opts.Start) != gone {
					t.Fatalf("change of %s at %s, want %s", o.Name, ch.At.Sub(c.opts.Start), gone)
				}
				p := ch.Object.(*corev1.Pod)
				switch ch.Type {
				case "MODIFIED":
					cond := podCond(p, corev1.DisruptionTarget)
					if deleted || p.Status.Phase != corev1.PodFailed || cond == nil || cond.Status != corev1.ConditionTrue || cond.ObservedGeneration != p.Generation ||
						cond.Reason != "DeletionByPodGC" || cond.Message != "PodGC: node no longer exists" || cond.LastTransitionTime.Sub(c.opts.Start) != gone {
						t.Fatalf("RS-10.8: orphan %s written as phase %s, conditions %+v", o.Name, p.Status.Phase, p.Status.Conditions)
					}
					failed = true
				case "DELETED":
					deleted = true
				}
			}
			if !failed || !deleted {
				t.Fatalf("RS-10.8: orphan %s: marked Failed %v, deleted %v (changes %d)", o.Name, failed, deleted, len(*changes))
			}
		}
		// Replaced at once on worker1.
		pods, err := c.Pods("default", "app=web")
		must(t, err)
		if len(pods) != 4 || len(podsOn(t, c, "worker1")) != 4 {
			t.Fatalf("after pod GC: %d web pods, %d on worker1; want 4 and 4", len(pods), len(podsOn(t, c, "worker1")))
		}
	})

	t.Run("a node re-created in time saves its pods", func(t *testing.T) {
		c, orphans, _ := setup(t)
		advanceTo(t, c, 50*time.Second) // in quarantine since 40 s
		_, err := c.Create(NewNode("worker2", "2", "4Gi", 110))
		must(t, err)
		advanceTo(t, c, 2*time.Minute)
		untouched(t, c, orphans)
	})

	t.Run("deleted again: the first quarantine holds", func(t *testing.T) {
		c, orphans, _ := setup(t)
		advanceTo(t, c, 50*time.Second)
		_, err := c.Create(NewNode("worker2", "2", "4Gi", 110))
		must(t, err)
		advanceTo(t, c, 70*time.Second)
		must(t, c.Delete(KindNode, "", "worker2", DeleteOptions{}))
		advanceTo(t, c, 79*time.Second)
		untouched(t, c, orphans)
		advanceTo(t, c, 80*time.Second)
		for _, o := range orphans {
			if _, err := c.Get(KindPod, "default", o.Name); err == nil {
				t.Fatalf("RS-10.8: orphan %s still there at 80 s", o.Name)
			}
		}
	})

	t.Run("deleted on a pass instant", func(t *testing.T) {
		c := newCluster(t)
		_, err := c.Create(rsObject("web", 4))
		must(t, err)
		advanceTo(t, c, 40*time.Second)
		orphans := podsOn(t, c, "worker2")
		must(t, c.Delete(KindNode, "", "worker2", DeleteOptions{}))
		// The pass at 40 s counts as run before the delete: quarantine from
		// 60 s, deletion at 100 s.
		advanceTo(t, c, 99*time.Second)
		untouched(t, c, orphans)
		advanceTo(t, c, 100*time.Second)
		if got := len(podsOn(t, c, "worker2")); got != 0 {
			t.Fatalf("RS-10.8: %d orphans left at 100 s", got)
		}
	})
}

// RS-10.6: a pod deleted while its eviction is scheduled has the
// deletion cancelled, with the taint manager's event; one the taint
// manager evicted itself gets no such event.
func TestEvictionCancelledByDelete(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 4))
	must(t, err)
	must(t, c.Advance(5*time.Second))
	victims := podsOn(t, c, "worker2")
	if len(victims) != 2 {
		t.Fatalf("want 2 pods on worker2, got %d", len(victims))
	}
	must(t, c.StopNode("worker2"))
	must(t, c.Advance(2*time.Minute)) // tainted, evictions scheduled
	gone := victims[0]
	must(t, c.Delete(KindPod, "default", gone.Name, DeleteOptions{GracePeriodSeconds: ptrTo(int64(0))}))
	must(t, c.Advance(10*time.Minute)) // the other one is evicted
	cancelled := map[string]int{}
	for _, e := range c.EventsFor(KindPod, "default", gone.Name) {
		if e.Reason == "TaintManagerEviction" {
			cancelled[e.Message]++
		}
	}
	if want := "Cancelling deletion of Pod default/" + gone.Name; cancelled[want] != 1 || len(cancelled) != 1 {
		t.Fatalf("events of the deleted pod: %v, want one %q", cancelled, want)
	}
	for _, e := range c.EventsFor(KindPod, "default", victims[1].Name) {
		if strings.HasPrefix(e.Message, "Cancelling") {
			t.Fatalf("the evicted pod got %q", e.Message)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
