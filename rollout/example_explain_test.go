package rollout_test

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubesem/kubesem/rollout"
)

// The issue's example: the tutorial's http-go Deployment (3 replicas,
// 25%/25%) after `kubectl set image`. Its only ReplicaSet has 3 available
// pods; the sync creates the new ReplicaSet at 1 pod and scales nothing
// down (RU-8.1), and says why.
func ExampleExplainSync() {
	d := rollout.Default(httpGo())
	d.Annotations, d.Spec.MinReadySeconds = nil, 0
	v1, _ := rollout.NewReplicaSet(d, nil) // rolled out: 3 pods, all available
	v1.UID, v1.Generation = "v1", 1
	v1.Status = appsv1.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 3, AvailableReplicas: 3, ObservedGeneration: 1}
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3}
	d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2" // kubectl set image
	d.Generation = 2
	e, err := rollout.ExplainSync(d, []*appsv1.ReplicaSet{v1}, nil, t0, rollout.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Print(e)
	// Output:
	// Deployment default/http-go: 3 replicas, RollingUpdate
	//   maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)
	//   maxUnavailable 25% of 3 = 0.75, rounded down to 0: at least 3 available (F-1, F-2)
	//   ReplicaSets:
	//     http-go-b9f6d5dc7 (old, revision 1): 3 pods asked for, 3 available
	//     no ReplicaSet has the Deployment's pod template yet (N-3)
	//   sync: RollingUpdate: one step — grow the new ReplicaSet within maxSurge, or else shrink old ones within maxUnavailable (S-9, RU-1)
	//     - new ReplicaSet http-go-5d5f4fd596 (revision 2) created for the pod template, named after its hash, at 1 pod: the ReplicaSets ask for 3 pods of at most 4 (replicas 3 + maxSurge 1), so room for 1 more (RU-2, H-3)
	//     - new ReplicaSet http-go-5d5f4fd596 stays at 1 of 3: the ReplicaSets already ask for 4 pods, and maxSurge allows at most 4, so no room to grow (RU-2, RU-3)
	//     - old pods that may go: 4 asked for − at least 3 available − 1 new not available yet = 0: none may go yet, the old ReplicaSets keep their pods (RU-4)
	//     - the pass stops here: its next write would carry the resourceVersion it read and conflict; the next pass carries on (W-1)
	//   status written: 3 replicas, 3 updated, 3 ready, 3 available (ST-1 … ST-5); written by the pass's first Deployment write, the counts follow next pass (W-1)
	//   Progressing True NewReplicaSetCreated: Created new replica set "http-go-5d5f4fd596" (PG-6)
	//   event: Normal ScalingReplicaSet: Scaled up replica set http-go-5d5f4fd596 from 0 to 1
}

// Why 25% of 3 replicas lets one pod more run and none be unavailable.
func ExampleExplainFenceposts() {
	f := rollout.ExplainFenceposts(deployment(3, "25%", "25%"))
	fmt.Println(f.MaxSurge)
	fmt.Println(f.MaxUnavailable)
	// Output:
	// maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)
	// maxUnavailable 25% of 3 = 0.75, rounded down to 0: at least 3 available (F-1, F-2)
}
