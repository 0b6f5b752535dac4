package kubectl_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: http-go
  labels:
    app: http-go
spec:
  replicas: 3
  selector:
    matchLabels:
      app: http-go
  template:
    metadata:
      labels:
        app: http-go
    spec:
      containers:
      - name: http-go
        image: gasbugs/http-go:v1
        ports:
        - containerPort: 8080
`

// A rolling update, typed as the tutorial types it: rollout status runs
// the cluster's virtual clock until the rollout is done.
func ExampleShell() {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"http-go-deploy-v1.yaml": []byte(deployment)}}
	for _, cmd := range []string{
		"kubectl create -f http-go-deploy-v1.yaml --record=true",
		"kubectl rollout status deploy http-go",
		"kubectl get deploy,rs",
		"kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
		"kubectl rollout status deploy http-go --watch=false",
		"kubectl rollout history deploy http-go",
		"kubectl get pod nope",
	} {
		out, _ := sh.Run(cmd)
		// (rollout history ends its first line with a space, KH-3, which
		// an example's output cannot show.)
		fmt.Printf("$ %s\n%s", cmd, strings.ReplaceAll(out, " \n", "\n"))
	}
	// Output:
	// $ kubectl create -f http-go-deploy-v1.yaml --record=true
	// Flag --record has been deprecated, --record will be removed in the future
	// deployment.apps/http-go created
	// $ kubectl rollout status deploy http-go
	// Waiting for deployment "http-go" rollout to finish: 0 of 3 updated replicas are available...
	// deployment "http-go" successfully rolled out
	// $ kubectl get deploy,rs
	// NAME                      READY   UP-TO-DATE   AVAILABLE   AGE
	// deployment.apps/http-go   3/3     3            3           2s
	//
	// NAME                                 DESIRED   CURRENT   READY   AGE
	// replicaset.apps/http-go-577ffd6fb4   3         3         3       2s
	// $ kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true
	// Flag --record has been deprecated, --record will be removed in the future
	// deployment.apps/http-go image updated
	// $ kubectl rollout status deploy http-go --watch=false
	// Waiting for deployment "http-go" rollout to finish: 1 out of 3 new replicas have been updated...
	// $ kubectl rollout history deploy http-go
	// deployment.apps/http-go
	// REVISION  CHANGE-CAUSE
	// 1         kubectl create --filename=http-go-deploy-v1.yaml --record=true
	// 2         kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true
	//
	// $ kubectl get pod nope
	// Error from server (NotFound): pods "nope" not found
}

// The tutorial's node failure, watched as it types it: worker2 is
// switched off in another terminal ten seconds into `kubectl get nodes
// -w`, which the user stops with Ctrl-C after two minutes. OnWatch sees
// each row at the virtual time it is printed. The node lifecycle
// controller finds the heartbeat too old on its first check after 10 s +
// 50 s and writes the node three times: Ready Unknown, then the
// unreachable NoSchedule and NoExecute taints.
func ExampleShell_watch() {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	start := c.Now()
	sh := &kubectl.Shell{Cluster: c, WatchFor: 2 * time.Minute}
	sh.OnWatch = func(at time.Time, text string) { fmt.Printf("[+%v]\n%s", at.Sub(start), text) }
	_ = c.After(10*time.Second, func(c *cluster.Cluster) error { return c.StopNode("worker2") })
	_, err = sh.Run("kubectl get nodes -w")
	fmt.Println(errors.Is(err, kubectl.ErrInterrupted))
	// Output:
	// [+0s]
	// NAME      STATUS   ROLES           AGE   VERSION
	// master    Ready    control-plane   0s    v1.37.2
	// worker1   Ready    <none>          0s    v1.37.2
	// worker2   Ready    <none>          0s    v1.37.2
	// [+1m5s]
	// worker2   NotReady   <none>          65s   v1.37.2
	// [+1m5s]
	// worker2   NotReady   <none>          65s   v1.37.2
	// [+1m5s]
	// worker2   NotReady   <none>          65s   v1.37.2
	// true
}

const initPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: wait-db
    image: busybox
    command: ["sh", "-c", "sleep 5"]
  - name: proxy
    image: envoyproxy/envoy
    restartPolicy: Always
  containers:
  - name: web
    image: gasbugs/http-go
`

// A pod with an init container and a sidecar: the init container runs to
// its end first (STATUS Init:0/2), then the sidecar starts and, once it
// is started, the app (Init:1/2, PodInitializing); READY counts the
// sidecar.
func ExampleShell_initContainers() {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"web.yaml": []byte(initPod)}}
	run := func(cmd string) {
		out, err := sh.Run(cmd)
		if err != nil {
			fmt.Println(err)
		}
		fmt.Printf("$ %s\n%s", cmd, out)
	}
	run("kubectl create -f web.yaml")
	for _, wait := range []time.Duration{3 * time.Second, 5 * time.Second, 2 * time.Second, time.Minute} {
		if err := c.Advance(wait); err != nil {
			panic(err)
		}
		fmt.Printf("# %s later\n", wait)
		run("kubectl get pod web")
	}
	// Output:
	// $ kubectl create -f web.yaml
	// pod/web created
	// # 3s later
	// $ kubectl get pod web
	// NAME   READY   STATUS     RESTARTS   AGE
	// web    0/2     Init:0/2   0          3s
	// # 5s later
	// $ kubectl get pod web
	// NAME   READY   STATUS     RESTARTS   AGE
	// web    0/2     Init:1/2   0          8s
	// # 2s later
	// $ kubectl get pod web
	// NAME   READY   STATUS            RESTARTS   AGE
	// web    1/2     PodInitializing   0          10s
	// # 1m0s later
	// $ kubectl get pod web
	// NAME   READY   STATUS    RESTARTS   AGE
	// web    2/2     Running   0          70s
}
