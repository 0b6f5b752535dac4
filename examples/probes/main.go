// Command probes replays the tutorial's Probe section (the course's section "2. Probe"):
//
//	go run ./examples/probes
//
// liveness-exec runs `touch /tmp/healthy; sleep 30; rm -f /tmp/healthy;
// sleep 600` and probes `cat /tmp/healthy` every 5 s after 5 s: kubesem
// follows the shell script, so the probe fails from 30 s of uptime, the
// third failure kills the container (rule P9), it restarts, and
// after a few rounds the kubelet backs off (CrashLoopBackOff, P13). The
// readiness variant is never killed: it turns NotReady and leaves the
// Service's ready endpoints.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kubesem/kubesem/timeline"
)

const livenessExec = `apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
`

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	readiness := strings.Replace(strings.Replace(livenessExec, "livenessProbe", "readinessProbe", 1), "liveness-exec", "readiness-exec", 1)
	s, err := timeline.New(w, 3, map[string][]byte{
		"liveness-exec.yaml":  []byte(livenessExec),
		"readiness-exec.yaml": []byte(readiness),
	})
	if err != nil {
		return err
	}
	s.Say("2.2 liveness probe: the file goes away after 30 s, the container is restarted")
	s.Run("kubectl create -f liveness-exec.yaml")
	for _, d := range []time.Duration{10, 30, 20, 30, 60, 120, 240, 300} {
		s.Wait(d * time.Second)
		s.Run("kubectl get pod liveness-exec")
	}
	fmt.Fprintf(w, "%s\n", "    Events of pod/liveness-exec (kubectl describe pod liveness-exec):")
	for _, e := range s.C.EventsFor("Pod", "default", "liveness-exec") {
		if e.Reason == "Scheduled" {
			continue
		}
		fmt.Fprintf(w, "      %5s  %-7s %-9s %s\n", e.At.Sub(s.C.EventsFor("Pod", "default", "liveness-exec")[0].At).Truncate(time.Second), e.Type, e.Reason, e.Message)
	}
	s.Run("kubectl delete pod liveness-exec --grace-period=0 --force")

	s.Say("2.3 readiness probe: the same script, but only taken out of service")
	s.Run("kubectl create -f readiness-exec.yaml")
	for _, d := range []time.Duration{10, 30, 10, 60} {
		s.Wait(d * time.Second)
		s.Run("kubectl get pod readiness-exec")
	}
	s.Wait(10 * time.Minute)
	s.Run("kubectl get pod readiness-exec")
	return s.Err()
}
