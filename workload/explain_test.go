package workload_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/workload"
)

// Scale-down picks, one rank rule each: a deletion cost (RS-6.3.4), a
// crowded node (RS-6.3.5, a Deployment's ReplicaSet ranked against its
// sibling's pods), restarts (RS-6.3.7), and the cost ignored with the
// PodDeletionCost gate off.
func TestExplainReplicaSetRankRules(t *testing.T) {
	deploy := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", UID: "deploy-uid"}}
	owned := func(rs *appsv1.ReplicaSet) *appsv1.ReplicaSet {
		rs.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(deploy, appsv1.SchemeGroupVersion.WithKind("Deployment"))}
		return rs
	}
	rs := owned(blueYellowRS())
	rs.Spec.Replicas = ptr(int32(1))
	sibling := owned(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "old", Namespace: "default", UID: "old-uid"},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "old"}}}})
	a := pod("a", map[string]string{"app": "yellow"}, rs, "ReplicaSet")
	b := pod("b", map[string]string{"app": "yellow"}, rs, "ReplicaSet")
	b.Spec.NodeName = "worker2"
	o := pod("o", map[string]string{"app": "old"}, sibling, "ReplicaSet")
	o.Spec.NodeName = "worker2"

	for _, tc := range []struct {
		name  string
		edit  func(a, b *corev1.Pod)
		gates features.Gates
		want  string
	}{
		{"crowded node", func(a, b *corev1.Pod) {}, nil,
			"delete b: its node worker2 runs 2 related active pods, a's node worker1 runs 1: pods on the more crowded node go first (RS-6.3.5)"},
		{"cost", func(a, b *corev1.Pod) { a.Annotations = map[string]string{workload.DeletionCostAnnotation: "-10"} }, nil,
			"delete a: its pod-deletion-cost is -10, b's 0: the lower cost goes first (RS-6.3.4)"},
		{"cost off", func(a, b *corev1.Pod) { a.Annotations = map[string]string{workload.DeletionCostAnnotation: "-10"} }, features.Gates{features.PodDeletionCost: false},
			"delete b: its node worker2 runs 2 related active pods, a's node worker1 runs 1: pods on the more crowded node go first (RS-6.3.5)"},
	} {
		pa, pb := a.DeepCopy(), b.DeepCopy()
		tc.edit(pa, pb)
		e, err := workload.ExplainReplicaSet(rs, []*corev1.Pod{pa, pb, o}, at(60), workload.Options{Siblings: []*appsv1.ReplicaSet{rs, sibling}, Gates: tc.gates})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Deletions) != 1 || e.Deletions[0].String() != tc.want {
			t.Errorf("%s:\n got %v\nwant %s\n%s", tc.name, e.Deletions, tc.want, e)
		}
	}

	// restarts, on an RC (no related pods, no ranks)
	rc := nginxRC()
	rc.Spec.Replicas = ptr(int32(1))
	x := pod("x", map[string]string{"app": "nginx"}, rc, "ReplicationController")
	y := pod("y", map[string]string{"app": "nginx"}, rc, "ReplicationController")
	y.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "nginx", RestartCount: 3}}
	e, err := workload.ExplainReplicationController(rc, []*corev1.Pod{x, y}, at(60), workload.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "delete y: its containers restarted 3 times at most, x's 0: more restarts go first (RS-6.3.7)"; len(e.Deletions) != 1 || e.Deletions[0].String() != want {
		t.Errorf("restarts:\n got %v\nwant %s", e.Deletions, want)
	}
	if strings.Contains(e.String(), "related pods") {
		t.Errorf("an RC has no related pods, yet:\n%s", e)
	}
}

// Explanations agree with the sync on random namespaces of pods: the plan
// is the sync's; the deletions are the plan's, in its order, marked in
// the ranking as its first ones; each deletion's rule puts the pod before
// the first pod kept (DeletesBefore), unless it says the ranking was not
// transitive or that no rule separates them; creations and batches are
// the plan's.
func TestPropertyExplainAgreesWithSync(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rc, pods := genWorld(t)
		now := at(3600)
		plan, err := workload.SyncReplicationController(rc, pods, now, workload.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e, err := workload.ExplainReplicationController(rc, pods, now, workload.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(e.Plan.Delete, plan.Delete) || e.Plan.Create != plan.Create || !reflect.DeepEqual(e.Plan.Owned(), plan.Owned()) {
			t.Fatalf("ExplainReplicationController's plan differs from the sync's")
		}
		var deleted []workload.PodRef
		for _, d := range e.Deletions {
			deleted = append(deleted, d.Pod)
		}
		if !reflect.DeepEqual(deleted, plan.Delete) {
			t.Fatalf("explained deletions %v, plan %v", deleted, plan.Delete)
		}
		if e.Create != plan.Create || !reflect.DeepEqual(e.Batches, workload.Batches(plan.Create)) {
			t.Fatalf("explained %d creates in %v, plan %d", e.Create, e.Batches, plan.Create)
		}
		byRef := map[workload.PodRef]*corev1.Pod{}
		for _, p := range pods {
			byRef[workload.PodRef{Namespace: p.Namespace, Name: p.Name, UID: p.UID}] = p
		}
		if len(e.Ranking) > 0 {
			for i, r := range e.Ranking {
				if r.Deleted != (i < len(plan.Delete)) || (i < len(plan.Delete) && r.Pod != plan.Delete[i]) {
					t.Fatalf("ranking %d: %+v, plan deletes %v", i, r, plan.Delete)
				}
			}
		}
		for _, d := range e.Deletions {
			if d.Rule == "RS-6.2" || d.Rule == "RS-6.3.9" || strings.Contains(d.Text, "not always transitive") {
				continue
			}
			a, b := workload.NewRanked(byRef[d.Pod], 0, now), workload.NewRanked(byRef[d.Kept], 0, now)
			if !workload.DeletesBefore(&a, &b, now) {
				t.Fatalf("%s says %s goes before %s, DeletesBefore says no", d, d.Pod.Name, d.Kept.Name)
			}
		}
		_ = e.String()
	})
}

// FuzzExplainReplicaSet: any ReplicaSet and pods are explained without a
// panic, with the sync's deletions.
func FuzzExplainReplicaSet(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"rs","namespace":"default","uid":"u","ownerReferences":[{"uid":"d","controller":true}]},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}`),
		[]byte(`[{"metadata":{"name":"a","namespace":"default","labels":{"app":"x"},"annotations":{"controller.kubernetes.io/pod-deletion-cost":"+1"}}},{"metadata":{"name":"b","namespace":"default","labels":{"app":"x"}},"spec":{"nodeName":"n"},"status":{"phase":"Running"}}]`))
	f.Add([]byte(`{"spec":{"replicas":-5}}`), []byte(`[null,{}]`))
	f.Add([]byte(`{"metadata":{"namespace":"default","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"replicas":0,"selector":{}}}`), []byte(`[{"metadata":{"namespace":"default"}}]`))
	f.Fuzz(func(t *testing.T, rsJSON, podsJSON []byte) {
		var rs *appsv1.ReplicaSet
		var pods []*corev1.Pod
		if json.Unmarshal(rsJSON, &rs) != nil || json.Unmarshal(podsJSON, &pods) != nil {
			return
		}
		opts := workload.Options{Siblings: []*appsv1.ReplicaSet{rs, nil}}
		e, err := workload.ExplainReplicaSet(rs, pods, t0, opts)
		plan, err2 := workload.SyncReplicaSet(rs, pods, t0, opts)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v, %v", err, err2)
		}
		if err != nil {
			return
		}
		_ = e.String()
		if len(e.Deletions) != len(plan.Delete) {
			t.Fatalf("%d deletions explained, %d planned", len(e.Deletions), len(plan.Delete))
		}
		for i, d := range e.Deletions {
			if d.Pod != plan.Delete[i] {
				t.Fatalf("deletion %d: %v, planned %v", i, d.Pod, plan.Delete[i])
			}
		}
	})
}
