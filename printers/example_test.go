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
