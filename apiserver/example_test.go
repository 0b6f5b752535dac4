package apiserver_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

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
