package probe_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
)

// FuzzMachine drives a Machine with an arbitrary probe spec and an
// arbitrary sequence of starts, exits, deletions, pokes and probe
// outcomes at arbitrary times: it returns errors or upstream's defaults,
// never panics, never overflows time arithmetic (NextAt never goes
// backwards), and always accepts the probe it names as due.
func FuzzMachine(f *testing.F) {
	f.Add(int32(5), int32(5), int32(3), int32(1), int32(0), int64(0), []byte{0, 10, 3, 3, 3, 1, 0, 5, 3})
	f.Add(int32(0), int32(-1), int32(0), int32(0), int32(10), int64(1<<62), []byte{0, 255, 4, 2})
	f.Add(int32(1<<30), int32(1<<30), int32(1<<30), int32(2), int32(1), int64(-1<<62), []byte{0, 1, 3, 3, 2, 4})
	f.Fuzz(func(t *testing.T, period, delay, failureT, successT, startupFT int32, startOffset int64, ops []byte) {
		p := &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: period, InitialDelaySeconds: delay, FailureThreshold: failureT, SuccessThreshold: successT}
		c := &corev1.Container{Name: "c", ReadinessProbe: p, LivenessProbe: p.DeepCopy()}
		c.LivenessProbe.SuccessThreshold = 1
		if startupFT != 0 {
			c.StartupProbe = &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: period, FailureThreshold: startupFT}
		}
		before := c.DeepCopy()
		m, err := probe.New(c, corev1.RestartPolicyAlways, t0, probe.Options{})
		if !cmp.Equal(before, c) {
			t.Fatal("New mutated the container")
		}
		if err != nil {
			return
		}
		now := t0.Add(time.Duration(startOffset))
		var last time.Time
		for i := 0; i < len(ops) && i < 200; i++ {
			op := ops[i]
			switch op % 6 {
			case 0:
				_ = m.Start(now)
			case 1:
				_ = m.Exit(now)
			case 2:
				_ = m.Delete(now)
			case 3:
				due, k, ok := m.NextAt()
				if !ok {
					continue
				}
				if due.Before(last) {
					t.Fatalf("NextAt went backwards: %v after %v", due, last)
				}
				last = due
				if _, err := m.Probe(due, k, probe.Outcome(op/6%5)); err != nil {
					t.Fatalf("the due probe was refused: %v", err)
				}
				now = due
			case 4:
				_ = m.PokeReadiness(now)
			case 5:
				now = now.Add(time.Duration(op) * time.Second)
			}
		}
	})
}

// FuzzSimulate runs the kubelet model on arbitrary probe numbers and
// scripts for a bounded time: a timeline or an error, never a panic.
func FuzzSimulate(f *testing.F) {
	f.Add(int32(5), int32(5), int32(3), int32(30), int32(0), uint16(600), byte(0))
	f.Add(int32(1), int32(0), int32(1), int32(0), int32(-1), uint16(0), byte(2))
	f.Fuzz(func(t *testing.T, period, delay, failureT, healthy, grace int32, runFor uint16, policy byte) {
		pod := livenessExecPod()
		l := pod.Spec.Containers[0].LivenessProbe
		l.PeriodSeconds, l.InitialDelaySeconds, l.FailureThreshold = period, delay, failureT
		g := int64(grace)
		pod.Spec.TerminationGracePeriodSeconds = &g
		pod.Spec.RestartPolicy = []corev1.RestartPolicy{"", corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}[policy%4]
		sc := probe.Scenario{Pod: pod, Scripts: map[string]probe.Script{"liveness": healthyFor(time.Duration(healthy) * time.Second)}}
		_, _ = probe.Simulate(sc, t0, time.Duration(runFor)*time.Second)
	})
}

// FuzzRunner drives a Runner of an arbitrary scenario (any probe numbers,
// outcomes, delays, offsets, scripts) with an arbitrary sequence of steps,
// status reads and terminations at arbitrary instants with arbitrary grace
// periods: errors, never a panic; Step fails exactly when NextAt has
// nothing due; steps never go back in time; Done never goes back to false,
// and after Terminate nothing starts.
func FuzzRunner(f *testing.F) {
	addRandomSeeds(f, 8, 16384, 0)
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		sc := genScenario(t, true)
		start := t0.Add(time.Duration(rapid.Int64Range(-1<<40, 1<<40).Draw(t, "start")))
		r, err := probe.NewRunner(sc, start)
		if err != nil {
			return
		}
		last, terminated := start, false
		op := rapid.SampledFrom([]string{"step", "step", "step", "step", "step", "step", "status", "terminate"})
		for range rapid.IntRange(20, 200).Draw(t, "ops") {
			switch op.Draw(t, "op") {
			case "status":
				_ = r.Status(start.Add(time.Duration(rapid.Int64().Draw(t, "statusAt"))))
			case "terminate":
				at := last.Add(time.Duration(rapid.Int64Range(-1<<35, 1<<35).Draw(t, "terminateAt")))
				if rapid.Bool().Draw(t, "atNext") {
					at, _ = r.NextAt()
				}
				grace := time.Duration(rapid.Int64().Draw(t, "grace"))
				if r.Terminate(at, grace) == nil {
					terminated, last = true, at
				}
			default:
				at, ok := r.NextAt()
				wasDone := r.Done()
				events, err := r.Step()
				if ok != (err == nil) {
					if _, stillOK := r.NextAt(); !ok || stillOK {
						t.Fatalf("NextAt ok %t but Step: %v", ok, err)
					}
					continue // a failed step stops the Runner
				}
				if !ok {
					continue
				}
				if at.Before(last) {
					t.Fatalf("stepped back in time: %v after %v", at, last)
				}
				last = at
				if wasDone && !r.Done() {
					t.Fatal("Done went back to false")
				}
				for _, e := range events {
					if terminated && e.Reason == "Started" {
						t.Fatalf("started after Terminate: %s", e)
					}
				}
			}
		}
	}))
}

// FuzzAdoptRunner: a kubelet restart adopting any pod status — states,
// start times, restart counts and conditions drawn wild, for wild
// scenarios — is an error or a Runner that steps without panicking
// (rule P5.4).
func FuzzAdoptRunner(f *testing.F) {
	addRandomSeeds(f, 4, 8192, 7)
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		sc := genScenario(t, true)
		at := t0.Add(time.Duration(rapid.Int64Range(-1<<40, 1<<40).Draw(t, "at")))
		var st corev1.PodStatus
		st.Phase = rapid.SampledFrom([]corev1.PodPhase{"", corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed}).Draw(t, "phase")
		if rapid.Bool().Draw(t, "ready") {
			st.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
		}
		draw := func(name string) corev1.ContainerStatus {
			cs := corev1.ContainerStatus{Name: name, RestartCount: rapid.Int32Range(-2, 1<<20).Draw(t, "restarts")}
			when := metav1.NewTime(at.Add(time.Duration(rapid.Int64().Draw(t, "when"))))
			term := &corev1.ContainerStateTerminated{ExitCode: rapid.Int32().Draw(t, "code"), StartedAt: when, FinishedAt: when,
				Reason: rapid.SampledFrom([]string{"Error", "Completed", probe.ReasonRestartingAllContainers}).Draw(t, "reason")}
			switch rapid.IntRange(0, 4).Draw(t, "state") {
			case 0:
				cs.State.Running = &corev1.ContainerStateRunning{StartedAt: when}
			case 1:
				cs.State.Terminated = term
			case 2:
				cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}
			}
			if rapid.Bool().Draw(t, "last") {
				cs.LastTerminationState.Terminated = term
			}
			started := rapid.Bool().Draw(t, "started")
			cs.Started = &started
			return cs
		}
		for _, c := range sc.Pod.Spec.InitContainers {
			if rapid.IntRange(0, 3).Draw(t, "hasInitStatus") > 0 {
				st.InitContainerStatuses = append(st.InitContainerStatuses, draw(c.Name))
			}
		}
		for _, c := range sc.Pod.Spec.Containers {
			if rapid.IntRange(0, 3).Draw(t, "hasStatus") > 0 {
				st.ContainerStatuses = append(st.ContainerStatuses, draw(c.Name))
			}
		}
		r, err := probe.AdoptRunner(sc, at, st)
		if err != nil {
			return
		}
		_ = r.Status(at)
		for range rapid.IntRange(0, 100).Draw(t, "steps") {
			if _, ok := r.NextAt(); !ok {
				break
			}
			if _, err := r.Step(); err != nil {
				break
			}
		}
	}))
}

// addRandomSeeds adds n seed inputs of size random bytes (stream tells
// the generators apart) to a fuzz target whose input rapid.MakeFuzz
// reads: rapid reads it as a stream of little-endian uint64s, and skips a
// short one.
func addRandomSeeds(f *testing.F, n, size int, stream uint64) {
	for seed := range n {
		r := rand.New(rand.NewPCG(uint64(seed), stream))
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
}
