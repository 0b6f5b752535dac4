package workload_test

import (
	"math"
	"math/bits"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/workload"
)

// rp makes a ranked pod from a base ready, running, assigned pod.
func rp(name string, mut func(*corev1.Pod)) *corev1.Pod {
	p := pod(name, nil, nil, "")
	if mut != nil {
		mut(p)
	}
	return p
}

func before(a, b *corev1.Pod, rankA, rankB int, now time.Time) bool {
	ra, rb := workload.NewRanked(a, rankA, now), workload.NewRanked(b, rankB, now)
	return workload.DeletesBefore(&ra, &rb, now)
}

func TestDeletesBefore(t *testing.T) {
	now := at(3600)
	readyAt := func(s int) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(s)) }
	}
	cases := []struct {
		rule         string
		a, b         *corev1.Pod
		rankA, rankB int
		want         bool
	}{
		{"RS-6.3.1 unassigned first", rp("a", func(p *corev1.Pod) { p.Spec.NodeName = "" }), rp("b", nil), 0, 0, true},
		{"RS-6.3.2 pending before running", rp("a", func(p *corev1.Pod) { p.Status.Phase = corev1.PodPending }), rp("b", nil), 0, 0, true},
		{"RS-6.3.2 unknown before running", rp("a", func(p *corev1.Pod) { p.Status.Phase = corev1.PodUnknown }), rp("b", nil), 0, 0, true},
		{"RS-6.3.2 empty phase counts as pending", rp("a", func(p *corev1.Pod) { p.Status.Phase = "" }), rp("b", func(p *corev1.Pod) { p.Status.Phase = corev1.PodUnknown }), 0, 0, true},
		{"RS-6.3.3 not ready first", rp("a", func(p *corev1.Pod) { p.Status.Conditions[0].Status = corev1.ConditionFalse }), rp("b", nil), 0, 0, true},
		{"RS-6.3.4 lower deletion cost first", rp("a", func(p *corev1.Pod) { p.Annotations = map[string]string{workload.DeletionCostAnnotation: "-5"} }), rp("b", nil), 0, 0, true},
		{"RS-2.9 malformed cost counts as 0", rp("a", func(p *corev1.Pod) { p.Annotations = map[string]string{workload.DeletionCostAnnotation: "+10"} }), rp("b", func(p *corev1.Pod) { p.Annotations = map[string]string{workload.DeletionCostAnnotation: "1"} }), 0, 0, true},
		{"RS-6.3.5 higher rank first", rp("a", nil), rp("b", nil), 3, 1, true},
		{"RS-6.3.6 more recently ready first (other band)", rp("a", readyAt(3500)), rp("b", readyAt(100)), 0, 0, true},
		{"RS-6.3.6 same band: lower UID first, restarts not consulted", rp("b-uid-high", func(p *corev1.Pod) { readyAt(3000)(p); p.UID = "z" }), rp("a", func(p *corev1.Pod) {
			readyAt(2990)(p)
			p.UID = "a"
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: 9}}
		}), 0, 0, false},
		{"RS-6.3.6 zero ready time counts as most recent", rp("a", func(p *corev1.Pod) { p.Status.Conditions[0].LastTransitionTime = metav1.Time{} }), rp("b", readyAt(3599)), 0, 0, true},
		{"RS-6.3.7 more restarts first", rp("a", func(p *corev1.Pod) { p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: 2}} }), rp("b", nil), 0, 0, true},
		{"RS-6.3.8 newer first (other band)", rp("a", func(p *corev1.Pod) { p.CreationTimestamp = metav1.NewTime(at(3590)) }), rp("b", nil), 0, 0, true},
		{"RS-6.3.9 equivalent", rp("a", nil), rp("b", nil), 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := before(c.a, c.b, c.rankA, c.rankB, now); got != c.want {
				t.Errorf("DeletesBefore = %v, want %v", got, c.want)
			}
		})
	}
	t.Run("RS-6.3.7 sidecar restarts break a tie", func(t *testing.T) {
		always := corev1.ContainerRestartPolicyAlways
		a := rp("a", func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "proxy", RestartPolicy: &always}}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "proxy", RestartCount: 4}}
		})
		if !before(a, rp("b", nil), 0, 0, now) {
			t.Error("more sidecar restarts go first")
		}
	})
}

// RS-6.4: buckets use float math.Log2, which differs from the integer bit
// length just below large powers of two (surprise 14).
func TestBucketUsesFloatLog2(t *testing.T) {
	var d int64 = 1<<52 - 1 // 52 days or so
	floatBucket := int64(math.Log2(float64(d)))
	intBucket := int64(bits.Len64(uint64(d)) - 1)
	if floatBucket == intBucket {
		t.Skip("no difference at this value on this platform")
	}
	// Two pods ready d and 2^51+1 ns ago: integer buckets 51 and 51 would
	// go to the UID rule; the float bucket of d is 52, so the more
	// recently ready pod goes first whatever the UIDs.
	now := at(0).Add(time.Duration(1 << 53))
	older := rp("older", func(p *corev1.Pod) {
		p.UID = "a"
		p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(now.Add(-time.Duration(d)).Truncate(time.Second))
	})
	newer := rp("newer", func(p *corev1.Pod) {
		p.UID = "z"
		p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(now.Add(-time.Duration(1<<51 + 1<<40)).Truncate(time.Second))
	})
	if before(older, newer, 0, 0, now) {
		t.Errorf("float buckets %d vs %d: the newer pod must go first", floatBucket, intBucket)
	}
}

// RS-6.6: ranks count related pods only for ReplicaSets with a
// controller; a standalone ReplicaSet or an RC ranks everything 0.
func TestRanksNeedAController(t *testing.T) {
	owner := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "deploy-uid", Controller: ptr(true)}
	mk := func(name, uid string) *appsv1.ReplicaSet {
		rs := blueYellowRS()
		rs.Name, rs.UID = name, types.UID(uid)
		rs.OwnerReferences = []metav1.OwnerReference{owner}
		rs.Spec.Replicas = ptr(int32(1))
		return rs
	}
	rsA, rsB := mk("web-a", "a-uid"), mk("web-b", "b-uid")
	rsB.Spec.Selector.MatchExpressions[0].Values = []string{"green"}
	// Two pods of rsA: p1 on a node crowded with rsB's pods, p2 alone.
	p1 := pod("p1", map[string]string{"app": "yellow"}, rsA, "ReplicaSet")
	p1.Spec.NodeName = "crowded"
	p2 := pod("p2", map[string]string{"app": "yellow"}, rsA, "ReplicaSet")
	p2.Spec.NodeName = "quiet"
	p1.UID, p2.UID = "z", "a" // ready 99 s and 100 s ago: one band, so without ranks the UID picks p2
	p1.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(1))
	var pods []*corev1.Pod
	pods = append(pods, p1, p2)
	for _, n := range []string{"g1", "g2"} {
		g := pod(n, map[string]string{"app": "green"}, rsB, "ReplicaSet")
		g.Spec.NodeName = "crowded"
		pods = append(pods, g)
	}
	plan, err := workload.SyncReplicaSet(rsA, pods, at(100), workload.Options{Siblings: []*appsv1.ReplicaSet{rsA, rsB}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(plan.Delete); len(got) != 1 || got[0] != "p1" {
		t.Errorf("with siblings the crowded node goes first: %v", got)
	}
	rsA.OwnerReferences = nil
	plan, _ = workload.SyncReplicaSet(rsA, pods, at(100), workload.Options{Siblings: []*appsv1.ReplicaSet{rsA, rsB}})
	if got := names(plan.Delete); len(got) != 1 || got[0] != "p2" {
		t.Errorf("surprise 1: standalone, ranks are 0 and the UID decides: %v", got)
	}
}

// The fast path of the band computation agrees with float math.Log2 at
// every power-of-two boundary below 2^48 ns, and at a spread of values.
func TestBucketFastPath(t *testing.T) {
	check := func(d int64) {
		if d <= 0 || d >= 1<<48 {
			return
		}
		want := int64(math.Log2(float64(d)))
		got := int64(bits.Len64(uint64(d)) - 1)
		if got != want {
			t.Fatalf("d=%d: bit length %d, math.Log2 %d", d, got, want)
		}
	}
	for k := 0; k < 48; k++ {
		p := int64(1) << k
		for _, d := range []int64{p - 2, p - 1, p, p + 1} {
			check(d)
		}
	}
	for d := int64(1); d < 1<<48; d = d*3/2 + 7 {
		check(d)
	}
}

// TestPodsToDeleteAllKeepsOrder: when every pod goes, upstream skips the
// sort (RS-6.2), so the pods come back in the order they were given.
func TestPodsToDeleteAllKeepsOrder(t *testing.T) {
	now := at(3600)
	c, a, b := rp("c", nil), rp("a", func(p *corev1.Pod) { p.Spec.NodeName = "" }), rp("b", nil)
	for _, n := range []int{3, 4} {
		got := workload.PodsToDelete([]*corev1.Pod{c, a, b}, nil, n, now)
		if len(got) != 3 || got[0] != c || got[1] != a || got[2] != b {
			t.Errorf("n=%d: got %v, want c, a, b in the given order", n, podNames(got))
		}
	}
	// Fewer than all: sorted (the unassigned pod a first).
	if got := workload.PodsToDelete([]*corev1.Pod{c, a, b}, nil, 1, now); len(got) != 1 || got[0] != a {
		t.Errorf("n=1: got %v, want [a]", podNames(got))
	}
	if got := workload.PodsToDelete([]*corev1.Pod{c, a, b}, nil, 0, now); got != nil {
		t.Errorf("n=0: got %v, want nothing", podNames(got))
	}
}

func podNames(pods []*corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}
