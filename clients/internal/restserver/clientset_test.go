package restserver

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	autoscalingv1ac "k8s.io/client-go/applyconfigurations/autoscaling/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
)

var (
	configMaps  = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	deployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
)

// headerLog records the headers of the requests a client sends.
type headerLog struct {
	mu   sync.Mutex
	next http.RoundTripper
	seen []string
}

func (h *headerLog) RoundTrip(req *http.Request) (*http.Response, error) {
	line := req.Method + " " + req.URL.Path + " Accept=" + req.Header.Get("Accept") + " Content-Type=" + req.Header.Get("Content-Type")
	resp, err := h.next.RoundTrip(req)
	if err == nil {
		line += " -> " + resp.Status + " " + resp.Header.Get("Content-Type")
	}
	h.mu.Lock()
	h.seen = append(h.seen, line)
	h.mu.Unlock()
	return resp, err
}

func (h *headerLog) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

func clientset(t *testing.T, cfg *rest.Config) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// sameError checks that a client's error is the backend's, decoded back
// into an equal StatusError.
func sameError(t *testing.T, got, want error) {
	t.Helper()
	if want == nil {
		t.Fatalf("the backend gave no error (client: %v)", got)
	}
	g, ok1 := got.(*apierrors.StatusError)
	w, ok2 := want.(*apierrors.StatusError)
	if !ok1 || !ok2 {
		t.Fatalf("errors are %T %v and %T %v", got, got, want, want)
	}
	gs, ws := g.ErrStatus, w.ErrStatus
	ws.TypeMeta = gs.TypeMeta
	if !reflect.DeepEqual(gs, ws) {
		t.Fatalf("client error\n%#v\nbackend error\n%#v", gs, ws)
	}
}

func deployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
			},
		},
	}
}

func TestClientset(t *testing.T) {
	b, cfg := setup(t)
	log := &headerLog{next: cfg.Transport}
	cfg.Transport = log
	cs := clientset(t, cfg)
	ctx := context.Background()
	cms := cs.CoreV1().ConfigMaps("default")

	// Create and get.
	cm, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "cfg", Labels: map[string]string{"tier": "a"}},
		Data:       map[string]string{"k": "v"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.UID == "" || cm.ResourceVersion == "" || cm.Namespace != "default" {
		t.Fatalf("created %+v", cm.ObjectMeta)
	}
	if mf := cm.ManagedFields; len(mf) != 1 || mf[0].Manager != "restserver.test" {
		t.Fatalf("managedFields %+v: the manager should be the user agent's product", mf)
	}
	got, err := cms.Get(ctx, "cfg", metav1.GetOptions{})
	if err != nil || got.Data["k"] != "v" || got.ResourceVersion != cm.ResourceVersion {
		t.Fatalf("get %+v %v", got, err)
	}

	// NotFound, as the backend says it.
	_, err = cms.Get(ctx, "missing", metav1.GetOptions{})
	_, want := b.srv.Get(configMaps, "default", "missing")
	if !apierrors.IsNotFound(err) || err.Error() != `configmaps "missing" not found` {
		t.Fatalf("get missing: %v", err)
	}
	sameError(t, err, want)

	// AlreadyExists.
	_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}}, metav1.CreateOptions{})
	if !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create twice: %v", err)
	}

	// List by label.
	if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "other", Labels: map[string]string{"tier": "b"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := cms.List(ctx, metav1.ListOptions{LabelSelector: "tier=a"})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "cfg" || list.ResourceVersion == "" {
		t.Fatalf("list: %+v %v", list, err)
	}
	all, err := cs.CoreV1().ConfigMaps("").List(ctx, metav1.ListOptions{})
	if err != nil || len(all.Items) < 2 {
		t.Fatalf("list all namespaces: %v %v", len(all.Items), err)
	}
	if _, err := cms.List(ctx, metav1.ListOptions{LabelSelector: "a in (("}); !apierrors.IsBadRequest(err) {
		t.Fatalf("bad selector: %v", err)
	}

	// Update, then a stale update conflicts.
	upd := got.DeepCopy()
	upd.Data["k"] = "w"
	if _, err := cms.Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	stale := got.DeepCopy()
	stale.Data["k"] = "x"
	_, err = cms.Update(ctx, stale, metav1.UpdateOptions{})
	if !apierrors.IsConflict(err) {
		t.Fatalf("stale update: %v", err)
	}
	if want := `Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again`; err.Error() != want {
		t.Fatalf("stale update: %q", err.Error())
	}

	// Patches.
	p, err := cms.Patch(ctx, "cfg", types.MergePatchType, []byte(`{"data":{"m":"1"}}`), metav1.PatchOptions{})
	if err != nil || p.Data["m"] != "1" || p.Data["k"] != "w" {
		t.Fatalf("merge patch: %+v %v", p, err)
	}
	p, err = cms.Patch(ctx, "cfg", types.JSONPatchType, []byte(`[{"op":"add","path":"/data/j","value":"2"}]`), metav1.PatchOptions{})
	if err != nil || p.Data["j"] != "2" {
		t.Fatalf("json patch: %+v %v", p, err)
	}
	_, err = cms.Patch(ctx, "cfg", types.JSONPatchType, []byte(`[{"op":"test","path":"/data/j","value":"3"}]`), metav1.PatchOptions{})
	if err == nil || apierrors.ReasonForError(err) != metav1.StatusReasonInvalid {
		t.Fatalf("failed json patch test: %v", err)
	}

	// Dry run stores nothing.
	if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "dry"}}, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("dry-run create stored: %v", err)
	}

	// Deployments: status, scale, strategic merge, delete propagation.
	deps := cs.AppsV1().Deployments("default")
	d, err := deps.Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st := d.DeepCopy()
	st.Status.ObservedGeneration = d.Generation
	st.Status.Replicas = 1
	st.Spec.Replicas = ptr.To[int32](9) // ignored by a status update
	d2, err := deps.UpdateStatus(ctx, st, metav1.UpdateOptions{})
	if err != nil || d2.Status.Replicas != 1 || *d2.Spec.Replicas != 2 {
		t.Fatalf("update status: %+v %v", d2, err)
	}
	sm, err := deps.Patch(ctx, "web", types.StrategicMergePatchType,
		[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}`), metav1.PatchOptions{})
	if err != nil || len(sm.Spec.Template.Spec.Containers) != 2 {
		t.Fatalf("strategic merge patch: %+v %v", sm, err)
	}
	sc, err := deps.GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil || sc.Spec.Replicas != 2 || sc.Status.Selector != "app=web" {
		t.Fatalf("get scale: %+v %v", sc, err)
	}
	sc.Spec.Replicas = 5
	sc2, err := deps.UpdateScale(ctx, "web", sc, metav1.UpdateOptions{})
	if err != nil || sc2.Spec.Replicas != 5 {
		t.Fatalf("update scale: %+v %v", sc2, err)
	}
	if d3, err := deps.Get(ctx, "web", metav1.GetOptions{}); err != nil || *d3.Spec.Replicas != 5 {
		t.Fatalf("after scale: %v", err)
	}
	_, err = deps.UpdateScale(ctx, "web", &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: "default"}}, metav1.UpdateOptions{})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "does not match the name on the URL") {
		t.Fatalf("scale of another name: %v", err)
	}

	// Server-side apply with two managers.
	ac := corev1ac.ConfigMap("applied", "default").WithData(map[string]string{"a": "1"})
	if _, err := cms.Apply(ctx, ac, metav1.ApplyOptions{FieldManager: "one"}); err != nil {
		t.Fatal(err)
	}
	ac2 := corev1ac.ConfigMap("applied", "default").WithData(map[string]string{"a": "2"})
	_, err = cms.Apply(ctx, ac2, metav1.ApplyOptions{FieldManager: "two"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "one"`) {
		t.Fatalf("apply conflict: %v", err)
	}
	a, err := cms.Apply(ctx, ac2, metav1.ApplyOptions{FieldManager: "two", Force: true})
	if err != nil || a.Data["a"] != "2" {
		t.Fatalf("forced apply: %+v %v", a, err)
	}
	if _, err := cms.Apply(ctx, ac2, metav1.ApplyOptions{}); !apierrors.IsInvalid(err) {
		t.Fatalf("apply without a manager: %v", err)
	}
	dac := appsv1ac.Deployment("web", "default").WithSpec(appsv1ac.DeploymentSpec().WithReplicas(3))
	if d4, err := deps.Apply(ctx, dac, metav1.ApplyOptions{FieldManager: "hpa", Force: true}); err != nil || *d4.Spec.Replicas != 3 {
		t.Fatalf("apply deployment: %v", err)
	}
	if s, err := deps.ApplyScale(ctx, "web", scaleApply(4), metav1.ApplyOptions{FieldManager: "hpa", Force: true}); err != nil || s.Spec.Replicas != 4 {
		t.Fatalf("apply scale: %+v %v", s, err)
	}

	// Delete: foreground propagation keeps the object with its finalizer
	// (no garbage collector runs here).
	if err := deps.Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}); err != nil {
		t.Fatal(err)
	}
	d5, err := deps.Get(ctx, "web", metav1.GetOptions{})
	if err != nil || d5.DeletionTimestamp == nil || !reflect.DeepEqual(d5.Finalizers, []string{metav1.FinalizerDeleteDependents}) {
		t.Fatalf("after foreground delete: %+v %v", d5, err)
	}
	if err := cms.Delete(ctx, "cfg", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: ptr.To(types.UID("nope"))}}); !apierrors.IsConflict(err) {
		t.Fatalf("delete with a wrong uid: %v", err)
	}
	if err := cms.Delete(ctx, "cfg", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "tier=b"}); err != nil {
		t.Fatal(err)
	}
	left, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil || len(left.Items) != 1 || left.Items[0].Name != "applied" {
		t.Fatalf("left after delete: %+v %v", left, err)
	}

	lines := log.lines()
	for _, l := range lines[:3] {
		t.Log(l)
	}
	if !strings.HasSuffix(lines[0], "201 Created application/vnd.kubernetes.protobuf") {
		t.Errorf("the clientset should have been answered in protobuf: %s", lines[0])
	}
}

func scaleApply(replicas int32) *autoscalingv1ac.ScaleApplyConfiguration {
	return autoscalingv1ac.Scale().WithSpec(autoscalingv1ac.ScaleSpec().WithReplicas(replicas))
}
