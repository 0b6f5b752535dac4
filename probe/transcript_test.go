package probe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/kubesem/kubesem/probe"
)

// TestTranscripts replays the tutorial's probe scenarios
// (testdata/tutorial.txt, rewritten with -rewrite) over virtual time.
//
//	simulate scenario=<name> duration=<d> [quiet]
//
// prints every event of the run and the container's status at the end.
// With quiet, probes that change nothing are left out.
func TestTranscripts(t *testing.T) {
	datadriven.Walk(t, "testdata/tutorial.txt", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if d.Cmd != "simulate" {
				d.Fatalf(t, "unknown command %q", d.Cmd)
			}
			var name, dur string
			d.ScanArgs(t, "scenario", &name)
			d.ScanArgs(t, "duration", &dur)
			quiet := d.HasArg("quiet")
			mk, ok := scenarios[name]
			if !ok {
				d.Fatalf(t, "unknown scenario %q", name)
			}
			length, err := time.ParseDuration(dur)
			if err != nil {
				d.Fatalf(t, "duration: %v", err)
			}
			tl, err := probe.Simulate(mk(), t0, length)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			var b strings.Builder
			for _, e := range tl.Events {
				if quiet && e.Reason == "Probe" && !strings.Contains(e.Message, ", now ") && !strings.Contains(e.Message, "started") {
					continue
				}
				fmt.Fprintln(&b, e)
			}
			for _, cs := range tl.Status.ContainerStatuses {
				state := "running"
				switch {
				case cs.State.Waiting != nil:
					state = "waiting " + cs.State.Waiting.Reason
				case cs.State.Terminated != nil:
					state = fmt.Sprintf("terminated %s (exit code %d)", cs.State.Terminated.Reason, cs.State.Terminated.ExitCode)
				}
				fmt.Fprintf(&b, "end: %s %s, restartCount %d, ready %t; pod phase %s\n", cs.Name, state, cs.RestartCount, cs.Ready, tl.Status.Phase)
			}
			return b.String()
		})
	})
}
