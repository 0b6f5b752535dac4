package probe_test

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

// benchContainer has the tutorial's liveness probe and a readiness probe.
func benchContainer() *corev1.Container {
	return &corev1.Container{
		Name:           "app",
		LivenessProbe:  &corev1.Probe{ProbeHandler: catHealthy, InitialDelaySeconds: 5, PeriodSeconds: 5},
		ReadinessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10},
	}
}

// BenchmarkStep is one probe step: ask which probe is due, report its
// result.
func BenchmarkStep(b *testing.B) {
	m, err := probe.New(benchContainer(), corev1.RestartPolicyAlways, t0, probe.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Start(t0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		at, k, ok := m.NextAt()
		if !ok {
			b.Fatal("nothing due")
		}
		if _, err := m.Probe(at, k, probe.OutcomeSuccess); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTicks10k simulates 10,000 containers, each with a liveness and a
// readiness probe, one probe step per container in turn, and reports the
// container-probe steps simulated per wall second on one goroutine.
func BenchmarkTicks10k(b *testing.B) {
	const n = 10_000
	ms := make([]*probe.Machine, n)
	for i := range ms {
		var opts probe.Options
		opts.Offset[probe.Liveness] = time.Duration(i%5) * time.Second
		m, err := probe.New(benchContainer(), corev1.RestartPolicyAlways, t0, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Start(t0.Add(time.Duration(i%7) * time.Second)); err != nil {
			b.Fatal(err)
		}
		ms[i] = m
	}
	b.ReportAllocs()
	steps := 0
	start := time.Now()
	for b.Loop() {
		for _, m := range ms {
			at, k, _ := m.NextAt()
			if _, err := m.Probe(at, k, probe.OutcomeSuccess); err != nil {
				b.Fatal(err)
			}
		}
		steps += n
	}
	b.ReportMetric(float64(steps)/time.Since(start).Seconds(), "steps/s")
}
