package probe

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/features"
)

// Runner is the kubelet model of Simulate for one pod, moved one action at
// a time by the caller, so that a discrete-event driver can run many pods
// in one event queue: NextAt says when the pod's next action is due, Step
// performs it and returns the events it produced, Status is the pod status
// the kubelet would write, and Terminate is the pod's deletion.
//
// Simulate is NewRunner, then Step while NextAt is due within the run,
// then Status at its end; a Runner has the same model (see Simulate).
// Every event's At is the time since the admission instant.
//
// Calls must come in time order: Terminate must not be before an instant
// already processed nor pass over a due action. A Runner is not safe for
// concurrent use. The zero Runner is not usable: use NewRunner.
type Runner struct {
	// pod is the pod's metadata and spec, read only: with ShareSpec the
	// caller's own object, else a copy (its status unused). podStatus is
	// the Runner's view of the pod's status (its conditions, so that
	// their transition times carry over, and a terminal phase), and
	// deletion and deletionGrace the deletion Terminate made.
	pod           *corev1.Pod
	podStatus     corev1.PodStatus
	deletion      *metav1.Time
	deletionGrace *int64
	start         time.Time
	startDelay    time.Duration
	cs            []*simContainer
	podReady      corev1.ConditionStatus
	now           time.Time // the last instant processed
	events        []Event   // what the current Step produced

	// A kubelet sync due at syncAt: the admission, or the kill of a
	// Terminate, whose Killing events it emits.
	syncing    bool
	syncAt     time.Time
	syncEvents []Event

	terminating bool
	grace       time.Duration // the pod worker's grace period of the deletion

	// Init containers come first in cs: cs[:nInit] (rule P19).
	nInit int
	// initialized: a regular container has started (upstream's
	// podHasInitialized); mainStarted: the kubelet decided to start the
	// regular containers, the last init container being initialized.
	initialized, mainStarted bool
	// killed: the kubelet killed the pod without a deletion — a regular
	// init container failed under a policy that does not restart it, or
	// no regular container runs or will start again (rule P19.5). Nothing
	// is started again.
	killed bool
	// The stop of the pod's containers (a deletion or a kill) began at
	// stopAt with the grace period stopGrace; sidecars wait their turn
	// (rule P19.6).
	stopAt    time.Time
	stopGrace time.Duration

	// A restart of all containers (rule P12.4) under way: the running
	// containers still to kill, one after the other.
	resetting  bool
	resetQueue []*simContainer
	// reinit: the pod starts again at reinitAt after such a restart.
	reinit   bool
	reinitAt time.Time

	gates        features.Gates
	kubeletStart time.Time // the phase of the housekeeping ticks (rule P13.10)
	// The pod worker's requeue after a sync that found a container in
	// back-off (rule P13.11).
	resyncing bool
	resyncAt  time.Time

	err error // a failed Step: the Runner stops

	// The status the last Step or Terminate computed at cachedAt, handed
	// to the first Status call at that instant (a kubelet writes the
	// status right after each step; building it twice was a sixth of a
	// large cluster's time). Any change of state clears it.
	cached    corev1.PodStatus
	hasCached bool
	cachedAt  time.Time
}

// simContainer is the kubelet's view of one container in a Runner.
type simContainer struct {
	spec    *corev1.Container
	init    bool // an init container
	sidecar bool // a restartable init container
	index   int  // in r.cs
	// initDone: this init container was initialized once — a regular
	// one completed, a sidecar started — and the next was started.
	initDone bool
	// turn: a sidecar to be stopped once the regular containers and the
	// sidecars after it have stopped, at the latest at turnBy (rule
	// P19.6).
	turn     bool
	turnBy   time.Time
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
	// In CrashLoopBackOff until backoffUntil: re-decided at every pod
	// sync (rule P13.11).
	backingOff   bool
	backoffUntil time.Time

	finished []corev1.ContainerStateTerminated // exited instances, oldest first
	// removed is the last state a restart of all containers leaves a
	// container that had run (rule P12.4), until it starts again.
	removed *corev1.ContainerStateTerminated
	waiting *corev1.ContainerStateWaiting
	ready   bool // the ready field last reported

	// For Explain (explain.go), set only when they happen: the last probe
	// kill; why the last instance exited, and its probe kill if it had one.
	lastKill killNote
	lastWhy  string
	exitKill killNote
}

// NewRunner admits the pod of sc at start, the instant the kubelet's probe
// workers start (rule P4.6): the pod spec is defaulted (rule P1.2), every
// container's probes are validated (an error with upstream's texts), and
// every container is to be started StartDelay after start. The first
// action, due at start, reports the pod's initial Ready condition. sc is
// not modified; its scripts are called as the run needs them. The Runner
// works on a copy of sc.Pod, or, with sc.ShareSpec and a spec that needs
// no defaults, on the pod's own metadata and spec (never modifying them).
func NewRunner(sc Scenario, start time.Time) (*Runner, error) {
	if sc.Pod == nil {
		return nil, fmt.Errorf("probe: new runner: nil pod")
	}
	r, err := newRunner(sc, start)
	if err != nil {
		return nil, err
	}
	// The first init container starts, else every regular container
	// (rule P19.1).
	if r.nInit > 0 {
		r.cs[0].starting, r.cs[0].startAt = true, start.Add(r.startDelay)
	} else {
		r.mainStarted = true
		for _, c := range r.cs {
			c.starting, c.startAt = true, start.Add(r.startDelay)
		}
	}
	if len(r.cs) > 0 {
		r.syncing, r.syncAt = true, start
	}
	return r, nil
}

// newRunner builds the Runner of sc, its containers not started.
func newRunner(sc Scenario, start time.Time) (*Runner, error) {
	// DefaultPodSpec copies the spec (unless it may be shared): the rest
	// is copied here.
	pod := sc.Pod
	if !sc.ShareSpec || !defaulted(&sc.Pod.Spec) {
		pod = &corev1.Pod{TypeMeta: sc.Pod.TypeMeta, Spec: *DefaultPodSpec(&sc.Pod.Spec)}
		sc.Pod.ObjectMeta.DeepCopyInto(&pod.ObjectMeta)
	}
	r := &Runner{pod: pod, start: start, startDelay: sc.StartDelay, now: start, podReady: corev1.ConditionUnknown,
		gates: sc.Gates, kubeletStart: sc.KubeletStart}
	sc.Pod.Status.DeepCopyInto(&r.podStatus)
	if r.kubeletStart.IsZero() {
		r.kubeletStart = start
	}
	initial, maxDelay := CrashLoopBackOff(sc.Gates, sc.MaxContainerRestartPeriod)
	r.nInit = len(pod.Spec.InitContainers)
	add := func(c *corev1.Container, init bool) error {
		opts := sc.Options[c.Name]
		if opts.Gates == nil {
			opts.Gates = sc.Gates
		}
		sidecar := init && isSidecar(c)
		probed := c
		if init && !sidecar {
			// The kubelet runs no probe workers for a regular init
			// container (rule P3.1).
			cp := *c
			cp.StartupProbe, cp.ReadinessProbe, cp.LivenessProbe = nil, nil, nil
			probed = &cp
		}
		opts.Sidecar = sidecar
		m, err := New(probed, pod.Spec.RestartPolicy, start, opts)
		if err != nil {
			return err
		}
		rc := &simContainer{spec: c, init: init, sidecar: sidecar, index: len(r.cs), script: sc.Scripts[c.Name], m: m,
			backoff: Backoff{Initial: initial, Max: maxDelay}}
		rc.waiting = r.defaultWaiting()
		r.cs = append(r.cs, rc)
		return nil
	}
	for i := range pod.Spec.InitContainers {
		if err := add(&pod.Spec.InitContainers[i], true); err != nil {
			return nil, err
		}
	}
	for i := range pod.Spec.Containers {
		if err := add(&pod.Spec.Containers[i], false); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// AdoptRunner is the kubelet model of a pod that a kubelet restarted at
// at finds on its node, with the status st it wrote before (rule P5.4,
// P19): containers keep running — each is adopted as Machine.Adopt says,
// with its restart count and start time —, exited ones keep their last
// state, and the pod's conditions keep their transition times. The new
// kubelet has no back-off entries: a container waiting in
// CrashLoopBackOff, or exited and to be restarted, starts again at its
// first sync, at at. Init containers go on where they were: completed
// ones stay completed, the next one starts. A pod whose phase is
// Succeeded or Failed runs nothing again. Event times count from at,
// which is also the kubelet's start for its housekeeping unless
// sc.KubeletStart says otherwise. A pod with a deletionTimestamp is to be
// given a Terminate by the caller; sc's pod status is ignored: st is the
// status.
func AdoptRunner(sc Scenario, at time.Time, st corev1.PodStatus) (*Runner, error) {
	if sc.Pod == nil {
		return nil, fmt.Errorf("probe: adopt runner: nil pod")
	}
	r, err := newRunner(sc, at)
	if err != nil {
		return nil, err
	}
	st = *st.DeepCopy()
	r.podStatus.Conditions = st.Conditions
	podReady := false
	if c, ok := condition(st.Conditions, corev1.PodReady); ok {
		r.podReady, podReady = c.Status, c.Status == corev1.ConditionTrue
	}
	statuses := map[string]*corev1.ContainerStatus{}
	for _, list := range [][]corev1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range list {
			statuses[list[i].Name] = &list[i]
		}
	}
	for _, c := range r.cs {
		cs := statuses[c.spec.Name]
		if cs == nil {
			continue
		}
		c.restarts = cs.RestartCount
		c.m.instance = int(cs.RestartCount)
		if t := cs.LastTerminationState.Terminated; t != nil && t.Reason == ReasonRestartingAllContainers && cs.State.Waiting != nil {
			// Removed by a restart of all containers: the runtime has no
			// instance of it (rule P12.4).
			c.removed, c.waiting = t.DeepCopy(), cs.State.Waiting.DeepCopy()
			continue
		}
		if t := cs.LastTerminationState.Terminated; t != nil {
			c.finished = append(c.finished, *t)
		}
		switch {
		case cs.State.Running != nil:
			since := cs.State.Running.StartedAt.Time
			if since.After(at) {
				since = at
			}
			if err := c.m.Adopt(at, since, int(cs.RestartCount)+1, cs.Started != nil && *cs.Started, podReady, r.gates); err != nil {
				return nil, err
			}
			c.running, c.startedAt, c.waiting, c.ready = true, since, nil, c.m.Ready()
			if !c.init {
				r.initialized = true
			}
			if c.script.Exit != nil {
				if after, code, ok := c.script.Exit(c.m.Instance()); ok {
					exitAt := since.Add(max(after, 0))
					if exitAt.Before(at) {
						exitAt = at
					}
					c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, exitAt, code, "exited by itself"
				}
			} else if c.init && !c.sidecar {
				c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, at, 0, "exited by itself"
			}
			if c.sidecar && c.m.Started() {
				c.initDone = true
			}
		case cs.State.Terminated != nil:
			c.m.instance = int(cs.RestartCount) + 1
			c.finished = append(c.finished, *cs.State.Terminated)
			c.waiting = nil
			c.ready = c.readyField()
			if !c.init {
				r.initialized = true
			}
			if c.init && !c.sidecar && cs.State.Terminated.ExitCode == 0 {
				c.initDone = true
			}
		case cs.State.Waiting != nil:
			c.waiting = cs.State.Waiting.DeepCopy()
			if c.lastFinished() != nil {
				// Its last instance, which exited, was the restart
				// count's plus one.
				c.m.instance = int(cs.RestartCount) + 1
				if !c.init {
					r.initialized = true
				}
			}
		}
	}
	r.mainStarted = r.initialized || r.nInit == 0
	if st.Phase == corev1.PodSucceeded || st.Phase == corev1.PodFailed {
		// A terminal pod runs nothing again (kubelet.go
		// HandlePodAdditions): it stays as it was.
		r.killed, r.podStatus.Phase = true, st.Phase
	} else {
		r.adoptSync(at)
	}
	if len(r.cs) > 0 {
		r.syncing, r.syncAt = true, at
	}
	return r, nil
}

// adoptSync is a restarted kubelet's first sync of an adopted pod (rules
// P12, P19): what is neither running nor done is started — the next init
// container, sidecars, regular containers that never ran or that the
// policy restarts —, through a back-off with no entries.
func (r *Runner) adoptSync(at time.Time) {
	if !r.mainStarted {
		// computeInitContainerActions: the last init container that ran
		// says where initialization is; those before it are initialized,
		// and a sidecar among them that is not running starts again.
		last := -1
		for i := r.nInit - 1; i >= 0 && last < 0; i-- {
			if c := r.cs[i]; c.running || c.lastFinished() != nil {
				last = i
			}
		}
		if last < 0 {
			r.tryStart(at, r.cs[0], nil)
			return
		}
		for _, c := range r.cs[:last] {
			c.initDone = true
			if c.sidecar && !c.running {
				r.tryStart(at, c, c.lastFinished())
			}
		}
		c := r.cs[last]
		switch done := c.lastFinished(); {
		case c.running && !c.sidecar:
			// It runs to its end.
		case c.running:
			if c.m.Started() {
				c.initDone = false
				r.initProgress(at, c)
			}
		case c.sidecar:
			r.tryStart(at, c, done)
		case done.ExitCode == 0:
			c.initDone = false
			r.initProgress(at, c)
		case !r.initRestarts(c, done.ExitCode):
			r.killPod(at)
		default:
			r.tryStart(at, c, done)
		}
		return
	}
	for _, c := range r.cs {
		last := c.lastFinished()
		switch {
		case c.running, c.init && !c.sidecar:
		case c.sidecar, last == nil:
			r.tryStart(at, c, last)
		case ShouldRestartWith(c.spec, r.pod.Spec.RestartPolicy, last.ExitCode, r.gates):
			r.tryStart(at, c, last)
		}
	}
	r.maybeKillPod(at)
}

// defaultWaiting is the waiting state of a container the kubelet has no
// runtime status for: ContainerCreating, or PodInitializing in a pod with
// init containers (rule P14).
func (r *Runner) defaultWaiting() *corev1.ContainerStateWaiting {
	if r.nInit > 0 {
		return &corev1.ContainerStateWaiting{Reason: "PodInitializing"}
	}
	return &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
}

// NextAt returns when the next action is due: a container start, exit,
// probe, a kubelet sync, or the pod worker's requeue while a container is
// in back-off. ok is false when nothing will
// happen until the caller acts (or after a Step failed).
func (r *Runner) NextAt() (at time.Time, ok bool) {
	if r.err != nil {
		return time.Time{}, false
	}
	at, act, _ := r.next()
	return at, act != actNone
}

// Step performs the action NextAt names, exactly as Simulate does, and
// returns the events it produced, in order, all at that instant. It is an
// error to step when nothing is due. A Step that fails — a script's
// unknown Outcome, a negative StartDelay, an instant too far from the
// admission for a time.Duration — stops the Runner: NextAt then reports
// nothing due, and Step and Terminate return the same error.
func (r *Runner) Step() ([]Event, error) {
	if r.err != nil {
		return nil, r.err
	}
	at, act, c := r.next()
	if act == actNone {
		return nil, fmt.Errorf("probe: step of pod %q: nothing is due", r.pod.Name)
	}
	r.events, r.hasCached = nil, false
	if err := r.do(at, act, c); err != nil {
		r.err, r.events = err, nil
		return nil, err
	}
	r.now = at
	events := r.events
	r.events = nil
	return events, nil
}

// Status is the pod status the kubelet would write at now: the container
// statuses, the phase (rule P15) and the conditions (rule P16), whose
// lastTransitionTimes carry over from the last change Step or Terminate
// made. The first call at the instant of the last Step or Terminate
// takes the status that step already built; nothing else changes.
//
// Once Done, it is the terminal status the kubelet writes before the pod
// object is deleted (rule P15.3): the phase is derived as for a terminal
// pod — Succeeded when every container's last instance exited 0, else
// Failed — the sandbox is gone (PodReadyToStartContainers False), and, as
// the kubelet's status manager does when it terminates a pod, a container
// that never ran is reported terminated with reason ContainerStatusUnknown
// and exit code 137 and a phase still Pending or Running becomes Failed.
func (r *Runner) Status(now time.Time) corev1.PodStatus {
	st := r.SharedStatus(now)
	st.Conditions = slices.Clone(st.Conditions)
	return st
}

// SharedStatus is Status without a copy of the conditions: the returned
// status's Conditions may be shared with the Runner and with statuses
// returned before, and must not be modified (a caller replaces the list,
// never changes it). The rest of the status is the caller's, as
// Status's is.
func (r *Runner) SharedStatus(now time.Time) corev1.PodStatus {
	if r.hasCached && now.Equal(r.cachedAt) {
		st := r.cached
		r.cached, r.hasCached = corev1.PodStatus{}, false // handed over: the caller may change it
		return st
	}
	return r.status(now)
}

// conditionsEqual reports whether two condition lists are the same,
// field by field.
func conditionsEqual(a, b []corev1.PodCondition) bool {
	return slices.EqualFunc(a, b, func(x, y corev1.PodCondition) bool {
		return x.Type == y.Type && x.Status == y.Status && x.ObservedGeneration == y.ObservedGeneration &&
			x.LastProbeTime.Equal(&y.LastProbeTime) && x.LastTransitionTime.Equal(&y.LastTransitionTime) &&
			x.Reason == y.Reason && x.Message == y.Message
	})
}

// remember makes st, computed at at from the current state, the pod's
// conditions (so that their transition times carry over) and the status
// the next Status at at returns.
func (r *Runner) remember(at time.Time, st corev1.PodStatus) {
	r.podStatus.Conditions = st.Conditions
	r.cached, r.hasCached, r.cachedAt = st, true, at
}

// Terminate is the pod's deletion: it got a deletionTimestamp at at, with
// the grace period grace (rules P6 step 7, P12.1, §17): liveness and
// startup probes stop, readiness probes go on while containers run;
// pending starts and back-off retries are cancelled and no container is
// started again, whatever the restart policy; every running container is
// stopped with a Killing event "Stopping container <name>" — SIGTERM,
// to which its Script.Stop reacts, and SIGKILL (exit code 137) at the end
// of the grace period; sidecars wait for their turn (rule P19.6). The
// events come from the Step at at. A pod none of
// whose containers runs (never started, or exited and waiting to restart)
// is Done at once.
//
// As the kubelet does, the pod worker raises a grace period under 1 s to
// 1 s and each container gets at least MinimumGracePeriod (rule P9.5). A
// later Terminate may only shorten the grace period (RS-9.1): a longer or
// equal one changes nothing; a shorter one stops the running containers
// again from its at — MODEL: each exits at the earlier of the two
// outcomes.
//
// It is an error to terminate at an instant already processed, or after
// an action that is still due.
func (r *Runner) Terminate(at time.Time, grace time.Duration) error {
	if r.err != nil {
		return r.err
	}
	if at.Before(r.now) {
		return fmt.Errorf("probe: terminate pod %q at %s: before %s, already processed", r.pod.Name, at.Format(time.RFC3339Nano), r.now.Format(time.RFC3339Nano))
	}
	if next, ok := r.NextAt(); ok && next.Before(at) {
		return fmt.Errorf("probe: terminate pod %q at %s: passes over the action due at %s", r.pod.Name, at.Format(time.RFC3339Nano), next.Format(time.RFC3339Nano))
	}
	if d := at.Sub(r.start); d == math.MaxInt64 || d == math.MinInt64 {
		return fmt.Errorf("probe: terminate pod %q at %s: too far from its admission %s", r.pod.Name, at.Format(time.RFC3339Nano), r.start.Format(time.RFC3339Nano))
	}
	r.now, r.cached, r.hasCached = at, corev1.PodStatus{}, false
	grace = max(grace, time.Second) // calculateEffectiveGracePeriod
	if r.terminating && grace >= r.grace {
		return nil
	}
	if !r.terminating {
		for _, c := range r.cs {
			if c.init {
				// StopLivenessAndStartup stops the regular containers'
				// workers only: a sidecar's go on (rule P19.6).
				continue
			}
			// Cannot fail: at is in range, not before any machine's last
			// instant and not past a due probe.
			if err := c.m.Delete(at); err != nil {
				r.err = err
				return err
			}
		}
	}
	r.terminating, r.grace = true, grace
	ts := metav1.NewTime(at.Add(grace))
	secs := int64(grace / time.Second)
	r.deletion, r.deletionGrace = &ts, &secs
	r.stopAll(at, grace, func(e Event) { r.syncEvents = append(r.syncEvents, e) })
	if len(r.syncEvents) > 0 {
		r.syncing, r.syncAt = true, at
	}
	// The status changed (states, maybe the phase): conditions that moved
	// move at at.
	r.remember(at, r.status(at))
	return nil
}

// stopAll stops the pod's containers from at with the grace period grace
// (a deletion's, or the pod's own when the kubelet kills it): nothing is
// started again, every running container gets its Killing event (through
// emit) and SIGTERM, and SIGKILL at the end of the grace period (at least
// MinimumGracePeriod) — except sidecars, which wait for their turn (rule
// P19.6).
func (r *Runner) stopAll(at time.Time, grace time.Duration, emit func(Event)) {
	r.resyncing, r.resetting, r.reinit = false, false, false
	if r.stopAt.IsZero() || at.Add(grace).Before(r.stopAt.Add(r.stopGrace)) {
		// A second stop keeps the earlier end (MODEL, as for the
		// containers already signalled).
		r.stopAt, r.stopGrace = at, grace
	}
	kill := max(grace, MinimumGracePeriod)
	for _, c := range r.cs {
		c.starting, c.backingOff, c.killRetry = false, false, false
		if c.lastFinished() != nil {
			// Not restarted any more, the container shows its last exit,
			// not CrashLoopBackOff (rule P12.1).
			c.waiting = nil
		}
		if !c.running {
			continue
		}
		c.killing = true
		emit(Event{At: at.Sub(r.start), Container: c.spec.Name, Reason: "Killing",
			Message: "Stopping container " + c.spec.Name + " (grace period " + kill.String() + ")", RestartCount: c.restarts})
		if c.sidecar {
			if t := at.Add(grace); !c.turn || t.Before(c.turnBy) {
				c.turn, c.turnBy = true, t
			}
			continue
		}
		c.stop(at, kill)
	}
	r.takeTurns(at)
}

// takeTurns stops, last first, each sidecar waiting for its turn whose
// turn has come (rule P19.6; kuberuntime_termination_order.go): no
// regular container runs and no sidecar after it in the spec runs, or
// the grace period it would wait has passed. Its grace period is what
// remains of the pod's, whole seconds waited taken off, at least
// MinimumGracePeriod.
func (r *Runner) takeTurns(at time.Time) {
	for i := r.nInit - 1; i >= 0; i-- {
		c := r.cs[i]
		if !c.turn {
			continue
		}
		if !c.running {
			c.turn = false
			continue
		}
		if at.Before(c.turnBy) && r.waitsForOthers(c) {
			continue
		}
		c.turn = false
		waited := at.Sub(r.stopAt).Truncate(time.Second)
		c.stop(at, max(r.stopGrace-waited, MinimumGracePeriod))
	}
}

// waitsForOthers reports whether sidecar c must still wait before it is
// stopped: a regular container or a later sidecar runs.
func (r *Runner) waitsForOthers(c *simContainer) bool {
	for _, o := range r.cs[r.nInit:] {
		if o.running {
			return true
		}
	}
	for _, o := range r.cs[c.index+1 : r.nInit] {
		if o.sidecar && o.running {
			return true
		}
	}
	return false
}

// killPod is the kubelet killing the pod without a deletion (rule
// P19.5): a regular init container failed and will not be restarted, or
// no regular container runs or will start again. The containers still
// running — sidecars, in the order of rule P19.6 — are stopped with the
// pod's terminationGracePeriodSeconds; nothing is started again; once
// none runs the sandbox is gone and the phase is terminal.
func (r *Runner) killPod(at time.Time) {
	if r.killed || r.terminating {
		return
	}
	r.killed = true
	grace := 30 * time.Second
	if g := r.pod.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = time.Duration(max(*g, 0)) * time.Second
	}
	r.stopAll(at, grace, func(e Event) { r.events = append(r.events, e) })
}

// maybeKillPod kills the pod when, its initialization done, no regular
// container runs, is being started or waits to restart (rule P19.5;
// computePodActions: nothing to keep, nothing to start).
func (r *Runner) maybeKillPod(at time.Time) {
	if !r.mainStarted || r.killed || r.terminating {
		return
	}
	for _, c := range r.cs[r.nInit:] {
		if c.running || c.starting || c.backingOff {
			return
		}
	}
	r.killPod(at)
}

// SetConditions tells the kubelet, at at, the pod's conditions as the API
// now has them (rule P16.7): those the kubelet does not own — a readiness
// gate's condition a client set through the status subresource,
// DisruptionTarget — replace the ones it had, its own are ignored, and
// the Ready condition is derived again from them, so a pod with
// readinessGates is Ready only once each gate's condition is True. It
// returns the events of the change (a PodReady event when Ready changed).
// conds is not modified. The time rules are Terminate's.
func (r *Runner) SetConditions(at time.Time, conds []corev1.PodCondition) ([]Event, error) {
	if r.err != nil {
		return nil, r.err
	}
	if at.Before(r.now) {
		return nil, fmt.Errorf("probe: set conditions of pod %q at %s: before %s, already processed", r.pod.Name, at.Format(time.RFC3339Nano), r.now.Format(time.RFC3339Nano))
	}
	if next, ok := r.NextAt(); ok && next.Before(at) {
		return nil, fmt.Errorf("probe: set conditions of pod %q at %s: passes over the action due at %s", r.pod.Name, at.Format(time.RFC3339Nano), next.Format(time.RFC3339Nano))
	}
	if d := at.Sub(r.start); d == math.MaxInt64 || d == math.MinInt64 {
		return nil, fmt.Errorf("probe: set conditions of pod %q at %s: too far from its admission %s", r.pod.Name, at.Format(time.RFC3339Nano), r.start.Format(time.RFC3339Nano))
	}
	var merged []corev1.PodCondition
	for _, c := range conds {
		if !kubeletOwned(c.Type, r.gates) {
			merged = append(merged, *c.DeepCopy())
		}
	}
	for _, c := range r.podStatus.Conditions {
		if kubeletOwned(c.Type, r.gates) {
			merged = append(merged, c)
		}
	}
	r.now, r.cached, r.hasCached = at, corev1.PodStatus{}, false
	r.podStatus.Conditions = merged
	r.events = nil
	r.notePodReady(at)
	events := r.events
	r.events = nil
	return events, nil
}

// Done reports whether the pod was terminated and none of its containers
// runs any more: the kubelet has written the terminal status (see Status)
// and the pod object may be deleted.
func (r *Runner) Done() bool {
	return r.terminating && r.over()
}

// Killed reports whether the kubelet killed the pod without a deletion
// (rule P19.5) and none of its containers runs any more: its phase is
// terminal and nothing will run again.
func (r *Runner) Killed() bool {
	return r.killed && r.over()
}

// over reports whether the pod is being stopped, by a deletion or a
// kill, and none of its containers runs any more.
func (r *Runner) over() bool {
	if !r.terminating && !r.killed {
		return false
	}
	for _, c := range r.cs {
		if c.running {
			return false
		}
	}
	return true
}

type action uint8

// Actions at one instant run in this order (MODEL): a kubelet sync (the
// admission, a Terminate), then exits, a sidecar's turn to stop, starts,
// the pod worker's requeue, probes.
const (
	actSync action = iota
	actExit
	actTurn
	actStart
	actResync
	actProbe
	actNone
)

// next finds the earliest action: by time, then action, then container.
func (r *Runner) next() (time.Time, action, *simContainer) {
	var at time.Time
	act, which := actNone, (*simContainer)(nil)
	consider := func(t time.Time, a action, c *simContainer) {
		if act == actNone || t.Before(at) || (t.Equal(at) && a < act) {
			at, act, which = t, a, c
		}
	}
	if r.syncing {
		consider(r.syncAt, actSync, nil)
	}
	if r.resyncing {
		consider(r.resyncAt, actResync, nil)
	}
	if r.reinit {
		consider(r.reinitAt, actResync, nil)
	}
	for _, c := range r.cs {
		if c.exiting {
			consider(c.exitAt, actExit, c)
		}
		if c.turn {
			consider(c.turnBy, actTurn, c)
		}
		if c.starting {
			consider(c.startAt, actStart, c)
		}
		if t, _, ok := c.m.NextAt(); ok {
			consider(t, actProbe, c)
		}
	}
	return at, act, which
}

func (r *Runner) emit(at time.Time, c *simContainer, reason, msg string) {
	r.events = append(r.events, Event{At: at.Sub(r.start), Container: c.spec.Name, Reason: reason, Message: msg, RestartCount: c.restarts})
}

func (r *Runner) do(at time.Time, act action, c *simContainer) error {
	var err error
	switch act {
	case actSync:
		r.syncing = false
		r.events = append(r.events, r.syncEvents...)
		r.syncEvents = nil
		for _, c := range r.cs {
			r.noteContainerReady(at, c)
		}
		r.notePodReady(at)
		return nil
	case actExit:
		err = r.exit(at, c)
	case actTurn:
		r.takeTurns(at)
	case actStart:
		err = r.startContainer(at, c)
	case actResync:
		if r.reinit && !r.reinitAt.After(at) {
			r.reinitialize(at)
			r.notePodReady(at)
			return nil
		}
		r.resyncing = false
		r.resync(at, nil)
		r.notePodReady(at)
		return nil
	case actProbe:
		err = r.probe(at, c)
	}
	if err != nil {
		return err
	}
	r.noteReady(at, c)
	return nil
}

// noteReady reports a change of the container's ready field, and of the
// pod's Ready condition with the Service endpoint it makes (rule P18.2).
func (r *Runner) noteReady(at time.Time, c *simContainer) {
	r.noteContainerReady(at, c)
	r.notePodReady(at)
}

func (r *Runner) noteContainerReady(at time.Time, c *simContainer) {
	if rd := c.readyField(); rd != c.ready {
		c.ready = rd
		if rd {
			r.emit(at, c, "Ready", "container is ready")
		} else {
			r.emit(at, c, "NotReady", "container is not ready")
		}
	}
}

// notePodReady regenerates the pod's status at at, so that its
// conditions' transition times carry over, and reports a change of its
// Ready condition.
func (r *Runner) notePodReady(at time.Time) {
	st := r.status(at)
	r.remember(at, st)
	cond, _ := condition(st.Conditions, corev1.PodReady)
	if cond.Status == r.podReady {
		return
	}
	pod := &corev1.Pod{ObjectMeta: r.pod.ObjectMeta, Spec: r.pod.Spec, Status: st} // read only
	r.deleted(pod)
	r.podReady = cond.Status
	// one concatenation: the parts are constants or the condition's
	var reason, sep, message, closing string
	if cond.Reason != "" {
		reason, sep, message, closing = " ("+cond.Reason, ": ", cond.Message, ")"
	}
	endpoint, terminating := "; no Service endpoint (no pod IP)", ""
	if e := EndpointOf(pod, false); e.Included {
		endpoint = "; Service endpoint ready=" + strconv.FormatBool(e.Ready) + " serving=" + strconv.FormatBool(e.Serving)
		if e.Terminating {
			terminating = " terminating=true"
		}
	}
	msg := "pod Ready=" + string(cond.Status) + reason + sep + message + closing + endpoint + terminating
	r.events = append(r.events, Event{At: at.Sub(r.start), Container: "(pod)", Reason: "PodReady", Message: msg})
}

// readyField is the container status' ready field (rule P10.1): the
// probe machine's, but for a regular init container, which is ready once
// it completed with exit code 0.
func (c *simContainer) readyField() bool {
	if c.init && !c.sidecar {
		last := c.lastFinished()
		return !c.running && c.waiting == nil && last != nil && last.ExitCode == 0
	}
	return c.m.Ready()
}

func (c *simContainer) lastFinished() *corev1.ContainerStateTerminated {
	if len(c.finished) == 0 {
		return nil
	}
	return &c.finished[len(c.finished)-1]
}

func (r *Runner) startContainer(at time.Time, c *simContainer) error {
	c.starting = false
	if err := c.m.Start(at); err != nil {
		return err
	}
	c.running, c.startedAt, c.waiting, c.removed = true, at, nil, nil
	c.restarts = int32(c.m.Instance() - 1) // rule P13.8
	if !c.init {
		r.initialized = true
	}
	r.emit(at, c, "Started", "Started container "+c.spec.Name+" (instance "+strconv.Itoa(c.m.Instance())+", restartCount "+strconv.Itoa(int(c.restarts))+")")
	// The runtime's start event makes the kubelet sync the pod (rule
	// P13.11).
	r.resync(at, c)
	switch {
	case c.script.Exit != nil:
		if after, code, ok := c.script.Exit(c.m.Instance()); ok {
			c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, at.Add(max(after, 0)), code, "exited by itself"
		}
	case c.init && !c.sidecar:
		// A regular init container without a script completes at once.
		c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, at, 0, "exited by itself"
	}
	if c.sidecar && c.m.Started() {
		// A sidecar without a startup probe is started at once: the sync
		// its start causes starts the next container (rule P19.2).
		r.initProgress(at, c)
	}
	return nil
}

// initProgress is the kubelet's sync after init container c is
// initialized — a regular one completed, a sidecar started (rules P19.1,
// P19.2): the first time, the next init container is started, or after
// the last one every regular container. A sidecar started again after a
// restart starts nothing.
func (r *Runner) initProgress(at time.Time, c *simContainer) {
	if c.initDone || r.terminating || r.killed {
		return
	}
	c.initDone = true
	if next := c.index + 1; next < r.nInit {
		r.tryStart(at, r.cs[next], nil)
		return
	}
	r.mainStarted = true
	for _, m := range r.cs[r.nInit:] {
		r.tryStart(at, m, nil)
	}
}

func (r *Runner) probe(at time.Time, c *simContainer) error {
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
	r.emit(at, c, "Probe", msg)
	// A changed startup or readiness result, or a liveness Failure, makes
	// the kubelet sync the pod (kubelet.go syncLoopIteration, rule P13.11).
	if st.CachedChanged && (k != Liveness || st.Cached == Failure) {
		defer r.resync(at, nil)
	}
	if st.StartedChanged {
		r.emit(at, c, "Probe", "Startup probe succeeded: container started")
		if c.sidecar && c.m.Started() {
			r.initProgress(at, c)
		}
	}
	if !st.Kill.Needed || c.killing || r.terminating || r.killed {
		// A pod being stopped has no sync to kill from (a sidecar's
		// liveness probe goes on; rule P19.6).
		return nil
	}
	view := r.view(r.podStatus)
	grace := KillGracePeriod(&view, c.spec, st.Kill.Kind)
	c.killing, c.killRetry = true, st.Kill.Restart
	c.lastKill = killNote{instance: c.m.Instance(), kind: st.Kill.Kind, at: at, run: st.Run, threshold: st.Threshold, restart: st.Kill.Restart, grace: grace}
	r.emit(at, c, "Killing", fmt.Sprintf("%s (grace period %s)", st.Kill.Message, grace))
	c.stop(at, grace)
	return nil
}

// stop sends the running instance SIGTERM at at and SIGKILL at at+grace
// (rule P9.5): it exits when its Script.Stop says, if that is before the
// SIGKILL, else with 137 at the SIGKILL; an exit already due earlier
// stands.
func (c *simContainer) stop(at time.Time, grace time.Duration) {
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
}

func (r *Runner) exit(at time.Time, c *simContainer) error {
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
	c.lastWhy, c.exitKill = c.exitWhy, killNote{}
	if killed && c.lastKill.instance == c.m.Instance() {
		c.exitKill = c.lastKill
	}
	r.emit(at, c, "Exited", "exit code "+strconv.Itoa(int(c.exitCode))+", "+c.exitWhy)
	r.noteReady(at, c)
	switch {
	case r.terminating, r.killed:
		// A pod with a deletionTimestamp, or killed, restarts nothing
		// (rules P12.1, P19.5); a sidecar waiting for this exit may stop.
		r.takeTurns(at)
		return nil
	case r.resetting:
		// Killed for a restart of all containers: the next one.
		r.resetNext(at)
		return nil
	case !killed && RestartsAllContainers(c.spec, c.exitCode, r.gates):
		r.startReset(at)
		return nil
	case killed && restartAfterKill:
		r.tryStart(at, c, prev)
	case killed:
		// A probe kill under restartPolicy Never: the container stays
		// terminated (rule P9.3).
	case c.sidecar:
		// A sidecar is always restarted (rule P12.2).
		r.tryStart(at, c, c.lastFinished())
	case c.init && c.exitCode == 0:
		r.initProgress(at, c)
	case c.init:
		if !r.initRestarts(c, c.exitCode) {
			// The pod fails (rule P19.3).
			r.killPod(at)
			return nil
		}
		r.tryStart(at, c, c.lastFinished())
	case ShouldRestartWith(c.spec, r.pod.Spec.RestartPolicy, c.exitCode, r.gates):
		r.tryStart(at, c, c.lastFinished())
	}
	// The exit is a runtime event: the kubelet syncs the pod (rule
	// P13.11).
	r.resync(at, c)
	if !c.init {
		r.maybeKillPod(at)
	}
	return nil
}

// startReset begins the restart of every container of the pod that a
// container's exit triggered (rule P12.4; kuberuntime_manager.go
// computePodActions and SyncPod, ContainersToReset): pending starts and
// back-offs are dropped, and the running containers are killed one after
// the other — the regular ones, then the init containers, each in spec
// order — each with a grace period of 0, which the kubelet raises to
// MinimumGracePeriod.
func (r *Runner) startReset(at time.Time) {
	r.resetting, r.resyncing = true, false
	r.resetQueue = r.resetQueue[:0]
	for _, c := range append(slices.Clone(r.cs[r.nInit:]), r.cs[:r.nInit]...) {
		c.starting, c.backingOff, c.killRetry = false, false, false
		if c.running {
			r.resetQueue = append(r.resetQueue, c)
		}
	}
	r.resetNext(at)
}

// resetNext kills the next container of a restart of all containers, or,
// none left, finishes it: every container that had run is removed — it
// waits with reason RestartingAllContainers, its last state a
// RestartingAllContainers termination with exit code 137, its restart
// count one more — and the pod initializes again from its first init
// container, no back-off applying to containers the runtime no longer
// has (rule P12.4; kubelet_pods.go convertToAPIContainerStatuses).
func (r *Runner) resetNext(at time.Time) {
	for len(r.resetQueue) > 0 {
		c := r.resetQueue[0]
		r.resetQueue = r.resetQueue[1:]
		if !c.running {
			continue
		}
		c.killing = true
		r.emit(at, c, "Killing", fmt.Sprintf("killing (grace period %s)", MinimumGracePeriod))
		c.stop(at, MinimumGracePeriod)
		return
	}
	const msg = "The container is removed because RestartAllContainers in place"
	for _, c := range r.cs {
		switch {
		case c.waiting == nil && c.lastFinished() != nil:
			// It had run and was not waiting.
			c.removed = &corev1.ContainerStateTerminated{Reason: ReasonRestartingAllContainers, Message: msg, ExitCode: 137}
			c.waiting = &corev1.ContainerStateWaiting{Reason: ReasonRestartingAllContainers, Message: msg}
			c.restarts = int32(c.m.Instance())
		case c.waiting != nil:
			// Waiting (a back-off): back to the default state, its last
			// state gone with the runtime's record.
			c.waiting, c.removed = r.defaultWaiting(), nil
		}
		c.finished, c.initDone = nil, false
	}
	r.resetting, r.mainStarted, r.initialized = false, false, false
	// MODEL: the requeued sync that starts the pod again comes one sync
	// loop period later (upstream: at once, and starting a container takes
	// real time), so that containers that exit at once with such a rule
	// cannot loop within one instant.
	r.reinit, r.reinitAt = true, at.Add(ResetRequeue)
}

// ResetRequeue is how long after a restart of all containers removed
// them the pod starts again (rule P12.4, MODEL): the kubelet's sync loop
// period.
const ResetRequeue = time.Second

// reinitialize starts the pod again after a restart of all containers:
// its first init container, else every regular container.
func (r *Runner) reinitialize(at time.Time) {
	r.reinit = false
	if r.nInit > 0 {
		r.tryStart(at, r.cs[0], nil)
		return
	}
	r.mainStarted = true
	for _, c := range r.cs {
		r.tryStart(at, c, nil)
	}
}

// initRestarts reports whether a regular init container that failed is
// started again (rule P19.3; computeInitContainerActions): per
// ShouldRestartWith with ContainerRestartRules on, else unless the pod's
// restartPolicy is Never.
func (r *Runner) initRestarts(c *simContainer, exitCode int32) bool {
	if r.gates.Enabled(features.ContainerRestartRules) {
		return ShouldRestartWith(c.spec, r.pod.Spec.RestartPolicy, exitCode, r.gates)
	}
	return r.pod.Spec.RestartPolicy != corev1.RestartPolicyNever
}

// resync is a kubelet sync of the pod at at (rule P13.11): every
// container waiting in CrashLoopBackOff, but skip, is decided again from
// its newest exited instance, and the pod worker's requeue is set to the
// earliest back-off expiry, at most ResyncInterval away.
func (r *Runner) resync(at time.Time, skip *simContainer) {
	for _, c := range r.cs {
		if c.backingOff && c != skip {
			r.tryStart(at, c, c.lastFinished())
		}
	}
	r.resyncing = false
	for _, c := range r.cs {
		if !c.backingOff {
			continue
		}
		d := min(max(c.backoffUntil.Sub(at), 0), ResyncInterval)
		if t := at.Add(d); !r.resyncing || t.Before(r.resyncAt) {
			r.resyncing, r.resyncAt = true, t
		}
	}
}

// housekeeping is the last housekeeping tick at or before now (rule
// P13.10), the zero time when there was none.
func (r *Runner) housekeeping(now time.Time) time.Time {
	if now.Before(r.kubeletStart) {
		return time.Time{}
	}
	d := now.Sub(r.kubeletStart)
	return r.kubeletStart.Add(d - d%HousekeepingPeriod)
}

// tryStart is the kubelet's attempt to start the container at now,
// working from the exited instance prev (rule P13.3).
func (r *Runner) tryStart(now time.Time, c *simContainer, prev *corev1.ContainerStateTerminated) {
	var finished time.Time
	if prev != nil {
		finished = prev.FinishedAt.Time
	}
	c.backoff.GC(r.housekeeping(now))
	ok, retryAt, delay := c.backoff.Check(now, finished, prev != nil)
	c.backingOff = false
	if ok {
		c.waiting = r.defaultWaiting()
		c.starting, c.startAt = true, now.Add(r.startDelay)
		return
	}
	msg := BackoffMessage(delay, c.spec.Name, r.pod.Name, r.pod.Namespace, string(r.pod.UID))
	c.waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: msg}
	r.emit(now, c, "BackOff", fmt.Sprintf("%s; retry at %ds", msg, int64(retryAt.Sub(r.start)/time.Second)))
	c.backingOff, c.backoffUntil = true, retryAt
}

// view is the pod as the Runner sees it, with status st: read only (its
// metadata and spec are shared).
func (r *Runner) view(st corev1.PodStatus) corev1.Pod {
	pod := corev1.Pod{TypeMeta: r.pod.TypeMeta, ObjectMeta: r.pod.ObjectMeta, Spec: r.pod.Spec, Status: st}
	r.deleted(&pod)
	return pod
}

// deleted gives a view of the pod the deletion Terminate made, if any.
func (r *Runner) deleted(pod *corev1.Pod) {
	if r.deletion != nil {
		pod.DeletionTimestamp, pod.DeletionGracePeriodSeconds = r.deletion, r.deletionGrace
	}
}

// status is the pod's status at now as the kubelet would write it.
func (r *Runner) status(now time.Time) corev1.PodStatus {
	// Phase and Conditions only read the pod: its metadata and spec may
	// be shared; the status is returned, so it is a copy.
	st := r.podStatus
	// Rebuilt below, not worth a copy: the container statuses, and the
	// conditions, which conditions() only reads before it returns new ones.
	st.ContainerStatuses, st.InitContainerStatuses, st.Conditions = nil, nil, nil
	pod := &corev1.Pod{ObjectMeta: r.pod.ObjectMeta, Spec: r.pod.Spec}
	r.deleted(pod)
	st.DeepCopyInto(&pod.Status)
	pod.Status.Conditions = r.podStatus.Conditions
	if n := len(r.cs) - r.nInit; n > 0 {
		pod.Status.ContainerStatuses = make([]corev1.ContainerStatus, 0, n)
	}
	if r.nInit > 0 {
		pod.Status.InitContainerStatuses = make([]corev1.ContainerStatus, 0, r.nInit)
	}
	for _, c := range r.cs {
		st := corev1.ContainerStatus{Name: c.spec.Name, Image: c.spec.Image, RestartCount: c.restarts, Ready: c.readyField()}
		started := c.m.Started()
		st.Started = &started
		if last := c.lastFinished(); last != nil {
			st.LastTerminationState.Terminated = last.DeepCopy()
		} else if c.removed != nil {
			st.LastTerminationState.Terminated = c.removed.DeepCopy()
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
		if c.init {
			pod.Status.InitContainerStatuses = append(pod.Status.InitContainerStatuses, st)
			continue
		}
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, st)
	}
	over := r.over()
	pod.Status.Phase = PhaseWith(pod, over, r.initialized, r.gates)
	// Built in a scratch list: the conditions mostly stay as they were,
	// and then the list they were in is kept (it is never modified, only
	// replaced), shared by every status that has them.
	var buf [8]corev1.PodCondition
	conds := appendConditions(buf[:0], pod, pod.Status.Phase, !over, r.resetting, now, r.gates)
	if old := r.podStatus.Conditions; len(old) > 0 && conditionsEqual(old, conds) {
		pod.Status.Conditions = old
	} else {
		pod.Status.Conditions = slices.Clone(conds)
	}
	if over {
		terminatePod(pod)
	}
	return pod.Status
}

// ReasonContainerStatusUnknown is the termination reason the kubelet
// gives a container it cannot account for when it terminates a pod.
const ReasonContainerStatusUnknown = "ContainerStatusUnknown"

// terminatePod is the status manager's last word on a pod whose
// containers are all stopped (upstream's TerminatePod, rule P15.3): once
// the pod has initialized, a container status not terminated becomes
// terminated with exit code 137; so does every init container status up
// to the last one that ever left the waiting state (the first at least);
// a phase still Pending or Running becomes Failed. The conditions are
// left as they are.
func terminatePod(pod *corev1.Pod) {
	unknown := func(st *corev1.ContainerStatus) {
		if st.State.Terminated != nil {
			return
		}
		st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			Reason:   ReasonContainerStatusUnknown,
			Message:  "The container could not be located when the pod was terminated",
			ExitCode: 137,
		}}
	}
	if podInitialized(pod) {
		for i := range pod.Status.ContainerStatuses {
			unknown(&pod.Status.ContainerStatuses[i])
		}
	}
	inits := pod.Status.InitContainerStatuses
	n := min(len(inits), 1)
	for i := len(inits) - 1; i >= 0; i-- {
		if inits[i].State.Waiting == nil || inits[i].LastTerminationState.Terminated != nil {
			n = i + 1
			break
		}
	}
	for i := range inits[:n] {
		unknown(&inits[i])
	}
	if pod.Status.Phase != corev1.PodSucceeded {
		pod.Status.Phase = corev1.PodFailed
	}
}

// podInitialized is the status manager's test whether a pod has ever
// initialized (status_manager.go hasPodInitialized): it has no init
// containers, a regular container left the waiting state, or the last
// init container completed with exit code 0 (a regular one) or runs
// started (a sidecar).
func podInitialized(pod *corev1.Pod) bool {
	if len(pod.Spec.InitContainers) == 0 {
		return true
	}
	for _, st := range pod.Status.ContainerStatuses {
		if st.LastTerminationState.Terminated != nil || st.State.Waiting == nil {
			return true
		}
	}
	n := len(pod.Status.InitContainerStatuses)
	if n == 0 || n > len(pod.Spec.InitContainers) {
		return false
	}
	last, st := &pod.Spec.InitContainers[n-1], &pod.Status.InitContainerStatuses[n-1]
	if last.Name != st.Name {
		return false
	}
	if isSidecar(last) {
		return st.State.Running != nil && st.Started != nil && *st.Started
	}
	for _, t := range []*corev1.ContainerStateTerminated{st.LastTerminationState.Terminated, st.State.Terminated} {
		if t != nil && t.ExitCode == 0 {
			return true
		}
	}
	return false
}

// Crash makes the running instance of a container exit at at with code
// (a crash its process did not plan: a segfault, an OOM kill with 137);
// the restart policy and back-off follow as for any exit. An exit already
// due earlier stands. A container that does not exist or is not running
// is an error; at before the runner's last step is clamped to it.
func (r *Runner) Crash(at time.Time, container string, code int32) error {
	for _, c := range r.cs {
		if c.spec.Name != container {
			continue
		}
		if !c.running {
			return fmt.Errorf("probe: container %s is not running", container)
		}
		if at.Before(r.now) {
			at = r.now
		}
		if !c.exiting || at.Before(c.exitAt) {
			c.exiting, c.exitAt, c.exitCode, c.exitWhy = true, at, code, "crashed"
		}
		return nil
	}
	return fmt.Errorf("probe: no container %s", container)
}
