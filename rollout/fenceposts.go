package rollout

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// replicas is D.spec.replicas, read as its default 1 when unset.
func replicas(d *appsv1.Deployment) int32 {
	if d == nil || d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func rsReplicas(rs *appsv1.ReplicaSet) int32 {
	if rs == nil || rs.Spec.Replicas == nil {
		return 0
	}
	return *rs.Spec.Replicas
}

// IsRollingUpdate reports whether the Deployment uses the RollingUpdate
// strategy.
func IsRollingUpdate(d *appsv1.Deployment) bool {
	return d != nil && d.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType
}

func rollingParams(d *appsv1.Deployment) (surge, unavailable *intstr.IntOrString) {
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		return ru.MaxSurge, ru.MaxUnavailable
	}
	return nil, nil
}

// ResolveFenceposts resolves maxSurge and maxUnavailable against desired
// replicas (F-1 … F-3): a percentage of desired, surge rounded up and
// unavailable rounded down, a nil value as 0; when both come out 0,
// unavailable is 1 ("surge might not work due to quota"). A malformed
// value is upstream's error.
func ResolveFenceposts(maxSurge, maxUnavailable *intstr.IntOrString, desired int32) (surge, unavailable int32, err error) {
	s, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(maxSurge, intstr.FromInt32(0)), int(desired), true)
	if err != nil {
		return 0, 0, err
	}
	u, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(maxUnavailable, intstr.FromInt32(0)), int(desired), false)
	if err != nil {
		return 0, 0, err
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u), nil
}

// MaxSurge is how many pods above replicas a rolling Deployment may run
// (F-5): 0 for Recreate; errors read as 0; not clamped.
func MaxSurge(d *appsv1.Deployment) int32 {
	if !IsRollingUpdate(d) {
		return 0
	}
	s, u := rollingParams(d)
	surge, _, _ := ResolveFenceposts(s, u, replicas(d))
	return surge
}

// MaxUnavailable is how many of replicas may be unavailable during a
// rollout (F-6): 0 for Recreate or 0 replicas; errors read as 0; at most
// replicas.
func MaxUnavailable(d *appsv1.Deployment) int32 {
	r := replicas(d)
	if !IsRollingUpdate(d) || r == 0 {
		return 0
	}
	s, u := rollingParams(d)
	_, unavailable, _ := ResolveFenceposts(s, u, r)
	return min(unavailable, r)
}

// MinAvailable is replicas − MaxUnavailable for RollingUpdate, 0 for
// Recreate (F-7).
func MinAvailable(d *appsv1.Deployment) int32 {
	if !IsRollingUpdate(d) {
		return 0
	}
	return replicas(d) - MaxUnavailable(d)
}
