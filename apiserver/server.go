package apiserver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/workload"
)

// DefaultStart is the instant of a server built without a clock.
var DefaultStart = time.Date(2026, time.January, 1, 9, 0, 0, 0, time.UTC)

// Options configure a Server. The zero value is a server at DefaultStart
// that never moves, with seed 0.
type Options struct {
	// Clock tells the server the instant of each request (creation and
	// deletion timestamps, the watch history's age); the server never
	// reads a wall clock. Nil means a clock stopped at DefaultStart.
	Clock clock.PassiveClock
	// Seed drives generated names and UIDs when UID and GenerateName are
	// nil: the same seed and the same requests give the same objects.
	Seed uint64
	// UID returns the UID of each new object; nil means version-4 UUIDs
	// drawn from Seed.
	UID func() types.UID
	// GenerateName returns a name for a generateName prefix; nil means
	// the apiserver's (the prefix cut to 58 characters and 5 random
	// characters of workload.NameAlphabet, drawn from Seed).
	GenerateName func(base string) string
	// NoSystemNamespaces leaves out the namespaces a started apiserver
	// has (default, kube-node-lease, kube-public, kube-system).
	NoSystemNamespaces bool
	// Scheme is the scheme of the server's Go types: nil means NewScheme().
	// A user's scheme (NewScheme() with the Go types of custom resources
	// added) makes the server answer with those types for the custom
	// resources it serves, as a client decoding into them would; stored
	// custom resources stay unstructured content.
	Scheme *runtime.Scheme
	// Admit is the admission chain of the server's driver (the cluster's
	// DefaultTolerationSeconds, ResourceQuota and Service IP allocation):
	// called on every create and update a request makes, after the
	// strategy's validation and before the uniqueness check and the write.
	// It may change the object (as mutating admission does) or refuse the
	// write with the error the client gets. Nil admits everything.
	Admit func(Attributes) error
}

// Attributes describe one write to admission.
type Attributes struct {
	// Operation is "CREATE" or "UPDATE" (admission.Operation's values).
	Operation string
	// Resource is the resource written; Subresource is "", "status" or
	// "scale".
	Resource    Resource
	Subresource string
	// Object is what is about to be stored; Old is the stored object of
	// an update.
	Object, Old Object
	// DryRun is set when nothing will be stored.
	DryRun bool
}

// Server is the apiserver's storage and rules for every built-in kind: a
// generic store keyed by group, resource, namespace and name, one
// strategy per kind, a resourceVersion shared by all (etcd's revision),
// watches and a watch history. It is not safe for concurrent use.
type Server struct {
	clock     clock.PassiveClock
	admit     func(Attributes) error
	uid       func() types.UID
	genName   func(string) string
	scheme    *runtime.Scheme
	reg       *registry
	rv        uint64
	tables    map[schema.GroupResource]*table
	watches   []*Watch
	observers []func(Change)
	// fieldManagers track field ownership, by kind and subresource.
	fieldManagers map[fmKey]*managedfields.FieldManager
	// crInfos are the served versions built from each definition.
	crInfos map[types.UID]crCache
	// inCRDSync is set while the definitions' controllers write.
	inCRDSync bool
}

// New returns a server with every built-in resource registered and, unless
// opts say otherwise, the system namespaces created.
func New(opts Options) *Server {
	s := &Server{clock: opts.Clock, admit: opts.Admit, uid: opts.UID, genName: opts.GenerateName,
		scheme: opts.Scheme, reg: newRegistry(), tables: map[schema.GroupResource]*table{},
		crInfos: map[types.UID]crCache{}}
	if s.clock == nil {
		s.clock = clocktesting.NewFakePassiveClock(DefaultStart)
	}
	if s.scheme == nil {
		s.scheme = NewScheme()
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x61706973))
	if s.uid == nil {
		s.uid = func() types.UID { return newUUID(rng) }
	}
	if s.genName == nil {
		names := workload.NewNames(opts.Seed)
		s.genName = names.Generate
	}
	for i := range builtins {
		s.reg.add(newBuiltin(&builtins[i]))
	}
	for _, ri := range s.reg.order {
		if s.tables[ri.storage] == nil {
			s.tables[ri.storage] = newTable()
		}
	}
	if !opts.NoSystemNamespaces {
		for _, name := range namespace.BuiltIn() {
			_, _ = s.Create(nsGVR, "", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		}
	}
	return s
}

var nsGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// newUUID draws a version-4 UUID.
func newUUID(rng *rand.Rand) types.UID {
	a, b := rng.Uint64(), rng.Uint64()
	return types.UID(fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		a>>32, (a>>16)&0xffff, a&0x0fff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff))
}

func formatRV(rv uint64) string { return strconv.FormatUint(rv, 10) }

// Scheme is the scheme of the server's Go types.
func (s *Server) Scheme() *runtime.Scheme { return s.scheme }

// RESTMapper maps kinds to resources and tells their scope, as discovery
// would.
func (s *Server) RESTMapper() meta.RESTMapper { return mapperView{s.reg} }

// mapperView is the registry's current RESTMapper: custom resources come
// and go with their definitions.
type mapperView struct{ g *registry }

func (m mapperView) KindFor(r schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return m.g.mapper.KindFor(r)
}
func (m mapperView) KindsFor(r schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return m.g.mapper.KindsFor(r)
}
func (m mapperView) ResourceFor(r schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return m.g.mapper.ResourceFor(r)
}
func (m mapperView) ResourcesFor(r schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return m.g.mapper.ResourcesFor(r)
}
func (m mapperView) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return m.g.mapper.RESTMapping(gk, versions...)
}
func (m mapperView) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return m.g.mapper.RESTMappings(gk, versions...)
}
func (m mapperView) ResourceSingularizer(resource string) (string, error) {
	return m.g.mapper.ResourceSingularizer(resource)
}

// Resources lists the served resources in discovery order.
func (s *Server) Resources() []Resource {
	var out []Resource
	for _, ri := range s.reg.order {
		if ri.served {
			out = append(out, ri.Resource)
		}
	}
	return out
}

// ResourceFor resolves a resource as kubectl does from what a user types:
// a plural, singular, short name or kind, optionally qualified by group
// ("deployments.apps") or by version and group ("hpa.v2.autoscaling").
func (s *Server) ResourceFor(arg string) (Resource, error) {
	ri, err := s.reg.find(arg)
	if err != nil {
		return Resource{}, err
	}
	return ri.Resource, nil
}

// ResourceVersion is the revision of the last write.
func (s *Server) ResourceVersion() uint64 { return s.rv }

// Observe registers a function told of every committed write, in order,
// before the write's caller gets its answer.
func (s *Server) Observe(f func(Change)) { s.observers = append(s.observers, f) }

// now is the instant of the request, at the apiserver's second precision
// for timestamps.
func (s *Server) now() time.Time { return s.clock.Now() }

// commit stores a write under the next revision and tells watchers and
// observers. o must be a fresh object nobody else holds.
func (s *Server) commit(ri *resourceInfo, typ watch.EventType, old, o Object) {
	s.rv++
	t := s.tables[ri.storage]
	c := Change{Type: typ, Resource: ri.storage, Old: old, ResourceVersion: s.rv, At: s.now()}
	if typ == watch.Deleted {
		k := Key{old.GetNamespace(), old.GetName()}
		t.remove(k)
		delete(t.decodedBy, k)
		c.Object, c.Old = old, nil
	} else {
		o.SetResourceVersion(formatRV(s.rv))
		if cr := ri.custom; cr != nil {
			if cr.version != cr.storageVersion {
				o.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{Group: ri.Group, Version: cr.storageVersion, Kind: ri.Kind})
			}
			if t.decodedBy == nil {
				t.decodedBy = map[Key]*customResource{}
			}
			t.decodedBy[Key{o.GetNamespace(), o.GetName()}] = cr
		}
		t.put(o)
		c.Object = o
	}
	t.history.add(&c)
	for _, w := range s.watches {
		w.offer(&c)
	}
	for _, f := range s.observers {
		f(c)
	}
	s.afterCommit(ri, typ, c.Object)
}

// afterCommit runs the apiextensions-apiserver's controllers after a write
// of a definition, or the removal of a custom resource whose definition
// waits for its instances to go.
func (s *Server) afterCommit(ri *resourceInfo, typ watch.EventType, o Object) {
	if s.inCRDSync {
		return
	}
	switch {
	case ri.storage == crdGVR.GroupResource():
	case ri.custom != nil && typ == watch.Deleted:
		crd, _ := s.tables[crdGVR.GroupResource()].get(Key{Name: ri.custom.crdName}).(*apiextensionsv1.CustomResourceDefinition)
		if crd == nil || crd.DeletionTimestamp == nil {
			return
		}
		o = crd
	default:
		return
	}
	s.inCRDSync = true
	defer func() { s.inCRDSync = false }()
	s.crdWritten(o.GetName())
}

// output is the object as the server answers with it: a copy with its
// apiVersion and kind.
func (s *Server) output(ri *resourceInfo, o Object) Object {
	c := o.DeepCopyObject().(Object)
	c.GetObjectKind().SetGroupVersionKind(ri.GroupVersionKind())
	if ri.custom != nil && s.tables[ri.storage].decodedBy[Key{o.GetNamespace(), o.GetName()}] != ri.custom {
		// The storage decoder prunes and defaults what it reads (what
		// was stored through this very version already is).
		if u, ok := c.(*unstructured.Unstructured); ok {
			_ = ri.custom.decode(u)
		}
	}
	return c
}

// answer is an object as the caller gets it: a custom resource in the Go
// type the server's scheme has for its kind, if any (else, or when its
// content does not fit the type, unstructured).
func (s *Server) answer(ri *resourceInfo, o Object) runtime.Object {
	u, ok := o.(*unstructured.Unstructured)
	if !ok || ri.custom == nil || !s.scheme.Recognizes(ri.GroupVersionKind()) {
		return o
	}
	n, err := s.scheme.New(ri.GroupVersionKind())
	if err != nil {
		return o
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, n); err != nil {
		return o
	}
	n.GetObjectKind().SetGroupVersionKind(ri.GroupVersionKind())
	return n
}

// newObject is an empty object of the resource's kind.
func (s *Server) newObject(ri *resourceInfo) (Object, error) {
	if ri.custom != nil {
		u := &unstructured.Unstructured{Object: map[string]any{}}
		u.SetGroupVersionKind(ri.GroupVersionKind())
		return u, nil
	}
	n, err := s.scheme.New(ri.GroupVersionKind())
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	o, ok := n.(Object)
	if !ok {
		return nil, apierrors.NewInternalError(fmt.Errorf("%T has no object metadata", n))
	}
	o.GetObjectKind().SetGroupVersionKind(ri.GroupVersionKind())
	return o, nil
}

// input converts a request's object to the resource's Go type, refusing
// another kind or version (rule API-2); the result is the server's own
// copy.
func (s *Server) input(ri *resourceInfo, obj runtime.Object) (Object, error) {
	if obj == nil {
		return nil, apierrors.NewBadRequest("the body of the request was in an unknown format")
	}
	gvk := ri.GroupVersionKind()
	if ri.custom != nil {
		return s.inputCustom(ri, obj)
	}
	var out Object
	switch v := obj.(type) {
	case *unstructured.Unstructured:
		if got := v.GroupVersionKind(); got.Kind != "" && got.Kind != gvk.Kind || got.Version != "" && got.GroupVersion() != gvk.GroupVersion() {
			return nil, mismatch(got, gvk)
		}
		n, err := s.scheme.New(gvk)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(v.Object, n); err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		out = n.(Object)
	default:
		kinds, _, err := s.scheme.ObjectKinds(obj)
		if err != nil || len(kinds) == 0 {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("no kind is registered for the type %T", obj))
		}
		if kinds[0] != gvk {
			return nil, mismatch(kinds[0], gvk)
		}
		o, ok := obj.DeepCopyObject().(Object)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("%T has no object metadata", obj))
		}
		out = o
	}
	out.GetObjectKind().SetGroupVersionKind(gvk)
	return out, nil
}

// inputCustom is input for a custom resource: the object as unstructured
// content (a user's Go type converted), its kind checked, then decoded as
// the CRD handler decodes (pruned, coerced, defaulted).
func (s *Server) inputCustom(ri *resourceInfo, obj runtime.Object) (Object, error) {
	gvk := ri.GroupVersionKind()
	var u *unstructured.Unstructured
	switch v := obj.(type) {
	case *unstructured.Unstructured:
		// As a request body comes, JSON's values: content a Go program
		// built (ints, typed slices) is converted as JSON would.
		m, ok := jsonValue(v.Object).(map[string]any)
		if !ok {
			b, err := v.MarshalJSON()
			if err != nil {
				return nil, apierrors.NewBadRequest(err.Error())
			}
			u = &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(b); err != nil {
				return nil, apierrors.NewBadRequest(err.Error())
			}
			break
		}
		u = &unstructured.Unstructured{Object: m}
	default:
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		u = &unstructured.Unstructured{Object: m}
		if kinds, _, err := s.scheme.ObjectKinds(obj); err == nil && len(kinds) > 0 && u.GetKind() == "" {
			u.SetGroupVersionKind(kinds[0])
		}
	}
	if got := u.GroupVersionKind(); got.Kind != "" && got.Kind != gvk.Kind || got.Version != "" && got.GroupVersion() != gvk.GroupVersion() {
		return nil, mismatch(got, gvk)
	}
	u.SetGroupVersionKind(gvk)
	if err := ri.custom.decode(u); err != nil {
		return nil, err
	}
	return u, nil
}

// jsonValue deep-copies unstructured content as a JSON round trip would
// give it back (Go integers and integral floats made int64): nil for
// anything else, which the caller then sends through JSON.
func jsonValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return map[string]any(nil)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			c := jsonValue(e)
			if c == nil && e != nil {
				return nil
			}
			out[k] = c
		}
		return out
	case []any:
		if x == nil {
			return []any(nil)
		}
		out := make([]any, len(x))
		for i, e := range x {
			c := jsonValue(e)
			if c == nil && e != nil {
				return nil
			}
			out[i] = c
		}
		return out
	case float64:
		// Through JSON an integral number comes back an int64.
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 && !math.IsInf(x, 0) {
			return int64(x)
		}
		return x
	case string, bool, int64:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	}
	return nil
}

func mismatch(got, want schema.GroupVersionKind) error {
	if got.GroupVersion() != want.GroupVersion() {
		return apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", got.GroupVersion(), want.GroupVersion()))
	}
	return apierrors.NewBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", got.Kind, want.Kind))
}

// notFoundResource is the apiserver's answer to a resource it does not
// serve.
func notFoundResource(gvr schema.GroupVersionResource) error {
	err := apierrors.NewNotFound(gvr.GroupResource(), "")
	err.ErrStatus.Message = "the server could not find the requested resource"
	return err
}

// KindFor names the kind stored under a group and resource, "" for none.
func (s *Server) KindFor(gr schema.GroupResource) string {
	for _, ri := range s.reg.order {
		if ri.storage == gr && ri.served {
			return ri.Kind
		}
	}
	return ""
}

// Present returns a stored object (from Storage, Objects or a Change) as
// a client reading the resource gvr gets it: a copy in the resource's
// version, with the Go type the scheme has for a custom resource.
func (s *Server) Present(gvr schema.GroupVersionResource, o Object) (runtime.Object, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, err
	}
	return s.answer(ri, s.output(ri, o)), nil
}
