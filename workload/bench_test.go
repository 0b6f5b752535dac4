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
// and the status. It reports the cost per pod.
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{100, 1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			rc := nginxRC()
			rc.Spec.Replicas = ptr(int32(n / 2))
			pods := make([]*corev1.Pod, n)
			for i := range pods {
				p := pod(fmt.Sprintf("nginx-%06d", i), map[string]string{"app": "nginx"}, rc, "ReplicationController")
				p.UID = types.UID(fmt.Sprintf("uid-%06d", (i*7919)%n))
				p.Spec.NodeName = fmt.Sprintf("node-%d", i%50)
				p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(i % 3600))
				p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: int32(i % 3)}}
				pods[i] = p
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				plan, err := workload.SyncReplicationController(rc, pods, at(7200), workload.Options{})
				if err != nil || len(plan.Delete) != min(n/2, workload.BurstReplicas) {
					b.Fatalf("%v %d", err, len(plan.Delete))
				}
				plan.Status(nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/pod")
		})
	}
}
