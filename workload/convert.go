package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FromReplicationController converts a ReplicationController into the
// ReplicaSet form upstream's RC manager works on (RS-1.2): the selector map
// becomes matchLabels (a nil map a nil selector), the template pointer a
// value. The result is a deep copy; a nil replicas is read as the default,
// 1.
func FromReplicationController(rc *corev1.ReplicationController) *appsv1.ReplicaSet {
	if rc == nil {
		return nil
	}
	rs := &appsv1.ReplicaSet{ObjectMeta: *rc.ObjectMeta.DeepCopy()}
	rs.Spec.Replicas = ptr(int32(1))
	if rc.Spec.Replicas != nil {
		rs.Spec.Replicas = ptr(*rc.Spec.Replicas)
	}
	rs.Spec.MinReadySeconds = rc.Spec.MinReadySeconds
	if rc.Spec.Selector != nil {
		rs.Spec.Selector = &metav1.LabelSelector{}
		for k, v := range rc.Spec.Selector {
			if rs.Spec.Selector.MatchLabels == nil {
				rs.Spec.Selector.MatchLabels = map[string]string{}
			}
			rs.Spec.Selector.MatchLabels[k] = v
		}
	}
	if rc.Spec.Template != nil {
		rs.Spec.Template = *rc.Spec.Template.DeepCopy()
	}
	rs.Status = appsv1.ReplicaSetStatus{
		Replicas:             rc.Status.Replicas,
		FullyLabeledReplicas: rc.Status.FullyLabeledReplicas,
		ReadyReplicas:        rc.Status.ReadyReplicas,
		AvailableReplicas:    rc.Status.AvailableReplicas,
		ObservedGeneration:   rc.Status.ObservedGeneration,
	}
	for _, c := range rc.Status.Conditions {
		rs.Status.Conditions = append(rs.Status.Conditions, appsv1.ReplicaSetCondition{
			Type: appsv1.ReplicaSetConditionType(c.Type), Status: c.Status,
			LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message,
		})
	}
	return rs
}

// ToReplicationControllerStatus converts a ReplicaSet status back to the
// ReplicationController's (terminatingReplicas has no RC field).
func ToReplicationControllerStatus(s appsv1.ReplicaSetStatus) corev1.ReplicationControllerStatus {
	out := corev1.ReplicationControllerStatus{
		Replicas:             s.Replicas,
		FullyLabeledReplicas: s.FullyLabeledReplicas,
		ReadyReplicas:        s.ReadyReplicas,
		AvailableReplicas:    s.AvailableReplicas,
		ObservedGeneration:   s.ObservedGeneration,
	}
	for _, c := range s.Conditions {
		out.Conditions = append(out.Conditions, corev1.ReplicationControllerCondition{
			Type: corev1.ReplicationControllerConditionType(c.Type), Status: c.Status,
			LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message,
		})
	}
	return out
}

func ptr[T any](v T) *T { return &v }
