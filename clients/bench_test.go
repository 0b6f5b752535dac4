package clients

import (
	"context"
	"strconv"
	"testing"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// One reconcile's round trip through controller-runtime's client — get,
// update, status update — on kubesem's cluster (through the in-process
// REST transport and the apiserver's rules) and, as the sibling
// baseline, on controller-runtime's own fake client. A
// PodDisruptionBudget: it has a status subresource and no controller of
// kubesem's writes it.
func BenchmarkReconcileRoundTrip(b *testing.B) {
	pdb := func() *policyv1.PodDisruptionBudget {
		return &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
			Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &intstr.IntOrString{IntVal: 1},
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}
	}
	roundTrip := func(b *testing.B, k client.Client) {
		ctx := context.Background()
		key := client.ObjectKey{Namespace: "default", Name: "web"}
		i := 0
		for b.Loop() {
			i++
			var p policyv1.PodDisruptionBudget
			if err := k.Get(ctx, key, &p); err != nil {
				b.Fatal(err)
			}
			p.Labels = map[string]string{"round": strconv.Itoa(i)}
			if err := k.Update(ctx, &p); err != nil {
				b.Fatal(err)
			}
			p.Status.DesiredHealthy = int32(i)
			if err := k.Status().Update(ctx, &p); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("kubesem", func(b *testing.B) {
		e := newEnv(b)
		k := e.Client()
		if err := k.Create(context.Background(), pdb()); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		roundTrip(b, k)
	})
	b.Run("controller-runtime-fake", func(b *testing.B) {
		p := pdb()
		k := fake.NewClientBuilder().WithScheme(clientgoscheme.Scheme).WithObjects(p).WithStatusSubresource(p).Build()
		b.ReportAllocs()
		roundTrip(b, k)
	})
}
