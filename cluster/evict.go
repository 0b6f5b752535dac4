package cluster

import (
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var pdbGVR = schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}

// Evict evicts a pod as the eviction subresource does (rule 12): a pod
// that has terminated, is pending or is being deleted goes at once;
// otherwise the one PodDisruptionBudget that selects it must allow a
// disruption (its status.disruptionsAllowed, which it then spends), else
// the eviction is refused with 429 TooManyRequests and upstream's text.
// The pod gets condition DisruptionTarget (EvictionByEvictionAPI) and is
// deleted gracefully. MODEL: no disruption controller computes a PDB's
// status here, so a budget blocks evictions unless its status is written;
// the DisruptionAllowed condition is not updated when the last allowed
// disruption is spent.
func (c *Cluster) Evict(namespace, name string) error {
	o := c.st.get(KindPod, key{namespace, name})
	if o == nil {
		return apiNotFound(KindPod, name)
	}
	p := o.(*corev1.Pod)
	ignorePDB := podTerminal(p) || p.Status.Phase == corev1.PodPending || p.DeletionTimestamp != nil
	if !ignorePDB {
		if err := c.spendDisruption(p); err != nil {
			return err
		}
	}
	if p.DeletionTimestamp == nil {
		np := p.DeepCopy()
		setPodCondition(np, corev1.PodCondition{Type: corev1.DisruptionTarget, ObservedGeneration: p.Generation, Status: corev1.ConditionTrue,
			Reason: "EvictionByEvictionAPI", Message: "Eviction API: evicting", LastTransitionTime: metav1.NewTime(c.now)})
		c.writeStatus(KindPod, np)
		c.deletePod(np, nil)
	}
	if c.inLoop() {
		return nil
	}
	return c.step()
}

// spendDisruption checks the budgets that select a pod and spends one
// disruption of the only one (pkg/registry/core/pod/storage: the
// eviction REST's checkAndDecrement).
func (c *Cluster) spendDisruption(p *corev1.Pod) error {
	var budgets []*policyv1.PodDisruptionBudget
	for _, o := range c.srv.Objects(pdbGVR, p.Namespace) {
		pdb := o.(*policyv1.PodDisruptionBudget)
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(p.Labels)) {
			continue
		}
		budgets = append(budgets, pdb)
	}
	switch len(budgets) {
	case 0:
		return nil
	case 1:
	default:
		return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 500,
			Message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."}}
	}
	pdb := budgets[0]
	cause := func(err *apierrors.StatusError, msg string) error {
		err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{Type: policyv1.DisruptionBudgetCause, Message: msg})
		return err
	}
	switch {
	case pdb.Status.ObservedGeneration < pdb.Generation:
		return cause(apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10),
			fmt.Sprintf("The disruption budget %s is still being processed by the server.", pdb.Name))
	case pdb.Status.DisruptionsAllowed < 0:
		return cause(apierrors.NewForbidden(schema.GroupResource{Group: "policy", Resource: "poddisruptionbudget"}, pdb.Name, errors.New("pdb disruptions allowed is negative")),
			fmt.Sprintf("The disruption budget %s does not allow evicting pods currently: pdb disruptions allowed is negative", pdb.Name))
	case pdb.Status.DisruptionsAllowed == 0:
		var msg string
		cond := meta.FindStatusCondition(pdb.Status.Conditions, policyv1.DisruptionAllowedCondition)
		switch {
		case cond != nil && cond.Status == metav1.ConditionFalse && cond.Message != "" && cond.Reason == policyv1.SyncFailedReason:
			msg = fmt.Sprintf("The disruption budget %s does not allow evicting pods currently because it failed sync: %s", pdb.Name, cond.Message)
		case pdb.Status.CurrentHealthy <= pdb.Status.DesiredHealthy:
			msg = fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", pdb.Name, pdb.Status.DesiredHealthy, pdb.Status.CurrentHealthy)
		case cond != nil && cond.Status == metav1.ConditionFalse && cond.Message != "":
			msg = fmt.Sprintf("The disruption budget %s does not allow evicting pods currently (%s): %s", pdb.Name, cond.Reason, cond.Message)
		default:
			msg = fmt.Sprintf("The disruption budget %s does not allow evicting pods currently", pdb.Name)
		}
		return cause(apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0), msg)
	}
	np := pdb.DeepCopy()
	np.Status.DisruptionsAllowed--
	if np.Status.DisruptedPods == nil {
		np.Status.DisruptedPods = map[string]metav1.Time{}
	}
	np.Status.DisruptedPods[p.Name] = metav1.NewTime(c.now)
	if _, err := c.srv.Update(pdbGVR, np.Namespace, np, metav1.UpdateOptions{}, "status"); err != nil {
		return err
	}
	return nil
}
