package apiserver

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// BenchmarkCustomResourceUpdate is the cost of an update of a custom
// resource (decode: prune, coerce, default; the OpenAPI and CEL
// validators; field tracking by its structural schema; storage), beside a
// ConfigMap update through the same registry.
func BenchmarkCustomResourceUpdate(b *testing.B) {
	b.Run("kind=CronTab", func(b *testing.B) {
		s := New(Options{})
		crd := &unstructured.Unstructured{}
		if err := crd.UnmarshalJSON([]byte(fuzzCRD)); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		gvr := schema.GroupVersionResource{Group: "stable.example.com", Version: "v1", Resource: "crontabs"}
		in := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "stable.example.com/v1", "kind": "CronTab",
			"metadata": map[string]any{"name": "c", "namespace": "default"},
			"spec":     map[string]any{"image": "nginx", "ports": []any{map[string]any{"port": int64(80)}}}}}
		out, err := s.Create(gvr, "default", in, metav1.CreateOptions{FieldManager: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		u := out.(*unstructured.Unstructured)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			u.SetLabels(map[string]string{"n": fmt.Sprint(i)})
			o, err := s.Update(gvr, "default", u, metav1.UpdateOptions{FieldManager: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			u = o.(*unstructured.Unstructured)
		}
	})
	b.Run("kind=ConfigMap", func(b *testing.B) {
		s := New(Options{})
		gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
		out, err := s.Create(gvr, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "default"},
			Data: map[string]string{"image": "nginx"}}, metav1.CreateOptions{FieldManager: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		cm := out.(*corev1.ConfigMap)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			cm.Labels = map[string]string{"n": fmt.Sprint(i)}
			o, err := s.Update(gvr, "default", cm, metav1.UpdateOptions{FieldManager: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			cm = o.(*corev1.ConfigMap)
		}
	})
}
