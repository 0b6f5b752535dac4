package cluster

import (
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podStatusEqual is apiequality.Semantic.DeepEqual of two pod statuses
// without reflection: the fields the kubelet writes are compared one by
// one, with the semantic rules (a nil slice equals an empty one, times
// are equal when they name the same instant); a field it never writes
// (resource claims, resize, volume health, …) falls back to
// Semantic.DeepEqual when either side has it. The kubelet compares every
// status it builds with the stored one, which made reflection a fifth of
// a rollout's time (BENCHMARKS.md, "Scale"); TestPropertyPodStatusEqual
// checks it against Semantic.DeepEqual.
func podStatusEqual(a, b *corev1.PodStatus) bool {
	if a.ObservedGeneration != b.ObservedGeneration || a.Phase != b.Phase || a.Message != b.Message ||
		a.Reason != b.Reason || a.NominatedNodeName != b.NominatedNodeName || a.HostIP != b.HostIP ||
		a.PodIP != b.PodIP || a.QOSClass != b.QOSClass || a.Resize != b.Resize {
		return false
	}
	if !timePtrEqual(a.StartTime, b.StartTime) {
		return false
	}
	if !conditionsEqual(a.Conditions, b.Conditions) || len(a.HostIPs) != len(b.HostIPs) || len(a.PodIPs) != len(b.PodIPs) {
		return false
	}
	for i := range a.HostIPs {
		if a.HostIPs[i] != b.HostIPs[i] {
			return false
		}
	}
	for i := range a.PodIPs {
		if a.PodIPs[i] != b.PodIPs[i] {
			return false
		}
	}
	if !containerStatusesEqual(a.InitContainerStatuses, b.InitContainerStatuses) ||
		!containerStatusesEqual(a.ContainerStatuses, b.ContainerStatuses) ||
		!containerStatusesEqual(a.EphemeralContainerStatuses, b.EphemeralContainerStatuses) {
		return false
	}
	// What the kubelet model never writes: by reflection, when present.
	if len(a.ResourceClaimStatuses)+len(b.ResourceClaimStatuses) > 0 && !apiequality.Semantic.DeepEqual(a.ResourceClaimStatuses, b.ResourceClaimStatuses) {
		return false
	}
	if (a.ExtendedResourceClaimStatus != nil || b.ExtendedResourceClaimStatus != nil) && !apiequality.Semantic.DeepEqual(a.ExtendedResourceClaimStatus, b.ExtendedResourceClaimStatus) {
		return false
	}
	if len(a.AllocatedResources)+len(b.AllocatedResources) > 0 && !apiequality.Semantic.DeepEqual(a.AllocatedResources, b.AllocatedResources) {
		return false
	}
	if (a.Resources != nil || b.Resources != nil) && !apiequality.Semantic.DeepEqual(a.Resources, b.Resources) {
		return false
	}
	if len(a.NodeAllocatableResourceClaimStatuses)+len(b.NodeAllocatableResourceClaimStatuses) > 0 &&
		!apiequality.Semantic.DeepEqual(a.NodeAllocatableResourceClaimStatuses, b.NodeAllocatableResourceClaimStatuses) {
		return false
	}
	if len(a.VolumeHealth)+len(b.VolumeHealth) > 0 && !apiequality.Semantic.DeepEqual(a.VolumeHealth, b.VolumeHealth) {
		return false
	}
	return true
}

// conditionsEqual compares two condition lists field by field, times by
// the instant they name.
func conditionsEqual(a, b []corev1.PodCondition) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Type != y.Type || x.Status != y.Status || x.ObservedGeneration != y.ObservedGeneration ||
			x.Reason != y.Reason || x.Message != y.Message ||
			!x.LastTransitionTime.Time.Equal(y.LastTransitionTime.Time) || !x.LastProbeTime.Time.Equal(y.LastProbeTime.Time) {
			return false
		}
	}
	return true
}

// statusUnchanged is podStatusEqual, or Semantic.DeepEqual without the
// shortcuts.
func statusUnchanged(a, b *corev1.PodStatus) bool {
	if !shortcuts {
		// values, not the pointers: a boxed pointer would move the
		// caller's status to the heap
		return apiequality.Semantic.DeepEqual(*a, *b)
	}
	return podStatusEqual(a, b)
}

func containerStatusesEqual(a, b []corev1.ContainerStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !containerStatusEqual(&a[i], &b[i]) {
			return false
		}
	}
	return true
}

func containerStatusEqual(a, b *corev1.ContainerStatus) bool {
	if a.Name != b.Name || a.Ready != b.Ready || a.RestartCount != b.RestartCount || a.Image != b.Image ||
		a.ImageID != b.ImageID || a.ContainerID != b.ContainerID {
		return false
	}
	if (a.Started == nil) != (b.Started == nil) || a.Started != nil && *a.Started != *b.Started {
		return false
	}
	if !containerStateEqual(&a.State, &b.State) || !containerStateEqual(&a.LastTerminationState, &b.LastTerminationState) {
		return false
	}
	if len(a.AllocatedResources)+len(b.AllocatedResources) > 0 && !apiequality.Semantic.DeepEqual(a.AllocatedResources, b.AllocatedResources) {
		return false
	}
	if (a.Resources != nil || b.Resources != nil) && !apiequality.Semantic.DeepEqual(a.Resources, b.Resources) {
		return false
	}
	if len(a.VolumeMounts)+len(b.VolumeMounts) > 0 && !apiequality.Semantic.DeepEqual(a.VolumeMounts, b.VolumeMounts) {
		return false
	}
	if (a.User != nil || b.User != nil) && !apiequality.Semantic.DeepEqual(a.User, b.User) {
		return false
	}
	if len(a.AllocatedResourcesStatus)+len(b.AllocatedResourcesStatus) > 0 && !apiequality.Semantic.DeepEqual(a.AllocatedResourcesStatus, b.AllocatedResourcesStatus) {
		return false
	}
	if (a.StopSignal == nil) != (b.StopSignal == nil) || a.StopSignal != nil && *a.StopSignal != *b.StopSignal {
		return false
	}
	return true
}

func containerStateEqual(a, b *corev1.ContainerState) bool {
	if (a.Waiting == nil) != (b.Waiting == nil) || (a.Running == nil) != (b.Running == nil) || (a.Terminated == nil) != (b.Terminated == nil) {
		return false
	}
	if a.Waiting != nil && *a.Waiting != *b.Waiting {
		return false
	}
	if a.Running != nil && !a.Running.StartedAt.Time.Equal(b.Running.StartedAt.Time) {
		return false
	}
	if x, y := a.Terminated, b.Terminated; x != nil {
		if x.ExitCode != y.ExitCode || x.Signal != y.Signal || x.Reason != y.Reason || x.Message != y.Message ||
			x.ContainerID != y.ContainerID || !x.StartedAt.Time.Equal(y.StartedAt.Time) || !x.FinishedAt.Time.Equal(y.FinishedAt.Time) {
			return false
		}
	}
	return true
}

func timePtrEqual(a, b *metav1.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Time.Equal(b.Time)
}
