package workload

import (
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"pgregory.net/rapid"
)

// drawRankedPod draws a pod that varies in everything the ranking looks
// at, sidecar restarts and deletion costs included.
func drawRankedPod(t *rapid.T, i int) *corev1.Pod {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p" + strconv.Itoa(i), Namespace: "default",
		UID: types.UID(rapid.SampledFrom([]string{"a", "b", "ab", "abcdefghij"}).Draw(t, "uid"))}}
	p.Spec.NodeName = rapid.SampledFrom([]string{"", "n1", "n2"}).Draw(t, "node")
	p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{"", corev1.PodPending, corev1.PodUnknown, corev1.PodRunning, "Weird"}).Draw(t, "phase")
	times := []time.Time{{}, at(0), at(1), at(60), at(3000), at(3590), at(9000)}
	p.CreationTimestamp = metav1.NewTime(rapid.SampledFrom(times).Draw(t, "created"))
	if rapid.Bool().Draw(t, "hasReady") {
		st := rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse}).Draw(t, "readyStatus")
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, LastTransitionTime: metav1.NewTime(rapid.SampledFrom(times).Draw(t, "readyAt"))}}
	}
	if rapid.Bool().Draw(t, "hasCost") {
		p.Annotations = map[string]string{DeletionCostAnnotation: rapid.SampledFrom([]string{"0", "-1", "5", "x"}).Draw(t, "cost")}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: int32(rapid.IntRange(0, 2).Draw(t, "restarts"))}}
	if rapid.Bool().Draw(t, "sidecar") {
		always := corev1.ContainerRestartPolicyAlways
		p.Spec.InitContainers = []corev1.Container{{Name: "side", RestartPolicy: &always}}
		p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "side", RestartCount: int32(rapid.IntRange(0, 2).Draw(t, "sidecarRestarts"))}}
	}
	return p
}

// decidingRule, which the scale-down explanation uses, agrees with the
// ranking itself (less) on every pair: the side it says goes first is
// less's, and when it says no rule separates them, neither goes first.
func TestDecidingRuleAgreesWithLess(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := rapid.SampledFrom([]time.Time{{}, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}).Draw(t, "now")
		pa, pb := drawRankedPod(t, 0), drawRankedPod(t, 1)
		a, b := newKey(pa, rapid.IntRange(0, 2).Draw(t, "rankA"), now), newKey(pb, rapid.IntRange(0, 2).Draw(t, "rankB"), now)
		if !rapid.Bool().Draw(t, "costs") {
			a.cost, b.cost = 0, 0
		}
		uidLess := func(x, y *rankKey) bool { // full UIDs, as byDeletion compares them
			if x == &a {
				return pa.UID < pb.UID
			}
			return pb.UID < pa.UID
		}
		rule, first, why := decidingRule(&a, &b, pa, pb, now)
		if want := less(&a, &b, now, uidLess); first != want {
			t.Fatalf("decidingRule says %v by %s (%s), less says %v", first, rankRules[rule], why, want)
		}
		if rule == ruleEquivalent && less(&b, &a, now, uidLess) {
			t.Fatalf("decidingRule says no rule separates them (%s), but less puts b first", why)
		}
		if why == "" {
			t.Fatal("no words")
		}
	})
}
