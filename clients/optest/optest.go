// Package optest is a property-test kit for operators: rapid draws
// scenarios of user actions and the faults a real cluster gives
// operators, runs the user's controllers in a kubesem cluster beside the
// built-in ones, and checks ready-made invariants and the user's own.
// When a check fails, rapid shrinks the scenario to the smallest one that
// still fails, and the kit prints it with the cluster's event log and the
// controllers' requests before the failure.
//
// Usage, in an operator's tests:
//
//	func TestWebAppProperties(t *testing.T) {
//		rapid.Check(t, optest.Operator{
//			New: func(t *rapid.T, seed uint64) *clients.Env {
//				env := ... // clients.New with the CRDs, then the reconciler registered
//				return env
//			},
//			Actions: []optest.Action{createWebApp, changeImage, scaleWebApp, deleteWebApp},
//			Steady:  []optest.Invariant{webAppsReady},
//		}.Check)
//	}
//
// The checks, in order (rules):
//
//  1. Each step draws an action — one of the user's Actions or a fault of
//     Faults (DefaultFaults when nil) — runs it, lets a drawn span of
//     virtual time pass (0 s to 5 min), and checks Invariants and the
//     built-in step invariants: no error from the cluster's run (its own
//     invariants, a controller that never reaches a fixed point), and
//     RolloutBounds.
//  2. After the last step the faults stop: every armed fault is cleared,
//     every controller's read lag restored and every stopped node started. The cluster must then settle
//     (cluster.Settle within SettleLimit): a controller that keeps
//     failing or writing fails the property, naming the request.
//  3. Once settled, eventually stable reconciliation: one more reconcile
//     of every object of every registered controller's For resource
//     performs no write and returns no error; no object is left with an
//     owner reference to an owner that no longer exists (NoOrphans); and
//     the Steady invariants hold.
//
// Everything is drawn from rapid (the cluster's seed too), so a failure
// replays from rapid's seed or fail file, and shrinks.
package optest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/clients"
	"github.com/kubesem/kubesem/cluster"
)

// Operator describes the operator under test and the scenarios to draw.
type Operator struct {
	// New builds a fresh environment for one scenario: clients.New with
	// the given seed (in cluster.Options.Seed) and the CRDs, and the
	// operator's controllers registered.
	New func(t *rapid.T, seed uint64) *clients.Env
	// Actions are what users do (create a custom resource, change it,
	// delete it): each draws its own arguments from t.
	Actions []Action
	// Faults are drawn among the actions; nil means DefaultFaults().
	Faults []Action
	// Invariants must hold after every step.
	Invariants []Invariant
	// Steady invariants must hold once the faults have stopped and the
	// cluster has settled.
	Steady []Invariant
	// MaxSteps bounds a scenario's length; zero means 10.
	MaxSteps int
	// SettleLimit bounds the virtual time the cluster gets to settle
	// after the last step; zero means an hour.
	SettleLimit time.Duration
}

// Action is one thing a scenario does. Do draws what it needs from t,
// acts through the Env, and describes what it did for the schedule
// printed on failure ("create webapp shop image=v1 replicas=3"). An
// error fails the property (return nil for an expected refusal, such as
// an update that met a Conflict).
type Action struct {
	Name string
	Do   func(t *rapid.T, e *clients.Env) (string, error)
}

// Invariant is a check of the cluster's state.
type Invariant struct {
	Name  string
	Check func(e *clients.Env) error
}

// Check is the property: one scenario, drawn from t. Pass it to
// rapid.Check.
func (o Operator) Check(t *rapid.T) {
	if o.New == nil {
		t.Fatalf("optest: Operator.New is nil")
	}
	seed := rapid.Uint64Range(0, 1<<20).Draw(t, "seed")
	e := o.New(t, seed)
	c := e.Cluster()
	faults := o.Faults
	if faults == nil {
		faults = DefaultFaults()
	}
	actions := append(append([]Action{}, o.Actions...), faults...)
	if len(actions) == 0 {
		t.Fatalf("optest: no actions to draw")
	}
	maxSteps := o.MaxSteps
	if maxSteps <= 0 {
		maxSteps = 10
	}
	limit := o.SettleLimit
	if limit <= 0 {
		limit = time.Hour
	}
	r := &run{t: t, e: e, start: c.Now()}
	// Each step is one element of a drawn slice, run as it is drawn:
	// rapid shrinks a failing schedule by removing whole steps.
	step := 0
	rapid.SliceOfN(rapid.Custom(func(t *rapid.T) int {
		step++
		a := rapid.SampledFrom(actions).Draw(t, "action")
		desc, err := a.Do(t, e)
		r.note("%s", desc)
		if err != nil {
			r.fail("step %d (%s): %v", step, a.Name, err)
		}
		wait := rapid.SampledFrom([]time.Duration{0, time.Second, 10 * time.Second, time.Minute, 5 * time.Minute}).Draw(t, "wait")
		if wait > 0 {
			r.note("wait %s", wait)
		}
		if err := e.Advance(wait); err != nil {
			r.fail("step %d: the cluster's run: %v", step, err)
		}
		for _, inv := range append([]Invariant{RolloutBounds()}, o.Invariants...) {
			if err := inv.Check(e); err != nil {
				r.fail("after step %d: invariant %q: %v", step, inv.Name, err)
			}
		}
		return step
	}), 1, maxSteps).Draw(t, "steps")
	// The faults stop.
	r.note("faults stop; settle")
	err := e.Do(func(c *cluster.Cluster) error {
		c.ClearFaults()
		if err := restoreStaleReads(e, c); err != nil {
			return err
		}
		for _, n := range c.Nodes() {
			if !c.NodeRunning(n.Name) {
				if err := c.StartNode(n.Name); err != nil {
					return err
				}
			}
		}
		return c.Settle(limit)
	})
	if err != nil {
		r.fail("after the faults stopped the cluster did not settle: %v", err)
	}
	if err := EventuallyStable(e); err != nil {
		r.fail("eventually stable reconciliation: %v", err)
	}
	for _, inv := range append([]Invariant{NoOrphans()}, o.Steady...) {
		if err := inv.Check(e); err != nil {
			r.fail("once settled: invariant %q: %v", inv.Name, err)
		}
	}
}

// run is one scenario's record, for the failure report.
type run struct {
	t        *rapid.T
	e        *clients.Env
	start    time.Time
	schedule []string
}

func (r *run) note(format string, args ...any) {
	r.schedule = append(r.schedule, fmt.Sprintf("%9s  %s", r.e.Cluster().Elapsed(), fmt.Sprintf(format, args...)))
}

// fail reports the failure with the schedule, the end of the event log
// and the controllers' last requests.
func (r *run) fail(format string, args ...any) {
	c := r.e.Cluster()
	var b strings.Builder
	fmt.Fprintf(&b, format, args...)
	b.WriteString("\n\nschedule:\n")
	for _, s := range r.schedule {
		b.WriteString("  " + s + "\n")
	}
	evs := c.Events()
	b.WriteString("\nlast events:\n")
	for _, ev := range evs[max(0, len(evs)-20):] {
		fmt.Fprintf(&b, "  %9s  %s\n", ev.At.Sub(r.start), ev.String())
	}
	var reqs []string
	for _, rq := range c.Requests() {
		if rq.Controller != "" && rq.Verb != "get" && rq.Verb != "list" {
			reqs = append(reqs, rq.String())
		}
	}
	b.WriteString("\nthe controllers' last writes:\n")
	for _, s := range reqs[max(0, len(reqs)-20):] {
		b.WriteString("  " + s + "\n")
	}
	if errs := c.ReconcileErrors(); len(errs) > 0 {
		b.WriteString("\nlast reconcile errors:\n")
		for _, e := range errs[max(0, len(errs)-5):] {
			fmt.Fprintf(&b, "  %9s  %v\n", e.At.Sub(r.start), e)
		}
	}
	r.t.Fatalf("%s", b.String())
}

// EventuallyStable reconciles every object of every registered
// controller's For resource once more, and fails if that writes anything
// or returns an error.
func EventuallyStable(e *clients.Env) error {
	return e.Do(func(c *cluster.Cluster) error {
		for _, name := range c.Controllers() {
			reqs, errs := len(c.Requests()), len(c.ReconcileErrors())
			if err := c.ReconcileEvery(name); err != nil {
				return err
			}
			for _, rq := range c.Requests()[reqs:] {
				if rq.Controller == name && !slices.Contains([]string{"get", "list", "watch"}, rq.Verb) {
					return fmt.Errorf("controller %q still writes once settled: %s", name, rq.String())
				}
			}
			if more := c.ReconcileErrors()[errs:]; len(more) > 0 {
				return fmt.Errorf("controller %q still fails once settled: %v", name, more[0])
			}
		}
		return nil
	})
}

// NoOrphans checks that no namespaced object holds an owner reference to
// an owner that is gone (the garbage collector collects them; a
// controller that recreates them after the owner went leaks them).
func NoOrphans() Invariant {
	return Invariant{Name: "no dependent without its owner", Check: func(e *clients.Env) error {
		return e.Do(func(c *cluster.Cluster) error {
			uids := map[string]bool{}
			var all []cluster.Object
			seen := map[string]bool{}
			for _, r := range c.APIResources() {
				if !r.Namespaced || !r.Allows("list") || seen[r.Group+"/"+r.Name] {
					continue
				}
				seen[r.Group+"/"+r.Name] = true
				objs, err := c.List(r.Kind, cluster.AllNamespaces, "")
				if err != nil {
					continue
				}
				for _, o := range objs {
					uids[string(o.GetUID())] = true
				}
				all = append(all, objs...)
			}
			for _, o := range all {
				for _, ref := range o.GetOwnerReferences() {
					if !uids[string(ref.UID)] {
						return fmt.Errorf("%s %s/%s is owned by %s %s (uid %s), which is gone", cluster.KindOf(o), o.GetNamespace(), o.GetName(), ref.Kind, ref.Name, ref.UID)
					}
				}
			}
			return nil
		})
	}}
}

// RolloutBounds checks every RollingUpdate Deployment: the replicas of
// its ReplicaSets add up to at most spec.replicas + maxSurge (the
// Deployment controller's bound, rule DEP of docs/rules).
func RolloutBounds() Invariant {
	return Invariant{Name: "rollout within maxSurge", Check: func(e *clients.Env) error {
		return e.Do(func(c *cluster.Cluster) error {
			ds, err := c.Deployments(cluster.AllNamespaces, "")
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || d.Spec.Replicas == nil || d.Spec.Paused {
					continue
				}
				want := int(*d.Spec.Replicas)
				surge := intstr.FromString("25%")
				if ru := d.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxSurge != nil {
					surge = *ru.MaxSurge
				}
				s, err := intstr.GetScaledValueFromIntOrPercent(&surge, want, true)
				if err != nil {
					return err
				}
				rss, err := c.ReplicaSets(d.Namespace, "")
				if err != nil {
					return err
				}
				sum := 0
				for _, rs := range rss {
					if ref := metav1.GetControllerOf(rs); ref != nil && ref.UID == d.UID && rs.Spec.Replicas != nil {
						sum += int(*rs.Spec.Replicas)
					}
				}
				if sum > want+s {
					return fmt.Errorf("deployment %s/%s: its ReplicaSets want %d replicas, more than %d + maxSurge %d", d.Namespace, d.Name, sum, want, s)
				}
			}
			return nil
		})
	}}
}
