package probe

import (
	"fmt"
	"math"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Script says what a container's process does, instance by instance
// (instance 1 is the first run, 2 the first restart, …). Every function
// may be nil.
type Script struct {
	// Probe is the outcome of a probe of kind k executed at the given
	// uptime of the instance. Nil means every probe succeeds.
	Probe func(k Kind, instance int, uptime time.Duration) Outcome
	// Exit says when the instance exits by itself: after that much uptime
	// with that exit code; ok false means it runs until it is killed.
	Exit func(instance int) (after time.Duration, code int32, ok bool)
	// Stop says how the instance reacts to SIGTERM: it exits that long
	// after it with that code; ok false means it ignores SIGTERM (as a
	// shell running as PID 1 does) and is SIGKILLed at the end of the
	// grace period with exit code 137. Nil: it exits at once with 143.
	Stop func(instance int) (after time.Duration, code int32, ok bool)
}

// Scenario is one pod run by the kubelet model of Simulate.
type Scenario struct {
	// Pod is the pod, with its name, namespace, UID and spec. Only regular
	// containers are run; the spec is defaulted first.
	Pod *corev1.Pod
	// Scripts holds each container's script, by name.
	Scripts map[string]Script
	// StartDelay is how long creating and starting a container takes
	// after the kubelet decides to start it (image pull, create). Default
	// 0.
	StartDelay time.Duration
	// Options holds each container's probe options, by name.
	Options map[string]Options
}

// Event is one thing that happened in a simulation.
type Event struct {
	// At is the time since the pod was admitted.
	At        time.Duration
	Container string
	// Reason is one of "Started", "Probe", "Killing", "Exited", "BackOff",
	// "Ready", "NotReady".
	Reason string
	// Message says what happened, in upstream's words where upstream has
	// them (Killing, BackOff).
	Message string
	// RestartCount is the container's restart count after the event.
	RestartCount int32
}

// String renders the event as one transcript line.
func (e Event) String() string {
	return fmt.Sprintf("%5ds  %-10s %-8s %s", int64(e.At/time.Second), e.Container, e.Reason, e.Message)
}

// Timeline is the result of Simulate: the events in order and the pod's
// status at the end.
type Timeline struct {
	Events []Event
	Status corev1.PodStatus
}

// String renders the timeline as a transcript, one event a line.
func (t *Timeline) String() string {
	var b strings.Builder
	for _, e := range t.Events {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// simContainer is the kubelet's view of one container in Simulate.
type simContainer struct {
	spec     *corev1.Container
	script   Script
	m        *Machine
	backoff  Backoff
	restarts int32

	running   bool
	startedAt time.Time
	exitAt    time.Time // when the running instance exits, if exiting
	exiting   bool
	exitCode  int32
	exitWhy   string
	killing   bool
	killRetry bool // the running instance is being killed and will be restarted

	startAt  time.Time // a pending start
	starting bool
	retryAt  time.Time // a pending start attempt after back-off
	retrying bool

	finished []corev1.ContainerStateTerminated // exited instances, oldest first
	waiting  *corev1.ContainerStateWaiting
	ready    bool // the ready field last reported
}

// Simulate runs the kubelet model for one pod from its admission at start
// for the duration d and returns what happened: every probe, every kill,
// every exit, every restart with its back-off. It is a pure function of
// its inputs.
//
// The model (spec/probe.md §19–20, MODEL choices): probes are instant;
// at one instant, exits come first, then starts, then probes; a killed
// container is restarted in the same sync once the kill completes, with
// the back-off decided from the instance before it (rule P13.6); a
// container waiting in back-off is started exactly when it expires (rule
// P13.7); the pod's status is regenerated after every change.
func Simulate(sc Scenario, start time.Time, d time.Duration) (*Timeline, error) {
	if sc.Pod == nil {
		return nil, fmt.Errorf("probe: simulate: nil pod")
	}
	if d < 0 {
		return nil, fmt.Errorf("probe: simulate: negative duration %s", d)
	}
	pod := sc.Pod.DeepCopy()
	pod.Spec = *DefaultPodSpec(&pod.Spec)
	end := start.Add(d)
	if end.Before(start) {
		end = time.Unix(0, math.MaxInt64)
	}
	s := &sim{pod: pod, sc: sc, start: start, tl: &Timeline{}}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		m, err := New(c, pod.Spec.RestartPolicy, start, sc.Options[c.Name])
		if err != nil {
			return nil, err
		}
		sim := &simContainer{spec: c, script: sc.Scripts[c.Name], m: m}
		sim.waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		sim.starting, sim.startAt = true, start.Add(sc.StartDelay)
		s.cs = append(s.cs, sim)
	}
	s.podReady = corev1.ConditionUnknown
	if len(s.cs) > 0 {
		s.noteReady(start, s.cs[0])
	}
	for {
		at, act, c := s.next()
		if act == actNone || at.After(end) {
			break
		}
		if err := s.do(at, act, c); err != nil {
			return nil, err
		}
	}
	s.tl.Status = s.status(end)
	return s.tl, nil
}

type sim struct {
	pod      *corev1.Pod
	sc       Scenario
	start    time.Time
	cs       []*simContainer
	tl       *Timeline
	podReady corev1.ConditionStatus
}

type action uint8

// Actions at one instant run in this order (MODEL).
const (
	actExit action = iota
	actStart
	actRetry
	actProbe
	actNone
)

// next finds the earliest action: by time, then action, then container.
func (s *sim) next() (time.Time, action, *simContainer) {
	var at time.Time
	act, which := actNone, (*simContainer)(nil)
	consider := func(t time.Time, a action, c *simContainer) {
		if act == actNone || t.Before(at) || (t.Equal(at) && a < act) {
			at, act, which = t, a, c
		}
	}
	for _, c := range s.cs {
		if c.exiting {
			consider(c.exitAt, actExit, c)
		}
		if c.starting {
			consider(c.startAt, actStart, c)
		}
		if c.retrying {
			consider(c.retryAt, actRetry, c)
		}
		if t, _, ok := c.m.NextAt(); ok {
			consider(t, actProbe, c)
		}
	}
	return at, act, which
}

func (s *sim) emit(at time.Time, c *simContainer, reason, msg string) {
	s.tl.Events = append(s.tl.Events, Event{At: at.Sub(s.start), Container: c.spec.Name, Reason: reason, Message: msg, RestartCount: c.restarts})
}

func (s *sim) do(at time.Time, act action, c *simContainer) error {
	var err error
	switch act {
	case actExit:
		err = s.exit(at, c)
	case actStart:
		err = s.startContainer(at, c)
	case actRetry:
		c.retrying = false
		s.tryStart(at, c, c.lastFinished())
	case actProbe:
		err = s.probe(at, c)
	}
	if err != nil {
		return err
	}
	s.noteReady(at, c)
	return nil
}

// noteReady reports a change of the container's ready field, and of the
// pod's Ready condition with the Service endpoint it makes (rule P18.2).
func (s *sim) noteReady(at time.Time, c *simContainer) {
	if r := c.m.Ready(); r != c.ready {
		c.ready = r
		if r {
			s.emit(at, c, "Ready", "container is ready")
		} else {
			s.emit(at, c, "NotReady", "container is not ready")
		}
	}
	st := s.status(at)
	s.pod.Status.Conditions = st.Conditions // transition times carry over
	pod := s.pod.DeepCopy()
	pod.Status = st
	cond, _ := condition(st.Conditions, corev1.PodReady)
	if cond.Status == s.podReady {
		return
	}
	s.podReady = cond.Status
	msg := fmt.Sprintf("pod Ready=%s", cond.Status)
	if cond.Reason != "" {
		msg += fmt.Sprintf(" (%s: %s)", cond.Reason, cond.Message)
	}
	if e := EndpointOf(pod, false); e.Included {
		msg += fmt.Sprintf("; Service endpoint ready=%t serving=%t", e.Ready, e.Serving)
	} else {
		msg += "; no Service endpoint (no pod IP)"
	}
	s.tl.Events = append(s.tl.Events, Event{At: at.Sub(s.start), Container: "(pod)", Reason: "PodReady", Message: msg})
}

func (c *simContainer) lastFinished() *corev1.ContainerStateTerminated {
	if len(c.finished) == 0 {
		return nil
	}
	return &c.finished[len(c.finished)-1]
}

func (s *sim) startContainer(at time.Time, c *simContainer) error {
	c.starting = false
	if err := c.m.Start(at); err != nil {
		return err
	}
	c.running, c.startedAt, c.waiting = true, at, nil
	c.restarts = int32(c.m.Instance() - 1) // rule P13.8
	s.emit(at, c, "Started", fmt.Sprintf("Started container %s (instance %d, restartCount %d)", c.spec.Name, c.m.Instance(), c.restarts))
	if c.script.Exit != nil {
		if after, code, ok := c.script.Exit(c.m.Instance()); ok {
			c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, at.Add(max(after, 0)), code, "exited by itself"
		}
	}
	return nil
}

func (s *sim) probe(at time.Time, c *simContainer) error {
	_, k, _ := c.m.NextAt()
	o := OutcomeSuccess
	if c.script.Probe != nil {
		o = c.script.Probe(k, c.m.Instance(), at.Sub(c.startedAt))
	}
	st, err := c.m.Probe(at, k, o)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s probe: %s", k, o)
	switch {
	case !st.Counted:
		msg += " (discarded)"
	case st.Run <= st.Threshold:
		msg += fmt.Sprintf(" (%d of %d)", st.Run, st.Threshold)
	default:
		msg += fmt.Sprintf(" (%d in a row)", st.Run)
	}
	if st.CachedChanged {
		msg += fmt.Sprintf(", now %s", st.Cached)
	}
	s.emit(at, c, "Probe", msg)
	if st.StartedChanged {
		s.emit(at, c, "Probe", "Startup probe succeeded: container started")
	}
	if !st.Kill.Needed || c.killing {
		return nil
	}
	grace := KillGracePeriod(s.pod, c.spec, st.Kill.Kind)
	c.killing, c.killRetry = true, st.Kill.Restart
	s.emit(at, c, "Killing", fmt.Sprintf("%s (grace period %s)", st.Kill.Message, grace))
	exitAt, code, why := at.Add(grace), int32(137), "killed: SIGKILL at the end of the grace period"
	stopAfter, stopCode, handles := time.Duration(0), int32(143), true
	if c.script.Stop != nil {
		stopAfter, stopCode, handles = c.script.Stop(c.m.Instance())
	}
	if handles && stopAfter < grace {
		exitAt, code, why = at.Add(max(stopAfter, 0)), stopCode, "killed: exited on SIGTERM"
	}
	if !c.exiting || exitAt.Before(c.exitAt) {
		c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, exitAt, code, why
	}
	return nil
}

func (s *sim) exit(at time.Time, c *simContainer) error {
	if err := c.m.Exit(at); err != nil {
		return err
	}
	killed, restartAfterKill := c.killing, c.killRetry
	c.exiting, c.killing, c.killRetry, c.running = false, false, false, false
	// Before this exit, the newest exited instance is the one before it:
	// a kill-and-restart sync works from that one (rule P13.6).
	before := c.lastFinished()
	var prev *corev1.ContainerStateTerminated
	if before != nil {
		cp := *before
		prev = &cp
	}
	reason := "Error"
	if c.exitCode == 0 {
		reason = "Completed"
	}
	c.finished = append(c.finished, corev1.ContainerStateTerminated{
		ExitCode: c.exitCode, Reason: reason,
		StartedAt: metav1.NewTime(c.startedAt), FinishedAt: metav1.NewTime(at),
	})
	s.emit(at, c, "Exited", fmt.Sprintf("exit code %d, %s", c.exitCode, c.exitWhy))
	s.noteReady(at, c)
	switch {
	case killed && restartAfterKill:
		s.tryStart(at, c, prev)
	case killed:
		// A probe kill under restartPolicy Never: the container stays
		// terminated (rule P9.3).
	case ShouldRestart(c.spec, s.pod.Spec.RestartPolicy, c.exitCode):
		s.tryStart(at, c, c.lastFinished())
	}
	return nil
}

// tryStart is the kubelet's attempt to start the container at now,
// working from the exited instance prev (rule P13.3).
func (s *sim) tryStart(now time.Time, c *simContainer, prev *corev1.ContainerStateTerminated) {
	var finished time.Time
	if prev != nil {
		finished = prev.FinishedAt.Time
	}
	ok, retryAt, delay := c.backoff.Decide(now, finished, prev != nil)
	if ok {
		c.waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		c.starting, c.startAt = true, now.Add(s.sc.StartDelay)
		return
	}
	msg := BackoffMessage(delay, c.spec.Name, s.pod.Name, s.pod.Namespace, string(s.pod.UID))
	c.waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: msg}
	s.emit(now, c, "BackOff", fmt.Sprintf("%s; retry at %ds", msg, int64(retryAt.Sub(s.start)/time.Second)))
	c.retrying, c.retryAt = true, retryAt
}

// status is the pod's status at now as the kubelet would write it.
func (s *sim) status(now time.Time) corev1.PodStatus {
	pod := s.pod.DeepCopy()
	pod.Status.ContainerStatuses = nil
	for _, c := range s.cs {
		st := corev1.ContainerStatus{Name: c.spec.Name, Image: c.spec.Image, RestartCount: c.restarts, Ready: c.m.Ready()}
		started := c.m.Started()
		st.Started = &started
		if last := c.lastFinished(); last != nil {
			st.LastTerminationState.Terminated = last.DeepCopy()
		}
		switch {
		case c.running:
			st.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(c.startedAt)}
		case c.waiting != nil:
			st.State.Waiting = c.waiting.DeepCopy()
		case c.lastFinished() != nil:
			st.State.Terminated = c.lastFinished().DeepCopy()
			if n := len(c.finished); n > 1 {
				st.LastTerminationState.Terminated = c.finished[n-2].DeepCopy()
			} else {
				st.LastTerminationState.Terminated = nil
			}
		}
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, st)
	}
	pod.Status.Phase = Phase(pod, false, true)
	pod.Status.Conditions = Conditions(pod, pod.Status.Phase, true, now)
	return pod.Status
}
