package workload_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/workload"
)

// genPod draws a pod that varies in everything the ranking looks at.
func genPod(t *rapid.T, i int) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%02d", i), Namespace: "default", UID: types.UID(rapid.SampledFrom([]string{"a", "b", "c", "d"}).Draw(t, "uid") + strconv.Itoa(i))}}
	p.Spec.NodeName = rapid.SampledFrom([]string{"", "n1", "n2"}).Draw(t, "node")
	p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{"", corev1.PodPending, corev1.PodUnknown, corev1.PodRunning}).Draw(t, "phase")
	times := []time.Time{{}, at(0), at(1), at(60), at(3000), at(3590)}
	p.CreationTimestamp = metav1.NewTime(rapid.SampledFrom(times).Draw(t, "created"))
	if rapid.Bool().Draw(t, "hasReady") {
		st := rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse}).Draw(t, "readyStatus")
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, LastTransitionTime: metav1.NewTime(rapid.SampledFrom(times).Draw(t, "readyAt"))}}
	}
	if rapid.Bool().Draw(t, "hasCost") {
		p.Annotations = map[string]string{workload.DeletionCostAnnotation: rapid.SampledFrom([]string{"0", "-1", "5", "+5", "007", "x", "2147483648"}).Draw(t, "cost")}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: int32(rapid.IntRange(0, 2).Draw(t, "restarts"))}}
	return p
}

// refLess is rule RS-6.3, read rule by rule, on the pods
// themselves: nothing precomputed.
func refLess(a, b *corev1.Pod, rankA, rankB int, now time.Time) bool {
	if (a.Spec.NodeName == "") != (b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	ord := func(p *corev1.Pod) int {
		return map[corev1.PodPhase]int{corev1.PodUnknown: 1, corev1.PodRunning: 2}[p.Status.Phase]
	}
	if ord(a) != ord(b) {
		return ord(a) < ord(b)
	}
	ready := func(p *corev1.Pod) bool {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady {
				return c.Status == corev1.ConditionTrue
			}
		}
		return false
	}
	if ready(a) != ready(b) {
		return !ready(a)
	}
	cost := func(p *corev1.Pod) int64 {
		v, ok := p.Annotations[workload.DeletionCostAnnotation]
		if !ok || v == "" || !(v[0] == '-' || v == "0" || (v[0] >= '1' && v[0] <= '9')) {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return 0
		}
		return n
	}
	if cost(a) != cost(b) {
		return cost(a) < cost(b)
	}
	if rankA != rankB {
		return rankA > rankB
	}
	band := func(ts time.Time) int64 {
		if d := now.Sub(ts); d > 0 {
			return int64(math.Log2(float64(d)))
		}
		return -1
	}
	byTime := func(ta, tb time.Time) bool {
		if now.IsZero() || ta.IsZero() || tb.IsZero() {
			return ta.IsZero() || (!tb.IsZero() && ta.After(tb))
		}
		if band(ta) == band(tb) {
			return a.UID < b.UID
		}
		return band(ta) < band(tb)
	}
	readyAt := func(p *corev1.Pod) time.Time { return p.Status.Conditions[0].LastTransitionTime.Time }
	if ready(a) && ready(b) && !readyAt(a).Equal(readyAt(b)) {
		return byTime(readyAt(a), readyAt(b))
	}
	restarts := func(p *corev1.Pod) int32 { return p.Status.ContainerStatuses[0].RestartCount }
	if restarts(a) != restarts(b) {
		return restarts(a) > restarts(b)
	}
	if !a.CreationTimestamp.Time.Equal(b.CreationTimestamp.Time) {
		return byTime(a.CreationTimestamp.Time, b.CreationTimestamp.Time)
	}
	return false
}

// DeletesBefore agrees with the rule-by-rule reference, is irreflexive and
// asymmetric, and is transitive whenever no two of the three pods are
// decided by the same-band UID rule (RS-6.5: that rule can make cycles).
func TestPropertyRankingAgreesWithReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := rapid.SampledFrom([]time.Time{{}, at(3600)}).Draw(t, "now")
		ps := []*corev1.Pod{genPod(t, 0), genPod(t, 1), genPod(t, 2)}
		ranks := []int{rapid.IntRange(0, 2).Draw(t, "r0"), rapid.IntRange(0, 2).Draw(t, "r1"), rapid.IntRange(0, 2).Draw(t, "r2")}
		var r []workload.Ranked
		for i, p := range ps {
			r = append(r, workload.NewRanked(p, ranks[i], now))
		}
		less := func(i, j int) bool { return workload.DeletesBefore(&r[i], &r[j], now) }
		for i := range 3 {
			if less(i, i) {
				t.Fatalf("not irreflexive: %d", i)
			}
			for j := range 3 {
				if got, want := less(i, j), refLess(ps[i], ps[j], ranks[i], ranks[j], now); got != want {
					t.Fatalf("DeletesBefore(%d,%d) = %v, reference %v", i, j, got, want)
				}
				if less(i, j) && less(j, i) {
					t.Fatalf("not asymmetric: %d %d", i, j)
				}
			}
		}
		uidDecided := func(i, j int) bool {
			swapped := ps[i].UID
			ps[i].UID = ps[j].UID
			a := refLess(ps[i], ps[j], ranks[i], ranks[j], now) || refLess(ps[j], ps[i], ranks[j], ranks[i], now)
			ps[i].UID = swapped
			return !a
		}
		if !uidDecided(0, 1) && !uidDecided(1, 2) && !uidDecided(0, 2) {
			if less(0, 1) && less(1, 2) && !less(0, 2) {
				t.Fatal("not transitive")
			}
		}
	})
}

// genWorld draws an RC-shaped ReplicaSet and a namespace of pods: its own,
// orphans, another controller's, finished, terminating, and another
// namespace's.
func genWorld(t *rapid.T) (*corev1.ReplicationController, []*corev1.Pod) {
	rc := nginxRC()
	rc.Spec.Replicas = ptr(int32(rapid.IntRange(0, 6).Draw(t, "replicas")))
	other := &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "other", UID: "other-uid"}}
	var pods []*corev1.Pod
	for i := range rapid.IntRange(0, 10).Draw(t, "pods") {
		p := genPod(t, i)
		p.Labels = map[string]string{"app": rapid.SampledFrom([]string{"nginx", "nginx", "web"}).Draw(t, "app")}
		switch rapid.IntRange(0, 3).Draw(t, "owner") {
		case 0, 1:
			p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(rc, workload.ReplicationControllerKind)}
		case 2:
			p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(other, workload.ReplicationControllerKind)}
		}
		drawFate(t, p)
		pods = append(pods, p)
	}
	return rc, pods
}

// drawFate makes one pod in ten finished, one being deleted and one of
// another namespace.
func drawFate(t *rapid.T, p *corev1.Pod) {
	switch rapid.IntRange(0, 9).Draw(t, "fate") {
	case 0:
		p.Status.Phase = corev1.PodFailed
	case 1:
		p.DeletionTimestamp = ptr(metav1.NewTime(at(1)))
	case 2:
		p.Namespace = "office"
	}
}

// A plan deletes at most the excess, only its own pods, adopts only
// orphans, releases only its own; it is the same twice and leaves its
// inputs alone.
func TestPropertyPlanBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rc, pods := genWorld(t)
		rcBefore := rc.DeepCopy()
		podsBefore := make([]*corev1.Pod, len(pods))
		for i, p := range pods {
			podsBefore[i] = p.DeepCopy()
		}
		plan, err := workload.SyncReplicationController(rc, pods, at(3600), workload.Options{})
		if err != nil {
			t.Fatal(err)
		}
		again, _ := workload.SyncReplicationController(rc, pods, at(3600), workload.Options{})
		if diff := cmp.Diff(plan, again, cmp.AllowUnexported(workload.Plan{}), cmpopts.IgnoreUnexported(workload.Plan{})); diff != "" {
			t.Fatalf("not deterministic:\n%s", diff)
		}
		if diff := cmp.Diff(rcBefore, rc); diff != "" {
			t.Fatalf("controller mutated:\n%s", diff)
		}
		if diff := cmp.Diff(podsBefore, pods, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("pods mutated:\n%s", diff)
		}
		byName := map[string]*corev1.Pod{}
		for _, p := range pods {
			if p.Namespace == "default" {
				byName[p.Name] = p
			}
		}
		owned := names(plan.Owned())
		if excess := len(owned) - int(*rc.Spec.Replicas); len(plan.Delete) > max(excess, 0) {
			t.Fatalf("deletes %d, excess %d", len(plan.Delete), excess)
		}
		for _, d := range plan.Delete {
			if !slices.Contains(owned, d.Name) {
				t.Fatalf("deletes %s, which it does not own", d.Name)
			}
		}
		for _, a := range plan.Adopt {
			if metav1.GetControllerOf(byName[a.Name]) != nil {
				t.Fatalf("adopts %s, which has a controller", a.Name)
			}
		}
		for _, r := range append(append([]workload.PodRef{}, plan.Release...), plan.Owned()...) {
			ref := metav1.GetControllerOf(byName[r.Name])
			if ref != nil && ref.UID != rc.UID {
				t.Fatalf("touches %s of another controller", r.Name)
			}
		}
	})
}

// Eventually stable reconciliation: apply plans to a simulated namespace
// while pods crash, creates fail and labels change; once the disturbances
// stop, a few syncs bring it to exactly replicas active owned pods, and it
// stays there.
func TestPropertyConvergence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rc, pods := genWorld(t)
		gen := workload.NewNames(rapid.Uint64().Draw(t, "seed"))
		now := at(3600)
		apply := func(disturb bool) *workload.Plan {
			plan, err := workload.SyncReplicationController(rc, pods, now, workload.Options{})
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]int{}
			for i, p := range pods {
				if p.Namespace == "default" {
					byName[p.Name] = i
				}
			}
			for _, a := range plan.Adopt {
				p := pods[byName[a.Name]].DeepCopy()
				p.OwnerReferences = append(p.OwnerReferences, plan.OwnerRef)
				pods[byName[a.Name]] = p
			}
			for _, r := range plan.Release {
				p := pods[byName[r.Name]].DeepCopy()
				p.OwnerReferences = nil
				pods[byName[r.Name]] = p
			}
			_, _ = workload.SlowStart(plan.Create, func(int) error {
				if disturb && rapid.IntRange(0, 3).Draw(t, "createFails") == 0 {
					return errors.New("exceeded quota")
				}
				p := plan.Template.DeepCopy()
				p.Name, _ = gen.GenerateUnique(p.GenerateName, func(n string) bool { _, ok := byName[n]; return ok })
				p.UID = types.UID("uid-" + p.Name)
				byName[p.Name] = len(pods)
				pods = append(pods, p)
				return nil
			})
			deleted := map[string]bool{}
			for _, d := range plan.Delete {
				deleted[d.Name] = true
			}
			pods = slices.DeleteFunc(pods, func(p *corev1.Pod) bool { return p.Namespace == "default" && deleted[p.Name] })
			if disturb {
				for i := range pods {
					switch rapid.IntRange(0, 9).Draw(t, "disturb") {
					case 0:
						p := pods[i].DeepCopy()
						p.Status.Phase = corev1.PodFailed // a crash under restartPolicy Never, say
						pods[i] = p
					case 1:
						p := pods[i].DeepCopy()
						p.Labels = map[string]string{"app": rapid.SampledFrom([]string{"nginx", "web"}).Draw(t, "relabel")}
						pods[i] = p
					}
				}
			}
			return plan
		}
		for range rapid.IntRange(0, 5).Draw(t, "disturbedSyncs") {
			apply(true)
		}
		for range 3 {
			apply(false)
		}
		for range 2 {
			plan := apply(false)
			if len(plan.Owned()) != int(*rc.Spec.Replicas) || plan.Create != 0 || len(plan.Delete) != 0 || len(plan.Adopt)+len(plan.Release) != 0 {
				t.Fatalf("not converged: owned %d of %d, create %d, delete %d", len(plan.Owned()), *rc.Spec.Replicas, plan.Create, len(plan.Delete))
			}
		}
	})
}
