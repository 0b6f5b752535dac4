package rollout_test

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/rollout"
)

func httpGo() *appsv1.Deployment {
	d := deployment(3, "25%", "25%")
	d.ObjectMeta = metav1.ObjectMeta{Name: "http-go", Namespace: "default", UID: "deploy-uid", Annotations: map[string]string{
		"kubernetes.io/change-cause": "kubectl create --filename=http-go-deploy-v1.yaml --record=true",
		rollout.RevisionAnnotation:   "7",
	}}
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go"}}
	d.Spec.MinReadySeconds = 10
	d.Spec.Template = corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "http-go"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "http-go", Image: "gasbugs/http-go:v1"}}},
	}
	return d
}

func TestNewReplicaSet(t *testing.T) {
	d := httpGo()
	rs, err := rollout.NewReplicaSet(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	hash := rollout.ComputeHash(&d.Spec.Template, nil)
	// H-3: name, owner, the hash label on labels, selector and template.
	if rs.Name != "http-go-"+hash || rs.Labels["pod-template-hash"] != hash || rs.Spec.Selector.MatchLabels["pod-template-hash"] != hash ||
		rs.Spec.Template.Labels["pod-template-hash"] != hash || rs.Spec.MinReadySeconds != 10 || rs.OwnerReferences[0].Kind != "Deployment" {
		t.Errorf("H-3: %+v", rs)
	}
	if _, ok := d.Spec.Template.Labels["pod-template-hash"]; ok {
		t.Error("the Deployment was modified")
	}
	// H-8: the first ReplicaSet is created at full size.
	if *rs.Spec.Replicas != 3 {
		t.Errorf("H-8: replicas %d", *rs.Spec.Replicas)
	}
	// H-4: revision 1 (not the Deployment's), desired 3, max 3+1, the
	// change-cause copied.
	want := map[string]string{
		"deployment.kubernetes.io/revision":         "1",
		"deployment.kubernetes.io/desired-replicas": "3",
		"deployment.kubernetes.io/max-replicas":     "4",
		"kubernetes.io/change-cause":                "kubectl create --filename=http-go-deploy-v1.yaml --record=true",
	}
	for k, v := range want {
		if rs.Annotations[k] != v {
			t.Errorf("H-4 %s = %q, want %q", k, rs.Annotations[k], v)
		}
	}
	// RU-8.1: with an old ReplicaSet at 3 the new one starts at 1.
	old := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "http-go-old", Annotations: map[string]string{rollout.RevisionAnnotation: "1"}}, Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(3))}}
	rs2, _ := rollout.NewReplicaSet(d, []*appsv1.ReplicaSet{old})
	if *rs2.Spec.Replicas != 1 || rs2.Annotations[rollout.RevisionAnnotation] != "2" {
		t.Errorf("RU-8: replicas %d revision %s", *rs2.Spec.Replicas, rs2.Annotations[rollout.RevisionAnnotation])
	}
}

// a re-used ReplicaSet gets the next revision and keeps its old
// number in revision-history; the history is trimmed from the front.
func TestRevisionHistory(t *testing.T) {
	d := httpGo()
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{rollout.RevisionAnnotation: "1"}}}
	got, changed := rollout.SetNewReplicaSetAnnotations(d, rs, "4", true)
	if !changed || got.Annotations[rollout.RevisionAnnotation] != "4" || got.Annotations[rollout.RevisionHistoryAnnotation] != "1" {
		t.Errorf("R-4: %v", got.Annotations)
	}
	if rs.Annotations[rollout.RevisionAnnotation] != "1" {
		t.Error("input modified")
	}
	long := strings.TrimSuffix(strings.Repeat("1234567,", 250), ",") // 1999 characters
	rs.Annotations[rollout.RevisionHistoryAnnotation] = long
	got, _ = rollout.SetNewReplicaSetAnnotations(d, rs, "4", true)
	if h := got.Annotations[rollout.RevisionHistoryAnnotation]; len(h) > 2000 || !strings.HasSuffix(h, ",1") || strings.HasPrefix(h, "1234567,1234567,1234567,1234567") == false {
		t.Errorf("C-7 trimmed from the front: %d characters, ends %q", len(h), h[len(h)-10:])
	}
	// R-2 (d): a non-numeric revision on the ReplicaSet reports no change.
	rs.Annotations[rollout.RevisionAnnotation] = "x"
	if _, changed := rollout.SetNewReplicaSetAnnotations(d, rs, "4", true); changed {
		t.Error("R-2 d: a non-numeric revision reports no change")
	}
	// A revision never decreases.
	rs.Annotations[rollout.RevisionAnnotation] = "9"
	if got, _ := rollout.SetNewReplicaSetAnnotations(d, rs, "4", true); got.Annotations[rollout.RevisionAnnotation] != "9" {
		t.Error("R-2 b: a revision never decreases")
	}
}
