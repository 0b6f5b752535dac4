package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func watchPod(name string, created time.Time, phase corev1.PodPhase, ready bool, deleting bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: metav1.NewTime(created)}}
	p.Spec.Containers = []corev1.Container{{Name: "web"}}
	p.Status.Phase = phase
	st := corev1.ContainerStatus{Name: "web", Ready: ready}
	if phase == corev1.PodRunning {
		st.State.Running = &corev1.ContainerStateRunning{}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{st}
	if deleting {
		ts := metav1.NewTime(created)
		p.DeletionTimestamp = &ts
	}
	return p
}

// Rule 14: the header once, with the first rows; each event a flush of
// its own whose columns are as wide as the widest cell printed in them so
// far (a Terminating widens STATUS for good, a longer name NAME).
func TestWatchRememberedWidths(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	w := NewWatch(Options{}, false)
	steps := []struct {
		typ  string // "" for the list
		objs []runtime.Object
		want string
	}{
		{"", []runtime.Object{watchPod("web-1", now.Add(-10*time.Second), corev1.PodRunning, true, false)},
			"NAME    READY   STATUS    RESTARTS   AGE\n" +
				"web-1   1/1     Running   0          10s\n"},
		{"MODIFIED", []runtime.Object{watchPod("web-1", now.Add(-10*time.Second), corev1.PodRunning, true, true)},
			"web-1   1/1     Terminating   0          10s\n"},
		{"ADDED", []runtime.Object{watchPod("web-22", now, corev1.PodPending, false, false)},
			"web-22   0/1     Pending       0          0s\n"},
		{"DELETED", []runtime.Object{watchPod("web-1", now.Add(-10*time.Second), corev1.PodRunning, true, true)},
			"web-1    1/1     Terminating   0          10s\n"},
	}
	for i, st := range steps {
		var got string
		var err error
		if st.typ == "" {
			got, err = w.List(st.objs, now)
		} else {
			got, err = w.Event(st.typ, st.objs[0], now)
		}
		if err != nil || got != st.want {
			t.Errorf("step %d: got %q (%v), want %q", i, got, err, st.want)
		}
	}
}

// Rule 14: an empty list prints nothing and the first event brings the
// header; --output-watch-events puts EVENT first (before NAMESPACE with
// -A), its known values padded to eight characters; --no-headers never
// prints one.
func TestWatchHeaderAndEvents(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	p := watchPod("a", now, corev1.PodPending, false, false)

	w := NewWatch(Options{AllNamespaces: true}, true)
	if got, err := w.List(nil, now); got != "" || err != nil {
		t.Fatalf("empty list: %q %v", got, err)
	}
	got, err := w.Event("ADDED", p, now)
	want := "EVENT      NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE\n" +
		"ADDED      default     a      0/1     Pending   0          0s\n"
	if err != nil || got != want {
		t.Errorf("first event: got %q (%v), want %q", got, err, want)
	}
	got, _ = w.Event("MODIFIED", p, now)
	if want := "MODIFIED   default     a      0/1     Pending   0          0s\n"; got != want {
		t.Errorf("second event: got %q, want %q", got, want)
	}

	w = NewWatch(Options{NoHeaders: true}, false)
	got, _ = w.List([]runtime.Object{p}, now)
	if want := "a     0/1   Pending   0     0s\n"; got != want { // minimum width 6
		t.Errorf("--no-headers: got %q, want %q", got, want)
	}

	if _, err := NewWatch(Options{}, false).List([]runtime.Object{p, &corev1.Node{}}, now); err == nil {
		t.Error("a node among pods: no error")
	}
	if _, err := NewWatch(Options{}, false).Event("ADDED", &metav1.Status{}, now); err == nil {
		t.Error("a Status: no error")
	}
}
