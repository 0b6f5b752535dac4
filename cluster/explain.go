package cluster

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/selector"
	"github.com/kubesem/kubesem/workload"
)

// This file explains decisions on demand: nothing here runs while the
// cluster runs, and the cluster keeps nothing for it. An explanation is
// computed from the store and the controllers' books as they are when it
// is asked for, with the decision packages' own explanation functions; the
// decisions already taken are the objects' events.

// Explanation is what Explain says about one object: the decision its
// controller would take now, and why, in words a learner reads, and the
// object's recent events (the decisions already taken). Exactly one of
// Deployment, Workload, Pod and Node is set, by Kind.
type Explanation struct {
	// Kind is the object's kind (KindDeployment, …); Namespace is "" for
	// a node.
	Kind, Namespace, Name string
	// At is the virtual time of the explanation, since the cluster
	// started.
	At time.Duration
	// Deployment is the Deployment controller's next sync, explained
	// (rollout.ExplainSync).
	Deployment *rollout.Explanation
	// Workload is the ReplicaSet or ReplicationController controller's
	// next sync, explained (workload.ExplainReplicaSet,
	// ExplainReplicationController).
	Workload *workload.Explanation
	// Pod is a pod's scheduling, kubelet and taint-eviction story.
	Pod *PodExplanation
	// Node is a node's state as the scheduler and the taint manager see
	// it.
	Node *NodeExplanation
	// Notes are facts around the decision: what the controller would
	// adopt or release first, who controls the object.
	Notes []string
	// Events are the object's most recent events (at most
	// ExplainEventCount), oldest first, as "hh:mm:ss Type Reason: message".
	Events []string
}

// ExplainEventCount is how many of an object's events an Explanation
// lists.
const ExplainEventCount = 10

// PodExplanation is a pod explained: where the scheduler puts it and why,
// what its kubelet does with its containers, and what the taint manager
// will do with it.
type PodExplanation struct {
	// Scheduling is the scheduler's verdict on every node for the pod —
	// for a bound pod, as it would be were the pod scheduled now.
	Scheduling SchedulingExplanation
	// Binding says how the pod got its node, or why it has none.
	Binding string
	// Kubelet is its kubelet's state (probe.Runner.Explain), nil when no
	// kubelet runs it; KubeletNote says why not, or that its node is
	// stopped.
	Kubelet     *probe.PodExplanation
	KubeletNote string
	// Eviction is the taint manager's view, nil for a pod not bound to a
	// node.
	Eviction *EvictionExplanation
}

// ExplainKind resolves a resource type as kubectl accepts it — "deployment",
// "deployments", "deploy", "deployments.apps", "Deployment"; "rs", "rc",
// "po", "no" and the like — to the kind Explain explains. A type kubectl
// does not know is kubectl's error; one it knows that Explain does not
// explain is an error naming the types that are.
func ExplainKind(typ string) (string, error) {
	r, ok := apiserver.BuiltinResource(typ)
	if !ok {
		base, _, _ := strings.Cut(typ, ".")
		return "", fmt.Errorf("the server doesn't have a resource type %q", base)
	}
	switch r.Kind {
	case KindDeployment, KindReplicaSet, KindReplicationController, KindPod, KindNode:
		return r.Kind, nil
	}
	return "", fmt.Errorf("explain covers deployments, replicasets, replicationcontrollers, pods and nodes, not %s", r.Name)
}

// Explain says why the controllers decide what they decide about one
// object, now: for a Deployment its next sync (maxSurge and maxUnavailable
// in words, the ReplicaSets it scales and why), for a ReplicaSet or
// ReplicationController its next sync (pods to create in which batches,
// pods to delete by which rank rule), for a pod its scheduling (why this
// node, why not the others), its kubelet (probe results against their
// thresholds, restarts, CrashLoopBackOff) and its taint evictions, for a
// node what the scheduler and the taint manager make of it. kind is a
// resource type as kubectl accepts it (see ExplainKind); namespace "" is
// "default" for namespaced kinds. A missing object is the apiserver's
// NotFound error.
//
// Nothing is computed until Explain is called, and Explain changes
// nothing: it runs the decision packages' explanation functions on the
// cluster's current state. The decisions already taken are not
// re-explained — their events are listed instead.
func (c *Cluster) Explain(kind, namespace, name string) (*Explanation, error) {
	return c.explain(kind, namespace, name, nil)
}

// ExplainScaled is Explain for a Deployment, ReplicaSet or
// ReplicationController as if its spec.replicas were replicas: what the
// controller's next sync would decide after `kubectl scale
// --replicas=<replicas>` — for a ReplicaSet or RC scaled down, which pods
// go, each with the rank rule that chose it. Nothing is scaled.
func (c *Cluster) ExplainScaled(kind, namespace, name string, replicas int32) (*Explanation, error) {
	if replicas < 0 {
		return nil, fmt.Errorf("the replicas must be 0 or more, not %d", replicas)
	}
	return c.explain(kind, namespace, name, &replicas)
}

func (c *Cluster) explain(kind, namespace, name string, replicas *int32) (*Explanation, error) {
	k, err := ExplainKind(kind)
	if err != nil {
		return nil, err
	}
	ns := nsOr(k, namespace)
	o := c.st.get(k, key{ns, name})
	if o == nil {
		return nil, apiNotFound(k, name)
	}
	e := &Explanation{Kind: k, Namespace: ns, Name: name, At: c.Elapsed()}
	if replicas != nil {
		switch obj := o.(type) {
		case *appsv1.Deployment:
			d := obj.DeepCopy()
			d.Spec.Replicas = replicas
			o = d
		case *appsv1.ReplicaSet:
			rs := obj.DeepCopy()
			rs.Spec.Replicas = replicas
			o = rs
		case *corev1.ReplicationController:
			rc := obj.DeepCopy()
			rc.Spec.Replicas = replicas
			o = rc
		default:
			return nil, fmt.Errorf("replicas: a %s has no replicas to scale", strings.ToLower(k))
		}
		e.Notes = append(e.Notes, fmt.Sprintf("as if spec.replicas were %d: what the next sync would decide after `kubectl scale --replicas=%d`; nothing is scaled", *replicas, *replicas))
	}
	switch obj := o.(type) {
	case *appsv1.Deployment:
		var notes []string
		e.Deployment, notes, err = c.explainDeployment(obj)
		e.Notes = append(e.Notes, notes...)
	case *appsv1.ReplicaSet:
		e.Notes = append(e.Notes, c.controlledBy(obj)...)
		var siblings []*appsv1.ReplicaSet
		if ref := metav1.GetControllerOfNoCopy(obj); ref != nil {
			for _, so := range c.st.list(KindReplicaSet, ns) {
				if sref := metav1.GetControllerOfNoCopy(so); sref != nil && sref.UID == ref.UID {
					siblings = append(siblings, so.(*appsv1.ReplicaSet))
				}
			}
			if ref.Kind == rollout.DeploymentKind.Kind {
				e.Notes = append(e.Notes, "its Deployment sets its size; `explain deployment/"+ref.Name+"` says why")
			}
		}
		e.Workload, err = workload.ExplainReplicaSet(obj, c.podsOf(ns), c.now, workload.Options{Siblings: siblings, Gates: c.opts.Gates})
	case *corev1.ReplicationController:
		e.Workload, err = workload.ExplainReplicationController(obj, c.podsOf(ns), c.now, workload.Options{Gates: c.opts.Gates})
	case *corev1.Pod:
		e.Notes = c.controlledBy(obj)
		e.Pod = c.explainPod(obj)
	case *corev1.Node:
		e.Node = c.explainNode(obj)
	}
	if err != nil {
		return nil, err
	}
	evs := c.EventsFor(k, ns, name)
	for _, ev := range evs[max(len(evs)-ExplainEventCount, 0):] {
		if ev.UID != "" && ev.UID != o.GetUID() {
			continue // an earlier object of the same name
		}
		e.Events = append(e.Events, fmt.Sprintf("%s %s %s: %s", c.stamp(ev.At), ev.Type, ev.Reason, ev.Message))
	}
	return e, nil
}

// controlledBy names an object's controller.
func (c *Cluster) controlledBy(o metav1.Object) []string {
	if ref := metav1.GetControllerOfNoCopy(o); ref != nil {
		return []string{fmt.Sprintf("controlled by %s %s", ref.Kind, ref.Name)}
	}
	return nil
}

// explainDeployment gathers what the Deployment controller's next sync
// reads — the ReplicaSets it owns and would adopt, and for Recreate their
// pods — as syncDeployment does, without its writes.
func (c *Cluster) explainDeployment(d *appsv1.Deployment) (*rollout.Explanation, []string, error) {
	var notes []string
	sel, err := selector.FromLabelSelector(d.Spec.Selector)
	if err != nil {
		return nil, []string{fmt.Sprintf("its selector does not parse: the controller records SelectorParsingFailed and does nothing (%v)", err)}, nil
	}
	rss, claims := c.claimReplicaSets(d, sel, false)
	for _, cl := range claims {
		if cl.adopt {
			notes = append(notes, fmt.Sprintf("adopts orphan ReplicaSet %s first: its labels match the selector (N-1)", cl.name))
		} else {
			notes = append(notes, fmt.Sprintf("releases ReplicaSet %s first: its labels no longer match the selector (N-1)", cl.name))
		}
	}
	e, err := rollout.ExplainSync(d, rss, c.deploymentPods(d, rss), c.now, rollout.Options{Gates: c.opts.Gates})
	return e, notes, err
}

// explainPod puts together a pod's scheduling, kubelet and eviction.
func (c *Cluster) explainPod(p *corev1.Pod) *PodExplanation {
	k := keyOf(p)
	e := &PodExplanation{}
	var nodes []*corev1.Node
	for _, o := range c.st.list(KindNode, "") {
		nodes = append(nodes, o.(*corev1.Node))
	}
	slices.SortFunc(nodes, func(a, b *corev1.Node) int { return cmp.Compare(a.Name, b.Name) })
	self := requestsOf(p)
	counted := p.Spec.NodeName != "" && !podTerminal(p)
	e.Scheduling = explainSchedule(p, nodes, func(name string) usage {
		var u usage
		if l := c.load[name]; l != nil {
			u = l.clone()
		}
		if counted && name == p.Spec.NodeName {
			u.add(self, -1) // the books count the pod itself
		}
		return u
	})
	switch node := p.Spec.NodeName; {
	case node == "" && p.DeletionTimestamp != nil:
		e.Binding = "never scheduled, and being deleted: the pod garbage collector removes it (RS-10.8)"
	case node == "":
		e.Binding = "waiting for a node: the scheduler tries it again whenever something changes (rule 4)"
		if cond := podCondition(p, corev1.PodScheduled); cond != nil && cond.Status == corev1.ConditionFalse {
			e.Binding += fmt.Sprintf("; PodScheduled False %s: %s", cond.Reason, cond.Message)
		}
	default:
		e.Binding = fmt.Sprintf("created with spec.nodeName %s: never scheduled, its node's kubelet takes it (rule 4)", node)
		for _, ev := range c.EventsFor(KindPod, p.Namespace, p.Name) {
			if ev.Reason == "Scheduled" && ev.UID == p.UID {
				e.Binding = fmt.Sprintf("bound to %s by the scheduler at %s: the verdicts below are for the pod were it scheduled now", node, c.stamp(ev.At))
			}
		}
	}
	rt := c.pods[k]
	switch {
	case rt != nil:
		x := rt.runner.Explain(c.now)
		for i := range x.Containers {
			x.Containers[i].Restarts += rt.base[x.Containers[i].Name]
		}
		e.Kubelet = &x
		if rt.frozen {
			e.KubeletNote = fmt.Sprintf("node %s is stopped: its kubelet runs and reports nothing; below is what it knew when the node stopped", rt.node)
		}
	case p.Spec.NodeName == "":
		e.KubeletNote = "no kubelet runs it yet: it has no node"
	case podTerminal(p):
		e.KubeletNote = fmt.Sprintf("phase %s", p.Status.Phase)
		if p.Status.Reason != "" {
			e.KubeletNote += fmt.Sprintf(" (%s: %s)", p.Status.Reason, p.Status.Message)
		}
	case c.nodeObject(p.Spec.NodeName) == nil:
		e.KubeletNote = fmt.Sprintf("node %s does not exist: no kubelet takes it, and the pod garbage collector deletes it (rule 4, RS-10.8)", p.Spec.NodeName)
	case c.nodes[p.Spec.NodeName] == nil || !c.nodes[p.Spec.NodeName].up:
		e.KubeletNote = fmt.Sprintf("node %s has no running kubelet: the pod waits", p.Spec.NodeName)
	default:
		e.KubeletNote = fmt.Sprintf("the kubelet of %s has not admitted it yet", p.Spec.NodeName)
	}
	if n := c.nodeObject(p.Spec.NodeName); n != nil {
		ev := ExplainEviction(p, n)
		if sch, ok := c.evictions[k]; ok && sch.uid == string(p.UID) {
			ev.Decided, ev.Scheduled = sch.start, sch.fire
			ev.Text += fmt.Sprintf("; the taint manager decided at %s and deletes the pod at %s (in %s)", c.stamp(sch.start), c.stamp(sch.fire), sch.fire.Sub(c.now))
		} else if cond := podCondition(p, corev1.DisruptionTarget); cond != nil && cond.Reason == "DeletionByTaintManager" {
			ev.Text += fmt.Sprintf("; the taint manager deleted the pod at %s", c.stamp(cond.LastTransitionTime.Time))
		}
		e.Eviction = &ev
	}
	return e
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// stamp is a virtual time as the shell's prompt shows it: hh:mm:ss since
// the cluster started.
func (c *Cluster) stamp(t time.Time) string {
	d := t.Sub(c.opts.Start).Truncate(time.Second)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// ---- the scheduler -----------------------------------------------------------

// SchedulingExplanation says, node by node, why the scheduler (rule 4, as
// kubesem models it) would bind a pod where it does: each node's filter
// verdict, and which node wins among those that fit.
type SchedulingExplanation struct {
	// Node is the node chosen, "" when none fits; it is Schedule's.
	Node string
	// Message, when no node fits, is the FailedScheduling message.
	Message string
	// Nodes are the verdicts, in name order.
	Nodes []NodeVerdict
	// Choice says why Node wins among the nodes that fit.
	Choice string
}

// NodeVerdict is the scheduler's verdict on one node for a pod.
type NodeVerdict struct {
	// Node is the node's name.
	Node string
	// Fits tells whether every filter lets the pod in.
	Fits bool
	// Filter is the plugin that rejected it: NodeUnschedulable,
	// TaintToleration, NodeAffinity, NodeResourcesFit, or
	// NodeAffinity's PreFilter for a node the pod's required affinity
	// names no term for; "" when it fits.
	Filter string
	// Reasons are the plugin's reasons, as the FailedScheduling message
	// counts them ("node(s) had untolerated taint(s)").
	Reasons []string
	// Why says it in words: which taint, which label, which resource.
	Why string
	// Pods is the number of pods bound to the node.
	Pods int64
}

// ExplainSchedule is Schedule explained: for each node the filter verdict
// of Schedule's own filters, in words (the taint not tolerated, the label
// the nodeSelector wants, the resource short and by how much), and why the
// chosen node wins. Its Node and Message are Schedule's. The inputs are not
// changed.
func ExplainSchedule(pod *corev1.Pod, nodes []*corev1.Node, bound []*corev1.Pod) SchedulingExplanation {
	if pod == nil {
		return SchedulingExplanation{Message: noNodesAvailable}
	}
	ns, used := scheduleInputs(nodes, bound)
	return explainSchedule(pod, ns, used)
}

// explainSchedule explains schedulePod over nodes in name order: the same
// filters (filterNode), the same PreFilter, the same choice among the
// nodes that fit — the fewest pods, the first by name (MODEL) — checked
// against schedulePod by TestPropertyExplainScheduleAgrees.
func explainSchedule(p *corev1.Pod, nodes []*corev1.Node, used func(string) usage) SchedulingExplanation {
	s := schedulePod(p, nodes, used)
	e := SchedulingExplanation{Node: s.Node, Message: s.Message}
	if len(nodes) == 0 {
		e.Choice = "there is no node"
		return e
	}
	req := requestsOf(p)
	names, all := affinityNodeNames(p)
	affinity := requiredAffinity(p)
	var fit []NodeVerdict
	best := -1
	for _, n := range nodes {
		u := used(n.Name)
		v := NodeVerdict{Node: n.Name, Pods: u.pods}
		if !all && !names[n.Name] {
			v.Filter, v.Reasons = "NodeAffinity (PreFilter)", []string{reasonAffinityNames}
			v.Why = "its required node affinity names other nodes (metadata.name), so no filter looks at this one"
			if len(names) == 0 {
				v.Reasons, v.Why = []string{reasonAffinityConflict}, "the terms of its required node affinity name no node at all"
			}
			e.Nodes = append(e.Nodes, v)
			continue
		}
		st := filterNode(p, affinity, n, req, u)
		v.Reasons = st.reasons
		if len(st.reasons) == 0 {
			v.Fits = true
			v.Why = fmt.Sprintf("fits: %s bound; %s", plural(u.pods, "pod"), requestWords(req, u, allocatableOf(n)))
			fit = append(fit, v)
			if best < 0 || u.pods < fit[best].Pods {
				best = len(fit) - 1
			}
		} else {
			v.Filter, v.Why = filterWhy(p, n, req, u, st)
		}
		e.Nodes = append(e.Nodes, v)
	}
	switch {
	case len(fit) == 0:
		e.Choice = "no node fits: the pod stays Pending, PodScheduled False Unschedulable, until something changes"
	case len(fit) == 1:
		e.Choice = fmt.Sprintf("only %s fits", fit[0].Node)
	default:
		var parts []string
		for _, v := range fit {
			parts = append(parts, fmt.Sprintf("%s (%s)", v.Node, plural(v.Pods, "pod")))
		}
		e.Choice = fmt.Sprintf("%s fit; %s has the fewest pods, the first by name on a tie (MODEL: kube-scheduler scores the nodes that fit; kubesem takes the one with the fewest pods)",
			strings.Join(parts, ", "), fit[best].Node)
	}
	return e
}

// filterWhy names the filter that rejected the node and says why in
// words, looking where filterNode looked, in its order.
func filterWhy(p *corev1.Pod, n *corev1.Node, req, used usage, st nodeStatus) (string, string) {
	switch st.reasons[0] {
	case reasonUnschedulable:
		return "NodeUnschedulable", "cordoned (spec.unschedulable), and the pod does not tolerate " + TaintUnschedulable + ":NoSchedule"
	case reasonTaint:
		for i := range n.Spec.Taints {
			t := &n.Spec.Taints[i]
			if (t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute) && !tolerated(p.Spec.Tolerations, t) {
				return "TaintToleration", fmt.Sprintf("taint %s is not tolerated%s", t.ToString(), taintOrigin(t))
			}
		}
		return "TaintToleration", "a taint is not tolerated"
	case reasonAffinity:
		var miss []string
		for _, k := range sortedKeys(p.Spec.NodeSelector) {
			want := p.Spec.NodeSelector[k]
			switch have, ok := n.Labels[k]; {
			case !ok:
				miss = append(miss, fmt.Sprintf("nodeSelector %s=%s, and the node has no label %s", k, want, k))
			case have != want:
				miss = append(miss, fmt.Sprintf("nodeSelector %s=%s, and the node has %s=%s", k, want, k, have))
			}
		}
		if len(miss) == 0 {
			miss = append(miss, "no term of its required node affinity matches the node's labels")
		}
		return "NodeAffinity", strings.Join(miss, "; ")
	}
	var short []string
	for _, r := range fitsResources(req, used, allocatableOf(n), nil) {
		if r.resource == corev1.ResourcePods {
			short = append(short, fmt.Sprintf("too many pods: %d of %d already", r.used, r.capacity))
			continue
		}
		short = append(short, fmt.Sprintf("insufficient %s: it requests %s, but %s of the node's %s are requested already", r.resource,
			quantity(r.resource, r.requested), quantity(r.resource, r.used), quantity(r.resource, r.capacity)))
	}
	return "NodeResourcesFit", strings.Join(short, "; ")
}

// taintOrigin says who puts a well-known taint on a node.
func taintOrigin(t *corev1.Taint) string {
	switch t.Key {
	case TaintNotReady, TaintUnreachable:
		return " (the node lifecycle controller's, for a node that is not Ready, RS-10.3)"
	case TaintUnschedulable:
		return " (the node is cordoned)"
	case "node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master":
		return " (the control-plane node's)"
	}
	if strings.HasPrefix(t.Key, "node.kubernetes.io/") {
		return " (the node lifecycle controller's, for a node condition, RS-10.3)"
	}
	return ""
}

// requestWords is what a pod asks of a node that fits it.
func requestWords(req, used, alloc usage) string {
	var parts []string
	for _, r := range []struct {
		name       corev1.ResourceName
		want, have int64
		cap        int64
	}{{corev1.ResourceCPU, req.milliCPU, used.milliCPU, alloc.milliCPU}, {corev1.ResourceMemory, req.mem, used.mem, alloc.mem}} {
		if r.want > 0 {
			parts = append(parts, fmt.Sprintf("%s: it requests %s, %s of the node's %s are requested already", r.name, quantity(r.name, r.want), quantity(r.name, r.have), quantity(r.name, r.cap)))
		}
	}
	if len(parts) == 0 {
		return "the pod requests no cpu or memory"
	}
	return strings.Join(parts, ", ")
}

// quantity renders an amount of a resource as its Quantity.
func quantity(name corev1.ResourceName, v int64) string {
	switch name {
	case corev1.ResourceCPU:
		return resource.NewMilliQuantity(v, resource.DecimalSI).String()
	case corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return resource.NewQuantity(v, resource.BinarySI).String()
	}
	return resource.NewQuantity(v, resource.DecimalSI).String()
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// String renders the verdicts, one node a line, then the choice.
func (s SchedulingExplanation) String() string {
	var b strings.Builder
	for _, v := range s.Nodes {
		mark := "no  "
		if v.Fits {
			mark = "fits"
		}
		filter := ""
		if v.Filter != "" {
			filter = v.Filter + ": "
		}
		fmt.Fprintf(&b, "%s %s: %s%s\n", mark, v.Node, filter, v.Why)
	}
	switch {
	case s.Node != "":
		fmt.Fprintf(&b, "→ %s: %s\n", s.Node, s.Choice)
	default:
		fmt.Fprintf(&b, "→ %s: %s\n", s.Choice, s.Message)
	}
	return b.String()
}

// ---- the taint manager ------------------------------------------------------

// EvictionExplanation is the taint manager's view of a pod on a node
// (RS-10.6): for each of the node's NoExecute taints the toleration that
// tolerates it, and when that makes the pod go.
type EvictionExplanation struct {
	// Node is the node's name.
	Node string
	// Taints are the node's NoExecute taints, in the node's order.
	Taints []TaintVerdict
	// Now: a taint is not tolerated, the pod goes at once. Forever: every
	// taint is tolerated without tolerationSeconds (or there is none).
	// Otherwise the pod goes After the taint manager's decision: the
	// smallest tolerationSeconds of the tolerations used (≤ 0 is at once).
	Now, Forever bool
	After        time.Duration
	// Decided and Scheduled, from a cluster, are when the taint manager
	// decided and when it deletes the pod; zero when nothing is
	// scheduled.
	Decided, Scheduled time.Time
	// Text says it in words.
	Text string
}

// TaintVerdict is one NoExecute taint against a pod's tolerations.
type TaintVerdict struct {
	// Taint is the NoExecute taint.
	Taint corev1.Taint
	// Toleration is the first of the pod's tolerations that tolerates the
	// taint — the one the taint manager counts — or nil.
	Toleration *corev1.Toleration
	// Text says it in words.
	Text string
}

// ExplainEviction says what the taint manager decides for a pod on a node
// (RS-10.6; taint_eviction.go processPodOnNode, getMinTolerationTime):
// each NoExecute taint and the first toleration that tolerates it, and
// whether the pod goes at once, after the smallest tolerationSeconds of
// the tolerations used, or never. The inputs are not changed.
func ExplainEviction(pod *corev1.Pod, node *corev1.Node) EvictionExplanation {
	e := EvictionExplanation{Forever: true}
	if pod == nil || node == nil {
		e.Text = "no pod or no node: nothing to evict"
		return e
	}
	e.Node = node.Name
	minSecs, seconds := int64(0), false
	for _, t := range node.Spec.Taints {
		if t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		v := TaintVerdict{Taint: t}
		for i := range pod.Spec.Tolerations {
			if tolerates(&pod.Spec.Tolerations[i], &t) {
				tol := pod.Spec.Tolerations[i]
				v.Toleration = &tol
				break
			}
		}
		switch {
		case v.Toleration == nil:
			v.Text = fmt.Sprintf("taint %s%s: no toleration tolerates it", t.ToString(), taintOrigin(&t))
			e.Now, e.Forever = true, false
		case v.Toleration.TolerationSeconds == nil:
			v.Text = fmt.Sprintf("taint %s%s: tolerated for ever by %s", t.ToString(), taintOrigin(&t), tolerationWords(v.Toleration))
		default:
			s := *v.Toleration.TolerationSeconds
			v.Text = fmt.Sprintf("taint %s%s: tolerated for %d s by %s", t.ToString(), taintOrigin(&t), s, tolerationWords(v.Toleration))
			if !seconds || s < minSecs {
				minSecs = s
			}
			seconds = true
		}
		e.Taints = append(e.Taints, v)
	}
	switch {
	case len(e.Taints) == 0:
		e.Text = fmt.Sprintf("node %s has no NoExecute taint: the taint manager leaves the pod alone (RS-10.6)", node.Name)
	case e.Now:
		e.Text = "a NoExecute taint is not tolerated: the taint manager deletes the pod at once (RS-10.6)"
	case !seconds:
		e.Text = "every NoExecute taint is tolerated without tolerationSeconds: the pod stays for ever (RS-10.6)"
	default:
		e.Forever, e.After = false, time.Duration(max(minSecs, 0))*time.Second
		e.Text = fmt.Sprintf("the pod goes %d s after the taint manager first saw the taints: the smallest tolerationSeconds of the tolerations used (RS-10.6)", max(minSecs, 0))
	}
	return e
}

// tolerationWords renders a toleration as a learner reads it, saying so
// when it is the default the admission added (RS-10.5).
func tolerationWords(t *corev1.Toleration) string {
	op := t.Operator
	if op == "" {
		op = corev1.TolerationOpEqual
	}
	key := t.Key
	if key == "" {
		key = "(every key)"
	}
	s := fmt.Sprintf("toleration %s %s", key, op)
	if op == corev1.TolerationOpEqual {
		s += " " + t.Value
	}
	if t.Effect != "" {
		s += " " + string(t.Effect)
	}
	if t.TolerationSeconds != nil {
		s += fmt.Sprintf(", tolerationSeconds %d", *t.TolerationSeconds)
		if (t.Key == TaintNotReady || t.Key == TaintUnreachable) && t.Operator == corev1.TolerationOpExists && t.Effect == corev1.TaintEffectNoExecute && *t.TolerationSeconds == DefaultTolerationSeconds {
			s += " (the default the admission adds, RS-10.5)"
		}
	}
	return s
}

// String renders the taints and the decision.
func (e EvictionExplanation) String() string {
	var b strings.Builder
	for _, t := range e.Taints {
		fmt.Fprintf(&b, "%s\n", t.Text)
	}
	fmt.Fprintf(&b, "%s\n", e.Text)
	return b.String()
}

// ---- nodes -------------------------------------------------------------------

// NodeExplanation is a node as the scheduler, the taint manager and the
// node lifecycle controller see it, one fact a line.
type NodeExplanation struct {
	// Lines are the facts, with rule ids.
	Lines []string
}

// String renders the lines.
func (n NodeExplanation) String() string {
	var b strings.Builder
	for _, l := range n.Lines {
		fmt.Fprintf(&b, "%s\n", l)
	}
	return b.String()
}

func (c *Cluster) explainNode(n *corev1.Node) *NodeExplanation {
	e := &NodeExplanation{}
	line := func(format string, args ...any) { e.Lines = append(e.Lines, fmt.Sprintf(format, args...)) }
	switch ns := c.nodes[n.Name]; {
	case ns == nil:
		line("no kubelet runs it: a Node object only, its pods stay Pending (rule 4)")
	case ns.up:
		line("its kubelet runs (since %s) and renews its lease every 10 s", c.stamp(ns.kubeletStart))
	default:
		line("stopped: its kubelet posts nothing, and the node lifecycle controller marks it Unknown 50 s after its last lease renewal (RS-10.1)")
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			line("Ready %s (%s) since %s", cond.Status, cond.Reason, c.stamp(cond.LastTransitionTime.Time))
		}
	}
	if n.Spec.Unschedulable {
		line("cordoned (spec.unschedulable): the scheduler places only pods that tolerate %s:NoSchedule here", TaintUnschedulable)
	}
	for _, t := range n.Spec.Taints {
		added := ""
		if t.TimeAdded != nil {
			added = " since " + c.stamp(t.TimeAdded.Time)
		}
		switch t.Effect {
		case corev1.TaintEffectNoSchedule:
			line("taint %s%s%s: the scheduler places no pod here that does not tolerate it (rule 4)", t.ToString(), added, taintOrigin(&t))
		case corev1.TaintEffectNoExecute:
			line("taint %s%s%s: the scheduler places no pod here that does not tolerate it, and the taint manager deletes the pods that do not, the others after their tolerationSeconds (RS-10.6)", t.ToString(), added, taintOrigin(&t))
		default:
			line("taint %s%s: a preference only, which kubesem's scheduler does not score", t.ToString(), added)
		}
	}
	var u usage
	if l := c.load[n.Name]; l != nil {
		u = *l
	}
	a := allocatableOf(n)
	line("requests of the pods bound here: %d of %d pods, cpu %s of %s, memory %s of %s (what the scheduler counts, rule 4)",
		u.pods, a.pods, quantity(corev1.ResourceCPU, u.milliCPU), quantity(corev1.ResourceCPU, a.milliCPU),
		quantity(corev1.ResourceMemory, u.mem), quantity(corev1.ResourceMemory, a.mem))
	var pods []string
	for _, o := range c.st.list(KindPod, "") {
		p := o.(*corev1.Pod)
		if p.Spec.NodeName != n.Name {
			continue
		}
		s := p.Namespace + "/" + p.Name
		if e, ok := c.evictions[keyOf(p)]; ok && e.uid == string(p.UID) {
			s += fmt.Sprintf(" (evicted at %s, in %s)", c.stamp(e.fire), e.fire.Sub(c.now))
		} else if p.DeletionTimestamp != nil {
			s += " (terminating)"
		}
		pods = append(pods, s)
	}
	if len(pods) == 0 {
		line("no pod is bound here")
	} else {
		line("pods bound here: %s", strings.Join(pods, ", "))
	}
	return e
}

// ---- rendering ---------------------------------------------------------------

// String renders the explanation: a heading with the virtual time, then
// each part indented, then the recent events.
func (e *Explanation) String() string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	d := e.At.Truncate(time.Second)
	typ := strings.ToLower(e.Kind)
	if g := groupOf(e.Kind); g != "" {
		typ += "." + g
	}
	fmt.Fprintf(&b, "%s/%s at %02d:%02d:%02d\n", typ, e.Name, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "  %s\n", n)
	}
	indent := func(title, text string) {
		if text == "" {
			return
		}
		if title != "" {
			fmt.Fprintf(&b, "%s:\n", title)
		}
		for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	switch {
	case e.Deployment != nil:
		indent("next sync of the deployment controller", e.Deployment.String())
	case e.Workload != nil:
		title := "next sync of the replicaset controller"
		if e.Kind == KindReplicationController {
			title = "next sync of the replication controller"
		}
		indent(title, e.Workload.String())
	case e.Pod != nil:
		p := e.Pod
		indent("scheduling", p.Binding+"\n"+p.Scheduling.String())
		var k string
		if p.KubeletNote != "" {
			k = p.KubeletNote + "\n"
		}
		if p.Kubelet != nil {
			// without its heading (the pod is named above) and its indent
			for _, l := range strings.Split(strings.TrimRight(p.Kubelet.String(), "\n"), "\n")[1:] {
				k += strings.TrimPrefix(l, "  ") + "\n"
			}
		}
		indent("kubelet", k)
		if p.Eviction != nil {
			indent("taint manager", p.Eviction.String())
		}
	case e.Node != nil:
		indent("", e.Node.String())
	}
	if len(e.Events) > 0 {
		indent("recent events (the decisions already taken)", strings.Join(e.Events, "\n"))
	}
	return b.String()
}
