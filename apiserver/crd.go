package apiserver

import (
	"fmt"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
)

// crdGVR is the resource CustomResourceDefinitions are served as.
var crdGVR = apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions")

// crdCleanupFinalizer is the finalizer a deleted CRD carries until its
// custom resources are gone.
const crdCleanupFinalizer = apiextensionsv1.CustomResourceCleanupFinalizer

// crdStrategy is the CustomResourceDefinition registry strategy
// (apiextensions-apiserver pkg/registry/customresourcedefinition/
// strategy.go; rule API-12): the storage version joins
// status.storedVersions on every write, generation follows spec, and the
// definition is validated.
func crdStrategy(st *strategy) {
	st.defaults = func(o Object) Object {
		c := o.(*apiextensionsv1.CustomResourceDefinition).DeepCopy()
		apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(c)
		return c
	}
	st.prepareCreate = func(o Object) {
		addStoredVersion(o.(*apiextensionsv1.CustomResourceDefinition))
	}
	st.prepareUpdate = func(o, _ Object) {
		addStoredVersion(o.(*apiextensionsv1.CustomResourceDefinition))
	}
	st.validate = func(o Object) field.ErrorList {
		return validateCRD(o.(*apiextensionsv1.CustomResourceDefinition), nil)
	}
	st.validateUpdate = func(o, old Object) field.ErrorList {
		return validateCRD(o.(*apiextensionsv1.CustomResourceDefinition), old.(*apiextensionsv1.CustomResourceDefinition))
	}
}

func addStoredVersion(crd *apiextensionsv1.CustomResourceDefinition) {
	for _, v := range crd.Spec.Versions {
		if v.Storage {
			if !slices.Contains(crd.Status.StoredVersions, v.Name) {
				crd.Status.StoredVersions = append(crd.Status.StoredVersions, v.Name)
			}
			return
		}
	}
}

// crdEstablished reports the Established condition true.
func crdEstablished(crd *apiextensionsv1.CustomResourceDefinition) bool {
	return crdCondition(crd, apiextensionsv1.Established) == apiextensionsv1.ConditionTrue
}

func crdCondition(crd *apiextensionsv1.CustomResourceDefinition, t apiextensionsv1.CustomResourceDefinitionConditionType) apiextensionsv1.ConditionStatus {
	for _, c := range crd.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

// setCRDCondition sets a condition as apihelpers.SetCRDCondition does,
// with the server's instant as its transition time.
func (s *Server) setCRDCondition(crd *apiextensionsv1.CustomResourceDefinition, c apiextensionsv1.CustomResourceDefinitionCondition) {
	c.LastTransitionTime = metav1.NewTime(s.now().Truncate(1e9))
	for i := range crd.Status.Conditions {
		old := &crd.Status.Conditions[i]
		if old.Type != c.Type {
			continue
		}
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
		}
		*old = c
		return
	}
	crd.Status.Conditions = append(crd.Status.Conditions, c)
}

// crdWritten runs what the apiextensions-apiserver's controllers do after
// a definition changes (rule API-12), at once rather than a moment later:
// the naming controller accepts the names that conflict with no other
// definition of the group, the establishing controller marks the
// definition Established, and the served resources follow; a definition
// being deleted has its custom resources deleted and, once none is left,
// its finalizer removed.
func (s *Server) crdWritten(name string) {
	ri := s.reg.byGVR[crdGVR]
	t := s.tables[ri.storage]
	if o := t.get(Key{Name: name}); o != nil {
		crd := o.(*apiextensionsv1.CustomResourceDefinition)
		if crd.DeletionTimestamp == nil {
			s.acceptNames(ri, crd)
		} else {
			s.finalizeCRD(ri, crd)
		}
	}
	s.syncCustomResources()
}

// crdStatusWrite stores a controller's status update of a definition.
func (s *Server) crdStatusWrite(ri *resourceInfo, old, crd *apiextensionsv1.CustomResourceDefinition) {
	if equal(crd, old) {
		return
	}
	in := s.trackUpdate(ri, "status", s.output(ri, old), crd, "kube-apiserver")
	// A refusal is the controller's to log and retry; kubesem's own
	// writes here are built to be accepted.
	_, _ = s.update(ri, "status", "", in, false)
}

// acceptNames is the naming and establishing controllers' sync.
func (s *Server) acceptNames(ri *resourceInfo, stored *apiextensionsv1.CustomResourceDefinition) {
	crd := stored.DeepCopy()
	resources, kinds := map[string]bool{}, map[string]bool{}
	for _, o := range s.tables[ri.storage].list("") {
		other := o.obj.(*apiextensionsv1.CustomResourceDefinition)
		if other.Name == crd.Name || other.Spec.Group != crd.Spec.Group {
			continue
		}
		an := other.Status.AcceptedNames
		for _, n := range append([]string{an.Plural, an.Singular}, an.ShortNames...) {
			if n != "" {
				resources[n] = true
			}
		}
		if an.Kind != "" {
			kinds[an.Kind] = true
		}
		if an.ListKind != "" {
			kinds[an.ListKind] = true
		}
	}
	want, have := crd.Spec.Names, crd.Status.AcceptedNames
	names := have
	accepted := apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionUnknown}
	conflict := func(reason string, used map[string]bool, w, h string) bool {
		if w == h || !used[w] {
			return false
		}
		accepted.Status, accepted.Reason, accepted.Message = apiextensionsv1.ConditionFalse, reason, fmt.Sprintf("%q is already in use", w)
		return true
	}
	if !conflict("PluralConflict", resources, want.Plural, have.Plural) {
		names.Plural = want.Plural
	}
	if !conflict("SingularConflict", resources, want.Singular, have.Singular) {
		names.Singular = want.Singular
	}
	if !slices.Equal(want.ShortNames, have.ShortNames) {
		var msgs []string
		for _, sn := range want.ShortNames {
			if !slices.Contains(have.ShortNames, sn) && resources[sn] {
				msgs = append(msgs, fmt.Sprintf("%q is already in use", sn))
			}
		}
		if len(msgs) > 0 {
			msg := strings.Join(msgs, ", ")
			if len(msgs) > 1 {
				msg = "[" + msg + "]"
			}
			accepted.Status, accepted.Reason, accepted.Message = apiextensionsv1.ConditionFalse, "ShortNamesConflict", msg
		} else {
			names.ShortNames = want.ShortNames
		}
	}
	if !conflict("KindConflict", kinds, want.Kind, have.Kind) {
		names.Kind = want.Kind
	}
	if !conflict("ListKindConflict", kinds, want.ListKind, have.ListKind) {
		names.ListKind = want.ListKind
	}
	names.Categories = want.Categories
	if accepted.Status == apiextensionsv1.ConditionUnknown {
		accepted.Status, accepted.Reason, accepted.Message = apiextensionsv1.ConditionTrue, "NoConflicts", "no conflicts found"
	}
	established := apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Established,
		Status: apiextensionsv1.ConditionFalse, Reason: "NotAccepted", Message: "not all names are accepted"}
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established {
			established = c
		}
	}
	if established.Status != apiextensionsv1.ConditionTrue && accepted.Status == apiextensionsv1.ConditionTrue {
		established = apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Established,
			Status: apiextensionsv1.ConditionFalse, Reason: "Installing", Message: "the initial names have been accepted"}
	}
	crd.Status.AcceptedNames = names
	s.setCRDCondition(crd, accepted)
	s.setCRDCondition(crd, established)
	s.crdStatusWrite(ri, stored, crd)

	// The establishing controller.
	cur, ok := s.tables[ri.storage].get(Key{Name: crd.Name}).(*apiextensionsv1.CustomResourceDefinition)
	if !ok || crdCondition(cur, apiextensionsv1.NamesAccepted) != apiextensionsv1.ConditionTrue || crdEstablished(cur) {
		return
	}
	next := cur.DeepCopy()
	s.setCRDCondition(next, apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Established,
		Status: apiextensionsv1.ConditionTrue, Reason: "InitialNamesAccepted", Message: "the initial names have been accepted"})
	s.crdStatusWrite(ri, cur, next)
}

// markCRDDeleting is the definition store's delete: the first delete only
// sets deletionTimestamp, the cleanup finalizer and the Terminating
// condition.
func (s *Server) markCRDDeleting(ri *resourceInfo, old *apiextensionsv1.CustomResourceDefinition, dry bool) Object {
	crd := old.DeepCopy()
	if crd.DeletionTimestamp == nil {
		now := metav1.NewTime(s.now().Truncate(1e9))
		crd.DeletionTimestamp = &now
	}
	if !slices.Contains(crd.Finalizers, crdCleanupFinalizer) {
		crd.Finalizers = append(crd.Finalizers, crdCleanupFinalizer)
	}
	s.setCRDCondition(crd, apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating,
		Status: apiextensionsv1.ConditionTrue, Reason: "InstanceDeletionPending",
		Message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"})
	if !dry {
		s.commit(ri, watch.Modified, old, crd)
	}
	return crd
}

// finalizeCRD is the CRD finalizer's sync: every custom resource of the
// definition is deleted; when none is left the finalizer goes (and with
// it the definition). Custom resources held by their own finalizers keep
// it waiting; each removal tries again.
func (s *Server) finalizeCRD(ri *resourceInfo, stored *apiextensionsv1.CustomResourceDefinition) {
	if !slices.Contains(stored.Finalizers, crdCleanupFinalizer) {
		return
	}
	crd := stored.DeepCopy()
	s.setCRDCondition(crd, apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating,
		Status: apiextensionsv1.ConditionTrue, Reason: "InstanceDeletionInProgress", Message: "CustomResource deletion is in progress"})
	s.crdStatusWrite(ri, stored, crd)
	storage := schema.GroupResource{Group: crd.Spec.Group, Resource: crd.Status.AcceptedNames.Plural}
	cri := s.customResourceInfo(storage)
	if cri != nil && crdEstablished(crd) {
		for _, sl := range s.tables[storage].list("") {
			if sl.obj.GetDeletionTimestamp() != nil {
				continue
			}
			_, _, _ = s.delete(cri, sl.obj, &metav1.DeleteOptions{}, false)
		}
		if len(s.tables[storage].list("")) > 0 {
			return // MODEL: upstream polls every 5 s for a minute, then retries
		}
	}
	cur, ok := s.tables[ri.storage].get(Key{Name: crd.Name}).(*apiextensionsv1.CustomResourceDefinition)
	if !ok {
		return
	}
	done := cur.DeepCopy()
	switch {
	case cri != nil && crdEstablished(crd):
		s.setCRDCondition(done, apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating,
			Status: apiextensionsv1.ConditionFalse, Reason: "InstanceDeletionCompleted", Message: "removed all instances"})
	default:
		s.setCRDCondition(done, apiextensionsv1.CustomResourceDefinitionCondition{Type: apiextensionsv1.Terminating,
			Status: apiextensionsv1.ConditionFalse, Reason: "NeverEstablished", Message: "resource was never established"})
	}
	done.Finalizers = slices.DeleteFunc(done.Finalizers, func(f string) bool { return f == crdCleanupFinalizer })
	s.crdStatusWrite(ri, cur, done)
}
