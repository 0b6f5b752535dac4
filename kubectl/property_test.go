package kubectl

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// grammar is, per command, argument lists that name real objects and the
// command's own flags.
var grammar = []struct {
	verb  string
	args  []string
	flags []string
}{
	{"get", []string{"pods", "po", "rs", "rc", "deploy", "svc", "ns", "nodes", "all", "events", "quota", "pods,rs",
		"pod/http-go", "deploy http-go", "pod http-go x", "ns dev", "rs,rc nginx", "rs/x pod/y"},
		[]string{"-o wide", "-o name", "-oyaml", "--show-labels", "-L app", "-L app,tier", "-l app=http-go", "-l 'app in (nginx)'",
			"-l '!!'", "-A", "-n dev", "--no-headers", "--show-kind", "-f pod.yaml", "--ignore-not-found"}},
	{"create", []string{"", "x"}, []string{"-f pod.yaml", "-f deploy.yaml", "-f rc.yaml", "-f two.yaml", "-f ns.yaml",
		"-f prod-pod.yaml", "-f empty.yaml", "-f nope.yaml", "--record", "--dry-run=client", "-o name", "-n dev"}},
	{"create ns", []string{"dev", "prod", "Bad_Name", "", "a b"}, []string{"--dry-run=client", "-o yaml", "-o name"}},
	{"create deployment", []string{"web", "http-go", "", "web -- sleep 1"}, []string{"--image=nginx", "--image nginx",
		"--image=a,b", "--replicas=2", "-r 0", "--port=80", "--port=0", "-n dev", "--dry-run=client"}},
	{"apply", []string{""}, []string{"-f pod.yaml", "-f deploy.yaml", "-f deploy-v2.yaml", "-f two.yaml", "-f rc.yaml", "--record"}},
	{"delete", []string{"pod http-go", "pods --all", "pods", "rc nginx", "deploy http-go", "rs --all", "ns dev",
		"pods -l app=nginx", "all --all", "node worker2", "pod http-go x"},
		[]string{"--cascade=orphan", "--cascade=foreground", "--cascade=false", "--cascade", "--grace-period=0", "--force",
			"--now", "--wait=false", "--timeout=5s", "-f pod.yaml", "-o name", "--ignore-not-found", "-n dev"}},
	{"label", []string{"pod http-go a=b", "pods --all tier=web", "pod http-go app-", "pod http-go app=x", "rc nginx a=b c-",
		"pod http-go", "pods -l app=nginx a=b", "-f two.yaml x=y", "pod http-go a/b/c=x"}, []string{"--overwrite", "-o name", "--all",
		"--dry-run=server", "--dry-run=client", "--dry-run", "--resource-version=1", "--resource-version=x", "-o yaml", "-o json",
		"-o wide", "--record", "--field-manager=me"}},
	{"annotate", []string{"pod http-go a=b", "deploy http-go a=b=c", "pod http-go a-", "pod http-go a=c", "pods --all a=b"},
		[]string{"--overwrite", "--dry-run=server", "--dry-run=client", "--resource-version=1", "-o yaml", "-o json", "-o name", "-o kyaml"}},
	{"scale", []string{"deploy http-go", "rc nginx", "rs --all", "svc kubernetes", "deploy nope"},
		[]string{"--replicas=2", "--replicas=0", "--replicas=-1", "--current-replicas=3", "--record"}},
	{"set image", []string{"deploy http-go http-go=gasbugs/http-go:v2", "deploy/http-go *=gasbugs/http-go:v3",
		"rc nginx nginx=nginx:2", "deploy http-go nope=x", "pod http-go http-go=x"}, []string{"--record", "-o name"}},
	{"patch", []string{"deploy http-go", "rc nginx", "pod x"}, []string{`-p '{"spec":{"replicas":2}}'`, "-p '{}'",
		`-p '{"spec":{"paused":true}}'`, "--record", "--type=merge"}},
	{"expose", []string{"deploy http-go", "rc nginx", "pod http-go", "svc kubernetes"}, []string{"--port=80", "--name=web", "--target-port=8080"}},
	{"rollout history", []string{"deploy http-go", "deploy", "rs x", "rs"}, []string{"--revision=1", "--revision=2", "--revision=9",
		"-l app=http-go", "-o yaml", "-o json", "-o name", "-o wide", "--output="}},
	{"rollout undo", []string{"deploy http-go"}, []string{"--to-revision=1", "--to-revision=-1"}},
	{"rollout pause", []string{"deploy http-go", "deploy"}, nil},
	{"rollout resume", []string{"deploy http-go"}, nil},
	{"rollout restart", []string{"deploy http-go", "rc nginx"}, nil},
	{"rollout status", []string{"deploy http-go", "deploy/http-go"}, []string{"--watch=false", "--revision=1", "--timeout=5s"}},
}

// noise is words and flags put anywhere now and then.
var noise = []string{"--", "-", "=x", "-h", "--nope", "-x", "--grace-period", "--force=maybe", "-n", "x", "gett", "describe",
	"rollout", "-Aw", "--dry-run=server", "--cascade=maybe", `"unterminated`}

// commandLine draws a kubectl command line from the grammar, its flags
// before or after the arguments, with now and then noise or random
// bytes.
func commandLine() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		g := grammar[rapid.IntRange(0, len(grammar)-1).Draw(t, "command")]
		parts := []string{"kubectl", g.verb, rapid.SampledFrom(g.args).Draw(t, "args")}
		if len(g.flags) > 0 {
			for n := rapid.IntRange(0, 3).Draw(t, "flags"); n > 0; n-- {
				f := rapid.SampledFrom(g.flags).Draw(t, "flag")
				if rapid.Bool().Draw(t, "before") {
					parts = append(parts[:2], append([]string{f}, parts[2:]...)...)
				} else {
					parts = append(parts, f)
				}
			}
		}
		switch rapid.IntRange(0, 9).Draw(t, "noise") {
		case 0:
			parts = append(parts, rapid.SampledFrom(noise).Draw(t, "noise word"))
		case 1:
			parts = append(parts, rapid.StringMatching(`[-a-z=/,.!* ]{0,6}`).Draw(t, "junk"))
		}
		return strings.Join(parts, " ")
	})
}

// Random command lines never panic, and the same lines on two clusters
// with the same seed print the same bytes and fail the same way.
func TestPropertyRunDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cmds := rapid.SliceOfN(commandLine(), 1, 5).Draw(t, "cmds")
		if rapid.IntRange(0, 2).Draw(t, "with workloads") == 0 {
			// So that most commands find what they name.
			cmds = append([]string{"kubectl create -f deploy.yaml", "kubectl create -f rc.yaml", "kubectl create -f pod.yaml"}, cmds...)
		}
		a, b := newShell(t), newShell(t)
		a.WaitLimit, b.WaitLimit = 10*time.Second, 10*time.Second
		for _, cmd := range cmds {
			outA, errA := a.Run(cmd)
			outB, errB := b.Run(cmd)
			if outA != outB || (errA == nil) != (errB == nil) {
				t.Fatalf("%q differs:\n%s\n---\n%s", cmd, outA, outB)
			}
			if errA != nil && !strings.HasSuffix(outA, Format(errA)) {
				t.Fatalf("%q: output does not end with its error:\n%s", cmd, outA)
			}
			if a.Cluster.Now() != b.Cluster.Now() {
				t.Fatalf("%q: the clocks differ", cmd)
			}
		}
	})
}
