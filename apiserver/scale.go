package apiserver

import (
	"fmt"
	"net/http"
	"reflect"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/yaml"
)

// scaleOf builds the autoscaling/v1 Scale of a Deployment, ReplicaSet,
// StatefulSet or RC (their ScaleREST.Get; rule API-6).
func scaleOf(ri *resourceInfo, o Object) (*autoscalingv1.Scale, error) {
	sc := &autoscalingv1.Scale{
		TypeMeta: metav1.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"},
		ObjectMeta: metav1.ObjectMeta{Name: o.GetName(), Namespace: o.GetNamespace(), UID: o.GetUID(),
			ResourceVersion: o.GetResourceVersion(), CreationTimestamp: o.GetCreationTimestamp()},
	}
	if cr := ri.custom; cr != nil {
		// The custom resource scale REST: replicas and the selector read
		// from the definition's paths.
		u, ok := o.(*unstructured.Unstructured)
		if !ok || cr.scale == nil {
			return nil, apierrors.NewInternalError(fmt.Errorf("%s has no scale subresource", ri.GroupResource()))
		}
		if n, found, err := unstructured.NestedInt64(u.Object, splitPath(cr.scale.SpecReplicasPath)...); err == nil && found {
			sc.Spec.Replicas = int32(n)
		}
		if n, found, err := unstructured.NestedInt64(u.Object, splitPath(cr.scale.StatusReplicasPath)...); err == nil && found {
			sc.Status.Replicas = int32(n)
		}
		if p := cr.scale.LabelSelectorPath; p != nil && *p != "" {
			if sel, found, err := unstructured.NestedString(u.Object, splitPath(*p)...); err == nil && found {
				sc.Status.Selector = sel
			}
		}
		return sc, nil
	}
	spec, status := topField(o, "Spec"), topField(o, "Status")
	if r := spec.FieldByName("Replicas"); r.IsValid() && !r.IsNil() {
		sc.Spec.Replicas = int32(r.Elem().Int())
	}
	if r := status.FieldByName("Replicas"); r.IsValid() {
		sc.Status.Replicas = int32(r.Int())
	}
	switch sel := spec.FieldByName("Selector").Interface().(type) {
	case *metav1.LabelSelector:
		ls, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		sc.Status.Selector = ls.String()
	case map[string]string:
		sc.Status.Selector = labels.SelectorFromSet(sel).String()
	}
	return sc, nil
}

var scaleGVK = autoscalingv1.SchemeGroupVersion.WithKind("Scale")

// applyScale is a server-side apply to the scale subresource: the applied
// Scale merged into the stored one (its managedFields the parent's seen
// through the scale handler), then written as a scale update.
func (s *Server) applyScale(ri *resourceInfo, ns, name string, data []byte, opts metav1.PatchOptions) (runtime.Object, error) {
	patch := &unstructured.Unstructured{Object: map[string]any{}}
	if err := yaml.Unmarshal(data, &patch.Object); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding YAML: %v", err))
	}
	if patch.Object == nil {
		patch.Object = map[string]any{}
	}
	old := s.tables[ri.storage].get(Key{ns, name})
	if old == nil {
		return nil, apierrors.NewNotFound(ri.GroupResource(), name)
	}
	live, err := scaleOf(ri, old)
	if err != nil {
		return nil, err
	}
	gv := ri.GroupVersionKind().GroupVersion()
	handler := managedfields.NewScaleHandler(old.GetManagedFields(), gv, managedfields.ResourcePathMappings{gv.String(): s.replicasPath(ri)})
	if live.ManagedFields, err = handler.ToSubresource(); err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	fm, err := s.scaleFieldManager()
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	if ri.custom != nil && len(live.ManagedFields) == 0 {
		// With no manager of the replicas, the field manager first
		// records the live Scale's fields against an empty object, which
		// the CRD handler's converter cannot take
		// (managedfields/internal/skipnonapplied.go: Apply).
		return nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure,
			Code: http.StatusInternalServerError, Reason: metav1.StatusReasonUnknown,
			Message: fmt.Sprintf("failed to create manager for existing fields: failed to convert live object (/; %s) to proper version: request to convert CR to an invalid group/version: %s",
				scaleGVK, scaleGVK.GroupVersion())}}
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
	if ri.custom != nil && scaleChanged(live, res) {
		// The CRD handler's scale field manager converts a changed Scale
		// as if it were a custom resource, and fails (an apply that
		// changes nothing never converts).
		return nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure,
			Code: http.StatusInternalServerError, Reason: metav1.StatusReasonUnknown,
			Message: fmt.Sprintf("failed to convert new object (%s/%s; %s) to proper version: request to convert CR to an invalid group/version: %s",
				patch.GetNamespace(), patch.GetName(), scaleGVK, scaleGVK.GroupVersion())}}
	}
	return s.writeScale(ri, ns, res, opts.FieldManager, true, isDryRun(opts.DryRun))
}

// scaleChanged reports whether an apply changed the Scale itself, its
// managedFields aside.
func scaleChanged(live *autoscalingv1.Scale, res runtime.Object) bool {
	sc, ok := res.(*autoscalingv1.Scale)
	if !ok {
		return true
	}
	a, b := live.DeepCopy(), sc.DeepCopy()
	a.ManagedFields, b.ManagedFields = nil, nil
	return !equal(a, b)
}

// replicasPath is where the parent keeps the replicas a Scale shows.
func (s *Server) replicasPath(ri *resourceInfo) fieldpath.Path {
	if ri.custom != nil && ri.custom.scale != nil {
		var parts []any
		for _, p := range splitPath(ri.custom.scale.SpecReplicasPath) {
			parts = append(parts, p)
		}
		return fieldpath.MakePathOrDie(parts...)
	}
	return fieldpath.MakePathOrDie("spec", "replicas")
}

// scaleFieldManager tracks the fields of autoscaling/v1 Scales written to
// a scale subresource.
func (s *Server) scaleFieldManager() (*managedfields.FieldManager, error) {
	k := fmKey{scaleGVK, "scale"}
	if fm := s.fieldManagers[k]; fm != nil {
		return fm, nil
	}
	parser, err := parseApplySchema()
	if err != nil {
		return nil, err
	}
	tc := managedfields.NewSchemeTypeConverter(s.scheme, parser)
	fm, err := managedfields.NewDefaultFieldManager(tc, s.scheme, s.scheme, s.scheme, scaleGVK, scaleGVK.GroupVersion(), "scale", nil)
	if err != nil {
		return nil, err
	}
	if s.fieldManagers == nil {
		s.fieldManagers = map[fmKey]*managedfields.FieldManager{}
	}
	s.fieldManagers[k] = fm
	return fm, nil
}

// updateScale writes spec.replicas through the parent's own update, so its
// strategy runs in full (generation, resourceVersion check). The Scale's
// field ownership is the parent's replicas path seen through the scale
// handler (k8s.io/apimachinery pkg/util/managedfields ScaleHandler, as
// each ScaleREST's UpdatedObject uses it): the request's manager owns
// spec.replicas of the Scale, and so of the parent.
func (s *Server) updateScale(ri *resourceInfo, ns string, obj runtime.Object, manager string, dry bool) (runtime.Object, error) {
	return s.writeScale(ri, ns, obj, manager, false, dry)
}

// writeScale is updateScale; applied says obj is the result of an apply,
// its managedFields already the Scale's.
func (s *Server) writeScale(ri *resourceInfo, ns string, obj runtime.Object, manager string, applied, dry bool) (runtime.Object, error) {
	sc := &autoscalingv1.Scale{}
	switch v := obj.(type) {
	case *autoscalingv1.Scale:
		sc = v.DeepCopy()
	case *unstructured.Unstructured:
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(v.Object, sc); err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("expected an autoscaling/v1 Scale, got %T", obj))
	}
	if ns == "" {
		ns = sc.Namespace
	}
	k := Key{ns, sc.Name}
	old := s.tables[ri.storage].get(k)
	if old == nil {
		// The store finds nothing before the scale's own check runs:
		// the resource's NotFound (Store.Update, GuaranteedUpdate).
		return nil, apierrors.NewNotFound(ri.GroupResource(), k.Name)
	}
	gv := ri.GroupVersionKind().GroupVersion()
	handler := managedfields.NewScaleHandler(old.GetManagedFields(), gv, managedfields.ResourcePathMappings{gv.String(): s.replicasPath(ri)})
	entries, err := handler.ToSubresource()
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	if oldScale, err := scaleOf(ri, old); err == nil && !applied {
		oldScale.ManagedFields = entries
		if fm, err := s.scaleFieldManager(); err == nil {
			if tracked, ok := updateFields(fm, oldScale, sc, manager).(*autoscalingv1.Scale); ok {
				sc = tracked
			}
		}
	}
	if sc.Spec.Replicas < 0 {
		return nil, apierrors.NewInvalid(autoscalingv1.SchemeGroupVersion.WithKind("Scale").GroupKind(), sc.Name, field.ErrorList{
			field.Invalid(field.NewPath("spec", "replicas"), sc.Spec.Replicas, "must be greater than or equal to 0")})
	}
	if sc.UID != "" && sc.UID != old.GetUID() {
		return nil, s.preconditionConflict(ri, "", k, fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", sc.UID, old.GetUID()), dry)
	}
	in := old.DeepCopyObject().(Object)
	if ri.custom != nil {
		in = s.output(ri, old)
		u := in.(*unstructured.Unstructured)
		if err := unstructured.SetNestedField(u.Object, int64(sc.Spec.Replicas), splitPath(ri.custom.scale.SpecReplicasPath)...); err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	} else if r := topField(in, "Spec").FieldByName("Replicas"); r.IsValid() {
		n := sc.Spec.Replicas
		r.Set(reflect.ValueOf(&n))
	}
	in.SetResourceVersion(sc.ResourceVersion)
	parentEntries, err := handler.ToParent(sc.ManagedFields)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	in.SetManagedFields(parentEntries)
	s.stampManagedFields(old, in)
	o, err := s.update(ri, "", ns, in, dry)
	if err != nil {
		return nil, err
	}
	return scaleOf(ri, o)
}
