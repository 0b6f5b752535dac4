package conformance

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podapi "k8s.io/kubernetes/pkg/api/pod"
	apps "k8s.io/kubernetes/pkg/apis/apps"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
	core "k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	nsregistry "k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/rollout"
)

// genMetaEdit draws the metadata of an update from old's: the fields
// the metadata update rules look at, each changed now and then, with at
// most one label and one annotation (upstream reports those in map
// order).
func genMetaEdit(t *rapid.T, old metav1.ObjectMeta) metav1.ObjectMeta {
	m := *old.DeepCopy()
	m.ResourceVersion = rapid.SampledFrom([]string{"7", "7", "7", ""}).Draw(t, "resourceVersion")
	if rapid.IntRange(0, 7).Draw(t, "rename") == 0 {
		m.Name = "renamed"
	}
	if rapid.IntRange(0, 7).Draw(t, "reUID") == 0 {
		m.UID = "other-uid"
	}
	m.Generation = old.Generation + int64(rapid.IntRange(-2, 1).Draw(t, "generationDelta"))
	if rapid.IntRange(0, 7).Draw(t, "undelete") == 0 {
		m.DeletionTimestamp = nil
	}
	m.Finalizers = nil
	for range rapid.IntRange(0, 3).Draw(t, "finalizers") {
		m.Finalizers = append(m.Finalizers, rapid.SampledFrom([]string{"kubernetes", "orphan", "foregroundDeletion", "keep", "example.com/keep", "Bad/x", "a/b/c"}).Draw(t, "finalizer"))
	}
	m.Labels, m.Annotations = nil, nil
	if rapid.Bool().Draw(t, "label") {
		m.Labels = map[string]string{rapid.SampledFrom([]string{"team", "-bad", "a/b/c"}).Draw(t, "labelKey"): rapid.SampledFrom([]string{"blue", "-x", ""}).Draw(t, "labelValue")}
	}
	if rapid.Bool().Draw(t, "annotation") {
		m.Annotations = map[string]string{rapid.SampledFrom([]string{"note", "-bad", "a/b/c"}).Draw(t, "annotationKey"): "x"}
	}
	if rapid.IntRange(0, 7).Draw(t, "owner") == 0 {
		m.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: rapid.SampledFrom([]string{"ConfigMap", ""}).Draw(t, "ownerKind"), Name: "o", UID: "u"}}
	}
	return m
}

// genOldMeta draws the stored object's metadata: named, with a uid and a
// resourceVersion, perhaps being deleted, perhaps with finalizers.
func genOldMeta(t *rapid.T, ns string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: "x", Namespace: ns, UID: "uid-1", ResourceVersion: "7", Generation: int64(rapid.IntRange(1, 3).Draw(t, "oldGeneration")),
		CreationTimestamp: metav1.NewTime(at(0))}
	if rapid.IntRange(0, 3).Draw(t, "oldDeleting") == 0 {
		ts := metav1.NewTime(at(5))
		m.DeletionTimestamp = &ts
	}
	for range rapid.IntRange(0, 2).Draw(t, "oldFinalizers") {
		m.Finalizers = append(m.Finalizers, rapid.SampledFrom([]string{"orphan", "example.com/keep"}).Draw(t, "oldFinalizer"))
	}
	return m
}

func genDeploymentStatusValue(t *rapid.T, label string) appsv1.DeploymentStatus {
	n := func(name string) int32 { return int32(rapid.IntRange(-2, 6).Draw(t, label+name)) }
	s := appsv1.DeploymentStatus{
		ObservedGeneration: int64(rapid.IntRange(-1, 3).Draw(t, label+"Observed")),
		Replicas:           n("Replicas"), UpdatedReplicas: n("Updated"), ReadyReplicas: n("Ready"),
		AvailableReplicas: n("Available"), UnavailableReplicas: n("Unavailable"),
	}
	if rapid.Bool().Draw(t, label+"HasTerminating") {
		s.TerminatingReplicas = ptr(n("Terminating"))
	}
	if rapid.Bool().Draw(t, label+"HasCollisions") {
		s.CollisionCount = ptr(n("Collisions"))
	}
	if rapid.Bool().Draw(t, label+"HasCondition") {
		s.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionStatus(rapid.SampledFrom([]string{"True", "Maybe", ""}).Draw(t, label+"ConditionStatus"))}}
	}
	return s
}

// smallDeployment is a valid defaulted Deployment with the given
// metadata: the template is not what these tests vary.
func smallDeployment(m metav1.ObjectMeta) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: m, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}},
	}}
	return rollout.Default(d)
}

func toInternal[T runtime.Object](t *rapid.T, in runtime.Object, out T) T {
	if err := legacyscheme.Scheme.Convert(in.DeepCopyObject(), out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

// rollout.ValidateStatus and ValidateStatusUpdate give
// appsvalidation.ValidateDeploymentStatus's and
// ValidateDeploymentStatusUpdate's errors, in order, with the same texts,
// for random counts (negative ones included), collision counts set,
// dropped, raised and lowered, conditions, and metadata updates.
func TestDeploymentStatusValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		old := smallDeployment(genOldMeta(t, "default"))
		old.Status = genDeploymentStatusValue(t, "old")
		d := old.DeepCopy()
		d.ObjectMeta = genMetaEdit(t, old.ObjectMeta)
		d.Status = genDeploymentStatusValue(t, "new")
		oldI, newI := toInternal(t, old, &apps.Deployment{}), toInternal(t, d, &apps.Deployment{})

		want := errorStrings(appsvalidation.ValidateDeploymentStatus(&newI.Status, field.NewPath("status")))
		got := errorStrings(rollout.ValidateStatus(&d.Status, field.NewPath("status")))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ValidateStatus differs (-upstream +kubesem):\n%s", diff)
		}
		want = errorStrings(appsvalidation.ValidateDeploymentStatusUpdate(newI, oldI))
		got = errorStrings(rollout.ValidateStatusUpdate(d, old))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ValidateStatusUpdate differs (-upstream +kubesem):\n%s", diff)
		}
	})
}

// rollout.Validate and ValidateUpdate give ValidateDeployment's and
// ValidateDeploymentUpdate's errors for random metadata updates
// (finalizer names included) and spec changes: replicas, the selector
// (immutable), minReadySeconds against progressDeadlineSeconds,
// revisionHistoryLimit.
func TestDeploymentUpdateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		old := smallDeployment(genOldMeta(t, "default"))
		d := old.DeepCopy()
		d.ObjectMeta = genMetaEdit(t, old.ObjectMeta)
		d.Spec.Replicas = ptr(int32(rapid.IntRange(-1, 3).Draw(t, "replicas")))
		if rapid.IntRange(0, 3).Draw(t, "reselect") == 0 {
			v := rapid.SampledFrom([]string{"web", "api"}).Draw(t, "selectorApp")
			d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": v}}
			d.Spec.Template.Labels = map[string]string{"app": rapid.SampledFrom([]string{v, "web"}).Draw(t, "templateApp")}
		}
		d.Spec.MinReadySeconds = int32(rapid.IntRange(-1, 700).Draw(t, "minReady"))
		d.Spec.RevisionHistoryLimit = ptr(int32(rapid.IntRange(-1, 3).Draw(t, "history")))
		oldI, newI := toInternal(t, old, &apps.Deployment{}), toInternal(t, d, &apps.Deployment{})
		opts := podapi.GetValidationOptionsFromPodTemplate(&newI.Spec.Template, &oldI.Spec.Template)

		want := errorStrings(appsvalidation.ValidateDeploymentUpdate(newI, oldI, opts))
		got := errorStrings(rollout.ValidateUpdate(d, old))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ValidateUpdate differs (-upstream +kubesem):\n%s", diff)
		}
		want = errorStrings(appsvalidation.ValidateDeployment(newI, podapi.GetValidationOptionsFromPodTemplate(&newI.Spec.Template, nil)))
		got = errorStrings(rollout.Validate(d))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Validate differs (-upstream +kubesem):\n%s", diff)
		}
	})
}

// namespace.ValidateUpdate, ValidateStatusUpdate and ValidateFinalizeUpdate
// give core validation's ValidateNamespaceUpdate, ValidateNamespaceStatusUpdate
// and ValidateNamespaceFinalizeUpdate errors, and Validate then
// ValidateUpdate the namespace strategy's ValidateUpdate, for random
// metadata updates, phases with and without a deletionTimestamp, and
// spec.finalizers.
func TestNamespaceUpdateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		old := &corev1.Namespace{ObjectMeta: genOldMeta(t, "")}
		old.Name = "office"
		old.Spec.Finalizers = []corev1.FinalizerName{corev1.FinalizerKubernetes}
		ns := genNamespace(t) // its spec.finalizers, labels and annotations
		ns.ObjectMeta = genMetaEdit(t, old.ObjectMeta)
		if rapid.IntRange(0, 5).Draw(t, "namespaced") == 0 {
			ns.Namespace = "default"
		}
		if rapid.IntRange(0, 5).Draw(t, "badName") == 0 {
			ns.Name = "Bad_Name"
		}
		ns.Status.Phase = corev1.NamespacePhase(rapid.SampledFrom([]string{"Active", "Terminating", "", "Gone"}).Draw(t, "phase"))
		oldI, newI := toInternal(t, old, &core.Namespace{}), toInternal(t, ns, &core.Namespace{})

		for _, c := range []struct {
			name      string
			want, got field.ErrorList
		}{
			{"ValidateUpdate", corevalidation.ValidateNamespaceUpdate(newI, oldI), namespace.ValidateUpdate(ns, old)},
			{"ValidateStatusUpdate", corevalidation.ValidateNamespaceStatusUpdate(newI, oldI), namespace.ValidateStatusUpdate(ns, old)},
			{"ValidateFinalizeUpdate", corevalidation.ValidateNamespaceFinalizeUpdate(newI, oldI), namespace.ValidateFinalizeUpdate(ns, old)},
			{"the strategy's ValidateUpdate", nsregistry.Strategy.ValidateUpdate(context.Background(), newI, oldI),
				append(namespace.Validate(ns), namespace.ValidateUpdate(ns, old)...)},
		} {
			if diff := cmp.Diff(errorStrings(c.want), errorStrings(c.got)); diff != "" {
				t.Fatalf("%s differs (-upstream +kubesem):\n%s", c.name, diff)
			}
		}
	})
}

// upstreamInvalid is the apiserver's 422 for errs, or nil.
func upstreamInvalid(gk schema.GroupKind, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(gk, name, errs)
}

// sameStatusError compares kubesem's answer with upstream's: both nil, or
// the same message, reason, code and causes.
func sameStatusError(t *rapid.T, what string, want, got error) {
	if (want == nil) != (got == nil) {
		t.Fatalf("%s: upstream %v, kubesem %v", what, want, got)
	}
	if want == nil {
		return
	}
	var w, g *apierrors.StatusError
	var ok bool
	if w, ok = want.(*apierrors.StatusError); !ok {
		t.Fatalf("%s: upstream %T", what, want)
	}
	if g, ok = got.(*apierrors.StatusError); !ok {
		t.Fatalf("%s: kubesem answered %T: %v", what, got, got)
	}
	if diff := cmp.Diff(w.ErrStatus, g.ErrStatus); diff != "" {
		t.Fatalf("%s differs (-upstream +kubesem):\n%s", what, diff)
	}
}

// genData draws a ConfigMap's or Secret's keys from keys, "a" (which
// data and binaryData may share) and at most one invalid key (upstream
// reports the errors of several in map order); one value may be large.
func genData(t *rapid.T, label string, keys ...string) map[string][]byte {
	if rapid.IntRange(0, 4).Draw(t, label+"Nil") == 0 {
		return nil
	}
	m := map[string][]byte{}
	value := func() []byte {
		if rapid.IntRange(0, 30).Draw(t, label+"Big") == 0 {
			return []byte(strings.Repeat("x", 1024*1024))
		}
		return []byte(rapid.SampledFrom([]string{"", "v", "{}", "{", "[]"}).Draw(t, label+"Value"))
	}
	for range rapid.IntRange(0, 3).Draw(t, label+"Keys") {
		m[rapid.SampledFrom(append([]string{"a"}, keys...)).Draw(t, label+"Key")] = value()
	}
	if rapid.IntRange(0, 3).Draw(t, label+"Invalid") == 0 {
		m[rapid.SampledFrom([]string{"a b", "..", "x/y", strings.Repeat("k", 254)}).Draw(t, label+"InvalidKey")] = value()
	}
	return m
}

var dataKeys = []string{"config.yaml", "tls.crt", "tls.key", ".dockercfg", ".dockerconfigjson", "username", "password", "ssh-privatekey"}

// oneBadDataKey keeps data to one key with an error: a data key shared
// with binaryData goes when data has an invalid key too.
func oneBadDataKey(cm *corev1.ConfigMap) {
	for k := range cm.Data {
		if len(validation.IsConfigMapKey(k)) > 0 {
			delete(cm.BinaryData, "a")
		}
	}
}

func strings2(m map[string][]byte) map[string]string {
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// storedData is a stored object's map as etcd's protobuf gives it back:
// an empty one is none (a ConfigMap's data is then defaulted to an empty
// map again as it is decoded).
func storedData[V any](m map[string]V) map[string]V {
	if len(m) == 0 {
		return nil
	}
	return m
}

// A ConfigMap's or Secret's create and update through kubesem's apiserver
// answer as upstream's: on create the strategy's Validate (ValidateConfigMap,
// ValidateSecret) and, when it finds nothing, the generic metadata check;
// on update the generic metadata checks (rest.ValidateUpdate's common
// fields) and the strategy's ValidateUpdate (ValidateConfigMapUpdate,
// ValidateSecretUpdate) — the same 422, message and causes, or success.
func TestConfigMapAndSecretValidationMatchUpstream(t *testing.T) {
	ctx := context.Background()
	// one server for 200 cases, each case under a name of its own: a
	// server per case would cost more than the case, and one for all of
	// them would keep every megabyte drawn
	var s *apiserver.Server
	n := 0
	rapid.Check(t, func(t *rapid.T) {
		if n%200 == 0 {
			s = apiserver.New(apiserver.Options{})
		}
		n++
		name := fmt.Sprintf("x%d", n)
		isSecret := rapid.Bool().Draw(t, "secret")
		oldMeta := metav1.ObjectMeta{Name: name, Namespace: "default"}
		var obj apiserver.Object
		var gvr schema.GroupVersionResource
		if isSecret {
			gvr = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
			sec := &corev1.Secret{ObjectMeta: oldMeta, Data: genData(t, "data", dataKeys...)}
			sec.Type = corev1.SecretType(rapid.SampledFrom([]string{"", "Opaque", "kubernetes.io/tls", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth", "kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson", "kubernetes.io/service-account-token", "example.com/mine"}).Draw(t, "type"))
			if rapid.IntRange(0, 3).Draw(t, "saName") == 0 {
				sec.Annotations = map[string]string{corev1.ServiceAccountNameKey: "builder"}
			}
			sec.Immutable = ptr(rapid.Bool().Draw(t, "immutable"))
			obj = sec
		} else {
			gvr = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
			cm := &corev1.ConfigMap{ObjectMeta: oldMeta, Data: strings2(genData(t, "data", dataKeys...)), BinaryData: genData(t, "binaryData", "logo.png")}
			oneBadDataKey(cm)
			if rapid.Bool().Draw(t, "immutableSet") {
				cm.Immutable = ptr(rapid.Bool().Draw(t, "immutable"))
			}
			obj = cm
		}
		for range rapid.IntRange(0, 2).Draw(t, "createFinalizers") {
			obj.SetFinalizers(append(obj.GetFinalizers(), rapid.SampledFrom([]string{"keep", "example.com/keep", "orphan"}).Draw(t, "createFinalizer")))
		}

		// create: kubesem's server against the strategy's Validate
		gk := schema.GroupKind{Kind: map[bool]string{true: "Secret", false: "ConfigMap"}[isSecret]}
		var internal runtime.Object
		var want field.ErrorList
		v1 := obj.DeepCopyObject()
		legacyscheme.Scheme.Default(v1)
		if isSecret {
			in := toInternal(t, v1, &core.Secret{})
			secret.Strategy.PrepareForCreate(ctx, in)
			want, internal = secret.Strategy.Validate(ctx, in), in
		} else {
			in := toInternal(t, v1, &core.ConfigMap{})
			configmap.Strategy.PrepareForCreate(ctx, in)
			want, internal = configmap.Strategy.Validate(ctx, in), in
		}
		if len(want) == 0 {
			want = apimachineryvalidation.ValidateObjectMetaAccessor(internal.(metav1.Object), true, path.ValidatePathSegmentName, field.NewPath("metadata"))
		}
		created, err := s.Create(gvr, "default", obj.DeepCopyObject(), metav1.CreateOptions{})
		sameStatusError(t, "create", upstreamInvalid(gk, name, want), err)
		if err != nil {
			return
		}

		// update of what was stored
		old := created.(apiserver.Object)
		upd := old.DeepCopyObject().(apiserver.Object)
		m := genMetaEdit(t, metav1.ObjectMeta{Name: old.GetName(), Namespace: "default", UID: old.GetUID(), ResourceVersion: old.GetResourceVersion(),
			Generation: old.GetGeneration(), CreationTimestamp: old.GetCreationTimestamp(), Finalizers: old.GetFinalizers()})
		m.Name, m.ResourceVersion, m.UID = old.GetName(), old.GetResourceVersion(), "" // reach validation: no rename, conflict or precondition
		switch u := upd.(type) {
		case *corev1.Secret:
			u.ObjectMeta = m
			if rapid.Bool().Draw(t, "newData") {
				u.Data = genData(t, "newData", dataKeys...)
			}
			if rapid.IntRange(0, 3).Draw(t, "retype") == 0 {
				u.Type = "kubernetes.io/tls"
			}
			if rapid.Bool().Draw(t, "newImmutable") {
				u.Immutable = ptr(rapid.Bool().Draw(t, "newImmutableValue"))
			}
		case *corev1.ConfigMap:
			u.ObjectMeta = m
			if rapid.Bool().Draw(t, "newData") {
				u.Data = strings2(genData(t, "newData", dataKeys...))
			}
			if rapid.Bool().Draw(t, "newBinary") {
				u.BinaryData = genData(t, "newBinary", "logo.png")
			}
			oneBadDataKey(u)
			if rapid.Bool().Draw(t, "newImmutable") {
				u.Immutable = ptr(rapid.Bool().Draw(t, "newImmutableValue"))
			}
		}
		// upstream: rest.BeforeUpdate's resets, the strategy's
		// PrepareForUpdate, the common metadata checks, ValidateUpdate
		newV1 := upd.DeepCopyObject()
		legacyscheme.Scheme.Default(newV1)
		var oldI, newI runtime.Object
		if isSecret {
			o := toInternal(t, old, &core.Secret{})
			o.Data = storedData(o.Data)
			oldI, newI = o, toInternal(t, newV1, &core.Secret{})
		} else {
			o := toInternal(t, old, &core.ConfigMap{})
			o.BinaryData = storedData(o.BinaryData)
			if o.Data == nil {
				o.Data = map[string]string{} // decoding defaults it
			}
			oldI, newI = o, toInternal(t, newV1, &core.ConfigMap{})
		}
		nm, om := newI.(metav1.Object), oldI.(metav1.Object)
		nm.SetGeneration(om.GetGeneration())
		if isSecret {
			secret.Strategy.PrepareForUpdate(ctx, newI, oldI)
		} else {
			configmap.Strategy.PrepareForUpdate(ctx, newI, oldI)
		}
		if nm.GetUID() == "" {
			nm.SetUID(om.GetUID())
		}
		nm.SetCreationTimestamp(om.GetCreationTimestamp())
		want = apimachineryvalidation.ValidateObjectMetaAccessor(nm, true, path.ValidatePathSegmentName, field.NewPath("metadata"))
		want = append(want, apimachineryvalidation.ValidateObjectMetaAccessorUpdate(nm, om, field.NewPath("metadata"))...)
		if isSecret {
			want = append(want, secret.Strategy.ValidateUpdate(ctx, newI, oldI)...)
		} else {
			want = append(want, configmap.Strategy.ValidateUpdate(ctx, newI, oldI)...)
		}
		_, err = s.Update(gvr, "default", upd, metav1.UpdateOptions{})
		if err != nil && !apierrors.IsInvalid(err) {
			t.Fatalf("update: kubesem answered %v", err)
		}
		sameStatusError(t, fmt.Sprintf("update of %s", types.NamespacedName{Namespace: "default", Name: name}), upstreamInvalid(gk, name, want), err)
	})
}
