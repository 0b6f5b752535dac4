// Package timeline records a session on a kubesem cluster as a timeline:
// kubectl commands typed at virtual times, with their output, comments,
// and the virtual time let pass between them. The examples are written
// with it, the kubesem shell prints its transcripts with it, and a
// teaching tool can build its own lessons on it.
//
// Usage:
//
//	tl, err := timeline.New(os.Stdout, 1, map[string][]byte{"pod.yaml": podYAML})
//	tl.Say("create the pod")
//	tl.Run("kubectl create -f pod.yaml")
//	tl.Wait(3 * time.Second)
//	tl.Run("kubectl get pod")
//	tl.Watch("kubectl get pod -w", time.Minute) // then Ctrl-C
//	if err := tl.Err(); err != nil { … }
//
// prints
//
//	[00:00:00] # create the pod
//	[00:00:00] $ kubectl create -f pod.yaml
//	    pod/http-go created
//	[00:00:03] $ kubectl get pod
//	    NAME      READY   STATUS    RESTARTS   AGE
//	    http-go   1/1     Running   0          3s
//
// Rules:
//
//  1. Every line starts with the virtual time since the cluster started,
//     [hh:mm:ss]: a command with the time it was typed (a command that
//     waits, as delete or rollout status do, moves the clock), its output
//     below it indented by four spaces; a comment after an empty line.
//  2. A watch prints each row with the virtual time it was printed at,
//     and "^C" when the watch is stopped.
//  3. A command kubectl would fail is printed with its error, as kubectl
//     prints it, and the timeline goes on; an error of the cluster itself
//     (an invariant, a run that never settles) is kept for Err and stops
//     the clock.
//  4. The same seed, files and calls give byte-identical output.
package timeline

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

// Timeline is one session's cluster, shell and output.
type Timeline struct {
	// C is the cluster, Sh the kubectl shell typing into it, W where the
	// timeline is written.
	C   *cluster.Cluster
	Sh  *kubectl.Shell
	W   io.Writer
	err error
}

// New starts a timeline on a fresh tutorial cluster (master, worker1,
// worker2; seeded) with the files -f may name.
func New(w io.Writer, seed uint64, files map[string][]byte) (*Timeline, error) {
	c, err := cluster.New(cluster.Options{Seed: seed})
	if err != nil {
		return nil, err
	}
	if files == nil {
		files = map[string][]byte{}
	}
	return &Timeline{C: c, Sh: &kubectl.Shell{Cluster: c, Files: files}, W: w}, nil
}

// Stamp renders the virtual time since the cluster started, as
// "[hh:mm:ss]".
func (s *Timeline) Stamp() string { return Stamp(s.C.Elapsed()) }

// Stamp renders a virtual duration as "[hh:mm:ss]".
func Stamp(d time.Duration) string {
	return fmt.Sprintf("[%02d:%02d:%02d]", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// Run types a command and prints it with its output. A command kubectl
// would fail is printed with its error and does not stop the timeline.
func (s *Timeline) Run(cmd string) {
	at := s.Stamp() // when it was typed: kubectl may wait (delete, rollout status)
	out, _ := s.Sh.Run(cmd)
	fmt.Fprintf(s.W, "%s $ %s\n", at, cmd)
	s.W.Write([]byte(indent(out)))
}

// Watch types a watching command (`kubectl get pod -w`) and lets it run
// for d of virtual time before pressing Ctrl-C. Each line it prints comes
// with the virtual time it was printed at.
func (s *Timeline) Watch(cmd string, d time.Duration) {
	fmt.Fprintf(s.W, "%s $ %s\n", s.Stamp(), cmd)
	var printed strings.Builder
	s.Sh.WatchFor = d
	s.Sh.OnWatch = func(_ time.Time, text string) {
		printed.WriteString(text)
		for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
			fmt.Fprintf(s.W, "%s   %s", s.Stamp(), l)
		}
		fmt.Fprintln(s.W)
	}
	defer func() { s.Sh.WatchFor, s.Sh.OnWatch = 0, nil }()
	out, err := s.Sh.Run(cmd)
	// what was not printed as it happened: an error
	s.W.Write([]byte(indent(strings.TrimPrefix(out, printed.String()))))
	if errors.Is(err, kubectl.ErrInterrupted) {
		fmt.Fprintf(s.W, "%s   ^C\n", s.Stamp())
	}
}

// Say prints a comment line.
func (s *Timeline) Say(format string, args ...any) {
	fmt.Fprintf(s.W, "\n%s # %s\n", s.Stamp(), fmt.Sprintf(format, args...))
}

// Wait lets virtual time pass.
func (s *Timeline) Wait(d time.Duration) {
	if s.err == nil {
		s.err = s.C.Advance(d)
	}
}

// Settle runs the cluster until it is quiet (at most an hour): the clock
// stops at the last change, as cluster.Cluster.Settle says.
func (s *Timeline) Settle() {
	if s.err == nil {
		s.err = s.C.Settle(time.Hour)
	}
}

// Until runs the cluster until pred holds, at most limit.
func (s *Timeline) Until(pred func(*cluster.Cluster) bool, limit time.Duration) {
	if s.err == nil {
		s.err = s.C.RunUntil(pred, limit)
	}
}

// Err is the first error the cluster reported.
func (s *Timeline) Err() error { return s.err }

func indent(out string) string {
	if out == "" {
		return ""
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
