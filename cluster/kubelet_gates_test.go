package cluster

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/features"
)

// Rule P16.7 in the cluster: a readiness gate's condition set through the
// status subresource is kept by the kubelet, which makes the pod Ready a
// KubeletDelay later.
func TestKubeletKeepsReadinessGateConditions(t *testing.T) {
	c, err := New(Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "gated", Namespace: "default"}, Spec: corev1.PodSpec{
		Containers:     []corev1.Container{{Name: "c", Image: "nginx"}},
		ReadinessGates: []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	ready := func() corev1.PodCondition {
		o, err := c.Get(KindPod, "default", "gated")
		if err != nil {
			t.Fatal(err)
		}
		for _, cond := range o.(*corev1.Pod).Status.Conditions {
			if cond.Type == corev1.PodReady {
				return cond
			}
		}
		return corev1.PodCondition{}
	}
	if r := ready(); r.Status != corev1.ConditionFalse || r.Reason != "ReadinessGatesNotReady" {
		t.Fatalf("before the gate: %+v", r)
	}
	patch := []byte(`{"status":{"conditions":[{"type":"example.com/lb","status":"True"}]}}`)
	if _, err := c.API().Patch(context.Background(), corev1.SchemeGroupVersion.WithResource("pods"), "default", "gated", types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	if r := ready(); r.Status != corev1.ConditionTrue {
		t.Fatalf("after the gate: %+v", r)
	}
	o, _ := c.Get(KindPod, "default", "gated")
	if conds := o.(*corev1.Pod).Status.Conditions; conds[0].Type != "example.com/lb" || conds[0].Status != corev1.ConditionTrue {
		t.Fatalf("the gate's condition is not kept: %v", conds)
	}
}

// Rule 18: the cluster refuses gates upstream would refuse.
func TestClusterGatesValidated(t *testing.T) {
	if _, err := New(Options{Gates: features.Gates{"NoSuchGate": true}}); err == nil || err.Error() != "unrecognized feature gate: NoSuchGate" {
		t.Fatalf("err = %v", err)
	}
}
