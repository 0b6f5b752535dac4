package restserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apiserver/pkg/endpoints/handlers/negotiation"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/apiserver"
)

// scaleGVK is the kind of every scale subresource.
var scaleGVK = schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}

// serializers are the media types a resource (or subresource) is served in:
// protobuf too when its Go type has protobuf encoding, as for the built-in
// kinds; JSON and YAML otherwise, as for custom resources.
func (s *server) serializers(res apiserver.Resource, sub string) runtime.NegotiatedSerializer {
	if sub == "scale" {
		return s.codecs
	}
	obj, err := s.scheme.New(res.GroupVersionKind())
	if err != nil || !protoCapable(obj) {
		return s.textOnly
	}
	return s.codecs
}

// protoCapable reports whether the protobuf serializer can encode obj.
func protoCapable(obj runtime.Object) bool {
	switch obj.(type) {
	case runtime.ProtobufMarshaller, runtime.ProtobufReverseMarshaller, interface{ Marshal() ([]byte, error) }:
		return true
	}
	return false
}

// jsonInfo is the JSON serializer, for answers no negotiation chose.
func (s *server) jsonInfo() runtime.SerializerInfo {
	info, _ := runtime.SerializerInfoForMediaType(s.codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	return info
}

// decodeBody decodes the object of a create or update: into the scheme's
// Go type for the body's kind (the resource's when the body names none),
// or as an unstructured object when the scheme lacks the resource's kind.
// Unknown fields are warnings, or with fieldValidation=Strict a 400.
func (s *server) decodeBody(w http.ResponseWriter, r *request, directive string) (runtime.Object, error) {
	info, err := negotiation.NegotiateInputSerializer(r.req, false, r.ser)
	if err != nil {
		return nil, err
	}
	body, err := readBody(r.req)
	if err != nil {
		return nil, err
	}
	target := r.res.GroupVersionKind()
	if r.sub == "scale" {
		target = scaleGVK
	}
	if !s.scheme.Recognizes(target) {
		m, err := decodeMap(info, body)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", target.Kind, err, summarize(body)))
		}
		u := &unstructured.Unstructured{Object: m}
		if u.GetAPIVersion() == "" {
			u.SetAPIVersion(target.GroupVersion().String())
		}
		if u.GetKind() == "" {
			u.SetKind(target.Kind)
		}
		return u, nil
	}
	if directive == "" {
		directive = metav1.FieldValidationWarn
	}
	dec := info.Serializer
	if (directive == metav1.FieldValidationWarn || directive == metav1.FieldValidationStrict) && info.StrictSerializer != nil {
		dec = info.StrictSerializer
	}
	obj, gvk, err := dec.Decode(body, &target, nil)
	if err != nil {
		if se, ok := runtime.AsStrictDecodingError(err); ok && obj != nil && directive == metav1.FieldValidationWarn {
			for _, e := range se.Errors() {
				addWarning(w, e.Error())
			}
			return obj, nil
		}
		if gvk != nil && gvk.Kind != "" {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", gvk.Kind, gvk.Version, target.Kind, err))
		}
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", target.Kind, err, summarize(body)))
	}
	return obj, nil
}

// summarize cuts a body for an error message.
func summarize(body []byte) string {
	const limit = 30
	if len(body) > limit {
		return string(body[:limit]) + " ..."
	}
	return string(body)
}

// decodeMap decodes a JSON or YAML object.
func decodeMap(info runtime.SerializerInfo, body []byte) (map[string]any, error) {
	data := body
	if info.MediaType == runtime.ContentTypeYAML {
		var err error
		if data, err = yaml.YAMLToJSON(body); err != nil {
			return nil, err
		}
	} else if info.MediaType != runtime.ContentTypeJSON {
		return nil, fmt.Errorf("cannot decode %s as an object", info.MediaType)
	}
	var m map[string]any
	if err := utiljson.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("the body is not an object")
	}
	return m, nil
}

// addWarning adds a warning header, as the apiserver's warning recorder.
func addWarning(w http.ResponseWriter, msg string) {
	if h, err := utilnet.NewWarningHeader(299, "-", msg); err == nil {
		w.Header().Add("Warning", h)
	}
}

// answer writes a backend's answer: the object with code, or the error.
func (s *server) answer(w http.ResponseWriter, r *request, code int, obj runtime.Object, err error) {
	if err != nil {
		s.writeError(w, r.out, err)
		return
	}
	if obj == nil {
		s.writeError(w, r.out, apierrors.NewInternalError(fmt.Errorf("the backend answered no object")))
		return
	}
	if st, ok := obj.(*metav1.Status); ok && st.Code == 0 {
		c := *st
		c.Code = int32(code)
		obj = &c
	}
	s.writeObject(w, r.out, code, obj)
}

// writeObject encodes obj with the negotiated serializer and writes it.
func (s *server) writeObject(w http.ResponseWriter, info runtime.SerializerInfo, code int, obj runtime.Object) {
	if info.Serializer == nil {
		info = s.jsonInfo()
	}
	var buf bytes.Buffer
	if err := s.encode(info.Serializer, obj, &buf); err != nil {
		if _, isStatus := obj.(*metav1.Status); isStatus {
			writeStatusJSON(w, statusOf(apierrors.NewInternalError(err)))
			return
		}
		s.writeError(w, info, apierrors.NewInternalError(err))
		return
	}
	w.Header().Set("Content-Type", info.MediaType)
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes err as the apiserver writes an error: a Status whose
// code is the HTTP status.
func (s *server) writeError(w http.ResponseWriter, info runtime.SerializerInfo, err error) {
	status := statusOf(err)
	s.writeObject(w, info, int(status.Code), &status)
}

// writeStatusJSON is the last resort of writeObject.
func writeStatusJSON(w http.ResponseWriter, status metav1.Status) {
	data, _ := json.Marshal(status)
	w.Header().Set("Content-Type", runtime.ContentTypeJSON)
	w.WriteHeader(int(status.Code))
	_, _ = w.Write(data)
}

// encode encodes obj with its apiVersion and kind, as the apiserver's
// answers carry them.
func (s *server) encode(enc runtime.Encoder, obj runtime.Object, w io.Writer) error {
	return enc.Encode(s.withKind(obj), w)
}

// withKind returns obj with its group, version and kind set from the
// scheme (a copy when they must be set: the backend's objects are left
// alone).
func (s *server) withKind(obj runtime.Object) runtime.Object {
	switch o := obj.(type) {
	case runtime.Unstructured:
		return obj
	case *metav1.Status:
		if o.Kind == "Status" && o.APIVersion == "v1" {
			return o
		}
		c := *o
		c.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
		return &c
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	if !gvk.Empty() && s.scheme.Recognizes(gvk) {
		return obj
	}
	kinds, _, err := s.scheme.ObjectKinds(obj)
	if err != nil || len(kinds) == 0 {
		return obj
	}
	obj = obj.DeepCopyObject()
	obj.GetObjectKind().SetGroupVersionKind(kinds[0])
	return obj
}
