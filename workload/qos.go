package workload

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// QOSClass is the pod's QoS class as the apiserver computes it at create
// (ComputePodQOS), over its containers and init containers, counting only
// cpu and memory quantities above zero: BestEffort without any; Guaranteed
// when every container has cpu and memory limits and the summed requests
// equal the summed limits, resource by resource; else Burstable. (MODEL:
// pod-level resources are not looked at.)
func QOSClass(p *corev1.Pod) corev1.PodQOSClass {
	names := [2]corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}
	var req, lim [2]resource.Quantity
	var hasReq, hasLim [2]bool
	guaranteed := true
	for _, list := range [][]corev1.Container{p.Spec.Containers, p.Spec.InitContainers} {
		for _, ctr := range list {
			for i, n := range names {
				if q, ok := ctr.Resources.Requests[n]; ok && q.Sign() > 0 {
					req[i].Add(q)
					hasReq[i] = true
				}
				if q, ok := ctr.Resources.Limits[n]; ok && q.Sign() > 0 {
					lim[i].Add(q)
					hasLim[i] = true
				} else {
					guaranteed = false
				}
			}
		}
	}
	if hasReq == [2]bool{} && hasLim == [2]bool{} {
		return corev1.PodQOSBestEffort
	}
	for i := range names {
		if hasReq[i] != hasLim[i] || (hasReq[i] && req[i].Cmp(lim[i]) != 0) {
			guaranteed = false
		}
	}
	if guaranteed {
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}
