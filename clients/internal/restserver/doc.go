// Package restserver serves the Kubernetes REST API over HTTP from an
// in-process apiserver (a Backend), so that unmodified Kubernetes clients —
// client-go's typed clientset, its dynamic client, discovery and informers,
// and controller-runtime's client with its discovery-based RESTMapper — run
// against kubesem's apiserver semantics without a network.
//
// # Why an HTTP layer
//
// Fake clients (client-go's fake clientset, controller-runtime's fake
// client) re-implement the apiserver's semantics on the client side and
// skip the client's own code paths. Serving real HTTP instead lets every
// client-side code path run as it does against a real cluster: request
// encoding (JSON and protobuf), content negotiation, the decoding of Status
// bodies back into *errors.StatusError values, apply configurations and
// server-side apply, watch framing and the informers' list-and-watch
// (including the watch-list protocol), discovery and the RESTMappers built
// from it. The apiserver semantics stay in one place, the Backend.
//
// # Design
//
// Handler is an http.Handler that does what the apiserver's request
// handlers do around storage: it parses the request path into a group,
// version, namespace, resource, name and subresource; negotiates the
// response media type from the Accept header (JSON, YAML, and protobuf for
// built-in kinds); decodes query parameters with the meta/v1 parameter codec
// and bodies with the scheme's serializers (unstructured for kinds the scheme
// lacks); calls the Backend; and writes its answer, or its error as a Status
// with the error's code. Watches stream metav1.WatchEvent frames. Discovery
// (/api, /apis, /apis/{group}[/{version}], /version) is computed from
// Backend.Resources on every request.
//
// Transport is an http.RoundTripper over the same handler that serves each
// request in the calling goroutine, with the request's context passed to the
// Backend, so that a client call returns only once the Backend has answered.
// Only a watch's event stream runs in its own goroutine, feeding the response
// body through a pipe. Config wraps Transport in a rest.Config.
package restserver
