package rollout_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/rollout"
)

// Rule 21: with DeploymentReplicaSetTerminatingReplicas off the
// Deployment's status.terminatingReplicas is nil whatever its ReplicaSets
// report, and a count written earlier is cleared; on (the default) it sums
// them (rule 13).
func TestGateTerminatingReplicas(t *testing.T) {
	off := features.Gates{features.DeploymentReplicaSetTerminatingReplicas: false}
	tests := []struct {
		name   string
		gates  features.Gates
		paused bool   // the status-only path (scaleAndStatus) instead of a rolling pass
		stale  *int32 // the Deployment's count before
		want   *int32
	}{
		{"default gates sum the ReplicaSets", nil, false, nil, ptr(int32(2))},
		{"default gates, paused", nil, true, nil, ptr(int32(2))},
		{"gate on explicitly", features.Gates{features.DeploymentReplicaSetTerminatingReplicas: true}, false, ptr(int32(7)), ptr(int32(2))},
		{"gate off: absent", off, false, nil, nil},
		{"gate off: absent, paused", off, true, nil, nil},
		{"gate off clears a count written earlier", off, false, ptr(int32(7)), nil},
		{"gate off clears a count written earlier, paused", off, true, ptr(int32(7)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := rollout.Default(httpGo())
			d.Generation = 1
			d.Spec.Paused = tt.paused
			rs, err := rollout.NewReplicaSet(d, nil)
			if err != nil {
				t.Fatal(err)
			}
			rs.UID, rs.Generation = "rs-uid", 1
			rs.Status = appsv1.ReplicaSetStatus{Replicas: 3, FullyLabeledReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3,
				ObservedGeneration: 1, TerminatingReplicas: ptr(int32(2))}
			d.Status.TerminatingReplicas = tt.stale
			rss := []*appsv1.ReplicaSet{rs}
			for range 5 {
				plan, err := rollout.SyncWith(d, rss, nil, t0, rollout.Options{Gates: tt.gates})
				if err != nil {
					t.Fatal(err)
				}
				if !plan.WriteStatus && !plan.Conflict {
					break
				}
				d = plan.Deployment
			}
			if got := d.Status.TerminatingReplicas; !cmp.Equal(got, tt.want) {
				t.Errorf("terminatingReplicas %v, want %v", got, tt.want)
			}
			if d.Status.Replicas != 3 || d.Status.AvailableReplicas != 3 {
				t.Errorf("status %+v: the other counts must not depend on the gate", d.Status)
			}
		})
	}
}
