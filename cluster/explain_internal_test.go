package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// drawSchedWorld draws nodes (taints of every effect, cordons, labels,
// small allocatables), a pod (tolerations, a nodeSelector, a required
// node affinity that may name nodes, requests) and pods bound to the
// nodes.
func drawSchedWorld(t *rapid.T) (*corev1.Pod, []*corev1.Node, []*corev1.Pod) {
	names := []string{"a", "b", "c", "d"}
	var nodes []*corev1.Node
	for i := range rapid.IntRange(0, 4).Draw(t, "nodes") {
		n := NewNode(names[i], rapid.SampledFrom([]string{"1", "2"}).Draw(t, "cpu"), "1Gi", int64(rapid.IntRange(1, 3).Draw(t, "maxPods")))
		n.Labels["disk"] = rapid.SampledFrom([]string{"ssd", "hdd", ""}).Draw(t, "disk")
		n.Spec.Unschedulable = rapid.IntRange(0, 4).Draw(t, "cordon") == 0
		for range rapid.IntRange(0, 2).Draw(t, "taints") {
			n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{
				Key:    rapid.SampledFrom([]string{"k1", "k2", TaintNotReady}).Draw(t, "taintKey"),
				Value:  rapid.SampledFrom([]string{"", "v"}).Draw(t, "taintValue"),
				Effect: rapid.SampledFrom([]corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectNoExecute, corev1.TaintEffectPreferNoSchedule}).Draw(t, "taintEffect"),
			})
		}
		nodes = append(nodes, n)
	}
	pod := func(name, node string) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
		if cpu := rapid.SampledFrom([]string{"", "100m", "900m", "1500m"}).Draw(t, "request"); cpu != "" {
			p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
		}
		return p
	}
	p := pod("p", "")
	for range rapid.IntRange(0, 2).Draw(t, "tolerations") {
		p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{
			Key:      rapid.SampledFrom([]string{"k1", "k2", "", TaintUnschedulable}).Draw(t, "tolKey"),
			Operator: rapid.SampledFrom([]corev1.TolerationOperator{corev1.TolerationOpExists, corev1.TolerationOpEqual}).Draw(t, "tolOp"),
			Value:    rapid.SampledFrom([]string{"", "v"}).Draw(t, "tolValue"),
			Effect:   rapid.SampledFrom([]corev1.TaintEffect{"", corev1.TaintEffectNoSchedule, corev1.TaintEffectNoExecute}).Draw(t, "tolEffect"),
		})
	}
	if rapid.Bool().Draw(t, "nodeSelector") {
		p.Spec.NodeSelector = map[string]string{"disk": rapid.SampledFrom([]string{"ssd", "hdd"}).Draw(t, "wantDisk")}
	}
	switch rapid.IntRange(0, 3).Draw(t, "affinity") {
	case 1:
		p = withAffinity(p, corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("disk", corev1.NodeSelectorOpIn, "ssd")}})
	case 2:
		p = withAffinity(p, corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{expr(metav1.ObjectNameField, corev1.NodeSelectorOpIn, rapid.SampledFrom(names).Draw(t, "named"))}})
	}
	var bound []*corev1.Pod
	for i := range rapid.IntRange(0, 5).Draw(t, "bound") {
		if len(nodes) > 0 {
			bound = append(bound, pod(fmt.Sprintf("b%d", i), rapid.SampledFrom(nodes).Draw(t, "on").Name))
		}
	}
	return p, nodes, bound
}

// The scheduler's explanation agrees with its decision, on random
// worlds: the node and message are Schedule's, every verdict is the
// filters' (a node fits exactly when filterNode finds nothing, and a
// rejected node is named with the filter of filterNode's first reason),
// and the choice it states — only one fits, or the fewest pods — names
// Schedule's node.
func TestPropertyExplainScheduleAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, nodes, bound := drawSchedWorld(t)
		s := Schedule(p, nodes, bound)
		e := ExplainSchedule(p, nodes, bound)
		if e.Node != s.Node || e.Message != s.Message {
			t.Fatalf("explained %q %q, Schedule %q %q", e.Node, e.Message, s.Node, s.Message)
		}
		if len(e.Nodes) != len(nodes) {
			t.Fatalf("%d verdicts for %d nodes", len(e.Nodes), len(nodes))
		}
		fits := 0
		for _, v := range e.Nodes {
			if v.Fits {
				fits++
			}
			if !v.Fits && (v.Filter == "" || v.Why == "" || len(v.Reasons) == 0) {
				t.Fatalf("a rejected node without its filter and words: %+v", v)
			}
			if v.Filter == "TaintToleration" && !strings.HasPrefix(v.Why, "taint ") {
				t.Fatalf("taint verdict %q names no taint", v.Why)
			}
		}
		switch {
		case s.Node == "" && fits != 0:
			t.Fatalf("%d nodes said to fit, yet Schedule binds nowhere: %s", fits, e)
		case fits == 1 && e.Choice != "only "+s.Node+" fits":
			t.Fatalf("choice %q, Schedule %q", e.Choice, s.Node)
		case fits > 1 && !strings.Contains(e.Choice, "; "+s.Node+" has the fewest pods"):
			t.Fatalf("choice %q, Schedule %q", e.Choice, s.Node)
		}
		_ = e.String()
	})
}

// The taint manager's explanation agrees with the taint manager, on a
// cluster: a pod bound to worker1 with random tolerations, then random
// NoExecute taints on worker1 at one instant. Said to go at once (an
// untolerated taint, or a tolerationSeconds ≤ 0), it is being deleted by
// the taint manager; said to stay for ever, nothing is scheduled; else
// the scheduled deletion is the smallest tolerationSeconds later.
func TestPropertyExplainEvictionAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := New(Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"},
			Spec: corev1.PodSpec{NodeName: "worker1", Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
		var taints []corev1.Taint
		for range rapid.IntRange(1, 3).Draw(t, "taints") {
			taints = append(taints, corev1.Taint{Key: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "taintKey"), Value: rapid.SampledFrom([]string{"", "x"}).Draw(t, "taintValue"), Effect: corev1.TaintEffectNoExecute})
		}
		seconds := func() *int64 {
			if s := rapid.SampledFrom([]int64{-1, -5, 0, 5, 30, 300, 1000}).Draw(t, "seconds"); s != -1 {
				return &s
			}
			return nil
		}
		// mostly tolerations made for the taints, and some others
		for _, taint := range taints {
			if rapid.IntRange(0, 3).Draw(t, "tolerateIt") > 0 {
				tol := corev1.Toleration{Key: taint.Key, Operator: corev1.TolerationOpEqual, Value: taint.Value, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: seconds()}
				if rapid.Bool().Draw(t, "exists") {
					tol.Operator, tol.Value = corev1.TolerationOpExists, ""
				}
				p.Spec.Tolerations = append(p.Spec.Tolerations, tol)
			}
		}
		for range rapid.IntRange(0, 2).Draw(t, "tolerations") {
			tol := corev1.Toleration{
				Key:      rapid.SampledFrom([]string{"a", "b", ""}).Draw(t, "tolKey"),
				Operator: rapid.SampledFrom([]corev1.TolerationOperator{corev1.TolerationOpExists, corev1.TolerationOpEqual}).Draw(t, "tolOp"),
				Value:    rapid.SampledFrom([]string{"", "x"}).Draw(t, "tolValue"),
				Effect:   rapid.SampledFrom([]corev1.TaintEffect{"", corev1.TaintEffectNoExecute}).Draw(t, "tolEffect"),
			}
			if tol.Operator == corev1.TolerationOpExists {
				tol.Value = ""
			}
			if tol.Effect == corev1.TaintEffectNoExecute {
				tol.TolerationSeconds = seconds()
			}
			p.Spec.Tolerations = append(p.Spec.Tolerations, tol)
		}
		if _, err := c.Create(p); err != nil {
			t.Fatal(err)
		}
		_ = c.Advance(5 * time.Second)
		at := c.now
		for _, taint := range taints {
			if err := c.TaintNode("worker1", taint); err != nil {
				t.Fatal(err)
			}
		}
		_ = c.Advance(0) // the evictions due now
		o := c.st.get(KindPod, key{"default", "p"})
		if o == nil {
			t.Fatal("the pod is gone")
		}
		cur := o.(*corev1.Pod)
		e := ExplainEviction(cur, c.nodeObject("worker1"))
		evicted := podCondition(cur, corev1.DisruptionTarget) != nil
		sch, scheduled := c.evictions[keyOf(cur)]
		switch {
		case e.Now || !e.Forever && e.After == 0:
			if !evicted {
				t.Fatalf("said to go at once (%s), but it was not evicted", e.Text)
			}
		case e.Forever:
			if evicted || scheduled {
				t.Fatalf("said to stay (%s), but evicted %v, scheduled %v", e.Text, evicted, scheduled)
			}
		default:
			if evicted || !scheduled || !sch.fire.Equal(at.Add(e.After)) {
				t.Fatalf("said to go after %s (%s); evicted %v, scheduled %v at %v", e.After, e.Text, evicted, scheduled, sch)
			}
		}
		_ = e.String()
	})
}

// Explaining changes nothing: no write, no event, no request.
func TestExplainWritesNothing(t *testing.T) {
	c, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const d = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  minReadySeconds: 10\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1\n"
	if _, err := c.CreateManifest([]byte(d), "default"); err != nil {
		t.Fatal(err)
	}
	_ = c.Advance(20 * time.Second)
	if _, err := c.SetImage("default", "web", map[string]string{"web": "nginx:2"}, ""); err != nil {
		t.Fatal(err)
	}
	_ = c.Advance(3 * time.Second)
	rv, events, requests := c.st.rv(), c.events.len(), len(c.requests)
	var targets [][2]string
	for _, kind := range []string{KindDeployment, KindReplicaSet, KindPod, KindNode} {
		for _, o := range c.st.list(kind, "") {
			targets = append(targets, [2]string{kind, o.GetName()})
		}
	}
	for _, tg := range targets {
		if _, err := c.Explain(tg[0], "", tg[1]); err != nil {
			t.Fatal(err)
		}
		if tg[0] != KindPod && tg[0] != KindNode {
			if _, err := c.ExplainScaled(tg[0], "", tg[1], 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if c.st.rv() != rv || c.events.len() != events || len(c.requests) != requests {
		t.Fatalf("explaining wrote: resourceVersion %d → %d, events %d → %d, requests %d → %d", rv, c.st.rv(), events, c.events.len(), requests, len(c.requests))
	}
}

// FuzzExplain: any manifest, created (or refused) and run for a while, is
// explained without a panic, and its pods' and nodes' schedule and
// eviction too; explaining writes nothing.
func FuzzExplain(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n  strategy:\n    rollingUpdate:\n      maxSurge: abc\n  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeSelector:\n    disk: ssd\n  tolerations:\n  - operator: Exists\n    effect: NoExecute\n    tolerationSeconds: -3\n  containers:\n  - name: c\n    image: busybox\n    args: [/bin/sh, -c, 'sleep 3']\n    livenessProbe:\n      exec:\n        command: [cat, /tmp/healthy]\n",
		"apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\nspec:\n  replicas: 40\n  template:\n    metadata:\n      labels:\n        a: b\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        resources:\n          requests:\n            cpu: 3\n",
	} {
		f.Add([]byte(seed), uint8(3))
	}
	f.Fuzz(func(t *testing.T, manifest []byte, minutes uint8) {
		c, err := New(Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.CreateManifest(manifest, "")
		_ = c.Advance(time.Duration(minutes%3) * time.Minute)
		_ = c.StopNode("worker2")
		_ = c.Advance(time.Minute)
		rv := c.st.rv()
		for _, kind := range []string{KindDeployment, KindReplicaSet, KindReplicationController, KindPod, KindNode} {
			for _, o := range c.st.list(kind, "") {
				e, err := c.Explain(kind, o.GetNamespace(), o.GetName())
				if err != nil {
					t.Fatalf("%s %s: %v", kind, o.GetName(), err)
				}
				_ = e.String()
				if kind != KindPod && kind != KindNode {
					if e, err := c.ExplainScaled(kind, o.GetNamespace(), o.GetName(), 1); err == nil {
						_ = e.String()
					}
				}
			}
		}
		if c.st.rv() != rv {
			t.Fatal("explaining wrote to the store")
		}
	})
}
