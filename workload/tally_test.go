package workload_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/workload"
)

// A Tally kept through every pod write decides, through SyncCounted,
// what SyncReplicaSet decides from the whole list whenever it decides at
// all: the same creates and template, no adoption, release or deletion,
// the same status (with and without a failed create) and requeue — while
// pods come, go, change owner, labels, readiness, phase and namespace,
// are deleted, and the ReplicaSet is scaled, relabelled, re-selected and
// given a minReadySeconds. A Tally whose ReplicaSet changed its template
// labels or selector is not valid and is made again.
func TestPropertyTallyDecidesAsTheSync(t *testing.T) {
	counted := 0
	rapid.Check(t, func(t *rapid.T) {
		rs := &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "default", UID: "rs-1", Generation: 1},
			Spec: appsv1.ReplicaSetSpec{
				Replicas: ptr(int32(3)),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web", "v": "1"}}},
			},
		}
		owners := []metav1.OwnerReference{
			*metav1.NewControllerRef(rs, workload.ReplicaSetKind),
			{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "other", UID: "rs-2", Controller: ptr(true)},
			{APIVersion: "v1", Kind: "ReplicationController", Name: rs.Name, UID: rs.UID, Controller: ptr(true)},
		}
		var gates features.Gates
		if rapid.Bool().Draw(t, "terminatingGate") {
			gates = features.Gates{features.DeploymentReplicaSetTerminatingReplicas: true}
		}
		var pods []*corev1.Pod
		tally, err := workload.NewTally(rs, nil)
		if err != nil {
			t.Fatal(err)
		}
		write := func(i int, p *corev1.Pod) {
			tally.Change(pods[i], p)
			pods[i] = p
		}
		next := 0
		now := at(3600)
		for range rapid.IntRange(1, 15).Draw(t, "syncs") {
			for range rapid.IntRange(0, 4).Draw(t, "adds") {
				p := genPod(t, next)
				next++
				p.Labels = map[string]string{"app": rapid.SampledFrom([]string{"web", "web", "db"}).Draw(t, "app"), "v": rapid.SampledFrom([]string{"1", "2"}).Draw(t, "v")}
				if i := rapid.IntRange(-2, len(owners)-1).Draw(t, "owner"); i >= 0 {
					p.OwnerReferences = []metav1.OwnerReference{owners[i]}
				}
				drawFate(t, p)
				pods = append(pods, nil)
				write(len(pods)-1, p)
			}
			for i := range pods {
				if pods[i] == nil {
					continue
				}
				p := pods[i].DeepCopy()
				switch rapid.IntRange(0, 12).Draw(t, "change") {
				case 0:
					p = nil // deleted
				case 1:
					p.Labels = map[string]string{"app": "web", "v": rapid.SampledFrom([]string{"1", "2", "3"}).Draw(t, "relabel")}
				case 2:
					p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse}).Draw(t, "ready"), LastTransitionTime: metav1.NewTime(now)}}
				case 3:
					p.OwnerReferences = nil
				case 4:
					p.DeletionTimestamp = ptr(metav1.NewTime(now))
				case 5:
					p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodSucceeded, corev1.PodFailed, corev1.PodRunning}).Draw(t, "phase")
				default:
					continue
				}
				write(i, p)
			}
			rs = rs.DeepCopy()
			switch rapid.IntRange(0, 6).Draw(t, "rsChange") {
			case 0, 1:
				rs.Spec.Replicas = ptr(int32(rapid.IntRange(0, 8).Draw(t, "replicas")))
			case 2:
				rs.Spec.Selector = rapid.SampledFrom([]*metav1.LabelSelector{{},
					{MatchLabels: map[string]string{"app": "web"}}, {MatchLabels: map[string]string{"v": "1"}}}).Draw(t, "sel")
			case 3:
				rs.Spec.Template.Labels = map[string]string{"app": "web", "v": rapid.SampledFrom([]string{"1", "2"}).Draw(t, "tmpl")}
			case 4:
				rs.Spec.MinReadySeconds = int32(rapid.IntRange(0, 1).Draw(t, "minReady") * 10)
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 20).Draw(t, "advance")) * time.Second)
			if !tally.Valid(rs) {
				if tally, err = workload.NewTally(rs, pods); err != nil {
					t.Fatal(err)
				}
			}
			orphans := 0
			for _, p := range pods {
				if p != nil && p.Namespace == rs.Namespace && workload.IsActive(p) && metav1.GetControllerOfNoCopy(p) == nil {
					orphans++
				}
			}
			opts := workload.Options{Gates: gates}
			got, ok := workload.SyncCounted(rs, tally, orphans, now, opts)
			if !ok {
				continue
			}
			counted++
			want, err := workload.SyncReplicaSet(rs, pods, now, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Adopt)+len(want.Release)+len(want.Delete) > 0 {
				t.Fatalf("SyncCounted decided, but the sync adopts %v, releases %v, deletes %v", want.Adopt, want.Release, want.Delete)
			}
			if got.Create != want.Create || !cmp.Equal(got.Template, want.Template) || !cmp.Equal(got.OwnerRef, want.OwnerRef) {
				t.Fatalf("creates %d %v, the sync %d %v", got.Create, got.Template, want.Create, want.Template)
			}
			for _, manageErr := range []error{nil, errors.New("quota exceeded")} {
				gs, gw := got.Status(manageErr)
				ws, ww := want.Status(manageErr)
				if diff := cmp.Diff(ws, gs); diff != "" || gw != ww {
					t.Fatalf("status (error %v), write %t / %t (-sync +counted):\n%s", manageErr, ww, gw, diff)
				}
				if got.RequeueAfter(gs) != want.RequeueAfter(ws) {
					t.Fatalf("requeue %s, the sync %s", got.RequeueAfter(gs), want.RequeueAfter(ws))
				}
			}
		}
	})
	if counted == 0 {
		t.Fatal("SyncCounted never decided")
	}
	t.Logf("%d syncs decided by SyncCounted", counted)
}
