package apiserver

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

const applyDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx
`

// API-11: server-side apply creates, merges lists by their keys, tracks
// each manager's fields with the request's instant, and answers another
// manager's change of an owned field with 409 unless forced.
func TestServerSideApply(t *testing.T) {
	s, clk := newTestServer(t)
	out, err := s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, []byte(applyDeployment), metav1.PatchOptions{FieldManager: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	d := out.(*appsv1.Deployment)
	if *d.Spec.Replicas != 2 || d.Generation != 1 || len(d.ManagedFields) != 1 || d.ManagedFields[0].Manager != "alice" ||
		d.ManagedFields[0].Operation != metav1.ManagedFieldsOperationApply || !d.ManagedFields[0].Time.Time.Equal(DefaultStart) {
		t.Fatalf("created by apply: replicas %d generation %d managedFields %+v", *d.Spec.Replicas, d.Generation, d.ManagedFields)
	}
	// bob adds a sidecar: containers merge by name.
	clk.Step(time.Minute)
	_, err = s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  template:
    spec:
      containers:
      - name: sidecar
        image: envoy
`), metav1.PatchOptions{FieldManager: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Get(deployGVR, "default", "web")
	d = cur.(*appsv1.Deployment)
	if n := len(d.Spec.Template.Spec.Containers); n != 2 {
		t.Fatalf("containers after bob's apply: %d", n)
	}
	if len(d.ManagedFields) != 2 || !d.ManagedFields[0].Time.Time.Equal(DefaultStart) || !d.ManagedFields[1].Time.Time.Equal(DefaultStart.Add(time.Minute)) {
		t.Fatalf("managedFields: %+v", d.ManagedFields)
	}
	// bob sets alice's replicas: a conflict, unless forced.
	bump := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 5\n")
	_, err = s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, bump, metav1.PatchOptions{FieldManager: "bob"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `Apply failed with 1 conflict: conflict with "alice": .spec.replicas`) {
		t.Fatalf("conflict: %v", err)
	}
	out, err = s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, bump, metav1.PatchOptions{FieldManager: "bob", Force: ptr.To(true)})
	if err != nil || *out.(*appsv1.Deployment).Spec.Replicas != 5 {
		t.Fatalf("forced apply: %v", err)
	}
	// An update by another manager is tracked too, and a later apply of
	// that field by alice conflicts with it.
	cur, _ = s.Get(deployGVR, "default", "web")
	d = cur.(*appsv1.Deployment)
	d.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	if _, err := s.Update(deployGVR, "default", d, metav1.UpdateOptions{FieldManager: "carol"}); err != nil {
		t.Fatal(err)
	}
	alice := strings.Replace(applyDeployment, "image: nginx", "image: nginx:3", 1)
	_, err = s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, []byte(alice), metav1.PatchOptions{FieldManager: "alice"})
	if want := "Apply failed with 2 conflicts: conflicts with \"bob\":\n- .spec.replicas\nconflicts with \"carol\" using apps/v1:\n- .spec.template.spec.containers[name=\"c\"].image"; !apierrors.IsConflict(err) || err.Error() != want {
		t.Fatalf("apply over an update: %v", err)
	}
	// Apply wants a field manager.
	_, err = s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, []byte(applyDeployment), metav1.PatchOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "fieldManager: Required value: is required for apply patch") {
		t.Fatalf("apply without a manager: %v", err)
	}
	// A field the schema does not know is the apiserver's 500.
	_, err = s.Patch(deployGVR, "default", "web", types.ApplyYAMLPatchType, []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  bogus: 1\n"), metav1.PatchOptions{FieldManager: "alice"})
	if se, ok := err.(*apierrors.StatusError); !ok || se.ErrStatus.Code != 500 || !strings.Contains(se.ErrStatus.Message, "field not declared in schema") {
		t.Fatalf("unknown field: %v", err)
	}
}
