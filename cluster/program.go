package cluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

// What a container does is decided, in this order, by:
//
//  1. a script set for that container of that pod (ScriptContainer);
//  2. a program registered for its image (Program), by the exact image
//     and then by the image without its tag;
//  3. its own command, when it is a shell one-liner kubesem can follow
//     (`/bin/sh -c "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy;
//     sleep 600"`): touch, rm, sleep, echo and true run on a virtual file
//     system, the container exits 0 when the script ends, and an exec
//     probe `cat F`, `test -e F`, `test -f F` or `ls F` succeeds while F
//     exists;
//  4. otherwise the container runs until it is stopped and every probe
//     succeeds (a server that is up, like the tutorial's http-go) — but a
//     regular init container (not a sidecar) completes at once with exit
//     code 0, as an init step that has nothing to wait for.
//
// A script's functions are looked up when they are needed, so a script
// set on a running container takes effect at its next probe.

// Program registers how every container running image behaves (see the
// rules above). A zero Script removes the registration.
func (c *Cluster) Program(image string, s probe.Script) {
	if s.Probe == nil && s.Exit == nil && s.Stop == nil {
		delete(c.programs, image)
		return
	}
	c.programs[image] = s
}

// ScriptContainer sets how one container of one existing pod behaves from
// now on; it overrides Program and the container's command.
func (c *Cluster) ScriptContainer(namespace, pod, container string, s probe.Script) error {
	o := c.st.get(KindPod, key{namespace, pod})
	if o == nil {
		return apiNotFound(KindPod, pod)
	}
	found := false
	spec := &o.(*corev1.Pod).Spec
	for _, ctr := range append(slices.Clip(spec.InitContainers), spec.Containers...) {
		found = found || ctr.Name == container
	}
	if !found {
		return fmt.Errorf("container %s is not valid for pod %s", container, pod)
	}
	c.podScripts[podContainer{key{namespace, pod}, container}] = s
	return nil
}

func imageName(image string) string {
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[:i]
	}
	return image
}

// scriptOf builds the script the kubelet model runs for a container: each
// function consults the current registrations when called. A regular init
// container (initRegular) whose program is not known completes at once
// with exit code 0; any other container runs until it is stopped.
func (c *Cluster) scriptOf(k key, ctr *corev1.Container, initRegular bool) probe.Script {
	name, image := ctr.Name, ctr.Image
	sh := parseShell(append(append([]string{}, ctr.Command...), ctr.Args...))
	startup, readiness, liveness := ctr.StartupProbe, ctr.ReadinessProbe, ctr.LivenessProbe
	lookup := func() probe.Script {
		if s, ok := c.podScripts[podContainer{k, name}]; ok {
			return s
		}
		if s, ok := c.programs[image]; ok {
			return s
		}
		return c.programs[imageName(image)]
	}
	return probe.Script{
		Probe: func(kind probe.Kind, instance int, uptime time.Duration) probe.Outcome {
			if s := lookup(); s.Probe != nil {
				return s.Probe(kind, instance, uptime)
			}
			var p *corev1.Probe
			switch kind {
			case probe.Startup:
				p = startup
			case probe.Readiness:
				p = readiness
			case probe.Liveness:
				p = liveness
			}
			if p != nil && p.Exec != nil && sh != nil {
				if f, ok := fileTest(p.Exec.Command); ok && !sh.exists(f, uptime) {
					return probe.OutcomeFailure
				}
			}
			return probe.OutcomeSuccess
		},
		Exit: func(instance int) (time.Duration, int32, bool) {
			if s := lookup(); s.Exit != nil {
				return s.Exit(instance)
			}
			if sh != nil {
				return sh.end, 0, true
			}
			return 0, 0, initRegular
		},
		Stop: func(instance int) (time.Duration, int32, bool) {
			if s := lookup(); s.Stop != nil {
				return s.Stop(instance)
			}
			if sh != nil {
				// A shell running as PID 1 ignores SIGTERM.
				return 0, 0, false
			}
			return 0, 143, true
		},
	}
}

// shellScript is a followed shell one-liner: when each file appears and
// disappears, and when the script ends.
type shellScript struct {
	files map[string][]fileEvent
	end   time.Duration
}

type fileEvent struct {
	at     time.Duration
	exists bool
}

func (s *shellScript) exists(f string, uptime time.Duration) bool {
	ok := false
	for _, e := range s.files[f] {
		if e.at <= uptime {
			ok = e.exists
		}
	}
	return ok
}

// parseShell follows `sh -c "<script>"`; nil when the command is not such
// a script or uses anything it cannot follow.
func parseShell(argv []string) *shellScript {
	if len(argv) != 3 || argv[1] != "-c" {
		return nil
	}
	switch argv[0] {
	case "sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash":
	default:
		return nil
	}
	s := &shellScript{files: map[string][]fileEvent{}}
	var t time.Duration
	script := strings.NewReplacer("&&", ";", "\n", ";").Replace(argv[2])
	for _, stmt := range strings.Split(script, ";") {
		f := strings.Fields(stmt)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "touch":
			for _, file := range f[1:] {
				s.files[file] = append(s.files[file], fileEvent{t, true})
			}
		case "rm":
			for _, file := range f[1:] {
				if !strings.HasPrefix(file, "-") {
					s.files[file] = append(s.files[file], fileEvent{t, false})
				}
			}
		case "sleep":
			if len(f) != 2 {
				return nil
			}
			secs, err := strconv.ParseFloat(f[1], 64)
			if err != nil || secs < 0 {
				return nil
			}
			t += time.Duration(secs * float64(time.Second))
		case "echo", "true", ":":
		default:
			return nil
		}
	}
	s.end = t
	return s
}

// fileTest recognises an exec probe that tests a file's existence.
func fileTest(cmd []string) (string, bool) {
	if len(cmd) == 3 && (cmd[0] == "sh" || cmd[0] == "/bin/sh") && cmd[1] == "-c" {
		cmd = strings.Fields(cmd[2])
	}
	switch {
	case len(cmd) == 2 && (cmd[0] == "cat" || cmd[0] == "ls"):
		return cmd[1], true
	case len(cmd) == 3 && cmd[0] == "test" && (cmd[1] == "-e" || cmd[1] == "-f"):
		return cmd[2], true
	}
	return "", false
}

// CrashContainer makes the running instance of a container of a running
// pod exit now with the exit code (a crash: 1 for an error, 137 for an
// OOM kill); the kubelet restarts it by the pod's restart policy, with
// the back-off that follows; outside the loop the exit is handled
// before CrashContainer returns. A pod that is not running on a node, or a
// container that is not running, is an error.
func (c *Cluster) CrashContainer(namespace, pod, container string, code int32) error {
	k := key{namespace, pod}
	if c.st.get(KindPod, k) == nil {
		return apiNotFound(KindPod, pod)
	}
	rt := c.pods[k]
	if rt == nil || rt.frozen || rt.terminating {
		return fmt.Errorf("cluster: pod %s/%s is not running on a node", namespace, pod)
	}
	if err := rt.runner.Crash(c.now, container, code); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	rt.token++
	c.wake(k, rt)
	if c.inLoop() {
		return nil // the exit fires with the instant's timers
	}
	return c.runTo(c.now)
}
