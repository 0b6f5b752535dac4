package conformance

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/kubectl/pkg/describe"
	kptr "k8s.io/utils/ptr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/printers"
)

// describeAgo draws a time whole seconds and a half before now, so that
// an age cannot change while kubesem and kubectl (which reads the clock)
// both describe.
func describeAgo(t *rapid.T, now time.Time, label string) metav1.Time {
	s := rapid.SampledFrom([]int{0, 5, 42, 119, 120, 600, 3599, 7200, 90000}).Draw(t, label)
	return metav1.NewTime(now.Add(-time.Duration(s)*time.Second - 500*time.Millisecond))
}

// genDescribeEvents draws events about the object ref (as the apiserver
// lists them: by name).
func genDescribeEvents(t *rapid.T, now time.Time, ref corev1.ObjectReference) []*corev1.Event {
	var events []*corev1.Event
	for i := range rapid.IntRange(0, 8).Draw(t, "events") {
		first := describeAgo(t, now, "first")
		e := &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%04d", ref.Name, i), Namespace: ref.Namespace},
			InvolvedObject: ref,
			Type:           rapid.SampledFrom([]string{"Normal", "Warning"}).Draw(t, "type"),
			Reason:         rapid.SampledFrom([]string{"Scheduled", "Pulled", "BackOff", "ScalingReplicaSet"}).Draw(t, "reason"),
			Message:        rapid.SampledFrom([]string{"Successfully assigned default/web to node-1", "Back-off restarting failed container", "  padded  "}).Draw(t, "message"),
			Source:         corev1.EventSource{Component: rapid.SampledFrom([]string{"kubelet", "default-scheduler", ""}).Draw(t, "source")},
			FirstTimestamp: first, LastTimestamp: first, Count: 1,
		}
		if e.Source.Component == "" {
			e.ReportingController = "kubesem.example/controller"
		}
		if rapid.IntRange(0, 3).Draw(t, "repeated") == 0 {
			e.Count = int32(rapid.IntRange(2, 9).Draw(t, "count"))
			e.FirstTimestamp = metav1.NewTime(first.Add(-10 * time.Minute))
		}
		if rapid.IntRange(0, 4).Draw(t, "fieldPath") == 0 {
			e.InvolvedObject.FieldPath = "spec.containers{nginx}"
		}
		events = append(events, e)
	}
	return events
}

// genDescribedPod draws a pod: the spec of a drawn ReplicaSet's template
// (every part kubesem models), with priority, node, deletion, seccomp,
// pod-level resources, readiness gates, ephemeral containers, field
// references, and a status with IPs, conditions and container statuses
// in every state.
func genDescribedPod(t *rapid.T, now time.Time) *corev1.Pod {
	rs := genDescribedReplicaSet(t)
	some := func(label string) bool { return rapid.IntRange(0, 2).Draw(t, label) == 0 }
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: rapid.SampledFrom([]string{"web", "http-go-577ffd6fb4-x7k2p"}).Draw(t, "podName"), Namespace: rs.Namespace, UID: "pod-uid",
		Labels: rs.Labels, Annotations: rs.Annotations, OwnerReferences: rs.OwnerReferences,
	}, Spec: rs.Spec.Template.Spec}
	if some("podOwner") {
		pod.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "http-go-577ffd6fb4", UID: "rs-uid", Controller: kptr.To(true)}}
	}
	spec, st := &pod.Spec, &pod.Status
	if some("priorityValue") {
		spec.Priority = kptr.To(int32(rapid.IntRange(0, 2000000000).Draw(t, "priorityN")))
	}
	if some("runtimeClass") {
		spec.RuntimeClassName = kptr.To(rapid.SampledFrom([]string{"", "gvisor"}).Draw(t, "runtimeClassName"))
	}
	if some("node") {
		spec.NodeName = "node-1"
		st.HostIP = rapid.SampledFrom([]string{"", "10.0.0.4"}).Draw(t, "hostIP")
	}
	if some("startTime") {
		st.StartTime = kptr.To(describeAgo(t, now, "start"))
	}
	st.Phase = corev1.PodPhase(rapid.SampledFrom([]string{"Pending", "Running", "Succeeded", "Failed", "Unknown", ""}).Draw(t, "phase"))
	if some("deleting") {
		d := metav1.NewTime(now.Add(time.Duration(rapid.IntRange(-100, 100).Draw(t, "deleteIn"))*time.Second + 500*time.Millisecond))
		pod.DeletionTimestamp = &d
		pod.DeletionGracePeriodSeconds = kptr.To(int64(30))
	}
	if some("reason") {
		st.Reason, st.Message = "Evicted", "The node was low on resource: memory."
	}
	if some("podSeccomp") {
		spec.SecurityContext = &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		if some("podLocalhost") {
			spec.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: kptr.To("audit.json")}
		}
	}
	if some("podIP") {
		st.PodIP = "10.244.0.5"
		st.PodIPs = []corev1.PodIP{{IP: "10.244.0.5"}}
		if some("dualStack") {
			st.PodIPs = append(st.PodIPs, corev1.PodIP{IP: "fd00::5"})
		}
	}
	if some("nominated") {
		st.NominatedNodeName = "node-2"
	}
	if some("podResources") {
		spec.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}
		if some("podRequests") {
			spec.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi")}
		}
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		if some(fmt.Sprintf("guaranteed%d", i)) {
			c.Resources = corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.5"), corev1.ResourceMemory: resource.MustParse("128Mi")},
			}
		}
		if some(fmt.Sprintf("fieldEnv%d", i)) {
			c.Env = append(c.Env,
				corev1.EnvVar{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}},
				corev1.EnvVar{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.podIP"}}},
				corev1.EnvVar{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels['app']"}}})
		}
	}
	if some("statusQOS") {
		st.QOSClass = corev1.PodQOSBurstable
	}
	if some("ephemeral") {
		spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger", Image: "busybox"}}}
	}
	if some("gates") {
		spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/feature"}, {ConditionType: corev1.PodReady}}
	}
	for _, c := range []corev1.PodConditionType{corev1.PodScheduled, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady, "example.com/feature"} {
		if rapid.Bool().Draw(t, "cond"+string(c)) {
			st.Conditions = append(st.Conditions, corev1.PodCondition{Type: c, Status: corev1.ConditionStatus(rapid.SampledFrom([]string{"True", "False"}).Draw(t, "condStatus"))})
		}
	}
	state := func(label string) corev1.ContainerState {
		at := describeAgo(t, now, label+"at")
		switch rapid.IntRange(0, 4).Draw(t, label) {
		case 0:
			return corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: at}}
		case 1:
			return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: rapid.SampledFrom([]string{"", "CrashLoopBackOff"}).Draw(t, label+"reason")}}
		case 2:
			term := &corev1.ContainerStateTerminated{ExitCode: int32(rapid.IntRange(0, 137).Draw(t, label+"exit")), StartedAt: at, FinishedAt: at}
			if some(label + "termReason") {
				term.Reason, term.Message = "Error", "boom"
			}
			if some(label + "signal") {
				term.Signal = 9
			}
			return corev1.ContainerState{Terminated: term}
		case 3:
			return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "PodInitializing"}, Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}}
		}
		return corev1.ContainerState{}
	}
	statuses := func(label string, cs []corev1.Container) []corev1.ContainerStatus {
		var out []corev1.ContainerStatus
		for i, c := range cs {
			if !rapid.Bool().Draw(t, fmt.Sprintf("%s%d", label, i)) {
				continue
			}
			s := corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: "docker.io/library/" + c.Image + "@sha256:0123", ContainerID: "containerd://abc" + c.Name,
				Ready: rapid.Bool().Draw(t, label+"ready"), RestartCount: int32(rapid.IntRange(0, 5).Draw(t, label+"restarts")), State: state(label + "state")}
			if some(label + "last") {
				s.LastTerminationState = state(label + "lastState")
			}
			out = append(out, s)
		}
		return out
	}
	st.InitContainerStatuses = statuses("init", spec.InitContainers)
	st.ContainerStatuses = statuses("ctr", spec.Containers)
	if len(spec.EphemeralContainers) > 0 {
		st.EphemeralContainerStatuses = statuses("eph", []corev1.Container{{Name: "debugger", Image: "busybox"}})
	}
	if some("mirror") {
		pod.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "mirror-uid"}
	}
	return pod
}

// kubectl describe pod, as printers.DescribePod writes it and as kubectl's
// PodDescriber (v1.37.2) writes it from a fake clientset holding the same
// pod and events: byte for byte, with and without events. Times are in
// UTC (as the fake hands them back).
func TestDescribePodMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		pod := genDescribedPod(t, now)
		uid := pod.UID
		if m, ok := pod.Annotations[corev1.MirrorPodAnnotationKey]; ok {
			uid = types.UID(m)
		}
		events := genDescribeEvents(t, now, corev1.ObjectReference{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: uid})
		showEvents := rapid.Bool().Draw(t, "showEvents")

		objs := []runtime.Object{pod.DeepCopy()}
		for _, e := range events {
			objs = append(objs, e.DeepCopy())
		}
		d := &describe.PodDescriber{Interface: fake.NewSimpleClientset(objs...)}
		want, err := d.Describe(pod.Namespace, pod.Name, describe.DescriberSettings{ShowEvents: showEvents, ChunkSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		got, err := printers.DescribePod(pod, events, now, showEvents)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("describe pod differs (-kubectl +kubesem):\n%s", diff)
		}
	})
}

// deploymentDescriber is kubectl's DeploymentDescriber on client: its
// client field is unexported (kubectl builds it from a REST config), so
// the test sets it through reflection.
func deploymentDescriber(client *fake.Clientset) *describe.DeploymentDescriber {
	d := &describe.DeploymentDescriber{}
	f := reflect.ValueOf(d).Elem().Field(0)
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(kubernetes.Interface(client)))
	return d
}

// kubectl describe deployment, as printers.DescribeDeployment writes it
// and as kubectl's DeploymentDescriber (v1.37.2) writes it from a fake
// clientset holding the same Deployment, ReplicaSets (its own, new and
// old, others it does not control or select) and events.
func TestDescribeDeploymentMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		some := func(label string) bool { return rapid.IntRange(0, 2).Draw(t, label) == 0 }
		rs := genDescribedReplicaSet(t)
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "http-go", Namespace: rs.Namespace, UID: "d-uid",
			Labels: rs.Labels, Annotations: rs.Annotations, CreationTimestamp: describeAgo(t, now, "created")}}
		d.Spec.Selector = rs.Spec.Selector
		if some("emptySelector") {
			d.Spec.Selector = &metav1.LabelSelector{}
		}
		d.Spec.Template = rs.Spec.Template
		d.Spec.Replicas = kptr.To(int32(rapid.IntRange(0, 5).Draw(t, "replicas")))
		d.Spec.MinReadySeconds = int32(rapid.IntRange(0, 10).Draw(t, "minReady"))
		if some("recreate") {
			d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
		} else {
			d.Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
			ru := &appsv1.RollingUpdateDeployment{MaxUnavailable: kptr.To(intstr.FromString("25%")), MaxSurge: kptr.To(intstr.FromString("25%"))}
			if some("intSurge") {
				ru.MaxSurge = kptr.To(intstr.FromInt32(1))
			}
			if some("nilUnavailable") {
				ru.MaxUnavailable = nil
			}
			d.Spec.Strategy.RollingUpdate = ru
		}
		d.Status = appsv1.DeploymentStatus{Replicas: int32(rapid.IntRange(0, 5).Draw(t, "total")), UpdatedReplicas: int32(rapid.IntRange(0, 5).Draw(t, "updated")),
			AvailableReplicas: int32(rapid.IntRange(0, 5).Draw(t, "available")), UnavailableReplicas: int32(rapid.IntRange(0, 5).Draw(t, "unavailable"))}
		for _, c := range []appsv1.DeploymentConditionType{appsv1.DeploymentAvailable, appsv1.DeploymentProgressing} {
			if rapid.Bool().Draw(t, "cond"+string(c)) {
				d.Status.Conditions = append(d.Status.Conditions, appsv1.DeploymentCondition{Type: c, Status: corev1.ConditionTrue,
					Reason: rapid.SampledFrom([]string{"MinimumReplicasAvailable", "NewReplicaSetAvailable"}).Draw(t, "condReason")})
			}
		}
		var rss []*appsv1.ReplicaSet
		for i := range rapid.IntRange(0, 5).Draw(t, "rss") {
			r := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("http-go-%d", rapid.IntRange(0, 99).Draw(t, "rsName")*10+i), Namespace: d.Namespace,
				UID: types.UID(fmt.Sprintf("rs-%d", i)), CreationTimestamp: describeAgo(t, now, "rsCreated")}}
			r.Labels = map[string]string{"app": rapid.SampledFrom([]string{"yellow", "blue", "red"}).Draw(t, "rsApp"), "pod-template-hash": fmt.Sprint(i)}
			switch rapid.IntRange(0, 3).Draw(t, "rsOwner") {
			case 0, 1:
				r.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))}
			case 2:
				r.OwnerReferences = []metav1.OwnerReference{{Kind: "Deployment", Name: "other", UID: "other", Controller: kptr.To(true)}}
			}
			r.Spec.Replicas = kptr.To(int32(rapid.IntRange(0, 3).Draw(t, "rsReplicas")))
			r.Status.Replicas = int32(rapid.IntRange(0, 3).Draw(t, "rsStatusReplicas"))
			r.Spec.Template = *d.Spec.Template.DeepCopy()
			if r.Spec.Template.Labels == nil {
				r.Spec.Template.Labels = map[string]string{}
			}
			r.Spec.Template.Labels["pod-template-hash"] = fmt.Sprint(i)
			if some("oldTemplate") {
				r.Spec.Template.Labels["version"] = "old"
			}
			rss = append(rss, r)
		}
		events := genDescribeEvents(t, now, corev1.ObjectReference{Kind: "Deployment", Namespace: d.Namespace, Name: d.Name, UID: d.UID})
		showEvents := rapid.Bool().Draw(t, "showEvents")

		objs := []runtime.Object{d.DeepCopy()}
		for _, r := range rss {
			objs = append(objs, r.DeepCopy())
		}
		for _, e := range events {
			objs = append(objs, e.DeepCopy())
		}
		want, err := deploymentDescriber(fake.NewSimpleClientset(objs...)).Describe(d.Namespace, d.Name, describe.DescriberSettings{ShowEvents: showEvents, ChunkSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		// The ReplicaSets as the apiserver lists them: by name.
		listed := slices.Clone(rss)
		slices.SortFunc(listed, func(a, b *appsv1.ReplicaSet) int { return strings.Compare(a.Name, b.Name) })
		got, err := printers.DescribeDeployment(d, listed, events, now, showEvents)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("describe deployment differs (-kubectl +kubesem):\n%s", diff)
		}
	})
}
