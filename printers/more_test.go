package printers

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestMoreKindsOddObjects: the tables of the kinds in batch.go, more.go,
// network.go and storage.go print zero objects, objects whose metric
// sources or owner references validation would have rejected, and nil
// entries, with every option, without panicking; the header is the
// handler's, not the default table's.
func TestMoreKindsOddObjects(t *testing.T) {
	metrics := []autoscalingv2.MetricSpec{{Type: autoscalingv2.PodsMetricSourceType}, {Type: autoscalingv2.ExternalMetricSourceType},
		{Type: autoscalingv2.ObjectMetricSourceType}, {Type: autoscalingv2.ResourceMetricSourceType}, {Type: autoscalingv2.ContainerResourceMetricSourceType}, {}}
	owner := metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{{APIVersion: "a/b/c", Kind: "X", Name: "x", Controller: new(true)}}}
	kinds := map[string][]runtime.Object{
		"COMPLETIONS":      {&batchv1.Job{}, (*batchv1.Job)(nil)},
		"LAST SCHEDULE":    {&batchv1.CronJob{}},
		"NODE SELECTOR":    {&appsv1.DaemonSet{}},
		"REVISION":         {&appsv1.ControllerRevision{}, &appsv1.ControllerRevision{ObjectMeta: owner}},
		"VOLUME ":          {&corev1.PersistentVolumeClaim{}},
		"RECLAIM POLICY":   {&corev1.PersistentVolume{}},
		"ENDPOINTS":        {&corev1.Endpoints{}},
		"PROVISIONER":      {&storagev1.StorageClass{}},
		"HOSTS":            {&networkingv1.Ingress{}},
		"PARAMETERS":       {&networkingv1.IngressClass{}},
		"POD-SELECTOR":     {&networkingv1.NetworkPolicy{}},
		"MINPODS":          {&autoscalingv2.HorizontalPodAutoscaler{}, &autoscalingv2.HorizontalPodAutoscaler{Spec: autoscalingv2.HorizontalPodAutoscalerSpec{Metrics: metrics}}},
		"MIN AVAILABLE":    {&policyv1.PodDisruptionBudget{}},
		"ROLE":             {&rbacv1.RoleBinding{}, &rbacv1.ClusterRoleBinding{}},
		"PREEMPTIONPOLICY": {&schedulingv1.PriorityClass{}},
		"HOLDER":           {&coordinationv1.Lease{}},
		"ADDRESSTYPE":      {&discoveryv1.EndpointSlice{}},
	}
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for want, objs := range kinds {
		for _, obj := range objs {
			for _, o := range []Options{{}, {Wide: true, AllNamespaces: true, ShowLabels: true, LabelColumns: []string{"app"}}, {NoHeaders: true, Named: true}} {
				out, err := Table([]runtime.Object{obj}, now, o)
				if err != nil {
					t.Fatalf("%T: %v", obj, err)
				}
				if o.NoHeaders || out == "" {
					continue
				}
				if !strings.Contains(out, want) {
					t.Errorf("%T: no %q column in\n%s", obj, want, out)
				}
			}
		}
	}
}
