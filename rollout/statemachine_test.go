package rollout_test

import (
	"fmt"
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/rollout"
)

// TestPropertyRolloutStateMachine drives plans with the in-test model of
// ReplicaSets and pods through random image changes, scalings, pauses,
// resumes, undos, images whose pods never become available, and time
// passing. After every pass: the ReplicaSets ask for at most replicas +
// maxSurge pods unless replicas just changed; while no broken image is
// rolling out, available pods stay at or above replicas − maxUnavailable
// once a rollout has started from a complete state; old ReplicaSets are
// at most revisionHistoryLimit once cleanup has run. At the end, with the
// Deployment resumed on a working image, it completes and stays complete.
func TestPropertyRolloutStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := int32(rapid.IntRange(1, 8).Draw(t, "replicas"))
		s, u := intstr.Parse(rapid.SampledFrom([]string{"0", "1", "25%", "50%"}).Draw(t, "surge")), intstr.Parse(rapid.SampledFrom([]string{"1", "25%", "50%"}).Draw(t, "unavailable"))
		d := rollout.Default(&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "web-uid", Generation: 1},
			Spec: appsv1.DeploymentSpec{
				Replicas:             &r,
				MinReadySeconds:      int32(rapid.IntRange(0, 3).Draw(t, "minReady")),
				Selector:             &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				RevisionHistoryLimit: ptr(int32(rapid.IntRange(0, 3).Draw(t, "limit"))),
				Strategy:             appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &s, MaxUnavailable: &u}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}},
				},
			},
		})
		w := &world{d: d, broken: map[string]bool{"web:bad": true}, now: t0}
		var observed bool
		pass := func() *rollout.Plan {
			w.now = w.now.Add(1e9)
			plan, err := rollout.Sync(w.d, w.rss, nil, w.now)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Update != nil {
				w.d = plan.Update
			}
			w.apply(plan)
			observed = w.observe()
			return plan
		}
		settle := func() {
			for range 300 {
				plan := pass()
				if plan.Create == nil && plan.Update == nil && len(plan.Updates) == 0 && len(plan.Deletes) == 0 && !plan.WriteStatus && !observed && !w.pending() {
					return
				}
			}
			plan := pass()
			t.Fatalf("not settled after 300 passes; the last plan: %+v, updates %v, deployment %+v", plan, plan.Updates, plan.Deployment.Status)
		}
		settle()
		for range rapid.IntRange(1, 12).Draw(t, "actions") {
			replicasBefore := *w.d.Spec.Replicas
			complete := rollout.Complete(w.d, &w.d.Status)
			switch rapid.IntRange(0, 6).Draw(t, "action") {
			case 0:
				w.d.Spec.Template.Spec.Containers[0].Image = rapid.SampledFrom([]string{"web:1", "web:2", "web:3", "web:bad"}).Draw(t, "image")
				w.d.Generation++
			case 1:
				w.d.Spec.Replicas = ptr(int32(rapid.IntRange(0, 8).Draw(t, "newReplicas")))
				w.d.Generation++
			case 2:
				if out, _, err := rollout.Pause(w.d); err == nil {
					w.d = out
					w.d.Generation++
				}
			case 3:
				if out, _, err := rollout.Resume(w.d); err == nil {
					w.d = out
					w.d.Generation++
				}
			case 4:
				if out, _, err := rollout.Undo(w.d, w.rss, 0); err == nil && out != nil {
					w.d = out
					w.d.Generation++
				}
			}
			for range rapid.IntRange(0, 15).Draw(t, "passes") {
				if pass().Conflict {
					// the pass stopped at a write upstream's apiserver
					// refuses (W-1); the bounds hold after whole passes
					continue
				}
				r := *w.d.Spec.Replicas
				var total, available int32
				for _, rs := range w.rss {
					total += *rs.Spec.Replicas
					available += rs.Status.AvailableReplicas
				}
				if r == replicasBefore && !w.d.Spec.Paused && total > r+rollout.MaxSurge(w.d) {
					t.Fatalf("%d pods asked for, more than %d + %d", total, r, rollout.MaxSurge(w.d))
				}
				if complete && r == replicasBefore && !w.d.Spec.Paused && w.d.Spec.MinReadySeconds == 0 && !brokenRollingOut(w) && available < r-rollout.MaxUnavailable(w.d) {
					t.Fatalf("%d available, fewer than %d − %d", available, r, rollout.MaxUnavailable(w.d))
				}
			}
		}
		// Changes stop: resume, a working image, time.
		if w.d.Spec.Paused {
			w.d, _, _ = rollout.Resume(w.d)
		}
		if w.d.Spec.Template.Spec.Containers[0].Image == "web:bad" {
			w.d.Spec.Template.Spec.Containers[0].Image = "web:1"
		}
		w.d.Generation++
		settle()
		if staleScalingEvent(w.d, w.rss) {
			// Upstream quirk, kept and pinned by the conformance module's
			// TestStaleDesiredAnnotationBlocksRolloutLikeUpstream: when the
			// only active ReplicaSet already has the Deployment's size but
			// a desired-replicas annotation from an earlier size, every
			// pass is a scaling event (P-2) that resizes nothing (P-3), so
			// the Deployment neither rolls out nor cleans up (CU-*) until
			// its replicas change.
			return
		}
		if !rollout.Complete(w.d, &w.d.Status) {
			t.Fatalf("not complete after the changes stopped: %+v", w.d.Status)
		}
		newRS := rollout.FindNewReplicaSet(w.d, w.rss)
		old := 0
		for _, rs := range w.rss {
			if rs.UID != newRS.UID {
				old++
			}
		}
		if old > int(*w.d.Spec.RevisionHistoryLimit) {
			t.Fatalf("%d old ReplicaSets kept, limit %d", old, *w.d.Spec.RevisionHistoryLimit)
		}
		for range 5 {
			pass()
			if !rollout.Complete(w.d, &w.d.Status) {
				t.Fatal("complete, then not")
			}
		}
	})
}

// brokenRollingOut reports whether any ReplicaSet with pods runs the
// broken image.
func brokenRollingOut(w *world) bool {
	for _, rs := range w.rss {
		if *rs.Spec.Replicas > 0 && w.broken[rs.Spec.Template.Spec.Containers[0].Image] {
			return true
		}
	}
	return false
}

var _ = fmt.Sprint

// staleScalingEvent reports whether an active ReplicaSet carries a
// desired-replicas annotation other than the Deployment's replicas.
func staleScalingEvent(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) bool {
	for _, rs := range rss {
		if *rs.Spec.Replicas == 0 {
			continue
		}
		if v, err := strconv.Atoi(rs.Annotations[rollout.DesiredReplicasAnnotation]); err == nil && int32(v) != *d.Spec.Replicas {
			return true
		}
	}
	return false
}
