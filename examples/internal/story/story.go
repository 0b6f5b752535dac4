// Package story runs a tutorial section as a timeline: kubectl commands
// typed at virtual times on a kubesem cluster, with their output, so each
// example program is a list of the tutorial's commands.
package story

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

// Story is one example's cluster, shell and output.
type Story struct {
	C   *cluster.Cluster
	Sh  *kubectl.Shell
	W   io.Writer
	err error
}

// New starts a story on a fresh tutorial cluster (seeded) with the files
// -f may name.
func New(w io.Writer, seed uint64, files map[string][]byte) (*Story, error) {
	c, err := cluster.New(cluster.Options{Seed: seed})
	if err != nil {
		return nil, err
	}
	return &Story{C: c, Sh: &kubectl.Shell{Cluster: c, Files: files}, W: w}, nil
}

// stamp renders the virtual time since the cluster started.
func (s *Story) stamp() string {
	d := s.C.Elapsed()
	return fmt.Sprintf("[%02d:%02d:%02d]", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// Run types a command and prints it with its output. A command kubectl
// would fail is printed with its error and does not stop the story.
func (s *Story) Run(cmd string) {
	at := s.stamp() // when it was typed: kubectl may wait (delete, rollout status)
	out, _ := s.Sh.Run(cmd)
	fmt.Fprintf(s.W, "%s $ %s\n", at, cmd)
	s.W.Write([]byte(indent(out)))
}

// Watch types a watching command (`kubectl get pod -w`) and lets it run
// for d of virtual time before pressing Ctrl-C. Each line it prints comes
// with the virtual time it was printed at.
func (s *Story) Watch(cmd string, d time.Duration) {
	fmt.Fprintf(s.W, "%s $ %s\n", s.stamp(), cmd)
	var printed strings.Builder
	s.Sh.WatchFor = d
	s.Sh.OnWatch = func(_ time.Time, text string) {
		printed.WriteString(text)
		for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
			fmt.Fprintf(s.W, "%s   %s", s.stamp(), l)
		}
		fmt.Fprintln(s.W)
	}
	defer func() { s.Sh.WatchFor, s.Sh.OnWatch = 0, nil }()
	out, err := s.Sh.Run(cmd)
	// what was not printed as it happened: an error
	s.W.Write([]byte(indent(strings.TrimPrefix(out, printed.String()))))
	if errors.Is(err, kubectl.ErrInterrupted) {
		fmt.Fprintf(s.W, "%s   ^C\n", s.stamp())
	}
}

// Say prints a comment line.
func (s *Story) Say(format string, args ...any) {
	fmt.Fprintf(s.W, "\n%s # %s\n", s.stamp(), fmt.Sprintf(format, args...))
}

// Wait lets virtual time pass.
func (s *Story) Wait(d time.Duration) {
	if s.err == nil {
		s.err = s.C.Advance(d)
	}
}

// Settle runs the cluster until it is quiet (at most an hour).
func (s *Story) Settle() {
	if s.err == nil {
		s.err = s.C.Settle(time.Hour)
	}
}

// Until runs the cluster until pred holds, at most limit.
func (s *Story) Until(pred func(*cluster.Cluster) bool, limit time.Duration) {
	if s.err == nil {
		s.err = s.C.RunUntil(pred, limit)
	}
}

// Err is the first error the cluster reported.
func (s *Story) Err() error { return s.err }

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
