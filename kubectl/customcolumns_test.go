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
	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"d.yaml": []byte(deployment)}}
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
	} {
		if got, _ := sh.Run(tc.line); got != tc.want {
			t.Errorf("%s:\n%q\nwant\n%q", tc.line, got, tc.want)
		}
	}
}
