package apiserver_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/apiserver"
)

// An update from a stale copy fails as it would against a real apiserver.
func Example() {
	s := apiserver.New(apiserver.Options{Seed: 1})
	cms := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "default"}}
	created, _ := s.Create(cms, "default", cm, metav1.CreateOptions{})

	stale := created.(*corev1.ConfigMap).DeepCopy()
	fresh := stale.DeepCopy()
	fresh.Data = map[string]string{"mode": "fast"}
	if _, err := s.Update(cms, "default", fresh, metav1.UpdateOptions{}); err != nil {
		fmt.Println(err)
	}
	stale.Data = map[string]string{"mode": "slow"}
	_, err := s.Update(cms, "default", stale, metav1.UpdateOptions{})
	fmt.Println(apierrors.IsConflict(err))
	fmt.Println(err)
	// Output:
	// true
	// Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again
}

// Finalizers keep an object that is being deleted until the last one goes.
func ExampleServer_Delete() {
	s := apiserver.New(apiserver.Options{})
	cms := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "default",
		Finalizers: []string{"example.com/cleanup"}}}
	_, _ = s.Create(cms, "default", cm, metav1.CreateOptions{})

	out, _ := s.Delete(cms, "default", "cfg", metav1.DeleteOptions{})
	held := out.(*corev1.ConfigMap)
	fmt.Println("deleting since", held.DeletionTimestamp.UTC().Format("15:04:05"))

	held.Finalizers = nil
	_, _ = s.Update(cms, "default", held, metav1.UpdateOptions{})
	_, err := s.Get(cms, "default", "cfg")
	fmt.Println(err)
	// Output:
	// deleting since 09:00:00
	// configmaps "cfg" not found
}

// A watch from a resourceVersion replays what happened after it.
func ExampleServer_Watch() {
	s := apiserver.New(apiserver.Options{})
	pods := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	from := fmt.Sprint(s.ResourceVersion())
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
	_, _ = s.Create(pods, "default", pod, metav1.CreateOptions{})
	_, _ = s.Delete(pods, "default", "web", metav1.DeleteOptions{})

	w, _ := s.Watch(pods, "default", metav1.ListOptions{ResourceVersion: from})
	for e, ok := w.Next(); ok; e, ok = w.Next() {
		p := e.Object.(*corev1.Pod)
		fmt.Println(e.Type, p.Name, p.DeletionTimestamp != nil)
	}
	// Output:
	// ADDED web false
	// MODIFIED web true
	// DELETED web true
}

// A CustomResourceDefinition serves its kind at once; objects are pruned,
// defaulted and validated by its schema, with the apiserver's texts.
func Example_customResource() {
	s := apiserver.New(apiserver.Options{})
	crd := &apiextensionsv1.CustomResourceDefinition{}
	_ = yaml.Unmarshal([]byte(`
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
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
              replicas: {type: integer, minimum: 1, default: 1}
`), crd)
	crds := apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions")
	if _, err := s.Create(crds, "", crd, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	crontabs := schema.GroupVersionResource{Group: "stable.example.com", Version: "v1", Resource: "crontabs"}
	ct := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "stable.example.com/v1", "kind": "CronTab",
		"metadata": map[string]any{"name": "nightly"}, "spec": map[string]any{"unknown": "pruned"}}}
	o, _ := s.Create(crontabs, "default", ct, metav1.CreateOptions{})
	fmt.Println(o.(*unstructured.Unstructured).Object["spec"])
	ct.SetName("none")
	ct.Object["spec"] = map[string]any{"replicas": int64(0)}
	_, err := s.Create(crontabs, "default", ct, metav1.CreateOptions{})
	fmt.Println(err)
	// Output:
	// map[replicas:1]
	// CronTab.stable.example.com "none" is invalid: spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1
}
