package controller

import "testing"

// The scenario of TestWebAppScenario — create to Ready, a rollout, a
// node failure, deletion: half an hour of virtual time — in wall time.
func BenchmarkWebAppScenario(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		runScenario(b, 7)
	}
}
