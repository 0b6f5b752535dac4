package printers

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/kubesem/kubesem/rollout"
)

// DescribeDeployment renders `kubectl describe deployment` (kubectl's
// DeploymentDescriber) for d: name, namespace, creation time, labels,
// annotations, selector, the replica counts ("3 desired | 3 updated | 3
// total | 3 available | 0 unavailable"), strategy, min ready seconds, the
// rolling update's max unavailable and max surge, the pod template, the
// conditions, and, when d has any, its ReplicaSets: replicaSets are the
// ReplicaSets of its namespace, of which those d's selector matches and d
// controls are its own; the new one is the oldest whose template is d's
// (ignoring the pod-template-hash label), every other one is old, oldest
// first, each as "NAME (CURRENT/DESIRED replicas created)". events are
// the events of its namespace: with showEvents, those about d (by kind,
// name and UID) end the description, their ages taken at now; without,
// there is no Events section.
//
// MODEL: as for DescribeReplicaSet, a template whose layout kubesem does
// not model is an error; a nil spec.replicas (which kubectl cannot print)
// is shown as 1, the defaulted value.
func DescribeDeployment(d *appsv1.Deployment, replicaSets []*appsv1.ReplicaSet, events []*corev1.Event, now time.Time, showEvents bool) (string, error) {
	if d == nil {
		return "", fmt.Errorf("describe: nil Deployment")
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return "", err
	}
	if err := describable(&d.Spec.Template); err != nil {
		return "", fmt.Errorf("describe: deployments %q: %w", d.Name, err)
	}
	var owned []*appsv1.ReplicaSet
	for _, rs := range replicaSets {
		if rs == nil || rs.Namespace != d.Namespace || !sel.Matches(k8slabels.Set(rs.Labels)) {
			continue
		}
		if ref := metav1.GetControllerOfNoCopy(rs); ref != nil && ref.UID == d.UID {
			owned = append(owned, rs)
		}
	}
	newRS := rollout.FindNewReplicaSet(d, owned)
	_, oldRSs := rollout.FindOldReplicaSets(d, owned)
	var newRSs []*appsv1.ReplicaSet
	if newRS != nil {
		newRSs = append(newRSs, newRS)
	}
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", d.Name)
		w.line(0, "Namespace:\t%s\n", d.Namespace)
		w.line(0, "CreationTimestamp:\t%s\n", d.CreationTimestamp.Format(time.RFC1123Z))
		w.labels("Labels", d.Labels)
		w.annotations("Annotations", d.Annotations)
		w.line(0, "Selector:\t%s\n", sel.String())
		w.line(0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n",
			replicasOf(d.Spec.Replicas), d.Status.UpdatedReplicas, d.Status.Replicas, d.Status.AvailableReplicas, d.Status.UnavailableReplicas)
		w.line(0, "StrategyType:\t%s\n", d.Spec.Strategy.Type)
		w.line(0, "MinReadySeconds:\t%d\n", d.Spec.MinReadySeconds)
		if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
			w.line(0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", ru.MaxUnavailable.String(), ru.MaxSurge.String())
		}
		w.podTemplate(&d.Spec.Template)
		if len(d.Status.Conditions) > 0 {
			w.line(0, "Conditions:\n  Type\tStatus\tReason\n")
			w.line(1, "----\t------\t------\n")
			for _, c := range d.Status.Conditions {
				w.line(1, "%v \t%v\t%v\n", c.Type, c.Status, c.Reason)
			}
		}
		if len(oldRSs) > 0 || len(newRSs) > 0 {
			w.line(0, "OldReplicaSets:\t%s\n", replicaSetList(oldRSs))
			w.line(0, "NewReplicaSet:\t%s\n", replicaSetList(newRSs))
		}
		if showEvents {
			w.events(eventsMatching(events, "Deployment", d.Namespace, d.Name, d.UID), now)
		}
	}), nil
}

// replicasOf is a replicas field, 1 when unset.
func replicasOf(n *int32) int32 {
	if n == nil {
		return 1
	}
	return *n
}

// replicaSetList is "a (1/2 replicas created), b (0/0 replicas created)",
// "<none>" for none.
func replicaSetList(rss []*appsv1.ReplicaSet) string {
	if len(rss) == 0 {
		return "<none>"
	}
	parts := make([]string, len(rss))
	for i, rs := range rss {
		parts[i] = fmt.Sprintf("%s (%d/%d replicas created)", rs.Name, rs.Status.Replicas, replicasOf(rs.Spec.Replicas))
	}
	return strings.Join(parts, ", ")
}
