package cluster

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

var (
	cmRes     = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	deployRes = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	podRes    = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	svcRes    = schema.GroupVersionResource{Version: "v1", Resource: "services"}
)

// appController is a small operator over ConfigMaps labelled app=web:
// each gets a Deployment it owns with data.replicas replicas.
func appController(c *Cluster) Controller {
	api := c.API()
	return Controller{
		Name: "app",
		Watches: []Watch{
			{Resource: "configmaps"},
			{Resource: "deployments.apps", Handle: func(ev WatchEvent, q Queue) {
				d := ev.Object.(*appsv1.Deployment)
				if ref := metav1.GetControllerOf(d); ref != nil && ref.Kind == "ConfigMap" {
					q.Add(types.NamespacedName{Namespace: d.Namespace, Name: ref.Name})
				}
			}},
		},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			o, err := api.Get(ctx, cmRes, req.Namespace, req.Name, metav1.GetOptions{}, "")
			if apierrors.IsNotFound(err) {
				return Result{}, nil
			}
			if err != nil {
				return Result{}, err
			}
			cm := o.(*corev1.ConfigMap)
			if cm.Labels["app"] != "web" {
				return Result{}, nil
			}
			n, _ := strconv.Atoi(cm.Data["replicas"])
			d := deploymentObject(cm.Name, int32(n))
			d.Namespace = cm.Namespace
			d.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(cm, corev1.SchemeGroupVersion.WithKind("ConfigMap"))}
			cur, err := api.Get(ctx, deployRes, cm.Namespace, cm.Name, metav1.GetOptions{}, "")
			switch {
			case apierrors.IsNotFound(err):
				_, err = api.Create(ctx, deployRes, cm.Namespace, d, metav1.CreateOptions{FieldManager: "app"}, "")
				return Result{}, err
			case err != nil:
				return Result{}, err
			}
			have := cur.(*appsv1.Deployment)
			if *have.Spec.Replicas == int32(n) {
				return Result{}, nil
			}
			have.Spec.Replicas = ptr.To(int32(n))
			_, err = api.Update(ctx, deployRes, cm.Namespace, have, metav1.UpdateOptions{FieldManager: "app"}, "")
			return Result{}, err
		},
	}
}

func webConfigMap(replicas int) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "web"}},
		Data: map[string]string{"replicas": strconv.Itoa(replicas)}}
}

// Rule 13: a user's controller runs in the loop beside the built-in ones.
func TestUserControllerInTheLoop(t *testing.T) {
	c := newCluster(t)
	must(t, c.AddController(appController(c)))
	api := c.API()
	ctx := context.Background()
	if _, err := api.Create(ctx, cmRes, "default", webConfigMap(3), metav1.CreateOptions{}, ""); err != nil {
		t.Fatal(err)
	}
	// The create returned after the fixed point: the Deployment, its
	// ReplicaSet and pods exist.
	pods, err := c.Pods("default", "app=web")
	must(t, err)
	if len(pods) != 3 {
		t.Fatalf("%d pods after the create, want 3", len(pods))
	}
	must(t, c.Settle(time.Hour))
	cm, err := api.Get(ctx, cmRes, "default", "web", metav1.GetOptions{}, "")
	must(t, err)
	up := cm.(*corev1.ConfigMap)
	up.Data["replicas"] = "1"
	if _, err := api.Update(ctx, cmRes, "default", up, metav1.UpdateOptions{}, ""); err != nil {
		t.Fatal(err)
	}
	must(t, c.Settle(time.Hour))
	if pods, _ := c.Pods("default", "app=web"); len(pods) != 1 {
		t.Fatalf("%d pods after scaling to 1", len(pods))
	}
	// Deleting the owner: the garbage collector takes the Deployment.
	if _, err := api.Delete(ctx, cmRes, "default", "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	must(t, c.Settle(time.Hour))
	if ds, _ := c.Deployments("default", ""); len(ds) != 0 {
		t.Fatalf("%d deployments left after the owner went", len(ds))
	}
	var byApp []string
	for _, r := range c.Requests() {
		if r.Controller == "app" && r.Verb != "get" {
			byApp = append(byApp, r.Verb+" "+r.Resource+" "+r.Name+" "+strconv.Itoa(int(r.Code)))
		}
	}
	want := []string{"create deployments.apps web 201", "update deployments.apps web 200"}
	if diff := cmp.Diff(want, byApp); diff != "" {
		t.Fatalf("the controller's writes (-want +got):\n%s", diff)
	}
	if len(c.ReconcileErrors()) != 0 {
		t.Fatalf("reconcile errors: %v", c.ReconcileErrors())
	}
}

// Rule 13: errors are retried with the default rate limiter; a reconcile
// that fails forever stops Settle with an error naming it.
func TestUserControllerErrorBackoff(t *testing.T) {
	c := newCluster(t)
	must(t, c.AddController(Controller{Name: "failing", Watches: []Watch{{Resource: "cm"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			if req.Name == "bad" {
				return Result{}, errors.New("always")
			}
			return Result{}, nil
		}}))
	start := c.Now()
	if _, err := c.API().Create(context.Background(), cmRes, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "bad"}}, metav1.CreateOptions{}, ""); err != nil {
		t.Fatal(err)
	}
	err := c.Settle(time.Hour)
	if !errors.Is(err, ErrNotSettled) || !strings.Contains(err.Error(), `controller "failing": default/bad failed`) || !strings.Contains(err.Error(), "last error: always") {
		t.Fatalf("Settle: %v", err)
	}
	errs := c.ReconcileErrors()
	var gaps []time.Duration
	for i, e := range errs[:6] {
		if i == 0 {
			gaps = append(gaps, e.At.Sub(start))
			continue
		}
		gaps = append(gaps, e.At.Sub(errs[i-1].At))
	}
	want := []time.Duration{0, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond}
	if diff := cmp.Diff(want, gaps); diff != "" {
		t.Fatalf("retry gaps (-want +got):\n%s", diff)
	}
	// The last gaps are capped at 1000 s.
	last := errs[len(errs)-1].At.Sub(errs[len(errs)-2].At)
	if last > 1000*time.Second {
		t.Fatalf("a retry waited %s, more than the 1000 s cap", last)
	}
}

func TestDefaultRateLimiter(t *testing.T) {
	rl := DefaultRateLimiter()
	now := DefaultStart
	a := types.NamespacedName{Name: "a"}
	var got []time.Duration
	for range 5 {
		got = append(got, rl.When(a, now))
	}
	want := []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	rl.Forget(a)
	if d := rl.When(a, now); d != 5*time.Millisecond {
		t.Fatalf("after Forget: %s", d)
	}
	for range 40 {
		rl.When(a, now)
	}
	if d := rl.When(a, now); d != 1000*time.Second {
		t.Fatalf("capped: %s", d)
	}
	// The bucket: 100 retries at one instant pass, the next ones wait
	// 100 ms each more.
	rl = DefaultRateLimiter()
	for i := range 100 {
		rl.When(types.NamespacedName{Name: strconv.Itoa(i)}, now)
	}
	if d := rl.When(types.NamespacedName{Name: "x"}, now); d != 100*time.Millisecond {
		t.Fatalf("101st at one instant: %s, want 100ms", d)
	}
	if d := rl.When(types.NamespacedName{Name: "y"}, now); d != 200*time.Millisecond {
		t.Fatalf("102nd at one instant: %s, want 200ms", d)
	}
	if d := rl.When(types.NamespacedName{Name: "z"}, now.Add(time.Second)); d != 5*time.Millisecond {
		t.Fatalf("a second later: %s, want 5ms", d)
	}
}

// Rule 13: a terminal error is not retried; a panic is an error with its
// request, retried as an error.
func TestUserControllerTerminalAndPanic(t *testing.T) {
	c := newCluster(t)
	terminal := errors.New("terminal")
	calls := map[string]int{}
	must(t, c.AddController(Controller{Name: "odd", Watches: []Watch{{Resource: "configmaps"}},
		Terminal: func(err error) bool { return errors.Is(err, terminal) },
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			calls[req.Name]++
			switch req.Name {
			case "t":
				return Result{}, terminal
			case "p":
				if calls["p"] == 1 {
					var m map[string]int
					m["x"] = 1 // panics
				}
			}
			return Result{}, nil
		}}))
	for _, n := range []string{"t", "p"} {
		if _, err := c.API().Create(context.Background(), cmRes, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: n}}, metav1.CreateOptions{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	must(t, c.Settle(time.Hour))
	if calls["t"] != 1 || calls["p"] != 2 {
		t.Fatalf("calls %v: want t once (terminal), p twice (panic retried)", calls)
	}
	errs := c.ReconcileErrors()
	if len(errs) != 2 || !errs[0].Terminal || errs[1].Request.Name != "p" || !errs[1].Panic ||
		errs[1].Err.Error() != "panic: assignment to entry in nil map [recovered]" || !strings.Contains(errs[1].Stack, "usercontrollers_test.go") {
		t.Fatalf("errors: %+v", errs)
	}
}

// Bad input: a reconcile that writes on every call never reaches a
// fixed point: the loop's limit names the controller and the request.
func TestUserControllerLivelock(t *testing.T) {
	c, err := New(Options{Seed: 1, MaxRounds: 200})
	must(t, err)
	api := c.API()
	must(t, c.AddController(Controller{Name: "writer", Watches: []Watch{{Resource: "configmaps"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			o, err := api.Get(ctx, cmRes, req.Namespace, req.Name, metav1.GetOptions{}, "")
			if err != nil {
				return Result{}, err
			}
			cm := o.(*corev1.ConfigMap)
			cm.Data = map[string]string{"n": cm.ResourceVersion}
			_, err = api.Update(ctx, cmRes, req.Namespace, cm, metav1.UpdateOptions{}, "")
			return Result{}, err
		}}))
	_, err = api.Create(context.Background(), cmRes, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "loop"}}, metav1.CreateOptions{}, "")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Settle(time.Minute)
	if err == nil || !strings.Contains(err.Error(), "did not reach a fixed point") || !strings.Contains(err.Error(), `controller "writer": default/loop`) {
		t.Fatalf("Settle: %v", err)
	}
}

// Bad input: a watch of a resource the cluster does not serve is an
// error at registration.
func TestAddControllerErrors(t *testing.T) {
	c := newCluster(t)
	rec := func(context.Context, types.NamespacedName) (Result, error) { return Result{}, nil }
	cases := map[string]Controller{
		`cluster: controller "x" watches "widgets": the server doesn't have a resource type "widgets"`: {Name: "x", Reconcile: rec, Watches: []Watch{{Resource: "widgets"}}},
		`cluster: a controller needs a name`:       {Reconcile: rec, Watches: []Watch{{Resource: "pods"}}},
		`cluster: controller "x" has no reconcile`: {Name: "x", Watches: []Watch{{Resource: "pods"}}},
		`cluster: controller "x" watches nothing`:  {Name: "x", Reconcile: rec},
	}
	for want, ctl := range cases {
		if err := c.AddController(ctl); err == nil || err.Error() != want {
			t.Errorf("got %v\nwant %s", err, want)
		}
	}
	must(t, c.AddController(Controller{Name: "x", Reconcile: rec, Watches: []Watch{{Resource: "pods"}}}))
	if err := c.AddController(Controller{Name: "x", Reconcile: rec, Watches: []Watch{{Resource: "pods"}}}); err == nil {
		t.Error("a second controller named x was accepted")
	}
}

// Faults: an injected Conflict on the controller's writes is retried
// until the write lands; the request log shows both.
func TestUserControllerConflictFault(t *testing.T) {
	c := newCluster(t)
	must(t, c.AddController(appController(c)))
	must(t, c.InjectFault(Fault{Controller: "app", Resource: "deployments", Verbs: []string{"create"}, Times: 2}))
	if _, err := c.API().Create(context.Background(), cmRes, "default", webConfigMap(2), metav1.CreateOptions{}, ""); err != nil {
		t.Fatal(err)
	}
	must(t, c.Settle(time.Hour))
	var creates []string
	for _, r := range c.Requests() {
		if r.Controller == "app" && r.Verb == "create" {
			creates = append(creates, strconv.Itoa(int(r.Code))+" "+strconv.FormatBool(r.Injected)+" "+r.Error)
		}
	}
	want := []string{
		`409 true Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`,
		`409 true Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`,
		"201 false ",
	}
	if diff := cmp.Diff(want, creates); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if pods, _ := c.Pods("default", "app=web"); len(pods) != 2 {
		t.Fatalf("%d pods", len(pods))
	}
	if err := c.InjectFault(Fault{Resource: "widgets"}); err == nil {
		t.Fatal("a fault on an unknown resource was armed")
	}
	if err := c.InjectFault(Fault{Verbs: []string{"frob"}}); err == nil {
		t.Fatal("a fault on an unknown verb was armed")
	}
}

// Faults: a controller with stale reads sees the store as it was a few
// writes ago, and its events arrive as its cache catches up.
func TestUserControllerStaleReads(t *testing.T) {
	c := newCluster(t)
	api := c.API()
	var seen []string
	must(t, c.AddController(Controller{Name: "stale", StaleReads: 3, Watches: []Watch{{Resource: "configmaps"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			o, err := api.Get(ctx, cmRes, req.Namespace, req.Name, metav1.GetOptions{}, "")
			if err != nil {
				seen = append(seen, req.Name+":"+err.Error())
				return Result{}, nil
			}
			seen = append(seen, req.Name+"="+o.(*corev1.ConfigMap).Data["v"])
			return Result{}, nil
		}}))
	// Four writes inside one action: the controller runs after them, its
	// cache three writes behind.
	must(t, c.After(0, func(c *Cluster) error {
		for i := 1; i <= 4; i++ {
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c" + strconv.Itoa(i), Namespace: "default"}, Data: map[string]string{"v": "1"}}
			if _, err := api.Create(context.Background(), cmRes, "default", cm, metav1.CreateOptions{}, ""); err != nil {
				return err
			}
		}
		return nil
	}))
	must(t, c.Settle(time.Hour))
	want := []string{"c1=1", "c2=1", "c3=1", "c4=1"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// Rule 12: a pod created through the API gets the default tolerations and
// is charged to the namespace's quota; a Service gets its defaults and a
// ClusterIP.
func TestAPIAdmission(t *testing.T) {
	c := newCluster(t)
	api := c.API()
	ctx := context.Background()
	q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", Namespace: "default"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}}}
	_, err := c.Create(q)
	must(t, err)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p1"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
	out, err := api.Create(ctx, podRes, "default", pod, metav1.CreateOptions{}, "")
	must(t, err)
	if tols := out.(*corev1.Pod).Spec.Tolerations; len(tols) != 2 || tols[0].Key != TaintNotReady || *tols[1].TolerationSeconds != 300 {
		t.Fatalf("tolerations %+v", tols)
	}
	pod2 := pod.DeepCopy()
	pod2.Name = "p2"
	_, err = api.Create(ctx, podRes, "default", pod2, metav1.CreateOptions{}, "")
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "exceeded quota: q") {
		t.Fatalf("second pod: %v", err)
	}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}}}
	so, err := api.Create(ctx, svcRes, "default", svc, metav1.CreateOptions{}, "")
	must(t, err)
	s := so.(*corev1.Service).DeepCopy()
	if s.Spec.ClusterIP == "" || s.Spec.Type != corev1.ServiceTypeClusterIP || s.Spec.Ports[0].TargetPort.IntValue() != 80 {
		t.Fatalf("service %+v", s.Spec)
	}
	s.Spec.ClusterIP, s.Spec.ClusterIPs = "", nil
	s.Labels = map[string]string{"x": "y"}
	so2, err := api.Update(ctx, svcRes, "default", s, metav1.UpdateOptions{}, "")
	must(t, err)
	if so2.(*corev1.Service).Spec.ClusterIP != so.(*corev1.Service).Spec.ClusterIP {
		t.Fatalf("the update lost the ClusterIP")
	}
	_, err = api.Create(ctx, svcRes, "default", &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "noports"}}, metav1.CreateOptions{}, "")
	if !apierrors.IsInvalid(err) {
		t.Fatalf("a Service without ports: %v", err)
	}
}

// A restart drops the queue and lists everything again.
func TestRestartController(t *testing.T) {
	c := newCluster(t)
	var reconciled []string
	restarts := 0
	must(t, c.AddController(Controller{Name: "r", Watches: []Watch{{Resource: "namespaces"}},
		OnRestart: func() { restarts++ },
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			reconciled = append(reconciled, req.Name)
			return Result{}, nil
		}}))
	first := strings.Join(reconciled, ",")
	if first != "default,kube-node-lease,kube-public,kube-system" {
		t.Fatalf("initial list reconciled %s", first)
	}
	reconciled = nil
	must(t, c.RestartController("r"))
	if restarts != 1 || strings.Join(reconciled, ",") != first {
		t.Fatalf("after restart: %d restarts, reconciled %v", restarts, reconciled)
	}
	if err := c.RestartController("nope"); err == nil {
		t.Fatal("restarting an unknown controller worked")
	}
}

// ReconcileEvery reconciles every object of the first watch once more.
func TestReconcileEvery(t *testing.T) {
	c := newCluster(t)
	var got []string
	must(t, c.AddController(Controller{Name: "ns", Watches: []Watch{{Resource: "namespaces"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			got = append(got, req.Name)
			return Result{}, nil
		}}))
	got = nil
	must(t, c.ReconcileEvery("ns"))
	if strings.Join(got, ",") != "default,kube-node-lease,kube-public,kube-system" {
		t.Fatalf("reconciled %v", got)
	}
	if c.ReconcileEvery("x") == nil || strings.Join(c.Controllers(), ",") != "ns" {
		t.Fatal("unknown controller accepted, or Controllers wrong")
	}
}

// CrashContainer: the running instance exits now; the kubelet restarts
// it after the back-off.
func TestCrashContainer(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 1))
	must(t, err)
	must(t, c.Settle(time.Hour))
	pods, err := c.Pods("default", "app=web")
	must(t, err)
	must(t, c.CrashContainer("default", pods[0].Name, "c", 1))
	p, err := c.Get("Pod", "default", pods[0].Name)
	must(t, err)
	cs := p.(*corev1.Pod).Status.ContainerStatuses[0]
	if cs.State.Running != nil || cs.LastTerminationState.Terminated == nil && cs.State.Terminated == nil {
		t.Fatalf("after the crash: %+v", cs)
	}
	must(t, c.Advance(time.Minute))
	p, _ = c.Get("Pod", "default", pods[0].Name)
	cs = p.(*corev1.Pod).Status.ContainerStatuses[0]
	if cs.RestartCount != 1 || cs.State.Running == nil || cs.LastTerminationState.Terminated.ExitCode != 1 {
		t.Fatalf("a minute later: %+v", cs)
	}
	if err := c.CrashContainer("default", pods[0].Name, "nope", 1); err == nil {
		t.Fatal("crashing a missing container worked")
	}
	if err := c.CrashContainer("default", "nope", "c", 1); !apierrors.IsNotFound(err) {
		t.Fatalf("crashing a missing pod: %v", err)
	}
}

// Evict: a pod no budget protects is evicted (DisruptionTarget, then a
// graceful delete); a budget with no disruption allowed refuses with 429.
func TestEvict(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 2))
	must(t, err)
	must(t, c.Settle(time.Hour))
	pods, err := c.Pods("default", "app=web")
	must(t, err)
	must(t, c.Evict("default", pods[0].Name))
	p, err := c.Get("Pod", "default", pods[0].Name)
	must(t, err)
	pod := p.(*corev1.Pod)
	if pod.DeletionTimestamp == nil || pod.Status.Conditions[len(pod.Status.Conditions)-1].Reason != "EvictionByEvictionAPI" {
		t.Fatalf("evicted pod: %+v", pod.Status.Conditions)
	}
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "web-pdb", Namespace: "default"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr.To(intstr.FromInt32(2)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}
	_, err = c.Create(pdb)
	must(t, err)
	must(t, c.Settle(time.Hour))
	pods, _ = c.Pods("default", "app=web")
	err = c.Evict("default", pods[0].Name)
	if !apierrors.IsTooManyRequests(err) || err.Error() != "Cannot evict pod as it would violate the pod's disruption budget." {
		t.Fatalf("eviction under a budget being processed: %v", err)
	}
	if c.Evict("default", "nope") == nil {
		t.Fatal("evicting a missing pod worked")
	}
}

// Bad input: a reconcile may not run the clock.
func TestReconcileCannotRunTheClock(t *testing.T) {
	c := newCluster(t)
	var got error
	must(t, c.AddController(Controller{Name: "clocky", Watches: []Watch{{Resource: "namespaces"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			got = c.Advance(time.Second)
			return Result{}, nil
		}}))
	if got == nil || !strings.Contains(got.Error(), "inside the controllers' loop") {
		t.Fatalf("Advance from a reconcile: %v", got)
	}
}

// Bad input: a controller that writes every 30 s never lets the cluster
// settle; Settle's error names its last write.
func TestUserControllerNeverSettles(t *testing.T) {
	c := newCluster(t)
	api := c.API()
	must(t, c.AddController(Controller{Name: "ticker", Watches: []Watch{{Resource: "configmaps"}},
		Reconcile: func(ctx context.Context, req types.NamespacedName) (Result, error) {
			o, err := api.Get(ctx, cmRes, req.Namespace, req.Name, metav1.GetOptions{}, "")
			if err != nil {
				return Result{}, nil
			}
			cm := o.(*corev1.ConfigMap)
			cm.Data = map[string]string{"at": c.Now().String()}
			if _, err := api.Update(ctx, cmRes, req.Namespace, cm, metav1.UpdateOptions{}, ""); err != nil {
				return Result{}, err
			}
			return Result{RequeueAfter: 30 * time.Second}, nil
		}}))
	_, err := api.Create(context.Background(), cmRes, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "clock"}}, metav1.CreateOptions{}, "")
	must(t, err)
	err = c.Settle(10 * time.Minute)
	if !errors.Is(err, ErrNotSettled) || !strings.Contains(err.Error(), `controller "ticker": update configmaps default/clock`) {
		t.Fatalf("Settle: %v", err)
	}
}

// A pod relabelled through the API (a merge patch, as kubectl label
// sends it) wakes its ReplicaSet as a pod the cluster wrote would: the
// pod is released and a replacement created at once, even at the instant
// of the ReplicaSet's last, quiet, sync.
func TestAPIPodRelabelWakesReplicaSet(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 2))
	must(t, err)
	// no time passes: the ReplicaSet's last sync is at this instant
	pods, err := c.Pods("default", "app=web")
	must(t, err)
	if len(pods) != 2 {
		t.Fatalf("%d pods, want 2", len(pods))
	}
	podRes := corev1.SchemeGroupVersion.WithResource("pods")
	if _, err := c.API().Patch(context.Background(), podRes, "default", pods[0].Name, types.MergePatchType, []byte(`{"metadata":{"labels":{"app":"red"}}}`), metav1.PatchOptions{}, ""); err != nil {
		t.Fatal(err)
	}
	web, err := c.Pods("default", "app=web")
	must(t, err)
	red, err := c.Pods("default", "app=red")
	must(t, err)
	if len(web) != 2 || len(red) != 1 || metav1.GetControllerOf(red[0]) != nil {
		t.Errorf("after the relabel: %d web pods, %d red (owner %v); want 2 web and 1 released red", len(web), len(red), red)
	}
}
