package conformance

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	podutil "k8s.io/kubernetes/pkg/api/v1/pod"
	"k8s.io/kubernetes/pkg/controller"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/workload"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// genPod draws a pod varying in everything the ranking and availability
// look at.
func genPod(t *rapid.T, i int) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%03d", i), Namespace: "default",
		UID: types.UID(rapid.SampledFrom([]string{"0a", "1b", "7f", "c3", "c3"}).Draw(t, "uid") + strconv.Itoa(i%3))}}
	p.Spec.NodeName = rapid.SampledFrom([]string{"", "n1", "n2", "n3"}).Draw(t, "node")
	p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{"", corev1.PodPending, corev1.PodUnknown, corev1.PodRunning, corev1.PodSucceeded}).Draw(t, "phase")
	times := []time.Time{{}, at(0), at(1), at(2), at(59), at(60), at(600), at(3000), at(3599), at(3600), at(7200)}
	p.CreationTimestamp = metav1.NewTime(rapid.SampledFrom(times).Draw(t, "created"))
	for range rapid.IntRange(0, 2).Draw(t, "conditions") {
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{
			Type:               rapid.SampledFrom([]corev1.PodConditionType{corev1.PodReady, corev1.PodReady, corev1.ContainersReady}).Draw(t, "condType"),
			Status:             rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}).Draw(t, "condStatus"),
			LastTransitionTime: metav1.NewTime(rapid.SampledFrom(times).Draw(t, "condTime")),
		})
	}
	if rapid.Bool().Draw(t, "hasCost") {
		p.Annotations = map[string]string{workload.DeletionCostAnnotation: rapid.SampledFrom([]string{"0", "-1", "5", "+5", "007", "x", "", "2147483647", "2147483648", "-2147483648"}).Draw(t, "cost")}
	}
	for j := range rapid.IntRange(0, 2).Draw(t, "containers") {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{Name: fmt.Sprintf("c%d", j), RestartCount: int32(rapid.IntRange(0, 3).Draw(t, "restarts"))})
	}
	if rapid.Bool().Draw(t, "sidecar") {
		always := corev1.ContainerRestartPolicyAlways
		p.Spec.InitContainers = []corev1.Container{{Name: "proxy", RestartPolicy: &always}, {Name: "init"}}
		p.Status.InitContainerStatuses = []corev1.ContainerStatus{
			{Name: "proxy", RestartCount: int32(rapid.IntRange(0, 3).Draw(t, "sidecarRestarts"))},
			{Name: "init", RestartCount: int32(rapid.IntRange(0, 3).Draw(t, "initRestarts"))},
		}
	}
	if rapid.Bool().Draw(t, "deleting") {
		p.DeletionTimestamp = ptr(metav1.NewTime(at(1)))
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// workload.DeletesBefore equals controller.ActivePodsWithRanks.Less, the
// comparator the ReplicaSet controller sorts with, on every pair.
func TestRankingComparatorMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := rapid.SampledFrom([]time.Time{{}, at(3600), at(3600).Add(123456789), at(86400 * 30)}).Draw(t, "now")
		n := rapid.IntRange(2, 6).Draw(t, "n")
		pods := make([]*corev1.Pod, n)
		ranks := make([]int, n)
		for i := range pods {
			pods[i] = genPod(t, i)
			ranks[i] = rapid.IntRange(0, 3).Draw(t, "rank")
		}
		up := controller.ActivePodsWithRanks{Pods: pods, Rank: ranks, Now: metav1.NewTime(now)}
		ranked := make([]workload.Ranked, n)
		for i := range pods {
			ranked[i] = workload.NewRanked(pods[i], ranks[i], now)
		}
		for i := range n {
			for j := range n {
				if got, want := workload.DeletesBefore(&ranked[i], &ranked[j], now), up.Less(i, j); got != want {
					t.Fatalf("DeletesBefore(%d, %d) = %v, upstream %v\n%v\n%v", i, j, got, want, pods[i], pods[j])
				}
			}
		}
	})
}

// workload.PodsToDelete picks what upstream's getPodsToDelete picks when
// upstream is given the same list (name-ordered when it sorts): ranks counted from the
// related pods per node, then sort.Sort with ActivePodsWithRanks.
func TestPodsToDeleteMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := at(3600)
		n := rapid.IntRange(1, 12).Draw(t, "n")
		var pods []*corev1.Pod
		for i := range n {
			p := genPod(t, i)
			p.DeletionTimestamp = nil
			if p.Status.Phase == corev1.PodSucceeded {
				p.Status.Phase = corev1.PodRunning
			}
			pods = append(pods, p)
		}
		pods = rapid.Permutation(pods).Draw(t, "order")
		related := slices.Clone(pods)
		for i := range rapid.IntRange(0, 4).Draw(t, "others") {
			related = append(related, genPod(t, 100+i))
		}
		del := rapid.IntRange(1, n).Draw(t, "delete")

		ordered := slices.Clone(pods)
		slices.SortFunc(ordered, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
		perNode := map[string]int{}
		for _, p := range related {
			if controller.IsPodActive(p) {
				perNode[p.Spec.NodeName]++
			}
		}
		// Deleting all of them, upstream takes the list as it is given;
		// fewer, it sorts (the name order is kubesem's MODEL for the
		// informer's).
		want := pods
		if del < len(ordered) {
			want = ordered
			ranks := make([]int, len(ordered))
			for i, p := range ordered {
				ranks[i] = perNode[p.Spec.NodeName]
			}
			sort.Sort(controller.ActivePodsWithRanks{Pods: ordered, Rank: ranks, Now: metav1.NewTime(now)})
		}
		want = want[:del]

		got := workload.PodsToDelete(pods, related, del, now)
		if !slices.Equal(names(got), names(want)) {
			t.Fatalf("PodsToDelete = %v, upstream %v", names(got), names(want))
		}
	})
}

// workload.IsAvailable and IsReady equal podutil.IsPodAvailable and
// IsPodReady.
func TestAvailabilityMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPod(t, 0)
		minReady := int32(rapid.IntRange(0, 4000).Draw(t, "minReadySeconds"))
		now := at(rapid.IntRange(0, 8000).Draw(t, "now"))
		if got, want := workload.IsReady(p), podutil.IsPodReady(p); got != want {
			t.Fatalf("IsReady = %v, upstream %v", got, want)
		}
		if got, want := workload.IsAvailable(p, minReady, now), podutil.IsPodAvailable(p, minReady, metav1.NewTime(now)); got != want {
			t.Fatalf("IsAvailable = %v, upstream %v", got, want)
		}
		if got, want := workload.IsActive(p), controller.IsPodActive(p); got != want {
			t.Fatalf("IsActive = %v, upstream %v", got, want)
		}
		if got, want := workload.IsTerminating(p), controller.IsPodTerminating(p); got != want {
			t.Fatalf("IsTerminating = %v, upstream %v", got, want)
		}
	})
}

func names(ps []*corev1.Pod) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}
