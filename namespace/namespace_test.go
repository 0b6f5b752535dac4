package namespace_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/namespace"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func nsNamed(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

// RS-12.1: names are DNS-1123 labels, no metadata.namespace, finalizers
// standard or qualified.
func TestValidate(t *testing.T) {
	label := "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	cases := []struct {
		name string
		ns   *corev1.Namespace
		want []string
	}{
		{"tutorial name", nsNamed("office"), nil},
		{"upper case and underscore", nsNamed("Custom_NS"), []string{`metadata.name: Invalid value: "Custom_NS": ` + label}},
		{"dot is a subdomain, not a label", nsNamed("a.b"), []string{`metadata.name: Invalid value: "a.b": must not contain dots`}},
		{"no name", nsNamed(""), []string{"metadata.name: Required value: name or generateName is required"}},
		{"namespace on a namespace", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "default"}},
			[]string{"metadata.namespace: Forbidden: not allowed on this type"}},
		{"unqualified finalizer", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x"}, Spec: corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{"kubernetes", "mine"}}},
			[]string{`spec.finalizers: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified`}},
		{"qualified finalizer", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x", Finalizers: []string{"example.com/keep"}}}, nil},
		{"metadata finalizer", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x", Finalizers: []string{"keep"}}},
			[]string{`metadata.finalizers[0]: Invalid value: "keep": name is neither a standard finalizer name nor is it fully qualified`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range namespace.Validate(c.ns) {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Label errors come in key order whatever the map order (MODEL).
func TestValidateDeterministic(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x", Labels: map[string]string{"b/x/y": "1", "a/x/y": "1", "c": "-bad-", "d": "-bad-"}}}
	first := namespace.Validate(ns).ToAggregate().Error()
	for range 50 {
		if got := namespace.Validate(ns).ToAggregate().Error(); got != first {
			t.Fatalf("order changed:\n%s\n%s", first, got)
		}
	}
	if i, j := strings.Index(first, `"a/x/y"`), strings.Index(first, `"b/x/y"`); i < 0 || j < 0 || i > j {
		t.Errorf("not in key order: %s", first)
	}
}

// RS-12.1: phase Active, the kubernetes finalizer added once.
func TestPrepareForCreate(t *testing.T) {
	in := nsNamed("office")
	out := namespace.PrepareForCreate(in)
	if out.Status.Phase != corev1.NamespaceActive || !cmp.Equal(out.Spec.Finalizers, []corev1.FinalizerName{"kubernetes"}) {
		t.Errorf("got %+v", out)
	}
	if in.Status.Phase != "" || in.Spec.Finalizers != nil {
		t.Error("input modified")
	}
	again := namespace.PrepareForCreate(out)
	if len(again.Spec.Finalizers) != 1 {
		t.Errorf("finalizer added twice: %v", again.Spec.Finalizers)
	}
}

// RS-12.2, RS-12.3.
func TestDelete(t *testing.T) {
	for _, name := range []string{"default", "kube-system", "kube-public"} {
		_, _, err := namespace.Delete(nsNamed(name), t0)
		if want := `namespaces "` + name + `" is forbidden: this namespace may not be deleted`; err == nil || err.Error() != want || !apierrors.IsForbidden(err) {
			t.Errorf("%s: got %v, want %s", name, err, want)
		}
	}
	ns := namespace.PrepareForCreate(nsNamed("kube-node-lease"))
	out, gone, err := namespace.Delete(ns, t0)
	if err != nil || gone || out.Status.Phase != corev1.NamespaceTerminating || !out.DeletionTimestamp.Time.Equal(t0) {
		t.Fatalf("first delete: %+v %v %v", out, gone, err)
	}
	if ns.DeletionTimestamp != nil || ns.Status.Phase != corev1.NamespaceActive {
		t.Error("input modified")
	}
	again, gone, err := namespace.Delete(out, t0.Add(time.Minute))
	if err != nil || gone || !cmp.Equal(again, out) {
		t.Errorf("second delete changed it: %v", cmp.Diff(out, again))
	}
	bare := nsNamed("scratch") // never went through PrepareForCreate: no finalizers
	if _, gone, _ := namespace.Delete(bare, t0); !gone {
		t.Error("a namespace without finalizers should go at once")
	}
	if _, _, err := namespace.Delete(nil, t0); err == nil {
		t.Error("nil accepted")
	}
}

// RS-12.4.
func TestAdmitCreate(t *testing.T) {
	active := namespace.PrepareForCreate(nsNamed("office"))
	terminating, _, _ := namespace.Delete(active, t0)
	if err := namespace.AdmitCreate("Pod", "web", "office", active); err != nil {
		t.Errorf("active: %v", err)
	}
	err := namespace.AdmitCreate("Pod", "web", "office", terminating)
	if want := `pods "web" is forbidden: unable to create new content in namespace office because it is being terminated`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	var status *apierrors.StatusError
	if !errors.As(err, &status) || !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
		t.Errorf("no NamespaceTerminating cause: %#v", err)
	}
	err = namespace.AdmitCreate("ReplicaSet", "", "office", terminating)
	if want := `replicasets.apps is forbidden: unable to create new content in namespace office because it is being terminated`; err == nil || err.Error() != want {
		t.Errorf("generateName: got %v, want %s", err, want)
	}
	if err := namespace.AdmitCreate("Pod", "web", "nowhere", nil); err == nil || err.Error() != `namespaces "nowhere" not found` {
		t.Errorf("missing: %v", err)
	}
	if err := namespace.AdmitCreate("Pod", "web", "", nil); err != nil {
		t.Errorf("no namespace is validation's business, not admission's: %v", err)
	}
	if err := namespace.AdmitCreate("Node", "worker3", "", nil); err != nil {
		t.Errorf("cluster-scoped: %v", err)
	}
	if err := namespace.AdmitCreate("Namespace", "office", "", nil); err != nil {
		t.Errorf("namespace itself: %v", err)
	}
	if err := namespace.AdmitCreate("Gizmo", "g", "office", active); err == nil || err.Error() != `no matches for kind "Gizmo" in group ""` {
		t.Errorf("unknown kind: %v", err)
	}
}

// RS-13.1, RS-13.3.
func TestNamesAndScope(t *testing.T) {
	for kind, want := range map[string]string{
		"Pod":        `pods "kubia" already exists`,
		"ReplicaSet": `replicasets.apps "kubia" already exists`,
		"Namespace":  `namespaces "kubia" already exists`,
		"Deployment": `deployments.apps "kubia" already exists`,
	} {
		if err := namespace.AlreadyExists(kind, "kubia"); err == nil || err.Error() != want || !apierrors.IsAlreadyExists(err) {
			t.Errorf("%s: got %v, want %s", kind, err, want)
		}
	}
	if err := namespace.NotFound("ReplicationController", "kubia"); err == nil || err.Error() != `replicationcontrollers "kubia" not found` {
		t.Errorf("not found: %v", err)
	}
	for kind, want := range map[string]bool{"Pod": true, "Deployment": true, "Service": true, "Namespace": false, "Node": false, "PersistentVolume": false} {
		if got, err := namespace.Namespaced(kind); err != nil || got != want {
			t.Errorf("%s: %v %v", kind, got, err)
		}
	}
}

func TestResolve(t *testing.T) {
	config := []byte(`apiVersion: v1
kind: Config
current-context: kubernetes-admin@kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: other
- context:
    cluster: kubernetes
    namespace: office
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
`)
	cases := []struct {
		name, explicit string
		config         []byte
		want           string
	}{
		{"no config", "", nil, "default"},
		{"flag wins", "kube-system", config, "kube-system"},
		{"current context's namespace", "", config, "office"},
		{"context without namespace", "", []byte("current-context: other\ncontexts:\n- name: other\n  context: {}\n"), "default"},
		{"current context missing", "", []byte("current-context: gone\n"), "default"},
	}
	for _, c := range cases {
		got, err := namespace.Resolve(c.explicit, c.config)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q %v, want %q", c.name, got, err, c.want)
		}
	}
	if _, err := namespace.Resolve("", []byte("contexts: [")); err == nil {
		t.Error("malformed kubeconfig accepted")
	}
}

func TestCreateDryRun(t *testing.T) {
	got, err := namespace.CreateDryRun("office")
	if err != nil {
		t.Fatal(err)
	}
	// kubectl v1.37 prints no creationTimestamp (omitzero since v1.35's
	// apimachinery) and empty spec and status.
	want := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: office\nspec: {}\nstatus: {}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := namespace.CreateDryRun(""); err == nil || err.Error() != "exactly one NAME is required, got 0" {
		t.Errorf("empty name: %v", err)
	}
}

// RS-12.5: pods first with the grace estimate, then the rest, then the
// finalizer, then gone.
func TestFinalize(t *testing.T) {
	ns, _, _ := namespace.Delete(namespace.PrepareForCreate(nsNamed("office")), t0)
	if s := namespace.Finalize(namespace.PrepareForCreate(nsNamed("office")), namespace.Content{}, t0); !cmp.Equal(s, namespace.Step{}) {
		t.Errorf("active namespace: %+v", s)
	}
	grace := int64(60)
	pods := []*corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Name: "web-2"}, Spec: corev1.PodSpec{NodeName: "worker1"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		{ObjectMeta: metav1.ObjectMeta{Name: "web-1"}, Spec: corev1.PodSpec{NodeName: "worker1", TerminationGracePeriodSeconds: &grace}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		{ObjectMeta: metav1.ObjectMeta{Name: "job-done"}, Spec: corev1.PodSpec{NodeName: "worker1", TerminationGracePeriodSeconds: ptr(int64(600))}, Status: corev1.PodStatus{Phase: corev1.PodSucceeded}},
	}
	others := []namespace.Object{{Kind: "ReplicationController", Name: "web"}, {Kind: "Service", Name: "web"}, {Kind: "ConfigMap", Name: "settings"}}
	s := namespace.Finalize(ns, namespace.Content{Pods: pods, Others: others}, t0.Add(5*time.Second))
	if !cmp.Equal(s.DeletePods, []string{"job-done", "web-1", "web-2"}) || s.Delete != nil || s.RequeueAfter != 31*time.Second || s.Namespace == nil || s.Gone {
		t.Errorf("pods step: %+v", s)
	}
	// The conditions upstream writes (status_condition_utils.go): the
	// Succeeded pod is gone at once, the two graceful ones remain.
	conds := func(ns *corev1.Namespace) []string {
		var out []string
		for _, c := range ns.Status.Conditions {
			out = append(out, fmt.Sprintf("%s=%s %s: %s", c.Type, c.Status, c.Reason, c.Message))
		}
		return out
	}
	wantConds := []string{
		"NamespaceDeletionDiscoveryFailure=False ResourcesDiscovered: All resources successfully discovered",
		"NamespaceDeletionGroupVersionParsingFailure=False ParsedGroupVersions: All legacy kube types successfully parsed",
		"NamespaceDeletionContentFailure=False ContentDeleted: All content successfully deleted, may be waiting on finalization",
		"NamespaceContentRemaining=True SomeResourcesRemain: Some resources are remaining: pods. has 2 resource instances",
		"NamespaceFinalizersRemaining=False ContentHasNoFinalizers: All content-preserving finalizers finished",
	}
	if diff := cmp.Diff(wantConds, conds(s.Namespace)); diff != "" {
		t.Errorf("conditions after the pods step (-want +got):\n%s", diff)
	}
	ns = s.Namespace
	s = namespace.Finalize(ns, namespace.Content{Pods: pods[:1], Others: others}, t0.Add(60*time.Second))
	if s.RequeueAfter != time.Second { // 30 s default grace has passed: estimate 0
		t.Errorf("late pods step: %+v", s)
	}
	// A pod still there with the estimate at 0 and no finalizer is
	// upstream's "unexpected items still remain".
	wantConds[2] = "NamespaceDeletionContentFailure=True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: office for gvr: /v1, Resource=pods"
	wantConds[3] = "NamespaceContentRemaining=True SomeResourcesRemain: Some resources are remaining: pods. has 1 resource instances"
	if diff := cmp.Diff(wantConds, conds(s.Namespace)); diff != "" {
		t.Errorf("conditions after the late pods step (-want +got):\n%s", diff)
	}
	ns = s.Namespace
	held := append(slices.Clone(others), namespace.Object{Kind: "ReplicaSet", Name: "held", Finalizers: []string{"foregroundDeletion"}})
	s = namespace.Finalize(ns, namespace.Content{Others: held}, t0.Add(70*time.Second))
	want := []namespace.Object{{Kind: "ConfigMap", Name: "settings"}, {Kind: "ReplicaSet", Name: "held", Finalizers: []string{"foregroundDeletion"}}, {Kind: "ReplicationController", Name: "web"}, {Kind: "Service", Name: "web"}}
	if !cmp.Equal(s.Delete, want) || s.Gone || s.Namespace == nil || s.RequeueAfter != 8*time.Second {
		t.Errorf("others step: %+v", s)
	}
	wantConds[2] = "NamespaceDeletionContentFailure=False ContentDeleted: All content successfully deleted, may be waiting on finalization"
	wantConds[3] = "NamespaceContentRemaining=True SomeResourcesRemain: Some resources are remaining: replicasets.apps has 1 resource instances"
	wantConds[4] = "NamespaceFinalizersRemaining=True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: foregroundDeletion in 1 resource instances"
	if diff := cmp.Diff(wantConds, conds(s.Namespace)); diff != "" {
		t.Errorf("conditions after the others step (-want +got):\n%s", diff)
	}
	ns = s.Namespace
	s = namespace.Finalize(ns, namespace.Content{}, t0.Add(71*time.Second))
	if s.Namespace == nil || len(s.Namespace.Spec.Finalizers) != 0 || !s.Gone {
		t.Errorf("final step: %+v", s)
	}
	wantConds[3] = "NamespaceContentRemaining=False ContentRemoved: All content successfully removed"
	wantConds[4] = "NamespaceFinalizersRemaining=False ContentHasNoFinalizers: All content-preserving finalizers finished"
	if diff := cmp.Diff(wantConds, conds(s.Namespace)); diff != "" {
		t.Errorf("conditions after the final step (-want +got):\n%s", diff)
	}
	kept := ns.DeepCopy()
	kept.Finalizers = []string{"example.com/keep"}
	if s := namespace.Finalize(kept, namespace.Content{}, t0.Add(71*time.Second)); s.Gone {
		t.Error("gone despite a metadata finalizer")
	}
	if len(ns.Spec.Finalizers) != 1 {
		t.Error("input modified")
	}
}

// TestFinalizeFinalized: a namespace whose spec.finalizers is empty is
// finalized already (RS-12.3): its content is not deleted and nothing is
// written, however much is left in it.
func TestFinalizeFinalized(t *testing.T) {
	ns, _, _ := namespace.Delete(namespace.PrepareForCreate(nsNamed("office")), t0)
	ns.Spec.Finalizers = nil
	ns.Finalizers = []string{"example.com/keep"}
	content := namespace.Content{
		Pods:   []*corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "web-1"}, Spec: corev1.PodSpec{NodeName: "worker1"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}},
		Others: []namespace.Object{{Kind: "ConfigMap", Name: "settings"}},
	}
	if s := namespace.Finalize(ns, content, t0.Add(time.Minute)); !cmp.Equal(s, namespace.Step{}) {
		t.Errorf("finalized namespace with a metadata finalizer: %+v, want nothing", s)
	}
	// Without the Terminating phase the phase alone is written (upstream
	// updates the status before it looks at the finalizers).
	active := ns.DeepCopy()
	active.Status.Phase = corev1.NamespaceActive
	s := namespace.Finalize(active, content, t0.Add(time.Minute))
	if s.Namespace == nil || s.Namespace.Status.Phase != corev1.NamespaceTerminating || len(s.Namespace.Status.Conditions) != 0 || s.DeletePods != nil || s.Delete != nil || s.Gone || s.RequeueAfter != 0 {
		t.Errorf("finalized namespace not yet Terminating: %+v", s)
	}
	if active.Status.Phase != corev1.NamespaceActive {
		t.Error("input modified")
	}
}

// TestFinalizeSortsRemainingFinalizers: the pass that removes the
// kubernetes finalizer sends the others as upstream's finalize request
// does (RS-12.5): every copy of kubernetes gone, the rest sorted, no
// duplicates.
func TestFinalizeSortsRemainingFinalizers(t *testing.T) {
	ns, _, _ := namespace.Delete(namespace.PrepareForCreate(nsNamed("office")), t0)
	ns.Spec.Finalizers = []corev1.FinalizerName{"example.com/z", "kubernetes", "example.com/a", "example.com/z", "kubernetes"}
	s := namespace.Finalize(ns, namespace.Content{}, t0.Add(time.Minute))
	if s.Namespace == nil || !cmp.Equal(s.Namespace.Spec.Finalizers, []corev1.FinalizerName{"example.com/a", "example.com/z"}) || s.Gone {
		t.Errorf("got %+v, want finalizers [example.com/a example.com/z] and the namespace kept", s)
	}
}

func ptr[T any](v T) *T { return &v }

// No input panics, none is modified, and the same input gives the same
// answer.
func TestPropertyPureAndTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
			Name:   rapid.SampledFrom([]string{"", "office", "default", "kube-node-lease", "Bad_Name", "a.b", strings.Repeat("x", 64)}).Draw(t, "name"),
			Labels: map[string]string{rapid.SampledFrom([]string{"app", "-x", "a/b/c"}).Draw(t, "labelKey"): rapid.SampledFrom([]string{"v", "-bad-", ""}).Draw(t, "labelValue")},
		}}
		if rapid.Bool().Draw(t, "finalizers") {
			ns.Spec.Finalizers = []corev1.FinalizerName{corev1.FinalizerName(rapid.SampledFrom([]string{"kubernetes", "x", "a/b"}).Draw(t, "finalizer"))}
		}
		if rapid.Bool().Draw(t, "deleted") {
			ts := metav1.NewTime(t0)
			ns.DeletionTimestamp = &ts
			ns.Status.Phase = rapid.SampledFrom([]corev1.NamespacePhase{"", corev1.NamespaceActive, corev1.NamespaceTerminating}).Draw(t, "phase")
		}
		var pods []*corev1.Pod
		for i := range rapid.IntRange(0, 3).Draw(t, "pods") {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: string(rune('a' + i))}}
			if rapid.Bool().Draw(t, "grace") {
				p.Spec.TerminationGracePeriodSeconds = ptr(int64(rapid.IntRange(-5, 100).Draw(t, "graceSeconds")))
			}
			pods = append(pods, p)
		}
		now := t0.Add(time.Duration(rapid.IntRange(-10, 200).Draw(t, "now")) * time.Second)
		before := ns.DeepCopy()
		a := namespace.Finalize(ns, namespace.Content{Pods: pods}, now)
		b := namespace.Finalize(ns, namespace.Content{Pods: pods}, now)
		if !cmp.Equal(a, b) {
			t.Fatal("Finalize not deterministic")
		}
		if a.RequeueAfter < 0 {
			t.Fatalf("negative requeue %v", a.RequeueAfter)
		}
		_ = namespace.Validate(ns)
		_ = namespace.PrepareForCreate(ns)
		_, _, _ = namespace.Delete(ns, now)
		_ = namespace.AdmitCreate("Pod", "p", ns.Name, ns)
		if !cmp.Equal(before, ns) {
			t.Fatal("input modified")
		}
	})
}

// Arbitrary names, namespaces, kinds and kubeconfig bytes: an answer or an
// error, never a panic.
func FuzzNamespace(f *testing.F) {
	f.Add("office", "Pod", "web", "current-context: x\n", int64(30), int64(5))
	f.Add("", "Gizmo", "", "contexts: [", int64(-1), int64(-100))
	f.Add("office", "Pod", "huge", "", int64(math.MaxInt64), int64(1)) // a requeue that would overflow
	f.Fuzz(func(t *testing.T, name, kind, object, config string, grace, after int64) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{name: object}, Finalizers: []string{object}}}
		_ = namespace.Validate(ns)
		created := namespace.PrepareForCreate(ns)
		deleted, _, _ := namespace.Delete(created, t0)
		_ = namespace.AdmitCreate(kind, object, name, deleted)
		_, _ = namespace.Resolve("", []byte(config))
		_, _ = namespace.CreateDryRun(name)
		_, _ = namespace.Namespaced(kind)
		_ = namespace.AlreadyExists(kind, object)
		if deleted != nil {
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: object}, Spec: corev1.PodSpec{NodeName: "worker1", TerminationGracePeriodSeconds: &grace}}
			s := namespace.Finalize(deleted, namespace.Content{Pods: []*corev1.Pod{pod}}, t0.Add(time.Duration(after)*time.Second))
			if s.RequeueAfter <= 0 {
				t.Fatalf("a bound pod left but no requeue: %+v", s)
			}
		}
	})
}
