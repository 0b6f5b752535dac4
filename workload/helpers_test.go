package workload_test

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/workload"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// nginxRC is the tutorial's replication.yaml, defaulted.
func nginxRC() *corev1.ReplicationController {
	rc := &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{Name: "nginx", Namespace: "default", UID: "rc-nginx-uid", Generation: 1},
		Spec: corev1.ReplicationControllerSpec{
			Replicas: ptr(int32(3)),
			Selector: map[string]string{"app": "nginx"},
			Template: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Name: "nginx", Labels: map[string]string{"app": "nginx"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "nginx", Image: "nginx", Ports: []corev1.ContainerPort{{ContainerPort: 80}},
				}}},
			},
		},
	}
	return workload.DefaultReplicationController(rc)
}

// blueYellowRS is the tutorial's replicaset-2, defaulted.
func blueYellowRS() *appsv1.ReplicaSet {
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "replicaset-2", Namespace: "default", UID: "rs-2-uid", Generation: 1},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr(int32(2)),
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
			}}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "yellow"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx"}}},
			},
		},
	}
	return workload.DefaultReplicaSet(rs)
}

// pod makes a running, ready pod owned by owner (nil for an orphan).
func pod(name string, lbls map[string]string, owner metav1.Object, kind string) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name), Labels: lbls, CreationTimestamp: metav1.NewTime(t0)},
		Spec:       corev1.PodSpec{NodeName: "worker1"},
		Status: corev1.PodStatus{
			Phase:      corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0)}},
		},
	}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: kind, Name: owner.GetName(), UID: owner.GetUID(), Controller: ptr(true)}}
	}
	return p
}

func names(refs []workload.PodRef) []string {
	out := []string{}
	for _, r := range refs {
		out = append(out, r.Name)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// deploymentRS is a ReplicaSet of the Deployment web with the given
// pod-template-hash, defaulted.
func deploymentRS(hash string, replicas int32) *appsv1.ReplicaSet {
	deployment := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "web-uid", Controller: ptr(true)}
	l := map[string]string{"app": "web", appsv1.DefaultDeploymentUniqueLabelKey: hash}
	return workload.DefaultReplicaSet(&appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web-" + hash, Namespace: "default", UID: types.UID("uid-" + hash), OwnerReferences: []metav1.OwnerReference{deployment}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr(replicas), Selector: &metav1.LabelSelector{MatchLabels: l},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}}},
	})
}

// podOn is pod, of rs, on node.
func podOn(name, node string, rs *appsv1.ReplicaSet) *corev1.Pod {
	p := pod(name, rs.Spec.Template.Labels, rs, "ReplicaSet")
	p.Spec.NodeName = node
	return p
}

var _ = fmt.Sprintf
