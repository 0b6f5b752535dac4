package rollout

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// RestartedAtAnnotation is the template annotation kubectl rollout
// restart sets.
const RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"

// kubectlOrder is the order kubectl sees a Deployment's ReplicaSets in:
// the old ones as the API lists them (by name), then the new one.
func kubectlOrder(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	newRS := FindNewReplicaSet(d, rss)
	var out []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs != nil && (newRS == nil || rs.UID != newRS.UID) {
			out = append(out, rs)
		}
	}
	slices.SortStableFunc(out, func(a, b *appsv1.ReplicaSet) int { return strings.Compare(a.Name, b.Name) })
	if newRS != nil {
		out = append(out, newRS)
	}
	return out
}

// History renders `kubectl rollout history deployment/<name>` (KH-1 …
// KH-3): one row per revision, ascending, with the ReplicaSet's
// kubernetes.io/change-cause annotation or <none>; a revision held by two
// ReplicaSets shows the new one's. Without ReplicaSets: "No rollout
// history found.".
func History(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) string {
	templates := historyTemplates(d, rss)
	if len(templates) == 0 {
		return "No rollout history found."
	}
	revs := make([]int64, 0, len(templates))
	for r := range templates {
		revs = append(revs, r)
	}
	slices.Sort(revs)
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	fmt.Fprintf(w, "REVISION\tCHANGE-CAUSE\n")
	for _, r := range revs {
		cause := templates[r].Annotations[ChangeCauseAnnotation]
		if cause == "" {
			cause = "<none>"
		}
		fmt.Fprintf(w, "%d\t%s\n", r, cause)
	}
	w.Flush()
	return buf.String()
}

// HistoryOutput is what kubectl prints for rollout history: the
// "deployment.apps/<name> " line (with its trailing space), the table and
// a blank line.
func HistoryOutput(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) string {
	return fmt.Sprintf("deployment.apps/%s \n%s\n", d.Name, History(d, rss))
}

func historyTemplates(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) map[int64]*corev1.PodTemplateSpec {
	out := map[int64]*corev1.PodTemplateSpec{}
	for _, rs := range kubectlOrder(d, rss) {
		v, err := Revision(rs.Annotations)
		if err != nil {
			continue
		}
		t := rs.Spec.Template.DeepCopy()
		if t.Annotations == nil {
			t.Annotations = map[string]string{}
		}
		if cause := rs.Annotations[ChangeCauseAnnotation]; cause != "" {
			t.Annotations[ChangeCauseAnnotation] = cause
		}
		out[v] = t
	}
	return out
}

// HistoryRevision is the pod template of one revision, as `rollout
// history --revision=N` describes it; errors with kubectl's texts.
func HistoryRevision(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, revision int64) (*corev1.PodTemplateSpec, error) {
	if revision < 0 {
		return nil, fmt.Errorf("revision must be a positive integer: %d", revision)
	}
	t, ok := historyTemplates(d, rss)[revision]
	if !ok {
		return nil, errors.New("unable to find the specified revision")
	}
	return t, nil
}

// Undo decides `kubectl rollout undo deployment/<name> [--to-revision=N]`
// (KU-1 … KU-6): the Deployment to write — the template of the chosen
// ReplicaSet without its pod-template-hash label, and the annotations
// kubectl sends — and kubectl's message. When the current template
// already matches, the Deployment is nil and the message says the
// rollback was skipped (naming the flag's revision, 0 by default).
func Undo(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, toRevision int64) (*appsv1.Deployment, string, error) {
	if toRevision < 0 {
		return nil, "", fmt.Errorf("unable to find specified revision %v in history", toRevision)
	}
	var target, latest, previous *appsv1.ReplicaSet
	latestRev, previousRev := int64(-1), int64(-1)
	for _, rs := range kubectlOrder(d, rss) {
		v, err := Revision(rs.Annotations)
		if err != nil {
			continue
		}
		if toRevision > 0 {
			if v == toRevision {
				target = rs
				break
			}
			continue
		}
		switch {
		case latestRev < v:
			previousRev, previous = latestRev, latest
			latestRev, latest = v, rs
		case previousRev < v:
			previousRev, previous = v, rs
		}
	}
	switch {
	case toRevision > 0 && target == nil:
		return nil, "", fmt.Errorf("unable to find specified revision %v in history", toRevision)
	case toRevision == 0 && previous == nil:
		return nil, "", fmt.Errorf("no rollout history found for deployment %q", d.Name)
	case toRevision == 0:
		target = previous
	}
	if d.Spec.Paused {
		return nil, "", errors.New("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again")
	}
	if EqualIgnoreHash(&target.Spec.Template, &d.Spec.Template) {
		return nil, fmt.Sprintf("deployment.apps/%s skipped rollback (current template already matches revision %d)", d.Name, toRevision), nil
	}
	out := d.DeepCopy()
	out.Spec.Template = *target.Spec.Template.DeepCopy()
	delete(out.Spec.Template.Labels, PodTemplateHashLabel)
	annotations := rollbackAnnotations(d.Annotations, target.Annotations)
	out.Annotations = annotations
	return out, fmt.Sprintf("deployment.apps/%s rolled back", d.Name), nil
}

// Pause decides `kubectl rollout pause` (KH-4).
func Pause(d *appsv1.Deployment) (*appsv1.Deployment, string, error) {
	if d.Spec.Paused {
		return nil, "", fmt.Errorf("deployments.apps %q is already paused", d.Name)
	}
	out := d.DeepCopy()
	out.Spec.Paused = true
	return out, fmt.Sprintf("deployment.apps/%s paused", d.Name), nil
}

// Resume decides `kubectl rollout resume` (KH-5).
func Resume(d *appsv1.Deployment) (*appsv1.Deployment, string, error) {
	if !d.Spec.Paused {
		return nil, "", fmt.Errorf("deployments.apps %q is not paused", d.Name)
	}
	out := d.DeepCopy()
	out.Spec.Paused = false
	return out, fmt.Sprintf("deployment.apps/%s resumed", d.Name), nil
}

// Restart decides `kubectl rollout restart` at now (KH-6): the template
// annotation kubectl.kubernetes.io/restartedAt, which makes a new
// revision.
func Restart(d *appsv1.Deployment, now time.Time) (*appsv1.Deployment, string, error) {
	if d.Spec.Paused {
		return nil, "", errors.New("can't restart paused deployment (run rollout resume first)")
	}
	out := d.DeepCopy()
	if out.Spec.Template.Annotations == nil {
		out.Spec.Template.Annotations = map[string]string{}
	}
	out.Spec.Template.Annotations[RestartedAtAnnotation] = now.Format(time.RFC3339)
	return out, fmt.Sprintf("deployment.apps/%s restarted", d.Name), nil
}

// SetImage decides `kubectl set image deployment/<name> <container>=<image>
// ...` (KH-7): every container and init container of that name ("*" for
// all) gets the image. The message is empty when nothing changed.
func SetImage(d *appsv1.Deployment, images map[string]string) (*appsv1.Deployment, string, error) {
	if _, all := images["*"]; all && len(images) > 1 {
		return nil, "", errors.New("all containers are already specified by *, but saw more than one container_name=container_image pairs")
	}
	out := d.DeepCopy()
	spec := &out.Spec.Template.Spec
	for _, name := range sortedKeys(images) {
		found := false
		for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
			for i := range cs {
				if name == "*" || cs[i].Name == name {
					cs[i].Image, found = images[name], true
				}
			}
		}
		if !found {
			return nil, "", fmt.Errorf("error: unable to find container named %q", name)
		}
	}
	if EqualIgnoreHash(&out.Spec.Template, &d.Spec.Template) {
		return out, "", nil
	}
	return out, fmt.Sprintf("deployment.apps/%s image updated", d.Name), nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// RolloutStatus is one look of `kubectl rollout status` (KH-8): the
// message kubectl prints, whether the rollout is done, or the error for a
// rollout past its progress deadline.
func RolloutStatus(d *appsv1.Deployment) (msg string, done bool, err error) {
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...\n", false, nil
	}
	if c := condition(d.Status.Conditions, appsv1.DeploymentProgressing); c != nil && c.Reason == ReasonProgressDeadlineExceeded {
		return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", d.Name)
	}
	s := d.Status
	switch {
	case d.Spec.Replicas != nil && s.UpdatedReplicas < *d.Spec.Replicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...\n", d.Name, s.UpdatedReplicas, *d.Spec.Replicas), false, nil
	case s.Replicas > s.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...\n", d.Name, s.Replicas-s.UpdatedReplicas), false, nil
	case s.AvailableReplicas < s.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...\n", d.Name, s.AvailableReplicas, s.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out\n", d.Name), true, nil
}
