package printers

import (
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Namespaces prints `kubectl get namespaces`: NAME STATUS AGE, STATUS
// being status.phase (Active, Terminating) as stored (RS-14.5).
// Namespaces are cluster-scoped: o.AllNamespaces adds no column. Rows are
// printed in the order given; nil entries are skipped; an empty list
// gives "".
func Namespaces(nss []*corev1.Namespace, now time.Time, o Options) string {
	return namespacesTable(nss, now, o).render(o)
}

func namespacesTable(nss []*corev1.Namespace, now time.Time, o Options) tbl {
	var rows []row
	for _, ns := range nss {
		if ns == nil {
			continue
		}
		rows = append(rows, row{labels: ns.Labels, cells: []string{ns.Name, string(ns.Status.Phase), age(ns.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "STATUS", "AGE"}, rows: rows, namespaced: false}
}
