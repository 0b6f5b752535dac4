package cluster_test

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/cluster"
)

const rc = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
`

// A ReplicationController keeps three pods; a node switched off loses its
// pods about 6 minutes later and they come back on the other worker.
func Example() {
	c, _ := cluster.New(cluster.Options{Seed: 1})
	if _, err := c.CreateManifest([]byte(rc), "default"); err != nil {
		fmt.Println(err)
		return
	}
	_ = c.Advance(10 * time.Second)
	count := func() map[string]int {
		pods, _ := c.Pods("default", "app=nginx")
		n := map[string]int{}
		for _, p := range pods {
			if p.DeletionTimestamp == nil {
				n[p.Spec.NodeName]++
			}
		}
		return n
	}
	fmt.Println(count())
	_ = c.StopNode("worker2")
	_ = c.Advance(7 * time.Minute)
	fmt.Println(count())
	// Output:
	// map[worker1:2 worker2:1]
	// map[worker1:3]
}

// A user's controller in the loop: it labels every ConfigMap it sees,
// through the cluster's API, beside the built-in controllers; an
// injected Conflict on its first write is retried 5 ms later.
func ExampleCluster_AddController() {
	c, _ := cluster.New(cluster.Options{Seed: 1})
	cms := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	api := c.API()
	_ = c.AddController(cluster.Controller{
		Name:    "labeler",
		Watches: []cluster.Watch{{Resource: "configmaps"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (cluster.Result, error) {
			o, err := api.Get(ctx, cms, req.Namespace, req.Name, metav1.GetOptions{}, "")
			if err != nil {
				return cluster.Result{}, nil
			}
			cm := o.(*corev1.ConfigMap)
			if cm.Labels["seen"] == "yes" {
				return cluster.Result{}, nil
			}
			cm.Labels = map[string]string{"seen": "yes"}
			_, err = api.Update(ctx, cms, req.Namespace, cm, metav1.UpdateOptions{}, "")
			return cluster.Result{}, err
		},
	})
	_ = c.InjectFault(cluster.Fault{Controller: "labeler", Times: 1})
	_, _ = api.Create(context.Background(), cms, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{}, "")
	_ = c.Settle(time.Hour)
	for _, r := range c.Requests() {
		if r.Verb != "get" {
			who := r.Controller
			if who == "" {
				who = "(test)"
			}
			fmt.Println(r.At.Sub(cluster.DefaultStart), who, r.Verb, r.Resource, r.Name, r.Code)
		}
	}
	// Output:
	// 0s (test) create configmaps settings 201
	// 0s labeler update configmaps settings 409
	// 5ms labeler update configmaps settings 200
}
