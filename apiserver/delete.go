package apiserver

import (
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesem/kubesem/namespace"
)

// returnsDeleted lists the resources whose delete answers with the object
// rather than a Status (their stores' ReturnDeletedObject).
var returnsDeleted = map[schema.GroupResource]bool{
	{Resource: "pods"}: true, {Resource: "services"}: true, {Resource: "namespaces"}: true,
	{Resource: "persistentvolumes"}: true, {Resource: "persistentvolumeclaims"}: true,
	{Resource: "podtemplates"}: true, {Resource: "resourcequotas"}: true, {Resource: "serviceaccounts"}: true,
	{Group: "storage.k8s.io", Resource: "csidrivers"}: true, {Group: "storage.k8s.io", Resource: "storageclasses"}: true,
	{Group: "storage.k8s.io", Resource: "volumeattachments"}: true, {Group: "storage.k8s.io", Resource: "csinodes"}: true,
	{Group: "storage.k8s.io", Resource: "volumeattributesclasses"}: true,
	{Group: "resource.k8s.io", Resource: "deviceclasses"}:          true, {Group: "resource.k8s.io", Resource: "resourceclaims"}: true,
	{Group: "resource.k8s.io", Resource: "resourceclaimtemplates"}: true, {Group: "resource.k8s.io", Resource: "resourceslices"}: true,
}

// Delete deletes an object as the apiserver does (rule API-7):
// preconditions (uid, resourceVersion) answered with 409 Conflict;
// graceful deletion for pods (deletionTimestamp and grace period set, the
// object kept until a delete with grace 0); the orphan and
// foregroundDeletion finalizers from the propagation policy (or the kind's
// default); an object with finalizers is only marked (deletionTimestamp
// set, generation bumped) and kept until its last finalizer is removed.
// The answer is the object as it now is (or was, when gone) for the kinds
// whose store says so, else a Status of success. A namespace is only
// marked Terminating: the namespace controller empties it.
func (s *Server) Delete(gvr schema.GroupVersionResource, ns, name string, opts metav1.DeleteOptions) (runtime.Object, error) {
	ri, err := s.reg.lookup(gvr)
	if err != nil {
		return nil, err
	}
	if errs := metav1validation.ValidateDeleteOptions(&opts); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: metav1.GroupName, Kind: "DeleteOptions"}, "", errs)
	}
	if !ri.Namespaced {
		ns = ""
	}
	if ri.storage == nsGVR.GroupResource() && namespace.Immortal(name) {
		return nil, apierrors.NewForbidden(ri.GroupResource(), name, fmt.Errorf("this namespace may not be deleted"))
	}
	old := s.tables[ri.storage].get(Key{ns, name})
	if old == nil {
		return nil, apierrors.NewNotFound(ri.GroupResource(), name)
	}
	o, gone, err := s.delete(ri, old, &opts, isDryRun(opts.DryRun))
	if err != nil {
		return nil, err
	}
	if !gone || returnsDeleted[ri.storage] {
		return s.answer(ri, s.output(ri, o)), nil
	}
	return &metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusSuccess,
		Details:  &metav1.StatusDetails{Name: o.GetName(), Group: ri.Group, Kind: ri.Name, UID: o.GetUID()},
	}, nil
}

// delete runs a delete of the stored object old; gone tells whether the
// object left the store (or would have, for a dry run).
func (s *Server) delete(ri *resourceInfo, old Object, opts *metav1.DeleteOptions, dry bool) (Object, bool, error) {
	st := ri.strategy
	gk := ri.GroupVersionKind().GroupKind()
	kindRes := schema.GroupResource{Group: gk.Group, Resource: gk.Kind}
	if crd, ok := old.(*apiextensionsv1.CustomResourceDefinition); ok && crd.DeletionTimestamp == nil {
		// The definition store's own delete (rule API-12).
		if p := opts.Preconditions; p != nil {
			if p.UID != nil && *p.UID != crd.UID {
				return nil, false, apierrors.NewConflict(ri.GroupResource(), crd.Name, fmt.Errorf("precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, crd.UID))
			}
			if p.ResourceVersion != nil && *p.ResourceVersion != crd.ResourceVersion {
				return nil, false, apierrors.NewConflict(ri.GroupResource(), crd.Name, fmt.Errorf("precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *p.ResourceVersion, crd.ResourceVersion))
			}
		}
		return s.markCRDDeleting(ri, crd, dry), false, nil
	}
	if p := opts.Preconditions; p != nil {
		if p.UID != nil && *p.UID != old.GetUID() {
			return nil, false, apierrors.NewConflict(kindRes, old.GetName(), fmt.Errorf("the UID in the precondition (%s) does not match the UID in record (%s). The object might have been deleted and then recreated", *p.UID, old.GetUID()))
		}
		if p.ResourceVersion != nil && *p.ResourceVersion != old.GetResourceVersion() {
			return nil, false, apierrors.NewConflict(kindRes, old.GetName(), fmt.Errorf("the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified", *p.ResourceVersion, old.GetResourceVersion()))
		}
	}
	if ns, ok := old.(*corev1.Namespace); ok {
		return s.deleteNamespace(ri, ns, opts, dry)
	}
	o := old.DeepCopyObject().(Object)
	grace := opts.GracePeriodSeconds
	if grace != nil && *grace < 0 {
		one := int64(1)
		grace = &one
	}
	now := s.now().Truncate(time.Second)
	graceful, lastGrace := false, int64(0)
	if st.graceful != nil {
		if dt := o.GetDeletionTimestamp(); dt != nil {
			// Already being deleted: only a shorter grace period counts
			// (rest.BeforeDelete).
			cur := o.GetDeletionGracePeriodSeconds()
			switch {
			case cur == nil || *cur == 0:
			case grace == nil || *grace >= *cur:
				return o, false, nil // pending: nothing changes
			default:
				ts := dt.Add(-time.Duration(*cur) * time.Second).Add(time.Duration(*grace) * time.Second)
				period := *grace
				if ts.Before(now) {
					ts = now
					if period != 0 {
						period = 1
					}
				}
				mt := metav1.NewTime(ts)
				o.SetDeletionTimestamp(&mt)
				o.SetDeletionGracePeriodSeconds(&period)
				graceful, lastGrace = true, period
			}
		} else if g, ok := st.graceful(o, grace); ok {
			mt := metav1.NewTime(now.Add(time.Duration(g) * time.Second))
			o.SetDeletionTimestamp(&mt)
			o.SetDeletionGracePeriodSeconds(&g)
			if o.GetGeneration() > 0 {
				o.SetGeneration(o.GetGeneration() + 1)
			}
			graceful, lastGrace = true, g
		}
	}
	finalizersChanged, finalizers := gcFinalizers(st.gc, o, opts)
	if finalizersChanged {
		o.SetFinalizers(finalizers)
	}
	pending := len(o.GetFinalizers()) > 0
	if graceful || pending || finalizersChanged {
		if !graceful && pending {
			markAsDeleting(o, now)
		}
		if graceful || pending {
			// A delete that changes nothing (an object already being
			// deleted, its finalizers as asked) writes nothing, as any
			// update that changes nothing.
			if !dry && !equal(o, old) {
				s.commit(ri, watch.Modified, old, o)
			}
			if pending || lastGrace > 0 {
				return o, false, nil
			}
			old = o
		}
	}
	if !dry {
		s.commit(ri, watch.Deleted, old, nil)
	}
	return old, true, nil
}

// markAsDeleting is the deletion of an object whose finalizers hold it:
// generation bumped once, deletionTimestamp now (or kept if earlier),
// grace period 0.
func markAsDeleting(o Object, now time.Time) {
	if o.GetDeletionTimestamp() == nil && o.GetGeneration() > 0 {
		o.SetGeneration(o.GetGeneration() + 1)
	}
	if dt := o.GetDeletionTimestamp(); dt == nil || dt.After(now) {
		mt := metav1.NewTime(now)
		o.SetDeletionTimestamp(&mt)
	}
	zero := int64(0)
	o.SetDeletionGracePeriodSeconds(&zero)
}

// gcFinalizers is deletionFinalizersForGarbageCollection: which of the
// orphan and foregroundDeletion finalizers the object gets from the
// request, its finalizers and the kind's default (rule API-7).
func gcFinalizers(policy gcPolicy, o Object, opts *metav1.DeleteOptions) (bool, []string) {
	orphan, foreground := shouldOrphan(policy, o, opts), shouldForeground(policy, o, opts)
	var out []string
	for _, f := range o.GetFinalizers() {
		if f != metav1.FinalizerOrphanDependents && f != metav1.FinalizerDeleteDependents {
			out = append(out, f)
		}
	}
	if orphan {
		out = append(out, metav1.FinalizerOrphanDependents)
	}
	if foreground {
		out = append(out, metav1.FinalizerDeleteDependents)
	}
	if sameSet(out, o.GetFinalizers()) {
		return false, o.GetFinalizers()
	}
	return true, out
}

func sameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

func shouldOrphan(policy gcPolicy, o Object, opts *metav1.DeleteOptions) bool {
	if policy == gcUnsupported {
		return false
	}
	//nolint:staticcheck // OrphanDependents is deprecated but still honoured
	if opts.OrphanDependents != nil {
		return *opts.OrphanDependents //nolint:staticcheck
	}
	if p := opts.PropagationPolicy; p != nil {
		switch *p {
		case metav1.DeletePropagationOrphan:
			return true
		case metav1.DeletePropagationBackground, metav1.DeletePropagationForeground:
			return false
		}
	}
	for _, f := range o.GetFinalizers() {
		switch f {
		case metav1.FinalizerOrphanDependents:
			return true
		case metav1.FinalizerDeleteDependents:
			return false
		}
	}
	return policy == gcOrphan
}

func shouldForeground(policy gcPolicy, o Object, opts *metav1.DeleteOptions) bool {
	if policy == gcUnsupported {
		return false
	}
	if opts.OrphanDependents != nil { //nolint:staticcheck
		return false
	}
	if p := opts.PropagationPolicy; p != nil {
		switch *p {
		case metav1.DeletePropagationForeground:
			return true
		case metav1.DeletePropagationBackground, metav1.DeletePropagationOrphan:
			return false
		}
	}
	for _, f := range o.GetFinalizers() {
		switch f {
		case metav1.FinalizerDeleteDependents:
			return true
		case metav1.FinalizerOrphanDependents:
			return false
		}
	}
	return false
}

// deleteNamespace is the Namespace store's delete: the first one marks it
// Terminating (deletionTimestamp, the GC finalizers the request asks
// for); later ones change nothing while spec.finalizers hold it; then the
// generic delete.
func (s *Server) deleteNamespace(ri *resourceInfo, old *corev1.Namespace, opts *metav1.DeleteOptions, dry bool) (Object, bool, error) {
	if old.DeletionTimestamp == nil {
		ns := old.DeepCopy()
		mt := metav1.NewTime(s.now().Truncate(time.Second))
		ns.DeletionTimestamp = &mt
		ns.Status.Phase = corev1.NamespaceTerminating
		if changed, fs := gcFinalizers(gcBackground, ns, opts); changed {
			ns.Finalizers = fs
		}
		if !dry {
			s.commit(ri, watch.Modified, old, ns)
		}
		return ns, false, nil
	}
	if len(old.Spec.Finalizers) > 0 || len(old.Finalizers) > 0 {
		return old, false, nil
	}
	if !dry {
		s.commit(ri, watch.Deleted, old, nil)
	}
	return old, true, nil
}
