package main

import (
	"io"
	"testing"

	"github.com/kubesem/kubesem/examples/internal/story"
)

// TestOutput pins the timeline (testdata/output.golden, read against
// The rules: RU surge/unavailable steps with minReadySeconds 10,
// revision history with change-cause, undo renumbering 2→4 and 1→5,
// pause/resume, Recreate) and checks that two runs are byte-identical.
func TestOutput(t *testing.T) { story.CheckGolden(t, run) }

// BenchmarkTutorial runs the whole example: about 20 minutes of virtual
// time (three rolling updates, two undos, pause/resume, scaling, a
// Recreate rollout).
func BenchmarkTutorial(b *testing.B) {
	for b.Loop() {
		if err := run(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
