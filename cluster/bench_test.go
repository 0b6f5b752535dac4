package cluster

import (
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// BenchmarkRollout creates an n-replica Deployment on 100 nodes, waits for
// it, changes its image and waits for the rollout to complete, all in
// virtual time; it reports virtual seconds simulated per wall second.
func BenchmarkRollout(b *testing.B) {
	for _, n := range []int32{1000, 10000} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			var virtual time.Duration
			for b.Loop() {
				nodes := make([]*corev1.Node, 100)
				for i := range nodes {
					nodes[i] = NewNode(fmt.Sprintf("node-%03d", i), "64", "256Gi", 200)
				}
				c, err := New(Options{Seed: 1, Nodes: nodes})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Create(deploymentObject("web", n)); err != nil {
					b.Fatal(err)
				}
				done := func(c *Cluster) bool {
					o := c.st.get(KindDeployment, key{"default", "web"})
					d := o.(*appsv1.Deployment)
					return d.Status.ObservedGeneration == d.Generation && d.Status.UpdatedReplicas == n && d.Status.AvailableReplicas == n && d.Status.Replicas == n
				}
				if err := c.RunUntil(done, time.Hour); err != nil {
					b.Fatal(err)
				}
				if _, err := c.SetImage("default", "web", map[string]string{"c": "nginx:2"}, ""); err != nil {
					b.Fatal(err)
				}
				if err := c.RunUntil(done, time.Hour); err != nil {
					b.Fatal(err)
				}
				virtual += c.Elapsed()
			}
			b.ReportMetric(virtual.Seconds()/b.Elapsed().Seconds(), "virtual-s/s")
		})
	}
}
