package rollout_test

import (
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubesem/kubesem/rollout"
)

// midRollout is a Deployment of r replicas halfway through a rolling
// update: the old ReplicaSet at r/2, the new one at r/2.
func midRollout(r int32) (*appsv1.Deployment, []*appsv1.ReplicaSet) {
	w := &world{d: rollout.Default(httpGo()), broken: map[string]bool{}, now: t0}
	w.d.Annotations = nil
	w.d.Spec.MinReadySeconds = 0
	w.d.Spec.Replicas = &r
	var b nopBuilder
	w.settleQuiet(&b)
	w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	w.d.Generation++
	for {
		plan, _ := rollout.Sync(w.d, w.rss, nil, w.now)
		w.apply(plan)
		w.observe()
		if nw := rollout.FindNewReplicaSet(w.d, w.rss); nw != nil && *nw.Spec.Replicas >= r/2 {
			return w.d, w.rss
		}
	}
}

type nopBuilder struct{}

func (w *world) settleQuiet(_ *nopBuilder) {
	for range 100 {
		w.now = w.now.Add(time.Second)
		plan, _ := rollout.Sync(w.d, w.rss, nil, w.now)
		w.apply(plan)
		w.observe()
		if plan.Create == nil && len(plan.Updates) == 0 && len(plan.Deletes) == 0 && !plan.WriteStatus {
			return
		}
	}
}

// BenchmarkPlan is one Sync of a Deployment in the middle of a rolling
// update, at several sizes: its cost depends on the ReplicaSets, not on
// the number of pods.
func BenchmarkPlan(b *testing.B) {
	for _, r := range []int32{10, 1_000, 100_000} {
		b.Run(fmt.Sprintf("replicas=%d", r), func(b *testing.B) {
			d, rss := midRollout(r)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rollout.Sync(d, rss, nil, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRollout10k runs a whole rolling update of a 10,000-replica
// Deployment (plan, apply, pods become available, plan …) and reports the
// passes it takes and the wall time per pass.
func BenchmarkRollout10k(b *testing.B) {
	passes := 0
	b.ReportAllocs()
	for b.Loop() {
		w := &world{d: rollout.Default(httpGo()), broken: map[string]bool{}, now: t0}
		w.d.Annotations = nil
		w.d.Spec.MinReadySeconds = 0
		w.d.Spec.Replicas = ptr(int32(10_000))
		var nb nopBuilder
		w.settleQuiet(&nb)
		w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
		w.d.Generation++
		for range 100 {
			w.now = w.now.Add(time.Second)
			plan, err := rollout.Sync(w.d, w.rss, nil, w.now)
			if err != nil {
				b.Fatal(err)
			}
			passes++
			w.apply(plan)
			w.observe()
			if plan.Create == nil && len(plan.Updates) == 0 && len(plan.Deletes) == 0 && !plan.WriteStatus {
				break
			}
		}
	}
	b.ReportMetric(float64(passes)/float64(b.N), "passes/rollout")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(passes), "ns/pass")
}
