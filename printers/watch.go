package printers

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
	if !w.events {
		return w.print(objs, "", now)
	}
	// kubectl prints each one as an ADDED event of its own, one flush
	var lines [][]string
	for _, o := range objs {
		l, err := w.lines([]runtime.Object{o}, "ADDED", now)
		if err != nil {
			return "", err
		}
		lines = append(lines, l...)
	}
	if len(lines) == 0 {
		return "", nil
	}
	return w.stream.Flush(lines), nil
}

// Event prints one watch event: typ is "ADDED", "MODIFIED" or "DELETED",
// obj the object the event carries (for DELETED, as it was last).
func (w *Watch) Event(typ string, obj runtime.Object, now time.Time) (string, error) {
	return w.print([]runtime.Object{obj}, typ, now)
}

func (w *Watch) print(objs []runtime.Object, typ string, now time.Time) (string, error) {
	lines, err := w.lines(objs, typ, now)
	if err != nil || len(lines) == 0 {
		return "", err
	}
	return w.stream.Flush(lines), nil
}

func (w *Watch) lines(objs []runtime.Object, typ string, now time.Time) ([][]string, error) {
	t, err := tableOf(objs, now, w.o)
	if err != nil {
		return nil, err
	}
	if w.events {
		t.event = typ
	}
	lines := t.lines(w.o, !w.printed)
	if len(t.rows) > 0 {
		w.printed = true
	}
	return lines, nil
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
