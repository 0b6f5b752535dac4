package conformance

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/apis/core/v1/helper/qos"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
)

// TestPodQOSClassMatchesUpstream: the QoS class a pod is stored with
// (cluster's create, podStrategy.PrepareForCreate) is upstream's
// ComputePodQOS of the stored pod, for random cpu, memory and other
// requests and limits on containers and init containers.
func TestPodQOSClassMatchesUpstream(t *testing.T) {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	n, checked := 0, map[corev1.PodQOSClass]int{}
	defer func() { t.Logf("QoS classes compared: %v of %d pods", checked, n) }()
	rapid.Check(t, func(t *rapid.T) {
		// a third of the pods give every container cpu and memory limits,
		// so that Guaranteed (and its near misses) come up
		limited := rapid.IntRange(0, 2).Draw(t, "limited") == 0
		res := func(label string) corev1.ResourceRequirements {
			var r corev1.ResourceRequirements
			if limited {
				r.Limits = corev1.ResourceList{
					corev1.ResourceCPU:    *resource.NewQuantity(int64(rapid.IntRange(1, 2).Draw(t, label+"cpuLimit")), resource.DecimalSI),
					corev1.ResourceMemory: *resource.NewQuantity(int64(rapid.IntRange(1, 2).Draw(t, label+"memLimit")), resource.DecimalSI),
				}
				if rapid.Bool().Draw(t, label+"lowerRequest") {
					r.Requests = corev1.ResourceList{corev1.ResourceCPU: *resource.NewQuantity(1, resource.DecimalSI)}
				}
				return r
			}
			for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
				l := label + string(name)
				var limit int
				if rapid.Bool().Draw(t, l+"HasLimit") {
					limit = rapid.IntRange(0, 3).Draw(t, l+"Limit")
					if r.Limits == nil {
						r.Limits = corev1.ResourceList{}
					}
					r.Limits[name] = *resource.NewQuantity(int64(limit), resource.DecimalSI)
				}
				if rapid.Bool().Draw(t, l+"HasRequest") {
					req := rapid.IntRange(0, 3).Draw(t, l+"Request")
					if r.Limits != nil {
						if _, ok := r.Limits[name]; ok {
							req = min(req, limit) // a request above its limit is invalid
						}
					}
					if r.Requests == nil {
						r.Requests = corev1.ResourceList{}
					}
					r.Requests[name] = *resource.NewQuantity(int64(req), resource.DecimalSI)
				}
			}
			return r
		}
		n++
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", n)}}
		for i := range rapid.IntRange(1, 2).Draw(t, "containers") {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: fmt.Sprintf("c%d", i), Image: "nginx", Resources: res(fmt.Sprintf("c%d", i))})
		}
		for i := range rapid.IntRange(0, 1).Draw(t, "initContainers") {
			p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: fmt.Sprintf("i%d", i), Image: "busybox", Resources: res(fmt.Sprintf("i%d", i))})
		}
		o, err := c.Create(p)
		if err != nil {
			t.Skip(err) // refused by validation or scheduling-independent checks
		}
		stored := o.(*corev1.Pod)
		checked[stored.Status.QOSClass]++
		if got, want := stored.Status.QOSClass, qos.ComputePodQOS(stored); got != want {
			t.Fatalf("QoS class %s, upstream %s\ncontainers %+v\ninit %+v", got, want, stored.Spec.Containers, stored.Spec.InitContainers)
		}
		_ = c.Delete(cluster.KindPod, "default", p.Name, cluster.DeleteOptions{GracePeriodSeconds: new(int64)})
	})
}
