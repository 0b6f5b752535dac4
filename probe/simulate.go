package probe

import (
	"fmt"
	"math"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/features"
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

// Scenario is one pod run by the kubelet model of Simulate and Runner.
type Scenario struct {
	// Pod is the pod, with its name, namespace, UID and spec; the spec is
	// defaulted first. Init containers run before the regular ones (rule
	// P19), sidecars — restartable init containers — beside them.
	Pod *corev1.Pod
	// Scripts holds each container's script, by name, init containers
	// included. A regular init container without a script, or whose
	// script has no Exit, completes with exit code 0 at once.
	Scripts map[string]Script
	// StartDelay is how long creating and starting a container takes
	// after the kubelet decides to start it (image pull, create). Default
	// 0.
	StartDelay time.Duration
	// Options holds each container's probe options, by name. A
	// container's Options.Gates, when nil, is Gates.
	Options map[string]Options
	// Gates are the kubelet's feature gates; nil is v1.37.2's defaults
	// (rules P12.1, P12.4, P13.9).
	Gates features.Gates
	// MaxContainerRestartPeriod is the kubelet configuration's
	// crashLoopBackOff.maxContainerRestartPeriod, used when the gate
	// KubeletCrashLoopBackOffMax is on; zero means 300 s (rule P13.9).
	MaxContainerRestartPeriod time.Duration
	// KubeletStart is when the kubelet started: its housekeeping runs
	// every HousekeepingPeriod from then (rule P13.10). Zero means the
	// pod's admission instant.
	KubeletStart time.Time
	// ShareSpec lets a Runner keep Pod's metadata and spec instead of
	// copies when the spec needs none of DefaultPodSpec's defaults (as a
	// pod the apiserver stored): the caller promises not to modify them
	// while the Runner runs. A simulated cluster running many pods
	// created from one template saves two copies per pod.
	ShareSpec bool
}

// Event is one thing that happened in a simulation.
type Event struct {
	// At is the time since the pod was admitted.
	At        time.Duration
	Container string
	// Reason is one of "Started", "Probe", "Killing", "Exited", "BackOff",
	// "Ready", "NotReady", and "PodReady" for the pod's Ready condition
	// (Container "(pod)").
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

// Simulate runs the kubelet model for one pod from its admission at start
// for the duration d and returns what happened: every probe, every kill,
// every exit, every restart with its back-off. It is a pure function of
// its inputs: a Runner stepped until nothing more is due by start+d, and
// its Status at start+d.
//
// The model (MODEL choices): probes are instant;
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
	end := start.Add(d)
	if end.Before(start) {
		end = time.Unix(0, math.MaxInt64)
	}
	r, err := NewRunner(sc, start)
	if err != nil {
		return nil, err
	}
	tl := &Timeline{}
	for {
		at, ok := r.NextAt()
		if !ok || at.After(end) {
			break
		}
		events, err := r.Step()
		if err != nil {
			return nil, err
		}
		tl.Events = append(tl.Events, events...)
	}
	tl.Status = r.Status(end)
	return tl, nil
}
