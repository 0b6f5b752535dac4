package kubectl_test

import (
	"testing"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

// Rule 14: get -o custom-columns, as kubectl's CustomColumnsPrinter
// prints it (conformance/customcolumns_test.go compares it with that
// printer on random pods and specs).
func TestGetCustomColumns(t *testing.T) {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"d.yaml": []byte(deployment),
		"cols.txt": []byte("NAME    REPLICAS\n{.metadata.name}   .spec.replicas\n"), "short.txt": []byte("NAME\n")}}
	if _, err := sh.Run("kubectl create -f d.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ line, want string }{
		{"kubectl get deploy -o custom-columns=NAME:.metadata.name,IMAGES:.spec.template.spec.containers[*].image,SURGE:spec.strategy.rollingUpdate.maxSurge,NONE:.x",
			"NAME      IMAGES               SURGE   NONE\nhttp-go   gasbugs/http-go:v1   25%     <none>\n"},
		{"kubectl get svc,deploy -o custom-columns=N:{.metadata.name} --no-headers", "kubernetes\nhttp-go\n"},
		{"kubectl get rs -l app=none -o custom-columns=N:.metadata.name", "N\n"},
		{"kubectl get rs -l app=none -o custom-columns=N:.metadata.name --ignore-not-found", ""},
		{"kubectl get deploy -o custom-columns=N", "error: unexpected custom-columns spec: N, expected <header>:<json-path-expr>\n"},
		{"kubectl get deploy -o custom-columns=", "error: custom-columns format specified but no custom columns given\n"},
		{"kubectl get deploy -o custom-columns-file=cols.txt", "NAME      REPLICAS\nhttp-go   3\n"},
		{"kubectl get deploy -o custom-columns-file=short.txt", "error: invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.\n"},
		{"kubectl get deploy -o custom-columns-file=nope.txt", "error: error reading template nope.txt, open nope.txt: no such file or directory\n"},
	} {
		if got, _ := sh.Run(tc.line); got != tc.want {
			t.Errorf("%s:\n%q\nwant\n%q", tc.line, got, tc.want)
		}
	}
}
