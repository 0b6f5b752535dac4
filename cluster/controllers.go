package cluster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/selector"
	"github.com/kubesem/kubesem/workload"
)

// reconcile runs every controller on what changed until nothing does:
// the fixed point the cluster reaches after every change (MODEL: upstream's
// controllers react within milliseconds; kubesem lets them finish before
// virtual time moves on).
func (c *Cluster) reconcile() error {
	for round := 0; ; round++ {
		if round >= c.opts.MaxRounds {
			var busy []string
			for kind, m := range c.dirty {
				for k := range m {
					busy = append(busy, kind+" "+k.String())
				}
			}
			slices.Sort(busy)
			busy = append(busy, c.userBusy(true)...)
			return fmt.Errorf("cluster: the controllers did not reach a fixed point after %d passes at %s (still to sync: %s)", round, c.Elapsed(), strings.Join(busy, ", "))
		}
		work := false
		for _, kind := range []string{KindDeployment, KindReplicaSet, KindReplicationController, KindNamespace, KindResourceQuota} {
			keys := c.takeDirty(kind)
			if len(keys) == 0 {
				continue
			}
			work = true
			for _, k := range keys {
				switch kind {
				case KindDeployment:
					c.syncDeployment(k)
				case KindReplicaSet:
					c.syncReplicaSet(k)
				case KindReplicationController:
					c.syncReplicationController(k)
				case KindNamespace:
					c.syncNamespace(k)
				case KindResourceQuota:
					c.syncQuotas(k.ns)
				}
			}
		}
		if len(c.gcDirty) > 0 {
			work = true
			c.collectGarbage()
		}
		if c.schedDirty {
			work = true
			c.schedule()
		}
		if !work {
			work = c.runUserControllers()
		}
		if !work {
			c.rounds += round
			return nil
		}
	}
}

func (c *Cluster) takeDirty(kind string) []key {
	m := c.dirty[kind]
	if len(m) == 0 {
		return nil
	}
	keys := make([]key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	clear(m)
	slices.SortFunc(keys, compareKeys)
	return keys
}

func compareKeys(a, b key) int {
	if a.ns != b.ns {
		return strings.Compare(a.ns, b.ns)
	}
	return strings.Compare(a.name, b.name)
}

// requeue marks an object to be synced again after d. Requeues are
// background work for Settle: its look-ahead decides the sync at the
// requeue's instant and waits for it only if it would write (a progress
// deadline passing does; a look that finds nothing to do does not).
func (c *Cluster) requeue(kind string, k key, d time.Duration) {
	c.wakeAt(kind, k, c.now.Add(max(d, 0)), true)
}

// wakeAt schedules a sync of an object at t, keeping only the earliest
// pending one per object, as the controllers' delaying workqueues do.
func (c *Cluster) wakeAt(kind string, k key, t time.Time, background bool) {
	fk := kind + "/" + k.String()
	if have, ok := c.pendingSync[fk]; ok && !have.at.After(t) {
		return
	}
	c.pendingSync[fk] = syncDue{at: t, kind: kind, k: k, background: background}
	src := foreground
	if background {
		src = requeueTimer
	}
	c.at(t, src, func() {
		if have, ok := c.pendingSync[fk]; ok && have.at.Equal(t) {
			delete(c.pendingSync, fk)
			c.markDirty(kind, k)
		}
	})
}

// syncDue is a pending sync of one controller object.
type syncDue struct {
	at         time.Time
	kind       string
	k          key
	background bool // a requeue, not a retry
}

var errProgressCheck = errors.New("progress check due within a second")

// retryOnError is the workqueue's rate-limited requeue after a failed
// sync: 5 ms doubling per consecutive failure, at most 1000 s; a success
// forgets the failures.
func (c *Cluster) retryOnError(kind string, k key, err error) {
	fk := kind + "/" + k.String()
	if err == nil {
		delete(c.failuresSeen, fk)
		return
	}
	n := c.failuresSeen[fk]
	c.failuresSeen[fk] = n + 1
	d := 1000 * time.Second
	if n < 18 {
		d = min(5*time.Millisecond<<n, d)
	}
	c.wakeAt(kind, k, c.now.Add(d), false)
}

func (c *Cluster) podsOf(ns string) []*corev1.Pod {
	objs := c.st.list(KindPod, ns)
	pods := make([]*corev1.Pod, len(objs))
	for i, o := range objs {
		pods[i] = o.(*corev1.Pod)
	}
	return pods
}

// ---- ReplicaSet and ReplicationController -----------------------------------

// syncPods returns the pods a ReplicaSet's or RC's sync reads: those it
// controls and the namespace's orphans (all it can own or adopt), in name
// order. A sync that may delete ranks its pods against the pods its
// siblings select (RS-6.6): when ranked is set and the sync could own more
// than it wants, it gets every pod of the namespace. Either way its plan
// is the one the namespace's whole pod list gives (workload ignores pods
// controlled by others but for that ranking).
func (c *Cluster) syncPods(ns string, uid types.UID, replicas *int32, ranked bool) []*corev1.Pod {
	if !shortcuts {
		return c.podsOf(ns)
	}
	c.ownBuf = c.st.podsOwnedBy(c.ownBuf[:0], ns, uid)
	c.orphanBuf = c.st.podsOwnedBy(c.orphanBuf[:0], ns, "")
	own, orphans := c.ownBuf, c.orphanBuf
	want := 1
	if replicas != nil {
		want = int(*replicas)
	}
	// The list lives until the next sync's (workload's plans keep no
	// pod list): one buffer serves them all.
	pods := c.podBuf[:0]
	defer func() { c.podBuf = pods[:0] }()
	if ranked && len(own)+len(orphans) > want {
		c.allBuf = c.st.tables[KindPod].AppendList(c.allBuf[:0], ns)
		pods = slices.Grow(pods, len(c.allBuf))
		for _, o := range c.allBuf {
			pods = append(pods, o.(*corev1.Pod))
		}
		clear(c.allBuf)
		return pods
	}
	pods = slices.Grow(pods, len(own)+len(orphans))
	i, j := 0, 0
	for i < len(own) || j < len(orphans) {
		var o Object
		if j == len(orphans) || (i < len(own) && own[i].GetName() < orphans[j].GetName()) {
			o, i = own[i], i+1
		} else {
			o, j = orphans[j], j+1
		}
		pods = append(pods, o.(*corev1.Pod))
	}
	return pods
}

type ctrlKey struct {
	kind string
	k    key
}

// ctrlState is what the cluster keeps between the syncs of a ReplicaSet
// or RC.
type ctrlState struct {
	// memo carries what the syncs read from pods (stored objects are
	// never modified, so its pointers stay true).
	memo workload.Memo
	// After a sync that decided nothing but perhaps its status, quiet
	// holds the controller as stored after it, the namespace's pod change
	// count and the instant: a sync with all three unchanged would decide
	// the same nothing and write the same status (the sync its own status
	// write triggers, as upstream's update handler requeues it), so it is
	// skipped.
	quiet     Object // nil after a sync that did something
	quietPods uint64
	quietAt   time.Time
}

// shortcuts switches on what makes large clusters cheap without changing
// what they decide: syncPods's subset, the Memo, ReplicaSet syncs decided
// from tallies kept as pods are written (tally.go), the skipped quiet syncs
// and the Recreate Deployment's pods from the per-controller lists; one
// defaulted and validated spec per template and sync (templateMemo),
// requests summed once per template, the scheduler's node order
// (nodeOrder) and the books left alone when a write cannot change them
// (sameLoad); statuses, specs and tolerations compared without reflection
// first; the kubelet's runners sharing their stored pods (off only in
// TestPropertyShortcutsChangeNothing, which checks that claim).
var shortcuts = true

// memo is the Memo a sync of the controller uses, nil without shortcuts.
func (st *ctrlState) memoOf() *workload.Memo {
	if !shortcuts {
		return nil
	}
	return &st.memo
}

func (c *Cluster) ctrl(kind string, k key) *ctrlState {
	st := c.ctrls[ctrlKey{kind, k}]
	if st == nil {
		st = &ctrlState{}
		c.ctrls[ctrlKey{kind, k}] = st
	}
	return st
}

// unchanged reports whether the sync of the controller o would repeat the
// last, quiet one.
func (c *Cluster) unchanged(st *ctrlState, o Object) bool {
	return shortcuts && st.quiet != nil && st.quiet == o && st.quietPods == c.st.podChanged[o.GetNamespace()] && st.quietAt.Equal(c.now)
}

// settled records the end of a sync: quiet when it did nothing.
func (c *Cluster) settled(st *ctrlState, kind string, k key, plan *workload.Plan, manageErr error) {
	st.quiet = nil
	if manageErr == nil && plan.Create == 0 && len(plan.Delete) == 0 && len(plan.Adopt) == 0 && len(plan.Release) == 0 {
		st.quiet, st.quietPods, st.quietAt = c.st.get(kind, k), c.st.podChanged[k.ns], c.now
	}
}

func (c *Cluster) syncReplicaSet(k key) {
	o := c.st.get(KindReplicaSet, k)
	if o == nil {
		return
	}
	rs := o.(*appsv1.ReplicaSet)
	st := c.ctrl(KindReplicaSet, k)
	if c.unchanged(st, rs) {
		return
	}
	plan := c.countedPlan(rs, st.memoOf())
	var err error
	if plan == nil {
		plan, err = c.planReplicaSet(rs, c.now, st.memoOf())
	}
	if err != nil {
		c.record(rs, KindReplicaSet, "Warning", "SyncFailed", "replicaset-controller", "%v", err)
		return
	}
	manageErr := c.carryOut(KindReplicaSet, rs, plan, "replicaset-controller")
	c.retryOnError(KindReplicaSet, k, manageErr)
	status, write := plan.Status(manageErr)
	if cur := c.st.get(KindReplicaSet, k); write && cur != nil {
		nrs := cur.(*appsv1.ReplicaSet).DeepCopy()
		nrs.Status = status
		c.writeStatus(KindReplicaSet, nrs)
	}
	if d := plan.RequeueAfter(status); d > 0 {
		c.requeue(KindReplicaSet, k, d)
	}
	c.settled(st, KindReplicaSet, k, plan, manageErr)
}

// planReplicaSet decides a sync of rs at now from the stored pods and its
// siblings (the ReplicaSets of its Deployment).
func (c *Cluster) planReplicaSet(rs *appsv1.ReplicaSet, now time.Time, memo *workload.Memo) (*workload.Plan, error) {
	var siblings []*appsv1.ReplicaSet
	if ref := metav1.GetControllerOfNoCopy(rs); ref != nil {
		for _, so := range c.st.list(KindReplicaSet, rs.Namespace) {
			if sref := metav1.GetControllerOfNoCopy(so); sref != nil && sref.UID == ref.UID {
				siblings = append(siblings, so.(*appsv1.ReplicaSet))
			}
		}
	}
	pods := c.syncPods(rs.Namespace, rs.UID, rs.Spec.Replicas, len(siblings) > 0)
	return workload.SyncReplicaSet(rs, pods, now, workload.Options{Siblings: siblings, Memo: memo, Gates: c.opts.Gates})
}

func (c *Cluster) syncReplicationController(k key) {
	o := c.st.get(KindReplicationController, k)
	if o == nil {
		return
	}
	rc := o.(*corev1.ReplicationController)
	st := c.ctrl(KindReplicationController, k)
	if c.unchanged(st, rc) {
		return
	}
	plan, err := c.planReplicationController(rc, c.now, st.memoOf())
	if err != nil {
		c.record(rc, KindReplicationController, "Warning", "SyncFailed", "replication-controller", "%v", err)
		return
	}
	manageErr := c.carryOut(KindReplicationController, rc, plan, "replication-controller")
	c.retryOnError(KindReplicationController, k, manageErr)
	status, write := plan.ReplicationControllerStatus(manageErr)
	if cur := c.st.get(KindReplicationController, k); write && cur != nil {
		nrc := cur.(*corev1.ReplicationController).DeepCopy()
		nrc.Status = status
		c.writeStatus(KindReplicationController, nrc)
	}
	if d := plan.RequeueAfter(appsv1.ReplicaSetStatus{Replicas: status.Replicas, ReadyReplicas: status.ReadyReplicas, AvailableReplicas: status.AvailableReplicas}); d > 0 {
		c.requeue(KindReplicationController, k, d)
	}
	c.settled(st, KindReplicationController, k, plan, manageErr)
}

// planReplicationController decides a sync of rc at now from the stored
// pods.
func (c *Cluster) planReplicationController(rc *corev1.ReplicationController, now time.Time, memo *workload.Memo) (*workload.Plan, error) {
	pods := c.syncPods(rc.Namespace, rc.UID, rc.Spec.Replicas, false)
	return workload.SyncReplicationController(rc, pods, now, workload.Options{Memo: memo, Gates: c.opts.Gates})
}

// carryOut performs a ReplicaSet or RC sync's plan: adoptions, releases,
// creates in slow-start batches, deletes; it returns the first failure,
// for the status (RS-7.3).
func (c *Cluster) carryOut(kind string, owner Object, plan *workload.Plan, source string) error {
	for _, ref := range plan.Adopt {
		if p := c.podByRef(ref); p != nil && metav1.GetControllerOfNoCopy(p) == nil {
			np := p.DeepCopy()
			np.OwnerReferences = append(np.OwnerReferences, plan.OwnerRef)
			c.write(KindPod, np)
		}
	}
	for _, ref := range plan.Release {
		if p := c.podByRef(ref); p != nil {
			np := p.DeepCopy()
			np.OwnerReferences = slices.DeleteFunc(np.OwnerReferences, func(r metav1.OwnerReference) bool { return r.UID == owner.GetUID() })
			if len(np.OwnerReferences) == 0 {
				np.OwnerReferences = nil
			}
			c.write(KindPod, np)
		}
	}
	var firstErr error
	if plan.Create > 0 && plan.Template != nil {
		c.creatingFrom = plan.Template
		defer func() { c.creatingFrom, c.tmplMemo = nil, nil }()
		// createObject neither modifies its argument nor keeps it: one
		// copy of the template, in the owner's namespace, serves every
		// create of the sync.
		pod := *plan.Template
		pod.Namespace = owner.GetNamespace()
		_, err := workload.SlowStart(plan.Create, func(int) error {
			created, err := c.createObject(&pod)
			if err != nil {
				if apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
					return nil // counted as done (RS-5.5)
				}
				c.record(owner, kind, "Warning", "FailedCreate", source, "Error creating: %v", err)
				return err
			}
			c.recordMsg(owner, kind, "Normal", "SuccessfulCreate", source, "Created pod: "+created.GetName())
			return nil
		})
		firstErr = err
	}
	for _, ref := range plan.Delete {
		p := c.podByRef(ref)
		if p == nil {
			continue
		}
		if err := c.injected("delete", KindPod, p); err != nil {
			c.record(owner, kind, "Warning", "FailedDelete", source, "Error deleting: %v", err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		c.deletePod(p, nil)
		c.recordMsg(owner, kind, "Normal", "SuccessfulDelete", source, "Deleted pod: "+p.Name)
	}
	return firstErr
}

func (c *Cluster) podByRef(ref workload.PodRef) *corev1.Pod {
	o := c.st.get(KindPod, key{ref.Namespace, ref.Name})
	if o == nil || (ref.UID != "" && o.GetUID() != ref.UID) {
		return nil
	}
	return o.(*corev1.Pod)
}

// ---- Deployment -------------------------------------------------------------

// syncDeployment claims the Deployment's ReplicaSets (adopting matching
// orphans, releasing those its selector no longer matches), runs
// rollout.Sync and carries out the plan (package rollout's rules).
func (c *Cluster) syncDeployment(k key) {
	o := c.st.get(KindDeployment, k)
	if o == nil {
		return
	}
	d := o.(*appsv1.Deployment)
	sel, err := selector.FromLabelSelector(d.Spec.Selector)
	if err != nil {
		c.record(d, KindDeployment, "Warning", "SelectorParsingFailed", "deployment-controller", "%v", err)
		return
	}
	rss, _ := c.claimReplicaSets(d, sel, true)
	plan, err := rollout.SyncWith(d, rss, c.deploymentPods(d, rss), c.now, rollout.Options{Gates: c.opts.Gates})
	if err != nil {
		c.record(d, KindDeployment, "Warning", "SyncFailed", "deployment-controller", "%v", err)
		return
	}
	again := plan.Conflict
	if plan.Create != nil {
		if _, err := c.createObject(plan.Create); err != nil {
			if apierrors.IsAlreadyExists(err) {
				// A hash collision (H-6): raise collisionCount and try again.
				if existing := c.st.get(KindReplicaSet, keyOf(plan.Create)); existing != nil {
					ex := existing.(*appsv1.ReplicaSet)
					ref := metav1.GetControllerOfNoCopy(ex)
					if ref == nil || ref.UID != d.UID || !rollout.EqualIgnoreHash(&ex.Spec.Template, &d.Spec.Template) {
						nd := d.DeepCopy()
						nd.Status = rollout.Collision(d)
						c.write(KindDeployment, nd)
					}
				}
				c.markDirty(KindDeployment, k)
				return
			}
			if !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
				c.record(d, KindDeployment, "Warning", "FailedCreate", "deployment-controller", "Failed to create new replica set %q: %v", plan.Create.Name, err)
			}
			c.retryOnError(KindDeployment, k, err)
			return
		}
	}
	for _, u := range plan.Updates {
		if c.st.get(KindReplicaSet, keyOf(u)) != nil {
			c.write(KindReplicaSet, u.DeepCopy())
		}
	}
	for _, name := range plan.Deletes {
		if ro := c.st.get(KindReplicaSet, key{k.ns, name}); ro != nil {
			c.deleteObject(KindReplicaSet, ro, metav1.DeletePropagationBackground, nil)
		}
	}
	switch {
	case plan.Update != nil:
		c.write(KindDeployment, plan.Update.DeepCopy())
	case plan.WriteStatus && plan.Deployment != nil:
		c.write(KindDeployment, plan.Deployment.DeepCopy())
	}
	for _, e := range plan.Events {
		c.recordMsg(d, KindDeployment, e.Type, e.Reason, "deployment-controller", e.Message)
	}
	switch {
	case plan.RequeueAfter > 0 && plan.RequeueAfter < time.Second:
		// "Look again now", which upstream rate-limits (5 ms doubling).
		c.retryOnError(KindDeployment, k, errProgressCheck)
	case plan.RequeueAfter > 0:
		c.requeue(KindDeployment, k, plan.RequeueAfter)
		delete(c.failuresSeen, KindDeployment+"/"+k.String())
	default:
		delete(c.failuresSeen, KindDeployment+"/"+k.String())
	}
	if again {
		c.markDirty(KindDeployment, k)
	}
}

// rsClaim is a ReplicaSet a Deployment's sync adopts or releases.
type rsClaim struct {
	name  string
	adopt bool // else a release
}

// claimReplicaSets returns the ReplicaSets a sync of Deployment d works
// on, in name order: those it controls, and orphans its selector matches,
// adopted; those it controls that its selector no longer matches are
// released. claims are the adoptions and releases, in name order. With
// write false nothing is written (Settle's look-ahead, explain): an
// adopted ReplicaSet is returned as it would be stored.
func (c *Cluster) claimReplicaSets(d *appsv1.Deployment, sel *selector.Selector, write bool) (rss []*appsv1.ReplicaSet, claims []rsClaim) {
	for _, ro := range c.st.list(KindReplicaSet, d.Namespace) {
		rs := ro.(*appsv1.ReplicaSet)
		ref := metav1.GetControllerOfNoCopy(rs)
		switch {
		case ref != nil && ref.UID == d.UID:
			if d.DeletionTimestamp == nil && !sel.Empty() && !sel.Matches(rs.Labels) {
				claims = append(claims, rsClaim{name: rs.Name})
				if write {
					nrs := rs.DeepCopy()
					nrs.OwnerReferences = slices.DeleteFunc(nrs.OwnerReferences, func(r metav1.OwnerReference) bool { return r.UID == d.UID })
					c.write(KindReplicaSet, nrs)
				}
				continue
			}
			rss = append(rss, rs)
		case ref == nil && d.DeletionTimestamp == nil && rs.DeletionTimestamp == nil && !sel.Empty() && sel.Matches(rs.Labels):
			claims = append(claims, rsClaim{name: rs.Name, adopt: true})
			nrs := rs.DeepCopy()
			nrs.OwnerReferences = append(nrs.OwnerReferences, *metav1.NewControllerRef(d, rollout.DeploymentKind))
			if write {
				c.write(KindReplicaSet, nrs)
			}
			rss = append(rss, nrs)
		}
	}
	return rss, claims
}

// deploymentPods returns the pods a sync of Deployment d reads: those of
// its ReplicaSets rss, for a Recreate (which waits for the old ones to
// go); none otherwise.
func (c *Cluster) deploymentPods(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) []*corev1.Pod {
	var pods []*corev1.Pod
	switch {
	case d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType:
	case shortcuts:
		// its ReplicaSets' pods, from the store's per-controller lists
		// (rollout.Sync only groups them by controller)
		for _, rs := range rss {
			c.ownBuf = c.st.podsOwnedBy(c.ownBuf[:0], d.Namespace, rs.UID)
			for _, o := range c.ownBuf {
				pods = append(pods, o.(*corev1.Pod))
			}
		}
	default:
		owned := map[types.UID]bool{}
		for _, rs := range rss {
			owned[rs.UID] = true
		}
		for _, p := range c.podsOf(d.Namespace) {
			if ref := metav1.GetControllerOfNoCopy(p); ref != nil && owned[ref.UID] {
				pods = append(pods, p)
			}
		}
	}
	return pods
}

// ---- garbage collector ------------------------------------------------------

const (
	finalizerForeground = metav1.FinalizerDeleteDependents // "foregroundDeletion"
	finalizerOrphan     = metav1.FinalizerOrphanDependents // "orphan"
)

// collectGarbage is the garbage collector over the namespaces whose owner
// references may have changed (RS-11.2, RS-11.3): dependents whose owners
// are all gone are deleted (background), solid owners keep theirs,
// foreground owners wait for their blocking dependents, orphan owners
// release theirs first.
func (c *Cluster) collectGarbage() {
	nss := make([]string, 0, len(c.gcDirty))
	for ns := range c.gcDirty {
		nss = append(nss, ns)
	}
	clear(c.gcDirty)
	slices.Sort(nss)
	for _, ns := range nss {
		if ns == "" {
			continue
		}
		c.collectNamespace(ns)
	}
}

// lookupOwner finds the object an owner reference of a dependent in
// namespace ns names, of any kind the apiserver stores: in ns, or
// cluster-wide for a cluster-scoped kind; nil when it is gone or another
// object holds the name.
func (c *Cluster) lookupOwner(ns string, ref metav1.OwnerReference) Object {
	kind := ref.Kind
	if !c.st.stored(kind) {
		return nil
	}
	if c.st.clusterScoped(kind) {
		ns = ""
	}
	o := c.st.get(kind, key{ns, ref.Name})
	if o == nil || o.GetUID() != ref.UID {
		return nil
	}
	return o
}

func (c *Cluster) collectNamespace(ns string) {
	// Dependents of each owner UID, for the foreground and orphan owners.
	dependents := map[types.UID][]Object{}
	var withOwners []struct {
		kind string
		o    Object
	}
	for _, ks := range c.st.namespacedKinds() {
		kind := ks.kind
		for _, o := range ks.st.List(ns) {
			refs := o.GetOwnerReferences()
			if len(refs) == 0 {
				continue
			}
			for _, r := range refs {
				dependents[r.UID] = append(dependents[r.UID], o)
			}
			withOwners = append(withOwners, struct {
				kind string
				o    Object
			}{kind, o})
		}
	}
	// Owners being deleted with a GC finalizer.
	for _, ks := range c.st.namespacedKinds() {
		kind := ks.kind
		for _, o := range ks.st.List(ns) {
			if o.GetDeletionTimestamp() == nil {
				continue
			}
			fins := o.GetFinalizers()
			switch {
			case slices.Contains(fins, finalizerOrphan):
				for _, dep := range dependents[o.GetUID()] {
					if cur := c.st.get(kindOfAny(dep), keyOf(dep)); cur != nil {
						nd := copyObject(cur)
						nd.SetOwnerReferences(withoutOwner(nd.GetOwnerReferences(), o.GetUID()))
						c.write(kindOfAny(dep), nd)
					}
				}
				c.dropFinalizer(kind, o, finalizerOrphan)
			case slices.Contains(fins, finalizerForeground):
				blocking := false
				for _, dep := range dependents[o.GetUID()] {
					if c.st.get(kindOfAny(dep), keyOf(dep)) == nil {
						continue
					}
					for _, r := range dep.GetOwnerReferences() {
						if r.UID == o.GetUID() && ptrBool(r.BlockOwnerDeletion) {
							blocking = true
						}
					}
					if dep.GetDeletionTimestamp() == nil {
						c.deleteObject(kindOfAny(dep), dep, c.propagationFor(dep, dependents), nil)
					}
				}
				if !blocking {
					c.dropFinalizer(kind, o, finalizerForeground)
				}
			}
		}
	}
	for _, w := range withOwners {
		cur := c.st.get(w.kind, keyOf(w.o))
		if cur == nil || cur.GetDeletionTimestamp() != nil || len(cur.GetOwnerReferences()) == 0 {
			continue
		}
		var solid, waiting, dangling []metav1.OwnerReference
		for _, r := range cur.GetOwnerReferences() {
			if !c.st.stored(r.Kind) {
				solid = append(solid, r) // a kind the apiserver does not serve: never collected
				continue
			}
			owner := c.lookupOwner(ns, r)
			switch {
			case owner == nil:
				dangling = append(dangling, r)
			case owner.GetDeletionTimestamp() != nil && slices.Contains(owner.GetFinalizers(), finalizerForeground):
				waiting = append(waiting, r)
			default:
				solid = append(solid, r)
			}
		}
		switch {
		case len(solid) > 0:
			if len(dangling)+len(waiting) > 0 {
				nd := copyObject(cur)
				nd.SetOwnerReferences(solid)
				c.write(w.kind, nd)
			}
		case len(waiting) > 0 && len(dependents[cur.GetUID()]) > 0:
			c.deleteObject(w.kind, cur, metav1.DeletePropagationForeground, nil)
		default:
			c.deleteObject(w.kind, cur, metav1.DeletePropagationBackground, nil)
		}
	}
}

func (c *Cluster) propagationFor(o Object, dependents map[types.UID][]Object) metav1.DeletionPropagation {
	if len(dependents[o.GetUID()]) > 0 {
		return metav1.DeletePropagationForeground
	}
	return metav1.DeletePropagationBackground
}

func withoutOwner(refs []metav1.OwnerReference, uid types.UID) []metav1.OwnerReference {
	out := slices.DeleteFunc(slices.Clone(refs), func(r metav1.OwnerReference) bool { return r.UID == uid })
	if len(out) == 0 {
		return nil
	}
	return out
}

// dropFinalizer removes a finalizer; an object being deleted goes when
// none is left.
func (c *Cluster) dropFinalizer(kind string, o Object, fin string) {
	cur := c.st.get(kind, keyOf(o))
	if cur == nil {
		return
	}
	fins := slices.DeleteFunc(slices.Clone(cur.GetFinalizers()), func(f string) bool { return f == fin })
	if len(fins) == 0 && cur.GetDeletionTimestamp() != nil {
		c.remove(kind, keyOf(cur))
		return
	}
	nd := copyObject(cur)
	nd.SetFinalizers(fins)
	c.write(kind, nd)
}

// deleteObject is the apiserver's DELETE with a propagation policy
// (RS-11.3): pods are deleted gracefully; an object with finalizers, or
// deleted in the foreground or orphaning its dependents, gets a
// deletionTimestamp and stays until its finalizers are gone; otherwise it
// goes at once and the garbage collector deletes its dependents.
func (c *Cluster) deleteObject(kind string, o Object, prop metav1.DeletionPropagation, grace *int64) {
	cur := c.st.get(kind, keyOf(o))
	if cur == nil || cur.GetUID() != o.GetUID() {
		return
	}
	switch kind {
	case KindPod:
		c.deletePod(cur.(*corev1.Pod), grace)
		return
	case KindNamespace:
		out, gone, err := namespace.Delete(cur.(*corev1.Namespace), c.now)
		if err != nil {
			return
		}
		if gone {
			c.remove(kind, keyOf(cur))
			return
		}
		if out.DeletionTimestamp != nil && cur.GetDeletionTimestamp() == nil {
			c.write(kind, out)
			c.after(NamespaceDelay, func() { c.markDirty(KindNamespace, keyOf(out)) })
		}
		return
	}
	if cur.GetDeletionTimestamp() != nil {
		return
	}
	fins := slices.Clone(cur.GetFinalizers())
	switch prop {
	case metav1.DeletePropagationForeground:
		if !slices.Contains(fins, finalizerForeground) {
			fins = append(fins, finalizerForeground)
		}
	case metav1.DeletePropagationOrphan:
		if !slices.Contains(fins, finalizerOrphan) {
			fins = append(fins, finalizerOrphan)
		}
	}
	if len(fins) == 0 {
		c.remove(kind, keyOf(cur))
		return
	}
	nd := copyObject(cur)
	ts := metav1.NewTime(c.now)
	nd.SetDeletionTimestamp(&ts)
	zero := int64(0)
	nd.SetDeletionGracePeriodSeconds(&zero)
	nd.SetFinalizers(fins)
	c.write(kind, nd)
}

// ---- namespace controller -------------------------------------------------

// NamespaceDelay is how long the namespace controller waits after a
// namespace event before it acts (RS-12.5).
const NamespaceDelay = 5 * time.Second

func (c *Cluster) syncNamespace(k key) {
	step, ok := c.planNamespace(k.name, c.now)
	if !ok {
		return
	}
	for _, name := range step.DeletePods {
		if o := c.st.get(KindPod, key{k.name, name}); o != nil && o.GetDeletionTimestamp() == nil {
			c.deletePod(o.(*corev1.Pod), nil)
		}
	}
	for _, obj := range step.Delete {
		if !c.st.modelled(obj.Kind) {
			c.deleteOther(k.name, obj)
			continue
		}
		if o := c.st.get(obj.Kind, key{k.name, obj.Name}); o != nil {
			c.deleteObject(obj.Kind, o, metav1.DeletePropagationBackground, nil)
		}
	}
	if step.Namespace != nil && !step.Gone {
		if cur := c.namespaceObject(k.name); cur != nil && !apiequality.Semantic.DeepEqual(cur, step.Namespace) {
			c.write(KindNamespace, step.Namespace.DeepCopy())
		}
	}
	if step.Gone {
		c.remove(KindNamespace, k)
		return
	}
	if step.RequeueAfter > 0 {
		c.requeue(KindNamespace, k, step.RequeueAfter)
	}
}

// planNamespace decides a pass of the namespace controller over namespace
// name at now; ok is false when there is none to make (the namespace is
// not being deleted, or its delayed first pass is still to come).
func (c *Cluster) planNamespace(name string, now time.Time) (step namespace.Step, ok bool) {
	ns := c.namespaceObject(name)
	if ns == nil || ns.DeletionTimestamp == nil {
		return step, false
	}
	if wait := ns.DeletionTimestamp.Add(NamespaceDelay).Sub(now); wait > 0 {
		return step, false // the delayed first pass is scheduled
	}
	content := namespace.Content{Pods: c.podsOf(name)}
	for _, kind := range []string{KindReplicaSet, KindReplicationController, KindDeployment, KindService, KindResourceQuota} {
		for _, o := range c.st.list(kind, name) {
			content.Others = append(content.Others, namespace.Object{Kind: kind, Name: o.GetName(), Finalizers: o.GetFinalizers()})
		}
	}
	content.Others = append(content.Others, c.otherContent(name)...)
	return namespace.Finalize(ns, content, now), true
}
