package conformance

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/klog/v2"

	"github.com/kubesem/kubesem/cluster"
)

// rolledOut is `kubectl rollout status`'s "successfully rolled out" (KH-8)
// for n replicas: the Deployment's generation observed, n updated, no
// old pods left, n available.
func rolledOut(d *appsv1.Deployment, n int32) bool {
	return d.Generation <= d.Status.ObservedGeneration && d.Status.UpdatedReplicas == n &&
		d.Status.Replicas == n && d.Status.AvailableReplicas == n
}

// sideBySideDeployment is the benchmark's Deployment: the tutorial's
// http-go with n replicas and explicit 25%/25% fenceposts.
func sideBySideDeployment(n int32) *appsv1.Deployment {
	return httpGo(n, rollingUpdate(intstr.FromString("25%"), intstr.FromString("25%")))
}

// rolloutUpstream runs one rollout of n replicas on kube-controller-
// manager's Deployment and ReplicaSet controllers (newUpstream, the
// kubelet stand-in making every pod ready as soon as it sees it): create,
// wait until available, set image, wait until rolled out. It gives up
// after limit. The controllers' start and stop are left out of the time
// when b is not nil.
func rolloutUpstream(b *testing.B, n int32, limit time.Duration) error {
	return rolloutUpstreamKubelet(b, n, limit, true)
}

// rolloutUpstreamKubelet is rolloutUpstream with the kubelet stand-in
// reacting to pod events (instant) or only polling every 5 ms.
func rolloutUpstreamKubelet(b *testing.B, n int32, limit time.Duration, instant bool) error {
	if b != nil {
		b.StopTimer()
	}
	u, err := newUpstream(instant)
	if err != nil {
		return err
	}
	defer func() {
		if b != nil {
			b.StopTimer()
		}
		u.stop()
		if b != nil {
			b.StartTimer()
		}
	}()
	u.setRunning(true)
	if b != nil {
		b.StartTimer()
	}
	ctx := context.Background()
	deadline := time.Now().Add(limit)
	wait := func(what string) error {
		for {
			o, err := u.client.Tracker().Get(appsv1.SchemeGroupVersion.WithResource("deployments"), "default", "http-go")
			if err != nil {
				return err
			}
			if rolledOut(o.(*appsv1.Deployment), n) {
				return nil
			}
			if time.Now().After(deadline) {
				d := o.(*appsv1.Deployment)
				return fmt.Errorf("upstream, %d replicas: not %s after %s (updated %d, replicas %d, available %d)",
					n, what, limit, d.Status.UpdatedReplicas, d.Status.Replicas, d.Status.AvailableReplicas)
			}
			time.Sleep(time.Millisecond)
		}
	}
	if _, err := u.client.AppsV1().Deployments("default").Create(ctx, sideBySideDeployment(n), metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := wait("available"); err != nil {
		return err
	}
	if err := u.editDeployment(ctx, func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = images[1] }); err != nil {
		return err
	}
	return wait("rolled out")
}

// rolloutKubesem runs the same rollout on kubesem's cluster: containers
// start at once and have no probes, so a pod is ready when it is bound.
// Building the cluster is left out of the time when b is not nil.
func rolloutKubesem(b *testing.B, n int32, limit time.Duration) error {
	if b != nil {
		b.StopTimer()
	}
	// 100 nodes with room for every pod, the new ones and the old
	nodes := make([]*corev1.Node, 0, 100)
	for i := range 100 {
		nodes = append(nodes, cluster.NewNode(fmt.Sprintf("node-%03d", i), "1000", "10Ti", max(110, int64(n)/40)))
	}
	c, err := cluster.New(cluster.Options{Seed: 1, Nodes: nodes, StartDelay: -1})
	if err != nil {
		return err
	}
	if b != nil {
		b.StartTimer()
	}
	start := time.Now()
	done := func(c *cluster.Cluster) bool {
		if time.Since(start) > limit {
			return true // RunUntil stops; the check below reports it
		}
		o, err := c.Get(cluster.KindDeployment, "default", "http-go")
		return err == nil && rolledOut(o.(*appsv1.Deployment), n)
	}
	check := func(what string) error {
		if time.Since(start) > limit {
			return fmt.Errorf("kubesem, %d replicas: not %s after %s", n, what, limit)
		}
		return nil
	}
	if _, err := c.Create(sideBySideDeployment(n)); err != nil {
		return err
	}
	if err := c.RunUntil(done, time.Hour); err != nil {
		return err
	}
	if err := check("available"); err != nil {
		return err
	}
	if _, err := c.SetImage("default", "http-go", map[string]string{"http-go": images[1]}, ""); err != nil {
		return err
	}
	if err := c.RunUntil(done, time.Hour); err != nil {
		return err
	}
	return check("rolled out")
}

// BenchmarkRolloutSideBySide times one rollout of 100 and of 1,000
// replicas (25%/25%, pods ready at once: create, wait until available,
// set image, wait until rolled out) on the upstream controllers (impl=upstream: client-go's
// fake clientset, shared informers, one worker each, a kubelet stand-in
// reacting to pod events) and on kubesem's cluster (impl=kubesem), in the
// same run: `benchstat -col /impl` gives the ratio. Upstream's time is
// wall time through informers and workqueues; kubesem's is the cost of
// simulating it (its virtual clock does not move: every step happens at
// one instant).
//
// The fake clientset's watches hold 100 unread events and then panic
// ("channel full"); a 100-replica rollout
// comes close enough that one iteration in a few dozen panicked. The
// benchmark gives them room for 10,000 (watch.DefaultChanSize, read when
// a watch starts), which changes how much may queue, not what the
// controllers decide.
func BenchmarkRolloutSideBySide(b *testing.B) {
	if err := utilfeature.DefaultMutableFeatureGate.Set("StaleControllerConsistencyReplicaSet=false"); err != nil {
		b.Fatal(err)
	}
	defer setWatchBuffer(10000)()
	// the controllers' logs (and the ReplicaSet controller's complaint
	// about registering its metrics again) would split benchmark lines,
	// even with KUBESEM_KLOG set (TestMain)
	klog.SetLogger(logr.Discard())
	for _, n := range []int32{100, 1000} {
		for _, impl := range []struct {
			name string
			run  func(*testing.B, int32, time.Duration) error
		}{{"upstream", rolloutUpstream}, {"kubesem", rolloutKubesem}} {
			b.Run(fmt.Sprintf("replicas=%d/impl=%s", n, impl.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := impl.run(b, n, time.Minute); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// setWatchBuffer sets how many unread events a fake watch started from
// now on holds, and returns what restores the previous size.
func setWatchBuffer(n int32) func() {
	old := watch.DefaultChanSize
	watch.DefaultChanSize = n
	return func() { watch.DefaultChanSize = old }
}

// TestRolloutSideBySideLimit runs the benchmark's rollout once, for the
// size and implementation in KUBESEM_LIMIT_REPLICAS and
// KUBESEM_LIMIT_IMPL (upstream, upstream-poll: the stand-in kubelet only
// polling, or kubesem), with fake watches holding KUBESEM_LIMIT_WATCH
// unread events (100, the fake's own size, by default), and logs how long
// it took; it
// fails after a minute. It is how to find how far each side goes in
// replicas, one process per size, since the fake clientset's watch
// panics ("channel full") rather than fail:
//
//	for n in 100 200 500 1000 2000; do
//	  KUBESEM_LIMIT_IMPL=upstream KUBESEM_LIMIT_REPLICAS=$n go test -run SideBySideLimit -v .
//	done
func TestRolloutSideBySideLimit(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("KUBESEM_LIMIT_REPLICAS"))
	if err != nil {
		t.Skip("set KUBESEM_LIMIT_REPLICAS and KUBESEM_LIMIT_IMPL")
	}
	setScenarioGates(t)
	if w, err := strconv.Atoi(os.Getenv("KUBESEM_LIMIT_WATCH")); err == nil {
		defer setWatchBuffer(int32(w))()
	}
	run := rolloutKubesem
	switch os.Getenv("KUBESEM_LIMIT_IMPL") {
	case "upstream":
		run = rolloutUpstream
	case "upstream-poll":
		run = func(b *testing.B, n int32, limit time.Duration) error {
			return rolloutUpstreamKubelet(b, n, limit, false)
		}
	}
	start := time.Now()
	if err := run(nil, int32(n), time.Minute); err != nil {
		t.Fatalf("after %s: %v", time.Since(start), err)
	}
	t.Logf("impl=%s replicas=%d: rolled out in %s", os.Getenv("KUBESEM_LIMIT_IMPL"), n, time.Since(start))
}
