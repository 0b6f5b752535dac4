package probe_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

// The tutorial's liveness probe after two failures in a row: the third
// kills the container.
func ExampleMachine_Explain() {
	pod := livenessExecPod()
	m, _ := probe.New(&pod.Spec.Containers[0], corev1.RestartPolicyAlways, t0, probe.Options{})
	_ = m.Start(t0)
	for _, o := range []probe.Outcome{probe.OutcomeSuccess, probe.OutcomeFailure, probe.OutcomeFailure} {
		at, kind, _ := m.NextAt()
		_, _ = m.Probe(at, kind, o)
	}
	fmt.Print(m.Explain(t0.Add(16 * time.Second)))
	// Output:
	// liveness probe (every 5 s, after 5 s, failureThreshold 3): result Success, 2 failures in a row; the next failure (the third in a row) kills the container (P9.1); next in 4s
}

// A container that exits 3 s after every start, explained while it waits
// in CrashLoopBackOff: the second back-off is 20 s, the first one
// doubled.
func ExampleRunner_Explain() {
	sc := probe.Scenario{Pod: livenessExecPod(), StartDelay: 2 * time.Second, Scripts: map[string]probe.Script{
		"liveness": {Exit: func(int) (time.Duration, int32, bool) { return 3 * time.Second, 1, true }},
	}}
	r, _ := probe.NewRunner(sc, t0)
	for {
		at, ok := r.NextAt()
		if !ok || at.After(t0.Add(30*time.Second)) {
			break
		}
		_, _ = r.Step()
	}
	fmt.Print(r.Explain(t0.Add(30 * time.Second)))
	// Output:
	// pod default/liveness-exec
	//   phase Running (P15.2)
	//   Ready False (ContainersNotReady: containers with unready status: [liveness]) (P16.1, P16.2)
	//   ContainersReady False (ContainersNotReady: containers with unready status: [liveness]) (P16.1, P16.2)
	//   container liveness: waiting: CrashLoopBackOff (P14.4)
	//     instance 3 ended 5s ago with exit code 1 (Error): exited by itself
	//     restart in 15s, after a 20 s back-off (10 s doubled) counted from the last exit 5s ago, at the pod sync then due (P13.3, P13.11); it runs 2s after that
	//     restartPolicy Always (the pod's): every exit restarts it, through the back-off (P12.1)
	//     liveness probe (every 5 s, after 5 s, failureThreshold 3): not probing: the container is not running (P6.6)
}
