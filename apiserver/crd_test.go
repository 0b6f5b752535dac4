package apiserver_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/apiserver"
)

const crontabCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec:
                type: string
                pattern: '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'
              image: {type: string}
              replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
              mode: {type: string, enum: [a, b]}
            x-kubernetes-validations:
            - rule: "self.replicas <= 5 || (has(self.mode) && self.mode == 'b')"
              message: more than 5 replicas need mode b
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
`

var (
	crdGVR     = apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions")
	crontabGVR = schema.GroupVersionResource{Group: "stable.example.com", Version: "v1", Resource: "crontabs"}
)

func newCRDServer(t *testing.T) *apiserver.Server {
	t.Helper()
	s := apiserver.New(apiserver.Options{})
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict([]byte(crontabCRD), crd); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func crontab(name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "stable.example.com/v1", "kind": "CronTab",
		"metadata": map[string]any{"name": name}, "spec": spec}}
}

// The naming and establishing controllers accept the names and establish
// the definition; its resource is served at once (rule API-12).
func TestCRDEstablished(t *testing.T) {
	s := newCRDServer(t)
	o, err := s.Get(crdGVR, "", "crontabs.stable.example.com")
	if err != nil {
		t.Fatal(err)
	}
	crd := o.(*apiextensionsv1.CustomResourceDefinition)
	var conds []string
	for _, c := range crd.Status.Conditions {
		conds = append(conds, string(c.Type)+"="+string(c.Status)+" "+c.Reason+": "+c.Message)
	}
	want := []string{"NamesAccepted=True NoConflicts: no conflicts found", "Established=True InitialNamesAccepted: the initial names have been accepted"}
	if diff := cmp.Diff(want, conds); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if crd.Status.AcceptedNames.Kind != "CronTab" || crd.Status.AcceptedNames.ListKind != "CronTabList" || !cmp.Equal(crd.Status.StoredVersions, []string{"v1"}) {
		t.Errorf("accepted names %+v, stored versions %v", crd.Status.AcceptedNames, crd.Status.StoredVersions)
	}
	// Three writes: the create, the naming controller's, the
	// establishing controller's.
	if crd.ResourceVersion != "7" {
		t.Errorf("resourceVersion %s, want 7 (4 system namespaces and three writes)", crd.ResourceVersion)
	}
	r, err := s.ResourceFor("ct")
	if err != nil || r.Kind != "CronTab" || !r.Namespaced || !cmp.Equal(r.Subresources, []string{"scale", "status"}) {
		t.Errorf("ResourceFor(ct) = %+v, %v", r, err)
	}
}

// A custom resource is pruned, defaulted and validated with the
// apiserver's texts (rule API-13).
func TestCustomResourceSchema(t *testing.T) {
	s := newCRDServer(t)
	in := crontab("ok", map[string]any{"cronSpec": "* * * * */5", "unknown": "x"})
	in.Object["status"] = map[string]any{"replicas": int64(3)}
	o, err := s.Create(crontabGVR, "default", in, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u := o.(*unstructured.Unstructured)
	if diff := cmp.Diff(map[string]any{"cronSpec": "* * * * */5", "replicas": int64(1)}, u.Object["spec"]); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	if _, ok := u.Object["status"]; ok || u.GetGeneration() != 1 {
		t.Errorf("status kept on create (%v) or generation %d", u.Object["status"], u.GetGeneration())
	}
	for _, tc := range []struct {
		spec map[string]any
		want string
	}{
		{map[string]any{"cronSpec": "x", "replicas": int64(11), "mode": "c"},
			`CronTab.stable.example.com "bad" is invalid: [spec.cronSpec: Invalid value: "x": spec.cronSpec in body should match '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$', spec.mode: Unsupported value: "c": supported values: "a", "b", spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10, <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]`},
		{map[string]any{"replicas": int64(7)},
			`CronTab.stable.example.com "bad" is invalid: spec: Invalid value: more than 5 replicas need mode b`},
		{map[string]any{"replicas": "two"},
			`CronTab.stable.example.com "bad" is invalid: [spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", .spec.replicas: Invalid value: 0: .spec.replicas accessor error: two is of the type string, expected int64, <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]`},
	} {
		_, err := s.Create(crontabGVR, "default", crontab("bad", tc.spec), metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) || err.Error() != tc.want {
			t.Errorf("create %v:\n got %v\nwant %s", tc.spec, err, tc.want)
		}
	}
}

// Status and scale subresources, generation, patches and apply of a
// custom resource (rules API-4, API-6, API-11, API-13).
func TestCustomResourceWrites(t *testing.T) {
	s := newCRDServer(t)
	if _, err := s.Create(crontabGVR, "default", crontab("c", map[string]any{"cronSpec": "* * * * */5", "image": "a"}), metav1.CreateOptions{FieldManager: "kubectl"}); err != nil {
		t.Fatal(err)
	}
	// A status patch writes status only, and does not move generation.
	o, err := s.Patch(crontabGVR, "default", "c", types.MergePatchType, []byte(`{"spec":{"image":"b"},"status":{"replicas":2,"selector":"app=c"}}`), metav1.PatchOptions{}, "status")
	if err != nil {
		t.Fatal(err)
	}
	u := o.(*unstructured.Unstructured)
	if img, _, _ := unstructured.NestedString(u.Object, "spec", "image"); img != "a" || u.GetGeneration() != 1 {
		t.Errorf("status patch: image %q generation %d", img, u.GetGeneration())
	}
	sc, err := s.Get(crontabGVR, "default", "c", "scale")
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.(interface{ GetName() string }).GetName(); got != "c" {
		t.Errorf("scale name %q", got)
	}
	// A main-resource patch keeps status and moves generation.
	o, err = s.Patch(crontabGVR, "default", "c", types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/image","value":"b"},{"op":"remove","path":"/status"}]`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u = o.(*unstructured.Unstructured)
	if n, _, _ := unstructured.NestedInt64(u.Object, "status", "replicas"); n != 2 || u.GetGeneration() != 2 {
		t.Errorf("main patch: status.replicas %d generation %d", n, u.GetGeneration())
	}
	// Strategic merge patches are refused with the apiserver's 415.
	_, err = s.Patch(crontabGVR, "default", "c", types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{})
	if want := "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"; !apierrors.IsUnsupportedMediaType(err) || err.Error() != want {
		t.Errorf("strategic merge patch: %v", err)
	}
	// Apply conflicts with the manager that set the field, unless forced.
	apply := []byte("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: c\nspec:\n  cronSpec: '* * * * */1'\n")
	_, err = s.Patch(crontabGVR, "default", "c", types.ApplyYAMLPatchType, apply, metav1.PatchOptions{FieldManager: "applier"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "kubectl" using stable.example.com/v1: .spec.cronSpec`) {
		t.Fatalf("apply: %v", err)
	}
	force := true
	o, err = s.Patch(crontabGVR, "default", "c", types.ApplyYAMLPatchType, apply, metav1.PatchOptions{FieldManager: "applier", Force: &force})
	if err != nil {
		t.Fatal(err)
	}
	var managers []string
	for _, e := range o.(*unstructured.Unstructured).GetManagedFields() {
		managers = append(managers, e.Manager+"/"+string(e.Operation)+"/"+e.Subresource)
	}
	if diff := cmp.Diff([]string{"applier/Apply/", "kubectl/Update/", "unknown/Update/", "unknown/Update/status"}, managers); diff != "" {
		t.Errorf("managers (-want +got):\n%s", diff)
	}
	// The scale subresource sets spec.replicas, validated by the schema.
	sc, err = s.Get(crontabGVR, "default", "c", "scale")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Patch(crontabGVR, "default", "c", types.MergePatchType, []byte(`{"spec":{"replicas":4}}`), metav1.PatchOptions{}, "scale")
	if err != nil {
		t.Fatal(err)
	}
	o, _ = s.Get(crontabGVR, "default", "c")
	if n, _, _ := unstructured.NestedInt64(o.(*unstructured.Unstructured).Object, "spec", "replicas"); n != 4 {
		t.Errorf("spec.replicas after scale %d", n)
	}
	_, err = s.Patch(crontabGVR, "default", "c", types.MergePatchType, []byte(`{"spec":{"replicas":20}}`), metav1.PatchOptions{}, "scale")
	if !apierrors.IsInvalid(err) {
		t.Errorf("scale to 20: %v", err)
	}
}

// Deleting a definition marks it Terminating, deletes its custom
// resources, and removes it once none is left (rule API-12).
func TestCRDDeletion(t *testing.T) {
	s := newCRDServer(t)
	held := crontab("held", map[string]any{})
	held.SetFinalizers([]string{"example.com/keep"})
	if _, err := s.Create(crontabGVR, "default", held, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(crdGVR, "", "crontabs.stable.example.com", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	o, err := s.Get(crdGVR, "", "crontabs.stable.example.com")
	if err != nil {
		t.Fatalf("the definition went while an instance is held: %v", err)
	}
	crd := o.(*apiextensionsv1.CustomResourceDefinition)
	var terminating string
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Terminating {
			terminating = c.Reason
		}
	}
	if crd.DeletionTimestamp == nil || terminating != "InstanceDeletionInProgress" {
		t.Errorf("deletionTimestamp %v, Terminating %q", crd.DeletionTimestamp, terminating)
	}
	// The resource is still served; the held instance is being deleted.
	h, err := s.Get(crontabGVR, "default", "held")
	if err != nil || h.(*unstructured.Unstructured).GetDeletionTimestamp() == nil {
		t.Fatalf("held instance: %v", err)
	}
	if _, err := s.Patch(crontabGVR, "default", "held", types.JSONPatchType, []byte(`[{"op":"remove","path":"/metadata/finalizers"}]`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(crdGVR, "", "crontabs.stable.example.com"); !apierrors.IsNotFound(err) {
		t.Errorf("the definition outlived its last instance: %v", err)
	}
	if _, err := s.List(crontabGVR, "", metav1.ListOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the resource is still served: %v", err)
	}
}

// Invalid definitions are refused with the apiserver's texts.
func TestCRDValidation(t *testing.T) {
	s := apiserver.New(apiserver.Options{})
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict([]byte(crontabCRD), crd); err != nil {
		t.Fatal(err)
	}
	crd.Name = "wrong.example.com"
	crd.Spec.Versions[0].Storage = false
	crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["image"] = apiextensionsv1.JSONSchemaProps{}
	_, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{})
	// One version: its schema moves to spec.validation in the internal
	// form the apiserver validates, as upstream's errors name it.
	want := `CustomResourceDefinition.apiextensions.k8s.io "wrong.example.com" is invalid: [metadata.name: Invalid value: "wrong.example.com": must be spec.names.plural+"."+spec.group, spec.versions: Invalid value: [{"Name":"v1","Served":true,"Storage":false,"Deprecated":false,"DeprecationWarning":null,"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,"SelectableFields":null}]: must have exactly one version marked as storage version, spec.validation.openAPIV3Schema.properties[spec].properties[image].type: Required value: must not be empty for specified object fields, status.storedVersions: Invalid value: null: must have at least one stored version]`
	if !apierrors.IsInvalid(err) || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// CronTab is a user's Go type for the custom resource.
type CronTab struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              CronTabSpec `json:"spec,omitempty"`
}

// CronTabSpec is its spec.
type CronTabSpec struct {
	CronSpec string `json:"cronSpec,omitempty"`
	Replicas int64  `json:"replicas,omitempty"`
}

func (c *CronTab) DeepCopyObject() runtime.Object {
	n := *c
	c.ObjectMeta.DeepCopyInto(&n.ObjectMeta)
	return &n
}

// CronTabList is its list.
type CronTabList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CronTab `json:"items"`
}

func (c *CronTabList) DeepCopyObject() runtime.Object {
	n := *c
	n.Items = make([]CronTab, len(c.Items))
	for i := range c.Items {
		n.Items[i] = *c.Items[i].DeepCopyObject().(*CronTab)
	}
	return &n
}

// With the user's Go types in its scheme, the server takes and answers
// custom resources as those types, defaulted by the definition's schema.
func TestCustomResourceGoTypes(t *testing.T) {
	scheme := apiserver.NewScheme()
	gv := schema.GroupVersion{Group: "stable.example.com", Version: "v1"}
	scheme.AddKnownTypes(gv, &CronTab{}, &CronTabList{})
	s := apiserver.New(apiserver.Options{Scheme: scheme})
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict([]byte(crontabCRD), crd); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	in := &CronTab{TypeMeta: metav1.TypeMeta{APIVersion: "stable.example.com/v1", Kind: "CronTab"},
		ObjectMeta: metav1.ObjectMeta{Name: "typed"}, Spec: CronTabSpec{CronSpec: "* * * * */5"}}
	o, err := s.Create(crontabGVR, "default", in, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, ok := o.(*CronTab)
	if !ok || got.Spec.Replicas != 1 || got.Namespace != "default" || got.UID == "" {
		t.Fatalf("create answered %T %+v", o, o)
	}
	l, err := s.List(crontabGVR, "default", metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if list, ok := l.(*CronTabList); !ok || len(list.Items) != 1 || list.Items[0].Name != "typed" {
		t.Fatalf("list answered %T %+v", l, l)
	}
}

// A definition with two versions serves both from one storage (the None
// conversion: the apiVersion changes), the kube-aware highest version
// preferred (rule API-13).
func TestCustomResourceVersions(t *testing.T) {
	s := apiserver.New(apiserver.Options{})
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict([]byte(`
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  versions:
  - name: v1beta1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {a: {type: string, default: beta}}}}}}
  - name: v1
    served: true
    storage: false
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {a: {type: string, default: ga}, b: {type: string, default: new}}}}}}
`), crd); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := s.ResourceFor("crontabs")
	if err != nil || r.Version != "v1" {
		t.Fatalf("preferred version %+v, %v", r, err)
	}
	beta := schema.GroupVersionResource{Group: "stable.example.com", Version: "v1beta1", Resource: "crontabs"}
	in := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "stable.example.com/v1beta1", "kind": "CronTab",
		"metadata": map[string]any{"name": "x"}, "spec": map[string]any{}}}
	if _, err := s.Create(beta, "default", in, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Read through v1: the stored object's apiVersion changes, and v1's
	// schema prunes and defaults what it reads.
	o, err := s.Get(crontabGVR, "default", "x")
	if err != nil {
		t.Fatal(err)
	}
	u := o.(*unstructured.Unstructured)
	if u.GetAPIVersion() != "stable.example.com/v1" || !cmp.Equal(u.Object["spec"], map[string]any{"a": "beta", "b": "new"}) {
		t.Errorf("read through v1: %s %v", u.GetAPIVersion(), u.Object["spec"])
	}
}

// API-6: applying a Scale to a custom resource whose replicas no manager
// owns fails as the CRD handler's field manager does: it first records the
// live Scale's fields against an empty object, which its converter cannot
// take — a 500 naming the live object, before anything is compared.
func TestCustomResourceScaleApplyWithoutReplicasManager(t *testing.T) {
	s := newCRDServer(t)
	o, err := s.Create(crontabGVR, "default", crontab("c", map[string]any{"cronSpec": "* * * * */5"}), metav1.CreateOptions{FieldManager: "kubectl"})
	if err != nil {
		t.Fatal(err)
	}
	// An update that sets managedFields to [{}] strips them (an empty
	// list would keep them), and is not tracked itself.
	u := o.(*unstructured.Unstructured)
	u.SetManagedFields([]metav1.ManagedFieldsEntry{{}})
	if o, err = s.Update(crontabGVR, "default", u, metav1.UpdateOptions{FieldManager: "kubectl"}); err != nil || len(o.(*unstructured.Unstructured).GetManagedFields()) != 0 {
		t.Fatalf("update emptying managedFields: %v", err)
	}
	apply := []byte("apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: c\nspec:\n  replicas: 3\n")
	force := true
	_, err = s.Patch(crontabGVR, "default", "c", types.ApplyYAMLPatchType, apply, metav1.PatchOptions{FieldManager: "alice", Force: &force}, "scale")
	want := "failed to create manager for existing fields: failed to convert live object (/; autoscaling/v1, Kind=Scale) to proper version: request to convert CR to an invalid group/version: autoscaling/v1"
	if se, ok := err.(apierrors.APIStatus); !ok || se.Status().Code != 500 || err.Error() != want {
		t.Fatalf("scale apply: %v, want a 500 %q", err, want)
	}
}
