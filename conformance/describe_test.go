package conformance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/kubectl/pkg/describe"
	kptr "k8s.io/utils/ptr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/printers"
)

// genDescribedReplicaSet draws a ReplicaSet whose description varies in
// every part kubesem models: labels and annotations (long, multi-line,
// last-applied), controller, selector, status and conditions, and a pod
// template with init and regular containers (ports, host ports, command
// and args with newlines, resources, every probe handler, environment
// variables of every modelled source, envFrom, mounts and devices,
// seccomp), each modelled volume type, spread constraints, priority class,
// node selector and tolerations.
func genDescribedReplicaSet(t *rapid.T) *appsv1.ReplicaSet {
	pick := func(label string, from ...string) string { return rapid.SampledFrom(from).Draw(t, label) }
	some := func(label string) bool { return rapid.IntRange(0, 2).Draw(t, label) == 0 }
	strMap := func(label string, keys ...string) map[string]string {
		m := map[string]string{}
		for _, k := range keys {
			if rapid.Bool().Draw(t, label+k) {
				m[k] = pick(label+k+"v", "x", "web", "a-much-longer-value-to-widen-the-column")
			}
		}
		return m
	}
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{
		Name: pick("name", "web", "replicaset-2", "http-go-577ffd6fb4"), Namespace: pick("ns", "default", "team"), UID: "rs-uid",
		Labels: strMap("labels", "app", "tier", "pod-template-hash"), Annotations: strMap("annotations", "deployment.kubernetes.io/revision", "note"),
	}}
	if some("longAnnotation") {
		// around kubectl's 140-character fold, and past its 138-character cut
		rs.Annotations["kubernetes.io/change-cause"] = strings.Repeat("x", rapid.IntRange(100, 160).Draw(t, "causeLen"))
	}
	if some("multilineAnnotation") {
		rs.Annotations["multi"] = "first line\nsecond line\n"
	}
	if some("lastApplied") {
		rs.Annotations[corev1.LastAppliedConfigAnnotation] = `{"kind":"ReplicaSet"}`
	}
	if some("controller") {
		rs.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "http-go", UID: "d-uid", Controller: kptr.To(true)}}
	}
	rs.Spec.Replicas = kptr.To(int32(rapid.IntRange(0, 5).Draw(t, "replicas")))
	rs.Status.Replicas = int32(rapid.IntRange(0, 5).Draw(t, "statusReplicas"))
	if some("expressions") {
		rs.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"}}}}
	} else {
		rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "yellow"}}
	}
	if some("condition") {
		rs.Status.Conditions = []appsv1.ReplicaSetCondition{{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue, Reason: "FailedCreate"}}
	}
	tmpl := &rs.Spec.Template
	tmpl.Labels = strMap("tmplLabels", "app", "tier")
	if some("tmplAnnotations") {
		tmpl.Annotations = map[string]string{"kubectl.kubernetes.io/restartedAt": "2026-01-01T09:00:00Z"}
	}
	if some("serviceAccount") {
		tmpl.Spec.ServiceAccountName = "builder"
	}
	container := func(label string) corev1.Container {
		c := corev1.Container{Name: pick(label+"name", "nginx", "http-go", "sidecar"), Image: pick(label+"image", "nginx", "gasbugs/http-go:v1", "busybox")}
		for i := range rapid.IntRange(0, 2).Draw(t, label+"ports") {
			p := corev1.ContainerPort{ContainerPort: int32(80 + 8000*i), Protocol: corev1.Protocol(pick(label+"proto", "TCP", "UDP"))}
			if some(label + "portName") {
				p.Name = "http"
			}
			if some(label + "hostPort") {
				p.HostPort = 8080
			}
			c.Ports = append(c.Ports, p)
		}
		if some(label + "command") {
			c.Command = []string{"/bin/sh", "-c", "touch /tmp/healthy\nsleep 30"}
		}
		if some(label + "args") {
			c.Args = []string{"--port=8080"}
		}
		if some(label + "limits") {
			c.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("128Mi")}
		}
		if some(label + "requests") {
			c.Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")}
		}
		probe := func(l string) *corev1.Probe {
			if !some(label + l) {
				return nil
			}
			p := &corev1.Probe{InitialDelaySeconds: 5, TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
			switch rapid.IntRange(0, 3).Draw(t, label+l+"handler") {
			case 0:
				p.Exec = &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}
			case 1:
				p.HTTPGet = &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTP}
				if some(label + l + "host") {
					p.HTTPGet.Host = "10.0.0.1"
				}
			case 2:
				p.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromString("http")}
			case 3:
				p.GRPC = &corev1.GRPCAction{Port: 9090, Service: kptr.To("")}
			}
			return p
		}
		c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = probe("liveness"), probe("readiness"), probe("startup")
		for i := range rapid.IntRange(0, 4).Draw(t, label+"env") {
			e := corev1.EnvVar{Name: fmt.Sprintf("VAR_%d", i)}
			switch rapid.IntRange(0, 4).Draw(t, label+"envFrom") {
			case 0:
				e.Value = "plain"
			case 1:
				e.Value = "two\nlines"
			case 2:
				e.ValueFrom = &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}
			case 3:
				e.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "password", Optional: kptr.To(true)}}
			case 4:
				e.ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Key: "mode"}}
			}
			c.Env = append(c.Env, e)
		}
		if some(label + "envFromSources") {
			c.EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}},
				{Prefix: "DB_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Optional: kptr.To(false)}}}
		}
		if some(label + "mounts") {
			c.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/var/data"}, {Name: "config", MountPath: "/etc/app", ReadOnly: true, SubPath: "app.conf"}}
		}
		if some(label + "devices") {
			c.VolumeDevices = []corev1.VolumeDevice{{Name: "block", DevicePath: "/dev/xvda"}}
		}
		if some(label + "seccomp") {
			c.SecurityContext = &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
			if some(label + "localhost") {
				c.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: kptr.To("profiles/audit.json")}
			}
		}
		return c
	}
	if some("init") {
		tmpl.Spec.InitContainers = []corev1.Container{container("init")}
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "containers") {
		tmpl.Spec.Containers = append(tmpl.Spec.Containers, container(fmt.Sprintf("c%d", i)))
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "volumes") {
		v := corev1.Volume{Name: fmt.Sprintf("vol-%d", i)}
		switch rapid.IntRange(0, 5).Draw(t, "volumeType") {
		case 0:
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
			if some("sized") {
				v.EmptyDir = &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: kptr.To(resource.MustParse("1Gi"))}
			}
		case 1:
			v.HostPath = &corev1.HostPathVolumeSource{Path: "/var/log"}
			if some("hostPathType") {
				v.HostPath.Type = kptr.To(corev1.HostPathDirectory)
			}
		case 2:
			v.Secret = &corev1.SecretVolumeSource{SecretName: "tls", Optional: kptr.To(some("secretOptional"))}
		case 3:
			v.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}
		case 4:
			v.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data", ReadOnly: some("claimRO")}
		case 5:
			v.Projected = &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: kptr.To(int64(3607)), Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}}},
				{DownwardAPI: &corev1.DownwardAPIProjection{}},
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "extra"}, Optional: kptr.To(true)}},
			}}
		}
		tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, v)
	}
	if some("spread") {
		tmpl.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
			{MaxSkew: 2, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.ScheduleAnyway},
		}
	}
	if some("priority") {
		tmpl.Spec.PriorityClassName = "high"
	}
	tmpl.Spec.NodeSelector = strMap("nodeSelector", "disktype", "kubernetes.io/os")
	for i := range rapid.IntRange(0, 3).Draw(t, "tolerations") {
		tol := corev1.Toleration{Key: pick(fmt.Sprintf("tolKey%d", i), "", "node.kubernetes.io/not-ready", "dedicated")}
		if some("tolExists") {
			tol.Operator = corev1.TolerationOpExists
		} else {
			tol.Value = "gpu"
		}
		tol.Effect = corev1.TaintEffect(pick("tolEffect", "", "NoSchedule", "NoExecute"))
		if some("tolSeconds") {
			tol.TolerationSeconds = kptr.To(int64(300))
		}
		tmpl.Spec.Tolerations = append(tmpl.Spec.Tolerations, tol)
	}
	return rs
}

// kubectl describe rs, as printers.DescribeReplicaSet writes it and as
// kubectl's ReplicaSetDescriber (v1.37.2) writes it from a fake
// clientset holding the same ReplicaSet, pods and events: byte for byte,
// with and without events. Event times are whole seconds and a half ago,
// so that the ages cannot change while the two run (kubectl reads the
// clock).
func TestDescribeReplicaSetMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rs := genDescribedReplicaSet(t)
		now := time.Now()
		ago := func(label string) metav1.Time {
			s := rapid.SampledFrom([]int{0, 5, 42, 119, 120, 600, 3599, 7200, 90000}).Draw(t, label)
			return metav1.NewTime(now.Add(-time.Duration(s)*time.Second - 500*time.Millisecond))
		}
		var pods []*corev1.Pod
		for i := range rapid.IntRange(0, 6).Draw(t, "pods") {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", rs.Name, i), Namespace: rs.Namespace, UID: types.UID(fmt.Sprintf("pod-%d", i)),
				Labels: map[string]string{"app": rapid.SampledFrom([]string{"yellow", "blue", "red"}).Draw(t, "podApp")}}}
			switch rapid.IntRange(0, 2).Draw(t, "podOwner") {
			case 0:
				p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))}
			case 1:
				p.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "other", UID: "other", Controller: kptr.To(true)}}
			}
			p.Status.Phase = corev1.PodPhase(rapid.SampledFrom([]string{"Running", "Pending", "Succeeded", "Failed", "Unknown"}).Draw(t, "phase"))
			pods = append(pods, p)
		}
		var events []*corev1.Event
		for i := range rapid.IntRange(0, 14).Draw(t, "events") {
			first := ago("first")
			e := &corev1.Event{
				ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%04d", rs.Name, i), Namespace: rs.Namespace},
				InvolvedObject: corev1.ObjectReference{Kind: "ReplicaSet", Namespace: rs.Namespace, Name: rs.Name, UID: rs.UID},
				Type:           rapid.SampledFrom([]string{"Normal", "Warning"}).Draw(t, "type"),
				Reason:         rapid.SampledFrom([]string{"SuccessfulCreate", "SuccessfulDelete", "FailedCreate"}).Draw(t, "reason"),
				Message:        rapid.SampledFrom([]string{"Created pod: web-x7k2p", "Error creating: pods \"web-abcde\" is forbidden: exceeded quota", "  padded  "}).Draw(t, "message"),
				Source:         corev1.EventSource{Component: rapid.SampledFrom([]string{"replicaset-controller", ""}).Draw(t, "source")},
				FirstTimestamp: first, LastTimestamp: first, Count: 1,
			}
			if e.Source.Component == "" {
				e.ReportingController = "kubesem.example/controller"
			}
			if rapid.IntRange(0, 3).Draw(t, "repeated") == 0 {
				e.Count = int32(rapid.IntRange(2, 9).Draw(t, "count"))
				e.FirstTimestamp = metav1.NewTime(first.Add(-10 * time.Minute))
			}
			if rapid.IntRange(0, 5).Draw(t, "fieldPath") == 0 {
				e.InvolvedObject.FieldPath = "spec.containers{nginx}"
			}
			events = append(events, e)
		}
		showEvents := rapid.Bool().Draw(t, "showEvents")

		objs := []runtime.Object{rs.DeepCopy()}
		for _, p := range pods {
			objs = append(objs, p.DeepCopy())
		}
		for _, e := range events {
			objs = append(objs, e.DeepCopy())
		}
		client := fake.NewSimpleClientset(objs...)
		d := &describe.ReplicaSetDescriber{Interface: client}
		want, err := d.Describe(rs.Namespace, rs.Name, describe.DescriberSettings{ShowEvents: showEvents, ChunkSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		// The events as the apiserver lists them: by name.
		listed := slices.Clone(events)
		slices.SortFunc(listed, func(a, b *corev1.Event) int { return strings.Compare(a.Name, b.Name) })
		got, err := printers.DescribeReplicaSet(rs, pods, listed, now, showEvents)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("describe rs differs (-kubectl +kubesem):\n%s", diff)
		}
		if _, err := client.AppsV1().ReplicaSets(rs.Namespace).Get(context.Background(), rs.Name, metav1.GetOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}
