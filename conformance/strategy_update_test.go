package conformance

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/apiserver"
)

// strategyCase is a kind, a valid object of it, and the JSON paths a
// random update may change.
type strategyCase struct {
	resource string
	strategy rest.RESTUpdateStrategy
	sample   func() apiserver.Object
	spec     [][]string // paths into spec (and the pod template)
	status   []string   // a status field
}

func strategyCases() []strategyCase {
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}
	meta := metav1.ObjectMeta{Name: "x", Namespace: "default"}
	workloadSpec := [][]string{{"spec", "minReadySeconds"}, {"spec", "template", "metadata", "labels", "extra"}}
	return []strategyCase{
		{"deployments.v1.apps", deployment.Strategy, func() apiserver.Object {
			return &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Selector: sel, Template: tmpl}}
		}, workloadSpec, []string{"status", "observedGeneration"}},
		{"replicasets.v1.apps", replicaset.Strategy, func() apiserver.Object {
			return &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Selector: sel, Template: tmpl}}
		}, workloadSpec, []string{"status", "observedGeneration"}},
		{"statefulsets.v1.apps", statefulset.Strategy, func() apiserver.Object {
			return &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Selector: sel, Template: tmpl}}
		}, workloadSpec, []string{"status", "observedGeneration"}},
		{"daemonsets.v1.apps", daemonset.Strategy, func() apiserver.Object {
			return &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Selector: sel, Template: tmpl}}
		}, workloadSpec, []string{"status", "observedGeneration"}},
		{"jobs.v1.batch", job.Strategy, func() apiserver.Object {
			return &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Template: tmpl}}
		}, [][]string{{"spec", "backoffLimit"}, {"spec", "activeDeadlineSeconds"}}, []string{"status", "succeeded"}},
		{"cronjobs.v1.batch", cronjob.Strategy, func() apiserver.Object {
			return &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{Schedule: "* * * * *"}}
		}, [][]string{{"spec", "startingDeadlineSeconds"}, {"spec", "successfulJobsHistoryLimit"}}, []string{"status", "lastScheduleTime"}},
		{"poddisruptionbudgets.v1.policy", poddisruptionbudget.Strategy, func() apiserver.Object {
			one := intstr.FromInt32(1)
			return &policyv1.PodDisruptionBudget{ObjectMeta: meta, Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &one}}
		}, [][]string{{"spec", "minAvailable"}}, []string{"status", "currentHealthy"}},
		{"horizontalpodautoscalers.v2.autoscaling", horizontalpodautoscaler.Strategy, func() apiserver.Object {
			return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: meta, Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 3,
				ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "x", APIVersion: "apps/v1"}}}
		}, [][]string{{"spec", "maxReplicas"}}, []string{"status", "currentReplicas"}},
		{"networkpolicies.v1.networking.k8s.io", networkpolicy.Strategy, func() apiserver.Object {
			return &networkingv1.NetworkPolicy{ObjectMeta: meta}
		}, [][]string{{"spec", "podSelector", "matchLabels", "app"}}, nil},
		{"configmaps.v1.", configmap.Strategy, func() apiserver.Object {
			return &corev1.ConfigMap{ObjectMeta: meta}
		}, [][]string{{"data", "k"}}, nil},
	}
}

// API-4: for random updates of labels, annotations, spec and status,
// kubesem's store moves metadata.generation, keeps the stored status and
// (DaemonSets) the template generation exactly as each kind's upstream
// registry strategy's PrepareForUpdate does.
func TestUpdateStrategiesMatchUpstream(t *testing.T) {
	cases := strategyCases()
	rapid.Check(t, func(t *rapid.T) {
		tc := cases[rapid.IntRange(0, len(cases)-1).Draw(t, "kind")]
		s := apiserver.New(apiserver.Options{})
		r, err := s.ResourceFor(tc.resource)
		if err != nil {
			t.Fatal(err)
		}
		gvr := r.GroupVersionResource()
		created, err := s.Create(gvr, "default", tc.sample(), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		old := created.(apiserver.Object)
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(old)
		if err != nil {
			t.Fatal(err)
		}
		obj := &unstructured.Unstructured{Object: u}
		if rapid.Bool().Draw(t, "annotate") {
			obj.SetAnnotations(map[string]string{"note": rapid.SampledFrom([]string{"a", "b"}).Draw(t, "note")})
		}
		if rapid.Bool().Draw(t, "label") {
			obj.SetLabels(map[string]string{"tier": "front"})
		}
		for i, path := range tc.spec {
			if rapid.Bool().Draw(t, fmt.Sprintf("spec%d", i)) {
				var v any = int64(rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("value%d", i)))
				if path[len(path)-1] == "extra" || path[len(path)-1] == "app" || path[len(path)-1] == "k" {
					v = fmt.Sprint(v)
				}
				if err := unstructured.SetNestedField(obj.Object, v, path...); err != nil {
					t.Fatal(err)
				}
			}
		}
		if tc.status != nil && rapid.Bool().Draw(t, "status") {
			var v any = int64(7)
			if tc.status[len(tc.status)-1] == "lastScheduleTime" {
				v = "2026-01-01T09:00:00Z"
			}
			if err := unstructured.SetNestedField(obj.Object, v, tc.status...); err != nil {
				t.Fatal(err)
			}
		}
		typed, err := s.Scheme().New(r.GroupVersionKind())
		if err != nil {
			t.Fatal(err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, typed); err != nil {
			t.Fatal(err)
		}
		in := typed.(apiserver.Object)

		// upstream: BeforeUpdate's generation reset, then PrepareForUpdate,
		// on the internal types
		oldI, err := legacyscheme.Scheme.ConvertToVersion(old.DeepCopyObject(), r.GroupVersionKind().GroupKind().WithVersion(runtime.APIVersionInternal).GroupVersion())
		if err != nil {
			t.Fatal(err)
		}
		newI, err := legacyscheme.Scheme.ConvertToVersion(in.DeepCopyObject(), r.GroupVersionKind().GroupKind().WithVersion(runtime.APIVersionInternal).GroupVersion())
		if err != nil {
			t.Fatal(err)
		}
		newI.(metav1.Object).SetGeneration(old.GetGeneration())
		ctx := genericapirequest.WithRequestInfo(context.Background(), &genericapirequest.RequestInfo{APIGroup: r.Group, APIVersion: r.Version})
		tc.strategy.PrepareForUpdate(ctx, newI, oldI)
		want, err := legacyscheme.Scheme.ConvertToVersion(newI, r.GroupVersionKind().GroupVersion())
		if err != nil {
			t.Fatal(err)
		}
		wantObj := want.(apiserver.Object)

		out, err := s.Update(gvr, "default", in, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("kubesem refused the update: %v", err)
		}
		got := out.(apiserver.Object)
		if got.GetGeneration() != wantObj.GetGeneration() {
			t.Fatalf("generation %d, upstream %d", got.GetGeneration(), wantObj.GetGeneration())
		}
		if g, w := got.GetAnnotations()[appsv1.DeprecatedTemplateGeneration], wantObj.GetAnnotations()[appsv1.DeprecatedTemplateGeneration]; g != w {
			t.Fatalf("template generation %q, upstream %q", g, w)
		}
		gu, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(got)
		wu, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(wantObj)
		if !apiequality.Semantic.DeepEqual(gu["status"], wu["status"]) {
			t.Fatalf("status %v, upstream %v", gu["status"], wu["status"])
		}
	})
}
