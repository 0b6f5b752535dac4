package cluster_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
)

const httpGo = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: http-go
spec:
  replicas: 3
  minReadySeconds: 10
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
`

// The example on a cluster: mid-rollout, 3 replicas at 25%/25%
// resolve to a surge of 1 and no unavailable pod, the new ReplicaSet has
// its 1 pod and no room, and no old pod may go until the new one is
// available.
func TestExplainDeploymentMidRollout(t *testing.T) {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateManifest([]byte(httpGo), "default"); err != nil {
		t.Fatal(err)
	}
	_ = c.Advance(20 * time.Second)
	if _, err := c.SetImage("default", "http-go", map[string]string{"http-go": "gasbugs/http-go:v2"}, ""); err != nil {
		t.Fatal(err)
	}
	_ = c.Advance(5 * time.Second)
	e, err := c.Explain("deploy", "", "http-go")
	if err != nil {
		t.Fatal(err)
	}
	d := e.Deployment
	if f := d.Fenceposts; f.MaxSurge.Resolved != 1 || f.MaxUnavailable.Resolved != 0 || f.MaxPods != 4 || f.MinAvailable != 3 {
		t.Fatalf("fenceposts %+v", f)
	}
	s := e.String()
	for _, want := range []string{
		"maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)",
		"maxUnavailable 25% of 3 = 0.75, rounded down to 0: at least 3 available (F-1, F-2)",
		"stays at 1 of 3: the ReplicaSets already ask for 4 pods, and maxSurge allows at most 4, so no room to grow (RU-2, RU-3)",
		"old pods that may go: 4 asked for − at least 3 available − 1 new not available yet = 0: none may go yet",
		"Scaled up replica set http-go-",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if len(d.Plan.Updates) != 0 || d.Plan.Create != nil {
		t.Errorf("the next sync of a waiting rollout changes something: %+v", d.Plan)
	}
}

const nginxRC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 4
  selector:
    app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
`

// ExplainScaled says which pods a scale-down deletes before it happens:
// on random histories (pods created at different times, containers
// crashed, a node stopped), the pods it names are the pods that
// `kubectl scale` then deletes.
func TestPropertyExplainScaledPredictsTheScaleDown(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := cluster.New(cluster.Options{Seed: rapid.Uint64Range(1, 5).Draw(t, "seed")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateManifest([]byte(nginxRC), "default"); err != nil {
			t.Fatal(err)
		}
		for range rapid.IntRange(0, 4).Draw(t, "events") {
			pods, _ := c.Pods("default", "app=nginx")
			switch rapid.IntRange(0, 3).Draw(t, "what") {
			case 0:
				_ = c.Advance(time.Duration(rapid.IntRange(1, 600).Draw(t, "seconds")) * time.Second)
			case 1:
				if len(pods) > 0 {
					p := rapid.SampledFrom(pods).Draw(t, "crash")
					_ = c.CrashContainer("default", p.Name, "nginx", 1)
				}
			case 2:
				if len(pods) > 0 {
					_ = c.Delete(cluster.KindPod, "default", rapid.SampledFrom(pods).Draw(t, "delete").Name, cluster.DeleteOptions{})
				}
			case 3:
				_ = c.Scale(cluster.KindReplicationController, "default", "nginx", int32(rapid.IntRange(3, 6).Draw(t, "up")))
			}
		}
		_ = c.Advance(time.Duration(rapid.IntRange(0, 30).Draw(t, "settle")) * time.Second)
		active := func() map[string]bool {
			pods, _ := c.Pods("default", "app=nginx")
			m := map[string]bool{}
			for _, p := range pods {
				if p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodFailed && p.Status.Phase != corev1.PodSucceeded {
					m[p.Name] = true
				}
			}
			return m
		}
		before := active()
		n := int32(rapid.IntRange(0, len(before)).Draw(t, "to"))
		e, err := c.ExplainScaled("rc", "default", "nginx", n)
		if err != nil {
			t.Fatal(err)
		}
		predicted := map[string]bool{}
		for _, d := range e.Workload.Deletions {
			predicted[d.Pod.Name] = true
		}
		if err := c.Scale(cluster.KindReplicationController, "default", "nginx", n); err != nil {
			t.Fatal(err)
		}
		after := active()
		for name := range before {
			if gone := !after[name]; gone != predicted[name] {
				t.Fatalf("pod %s: predicted deleted %v, deleted %v\n%s", name, predicted[name], gone, e)
			}
		}
	})
}

// Explain's errors are the apiserver's and kubectl's.
func TestExplainErrors(t *testing.T) {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ kind, name, want string }{
		{"deployment", "x", `deployments.apps "x" not found`},
		{"rs", "x", `replicasets.apps "x" not found`},
		{"rc", "x", `replicationcontrollers "x" not found`},
		{"po", "x", `pods "x" not found`},
		{"no", "x", `nodes "x" not found`},
		{"foo", "x", `the server doesn't have a resource type "foo"`},
		{"pods.apps", "x", `the server doesn't have a resource type "pods"`},
		{"cm", "x", "explain covers deployments, replicasets, replicationcontrollers, pods and nodes, not configmaps"},
	} {
		if _, err := c.Explain(tc.kind, "", tc.name); err == nil || err.Error() != tc.want {
			t.Errorf("Explain(%q, %q): %v, want %q", tc.kind, tc.name, err, tc.want)
		}
	}
	if _, err := c.ExplainScaled("node", "", "worker1", 2); err == nil || !strings.Contains(err.Error(), "no replicas") {
		t.Errorf("ExplainScaled of a node: %v", err)
	}
	if _, err := c.ExplainScaled("deploy", "", "x", -1); err == nil {
		t.Error("ExplainScaled to -1: no error")
	}
}

// ExplainScaled on a Deployment predicts what its controller does when
// the Deployment is scaled: on random rollouts (image changes, time
// passing, a node stopped), the events the explained sync would record
// are the first ones the controller records after `kubectl scale`. This
// checks that Explain reads what the controller reads.
func TestPropertyExplainScaledPredictsTheDeploymentSync(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := cluster.New(cluster.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateManifest([]byte(httpGo), "default"); err != nil {
			t.Fatal(err)
		}
		for range rapid.IntRange(0, 4).Draw(t, "events") {
			switch rapid.IntRange(0, 3).Draw(t, "what") {
			case 0:
				_ = c.Advance(time.Duration(rapid.IntRange(1, 40).Draw(t, "seconds")) * time.Second)
			case 1:
				image := rapid.SampledFrom([]string{"v1", "v2", "v3"}).Draw(t, "image")
				_, _ = c.SetImage("default", "http-go", map[string]string{"http-go": "gasbugs/http-go:" + image}, "")
			case 2:
				_ = c.Scale(cluster.KindDeployment, "default", "http-go", int32(rapid.IntRange(1, 6).Draw(t, "replicas")))
			case 3:
				_ = c.StopNode("worker2")
			}
		}
		n := int32(rapid.IntRange(0, 8).Draw(t, "to"))
		e, err := c.ExplainScaled("deploy", "default", "http-go", n)
		if err != nil {
			t.Fatal(err)
		}
		before := len(c.EventsFor(cluster.KindDeployment, "default", "http-go"))
		if err := c.Scale(cluster.KindDeployment, "default", "http-go", n); err != nil {
			t.Fatal(err)
		}
		evs := c.EventsFor(cluster.KindDeployment, "default", "http-go")[before:]
		if len(evs) < len(e.Deployment.Events) {
			t.Fatalf("explained events %q, recorded %v", e.Deployment.Events, evs)
		}
		for i, want := range e.Deployment.Events {
			if got := evs[i].Type + " " + evs[i].Reason + ": " + evs[i].Message; got != want {
				t.Fatalf("event %d: explained %q, recorded %q\n%s", i, want, got, e)
			}
		}
	})
}
