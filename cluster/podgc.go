package cluster

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The pod garbage collector's periodic duties besides orphans
// (upstream pkg/controller/podgc/gc_controller.go: gc, gcTerminated,
// gcTerminating, gcUnscheduledTerminating; rule 6d of the package doc).

// DefaultTerminatedPodGCThreshold is kube-controller-manager's
// --terminated-pod-gc-threshold default.
const DefaultTerminatedPodGCThreshold = 12500

// TaintOutOfService is the taint an administrator puts on a node that is
// shut down for good, so that the pod garbage collector force-deletes the
// pods terminating there.
const TaintOutOfService = corev1.TaintNodeOutOfService // "node.kubernetes.io/out-of-service"

// podGC is the collector's bookkeeping: how many pods are terminated, and
// which passes are scheduled.
type podGC struct {
	terminated int
	passes     map[int64]bool
}

func (c *Cluster) gcThreshold() int {
	switch t := c.opts.TerminatedPodGCThreshold; {
	case t == 0:
		return DefaultTerminatedPodGCThreshold
	case t < 0:
		return 0
	default:
		return t
	}
}

// podTerminated is the collector's isPodTerminated: any phase but
// Pending, Running and Unknown (an empty phase too).
func podTerminated(p *corev1.Pod) bool {
	switch p.Status.Phase {
	case corev1.PodPending, corev1.PodRunning, corev1.PodUnknown:
		return false
	}
	return true
}

// podGCPodChanged keeps the count of terminated pods and asks for a
// pass when a pod write gives the collector work.
func (c *Cluster) podGCPodChanged(old, cur *corev1.Pod) {
	if old != nil && podTerminated(old) {
		c.podgc.terminated--
	}
	if cur != nil && podTerminated(cur) {
		c.podgc.terminated++
	}
	if th := c.gcThreshold(); th > 0 && c.podgc.terminated > th {
		c.requestPodGC()
	}
	if cur != nil && c.podGCWorkOn(cur) {
		c.requestPodGC()
	}
}

// podGCNodeChanged asks for a pass when a node written is out of service
// with terminating pods on it.
func (c *Cluster) podGCNodeChanged(name string) {
	n := c.nodeObject(name)
	if n == nil || !outOfService(n) {
		return
	}
	for _, o := range c.st.list(KindPod, "") {
		if p := o.(*corev1.Pod); p.Spec.NodeName == name && c.podGCWorkOn(p) {
			c.requestPodGC()
			return
		}
	}
}

// outOfService: not Ready and tainted node.kubernetes.io/out-of-service
// (any value and effect).
func outOfService(n *corev1.Node) bool {
	return !nodeReady(n) && slices.ContainsFunc(n.Spec.Taints, func(t corev1.Taint) bool { return t.Key == TaintOutOfService })
}

// podGCWorkOn says whether a pass would change a terminating pod:
// unscheduled, or on an out-of-service node, and not yet Failed or
// Succeeded (a terminal one is gone by then, or kept by finalizers).
func (c *Cluster) podGCWorkOn(p *corev1.Pod) bool {
	if p.DeletionTimestamp == nil || podTerminal(p) {
		return false
	}
	if p.Spec.NodeName == "" {
		return true
	}
	n := c.nodeObject(p.Spec.NodeName)
	return n != nil && outOfService(n)
}

// requestPodGC schedules the collector's next pass on its 20 s grid (a
// pass at the current instant counts as run before the write).
func (c *Cluster) requestPodGC() {
	at := c.tickAfter(c.now, PodGCPeriod)
	if c.podgc.passes == nil {
		c.podgc.passes = map[int64]bool{}
	}
	k := at.UnixNano()
	if c.podgc.passes[k] {
		return
	}
	c.podgc.passes[k] = true
	c.at(at, foreground, func() {
		delete(c.podgc.passes, k)
		c.podGCPass()
	})
}

// PodGCVictims is the pod garbage collector's choice on one pass from the
// pods and nodes it lists (upstream gc without gcOrphaned), in the order
// it deletes them, each pod at most once:
//
//   - gcTerminated: with threshold > 0 and more terminated pods (phase
//     neither Pending, Running nor Unknown) than threshold, the surplus,
//     evicted ones (Failed with reason "Evicted") first, then oldest
//     creationTimestamp first, then by name;
//   - gcTerminating: pods being deleted on an existing node that is not
//     Ready and carries node.kubernetes.io/out-of-service, in the same
//     order;
//   - gcUnscheduledTerminating: pods being deleted that are bound to no
//     node, in list order.
//
// Each is force-deleted (markFailedAndDeletePod: phase Failed unless
// terminal, then DELETE with grace 0). The inputs are not modified.
func PodGCVictims(pods []*corev1.Pod, nodes []*corev1.Node, threshold int) []types.NamespacedName {
	nodeByName := map[string]*corev1.Node{}
	for _, n := range nodes {
		if n != nil {
			nodeByName[n.Name] = n
		}
	}
	var out []types.NamespacedName
	seen := map[types.NamespacedName]bool{}
	take := func(ps []*corev1.Pod) {
		for _, p := range ps {
			k := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	if threshold > 0 {
		var terminated []*corev1.Pod
		for _, p := range pods {
			if p != nil && podTerminated(p) {
				terminated = append(terminated, p)
			}
		}
		if n := len(terminated) - threshold; n > 0 {
			sortForGC(terminated)
			take(terminated[:n])
		}
	}
	var terminating []*corev1.Pod
	for _, p := range pods {
		if p == nil || p.DeletionTimestamp == nil {
			continue
		}
		if n := nodeByName[p.Spec.NodeName]; n != nil && outOfService(n) {
			terminating = append(terminating, p)
		}
	}
	sortForGC(terminating)
	take(terminating)
	for _, p := range pods {
		if p != nil && p.DeletionTimestamp != nil && p.Spec.NodeName == "" {
			take([]*corev1.Pod{p})
		}
	}
	return out
}

// sortForGC is byEvictionAndCreationTimestamp: evicted pods first, then
// by creation time, then by name.
func sortForGC(ps []*corev1.Pod) {
	evicted := func(p *corev1.Pod) bool {
		return p.Status.Phase == corev1.PodFailed && p.Status.Reason == "Evicted"
	}
	slices.SortStableFunc(ps, func(a, b *corev1.Pod) int {
		if ea, eb := evicted(a), evicted(b); ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			if a.CreationTimestamp.Before(&b.CreationTimestamp) {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// podGCPass is one pass of the collector's gc (its orphans are
// podGCOrphans'): the victims PodGCVictims picks are force-deleted.
func (c *Cluster) podGCPass() {
	pods := c.podsOf("")
	for _, k := range PodGCVictims(pods, c.nodeList(), c.gcThreshold()) {
		o := c.st.get(KindPod, key{k.Namespace, k.Name})
		if o == nil {
			continue
		}
		c.forceDeletePod(o.(*corev1.Pod))
	}
}

// forceDeletePod is markFailedAndDeletePod without a condition: phase
// Failed (observing the pod's generation) unless the pod is terminal,
// then DELETE with grace 0. MODEL: a pod being deleted that finalizers
// keep only gets its phase (kubesem's grace-0 delete removes at once).
func (c *Cluster) forceDeletePod(p *corev1.Pod) {
	if !podTerminal(p) {
		np := p.DeepCopy()
		np.Status.Phase = corev1.PodFailed
		np.Status.ObservedGeneration = p.Generation
		c.writeStatus(KindPod, np)
		p = np
	}
	if p.DeletionTimestamp != nil && len(p.Finalizers) > 0 {
		return
	}
	zero := int64(0)
	c.deletePod(p, &zero)
}
