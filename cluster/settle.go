package cluster

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/selector"
)

// Settle runs the cluster until it is quiet and returns at the instant it
// became so, which is the instant of the last change: nothing is pending
// but background work (a kubelet's periodic probes, a controller's
// requeue), and looking ahead, none of that would change an object within
// Options.SettleQuiet — nor would any pending deadline at all (a
// Deployment's progress deadline, a ReplicaSet's minReadySeconds check),
// however far ahead (unless Options.SettleIgnoresDeadlines). The quiet
// window is looked ahead, not spent: after a
// command that changes nothing, Settle returns at once, the clock where it
// was. Foreground work — a container start, a retry, a node-monitor pass,
// an eviction, an action scheduled with After — is waited for, even when
// it then changes nothing. It gives up after limit of virtual time (an
// error wrapping ErrNotSettled, naming what was still going on): a
// container in CrashLoopBackOff, for one, never settles.
//
// The look-ahead asks each kubelet's probe model (a copy of it, stepped
// over the window) and each pending requeue's controller (a sync decided
// at the requeue's instant, with the objects as they are) what they would
// write; nothing is run or recorded. A user controller's requeue cannot be
// asked: within SettleQuiet of the last write it is run, as the clock
// passes it — so a cluster with user controllers that requeue themselves
// settles SettleQuiet after its last change, as it did before the
// look-ahead.
func (c *Cluster) Settle(limit time.Duration) error {
	if err := c.notInAction("Settle"); err != nil {
		return err
	}
	if err := c.takeDeferred(); err != nil {
		return err
	}
	end := c.now.Add(limit)
	for {
		if c.pendingForeground() == nil {
			w, ok := c.nextWork()
			if !ok {
				return nil
			}
			if w.at.After(end) {
				c.now = end
				what := w.what
				if strings.HasPrefix(what, userWork) {
					what = c.busy()
				}
				return fmt.Errorf("%w within %s (at %s): %s", ErrNotSettled, limit, c.Elapsed(), what)
			}
			// Run to the instant the look-ahead found: what comes before
			// it changes nothing it looked at (or is a user's requeue,
			// which runs). A write on the way (a kubelet's past the
			// window, on the way to a deadline) means looking again.
			ran, wrote := false, c.lastWrite
			for c.queue.Len() > 0 && !c.queue[0].at.After(w.at) {
				if err := c.runInstant(); err != nil {
					return err
				}
				ran = true
				if !c.lastWrite.Equal(wrote) || c.pendingForeground() != nil {
					break
				}
			}
			if !ran {
				// Nothing is due then: the look-ahead was wrong (a bug),
				// reported rather than looked for again and again.
				return fmt.Errorf("cluster: Settle expected %s, and nothing is due then (at %s)", w.what, c.Elapsed())
			}
			continue
		}
		if c.queue[0].at.After(end) {
			c.now = end
			return fmt.Errorf("%w within %s (at %s): %s", ErrNotSettled, limit, c.Elapsed(), c.busy())
		}
		if err := c.runInstant(); err != nil {
			return err
		}
	}
}

// work is what Settle's look-ahead found: the first instant something
// would or might change an object by itself, and what.
type work struct {
	at   time.Time
	what string
}

// userWork starts the description of a user controller's requeue (whose
// error names the controller's last write instead).
const userWork = "a user controller's requeue"

// nextWork looks ahead from now, with no foreground work pending, for the
// first instant at which the cluster would write something by itself: a
// kubelet's status write or removal within SettleQuiet; a requeued sync
// (Deployment, ReplicaSet, RC, namespace) that would write, at any time
// up to deadlineHorizon (within SettleQuiet with SettleIgnoresDeadlines);
// a user controller's requeue within SettleQuiet of the last write (it
// cannot be asked, only run). ok is false when there is none: the
// cluster is quiet.
func (c *Cluster) nextWork() (w work, ok bool) {
	horizon := c.now.Add(c.opts.SettleQuiet)
	blind := c.lastWrite.Add(c.opts.SettleQuiet)
	deadlines := c.now.Add(deadlineHorizon)
	if c.opts.SettleIgnoresDeadlines {
		deadlines = horizon
	}
	// found keeps the first instant and, of two things due at it, the one
	// named first (the look-ahead visits maps, in no fixed order).
	found := func(at time.Time, what func() string) {
		switch {
		case !ok || at.Before(w.at):
			w, ok = work{at: at, what: what()}, true
		case at.Equal(w.at):
			if s := what(); s < w.what {
				w.what = s
			}
		}
	}
	// until is how far a look-ahead still matters: up to the first
	// instant found.
	until := func(limit time.Time) time.Time {
		if ok && w.at.Before(limit) {
			return w.at
		}
		return limit
	}
	for i := range c.queue {
		if t := &c.queue[i]; t.src == userTimer && !t.at.After(until(blind)) {
			found(t.at, func() string { return fmt.Sprintf("%s at %s", userWork, c.since(t.at)) })
		}
	}
	for _, due := range c.pendingSync {
		if !due.background {
			continue
		}
		if at, writes := c.syncWrites(due.kind, due.k, due.at, until(deadlines)); writes {
			found(at, func() string {
				return fmt.Sprintf("%s %s: its sync at %s would change it", kindWord(due.kind), due.k, c.since(at))
			})
		}
	}
	for k, rt := range c.pods {
		if at, writes := c.kubeletWrites(k, rt, until(horizon)); writes {
			found(at, func() string { return fmt.Sprintf("pod %s: its kubelet would write at %s", k, c.since(at)) })
		}
	}
	return w, ok
}

// since formats an instant as the virtual time since the cluster's start.
func (c *Cluster) since(t time.Time) time.Duration { return t.Sub(c.opts.Start) }

// kindWord is a kind as messages name it ("deployment").
func kindWord(kind string) string {
	switch kind {
	case KindDeployment:
		return "deployment"
	case KindReplicaSet:
		return "replicaset"
	case KindReplicationController:
		return "replicationcontroller"
	}
	return kind
}

// deadlineHorizon is how far ahead the look-ahead asks requeued syncs
// (further than any limit a caller gives Settle: a deadline past the
// limit is why it did not settle).
const deadlineHorizon = 100 * 365 * 24 * time.Hour

// maxLookAheadSyncs bounds the chain of requeues a look-ahead follows for
// one object (each sync that writes nothing may ask to look again later:
// a namespace waiting for a pod on a stopped node looks every second). A
// chain that long changing nothing is taken as quiet.
const maxLookAheadSyncs = 10_000

// syncWrites reports whether the requeued sync of a controller object due
// at at, or one of the requeues that sync would make in turn, would write
// something, with the objects as they are; and when. Syncs later than end
// are not asked.
func (c *Cluster) syncWrites(kind string, k key, at, end time.Time) (time.Time, bool) {
	for range maxLookAheadSyncs {
		if at.After(end) {
			return time.Time{}, false
		}
		again, writes := c.syncDecides(kind, k, at)
		if writes {
			return at, true
		}
		if again <= 0 {
			return time.Time{}, false
		}
		if again < time.Second {
			// a progress check "now": rate-limited retries, foreground
			// work once it is made
			return at, true
		}
		at = at.Add(again)
	}
	return time.Time{}, false
}

// syncDecides decides the sync of a controller object at at without
// carrying it out: whether it would write (an object or a status; events
// are not writes) and, if not, after how long it would look again.
func (c *Cluster) syncDecides(kind string, k key, at time.Time) (again time.Duration, writes bool) {
	var o Object
	if kind == KindNamespace {
		if ns := c.namespaceObject(k.name); ns != nil {
			o = ns
		}
	} else if got := c.st.get(kind, k); got != nil {
		o = got
	}
	if o == nil {
		return 0, false
	}
	switch kind {
	case KindReplicaSet:
		rs := o.(*appsv1.ReplicaSet)
		plan, err := c.planReplicaSet(rs, at, nil)
		if err != nil {
			return 0, false // an event only
		}
		status, write := plan.Status(nil)
		if write || planActs(plan.Create, len(plan.Adopt), len(plan.Release), len(plan.Delete)) {
			return 0, true
		}
		return plan.RequeueAfter(status), false
	case KindReplicationController:
		rc := o.(*corev1.ReplicationController)
		plan, err := c.planReplicationController(rc, at, nil)
		if err != nil {
			return 0, false
		}
		status, write := plan.ReplicationControllerStatus(nil)
		if write || planActs(plan.Create, len(plan.Adopt), len(plan.Release), len(plan.Delete)) {
			return 0, true
		}
		return plan.RequeueAfter(appsv1.ReplicaSetStatus{Replicas: status.Replicas, ReadyReplicas: status.ReadyReplicas, AvailableReplicas: status.AvailableReplicas}), false
	case KindNamespace:
		step, ok := c.planNamespace(k.name, at)
		if !ok {
			return 0, false
		}
		if step.Gone {
			return 0, true
		}
		for _, obj := range step.Delete {
			if c.deletes(k.name, obj) {
				return 0, true
			}
		}
		for _, name := range step.DeletePods {
			if p := c.st.get(KindPod, key{k.name, name}); p != nil && p.GetDeletionTimestamp() == nil {
				return 0, true
			}
		}
		if step.Namespace != nil && !apiequality.Semantic.DeepEqual(o, step.Namespace) {
			return 0, true
		}
		return step.RequeueAfter, false
	case KindDeployment:
		d := o.(*appsv1.Deployment)
		sel, err := selector.FromLabelSelector(d.Spec.Selector)
		if err != nil {
			return 0, false
		}
		rss, claims := c.claimReplicaSets(d, sel, false)
		if len(claims) > 0 {
			return 0, true
		}
		plan, err := rollout.SyncWith(d, rss, c.deploymentPods(d, rss), at, rollout.Options{Gates: c.opts.Gates})
		if err != nil {
			return 0, false
		}
		if plan.Create != nil || len(plan.Updates) > 0 || len(plan.Deletes) > 0 || plan.Update != nil ||
			(plan.WriteStatus && plan.Deployment != nil) || plan.Conflict {
			return 0, true
		}
		return plan.RequeueAfter, false
	}
	return 0, true // not a controller the look-ahead knows: run it
}

// deletes reports whether the namespace controller's DELETE of obj, in
// namespace ns, would change it: it exists and is not being deleted yet.
func (c *Cluster) deletes(ns string, obj namespace.Object) bool {
	if c.st.modelled(obj.Kind) {
		o := c.st.get(obj.Kind, key{ns, obj.Name})
		return o != nil && o.GetDeletionTimestamp() == nil
	}
	r, err := c.srv.ResourceFor(obj.Resource + "." + obj.Group)
	if err != nil {
		return false
	}
	o, err := c.srv.Get(r.GroupVersionResource(), ns, obj.Name, "")
	if err != nil {
		return false
	}
	m, err := meta.Accessor(o)
	return err == nil && m.GetDeletionTimestamp() == nil
}

func planActs(create, adopt, release, del int) bool {
	return create > 0 || adopt > 0 || release > 0 || del > 0
}

// kubeletWrites reports whether the kubelet of pod k would write its
// status, or remove the pod, by horizon if nothing else happened, and
// when: a copy of its probe model is stepped over the window, each
// step's status compared with the stored one. Events are not writes.
func (c *Cluster) kubeletWrites(k key, rt *podRuntime, horizon time.Time) (time.Time, bool) {
	if rt.frozen {
		return time.Time{}, false
	}
	at, ok := rt.runner.NextAt()
	if !ok || at.After(horizon) {
		return time.Time{}, false
	}
	o := c.st.get(KindPod, k)
	if o == nil {
		return time.Time{}, false
	}
	p := o.(*corev1.Pod)
	if gateConditions(p) != rt.gates {
		return at, true // its next sync tells the runner the gates first
	}
	r := rt.runner.Clone()
	for {
		at, ok := r.NextAt()
		if !ok || at.After(horizon) {
			return time.Time{}, false
		}
		if _, err := r.Step(); err != nil {
			return time.Time{}, false // a Warning event, and the runner stops
		}
		if rt.terminating && r.Done() {
			return at, true
		}
		st := c.kubeletStatus(p, rt, r, at)
		if !statusUnchanged(&st, &p.Status) {
			return at, true
		}
	}
}
