package restserver

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/kubesem/kubesem/apiserver"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
)

// testBackend serves an apiserver.Server, which is not safe for concurrent
// use, behind a mutex; its pull watches become watch.Interfaces fed by a
// goroutine that the server's observer wakes on every commit.
type testBackend struct {
	mu       sync.Mutex
	srv      *apiserver.Server
	watchers map[*testWatch]struct{}
	// panics makes every call panic (to test the handler's recovery).
	panics bool
}

func newTestBackend() *testBackend {
	b := &testBackend{srv: apiserver.New(apiserver.Options{Seed: 1}), watchers: map[*testWatch]struct{}{}}
	// Observers run inside the server's writes, which hold b.mu.
	b.srv.Observe(func(apiserver.Change) {
		for w := range b.watchers {
			w.wake()
		}
	})
	return b
}

// setup returns a backend and a client config over it.
func setup(t *testing.T) (*testBackend, *rest.Config) {
	t.Helper()
	b := newTestBackend()
	return b, Config(b)
}

func subs(sub string) []string {
	if sub == "" {
		return nil
	}
	return []string{sub}
}

func (b *testBackend) lock() {
	b.mu.Lock()
	if b.panics {
		b.mu.Unlock()
		panic("test backend told to panic")
	}
}

func (b *testBackend) Scheme() *runtime.Scheme { return b.srv.Scheme() }

func (b *testBackend) Resources() []apiserver.Resource {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.Resources()
}

func (b *testBackend) Get(_ context.Context, gvr schema.GroupVersionResource, ns, name string, _ metav1.GetOptions, sub string) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.Get(gvr, ns, name, subs(sub)...)
}

func (b *testBackend) List(_ context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.List(gvr, ns, opts)
}

func (b *testBackend) Create(_ context.Context, gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.CreateOptions, _ string) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.Create(gvr, ns, obj, opts)
}

func (b *testBackend) Update(_ context.Context, gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.UpdateOptions, sub string) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.Update(gvr, ns, obj, opts, subs(sub)...)
}

func (b *testBackend) Patch(_ context.Context, gvr schema.GroupVersionResource, ns, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, sub string) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.Patch(gvr, ns, name, pt, data, opts, subs(sub)...)
}

func (b *testBackend) Delete(_ context.Context, gvr schema.GroupVersionResource, ns, name string, opts metav1.DeleteOptions) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	return b.srv.Delete(gvr, ns, name, opts)
}

// DeleteCollection lists, then deletes each object listed; it answers the
// list.
func (b *testBackend) DeleteCollection(_ context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.DeleteOptions, listOpts metav1.ListOptions) (runtime.Object, error) {
	b.lock()
	defer b.mu.Unlock()
	list, err := b.srv.List(gvr, ns, listOpts)
	if err != nil {
		return nil, err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	for _, item := range items {
		m, err := meta.Accessor(item)
		if err != nil {
			return nil, err
		}
		if _, err := b.srv.Delete(gvr, m.GetNamespace(), m.GetName(), opts); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Watch starts a server watch. A watch-list request (sendInitialEvents with
// bookmarks) gets the current objects, then the bookmark that marks their
// end, as the apiserver's watch cache sends them.
func (b *testBackend) Watch(_ context.Context, gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (watch.Interface, error) {
	b.lock()
	defer b.mu.Unlock()
	initial := opts.SendInitialEvents != nil && *opts.SendInitialEvents
	o := opts
	if initial {
		o.ResourceVersion, o.ResourceVersionMatch, o.SendInitialEvents = "", "", nil
	}
	sw, err := b.srv.Watch(gvr, ns, o)
	if err != nil {
		return nil, err
	}
	w := &testWatch{b: b, sw: sw, ch: make(chan watch.Event), stop: make(chan struct{}), sig: make(chan struct{}, 1)}
	if initial && opts.AllowWatchBookmarks {
		w.initial = sw.Pending()
		w.bookmark = b.bookmark(gvr)
		w.bookmark.SetResourceVersion(strconv.FormatUint(b.srv.ResourceVersion(), 10))
		w.bookmark.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
	}
	b.watchers[w] = struct{}{}
	w.wake()
	go w.loop()
	return w, nil
}

// bookmark is an empty object of the resource's kind.
func (b *testBackend) bookmark(gvr schema.GroupVersionResource) apiserver.Object {
	for _, r := range b.srv.Resources() {
		if r.GroupVersionResource() == gvr {
			if obj, err := b.srv.Scheme().New(r.GroupVersionKind()); err == nil {
				if o, ok := obj.(apiserver.Object); ok {
					o.GetObjectKind().SetGroupVersionKind(r.GroupVersionKind())
					return o
				}
			}
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(r.GroupVersionKind())
			return u
		}
	}
	return &unstructured.Unstructured{}
}

// testWatch is a server watch as a watch.Interface.
type testWatch struct {
	b        *testBackend
	sw       *apiserver.Watch
	ch       chan watch.Event
	stop     chan struct{}
	sig      chan struct{}
	once     sync.Once
	initial  int
	bookmark apiserver.Object
}

func (w *testWatch) wake() {
	select {
	case w.sig <- struct{}{}:
	default:
	}
}

func (w *testWatch) ResultChan() <-chan watch.Event { return w.ch }

func (w *testWatch) Stop() {
	w.once.Do(func() {
		close(w.stop)
		w.b.mu.Lock()
		w.sw.Stop()
		delete(w.b.watchers, w)
		w.b.mu.Unlock()
	})
}

func (w *testWatch) send(ev watch.Event) bool {
	select {
	case w.ch <- ev:
		return true
	case <-w.stop:
		return false
	}
}

func (w *testWatch) loop() {
	defer close(w.ch)
	if w.bookmark != nil && w.initial == 0 {
		if !w.send(watch.Event{Type: watch.Bookmark, Object: w.bookmark}) {
			return
		}
		w.bookmark = nil
	}
	for {
		select {
		case <-w.stop:
			return
		case <-w.sig:
		}
		for {
			w.b.mu.Lock()
			ev, ok := w.sw.Next()
			w.b.mu.Unlock()
			if !ok {
				break
			}
			if !w.send(ev) {
				return
			}
			if w.bookmark != nil {
				if w.initial--; w.initial == 0 {
					if !w.send(watch.Event{Type: watch.Bookmark, Object: w.bookmark}) {
						return
					}
					w.bookmark = nil
				}
			}
		}
	}
}
