package rollout

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Explanation says why one sync of a Deployment decides what it decides,
// in words a learner reads: how maxSurge and maxUnavailable resolve, which
// branch of the sync runs, every ReplicaSet it creates, scales or deletes
// and why, and the status and conditions it writes. ExplainSync builds it
// from the sync itself: the pass that decides records each decision as it
// takes it, so the explanation is the plan's, not a second opinion.
type Explanation struct {
	// Deployment is "namespace/name".
	Deployment string
	// Replicas is spec.replicas (1 when unset), Strategy the strategy type.
	Replicas int32
	Strategy appsv1.DeploymentStrategyType
	// Fenceposts is how maxSurge and maxUnavailable resolve (§4).
	Fenceposts Fenceposts
	// ReplicaSets describes the Deployment's ReplicaSets as the sync found
	// them, oldest first, one line each.
	ReplicaSets []string
	// Path is the branch of the sync taken (§8): what the pass does at all.
	Path Decision
	// Decisions are what the pass decided, in the order it decided them.
	Decisions []Decision
	// Status says what the pass makes of the Deployment's status and
	// conditions (ST-8, PG-6, PG-8), one line each.
	Status []string
	// Events are the events the pass records, as "Type Reason: message".
	Events []string
	// Plan is the plan explained, as SyncWith returns it; Err its error.
	Plan *Plan
	Err  error
}

// Decision is one thing a sync decided, with the rules behind it.
type Decision struct {
	// ReplicaSet is the ReplicaSet concerned; "" for the Deployment.
	ReplicaSet string
	// Create, Resize and Delete say what happens to it: created with To
	// replicas, scaled from From to To, or deleted. None of them: the
	// decision changes no ReplicaSet's size (a wait, a budget, a
	// condition).
	Create, Resize, Delete bool
	From, To               int32
	// Rules are ids of docs/rules/deployment.md, e.g. "RU-2, H-3".
	Rules string
	// Text says what and why, in words.
	Text string
}

// String is the text with its rules: "… (RU-2)".
func (d Decision) String() string {
	if d.Rules == "" {
		return d.Text
	}
	return d.Text + " (" + d.Rules + ")"
}

// Fenceposts is how a Deployment's maxSurge and maxUnavailable resolve
// against its replicas (F-1 … F-7), for RollingUpdate; for Recreate both
// are 0.
type Fenceposts struct {
	// MaxSurge and MaxUnavailable are the two fields, resolved.
	MaxSurge, MaxUnavailable Fencepost
	// MaxPods is replicas + MaxSurge: the most pods the ReplicaSets ask
	// for during a rollout; MinAvailable is replicas − MaxUnavailable, the
	// fewest available pods it keeps (MinAvailable, F-7).
	MaxPods, MinAvailable int32
	// Text, for Recreate, says why there are no fenceposts.
	Text string
}

// Fencepost is one of maxSurge and maxUnavailable, resolved.
type Fencepost struct {
	// Name is "maxSurge" or "maxUnavailable"; Value is the field as
	// written ("25%", "1"), "" when unset.
	Name, Value string
	// Percent tells whether Value is a percentage; Exact is then the
	// exact share of replicas ("0.75") and Scaled the value it rounds to
	// (up for maxSurge, down for maxUnavailable).
	Percent bool
	Exact   string
	Scaled  int32
	// Resolved is what the controller uses: MaxSurge or MaxUnavailable.
	Resolved int32
	// Text says it in words: "maxSurge 25% of 3 = 0.75, rounded up to 1:
	// at most 4 pods".
	Text string
	// Rules are the ids behind Text.
	Rules string
}

// String is the text with its rules.
func (f Fencepost) String() string { return f.Text + " (" + f.Rules + ")" }

// ExplainFenceposts says how the Deployment's maxSurge and maxUnavailable
// resolve (F-1 … F-7): the values it reports as Resolved, MaxPods and
// MinAvailable are MaxSurge, MaxUnavailable and MinAvailable's. A nil
// Deployment has 1 replica and no strategy.
func ExplainFenceposts(d *appsv1.Deployment) Fenceposts {
	r := replicas(d)
	if !IsRollingUpdate(d) {
		t := "not RollingUpdate"
		if d != nil && d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
			t = "Recreate"
		}
		return Fenceposts{
			MaxSurge:       Fencepost{Name: "maxSurge", Rules: "F-5"},
			MaxUnavailable: Fencepost{Name: "maxUnavailable", Rules: "F-6"},
			MaxPods:        r, MinAvailable: MinAvailable(d),
			Text: t + ": no surge and no availability kept during a rollout (F-5, F-6, F-7)",
		}
	}
	ms, mu := rollingParams(d)
	f := Fenceposts{
		MaxSurge:       fencepost("maxSurge", ms, r, true),
		MaxUnavailable: fencepost("maxUnavailable", mu, r, false),
	}
	f.MaxSurge.Resolved, f.MaxUnavailable.Resolved = MaxSurge(d), MaxUnavailable(d)
	f.MaxPods, f.MinAvailable = r+f.MaxSurge.Resolved, MinAvailable(d)
	s, u, err := ResolveFenceposts(ms, mu, r)
	sf, uf := &f.MaxSurge, &f.MaxUnavailable
	sf.Rules, uf.Rules = "F-1, F-2", "F-1, F-2"
	if err != nil {
		sf.Text += fmt.Sprintf("; the fenceposts do not resolve (%v), so both read as 0", err)
		uf.Text += "; read as 0 with maxSurge"
		sf.Rules, uf.Rules = "F-5", "F-6"
	} else {
		if s == 0 && u == 1 && uf.Scaled == 0 {
			uf.Text += "; with maxSurge also 0 it becomes 1"
			uf.Rules = "F-3"
		}
		switch {
		case r == 0:
			uf.Text += "; with 0 replicas it is 0"
			uf.Rules += ", F-6"
		case u > r:
			uf.Text += fmt.Sprintf("; at most the %d replicas: %d", r, r)
			uf.Rules += ", F-6"
		}
	}
	sf.Text += fmt.Sprintf(": at most %d pods", f.MaxPods)
	uf.Text += fmt.Sprintf(": at least %d available", f.MinAvailable)
	return f
}

// fencepost puts one field into words, up to its rounding.
func fencepost(name string, v *intstr.IntOrString, r int32, roundUp bool) Fencepost {
	f := Fencepost{Name: name}
	if v == nil {
		f.Text = name + " not set: 0"
		return f
	}
	f.Value = v.String()
	n, err := intstr.GetScaledValueFromIntOrPercent(v, int(r), roundUp)
	if err != nil {
		f.Text = fmt.Sprintf("%s %q is not a number or a percentage", name, f.Value)
		return f
	}
	f.Scaled = int32(n)
	if v.Type != intstr.String {
		f.Text = fmt.Sprintf("%s %d", name, f.Scaled)
		return f
	}
	f.Percent = true
	p, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	f.Exact = percentOf(p, r)
	f.Text = fmt.Sprintf("%s %s of %d = %s", name, f.Value, r, f.Exact)
	if f.Exact != strconv.Itoa(n) {
		dir := "down"
		if roundUp {
			dir = "up"
		}
		f.Text += fmt.Sprintf(", rounded %s to %d", dir, n)
	}
	return f
}

// percentOf is p% of r as an exact decimal: "0.75", "2.5", "3".
func percentOf(p int, r int32) string {
	x := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(p)), big.NewInt(int64(r))), big.NewInt(100))
	return strings.TrimSuffix(strings.TrimRight(x.FloatString(2), "0"), ".")
}

// ExplainSync runs one sync of the Deployment exactly as SyncWith does and
// says why it decides what it decides (see Explanation). The plan it
// explains is in Explanation.Plan, equal to SyncWith's for the same
// inputs; the inputs are not modified.
func ExplainSync(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time, opts Options) (*Explanation, error) {
	if d == nil {
		return nil, fmt.Errorf("rollout: nil Deployment")
	}
	p := newPass(d, rss, pods, now, opts)
	p.tr = &trace{}
	err := p.sync()
	plan := p.finish(d)
	e := &Explanation{
		Deployment: d.Namespace + "/" + d.Name,
		Replicas:   replicas(d),
		Strategy:   d.Spec.Strategy.Type,
		Fenceposts: ExplainFenceposts(d),
		Plan:       plan,
		Err:        err,
		Path:       p.tr.pathDecision(d),
		Decisions:  p.tr.decisions,
	}
	e.ReplicaSets = describeReplicaSets(d, p.rss)
	e.Status = explainStatus(d, plan, now)
	for _, ev := range plan.Events {
		e.Events = append(e.Events, fmt.Sprintf("%s %s: %s", ev.Type, ev.Reason, ev.Message))
	}
	if plan.Conflict {
		e.Decisions = append(e.Decisions, Decision{Rules: "W-1", Text: "the pass stops here: its next write would carry the resourceVersion it read and conflict; the next pass carries on"})
	}
	return e, nil
}

// describeReplicaSets is one line per ReplicaSet, oldest first.
func describeReplicaSets(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) []string {
	newRS := FindNewReplicaSet(d, rss)
	var out []string
	for _, rs := range rss {
		role := "old"
		if newRS != nil && rs.UID == newRS.UID {
			role = "new"
		}
		rev := rs.Annotations[RevisionAnnotation]
		if rev == "" {
			rev = "none"
		}
		out = append(out, fmt.Sprintf("%s (%s, revision %s): %s asked for, %d available", rs.Name, role, rev, nPods(rsReplicas(rs)), rs.Status.AvailableReplicas))
	}
	if newRS == nil && d.DeletionTimestamp == nil {
		out = append(out, "no ReplicaSet has the Deployment's pod template yet (N-3)")
	}
	return out
}

// explainStatus puts the plan's status and conditions into words.
func explainStatus(d *appsv1.Deployment, plan *Plan, now time.Time) []string {
	var out []string
	s := plan.Deployment.Status
	written := "unchanged"
	if plan.WriteStatus {
		written = "written"
	}
	if plan.Update != nil {
		out = append(out, "the Deployment itself is updated (the rollback's new template and annotations) (RB-3)")
	}
	line := fmt.Sprintf("status %s: %d replicas, %d updated, %d ready, %d available (ST-1 … ST-5)", written, s.Replicas, s.UpdatedReplicas, s.ReadyReplicas, s.AvailableReplicas)
	if plan.Conflict && plan.WriteStatus {
		line += "; written by the pass's first Deployment write, the counts follow next pass (W-1)"
	}
	out = append(out, line)
	if c := condition(s.Conditions, appsv1.DeploymentAvailable); c != nil {
		cmp := "fewer than"
		if c.Status == corev1.ConditionTrue {
			cmp = "at least"
		}
		out = append(out, fmt.Sprintf("Available %s %s: %d available, %s the %d required (replicas %d − maxUnavailable %d) (ST-8)",
			c.Status, c.Reason, s.AvailableReplicas, cmp, replicas(d)-MaxUnavailable(d), replicas(d), MaxUnavailable(d)))
	}
	if c := condition(s.Conditions, appsv1.DeploymentProgressing); c != nil {
		line := fmt.Sprintf("Progressing %s %s: %s", c.Status, c.Reason, strings.TrimSuffix(c.Message, "."))
		switch c.Reason {
		case ReasonNewReplicaSetAvailable:
			line += " — the rollout is complete (PG-3)"
		case ReasonProgressDeadlineExceeded:
			line += fmt.Sprintf(" — no progress for more than progressDeadlineSeconds %d (PG-5)", deadline(d))
		case ReasonDeploymentPaused, ReasonDeploymentResumed:
			line += " (PG-7)"
		default:
			line += " (PG-6)"
		}
		out = append(out, line)
	} else if !HasProgressDeadline(d) {
		out = append(out, "no progress deadline: no Progressing condition (PG-6)")
	}
	if c := condition(s.Conditions, appsv1.DeploymentReplicaFailure); c != nil {
		out = append(out, fmt.Sprintf("ReplicaFailure %s %s: %s, from a ReplicaSet (PG-6)", c.Status, c.Reason, c.Message))
	}
	if plan.RequeueAfter > 0 {
		cur := condition(d.Status.Conditions, appsv1.DeploymentProgressing)
		at := "now"
		if cur != nil {
			at = "in " + cur.LastUpdateTime.Add(time.Duration(deadline(d))*time.Second).Sub(now).String()
		}
		out = append(out, fmt.Sprintf("look again in %s: the progress deadline (%d s after the last progress) passes %s (PG-8)", plan.RequeueAfter, deadline(d), at))
	}
	return out
}

func deadline(d *appsv1.Deployment) int32 {
	if d.Spec.ProgressDeadlineSeconds == nil {
		return 0
	}
	return *d.Spec.ProgressDeadlineSeconds
}

// nPods is "1 pod", "3 pods".
func nPods(n int32) string {
	if n == 1 {
		return "1 pod"
	}
	return fmt.Sprintf("%d pods", n)
}

// String renders the explanation: a heading, then one indented line per
// fact and decision.
func (e *Explanation) String() string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Deployment %s: %d replicas, %s\n", e.Deployment, e.Replicas, e.Strategy)
	if e.Fenceposts.Text != "" {
		fmt.Fprintf(&b, "  %s\n", e.Fenceposts.Text)
	} else {
		fmt.Fprintf(&b, "  %s\n  %s\n", e.Fenceposts.MaxSurge, e.Fenceposts.MaxUnavailable)
	}
	if len(e.ReplicaSets) > 0 {
		b.WriteString("  ReplicaSets:\n")
		for _, l := range e.ReplicaSets {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	fmt.Fprintf(&b, "  sync: %s\n", e.Path)
	for _, d := range e.Decisions {
		fmt.Fprintf(&b, "    - %s\n", d)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, "    - the sync fails: %v\n", e.Err)
	}
	for _, l := range e.Status {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	for _, l := range e.Events {
		fmt.Fprintf(&b, "  event: %s\n", l)
	}
	return b.String()
}

// ---- the trace a pass keeps for ExplainSync ----------------------------------

// syncPath is the branch of the sync a pass takes (§8).
type syncPath uint8

const (
	pathNone syncPath = iota
	pathSelectingAll
	pathDeleting
	pathPaused
	pathRollback
	pathScaling
	pathRecreate
	pathRolling
)

// trace records a pass's decisions. Every method is a no-op on a nil
// trace, which is what Sync runs with; the arguments the pass hands it are
// values it already holds, so an untraced pass pays a nil check.
type trace struct {
	path      syncPath
	scaling   string // the scaling event's words
	decisions []Decision
}

func (t *trace) setPath(p syncPath) {
	if t != nil {
		t.path = p
	}
}

func (t *trace) add(d Decision) { t.decisions = append(t.decisions, d) }

// mark and cancelOld undo the notes of a cancelled scale-down (RU-4).
func (t *trace) mark() int {
	if t == nil {
		return 0
	}
	return len(t.decisions)
}

func (t *trace) cancelOld(mark int, rs *appsv1.ReplicaSet) {
	if t == nil {
		return
	}
	t.decisions = t.decisions[:mark]
	t.add(Decision{ReplicaSet: rs.Name, Rules: "RU-4", Text: fmt.Sprintf("old ReplicaSet %s reports %d available pods, more than its %d: the whole scale-down is cancelled this pass",
		rs.Name, rs.Status.AvailableReplicas, rsReplicas(rs))})
}

func (t *trace) pathDecision(d *appsv1.Deployment) Decision {
	switch t.path {
	case pathSelectingAll:
		return Decision{Rules: "S-2", Text: "the selector is empty and selects every pod: a SelectingAll warning, nothing else"}
	case pathDeleting:
		return Decision{Rules: "S-4", Text: "the Deployment is being deleted: only its status is brought up to date"}
	case pathPaused:
		return Decision{Rules: "S-6, PA-1", Text: "the Deployment is paused: its ReplicaSets are only scaled to a changed size and cleaned up; no rollout step"}
	case pathRollback:
		return Decision{Rules: "S-7, RB-1", Text: fmt.Sprintf("the legacy rollback annotation asks for revision %s (0: the last one)", d.Annotations[RollbackToAnnotation])}
	case pathScaling:
		return Decision{Rules: "S-8, P-2", Text: t.scaling}
	case pathRecreate:
		return Decision{Rules: "S-9, RC-1", Text: "Recreate: old ReplicaSets to 0, wait for their pods to go, then the new ReplicaSet at full size"}
	case pathRolling:
		return Decision{Rules: "S-9, RU-1", Text: "RollingUpdate: one step — grow the new ReplicaSet within maxSurge, or else shrink old ones within maxUnavailable"}
	}
	switch d.Spec.Strategy.Type {
	case appsv1.RecreateDeploymentStrategyType, appsv1.RollingUpdateDeploymentStrategyType:
		// The pass stopped between the scaling check and the strategy.
		return Decision{Rules: "S-9, W-1", Text: "the pass ends before its strategy step: a write it made while checking for a scaling event would make the next one conflict"}
	}
	return Decision{Text: fmt.Sprintf("unknown strategy type %q: nothing is done", d.Spec.Strategy.Type)}
}

func (t *trace) scalingEvent(rs *appsv1.ReplicaSet, desired, r int32) {
	if t == nil {
		return
	}
	t.scaling = fmt.Sprintf("scaling event: ReplicaSet %s was sized for %d replicas (its desired-replicas annotation), the Deployment now wants %d: this pass only scales", rs.Name, desired, r)
}

func (t *trace) pausedCondition(paused bool) {
	if t == nil {
		return
	}
	if paused {
		t.add(Decision{Rules: "PG-7", Text: "just paused: Progressing becomes Unknown DeploymentPaused, and the progress deadline stops counting"})
		return
	}
	t.add(Decision{Rules: "PG-7", Text: "just resumed: Progressing becomes Unknown DeploymentResumed, and the progress deadline counts again from now"})
}

func (t *trace) syncedNewRS(rs *appsv1.ReplicaSet) {
	if t == nil {
		return
	}
	t.add(Decision{ReplicaSet: rs.Name, Rules: "R-2", Text: fmt.Sprintf("new ReplicaSet %s takes the Deployment's annotations, revision %s and minReadySeconds", rs.Name, rs.Annotations[RevisionAnnotation])})
}

func (t *trace) created(d *appsv1.Deployment, old []*appsv1.ReplicaSet, rs *appsv1.ReplicaSet) {
	if t == nil {
		return
	}
	n := rsReplicas(rs)
	dec := Decision{ReplicaSet: rs.Name, Create: true, To: n}
	head := fmt.Sprintf("new ReplicaSet %s (revision %s) created for the pod template, named after its hash", rs.Name, rs.Annotations[RevisionAnnotation])
	switch {
	case !IsRollingUpdate(d):
		dec.Rules, dec.Text = "RC-4, H-3", fmt.Sprintf("%s, at %s: every old pod is gone", head, nPods(n))
	case len(old) == 0:
		dec.Rules, dec.Text = "H-8, H-3", fmt.Sprintf("%s, at %s: there is no old ReplicaSet to replace", head, nPods(n))
	default:
		zero := rs.DeepCopy()
		zero.Spec.Replicas = new(int32)
		rm, _ := newRSRoom(d, append(append([]*appsv1.ReplicaSet{}, old...), zero), zero)
		dec.Rules, dec.Text = "RU-2, H-3", fmt.Sprintf("%s, at %s: %s", head, nPods(n), roomWords(rm, 0, replicas(d)))
	}
	t.add(dec)
}

// roomWords explains NewRSReplicas's arithmetic (RU-2) for a new
// ReplicaSet of size from.
func roomWords(rm room, from, r int32) string {
	if rm.current >= rm.maxTot {
		return fmt.Sprintf("the ReplicaSets already ask for %s, and maxSurge allows at most %d, so no room to grow", nPods(rm.current), rm.maxTot)
	}
	free := rm.maxTot - rm.current
	if need := r - from; need < free {
		return fmt.Sprintf("the ReplicaSets ask for %s of at most %d, room for %d, and it needs only %d more to reach %d", nPods(rm.current), rm.maxTot, free, need, r)
	}
	return fmt.Sprintf("the ReplicaSets ask for %s of at most %d (replicas %d + maxSurge %d), so room for %d more", nPods(rm.current), rm.maxTot, r, rm.maxTot-r, free)
}

func (t *trace) grewNew(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, n int32, scaled bool) {
	if t == nil {
		return
	}
	rm, _ := newRSRoom(d, all, newRS)
	from, r := rsReplicas(newRS), replicas(d)
	dec := Decision{ReplicaSet: newRS.Name, From: from, To: n, Rules: "RU-2, RU-3"}
	if n == from {
		dec.Text = fmt.Sprintf("new ReplicaSet %s stays at %d of %d: %s", newRS.Name, from, r, roomWords(rm, from, r))
	} else {
		dec.Resize = true
		dec.Text = fmt.Sprintf("new ReplicaSet %s scaled up from %d to %d: %s", newRS.Name, from, n, roomWords(rm, from, r))
		if !scaled {
			dec.Text += "; not written in this pass"
		}
	}
	t.add(dec)
}

func (t *trace) newRSError(newRS *appsv1.ReplicaSet, err error) {
	if t == nil {
		return
	}
	t.add(Decision{ReplicaSet: newRS.Name, Rules: "F-8", Text: fmt.Sprintf("new ReplicaSet %s is not scaled: %v", newRS.Name, err)})
}

// resizeWhy names the reason a call site scales a ReplicaSet.
type resizeWhy uint8

const (
	whyOnlyActive   resizeWhy = iota // P-3
	whySaturated                     // P-4
	whyProportion                    // P-5
	whyNewComplete                   // RU-3, nothing to do
	whyNewAbove                      // RU-3
	whyUnhealthy                     // RU-4 step 1
	whyOldAvailable                  // RU-4 step 2
	whyRecreateOld                   // RC-2
	whyRecreateNew                   // RC-5
)

// resize notes a ReplicaSet scaled (or kept) to `to`; changed is what
// scaleRS reported: false with a different size means the write did not
// happen (W-1).
func (t *trace) resize(why resizeWhy, rs *appsv1.ReplicaSet, to int32, changed bool) {
	if t == nil {
		return
	}
	from := rsReplicas(rs)
	dec := Decision{ReplicaSet: rs.Name, From: from, To: to, Resize: from != to}
	move := fmt.Sprintf("from %d to %d", from, to)
	switch why {
	case whyOnlyActive:
		dec.Rules = "P-3"
		if from == to {
			dec.Text = fmt.Sprintf("%s is the only active ReplicaSet and already has %s", rs.Name, nPods(to))
		} else {
			dec.Text = fmt.Sprintf("%s is the only active ReplicaSet: scaled %s", rs.Name, move)
		}
	case whySaturated:
		dec.Rules, dec.Text = "P-4", fmt.Sprintf("the new ReplicaSet holds and has available all the replicas: old ReplicaSet %s scaled %s", rs.Name, move)
	case whyProportion:
		dec.Rules, dec.Text = "P-5, P-6, P-7", fmt.Sprintf("%s scaled %s, its share of the change by its size", rs.Name, move)
		if from == to {
			dec.Text = fmt.Sprintf("%s keeps %s", rs.Name, nPods(to))
		}
	case whyNewComplete:
		dec.Rules, dec.Text = "RU-3", fmt.Sprintf("new ReplicaSet %s already has all %s", rs.Name, nPods(to))
	case whyNewAbove:
		dec.Rules, dec.Text = "RU-3", fmt.Sprintf("new ReplicaSet %s has %d, more than the %d wanted: scaled down %s", rs.Name, from, to, move)
	case whyUnhealthy:
		dec.Rules, dec.Text = "RU-4", fmt.Sprintf("old ReplicaSet %s has %d pods not available: they go first, scaled %s", rs.Name, from-rs.Status.AvailableReplicas, move)
	case whyOldAvailable:
		dec.Rules, dec.Text = "RU-4", fmt.Sprintf("old ReplicaSet %s scaled down %s (oldest first)", rs.Name, move)
	case whyRecreateOld:
		dec.Rules, dec.Text = "RC-2", fmt.Sprintf("old ReplicaSet %s scaled down %s before any new pod starts", rs.Name, move)
	case whyRecreateNew:
		dec.Rules = "RC-5"
		if from == to {
			dec.Text = fmt.Sprintf("new ReplicaSet %s has all %s", rs.Name, nPods(to))
		} else {
			dec.Text = fmt.Sprintf("every old pod is gone: new ReplicaSet %s scaled %s", rs.Name, move)
		}
	}
	if from != to && !changed {
		dec.Text += "; not written in this pass"
	}
	t.add(dec)
}

func (t *trace) proportional(allowed, total, toAdd int32) {
	if t == nil {
		return
	}
	text := fmt.Sprintf("replicas + maxSurge allow %s and the active ReplicaSets ask for %d", nPods(allowed), total)
	switch {
	case toAdd > 0:
		text += fmt.Sprintf(": %d to add, shared in proportion to their sizes, larger and newer first", toAdd)
	case toAdd < 0:
		text += fmt.Sprintf(": %d to remove, shared in proportion to their sizes, larger and older first", -toAdd)
	default:
		text += ": nothing to share out; their annotations are brought up to date"
	}
	t.add(Decision{Rules: "P-5", Text: text})
}

func (t *trace) noOldPods() {
	if t == nil {
		return
	}
	t.add(Decision{Rules: "RU-4", Text: "no old ReplicaSet asks for pods: nothing to scale down"})
}

func (t *trace) oldBudget(total, minAvailable int32, newRS *appsv1.ReplicaSet, maxScaledDown int32) {
	if t == nil {
		return
	}
	unavailable := rsReplicas(newRS) - newRS.Status.AvailableReplicas
	text := fmt.Sprintf("old pods that may go: %d asked for − at least %d available − %d new not available yet = %d", total, minAvailable, unavailable, maxScaledDown)
	if maxScaledDown <= 0 {
		text += ": none may go yet, the old ReplicaSets keep their pods"
	}
	t.add(Decision{Rules: "RU-4", Text: text})
}

func (t *trace) availableBudget(available, minAvailable int32) {
	if t == nil {
		return
	}
	if available > minAvailable {
		t.add(Decision{Rules: "RU-4", Text: fmt.Sprintf("%d pods available, %d more than the %d required: up to %s of the old ReplicaSets may go, oldest ReplicaSet first", available, available-minAvailable, minAvailable, nPods(available-minAvailable))})
		return
	}
	t.add(Decision{Rules: "RU-4", Text: fmt.Sprintf("%d pods available, no more than the %d required: no available old pod may go", available, minAvailable)})
}

func (t *trace) oldReplicasLeft(n int32) {
	if t == nil {
		return
	}
	t.add(Decision{Rules: "RC-3", Text: fmt.Sprintf("Recreate waits: the old ReplicaSets still report %s", nPods(n))})
}

func (t *trace) oldPodLeft(rs *appsv1.ReplicaSet, pod *corev1.Pod) {
	if t == nil {
		return
	}
	phase := string(pod.Status.Phase)
	if phase == "" {
		phase = "without a phase"
	}
	t.add(Decision{ReplicaSet: rs.Name, Rules: "RC-3", Text: fmt.Sprintf("Recreate waits: pod %s of old ReplicaSet %s is %s, not Failed or Succeeded", pod.Name, rs.Name, phase)})
}

func (t *trace) cleanup(rs *appsv1.ReplicaSet, limit int32, deleted bool) {
	if t == nil {
		return
	}
	rev := rs.Annotations[RevisionAnnotation]
	if deleted {
		t.add(Decision{ReplicaSet: rs.Name, Delete: true, Rules: "CU-2, CU-3, CU-4", Text: fmt.Sprintf("old ReplicaSet %s (revision %s) deleted: more old ReplicaSets than revisionHistoryLimit %d, oldest revision first", rs.Name, rev, limit)})
		return
	}
	why := "it still has pods"
	switch {
	case rs.DeletionTimestamp != nil:
		why = "it is being deleted"
	case rs.Status.Replicas == 0 && rsReplicas(rs) == 0:
		why = "its status has not caught up with its spec"
	}
	t.add(Decision{ReplicaSet: rs.Name, Rules: "CU-4", Text: fmt.Sprintf("old ReplicaSet %s (revision %s) is beyond revisionHistoryLimit %d but kept: %s", rs.Name, rev, limit, why)})
}
