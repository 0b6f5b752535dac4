package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The playground's preloaded files (tutorial/, embedded in the wasm
// build) are the examples' manifests byte for byte, under the names the
// examples give them; two are derived in the examples with
// strings.Replace, and are derived here the same way.
func TestTutorialFilesAreTheExamples(t *testing.T) {
	type source struct {
		example, ident string      // a string constant of examples/<example>/main.go
		file           string      // or a file of the example's directory
		replace        [][2]string // then these replacements, once each, as the example does
	}
	want := map[string]source{
		"go-http-pod.yaml":       {example: "pod", file: "go-http-pod.yaml"},
		"liveness-exec.yaml":     {example: "probes", ident: "livenessExec"},
		"readiness-exec.yaml":    {example: "probes", ident: "livenessExec", replace: [][2]string{{"livenessProbe", "readinessProbe"}, {"liveness-exec", "readiness-exec"}}},
		"replication.yaml":       {example: "replication", ident: "replication"},
		"replication-5.yaml":     {example: "replication", ident: "replication", replace: [][2]string{{"replicas: 3", "replicas: 5"}}},
		"replicaset.yaml":        {example: "replicaset", ident: "replicaset"},
		"blue.yaml":              {example: "replicaset", ident: "bluePod"},
		"http-go-deploy-v1.yaml": {example: "deployment", ident: "httpGoV1"},
		"http-go-recreate.yaml":  {example: "deployment", ident: "recreate"},
	}
	entries, err := os.ReadDir("tutorial")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		seen[name] = true
		src, ok := want[name]
		if !ok {
			t.Errorf("tutorial/%s is no example's file", name)
			continue
		}
		dir := filepath.Join("..", "..", "examples", src.example)
		mainGo, err := os.ReadFile(filepath.Join(dir, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(mainGo, []byte(strconv.Quote(name))) {
			t.Errorf("examples/%s/main.go does not name %s", src.example, name)
		}
		var content string
		if src.file != "" {
			b, err := os.ReadFile(filepath.Join(dir, src.file))
			if err != nil {
				t.Fatal(err)
			}
			content = string(b)
		} else {
			content = stringConst(t, filepath.Join(dir, "main.go"), src.ident)
		}
		for _, r := range src.replace {
			call := "strings.Replace("
			if !bytes.Contains(mainGo, []byte(strconv.Quote(r[0])+", "+strconv.Quote(r[1])+", 1)")) {
				t.Errorf("examples/%s/main.go does not derive %s with %s%q, %q, 1)", src.example, name, call, r[0], r[1])
			}
			content = strings.Replace(content, r[0], r[1], 1)
		}
		got, err := os.ReadFile(filepath.Join("tutorial", name))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(content, string(got)); diff != "" {
			t.Errorf("tutorial/%s differs from the example's (-example +tutorial):\n%s", name, diff)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("tutorial/%s is missing", name)
		}
	}
}

// stringConst is the value of a string constant or variable of a Go file.
func stringConst(t *testing.T, file, ident string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if name.Name == ident && i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out, err = strconv.Unquote(lit.Value)
					found = err == nil
				}
			}
		}
		return false
	})
	if !found {
		t.Fatalf("%s has no string constant %s", file, ident)
	}
	return out
}

func tutorialFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir("tutorial")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("tutorial", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// newTestPlayground is a playground on the tutorial's files that does
// not wait in real time.
func newTestPlayground(t *testing.T) *playground {
	t.Helper()
	p, err := newPlayground(1, tutorialFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	p.pause = func(time.Duration) {}
	return p
}

// runLine runs a line in the playground and returns what it printed.
func runLine(t *testing.T, p *playground, line string) string {
	t.Helper()
	var b strings.Builder
	if err := p.run(line, func(s string) { b.WriteString(s) }, func() {}); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return b.String()
}

// The playground prints what the interactive shell prints for the same
// lines, its paced sleeps and watches included, at the same virtual
// times; and the files -f reads are its own.
func TestPlaygroundIsTheShell(t *testing.T) {
	lines := []string{
		"kubectl create -f http-go-deploy-v1.yaml --record=true",
		"kubectl get pods",
		"sleep 5s",
		"kubectl rollout status deploy http-go",
		"kubectl get pods -o wide",
		`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}'`,
		"kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
		"sleep 12s",
		"kubectl get pods -o wide",
		"watch-for 30s",
		"kubectl get pods -w",
		"kubectl get rs",
		"sleep 1h",
		"kubectl rollout history deploy http-go",
		"kubectl create -f nope.yaml",
		"kubectl frobnicate",
		"kubectl get pods --bogus",
		"frobnicate",
		"sleep forever",
		"sleep 1",
		"time",
		"exit",
		"kubectl get deploy",
	}
	p := newTestPlayground(t)
	var shellOut bytes.Buffer
	s, err := newSession(&shellOut, 1, "tutorial", false)
	if err != nil {
		t.Fatal(err)
	}
	s.interrupt = func() bool { return false }
	for _, line := range lines {
		if got, want := p.prompt(), s.prompt(); got != want {
			t.Fatalf("before %q: the playground's prompt is %q, the shell's %q", line, got, want)
		}
		got := runLine(t, p, line)
		shellOut.Reset()
		quit := s.exec(line)
		want := shellOut.String()
		if quit {
			want = "kubesem runs in this page: reload it for a fresh cluster.\n"
		}
		if got != want {
			t.Errorf("%q printed in the playground:\n%s\nin the shell:\n%s", line, got, want)
		}
	}
	if !strings.Contains(runLine(t, p, "kubectl create -f nope.yaml"), `error: the path "nope.yaml" does not exist`) {
		t.Error("a missing file is not kubectl's error")
	}
}

// A watch and a sleep are paced: the page is told after each step (to
// redraw), and Ctrl-C ends them there.
func TestPlaygroundInterrupt(t *testing.T) {
	p := newTestPlayground(t)
	pauses := 0
	p.pause = func(d time.Duration) {
		if d <= 0 || d > maxPause {
			t.Errorf("a pause of %s", d)
		}
		pauses++
		if pauses == 3 {
			p.interrupt()
		}
	}
	ticks := 0
	var b strings.Builder
	if err := p.run("kubectl get nodes -w", func(s string) { b.WriteString(s) }, func() { ticks++ }); err != nil {
		t.Fatal(err)
	}
	if got := p.s.tl.C.Elapsed(); got != 3*time.Second || ticks != 3 || !strings.HasSuffix(b.String(), "^C\n") || !strings.Contains(b.String(), "worker2") {
		t.Fatalf("a watch interrupted at the third step: at %s after %d ticks, printed %q", got, ticks, b.String())
	}
	pauses = 0
	if out := runLine(t, p, "sleep 1m"); out != "^C\n" || p.s.tl.C.Elapsed() != 6*time.Second {
		t.Fatalf("a sleep interrupted at the third step: at %s, printed %q", p.s.tl.C.Elapsed(), out)
	}
	// a long sleep takes sleepSteps steps, whatever its length
	pauses = -1000
	runLine(t, p, "sleep 10h")
	if got := pauses + 1000; got != sleepSteps-1 || p.s.tl.C.Elapsed() != 10*time.Hour+6*time.Second {
		t.Fatalf("sleep 10h: %d pauses, at %s", got, p.s.tl.C.Elapsed())
	}
	// Ctrl-C between lines is forgotten
	p.interrupt()
	pauses = -1000
	if out := runLine(t, p, "sleep 5s"); out != "" || p.s.tl.C.Elapsed() != 10*time.Hour+11*time.Second {
		t.Fatalf("sleep 5s after a stray Ctrl-C: at %s, printed %q", p.s.tl.C.Elapsed(), out)
	}
}

// One line at a time; a panic (none is known) is an error printed, and
// the playground goes on.
func TestPlaygroundBusyAndPanic(t *testing.T) {
	p := newTestPlayground(t)
	var inner error
	runOnTick := func() {
		if inner == nil {
			inner = p.run("kubectl get pods", func(string) {}, func() {})
		}
	}
	if err := p.run("sleep 3s", func(string) {}, runOnTick); err != nil {
		t.Fatal(err)
	}
	if inner != errBusy {
		t.Fatalf("a line typed while another ran: %v", inner)
	}
	var b strings.Builder
	if err := p.run("sleep 3s", func(s string) { b.WriteString(s) }, func() { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	if b.String() != "kubesem: internal error: boom\n" {
		t.Fatalf("a panic printed %q", b.String())
	}
	if out := runLine(t, p, "kubectl get ns default --no-headers"); !strings.HasPrefix(out, "default ") {
		t.Fatalf("after a panic: %q", out)
	}
}

// The learner's own files: written, listed, read by -f; a broken one is
// kubectl's or the apiserver's error and nothing is stored.
func TestPlaygroundFiles(t *testing.T) {
	p := newTestPlayground(t)
	for _, bad := range []string{"", "my file.yaml", "a\nb"} {
		if err := p.writeFile(bad, "x"); err == nil {
			t.Errorf("writeFile(%q) stored it", bad)
		}
	}
	if err := p.writeFile("broken.yaml", "kind: Pod\nmetadata: [\n"); err != nil {
		t.Fatal(err)
	}
	if err := p.writeFile("invalid.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range p.files() {
		names = append(names, f.Name)
	}
	want := []string{"blue.yaml", "broken.yaml", "go-http-pod.yaml", "http-go-deploy-v1.yaml", "http-go-recreate.yaml", "invalid.yaml", "liveness-exec.yaml",
		"readiness-exec.yaml", "replicaset.yaml", "replication-5.yaml", "replication.yaml"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	if out := runLine(t, p, "kubectl create -f broken.yaml"); !strings.HasPrefix(out, "error: error parsing broken.yaml: ") {
		t.Errorf("a broken file: %q", out)
	}
	if out := runLine(t, p, "kubectl create -f invalid.yaml"); !strings.Contains(out, `The Pod "web" is invalid: spec.containers[0].image: Required value`) {
		t.Errorf("an invalid pod: %q", out)
	}
	if out := runLine(t, p, "kubectl get pods"); out != "No resources found in default namespace.\n" {
		t.Errorf("after two bad files: %q", out)
	}
}

// The snapshot: nodes, the Deployment, its ReplicaSets with their
// revisions, and the pods with kubectl's STATUS and READY, on their nodes.
func TestPlaygroundSnapshot(t *testing.T) {
	p := newTestPlayground(t)
	for _, line := range []string{"kubectl create -f http-go-deploy-v1.yaml", "settle", "kubectl set image deploy http-go http-go=gasbugs/http-go:v2", "sleep 2s"} {
		runLine(t, p, line)
	}
	b, err := p.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var snap snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	if snap.Time != p.s.tl.Stamp() || len(snap.Nodes) != 3 || !snap.Nodes[0].Master || snap.Nodes[1].Name != "worker1" || snap.Nodes[1].Status != "Ready" || !snap.Nodes[1].Ready || !snap.Nodes[1].Running {
		t.Fatalf("nodes: %+v at %s", snap.Nodes, snap.Time)
	}
	if len(snap.Deployments) != 1 || snap.Deployments[0].Revision != "2" || snap.Deployments[0].Image != "gasbugs/http-go:v2" {
		t.Fatalf("deployments: %+v", snap.Deployments)
	}
	rsRevision := map[string]string{}
	for _, rs := range snap.ReplicaSets {
		if rs.Deployment != "http-go" {
			t.Errorf("ReplicaSet %s is owned by %q", rs.Name, rs.Deployment)
		}
		rsRevision[rs.Name] = rs.Revision
	}
	if len(rsRevision) != 2 {
		t.Fatalf("replicaSets: %+v", snap.ReplicaSets)
	}
	// the snapshot says what kubectl get pods -o wide says
	table := runLine(t, p, "kubectl get pods -o wide --no-headers")
	rows := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if len(rows) != len(snap.Pods) {
		t.Fatalf("%d pods drawn, kubectl lists:\n%s", len(snap.Pods), table)
	}
	revisions := map[string]int{}
	for i, pod := range snap.Pods {
		f := strings.Fields(rows[i])
		if f[0] != pod.Name || f[1] != pod.Ready || f[2] != pod.Status || f[6] != pod.Node || f[5] != pod.IP {
			t.Errorf("pod %+v, kubectl: %s", pod, rows[i])
		}
		if pod.OwnerKind != "ReplicaSet" || pod.Revision != rsRevision[pod.Owner] {
			t.Errorf("pod %s: owner %s %s, revision %s", pod.Name, pod.OwnerKind, pod.Owner, pod.Revision)
		}
		revisions[pod.Revision]++
	}
	if revisions["1"] == 0 || revisions["2"] == 0 {
		t.Errorf("two seconds into the rollout, pods per revision: %v", revisions)
	}
	// a node switched off
	runLine(t, p, "node stop worker2")
	runLine(t, p, "sleep 1m")
	b, _ = p.snapshot()
	snap = snapshot{}
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	if n := snap.Nodes[2]; n.Name != "worker2" || n.Running || n.Ready || n.Status != "NotReady" {
		t.Errorf("worker2 switched off a minute ago: %+v", n)
	}
}
