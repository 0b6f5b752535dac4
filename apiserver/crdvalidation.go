package apiserver

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	crvalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The definition's validation runs, as upstream's, on the internal
// (hub) form of the definition: a conversion from v1 that moves a schema,
// subresources or columns every version shares to the top level, which is
// why errors name spec.validation for a definition whose versions share
// one schema. Rule API-12; AE pkg/apis/apiextensions/validation.

var (
	crdColumnTypes   = []string{"boolean", "date", "integer", "number", "string"}
	crdColumnFormats = []string{"byte", "date", "date-time", "double", "float", "int32", "int64", "password"}
	openAPIV3Types   = []string{"array", "boolean", "integer", "number", "object", "string"}
	// rootSchemaFields are the schema fields allowed at the root when the
	// status subresource is enabled.
	rootSchemaFields = []string{"Description", "Type", "Format", "Title", "Maximum", "ExclusiveMaximum", "Minimum", "ExclusiveMinimum", "MaxLength", "MinLength", "Pattern", "MaxItems", "MinItems", "UniqueItems", "MultipleOf", "Required", "Items", "Properties", "ExternalDocs", "Example", "XPreserveUnknownFields", "XValidations"}
)

// crdRules are the options a create or an update validates with.
type crdRules struct {
	requireSchema, immutableNames, prunedDefaults, atomicSet, validTypes bool
}

// validateCRD validates a definition on create (old nil) or update.
func validateCRD(v1crd, v1old *apiextensionsv1.CustomResourceDefinition) field.ErrorList {
	crd := &apiextensions.CustomResourceDefinition{}
	if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(v1crd, crd, nil); err != nil {
		return field.ErrorList{field.InternalError(nil, err)}
	}
	rules := crdRules{requireSchema: true, prunedDefaults: true, atomicSet: true, validTypes: true}
	var old *apiextensions.CustomResourceDefinition
	if v1old != nil {
		old = &apiextensions.CustomResourceDefinition{}
		if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(v1old, old, nil); err != nil {
			return field.ErrorList{field.InternalError(nil, err)}
		}
		// An update keeps accepting what the stored definition already
		// had (the requirements ratchet).
		rules = crdRules{
			requireSchema:  allVersionsHaveSchema(&old.Spec),
			immutableNames: apiextensions.IsCRDConditionTrue(old, apiextensions.Established),
			prunedDefaults: !anySchema(&old.Spec, hasUnprunedDefaults),
			atomicSet:      !anySchema(&old.Spec, hasNonAtomicSetItems),
			validTypes: !anySchema(&old.Spec, func(s *apiextensions.JSONSchemaProps) bool {
				return s.Type != "" && !slices.Contains(openAPIV3Types, s.Type)
			}),
		}
	}
	mp := field.NewPath("metadata")
	var errs field.ErrorList
	if old == nil {
		required := crd.Spec.Names.Plural + "." + crd.Spec.Group
		errs = apivalidation.ValidateObjectMeta(&crd.ObjectMeta, false, func(name string, prefix bool) []string {
			msgs := apivalidation.NameIsDNSSubdomain(name, prefix)
			if name != required {
				msgs = append(msgs, `must be spec.names.plural+"."+spec.group`)
			}
			return msgs
		}, mp)
	} else {
		errs = apivalidation.ValidateObjectMetaUpdate(&crd.ObjectMeta, &old.ObjectMeta, mp)
	}
	sp := field.NewPath("spec")
	errs = append(errs, validateCRDSpec(&crd.Spec, rules, sp)...)
	if old != nil {
		if rules.immutableNames {
			errs = append(errs, apivalidation.ValidateImmutableField(crd.Spec.Scope, old.Spec.Scope, sp.Child("scope"))...)
			errs = append(errs, apivalidation.ValidateImmutableField(crd.Spec.Names.Kind, old.Spec.Names.Kind, sp.Child("names", "kind"))...)
		}
		errs = append(errs, apivalidation.ValidateImmutableField(crd.Spec.Group, old.Spec.Group, sp.Child("group"))...)
		errs = append(errs, apivalidation.ValidateImmutableField(crd.Spec.Names.Plural, old.Spec.Names.Plural, sp.Child("names", "plural"))...)
	}
	errs = append(errs, validateCRDNames(&crd.Status.AcceptedNames, field.NewPath("status", "acceptedNames"))...)
	errs = append(errs, validateStoredVersions(crd.Status.StoredVersions, crd.Spec.Versions, field.NewPath("status", "storedVersions"))...)
	errs = append(errs, validateAPIApproval(crd, old)...)
	if p := crd.Spec.PreserveUnknownFields; p != nil && *p && (old == nil || old.Spec.PreserveUnknownFields == nil || !*old.Spec.PreserveUnknownFields) {
		errs = append(errs, field.Invalid(sp.Child("preserveUnknownFields"), crd.Spec.PreserveUnknownFields, "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"))
	}
	return errs
}

func validateCRDSpec(spec *apiextensions.CustomResourceDefinitionSpec, rules crdRules, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch msgs := utilvalidation.IsDNS1123Subdomain(spec.Group); {
	case spec.Group == "":
		errs = append(errs, field.Required(p.Child("group"), ""))
	case len(msgs) > 0:
		errs = append(errs, field.Invalid(p.Child("group"), spec.Group, strings.Join(msgs, ",")))
	case len(strings.Split(spec.Group, ".")) < 2:
		errs = append(errs, field.Invalid(p.Child("group"), spec.Group, "should be a domain with at least one dot"))
	}
	errs = append(errs, enumString(p.Child("scope"), string(spec.Scope), []string{string(apiextensions.ClusterScoped), string(apiextensions.NamespaceScoped)})...)
	preserve := spec.PreserveUnknownFields != nil && *spec.PreserveUnknownFields
	if rules.requireSchema {
		if spec.Validation == nil || spec.Validation.OpenAPIV3Schema == nil {
			for i, v := range spec.Versions {
				if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
					errs = append(errs, field.Required(p.Child("versions").Index(i).Child("schema").Child("openAPIV3Schema"), ""))
				}
			}
		}
	} else if !preserve && (spec.Validation == nil || spec.Validation.OpenAPIV3Schema == nil) {
		for i, v := range spec.Versions {
			if v.Served && (v.Schema == nil || v.Schema.OpenAPIV3Schema == nil) {
				errs = append(errs, field.Required(p.Child("versions").Index(i).Child("schema", "openAPIV3Schema"), "because otherwise all fields are pruned"))
			}
		}
	}
	if anySchema(spec, func(s *apiextensions.JSONSchemaProps) bool { return s.Default != nil }) && (spec.PreserveUnknownFields == nil || *spec.PreserveUnknownFields) {
		errs = append(errs, field.Invalid(p.Child("preserveUnknownFields"), true, "must be false in order to use defaults in the schema"))
	}
	storage, seen, unique := 0, map[string]bool{}, true
	for i := range spec.Versions {
		v := &spec.Versions[i]
		vp := p.Child("versions").Index(i)
		if v.Storage {
			storage++
		}
		if seen[v.Name] {
			unique = false
		}
		seen[v.Name] = true
		if msgs := utilvalidation.IsDNS1035Label(v.Name); len(msgs) > 0 {
			errs = append(errs, field.Invalid(vp.Child("name"), v.Name, strings.Join(msgs, ",")))
		}
		for _, msg := range deprecationWarningErrors(v.Deprecated, v.DeprecationWarning) {
			errs = append(errs, field.Invalid(vp.Child("deprecationWarning"), v.DeprecationWarning, msg))
		}
		subresources := subresourcesFor(spec, v.Name)
		errs = append(errs, validateCRDValidation(v.Schema, subresources != nil && subresources.Status != nil, rules, vp.Child("schema"))...)
		errs = append(errs, validateCRDSubresources(v.Subresources, vp.Child("subresources"))...)
		for j := range v.AdditionalPrinterColumns {
			errs = append(errs, validateCRDColumn(&v.AdditionalPrinterColumns[j], vp.Child("additionalPrinterColumns").Index(j))...)
		}
	}
	if !unique {
		errs = append(errs, field.Invalid(p.Child("versions"), spec.Versions, "must contain unique version names"))
	}
	if storage != 1 {
		errs = append(errs, field.Invalid(p.Child("versions"), spec.Versions, "must have exactly one version marked as storage version"))
	}
	if spec.Version != "" {
		if msgs := utilvalidation.IsDNS1035Label(spec.Version); len(msgs) > 0 {
			errs = append(errs, field.Invalid(p.Child("version"), spec.Version, strings.Join(msgs, ",")))
		}
		if len(spec.Versions) >= 1 && spec.Versions[0].Name != spec.Version {
			errs = append(errs, field.Invalid(p.Child("version"), spec.Version, "must match the first version in spec.versions"))
		}
	}
	np := p.Child("names")
	for _, r := range []struct{ name, value string }{{"plural", spec.Names.Plural}, {"singular", spec.Names.Singular}, {"kind", spec.Names.Kind}, {"listKind", spec.Names.ListKind}} {
		if r.value == "" {
			errs = append(errs, field.Required(np.Child(r.name), ""))
		}
	}
	errs = append(errs, validateCRDNames(&spec.Names, np)...)
	anyStatus := spec.Subresources != nil && spec.Subresources.Status != nil
	for _, v := range spec.Versions {
		if v.Subresources != nil && v.Subresources.Status != nil {
			anyStatus = true
		}
	}
	errs = append(errs, validateCRDValidation(spec.Validation, anyStatus, rules, p.Child("validation"))...)
	errs = append(errs, validateCRDSubresources(spec.Subresources, p.Child("subresources"))...)
	for i := range spec.AdditionalPrinterColumns {
		errs = append(errs, validateCRDColumn(&spec.AdditionalPrinterColumns[i], p.Child("additionalPrinterColumns").Index(i))...)
	}
	if c := spec.Conversion; c != nil {
		cp := p.Child("conversion")
		if c.Strategy != apiextensions.NoneConverter && preserve {
			errs = append(errs, field.Invalid(cp.Child("strategy"), c.Strategy, "must be None if spec.preserveUnknownFields is true"))
		}
		errs = append(errs, enumString(cp.Child("strategy"), string(c.Strategy), []string{string(apiextensions.NoneConverter), string(apiextensions.WebhookConverter)})...)
		if c.Strategy == apiextensions.WebhookConverter {
			// MODEL: the webhook's URL, service and CA bundle are not
			// checked further.
			if c.WebhookClientConfig == nil {
				errs = append(errs, field.Required(cp.Child("webhookClientConfig"), "required when strategy is set to Webhook"))
			} else if (c.WebhookClientConfig.URL == nil) == (c.WebhookClientConfig.Service == nil) {
				errs = append(errs, field.Required(cp.Child("webhookClientConfig"), "exactly one of url or service is required"))
			}
			errs = append(errs, validateReviewVersions(c.ConversionReviewVersions, cp.Child("conversionReviewVersions"))...)
		} else {
			if c.WebhookClientConfig != nil {
				errs = append(errs, field.Forbidden(cp.Child("webhookClientConfig"), "should not be set when strategy is not set to Webhook"))
			}
			if len(c.ConversionReviewVersions) > 0 {
				errs = append(errs, field.Forbidden(cp.Child("conversionReviewVersions"), "should not be set when strategy is not set to Webhook"))
			}
		}
	}
	return errs
}

// subresourcesFor is the subresources of the first version of the name,
// or the top-level ones when no version has its own.
func subresourcesFor(spec *apiextensions.CustomResourceDefinitionSpec, name string) *apiextensions.CustomResourceSubresources {
	perVersion := false
	for _, v := range spec.Versions {
		if v.Subresources != nil {
			perVersion = true
		}
	}
	if !perVersion {
		return spec.Subresources
	}
	for _, v := range spec.Versions {
		if v.Name == name {
			return v.Subresources
		}
	}
	return nil
}

func enumString(p *field.Path, value string, accepted []string) field.ErrorList {
	switch {
	case value == "":
		return field.ErrorList{field.Required(p, "")}
	case !slices.Contains(accepted, value):
		return field.ErrorList{field.NotSupported(p, value, accepted)}
	}
	return nil
}

func validateReviewVersions(versions []string, p *field.Path) field.ErrorList {
	if len(versions) == 0 {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	seen, accepted := map[string]bool{}, false
	for i, v := range versions {
		if seen[v] {
			errs = append(errs, field.Invalid(p.Index(i), v, "duplicate version"))
			continue
		}
		seen[v] = true
		for _, msg := range utilvalidation.IsDNS1035Label(v) {
			errs = append(errs, field.Invalid(p.Index(i), v, msg))
		}
		if v == "v1" || v == "v1beta1" {
			accepted = true
		}
	}
	if !accepted {
		errs = append(errs, field.Invalid(p, versions, "must include at least one of v1, v1beta1"))
	}
	return errs
}

func deprecationWarningErrors(deprecated bool, warning *string) []string {
	if !deprecated && warning != nil {
		return []string{"can only be set for deprecated versions"}
	}
	if warning == nil {
		return nil
	}
	var out []string
	if len(*warning) > 256 {
		out = append(out, "must be <= 256 characters long")
	}
	if len(*warning) == 0 {
		out = append(out, "must not be an empty string")
	}
	for i, r := range *warning {
		if !unicode.IsPrint(r) {
			out = append(out, fmt.Sprintf("must only contain printable UTF-8 characters; non-printable character found at index %d", i))
			break
		}
		if unicode.IsControl(r) {
			out = append(out, fmt.Sprintf("must only contain printable UTF-8 characters; control character found at index %d", i))
			break
		}
	}
	if !utf8.ValidString(*warning) {
		out = append(out, "must only contain printable UTF-8 characters")
	}
	return out
}

// validateCRDNames is ValidateCustomResourceDefinitionNames.
func validateCRDNames(n *apiextensions.CustomResourceDefinitionNames, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	label := func(name, value string, mixed bool) {
		if value == "" {
			return
		}
		check := value
		if mixed {
			check = strings.ToLower(value)
		}
		if msgs := utilvalidation.IsDNS1035Label(check); len(msgs) > 0 {
			msg := strings.Join(msgs, ",")
			if mixed {
				msg = "may have mixed case, but should otherwise match: " + msg
			}
			errs = append(errs, field.Invalid(p.Child(name), value, msg))
		}
	}
	label("plural", n.Plural, false)
	label("singular", n.Singular, false)
	label("kind", n.Kind, true)
	label("listKind", n.ListKind, true)
	for i, s := range n.ShortNames {
		if msgs := utilvalidation.IsDNS1035Label(s); len(msgs) > 0 {
			errs = append(errs, field.Invalid(p.Child("shortNames").Index(i), s, strings.Join(msgs, ",")))
		}
	}
	if n.Kind != "" && n.Kind == n.ListKind {
		errs = append(errs, field.Invalid(p.Child("listKind"), n.ListKind, "kind and listKind may not be the same"))
	}
	for i, c := range n.Categories {
		if msgs := utilvalidation.IsDNS1035Label(c); len(msgs) > 0 {
			errs = append(errs, field.Invalid(p.Child("categories").Index(i), c, strings.Join(msgs, ",")))
		}
	}
	return errs
}

// validateCRDColumn is ValidateCustomResourceColumnDefinition.
func validateCRDColumn(c *apiextensions.CustomResourceColumnDefinition, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	types := "must be one of " + strings.Join(crdColumnTypes, ",")
	switch {
	case c.Type == "":
		errs = append(errs, field.Required(p.Child("type"), types))
	case !slices.Contains(crdColumnTypes, c.Type):
		errs = append(errs, field.Invalid(p.Child("type"), c.Type, types))
	}
	if c.Format != "" && !slices.Contains(crdColumnFormats, c.Format) {
		errs = append(errs, field.Invalid(p.Child("format"), c.Format, "must be one of "+strings.Join(crdColumnFormats, ",")))
	}
	if c.JSONPath == "" {
		errs = append(errs, field.Required(p.Child("JSONPath"), ""))
	} else {
		errs = append(errs, simpleJSONPathErrors(c.JSONPath, p.Child("JSONPath"))...)
	}
	return errs
}

func simpleJSONPathErrors(s string, p *field.Path) field.ErrorList {
	switch {
	case s == "":
		return field.ErrorList{field.Invalid(p, s, "must not be empty")}
	case s[0] != '.':
		return field.ErrorList{field.Invalid(p, s, "must be a simple json path starting with .")}
	}
	return nil
}

// validateCRDSubresources is ValidateCustomResourceDefinitionSubresources.
func validateCRDSubresources(sr *apiextensions.CustomResourceSubresources, p *field.Path) field.ErrorList {
	if sr == nil || sr.Scale == nil {
		return nil
	}
	var errs field.ErrorList
	check := func(name, value, under, msg string) {
		fp := p.Child("scale." + name)
		switch {
		case value == "":
			errs = append(errs, field.Required(fp, ""))
		case len(simpleJSONPathErrors(value, fp)) > 0:
			errs = append(errs, simpleJSONPathErrors(value, fp)...)
		case !strings.HasPrefix(value, under):
			errs = append(errs, field.Invalid(fp, value, msg))
		}
	}
	check("specReplicasPath", sr.Scale.SpecReplicasPath, ".spec.", "should be a json path under .spec")
	check("statusReplicasPath", sr.Scale.StatusReplicasPath, ".status.", "should be a json path under .status")
	if lp := sr.Scale.LabelSelectorPath; lp != nil && *lp != "" {
		fp := p.Child("scale.labelSelectorPath")
		if e := simpleJSONPathErrors(*lp, fp); len(e) > 0 {
			errs = append(errs, e...)
		} else if !strings.HasPrefix(*lp, ".spec.") && !strings.HasPrefix(*lp, ".status.") {
			errs = append(errs, field.Invalid(fp, lp, "should be a json path under either .spec or .status"))
		}
	}
	return errs
}

// validateCRDValidation is validateCustomResourceDefinitionValidation: the
// root's restrictions with a status subresource, the schema's own rules,
// structure, defaults (MODEL: CEL rules are compiled when objects are
// validated, not here; selectable fields are not checked).
func validateCRDValidation(v *apiextensions.CustomResourceValidation, status bool, rules crdRules, p *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	var errs field.ErrorList
	if s := v.OpenAPIV3Schema; s != nil {
		if status {
			rv := reflect.ValueOf(s).Elem()
			for i := range rv.NumField() {
				val := rv.Field(i).Interface()
				if reflect.DeepEqual(val, reflect.Zero(reflect.TypeOf(val)).Interface()) {
					continue
				}
				name := rv.Type().Field(i).Name
				if name == "Type" {
					if s.Type != "object" {
						errs = append(errs, field.Invalid(p.Child("openAPIV3Schema.type"), s.Type, `only "object" is allowed as the type at the root of the schema if the status subresource is enabled`))
						break
					}
					continue
				}
				if !slices.Contains(rootSchemaFields, name) {
					errs = append(errs, field.Invalid(p.Child("openAPIV3Schema"), *s, fmt.Sprintf(`only %v fields are allowed at the root of the schema if the status subresource is enabled`, rootSchemaFields)))
					break
				}
			}
		}
		if s.Nullable {
			errs = append(errs, field.Forbidden(p.Child("openAPIV3Schema.nullable"), `nullable cannot be true at the root`))
		}
		sp := p.Child("openAPIV3Schema")
		var structuralInit field.ErrorList
		if ss, err := structuralschema.NewStructural(s); err != nil {
			structuralInit = field.ErrorList{field.Invalid(sp, "", err.Error())}
		} else if e := structuralschema.ValidateStructural(sp, ss); len(e) > 0 {
			errs = append(errs, e...)
		} else if e, err := structuraldefaulting.ValidateDefaults(context.Background(), sp, ss, true, rules.prunedDefaults); err != nil {
			errs = append(errs, field.Invalid(sp, "", err.Error()))
		} else {
			errs = append(errs, e...)
		}
		errs = append(errs, schemaRuleErrors(s, sp, true, false, "", rules)...)
		if len(errs) == 0 {
			errs = append(errs, structuralInit...)
		}
	}
	if len(errs) == 0 {
		if _, _, err := crvalidation.NewSchemaValidator(v.OpenAPIV3Schema); err != nil {
			errs = append(errs, field.Invalid(p, "", fmt.Sprintf("error building validator: %v", err)))
		}
	}
	return errs
}

// schemaRuleErrors is the walk of ValidateCustomResourceDefinitionOpenAPI
// Schema without its CEL part: each node's forbidden keywords, then its
// properties (by name: upstream walks them in Go map order), items and
// combinators, then the list and map type rules.
// noDefaults, when set, is why a default is forbidden here.
func schemaRuleErrors(s *apiextensions.JSONSchemaProps, p *field.Path, root, inMeta bool, noDefaults string, rules crdRules) field.ErrorList {
	if s == nil {
		return nil
	}
	var errs field.ErrorList
	if rules.validTypes && s.Type != "" && !slices.Contains(openAPIV3Types, s.Type) {
		errs = append(errs, field.NotSupported(p.Child("type"), s.Type, openAPIV3Types))
	}
	forbid := func(cond bool, name, msg string) {
		if cond {
			errs = append(errs, field.Forbidden(p.Child(name), msg))
		}
	}
	forbid(s.Default != nil && noDefaults != "", "default", "must not be set "+noDefaults)
	forbid(s.ID != "", "id", "id is not supported")
	forbid(s.AdditionalItems != nil, "additionalItems", "additionalItems is not supported")
	forbid(len(s.PatternProperties) != 0, "patternProperties", "patternProperties is not supported")
	forbid(len(s.Definitions) != 0, "definitions", "definitions is not supported")
	forbid(s.Dependencies != nil, "dependencies", "dependencies is not supported")
	forbid(s.Ref != nil, "$ref", "$ref is not supported")
	forbid(s.Type == "null", "type", "type cannot be set to null, use nullable as an alternative")
	forbid(s.Items != nil && len(s.Items.JSONSchemas) != 0, "items", "items must be a schema object and not an array")
	forbid(inMeta && s.XEmbeddedResource, "x-kubernetes-embedded-resource", "must not be used inside of resource meta")
	forbid(s.UniqueItems, "uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic")
	if s.AdditionalProperties != nil {
		if len(s.Properties) != 0 && (!s.AdditionalProperties.Allows || s.AdditionalProperties.Schema != nil) {
			errs = append(errs, field.Forbidden(p.Child("additionalProperties"), "additionalProperties and properties are mutual exclusive"))
		}
		sub := noDefaults
		if inMeta {
			sub = "inside additionalProperties applying to object metadata"
		}
		errs = append(errs, schemaRuleErrors(s.AdditionalProperties.Schema, p.Child("additionalProperties"), false, inMeta, sub, rules)...)
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range s.Properties {
			if !yield(k) {
				return
			}
		}
	}) {
		prop := s.Properties[name]
		meta, sub := inMeta, noDefaults
		if (root || s.XEmbeddedResource) && (name == "metadata" || name == "kind" || name == "apiVersion") {
			meta = true
			if root {
				sub = "in top-level " + name
			}
		}
		errs = append(errs, schemaRuleErrors(&prop, p.Child("properties").Key(name), false, meta, sub, rules)...)
	}
	errs = append(errs, schemaRuleErrors(s.Not, p.Child("not"), false, inMeta, noDefaults, rules)...)
	for i := range s.AllOf {
		errs = append(errs, schemaRuleErrors(&s.AllOf[i], p.Child("allOf").Index(i), false, inMeta, noDefaults, rules)...)
	}
	for i := range s.OneOf {
		errs = append(errs, schemaRuleErrors(&s.OneOf[i], p.Child("oneOf").Index(i), false, inMeta, noDefaults, rules)...)
	}
	for i := range s.AnyOf {
		errs = append(errs, schemaRuleErrors(&s.AnyOf[i], p.Child("anyOf").Index(i), false, inMeta, noDefaults, rules)...)
	}
	if s.Items != nil {
		errs = append(errs, schemaRuleErrors(s.Items.Schema, p.Child("items"), false, inMeta, noDefaults, rules)...)
	}
	if s.XPreserveUnknownFields != nil && !*s.XPreserveUnknownFields {
		errs = append(errs, field.Invalid(p.Child("x-kubernetes-preserve-unknown-fields"), *s.XPreserveUnknownFields, "must be true or undefined"))
	}
	if s.XMapType != nil && s.Type != "object" {
		if s.Type == "" {
			errs = append(errs, field.Required(p.Child("type"), "must be object if x-kubernetes-map-type is specified"))
		} else {
			errs = append(errs, field.Invalid(p.Child("type"), s.Type, "must be object if x-kubernetes-map-type is specified"))
		}
	}
	if s.XMapType != nil && *s.XMapType != "atomic" && *s.XMapType != "granular" {
		errs = append(errs, field.NotSupported(p.Child("x-kubernetes-map-type"), *s.XMapType, []string{"atomic", "granular"}))
	}
	if s.XListType != nil && s.Type != "array" {
		if s.Type == "" {
			errs = append(errs, field.Required(p.Child("type"), "must be array if x-kubernetes-list-type is specified"))
		} else {
			errs = append(errs, field.Invalid(p.Child("type"), s.Type, "must be array if x-kubernetes-list-type is specified"))
		}
	} else if rules.atomicSet && s.XListType != nil && *s.XListType == "set" && s.Items != nil && s.Items.Schema != nil {
		is := s.Items.Schema
		switch is.Type {
		case "array":
			if is.XListType != nil && *is.XListType != "atomic" {
				errs = append(errs, field.Invalid(p.Child("items").Child("x-kubernetes-list-type"), is.XListType, "must be atomic as item of a list with x-kubernetes-list-type=set"))
			}
		case "object":
			if is.XMapType == nil || *is.XMapType != "atomic" {
				errs = append(errs, field.Invalid(p.Child("items").Child("x-kubernetes-map-type"), is.XListType, "must be atomic as item of a list with x-kubernetes-list-type=set"))
			}
		}
	}
	if s.XListType != nil && *s.XListType != "atomic" && *s.XListType != "set" && *s.XListType != "map" {
		errs = append(errs, field.NotSupported(p.Child("x-kubernetes-list-type"), *s.XListType, []string{"atomic", "set", "map"}))
	}
	if len(s.XListMapKeys) > 0 {
		if s.XListType == nil {
			errs = append(errs, field.Required(p.Child("x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"))
		} else if *s.XListType != "map" {
			errs = append(errs, field.Invalid(p.Child("x-kubernetes-list-type"), *s.XListType, "must be map if x-kubernetes-list-map-keys is non-empty"))
		}
	}
	if s.XListType != nil && *s.XListType == "map" {
		if len(s.XListMapKeys) == 0 {
			errs = append(errs, field.Required(p.Child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"))
		}
		if s.Items == nil {
			errs = append(errs, field.Required(p.Child("items"), "must have a schema if x-kubernetes-list-type is map"))
		}
	}
	return errs
}

// validateStoredVersions is ValidateCustomResourceDefinitionStoredVersions
// (the stored versions missing from spec.versions in their order, where
// upstream reports them in Go map order).
func validateStoredVersions(stored []string, versions []apiextensions.CustomResourceDefinitionVersion, p *field.Path) field.ErrorList {
	if len(stored) == 0 {
		return field.ErrorList{field.Invalid(p, stored, "must have at least one stored version")}
	}
	var errs field.ErrorList
	left := map[string]int{}
	for i, v := range stored {
		left[v] = i
	}
	for _, v := range versions {
		_, ok := left[v.Name]
		if v.Storage && !ok {
			errs = append(errs, field.Invalid(p, stored, "must have the storage version "+v.Name))
		}
		delete(left, v.Name)
	}
	for i, v := range stored {
		if j, ok := left[v]; ok && j == i {
			errs = append(errs, field.Invalid(p.Index(i), v, fmt.Sprintf("missing from spec.versions; %[1]s was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in %[1]s and removes %[1]s from status.storedVersions", v)))
		}
	}
	return errs
}

// validateAPIApproval asks definitions in the groups the Kubernetes
// project owns for their approval annotation.
func validateAPIApproval(crd, old *apiextensions.CustomResourceDefinition) field.ErrorList {
	if !apihelpers.IsProtectedCommunityGroup(crd.Spec.Group) {
		return nil
	}
	state, reason := apihelpers.GetAPIApprovalState(crd.Annotations)
	if old != nil {
		if prev, _ := apihelpers.GetAPIApprovalState(old.Annotations); prev == state {
			return nil
		}
	}
	p := field.NewPath("metadata", "annotations").Key(apiextensionsv1.KubeAPIApprovedAnnotation)
	switch state {
	case apihelpers.APIApproved, apihelpers.APIApprovalBypassed:
		return nil
	case apihelpers.APIApprovalMissing:
		return field.ErrorList{field.Required(p, reason)}
	}
	return field.ErrorList{field.Invalid(p, crd.Annotations[apiextensionsv1.KubeAPIApprovedAnnotation], reason)}
}

// anySchema reports whether a schema of the definition has a node for
// which pred holds.
func anySchema(spec *apiextensions.CustomResourceDefinitionSpec, pred func(*apiextensions.JSONSchemaProps) bool) bool {
	if spec.Validation != nil && schemaHas(spec.Validation.OpenAPIV3Schema, pred) {
		return true
	}
	for _, v := range spec.Versions {
		if v.Schema != nil && schemaHas(v.Schema.OpenAPIV3Schema, pred) {
			return true
		}
	}
	return false
}

func schemaHas(s *apiextensions.JSONSchemaProps, pred func(*apiextensions.JSONSchemaProps) bool) bool {
	if s == nil {
		return false
	}
	if pred(s) {
		return true
	}
	if s.Items != nil {
		if schemaHas(s.Items.Schema, pred) {
			return true
		}
		for i := range s.Items.JSONSchemas {
			if schemaHas(&s.Items.JSONSchemas[i], pred) {
				return true
			}
		}
	}
	for _, group := range [][]apiextensions.JSONSchemaProps{s.AllOf, s.OneOf, s.AnyOf} {
		for i := range group {
			if schemaHas(&group[i], pred) {
				return true
			}
		}
	}
	if schemaHas(s.Not, pred) {
		return true
	}
	for _, m := range []map[string]apiextensions.JSONSchemaProps{s.Properties, s.PatternProperties, s.Definitions} {
		for k := range m {
			v := m[k]
			if schemaHas(&v, pred) {
				return true
			}
		}
	}
	if s.AdditionalProperties != nil && schemaHas(s.AdditionalProperties.Schema, pred) {
		return true
	}
	if s.AdditionalItems != nil && schemaHas(s.AdditionalItems.Schema, pred) {
		return true
	}
	return false
}

func allVersionsHaveSchema(spec *apiextensions.CustomResourceDefinitionSpec) bool {
	if spec.Validation != nil && spec.Validation.OpenAPIV3Schema != nil {
		return true
	}
	for _, v := range spec.Versions {
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			return false
		}
	}
	return true
}

func hasUnprunedDefaults(s *apiextensions.JSONSchemaProps) bool {
	return false // MODEL: stored definitions were checked with pruned defaults required
}

func hasNonAtomicSetItems(s *apiextensions.JSONSchemaProps) bool {
	if s.XListType == nil || *s.XListType != "set" || s.Items == nil || s.Items.Schema == nil {
		return false
	}
	is := s.Items.Schema
	switch is.Type {
	case "array":
		return is.XListType != nil && *is.XListType != "atomic"
	case "object":
		return is.XMapType == nil || *is.XMapType != "atomic"
	}
	return false
}
