package conformance

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	core "k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	nsregistry "k8s.io/kubernetes/pkg/registry/core/namespace"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/namespace"
)

func genNamespace(t *rapid.T) *corev1.Namespace {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:         rapid.SampledFrom([]string{"", "office", "kube-system", "Bad_Name", "a.b", "-x", "x-", "9lives", strings.Repeat("a", 63), strings.Repeat("a", 64)}).Draw(t, "name"),
		GenerateName: rapid.SampledFrom([]string{"", "ns-", "Bad-"}).Draw(t, "generateName"),
		Namespace:    rapid.SampledFrom([]string{"", "", "default"}).Draw(t, "namespace"),
	}}
	// one label and one annotation at most: upstream reports those in map
	// order, which is not reproducible
	if rapid.Bool().Draw(t, "label") {
		ns.Labels = map[string]string{rapid.SampledFrom([]string{"team", "-bad", "a/b/c", "example.com/team"}).Draw(t, "labelKey"): rapid.SampledFrom([]string{"blue", "-x", "", strings.Repeat("v", 64)}).Draw(t, "labelValue")}
	}
	if rapid.Bool().Draw(t, "annotation") {
		ns.Annotations = map[string]string{rapid.SampledFrom([]string{"note", "-bad", "a/b/c"}).Draw(t, "annotationKey"): "x"}
	}
	for range rapid.IntRange(0, 2).Draw(t, "finalizers") {
		ns.Spec.Finalizers = append(ns.Spec.Finalizers, corev1.FinalizerName(rapid.SampledFrom([]string{"kubernetes", "mine", "example.com/keep", "orphan", "a/b/c", "Bad/x"}).Draw(t, "finalizer")))
	}
	for range rapid.IntRange(0, 2).Draw(t, "metaFinalizers") {
		ns.Finalizers = append(ns.Finalizers, rapid.SampledFrom([]string{"foregroundDeletion", "keep", "example.com/keep", "kubernetes"}).Draw(t, "metaFinalizer"))
	}
	return ns
}

// namespace.Validate gives pkg/apis/core/validation.ValidateNamespace's
// errors, and PrepareForCreate does what the registry's namespace
// strategy does on create.
func TestNamespaceValidationAndCreateMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ns := genNamespace(t)
		internal := &core.Namespace{}
		if err := legacyscheme.Scheme.Convert(ns.DeepCopy(), internal, nil); err != nil {
			t.Fatal(err)
		}
		want := errorStrings(corevalidation.ValidateNamespace(internal))
		got := errorStrings(namespace.Validate(ns))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("validation differs (-upstream +kubesem):\n%s", diff)
		}
		nsregistry.Strategy.PrepareForCreate(context.Background(), internal)
		ours := &core.Namespace{}
		if err := legacyscheme.Scheme.Convert(namespace.PrepareForCreate(ns), ours, nil); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(internal, ours); diff != "" {
			t.Fatalf("PrepareForCreate differs (-upstream +kubesem):\n%s", diff)
		}
	})
}
