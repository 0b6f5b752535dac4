package rollout

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
)

// Annotations the Deployment controller writes (C-2).
const (
	RevisionAnnotation        = "deployment.kubernetes.io/revision"
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	RollbackToAnnotation      = "deprecated.deployment.rollback.to"
	ChangeCauseAnnotation     = "kubernetes.io/change-cause"
	lastAppliedAnnotation     = "kubectl.kubernetes.io/last-applied-configuration"
)

// rollbackAnnotations are a Deployment's annotations after a rollback to a
// ReplicaSet: its own skipped ones (revision, desired/max replicas, …)
// kept, everything else taken from the ReplicaSet, as both the controller
// and kubectl rollout undo do (RB-*, KU-*).
func rollbackAnnotations(deployment, from map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range deployment {
		if skipAnnotation(k) {
			out[k] = v
		}
	}
	for k, v := range from {
		if !skipAnnotation(k) {
			out[k] = v
		}
	}
	return out
}

// skipAnnotation reports whether an annotation is never copied between a
// Deployment and its ReplicaSets (C-3).
func skipAnnotation(k string) bool {
	switch k {
	case lastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation:
		return true
	}
	return false
}

// EqualIgnoreHash reports whether two pod templates are equal once their
// pod-template-hash labels are removed (N-2), with the apiserver's semantic
// equality (nil and empty alike, quantities by value). The inputs are not
// modified.
func EqualIgnoreHash(a, b *corev1.PodTemplateSpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	// Without copying the templates (a Deployment sync compares its
	// template with every ReplicaSet's, several times): the labels but
	// the hash, the rest of the metadata, then the spec, whose plain
	// equality (the stricter) spares the semantic comparison's calls.
	if !equalLabelsBut(a.Labels, b.Labels, PodTemplateHashLabel) {
		return false
	}
	am, bm := a.ObjectMeta, b.ObjectMeta
	am.Labels, bm.Labels = nil, nil
	if !apiequality.Semantic.DeepEqual(am, bm) {
		return false
	}
	return reflect.DeepEqual(&a.Spec, &b.Spec) || apiequality.Semantic.DeepEqual(&a.Spec, &b.Spec)
}

// equalLabelsBut reports whether two label sets are the same once the key
// ignored is left out of both.
func equalLabelsBut(a, b map[string]string, ignored string) bool {
	n := 0
	for k, v := range a {
		if k == ignored {
			continue
		}
		if w, ok := b[k]; !ok || w != v {
			return false
		}
		n++
	}
	m := len(b)
	if _, ok := b[ignored]; ok {
		m--
	}
	return n == m
}

// byCreation orders ReplicaSets oldest first, equal times by name (N-5).
func byCreation(a, b *appsv1.ReplicaSet) int {
	if a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return strings.Compare(a.Name, b.Name)
	}
	if a.CreationTimestamp.Before(&b.CreationTimestamp) {
		return -1
	}
	return 1
}

// SortByCreation returns the ReplicaSets oldest first, equal creation
// times by name (N-5); nil entries are dropped. The input is not modified.
func SortByCreation(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	out := slices.DeleteFunc(slices.Clone(rss), func(rs *appsv1.ReplicaSet) bool { return rs == nil })
	slices.SortStableFunc(out, byCreation)
	return out
}

// FindNewReplicaSet returns the Deployment's new ReplicaSet (N-3): the
// oldest whose template equals the Deployment's ignoring the hash label,
// or nil.
func FindNewReplicaSet(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if d == nil {
		return nil
	}
	for _, rs := range SortByCreation(rss) {
		if EqualIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
			return rs
		}
	}
	return nil
}

// FindOldReplicaSets returns the ReplicaSets other than the new one (N-4),
// oldest first: those with replicas and all of them.
func FindOldReplicaSets(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) (withReplicas, all []*appsv1.ReplicaSet) {
	newRS := FindNewReplicaSet(d, rss)
	for _, rs := range SortByCreation(rss) {
		if newRS != nil && rs.UID == newRS.UID {
			continue
		}
		all = append(all, rs)
		if rsReplicas(rs) != 0 {
			withReplicas = append(withReplicas, rs)
		}
	}
	return withReplicas, all
}

// Revision is a ReplicaSet's (or Deployment's) revision annotation: 0 when
// it has none, an error when it is not a decimal int64 (N-5, R-1).
func Revision(annotations map[string]string) (int64, error) {
	v, ok := annotations[RevisionAnnotation]
	if !ok {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// MaxRevision is the largest parsable revision among the ReplicaSets, 0
// when none has one.
func MaxRevision(rss []*appsv1.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		if v, err := Revision(rs.Annotations); err == nil && v > m {
			m = v
		}
	}
	return m
}

// LastRevision is the second largest revision — with upstream's quirk that
// a repeated maximum is returned as it is (RB-2: [3,1,3] gives 3).
func LastRevision(rss []*appsv1.ReplicaSet) int64 {
	var m, second int64
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		v, err := Revision(rs.Annotations)
		switch {
		case err != nil:
		case v >= m:
			second, m = m, v
		case v > second:
			second = v
		}
	}
	return second
}

// nonNegativeAnnotation reads an int32 annotation as upstream does: a
// base-10 unsigned number no larger than 2147483647.
func nonNegativeAnnotation(rs *appsv1.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}
