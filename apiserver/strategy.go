package apiserver

import (
	"reflect"
	"strconv"
	"strings"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// strategy is what a kind's registry strategy decides for the generic
// store (k8s.io/apiserver pkg/registry/rest: RESTCreateStrategy,
// RESTUpdateStrategy, RESTDeleteStrategy): one value per kind, built from
// the kind's facts and the hooks of the kinds kubesem models further.
type strategy struct {
	facts      facts
	namespaced bool
	// status is true when the kind has a status subresource: writes to
	// the main resource keep the stored status, writes to status keep
	// the rest (rule API-4).
	status bool
	// genFields are the fields whose change bumps generation.
	genFields []string
	// createKeepsStatus: the create keeps the client's status (Node).
	createKeepsStatus bool
	// statusKeepsLabels: a status write keeps the stored labels
	// (Deployment).
	statusKeepsLabels bool
	gc                gcPolicy
	// name validates metadata.name (and generateName's prefix).
	name apivalidation.ValidateNameFunc

	// Kind-specific hooks, each optional.
	defaults       func(o Object) Object // the scheme's defaulting, on a copy
	prepareCreate  func(o Object)
	prepareUpdate  func(o, old Object)
	prepareStatus  func(o, old Object)
	validate       func(o Object) field.ErrorList // replaces the metadata check when set
	validateUpdate func(o, old Object) field.ErrorList
	// validateStatus replaces validateUpdate for status writes when set.
	validateStatus func(o, old Object) field.ErrorList
	// graceful is CheckGracefulDelete: the grace period a delete gets,
	// and false when the kind deletes at once.
	graceful func(o Object, requested *int64) (int64, bool)
	// fieldValue reads a kind-specific field selector's value.
	fieldValue func(o Object, field string) (string, bool)
	// custom is set for a custom resource, whose objects are
	// unstructured: the hooks do all of the preparation.
	custom *customResource
}

// withDefaults is the object with the kind's defaults, as decoding
// gives it to the registry.
func (st *strategy) withDefaults(o Object) Object {
	if st.defaults == nil {
		return o
	}
	return st.defaults(o)
}

// Default sets the kind's defaults in place: the field manager's
// defaulter, which runs on the result of an apply.
func (st *strategy) Default(obj runtime.Object) {
	o, ok := obj.(Object)
	if !ok || st.defaults == nil {
		return
	}
	d := st.defaults(o)
	reflect.ValueOf(obj).Elem().Set(reflect.ValueOf(d).Elem())
}

// setsGenerationOnCreate reports whether the create sets generation 1.
func (st *strategy) setsGenerationOnCreate() bool {
	return (st.facts.gen != "" && !st.facts.noGenOnCreate) || st.facts.genOnCreate
}

func structOf(o Object) reflect.Value {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return reflect.Value{}
	}
	v = v.Elem()
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v
}

// topField returns a top-level field of a typed object, "Labels" and
// "Annotations" meaning the metadata's.
func topField(o Object, name string) reflect.Value {
	v := structOf(o)
	if !v.IsValid() {
		return reflect.Value{}
	}
	switch name {
	case "Labels", "Annotations":
		if m := v.FieldByName("ObjectMeta"); m.IsValid() {
			return m.FieldByName(name)
		}
		return reflect.Value{}
	}
	return v.FieldByName(name)
}

func copyTop(dst, src Object, name string) {
	d, s := topField(dst, name), topField(src, name)
	if d.IsValid() && s.IsValid() && d.CanSet() {
		d.Set(s)
	}
}

func zeroTop(o Object, name string) {
	if f := topField(o, name); f.IsValid() && f.CanSet() {
		f.SetZero()
	}
}

// nonStatusFields are the top-level fields besides metadata and status:
// what a status write keeps from the stored object.
func nonStatusFields(o Object) []string {
	v := structOf(o)
	if !v.IsValid() {
		return nil
	}
	var out []string
	t := v.Type()
	for i := range t.NumField() {
		switch n := t.Field(i).Name; n {
		case "TypeMeta", "ObjectMeta", "Status":
		default:
			out = append(out, n)
		}
	}
	return out
}

// prepareForCreate is PrepareForCreate: status reset, generation 1.
func (st *strategy) prepareForCreate(o Object) {
	if st.status && !st.createKeepsStatus {
		zeroTop(o, "Status")
	}
	if st.setsGenerationOnCreate() {
		o.SetGeneration(1)
	}
	if st.prepareCreate != nil {
		st.prepareCreate(o)
	}
}

// prepareForUpdate is the main resource's PrepareForUpdate: the stored
// status stays, and generation moves when a tracked field changed. The
// caller has already set o's generation to old's (rest.BeforeUpdate).
func (st *strategy) prepareForUpdate(o, old Object) {
	if st.status {
		copyTop(o, old, "Status")
	}
	if st.prepareUpdate != nil {
		st.prepareUpdate(o, old)
	}
	if st.facts.gen != "" && st.changed(o, old) {
		o.SetGeneration(old.GetGeneration() + 1)
	}
}

func (st *strategy) changed(o, old Object) bool {
	for _, f := range strings.Fields(st.facts.gen) {
		a, b := topField(o, f), topField(old, f)
		if !a.IsValid() || !b.IsValid() {
			continue
		}
		if !equal(a.Interface(), b.Interface()) {
			return true
		}
	}
	return false
}

// prepareForStatusUpdate is the status strategy's PrepareForUpdate:
// everything but status and metadata stays as stored.
func (st *strategy) prepareForStatusUpdate(o, old Object) {
	if st.custom != nil {
		st.prepareStatus(o, old)
		return
	}
	for _, f := range nonStatusFields(o) {
		copyTop(o, old, f)
	}
	if st.statusKeepsLabels {
		o.SetLabels(old.GetLabels())
	}
	if st.prepareStatus != nil {
		st.prepareStatus(o, old)
	}
}

// validateCreate is strategy.Validate followed, when it found nothing,
// by the generic metadata check (rest.ValidateCreate).
func (st *strategy) validateCreate(o Object) field.ErrorList {
	var errs field.ErrorList
	if st.validate != nil {
		errs = st.validate(o)
	} else {
		errs = apivalidation.ValidateObjectMetaAccessor(o, st.namespaced, st.name, field.NewPath("metadata"))
	}
	if len(errs) == 0 {
		errs = apivalidation.ValidateObjectMetaAccessor(o, st.namespaced, pathSegment, field.NewPath("metadata"))
	}
	return errs
}

// validateForUpdate is the generic metadata update check followed by the
// kind's (rest.ValidateUpdate).
func (st *strategy) validateForUpdate(o, old Object, sub string) field.ErrorList {
	p := field.NewPath("metadata")
	errs := apivalidation.ValidateObjectMetaAccessor(o, st.namespaced, pathSegment, p)
	errs = append(errs, apivalidation.ValidateObjectMetaAccessorUpdate(o, old, p)...)
	if sub == "status" && st.validateStatus != nil {
		errs = append(errs, st.validateStatus(o, old)...)
	} else if st.validateUpdate != nil {
		errs = append(errs, st.validateUpdate(o, old)...)
	}
	return errs
}

// pathSegment is the generic name check every kind gets.
func pathSegment(name string, prefix bool) []string {
	if prefix {
		return path.IsValidPathSegmentPrefix(name)
	}
	return path.IsValidPathSegmentName(name)
}

// fieldSet is the object's selectable fields.
func (st *strategy) fieldSet(o Object) fields.Set {
	set := fields.Set{"metadata.name": o.GetName()}
	if st.namespaced {
		set["metadata.namespace"] = o.GetNamespace()
	}
	for _, f := range st.facts.fields {
		if st.fieldValue != nil {
			if v, ok := st.fieldValue(o, f); ok {
				set[f] = v
				continue
			}
		}
		set[f] = jsonField(o, f)
	}
	return set
}

// jsonField reads a dotted JSON path of an object as a field selector
// value: a string as is, a bool or number printed, anything missing "".
func jsonField(o runtime.Object, p string) string {
	v := reflect.ValueOf(o)
	for _, name := range strings.Split(p, ".") {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return ""
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return ""
		}
		v = fieldByJSON(v, name)
		if !v.IsValid() {
			return ""
		}
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	}
	return ""
}

func fieldByJSON(v reflect.Value, name string) reflect.Value {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if n, _, _ := strings.Cut(tag, ","); n == name {
			return v.Field(i)
		}
		if tag == ",inline" || f.Anonymous && tag == "" {
			if r := fieldByJSON(v.Field(i), name); r.IsValid() {
				return r
			}
		}
	}
	return reflect.Value{}
}

// equal is apimachinery's semantic equality (nil and empty alike,
// quantities by value), asked only when the standard library's stricter
// one says the two differ: what is identical is settled without the
// slower walk.
func equal(a, b any) bool {
	return reflect.DeepEqual(a, b) || apiequality.Semantic.DeepEqual(a, b)
}
