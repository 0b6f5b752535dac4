package workload

import (
	"fmt"
	"maps"
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/selector"
)

// Tally is what a ReplicaSet's sync reads from the pods it controls,
// counted as they are written instead of read at every sync: a caller
// that sees every pod change (a cluster's store) keeps one per ReplicaSet
// with Change, and SyncCounted decides from it what SyncReplicaSet would
// decide from the whole pod list, whenever no pod has to be looked at
// one by one. A Tally counts with the ReplicaSet's template labels and
// selector as they were when it was made (Valid says whether they still
// are). The zero Tally is not usable: use NewTally.
type Tally struct {
	ns, name string
	uid      string
	sel      *selector.Selector
	selector *metav1.LabelSelector
	labels   map[string]string
	template *selector.Selector

	// the controlled pods of rs's namespace, as SyncReplicaSet sorts them
	active, fully, ready int32 // matching, active (RS-7.1)
	terminating          int32 // matching, being deleted (rule 5)
	mismatched           int32 // active, no longer matching: to release (RS-3.7)
	// the active matching ones by node: what a sibling's deletion
	// ranking counts of rs's pods (RS-6.6)
	nodes map[string]int32
	// hash is the pod-template-hash the selector requires ("" for none);
	// hashed counts the controlled pods, in any state, that carry it.
	hash   string
	hashed int32
}

// NewTally counts pods (any list that holds every pod rs controls; others
// are ignored) for rs. It fails on a selector that does not parse, as
// SyncReplicaSet does.
func NewTally(rs *appsv1.ReplicaSet, pods []*corev1.Pod) (*Tally, error) {
	if rs == nil {
		return nil, fmt.Errorf("workload: nil ReplicaSet")
	}
	sel, err := selector.FromLabelSelector(rs.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("workload: %s %s/%s has an invalid selector: %w", ReplicaSetKind.Kind, rs.Namespace, rs.Name, err)
	}
	t := &Tally{ns: rs.Namespace, name: rs.Name, uid: string(rs.UID), sel: sel,
		selector: rs.Spec.Selector.DeepCopy(), labels: maps.Clone(rs.Spec.Template.Labels),
		template: selector.FromSet(rs.Spec.Template.Labels), nodes: map[string]int32{}}
	if rs.Spec.Selector != nil {
		t.hash = rs.Spec.Selector.MatchLabels[appsv1.DefaultDeploymentUniqueLabelKey]
	}
	for _, p := range pods {
		t.add(p, 1)
	}
	return t, nil
}

// Valid reports whether t counts for rs as it is now: the same object,
// template labels and selector.
func (t *Tally) Valid(rs *appsv1.ReplicaSet) bool {
	return t != nil && rs != nil && string(rs.UID) == t.uid && rs.Name == t.name && rs.Namespace == t.ns &&
		maps.Equal(rs.Spec.Template.Labels, t.labels) && reflect.DeepEqual(rs.Spec.Selector, t.selector)
}

// Change counts a pod write: old is the pod as it was (nil for a create),
// cur as it is (nil for a delete).
func (t *Tally) Change(old, cur *corev1.Pod) {
	t.add(old, -1)
	t.add(cur, 1)
}

// add counts pod d times (1 or -1), with the facts SyncReplicaSet reads.
func (t *Tally) add(pod *corev1.Pod, d int32) {
	if pod == nil || pod.Namespace != t.ns {
		return
	}
	ref := metav1.GetControllerOfNoCopy(pod)
	if ref == nil || string(ref.UID) != t.uid || ref.Kind != ReplicaSetKind.Kind || ref.Name != t.name {
		return
	}
	if t.hash != "" && pod.Labels[appsv1.DefaultDeploymentUniqueLabelKey] == t.hash {
		t.hashed += d
	}
	match := t.sel.Matches(pod.Labels)
	switch {
	case IsTerminating(pod):
		if match {
			t.terminating += d
		}
	case !IsActive(pod):
	case !match:
		t.mismatched += d
	default:
		t.active += d
		if n := t.nodes[pod.Spec.NodeName] + d; n != 0 {
			t.nodes[pod.Spec.NodeName] = n
		} else {
			delete(t.nodes, pod.Spec.NodeName)
		}
		if t.template.Matches(pod.Labels) {
			t.fully += d
		}
		if c := readyCondition(pod); c != nil && c.Status == corev1.ConditionTrue {
			t.ready += d
		}
	}
}

// SyncCounted decides the sync of rs at now from t, as SyncReplicaSet
// would from the namespace's pods, when it can without looking at any pod:
// t is valid for rs, rs is not being deleted, no expectation is pending,
// minReadySeconds is 0 (availability is readiness), no controlled pod is
// to be released, orphans is 0 (the namespace's active pods without a
// controller: none to adopt) and no pod is to be deleted (a deletion
// ranks the pods). ok is false otherwise: the caller syncs from the pods.
// The Plan lists no Owned pods; everything else is SyncReplicaSet's.
func SyncCounted(rs *appsv1.ReplicaSet, t *Tally, orphans int, now time.Time, opts Options) (p *Plan, ok bool) {
	if !t.Valid(rs) || rs.DeletionTimestamp != nil || opts.ExpectationsPending || rs.Spec.MinReadySeconds != 0 ||
		t.mismatched != 0 || orphans != 0 {
		return nil, false
	}
	replicas := int32(1)
	if rs.Spec.Replicas != nil {
		replicas = *rs.Spec.Replicas
	}
	if t.active > replicas {
		return nil, false
	}
	p = &Plan{rs: rs, kind: ReplicaSetKind, now: now, OwnerRef: *metav1.NewControllerRef(rs, ReplicaSetKind),
		countTerminating: opts.Gates.Enabled(features.DeploymentReplicaSetTerminatingReplicas),
		managed:          true, counted: true, nOwned: int(t.active),
		fully: t.fully, ready: t.ready, available: t.ready, terminating: int(t.terminating)}
	if diff := replicas - t.active; diff > 0 {
		p.Create = min(int(diff), BurstReplicas)
		p.Template = podFromTemplate(rs, p.OwnerRef)
	}
	return p, true
}

// Owned is what SyncOwned reads besides a ReplicaSet's tally.
type Owned struct {
	// Pods holds every pod of the namespace the ReplicaSet controls, in
	// namespace and name order (as a store's index by controller gives
	// them); others are ignored.
	Pods []*corev1.Pod
	// Tallies holds a tally for each of the sync's Options.Siblings that
	// shares the ReplicaSet's controller, by UID: together with the
	// ReplicaSet's own they count, node by node, the pods a deletion's
	// ranking weighs (RS-6.6).
	Tallies map[types.UID]*Tally
	// Labeled is the number of pods of the namespace, in any state and
	// whoever controls them, whose pod-template-hash label has the value
	// given.
	Labeled func(value string) int
}

// SyncOwned decides the sync of rs at now as SyncReplicaSet would from the
// namespace's pods, reading only the pods rs controls, when orphans (the
// namespace's active pods without a controller) is 0: then there is
// nothing to adopt, and of the other pods only the deletion ranking's
// per-node counts of the pods the related ReplicaSets select (RS-6.6)
// would be read, which the tallies give. They give them exactly when
// each related ReplicaSet (rs and the siblings sharing its controller, a
// Deployment's) has a valid tally and requires in its selector a
// pod-template-hash of its own that no pod it does not control carries
// (owned.Labeled says how many carry it): then the selectors are
// disjoint, and every pod one of them selects is one its tally counts.
// ok is false when a deletion would rank pods by those counts and they
// are not exact, or orphans is not 0, or t is not valid for rs: the
// caller syncs from the namespace's pods. A sync SyncCounted can decide
// is decided by it, reading no pod.
func SyncOwned(rs *appsv1.ReplicaSet, t *Tally, orphans int, owned Owned, now time.Time, opts Options) (p *Plan, ok bool) {
	if orphans != 0 || !t.Valid(rs) {
		return nil, false
	}
	if p, ok := SyncCounted(rs, t, orphans, now, opts); ok {
		return p, true
	}
	replicas := int32(1)
	if rs.Spec.Replicas != nil {
		replicas = *rs.Spec.Replicas
	}
	// Only a deletion that chooses among the owned pods ranks them (not
	// one of them all: a scale to 0 of at most a burst): the owned active
	// pods are t.active, there being no orphans to adopt.
	if diff := t.active - replicas; diff > 0 && min(diff, BurstReplicas) < t.active && !opts.ExpectationsPending && rs.DeletionTimestamp == nil {
		if controller := metav1.GetControllerOfNoCopy(rs); controller != nil {
			tallies := []*Tally{t}
			related := []*appsv1.ReplicaSet{rs}
			for _, s := range opts.Siblings {
				if s == nil || s.UID == rs.UID {
					continue
				}
				if c := metav1.GetControllerOfNoCopy(s); c == nil || c.UID != controller.UID {
					continue
				}
				related = append(related, s)
				tallies = append(tallies, owned.Tallies[s.UID])
			}
			if !exactCounts(related, tallies, owned.Labeled) {
				return nil, false
			}
			perNode := maps.Clone(t.nodes)
			for _, rt := range tallies[1:] {
				for node, n := range rt.nodes {
					perNode[node] += n
				}
			}
			opts.relatedOn = perNode
		}
	}
	p, err := sync(rs, ReplicaSetKind, owned.Pods, now, opts)
	if err != nil {
		return nil, false
	}
	if opts.relatedOn == nil && len(p.Delete) > 0 && len(p.Delete) < len(p.owned) && metav1.GetControllerOfNoCopy(rs) != nil {
		// ranked without the related counts: the pods and the tally
		// disagree (a caller's list that misses some of rs's pods)
		return nil, false
	}
	return p, true
}

// exactCounts reports whether the tallies of the related ReplicaSets
// count, node by node, exactly the active pods their selectors select:
// see SyncOwned.
func exactCounts(related []*appsv1.ReplicaSet, tallies []*Tally, labeled func(string) int) bool {
	if labeled == nil {
		return false
	}
	hashes := make(map[string]bool, len(related))
	for i, r := range related {
		t := tallies[i]
		if !t.Valid(r) || r.Namespace != related[0].Namespace || t.hash == "" || hashes[t.hash] {
			return false
		}
		hashes[t.hash] = true
		if labeled(t.hash) != int(t.hashed) {
			return false
		}
	}
	return true
}
