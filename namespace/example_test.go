package namespace_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/namespace"
)

// The tutorial's `kubectl create ns office --dry-run=client -o yaml`.
func ExampleCreateDryRun() {
	y, _ := namespace.CreateDryRun("office")
	fmt.Print(string(y))
	// Output:
	// apiVersion: v1
	// kind: Namespace
	// metadata:
	//   name: office
	// spec: {}
	// status: {}
}

// After `kubectl config set-context --current --namespace=office`, kubectl
// works in office unless -n says otherwise.
func ExampleResolve() {
	config := []byte(`current-context: admin@kubernetes
contexts:
- name: admin@kubernetes
  context:
    cluster: kubernetes
    namespace: office
`)
	ns, _ := namespace.Resolve("", config)
	fmt.Println(ns)
	ns, _ = namespace.Resolve("kube-system", config)
	fmt.Println(ns)
	ns, _ = namespace.Resolve("", nil)
	fmt.Println(ns)
	// Output:
	// office
	// kube-system
	// default
}

// Deleting a namespace: Terminating at once, new pods refused, pods
// deleted first, then the rest, then the namespace goes.
func ExampleFinalize() {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	office := namespace.PrepareForCreate(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office"}})
	office, _, _ = namespace.Delete(office, t0)
	fmt.Println(office.Status.Phase)
	fmt.Println(namespace.AdmitCreate("Pod", "web-4", "office", office))

	pods := []*corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "web-1"}, Spec: corev1.PodSpec{NodeName: "worker1"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}}
	s := namespace.Finalize(office, namespace.Content{Pods: pods, Others: []namespace.Object{{Kind: "ReplicationController", Name: "web"}}}, t0.Add(5*time.Second))
	fmt.Println("delete pods", s.DeletePods, "look again in", s.RequeueAfter)
	for _, c := range s.Namespace.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			fmt.Println(c.Type, c.Message)
		}
	}
	office = s.Namespace
	s = namespace.Finalize(office, namespace.Content{Others: []namespace.Object{{Kind: "ReplicationController", Name: "web"}}}, t0.Add(36*time.Second))
	for _, o := range s.Delete {
		fmt.Println("delete", o.Kind, o.Name)
	}
	s = namespace.Finalize(office, namespace.Content{}, t0.Add(37*time.Second))
	fmt.Println("finalizers", s.Namespace.Spec.Finalizers, "gone", s.Gone)

	_, _, err := namespace.Delete(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, t0)
	fmt.Println(err)
	// Output:
	// Terminating
	// pods "web-4" is forbidden: unable to create new content in namespace office because it is being terminated
	// delete pods [web-1] look again in 16s
	// NamespaceContentRemaining Some resources are remaining: pods. has 1 resource instances
	// delete ReplicationController web
	// finalizers [] gone true
	// namespaces "default" is forbidden: this namespace may not be deleted
}

// A name that is not a DNS-1123 label.
func ExampleValidate() {
	for _, e := range namespace.Validate(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "my.space"}}) {
		fmt.Println(e)
	}
	// Output:
	// metadata.name: Invalid value: "my.space": must not contain dots
}

// A namespace with a compute quota: the third 500m pod does not fit.
func ExampleAdmitPod() {
	quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "compute", Namespace: "office"}}
	quota.Status.Hard = corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("1"), corev1.ResourcePods: resource.MustParse("10")}
	quota.Status.Used = corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("0"), corev1.ResourcePods: resource.MustParse("0")}
	quotas := []*corev1.ResourceQuota{quota}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, name := range []string{"web-1", "web-2", "web-3"} {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "office"}}
		pod.Spec.Containers = []corev1.Container{{Name: "web", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m")}}}}
		next, err := namespace.AdmitPod(pod, quotas, now)
		if err != nil {
			fmt.Println(err)
			continue
		}
		quotas = next
		used := quotas[0].Status.Used[corev1.ResourceRequestsCPU]
		fmt.Println(name, "admitted, requests.cpu used:", used.String())
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "bare", Namespace: "office"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web"}}}}
	_, err := namespace.AdmitPod(pod, quotas, now)
	fmt.Println(err)
	// Output:
	// web-1 admitted, requests.cpu used: 500m
	// web-2 admitted, requests.cpu used: 1
	// pods "web-3" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1, limited: requests.cpu=1
	// pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: web
}
