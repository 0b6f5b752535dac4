package conformance

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	metadatafake "k8s.io/client-go/metadata/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/kubernetes/pkg/controller/namespace/deletion"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/namespace"
)

// nsOutcome is what one pass of a namespace deleter leaves: the
// namespace's phase, spec.finalizers and conditions (times aside), and the
// ConfigMaps still in it.
type nsOutcome struct {
	Phase      corev1.NamespacePhase
	Finalizers []corev1.FinalizerName
	Conditions []string
	Left       []string
}

func nsConditions(ns *corev1.Namespace) []string {
	var out []string
	for _, c := range ns.Status.Conditions {
		out = append(out, string(c.Type)+"="+string(c.Status)+" "+c.Reason+": "+c.Message)
	}
	return out
}

// upstreamNamespacePass runs kube-controller-manager's namespaced
// resources deleter once over ns holding the ConfigMaps named, on a fake
// clientset and a fake metadata client whose deletecollection removes what
// it names.
func upstreamNamespacePass(t *rapid.T, ns *corev1.Namespace, configMaps []string) nsOutcome {
	client := fake.NewSimpleClientset(ns.DeepCopy())
	client.PrependReactor("create", "namespaces", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() != "finalize" {
			return false, nil, nil
		}
		in := a.(clienttesting.CreateAction).GetObject().(*corev1.Namespace)
		cur, err := client.Tracker().Get(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, "", in.Name)
		if err != nil {
			return true, nil, err
		}
		out := cur.(*corev1.Namespace).DeepCopy()
		out.Spec.Finalizers = in.Spec.Finalizers
		return true, out, client.Tracker().Update(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, out, "")
	})
	cmGVR := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	var objs []runtime.Object
	for _, name := range configMaps {
		objs = append(objs, &metav1.PartialObjectMetadata{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns.Name},
		})
	}
	scheme := metadatafake.NewTestScheme()
	scheme.AddKnownTypeWithName(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, &metav1.PartialObjectMetadata{})
	scheme.AddKnownTypeWithName(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMapList"}, &metav1.PartialObjectMetadataList{})
	meta := metadatafake.NewSimpleMetadataClient(scheme, objs...)
	meta.PrependReactor("delete-collection", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		list, err := meta.Tracker().List(a.GetResource(), schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, a.GetNamespace())
		if err != nil {
			return true, nil, nil
		}
		for _, m := range list.(*metav1.PartialObjectMetadataList).Items {
			if err := meta.Tracker().Delete(a.GetResource(), a.GetNamespace(), m.Name); err != nil {
				return true, nil, err
			}
		}
		return true, nil, nil
	})
	discover := func() ([]*metav1.APIResourceList, error) {
		return []*metav1.APIResourceList{{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "configmaps", Namespaced: true, Kind: "ConfigMap", Verbs: metav1.Verbs{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}},
		}}}, nil
	}
	d := deletion.NewNamespacedResourcesDeleter(context.Background(), client.CoreV1().Namespaces(), meta, client.CoreV1(), discover, corev1.FinalizerKubernetes)
	if err := d.Delete(context.Background(), ns.Name); err != nil {
		t.Fatalf("upstream deleter: %v", err)
	}
	var out nsOutcome
	if cur, err := client.Tracker().Get(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, "", ns.Name); err == nil {
		n := cur.(*corev1.Namespace)
		out.Phase, out.Finalizers, out.Conditions = n.Status.Phase, n.Spec.Finalizers, nsConditions(n)
	}
	list, err := meta.Tracker().List(cmGVR, schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list.(*metav1.PartialObjectMetadataList).Items {
		out.Left = append(out.Left, m.Name)
	}
	slices.Sort(out.Left)
	return out
}

// namespace.Finalize does in one pass what upstream's namespaced
// resources deleter does (namespaced_resources_deleter.go: Delete): nothing
// for a namespace not being deleted; the Terminating phase; nothing more
// for a finalized one (empty spec.finalizers); else the content deleted,
// the deletion conditions written and the kubernetes finalizer removed,
// the finalizers left sorted and without duplicates as upstream's finalize
// request sends them. The ConfigMaps have no finalizers, so both delete
// them in the pass.
func TestNamespaceFinalizeMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office", UID: "ns-uid", ResourceVersion: "1"}}
		ns.Status.Phase = rapid.SampledFrom([]corev1.NamespacePhase{corev1.NamespaceActive, corev1.NamespaceTerminating, ""}).Draw(t, "phase")
		if rapid.IntRange(0, 3).Draw(t, "deleting") > 0 {
			ns.DeletionTimestamp = ptr(metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		}
		for range rapid.IntRange(0, 3).Draw(t, "specFinalizers") {
			ns.Spec.Finalizers = append(ns.Spec.Finalizers, corev1.FinalizerName(rapid.SampledFrom([]string{"kubernetes", "kubernetes", "example.com/z", "example.com/a"}).Draw(t, "specFinalizer")))
		}
		if rapid.Bool().Draw(t, "metaFinalizer") {
			ns.Finalizers = []string{"example.com/keep"}
		}
		var cms []string
		for i := range rapid.IntRange(0, 2).Draw(t, "configMaps") {
			cms = append(cms, []string{"settings", "flags"}[i])
		}
		want := upstreamNamespacePass(t, ns, cms)

		var others []namespace.Object
		for _, name := range cms {
			others = append(others, namespace.Object{Kind: "ConfigMap", Name: name})
		}
		s := namespace.Finalize(ns, namespace.Content{Others: others}, ns.GetCreationTimestamp().Add(time.Hour))
		got := nsOutcome{Phase: ns.Status.Phase, Finalizers: ns.Spec.Finalizers, Conditions: nsConditions(ns)}
		if s.Namespace != nil {
			got.Phase, got.Finalizers, got.Conditions = s.Namespace.Status.Phase, s.Namespace.Spec.Finalizers, nsConditions(s.Namespace)
		}
		deleted := map[string]bool{}
		for _, o := range s.Delete {
			deleted[o.Name] = true
		}
		for _, name := range cms {
			if !deleted[name] {
				got.Left = append(got.Left, name)
			}
		}
		slices.Sort(got.Left)
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b []corev1.FinalizerName) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) })); diff != "" {
			t.Fatalf("one pass differs (-upstream +kubesem):\n%s", diff)
		}
	})
}
