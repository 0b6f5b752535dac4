package workload_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/workload"
)

// Rule 13a: with DeploymentReplicaSetTerminatingReplicas off a ReplicaSet's
// status.terminatingReplicas is absent, and a count left from before is
// cleared; an RC never has one.
func TestGateTerminatingReplicas(t *testing.T) {
	off := features.Gates{features.DeploymentReplicaSetTerminatingReplicas: false}
	tests := []struct {
		name     string
		gates    features.Gates
		stale    *int32 // the status's count before the sync
		want     *int32
		rewrites bool // the status is written
	}{
		{"default gates count terminating pods", nil, ptr(int32(2)), ptr(int32(2)), false},
		{"gate on explicitly", features.Gates{features.DeploymentReplicaSetTerminatingReplicas: true}, nil, ptr(int32(2)), true},
		{"gate off leaves the field nil", off, nil, nil, false},
		{"gate off clears a count written earlier", off, ptr(int32(2)), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := blueYellowRS()
			yellow := map[string]string{"app": "yellow"}
			pods := []*corev1.Pod{pod("a", yellow, rs, "ReplicaSet"), pod("b", yellow, rs, "ReplicaSet")}
			for _, n := range []string{"c", "d"} {
				p := pod(n, yellow, rs, "ReplicaSet")
				p.DeletionTimestamp = ptr(metav1.NewTime(t0))
				pods = append(pods, p)
			}
			rs.Status = rsStatusOf(2, tt.stale)
			rs.Status.ObservedGeneration = rs.Generation
			plan, err := workload.SyncReplicaSet(rs, pods, t0, workload.Options{Gates: tt.gates})
			if err != nil {
				t.Fatal(err)
			}
			status, write := plan.Status(nil)
			if !cmp.Equal(status.TerminatingReplicas, tt.want) || write != tt.rewrites {
				t.Errorf("terminatingReplicas %v, write %v; want %v, %v", deref(status.TerminatingReplicas), write, deref(tt.want), tt.rewrites)
			}
			if status.Replicas != 2 {
				t.Errorf("replicas %d, want 2 (terminating pods are never counted there)", status.Replicas)
			}
		})
	}
	// An RC: no field, gate on or off.
	for _, g := range []features.Gates{nil, off} {
		rc := nginxRC()
		p := pod("x", map[string]string{"app": "nginx"}, rc, "ReplicationController")
		p.DeletionTimestamp = ptr(metav1.NewTime(t0))
		plan, err := workload.SyncReplicationController(rc, []*corev1.Pod{p}, t0, workload.Options{Gates: g})
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := plan.Status(nil); s.TerminatingReplicas != nil {
			t.Errorf("gates %v: an RC reports terminatingReplicas %d", g, *s.TerminatingReplicas)
		}
	}
}

// Rule 13b (rule 4): with PodDeletionCost off the cost annotation does not
// rank; the next rule decides (here: the pod that was ready more recently
// goes first).
func TestGatePodDeletionCost(t *testing.T) {
	tests := []struct {
		name  string
		gates features.Gates
		want  string
	}{
		{"default gates: the cheaper pod goes", nil, "old-cheap"},
		{"gate on explicitly", features.Gates{features.PodDeletionCost: true}, "old-cheap"},
		{"gate off: cost ignored, the newer-ready pod goes", features.Gates{features.PodDeletionCost: false}, "new-dear"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := blueYellowRS()
			rs.Spec.Replicas = ptr(int32(1))
			yellow := map[string]string{"app": "yellow"}
			cheap := pod("old-cheap", yellow, rs, "ReplicaSet")
			cheap.Annotations = map[string]string{workload.DeletionCostAnnotation: "-100"}
			dear := pod("new-dear", yellow, rs, "ReplicaSet")
			dear.Annotations = map[string]string{workload.DeletionCostAnnotation: "100"}
			dear.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(3600))
			now := at(7200)
			for _, memo := range []*workload.Memo{nil, new(workload.Memo)} {
				plan, err := workload.SyncReplicaSet(rs, []*corev1.Pod{dear, cheap}, now, workload.Options{Gates: tt.gates, Memo: memo})
				if err != nil {
					t.Fatal(err)
				}
				if got := names(plan.Delete); !cmp.Equal(got, []string{tt.want}) {
					t.Errorf("memo %v: delete %v, want [%s]", memo != nil, got, tt.want)
				}
			}
			// the exported ranking alone, with a third pod so that a
			// choice is made
			third := pod("third", yellow, rs, "ReplicaSet")
			third.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(-30 * 24 * 3600))
			got := workload.PodsToDeleteWith([]*corev1.Pod{third, dear, cheap}, nil, 1, now, tt.gates)
			if len(got) != 1 || got[0].Name != tt.want {
				t.Errorf("PodsToDeleteWith chose %v, want %s", got[0].Name, tt.want)
			}
		})
	}
}

func rsStatusOf(replicas int32, terminating *int32) appsv1.ReplicaSetStatus {
	return appsv1.ReplicaSetStatus{Replicas: replicas, FullyLabeledReplicas: replicas, ReadyReplicas: replicas,
		AvailableReplicas: replicas, TerminatingReplicas: terminating}
}

func deref(p *int32) any {
	if p == nil {
		return "nil"
	}
	return *p
}
