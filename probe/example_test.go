package probe_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/probe"
)

// The tutorial's liveness-exec pod over its first three minutes (to 180 s): /tmp/healthy
// disappears after 30 s, the third failed probe kills the container, the
// kill takes the 30 s grace period (sh ignores SIGTERM), and it restarts.
func ExampleSimulate() {
	tl, err := probe.Simulate(probe.Scenario{
		Pod:     livenessExecPod(),
		Scripts: map[string]probe.Script{"liveness": healthyFor(30 * time.Second)},
	}, t0, 3*time.Minute)
	if err != nil {
		panic(err)
	}
	for _, e := range tl.Events {
		if e.Reason == "Killing" || e.Reason == "Exited" || e.Reason == "Started" {
			fmt.Println(e)
		}
	}
	fmt.Println("restartCount:", tl.Status.ContainerStatuses[0].RestartCount)
	// Output:
	//     0s  liveness   Started  Started container liveness (instance 1, restartCount 0)
	//    45s  liveness   Killing  Container liveness failed liveness probe, will be restarted (grace period 30s)
	//    75s  liveness   Exited   exit code 137, killed: SIGKILL at the end of the grace period
	//    75s  liveness   Started  Started container liveness (instance 2, restartCount 1)
	//   120s  liveness   Killing  Container liveness failed liveness probe, will be restarted (grace period 30s)
	//   150s  liveness   Exited   exit code 137, killed: SIGKILL at the end of the grace period
	//   150s  liveness   Started  Started container liveness (instance 3, restartCount 2)
	// restartCount: 2
}

// A Runner moved by a driver, one action at a time: the readiness-exec pod
// is deleted at 20 s with a 30 s grace period. Its shell ignores SIGTERM;
// its readiness probe goes on, so the pod turns not Ready at 45 s while
// its endpoint is listed as terminating; SIGKILL comes at 50 s.
func ExampleRunner() {
	r, err := probe.NewRunner(probe.Scenario{
		Pod:     readinessPod(),
		Scripts: map[string]probe.Script{"readiness": healthyFor(30 * time.Second)},
	}, t0)
	if err != nil {
		panic(err)
	}
	deleteAt, deleted := t0.Add(20*time.Second), false
	for {
		at, ok := r.NextAt()
		if !deleted && (!ok || at.After(deleteAt)) {
			if err := r.Terminate(deleteAt, 30*time.Second); err != nil {
				panic(err)
			}
			deleted = true
			continue
		}
		if !ok {
			break
		}
		events, err := r.Step()
		if err != nil {
			panic(err)
		}
		for _, e := range events {
			if e.Reason != "Probe" {
				fmt.Println(e)
			}
		}
	}
	st := r.Status(t0.Add(time.Minute))
	fmt.Println("done:", r.Done(), "phase:", st.Phase, "exit code:", st.ContainerStatuses[0].State.Terminated.ExitCode)
	// Output:
	//     0s  (pod)      PodReady pod Ready=False (ContainersNotReady: containers with unready status: [readiness]); Service endpoint ready=false serving=false
	//     0s  readiness  Started  Started container readiness (instance 1, restartCount 0)
	//     5s  readiness  Ready    container is ready
	//     5s  (pod)      PodReady pod Ready=True; Service endpoint ready=true serving=true
	//    20s  readiness  Killing  Stopping container readiness (grace period 30s)
	//    45s  readiness  NotReady container is not ready
	//    45s  (pod)      PodReady pod Ready=False (ContainersNotReady: containers with unready status: [readiness]); Service endpoint ready=false serving=false terminating=true
	//    50s  readiness  Exited   exit code 137, killed: SIGKILL at the end of the grace period
	// done: true phase: Failed exit code: 137
}

// Looking ahead without consequences: at 10 s, what will the kubelet of
// liveness-exec do next that a learner would see? A clone is stepped
// until its first kill; the Runner itself is still at 10 s, and goes on
// to do exactly that.
func ExampleRunner_Clone() {
	r, err := probe.NewRunner(probe.Scenario{
		Pod:     livenessExecPod(),
		Scripts: map[string]probe.Script{"liveness": healthyFor(30 * time.Second)},
	}, t0)
	if err != nil {
		panic(err)
	}
	for at, ok := r.NextAt(); ok && !at.After(t0.Add(10*time.Second)); at, ok = r.NextAt() {
		if _, err := r.Step(); err != nil {
			panic(err)
		}
	}
	firstKill := func(r *probe.Runner) probe.Event {
		for {
			events, err := r.Step()
			if err != nil {
				panic(err)
			}
			for _, e := range events {
				if e.Reason == "Killing" {
					return e
				}
			}
		}
	}
	fmt.Println("ahead:", firstKill(r.Clone()))
	next, _ := r.NextAt()
	fmt.Println("the runner's next action is still at", next.Sub(t0))
	fmt.Println("then: ", firstKill(r))
	// Output:
	// ahead:    45s  liveness   Killing  Container liveness failed liveness probe, will be restarted (grace period 30s)
	// the runner's next action is still at 15s
	// then:     45s  liveness   Killing  Container liveness failed liveness probe, will be restarted (grace period 30s)
}

// Driving the state machine by hand: the liveness probe of liveness-exec.
func ExampleMachine() {
	pod := livenessExecPod()
	m, err := probe.New(&pod.Spec.Containers[0], corev1.RestartPolicyAlways, t0, probe.Options{})
	if err != nil {
		panic(err)
	}
	_ = m.Start(t0)
	for i := 0; i < 9; i++ {
		at, kind, _ := m.NextAt()
		outcome := probe.OutcomeSuccess
		if at.Sub(t0) > 30*time.Second { // /tmp/healthy is gone
			outcome = probe.OutcomeFailure
		}
		step, _ := m.Probe(at, kind, outcome)
		fmt.Printf("%v %s %s run=%d cached=%s kill=%t\n", at.Sub(t0), kind, outcome, step.Run, step.Cached, step.Kill.Needed)
		if step.Kill.Needed {
			fmt.Println(step.Kill.Message)
			break
		}
	}
	// Output:
	// 5s Liveness success run=1 cached=Success kill=false
	// 10s Liveness success run=2 cached=Success kill=false
	// 15s Liveness success run=3 cached=Success kill=false
	// 20s Liveness success run=4 cached=Success kill=false
	// 25s Liveness success run=5 cached=Success kill=false
	// 30s Liveness success run=6 cached=Success kill=false
	// 35s Liveness failure run=1 cached=Success kill=false
	// 40s Liveness failure run=2 cached=Success kill=false
	// 45s Liveness failure run=3 cached=Failure kill=true
	// Container liveness failed liveness probe, will be restarted
}

// CrashLoopBackOff of a container that exits the moment it starts.
func ExampleBackoff() {
	var b probe.Backoff
	now := t0
	exited, has := time.Time{}, false
	for range 6 {
		start, retryAt, delay := b.Decide(now, exited, has)
		if !start {
			fmt.Printf("at %v: %s\n", now.Sub(t0), probe.BackoffMessage(delay, "app", "crash", "default", "uid"))
			now = retryAt
			b.Decide(now, exited, has)
		}
		fmt.Printf("start at %v\n", now.Sub(t0))
		exited, has = now, true
	}
	// Output:
	// start at 0s
	// start at 0s
	// at 0s: back-off 10s restarting failed container=app pod=crash_default(uid)
	// start at 10s
	// at 10s: back-off 20s restarting failed container=app pod=crash_default(uid)
	// start at 30s
	// at 30s: back-off 40s restarting failed container=app pod=crash_default(uid)
	// start at 1m10s
	// at 1m10s: back-off 1m20s restarting failed container=app pod=crash_default(uid)
	// start at 2m30s
}

func ExampleDefault() {
	p := probe.Default(&corev1.Probe{ProbeHandler: catHealthy, InitialDelaySeconds: 5})
	fmt.Println(p.PeriodSeconds, p.TimeoutSeconds, p.SuccessThreshold, p.FailureThreshold, p.InitialDelaySeconds)
	// Output: 10 1 1 3 5
}

func ExampleValidate() {
	p := probe.Default(&corev1.Probe{ProbeHandler: catHealthy, SuccessThreshold: 2})
	fmt.Println(probe.Validate(probe.Liveness, p, field.NewPath("spec", "containers").Index(0).Child("livenessProbe")).ToAggregate())
	// Output: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1
}

func ExampleShouldRestart() {
	c := &corev1.Container{Name: "job"}
	fmt.Println(probe.ShouldRestart(c, corev1.RestartPolicyOnFailure, 0), probe.ShouldRestart(c, corev1.RestartPolicyOnFailure, 1))
	// A probe kill restarts under OnFailure whatever the exit code.
	fmt.Println(probe.RestartsAfterKill(c, corev1.RestartPolicyOnFailure))
	// Output:
	// false true
	// true
}

// A pod whose readiness probe fails stays Running but is not Ready, and a
// Service stops sending it traffic.
func ExampleEndpointOf() {
	pod := podWith(corev1.RestartPolicyAlways, corev1.ContainerStatus{Name: "web", State: running(), Ready: false})
	pod.Status.PodIP = "10.244.1.7"
	pod.Status.Phase = probe.Phase(pod, false, true)
	pod.Status.Conditions = probe.Conditions(pod, pod.Status.Phase, true, t0)
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			fmt.Println(pod.Status.Phase, c.Status, c.Message)
		}
	}
	fmt.Printf("%+v\n", probe.EndpointOf(pod, false))
	// Output:
	// Running False containers with unready status: [web]
	// {Included:true Ready:false Serving:false Terminating:false}
}

func ExampleKillGracePeriod() {
	fmt.Println(probe.KillGracePeriod(livenessExecPod(), &livenessExecPod().Spec.Containers[0], probe.Liveness))
	// Output: 30s
}

// A pod admitted just after the kubelet started: its probes start after a
// seeded random delay within one period, as upstream's do.
func ExampleJitterOffsets() {
	c := &livenessExecPod().Spec.Containers[0]
	offsets := probe.JitterOffsets(c, 42)
	again := probe.JitterOffsets(c, 42)
	fmt.Println(offsets == again, offsets[probe.Liveness] >= 0 && offsets[probe.Liveness] < 5*time.Second, offsets[probe.Startup])
	m, _ := probe.New(c, corev1.RestartPolicyAlways, t0, probe.Options{Offset: offsets})
	_ = m.Start(t0)
	at, _, _ := m.NextAt()
	fmt.Println(at.Sub(t0) >= 5*time.Second && at.Sub(t0) < 10*time.Second)
	// Output:
	// true true 0s
	// true
}
