package cluster

import (
	"cmp"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ---- scheduler (rule 4) ------------------------------------------------------

// nodeLoad is what the scheduler counts on a node: the requests of the
// pods bound there.
type nodeLoad = usage

func podTerminal(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// schedule binds every pending pod it can, in (namespace, name) order, and
// hands the pods created with spec.nodeName already set to their node's
// kubelet. The decision is Schedule's (fit.go, rule 4).
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
	slices.SortFunc(nodes, func(a, b *corev1.Node) int { return cmp.Compare(a.Name, b.Name) })
	used := func(name string) usage {
		if l := c.load[name]; l != nil {
			return *l
		}
		return usage{}
	}
	for _, k := range keys {
		o := c.st.get(KindPod, k)
		if o == nil || !c.pending[k] {
			continue
		}
		p := o.(*corev1.Pod)
		if p.Spec.NodeName != "" {
			// Bound by its creator: no scheduler, its node's kubelet
			// takes it — when that node is one kubesem runs and is up.
			if ns := c.nodes[p.Spec.NodeName]; ns != nil && ns.up {
				delete(c.pending, k)
				c.kubeletTake(p, ns)
			}
			continue
		}
		s := schedulePod(p, nodes, used)
		if s.Node == "" {
			c.unschedulable(p, s.Message)
			continue
		}
		c.bind(p, s.Node)
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
// pods are written. A pod is pending while it waits for a node, and, when
// created with spec.nodeName set, until its node's kubelet takes it.
func (c *Cluster) trackPod(old, cur *corev1.Pod) {
	account := func(p *corev1.Pod, sign int64) {
		if p == nil || p.Spec.NodeName == "" || podTerminal(p) {
			return
		}
		c.loadOf(p.Spec.NodeName).add(requestsOf(p), sign)
	}
	account(old, -1)
	account(cur, 1)
	if cur == nil {
		delete(c.pending, keyOf(old))
		return
	}
	if n := cur.Spec.NodeName; n != "" && (old == nil || old.Spec.NodeName != n) && c.nodeObject(n) == nil {
		// Bound to a node that does not exist: no kubelet takes it, and
		// the pod garbage collector's gcOrphaned quarantines the node and
		// force-deletes the pod (rule 4, RS-10.8).
		c.podGCOrphans(n)
	}
	k := keyOf(cur)
	switch {
	case cur.DeletionTimestamp != nil || podTerminal(cur):
		delete(c.pending, k)
	case cur.Spec.NodeName == "":
		c.pending[k] = true
	case c.pods[k] == nil && (old == nil || c.pending[k] && old.Spec.NodeName != ""):
		// bound at create, its kubelet not there yet
		c.pending[k] = true
	default:
		delete(c.pending, k)
	}
}

// unschedulable records why a pod fits nowhere, in kube-scheduler's words
// (handleSchedulingFailure): PodScheduled=False, reason Unschedulable,
// with the message, and a FailedScheduling event with the message cut to
// an event's length. A pod already marked with the same message is left
// alone.
func (c *Cluster) unschedulable(p *corev1.Pod, msg string) {
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Message == msg {
			return
		}
	}
	np := p.DeepCopy()
	setPodCondition(np, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: msg, LastTransitionTime: metav1.NewTime(c.now)})
	c.writeStatus(KindPod, np)
	c.record(np, KindPod, "Warning", "FailedScheduling", "default-scheduler", "%s", truncateNote(msg))
}

func (c *Cluster) bind(p *corev1.Pod, node string) {
	np := p.DeepCopy()
	np.Spec.NodeName = node
	setPodCondition(np, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(c.now)})
	c.writeStatus(KindPod, np)
	c.record(np, KindPod, "Normal", "Scheduled", "default-scheduler", "Successfully assigned %s/%s to %s", np.Namespace, np.Name, node)
	delete(c.pending, keyOf(np))
	if ns := c.nodes[node]; ns != nil && ns.up {
		c.kubeletTake(np, ns)
	}
}

// kubeletTake is the kubelet of a running node receiving a pod bound to it:
// its admission (KubeletAdmit, against the other pods bound there) runs
// the pod or rejects it — phase Failed with the reason and "Pod was
// rejected: <message>", the conditions only the kubelet owns dropped
// (status manager: mergePodStatus), and a Warning event with the reason
// and message from the kubelet.
func (c *Cluster) kubeletTake(p *corev1.Pod, ns *nodeState) {
	node := c.nodeObject(ns.name)
	if node == nil {
		return
	}
	var others usage
	if l := c.load[ns.name]; l != nil {
		others = l.clone()
	}
	others.add(requestsOf(p), -1) // the books count the pod itself
	adm := kubeletAdmit(p, node, others)
	if adm.Admitted {
		c.admitPod(p, ns, nil)
		return
	}
	// The rejection is written KubeletDelay later (MODEL: the kubelet's
	// pod worker takes a moment), so a controller that replaces rejected
	// pods at once — upstream's hot loop, which real clusters throttle by
	// the time each round takes — advances with the clock instead of
	// spinning at one instant.
	k, uid := keyOf(p), p.UID
	c.after(KubeletDelay, func() {
		o := c.st.get(KindPod, k)
		if o == nil || o.GetUID() != uid || o.GetDeletionTimestamp() != nil {
			return
		}
		cur := o.(*corev1.Pod)
		if cur.Status.Phase == corev1.PodFailed || cur.Status.Phase == corev1.PodSucceeded {
			return
		}
		c.rejectPod(cur, adm)
	})
}

// rejectPod writes the kubelet's rejection of a pod at admission.
func (c *Cluster) rejectPod(p *corev1.Pod, adm Admission) {
	np := p.DeepCopy()
	start := metav1.NewTime(c.now)
	if p.Status.StartTime != nil {
		start = *p.Status.StartTime
	}
	np.Status = corev1.PodStatus{Phase: corev1.PodFailed, Reason: adm.Reason, Message: "Pod was rejected: " + adm.Message,
		QOSClass: p.Status.QOSClass, StartTime: &start}
	for _, cond := range p.Status.Conditions {
		switch cond.Type {
		case corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized, corev1.ContainersReady,
			corev1.PodResizeInProgress, corev1.PodResizePending:
		default:
			np.Status.Conditions = append(np.Status.Conditions, cond)
		}
	}
	c.writeStatus(KindPod, np)
	c.record(np, KindPod, "Warning", adm.Reason, "kubelet", "%s", adm.Message)
}
