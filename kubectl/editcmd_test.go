package kubectl

import (
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/cluster"
)

// replaceIn is an editor that replaces old with new once, and records
// what it was given.
func replaceIn(seen *[]string, old, new string) func(string, []byte) ([]byte, error) {
	return func(file string, content []byte) ([]byte, error) {
		*seen = append(*seen, file+"\n"+string(content))
		return []byte(strings.Replace(string(content), old, new, 1)), nil
	}
}

// Rule 11: kubectl edit rc (the tutorial's "직접 수정"): the object under
// kubectl's header, the saved file sent as a strategic merge patch, and
// kubectl's lines for an edit, no change, an empty file and an invalid
// result (the file reopened with the reasons until it is saved unchanged).
func TestEdit(t *testing.T) {
	sh := newShell(t)
	runSteps(t, sh, []step{quiet("kubectl create -f rc.yaml"), {do: settle}})
	rc := func() *corev1.ReplicationController {
		o, err := sh.Cluster.Get(cluster.KindReplicationController, "default", "nginx")
		if err != nil {
			t.Fatal(err)
		}
		return o.(*corev1.ReplicationController)
	}

	var seen []string
	sh.Editor = replaceIn(&seen, "  replicas: 2\n  selector:", "  replicas: 3\n  selector:")
	runSteps(t, sh, []step{ok("kubectl edit rc nginx", "replicationcontroller/nginx edited\n")})
	if got := *rc().Spec.Replicas; got != 3 {
		t.Fatalf("spec.replicas %d after the edit, want 3", got)
	}
	if len(seen) != 1 || !strings.HasPrefix(seen[0], "/tmp/kubectl-edit-1.yaml\n"+editHeader+"apiVersion: v1\nkind: ReplicationController\nmetadata:\n") ||
		!strings.Contains(seen[0], "\nstatus:\n  availableReplicas: 2\n") {
		t.Fatalf("the editor was given:\n%s", seen)
	}

	sh.Editor = func(_ string, content []byte) ([]byte, error) { return content, nil }
	runSteps(t, sh, []step{ok("kubectl edit rc/nginx", "Edit cancelled, no changes made.\n")})
	sh.Editor = func(_ string, content []byte) ([]byte, error) { return []byte("# nothing\n"), nil }
	runSteps(t, sh, []step{ok("kubectl edit rc nginx", "Edit cancelled, saved file was empty.\n")})
	// only a comment changed: no change either
	sh.Editor = func(_ string, content []byte) ([]byte, error) { return append([]byte("# mine\n"), content...), nil }
	runSteps(t, sh, []step{ok("kubectl edit rc nginx", "Edit cancelled, no changes made.\n")})

	seen = nil
	sh.Editor = replaceIn(&seen, "  replicas: 3\n  selector:", "  replicas: -1\n  selector:")
	runSteps(t, sh, []step{fails("kubectl edit rc nginx", lines(
		`error: replicationcontrollers "nginx" is invalid`,
		`A copy of your changes has been stored to "/tmp/kubectl-edit-5.yaml"`,
		`error: Edit cancelled, no valid changes were saved.`))})
	wantHeader := editHeader + "# replicationcontrollers \"nginx\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"
	if len(seen) != 2 || !strings.Contains(seen[1], wantHeader+"apiVersion: v1\n") || !strings.Contains(seen[1], "  replicas: -1\n") {
		t.Fatalf("the reopened file:\n%s", seen)
	}
	if got := *rc().Spec.Replicas; got != 3 {
		t.Fatalf("an invalid edit changed spec.replicas to %d", got)
	}

	seen = nil
	sh.Editor = replaceIn(&seen, "kind: ReplicationController\nmetadata:\n", "kind: ReplicationController\nmetadata: [\n")
	runSteps(t, sh, []step{fails("kubectl edit rc nginx", "-")})
	if len(seen) != 2 || !strings.Contains(seen[1], "# The edited file had a syntax error: ") {
		t.Fatalf("a syntax error did not reopen the file with its reason:\n%s", seen)
	}
	// an editor that changes the file every time is given up on
	seen = nil
	sh.Editor = func(_ string, c []byte) ([]byte, error) {
		seen = append(seen, "")
		return append(c, "x: ["...), nil
	}
	runSteps(t, sh, []step{fails("kubectl edit rc nginx", lines(
		`A copy of your changes has been stored to "/tmp/kubectl-edit-7.yaml"`,
		`error: kubesem: the file was reopened 20 times and still fails; giving up`))})
	if len(seen) != maxEditRounds {
		t.Fatalf("the editor ran %d times, want %d", len(seen), maxEditRounds)
	}

	sh.Editor = replaceIn(&seen, "  name: nginx\n  namespace", "  name: other\n  namespace")
	runSteps(t, sh, []step{fails("kubectl edit rc nginx", lines(
		`A copy of your changes has been stored to "/tmp/kubectl-edit-8.yaml"`,
		`error: At least one of apiVersion, kind and name was changed`))})

	sh.Editor = func(string, []byte) ([]byte, error) { return nil, errors.New("vi: not found") }
	runSteps(t, sh, []step{fails("kubectl edit rc nginx", "error: there was a problem with the editor [\"vi\"]\n")})
	sh.Editor = nil
	runSteps(t, sh, []step{
		fails("kubectl edit rc nginx", "error: kubesem: kubectl edit needs Shell.Editor (the user's editor)\n"),
	})
	sh.Editor = func(_ string, c []byte) ([]byte, error) { return c, nil }
	runSteps(t, sh, []step{
		fails("kubectl edit rc nope", "Error from server (NotFound): replicationcontrollers \"nope\" not found\n"),
		fails("kubectl edit rc nginx -o yaml", "error: kubesem's kubectl does not print -o yaml\n"),
	})
}
