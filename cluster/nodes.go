package cluster

import (
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Node lifecycle timings (RS-10.1, RS-10.4).
const (
	// NodeMonitorPeriod is how often the node lifecycle controller looks
	// at the nodes.
	NodeMonitorPeriod = 5 * time.Second
	// NodeMonitorGracePeriod is how long a node may go without a heartbeat
	// before it is marked Unknown.
	NodeMonitorGracePeriod = 50 * time.Second
	// LeaseRenewInterval is how often a running kubelet renews its Lease.
	LeaseRenewInterval = 10 * time.Second
	// TaintInterval is the NoExecute tainting rate in a healthy zone: one
	// node per 10 s (0.1 nodes/s, burst 1).
	TaintInterval = 10 * time.Second
)

// Labels the cluster's nodes carry.
const (
	LabelHostname     = "kubernetes.io/hostname"
	LabelControlPlane = "node-role.kubernetes.io/control-plane"
	LabelZone         = "topology.kubernetes.io/zone"
	LabelRegion       = "topology.kubernetes.io/region"
)

// DefaultNodes is the tutorial's cluster: a control-plane node "master"
// (tainted NoSchedule, so workloads never land there) and two workers,
// "worker1" and "worker2", each with 2 CPUs, 4 GiB and room for 110 pods.
func DefaultNodes() []*corev1.Node {
	master := NewNode("master", "2", "4Gi", 110)
	master.Labels[LabelControlPlane] = ""
	master.Spec.Taints = []corev1.Taint{{Key: LabelControlPlane, Effect: corev1.TaintEffectNoSchedule}}
	return []*corev1.Node{master, NewNode("worker1", "2", "4Gi", 110), NewNode("worker2", "2", "4Gi", 110)}
}

// NewNode builds a node with the given allocatable cpu, memory and pod
// count, labelled with its hostname and the OS/arch labels a kubelet sets.
// It panics on a malformed quantity (a programming error in a literal).
func NewNode(name, cpu, memory string, pods int64) *corev1.Node {
	alloc := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(cpu),
		corev1.ResourceMemory: resource.MustParse(memory),
		corev1.ResourcePods:   *resource.NewQuantity(pods, resource.DecimalSI),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			LabelHostname: name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		}},
		Status: corev1.NodeStatus{Capacity: alloc.DeepCopy(), Allocatable: alloc},
	}
}

// nodeState is the kubelet and the node lifecycle controller's view of one
// node.
type nodeState struct {
	name         string
	index        int
	up           bool // the kubelet runs and heartbeats
	kubeletStart time.Time
	token        uint64 // invalidates timers of an earlier stop
	nextIP       int
	// unknownAt is the monitor pass that will find the silent kubelet's
	// grace period over (zero: none pending).
	unknownAt time.Time
}

func (c *Cluster) addNode(n *corev1.Node, index int) error {
	return c.addNodeAs(n, index, true)
}

// addNodeAs registers a node; posted says whether its kubelet runs and
// posts a Ready status, or never posts at all (AddNodeWithoutStatus).
func (c *Cluster) addNodeAs(n *corev1.Node, index int, posted bool) error {
	if _, dup := c.nodes[n.Name]; dup {
		return fmt.Errorf("cluster: %w", apiAlreadyExists(KindNode, n.Name))
	}
	node := n.DeepCopy()
	node.Namespace = ""
	if node.Labels == nil {
		node.Labels = map[string]string{}
	}
	if node.Spec.PodCIDR == "" {
		node.Spec.PodCIDR = fmt.Sprintf("10.244.%d.0/24", index)
		node.Spec.PodCIDRs = []string{node.Spec.PodCIDR}
	}
	if len(node.Status.Addresses) == 0 {
		node.Status.Addresses = []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("192.168.56.%d", 10+index)},
			{Type: corev1.NodeHostName, Address: node.Name},
		}
	}
	node.Status.NodeInfo.KubeletVersion = "v1.37.2"
	node.Status.NodeInfo.ContainerRuntimeVersion = "containerd://2.1.0"
	node.Status.NodeInfo.OSImage = "Ubuntu 24.04 LTS"
	node.Status.NodeInfo.KernelVersion = "6.8.0-generic"
	node.Status.NodeInfo.OperatingSystem = "linux"
	node.Status.NodeInfo.Architecture = "amd64"
	node.Status.Conditions = readyConditions(c.now)
	if !posted {
		node.Status.Conditions = nil
	}
	node.Status.Phase = ""
	// The node's state is there before its object, which wakes the
	// lifecycle controller.
	ns := &nodeState{name: node.Name, index: index, up: posted, kubeletStart: c.now, nextIP: 2}
	if !posted {
		ns.unknownAt = c.nextTick(c.now.Add(NodeStartupGracePeriod + time.Nanosecond))
	}
	c.nodes[n.Name] = ns
	if _, err := c.createObject(node); err != nil {
		delete(c.nodes, n.Name)
		return err
	}
	if !posted {
		c.requestMonitorPass(ns.unknownAt)
	}
	return nil
}

// readyConditions are the conditions a healthy kubelet posts.
func readyConditions(now time.Time) []corev1.NodeCondition {
	t := metav1.NewTime(now)
	mk := func(typ corev1.NodeConditionType, st corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: typ, Status: st, Reason: reason, Message: msg, LastHeartbeatTime: t, LastTransitionTime: t}
	}
	return []corev1.NodeCondition{
		mk(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		mk(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		mk(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		mk(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
	}
}

func (c *Cluster) nodeObject(name string) *corev1.Node {
	if o := c.st.get(KindNode, key{"", name}); o != nil {
		return o.(*corev1.Node)
	}
	return nil
}

// nodeReady reports the node's Ready condition as the controllers see it.
func nodeReady(n *corev1.Node) bool {
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// StopNode stops a node's kubelet (the machine is switched off): its
// containers stop running, it posts no more heartbeats, and nothing it
// reported changes. The node lifecycle controller notices on its first
// 5-second check more than 50 s after the last Lease renewal (RS-10.1) —
// 50 to 60 s after the stop — marks the node Unknown and its pods not
// ready (RS-10.2), taints it (RS-10.3, RS-10.4), and the taint manager
// evicts its pods 300 s later (RS-10.6, RS-10.7).
func (c *Cluster) StopNode(name string) error {
	ns, ok := c.nodes[name]
	if !ok || c.nodeObject(name) == nil {
		return apiNotFound(KindNode, name)
	}
	if !ns.up {
		return fmt.Errorf("cluster: node %q is already stopped", name)
	}
	ns.up = false
	ns.token++
	renewals := c.now.Sub(ns.kubeletStart) / LeaseRenewInterval
	lastRenew := ns.kubeletStart.Add(renewals * LeaseRenewInterval)
	// The controller's probe time is its first check at or after the
	// renewal; it marks the node on the first check strictly after probe
	// time + grace. Checks run every 5 s from the cluster's start (MODEL).
	probeTime := c.nextTick(lastRenew)
	ns.unknownAt = c.nextTick(probeTime.Add(NodeMonitorGracePeriod + time.Nanosecond))
	c.requestMonitorPass(ns.unknownAt)
	for k, rt := range c.pods {
		if rt.node == name {
			c.freezePod(k, rt)
		}
	}
	return c.step()
}

// nextTick is the node monitor's first check at or after t.
func (c *Cluster) nextTick(t time.Time) time.Time {
	return c.tickAfter(t.Add(-time.Nanosecond), NodeMonitorPeriod)
}

// markNotReady sets a pod's Ready condition to False (MarkPodsNotReady):
// only the condition; phase and container statuses stay (RS-10.2).
func markNotReady(p *corev1.Pod, now time.Time) (*corev1.Pod, bool) {
	for i, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodReady && cond.Status != corev1.ConditionFalse {
			np := p.DeepCopy()
			c := &np.Status.Conditions[i]
			c.Status, c.LastTransitionTime = corev1.ConditionFalse, metav1.NewTime(now)
			return np, true
		}
	}
	return nil, false
}

func setTaint(n *corev1.Node, t corev1.Taint) bool {
	if hasTaint(n.Spec.Taints, t) {
		return false
	}
	n.Spec.Taints = append(n.Spec.Taints, t)
	return true
}

func removeTaints(n *corev1.Node, drop func(corev1.Taint) bool) bool {
	before := len(n.Spec.Taints)
	n.Spec.Taints = slices.DeleteFunc(n.Spec.Taints, drop)
	if len(n.Spec.Taints) == 0 {
		n.Spec.Taints = nil
	}
	return len(n.Spec.Taints) != before
}

func isLifecycleNoExecute(t corev1.Taint) bool {
	return t.Effect == corev1.TaintEffectNoExecute && (t.Key == TaintUnreachable || t.Key == TaintNotReady)
}

// eviction is a pod deletion the taint manager has scheduled.
type eviction struct {
	uid   string
	start time.Time // when the taint manager decided (its CreatedAt)
	fire  time.Time
}

// processPodOnNode is the taint manager's decision for one pod (RS-10.6,
// upstream processPodOnNode): delete now, at T + the smallest
// tolerationSeconds, or never.
func (c *Cluster) processPodOnNode(p *corev1.Pod, taints []corev1.Taint) {
	k := keyOf(p)
	if len(taints) == 0 {
		c.cancelEviction(k, p)
		return
	}
	minSecs, forever := int64(0), true
	for _, t := range taints {
		var used *corev1.Toleration
		for i := range p.Spec.Tolerations {
			if tolerates(&p.Spec.Tolerations[i], &t) {
				used = &p.Spec.Tolerations[i]
				break
			}
		}
		if used == nil {
			// An untolerated taint: whatever was scheduled is cancelled
			// and the pod goes now.
			c.cancelEviction(k, p)
			c.scheduleEviction(p, c.now, c.now)
			return
		}
		if used.TolerationSeconds != nil {
			if forever || *used.TolerationSeconds < minSecs {
				minSecs = *used.TolerationSeconds
			}
			forever = false
		}
	}
	if forever {
		c.cancelEviction(k, p)
		return
	}
	tolerate := time.Duration(max(minSecs, 0)) * time.Second
	start, fire := c.now, c.now.Add(tolerate)
	if e, ok := c.evictions[k]; ok && e.uid == string(p.UID) {
		// A scheduled deletion keeps its start: decided earlier, it stays
		// as it is, whether the new toleration is longer or shorter
		// (upstream test "lengthening toleration shouldn't work"); only a
		// new decision at the same instant replaces it.
		if e.start.Add(tolerate).Before(fire) {
			return
		}
		start = e.start
		c.cancelEviction(k, p)
	}
	c.scheduleEviction(p, start, fire)
}

func (c *Cluster) scheduleEviction(p *corev1.Pod, start, at time.Time) {
	k := keyOf(p)
	e := &eviction{uid: string(p.UID), start: start, fire: at}
	c.evictions[k] = e
	c.at(at, foreground, func() {
		if c.evictions[k] != e {
			return
		}
		delete(c.evictions, k)
		c.evict(k, e.uid)
	})
}

// taintManagerPodChanged is the taint manager's pod handler (upstream
// PodUpdated, handlePodUpdate): a pod added, bound to a node, or whose
// tolerations changed is looked at again against its node's NoExecute
// taints (RS-10.6). A deleted pod's scheduled eviction is cancelled, with
// the "Cancelling deletion" event.
func (c *Cluster) taintManagerPodChanged(old, cur *corev1.Pod) {
	if cur == nil {
		// handlePodUpdate of a deleted pod: a deletion still scheduled is
		// cancelled, with its event (one that fired is not: the pod is
		// going because of it)
		if old != nil {
			c.cancelEviction(keyOf(old), old)
		}
		return
	}
	if cur.Spec.NodeName == "" {
		return
	}
	if old != nil && old.Spec.NodeName == cur.Spec.NodeName &&
		(shortcuts && sameSlice(old.Spec.Tolerations, cur.Spec.Tolerations) || apiequality.Semantic.DeepEqual(old.Spec.Tolerations, cur.Spec.Tolerations)) {
		return
	}
	n := c.nodeObject(cur.Spec.NodeName)
	if n == nil || !slices.ContainsFunc(n.Spec.Taints, func(t corev1.Taint) bool { return t.Effect == corev1.TaintEffectNoExecute }) {
		return // a deleted node's taints are forgotten; an untainted node evicts nothing
	}
	c.processPodOnNode(cur, noExecuteTaints(n.Spec.Taints))
}

func (c *Cluster) cancelEviction(k key, p *corev1.Pod) {
	if e, ok := c.evictions[k]; ok && e.uid == string(p.UID) {
		delete(c.evictions, k)
		c.record(p, KindPod, "Normal", "TaintManagerEviction", "taint-eviction-controller", "Cancelling deletion of Pod %s/%s", p.Namespace, p.Name)
	}
}

func (c *Cluster) cancelEvictions(node string) {
	for _, o := range c.st.list(KindPod, "") {
		if p := o.(*corev1.Pod); p.Spec.NodeName == node {
			c.cancelEviction(keyOf(p), p)
		}
	}
}

// evict is the taint manager's deletion: DisruptionTarget, then a normal
// graceful DELETE (RS-10.6).
func (c *Cluster) evict(k key, uid string) {
	o := c.st.get(KindPod, k)
	if o == nil || string(o.GetUID()) != uid {
		return
	}
	p := o.(*corev1.Pod)
	c.record(p, KindPod, "Normal", "TaintManagerEviction", "taint-eviction-controller", "Marking for deletion Pod %s/%s", p.Namespace, p.Name)
	if p.DeletionTimestamp != nil {
		return
	}
	np := p.DeepCopy()
	// PodObservedGenerationTracking (GA): the condition observes the
	// pod's generation.
	setPodCondition(np, corev1.PodCondition{
		Type: corev1.DisruptionTarget, ObservedGeneration: p.Generation, Status: corev1.ConditionTrue, Reason: "DeletionByTaintManager",
		Message: "Taint manager: deleting due to NoExecute taint", LastTransitionTime: metav1.NewTime(c.now),
	})
	c.writeStatus(KindPod, np)
	c.deletePod(np, nil)
}

// setPodCondition sets a condition as upstream's UpdatePodCondition
// (pkg/api/v1/pod) does: a condition whose status does not change keeps
// its lastTransitionTime.
func setPodCondition(p *corev1.Pod, cond corev1.PodCondition) {
	for i := range p.Status.Conditions {
		if have := &p.Status.Conditions[i]; have.Type == cond.Type {
			if have.Status == cond.Status {
				cond.LastTransitionTime = have.LastTransitionTime
			}
			*have = cond
			return
		}
	}
	p.Status.Conditions = append(p.Status.Conditions, cond)
}

// StartNode starts a stopped node's kubelet again (RS-10.9): it posts
// Ready at once, the lifecycle taints go and pending evictions are
// cancelled; pods deleted while it was down are removed now (their
// containers are gone), Succeeded and Failed pods stay as they are, pods
// it never admitted go through its admission, and the others have their
// containers started again (each restart counted). Nothing moves back:
// pods already replaced stay where they are.
func (c *Cluster) StartNode(name string) error {
	ns, ok := c.nodes[name]
	n := c.nodeObject(name)
	if !ok || n == nil {
		return apiNotFound(KindNode, name)
	}
	if ns.up {
		return fmt.Errorf("cluster: node %q is already running", name)
	}
	ns.up, ns.kubeletStart, ns.unknownAt = true, c.now, time.Time{}
	ns.token++
	nn := n.DeepCopy()
	nn.Status.Conditions = readyConditions(c.now)
	// MODEL: the NoExecute taints go with the Ready status (upstream: on
	// the monitor's next 5 s pass, markNodeAsReachable); the write wakes
	// the NoSchedule pass, which drops unreachable:NoSchedule (RS-10.3),
	// and the taint manager, which cancels the pending evictions (after
	// the kubelet's event, as upstream's pass comes after the kubelet's
	// status).
	removeTaints(nn, isLifecycleNoExecute)
	c.record(nn, KindNode, "Normal", "NodeReady", "kubelet", "Node %s status is now: NodeReady", name)
	c.write(KindNode, nn)
	c.tainter(nn).remove(name)
	c.cancelEvictions(name)
	for _, o := range c.st.list(KindPod, "") {
		p := o.(*corev1.Pod)
		if p.Spec.NodeName != name {
			continue
		}
		if p.DeletionTimestamp != nil {
			c.remove(KindPod, keyOf(p))
			continue
		}
		if podTerminal(p) || c.pending[keyOf(p)] {
			// A Succeeded or Failed pod (a rejected one too) is never run
			// again (kubelet.go HandlePodAdditions, pod_workers.go
			// UpdatePod: a terminal pod is only torn down); a pod created
			// with spec.nodeName while the node was down goes through
			// admission, as the scheduler's pass hands it over (rule 4).
			continue
		}
		c.restartPod(p)
	}
	return c.step()
}

// Nodes lists the nodes in name order (copies).
func (c *Cluster) Nodes() []*corev1.Node {
	var out []*corev1.Node
	for _, o := range c.st.list(KindNode, "") {
		out = append(out, o.DeepCopyObject().(*corev1.Node))
	}
	return out
}

// conditionTaints maps a node condition's status to the NoSchedule taint
// the node lifecycle controller keeps on the node while it holds
// (upstream nodeConditionToTaintKeyStatusMap; RS-10.3).
var conditionTaints = map[corev1.NodeConditionType]map[corev1.ConditionStatus]string{
	corev1.NodeReady:              {corev1.ConditionFalse: TaintNotReady, corev1.ConditionUnknown: TaintUnreachable},
	corev1.NodeMemoryPressure:     {corev1.ConditionTrue: corev1.TaintNodeMemoryPressure},
	corev1.NodeDiskPressure:       {corev1.ConditionTrue: corev1.TaintNodeDiskPressure},
	corev1.NodeNetworkUnavailable: {corev1.ConditionTrue: corev1.TaintNodeNetworkUnavailable},
	corev1.NodePIDPressure:        {corev1.ConditionTrue: corev1.TaintNodePIDPressure},
}

// managedNoSchedule says whether a taint is one the NoSchedule pass owns:
// a condition taint or the unschedulable one, with effect NoSchedule.
func managedNoSchedule(t corev1.Taint) bool {
	if t.Effect != corev1.TaintEffectNoSchedule {
		return false
	}
	if t.Key == TaintUnschedulable {
		return true
	}
	for _, byStatus := range conditionTaints {
		for _, key := range byStatus {
			if key == t.Key {
				return true
			}
		}
	}
	return false
}

// noScheduleTaints are the NoSchedule taints a node's conditions and
// spec.unschedulable call for, in upstream's order (conditions in the
// node's order, then unschedulable).
func noScheduleTaints(n *corev1.Node) []corev1.Taint {
	var want []corev1.Taint
	for _, cond := range n.Status.Conditions {
		if k, ok := conditionTaints[cond.Type][cond.Status]; ok {
			want = append(want, corev1.Taint{Key: k, Effect: corev1.TaintEffectNoSchedule})
		}
	}
	if n.Spec.Unschedulable {
		want = append(want, corev1.Taint{Key: TaintUnschedulable, Effect: corev1.TaintEffectNoSchedule})
	}
	return want
}

// hasTaint says whether ts holds a taint with t's key and effect.
func hasTaint(ts []corev1.Taint, t corev1.Taint) bool {
	return slices.ContainsFunc(ts, func(have corev1.Taint) bool { return have.Key == t.Key && have.Effect == t.Effect })
}

// noScheduleTaintingPass is the node lifecycle controller's reaction to a
// node added or updated (upstream doNoScheduleTaintingPass, RS-10.3): the
// NoSchedule taints of its conditions (Ready False → not-ready, Unknown →
// unreachable; memory, disk and PID pressure, network unavailable) and of
// spec.unschedulable are added, each with timeAdded = now
// (SwapNodeControllerTaint), and those no longer called for are removed:
// first one write adding, then one removing, as upstream's two calls.
// Other taints are left alone. It runs at the instant of the node write
// (MODEL: upstream's node worker picks it up within milliseconds).
func (c *Cluster) noScheduleTaintingPass(name string) {
	n := c.nodeObject(name)
	if n == nil {
		return
	}
	now := metav1.NewTime(c.now)
	var add []corev1.Taint
	for _, t := range noScheduleTaints(n) {
		if !hasTaint(n.Spec.Taints, t) && !hasTaint(add, t) {
			t.TimeAdded = &now
			add = append(add, t)
		}
	}
	if len(add) > 0 {
		nn := n.DeepCopy()
		nn.Spec.Taints = append(nn.Spec.Taints, add...)
		// The write wakes this pass again, which removes what is no
		// longer called for; looking again below then finds nothing.
		c.write(KindNode, nn)
		if n = c.nodeObject(name); n == nil {
			return
		}
	}
	want := noScheduleTaints(n)
	nn := n.DeepCopy()
	if removeTaints(nn, func(t corev1.Taint) bool { return managedNoSchedule(t) && !hasTaint(want, t) }) {
		c.write(KindNode, nn)
	}
}

// Pod garbage collector timings (RS-10.8, upstream podgc gcCheckPeriod
// and quarantineTime).
const (
	// PodGCPeriod is how often the pod garbage collector runs.
	PodGCPeriod = 20 * time.Second
	// PodGCQuarantine is how long a node missing from the node list may
	// stay missing before the pods bound to it are force-deleted.
	PodGCQuarantine = 40 * time.Second
)

// tickAfter is the first tick of a period-long grid counted from the
// cluster's start that is strictly after t.
func (c *Cluster) tickAfter(t time.Time, period time.Duration) time.Time {
	n := t.Sub(c.opts.Start)/period + 1
	return c.opts.Start.Add(n * period)
}

// podGCOrphans schedules the pod garbage collector's handling of the pods
// bound to a node just deleted (RS-10.8, upstream gcOrphaned and
// discoverDeletedNodes).
//
// MODEL: the collector's passes run every PodGCPeriod from the cluster's
// start, and take no time. The first pass strictly after the deletion (a
// pass at the deletion's own instant counts as run just before it) that
// finds a pod bound to the missing node puts the node in quarantine for
// PodGCQuarantine; the pass at exactly the end of the quarantine finds it
// expired and, when a live lookup still finds no such node, force-deletes
// every pod then bound to it. Upstream's delaying queue hands the node
// over once its ready time is not after the clock (waitingLoop), and that
// pass starts after the ready time, since upstream's period is counted
// from the end of the previous pass (wait.UntilWithContext) and the node
// was queued during the first one. So the pods go 40–60 s after the
// deletion. A node re-created by then saves them; one deleted again keeps
// the first quarantine (a queued node's time is never postponed).
func (c *Cluster) podGCOrphans(node string) {
	start := c.tickAfter(c.now, PodGCPeriod)
	c.at(start, foreground, func() {
		if c.nodeObject(node) != nil || !slices.ContainsFunc(c.podsOf(""), func(p *corev1.Pod) bool { return p.Spec.NodeName == node }) {
			return // nothing orphaned: no quarantine
		}
		c.at(start.Add(PodGCQuarantine), foreground, func() {
			if c.nodeObject(node) != nil {
				return
			}
			for _, p := range c.podsOf("") {
				if p.Spec.NodeName == node {
					c.forceDeleteOrphan(p)
				}
			}
		})
	})
}

// forceDeleteOrphan is the collector's markFailedAndDeletePodWithCondition:
// a pod not yet Succeeded or Failed gets phase Failed and condition
// DisruptionTarget (DeletionByPodGC) in one status patch; then DELETE with
// grace 0. A terminal pod is only deleted.
func (c *Cluster) forceDeleteOrphan(p *corev1.Pod) {
	if !podTerminal(p) {
		np := p.DeepCopy()
		np.Status.Phase = corev1.PodFailed
		// PodObservedGenerationTracking (GA): status and condition observe
		// the pod's generation.
		np.Status.ObservedGeneration = p.Generation
		setPodCondition(np, corev1.PodCondition{Type: corev1.DisruptionTarget, ObservedGeneration: p.Generation, Status: corev1.ConditionTrue,
			Reason: "DeletionByPodGC", Message: "PodGC: node no longer exists", LastTransitionTime: metav1.NewTime(c.now)})
		c.writeStatus(KindPod, np)
		p = np
	}
	zero := int64(0)
	c.deletePod(p, &zero)
}

// NodeRunning reports whether a node's kubelet runs (false after
// StopNode until StartNode, and for a node the cluster does not have).
func (c *Cluster) NodeRunning(name string) bool {
	ns := c.nodes[name]
	return ns != nil && ns.up
}
