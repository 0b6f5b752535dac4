package printers

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
)

// The tables of kinds kubesem stores without modelling a controller for
// them, as the apiserver's table handlers fill them
// (pkg/printers/internalversion: printConfigMap, printSecret,
// printServiceAccount, printStatefulSet), and the apiserver's default
// table for the kinds this package has no handler for.

func configMapsTable(cms []*corev1.ConfigMap, now time.Time, o Options) tbl {
	var rows []row
	for _, cm := range cms {
		if cm == nil {
			continue
		}
		rows = append(rows, row{namespace: cm.Namespace, labels: cm.Labels,
			cells: []string{cm.Name, itoa(int32(len(cm.Data) + len(cm.BinaryData))), age(cm.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "DATA", "AGE"}, rows: rows, namespaced: true}
}

func secretsTable(ss []*corev1.Secret, now time.Time, o Options) tbl {
	var rows []row
	for _, s := range ss {
		if s == nil {
			continue
		}
		rows = append(rows, row{namespace: s.Namespace, labels: s.Labels,
			cells: []string{s.Name, string(s.Type), itoa(int32(len(s.Data))), age(s.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "TYPE", "DATA", "AGE"}, rows: rows, namespaced: true}
}

func serviceAccountsTable(sas []*corev1.ServiceAccount, now time.Time, o Options) tbl {
	var rows []row
	for _, sa := range sas {
		if sa == nil {
			continue
		}
		rows = append(rows, row{namespace: sa.Namespace, labels: sa.Labels, cells: []string{sa.Name, age(sa.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "AGE"}, rows: rows, namespaced: true}
}

func statefulSetsTable(sss []*appsv1.StatefulSet, now time.Time, o Options) tbl {
	header := []string{"NAME", "READY", "AGE"}
	if o.Wide {
		header = append(header, "CONTAINERS", "IMAGES")
	}
	var rows []row
	for _, ss := range sss {
		if ss == nil {
			continue
		}
		// The apiserver defaults spec.replicas to 1 (kubesem does not
		// default StatefulSets).
		desired := int32(1)
		if ss.Spec.Replicas != nil {
			desired = *ss.Spec.Replicas
		}
		cells := []string{ss.Name, fmt.Sprintf("%d/%d", ss.Status.ReadyReplicas, desired), age(ss.CreationTimestamp, now)}
		if o.Wide {
			names, images := containerCells(ss.Spec.Template.Spec.Containers)
			cells = append(cells, names, images)
		}
		rows = append(rows, row{namespace: ss.Namespace, labels: ss.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

// defaultTable is the apiserver's table for a resource without a handler
// (k8s.io/apiserver pkg/registry/rest/table.go: the name and the
// creation time in RFC 3339). namespaced says whether -A adds the
// NAMESPACE column.
func defaultTable(objs []runtime.Object, namespaced bool) (tbl, error) {
	var rows []row
	for _, obj := range objs {
		m, err := meta.Accessor(obj)
		if err != nil {
			return tbl{}, fmt.Errorf("printers: no table for %T", obj)
		}
		ts := m.GetCreationTimestamp()
		rows = append(rows, row{namespace: m.GetNamespace(), labels: m.GetLabels(),
			cells: []string{m.GetName(), ts.UTC().Format(time.RFC3339)}})
	}
	return tbl{header: []string{"NAME", "CREATED AT"}, rows: rows, namespaced: namespaced}, nil
}

// resourceQuotasTable is printResourceQuota's: each hard limit of the
// status as "name: used/hard", the limits.* ones in LIMIT, the others in
// REQUEST, in name order.
func resourceQuotasTable(qs []*corev1.ResourceQuota, now time.Time, o Options) tbl {
	var rows []row
	for _, q := range qs {
		if q == nil {
			continue
		}
		names := slices.Sorted(maps.Keys(q.Status.Hard))
		var req, lim []string
		for _, n := range names {
			used, hard := q.Status.Used[n], q.Status.Hard[n]
			cell := fmt.Sprintf("%s: %s/%s", n, used.String(), hard.String())
			if before, _, ok := strings.Cut(string(n), "."); ok && before == "limits" {
				lim = append(lim, cell)
			} else {
				req = append(req, cell)
			}
		}
		rows = append(rows, row{namespace: q.Namespace, labels: q.Labels,
			cells: []string{q.Name, strings.Join(req, ", "), strings.Join(lim, ", "), age(q.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "REQUEST", "LIMIT", "AGE"}, rows: rows, namespaced: true}
}
