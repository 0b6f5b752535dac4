package probe_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

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
