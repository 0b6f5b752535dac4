package cluster

import (
	"cmp"
	"reflect"
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
	var fast *nodeOrder
	if shortcuts {
		fast = &nodeOrder{c: c, nodes: nodes}
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
		if fast != nil {
			if node := fast.pick(p); node >= 0 {
				c.bind(p, nodes[node].Name)
				fast.bound(node)
				continue
			}
		}
		s := schedulePod(p, nodes, used)
		if s.Node == "" {
			c.unschedulable(p, s.Message)
			continue
		}
		c.bind(p, s.Node)
	}
}

// sameLoad reports, without summing requests, that two versions of a pod
// count the same on the same node: bound to the same node, both terminal
// or neither, and sharing the spec fields the requests are summed from
// (a new version shares them with the old one unless its spec was
// written; resourcehelper.PodRequests without options reads nothing
// else).
func sameLoad(old, cur *corev1.Pod) bool {
	if !shortcuts || old == nil || cur == nil || old.Spec.NodeName != cur.Spec.NodeName || podTerminal(old) != podTerminal(cur) {
		return false
	}
	a, b := &old.Spec, &cur.Spec
	return sameSlice(a.Containers, b.Containers) && sameSlice(a.InitContainers, b.InitContainers) &&
		a.Resources == b.Resources && sameMap(a.Overhead, b.Overhead)
}

// sameSlice reports whether two slices are the same memory.
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// sameMap reports whether two maps are the same map (or both empty).
func sameMap[K comparable, V any](a, b map[K]V) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// nodeOrder is the scheduler's shortcut for one round: the nodes by
// (pods bound, name), which is the order of preference of schedulePod's
// scoring (MODEL: fewest pods, ties by name), so that the first node
// that passes the filters is the one schedulePod would pick, without
// filtering every node for every pod. A pod that fits nowhere goes to
// schedulePod for its message. The order is rebuilt whenever a load
// changed other than by the bind it was told of.
type nodeOrder struct {
	c     *Cluster
	nodes []*corev1.Node // by name
	alloc []usage
	pods  []int64 // pods bound to each node, as ordered
	order []int   // node indices by (pods, name)
	// changes is the cluster's loadChanges the order is up to date with;
	// built says it was ever built.
	changes uint64
	built   bool
}

func (o *nodeOrder) build() {
	if o.alloc == nil {
		o.alloc = make([]usage, len(o.nodes))
		for i, n := range o.nodes {
			o.alloc[i] = allocatableOf(n)
		}
		o.pods = make([]int64, len(o.nodes))
		o.order = make([]int, len(o.nodes))
	}
	for i, n := range o.nodes {
		o.pods[i] = 0
		if l := o.c.load[n.Name]; l != nil {
			o.pods[i] = l.pods
		}
		o.order[i] = i
	}
	// The nodes are in name order: a stable sort by pods keeps it among
	// equals.
	slices.SortStableFunc(o.order, func(a, b int) int { return cmp.Compare(o.pods[a], o.pods[b]) })
	o.changes, o.built = o.c.loadChanges, true
}

// pick returns the index of the node schedulePod would bind p to, or -1
// when p fits nowhere (or its affinity names no node).
func (o *nodeOrder) pick(p *corev1.Pod) int {
	if !o.built || o.changes != o.c.loadChanges {
		o.build()
	}
	names, all := affinityNodeNames(p)
	if !all && len(names) == 0 {
		return -1
	}
	req := o.c.requestsOf(p)
	affinity := requiredAffinity(p)
	for _, i := range o.order {
		n := o.nodes[i]
		if !all && !names[n.Name] {
			continue
		}
		var u usage
		if l := o.c.load[n.Name]; l != nil {
			u = *l
		}
		if st := filterNodeAlloc(p, affinity, n, req, u, o.alloc[i]); len(st.reasons) == 0 {
			return i
		}
	}
	return -1
}

// bound moves node i to its place after a pod was bound there.
func (o *nodeOrder) bound(i int) {
	if o.c.loadChanges != o.changes+1 {
		o.built = false // something else changed too
		return
	}
	o.changes = o.c.loadChanges
	if l := o.c.load[o.nodes[i].Name]; l != nil {
		o.pods[i] = l.pods
	}
	at := slices.Index(o.order, i)
	less := func(a, b int) bool { return o.pods[a] < o.pods[b] || o.pods[a] == o.pods[b] && a < b }
	for at+1 < len(o.order) && less(o.order[at+1], i) {
		o.order[at] = o.order[at+1]
		at++
	}
	o.order[at] = i
}

// requestsOf is requestsOf(p), remembered for the last few specs summed:
// the pods a controller creates from one template share their containers
// (templateMemo), so the scheduler, the kubelet's admission and the
// books sum them once per template (a rollout's two, and a few more).
func (c *Cluster) requestsOf(p *corev1.Pod) usage {
	s := &p.Spec
	if !shortcuts || len(s.Containers) == 0 || len(s.Overhead) > 0 || s.Resources != nil {
		return requestsOf(p)
	}
	for i := range c.lastRequests {
		m := &c.lastRequests[i]
		if m.containers == &s.Containers[0] && len(s.Containers) == m.n && sameSlice(s.InitContainers, m.init) {
			return m.u
		}
	}
	u := requestsOf(p)
	c.lastRequests[c.nextRequests] = requestsMemo{containers: &s.Containers[0], n: len(s.Containers), init: s.InitContainers, u: u.clone()}
	c.nextRequests = (c.nextRequests + 1) % len(c.lastRequests)
	return u
}

// requestsMemo is the last pod spec whose requests were summed.
type requestsMemo struct {
	containers *corev1.Container
	n          int
	init       []corev1.Container
	u          usage
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
		c.loadOf(p.Spec.NodeName).add(c.requestsOf(p), sign)
		c.loadChanges++
	}
	if !sameLoad(old, cur) {
		account(old, -1)
		account(cur, 1)
	}
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
	// Stored objects are never modified in place: the bound version
	// shares what it does not change with the pending one.
	np := shallowPod(p)
	np.Spec.NodeName = node
	setPodCondition(np, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(c.now)})
	c.writeStatus(KindPod, np)
	c.recordMsg(np, KindPod, "Normal", "Scheduled", "default-scheduler", "Successfully assigned "+np.Namespace+"/"+np.Name+" to "+node)
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
	req := c.requestsOf(p)
	others.add(req, -1) // the books count the pod itself
	adm := kubeletAdmit(p, req, node, others)
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
