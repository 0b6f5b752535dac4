package cluster_test

import (
	"fmt"
	"time"

	"github.com/kubesem/kubesem/cluster"
)

const rc = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
`

// A ReplicationController keeps three pods; a node switched off loses its
// pods about 6 minutes later and they come back on the other worker.
func Example() {
	c, _ := cluster.New(cluster.Options{Seed: 1})
	if _, err := c.CreateManifest([]byte(rc), "default"); err != nil {
		fmt.Println(err)
		return
	}
	_ = c.Advance(10 * time.Second)
	count := func() map[string]int {
		pods, _ := c.Pods("default", "app=nginx")
		n := map[string]int{}
		for _, p := range pods {
			if p.DeletionTimestamp == nil {
				n[p.Spec.NodeName]++
			}
		}
		return n
	}
	fmt.Println(count())
	_ = c.StopNode("worker2")
	_ = c.Advance(7 * time.Minute)
	fmt.Println(count())
	// Output:
	// map[worker1:2 worker2:1]
	// map[worker1:3]
}
