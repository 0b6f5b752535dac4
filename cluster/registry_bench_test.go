package cluster

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubesem/kubesem/apiserver"
)

// BenchmarkRegistryWrite is the cost of one pod write (a label change on
// one of 1,000 pods): through the apiserver package's registry (update
// with its strategy, validation and watch history), through the raw
// storage the cluster's controllers write (copy, generation, put) and, as
// the sibling baseline, through the store the cluster had before it stood
// on the apiserver package (prevstore_test.go).
func BenchmarkRegistryWrite(b *testing.B) {
	pod := func(i int) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%04d", i), Namespace: "default", Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
	}
	b.Run("impl=apiserver", func(b *testing.B) {
		s := apiserver.New(apiserver.Options{})
		gvr := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
		for i := range 1000 {
			if _, err := s.Create(gvr, "default", pod(i), metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		cur, _ := s.Get(gvr, "default", "p0500")
		p := cur.(*corev1.Pod)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			p.Labels["n"] = fmt.Sprint(i)
			out, err := s.Update(gvr, "default", p, metav1.UpdateOptions{})
			if err != nil {
				b.Fatal(err)
			}
			p = out.(*corev1.Pod)
		}
	})
	b.Run("impl=storage", func(b *testing.B) {
		st := newStore(apiserver.New(apiserver.Options{}))
		for i := range 1000 {
			p := pod(i)
			p.Generation = 1
			st.put(KindPod, p)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			old := st.get(KindPod, key{"default", "p0500"})
			p := copyObject(old).(*corev1.Pod)
			p.Labels["n"] = fmt.Sprint(i)
			bumpGeneration(KindPod, p, old)
			st.put(KindPod, p)
		}
	})
	b.Run("impl=prevstore", func(b *testing.B) {
		st := newPrevStore()
		for i := range 1000 {
			p := pod(i)
			p.Generation = 1
			st.put(KindPod, p)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			old := st.get(KindPod, key{"default", "p0500"})
			p := copyObject(old).(*corev1.Pod)
			p.Labels["n"] = fmt.Sprint(i)
			bumpGeneration(KindPod, p, old)
			st.put(KindPod, p)
		}
	})
}
