package workload_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/workload"
)

// FuzzSync: any ReplicaSet and pod list (JSON, so nil fields, duplicate
// names, other namespaces, negative or huge replicas, malformed
// deletion-cost annotations all occur) gives a plan or an error, never a
// panic; a plan never deletes more than the excess; a Memo, used twice
// (the pods as they are, then in reverse order), changes no plan.
func FuzzSync(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"rs","namespace":"default","uid":"u"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}`),
		[]byte(`[{"metadata":{"name":"a","namespace":"default","labels":{"app":"x"},"annotations":{"controller.kubernetes.io/pod-deletion-cost":"+1"}}},{"metadata":{"name":"a","namespace":"default","labels":{"app":"x"}}}]`))
	f.Add([]byte(`{"spec":{"replicas":-5}}`), []byte(`[null,{}]`))
	f.Add([]byte(`{"metadata":{"namespace":"default"},"spec":{"replicas":2147483647,"selector":{}}}`), []byte(`[{"metadata":{"namespace":"default"}}]`))
	f.Fuzz(func(t *testing.T, rsJSON, podsJSON []byte) {
		var rs *appsv1.ReplicaSet
		var pods []*corev1.Pod
		if json.Unmarshal(rsJSON, &rs) != nil || json.Unmarshal(podsJSON, &pods) != nil {
			return
		}
		plan, err := workload.SyncReplicaSet(rs, pods, t0, workload.Options{Siblings: []*appsv1.ReplicaSet{rs, nil}})
		if err != nil {
			return
		}
		st, _ := plan.Status(nil)
		plan.RequeueAfter(st)
		replicas := int32(1)
		if rs.Spec.Replicas != nil {
			replicas = *rs.Spec.Replicas
		}
		if excess := len(plan.Owned()) - int(replicas); len(plan.Delete) > max(excess, 0) {
			t.Fatalf("deletes %d with excess %d", len(plan.Delete), excess)
		}
		var memo workload.Memo
		reversed := slices.Clone(pods)
		slices.Reverse(reversed)
		for _, in := range [][]*corev1.Pod{pods, reversed} {
			want, _ := workload.SyncReplicaSet(rs, in, t0, workload.Options{Siblings: []*appsv1.ReplicaSet{rs, nil}})
			got, err := workload.SyncReplicaSet(rs, in, t0, workload.Options{Siblings: []*appsv1.ReplicaSet{rs, nil}, Memo: &memo})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(workload.Plan{})); diff != "" {
				t.Fatalf("the Memo changed the plan:\n%s", diff)
			}
		}
		_ = workload.ValidateReplicaSet(rs)
		_ = workload.DefaultReplicaSet(rs)
	})
}
