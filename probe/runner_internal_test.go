package probe

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The status a Step builds is the one the next Status at its instant
// hands over (the kubelet's write after each step), not built again; a
// Status at another instant builds its own.
func TestRunnerHandsOverStepStatus(t *testing.T) {
	start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx",
			ReadinessProbe: &corev1.Probe{PeriodSeconds: 10, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3,
				ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}}}}}
	r, err := NewRunner(Scenario{Pod: pod, StartDelay: time.Second}, start)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		at, ok := r.NextAt()
		if !ok {
			t.Fatalf("step %d: nothing due", i)
		}
		if _, err := r.Step(); err != nil {
			t.Fatal(err)
		}
		if !r.hasCached || !r.cachedAt.Equal(at) {
			t.Fatalf("step %d at %v: no status kept for the write (%v)", i, at.Sub(start), r.hasCached)
		}
		kept := r.cached
		st := r.Status(at)
		if r.hasCached || len(st.ContainerStatuses) != len(kept.ContainerStatuses) {
			t.Fatalf("step %d: the kept status was not handed over", i)
		}
	}
	_, _ = r.Step()
	if r.Status(r.now.Add(time.Second)); !r.hasCached {
		t.Fatal("a Status at another instant used up the kept one")
	}
}
