// Command pod replays the tutorial's Pod section (the course's section "1.5 Pod 실습"):
//
//	go run ./examples/pod
//
// The same lines, typed into the kubesem shell, print the same transcript:
//
//	go run ./cmd/kubesem examples/pod/pod.kubesem
//
// The http-go pod is created from its manifest, shown with and without -o
// wide (ContainerCreating, then Running with its IP and node), annotated,
// deleted with -f (Terminating for a moment, then gone), created again and
// removed with `delete pod --all`.
package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kubesem/kubesem/timeline"
)

// goHTTPPod is the tutorial's manifest, the file the script
// pod.kubesem creates the pod from too.
//
//go:embed go-http-pod.yaml
var goHTTPPod string

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	s, err := timeline.New(w, 2, map[string][]byte{"go-http-pod.yaml": []byte(goHTTPPod)})
	if err != nil {
		return err
	}
	s.Say("create the pod from its YAML descriptor")
	s.Run("kubectl create -f go-http-pod.yaml")
	s.Run("kubectl get pod http-go")
	s.Wait(3 * time.Second)
	s.Run("kubectl get pod http-go")
	s.Run("kubectl get pod http-go -o wide")
	s.Say("a second create of the same name is refused")
	s.Run("kubectl create -f go-http-pod.yaml")
	s.Say("annotate it")
	s.Run("kubectl annotate pod http-go test1234=test1234")
	s.Run("kubectl annotate pod http-go test1234=other")
	s.Say("delete it by its file: Terminating for a moment (here without waiting for it)")
	s.Run("kubectl delete -f go-http-pod.yaml --wait=false")
	s.Run("kubectl get pod")
	s.Wait(time.Second)
	s.Run("kubectl get pod")
	s.Run("kubectl delete -f go-http-pod.yaml")
	s.Say("create it again and delete every pod of the namespace")
	s.Run("kubectl create -f go-http-pod.yaml")
	s.Wait(3 * time.Second)
	s.Run("kubectl delete pod --all")
	s.Wait(2 * time.Second)
	s.Run("kubectl get pod")
	return s.Err()
}
