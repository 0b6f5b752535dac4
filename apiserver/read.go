package apiserver

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metainternalversionvalidation "k8s.io/apimachinery/pkg/apis/meta/internalversion/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// Get returns a copy of one object, or with subresource "scale" its
// autoscaling/v1 Scale (or "status": the object).
func (s *Server) Get(gvr schema.GroupVersionResource, ns, name string, subresource ...string) (runtime.Object, error) {
	ri, sub, err := s.lookupSub(gvr, subresource)
	if err != nil {
		return nil, err
	}
	if !ri.Namespaced {
		ns = ""
	}
	o := s.tables[ri.storage].get(Key{ns, name})
	if o == nil {
		return nil, apierrors.NewNotFound(ri.GroupResource(), name)
	}
	if sub == "scale" {
		return scaleOf(ri, o)
	}
	return s.answer(ri, s.output(ri, o)), nil
}

// selectors parses a list's or watch's label and field selectors; a field
// the kind does not select on is refused with the apiserver's text (rule
// API-8).
func (s *Server) selectors(ri *resourceInfo, opts metav1.ListOptions) (labels.Selector, fields.Selector, error) {
	ls, err := labels.Parse(opts.LabelSelector)
	if err != nil {
		return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("unable to parse requirement: %v", err))
	}
	fs, err := fields.ParseSelector(opts.FieldSelector)
	if err != nil {
		return nil, nil, apierrors.NewBadRequest(err.Error())
	}
	known := map[string]string{"metadata.name": ""}
	if ri.Namespaced {
		known["metadata.namespace"] = ""
	}
	for _, f := range ri.facts.fields {
		known[f] = ""
	}
	for _, r := range fs.Requirements() {
		if _, ok := known[r.Field]; !ok {
			if len(ri.facts.fields) == 0 && ri.custom == nil {
				// A kind with no field label conversion of its own:
				// runtime.DefaultMetaV1FieldSelectorConversion.
				return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("%q is not a known field selector: only %q, %q", r.Field, "metadata.name", "metadata.namespace"))
			}
			return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("field label not supported: %s", r.Field))
		}
	}
	return ls, fs, nil
}

// List returns the objects of a resource in one namespace ("" for all),
// in namespace and name order, that match the options' label and field
// selectors, as the resource's list kind (e.g. *corev1.PodList) with the
// current resourceVersion.
func (s *Server) List(gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (runtime.Object, error) {
	ri, ns, ls, fs, err := s.collection(gvr, ns, opts)
	if err != nil {
		return nil, err
	}
	var in metainternalversion.ListOptions
	if err := metainternalversion.Convert_v1_ListOptions_To_internalversion_ListOptions(&opts, &in, nil); err == nil {
		if errs := metainternalversionvalidation.ValidateListOptions(&in, false); len(errs) > 0 {
			return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "ListOptions"}, "", errs)
		}
	}
	gvk := ri.GroupVersionKind()
	gvk.Kind += "List"
	var list runtime.Object
	if ri.custom != nil {
		gvk.Kind = ri.custom.listKind
		if list, err = s.scheme.New(gvk); err != nil || !s.scheme.Recognizes(ri.GroupVersionKind()) {
			list = &unstructured.UnstructuredList{Object: map[string]any{}}
		}
	} else if list, err = s.scheme.New(gvk); err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	var items []runtime.Object
	w := &Watch{ri: ri, ns: ns, label: ls, field: fs}
	rev := s.rv
	if opts.ResourceVersionMatch == metav1.ResourceVersionMatchExact {
		// A list at an exact revision, from the watch history (rule API-9).
		n, err := strconv.ParseUint(opts.ResourceVersion, 10, 64)
		if err != nil || n == 0 {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version: %s", opts.ResourceVersion))
		}
		objs, err := s.objectsAt(ri, ns, n)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if w.matches(ri, o) {
				items = append(items, s.answer(ri, s.output(ri, o)))
			}
		}
		rev = n
	} else {
		for _, sl := range s.tables[ri.storage].list(ns) {
			if w.matches(ri, sl.obj) {
				items = append(items, s.answer(ri, s.output(ri, sl.obj)))
			}
		}
	}
	if err := meta.SetList(list, items); err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	if la, err := meta.ListAccessor(list); err == nil {
		la.SetResourceVersion(formatRV(rev))
	}
	list.GetObjectKind().SetGroupVersionKind(gvk)
	return list, nil
}

// Objects returns the stored objects of a resource in one namespace (""
// for all) in namespace and name order, without copying: the caller must
// not modify them. It is the fast path for a driver that owns the server.
func (s *Server) Objects(gvr schema.GroupVersionResource, ns string) []Object {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil
	}
	ss := s.tables[ri.storage].list(ns)
	out := make([]Object, len(ss))
	for i, sl := range ss {
		out[i] = sl.obj
	}
	return out
}

// Watch starts a watch on a resource in one namespace ("" for all) with
// the options' selectors (rule API-9). With resourceVersion "" or "0" it
// begins with an Added event for every object that matches, then every
// later change; with a revision N, every change after N that the history
// still holds (410 Expired when it no longer does).
func (s *Server) Watch(gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (*Watch, error) {
	ri, ns, ls, fs, err := s.collection(gvr, ns, opts)
	if err != nil {
		return nil, err
	}
	var in metainternalversion.ListOptions
	if err := metainternalversion.Convert_v1_ListOptions_To_internalversion_ListOptions(&opts, &in, nil); err == nil {
		in.Watch = true
		if errs := metainternalversionvalidation.ValidateListOptions(&in, true); len(errs) > 0 {
			return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "ListOptions"}, "", errs)
		}
	}
	w := &Watch{s: s, ri: ri, ns: ns, label: ls, field: fs}
	if opts.SendInitialEvents != nil && *opts.SendInitialEvents {
		// A watch list (rule API-9): the current objects, then, when the
		// client takes bookmarks, one that marks their end.
		for _, sl := range s.tables[ri.storage].list(ns) {
			if w.matches(ri, sl.obj) {
				w.queue = append(w.queue, watch.Event{Type: watch.Added, Object: s.answer(ri, s.output(ri, sl.obj))})
			}
		}
		if opts.AllowWatchBookmarks {
			if b, err := s.newObject(ri); err == nil {
				b.GetObjectKind().SetGroupVersionKind(ri.GroupVersionKind())
				b.SetResourceVersion(formatRV(s.rv))
				b.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
				w.queue = append(w.queue, watch.Event{Type: watch.Bookmark, Object: b})
			}
		}
		s.watches = append(s.watches, w)
		return w, nil
	}
	switch rv := opts.ResourceVersion; rv {
	case "", "0":
		for _, sl := range s.tables[ri.storage].list(ns) {
			if w.matches(ri, sl.obj) {
				w.queue = append(w.queue, watch.Event{Type: watch.Added, Object: s.answer(ri, s.output(ri, sl.obj))})
			}
		}
	default:
		n, err := strconv.ParseUint(rv, 10, 64)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version: %s", rv))
		}
		if n > s.rv {
			return nil, apierrors.NewTimeoutError(fmt.Sprintf("Too large resource version: %d, current: %d", n, s.rv), 1)
		}
		changes, err := s.tables[ri.storage].history.since(n)
		if err != nil {
			return nil, err
		}
		for i := range changes {
			w.offer(&changes[i])
		}
	}
	s.watches = append(s.watches, w)
	return w, nil
}

// collection resolves a list or watch request: the resource, the
// namespace ("" for cluster-scoped resources) and the selectors.
func (s *Server) collection(gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (*resourceInfo, string, labels.Selector, fields.Selector, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, "", nil, nil, err
	}
	ls, fs, err := s.selectors(ri, opts)
	if err != nil {
		return nil, "", nil, nil, err
	}
	if !ri.Namespaced {
		ns = ""
	}
	return ri, ns, ls, fs, nil
}

// objectsAt returns the objects a table held at revision rev in namespace
// ns ("" for all), in namespace and name order: the stored ones rewound
// through the table's watch history. A revision the history no longer
// reaches is 410 Expired, a future one the apiserver's "Too large
// resource version" timeout (rule API-9).
func (s *Server) objectsAt(ri *resourceInfo, ns string, rev uint64) ([]Object, error) {
	if rev > s.rv {
		return nil, apierrors.NewTimeoutError(fmt.Sprintf("Too large resource version: %d, current: %d", rev, s.rv), 1)
	}
	t := s.tables[ri.storage]
	changes, err := t.history.since(rev)
	if err != nil {
		return nil, err
	}
	at := map[Key]Object{}
	for _, sl := range t.list(ns) {
		at[sl.k] = sl.obj
	}
	for i := len(changes) - 1; i >= 0; i-- {
		c := &changes[i]
		k := Key{c.Object.GetNamespace(), c.Object.GetName()}
		if ns != "" && k.Namespace != ns {
			continue
		}
		switch c.Type {
		case watch.Added:
			delete(at, k)
		case watch.Modified:
			at[k] = c.Old
		case watch.Deleted:
			at[k] = c.Object
		}
	}
	keys := make([]Key, 0, len(at))
	for k := range at {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	out := make([]Object, len(keys))
	for i, k := range keys {
		out[i] = at[k]
	}
	return out, nil
}

// GetAt returns a copy of one object as it was at revision rev (the
// state after the write of that revision): what a client whose cache
// lags the store sees. The history of writes a watch replays bounds how
// far back it reaches (410 Expired beyond).
func (s *Server) GetAt(gvr schema.GroupVersionResource, ns, name string, rev uint64) (runtime.Object, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, err
	}
	if !ri.Namespaced {
		ns = ""
	}
	objs, err := s.objectsAt(ri, ns, rev)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if o.GetName() == name {
			return s.answer(ri, s.output(ri, o)), nil
		}
	}
	return nil, apierrors.NewNotFound(ri.GroupResource(), name)
}
