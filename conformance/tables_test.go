package conformance

import (
	"bytes"
	"fmt"
	"slices"
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
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	apps "k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/autoscaling"
	"k8s.io/kubernetes/pkg/apis/batch"
	"k8s.io/kubernetes/pkg/apis/coordination"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/apis/discovery"
	"k8s.io/kubernetes/pkg/apis/networking"
	"k8s.io/kubernetes/pkg/apis/policy"
	"k8s.io/kubernetes/pkg/apis/rbac"
	"k8s.io/kubernetes/pkg/apis/scheduling"
	"k8s.io/kubernetes/pkg/apis/storage"
	k8sprinters "k8s.io/kubernetes/pkg/printers"
	printersinternal "k8s.io/kubernetes/pkg/printers/internalversion"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/printers"
)

// genOtherKind draws a list of one kind among those kubesem stores
// without a controller but prints with their handlers' columns, and the
// same list as the apiserver would hold it (its defaults applied) in the
// internal types its printers take; namespaced says whether -A adds a
// NAMESPACE column for the kind.
func genOtherKind(t *rapid.T, now time.Time) (ours []runtime.Object, internal runtime.Object, namespaced bool) {
	n := rapid.IntRange(1, 4).Draw(t, "n")
	// rapid draws the first kinds more often: the more cells a kind has,
	// the earlier it comes
	kind := rapid.SampledFrom([]string{"HorizontalPodAutoscaler", "Job", "PersistentVolumeClaim", "Ingress", "PersistentVolume",
		"StorageClass", "CronJob", "EndpointSlice", "Endpoints", "DaemonSet", "ControllerRevision", "PodDisruptionBudget",
		"RoleBinding", "ClusterRoleBinding", "IngressClass", "PriorityClass", "NetworkPolicy", "Lease", "ResourceQuota",
		"StatefulSet", "ConfigMap", "Secret", "ServiceAccount", "HorizontalPodAutoscaler"}).Draw(t, "kind")
	namespaced = !slices.Contains([]string{"PersistentVolume", "StorageClass", "IngressClass", "ClusterRoleBinding", "PriorityClass"}, kind)
	draw := func(label string, i int, xs ...string) string {
		return rapid.SampledFrom(xs).Draw(t, fmt.Sprintf("%s%d", label, i))
	}
	flip := func(label string, i int) bool { return rapid.Bool().Draw(t, fmt.Sprintf("%s%d", label, i)) }
	count := func(label string, i, lo, hi int) int {
		return rapid.IntRange(lo, hi).Draw(t, fmt.Sprintf("%s%d", label, i))
	}
	optString := func(label string, i int, xs ...string) *string {
		if flip(label+"nil", i) {
			return nil
		}
		return ptr(draw(label, i, xs...))
	}
	optInt32 := func(label string, i, lo, hi int) *int32 {
		if flip(label+"nil", i) {
			return nil
		}
		return ptr(int32(count(label, i, lo, hi)))
	}
	optBool := func(label string, i int) *bool {
		if flip(label+"nil", i) {
			return nil
		}
		return ptr(flip(label, i))
	}
	// when is a past time at least ten minutes and half a minute back,
	// so that its age is the same when upstream's printer reads the clock
	// a little later.
	when := func(label string, i int) metav1.Time {
		return metav1.NewTime(now.Add(-time.Duration(count(label, i, 10, 5000))*time.Minute - 30*time.Second))
	}
	optWhen := func(label string, i int) *metav1.Time {
		if flip(label+"nil", i) {
			return nil
		}
		return ptr(when(label, i))
	}
	objMeta := func(i int) metav1.ObjectMeta {
		m := metav1.ObjectMeta{
			Name:              draw("name", i, "a", "cfg", "a-much-longer-name", "x9") + fmt.Sprint(i),
			CreationTimestamp: when("age", i),
		}
		if namespaced {
			m.Namespace = draw("ns", i, "default", "team-blue")
		}
		if flip("labels", i) {
			m.Labels = map[string]string{"app": draw("app", i, "web", "db")}
		}
		if count("deleting", i, 0, 4) == 0 {
			m.DeletionTimestamp = ptr(when("deleted", i))
		}
		return m
	}
	keys := func(label string) []string {
		return rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"a", "b", "c", "config.yaml", "key"}), 0, 4, rapid.ID[string]).Draw(t, label)
	}
	containers := func(i int) []corev1.Container {
		var cs []corev1.Container
		for j := range count("containers", i, 0, 3) {
			cs = append(cs, corev1.Container{Name: fmt.Sprintf("c%d", j), Image: draw(fmt.Sprintf("image%d-", j), i, "nginx", "redis:7", "busybox")})
		}
		return cs
	}
	selector := func(label string, i int) *metav1.LabelSelector {
		switch count(label, i, 0, 3) {
		case 0:
			return nil
		case 1:
			return &metav1.LabelSelector{}
		case 2:
			return &metav1.LabelSelector{MatchLabels: map[string]string{"app": draw(label+"app", i, "web", "db"), "tier": "x"}}
		}
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"},
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "env", Operator: metav1.LabelSelectorOperator(draw(label+"op", i, "In", "NotIn", "Exists", "Bogus")), Values: []string{"prod", "dev"}}}}
	}
	labelMap := func(label string, i int) map[string]string {
		switch count(label, i, 0, 3) {
		case 0:
			return nil
		case 1:
			return map[string]string{}
		case 2:
			return map[string]string{"disk": draw(label+"v", i, "ssd", "hdd")}
		}
		return map[string]string{"disk": "ssd", "kubernetes.io/os": "linux"}
	}
	quantity := func(label string, i int, xs ...string) resource.Quantity {
		return resource.MustParse(draw(label, i, xs...))
	}
	optQuantity := func(label string, i int, xs ...string) *resource.Quantity {
		if flip(label+"nil", i) {
			return nil
		}
		return ptr(quantity(label, i, xs...))
	}
	sizes := []string{"1Gi", "500Mi", "10G", "100u", "1n", "2.5Gi"}
	accessModes := func(label string, i int) []corev1.PersistentVolumeAccessMode {
		return rapid.SliceOfN(rapid.SampledFrom([]corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod, "Bogus"}), 0, 4).Draw(t, fmt.Sprintf("%s%d", label, i))
	}
	volumeMode := func(label string, i int) *corev1.PersistentVolumeMode {
		if flip(label+"nil", i) {
			return nil
		}
		return ptr(corev1.PersistentVolumeMode(draw(label, i, "Filesystem", "Block")))
	}
	intOrString := func(label string, i int) *intstr.IntOrString {
		switch count(label, i, 0, 2) {
		case 0:
			return nil
		case 1:
			return ptr(intstr.FromInt32(int32(count(label+"int", i, 0, 5))))
		}
		return ptr(intstr.FromString(draw(label+"str", i, "50%", "10%")))
	}

	var v1list runtime.Object
	switch kind {
	case "ConfigMap":
		l := &corev1.ConfigMapList{}
		for i := range n {
			cm := corev1.ConfigMap{ObjectMeta: objMeta(i), Data: map[string]string{}, BinaryData: map[string][]byte{}}
			for _, k := range keys(fmt.Sprintf("data%d", i)) {
				cm.Data[k] = "v"
			}
			for _, k := range keys(fmt.Sprintf("binary%d", i)) {
				cm.BinaryData[k+"-bin"] = []byte{1}
			}
			l.Items = append(l.Items, cm)
		}
		v1list, internal = l, &api.ConfigMapList{}
	case "Secret":
		l := &corev1.SecretList{}
		for i := range n {
			s := corev1.Secret{ObjectMeta: objMeta(i), Data: map[string][]byte{},
				Type: rapid.SampledFrom([]corev1.SecretType{corev1.SecretTypeOpaque, corev1.SecretTypeTLS, corev1.SecretTypeDockerConfigJson}).Draw(t, fmt.Sprintf("type%d", i))}
			for _, k := range keys(fmt.Sprintf("data%d", i)) {
				s.Data[k] = []byte("v")
			}
			l.Items = append(l.Items, s)
		}
		v1list, internal = l, &api.SecretList{}
	case "ServiceAccount":
		l := &corev1.ServiceAccountList{}
		for i := range n {
			l.Items = append(l.Items, corev1.ServiceAccount{ObjectMeta: objMeta(i)})
		}
		v1list, internal = l, &api.ServiceAccountList{}
	case "StatefulSet":
		l := &appsv1.StatefulSetList{}
		for i := range n {
			ss := appsv1.StatefulSet{ObjectMeta: objMeta(i)}
			ss.Spec.Replicas = optInt32("replicas", i, 0, 12)
			ss.Status.ReadyReplicas = int32(count("ready", i, 0, 12))
			ss.Spec.Template.Spec.Containers = containers(i)
			l.Items = append(l.Items, ss)
		}
		v1list, internal = l, &apps.StatefulSetList{}
	case "ResourceQuota":
		l := &corev1.ResourceQuotaList{}
		for i := range n {
			q := corev1.ResourceQuota{ObjectMeta: objMeta(i)}
			names := rapid.SliceOfNDistinct(rapid.SampledFrom([]corev1.ResourceName{"pods", "requests.cpu", "limits.cpu", "limits.memory", "services", "requests.memory", "count/configmaps"}), 0, 5, rapid.ID[corev1.ResourceName]).Draw(t, fmt.Sprintf("quota%d", i))
			if len(names) > 0 {
				q.Status.Hard, q.Status.Used = corev1.ResourceList{}, corev1.ResourceList{}
				for _, name := range names {
					q.Status.Hard[name] = resource.MustParse(rapid.SampledFrom([]string{"10", "2", "500m", "1Gi"}).Draw(t, fmt.Sprintf("hard%d%s", i, name)))
					if rapid.Bool().Draw(t, fmt.Sprintf("used%d%s", i, name)) {
						q.Status.Used[name] = resource.MustParse(rapid.SampledFrom([]string{"0", "1", "250m", "512Mi"}).Draw(t, fmt.Sprintf("usedq%d%s", i, name)))
					}
				}
			}
			l.Items = append(l.Items, q)
		}
		v1list, internal = l, &api.ResourceQuotaList{}
	case "Job":
		l := &batchv1.JobList{}
		for i := range n {
			j := batchv1.Job{ObjectMeta: objMeta(i)}
			j.Spec.Completions = optInt32("completions", i, 0, 5)
			j.Spec.Parallelism = optInt32("parallelism", i, 0, 4)
			j.Spec.Selector = selector("selector", i)
			j.Spec.Template.Labels = labelMap("templateLabels", i)
			j.Spec.Template.Spec.Containers = containers(i)
			j.Status.Succeeded = int32(count("succeeded", i, 0, 5))
			j.Status.StartTime = optWhen("start", i)
			if j.Status.StartTime != nil && flip("completed", i) {
				// whole seconds after the start, as stored
				j.Status.CompletionTime = ptr(metav1.NewTime(j.Status.StartTime.Add(time.Duration(count("took", i, -5, 200000)) * time.Second)))
			}
			for k := range count("conditions", i, 0, 3) {
				j.Status.Conditions = append(j.Status.Conditions, batchv1.JobCondition{
					Type:   batchv1.JobConditionType(draw(fmt.Sprintf("ctype%d-", k), i, "Complete", "Failed", "Suspended", "FailureTarget", "SuccessCriteriaMet")),
					Status: corev1.ConditionStatus(draw(fmt.Sprintf("cstatus%d-", k), i, "True", "False", "Unknown")),
				})
			}
			l.Items = append(l.Items, j)
		}
		v1list, internal = l, &batch.JobList{}
	case "CronJob":
		l := &batchv1.CronJobList{}
		for i := range n {
			cj := batchv1.CronJob{ObjectMeta: objMeta(i)}
			cj.Spec.Schedule = draw("schedule", i, "*/1 * * * *", "0 3 * * 1", "@hourly")
			cj.Spec.TimeZone = optString("tz", i, "Etc/UTC", "Europe/Paris")
			cj.Spec.Suspend = optBool("suspend", i)
			cj.Spec.JobTemplate.Spec.Selector = selector("selector", i)
			cj.Spec.JobTemplate.Spec.Template.Spec.Containers = containers(i)
			for k := range count("active", i, 0, 3) {
				cj.Status.Active = append(cj.Status.Active, corev1.ObjectReference{Kind: "Job", Name: fmt.Sprintf("j%d", k)})
			}
			cj.Status.LastScheduleTime = optWhen("last", i)
			l.Items = append(l.Items, cj)
		}
		v1list, internal = l, &batch.CronJobList{}
	case "DaemonSet":
		l := &appsv1.DaemonSetList{}
		for i := range n {
			ds := appsv1.DaemonSet{ObjectMeta: objMeta(i)}
			ds.Spec.Selector = selector("selector", i)
			ds.Spec.Template.Spec.NodeSelector = labelMap("nodeSelector", i)
			ds.Spec.Template.Spec.Containers = containers(i)
			ds.Status = appsv1.DaemonSetStatus{DesiredNumberScheduled: int32(count("desired", i, 0, 9)), CurrentNumberScheduled: int32(count("current", i, 0, 9)),
				NumberReady: int32(count("ready", i, 0, 9)), UpdatedNumberScheduled: int32(count("updated", i, 0, 9)), NumberAvailable: int32(count("available", i, 0, 9))}
			l.Items = append(l.Items, ds)
		}
		v1list, internal = l, &apps.DaemonSetList{}
	case "ControllerRevision":
		l := &appsv1.ControllerRevisionList{}
		for i := range n {
			cr := appsv1.ControllerRevision{ObjectMeta: objMeta(i), Revision: int64(count("revision", i, 0, 20))}
			for k := range count("owners", i, 0, 2) {
				ref := metav1.OwnerReference{APIVersion: draw(fmt.Sprintf("ownerAPI%d-", k), i, "apps/v1", "v1", "example.com/v1beta1"),
					Kind: draw(fmt.Sprintf("ownerKind%d-", k), i, "DaemonSet", "StatefulSet", "Widget"), Name: fmt.Sprintf("owner%d", k)}
				if flip(fmt.Sprintf("controller%d-", k), i) {
					ref.Controller = optBool(fmt.Sprintf("controls%d-", k), i)
				}
				cr.OwnerReferences = append(cr.OwnerReferences, ref)
			}
			l.Items = append(l.Items, cr)
		}
		v1list, internal = l, &apps.ControllerRevisionList{}
	case "PersistentVolume":
		l := &corev1.PersistentVolumeList{}
		for i := range n {
			pv := corev1.PersistentVolume{ObjectMeta: objMeta(i)}
			if flip("capacity", i) {
				pv.Spec.Capacity = corev1.ResourceList{corev1.ResourceStorage: quantity("size", i, sizes...)}
			}
			pv.Spec.AccessModes = accessModes("modes", i)
			pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimPolicy(draw("policy", i, "", "Retain", "Delete", "Recycle"))
			pv.Status.Phase = corev1.PersistentVolumePhase(draw("phase", i, "", "Pending", "Available", "Bound", "Released", "Failed"))
			pv.Status.Reason = draw("reason", i, "", "Evicted")
			if flip("claimed", i) {
				pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: draw("claimNS", i, "default", ""), Name: "data"}
			}
			pv.Spec.StorageClassName = draw("class", i, "", "standard", "fast")
			if flip("betaClass", i) {
				pv.Annotations = map[string]string{"volume.beta.kubernetes.io/storage-class": draw("betaClassName", i, "", "slow")}
			}
			pv.Spec.VolumeAttributesClassName = optString("vac", i, "gold", "")
			pv.Spec.VolumeMode = volumeMode("volumeMode", i)
			l.Items = append(l.Items, pv)
		}
		v1list, internal = l, &api.PersistentVolumeList{}
	case "StorageClass":
		l := &storagev1.StorageClassList{}
		// few creation times, so that defaults tie
		times := []metav1.Time{when("t0", 0), when("t1", 0)}
		for i := range n {
			sc := storagev1.StorageClass{ObjectMeta: objMeta(i)}
			sc.CreationTimestamp = times[count("created", i, 0, 1)]
			sc.Provisioner = draw("provisioner", i, "kubernetes.io/no-provisioner", "ebs.csi.aws.com")
			if p := optString("policy", i, "Retain", "Delete"); p != nil {
				sc.ReclaimPolicy = ptr(corev1.PersistentVolumeReclaimPolicy(*p))
			}
			if m := optString("binding", i, "Immediate", "WaitForFirstConsumer"); m != nil {
				sc.VolumeBindingMode = ptr(storagev1.VolumeBindingMode(*m))
			}
			sc.AllowVolumeExpansion = optBool("expansion", i)
			switch count("default", i, 0, 3) {
			case 1:
				sc.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": draw("isDefault", i, "true", "false")}
			case 2:
				sc.Annotations = map[string]string{"storageclass.beta.kubernetes.io/is-default-class": "true"}
			}
			l.Items = append(l.Items, sc)
		}
		v1list, internal = l, &storage.StorageClassList{}
	case "Ingress":
		l := &networkingv1.IngressList{}
		for i := range n {
			ing := networkingv1.Ingress{ObjectMeta: objMeta(i)}
			ing.Spec.IngressClassName = optString("class", i, "nginx", "traefik")
			for k := range count("rules", i, 0, 5) {
				ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{Host: draw(fmt.Sprintf("host%d-", k), i, "", "foo.example.com", "bar.example.com", "b.io")})
			}
			if flip("tls", i) {
				ing.Spec.TLS = []networkingv1.IngressTLS{{SecretName: "tls"}}
			}
			for k := range count("lbs", i, 0, 3) {
				in := networkingv1.IngressLoadBalancerIngress{}
				switch count(fmt.Sprintf("lb%d-", k), i, 0, 2) {
				case 0:
					in.IP = draw(fmt.Sprintf("lbip%d-", k), i, "10.0.0.1", "192.168.100.200")
				case 1:
					in.Hostname = draw(fmt.Sprintf("lbhost%d-", k), i, "lb.example.com", "a")
				}
				ing.Status.LoadBalancer.Ingress = append(ing.Status.LoadBalancer.Ingress, in)
			}
			l.Items = append(l.Items, ing)
		}
		v1list, internal = l, &networking.IngressList{}
	case "IngressClass":
		l := &networkingv1.IngressClassList{}
		for i := range n {
			ic := networkingv1.IngressClass{ObjectMeta: objMeta(i)}
			ic.Spec.Controller = draw("controller", i, "k8s.io/ingress-nginx", "example.com/ic")
			if flip("params", i) {
				ic.Spec.Parameters = &networkingv1.IngressClassParametersReference{Kind: draw("paramKind", i, "IngressParameters", "ConfigMap"),
					APIGroup: optString("paramGroup", i, "k8s.example.com", ""), Name: "p"}
			}
			if flip("defaultClass", i) {
				ic.Annotations = map[string]string{networkingv1.AnnotationIsDefaultIngressClass: draw("isDefault", i, "true", "false")}
			}
			l.Items = append(l.Items, ic)
		}
		v1list, internal = l, &networking.IngressClassList{}
	case "NetworkPolicy":
		l := &networkingv1.NetworkPolicyList{}
		for i := range n {
			np := networkingv1.NetworkPolicy{ObjectMeta: objMeta(i)}
			if s := selector("podSelector", i); s != nil {
				np.Spec.PodSelector = *s
			}
			l.Items = append(l.Items, np)
		}
		v1list, internal = l, &networking.NetworkPolicyList{}
	case "HorizontalPodAutoscaler":
		l := &autoscalingv2.HorizontalPodAutoscalerList{}
		for i := range n {
			h := autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objMeta(i)}
			h.Spec.ScaleTargetRef = autoscalingv2.CrossVersionObjectReference{Kind: draw("targetKind", i, "Deployment", "StatefulSet"), Name: "web", APIVersion: "apps/v1"}
			h.Spec.MinReplicas = optInt32("min", i, 1, 3)
			h.Spec.MaxReplicas = int32(count("max", i, 1, 10))
			h.Status.CurrentReplicas = int32(count("current", i, 0, 10))
			values := []string{"100m", "2", "1k", "500Mi"}
			target := func(label string) autoscalingv2.MetricTarget {
				mt := autoscalingv2.MetricTarget{}
				switch count(label, i, 0, 2) {
				case 0:
					mt.AverageValue = ptr(quantity(label+"avg", i, values...))
				case 1:
					mt.Value = optQuantity(label+"value", i, values...)
				default:
					mt.AverageUtilization = optInt32(label+"util", i, 10, 90)
				}
				return mt
			}
			current := func(label string) autoscalingv2.MetricValueStatus {
				return autoscalingv2.MetricValueStatus{AverageValue: optQuantity(label+"avg", i, values...), Value: optQuantity(label+"value", i, values...),
					AverageUtilization: optInt32(label+"util", i, 0, 150)}
			}
			for k := range count("metrics", i, 0, 4) {
				lbl := fmt.Sprintf("metric%d-", k)
				id := autoscalingv2.MetricIdentifier{Name: "qps"}
				ms := autoscalingv2.MetricSpec{Type: autoscalingv2.MetricSourceType(draw(lbl+"type", i, "Resource", "ContainerResource", "Pods", "Object", "External", "Bogus"))}
				st := autoscalingv2.MetricStatus{Type: ms.Type}
				reported := flip(lbl+"reported", i)
				res := corev1.ResourceName(draw(lbl+"resource", i, "cpu", "memory"))
				switch ms.Type {
				case autoscalingv2.ResourceMetricSourceType:
					ms.Resource = &autoscalingv2.ResourceMetricSource{Name: res, Target: target(lbl + "target")}
					if reported {
						st.Resource = &autoscalingv2.ResourceMetricStatus{Name: res, Current: current(lbl + "current")}
					}
				case autoscalingv2.ContainerResourceMetricSourceType:
					ms.ContainerResource = &autoscalingv2.ContainerResourceMetricSource{Name: res, Container: "app", Target: target(lbl + "target")}
					if reported {
						st.ContainerResource = &autoscalingv2.ContainerResourceMetricStatus{Name: res, Container: "app", Current: current(lbl + "current")}
					}
				case autoscalingv2.PodsMetricSourceType:
					ms.Pods = &autoscalingv2.PodsMetricSource{Metric: id, Target: target(lbl + "target")}
					if reported {
						st.Pods = &autoscalingv2.PodsMetricStatus{Metric: id, Current: current(lbl + "current")}
					}
				case autoscalingv2.ObjectMetricSourceType:
					ms.Object = &autoscalingv2.ObjectMetricSource{Metric: id, Target: target(lbl + "target")}
					if reported {
						st.Object = &autoscalingv2.ObjectMetricStatus{Metric: id, Current: current(lbl + "current")}
					}
				case autoscalingv2.ExternalMetricSourceType:
					ms.External = &autoscalingv2.ExternalMetricSource{Metric: id, Target: target(lbl + "target")}
					if reported {
						st.External = &autoscalingv2.ExternalMetricStatus{Metric: id, Current: current(lbl + "current")}
					}
				}
				h.Spec.Metrics = append(h.Spec.Metrics, ms)
				if flip(lbl+"status", i) {
					h.Status.CurrentMetrics = append(h.Status.CurrentMetrics, st)
				}
			}
			if len(h.Spec.Metrics) == 0 && flip("defaultReported", i) {
				h.Status.CurrentMetrics = []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType,
					Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceCPU, Current: current("defaultCurrent")}}}
			}
			l.Items = append(l.Items, h)
		}
		v1list, internal = l, &autoscaling.HorizontalPodAutoscalerList{}
	case "PodDisruptionBudget":
		l := &policyv1.PodDisruptionBudgetList{}
		for i := range n {
			p := policyv1.PodDisruptionBudget{ObjectMeta: objMeta(i)}
			p.Spec.MinAvailable = intOrString("min", i)
			p.Spec.MaxUnavailable = intOrString("max", i)
			p.Status.DisruptionsAllowed = int32(count("allowed", i, 0, 3))
			l.Items = append(l.Items, p)
		}
		v1list, internal = l, &policy.PodDisruptionBudgetList{}
	case "RoleBinding", "ClusterRoleBinding":
		subjects := func(i int) []rbacv1.Subject {
			var ss []rbacv1.Subject
			for k := range count("subjects", i, 0, 4) {
				ss = append(ss, rbacv1.Subject{Kind: draw(fmt.Sprintf("subjectKind%d-", k), i, "User", "Group", "ServiceAccount", "Robot"),
					Name: draw(fmt.Sprintf("subject%d-", k), i, "jane", "system:masters", "builder"), Namespace: draw(fmt.Sprintf("subjectNS%d-", k), i, "", "ci")})
			}
			return ss
		}
		roleRef := func(i int) rbacv1.RoleRef {
			return rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: draw("roleKind", i, "Role", "ClusterRole"), Name: draw("role", i, "view", "pod-reader")}
		}
		if kind == "RoleBinding" {
			l := &rbacv1.RoleBindingList{}
			for i := range n {
				l.Items = append(l.Items, rbacv1.RoleBinding{ObjectMeta: objMeta(i), RoleRef: roleRef(i), Subjects: subjects(i)})
			}
			v1list, internal = l, &rbac.RoleBindingList{}
		} else {
			l := &rbacv1.ClusterRoleBindingList{}
			for i := range n {
				l.Items = append(l.Items, rbacv1.ClusterRoleBinding{ObjectMeta: objMeta(i), RoleRef: roleRef(i), Subjects: subjects(i)})
			}
			v1list, internal = l, &rbac.ClusterRoleBindingList{}
		}
	case "Lease":
		l := &coordinationv1.LeaseList{}
		for i := range n {
			le := coordinationv1.Lease{ObjectMeta: objMeta(i)}
			le.Spec.HolderIdentity = optString("holder", i, "node-1", "kube-controller-manager_0f4e", "")
			l.Items = append(l.Items, le)
		}
		v1list, internal = l, &coordination.LeaseList{}
	case "PriorityClass":
		l := &schedulingv1.PriorityClassList{}
		for i := range n {
			pc := schedulingv1.PriorityClass{ObjectMeta: objMeta(i), Value: int32(count("value", i, -10, 2000000000)), GlobalDefault: flip("global", i)}
			if p := optString("preemption", i, "PreemptLowerPriority", "Never"); p != nil {
				pc.PreemptionPolicy = ptr(corev1.PreemptionPolicy(*p))
			}
			l.Items = append(l.Items, pc)
		}
		v1list, internal = l, &scheduling.PriorityClassList{}
	case "Endpoints":
		l := &corev1.EndpointsList{}
		for i := range n {
			ep := corev1.Endpoints{ObjectMeta: objMeta(i)}
			for k := range count("subsets", i, 0, 3) {
				var ss corev1.EndpointSubset
				for a := range count(fmt.Sprintf("addresses%d-", k), i, 0, 3) {
					ss.Addresses = append(ss.Addresses, corev1.EndpointAddress{IP: draw(fmt.Sprintf("ip%d-%d-", k, a), i, "10.244.1.7", "fd00::5", "")})
				}
				ss.NotReadyAddresses = []corev1.EndpointAddress{{IP: "10.9.9.9"}}
				for p := range count(fmt.Sprintf("ports%d-", k), i, 0, 2) {
					ss.Ports = append(ss.Ports, corev1.EndpointPort{Name: fmt.Sprintf("p%d", p), Port: int32(count(fmt.Sprintf("port%d-%d-", k, p), i, 1, 9000))})
				}
				ep.Subsets = append(ep.Subsets, ss)
			}
			l.Items = append(l.Items, ep)
		}
		v1list, internal = l, &api.EndpointsList{}
	case "EndpointSlice":
		l := &discoveryv1.EndpointSliceList{}
		for i := range n {
			es := discoveryv1.EndpointSlice{ObjectMeta: objMeta(i), AddressType: discoveryv1.AddressType(draw("addressType", i, "IPv4", "IPv6", "FQDN"))}
			for p := range count("ports", i, 0, 5) {
				es.Ports = append(es.Ports, discoveryv1.EndpointPort{Port: optInt32(fmt.Sprintf("port%d-", p), i, 1, 9000), Name: optString(fmt.Sprintf("portName%d-", p), i, "http", "")})
			}
			for e := range count("endpoints", i, 0, 3) {
				var ep discoveryv1.Endpoint
				for a := range count(fmt.Sprintf("addresses%d-", e), i, 0, 2) {
					ep.Addresses = append(ep.Addresses, draw(fmt.Sprintf("address%d-%d-", e, a), i, "10.244.0.5", "10.244.2.17", "fd00::1"))
				}
				es.Endpoints = append(es.Endpoints, ep)
			}
			l.Items = append(l.Items, es)
		}
		v1list, internal = l, &discovery.EndpointSliceList{}
	case "PersistentVolumeClaim":
		l := &corev1.PersistentVolumeClaimList{}
		for i := range n {
			pvc := corev1.PersistentVolumeClaim{ObjectMeta: objMeta(i)}
			pvc.Status.Phase = corev1.PersistentVolumeClaimPhase(draw("phase", i, "", "Pending", "Bound", "Lost"))
			pvc.Spec.VolumeName = draw("volume", i, "", "pv-0001")
			if flip("capacity", i) {
				pvc.Status.Capacity = corev1.ResourceList{corev1.ResourceStorage: quantity("size", i, sizes...)}
			}
			pvc.Spec.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: quantity("request", i, sizes...)}
			pvc.Status.AccessModes = accessModes("modes", i)
			pvc.Spec.StorageClassName = optString("class", i, "", "standard")
			if flip("betaClass", i) {
				pvc.Annotations = map[string]string{"volume.beta.kubernetes.io/storage-class": draw("betaClassName", i, "", "slow")}
			}
			pvc.Spec.VolumeAttributesClassName = optString("vac", i, "gold", "")
			pvc.Spec.VolumeMode = volumeMode("volumeMode", i)
			l.Items = append(l.Items, pvc)
		}
		v1list, internal = l, &api.PersistentVolumeClaimList{}
	default:
		t.Fatalf("no generator for %s", kind)
	}
	items, err := meta.ExtractList(v1list)
	if err != nil {
		t.Fatal(err)
	}
	ours = items
	stored := v1list.DeepCopyObject()
	legacyscheme.Scheme.Default(stored)
	if err := legacyscheme.Scheme.Convert(stored, internal, nil); err != nil {
		t.Fatal(err)
	}
	return ours, internal, namespaced
}

// Printers rule 16: the tables of the kinds without a modelled controller
// (genOtherKind's) are, byte for byte, what kubectl prints from the
// server's tables (pkg/printers/internalversion through cli-runtime's
// HumanReadablePrinter), with -o wide, -A, --show-labels, -L and
// --no-headers; a single object named on the command line is printed from
// the server's table of that object alone.
func TestOtherKindTablesMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		ours, internal, namespaced := genOtherKind(t, now)
		o := printers.Options{
			Wide:          rapid.Bool().Draw(t, "wide"),
			AllNamespaces: rapid.Bool().Draw(t, "allNamespaces"),
			ShowLabels:    rapid.Bool().Draw(t, "showLabels"),
			NoHeaders:     rapid.Bool().Draw(t, "noHeaders"),
			Named:         len(ours) == 1 && rapid.Bool().Draw(t, "named"),
		}
		if rapid.Bool().Draw(t, "labelColumns") {
			o.LabelColumns = []string{"app"}
		}
		got, err := printers.Table(ours, now, o)
		if err != nil {
			t.Fatal(err)
		}
		if o.Named {
			items, err := meta.ExtractList(internal)
			if err != nil {
				t.Fatal(err)
			}
			internal = items[0]
		}
		// the apiserver's table convertor always asks its printers for the
		// -o wide cells; kubectl leaves them out
		table, err := k8sprinters.NewTableGenerator().With(printersinternal.AddHandlers).GenerateTable(internal, k8sprinters.GenerateOptions{Wide: true})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		tw := cliprinters.GetNewTabWriter(&buf)
		// kubectl never prints a NAMESPACE column for a cluster-scoped kind
		p := cliprinters.NewTablePrinter(cliprinters.PrintOptions{Wide: o.Wide, WithNamespace: o.AllNamespaces && namespaced,
			ShowLabels: o.ShowLabels, ColumnLabels: o.LabelColumns, NoHeaders: o.NoHeaders})
		if err := p.PrintObj(table, tw); err != nil {
			t.Fatal(err)
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		if got != buf.String() {
			t.Fatalf("kubesem:\n%s\nupstream:\n%s", got, buf.String())
		}
	})
}
