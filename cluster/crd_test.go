package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const crontabCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              replicas: {type: integer, default: 1}
`

func crontab(ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "stable.example.com/v1", "kind": "CronTab",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"cronSpec": "* * * * */5", "unknown": "pruned"},
	}}
	return u
}

// A custom resource is refused before its definition, stored after it
// (pruned and defaulted), and collected by the garbage collector and the
// namespace controller like any kind (rule API-13).
func TestCustomResourcesInTheCluster(t *testing.T) {
	c := newCluster(t)
	if _, err := c.CreateAll([]Object{crontab("default", "early")}, ""); err == nil {
		t.Fatal("a custom resource was stored before its definition")
	}
	// A pass of the controllers before the definition exists.
	_, err := c.Create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "early", Namespace: "default",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Secret", Name: "gone", UID: "x"}}}})
	must(t, err)
	must(t, c.Advance(time.Second))
	_, err = c.CreateManifest([]byte(crontabCRD), "")
	must(t, err)

	// Pruned and defaulted on create.
	o, err := c.Create(crontab("default", "one"))
	must(t, err)
	spec := o.(*unstructured.Unstructured).Object["spec"].(map[string]any)
	if _, ok := spec["unknown"]; ok || spec["replicas"] != int64(1) {
		t.Fatalf("spec as stored: %v", spec)
	}

	// Garbage collection: a CronTab owned by a ConfigMap goes with it.
	cm, err := c.Create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner", Namespace: "default"}})
	must(t, err)
	dep := crontab("default", "dependent")
	dep.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "owner", UID: cm.GetUID()}})
	_, err = c.Create(dep)
	must(t, err)
	must(t, c.Delete("ConfigMap", "default", "owner", DeleteOptions{}))
	must(t, c.Advance(time.Second))
	if _, err := c.Get("CronTab", "default", "dependent"); !apierrors.IsNotFound(err) {
		t.Fatalf("the dependent CronTab outlived its owner: %v", err)
	}

	// The namespace controller empties custom resources too; a finalizer
	// holds the namespace until it goes.
	_, err = c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}})
	must(t, err)
	held := crontab("team", "held")
	held.SetFinalizers([]string{"example.com/keep"})
	_, err = c.Create(held)
	must(t, err)
	_, err = c.Create(crontab("team", "free"))
	must(t, err)
	must(t, c.Delete(KindNamespace, "", "team", DeleteOptions{}))
	must(t, c.Advance(time.Minute))
	if _, err := c.Get("CronTab", "team", "free"); !apierrors.IsNotFound(err) {
		t.Fatalf("a CronTab outlived its namespace's emptying: %v", err)
	}
	h, err := c.Get("CronTab", "team", "held")
	must(t, err)
	if h.GetDeletionTimestamp() == nil {
		t.Fatal("the held CronTab was not marked for deletion")
	}
	if _, err := c.Create(crontab("team", "late")); !apierrors.IsForbidden(err) {
		t.Fatalf("create in a terminating namespace: %v", err)
	}
	h.SetFinalizers(nil)
	_, err = c.Apply(h)
	must(t, err)
	must(t, c.RunUntil(func(c *Cluster) bool {
		_, err := c.Get(KindNamespace, "", "team")
		return apierrors.IsNotFound(err)
	}, 5*time.Minute))

	// Deleting the definition deletes its custom resources, then itself.
	must(t, c.Delete("CustomResourceDefinition", "", "crontabs.stable.example.com", DeleteOptions{}))
	must(t, c.Advance(time.Second))
	if _, err := c.Get("CustomResourceDefinition", "", "crontabs.stable.example.com"); !apierrors.IsNotFound(err) {
		t.Fatalf("the definition outlived its deletion: %v", err)
	}
	if _, err := c.Get("CronTab", "default", "one"); err == nil {
		t.Fatal("a CronTab outlived its definition")
	}
}
