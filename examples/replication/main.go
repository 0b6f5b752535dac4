// Command replication replays the tutorial's ReplicationController section
// (the course's section "4.4 Replication Controller 실습") on a kubesem cluster:
//
//	go run ./examples/replication
//
// The nginx RC keeps 3 pods: a deleted pod is replaced at once; a pod
// whose app label is removed is released and replaced (and keeps
// running); worker2 is switched off — its node turns NotReady after about
// 50 s, its pods stay "Running" but not ready, and about 5 minutes later
// they are evicted (Terminating, while the node is down) and replaced on
// worker1; worker2 comes back, the evicted pods vanish and nothing moves
// back. Then the RC is scaled with `kubectl scale` and `kubectl apply`,
// and deleted.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/timeline"
)

const replication = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	files := map[string][]byte{
		"replication.yaml":   []byte(replication),
		"replication-5.yaml": []byte(strings.Replace(replication, "replicas: 3", "replicas: 5", 1)),
	}
	s, err := timeline.New(w, 4, files)
	if err != nil {
		return err
	}
	s.Say("create the RC and look at its pods")
	s.Run("kubectl create -f replication.yaml")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod")
	pods, _ := s.C.Pods("default", "app=nginx")

	s.Say("delete a pod: the RC replaces it at once")
	s.Run("kubectl delete pod " + pods[0].Name)
	s.Run("kubectl get pod")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod")

	s.Say("remove the app label from a pod: the RC releases it and makes another")
	s.Run("kubectl label pod " + pods[1].Name + " app-")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod --show-labels")
	s.Run("kubectl delete pod " + pods[1].Name)
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod -o wide")

	s.Say("watch the nodes; meanwhile (10 s later) worker2 is switched off: its kubelet stops posting heartbeats")
	if err := s.C.After(10*time.Second, func(c *cluster.Cluster) error { return c.StopNode("worker2") }); err != nil {
		return err
	}
	s.Watch("kubectl get nodes -w", 90*time.Second)
	s.Run("kubectl get pod -o wide")
	s.Run("kubectl get rc")
	s.Say("the pods on worker2 are still 'Running' but no longer ready; eviction comes after the 300 s toleration")
	s.Watch("kubectl get pod -w", 5*time.Minute)
	s.Run("kubectl get pod -o wide")
	s.Run("kubectl get rc")

	s.Say("watch the nodes; meanwhile (10 s later) worker2 is switched on again")
	if err := s.C.After(10*time.Second, func(c *cluster.Cluster) error { return c.StartNode("worker2") }); err != nil {
		return err
	}
	s.Watch("kubectl get nodes -w", 30*time.Second)
	s.Run("kubectl get pod -o wide")

	s.Say("scale with kubectl scale, with kubectl edit (the editor changes spec.replicas to 4), then with an edited manifest")
	s.Run("kubectl scale rc nginx --replicas=5")
	s.Wait(5 * time.Second)
	s.Run("kubectl get rc nginx")
	s.Run("kubectl scale rc nginx --replicas=2")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod")
	s.Sh.Editor = func(_ string, content []byte) ([]byte, error) {
		return []byte(strings.Replace(string(content), "spec:\n  replicas: 2\n", "spec:\n  replicas: 4\n", 1)), nil
	}
	s.Run("kubectl edit rc nginx")
	s.Wait(5 * time.Second)
	s.Run("kubectl get rc nginx")
	s.Run("kubectl apply -f replication-5.yaml")
	s.Wait(5 * time.Second)
	s.Run("kubectl get rc nginx -o wide")

	s.Say("delete the RC: its pods go with it (cascade=background)")
	s.Run("kubectl delete rc nginx")
	s.Run("kubectl get pod")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod")
	return s.Err()
}
