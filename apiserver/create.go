package apiserver

import (
	"github.com/kubesem/kubesem/namespace"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// maxNameAttempts is how many generated names a create tries before it
// gives up (rule API-3).
const maxNameAttempts = 8

// Create stores a new object of the resource gvr in namespace ns ("" for
// cluster-scoped resources, or to take the object's own) as the
// apiserver's create does (rules API-2, API-3): namespace lifecycle
// admission, the kind's defaults, a generated name for generateName,
// system metadata (uid, creationTimestamp, generation), the strategy's
// preparation and validation, then uniqueness. The argument is not
// modified; the answer is the stored object (a copy). With dry-run All
// everything runs but nothing is stored.
func (s *Server) Create(gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.CreateOptions) (runtime.Object, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, err
	}
	if errs := metav1validation.ValidateCreateOptions(&opts); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "CreateOptions"}, "", errs)
	}
	in, err := s.input(ri, obj)
	if err != nil {
		return nil, err
	}
	// Defaults come with decoding, before the field manager sees the
	// object: it owns what they set too.
	in = ri.strategy.withDefaults(in)
	in = s.trackUpdate(ri, "", nil, in, opts.FieldManager)
	o, err := s.create(ri, ns, in, isDryRun(opts.DryRun))
	if err != nil {
		return nil, err
	}
	return s.answer(ri, s.output(ri, o)), nil
}

func isDryRun(dryRun []string) bool { return len(dryRun) > 0 }

// create runs a create of in, which the server owns.
func (s *Server) create(ri *resourceInfo, ns string, in Object, dry bool) (Object, error) {
	st := ri.strategy
	if err := matchNamespace(ri, ns, in); err != nil {
		return nil, err
	}
	if st.defaults != nil {
		in = st.defaults(in)
	}
	if err := s.admitNamespace(ri, in.GetNamespace(), in.GetName()); err != nil {
		return nil, err
	}
	generate := in.GetName() == "" && in.GetGenerateName() != ""
	var err error
	for range maxNameAttempts {
		var o Object
		o, err = s.createOnce(ri, in.DeepCopyObject().(Object), generate, dry)
		if err == nil {
			return o, nil
		}
		if !generate || !apierrors.IsAlreadyExists(err) {
			return nil, err
		}
	}
	// Every generated name was taken (rest.CheckGeneratedNameError).
	return nil, apierrors.NewGenerateNameConflict(ri.GroupResource(), in.GetGenerateName(), 1)
}

func (s *Server) createOnce(ri *resourceInfo, o Object, generate, dry bool) (Object, error) {
	st := ri.strategy
	// rest.FillObjectMetaSystemFields, after the request's own were wiped.
	wipeSystemFields(o)
	now := metav1.NewTime(s.now().Truncate(1e9))
	o.SetCreationTimestamp(now)
	o.SetUID(s.uid())
	if generate {
		o.SetName(s.genName(o.GetGenerateName()))
	}
	st.prepareForCreate(o)
	if errs := st.validateCreate(o); len(errs) > 0 {
		return nil, apierrors.NewInvalid(ri.GroupVersionKind().GroupKind(), o.GetName(), errs)
	}
	canonicalNamespace(o)
	if err := s.admission("CREATE", ri, "", o, nil, dry); err != nil {
		return nil, err
	}
	if o.GetResourceVersion() != "" {
		// The storage's plain error, which the handler answers as a 500
		// with no reason (apierrors' ErrorToAPIStatus).
		return nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 500,
			Message: "resourceVersion should not be set on objects to be created"}}
	}
	t := s.tables[ri.storage]
	if old := t.get(Key{o.GetNamespace(), o.GetName()}); old != nil {
		err := apierrors.NewAlreadyExists(ri.GroupResource(), o.GetName())
		if old.GetDeletionTimestamp() != nil {
			err.ErrStatus.Message = "object is being deleted: " + err.ErrStatus.Message
		}
		return nil, err
	}
	if dry {
		return o, nil
	}
	s.commit(ri, watch.Added, nil, o)
	return o, nil
}

// wipeSystemFields clears what a client may not set on a create
// (rest.WipeObjectMetaSystemFields).
func wipeSystemFields(o Object) {
	o.SetCreationTimestamp(metav1.Time{})
	o.SetUID("")
	o.SetDeletionTimestamp(nil)
	o.SetDeletionGracePeriodSeconds(nil)
	o.SetSelfLink("")
}

// matchNamespace puts the request's namespace on the object, or refuses
// an object that names another (rest.EnsureObjectNamespaceMatchesRequest
// Namespace).
func matchNamespace(ri *resourceInfo, ns string, o Object) error {
	if !ri.Namespaced {
		o.SetNamespace("")
		return nil
	}
	switch {
	case ns == "" || o.GetNamespace() == ns:
	case o.GetNamespace() == "":
		o.SetNamespace(ns)
	default:
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// admitNamespace is the NamespaceLifecycle admission of a create (rule
// API-10): the namespace must exist and not be terminating.
func (s *Server) admitNamespace(ri *resourceInfo, ns, name string) error {
	if !ri.Namespaced || ns == "" {
		return nil
	}
	o := s.tables[nsGVR.GroupResource()].get(Key{Name: ns})
	if o == nil {
		return apierrors.NewNotFound(nsGVR.GroupResource(), ns)
	}
	if o.(*corev1.Namespace).Status.Phase != corev1.NamespaceTerminating {
		return nil
	}
	return namespace.TerminatingError(ri.GroupResource(), name, ns)
}

// admission runs the driver's admission chain on a write (Options.Admit).
func (s *Server) admission(op string, ri *resourceInfo, sub string, o, old Object, dry bool) error {
	if s.admit == nil {
		return nil
	}
	return s.admit(Attributes{Operation: op, Resource: ri.Resource, Subresource: sub, Object: o, Old: old, DryRun: dry})
}
