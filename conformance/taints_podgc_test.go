package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"
	"time"
	_ "unsafe" // go:linkname, for tainteviction's getMinTolerationTime

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	corelisters "k8s.io/client-go/listers/core/v1"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	v1helper "k8s.io/kubernetes/pkg/apis/core/v1/helper"
	"k8s.io/kubernetes/pkg/controller/podgc"
	"k8s.io/kubernetes/pkg/controller/tainteviction"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
)

// ---- Pod GC (rule 6d) ----

// syncedInformer is an informer whose cache is always synced; only its
// HasSynced is used (the listers are the stub's own).
type syncedInformer struct{ cache.SharedIndexInformer }

func (syncedInformer) HasSynced() bool { return true }

type stubPodInformer struct{ lister corelisters.PodLister }

func (s stubPodInformer) Informer() cache.SharedIndexInformer { return syncedInformer{} }
func (s stubPodInformer) Lister() corelisters.PodLister       { return s.lister }

type stubNodeInformer struct{ lister corelisters.NodeLister }

func (s stubNodeInformer) Informer() cache.SharedIndexInformer { return syncedInformer{} }
func (s stubNodeInformer) Lister() corelisters.NodeLister      { return s.lister }

// onePassPodLister lists the pods for the collector's first gc pass; its
// second List (the next pass, begun only once the first has returned,
// every delete it started waited for) stops the controller.
type onePassPodLister struct {
	corelisters.PodLister
	calls  atomic.Int32
	cancel context.CancelFunc
}

func (l *onePassPodLister) List(sel labels.Selector) ([]*corev1.Pod, error) {
	if l.calls.Add(1) > 1 {
		l.cancel()
		return nil, errors.New("one pass only")
	}
	return l.PodLister.List(sel)
}

// upstreamPodGC runs upstream's PodGCController (NewPodGCInternal, its Run)
// for exactly one gc pass over the pods and nodes on client-go's fake
// clientset, and returns the pods it deleted and those it patched (to
// Failed) first. The quarantine of orphans' nodes is an hour, so the
// orphan duty never acts within the pass (kubesem's PodGCVictims
// excludes it: rule 6d, podGCOrphans is separate).
func upstreamPodGC(pods []*corev1.Pod, nodes []*corev1.Node, threshold int) (deleted, patched map[string]bool) {
	objs := make([]runtime.Object, 0, len(pods))
	podIdx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	for _, p := range pods {
		objs = append(objs, p.DeepCopy())
		_ = podIdx.Add(p)
	}
	nodeIdx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, n := range nodes {
		_ = nodeIdx.Add(n)
	}
	client := fake.NewSimpleClientset(objs...)
	ctx, cancel := context.WithCancel(klog.NewContext(context.Background(), logr.Discard()))
	defer cancel()
	lister := &onePassPodLister{PodLister: corelisters.NewPodLister(podIdx), cancel: cancel}
	gcc := podgc.NewPodGCInternal(ctx, client, stubPodInformer{lister}, stubNodeInformer{corelisters.NewNodeLister(nodeIdx)},
		threshold, time.Nanosecond, time.Hour)
	gcc.Run(ctx)
	deleted, patched = map[string]bool{}, map[string]bool{}
	for _, a := range client.Actions() {
		if a.GetResource().Resource != "pods" {
			continue
		}
		switch a := a.(type) {
		case clienttesting.DeleteAction:
			deleted[a.GetNamespace()+"/"+a.GetName()] = true
		case clienttesting.PatchAction:
			if a.GetSubresource() == "status" {
				patched[a.GetNamespace()+"/"+a.GetName()] = true
			}
		}
	}
	return deleted, patched
}

func genPodGCNode(t *rapid.T, name string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	switch rapid.IntRange(0, 3).Draw(t, name+"-ready") {
	case 0:
		n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	case 1:
		n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse}}
	case 2:
		n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
			{Type: corev1.NodeReady, Status: corev1.ConditionUnknown}}
	}
	if rapid.Bool().Draw(t, name+"-other-taint") {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute})
	}
	if rapid.IntRange(0, 2).Draw(t, name+"-oos") > 0 {
		effect := rapid.SampledFrom([]corev1.TaintEffect{corev1.TaintEffectNoExecute, corev1.TaintEffectNoSchedule}).Draw(t, name+"-oos-effect")
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: corev1.TaintNodeOutOfService,
			Value: rapid.SampledFrom([]string{"", "nodeshutdown"}).Draw(t, name+"-oos-value"), Effect: effect})
	}
	return n
}

func genPodGCPod(t *rapid.T, i int, base time.Time) *corev1.Pod {
	ns := rapid.SampledFrom([]string{"default", "team"}).Draw(t, "ns")
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("p%02d", i),
		UID:               types.UID(fmt.Sprint("uid-", i)),
		CreationTimestamp: metav1.NewTime(base.Add(time.Duration(rapid.IntRange(0, 5).Draw(t, "created")) * time.Second))}}
	p.Spec.NodeName = rapid.SampledFrom([]string{"", "n0", "n1", "n2", "gone"}).Draw(t, "node")
	p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodSucceeded, corev1.PodFailed, corev1.PodFailed,
		corev1.PodRunning, corev1.PodPending, corev1.PodUnknown, ""}).Draw(t, "phase")
	if rapid.IntRange(0, 2).Draw(t, "evicted") == 0 {
		p.Status.Reason = "Evicted"
	}
	if rapid.Bool().Draw(t, "terminating") {
		ts := metav1.NewTime(base.Add(time.Minute))
		p.DeletionTimestamp = &ts
		p.DeletionGracePeriodSeconds = new(int64(30))
		if rapid.Bool().Draw(t, "finalizer") {
			p.Finalizers = []string{"example.com/keep"}
		}
	}
	return p
}

// TestPodGCVictimsMatchUpstream: cluster.PodGCVictims (rule 6d) picks the
// pods upstream's PodGCController deletes on one gc pass (run on the fake
// clientset: NewPodGCInternal + Run, stopped at its second pass), for
// random pods (phases Succeeded, Failed with or without reason Evicted,
// Running, Pending, Unknown, empty; being deleted or not; unbound, on one
// of three nodes, or on a node that does not exist; creation times with
// ties), random nodes (Ready True, False, Unknown or no condition; with
// or without node.kubernetes.io/out-of-service of either effect) and a
// random threshold (0 = off). The duties compared are gcTerminated,
// gcTerminating and gcUnscheduledTerminating; gcOrphaned is held off by
// an hour's quarantine (it would act only on a later pass, 40 s after
// upstream first sees a missing node), so pods on the missing node are
// victims only through the other duties in both. Also compared: upstream
// patches the phase (to Failed) of exactly the victims that are neither
// Succeeded nor Failed, as kubesem's forceDeletePod does.
func TestPodGCVictimsMatchUpstream(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var cases, withVictims, withPatches int
	defer func() { t.Logf("%d cases, %d with victims, %d with phase patches", cases, withVictims, withPatches) }()
	rapid.Check(t, func(t *rapid.T) {
		nodes := []*corev1.Node{}
		for _, name := range []string{"n0", "n1", "n2"} {
			if rapid.IntRange(0, 5).Draw(t, name+"-exists") > 0 {
				nodes = append(nodes, genPodGCNode(t, name))
			}
		}
		n := rapid.IntRange(0, 12).Draw(t, "pods")
		pods := make([]*corev1.Pod, n)
		for i := range pods {
			pods[i] = genPodGCPod(t, i, base)
		}
		threshold := rapid.IntRange(0, n+1).Draw(t, "threshold")

		in := make([]*corev1.Pod, len(pods))
		for i, p := range pods {
			in[i] = p.DeepCopy()
		}
		victims := cluster.PodGCVictims(in, nodes, threshold)
		for i := range pods {
			if !reflect.DeepEqual(in[i], pods[i]) {
				t.Fatalf("PodGCVictims modified its input pod %s", pods[i].Name)
			}
		}
		got := map[string]bool{}
		for _, v := range victims {
			k := v.Namespace + "/" + v.Name
			if got[k] {
				t.Fatalf("PodGCVictims lists %s twice: %v", k, victims)
			}
			got[k] = true
		}
		wantDeleted, wantPatched := upstreamPodGC(pods, nodes, threshold)
		if !sameSet(got, wantDeleted) {
			t.Fatalf("threshold %d: kubesem deletes %v, upstream %v", threshold, keys(got), keys(wantDeleted))
		}
		gotPatched := map[string]bool{}
		for _, p := range pods {
			if k := p.Namespace + "/" + p.Name; got[k] && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
				gotPatched[k] = true
			}
		}
		if !sameSet(gotPatched, wantPatched) {
			t.Fatalf("kubesem marks Failed %v, upstream %v", keys(gotPatched), keys(wantPatched))
		}
		cases++
		if len(got) > 0 {
			withVictims++
		}
		if len(gotPatched) > 0 {
			withPatches++
		}
	})
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---- Taint eviction (rule 6a) ----

// upstreamMinTolerationTime is tainteviction's unexported
// getMinTolerationTime itself (the smallest tolerationSeconds of the
// tolerations used, 0 when one is ≤ 0 or none is used, -1 for forever).
//
//go:linkname upstreamMinTolerationTime k8s.io/kubernetes/pkg/controller/tainteviction.getMinTolerationTime
func upstreamMinTolerationTime(tolerations []corev1.Toleration) time.Duration

// keep tainteviction (and so getMinTolerationTime) linked in.
var _ = tainteviction.NewWorkArgs

// upstreamEvictionDelay is upstream processPodOnNode's decision for a pod
// with no eviction pending (taint_eviction.go): the node's NoExecute
// taints (getNoExecuteTaints' filter), then
// v1helper.GetMatchingTolerations (upstream, with the
// TaintTolerationComparisonOperators gate at its default, off): not all
// tolerated → now (0); else getMinTolerationTime (upstream, linked):
// < 0 → never (ok false), else after that delay.
func upstreamEvictionDelay(tolerations []corev1.Toleration, taints []corev1.Taint) (time.Duration, bool) {
	noExec := []corev1.Taint{}
	for _, tt := range taints {
		if tt.Effect == corev1.TaintEffectNoExecute {
			noExec = append(noExec, tt)
		}
	}
	if len(noExec) == 0 {
		return 0, false // handleNodeUpdate: nothing to evict for
	}
	all, used := v1helper.GetMatchingTolerations(logr.Discard(), noExec, tolerations)
	if !all {
		return 0, true
	}
	d := upstreamMinTolerationTime(used)
	if d < 0 {
		return 0, false
	}
	return d, true
}

var (
	taintKeys   = []string{"a", "b", "example.com/c"}
	taintValues = []string{"", "x", "y"}
)

func genTaints(t *rapid.T) []corev1.Taint {
	var out []corev1.Taint
	seen := map[string]bool{}
	for range rapid.IntRange(1, 4).Draw(t, "taints") {
		tt := corev1.Taint{Key: rapid.SampledFrom(taintKeys).Draw(t, "taint-key"),
			Value: rapid.SampledFrom(taintValues).Draw(t, "taint-value"),
			Effect: rapid.SampledFrom([]corev1.TaintEffect{corev1.TaintEffectNoExecute, corev1.TaintEffectNoExecute,
				corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule}).Draw(t, "taint-effect")}
		if seen[tt.Key+":"+string(tt.Effect)] {
			continue // the apiserver rejects a duplicate key:effect
		}
		seen[tt.Key+":"+string(tt.Effect)] = true
		out = append(out, tt)
	}
	return out
}

// genTolerations: valid tolerations (the apiserver's validateTolerations:
// an empty key only with Exists, Exists without a value,
// tolerationSeconds only with NoExecute).
func genTolerations(t *rapid.T) []corev1.Toleration {
	var out []corev1.Toleration
	for range rapid.IntRange(0, 4).Draw(t, "tolerations") {
		tol := corev1.Toleration{Key: rapid.SampledFrom(append([]string{""}, taintKeys...)).Draw(t, "tol-key")}
		if tol.Key == "" || rapid.Bool().Draw(t, "exists") {
			tol.Operator = corev1.TolerationOpExists
		} else {
			tol.Operator = rapid.SampledFrom([]corev1.TolerationOperator{"", corev1.TolerationOpEqual}).Draw(t, "op")
			tol.Value = rapid.SampledFrom(taintValues).Draw(t, "tol-value")
		}
		tol.Effect = rapid.SampledFrom([]corev1.TaintEffect{"", corev1.TaintEffectNoExecute, corev1.TaintEffectNoExecute,
			corev1.TaintEffectNoSchedule}).Draw(t, "tol-effect")
		if tol.Effect == corev1.TaintEffectNoExecute && rapid.IntRange(0, 3).Draw(t, "has-seconds") > 0 {
			tol.TolerationSeconds = new(int64(rapid.IntRange(-3, 20).Draw(t, "seconds")))
		}
		out = append(out, tol)
	}
	return out
}

// TestTaintEvictionMatchesUpstream: a pod bound to node w with random
// tolerations, the node given random taints in one write (TaintNode for
// one, else a strategic merge patch of spec.taints), kubesem's cluster
// then advanced on its virtual clock: the pod is deleted at once, at its
// smallest tolerationSeconds, or never (watched 25 s), as upstream's
// decision says — v1helper.GetMatchingTolerations and tainteviction's
// getMinTolerationTime called themselves, composed as processPodOnNode
// composes them. (Upstream's Controller cannot run on a fake clock: its
// TimedWorkerQueue is built on clock.RealClock and processPodOnNode reads
// time.Now(), none of it injectable; its decisions are otherwise not
// observable without waiting tolerationSeconds of real time.)
func TestTaintEvictionMatchesUpstream(t *testing.T) {
	outcomes := map[string]int{}
	defer func() { t.Logf("outcomes %v", outcomes) }()
	// A cluster serves poolNodes cases, each on a node and a pod of its
	// own (building one is most of a case's cost).
	const poolNodes = 8
	var c *cluster.Cluster
	used := poolNodes
	rapid.Check(t, func(t *rapid.T) {
		if used == poolNodes {
			nodes := make([]*corev1.Node, poolNodes)
			for i := range nodes {
				nodes[i] = cluster.NewNode(fmt.Sprint("w", i), "8", "16Gi", 110)
			}
			var err error
			if c, err = cluster.New(cluster.Options{Seed: 1, Nodes: nodes}); err != nil {
				t.Fatal(err)
			}
			used = 0
		}
		node, name := fmt.Sprint("w", used), fmt.Sprint("p", used)
		// Until this case passes, the next one builds a fresh cluster
		// (so that a failing case shrinks on clusters of its own).
		next := used + 1
		used = poolNodes
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "nginx"}},
				Tolerations: genTolerations(t)}}
		o, err := c.Create(pod)
		if err != nil {
			t.Fatalf("create %v: %v", pod.Spec.Tolerations, err)
		}
		tolerations := o.(*corev1.Pod).Spec.Tolerations // as admitted
		if err := c.Advance(time.Duration(rapid.IntRange(0, 3).Draw(t, "settle")) * time.Second); err != nil {
			t.Fatal(err)
		}
		taints := genTaints(t)
		if len(taints) == 1 {
			err = c.TaintNode(node, taints[0])
		} else {
			b, _ := json.Marshal(map[string]any{"spec": map[string]any{"taints": taints}})
			_, err = c.Patch(cluster.KindNode, "", node, b)
		}
		if err != nil {
			t.Fatalf("taint %v: %v", taints, err)
		}
		t0 := c.Elapsed()
		delay, evicts := upstreamEvictionDelay(tolerations, taints)

		terminating := func() bool {
			if err := c.Advance(0); err != nil {
				t.Fatal(err)
			}
			o, err := c.Get(cluster.KindPod, "default", name)
			return err != nil || o.GetDeletionTimestamp() != nil
		}
		advanceTo := func(d time.Duration) {
			if err := c.Advance(t0 + d - c.Elapsed()); err != nil {
				t.Fatal(err)
			}
		}
		what := fmt.Sprintf("pod %s on %s: tolerations %v, taints %v", name, node, tolerations, taints)
		switch {
		case !evicts:
			outcomes["never"]++
			advanceTo(25 * time.Second)
			if terminating() {
				t.Fatalf("%s: upstream never evicts, kubesem evicted by 25 s", what)
			}
		case delay == 0:
			outcomes["now"]++
			if !terminating() {
				t.Fatalf("%s: upstream evicts at once, kubesem did not", what)
			}
		default:
			outcomes["later"]++
			advanceTo(delay - time.Second)
			if terminating() {
				t.Fatalf("%s: upstream evicts after %s, kubesem before", what, delay)
			}
			advanceTo(delay)
			if !terminating() {
				t.Fatalf("%s: upstream evicts after %s, kubesem did not then", what, delay)
			}
		}
		used = next
	})
}
