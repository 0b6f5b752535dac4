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
	f.Add(uint8(255), []byte(`{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"c","namespace":"default"},"spec":{"replicas":2,"x":1},"status":{"replicas":"a"}}`), []byte(`{"spec":{"replicas":null}}`))
	f.Add(uint8(254), []byte(`{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"as.b.c"},"spec":{"group":"b.c","scope":"Cluster","names":{"plural":"as","kind":"A"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}`), []byte(`{"metadata":{"finalizers":null}}`))
	f.Fuzz(func(t *testing.T, pick uint8, body, patch []byte) {
		s := New(Options{})
		crd := &unstructured.Unstructured{}
		if err := crd.UnmarshalJSON([]byte(fuzzCRD)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(crdGVR, "", crd, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
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
		_, err = s.Delete(crdGVR, "", "crontabs.stable.example.com", metav1.DeleteOptions{})
		check(err)
	})
}

// fuzzCRD is a definition with status and scale subresources, a
// selectable field, a default and a preserved subtree.
const fuzzCRD = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
"metadata":{"name":"crontabs.stable.example.com"},
"spec":{"group":"stable.example.com","scope":"Namespaced",
"names":{"plural":"crontabs","singular":"crontab","kind":"CronTab","shortNames":["ct"]},
"versions":[{"name":"v1","served":true,"storage":true,
"selectableFields":[{"jsonPath":".spec.image"}],
"subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
"schema":{"openAPIV3Schema":{"type":"object","properties":{
"spec":{"type":"object","properties":{"image":{"type":"string","maxLength":10},"replicas":{"type":"integer","default":1},
"free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
"ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["port"],"items":{"type":"object","required":["port"],"properties":{"port":{"type":"integer"}}}}}},
"status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}}`
