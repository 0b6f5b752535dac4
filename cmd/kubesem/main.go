//go:build !js

// Command kubesem is a shell on a simulated Kubernetes cluster: a learner
// types the tutorial's commands — kubectl create -f, get, describe, label,
// scale, set image, rollout, delete — and the cluster (master, worker1,
// worker2; the controllers, the scheduler and the kubelets of kubesem)
// answers as a v1.37.2 cluster does, under a virtual clock shown in the
// prompt. sleep lets virtual time pass; node stop/start switches a node
// off and on; crash makes a container exit; explain TYPE/NAME says why the
// controllers decide what they decide about an object (the shell's own
// command, not kubectl explain); help lists the rest.
//
//	go run ./cmd/kubesem              # an interactive shell
//	go run ./cmd/kubesem lesson.sh    # a script: prints its transcript
//	go run ./cmd/kubesem < lesson.sh  # the same from standard input
//
// A script is one command a line, # comments included, run in order; the
// transcript is printed as the examples' timelines are (package timeline):
// each command with the virtual time it was typed at and its output
// below it, indented. kubectl -f reads files relative to the script's
// directory (to the working directory in an interactive shell).
//
// Flags:
//
//	-seed N       the cluster's seed (names, UIDs): the same seed and the
//	              same lines give the same output, byte for byte (default 1)
//	-watch-for D  how long kubectl get -w watches before the shell presses
//	              Ctrl-C for you (default 1m; Ctrl-C ends it earlier)
//	-speed X      virtual seconds a watch shows per real second, in an
//	              interactive shell (default 10)
//
// Interactive editing: arrows move and recall history, Ctrl-U clears the
// line, Ctrl-C abandons it (or stops a watch), Ctrl-D or exit leaves.
//
// Compiled to WebAssembly (GOOS=js GOARCH=wasm; main_js.go instead of
// this file), the same shell runs in a web page, the browser playground:
// see playground/README.md.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kubesem", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "the cluster's seed")
	watchFor := fs.Duration("watch-for", time.Minute, "how long kubectl get -w watches")
	speed := fs.Float64("speed", 10, "virtual seconds a watch shows per real second (interactive)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 1 || *speed <= 0 || *watchFor <= 0 {
		fmt.Fprintln(stderr, "usage: kubesem [-seed N] [-watch-for D] [-speed X] [SCRIPT]")
		return 2
	}
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, "kubesem:", err)
			return 1
		}
		defer f.Close()
		return runScript(f, filepath.Dir(fs.Arg(0)), *seed, *watchFor, stdout, stderr)
	}
	if !term.IsTerminal(int(stdin.Fd())) {
		return runScript(stdin, ".", *seed, *watchFor, stdout, stderr)
	}
	return runInteractive(stdin, *seed, *watchFor, *speed, stderr)
}

// runScript runs a script's lines and prints the transcript.
func runScript(r io.Reader, dir string, seed uint64, watchFor time.Duration, stdout, stderr io.Writer) int {
	s, err := newSession(stdout, seed, dir, true)
	if err != nil {
		fmt.Fprintln(stderr, "kubesem:", err)
		return 1
	}
	s.watchFor = watchFor
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if s.exec(sc.Text()) {
			break
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(stderr, "kubesem:", err)
		return 1
	}
	if err := s.tl.Err(); err != nil {
		fmt.Fprintln(stderr, "kubesem:", err)
		return 1
	}
	return 0
}

// keys reads the terminal's bytes in the background, so that a watch can
// notice Ctrl-C while the line editor is not reading. The line editor
// never sees Ctrl-C (it would end the session, as Ctrl-D does): it gets
// End, Ctrl-U and Enter — an emptied line — and ctrlC is set.
type keys struct {
	ch      chan byte
	pending []byte
	ctrlC   bool
}

func newKeys(r io.Reader) *keys {
	k := &keys{ch: make(chan byte, 1024)}
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := r.Read(buf)
			for _, b := range buf[:n] {
				k.ch <- b
			}
			if err != nil {
				close(k.ch)
				return
			}
		}
	}()
	return k
}

// abandon is what the line editor gets for Ctrl-C: End, Ctrl-U, Enter.
var abandon = []byte("\x1b[F\x15\r")

// Read hands the line editor the next bytes, one at least.
func (k *keys) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(k.pending) > 0 {
			m := copy(p[n:], k.pending)
			k.pending, n = k.pending[m:], n+m
			continue
		}
		var b byte
		var ok bool
		if n == 0 {
			b, ok = <-k.ch
		} else {
			select {
			case b, ok = <-k.ch:
			default:
				return n, nil
			}
		}
		if !ok {
			if n > 0 {
				return n, nil
			}
			return 0, io.EOF
		}
		if b == 3 {
			k.ctrlC, k.pending = true, abandon
			continue
		}
		p[n] = b
		n++
	}
	return n, nil
}

// interrupted reports whether Ctrl-C was typed since it was last asked,
// dropping other keys (typed during a watch).
func (k *keys) interrupted() bool {
	for {
		select {
		case b, ok := <-k.ch:
			if !ok || b == 3 {
				return true
			}
		default:
			return false
		}
	}
}

func runInteractive(stdin *os.File, seed uint64, watchFor time.Duration, speed float64, stderr io.Writer) int {
	old, err := term.MakeRaw(int(stdin.Fd()))
	if err != nil {
		fmt.Fprintln(stderr, "kubesem:", err)
		return 1
	}
	defer term.Restore(int(stdin.Fd()), old)
	k := newKeys(stdin)
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{k, os.Stdout}, "")
	s, err := newSession(t, seed, ".", false)
	if err != nil {
		fmt.Fprintln(stderr, "kubesem:", err)
		return 1
	}
	s.watchFor = watchFor
	step := time.Duration(float64(time.Second) / speed)
	s.interrupt = func() bool {
		time.Sleep(step)
		return k.interrupted()
	}
	fmt.Fprintln(t, banner)
	for {
		t.SetPrompt(s.prompt())
		line, err := t.ReadLine()
		if k.ctrlC {
			// Ctrl-C abandons the line, as a shell does.
			k.ctrlC = false
			fmt.Fprintln(t, "^C")
			continue
		}
		if err != nil {
			fmt.Fprintln(t)
			return 0
		}
		if s.exec(line) {
			return 0
		}
	}
}
