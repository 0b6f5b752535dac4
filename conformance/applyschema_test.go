package conformance

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"

	yaml "go.yaml.in/yaml/v2"
	"k8s.io/kube-openapi/pkg/schemaconv"
	"k8s.io/kube-openapi/pkg/validation/spec"
	generatedopenapi "k8s.io/kubernetes/pkg/generated/openapi"
)

var updateApplySchema = flag.Bool("update-apply-schema", false, "rewrite ../apiserver/applyschema.yaml")

// applySchema converts upstream's OpenAPI definitions of every built-in
// type (k8s.io/kubernetes pkg/generated/openapi, keyed by the names the
// scheme gives Go types: io.k8s.api.core.v1.Pod) into the
// structured-merge-diff schema server-side apply works on, as the
// apiserver's own type converter does.
func applySchema(t *testing.T) []byte {
	t.Helper()
	defs := generatedopenapi.GetOpenAPIDefinitions(func(path string) spec.Ref {
		return spec.MustCreateRef("#/definitions/" + path)
	})
	models := map[string]*spec.Schema{}
	for name, def := range defs {
		s := def.Schema
		models[name] = &s
	}
	smd, err := schemaconv.ToSchemaFromOpenAPI(models, false)
	if err != nil {
		t.Fatal(err)
	}
	// The conversion lists types in map order: sort them so the file is
	// the same on every run.
	slices.SortFunc(smd.Types, func(a, b smdschema.TypeDef) int { return strings.Compare(a.Name, b.Name) })
	for _, td := range smd.Types {
		if td.Map != nil {
			slices.SortFunc(td.Map.Fields, func(a, b smdschema.StructField) int { return strings.Compare(a.Name, b.Name) })
			slices.SortFunc(td.Map.Unions, func(a, b smdschema.Union) int {
				return strings.Compare(ptrString(a.Discriminator), ptrString(b.Discriminator))
			})
		}
	}
	out, err := yaml.Marshal(smd)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// API-11: apiserver/applyschema.yaml, which the apiserver package embeds
// for server-side apply, is what upstream's OpenAPI definitions convert
// to. Rewrite it with -update-apply-schema.
func TestApplySchemaUpToDate(t *testing.T) {
	want := applySchema(t)
	const file = "../apiserver/applyschema.yaml"
	if *updateApplySchema {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test ./conformance -run TestApplySchemaUpToDate -update-apply-schema", file)
	}
}

func ptrString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
