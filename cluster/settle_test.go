package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/rollout"
)

// Settle looks ahead over its quiet window instead of spending it (rule
// 9): whenever it returns nil, the clock is where it was called, at the
// instant of the last write, or at the last foreground action it waited
// for (one that may turn out to change nothing: a node-monitor pass after
// the node came back) — never past them on background work — and nothing is
// written during the SettleQuiet that follows, random actions and faults
// (crashing and never-ready containers, stopped and tainted nodes, quotas,
// kubelet restarts, deleted namespaces) notwithstanding.
func TestPropertySettleLooksAhead(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := New(Options{Seed: rapid.Uint64().Draw(t, "seed"), SettleIgnoresDeadlines: rapid.Bool().Draw(t, "ignoreDeadlines")})
		if err != nil {
			t.Fatal(err)
		}
		c.AddInvariant("structural", structural)
		var last, first Change
		c.Watch(func(ch Change) {
			last = ch
			if first.Object == nil {
				first = ch
			}
		})
		k := newChaos(c)
		settled := 0
		for range rapid.IntRange(1, 20).Draw(t, "steps") {
			k.act(t)
			if !rapid.Bool().Draw(t, "settle") {
				continue
			}
			if rapid.IntRange(0, 3).Draw(t, "heal") == 0 {
				k.heal(t)
			}
			from := c.now
			err := c.Settle(time.Duration(rapid.IntRange(1, 60).Draw(t, "limitMinutes")) * time.Minute)
			switch {
			case err == nil:
			case errors.Is(err, ErrNotSettled):
				continue
			case isInvariant(err) || strings.Contains(err.Error(), "Settle expected"):
				t.Fatal(err)
			default:
				continue // a livelock reported (a pod named onto a node that evicts it)
			}
			settled++
			if !c.now.Equal(from) && !c.lastWrite.Equal(c.now) && !c.lastForeground.Equal(c.now) {
				t.Fatalf("Settle called at %s returned at %s, past the last write (%s: %s %s %s/%s)",
					c.since(from), c.Elapsed(), c.since(last.At), last.Type, last.Kind, last.Object.GetNamespace(), last.Object.GetName())
			}
			at, wrote := c.now, c.lastWrite
			first = Change{}
			if err := c.Advance(c.opts.SettleQuiet); err != nil {
				if isInvariant(err) {
					t.Fatal(err)
				}
				continue
			}
			if !c.lastWrite.Equal(wrote) {
				t.Fatalf("Settle returned at %s, and %s later came a write: %s %s %s/%s",
					c.since(at), first.At.Sub(at), first.Type, first.Kind, first.Object.GetNamespace(), first.Object.GetName())
			}
		}
		t.Logf("settled %d times", settled)
	})
}

// lastChange records the instant of every write.
func lastChange(c *Cluster) *time.Time {
	var at time.Time
	c.Watch(func(ch Change) { at = ch.At })
	return &at
}

// Rule 9: Settle returns at the instant of the last change — the pods of
// a new Deployment ready 2 s after its creation — not SettleQuiet later;
// asked again, or after a write no controller reacts to, it returns at
// once.
func TestSettleStopsAtTheLastChange(t *testing.T) {
	c := newCluster(t)
	last := lastChange(c)
	_, err := c.Create(deploymentObject("web", 3))
	must(t, err)
	must(t, c.Settle(time.Hour))
	if c.Elapsed() != 2*time.Second || !last.Equal(c.Now()) {
		t.Fatalf("Settle returned at %s, the last change at %s; want both at 2s", c.Elapsed(), c.since(*last))
	}
	d, err := c.Get(KindDeployment, "default", "web")
	must(t, err)
	if got := d.(*appsv1.Deployment).Status.AvailableReplicas; got != 3 {
		t.Fatalf("available replicas %d, want 3", got)
	}
	must(t, c.Settle(time.Hour))
	_, err = c.Label(KindDeployment, "default", "web", false, "tier=front")
	must(t, err)
	must(t, c.Settle(time.Hour))
	if c.Elapsed() != 2*time.Second {
		t.Fatalf("Settle after a label moved the clock to %s", c.Elapsed())
	}
}

// Rule 9: a pending deadline is work. A Deployment whose pods never get
// ready reports ProgressDeadlineExceeded when its controller looks again,
// a second after progressDeadlineSeconds have passed since its last
// progress (upstream's requeueStuckDeployment), and Settle waits for that write (with a limit short of
// it, it says what it is waiting for); a minReadySeconds longer than the
// quiet window is waited out too.
func TestSettleWaitsForDeadlines(t *testing.T) {
	c := newCluster(t)
	last := lastChange(c)
	c.Program("never-ready", probe.Script{Probe: func(probe.Kind, int, time.Duration) probe.Outcome { return probe.OutcomeFailure }})
	d := deploymentObject("stuck", 2)
	deadline := int32(300)
	d.Spec.ProgressDeadlineSeconds = &deadline
	d.Spec.Template.Spec.Containers[0].Image = "never-ready"
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, PeriodSeconds: 10}
	_, err := c.Create(d)
	must(t, err)
	err = c.Settle(4 * time.Minute)
	if !errors.Is(err, ErrNotSettled) || !strings.Contains(err.Error(), "deployment default/stuck: its sync at 5m1s would change it") {
		t.Fatalf("Settle with a limit before the deadline: %v", err)
	}
	must(t, c.Settle(time.Hour))
	if c.Elapsed() != 5*time.Minute+time.Second || !last.Equal(c.Now()) {
		t.Fatalf("Settle returned at %s, the last change at %s; want both a second past the deadline, at 5m1s", c.Elapsed(), c.since(*last))
	}
	o, err := c.Get(KindDeployment, "default", "stuck")
	must(t, err)
	cond := rollout.GetDeploymentCondition(o.(*appsv1.Deployment).Status, appsv1.DeploymentProgressing)
	if cond == nil || cond.Reason != "ProgressDeadlineExceeded" {
		t.Fatalf("Progressing condition %+v, want reason ProgressDeadlineExceeded", cond)
	}

	slow := deploymentObject("slow", 2)
	slow.Spec.MinReadySeconds = 300
	_, err = c.Create(slow)
	must(t, err)
	start := c.Now()
	must(t, c.Settle(time.Hour))
	o, err = c.Get(KindDeployment, "default", "slow")
	must(t, err)
	if got := o.(*appsv1.Deployment).Status.AvailableReplicas; got != 2 {
		t.Fatalf("Settle returned %s after the create with %d available replicas, want 2", c.Now().Sub(start), got)
	}
	if got := c.Now().Sub(start); got != 302*time.Second || !last.Equal(c.Now()) {
		t.Fatalf("Settle returned %s after the create (last change %s after); want 5m2s: started at 2 s, available 300 s later", got, last.Sub(start))
	}
}

// With Options.SettleIgnoresDeadlines a stuck rollout settles once its
// pods stopped changing, before its progress deadline; the deadline's
// write comes when time passes it.
func TestSettleIgnoresDeadlines(t *testing.T) {
	c, err := New(Options{Seed: 42, SettleIgnoresDeadlines: true})
	must(t, err)
	d := deploymentObject("stuck", 2)
	d.Spec.Template.Spec.NodeSelector = map[string]string{"no": "such-node"}
	_, err = c.Create(d)
	must(t, err)
	must(t, c.Settle(time.Hour))
	if c.Elapsed() != 0 {
		t.Fatalf("Settle returned at %s, want at once: the pods cannot be scheduled", c.Elapsed())
	}
	must(t, c.Advance(11*time.Minute))
	o, err := c.Get(KindDeployment, "default", "stuck")
	must(t, err)
	if cond := rollout.GetDeploymentCondition(o.(*appsv1.Deployment).Status, appsv1.DeploymentProgressing); cond == nil || cond.Reason != "ProgressDeadlineExceeded" {
		t.Fatalf("after the deadline: Progressing %+v, want ProgressDeadlineExceeded", cond)
	}
}
