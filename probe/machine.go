package probe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/features"
)

// Options are the inputs upstream leaves to timing or chance.
type Options struct {
	// Offset delays the first evaluation of each kind (indexed by Kind) by
	// a fixed duration, to reproduce a run of upstream's start jitter: a
	// worker created in the first period after the kubelet started sleeps
	// a random time in [0, period) first (rule P4.2). The default, no
	// offset, is a long-running kubelet. An offset outside [0, period) is
	// an error.
	Offset [numKinds]time.Duration
	// Sidecar marks a restartable init container: its probe kills always
	// restart it, and the message is "Init container <name> failed
	// liveness probe", without ", will be restarted" (rule P9.4).
	Sidecar bool
	// Gates are the kubelet's feature gates; nil is v1.37.2's defaults.
	// ContainerRestartRules decides whether the container's own
	// restartPolicy counts after a probe kill (rule P9.2).
	Gates features.Gates
}

// Machine is the kubelet's probe state for one container of one pod: its
// startup, readiness and liveness workers, the container instance they
// watch, and what the kubelet derives from them (started, ready, kills).
//
// A Machine only moves when told: the caller starts and stops container
// instances (Start, Exit), runs the probe NextAt names and reports its
// Outcome (Probe), and marks the pod deleted (Delete). Every call takes
// the time it happens at; calls must come in time order and must not skip
// a due probe. The zero Machine is not usable: use New.
//
// Internally every instant is a count of nanoseconds since the worker
// start (the epoch), and each worker caches its next due instant, so a
// step costs a few integer operations.
type Machine struct {
	name    string
	restart bool // whether a probe kill restarts (rule P9.2)
	sidecar bool
	epoch   time.Time
	w       [numKinds]worker

	instance    int // 1 for the first container instance; 0 before it
	running     bool
	startedAt   int64 // when the instance started
	startedSec  int64 // startedAt truncated to whole seconds (rule P4.4)
	started     bool
	startedTime int64 // when started became true
	ready       bool
	deleting    bool
	now         int64 // the last instant processed
	// adoptedReady is the ready field of an adopted container while its
	// readiness probe has no result (rule P5.4).
	adoptedReady bool
}

// worker is one probe's state, upstream's prober worker (rule P6).
type worker struct {
	on        bool
	period    int64
	delay     int64 // initialDelaySeconds, negative read as 0
	successT  int32
	failureT  int32
	base      int64 // the phase of the ticker: worker start + offset
	evaluated bool
	lastEval  int64
	// next caches due(); valid says whether it is up to date.
	next   int64
	nextOK bool
	valid  bool
	// lastResult and run carry over to new container instances (P11.1).
	lastResult Result
	run        int32
	hold       bool
	cached     Result
	// none: no result cached for the instance yet — a restarted kubelet
	// adopting a container that ran before it (rule P5.4).
	none bool
}

// New builds the probe state of container c of a pod with the given
// restart policy, whose probe workers start at workerStart (the instant
// the kubelet admits the pod; rule P4.6). Probes are defaulted and
// validated first; an invalid probe is an error with upstream's texts.
func New(c *corev1.Container, restartPolicy corev1.RestartPolicy, workerStart time.Time, opts Options) (*Machine, error) {
	if c == nil {
		return nil, fmt.Errorf("probe: nil container")
	}
	m := &Machine{name: c.Name, sidecar: opts.Sidecar, epoch: workerStart}
	m.restart = opts.Sidecar || RestartsAfterKillWith(c, restartPolicy, opts.Gates)
	probes := [numKinds]*corev1.Probe{Startup: Default(c.StartupProbe), Readiness: Default(c.ReadinessProbe), Liveness: Default(c.LivenessProbe)}
	var errs field.ErrorList
	var path *field.Path // built for the first probe
	for k, p := range probes {
		if p == nil {
			continue
		}
		if path == nil {
			path = field.NewPath("spec", "containers").Key(c.Name)
		}
		kind := Kind(k)
		errs = append(errs, Validate(kind, p, path.Child(probeField[kind]))...)
		off := opts.Offset[k]
		period := time.Duration(p.PeriodSeconds) * time.Second
		if off < 0 || off >= period {
			errs = append(errs, field.Invalid(field.NewPath("options", "offset").Key(kind.String()), off.String(), fmt.Sprintf("must be in [0, %s)", period)))
		}
		m.w[k] = worker{
			on:       true,
			period:   int64(period),
			delay:    int64(max(p.InitialDelaySeconds, 0)) * int64(time.Second),
			successT: p.SuccessThreshold,
			failureT: p.FailureThreshold,
			base:     int64(off),
			cached:   kind.initial(),
		}
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return m, nil
}

// JitterOffsets draws the start jitter upstream gives the probe workers
// of a pod admitted within one period of the kubelet's start (rule P4.2):
// for each probe of c, in the order startup, readiness, liveness, a
// uniform offset in [0, periodSeconds), from a PCG generator seeded with
// seed — the same seed gives the same offsets. Put them in
// Options.Offset to model a freshly started kubelet; without them the
// model is a long-running kubelet, which adds no jitter.
func JitterOffsets(c *corev1.Container, seed uint64) [numKinds]time.Duration {
	var out [numKinds]time.Duration
	if c == nil {
		return out
	}
	r := rand.New(rand.NewPCG(seed, 0))
	for k, p := range [numKinds]*corev1.Probe{Startup: c.StartupProbe, Readiness: c.ReadinessProbe, Liveness: c.LivenessProbe} {
		if p = Default(p); p == nil || p.PeriodSeconds <= 0 {
			continue
		}
		period := time.Duration(p.PeriodSeconds) * time.Second
		out[k] = min(time.Duration(r.Float64()*float64(period)), period-1)
	}
	return out
}

var probeField = [numKinds]string{Startup: "startupProbe", Readiness: "readinessProbe", Liveness: "livenessProbe"}

// Has reports whether the container has a probe of kind k.
func (m *Machine) Has(k Kind) bool { return k < numKinds && m.w[k].on }

// Running reports whether a container instance is running.
func (m *Machine) Running() bool { return m.running }

// Instance is the number of the current (or last) container instance: 1
// for the first, 0 before any started.
func (m *Machine) Instance() int { return m.instance }

// Started is the container status' started field (rule P8.1): running,
// and its startup probe has succeeded or it has none.
func (m *Machine) Started() bool { return m.started }

// Ready is the container status' ready field (rule P10.1): running,
// started, and its readiness probe's cached result is Success or it has
// none.
func (m *Machine) Ready() bool { return m.ready }

// Cached is the cached result of probe k for the current instance: the
// kind's initial value until a run reaches its threshold (rule P5.1);
// Unknown while an adopted container's probe has no result (rule P5.4).
func (m *Machine) Cached(k Kind) Result {
	if k >= numKinds || m.w[k].none {
		return Unknown
	}
	return m.w[k].cached
}

// HasResult reports whether probe k has a cached result for the current
// instance: false only for an adopted container before its probe reached
// a threshold (rule P5.4), and for a container without that probe.
func (m *Machine) HasResult(k Kind) bool {
	return k < numKinds && m.w[k].on && !m.w[k].none
}

// Run is probe k's count of consecutive identical results.
func (m *Machine) Run(k Kind) int {
	if k >= numKinds {
		return 0
	}
	return int(m.w[k].run)
}

// Now is the last instant the machine processed.
func (m *Machine) Now() time.Time { return m.epoch.Add(time.Duration(m.now)) }

// offset converts an instant to nanoseconds since the epoch; ok is false
// when it lies too far from the epoch for a time.Duration.
func (m *Machine) offset(t time.Time) (int64, bool) {
	d := t.Sub(m.epoch)
	return int64(d), d != math.MaxInt64 && d != math.MinInt64
}

// NextAt returns the next probe due: its time and kind. Between two
// instants nothing is due; at one instant kinds come in the order Startup,
// Readiness, Liveness (rule P4.6). ok is false when no probe will run
// until something else happens (no container running, every probe on
// hold, gated or stopped).
func (m *Machine) NextAt() (at time.Time, k Kind, ok bool) {
	t, k, ok := m.nextAt()
	if !ok {
		return time.Time{}, 0, false
	}
	return m.epoch.Add(time.Duration(t)), k, true
}

func (m *Machine) nextAt() (at int64, k Kind, ok bool) {
	for kind := Startup; kind < numKinds; kind++ {
		w := &m.w[kind]
		if !w.valid {
			w.next, w.nextOK = m.due(kind)
			w.valid = true
		}
		if w.nextOK && (!ok || w.next < at) {
			at, k, ok = w.next, kind, true
		}
	}
	return at, k, ok
}

// invalidate drops every worker's cached next instant.
func (m *Machine) invalidate() {
	for k := range m.w {
		m.w[k].valid = false
	}
}

// due computes the first tick at which worker k will execute its probe,
// jumping over the ticks at which it would only skip (rule P6 steps 5–9).
func (m *Machine) due(k Kind) (int64, bool) {
	w := &m.w[k]
	if !w.on || !m.running || w.hold {
		return 0, false
	}
	if m.deleting && k != Readiness { // rule P6 step 7
		return 0, false
	}
	// Not before the container is visible — MODEL: a container started at
	// t is in the kubelet's status cache only after t — nor before the
	// initial delay measured from its start time truncated to seconds
	// (rule P4.4).
	lower, ok := addSat(m.startedAt, 1)
	if d, dok := addSat(m.startedSec, w.delay); dok && d > lower {
		lower = d
	} else if !dok {
		ok = false
	}
	if w.evaluated {
		if e, eok := addSat(w.lastEval, 1); eok && e > lower {
			lower = e
		}
	}
	switch {
	case k == Startup && m.started: // rule P6 step 9
		return 0, false
	case k != Startup && !m.started:
		return 0, false
	case k != Startup && m.w[Startup].on:
		// A startup success is seen by the other workers from the next
		// instant on (rule P4.6).
		if s, sok := addSat(m.startedTime, 1); sok && s > lower {
			lower = s
		}
	}
	if !ok {
		return 0, false
	}
	return nextTick(w.base, w.period, lower)
}

// addSat adds b to a; ok is false when the sum overflows int64.
func addSat(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// nextTick is the first base + j·period at or after lower, j ≥ 0; ok is
// false when it lies beyond what int64 nanoseconds can hold.
func nextTick(base, period, lower int64) (int64, bool) {
	if lower <= base {
		return base, true
	}
	if period <= 0 {
		return 0, false
	}
	d, ok := addSat(lower, -base)
	if !ok {
		return 0, false
	}
	j := d / period
	if d%period != 0 {
		j++
	}
	if j > math.MaxInt64/period {
		return 0, false
	}
	return addSat(base, j*period)
}

// Step is what one probe execution changed.
type Step struct {
	Kind    Kind
	At      time.Time
	Outcome Outcome
	// Counted is false for an errored execution, which changes nothing.
	Counted bool
	// Run is the count of consecutive identical results including this
	// one (a liveness or startup result that reaches its threshold then
	// resets the count to 0; Machine.Run shows that), and Threshold the
	// count needed for this result to be cached.
	Run, Threshold int32
	// Cached is the probe's cached result afterwards; CachedChanged tells
	// whether this execution changed it (upstream emits an update only
	// then, rule P3.3).
	Cached        Result
	CachedChanged bool
	// StartedChanged and ReadyChanged tell whether the container's
	// started and ready fields changed; Machine.Started and Ready give
	// the new values.
	StartedChanged, ReadyChanged bool
	// Kill is set when the result makes the kubelet kill the container.
	Kill Kill
}

// Kill is the kubelet's decision to kill a container because a probe
// failed (rule P9.1).
type Kill struct {
	// Needed is false when there is nothing to kill.
	Needed bool
	// Kind is the probe that failed: Liveness or Startup.
	Kind Kind
	// Reason is upstream's short reason: "liveness probe" or
	// "startup probe".
	Reason string
	// Message is the Killing event's message, e.g. "Container liveness
	// failed liveness probe, will be restarted".
	Message string
	// Restart says whether the kubelet starts the container again once
	// the kill completes (rule P9.2; subject to CrashLoopBackOff).
	Restart bool
}

// Probe records the outcome of the probe NextAt names, executed at that
// instant, and returns what it changed (rule P6 steps 10–14). It is an
// error to report a probe that is not the one due.
func (m *Machine) Probe(at time.Time, k Kind, o Outcome) (Step, error) {
	due, dk, ok := m.nextAt()
	off, inRange := m.offset(at)
	if !ok || !inRange || off != due || dk != k {
		return Step{}, m.notDue(at, k, m.epoch.Add(time.Duration(due)), dk, ok)
	}
	if o > OutcomeError {
		return Step{}, fmt.Errorf("probe: unknown outcome %d", o)
	}
	m.now = off
	w := &m.w[k]
	w.evaluated, w.lastEval, w.valid = true, off, false
	s := Step{Kind: k, At: at, Outcome: o, Cached: w.cached, Run: w.run}
	r, counted := o.result()
	if !counted { // rule P2.4
		s.Threshold = w.threshold(w.lastResult)
		return s, nil
	}
	s.Counted = true
	if r == w.lastResult {
		w.run++
	} else {
		w.lastResult, w.run = r, 1
	}
	s.Run, s.Threshold = w.run, w.threshold(r)
	if w.run < s.Threshold { // rule P6 step 12
		return s, nil
	}
	s.CachedChanged = w.none || w.cached != r
	w.cached, s.Cached, w.none = r, r, false
	if (k == Liveness && r == Failure) || k == Startup { // rule P6 step 14
		w.hold, w.run = true, 0
	}
	wasStarted, wasReady := m.started, m.ready
	switch {
	case k == Startup && r == Success:
		m.started, m.startedTime = true, off
		m.invalidate() // the other probes may now run
	case k == Startup, k == Liveness && r == Failure: // rule P9.1
		s.Kill = m.kill(k)
	}
	m.updateReady()
	s.StartedChanged, s.ReadyChanged = m.started != wasStarted, m.ready != wasReady
	return s, nil
}

func (w *worker) threshold(r Result) int32 {
	if r == Success {
		return w.successT
	}
	return w.failureT
}

func (m *Machine) notDue(at time.Time, k Kind, due time.Time, dk Kind, ok bool) error {
	if !ok {
		return fmt.Errorf("probe: %s probe of container %q at %s is not due: no probe is due", k, m.name, at.Format(time.RFC3339Nano))
	}
	return fmt.Errorf("probe: %s probe of container %q at %s is not due: the %s probe is due at %s", k, m.name, at.Format(time.RFC3339Nano), dk, due.Format(time.RFC3339Nano))
}

// kill decides the kill a cached liveness or startup Failure causes.
func (m *Machine) kill(k Kind) Kill {
	reason := "liveness probe"
	if k == Startup {
		reason = "startup probe"
	}
	msg := "Container " + m.name + " failed " + reason
	switch {
	case m.sidecar:
		// computeInitContainerActions says no more: a sidecar is always
		// restarted.
		msg = "Init container " + m.name + " failed " + reason
	case m.restart:
		msg += ", will be restarted"
	}
	return Kill{Needed: true, Kind: k, Reason: reason, Message: msg, Restart: m.restart}
}

// updateReady derives the container's ready field (rule P10.1), for an
// adopted container whose readiness probe has no result yet the kubelet's
// restart rule (P5.4).
func (m *Machine) updateReady() {
	rd := &m.w[Readiness]
	m.ready = m.running && m.started && (!rd.on || (rd.none && m.adoptedReady) || (!rd.none && rd.cached == Success))
}

// checkTime refuses events that go back in time or pass over a due probe.
func (m *Machine) checkTime(at time.Time, what string) (int64, error) {
	off, ok := m.offset(at)
	if !ok {
		return 0, fmt.Errorf("probe: %s of container %q at %s is too far from the worker start %s", what, m.name, at.Format(time.RFC3339Nano), m.epoch.Format(time.RFC3339Nano))
	}
	if off < m.now {
		return 0, fmt.Errorf("probe: %s of container %q at %s is before %s, already processed", what, m.name, at.Format(time.RFC3339Nano), m.Now().Format(time.RFC3339Nano))
	}
	if due, k, ok := m.NextAt(); ok && due.Before(at) {
		return 0, fmt.Errorf("probe: %s of container %q at %s passes over the %s probe due at %s", what, m.name, at.Format(time.RFC3339Nano), k, due.Format(time.RFC3339Nano))
	}
	m.now = off
	m.invalidate()
	return off, nil
}

// Start records that a new instance of the container started running at
// at. Every worker adopts it at its next tick: the cached results go back
// to their initial values, holds are lifted, and the consecutive counts
// carry over (rules P5.1, P11, P11.1). A container without a startup probe
// is started at once; one with a startup probe is not started until it
// succeeds.
func (m *Machine) Start(at time.Time) error {
	off, err := m.checkTime(at, "start")
	if err != nil {
		return err
	}
	m.instance++
	m.running, m.startedAt = true, off
	// Truncate the absolute time: whole seconds of the clock, not of the
	// epoch (rule P4.4).
	m.startedSec = int64(at.Truncate(time.Second).Sub(m.epoch))
	for k := range m.w {
		m.w[k].cached, m.w[k].hold, m.w[k].none = Kind(k).initial(), false, false
	}
	m.started = !m.w[Startup].on
	if m.started {
		m.startedTime = off
	}
	m.updateReady()
	return nil
}

// KubeletRestartGracePeriod is how long before a kubelet's start a
// container must have started for the restarted kubelet to treat it as
// one that ran before it (rule P5.4; prober_manager.go
// kubeletRestartGracePeriod).
const KubeletRestartGracePeriod = 10 * time.Second

// Adopt records that a kubelet whose probe workers start at at — this
// Machine's worker start, the kubelet's restart — found the container
// already running: instance number instance (its restartCount + 1),
// started at since, with the started field wasStarted in the pod status
// the kubelet had written, in a pod whose Ready condition was podReady.
// Nothing is killed or restarted (rule P5.4; prober worker.go doProbe,
// prober_manager.go isContainerStarted and setReadyStateOnKubeletRestart,
// with the gate ChangeContainerStatusOnKubeletRestart off as in v1.37.2):
//
//   - The new workers count from scratch: no run carries over.
//   - A container that started (in whole seconds, as the status has it)
//     more than KubeletRestartGracePeriod before at gets no cached result until a probe reaches a threshold: its
//     liveness has not failed, it is started if it has no startup probe
//     or wasStarted (a sidecar's startup result is then Success), and
//     ready if started and it has no readiness probe or podReady.
//   - Otherwise, or with the gate on (g), the initial values apply, as
//     for a new instance (rule P5.1): started only without a startup
//     probe, not ready while it has a readiness probe. MODEL: upstream's
//     workers seed them at their first ticks, and until the startup
//     worker's the status keeps the started field it had; here they
//     apply from at.
//
// It is an error to adopt at an instant already processed or with a
// probe due before at, or while an instance runs.
func (m *Machine) Adopt(at, since time.Time, instance int, wasStarted, podReady bool, g features.Gates) error {
	if m.running {
		return fmt.Errorf("probe: adopt container %q at %s: an instance is running", m.name, at.Format(time.RFC3339Nano))
	}
	if instance < 1 {
		return fmt.Errorf("probe: adopt container %q: instance %d, want at least 1", m.name, instance)
	}
	sinceOff, ok := m.offset(since)
	if !ok || since.After(at) {
		return fmt.Errorf("probe: adopt container %q at %s: started at %s, after it or too far from it", m.name, at.Format(time.RFC3339Nano), since.Format(time.RFC3339Nano))
	}
	off, err := m.checkTime(at, "adopt")
	if err != nil {
		return err
	}
	m.instance = instance
	m.running, m.startedAt = true, sinceOff
	m.startedSec = int64(since.Truncate(time.Second).Sub(m.epoch))
	// The kubelet compares the start time of the status it wrote, which
	// is in whole seconds.
	restarted := !g.Enabled(features.ChangeContainerStatusOnKubeletRestart) && since.Truncate(time.Second).Before(at.Add(-KubeletRestartGracePeriod))
	for k := range m.w {
		w := &m.w[k]
		w.lastResult, w.run, w.hold, w.evaluated = Success, 0, false, false
		w.cached, w.none = Kind(k).initial(), restarted && w.on
	}
	m.started = !m.w[Startup].on
	if restarted {
		if m.w[Startup].on && wasStarted {
			m.started = true
			if m.sidecar {
				m.w[Startup].cached, m.w[Startup].none = Success, false
			}
		}
		m.adoptedReady = !m.w[Readiness].on || podReady
	}
	if m.started {
		m.startedTime = min(sinceOff, off)
	}
	m.updateReady()
	return nil
}

// Exit records that the running instance stopped at at, by itself or
// because it was killed. It is no longer started nor ready.
func (m *Machine) Exit(at time.Time) error {
	if _, err := m.checkTime(at, "exit"); err != nil {
		return err
	}
	m.running, m.started, m.ready = false, false, false
	return nil
}

// Delete records that the kubelet started terminating the pod at at (it
// got a deletionTimestamp): liveness and startup probes stop, readiness
// goes on probing while the pod terminates (rule P6 step 7, §17). The
// running instance's liveness and startup results become Success (rule
// P6.15): a container whose startup probe had not yet succeeded counts
// as started from at, so its readiness probe runs, and a container with
// no readiness probe is ready. A pending liveness kill is not undone.
func (m *Machine) Delete(at time.Time) error {
	off, err := m.checkTime(at, "delete")
	if err != nil {
		return err
	}
	if m.deleting {
		return nil
	}
	m.deleting = true
	if !m.running {
		return nil
	}
	for _, k := range []Kind{Startup, Liveness} {
		if m.w[k].on {
			m.w[k].cached, m.w[k].none = Success, false
		}
	}
	if !m.started {
		m.started, m.startedTime = true, off
	}
	m.updateReady()
	return nil
}

// PokeReadiness reproduces upstream's early readiness trigger (rule P4.3):
// when the container is running and started and its readiness is not
// Success, the readiness probe runs at once, at at, and its ticks are
// re-phased from there. Otherwise it does nothing. The default model never
// pokes.
func (m *Machine) PokeReadiness(at time.Time) error {
	off, err := m.checkTime(at, "readiness poke")
	if err != nil {
		return err
	}
	w := &m.w[Readiness]
	if w.on && m.running && m.started && w.cached != Success {
		w.base, w.evaluated, w.valid = off, false, false
	}
	return nil
}
