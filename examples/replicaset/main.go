// Command replicaset replays the tutorial's ReplicaSet section (the course's section "5.
// ReplicaSet"):
//
//	go run ./examples/replicaset
//
// replicaset-2 selects app In (blue, yellow) with matchExpressions; its
// template is yellow. A blue pod made by hand is adopted and, one pod too
// many, deleted; relabelling a pod to red releases it and a replacement is made,
// `kubectl describe rs`'s events list what happened, and deleting the RS
// deletes its pods but not the released one.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kubesem/kubesem/timeline"
)

const replicaset = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: replicaset-2
spec:
  replicas: 2
  selector:
    matchExpressions:
      - key: app
        operator: In
        values:
          - blue
          - yellow
  template:
    metadata:
      labels:
        app: yellow
    spec:
      containers:
      - name: nginx
        image: nginx
`

const bluePod = `apiVersion: v1
kind: Pod
metadata:
  name: blue
  labels:
    app: blue
spec:
  containers:
  - name: nginx
    image: nginx
`

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	s, err := timeline.New(w, 5, map[string][]byte{"replicaset.yaml": []byte(replicaset), "blue.yaml": []byte(bluePod)})
	if err != nil {
		return err
	}
	s.Say("5.2 create the ReplicaSet")
	s.Run("kubectl create -f replicaset.yaml")
	s.Wait(5 * time.Second)
	s.Run("kubectl get rs")
	s.Run("kubectl get rs -o wide")
	s.Run("kubectl get pod --show-labels")

	s.Say("a blue pod matches the selector: it is adopted, and as one pod too many the least ready one goes - blue itself, still unscheduled (RS-6)")
	s.Run("kubectl create -f blue.yaml")
	s.Run("kubectl get pod --show-labels")

	pods, _ := s.C.Pods("default", "app=yellow")
	s.Say("relabel a yellow pod blue: still selected; then red: released, and replaced with a yellow one")
	s.Run("kubectl label pod " + pods[0].Name + " app=blue --overwrite")
	s.Run("kubectl label pod " + pods[0].Name + " app=red --overwrite")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod -L app")
	s.Run("kubectl describe rs replicaset-2")

	s.Say("delete the ReplicaSet: its pods go, the released red pod stays")
	s.Run("kubectl delete rs replicaset-2")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod --show-labels")
	return s.Err()
}
