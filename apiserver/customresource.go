package apiserver

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	crvalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/version"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/common"
)

// customResource is what serving one version of a custom resource needs,
// built from its CustomResourceDefinition as the apiextensions-apiserver's
// CRD handler builds its serving info (rule API-13).
type customResource struct {
	crdName, crdUID string
	generation      int64
	version         string
	storageVersion  string
	listKind        string
	// structural is the version's schema (defaults pruned), nil when the
	// definition has none.
	structural       *structuralschema.Structural
	validator        crvalidation.SchemaValidator
	statusValidator  crvalidation.SchemaValidator
	cel              *cel.Validator
	preserveUnknown  bool
	status           bool
	scale            *apiextensionsv1.CustomResourceSubresourceScale
	selectableFields []string
	// Columns are the version's additionalPrinterColumns.
	columns []apiextensionsv1.CustomResourceColumnDefinition
}

// newCustomResourceInfo builds the served resource of one version of a
// definition.
func newCustomResourceInfo(crd *apiextensionsv1.CustomResourceDefinition, v *apiextensionsv1.CustomResourceDefinitionVersion) (*resourceInfo, error) {
	names := crd.Status.AcceptedNames
	namespaced := crd.Spec.Scope == apiextensionsv1.NamespaceScoped
	cr := &customResource{crdName: crd.Name, crdUID: string(crd.UID), generation: crd.Generation,
		version: v.Name, listKind: names.ListKind, preserveUnknown: crd.Spec.PreserveUnknownFields,
		columns: v.AdditionalPrinterColumns}
	for _, sv := range crd.Spec.Versions {
		if sv.Storage {
			cr.storageVersion = sv.Name
		}
	}
	var internal *apiextensions.JSONSchemaProps
	if v.Schema != nil && v.Schema.OpenAPIV3Schema != nil {
		internal = &apiextensions.JSONSchemaProps{}
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
			return nil, err
		}
		s, err := structuralschema.NewStructural(internal)
		if err != nil && !cr.preserveUnknown {
			return nil, err
		}
		if s != nil && !cr.preserveUnknown {
			s = s.DeepCopy()
			if err := structuraldefaulting.PruneDefaults(s); err != nil {
				return nil, err
			}
		}
		cr.structural = s
	}
	validator, _, err := crvalidation.NewSchemaValidator(internal)
	if err != nil {
		return nil, err
	}
	cr.validator = validator
	if v.Subresources != nil && v.Subresources.Status != nil {
		cr.status = true
		if internal != nil && internal.Properties != nil {
			if st, ok := internal.Properties["status"]; ok {
				if cr.statusValidator, _, err = crvalidation.NewSchemaValidator(&st); err != nil {
					return nil, err
				}
			}
		}
	}
	if v.Subresources != nil && v.Subresources.Scale != nil {
		cr.scale = v.Subresources.Scale.DeepCopy()
	}
	if cr.structural != nil {
		cr.cel = cel.NewValidator(cr.structural, true, celconfig.PerCallLimit)
	}
	for _, sf := range v.SelectableFields {
		cr.selectableFields = append(cr.selectableFields, strings.TrimPrefix(sf.JSONPath, "."))
	}
	subresources := []string(nil)
	if cr.scale != nil {
		subresources = append(subresources, "scale")
	}
	if cr.status {
		subresources = append(subresources, "status")
	}
	ri := &resourceInfo{
		Resource: Resource{Group: crd.Spec.Group, Version: v.Name, Kind: names.Kind, Name: names.Plural,
			Singular: names.Singular, Namespaced: namespaced, ShortNames: names.ShortNames,
			Categories: names.Categories, Subresources: subresources, Verbs: allVerbs},
		facts:   facts{fields: cr.selectableFields},
		storage: schema.GroupResource{Group: crd.Spec.Group, Resource: names.Plural},
		served:  true,
		custom:  cr,
	}
	st := &strategy{facts: ri.facts, namespaced: namespaced, name: apivalidation.NameIsDNSSubdomain, custom: cr}
	st.defaults = func(o Object) Object {
		u, ok := o.(*unstructured.Unstructured)
		if !ok || cr.structural == nil {
			return o
		}
		c := u.DeepCopy()
		structuraldefaulting.Default(c.Object, cr.structural)
		return c
	}
	st.prepareCreate = cr.prepareForCreate
	st.prepareUpdate = cr.prepareForUpdate
	st.prepareStatus = cr.prepareForStatusUpdate
	st.validate = func(o Object) field.ErrorList { return cr.validate(ri, o, nil, "") }
	st.validateUpdate = func(o, old Object) field.ErrorList { return cr.validate(ri, o, old, "") }
	st.validateStatus = func(o, old Object) field.ErrorList { return cr.validate(ri, o, old, "status") }
	st.fieldValue = cr.fieldValue
	ri.strategy = st
	return ri, nil
}

// decode is what the CRD handler's decoder does to a request's object
// (unstructuredSchemaCoercer.apply, then the defaulter): metadata
// coerced, unknown fields pruned unless the schema preserves them,
// non-nullable nulls dropped, defaults set.
func (cr *customResource) decode(u *unstructured.Unstructured) error {
	kind, hasKind, _ := unstructured.NestedString(u.Object, "kind")
	apiVersion, hasAPIVersion, _ := unstructured.NestedString(u.Object, "apiVersion")
	om, hasMeta, _, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object, schemaobjectmeta.ObjectMetaOptions{})
	if err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	if cr.structural != nil {
		if !cr.preserveUnknown {
			structuralpruning.PruneWithOptions(u.Object, cr.structural, true, structuralschema.UnknownFieldPathOptions{})
			structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, cr.structural)
		}
		if ferr, _ := schemaobjectmeta.CoerceWithOptions(nil, u.Object, cr.structural, false, schemaobjectmeta.CoerceOptions{}); ferr != nil {
			return apierrors.NewBadRequest(ferr.Error())
		}
	}
	if hasKind {
		u.SetKind(kind)
	}
	if hasAPIVersion {
		u.SetAPIVersion(apiVersion)
	}
	if hasMeta {
		if err := schemaobjectmeta.SetObjectMeta(u.Object, om); err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
	}
	if cr.structural != nil {
		structuraldefaulting.Default(u.Object, cr.structural)
	}
	return nil
}

// prepareForCreate is the custom resource strategy's PrepareForCreate:
// with a status subresource the status is dropped; generation is 1.
func (cr *customResource) prepareForCreate(o Object) {
	u := o.(*unstructured.Unstructured)
	if cr.status {
		delete(u.Object, "status")
	}
	u.SetGeneration(1)
}

// prepareForUpdate keeps the stored status when the status subresource
// exists, and moves generation when anything besides metadata changed.
func (cr *customResource) prepareForUpdate(o, old Object) {
	u, ou := o.(*unstructured.Unstructured), old.(*unstructured.Unstructured)
	if cr.status {
		if st, ok := ou.Object["status"]; ok {
			u.Object["status"] = runtime.DeepCopyJSONValue(st)
		} else {
			delete(u.Object, "status")
		}
	}
	if !equal(withoutMetadata(u.Object), withoutMetadata(ou.Object)) {
		u.SetGeneration(ou.GetGeneration() + 1)
	}
}

func withoutMetadata(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != "metadata" {
			out[k] = v
		}
	}
	return out
}

// prepareForStatusUpdate is the status strategy's PrepareForUpdate: the
// stored object with the request's status and managedFields; nothing
// else of the request counts, metadata included.
func (cr *customResource) prepareForStatusUpdate(o, old Object) {
	u, ou := o.(*unstructured.Unstructured), old.(*unstructured.Unstructured)
	status, ok := u.Object["status"]
	mf := u.GetManagedFields()
	rv := u.GetResourceVersion()
	u.Object = ou.DeepCopy().Object
	u.SetManagedFields(mf)
	u.SetResourceVersion(rv)
	if ok {
		u.Object["status"] = status
	} else {
		delete(u.Object, "status")
	}
}

// validate is the custom resource strategy's Validate, ValidateUpdate or
// (sub "status") the status strategy's ValidateUpdate: apiVersion and
// kind, metadata, the OpenAPI schema (with ratcheting on updates), the
// scale paths, the schema's metadata rules, list types, then CEL rules
// unless an earlier error blocks them.
func (cr *customResource) validate(ri *resourceInfo, o, old Object, sub string) field.ErrorList {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return field.ErrorList{field.Invalid(field.NewPath(""), nil, fmt.Sprintf("has type %T. Must be a pointer to an Unstructured type", o))}
	}
	var ou *unstructured.Unstructured
	if old != nil {
		ou = old.(*unstructured.Unstructured)
	}
	var errs field.ErrorList
	if u.GetKind() != ri.Kind {
		errs = append(errs, field.Invalid(field.NewPath("kind"), u.GetKind(), "must be "+ri.Kind))
	}
	if want := ri.Group + "/" + ri.Version; u.GetAPIVersion() != want {
		errs = append(errs, field.Invalid(field.NewPath("apiVersion"), u.GetAPIVersion(), "must be "+want))
	}
	if len(errs) > 0 {
		return errs
	}
	var opts []crvalidation.ValidationOption
	var celOpts []cel.Option
	if ou != nil && cr.structural != nil {
		co := common.NewCorrelatedObject(u.Object, ou.Object, &model.Structural{Structural: cr.structural})
		if sub == "status" {
			opts = append(opts, crvalidation.WithRatcheting(co.Key("status")))
		} else {
			opts = append(opts, crvalidation.WithRatcheting(co))
		}
		celOpts = append(celOpts, cel.WithRatcheting(co))
	}
	if ou == nil {
		errs = append(errs, apivalidation.ValidateObjectMetaAccessor(u, ri.Namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
		errs = append(errs, sortedErrors(crvalidation.ValidateCustomResource(nil, u.Object, cr.validator))...)
	} else if sub == "status" {
		if status, ok := u.Object["status"]; ok && cr.statusValidator != nil {
			errs = append(errs, sortedErrors(crvalidation.ValidateCustomResourceUpdate(field.NewPath("status"), status, ou.Object["status"], cr.statusValidator, opts...))...)
		}
	} else {
		errs = append(errs, sortedErrors(crvalidation.ValidateCustomResourceUpdate(nil, u.Object, ou.Object, cr.validator, opts...))...)
	}
	if sub != "status" {
		errs = append(errs, cr.validateScale(u, true)...)
	}
	errs = append(errs, cr.validateScale(u, false)...)
	if cr.structural != nil {
		if sub != "status" {
			errs = append(errs, schemaobjectmeta.Validate(context.Background(), nil, u.Object, cr.structural, false)...)
		}
		newErrs := structurallisttype.ValidateListSetsAndMaps(nil, cr.structural, u.Object)
		if len(newErrs) > 0 && (ou == nil || len(structurallisttype.ValidateListSetsAndMaps(nil, cr.structural, ou.Object)) == 0) {
			errs = append(errs, newErrs...)
		}
	}
	if cr.cel != nil {
		if blocked, err := blockingError(errs); blocked {
			errs = append(errs, err)
		} else {
			var oldObj any
			if ou != nil {
				oldObj = ou.Object
			}
			celErrs, _ := cr.cel.Validate(context.Background(), nil, cr.structural, u.Object, oldObj, celconfig.RuntimeCELCostBudget, celOpts...)
			errs = append(errs, celErrs...)
		}
	}
	return errs
}

// sortedErrors orders the OpenAPI validator's errors by field: it walks
// the schema's properties in Go map order, so the apiserver's own order
// varies from request to request; kubesem answers with one of them, the
// same every time.
func sortedErrors(errs field.ErrorList) field.ErrorList {
	slices.SortStableFunc(errs, func(a, b *field.Error) int { return strings.Compare(a.Field, b.Field) })
	return errs
}

// blockingError reports errors after which the CEL rules are not run.
func blockingError(errs field.ErrorList) (bool, *field.Error) {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")
		}
	}
	return false, nil
}

// validateScale checks the scale subresource's replicas path (spec or
// status) and, with the status one, the label selector path.
func (cr *customResource) validateScale(u *unstructured.Unstructured, spec bool) field.ErrorList {
	if cr.scale == nil {
		return nil
	}
	p := cr.scale.StatusReplicasPath
	if spec {
		p = cr.scale.SpecReplicasPath
	}
	var errs field.ErrorList
	n, _, err := unstructured.NestedInt64(u.Object, splitPath(p)...)
	switch {
	case err != nil:
		errs = append(errs, field.Invalid(field.NewPath(p), n, err.Error()))
	case n < 0:
		errs = append(errs, field.Invalid(field.NewPath(p), n, "should be a non-negative integer"))
	case n > math.MaxInt32:
		errs = append(errs, field.Invalid(field.NewPath(p), n, fmt.Sprintf("should be less than or equal to %v", math.MaxInt32)))
	}
	if !spec && cr.scale.LabelSelectorPath != nil {
		sel, _, err := unstructured.NestedString(u.Object, splitPath(*cr.scale.LabelSelectorPath)...)
		if err != nil {
			errs = append(errs, field.Invalid(field.NewPath(*cr.scale.LabelSelectorPath), sel, err.Error()))
		}
	}
	return errs
}

func splitPath(p string) []string { return strings.Split(strings.TrimPrefix(p, "."), ".") }

// fieldValue reads a selectable field: its value printed, "" when unset.
func (cr *customResource) fieldValue(o Object, f string) (string, bool) {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return "", true
	}
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, strings.Split(f, ".")...)
	if err != nil || !found || v == nil {
		return "", true
	}
	return fmt.Sprint(v), true
}

// customResourceInfo finds the served resource (any version) stored
// under a group and resource, nil for none.
func (s *Server) customResourceInfo(storage schema.GroupResource) *resourceInfo {
	for _, ri := range s.reg.order {
		if ri.custom != nil && ri.storage == storage {
			return ri
		}
	}
	return nil
}

// syncCustomResources makes the served custom resources those of the
// definitions whose names are accepted, each served version once, in
// definition name order after the built-in resources (rule API-13).
func (s *Server) syncCustomResources() {
	var custom []*resourceInfo
	built := map[types.UID][]*resourceInfo{}
	for _, sl := range s.tables[crdGVR.GroupResource()].list("") {
		crd := sl.obj.(*apiextensionsv1.CustomResourceDefinition)
		if crdCondition(crd, apiextensionsv1.NamesAccepted) != apiextensionsv1.ConditionTrue && !crdEstablished(crd) {
			continue
		}
		if c, ok := s.crInfos[crd.UID]; ok && c.generation == crd.Generation && equal(c.names, crd.Status.AcceptedNames) {
			built[crd.UID] = c.infos
			custom = append(custom, c.infos...)
			continue
		}
		var infos []*resourceInfo
		for i := range crd.Spec.Versions {
			v := &crd.Spec.Versions[i]
			if !v.Served {
				continue
			}
			ri, err := newCustomResourceInfo(crd, v)
			if err != nil {
				continue // the handler answers "the server could not properly serve the CR schema"
			}
			infos = append(infos, ri)
		}
		// Discovery's order: the preferred (kube-aware highest) version
		// first, as the discovery controller sorts a group's versions.
		slices.SortStableFunc(infos, func(a, b *resourceInfo) int {
			return -version.CompareKubeAwareVersionStrings(a.Version, b.Version)
		})
		built[crd.UID] = infos
		s.crInfos[crd.UID] = crCache{generation: crd.Generation, names: crd.Status.AcceptedNames, infos: infos}
		custom = append(custom, infos...)
	}
	for uid := range s.crInfos {
		if _, ok := built[uid]; !ok {
			delete(s.crInfos, uid)
		}
	}
	s.reg.setCustom(custom)
	for _, ri := range custom {
		if s.tables[ri.storage] == nil {
			s.tables[ri.storage] = newTable()
		}
	}
	clear(s.fieldManagers)
}

// crCache keeps the served versions of a definition as long as the
// definition does not change.
type crCache struct {
	generation int64
	names      apiextensionsv1.CustomResourceDefinitionNames
	infos      []*resourceInfo
}

// CustomResourceColumns returns the additionalPrinterColumns of a served
// custom resource version, and false for a built-in resource.
func (s *Server) CustomResourceColumns(gvr schema.GroupVersionResource) ([]apiextensionsv1.CustomResourceColumnDefinition, bool) {
	ri := s.reg.byGVR[gvr]
	if ri == nil || ri.custom == nil {
		return nil, false
	}
	if len(ri.custom.columns) == 0 {
		// serveDefaultColumnsIfEmpty.
		return []apiextensionsv1.CustomResourceColumnDefinition{{Name: "Age", Type: "date",
			Description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
			JSONPath:    ".metadata.creationTimestamp"}}, true
	}
	return slices.Clone(ri.custom.columns), true
}
