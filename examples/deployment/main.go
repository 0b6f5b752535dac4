// Command deployment replays the tutorial's Deployment section (the course's section "6.
// Deployment", 6.4 and 6.5) on a kubesem cluster and prints the timeline
// with kubectl's output at virtual timestamps:
//
//	go run ./examples/deployment
//
// http-go v1 is created with --record, exposed as a Service and slowed
// down with minReadySeconds 10; a busybox-style client asks the Service
// every second and is answered only by ready pods while `set image`
// rolls v2 and then v3 out; `rollout history`, `undo` and `undo
// --to-revision=1` walk the history; pause holds a rollout half-way and
// resume finishes it; `scale` resizes; and a Recreate Deployment is
// updated beside it, all pods down before the new ones start.
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

const httpGoV1 = `apiVersion: apps/v1
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

// recreate is the same application deployed with the Recreate strategy.
const recreate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: http-go-recreate
  labels:
    app: http-go-recreate
spec:
  replicas: 3
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app: http-go-recreate
  template:
    metadata:
      labels:
        app: http-go-recreate
    spec:
      containers:
      - name: http-go
        image: gasbugs/http-go:v1
        ports:
        - containerPort: 8080
`

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	_, err := play(w)
	return err
}

// play runs the tutorial, writing its timeline to w, and returns the
// virtual time it took.
func play(w io.Writer) (time.Duration, error) {
	s, err := timeline.New(w, 1, map[string][]byte{
		"http-go-deploy-v1.yaml": []byte(httpGoV1),
		"http-go-recreate.yaml":  []byte(recreate),
	})
	if err != nil {
		return 0, err
	}
	s.Say("6.5 Rolling update: deploy v1 and record the command")
	s.Run("kubectl create -f http-go-deploy-v1.yaml --record=true")
	s.Run("kubectl rollout status deploy http-go")
	s.Wait(5 * time.Second)
	s.Run("kubectl rollout status deploy http-go")
	s.Run("kubectl get all")
	s.Run("kubectl rollout history deploy http-go")

	s.Say("delete a pod: its ReplicaSet makes another, as describe rs shows")
	if pods, err := s.C.Pods("default", "app=http-go"); err == nil && len(pods) > 0 {
		s.Run("kubectl delete pod " + pods[0].Name)
	}
	if rss, err := s.C.ReplicaSets("default", "app=http-go"); err == nil && len(rss) > 0 {
		s.Run("kubectl describe rs " + rss[0].Name)
	}

	s.Say("slow the rollout down: a new pod must be ready for 10 s before it counts")
	s.Run(`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}'`)
	s.Run("kubectl expose deploy http-go")
	s.Settle()
	s.Run("kubectl get svc")

	s.Say("update to v2 while a client asks the Service every second")
	s.Run("kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true")
	client(s, 45)
	s.Run("kubectl get pods -o wide")
	s.Run("kubectl get rs")
	s.Settle()
	s.Run("kubectl rollout status deploy http-go")

	s.Say("and to v3")
	s.Run("kubectl set image deploy http-go http-go=gasbugs/http-go:v3 --record=true")
	s.Wait(12 * time.Second)
	s.Run("kubectl get pods")
	s.Settle()
	s.Run("kubectl rollout history deploy http-go")
	s.Run("kubectl get rs -o wide")

	s.Say("roll back to the previous revision (v2), then to revision 1 (v1)")
	s.Run("kubectl rollout undo deploy http-go")
	s.Settle()
	s.Run("kubectl rollout history deploy http-go")
	s.Run("kubectl rollout undo deploy http-go --to-revision=1")
	s.Settle()
	s.Run("kubectl rollout history deploy http-go")
	s.Run("kubectl get rs -o wide")

	s.Say("pause in the middle of an update; undo is refused while paused; resume finishes it")
	s.Run("kubectl set image deploy http-go http-go=gasbugs/http-go:v4 --record=true")
	s.Wait(3 * time.Second)
	s.Run("kubectl rollout pause deploy http-go")
	s.Wait(time.Minute)
	s.Run("kubectl get rs")
	s.Run("kubectl rollout undo deploy http-go")
	s.Run("kubectl rollout resume deploy http-go")
	s.Settle()
	s.Run("kubectl get rs")

	s.Say("6.3 scaling: kubectl edit (the editor changes spec.replicas to 4), then kubectl scale")
	s.Sh.Editor = func(_ string, content []byte) ([]byte, error) {
		return []byte(strings.Replace(string(content), "\n  replicas: 3\n  revisionHistoryLimit:", "\n  replicas: 4\n  revisionHistoryLimit:", 1)), nil
	}
	s.Run("kubectl edit deploy http-go")
	s.Wait(15 * time.Second)
	s.Run("kubectl get deploy http-go")
	s.Run("kubectl scale deploy http-go --replicas=5")
	s.Wait(15 * time.Second)
	s.Run("kubectl get deploy http-go")
	s.Run("kubectl get pods")

	s.Say("a Recreate Deployment: every old pod goes before a new one is made")
	s.Run("kubectl create -f http-go-recreate.yaml")
	s.Settle()
	s.Run("kubectl set image deploy http-go-recreate http-go=gasbugs/http-go:v2")
	s.Run("kubectl get pods -l app=http-go-recreate")
	s.Wait(time.Second)
	s.Run("kubectl get pods -l app=http-go-recreate")
	s.Wait(time.Second)
	s.Run("kubectl get pods -l app=http-go-recreate")
	s.Wait(2 * time.Second)
	s.Run("kubectl get pods -l app=http-go-recreate")
	s.Settle()
	s.Run("kubectl get rs -l app=http-go-recreate")
	return s.C.Elapsed(), s.Err()
}

// client is the tutorial's `while true; do wget -O- -q <svc>:8080; sleep
// 1; done` in a busybox pod: each second one request, answered by the
// next ready endpoint of the Service (round robin over the ready ones, as
// kube-proxy spreads connections). It prints one line per second.
func client(s *timeline.Timeline, seconds int) {
	fmt.Fprintf(s.W, "    (busybox) $ while true; do wget -O- -q http-go:8080; sleep 1; done\n")
	n := 0
	for range seconds {
		s.Wait(time.Second)
		eps, err := s.C.ReadyEndpoints("default", "http-go")
		if err != nil {
			fmt.Fprintf(s.W, "    wget: %v\n", err)
			continue
		}
		if len(eps) == 0 {
			fmt.Fprintf(s.W, "    %s wget: can't connect to remote host: Connection refused\n", clock(s.C))
			continue
		}
		e := eps[n%len(eps)]
		n++
		fmt.Fprintf(s.W, "    %s Welcome! %s   (ready endpoints: %s)\n", clock(s.C), e.Pod, names(eps))
	}
}

func clock(c *cluster.Cluster) string {
	d := c.Elapsed()
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

func names(eps []cluster.Endpoint) string {
	var out []string
	for _, e := range eps {
		out = append(out, e.Pod)
	}
	return strings.Join(out, ",")
}
