package clients

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/clients/internal/restserver"
	"github.com/kubesem/kubesem/cluster"
)

// Env is a kubesem cluster as client-go and controller-runtime reach a
// real one: a rest.Config whose transport serves the Kubernetes REST API
// in process over the cluster's API (every request through the
// apiserver's rules, the cluster's admission, its faults and its request
// log), the clients built on it, and users' controllers registered in
// the cluster's loop (NewControllerManagedBy).
//
// Env is safe for concurrent use: each request holds the cluster for its
// duration. A goroutine that drives the clock while others use clients
// must do it through Env (Settle, Advance, Do); a test that uses no
// goroutines of its own may call the Cluster directly. Only runs in which
// every controller is registered in the loop are deterministic.
type Env struct {
	c      *cluster.Cluster
	api    *cluster.API
	scheme *kruntime.Scheme
	lock   reentrantLock
	cfg    *rest.Config

	// changed is closed and replaced on every committed write, waking
	// the watches that stream to clients.
	sigMu   sync.Mutex
	changed chan struct{}
}

// Options configure an Env.
type Options struct {
	// Cluster configures the cluster the Env creates.
	Cluster cluster.Options
	// Scheme holds the Go types the user's clients decode into: the
	// built-in kinds (client-go's scheme) and the user's own custom
	// resource types. Nil means the built-in kinds only. The cluster
	// answers custom resources with these types.
	Scheme *kruntime.Scheme
	// CRDDirectoryPaths are directories (or files) of YAML manifests
	// created in the cluster before New returns — the
	// CustomResourceDefinitions kubebuilder writes to config/crd/bases,
	// as envtest takes them.
	CRDDirectoryPaths []string
}

// New creates a cluster (cluster.New with opts.Cluster) and the Env over
// it.
func New(opts Options) (*Env, error) {
	srvScheme := apiserver.NewScheme()
	if opts.Scheme != nil {
		// The apiserver's scheme holds every built-in kind; the user's
		// adds the Go types of their custom resources.
		for gvk, t := range opts.Scheme.AllKnownTypes() {
			if !srvScheme.Recognizes(gvk) {
				srvScheme.AddKnownTypeWithName(gvk, reflectNew(t))
			}
		}
	} else {
		opts.Scheme = srvScheme
	}
	copts := opts.Cluster
	copts.Scheme = srvScheme
	c, err := cluster.New(copts)
	if err != nil {
		return nil, err
	}
	e := &Env{c: c, api: c.API(), scheme: opts.Scheme, changed: make(chan struct{})}
	c.Watch(func(cluster.Change) { e.signal() })
	e.cfg = restserver.Config(backend{e})
	for _, p := range opts.CRDDirectoryPaths {
		if err := e.createManifests(p); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// createManifests creates the objects of every .yaml, .yml and .json
// file of a directory (or of one file), files in name order.
func (e *Env) createManifests(path string) error {
	files := []string{path}
	if fi, err := os.Stat(path); err != nil {
		return fmt.Errorf("clients: %w", err)
	} else if fi.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return fmt.Errorf("clients: %w", err)
		}
		files = files[:0]
		for _, en := range entries {
			switch filepath.Ext(en.Name()) {
			case ".yaml", ".yml", ".json":
				files = append(files, filepath.Join(path, en.Name()))
			}
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("clients: %w", err)
		}
		if _, err := e.c.CreateManifest(data, ""); err != nil {
			return fmt.Errorf("clients: %s: %w", f, err)
		}
	}
	return nil
}

// Clock is the cluster's virtual clock, for a reconciler that reads the
// time (a condition's lastTransitionTime): inject it where the operator
// uses clock.RealClock{} in a real cluster.
func (e *Env) Clock() clock.PassiveClock { return envClock{e} }

type envClock struct{ e *Env }

func (k envClock) Now() time.Time {
	k.e.lock.Lock()
	defer k.e.lock.Unlock()
	return k.e.c.Now()
}

func (k envClock) Since(t time.Time) time.Duration { return k.Now().Sub(t) }

// Cluster is the Env's cluster. Calling it while other goroutines use
// the Env's clients races with them: use Do.
func (e *Env) Cluster() *cluster.Cluster { return e.c }

// Scheme is the scheme the Env's clients decode into.
func (e *Env) Scheme() *kruntime.Scheme { return e.scheme }

// Config returns a rest.Config for any client-go or controller-runtime
// client, informer or Manager: its transport serves the Kubernetes REST
// API in process, in the calling goroutine.
func (e *Env) Config() *rest.Config { return rest.CopyConfig(e.cfg) }

// Clientset is client-go's typed clientset over the cluster.
func (e *Env) Clientset() kubernetes.Interface {
	return kubernetes.NewForConfigOrDie(e.Config())
}

// Dynamic is client-go's dynamic client over the cluster.
func (e *Env) Dynamic() dynamic.Interface {
	return dynamic.NewForConfigOrDie(e.Config())
}

// Client is controller-runtime's client (with watches) over the cluster,
// with the Env's scheme: a user's reconciler takes it as it takes a
// Manager's client.
func (e *Env) Client() client.WithWatch {
	c, err := client.NewWithWatch(e.Config(), client.Options{Scheme: e.scheme})
	if err != nil {
		panic(fmt.Sprintf("clients: controller-runtime rejected the Env's config: %v", err)) // the config is ours: a bug
	}
	return c
}

// Do runs fn with the cluster held: no request of another goroutine runs
// meanwhile.
func (e *Env) Do(fn func(c *cluster.Cluster) error) error {
	e.lock.Lock()
	defer e.lock.Unlock()
	return fn(e.c)
}

// Settle is Cluster.Settle with the cluster held.
func (e *Env) Settle(limit time.Duration) error {
	return e.Do(func(c *cluster.Cluster) error { return c.Settle(limit) })
}

// Advance is Cluster.Advance with the cluster held.
func (e *Env) Advance(d time.Duration) error {
	return e.Do(func(c *cluster.Cluster) error { return c.Advance(d) })
}

func (e *Env) signal() {
	e.sigMu.Lock()
	close(e.changed)
	e.changed = make(chan struct{})
	e.sigMu.Unlock()
}

func (e *Env) waitChange() <-chan struct{} {
	e.sigMu.Lock()
	defer e.sigMu.Unlock()
	return e.changed
}

// ---- the backend the REST layer serves ------------------------------------

// backend serves the REST layer from the cluster's API, holding the
// cluster for each request.
type backend struct{ e *Env }

func (b backend) Scheme() *kruntime.Scheme { return b.e.scheme }

func (b backend) Resources() []apiserver.Resource {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.Resources()
}

func (b backend) Get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.GetOptions, sub string) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.Get(ctx, gvr, ns, name, opts, sub)
}

func (b backend) List(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.List(ctx, gvr, ns, opts)
}

func (b backend) Create(ctx context.Context, gvr schema.GroupVersionResource, ns string, obj kruntime.Object, opts metav1.CreateOptions, sub string) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.Create(ctx, gvr, ns, obj, opts, sub)
}

func (b backend) Update(ctx context.Context, gvr schema.GroupVersionResource, ns string, obj kruntime.Object, opts metav1.UpdateOptions, sub string) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.Update(ctx, gvr, ns, obj, opts, sub)
}

func (b backend) Patch(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, sub string) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.Patch(ctx, gvr, ns, name, pt, data, opts, sub)
}

func (b backend) Delete(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.DeleteOptions) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.Delete(ctx, gvr, ns, name, opts)
}

func (b backend) DeleteCollection(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.DeleteOptions, listOpts metav1.ListOptions) (kruntime.Object, error) {
	b.e.lock.Lock()
	defer b.e.lock.Unlock()
	return b.e.api.DeleteCollection(ctx, gvr, ns, opts, listOpts)
}

// Watch streams the cluster's changes: a goroutine pulls the apiserver's
// watch, holding the cluster while it does, whenever a write happened.
func (b backend) Watch(ctx context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (watch.Interface, error) {
	e := b.e
	e.lock.Lock()
	w, err := e.api.Watch(ctx, gvr, ns, opts)
	e.lock.Unlock()
	if err != nil {
		return nil, err
	}
	sw := &streamWatch{result: make(chan watch.Event), stop: make(chan struct{})}
	go sw.run(e, w)
	return sw, nil
}

// streamWatch is a watch.Interface over an apiserver watch.
type streamWatch struct {
	result chan watch.Event
	stop   chan struct{}
	once   sync.Once
}

func (w *streamWatch) Stop()                          { w.once.Do(func() { close(w.stop) }) }
func (w *streamWatch) ResultChan() <-chan watch.Event { return w.result }

func (w *streamWatch) run(e *Env, aw *apiserver.Watch) {
	defer close(w.result)
	defer func() {
		e.lock.Lock()
		aw.Stop()
		e.lock.Unlock()
	}()
	for {
		wake := e.waitChange()
		e.lock.Lock()
		var evs []watch.Event
		for {
			ev, ok := aw.Next()
			if !ok {
				break
			}
			evs = append(evs, ev)
		}
		e.lock.Unlock()
		for _, ev := range evs {
			select {
			case w.result <- ev:
			case <-w.stop:
				return
			}
			if ev.Type == watch.Error {
				return
			}
		}
		select {
		case <-wake:
		case <-w.stop:
			return
		}
	}
}

// ---- a lock its holder may take again ------------------------------------

// reentrantLock is a mutex the goroutine holding it may lock again: a
// reconcile running in the loop of a request (or of Do) makes requests of
// its own from the same goroutine, through client code (discovery, the
// REST mapper) that carries no context of ours.
type reentrantLock struct {
	mu    sync.Mutex
	owner atomic.Int64
	depth int
}

func (l *reentrantLock) Lock() {
	id := goid()
	if l.owner.Load() == id {
		l.depth++
		return
	}
	l.mu.Lock()
	l.owner.Store(id)
	l.depth = 1
}

func (l *reentrantLock) Unlock() {
	l.depth--
	if l.depth == 0 {
		l.owner.Store(0)
		l.mu.Unlock()
	}
}

// goid is the calling goroutine's id, read from its stack header
// ("goroutine 42 [running]:").
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	b := bytes.TrimPrefix(buf[:n], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}
