package rollout_test

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/rollout"
)

// rsRev is an old ReplicaSet of http-go with a revision, an image and a
// change-cause.
func rsRev(name, rev, image, cause string) *appsv1.ReplicaSet {
	d := httpGo()
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), Annotations: map[string]string{rollout.RevisionAnnotation: rev}}}
	if cause != "" {
		rs.Annotations[rollout.ChangeCauseAnnotation] = cause
	}
	rs.Spec.Template = *d.Spec.Template.DeepCopy()
	rs.Spec.Template.Labels["pod-template-hash"] = name
	rs.Spec.Template.Spec.Containers[0].Image = image
	rs.Spec.Replicas = ptr(int32(0))
	return rs
}

func TestHistory(t *testing.T) {
	d := httpGo()
	rss := []*appsv1.ReplicaSet{
		rsRev("a", "1", "gasbugs/http-go:v1", ""),
		rsRev("b", "3", "gasbugs/http-go:v3", "foo change cause"),
	}
	want := "REVISION  CHANGE-CAUSE\n1         <none>\n3         foo change cause\n"
	if got := rollout.History(d, rss); got != want {
		t.Errorf("KH-2:\n%q\nwant\n%q", got, want)
	}
	if got := rollout.HistoryOutput(d, rss); !strings.HasPrefix(got, "deployment.apps/http-go \nREVISION") || !strings.HasSuffix(got, "cause\n\n") {
		t.Errorf("KH-3: %q", got)
	}
	if got := rollout.History(d, nil); got != "No rollout history found." {
		t.Errorf("KH-1: %q", got)
	}
	if _, err := rollout.HistoryRevision(d, rss, 2); err == nil || err.Error() != "unable to find the specified revision" {
		t.Errorf("KH-3: %v", err)
	}
	if tpl, err := rollout.HistoryRevision(d, rss, 3); err != nil || tpl.Spec.Containers[0].Image != "gasbugs/http-go:v3" || tpl.Annotations[rollout.ChangeCauseAnnotation] != "foo change cause" {
		t.Errorf("KH-1 the change-cause is shown with the template: %v %v", tpl, err)
	}
}

func TestUndo(t *testing.T) {
	d := httpGo()
	d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v3"
	d.Annotations = map[string]string{rollout.RevisionAnnotation: "3", "kubernetes.io/change-cause": "v3"}
	v1, v2 := rsRev("a", "1", "gasbugs/http-go:v1", "v1"), rsRev("b", "2", "gasbugs/http-go:v2", "v2")
	cur := rsRev("c", "3", "gasbugs/http-go:v3", "v3")
	rss := []*appsv1.ReplicaSet{v1, v2, cur}

	out, msg, err := rollout.Undo(d, rss, 0)
	if err != nil || msg != "deployment.apps/http-go rolled back" || out.Spec.Template.Spec.Containers[0].Image != "gasbugs/http-go:v2" {
		t.Fatalf("KU-2 undo goes to the previous revision: %v %q %v", out, msg, err)
	}
	if _, ok := out.Spec.Template.Labels["pod-template-hash"]; ok {
		t.Error("KU-6 the hash label is removed")
	}
	want := map[string]string{rollout.RevisionAnnotation: "3", "kubernetes.io/change-cause": "v2"}
	for k, v := range want {
		if out.Annotations[k] != v {
			t.Errorf("KU-6 annotation %s = %q, want %q", k, out.Annotations[k], v)
		}
	}
	if out, _, _ := rollout.Undo(d, rss, 1); out.Spec.Template.Spec.Containers[0].Image != "gasbugs/http-go:v1" {
		t.Error("KU-2 --to-revision=1")
	}
	if _, _, err := rollout.Undo(d, rss, 7); err == nil || err.Error() != "unable to find specified revision 7 in history" {
		t.Errorf("KU-2: %v", err)
	}
	if _, _, err := rollout.Undo(d, rss, -1); err == nil || err.Error() != "unable to find specified revision -1 in history" {
		t.Errorf("KU-1: %v", err)
	}
	if _, msg, _ := rollout.Undo(d, rss, 3); msg != "deployment.apps/http-go skipped rollback (current template already matches revision 3)" {
		t.Errorf("KU-5: %q", msg)
	}
	if _, _, err := rollout.Undo(d, []*appsv1.ReplicaSet{cur}, 0); err == nil || err.Error() != `no rollout history found for deployment "http-go"` {
		t.Errorf("KU-2 no previous: %v", err)
	}
	d.Spec.Paused = true
	if _, _, err := rollout.Undo(d, rss, 0); err == nil || !strings.HasPrefix(err.Error(), "you cannot rollback a paused deployment") {
		t.Errorf("KU-4: %v", err)
	}
	if _, _, err := rollout.Undo(d, rss, 9); err == nil || err.Error() != "unable to find specified revision 9 in history" {
		t.Errorf("KU-4 the revision is looked up before the pause is checked: %v", err)
	}
}

func TestPauseResumeRestartSetImage(t *testing.T) {
	d := httpGo()
	p, msg, err := rollout.Pause(d)
	if err != nil || !p.Spec.Paused || msg != "deployment.apps/http-go paused" {
		t.Errorf("KH-4: %v %q", err, msg)
	}
	if _, _, err := rollout.Pause(p); err == nil || err.Error() != `deployments.apps "http-go" is already paused` {
		t.Errorf("KH-4: %v", err)
	}
	if _, _, err := rollout.Resume(d); err == nil || err.Error() != `deployments.apps "http-go" is not paused` {
		t.Errorf("KH-5: %v", err)
	}
	if _, _, err := rollout.Restart(p, t0); err == nil || err.Error() != "can't restart paused deployment (run rollout resume first)" {
		t.Errorf("KH-6: %v", err)
	}
	r, _, _ := rollout.Restart(d, t0)
	if r.Spec.Template.Annotations[rollout.RestartedAtAnnotation] != "2026-11-27T09:00:00Z" || rollout.EqualIgnoreHash(&r.Spec.Template, &d.Spec.Template) {
		t.Error("KH-6: the restart annotation makes a new template")
	}
	s, msg, err := rollout.SetImage(d, map[string]string{"http-go": "gasbugs/http-go:v2"})
	if err != nil || msg != "deployment.apps/http-go image updated" || s.Spec.Template.Spec.Containers[0].Image != "gasbugs/http-go:v2" {
		t.Errorf("KH-7: %v %q", err, msg)
	}
	if _, msg, _ := rollout.SetImage(d, map[string]string{"http-go": "gasbugs/http-go:v1"}); msg != "" {
		t.Errorf("KH-7 nothing changed, nothing printed: %q", msg)
	}
	if _, _, err := rollout.SetImage(d, map[string]string{"nginx": "x"}); err == nil || err.Error() != `error: unable to find container named "nginx"` {
		t.Errorf("KH-7: %v", err)
	}
}

func TestRolloutStatus(t *testing.T) {
	d := httpGo()
	d.Generation, d.Status.ObservedGeneration = 2, 1
	if msg, done, _ := rollout.RolloutStatus(d); done || msg != "Waiting for deployment spec update to be observed...\n" {
		t.Errorf("KH-8: %q", msg)
	}
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, UpdatedReplicas: 1, AvailableReplicas: 4}
	if msg, _, _ := rollout.RolloutStatus(d); msg != "Waiting for deployment \"http-go\" rollout to finish: 1 out of 3 new replicas have been updated...\n" {
		t.Errorf("KH-8: %q", msg)
	}
	d.Status.UpdatedReplicas = 3
	if msg, _, _ := rollout.RolloutStatus(d); msg != "Waiting for deployment \"http-go\" rollout to finish: 1 old replicas are pending termination...\n" {
		t.Errorf("KH-8: %q", msg)
	}
	d.Status.Replicas, d.Status.AvailableReplicas = 3, 2
	if msg, _, _ := rollout.RolloutStatus(d); msg != "Waiting for deployment \"http-go\" rollout to finish: 2 of 3 updated replicas are available...\n" {
		t.Errorf("KH-8: %q", msg)
	}
	d.Status.AvailableReplicas = 3
	if msg, done, _ := rollout.RolloutStatus(d); !done || msg != "deployment \"http-go\" successfully rolled out\n" {
		t.Errorf("KH-8: %q", msg)
	}
	d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: rollout.ReasonProgressDeadlineExceeded}}
	if _, _, err := rollout.RolloutStatus(d); err == nil || err.Error() != `deployment "http-go" exceeded its progress deadline` {
		t.Errorf("KH-8: %v", err)
	}
}

func TestBlueGreenRefusesMixing(t *testing.T) {
	blue := httpGo()
	if _, err := rollout.BlueGreen(blue, "version", "green", blue.Spec.Template, map[string]string{"app": "http-go"}); err == nil {
		t.Error("blue pods without a colour label would let the Service select green pods too")
	}
	blue.Spec.Template.Labels["version"] = "blue"
	if _, err := rollout.BlueGreen(blue, "version", "green", blue.Spec.Template, map[string]string{"app": "http-go"}); err == nil {
		t.Error("a Service selector without the colour selects both")
	}
	if steps, err := rollout.BlueGreen(blue, "version", "green", blue.Spec.Template, map[string]string{"app": "http-go", "version": "blue"}); err != nil || steps[0].Create.Spec.Template.Labels["version"] != "green" || *steps[3].Scale.Spec.Replicas != 0 {
		t.Errorf("steps: %v %v", steps, err)
	}
}

// RB-1 … RB-4: the controller's answer to the legacy rollback annotation.
func TestLegacyRollback(t *testing.T) {
	d := rollout.Default(httpGo())
	d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	d.Annotations = map[string]string{rollout.RevisionAnnotation: "2", rollout.RollbackToAnnotation: "1", "team": "web"}
	v1 := rsRev("a", "1", "gasbugs/http-go:v1", "v1 cause")
	v2 := rsRev("b", "2", "gasbugs/http-go:v2", "")
	v2.Spec.Template = *d.Spec.Template.DeepCopy()
	v2.Spec.Template.Labels["pod-template-hash"] = "b"
	plan, err := rollout.Sync(d, []*appsv1.ReplicaSet{v1, v2}, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	u := plan.Update
	if u == nil || u.Spec.Template.Spec.Containers[0].Image != "gasbugs/http-go:v1" || u.Spec.Template.Labels["pod-template-hash"] != "" {
		t.Fatalf("RB-3 template: %+v", u)
	}
	if _, ok := u.Annotations[rollout.RollbackToAnnotation]; ok || u.Annotations["kubernetes.io/change-cause"] != "v1 cause" || u.Annotations["team"] != "" || u.Annotations[rollout.RevisionAnnotation] != "2" {
		t.Errorf("RB-3 annotations: %v", u.Annotations)
	}
	if len(plan.Events) == 0 || plan.Events[len(plan.Events)-1].Message != `Rolled back deployment "http-go" to revision 1` {
		t.Errorf("RB-3 event: %v", plan.Events)
	}
	d.Annotations[rollout.RollbackToAnnotation] = "9"
	plan, _ = rollout.Sync(d, []*appsv1.ReplicaSet{v1, v2}, nil, t0)
	if plan.Update == nil || plan.Events[len(plan.Events)-1].Message != "Unable to find the revision to rollback to." {
		t.Errorf("RB-4: %v", plan.Events)
	}
	d.Annotations[rollout.RollbackToAnnotation] = "2"
	plan, _ = rollout.Sync(d, []*appsv1.ReplicaSet{v1, v2}, nil, t0)
	if plan.Events[len(plan.Events)-1].Reason != "DeploymentRollbackTemplateUnchanged" {
		t.Errorf("RB-3 unchanged: %v", plan.Events)
	}
	d.Annotations[rollout.RollbackToAnnotation] = "0"
	plan, _ = rollout.Sync(d, []*appsv1.ReplicaSet{v2}, nil, t0)
	if plan.Events[len(plan.Events)-1].Message != "Unable to find last revision." {
		t.Errorf("RB-2: %v", plan.Events)
	}
}

// PG-5, PG-6, PG-8: a rollout whose pods never become available fails
// its progress deadline, strictly after it; until then Sync asks to look
// again when the deadline will have passed.
func TestProgressDeadline(t *testing.T) {
	d := rollout.Default(httpGo())
	d.Annotations, d.Spec.MinReadySeconds = nil, 0
	d.Spec.ProgressDeadlineSeconds = ptr(int32(30))
	w := &world{d: d, broken: map[string]bool{"gasbugs/http-go:bad": true}, now: t0}
	var nb nopBuilder
	w.settleQuiet(&nb)
	w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:bad"
	w.d.Generation++
	var requeue []string
	for i := 0; i < 40; i++ {
		w.now = w.now.Add(1e9)
		plan, err := rollout.Sync(w.d, w.rss, nil, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if plan.RequeueAfter > 0 && len(requeue) < 1 {
			requeue = append(requeue, plan.RequeueAfter.String())
		}
		w.apply(plan)
		w.observe()
	}
	c := w.d.Status.Conditions
	last := c[len(c)-1]
	if last.Type != appsv1.DeploymentProgressing || last.Reason != rollout.ReasonProgressDeadlineExceeded || last.Status != corev1.ConditionFalse ||
		!strings.HasSuffix(last.Message, "has timed out progressing.") {
		t.Fatalf("PG-6: %+v", c)
	}
	if _, _, err := rollout.RolloutStatus(w.d); err == nil || err.Error() != `deployment "http-go" exceeded its progress deadline` {
		t.Errorf("KH-8: %v", err)
	}
	// The last progress was the new ReplicaSet's pod count at about 2 s;
	// the first look that finds nothing to do asks again for that + 30 s
	// + 1 s (PG-8).
	if len(requeue) == 0 {
		t.Fatal("PG-8: no requeue while waiting for the deadline")
	}
}
