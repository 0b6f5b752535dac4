package conformance

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podapi "k8s.io/kubernetes/pkg/api/pod"
	apps "k8s.io/kubernetes/pkg/apis/apps"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
	api "k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/workload"
)

// genTemplate draws a pod template around the tutorial's, varying the
// fields kubesem models.
func genTemplate(t *rapid.T) corev1.PodTemplateSpec {
	tpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": rapid.SampledFrom([]string{"nginx", "yellow", "blue", "-bad"}).Draw(t, "templateApp")}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  rapid.SampledFrom([]string{"nginx", "http-go", "Bad_Name", ""}).Draw(t, "containerName"),
			Image: rapid.SampledFrom([]string{"nginx", "gasbugs/http-go:v1", "nginx:latest", "registry.k8s.io/busybox", "localhost:5000/app", "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""}).Draw(t, "image"),
		}}},
	}
	c := &tpl.Spec.Containers[0]
	if rapid.Bool().Draw(t, "port") {
		c.Ports = []corev1.ContainerPort{{ContainerPort: int32(rapid.SampledFrom([]int{80, 8080, 0, 70000}).Draw(t, "containerPort"))}}
	}
	if rapid.Bool().Draw(t, "env") {
		c.Env = []corev1.EnvVar{{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
	}
	if rapid.Bool().Draw(t, "resources") {
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(rapid.SampledFrom([]string{"100m", "0.0001", "1"}).Draw(t, "cpu"))}
	}
	probeOf := func(label string) *corev1.Probe {
		if !rapid.Bool().Draw(t, label) {
			return nil
		}
		p := &corev1.Probe{
			InitialDelaySeconds: int32(rapid.IntRange(-1, 5).Draw(t, "delay")),
			PeriodSeconds:       int32(rapid.IntRange(-1, 10).Draw(t, "period")),
			SuccessThreshold:    int32(rapid.IntRange(-1, 2).Draw(t, "successThreshold")),
			FailureThreshold:    int32(rapid.IntRange(0, 3).Draw(t, "failureThreshold")),
		}
		switch rapid.IntRange(0, 4).Draw(t, "handler") {
		case 0:
			p.Exec = &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}
		case 1:
			p.HTTPGet = &corev1.HTTPGetAction{Port: intstr.FromInt32(int32(rapid.SampledFrom([]int{8080, 0}).Draw(t, "httpPort")))}
		case 2:
			p.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromString(rapid.SampledFrom([]string{"http", "Bad Port"}).Draw(t, "tcpPort"))}
		case 3:
			p.Exec = &corev1.ExecAction{}
			p.GRPC = &corev1.GRPCAction{Port: 9000}
		}
		if rapid.IntRange(0, 3).Draw(t, "hasGrace") == 0 {
			p.TerminationGracePeriodSeconds = ptr(int64(rapid.IntRange(-1, 5).Draw(t, "probeGrace")))
		}
		return p
	}
	c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = probeOf("liveness"), probeOf("readiness"), probeOf("startup")
	if rapid.IntRange(0, 4).Draw(t, "policyMutation") == 0 {
		tpl.Spec.RestartPolicy = rapid.SampledFrom([]corev1.RestartPolicy{corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure, "Sometimes"}).Draw(t, "restartPolicy")
	}
	if rapid.IntRange(0, 5).Draw(t, "deadline") == 0 {
		tpl.Spec.ActiveDeadlineSeconds = ptr(int64(5))
	}
	if rapid.Bool().Draw(t, "volume") {
		tpl.Spec.Volumes = []corev1.Volume{{Name: "cache"}, {Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}}
	}
	return tpl
}

func genRS(t *rapid.T) *appsv1.ReplicaSet {
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: rapid.SampledFrom([]string{"replicaset-2", "Bad_Name", "a.b"}).Draw(t, "name"), Namespace: rapid.SampledFrom([]string{"default", "office", ""}).Draw(t, "namespace")},
		Spec:       appsv1.ReplicaSetSpec{Template: genTemplate(t), MinReadySeconds: int32(rapid.IntRange(-1, 10).Draw(t, "minReady"))},
	}
	if rapid.IntRange(0, 3).Draw(t, "replicasSet") != 0 {
		rs.Spec.Replicas = ptr(int32(rapid.IntRange(-1, 3).Draw(t, "replicas")))
	}
	switch rapid.IntRange(0, 5).Draw(t, "selector") {
	case 0:
	case 1:
		rs.Spec.Selector = &metav1.LabelSelector{}
	case 2:
		rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": rapid.SampledFrom([]string{"nginx", "yellow", "-bad"}).Draw(t, "matchApp")}}
	default:
		rs.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key:      rapid.SampledFrom([]string{"app", "a/b/c"}).Draw(t, "exprKey"),
			Operator: metav1.LabelSelectorOperator(rapid.SampledFrom([]string{"In", "NotIn", "Exists", "in"}).Draw(t, "exprOp")),
			Values:   rapid.SliceOfN(rapid.SampledFrom([]string{"blue", "yellow", "-x"}), 0, 2).Draw(t, "exprValues"),
		}}}
	}
	return rs
}

func errorStrings(errs field.ErrorList) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// DefaultReplicaSet equals the apiserver's defaulting of an apps/v1
// ReplicaSet, and ValidateReplicaSet gives the errors of
// pkg/apis/apps/validation on it, in the same order with the same texts.
func TestReplicaSetDefaultsAndValidationMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rs := genRS(t)
		ours := workload.DefaultReplicaSet(rs)
		theirs := rs.DeepCopy()
		legacyscheme.Scheme.Default(theirs)
		if diff := cmp.Diff(theirs, ours); diff != "" {
			t.Fatalf("defaults differ (-upstream +kubesem):\n%s", diff)
		}
		internal := &apps.ReplicaSet{}
		if err := legacyscheme.Scheme.Convert(theirs, internal, nil); err != nil {
			t.Fatal(err)
		}
		want := errorStrings(appsvalidation.ValidateReplicaSet(internal, podapi.GetValidationOptionsFromPodTemplate(&internal.Spec.Template, nil)))
		got := errorStrings(workload.ValidateReplicaSet(ours))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("validation differs (-upstream +kubesem):\n%s", diff)
		}
	})
}

// The same for a ReplicationController: SetDefaults_ReplicationController
// and the generated defaulters, then ValidateReplicationController.
func TestReplicationControllerDefaultsAndValidationMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tpl := genTemplate(t)
		rc := &corev1.ReplicationController{
			ObjectMeta: metav1.ObjectMeta{Name: rapid.SampledFrom([]string{"nginx", "Bad_Name"}).Draw(t, "name"), Namespace: "default"},
			Spec:       corev1.ReplicationControllerSpec{Template: &tpl},
		}
		if rapid.Bool().Draw(t, "replicasSet") {
			rc.Spec.Replicas = ptr(int32(rapid.IntRange(-1, 3).Draw(t, "replicas")))
		}
		if rapid.Bool().Draw(t, "selectorSet") {
			rc.Spec.Selector = map[string]string{"app": rapid.SampledFrom([]string{"nginx", "yellow"}).Draw(t, "selectorApp")}
		}
		if rapid.IntRange(0, 5).Draw(t, "noTemplate") == 0 {
			rc.Spec.Template = nil
		}
		ours := workload.DefaultReplicationController(rc)
		theirs := rc.DeepCopy()
		legacyscheme.Scheme.Default(theirs)
		if diff := cmp.Diff(theirs, ours); diff != "" {
			t.Fatalf("defaults differ (-upstream +kubesem):\n%s", diff)
		}
		internal := &api.ReplicationController{}
		if err := legacyscheme.Scheme.Convert(theirs, internal, nil); err != nil {
			t.Fatal(err)
		}
		want := errorStrings(corevalidation.ValidateReplicationController(internal, podapi.GetValidationOptionsFromPodTemplate(internal.Spec.Template, nil)))
		got := errorStrings(workload.ValidateReplicationController(ours))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("validation differs (-upstream +kubesem):\n%s", diff)
		}
	})
}

var _ = fmt.Sprint

// rollout.Default equals the apiserver's defaulting of an apps/v1
// Deployment, and rollout.Validate gives the errors of
// appsvalidation.ValidateDeployment on it, in order, with the same texts.
func TestDeploymentDefaultsAndValidationMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rs := genRS(t) // reuse its selector, template, name and replicas
		d := &appsv1.Deployment{ObjectMeta: rs.ObjectMeta, Spec: appsv1.DeploymentSpec{
			Replicas: rs.Spec.Replicas, Selector: rs.Spec.Selector, Template: rs.Spec.Template, MinReadySeconds: rs.Spec.MinReadySeconds,
		}}
		switch rapid.IntRange(0, 3).Draw(t, "strategy") {
		case 1:
			d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
			if rapid.Bool().Draw(t, "recreateWithRolling") {
				d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{}
			}
		case 2:
			d.Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: genIntOrString(t, "surge"), MaxUnavailable: genIntOrString(t, "unavailable")}
		case 3:
			d.Spec.Strategy.Type = "BlueGreen"
		}
		if rapid.Bool().Draw(t, "limit") {
			d.Spec.RevisionHistoryLimit = ptr(int32(rapid.IntRange(-1, 12).Draw(t, "limitValue")))
		}
		if rapid.Bool().Draw(t, "deadline") {
			d.Spec.ProgressDeadlineSeconds = ptr(int32(rapid.IntRange(-1, 12).Draw(t, "deadlineValue")))
		}
		if rapid.IntRange(0, 5).Draw(t, "rollback") == 0 {
			d.Annotations = map[string]string{"deprecated.deployment.rollback.to": rapid.SampledFrom([]string{"-1", "0", "2", "x"}).Draw(t, "rollbackTo")}
		}
		ours := rollout.Default(d)
		theirs := d.DeepCopy()
		legacyscheme.Scheme.Default(theirs)
		if diff := cmp.Diff(theirs, ours); diff != "" {
			t.Fatalf("defaults differ (-upstream +kubesem):\n%s", diff)
		}
		internal := &apps.Deployment{}
		if err := legacyscheme.Scheme.Convert(theirs, internal, nil); err != nil {
			return // upstream refuses to convert it (e.g. an unparsable rollback annotation)
		}
		want := errorStrings(appsvalidation.ValidateDeployment(internal, podapi.GetValidationOptionsFromPodTemplate(&internal.Spec.Template, nil)))
		got := errorStrings(rollout.Validate(ours))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("validation differs (-upstream +kubesem):\n%s", diff)
		}
	})
}

// DefaultPod equals the apiserver's defaulting of a Pod (SetDefaults_Pod
// and the pod-spec defaulters), for pods shaped like the templates above
// plus limits without requests, a negative grace period and host
// networking.
func TestPodDefaultsMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tpl := genTemplate(t)
		p := &corev1.Pod{ObjectMeta: tpl.ObjectMeta, Spec: tpl.Spec}
		p.Name, p.Namespace = "p", "default"
		if rapid.Bool().Draw(t, "limits") && len(p.Spec.Containers) > 0 {
			p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m")}
			if rapid.Bool().Draw(t, "memoryRequest") {
				p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")}
			}
		}
		if rapid.Bool().Draw(t, "negativeGrace") {
			p.Spec.TerminationGracePeriodSeconds = ptr(int64(-5))
		}
		p.Spec.HostNetwork = rapid.Bool().Draw(t, "hostNetwork")
		if rapid.Bool().Draw(t, "noServiceLinks") {
			p.Spec.EnableServiceLinks = ptr(false)
		}
		ours := workload.DefaultPod(p)
		theirs := p.DeepCopy()
		legacyscheme.Scheme.Default(theirs)
		if diff := cmp.Diff(theirs, ours); diff != "" {
			t.Fatalf("defaults differ (-upstream +kubesem):\n%s", diff)
		}
	})
}
