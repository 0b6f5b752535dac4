package controller

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"pgregory.net/rapid"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubesem/kubesem/clients"
	"github.com/kubesem/kubesem/clients/optest"
	"github.com/kubesem/kubesem/cluster"
	webappv1 "github.com/kubesem/kubesem/examples/webapp-operator/api/v1"
)

// The users' actions on WebApps, with explicit arguments (the property
// draws them; the determinism check replays them).

var (
	appNames = []string{"shop", "blog"}
	images   = []string{"gasbugs/http-go:v1", "gasbugs/http-go:v2", "gasbugs/http-go:v3"}
)

func createApp(k client.Client, name, image string, replicas int32) error {
	app := &webappv1.WebApp{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: webappv1.WebAppSpec{Image: image, Replicas: ptr.To(replicas)}}
	return ignore(k.Create(context.Background(), app), apierrors.IsAlreadyExists)
}

func changeApp(k client.Client, name string, change func(*webappv1.WebApp)) error {
	var app webappv1.WebApp
	if err := k.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, &app); err != nil {
		return ignore(err, apierrors.IsNotFound)
	}
	change(&app)
	return ignore(k.Update(context.Background(), &app), apierrors.IsNotFound, apierrors.IsConflict)
}

func deleteApp(k client.Client, name string) error {
	app := &webappv1.WebApp{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}}
	return ignore(k.Delete(context.Background(), app), apierrors.IsNotFound)
}

// ignore drops the errors a user expects (the object is there already,
// is gone, or moved on).
func ignore(err error, expected ...func(error) bool) error {
	for _, f := range expected {
		if f(err) {
			return nil
		}
	}
	return err
}

func webAppActions(k func(*clients.Env) client.Client) []optest.Action {
	return []optest.Action{
		{Name: "create", Do: func(t *rapid.T, e *clients.Env) (string, error) {
			name, image := rapid.SampledFrom(appNames).Draw(t, "name"), rapid.SampledFrom(images).Draw(t, "image")
			n := rapid.Int32Range(0, 3).Draw(t, "replicas")
			return fmt.Sprintf("create webapp %s image=%s replicas=%d", name, image, n), createApp(k(e), name, image, n)
		}},
		{Name: "set image", Do: func(t *rapid.T, e *clients.Env) (string, error) {
			name, image := rapid.SampledFrom(appNames).Draw(t, "name"), rapid.SampledFrom(images).Draw(t, "image")
			return fmt.Sprintf("set webapp %s image=%s", name, image), changeApp(k(e), name, func(a *webappv1.WebApp) { a.Spec.Image = image })
		}},
		{Name: "scale", Do: func(t *rapid.T, e *clients.Env) (string, error) {
			name, n := rapid.SampledFrom(appNames).Draw(t, "name"), rapid.Int32Range(0, 4).Draw(t, "replicas")
			return fmt.Sprintf("scale webapp %s to %d", name, n), changeApp(k(e), name, func(a *webappv1.WebApp) { a.Spec.Replicas = ptr.To(n) })
		}},
		{Name: "delete", Do: func(t *rapid.T, e *clients.Env) (string, error) {
			name := rapid.SampledFrom(appNames).Draw(t, "name")
			return "delete webapp " + name, deleteApp(k(e), name)
		}},
	}
}

// webAppsConverged is the operator's steady state: every WebApp Ready
// with its replicas available and its image rolled out, its registry
// entry present; no entry for a WebApp that is gone.
func webAppsConverged(k func(*clients.Env) client.Client) optest.Invariant {
	return optest.Invariant{Name: "webapps converged", Check: func(e *clients.Env) error {
		ctx := context.Background()
		var apps webappv1.WebAppList
		if err := k(e).List(ctx, &apps, client.InNamespace("default")); err != nil {
			return err
		}
		var reg corev1.ConfigMap
		_ = k(e).Get(ctx, client.ObjectKey{Namespace: "default", Name: RegistryName}, &reg)
		for _, a := range apps.Items {
			c := meta.FindStatusCondition(a.Status.Conditions, ConditionReady)
			if c == nil || c.Status != metav1.ConditionTrue || a.Status.ObservedGeneration != a.Generation || a.Status.AvailableReplicas != *a.Spec.Replicas {
				return fmt.Errorf("webapp %s: status %+v does not report its spec (generation %d, %d replicas) Ready", a.Name, a.Status, a.Generation, *a.Spec.Replicas)
			}
			var d appsv1.Deployment
			if err := k(e).Get(ctx, client.ObjectKeyFromObject(&a), &d); err != nil || d.Spec.Template.Spec.Containers[0].Image != a.Spec.Image {
				return fmt.Errorf("webapp %s: deployment %v image %v", a.Name, err, d.Spec.Template.Spec.Containers)
			}
			if reg.Data[a.Name] == "" {
				return fmt.Errorf("webapp %s is not in the registry %v", a.Name, reg.Data)
			}
		}
		for name := range reg.Data {
			found := false
			for _, a := range apps.Items {
				found = found || a.Name == name
			}
			if !found {
				return fmt.Errorf("the registry lists %s, which is gone", name)
			}
		}
		return nil
	}}
}

// webAppOperator is the kit's description of the operator; buggy seeds
// the IgnoreConflicts bug.
func webAppOperator(buggy bool) optest.Operator {
	clientOf := map[*clients.Env]client.Client{}
	k := func(e *clients.Env) client.Client { return clientOf[e] }
	return optest.Operator{
		New: func(t *rapid.T, seed uint64) *clients.Env {
			r := &WebAppReconciler{IgnoreConflicts: buggy}
			env, kc := startEnv(t, seed, r)
			clientOf[env] = kc
			return env
		},
		Actions: webAppActions(k),
		Steady:  []optest.Invariant{webAppsConverged(k)},
	}
}

// The operator keeps its invariants under random actions and faults.
func TestWebAppProperties(t *testing.T) {
	rapid.Check(t, webAppOperator(false).Check)
}

// The kit finds the bug seeded in the variant that takes a Conflict on
// its status write for success, and shrinks the schedule. A shrunk
// schedule it printed (the draws vary with rapid's seed):
//
//	       0s  create webapp shop image=gasbugs/http-go:v1 replicas=1
//	       0s  eviction: no running pod
//	       0s  wait 5m0s
//	     5m0s  fault: pod default/shop-65c7f7fd94-bptww evicted
//	     5m0s  wait 1s
//	     5m1s  fault: the next 3 status writes of webapp conflict
//	     5m1s  wait 10s
//	    5m11s  faults stop; settle
//	eventually stable reconciliation: controller "webapp" still writes
//	once settled: 2026-01-01T09:07:02Z webapp update
//	webapps.webapp.example.com/status default/shop 200
//
// with the controller's writes before it:
//
//	09:05:00Z webapp update webapps.webapp.example.com/status default/shop 200
//	09:05:02Z webapp update webapps.webapp.example.com/status default/shop 409 … (injected)
//
// The evicted pod's replacement became available at 5m2s; the status
// write that would have reported it met the Conflict and was dropped;
// nothing changed afterwards to wake the controller, so the WebApp kept
// reporting a pod missing until one more reconcile wrote it.
func TestKitFindsIgnoredConflict(t *testing.T) {
	rec := &recorder{name: "TestKitFindsIgnoredConflict_expected_failure"}
	defer os.RemoveAll(filepath.Join("testdata", "rapid", rec.name))
	// Up to 1,000 scenarios (it stops at the first failure); shrinking
	// gets 10 s (rapid's default is 30 s) and writes no fail file: the
	// failure is this test's expected result.
	for name, v := range map[string]string{"rapid.shrinktime": "10s", "rapid.nofailfile": "true", "rapid.checks": "1000"} {
		old := flag.Lookup(name).Value.String()
		if err := flag.Set(name, v); err != nil {
			t.Fatal(err)
		}
		defer flag.Set(name, old)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The faults that meet a status write: conflicts, and pods that
		// come and go (so the status has something new to report).
		op := webAppOperator(true)
		op.Faults = []optest.Action{optest.ConflictFault(), optest.CrashFault(), optest.EvictionFault()}
		op.MaxSteps = 20
		rapid.Check(rec, op.Check)
	}()
	<-done
	if !rec.failed {
		t.Fatal("the property kit did not find the seeded bug")
	}
	out := rec.String()
	if !strings.Contains(out, "faults stop") || !(strings.Contains(out, "still writes once settled") || strings.Contains(out, "webapps converged")) {
		t.Fatalf("the failure does not read as the seeded bug:\n%s", out)
	}
	t.Logf("the kit's report:\n%s", out)
}

// recorder is a rapid.TB that keeps what rapid reports instead of
// failing the test: the expected failure is the result.
type recorder struct {
	name   string
	failed bool
	log    strings.Builder
}

func (r *recorder) Helper()                           {}
func (r *recorder) Name() string                      { return r.name }
func (r *recorder) Logf(format string, args ...any)   { fmt.Fprintf(&r.log, format+"\n", args...) }
func (r *recorder) Log(args ...any)                   { fmt.Fprintln(&r.log, args...) }
func (r *recorder) Skipf(format string, args ...any)  { r.Logf(format, args...) }
func (r *recorder) Skip(args ...any)                  { r.Log(args...) }
func (r *recorder) SkipNow()                          {}
func (r *recorder) Errorf(format string, args ...any) { r.failed = true; r.Logf(format, args...) }
func (r *recorder) Error(args ...any)                 { r.failed = true; r.Log(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); r.FailNow() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); r.FailNow() }
func (r *recorder) FailNow()                          { r.failed = true; runtime.Goexit() }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) Failed() bool                      { return r.failed }
func (r *recorder) String() string                    { return r.log.String() }

// The same seed and the same calls give the same transcript, byte for
// byte: events, the operator's requests, the objects.
func TestWebAppDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64Range(0, 1000).Draw(t, "seed")
		type step struct {
			kind     int
			name     string
			image    string
			replicas int32
			wait     time.Duration
		}
		plan := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) step {
			return step{kind: rapid.IntRange(0, 5).Draw(t, "kind"), name: rapid.SampledFrom(appNames).Draw(t, "name"),
				image: rapid.SampledFrom(images).Draw(t, "image"), replicas: rapid.Int32Range(0, 3).Draw(t, "replicas"),
				wait: rapid.SampledFrom([]time.Duration{0, time.Second, time.Minute, 6 * time.Minute}).Draw(t, "wait")}
		}), 1, 6).Draw(t, "plan")
		run := func() string {
			env, k := startEnv(t, seed, &WebAppReconciler{})
			c := env.Cluster()
			for _, s := range plan {
				var err error
				switch s.kind {
				case 0:
					err = createApp(k, s.name, s.image, s.replicas)
				case 1:
					err = changeApp(k, s.name, func(a *webappv1.WebApp) { a.Spec.Image = s.image })
				case 2:
					err = changeApp(k, s.name, func(a *webappv1.WebApp) { a.Spec.Replicas = ptr.To(s.replicas) })
				case 3:
					err = deleteApp(k, s.name)
				case 4:
					err = c.InjectFault(cluster.Fault{Controller: "webapp", Times: int(s.replicas) + 1})
				case 5:
					if c.NodeRunning("worker2") {
						err = c.StopNode("worker2")
					} else {
						err = c.StartNode("worker2")
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Advance(s.wait); err != nil {
					t.Fatal(err)
				}
			}
			var b strings.Builder
			for _, e := range c.Events() {
				fmt.Fprintf(&b, "%s %s\n", e.At.Format(time.RFC3339Nano), e.String())
			}
			for _, r := range c.Requests() {
				b.WriteString(r.String() + "\n")
			}
			var apps webappv1.WebAppList
			_ = k.List(context.Background(), &apps)
			var pods corev1.PodList
			_ = k.List(context.Background(), &pods)
			objs, err := json.Marshal([]any{apps.Items, pods.Items})
			if err != nil {
				t.Fatal(err)
			}
			b.Write(objs)
			return b.String()
		}
		a, b := run(), run()
		if a != b {
			t.Fatalf("two runs with seed %d differ:\n%s", seed, firstDiff(a, b))
		}
	})
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}
