package cluster_test

import (
	"fmt"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/probe"
)

// A kubelet restart: the containers keep running, a ready pod stays ready
// and keeps its restart count, while a container waiting in
// CrashLoopBackOff starts at once (the new kubelet has no back-off).
func ExampleCluster_RestartKubelet() {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	c.Program("crash", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return time.Second, 1, true }})
	for _, img := range []string{"nginx", "crash"} {
		if _, err := c.CreateManifest([]byte(fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  nodeName: worker1\n  containers:\n  - name: c\n    image: %s\n", img, img)), "default"); err != nil {
			panic(err)
		}
	}
	show := func() {
		pods, _ := c.Pods("default", "")
		for _, p := range pods {
			cs := p.Status.ContainerStatuses[0]
			state := "running"
			if cs.State.Waiting != nil {
				state = cs.State.Waiting.Reason
			}
			fmt.Printf("  %s: %s, %d restarts\n", p.Name, state, cs.RestartCount)
		}
	}
	if err := c.Advance(2 * time.Minute); err != nil {
		panic(err)
	}
	fmt.Println("before:")
	show()
	if err := c.RestartKubelet("worker1"); err != nil {
		panic(err)
	}
	if err := c.Advance(2500 * time.Millisecond); err != nil {
		panic(err)
	}
	// (the start takes the cluster's StartDelay, 2 s)
	fmt.Println("2.5 s after the kubelet's restart:")
	show()
	// Output:
	// before:
	//   crash: CrashLoopBackOff, 4 restarts
	//   nginx: running, 0 restarts
	// 2.5 s after the kubelet's restart:
	//   crash: running, 5 restarts
	//   nginx: running, 0 restarts
}
