package conformance

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	klabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podapi "k8s.io/kubernetes/pkg/api/pod"
	apps "k8s.io/kubernetes/pkg/apis/apps"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
	api "k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/selector"
	"github.com/kubesem/kubesem/workload"
)

// The generators below draw pod specs that exercise the pod-spec rules
// workload models (rule 11 of its package doc) — volumes, mounts, ports,
// env, envFrom, resources, init, sidecar and ephemeral containers, restart
// policies, host networking — and nothing it documents as not checked.
//
// Order: upstream walks a container's resource limits and requests in Go
// map order, kubesem in key order; when a container has more than one
// resource name in either map, the error lists are compared sorted (the
// same errors, whatever the order). Every other list is compared as is.

func genQuantity(t *rapid.T, label string) resource.Quantity {
	return resource.MustParse(rapid.SampledFrom([]string{"100m", "1", "2", "-1", "1500m", "2Mi", "4Mi", "0"}).Draw(t, label))
}

func genPodResourceList(t *rapid.T, label string) corev1.ResourceList {
	n := rapid.IntRange(0, 2).Draw(t, label+"N")
	if n == 0 {
		return nil
	}
	rl := corev1.ResourceList{}
	for i := 0; i < n; i++ {
		name := rapid.SampledFrom([]string{"cpu", "memory", "ephemeral-storage", "cpu", "memory", "foo", "example.com/gpu",
			"hugepages-2Mi", "requests.cpu", "kubernetes.io/x", "Bad_Name", "pods"}).Draw(t, label+"Name")
		rl[corev1.ResourceName(name)] = genQuantity(t, label+"Value")
	}
	return rl
}

func genContainer(t *rapid.T, label string, volNames []string) corev1.Container {
	c := corev1.Container{
		Name:  rapid.SampledFrom([]string{"app", "web", "side", "Bad_Name", ""}).Draw(t, label+"Name"),
		Image: rapid.SampledFrom([]string{"nginx", "nginx:1.27", " nginx", "", "Nginx", "localhost:5000/app", "nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "nginx@md5:0123456789abcdef0123456789abcdef"}).Draw(t, label+"Image"),
	}
	for i, n := 0, rapid.IntRange(0, 2).Draw(t, label+"Ports"); i < n; i++ {
		c.Ports = append(c.Ports, corev1.ContainerPort{
			Name:          rapid.SampledFrom([]string{"", "http", "http", "HTTP", "a-very-long-port-name", "80"}).Draw(t, label+"PortName"),
			ContainerPort: int32(rapid.SampledFrom([]int{80, 8080, 0, 70000, -1}).Draw(t, label+"ContainerPort")),
			HostPort:      int32(rapid.SampledFrom([]int{0, 0, 80, 70000}).Draw(t, label+"HostPort")),
			Protocol:      corev1.Protocol(rapid.SampledFrom([]string{"", "TCP", "UDP", "tcp"}).Draw(t, label+"Protocol")),
			HostIP:        rapid.SampledFrom([]string{"", "", "127.0.0.1"}).Draw(t, label+"HostIP"),
		})
	}
	for i, n := 0, rapid.IntRange(0, 2).Draw(t, label+"Env"); i < n; i++ {
		ev := corev1.EnvVar{Name: rapid.SampledFrom([]string{"POD_NAME", "1BAD", "a=b", "", "with space", "ok.dotted"}).Draw(t, label+"EnvName")}
		switch rapid.IntRange(0, 8).Draw(t, label+"EnvKind") {
		case 0:
			ev.Value = "v"
		case 1:
			ev.ValueFrom = &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{
				APIVersion: rapid.SampledFrom([]string{"", "v1", "v2"}).Draw(t, label+"FieldAPI"),
				FieldPath: rapid.SampledFrom([]string{"metadata.name", "", "status.phase", "spec.host", "metadata.labels",
					"metadata.labels['app']", "metadata.annotations['Bad Key']", "spec.nodeName['x']", "bogus"}).Draw(t, label+"FieldPath"),
			}}
		case 2:
			ev.ValueFrom = &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{
				Resource: rapid.SampledFrom([]string{"limits.cpu", "requests.memory", "", "limits.gpu", "limits.hugepages-2Mi"}).Draw(t, label+"ResField"),
				Divisor:  resource.MustParse(rapid.SampledFrom([]string{"0", "1m", "1", "1Mi", "3"}).Draw(t, label+"Divisor")),
			}}
		case 3:
			ev.ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: rapid.SampledFrom([]string{"cfg", "", "Bad_Name"}).Draw(t, label+"CMName")},
				Key:                  rapid.SampledFrom([]string{"key", "", "bad key"}).Draw(t, label+"CMKey"),
			}}
		case 4:
			ev.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}
			if rapid.Bool().Draw(t, label+"TwoSources") {
				ev.ValueFrom.ConfigMapKeyRef = &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Key: "k"}
			}
		case 5:
			ev.Value = "v"
			ev.ValueFrom = &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}
		case 6:
			ev.ValueFrom = &corev1.EnvVarSource{}
		}
		c.Env = append(c.Env, ev)
	}
	if rapid.IntRange(0, 3).Draw(t, label+"EnvFrom") == 0 {
		ef := corev1.EnvFromSource{Prefix: rapid.SampledFrom([]string{"", "P_", "a=b"}).Draw(t, label+"Prefix")}
		switch rapid.IntRange(0, 3).Draw(t, label+"EnvFromKind") {
		case 0:
			ef.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: rapid.SampledFrom([]string{"cfg", "", "Bad_Name"}).Draw(t, label+"EFName")}}
		case 1:
			ef.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}
		case 2:
			ef.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}
			ef.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}
		}
		c.EnvFrom = []corev1.EnvFromSource{ef}
	}
	for i, n := 0, rapid.IntRange(0, 2).Draw(t, label+"Mounts"); i < n; i++ {
		m := corev1.VolumeMount{
			Name:      rapid.SampledFrom(append([]string{"missing", ""}, volNames...)).Draw(t, label+"MountName"),
			MountPath: rapid.SampledFrom([]string{"/data", "/data", "/cache", ""}).Draw(t, label+"MountPath"),
			ReadOnly:  rapid.Bool().Draw(t, label+"ReadOnly"),
		}
		switch rapid.IntRange(0, 6).Draw(t, label+"MountExtra") {
		case 1:
			m.SubPath = rapid.SampledFrom([]string{"sub", "a/../b", "/abs"}).Draw(t, label+"SubPath")
		case 2:
			m.SubPathExpr = rapid.SampledFrom([]string{"$(POD_NAME)", "/abs/.."}).Draw(t, label+"SubPathExpr")
			if rapid.Bool().Draw(t, label+"BothSubPaths") {
				m.SubPath = "x"
			}
		case 3:
			m.MountPropagation = ptr(corev1.MountPropagationMode(rapid.SampledFrom([]string{"None", "Bidirectional", "Sideways"}).Draw(t, label+"Propagation")))
		case 4:
			m.RecursiveReadOnly = ptr(corev1.RecursiveReadOnlyMode(rapid.SampledFrom([]string{"Disabled", "Enabled", "IfPossible", "Maybe"}).Draw(t, label+"RRO")))
			if rapid.Bool().Draw(t, label+"RROPropagation") {
				m.MountPropagation = ptr(corev1.MountPropagationHostToContainer)
			}
		case 5:
			m.BindMountOptions = rapid.SliceOfN(rapid.SampledFrom([]string{"noexec", "nodev", "bogus"}), 1, 2).Draw(t, label+"BindOpts")
		}
		c.VolumeMounts = append(c.VolumeMounts, m)
	}
	if rapid.Bool().Draw(t, label+"Resources") {
		c.Resources.Limits = genPodResourceList(t, label+"Limits")
		c.Resources.Requests = genPodResourceList(t, label+"Requests")
	}
	if rapid.IntRange(0, 4).Draw(t, label+"Resize") == 0 {
		c.ResizePolicy = []corev1.ContainerResizePolicy{{
			ResourceName:  corev1.ResourceName(rapid.SampledFrom([]string{"cpu", "memory", "gpu", ""}).Draw(t, label+"ResizeName")),
			RestartPolicy: corev1.ResourceResizeRestartPolicy(rapid.SampledFrom([]string{"NotRequired", "RestartContainer", "Sometimes"}).Draw(t, label+"ResizeRestart")),
		}}
	}
	if rapid.IntRange(0, 3).Draw(t, label+"Probe") == 0 {
		c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(80)}}}
	}
	return c
}

func genVolumes(t *rapid.T) ([]corev1.Volume, []string) {
	var vols []corev1.Volume
	var names []string
	for i, n := 0, rapid.IntRange(0, 3).Draw(t, "volumes"); i < n; i++ {
		v := corev1.Volume{Name: rapid.SampledFrom([]string{"cache", "cfg", "data", "cache", "Bad_Vol", ""}).Draw(t, "volName")}
		switch rapid.IntRange(0, 8).Draw(t, "volKind") {
		case 0: // no source: defaulted to emptyDir
		case 1:
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
			if rapid.Bool().Draw(t, "sizeLimit") {
				v.EmptyDir.SizeLimit = ptr(genQuantity(t, "sizeLimitValue"))
			}
			if rapid.Bool().Draw(t, "emptyDirMode") {
				v.EmptyDir.Mode = ptr(int32(rapid.SampledFrom([]int{0o755, 0o1777, 0o2000, -1}).Draw(t, "emptyDirModeValue")))
			}
		case 2, 3:
			cm := &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: rapid.SampledFrom([]string{"cfg", ""}).Draw(t, "cmName")}}
			if rapid.Bool().Draw(t, "cmMode") {
				cm.DefaultMode = ptr(int32(rapid.SampledFrom([]int{0o644, 0o1000, -1}).Draw(t, "cmModeValue")))
			}
			if rapid.Bool().Draw(t, "cmItems") {
				cm.Items = []corev1.KeyToPath{{
					Key:  rapid.SampledFrom([]string{"k", ""}).Draw(t, "itemKey"),
					Path: rapid.SampledFrom([]string{"p", "", "../x", "/abs", "..x", "a/../b"}).Draw(t, "itemPath"),
				}}
				if rapid.Bool().Draw(t, "itemMode") {
					cm.Items[0].Mode = ptr(int32(rapid.SampledFrom([]int{0o600, 0o1000}).Draw(t, "itemModeValue")))
				}
				if rapid.Bool().Draw(t, "itemUser") {
					cm.Items[0].User = ptr(int64(rapid.SampledFrom([]int{1000, -1}).Draw(t, "itemUserValue")))
				}
			}
			v.ConfigMap = cm
		case 4:
			v.Secret = &corev1.SecretVolumeSource{SecretName: rapid.SampledFrom([]string{"s", ""}).Draw(t, "secretName")}
			if rapid.Bool().Draw(t, "secretUser") {
				v.Secret.DefaultUser = ptr(int64(rapid.SampledFrom([]int{0, -5}).Draw(t, "secretUserValue")))
			}
		case 5:
			v.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: rapid.SampledFrom([]string{"claim", ""}).Draw(t, "claimName")}
		case 6:
			v.HostPath = &corev1.HostPathVolumeSource{Path: rapid.SampledFrom([]string{"/var/log", "", "/a/../b"}).Draw(t, "hostPath")}
			if rapid.Bool().Draw(t, "hostPathType") {
				v.HostPath.Type = ptr(corev1.HostPathType(rapid.SampledFrom([]string{"Directory", "Bogus"}).Draw(t, "hostPathTypeValue")))
			}
		case 7:
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
			v.NFS = &corev1.NFSVolumeSource{} // a second source: forbidden, not validated
		case 8:
			v.Secret = &corev1.SecretVolumeSource{SecretName: "s"}
			v.ConfigMap = &corev1.ConfigMapVolumeSource{}
		}
		vols = append(vols, v)
		names = append(names, v.Name)
	}
	return vols, names
}

// genPodSpec draws a pod spec; the pod-level fields are those kubesem
// models.
func genPodSpec(t *rapid.T) corev1.PodSpec {
	vols, names := genVolumes(t)
	spec := corev1.PodSpec{Volumes: vols}
	for i, n := 0, rapid.IntRange(0, 2).Draw(t, "containers"); i < n; i++ {
		spec.Containers = append(spec.Containers, genContainer(t, "c", names))
	}
	if len(spec.Containers) > 0 && rapid.IntRange(0, 5).Draw(t, "containerRestart") == 0 {
		c := &spec.Containers[0]
		c.RestartPolicy = ptr(corev1.ContainerRestartPolicy(rapid.SampledFrom([]string{"Always", "Never", "Bogus"}).Draw(t, "containerRestartValue")))
		if rapid.Bool().Draw(t, "restartRules") {
			r := corev1.ContainerRestartRule{Action: corev1.ContainerRestartRuleAction(rapid.SampledFrom([]string{"Restart", "RestartAllContainers", "Explode"}).Draw(t, "ruleAction"))}
			if rapid.Bool().Draw(t, "ruleExitCodes") {
				r.ExitCodes = &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOperator(rapid.SampledFrom([]string{"In", "Is"}).Draw(t, "ruleOp")), Values: []int32{42}}
			}
			c.RestartPolicyRules = []corev1.ContainerRestartRule{r}
			if rapid.Bool().Draw(t, "rulesWithoutPolicy") {
				c.RestartPolicy = nil
			}
		}
	}
	for i, n := 0, rapid.IntRange(0, 2).Draw(t, "initContainers"); i < n; i++ {
		c := genContainer(t, "i", names)
		switch rapid.IntRange(0, 4).Draw(t, "initRestart") {
		case 1:
			c.RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
		case 2:
			c.RestartPolicy = ptr(corev1.ContainerRestartPolicy(rapid.SampledFrom([]string{"Never", "Bogus"}).Draw(t, "initRestartValue")))
		case 3:
			c.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{1}}}}
		}
		if (c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways) && rapid.IntRange(0, 3).Draw(t, "initLifecycle") == 0 {
			c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
		}
		spec.InitContainers = append(spec.InitContainers, c)
	}
	if rapid.IntRange(0, 4).Draw(t, "ephemeral") == 0 {
		ec := corev1.EphemeralContainer{
			EphemeralContainerCommon: corev1.EphemeralContainerCommon{
				Name:  rapid.SampledFrom([]string{"debug", "app", "", "Bad_Name"}).Draw(t, "ecName"),
				Image: rapid.SampledFrom([]string{"busybox", " busybox", ""}).Draw(t, "ecImage"),
			},
			TargetContainerName: rapid.SampledFrom([]string{"", "app", "nope"}).Draw(t, "ecTarget"),
		}
		switch rapid.IntRange(0, 4).Draw(t, "ecExtra") {
		case 1:
			ec.Ports = []corev1.ContainerPort{{ContainerPort: 80}}
		case 2:
			ec.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
		case 3:
			ec.VolumeMounts = []corev1.VolumeMount{{Name: rapid.SampledFrom(append([]string{"missing"}, names...)).Draw(t, "ecMount"), MountPath: "/d", SubPath: "x", SubPathExpr: "y"}}
		case 4:
			ec.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
			ec.Lifecycle = &corev1.Lifecycle{}
		}
		spec.EphemeralContainers = []corev1.EphemeralContainer{ec}
	}
	if rapid.IntRange(0, 4).Draw(t, "podRestart") == 0 {
		spec.RestartPolicy = corev1.RestartPolicy(rapid.SampledFrom([]string{"Never", "OnFailure", "Sometimes"}).Draw(t, "podRestartValue"))
	}
	spec.HostNetwork = rapid.IntRange(0, 3).Draw(t, "hostNetwork") == 0
	if rapid.IntRange(0, 6).Draw(t, "dnsPolicy") == 0 {
		spec.DNSPolicy = "Bogus"
	}
	if rapid.IntRange(0, 5).Draw(t, "nodeSelector") == 0 {
		spec.NodeSelector = map[string]string{rapid.SampledFrom([]string{"disk", "-bad"}).Draw(t, "nodeSelectorKey"): "ssd"}
	}
	if rapid.IntRange(0, 5).Draw(t, "deadline") == 0 {
		spec.ActiveDeadlineSeconds = ptr(int64(rapid.SampledFrom([]int{0, 5}).Draw(t, "deadlineValue")))
	}
	if rapid.IntRange(0, 5).Draw(t, "names") == 0 {
		spec.Hostname = rapid.SampledFrom([]string{"web", "Bad_Host"}).Draw(t, "hostname")
		spec.Subdomain = rapid.SampledFrom([]string{"", "sub", "a.b"}).Draw(t, "subdomain")
		spec.NodeName = rapid.SampledFrom([]string{"", "node-1", "Bad_Node"}).Draw(t, "nodeName")
		spec.ServiceAccountName = rapid.SampledFrom([]string{"", "builder", "Bad_SA"}).Draw(t, "serviceAccount")
		spec.PriorityClassName = rapid.SampledFrom([]string{"", "high", "Bad_PC"}).Draw(t, "priorityClass")
	}
	if rapid.IntRange(0, 6).Draw(t, "gates") == 0 {
		spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/gate"}}
	}
	return spec
}

// manyResources reports whether a container of the spec has more than
// one resource name in its limits or requests (see the file comment).
func manyResources(s *corev1.PodSpec) bool {
	for _, list := range [][]corev1.Container{s.Containers, s.InitContainers} {
		for _, c := range list {
			if len(c.Resources.Limits) > 1 || len(c.Resources.Requests) > 1 {
				return true
			}
		}
	}
	return false
}

func compareErrors(t *rapid.T, want, got field.ErrorList, sorted bool) {
	w, g := errorStrings(want), errorStrings(got)
	if sorted {
		sort.Strings(w)
		sort.Strings(g)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Fatalf("validation differs (-upstream +kubesem):\n%s", diff)
	}
}

// A ReplicaSet's pod template, defaulted by upstream's scheme and by
// workload (which must agree), gives the same errors from
// workload.ValidatePodTemplate as from upstream's
// ValidatePodTemplateSpecForReplicaSet (ValidatePodTemplateSpec, then
// restartPolicy Always and no activeDeadlineSeconds).
func TestPodTemplateValidationMatchesUpstream(t *testing.T) {
	sel := map[string]string{"app": "web"}
	rapid.Check(t, func(t *rapid.T) {
		rs := &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "rs", Namespace: "default"},
			Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: sel}, Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": rapid.SampledFrom([]string{"web", "db"}).Draw(t, "templateApp")}},
				Spec:       genPodSpec(t),
			}},
		}
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
		path := field.NewPath("spec", "template")
		want := appsvalidation.ValidatePodTemplateSpecForReplicaSet(&internal.Spec.Template, klabels.SelectorFromSet(sel), 1, path,
			podapi.GetValidationOptionsFromPodTemplate(&internal.Spec.Template, nil))
		got := workload.ValidatePodTemplate(&ours.Spec.Template, selector.FromSet(sel), path, "ReplicaSet")
		compareErrors(t, want, got, manyResources(&ours.Spec.Template.Spec))
	})
}

// A pod, defaulted by upstream's scheme and by workload (which must
// agree), gives the same errors from workload.ValidatePod as from
// upstream's ValidatePodCreate with the options the pod strategy uses.
func TestPodCreateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: rapid.SampledFrom([]string{"web-1", "Bad_Pod"}).Draw(t, "podName"), Namespace: "default"},
			Spec:       genPodSpec(t),
		}
		if rapid.IntRange(0, 4).Draw(t, "grace") == 0 {
			p.Spec.TerminationGracePeriodSeconds = ptr(int64(rapid.SampledFrom([]int{-5, 0, 10}).Draw(t, "graceValue")))
		}
		ours := workload.DefaultPod(p)
		theirs := p.DeepCopy()
		legacyscheme.Scheme.Default(theirs)
		if diff := cmp.Diff(theirs, ours); diff != "" {
			t.Fatalf("defaults differ (-upstream +kubesem):\n%s", diff)
		}
		internal := &api.Pod{}
		if err := legacyscheme.Scheme.Convert(theirs, internal, nil); err != nil {
			t.Fatal(err)
		}
		opts := podapi.GetValidationOptionsFromPodSpecAndMeta(&internal.Spec, nil, &internal.ObjectMeta, nil)
		opts.ResourceIsPod = true
		compareErrors(t, corevalidation.ValidatePodCreate(internal, opts), workload.ValidatePod(ours), manyResources(&ours.Spec))
	})
}

func genFinalizers(t *rapid.T, label string) []string {
	return rapid.SliceOfN(rapid.SampledFrom([]string{"kubernetes", "orphan", "foregroundDeletion", "example.com/f", "foo", "Bad Name"}), 0, 2).Draw(t, label)
}

// genMetaUpdate draws an old object's metadata and the new one's, which
// keeps or changes what may not change.
func genMetaUpdate(t *rapid.T) (metav1.ObjectMeta, metav1.ObjectMeta) {
	old := metav1.ObjectMeta{Name: "rs", Namespace: "default", UID: "u1", ResourceVersion: "5", Generation: 3,
		Labels: map[string]string{"app": "web"}, Finalizers: genFinalizers(t, "oldFinalizers")}
	m := *old.DeepCopy()
	if rapid.IntRange(0, 5).Draw(t, "rename") == 0 {
		m.Name = rapid.SampledFrom([]string{"other", "Bad_Name"}).Draw(t, "newName")
	}
	if rapid.IntRange(0, 5).Draw(t, "newUID") == 0 {
		m.UID = "u2"
	}
	if rapid.IntRange(0, 5).Draw(t, "newGeneration") == 0 {
		m.Generation = int64(rapid.IntRange(-1, 5).Draw(t, "generation"))
	}
	if rapid.Bool().Draw(t, "newFinalizers") {
		m.Finalizers = genFinalizers(t, "finalizers")
	}
	if rapid.IntRange(0, 4).Draw(t, "newLabels") == 0 {
		m.Labels = map[string]string{rapid.SampledFrom([]string{"app", "-bad"}).Draw(t, "labelKey"): "x"}
	}
	return old, m
}

func genCounts(t *rapid.T) (int32, int32, int32, int32, int64) {
	c := func(label string) int32 { return int32(rapid.IntRange(-1, 4).Draw(t, label)) }
	return c("replicas"), c("fullyLabeled"), c("ready"), c("available"), int64(rapid.IntRange(-1, 4).Draw(t, "observedGeneration"))
}

// ValidateReplicaSetStatusUpdate agrees with upstream's on random
// metadata changes and random (often inconsistent) counts.
func TestReplicaSetStatusUpdateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		oldMeta, meta := genMetaUpdate(t)
		old := &appsv1.ReplicaSet{ObjectMeta: oldMeta, Status: appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1}}
		rs := &appsv1.ReplicaSet{ObjectMeta: meta}
		s := &rs.Status
		s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration = genCounts(t)
		if rapid.Bool().Draw(t, "terminatingSet") {
			s.TerminatingReplicas = ptr(int32(rapid.IntRange(-1, 2).Draw(t, "terminating")))
		}
		in, inOld := &apps.ReplicaSet{}, &apps.ReplicaSet{}
		if err := legacyscheme.Scheme.Convert(rs, in, nil); err != nil {
			t.Fatal(err)
		}
		if err := legacyscheme.Scheme.Convert(old, inOld, nil); err != nil {
			t.Fatal(err)
		}
		compareErrors(t, appsvalidation.ValidateReplicaSetStatusUpdate(in, inOld), workload.ValidateReplicaSetStatusUpdate(rs, old), false)
	})
}

// The same for a ReplicationController's status.
func TestReplicationControllerStatusUpdateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		oldMeta, meta := genMetaUpdate(t)
		old := &corev1.ReplicationController{ObjectMeta: oldMeta}
		rc := &corev1.ReplicationController{ObjectMeta: meta}
		s := &rc.Status
		s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration = genCounts(t)
		in, inOld := &api.ReplicationController{}, &api.ReplicationController{}
		if err := legacyscheme.Scheme.Convert(rc, in, nil); err != nil {
			t.Fatal(err)
		}
		if err := legacyscheme.Scheme.Convert(old, inOld, nil); err != nil {
			t.Fatal(err)
		}
		compareErrors(t, corevalidation.ValidateReplicationControllerStatusUpdate(in, inOld), workload.ValidateReplicationControllerStatusUpdate(rc, old), false)
	})
}

// ValidateReplicaSetUpdate agrees with upstream's (with the options the
// ReplicaSet strategy derives from both templates) on an old ReplicaSet
// drawn as in the create test and a new one with changed metadata, and
// a selector, replicas or template that may change.
func TestReplicaSetUpdateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		old := workload.DefaultReplicaSet(genRS(t))
		rs := old.DeepCopy()
		oldMeta, meta := genMetaUpdate(t)
		old.ObjectMeta, rs.ObjectMeta = oldMeta, meta
		if rapid.IntRange(0, 3).Draw(t, "newSelector") == 0 {
			rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": rapid.SampledFrom([]string{"nginx", "yellow"}).Draw(t, "newMatchApp")}}
		}
		if rapid.Bool().Draw(t, "newReplicas") {
			rs.Spec.Replicas = ptr(int32(rapid.IntRange(-1, 3).Draw(t, "replicasValue")))
		}
		if rapid.IntRange(0, 3).Draw(t, "newTemplate") == 0 {
			rs.Spec.Template = *workload.DefaultPodTemplate(&corev1.PodTemplateSpec{ObjectMeta: rs.Spec.Template.ObjectMeta, Spec: genPodSpec(t)})
		}
		in, inOld := &apps.ReplicaSet{}, &apps.ReplicaSet{}
		if err := legacyscheme.Scheme.Convert(rs, in, nil); err != nil {
			t.Fatal(err)
		}
		if err := legacyscheme.Scheme.Convert(old, inOld, nil); err != nil {
			t.Fatal(err)
		}
		opts := podapi.GetValidationOptionsFromPodTemplate(&in.Spec.Template, &inOld.Spec.Template)
		compareErrors(t, appsvalidation.ValidateReplicaSetUpdate(in, inOld, opts), workload.ValidateReplicaSetUpdate(rs, old), manyResources(&rs.Spec.Template.Spec))
	})
}

// The same for a ReplicationController, whose selector may change.
func TestReplicationControllerUpdateValidationMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tpl := genTemplate(t)
		old := workload.DefaultReplicationController(&corev1.ReplicationController{
			ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: "default"},
			Spec:       corev1.ReplicationControllerSpec{Template: &tpl},
		})
		rc := old.DeepCopy()
		oldMeta, meta := genMetaUpdate(t)
		old.ObjectMeta, rc.ObjectMeta = oldMeta, meta
		switch rapid.IntRange(0, 4).Draw(t, "newSelector") {
		case 0:
			rc.Spec.Selector = map[string]string{"app": "other"}
		case 1:
			rc.Spec.Selector = nil
		}
		if rapid.Bool().Draw(t, "newReplicas") {
			rc.Spec.Replicas = ptr(int32(rapid.IntRange(-1, 3).Draw(t, "replicasValue")))
		}
		switch rapid.IntRange(0, 4).Draw(t, "newTemplate") {
		case 0:
			rc.Spec.Template = workload.DefaultPodTemplate(&corev1.PodTemplateSpec{ObjectMeta: rc.Spec.Template.ObjectMeta, Spec: genPodSpec(t)})
		case 1:
			rc.Spec.Template = nil
		}
		in, inOld := &api.ReplicationController{}, &api.ReplicationController{}
		if err := legacyscheme.Scheme.Convert(rc, in, nil); err != nil {
			t.Fatal(err)
		}
		if err := legacyscheme.Scheme.Convert(old, inOld, nil); err != nil {
			t.Fatal(err)
		}
		many := rc.Spec.Template != nil && manyResources(&rc.Spec.Template.Spec)
		opts := podapi.GetValidationOptionsFromPodTemplate(in.Spec.Template, inOld.Spec.Template)
		compareErrors(t, corevalidation.ValidateReplicationControllerUpdate(in, inOld, opts), workload.ValidateReplicationControllerUpdate(rc, old), many)
	})
}
