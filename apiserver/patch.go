package apiserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/mergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// maxJSONPatchOperations bounds a JSON patch, as the apiserver does.
const maxJSONPatchOperations = 10000

// Patch changes an object by a JSON patch, a JSON merge patch or a
// strategic merge patch, then stores it through the same update as Update
// (rule API-6): the patch applies to the stored object, so it keeps the
// stored resourceVersion unless the patch sets one (then a stale one is a
// 409 Conflict). Subresource "status" patches the status only. A patch
// that does not apply is the apiserver's 400 or 422 error; nothing is
// stored.
func (s *Server) Patch(gvr schema.GroupVersionResource, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresource ...string) (runtime.Object, error) {
	ri, sub, err := s.lookupSub(gvr, subresource)
	if err != nil {
		return nil, err
	}
	if errs := metav1validation.ValidatePatchOptions(&opts, pt); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "PatchOptions"}, "", errs)
	}
	if !ri.Namespaced {
		ns = ""
	}
	if ri.custom != nil && pt == types.StrategicMergePatchType {
		// Custom resources have no Go type to merge strategically by.
		return nil, unsupportedPatch(types.JSONPatchType, types.MergePatchType, types.ApplyYAMLPatchType)
	}
	if pt == types.ApplyYAMLPatchType {
		if sub == "scale" {
			return s.applyScale(ri, ns, name, data, opts)
		}
		return s.apply(ri, sub, ns, name, data, opts)
	}
	old := s.tables[ri.storage].get(Key{ns, name})
	if old == nil {
		// The patcher reads the object first: a missing one is the main
		// resource's 404, the scale subresource's included.
		return nil, apierrors.NewNotFound(ri.GroupResource(), name)
	}
	var cur runtime.Object = s.output(ri, old)
	if sub == "scale" {
		if cur, err = scaleOf(ri, old); err != nil {
			return nil, err
		}
	}
	orig, err := json.Marshal(cur)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	patched, err := applyPatch(pt, orig, data, cur)
	if err != nil {
		return nil, err
	}
	var n runtime.Object
	if ri.custom != nil && sub != "scale" {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(patched); err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		if err := ri.custom.decode(u); err != nil {
			return nil, err
		}
		n = u
	} else {
		if n, err = s.scheme.New(cur.GetObjectKind().GroupVersionKind()); err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		if err := json.Unmarshal(patched, n); err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	}
	if sub == "scale" {
		return s.updateScale(ri, ns, n, opts.FieldManager, isDryRun(opts.DryRun))
	}
	in := n.(Object)
	if in.GetName() != name {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", in.GetName(), name))
	}
	if sub == "" {
		in = ri.strategy.withDefaults(in)
	}
	in = s.trackUpdate(ri, sub, s.output(ri, old), in, opts.FieldManager)
	o, err := s.updateObject(ri, sub, ns, in, isDryRun(opts.DryRun), false)
	if err != nil {
		return nil, err
	}
	return s.answer(ri, s.output(ri, o)), nil
}

// applyPatch applies a patch to an object's JSON as the apiserver's patch
// handler does, with its errors.
func applyPatch(pt types.PatchType, orig, data []byte, typed runtime.Object) ([]byte, error) {
	switch pt {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(data)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		if len(p) > maxJSONPatchOperations {
			return nil, apierrors.NewRequestEntityTooLargeError(fmt.Sprintf("The allowed maximum operations in a JSON patch is %d, got %d", maxJSONPatchOperations, len(p)))
		}
		out, err := p.Apply(orig)
		if err != nil {
			return nil, apierrors.NewGenericServerResponse(http.StatusUnprocessableEntity, "", schema.GroupResource{}, "", err.Error(), 0, false)
		}
		return out, nil
	case types.MergePatchType:
		out, err := jsonpatch.MergePatch(orig, data)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	case types.StrategicMergePatchType:
		out, err := strategicpatch.StrategicMergePatch(orig, data, typed)
		if err != nil {
			switch err {
			case mergepatch.ErrNoListOfLists, mergepatch.ErrPatchContentNotMatchRetainKeys:
				return nil, apierrors.NewGenericServerResponse(http.StatusUnprocessableEntity, "", schema.GroupResource{}, "", err.Error(), 0, false)
			}
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	}
	return nil, unsupportedPatch(types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType, types.ApplyYAMLPatchType)
}

// unsupportedPatch is the patch handler's 415 for a patch type the
// resource does not take, naming those it does.
func unsupportedPatch(accepted ...types.PatchType) error {
	names := make([]string, len(accepted))
	for i, t := range accepted {
		names[i] = string(t)
	}
	return apierrors.NewGenericServerResponse(http.StatusUnsupportedMediaType, "patch", schema.GroupResource{}, "",
		"the body of the request was in an unknown format - accepted media types include: "+strings.Join(names, ", "), 0, false)
}
