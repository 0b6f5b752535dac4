package workload

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/features"
)

// Explanation says why one sync of a ReplicaSet or ReplicationController
// decides what it does, in words a learner reads: the pods it counts, how
// many it creates and in which slow-start batches, and for each pod it
// deletes the rank rule that put it before the first pod it keeps.
// ExplainReplicaSet and ExplainReplicationController build it from the
// sync's own plan and ranking.
type Explanation struct {
	// Controller is "ReplicaSet default/web" or "ReplicationController
	// default/web".
	Controller string
	// Replicas is spec.replicas (1 when unset); Active is the number of
	// active pods the sync owns after claiming (RS-7.1).
	Replicas int32
	Active   int
	// Lines say what the sync decides and why, one fact each, with rule
	// ids.
	Lines []string
	// Create is the number of pods to create and Batches their slow-start
	// batches (RS-5.1, RS-5.3).
	Create  int
	Batches []int
	// Deletions are the pods to delete, in the plan's order, each with the
	// reason it goes before the first pod kept (RS-6).
	Deletions []Deletion
	// Ranking is every owned pod in the ranking's deletion order, when
	// the sync ranked them (it deletes some but not all of them).
	Ranking []RankedPod
	// Status says what the sync makes of the status, one line each
	// (RS-7).
	Status []string
	// Plan is the plan explained, as the sync returns it.
	Plan *Plan
}

// Deletion is one pod a sync deletes and why.
type Deletion struct {
	// Pod is the pod deleted.
	Pod PodRef
	// Rule is the id of the ranking rule that separates the pod from Kept
	// ("RS-6.3.2"), "RS-6.3.9" when none does, "RS-6.2" when every pod
	// goes and nothing is ranked.
	Rule string
	// Kept is the first pod the ranking keeps, the one this pod is
	// compared with; empty when every pod goes.
	Kept PodRef
	// Text says why, in words.
	Text string
}

// String is the deletion in words, with its rule.
func (d Deletion) String() string {
	return fmt.Sprintf("delete %s: %s (%s)", d.Pod.Name, d.Text, d.Rule)
}

// RankedPod is a pod as the scale-down ranking sees it.
type RankedPod struct {
	// Pod is the pod ranked.
	Pod PodRef
	// Deleted tells whether the sync deletes it.
	Deleted bool
	// Facts are what the ranking looks at, in words: node, phase, ready
	// time, deletion cost, related pods on its node, restarts, age.
	Facts string
}

// ExplainReplicaSet runs one sync of the ReplicaSet as SyncReplicaSet
// does and says why it decides what it does (see Explanation); the plan
// is SyncReplicaSet's. opts.Memo is not used (the plan is the same without
// it) and the inputs are not modified.
func ExplainReplicaSet(rs *appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time, opts Options) (*Explanation, error) {
	opts.Memo = nil
	plan, err := SyncReplicaSet(rs, pods, now, opts)
	if err != nil {
		return nil, err
	}
	return explain(plan, pods, opts), nil
}

// ExplainReplicationController is ExplainReplicaSet for an RC, synced as
// SyncReplicationController syncs it.
func ExplainReplicationController(rc *corev1.ReplicationController, pods []*corev1.Pod, now time.Time, opts Options) (*Explanation, error) {
	opts.Memo = nil
	plan, err := SyncReplicationController(rc, pods, now, opts)
	if err != nil {
		return nil, err
	}
	opts.Siblings = nil
	return explain(plan, pods, opts), nil
}

func explain(p *Plan, pods []*corev1.Pod, opts Options) *Explanation {
	rs := p.rs
	e := &Explanation{Controller: fmt.Sprintf("%s %s/%s", p.kind.Kind, rs.Namespace, rs.Name), Replicas: 1, Active: len(p.owned), Plan: p}
	if rs.Spec.Replicas != nil {
		e.Replicas = *rs.Spec.Replicas
	}
	line := func(format string, args ...any) { e.Lines = append(e.Lines, fmt.Sprintf(format, args...)) }
	for _, ref := range p.Adopt {
		line("adopts orphan %s: its labels match the selector and it has no controller (RS-3.4)", ref.Name)
	}
	for _, ref := range p.Release {
		line("releases %s: its labels no longer match the selector (RS-3.7)", ref.Name)
	}
	switch {
	case rs.DeletionTimestamp != nil:
		line("being deleted: it only claims pods and writes its status; it creates and deletes nothing (RS-4.2)")
	case opts.ExpectationsPending:
		line("earlier creations or deletions are not observed yet: it only claims pods and writes its status (RS-8.2)")
	case p.Create > 0:
		e.Create, e.Batches = p.Create, Batches(p.Create)
		diff := int(e.Replicas) - e.Active
		text := fmt.Sprintf("wants %d, has %s: creates %d", e.Replicas, activePods(e.Active), p.Create)
		if diff > p.Create {
			text += fmt.Sprintf(" (%d missing, at most %d per sync)", diff, BurstReplicas)
		}
		line("%s, in slow-start batches %s (RS-5.1, RS-5.3)", text, joinInts(e.Batches))
	case len(p.Delete) > 0:
		line("wants %d, has %s: deletes %d (RS-6.1)", e.Replicas, activePods(e.Active), len(p.Delete))
		e.explainDeletions(p, pods, opts)
	default:
		line("wants %d, has %s: nothing to create or delete (RS-4.1)", e.Replicas, activePods(e.Active))
	}
	status, write := p.Status(nil)
	what := "unchanged"
	if write {
		what = "written"
	}
	e.Status = append(e.Status, fmt.Sprintf("status %s: %d replicas, %d fully labeled, %d ready, %d available — the pods it saw, not the ones it creates or deletes (RS-7.1, RS-7.2)",
		what, status.Replicas, status.FullyLabeledReplicas, status.ReadyReplicas, status.AvailableReplicas))
	if d := p.RequeueAfter(status); d > 0 {
		e.Status = append(e.Status, fmt.Sprintf("looks again in %s, when the next ready pod has been ready for minReadySeconds %d (RS-7.6)", d, rs.Spec.MinReadySeconds))
	}
	return e
}

// explainDeletions ranks the owned pods as the sync did and says, for
// each pod deleted, which rule put it before the first pod kept.
func (e *Explanation) explainDeletions(p *Plan, pods []*corev1.Pod, opts Options) {
	if len(p.Delete) >= len(p.owned) {
		for _, ref := range p.Delete {
			e.Deletions = append(e.Deletions, Deletion{Pod: ref, Rule: "RS-6.2", Text: "every pod goes, in the order listed, without ranking"})
		}
		return
	}
	var related []*corev1.Pod
	if p.kind == ReplicaSetKind {
		related = relatedPods(p.rs, opts.Siblings, pods)
	}
	costs := opts.Gates.Enabled(features.PodDeletionCost)
	keys := rankedKeys(p.owned, related, nil, p.now)
	sortKeys(p.owned, keys, p.now, costs)
	n := len(p.Delete)
	kept := &keys[n]
	keptPod := p.owned[kept.idx]
	for i := range keys {
		k := &keys[i]
		pod := p.owned[k.idx]
		e.Ranking = append(e.Ranking, RankedPod{Pod: refOf(pod), Deleted: i < n, Facts: facts(pod, k, p.now, costs, related != nil)})
		if i >= n {
			continue
		}
		rule, first, why := decidingRule(k, kept, pod, keptPod, p.now)
		d := Deletion{Pod: refOf(pod), Kept: refOf(keptPod), Rule: rankRules[rule], Text: why}
		if !first {
			d.Text = fmt.Sprintf("compared alone with %s it would stay (%s), but the sort put it before: the ranking is not always transitive (RS-6.5)", keptPod.Name, why)
		}
		e.Deletions = append(e.Deletions, d)
	}
}

// The ranking's rules, in DeletesBefore's order (RS-6.3).
var rankRules = [...]string{"RS-6.3.1", "RS-6.3.2", "RS-6.3.3", "RS-6.3.4", "RS-6.3.5", "RS-6.3.6", "RS-6.3.7", "RS-6.3.8", "RS-6.3.9"}

const (
	ruleUnassigned = iota
	rulePhase
	ruleReady
	ruleCost
	ruleRank
	ruleReadyTime
	ruleRestarts
	ruleCreated
	ruleEquivalent
)

// decidingRule is the first rule of the ranking (less, RS-6.3) that
// separates a from b: its index in rankRules, whether it puts a first,
// and the reason in words. It follows less step by step; the property
// test TestDecidingRuleAgreesWithLess checks that first is less(a, b).
func decidingRule(a, b *rankKey, pa, pb *corev1.Pod, now time.Time) (rule int, first bool, why string) {
	name := pb.Name
	switch {
	case a.unassigned != b.unassigned:
		if a.unassigned {
			return ruleUnassigned, true, fmt.Sprintf("it is on no node yet, %s is on %s: unassigned pods go first", name, pb.Spec.NodeName)
		}
		return ruleUnassigned, false, fmt.Sprintf("%s is on no node yet", name)
	case a.phase != b.phase:
		return rulePhase, a.phase < b.phase, fmt.Sprintf("it is %s, %s is %s: Pending before Unknown before Running", phaseName(pa), name, phaseName(pb))
	case a.ready != b.ready:
		if !a.ready {
			return ruleReady, true, fmt.Sprintf("it is not ready, %s is: pods not ready go first", name)
		}
		return ruleReady, false, fmt.Sprintf("%s is not ready, it is", name)
	case a.cost != b.cost:
		return ruleCost, a.cost < b.cost, fmt.Sprintf("its pod-deletion-cost is %d, %s's %d: the lower cost goes first", a.cost, name, b.cost)
	case a.rank != b.rank:
		return ruleRank, a.rank > b.rank, fmt.Sprintf("its node %s runs %d related active pods, %s's node %s runs %d: pods on the more crowded node go first",
			nodeName(pa), a.rank, name, nodeName(pb), b.rank)
	}
	// Within one log2 age band the UIDs decide, and the later rules are
	// skipped (RS-6.3.6, RS-6.3.8).
	uid := func(rule int, what string) (int, bool, string) {
		ua, ub := string(pa.UID), string(pb.UID)
		if ua == ub {
			return ruleEquivalent, false, fmt.Sprintf("%s, with the same UID: neither goes first", what)
		}
		return rule, ua < ub, fmt.Sprintf("%s: in one log2 age band the lower UID goes first, %s %s %s", what, shortUID(ua), cmpWord(ua < ub), shortUID(ub))
	}
	if a.ready && b.ready && (a.readyTime != b.readyTime || a.zeroReady != b.zeroReady) {
		if now.IsZero() || a.zeroReady || b.zeroReady {
			first := afterOrZero(a.readyTime, b.readyTime, a.zeroReady, b.zeroReady)
			return ruleReadyTime, first, fmt.Sprintf("ready since %s, %s since %s: the more recently ready goes first (an unknown time counts as most recent)", since(a.readyTime, a.zeroReady, now), name, since(b.readyTime, b.zeroReady, now))
		}
		if a.readyBucket == b.readyBucket {
			return uid(ruleReadyTime, fmt.Sprintf("both ready for about as long (%s and %s, band %d)", age(a.readyTime, now), age(b.readyTime, now), a.readyBucket))
		}
		return ruleReadyTime, a.readyBucket < b.readyBucket, fmt.Sprintf("ready for %s (band %d), %s for %s (band %d): the more recently ready goes first, by log2 age band", age(a.readyTime, now), a.readyBucket, name, age(b.readyTime, now), b.readyBucket)
	}
	if a.restarts != b.restarts {
		return ruleRestarts, a.restarts > b.restarts, fmt.Sprintf("its containers restarted %d times at most, %s's %d: more restarts go first", a.restarts, name, b.restarts)
	}
	if a.sidecars != b.sidecars {
		return ruleRestarts, a.sidecars > b.sidecars, fmt.Sprintf("its sidecars restarted %d times at most, %s's %d: more restarts go first", a.sidecars, name, b.sidecars)
	}
	if a.created != b.created || a.zeroCreated != b.zeroCreated {
		if now.IsZero() || a.zeroCreated || b.zeroCreated {
			first := afterOrZero(a.created, b.created, a.zeroCreated, b.zeroCreated)
			return ruleCreated, first, fmt.Sprintf("created %s, %s %s: newer pods go first (an unknown time counts as newest)", since(a.created, a.zeroCreated, now), name, since(b.created, b.zeroCreated, now))
		}
		if a.createdBkt == b.createdBkt {
			return uid(ruleCreated, fmt.Sprintf("both created about as long ago (%s and %s, band %d)", age(a.created, now), age(b.created, now), a.createdBkt))
		}
		return ruleCreated, a.createdBkt < b.createdBkt, fmt.Sprintf("created %s ago (band %d), %s %s ago (band %d): newer pods go first, by log2 age band", age(a.created, now), a.createdBkt, name, age(b.created, now), b.createdBkt)
	}
	return ruleEquivalent, false, fmt.Sprintf("no rule separates it from %s: the sort's order decides (pods sorted by name first, MODEL)", name)
}

func cmpWord(less bool) string {
	if less {
		return "<"
	}
	return ">"
}

// shortUID is a UID cut for reading.
func shortUID(u string) string {
	if len(u) > 8 {
		return u[:8] + "…"
	}
	return u
}

func phaseName(p *corev1.Pod) string {
	switch p.Status.Phase {
	case corev1.PodRunning, corev1.PodUnknown, corev1.PodPending:
		return string(p.Status.Phase)
	case "":
		return "without a phase (as Pending)"
	}
	return fmt.Sprintf("%q (as Pending)", p.Status.Phase)
}

func nodeName(p *corev1.Pod) string {
	if p.Spec.NodeName == "" {
		return "(none)"
	}
	return p.Spec.NodeName
}

// age is now − t in whole seconds.
func age(t int64, now time.Time) string {
	return now.Sub(time.Unix(0, t)).Truncate(time.Second).String()
}

func since(t int64, zero bool, now time.Time) string {
	if zero {
		return "an unknown time"
	}
	return age(t, now) + " ago"
}

// facts puts what the ranking looks at into words.
func facts(p *corev1.Pod, k *rankKey, now time.Time, costs, ranked bool) string {
	var parts []string
	if k.unassigned {
		parts = append(parts, "on no node")
	} else {
		parts = append(parts, "on "+p.Spec.NodeName)
	}
	parts = append(parts, phaseName(p))
	switch {
	case !k.ready:
		parts = append(parts, "not ready")
	case k.zeroReady:
		parts = append(parts, "ready (time unknown)")
	case now.IsZero():
		parts = append(parts, "ready for "+age(k.readyTime, now))
	default:
		parts = append(parts, fmt.Sprintf("ready for %s (band %d)", age(k.readyTime, now), k.readyBucket))
	}
	if costs && k.cost != 0 {
		parts = append(parts, fmt.Sprintf("deletion cost %d", k.cost))
	}
	if ranked {
		related := "related pods"
		if k.rank == 1 {
			related = "related pod"
		}
		parts = append(parts, fmt.Sprintf("%d %s on its node", k.rank, related))
	}
	parts = append(parts, fmt.Sprintf("%d restarts", k.restarts))
	if k.zeroCreated {
		parts = append(parts, "creation time unknown")
	} else if now.IsZero() {
		parts = append(parts, "created "+age(k.created, now)+" ago")
	} else {
		parts = append(parts, fmt.Sprintf("created %s ago (band %d)", age(k.created, now), k.createdBkt))
	}
	return strings.Join(parts, ", ")
}

func activePods(n int) string {
	if n == 1 {
		return "1 active pod"
	}
	return fmt.Sprintf("%d active pods", n)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// String renders the explanation: a heading, then one indented line per
// fact, deletion and ranked pod.
func (e *Explanation) String() string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	replicas := "replicas"
	if e.Replicas == 1 {
		replicas = "replica"
	}
	fmt.Fprintf(&b, "%s: %d %s, %s\n", e.Controller, e.Replicas, replicas, activePods(e.Active))
	for _, l := range e.Lines {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	for _, d := range e.Deletions {
		fmt.Fprintf(&b, "  - %s\n", d)
	}
	if len(e.Ranking) > 0 {
		b.WriteString("  ranking, first to go first (RS-6.3):\n")
		for i, r := range e.Ranking {
			mark := "keep  "
			if r.Deleted {
				mark = "delete"
			}
			fmt.Fprintf(&b, "    %d. %s %s: %s\n", i+1, mark, r.Pod.Name, r.Facts)
		}
	}
	for _, l := range e.Status {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	return b.String()
}
