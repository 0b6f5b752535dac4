package cluster

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
)

// Probe rule P5.4 in the cluster: RestartKubelet keeps a ready pod's
// containers running and the pod Ready — no Started event, the same
// restart counts, the Ready condition's transition time kept — while a
// container waiting in CrashLoopBackOff starts at once, the new kubelet
// having no back-off.
func TestRestartKubeletAdoptsRunningPods(t *testing.T) {
	c := newCluster(t)
	c.Program("crash:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return time.Second, 1, true }})
	mk := func(name, image string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
			Spec: corev1.PodSpec{NodeName: "worker1", Containers: []corev1.Container{{Name: "c", Image: image,
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, PeriodSeconds: 10}}}}}
	}
	_, err := c.Create(mk("web", "nginx"))
	must(t, err)
	_, err = c.Create(mk("crash", "crash:v1"))
	must(t, err)
	advanceTo(t, c, 3*time.Minute)
	web, crash := podNamed(t, c, "web"), podNamed(t, c, "crash")
	if podCond(web, corev1.PodReady).Status != corev1.ConditionTrue {
		t.Fatalf("web not ready before the restart: %+v", web.Status.Conditions)
	}
	if w := crash.Status.ContainerStatuses[0].State.Waiting; w == nil || w.Reason != "CrashLoopBackOff" {
		t.Fatalf("crash before the restart: %+v", crash.Status.ContainerStatuses[0].State)
	}
	nEvents := len(c.Events())
	must(t, c.RestartKubelet("worker1"))
	advanceTo(t, c, 3*time.Minute+5*time.Second)
	var got []string
	for _, e := range c.Events()[nEvents:] {
		got = append(got, strings.ToLower(e.Kind)+"/"+e.Name+" "+e.Reason+" "+e.Message)
	}
	if len(got) == 0 || got[0] != "node/worker1 Starting Starting kubelet." {
		t.Fatalf("events after the restart: %q, want Starting first", got)
	}
	for _, e := range got {
		if strings.HasPrefix(e, "pod/web ") {
			t.Fatalf("web: %s after the kubelet's restart", e)
		}
	}
	if !strings.Contains(strings.Join(got, "\n"), "pod/crash Started Started container c") {
		t.Fatalf("crash not restarted at once: %q", got)
	}
	web2 := podNamed(t, c, "web")
	if r := podCond(web2, corev1.PodReady); r.Status != corev1.ConditionTrue || !r.LastTransitionTime.Equal(&podCond(web, corev1.PodReady).LastTransitionTime) {
		t.Fatalf("web's Ready after the restart %+v, before %+v", r, podCond(web, corev1.PodReady))
	}
	if a, b := web2.Status.ContainerStatuses[0], web.Status.ContainerStatuses[0]; a.RestartCount != b.RestartCount || !a.State.Running.StartedAt.Equal(&b.State.Running.StartedAt) {
		t.Fatalf("web's container after the restart %+v, before %+v", a, b)
	}
	if err := c.RestartKubelet("nope"); err == nil {
		t.Fatal("restarting a missing node's kubelet: no error")
	}
	must(t, c.StopNode("worker2"))
	if err := c.RestartKubelet("worker2"); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Fatalf("restarting a stopped node's kubelet: %v", err)
	}
}
