package printers_test

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/printers"
)

var now = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }

// kubectl get pods, for the tutorial's three pods: one running, one in
// CrashLoopBackOff after three restarts (the last 45 s ago), one waiting
// for its init container.
func ExamplePods() {
	pods := []*corev1.Pod{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubia-7xq2c", Namespace: "default", CreationTimestamp: ago(5 * time.Minute)},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "kubia"}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
				Name: "kubia", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubia-liveness", Namespace: "default", CreationTimestamp: ago(250 * time.Second)},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "kubia"}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
				Name: "kubia", RestartCount: 3,
				State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, FinishedAt: ago(45 * time.Second)}}}}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "kubia-init-abcde", Namespace: "default", CreationTimestamp: ago(10 * time.Second)},
			Spec:       corev1.PodSpec{InitContainers: []corev1.Container{{Name: "wait"}}, Containers: []corev1.Container{{Name: "kubia"}}},
			Status: corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "wait", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}},
		},
	}
	fmt.Print(printers.Pods(pods, now, printers.Options{}))
	// Output:
	// NAME               READY   STATUS             RESTARTS      AGE
	// kubia-7xq2c        1/1     Running            0             5m
	// kubia-liveness     0/1     CrashLoopBackOff   3 (45s ago)   4m10s
	// kubia-init-abcde   0/1     Init:0/1           0             10s
}

// kubectl get rs -o wide: the selector is printed with its requirements
// sorted by key and the values of "in" sorted.
func ExampleReplicaSets() {
	replicas := int32(3)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "kubia", Namespace: "default", CreationTimestamp: ago(6 * 24 * time.Hour)},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{
				MatchLabels:      map[string]string{"app": "kubia"},
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "rel", Operator: metav1.LabelSelectorOpIn, Values: []string{"beta", "alpha"}}},
			},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "kubia", Image: "luksa/kubia:v1"}}}},
		},
		Status: appsv1.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 2},
	}
	fmt.Print(printers.ReplicaSets([]*appsv1.ReplicaSet{rs}, now, printers.Options{Wide: true}))
	// Output:
	// NAME    DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES           SELECTOR
	// kubia   3         3         2       6d    kubia        luksa/kubia:v1   app=kubia,rel in (alpha,beta)
}

// A pod being deleted shows Terminating until it is gone (RS-14.5).
func ExamplePodStatus() {
	p := &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	fmt.Println(printers.PodStatus(p))
	deleted := ago(time.Second)
	p.DeletionTimestamp = &deleted
	fmt.Println(printers.PodStatus(p))
	// Output:
	// Running
	// Terminating
}

// What kubectl writes to stderr instead of an empty table.
func ExampleNoResources() {
	var pods []*corev1.Pod
	if out := printers.Pods(pods, now, printers.Options{}); out == "" {
		fmt.Println(printers.NoResources("default", true))
	}
	fmt.Println(printers.NoResources("", false))
	// Output:
	// No resources found in default namespace.
	// No resources found
}

// kubectl describe rs, for the tutorial's ReplicaSet of yellow and blue
// pods after one pod was replaced: the pods it controls counted by phase,
// its events oldest first.
func ExampleDescribeReplicaSet() {
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "replicaset-2", Namespace: "default", UID: "rs-uid"},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: new(int32(2)),
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"}}}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "yellow"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx"}}},
			},
		},
		Status: appsv1.ReplicaSetStatus{Replicas: 2},
	}
	owner := *metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))
	var pods []*corev1.Pod
	for _, phase := range []corev1.PodPhase{corev1.PodRunning, corev1.PodPending} {
		pods = append(pods, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Labels: map[string]string{"app": "yellow"}, OwnerReferences: []metav1.OwnerReference{owner}},
			Status:     corev1.PodStatus{Phase: phase},
		})
	}
	event := func(reason, message string, age time.Duration) *corev1.Event {
		return &corev1.Event{
			InvolvedObject: corev1.ObjectReference{Kind: "ReplicaSet", Namespace: "default", Name: "replicaset-2", UID: "rs-uid"},
			Type:           "Normal", Reason: reason, Message: message, Count: 1,
			Source:         corev1.EventSource{Component: "replicaset-controller"},
			FirstTimestamp: ago(age), LastTimestamp: ago(age),
		}
	}
	events := []*corev1.Event{
		event("SuccessfulCreate", "Created pod: replicaset-2-jxg7v", 10*time.Minute),
		event("SuccessfulCreate", "Created pod: replicaset-2-h7x4l", 5*time.Second),
	}
	out, err := printers.DescribeReplicaSet(rs, pods, events, now, true)
	if err != nil {
		panic(err)
	}
	fmt.Print(out)
	// Output:
	// Name:         replicaset-2
	// Namespace:    default
	// Selector:     app in (blue,yellow)
	// Labels:       <none>
	// Annotations:  <none>
	// Replicas:     2 current / 2 desired
	// Pods Status:  1 Running / 1 Waiting / 0 Succeeded / 0 Failed
	// Pod Template:
	//   Labels:  app=yellow
	//   Containers:
	//    nginx:
	//     Image:         nginx
	//     Port:          <none>
	//     Host Port:     <none>
	//     Environment:   <none>
	//     Mounts:        <none>
	//   Volumes:         <none>
	//   Node-Selectors:  <none>
	//   Tolerations:     <none>
	// Events:
	//   Type    Reason            Age   From                   Message
	//   ----    ------            ----  ----                   -------
	//   Normal  SuccessfulCreate  10m   replicaset-controller  Created pod: replicaset-2-jxg7v
	//   Normal  SuccessfulCreate  5s    replicaset-controller  Created pod: replicaset-2-h7x4l
}
