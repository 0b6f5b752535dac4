//go:build !js

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A script of the Pod section's commands prints exactly the transcript of
// the pod example (examples/pod/testdata/output.golden, read when it was
// written): the shell and the examples are one timeline.
func TestScriptReproducesThePodExample(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-seed", "2", "../../examples/pod/pod.kubesem"}, os.Stdin, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	want, err := os.ReadFile("../../examples/pod/testdata/output.golden")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Fatalf("the script's transcript differs from the example's (-example +script):\n%s", diff)
	}
}

// The shell's own commands and its errors, interactive (bare output).
func TestSessionCommands(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("kind: Pod\nmetadata: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s, err := newSession(&out, 1, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ line, want string }{
		{"", ""},
		{"# a comment prints nothing here", ""},
		{"kubectl create -f web.yaml", "pod/web created\n"},
		{"kubectl create -f nope.yaml", `error: the path "nope.yaml" does not exist` + "\n"},
		{"kubectl create -f broken.yaml", "error: error parsing broken.yaml"},
		{"kubectl frobnicate", `error: unknown command "frobnicate" for "kubectl"`},
		{"kubectl get pods --bogus", "error: unknown flag: --bogus"},
		{"sleep 5", ""},
		{"time", "[00:00:05] (5s since the cluster started)\n"},
		{"kubectl get pod web --no-headers", "web   1/1   Running   0     5s\n"},
		{"crash pod/web 3", "pod/web: container web exited with code 3\n"},
		{"crash pod/nope", `crash: pods "nope" not found` + "\n"},
		{"crash web", `crash: "web" is not pod/NAME` + "\n"},
		{"sleep 2m", ""},
		{"kubectl get pod web --no-headers", "web   1/1   Running   1 (2m ago)   2m5s\n"},
		{"node stop worker1", "node/worker1 stopped\n"},
		{"node stop worker1", `node stop: cluster: node "worker1" is already stopped` + "\n"},
		{"node start worker1", "node/worker1 started\n"},
		{"node restart-kubelet worker2", "node/worker2 kubelet restarted\n"},
		{"node reboot worker2", `node: unknown action "reboot" (stop, start or restart-kubelet)` + "\n"},
		{"sleep -3s", "sleep: invalid time interval '-3s'\n"},
		{"sleep forever", "sleep: invalid time interval 'forever'\n"},
		{"watch-for 10s", "watches run for 10s\n"},
		{"frobnicate", "kubesem: frobnicate: command not found (type help)\n"},
		{"help crash", "crash pod/NAME [CONTAINER] [EXIT-CODE]\n  Make a running container exit at once"},
	} {
		out.Reset()
		if s.exec(tc.line) {
			t.Fatalf("%q left the shell", tc.line)
		}
		if got := out.String(); !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("%q printed %q, want it to start with %q", tc.line, got, tc.want)
		}
	}
	for _, q := range []string{"exit", "quit", "  logout  "} {
		if !s.exec(q) {
			t.Errorf("%q did not leave the shell", q)
		}
	}
	if err := s.tl.Err(); err != nil {
		t.Fatal(err)
	}
}

// A watch in a script runs for the watch duration and shows ^C; typed
// interactively, Ctrl-C (the interrupt) ends it at once.
func TestSessionWatch(t *testing.T) {
	var out bytes.Buffer
	s, err := newSession(&out, 1, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	s.watchFor = time.Hour
	asked := 0
	s.interrupt = func() bool { asked++; return asked == 5 }
	s.exec("kubectl get nodes -w")
	if got := s.tl.C.Elapsed(); got != 5*time.Second || !strings.HasSuffix(out.String(), "^C\n") || !strings.Contains(out.String(), "worker2") {
		t.Fatalf("a watch interrupted after 5 s: at %s, printed %q", got, out.String())
	}
}

// Nothing typed crashes the shell: random lines, kubectl's and the
// shell's own commands with random arguments.
func FuzzExec(f *testing.F) {
	for _, seed := range []string{"kubectl get pods -w", "sleep 1e9", "crash pod/x a 99999999999", "node stop", "help help", "kubectl create -f /dev/null",
		"kubectl label pod x a=b --overwrite", "# hi", "watch-for 0", "kubectl get po -Aw"} {
		f.Add(seed)
	}
	var out bytes.Buffer
	s, err := newSession(&out, 1, f.TempDir(), true)
	if err != nil {
		f.Fatal(err)
	}
	s.watchFor = 5 * time.Second
	f.Fuzz(func(t *testing.T, line string) {
		out.Reset()
		s.exec(line)
	})
}

// The shell as a person uses it, in tmux (KUBESEM_TMUX=1, as CI runs it;
// skipped otherwise): typed keys, history recall with the up arrow,
// Ctrl-C at the prompt, a watch stopped with Ctrl-C, and the virtual time
// in the prompt.
func TestShellInTmux(t *testing.T) {
	if os.Getenv("KUBESEM_TMUX") != "1" {
		t.Skip("set KUBESEM_TMUX=1 (and install tmux) to type into the shell")
	}
	bin := filepath.Join(t.TempDir(), "kubesem")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	session := "kubesem-test"
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	_ = exec.Command("tmux", "kill-session", "-t", session).Run()
	tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", "-c", dir, bin+" -speed 20")
	defer exec.Command("tmux", "kill-session", "-t", session).Run()
	screen := func() string {
		// (a pane just created may not be found for a moment)
		out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", session+":").CombinedOutput()
		return string(out)
	}
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := screen()
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q:\n%s", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("[00:00:00] $")
	tmux("send-keys", "-t", session, "kubectl create -f web.yaml", "Enter")
	waitFor("pod/web created")
	tmux("send-keys", "-t", session, "sleep 10s", "Enter")
	waitFor("[00:00:10] $")
	tmux("send-keys", "-t", session, "kubectl get pods", "Enter")
	waitFor("Running")
	// the up arrow recalls the last line; run it again
	tmux("send-keys", "-t", session, "Up", "Enter")
	s := waitFor("[00:00:10] $ kubectl get pods\n")
	if n := strings.Count(s, "kubectl get pods"); n < 2 {
		t.Fatalf("the recalled line did not run:\n%s", s)
	}
	// Ctrl-C abandons a line
	tmux("send-keys", "-t", session, "kubectl delete pod web", "C-c")
	waitFor("^C")
	tmux("send-keys", "-t", session, "kubectl get pods -w", "Enter")
	time.Sleep(300 * time.Millisecond)
	tmux("send-keys", "-t", session, "C-c")
	deadline := time.Now().Add(20 * time.Second)
	for s = screen(); strings.Count(s, "^C") < 2; s = screen() {
		if time.Now().After(deadline) {
			t.Fatalf("the watch did not stop at Ctrl-C:\n%s", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tmux("send-keys", "-t", session, "time", "Enter")
	s = waitFor("since the cluster started")
	if strings.Contains(s, "[00:01:10]") {
		t.Fatalf("the watch was not stopped by Ctrl-C (it ran its whole minute):\n%s", s)
	}
	tmux("send-keys", "-t", session, "exit", "Enter")
	deadline = time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "has-session", "-t", session).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("exit did not end the shell:\n%s", screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(s, "web") {
		t.Fatalf("screen:\n%s", s)
	}
}
