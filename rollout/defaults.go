package rollout

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/workload"
)

// Default returns a copy of d with the apiserver's defaults (D-1 … D-8):
// replicas 1; strategy RollingUpdate with maxSurge and maxUnavailable 25%
// each (a Recreate strategy gets no rollingUpdate block);
// revisionHistoryLimit 10; progressDeadlineSeconds 600; and the pod
// template's defaults (workload.DefaultPodTemplate).
func Default(d *appsv1.Deployment) *appsv1.Deployment {
	if d == nil {
		return nil
	}
	out := d.DeepCopy()
	if out.Spec.Replicas == nil {
		out.Spec.Replicas = ptr(int32(1))
	}
	if out.Spec.Strategy.Type == "" {
		out.Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if out.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType {
		if out.Spec.Strategy.RollingUpdate == nil {
			out.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{}
		}
		ru := out.Spec.Strategy.RollingUpdate
		if ru.MaxUnavailable == nil {
			v := intstr.FromString("25%")
			ru.MaxUnavailable = &v
		}
		if ru.MaxSurge == nil {
			v := intstr.FromString("25%")
			ru.MaxSurge = &v
		}
	}
	if out.Spec.RevisionHistoryLimit == nil {
		out.Spec.RevisionHistoryLimit = ptr(int32(10))
	}
	if out.Spec.ProgressDeadlineSeconds == nil {
		out.Spec.ProgressDeadlineSeconds = ptr(int32(600))
	}
	out.Spec.Template = *workload.DefaultPodTemplate(&out.Spec.Template)
	return out
}

func ptr[T any](v T) *T { return &v }
