package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesem/kubesem/apiserver"
)

// Controller is a user's controller, run by the cluster beside the
// built-in ones (rule 13): what it watches, how a change becomes
// requests, and the reconcile that handles one request. The clients
// module builds it from a controller-runtime Reconciler and its
// builder's For, Owns and Watches; a test can build it directly.
type Controller struct {
	// Name names the controller in requests, errors and events; unique
	// in the cluster.
	Name string
	// Watches are what the controller's informers watch.
	Watches []Watch
	// Reconcile handles one request. Its context says which controller
	// it belongs to (ControllerOf): requests made through API with it
	// are the controller's (faults, stale reads, the request log).
	Reconcile func(ctx context.Context, req types.NamespacedName) (Result, error)
	// Terminal reports an error that must not be retried
	// (controller-runtime's reconcile.TerminalError); nil means none is.
	Terminal func(error) bool
	// RateLimiter spaces the retries of a failing request; nil means
	// DefaultRateLimiter().
	RateLimiter RateLimiter
	// StaleReads makes the controller's reads (Get and List through API
	// with its context) lag the store by that many writes, as an
	// informer cache does; its watch events are delivered as its cache
	// catches up. The cache catches up whenever the cluster is otherwise
	// idle at an instant. Zero reads the store itself.
	StaleReads int
	// OnRestart is called when RestartController drops the controller's
	// in-memory state: a builder recreates its reconciler there.
	OnRestart func()
}

// Watch is one watched resource and its event handler.
type Watch struct {
	// Resource names the resource as ResourceFor takes it
	// ("deployments.apps", "webapps.example.com", "v1beta1.webapps.example.com").
	Resource string
	// Handle turns a change into requests on the queue; nil enqueues the
	// changed object's own namespace and name (controller-runtime's
	// EnqueueRequestForObject).
	Handle func(ev WatchEvent, q Queue)
}

// WatchEvent is one change a controller's informer delivers.
type WatchEvent struct {
	// Type is watch.Added (also for every object listed when the
	// controller starts or restarts), watch.Modified or watch.Deleted.
	Type watch.EventType
	// Object is the object after the change (for Deleted, its last
	// state), as a client reading the watched resource gets it; Old is
	// the object before a Modified change.
	Object, Old runtime.Object
}

// Queue is a controller's workqueue as its event handlers see it.
type Queue interface {
	// Add enqueues a request; one already waiting is not added twice.
	Add(req types.NamespacedName)
	// AddAfter enqueues a request after d of virtual time.
	AddAfter(req types.NamespacedName, d time.Duration)
	// AddRateLimited enqueues a request after its rate limiter's delay.
	AddRateLimited(req types.NamespacedName)
}

// Result is what a reconcile asks of its queue, as controller-runtime's
// reconcile.Result: RequeueAfter > 0 looks again after that much virtual
// time (forgetting the failures), Requeue looks again after the rate
// limiter's delay.
type Result struct {
	Requeue      bool
	RequeueAfter time.Duration
}

// RateLimiter decides how long a request waits before it is retried, on
// the virtual clock.
type RateLimiter interface {
	// When is the delay before the next retry of req at now; each call
	// counts one more failure.
	When(req types.NamespacedName, now time.Time) time.Duration
	// Forget resets req's failures.
	Forget(req types.NamespacedName)
}

// DefaultRateLimiter is controller-runtime's default (client-go's
// DefaultTypedControllerRateLimiter) on the virtual clock: the larger of
// a per-request exponential back-off, 5 ms doubling up to 1000 s, and an
// overall token bucket of 10 per second with a burst of 100.
func DefaultRateLimiter() RateLimiter {
	return &defaultRateLimiter{failures: map[types.NamespacedName]int{}, tokens: 100}
}

type defaultRateLimiter struct {
	failures map[types.NamespacedName]int
	tokens   float64
	last     time.Time
}

const (
	rateBase  = 5 * time.Millisecond
	rateMax   = 1000 * time.Second
	rateQPS   = 10.0
	rateBurst = 100.0
)

func (r *defaultRateLimiter) When(req types.NamespacedName, now time.Time) time.Duration {
	n := r.failures[req]
	r.failures[req] = n + 1
	exp := rateMax
	if b := float64(rateBase) * math.Pow(2, float64(n)); b < float64(rateMax) {
		exp = time.Duration(b)
	}
	// The bucket: tokens refill at rateQPS up to rateBurst; a retry takes
	// one, waiting for it when none is left (x/time/rate's reservation).
	if !r.last.IsZero() && now.After(r.last) {
		r.tokens = math.Min(rateBurst, r.tokens+now.Sub(r.last).Seconds()*rateQPS)
	}
	if r.last.IsZero() || now.After(r.last) {
		r.last = now
	}
	r.tokens--
	var wait time.Duration
	if r.tokens < 0 {
		wait = time.Duration(-r.tokens / rateQPS * float64(time.Second))
	}
	return max(exp, wait)
}

func (r *defaultRateLimiter) Forget(req types.NamespacedName) { delete(r.failures, req) }

// ReconcileError is a reconcile that returned an error or panicked.
type ReconcileError struct {
	At         time.Time
	Controller string
	Request    types.NamespacedName
	Err        error
	// Terminal says the error was not retried; Panic that the reconcile
	// panicked (Err is controller-runtime's "panic: … [recovered]") and
	// Stack is where.
	Terminal, Panic bool
	Stack           string
}

func (e ReconcileError) Error() string {
	return fmt.Sprintf("controller %q reconciling %s: %v", e.Controller, e.Request, e.Err)
}

// ReconcileErrors returns the errors users' controllers' reconciles
// returned so far, panics included, in order.
func (c *Cluster) ReconcileErrors() []ReconcileError { return slices.Clone(c.reconcileErrors) }

// userController is a registered Controller with its queue and cache.
type userController struct {
	cluster *Cluster
	spec    Controller
	watches []resolvedWatch
	rl      RateLimiter
	ctx     context.Context
	// ready is the queue in order; queued marks what it holds; waiting
	// is the earliest pending delayed add per request.
	ready   []types.NamespacedName
	queued  map[types.NamespacedName]bool
	waiting map[types.NamespacedName]time.Time
	// failing counts consecutive failures per request (for Settle's
	// error); lastErr is the last error of each.
	failing map[types.NamespacedName]int
	lastErr map[types.NamespacedName]error
	// pending are the committed changes not yet delivered; cacheRV is
	// the revision the controller's cache has reached.
	pending []apiserver.Change
	cacheRV uint64
	// epoch counts restarts: timers of an earlier life are ignored.
	epoch int
	// reconciles counts reconciles; last is the last request reconciled,
	// lastAt when and lastRuns how often in a row at that instant (for
	// the loop's limit message).
	reconciles int
	last       types.NamespacedName
	lastAt     time.Time
	lastRuns   int
}

type resolvedWatch struct {
	gvr     schema.GroupVersionResource
	storage schema.GroupResource
	handle  func(WatchEvent, Queue)
}

// AddController registers a user's controller (rule 13). Its informers
// list what it watches at once (an Added event for every object), and
// the cluster runs it to a fixed point with the built-in controllers
// before AddController returns. A watch of a resource the cluster does
// not serve, a missing name or reconcile, or a name taken is an error.
func (c *Cluster) AddController(ctl Controller) error {
	if ctl.Name == "" {
		return errors.New("cluster: a controller needs a name")
	}
	if ctl.Reconcile == nil {
		return fmt.Errorf("cluster: controller %q has no reconcile", ctl.Name)
	}
	if len(ctl.Watches) == 0 {
		return fmt.Errorf("cluster: controller %q watches nothing", ctl.Name)
	}
	for _, u := range c.userCtls {
		if u.spec.Name == ctl.Name {
			return fmt.Errorf("cluster: a controller named %q is registered already", ctl.Name)
		}
	}
	u := &userController{cluster: c, spec: ctl}
	for _, w := range ctl.Watches {
		r, err := c.srv.ResourceFor(w.Resource)
		if err != nil {
			return fmt.Errorf("cluster: controller %q watches %q: %w", ctl.Name, w.Resource, err)
		}
		st, err := c.srv.Storage(r.GroupVersionResource())
		if err != nil {
			return fmt.Errorf("cluster: controller %q watches %q: %w", ctl.Name, w.Resource, err)
		}
		u.watches = append(u.watches, resolvedWatch{gvr: r.GroupVersionResource(), storage: st.Resource().GroupResource(), handle: w.Handle})
	}
	u.ctx = context.WithValue(context.Background(), controllerKey{}, u)
	u.start()
	c.userCtls = append(c.userCtls, u)
	if c.inLoop() {
		return nil
	}
	return c.step()
}

// RestartController restarts a registered controller as a crashed
// operator pod restarts: its queue, rate limiter and cache are dropped,
// OnRestart rebuilds its in-memory state, and its informers list
// everything again.
func (c *Cluster) RestartController(name string) error {
	for _, u := range c.userCtls {
		if u.spec.Name == name {
			if u.spec.OnRestart != nil {
				u.spec.OnRestart()
			}
			u.start()
			if c.inLoop() {
				return nil
			}
			return c.step()
		}
	}
	return fmt.Errorf("cluster: no controller named %q", name)
}

// start (re)starts the controller: an empty queue and the initial list.
func (u *userController) start() {
	c := u.cluster
	u.epoch++
	u.ready, u.queued, u.waiting = nil, map[types.NamespacedName]bool{}, map[types.NamespacedName]time.Time{}
	u.failing, u.lastErr = map[types.NamespacedName]int{}, map[types.NamespacedName]error{}
	u.rl = u.spec.RateLimiter
	if u.rl == nil {
		u.rl = DefaultRateLimiter()
	}
	u.pending = nil
	u.cacheRV = c.srv.ResourceVersion()
	for _, w := range u.watches {
		st, err := c.srv.Storage(w.gvr)
		if err != nil {
			continue
		}
		for _, o := range st.List("") {
			u.deliver(w, WatchEvent{Type: watch.Added}, o, nil)
		}
	}
}

// observed queues a committed change for the controllers watching it.
func (c *Cluster) observedByControllers(ch apiserver.Change) {
	for _, u := range c.userCtls {
		for _, w := range u.watches {
			if w.storage == ch.Resource {
				u.pending = append(u.pending, ch)
				break
			}
		}
	}
}

// catchUp delivers the changes the controller's cache has reached: all
// of them when flush is set or reads are not stale, else those at least
// StaleReads writes old.
func (u *userController) catchUp(flush bool) {
	rv := u.cluster.srv.ResourceVersion()
	target := rv
	if n := uint64(u.spec.StaleReads); !flush && n > 0 {
		target = 0
		if rv > n {
			target = rv - n
		}
	}
	if target > u.cacheRV {
		u.cacheRV = target
	}
	i := 0
	for ; i < len(u.pending) && u.pending[i].ResourceVersion <= u.cacheRV; i++ {
		ch := u.pending[i]
		for _, w := range u.watches {
			if w.storage == ch.Resource {
				u.deliver(w, WatchEvent{Type: ch.Type}, ch.Object, ch.Old)
			}
		}
	}
	u.pending = slices.Delete(u.pending, 0, i)
}

// deliver hands one change to a watch's handler.
func (u *userController) deliver(w resolvedWatch, ev WatchEvent, obj, old apiserver.Object) {
	c := u.cluster
	o, err := c.srv.Present(w.gvr, obj)
	if err != nil {
		return // the version is no longer served
	}
	ev.Object = o
	if old != nil {
		if ev.Old, err = c.srv.Present(w.gvr, old); err != nil {
			return
		}
	}
	if w.handle == nil {
		u.Add(types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()})
		return
	}
	w.handle(ev, u)
}

// Add is Queue.Add.
func (u *userController) Add(req types.NamespacedName) {
	if u.queued[req] {
		return
	}
	u.queued[req] = true
	u.ready = append(u.ready, req)
}

// AddAfter is Queue.AddAfter: retries (foreground for Settle) and
// requeues (background) keep only the earliest pending time per request.
func (u *userController) AddAfter(req types.NamespacedName, d time.Duration) {
	u.addAfter(req, d, true)
}

func (u *userController) addAfter(req types.NamespacedName, d time.Duration, background bool) {
	if d <= 0 {
		u.Add(req)
		return
	}
	c := u.cluster
	t := c.now.Add(d)
	if have, ok := u.waiting[req]; ok && !have.After(t) {
		return
	}
	u.waiting[req] = t
	epoch := u.epoch
	src := foreground
	if background {
		src = userTimer
	}
	c.at(t, src, func() {
		if u.epoch != epoch {
			return
		}
		if have, ok := u.waiting[req]; ok && have.Equal(t) {
			delete(u.waiting, req)
			u.Add(req)
		}
	})
}

// AddRateLimited is Queue.AddRateLimited.
func (u *userController) AddRateLimited(req types.NamespacedName) {
	u.addAfter(req, u.rl.When(req, u.cluster.now), false)
}

// runUserControllers is the users' controllers' share of a pass: deliver
// the changes their caches reached, then one reconcile per controller
// with a request ready; when none has one, caches catch up fully. It
// reports whether it did anything.
func (c *Cluster) runUserControllers() bool {
	if len(c.userCtls) == 0 {
		return false
	}
	for _, u := range c.userCtls {
		u.catchUp(false)
	}
	work := false
	for _, u := range c.userCtls {
		if len(u.ready) == 0 {
			continue
		}
		req := u.ready[0]
		u.ready = u.ready[1:]
		delete(u.queued, req)
		c.reconcileOne(u, req)
		work = true
	}
	if work {
		return true
	}
	for _, u := range c.userCtls {
		if len(u.pending) > 0 {
			u.catchUp(true)
			work = work || len(u.ready) > 0
		}
	}
	return work
}

// reconcileOne runs one reconcile and handles its result as
// controller-runtime's reconcileHandler does.
func (c *Cluster) reconcileOne(u *userController, req types.NamespacedName) {
	u.reconciles++
	if u.last == req && u.lastAt.Equal(c.now) {
		u.lastRuns++
	} else {
		u.last, u.lastAt, u.lastRuns = req, c.now, 1
	}
	res, err, stack := callReconcile(u.ctx, u.spec.Reconcile, req)
	switch {
	case err != nil:
		terminal := u.spec.Terminal != nil && u.spec.Terminal(err)
		c.reconcileErrors = append(c.reconcileErrors, ReconcileError{At: c.now, Controller: u.spec.Name, Request: req,
			Err: err, Terminal: terminal, Panic: stack != "", Stack: stack})
		u.lastErr[req] = err
		if !terminal {
			u.failing[req]++
			u.AddRateLimited(req)
		}
	case res.RequeueAfter > 0:
		u.clearFailure(req)
		u.rl.Forget(req)
		u.addAfter(req, res.RequeueAfter, true)
	case res.Requeue:
		u.clearFailure(req)
		u.AddRateLimited(req)
	default:
		u.clearFailure(req)
		u.rl.Forget(req)
	}
}

func (u *userController) clearFailure(req types.NamespacedName) {
	delete(u.failing, req)
	delete(u.lastErr, req)
}

// callReconcile calls a reconcile, turning a panic into
// controller-runtime's error for it.
func callReconcile(ctx context.Context, f func(context.Context, types.NamespacedName) (Result, error), req types.NamespacedName) (res Result, err error, stack string) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v [recovered]", r)
			stack = string(debug.Stack())
		}
	}()
	res, err = f(ctx, req)
	return res, err, ""
}

// readRevision is the revision a controller's reads are answered at:
// stale when its cache lags the store.
func (c *Cluster) readRevision(u *userController) (uint64, bool) {
	if u == nil || u.spec.StaleReads == 0 || u.cacheRV >= c.srv.ResourceVersion() {
		return 0, false
	}
	return u.cacheRV, true
}

// staleFallback reports whether a stale read must be answered from the
// store instead: the history no longer reaches the cache's revision.
func staleFallback(err error) bool { return apierrors.IsResourceExpired(err) || apierrors.IsGone(err) }

// userBusy describes the users' controllers' unfinished work, for the
// errors of Settle and of the loop's limit: the failing requests with
// their last errors, then the queued ones, then (with repeats, for the
// loop's limit) a request reconciled again and again at this instant.
func (c *Cluster) userBusy(repeats bool) []string {
	var out []string
	for _, u := range c.userCtls {
		var reqs []types.NamespacedName
		for r := range u.failing {
			reqs = append(reqs, r)
		}
		slices.SortFunc(reqs, func(a, b types.NamespacedName) int { return strings.Compare(a.String(), b.String()) })
		for _, r := range reqs {
			out = append(out, fmt.Sprintf("controller %q: %s failed %d times in a row (last error: %v)", u.spec.Name, r, u.failing[r], u.lastErr[r]))
		}
		for _, r := range u.ready {
			out = append(out, fmt.Sprintf("controller %q: %s", u.spec.Name, r))
		}
		if repeats && u.lastRuns > 1 && u.lastAt.Equal(c.now) && !u.queued[u.last] {
			out = append(out, fmt.Sprintf("controller %q: %s (reconciled %d times at this instant)", u.spec.Name, u.last, u.lastRuns))
		}
	}
	return out
}

// ReconcileEvery enqueues every object of a registered controller's
// first watch (its For resource) and runs the loop: one more reconcile
// of every key, for the check that a settled controller writes nothing
// more (eventually stable reconciliation).
func (c *Cluster) ReconcileEvery(name string) error {
	for _, u := range c.userCtls {
		if u.spec.Name != name {
			continue
		}
		st, err := c.srv.Storage(u.watches[0].gvr)
		if err != nil {
			return err
		}
		for _, o := range st.List("") {
			u.Add(types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()})
		}
		if c.inLoop() {
			return nil
		}
		return c.step()
	}
	return fmt.Errorf("cluster: no controller named %q", name)
}

// Controllers names the registered users' controllers, in order.
func (c *Cluster) Controllers() []string {
	out := make([]string, len(c.userCtls))
	for i, u := range c.userCtls {
		out[i] = u.spec.Name
	}
	return out
}

// SetStaleReads changes how many writes a registered controller's reads
// lag the store (Controller.StaleReads) from now on, and returns the
// previous lag. A negative lag is an error.
func (c *Cluster) SetStaleReads(name string, n int) (int, error) {
	if n < 0 {
		return 0, fmt.Errorf("cluster: a negative lag %d", n)
	}
	for _, u := range c.userCtls {
		if u.spec.Name == name {
			prev := u.spec.StaleReads
			u.spec.StaleReads = n
			return prev, nil
		}
	}
	return 0, fmt.Errorf("cluster: no controller named %q", name)
}
