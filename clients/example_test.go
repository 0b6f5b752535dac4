package clients_test

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kubesem/kubesem/clients"
	"github.com/kubesem/kubesem/cluster"
)

// sizer keeps a Deployment named after each ConfigMap labelled
// app=sized, with the ConfigMap's data.replicas replicas.
type sizer struct{ client.Client }

func (r sizer) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var cm corev1.ConfigMap
	if err := r.Get(ctx, req.NamespacedName, &cm); err != nil || cm.Labels["app"] != "sized" {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	var n int32
	fmt.Sscan(cm.Data["replicas"], &n)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: cm.Name, Namespace: cm.Namespace}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.Client, d, func() error {
		d.Spec.Replicas = ptr.To(n)
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": cm.Name}}
		d.Spec.Template.Labels = map[string]string{"app": cm.Name}
		d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "web", Image: "nginx"}}
		return controllerutil.SetControllerReference(&cm, d, r.Scheme())
	})
	return reconcile.Result{}, err
}

// A controller-runtime reconciler in the cluster's loop: its Deployment
// gets running pods from the built-in controllers, in virtual time.
func ExampleNewControllerManagedBy() {
	env, _ := clients.New(clients.Options{Cluster: cluster.Options{Seed: 1}})
	k := env.Client()
	_ = clients.NewControllerManagedBy(env).
		For(&corev1.ConfigMap{}).
		Owns(&appsv1.Deployment{}).
		Complete(sizer{k})

	ctx := context.Background()
	_ = k.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "sized"}},
		Data:       map[string]string{"replicas": "2"},
	})
	_ = env.Cluster().Settle(time.Hour) // returns when the pods run, 2 s in

	var pods corev1.PodList
	_ = k.List(ctx, &pods, client.MatchingLabels{"app": "web"})
	for _, p := range pods.Items {
		fmt.Println(p.Name, p.Spec.NodeName, p.Status.Phase)
	}
	fmt.Println("virtual time:", env.Cluster().Elapsed())
	// Output:
	// web-69899ccd4-m4t5z worker1 Running
	// web-69899ccd4-vfn84 worker2 Running
	// virtual time: 2s
}
