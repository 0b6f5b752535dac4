package apiserver

import (
	"errors"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// API-9: a list at an exact revision answers the objects as they were
// then, rewound through the watch history; GetAt does the same for one.
func TestListAtExactRevision(t *testing.T) {
	s, _ := newTestServer(t)
	a := mustCreate(t, s, cmGVR, configMap("a", map[string]string{"v": "1"}))
	rev := a.GetResourceVersion()
	mustCreate(t, s, cmGVR, configMap("b", nil))
	up := a.DeepCopyObject().(*corev1.ConfigMap)
	up.Data["v"] = "2"
	if _, err := s.Update(cmGVR, "default", up, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(cmGVR, "default", "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := s.List(cmGVR, "default", metav1.ListOptions{ResourceVersion: rev, ResourceVersionMatch: metav1.ResourceVersionMatchExact})
	if err != nil {
		t.Fatal(err)
	}
	cms := list.(*corev1.ConfigMapList)
	if len(cms.Items) != 1 || cms.Items[0].Name != "a" || cms.Items[0].Data["v"] != "1" || cms.ResourceVersion != rev {
		t.Fatalf("list at %s: %+v", rev, cms)
	}
	var n uint64
	fmt.Sscan(rev, &n)
	got, err := s.GetAt(cmGVR, "default", "b", n+1)
	if err != nil || got.(*corev1.ConfigMap).Name != "b" {
		t.Fatalf("GetAt b at %d: %v %v", n+1, got, err)
	}
	if _, err := s.GetAt(cmGVR, "default", "b", n); err == nil {
		t.Fatalf("b before it was created: no error")
	}
	_, err = s.List(cmGVR, "default", metav1.ListOptions{ResourceVersion: "999", ResourceVersionMatch: metav1.ResourceVersionMatchExact})
	wantError(t, err, 504, fmt.Sprintf("Timeout: Too large resource version: 999, current: %d", s.ResourceVersion()))
	_, err = s.List(cmGVR, "default", metav1.ListOptions{ResourceVersion: "0", ResourceVersionMatch: metav1.ResourceVersionMatchExact})
	wantError(t, err, 422, `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"`)
}

// Options.Admit sees every create and update after validation and can
// refuse or change it.
func TestAdmit(t *testing.T) {
	var ops []string
	s := New(Options{Seed: 1, Admit: func(a Attributes) error {
		if a.Resource.Name != "configmaps" {
			return nil
		}
		ops = append(ops, a.Operation+" "+a.Resource.Name+" "+a.Subresource+fmt.Sprint(a.DryRun, a.Old != nil))
		if a.Object.GetName() == "refused" {
			return errors.New("no")
		}
		a.Object.SetLabels(map[string]string{"admitted": "yes"})
		return nil
	}})
	out := mustCreate(t, s, cmGVR, configMap("a", nil))
	if out.GetLabels()["admitted"] != "yes" {
		t.Fatalf("labels %v", out.GetLabels())
	}
	if _, err := s.Create(cmGVR, "default", configMap("refused", nil), metav1.CreateOptions{}); err == nil || err.Error() != "no" {
		t.Fatalf("refused create: %v", err)
	}
	if _, err := s.Get(cmGVR, "default", "refused"); err == nil {
		t.Fatal("a refused create was stored")
	}
	up := out.DeepCopyObject().(*corev1.ConfigMap)
	up.Data = map[string]string{"x": "y"}
	if _, err := s.Update(cmGVR, "default", up, metav1.UpdateOptions{DryRun: []string{"All"}}); err != nil {
		t.Fatal(err)
	}
	want := []string{"CREATE configmaps false false", "CREATE configmaps false false", "UPDATE configmaps true true"}
	if fmt.Sprint(ops) != fmt.Sprint(want) {
		t.Fatalf("admission saw %q, want %q", ops, want)
	}
}

// API-9: a watch list sends the current objects, then a bookmark marking
// their end; sendInitialEvents without resourceVersionMatch NotOlderThan
// is refused.
func TestWatchList(t *testing.T) {
	s, _ := newTestServer(t)
	mustCreate(t, s, cmGVR, configMap("a", nil))
	yes := true
	w, err := s.Watch(cmGVR, "default", metav1.ListOptions{SendInitialEvents: &yes, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := w.Next()
	if ev.Type != "ADDED" || ev.Object.(*corev1.ConfigMap).Name != "a" {
		t.Fatalf("first event %v", ev)
	}
	ev, _ = w.Next()
	b, ok := ev.Object.(*corev1.ConfigMap)
	if ev.Type != "BOOKMARK" || !ok || b.Annotations[metav1.InitialEventsAnnotationKey] != "true" || b.ResourceVersion != fmt.Sprint(s.ResourceVersion()) {
		t.Fatalf("second event %v %+v", ev.Type, ev.Object)
	}
	mustCreate(t, s, cmGVR, configMap("b", nil))
	if ev, _ := w.Next(); ev.Type != "ADDED" || ev.Object.(*corev1.ConfigMap).Name != "b" {
		t.Fatalf("later event %v", ev)
	}
	_, err = s.Watch(cmGVR, "default", metav1.ListOptions{SendInitialEvents: &yes})
	wantError(t, err, 422, `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`)
}
