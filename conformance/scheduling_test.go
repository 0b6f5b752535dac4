package conformance

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/kubelet/lifecycle"
	"k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/nodeaffinity"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/noderesources"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/nodeunschedulable"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/tainttoleration"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
)

// schedPlugins are upstream's filter plugins kubesem models, in the
// default profile's order.
func schedPlugins(t testing.TB) []fwk.Plugin {
	ctx := context.Background()
	fts := feature.Features{EnablePodLevelResources: true}
	var out []fwk.Plugin
	for _, mk := range []func() (fwk.Plugin, error){
		func() (fwk.Plugin, error) { return nodeunschedulable.New(ctx, nil, nil, fts) },
		func() (fwk.Plugin, error) { return tainttoleration.New(ctx, nil, nil, fts) },
		func() (fwk.Plugin, error) {
			return nodeaffinity.New(ctx, &config.NodeAffinityArgs{}, nil, fts)
		},
		func() (fwk.Plugin, error) {
			return noderesources.NewFit(ctx, &config.NodeResourcesFitArgs{ScoringStrategy: &config.ScoringStrategy{
				Type:      config.LeastAllocated,
				Resources: []config.ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}},
			}}, nil, fts)
		},
	} {
		p, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// upstreamSchedule is kube-scheduler's cycle for one pod over the
// plugins: their PreFilters merged and their Filters run per node until
// one rejects, as frameworkImpl.RunPreFilterPlugins/RunFilterPlugins and
// findNodesThatFitPod do; for a pod that fits nowhere, the FitError with
// the default preemption's PostFilter message, built by upstream's
// FitError and NodeToStatus from the nodes' statuses (every pod has
// priority 0, so the dry run finds no victim on a node:
// SelectVictimsOnNode's status). It returns the feasible nodes, or the
// message.
func upstreamSchedule(t *rapid.T, plugins []fwk.Plugin, pod *corev1.Pod, nodes []*corev1.Node, bound []*corev1.Pod) (sets.Set[string], string) {
	ctx := context.Background()
	if len(nodes) == 0 {
		return nil, "no nodes available to schedule pods"
	}
	infos := make([]fwk.NodeInfo, len(nodes))
	for i, n := range nodes {
		var on []*corev1.Pod
		for _, p := range bound {
			if p.Spec.NodeName == n.Name {
				on = append(on, p)
			}
		}
		ni := framework.NewNodeInfo(on...)
		ni.SetNode(n)
		infos[i] = ni
	}
	state := framework.NewCycleState()
	skip := sets.New[string]()
	var result *fwk.PreFilterResult
	withNodes := sets.New[string]()
	diag := framework.Diagnosis{NodeToStatus: framework.NewDefaultNodeToStatus()}
	fitErr := &framework.FitError{Pod: pod, NumAllNodes: len(nodes), Diagnosis: diag}
	var preFilterFailed bool
	for _, pl := range plugins {
		pf, ok := pl.(fwk.PreFilterPlugin)
		if !ok {
			continue
		}
		r, s := pf.PreFilter(ctx, state, pod, infos)
		if s.IsSkip() {
			skip.Insert(pl.Name())
			continue
		}
		if !s.IsSuccess() {
			if s.Code() != fwk.UnschedulableAndUnresolvable {
				t.Fatalf("PreFilter %s: %v", pl.Name(), s)
			}
			fitErr.Diagnosis.NodeToStatus.SetAbsentNodesStatus(s)
			fitErr.Diagnosis.PreFilterMsg = s.Message()
			preFilterFailed = true
			break
		}
		if !r.AllNodes() {
			withNodes.Insert(pl.Name())
		}
		result = result.Merge(r)
		if !result.AllNodes() && len(result.NodeNames) == 0 {
			t.Fatalf("an empty PreFilter result from %v", sets.List(withNodes))
		}
	}
	feasible := sets.New[string]()
	if !preFilterFailed {
		evaluate := infos
		if !result.AllNodes() {
			evaluate = nil
			for _, ni := range infos {
				if result.NodeNames.Has(ni.Node().Name) {
					evaluate = append(evaluate, ni)
				}
			}
			fitErr.Diagnosis.NodeToStatus.SetAbsentNodesStatus(fwk.NewStatus(fwk.UnschedulableAndUnresolvable,
				fmt.Sprintf("node(s) didn't satisfy plugin(s) %v", sets.List(withNodes))))
		}
		for _, ni := range evaluate {
			var status *fwk.Status
			for _, pl := range plugins {
				f, ok := pl.(fwk.FilterPlugin)
				if !ok || skip.Has(pl.Name()) {
					continue
				}
				if s := f.Filter(ctx, state, pod, ni); !s.IsSuccess() {
					status = s
					break
				}
			}
			if status == nil {
				feasible.Insert(ni.Node().Name)
				continue
			}
			fitErr.Diagnosis.NodeToStatus.Set(ni.Node().Name, status)
		}
	}
	if feasible.Len() > 0 {
		return feasible, ""
	}
	// The default preemption's PostFilter.
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == corev1.PreemptNever {
		fitErr.Diagnosis.PostFilterMsg = "preemption: not eligible due to preemptionPolicy=Never."
		return nil, fitErr.Error()
	}
	dry := framework.NewDefaultNodeToStatus()
	fitErr.Diagnosis.NodeToStatus.ForEachExplicitNode(func(name string, s *fwk.Status) {
		if s.Code() == fwk.Unschedulable {
			dry.Set(name, fwk.NewStatus(fwk.UnschedulableAndUnresolvable, "No preemption victims found for incoming pod"))
		}
	})
	preemptErr := &framework.FitError{Pod: pod, NumAllNodes: len(nodes), Diagnosis: framework.Diagnosis{NodeToStatus: dry}}
	preemptErr.Diagnosis.NodeToStatus.SetAbsentNodesStatus(fwk.NewStatus(fwk.UnschedulableAndUnresolvable, "Preemption is not helpful for scheduling"))
	fitErr.Diagnosis.PostFilterMsg = "preemption: " + preemptErr.Error()
	return nil, fitErr.Error()
}

// Random scheduling inputs: a few nodes with labels, taints, cordons and
// small allocatables, pods bound to them, and a pod with a nodeSelector,
// a required node affinity (every operator, matchFields on
// metadata.name), tolerations and requests.
func drawNodes(t *rapid.T) []*corev1.Node {
	n := rapid.IntRange(0, 4).Draw(t, "nodes")
	var out []*corev1.Node
	for i := range n {
		name := fmt.Sprintf("node-%d", i)
		labels := map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
		if v := rapid.SampledFrom([]string{"", "ssd", "hdd"}).Draw(t, "disk"); v != "" {
			labels["disk"] = v
		}
		if v := rapid.SampledFrom([]string{"", "1", "4", "x"}).Draw(t, "gpus"); v != "" {
			labels["gpus"] = v
		}
		alloc := corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(int64(rapid.SampledFrom([]int{0, 500, 1000, 2000, 4000}).Draw(t, "cpu")), resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(int64(rapid.SampledFrom([]int{0, 1 << 20, 1 << 30, 1 << 33}).Draw(t, "mem")), resource.BinarySI),
		}
		if pods := rapid.IntRange(-3, 3).Draw(t, "podsAlloc"); pods >= 0 {
			alloc[corev1.ResourcePods] = *resource.NewQuantity(int64(pods), resource.DecimalSI)
		} else {
			alloc[corev1.ResourcePods] = *resource.NewQuantity(110, resource.DecimalSI)
		}
		if rapid.Bool().Draw(t, "ephAlloc") {
			alloc[corev1.ResourceEphemeralStorage] = *resource.NewQuantity(1<<30, resource.BinarySI)
		}
		if rapid.IntRange(0, 3).Draw(t, "gpuAlloc") == 0 {
			alloc["example.com/gpu"] = *resource.NewQuantity(int64(rapid.IntRange(0, 2).Draw(t, "gpuN")), resource.DecimalSI)
		}
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec:   corev1.NodeSpec{Unschedulable: rapid.IntRange(0, 4).Draw(t, "cordon") == 0},
			Status: corev1.NodeStatus{Allocatable: alloc}}
		for j := range rapid.IntRange(0, 2).Draw(t, "taints") {
			node.Spec.Taints = append(node.Spec.Taints, corev1.Taint{
				Key:    rapid.SampledFrom([]string{"node-role.kubernetes.io/control-plane", "dedicated", "node.kubernetes.io/unschedulable"}).Draw(t, fmt.Sprint("taintKey", j)),
				Value:  rapid.SampledFrom([]string{"", "gpu"}).Draw(t, fmt.Sprint("taintValue", j)),
				Effect: rapid.SampledFrom([]corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectNoExecute, corev1.TaintEffectPreferNoSchedule}).Draw(t, fmt.Sprint("taintEffect", j)),
			})
		}
		out = append(out, node)
	}
	return out
}

func drawRequests(t *rapid.T, label string) corev1.ResourceList {
	rl := corev1.ResourceList{}
	if c := rapid.SampledFrom([]int{0, 0, 0, 100, 500, 1000, 2500}).Draw(t, label+"cpu"); c > 0 {
		rl[corev1.ResourceCPU] = *resource.NewMilliQuantity(int64(c), resource.DecimalSI)
	}
	if m := rapid.SampledFrom([]int{0, 0, 0, 1 << 20, 1 << 31}).Draw(t, label+"mem"); m > 0 {
		rl[corev1.ResourceMemory] = *resource.NewQuantity(int64(m), resource.BinarySI)
	}
	if rapid.IntRange(0, 5).Draw(t, label+"eph") == 0 {
		rl[corev1.ResourceEphemeralStorage] = *resource.NewQuantity(1<<20, resource.BinarySI)
	}
	if rapid.IntRange(0, 5).Draw(t, label+"gpu") == 0 {
		rl["example.com/gpu"] = *resource.NewQuantity(1, resource.DecimalSI)
	}
	return rl
}

func drawRequirement(t *rapid.T, label string, names []string) corev1.NodeSelectorRequirement {
	if rapid.IntRange(0, 3).Draw(t, label+"field") == 0 {
		op := rapid.SampledFrom([]corev1.NodeSelectorOperator{corev1.NodeSelectorOpIn, corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn}).Draw(t, label+"fieldOp")
		vals := rapid.SliceOfN(rapid.SampledFrom(names), 1, 2).Draw(t, label+"fieldValues")
		return corev1.NodeSelectorRequirement{Key: "metadata.name", Operator: op, Values: vals}
	}
	key := rapid.SampledFrom([]string{"disk", "gpus", "kubernetes.io/os"}).Draw(t, label+"key")
	op := rapid.SampledFrom([]corev1.NodeSelectorOperator{corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn,
		corev1.NodeSelectorOpExists, corev1.NodeSelectorOpDoesNotExist, corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt}).Draw(t, label+"op")
	var vals []string
	switch op {
	case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
		vals = rapid.SliceOfN(rapid.SampledFrom([]string{"ssd", "hdd", "1", "linux"}), 1, 2).Draw(t, label+"values")
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		vals = []string{rapid.SampledFrom([]string{"0", "2", "5"}).Draw(t, label+"bound")}
	}
	return corev1.NodeSelectorRequirement{Key: key, Operator: op, Values: vals}
}

func drawSchedPod(t *rapid.T, names []string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx", Resources: corev1.ResourceRequirements{Requests: drawRequests(t, "pod")}}}}}
	if rapid.IntRange(0, 2).Draw(t, "hasSelector") == 0 {
		p.Spec.NodeSelector = map[string]string{rapid.SampledFrom([]string{"disk", "gpus"}).Draw(t, "selKey"): rapid.SampledFrom([]string{"ssd", "1"}).Draw(t, "selValue")}
	}
	if rapid.IntRange(0, 1).Draw(t, "hasAffinity") == 0 {
		sel := &corev1.NodeSelector{}
		for i := range rapid.IntRange(0, 2).Draw(t, "terms") {
			var term corev1.NodeSelectorTerm
			for j := range rapid.IntRange(0, 2).Draw(t, "reqs") {
				r := drawRequirement(t, fmt.Sprintf("t%dr%d", i, j), names)
				if r.Key == "metadata.name" {
					term.MatchFields = append(term.MatchFields, r)
				} else {
					term.MatchExpressions = append(term.MatchExpressions, r)
				}
			}
			sel.NodeSelectorTerms = append(sel.NodeSelectorTerms, term)
		}
		p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: sel}}
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "tolerations") {
		tol := corev1.Toleration{
			Key:      rapid.SampledFrom([]string{"", "node-role.kubernetes.io/control-plane", "dedicated", "node.kubernetes.io/unschedulable"}).Draw(t, fmt.Sprint("tolKey", i)),
			Operator: rapid.SampledFrom([]corev1.TolerationOperator{corev1.TolerationOpExists, corev1.TolerationOpEqual}).Draw(t, fmt.Sprint("tolOp", i)),
			Effect:   rapid.SampledFrom([]corev1.TaintEffect{"", corev1.TaintEffectNoSchedule, corev1.TaintEffectNoExecute}).Draw(t, fmt.Sprint("tolEffect", i)),
		}
		if tol.Key == "" {
			tol.Operator = corev1.TolerationOpExists
		}
		if tol.Operator == corev1.TolerationOpEqual {
			tol.Value = rapid.SampledFrom([]string{"", "gpu"}).Draw(t, fmt.Sprint("tolValue", i))
		}
		p.Spec.Tolerations = append(p.Spec.Tolerations, tol)
	}
	if rapid.IntRange(0, 5).Draw(t, "never") == 0 {
		never := corev1.PreemptNever
		p.Spec.PreemptionPolicy = &never
	}
	return p
}

func drawBound(t *rapid.T, names []string) []*corev1.Pod {
	if len(names) == 0 {
		return nil
	}
	var out []*corev1.Pod
	for i := range rapid.IntRange(0, 4).Draw(t, "bound") {
		out = append(out, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("b", i), Namespace: "default", UID: types.UID(fmt.Sprint("u", i))},
			Spec: corev1.PodSpec{NodeName: rapid.SampledFrom(names).Draw(t, "boundNode"),
				Containers: []corev1.Container{{Name: "c", Image: "nginx", Resources: corev1.ResourceRequirements{Requests: drawRequests(t, fmt.Sprint("b", i))}}}}})
	}
	return out
}

// TestSchedulingMatchesUpstream: for random pods, nodes and bound pods,
// cluster.Schedule binds to a node upstream's filter plugins
// (NodeUnschedulable, TaintToleration, NodeAffinity with its PreFilter,
// NodeResourcesFit) find feasible, and for a pod that fits nowhere gives
// the message upstream's FitError builds from those plugins' statuses,
// the default preemption's PostFilter message included.
func TestSchedulingMatchesUpstream(t *testing.T) {
	plugins := schedPlugins(t)
	bound, unbound := 0, 0
	defer func() { t.Logf("scheduled %d, unschedulable %d", bound, unbound) }()
	rapid.Check(t, func(t *rapid.T) {
		nodes := drawNodes(t)
		names := []string{"nowhere"}
		for _, n := range nodes {
			names = append(names, n.Name)
		}
		pod := drawSchedPod(t, names)
		onNodes := drawBound(t, names[1:])
		before := pod.DeepCopy()
		got := cluster.Schedule(pod, nodes, onNodes)
		if !equalPods(before, pod) {
			t.Fatal("Schedule changed the pod")
		}
		feasible, msg := upstreamSchedule(t, plugins, pod, nodes, onNodes)
		if got.Node != "" {
			bound++
			if !feasible.Has(got.Node) {
				t.Fatalf("kubesem bound to %s; upstream's feasible nodes: %v (message %q)", got.Node, sets.List(feasible), msg)
			}
			return
		}
		unbound++
		if feasible.Len() > 0 {
			t.Fatalf("kubesem: %q; upstream finds %v feasible", got.Message, sets.List(feasible))
		}
		if got.Message != msg {
			t.Fatalf("message\nkubesem:  %q\nupstream: %q", got.Message, msg)
		}
	})
}

func equalPods(a, b *corev1.Pod) bool { return a.String() == b.String() }

// TestKubeletAdmissionMatchesUpstream: cluster.KubeletAdmit agrees with
// the kubelet's predicate admit handler (pkg/kubelet/lifecycle:
// predicateAdmitHandler.Admit) on random pods bound to random nodes:
// admitted or not, the reason and the message.
func TestKubeletAdmissionMatchesUpstream(t *testing.T) {
	admitted, rejected := 0, map[string]int{}
	defer func() { t.Logf("admitted %d, rejected %v", admitted, rejected) }()
	rapid.Check(t, func(t *rapid.T) {
		nodes := drawNodes(t)
		if len(nodes) == 0 {
			return
		}
		node := nodes[0]
		pod := drawSchedPod(t, []string{"nowhere", node.Name})
		pod.Spec.NodeName = node.Name
		switch rapid.IntRange(0, 9).Draw(t, "os") {
		case 0:
			pod.Labels = map[string]string{"kubernetes.io/os": rapid.SampledFrom([]string{"linux", "windows"}).Draw(t, "osLabel")}
		case 1:
			pod.Spec.OS = &corev1.PodOS{Name: corev1.OSName(rapid.SampledFrom([]string{"linux", "windows"}).Draw(t, "osName"))}
		}
		others := drawBound(t, []string{node.Name})
		h := lifecycle.NewPredicateAdmitHandler(
			func(context.Context, bool) (*corev1.Node, error) { return node.DeepCopy(), nil },
			lifecycle.NewAdmissionFailureHandlerStub(),
			func(*framework.NodeInfo, *lifecycle.PodAdmitAttributes) error { return nil })
		want := h.Admit(context.Background(), &lifecycle.PodAdmitAttributes{Pod: pod.DeepCopy(), OtherPods: others, Operation: lifecycle.AddOperation})
		got := cluster.KubeletAdmit(pod, node, others)
		if got.Admitted != want.Admit || got.Reason != want.Reason || got.Message != want.Message {
			t.Fatalf("kubesem %+v\nupstream %+v", got, want)
		}
		if got.Admitted {
			admitted++
		} else {
			rejected[got.Reason]++
		}
	})
}
