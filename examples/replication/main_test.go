package main

import (
	"testing"

	"github.com/kubesem/kubesem/examples/internal/story"
)

// TestOutput pins the timeline (read against the rules: RS-3.4
// release and replace, RS-9.2 replacement while Terminating, RS-10.1 the
// node Unknown 55 s after its last lease renewal, RS-10.2 pods stay
// Running but not ready, RS-10.7 eviction 300 s after the taint and
// replacement on worker1, RS-10.9 nothing moves back) and checks that two
// runs are byte-identical.
func TestOutput(t *testing.T) { story.CheckGolden(t, run) }
