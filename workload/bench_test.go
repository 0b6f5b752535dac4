package workload_test

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/workload"
)

// BenchmarkSync is one sync of a ReplicationController that owns n running
// pods and must scale down by half (at most 500 a sync): claiming, the
// deletion ranking of all n pods (n log n)
// and the status. It reports the cost per pod. Sub-benchmark memo=true is
// the same sync with a Memo that an earlier sync over the same pod
// objects filled (what a cluster's repeated syncs of a large controller
// mostly see); memo=false has none.
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{100, 1_000, 10_000, 100_000} {
		rc, pods := scaleDownWorld(n)
		for _, withMemo := range []bool{false, true} {
			name := fmt.Sprintf("pods=%d", n)
			if withMemo {
				name += "/memo=true"
			}
			b.Run(name, func(b *testing.B) {
				opts := workload.Options{}
				if withMemo {
					opts.Memo = &workload.Memo{}
					if _, err := workload.SyncReplicationController(rc, pods, at(7200), opts); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					plan, err := workload.SyncReplicationController(rc, pods, at(7200), opts)
					if err != nil || len(plan.Delete) != min(n/2, workload.BurstReplicas) {
						b.Fatalf("%v %d", err, len(plan.Delete))
					}
					plan.Status(nil)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/pod")
			})
		}
	}
}

// scaleDownWorld is BenchmarkSync's RC, wanting n/2 pods, and its n pods.
func scaleDownWorld(n int) (*corev1.ReplicationController, []*corev1.Pod) {
	rc := nginxRC()
	rc.Spec.Replicas = ptr(int32(n / 2))
	pods := make([]*corev1.Pod, n)
	for i := range pods {
		p := pod(fmt.Sprintf("nginx-%06d", i), map[string]string{"app": "nginx"}, rc, "ReplicationController")
		p.UID = uuidLike(uint64(i))
		p.Spec.NodeName = fmt.Sprintf("node-%d", i%50)
		p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(i % 3600))
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: int32(i % 3)}}
		pods[i] = p
	}
	return rc, pods
}

// uuidLike makes a random-looking UUID, as the apiserver's are, from a
// splitmix64 sequence.
func uuidLike(i uint64) types.UID {
	next := func() uint64 {
		i += 0x9e3779b97f4a7c15
		z := i
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	a, b := next(), next()
	return types.UID(fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, b>>52, b&0xffffffffffff))
}
