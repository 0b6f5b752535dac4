package cluster

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	resourcehelper "k8s.io/component-helpers/resource"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// This file holds the pure decisions of rule 4: kube-scheduler's filters
// and its texts for a pod that fits nowhere, and the kubelet's admission
// of a pod bound to its node. The cluster's scheduler (scheduler.go) keeps
// the books and writes the results.

// usage is what is requested on a node, or what a pod requests: cpu in
// millicores, memory and ephemeral storage in bytes, the other scalar
// resources (extended resources, hugepages) in their units, and a count
// of pods.
type usage struct {
	pods             int64
	milliCPU, mem    int64
	ephemeralStorage int64
	scalar           map[corev1.ResourceName]int64
}

// requestsOf is a pod's effective requests as the scheduler counts them
// (k8s.io/component-helpers resource.PodRequests: the app containers'
// sum, or the largest init container when that is more, restartable init
// containers added, the pod overhead and pod-level requests).
func requestsOf(p *corev1.Pod) usage {
	u := usage{pods: 1}
	for name, q := range resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{}) {
		switch name {
		case corev1.ResourceCPU:
			u.milliCPU = q.MilliValue()
		case corev1.ResourceMemory:
			u.mem = q.Value()
		case corev1.ResourceEphemeralStorage:
			u.ephemeralStorage = q.Value()
		default:
			if scalarResource(name) {
				if u.scalar == nil {
					u.scalar = map[corev1.ResourceName]int64{}
				}
				u.scalar[name] = q.Value()
			}
		}
	}
	return u
}

// scalarResource: the resources the fit plugin counts besides cpu, memory,
// ephemeral storage and pods — extended resources (a domain-prefixed name
// outside kubernetes.io) and hugepages; native kubernetes.io/ names and
// attachable volumes as well.
func scalarResource(name corev1.ResourceName) bool {
	s := string(name)
	return strings.HasPrefix(s, corev1.ResourceHugePagesPrefix) || strings.Contains(s, "/")
}

// extendedResource is a name outside the kubernetes.io domain with a
// domain prefix (v1helper.IsExtendedResourceName).
func extendedResource(name corev1.ResourceName) bool {
	s := string(name)
	if !strings.Contains(s, "/") || strings.HasPrefix(s, "requests.") {
		return false
	}
	domain := s[:strings.Index(s, "/")]
	return domain != "kubernetes.io" && !strings.HasSuffix(domain, ".kubernetes.io")
}

// clone is a copy that shares nothing with u.
func (u usage) clone() usage {
	u.scalar = maps.Clone(u.scalar)
	return u
}

func (u *usage) add(o usage, sign int64) {
	u.pods += sign * o.pods
	u.milliCPU += sign * o.milliCPU
	u.mem += sign * o.mem
	u.ephemeralStorage += sign * o.ephemeralStorage
	for name, v := range o.scalar {
		if u.scalar == nil {
			u.scalar = map[corev1.ResourceName]int64{}
		}
		u.scalar[name] += sign * v
		if u.scalar[name] == 0 {
			delete(u.scalar, name)
		}
	}
}

// allocatableOf is a node's allocatable as the scheduler reads it: a
// resource the node does not list is 0.
func allocatableOf(n *corev1.Node) usage {
	a := n.Status.Allocatable
	u := usage{}
	if q, ok := a[corev1.ResourcePods]; ok {
		u.pods = q.Value()
	}
	if q, ok := a[corev1.ResourceCPU]; ok {
		u.milliCPU = q.MilliValue()
	}
	if q, ok := a[corev1.ResourceMemory]; ok {
		u.mem = q.Value()
	}
	if q, ok := a[corev1.ResourceEphemeralStorage]; ok {
		u.ephemeralStorage = q.Value()
	}
	for name, q := range a {
		if scalarResource(name) {
			if u.scalar == nil {
				u.scalar = map[corev1.ResourceName]int64{}
			}
			u.scalar[name] = q.Value()
		}
	}
	return u
}

// insufficient is one resource a node lacks for a pod, with the numbers
// the kubelet prints.
type insufficient struct {
	resource                  corev1.ResourceName
	requested, used, capacity int64
	// unresolvable: the pod asks for more than the whole node has, so
	// no preemption could help.
	unresolvable bool
}

func (r insufficient) reason() string {
	if r.resource == corev1.ResourcePods {
		return "Too many pods"
	}
	return "Insufficient " + string(r.resource)
}

// fitsResources is the NodeResourcesFit filter's check
// (pkg/scheduler/framework/plugins/noderesources/fit.go: fitsRequest):
// one more pod within the node's pod count, then — unless the pod
// requests nothing — cpu, memory, ephemeral storage and each scalar
// resource the pod requests within what is left of the allocatable.
// ignore drops a scalar resource from the check (the kubelet's, for an
// extended resource its node does not have).
func fitsResources(req, used, alloc usage, ignore func(corev1.ResourceName) bool) []insufficient {
	var out []insufficient
	if used.pods+1 > alloc.pods {
		out = append(out, insufficient{resource: corev1.ResourcePods, requested: 1, used: used.pods, capacity: alloc.pods})
	}
	if req.milliCPU == 0 && req.mem == 0 && req.ephemeralStorage == 0 && len(req.scalar) == 0 {
		return out
	}
	check := func(name corev1.ResourceName, r, u, a int64) {
		if r > 0 && r > a-u {
			out = append(out, insufficient{resource: name, requested: r, used: u, capacity: a, unresolvable: r > a})
		}
	}
	check(corev1.ResourceCPU, req.milliCPU, used.milliCPU, alloc.milliCPU)
	check(corev1.ResourceMemory, req.mem, used.mem, alloc.mem)
	check(corev1.ResourceEphemeralStorage, req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage)
	names := make([]corev1.ResourceName, 0, len(req.scalar))
	for name := range req.scalar {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if ignore != nil && ignore(name) {
			continue
		}
		check(name, req.scalar[name], used.scalar[name], alloc.scalar[name])
	}
	return out
}

// The scheduler's reasons, each its plugin's text.
const (
	reasonUnschedulable    = "node(s) were unschedulable"                        // nodeunschedulable.ErrReasonUnschedulable
	reasonTaint            = "node(s) had untolerated taint(s)"                  // tainttoleration Filter
	reasonAffinity         = "node(s) didn't match Pod's node affinity/selector" // nodeaffinity.ErrReasonPod
	reasonAffinityNames    = "node(s) didn't satisfy plugin(s) [NodeAffinity]"   // findNodesThatFitPod, nodes a PreFilter result left out
	reasonAffinityConflict = "pod affinity terms conflict"                       // nodeaffinity errReasonConflict
	reasonNoVictims        = "No preemption victims found for incoming pod"
	reasonNotHelpful       = "Preemption is not helpful for scheduling"
	noNodesAvailable       = "no nodes available to schedule pods" // scheduler.ErrNoNodesAvailable
)

// nodeStatus is one node's verdict from the filters: the reasons it was
// rejected (none when it fits), and whether preemption could not help
// (UnschedulableAndUnresolvable).
type nodeStatus struct {
	reasons      []string
	unresolvable bool
}

// filterNode runs the default profile's filters that kubesem models on
// one node, in the profile's order, stopping at the first that rejects
// (frameworkImpl.RunFilterPlugins): NodeUnschedulable, TaintToleration,
// NodeAffinity, NodeResourcesFit. used is what the pods bound there
// request.
func filterNode(p *corev1.Pod, affinity *nodeaffinity.RequiredNodeAffinity, n *corev1.Node, req, used usage) nodeStatus {
	return filterNodeAlloc(p, affinity, n, req, used, allocatableOf(n))
}

// filterNodeAlloc is filterNode with the node's allocatable resources
// already summed.
func filterNodeAlloc(p *corev1.Pod, affinity *nodeaffinity.RequiredNodeAffinity, n *corev1.Node, req, used, alloc usage) nodeStatus {
	// NodeUnschedulable: a cordoned node takes only pods that tolerate
	// its unschedulable taint, whether or not the taint is there yet.
	if n.Spec.Unschedulable && !tolerated(p.Spec.Tolerations, &corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}) {
		return nodeStatus{reasons: []string{reasonUnschedulable}, unresolvable: true}
	}
	// TaintToleration: every NoSchedule and NoExecute taint tolerated.
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		if t.Effect != corev1.TaintEffectNoSchedule && t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if !tolerated(p.Spec.Tolerations, t) {
			return nodeStatus{reasons: []string{reasonTaint}, unresolvable: true}
		}
	}
	// NodeAffinity: nodeSelector and the required node affinity.
	if affinity != nil {
		if ok, _ := affinity.Match(n); !ok {
			return nodeStatus{reasons: []string{reasonAffinity}, unresolvable: true}
		}
	}
	// NodeResourcesFit: every resource short is a reason.
	var st nodeStatus
	for _, r := range fitsResources(req, used, alloc, nil) {
		st.reasons = append(st.reasons, r.reason())
		st.unresolvable = st.unresolvable || r.unresolvable
	}
	return st
}

// requiredAffinity is the NodeAffinity plugin's PreFilter state: nil when
// the pod has neither a nodeSelector nor a required node affinity (the
// plugin skips it).
func requiredAffinity(p *corev1.Pod) *nodeaffinity.RequiredNodeAffinity {
	if p.Spec.NodeSelector == nil && requiredTerms(p) == nil {
		return nil
	}
	a := nodeaffinity.GetRequiredNodeAffinity(p)
	return &a
}

func requiredTerms(p *corev1.Pod) *corev1.NodeSelector {
	if a := p.Spec.Affinity; a != nil && a.NodeAffinity != nil {
		return a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	return nil
}

// affinityNodeNames is the NodeAffinity PreFilter's result
// (node_affinity.go: PreFilter): when every term of the required
// affinity names nodes with a metadata.name In requirement, only the
// nodes so named (each term's In lists intersected, the terms united)
// are looked at; all is true when any term leaves the nodes open. An
// empty result is the conflict.
func affinityNodeNames(p *corev1.Pod) (names map[string]bool, all bool) {
	sel := requiredTerms(p)
	if sel == nil || len(sel.NodeSelectorTerms) == 0 {
		return nil, true
	}
	names = map[string]bool{}
	for _, t := range sel.NodeSelectorTerms {
		var term map[string]bool
		for _, r := range t.MatchFields {
			if r.Key != metav1.ObjectNameField || r.Operator != corev1.NodeSelectorOpIn {
				continue
			}
			s := map[string]bool{}
			for _, v := range r.Values {
				if term == nil || term[v] {
					s[v] = true
				}
			}
			term = s
		}
		if term == nil {
			return nil, true
		}
		for v := range term {
			names[v] = true
		}
	}
	return names, false
}

// Scheduling is kube-scheduler's decision for one pod (rule 4).
type Scheduling struct {
	// Node is the node the pod is bound to; "" when it fits nowhere.
	Node string
	// Message, when Node is "", is the PodScheduled=False condition's
	// message and the FailedScheduling event's, in kube-scheduler's words.
	Message string
}

// Schedule decides where kube-scheduler would bind pod among nodes, with
// bound the pods already bound to them (terminal pods and pods bound
// elsewhere count for nothing): rule 4. The inputs are not changed.
func Schedule(pod *corev1.Pod, nodes []*corev1.Node, bound []*corev1.Pod) Scheduling {
	if pod == nil {
		return Scheduling{Message: noNodesAvailable}
	}
	ns, used := scheduleInputs(nodes, bound)
	return schedulePod(pod, ns, used)
}

// scheduleInputs are Schedule's nodes in name order (nil ones dropped)
// and what the pods bound to each request.
func scheduleInputs(nodes []*corev1.Node, bound []*corev1.Pod) ([]*corev1.Node, func(string) usage) {
	used := map[string]*usage{}
	for _, p := range bound {
		if p == nil || p.Spec.NodeName == "" || podTerminal(p) {
			continue
		}
		u := used[p.Spec.NodeName]
		if u == nil {
			u = &usage{}
			used[p.Spec.NodeName] = u
		}
		u.add(requestsOf(p), 1)
	}
	ns := make([]*corev1.Node, 0, len(nodes))
	for _, n := range nodes {
		if n != nil {
			ns = append(ns, n)
		}
	}
	slices.SortFunc(ns, func(a, b *corev1.Node) int { return cmp.Compare(a.Name, b.Name) })
	return ns, func(name string) usage {
		if u := used[name]; u != nil {
			return *u
		}
		return usage{}
	}
}

// schedulePod is Schedule over the nodes in name order, with used telling
// what is bound to each.
func schedulePod(p *corev1.Pod, nodes []*corev1.Node, used func(string) usage) Scheduling {
	if len(nodes) == 0 {
		return Scheduling{Message: noNodesAvailable}
	}
	req := requestsOf(p)
	names, all := affinityNodeNames(p)
	if !all && len(names) == 0 {
		// The PreFilter rejects every node: no filter runs.
		return Scheduling{Message: fitError(len(nodes), reasonAffinityConflict, nil, 0, "") + preemptionMessage(p, len(nodes), nil)}
	}
	affinity := requiredAffinity(p)
	statuses := map[string]nodeStatus{}
	var best string
	var bestPods int64
	evaluated := 0
	for _, n := range nodes {
		if !all && !names[n.Name] {
			continue
		}
		evaluated++
		u := used(n.Name)
		st := filterNode(p, affinity, n, req, u)
		if len(st.reasons) > 0 {
			statuses[n.Name] = st
			continue
		}
		// MODEL: kube-scheduler scores the feasible nodes; kubesem takes
		// the one with the fewest pods, ties by name.
		if best == "" || u.pods < bestPods {
			best, bestPods = n.Name, u.pods
		}
	}
	if best != "" {
		return Scheduling{Node: best}
	}
	absent, absentReason := len(nodes)-evaluated, ""
	if absent > 0 {
		absentReason = reasonAffinityNames
	}
	return Scheduling{Message: fitError(len(nodes), "", statuses, absent, absentReason) + preemptionMessage(p, len(nodes), statuses)}
}

// fitError is FitError.Error (pkg/scheduler/framework/types.go): "0/N
// nodes are available:", then the PreFilter's message, or else each
// reason with the number of nodes that gave it, the strings sorted; the
// absent nodes (those no filter looked at) count under absentReason.
func fitError(total int, preFilterMsg string, statuses map[string]nodeStatus, absent int, absentReason string) string {
	msg := fmt.Sprintf("0/%d nodes are available:", total)
	if preFilterMsg != "" {
		return msg + " " + preFilterMsg + "."
	}
	counts := map[string]int{}
	for _, st := range statuses {
		for _, r := range st.reasons {
			counts[r]++
		}
	}
	if absent > 0 && absentReason != "" {
		counts[absentReason] += absent
	}
	parts := make([]string, 0, len(counts))
	for r, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	slices.Sort(parts)
	if len(parts) > 0 {
		msg += " " + strings.Join(parts, ", ") + "."
	}
	return msg
}

// preemptionMessage is the default preemption plugin's PostFilter message,
// after a space (defaultpreemption PostFilter, preemption.Evaluator): a
// pod with preemptionPolicy Never is not eligible; otherwise the nodes
// rejected only for resources are tried, and as every pod here has the
// same priority none has a victim (MODEL: kubesem does not preempt), so
// the message is a FitError of its own: those nodes "No preemption victims
// found for incoming pod", every other node "Preemption is not helpful
// for scheduling".
func preemptionMessage(p *corev1.Pod, total int, statuses map[string]nodeStatus) string {
	if p.Spec.PreemptionPolicy != nil && *p.Spec.PreemptionPolicy == corev1.PreemptNever {
		return " preemption: not eligible due to preemptionPolicy=Never."
	}
	victimless := map[string]nodeStatus{}
	for name, st := range statuses {
		if !st.unresolvable {
			victimless[name] = nodeStatus{reasons: []string{reasonNoVictims}, unresolvable: true}
		}
	}
	return " preemption: " + fitError(total, "", victimless, total-len(victimless), reasonNotHelpful)
}

// truncateNote cuts an event's message to the 1024 bytes an Event's note
// may hold, as kube-scheduler does before recording (truncateMessage).
func truncateNote(msg string) string {
	const limit = 1024
	if len(msg) <= limit {
		return msg
	}
	return msg[:limit-len(" ...")] + " ..."
}

// Admission is the kubelet's verdict on a pod bound to its node.
type Admission struct {
	// Admitted is true when the kubelet runs the pod.
	Admitted bool
	// Reason and Message, when the pod is rejected, are the event's
	// reason and message; the pod's status gets phase Failed, the reason,
	// and "Pod was rejected: " followed by the message.
	Reason, Message string
}

// The kubelet's OS: kubesem's nodes are linux nodes.
const kubeletOS = "linux"

// KubeletAdmit decides whether the kubelet of node runs pod, with others
// the pods it already runs there (pkg/kubelet/lifecycle/predicate.go:
// predicateAdmitHandler.Admit). In order: a pod labelled kubernetes.io/os
// other than the node's OS label (linux when the node has none) is
// refused (PodOSSelectorNodeLabelDoesNotMatch), as is a pod whose
// spec.os is not linux (PodOSNotSupported); then the general predicates,
// of which the first failure is reported: each resource short (pods,
// cpu, memory, ephemeral storage, then the scalar resources by name,
// extended resources the node does not list left out) as OutOf<resource>
// with "Node didn't have enough resource: ...", the node selector and
// required affinity (NodeAffinity), and an untolerated NoExecute taint
// (TaintToleration). MODEL: the other admit handlers (eviction, sysctls,
// AppArmor, the supplemental-groups policy) admit every pod. The inputs
// are not changed.
func KubeletAdmit(pod *corev1.Pod, node *corev1.Node, others []*corev1.Pod) Admission {
	if pod == nil || node == nil {
		return Admission{Reason: "InvalidNodeInfo", Message: "Kubelet cannot get node info."}
	}
	var used usage
	for _, o := range others {
		if o == nil || podTerminal(o) {
			continue
		}
		used.add(requestsOf(o), 1)
	}
	return kubeletAdmit(pod, requestsOf(pod), node, used)
}

// kubeletAdmit is KubeletAdmit of p, whose requests are req, on n, where
// the other pods use used.
func kubeletAdmit(p *corev1.Pod, req usage, n *corev1.Node, used usage) Admission {
	if want, ok := p.Labels[corev1.LabelOSStable]; ok {
		have, ok := n.Labels[corev1.LabelOSStable]
		if !ok || have != kubeletOS {
			have = kubeletOS
		}
		if want != have {
			return Admission{Reason: "PodOSSelectorNodeLabelDoesNotMatch", Message: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label"}
		}
	}
	if p.Spec.OS != nil && string(p.Spec.OS.Name) != kubeletOS {
		return Admission{Reason: "PodOSNotSupported", Message: "Failed to admit pod as the OS field doesn't match node OS"}
	}
	alloc := allocatableOf(n)
	missing := func(name corev1.ResourceName) bool {
		if !extendedResource(name) {
			return false
		}
		_, ok := alloc.scalar[name]
		return !ok
	}
	if short := fitsResources(req, used, alloc, missing); len(short) > 0 {
		r := short[0]
		reason := "OutOf" + string(r.resource)
		return Admission{Reason: reason, Message: fmt.Sprintf("Node didn't have enough resource: %s, requested: %d, used: %d, capacity: %d",
			r.resource, r.requested, r.used, r.capacity)}
	}
	if ok, _ := nodeaffinity.GetRequiredNodeAffinity(p).Match(n); !ok {
		return Admission{Reason: "NodeAffinity", Message: "Predicate NodeAffinity failed: " + reasonAffinity}
	}
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		if t.Effect == corev1.TaintEffectNoExecute && !tolerated(p.Spec.Tolerations, t) {
			return Admission{Reason: "TaintToleration", Message: "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate"}
		}
	}
	return Admission{Admitted: true}
}
