package namespace_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/namespace"
)

func texts(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func storedOffice() *corev1.Namespace {
	ns := namespace.PrepareForCreate(nsNamed("office"))
	ns.UID, ns.ResourceVersion = "uid-1", "4"
	return ns
}

// Rules 10–12: what an update, a status write and a finalize may change.
func TestValidateUpdates(t *testing.T) {
	deleting := func(ns *corev1.Namespace) {
		ts := metav1.NewTime(t0)
		ns.DeletionTimestamp = &ts
	}
	type check func(ns, old *corev1.Namespace) field.ErrorList
	cases := []struct {
		rule      string
		validate  check
		old, edit func(*corev1.Namespace)
		want      []string
	}{
		{"10 a label may change", namespace.ValidateUpdate, nil, func(ns *corev1.Namespace) { ns.Labels = map[string]string{"team": "a"} }, nil},
		{"10 the name is immutable", namespace.ValidateUpdate, nil, func(ns *corev1.Namespace) { ns.Name = "home" },
			[]string{`metadata.name: Invalid value: "home": field is immutable`}},
		{"10 the uid is immutable", namespace.ValidateUpdate, nil, func(ns *corev1.Namespace) { ns.UID = "uid-2" },
			[]string{`metadata.uid: Invalid value: "uid-2": field is immutable`}},
		{"10 a resourceVersion is required", namespace.ValidateUpdate, nil, func(ns *corev1.Namespace) { ns.ResourceVersion = "" },
			[]string{`metadata.resourceVersion: Invalid value: "": must be specified for an update`}},
		{"10 no new finalizer while deleting", namespace.ValidateUpdate, deleting, func(ns *corev1.Namespace) { ns.Finalizers = []string{"example.com/keep"} },
			[]string{`metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/keep"}`}},
		{"10 finalizer names", namespace.ValidateUpdate, nil, func(ns *corev1.Namespace) { ns.Finalizers = []string{"keep"} },
			[]string{`metadata.finalizers[0]: Invalid value: "keep": name is neither a standard finalizer name nor is it fully qualified`}},
		{"10 labels in key order", namespace.ValidateUpdate, nil, func(ns *corev1.Namespace) { ns.Labels = map[string]string{"b": "-", "a": "-"} },
			[]string{`metadata.labels: Invalid value: "-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
				`metadata.labels: Invalid value: "-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`}},
		{"11 Active while not deleted", namespace.ValidateStatusUpdate, nil, func(ns *corev1.Namespace) {}, nil},
		{"11 not Terminating while not deleted", namespace.ValidateStatusUpdate, nil, func(ns *corev1.Namespace) { ns.Status.Phase = corev1.NamespaceTerminating },
			[]string{`status.Phase: Invalid value: "Terminating": may only be 'Active' if ` + "`deletionTimestamp`" + ` is empty`}},
		{"11 Terminating once deleted", namespace.ValidateStatusUpdate, deleting, func(ns *corev1.Namespace) { ns.Status.Phase = corev1.NamespaceTerminating }, nil},
		{"11 not Active once deleted", namespace.ValidateStatusUpdate, deleting, func(ns *corev1.Namespace) {},
			[]string{`status.Phase: Invalid value: "Active": may only be 'Terminating' if ` + "`deletionTimestamp`" + ` is not empty`}},
		{"11 no phase", namespace.ValidateStatusUpdate, nil, func(ns *corev1.Namespace) { ns.Status.Phase = "" },
			[]string{`status.Phase: Invalid value: "": may only be 'Active' if ` + "`deletionTimestamp`" + ` is empty`}},
		{"12 the kubernetes finalizer removed", namespace.ValidateFinalizeUpdate, deleting, func(ns *corev1.Namespace) { ns.Spec.Finalizers = nil }, nil},
		{"12 spec.finalizers named at their index", namespace.ValidateFinalizeUpdate, nil, func(ns *corev1.Namespace) {
			ns.Spec.Finalizers = []corev1.FinalizerName{"kubernetes", "mine", "a/b/c"}
		}, []string{
			`spec.finalizers[1]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified`,
			`spec.finalizers[2]: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
		}},
		{"12 the name is immutable", namespace.ValidateFinalizeUpdate, nil, func(ns *corev1.Namespace) { ns.Name = "home" },
			[]string{`metadata.name: Invalid value: "home": field is immutable`}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			old := storedOffice()
			if c.old != nil {
				c.old(old)
				if old.DeletionTimestamp != nil {
					old.Status.Phase = corev1.NamespaceTerminating
				}
			}
			ns := old.DeepCopy()
			if old.DeletionTimestamp != nil {
				ns.Status.Phase = corev1.NamespaceActive
			}
			c.edit(ns)
			if old.DeletionTimestamp != nil && c.rule == "11 Terminating once deleted" {
				ns.Status.Phase = corev1.NamespaceTerminating
			}
			if diff := cmp.Diff(c.want, texts(c.validate(ns, old))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// The update validators never panic (nil included), never modify their
// arguments, and answer the same twice.
func TestUpdateValidationProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(label string) *corev1.Namespace {
			if rapid.IntRange(0, 9).Draw(t, label+"Nil") == 0 {
				return nil
			}
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
				Name:            rapid.SampledFrom([]string{"office", "home", "Bad_Name", ""}).Draw(t, label+"Name"),
				ResourceVersion: rapid.SampledFrom([]string{"", "4"}).Draw(t, label+"RV"),
				Finalizers:      rapid.SliceOfN(rapid.SampledFrom([]string{"orphan", "keep", "a/b", "a/b/c"}), 0, 2).Draw(t, label+"Finalizers"),
				Labels:          rapid.MapOfN(rapid.SampledFrom([]string{"a", "-b", "c/d/e"}), rapid.SampledFrom([]string{"", "x", "-"}), 0, 3).Draw(t, label+"Labels"),
			}}
			if rapid.Bool().Draw(t, label+"Deleting") {
				ts := metav1.NewTime(t0)
				ns.DeletionTimestamp = &ts
			}
			ns.Status.Phase = corev1.NamespacePhase(rapid.SampledFrom([]string{"Active", "Terminating", ""}).Draw(t, label+"Phase"))
			for _, f := range rapid.SliceOfN(rapid.SampledFrom([]string{"kubernetes", "x", "a/b/c"}), 0, 2).Draw(t, label+"SpecFinalizers") {
				ns.Spec.Finalizers = append(ns.Spec.Finalizers, corev1.FinalizerName(f))
			}
			return ns
		}
		ns, old := gen("new"), gen("old")
		nsCopy, oldCopy := ns.DeepCopy(), old.DeepCopy()
		for _, v := range []func(ns, old *corev1.Namespace) field.ErrorList{namespace.ValidateUpdate, namespace.ValidateStatusUpdate, namespace.ValidateFinalizeUpdate} {
			first, second := texts(v(ns, old)), texts(v(ns, old))
			if !cmp.Equal(first, second) {
				t.Fatalf("not deterministic: %q then %q", first, second)
			}
		}
		if !cmp.Equal(ns, nsCopy) || !cmp.Equal(old, oldCopy) {
			t.Fatal("an argument was modified")
		}
	})
}
