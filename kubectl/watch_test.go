package kubectl

import (
	"errors"
	"testing"
	"time"

	"github.com/kubesem/kubesem/cluster"
)

// Rule 10: get -w prints the list, then a row per change as the virtual
// clock runs; --request-timeout closes the watch (exit 0); a named object
// is watched alone, --output-watch-events shows the event types, and a
// deleted pod's last row comes as DELETED.
func TestGetWatch(t *testing.T) {
	runScenarios(t, []scenario{
		{"a pod comes up and goes", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl get pod -w --request-timeout=30s", lines(
				"NAME      READY   STATUS              RESTARTS   AGE",
				"http-go   0/1     ContainerCreating   0          0s",
				"http-go   1/1     Running             0          2s")),
			quiet("kubectl delete pod http-go --wait=false"),
			ok("kubectl get pod http-go -w --output-watch-events --request-timeout=1m", lines(
				"EVENT      NAME      READY   STATUS        RESTARTS   AGE",
				"ADDED      http-go   1/1     Terminating   0          30s",
				"MODIFIED   http-go   0/1     Error         0          31s",
				"DELETED    http-go   0/1     Error         0          31s")),
			ok("kubectl get pods -w --request-timeout=1", ""),
		}},
		{"a kind without a controller", []step{
			{do: func(c *cluster.Cluster) error {
				_, err := c.CreateManifest([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n"), "")
				if err != nil {
					return err
				}
				// Another terminal labels it 5 s later.
				return c.After(5*time.Second, func(c *cluster.Cluster) error {
					_, err := c.Label("ConfigMap", "", "cfg", false, "tier=front")
					return err
				})
			}},
			ok("kubectl get cm -w --output-watch-events --request-timeout=10", lines(
				"EVENT      NAME   DATA   AGE",
				"ADDED      cfg    1      0s",
				"MODIFIED   cfg    1      5s")),
		}},
		{"only the selected objects", []step{
			quiet("kubectl create -f pod.yaml"),
			quiet("kubectl create -f rc.yaml"),
			// the list, then the pod's change to Running (the nginx pods'
			// changes are not shown)
			ok("kubectl get pods -l app=http-go -w -o name --request-timeout=1m", "pod/http-go\npod/http-go\n"),
			ok("kubectl get pods -l app=none -w --request-timeout=10", ""),
			ok("kubectl get pods -l app=http-go -w --show-kind --request-timeout=10", lines(
				"NAME          READY   STATUS    RESTARTS   AGE",
				"pod/http-go   1/1     Running   0          70s")),
		}},
		{"errors", []step{
			{cmd: "kubectl create -f two.yaml", want: "-", wantErr: true}, // one of the three is invalid
			{do: settle},
			fails("kubectl get pods one three -w", lines(
				"NAME    READY   STATUS    RESTARTS   AGE",
				"one     1/1     Running   0          2s",
				"three   1/1     Running   0          2s",
				"error: you may only watch a single resource or type of resource at a time")),
			fails("kubectl get pods,rs -w", "error: you may only specify a single resource type\n"),
			fails("kubectl get pods,po -w", "error: you may only specify a single resource type\n"),
			ok("kubectl get quota -w --request-timeout=10", ""),
			fails("kubectl get all -w", "error: you may only specify a single resource type\n"),
			fails("kubectl get pods -w --request-timeout=abc",
				"error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n"),
			fails("kubectl get pod nope -w", "Error from server (NotFound): pods \"nope\" not found\n"),
			ok("kubectl get pod nope -w --ignore-not-found", ""),
			fails("kubectl get pods -w -o yaml", "error: kubesem's kubectl does not print -o yaml\n"),
		}},
	})
}

// Rule 10: without --request-timeout (or with a longer one) the watch runs
// Shell.WatchFor and ends as a Ctrl-C ends it: exit status 1, nothing
// printed for it. OnWatch sees each flush at the virtual time of its
// change.
func TestGetWatchInterrupted(t *testing.T) {
	sh := newShell(t)
	if _, err := sh.Run("kubectl create -f pod.yaml"); err != nil {
		t.Fatal(err)
	}
	start := sh.Cluster.Now()
	type flush struct {
		at   time.Duration
		text string
	}
	var seen []flush
	sh.OnWatch = func(at time.Time, text string) { seen = append(seen, flush{at.Sub(start), text}) }
	sh.WatchFor = 5 * time.Minute
	out, err := sh.Run("kubectl get pods -w --request-timeout=10m")
	if !errors.Is(err, ErrInterrupted) || Format(err) != "" {
		t.Errorf("err = %v (formatted %q), want ErrInterrupted, printing nothing", err, Format(err))
	}
	if got := sh.Cluster.Now().Sub(start); got != 5*time.Minute {
		t.Errorf("the watch ran %v, want 5m", got)
	}
	want := lines(
		"NAME      READY   STATUS              RESTARTS   AGE",
		"http-go   0/1     ContainerCreating   0          0s",
		"http-go   1/1     Running             0          2s")
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if len(seen) != 2 || seen[0].at != 0 || seen[1].at != 2*time.Second || seen[0].text+seen[1].text != out {
		t.Errorf("OnWatch saw %+v", seen)
	}
	sh.WatchFor = 0
	start = sh.Cluster.Now()
	if _, err := sh.Run("kubectl get pods -w"); !errors.Is(err, ErrInterrupted) || sh.Cluster.Now().Sub(start) != DefaultWatchFor {
		t.Errorf("default watch: err %v, ran %v", err, sh.Cluster.Now().Sub(start))
	}
}

// Rule 10: a pod whose label is removed while `get pods -l app=http-go -w`
// runs (in another terminal, cluster.After) leaves the selection: the
// watch shows it DELETED, as it was before the change (the apiserver's
// watch sends the previous object), and no more of it.
func TestGetWatchObjectLeavesSelector(t *testing.T) {
	sh := newShell(t)
	runSteps(t, sh, []step{quiet("kubectl create -f pod.yaml"), {do: settle}})
	if err := sh.Cluster.After(5*time.Second, func(c *cluster.Cluster) error {
		_, err := c.Label(cluster.KindPod, "default", "http-go", false, "app-")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	runSteps(t, sh, []step{ok("kubectl get pods -l app=http-go -w -L app --output-watch-events --request-timeout=1m", lines(
		"EVENT      NAME      READY   STATUS    RESTARTS   AGE   APP",
		"ADDED      http-go   1/1     Running   0          2s    http-go",
		"DELETED    http-go   1/1     Running   0          7s    http-go"))})
}
