package workload_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/workload"
)

// Why these pods: five pods, two wanted (the scale-down of
// ExampleSyncReplicationController_scaleDown). Each pod deleted is
// compared with the first pod kept, and the first rank rule that
// separates them is named.
func ExampleExplainReplicationController() {
	rc := nginxRC()
	rc.Spec.Replicas = ptr(int32(2))
	var pods []*corev1.Pod
	for i, name := range []string{"nginx-a", "nginx-b", "nginx-c", "nginx-d", "nginx-e"} {
		p := pod(name, map[string]string{"app": "nginx"}, rc, "ReplicationController")
		p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(i * 600))
		pods = append(pods, p)
	}
	pods[1].Status.Phase = corev1.PodPending
	pods[3].Spec.NodeName = ""
	e, err := workload.ExplainReplicationController(rc, pods, at(3600), workload.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Print(e)
	// Output:
	// ReplicationController default/nginx: 2 replicas, 5 active pods
	//   wants 2, has 5 active pods: deletes 3 (RS-6.1)
	//   - delete nginx-d: it is on no node yet, nginx-a is on worker1: unassigned pods go first (RS-6.3.1)
	//   - delete nginx-b: it is Pending, nginx-a is Running: Pending before Unknown before Running (RS-6.3.2)
	//   - delete nginx-e: ready for 20m0s (band 40), nginx-a for 1h0m0s (band 41): the more recently ready goes first, by log2 age band (RS-6.3.6)
	//   ranking, first to go first (RS-6.3):
	//     1. delete nginx-d: on no node, Running, ready for 30m0s (band 40), 0 restarts, created 1h0m0s ago (band 41)
	//     2. delete nginx-b: on worker1, Pending, ready for 50m0s (band 41), 0 restarts, created 1h0m0s ago (band 41)
	//     3. delete nginx-e: on worker1, Running, ready for 20m0s (band 40), 0 restarts, created 1h0m0s ago (band 41)
	//     4. keep   nginx-a: on worker1, Running, ready for 1h0m0s (band 41), 0 restarts, created 1h0m0s ago (band 41)
	//     5. keep   nginx-c: on worker1, Running, ready for 40m0s (band 41), 0 restarts, created 1h0m0s ago (band 41)
	//   status written: 5 replicas, 5 fully labeled, 5 ready, 5 available — the pods it saw, not the ones it creates or deletes (RS-7.1, RS-7.2)
}

// Why these creations: three wanted, none there, in slow-start batches.
func ExampleExplainReplicationController_scaleUp() {
	e, _ := workload.ExplainReplicationController(nginxRC(), nil, t0, workload.Options{})
	fmt.Print(e)
	// Output:
	// ReplicationController default/nginx: 3 replicas, 0 active pods
	//   wants 3, has 0 active pods: creates 3, in slow-start batches 1, 2 (RS-5.1, RS-5.3)
	//   status written: 0 replicas, 0 fully labeled, 0 ready, 0 available — the pods it saw, not the ones it creates or deletes (RS-7.1, RS-7.2)
}
