package apiserver

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/kube-openapi/pkg/schemaconv"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
)

// objectMetaType is ObjectMeta's name in the built-in apply schema.
const objectMetaType = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

// customFieldManager is the field manager of a custom resource: its
// structured-merge-diff schema is built from the version's structural
// schema as the CRD handler builds it (the schema with ObjectMeta for
// metadata, apiVersion and kind strings), or deduced from the objects
// when the definition has no schema.
func (s *Server) customFieldManager(ri *resourceInfo, sub string) (*managedfields.FieldManager, error) {
	tc, err := customTypeConverter(ri)
	if err != nil {
		return nil, err
	}
	gvk := ri.GroupVersionKind()
	var reset map[fieldpath.APIVersion]*fieldpath.Set
	if ri.custom.status {
		// The strategies' GetResetFields: status for the main resource,
		// metadata and spec for the status subresource.
		set := fieldpath.NewSet(fieldpath.MakePathOrDie("status"))
		if sub == "status" {
			set = fieldpath.NewSet(fieldpath.MakePathOrDie("metadata"), fieldpath.MakePathOrDie("spec"))
		}
		reset = map[fieldpath.APIVersion]*fieldpath.Set{fieldpath.APIVersion(gvk.GroupVersion().String()): set}
	}
	return managedfields.NewDefaultCRDFieldManager(tc, unstructuredConverter{}, ri.strategy, unstructuredCreater{}, gvk, gvk.GroupVersion(), sub, fieldpath.NewExcludeFilterSetMap(reset))
}

func customTypeConverter(ri *resourceInfo) (managedfields.TypeConverter, error) {
	cr := ri.custom
	if cr.structural == nil {
		return managedfields.NewDeducedTypeConverter(), nil
	}
	root := cr.structural.ToKubeOpenAPI()
	root.SetProperty("metadata", *spec.RefSchema("#/definitions/" + objectMetaType))
	root.SetProperty("apiVersion", *spec.StringProperty())
	root.SetProperty("kind", *spec.StringProperty())
	name := openAPIName(ri.GroupVersionKind())
	out, err := schemaconv.ToSchemaFromOpenAPI(map[string]*spec.Schema{name: root}, cr.preserveUnknown)
	if err != nil {
		return nil, err
	}
	builtin, err := parseApplySchema()
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, t := range out.Types {
		have[t.Name] = true
	}
	types := append([]smdschema.TypeDef(nil), out.Types...)
	for _, t := range builtin.Schema.Types {
		if !have[t.Name] {
			types = append(types, t)
		}
	}
	parser := &typed.Parser{Schema: smdschema.Schema{Types: types}}
	return customConverter{t: parser.Type(name)}, nil
}

// openAPIName is the definition name the OpenAPI builder gives a custom
// kind: the group reversed, the version, the kind.
func openAPIName(gvk schema.GroupVersionKind) string {
	parts := strings.Split(gvk.Group, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return fmt.Sprintf("%s.%s.%s", strings.Join(parts, "."), gvk.Version, gvk.Kind)
}

// customConverter converts custom resources to and from typed values.
type customConverter struct{ t typed.ParseableType }

func (c customConverter) ObjectToTyped(obj runtime.Object, opts ...typed.ValidationOptions) (*typed.TypedValue, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, err
		}
		u = &unstructured.Unstructured{Object: m}
	}
	return c.t.FromUnstructured(u.Object, opts...)
}

func (c customConverter) TypedToObject(v *typed.TypedValue) (runtime.Object, error) {
	m, ok := v.AsValue().Unstructured().(map[string]any)
	if !ok {
		return nil, fmt.Errorf("failed to convert value to unstructured for type %T", v.AsValue().Unstructured())
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// unstructuredConverter converts custom resources between versions of a
// definition whose conversion strategy is None: the apiVersion changes.
type unstructuredConverter struct{}

func (unstructuredConverter) Convert(in, out, _ any) error {
	u, ok := in.(*unstructured.Unstructured)
	o, ok2 := out.(*unstructured.Unstructured)
	if !ok || !ok2 {
		return fmt.Errorf("unstructured conversion of %T to %T", in, out)
	}
	o.Object = u.DeepCopy().Object
	return nil
}

func (unstructuredConverter) ConvertToVersion(in runtime.Object, gv runtime.GroupVersioner) (runtime.Object, error) {
	u, ok := in.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("unstructured conversion of %T", in)
	}
	c := u.DeepCopy()
	if target, ok := gv.KindForGroupVersionKinds([]schema.GroupVersionKind{c.GroupVersionKind()}); ok {
		c.SetGroupVersionKind(target)
	}
	return c, nil
}

func (unstructuredConverter) ConvertFieldLabel(_ schema.GroupVersionKind, label, value string) (string, string, error) {
	return label, value, nil
}

// unstructuredCreater makes empty custom resources.
type unstructuredCreater struct{}

func (unstructuredCreater) New(gvk schema.GroupVersionKind) (runtime.Object, error) {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetGroupVersionKind(gvk)
	return u, nil
}
