package printers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
)

// ReplicaSets prints `kubectl get replicasets`: NAME DESIRED CURRENT READY
// AGE, and with o.Wide also CONTAINERS IMAGES SELECTOR (RS-14.5). DESIRED
// is spec.replicas as stored (a nil pointer, which the apiserver would
// have defaulted to 1, prints 0); CURRENT and READY are status.replicas
// and status.readyReplicas. SELECTOR is metav1.FormatLabelSelector:
// requirements sorted by key, "<none>" when empty, "<error>" when it does
// not parse. Rows are printed in the order given; nil entries are
// skipped; an empty list gives "".
func ReplicaSets(rss []*appsv1.ReplicaSet, now time.Time, o Options) string {
	return replicaSetsTable(rss, now, o).render(o)
}

func replicaSetsTable(rss []*appsv1.ReplicaSet, now time.Time, o Options) tbl {
	var rows []row
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		cells := []string{rs.Name, int32Cell(rs.Spec.Replicas), itoa(rs.Status.Replicas), itoa(rs.Status.ReadyReplicas), age(rs.CreationTimestamp, now)}
		if o.Wide {
			names, images := containerCells(rs.Spec.Template.Spec.Containers)
			cells = append(cells, names, images, metav1.FormatLabelSelector(rs.Spec.Selector))
		}
		rows = append(rows, row{namespace: rs.Namespace, labels: rs.Labels, cells: cells})
	}
	return tbl{header: controllerHeader(o), rows: rows, namespaced: true}
}

// ReplicationControllers prints `kubectl get replicationcontrollers`, the
// same columns as ReplicaSets (RS-14.5). SELECTOR is the selector map as
// labels.FormatLabels prints it ("k=v" sorted, "<none>" when empty); an
// RC without a template has empty CONTAINERS and IMAGES. Rows are printed
// in the order given; nil entries are skipped; an empty list gives "".
func ReplicationControllers(rcs []*corev1.ReplicationController, now time.Time, o Options) string {
	return replicationControllersTable(rcs, now, o).render(o)
}

func replicationControllersTable(rcs []*corev1.ReplicationController, now time.Time, o Options) tbl {
	var rows []row
	for _, rc := range rcs {
		if rc == nil {
			continue
		}
		cells := []string{rc.Name, int32Cell(rc.Spec.Replicas), itoa(rc.Status.Replicas), itoa(rc.Status.ReadyReplicas), age(rc.CreationTimestamp, now)}
		if o.Wide {
			var containers []corev1.Container
			if rc.Spec.Template != nil {
				containers = rc.Spec.Template.Spec.Containers
			}
			names, images := containerCells(containers)
			cells = append(cells, names, images, k8slabels.FormatLabels(rc.Spec.Selector))
		}
		rows = append(rows, row{namespace: rc.Namespace, labels: rc.Labels, cells: cells})
	}
	return tbl{header: controllerHeader(o), rows: rows, namespaced: true}
}

func controllerHeader(o Options) []string {
	h := []string{"NAME", "DESIRED", "CURRENT", "READY", "AGE"}
	if o.Wide {
		h = append(h, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	return h
}

// Deployments prints `kubectl get deployments`: NAME READY UP-TO-DATE
// AVAILABLE AGE, and with o.Wide also CONTAINERS IMAGES SELECTOR. READY
// is status.readyReplicas/spec.replicas (a nil spec.replicas prints 0);
// UP-TO-DATE and AVAILABLE are status.updatedReplicas and
// status.availableReplicas. Unlike the ReplicaSet's, this SELECTOR is
// empty for an empty selector and "<invalid>" when it does not parse.
// Rows are printed in the order given; nil entries are skipped; an empty
// list gives "".
func Deployments(ds []*appsv1.Deployment, now time.Time, o Options) string {
	return deploymentsTable(ds, now, o).render(o)
}

func deploymentsTable(ds []*appsv1.Deployment, now time.Time, o Options) tbl {
	header := []string{"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"}
	if o.Wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	var rows []row
	for _, d := range ds {
		if d == nil {
			continue
		}
		desired := int32(0)
		if d.Spec.Replicas != nil {
			desired = *d.Spec.Replicas
		}
		cells := []string{
			d.Name,
			fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, desired),
			itoa(d.Status.UpdatedReplicas),
			itoa(d.Status.AvailableReplicas),
			age(d.CreationTimestamp, now),
		}
		if o.Wide {
			names, images := containerCells(d.Spec.Template.Spec.Containers)
			sel := "<invalid>"
			if s, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
				sel = s.String()
			}
			cells = append(cells, names, images, sel)
		}
		rows = append(rows, row{namespace: d.Namespace, labels: d.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

// containerCells gives the CONTAINERS and IMAGES cells: names and images
// in spec order, comma-joined.
func containerCells(cs []corev1.Container) (names, images string) {
	n := make([]string, len(cs))
	im := make([]string, len(cs))
	for i, c := range cs {
		n[i], im[i] = c.Name, c.Image
	}
	return strings.Join(n, ","), strings.Join(im, ",")
}

// int32Cell prints an optional count; the internal API types the printer
// works on hold it as a plain number, so nil becomes 0.
func int32Cell(p *int32) string {
	if p == nil {
		return "0"
	}
	return itoa(*p)
}

func itoa(n int32) string { return strconv.FormatInt(int64(n), 10) }
