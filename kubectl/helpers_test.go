package kubectl

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubesem/kubesem/cluster"
)

// The tutorial's manifests, and a few more for the error paths.
var testFiles = map[string][]byte{
	"pod.yaml": []byte(`apiVersion: v1
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
`),
	"deploy.yaml": []byte(`apiVersion: apps/v1
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
`),
	"deploy-v2.yaml": []byte(`apiVersion: apps/v1
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
        image: gasbugs/http-go:v2
        ports:
        - containerPort: 8080
`),
	"rc.yaml": []byte(`apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 2
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
        ports:
        - containerPort: 80
`),
	"rs.yaml": []byte(`apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchExpressions:
    - {key: app, operator: In, values: [web]}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
`),
	"ns.yaml": []byte(`apiVersion: v1
kind: Namespace
metadata:
  name: dev
`),
	"two.yaml": []byte(`# a pod and a second pod
apiVersion: v1
kind: Pod
metadata:
  name: one
spec:
  containers:
  - name: c
    image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: Two_Bad
spec:
  containers:
  - name: c
    image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: three
spec:
  containers:
  - name: c
    image: busybox
`),
	"prod-pod.yaml": []byte(`apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: prod
spec:
  containers:
  - name: c
    image: busybox
`),
	"empty.yaml": []byte("# nothing here\n---\n"),
}

// step is one command line and what kubectl prints for it; a step with
// do set runs the cluster instead.
type step struct {
	cmd     string
	want    string
	wantErr bool
	do      func(*cluster.Cluster) error
}

func settle(c *cluster.Cluster) error { return c.Settle(time.Hour) }

func advance(d time.Duration) func(*cluster.Cluster) error {
	return func(c *cluster.Cluster) error { return c.Advance(d) }
}

// fataler is what newShell needs of a testing.T or a rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

func newShell(t fataler) *Shell {
	t.Helper()
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return &Shell{Cluster: c, Files: testFiles}
}

// runSteps runs the steps in order on one shell and checks each output
// exactly.
func runSteps(t *testing.T, sh *Shell, steps []step) {
	t.Helper()
	for i, s := range steps {
		if s.do != nil {
			if err := s.do(sh.Cluster); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			continue
		}
		out, err := sh.Run(s.cmd)
		if (err != nil) != s.wantErr {
			t.Errorf("step %d %q: err = %v, want error %v\noutput:\n%s", i, s.cmd, err, s.wantErr, out)
		}
		if s.want != "-" && out != s.want {
			t.Errorf("step %d %q: output diff (-want +got):\n%s", i, s.cmd, cmp.Diff(s.want, out))
		}
	}
}

// scenario is a fresh cluster and shell, then the steps.
type scenario struct {
	name  string
	steps []step
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			runSteps(t, newShell(t), sc.steps)
		})
	}
}

func deployment(t *testing.T, sh *Shell, name string) *appsv1.Deployment {
	t.Helper()
	o, err := sh.Cluster.Get(cluster.KindDeployment, "default", name)
	if err != nil {
		t.Fatal(err)
	}
	return o.(*appsv1.Deployment)
}

// lines joins lines with a final newline.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// ok and fails are the step shorthands: output expected, error or not.
func ok(cmd, want string) step    { return step{cmd: cmd, want: want} }
func fails(cmd, want string) step { return step{cmd: cmd, want: want, wantErr: true} }

// quiet runs a command whose output another test checks.
func quiet(cmd string) step { return step{cmd: cmd, want: "-"} }
