package controller

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubesem/kubesem/clients"
	"github.com/kubesem/kubesem/cluster"
	webappv1 "github.com/kubesem/kubesem/examples/webapp-operator/api/v1"
)

// fataler is what startEnv needs of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

// newScheme is the operator's scheme: the built-in kinds and WebApp.
func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = webappv1.AddToScheme(s)
	return s
}

// startEnv is what a user's suite_test.go does with envtest, in kubesem:
// a cluster whose built-in controllers run (Deployments get pods, the
// garbage collector and the kubelet work), the CRDs kubebuilder
// generated, and the operator's reconciler registered in the cluster's
// loop with the chain SetupWithManager uses.
func startEnv(t fataler, seed uint64, r *WebAppReconciler) (*clients.Env, client.Client) {
	t.Helper()
	env, err := clients.New(clients.Options{
		Cluster:           cluster.Options{Seed: seed},
		Scheme:            newScheme(),
		CRDDirectoryPaths: []string{"../../config/crd/bases"},
	})
	if err != nil {
		t.Fatal(err)
	}
	k := env.Client()
	r.Client, r.Scheme, r.Clock = k, env.Scheme(), env.Clock()
	err = clients.NewControllerManagedBy(env).
		For(&webappv1.WebApp{}).
		Owns(&appsv1.Deployment{}).
		Owns(&corev1.Service{}).
		Named("webapp").
		Complete(r)
	if err != nil {
		t.Fatal(err)
	}
	return env, k
}

func newWebApp(image string, replicas int32) *webappv1.WebApp {
	return &webappv1.WebApp{ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: "default"},
		Spec: webappv1.WebAppSpec{Image: image, Replicas: ptr.To(replicas)}}
}

// ready reports the WebApp's Ready condition, "" when it has none.
func ready(k client.Client, name string) string {
	var app webappv1.WebApp
	if err := k.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, &app); err != nil {
		return "gone"
	}
	c := meta.FindStatusCondition(app.Status.Conditions, ConditionReady)
	if c == nil || c.ObservedGeneration != app.Generation {
		return ""
	}
	return string(c.Status)
}

// The operator from create to Ready, through an image change, a node
// failure and deletion: half an hour of virtual time.
func TestWebAppScenario(t *testing.T) {
	transcript := runScenario(t, 7)
	for _, want := range []string{
		"Ready=True after create",
		"Ready=False during the rollout to v2",
		"Ready=True with 3 pods of gasbugs/http-go:v2",
		"Ready=False after worker2 stopped",
		"Ready=True again, no pod on worker2",
		"deleted: registry entry removed, Deployment and Service collected",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the scenario did not reach %q:\n%s", want, transcript)
		}
	}
}

// runScenario runs the scenario on a cluster with the given seed and
// returns its transcript: the milestones, then the cluster's event log
// and every request the operator made.
func runScenario(t testing.TB, seed uint64) string {
	t.Helper()
	r := &WebAppReconciler{}
	env, k := startEnv(t, seed, r)
	c := env.Cluster()
	ctx := context.Background()
	var out strings.Builder
	note := func(format string, args ...any) {
		fmt.Fprintf(&out, "%8s  %s\n", c.Elapsed(), fmt.Sprintf(format, args...))
	}
	waitReady := func(want string, limit time.Duration) {
		t.Helper()
		if err := c.RunUntil(func(*cluster.Cluster) bool { return ready(k, "shop") == want }, limit); err != nil {
			t.Fatalf("waiting for Ready=%s: %v", want, err)
		}
	}

	app := newWebApp("gasbugs/http-go:v1", 3)
	if err := k.Create(ctx, app); err != nil {
		t.Fatal(err)
	}
	waitReady("True", 5*time.Minute)
	note("Ready=True after create")
	var svc corev1.Service
	var reg corev1.ConfigMap
	if err := k.Get(ctx, client.ObjectKey{Namespace: "default", Name: "shop"}, &svc); err != nil || svc.Spec.ClusterIP == "" {
		t.Fatalf("service: %v %+v", err, svc.Spec)
	}
	if err := k.Get(ctx, client.ObjectKey{Namespace: "default", Name: RegistryName}, &reg); err != nil || reg.Data["shop"] != "http://shop.default.svc" {
		t.Fatalf("registry: %v %v", err, reg.Data)
	}
	if err := c.Advance(10 * time.Minute); err != nil {
		t.Fatal(err)
	}

	if err := k.Get(ctx, client.ObjectKeyFromObject(app), app); err != nil {
		t.Fatal(err)
	}
	app.Spec.Image = "gasbugs/http-go:v2"
	if err := k.Update(ctx, app); err != nil {
		t.Fatal(err)
	}
	if ready(k, "shop") == "False" {
		note("Ready=False during the rollout to v2")
	}
	waitReady("True", 10*time.Minute)
	pods := podsOf(t, k)
	images := map[string]int{}
	for _, p := range pods {
		images[p.Spec.Containers[0].Image]++
	}
	note("Ready=True with %d pods of %s", images["gasbugs/http-go:v2"], "gasbugs/http-go:v2")
	if err := c.Advance(5 * time.Minute); err != nil {
		t.Fatal(err)
	}

	if err := c.StopNode("worker2"); err != nil {
		t.Fatal(err)
	}
	waitReady("False", 5*time.Minute)
	note("Ready=False after worker2 stopped")
	waitReady("True", 15*time.Minute)
	onWorker2 := 0
	for _, p := range podsOf(t, k) {
		if p.Spec.NodeName == "worker2" && p.DeletionTimestamp == nil {
			onWorker2++
		}
	}
	if onWorker2 == 0 {
		note("Ready=True again, no pod on worker2")
	}
	if err := c.StartNode("worker2"); err != nil {
		t.Fatal(err)
	}

	if err := k.Delete(ctx, app); err != nil {
		t.Fatal(err)
	}
	if err := c.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	var d appsv1.Deployment
	errD := k.Get(ctx, client.ObjectKey{Namespace: "default", Name: "shop"}, &d)
	errS := k.Get(ctx, client.ObjectKey{Namespace: "default", Name: "shop"}, &svc)
	errA := k.Get(ctx, client.ObjectKeyFromObject(app), app)
	if err := k.Get(ctx, client.ObjectKey{Namespace: "default", Name: RegistryName}, &reg); err != nil {
		t.Fatal(err)
	}
	if _, has := reg.Data["shop"]; !has && apierrors.IsNotFound(errD) && apierrors.IsNotFound(errS) && apierrors.IsNotFound(errA) {
		note("deleted: registry entry removed, Deployment and Service collected")
	}
	if c.Elapsed() < 30*time.Minute {
		if err := c.Advance(30*time.Minute - c.Elapsed()); err != nil {
			t.Fatal(err)
		}
	}
	note("end")
	if errs := c.ReconcileErrors(); len(errs) > 0 {
		t.Errorf("reconcile errors: %v", errs)
	}
	out.WriteString("\nevents:\n")
	for _, e := range c.Events() {
		out.WriteString(e.String() + "\n")
	}
	out.WriteString("\nthe operator's requests:\n")
	for _, rq := range c.Requests() {
		if rq.Controller == "webapp" {
			out.WriteString(rq.String() + "\n")
		}
	}
	return out.String()
}

func podsOf(t testing.TB, k client.Client) []corev1.Pod {
	t.Helper()
	var pods corev1.PodList
	if err := k.List(context.Background(), &pods, client.InNamespace("default"), client.MatchingLabels{"app.kubernetes.io/instance": "shop"}); err != nil {
		t.Fatal(err)
	}
	return pods.Items
}
