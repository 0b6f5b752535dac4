package rollout_test

import (
	"fmt"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/rollout"
)

// Rolling-update invariants over random Deployments, image changes and
// scalings, with pods that become available at once: during a rollout at
// a fixed size the ReplicaSets never ask for more than replicas + maxSurge
// pods nor report fewer available than replicas − maxUnavailable; every
// rollout settles with all replicas in the new ReplicaSet, the old ones at
// 0 and no more of them than revisionHistoryLimit; Sync never changes its
// inputs and gives the same plan twice.
func TestPropertyRollingUpdate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := int32(rapid.IntRange(0, 12).Draw(t, "replicas"))
		s, u := rapid.SampledFrom([]string{"0", "1", "3", "25%", "50%", "100%"}).Draw(t, "surge"), rapid.SampledFrom([]string{"0", "1", "2", "25%", "50%"}).Draw(t, "unavailable")
		if s == "0" && u == "0" {
			u = "1"
		}
		su, uu := intstr.Parse(s), intstr.Parse(u)
		d := rollout.Default(&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "web-uid", Generation: 1},
			Spec: appsv1.DeploymentSpec{
				Replicas:             &r,
				Selector:             &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				RevisionHistoryLimit: ptr(int32(rapid.IntRange(0, 3).Draw(t, "limit"))),
				Strategy:             appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &su, MaxUnavailable: &uu}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}},
				},
			},
		})
		w := &world{d: d, broken: map[string]bool{}, now: t0}
		for step := range rapid.IntRange(1, 5).Draw(t, "steps") {
			if step > 0 {
				if rapid.Bool().Draw(t, "scale") {
					w.d.Spec.Replicas = ptr(int32(rapid.IntRange(0, 12).Draw(t, "newReplicas")))
				} else {
					w.d.Spec.Template.Spec.Containers[0].Image = fmt.Sprintf("web:%d", rapid.IntRange(1, 4).Draw(t, "image"))
				}
				w.d.Generation++
			}
			r := *w.d.Spec.Replicas
			settledAt := -1
			for pass := 0; pass < 60; pass++ {
				w.now = w.now.Add(1e9)
				dBefore, rssBefore := w.d.DeepCopy(), deepCopyAll(w.rss)
				plan, err := rollout.Sync(w.d, w.rss, nil, w.now)
				if err != nil {
					t.Fatal(err)
				}
				again, _ := rollout.Sync(w.d, w.rss, nil, w.now)
				if !reflect.DeepEqual(plan, again) {
					t.Fatal("two syncs of the same input differ")
				}
				if !reflect.DeepEqual(dBefore, w.d) || !reflect.DeepEqual(rssBefore, w.rss) {
					t.Fatal("Sync modified its inputs")
				}
				w.apply(plan)
				w.observe()
				if plan.Create == nil && len(plan.Updates) == 0 && len(plan.Deletes) == 0 && !plan.WriteStatus {
					settledAt = pass
					break
				}
				if step > 0 && !scaled(w.d, dBefore) {
					var total, available int32
					for _, rs := range w.rss {
						total += *rs.Spec.Replicas
						available += rs.Status.AvailableReplicas
					}
					if total > r+rollout.MaxSurge(w.d) {
						t.Fatalf("pass %d: %d pods asked for, more than %d + %d", pass, total, r, rollout.MaxSurge(w.d))
					}
					if available < r-rollout.MaxUnavailable(w.d) && r > 0 {
						t.Fatalf("pass %d: %d available, fewer than %d − %d", pass, available, r, rollout.MaxUnavailable(w.d))
					}
				}
			}
			if settledAt < 0 {
				t.Fatalf("step %d did not settle", step)
			}
			newRS := rollout.FindNewReplicaSet(w.d, w.rss)
			if newRS == nil || *newRS.Spec.Replicas != r {
				t.Fatalf("settled without the new ReplicaSet at %d: %v", r, newRS)
			}
			old := 0
			for _, rs := range w.rss {
				if rs.UID != newRS.UID {
					old++
					if *rs.Spec.Replicas != 0 {
						t.Fatalf("settled with old ReplicaSet %s at %d", rs.Name, *rs.Spec.Replicas)
					}
				}
			}
			if old > int(*w.d.Spec.RevisionHistoryLimit) {
				t.Fatalf("settled with %d old ReplicaSets, limit %d", old, *w.d.Spec.RevisionHistoryLimit)
			}
		}
	})
}

func scaled(d, before *appsv1.Deployment) bool { return *d.Spec.Replicas != *before.Spec.Replicas }

func deepCopyAll(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	if rss == nil {
		return nil
	}
	out := make([]*appsv1.ReplicaSet, len(rss))
	for i, rs := range rss {
		out[i] = rs.DeepCopy()
	}
	return out
}
