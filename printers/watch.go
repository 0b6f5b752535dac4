package printers

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesem/kubesem/internal/table"
)

// Watch prints `kubectl get -w` for one kind (rule 14): first the objects
// listed, then one row per watch event, each printed as its own table
// through the same tabwriter, flushed at once:
//
//   - the header comes with the first row printed (none for an empty
//     list: then with the first event) and never again;
//   - a flush aligns its own rows, and a column stays as wide as the
//     widest cell printed in it so far: later rows line up with the first
//     table until a wider cell widens the column from then on;
//   - with events (--output-watch-events) an EVENT column comes first:
//     ADDED for the objects listed, then the event's type.
//
// A Watch is not safe for concurrent use.
type Watch struct {
	o       Options
	events  bool
	stream  *table.Stream
	printed bool
}

// NewWatch returns the printer of one `kubectl get -w` with the table
// options o; events adds the EVENT column of --output-watch-events.
func NewWatch(o Options, events bool) *Watch {
	return &Watch{o: o, events: events, stream: table.NewStream()}
}

// List prints the objects kubectl lists before watching, all of one kind
// (a *corev1.Pod, *corev1.Node, ... of the kinds this package prints),
// with AGE measured from now, and returns the text: "" for none.
func (w *Watch) List(objs []runtime.Object, now time.Time) (string, error) {
	// the objects listed come in one table of the server's
	t, err := tableOf(objs, now, w.o)
	if err != nil {
		return "", err
	}
	if !w.events {
		return w.flush(t), nil
	}
	// kubectl prints each row as an ADDED event of its own, one flush
	var lines [][]string
	for _, r := range t.rows {
		one := t
		one.rows, one.event = []row{r}, "ADDED"
		lines = append(lines, w.lines(one)...)
	}
	if len(lines) == 0 {
		return "", nil
	}
	return w.stream.Flush(lines), nil
}

// Event prints one watch event: typ is "ADDED", "MODIFIED" or "DELETED",
// obj the object the event carries (for DELETED, as it was last).
func (w *Watch) Event(typ string, obj runtime.Object, now time.Time) (string, error) {
	// the server prints the event's object as a table of its own
	o := w.o
	o.Named = true
	t, err := tableOf([]runtime.Object{obj}, now, o)
	if err != nil {
		return "", err
	}
	if w.events {
		t.event = typ
	}
	return w.flush(t), nil
}

// flush prints the table's lines in one flush: "" for no rows.
func (w *Watch) flush(t tbl) string {
	lines := w.lines(t)
	if len(lines) == 0 {
		return ""
	}
	return w.stream.Flush(lines)
}

// lines are the table's lines for the stream, the header only with the
// first row printed.
func (w *Watch) lines(t tbl) [][]string {
	lines := t.lines(w.o, !w.printed)
	if len(t.rows) > 0 {
		w.printed = true
	}
	return lines
}

// Table prints objects of one kind (a *corev1.Pod, *corev1.Node, ... of
// the kinds this package prints) as the function for that kind does:
// Table of pods is Pods, and so on. An empty list gives "".
func Table(objs []runtime.Object, now time.Time, o Options) (string, error) {
	t, err := tableOf(objs, now, o)
	if err != nil {
		return "", err
	}
	return t.render(o), nil
}

// Watchable says whether Watch has a table for a kind: every kind has
// one, its handler's or the apiserver's default.
func Watchable(kind string) bool {
	return kind != "" // rule 16
}

// tableOf builds the table of objects of one kind.
func tableOf(objs []runtime.Object, now time.Time, o Options) (tbl, error) {
	if len(objs) == 0 {
		return tbl{}, nil
	}
	switch objs[0].(type) {
	case *corev1.Pod:
		return collect(objs, now, o, podsTable)
	case *corev1.Node:
		return collect(objs, now, o, nodesTable)
	case *corev1.Namespace:
		return collect(objs, now, o, namespacesTable)
	case *corev1.Service:
		return collect(objs, now, o, servicesTable)
	case *corev1.Event:
		return collect(objs, now, o, eventsTable)
	case *corev1.ReplicationController:
		return collect(objs, now, o, replicationControllersTable)
	case *appsv1.ReplicaSet:
		return collect(objs, now, o, replicaSetsTable)
	case *appsv1.Deployment:
		return collect(objs, now, o, deploymentsTable)
	case *corev1.ConfigMap:
		return collect(objs, now, o, configMapsTable)
	case *corev1.Secret:
		return collect(objs, now, o, secretsTable)
	case *corev1.ServiceAccount:
		return collect(objs, now, o, serviceAccountsTable)
	case *appsv1.StatefulSet:
		return collect(objs, now, o, statefulSetsTable)
	case *corev1.ResourceQuota:
		return collect(objs, now, o, resourceQuotasTable)
	case *batchv1.Job:
		return collect(objs, now, o, jobsTable)
	case *batchv1.CronJob:
		return collect(objs, now, o, cronJobsTable)
	case *appsv1.DaemonSet:
		return collect(objs, now, o, daemonSetsTable)
	case *appsv1.ControllerRevision:
		return collect(objs, now, o, controllerRevisionsTable)
	case *corev1.PersistentVolumeClaim:
		return collect(objs, now, o, persistentVolumeClaimsTable)
	case *corev1.PersistentVolume:
		return collect(objs, now, o, persistentVolumesTable)
	case *corev1.Endpoints:
		return collect(objs, now, o, endpointsTable)
	case *storagev1.StorageClass:
		return collect(objs, now, o, storageClassesTable)
	case *networkingv1.Ingress:
		return collect(objs, now, o, ingressesTable)
	case *networkingv1.IngressClass:
		return collect(objs, now, o, ingressClassesTable)
	case *networkingv1.NetworkPolicy:
		return collect(objs, now, o, networkPoliciesTable)
	case *autoscalingv2.HorizontalPodAutoscaler:
		return collect(objs, now, o, horizontalPodAutoscalersTable)
	case *policyv1.PodDisruptionBudget:
		return collect(objs, now, o, podDisruptionBudgetsTable)
	case *rbacv1.RoleBinding:
		return collect(objs, now, o, roleBindingsTable)
	case *rbacv1.ClusterRoleBinding:
		return collect(objs, now, o, clusterRoleBindingsTable)
	case *schedulingv1.PriorityClass:
		return collect(objs, now, o, priorityClassesTable)
	case *coordinationv1.Lease:
		return collect(objs, now, o, leasesTable)
	case *discoveryv1.EndpointSlice:
		return collect(objs, now, o, endpointSlicesTable)
	case *unstructured.Unstructured:
		if len(o.Columns) > 0 {
			return collect(objs, now, o, customTable)
		}
	}
	if m, err := meta.Accessor(objs[0]); err == nil {
		return defaultTable(objs, m.GetNamespace() != "")
	}
	return tbl{}, fmt.Errorf("printers: no table for %T", objs[0])
}

func collect[T runtime.Object](objs []runtime.Object, now time.Time, o Options, table func([]T, time.Time, Options) tbl) (tbl, error) {
	typed := make([]T, 0, len(objs))
	for _, obj := range objs {
		t, ok := obj.(T)
		if !ok {
			return tbl{}, fmt.Errorf("printers: a %T among objects of type %T", obj, objs[0])
		}
		typed = append(typed, t)
	}
	return table(typed, now, o), nil
}
