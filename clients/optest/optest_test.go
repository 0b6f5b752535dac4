package optest_test

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kubesem/kubesem/clients"
	"github.com/kubesem/kubesem/clients/optest"
	"github.com/kubesem/kubesem/cluster"
)

// mirror keeps a Secret owned by each ConfigMap, with the same data.
type mirror struct{ client.Client }

func (m mirror) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var cm corev1.ConfigMap
	if err := m.Get(ctx, req.NamespacedName, &cm); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: cm.Name, Namespace: cm.Namespace}}
	_, err := controllerutil.CreateOrUpdate(ctx, m.Client, s, func() error {
		s.StringData = nil
		s.Data = map[string][]byte{}
		for k, v := range cm.Data {
			s.Data[k] = []byte(v)
		}
		return controllerutil.SetControllerReference(&cm, s, m.Scheme())
	})
	return reconcile.Result{}, err
}

func mirrorOperator() optest.Operator {
	clientOf := map[*clients.Env]client.Client{}
	return optest.Operator{
		New: func(t *rapid.T, seed uint64) *clients.Env {
			env, err := clients.New(clients.Options{Cluster: cluster.Options{Seed: seed}})
			if err != nil {
				t.Fatal(err)
			}
			k := env.Client()
			clientOf[env] = k
			if err := clients.NewControllerManagedBy(env).For(&corev1.ConfigMap{}).Owns(&corev1.Secret{}).Named("mirror").Complete(mirror{k}); err != nil {
				t.Fatal(err)
			}
			return env
		},
		Actions: []optest.Action{
			{Name: "put", Do: func(t *rapid.T, e *clients.Env) (string, error) {
				name, v := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "name"), rapid.SampledFrom([]string{"1", "2"}).Draw(t, "value")
				k := clientOf[e]
				cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}}
				_, err := controllerutil.CreateOrUpdate(context.Background(), k, cm, func() error {
					cm.Data = map[string]string{"v": v}
					return nil
				})
				if apierrors.IsConflict(err) {
					err = nil
				}
				return fmt.Sprintf("put %s v=%s", name, v), err
			}},
			{Name: "remove", Do: func(t *rapid.T, e *clients.Env) (string, error) {
				name := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "name")
				err := clientOf[e].Delete(context.Background(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}})
				return "remove " + name, client.IgnoreNotFound(err)
			}},
		},
		Steady: []optest.Invariant{{Name: "every ConfigMap mirrored", Check: func(e *clients.Env) error {
			var cms corev1.ConfigMapList
			if err := clientOf[e].List(context.Background(), &cms, client.InNamespace("default")); err != nil {
				return err
			}
			for _, cm := range cms.Items {
				if cm.Name == "kube-root-ca.crt" {
					continue
				}
				var s corev1.Secret
				if err := clientOf[e].Get(context.Background(), client.ObjectKeyFromObject(&cm), &s); err != nil {
					return err
				}
				if string(s.Data["v"]) != cm.Data["v"] {
					return fmt.Errorf("secret %s has v=%q, its ConfigMap v=%q", s.Name, s.Data["v"], cm.Data["v"])
				}
			}
			return nil
		}}},
		MaxSteps: 6,
	}
}

// The kit's checks hold for a correct controller under every default
// fault.
func TestMirrorProperties(t *testing.T) {
	rapid.Check(t, mirrorOperator().Check)
}

// The kit, as an operator's test uses it.
func Example() {
	// In a test: rapid.Check(t, optest.Operator{New: …, Actions: …, Steady: …}.Check)
	faults := optest.DefaultFaults()
	for _, f := range faults {
		fmt.Println(f.Name)
	}
	// Output:
	// conflict
	// server error
	// restart
	// node failure
	// crash
	// eviction
	// stale reads
}
