package restserver

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestControllerRuntime(t *testing.T) {
	b, cfg := setup(t)
	log := &headerLog{next: cfg.Transport}
	cfg.Transport = log
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: b.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	w, err := c.Watch(ctx, &corev1.ConfigMapList{}, client.InNamespace("default"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cr", Namespace: "default", Labels: map[string]string{"k": "v"}}, Data: map[string]string{"a": "1"}}
	if err := c.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if cm.UID == "" {
		t.Fatal("create did not fill the object in")
	}
	var got corev1.ConfigMap
	if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "cr"}, &got); err != nil || got.Data["a"] != "1" {
		t.Fatalf("get %v %v", got, err)
	}
	var list corev1.ConfigMapList
	if err := c.List(ctx, &list, client.InNamespace("default"), client.MatchingLabels{"k": "v"}); err != nil || len(list.Items) != 1 {
		t.Fatalf("list %v %v", list.Items, err)
	}
	got.Data["a"] = "2"
	if err := c.Update(ctx, &got); err != nil {
		t.Fatal(err)
	}
	base := got.DeepCopy()
	got.Data["b"] = "3"
	if err := c.Patch(ctx, &got, client.MergeFrom(base)); err != nil || got.Data["b"] != "3" {
		t.Fatalf("patch %v", err)
	}
	if err := c.Apply(ctx, corev1ac.ConfigMap("cr", "default").WithData(map[string]string{"c": "4"}), client.FieldOwner("applier"), client.ForceOwnership); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(&got), &got); err != nil || got.Data["c"] != "4" {
		t.Fatalf("after apply %v %v", got.Data, err)
	}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "nope"}, &got); !apierrors.IsNotFound(err) {
		t.Fatalf("get missing %v", err)
	}

	// Status and scale of a Deployment.
	d := deployment("web", 1)
	if err := c.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Status.ObservedGeneration = 1
	if err := c.Status().Update(ctx, d); err != nil || d.Status.ObservedGeneration != 1 {
		t.Fatalf("status update %v", err)
	}
	var sc autoscalingv1.Scale
	if err := c.SubResource("scale").Get(ctx, d, &sc); err != nil || sc.Spec.Replicas != 1 {
		t.Fatalf("get scale %+v %v", sc, err)
	}
	sc.Spec.Replicas = 3
	if err := c.SubResource("scale").Update(ctx, d, client.WithSubResourceBody(&sc)); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(d), d); err != nil || *d.Spec.Replicas != 3 {
		t.Fatalf("after scale %v", err)
	}
	if err := c.Delete(ctx, d, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, &got); err != nil {
		t.Fatal(err)
	}

	// The watch saw the config map come, change and go.
	var types []watch.EventType
	for len(types) < 5 {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed after %v", types)
			}
			if m, ok := ev.Object.(*corev1.ConfigMap); !ok || m.Name != "cr" {
				t.Fatalf("event %v %T", ev.Type, ev.Object)
			}
			types = append(types, ev.Type)
		case <-ctx.Done():
			t.Fatalf("watch saw only %v", types)
		}
	}
	want := []watch.EventType{watch.Added, watch.Modified, watch.Modified, watch.Modified, watch.Deleted}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("events %v, want %v", types, want)
		}
	}
	for _, l := range log.lines() {
		t.Log(l)
	}
}

func TestInformer(t *testing.T) {
	_, cfg := setup(t)
	var mu sync.Mutex
	var queries []string
	next := cfg.Transport
	cfg.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		queries = append(queries, req.Method+" "+req.URL.Path+"?"+req.URL.RawQuery)
		mu.Unlock()
		return next.RoundTrip(req)
	})
	cs := clientset(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "before"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	factory := informers.NewSharedInformerFactory(cs, 0)
	inf := factory.Core().V1().Pods().Informer()
	added := make(chan string, 10)
	deleted := make(chan string, 10)
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { added <- obj.(*corev1.Pod).Name },
		DeleteFunc: func(obj any) { deleted <- obj.(*corev1.Pod).Name },
	}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	factory.Start(stop)
	defer factory.Shutdown()
	defer close(stop)
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			t.Fatalf("%v did not sync", typ)
		}
	}
	expect := func(ch chan string, name string) {
		t.Helper()
		select {
		case got := <-ch:
			if got != name {
				t.Fatalf("handler got %s, want %s", got, name)
			}
		case <-ctx.Done():
			t.Fatalf("handler not called for %s", name)
		}
	}
	expect(added, "before")
	if _, err := cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "after"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect(added, "after")
	if err := cs.CoreV1().Pods("default").Delete(ctx, "after", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	expect(deleted, "after")
	if n := len(inf.GetStore().List()); n != 1 {
		t.Fatalf("store holds %d pods", n)
	}
	// The informer synced by the watch-list protocol: one watch, no list.
	mu.Lock()
	defer mu.Unlock()
	if len(queries) != 4 || !strings.Contains(queries[1], "sendInitialEvents=true") || !strings.Contains(queries[1], "watch=true") {
		t.Fatalf("requests %q", queries)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// ctxKey marks a request's context.
type ctxKey struct{}

// ctxBackend records the context value each Get sees.
type ctxBackend struct {
	*testBackend
	mu   sync.Mutex
	seen []any
}

func (b *ctxBackend) Get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.GetOptions, sub string) (runtime.Object, error) {
	b.mu.Lock()
	b.seen = append(b.seen, ctx.Value(ctxKey{}))
	b.mu.Unlock()
	return b.testBackend.Get(ctx, gvr, ns, name, opts, sub)
}

// TestContextReachesBackend: the caller's context values reach the
// backend, and the call has been answered when the client returns.
func TestContextReachesBackend(t *testing.T) {
	b := &ctxBackend{testBackend: newTestBackend()}
	cfg := Config(b)
	cs := clientset(t, cfg)
	c, err := client.New(cfg, client.Options{Scheme: b.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), ctxKey{}, "controller-a")
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx = context.WithValue(context.Background(), ctxKey{}, "controller-b")
	if err := c.Get(ctx, client.ObjectKey{Name: "default"}, &corev1.Namespace{}); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.seen) != 2 || b.seen[0] != "controller-a" || b.seen[1] != "controller-b" {
		t.Fatalf("backend saw %v", b.seen)
	}
}

// TestControllerRuntimeCustomResource: controller-runtime's RESTMapper
// finds a custom resource whose definition was created after the client.
func TestControllerRuntimeCustomResource(t *testing.T) {
	b, cfg := setup(t)
	c, err := client.New(cfg, client.Options{Scheme: b.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ct := unstructuredFromYAML(t, `{apiVersion: stable.example.com/v1, kind: CronTab, metadata: {name: nightly, namespace: default}, spec: {cron: x}}`)
	if err := c.Create(ctx, ct.DeepCopy()); err == nil {
		t.Fatal("created a custom resource before its definition")
	}
	if err := c.Create(ctx, unstructuredFromYAML(t, crontabCRD)); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, ct); err != nil {
		t.Fatal(err)
	}
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(ct.GroupVersionKind())
	if err := c.Get(ctx, client.ObjectKeyFromObject(ct), got); err != nil || got.Object["spec"].(map[string]any)["replicas"] != int64(1) {
		t.Fatalf("get %v %v", got, err)
	}
	// controller-runtime's unstructured client wants an unstructured Scale.
	scale := &unstructured.Unstructured{}
	scale.SetGroupVersionKind(autoscalingv1.SchemeGroupVersion.WithKind("Scale"))
	if err := c.SubResource("scale").Get(ctx, got, scale); err != nil || scale.Object["spec"].(map[string]any)["replicas"] != int64(1) {
		t.Fatalf("scale %+v %v", scale, err)
	}
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(ct.GroupVersionKind().GroupVersion().WithKind("CronTabList"))
	if err := c.List(ctx, list, client.InNamespace("default")); err != nil || len(list.Items) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
}

// TestDynamicInformer: a dynamic informer syncs over JSON watch frames
// (the watch-list bookmark included) and sees a new object.
func TestDynamicInformer(t *testing.T) {
	_, cfg := setup(t)
	log := &headerLog{next: cfg.Transport}
	cfg.Transport = log
	defer func() {
		for _, l := range log.lines() {
			t.Log(l)
		}
	}()
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	factory := dynamicinformer.NewDynamicSharedInformerFactory(dyn, 0)
	inf := factory.ForResource(configMaps).Informer()
	added := make(chan string, 10)
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { added <- obj.(*unstructured.Unstructured).GetName() },
	}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	factory.Start(stop)
	defer factory.Shutdown()
	defer close(stop)
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		t.Fatal("not synced")
	}
	if _, err := dyn.Resource(configMaps).Namespace("default").Create(ctx,
		unstructuredFromYAML(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: dyn}}`), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case name := <-added:
		if name != "dyn" {
			t.Fatalf("added %s", name)
		}
	case <-ctx.Done():
		t.Fatal("handler not called")
	}
}
