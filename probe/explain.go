package probe

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// ProbeState is one probe of a container as its kubelet worker holds it,
// in words: its settings, its cached result, the run of identical results
// so far against its thresholds, and what the next result would do.
// Machine.Explain and Runner.Explain build it from the worker's own state.
type ProbeState struct {
	// Kind is the probe: Startup, Readiness or Liveness.
	Kind Kind
	// The probe's settings, defaulted (P1.1).
	PeriodSeconds, InitialDelaySeconds, SuccessThreshold, FailureThreshold int32
	// Cached is the cached result the kubelet acts on (Unknown with no
	// result, HasResult false); Last and Run are the last counted result
	// and how many of it came in a row (P6.11, P7.1).
	Cached    Result
	HasResult bool
	Last      Result
	Run       int32
	// Held: the probe reached its threshold (a liveness or startup
	// Failure, a startup Success) and waits for the next container
	// instance (P6.14). Gated: a liveness or readiness probe waiting for
	// the startup probe (P8.2).
	Held, Gated bool
	// Next is when it runs next; Due is false when it will not run until
	// something else happens.
	Next time.Time
	Due  bool
	// Text says it in words, with rule ids.
	Text string
}

// String is the probe's text.
func (p ProbeState) String() string { return p.Text }

// ContainerProbes is a Machine explained: its container instance and each
// of its probes.
type ContainerProbes struct {
	// Container is the container's name.
	Container string
	// Instance is the container instance (1 for the first); Running,
	// Started and Ready are the container's fields (P8.1, P10.1).
	Instance                int
	Running, Started, Ready bool
	Probes                  []ProbeState
}

// String renders the probes one per line.
func (c ContainerProbes) String() string {
	var b strings.Builder
	for _, p := range c.Probes {
		fmt.Fprintf(&b, "%s\n", p)
	}
	return b.String()
}

// Explain says, at now (at or after the last instant the machine
// processed), where each of the container's probes stands: the results so
// far against successThreshold and failureThreshold, what the next result
// would do, when it runs, and whether it is held or gated. It reads the
// machine and changes nothing.
func (m *Machine) Explain(now time.Time) ContainerProbes {
	c := ContainerProbes{Container: m.name, Instance: m.instance, Running: m.running, Started: m.started, Ready: m.ready}
	for k := Startup; k < numKinds; k++ {
		if m.w[k].on {
			c.Probes = append(c.Probes, m.probeState(k, now))
		}
	}
	return c
}

// probeState explains worker k.
func (m *Machine) probeState(k Kind, now time.Time) ProbeState {
	w := &m.w[k]
	p := ProbeState{
		Kind: k, PeriodSeconds: int32(w.period / int64(time.Second)), InitialDelaySeconds: int32(w.delay / int64(time.Second)),
		SuccessThreshold: w.successT, FailureThreshold: w.failureT,
		Cached: m.Cached(k), HasResult: m.HasResult(k), Last: w.lastResult, Run: w.run, Held: w.hold,
		Gated: k != Startup && m.w[Startup].on && !m.started && m.running,
	}
	if at, ok := m.due(k); ok {
		p.Next, p.Due = m.epoch.Add(time.Duration(at)), true
	}
	name := strings.ToLower(k.String())
	head := fmt.Sprintf("%s probe (every %d s", name, p.PeriodSeconds)
	if p.InitialDelaySeconds > 0 {
		head += fmt.Sprintf(", after %d s", p.InitialDelaySeconds)
	}
	if k == Readiness || p.SuccessThreshold != 1 {
		head += fmt.Sprintf(", successThreshold %d", p.SuccessThreshold)
	}
	head += fmt.Sprintf(", failureThreshold %d)", p.FailureThreshold)
	var why string
	switch {
	case !m.running:
		why = "not probing: the container is not running (P6.6)"
	case m.deleting && k != Readiness:
		why = "stopped: the pod is being deleted, only readiness goes on (P6.7)"
	case p.Gated:
		why = "waits until the startup probe succeeds (P8.2)"
	case k == Startup && m.started:
		why = "succeeded: the container is started, the startup probe runs no more until the next instance (P6.9)"
	case w.hold:
		why = fmt.Sprintf("reached failureThreshold %d: the container is killed, and the probe waits for the next instance (P6.14, P9.1)", w.failureT)
	default:
		why = m.runWords(k, w)
	}
	p.Text = head + ": " + why
	if p.Due && !now.IsZero() {
		if d := p.Next.Sub(now); d >= 0 {
			p.Text += fmt.Sprintf("; next in %s", d)
		}
	}
	return p
}

// runWords says where a running worker's results stand against its
// thresholds, and what the next result would do (P6.11 … P6.13, P7).
func (m *Machine) runWords(k Kind, w *worker) string {
	var b strings.Builder
	switch {
	case w.none:
		b.WriteString("no result yet (the kubelet restarted)")
	default:
		fmt.Fprintf(&b, "result %s", w.cached)
	}
	if w.run > 0 {
		fmt.Fprintf(&b, ", %s in a row", count(w.run, resultNoun(w.lastResult)))
	}
	switch {
	case w.lastResult == Failure && w.run > 0 && w.run < w.failureT:
		next, verb := fmt.Sprintf("the next failure (the %s in a row)", ordinal(w.run+1)), "s"
		if w.run+1 < w.failureT {
			next, verb = fmt.Sprintf("%d more failures in a row", w.failureT-w.run), ""
		}
		switch {
		case k != Readiness:
			fmt.Fprintf(&b, "; %s kill%s the container (P9.1)", next, verb)
		case w.cached != Failure:
			fmt.Fprintf(&b, "; %s make%s it not ready (P9.7)", next, verb)
		default:
			b.WriteString(": not ready (P10.1)")
		}
	case w.lastResult == Failure && w.run >= w.failureT:
		if k == Readiness {
			fmt.Fprintf(&b, ", reaching failureThreshold %d: not ready (P9.7)", w.failureT)
		}
	case k == Readiness && w.cached != Success:
		need := w.successT - w.run
		if w.lastResult != Success {
			need = w.successT
		}
		if w.run == 0 || w.lastResult != Success {
			fmt.Fprintf(&b, " (the initial value until a success): not ready; %s make it ready (P5.1, P6.12)", count(need, "success"))
		} else {
			fmt.Fprintf(&b, ": not ready; %d more make it ready (successThreshold %d) (P7.3)", need, w.successT)
		}
	case k == Readiness:
		b.WriteString(": ready (P10.1)")
	case k == Startup:
		fmt.Fprintf(&b, "; a success starts the container, %s in a row kill it (P7.5)", count(w.failureT, "failure"))
	case k == Liveness:
		fmt.Fprintf(&b, "; %s in a row would kill the container (P7.4)", count(w.failureT, "failure"))
	}
	return b.String()
}

func resultNoun(r Result) string {
	if r == Success {
		return "success"
	}
	return "failure"
}

// count is "1 failure", "3 failures", "2 successes".
func count(n int32, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ordinal is "first" … "tenth", then "11th", "12th", "21st", ….
func ordinal(n int32) string {
	words := []string{"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if n >= 1 && int(n) < len(words) {
		return words[n]
	}
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// secs is a configured duration as the kubelet's settings read: "20 s".
func secs(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return d.String()
}

// BackoffWords says how a CrashLoopBackOff delay came about from the first
// delay and the cap (P13.1, P13.3): "20 s (10 s doubled)", "40 s (10 s
// doubled twice)", "300 s (10 s doubled up to the 300 s cap)", "10 s (the
// first back-off)".
func BackoffWords(delay, initial, maxDelay time.Duration) string {
	if how := backoffHow(delay, initial, maxDelay); how != "" {
		return secs(delay) + " (" + how + ")"
	}
	return secs(delay)
}

// backoffHow is BackoffWords's parenthesis, "" when the delay is none of
// the sequence's.
func backoffHow(delay, initial, maxDelay time.Duration) string {
	if initial <= 0 || delay <= 0 {
		return ""
	}
	if delay == initial {
		return "the first back-off"
	}
	n := 0
	for d := initial; d < delay && n < 64; d *= 2 {
		n++
		if d*2 == delay {
			switch n {
			case 1:
				return secs(initial) + " doubled"
			case 2:
				return secs(initial) + " doubled twice"
			}
			return fmt.Sprintf("%s doubled %d times", secs(initial), n)
		}
	}
	if delay == maxDelay {
		return fmt.Sprintf("%s doubled up to the %s cap", secs(initial), secs(maxDelay))
	}
	return ""
}

// PodExplanation is a Runner explained: the pod's phase and conditions,
// and for each container its state, restarts, last exit, back-off and
// probes, in words.
type PodExplanation struct {
	// Pod is "namespace/name"; Phase the phase the kubelet reports.
	Pod   string
	Phase corev1.PodPhase
	// Lines are the pod-level facts, with rule ids.
	Lines []string
	// Containers, init containers first, in spec order.
	Containers []ContainerExplanation
}

// ContainerExplanation is one container of a Runner, in words.
type ContainerExplanation struct {
	// Name is the container's name; Init and Sidecar say whether it is an
	// init container, and a restartable one.
	Name          string
	Init, Sidecar bool
	// State says what the container is doing: running, starting, waiting
	// in CrashLoopBackOff, being killed, terminated.
	State string
	// Instance and Restarts are the instance number and restartCount
	// (P13.8).
	Instance int
	Restarts int32
	// LastExit says how the last instance ended: killed by a probe (which
	// failure reached which threshold) or exited by itself; "" before any
	// exit.
	LastExit string
	// Restart says what its restart policy does with an exit.
	Restart string
	// Backoff is its CrashLoopBackOff entry in words, "" without one;
	// BackoffDelay the delay and RetryAt, while it waits, when the kubelet
	// starts it again (it runs the Scenario's StartDelay later).
	Backoff      string
	BackoffDelay time.Duration
	RetryAt      time.Time
	// Probes are its probes, explained (Machine.Explain); none for a
	// regular init container.
	Probes []ProbeState
}

// Explain says, at now (the instant of the last Step or later, before the
// next action due), where the pod and each of its containers stand: state,
// probe results against their thresholds, why the last instance ended
// ("third liveness failure at failureThreshold 3: killed"), the
// CrashLoopBackOff delay and when the restart comes ("restart in 15s, a
// 20 s back-off (10 s doubled)"). It reads the Runner and changes
// nothing.
func (r *Runner) Explain(now time.Time) PodExplanation {
	st := r.status(now)
	e := PodExplanation{Pod: r.pod.Namespace + "/" + r.pod.Name, Phase: st.Phase}
	line := func(format string, args ...any) { e.Lines = append(e.Lines, fmt.Sprintf(format, args...)) }
	line("phase %s (P15.2)", st.Phase)
	for _, t := range []corev1.PodConditionType{corev1.PodReady, corev1.ContainersReady} {
		if c, ok := condition(st.Conditions, t); ok {
			s := fmt.Sprintf("%s %s", t, c.Status)
			if c.Reason != "" {
				s += fmt.Sprintf(" (%s: %s)", c.Reason, c.Message)
			}
			line("%s (P16.1, P16.2)", s)
		}
	}
	switch {
	case r.terminating:
		line("being deleted: nothing starts again; liveness and startup probes stopped, readiness goes on (P17.1, P6.15)")
	case r.killed:
		line("the kubelet killed the pod: no regular container runs or will start again, or an init container failed for good (P19.5)")
	case r.resetting || r.reinit:
		line("restarting all its containers after an exit with a RestartAllContainers rule (P12.4)")
	}
	if r.err != nil {
		line("the kubelet model stopped: %v", r.err)
	}
	for _, c := range r.cs {
		e.Containers = append(e.Containers, r.explainContainer(c, now))
	}
	return e
}

func (r *Runner) explainContainer(c *simContainer, now time.Time) ContainerExplanation {
	x := ContainerExplanation{Name: c.spec.Name, Init: c.init, Sidecar: c.sidecar, Instance: c.m.Instance(), Restarts: c.restarts}
	ago := func(t time.Time) string { return now.Sub(t).String() + " ago" }
	in := func(t time.Time) string {
		if d := t.Sub(now); d > 0 {
			return "in " + d.String()
		}
		return "now"
	}
	initial, maxDelay := c.backoff.params()
	switch {
	case c.running && c.killing:
		x.State = fmt.Sprintf("being killed: exits %s (%s)", in(c.exitAt), c.exitWhy)
	case c.running:
		x.State = fmt.Sprintf("running since %s (instance %d, restartCount %d)", ago(c.startedAt), c.m.Instance(), c.restarts)
		switch {
		case !c.m.Started():
			x.State += ", not started: its startup probe has not succeeded (P8.1)"
		case c.init && !c.sidecar:
		case c.m.Ready():
			x.State += ", started and ready (P10.1)"
		default:
			x.State += ", started, not ready (P10.1)"
		}
	case c.starting:
		x.State = fmt.Sprintf("starting: runs %s", in(c.startAt))
	case c.backingOff:
		x.State = "waiting: CrashLoopBackOff (P14.4)"
	case c.waiting != nil:
		x.State = fmt.Sprintf("waiting (%s)", c.waiting.Reason)
	case c.lastFinished() != nil:
		x.State = fmt.Sprintf("terminated with exit code %d (%s), not restarted", c.lastFinished().ExitCode, c.lastFinished().Reason)
	default:
		x.State = "not started"
	}
	if last := c.lastFinished(); last != nil {
		inst := c.m.Instance()
		if c.running {
			inst--
		}
		if k := c.exitKill; k.instance == inst && k.instance > 0 {
			x.LastExit = fmt.Sprintf("instance %d was killed %s: its %s %s failure in a row reached failureThreshold %d (P9.1); it exited with code %d",
				inst, ago(k.at), ordinal(k.run), strings.ToLower(k.kind.String()), k.threshold, last.ExitCode)
			if k.restart {
				x.LastExit += ", and a probe kill restarts it (P9.2)"
			} else {
				x.LastExit += ", and is not restarted: restartPolicy Never (P9.3)"
			}
		} else {
			why := c.lastWhy
			if why == "" {
				why = "exited"
			}
			x.LastExit = fmt.Sprintf("instance %d ended %s with exit code %d (%s): %s", inst, ago(last.FinishedAt.Time), last.ExitCode, last.Reason, why)
		}
	}
	x.Restart = restartWords(c, r.pod.Spec.RestartPolicy)
	if d := c.backoff.Delay(); d > 0 {
		x.BackoffDelay = d
		words := BackoffWords(d, initial, maxDelay)
		how := ""
		if h := backoffHow(d, initial, maxDelay); h != "" {
			how = " (" + h + ")"
		}
		if c.backingOff {
			x.RetryAt = c.backoffUntil
			from := c.backoffUntil.Add(-d)
			what := "the last exit"
			if last := c.lastFinished(); last != nil && !last.FinishedAt.Time.Equal(from) {
				what = "the exit of the instance before the one killed (P13.6)"
			}
			x.Backoff = fmt.Sprintf("restart %s, after a %s back-off%s counted from %s %s, at the pod sync then due (P13.3, P13.11)", in(c.backoffUntil), secs(d), how, what, ago(from))
			if r.startDelay > 0 {
				x.Backoff += fmt.Sprintf("; it runs %s after that", r.startDelay)
			}
			if c.backoffUntil.Sub(c.backoff.lastUpdate) > BackoffResetAfter {
				x.Backoff += fmt.Sprintf("; unless a pod sync comes after the housekeeping drops the entry, %s after it was set, and starts it at once (P13.10)", secs(BackoffResetAfter))
			}
		} else {
			x.Backoff = fmt.Sprintf("back-off %s, set %s: it doubles with each crash up to %s, and is dropped when not used again for %s (P13.1, P13.10)",
				words, ago(c.backoff.lastUpdate), secs(maxDelay), secs(BackoffResetAfter))
		}
	}
	if c.init && !c.sidecar {
		return x
	}
	x.Probes = c.m.Explain(now).Probes
	if c.killing || r.terminating || r.killed {
		// The kubelet kills from a pod sync: a container already being
		// killed, or a pod being stopped, has no further probe kill.
		for i := range x.Probes {
			p := &x.Probes[i]
			if p.Kind == Readiness {
				continue
			}
			for _, kill := range []string{" kills the container (P9.1)", " kill the container (P9.1)", " would kill the container (P7.4)", " kill it (P7.5)"} {
				if j := strings.Index(p.Text, kill); j >= 0 {
					p.Text = p.Text[:j] + " would kill the container, but it is being stopped already: no probe kills it again (P9.1)" + p.Text[j+len(kill):]
				}
			}
			p.Text = strings.Replace(p.Text, "the next failure (", "a further failure (", 1)
		}
	}
	return x
}

// restartWords says what the container's restart policy does with an
// exit (P12.1, P12.2).
func restartWords(c *simContainer, podPolicy corev1.RestartPolicy) string {
	if c.sidecar {
		return "a sidecar: restarted after any exit while the pod runs (P12.2)"
	}
	policy := string(podPolicy)
	whose := "the pod's"
	if c.spec.RestartPolicy != nil {
		policy, whose = string(*c.spec.RestartPolicy), "its own"
	}
	s := fmt.Sprintf("restartPolicy %s (%s)", policy, whose)
	if len(c.spec.RestartPolicyRules) > 0 {
		s += ", after its restartPolicyRules"
	}
	switch corev1.RestartPolicy(policy) {
	case corev1.RestartPolicyAlways:
		s += ": every exit restarts it, through the back-off"
	case corev1.RestartPolicyOnFailure:
		s += ": a non-zero exit restarts it, through the back-off"
	case corev1.RestartPolicyNever:
		s += ": no exit restarts it"
	}
	return s + " (P12.1)"
}

// killNote is the last probe kill of a container: the instance killed,
// by which probe, when, the run that reached which threshold, whether it
// restarts, and the grace period.
type killNote struct {
	instance       int
	kind           Kind
	at             time.Time
	run, threshold int32
	restart        bool
	grace          time.Duration
}

// String renders the explanation: the pod, then each container with its
// state, last exit, back-off and probes.
func (e PodExplanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pod %s\n", e.Pod)
	for _, l := range e.Lines {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	for _, c := range e.Containers {
		kind := "container"
		switch {
		case c.Sidecar:
			kind = "sidecar"
		case c.Init:
			kind = "init container"
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", kind, c.Name, c.State)
		if c.LastExit != "" {
			fmt.Fprintf(&b, "    %s\n", c.LastExit)
		}
		if c.Backoff != "" {
			fmt.Fprintf(&b, "    %s\n", c.Backoff)
		}
		fmt.Fprintf(&b, "    %s\n", c.Restart)
		for _, p := range c.Probes {
			fmt.Fprintf(&b, "    %s\n", p)
		}
	}
	return b.String()
}
