package printers

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// DescribeNamespace renders `kubectl describe namespace` (kubectl's
// NamespaceDescriber) for ns: name, labels, annotations, phase, the
// conditions when it has any, then, after a blank line each, its quota
// section and its limit range section. quotas are the ResourceQuotas of
// the namespace: "No resource quota." for none, else each (by name) with
// its scopes and their help text and a Resource/Used/Hard table of its
// status, resources in name order. limitRanges are its LimitRanges: "No
// LimitRange resource." for none, else one table of every limit item's
// resources. A nil quotas or limitRanges (a server without that API)
// leaves its section out. A namespace has no Events section.
//
// MODEL: kubectl lists an item's limit range resources in map order (a
// different order from run to run); kubesem lists them by name.
func DescribeNamespace(ns *corev1.Namespace, quotas []*corev1.ResourceQuota, limitRanges []*corev1.LimitRange) (string, error) {
	if ns == nil {
		return "", fmt.Errorf("describe: nil Namespace")
	}
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", ns.Name)
		w.labels("Labels", ns.Labels)
		w.annotations("Annotations", ns.Annotations)
		w.line(0, "Status:\t%s\n", ns.Status.Phase)
		if len(ns.Status.Conditions) > 0 {
			w.line(0, "Conditions:\n")
			w.line(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
			w.line(1, "----\t------\t------------------\t------\t-------\n")
			for _, c := range ns.Status.Conditions {
				w.line(1, "%v\t%v\t%s\t%v\t%v\n", c.Type, c.Status, c.LastTransitionTime.Format(time.RFC1123Z), c.Reason, c.Message)
			}
		}
		if quotas != nil {
			w.line(0, "\n")
			w.quotas(quotas)
		}
		if limitRanges != nil {
			w.line(0, "\n")
			w.limitRanges(limitRanges)
		}
	}), nil
}

// quotas is a namespace's Resource Quotas section.
func (w *describeWriter) quotas(quotas []*corev1.ResourceQuota) {
	var qs []*corev1.ResourceQuota
	for _, q := range quotas {
		if q != nil {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		w.line(0, "No resource quota.\n")
		return
	}
	slices.SortStableFunc(qs, func(a, b *corev1.ResourceQuota) int { return strings.Compare(a.Name, b.Name) })
	w.line(0, "Resource Quotas\n")
	for _, q := range qs {
		w.line(1, "Name:\t%s\n", q.Name)
		if len(q.Spec.Scopes) > 0 {
			scopes := make([]string, len(q.Spec.Scopes))
			for i, s := range q.Spec.Scopes {
				scopes[i] = string(s)
			}
			slices.Sort(scopes)
			w.line(1, "Scopes:\t%s\n", strings.Join(scopes, ", "))
			for _, s := range scopes {
				if help := quotaScopeHelp(corev1.ResourceQuotaScope(s)); help != "" {
					w.line(1, "* %s\n", help)
				}
			}
		}
		w.line(1, "Resource\tUsed\tHard\n")
		w.line(1, "--------\t---\t---\n")
		for _, name := range slices.Sorted(maps.Keys(q.Status.Hard)) {
			hard, used := q.Status.Hard[name], q.Status.Used[name]
			w.line(1, "%s\t%s\t%s\n", name, used.String(), hard.String())
		}
	}
}

// quotaScopeHelp is kubectl's explanation of a quota scope, "" for the
// scopes it does not explain.
func quotaScopeHelp(s corev1.ResourceQuotaScope) string {
	switch s {
	case corev1.ResourceQuotaScopeTerminating:
		return "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system."
	case corev1.ResourceQuotaScopeNotTerminating:
		return "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate."
	case corev1.ResourceQuotaScopeBestEffort:
		return "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service."
	case corev1.ResourceQuotaScopeNotBestEffort:
		return "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service."
	}
	return ""
}

// limitRanges is a namespace's Resource Limits section: a row per
// resource named by any of an item's min, max, default request, default
// limit or ratio, "-" where a list lacks it.
func (w *describeWriter) limitRanges(lrs []*corev1.LimitRange) {
	var items []corev1.LimitRangeItem
	present := false
	for _, lr := range lrs {
		if lr != nil {
			present = true
			items = append(items, lr.Spec.Limits...)
		}
	}
	if !present {
		w.line(0, "No LimitRange resource.\n")
		return
	}
	w.line(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
	w.line(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
	for _, it := range items {
		names := map[corev1.ResourceName]bool{}
		lists := []corev1.ResourceList{it.Min, it.Max, it.DefaultRequest, it.Default, it.MaxLimitRequestRatio}
		for _, l := range lists {
			for n := range l {
				names[n] = true
			}
		}
		for _, n := range slices.Sorted(maps.Keys(names)) {
			cells := make([]any, 0, 7)
			cells = append(cells, it.Type, n)
			for _, l := range lists {
				v := "-"
				if q, ok := l[n]; ok {
					v = q.String()
				}
				cells = append(cells, v)
			}
			w.line(0, " %s\t%v\t%v\t%v\t%v\t%v\t%v\n", cells...)
		}
	}
}
