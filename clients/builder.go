package clients

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-logr/logr"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/kubesem/kubesem/cluster"
)

// Builder registers a user's controller-runtime Reconciler in the
// cluster's loop, in the vocabulary of controller-runtime's builder:
//
//	err := clients.NewControllerManagedBy(env).
//		For(&webappv1.WebApp{}).
//		Owns(&appsv1.Deployment{}).
//		Owns(&corev1.Service{}).
//		Complete(&WebAppReconciler{Client: env.Client(), Scheme: env.Scheme()})
//
// For enqueues the object itself, Owns the controller owner of a changed
// object of that type (handler.EnqueueRequestForOwner with
// OnlyControllerOwner), Watches any controller-runtime event handler;
// predicates filter events as they do in controller-runtime. The events
// come from the cluster's store at the instant of each write; the
// reconciles run in the cluster's loop (cluster.Controller).
type Builder struct {
	env        *Env
	name       string
	forObj     client.Object
	watches    []builderWatch
	filters    []predicate.Predicate
	newRec     func() reconcile.Reconciler
	rl         cluster.RateLimiter
	stale      int
	logger     logr.Logger
	loggerSet  bool
	errs       []error
	forPredSet bool
}

type builderWatch struct {
	obj   client.Object
	h     handler.EventHandler
	preds []predicate.Predicate
	owns  bool
}

// NewControllerManagedBy starts a Builder for a controller run by the
// Env's cluster (controller-runtime's builder.ControllerManagedBy).
func NewControllerManagedBy(e *Env) *Builder { return &Builder{env: e} }

// For names the reconciled type: changes to its objects enqueue them.
func (b *Builder) For(obj client.Object, preds ...predicate.Predicate) *Builder {
	if b.forObj != nil {
		b.errs = append(b.errs, errors.New("For(...) should only be called once, could not assign multiple objects for reconciliation"))
		return b
	}
	b.forObj = obj
	b.watches = append(b.watches, builderWatch{obj: obj, h: &handler.EnqueueRequestForObject{}, preds: preds})
	return b
}

// Owns watches a type the reconciled objects own: a change enqueues the
// object's controller owner of the For type.
func (b *Builder) Owns(obj client.Object, preds ...predicate.Predicate) *Builder {
	b.watches = append(b.watches, builderWatch{obj: obj, preds: preds, owns: true})
	return b
}

// Watches watches a type with any controller-runtime event handler
// (handler.EnqueueRequestsFromMapFunc, EnqueueRequestForOwner, …).
func (b *Builder) Watches(obj client.Object, h handler.EventHandler, preds ...predicate.Predicate) *Builder {
	b.watches = append(b.watches, builderWatch{obj: obj, h: h, preds: preds})
	return b
}

// WithEventFilter adds a predicate every watch's events must pass.
func (b *Builder) WithEventFilter(p predicate.Predicate) *Builder {
	b.filters = append(b.filters, p)
	return b
}

// Named names the controller; by default it is the For type's kind in
// lower case, as controller-runtime names it.
func (b *Builder) Named(name string) *Builder {
	b.name = name
	return b
}

// WithRateLimiter replaces controller-runtime's default rate limiter
// (cluster.DefaultRateLimiter, on the virtual clock).
func (b *Builder) WithRateLimiter(rl cluster.RateLimiter) *Builder {
	b.rl = rl
	return b
}

// WithStaleReads makes the controller's reads lag the store by n writes,
// as an informer cache lags (cluster.Controller.StaleReads).
func (b *Builder) WithStaleReads(n int) *Builder {
	b.stale = n
	return b
}

// WithLogger gives the reconciles' contexts a logger
// (log.FromContext); by default they log nowhere.
func (b *Builder) WithLogger(l logr.Logger) *Builder {
	b.logger, b.loggerSet = l, true
	return b
}

// Complete registers the controller with reconciler r. A restart of the
// controller (cluster.RestartController) keeps r: use CompleteFunc to
// drop a reconciler's in-memory state on restarts.
func (b *Builder) Complete(r reconcile.Reconciler) error {
	if r == nil {
		return errors.New("must provide a non-nil Reconciler")
	}
	return b.CompleteFunc(func() reconcile.Reconciler { return r })
}

// CompleteKeyFunc registers a plain function as the reconcile, for
// client-go users: key is "namespace/name" ("name" for a cluster-scoped
// object), as cache.MetaNamespaceKeyFunc makes it.
func (b *Builder) CompleteKeyFunc(f func(ctx context.Context, key string) (reconcile.Result, error)) error {
	if f == nil {
		return errors.New("must provide a non-nil Reconciler")
	}
	return b.Complete(reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		key := req.Name
		if req.Namespace != "" {
			key = req.Namespace + "/" + req.Name
		}
		return f(ctx, key)
	}))
}

// CompleteFunc registers the controller with a reconciler newReconciler
// makes, again on every restart of the controller.
func (b *Builder) CompleteFunc(newReconciler func() reconcile.Reconciler) error {
	if len(b.errs) > 0 {
		return errors.Join(b.errs...)
	}
	if b.forObj == nil {
		return errors.New("must provide an object for reconciliation")
	}
	if newReconciler == nil {
		return errors.New("must provide a non-nil Reconciler")
	}
	// The registration reads the cluster (its REST mapper): hold it.
	return b.env.Do(func(*cluster.Cluster) error { return b.register(newReconciler) })
}

func (b *Builder) register(newReconciler func() reconcile.Reconciler) error {
	e := b.env
	forGVK, err := gvkFor(e.scheme, b.forObj)
	if err != nil {
		return err
	}
	name := b.name
	if name == "" {
		name = strings.ToLower(forGVK.Kind)
	}
	mapper := e.api.RESTMapper()
	ctl := cluster.Controller{Name: name, RateLimiter: b.rl, StaleReads: b.stale,
		Terminal: func(err error) bool { return errors.Is(err, reconcile.TerminalError(nil)) }}
	for _, w := range b.watches {
		gvk, err := gvkFor(e.scheme, w.obj)
		if err != nil {
			return err
		}
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("clients: controller %q watches %s: %w", name, gvk, err)
		}
		h := w.h
		if w.owns {
			h = handler.EnqueueRequestForOwner(e.scheme, mapper, b.forObj, handler.OnlyControllerOwner())
		}
		preds := append(append([]predicate.Predicate{}, b.filters...), w.preds...)
		ctl.Watches = append(ctl.Watches, cluster.Watch{
			Resource: resourceArg(m.Resource.Resource, m.Resource.Version, m.Resource.Group),
			Handle:   e.eventHandler(w.obj, h, preds),
		})
	}
	rec := newReconciler()
	logger := logr.Discard()
	if b.loggerSet {
		logger = b.logger
	}
	ctl.OnRestart = func() { rec = newReconciler() }
	ctl.Reconcile = func(ctx context.Context, req types.NamespacedName) (cluster.Result, error) {
		ctx = logf.IntoContext(ctx, logger.WithValues("controller", name, "namespace", req.Namespace, "name", req.Name))
		res, err := rec.Reconcile(ctx, reconcile.Request{NamespacedName: req})
		return cluster.Result{Requeue: res.Requeue, RequeueAfter: res.RequeueAfter}, err //nolint:staticcheck // Requeue is still honoured upstream
	}
	return e.Do(func(c *cluster.Cluster) error { return c.AddController(ctl) })
}

// resourceArg names a resource as cluster.ResourceFor takes it.
func resourceArg(resource, version, group string) string {
	return resource + "." + version + "." + group
}

// eventHandler adapts a controller-runtime handler and its predicates to
// the cluster's watch events.
func (e *Env) eventHandler(proto client.Object, h handler.EventHandler, preds []predicate.Predicate) func(cluster.WatchEvent, cluster.Queue) {
	return func(ev cluster.WatchEvent, q cluster.Queue) {
		obj, ok := e.typed(proto, ev.Object)
		if !ok {
			return
		}
		ctx := context.Background()
		wq := &queueAdapter{q: q}
		switch ev.Type {
		case watch.Added:
			ce := event.CreateEvent{Object: obj}
			for _, p := range preds {
				if !p.Create(ce) {
					return
				}
			}
			h.Create(ctx, ce, wq)
		case watch.Modified:
			old, ok := e.typed(proto, ev.Old)
			if !ok {
				return
			}
			ue := event.UpdateEvent{ObjectOld: old, ObjectNew: obj}
			for _, p := range preds {
				if !p.Update(ue) {
					return
				}
			}
			h.Update(ctx, ue, wq)
		case watch.Deleted:
			de := event.DeleteEvent{Object: obj}
			for _, p := range preds {
				if !p.Delete(de) {
					return
				}
			}
			h.Delete(ctx, de, wq)
		}
	}
}

// typed converts an object the cluster presents into the watched Go
// type (the cluster answers with the user's types already when its
// scheme has them; unstructured content is converted).
func (e *Env) typed(proto client.Object, o kruntime.Object) (client.Object, bool) {
	if o == nil {
		return nil, false
	}
	if reflect.TypeOf(o) == reflect.TypeOf(proto) {
		co, ok := o.(client.Object)
		return co, ok
	}
	out := proto.DeepCopyObject().(client.Object)
	if err := e.scheme.Convert(o, out, nil); err != nil {
		u, err2 := kruntime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err2 != nil || kruntime.DefaultUnstructuredConverter.FromUnstructured(u, out) != nil {
			return nil, false
		}
	}
	return out, true
}

// queueAdapter is the workqueue controller-runtime's handlers add to.
type queueAdapter struct{ q cluster.Queue }

var _ workqueue.TypedRateLimitingInterface[reconcile.Request] = (*queueAdapter)(nil)

func (a *queueAdapter) Add(r reconcile.Request) { a.q.Add(r.NamespacedName) }
func (a *queueAdapter) AddAfter(r reconcile.Request, d time.Duration) {
	a.q.AddAfter(r.NamespacedName, d)
}
func (a *queueAdapter) AddRateLimited(r reconcile.Request) { a.q.AddRateLimited(r.NamespacedName) }
func (a *queueAdapter) Forget(reconcile.Request)           {}
func (a *queueAdapter) NumRequeues(reconcile.Request) int  { return 0 }
func (a *queueAdapter) Len() int                           { return 0 }
func (a *queueAdapter) Get() (reconcile.Request, bool)     { return reconcile.Request{}, true }
func (a *queueAdapter) Done(reconcile.Request)             {}
func (a *queueAdapter) ShutDown()                          {}
func (a *queueAdapter) ShutDownWithDrain()                 {}
func (a *queueAdapter) ShuttingDown() bool                 { return false }

// gvkFor is the kind of a Go object by the scheme.
func gvkFor(s *kruntime.Scheme, obj kruntime.Object) (schema.GroupVersionKind, error) {
	gvks, _, err := s.ObjectKinds(obj)
	if err != nil {
		return schema.GroupVersionKind{}, fmt.Errorf("clients: %T is not in the Env's scheme: %w", obj, err)
	}
	return gvks[0], nil
}

func reflectNew(t reflect.Type) kruntime.Object {
	return reflect.New(t).Interface().(kruntime.Object)
}
