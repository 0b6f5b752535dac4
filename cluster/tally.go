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

// countedPlan decides a ReplicaSet's sync from its tally when no pod must
// be looked at (workload.SyncCounted: nothing to adopt, release or
// delete, no minReadySeconds), making the tally from the store first if
// there is none for the ReplicaSet as it is; nil when the sync must read
// the pods, or without shortcuts.
func (c *Cluster) countedPlan(rs *appsv1.ReplicaSet) *workload.Plan {
	if !shortcuts || c.orphans[rs.Namespace] != 0 {
		return nil
	}
	t := c.tallies[rs.UID]
	if !t.Valid(rs) {
		c.ownBuf = c.st.podsOwnedBy(c.ownBuf[:0], rs.Namespace, rs.UID)
		pods := make([]*corev1.Pod, len(c.ownBuf))
		for i, o := range c.ownBuf {
			pods[i] = o.(*corev1.Pod)
		}
		var err error
		if t, err = workload.NewTally(rs, pods); err != nil {
			return nil
		}
		c.tallies[rs.UID] = t
	}
	plan, ok := workload.SyncCounted(rs, t, c.orphans[rs.Namespace], c.now, workload.Options{Gates: c.opts.Gates})
	if !ok {
		return nil
	}
	return plan
}
