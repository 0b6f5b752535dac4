package timeline_test

import (
	"os"
	"time"

	"github.com/kubesem/kubesem/timeline"
)

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: http-go
  labels:
    app: http-go
spec:
  containers:
  - name: http-go
    image: gasbugs/http-go
    ports:
    - containerPort: 8080
`

// The tutorial's first pod, created and looked at three seconds later.
func Example() {
	tl, err := timeline.New(os.Stdout, 2, map[string][]byte{"go-http-pod.yaml": []byte(pod)})
	if err != nil {
		panic(err)
	}
	tl.Say("create the pod from its YAML descriptor")
	tl.Run("kubectl create -f go-http-pod.yaml")
	tl.Run("kubectl get pod http-go")
	tl.Wait(3 * time.Second)
	tl.Run("kubectl get pod http-go")
	tl.Run("kubectl get pod nope")
	if err := tl.Err(); err != nil {
		panic(err)
	}
	// Output:
	// [00:00:00] # create the pod from its YAML descriptor
	// [00:00:00] $ kubectl create -f go-http-pod.yaml
	//     pod/http-go created
	// [00:00:00] $ kubectl get pod http-go
	//     NAME      READY   STATUS              RESTARTS   AGE
	//     http-go   0/1     ContainerCreating   0          0s
	// [00:00:03] $ kubectl get pod http-go
	//     NAME      READY   STATUS    RESTARTS   AGE
	//     http-go   1/1     Running   0          3s
	// [00:00:03] $ kubectl get pod nope
	//     Error from server (NotFound): pods "nope" not found
}
