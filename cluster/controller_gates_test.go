package cluster

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/features"
)

// The cluster passes Options.Gates to the ReplicaSet and Deployment
// controllers: DeploymentReplicaSetTerminatingReplicas off leaves both
// statuses' terminatingReplicas nil (workload rule 13a, rollout rule 21).
func TestControllersTakeTerminatingGate(t *testing.T) {
	for _, on := range []bool{true, false} {
		c, err := New(Options{Seed: 7, Gates: features.Gates{features.DeploymentReplicaSetTerminatingReplicas: on}})
		if err != nil {
			t.Fatal(err)
		}
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: appsv1.DeploymentSpec{
			Replicas: ptrTo(int32(2)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}},
		}}
		if _, err := c.Create(d); err != nil {
			t.Fatal(err)
		}
		if err := c.Advance(time.Minute); err != nil {
			t.Fatal(err)
		}
		rss, _ := c.ReplicaSets("default", "")
		ds, _ := c.Deployments("default", "")
		if len(rss) != 1 || len(ds) != 1 {
			t.Fatalf("gate %v: %d ReplicaSets, %d Deployments", on, len(rss), len(ds))
		}
		if got := rss[0].Status.TerminatingReplicas; (got != nil) != on || (on && *got != 0) {
			t.Errorf("gate %v: ReplicaSet terminatingReplicas %v", on, got)
		}
		if got := ds[0].Status.TerminatingReplicas; (got != nil) != on || (on && *got != 0) {
			t.Errorf("gate %v: Deployment terminatingReplicas %v", on, got)
		}
	}
}

// PodDeletionCost reaches the ReplicaSet controller's ranking (workload
// rule 13b): the pod the ranking deletes without costs is kept with the
// gate on once it costs more, and still deleted with the gate off.
func TestControllersTakeDeletionCostGate(t *testing.T) {
	scaleDown := func(gates features.Gates, annotate string) string {
		t.Helper()
		c, err := New(Options{Seed: 7, Gates: gates})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Create(rsObject("web", 2)); err != nil {
			t.Fatal(err)
		}
		if err := c.Advance(time.Minute); err != nil {
			t.Fatal(err)
		}
		before, _ := c.Pods("default", "app=web")
		if len(before) != 2 {
			t.Fatalf("%d pods", len(before))
		}
		if annotate != "" {
			if _, err := c.Annotate(KindPod, "default", annotate, true, "controller.kubernetes.io/pod-deletion-cost=1000"); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Scale(KindReplicaSet, "default", "web", 1); err != nil {
			t.Fatal(err)
		}
		if err := c.Advance(time.Minute); err != nil {
			t.Fatal(err)
		}
		after, _ := c.Pods("default", "app=web")
		left := map[string]bool{}
		for _, p := range after {
			left[p.Name] = true
		}
		for _, p := range before {
			if !left[p.Name] {
				return p.Name
			}
		}
		t.Fatal("no pod deleted")
		return ""
	}
	off := features.Gates{features.PodDeletionCost: false}
	doomed := scaleDown(off, "")
	if got := scaleDown(off, doomed); got != doomed {
		t.Errorf("gate off: deleted %s, want %s (the cost ignored)", got, doomed)
	}
	if got := scaleDown(nil, doomed); got == doomed {
		t.Errorf("default gates: deleted %s although it costs more", got)
	}
}
