package workload

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/features"
)

// Ranked is a pod with what upstream's deletion ranking looks at,
// computed once (RS-6.3).
type Ranked struct {
	// Pod is the pod ranked.
	Pod *corev1.Pod
	// Rank is the number of active pods related to the controller on the
	// pod's node (RS-6.6); 0 for a standalone ReplicaSet or any
	// ReplicationController.
	Rank int
	k    rankKey
}

// rankKey is the ranking's view of a pod, packed small and free of
// pointers, so that sorting many of them moves little memory and gives
// the garbage collector nothing to scan.
type rankKey struct {
	readyTime   int64  // unix nanoseconds; see zeroReady
	created     int64  // unix nanoseconds; see zeroCreated
	uidPrefix   uint64 // the first 8 bytes of the UID, big-endian, zero-padded
	idx         int32  // the pod's index in the list being ranked
	rank        int32
	cost        int32
	restarts    int32
	sidecars    int32
	readyBucket int16
	createdBkt  int16
	phase       int8
	unassigned  bool
	ready       bool
	zeroReady   bool
	zeroCreated bool
}

var phaseOrdinal = map[corev1.PodPhase]int8{corev1.PodPending: 0, corev1.PodUnknown: 1, corev1.PodRunning: 2}

// NewRanked prepares a pod for DeletesBefore with its rank and the
// ranking's "now" (injected; upstream uses the wall clock when ranking
// starts).
func NewRanked(p *corev1.Pod, rank int, now time.Time) Ranked {
	return Ranked{Pod: p, Rank: rank, k: newKey(p, rank, now)}
}

func newKey(p *corev1.Pod, rank int, now time.Time) rankKey {
	k := rankKey{rank: int32(min(rank, math.MaxInt32)), unassigned: p.Spec.NodeName == "", phase: phaseOrdinal[p.Status.Phase], ready: IsReady(p)}
	k.cost, _ = DeletionCost(p)
	for i := 0; i < 8; i++ {
		k.uidPrefix <<= 8
		if i < len(p.UID) {
			k.uidPrefix |= uint64(p.UID[i])
		}
	}
	var readyTime time.Time
	if k.ready {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				readyTime = c.LastTransitionTime.Time
				break
			}
		}
	}
	k.readyTime, k.zeroReady, k.readyBucket = nanos(readyTime), readyTime.IsZero(), bucket(now, readyTime)
	created := p.CreationTimestamp.Time
	k.created, k.zeroCreated, k.createdBkt = nanos(created), created.IsZero(), bucket(now, created)
	for _, c := range p.Status.ContainerStatuses {
		k.restarts = max(k.restarts, c.RestartCount)
	}
	for _, ic := range p.Spec.InitContainers {
		if ic.RestartPolicy == nil || *ic.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			continue
		}
		for _, c := range p.Status.InitContainerStatuses {
			if c.Name == ic.Name {
				k.sidecars = max(k.sidecars, c.RestartCount)
			}
		}
	}
	return k
}

// bucket is upstream's logarithmic age band (RS-6.4): −1 for an age ≤ 0,
// else floor(log2(age in nanoseconds)) computed on a float64 — integer
// bit length differs above about 6.5 days.
func bucket(now, t time.Time) int16 {
	d := now.Sub(t)
	if d <= 0 {
		return -1
	}
	if d < 1<<48 {
		// Below 2^48 ns (3.2 days) float64 math.Log2 rounds no value up
		// into the next band (TestBucketFastPath checks every boundary),
		// so the bit length is the same answer, without a logarithm.
		return int16(bits.Len64(uint64(d)) - 1)
	}
	return int16(math.Log2(float64(d)))
}

// nanos is t as unix nanoseconds, clamped to int64 (times outside
// 1678–2262 only compare as the nearest representable instant, which
// never changes the order of the times upstream compares).
func nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minNanos = time.Unix(0, math.MinInt64)
	maxNanos = time.Unix(0, math.MaxInt64)
)

// DeletesBefore is upstream's scale-down comparator (RS-6.3): whether a is
// deleted before b, by the first rule that separates them — unassigned,
// phase (Pending < Unknown < Running), not ready, lower deletion cost,
// higher rank, more recently ready (by log2 age band, the same band
// decided by UID), more restarts (then more sidecar restarts), newer (by
// band, then UID). Both must have been made with the same now.
//
// It ranks as v1.37.2 with its default gates (PodDeletionCost on); see
// PodsToDeleteWith for the ranking without deletion costs.
//
// It is not always transitive (RS-6.5): pods in one band are ordered by
// UID while pods with equal times fall through to later rules.
func DeletesBefore(a, b *Ranked, now time.Time) bool {
	ka, kb := a.k, b.k
	ka.rank, kb.rank = int32(min(a.Rank, math.MaxInt32)), int32(min(b.Rank, math.MaxInt32))
	return less(&ka, &kb, now, func(*rankKey, *rankKey) bool { return a.Pod.UID < b.Pod.UID })
}

// less is DeletesBefore on keys; uidLess compares the full UIDs when
// their prefixes tie.
func less(a, b *rankKey, now time.Time, fullUIDLess func(a, b *rankKey) bool) bool {
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
	if a.rank != b.rank {
		return a.rank > b.rank
	}
	uidLess := func() bool {
		if a.uidPrefix != b.uidPrefix {
			return a.uidPrefix < b.uidPrefix // zero-padded prefixes agree with string order
		}
		return fullUIDLess(a, b)
	}
	if a.ready && b.ready && (a.readyTime != b.readyTime || a.zeroReady != b.zeroReady) {
		if now.IsZero() || a.zeroReady || b.zeroReady {
			return afterOrZero(a.readyTime, b.readyTime, a.zeroReady, b.zeroReady)
		}
		if a.readyBucket == b.readyBucket {
			return uidLess()
		}
		return a.readyBucket < b.readyBucket
	}
	if a.restarts != b.restarts {
		return a.restarts > b.restarts
	}
	if a.sidecars != b.sidecars {
		return a.sidecars > b.sidecars
	}
	if a.created != b.created || a.zeroCreated != b.zeroCreated {
		if now.IsZero() || a.zeroCreated || b.zeroCreated {
			return afterOrZero(a.created, b.created, a.zeroCreated, b.zeroCreated)
		}
		if a.createdBkt == b.createdBkt {
			return uidLess()
		}
		return a.createdBkt < b.createdBkt
	}
	return false
}

// afterOrZero: a zero time counts as later than any other.
func afterOrZero(t1, t2 int64, zero1, zero2 bool) bool {
	if zero1 || zero2 {
		return zero1
	}
	return t1 > t2
}

type byDeletion struct {
	keys []rankKey
	pods []*corev1.Pod
	now  time.Time
}

func (s byDeletion) Len() int      { return len(s.keys) }
func (s byDeletion) Swap(i, j int) { s.keys[i], s.keys[j] = s.keys[j], s.keys[i] }
func (s byDeletion) Less(i, j int) bool {
	return less(&s.keys[i], &s.keys[j], s.now, s.fullUIDLess)
}
func (s byDeletion) fullUIDLess(a, b *rankKey) bool { return s.pods[a.idx].UID < s.pods[b.idx].UID }

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
	return PodsToDeleteWith(pods, related, n, now, nil)
}

// PodsToDeleteWith is PodsToDelete under kube-controller-manager's feature
// gates g (nil: v1.37.2's defaults): with PodDeletionCost off the
// deletion-cost annotation does not rank (rule 4).
func PodsToDeleteWith(pods, related []*corev1.Pod, n int, now time.Time, g features.Gates) []*corev1.Pod {
	if n <= 0 {
		return nil
	}
	if n >= len(pods) {
		// Upstream sorts only when it keeps some: all of them go in the
		// order they were given.
		return slices.Clone(pods)
	}
	ordered := slices.Clone(pods)
	slices.SortFunc(ordered, byKey)
	return podsToDelete(ordered, related, nil, n, now, g.Enabled(features.PodDeletionCost))
}

// keyAt is the rank key (rank still 0) of the pod at index idx of a list
// in byKey order.
func keyAt(p *corev1.Pod, idx int, now time.Time) rankKey {
	k := newKey(p, 0, now)
	k.idx = int32(idx)
	return k
}

// podsToDelete is PodsToDelete on pods already in byKey order; keys, when
// not nil, are their rank keys with rank still 0; costs: the
// PodDeletionCost gate is on.
func podsToDelete(ordered, related []*corev1.Pod, keys []rankKey, n int, now time.Time, costs bool) []*corev1.Pod {
	if n <= 0 {
		return nil
	}
	if n >= len(ordered) {
		return slices.Clone(ordered)
	}
	return pickDeletions(ordered, rankedKeys(ordered, related, keys, now), n, now, costs)
}

// rankedKeys completes the rank keys of pods in byKey order (keys, when
// not nil, being theirs with rank still 0) with the ranks related gives
// them (RS-6.6).
func rankedKeys(ordered, related []*corev1.Pod, keys []rankKey, now time.Time) []rankKey {
	if keys == nil {
		keys = make([]rankKey, len(ordered))
		for i, p := range ordered {
			keys[i] = keyAt(p, i, now)
		}
	}
	if len(related) > 0 {
		perNode := map[string]int32{}
		for _, p := range related {
			if IsActive(p) {
				perNode[p.Spec.NodeName]++
			}
		}
		for i := range keys {
			keys[i].rank = perNode[ordered[keys[i].idx].Spec.NodeName]
		}
	}
	return keys
}

// pickDeletions returns the n pods of ordered that the ranking deletes
// first; keys are their complete rank keys.
func pickDeletions(ordered []*corev1.Pod, keys []rankKey, n int, now time.Time, costs bool) []*corev1.Pod {
	sortKeys(ordered, keys, now, costs)
	out := make([]*corev1.Pod, n)
	for i := range out {
		out[i] = ordered[keys[i].idx]
	}
	return out
}

// sortKeys sorts the rank keys of ordered into deletion order. Without
// costs (the PodDeletionCost gate off) the deletion costs are left out of
// the comparison, as upstream's ActivePodsWithRanks.Less skips step 4.
func sortKeys(ordered []*corev1.Pod, keys []rankKey, now time.Time, costs bool) {
	if !costs {
		for i := range keys {
			keys[i].cost = 0
		}
	}
	sort.Sort(byDeletion{keys: keys, pods: ordered, now: now})
}

// byKey orders pods by namespace, name and (for duplicates) UID: a total
// order, so the result does not depend on the input order.
func byKey(a, b *corev1.Pod) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(string(a.UID), string(b.UID))
}
