package conformance

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/apiserver"
)

// drawCRD draws a definition that is valid or wrong in the ways kubesem's
// validation checks (rule API-12): its name, group, scope, names,
// versions and their storage flags, a missing or non-structural schema,
// a default the schema refuses, scale paths.
func drawCRD(t *rapid.T) *apiextensionsv1.CustomResourceDefinition {
	group := rapid.SampledFrom([]string{"stable.example.com", "example", "Bad_Group.io", "", "apps.k8s.io"}).Draw(t, "group")
	plural := rapid.SampledFrom([]string{"crontabs", "CronTabs", ""}).Draw(t, "plural")
	kind := rapid.SampledFrom([]string{"CronTab", "cron_tab", ""}).Draw(t, "kind")
	listKind := rapid.SampledFrom([]string{"", "CronTabList", "CronTab"}).Draw(t, "listKind")
	name := plural + "." + group
	if rapid.Bool().Draw(t, "wrongName") {
		name = "other.example.com"
	}
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: group,
			Scope: apiextensionsv1.ResourceScope(rapid.SampledFrom([]string{"Namespaced", "Cluster", "", "Global"}).Draw(t, "scope")),
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: plural, Kind: kind, ListKind: listKind,
				ShortNames: rapid.SampledFrom([][]string{nil, {"ct"}, {"c_t"}}).Draw(t, "shortNames"),
				Categories: rapid.SampledFrom([][]string{nil, {"all"}, {"All"}}).Draw(t, "categories")},
		},
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "versions") {
		v := apiextensionsv1.CustomResourceDefinitionVersion{
			Name:    rapid.SampledFrom([]string{"v1", "v2", "V3"}).Draw(t, fmt.Sprintf("vname%d", i)),
			Served:  rapid.Bool().Draw(t, fmt.Sprintf("served%d", i)),
			Storage: rapid.Bool().Draw(t, fmt.Sprintf("storage%d", i)),
		}
		switch rapid.IntRange(0, 9).Draw(t, fmt.Sprintf("schema%d", i)) {
		case 0: // none
		case 1:
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
					"replicas": {Type: "integer", Minimum: ptr(1.0), Default: &apiextensionsv1.JSON{Raw: []byte(`1`)}}}}}}}
		case 2: // a property without a type
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": {}}}}
		case 3: // a default the schema refuses
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
					"replicas": {Type: "integer", Minimum: ptr(1.0), Default: &apiextensionsv1.JSON{Raw: []byte(`0`)}}}}}}}
		case 4: // a root that is not an object
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}
		case 5: // list and map types, right and wrong
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{
					"a": {Type: "array", XListType: ptr("map"), Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "object"}}},
					"b": {Type: "object", XListType: ptr("set")},
					"c": {Type: "array", XListType: ptr("set"), Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "object"}}},
					"d": {Type: "object", XMapType: ptr("sometimes")},
				}}}
		case 6: // keywords a CRD schema forbids
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{
					"u": {Type: "array", UniqueItems: true, Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}},
					"n": {Type: "null"},
					"f": {Type: "foo"},
					"p": {Type: "object", XPreserveUnknownFields: ptr(false)},
					"m": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{"x": {Type: "string"}},
						AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Allows: true, Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}},
				}}}
		case 7: // a default in metadata, and a preserved object
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
				XPreserveUnknownFields: ptr(true),
				Properties: map[string]apiextensionsv1.JSONSchemaProps{
					"metadata": {Type: "object", Default: &apiextensionsv1.JSON{Raw: []byte(`{}`)}}}}}
		case 8: // nullable root
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object", Nullable: true}}
		case 9: // a status schema with a description at the root
			v.Schema = &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object", Description: "d",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"status": {Type: "object"}}}}
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("deprecated%d", i)) {
			v.Deprecated = rapid.Bool().Draw(t, fmt.Sprintf("isDeprecated%d", i))
			v.DeprecationWarning = ptr(rapid.SampledFrom([]string{"", "old", "bad\x01"}).Draw(t, fmt.Sprintf("warning%d", i)))
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("columns%d", i)) {
			v.AdditionalPrinterColumns = []apiextensionsv1.CustomResourceColumnDefinition{{
				Name:     rapid.SampledFrom([]string{"", "Spec"}).Draw(t, fmt.Sprintf("colName%d", i)),
				Type:     rapid.SampledFrom([]string{"", "string", "str"}).Draw(t, fmt.Sprintf("colType%d", i)),
				Format:   rapid.SampledFrom([]string{"", "int32", "nope"}).Draw(t, fmt.Sprintf("colFormat%d", i)),
				JSONPath: rapid.SampledFrom([]string{"", ".spec.x", "spec.x"}).Draw(t, fmt.Sprintf("colPath%d", i)),
			}}
		}
		if v.Schema != nil && rapid.Bool().Draw(t, fmt.Sprintf("subresources%d", i)) {
			v.Subresources = &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}}
			if rapid.Bool().Draw(t, fmt.Sprintf("scale%d", i)) {
				v.Subresources.Scale = &apiextensionsv1.CustomResourceSubresourceScale{
					SpecReplicasPath:   rapid.SampledFrom([]string{"", ".spec.replicas", ".status.replicas", "spec"}).Draw(t, fmt.Sprintf("specPath%d", i)),
					StatusReplicasPath: rapid.SampledFrom([]string{"", ".status.replicas", ".spec.replicas"}).Draw(t, fmt.Sprintf("statusPath%d", i)),
					LabelSelectorPath:  rapid.SampledFrom([]*string{nil, ptr(""), ptr(".status.selector"), ptr(".meta.x"), ptr("x")}).Draw(t, fmt.Sprintf("selPath%d", i)),
				}
			}
		}
		crd.Spec.Versions = append(crd.Spec.Versions, v)
	}
	switch rapid.IntRange(0, 3).Draw(t, "conversion") {
	case 1:
		crd.Spec.Conversion = &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.WebhookConverter}
	case 2:
		crd.Spec.Conversion = &apiextensionsv1.CustomResourceConversion{Strategy: "Magic"}
	case 3:
		crd.Spec.Conversion = &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.NoneConverter,
			Webhook: &apiextensionsv1.WebhookConversion{ConversionReviewVersions: []string{"v1"}}}
	}
	if rapid.Bool().Draw(t, "approval") {
		crd.Annotations = map[string]string{apiextensionsv1.KubeAPIApprovedAnnotation: rapid.SampledFrom([]string{"unapproved, later", "https://github.com/kubernetes/enhancements/pull/1111", "yes"}).Draw(t, "approvalValue")}
	}
	return crd
}

// causes are an Invalid error's causes, sorted: upstream walks a schema's
// properties in Go map order, so the order of its answer varies.
func causes(err error) []string {
	se, ok := err.(*apierrors.StatusError)
	if !ok || se.ErrStatus.Details == nil {
		return []string{err.Error()}
	}
	var out []string
	for _, c := range se.ErrStatus.Details.Causes {
		out = append(out, string(c.Type)+" "+c.Field+": "+c.Message)
	}
	slices.Sort(out)
	return out
}

// TestCRDValidationMatchesUpstream sends random definitions to kubesem's
// apiserver and to the apiextensions-apiserver's own validation, and
// compares the errors (rule API-12).
func TestCRDValidationMatchesUpstream(t *testing.T) {
	gvr := apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions")
	rapid.Check(t, func(rt *rapid.T) {
		crd := drawCRD(rt)
		s := apiserver.New(apiserver.Options{})
		_, err := s.Create(gvr, "", crd, metav1.CreateOptions{})

		want := crd.DeepCopy()
		apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(want)
		for _, v := range want.Spec.Versions {
			if v.Storage {
				want.Status.StoredVersions = []string{v.Name}
				break
			}
		}
		internal := &apiextensions.CustomResourceDefinition{}
		if cerr := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(want, internal, nil); cerr != nil {
			rt.Fatal(cerr)
		}
		errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), internal)
		var upstream []string
		if len(errs) > 0 {
			upstream = causes(apierrors.NewInvalid(apiextensionsv1.Kind("CustomResourceDefinition"), crd.Name, errs))
		}
		var ours []string
		if err != nil {
			ours = causes(err)
		}
		if diff := cmp.Diff(upstream, ours); diff != "" {
			rt.Fatalf("errors (-upstream +kubesem):\n%s", diff)
		}
	})
}
