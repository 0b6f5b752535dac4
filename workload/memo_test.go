package workload_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/workload"
)

// A sync with a Memo decides what the same sync without one decides, sync
// after sync, while pods come, go, change (as new objects: the Memo's
// rule 2), are recreated under the same name (here or in another
// namespace) and are left out of a sync and handed to a later one, the ReplicaSet is scaled, relabelled and re-selected, its
// siblings change, time passes, and the pods come in any order (shuffled,
// or reversed sync after sync), with nil
// entries and pods of other namespaces — for a ReplicaSet of a Deployment
// (ranking against its sibling's pods, RS-6.6) and for a
// ReplicationController.
func TestPropertyMemoChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rc := rapid.Bool().Draw(t, "rc")
		deploy := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "deploy-uid", Controller: ptr(true)}
		rs := &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "default", UID: "rs-1"},
			Spec: appsv1.ReplicaSetSpec{
				Replicas: ptr(int32(3)),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web", "v": "1"}}},
			},
		}
		if rapid.Bool().Draw(t, "ownedByDeployment") {
			rs.OwnerReferences = []metav1.OwnerReference{deploy}
		}
		sibling := &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "web-2", Namespace: "default", UID: "rs-2", OwnerReferences: []metav1.OwnerReference{deploy}},
			Spec:       appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", "v": "2"}}},
		}
		owners := []metav1.OwnerReference{
			*metav1.NewControllerRef(rs, workload.ReplicaSetKind),
			*metav1.NewControllerRef(sibling, workload.ReplicaSetKind),
			{APIVersion: "v1", Kind: "ReplicationController", Name: rs.Name, UID: rs.UID, Controller: ptr(true)},
		}
		var memo workload.Memo
		var pods []*corev1.Pod
		next := 0
		newPod := func() *corev1.Pod {
			p := genPod(t, next)
			next++
			p.Labels = map[string]string{"app": rapid.SampledFrom([]string{"web", "web", "db"}).Draw(t, "app"), "v": rapid.SampledFrom([]string{"1", "2"}).Draw(t, "v")}
			if i := rapid.IntRange(-1, len(owners)-1).Draw(t, "owner"); i >= 0 {
				p.OwnerReferences = []metav1.OwnerReference{owners[i]}
			}
			drawFate(t, p)
			return p
		}
		now := at(3600)
		for step := range rapid.IntRange(1, 12).Draw(t, "syncs") {
			// Changes, each a new object.
			for range rapid.IntRange(0, 6).Draw(t, "adds") {
				pods = append(pods, newPod())
			}
			for i := range pods {
				if pods[i] == nil {
					continue
				}
				switch rapid.IntRange(0, 12).Draw(t, "change") {
				case 0:
					pods[i] = nil // gone
				case 1:
					p := pods[i].DeepCopy()
					p.Labels = map[string]string{"app": "web", "v": rapid.SampledFrom([]string{"1", "2", "3"}).Draw(t, "relabel")}
					pods[i] = p
				case 2:
					p := pods[i].DeepCopy()
					p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(now)}}
					pods[i] = p
				case 3:
					p := pods[i].DeepCopy()
					p.OwnerReferences = nil
					pods[i] = p
				case 4:
					p := pods[i].DeepCopy()
					p.Spec.NodeName = rapid.SampledFrom([]string{"n1", "n2", "n3"}).Draw(t, "node")
					pods[i] = p
				case 5:
					// the same name again: in another namespace, or
					// recreated (a new UID)
					p := pods[i].DeepCopy()
					p.UID += "-again"
					if rapid.Bool().Draw(t, "elsewhere") {
						p.Namespace = "office"
					}
					pods[i] = p
				}
			}
			rs = rs.DeepCopy()
			switch rapid.IntRange(0, 6).Draw(t, "rsChange") {
			case 0:
				rs.Spec.Replicas = ptr(int32(rapid.IntRange(0, 6).Draw(t, "replicas")))
			case 1:
				// nil selects nothing, an empty one everything
				rs.Spec.Selector = rapid.SampledFrom([]*metav1.LabelSelector{nil, {},
					{MatchLabels: map[string]string{"v": "1"}}, {MatchLabels: map[string]string{"v": "2"}}}).Draw(t, "sel")
			case 2:
				rs.Spec.Template.Labels = map[string]string{"app": "web", "v": rapid.SampledFrom([]string{"1", "2"}).Draw(t, "tmpl")}
			case 3:
				rs.Spec.MinReadySeconds = int32(rapid.IntRange(0, 30).Draw(t, "minReady"))
			}
			if rapid.IntRange(0, 2).Draw(t, "siblingChange") == 0 {
				sibling = sibling.DeepCopy()
				sibling.Spec.Selector = rapid.SampledFrom([]*metav1.LabelSelector{nil, {},
					{MatchLabels: map[string]string{"v": "1"}}, {MatchLabels: map[string]string{"v": "2"}}, {MatchLabels: map[string]string{"v": "3"}}}).Draw(t, "siblingSel")
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 20).Draw(t, "advance")) * time.Second)
			// A caller may hand a sync fewer pods than the last one (kubesem's
			// cluster gives the namespace's other pods only to a sync that
			// may delete), and those it left out may come back.
			var in []*corev1.Pod
			for _, p := range pods {
				if rapid.IntRange(0, 4).Draw(t, "leftOut") > 0 {
					in = append(in, p)
				}
			}
			switch rapid.IntRange(0, 2).Draw(t, "order") {
			case 1:
				in = rapid.Permutation(in).Draw(t, "permutation")
			case 2:
				// out of order, the same way sync after sync (a list that
				// follows the last one need not be sorted)
				slices.Reverse(in)
			}
			var siblings []*appsv1.ReplicaSet
			if rapid.Bool().Draw(t, "withSiblings") {
				siblings = []*appsv1.ReplicaSet{rs, sibling}
			}
			sync := func(opts workload.Options) (*workload.Plan, error) {
				opts.Siblings = siblings
				if rc {
					ctrl := &corev1.ReplicationController{ObjectMeta: rs.ObjectMeta, Spec: corev1.ReplicationControllerSpec{
						Replicas: rs.Spec.Replicas, MinReadySeconds: rs.Spec.MinReadySeconds, Template: &rs.Spec.Template,
					}}
					if rs.Spec.Selector != nil {
						ctrl.Spec.Selector = rs.Spec.Selector.MatchLabels
					}
					return workload.SyncReplicationController(ctrl, in, now, opts)
				}
				return workload.SyncReplicaSet(rs, in, now, opts)
			}
			want, err := sync(workload.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := sync(workload.Options{Memo: &memo})
			if err != nil {
				t.Fatal(err)
			}
			label := fmt.Sprintf("sync %d", step)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(workload.Plan{})); diff != "" {
				t.Fatalf("%s: the Memo changed the plan (-without +with):\n%s", label, diff)
			}
			ws, ww := want.Status(nil)
			gs, gw := got.Status(nil)
			if diff := cmp.Diff(ws, gs); diff != "" || ww != gw {
				t.Fatalf("%s: the Memo changed the status (write %v, %v):\n%s", label, ww, gw, diff)
			}
			if a, b := want.RequeueAfter(ws), got.RequeueAfter(gs); a != b {
				t.Fatalf("%s: requeue after %v without the Memo, %v with it", label, a, b)
			}
		}
	})
}
