package printers

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	resourcehelper "k8s.io/component-helpers/resource"
)

// DescribeNode renders `kubectl describe node` (kubectl's NodeDescriber)
// for node: name, roles (from the node-role.kubernetes.io/ label keys and
// the kubernetes.io/role label), labels, annotations, creation time,
// taints (by effect, then key), unschedulable, the Lease section, the
// conditions table, addresses, capacity and allocatable, system info, pod
// CIDR(s) and provider ID, the Non-terminated Pods table (each pod's CPU
// and memory requests and limits, as counts and as whole percentages of
// the node's allocatable — its capacity when it reports none — and its
// age) and the Allocated resources table (totals of cpu, memory,
// ephemeral-storage, huge pages and extended resources).
//
// pods are the pods of every namespace as the apiserver lists them (by
// namespace and name); those bound to node and neither Succeeded nor
// Failed are its non-terminated pods. lease is the node's Lease in
// kube-node-lease: nil is kubectl's report of a Lease it could not get
// (not found). events are the events of every namespace: with showEvents,
// those about the node by its UID, then those recorded with its name as
// UID (as kubelets do), end the description, their ages taken at now;
// without, there is no Events section.
//
// MODEL: kubesem's nodes have no ResourceSlices, so there is no
// Node-Local ResourceSlices section.
func DescribeNode(node *corev1.Node, pods []*corev1.Pod, lease *coordinationv1.Lease, events []*corev1.Event, now time.Time, showEvents bool) (string, error) {
	if node == nil {
		return "", fmt.Errorf("describe: nil Node")
	}
	var running []*corev1.Pod
	for _, p := range pods {
		if p != nil && p.Spec.NodeName == node.Name && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			running = append(running, p)
		}
	}
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", node.Name)
		w.line(0, "Roles:\t%s\n", orNone(strings.Join(nodeRoles(node.Labels), ",")))
		w.labels("Labels", node.Labels)
		w.annotations("Annotations", node.Annotations)
		w.line(0, "CreationTimestamp:\t%s\n", node.CreationTimestamp.Format(time.RFC1123Z))
		w.taints("Taints", node.Spec.Taints)
		w.line(0, "Unschedulable:\t%v\n", node.Spec.Unschedulable)
		w.lease(node.Name, lease)
		st := &node.Status
		if len(st.Conditions) > 0 {
			w.line(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
			w.line(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
			for _, c := range st.Conditions {
				w.line(1, "%v \t%v \t%s \t%s \t%v \t%v\n", c.Type, c.Status,
					c.LastHeartbeatTime.Format(time.RFC1123Z), c.LastTransitionTime.Format(time.RFC1123Z), c.Reason, c.Message)
			}
		}
		w.line(0, "Addresses:\n")
		for _, a := range st.Addresses {
			w.line(1, "%s:\t%s\n", a.Type, a.Address)
		}
		for _, part := range []struct {
			title string
			list  corev1.ResourceList
		}{{"Capacity", st.Capacity}, {"Allocatable", st.Allocatable}} {
			if len(part.list) == 0 {
				continue
			}
			w.line(0, "%s:\n", part.title)
			for _, n := range slices.Sorted(maps.Keys(part.list)) {
				q := part.list[n]
				w.line(1, "%s:\t%s\n", n, q.String())
			}
		}
		info := &st.NodeInfo
		w.line(0, "System Info:\n")
		for _, row := range [][2]string{
			{"Machine ID", info.MachineID}, {"System UUID", info.SystemUUID}, {"Boot ID", info.BootID},
			{"Kernel Version", info.KernelVersion}, {"OS Image", info.OSImage}, {"Operating System", info.OperatingSystem},
			{"Architecture", info.Architecture}, {"Container Runtime Version", info.ContainerRuntimeVersion},
			{"Kubelet Version", info.KubeletVersion},
		} {
			w.line(1, "%s:\t%s\n", row[0], row[1])
		}
		if node.Spec.PodCIDR != "" {
			w.line(0, "PodCIDR:\t%s\n", node.Spec.PodCIDR)
		}
		if len(node.Spec.PodCIDRs) > 0 {
			w.line(0, "PodCIDRs:\t%s\n", strings.Join(node.Spec.PodCIDRs, ","))
		}
		if node.Spec.ProviderID != "" {
			w.line(0, "ProviderID:\t%s\n", node.Spec.ProviderID)
		}
		w.nodePods(node, running, now)
		if showEvents {
			evs := eventsMatching(events, "Node", "", node.Name, node.UID)
			evs = append(evs, eventsMatching(events, "Node", "", node.Name, types.UID(node.Name))...)
			w.events(evs, now)
		}
	}), nil
}

// taints writes "title:<tab>key=value:effect" lines sorted by effect then
// key, "<none>" for none.
func (w *describeWriter) taints(title string, ts []corev1.Taint) {
	w.line(0, "%s:\t", title)
	if len(ts) == 0 {
		w.line(0, "<none>\n")
		return
	}
	ts = slices.Clone(ts)
	sort.SliceStable(ts, func(i, j int) bool {
		return string(ts[i].Effect)+","+ts[i].Key < string(ts[j].Effect)+","+ts[j].Key
	})
	for i := range ts {
		if i > 0 {
			w.line(0, "\t")
		}
		w.line(0, "%s\n", ts[i].ToString())
	}
}

// lease is a node's Lease section: holder, acquire and renew times, or
// kubectl's failure line when there is no Lease.
func (w *describeWriter) lease(node string, l *coordinationv1.Lease) {
	if l == nil {
		w.line(0, "Lease:\tFailed to get lease: leases.coordination.k8s.io %q not found\n", node)
		return
	}
	holder, acquired, renewed := "<unset>", "<unset>", "<unset>"
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	if l.Spec.AcquireTime != nil {
		acquired = l.Spec.AcquireTime.Format(time.RFC1123Z)
	}
	if l.Spec.RenewTime != nil {
		renewed = l.Spec.RenewTime.Format(time.RFC1123Z)
	}
	w.line(0, "Lease:\n")
	w.line(1, "HolderIdentity:\t%s\n", holder)
	w.line(1, "AcquireTime:\t%s\n", acquired)
	w.line(1, "RenewTime:\t%s\n", renewed)
}

// percentOf is part as a whole percentage of all, computed as kubectl
// does (in floating point, truncated; a zero all gives what Go's
// conversion of an infinity or NaN gives).
func percentOf(part, all int64) int64 {
	return int64(float64(part) / float64(all) * 100)
}

// percentOfNonZero is percentOf, 0 when all is 0.
func percentOfNonZero(part, all int64) int64 {
	if all == 0 {
		return 0
	}
	return percentOf(part, all)
}

// nodePods is a node's Non-terminated Pods and Allocated resources
// sections.
func (w *describeWriter) nodePods(node *corev1.Node, pods []*corev1.Pod, now time.Time) {
	alloc := node.Status.Capacity
	if len(node.Status.Allocatable) > 0 {
		alloc = node.Status.Allocatable
	}
	allocCPU, allocMem, allocStorage := alloc.Cpu().MilliValue(), alloc.Memory().Value(), alloc.StorageEphemeral().Value()
	w.line(0, "Non-terminated Pods:\t(%d in total)\n", len(pods))
	w.line(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
	w.line(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
	reqs, limits := corev1.ResourceList{}, corev1.ResourceList{}
	add := func(total, l corev1.ResourceList) {
		for n, q := range l {
			sum, ok := total[n]
			if !ok {
				total[n] = q.DeepCopy()
				continue
			}
			sum.Add(q)
			total[n] = sum
		}
	}
	for _, p := range pods {
		opts := resourcehelper.PodResourcesOptions{UseStatusResources: true}
		req, lim := resourcehelper.PodRequests(p, opts), resourcehelper.PodLimits(p, opts)
		cpuReq, cpuLim, memReq, memLim := req[corev1.ResourceCPU], lim[corev1.ResourceCPU], req[corev1.ResourceMemory], lim[corev1.ResourceMemory]
		w.line(1, "%s\t%s\t\t%s (%d%%)\t%s (%d%%)\t%s (%d%%)\t%s (%d%%)\t%s\n", p.Namespace, p.Name,
			cpuReq.String(), percentOf(cpuReq.MilliValue(), allocCPU), cpuLim.String(), percentOf(cpuLim.MilliValue(), allocCPU),
			memReq.String(), percentOf(memReq.Value(), allocMem), memLim.String(), percentOf(memLim.Value(), allocMem),
			sinceOrUnknown(p.CreationTimestamp.Time, now))
		add(reqs, resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{}))
		add(limits, resourcehelper.PodLimits(p, resourcehelper.PodResourcesOptions{}))
	}
	w.line(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
	w.line(1, "Resource\tRequests\tLimits\n")
	w.line(1, "--------\t--------\t------\n")
	row := func(n corev1.ResourceName, all int64, value func(*resource.Quantity) int64) {
		r, l := reqs[n], limits[n]
		w.line(1, "%s\t%s (%d%%)\t%s (%d%%)\n", n, r.String(), percentOfNonZero(value(&r), all), l.String(), percentOfNonZero(value(&l), all))
	}
	milli := func(q *resource.Quantity) int64 { return q.MilliValue() }
	whole := func(q *resource.Quantity) int64 { return q.Value() }
	row(corev1.ResourceCPU, allocCPU, milli)
	row(corev1.ResourceMemory, allocMem, whole)
	row(corev1.ResourceEphemeralStorage, allocStorage, whole)
	var hugePages, extended []corev1.ResourceName
	for n := range alloc {
		switch {
		case strings.HasPrefix(string(n), corev1.ResourceHugePagesPrefix):
			hugePages = append(hugePages, n)
		case n != corev1.ResourceCPU && n != corev1.ResourceMemory && n != corev1.ResourceEphemeralStorage && n != corev1.ResourcePods:
			extended = append(extended, n)
		}
	}
	slices.Sort(hugePages)
	slices.Sort(extended)
	for _, n := range hugePages {
		size := alloc[n]
		row(n, size.Value(), whole)
	}
	for _, n := range extended {
		r, l := reqs[n], limits[n]
		w.line(1, "%s\t%s\t%s\n", n, r.String(), l.String())
	}
}
