package printers

import (
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Nodes prints `kubectl get nodes`: NAME STATUS ROLES AGE VERSION, and
// with o.Wide also INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION
// CONTAINER-RUNTIME (RS-14.5).
//
//   - STATUS is Ready when the Ready condition is True, NotReady when it
//     is anything else (False, Unknown), Unknown when there is none (the
//     last one counts if it is repeated); ",SchedulingDisabled" is added
//     for a cordoned node (spec.unschedulable).
//   - ROLES are the names after "node-role.kubernetes.io/" in label keys
//     and the value of a non-empty "kubernetes.io/role" label, sorted,
//     without repeats, comma-joined; "<none>" when there are none.
//   - VERSION is status.nodeInfo.kubeletVersion.
//   - INTERNAL-IP and EXTERNAL-IP are the first address of each type,
//     "<none>" without one; OS-IMAGE, KERNEL-VERSION and
//     CONTAINER-RUNTIME come from status.nodeInfo, "<unknown>" when empty,
//     and the kernel version is followed by " (<architecture>)" when the
//     architecture is known.
//
// Nodes are cluster-scoped: o.AllNamespaces adds no column. Rows are
// printed in the order given; nil entries are skipped; an empty list
// gives "".
func Nodes(nodes []*corev1.Node, now time.Time, o Options) string {
	return nodesTable(nodes, now, o).render(o)
}

func nodesTable(nodes []*corev1.Node, now time.Time, o Options) tbl {
	header := []string{"NAME", "STATUS", "ROLES", "AGE", "VERSION"}
	if o.Wide {
		header = append(header, "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME")
	}
	var rows []row
	for _, n := range nodes {
		if n == nil {
			continue
		}
		info := n.Status.NodeInfo
		roles := strings.Join(nodeRoles(n.Labels), ",")
		cells := []string{n.Name, nodeStatus(n), orNone(roles), age(n.CreationTimestamp, now), info.KubeletVersion}
		if o.Wide {
			kernel := orUnknown(info.KernelVersion)
			if info.Architecture != "" {
				kernel += " (" + info.Architecture + ")"
			}
			cells = append(cells,
				nodeAddress(n, corev1.NodeInternalIP),
				nodeAddress(n, corev1.NodeExternalIP),
				orUnknown(info.OSImage),
				kernel,
				orUnknown(info.ContainerRuntimeVersion))
		}
		rows = append(rows, row{labels: n.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: false}
}

func nodeStatus(n *corev1.Node) string {
	var ready *corev1.NodeCondition
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == corev1.NodeReady {
			ready = &n.Status.Conditions[i]
		}
	}
	s := "Unknown"
	if ready != nil {
		s = "NotReady"
		if ready.Status == corev1.ConditionTrue {
			s = "Ready"
		}
	}
	if n.Spec.Unschedulable {
		s += ",SchedulingDisabled"
	}
	return s
}

func nodeRoles(l map[string]string) []string {
	seen := map[string]bool{}
	for k, v := range l {
		role := ""
		switch {
		case strings.HasPrefix(k, "node-role.kubernetes.io/"):
			role = strings.TrimPrefix(k, "node-role.kubernetes.io/")
		case k == "kubernetes.io/role":
			role = v
		}
		if role != "" {
			seen[role] = true
		}
	}
	roles := make([]string, 0, len(seen))
	for r := range seen {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	return roles
}

func nodeAddress(n *corev1.Node, t corev1.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return "<none>"
}

func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}
