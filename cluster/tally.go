package cluster

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/workload"
)

// tallyPod counts a pod write in the tallies of its controllers (before
// and after) and in its namespace's orphans.
func (c *Cluster) tallyPod(old, cur *corev1.Pod) {
	c.countOrphan(old, -1)
	c.countOrphan(cur, 1)
	c.countHash(old, -1)
	c.countHash(cur, 1)
	was, is := podController(old), podController(cur)
	if was == is {
		if t := c.tallies[is]; t != nil {
			t.Change(old, cur)
		}
		return
	}
	if t := c.tallies[was]; t != nil {
		t.Change(old, nil)
	}
	if t := c.tallies[is]; t != nil {
		t.Change(nil, cur)
	}
}

// podController is the UID of p's controller; "" for none or no pod.
func podController(p *corev1.Pod) types.UID {
	if p == nil {
		return ""
	}
	return controllerUID(p)
}

// countOrphan counts p, d times, among its namespace's active pods
// without a controller: pods a ReplicaSet may have to adopt.
func (c *Cluster) countOrphan(p *corev1.Pod, d int) {
	if p != nil && workload.IsActive(p) && metav1.GetControllerOfNoCopy(p) == nil {
		c.orphans[p.Namespace] += d
	}
}

// hashKey names the pods of a namespace with a pod-template-hash.
type hashKey struct{ ns, hash string }

// countHash counts p, d times, among the pods of its namespace with its
// pod-template-hash label's value.
func (c *Cluster) countHash(p *corev1.Pod, d int) {
	if p == nil {
		return
	}
	if h, ok := p.Labels[appsv1.DefaultDeploymentUniqueLabelKey]; ok {
		k := hashKey{p.Namespace, h}
		if n := c.hashed[k] + d; n != 0 {
			c.hashed[k] = n
		} else {
			delete(c.hashed, k)
		}
	}
}

// countedPlan decides a ReplicaSet's sync from its tally when no pod must
// be looked at (workload.SyncCounted: nothing to adopt, release or
// delete, no minReadySeconds), or from the pods it controls and its
// siblings' tallies when the namespace has no orphans to adopt
// (workload.SyncOwned: a deletion ranks them by the tallies' per-node
// counts when these are exact), making the tallies from the store first
// where there are none for the ReplicaSets as they are; nil when the sync
// must read the namespace's pods, or without shortcuts.
func (c *Cluster) countedPlan(rs *appsv1.ReplicaSet, memo *workload.Memo) *workload.Plan {
	if !shortcuts || c.orphans[rs.Namespace] != 0 {
		return nil
	}
	t := c.tallyOf(rs)
	if t == nil {
		return nil
	}
	opts := workload.Options{Gates: c.opts.Gates}
	if plan, ok := workload.SyncCounted(rs, t, 0, c.now, opts); ok {
		return plan
	}
	if ref := metav1.GetControllerOfNoCopy(rs); ref != nil {
		for _, so := range c.st.list(KindReplicaSet, rs.Namespace) {
			if sref := metav1.GetControllerOfNoCopy(so); sref != nil && sref.UID == ref.UID && so.GetUID() != rs.UID {
				s := so.(*appsv1.ReplicaSet)
				if c.tallyOf(s) == nil {
					return nil
				}
				opts.Siblings = append(opts.Siblings, s)
			}
		}
	}
	// The index's group, pods of other namespaces that name the
	// ReplicaSet included: the sync ignores those (they are never its),
	// and the list is not read pod by pod to drop them.
	c.ownBuf = c.st.tables[KindPod].AppendIndexed(c.ownBuf[:0], ownerIndex, ownerValue(rs.Namespace, rs.UID))
	pods := c.podBuf[:0]
	defer func() { clear(pods); c.podBuf = pods[:0] }()
	for _, o := range c.ownBuf {
		pods = append(pods, o.(*corev1.Pod))
	}
	opts.Memo = memo
	plan, ok := workload.SyncOwned(rs, t, 0, workload.Owned{Pods: pods, Tallies: c.tallies,
		Labeled: func(hash string) int { return c.hashed[hashKey{rs.Namespace, hash}] }}, c.now, opts)
	if !ok {
		return nil
	}
	return plan
}

// tallyOf is rs's tally, made from the store if there is none for rs as
// it is; nil for a selector that does not parse.
func (c *Cluster) tallyOf(rs *appsv1.ReplicaSet) *workload.Tally {
	if t := c.tallies[rs.UID]; t.Valid(rs) {
		return t
	}
	c.ownBuf = c.st.podsOwnedBy(c.ownBuf[:0], rs.Namespace, rs.UID)
	pods := make([]*corev1.Pod, len(c.ownBuf))
	for i, o := range c.ownBuf {
		pods[i] = o.(*corev1.Pod)
	}
	t, err := workload.NewTally(rs, pods)
	if err != nil {
		return nil
	}
	c.tallies[rs.UID] = t
	return t
}
