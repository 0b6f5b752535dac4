package conformance

import (
	"context"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/registry/apps/controllerrevision"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/coordination/lease"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/endpoint"
	"k8s.io/kubernetes/pkg/registry/core/event"
	"k8s.io/kubernetes/pkg/registry/core/limitrange"
	nsregistry2 "k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/node"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolume"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/podtemplate"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	"k8s.io/kubernetes/pkg/registry/core/resourcequota"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/discovery/endpointslice"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/ingressclass"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/node/runtimeclass"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
	"k8s.io/kubernetes/pkg/registry/scheduling/priorityclass"
	"k8s.io/kubernetes/pkg/registry/storage/csidriver"
	"k8s.io/kubernetes/pkg/registry/storage/storageclass"

	"github.com/kubesem/kubesem/apiserver"
)

// upstreamStrategy is what the generic store asks of a registry strategy.
type upstreamStrategy interface {
	NamespaceScoped() bool
	AllowUnconditionalUpdate(context.Context) bool
	AllowCreateOnUpdate(context.Context) bool
}

// sample is an object of a resource that kubesem's validation accepts.
func sample(t *testing.T, s *apiserver.Server, r apiserver.Resource, name string) apiserver.Object {
	t.Helper()
	l := map[string]string{"app": name}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}
	meta := metav1.ObjectMeta{Name: name}
	switch r.Kind {
	case "Pod":
		return &corev1.Pod{ObjectMeta: meta, Spec: tmpl.Spec}
	case "ReplicaSet":
		return &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: l}, Template: tmpl}}
	case "Deployment":
		return &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: l}, Template: tmpl}}
	case "ReplicationController":
		return &corev1.ReplicationController{ObjectMeta: meta, Spec: corev1.ReplicationControllerSpec{Selector: l, Template: &tmpl}}
	}
	o, err := s.Scheme().New(r.GroupVersionKind())
	if err != nil {
		t.Fatal(err)
	}
	obj := o.(apiserver.Object)
	obj.SetName(name)
	return obj
}

// API-4, API-5, API-7: for each kind, kubesem's store allows an
// unconditional update, creates on update and adds the orphan finalizer
// by default exactly where upstream's registry strategy says so.
func TestStrategyFactsMatchUpstream(t *testing.T) {
	strategies := map[string]upstreamStrategy{
		"configmaps": configmap.Strategy, "secrets": secret.Strategy, "serviceaccounts": serviceaccount.Strategy,
		"endpoints": endpoint.Strategy, "events": event.Strategy, "limitranges": limitrange.Strategy,
		"namespaces": nsregistry2.Strategy, "nodes": node.Strategy, "persistentvolumes": persistentvolume.Strategy,
		"persistentvolumeclaims": persistentvolumeclaim.Strategy, "pods": pod.Strategy, "podtemplates": podtemplate.Strategy,
		"replicationcontrollers": replicationcontroller.Strategy, "resourcequotas": resourcequota.Strategy,
		"services":        service.Strategy,
		"daemonsets.apps": daemonset.Strategy, "deployments.apps": deployment.Strategy, "replicasets.apps": replicaset.Strategy,
		"statefulsets.apps": statefulset.Strategy, "controllerrevisions.apps": controllerrevision.Strategy,
		"jobs.batch": job.Strategy, "cronjobs.batch": cronjob.Strategy,
		"poddisruptionbudgets.policy":                   poddisruptionbudget.Strategy,
		"roles.rbac.authorization.k8s.io":               role.Strategy,
		"clusterroles.rbac.authorization.k8s.io":        clusterrole.Strategy,
		"rolebindings.rbac.authorization.k8s.io":        rolebinding.Strategy,
		"clusterrolebindings.rbac.authorization.k8s.io": clusterrolebinding.Strategy,
		"leases.coordination.k8s.io":                    lease.Strategy,
		"networkpolicies.networking.k8s.io":             networkpolicy.Strategy,
		"ingresses.networking.k8s.io":                   ingress.Strategy,
		"ingressclasses.networking.k8s.io":              ingressclass.Strategy,
		"storageclasses.storage.k8s.io":                 storageclass.Strategy,
		"csidrivers.storage.k8s.io":                     csidriver.Strategy,
		"priorityclasses.scheduling.k8s.io":             priorityclass.Strategy,
		"runtimeclasses.node.k8s.io":                    runtimeclass.Strategy,
		"horizontalpodautoscalers.autoscaling":          horizontalpodautoscaler.Strategy,
		"endpointslices.discovery.k8s.io":               endpointslice.Strategy,
	}
	s := apiserver.New(apiserver.Options{})
	foregroundPolicy := metav1.DeletePropagationForeground
	checked := 0
	for _, r := range s.Resources() {
		up := strategies[r.GroupResource().String()]
		if up == nil {
			continue
		}
		checked++
		gvr := r.GroupVersionResource()
		ctx := genericapirequest.WithRequestInfo(context.Background(), &genericapirequest.RequestInfo{APIGroup: r.Group, APIVersion: r.Version})
		if up.NamespaceScoped() != r.Namespaced {
			t.Errorf("%s: namespaced %v, upstream %v", r.Name, r.Namespaced, up.NamespaceScoped())
		}
		ns := ""
		if r.Namespaced {
			ns = "default"
		}
		created, err := s.Create(gvr, ns, sample(t, s, r, "sample"), metav1.CreateOptions{})
		if err != nil {
			t.Errorf("%s: create: %v", r.Name, err)
			continue
		}
		o := created.(apiserver.Object)
		o.SetResourceVersion("")
		_, err = s.Update(gvr, ns, o, metav1.UpdateOptions{})
		if got := err == nil; got != up.AllowUnconditionalUpdate(ctx) {
			t.Errorf("%s: unconditional update allowed %v (%v), upstream %v", r.Name, got, err, up.AllowUnconditionalUpdate(ctx))
		}
		_, err = s.Update(gvr, ns, sample(t, s, r, "fresh"), metav1.UpdateOptions{})
		if got := err == nil; got != up.AllowCreateOnUpdate(ctx) || (!got && !apierrors.IsNotFound(err)) {
			t.Errorf("%s: create on update %v (%v), upstream %v", r.Name, got, err, up.AllowCreateOnUpdate(ctx))
		}
		if r.Kind == "Namespace" {
			continue // its own delete
		}
		policy := rest.DeleteDependents
		if gc, ok := up.(rest.GarbageCollectionDeleteStrategy); ok {
			policy = gc.DefaultGarbageCollectionPolicy(ctx)
		}
		target := sample(t, s, r, "gone")
		target.SetFinalizers([]string{"example.com/hold"})
		if _, err := s.Create(gvr, ns, target, metav1.CreateOptions{}); err != nil {
			t.Errorf("%s: create: %v", r.Name, err)
			continue
		}
		out, err := s.Delete(gvr, ns, "gone", metav1.DeleteOptions{})
		if err != nil {
			t.Errorf("%s: delete: %v", r.Name, err)
			continue
		}
		orphans := slices.Contains(out.(apiserver.Object).GetFinalizers(), metav1.FinalizerOrphanDependents)
		if orphans != (policy == rest.OrphanDependents) {
			t.Errorf("%s: orphans by default %v, upstream policy %v", r.Name, orphans, policy)
		}
		fg := sample(t, s, r, "fg")
		fg.SetFinalizers([]string{"example.com/hold"})
		if _, err := s.Create(gvr, ns, fg, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		out, err = s.Delete(gvr, ns, "fg", metav1.DeleteOptions{PropagationPolicy: &foregroundPolicy})
		if err != nil {
			t.Fatal(err)
		}
		foreground := slices.Contains(out.(apiserver.Object).GetFinalizers(), metav1.FinalizerDeleteDependents)
		if foreground != (policy != rest.Unsupported) {
			t.Errorf("%s: foreground finalizer %v, upstream policy %v", r.Name, foreground, policy)
		}
	}
	if checked < 30 {
		t.Fatalf("only %d kinds checked", checked)
	}
}
