package apiserver

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
)

var (
	cmGVR     = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	podGVR    = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	deployGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	pdbGVR    = schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}
)

func newTestServer(t *testing.T) (*Server, *clocktesting.FakeClock) {
	t.Helper()
	clk := clocktesting.NewFakeClock(DefaultStart)
	return New(Options{Clock: clk, Seed: 1}), clk
}

func configMap(name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}, Data: data}
}

func mustCreate(t *testing.T, s *Server, gvr schema.GroupVersionResource, o Object) Object {
	t.Helper()
	out, err := s.Create(gvr, o.GetNamespace(), o, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s: %v", o.GetName(), err)
	}
	return out.(Object)
}

func wantError(t *testing.T, err error, code int32, msg string) {
	t.Helper()
	se, ok := err.(*apierrors.StatusError)
	if !ok {
		t.Fatalf("error %v (%T) is not a StatusError", err, err)
	}
	if se.ErrStatus.Code != code || se.ErrStatus.Message != msg {
		t.Fatalf("got %d %q\nwant %d %q", se.ErrStatus.Code, se.ErrStatus.Message, code, msg)
	}
}

// API-5: an update from a stale copy is refused with the apiserver's
// text; an unconditional update of a kind that allows it wins.
func TestUpdateConflict(t *testing.T) {
	s, _ := newTestServer(t)
	cm := mustCreate(t, s, cmGVR, configMap("x", map[string]string{"a": "1"})).(*corev1.ConfigMap)
	fresh := cm.DeepCopy()
	fresh.Data["a"] = "2"
	if _, err := s.Update(cmGVR, "default", fresh, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	stale := cm.DeepCopy()
	stale.Data["a"] = "3"
	_, err := s.Update(cmGVR, "default", stale, metav1.UpdateOptions{})
	wantError(t, err, 409, `Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again`)
	if !apierrors.IsConflict(err) {
		t.Fatal("IsConflict is false")
	}
	uncond := cm.DeepCopy()
	uncond.ResourceVersion = ""
	uncond.Data["a"] = "4"
	out, err := s.Update(cmGVR, "default", uncond, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.(*corev1.ConfigMap).Data["a"]; got != "4" {
		t.Fatalf("unconditional update stored %q", got)
	}
}

// API-5: a kind whose strategy refuses unconditional updates wants a
// resourceVersion, in the resource's words.
func TestUpdateWithoutResourceVersion(t *testing.T) {
	s, _ := newTestServer(t)
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}}
	created := mustCreate(t, s, pdbGVR, pdb).(*policyv1.PodDisruptionBudget)
	created.ResourceVersion = ""
	_, err := s.Update(pdbGVR, "default", created, metav1.UpdateOptions{})
	wantError(t, err, 422, `poddisruptionbudgets.policy "p" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update`)
}

// API-5: an update that changes nothing writes nothing.
func TestNoOpUpdate(t *testing.T) {
	s, _ := newTestServer(t)
	cm := mustCreate(t, s, cmGVR, configMap("x", map[string]string{"a": "1"}))
	rv := s.ResourceVersion()
	out, err := s.Update(cmGVR, "default", cm, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.ResourceVersion() != rv || out.(Object).GetResourceVersion() != cm.GetResourceVersion() {
		t.Fatalf("no-op update wrote: rv %d → %d", rv, s.ResourceVersion())
	}
}

func testPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}
}

// API-4: the main resource keeps the stored status, the status
// subresource keeps the stored spec; a pod's create sets phase Pending.
func TestStatusSubresource(t *testing.T) {
	s, _ := newTestServer(t)
	in := testPod("p")
	in.Status.Phase = corev1.PodRunning
	p := mustCreate(t, s, podGVR, in).(*corev1.Pod)
	if p.Status.Phase != corev1.PodPending || p.Status.QOSClass != corev1.PodQOSBestEffort || p.Generation != 1 {
		t.Fatalf("created pod: phase %q qos %q generation %d", p.Status.Phase, p.Status.QOSClass, p.Generation)
	}
	main := p.DeepCopy()
	main.Status.Phase = corev1.PodRunning
	main.Spec.Containers[0].Image = "nginx:2"
	out, err := s.Update(podGVR, "default", main, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*corev1.Pod)
	if got.Status.Phase != corev1.PodPending || got.Spec.Containers[0].Image != "nginx:2" || got.Generation != 2 {
		t.Fatalf("main update: phase %q image %q generation %d", got.Status.Phase, got.Spec.Containers[0].Image, got.Generation)
	}
	st := got.DeepCopy()
	st.Status.Phase = corev1.PodRunning
	st.Spec.Containers[0].Image = "ignored"
	out, err = s.Update(podGVR, "default", st, metav1.UpdateOptions{}, "status")
	if err != nil {
		t.Fatal(err)
	}
	got = out.(*corev1.Pod)
	if got.Status.Phase != corev1.PodRunning || got.Spec.Containers[0].Image != "nginx:2" || got.Generation != 2 {
		t.Fatalf("status update: phase %q image %q generation %d", got.Status.Phase, got.Spec.Containers[0].Image, got.Generation)
	}
	// A pod's spec is immutable but for images and a few fields.
	bad := got.DeepCopy()
	bad.Spec.RestartPolicy = corev1.RestartPolicyNever
	_, err = s.Update(podGVR, "default", bad, metav1.UpdateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "pod updates may not change fields other than") {
		t.Fatalf("pod spec change: %v", err)
	}
}

func testDeployment(name string) *appsv1.Deployment {
	l := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: l},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}},
		},
	}
}

// API-4: a Deployment's generation moves with its spec and annotations,
// not with labels or status; a status write keeps its labels; the scale
// subresource reads and writes spec.replicas.
func TestDeploymentGenerationAndScale(t *testing.T) {
	s, _ := newTestServer(t)
	d := mustCreate(t, s, deployGVR, testDeployment("web")).(*appsv1.Deployment)
	if d.Generation != 1 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
		t.Fatalf("created: generation %d, strategy %q (defaults applied?)", d.Generation, d.Spec.Strategy.Type)
	}
	step := func(f func(*appsv1.Deployment), sub string, want int64) *appsv1.Deployment {
		t.Helper()
		cur, _ := s.Get(deployGVR, "default", "web")
		c := cur.(*appsv1.Deployment)
		f(c)
		var out any
		var err error
		if sub == "" {
			out, err = s.Update(deployGVR, "default", c, metav1.UpdateOptions{})
		} else {
			out, err = s.Update(deployGVR, "default", c, metav1.UpdateOptions{}, sub)
		}
		if err != nil {
			t.Fatal(err)
		}
		got := out.(*appsv1.Deployment)
		if got.Generation != want {
			t.Fatalf("generation %d, want %d", got.Generation, want)
		}
		return got
	}
	step(func(d *appsv1.Deployment) { d.Labels = map[string]string{"x": "y"} }, "", 1)
	step(func(d *appsv1.Deployment) { d.Annotations = map[string]string{"k": "v"} }, "", 2)
	step(func(d *appsv1.Deployment) { d.Spec.Paused = true }, "", 3)
	got := step(func(d *appsv1.Deployment) { d.Status.Replicas = 5; d.Labels = map[string]string{"x": "z"} }, "status", 3)
	if got.Labels["x"] != "y" || got.Status.Replicas != 5 {
		t.Fatalf("status write: labels %v replicas %d", got.Labels, got.Status.Replicas)
	}
	sc, err := s.Get(deployGVR, "default", "web", "scale")
	if err != nil {
		t.Fatal(err)
	}
	scale := sc.(*autoscalingv1.Scale)
	if scale.Spec.Replicas != 2 || scale.Status.Replicas != 5 || scale.Status.Selector != "app=web" {
		t.Fatalf("scale: %+v", scale)
	}
	scale.Spec.Replicas = 7
	if _, err := s.Update(deployGVR, "default", scale, metav1.UpdateOptions{}, "scale"); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Get(deployGVR, "default", "web")
	if d := cur.(*appsv1.Deployment); *d.Spec.Replicas != 7 || d.Generation != 4 {
		t.Fatalf("after scale: replicas %d generation %d", *d.Spec.Replicas, d.Generation)
	}
	_, err = s.Update(deployGVR, "default", scale, metav1.UpdateOptions{}, "scale")
	wantError(t, err, 409, `Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`)
}

// API-3: generateName, and the apiserver's answer when eight generated
// names are taken.
func TestGenerateName(t *testing.T) {
	s := New(Options{GenerateName: func(base string) string { return base + "aaaaa" }})
	in := configMap("", nil)
	in.GenerateName = "cfg-"
	out := mustCreate(t, s, cmGVR, in)
	if out.GetName() != "cfg-aaaaa" {
		t.Fatalf("name %q", out.GetName())
	}
	_, err := s.Create(cmGVR, "default", in, metav1.CreateOptions{})
	wantError(t, err, 409, `configmaps "cfg-" already exists, the server was not able to generate a unique name for the object`)
}

// API-3: dry-run validates and stores nothing.
func TestDryRun(t *testing.T) {
	s, _ := newTestServer(t)
	rv := s.ResourceVersion()
	out, err := s.Create(cmGVR, "default", configMap("x", nil), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil || out.(Object).GetUID() == "" {
		t.Fatalf("dry run: %v %v", out, err)
	}
	if _, err := s.Get(cmGVR, "default", "x"); !apierrors.IsNotFound(err) || s.ResourceVersion() != rv {
		t.Fatalf("dry run stored: %v", err)
	}
	_, err = s.Create(cmGVR, "default", configMap("x", nil), metav1.CreateOptions{DryRun: []string{"bogus"}})
	wantError(t, err, 422, `CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["bogus"]: supported values: "All"`)
}

// API-2, API-3: bad input is refused with the apiserver's texts.
func TestCreateErrors(t *testing.T) {
	s, _ := newTestServer(t)
	mustCreate(t, s, cmGVR, configMap("x", nil))
	_, err := s.Create(cmGVR, "default", configMap("x", nil), metav1.CreateOptions{})
	wantError(t, err, 409, `configmaps "x" already exists`)
	_, err = s.Create(cmGVR, "default", configMap("Bad_Name", nil), metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || !strings.HasPrefix(err.Error(), `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain`) {
		t.Fatalf("bad name: %v", err)
	}
	_, err = s.Create(podGVR, "default", configMap("y", nil), metav1.CreateOptions{})
	wantError(t, err, 400, `the kind in the data (ConfigMap) does not match the expected kind (Pod)`)
	missing := configMap("z", nil)
	missing.Namespace = "nowhere"
	_, err = s.Create(cmGVR, "nowhere", missing, metav1.CreateOptions{})
	wantError(t, err, 404, `namespaces "nowhere" not found`)
	_, err = s.Create(schema.GroupVersionResource{Version: "v1", Resource: "widgets"}, "default", missing, metav1.CreateOptions{})
	wantError(t, err, 404, `the server could not find the requested resource`)
	withRV := configMap("w", nil)
	withRV.ResourceVersion = "5"
	_, err = s.Create(cmGVR, "default", withRV, metav1.CreateOptions{})
	wantError(t, err, 500, `resourceVersion should not be set on objects to be created`)
}

// API-7: finalizers hold an object being deleted; none may be added
// then; removing the last one deletes it.
func TestFinalizers(t *testing.T) {
	s, clk := newTestServer(t)
	in := configMap("x", nil)
	in.Finalizers = []string{"example.com/hold"}
	mustCreate(t, s, cmGVR, in)
	clk.Step(5 * time.Second)
	out, err := s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	held := out.(*corev1.ConfigMap)
	if held.DeletionTimestamp == nil || !held.DeletionTimestamp.Time.Equal(DefaultStart.Add(5*time.Second)) || *held.DeletionGracePeriodSeconds != 0 {
		t.Fatalf("held: %+v", held.ObjectMeta)
	}
	more := held.DeepCopy()
	more.Finalizers = append(more.Finalizers, "example.com/other")
	_, err = s.Update(cmGVR, "default", more, metav1.UpdateOptions{})
	wantError(t, err, 422, `ConfigMap "x" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/other"}`)
	w, _ := s.Watch(cmGVR, "default", metav1.ListOptions{ResourceVersion: held.ResourceVersion})
	release := held.DeepCopy()
	release.Finalizers = nil
	if _, err := s.Update(cmGVR, "default", release, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(cmGVR, "default", "x"); !apierrors.IsNotFound(err) {
		t.Fatalf("object outlived its last finalizer: %v", err)
	}
	if e, ok := w.Next(); !ok || e.Type != watch.Deleted {
		t.Fatalf("watch saw %v %v", e.Type, ok)
	}
}

// API-7: the propagation policy becomes the orphan or foregroundDeletion
// finalizer; an RC orphans by default.
func TestPropagationFinalizers(t *testing.T) {
	for _, tc := range []struct {
		policy *metav1.DeletionPropagation
		want   []string
	}{
		{ptr.To(metav1.DeletePropagationForeground), []string{metav1.FinalizerDeleteDependents}},
		{ptr.To(metav1.DeletePropagationOrphan), []string{metav1.FinalizerOrphanDependents}},
	} {
		s, _ := newTestServer(t)
		mustCreate(t, s, deployGVR, testDeployment("web"))
		out, err := s.Delete(deployGVR, "default", "web", metav1.DeleteOptions{PropagationPolicy: tc.policy})
		if err != nil {
			t.Fatal(err)
		}
		d := out.(*appsv1.Deployment)
		if diff := cmp.Diff(tc.want, d.Finalizers); diff != "" || d.DeletionTimestamp == nil || d.Generation != 2 {
			t.Fatalf("%s: finalizers %v, deletionTimestamp %v, generation %d", *tc.policy, d.Finalizers, d.DeletionTimestamp, d.Generation)
		}
	}
	s, _ := newTestServer(t)
	rc := &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: "default"},
		Spec: corev1.ReplicationControllerSpec{Selector: map[string]string{"app": "web"},
			Template: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}}}
	rcGVR := schema.GroupVersionResource{Version: "v1", Resource: "replicationcontrollers"}
	mustCreate(t, s, rcGVR, rc)
	out, err := s.Delete(rcGVR, "default", "rc", metav1.DeleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fs := out.(Object).GetFinalizers(); len(fs) != 1 || fs[0] != metav1.FinalizerOrphanDependents {
		t.Fatalf("rc default propagation: %v", fs)
	}
}

// API-7: preconditions.
func TestDeletePreconditions(t *testing.T) {
	s, _ := newTestServer(t)
	cm := mustCreate(t, s, cmGVR, configMap("x", nil))
	_, err := s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: ptr.To(types.UID("other"))}})
	wantError(t, err, 409, fmt.Sprintf(`Operation cannot be fulfilled on ConfigMap "x": the UID in the precondition (other) does not match the UID in record (%s). The object might have been deleted and then recreated`, cm.GetUID()))
	_, err = s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: ptr.To("1")}})
	wantError(t, err, 409, fmt.Sprintf(`Operation cannot be fulfilled on ConfigMap "x": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (%s). The object might have been modified`, cm.GetResourceVersion()))
	out, err := s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: ptr.To(cm.GetResourceVersion())}})
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := out.(*metav1.Status); !ok || st.Status != metav1.StatusSuccess || st.Details.Kind != "configmaps" {
		t.Fatalf("delete answered %#v", out)
	}
	_, err = s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{})
	wantError(t, err, 404, `configmaps "x" not found`)
}

// API-7: a scheduled pod is deleted gracefully; grace 0 removes it.
func TestPodGracefulDelete(t *testing.T) {
	s, _ := newTestServer(t)
	in := testPod("p")
	in.Spec.NodeName = "worker1"
	mustCreate(t, s, podGVR, in)
	out, err := s.Delete(podGVR, "default", "p", metav1.DeleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := out.(*corev1.Pod)
	if p.DeletionTimestamp == nil || !p.DeletionTimestamp.Time.Equal(DefaultStart.Add(30*time.Second)) || *p.DeletionGracePeriodSeconds != 30 || p.Generation != 2 {
		t.Fatalf("graceful: %+v", p.ObjectMeta)
	}
	if _, err := s.Delete(podGVR, "default", "p", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(podGVR, "default", "p"); !apierrors.IsNotFound(err) {
		t.Fatalf("pod not gone: %v", err)
	}
	// Never scheduled: gone at once.
	mustCreate(t, s, podGVR, testPod("q"))
	if _, err := s.Delete(podGVR, "default", "q", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(podGVR, "default", "q"); !apierrors.IsNotFound(err) {
		t.Fatalf("unscheduled pod not gone: %v", err)
	}
}

// API-8: field selectors, and the refusal of one the kind lacks.
func TestFieldSelectors(t *testing.T) {
	s, _ := newTestServer(t)
	a := testPod("a")
	a.Spec.NodeName = "worker1"
	mustCreate(t, s, podGVR, a)
	mustCreate(t, s, podGVR, testPod("b"))
	list, err := s.List(podGVR, "", metav1.ListOptions{FieldSelector: "spec.nodeName=worker1"})
	if err != nil {
		t.Fatal(err)
	}
	pl := list.(*corev1.PodList)
	if len(pl.Items) != 1 || pl.Items[0].Name != "a" || pl.ResourceVersion != fmt.Sprint(s.ResourceVersion()) {
		t.Fatalf("list: %d items, rv %s", len(pl.Items), pl.ResourceVersion)
	}
	list, _ = s.List(podGVR, "default", metav1.ListOptions{FieldSelector: "status.phase=Pending,metadata.name!=a"})
	if pl := list.(*corev1.PodList); len(pl.Items) != 1 || pl.Items[0].Name != "b" {
		t.Fatalf("phase list: %v", pl.Items)
	}
	// A kind with no field label conversion of its own answers with the
	// scheme's default text; one with its own, "field label not supported".
	_, err = s.List(cmGVR, "default", metav1.ListOptions{FieldSelector: "spec.nodeName=x"})
	wantError(t, err, 400, `"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"`)
	_, err = s.List(podGVR, "default", metav1.ListOptions{FieldSelector: "spec.host=x"})
	wantError(t, err, 400, `field label not supported: spec.host`)
}

// API-9: a watch from a resourceVersion replays what came after it; a
// label selector turns changes into Added and Deleted as objects enter
// and leave it; an old enough resourceVersion is 410 Expired.
func TestWatch(t *testing.T) {
	s, clk := newTestServer(t)
	start := s.ResourceVersion()
	cm := mustCreate(t, s, cmGVR, configMap("x", nil)).(*corev1.ConfigMap)
	w, err := s.Watch(cmGVR, "default", metav1.ListOptions{ResourceVersion: fmt.Sprint(start), LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	cm.Labels = map[string]string{"app": "web"}
	cm = mustUpdate(t, s, cmGVR, cm).(*corev1.ConfigMap)
	cm.Labels = nil
	mustUpdate(t, s, cmGVR, cm)
	var got []string
	for e, ok := w.Next(); ok; e, ok = w.Next() {
		got = append(got, fmt.Sprintf("%s %s", e.Type, e.Object.(Object).GetResourceVersion()))
	}
	want := []string{fmt.Sprintf("ADDED %d", start+2), fmt.Sprintf("DELETED %d", start+3)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	for i := range 150 {
		mustCreate(t, s, cmGVR, configMap(fmt.Sprintf("c%d", i), nil))
		clk.Step(time.Second)
	}
	_, err = s.Watch(cmGVR, "default", metav1.ListOptions{ResourceVersion: fmt.Sprint(start)})
	if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Fatalf("old watch: %v", err)
	}
	wantError(t, err, 410, fmt.Sprintf("too old resource version: %d (%d)", start, s.ResourceVersion()-100))
}

func mustUpdate(t *testing.T, s *Server, gvr schema.GroupVersionResource, o Object) Object {
	t.Helper()
	out, err := s.Update(gvr, o.GetNamespace(), o, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out.(Object)
}

// API-6: the three patch types, and their errors.
func TestPatch(t *testing.T) {
	s, _ := newTestServer(t)
	mustCreate(t, s, deployGVR, testDeployment("web"))
	out, err := s.Patch(deployGVR, "default", "web", types.StrategicMergePatchType,
		[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := out.(*appsv1.Deployment)
	if d.Spec.Template.Spec.Containers[0].Image != "nginx:2" || len(d.Spec.Template.Spec.Containers) != 1 || d.Generation != 2 {
		t.Fatalf("strategic: %+v generation %d", d.Spec.Template.Spec.Containers, d.Generation)
	}
	out, err = s.Patch(deployGVR, "default", "web", types.MergePatchType, []byte(`{"metadata":{"labels":{"tier":"front"}}}`), metav1.PatchOptions{})
	if err != nil || out.(Object).GetLabels()["tier"] != "front" {
		t.Fatalf("merge: %v", err)
	}
	out, err = s.Patch(deployGVR, "default", "web", types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/replicas","value":5}]`), metav1.PatchOptions{})
	if err != nil || *out.(*appsv1.Deployment).Spec.Replicas != 5 {
		t.Fatalf("json: %v", err)
	}
	_, err = s.Patch(deployGVR, "default", "web", types.JSONPatchType, []byte(`[{"op":"remove","path":"/spec/nothere"}]`), metav1.PatchOptions{})
	if se, ok := err.(*apierrors.StatusError); !ok || se.ErrStatus.Code != 422 {
		t.Fatalf("bad json patch: %v", err)
	}
	_, err = s.Patch(deployGVR, "default", "web", types.MergePatchType, []byte(`{"metadata":{"resourceVersion":"1"}}`), metav1.PatchOptions{})
	if !apierrors.IsConflict(err) {
		t.Fatalf("patch with a stale resourceVersion: %v", err)
	}
	// A pod patch cannot write status through the main resource.
	mustCreate(t, s, podGVR, testPod("p"))
	out, err = s.Patch(podGVR, "default", "p", types.MergePatchType, []byte(`{"status":{"phase":"Running"}}`), metav1.PatchOptions{})
	if err != nil || out.(*corev1.Pod).Status.Phase != corev1.PodPending {
		t.Fatalf("status through main patch: %v %v", out.(*corev1.Pod).Status.Phase, err)
	}
	out, err = s.Patch(podGVR, "default", "p", types.MergePatchType, []byte(`{"status":{"phase":"Running"}}`), metav1.PatchOptions{}, "status")
	if err != nil || out.(*corev1.Pod).Status.Phase != corev1.PodRunning {
		t.Fatalf("status patch: %v", err)
	}
}

// API-10: no creates in a Terminating namespace; the system namespaces
// may not be deleted.
func TestNamespaceLifecycle(t *testing.T) {
	s, _ := newTestServer(t)
	mustCreate(t, s, nsGVR, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}})
	out, err := s.Delete(nsGVR, "", "team", metav1.DeleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ns := out.(*corev1.Namespace); ns.Status.Phase != corev1.NamespaceTerminating {
		t.Fatalf("phase %q", ns.Status.Phase)
	}
	in := configMap("x", nil)
	in.Namespace = "team"
	_, err = s.Create(cmGVR, "team", in, metav1.CreateOptions{})
	wantError(t, err, 403, `configmaps "x" is forbidden: unable to create new content in namespace team because it is being terminated`)
	_, err = s.Delete(nsGVR, "", "default", metav1.DeleteOptions{})
	wantError(t, err, 403, `namespaces "default" is forbidden: this namespace may not be deleted`)
}

// API-1: every served built-in resource stores an object that has only
// its metadata, unless its kind's validation wants more; what it answers
// is a StatusError either way, and the scope is the RESTMapper's.
func TestEveryBuiltinKind(t *testing.T) {
	s, _ := newTestServer(t)
	stored := 0
	for _, r := range s.Resources() {
		o, err := s.Scheme().New(r.GroupVersionKind())
		if err != nil {
			t.Fatalf("%s: %v", r.Kind, err)
		}
		obj := o.(Object)
		obj.SetName("sample")
		ns := ""
		if r.Namespaced {
			ns = "default"
		}
		_, err = s.Create(r.GroupVersionResource(), ns, obj, metav1.CreateOptions{})
		if err != nil {
			if _, ok := err.(*apierrors.StatusError); !ok {
				t.Fatalf("%s: %v is not a StatusError", r.Kind, err)
			}
			continue
		}
		stored++
		got, err := s.Get(r.GroupVersionResource(), ns, "sample")
		if err != nil || got.GetObjectKind().GroupVersionKind() != r.GroupVersionKind() {
			t.Fatalf("%s: get %v %v", r.Kind, got, err)
		}
		m, err := s.RESTMapper().RESTMapping(r.GroupVersionKind().GroupKind(), r.Version)
		if err != nil || (m.Scope.Name() == "namespace") != r.Namespaced || m.Resource != r.GroupVersionResource() {
			t.Fatalf("%s: mapping %+v %v", r.Kind, m, err)
		}
	}
	if stored < 40 {
		t.Fatalf("only %d kinds stored a bare object", stored)
	}
}

func TestResourceFor(t *testing.T) {
	s, _ := newTestServer(t)
	for arg, want := range map[string]string{
		"po": "pods", "pod": "pods", "Pods": "pods", "deploy": "deployments", "deployments.apps": "deployments",
		"cm": "configmaps", "hpa": "horizontalpodautoscalers", "ev": "events", "sts": "statefulsets",
		"cronjob": "cronjobs", "netpol": "networkpolicies", "Deployment": "deployments",
	} {
		r, err := s.ResourceFor(arg)
		if err != nil || r.Name != want {
			t.Errorf("%s: %s %v, want %s", arg, r.Name, err, want)
		}
	}
	if _, err := s.ResourceFor("widgets"); err == nil || err.Error() != `the server doesn't have a resource type "widgets"` {
		t.Fatalf("unknown: %v", err)
	}
}

// API-7: deleting again an object that finalizers hold, asking for
// nothing new, writes nothing.
func TestRepeatedDeleteWritesNothing(t *testing.T) {
	s, _ := newTestServer(t)
	in := configMap("x", nil)
	in.Finalizers = []string{"example.com/hold"}
	mustCreate(t, s, cmGVR, in)
	if _, err := s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	rv := s.ResourceVersion()
	out, err := s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{})
	if err != nil || s.ResourceVersion() != rv || out.(Object).GetResourceVersion() != fmt.Sprint(rv) {
		t.Fatalf("second delete: %v, resourceVersion %d → %d", err, rv, s.ResourceVersion())
	}
	// Asking for foreground deletion then adds its finalizer: a write.
	fg := metav1.DeletePropagationForeground
	if _, err := s.Delete(cmGVR, "default", "x", metav1.DeleteOptions{PropagationPolicy: &fg}); err != nil || s.ResourceVersion() != rv+1 {
		t.Fatalf("foreground delete: %v, resourceVersion %d", err, s.ResourceVersion())
	}
}

// A write to a pod's main resource never changes its status; conditions
// set through the status subresource — a readiness gate's — are stored
// and survive later main-resource writes; a status write that leaves
// observedGeneration out keeps the stored one (pod strategy:
// PrepareForUpdate, podStatusStrategy.PrepareForUpdate).
func TestPodStatusKeptAcrossWrites(t *testing.T) {
	s, _ := newTestServer(t)
	in := testPod("gated")
	in.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb-ready"}}
	p := mustCreate(t, s, podGVR, in).(*corev1.Pod)

	st := p.DeepCopy()
	st.Status.Phase = corev1.PodRunning
	st.Status.ObservedGeneration = 1
	st.Status.Conditions = []corev1.PodCondition{
		{Type: "example.com/lb-ready", Status: corev1.ConditionTrue, ObservedGeneration: 1},
		{Type: corev1.PodReady, Status: corev1.ConditionFalse, ObservedGeneration: 1},
	}
	sent := st.DeepCopy()
	out, err := s.Update(podGVR, "default", st, metav1.UpdateOptions{}, "status")
	if err != nil {
		t.Fatal(err)
	}
	if !equal(st, sent) {
		t.Fatal("the status update changed the caller's object")
	}
	stored := out.(*corev1.Pod)
	if len(stored.Status.Conditions) != 2 || stored.Status.Conditions[0].Type != "example.com/lb-ready" || stored.Status.Conditions[0].Status != corev1.ConditionTrue {
		t.Fatalf("readiness gate condition not stored: %+v", stored.Status.Conditions)
	}

	// The main resource: a client's status is ignored, whatever it says.
	main := stored.DeepCopy()
	main.Labels["tier"] = "front"
	main.Status = corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Mine"}
	got := mustUpdate(t, s, podGVR, main).(*corev1.Pod)
	if !equal(got.Status, stored.Status) || got.Labels["tier"] != "front" {
		t.Fatalf("main update changed the status:\n got %+v\nwant %+v", got.Status, stored.Status)
	}
	// A merge patch of the main resource naming status: ignored too.
	out, err = s.Patch(podGVR, "default", "gated", types.MergePatchType, []byte(`{"status":{"conditions":null,"phase":"Succeeded"}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.(*corev1.Pod); !equal(got.Status, stored.Status) {
		t.Fatalf("main patch changed the status: %+v", got.Status)
	}

	// A status write without observedGeneration keeps the stored ones.
	st = got.DeepCopy()
	st.Status.ObservedGeneration = 0
	for i := range st.Status.Conditions {
		st.Status.Conditions[i].ObservedGeneration = 0
	}
	st.Status.Conditions = append(st.Status.Conditions, corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse})
	out, err = s.Update(podGVR, "default", st, metav1.UpdateOptions{}, "status")
	if err != nil {
		t.Fatal(err)
	}
	kept := out.(*corev1.Pod).Status
	if kept.ObservedGeneration != 1 || kept.Conditions[0].ObservedGeneration != 1 || kept.Conditions[1].ObservedGeneration != 1 || kept.Conditions[2].ObservedGeneration != 0 {
		t.Fatalf("observedGeneration not kept: %+v", kept)
	}
}
