package rollout

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/features"
)

// Event is an event the controller records on the Deployment (C-6).
type Event struct {
	Type, Reason, Message string
}

// Plan is what one sync of a Deployment decided (§8), for the caller to
// carry out in this order: create Create, write each of Updates (the whole
// new ReplicaSet), delete Deletes, write Deployment's status and
// annotations when WriteStatus, record Events, and look again after
// RequeueAfter when it is not zero, or at once when Conflict. (Upstream
// interleaves these writes; the objects come out the same.)
type Plan struct {
	// Create is the new ReplicaSet to create, or nil. If the name is taken
	// by a ReplicaSet with another template, the caller raises
	// status.collisionCount (see Collision) and syncs again (H-6).
	Create *appsv1.ReplicaSet
	// Updates are ReplicaSets to write, each as its whole new object; one
	// ReplicaSet may be written more than once, the last write winning.
	Updates []*appsv1.ReplicaSet
	// Deletes are the names of old ReplicaSets to delete (CU-*).
	Deletes []string
	// Deployment is the Deployment whose status and annotations the pass
	// writes when WriteStatus; otherwise a copy of the one it was given.
	Deployment  *appsv1.Deployment
	WriteStatus bool
	// Update, when set, is the Deployment to write with a normal update
	// (its spec and annotations): the controller's answer to the legacy
	// rollback annotation (RB-*).
	Update *appsv1.Deployment
	Events []Event
	// RequeueAfter is when to look again to catch a progress deadline
	// (PG-8); 0 when nothing is time-driven.
	RequeueAfter time.Duration
	// Conflict reports that the pass stopped where upstream's stops on a
	// Conflict from the apiserver (W-1): upstream sends every write from
	// the copy the pass read (or last got back), so a second write of the
	// Deployment in one pass, or a second write of a ReplicaSet from its
	// listed copy, carries a stale resourceVersion. The plan holds what was
	// written before that point; the caller carries it out and syncs again
	// (upstream requeues with its rate-limited back-off, 5 ms doubling).
	Conflict bool
}

// pass is one sync in progress.
type pass struct {
	d    *appsv1.Deployment // a working copy; its status and annotations accumulate
	rss  []*appsv1.ReplicaSet
	pods map[types.UID][]*corev1.Pod
	now  time.Time
	plan *Plan
	// countTerminating: the DeploymentReplicaSetTerminatingReplicas gate
	// is on (rule 21)
	countTerminating bool
	// found caches which listed ReplicaSet is new and which are old: the
	// Deployment's template does not change during a pass, and comparing
	// templates is the costly part.
	found    bool
	foundNew *appsv1.ReplicaSet
	foundOld []*appsv1.ReplicaSet
	// written is the Deployment as the pass's one successful write sent
	// it; latest is, per ReplicaSet name, the object the last write of it
	// returned; conflict is set by the first write that would fail (W-1).
	written  *appsv1.Deployment
	latest   map[string]*appsv1.ReplicaSet
	conflict bool
	// tr, set only by ExplainSync, records why the pass decides what it
	// does (explain.go); Sync leaves it nil and every note is skipped.
	tr *trace
}

// writeDeployment records a write of the Deployment's status and
// annotations as they stand; every such write is sent from the copy the
// pass read, so only the first succeeds (W-1).
func (p *pass) writeDeployment() bool {
	if p.conflict {
		return false
	}
	if p.written != nil || p.plan.Update != nil {
		p.conflict = true
		return false
	}
	p.written = p.d.DeepCopy()
	return true
}

// writeRS records the write of to, derived from from; it fails, as the
// apiserver would, when from is not the latest version of that
// ReplicaSet this pass holds (W-1).
func (p *pass) writeRS(from, to *appsv1.ReplicaSet) bool {
	if p.conflict {
		return false
	}
	if l, ok := p.latest[from.Name]; ok && l != from {
		p.conflict = true
		return false
	}
	p.latest[to.Name] = to
	p.plan.Updates = append(p.plan.Updates, to)
	return true
}

// Sync decides one pass of the Deployment controller over a Deployment,
// the ReplicaSets it owns and (for Recreate) the pods of those
// ReplicaSets, at now (§8): status only for a Deployment being deleted;
// scaling and cleanup while paused or on a scaling event; otherwise one
// step of the Recreate or RollingUpdate strategy. The Deployment should be
// defaulted (see Default). Inputs are not modified.
//
// Writes follow upstream's, including the ones a real apiserver refuses
// (W-1): see Plan.Conflict. ReplicaSets are considered in creation order.
func Sync(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time) (*Plan, error) {
	return SyncWith(d, rss, pods, now, Options{})
}

// Options are a sync's inputs beyond the Deployment, its ReplicaSets, their
// pods and now. The zero value is a default v1.37.2 controller.
type Options struct {
	// Gates are kube-controller-manager's feature gates; nil is v1.37.2's
	// defaults. DeploymentReplicaSetTerminatingReplicas off leaves the
	// Deployment's status.terminatingReplicas nil (rule 21).
	Gates features.Gates
}

// SyncWith is Sync with options (see Options); Sync is SyncWith with the
// zero Options.
func SyncWith(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time, opts Options) (*Plan, error) {
	if d == nil {
		return nil, fmt.Errorf("rollout: nil Deployment")
	}
	p := newPass(d, rss, pods, now, opts)
	err := p.sync()
	return p.finish(d), err
}

// newPass prepares one sync of d.
func newPass(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time, opts Options) *pass {
	p := &pass{d: d.DeepCopy(), rss: SortByCreation(rss), now: now, plan: &Plan{}, latest: map[string]*appsv1.ReplicaSet{},
		countTerminating: opts.Gates.Enabled(features.DeploymentReplicaSetTerminatingReplicas)}
	p.pods = map[types.UID][]*corev1.Pod{}
	for _, pod := range pods {
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
			p.pods[ref.UID] = append(p.pods[ref.UID], pod)
		}
	}
	return p
}

// finish completes the plan of a pass over d once it has run.
func (p *pass) finish(d *appsv1.Deployment) *Plan {
	p.plan.Deployment, p.plan.WriteStatus = p.written, p.written != nil
	if p.written == nil {
		p.plan.Deployment = d.DeepCopy()
	}
	if p.plan.Conflict = p.conflict; p.conflict {
		p.plan.RequeueAfter = 0
	}
	return p.plan
}

func (p *pass) sync() error {
	d := p.d
	if s := d.Spec.Selector; s != nil && len(s.MatchLabels)+len(s.MatchExpressions) == 0 { // S-2
		p.tr.setPath(pathSelectingAll)
		p.event(corev1.EventTypeWarning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			p.writeDeployment()
		}
		return nil
	}
	if d.DeletionTimestamp != nil { // S-4
		p.tr.setPath(pathDeleting)
		newRS, old := p.newAndOld(false)
		if !p.conflict {
			p.syncStatus(p.calculateStatus(append(old, newRS), newRS))
		}
		return nil
	}
	p.checkPausedConditions() // S-5, PG-7
	if d.Spec.Paused {        // S-6
		p.tr.setPath(pathPaused)
		return p.scaleAndStatus()
	}
	if v, err := strconv.ParseInt(d.Annotations[RollbackToAnnotation], 10, 64); err == nil { // S-7
		p.tr.setPath(pathRollback)
		return p.rollback(v)
	}
	if p.isScalingEvent() { // S-8, P-2
		p.tr.setPath(pathScaling)
		return p.scaleAndStatus()
	}
	if p.conflict {
		return nil
	}
	switch d.Spec.Strategy.Type { // S-9
	case appsv1.RecreateDeploymentStrategyType:
		p.tr.setPath(pathRecreate)
		return p.recreate()
	case appsv1.RollingUpdateDeploymentStrategyType:
		p.tr.setPath(pathRolling)
		return p.rolling()
	}
	return fmt.Errorf("unexpected deployment strategy type: %s", d.Spec.Strategy.Type)
}

func (p *pass) event(typ, reason, msg string) {
	p.plan.Events = append(p.plan.Events, Event{typ, reason, msg})
}

func (p *pass) newCondition(t appsv1.DeploymentConditionType, s corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
	now := metav1.NewTime(p.now)
	return appsv1.DeploymentCondition{Type: t, Status: s, LastUpdateTime: now, LastTransitionTime: now, Reason: reason, Message: msg}
}

func (p *pass) setStatus(s appsv1.DeploymentStatus) { p.d.Status = s }

// syncStatus is syncDeploymentStatus: write s when it differs.
func (p *pass) syncStatus(s appsv1.DeploymentStatus) {
	if reflect.DeepEqual(p.d.Status, s) {
		return
	}
	p.setStatus(s)
	p.writeDeployment()
}

// checkPausedConditions is PG-7.
func (p *pass) checkPausedConditions() {
	d := p.d
	if !HasProgressDeadline(d) {
		return
	}
	cur := condition(d.Status.Conditions, appsv1.DeploymentProgressing)
	if cur != nil && cur.Reason == ReasonProgressDeadlineExceeded {
		return
	}
	paused := cur != nil && cur.Reason == ReasonDeploymentPaused
	switch {
	case d.Spec.Paused && !paused:
		setCondition(&d.Status, p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonDeploymentPaused, "Deployment is paused"))
		p.writeDeployment()
		p.tr.pausedCondition(true)
	case !d.Spec.Paused && paused:
		setCondition(&d.Status, p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonDeploymentResumed, "Deployment is resumed"))
		p.writeDeployment()
		p.tr.pausedCondition(false)
	}
}

// newAndOld is getAllReplicaSetsAndSyncRevision (§6, §7): the new
// ReplicaSet, created when asked and missing, and all the old ones.
func (p *pass) newAndOld(create bool) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet) {
	d := p.d
	if !p.found {
		p.foundNew = FindNewReplicaSet(d, p.rss)
		for _, rs := range p.rss {
			if p.foundNew == nil || rs.UID != p.foundNew.UID {
				p.foundOld = append(p.foundOld, rs)
			}
		}
		p.found = true
	}
	existing, old := p.foundNew, slices.Clone(p.foundOld)
	newRevision := strconv.FormatInt(MaxRevision(old)+1, 10)
	if existing != nil {
		// Like upstream, work from the ReplicaSet as listed at the start
		// of the pass, even if this pass already wrote it.
		rs, changed := SetNewReplicaSetAnnotations(d, existing, newRevision, true)
		if changed || rs.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			if !p.writeRS(existing, rs) {
				return existing, old
			}
			p.tr.syncedNewRS(rs)
			return rs, old
		}
		needsUpdate := setRevision(d, rs.Annotations[RevisionAnnotation])
		if HasProgressDeadline(d) && condition(d.Status.Conditions, appsv1.DeploymentProgressing) == nil {
			setCondition(&d.Status, p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonFoundNewReplicaSet, fmt.Sprintf("Found new replica set %q", rs.Name)))
			needsUpdate = true
		}
		if needsUpdate {
			p.writeDeployment()
		}
		return rs, old
	}
	if !create {
		return nil, old
	}
	rs, err := NewReplicaSet(d, old)
	if err != nil {
		return nil, old
	}
	p.plan.Create = rs
	p.tr.created(d, old, rs)
	if n := rsReplicas(rs); n > 0 { // H-5
		p.event(corev1.EventTypeNormal, "ScalingReplicaSet", fmt.Sprintf("Scaled up replica set %s from 0 to %d", rs.Name, n))
	}
	needsUpdate := setRevision(d, newRevision)
	if HasProgressDeadline(d) {
		setCondition(&d.Status, p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewReplicaSetCreated, fmt.Sprintf("Created new replica set %q", rs.Name)))
		needsUpdate = true
	}
	if needsUpdate {
		p.writeDeployment()
	}
	return rs, old
}

// setRevision sets the Deployment's revision annotation and reports
// whether it changed.
func setRevision(d *appsv1.Deployment, revision string) bool {
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	if d.Annotations[RevisionAnnotation] == revision {
		return false
	}
	d.Annotations[RevisionAnnotation] = revision
	return true
}

// rollback answers the legacy rollback annotation (RB-1 … RB-5): the
// Deployment gets the template and annotations of the ReplicaSet of that
// revision (0: the last one), the annotation is cleared, and the update is
// written; the revision is renumbered by a later pass.
func (p *pass) rollback(revision int64) error {
	newRS, old := p.newAndOld(true)
	if p.conflict {
		return nil
	}
	all := append(slices.Clone(old), newRS)
	d := p.d
	update := func() {
		u := d.DeepCopy()
		delete(u.Annotations, RollbackToAnnotation)
		p.updateDeployment(u)
	}
	if revision == 0 {
		if revision = LastRevision(all); revision == 0 {
			p.event(corev1.EventTypeWarning, "DeploymentRollbackRevisionNotFound", "Unable to find last revision.")
			update()
			return nil
		}
	}
	for _, rs := range all {
		if rs == nil {
			continue
		}
		if v, err := Revision(rs.Annotations); err != nil || v != revision {
			continue
		}
		if EqualIgnoreHash(&d.Spec.Template, &rs.Spec.Template) {
			p.event(corev1.EventTypeWarning, "DeploymentRollbackTemplateUnchanged", fmt.Sprintf("The rollback revision contains the same template as current deployment %q", d.Name))
			update()
			return nil
		}
		u := d.DeepCopy()
		u.Spec.Template.ObjectMeta = *rs.Spec.Template.ObjectMeta.DeepCopy()
		u.Spec.Template.Spec = *rs.Spec.Template.Spec.DeepCopy()
		if u.Spec.Template.Labels != nil {
			delete(u.Spec.Template.Labels, PodTemplateHashLabel)
		}
		annotations := rollbackAnnotations(d.Annotations, rs.Annotations)
		delete(annotations, RollbackToAnnotation)
		u.Annotations = annotations
		if !p.updateDeployment(u) {
			return nil
		}
		p.event(corev1.EventTypeNormal, "DeploymentRollback", fmt.Sprintf("Rolled back deployment %q to revision %d", d.Name, revision))
		return nil
	}
	p.event(corev1.EventTypeWarning, "DeploymentRollbackRevisionNotFound", "Unable to find the revision to rollback to.")
	update()
	return nil
}

// updateDeployment records a write of the Deployment's spec and
// annotations (the rollback's update); like every Deployment write in a
// pass it conflicts with an earlier one (W-1).
func (p *pass) updateDeployment(u *appsv1.Deployment) bool {
	if p.conflict {
		return false
	}
	if p.written != nil {
		p.conflict = true
		return false
	}
	p.plan.Update = u
	return true
}

// scaleRS is scaleReplicaSet: it returns whether the size
// changed and the ReplicaSet as written (or as it was).
func (p *pass) scaleRS(rs *appsv1.ReplicaSet, n int32, force bool) (bool, *appsv1.ReplicaSet) {
	if !force && rsReplicas(rs) == n {
		return false, rs
	}
	r, surge := replicas(p.d), MaxSurge(p.d)
	sizeChanged := rsReplicas(rs) != n
	a := rs.Annotations
	annotationsStale := a == nil || a[DesiredReplicasAnnotation] != strconv.Itoa(int(r)) || a[MaxReplicasAnnotation] != strconv.Itoa(int(r+surge))
	if !sizeChanged && !annotationsStale {
		return false, rs
	}
	out := rs.DeepCopy()
	old := rsReplicas(rs)
	out.Spec.Replicas = &n
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
	}
	setReplicasAnnotations(out.Annotations, r, r+surge)
	if !p.writeRS(rs, out) {
		return false, rs
	}
	if sizeChanged {
		dir := "down"
		if old < n {
			dir = "up"
		}
		p.event(corev1.EventTypeNormal, "ScalingReplicaSet", fmt.Sprintf("Scaled %s replica set %s from %d to %d", dir, rs.Name, old, n))
	}
	return sizeChanged, out
}

// isScalingEvent is P-2; like upstream it syncs revisions first.
func (p *pass) isScalingEvent() bool {
	newRS, old := p.newAndOld(false)
	for _, rs := range active(append(old, newRS)) {
		if desired, ok := nonNegativeAnnotation(rs, DesiredReplicasAnnotation); ok && desired != replicas(p.d) {
			p.tr.scalingEvent(rs, desired, replicas(p.d))
			return true
		}
	}
	return false
}

func active(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs != nil && rsReplicas(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// scaleAndStatus is the "sync" path (P-1).
func (p *pass) scaleAndStatus() error {
	newRS, old := p.newAndOld(false)
	if p.conflict {
		return nil
	}
	if p.scale(newRS, old); p.conflict {
		return nil
	}
	if p.d.Spec.Paused && p.d.Annotations[RollbackToAnnotation] == "" {
		p.cleanup(old)
	}
	p.syncStatus(p.calculateStatus(append(old, newRS), newRS))
	return nil
}

// scale is P-3 … P-5.
func (p *pass) scale(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) {
	d := p.d
	r := replicas(d)
	if target := activeOrLatest(newRS, old); target != nil {
		changed := false
		if rsReplicas(target) != r {
			changed, _ = p.scaleRS(target, r, false)
		}
		p.tr.resize(whyOnlyActive, target, r, changed)
		return
	}
	if IsSaturated(d, newRS) {
		for _, rs := range active(old) {
			changed, _ := p.scaleRS(rs, 0, false)
			p.tr.resize(whySaturated, rs, 0, changed)
		}
		return
	}
	if !IsRollingUpdate(d) {
		return
	}
	// Upstream's FindActiveOrLatest has left the old ones newest first.
	newestFirst := slices.Clone(old)
	slices.Reverse(newestFirst)
	all := active(append(newestFirst, newRS))
	allowed := int32(0)
	if r > 0 {
		allowed = r + MaxSurge(d)
	}
	toAdd := allowed - totalReplicas(all)
	p.tr.proportional(allowed, totalReplicas(all), toAdd)
	switch {
	case toAdd > 0:
		slices.SortStableFunc(all, bySizeNewer)
	case toAdd < 0:
		slices.SortStableFunc(all, bySizeOlder)
	}
	sizes := make([]int32, len(all))
	added := int32(0)
	for i, rs := range all {
		sizes[i] = rsReplicas(rs)
		if toAdd != 0 {
			prop := Proportion(rs, d, toAdd, added)
			sizes[i] += prop
			added += prop
		}
	}
	for i, rs := range all {
		if i == 0 && toAdd != 0 {
			sizes[0] = max(sizes[0]+toAdd-added, 0)
		}
		changed, _ := p.scaleRS(rs, sizes[i], true)
		if p.tr.resize(whyProportion, rs, sizes[i], changed); p.conflict {
			return
		}
	}
}

// activeOrLatest is FindActiveOrLatest (P-3).
func activeOrLatest(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if newRS == nil && len(old) == 0 {
		return nil
	}
	newestFirst := slices.Clone(old)
	slices.Reverse(newestFirst)
	all := active(append(slices.Clone(newestFirst), newRS))
	switch len(all) {
	case 0:
		if newRS != nil {
			return newRS
		}
		return newestFirst[0]
	case 1:
		return all[0]
	}
	return nil
}

// bySizeNewer: larger first, then newer, equal times by name descending.
func bySizeNewer(a, b *appsv1.ReplicaSet) int {
	if rsReplicas(a) != rsReplicas(b) {
		return int(rsReplicas(b)) - int(rsReplicas(a))
	}
	return -byCreation(a, b)
}

// bySizeOlder: larger first, then older, equal times by name.
func bySizeOlder(a, b *appsv1.ReplicaSet) int {
	if rsReplicas(a) != rsReplicas(b) {
		return int(rsReplicas(b)) - int(rsReplicas(a))
	}
	return byCreation(a, b)
}

// rolling is one RollingUpdate pass (RU-1 … RU-6).
func (p *pass) rolling() error {
	newRS, old := p.newAndOld(true)
	if p.conflict {
		return nil
	}
	if newRS == nil {
		return fmt.Errorf("rollout: cannot build the new ReplicaSet of %s/%s", p.d.Namespace, p.d.Name)
	}
	all := append(slices.Clone(old), newRS)
	if p.reconcileNew(all, newRS) || p.conflict {
		return p.rolloutStatus(all, newRS)
	}
	if p.reconcileOld(all, active(old), newRS) || p.conflict {
		return p.rolloutStatus(all, newRS)
	}
	if Complete(p.d, &p.d.Status) {
		p.cleanup(old)
	}
	return p.rolloutStatus(all, newRS)
}

// reconcileNew is RU-3.
func (p *pass) reconcileNew(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) bool {
	r := replicas(p.d)
	switch n := rsReplicas(newRS); {
	case n == r:
		p.tr.resize(whyNewComplete, newRS, r, false)
		return false
	case n > r:
		scaled, _ := p.scaleRS(newRS, r, false)
		p.tr.resize(whyNewAbove, newRS, r, scaled)
		return scaled
	}
	n, err := NewRSReplicas(p.d, all, newRS)
	if err != nil {
		p.tr.newRSError(newRS, err)
		return false
	}
	scaled, _ := p.scaleRS(newRS, n, false)
	p.tr.grewNew(p.d, all, newRS, n, scaled)
	return scaled
}

// reconcileOld is RU-4: unhealthy old pods first, then old ReplicaSets
// oldest first within what availability allows. Any inconsistency found
// on the way cancels the scale-down of this pass, as upstream's swallowed
// error does.
func (p *pass) reconcileOld(all, old []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) bool {
	if totalReplicas(old) == 0 {
		p.tr.noOldPods()
		return false
	}
	minAvailable := replicas(p.d) - MaxUnavailable(p.d)
	maxScaledDown := totalReplicas(all) - minAvailable - (rsReplicas(newRS) - newRS.Status.AvailableReplicas)
	p.tr.oldBudget(totalReplicas(all), minAvailable, newRS, maxScaledDown)
	if maxScaledDown <= 0 {
		return false
	}
	undo := len(p.plan.Updates)
	undoEvents := len(p.plan.Events)
	undoNotes := p.tr.mark()
	old = slices.Clone(old)
	slices.SortStableFunc(old, byCreation)
	// Step 1: cleanupUnhealthyReplicas.
	cleaned := int32(0)
	for i, rs := range old {
		if cleaned >= maxScaledDown {
			break
		}
		if rsReplicas(rs) == 0 || rsReplicas(rs) == rs.Status.AvailableReplicas {
			continue
		}
		n := min(maxScaledDown-cleaned, rsReplicas(rs)-rs.Status.AvailableReplicas)
		if rsReplicas(rs)-n > rsReplicas(rs) {
			p.plan.Updates, p.plan.Events = p.plan.Updates[:undo], p.plan.Events[:undoEvents]
			p.tr.cancelOld(undoNotes, rs)
			return false // RU-4: stale avail > spec
		}
		var changed bool
		changed, old[i] = p.scaleRS(rs, rsReplicas(rs)-n, false)
		p.tr.resize(whyUnhealthy, rs, rsReplicas(rs)-n, changed)
		cleaned += n
	}
	// Step 2: scaleDownOldReplicaSetsForRollingUpdate.
	available := newRS.Status.AvailableReplicas
	for _, rs := range old {
		available += rs.Status.AvailableReplicas
	}
	scaledDown := int32(0)
	p.tr.availableBudget(available, minAvailable)
	if available > minAvailable {
		budget := available - minAvailable
		for _, rs := range old {
			if scaledDown >= budget {
				break
			}
			if rsReplicas(rs) == 0 {
				continue
			}
			n := min(rsReplicas(rs), budget-scaledDown)
			changed, _ := p.scaleRS(rs, rsReplicas(rs)-n, false)
			p.tr.resize(whyOldAvailable, rs, rsReplicas(rs)-n, changed)
			scaledDown += n
		}
	}
	return cleaned+scaledDown > 0
}

// recreate is one Recreate pass (RC-1 … RC-6).
func (p *pass) recreate() error {
	newRS, old := p.newAndOld(false)
	if p.conflict {
		return nil
	}
	all := append(slices.Clone(old), newRS)
	scaled := false
	for _, rs := range active(old) {
		s, _ := p.scaleRS(rs, 0, false)
		p.tr.resize(whyRecreateOld, rs, 0, s)
		if s {
			scaled = true
		}
		if p.conflict {
			return nil
		}
	}
	if scaled || p.oldPodsRunning(newRS, old) {
		return p.rolloutStatus(all, newRS)
	}
	if newRS == nil {
		if newRS, old = p.newAndOld(true); p.conflict {
			return nil
		}
		all = append(slices.Clone(old), newRS)
	}
	if newRS != nil {
		changed, _ := p.scaleRS(newRS, replicas(p.d), false)
		if p.tr.resize(whyRecreateNew, newRS, replicas(p.d), changed); p.conflict {
			return nil
		}
	}
	if Complete(p.d, &p.d.Status) {
		p.cleanup(old)
	}
	return p.rolloutStatus(all, newRS)
}

// oldPodsRunning is RC-3.
func (p *pass) oldPodsRunning(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) bool {
	var actual int32
	for _, rs := range old {
		actual += rs.Status.Replicas
	}
	if actual > 0 {
		p.tr.oldReplicasLeft(actual)
		return true
	}
	for _, rs := range p.rss {
		if newRS != nil && rs.UID == newRS.UID {
			continue
		}
		for _, pod := range p.pods[rs.UID] {
			if pod.Status.Phase != corev1.PodFailed && pod.Status.Phase != corev1.PodSucceeded {
				p.tr.oldPodLeft(rs, pod)
				return true
			}
		}
	}
	return false
}

// cleanup is CU-1 … CU-5.
func (p *pass) cleanup(old []*appsv1.ReplicaSet) {
	limit := p.d.Spec.RevisionHistoryLimit
	if limit == nil || *limit == math.MaxInt32 {
		return
	}
	var alive []*appsv1.ReplicaSet
	for _, rs := range old {
		if rs != nil && rs.DeletionTimestamp == nil {
			alive = append(alive, rs)
		}
	}
	diff := int32(len(alive)) - *limit
	if diff <= 0 {
		return
	}
	slices.SortStableFunc(alive, byRevision)
	for _, rs := range alive[:diff] {
		if rs.Status.Replicas != 0 || rsReplicas(rs) != 0 || rs.Generation > rs.Status.ObservedGeneration || rs.DeletionTimestamp != nil {
			p.tr.cleanup(rs, *limit, false)
			continue
		}
		p.plan.Deletes = append(p.plan.Deletes, rs.Name)
		p.tr.cleanup(rs, *limit, true)
	}
}

// byRevision: lower revision first; unparsable or equal by creation.
func byRevision(a, b *appsv1.ReplicaSet) int {
	ra, ea := Revision(a.Annotations)
	rb, eb := Revision(b.Annotations)
	if ea != nil || eb != nil || ra == rb {
		return byCreation(a, b)
	}
	if ra < rb {
		return -1
	}
	return 1
}

// calculateStatus is ST-1 … ST-8.
func (p *pass) calculateStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) appsv1.DeploymentStatus {
	d := p.d
	var specTotal, actual, ready, available int32
	for _, rs := range all {
		if rs == nil {
			continue
		}
		specTotal += rsReplicas(rs)
		actual += rs.Status.Replicas
		ready += rs.Status.ReadyReplicas
		available += rs.Status.AvailableReplicas
	}
	s := appsv1.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            actual,
		ReadyReplicas:       ready,
		AvailableReplicas:   available,
		UnavailableReplicas: max(specTotal-available, 0),
		CollisionCount:      d.Status.CollisionCount,
	}
	if p.countTerminating { // rule 21
		s.TerminatingReplicas = terminating(all)
	}
	if newRS != nil {
		s.UpdatedReplicas = newRS.Status.Replicas
	}
	s.Conditions = append(s.Conditions, d.Status.Conditions...)
	if available >= replicas(d)-MaxUnavailable(d) {
		setCondition(&s, p.newCondition(appsv1.DeploymentAvailable, corev1.ConditionTrue, ReasonMinimumReplicasAvailable, "Deployment has minimum availability."))
	} else {
		setCondition(&s, p.newCondition(appsv1.DeploymentAvailable, corev1.ConditionFalse, ReasonMinimumReplicasUnavailable, "Deployment does not have minimum availability."))
	}
	return s
}

// terminating is ST-7: nil as soon as an observed ReplicaSet does not
// report the count.
func terminating(all []*appsv1.ReplicaSet) *int32 {
	var n int32
	for _, rs := range all {
		switch {
		case rs == nil:
		case rs.Status.ObservedGeneration == 0 && rs.Status.TerminatingReplicas == nil:
		case rs.Status.TerminatingReplicas == nil:
			return nil
		default:
			n += *rs.Status.TerminatingReplicas
		}
	}
	return &n
}

// rolloutStatus is syncRolloutStatus (PG-6) and requeueStuckDeployment
// (PG-8).
func (p *pass) rolloutStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) error {
	if p.conflict {
		return nil
	}
	d := p.d
	s := p.calculateStatus(all, newRS)
	if !HasProgressDeadline(d) {
		s.Conditions = removeCondition(s.Conditions, appsv1.DeploymentProgressing)
	}
	cur := condition(d.Status.Conditions, appsv1.DeploymentProgressing)
	done := s.Replicas == s.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewReplicaSetAvailable
	subject := fmt.Sprintf("Deployment %q", d.Name)
	if newRS != nil {
		subject = fmt.Sprintf("ReplicaSet %q", newRS.Name)
	}
	if HasProgressDeadline(d) && !done {
		switch {
		case Complete(d, &s):
			setCondition(&s, p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewReplicaSetAvailable, subject+" has successfully progressed."))
		case Progressing(d, &s):
			c := p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonReplicaSetUpdated, subject+" is progressing.")
			if cur != nil {
				if cur.Status == corev1.ConditionTrue {
					c.LastTransitionTime = cur.LastTransitionTime
				}
				s.Conditions = removeCondition(s.Conditions, appsv1.DeploymentProgressing)
			}
			setCondition(&s, c)
		case TimedOut(d, &s, p.now):
			setCondition(&s, p.newCondition(appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonProgressDeadlineExceeded, subject+" has timed out progressing."))
		}
	}
	if f := replicaFailure(all, newRS); f != nil {
		setCondition(&s, *f)
	} else {
		s.Conditions = removeCondition(s.Conditions, appsv1.DeploymentReplicaFailure)
	}
	if reflect.DeepEqual(d.Status, s) {
		p.plan.RequeueAfter = p.stuckRequeue(s)
		return nil
	}
	p.setStatus(s)
	p.writeDeployment()
	return nil
}

func replicaFailure(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) *appsv1.DeploymentCondition {
	for _, rs := range append([]*appsv1.ReplicaSet{newRS}, all...) {
		if rs == nil {
			continue
		}
		for _, c := range rs.Status.Conditions {
			if c.Type == appsv1.ReplicaSetReplicaFailure {
				return &appsv1.DeploymentCondition{Type: appsv1.DeploymentReplicaFailure, Status: c.Status, LastUpdateTime: c.LastTransitionTime,
					LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message}
			}
		}
	}
	return nil
}

// stuckRequeue is requeueStuckDeployment (PG-8): when to look again for
// the deadline; upstream adds a second, and asks at once below a second.
func (p *pass) stuckRequeue(s appsv1.DeploymentStatus) time.Duration {
	d := p.d
	cur := condition(d.Status.Conditions, appsv1.DeploymentProgressing)
	if !HasProgressDeadline(d) || cur == nil || Complete(d, &s) || cur.Reason == ReasonProgressDeadlineExceeded {
		return 0
	}
	after := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Sub(p.now)
	if after < time.Second {
		return time.Nanosecond // "now", rate-limited upstream
	}
	return after + time.Second
}

// Collision returns the Deployment status after a hash collision (H-6):
// collisionCount raised by one, so that the next sync names its new
// ReplicaSet differently.
func Collision(d *appsv1.Deployment) appsv1.DeploymentStatus {
	s := *d.Status.DeepCopy()
	n := int32(0)
	if s.CollisionCount != nil {
		n = *s.CollisionCount
	}
	n++
	s.CollisionCount = &n
	return s
}
