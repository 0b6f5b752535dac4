package printers_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/printers"
)

// A running pod with an exec liveness probe, described as `kubectl
// describe pod web --show-events=false` prints it.
func ExampleDescribePod() {
	started := metav1.NewTime(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			NodeName: "worker1",
			Containers: []corev1.Container{{
				Name: "web", Image: "nginx",
				LivenessProbe: &corev1.Probe{
					ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
					InitialDelaySeconds: 5, TimeoutSeconds: 1, PeriodSeconds: 5, SuccessThreshold: 1, FailureThreshold: 3,
				},
			}},
		},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning, HostIP: "192.168.56.11", PodIP: "10.244.1.2", PodIPs: []corev1.PodIP{{IP: "10.244.1.2"}},
			StartTime: &started,
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: "web", Ready: true, ContainerID: "containerd://0a1b", ImageID: "docker.io/library/nginx@sha256:0123",
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}},
			}},
		},
	}
	out, err := printers.DescribePod(pod, nil, started.Add(time.Minute), false)
	if err != nil {
		panic(err)
	}
	fmt.Print(out)
	// Output:
	// Name:         web
	// Namespace:    default
	// Node:         worker1/192.168.56.11
	// Start Time:   Thu, 01 Jan 2026 09:00:00 +0000
	// Labels:       app=web
	// Annotations:  <none>
	// Status:       Running
	// IP:           10.244.1.2
	// IPs:
	//   IP:  10.244.1.2
	// Containers:
	//   web:
	//     Container ID:   containerd://0a1b
	//     Image:          nginx
	//     Image ID:       docker.io/library/nginx@sha256:0123
	//     Port:           <none>
	//     Host Port:      <none>
	//     State:          Running
	//       Started:      Thu, 01 Jan 2026 09:00:00 +0000
	//     Ready:          True
	//     Restart Count:  0
	//     Liveness:       exec [cat /tmp/healthy] delay=5s timeout=1s period=5s successThreshold=1 failureThreshold=3
	//     Environment:    <none>
	//     Mounts:         <none>
	// Volumes:            <none>
	// QoS Class:          BestEffort
	// Node-Selectors:     <none>
	// Tolerations:        <none>
}
