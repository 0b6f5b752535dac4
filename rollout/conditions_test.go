package rollout_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/rollout"
)

// TestSetDeploymentCondition: PG-1, SetDeploymentCondition's three cases.
func TestSetDeploymentCondition(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(typ appsv1.DeploymentConditionType, st corev1.ConditionStatus, reason, msg string, update, transition int) appsv1.DeploymentCondition {
		return appsv1.DeploymentCondition{Type: typ, Status: st, Reason: reason, Message: msg,
			LastUpdateTime: metav1.NewTime(t0.Add(time.Duration(update) * time.Second)), LastTransitionTime: metav1.NewTime(t0.Add(time.Duration(transition) * time.Second))}
	}
	avail := mk(appsv1.DeploymentAvailable, corev1.ConditionTrue, rollout.ReasonMinimumReplicasAvailable, "ok", 0, 0)
	prog := mk(appsv1.DeploymentProgressing, corev1.ConditionTrue, rollout.ReasonReplicaSetUpdated, "old", 10, 5)
	cases := []struct {
		name string
		in   []appsv1.DeploymentCondition
		set  appsv1.DeploymentCondition
		want []appsv1.DeploymentCondition
	}{
		{"added last when absent", []appsv1.DeploymentCondition{avail}, prog,
			[]appsv1.DeploymentCondition{avail, prog}},
		{"same status and reason: nothing changes, not even the message", []appsv1.DeploymentCondition{prog, avail},
			mk(appsv1.DeploymentProgressing, corev1.ConditionTrue, rollout.ReasonReplicaSetUpdated, "new", 60, 60),
			[]appsv1.DeploymentCondition{prog, avail}},
		{"same status, new reason: replaced, moved last, transition kept", []appsv1.DeploymentCondition{prog, avail},
			mk(appsv1.DeploymentProgressing, corev1.ConditionTrue, rollout.ReasonNewReplicaSetAvailable, "done", 60, 60),
			[]appsv1.DeploymentCondition{avail, mk(appsv1.DeploymentProgressing, corev1.ConditionTrue, rollout.ReasonNewReplicaSetAvailable, "done", 60, 5)}},
		{"new status: replaced with its own transition time", []appsv1.DeploymentCondition{prog},
			mk(appsv1.DeploymentProgressing, corev1.ConditionFalse, rollout.ReasonProgressDeadlineExceeded, "late", 60, 60),
			[]appsv1.DeploymentCondition{mk(appsv1.DeploymentProgressing, corev1.ConditionFalse, rollout.ReasonProgressDeadlineExceeded, "late", 60, 60)}},
		{"duplicates of the type all replaced", []appsv1.DeploymentCondition{prog, avail, prog}, mk(appsv1.DeploymentProgressing, corev1.ConditionFalse, "X", "", 1, 1),
			[]appsv1.DeploymentCondition{avail, mk(appsv1.DeploymentProgressing, corev1.ConditionFalse, "X", "", 1, 1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := appsv1.DeploymentStatus{Conditions: tc.in}
			before := in.DeepCopy()
			out := in
			rollout.SetDeploymentCondition(&out, tc.set)
			if diff := cmp.Diff(tc.want, out.Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before.Conditions, in.Conditions); diff != "" {
				t.Errorf("the slice given was changed:\n%s", diff)
			}
		})
	}
	s := appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{prog, avail, prog}}
	rollout.RemoveDeploymentCondition(&s, appsv1.DeploymentProgressing)
	if diff := cmp.Diff([]appsv1.DeploymentCondition{avail}, s.Conditions); diff != "" {
		t.Errorf("RemoveDeploymentCondition (-want +got):\n%s", diff)
	}
	rollout.RemoveDeploymentCondition(&s, appsv1.DeploymentAvailable)
	if s.Conditions != nil {
		t.Errorf("no condition left: %v, want nil", s.Conditions)
	}
	one := appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{avail}}
	got := rollout.GetDeploymentCondition(one, appsv1.DeploymentAvailable)
	got.Reason = "changed"
	if one.Conditions[0].Reason != rollout.ReasonMinimumReplicasAvailable || rollout.GetDeploymentCondition(s, appsv1.DeploymentAvailable) != nil {
		t.Error("GetDeploymentCondition: not a copy, or found in an empty status")
	}
	rollout.SetDeploymentCondition(nil, avail) // no panic
	rollout.RemoveDeploymentCondition(nil, appsv1.DeploymentAvailable)
}
