package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubesem/kubesem/probe"
)

// singleWorker is a cluster of one schedulable node "w".
func singleWorker(t testing.TB, opts Options) *Cluster {
	t.Helper()
	opts.Nodes = []*corev1.Node{NewNode("w", "8", "16Gi", 110)}
	if opts.Seed >= 5 && opts.Seed <= 6 {
		// a second node, so that w alone down is not a full disruption
		opts.Nodes = append(opts.Nodes, NewNode("x", "8", "16Gi", 110))
	}
	c, err := New(opts)
	must(t, err)
	return c
}

func nakedPod(name string, tols ...corev1.Toleration) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}, Tolerations: tols}}
}

func dedicated(seconds *int64) corev1.Toleration {
	return corev1.Toleration{Key: "dedicated", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: seconds}
}

func hasEvent(c *Cluster, reason, msg string, at time.Duration) bool {
	return slices.ContainsFunc(c.Events(), func(e Event) bool {
		return e.Reason == reason && e.Message == msg && e.At.Sub(c.opts.Start) == at
	})
}

func terminating(t testing.TB, c *Cluster, name string) bool {
	t.Helper()
	must(t, c.Advance(0)) // what is due now (the taint manager's eviction) happens
	o, err := c.Get(KindPod, "default", name)
	if err != nil {
		return true // gone
	}
	return o.GetDeletionTimestamp() != nil
}

// Rule 6a: a NoExecute taint a user writes on a node evicts at once the
// pods that do not tolerate it and schedules the others at their
// smallest tolerationSeconds; removing it cancels the evictions no longer
// due, with their event; a changed taint plans again, keeping the time of
// an eviction already scheduled.
func TestTaintManagerNodeTaints(t *testing.T) {
	c := singleWorker(t, Options{Seed: 3})
	for _, p := range []*corev1.Pod{nakedPod("plain"), nakedPod("tol60", dedicated(ptrTo(int64(60)))), nakedPod("forever", dedicated(nil))} {
		_, err := c.Create(p)
		must(t, err)
	}
	advanceTo(t, c, 10*time.Second)
	must(t, c.TaintNode("w", corev1.Taint{Key: "dedicated", Value: "x", Effect: corev1.TaintEffectNoExecute}))
	if !terminating(t, c, "plain") || !hasEvent(c, "TaintManagerEviction", "Marking for deletion Pod default/plain", 10*time.Second) {
		t.Fatalf("6a: the pod without a toleration was not evicted at once: %v", c.EventsFor(KindPod, "default", "plain"))
	}
	if cond := podCond(podNamed(t, c, "plain"), corev1.DisruptionTarget); cond == nil || cond.Reason != "DeletionByTaintManager" {
		t.Fatalf("6a: DisruptionTarget %+v", cond)
	}
	advanceTo(t, c, 40*time.Second)
	if terminating(t, c, "tol60") {
		t.Fatal("6a: tol60 evicted before its 60 s")
	}
	must(t, c.UntaintNode("w", "dedicated", corev1.TaintEffectNoExecute))
	if !hasEvent(c, "TaintManagerEviction", "Cancelling deletion of Pod default/tol60", 40*time.Second) {
		t.Fatalf("6a: the removed taint did not cancel tol60's eviction: %v", c.EventsFor(KindPod, "default", "tol60"))
	}
	advanceTo(t, c, 100*time.Second)
	if terminating(t, c, "tol60") || terminating(t, c, "forever") {
		t.Fatal("6a: a cancelled eviction fired")
	}
	// Tainted again at 100 s: due at 160 s. A value changed at 130 s
	// plans again from the first decision: still 160 s.
	must(t, c.TaintNode("w", corev1.Taint{Key: "dedicated", Value: "y", Effect: corev1.TaintEffectNoExecute}))
	advanceTo(t, c, 130*time.Second)
	must(t, c.TaintNode("w", corev1.Taint{Key: "dedicated", Value: "z", Effect: corev1.TaintEffectNoExecute}))
	if n := c.nodeObject("w"); len(n.Spec.Taints) != 1 || n.Spec.Taints[0].Value != "z" {
		t.Fatalf("TaintNode replaces key:effect: %v", n.Spec.Taints)
	}
	advanceTo(t, c, 159*time.Second)
	if terminating(t, c, "tol60") {
		t.Fatal("6a: tol60 evicted before 160 s")
	}
	advanceTo(t, c, 160*time.Second)
	if !terminating(t, c, "tol60") || terminating(t, c, "forever") {
		t.Fatal("6a: tol60 not evicted at 160 s, or the pod tolerating forever was")
	}
	// An untolerated NoSchedule taint evicts nothing; validation and
	// errors.
	must(t, c.TaintNode("w", corev1.Taint{Key: "other", Effect: corev1.TaintEffectNoSchedule}))
	if terminating(t, c, "forever") {
		t.Fatal("a NoSchedule taint evicted a pod")
	}
	err := c.TaintNode("w", corev1.Taint{Key: "bad key", Effect: "Sometimes"})
	want := `Node "w" is invalid: [spec.taints[0].key: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"]`
	if err == nil || err.Error() != want {
		t.Fatalf("invalid taint:\n got %v\nwant %s", err, want)
	}
	if err := c.UntaintNode("w", "missing", ""); err == nil || err.Error() != `taint "missing" not found` {
		t.Fatalf("untaint missing: %v", err)
	}
	if err := c.TaintNode("nope", corev1.Taint{Key: "a", Effect: corev1.TaintEffectNoSchedule}); err == nil || err.Error() != `nodes "nope" not found` {
		t.Fatalf("taint of a missing node: %v", err)
	}
}

// Rule 6a: a NoExecute taint written through the API (a client's patch)
// wakes the taint manager as any write does.
func TestTaintManagerNodeTaintThroughAPI(t *testing.T) {
	c := singleWorker(t, Options{Seed: 4})
	_, err := c.Create(nakedPod("p"))
	must(t, err)
	patch := []byte(`{"spec":{"taints":[{"key":"k","effect":"NoExecute"}]}}`)
	_, err = c.API().Patch(context.Background(), schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "", "w", "application/merge-patch+json", patch, metav1.PatchOptions{}, "")
	must(t, err)
	if !terminating(t, c, "p") {
		t.Fatal("6a: a NoExecute taint patched through the API did not evict")
	}
}

// zonedNodes are n nodes named prefix0.. in a zone.
func zonedNodes(prefix, zone string, n int) []*corev1.Node {
	var out []*corev1.Node
	for i := range n {
		node := NewNode(fmt.Sprintf("%s%02d", prefix, i), "2", "4Gi", 110)
		node.Labels[LabelZone] = zone
		out = append(out, node)
	}
	return out
}

func noExecuteTainted(c *Cluster) []string {
	var out []string
	for _, n := range c.Nodes() {
		if slices.ContainsFunc(n.Spec.Taints, isLifecycleNoExecute) {
			out = append(out, n.Name)
		}
	}
	return out
}

// Rule 6b: zone states are judged once per pass, after every node's
// health: three of four nodes of a zone lost at once put it in
// PartialDisruption, and a zone of at most 50 nodes then taints nothing
// NoExecute (NoSchedule still); the other zone stays Normal.
func TestZonePartialDisruptionSmall(t *testing.T) {
	nodes := append(zonedNodes("a", "za", 4), zonedNodes("b", "zb", 1)...)
	c, err := New(Options{Seed: 1, Nodes: nodes})
	must(t, err)
	za, zb := ZoneKey(nodes[0]), ZoneKey(nodes[4])
	if za != ":\x00:za" {
		t.Fatalf("ZoneKey %q", za)
	}
	if st := c.ZoneStates(); st[za] != ZoneNormal || st[zb] != ZoneNormal || len(st) != 2 {
		t.Fatalf("initial zone states %v", st)
	}
	for _, n := range []string{"a00", "a01", "a02"} {
		must(t, c.StopNode(n))
	}
	advanceTo(t, c, 5*time.Minute)
	if st := c.ZoneStates(); st[za] != ZonePartialDisruption || st[zb] != ZoneNormal {
		t.Fatalf("6b: zone states %v", st)
	}
	if got := noExecuteTainted(c); len(got) != 0 {
		t.Fatalf("6b: a small zone in PartialDisruption tainted %v", got)
	}
	wantTaint(t, c, "a00", TaintUnreachable, corev1.TaintEffectNoSchedule, 60*time.Second)
	// One back: 2 of 4 not ready is Normal again, and the two are
	// tainted 10 s apart.
	must(t, c.StartNode("a00"))
	advanceTo(t, c, 6*time.Minute)
	if st := c.ZoneStates(); st[za] != ZoneNormal {
		t.Fatalf("6b: zone states after a start %v", st)
	}
	if got := noExecuteTainted(c); !slices.Equal(got, []string{"a01", "a02"}) {
		t.Fatalf("6b: tainted %v", got)
	}
	t1, t2 := nodeTaint(c, "a01", TaintUnreachable, corev1.TaintEffectNoExecute), nodeTaint(c, "a02", TaintUnreachable, corev1.TaintEffectNoExecute)
	if d := t2.TimeAdded.Sub(t1.TimeAdded.Time); d != TaintInterval {
		t.Fatalf("6b: taints %s apart, want %s", d, TaintInterval)
	}
}

// Rule 6b: a zone of more than 50 nodes in PartialDisruption taints at
// the secondary rate, one node per 100 s.
func TestZonePartialDisruptionLarge(t *testing.T) {
	c, err := New(Options{Seed: 1, Nodes: zonedNodes("n", "big", 60)})
	must(t, err)
	for i := range 40 {
		must(t, c.StopNode(fmt.Sprintf("n%02d", i)))
	}
	advanceTo(t, c, 60*time.Second) // every one Unknown on this pass
	if st := c.ZoneStates()[":\x00:big"]; st != ZonePartialDisruption {
		t.Fatalf("6b: state %s", st)
	}
	if got := noExecuteTainted(c); len(got) != 1 {
		t.Fatalf("6b: at the pass %d tainted, want 1", len(got))
	}
	advanceTo(t, c, 60*time.Second+99*time.Second)
	if got := noExecuteTainted(c); len(got) != 1 {
		t.Fatalf("6b: after 99 s %d tainted, want 1", len(got))
	}
	advanceTo(t, c, 60*time.Second+100*time.Second)
	if got := noExecuteTainted(c); len(got) != 2 {
		t.Fatalf("6b: after 100 s %d tainted, want 2", len(got))
	}
}

// Rule 6b: with every zone in FullDisruption nothing is tainted
// NoExecute and nothing evicted; leaving it resets the zone's rate
// limiter, so the first taint comes one interval after the pass that
// left it.
func TestZoneFullDisruption(t *testing.T) {
	c, err := New(Options{Seed: 1, Nodes: zonedNodes("n", "z", 2)})
	must(t, err)
	_, err = c.Create(nakedPod("p"))
	must(t, err)
	must(t, c.StopNode("n00"))
	must(t, c.StopNode("n01"))
	advanceTo(t, c, 10*time.Minute)
	if st := c.ZoneStates()[":\x00:z"]; st != ZoneFullDisruption {
		t.Fatalf("6b: state %s", st)
	}
	if got := noExecuteTainted(c); len(got) != 0 {
		t.Fatalf("6b: tainted %v with every zone down", got)
	}
	if terminating(t, c, "p") {
		t.Fatal("6b: a pod was evicted with every zone down")
	}
	must(t, c.StartNode("n00")) // at 600 s: the pass at 605 s leaves FullDisruption
	advanceTo(t, c, 605*time.Second)
	if st := c.ZoneStates()[":\x00:z"]; st != ZoneNormal {
		t.Fatalf("6b: state %s after a node came back", st)
	}
	noTaint(t, c, "n01", TaintUnreachable, corev1.TaintEffectNoExecute)
	advanceTo(t, c, 615*time.Second)
	wantTaint(t, c, "n01", TaintUnreachable, corev1.TaintEffectNoExecute, 615*time.Second)
}

// Rule 6c: the kubelet's conditions: a pressure taints NoSchedule at once
// (and untaints when it goes), with the kubelet's texts and event; a
// kubelet posting Ready=False gets not-ready:NoSchedule at once and
// not-ready:NoExecute on the monitor's next pass; its pods (300 s default
// toleration) are evicted 300 s later.
func TestNodeConditionsFromKubelet(t *testing.T) {
	c := singleWorker(t, Options{Seed: 5})
	_, err := c.Create(nakedPod("p"))
	must(t, err)
	advanceTo(t, c, 12*time.Second)
	must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionTrue}))
	wantTaint(t, c, "w", corev1.TaintNodeMemoryPressure, corev1.TaintEffectNoSchedule, 12*time.Second)
	n := c.nodeObject("w")
	if i := slices.IndexFunc(n.Status.Conditions, func(x corev1.NodeCondition) bool { return x.Type == corev1.NodeMemoryPressure }); n.Status.Conditions[i].Reason != "KubeletHasInsufficientMemory" ||
		n.Status.Conditions[i].Message != "kubelet has insufficient memory available" {
		t.Fatalf("6c: condition %+v", n.Status.Conditions[i])
	}
	if !hasEvent(c, "NodeHasInsufficientMemory", "Node w status is now: NodeHasInsufficientMemory", 12*time.Second) {
		t.Fatal("6c: the kubelet's event is missing")
	}
	must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse}))
	noTaint(t, c, "w", corev1.TaintNodeMemoryPressure, corev1.TaintEffectNoSchedule)
	for typ, key := range map[corev1.NodeConditionType]string{corev1.NodeDiskPressure: corev1.TaintNodeDiskPressure,
		corev1.NodePIDPressure: corev1.TaintNodePIDPressure, corev1.NodeNetworkUnavailable: corev1.TaintNodeNetworkUnavailable} {
		must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: typ, Status: corev1.ConditionTrue}))
		wantTaint(t, c, "w", key, corev1.TaintEffectNoSchedule, 12*time.Second)
		must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: typ, Status: corev1.ConditionFalse}))
		noTaint(t, c, "w", key, corev1.TaintEffectNoSchedule)
	}
	must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionFalse}))
	wantTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoSchedule, 12*time.Second)
	noTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoExecute)
	if !hasEvent(c, "NodeNotReady", "Node w status is now: NodeNotReady", 12*time.Second) {
		t.Fatal("6c: the kubelet's NodeNotReady event is missing")
	}
	advanceTo(t, c, 15*time.Second)
	wantTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoExecute, 15*time.Second)
	advanceTo(t, c, 314*time.Second)
	if terminating(t, c, "p") {
		t.Fatal("6c: evicted before its 300 s")
	}
	advanceTo(t, c, 315*time.Second)
	if !terminating(t, c, "p") {
		t.Fatal("6c: not evicted 300 s after not-ready:NoExecute")
	}
	// Ready again: the monitor's next pass removes the NoExecute taint.
	must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue}))
	noTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoSchedule)
	advanceTo(t, c, 320*time.Second)
	noTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoExecute)
	// Errors.
	if err := c.SetNodeCondition("w", corev1.NodeCondition{Type: "Happy", Status: corev1.ConditionTrue}); err == nil {
		t.Fatal("an unknown condition type was accepted")
	}
	must(t, c.StopNode("w"))
	if err := c.SetNodeCondition("w", corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue}); err == nil {
		t.Fatal("a stopped node's kubelet posted a status")
	}
}

// Rule 6c: a kubelet that posted Ready=False and then stops: the monitor
// makes it Unknown (no NodeNotReady event of its own: it was not Ready)
// and swaps not-ready:NoExecute for unreachable:NoExecute at once.
func TestNodeNotReadyThenUnknown(t *testing.T) {
	c := singleWorker(t, Options{Seed: 6})
	must(t, c.SetNodeCondition("w", corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionFalse}))
	advanceTo(t, c, 5*time.Second)
	wantTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoExecute, 5*time.Second)
	must(t, c.StopNode("w")) // last renewal at 0 s, first check at 5 s: Unknown at 60 s
	advanceTo(t, c, 60*time.Second)
	wantTaint(t, c, "w", TaintUnreachable, corev1.TaintEffectNoExecute, 60*time.Second)
	noTaint(t, c, "w", TaintNotReady, corev1.TaintEffectNoExecute)
	for _, e := range c.EventsFor(KindNode, "", "w") {
		if e.Source == "node-controller" {
			t.Fatalf("6c: node-controller event %v for a node that was not Ready", e)
		}
	}
}

// Rule 6c: a node that never posted its status is marked Unknown with
// NodeStatusNeverUpdated on the first pass more than 60 s after its
// creation, and then tainted unreachable.
func TestNodeNeverPosted(t *testing.T) {
	c := newCluster(t)
	advanceTo(t, c, 3*time.Second)
	ghost := NewNode("ghost", "2", "4Gi", 110)
	must(t, c.AddNodeWithoutStatus(ghost))
	if err := c.AddNodeWithoutStatus(ghost); err == nil {
		t.Fatal("a second node of the same name was accepted")
	}
	if n := c.nodeObject("ghost"); len(n.Status.Conditions) != 0 || len(n.Spec.Taints) != 0 {
		t.Fatalf("a silent node has %v %v", n.Status.Conditions, n.Spec.Taints)
	}
	advanceTo(t, c, 63*time.Second)
	if n := c.nodeObject("ghost"); len(n.Status.Conditions) != 0 {
		t.Fatalf("6c: marked within its startup grace: %v", n.Status.Conditions)
	}
	advanceTo(t, c, 65*time.Second)
	n := c.nodeObject("ghost")
	var types []corev1.NodeConditionType
	for _, cond := range n.Status.Conditions {
		types = append(types, cond.Type)
		if cond.Status != corev1.ConditionUnknown || cond.Reason != "NodeStatusNeverUpdated" || cond.Message != "Kubelet never posted node status." ||
			!cond.LastHeartbeatTime.Equal(&n.CreationTimestamp) || cond.LastTransitionTime.Sub(c.opts.Start) != 65*time.Second {
			t.Fatalf("6c: condition %+v", cond)
		}
	}
	if !slices.Equal(types, []corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure}) {
		t.Fatalf("6c: conditions %v", types)
	}
	wantTaint(t, c, "ghost", TaintUnreachable, corev1.TaintEffectNoSchedule, 65*time.Second)
	wantTaint(t, c, "ghost", TaintUnreachable, corev1.TaintEffectNoExecute, 65*time.Second)
	// Its kubelet starts at last: Ready, untainted.
	must(t, c.StartNode("ghost"))
	noTaint(t, c, "ghost", TaintUnreachable, corev1.TaintEffectNoExecute)
	if !nodeReady(c.nodeObject("ghost")) {
		t.Fatal("a started node is not Ready")
	}
}

func completingPod(name string) *corev1.Pod {
	p := nakedPod(name)
	p.Spec.RestartPolicy = corev1.RestartPolicyNever
	p.Spec.Containers[0].Image = "job:v1"
	return p
}

// Rule 6d: terminated pods above the threshold are deleted oldest first
// on the collector's next pass.
func TestPodGCTerminated(t *testing.T) {
	c := singleWorker(t, Options{Seed: 7, TerminatedPodGCThreshold: 2})
	c.Program("job:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return time.Second, 0, true }})
	for i, name := range []string{"d", "c", "b", "a"} {
		advanceTo(t, c, time.Duration(i+1)*time.Second)
		_, err := c.Create(completingPod(name))
		must(t, err)
	}
	advanceTo(t, c, 19*time.Second)
	if pods, _ := c.Pods("default", ""); len(pods) != 4 {
		t.Fatalf("want 4 pods before the pass, got %d", len(pods))
	}
	for _, p := range mustPods(t, c) {
		if p.Status.Phase != corev1.PodSucceeded {
			t.Fatalf("pod %s is %s", p.Name, p.Status.Phase)
		}
	}
	advanceTo(t, c, 20*time.Second)
	var names []string
	for _, p := range mustPods(t, c) {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("6d: left %v, want the two newest [a b]", names)
	}
}

func mustPods(t testing.TB, c *Cluster) []*corev1.Pod {
	t.Helper()
	pods, err := c.Pods("default", "")
	must(t, err)
	return pods
}

// Rule 6d: a pod being deleted that was never scheduled is force-deleted
// (here kept by its finalizer: it gets phase Failed).
func TestPodGCUnscheduledTerminating(t *testing.T) {
	c := singleWorker(t, Options{Seed: 8})
	p := nakedPod("huge")
	p.Finalizers = []string{"example.com/keep"}
	p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100")}
	_, err := c.Create(p)
	must(t, err)
	advanceTo(t, c, 3*time.Second)
	_, err = c.API().Delete(context.Background(), schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "default", "huge", metav1.DeleteOptions{})
	must(t, err)
	if got := podNamed(t, c, "huge"); got.DeletionTimestamp == nil || got.Status.Phase != corev1.PodPending {
		t.Fatalf("want a Pending pod being deleted, got %s %v", got.Status.Phase, got.DeletionTimestamp)
	}
	advanceTo(t, c, 20*time.Second)
	if got := podNamed(t, c, "huge"); got.Status.Phase != corev1.PodFailed {
		t.Fatalf("6d: phase %s after the pass", got.Status.Phase)
	}
}

// Rule 6d: pods terminating on a node that is not ready and carries
// node.kubernetes.io/out-of-service are force-deleted on the next pass.
func TestPodGCOutOfService(t *testing.T) {
	c := singleWorker(t, Options{Seed: 9})
	_, err := c.Create(nakedPod("p"))
	must(t, err)
	must(t, c.StopNode("w"))
	advanceTo(t, c, time.Minute) // Unknown at 60 s
	must(t, c.TaintNode("w", corev1.Taint{Key: TaintOutOfService, Value: "nodeshutdown", Effect: corev1.TaintEffectNoExecute}))
	if !terminating(t, c, "p") {
		t.Fatal("the out-of-service NoExecute taint did not evict")
	}
	advanceTo(t, c, 79*time.Second)
	if _, err := c.Get(KindPod, "default", "p"); err != nil {
		t.Fatal("6d: deleted before the pass")
	}
	var phases []corev1.PodPhase
	c.Watch(func(ch Change) {
		if ch.Kind == KindPod {
			phases = append(phases, ch.Object.(*corev1.Pod).Status.Phase)
		}
	})
	advanceTo(t, c, 80*time.Second)
	if _, err := c.Get(KindPod, "default", "p"); err == nil {
		t.Fatal("6d: the pod on the out-of-service node is still there")
	}
	if !slices.Equal(phases, []corev1.PodPhase{corev1.PodFailed, corev1.PodFailed}) {
		t.Fatalf("6d: writes %v, want Failed then the deletion", phases)
	}
}

// A ReplicaSet whose template names a node that carries a NoExecute taint
// it does not tolerate is upstream's hot loop: each pod is evicted at
// once and replaced at once. A real cluster spins as fast as its requests
// go; kubesem, where no time passes between them, stops the loop at
// Options.MaxRounds rounds with an error naming what looped, instead of
// hanging.
func TestEvictionReplacementLoopReported(t *testing.T) {
	c, err := New(Options{Seed: 42, MaxRounds: 200})
	must(t, err)
	rs := rsObject("r", 2)
	rs.Spec.Template.Spec.NodeName = "worker1"
	_, err = c.Create(rs)
	must(t, err)
	must(t, c.TaintNode("worker1", corev1.Taint{Key: "k", Value: "a", Effect: corev1.TaintEffectNoExecute}))
	err = c.Advance(time.Minute)
	if err == nil || !strings.Contains(err.Error(), "time does not advance past 0s") ||
		!strings.Contains(err.Error(), "taint-eviction-controller: TaintManagerEviction") || !strings.Contains(err.Error(), "replicaset-controller: SuccessfulCreate") {
		t.Fatalf("Advance: %v; want the loop reported", err)
	}
	// Lifting the taint ends the loop; the cluster goes on.
	must(t, c.UntaintNode("worker1", "k", ""))
	must(t, c.Settle(time.Hour))
	pods, err := c.Pods("default", "app=r")
	must(t, err)
	running := 0
	for _, p := range pods {
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning {
			running++
		}
	}
	if running != 2 {
		t.Errorf("%d running pods after the taint is lifted, want 2", running)
	}
}
