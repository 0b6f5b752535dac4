package rollout

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NewDeploymentCondition returns a condition of type t with the given
// status, reason and message, its last update and transition times both
// now (deployment_util.go: NewDeploymentCondition, whose clock is the
// wall's).
func NewDeploymentCondition(t appsv1.DeploymentConditionType, status corev1.ConditionStatus, reason, message string, now time.Time) *appsv1.DeploymentCondition {
	at := metav1.NewTime(now)
	return &appsv1.DeploymentCondition{Type: t, Status: status, LastUpdateTime: at, LastTransitionTime: at, Reason: reason, Message: message}
}

// GetDeploymentCondition returns a copy of status's condition of type t,
// or nil when it has none (deployment_util.go: GetDeploymentCondition).
// With several of that type, the first.
func GetDeploymentCondition(status appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	if c := condition(status.Conditions, t); c != nil {
		cp := *c
		return &cp
	}
	return nil
}

// SetDeploymentCondition puts c into status (deployment_util.go:
// SetDeploymentCondition): when status already has a condition of c's type
// with c's status and reason, nothing changes — not even the message or the
// update time; otherwise every condition of that type is dropped and c is
// appended last, keeping the old lastTransitionTime when the status is the
// same (only the reason changed).
//
// status is the caller's to change, as upstream's helper changes it; its
// Conditions becomes a new slice, so an earlier copy of the status that
// shares the old one is not changed.
func SetDeploymentCondition(status *appsv1.DeploymentStatus, c appsv1.DeploymentCondition) {
	if status == nil {
		return
	}
	setCondition(status, c)
}

// RemoveDeploymentCondition drops every condition of type t from status
// (deployment_util.go: RemoveDeploymentCondition); Conditions becomes nil
// when none is left. As SetDeploymentCondition, it changes status and
// never the slice status held before.
func RemoveDeploymentCondition(status *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) {
	if status == nil {
		return
	}
	status.Conditions = removeCondition(status.Conditions, t)
}

// setCondition is SetDeploymentCondition (PG-1).
func setCondition(s *appsv1.DeploymentStatus, c appsv1.DeploymentCondition) {
	cur := condition(s.Conditions, c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	s.Conditions = append(removeCondition(s.Conditions, c.Type), c)
}

// removeCondition returns cs without the conditions of type t, in a new
// slice (nil when none is left).
func removeCondition(cs []appsv1.DeploymentCondition, t appsv1.DeploymentConditionType) []appsv1.DeploymentCondition {
	var out []appsv1.DeploymentCondition
	for _, c := range cs {
		if c.Type != t {
			out = append(out, c)
		}
	}
	return out
}
