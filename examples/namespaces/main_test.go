package main

import (
	"testing"

	"github.com/kubesem/kubesem/examples/internal/story"
)

// TestOutput pins the timeline in testdata/output.golden (read against the
// rules (docs/rules) named in main.go's doc) and checks that two runs with the same
// seed are byte-identical.
func TestOutput(t *testing.T) { story.CheckGolden(t, run) }
