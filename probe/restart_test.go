package probe_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

func TestShouldRestart(t *testing.T) {
	always, onFailure, never := corev1.ContainerRestartPolicyAlways, corev1.ContainerRestartPolicyOnFailure, corev1.ContainerRestartPolicyNever
	rule := func(op corev1.ContainerRestartRuleOnExitCodesOperator, action corev1.ContainerRestartRuleAction, codes ...int32) corev1.ContainerRestartRule {
		return corev1.ContainerRestartRule{Action: action, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: op, Values: codes}}
	}
	cases := []struct {
		rule   string
		pod    corev1.RestartPolicy
		own    *corev1.ContainerRestartPolicy
		rules  []corev1.ContainerRestartRule
		code   int32
		expect bool
	}{
		{"P12.1 Always restarts exit 0", corev1.RestartPolicyAlways, nil, nil, 0, true},
		{"P12.1 OnFailure: exit 0 stays", corev1.RestartPolicyOnFailure, nil, nil, 0, false},
		{"P12.1 OnFailure: exit 1 restarts", corev1.RestartPolicyOnFailure, nil, nil, 1, true},
		{"P12.1 Never", corev1.RestartPolicyNever, nil, nil, 1, false},
		{"P12.1 empty policy is Always", "", nil, nil, 0, true},
		{"P12.1 container policy overrides", corev1.RestartPolicyAlways, &never, nil, 1, false},
		{"P12.1 container OnFailure", corev1.RestartPolicyNever, &onFailure, nil, 2, true},
		{"P12.1 matching In rule restarts", corev1.RestartPolicyNever, &never, []corev1.ContainerRestartRule{rule("In", "Restart", 42)}, 42, true},
		{"P12.1 non-matching rule: container policy", corev1.RestartPolicyAlways, &never, []corev1.ContainerRestartRule{rule("In", "Restart", 42)}, 1, false},
		{"P12.1 NotIn rule", corev1.RestartPolicyNever, &never, []corev1.ContainerRestartRule{rule("NotIn", "Restart", 0)}, 3, true},
		{"P12.1 first matching rule decides", corev1.RestartPolicyNever, &always, []corev1.ContainerRestartRule{rule("In", "Other", 1), rule("In", "Restart", 1)}, 1, true},
		{"P12.1 rules ignored without a container policy", corev1.RestartPolicyNever, nil, []corev1.ContainerRestartRule{rule("In", "Restart", 1)}, 1, false},
		{"P12.1 RestartAllContainers restarts", corev1.RestartPolicyNever, &never, []corev1.ContainerRestartRule{rule("In", "RestartAllContainers", 7)}, 7, true},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			ctr := &corev1.Container{Name: "c", RestartPolicy: c.own, RestartPolicyRules: c.rules}
			if got := probe.ShouldRestart(ctr, c.pod, c.code); got != c.expect {
				t.Errorf("got %v, want %v", got, c.expect)
			}
		})
	}
}

func TestKillGracePeriod(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	probeGrace := &corev1.Container{LivenessProbe: &corev1.Probe{TerminationGracePeriodSeconds: i64(60)}}
	cases := []struct {
		rule string
		pod  *corev1.Pod
		c    *corev1.Container
		kind probe.Kind
		want time.Duration
	}{
		{"P9.5 pod default 30 s", &corev1.Pod{}, &corev1.Container{}, probe.Liveness, 30 * time.Second},
		{"P9.5 pod value", &corev1.Pod{Spec: corev1.PodSpec{TerminationGracePeriodSeconds: i64(10)}}, &corev1.Container{}, probe.Liveness, 10 * time.Second},
		{"P9.5 probe value wins over the pod's", &corev1.Pod{Spec: corev1.PodSpec{TerminationGracePeriodSeconds: i64(10)}}, probeGrace, probe.Liveness, 60 * time.Second},
		{"P9.5 only the failed probe's value", &corev1.Pod{}, probeGrace, probe.Startup, 30 * time.Second},
		{"P9.5 deletion grace wins", &corev1.Pod{}, probeGrace, probe.Liveness, 30 * time.Second},
		{"P9.5 at least 2 s", &corev1.Pod{Spec: corev1.PodSpec{TerminationGracePeriodSeconds: i64(0)}}, &corev1.Container{}, probe.Liveness, 2 * time.Second},
	}
	cases[4].pod = &corev1.Pod{}
	cases[4].pod.DeletionGracePeriodSeconds = i64(30)
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := probe.KillGracePeriod(c.pod, c.c, c.kind); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// P13.4 / T5: a container that exits at once each time restarts after
// 0, 10, 20, 40, 80, 160, 300, 300 s.
func TestCrashLoopDelays(t *testing.T) {
	var b probe.Backoff
	now := t0
	var prev time.Time
	hasPrev := false
	var delays []time.Duration
	var starts []time.Duration
	for range 9 {
		// The container exits at once: the kubelet tries to start it
		// again now, working from the instance that just exited.
		start, retryAt, _ := b.Decide(now, prev, hasPrev)
		if !start {
			delays = append(delays, retryAt.Sub(now))
			now = retryAt
			start, _, _ = b.Decide(now, prev, hasPrev)
			if !start {
				t.Fatalf("still in back-off at %v", now.Sub(t0))
			}
		} else if hasPrev {
			delays = append(delays, 0)
		}
		starts = append(starts, now.Sub(t0))
		prev, hasPrev = now, true // it exits the instant it starts
	}
	want := []time.Duration{0, 10, 20, 40, 80, 160, 300, 300}
	for i := range want {
		want[i] *= time.Second
	}
	if len(delays) != len(want) {
		t.Fatalf("delays %v", delays)
	}
	for i := range want {
		if delays[i] != want[i] {
			t.Errorf("restart %d after %v, want %v (all: %v)", i+1, delays[i], want[i], delays)
		}
	}
	// T5: starts at 0, 0, 10, 30, 70, 150, 310, 610, 910.
	wantStarts := []time.Duration{0, 0, 10, 30, 70, 150, 310, 610, 910}
	for i := range wantStarts {
		if starts[i] != wantStarts[i]*time.Second {
			t.Errorf("start %d at %v, want %vs", i, starts[i], wantStarts[i])
		}
	}
}

// P13.4: a container that runs 5 s each time still waits the full
// back-off, counted from its finish.
func TestBackoffCountsFromFinish(t *testing.T) {
	var b probe.Backoff
	start := t0
	var got []time.Duration
	for range 4 {
		finish := start.Add(5 * time.Second)
		// A crash: the kubelet works from the instance that just exited.
		ok, retryAt, _ := b.Decide(finish, finish, true)
		if ok {
			got = append(got, 0)
			start = finish
			continue
		}
		got = append(got, retryAt.Sub(finish))
		start = retryAt
		if ok2, _, _ := b.Decide(start, finish, true); !ok2 {
			t.Fatal("not started at expiry")
		}
	}
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second}
	if !cmp.Equal(got, want) {
		t.Errorf("delays %v, want %v", got, want)
	}
}

// P13.5: more than 600 s of running resets the back-off; exactly 600 s
// does not.
func TestBackoffReset(t *testing.T) {
	for _, c := range []struct {
		rule  string
		run   time.Duration
		start bool
	}{
		{"P13.5 601 s resets", 601 * time.Second, true},
		{"P13.5 600 s does not", 600 * time.Second, false},
	} {
		t.Run(c.rule, func(t *testing.T) {
			var b probe.Backoff
			// Two quick crashes build a 20 s back-off updated at 10 s.
			b.Decide(t0, t0, true)                          // delay 10, lastUpdate 0
			b.Decide(t0.Add(10*time.Second), t0, true)      // delay 20, lastUpdate 10
			finished := t0.Add(10 * time.Second).Add(c.run) // ran c.run since that restart
			start, _, delay := b.Decide(finished, finished, true)
			if start != c.start {
				t.Errorf("start = %v, want %v", start, c.start)
			}
			if c.start && delay != 10*time.Second {
				t.Errorf("after a reset the delay starts at 10 s again, got %v", delay)
			}
		})
	}
}

func TestBackoffMessages(t *testing.T) {
	got := probe.BackoffMessage(80*time.Second, "liveness", "liveness-exec", "default", "uid-1")
	if got != "back-off 1m20s restarting failed container=liveness pod=liveness-exec_default(uid-1)" {
		t.Errorf("got %q", got)
	}
	if got := probe.BackoffEventMessage("liveness", "liveness-exec", "default", "uid-1"); got != "Back-off restarting failed container liveness in pod liveness-exec_default(uid-1)" {
		t.Errorf("got %q", got)
	}
	b := probe.Backoff{Initial: 10 * time.Second, Max: 5 * time.Second}
	if _, _, d := b.Decide(t0, t0, true); d != 5*time.Second {
		t.Errorf("P13.1 initial lowered to max: %v", d)
	}
}
