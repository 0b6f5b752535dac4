package cluster

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/workload"
)

// ---- scheduler ------------------------------------------------------------

// nodeLoad is what the scheduler counts on a node.
type nodeLoad struct {
	pods          int64
	milliCPU, mem int64 // requested cpu in millicores, memory in bytes
}

// podRequests sums the containers' cpu (millicores) and memory (bytes)
// requests.
func podRequests(p *corev1.Pod) (milliCPU, mem int64) {
	for _, ctr := range p.Spec.Containers {
		if q, ok := ctr.Resources.Requests[corev1.ResourceCPU]; ok {
			milliCPU += q.MilliValue()
		}
		if q, ok := ctr.Resources.Requests[corev1.ResourceMemory]; ok {
			mem += q.Value()
		}
	}
	return milliCPU, mem
}

func podTerminal(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// schedule binds every pending pod it can, in (namespace, name) order.
//
// The rule (a simplification of kube-scheduler's default profile,
// documented in the package doc): a node fits when its Ready condition is
// True, it is not cordoned, the pod tolerates its NoSchedule and NoExecute
// taints, and the pod's cpu and memory requests and one more pod fit in
// its allocatable after the pods already bound there; among the fitting
// nodes the one with the fewest pods wins, ties by name. A pod that fits
// nowhere stays Pending with PodScheduled=False (Unschedulable).
func (c *Cluster) schedule() {
	if !c.schedDirty {
		return
	}
	c.schedDirty = false
	if len(c.pending) == 0 {
		return
	}
	keys := make([]key, 0, len(c.pending))
	for k := range c.pending {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	var nodes []*corev1.Node
	for _, o := range c.st.list(KindNode, "") {
		nodes = append(nodes, o.(*corev1.Node))
	}
	for _, k := range keys {
		o := c.st.get(KindPod, k)
		if o == nil || !c.pending[k] {
			continue
		}
		p := o.(*corev1.Pod)
		cpu, mem := podRequests(p)
		var best *corev1.Node
		var bestPods int64
		reasons := map[string]int{}
		for _, n := range nodes {
			l := c.loadOf(n.Name)
			if why := fits(p, n, l, cpu, mem); why != "" {
				reasons[why]++
				continue
			}
			if best == nil || l.pods < bestPods {
				best, bestPods = n, l.pods
			}
		}
		if best == nil {
			c.unschedulable(p, len(nodes), reasons)
			continue
		}
		c.bind(p, best.Name)
	}
}

func (c *Cluster) loadOf(node string) *nodeLoad {
	l := c.load[node]
	if l == nil {
		l = &nodeLoad{}
		c.load[node] = l
	}
	return l
}

// trackPod keeps the scheduler's books (pending pods, per-node load) as
// pods are written.
func (c *Cluster) trackPod(old, cur *corev1.Pod) {
	account := func(p *corev1.Pod, sign int64) {
		if p == nil || p.Spec.NodeName == "" || podTerminal(p) {
			return
		}
		l := c.loadOf(p.Spec.NodeName)
		cpu, mem := podRequests(p)
		l.pods += sign
		l.milliCPU += sign * cpu
		l.mem += sign * mem
	}
	account(old, -1)
	account(cur, 1)
	if cur == nil {
		delete(c.pending, keyOf(old))
		return
	}
	if cur.Spec.NodeName == "" && cur.DeletionTimestamp == nil && !podTerminal(cur) {
		c.pending[keyOf(cur)] = true
	} else {
		delete(c.pending, keyOf(cur))
	}
}

// fits says why pod p does not fit node n ("" when it does), in the
// scheduler's words.
func fits(p *corev1.Pod, n *corev1.Node, l *nodeLoad, cpu, mem int64) string {
	// NodeUnschedulable: a cordoned node takes only pods that tolerate
	// its unschedulable taint, whether or not the taint is there yet
	if n.Spec.Unschedulable && !tolerated(p.Spec.Tolerations, &corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}) {
		return reasonUnschedulable
	}
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		if t.Effect == corev1.TaintEffectPreferNoSchedule {
			continue
		}
		if !tolerated(p.Spec.Tolerations, t) {
			return reasonTaint
		}
	}
	alloc := n.Status.Allocatable
	if q, ok := alloc[corev1.ResourcePods]; ok && l.pods+1 > q.Value() {
		return "Too many pods"
	}
	if q, ok := alloc[corev1.ResourceCPU]; ok && l.milliCPU+cpu > q.MilliValue() {
		return "Insufficient cpu"
	}
	if q, ok := alloc[corev1.ResourceMemory]; ok && l.mem+mem > q.Value() {
		return "Insufficient memory"
	}
	return ""
}

// The scheduler's reasons: taints and cordons cannot be helped by
// preemption; the resource ones could, but every pod here has the same
// priority, so there are no victims.
const (
	reasonTaint         = "node(s) had untolerated taint(s)"
	reasonUnschedulable = "node(s) were unschedulable"
)

// unschedulable records why a pod fits nowhere, in kube-scheduler's words
// (FitError and the default preemption plugin's PostFilter message).
func (c *Cluster) unschedulable(p *corev1.Pod, total int, reasons map[string]int) {
	histogram := func(m map[string]int) string {
		var parts []string
		for why, n := range m {
			parts = append(parts, fmt.Sprintf("%d %s", n, why))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	}
	preemption := map[string]int{}
	for why, n := range reasons {
		if why == reasonTaint || why == reasonUnschedulable {
			preemption["Preemption is not helpful for scheduling"] += n
		} else {
			preemption["No preemption victims found for incoming pod"] += n
		}
	}
	msg := fmt.Sprintf("0/%d nodes are available: %s. preemption: 0/%d nodes are available: %s.", total, histogram(reasons), total, histogram(preemption))
	if total == 0 {
		msg = "no nodes available to schedule pods"
	}
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Message == msg {
			return
		}
	}
	np := p.DeepCopy()
	setPodCondition(np, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: msg, LastTransitionTime: metav1.NewTime(c.now)})
	c.writeStatus(KindPod, np)
	c.record(np, KindPod, "Warning", "FailedScheduling", "default-scheduler", "%s", msg)
}

func (c *Cluster) bind(p *corev1.Pod, node string) {
	np := p.DeepCopy()
	np.Spec.NodeName = node
	setPodCondition(np, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(c.now)})
	c.writeStatus(KindPod, np)
	c.record(np, KindPod, "Normal", "Scheduled", "default-scheduler", "Successfully assigned %s/%s to %s", np.Namespace, np.Name, node)
	if ns := c.nodes[node]; ns != nil && ns.up {
		c.admitPod(np, ns, nil)
	}
}

// ---- kubelet ----------------------------------------------------------------

// podRuntime is the kubelet's state for one pod it runs.
type podRuntime struct {
	runner      *probe.Runner
	node        string
	token       uint64
	frozen      bool // its node stopped: nothing runs, nothing is reported
	terminating bool
	base        map[string]int32 // restart counts from before a node restart
	ip          string
	admitted    time.Time
}

type podContainer struct {
	pod       key
	container string
}

// admitPod starts the kubelet's work on a pod bound to a running node: the
// sandbox gets an IP at once, the containers start after StartDelay, and
// the probe model runs from then on.
func (c *Cluster) admitPod(p *corev1.Pod, ns *nodeState, base map[string]int32) {
	k := keyOf(p)
	sc := probe.Scenario{Pod: p, Scripts: map[string]probe.Script{}, StartDelay: c.opts.StartDelay}
	for _, ctr := range p.Spec.Containers {
		sc.Scripts[ctr.Name] = c.scriptOf(k, &ctr)
	}
	r, err := probe.NewRunner(sc, c.now)
	if err != nil {
		c.record(p, KindPod, "Warning", "Failed", "kubelet", "Error: %v", err)
		return
	}
	rt := &podRuntime{runner: r, node: ns.name, base: base, admitted: c.now,
		ip: fmt.Sprintf("10.244.%d.%d", ns.index, ns.nextIP)}
	ns.nextIP++
	if old := c.pods[k]; old != nil {
		rt.token = old.token + 1
	}
	c.pods[k] = rt
	c.syncPodStatus(k, rt)
	c.wake(k, rt)
}

// restartPod gives a pod on a restarted node fresh containers, counting a
// restart for each container that had started before.
func (c *Cluster) restartPod(p *corev1.Pod) {
	base := map[string]int32{}
	for _, cs := range p.Status.ContainerStatuses {
		n := cs.RestartCount
		if cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil {
			n++
		}
		base[cs.Name] = n
	}
	c.admitPod(p, c.nodes[p.Spec.NodeName], base)
}

func (c *Cluster) freezePod(k key, rt *podRuntime) {
	rt.frozen = true
	rt.token++
}

func (c *Cluster) forgetPod(k key) {
	if rt := c.pods[k]; rt != nil {
		rt.token++
		delete(c.pods, k)
	}
	// (a scheduled eviction is cancelled by the taint manager when it
	// hears of the deletion: taintManagerPodChanged)
	for pc := range c.podScripts {
		if pc.pod == k {
			delete(c.podScripts, pc)
		}
	}
}

// wake schedules the runner's next action.
func (c *Cluster) wake(k key, rt *podRuntime) {
	if rt.frozen {
		return
	}
	at, ok := rt.runner.NextAt()
	if !ok {
		return
	}
	token := rt.token
	// Once every container runs, what remains are periodic probes: they
	// do not keep Settle busy.
	background := c.allRunning(k)
	c.at(at, background, func() { c.kubeletStep(k, rt, token) })
}

func (c *Cluster) allRunning(k key) bool {
	o := c.st.get(KindPod, k)
	if o == nil {
		return false
	}
	p := o.(*corev1.Pod)
	if p.DeletionTimestamp != nil || len(p.Status.ContainerStatuses) == 0 {
		return false
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Running == nil {
			return false
		}
	}
	return true
}

func (c *Cluster) kubeletStep(k key, rt *podRuntime, token uint64) {
	if rt.token != token || c.pods[k] != rt || rt.frozen {
		return
	}
	evs, err := rt.runner.Step()
	if err != nil {
		o := c.st.get(KindPod, k)
		if o != nil {
			c.record(o, KindPod, "Warning", "Failed", "kubelet", "%v", err)
		}
		return
	}
	c.kubeletEvents(k, evs)
	c.syncPodStatus(k, rt)
	if rt.terminating && rt.runner.Done() {
		c.remove(KindPod, k)
		return
	}
	c.wake(k, rt)
}

// kubeletEvents turns the probe model's events into the kubelet's events
// (reasons Started, Killing, BackOff, Unhealthy).
func (c *Cluster) kubeletEvents(k key, evs []probe.Event) {
	o := c.st.get(KindPod, k)
	if o == nil {
		return
	}
	for _, e := range evs {
		switch e.Reason {
		case "Started":
			c.record(o, KindPod, "Normal", "Started", "kubelet", "Started container %s", e.Container)
		case "Killing":
			c.record(o, KindPod, "Normal", "Killing", "kubelet", "%s", e.Message)
		case "BackOff":
			c.record(o, KindPod, "Warning", "BackOff", "kubelet", "Back-off restarting failed container %s in pod %s_%s(%s)", e.Container, o.GetName(), o.GetNamespace(), o.GetUID())
		case "Probe":
			for _, kind := range []string{"startup", "readiness", "liveness"} {
				if strings.HasPrefix(strings.ToLower(e.Message), kind+" probe: failure") {
					c.record(o, KindPod, "Warning", "Unhealthy", "kubelet", "%s probe failed", strings.ToUpper(kind[:1])+kind[1:])
				}
			}
		}
	}
}

// syncPodStatus writes the status the kubelet reports when it differs from
// the stored one. Conditions owned by others (DisruptionTarget,
// PodScheduled) are kept.
func (c *Cluster) syncPodStatus(k key, rt *podRuntime) {
	o := c.st.get(KindPod, k)
	if o == nil {
		return
	}
	p := o.(*corev1.Pod)
	st := rt.runner.Status(c.now)
	for i := range st.ContainerStatuses {
		st.ContainerStatuses[i].RestartCount += rt.base[st.ContainerStatuses[i].Name]
	}
	node := c.nodeObject(rt.node)
	if node != nil && len(node.Status.Addresses) > 0 {
		st.HostIP = node.Status.Addresses[0].Address
		st.HostIPs = []corev1.HostIP{{IP: st.HostIP}}
	}
	st.PodIP = rt.ip
	st.PodIPs = []corev1.PodIP{{IP: rt.ip}}
	start := metav1.NewTime(rt.admitted)
	if p.Status.StartTime != nil {
		start = *p.Status.StartTime
	}
	st.StartTime = &start
	st.QOSClass = p.Status.QOSClass
	if st.QOSClass == "" {
		st.QOSClass = workload.QOSClass(p)
	}
	conds := make([]corev1.PodCondition, 0, len(st.Conditions)+len(p.Status.Conditions))
	for _, cond := range st.Conditions {
		if cond.Type == corev1.PodScheduled || cond.Type == corev1.DisruptionTarget {
			continue
		}
		conds = append(conds, cond)
	}
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled || cond.Type == corev1.DisruptionTarget {
			conds = append(conds, cond)
		}
	}
	st.Conditions = conds
	if apiequality.Semantic.DeepEqual(st, p.Status) {
		return
	}
	// Stored objects are never modified in place, so the new version may
	// share its metadata and spec with the old one.
	np := *p
	np.Status = st
	c.writeStatus(KindPod, &np)
}

// ---- deletion ---------------------------------------------------------------

// KubeletDelay is how long a kubelet takes to act on a pod's deletion
// (MODEL: upstream's is watch latency plus a sync, about a second).
const KubeletDelay = time.Second

// deletePod is a graceful DELETE of a pod (RS-9.1): grace from the
// options, else the pod's terminationGracePeriodSeconds; 0 for a pod not
// scheduled or already terminal; a negative one becomes 1. With grace > 0
// the pod is Terminating until its kubelet has stopped its containers (or
// forever while its node is down); with 0 it goes at once.
func (c *Cluster) deletePod(p *corev1.Pod, grace *int64) {
	g := int64(30)
	if p.Spec.TerminationGracePeriodSeconds != nil {
		g = *p.Spec.TerminationGracePeriodSeconds
	}
	if grace != nil {
		g = *grace
	}
	if p.Spec.NodeName == "" || podTerminal(p) {
		g = 0
	}
	if g < 0 {
		g = 1
	}
	k := keyOf(p)
	rt := c.pods[k]
	if g == 0 || (rt == nil && c.nodes[p.Spec.NodeName] != nil && c.nodes[p.Spec.NodeName].up) {
		c.remove(KindPod, k)
		return
	}
	if p.DeletionTimestamp != nil {
		// A second DELETE may only shorten the grace period.
		if p.DeletionGracePeriodSeconds != nil && *p.DeletionGracePeriodSeconds <= g {
			return
		}
	}
	np := p.DeepCopy()
	ts := metav1.NewTime(c.now.Add(time.Duration(g) * time.Second))
	np.DeletionTimestamp = &ts
	np.DeletionGracePeriodSeconds = &g
	c.write(KindPod, np)
	if rt == nil || rt.frozen {
		return // its node is down: Terminating until the node comes back
	}
	// The kubelet sees the deletion a moment later (MODEL: KubeletDelay)
	// and stops the containers with the pod's deletion grace period.
	c.after(KubeletDelay, func() {
		if c.pods[k] != rt || rt.frozen || rt.terminating {
			return
		}
		rt.terminating = true
		_ = rt.runner.Terminate(c.now, time.Duration(g)*time.Second)
		rt.token++
		c.syncPodStatus(k, rt)
		if rt.runner.Done() {
			c.remove(KindPod, k)
			return
		}
		c.wake(k, rt)
	})
}
