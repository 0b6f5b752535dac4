package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
	"github.com/kubesem/kubesem/timeline"
)

// banner is what an interactive shell says first.
const banner = "kubesem: a simulated v1.37.2 cluster (master, worker1, worker2). Type help, or the tutorial's commands."

// session is one shell on a fresh simulated cluster: the lines typed (or
// read from a script) and what they print.
type session struct {
	tl *timeline.Timeline
	// out is where an interactive session prints (the terminal); a
	// script's transcript goes to tl.W.
	out io.Writer
	// script: print the timeline transcript (the examples' format)
	// instead of bare output.
	script bool
	// watchFor is how long `kubectl get -w` watches before the shell
	// presses Ctrl-C for the user.
	watchFor time.Duration
	// interrupt, in an interactive session, paces a watch in real time
	// and reports Ctrl-C (kubectl.Shell.Interrupt).
	interrupt func() bool
}

// newSession starts a session on a fresh cluster seeded with seed; -f
// reads files from dir (relative names) and the file system.
func newSession(w io.Writer, seed uint64, dir string, script bool) (*session, error) {
	tl, err := timeline.New(w, seed, nil)
	if err != nil {
		return nil, err
	}
	tl.Sh.ReadFile = func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.ReadFile(name)
	}
	return &session{tl: tl, out: w, script: script, watchFor: kubectl.DefaultWatchFor}, nil
}

// prompt is the interactive prompt: the virtual time, then "$ ".
func (s *session) prompt() string { return s.tl.Stamp() + " $ " }

// verb is one of the shell's own commands.
type verb struct {
	usage, help string
	run         func(s *session, args []string) (string, error)
}

var verbs map[string]verb

func init() {
	verbs = map[string]verb{
		"kubectl": {"kubectl COMMAND [ARGS...]", "Run kubectl against the simulated cluster, as in the tutorial: create -f, get, describe, label, scale, set image, rollout, delete, taint, … A watch (-w) runs for the watch duration (see watch-for) or until Ctrl-C.", nil},
		"sleep":   {"sleep DURATION", "Let virtual time pass: 5 (seconds), 30s, 5m, 1h30m. Controllers, kubelets and probes run meanwhile.", runSleep},
		"settle":  {"settle", "Run the cluster until nothing more would change; the clock stops at the last change (at most an hour of virtual time).", runSettle},
		"node":    {"node stop|start|restart-kubelet NODE", "Switch a node off or on (the tutorial's worker2 failure), or restart its kubelet (its containers keep running).", runNode},
		"crash":   {"crash pod/NAME [CONTAINER] [EXIT-CODE]", "Make a running container exit at once (exit code 1 unless given); its restart policy and CrashLoopBackOff follow.", runCrash},
		"explain": {"explain TYPE/NAME [-n NS] [--replicas=N]", "Say why the controllers decide what they decide about an object, now, then list its recent events (the decisions already taken). " +
			"deployment/NAME: its next sync — maxSurge and maxUnavailable in words, which ReplicaSet grows or shrinks and why; replicaset/NAME, rc/NAME: pods to create in which batches, pods to delete by which rank rule; " +
			"pod/NAME: why this node and not the others, its probes against their thresholds, restarts and CrashLoopBackOff, its taint evictions; node/NAME: its taints, load and pods. " +
			"TYPE is what kubectl accepts: deployment (deploy), replicaset (rs), replicationcontroller (rc), pod (po), node (no); `explain TYPE NAME` works too. " +
			"With --replicas=N a Deployment, ReplicaSet or RC is explained as if scaled to N: which pods a scale-down would delete, and why, before you scale. " +
			"This is the shell's own command, not `kubectl explain` (which prints the documentation of API fields).", runExplain},
		"watch-for": {"watch-for DURATION", "Set how long a watch (kubectl get -w) runs before the shell presses Ctrl-C for you (default 1m).", func(s *session, args []string) (string, error) {
			if len(args) != 1 {
				return "", errors.New("usage: watch-for DURATION")
			}
			d, err := parseDuration("watch-for", args[0])
			if err != nil {
				return "", err
			}
			s.watchFor = d
			return fmt.Sprintf("watches run for %s\n", d), nil
		}},
		"time": {"time", "Print the virtual time since the cluster started.", func(s *session, _ []string) (string, error) {
			return fmt.Sprintf("%s (%s since the cluster started)\n", s.tl.Stamp(), s.tl.C.Elapsed()), nil
		}},
		"help": {"help [COMMAND]", "List the commands, or explain one.", runHelp},
		"exit": {"exit", "Leave the shell (also quit, or Ctrl-D).", nil},
		"quit": {"quit", "Leave the shell.", nil},
	}
}

// exec runs one line. It returns true when the line asks to leave. It
// never panics: whatever is typed is a command, an error, or nothing.
func (s *session) exec(line string) (quit bool) {
	line = strings.TrimSpace(line)
	switch {
	case line == "":
		return false
	case strings.HasPrefix(line, "#"):
		if s.script {
			s.tl.Say("%s", strings.TrimSpace(strings.TrimPrefix(line, "#")))
		}
		return false
	}
	fields := strings.Fields(line)
	name := fields[0]
	if name == "exit" || name == "quit" || name == "logout" {
		return true
	}
	if name == "kubectl" {
		s.kubectl(line)
		return false
	}
	v, ok := verbs[name]
	var out string
	var err error
	if !ok || v.run == nil {
		err = fmt.Errorf("kubesem: %s: command not found (type help)", name)
	} else {
		out, err = v.run(s, fields[1:])
	}
	if err != nil {
		out += err.Error() + "\n"
	}
	if s.script {
		// A script's sleeps and settles are silent, as the examples' waits
		// are: the stamps show the time they let pass.
		if silent := name == "sleep" || name == "settle"; !silent || err != nil {
			fmt.Fprintf(s.tl.W, "%s $ %s\n", s.tl.Stamp(), line)
			if out != "" {
				s.tl.W.Write([]byte(indent(out)))
			}
		}
	} else {
		io.WriteString(s.out, out)
	}
	if cerr := s.tl.Err(); cerr != nil {
		fmt.Fprintf(s.out, "kubesem: the cluster stopped: %v\n", cerr)
	}
	return false
}

// kubectl runs a kubectl line, a watch as the session watches.
func (s *session) kubectl(line string) {
	if isWatch(line) {
		if s.script {
			s.tl.Watch(line, s.watchFor)
			return
		}
		sh := s.tl.Sh
		sh.WatchFor, sh.Interrupt = s.watchFor, s.interrupt
		printed := 0
		sh.OnWatch = func(_ time.Time, text string) {
			io.WriteString(s.out, text)
			printed += len(text)
		}
		out, err := sh.Run(line)
		sh.WatchFor, sh.Interrupt, sh.OnWatch = 0, nil, nil
		if printed <= len(out) {
			io.WriteString(s.out, out[printed:])
		}
		if errors.Is(err, kubectl.ErrInterrupted) {
			io.WriteString(s.out, "^C\n")
		}
		return
	}
	if s.script {
		s.tl.Run(line)
		return
	}
	out, _ := s.tl.Sh.Run(line)
	io.WriteString(s.out, out)
}

// isWatch reports whether a kubectl line watches (-w, --watch,
// --watch-only).
func isWatch(line string) bool {
	for _, f := range strings.Fields(line) {
		switch {
		case f == "-w", f == "--watch", f == "--watch-only", f == "--watch=true", f == "--watch-only=true":
			return true
		case strings.HasPrefix(f, "-") && !strings.HasPrefix(f, "--") && len(f) > 2 && strings.Contains(f[1:], "w") && !strings.ContainsAny(f, "="):
			// combined short flags: -Aw
			if strings.Trim(f[1:], "Aw") == "" {
				return true
			}
		}
	}
	return false
}

func parseDuration(cmd, arg string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(arg, 64); err == nil && n >= 0 && n < 1e9 {
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(arg)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: invalid time interval '%s'", cmd, arg)
	}
	return d, nil
}

func runSleep(s *session, args []string) (string, error) {
	if len(args) != 1 {
		return "", errors.New("usage: sleep DURATION")
	}
	d, err := parseDuration("sleep", args[0])
	if err != nil {
		return "", err
	}
	if d > 30*24*time.Hour {
		return "", fmt.Errorf("sleep: %s is more than the 30 days kubesem lets pass at once", d)
	}
	s.tl.Wait(d)
	return "", nil
}

func runSettle(s *session, args []string) (string, error) {
	if len(args) != 0 {
		return "", errors.New("usage: settle")
	}
	if err := s.tl.C.Settle(time.Hour); err != nil {
		return "", fmt.Errorf("settle: %v", err)
	}
	return "", nil
}

func runNode(s *session, args []string) (string, error) {
	if len(args) != 2 {
		return "", errors.New("usage: node stop|start|restart-kubelet NODE")
	}
	c, node := s.tl.C, args[1]
	var err error
	var done string
	switch args[0] {
	case "stop":
		err, done = c.StopNode(node), "stopped"
	case "start":
		err, done = c.StartNode(node), "started"
	case "restart-kubelet":
		err, done = c.RestartKubelet(node), "kubelet restarted"
	default:
		return "", fmt.Errorf("node: unknown action %q (stop, start or restart-kubelet)", args[0])
	}
	if err != nil {
		return "", fmt.Errorf("node %s: %v", args[0], err)
	}
	return fmt.Sprintf("node/%s %s\n", node, done), nil
}

func runCrash(s *session, args []string) (string, error) {
	if len(args) < 1 || len(args) > 3 {
		return "", errors.New("usage: crash pod/NAME [CONTAINER] [EXIT-CODE]")
	}
	name, ok := strings.CutPrefix(args[0], "pod/")
	if !ok {
		name, ok = strings.CutPrefix(args[0], "pods/")
	}
	if !ok || name == "" {
		return "", fmt.Errorf("crash: %q is not pod/NAME", args[0])
	}
	ns := "default"
	o, err := s.tl.C.Get(cluster.KindPod, ns, name)
	if err != nil {
		return "", fmt.Errorf("crash: %v", err)
	}
	pod := o.(*corev1.Pod)
	container, code := "", int32(1)
	for _, a := range args[1:] {
		if n, err := strconv.ParseInt(a, 10, 32); err == nil {
			code = int32(n)
		} else {
			container = a
		}
	}
	if container == "" && len(pod.Spec.Containers) > 0 {
		container = pod.Spec.Containers[0].Name
	}
	if err := s.tl.C.CrashContainer(ns, name, container, code); err != nil {
		return "", fmt.Errorf("crash: %v", err)
	}
	return fmt.Sprintf("pod/%s: container %s exited with code %d\n", name, container, code), nil
}

func runExplain(s *session, args []string) (string, error) {
	ns, replicas := "", ""
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-n" || a == "--namespace" || a == "--replicas":
			if i+1 == len(args) {
				return "", fmt.Errorf("error: flag needs an argument: %s", a)
			}
			if a == "--replicas" {
				replicas = args[i+1]
			} else {
				ns = args[i+1]
			}
			i++
		case strings.HasPrefix(a, "--namespace="):
			ns = strings.TrimPrefix(a, "--namespace=")
		case strings.HasPrefix(a, "--replicas="):
			replicas = strings.TrimPrefix(a, "--replicas=")
		case strings.HasPrefix(a, "-n") && len(a) > 2:
			ns = a[2:]
		case strings.HasPrefix(a, "-"):
			return "", fmt.Errorf("error: unknown flag: %s", a)
		default:
			rest = append(rest, a)
		}
	}
	var typ, name string
	switch {
	case len(rest) == 1 && strings.Contains(rest[0], "/"):
		typ, name, _ = strings.Cut(rest[0], "/")
	case len(rest) == 2 && !strings.Contains(rest[0], "/"):
		typ, name = rest[0], rest[1]
	case len(rest) == 1:
		if _, err := cluster.ExplainKind(rest[0]); err != nil {
			return "", errors.New(strings.TrimSuffix(kubectl.Format(err), "\n"))
		}
		return "", errors.New("error: explain needs an object: explain TYPE/NAME (type help explain)")
	default:
		return "", errors.New("usage: explain TYPE/NAME [-n NS] [--replicas=N] (type help explain)")
	}
	if typ == "" || name == "" {
		return "", fmt.Errorf("error: arguments in resource/name form must have a single resource and name")
	}
	var e *cluster.Explanation
	var err error
	if replicas == "" {
		e, err = s.tl.C.Explain(typ, ns, name)
	} else {
		n, perr := strconv.ParseInt(replicas, 10, 32)
		if perr != nil {
			return "", fmt.Errorf("error: invalid argument %q for \"--replicas\" flag: %v", replicas, perr.(*strconv.NumError).Err)
		}
		e, err = s.tl.C.ExplainScaled(typ, ns, name, int32(n))
	}
	if err != nil {
		return "", errors.New(strings.TrimSuffix(kubectl.Format(err), "\n"))
	}
	return e.String(), nil
}

func runHelp(s *session, args []string) (string, error) {
	if len(args) > 0 {
		v, ok := verbs[args[0]]
		if !ok {
			return "", fmt.Errorf("help: no command %q (type help)", args[0])
		}
		return fmt.Sprintf("%s\n  %s\n", v.usage, v.help), nil
	}
	var b strings.Builder
	b.WriteString("A simulated cluster (master, worker1, worker2) under a virtual clock: type the tutorial's commands.\n\n")
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-42s %s\n", verbs[n].usage, firstSentence(verbs[n].help))
	}
	b.WriteString("\nLines starting with # are comments. The prompt shows the virtual time.\n")
	return b.String(), nil
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func indent(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
