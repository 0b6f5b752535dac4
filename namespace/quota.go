package namespace

import (
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"
	resourcehelper "k8s.io/component-helpers/resource"
)

// podQuotaResources are the quota resources a pod is counted against that
// kubesem supports: the object counts and cpu, memory and ephemeral
// storage requests and limits. Hugepages and extended resources are not.
var podQuotaResources = []corev1.ResourceName{
	"count/pods", corev1.ResourcePods,
	corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage,
}

// mustSpecify are the resources every container must request or limit
// when a quota tracks them (the apiserver's backward-compatible rule).
var mustSpecify = []corev1.ResourceName{
	corev1.ResourceCPU, corev1.ResourceMemory,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory,
}

// computeUsage is what requests and limits count for in a quota.
func computeUsage(requests, limits corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}
	for _, r := range []struct{ res, req, lim corev1.ResourceName }{
		{corev1.ResourceCPU, corev1.ResourceRequestsCPU, corev1.ResourceLimitsCPU},
		{corev1.ResourceMemory, corev1.ResourceRequestsMemory, corev1.ResourceLimitsMemory},
		{corev1.ResourceEphemeralStorage, corev1.ResourceRequestsEphemeralStorage, corev1.ResourceLimitsEphemeralStorage},
	} {
		if q, ok := requests[r.res]; ok {
			out[r.res], out[r.req] = q.DeepCopy(), q.DeepCopy()
		}
		if q, ok := limits[r.res]; ok {
			out[r.lim] = q.DeepCopy()
		}
	}
	return out
}

// PodUsage is what a pod counts for in a ResourceQuota at now: count/pods
// always; pods and its requests and limits (init containers, sidecars,
// overhead and pod-level resources as the kubelet sums them, via
// k8s.io/component-helpers) unless it is Succeeded or Failed or has
// outlived its deletion grace period.
func PodUsage(pod *corev1.Pod, now time.Time) corev1.ResourceList {
	out := corev1.ResourceList{"count/pods": resource.MustParse("1")}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return out
	}
	if pod.DeletionTimestamp != nil && pod.DeletionGracePeriodSeconds != nil &&
		now.After(pod.DeletionTimestamp.Add(time.Duration(*pod.DeletionGracePeriodSeconds)*time.Second)) {
		return out
	}
	opts := resourcehelper.PodResourcesOptions{UseStatusResources: true}
	for k, v := range computeUsage(resourcehelper.PodRequests(pod, opts), resourcehelper.PodLimits(pod, opts)) {
		out[k] = v
	}
	return out
}

// AdmitPod is ResourceQuota admission of the create of pod in a namespace
// whose quotas are quotas, at now: the quotas with status.used raised by
// what the pod counts for, or the apiserver's Forbidden error — `pods
// "web" is forbidden: exceeded quota: compute, requested:
// requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2`,
// `failed quota: compute: must specify limits.cpu for: web` when a tracked
// cpu or memory resource is missing from a container, `status unknown for
// quota: …` before the quota controller has filled in status.used. A quota
// counts when its status.hard names a resource pods use. The arguments are
// not modified.
//
// Not supported (an error says so): quota scopes and scope selectors;
// hugepages and extended resources in status.hard are ignored.
func AdmitPod(pod *corev1.Pod, quotas []*corev1.ResourceQuota, now time.Time) ([]*corev1.ResourceQuota, error) {
	if pod == nil {
		return nil, fmt.Errorf("namespace: nil Pod")
	}
	name := pod.Name
	if name == "" {
		name = pod.GenerateName
	}
	if name == "" {
		name = "Unknown"
	}
	forbidden := func(format string, args ...any) error {
		return apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, name, fmt.Errorf(format, args...))
	}
	var interesting []int
	for i, q := range quotas {
		if q == nil {
			return nil, fmt.Errorf("namespace: nil ResourceQuota")
		}
		if len(q.Spec.Scopes) > 0 || q.Spec.ScopeSelector != nil {
			return nil, fmt.Errorf("namespace: ResourceQuota %s: scopes are not supported", q.Name)
		}
		var restricted []corev1.ResourceName
		for _, r := range podQuotaResources {
			if _, ok := q.Status.Hard[r]; ok {
				restricted = append(restricted, r)
			}
		}
		if len(restricted) == 0 {
			continue
		}
		if msg := missingRequests(pod, restricted); msg != "" {
			return nil, forbidden("failed quota: %s: %s", q.Name, msg)
		}
		for _, r := range restricted {
			if _, ok := q.Status.Used[r]; !ok {
				slices.Sort(restricted)
				return nil, forbidden("status unknown for quota: %s, resources: %s", q.Name, joinNames(restricted))
			}
		}
		interesting = append(interesting, i)
	}
	usage := PodUsage(pod, now)
	var negative []corev1.ResourceName
	for k, v := range usage {
		if v.Sign() < 0 {
			negative = append(negative, k)
		}
	}
	if len(negative) > 0 {
		slices.Sort(negative)
		return nil, forbidden("quota usage is negative for resource(s): %s", joinNames(negative))
	}
	for k, v := range usage {
		if v.IsZero() {
			delete(usage, k)
		}
	}
	out := make([]*corev1.ResourceQuota, len(quotas))
	for i, q := range quotas {
		out[i] = q.DeepCopy()
	}
	if len(usage) == 0 {
		return out, nil
	}
	for _, i := range interesting {
		q := out[i]
		requested := corev1.ResourceList{}
		for k, v := range usage {
			if _, ok := q.Status.Hard[k]; ok {
				requested[k] = v
			}
		}
		used := q.Status.Used.DeepCopy()
		if used == nil {
			used = corev1.ResourceList{}
		}
		var exceeded []corev1.ResourceName
		for k, v := range requested {
			sum := used[k].DeepCopy()
			sum.Add(v)
			used[k] = sum
			if hard := q.Status.Hard[k]; sum.Cmp(hard) > 0 {
				exceeded = append(exceeded, k)
			}
		}
		if len(exceeded) > 0 {
			return nil, forbidden("exceeded quota: %s, requested: %s, used: %s, limited: %s", q.Name,
				printList(requested, exceeded), printList(q.Status.Used, exceeded), printList(q.Status.Hard, exceeded))
		}
		q.Status.Used = used
	}
	return out, nil
}

// missingRequests is the "must specify" message for the tracked cpu and
// memory resources some container does not request or limit, or "" (pods
// with pod-level resources are exempt).
func missingRequests(pod *corev1.Pod, restricted []corev1.ResourceName) string {
	if resourcehelper.IsPodLevelResourcesSet(pod) {
		return ""
	}
	var required []corev1.ResourceName
	for _, r := range restricted {
		if slices.Contains(mustSpecify, r) {
			required = append(required, r)
		}
	}
	missing := map[corev1.ResourceName][]string{}
	check := func(c *corev1.Container) {
		have := computeUsage(c.Resources.Requests, c.Resources.Limits)
		for _, r := range required {
			if _, ok := have[r]; !ok && !slices.Contains(missing[r], c.Name) {
				missing[r] = append(missing[r], c.Name)
			}
		}
	}
	for i := range pod.Spec.Containers {
		check(&pod.Spec.Containers[i])
	}
	for i := range pod.Spec.InitContainers {
		check(&pod.Spec.InitContainers[i])
	}
	if len(missing) == 0 {
		return ""
	}
	var names []corev1.ResourceName
	for r := range missing {
		names = append(names, r)
	}
	slices.Sort(names)
	var parts []string
	for _, r := range names {
		slices.Sort(missing[r])
		parts = append(parts, fmt.Sprintf("%s for: %s", r, strings.Join(missing[r], ",")))
	}
	return "must specify " + strings.Join(parts, "; ")
}

func joinNames(names []corev1.ResourceName) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	return strings.Join(s, ",")
}

// printList prints the entries of l named in keys, in name order, as
// "name=quantity" joined by commas.
func printList(l corev1.ResourceList, keys []corev1.ResourceName) string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		if v, ok := l[k]; ok {
			parts = append(parts, string(k)+"="+v.String())
		}
	}
	return strings.Join(parts, ",")
}
