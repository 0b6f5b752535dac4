package workload

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// DeletionCostAnnotation is the annotation whose int32 value makes a pod
// cheaper (lower) or dearer (higher) to delete on scale-down (RS-2.9).
const DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// IsActive reports whether a pod counts towards a controller's replicas
// (RS-3.2): not Succeeded, not Failed, and not being deleted. Pending,
// Running, Unknown and an empty phase are all active.
func IsActive(p *corev1.Pod) bool {
	return p != nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && p.DeletionTimestamp == nil
}

// IsTerminating reports whether a pod is being deleted and has not
// finished (RS-3.3).
func IsTerminating(p *corev1.Pod) bool {
	return p != nil && p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed
}

// readyCondition is the pod's first Ready condition, as upstream's
// GetPodReadyCondition finds it.
func readyCondition(p *corev1.Pod) *corev1.PodCondition {
	if p == nil {
		return nil
	}
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == corev1.PodReady {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// IsReady reports whether the pod's (first) Ready condition is True.
func IsReady(p *corev1.Pod) bool {
	c := readyCondition(p)
	return c != nil && c.Status == corev1.ConditionTrue
}

// IsAvailable reports whether a pod is available at now for a controller
// with the given minReadySeconds (RS-7.1, P16.6): ready, and either
// minReadySeconds is 0 or it has been ready for at least that long. A
// ready pod whose Ready condition has no lastTransitionTime is never
// available when minReadySeconds > 0.
func IsAvailable(p *corev1.Pod, minReadySeconds int32, now time.Time) bool {
	if !IsReady(p) {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	c := readyCondition(p)
	return !c.LastTransitionTime.IsZero() && !c.LastTransitionTime.Add(time.Duration(minReadySeconds)*time.Second).After(now)
}

// DeletionCost reads a pod's deletion cost (RS-2.9): the annotation must
// start with "-", be exactly "0", or start with 1–9, and parse as a
// base-10 int32. A missing annotation is cost 0 without error; a
// malformed one is cost 0 with an error.
func DeletionCost(p *corev1.Pod) (int32, error) {
	if p == nil {
		return 0, nil
	}
	v, ok := p.Annotations[DeletionCostAnnotation]
	if !ok {
		return 0, nil
	}
	if v == "" || !(v[0] == '-' || v == "0" || (v[0] >= '1' && v[0] <= '9')) {
		return 0, &strconv.NumError{Func: "ParseInt", Num: v, Err: strconv.ErrSyntax}
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, err
	}
	return int32(n), nil
}
