package apiserver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
)

// OptimisticLockErrorMsg is the apiserver's text for an update from a
// stale copy.
const OptimisticLockErrorMsg = "the object has been modified; please apply your changes to the latest version and try again"

// Update replaces an object of the resource gvr as the apiserver's update
// does (rules API-4, API-5): the resourceVersion must be the stored one
// (409 Conflict otherwise) unless it is empty and the kind allows an
// unconditional update; the strategy keeps the stored status (or, with
// subresource "status", everything but the status and metadata), moves
// generation, validates; an update that changes nothing writes nothing;
// removing the last finalizer of an object being deleted deletes it.
// Subresource "scale" takes an autoscaling/v1 Scale and sets the parent's
// spec.replicas.
func (s *Server) Update(gvr schema.GroupVersionResource, ns string, obj runtime.Object, opts metav1.UpdateOptions, subresource ...string) (runtime.Object, error) {
	ri, sub, err := s.lookupSub(gvr, subresource)
	if err != nil {
		return nil, err
	}
	if errs := metav1validation.ValidateUpdateOptions(&opts); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "UpdateOptions"}, "", errs)
	}
	dry := isDryRun(opts.DryRun)
	if sub == "scale" {
		return s.updateScale(ri, ns, obj, opts.FieldManager, dry)
	}
	in, err := s.input(ri, obj)
	if err != nil {
		return nil, err
	}
	if sub == "" {
		in = ri.strategy.withDefaults(in)
	}
	in = s.trackExisting(ri, sub, ns, in, opts.FieldManager)
	o, err := s.update(ri, sub, ns, in, dry)
	if err != nil {
		return nil, err
	}
	return s.answer(ri, s.output(ri, o)), nil
}

// lookupSub finds a resource and checks the subresource ("" or one the
// resource has and kubesem serves).
func (s *Server) lookupSub(gvr schema.GroupVersionResource, subresource []string) (*resourceInfo, string, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, "", err
	}
	if len(subresource) == 0 || subresource[0] == "" {
		return ri, "", nil
	}
	sub := subresource[0]
	if len(subresource) > 1 || !ri.HasSubresource(sub) || (sub != "status" && sub != "scale") {
		return nil, "", notFoundResource(gvr)
	}
	return ri, sub, nil
}

// update runs an update of in, which the server owns.
func (s *Server) update(ri *resourceInfo, sub, ns string, in Object, dry bool) (Object, error) {
	return s.updateObject(ri, sub, ns, in, dry, true)
}

// updateObject is update; uidPrecondition says the object's uid is a
// precondition, as for a PUT (rest.DefaultUpdatedObjectInfo of the
// request object). A patch has none: a uid it changes is refused by the
// update validation as immutable.
func (s *Server) updateObject(ri *resourceInfo, sub, ns string, in Object, dry, uidPrecondition bool) (Object, error) {
	st := ri.strategy
	if err := matchNamespace(ri, ns, in); err != nil {
		return nil, err
	}
	if st.defaults != nil && sub == "" {
		in = st.defaults(in)
	}
	k := Key{in.GetNamespace(), in.GetName()}
	old := s.stored(ri, k)
	if old == nil {
		if sub == "" && st.facts.createOnUpdate {
			in.SetResourceVersion("")
			if err := s.admitNamespace(ri, in.GetNamespace(), in.GetName()); err != nil {
				return nil, err
			}
			return s.createOnce(ri, in, false, dry)
		}
		return nil, s.notFound(ri, sub, k.Name)
	}
	if uid := in.GetUID(); uidPrecondition && uid != "" && uid != old.GetUID() {
		return nil, s.preconditionConflict(ri, sub, k, fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", uid, old.GetUID()), dry)
	}
	if err := s.checkResourceVersion(ri, in, old); err != nil {
		return nil, err
	}
	// rest.BeforeUpdate.
	in.SetGeneration(old.GetGeneration())
	if sub == "status" {
		st.prepareForStatusUpdate(in, old)
	} else {
		st.prepareForUpdate(in, old)
	}
	if in.GetUID() == "" {
		in.SetUID(old.GetUID())
	}
	in.SetCreationTimestamp(old.GetCreationTimestamp())
	if old.GetDeletionTimestamp() != nil {
		in.SetDeletionTimestamp(old.GetDeletionTimestamp())
	}
	if old.GetDeletionGracePeriodSeconds() != nil && in.GetDeletionGracePeriodSeconds() == nil {
		in.SetDeletionGracePeriodSeconds(old.GetDeletionGracePeriodSeconds())
	}
	if errs := st.validateForUpdate(in, old, sub); len(errs) > 0 {
		return nil, apierrors.NewInvalid(ri.GroupVersionKind().GroupKind(), k.Name, errs)
	}
	canonicalNamespace(in)
	if err := s.admission("UPDATE", ri, sub, in, old, dry); err != nil {
		return nil, err
	}
	// An object being deleted whose last finalizer goes is deleted
	// (ShouldDeleteDuringUpdate; rule API-7).
	if len(in.GetFinalizers()) == 0 && old.GetDeletionTimestamp() != nil && zeroGrace(old) && !s.namespaceHolds(ri, in) {
		if !dry {
			s.commit(ri, watch.Deleted, old, nil)
		}
		return in, nil
	}
	in.SetResourceVersion(old.GetResourceVersion())
	if equal(in, old) {
		return old, nil // nothing changed: no write, no new resourceVersion
	}
	if dry {
		return in, nil
	}
	s.commit(ri, watch.Modified, old, in)
	return in, nil
}

// stored is the stored object as the resource's strategy sees it: for a
// custom resource a copy in the resource's version, pruned and defaulted
// as the storage decoder gives it; nil when there is none.
func (s *Server) stored(ri *resourceInfo, k Key) Object {
	o := s.tables[ri.storage].get(k)
	if o == nil || ri.custom == nil {
		return o
	}
	return s.output(ri, o)
}

func zeroGrace(o Object) bool {
	g := o.GetDeletionGracePeriodSeconds()
	return g == nil || *g == 0
}

// checkResourceVersion is optimistic concurrency (rule API-5).
func (s *Server) checkResourceVersion(ri *resourceInfo, in, old Object) error {
	rv := in.GetResourceVersion()
	if rv == "" {
		if ri.facts.unconditional {
			in.SetResourceVersion(old.GetResourceVersion())
			return nil
		}
		gk := schema.GroupKind{Group: ri.Group, Kind: ri.Name}
		return apierrors.NewInvalid(gk, in.GetName(), field.ErrorList{
			field.Invalid(field.NewPath("metadata", "resourceVersion"), int64(0), "must be specified for an update")})
	}
	if _, err := strconv.ParseUint(rv, 10, 64); err != nil {
		return apierrors.NewBadRequest(fmt.Sprintf("invalid resource version: %s", rv))
	}
	if rv != old.GetResourceVersion() {
		return apierrors.NewConflict(ri.GroupResource(), in.GetName(), errors.New(OptimisticLockErrorMsg))
	}
	return nil
}

// subResource is the group and resource the scale subresource's own
// errors name ("deployments/scale.apps"); status writes name the main
// resource.
func subResource(ri *resourceInfo, sub string) schema.GroupResource {
	gr := ri.GroupResource()
	if sub == "scale" {
		gr.Resource += "/scale"
	}
	return gr
}

func (s *Server) notFound(ri *resourceInfo, sub, name string) error {
	return apierrors.NewNotFound(subResource(ri, sub), name)
}

// preconditionConflict is the storage layer's refusal of a write whose
// precondition failed, as the apiserver wraps it. A dry run's refusal
// comes from the registry's dry-run storage, which names the key without
// etcd's /registry prefix (k8s.io/apiserver
// pkg/registry/generic/registry/dryrun.go: GuaranteedUpdate).
func (s *Server) preconditionConflict(ri *resourceInfo, sub string, k Key, msg string, dry bool) error {
	key := storageKey(ri, k)
	if dry {
		key = strings.TrimPrefix(key, "/registry")
	}
	return apierrors.NewConflict(subResource(ri, sub), k.Name, fmt.Errorf(
		"StorageError: invalid object, Code: 4, Key: %s, ResourceVersion: 0, AdditionalErrorMsg: %s", key, msg))
}

// storageKey is the etcd key the object would have in a real cluster:
// etcd's /registry prefix and the resource's own key.
func storageKey(ri *resourceInfo, k Key) string {
	prefix := "/registry/"
	if ri.Group != "" && ri.Group != "apps" && ri.Group != "batch" && ri.Group != "autoscaling" && ri.Group != "policy" {
		prefix += ri.Group + "/"
	}
	prefix += ri.Name
	if k.Namespace != "" {
		return prefix + "/" + k.Namespace + "/" + k.Name
	}
	return prefix + "/" + k.Name
}

// namespaceHolds reports a namespace whose spec.finalizers still hold it
// (the Namespace store's ShouldDeleteDuringUpdate).
func (s *Server) namespaceHolds(ri *resourceInfo, o Object) bool {
	ns, ok := o.(*corev1.Namespace)
	return ok && len(ns.Spec.Finalizers) > 0
}
