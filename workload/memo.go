package workload

import (
	"maps"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/selector"
)

// Memo remembers what the syncs of one controller read from each pod
// object, so that a later sync over the same objects does not read them
// again. A store that keeps a new object for every write (an informer
// cache, kubesem's cluster) hands a controller mostly the same pointers
// sync after sync; a ReplicaSet scaling to 10,000 pods 500 at a time
// syncs 20 times over thousands of pods, and reading each pod again is
// most of a sync's cost once the pods no longer fit in the processor's
// caches.
//
// A sync with a Memo decides exactly what the same sync without one
// decides (a property test checks it); the Memo is the one argument a
// sync changes. The rules of use:
//
//  1. One Memo per controller: give it to every sync of that controller
//     and no other (it starts over, forgetting everything, when the
//     controller's UID, kind, name, namespace, selector or template labels
//     differ from the last sync's).
//  2. Pods handed to a sync with a Memo are not modified afterwards while
//     the Memo lives: a changed pod is a new object (a Memo recognises
//     pods by pointer).
//  3. Not safe for concurrent use.
//
// The zero Memo is ready to use. It holds the pods its last sync saw, so
// drop it with the controller.
type Memo struct {
	uid      types.UID
	kind     string
	name, ns string
	sel      string
	template map[string]string

	index map[*corev1.Pod]int32
	facts []podFacts
	ranks []rankFacts // by the index of the facts, grown when a ranking needs them
	free  []int32     // facts no pod holds, for reuse
	stamp uint32
	fresh int // facts the sync under way has seen

	// buffers of a sync's candidates, their facts and its owned pods'
	// facts, kept for the next sync
	cand              []*corev1.Pod
	candIdx, ownedIdx []int32
	keys              []rankKey // a deletion's rank keys
	// prev holds the facts of the last sync's pods in its order, cur
	// how far this sync has followed it (atNext), next this sync's.
	prev, next []int32
	cur        int
	// followed: every pod of this sync so far was the next of the last
	// sync's list (some of it skipped); prevSorted: the last sync's
	// candidates came in order. Both: this sync's are in order too, a
	// subsequence of those.
	followed, prevSorted bool

	// the sibling selectors the related bits were computed for
	relKey string
	relGen uint32
}

// podFacts is what a sync reads from one pod object, except what depends
// on the sync's now.
type podFacts struct {
	pod *corev1.Pod
	// ref names the pod; with a Memo its name is a copy kept with the
	// facts, so that checking the order of the pods reads the facts only.
	ref        PodRef
	node       string
	availSince time.Time // the first Ready condition's lastTransitionTime, when that condition is True
	stamp      uint32
	relGen     uint32
	inNS       bool
	hasRef     bool
	ours       bool
	match      bool // the controller's selector matches
	fully      bool // the template's labels match
	terminates bool
	active     bool
	ready      bool
	keyed      bool // the rank facts of the same index are the pod's
	related    bool // valid when relGen is the Memo's
}

// rankFacts is what the deletion ranking reads from a pod (RS-6.3).
type rankFacts struct {
	key       rankKey // with rank, idx and the two buckets unset
	readyTime time.Time
	created   time.Time
}

// begin readies m for a sync of rs, starting over if rs is not the
// controller it knew.
func (m *Memo) begin(rs *appsv1.ReplicaSet, kind schema.GroupVersionKind) {
	// The selector as written, not as parsed: a nil selector (nothing)
	// and an empty one (everything) parse to the same String.
	s := rs.Spec.Selector.String()
	if m.index == nil || m.uid != rs.UID || m.kind != kind.Kind || m.name != rs.Name || m.ns != rs.Namespace || m.sel != s || !maps.Equal(m.template, rs.Spec.Template.Labels) {
		*m = Memo{uid: rs.UID, kind: kind.Kind, name: rs.Name, ns: rs.Namespace, sel: s, template: maps.Clone(rs.Spec.Template.Labels), relGen: 1,
			index: map[*corev1.Pod]int32{}}
	}
	m.stamp++
	m.fresh = 0
	m.cur, m.next = 0, m.next[:0]
	m.followed = true
}

// atNext is at for the pods of a sync's list, in their order: the
// previous sync's list mostly comes again, in the same order, so the
// pointers are compared along it before the index is looked up (a large
// controller's sync would otherwise hash every pod). It returns what at
// returns.
func (m *Memo) atNext(pod *corev1.Pod, rs *appsv1.ReplicaSet, kind schema.GroupVersionKind, sel, template *selector.Selector) int32 {
	for m.cur < len(m.prev) {
		i := m.prev[m.cur]
		f := &m.facts[i]
		if f.pod == pod {
			m.cur++
			if f.stamp != m.stamp {
				f.stamp = m.stamp
				m.fresh++
			}
			m.next = append(m.next, i)
			return i
		}
		// Lists are in name order: an earlier name was removed (or its
		// facts reused), the same name replaced; a later one means pod
		// is new. (Only a guide: the facts returned are always pod's.)
		if f.pod == nil || f.ref.Name <= pod.Name {
			m.cur++
			if f.pod != nil && f.ref.Name == pod.Name {
				// A new version of the same pod, in its place, keeps
				// the list following the last one.
				if f.ref.Namespace != pod.Namespace || f.ref.UID != pod.UID {
					m.followed = false
				}
				i := m.at(pod, rs, kind, sel, template)
				m.next = append(m.next, i)
				return i
			}
			continue
		}
		break
	}
	m.followed = false
	i := m.at(pod, rs, kind, sel, template)
	m.next = append(m.next, i)
	return i
}

// at returns the index of pod's facts, reading them if pod is new to m.
func (m *Memo) at(pod *corev1.Pod, rs *appsv1.ReplicaSet, kind schema.GroupVersionKind, sel, template *selector.Selector) int32 {
	if i, ok := m.index[pod]; ok {
		if f := &m.facts[i]; f.stamp != m.stamp {
			f.stamp = m.stamp
			m.fresh++
		}
		return i
	}
	var i int32
	if n := len(m.free); n > 0 {
		i, m.free = m.free[n-1], m.free[:n-1]
	} else {
		i = int32(len(m.facts))
		m.facts = append(m.facts, podFacts{})
	}
	f := &m.facts[i]
	readFacts(f, pod, rs, kind, sel, template)
	f.ref.Name = strings.Clone(pod.Name)
	f.stamp = m.stamp
	m.fresh++
	m.index[pod] = i
	return i
}

// end forgets the pods the sync did not see (replaced by newer objects,
// or gone), so that a Memo holds no pod a store has dropped.
func (m *Memo) end() {
	m.prev, m.next = m.next, m.prev
	if m.fresh == len(m.facts)-len(m.free) {
		return
	}
	for i := range m.facts {
		if f := &m.facts[i]; f.pod != nil && f.stamp != m.stamp {
			delete(m.index, f.pod)
			*f = podFacts{}
			m.free = append(m.free, int32(i))
		}
	}
}

// readFacts reads what a sync of rs needs from pod: of a pod another
// controller controls, only what the deletion ranking counts (RS-6.6).
func readFacts(f *podFacts, pod *corev1.Pod, rs *appsv1.ReplicaSet, kind schema.GroupVersionKind, sel, template *selector.Selector) {
	*f = podFacts{pod: pod, stamp: f.stamp, relGen: f.relGen}
	f.inNS = pod.Namespace == rs.Namespace
	ref := metav1.GetControllerOfNoCopy(pod)
	f.hasRef = ref != nil
	f.ours = ref != nil && ref.UID == rs.UID && ref.Kind == kind.Kind && ref.Name == rs.Name
	f.terminates = IsTerminating(pod)
	f.active = IsActive(pod)
	f.node = pod.Spec.NodeName
	f.ref = refOf(pod)
	if f.hasRef && !f.ours {
		return
	}
	f.match = sel.Matches(pod.Labels)
	f.fully = template.Matches(pod.Labels)
	if c := readyCondition(pod); c != nil && c.Status == corev1.ConditionTrue {
		f.ready = true
		f.availSince = c.LastTransitionTime.Time
	}
}

// available is IsAvailable from the facts (RS-7.1, P16.6).
func (f *podFacts) available(minReadySeconds int32, now time.Time) bool {
	if !f.ready {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	return !f.availSince.IsZero() && !f.availSince.Add(time.Duration(minReadySeconds)*time.Second).After(now)
}

// rankKey is keyAt from the facts: the pod is read once for its key.
func (m *Memo) rankKey(i int32, idx int, now time.Time) rankKey {
	f := &m.facts[i]
	if len(m.ranks) < len(m.facts) {
		m.ranks = append(m.ranks, make([]rankFacts, len(m.facts)-len(m.ranks))...)
	}
	r := &m.ranks[i]
	if !f.keyed {
		*r = rankFacts{key: newKey(f.pod, 0, now), created: f.pod.CreationTimestamp.Time}
		if r.key.ready {
			for _, c := range f.pod.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
					r.readyTime = c.LastTransitionTime.Time
					break
				}
			}
		}
		f.keyed = true
	}
	k := r.key
	k.readyBucket, k.createdBkt = bucket(now, r.readyTime), bucket(now, r.created)
	k.idx = int32(idx)
	return k
}

// relatedSelectors keys the sibling selectors of a sync (as written: see
// begin): when they change, every pod's related bit is read again.
func (m *Memo) relatedSelectors(sels []relatedSet) {
	var b strings.Builder
	for _, s := range sels {
		b.WriteString(s.ns)
		b.WriteByte(0)
		b.WriteString(s.written.String())
		b.WriteByte(0)
	}
	if k := b.String(); k != m.relKey {
		m.relKey = k
		m.relGen++
	}
}

// isRelated reports whether the pod at i is selected by one of sels
// (RS-6.6), reading its labels only the first time.
func (m *Memo) isRelated(i int32, sels []relatedSet) bool {
	f := &m.facts[i]
	if f.relGen != m.relGen {
		f.related = matchesAny(f.pod, sels)
		f.relGen = m.relGen
	}
	return f.related
}
