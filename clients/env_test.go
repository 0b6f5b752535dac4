package clients

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kubesem/kubesem/cluster"
)

// cmReconciler turns a ConfigMap labelled app=web into a Deployment it
// owns, with data.replicas replicas, through controller-runtime's client.
type cmReconciler struct {
	client.Client
	reconciles int
}

func (r *cmReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	r.reconciles++
	var cm corev1.ConfigMap
	if err := r.Get(ctx, req.NamespacedName, &cm); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if cm.Labels["app"] != "web" {
		return reconcile.Result{}, nil
	}
	n, _ := strconv.Atoi(cm.Data["replicas"])
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: cm.Name, Namespace: cm.Namespace}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.Client, d, func() error {
		d.Spec.Replicas = ptr.To(int32(n))
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": cm.Name}}
		d.Spec.Template.Labels = map[string]string{"app": cm.Name}
		d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "web", Image: "nginx"}}
		return controllerutil.SetControllerReference(&cm, d, r.Scheme())
	})
	return reconcile.Result{}, err
}

func newEnv(t testing.TB) *Env {
	t.Helper()
	e, err := New(Options{Cluster: cluster.Options{Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A controller-runtime reconciler, registered with For and Owns, runs in
// the cluster's loop: its Deployment gets pods from the built-in
// controllers, and the owner's deletion collects it.
func TestControllerRuntimeReconcilerInTheLoop(t *testing.T) {
	e := newEnv(t)
	k := e.Client()
	r := &cmReconciler{Client: k}
	if err := NewControllerManagedBy(e).For(&corev1.ConfigMap{}).Owns(&appsv1.Deployment{}).Complete(r); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "web"}},
		Data: map[string]string{"replicas": "3"}}
	if err := k.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	var pods corev1.PodList
	if err := k.List(ctx, &pods, client.InNamespace("default"), client.MatchingLabels{"app": "web"}); err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning {
			running++
		}
	}
	if len(pods.Items) != 3 || running != 3 {
		t.Fatalf("%d pods, %d running; want 3 running", len(pods.Items), running)
	}
	var d appsv1.Deployment
	if err := k.Get(ctx, client.ObjectKey{Namespace: "default", Name: "web"}, &d); err != nil {
		t.Fatal(err)
	}
	if d.Status.AvailableReplicas != 3 || metav1.GetControllerOf(&d).Name != "web" {
		t.Fatalf("deployment status %+v, owner %v", d.Status, d.OwnerReferences)
	}
	// A conflict on the reconciler's update is retried.
	if err := e.c.InjectFault(cluster.Fault{Controller: "configmap", Verbs: []string{"update"}, Resource: "deployments", Times: 1}); err != nil {
		t.Fatal(err)
	}
	cm.Data["replicas"] = "1"
	if err := k.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := k.Get(ctx, client.ObjectKeyFromObject(&d), &d); err != nil || *d.Spec.Replicas != 1 {
		t.Fatalf("after scaling the ConfigMap: %v replicas %d", err, *d.Spec.Replicas)
	}
	if errs := e.c.ReconcileErrors(); len(errs) != 1 || !apierrors.IsConflict(errs[0].Err) {
		t.Fatalf("reconcile errors %v, want the one injected conflict", errs)
	}
	if err := k.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if err := e.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := k.Get(ctx, client.ObjectKeyFromObject(&d), &d); !apierrors.IsNotFound(err) {
		t.Fatalf("the Deployment after its owner went: %v", err)
	}
}

// A client-go user's plain reconcile function, keyed "namespace/name",
// over the typed clientset.
func TestCompleteKeyFunc(t *testing.T) {
	e := newEnv(t)
	cs := e.Clientset()
	var keys []string
	err := NewControllerManagedBy(e).For(&corev1.Secret{}).Named("secrets").CompleteKeyFunc(func(ctx context.Context, key string) (reconcile.Result, error) {
		keys = append(keys, key)
		return reconcile.Result{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "token", Namespace: "kube-public"}}
	if _, err := cs.CoreV1().Secrets("kube-public").Create(context.Background(), s, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "kube-public/token" {
		t.Fatalf("keys %v", keys)
	}
	if err := NewControllerManagedBy(e).For(&corev1.Secret{}).Named("secrets").CompleteKeyFunc(nil); err == nil {
		t.Fatal("a nil function was accepted")
	}
	if err := NewControllerManagedBy(e).Named("x").Complete(reconcile.Func(nil)); err == nil || err.Error() != "must provide an object for reconciliation" {
		t.Fatalf("no For: %v", err)
	}
}

// Predicates filter events as in controller-runtime; Watches takes any
// handler; a type the scheme does not know is an error at registration.
func TestBuilderPredicatesAndWatches(t *testing.T) {
	e := newEnv(t)
	k := e.Client()
	var got []string
	rec := reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		got = append(got, req.Name)
		return reconcile.Result{}, nil
	})
	err := NewControllerManagedBy(e).Named("gen").
		For(&corev1.ConfigMap{}, predicate.GenerationChangedPredicate{}).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: "from-" + o.GetName()}}}
		})).
		WithEventFilter(predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == "default" })).
		Complete(rec)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "default"}}
	if err := k.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	cm.Data = map[string]string{"x": "y"} // no generation on ConfigMaps: the update is filtered
	if err := k.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if err := k.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default"}}); err != nil {
		t.Fatal(err)
	}
	if err := k.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: "kube-system"}}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "a,from-s" {
		t.Fatalf("reconciled %v, want a then from-s", got)
	}
	type unknown struct{ corev1.ConfigMap }
	err = NewControllerManagedBy(e).For(&unknown{}).Complete(rec)
	if err == nil || !strings.Contains(err.Error(), "is not in the Env's scheme") {
		t.Fatalf("an unknown type: %v", err)
	}
}
