package cluster_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/cluster"
)

// The issue's example: `kubectl set image` on the tutorial's http-go
// Deployment (3 replicas, minReadySeconds 10), explained 5 s later. The
// new ReplicaSet has its one pod, ready but not yet available, so the
// rollout waits: maxSurge allows no fifth pod, and maxUnavailable 0 lets
// no old pod go.
func ExampleCluster_Explain() {
	c, _ := cluster.New(cluster.Options{Seed: 1})
	_, _ = c.CreateManifest([]byte(httpGo), "default")
	_ = c.Advance(20 * time.Second)
	_, _ = c.SetImage("default", "http-go", map[string]string{"http-go": "gasbugs/http-go:v2"}, "")
	_ = c.Advance(5 * time.Second)
	e, err := c.Explain("deployment", "default", "http-go")
	if err != nil {
		panic(err)
	}
	fmt.Print(e)
	// Output:
	// deployment.apps/http-go at 00:00:25
	// next sync of the deployment controller:
	//   Deployment default/http-go: 3 replicas, RollingUpdate
	//     maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)
	//     maxUnavailable 25% of 3 = 0.75, rounded down to 0: at least 3 available (F-1, F-2)
	//     ReplicaSets:
	//       http-go-b9f6d5dc7 (old, revision 1): 3 pods asked for, 3 available
	//       http-go-5d5f4fd596 (new, revision 2): 1 pod asked for, 0 available
	//     sync: RollingUpdate: one step — grow the new ReplicaSet within maxSurge, or else shrink old ones within maxUnavailable (S-9, RU-1)
	//       - new ReplicaSet http-go-5d5f4fd596 stays at 1 of 3: the ReplicaSets already ask for 4 pods, and maxSurge allows at most 4, so no room to grow (RU-2, RU-3)
	//       - old pods that may go: 4 asked for − at least 3 available − 1 new not available yet = 0: none may go yet, the old ReplicaSets keep their pods (RU-4)
	//     status unchanged: 4 replicas, 1 updated, 4 ready, 3 available (ST-1 … ST-5)
	//     Available True MinimumReplicasAvailable: 3 available, at least the 3 required (replicas 3 − maxUnavailable 0) (ST-8)
	//     Progressing True ReplicaSetUpdated: ReplicaSet "http-go-5d5f4fd596" is progressing (PG-6)
	//     look again in 9m58s: the progress deadline (600 s after the last progress) passes in 9m57s (PG-8)
	// recent events (the decisions already taken):
	//   00:00:00 Normal ScalingReplicaSet: Scaled up replica set http-go-b9f6d5dc7 from 0 to 3
	//   00:00:20 Normal ScalingReplicaSet: Scaled up replica set http-go-5d5f4fd596 from 0 to 1
}

// Why a pod that asks for 1.5 CPUs and an SSD goes where it goes.
func ExampleExplainSchedule() {
	master := cluster.NewNode("master", "2", "4Gi", 110)
	master.Spec.Taints = []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}
	w1, w2, w3 := cluster.NewNode("worker1", "2", "4Gi", 110), cluster.NewNode("worker2", "2", "4Gi", 110), cluster.NewNode("worker3", "2", "4Gi", 110)
	w1.Labels["disk"], w2.Labels["disk"] = "ssd", "ssd"
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default"}, Spec: corev1.PodSpec{
		NodeSelector: map[string]string{"disk": "ssd"},
		Containers:   []corev1.Container{{Name: "db", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1500m")}}}},
	}}
	busy := pod.DeepCopy()
	busy.Name, busy.Spec.NodeName = "busy", "worker1"
	fmt.Print(cluster.ExplainSchedule(pod, []*corev1.Node{master, w1, w2, w3}, []*corev1.Pod{busy}))
	// Output:
	// no   master: TaintToleration: taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated (the control-plane node's)
	// no   worker1: NodeResourcesFit: insufficient cpu: it requests 1500m, but 1500m of the node's 2 are requested already
	// fits worker2: fits: 0 pods bound; cpu: it requests 1500m, 0 of the node's 2 are requested already
	// no   worker3: NodeAffinity: nodeSelector disk=ssd, and the node has no label disk
	// → worker2: only worker2 fits
}

// A pod on a node the lifecycle controller tainted unreachable: the
// default toleration the admission adds keeps it 300 s.
func ExampleExplainEviction() {
	secs := int64(300)
	pod := &corev1.Pod{Spec: corev1.PodSpec{Tolerations: []corev1.Toleration{
		{Key: cluster.TaintNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &secs},
		{Key: cluster.TaintUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &secs},
	}}}
	node := cluster.NewNode("worker2", "2", "4Gi", 110)
	node.Spec.Taints = []corev1.Taint{{Key: cluster.TaintUnreachable, Effect: corev1.TaintEffectNoExecute}}
	fmt.Print(cluster.ExplainEviction(pod, node))
	// Output:
	// taint node.kubernetes.io/unreachable:NoExecute (the node lifecycle controller's, for a node that is not Ready, RS-10.3): tolerated for 300 s by toleration node.kubernetes.io/unreachable Exists NoExecute, tolerationSeconds 300 (the default the admission adds, RS-10.5)
	// the pod goes 300 s after the taint manager first saw the taints: the smallest tolerationSeconds of the tolerations used (RS-10.6)
}
