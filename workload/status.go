package workload

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ReplicaFailure is the condition a failed create or delete adds.
const ReplicaFailure = appsv1.ReplicaSetReplicaFailure

// Status computes the controller's new status after the plan was carried
// out (RS-7), from the pods the sync saw — not the ones it just created or
// deleted (RS-7.2). manageErr is the first error of the creates or deletes
// (nil when all succeeded): it adds a ReplicaFailure condition, reason
// FailedCreate or FailedDelete, unless one is there already, which then is
// left as it was; success removes it (RS-7.3). write tells whether the
// status must be written (RS-7.4); when it is, ObservedGeneration is the
// controller's generation.
func (p *Plan) Status(manageErr error) (status appsv1.ReplicaSetStatus, write bool) {
	rs := p.rs
	s := *rs.Status.DeepCopy()
	fully, ready, available := p.fully, p.ready, p.available
	var failure *appsv1.ReplicaSetCondition
	for i := range s.Conditions {
		if s.Conditions[i].Type == ReplicaFailure {
			failure = &s.Conditions[i]
			break
		}
	}
	switch {
	case manageErr != nil && p.managed && failure == nil:
		reason := ""
		replicas := int32(1)
		if rs.Spec.Replicas != nil {
			replicas = *rs.Spec.Replicas
		}
		switch diff := p.ownedCount() - int(replicas); {
		case diff < 0:
			reason = "FailedCreate"
		case diff > 0:
			reason = "FailedDelete"
		}
		s.Conditions = append(withoutFailure(s.Conditions), appsv1.ReplicaSetCondition{
			Type: ReplicaFailure, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(p.now),
			Reason: reason, Message: manageErr.Error(),
		})
	case manageErr == nil && failure != nil:
		s.Conditions = withoutFailure(s.Conditions)
	}
	s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas = int32(p.ownedCount()), fully, ready, available
	s.TerminatingReplicas = nil
	if p.kind == ReplicaSetKind && p.countTerminating { // rule 5
		s.TerminatingReplicas = ptr(int32(p.terminating))
	}
	old := rs.Status
	same := old.Replicas == s.Replicas && old.FullyLabeledReplicas == s.FullyLabeledReplicas &&
		old.ReadyReplicas == s.ReadyReplicas && old.AvailableReplicas == s.AvailableReplicas &&
		equalPtr(old.TerminatingReplicas, s.TerminatingReplicas) && rs.Generation == old.ObservedGeneration &&
		equalConditions(old.Conditions, s.Conditions)
	if same {
		return *rs.Status.DeepCopy(), false
	}
	s.ObservedGeneration = rs.Generation
	return s, true
}

// ownedCount is how many pods the controller owns after claiming.
func (p *Plan) ownedCount() int {
	if p.counted {
		return p.nOwned
	}
	return len(p.owned)
}

// ReplicationControllerStatus is Status in the ReplicationController's
// form.
func (p *Plan) ReplicationControllerStatus(manageErr error) (corev1.ReplicationControllerStatus, bool) {
	s, write := p.Status(manageErr)
	return ToReplicationControllerStatus(s), write
}

// RequeueAfter is when the controller must look again although nothing
// else changes (RS-4.1 step 10, RS-7.6): with minReadySeconds > 0 and
// ready pods not yet available, when the first of them becomes available;
// 0 when nothing is time-driven.
func (p *Plan) RequeueAfter(status appsv1.ReplicaSetStatus) time.Duration {
	m := p.rs.Spec.MinReadySeconds
	if m <= 0 || status.ReadyReplicas == status.AvailableReplicas {
		return 0
	}
	next := time.Duration(m) * time.Second // upstream's fallback
	found := false
	for _, pod := range p.owned {
		c := readyCondition(pod)
		if !IsReady(pod) || c.LastTransitionTime.IsZero() {
			continue
		}
		wait := c.LastTransitionTime.Add(time.Duration(m) * time.Second).Sub(p.now)
		if wait > 0 && (!found || wait < next) {
			next, found = wait, true
		}
	}
	return next
}

func withoutFailure(cs []appsv1.ReplicaSetCondition) []appsv1.ReplicaSetCondition {
	var out []appsv1.ReplicaSetCondition
	for _, c := range cs {
		if c.Type != ReplicaFailure {
			out = append(out, c)
		}
	}
	return out
}

func equalPtr(a, b *int32) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func equalConditions(a, b []appsv1.ReplicaSetCondition) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Status != b[i].Status || a[i].Reason != b[i].Reason ||
			a[i].Message != b[i].Message || !a[i].LastTransitionTime.Equal(&b[i].LastTransitionTime) {
			return false
		}
	}
	return true
}
