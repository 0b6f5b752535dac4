package cluster

import (
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The node lifecycle controller's monitor pass, its zones and its
// NoExecute tainting queues (rules 6a to 6c of the package doc; upstream
// pkg/controller/nodelifecycle/node_lifecycle_controller.go).

// ZoneState is the disruption state of a zone, as the node lifecycle
// controller decides it on every monitor pass (upstream's ZoneState,
// with its texts).
type ZoneState string

// The zone states.
const (
	// ZoneInitial is a zone the controller has seen but not yet judged.
	ZoneInitial ZoneState = "Initial"
	// ZoneNormal: fewer than three nodes, or less than
	// UnhealthyZoneThreshold of them, are not ready.
	ZoneNormal ZoneState = "Normal"
	// ZoneFullDisruption: no node of the zone is ready.
	ZoneFullDisruption ZoneState = "FullDisruption"
	// ZonePartialDisruption: more than two nodes, and at least
	// UnhealthyZoneThreshold of them, are not ready.
	ZonePartialDisruption ZoneState = "PartialDisruption"
)

// Node lifecycle settings: kube-controller-manager's defaults.
const (
	// UnhealthyZoneThreshold is --unhealthy-zone-threshold: the fraction
	// of not-ready nodes (at least three) that puts a zone in partial
	// disruption.
	UnhealthyZoneThreshold float32 = 0.55
	// LargeClusterSizeThreshold is --large-cluster-size-threshold: a zone
	// in partial disruption with more nodes than this keeps tainting at
	// the secondary rate, a smaller one stops.
	LargeClusterSizeThreshold = 50
	// SecondaryTaintInterval is the NoExecute tainting interval of a
	// large zone in partial disruption (--secondary-node-eviction-rate
	// 0.01 nodes/s).
	SecondaryTaintInterval = 100 * time.Second
	// NodeStartupGracePeriod is how long a node that never posted its
	// status may stay silent before it is marked Unknown.
	NodeStartupGracePeriod = 60 * time.Second
)

// ZoneKey is the zone a node belongs to for the lifecycle controller
// (component-helpers' GetZoneKey): its region and zone labels (the
// deprecated failure-domain.beta ones first), joined by ":\x00:"; "" when
// it has neither.
func ZoneKey(n *corev1.Node) string {
	if n == nil || n.Labels == nil {
		return ""
	}
	zone, ok := n.Labels[corev1.LabelFailureDomainBetaZone]
	if !ok {
		zone = n.Labels[corev1.LabelTopologyZone]
	}
	region, ok := n.Labels[corev1.LabelFailureDomainBetaRegion]
	if !ok {
		region = n.Labels[corev1.LabelTopologyRegion]
	}
	if region == "" && zone == "" {
		return ""
	}
	return region + ":\x00:" + zone
}

// ComputeZoneState is the state of a zone from its nodes' Ready
// conditions (upstream ComputeZoneState): the number of nodes not ready
// (a missing condition counts as not ready) and FullDisruption when none
// is ready, PartialDisruption when more than two are not ready and they
// are at least UnhealthyZoneThreshold of the zone (compared in float32,
// as upstream does), Normal otherwise. An empty zone is Normal.
func ComputeZoneState(ready []*corev1.NodeCondition) (int, ZoneState) {
	readyNodes, notReady := 0, 0
	for _, c := range ready {
		if c != nil && c.Status == corev1.ConditionTrue {
			readyNodes++
		} else {
			notReady++
		}
	}
	switch {
	case readyNodes == 0 && notReady > 0:
		return notReady, ZoneFullDisruption
	case notReady > 2 && float32(notReady)/float32(notReady+readyNodes) >= UnhealthyZoneThreshold:
		return notReady, ZonePartialDisruption
	}
	return notReady, ZoneNormal
}

// ZoneStates returns the state the node lifecycle controller holds for
// each zone (keyed by ZoneKey), as of its last monitor pass.
func (c *Cluster) ZoneStates() map[string]ZoneState {
	out := make(map[string]ZoneState, len(c.life.zoneStates))
	for k, v := range c.life.zoneStates {
		out[k] = v
	}
	return out
}

// rateLimiter is a token bucket with a burst of one
// (flowcontrol.NewTokenBucketRateLimiter with EvictionRateLimiterBurst):
// a token every `every` (0: never, the fake never-limiter).
type rateLimiter struct {
	every time.Duration
	next  time.Time // a token is there from then on
}

func (l *rateLimiter) tryAccept(now time.Time) bool {
	if l.every <= 0 || now.Before(l.next) {
		return false
	}
	l.next = now.Add(l.every)
	return true
}

// swap is RateLimitedTimedQueue.SwapLimiter: the same rate changes
// nothing; a new positive rate starts a full bucket, emptied at once when
// the old one had no token left.
func (l *rateLimiter) swap(now time.Time, every time.Duration) {
	if l.every == every {
		return
	}
	if every <= 0 {
		l.every = 0
		return
	}
	had := l.tryAccept(now)
	l.every, l.next = every, now
	if !had {
		l.next = now.Add(every)
	}
}

// zoneTainter is one zone's NoExecute tainting queue
// (RateLimitedTimedQueue): the nodes waiting, and the set of those queued
// or already handled (upstream's UniqueQueue keeps a handled node in its
// set until it is removed).
type zoneTainter struct {
	limiter rateLimiter
	queued  []string // in name order (MODEL: upstream's order among the nodes of one pass is its workers')
	set     map[string]bool
	wakeAt  time.Time // a run of the queue is scheduled then
}

func newZoneTainter() *zoneTainter {
	return &zoneTainter{limiter: rateLimiter{every: TaintInterval}, set: map[string]bool{}}
}

func (t *zoneTainter) add(name string) {
	if t.set[name] {
		return
	}
	t.set[name] = true
	i, _ := slices.BinarySearch(t.queued, name)
	t.queued = slices.Insert(t.queued, i, name)
}

func (t *zoneTainter) remove(name string) {
	delete(t.set, name)
	t.queued = slices.DeleteFunc(t.queued, func(s string) bool { return s == name })
}

// nodeLifecycle is the node lifecycle controller's memory and the taint
// manager's view of the nodes' NoExecute taints.
type nodeLifecycle struct {
	zoneStates map[string]ZoneState
	tainters   map[string]*zoneTainter
	known      map[string]bool           // knownNodeSet
	passes     map[int64]bool            // monitor passes scheduled
	noExecute  map[string][]corev1.Taint // the taint manager's taintedNodes
	// batching: New is adding nodes that all come healthy, and asks for
	// the monitor once they are all there (see New)
	batching bool
}

func (l *nodeLifecycle) init() {
	if l.zoneStates == nil {
		l.zoneStates = map[string]ZoneState{}
		l.tainters = map[string]*zoneTainter{}
		l.known = map[string]bool{}
		l.passes = map[int64]bool{}
		l.noExecute = map[string][]corev1.Taint{}
	}
}

// nodeChanged is what a node write wakes: the taint manager's node
// handler and, through a monitor pass, the node lifecycle controller;
// the pod garbage collector looks at out-of-service nodes.
func (c *Cluster) nodeChanged(old, cur Object) {
	c.life.init()
	switch {
	case cur == nil:
		delete(c.life.noExecute, old.GetName())
	default:
		c.taintManagerNodeChanged(cur.GetName(), old == nil)
		c.podGCNodeChanged(cur.GetName())
	}
	if !c.life.batching {
		c.wantMonitorPass()
	}
}

// wantMonitorPass asks for the monitor's next pass after a node write.
// A pass over nodes that are all Ready, carry no not-ready or unreachable
// NoExecute taint, with nothing queued for tainting and every zone
// Normal (or not yet judged) would only judge the zones Normal: kubesem
// records that at once instead of waking the clock (MODEL).
func (c *Cluster) wantMonitorPass() {
	l := &c.life
	healthy := true
	for _, o := range c.st.list(KindNode, "") {
		n := o.(*corev1.Node)
		if !nodeReady(n) || slices.ContainsFunc(n.Spec.Taints, isLifecycleNoExecute) {
			healthy = false
			break
		}
	}
	for _, s := range l.zoneStates {
		if s != ZoneNormal && s != ZoneInitial {
			healthy = false
		}
	}
	for _, t := range l.tainters {
		if len(t.queued) > 0 {
			healthy = false
		}
	}
	if !healthy {
		c.requestMonitorPass(c.tickAfter(c.now, NodeMonitorPeriod))
		return
	}
	nodes := c.nodeList()
	c.classifyNodes(nodes)
	present := map[string]bool{}
	for _, n := range nodes {
		if !excludedFromDisruption(n) {
			present[ZoneKey(n)] = true
		}
	}
	for k := range l.zoneStates {
		if present[k] {
			l.zoneStates[k] = ZoneNormal
		} else {
			delete(l.zoneStates, k)
		}
	}
}

// requestMonitorPass schedules a monitor pass at a tick of the 5 s grid.
func (c *Cluster) requestMonitorPass(at time.Time) {
	c.life.init()
	k := at.UnixNano()
	if c.life.passes[k] {
		return
	}
	c.life.passes[k] = true
	c.at(at, foreground, func() {
		delete(c.life.passes, k)
		c.monitorPass()
	})
}

func (c *Cluster) nodeList() []*corev1.Node {
	objs := c.st.list(KindNode, "")
	out := make([]*corev1.Node, len(objs))
	for i, o := range objs {
		out[i] = o.(*corev1.Node)
	}
	return out
}

func excludedFromDisruption(n *corev1.Node) bool {
	_, ok := n.Labels["node.kubernetes.io/exclude-disruption"]
	return ok
}

// classifyNodes notes new nodes and zones (upstream classifyNodes and
// addPodEvictorForNewZone): a zone without a state gets Initial and a
// fresh tainting queue at the normal rate; deleted nodes are forgotten.
func (c *Cluster) classifyNodes(nodes []*corev1.Node) {
	l := &c.life
	l.init()
	seen := map[string]bool{}
	for _, n := range nodes {
		seen[n.Name] = true
		l.known[n.Name] = true
		if z := ZoneKey(n); l.zoneStates[z] == "" {
			l.zoneStates[z] = ZoneInitial
			l.tainters[z] = newZoneTainter()
		}
	}
	for name := range l.known {
		if !seen[name] {
			delete(l.known, name)
		}
	}
}

// monitorPass is one monitorNodeHealth: every node's health is updated
// (in name order; MODEL: upstream's workers take them in parallel) and
// its NoExecute tainting decided, then the zones are judged together
// (handleDisruption) and the tainting queues run (MODEL: upstream's
// doNoExecuteTaintingPass runs every 100 ms; kubesem runs it at the
// pass's instant and whenever a queue's next token is due).
func (c *Cluster) monitorPass() {
	nodes := c.nodeList()
	c.classifyNodes(nodes)
	zoneConds := map[string][]*corev1.NodeCondition{}
	for _, n := range nodes {
		observed, current := c.updateNodeHealth(n)
		if cur := c.nodeObject(n.Name); cur != nil {
			n = cur
		}
		if !excludedFromDisruption(n) {
			zoneConds[ZoneKey(n)] = append(zoneConds[ZoneKey(n)], current)
		}
		if current == nil {
			continue
		}
		c.processTaintBaseEviction(n, current)
		if current.Status != corev1.ConditionTrue && observed.Status == corev1.ConditionTrue {
			c.record(n, KindNode, "Normal", "NodeNotReady", "node-controller", "Node %s status is now: %s", n.Name, "NodeNotReady")
			for _, o := range c.st.list(KindPod, "") {
				p := o.(*corev1.Pod)
				if p.Spec.NodeName != n.Name {
					continue
				}
				if np, changed := markNotReady(p, c.now); changed {
					c.writeStatus(KindPod, np)
					c.record(np, KindPod, "Warning", "NodeNotReady", "node-controller", "Node is not ready")
				}
			}
		}
	}
	c.handleDisruption(zoneConds, nodes)
	c.runTainters()
}

func readyCondition(n *corev1.Node) *corev1.NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == corev1.NodeReady {
			cond := n.Status.Conditions[i]
			return &cond
		}
	}
	return nil
}

// updateNodeHealth is tryUpdateNodeHealth: a node whose kubelet has
// posted nothing for the grace period (NodeMonitorGracePeriod since its
// last lease renewal, NodeStartupGracePeriod since its creation for one
// that never posted) gets its Ready, MemoryPressure, DiskPressure and
// PIDPressure conditions Unknown — "NodeStatusUnknown" for a condition
// it had, "NodeStatusNeverUpdated" with the node's creation as its
// heartbeat for one it never posted — written when Ready changed. It
// returns the Ready condition as observed before and as it is now (nil:
// never posted and still within its grace).
func (c *Cluster) updateNodeHealth(n *corev1.Node) (corev1.NodeCondition, *corev1.NodeCondition) {
	ready := readyCondition(n)
	observed := corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionUnknown,
		LastHeartbeatTime: n.CreationTimestamp, LastTransitionTime: n.CreationTimestamp}
	if ready != nil {
		observed = *ready
	}
	ns := c.nodes[n.Name]
	if ns == nil || ns.up || ns.unknownAt.IsZero() || c.now.Before(ns.unknownAt) {
		return observed, ready
	}
	ns.unknownAt = time.Time{}
	nn := n.DeepCopy()
	now := metav1.NewTime(c.now)
	for _, typ := range []corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure} {
		i := slices.IndexFunc(nn.Status.Conditions, func(c corev1.NodeCondition) bool { return c.Type == typ })
		if i < 0 {
			nn.Status.Conditions = append(nn.Status.Conditions, corev1.NodeCondition{Type: typ, Status: corev1.ConditionUnknown,
				Reason: "NodeStatusNeverUpdated", Message: "Kubelet never posted node status.",
				LastHeartbeatTime: n.CreationTimestamp, LastTransitionTime: now})
			continue
		}
		if cond := &nn.Status.Conditions[i]; cond.Status != corev1.ConditionUnknown {
			cond.Status, cond.Reason, cond.Message, cond.LastTransitionTime = corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status.", now
		}
	}
	current := readyCondition(nn)
	if apiequality.Semantic.DeepEqual(current, &observed) {
		return observed, ready
	}
	c.write(KindNode, nn)
	return observed, current
}

// processTaintBaseEviction decides a node's NoExecute taint from its
// Ready condition: not ready (False) or unreachable (Unknown) swaps at
// once a taint of the other kind the node carries, else queues the node
// in its zone's tainting queue; Ready removes both taints and the node
// from the queue (markNodeAsReachable).
func (c *Cluster) processTaintBaseEviction(n *corev1.Node, ready *corev1.NodeCondition) {
	switch ready.Status {
	case corev1.ConditionFalse:
		if hasTaint(n.Spec.Taints, corev1.Taint{Key: TaintUnreachable, Effect: corev1.TaintEffectNoExecute}) {
			c.swapNoExecute(n.Name, TaintNotReady, TaintUnreachable)
		} else {
			c.markNodeForTainting(n, TaintNotReady)
		}
	case corev1.ConditionUnknown:
		if hasTaint(n.Spec.Taints, corev1.Taint{Key: TaintNotReady, Effect: corev1.TaintEffectNoExecute}) {
			c.swapNoExecute(n.Name, TaintUnreachable, TaintNotReady)
		} else {
			c.markNodeForTainting(n, TaintUnreachable)
		}
	case corev1.ConditionTrue:
		c.markNodeAsReachable(n.Name)
	}
}

func (c *Cluster) tainter(n *corev1.Node) *zoneTainter {
	z := ZoneKey(n)
	t := c.life.tainters[z]
	if t == nil {
		t = newZoneTainter()
		c.life.tainters[z] = t
	}
	return t
}

// markNodeForTainting queues a node for its NoExecute taint; a node
// without the taint its status calls for is queued anew.
func (c *Cluster) markNodeForTainting(n *corev1.Node, key string) {
	t := c.tainter(n)
	if !hasTaint(n.Spec.Taints, corev1.Taint{Key: key, Effect: corev1.TaintEffectNoExecute}) {
		t.remove(n.Name)
	}
	t.add(n.Name)
}

// markNodeAsReachable removes the unreachable and the not-ready NoExecute
// taints (one write each) and takes the node out of its queue.
func (c *Cluster) markNodeAsReachable(name string) {
	for _, k := range []string{TaintUnreachable, TaintNotReady} {
		n := c.nodeObject(name)
		if n == nil {
			return
		}
		nn := n.DeepCopy()
		if removeTaints(nn, func(t corev1.Taint) bool { return t.Key == k && t.Effect == corev1.TaintEffectNoExecute }) {
			c.write(KindNode, nn)
		}
	}
	if n := c.nodeObject(name); n != nil {
		c.tainter(n).remove(name)
	}
}

// swapNoExecute is SwapNodeControllerTaint: the taint added (timeAdded
// now) in one write, the opposite one removed in another.
func (c *Cluster) swapNoExecute(name, add, drop string) bool {
	n := c.nodeObject(name)
	if n == nil {
		return false
	}
	now := metav1.NewTime(c.now)
	nn := n.DeepCopy()
	want := corev1.Taint{Key: add, Effect: corev1.TaintEffectNoExecute, TimeAdded: &now}
	if !hasTaint(nn.Spec.Taints, want) {
		nn.Spec.Taints = append(nn.Spec.Taints, want)
		c.write(KindNode, nn)
	}
	if n = c.nodeObject(name); n != nil {
		nn = n.DeepCopy()
		if removeTaints(nn, func(t corev1.Taint) bool { return t.Key == drop && t.Effect == corev1.TaintEffectNoExecute }) {
			c.write(KindNode, nn)
		}
	}
	return true
}

// handleDisruption judges every zone from the pass's Ready conditions
// (excluded nodes left out) and sets the tainting rates: a zone that
// changes state gets its state's rate (Normal and FullDisruption 0.1
// nodes/s; PartialDisruption 0.01 nodes/s above
// LargeClusterSizeThreshold nodes, none at or below). When every zone
// enters FullDisruption, every node loses its NoExecute lifecycle taints
// and tainting stops everywhere; when the cluster leaves it, the nodes'
// probe times restart at now and every zone's rate is set anew.
func (c *Cluster) handleDisruption(zoneConds map[string][]*corev1.NodeCondition, nodes []*corev1.Node) {
	l := &c.life
	newStates := map[string]ZoneState{}
	allAre := true
	for _, z := range sortedKeys(zoneConds) {
		_, st := ComputeZoneState(zoneConds[z])
		if st != ZoneFullDisruption {
			allAre = false
		}
		newStates[z] = st
		if l.zoneStates[z] == "" {
			l.zoneStates[z] = ZoneInitial
		}
	}
	allWas := true
	for _, z := range sortedKeys(l.zoneStates) {
		if _, have := zoneConds[z]; !have {
			delete(l.zoneStates, z)
			continue
		}
		if l.zoneStates[z] != ZoneFullDisruption {
			allWas = false
		}
	}
	if allAre && allWas {
		return
	}
	if allAre {
		for _, n := range nodes {
			c.markNodeAsReachable(n.Name)
		}
		for _, z := range sortedKeys(l.zoneStates) {
			c.tainterOf(z).limiter.swap(c.now, 0)
			l.zoneStates[z] = ZoneFullDisruption
		}
		return
	}
	if allWas {
		for _, n := range nodes {
			if ns := c.nodes[n.Name]; ns != nil && !ns.unknownAt.IsZero() {
				ns.unknownAt = c.nextTick(c.now.Add(NodeMonitorGracePeriod + time.Nanosecond))
				c.requestMonitorPass(ns.unknownAt)
			}
		}
		for _, z := range sortedKeys(l.zoneStates) {
			c.setLimiterInZone(z, len(zoneConds[z]), newStates[z])
			l.zoneStates[z] = newStates[z]
		}
		return
	}
	for _, z := range sortedKeys(l.zoneStates) {
		if l.zoneStates[z] == newStates[z] {
			continue
		}
		c.setLimiterInZone(z, len(zoneConds[z]), newStates[z])
		l.zoneStates[z] = newStates[z]
	}
}

func (c *Cluster) tainterOf(z string) *zoneTainter {
	t := c.life.tainters[z]
	if t == nil {
		t = newZoneTainter()
		c.life.tainters[z] = t
	}
	return t
}

func (c *Cluster) setLimiterInZone(z string, size int, st ZoneState) {
	every := TaintInterval
	if st == ZonePartialDisruption {
		every = 0
		if size > LargeClusterSizeThreshold {
			every = SecondaryTaintInterval
		}
	}
	if st == ZoneNormal || st == ZonePartialDisruption || st == ZoneFullDisruption {
		c.tainterOf(z).limiter.swap(c.now, every)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// runTainters runs every zone's tainting queue (doNoExecuteTaintingPass).
func (c *Cluster) runTainters() {
	for _, z := range sortedKeys(c.life.tainters) {
		c.runTainter(z)
	}
}

// runTainter taints the queued nodes of a zone while its rate limiter
// gives tokens, each with the NoExecute taint its Ready condition calls
// for at that moment (not-ready for False, unreachable for Unknown, the
// other removed; nothing for a node Ready again or gone), and comes back
// when the next token is due.
func (c *Cluster) runTainter(z string) {
	t := c.life.tainters[z]
	if t == nil {
		return
	}
	for len(t.queued) > 0 && t.limiter.tryAccept(c.now) {
		name := t.queued[0]
		t.queued = t.queued[1:]
		n := c.nodeObject(name)
		if n == nil {
			continue
		}
		ready := readyCondition(n)
		switch {
		case ready == nil:
			t.queued = append(t.queued, name) // tried again later
		case ready.Status == corev1.ConditionFalse:
			c.swapNoExecute(name, TaintNotReady, TaintUnreachable)
		case ready.Status == corev1.ConditionUnknown:
			c.swapNoExecute(name, TaintUnreachable, TaintNotReady)
		}
		if c.life.tainters[z] != t {
			return
		}
	}
	if len(t.queued) == 0 || t.limiter.every <= 0 || t.wakeAt.Equal(t.limiter.next) {
		return
	}
	at := t.limiter.next
	t.wakeAt = at
	c.at(at, foreground, func() {
		if t.wakeAt.Equal(at) {
			t.wakeAt = time.Time{}
		}
		c.runTainter(z)
	})
}

// taintManagerNodeChanged is the taint manager's node handler (upstream
// NodeUpdated and handleNodeUpdate): when the node's NoExecute taints
// differ from those it last saw (or the node is new), every pod bound to
// the node is looked at again against the taints the node carries now —
// all evictions cancelled when none is left, else processPodOnNode.
func (c *Cluster) taintManagerNodeChanged(name string, added bool) {
	n := c.nodeObject(name)
	if n == nil {
		return
	}
	taints := noExecuteTaints(n.Spec.Taints)
	prev, had := c.life.noExecute[name]
	if !added && apiequality.Semantic.DeepEqual(prev, taints) && (had || len(taints) == 0) {
		return
	}
	if len(taints) == 0 {
		delete(c.life.noExecute, name)
	} else {
		c.life.noExecute[name] = taints
	}
	for _, o := range c.st.list(KindPod, "") {
		p := o.(*corev1.Pod)
		if p.Spec.NodeName != name {
			continue
		}
		if len(taints) == 0 {
			c.cancelEviction(keyOf(p), p)
			continue
		}
		c.processPodOnNode(p, taints)
	}
}

// noExecuteTaints are the NoExecute taints of a list, in order; never nil.
func noExecuteTaints(ts []corev1.Taint) []corev1.Taint {
	out := []corev1.Taint{}
	for _, t := range ts {
		if t.Effect == corev1.TaintEffectNoExecute {
			out = append(out, t)
		}
	}
	return out
}

// AddNodeWithoutStatus registers a node whose kubelet never posts its
// status nor renews its lease (it died after registering): no
// conditions, not schedulable. NodeStartupGracePeriod after its creation
// the lifecycle controller's next pass marks Ready, MemoryPressure,
// DiskPressure and PIDPressure Unknown with "NodeStatusNeverUpdated",
// which taints it unreachable (NoSchedule at once, NoExecute through its
// zone's queue). StartNode starts its kubelet.
func (c *Cluster) AddNodeWithoutStatus(n *corev1.Node) error {
	if err := c.notInAction("AddNodeWithoutStatus"); err != nil {
		return err
	}
	if n == nil {
		return fmt.Errorf("cluster: AddNodeWithoutStatus: nil node")
	}
	if err := c.addNodeAs(n, len(c.nodes), false); err != nil {
		return err
	}
	return c.step()
}

// kubeletConditionTexts are the reason and message the kubelet (the
// route controller for NetworkUnavailable) posts with a condition's
// status, and the event the kubelet records when it changes (upstream
// pkg/kubelet/nodestatus setters).
var kubeletConditionTexts = map[corev1.NodeConditionType]map[corev1.ConditionStatus][3]string{
	corev1.NodeReady: {
		corev1.ConditionTrue:  {"KubeletReady", "kubelet is posting ready status", "NodeReady"},
		corev1.ConditionFalse: {"KubeletNotReady", "container runtime is down", "NodeNotReady"},
	},
	corev1.NodeMemoryPressure: {
		corev1.ConditionTrue:  {"KubeletHasInsufficientMemory", "kubelet has insufficient memory available", "NodeHasInsufficientMemory"},
		corev1.ConditionFalse: {"KubeletHasSufficientMemory", "kubelet has sufficient memory available", "NodeHasSufficientMemory"},
	},
	corev1.NodeDiskPressure: {
		corev1.ConditionTrue:  {"KubeletHasDiskPressure", "kubelet has disk pressure", "NodeHasDiskPressure"},
		corev1.ConditionFalse: {"KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure"},
	},
	corev1.NodePIDPressure: {
		corev1.ConditionTrue:  {"KubeletHasInsufficientPID", "kubelet has insufficient PID available", "NodeHasInsufficientPID"},
		corev1.ConditionFalse: {"KubeletHasSufficientPID", "kubelet has sufficient PID available", "NodeHasSufficientPID"},
	},
	corev1.NodeNetworkUnavailable: {
		corev1.ConditionTrue:  {"NoRouteCreated", "Node created without a route", ""},
		corev1.ConditionFalse: {"RouteCreated", "RouteController created a route", ""},
	},
}

// SetNodeCondition posts one condition of a node's status as its kubelet
// does (the route controller, for NetworkUnavailable): Ready,
// MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable with
// status True, False or Unknown; an empty reason and message are the
// kubelet's for that status ("KubeletNotReady", "container runtime is
// down" for Ready False). The heartbeat is now; the transition time is
// now when the status changes, and the kubelet then records its event
// ("Node worker1 status is now: NodeHasInsufficientMemory"). The
// lifecycle controller reacts: the NoSchedule taints of rule 6 at once,
// and for Ready the monitor's next pass (NoExecute tainting through the
// zone's queue, zone states). A stopped node's kubelet posts nothing: an
// error, except for NetworkUnavailable.
func (c *Cluster) SetNodeCondition(node string, cond corev1.NodeCondition) error {
	if err := c.notInAction("SetNodeCondition"); err != nil {
		return err
	}
	texts, ok := kubeletConditionTexts[cond.Type]
	if !ok {
		return fmt.Errorf("cluster: node condition %q is not one a kubelet posts (Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable)", cond.Type)
	}
	switch cond.Status {
	case corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown:
	default:
		return fmt.Errorf("cluster: node condition status %q is not True, False or Unknown", cond.Status)
	}
	ns := c.nodes[node]
	n := c.nodeObject(node)
	if ns == nil || n == nil {
		return apiNotFound(KindNode, node)
	}
	if !ns.up && cond.Type != corev1.NodeNetworkUnavailable {
		return fmt.Errorf("cluster: node %q is stopped: its kubelet posts nothing", node)
	}
	t := texts[cond.Status]
	if cond.Reason == "" && cond.Message == "" {
		cond.Reason, cond.Message = t[0], t[1]
	}
	now := metav1.NewTime(c.now)
	cond.LastHeartbeatTime, cond.LastTransitionTime = now, now
	nn := n.DeepCopy()
	changed := true
	if i := slices.IndexFunc(nn.Status.Conditions, func(x corev1.NodeCondition) bool { return x.Type == cond.Type }); i >= 0 {
		have := nn.Status.Conditions[i]
		if changed = have.Status != cond.Status; !changed {
			cond.LastTransitionTime = have.LastTransitionTime
		}
		nn.Status.Conditions[i] = cond
	} else {
		nn.Status.Conditions = append(nn.Status.Conditions, cond)
	}
	c.write(KindNode, nn)
	if changed && t[2] != "" && cond.Status != corev1.ConditionUnknown {
		c.record(nn, KindNode, "Normal", t[2], "kubelet", "Node %s status is now: %s", node, t[2])
	}
	return c.step()
}
