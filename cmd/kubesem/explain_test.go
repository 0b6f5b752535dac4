//go:build !js

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The explain example's script prints its golden transcript
// (examples/explain/testdata/output.golden, read against the rules it
// cites when it was written): mid-rollout, a scale-down's choice, a pod
// in CrashLoopBackOff, a stopped node's evictions and the errors.
func TestScriptReproducesTheExplainExample(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-seed", "1", "../../examples/explain/explain.kubesem"}, os.Stdin, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	want, err := os.ReadFile("../../examples/explain/testdata/output.golden")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Fatalf("the script's transcript differs from the example's (-example +script):\n%s", diff)
	}
}

// explain, typed: both forms, the namespace and replicas flags, its help,
// and its errors in kubectl's words.
func TestSessionExplain(t *testing.T) {
	dir := t.TempDir()
	deploy, err := os.ReadFile("../../examples/explain/http-go-deploy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "http-go.yaml"), deploy, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s, err := newSession(&out, 1, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ line, want string }{
		{"kubectl create -f http-go.yaml", "deployment.apps/http-go created\n"},
		{"sleep 20", ""},
		{"kubectl set image deployment http-go http-go=gasbugs/http-go:v2", "deployment.apps/http-go image updated\n"},
		{"sleep 5", ""},
		{"explain deployment/http-go", "deployment.apps/http-go at 00:00:25\nnext sync of the deployment controller:\n  Deployment default/http-go: 3 replicas, RollingUpdate\n" +
			"    maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)\n" +
			"    maxUnavailable 25% of 3 = 0.75, rounded down to 0: at least 3 available (F-1, F-2)\n"},
		{"explain deploy http-go", "deployment.apps/http-go at 00:00:25\n"},
		{"explain deployments.apps/http-go -n default", "deployment.apps/http-go at 00:00:25\n"},
		{"explain deploy/http-go --replicas=5", "deployment.apps/http-go at 00:00:25\n  as if spec.replicas were 5"},
		{"explain no/worker1", "node/worker1 at 00:00:25\n  its kubelet runs"},
		{"explain deployment/nope", `Error from server (NotFound): deployments.apps "nope" not found` + "\n"},
		{"explain deployment/http-go -n office", `Error from server (NotFound): deployments.apps "http-go" not found` + "\n"},
		{"explain pod nope", `Error from server (NotFound): pods "nope" not found` + "\n"},
		{"explain foo/bar", `error: the server doesn't have a resource type "foo"` + "\n"},
		{"explain svc/kubernetes", "error: explain covers deployments, replicasets, replicationcontrollers, pods and nodes, not services\n"},
		{"explain node/worker1 --replicas=2", "error: replicas: a node has no replicas to scale\n"},
		{"explain deploy/http-go --replicas=x", `error: invalid argument "x" for "--replicas" flag: invalid syntax` + "\n"},
		{"explain deploy/http-go --watch", "error: unknown flag: --watch\n"},
		{"explain deployment", "error: explain needs an object: explain TYPE/NAME (type help explain)\n"},
		{"explain", "usage: explain TYPE/NAME [-n NS] [--replicas=N] (type help explain)\n"},
		{"explain deploy/", "error: arguments in resource/name form must have a single resource and name\n"},
		{"help explain", "explain TYPE/NAME [-n NS] [--replicas=N]\n  Say why the controllers decide"},
	} {
		out.Reset()
		if s.exec(tc.line) {
			t.Fatalf("%q left the shell", tc.line)
		}
		if got := out.String(); !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("%q printed %q, want it to start with %q", tc.line, got, tc.want)
		}
	}
	out.Reset()
	s.exec("help explain")
	if !strings.Contains(out.String(), "not `kubectl explain`") {
		t.Errorf("help explain does not say it is not kubectl explain:\n%s", out.String())
	}
}
