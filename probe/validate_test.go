package probe_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/probe"
)

func TestDefault(t *testing.T) {
	// P1.1: zero fields get 1/10/1/3; no initial delay; httpGet path and
	// scheme.
	in := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(8080)}}, InitialDelaySeconds: 0, FailureThreshold: 5}
	got := probe.Default(in)
	want := &corev1.Probe{
		ProbeHandler:   corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTP}},
		TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 5,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if in.PeriodSeconds != 0 || in.HTTPGet.Path != "" {
		t.Error("Default mutated its input")
	}
	if probe.Default(nil) != nil {
		t.Error("nil stays nil")
	}
	spec := probe.DefaultPodSpec(&corev1.PodSpec{Containers: []corev1.Container{{Name: "c", LivenessProbe: &corev1.Probe{}}}})
	if spec.RestartPolicy != corev1.RestartPolicyAlways || *spec.TerminationGracePeriodSeconds != 30 || spec.Containers[0].LivenessProbe.PeriodSeconds != 10 {
		t.Errorf("P1.2 pod defaults: %+v", spec)
	}
}

func TestValidate(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	path := field.NewPath("spec", "containers").Index(0)
	cases := []struct {
		rule string
		c    corev1.Container
		init bool
		want []string
	}{
		{"P1.3.1 handler required", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{})}, false,
			[]string{"spec.containers[0].livenessProbe: Required value: must specify a handler type"}},
		{"P1.3.1 one handler only", corev1.Container{ReadinessProbe: probe.Default(&corev1.Probe{ProbeHandler: corev1.ProbeHandler{
			Exec: &corev1.ExecAction{Command: []string{"true"}}, TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(80)}}})}, false,
			[]string{"spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"}},
		{"P1.3.1 exec command required", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{}}})}, false,
			[]string{"spec.containers[0].livenessProbe.exec.command: Required value"}},
		{"P1.3.1 httpGet port", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(0)}}})}, false,
			[]string{"spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"}},
		{"P1.3.2 negative numbers, P1.3.4 liveness successThreshold twice", corev1.Container{LivenessProbe: &corev1.Probe{ProbeHandler: catHealthy, PeriodSeconds: 10, TimeoutSeconds: 1, FailureThreshold: 3, InitialDelaySeconds: -1, SuccessThreshold: -2}}, false,
			[]string{
				"spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
				"spec.containers[0].livenessProbe.successThreshold: Invalid value: -2: must be greater than or equal to 0",
				"spec.containers[0].livenessProbe.successThreshold: Invalid value: -2: must be 1",
			}},
		{"P1.3.4 startup successThreshold must be 1", corev1.Container{StartupProbe: probe.Default(&corev1.Probe{ProbeHandler: catHealthy, SuccessThreshold: 2})}, false,
			[]string{"spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1"}},
		{"P1.3.3 probe grace period must be > 0", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{ProbeHandler: catHealthy, TerminationGracePeriodSeconds: i64(0)})}, false,
			[]string{"spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"}},
		{"P1.3.5 readiness with -1 grace: both errors", corev1.Container{ReadinessProbe: probe.Default(&corev1.Probe{ProbeHandler: catHealthy, TerminationGracePeriodSeconds: i64(-1)})}, false,
			[]string{
				"spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: -1: must be greater than 0",
				"spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: -1: must not be set for readinessProbes",
			}},
		{"P1.3.6 init container without restartPolicy Always", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{ProbeHandler: catHealthy})}, true,
			[]string{"spec.containers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"}},
		{"P1.3.1 httpGet HTTP2 needs scheme HTTP", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(80), Scheme: corev1.URISchemeHTTPS, Protocol: ptrTo(corev1.HTTPProtocolHTTP2)}}})}, false,
			[]string{`spec.containers[0].livenessProbe.httpGet.protocol: Invalid value: "HTTP2": is only supported with HTTP (H2C)`}},
		{"P1.3.1 grpc mode", corev1.Container{LivenessProbe: probe.Default(&corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9000, Mode: ptrTo(corev1.GRPCProbeMode("mTLS"))}}})}, false,
			[]string{`spec.containers[0].livenessProbe.grpc.mode: Unsupported value: "mTLS": supported values: "Plaintext", "TLS"`}},
		{"tutorial liveness-exec is valid", *livenessExecPod().Spec.Containers[0].DeepCopy(), false, nil},
	}
	cases[len(cases)-1].c.LivenessProbe = probe.Default(cases[len(cases)-1].c.LivenessProbe)
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			var got []string
			for _, e := range probe.ValidateContainer(&c.c, c.init, path) {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := probe.New(&corev1.Container{Name: "c", LivenessProbe: &corev1.Probe{}}, corev1.RestartPolicyAlways, t0, probe.Options{}); err == nil ||
		err.Error() != "spec.containers[c].livenessProbe: Required value: must specify a handler type" {
		t.Errorf("New must refuse an invalid probe with upstream's text: %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }
