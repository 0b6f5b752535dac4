package printers

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// tableCase is one `kubectl get` table. Each wanted text is upstream's
// output for the same objects: they were fed, in a scratch module outside
// this repository, to k8s.io/kubernetes v1.37.2's printers
// (pkg/printers/internalversion AddHandlers through
// pkg/printers.NewTableGenerator, after conversion to the internal types),
// the Table was sent through JSON as the apiserver does, and printed by
// k8s.io/cli-runtime v0.37.2's HumanReadablePrinter, as kubectl get does.
type tableCase struct {
	name string // the rule, then what is shown
	objs any    // []*corev1.Pod, []*appsv1.ReplicaSet, …
	o    Options
	want string
}

func ago(now time.Time, d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }

func agoPtr(now time.Time, d time.Duration) *metav1.Time {
	t := ago(now, d)
	return &t
}

func i32(n int32) *int32 { return &n }

// tutorialPods are the pods of the tutorial's examples: one running, one
// in CrashLoopBackOff after three restarts, one waiting for its init
// container.
func tutorialPods(now time.Time) []*corev1.Pod {
	return []*corev1.Pod{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubia-7xq2c", Namespace: "default", CreationTimestamp: ago(now, 5*time.Minute),
				Labels: map[string]string{"app": "kubia", "rel": "beta"}},
			Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "kubia", Image: "luksa/kubia"}}},
			Status: corev1.PodStatus{
				Phase: corev1.PodRunning, PodIP: "10.244.1.5",
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "kubia", Ready: true,
					State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ago(now, 290*time.Second)}}}},
			},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubia-liveness", Namespace: "default", CreationTimestamp: ago(now, 250*time.Second),
				Labels: map[string]string{"app": "kubia-liveness"}},
			Spec: corev1.PodSpec{NodeName: "worker-2", Containers: []corev1.Container{{Name: "kubia", Image: "luksa/kubia-unhealthy"}}},
			Status: corev1.PodStatus{
				Phase: corev1.PodRunning, PodIPs: []corev1.PodIP{{IP: "10.244.2.7"}},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "kubia", RestartCount: 3,
					State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
					LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "Error", FinishedAt: ago(now, 45*time.Second)}}}},
			},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubia-init-abcde", Namespace: "default", CreationTimestamp: ago(now, 10*time.Second)},
			Spec: corev1.PodSpec{NodeName: "worker-1",
				InitContainers: []corev1.Container{{Name: "wait", Image: "busybox"}},
				Containers:     []corev1.Container{{Name: "kubia", Image: "luksa/kubia"}}},
			Status: corev1.PodStatus{
				Phase:                 corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "wait", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}},
				ContainerStatuses:     []corev1.ContainerStatus{{Name: "kubia", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "PodInitializing"}}}},
			},
		},
	}
}

func tableCases(now time.Time) []tableCase {
	pods := tutorialPods(now)
	kubiaSelector := &metav1.LabelSelector{
		MatchLabels:      map[string]string{"app": "kubia"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "rel", Operator: metav1.LabelSelectorOpIn, Values: []string{"beta", "alpha"}}},
	}
	kubiaTemplate := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "kubia", Image: "luksa/kubia:v1"}}}}
	twoContainers := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "nginx"}, {Name: "sidecar", Image: "busybox"}}}}
	otherNS := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "coredns-5d78c9869d-x2x4k", Namespace: "kube-system", CreationTimestamp: ago(now, 30*24*time.Hour),
			Labels: map[string]string{"k8s-app": "kube-dns", "app.kubernetes.io/name": "coredns"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "coredns"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{Name: "coredns", Ready: true,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}},
	}
	return []tableCase{
		{name: "RS-14.5 pods", objs: pods, want: "" +
			"NAME               READY   STATUS             RESTARTS      AGE\n" +
			"kubia-7xq2c        1/1     Running            0             5m\n" +
			"kubia-liveness     0/1     CrashLoopBackOff   3 (45s ago)   4m10s\n" +
			"kubia-init-abcde   0/1     Init:0/1           0             10s\n"},
		{name: "RS-14.5 pods -o wide --show-labels", objs: pods, o: Options{Wide: true, ShowLabels: true}, want: "" +
			"NAME               READY   STATUS             RESTARTS      AGE     IP           NODE       NOMINATED NODE   READINESS GATES   LABELS\n" +
			"kubia-7xq2c        1/1     Running            0             5m      10.244.1.5   worker-1   <none>           <none>            app=kubia,rel=beta\n" +
			"kubia-liveness     0/1     CrashLoopBackOff   3 (45s ago)   4m10s   10.244.2.7   worker-2   <none>           <none>            app=kubia-liveness\n" +
			"kubia-init-abcde   0/1     Init:0/1           0             10s     <none>       worker-1   <none>           <none>            <none>\n"},
		{name: "RS-14.1 pods -A -L app,app.kubernetes.io/name", objs: []*corev1.Pod{otherNS, pods[0]}, o: Options{AllNamespaces: true, LabelColumns: []string{"app", "app.kubernetes.io/name"}}, want: "" +
			"NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE   APP     NAME\n" +
			"kube-system   coredns-5d78c9869d-x2x4k   1/1     Running   0          30d           coredns\n" +
			"default       kubia-7xq2c                1/1     Running   0          5m    kubia   \n"},
		{name: "RS-14.5 pods --no-headers", objs: pods[:2], o: Options{NoHeaders: true}, want: "" +
			"kubia-7xq2c      1/1   Running            0             5m\n" +
			"kubia-liveness   0/1   CrashLoopBackOff   3 (45s ago)   4m10s\n"},
		{name: "RS-14.5 replicasets", objs: []*appsv1.ReplicaSet{
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia", Namespace: "default", CreationTimestamp: ago(now, 6*24*time.Hour)},
				Spec:   appsv1.ReplicaSetSpec{Replicas: i32(3), Selector: kubiaSelector, Template: kubiaTemplate},
				Status: appsv1.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 2}},
			{ObjectMeta: metav1.ObjectMeta{Name: "web-7d4b9c8f6", Namespace: "default", CreationTimestamp: ago(now, 121*time.Second)},
				Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{}, Template: twoContainers}},
		}, o: Options{Wide: true}, want: "" +
			"NAME            DESIRED   CURRENT   READY   AGE    CONTAINERS     IMAGES           SELECTOR\n" +
			"kubia           3         3         2       6d     kubia          luksa/kubia:v1   app=kubia,rel in (alpha,beta)\n" +
			"web-7d4b9c8f6   0         0         0       2m1s   main,sidecar   nginx,busybox    <none>\n"},
		{name: "RS-14.5 replicationcontrollers", objs: []*corev1.ReplicationController{
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia", Namespace: "default", CreationTimestamp: ago(now, 100*time.Minute), Labels: map[string]string{"app": "kubia"}},
				Spec:   corev1.ReplicationControllerSpec{Replicas: i32(3), Selector: map[string]string{"app": "kubia"}, Template: &kubiaTemplate},
				Status: corev1.ReplicationControllerStatus{Replicas: 3, ReadyReplicas: 3}},
			{ObjectMeta: metav1.ObjectMeta{Name: "bare", Namespace: "default", CreationTimestamp: ago(now, 3*time.Hour+time.Minute)},
				Spec: corev1.ReplicationControllerSpec{Replicas: i32(0)}},
		}, o: Options{Wide: true, ShowLabels: true}, want: "" +
			"NAME    DESIRED   CURRENT   READY   AGE    CONTAINERS   IMAGES           SELECTOR    LABELS\n" +
			"kubia   3         3         3       100m   kubia        luksa/kubia:v1   app=kubia   app=kubia\n" +
			"bare    0         0         0       3h1m                                 <none>      <none>\n"},
		{name: "RS-14.5 deployments", objs: []*appsv1.Deployment{
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia", Namespace: "default", CreationTimestamp: ago(now, 47*time.Hour+59*time.Minute)},
				Spec:   appsv1.DeploymentSpec{Replicas: i32(3), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "kubia"}}, Template: kubiaTemplate},
				Status: appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2}},
			{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", CreationTimestamp: ago(now, 48*time.Hour)},
				Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{}, Template: twoContainers}},
		}, o: Options{Wide: true}, want: "" +
			"NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS     IMAGES           SELECTOR\n" +
			"kubia   2/3     3            2           47h   kubia          luksa/kubia:v1   app=kubia\n" +
			"web     0/0     0            0           2d    main,sidecar   nginx,busybox    \n"},
		{name: "RS-14.5 namespaces -A --show-labels", objs: []*corev1.Namespace{
			{ObjectMeta: metav1.ObjectMeta{Name: "custom-namespace", CreationTimestamp: ago(now, 5*time.Second), DeletionTimestamp: agoPtr(now, time.Second),
				Labels: map[string]string{"kubernetes.io/metadata.name": "custom-namespace"}},
				Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}},
			{ObjectMeta: metav1.ObjectMeta{Name: "default", CreationTimestamp: ago(now, 400*24*time.Hour),
				Labels: map[string]string{"kubernetes.io/metadata.name": "default"}},
				Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}},
		}, o: Options{AllNamespaces: true, ShowLabels: true}, want: "" +
			"NAME               STATUS        AGE    LABELS\n" +
			"custom-namespace   Terminating   5s     kubernetes.io/metadata.name=custom-namespace\n" +
			"default            Active        400d   kubernetes.io/metadata.name=default\n"},
		{name: "RS-14.5 nodes -o wide", objs: []*corev1.Node{
			{ObjectMeta: metav1.ObjectMeta{Name: "control-plane", CreationTimestamp: ago(now, 3*365*24*time.Hour+24*time.Hour),
				Labels: map[string]string{"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"}},
				Status: corev1.NodeStatus{
					Conditions: []corev1.NodeCondition{{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse}, {Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
					Addresses:  []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "control-plane"}, {Type: corev1.NodeInternalIP, Address: "172.18.0.2"}},
					NodeInfo:   corev1.NodeSystemInfo{KubeletVersion: "v1.37.2", OSImage: "Debian GNU/Linux 12 (bookworm)", KernelVersion: "6.8.0-45-generic", Architecture: "amd64", ContainerRuntimeVersion: "containerd://2.1.3"}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", CreationTimestamp: ago(now, 7*time.Hour+30*time.Minute)},
				Spec:   corev1.NodeSpec{Unschedulable: true},
				Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionUnknown}}, NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.37.2"}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "worker-2", CreationTimestamp: ago(now, 9*time.Minute+59*time.Second)}},
		}, o: Options{Wide: true}, want: "" +
			"NAME            STATUS                        ROLES                  AGE     VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION             CONTAINER-RUNTIME\n" +
			"control-plane   Ready                         control-plane,master   3y1d    v1.37.2   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic (amd64)   containerd://2.1.3\n" +
			"worker-1        NotReady,SchedulingDisabled   <none>                 7h30m   v1.37.2   <none>        <none>        <unknown>                        <unknown>                  <unknown>\n" +
			"worker-2        Unknown                       <none>                 9m59s             <none>        <none>        <unknown>                        <unknown>                  <unknown>\n"},
		{name: "RS-14.5 nodes", objs: []*corev1.Node{
			{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", CreationTimestamp: ago(now, 2*time.Hour)},
				Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse}}, NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.37.2"}}},
		}, want: "" +
			"NAME       STATUS     ROLES    AGE    VERSION\n" +
			"worker-1   NotReady   <none>   120m   v1.37.2\n"},
		{name: "services -o wide", objs: []*corev1.Service{
			{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: "default", CreationTimestamp: ago(now, 10*24*time.Hour)},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0.1", ClusterIPs: []string{"10.96.0.1"},
					Ports: []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia-headless", Namespace: "default", CreationTimestamp: ago(now, time.Hour)},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "None", Selector: map[string]string{"app": "kubia"},
					Ports: []corev1.ServicePort{{Port: 80, Protocol: corev1.ProtocolTCP}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia-loadbalancer", Namespace: "default", CreationTimestamp: ago(now, 90*time.Second)},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ClusterIP: "10.96.45.3", Selector: map[string]string{"app": "kubia"},
					Ports: []corev1.ServicePort{{Port: 80, NodePort: 32143, Protocol: corev1.ProtocolTCP}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia-nodeport", Namespace: "default", CreationTimestamp: ago(now, 20*time.Minute)},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, ClusterIP: "10.96.12.7", Selector: map[string]string{"app": "kubia"},
					Ports: []corev1.ServicePort{{Port: 80, NodePort: 30123, Protocol: corev1.ProtocolTCP}, {Port: 443, NodePort: 30124, Protocol: corev1.ProtocolTCP}}}},
		}, o: Options{Wide: true}, want: "" +
			"NAME                 TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)                      AGE   SELECTOR\n" +
			"kubernetes           ClusterIP      10.96.0.1    <none>        443/TCP                      10d   <none>\n" +
			"kubia-headless       ClusterIP      None         <none>        80/TCP                       60m   app=kubia\n" +
			"kubia-loadbalancer   LoadBalancer   10.96.45.3   <pending>     80:32143/TCP                 90s   app=kubia\n" +
			"kubia-nodeport       NodePort       10.96.12.7   <none>        80:30123/TCP,443:30124/TCP   20m   app=kubia\n"},
		{name: "services load balancer addresses", objs: []*corev1.Service{
			{ObjectMeta: metav1.ObjectMeta{Name: "lb", Namespace: "default", CreationTimestamp: ago(now, time.Minute)},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ClusterIP: "10.96.45.3", ExternalIPs: []string{"192.0.2.10"},
					Ports: []corev1.ServicePort{{Port: 80, NodePort: 32143, Protocol: corev1.ProtocolTCP}}},
				Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "35.200.100.1"}, {Hostname: "a.example.com"}, {IP: "35.200.100.1"}}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "ext", Namespace: "default", CreationTimestamp: ago(now, time.Minute)},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}},
		}, want: "" +
			// Not cut to 16 bytes: the apiserver builds tables wide.
			"NAME   TYPE           CLUSTER-IP   EXTERNAL-IP                             PORT(S)        AGE\n" +
			"lb     LoadBalancer   10.96.45.3   35.200.100.1,a.example.com,192.0.2.10   80:32143/TCP   60s\n" +
			"ext    ExternalName   <none>       example.com                             <none>         60s\n"},
		{name: "events", objs: []*corev1.Event{
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia-7xq2c.17f0a1b2c3d4e5f6", Namespace: "default"},
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "kubia-7xq2c"},
				Reason:         "Scheduled", Message: "Successfully assigned default/kubia-7xq2c to worker-1", Type: corev1.EventTypeNormal,
				EventTime: metav1.NewMicroTime(now.Add(-5 * time.Minute)), ReportingController: "default-scheduler"},
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia-liveness.17f0a1b2c3d4e5f7", Namespace: "default"},
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "kubia-liveness", FieldPath: "spec.containers{kubia}"},
				Reason:         "BackOff", Message: "Back-off restarting failed container kubia in pod kubia-liveness_default(uid)\n", Type: corev1.EventTypeWarning,
				FirstTimestamp: ago(now, 200*time.Second), LastTimestamp: ago(now, 20*time.Second), Count: 7,
				Source: corev1.EventSource{Component: "kubelet", Host: "worker-2"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia.17f0a1b2c3d4e5f8", Namespace: "default"},
				InvolvedObject: corev1.ObjectReference{Kind: "ReplicaSet", Name: "kubia"},
				Reason:         "SuccessfulCreate", Message: "Created pod: kubia-7xq2c", Type: corev1.EventTypeNormal,
				FirstTimestamp: ago(now, 6*time.Minute), Count: 1, Source: corev1.EventSource{Component: "replicaset-controller"}},
		}, want: "" +
			"LAST SEEN   TYPE      REASON             OBJECT               MESSAGE\n" +
			"5m          Normal    Scheduled          pod/kubia-7xq2c      Successfully assigned default/kubia-7xq2c to worker-1\n" +
			"20s         Warning   BackOff            pod/kubia-liveness   Back-off restarting failed container kubia in pod kubia-liveness_default(uid)\n" +
			"6m          Normal    SuccessfulCreate   replicaset/kubia     Created pod: kubia-7xq2c\n"},
		{name: "events -o wide", objs: []*corev1.Event{
			{ObjectMeta: metav1.ObjectMeta{Name: "kubia-liveness.17f0a1b2c3d4e5f7", Namespace: "default"},
				InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "kubia-liveness", FieldPath: "spec.containers{kubia}"},
				Reason:         "Unhealthy", Message: "Liveness probe failed: HTTP probe failed with statuscode: 500", Type: corev1.EventTypeWarning,
				EventTime: metav1.NewMicroTime(now.Add(-3 * time.Minute)), Series: &corev1.EventSeries{Count: 9, LastObservedTime: metav1.NewMicroTime(now.Add(-2 * time.Second))},
				ReportingController: "kubelet", ReportingInstance: "worker-2"},
		}, o: Options{Wide: true}, want: "" +
			"LAST SEEN   TYPE      REASON      OBJECT               SUBOBJECT                SOURCE              MESSAGE                                                         FIRST SEEN   COUNT   NAME\n" +
			"2s          Warning   Unhealthy   pod/kubia-liveness   spec.containers{kubia}   kubelet, worker-2   Liveness probe failed: HTTP probe failed with statuscode: 500   3m           9       kubia-liveness.17f0a1b2c3d4e5f7\n"},
		{name: "rule 12 multi-byte names, rule 13 escaping", objs: []*corev1.Pod{
			{ObjectMeta: metav1.ObjectMeta{Name: "héllo", CreationTimestamp: ago(now, time.Second)}},
			{ObjectMeta: metav1.ObjectMeta{Name: "line\nbreak", CreationTimestamp: ago(now, time.Second)}},
			{ObjectMeta: metav1.ObjectMeta{Name: "esc\x1b[31m", CreationTimestamp: ago(now, time.Second)}},
			{ObjectMeta: metav1.ObjectMeta{Name: "bad\xffutf8", CreationTimestamp: ago(now, time.Second)}},
		}, want: "" +
			"NAME         READY   STATUS   RESTARTS   AGE\n" +
			"héllo        0/0              0          1s\n" +
			"line...      0/0              0          1s\n" +
			"esc^[[31m    0/0              0          1s\n" +
			"bad�utf8     0/0              0          1s\n"},
		{name: "rule 12 --no-headers pads the first row", objs: []*corev1.Pod{
			{ObjectMeta: metav1.ObjectMeta{Name: "ab", CreationTimestamp: ago(now, time.Second)}},
			{ObjectMeta: metav1.ObjectMeta{Name: "ééééé", CreationTimestamp: ago(now, time.Second)}},
		}, o: Options{NoHeaders: true}, want: "" +
			"ab           0/0         0     1s\n" +
			"ééééé        0/0         0     1s\n"},
	}
}

// printCase prints a case with this package.
func printCase(c tableCase, now time.Time) string {
	switch objs := c.objs.(type) {
	case []*corev1.Pod:
		return Pods(objs, now, c.o)
	case []*appsv1.ReplicaSet:
		return ReplicaSets(objs, now, c.o)
	case []*corev1.ReplicationController:
		return ReplicationControllers(objs, now, c.o)
	case []*appsv1.Deployment:
		return Deployments(objs, now, c.o)
	case []*corev1.Namespace:
		return Namespaces(objs, now, c.o)
	case []*corev1.Node:
		return Nodes(objs, now, c.o)
	case []*corev1.Service:
		return Services(objs, now, c.o)
	case []*corev1.Event:
		return Events(objs, now, c.o)
	}
	panic("unknown case type")
}
