package workload

import (
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A Memo holds only the pods its last sync saw: a pod replaced by a newer
// object, or left out, is let go (and its facts' place reused).
func TestMemoLetsGoOfOldPods(t *testing.T) {
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "rs"},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: new(int32(3)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}},
		},
	}
	ref := *metav1.NewControllerRef(rs, ReplicaSetKind)
	pods := make([]*corev1.Pod, 6)
	for i := range pods {
		pods[i] = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%d", i), Namespace: "default", Labels: map[string]string{"app": "web"}, OwnerReferences: []metav1.OwnerReference{ref}}}
	}
	var m Memo
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sync := func(pods []*corev1.Pod) {
		t.Helper()
		if _, err := SyncReplicaSet(rs, pods, now, Options{Memo: &m}); err != nil {
			t.Fatal(err)
		}
	}
	sync(pods)
	for i := range 3 {
		p := pods[i].DeepCopy()
		p.Status.Phase = corev1.PodRunning
		pods[i] = p
	}
	sync(pods[:5])
	if len(m.index) != 5 {
		t.Fatalf("the Memo holds %d pods after a sync of 5", len(m.index))
	}
	for p, i := range m.index {
		if m.facts[i].pod != p {
			t.Fatalf("facts %d are not those of the pod indexed there", i)
		}
	}
	held := 0
	for _, f := range m.facts {
		if f.pod != nil {
			held++
		}
	}
	if held != 5 || len(m.facts) != 9 || len(m.free) != 4 {
		t.Fatalf("facts: %d held, %d in all, %d free; want 5, 9, 4", held, len(m.facts), len(m.free))
	}
	sync(pods) // web-5 again: a free place is reused
	if len(m.facts) != 9 || len(m.free) != 3 {
		t.Fatalf("facts: %d in all, %d free; want 9, 3", len(m.facts), len(m.free))
	}
}
