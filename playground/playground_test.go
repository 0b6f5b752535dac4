package playground

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The lines the test types, in order, each compared with what the
// kubesem shell prints for it (run natively, as a script, on the same
// files): the tutorial's rolling update (examples/deployment), then bad
// input. Between them the test checks the drawing. broken.yaml and
// invalid.yaml are written in the page's file editor first.
var script = []string{
	"kubectl create -f http-go-deploy-v1.yaml --record=true",
	"kubectl get pods",
	"sleep 5s",
	"kubectl rollout status deploy http-go",
	"kubectl get pods -o wide", // check: three v1 pods drawn; start.png
	"kubectl get rs",
	`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}'`,
	"kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
	"sleep 12s",
	"kubectl get pods -o wide", // check: both revisions drawn; rollout.png
	"kubectl get rs",
	"watch-for 30s",
	"kubectl get pods -w", // check: drawn live
	"kubectl rollout status deploy http-go",
	"kubectl get pods -o wide", // check: three v2 pods drawn
	"kubectl get rs",
	"kubectl rollout history deploy http-go",
	"kubectl frobnicate",
	"kubectl get pods --bogus",
	"frobnicate",
	"sleep forever",
	"kubectl get pods",
	"kubectl create -f broken.yaml",
	"kubectl create -f invalid.yaml",
	"kubectl get pods", // typed as Up (three times) and Enter: nothing was stored
}

// The learner's files, typed into the page's editor.
var (
	broken  = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers: [\n"
	invalid = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n"
)

// TestPlaygroundInChromium loads the playground in headless Chromium
// (KUBESEM_CHROMIUM=1; Debian's chromium package) and types the
// tutorial's rolling update into its terminal with key events: the
// terminal shows what the kubesem shell prints for the same lines, and
// the drawing shows the pods kubectl lists, on their nodes, by
// ReplicaSet and revision, redrawn while a watch runs. Bad input (an
// unknown command or flag, a broken file) gets kubectl's errors and the
// page goes on; Ctrl-C stops a watch. With KUBESEM_SCREENSHOTS=1 it
// writes docs/playground/*.png.
func TestPlaygroundInChromium(t *testing.T) {
	if os.Getenv("KUBESEM_CHROMIUM") != "1" {
		t.Skip("set KUBESEM_CHROMIUM=1 (and install chromium) to type into the playground in a browser")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	web := buildSite(t, root)
	want := shellTranscript(t, root)
	t.Logf("built the wasm and the shell's transcript in %s", time.Since(started).Round(time.Millisecond))

	srv := httptest.NewServer(http.FileServer(http.Dir(web)))
	defer srv.Close()

	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // start it (without a timeout: it would stop the browser)
		t.Fatalf("starting chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	defer cancelTimeout()
	b := &page{t: t, ctx: ctx}

	loaded := time.Now()
	b.do(chromedp.EmulateViewport(1600, 900), chromedp.Navigate(srv.URL+"/index.html"), chromedp.WaitReady(chromedp.CSS(`body[data-state="ready"]`)))
	t.Logf("the page was ready in %s", time.Since(loaded).Round(time.Millisecond))
	if banner := b.terminal(); !strings.Contains(banner, "kubesem: a simulated v1.37.2 cluster") {
		t.Fatalf("the terminal says:\n%s", banner)
	}
	if files := b.attrs(`#filelist [data-file]`, "data-file"); !contains(files, "http-go-deploy-v1.yaml") || !contains(files, "go-http-pod.yaml") {
		t.Fatalf("the files listed: %v", files)
	}
	if nodes := b.attrs(`#nodes .node`, "data-node"); strings.Join(nodes, " ") != "master worker1 worker2" {
		t.Fatalf("the nodes drawn: %v", nodes)
	}

	typed := 0
	for i, line := range script {
		switch line {
		case "kubectl create -f broken.yaml":
			b.writeFile("broken.yaml", broken)
			b.writeFile("invalid.yaml", invalid)
		case "kubectl get pods -w":
			b.typeWatch(line)
			typed++
			continue
		}
		if i == len(script)-1 {
			// the history: Up three times is the `kubectl get pods`
			// typed before the two creates
			b.do(chromedp.SendKeys(chromedp.CSS("#line"), kb.ArrowUp+kb.ArrowUp+kb.ArrowUp))
			if got := b.value("#line"); got != line {
				t.Fatalf("Up three times recalled %q, want %q", got, line)
			}
			b.enter(typed)
		} else {
			b.typeLine(typed, line)
		}
		typed++
		switch {
		case i == 4:
			b.checkPods(want, i)
			b.checkRevisions(map[string]int{"1": 3})
			b.screenshot(root, "start.png")
		case i == 5, i == 10, i == 15:
			b.checkReplicaSets(want, i)
		case i == 9:
			b.checkPods(want, i)
			revs := b.revisions()
			if revs["1"] == 0 || revs["2"] == 0 {
				t.Fatalf("twelve seconds into the rollout, the drawing shows pods of revisions %v", revs)
			}
			b.screenshot(root, "rollout.png")
		case i == 14:
			b.checkPods(want, i)
			b.checkRevisions(map[string]int{"2": 3})
			for _, img := range b.attrs(`#nodes .pod`, "data-image") {
				if img != "gasbugs/http-go:v2" {
					t.Fatalf("after the rollout a pod of %s is drawn", img)
				}
			}
		}
	}

	// The terminal shows what the shell prints, line for line, at the
	// same virtual times (the sleeps print nothing).
	got := parseTerminal(b.terminal())
	var compared []block
	for _, blk := range got {
		if strings.HasPrefix(blk.line, "sleep ") && blk.line != "sleep forever" {
			if blk.out != "" {
				t.Errorf("%q printed %q", blk.line, blk.out)
			}
			continue
		}
		compared = append(compared, blk)
	}
	if len(compared) != len(want) {
		t.Fatalf("the terminal shows %d commands with output, the shell's transcript %d:\n%s", len(compared), len(want), b.terminal())
	}
	for i := range want {
		// (a transcript drops the blank lines that end an output, as
		// rollout history's)
		compared[i].out = strings.TrimRight(compared[i].out, "\n")
		want[i].out = strings.TrimRight(want[i].out, "\n")
		if compared[i] != want[i] {
			t.Errorf("the terminal shows\n%s $ %s\n%s\nthe shell prints\n%s $ %s\n%s", compared[i].stamp, compared[i].line, compared[i].out, want[i].stamp, want[i].line, want[i].out)
		}
	}
	// kubectl's errors, as kubectl words them
	for line, msg := range map[string]string{
		"kubectl frobnicate":             `error: unknown command "frobnicate" for "kubectl"`,
		"kubectl get pods --bogus":       "error: unknown flag: --bogus",
		"kubectl create -f broken.yaml":  "error: error parsing broken.yaml: ",
		"kubectl create -f invalid.yaml": `The Pod "web" is invalid: spec.containers[0].image: Required value`,
		"frobnicate":                     "kubesem: frobnicate: command not found",
	} {
		if out := outputOf(got, line); !strings.Contains(out, msg) {
			t.Errorf("%q printed %q, not %q", line, out, msg)
		}
	}
	// nothing of the bad files was stored
	if pods := b.attrs(`#nodes .pod`, "data-pod"); len(pods) != 3 || contains(pods, "broken") || contains(pods, "web") {
		t.Errorf("after the bad files the drawing shows pods %v", pods)
	}

	// The page holds the tutorial's files as cmd/kubesem/tutorial has
	// them, and shows one in its editor.
	var files []struct{ Name, Content string }
	eval(b, `JSON.parse(kubesem.files())`, &files)
	for _, f := range files {
		if f.Name == "broken.yaml" || f.Name == "invalid.yaml" {
			continue
		}
		disk, err := os.ReadFile(filepath.Join(root, "cmd", "kubesem", "tutorial", f.Name))
		if err != nil || string(disk) != f.Content {
			t.Errorf("the page's %s is not cmd/kubesem/tutorial's (%v)", f.Name, err)
		}
	}
	if len(files) != 11 {
		t.Errorf("the page holds %d files", len(files))
	}
	b.do(chromedp.Click(chromedp.CSS(`#filelist [data-file="http-go-deploy-v1.yaml"]`)), chromedp.WaitVisible(chromedp.CSS("#editor")))
	if got := b.value("#filetext"); !strings.Contains(got, "image: gasbugs/http-go:v1") {
		t.Fatalf("the editor shows http-go-deploy-v1.yaml as %q", got)
	}
	b.screenshot(root, "files.png")
	b.do(chromedp.Click(chromedp.CSS("#closefile")), chromedp.WaitNotVisible(chromedp.CSS("#editor")))

	// Ctrl-C stops a watch that would run ten minutes.
	before := b.attr("body", "data-time")
	b.typeLine(typed, "watch-for 10m")
	typed++
	b.do(chromedp.SendKeys(chromedp.CSS("#line"), "kubectl get pods -w"), chromedp.SendKeys(chromedp.CSS("#line"), kb.Enter),
		chromedp.WaitReady(chromedp.CSS(`body[data-state="running"]`)))
	b.waitFor(func() bool { return stamp(b.attr("body", "data-time")) >= stamp(before)+10*time.Second }, "the watch to run ten seconds")
	b.do(chromedp.KeyEvent("c", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.waitDone(typed + 1)
	after := b.attr("body", "data-time")
	if stamp(after) >= stamp(before)+10*time.Minute || !strings.HasSuffix(b.terminal(), "^C\n") {
		t.Fatalf("Ctrl-C did not stop the watch: from %s to %s, the terminal ends %q", before, after, tail(b.terminal(), 200))
	}
	// and the shell goes on
	b.typeLine(typed+1, "time")
	if want := after + " (" + stamp(after).String() + " since the cluster started)\n"; !strings.HasSuffix(b.terminal(), "$ time\n"+want) {
		t.Fatalf("after the watch, time printed %q, want %q", tail(b.terminal(), 100), want)
	}
	t.Logf("the whole test took %s", time.Since(started).Round(time.Millisecond))
}

// buildSite builds the wasm (as playground/build does) into a temporary
// copy of playground/web, with Go's wasm_exec.js.
func buildSite(t *testing.T, root string) string {
	t.Helper()
	web := t.TempDir()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(web, "kubesem.wasm"), "./cmd/kubesem")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build (js/wasm): %v\n%s", err, out)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"), filepath.Join(web, "wasm_exec.js"))
	for _, f := range []string{"index.html", "playground.js", "playground.css"} {
		copyFile(t, filepath.Join(root, "playground", "web", f), filepath.Join(web, f))
	}
	return web
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// shellTranscript runs the script through the kubesem shell (go run
// ./cmd/kubesem SCRIPT, seed 1 as the playground's) beside the
// tutorial's files and the two bad ones, and returns its commands with
// their output.
func shellTranscript(t *testing.T, root string) []block {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(filepath.Join(root, "cmd", "kubesem", "tutorial"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(t, filepath.Join(root, "cmd", "kubesem", "tutorial", e.Name()), filepath.Join(dir, e.Name()))
	}
	for name, content := range map[string]string{"broken.yaml": broken, "invalid.yaml": invalid} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scriptFile := filepath.Join(dir, "rollout.kubesem")
	if err := os.WriteFile(scriptFile, []byte(strings.Join(script, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./cmd/kubesem", "-seed", "1", scriptFile)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run ./cmd/kubesem: %v\n%s", err, out)
	}
	// A script's transcript indents the output by four spaces and stamps
	// a watch's rows: the interactive shell prints them bare.
	var blocks []block
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if m := commandLine.FindStringSubmatch(l); m != nil {
			blocks = append(blocks, block{stamp: m[1], line: m[2]})
			continue
		}
		if len(blocks) == 0 || l == "" {
			continue
		}
		b := &blocks[len(blocks)-1]
		switch {
		case strings.HasPrefix(l, "    "):
			b.out += l[4:]
		case watchRow.MatchString(l):
			b.out += watchRow.ReplaceAllString(l, "")
		default:
			t.Fatalf("the transcript has a line %q", l)
		}
	}
	return blocks
}

var (
	commandLine = regexp.MustCompile(`^(\[\d\d:\d\d:\d\d\]) \$ (.*)\n$`)
	watchRow    = regexp.MustCompile(`^\[\d\d:\d\d:\d\d\]   `)
)

// block is a command typed at a virtual time and its output.
type block struct{ stamp, line, out string }

// parseTerminal splits the terminal's text into commands and output.
func parseTerminal(text string) []block {
	var blocks []block
	for _, l := range strings.SplitAfter(text, "\n") {
		if m := commandLine.FindStringSubmatch(l); m != nil {
			blocks = append(blocks, block{stamp: m[1], line: m[2]})
		} else if len(blocks) > 0 {
			blocks[len(blocks)-1].out += l
		}
	}
	return blocks
}

func outputOf(blocks []block, line string) string {
	for _, b := range blocks {
		if b.line == line {
			return b.out
		}
	}
	return ""
}

// browser starts headless Chromium.
func browser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	path := os.Getenv("KUBESEM_CHROMIUM_PATH")
	if path == "" {
		for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Fatal("no chromium: install Debian's chromium package (or set KUBESEM_CHROMIUM_PATH)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(1600, 900),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	return ctx, func() { cancelCtx(); cancelAlloc() }
}

// page drives the playground in the browser.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("chromium: %v\nthe terminal ends:\n%s", err, tail(p.terminalQuiet(), 2000))
	}
}

// run runs an action that has a value.
func run[T any](p *page, a chromedp.Action[T]) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	if err != nil {
		p.t.Fatalf("chromium: %v\nthe terminal ends:\n%s", err, tail(p.terminalQuiet(), 2000))
	}
	return v
}

// eval evaluates JavaScript into *v.
func eval[T any](p *page, js string, v *T) {
	p.t.Helper()
	*v = run(p, chromedp.Evaluate[T](js))
}

func (p *page) terminal() string {
	var s string
	eval(p, `document.getElementById("out").textContent`, &s)
	return s
}

func (p *page) terminalQuiet() string {
	s, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("out").textContent`))
	return s
}

func (p *page) value(sel string) string {
	p.t.Helper()
	return run(p, chromedp.Value(chromedp.CSS(sel)))
}

func (p *page) attr(sel, name string) string {
	var s string
	eval(p, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ""}).getAttribute(%q) || ""`, sel, name), &s)
	return s
}

// attrs is an attribute of every element sel selects, in document order.
func (p *page) attrs(sel, name string) []string {
	var s []string
	eval(p, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.getAttribute(%q) || "")`, sel, name), &s)
	return s
}

// typeLine types a line and Enter with key events and waits for it to
// be done (done lines were done before).
func (p *page) typeLine(done int, line string) {
	p.t.Helper()
	p.do(chromedp.WaitReady(chromedp.CSS(`body[data-state="ready"]`)), chromedp.SendKeys(chromedp.CSS("#line"), line))
	if got := p.value("#line"); got != line {
		var dbg string
		eval(p, `JSON.stringify({active: document.activeElement && (document.activeElement.id || document.activeElement.tagName), open: document.getElementById("editor").open, text: document.getElementById("filetext").value.slice(-200), name: document.getElementById("filename").value})`, &dbg)
		p.t.Fatalf("typed %q, the input line holds %q (the page: %s)", line, got, dbg)
	}
	p.enter(done)
}

func (p *page) enter(done int) {
	p.t.Helper()
	p.do(chromedp.SendKeys(chromedp.CSS("#line"), kb.Enter))
	p.waitDone(done + 1)
}

func (p *page) waitDone(n int) {
	p.t.Helper()
	p.do(chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`body[data-done="%d"][data-state="ready"]`, n))))
}

func (p *page) waitFor(cond func() bool, what string) {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			p.t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// typeWatch types a watch and, while it runs, watches the page: the
// clock and the drawing must change before it ends.
func (p *page) typeWatch(line string) {
	p.t.Helper()
	done := p.attr("body", "data-done")
	p.do(chromedp.WaitReady(chromedp.CSS(`body[data-state="ready"]`)), chromedp.SendKeys(chromedp.CSS("#line"), line), chromedp.SendKeys(chromedp.CSS("#line"), kb.Enter))
	times, drawings, texts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for {
		var st struct {
			State, Done, Time, Pods, Text string
		}
		eval(p, `({State: document.body.dataset.state, Done: document.body.dataset.done, Time: document.body.dataset.time,
			Pods: Array.from(document.querySelectorAll("#nodes .pod"), e => e.dataset.pod + "=" + e.dataset.status + "@" + e.dataset.node).join(" "),
			Text: String(document.getElementById("out").textContent.length)})`, &st)
		if st.Done != done && st.State == "ready" {
			break
		}
		if st.State == "running" {
			times[st.Time], drawings[st.Pods], texts[st.Text] = true, true, true
		}
		time.Sleep(15 * time.Millisecond)
	}
	if len(times) < 5 || len(drawings) < 3 || len(texts) < 3 {
		p.t.Fatalf("while %q ran, the page showed %d virtual times, %d drawings and %d lengths of output: it was not redrawn live", line, len(times), len(drawings), len(texts))
	}
	p.t.Logf("while %q ran: %d virtual times, %d drawings, %d lengths of output seen", line, len(times), len(drawings), len(texts))
}

// writeFile writes a file in the page's editor, typing its name and
// content with key events.
func (p *page) writeFile(name, content string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS("#newfile")), chromedp.WaitVisible(chromedp.CSS("#editor")),
		chromedp.SendKeys(chromedp.CSS("#filename"), name), chromedp.SendKeys(chromedp.CSS("#filetext"), content))
	if got := p.value("#filetext"); got != content {
		p.t.Fatalf("typed into the editor:\n%q\nit holds\n%q", content, got)
	}
	p.do(chromedp.Click(chromedp.CSS("#savefile")), chromedp.WaitNotVisible(chromedp.CSS("#editor")),
		chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#filelist [data-file=%q]`, name))))
	// and the editor shows it again when its name is clicked
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#filelist [data-file=%q]`, name))), chromedp.WaitVisible(chromedp.CSS("#editor")))
	if got := p.value("#filetext"); got != content {
		p.t.Fatalf("%s reopened holds %q", name, got)
	}
	p.do(chromedp.Click(chromedp.CSS("#closefile")), chromedp.WaitNotVisible(chromedp.CSS("#editor")))
}

// table reads a kubectl table from an output: a map per row, by header.
// Cells are cut at the header's columns (kubectl aligns them).
func table(out string) []map[string]string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 {
		return nil
	}
	head := lines[0]
	type col struct {
		name       string
		start, end int
	}
	var cols []col
	for _, loc := range regexp.MustCompile(`\S+( \S+)*`).FindAllStringIndex(head, -1) {
		cols = append(cols, col{name: head[loc[0]:loc[1]], start: loc[0]})
	}
	for i := range cols {
		cols[i].end = -1
		if i+1 < len(cols) {
			cols[i].end = cols[i+1].start
		}
	}
	var rows []map[string]string
	for _, l := range lines[1:] {
		row := map[string]string{}
		for _, c := range cols {
			if c.start >= len(l) {
				continue
			}
			end := c.end
			if end < 0 || end > len(l) {
				end = len(l)
			}
			row[c.name] = strings.TrimSpace(l[c.start:end])
		}
		rows = append(rows, row)
	}
	return rows
}

// checkPods: the pods drawn are the pods the shell's `kubectl get pods
// -o wide` (script line i) lists, with its STATUS and READY, on its NODE.
func (p *page) checkPods(want []block, i int) {
	p.t.Helper()
	out := blockFor(p.t, want, i)
	var rows []string
	for _, r := range table(out) {
		rows = append(rows, fmt.Sprintf("%s %s %s %s", r["NAME"], r["READY"], r["STATUS"], r["NODE"]))
	}
	sort.Strings(rows)
	var drawn []string
	eval(p, `Array.from(document.querySelectorAll("#nodes .pod"), e => [e.dataset.pod, e.dataset.ready, e.dataset.status, e.closest(".node").dataset.node].join(" "))`, &drawn)
	sort.Strings(drawn)
	if strings.Join(drawn, "\n") != strings.Join(rows, "\n") {
		p.t.Fatalf("after %q the drawing shows\n%s\nkubectl lists\n%s", script[i], strings.Join(drawn, "\n"), out)
	}
}

// checkReplicaSets: the ReplicaSets listed beside the drawing are those
// of `kubectl get rs` (script line i), with DESIRED, CURRENT and READY.
func (p *page) checkReplicaSets(want []block, i int) {
	p.t.Helper()
	out := blockFor(p.t, want, i)
	var rows []string
	for _, r := range table(out) {
		rows = append(rows, fmt.Sprintf("%s %s %s %s", r["NAME"], r["DESIRED"], r["CURRENT"], r["READY"]))
	}
	sort.Strings(rows)
	var drawn []string
	eval(p, `Array.from(document.querySelectorAll("#workloads tr[data-rs]"), e => [e.dataset.rs, e.dataset.desired, e.dataset.current, e.dataset.ready].join(" "))`, &drawn)
	sort.Strings(drawn)
	if strings.Join(drawn, "\n") != strings.Join(rows, "\n") {
		p.t.Fatalf("after %q the ReplicaSets listed are\n%s\nkubectl lists\n%s", script[i], strings.Join(drawn, "\n"), out)
	}
	// each pod drawn is colored as its ReplicaSet and carries its revision
	var bad string
	eval(p, `Array.from(document.querySelectorAll("#nodes .pod[data-rs]")).filter(pod => {
		const rs = document.querySelector('#workloads tr[data-rs="' + pod.dataset.rs + '"]');
		return !rs || rs.dataset.revision !== pod.dataset.revision ||
			getComputedStyle(rs.querySelector(".swatch")).backgroundColor !== getComputedStyle(pod).borderLeftColor;
	}).map(e => e.dataset.pod).join(" ")`, &bad)
	if bad != "" {
		p.t.Fatalf("pods drawn unlike their ReplicaSet: %s", bad)
	}
}

// revisions counts the pods drawn per ReplicaSet revision, Terminating
// ones left out.
func (p *page) revisions() map[string]int {
	var revs []string
	eval(p, `Array.from(document.querySelectorAll('#nodes .pod:not([data-status="Terminating"])'), e => e.dataset.revision)`, &revs)
	n := map[string]int{}
	for _, r := range revs {
		n[r]++
	}
	return n
}

func (p *page) checkRevisions(want map[string]int) {
	p.t.Helper()
	if got := p.revisions(); fmt.Sprint(got) != fmt.Sprint(want) {
		p.t.Fatalf("pods drawn per revision: %v, want %v", got, want)
	}
	var notRunning []string
	eval(p, `Array.from(document.querySelectorAll('#nodes .pod'), e => e.dataset.status + " " + e.dataset.ready).filter(s => s !== "Running 1/1")`, &notRunning)
	if len(notRunning) > 0 {
		p.t.Fatalf("pods drawn not Running and ready: %v", notRunning)
	}
}

// blockFor is the shell's output for script line i.
func blockFor(t *testing.T, want []block, i int) string {
	t.Helper()
	n := 0
	for _, l := range script[:i] {
		if !strings.HasPrefix(l, "sleep ") || l == "sleep forever" {
			n++
		}
	}
	if n >= len(want) || want[n].line != script[i] {
		t.Fatalf("the transcript has no output for %q", script[i])
	}
	return want[n].out
}

// screenshot writes docs/playground/NAME with KUBESEM_SCREENSHOTS=1.
func (p *page) screenshot(root, name string) {
	p.t.Helper()
	if os.Getenv("KUBESEM_SCREENSHOTS") != "1" {
		return
	}
	png := run(p, chromedp.FullScreenshot(100))
	dir := filepath.Join(root, "docs", "playground")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote docs/playground/%s", name)
}

// stamp reads a virtual time "[hh:mm:ss]".
func stamp(s string) time.Duration {
	var h, m, sec int
	fmt.Sscanf(s, "[%d:%d:%d]", &h, &m, &sec)
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
