package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// schedNodes are three nodes as the cluster starts them: master with the
// control-plane taint, worker1 labelled disk=ssd, worker2 unlabelled.
func schedNodes() []*corev1.Node {
	master := NewNode("master", "2", "4Gi", 110)
	master.Labels["node-role.kubernetes.io/control-plane"] = ""
	master.Spec.Taints = []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}
	w1 := NewNode("worker1", "2", "4Gi", 110)
	w1.Labels["disk"] = "ssd"
	w1.Labels["gpus"] = "4"
	w2 := NewNode("worker2", "2", "4Gi", 3)
	w2.Labels["gpus"] = "1"
	return []*corev1.Node{master, w1, w2}
}

func cpuPod(name, node, cpu string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
	if cpu != "" {
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	}
	return p
}

func withAffinity(p *corev1.Pod, terms ...corev1.NodeSelectorTerm) *corev1.Pod {
	p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms}}}
	return p
}

func expr(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorRequirement {
	return corev1.NodeSelectorRequirement{Key: key, Operator: op, Values: values}
}

// Rule 4: the filters, their order, the PreFilter's node names, and
// kube-scheduler's texts for a pod that fits nowhere.
func TestScheduleRule4(t *testing.T) {
	never := corev1.PreemptNever
	const notHelpful3 = " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	tests := []struct {
		name  string
		pod   *corev1.Pod
		bound []*corev1.Pod
		nodes []*corev1.Node // nil: schedNodes
		node  string
		msg   string
	}{
		{name: "no constraint: fewest pods, ties by name", pod: cpuPod("p", "", "100m"), node: "worker1"},
		{name: "fewest pods", pod: cpuPod("p", "", ""), bound: []*corev1.Pod{cpuPod("a", "worker1", "")}, node: "worker2"},
		{name: "nodeSelector", pod: func() *corev1.Pod {
			p := cpuPod("p", "", "")
			p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
			return p
		}(),
			bound: []*corev1.Pod{cpuPod("a", "worker1", "")}, node: "worker1"},
		{name: "the issue's three reasons",
			pod: func() *corev1.Pod {
				p := cpuPod("p", "", "1")
				p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
				return p
			}(),
			bound: []*corev1.Pod{cpuPod("a", "worker1", "1500m")},
			msg: "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s)." +
				" preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."},
		{name: "more than a node holds: preemption cannot help", pod: cpuPod("p", "", "3"),
			msg: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu." + notHelpful3},
		{name: "preemptionPolicy Never",
			pod: func() *corev1.Pod { p := cpuPod("p", "", "3"); p.Spec.PreemptionPolicy = &never; return p }(),
			msg: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."},
		{name: "In and NotIn ANDed", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
			expr("kubernetes.io/os", corev1.NodeSelectorOpIn, "linux"), expr("disk", corev1.NodeSelectorOpNotIn, "ssd")}}), node: "worker2"},
		{name: "Exists", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
			expr("disk", corev1.NodeSelectorOpExists)}}), bound: []*corev1.Pod{cpuPod("a", "worker1", "")}, node: "worker1"},
		{name: "DoesNotExist", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
			expr("disk", corev1.NodeSelectorOpDoesNotExist)}}), node: "worker2"},
		{name: "Gt", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
			expr("gpus", corev1.NodeSelectorOpGt, "2")}}), bound: []*corev1.Pod{cpuPod("a", "worker1", "")}, node: "worker1"},
		{name: "Lt", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
			expr("gpus", corev1.NodeSelectorOpLt, "2")}}), node: "worker2"},
		{name: "terms ORed", pod: withAffinity(cpuPod("p", "", ""),
			corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("disk", corev1.NodeSelectorOpIn, "hdd")}},
			corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("gpus", corev1.NodeSelectorOpIn, "1")}}), node: "worker2"},
		{name: "nodeSelector and affinity both", pod: func() *corev1.Pod {
			p := withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("gpus", corev1.NodeSelectorOpIn, "1")}})
			p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
			return p
		}(), msg: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector." + notHelpful3},
		{name: "matchFields metadata.name: only the named nodes are filtered", pod: withAffinity(cpuPod("p", "", "3"), corev1.NodeSelectorTerm{
			MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", corev1.NodeSelectorOpIn, "worker2")}}),
			msg: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]." + notHelpful3},
		{name: "a field In with two values is an error: the term matches nothing", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{
			MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", corev1.NodeSelectorOpIn, "worker2", "gone")}}),
			msg: "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]." + notHelpful3},
		{name: "matchFields naming a node that does not exist", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{
			MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", corev1.NodeSelectorOpIn, "gone")}}),
			msg: "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]." + notHelpful3},
		{name: "matchFields names that cancel out", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{
			MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", corev1.NodeSelectorOpIn, "worker1"), expr("metadata.name", corev1.NodeSelectorOpIn, "worker2")}}),
			msg: "0/3 nodes are available: pod affinity terms conflict." + notHelpful3},
		{name: "matchFields NotIn filters, no PreFilter", pod: withAffinity(cpuPod("p", "", ""), corev1.NodeSelectorTerm{
			MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", corev1.NodeSelectorOpNotIn, "worker1")}}), node: "worker2"},
		{name: "too many pods", pod: func() *corev1.Pod {
			p := cpuPod("p", "", "")
			p.Spec.NodeSelector = map[string]string{"gpus": "1"}
			return p
		}(),
			bound: []*corev1.Pod{cpuPod("a", "worker2", ""), cpuPod("b", "worker2", ""), cpuPod("c", "worker2", "")},
			msg:   "0/3 nodes are available: 1 Too many pods, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."},
		{name: "terminal pods count for nothing", pod: cpuPod("p", "", "1"), bound: func() []*corev1.Pod {
			a, b := cpuPod("a", "worker1", "1500m"), cpuPod("b", "worker2", "1500m")
			a.Status.Phase = corev1.PodSucceeded
			return []*corev1.Pod{a, b}
		}(), node: "worker1"},
		{name: "no nodes", pod: cpuPod("p", "", ""), nodes: []*corev1.Node{}, msg: "no nodes available to schedule pods"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes := tt.nodes
			if nodes == nil {
				nodes = schedNodes()
			}
			before := tt.pod.DeepCopy()
			got := Schedule(tt.pod, nodes, tt.bound)
			if got.Node != tt.node || got.Message != tt.msg {
				t.Fatalf("Schedule = %q %q\nwant       %q %q", got.Node, got.Message, tt.node, tt.msg)
			}
			if !equalObj(before, tt.pod) {
				t.Fatal("Schedule changed its input")
			}
		})
	}
}

func equalObj(a, b *corev1.Pod) bool { return a.String() == b.String() }

// Rule 4: the kubelet's admission of a pod bound to its node.
func TestKubeletAdmitRule4(t *testing.T) {
	nodes := schedNodes()
	w1 := nodes[1]
	exec := nodes[2].DeepCopy()
	exec.Spec.Taints = []corev1.Taint{{Key: "gone", Effect: corev1.TaintEffectNoExecute}, {Key: "soft", Effect: corev1.TaintEffectNoSchedule}}
	linuxOS := func(p *corev1.Pod, os string) *corev1.Pod {
		p.Labels = map[string]string{"kubernetes.io/os": os}
		return p
	}
	tests := []struct {
		name           string
		pod            *corev1.Pod
		node           *corev1.Node
		others         []*corev1.Pod
		reason, prefix string
	}{
		{name: "fits", pod: cpuPod("p", "worker1", "1"), node: w1},
		{name: "cpu", pod: cpuPod("p", "worker1", "1"), node: w1, others: []*corev1.Pod{cpuPod("a", "worker1", "1500m")},
			reason: "OutOfcpu", prefix: "Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000"},
		{name: "pods first", pod: cpuPod("p", "worker2", "3"), node: nodes[2], others: []*corev1.Pod{cpuPod("a", "", ""), cpuPod("b", "", ""), cpuPod("c", "", "")},
			reason: "OutOfpods", prefix: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3"},
		{name: "node affinity", pod: func() *corev1.Pod {
			p := cpuPod("p", "worker2", "")
			p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
			return p
		}(),
			node: nodes[2], reason: "NodeAffinity", prefix: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"},
		{name: "NoSchedule taints do not matter to the kubelet", pod: cpuPod("p", "master", ""), node: nodes[0]},
		{name: "NoExecute taint", pod: cpuPod("p", "worker2", ""), node: exec,
			reason: "TaintToleration", prefix: "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate"},
		{name: "os label", pod: linuxOS(cpuPod("p", "worker1", "3"), "windows"), node: w1,
			reason: "PodOSSelectorNodeLabelDoesNotMatch", prefix: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label"},
		{name: "os field", pod: func() *corev1.Pod {
			p := cpuPod("p", "worker1", "")
			p.Spec.OS = &corev1.PodOS{Name: "windows"}
			return p
		}(), node: w1,
			reason: "PodOSNotSupported", prefix: "Failed to admit pod as the OS field doesn't match node OS"},
		{name: "an extended resource the node does not list is left out", pod: func() *corev1.Pod {
			p := cpuPod("p", "worker1", "")
			p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{"example.com/dongle": resource.MustParse("1")}
			return p
		}(), node: w1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := KubeletAdmit(tt.pod, tt.node, tt.others)
			if got.Admitted != (tt.reason == "") || got.Reason != tt.reason || got.Message != tt.prefix {
				t.Fatalf("KubeletAdmit = %+v, want reason %q message %q", got, tt.reason, tt.prefix)
			}
		})
	}
	if got := KubeletAdmit(nil, nil, nil); got.Admitted {
		t.Fatal("nil pod admitted")
	}
}

// Rule 4 on the cluster: a pod created with spec.nodeName runs there
// without the scheduler (one naming a node that does not exist:
// TestNodeNameMissingNodeRule4); one its kubelet refuses is Failed with the kubelet's texts; a
// pod that fits nowhere has the scheduler's condition and event.
func TestNodeNamePodsRule4(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(cpuPod("direct", "worker1", ""))
	must(t, err)
	_, err = c.Create(cpuPod("onmaster", "master", ""))
	must(t, err)
	_, err = c.Create(cpuPod("huge", "worker2", "3"))
	must(t, err)
	sel := cpuPod("picky", "", "")
	sel.Spec.NodeSelector = map[string]string{"disk": "ssd"}
	_, err = c.Create(sel)
	must(t, err)
	must(t, c.Advance(time.Minute))

	direct := podNamed(t, c, "direct")
	if direct.Status.Phase != corev1.PodRunning || direct.Status.PodIP == "" {
		t.Fatalf("direct: %s ip %q", direct.Status.Phase, direct.Status.PodIP)
	}
	// the kubelet ignores NoSchedule taints: master runs it
	if p := podNamed(t, c, "onmaster"); p.Status.Phase != corev1.PodRunning {
		t.Fatalf("onmaster: %s", p.Status.Phase)
	}
	huge := podNamed(t, c, "huge")
	wantMsg := "Node didn't have enough resource: cpu, requested: 3000, used: 0, capacity: 2000"
	if huge.Status.Phase != corev1.PodFailed || huge.Status.Reason != "OutOfcpu" || huge.Status.Message != "Pod was rejected: "+wantMsg || huge.Status.PodIP != "" {
		t.Fatalf("huge: %+v", huge.Status)
	}
	picky := podNamed(t, c, "picky")
	wantSched := "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector." +
		" preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if cond := podCond(picky, corev1.PodScheduled); cond == nil || cond.Status != corev1.ConditionFalse || cond.Reason != "Unschedulable" || cond.Message != wantSched {
		t.Fatalf("picky: %+v", cond)
	}
	var rejected, failedScheduling, scheduled int
	for _, e := range c.Events() {
		switch {
		case e.Name == "huge" && e.Reason == "OutOfcpu" && e.Type == "Warning" && e.Message == wantMsg:
			rejected++
		case e.Name == "picky" && e.Reason == "FailedScheduling" && e.Message == wantSched:
			failedScheduling++
		case e.Reason == "Scheduled" && (e.Name == "direct" || e.Name == "huge"):
			scheduled++
		}
	}
	if rejected != 1 || failedScheduling != 1 || scheduled != 0 {
		t.Fatalf("events: %d OutOfcpu, %d FailedScheduling, %d Scheduled for bound pods\n%v", rejected, failedScheduling, scheduled, c.Events())
	}
	// Labelling a node to match: the pending pod is scheduled there.
	_, err = c.Label(KindNode, "", "worker1", false, "disk=ssd")
	must(t, err)
	must(t, c.Advance(time.Second))
	if p := podNamed(t, c, "picky"); p.Spec.NodeName != "worker1" {
		t.Fatalf("picky after the label: on %q", p.Spec.NodeName)
	}
}
