package apiserver

import (
	"cmp"
	_ "embed"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
	"sigs.k8s.io/yaml"
)

// applySchemaYAML is the structured-merge-diff schema of every built-in
// type, generated from upstream's OpenAPI definitions by the conformance
// module (TestApplySchemaUpToDate keeps it current): what server-side
// apply merges by (list keys, atomic and granular fields).
//
//go:embed applyschema.yaml
var applySchemaYAML string

// parseApplySchema reads the schema once, when a server first tracks
// field ownership.
var parseApplySchema = sync.OnceValues(func() (*typed.Parser, error) {
	return typed.NewParser(typed.YAMLObject(applySchemaYAML))
})

// fieldManager returns the field manager of a resource and subresource
// (k8s.io/apimachinery pkg/util/managedfields, as the apiserver and
// client-go's field-managed tracker build it).
func (s *Server) fieldManager(ri *resourceInfo, sub string) (*managedfields.FieldManager, error) {
	k := fmKey{ri.GroupVersionKind(), sub}
	if fm := s.fieldManagers[k]; fm != nil {
		return fm, nil
	}
	var fm *managedfields.FieldManager
	if ri.custom != nil {
		var err error
		if fm, err = s.customFieldManager(ri, sub); err != nil {
			return nil, err
		}
	} else {
		parser, err := parseApplySchema()
		if err != nil {
			return nil, err
		}
		tc := managedfields.NewSchemeTypeConverter(s.scheme, parser)
		var reset map[fieldpath.APIVersion]*fieldpath.Set
		if paths := resetFields(ri, sub); len(paths) > 0 {
			reset = map[fieldpath.APIVersion]*fieldpath.Set{fieldpath.APIVersion(k.gvk.GroupVersion().String()): fieldpath.NewSet(paths...)}
		}
		if fm, err = managedfields.NewDefaultFieldManager(tc, s.scheme, ri.strategy, s.scheme, k.gvk, k.gvk.GroupVersion(), sub, fieldpath.NewExcludeFilterSetMap(reset)); err != nil {
			return nil, err
		}
	}
	if s.fieldManagers == nil {
		s.fieldManagers = map[fmKey]*managedfields.FieldManager{}
	}
	s.fieldManagers[k] = fm
	return fm, nil
}

type fmKey struct {
	gvk schema.GroupVersionKind
	sub string
}

// trackUpdate records a non-apply write's fields under manager in the
// object's managedFields (the update handlers' FieldManager.UpdateNoErrors),
// with the request's instant as the time of what changed.
func (s *Server) trackUpdate(ri *resourceInfo, sub string, live, in Object, manager string) Object {
	fm, err := s.fieldManager(ri, sub)
	if err != nil {
		return in
	}
	if live == nil {
		n, err := s.newObject(ri)
		if err != nil {
			return in
		}
		live = n
	}
	out, ok := updateFields(fm, live, in, manager).(Object)
	if !ok {
		return in
	}
	s.stampManagedFields(live, out)
	return out
}

// updateFields is the field manager's UpdateNoErrors without its log
// line: when the object cannot be tracked (it does not fit its schema;
// validation refuses it next), it keeps the live object's managedFields.
// (Upstream logs "[SHOULD NOT HAPPEN]" at most once a second by the wall
// clock; a library's user should not see it.)
func updateFields(fm *managedfields.FieldManager, live, in runtime.Object, manager string) runtime.Object {
	out, err := fm.Update(live, in, manager)
	if err == nil {
		return out
	}
	la, lerr := meta.Accessor(live)
	na, nerr := meta.Accessor(in)
	if lerr == nil && nerr == nil {
		na.SetManagedFields(la.GetManagedFields())
	}
	return in
}

// trackExisting is trackUpdate against the stored object, if any.
func (s *Server) trackExisting(ri *resourceInfo, sub, ns string, in Object, manager string) Object {
	if !ri.Namespaced {
		ns = ""
	} else if ns == "" {
		ns = in.GetNamespace()
	}
	var live Object
	if old := s.tables[ri.storage].get(Key{ns, in.GetName()}); old != nil {
		live = s.output(ri, old)
	}
	return s.trackUpdate(ri, sub, live, in, manager)
}

// stampManagedFields gives every managedFields entry the write did not
// change its earlier time, and the others the server's instant: the field
// manager reads the wall clock, kubesem keeps the virtual one (MODEL: an
// entry's time is set to the request's instant exactly when upstream sets
// it to now).
func (s *Server) stampManagedFields(live, out Object) {
	entries := out.GetManagedFields()
	if len(entries) == 0 {
		return
	}
	before := live.GetManagedFields()
	now := metav1.NewTime(s.now().Truncate(1e9))
	changed := false
	for i := range entries {
		e := &entries[i]
		t := &now
		for _, b := range before {
			if b.Manager == e.Manager && b.Operation == e.Operation && b.APIVersion == e.APIVersion &&
				b.Subresource == e.Subresource && apiequality.Semantic.DeepEqual(b.FieldsV1, e.FieldsV1) {
				t = b.Time
				break
			}
		}
		e.Time = t
		changed = true
	}
	if changed {
		// The order the apiserver stores entries in: Apply before Update,
		// then by time in seconds, manager, API version, subresource.
		slices.SortFunc(entries, func(p, q metav1.ManagedFieldsEntry) int {
			return cmp.Or(strings.Compare(string(p.Operation), string(q.Operation)),
				cmp.Compare(unixSeconds(p.Time), unixSeconds(q.Time)),
				strings.Compare(p.Manager, q.Manager), strings.Compare(p.APIVersion, q.APIVersion),
				strings.Compare(p.Subresource, q.Subresource))
		})
		out.SetManagedFields(entries)
	}
}

func unixSeconds(t *metav1.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

// apply is a server-side apply (rule API-11): the applied configuration
// (YAML or JSON) merged into the stored object by field ownership,
// conflicts with other managers' fields answered with 409 unless forced;
// the result is created or updated through the registry. With sub
// "status" it is an apply to the status subresource: the object must
// exist, and the status strategy keeps all but its status.
func (s *Server) apply(ri *resourceInfo, sub, ns, name string, data []byte, opts metav1.PatchOptions) (runtime.Object, error) {
	patch := &unstructured.Unstructured{Object: map[string]any{}}
	if err := yaml.Unmarshal(data, &patch.Object); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding YAML: %v", err))
	}
	if patch.Object == nil {
		patch.Object = map[string]any{}
	}
	fm, err := s.fieldManager(ri, sub)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	dry := isDryRun(opts.DryRun)
	old := s.tables[ri.storage].get(Key{ns, name})
	var live Object
	if old != nil {
		live = s.output(ri, old)
	} else if sub != "" {
		return nil, apierrors.NewNotFound(ri.GroupResource(), name)
	} else {
		n, err := s.newObject(ri)
		if err != nil {
			return nil, err
		}
		live = n
		live.SetName(name)
		live.SetNamespace(ns)
	}
	force := opts.Force != nil && *opts.Force
	res, err := fm.Apply(live, patch, opts.FieldManager, force)
	if err != nil {
		if _, ok := err.(apierrors.APIStatus); ok {
			return nil, err
		}
		return nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure,
			Code: http.StatusInternalServerError, Reason: metav1.StatusReasonUnknown, Message: err.Error()}}
	}
	in, err := s.input(ri, res)
	if err != nil {
		return nil, err
	}
	if in.GetName() != name {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", in.GetName(), name))
	}
	s.stampManagedFields(live, in)
	var o Object
	if old == nil {
		o, err = s.create(ri, ns, in, dry)
	} else {
		o, err = s.updateObject(ri, sub, ns, in, dry, false)
	}
	if err != nil {
		return nil, err
	}
	return s.answer(ri, s.output(ri, o)), nil
}

// resetFields are the fields a built-in kind's strategy resets on a write
// to the main resource or a subresource (the strategies'
// GetResetFields): the field manager records no ownership of them. A
// kind with a status subresource resets status on main-resource writes
// and spec on status writes; the exceptions are listed. KK
// pkg/registry/*/*/strategy.go GetResetFields.
func resetFields(ri *resourceInfo, sub string) []fieldpath.Path {
	gk := ri.GroupVersionKind().GroupKind()
	p := fieldpath.MakePathOrDie
	switch sub {
	case "":
		switch {
		case gk == schema.GroupKind{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}:
			return []fieldpath.Path{p("spec"), p("status")}
		case ri.HasSubresource("status"):
			return []fieldpath.Path{p("status")}
		}
	case "status":
		switch gk {
		case schema.GroupKind{Group: "apps", Kind: "Deployment"}:
			return []fieldpath.Path{p("spec"), p("metadata", "labels")}
		case schema.GroupKind{Kind: "Pod"}:
			return []fieldpath.Path{p("spec"), p("metadata", "deletionTimestamp"), p("metadata", "ownerReferences")}
		case schema.GroupKind{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}:
			return []fieldpath.Path{p("spec"), p("status", "conditions")}
		case schema.GroupKind{Group: "flowcontrol.apiserver.k8s.io", Kind: "FlowSchema"},
			schema.GroupKind{Group: "flowcontrol.apiserver.k8s.io", Kind: "PriorityLevelConfiguration"},
			schema.GroupKind{Group: "networking.k8s.io", Kind: "ServiceCIDR"},
			schema.GroupKind{Group: "resource.k8s.io", Kind: "ResourceClaim"},
			schema.GroupKind{Group: "resource.k8s.io", Kind: "DeviceTaintRule"},
			schema.GroupKind{Group: "storage.k8s.io", Kind: "VolumeAttachment"},
			schema.GroupKind{Group: "storage.k8s.io", Kind: "CSINode"},
			schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"},
			schema.GroupKind{Group: "certificates.k8s.io", Kind: "PodCertificateRequest"}:
			return []fieldpath.Path{p("metadata"), p("spec")}
		}
		return []fieldpath.Path{p("spec")}
	case "finalize":
		return []fieldpath.Path{p("status")}
	}
	return nil
}
