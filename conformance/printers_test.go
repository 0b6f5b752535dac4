package conformance

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	api "k8s.io/kubernetes/pkg/apis/core"
	k8sprinters "k8s.io/kubernetes/pkg/printers"
	printersinternal "k8s.io/kubernetes/pkg/printers/internalversion"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/printers"
)

// genWatchPod draws a pod whose table row varies in every column's
// width: names, namespaces, labels, phases, waiting and terminated
// reasons, restarts, deletion, node and IP, defaulted as the apiserver
// stores it. Times are whole minutes and
// a half ago (from 10 minutes on), so that AGE and the restarts' "ago"
// cannot change while the two printers run (each reads the clock).
func genWatchPod(t *rapid.T, now time.Time, label string) *corev1.Pod {
	ago := func(l string) metav1.Time {
		m := rapid.IntRange(10, 170).Draw(t, label+l)
		return metav1.NewTime(now.Add(-time.Duration(m)*time.Minute - 30*time.Second))
	}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name:              rapid.SampledFrom([]string{"a", "http-go", "nginx-947hv", "liveness-exec-7c4f9b8d5-abcde"}).Draw(t, label+"name"),
		Namespace:         rapid.SampledFrom([]string{"default", "kube-system"}).Draw(t, label+"ns"),
		CreationTimestamp: ago("created"),
		Labels:            map[string]string{"app": rapid.SampledFrom([]string{"x", "http-go", "nginx"}).Draw(t, label+"app")},
	}}
	if rapid.Bool().Draw(t, label+"tier") {
		p.Labels["tier"] = "backend"
	}
	n := rapid.IntRange(1, 2).Draw(t, label+"containers")
	for i := range n {
		name := fmt.Sprintf("c%d", i)
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: name})
		st := corev1.ContainerStatus{Name: name, RestartCount: int32(rapid.IntRange(0, 12).Draw(t, label+"restarts"))}
		switch rapid.IntRange(0, 3).Draw(t, label+"state") {
		case 0:
			st.State.Running = &corev1.ContainerStateRunning{StartedAt: ago("started")}
			st.Ready = rapid.Bool().Draw(t, label+"ready")
		case 1:
			st.State.Waiting = &corev1.ContainerStateWaiting{Reason: rapid.SampledFrom([]string{"ContainerCreating", "CrashLoopBackOff", "ErrImagePull"}).Draw(t, label+"waiting")}
		case 2:
			st.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: int32(rapid.SampledFrom([]int{0, 1, 137}).Draw(t, label+"exit")),
				Reason: rapid.SampledFrom([]string{"", "Completed", "Error", "OOMKilled"}).Draw(t, label+"why"), FinishedAt: ago("finished")}
		}
		if st.RestartCount > 0 {
			st.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: ago("lastFinished")}
		}
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, st)
	}
	p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed}).Draw(t, label+"phase")
	if rapid.Bool().Draw(t, label+"scheduled") {
		p.Spec.NodeName = rapid.SampledFrom([]string{"worker1", "worker2"}).Draw(t, label+"node")
		p.Status.PodIP = rapid.SampledFrom([]string{"10.244.1.2", "10.244.2.13"}).Draw(t, label+"ip")
	}
	if rapid.IntRange(0, 3).Draw(t, label+"deleting") == 0 {
		ts := ago("deleted")
		p.DeletionTimestamp = &ts
	}
	// as stored: the apiserver's defaults (podIPs from podIP, ...), which
	// the printers expect
	legacyscheme.Scheme.Default(p)
	return p
}

// upstreamWatch prints as `kubectl get pods -w` does: the server's tables
// (pkg/printers/internalversion on the internal types, as the apiserver
// builds them) through cli-runtime's HumanReadablePrinter and one
// tabwriter, flushed after the list and after each event.
type upstreamWatch struct {
	gen     *k8sprinters.HumanReadableGenerator
	printer cliprinters.ResourcePrinter
	buf     bytes.Buffer
	wide    bool
	events  bool
	print   func(runtime.Object) error
	flush   func() string
}

func newUpstreamWatch(t *rapid.T, o cliprinters.PrintOptions, events bool) *upstreamWatch {
	u := &upstreamWatch{gen: k8sprinters.NewTableGenerator().With(printersinternal.AddHandlers), printer: cliprinters.NewTablePrinter(o), wide: o.Wide, events: events}
	tw := cliprinters.GetNewTabWriter(&u.buf)
	u.print = func(obj runtime.Object) error { return u.printer.PrintObj(obj, tw) }
	u.flush = func() string {
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		s := u.buf.String()
		u.buf.Reset()
		return s
	}
	return u
}

func (u *upstreamWatch) table(t *rapid.T, obj runtime.Object) *metav1.Table {
	// The apiserver builds every table wide; kubectl drops the wide
	// columns itself.
	table, err := u.gen.GenerateTable(obj, k8sprinters.GenerateOptions{Wide: true})
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func internalPod(t *rapid.T, p *corev1.Pod) *api.Pod {
	out := &api.Pod{}
	if err := legacyscheme.Scheme.Convert(p.DeepCopy(), out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

func (u *upstreamWatch) list(t *rapid.T, pods []*corev1.Pod) string {
	if u.events {
		for _, p := range pods {
			if err := u.print(&metav1.WatchEvent{Type: "ADDED", Object: runtime.RawExtension{Object: u.table(t, internalPod(t, p))}}); err != nil {
				t.Fatal(err)
			}
		}
		return u.flush()
	}
	list := &api.PodList{}
	for _, p := range pods {
		list.Items = append(list.Items, *internalPod(t, p))
	}
	if err := u.print(u.table(t, list)); err != nil {
		t.Fatal(err)
	}
	return u.flush()
}

func (u *upstreamWatch) event(t *rapid.T, typ string, p *corev1.Pod) string {
	var obj runtime.Object = u.table(t, internalPod(t, p))
	if u.events {
		obj = &metav1.WatchEvent{Type: typ, Object: runtime.RawExtension{Object: obj}}
	}
	if err := u.print(obj); err != nil {
		t.Fatal(err)
	}
	return u.flush()
}

// TestPodWatchPrintingMatchesUpstream: printers.Watch prints, for the same
// list and events, what kubectl's printer prints from the server's
// tables, byte for byte — header once, per-flush alignment with
// remembered widths, -o wide, -A, --show-labels, -L, --no-headers,
// --output-watch-events (printers rule 14, and the pod table's rules).
func TestPodWatchPrintingMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		o := printers.Options{
			Wide:          rapid.Bool().Draw(t, "wide"),
			AllNamespaces: rapid.Bool().Draw(t, "allNamespaces"),
			ShowLabels:    rapid.Bool().Draw(t, "showLabels"),
			NoHeaders:     rapid.IntRange(0, 3).Draw(t, "noHeaders") == 0,
		}
		if rapid.Bool().Draw(t, "labelColumns") {
			o.LabelColumns = []string{"app", "tier"}
		}
		events := rapid.Bool().Draw(t, "events")
		u := newUpstreamWatch(t, cliprinters.PrintOptions{Wide: o.Wide, WithNamespace: o.AllNamespaces, ShowLabels: o.ShowLabels,
			ColumnLabels: o.LabelColumns, NoHeaders: o.NoHeaders}, events)
		w := printers.NewWatch(o, events)

		var list []*corev1.Pod
		var objs []runtime.Object
		for i := range rapid.IntRange(0, 4).Draw(t, "listed") {
			p := genWatchPod(t, now, fmt.Sprintf("list%d", i))
			list, objs = append(list, p), append(objs, p)
		}
		want := u.list(t, list)
		got, err := w.List(objs, now)
		if err != nil || got != want {
			t.Fatalf("list: kubesem %q (%v)\nupstream %q", got, err, want)
		}
		for i := range rapid.IntRange(1, 6).Draw(t, "events") {
			typ := rapid.SampledFrom([]string{"ADDED", "MODIFIED", "DELETED"}).Draw(t, fmt.Sprintf("type%d", i))
			p := genWatchPod(t, now, fmt.Sprintf("event%d", i))
			want := u.event(t, typ, p)
			got, err := w.Event(typ, p, now)
			if err != nil || got != want {
				t.Fatalf("event %d: kubesem %q (%v)\nupstream %q", i, got, err, want)
			}
		}
	})
}
