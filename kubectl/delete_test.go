package kubectl

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/cluster"
)

// graceOf checks a deleted pod's grace period.
func graceOf(name string, want int64) func(*cluster.Cluster) error {
	return func(c *cluster.Cluster) error {
		o, err := c.Get(cluster.KindPod, "default", name)
		if err != nil {
			return err
		}
		p := o.(*corev1.Pod)
		if p.DeletionTimestamp == nil || p.DeletionGracePeriodSeconds == nil || *p.DeletionGracePeriodSeconds != want {
			return fmt.Errorf("pod %s: deletionTimestamp %v, grace %v, want grace %d", name, p.DeletionTimestamp, p.DeletionGracePeriodSeconds, want)
		}
		return nil
	}
}

// elapsed checks the virtual time since the cluster started.
func elapsed(want time.Duration) func(*cluster.Cluster) error {
	return func(c *cluster.Cluster) error {
		if got := c.Elapsed(); got != want {
			return fmt.Errorf("elapsed %s, want %s", got, want)
		}
		return nil
	}
}

func TestDelete(t *testing.T) {
	const forceWarning = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n"
	runScenarios(t, []scenario{
		// RS-14.7: the line, and kubectl waits until the object is gone
		// (the kubelet stops a pod 1 s after its deletion).
		{"RS-14.7 by name waits until gone", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete pod http-go", "pod \"http-go\" deleted from default namespace\n"),
			{do: elapsed(time.Second)},
			ok("kubectl get pods", "No resources found in default namespace.\n"),
			fails("kubectl delete pod http-go", "Error from server (NotFound): pods \"http-go\" not found\n"),
			ok("kubectl delete pod http-go --ignore-not-found", ""),
		}},
		{"RS-14.7 --wait=false leaves it Terminating", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete po/http-go --wait=false", "pod \"http-go\" deleted from default namespace\n"),
			ok("kubectl get pods", "NAME      READY   STATUS        RESTARTS   AGE\nhttp-go   0/1     Terminating   0          0s\n"),
		}},
		{"RS-14.7 -f names the file in errors", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete -f pod.yaml", "pod \"http-go\" deleted from default namespace\n"),
			fails("kubectl delete -f pod.yaml", "Error from server (NotFound): error when deleting \"pod.yaml\": pods \"http-go\" not found\n"),
			ok("kubectl delete -f empty.yaml", "No resources found\n"),
		}},
		{"RS-14.7 several names go on after an error", []step{
			quiet("kubectl create -f pod.yaml"),
			fails("kubectl delete pod x http-go y", lines(
				`pod "http-go" deleted from default namespace`,
				`Error from server (NotFound): pods "x" not found`,
				`Error from server (NotFound): pods "y" not found`)),
		}},
		{"RS-14.7 --all and -l ignore NotFound", []step{
			quiet("kubectl create -f rc.yaml"),
			ok("kubectl delete pods -l app=none", "No resources found\n"),
			ok("kubectl delete pods --all -o name", "pod/nginx-m4t5z\npod/nginx-vfn84\n"),
			ok("kubectl get pods -o name", "pod/nginx-jf7f6\npod/nginx-m4tc8\n"),
			ok("kubectl delete pods -l app=nginx", "pod \"nginx-jf7f6\" deleted from default namespace\npod \"nginx-m4tc8\" deleted from default namespace\n"),
			ok("kubectl delete deploy --all", "No resources found\n"),
			fails("kubectl delete pods --all -l app=nginx", "error: setting 'all' parameter but found a non empty selector. \n"),
		}},
		// RS-11.4: --cascade.
		{"RS-11.4 --cascade=orphan keeps the pods", []step{
			quiet("kubectl create -f rc.yaml"),
			ok("kubectl delete rc nginx --cascade=orphan", "replicationcontroller \"nginx\" deleted from default namespace\n"),
			ok("kubectl get pods -o name", "pod/nginx-m4t5z\npod/nginx-vfn84\n"),
		}},
		{"RS-11.4 --cascade=false is orphan, with a warning", []step{
			quiet("kubectl create -f rc.yaml"),
			ok("kubectl delete rc nginx --cascade=false", "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\nreplicationcontroller \"nginx\" deleted from default namespace\n"),
			ok("kubectl get pods -o name", "pod/nginx-m4t5z\npod/nginx-vfn84\n"),
		}},
		{"RS-11.4 --cascade=true is background, with a warning", []step{
			quiet("kubectl create -f rc.yaml"),
			ok("kubectl delete rc nginx --cascade=true --wait=false", "warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\nreplicationcontroller \"nginx\" deleted from default namespace\n"),
			ok("kubectl get rc", "No resources found in default namespace.\n"),
			ok("kubectl get pods", "NAME          READY   STATUS        RESTARTS   AGE\nnginx-m4t5z   0/1     Terminating   0          0s\nnginx-vfn84   0/1     Terminating   0          0s\n"),
		}},
		{"RS-11.4 --cascade alone is background; a value must follow =", []step{
			quiet("kubectl create -f rc.yaml"),
			// "--cascade orphan": the flag takes no next word, so "orphan"
			// is a second name.
			fails("kubectl delete rc nginx --cascade orphan", "replicationcontroller \"nginx\" deleted from default namespace\nError from server (NotFound): replicationcontrollers \"orphan\" not found\n"),
			// Background cascade; an error makes kubectl return before it
			// waits.
			ok("kubectl get pods", "NAME          READY   STATUS        RESTARTS   AGE\nnginx-m4t5z   0/1     Terminating   0          0s\nnginx-vfn84   0/1     Terminating   0          0s\n"),
		}},
		{"RS-11.3 --cascade=foreground waits for the pods, then the owner", []step{
			quiet("kubectl create -f rc.yaml"),
			{do: settle},
			ok("kubectl delete rc nginx --cascade=foreground --wait=false", "replicationcontroller \"nginx\" deleted from default namespace\n"),
			ok("kubectl get rc -o name", "replicationcontroller/nginx\n"),
			ok("kubectl delete rc nginx --cascade=foreground", "replicationcontroller \"nginx\" deleted from default namespace\n"),
			ok("kubectl get rc,pods", "No resources found in default namespace.\n"),
		}},
		{"RS-11.4 invalid --cascade", []step{
			fails("kubectl delete pod x --cascade=maybe", "error: invalid cascade value (maybe). Must be \"background\", \"foreground\", or \"orphan\"\n"),
			fails("kubectl delete pod x --cascade=", "error: invalid cascade value (). Must be \"background\", \"foreground\", or \"orphan\"\n"),
		}},
		// RS-14.7: grace periods.
		{"RS-14.7 --grace-period=0 without --force is 1 s", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete pod http-go --grace-period=0 --wait=false", "pod \"http-go\" deleted from default namespace\n"),
			{do: graceOf("http-go", 1)},
		}},
		{"RS-14.7 --now is 1 s", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete pod http-go --now --wait=false", "pod \"http-go\" deleted from default namespace\n"),
			{do: graceOf("http-go", 1)},
		}},
		{"RS-14.7 --grace-period=5", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete pod http-go --grace-period=5 --wait=false", "pod \"http-go\" deleted from default namespace\n"),
			{do: graceOf("http-go", 5)},
		}},
		{"RS-14.7 --force deletes at once", []step{
			quiet("kubectl create -f rc.yaml"),
			{do: settle},
			ok("kubectl delete pod nginx-m4t5z --force", forceWarning+"pod \"nginx-m4t5z\" force deleted from default namespace\n"),
			ok("kubectl delete pod nginx-vfn84 --grace-period=0 --force", forceWarning+"pod \"nginx-vfn84\" force deleted from default namespace\n"),
			// Settle returned when the pods ran (2 s); deleting at once
			// takes no time.
			{do: elapsed(2 * time.Second)},
			ok("kubectl get pods -o name", "pod/nginx-jf7f6\npod/nginx-m4tc8\n"),
		}},
		{"RS-14.7 grace period errors", []step{
			fails("kubectl delete pod x --force --grace-period=5", "error: --force and --grace-period greater than 0 cannot be specified together\n"),
			fails("kubectl delete pod x --now --grace-period=5", "error: --now and --grace-period cannot be specified together\n"),
			fails("kubectl delete pod x --grace-period=soon", "error: invalid argument \"soon\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax\nSee 'kubectl delete --help' for usage.\n"),
		}},
		// RS-12.2, RS-12.3: namespaces.
		{"RS-12.3 a namespace is gone once emptied", []step{
			quiet("kubectl create ns dev"),
			quiet("kubectl create -f pod.yaml -n dev"),
			ok("kubectl delete ns dev", "namespace \"dev\" deleted\n"),
			{do: elapsed(6 * time.Second)},
			fails("kubectl get ns dev", "Error from server (NotFound): namespaces \"dev\" not found\n"),
			fails("kubectl delete ns kube-system", "Error from server (Forbidden): namespaces \"kube-system\" is forbidden: this namespace may not be deleted\n"),
			fails("kubectl delete namespace default", "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted\n"),
		}},
		{"RS-12.4 --wait=false shows Terminating", []step{
			quiet("kubectl create ns dev"),
			ok("kubectl delete ns dev --wait=false", "namespace \"dev\" deleted\n"),
			ok("kubectl get ns dev", "NAME   STATUS        AGE\ndev    Terminating   0s\n"),
			fails("kubectl create deploy web --image=nginx -n dev", "error: failed to create deployment: deployments.apps \"web\" is forbidden: unable to create new content in namespace dev because it is being terminated\n"),
		}},
		{"cluster-scoped objects with -n warn", []step{
			ok("kubectl delete node worker2 -n default", "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\nnode \"worker2\" deleted\n"),
			ok("kubectl get nodes -o name", "node/master\nnode/worker1\n"),
		}},
		// RS-14.7: delete all --all takes pods, services, deployments...
		// each type listed when its turn comes.
		{"RS-14.7 delete all --all", []step{
			quiet("kubectl create -f deploy.yaml"),
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl delete all --all", lines(
				`pod "http-go" deleted from default namespace`,
				`pod "http-go-577ffd6fb4-jf7f6" deleted from default namespace`,
				`pod "http-go-577ffd6fb4-m4t5z" deleted from default namespace`,
				`pod "http-go-577ffd6fb4-vfn84" deleted from default namespace`,
				`service "kubernetes" deleted from default namespace`,
				`deployment.apps "http-go" deleted from default namespace`)),
		}},
		{"argument errors", []step{
			fails("kubectl delete", lines(
				"error: You must provide one or more resources by argument or filename.",
				"Example resource specifications include:",
				"   '-f rsrc.yaml'",
				"   '--filename=rsrc.json'",
				"   '<resource> <name>'",
				"   '<resource>'")),
			fails("kubectl delete pod", "error: resource(s) were provided, but no name was specified\n"),
			fails("kubectl delete --all", "error: at least one resource must be specified to use a selector\n"),
			fails("kubectl delete pod x -o wide", "error: unexpected -o output mode: wide. We only support '-o name'\n"),
			fails("kubectl delete foo x", "error: the server doesn't have a resource type \"foo\"\n"),
			fails("kubectl delete pod -f pod.yaml", "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n"),
		}},
	})
}

// A pod on a stopped node never goes: the wait ends at the limit, as
// kubectl's at its --timeout.
func TestDeleteWaitLimit(t *testing.T) {
	sh := newShell(t)
	sh.WaitLimit = 30 * time.Second
	runSteps(t, sh, []step{
		quiet("kubectl create -f pod.yaml"),
		{do: settle},
		{do: func(c *cluster.Cluster) error { return c.StopNode("worker1") }},
		{do: elapsed(2 * time.Second)},
		fails("kubectl delete pod http-go", "pod \"http-go\" deleted from default namespace\nerror: timed out waiting for the condition on pods/http-go\n"),
		{do: elapsed(32 * time.Second)},
		fails("kubectl delete pod http-go --timeout=10s", "pod \"http-go\" deleted from default namespace\nerror: timed out waiting for the condition on pods/http-go\n"),
		{do: elapsed(42 * time.Second)},
		ok("kubectl get pods", "NAME      READY   STATUS        RESTARTS   AGE\nhttp-go   1/1     Terminating   0          42s\n"),
	})
}
