package kubectl

import (
	"testing"
	"time"
)

// webDescription is `kubectl describe rs web` of rs.yaml once its pod
// runs, up to its Events section.
var webDescription = lines(
	"Name:         web",
	"Namespace:    default",
	"Selector:     app in (web)",
	"Labels:       <none>",
	"Annotations:  <none>",
	"Replicas:     1 current / 1 desired",
	"Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed",
	"Pod Template:",
	"  Labels:  app=web",
	"  Containers:",
	"   web:",
	"    Image:         nginx",
	"    Port:          <none>",
	"    Host Port:     <none>",
	"    Environment:   <none>",
	"    Mounts:        <none>",
	"  Volumes:         <none>",
	"  Node-Selectors:  <none>",
	"  Tolerations:     <none>")

func TestDescribe(t *testing.T) {
	runScenarios(t, []scenario{
		{"one ReplicaSet, with its events", []step{
			quiet("kubectl create -f rs.yaml"),
			{do: settle},
			{do: advance(90 * time.Second)},
			ok("kubectl describe rs web", webDescription+lines(
				"Events:",
				"  Type    Reason            Age   From                   Message",
				"  ----    ------            ----  ----                   -------",
				// Settle returns when the pod runs, 2 s after its
				// creation; then 90 s pass.
				"  Normal  SuccessfulCreate  92s   replicaset-controller  Created pod: web-m4t5z")),
			ok("kubectl describe replicasets.apps/web --show-events=false", webDescription),
			// A name that is no object describes those it begins, without
			// events, each followed by a blank line.
			ok("kubectl describe rs we", webDescription+"\n"),
			fails("kubectl describe rs x", "Error from server (NotFound): replicasets.apps \"x\" not found\n"),
		}},
		{"several: a blank line between, no events unless asked", []step{
			quiet("kubectl create -f rs.yaml"),
			quiet("kubectl create -f deploy.yaml"),
			{do: settle},
			// The Deployment's ReplicaSet: its controller, its labels and
			// annotations on lines of their own, a port's host port 0.
			ok("kubectl describe rs", lines(
				"Name:           http-go-577ffd6fb4",
				"Namespace:      default",
				"Selector:       app=http-go,pod-template-hash=577ffd6fb4",
				"Labels:         app=http-go",
				"                pod-template-hash=577ffd6fb4",
				"Annotations:    deployment.kubernetes.io/desired-replicas: 3",
				"                deployment.kubernetes.io/max-replicas: 4",
				"                deployment.kubernetes.io/revision: 1",
				"Controlled By:  Deployment/http-go",
				"Replicas:       3 current / 3 desired",
				"Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
				"Pod Template:",
				"  Labels:  app=http-go",
				"           pod-template-hash=577ffd6fb4",
				"  Containers:",
				"   http-go:",
				"    Image:         gasbugs/http-go:v1",
				"    Port:          8080/TCP",
				"    Host Port:     0/TCP",
				"    Environment:   <none>",
				"    Mounts:        <none>",
				"  Volumes:         <none>",
				"  Node-Selectors:  <none>",
				"  Tolerations:     <none>",
				"",
				"")+webDescription),
			ok("kubectl describe rs -l app=none", "No resources found in default namespace.\n"),
			ok("kubectl describe rs -n team", "No resources found in team namespace.\n"),
			ok("kubectl describe rs -A -l app=none", "No resources found\n"),
		}},
		{"errors", []step{
			fails("kubectl describe", "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n"),
			quiet("kubectl create -f pod.yaml"),
			fails("kubectl describe events", "error: kubesem's kubectl does not model \"kubectl describe events\"\n"),
		}},
	})
}
