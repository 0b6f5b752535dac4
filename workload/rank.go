package workload

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Ranked is a pod with what upstream's deletion ranking looks at,
// computed once (RS-6.3).
type Ranked struct {
	Pod *corev1.Pod
	// Rank is the number of active pods related to the controller on the
	// pod's node (RS-6.6); 0 for a standalone ReplicaSet or any
	// ReplicationController.
	Rank int

	unassigned  bool
	phase       int
	ready       bool
	cost        int32
	readyTime   metav1.Time
	readyBucket int64
	restarts    int
	sidecars    int
	created     metav1.Time
	createdBkt  int64
	uid         string
}

var phaseOrdinal = map[corev1.PodPhase]int{corev1.PodPending: 0, corev1.PodUnknown: 1, corev1.PodRunning: 2}

// NewRanked prepares a pod for DeletesBefore with its rank and the
// ranking's "now" (injected; upstream uses the wall clock when ranking
// starts).
func NewRanked(p *corev1.Pod, rank int, now time.Time) Ranked {
	r := Ranked{Pod: p, Rank: rank, unassigned: p.Spec.NodeName == "", phase: phaseOrdinal[p.Status.Phase], ready: IsReady(p), uid: string(p.UID)}
	r.cost, _ = DeletionCost(p)
	if r.ready {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				r.readyTime = c.LastTransitionTime
				break
			}
		}
	}
	r.readyBucket = bucket(now, r.readyTime.Time)
	r.created = p.CreationTimestamp
	r.createdBkt = bucket(now, r.created.Time)
	for _, c := range p.Status.ContainerStatuses {
		r.restarts = max(r.restarts, int(c.RestartCount))
	}
	for _, ic := range p.Spec.InitContainers {
		if ic.RestartPolicy == nil || *ic.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			continue
		}
		for _, c := range p.Status.InitContainerStatuses {
			if c.Name == ic.Name {
				r.sidecars = max(r.sidecars, int(c.RestartCount))
			}
		}
	}
	return r
}

// bucket is upstream's logarithmic age band (RS-6.4): −1 for an age ≤ 0,
// else floor(log2(age in nanoseconds)) computed on a float64 — integer
// bit length differs above about 6.5 days.
func bucket(now, t time.Time) int64 {
	d := now.Sub(t)
	if d <= 0 {
		return -1
	}
	return int64(math.Log2(float64(d)))
}

// DeletesBefore is upstream's scale-down comparator (RS-6.3): whether a is
// deleted before b, by the first rule that separates them — unassigned,
// phase (Pending < Unknown < Running), not ready, lower deletion cost,
// higher rank, more recently ready (by log2 age band, the same band
// decided by UID), more restarts (then more sidecar restarts), newer (by
// band, then UID). Both must have been made with the same now.
//
// It is not always transitive (RS-6.5): pods in one band are ordered by
// UID while pods with equal times fall through to later rules.
func DeletesBefore(a, b *Ranked, now time.Time) bool {
	if a.unassigned != b.unassigned {
		return a.unassigned
	}
	if a.phase != b.phase {
		return a.phase < b.phase
	}
	if a.ready != b.ready {
		return !a.ready
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	if a.Rank != b.Rank {
		return a.Rank > b.Rank
	}
	if a.ready && b.ready && !a.readyTime.Equal(&b.readyTime) {
		if now.IsZero() || a.readyTime.IsZero() || b.readyTime.IsZero() {
			return afterOrZero(a.readyTime.Time, b.readyTime.Time)
		}
		if a.readyBucket == b.readyBucket {
			return a.uid < b.uid
		}
		return a.readyBucket < b.readyBucket
	}
	if a.restarts != b.restarts {
		return a.restarts > b.restarts
	}
	if a.sidecars != b.sidecars {
		return a.sidecars > b.sidecars
	}
	if !a.created.Equal(&b.created) {
		if now.IsZero() || a.created.IsZero() || b.created.IsZero() {
			return afterOrZero(a.created.Time, b.created.Time)
		}
		if a.createdBkt == b.createdBkt {
			return a.uid < b.uid
		}
		return a.createdBkt < b.createdBkt
	}
	return false
}

// afterOrZero: a zero time counts as later than any other.
func afterOrZero(t1, t2 time.Time) bool {
	if t1.IsZero() || t2.IsZero() {
		return t1.IsZero()
	}
	return t1.After(t2)
}

type byDeletion struct {
	pods []Ranked
	now  time.Time
}

func (s byDeletion) Len() int           { return len(s.pods) }
func (s byDeletion) Swap(i, j int)      { s.pods[i], s.pods[j] = s.pods[j], s.pods[i] }
func (s byDeletion) Less(i, j int) bool { return DeletesBefore(&s.pods[i], &s.pods[j], s.now) }

// PodsToDelete chooses n of a controller's active pods to delete on
// scale-down (RS-6.2): all of them, in the given order and unsorted, when
// n is their number; otherwise the first n after sorting by
// DeletesBefore. related are the active and inactive pods related to the
// controller (RS-6.6), counted per node for the ranks.
//
// MODEL: upstream sorts a list in informer-cache order with an unstable
// sort; kubesem sorts pods first by namespace and name, then with Go's
// sort.Sort, so equivalent pods are always chosen the same way.
func PodsToDelete(pods, related []*corev1.Pod, n int, now time.Time) []*corev1.Pod {
	if n <= 0 {
		return nil
	}
	ordered := slices.Clone(pods)
	slices.SortStableFunc(ordered, byKey)
	if n >= len(ordered) {
		return ordered
	}
	perNode := map[string]int{}
	for _, p := range related {
		if IsActive(p) {
			perNode[p.Spec.NodeName]++
		}
	}
	ranked := make([]Ranked, len(ordered))
	for i, p := range ordered {
		ranked[i] = NewRanked(p, perNode[p.Spec.NodeName], now)
	}
	sort.Sort(byDeletion{ranked, now})
	out := make([]*corev1.Pod, n)
	for i := range out {
		out[i] = ranked[i].Pod
	}
	return out
}

func byKey(a, b *corev1.Pod) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}
