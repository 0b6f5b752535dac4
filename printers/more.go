package printers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The tables of DaemonSets, ControllerRevisions,
// HorizontalPodAutoscalers, PodDisruptionBudgets, RoleBindings,
// ClusterRoleBindings, PriorityClasses and Leases, as their handlers in
// pkg/printers/internalversion fill them. Where the apiserver's
// defaulting (which kubesem does not run for these kinds) shows in a cell,
// the cell is what the defaulted object prints.

// daemonSetsTable: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE
// SELECTOR AGE, -o wide CONTAINERS IMAGES SELECTOR. The counts are the
// status's; NODE SELECTOR is the pod template's, "<none>" when empty.
func daemonSetsTable(dss []*appsv1.DaemonSet, now time.Time, o Options) tbl {
	header := []string{"NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"}
	if o.Wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	var rows []row
	for _, ds := range dss {
		if ds == nil {
			continue
		}
		s := ds.Status
		cells := []string{ds.Name, itoa(s.DesiredNumberScheduled), itoa(s.CurrentNumberScheduled), itoa(s.NumberReady),
			itoa(s.UpdatedNumberScheduled), itoa(s.NumberAvailable), k8slabels.FormatLabels(ds.Spec.Template.Spec.NodeSelector),
			age(ds.CreationTimestamp, now)}
		if o.Wide {
			names, images := containerCells(ds.Spec.Template.Spec.Containers)
			cells = append(cells, names, images, metav1.FormatLabelSelector(ds.Spec.Selector))
		}
		rows = append(rows, row{namespace: ds.Namespace, labels: ds.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

// controllerRevisionsTable: NAME CONTROLLER REVISION AGE. CONTROLLER is
// the controlling owner as "<kind>.<group>/<name>" in lower case (no
// ".<group>" for the core group), "<none>" without one.
func controllerRevisionsTable(crs []*appsv1.ControllerRevision, now time.Time, o Options) tbl {
	var rows []row
	for _, cr := range crs {
		if cr == nil {
			continue
		}
		controller := "<none>"
		if ref := metav1.GetControllerOf(cr); ref != nil {
			// MODEL: upstream fails the whole table on an apiVersion that
			// does not parse, which validation keeps out of the store;
			// kubesem prints the owner's name alone then.
			controller = ref.Name
			if gv, err := schema.ParseGroupVersion(ref.APIVersion); err == nil {
				if gk := gv.WithKind(ref.Kind).GroupKind(); !gk.Empty() {
					controller = strings.ToLower(gk.String()) + "/" + ref.Name
				}
			}
		}
		rows = append(rows, row{namespace: cr.Namespace, labels: cr.Labels,
			cells: []string{cr.Name, controller, strconv.FormatInt(cr.Revision, 10), age(cr.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "CONTROLLER", "REVISION", "AGE"}, rows: rows, namespaced: true}
}

// horizontalPodAutoscalersTable: NAME REFERENCE TARGETS MINPODS MAXPODS
// REPLICAS AGE. REFERENCE is "<kind>/<name>" of the scale target, MINPODS
// spec.minReplicas (the apiserver defaults it to 1), TARGETS see
// hpaTargets.
func horizontalPodAutoscalersTable(hpas []*autoscalingv2.HorizontalPodAutoscaler, now time.Time, o Options) tbl {
	var rows []row
	for _, h := range hpas {
		if h == nil {
			continue
		}
		minPods := int32(1)
		if h.Spec.MinReplicas != nil {
			minPods = *h.Spec.MinReplicas
		}
		cells := []string{h.Name, h.Spec.ScaleTargetRef.Kind + "/" + h.Spec.ScaleTargetRef.Name,
			hpaTargets(h.Spec.Metrics, h.Status.CurrentMetrics), itoa(minPods), itoa(h.Spec.MaxReplicas),
			itoa(h.Status.CurrentReplicas), age(h.CreationTimestamp, now)}
		rows = append(rows, row{namespace: h.Namespace, labels: h.Labels, cells: cells})
	}
	return tbl{header: []string{"NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"}, rows: rows, namespaced: true}
}

// defaultCPUUtilization is the target of the CPU metric the apiserver
// gives an autoscaler without metrics.
const defaultCPUUtilization = 80

// hpaTargets is the TARGETS cell: each metric as "<current>/<target>"
// (current "<unknown>" until the status at the same index reports it),
// resource metrics prefixed "<resource>: ", averages of object and
// external metrics suffixed " (avg)", utilizations as percentages; the
// first two comma-joined, then " + N more...". Without metrics the
// autoscaler has the apiserver's default, CPU at 80%.
func hpaTargets(specs []autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus) string {
	if len(specs) == 0 {
		target := int32(defaultCPUUtilization)
		specs = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU,
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target}}}}
	}
	const shown = 2
	var list []string
	for i, spec := range specs {
		var st autoscalingv2.MetricStatus
		if i < len(statuses) {
			st = statuses[i]
		}
		list = append(list, hpaTarget(spec, st))
	}
	if len(list) > shown {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:shown], ", "), len(list)-shown)
	}
	return strings.Join(list, ", ")
}

// hpaTarget prints one metric against its status (the zero status when
// there is none). A source missing for the metric's type, which
// validation rejects, prints as an empty one.
func hpaTarget(spec autoscalingv2.MetricSpec, st autoscalingv2.MetricStatus) string {
	current := "<unknown>"
	switch spec.Type {
	case autoscalingv2.ExternalMetricSourceType:
		var src autoscalingv2.ExternalMetricSource
		if spec.External != nil {
			src = *spec.External
		}
		if src.Target.AverageValue != nil {
			if st.External != nil && st.External.Current.AverageValue != nil {
				current = quantity(st.External.Current.AverageValue)
			}
			return fmt.Sprintf("%s/%s (avg)", current, quantity(src.Target.AverageValue))
		}
		if st.External != nil {
			current = quantity(st.External.Current.Value)
		}
		return current + "/" + quantity(src.Target.Value)
	case autoscalingv2.PodsMetricSourceType:
		var src autoscalingv2.PodsMetricSource
		if spec.Pods != nil {
			src = *spec.Pods
		}
		if st.Pods != nil {
			current = quantity(st.Pods.Current.AverageValue)
		}
		return current + "/" + quantity(src.Target.AverageValue)
	case autoscalingv2.ObjectMetricSourceType:
		var src autoscalingv2.ObjectMetricSource
		if spec.Object != nil {
			src = *spec.Object
		}
		if src.Target.AverageValue != nil {
			if st.Object != nil && st.Object.Current.AverageValue != nil {
				current = quantity(st.Object.Current.AverageValue)
			}
			return fmt.Sprintf("%s/%s (avg)", current, quantity(src.Target.AverageValue))
		}
		if st.Object != nil {
			current = quantity(st.Object.Current.Value)
		}
		return current + "/" + quantity(src.Target.Value)
	case autoscalingv2.ResourceMetricSourceType:
		var src autoscalingv2.ResourceMetricSource
		if spec.Resource != nil {
			src = *spec.Resource
		}
		var cur *autoscalingv2.MetricValueStatus
		if st.Resource != nil {
			cur = &st.Resource.Current
		}
		return resourceTarget(src.Name, src.Target, cur)
	case autoscalingv2.ContainerResourceMetricSourceType:
		var src autoscalingv2.ContainerResourceMetricSource
		if spec.ContainerResource != nil {
			src = *spec.ContainerResource
		}
		var cur *autoscalingv2.MetricValueStatus
		if st.ContainerResource != nil {
			cur = &st.ContainerResource.Current
		}
		return resourceTarget(src.Name, src.Target, cur)
	}
	return "<unknown type>"
}

// resourceTarget prints a (container) resource metric: an average value
// against its current average, else a utilization against the current
// one ("<auto>" without a target utilization).
func resourceTarget(name corev1.ResourceName, target autoscalingv2.MetricTarget, cur *autoscalingv2.MetricValueStatus) string {
	current := "<unknown>"
	if target.AverageValue != nil {
		if cur != nil {
			current = quantity(cur.AverageValue)
		}
		return fmt.Sprintf("%s: %s/%s", name, current, quantity(target.AverageValue))
	}
	if cur != nil && cur.AverageUtilization != nil {
		current = fmt.Sprintf("%d%%", *cur.AverageUtilization)
	}
	want := "<auto>"
	if target.AverageUtilization != nil {
		want = fmt.Sprintf("%d%%", *target.AverageUtilization)
	}
	return fmt.Sprintf("%s: %s/%s", name, current, want)
}

// quantity prints an optional quantity in canonical form, "<nil>" when
// unset, without touching the object's cached form.
func quantity(q *resource.Quantity) string {
	if q == nil {
		return "<nil>"
	}
	c := q.DeepCopy()
	return c.String()
}

// podDisruptionBudgetsTable: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED
// DISRUPTIONS AGE, an unset bound printed "N/A".
func podDisruptionBudgetsTable(pdbs []*policyv1.PodDisruptionBudget, now time.Time, o Options) tbl {
	bound := func(v *intstr.IntOrString) string {
		if v == nil {
			return "N/A"
		}
		return v.String()
	}
	var rows []row
	for _, p := range pdbs {
		if p == nil {
			continue
		}
		cells := []string{p.Name, bound(p.Spec.MinAvailable), bound(p.Spec.MaxUnavailable),
			itoa(p.Status.DisruptionsAllowed), age(p.CreationTimestamp, now)}
		rows = append(rows, row{namespace: p.Namespace, labels: p.Labels, cells: cells})
	}
	return tbl{header: []string{"NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"}, rows: rows, namespaced: true}
}

// roleBindingsTable: NAME ROLE AGE, -o wide USERS GROUPS SERVICEACCOUNTS.
func roleBindingsTable(rbs []*rbacv1.RoleBinding, now time.Time, o Options) tbl {
	var rows []row
	for _, rb := range rbs {
		if rb == nil {
			continue
		}
		rows = append(rows, row{namespace: rb.Namespace, labels: rb.Labels, cells: bindingCells(rb.Name, rb.RoleRef, rb.Subjects, rb.CreationTimestamp, now, o)})
	}
	return tbl{header: bindingHeader(o), rows: rows, namespaced: true}
}

// clusterRoleBindingsTable: the columns of roleBindingsTable.
func clusterRoleBindingsTable(crbs []*rbacv1.ClusterRoleBinding, now time.Time, o Options) tbl {
	var rows []row
	for _, crb := range crbs {
		if crb == nil {
			continue
		}
		rows = append(rows, row{labels: crb.Labels, cells: bindingCells(crb.Name, crb.RoleRef, crb.Subjects, crb.CreationTimestamp, now, o)})
	}
	return tbl{header: bindingHeader(o), rows: rows}
}

func bindingHeader(o Options) []string {
	h := []string{"NAME", "ROLE", "AGE"}
	if o.Wide {
		h = append(h, "USERS", "GROUPS", "SERVICEACCOUNTS")
	}
	return h
}

// bindingCells: ROLE is "<kind>/<name>" of the roleRef; the -o wide cells
// list the User, Group and ServiceAccount ("<namespace>/<name>")
// subjects in order, joined by ", "; subjects of other kinds are left
// out.
func bindingCells(name string, ref rbacv1.RoleRef, subjects []rbacv1.Subject, created metav1.Time, now time.Time, o Options) []string {
	cells := []string{name, ref.Kind + "/" + ref.Name, age(created, now)}
	if o.Wide {
		var users, groups, sas []string
		for _, s := range subjects {
			switch s.Kind {
			case rbacv1.UserKind:
				users = append(users, s.Name)
			case rbacv1.GroupKind:
				groups = append(groups, s.Name)
			case rbacv1.ServiceAccountKind:
				sas = append(sas, s.Namespace+"/"+s.Name)
			}
		}
		cells = append(cells, strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", "))
	}
	return cells
}

// priorityClassesTable: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY,
// the last one not an -o wide column (the apiserver defaults the policy
// to PreemptLowerPriority).
func priorityClassesTable(pcs []*schedulingv1.PriorityClass, now time.Time, o Options) tbl {
	var rows []row
	for _, pc := range pcs {
		if pc == nil {
			continue
		}
		policy := string(corev1.PreemptLowerPriority)
		if pc.PreemptionPolicy != nil {
			policy = string(*pc.PreemptionPolicy)
		}
		rows = append(rows, row{labels: pc.Labels,
			cells: []string{pc.Name, itoa(pc.Value), strconv.FormatBool(pc.GlobalDefault), age(pc.CreationTimestamp, now), policy}})
	}
	return tbl{header: []string{"NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"}, rows: rows}
}

// leasesTable: NAME HOLDER AGE, HOLDER being spec.holderIdentity.
func leasesTable(ls []*coordinationv1.Lease, now time.Time, o Options) tbl {
	var rows []row
	for _, l := range ls {
		if l == nil {
			continue
		}
		rows = append(rows, row{namespace: l.Namespace, labels: l.Labels,
			cells: []string{l.Name, stringOr(l.Spec.HolderIdentity, ""), age(l.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "HOLDER", "AGE"}, rows: rows, namespaced: true}
}
