package apiserver

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"pgregory.net/rapid"
)

// API-5: writers racing with stale copies lose no update: every update
// that succeeds was made from the stored version, and the stored counter
// equals the number of successful increments.
func TestPropertyNoLostUpdate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := New(Options{})
		names := []string{"a", "b"}
		for _, n := range names {
			if _, err := s.Create(cmGVR, "default", configMap(n, map[string]string{"n": "0"}), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		type writer struct{ copy *corev1.ConfigMap }
		writers := make([]writer, 3)
		succeeded := map[string]int{}
		for i := range writers {
			o, _ := s.Get(cmGVR, "default", names[i%2])
			writers[i].copy = o.(*corev1.ConfigMap)
		}
		for range rapid.IntRange(1, 40).Draw(t, "steps") {
			w := &writers[rapid.IntRange(0, len(writers)-1).Draw(t, "writer")]
			if rapid.Bool().Draw(t, "refresh") {
				o, _ := s.Get(cmGVR, "default", names[rapid.IntRange(0, 1).Draw(t, "name")])
				w.copy = o.(*corev1.ConfigMap)
				continue
			}
			stored, _ := s.Get(cmGVR, "default", w.copy.Name)
			fromStored := stored.(Object).GetResourceVersion() == w.copy.ResourceVersion
			in := w.copy.DeepCopy()
			n, _ := strconv.Atoi(in.Data["n"])
			in.Data["n"] = strconv.Itoa(n + 1)
			out, err := s.Update(cmGVR, "default", in, metav1.UpdateOptions{})
			switch {
			case err == nil && !fromStored:
				t.Fatalf("an update from a stale copy (rv %s) won", w.copy.ResourceVersion)
			case err != nil && fromStored:
				t.Fatalf("an update from the stored version failed: %v", err)
			case err != nil && !apierrors.IsConflict(err):
				t.Fatalf("not a conflict: %v", err)
			case err == nil:
				succeeded[in.Name]++
				w.copy = out.(*corev1.ConfigMap)
			}
		}
		for _, n := range names {
			o, _ := s.Get(cmGVR, "default", n)
			if got := o.(*corev1.ConfigMap).Data["n"]; got != strconv.Itoa(succeeded[n]) {
				t.Fatalf("%s: counter %s after %d successful updates", n, got, succeeded[n])
			}
		}
	})
}

// API-9: the state at a resourceVersion plus a watch's events from it is
// the current state, whatever the writes in between (creates, updates,
// finalizers, graceful and immediate deletes, status writes).
func TestPropertyWatchReplaysToList(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := New(Options{})
		state := func() map[string]string {
			m := map[string]string{}
			for _, o := range s.Objects(podGVR, "") {
				m["pod/"+o.GetName()] = o.GetResourceVersion()
			}
			return m
		}
		op := func(t *rapid.T) {
			name := rapid.SampledFrom([]string{"p", "q", "r"}).Draw(t, "name")
			cur, _ := s.Get(podGVR, "default", name)
			switch rapid.IntRange(0, 4).Draw(t, "op") {
			case 0:
				p := testPod(name)
				if rapid.Bool().Draw(t, "finalizer") {
					p.Finalizers = []string{"example.com/f"}
				}
				if rapid.Bool().Draw(t, "scheduled") {
					p.Spec.NodeName = "n1"
				}
				_, _ = s.Create(podGVR, "default", p, metav1.CreateOptions{})
			case 1:
				if cur != nil {
					p := cur.(*corev1.Pod)
					p.Labels = map[string]string{"v": rapid.StringMatching(`[a-z]{1,3}`).Draw(t, "label")}
					_, _ = s.Update(podGVR, "default", p, metav1.UpdateOptions{})
				}
			case 2:
				if cur != nil {
					p := cur.(*corev1.Pod)
					p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodRunning, corev1.PodSucceeded}).Draw(t, "phase")
					_, _ = s.Update(podGVR, "default", p, metav1.UpdateOptions{}, "status")
				}
			case 3:
				var grace *int64
				if rapid.Bool().Draw(t, "force") {
					grace = new(int64)
				}
				_, _ = s.Delete(podGVR, "default", name, metav1.DeleteOptions{GracePeriodSeconds: grace})
			case 4:
				if cur != nil {
					p := cur.(*corev1.Pod)
					p.Finalizers = nil
					_, _ = s.Update(podGVR, "default", p, metav1.UpdateOptions{})
				}
			}
		}
		for range rapid.IntRange(0, 15).Draw(t, "before") {
			op(t)
		}
		at := s.ResourceVersion()
		replayed := state()
		for range rapid.IntRange(0, 25).Draw(t, "after") {
			op(t)
		}
		w, err := s.Watch(podGVR, "", metav1.ListOptions{ResourceVersion: fmt.Sprint(at)})
		if err != nil {
			t.Fatal(err)
		}
		last := at
		for e, ok := w.Next(); ok; e, ok = w.Next() {
			o := e.Object.(Object)
			rv, _ := strconv.ParseUint(o.GetResourceVersion(), 10, 64)
			if rv <= last {
				t.Fatalf("events out of order: %d after %d", rv, last)
			}
			last = rv
			switch e.Type {
			case watch.Deleted:
				delete(replayed, "pod/"+o.GetName())
			default:
				replayed["pod/"+o.GetName()] = o.GetResourceVersion()
			}
		}
		if diff := cmp.Diff(state(), replayed); diff != "" {
			t.Fatalf("replayed state differs (-list +replay):\n%s", diff)
		}
	})
}

// Contract: the server never modifies what it is given.
func TestPropertyInputsNotMutated(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := New(Options{})
		p := testPod(rapid.StringMatching(`[a-z]{1,5}`).Draw(t, "name"))
		p.GenerateName = rapid.StringMatching(`[a-z]{0,3}-?`).Draw(t, "generateName")
		p.UID = types.UID(rapid.StringMatching(`[a-z]{0,3}`).Draw(t, "uid"))
		if rapid.Bool().Draw(t, "noName") {
			p.Name = ""
		}
		before := p.DeepCopy()
		out, err := s.Create(podGVR, "default", p, metav1.CreateOptions{})
		if !apiequality.Semantic.DeepEqual(before, p) {
			t.Fatalf("create modified its argument")
		}
		if err != nil {
			return
		}
		upd := out.(*corev1.Pod)
		upd.Spec.Containers[0].Image = "x"
		before2 := upd.DeepCopy()
		_, _ = s.Update(podGVR, "default", upd, metav1.UpdateOptions{})
		_, _ = s.Update(podGVR, "default", upd, metav1.UpdateOptions{}, "status")
		if !apiequality.Semantic.DeepEqual(before2, upd) {
			t.Fatalf("update modified its argument")
		}
	})
}
