package rollout

import (
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DeploymentKind is the kind of a ReplicaSet's controller reference.
var DeploymentKind = appsv1.SchemeGroupVersion.WithKind("Deployment")

// MaxRevisionHistoryLength caps the revision-history annotation (C-7).
const MaxRevisionHistoryLength = 2000

// SetNewReplicaSetAnnotations returns a copy of the new ReplicaSet with
// the annotations the controller keeps on it (H-4, R-2), and whether they
// changed: every Deployment annotation outside the skip list that is
// missing or different; the revision raised to newRevision when lower
// (never lowered), the former revision appended to revision-history when
// there was one (trimmed from the front to 2000 characters); and, for a
// ReplicaSet about to be created (exists false), the desired- and
// max-replicas annotations. A non-numeric revision on the ReplicaSet
// reports no change at all — upstream's quirk (R-2 d).
func SetNewReplicaSetAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision string, exists bool) (*appsv1.ReplicaSet, bool) {
	out := rs.DeepCopy()
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
	}
	changed := false
	for k, v := range d.Annotations {
		if cur, ok := out.Annotations[k]; skipAnnotation(k) || (ok && cur == v) {
			continue
		}
		out.Annotations[k] = v
		changed = true
	}
	oldRevision, had := out.Annotations[RevisionAnnotation]
	old, err := strconv.ParseInt(oldRevision, 10, 64)
	if err != nil {
		if oldRevision != "" {
			return out, false
		}
		old = 0
	}
	newRev, err := strconv.ParseInt(newRevision, 10, 64)
	if err != nil {
		return out, false
	}
	if old < newRev {
		out.Annotations[RevisionAnnotation] = newRevision
		changed = true
		if had {
			appendRevisionHistory(out.Annotations, oldRevision)
		}
	}
	if !exists && setReplicasAnnotations(out.Annotations, replicas(d), replicas(d)+MaxSurge(d)) {
		changed = true
	}
	return out, changed
}

func appendRevisionHistory(a map[string]string, oldRevision string) {
	history := a[RevisionHistoryAnnotation]
	entries := strings.Split(history, ",")
	if entries[0] == "" {
		a[RevisionHistoryAnnotation] = oldRevision
		return
	}
	total := len(history) + len(oldRevision) + 1
	start := 0
	for total > MaxRevisionHistoryLength && start < len(entries) {
		total -= len(entries[start]) + 1
		start++
	}
	if total <= MaxRevisionHistoryLength {
		a[RevisionHistoryAnnotation] = strings.Join(append(entries[start:], oldRevision), ",")
	}
}

// setReplicasAnnotations writes the desired- and max-replicas annotations
// and reports whether they changed.
func setReplicasAnnotations(a map[string]string, desired, maxReplicas int32) bool {
	changed := false
	for k, v := range map[string]string{DesiredReplicasAnnotation: strconv.Itoa(int(desired)), MaxReplicasAnnotation: strconv.Itoa(int(maxReplicas))} {
		if a[k] != v {
			a[k] = v
			changed = true
		}
	}
	return changed
}

// NewReplicaSet is the ReplicaSet the controller creates for the
// Deployment's current template (H-3, H-4): named "<deployment>-<hash>",
// controlled by the Deployment, with the hash label added to its labels,
// selector and template, the Deployment's minReadySeconds, the size a
// rollout allows now (NewRSReplicas with the old ReplicaSets and this one
// at 0), and the annotations of SetNewReplicaSetAnnotations with revision
// max(old revisions) + 1.
func NewReplicaSet(d *appsv1.Deployment, oldRSs []*appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	template := *d.Spec.Template.DeepCopy()
	hash := ComputeHash(&template, d.Status.CollisionCount)
	template.Labels = withLabel(d.Spec.Template.Labels, hash)
	sel := d.Spec.Selector.DeepCopy()
	if sel == nil {
		sel = &metav1.LabelSelector{}
	}
	sel.MatchLabels = withLabel(sel.MatchLabels, hash)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:            ReplicaSetName(d.Name, hash),
			Namespace:       d.Namespace,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, DeploymentKind)},
			Labels:          template.Labels,
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: new(int32), MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: template},
	}
	n, err := NewRSReplicas(d, append(append([]*appsv1.ReplicaSet{}, oldRSs...), rs), rs)
	if err != nil {
		return nil, err
	}
	*rs.Spec.Replicas = n
	rs, _ = SetNewReplicaSetAnnotations(d, rs, strconv.FormatInt(MaxRevision(oldRSs)+1, 10), false)
	return rs, nil
}

func withLabel(m map[string]string, hash string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out[PodTemplateHashLabel] = hash
	return out
}
