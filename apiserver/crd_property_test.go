package apiserver

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"pgregory.net/rapid"
)

// Random writes of custom resources (create, update, status, merge and
// JSON patches, apply by two managers, deletes with finalizers): the
// server never modifies what it is given, answers only StatusErrors, and
// a watch from any revision replays to the state a list gives (rules
// API-9, API-13).
func TestPropertyCustomResources(t *testing.T) {
	gvr := schema.GroupVersionResource{Group: "stable.example.com", Version: "v1", Resource: "crontabs"}
	rapid.Check(t, func(t *rapid.T) {
		s := New(Options{})
		crd := &unstructured.Unstructured{}
		if err := crd.UnmarshalJSON([]byte(fuzzCRD)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		check := func(err error) {
			if err == nil {
				return
			}
			if _, ok := err.(*apierrors.StatusError); !ok {
				t.Fatalf("%v (%T) is not a StatusError", err, err)
			}
		}
		unchanged := func(before, after *unstructured.Unstructured, what string) {
			if diff := cmp.Diff(before.Object, after.Object); diff != "" {
				t.Fatalf("%s modified its argument:\n%s", what, diff)
			}
		}
		state := func() map[string]string {
			m := map[string]string{}
			for _, o := range s.Objects(gvr, "") {
				m[o.GetName()] = o.GetResourceVersion()
			}
			return m
		}
		op := func(t *rapid.T) {
			name := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "name")
			var cur *unstructured.Unstructured
			if o, err := s.Get(gvr, "default", name); err == nil {
				cur = o.(*unstructured.Unstructured)
			}
			image := rapid.SampledFrom([]string{"nginx", "a-much-too-long-image", ""}).Draw(t, "image")
			switch rapid.IntRange(0, 6).Draw(t, "op") {
			case 0:
				in := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "stable.example.com/v1", "kind": "CronTab",
					"metadata": map[string]any{"name": name, "namespace": "default"},
					"spec":     map[string]any{"image": image, "extra": int64(1), "ports": []any{map[string]any{"port": int64(80)}}}}}
				if rapid.Bool().Draw(t, "finalizer") {
					in.SetFinalizers([]string{"example.com/f"})
				}
				before := in.DeepCopy()
				_, err := s.Create(gvr, "default", in, metav1.CreateOptions{})
				check(err)
				unchanged(before, in, "create")
			case 1, 2:
				if cur == nil {
					return
				}
				if rapid.Bool().Draw(t, "stale") {
					cur.SetResourceVersion("1")
				}
				unstructured.SetNestedField(cur.Object, image, "spec", "image")
				unstructured.SetNestedField(cur.Object, int64(rapid.IntRange(-1, 3).Draw(t, "replicas")), "status", "replicas")
				before := cur.DeepCopy()
				sub := []string{}
				if rapid.Bool().Draw(t, "status") {
					sub = []string{"status"}
				}
				_, err := s.Update(gvr, "default", cur, metav1.UpdateOptions{}, sub...)
				check(err)
				unchanged(before, cur, "update")
			case 3:
				_, err := s.Patch(gvr, "default", name, types.MergePatchType, []byte(fmt.Sprintf(`{"spec":{"replicas":%d}}`, rapid.IntRange(-1, 5).Draw(t, "n"))), metav1.PatchOptions{})
				check(err)
			case 4:
				mgr := rapid.SampledFrom([]string{"alice", "bob"}).Draw(t, "manager")
				force := rapid.Bool().Draw(t, "force")
				_, err := s.Patch(gvr, "default", name, types.ApplyYAMLPatchType, []byte(fmt.Sprintf("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: %s\nspec:\n  image: %s\n", name, mgr)), metav1.PatchOptions{FieldManager: mgr, Force: &force})
				check(err)
			case 5:
				_, err := s.Delete(gvr, "default", name, metav1.DeleteOptions{})
				check(err)
			case 6:
				_, err := s.Patch(gvr, "default", name, types.JSONPatchType, []byte(`[{"op":"remove","path":"/metadata/finalizers"}]`), metav1.PatchOptions{})
				check(err)
			}
		}
		for range rapid.IntRange(0, 10).Draw(t, "before") {
			op(t)
		}
		at := s.ResourceVersion()
		replayed := state()
		for range rapid.IntRange(0, 20).Draw(t, "after") {
			op(t)
		}
		w, err := s.Watch(gvr, "", metav1.ListOptions{ResourceVersion: fmt.Sprint(at)})
		if err != nil {
			t.Fatal(err)
		}
		for e, ok := w.Next(); ok; e, ok = w.Next() {
			o := e.Object.(*unstructured.Unstructured)
			if _, err := strconv.ParseUint(o.GetResourceVersion(), 10, 64); err != nil {
				t.Fatal(err)
			}
			if e.Type == watch.Deleted {
				delete(replayed, o.GetName())
			} else {
				replayed[o.GetName()] = o.GetResourceVersion()
			}
		}
		if diff := cmp.Diff(state(), replayed); diff != "" {
			t.Fatalf("replayed state differs (-list +replay):\n%s", diff)
		}
	})
}
