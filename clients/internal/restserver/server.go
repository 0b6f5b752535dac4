package restserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kubesem/kubesem/apiserver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metainternalversionscheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/endpoints/handlers/negotiation"
)

// Backend is the apiserver the handler serves. Every method may be called
// from any goroutine; the backend does its own locking.
//
// Each method receives the HTTP request's context (for a watch, one derived
// from it that ends with the watch) and answers with the objects the
// apiserver would answer, or its error — an *errors.StatusError most of the
// time, which the handler writes as the apiserver writes a Status.
type Backend interface {
	// Scheme holds the Go types of the built-in kinds (and maybe of users'
	// custom resources); request bodies of kinds it lacks are decoded as
	// unstructured objects.
	Scheme() *runtime.Scheme
	// Resources lists the served resources in discovery order.
	Resources() []apiserver.Resource
	// Get reads one object, or one of its subresources ("" for none).
	Get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.GetOptions, subresource string) (runtime.Object, error)
	// List lists a resource in a namespace ("" for all namespaces or a
	// cluster-scoped resource).
	List(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (runtime.Object, error)
	// Watch starts a watch; the handler stops it when the client goes
	// away, the watch's timeout passes or ctx ends.
	Watch(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (watch.Interface, error)
	// Create creates an object (or posts to a subresource: a pod's binding
	// or eviction).
	Create(ctx context.Context, gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.CreateOptions, subresource string) (runtime.Object, error)
	// Update replaces an object, or its status or scale subresource.
	Update(ctx context.Context, gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.UpdateOptions, subresource string) (runtime.Object, error)
	// Patch patches an object; pt is the request's patch type (an apply
	// patch's data is the raw YAML or JSON the client sent).
	Patch(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresource string) (runtime.Object, error)
	// Delete deletes an object; it answers the object (as it is now, or
	// was) or a *metav1.Status, or nil for a Status of success.
	Delete(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.DeleteOptions) (runtime.Object, error)
	// DeleteCollection deletes the objects listOpts select.
	DeleteCollection(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.DeleteOptions, listOpts metav1.ListOptions) (runtime.Object, error)
}

// maxBodyBytes is the apiserver's default limit on a request body.
const maxBodyBytes = 3 * 1024 * 1024

// server is the handler over one backend.
type server struct {
	b      Backend
	scheme *runtime.Scheme
	// codecs has the JSON, YAML and protobuf serializers of the scheme.
	codecs serializer.CodecFactory
	// textOnly is codecs without protobuf: what a resource without
	// protobuf Go types (a custom resource) is served in.
	textOnly runtime.NegotiatedSerializer
}

// Handler returns an http.Handler serving the Kubernetes REST API over b:
// resources under /api/v1 and /apis/{group}/{version}, and discovery.
func Handler(b Backend) http.Handler { return newServer(b) }

func newServer(b Backend) *server {
	scheme := b.Scheme()
	codecs := serializer.NewCodecFactory(scheme)
	var text []runtime.SerializerInfo
	for _, info := range codecs.SupportedMediaTypes() {
		if info.MediaType == runtime.ContentTypeJSON || info.MediaType == runtime.ContentTypeYAML {
			text = append(text, info)
		}
	}
	return &server{b: b, scheme: scheme, codecs: codecs, textOnly: mediaTypes{codecs, text}}
}

// mediaTypes narrows a codec factory's media types.
type mediaTypes struct {
	serializer.CodecFactory
	types []runtime.SerializerInfo
}

func (m mediaTypes) SupportedMediaTypes() []runtime.SerializerInfo { return m.types }

// ServeHTTP serves one request; a watch streams until it ends.
func (s *server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ws := s.serve(w, req)
	if ws == nil {
		return
	}
	flush := func() {}
	if f, ok := w.(http.Flusher); ok {
		flush = f.Flush
	}
	ws.run(w, flush)
}

// headerWriter remembers whether the header went out.
type headerWriter struct {
	http.ResponseWriter
	wrote bool
}

func (h *headerWriter) WriteHeader(code int) {
	h.wrote = true
	h.ResponseWriter.WriteHeader(code)
}

// Flush sends what was written so far (a watch's header).
func (h *headerWriter) Flush() {
	if f, ok := h.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (h *headerWriter) Write(b []byte) (int, error) {
	h.wrote = true
	return h.ResponseWriter.Write(b)
}

// request is one parsed API request.
type request struct {
	req *http.Request
	res apiserver.Resource
	gvr schema.GroupVersionResource
	// ns is the namespace the backend is given ("" for cluster-scoped
	// resources and lists across namespaces).
	ns, name, sub string
	// watchPath is the legacy /watch/ prefix.
	watchPath bool
	// ser has the media types the resource is served in; out is the one
	// negotiated for the response.
	ser runtime.NegotiatedSerializer
	out runtime.SerializerInfo
}

// serve answers a request in the calling goroutine; for a watch that
// started it writes the response header and returns the stream, which the
// caller runs.
func (s *server) serve(w http.ResponseWriter, req *http.Request) (ws *watchStream) {
	hw := &headerWriter{ResponseWriter: w}
	defer func() {
		if r := recover(); r != nil {
			if ws != nil {
				ws.cancel()
				ws = nil
			}
			if !hw.wrote {
				s.writeError(hw, runtime.SerializerInfo{}, apierrors.NewInternalError(fmt.Errorf("panic while serving %s %s: %v", req.Method, req.URL.Path, r)))
			}
		}
	}()
	if req.URL == nil {
		s.writeError(hw, runtime.SerializerInfo{}, apierrors.NewBadRequest("the request has no URL"))
		return nil
	}
	p := strings.Trim(req.URL.Path, "/")
	parts := strings.Split(p, "/")
	switch {
	case p == "version" || p == "api" || p == "apis":
		s.serveDiscovery(hw, req, parts)
		return nil
	case parts[0] == "api" && len(parts) == 2:
		s.serveDiscovery(hw, req, parts)
		return nil
	case parts[0] == "apis" && (len(parts) == 2 || len(parts) == 3):
		s.serveDiscovery(hw, req, parts)
		return nil
	case parts[0] == "api" && len(parts) > 2:
		return s.serveResource(hw, req, "", parts[1], parts[2:])
	case parts[0] == "apis" && len(parts) > 3:
		return s.serveResource(hw, req, parts[1], parts[2], parts[3:])
	}
	s.writeError(hw, runtime.SerializerInfo{}, errNotFound())
	return nil
}

// errNotFound is the apiserver's answer for a path it does not serve.
func errNotFound() error {
	return apierrors.NewGenericServerResponse(http.StatusNotFound, "", schema.GroupResource{}, "", "", 0, false)
}

// errMethodNotAllowed is the apiserver's answer for a method a path does
// not take.
func errMethodNotAllowed() error {
	return apierrors.NewGenericServerResponse(http.StatusMethodNotAllowed, "", schema.GroupResource{}, "", "", 0, false)
}

// parse resolves the path below a group version into a request.
func (s *server) parse(req *http.Request, group, version string, rest []string) (*request, error) {
	for _, part := range rest {
		if part == "" {
			return nil, errNotFound()
		}
	}
	r := &request{req: req}
	if rest[0] == "watch" {
		r.watchPath = true
		rest = rest[1:]
	}
	scoped := false
	if len(rest) > 1 && rest[0] == "namespaces" {
		r.ns = rest[1]
		// /namespaces/{name}[/status|/finalize] is the Namespace itself.
		if len(rest) > 2 && rest[2] != "status" && rest[2] != "finalize" {
			rest = rest[2:]
			scoped = true
		}
	}
	if len(rest) == 0 || len(rest) > 3 {
		return nil, errNotFound()
	}
	found := false
	for _, res := range s.b.Resources() {
		if res.Group == group && res.Version == version && res.Name == rest[0] {
			r.res, found = res, true
			break
		}
	}
	if !found {
		return nil, errNotFound()
	}
	r.gvr = r.res.GroupVersionResource()
	if len(rest) > 1 {
		r.name = rest[1]
	}
	if len(rest) > 2 {
		r.sub = rest[2]
		if !r.res.HasSubresource(r.sub) || r.watchPath {
			return nil, errNotFound()
		}
	}
	switch {
	case r.res.Namespaced && !scoped:
		// Across namespaces only lists and watches are served.
		if r.name != "" {
			return nil, errNotFound()
		}
		if req.Method != http.MethodGet {
			return nil, errMethodNotAllowed()
		}
		r.ns = ""
	case !r.res.Namespaced && scoped:
		return nil, errNotFound()
	case !r.res.Namespaced:
		r.ns = ""
	}
	if r.watchPath && req.Method != http.MethodGet {
		return nil, errMethodNotAllowed()
	}
	return r, nil
}

// serveResource serves a request for a resource of a group version.
func (s *server) serveResource(w http.ResponseWriter, req *http.Request, group, version string, rest []string) *watchStream {
	r, err := s.parse(req, group, version, rest)
	if err != nil {
		s.writeError(w, runtime.SerializerInfo{}, err)
		return nil
	}
	r.ser = s.serializers(r.res, r.sub)
	_, r.out, err = negotiation.NegotiateOutputMediaType(req, r.ser, negotiation.DefaultEndpointRestrictions)
	if err != nil {
		s.writeError(w, runtime.SerializerInfo{}, err)
		return nil
	}
	ctx := req.Context()
	q := req.URL.Query()
	if r.sub != "" && !subresourceAllows(r.sub, methodVerbs[req.Method]) {
		s.writeError(w, r.out, errMethodNotAllowed())
		return nil
	}
	switch req.Method {
	case http.MethodGet:
		if r.sub != "" || (r.name != "" && !r.watchPath) {
			if r.sub == "" && !r.res.Allows("get") {
				s.writeError(w, r.out, errMethodNotAllowed())
				return nil
			}
			var opts metav1.GetOptions
			if err := metainternalversionscheme.ParameterCodec.DecodeParameters(q, metav1.SchemeGroupVersion, &opts); err != nil {
				s.writeError(w, r.out, apierrors.NewBadRequest(err.Error()))
				return nil
			}
			obj, err := s.b.Get(ctx, r.gvr, r.ns, r.name, opts, r.sub)
			s.answer(w, r, http.StatusOK, obj, err)
			return nil
		}
		opts, err := listOptions(q)
		if err != nil {
			s.writeError(w, r.out, err)
			return nil
		}
		if r.watchPath || opts.Watch {
			return s.startWatch(w, r, opts)
		}
		if !r.res.Allows("list") {
			s.writeError(w, r.out, errMethodNotAllowed())
			return nil
		}
		obj, err := s.b.List(ctx, r.gvr, r.ns, opts)
		s.answer(w, r, http.StatusOK, obj, err)
	case http.MethodPost:
		if r.name != "" && r.sub == "" || r.name == "" && !r.res.Allows("create") {
			s.writeError(w, r.out, errMethodNotAllowed())
			return nil
		}
		var opts metav1.CreateOptions
		if err := metainternalversionscheme.ParameterCodec.DecodeParameters(q, metav1.SchemeGroupVersion, &opts); err != nil {
			s.writeError(w, r.out, apierrors.NewBadRequest(err.Error()))
			return nil
		}
		obj, err := s.decodeBody(w, r, opts.FieldValidation)
		if err != nil {
			s.writeError(w, r.out, err)
			return nil
		}
		opts.FieldManager = managerOrUserAgent(opts.FieldManager, req.UserAgent())
		out, err := s.b.Create(ctx, r.gvr, r.ns, obj, opts, r.sub)
		s.answer(w, r, http.StatusCreated, out, err)
	case http.MethodPut:
		if r.name == "" || r.sub == "" && !r.res.Allows("update") {
			s.writeError(w, r.out, errMethodNotAllowed())
			return nil
		}
		var opts metav1.UpdateOptions
		if err := metainternalversionscheme.ParameterCodec.DecodeParameters(q, metav1.SchemeGroupVersion, &opts); err != nil {
			s.writeError(w, r.out, apierrors.NewBadRequest(err.Error()))
			return nil
		}
		obj, err := s.decodeBody(w, r, opts.FieldValidation)
		if err == nil {
			err = checkName(obj, r.name, r.ns)
		}
		if err != nil {
			s.writeError(w, r.out, err)
			return nil
		}
		opts.FieldManager = managerOrUserAgent(opts.FieldManager, req.UserAgent())
		out, err := s.b.Update(ctx, r.gvr, r.ns, obj, opts, r.sub)
		s.answer(w, r, http.StatusOK, out, err)
	case http.MethodPatch:
		if r.name == "" || r.sub == "" && !r.res.Allows("patch") {
			s.writeError(w, r.out, errMethodNotAllowed())
			return nil
		}
		s.patch(w, r)
	case http.MethodDelete:
		if r.sub != "" {
			s.writeError(w, r.out, errMethodNotAllowed())
			return nil
		}
		s.delete(w, r)
	default:
		s.writeError(w, r.out, errMethodNotAllowed())
	}
	return nil
}

// methodVerbs are the verbs of the methods on one object.
var methodVerbs = map[string]string{
	http.MethodGet:    "get",
	http.MethodPost:   "create",
	http.MethodPut:    "update",
	http.MethodPatch:  "patch",
	http.MethodDelete: "delete",
}

// listOptions decodes a list or watch's query. The parameters are first
// decoded as the apiserver does (selectors parsed: a bad one is a 400),
// then handed to the backend as sent.
func listOptions(q map[string][]string) (metav1.ListOptions, error) {
	var internal metainternalversion.ListOptions
	if err := metainternalversionscheme.ParameterCodec.DecodeParameters(q, metav1.SchemeGroupVersion, &internal); err != nil {
		return metav1.ListOptions{}, apierrors.NewBadRequest(err.Error())
	}
	var opts metav1.ListOptions
	if err := metainternalversionscheme.ParameterCodec.DecodeParameters(q, metav1.SchemeGroupVersion, &opts); err != nil {
		return metav1.ListOptions{}, apierrors.NewBadRequest(err.Error())
	}
	return opts, nil
}

// patchTypes are the patch types a built-in resource takes, in the order
// the apiserver names them.
var patchTypes = []string{
	string(types.JSONPatchType),
	string(types.MergePatchType),
	string(types.StrategicMergePatchType),
	string(types.ApplyYAMLPatchType),
}

// customPatchTypes are those of a resource without Go types.
var customPatchTypes = []string{
	string(types.JSONPatchType),
	string(types.MergePatchType),
	string(types.ApplyYAMLPatchType),
}

func (s *server) patch(w http.ResponseWriter, r *request) {
	ct := r.req.Header.Get("Content-Type")
	if i := strings.Index(ct, ";"); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	accepted := patchTypes
	if !s.scheme.Recognizes(r.res.GroupVersionKind()) {
		accepted = customPatchTypes
	}
	ok := false
	for _, t := range accepted {
		ok = ok || t == ct
	}
	if !ok {
		s.writeError(w, r.out, negotiation.NewUnsupportedMediaTypeError(accepted))
		return
	}
	pt := types.PatchType(ct)
	var opts metav1.PatchOptions
	if err := metainternalversionscheme.ParameterCodec.DecodeParameters(r.req.URL.Query(), metav1.SchemeGroupVersion, &opts); err != nil {
		s.writeError(w, r.out, apierrors.NewBadRequest(err.Error()))
		return
	}
	data, err := readBody(r.req)
	if err != nil {
		s.writeError(w, r.out, err)
		return
	}
	if pt != types.ApplyYAMLPatchType {
		opts.FieldManager = managerOrUserAgent(opts.FieldManager, r.req.UserAgent())
	}
	out, err := s.b.Patch(r.req.Context(), r.gvr, r.ns, r.name, pt, data, opts, r.sub)
	s.answer(w, r, http.StatusOK, out, err)
}

func (s *server) delete(w http.ResponseWriter, r *request) {
	q := r.req.URL.Query()
	collection := r.name == ""
	verb := "delete"
	if collection {
		verb = "deletecollection"
	}
	if !r.res.Allows(verb) {
		s.writeError(w, r.out, errMethodNotAllowed())
		return
	}
	var listOpts metav1.ListOptions
	if collection {
		var err error
		if listOpts, err = listOptions(q); err != nil {
			s.writeError(w, r.out, err)
			return
		}
	}
	body, err := readBody(r.req)
	if err != nil {
		s.writeError(w, r.out, err)
		return
	}
	var opts metav1.DeleteOptions
	if len(body) > 0 {
		if err := s.decodeDeleteOptions(r.req, body, &opts); err != nil {
			s.writeError(w, r.out, err)
			return
		}
	} else if err := metainternalversionscheme.ParameterCodec.DecodeParameters(q, metav1.SchemeGroupVersion, &opts); err != nil {
		s.writeError(w, r.out, apierrors.NewBadRequest(err.Error()))
		return
	}
	if errs := validation.ValidateDeleteOptions(&opts); len(errs) > 0 {
		s.writeError(w, r.out, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "DeleteOptions"}, "", errs))
		return
	}
	opts.TypeMeta = metav1.TypeMeta{APIVersion: metav1.SchemeGroupVersion.String(), Kind: "DeleteOptions"}
	var out runtime.Object
	if collection {
		out, err = s.b.DeleteCollection(r.req.Context(), r.gvr, r.ns, opts, listOpts)
	} else {
		out, err = s.b.Delete(r.req.Context(), r.gvr, r.ns, r.name, opts)
	}
	if err != nil {
		s.writeError(w, r.out, err)
		return
	}
	code := http.StatusOK
	if out == nil {
		out = &metav1.Status{
			Status:  metav1.StatusSuccess,
			Code:    http.StatusOK,
			Details: &metav1.StatusDetails{Name: r.name, Group: r.res.Group, Kind: r.res.Name},
		}
	} else if !collection && opts.OrphanDependents != nil && !*opts.OrphanDependents { //nolint:staticcheck // the apiserver still honours it
		// The apiserver answers 202 when an object asked to be deleted
		// with its dependents is still there.
		if m, ok := out.(interface{ GetDeletionTimestamp() *metav1.Time }); ok && m.GetDeletionTimestamp() != nil {
			code = http.StatusAccepted
		}
	}
	s.answer(w, r, code, out, nil)
}

// decodeDeleteOptions decodes a DELETE request's body: JSON, YAML or
// protobuf DeleteOptions of any group version.
func (s *server) decodeDeleteOptions(req *http.Request, body []byte, opts *metav1.DeleteOptions) error {
	info, err := negotiation.NegotiateInputSerializer(req, false, s.codecs)
	if err != nil {
		return err
	}
	if info.MediaType == runtime.ContentTypeProtobuf {
		var u runtime.Unknown
		if len(body) < 4 || !bytes.Equal(body[:4], []byte{0x6b, 0x38, 0x73, 0x00}) {
			return apierrors.NewBadRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
		}
		if err := u.Unmarshal(body[4:]); err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
		if u.Kind != "" && u.Kind != "DeleteOptions" {
			return apierrors.NewBadRequest("decoded object cannot be converted to DeleteOptions")
		}
		if err := opts.Unmarshal(u.Raw); err != nil {
			return apierrors.NewBadRequest(err.Error())
		}
		return nil
	}
	m, err := decodeMap(info, body)
	if err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	if k, _ := m["kind"].(string); k != "" && k != "DeleteOptions" {
		return apierrors.NewBadRequest("decoded object cannot be converted to DeleteOptions")
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, opts); err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	return nil
}

// readBody reads a request body up to the apiserver's limit.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, maxBodyBytes+1))
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if len(data) > maxBodyBytes {
		return nil, apierrors.NewRequestEntityTooLargeError(fmt.Sprintf("limit is %d", maxBodyBytes))
	}
	return data, nil
}

// checkName refuses an update whose object names another object than the
// URL, as the apiserver's update handler does.
func checkName(obj runtime.Object, name, ns string) error {
	m, ok := obj.(interface {
		GetName() string
		GetNamespace() string
	})
	if !ok {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s based on URL) was undeterminable: %T has no metadata", name, obj))
	}
	if m.GetName() != name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.GetName(), name))
	}
	if ns != "" && m.GetNamespace() != "" && m.GetNamespace() != ns {
		return apierrors.NewBadRequest(fmt.Sprintf("the namespace of the object (%s) does not match the namespace on the request (%s)", m.GetNamespace(), ns))
	}
	return nil
}

// managerOrUserAgent is the field manager of a write that names none:
// the user agent's product (what precedes its first "/"), printable
// characters only, cut to the longest manager allowed.
func managerOrUserAgent(manager, userAgent string) string {
	if manager != "" {
		return manager
	}
	product, _, _ := strings.Cut(userAgent, "/")
	var b strings.Builder
	for _, c := range product {
		if !unicode.IsPrint(c) {
			continue
		}
		if b.Len()+utf8.RuneLen(c) > validation.FieldManagerMaxLength {
			break
		}
		b.WriteRune(c)
	}
	return b.String()
}

// singleWatchSelector narrows a watch of one named object to it.
func singleWatchSelector(opts *metav1.ListOptions, name string) error {
	if opts.FieldSelector == "" {
		opts.FieldSelector = fields.OneTermEqualSelector("metadata.name", name).String()
		return nil
	}
	sel, err := fields.ParseSelector(opts.FieldSelector)
	if err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	if v, ok := sel.RequiresExactMatch("metadata.name"); !ok || v != name {
		return apierrors.NewBadRequest("fieldSelector metadata.name doesn't match requested name")
	}
	return nil
}

// statusOf turns an error into the Status the apiserver writes for it.
func statusOf(err error) metav1.Status {
	var st apierrors.APIStatus
	var status metav1.Status
	if errors.As(err, &st) {
		status = st.Status()
	} else {
		status = apierrors.NewInternalError(err).ErrStatus
	}
	if status.Code == 0 {
		status.Code = http.StatusInternalServerError
		if status.Status == metav1.StatusSuccess {
			status.Code = http.StatusOK
		}
	}
	status.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
	return status
}
