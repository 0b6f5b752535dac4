package probe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
)

var always = corev1.ContainerRestartPolicyAlways

// initPod is a pod with the given init containers before one app
// container "app" (no probes).
func initPod(policy corev1.RestartPolicy, inits ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "2f7c1e1a-0000-4000-8000-000000000020"},
		Spec: corev1.PodSpec{RestartPolicy: policy, InitContainers: inits,
			Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/nginx"}}},
		Status: corev1.PodStatus{PodIP: "10.244.1.9"},
	}
}

func exitAfter(d time.Duration, codes ...int32) probe.Script {
	return probe.Script{Exit: func(i int) (time.Duration, int32, bool) {
		if i <= len(codes) {
			return d, codes[i-1], true
		}
		return d, 0, true
	}}
}

// podLine renders what kubectl and a reader look at: the phase, the
// Initialized, ContainersReady and PodReadyToStartContainers conditions,
// and each container's state.
func podLine(st corev1.PodStatus) string {
	var b strings.Builder
	b.WriteString(string(st.Phase))
	for _, c := range st.Conditions {
		switch c.Type {
		case corev1.PodInitialized, corev1.ContainersReady, corev1.PodReadyToStartContainers, corev1.AllContainersRestarting:
			fmt.Fprintf(&b, " %s=%s", c.Type, c.Status)
			if c.Message != "" {
				fmt.Fprintf(&b, "(%s)", c.Message)
			}
		}
	}
	for _, list := range []struct {
		tag string
		sts []corev1.ContainerStatus
	}{{"init", st.InitContainerStatuses}, {"", st.ContainerStatuses}} {
		for _, c := range list.sts {
			fmt.Fprintf(&b, " | %s%s:", list.tag, c.Name)
			switch s := c.State; {
			case s.Running != nil:
				b.WriteString("running")
			case s.Waiting != nil:
				b.WriteString("waiting/" + s.Waiting.Reason)
			case s.Terminated != nil:
				fmt.Fprintf(&b, "terminated/%s/%d", s.Terminated.Reason, s.Terminated.ExitCode)
			}
			fmt.Fprintf(&b, " ready=%t started=%t restarts=%d", c.Ready, c.Started != nil && *c.Started, c.RestartCount)
		}
	}
	return b.String()
}

// initRun steps a Runner for sc to until, recording its events and, after
// each step, the status whenever podLine changes.
func initRun(t *testing.T, sc probe.Scenario, until time.Duration, terminate ...time.Duration) ([]string, *probe.Runner) {
	t.Helper()
	r, err := probe.NewRunner(sc, t0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	last := ""
	note := func(at time.Time) {
		if l := podLine(r.Status(at)); l != last {
			last = l
			out = append(out, fmt.Sprintf("%5ds  (status)   %s", int64(at.Sub(t0)/time.Second), l))
		}
	}
	note(t0)
	for range 10000 {
		at, ok := r.NextAt()
		if len(terminate) > 0 && (!ok || !at.Before(t0.Add(terminate[0]))) {
			at = t0.Add(terminate[0])
			terminate = terminate[1:]
			if err := r.Terminate(at, 30*time.Second); err != nil {
				t.Fatal(err)
			}
			note(at)
			continue
		}
		if !ok || at.After(t0.Add(until)) {
			return out, r
		}
		events, err := r.Step()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			out = append(out, strings.TrimRight(e.String(), " "))
		}
		note(at)
	}
	t.Fatal("more than 10000 steps")
	return nil, nil
}

// initCases are the init-container scenarios of testdata/init.txt, by
// name; each comment names the rules it shows.
var initCases = map[string]struct {
	sc        probe.Scenario
	until     time.Duration
	terminate []time.Duration // Terminate instants, grace 30 s
}{
	// P19.1: regular init containers run to completion in order, then
	// the app; Initialized and Init:N/M statuses (P16.3, P14).
	"in-order": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyAlways,
			corev1.Container{Name: "migrate", Image: "busybox"}, corev1.Container{Name: "warm", Image: "busybox"}),
			Scripts: map[string]probe.Script{"migrate": exitAfter(5 * time.Second), "warm": exitAfter(3 * time.Second)}},
		until: time.Minute,
	},
	// P19.3: a failing init container restarts under Always, with the
	// CrashLoopBackOff of P13.
	"failing-always": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyAlways, corev1.Container{Name: "migrate", Image: "busybox"}),
			Scripts: map[string]probe.Script{"migrate": exitAfter(2*time.Second, 1, 1, 0)}},
		until: time.Minute,
	},
	// P19.3, P19.5: a failing init container under Never fails the pod;
	// the app never runs (P15.3).
	"failing-never": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyNever, corev1.Container{Name: "migrate", Image: "busybox"}),
			Scripts: map[string]probe.Script{"migrate": exitAfter(2*time.Second, 1)}},
		until: time.Minute,
	},
	// P19.2: a sidecar with a startup probe gates the next container;
	// its readiness counts for the pod (P16.1).
	"sidecar-startup": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyAlways,
			corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always,
				StartupProbe:   &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 5},
				ReadinessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 5}},
			corev1.Container{Name: "migrate", Image: "busybox"}),
			Scripts: map[string]probe.Script{"proxy": {Probe: func(k probe.Kind, _ int, up time.Duration) probe.Outcome {
				if up < 12*time.Second {
					return probe.OutcomeFailure
				}
				return probe.OutcomeSuccess
			}}, "migrate": exitAfter(4 * time.Second)}},
		until: 40 * time.Second,
	},
	// P9.4: a sidecar failing its liveness probe is restarted, even
	// under Never, and the message has no ", will be restarted".
	"sidecar-liveness": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyNever,
			corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always,
				LivenessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10, FailureThreshold: 2}}),
			Scripts: map[string]probe.Script{"proxy": {Probe: func(k probe.Kind, i int, up time.Duration) probe.Outcome {
				if i == 1 && up > 15*time.Second {
					return probe.OutcomeFailure
				}
				return probe.OutcomeSuccess
			}}}},
		until: 50 * time.Second,
	},
	// P19.5: a Never pod whose app completes kills its sidecar and
	// succeeds; the sandbox goes (PodReadyToStartContainers False).
	"job-with-sidecar": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyNever, corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always}),
			Scripts: map[string]probe.Script{"app": exitAfter(20 * time.Second)}},
		until: time.Minute,
	},
	// P19.6: a deletion stops the app first, then the sidecars last
	// first, each within what remains of the grace period (whole
	// seconds waited taken off).
	"delete-order": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyAlways,
			corev1.Container{Name: "log", Image: "fluent", RestartPolicy: &always},
			corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always}),
			Scripts: map[string]probe.Script{"app": stopScript(5500*time.Millisecond, 0, true), "proxy": stopScript(3*time.Second, 0, true), "log": stopScript(0, 0, false)}},
		until:     2 * time.Minute,
		terminate: []time.Duration{10 * time.Second},
	},
	// P19.6: a sidecar that waited the whole grace period gets 2 s.
	"delete-sidecar-waits-out": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyAlways, corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always}),
			Scripts: map[string]probe.Script{"app": stopScript(0, 0, false), "proxy": stopScript(0, 0, false)}},
		until:     2 * time.Minute,
		terminate: []time.Duration{10 * time.Second},
	},
	// P15.3: a pod deleted while initializing: the init container stops,
	// the app never ran and keeps its waiting state.
	"delete-initializing": {
		sc: probe.Scenario{Pod: initPod(corev1.RestartPolicyAlways, corev1.Container{Name: "migrate", Image: "busybox"}, corev1.Container{Name: "warm", Image: "busybox"}),
			Scripts: map[string]probe.Script{"migrate": exitAfter(time.Minute)}},
		until:     2 * time.Minute,
		terminate: []time.Duration{10 * time.Second},
	},
}

// TestRunnerInitContainers replays the init-container scenarios
// (testdata/init.txt, rewritten with -rewrite, every line read against
// the rules named in initCases):
//
//	run case=<name>
//
// prints the events and, after each step that changed it, the pod's
// phase, conditions and container states.
func TestRunnerInitContainers(t *testing.T) {
	datadriven.RunTest(t, "testdata/init.txt", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "run" {
			d.Fatalf(t, "unknown command %q", d.Cmd)
		}
		var name string
		d.ScanArgs(t, "case", &name)
		c, ok := initCases[name]
		if !ok {
			d.Fatalf(t, "unknown case %q", name)
		}
		before := c.sc.Pod.DeepCopy()
		got, _ := initRun(t, c.sc, c.until, c.terminate...)
		if diff := cmp.Diff(before, c.sc.Pod); diff != "" {
			t.Errorf("the scenario's pod was modified (-before +after):\n%s", diff)
		}
		return strings.Join(got, "\n") + "\n"
	})
}

// restartAllPod is the init-container pod whose app restarts every
// container when it exits with code 42.
func restartAllPod(policy corev1.RestartPolicy) *corev1.Pod {
	pod := initPod(policy, corev1.Container{Name: "migrate", Image: "busybox"},
		corev1.Container{Name: "proxy", Image: "envoy", RestartPolicy: &always})
	never := corev1.ContainerRestartPolicyNever
	app := &pod.Spec.Containers[0]
	app.RestartPolicy = &never
	app.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestartAllContainers,
		ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{42}}}}
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "log", Image: "fluent"})
	return pod
}

func init() {
	// P12.4: the app exits 42 once: every container is killed, one after
	// the other (log ignores SIGTERM: 2 s), and the pod initializes again
	// from migrate; AllContainersRestarting is True meanwhile.
	initCases["restart-all"] = struct {
		sc        probe.Scenario
		until     time.Duration
		terminate []time.Duration
	}{
		sc: probe.Scenario{Pod: restartAllPod(corev1.RestartPolicyAlways), Scripts: map[string]probe.Script{
			"migrate": exitAfter(time.Second),
			"app":     exitAfter(20*time.Second, 42, 0),
			"log":     stopScript(0, 0, false),
		}},
		until: time.Minute,
	}
}

// Rule P19.5: Killed reports a pod the kubelet killed without a deletion
// once nothing runs — a regular init container failed under Never, or a
// Never pod's app completed and its sidecar stopped — and never a pod
// that runs on or was deleted.
func TestRunnerKilled(t *testing.T) {
	for name, want := range map[string]bool{"failing-never": true, "job-with-sidecar": true, "in-order": false, "failing-always": false, "delete-order": false} {
		c := initCases[name]
		_, r := initRun(t, c.sc, c.until, c.terminate...)
		if r.Killed() != want {
			t.Errorf("%s: Killed %t, want %t", name, r.Killed(), want)
		}
		if want && r.Done() {
			t.Errorf("%s: Done without a deletion", name)
		}
	}
}
