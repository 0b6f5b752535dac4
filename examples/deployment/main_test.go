package main

import (
	"io"
	"testing"
	"time"

	"github.com/kubesem/kubesem/examples/internal/story"
)

// TestOutput pins the timeline (testdata/output.golden, read against
// The rules: RU surge/unavailable steps with minReadySeconds 10,
// revision history with change-cause, undo renumbering 2→4 and 1→5,
// pause/resume, Recreate) and checks that two runs are byte-identical.
func TestOutput(t *testing.T) { story.CheckGolden(t, run) }

// BenchmarkTutorial runs the whole example: about 5 minutes of virtual
// time (three rolling updates, two undos, pause/resume, scaling, a
// Recreate rollout); it reports virtual seconds simulated per wall
// second.
func BenchmarkTutorial(b *testing.B) {
	var virtual time.Duration
	for b.Loop() {
		d, err := play(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		virtual += d
	}
	b.ReportMetric(virtual.Seconds()/b.Elapsed().Seconds(), "virtual-s/s")
}
