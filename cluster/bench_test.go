package cluster

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// BenchmarkRollout creates an n-replica Deployment (25%/25%) on 100 nodes
// (1,000 for 100,000 replicas), waits for it, changes its image and waits
// for the rollout to complete, all in virtual time. Besides time, it
// reports virtual seconds simulated per wall second, allocations and
// bytes per replica, and two peaks of the heap (runtime/metrics, sampled
// every 10 ms): peak-live-MiB, the largest heap the garbage collector
// found live at the end of a cycle (what the run needs), and
// peak-heap-MiB, the largest heap of objects including garbage not yet
// collected (what it used, at GOGC=100).
func BenchmarkRollout(b *testing.B) {
	for _, size := range []struct {
		replicas int32
		nodes    int
	}{{1000, 100}, {10000, 100}, {100000, 1000}} {
		b.Run(fmt.Sprintf("replicas=%d", size.replicas), func(b *testing.B) {
			var virtual time.Duration
			peak := sampleHeap()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				virtual += benchRollout(b, size.replicas, size.nodes)
			}
			runtime.ReadMemStats(&after)
			n := float64(b.N) * float64(size.replicas)
			b.ReportMetric(virtual.Seconds()/b.Elapsed().Seconds(), "virtual-s/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/replica")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/replica")
			heap, live := peak()
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MiB")
		})
	}
}

// benchRollout is one BenchmarkRollout iteration; it returns the virtual time
// it took.
func benchRollout(b *testing.B, n int32, nodeCount int) time.Duration {
	nodes := make([]*corev1.Node, nodeCount)
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
	return c.Elapsed()
}

// sampleHeap samples the heap every 10 ms until the returned function
// is called, which stops the sampling and returns the largest heap of
// objects and the largest live heap seen, in bytes.
func sampleHeap() func() (heap, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	var mu sync.Mutex
	var peakHeap, peakLive uint64
	read := func() {
		metrics.Read(s)
		mu.Lock()
		peakHeap = max(peakHeap, s[0].Value.Uint64())
		peakLive = max(peakLive, s[1].Value.Uint64())
		mu.Unlock()
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() (uint64, uint64) {
		read()
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peakHeap, peakLive
	}
}

// BenchmarkSettleLookAhead measures Settle's look-ahead on a settled
// cluster: n pods with a readiness probe every 10 s (n/100 per node on 100
// nodes) and a ReplicaSet requeue per ReplicaSet; each iteration is one
// Settle that finds nothing would change within the two-minute window
// (every kubelet's runner copied and stepped through 12 probes) and
// returns at once. The sibling spend=... runs the same window by
// Advance, as Settle did before it looked ahead.
func BenchmarkSettleLookAhead(b *testing.B) {
	for _, n := range []int32{1000, 10000} {
		c := settledProbedCluster(b, n)
		b.Run(fmt.Sprintf("look/pods=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := c.Settle(time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			if c.Elapsed() != c.lastWrite.Sub(c.opts.Start) {
				b.Fatalf("Settle moved the clock past the last write (%s)", c.Elapsed())
			}
		})
		b.Run(fmt.Sprintf("spend/pods=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := c.Advance(c.opts.SettleQuiet); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// settledProbedCluster is a settled cluster of an n-replica ReplicaSet
// whose pods have a readiness probe.
func settledProbedCluster(b *testing.B, n int32) *Cluster {
	nodes := make([]*corev1.Node, 100)
	for i := range nodes {
		nodes[i] = NewNode(fmt.Sprintf("node-%03d", i), "64", "256Gi", 200)
	}
	c, err := New(Options{Seed: 1, Nodes: nodes})
	if err != nil {
		b.Fatal(err)
	}
	rs := rsObject("web", n)
	rs.Spec.Template.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstrFromInt(8080)}}, PeriodSeconds: 10}
	if _, err := c.Create(rs); err != nil {
		b.Fatal(err)
	}
	if err := c.Settle(time.Hour); err != nil {
		b.Fatal(err)
	}
	return c
}
