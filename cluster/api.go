package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/apiserver"
)

// API is the cluster's apiserver as clients reach it: every request goes
// through the apiserver's rules for its resource (the registry's
// strategies, validation, optimistic concurrency, subresources, patches,
// server-side apply, finalizers; docs/rules/apiserver.md) and the
// cluster's admission (rule 12), and every write wakes the controllers.
// Requests are recorded (Requests) and may fail by injected faults
// (InjectFault). It is what the client-go and controller-runtime
// adapters of the clients module serve.
//
// A request made outside the cluster's loop (by a test) runs the
// controllers to a fixed point before it returns, as every verb of the
// cluster does; one made by a registered controller's reconcile (its
// context says so: ControllerOf) returns at once and the loop goes on.
// Like the Cluster, an API is not safe for concurrent use.
type API struct{ c *Cluster }

// API returns the cluster's apiserver as clients reach it.
func (c *Cluster) API() *API { return &API{c} }

// Resources lists the served resources in discovery order, custom
// resources included.
func (a *API) Resources() []apiserver.Resource { return a.c.srv.Resources() }

// Scheme is the scheme of the Go types the API answers with.
func (a *API) Scheme() *runtime.Scheme { return a.c.srv.Scheme() }

// RESTMapper maps kinds to the served resources, custom resources
// included.
func (a *API) RESTMapper() meta.RESTMapper { return a.c.srv.RESTMapper() }

// Get reads one object (or its status or scale subresource).
func (a *API) Get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.GetOptions, subresource string) (runtime.Object, error) {
	c := a.c
	rec := c.begin(ctx, "get", gvr, ns, name, subresource)
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	if rev, stale := c.readRevision(rec.ctl); stale && subresource == "" {
		out, err := c.srv.GetAt(gvr, ns, name, rev)
		if !staleFallback(err) {
			return out, c.end(rec, err)
		}
	}
	out, err := c.srv.Get(gvr, ns, name, subresources(subresource)...)
	return out, c.end(rec, err)
}

// List reads the objects of a resource in a namespace ("" for all).
func (a *API) List(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (runtime.Object, error) {
	c := a.c
	rec := c.begin(ctx, "list", gvr, ns, "", "")
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	if rev, stale := c.readRevision(rec.ctl); stale && opts.ResourceVersionMatch == "" {
		at := opts
		at.ResourceVersion = fmt.Sprint(rev)
		at.ResourceVersionMatch = metav1.ResourceVersionMatchExact
		out, err := c.srv.List(gvr, ns, at)
		if !staleFallback(err) {
			return out, c.end(rec, err)
		}
	}
	out, err := c.srv.List(gvr, ns, opts)
	return out, c.end(rec, err)
}

// Watch starts a watch (apiserver.Server.Watch): the caller pulls its
// events and stops it.
func (a *API) Watch(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (*apiserver.Watch, error) {
	c := a.c
	rec := c.begin(ctx, "watch", gvr, ns, "", "")
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	w, err := c.srv.Watch(gvr, ns, opts)
	return w, c.end(rec, err)
}

// Create creates an object, or with subresource "eviction" of a pod
// evicts it (Evict). Other subresources are not created through the API
// (a NotFound, as for a subresource the server does not serve).
func (a *API) Create(ctx context.Context, gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.CreateOptions, subresource string) (runtime.Object, error) {
	c := a.c
	name := ""
	if o, ok := obj.(metav1.Object); ok {
		name = o.GetName()
	}
	rec := c.begin(ctx, "create", gvr, ns, name, subresource)
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	if subresource == "eviction" && gvr.Group == "" && gvr.Resource == "pods" {
		// The eviction subresource (Evict): answers Success.
		if err := c.Evict(ns, name); err != nil {
			return nil, c.end(rec, err)
		}
		return &metav1.Status{Status: metav1.StatusSuccess, Code: 201}, c.end(rec, nil)
	}
	if subresource != "" {
		return nil, c.end(rec, apierrors.NewNotFound(gvr.GroupResource(), name))
	}
	out, err := c.srv.Create(gvr, ns, obj, opts)
	return out, c.end(rec, err)
}

// Update replaces an object (or its status or scale subresource).
func (a *API) Update(ctx context.Context, gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.UpdateOptions, subresource string) (runtime.Object, error) {
	c := a.c
	name := ""
	if o, ok := obj.(metav1.Object); ok {
		name = o.GetName()
	}
	rec := c.begin(ctx, "update", gvr, ns, name, subresource)
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	out, err := c.srv.Update(gvr, ns, obj, opts, subresources(subresource)...)
	return out, c.end(rec, err)
}

// Patch patches an object (or its status or scale subresource) with a
// JSON, JSON merge, strategic merge or server-side apply patch.
func (a *API) Patch(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresource string) (runtime.Object, error) {
	c := a.c
	rec := c.begin(ctx, "patch", gvr, ns, name, subresource)
	if pt == types.ApplyPatchType || pt == types.ApplyCBORPatchType {
		rec.Verb = "apply"
	}
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	out, err := c.srv.Patch(gvr, ns, name, pt, data, opts, subresources(subresource)...)
	return out, c.end(rec, err)
}

// Delete deletes an object as the apiserver does: graceful deletion,
// finalizers, propagation policy, preconditions.
func (a *API) Delete(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.DeleteOptions) (runtime.Object, error) {
	c := a.c
	rec := c.begin(ctx, "delete", gvr, ns, name, "")
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	out, err := c.srv.Delete(gvr, ns, name, opts)
	return out, c.end(rec, err)
}

// DeleteCollection deletes every object of a resource in a namespace
// that the list options select, each as Delete does, and answers the
// list of what it deleted or marked for deletion.
func (a *API) DeleteCollection(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.DeleteOptions, listOpts metav1.ListOptions) (runtime.Object, error) {
	c := a.c
	rec := c.begin(ctx, "deletecollection", gvr, ns, "", "")
	if err := c.fault(rec); err != nil {
		return nil, c.end(rec, err)
	}
	list, err := c.srv.List(gvr, ns, listOpts)
	if err != nil {
		return nil, c.end(rec, err)
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, c.end(rec, apierrors.NewInternalError(err))
	}
	var done []runtime.Object
	for _, it := range items {
		o := it.(metav1.Object)
		out, err := c.srv.Delete(gvr, o.GetNamespace(), o.GetName(), opts)
		if apierrors.IsNotFound(err) {
			continue // gone meanwhile (a dependent collected with its owner)
		}
		if err != nil {
			return nil, c.end(rec, err)
		}
		if _, ok := out.(*metav1.Status); !ok {
			done = append(done, out)
		} else {
			done = append(done, it)
		}
	}
	if err := meta.SetList(list, done); err != nil {
		return nil, c.end(rec, apierrors.NewInternalError(err))
	}
	return list, c.end(rec, nil)
}

func subresources(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// ---- requests ---------------------------------------------------------------

// Request is one request made through the cluster's API, as the cluster
// records it: when, by which registered controller ("" for one made
// outside the loop), what, and how it ended.
type Request struct {
	At time.Time
	// Controller is the registered controller whose reconcile made the
	// request; "" for a request made outside the loop.
	Controller string
	// Verb is get, list, watch, create, update, patch, apply (a
	// server-side apply patch), delete or deletecollection.
	Verb string
	// Resource is the resource as error texts name it ("deployments.apps");
	// Subresource is "", "status" or "scale".
	Resource, Subresource string
	Namespace, Name       string
	// Code is the HTTP status of the answer: 200 (201 for a create) or
	// the StatusError's code.
	Code int32
	// Error is the error's text; Injected says an injected fault gave it.
	Error    string
	Injected bool

	ctl *userController
}

// String is the request as one line of a transcript:
// "+1m30s webapp update deployments.apps default/web 409 (injected)".
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(r.At.Format(time.RFC3339))
	who := r.Controller
	if who == "" {
		who = "-"
	}
	target := r.Name
	if r.Namespace != "" {
		target = r.Namespace + "/" + r.Name
	}
	if r.Name == "" {
		target = r.Namespace
	}
	res := r.Resource
	if r.Subresource != "" {
		res += "/" + r.Subresource
	}
	fmt.Fprintf(&b, " %s %s %s %s %d", who, r.Verb, res, target, r.Code)
	if r.Error != "" {
		fmt.Fprintf(&b, " %q", r.Error)
	}
	if r.Injected {
		b.WriteString(" (injected)")
	}
	return b.String()
}

// Requests returns the requests made through the API so far, in order.
func (c *Cluster) Requests() []Request { return slices.Clone(c.requests) }

type controllerKey struct{}

// ControllerOf names the registered controller whose reconcile the
// context belongs to.
func ControllerOf(ctx context.Context) (string, bool) {
	if ctx == nil {
		return "", false
	}
	u, ok := ctx.Value(controllerKey{}).(*userController)
	if !ok {
		return "", false
	}
	return u.spec.Name, true
}

func (c *Cluster) begin(ctx context.Context, verb string, gvr schema.GroupVersionResource, ns, name, sub string) *Request {
	var u *userController
	if ctx != nil {
		u, _ = ctx.Value(controllerKey{}).(*userController)
		if u != nil && u.cluster != c {
			u = nil
		}
	}
	r := &Request{At: c.now, Verb: verb, Resource: gvr.GroupResource().String(), Subresource: sub, Namespace: ns, Name: name, ctl: u}
	if u != nil {
		r.Controller = u.spec.Name
	}
	return r
}

// end records the request with its outcome and, for a write made outside
// the loop, runs the controllers to a fixed point.
func (c *Cluster) end(r *Request, err error) error {
	switch {
	case err == nil && r.Verb == "create":
		r.Code = 201
	case err == nil:
		r.Code = 200
	default:
		r.Code = 500
		var se apierrors.APIStatus
		if errors.As(err, &se) {
			r.Code = se.Status().Code
		}
		r.Error = err.Error()
	}
	rec := *r
	rec.ctl = nil
	c.requests = append(c.requests, rec)
	if err == nil && rec.Controller != "" && !slices.Contains([]string{"get", "list", "watch"}, rec.Verb) {
		c.lastControllerWrite = len(c.requests) - 1
	}
	if err == nil && !r.Injected {
		c.writeAdmittedQuotas()
		switch r.Verb {
		case "get", "list", "watch":
		default:
			if r.ctl == nil && !c.inLoop() {
				if serr := c.step(); serr != nil && c.deferred == nil {
					// The write happened: the client gets its answer, and
					// the next run of the clock the error.
					c.deferred = serr
				}
			}
		}
	}
	c.admittedQuotas = nil
	return err
}

// inLoop reports whether the cluster is inside a step: running its
// controllers, a user's scheduled action, or a reconcile.
func (c *Cluster) inLoop() bool { return c.stepping || c.inAction }

// takeDeferred returns, once, an error a step after an API request met.
func (c *Cluster) takeDeferred() error {
	err := c.deferred
	c.deferred = nil
	return err
}

// ---- admission --------------------------------------------------------------

// admitRequest is the cluster's admission chain for writes through the
// registry (rule 12): DefaultTolerationSeconds on a new pod, ResourceQuota
// on a new pod, and for a Service the defaults, validation and ClusterIP
// allocation of its REST storage.
func (c *Cluster) admitRequest(a apiserver.Attributes) error {
	switch {
	case a.Resource.Group == "" && a.Resource.Name == "pods" && a.Subresource == "" && a.Operation == "CREATE":
		p := a.Object.(*corev1.Pod)
		addDefaultTolerations(p)
		quotas, err := c.admitQuota(p)
		if err != nil {
			return err
		}
		if !a.DryRun {
			c.admittedQuotas = quotas
		}
	case a.Resource.Group == "" && a.Resource.Name == "services" && a.Subresource == "":
		svc := a.Object.(*corev1.Service)
		if old, ok := a.Old.(*corev1.Service); ok && svc.Spec.ClusterIP == "" {
			// The Service storage keeps allocated values an update leaves
			// out (patchAllocatedValues).
			svc.Spec.ClusterIP, svc.Spec.ClusterIPs = old.Spec.ClusterIP, old.Spec.ClusterIPs
		}
		d := defaultService(svc)
		if errs := validateService(d); len(errs) > 0 {
			return apierrors.NewInvalid(schema.GroupKind{Kind: KindService}, d.Name, errs)
		}
		if a.Operation == "CREATE" && !a.DryRun {
			c.allocateClusterIP(d)
		}
		*svc = *d
	}
	return nil
}

// writeAdmittedQuotas stores the usage a pod create's quota admission
// charged, after the pod (MODEL: upstream writes the quota first).
func (c *Cluster) writeAdmittedQuotas() {
	for _, q := range c.admittedQuotas {
		old := c.st.get(KindResourceQuota, keyOf(q))
		if old == nil {
			continue
		}
		q.ResourceVersion = old.GetResourceVersion()
		c.st.put(KindResourceQuota, q)
		c.notify(KindResourceQuota, "MODIFIED", old, q)
	}
	c.admittedQuotas = nil
}
