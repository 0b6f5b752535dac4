package workload

import (
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/selector"
)

// The two kinds this package syncs (RS-1.1).
var (
	ReplicaSetKind            = appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
	ReplicationControllerKind = corev1.SchemeGroupVersion.WithKind("ReplicationController")
)

// Options are a sync's inputs beyond the controller, its pods and now.
type Options struct {
	// Siblings are the other ReplicaSets of the namespace. Those with the
	// same controller (the same Deployment) make pods on crowded nodes go
	// first on scale-down (RS-6.6); a standalone ReplicaSet or an RC has
	// none.
	Siblings []*appsv1.ReplicaSet
	// ExpectationsPending says that creations or deletions of an earlier
	// sync have not been observed yet: the sync then only claims pods and
	// writes status (RS-8.2). A caller that observes its own actions at
	// once (every kubesem driver) leaves it false.
	ExpectationsPending bool
	// Memo, when set, carries what earlier syncs of the same controller
	// read from pods that have not changed since (see Memo): the plan is
	// the same, the sync cheaper.
	Memo *Memo
	// Gates are kube-controller-manager's feature gates; nil is v1.37.2's
	// defaults. Two change a sync (rules 4 and 5):
	// DeploymentReplicaSetTerminatingReplicas (off: no
	// status.terminatingReplicas) and PodDeletionCost (off: the
	// pod-deletion-cost annotation does not rank).
	Gates features.Gates

	// relatedOn, set by SyncOwned, counts the active pods the related
	// ReplicaSets select on a node (RS-6.6), in place of the pod list.
	relatedOn map[string]int32
}

// PodRef names a pod and pins its UID, as upstream's patches and deletes
// do with a UID precondition.
type PodRef struct {
	Namespace, Name string
	UID             types.UID
}

func refOf(p *corev1.Pod) PodRef { return PodRef{Namespace: p.Namespace, Name: p.Name, UID: p.UID} }

// compareRefs is byKey on the pods' references.
func compareRefs(a, b *PodRef) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(string(a.UID), string(b.UID))
}

// Plan is what one sync of a ReplicaSet or ReplicationController decided
// (RS-4.1), for the caller to carry out in this order: adopt, release,
// create or delete, write the status, look again.
type Plan struct {
	// Adopt are orphans to patch with OwnerRef (RS-3.4, RS-3.6); Release
	// are owned pods whose labels no longer match, whose controller
	// reference is to be removed (RS-3.7). Both in name order.
	Adopt, Release []PodRef
	// OwnerRef is the controller reference of the controller's pods.
	OwnerRef metav1.OwnerReference
	// Create is how many pods to create from Template, in slow-start
	// batches (see Batches and SlowStart), at most BurstReplicas (RS-5).
	Create int
	// Template is the pod to create, with generateName, labels,
	// annotations, finalizers and spec from the template and OwnerRef as
	// its only owner reference (RS-5.7).
	Template *corev1.Pod
	// Delete are the pods to delete, in the order chosen (RS-6).
	Delete []PodRef

	rs          *appsv1.ReplicaSet
	kind        schema.GroupVersionKind
	owned       []*corev1.Pod
	terminating int
	// counted: decided by SyncCounted, from a Tally: no owned list, nOwned
	// is its length.
	counted bool
	nOwned  int
	// countTerminating: the DeploymentReplicaSetTerminatingReplicas gate
	// is on (rule 5)
	countTerminating bool
	now              time.Time
	managed          bool
	// counts for the status, taken while claiming (RS-7.1)
	fully, ready, available int32
}

// Owned lists the controller's active pods after claiming, in name order:
// what replicas counts (RS-7.1). It is made on demand (a large
// controller's sync would otherwise make a list as long as its pods that
// nobody reads); nil for a plan of SyncCounted, which reads no pod.
func (p *Plan) Owned() []PodRef {
	if p.counted || len(p.owned) == 0 {
		return nil
	}
	refs := make([]PodRef, len(p.owned))
	for i, pod := range p.owned {
		refs[i] = refOf(pod)
	}
	return refs
}

// SyncReplicaSet decides one sync of a ReplicaSet (RS-4.1): which pods it
// owns, adopts and releases, how many to create or which to delete, and
// (through Status) its new status. pods are the pods of its namespace;
// others, and pods controlled by someone else, are ignored. The inputs are
// not modified.
func SyncReplicaSet(rs *appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time, opts Options) (*Plan, error) {
	return sync(rs, ReplicaSetKind, pods, now, opts)
}

// SyncReplicationController decides one sync of a ReplicationController,
// which upstream runs as a ReplicaSet (RS-1.2): see SyncReplicaSet. Its
// status has no terminatingReplicas; convert it with
// ToReplicationControllerStatus.
func SyncReplicationController(rc *corev1.ReplicationController, pods []*corev1.Pod, now time.Time, opts Options) (*Plan, error) {
	if rc == nil {
		return nil, fmt.Errorf("workload: nil ReplicationController")
	}
	opts.Siblings = nil // an RC has no controller, so no related pods (RS-6.6)
	return sync(FromReplicationController(rc), ReplicationControllerKind, pods, now, opts)
}

func sync(rs *appsv1.ReplicaSet, kind schema.GroupVersionKind, pods []*corev1.Pod, now time.Time, opts Options) (*Plan, error) {
	if rs == nil {
		return nil, fmt.Errorf("workload: nil ReplicaSet")
	}
	sel, err := selector.FromLabelSelector(rs.Spec.Selector)
	if err != nil {
		// RS-4.1 step 3: upstream logs and stops without a retry.
		return nil, fmt.Errorf("workload: %s %s/%s has an invalid selector: %w", kind.Kind, rs.Namespace, rs.Name, err)
	}
	replicas := int32(1)
	if rs.Spec.Replicas != nil {
		replicas = *rs.Spec.Replicas
	}
	p := &Plan{rs: rs, kind: kind, now: now, OwnerRef: *metav1.NewControllerRef(rs, kind),
		countTerminating: opts.Gates.Enabled(features.DeploymentReplicaSetTerminatingReplicas)}
	costs := opts.Gates.Enabled(features.PodDeletionCost)
	deleting := rs.DeletionTimestamp != nil

	// RS-3.1 … RS-3.4, in name order (MODEL: upstream's order is the
	// informer cache's). With a Memo each pod's facts are read once for
	// all the syncs that see the same object; without one, as the loop
	// meets the pod.
	template := selector.FromSet(rs.Spec.Template.Labels)
	memo := opts.Memo
	var candIdx []int32 // with a Memo: the facts of the candidates
	if memo != nil {
		memo.begin(rs, kind)
		defer memo.end()
	}
	var candidates []*corev1.Pod
	var ownedIdx []int32 // with a Memo: the facts of p.owned
	if memo != nil {
		// The sync's own lists live in the Memo between syncs (a large
		// controller's are as long as its pods); the Plan keeps none.
		candidates, candIdx, ownedIdx = memo.cand[:0], memo.candIdx[:0], memo.ownedIdx[:0]
		defer func() {
			clear(candidates)
			memo.cand, memo.candIdx, memo.ownedIdx = candidates[:0], candIdx[:0], ownedIdx[:0]
		}()
	} else {
		candidates = make([]*corev1.Pod, 0, len(pods))
	}
	for _, pod := range pods {
		if pod == nil {
			continue
		}
		if memo != nil {
			fi := memo.atNext(pod, rs, kind, sel, template)
			if memo.facts[fi].inNS {
				candidates = append(candidates, pod)
				candIdx = append(candIdx, fi)
			}
		} else if pod.Namespace == rs.Namespace {
			candidates = append(candidates, pod)
		}
	}
	sorted := false
	if memo != nil {
		// the facts' copies of the names, not the pods'; not even those
		// when the list followed the last one, whose candidates were in
		// order
		sorted = memo.followed && memo.prevSorted ||
			slices.IsSortedFunc(candIdx, func(a, b int32) int { return compareRefs(&memo.facts[a].ref, &memo.facts[b].ref) })
		memo.prevSorted = sorted
	} else {
		sorted = slices.IsSortedFunc(candidates, byKey)
	}
	if !sorted {
		if memo == nil {
			slices.SortFunc(candidates, byKey)
		} else {
			perm := make([]int, len(candidates))
			for i := range perm {
				perm[i] = i
			}
			slices.SortFunc(perm, func(a, b int) int { return byKey(candidates[a], candidates[b]) })
			sorted, idx := make([]*corev1.Pod, len(perm)), make([]int32, len(perm))
			for i, j := range perm {
				sorted[i], idx[i] = candidates[j], candIdx[j]
			}
			candidates, candIdx = sorted, idx
		}
	}
	p.owned = make([]*corev1.Pod, 0, len(candidates))
	rank := func(pod *corev1.Pod, fi int32, idx int) rankKey {
		if memo != nil {
			return memo.rankKey(fi, idx, now)
		}
		return keyAt(pod, idx, now)
	}
	// Once more pods are owned than wanted, a deletion is certain: from
	// then on each pod's rank key is taken while the pod is in the cache
	// (one pass over memory, not two, for a large scale-down), the keys of
	// the pods owned before it at that moment.
	var keys []rankKey
	// a large scale-down's keys are a list as long as its pods: the
	// Memo's buffer serves each sync (they never leave it)
	newKeys := func(n int) []rankKey {
		if memo != nil {
			return slices.Grow(memo.keys[:0], n)
		}
		return make([]rankKey, 0, n)
	}
	if memo != nil {
		defer func() {
			if keys != nil {
				memo.keys = keys[:0]
			}
		}()
	}
	ranking := !opts.ExpectationsPending && !deleting
	own := func(pod *corev1.Pod, f *podFacts, fi int32) {
		if keys == nil && ranking && len(p.owned) == int(replicas) {
			keys = newKeys(len(candidates))
			for i, o := range p.owned {
				var oi int32
				if memo != nil {
					oi = ownedIdx[i]
				}
				keys = append(keys, rank(o, oi, i))
			}
		}
		if keys != nil {
			keys = append(keys, rank(pod, fi, len(p.owned)))
		}
		p.owned = append(p.owned, pod)
		if memo != nil {
			ownedIdx = append(ownedIdx, fi)
		}
		if f.fully {
			p.fully++
		}
		if f.ready {
			p.ready++
			if f.available(rs.Spec.MinReadySeconds, now) {
				p.available++
			}
		}
	}
	var scratch podFacts
	for ci, pod := range candidates {
		var f *podFacts
		var fi int32
		if memo != nil {
			fi = candIdx[ci]
			f = &memo.facts[fi]
		} else {
			f = &scratch
			readFacts(f, pod, rs, kind, sel, template)
		}
		if f.hasRef && !f.ours {
			continue
		}
		if f.terminates {
			// RS-4.1 step 5: only the ReplicaSet counts these.
			if f.ours && f.match && kind == ReplicaSetKind {
				p.terminating++
			}
			continue
		}
		if !f.active {
			continue
		}
		switch {
		case f.ours && f.match:
			own(pod, f, fi)
		case f.ours && !deleting:
			p.Release = append(p.Release, f.ref)
		case !f.hasRef && f.match && !deleting:
			p.Adopt = append(p.Adopt, f.ref)
			own(pod, f, fi)
		}
	}

	// RS-4.1 step 6, RS-5, RS-6.
	if opts.ExpectationsPending || deleting {
		return p, nil
	}
	p.managed = true
	diff := len(p.owned) - int(replicas)
	switch {
	case diff < 0:
		p.Create = min(-diff, BurstReplicas)
		p.Template = podFromTemplate(rs, p.OwnerRef)
	case diff > 0:
		n := min(diff, BurstReplicas)
		var doomed []*corev1.Pod
		switch {
		case n >= len(p.owned):
			doomed = slices.Clone(p.owned)
		case opts.relatedOn != nil:
			if keys == nil {
				keys = newKeys(len(p.owned))
				for i, pod := range p.owned {
					var oi int32
					if memo != nil {
						oi = ownedIdx[i]
					}
					keys = append(keys, rank(pod, oi, i))
				}
			}
			for i := range keys {
				if memo != nil {
					keys[i].rank = opts.relatedOn[memo.facts[ownedIdx[keys[i].idx]].node]
				} else {
					keys[i].rank = opts.relatedOn[p.owned[keys[i].idx].Spec.NodeName]
				}
			}
			doomed = pickDeletions(p.owned, keys, n, now, costs)
		case memo == nil:
			// only a choice needs the ranking
			doomed = podsToDelete(p.owned, relatedPods(rs, opts.Siblings, pods), keys, n, now, costs)
		default:
			if keys == nil {
				keys = newKeys(len(p.owned))
				for i := range p.owned {
					keys = append(keys, memo.rankKey(ownedIdx[i], i, now))
				}
			}
			if sets := relatedSets(rs, opts.Siblings); len(sets) > 0 {
				memo.relatedSelectors(sets)
				perNode := map[string]int32{}
				// The facts of every pod, in the order claiming met them
				// (memo.next): no lookup per pod.
				j := 0
				for _, pod := range pods {
					if pod == nil {
						continue
					}
					var fi int32
					if j < len(memo.next) && memo.facts[memo.next[j]].pod == pod {
						fi = memo.next[j]
					} else {
						fi = memo.at(pod, rs, kind, sel, template)
					}
					j++
					if memo.isRelated(fi, sets) && memo.facts[fi].active {
						perNode[memo.facts[fi].node]++
					}
				}
				for i := range keys {
					keys[i].rank = perNode[memo.facts[ownedIdx[keys[i].idx]].node]
				}
			}
			doomed = pickDeletions(p.owned, keys, n, now, costs)
		}
		for _, pod := range doomed {
			p.Delete = append(p.Delete, refOf(pod))
		}
	}
	return p, nil
}

// relatedSet is one selector of the ReplicaSets related to a sync's
// (RS-6.6).
type relatedSet struct {
	ns      string
	sel     *selector.Selector
	written *metav1.LabelSelector
}

// relatedSets are the selectors of the ReplicaSets that share rs's
// controller, rs included (RS-6.6); none for a ReplicaSet without one.
func relatedSets(rs *appsv1.ReplicaSet, siblings []*appsv1.ReplicaSet) []relatedSet {
	owner := metav1.GetControllerOfNoCopy(rs)
	if owner == nil {
		return nil
	}
	sets := []*appsv1.ReplicaSet{rs}
	for _, s := range siblings {
		if s == nil || s.UID == rs.UID {
			continue
		}
		if o := metav1.GetControllerOfNoCopy(s); o != nil && o.UID == owner.UID {
			sets = append(sets, s)
		}
	}
	sels := make([]relatedSet, 0, len(sets))
	for _, s := range sets {
		if sel, err := selector.FromLabelSelector(s.Spec.Selector); err == nil {
			sels = append(sels, relatedSet{s.Namespace, sel, s.Spec.Selector})
		}
	}
	return sels
}

func matchesAny(pod *corev1.Pod, sels []relatedSet) bool {
	for _, s := range sels {
		if pod.Namespace == s.ns && s.sel.Matches(pod.Labels) {
			return true
		}
	}
	return false
}

// relatedPods are the pods selected by the ReplicaSets that share rs's
// controller, rs included (RS-6.6), each once.
func relatedPods(rs *appsv1.ReplicaSet, siblings []*appsv1.ReplicaSet, pods []*corev1.Pod) []*corev1.Pod {
	sels := relatedSets(rs, siblings)
	if len(sels) == 0 {
		return nil
	}
	// Only the per-node counts of these pods matter, not their order:
	// one pass, each pod once.
	var out []*corev1.Pod
	for _, pod := range pods {
		if pod != nil && matchesAny(pod, sels) {
			out = append(out, pod)
		}
	}
	return out
}

// podFromTemplate is the pod a controller creates (RS-5.7).
func podFromTemplate(rs *appsv1.ReplicaSet, owner metav1.OwnerReference) *corev1.Pod {
	t := rs.Spec.Template.DeepCopy()
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			GenerateName:    rs.Name + "-",
			Namespace:       rs.Namespace,
			Labels:          t.Labels,
			Annotations:     t.Annotations,
			Finalizers:      t.Finalizers,
			OwnerReferences: []metav1.OwnerReference{owner},
		},
		Spec: t.Spec,
	}
}
