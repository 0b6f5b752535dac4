package workload_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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
				p, changed := drawChange(t, pods[i], now, func(t *rapid.T) map[string]string {
					return map[string]string{"app": "web", "v": rapid.SampledFrom([]string{"1", "2", "3"}).Draw(t, "relabel")}
				})
				if !changed {
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
			sameCreatesAndStatus(t, want, got)
		}
	})
	if counted == 0 {
		t.Fatal("SyncCounted never decided")
	}
	t.Logf("%d syncs decided by SyncCounted", counted)
}

// SyncOwned, reading only the pods a ReplicaSet controls and the tallies
// of its Deployment's ReplicaSets, decides what SyncReplicaSet decides
// from the namespace's whole list whenever it decides: the same
// adoptions (none), releases, creates and deletions — in the same order,
// ranked by the per-node counts of the pods the related ReplicaSets
// select — and the same status and requeue. Pods come and go, move
// between the ReplicaSets, lose or change their pod-template-hash, are
// controlled by a foreign owner while carrying a related hash, become
// orphans, ready or not, terminating, terminal; the ReplicaSets are
// scaled, re-selected (with and without a hash, with the same hash as a
// sibling) and lose their controller.
func TestPropertySyncOwnedDecidesAsTheSync(t *testing.T) {
	var decided, deleted, ranked int
	rapid.Check(t, func(t *rapid.T) {
		controller := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "deploy-1", Controller: ptr(true)}
		hashes := []string{"h1", "h2", "h3"}
		sets := make([]*appsv1.ReplicaSet, 3)
		for i := range sets {
			sets[i] = &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{Name: "web-" + hashes[i], Namespace: "default", UID: types.UID("rs-" + hashes[i]), Generation: 1,
					OwnerReferences: []metav1.OwnerReference{controller}},
				Spec: appsv1.ReplicaSetSpec{
					Replicas: ptr(int32(rapid.IntRange(0, 6).Draw(t, "replicas"))),
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", appsv1.DefaultDeploymentUniqueLabelKey: hashes[i]}},
					Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web", appsv1.DefaultDeploymentUniqueLabelKey: hashes[i]}}},
				},
			}
		}
		owners := []metav1.OwnerReference{
			*metav1.NewControllerRef(sets[0], workload.ReplicaSetKind),
			*metav1.NewControllerRef(sets[1], workload.ReplicaSetKind),
			*metav1.NewControllerRef(sets[2], workload.ReplicaSetKind),
			{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "other", UID: "rs-other", Controller: ptr(true)},
		}
		var gates features.Gates
		if rapid.Bool().Draw(t, "costGate") {
			gates = features.Gates{features.PodDeletionCost: true}
		}
		tallies := map[types.UID]*workload.Tally{}
		memos := map[types.UID]*workload.Memo{}
		for _, rs := range sets {
			tl, err := workload.NewTally(rs, nil)
			if err != nil {
				t.Fatal(err)
			}
			tallies[rs.UID] = tl
			memos[rs.UID] = &workload.Memo{}
		}
		// A tidy namespace (each pod controlled by the ReplicaSet whose hash
		// it carries, or by a foreign owner, no orphans) is where the
		// counts are exact and deletions rank by them, unless a foreign
		// pod carries a related hash; an untidy one checks they are
		// refused.
		tidy := rapid.Bool().Draw(t, "tidy")
		var pods []*corev1.Pod
		write := func(i int, p *corev1.Pod) {
			for _, tl := range tallies {
				tl.Change(pods[i], p)
			}
			pods[i] = p
		}
		labelsFor := func(t *rapid.T) map[string]string {
			l := map[string]string{"app": rapid.SampledFrom([]string{"web", "web", "db"}).Draw(t, "app")}
			if h := rapid.IntRange(-1, len(hashes)-1).Draw(t, "hash"); h >= 0 {
				l[appsv1.DefaultDeploymentUniqueLabelKey] = hashes[h]
			}
			return l
		}
		next := 0
		now := at(3600)
		for range rapid.IntRange(1, 12).Draw(t, "syncs") {
			for range rapid.IntRange(0, 6).Draw(t, "adds") {
				p := genPod(t, next)
				next++
				p.Spec.NodeName = rapid.SampledFrom([]string{"", "n1", "n2", "n3"}).Draw(t, "node")
				p.Labels = labelsFor(t)
				// mostly the owner whose hash the pod carries
				if i := rapid.IntRange(-1, len(owners)+2).Draw(t, "owner"); i >= len(owners) || tidy && i != 3 {
					p.Labels["app"] = "web"
					if _, ok := p.Labels[appsv1.DefaultDeploymentUniqueLabelKey]; !ok {
						p.Labels[appsv1.DefaultDeploymentUniqueLabelKey] = hashes[0]
					}
					for j, h := range hashes {
						if p.Labels[appsv1.DefaultDeploymentUniqueLabelKey] == h {
							p.OwnerReferences = []metav1.OwnerReference{owners[j]}
						}
					}
				} else if i >= 0 {
					p.OwnerReferences = []metav1.OwnerReference{owners[i]}
				}
				if tidy && rapid.Bool().Draw(t, "alike") {
					// alike but for the node: the ranking's node counts decide
					p.Status.Phase, p.CreationTimestamp, p.Annotations = corev1.PodRunning, metav1.NewTime(at(0)), nil
					p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(at(60))}}
					p.Status.ContainerStatuses = nil
				} else {
					drawFate(t, p)
				}
				pods = append(pods, nil)
				write(len(pods)-1, p)
			}
			for i := range pods {
				if pods[i] == nil {
					continue
				}
				relabel := labelsFor
				if tidy {
					relabel = nil
				}
				p, changed := drawChange(t, pods[i], now, relabel)
				if !changed {
					continue
				}
				write(i, p)
			}
			for i := range sets {
				rs := sets[i].DeepCopy()
				change := rapid.IntRange(0, 9).Draw(t, "rsChange")
				if tidy && change == 4 {
					change = 0
				}
				switch change {
				case 0, 1, 2:
					rs.Spec.Replicas = ptr(int32(rapid.IntRange(0, 6).Draw(t, "scale")))
				case 3:
					rs.Spec.Selector = rapid.SampledFrom([]*metav1.LabelSelector{
						{MatchLabels: map[string]string{"app": "web"}},
						{MatchLabels: map[string]string{"app": "web", appsv1.DefaultDeploymentUniqueLabelKey: hashes[(i+1)%len(hashes)]}},
						{MatchLabels: map[string]string{"app": "web", appsv1.DefaultDeploymentUniqueLabelKey: hashes[i]}}}).Draw(t, "sel")
				case 4:
					rs.OwnerReferences = nil
				case 5:
					rs.Spec.MinReadySeconds = int32(rapid.IntRange(0, 1).Draw(t, "minReady") * 10)
				}
				sets[i] = rs
				if !tallies[rs.UID].Valid(rs) {
					tl, err := workload.NewTally(rs, pods)
					if err != nil {
						t.Fatal(err)
					}
					tallies[rs.UID] = tl
				}
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 20).Draw(t, "advance")) * time.Second)
			orphans := 0
			labeled := map[string]int{}
			for _, p := range pods {
				if p == nil || p.Namespace != "default" {
					continue
				}
				if workload.IsActive(p) && metav1.GetControllerOfNoCopy(p) == nil {
					orphans++
				}
				if h, ok := p.Labels[appsv1.DefaultDeploymentUniqueLabelKey]; ok {
					labeled[h]++
				}
			}
			i := rapid.IntRange(0, len(sets)-1).Draw(t, "synced")
			rs := sets[i]
			var siblings []*appsv1.ReplicaSet
			for j, s := range sets {
				if j != i {
					siblings = append(siblings, s)
				}
			}
			var own []*corev1.Pod
			for _, p := range pods {
				if p != nil && p.Namespace == rs.Namespace && controllerUID(p) == rs.UID {
					own = append(own, p)
				}
			}
			slices.SortFunc(own, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
			opts := workload.Options{Gates: gates, Siblings: siblings}
			ownedOpts := opts
			if rapid.Bool().Draw(t, "memo") {
				ownedOpts.Memo = memos[rs.UID]
			}
			got, ok := workload.SyncOwned(rs, tallies[rs.UID], orphans, workload.Owned{Pods: own, Tallies: tallies,
				Labeled: func(h string) int { return labeled[h] }}, now, ownedOpts)
			if !ok {
				continue
			}
			decided++
			want, err := workload.SyncReplicaSet(rs, pods, now, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Delete) > 0 {
				deleted++
				if len(want.Delete) < int(len(want.Owned())) && metav1.GetControllerOfNoCopy(rs) != nil {
					ranked++
				}
			}
			if diff := cmp.Diff(want.Adopt, got.Adopt); diff != "" {
				t.Fatalf("adoptions (-sync +owned):\n%s", diff)
			}
			if diff := cmp.Diff(want.Release, got.Release); diff != "" {
				t.Fatalf("releases (-sync +owned):\n%s", diff)
			}
			if diff := cmp.Diff(want.Delete, got.Delete); diff != "" {
				t.Fatalf("deletions (-sync +owned):\n%s", diff)
			}
			if owned := got.Owned(); owned != nil {
				if diff := cmp.Diff(want.Owned(), owned); diff != "" {
					t.Fatalf("owned (-sync +owned):\n%s", diff)
				}
			}
			sameCreatesAndStatus(t, want, got)
		}
	})
	if ranked == 0 {
		t.Fatalf("SyncOwned decided %d syncs, %d deleting, none ranking by related counts", decided, deleted)
	}
	t.Logf("%d syncs decided by SyncOwned, %d deleting, %d of them ranking", decided, deleted, ranked)
}

func controllerUID(p *corev1.Pod) types.UID {
	if ref := metav1.GetControllerOfNoCopy(p); ref != nil {
		return ref.UID
	}
	return ""
}

// sameCreatesAndStatus fails t unless got, a plan decided from tallies,
// creates as want, the sync's plan, does and gives the same status (with
// and without a failed create) and requeue.
func sameCreatesAndStatus(t *rapid.T, want, got *workload.Plan) {
	if got.Create != want.Create || !cmp.Equal(got.Template, want.Template) || !cmp.Equal(got.OwnerRef, want.OwnerRef) {
		t.Fatalf("creates %d %v, the sync %d %v", got.Create, got.Template, want.Create, want.Template)
	}
	for _, manageErr := range []error{nil, errors.New("quota exceeded")} {
		gs, gw := got.Status(manageErr)
		ws, ww := want.Status(manageErr)
		if diff := cmp.Diff(ws, gs); diff != "" || gw != ww {
			t.Fatalf("status (error %v), write %t / %t (-sync +tallies):\n%s", manageErr, ww, gw, diff)
		}
		if got.RequeueAfter(gs) != want.RequeueAfter(ws) {
			t.Fatalf("requeue %s, the sync %s", got.RequeueAfter(gs), want.RequeueAfter(ws))
		}
	}
}

// A scale to 0 of more than a burst of pods chooses the burst by the
// ranking (RS-6.2, RS-6.6), as any partial deletion does: SyncOwned takes
// the related pods' per-node counts from the tallies there too. Here the
// sibling's pods crowd worker1, so the 500 deleted first are the old
// ReplicaSet's pods there, and SyncOwned chooses as SyncReplicaSet does
// from the whole list.
func TestSyncOwnedScaleToZeroRanks(t *testing.T) {
	old, cur := deploymentRS("old", 0), deploymentRS("new", 100)
	var oldPods, newPods []*corev1.Pod
	for i := range 1000 {
		oldPods = append(oldPods, podOn(fmt.Sprintf("old-%04d", i), fmt.Sprintf("worker%d", 1+i%2), old))
	}
	for i := range 100 {
		newPods = append(newPods, podOn(fmt.Sprintf("new-%04d", i), "worker1", cur))
	}
	oldTally, err := workload.NewTally(old, oldPods)
	if err != nil {
		t.Fatal(err)
	}
	newTally, err := workload.NewTally(cur, newPods)
	if err != nil {
		t.Fatal(err)
	}
	labeled := map[string]int{"old": len(oldPods), "new": len(newPods)}
	opts := workload.Options{Siblings: []*appsv1.ReplicaSet{cur}}
	got, ok := workload.SyncOwned(old, oldTally, 0, workload.Owned{Pods: oldPods, Tallies: map[types.UID]*workload.Tally{cur.UID: newTally},
		Labeled: func(hash string) int { return labeled[hash] }}, t0, opts)
	if !ok {
		t.Fatal("SyncOwned declined")
	}
	want, err := workload.SyncReplicaSet(old, append(slices.Clone(oldPods), newPods...), t0, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Delete, got.Delete); diff != "" {
		t.Fatalf("deletions (-sync +owned):\n%s", diff)
	}
	if len(got.Delete) != workload.BurstReplicas {
		t.Fatalf("deletes %d, want a burst of %d", len(got.Delete), workload.BurstReplicas)
	}
	for _, ref := range got.Delete {
		if n, _ := strconv.Atoi(strings.TrimPrefix(ref.Name, "old-")); n%2 != 0 {
			t.Fatalf("deletes %s, on worker2, before the pods on worker1, crowded with the new pods", ref.Name)
		}
	}
}

// drawChange draws a change of p at now, made as a new object (nil for a
// deletion): new labels from relabel, readiness, no controller any more,
// a deletion timestamp, a phase, a node; with relabel nil (a tidy
// namespace) neither new labels nor a lost controller. changed is false
// when nothing changes.
func drawChange(t *rapid.T, p *corev1.Pod, now time.Time, relabel func(*rapid.T) map[string]string) (np *corev1.Pod, changed bool) {
	change := rapid.IntRange(0, 14).Draw(t, "change")
	if relabel == nil && (change == 1 || change == 3) {
		return p, false
	}
	np = p.DeepCopy()
	switch change {
	case 0:
		return nil, true // deleted
	case 1:
		np.Labels = relabel(t)
	case 2:
		np.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse}).Draw(t, "ready"), LastTransitionTime: metav1.NewTime(now)}}
	case 3:
		np.OwnerReferences = nil
	case 4:
		np.DeletionTimestamp = ptr(metav1.NewTime(now))
	case 5:
		np.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodSucceeded, corev1.PodFailed, corev1.PodRunning}).Draw(t, "phase")
	case 6:
		np.Spec.NodeName = rapid.SampledFrom([]string{"n1", "n2", "n3"}).Draw(t, "bind")
	default:
		return p, false
	}
	return np, true
}
