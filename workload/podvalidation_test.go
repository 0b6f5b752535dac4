package workload_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/selector"
	"github.com/kubesem/kubesem/workload"
)

func webPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			Volumes: []corev1.Volume{{Name: "data"}},
			Containers: []corev1.Container{{
				Name: "app", Image: "nginx:1.27",
				Ports:        []corev1.ContainerPort{{Name: "http", ContainerPort: 80}},
				Env:          []corev1.EnvVar{{Name: "MODE", Value: "prod"}},
				VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			}},
		},
	}
}

func errStrings(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestPodValidationRules(t *testing.T) {
	if errs := workload.ValidatePod(workload.DefaultPod(webPod())); len(errs) != 0 {
		t.Fatalf("the base pod is invalid: %v", errs)
	}
	qty := resource.MustParse
	cases := []struct {
		rule string
		mut  func(*corev1.Pod)
		want []string
	}{
		{"11a grace period not negative in a pod", func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(-1)) },
			nil}, // defaulting turns a negative grace period into 1
		{"11b volume names unique", func(p *corev1.Pod) { p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "data"}) },
			[]string{`spec.volumes[1].name: Duplicate value: "data"`}},
		{"11b volume names DNS labels, and a bad volume cannot be mounted", func(p *corev1.Pod) { p.Spec.Volumes[0].Name = "Data" },
			[]string{
				`spec.volumes[0].name: Invalid value: "Data": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
				`spec.containers[0].volumeMounts[0].name: Not found: "data"`,
			}},
		{"11b one volume type", func(p *corev1.Pod) {
			p.Spec.Volumes[0].EmptyDir = &corev1.EmptyDirVolumeSource{}
			p.Spec.Volumes[0].Secret = &corev1.SecretVolumeSource{SecretName: "s"}
		}, []string{
			"spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type",
			`spec.containers[0].volumeMounts[0].name: Not found: "data"`,
		}},
		{"11b configMap item paths relative", func(p *corev1.Pod) {
			p.Spec.Volumes[0].ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"},
				Items: []corev1.KeyToPath{{Key: "k", Path: "../x"}}}
		}, []string{
			`spec.volumes[0].configMap.items[0].path: Invalid value: "../x": must not contain '..'`,
			`spec.containers[0].volumeMounts[0].name: Not found: "data"`,
		}},
		{"11c every mount names a volume", func(p *corev1.Pod) { p.Spec.Containers[0].VolumeMounts[0].Name = "cache" },
			[]string{`spec.containers[0].volumeMounts[0].name: Not found: "cache"`}},
		{"11c mount paths unique", func(p *corev1.Pod) {
			p.Spec.Containers[0].VolumeMounts = append(p.Spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "data", MountPath: "/data"})
		}, []string{`spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique`}},
		{"11c subPath relative (reported without the index, as upstream does)", func(p *corev1.Pod) { p.Spec.Containers[0].VolumeMounts[0].SubPath = "/abs" },
			[]string{`spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path`}},
		{"11c port name", func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].Name = "HTTP" },
			[]string{
				`spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
				`spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)`,
			}},
		{"11c port numbers", func(p *corev1.Pod) {
			p.Spec.Containers[0].Ports[0].ContainerPort = 70000
			p.Spec.Containers[0].Ports[0].HostPort = -1
		}, []string{
			"spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
			"spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive",
		}},
		{"11c port protocol", func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].Protocol = "tcp" },
			[]string{`spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"`}},
		{"11c env var names", func(p *corev1.Pod) { p.Spec.Containers[0].Env[0].Name = "A=B" },
			[]string{`spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`}},
		{"11c env value and valueFrom", func(p *corev1.Pod) {
			p.Spec.Containers[0].Env[0].ValueFrom = &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}
		}, []string{"spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"}},
		{"11c requests not above limits", func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
				Limits: corev1.ResourceList{corev1.ResourceCPU: qty("500m")}, Requests: corev1.ResourceList{corev1.ResourceCPU: qty("1")}}
		}, []string{`spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m`}},
		{"11c quantities not negative", func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: qty("-1")}
		}, []string{`spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0`}},
		{"11c standard resource names", func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{"gpu": qty("1")}
		}, []string{
			`spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified`,
			`spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
		}},
		{"11c extended resources need an equal limit", func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{"example.com/gpu": qty("1")}
		}, []string{"spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"}},
		{"11d container names unique across init and app containers", func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "app", Image: "busybox"}}
		}, []string{`spec.initContainers[0].name: Duplicate value: "app"`}},
		{"11d host ports unique across app containers", func(p *corev1.Pod) {
			p.Spec.Containers[0].Ports[0].HostPort = 8080
			c := p.Spec.Containers[0]
			c.Name, c.Ports = "side", []corev1.ContainerPort{{ContainerPort: 81, HostPort: 8080}}
			p.Spec.Containers = append(p.Spec.Containers, c)
		}, []string{`spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"`}},
		{"11e probes only on sidecar init containers", func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox",
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}}}
		}, []string{"spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"}},
		{"11f ephemeral containers not on create, and checked", func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
				Name: "debug", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 9}}}, TargetContainerName: "nope"}}
		}, []string{
			`spec.ephemeralContainers[0].targetContainerName: Not found: "nope"`,
			"spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
			"spec.ephemeralContainers: Forbidden: cannot be set on create",
		}},
		{"11g hostNetwork: hostPort equals containerPort", func(p *corev1.Pod) {
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports[0].HostPort = 8080
		}, []string{"spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"}},
		{"11g image without surrounding whitespace in a pod", func(p *corev1.Pod) { p.Spec.Containers[0].Image = "nginx " },
			[]string{`spec.containers[0].image: Invalid value: "nginx ": must not have leading or trailing whitespace`}},
		{"11g activeDeadlineSeconds at least 1", func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(0)) },
			[]string{"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"}},
		{"12 finalizers standard or qualified", func(p *corev1.Pod) { p.Finalizers = []string{"foo"} },
			[]string{`metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified`}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := webPod()
			c.mut(p)
			got := errStrings(workload.ValidatePod(workload.DefaultPod(p)))
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodTemplateValidationRules(t *testing.T) {
	sel := selector.FromSet(map[string]string{"app": "web"})
	path := field.NewPath("spec", "template")
	cases := []struct {
		rule string
		mut  func(*corev1.PodTemplateSpec)
		want []string
	}{
		{"11 a valid template", func(*corev1.PodTemplateSpec) {}, nil},
		{"11f ephemeral containers refused in templates", func(t *corev1.PodTemplateSpec) {
			t.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}
		}, []string{"spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template"}},
		{"11g restartPolicy Always in a template", func(t *corev1.PodTemplateSpec) { t.Spec.RestartPolicy = corev1.RestartPolicyOnFailure },
			[]string{`spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`}},
		{"11g hostPort 0 allowed with hostNetwork in a template", func(t *corev1.PodTemplateSpec) { t.Spec.HostNetwork = true }, nil},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			p := webPod()
			tpl := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.Labels}, Spec: p.Spec}
			c.mut(tpl)
			got := errStrings(workload.ValidatePodTemplate(workload.DefaultPodTemplate(tpl), sel, path, "ReplicaSet"))
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusUpdateValidationRules(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "rs", Namespace: "default", ResourceVersion: "3"}
	t.Run("12 ReplicaSet counts, observedGeneration before terminatingReplicas", func(t *testing.T) {
		old := &appsv1.ReplicaSet{ObjectMeta: meta}
		rs := &appsv1.ReplicaSet{ObjectMeta: meta, Status: appsv1.ReplicaSetStatus{
			Replicas: 1, ReadyReplicas: 2, AvailableReplicas: 2, ObservedGeneration: -1, TerminatingReplicas: ptr(int32(-1))}}
		want := []string{
			"status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
			"status.terminatingReplicas: Invalid value: -1: must be greater than or equal to 0",
			"status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
			"status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas",
		}
		if diff := cmp.Diff(want, errStrings(workload.ValidateReplicaSetStatusUpdate(rs, old))); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("12 ReplicationController counts and the immutable name", func(t *testing.T) {
		old := &corev1.ReplicationController{ObjectMeta: meta}
		renamed := meta
		renamed.Name = "other"
		rc := &corev1.ReplicationController{ObjectMeta: renamed, Status: corev1.ReplicationControllerStatus{
			Replicas: -1, FullyLabeledReplicas: 0}}
		want := []string{
			`metadata.name: Invalid value: "other": field is immutable`,
			"status.replicas: Invalid value: -1: must be greater than or equal to 0",
			"status.fullyLabeledReplicas: Invalid value: 0: cannot be greater than status.replicas",
			"status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas",
			"status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas",
		}
		if diff := cmp.Diff(want, errStrings(workload.ValidateReplicationControllerStatusUpdate(rc, old))); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
