package apiserver

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// FuzzRequests sends arbitrary JSON objects and patches to every verb of a
// resource chosen by the input: the server never panics and every error
// it returns is a StatusError.
func FuzzRequests(f *testing.F) {
	f.Add(uint8(0), []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}}`), []byte(`{"data":{"k":"v"}}`))
	f.Add(uint8(7), []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}`), []byte(`[{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]`))
	f.Add(uint8(20), []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generateName":"d-","finalizers":["x/y"]}}`), []byte(`{"spec":{"replicas":-1}}`))
	f.Fuzz(func(t *testing.T, pick uint8, body, patch []byte) {
		s := New(Options{})
		rs := s.Resources()
		r := rs[int(pick)%len(rs)]
		gvr := r.GroupVersionResource()
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(body); err != nil {
			return
		}
		check := func(err error) {
			if err == nil {
				return
			}
			if _, ok := err.(*apierrors.StatusError); !ok {
				t.Fatalf("%s: %v (%T) is not a StatusError", r.Name, err, err)
			}
		}
		ns := u.GetNamespace()
		_, err := s.Create(gvr, ns, u, metav1.CreateOptions{})
		check(err)
		name := u.GetName()
		_, err = s.Update(gvr, ns, u, metav1.UpdateOptions{})
		check(err)
		_, err = s.Update(gvr, ns, u, metav1.UpdateOptions{}, "status")
		check(err)
		for _, pt := range []types.PatchType{types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType, types.ApplyYAMLPatchType} {
			_, err = s.Patch(gvr, ns, name, pt, patch, metav1.PatchOptions{FieldManager: "fuzz"})
			check(err)
		}
		_, err = s.Get(gvr, ns, name, "scale")
		check(err)
		_, err = s.List(gvr, ns, metav1.ListOptions{LabelSelector: string(patch)})
		check(err)
		_, err = s.Delete(gvr, ns, name, metav1.DeleteOptions{})
		check(err)
	})
}
