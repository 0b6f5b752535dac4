package clients

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// eventually polls cond on the wall clock: the controllers under test run
// in goroutines of their own (not deterministic, rule 4).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 20*time.Second, true,
		func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("%s: not within 20 s", what)
	}
}

// A client-go controller as client-go's sample controller writes one —
// a shared informer, a rate-limited workqueue and a worker goroutine —
// runs over the Env's clientset: it copies every ConfigMap's data into a
// Secret of the same name.
func TestInformerControllerOverClientset(t *testing.T) {
	e := newEnv(t)
	cs := e.Clientset()
	factory := informers.NewSharedInformerFactory(cs, 0)
	cms := factory.Core().V1().ConfigMaps()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	_, err := cms.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { key, _ := cache.MetaNamespaceKeyFunc(obj); queue.Add(key) },
		UpdateFunc: func(_, obj any) { key, _ := cache.MetaNamespaceKeyFunc(obj); queue.Add(key) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer queue.ShutDown()
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), cms.Informer().HasSynced) {
		t.Fatal("the informer did not sync")
	}
	sync := func(key string) error {
		ns, name, _ := cache.SplitMetaNamespaceKey(key)
		cm, err := cms.Lister().ConfigMaps(ns).Get(name)
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, StringData: cm.Data}
		_, err = cs.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			_, err = cs.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{})
		}
		return err
	}
	go func() {
		for {
			key, shutdown := queue.Get()
			if shutdown {
				return
			}
			if err := sync(key); err != nil {
				queue.AddRateLimited(key)
			} else {
				queue.Forget(key)
			}
			queue.Done(key)
		}
	}()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "default"}, Data: map[string]string{"k": "v"}}
	if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the Secret", func() bool {
		s, err := cs.CoreV1().Secrets("default").Get(ctx, "app", metav1.GetOptions{})
		return err == nil && string(s.Data["k"]) == "v"
	})
	// Virtual time runs while the controller works in its goroutine.
	if err := e.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
}

// A real controller-runtime Manager runs over Config, its controller in
// its own goroutines, beside the cluster's loop.
func TestManagerOverConfig(t *testing.T) {
	e := newEnv(t)
	mgr, err := ctrl.NewManager(e.Config(), ctrl.Options{Scheme: e.Scheme(),
		Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0"})
	if err != nil {
		t.Fatal(err)
	}
	var labeled func(ctx context.Context, req reconcile.Request) (reconcile.Result, error)
	labeled = func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		var cm corev1.ConfigMap
		if err := mgr.GetClient().Get(ctx, req.NamespacedName, &cm); err != nil {
			return reconcile.Result{}, client.IgnoreNotFound(err)
		}
		if cm.Labels["reconciled"] == "yes" {
			return reconcile.Result{}, nil
		}
		patch := client.MergeFrom(cm.DeepCopy())
		cm.Labels = map[string]string{"reconciled": "yes"}
		return reconcile.Result{}, mgr.GetClient().Patch(ctx, &cm, patch)
	}
	if err := ctrl.NewControllerManagedBy(mgr).For(&corev1.ConfigMap{}).Named("labeler").Complete(reconcile.Func(labeled)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- mgr.Start(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	k := e.Client()
	for i := range 3 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm%d", i), Namespace: "default"}}
		if err := k.Create(ctx, cm); err != nil {
			t.Fatal(err)
		}
		if err := e.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "three labelled ConfigMaps", func() bool {
		var list corev1.ConfigMapList
		if err := k.List(ctx, &list, client.InNamespace("default"), client.MatchingLabels{"reconciled": "yes"}); err != nil {
			return false
		}
		return len(list.Items) == 3
	})
}
