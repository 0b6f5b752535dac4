package probe_test

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/probe"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// catHealthy is the tutorial's exec probe `cat /tmp/healthy`.
var catHealthy = corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}}

// livenessExecPod is the tutorial's liveness-exec pod, as its YAML says.
func livenessExecPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "liveness-exec", Namespace: "default", UID: "2f7c1e1a-0000-4000-8000-000000000001", Labels: map[string]string{"test": "liveness"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "liveness",
			Image: "registry.k8s.io/busybox",
			Args:  []string{"/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:        catHealthy,
				InitialDelaySeconds: 5,
				PeriodSeconds:       5,
			},
		}}},
	}
}

// healthyFor is the script of `touch /tmp/healthy; sleep 30; rm -f
// /tmp/healthy; sleep 600` under `sh -c` as PID 1: the file exists for
// the first 30 s of every instance (a probe at exactly 30 s still finds
// it: rm runs after the sleep), the process ends after 630 s with code 0,
// and it ignores SIGTERM, so a kill takes the whole grace period.
func healthyFor(d time.Duration) probe.Script {
	return probe.Script{
		Probe: func(k probe.Kind, _ int, uptime time.Duration) probe.Outcome {
			if uptime <= d {
				return probe.OutcomeSuccess
			}
			return probe.OutcomeFailure
		},
		Exit: func(int) (time.Duration, int32, bool) { return d + 600*time.Second, 0, true },
		Stop: func(int) (time.Duration, int32, bool) { return 0, 0, false },
	}
}

// readinessPod is the liveness-exec pod with the tutorial's readiness
// snippet instead of its liveness probe, and an IP so that it can be a
// Service endpoint.
func readinessPod() *corev1.Pod {
	pod := livenessExecPod()
	pod.Name, pod.Labels = "readiness-exec", map[string]string{"test": "readiness"}
	c := &pod.Spec.Containers[0]
	c.Name, c.LivenessProbe = "readiness", nil
	c.ReadinessProbe = &corev1.Probe{ProbeHandler: catHealthy, InitialDelaySeconds: 5, PeriodSeconds: 5}
	pod.Status.PodIP = "10.244.1.7"
	return pod
}

// slowStartPod is the upstream documentation's startup-probe example: an
// HTTP server that answers /healthz only after a slow start, guarded by a
// startup probe allowing 30 × 10 s and a strict liveness probe.
func slowStartPod(withStartupProbe bool) *corev1.Pod {
	healthz := corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("liveness-port")}}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "slow-start", Namespace: "default", UID: "2f7c1e1a-0000-4000-8000-000000000003"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:          "app",
			Image:         "registry.k8s.io/e2e-test-images/agnhost:2.40",
			Ports:         []corev1.ContainerPort{{Name: "liveness-port", ContainerPort: 8080}},
			LivenessProbe: &corev1.Probe{ProbeHandler: healthz, FailureThreshold: 1, PeriodSeconds: 10},
		}}},
		Status: corev1.PodStatus{PodIP: "10.244.1.9"},
	}
	if withStartupProbe {
		pod.Spec.Containers[0].StartupProbe = &corev1.Probe{ProbeHandler: healthz, FailureThreshold: 30, PeriodSeconds: 10}
	}
	return pod
}

// servesAfter answers every probe with failure until the given uptime,
// then with success; the server handles SIGTERM and exits at once.
func servesAfter(d time.Duration) probe.Script {
	return probe.Script{Probe: func(_ probe.Kind, _ int, uptime time.Duration) probe.Outcome {
		if uptime >= d {
			return probe.OutcomeSuccess
		}
		return probe.OutcomeFailure
	}}
}

// scenarios are the tutorial's probe examples, by the name the
// transcripts use.
var scenarios = map[string]func() probe.Scenario{
	"liveness-exec": func() probe.Scenario {
		return probe.Scenario{Pod: livenessExecPod(), Scripts: map[string]probe.Script{"liveness": healthyFor(30 * time.Second)}}
	},
	"readiness-exec": func() probe.Scenario {
		return probe.Scenario{Pod: readinessPod(), Scripts: map[string]probe.Script{"readiness": healthyFor(30 * time.Second)}}
	},
	"slow-start": func() probe.Scenario {
		return probe.Scenario{Pod: slowStartPod(true), Scripts: map[string]probe.Script{"app": servesAfter(95 * time.Second)}}
	},
	"slow-start-without-startup-probe": func() probe.Scenario {
		return probe.Scenario{Pod: slowStartPod(false), Scripts: map[string]probe.Script{"app": servesAfter(95 * time.Second)}}
	},
}
