package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/kubectl/pkg/describe"
	kptr "k8s.io/utils/ptr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/printers"
)

// genDescribeMeta draws labels and annotations for a described object:
// none, short, several, long (folded) and last-applied.
func genDescribeMeta(t *rapid.T) (map[string]string, map[string]string) {
	labels := map[string]string{}
	for _, k := range []string{"app", "kubernetes.io/metadata.name", "tier"} {
		if rapid.Bool().Draw(t, "label"+k) {
			labels[k] = rapid.SampledFrom([]string{"x", "web", "a-much-longer-value-to-widen-the-column"}).Draw(t, "labelValue")
		}
	}
	annotations := map[string]string{}
	if rapid.Bool().Draw(t, "note") {
		annotations["note"] = "hello"
	}
	if rapid.IntRange(0, 3).Draw(t, "long") == 0 {
		annotations["kubernetes.io/change-cause"] = strings.Repeat("y", rapid.IntRange(100, 160).Draw(t, "longLen"))
	}
	if rapid.IntRange(0, 3).Draw(t, "lastApplied") == 0 {
		annotations[corev1.LastAppliedConfigAnnotation] = `{"kind":"X"}`
	}
	return labels, annotations
}

// genDescribeQuantities draws a resource list over names, each present or not.
func genDescribeQuantities(t *rapid.T, label string, names ...corev1.ResourceName) corev1.ResourceList {
	l := corev1.ResourceList{}
	for _, n := range names {
		if rapid.Bool().Draw(t, label+string(n)) {
			l[n] = resource.MustParse(rapid.SampledFrom([]string{"0", "1", "500m", "2Gi", "100Mi", "10"}).Draw(t, label+string(n)+"q"))
		}
	}
	return l
}

// sortedLimitRows sorts the rows of a description's Resource Limits
// section, its last: kubectl lists an item's resources in map order.
func sortedLimitRows(s string) string {
	head, rows, ok := strings.Cut(s, "Resource Limits\n")
	if !ok {
		return s
	}
	ls := strings.Split(rows, "\n")
	slices.Sort(ls)
	return head + "Resource Limits\n" + strings.Join(ls, "\n")
}

// kubectl describe namespace, as printers.DescribeNamespace writes it and
// as kubectl's NamespaceDescriber (v1.37.2) writes it from a fake
// clientset holding the same namespace, its ResourceQuotas and
// LimitRanges, and those of another namespace.
func TestDescribeNamespaceMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: rapid.SampledFrom([]string{"default", "team-a"}).Draw(t, "name")}}
		ns.Labels, ns.Annotations = genDescribeMeta(t)
		ns.Status.Phase = corev1.NamespacePhase(rapid.SampledFrom([]string{"Active", "Terminating", ""}).Draw(t, "phase"))
		if rapid.IntRange(0, 2).Draw(t, "conditions") == 0 {
			ns.Status.Conditions = []corev1.NamespaceCondition{
				{Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionFalse, LastTransitionTime: describeAgo(t, now, "cond"), Reason: "ContentDeleted", Message: "All content successfully deleted"},
				{Type: corev1.NamespaceContentRemaining, Status: corev1.ConditionTrue, LastTransitionTime: describeAgo(t, now, "cond2"), Reason: "SomeResourcesRemain", Message: "Some resources are remaining: pods. has 1 resource instances"},
			}
		}
		objs := []runtime.Object{ns.DeepCopy(), &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Namespace: "other"}}}
		quotas := []*corev1.ResourceQuota{}
		for i := range rapid.IntRange(0, 3).Draw(t, "quotas") {
			q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("quota-%d", i), Namespace: ns.Name}}
			for _, s := range []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotTerminating, corev1.ResourceQuotaScopeBestEffort, corev1.ResourceQuotaScopeTerminating, corev1.ResourceQuotaScopeNotBestEffort, corev1.ResourceQuotaScopePriorityClass} {
				if rapid.IntRange(0, 3).Draw(t, "scope"+string(s)) == 0 {
					q.Spec.Scopes = append(q.Spec.Scopes, s)
				}
			}
			names := []corev1.ResourceName{corev1.ResourcePods, corev1.ResourceRequestsCPU, corev1.ResourceLimitsMemory, "count/deployments.apps"}
			q.Status.Hard = genDescribeQuantities(t, "hard", names...)
			q.Status.Used = genDescribeQuantities(t, "used", names...)
			quotas = append(quotas, q)
			objs = append(objs, q.DeepCopy())
		}
		limitRanges := []*corev1.LimitRange{}
		for i := range rapid.IntRange(0, 2).Draw(t, "limitRanges") {
			lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("limits-%d", i), Namespace: ns.Name}}
			for j := range rapid.IntRange(0, 2).Draw(t, "items") {
				typ := []corev1.LimitType{corev1.LimitTypeContainer, corev1.LimitTypePod, corev1.LimitTypePersistentVolumeClaim}[j]
				names := []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}
				lr.Spec.Limits = append(lr.Spec.Limits, corev1.LimitRangeItem{Type: typ,
					Min: genDescribeQuantities(t, "min", names...), Max: genDescribeQuantities(t, "max", names...),
					Default: genDescribeQuantities(t, "default", names...), DefaultRequest: genDescribeQuantities(t, "defaultRequest", names...),
					MaxLimitRequestRatio: genDescribeQuantities(t, "ratio", names...)})
			}
			limitRanges = append(limitRanges, lr)
			objs = append(objs, lr.DeepCopy())
		}
		d := &describe.NamespaceDescriber{Interface: fake.NewSimpleClientset(objs...)}
		want, err := d.Describe("", ns.Name, describe.DescriberSettings{ShowEvents: true, ChunkSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		got, err := printers.DescribeNamespace(ns, quotas, limitRanges)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sortedLimitRows(want), sortedLimitRows(got)); diff != "" {
			t.Fatalf("describe namespace differs (-kubectl +kubesem):\n%s", diff)
		}
	})
}

// genDescribedService draws a Service of every type, with or without a
// selector, families, IPs, external IPs, load balancer fields and
// ingress, ports (named or not, numeric or named target ports, app
// protocols, node ports) and traffic policies.
func genDescribedService(t *rapid.T) *corev1.Service {
	some := func(label string) bool { return rapid.IntRange(0, 2).Draw(t, label) == 0 }
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: rapid.SampledFrom([]string{"web", "http-go"}).Draw(t, "name"),
		Namespace: rapid.SampledFrom([]string{"default", "team"}).Draw(t, "ns"), UID: "svc-uid"}}
	svc.Labels, svc.Annotations = genDescribeMeta(t)
	spec := &svc.Spec
	if !some("noSelector") {
		spec.Selector = map[string]string{"app": "web"}
		if some("twoKeys") {
			spec.Selector["tier"] = "front"
		}
	}
	spec.Type = corev1.ServiceType(rapid.SampledFrom([]string{"ClusterIP", "NodePort", "LoadBalancer", "ExternalName", ""}).Draw(t, "type"))
	if some("policy") {
		spec.IPFamilyPolicy = kptr.To(corev1.IPFamilyPolicy(rapid.SampledFrom([]string{"SingleStack", "PreferDualStack"}).Draw(t, "policyValue")))
	}
	if !some("noFamilies") {
		spec.IPFamilies = []corev1.IPFamily{corev1.IPv4Protocol}
		spec.ClusterIP = "10.96.0.10"
		spec.ClusterIPs = []string{"10.96.0.10"}
		if some("dual") {
			spec.IPFamilies = append(spec.IPFamilies, corev1.IPv6Protocol)
			spec.ClusterIPs = append(spec.ClusterIPs, "fd00::a")
		}
	} else if some("none") {
		spec.ClusterIP = corev1.ClusterIPNone
	}
	if some("externalIPs") {
		spec.ExternalIPs = []string{"192.0.2.1", "192.0.2.2"}
	}
	if some("lbIP") {
		spec.LoadBalancerIP = "203.0.113.9"
	}
	if some("externalName") {
		spec.ExternalName = "example.com"
	}
	if some("ingress") {
		spec.LoadBalancerSourceRanges = []string{"10.0.0.0/8"}
		svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.9"}, {Hostname: "lb.example.com"}}
		if some("ipMode") {
			svc.Status.LoadBalancer.Ingress[0].IPMode = kptr.To(corev1.LoadBalancerIPModeProxy)
		}
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "ports") {
		p := corev1.ServicePort{Name: rapid.SampledFrom([]string{"", "http", "https"}).Draw(t, "portName"), Port: int32(80 + i),
			Protocol: corev1.Protocol(rapid.SampledFrom([]string{"TCP", "UDP"}).Draw(t, "proto"))}
		if some("namedTarget") {
			p.TargetPort = intstr.FromString("web")
		} else {
			p.TargetPort = intstr.FromInt32(int32(8080 + i))
		}
		if some("appProtocol") {
			p.AppProtocol = kptr.To("http")
		}
		if some("nodePort") {
			p.NodePort = int32(30000 + i)
		}
		spec.Ports = append(spec.Ports, p)
	}
	spec.SessionAffinity = corev1.ServiceAffinity(rapid.SampledFrom([]string{"None", "ClientIP", ""}).Draw(t, "affinity"))
	if some("etp") {
		spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
		spec.HealthCheckNodePort = 31000
	}
	if some("itp") {
		spec.InternalTrafficPolicy = kptr.To(corev1.ServiceInternalTrafficPolicyCluster)
	}
	if some("distribution") {
		spec.TrafficDistribution = kptr.To("PreferClose")
	}
	return svc
}

// kubectl describe service, as printers.DescribeService writes it and as
// kubectl's ServiceDescriber (v1.37.2) writes it from a fake clientset
// holding the same Service, EndpointSlices (its own, with and without
// ports, ready, not ready and unknown endpoints; another service's) and
// events.
func TestDescribeServiceMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		svc := genDescribedService(t)
		objs := []runtime.Object{svc.DeepCopy()}
		var slices []*discoveryv1.EndpointSlice
		for i := range rapid.IntRange(0, 3).Draw(t, "slices") {
			owner := svc.Name
			if rapid.IntRange(0, 3).Draw(t, "otherService") == 0 {
				owner = "other"
			}
			s := &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", owner, i), Namespace: svc.Namespace,
				Labels: map[string]string{discoveryv1.LabelServiceName: owner}}, AddressType: discoveryv1.AddressTypeIPv4}
			if !rapid.Bool().Draw(t, "portless") {
				for _, name := range []string{"", "http", "https"} {
					if rapid.Bool().Draw(t, "slicePort"+name) {
						s.Ports = append(s.Ports, discoveryv1.EndpointPort{Name: kptr.To(name), Port: kptr.To(int32(rapid.IntRange(80, 9000).Draw(t, "slicePortN")))})
					}
				}
			}
			for j := range rapid.IntRange(0, 6).Draw(t, "endpoints") {
				ep := discoveryv1.Endpoint{Addresses: []string{fmt.Sprintf("10.244.%d.%d", i, j+2)}}
				switch rapid.IntRange(0, 3).Draw(t, "ready") {
				case 0:
					ep.Conditions.Ready = kptr.To(false)
				case 1:
					ep.Conditions.Ready = kptr.To(true)
				}
				s.Endpoints = append(s.Endpoints, ep)
			}
			slices = append(slices, s)
			objs = append(objs, s.DeepCopy())
		}
		events := genDescribeEvents(t, now, corev1.ObjectReference{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name, UID: svc.UID})
		for _, e := range events {
			objs = append(objs, e.DeepCopy())
		}
		showEvents := rapid.Bool().Draw(t, "showEvents")
		d := &describe.ServiceDescriber{Interface: fake.NewSimpleClientset(objs...)}
		want, err := d.Describe(svc.Namespace, svc.Name, describe.DescriberSettings{ShowEvents: showEvents, ChunkSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		got, err := printers.DescribeService(svc, slices, events, now, showEvents)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("describe service differs (-kubectl +kubesem):\n%s", diff)
		}
	})
}

// nodeDescribeClient is a fake clientset holding objs that lists pods
// and events as the apiserver does for NodeDescriber: the fake ignores
// field selectors, and its events' GetFieldSelector selects everything,
// so pod lists are filtered by the selector (spec.nodeName,
// status.phase) and event lists by kubectl's two searches in turn: the
// events about node by its UID, then those with its name as UID.
func nodeDescribeClient(node *corev1.Node, objs ...runtime.Object) *fake.Clientset {
	client := fake.NewSimpleClientset(objs...)
	client.PrependReactor("list", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		o, err := client.Tracker().List(corev1.SchemeGroupVersion.WithResource("pods"), corev1.SchemeGroupVersion.WithKind("Pod"), a.GetNamespace())
		if err != nil {
			return true, nil, err
		}
		sel := a.(k8stesting.ListAction).GetListRestrictions().Fields
		list := o.(*corev1.PodList)
		list.Items = slices.DeleteFunc(list.Items, func(p corev1.Pod) bool {
			return !sel.Matches(fields.Set{"spec.nodeName": p.Spec.NodeName, "status.phase": string(p.Status.Phase)})
		})
		return true, list, nil
	})
	uids := []types.UID{node.UID, types.UID(node.Name)}
	client.PrependReactor("list", "events", func(a k8stesting.Action) (bool, runtime.Object, error) {
		o, err := client.Tracker().List(corev1.SchemeGroupVersion.WithResource("events"), corev1.SchemeGroupVersion.WithKind("Event"), a.GetNamespace())
		if err != nil || len(uids) == 0 {
			return true, nil, fmt.Errorf("unexpected events list (%v)", err)
		}
		uid := uids[0]
		uids = uids[1:]
		list := o.(*corev1.EventList)
		list.Items = slices.DeleteFunc(list.Items, func(e corev1.Event) bool {
			ref := e.InvolvedObject
			return ref.Kind != "Node" || ref.Namespace != "" || ref.Name != node.Name || ref.UID != uid
		})
		return true, list, nil
	})
	return client
}

// genDescribedNode draws a node: roles, labels, annotations, taints,
// conditions, addresses, capacity and allocatable (huge pages, extended
// resources, sometimes no CPU or no allocatable), system info and CIDRs.
func genDescribedNode(t *rapid.T, now time.Time) *corev1.Node {
	some := func(label string) bool { return rapid.IntRange(0, 2).Draw(t, label) == 0 }
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", UID: "node-uid", CreationTimestamp: describeAgo(t, now, "created")}}
	n.Labels, n.Annotations = genDescribeMeta(t)
	for _, k := range []string{"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/", "node-role.kubernetes.io/worker", "kubernetes.io/role"} {
		if some("role" + k) {
			n.Labels[k] = rapid.SampledFrom([]string{"", "master"}).Draw(t, "roleValue")
		}
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "taints") {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{
			Key:    rapid.SampledFrom([]string{"node.kubernetes.io/unreachable", "dedicated", "a"}).Draw(t, "taintKey"),
			Value:  rapid.SampledFrom([]string{"", fmt.Sprint("v", i)}).Draw(t, "taintValue"),
			Effect: corev1.TaintEffect(rapid.SampledFrom([]string{"NoSchedule", "NoExecute", "PreferNoSchedule", ""}).Draw(t, "taintEffect"))})
	}
	n.Spec.Unschedulable = some("unschedulable")
	for _, c := range []corev1.NodeConditionType{corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodeReady} {
		if rapid.Bool().Draw(t, "cond"+string(c)) {
			n.Status.Conditions = append(n.Status.Conditions, corev1.NodeCondition{Type: c,
				Status:            corev1.ConditionStatus(rapid.SampledFrom([]string{"True", "False", "Unknown"}).Draw(t, "condStatus")),
				LastHeartbeatTime: describeAgo(t, now, "heartbeat"), LastTransitionTime: describeAgo(t, now, "transition"),
				Reason: "KubeletReady", Message: "kubelet is posting ready status"})
		}
	}
	if !some("noAddresses") {
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "192.168.56.11"}, {Type: corev1.NodeHostName, Address: "node-1"}}
	}
	capacity := corev1.ResourceList{corev1.ResourcePods: resource.MustParse("110")}
	for n, vs := range map[corev1.ResourceName][]string{
		corev1.ResourceCPU: {"2", "4", "0"}, corev1.ResourceMemory: {"4Gi", "8029848Ki"}, corev1.ResourceEphemeralStorage: {"20Gi"},
		"hugepages-2Mi": {"0", "1Gi"}, "example.com/gpu": {"2"},
	} {
		if n == corev1.ResourceCPU || n == corev1.ResourceMemory || rapid.Bool().Draw(t, "has"+string(n)) {
			capacity[n] = resource.MustParse(rapid.SampledFrom(vs).Draw(t, "cap"+string(n)))
		}
	}
	if some("noCPU") {
		delete(capacity, corev1.ResourceCPU)
	}
	n.Status.Capacity = capacity
	if !some("noAllocatable") {
		n.Status.Allocatable = capacity.DeepCopy()
		if some("lessMemory") {
			n.Status.Allocatable[corev1.ResourceMemory] = resource.MustParse("3Gi")
		}
	}
	n.Status.NodeInfo = corev1.NodeSystemInfo{MachineID: "m1", SystemUUID: "u1", BootID: "b1", KernelVersion: "6.8.0", OSImage: "Ubuntu 24.04",
		OperatingSystem: "linux", Architecture: "amd64", ContainerRuntimeVersion: "containerd://2.1.0", KubeletVersion: "v1.37.2"}
	if some("podCIDR") {
		n.Spec.PodCIDR = "10.244.1.0/24"
		n.Spec.PodCIDRs = []string{"10.244.1.0/24"}
	}
	if some("providerID") {
		n.Spec.ProviderID = "kind://docker/kind/node-1"
	}
	return n
}

// kubectl describe node, as printers.DescribeNode writes it and as
// kubectl's NodeDescriber (v1.37.2) writes it from a fake clientset
// (listing as the apiserver does: nodeDescribeClient) holding the same node, its Lease or none,
// pods (on it and elsewhere, running and terminated, with container,
// init container, pod-level and status resources) and events (by the
// node's UID, by its name, about another node).
func TestDescribeNodeMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		some := func(label string) bool { return rapid.IntRange(0, 2).Draw(t, label) == 0 }
		node := genDescribedNode(t, now)
		objs := []runtime.Object{node.DeepCopy()}
		var lease *coordinationv1.Lease
		if !some("noLease") {
			lease = &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: node.Name, Namespace: corev1.NamespaceNodeLease}}
			if !some("noHolder") {
				lease.Spec.HolderIdentity = kptr.To(node.Name)
			}
			if some("acquired") {
				lease.Spec.AcquireTime = kptr.To(metav1.NewMicroTime(describeAgo(t, now, "acquire").Time))
			}
			if !some("noRenew") {
				lease.Spec.RenewTime = kptr.To(metav1.NewMicroTime(describeAgo(t, now, "renew").Time))
			}
			objs = append(objs, lease.DeepCopy())
		}
		var pods []*corev1.Pod
		for i := range rapid.IntRange(0, 5).Draw(t, "pods") {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pod-%d", i), Namespace: rapid.SampledFrom([]string{"default", "kube-system"}).Draw(t, "podNS"),
				CreationTimestamp: describeAgo(t, now, "podCreated")}}
			if some("zeroCreated") {
				p.CreationTimestamp = metav1.Time{}
			}
			p.Spec.NodeName = rapid.SampledFrom([]string{node.Name, node.Name, "node-2", ""}).Draw(t, "podNode")
			p.Status.Phase = corev1.PodPhase(rapid.SampledFrom([]string{"Running", "Pending", "Succeeded", "Failed"}).Draw(t, "podPhase"))
			for j := range rapid.IntRange(1, 2).Draw(t, "containers") {
				c := corev1.Container{Name: fmt.Sprint("c", j)}
				c.Resources.Requests = genDescribeQuantities(t, "req", corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage, "hugepages-2Mi", "example.com/gpu")
				c.Resources.Limits = genDescribeQuantities(t, "lim", corev1.ResourceCPU, corev1.ResourceMemory, "example.com/gpu")
				p.Spec.Containers = append(p.Spec.Containers, c)
				if some("statusResources") {
					p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{Name: c.Name,
						Resources: &corev1.ResourceRequirements{Requests: genDescribeQuantities(t, "statusReq", corev1.ResourceCPU, corev1.ResourceMemory)}})
				}
			}
			if some("init") {
				p.Spec.InitContainers = []corev1.Container{{Name: "init", Resources: corev1.ResourceRequirements{
					Requests: genDescribeQuantities(t, "initReq", corev1.ResourceCPU, corev1.ResourceMemory)}}}
			}
			if some("podLevel") {
				p.Spec.Resources = &corev1.ResourceRequirements{Limits: genDescribeQuantities(t, "podLim", corev1.ResourceCPU, corev1.ResourceMemory)}
			}
			pods = append(pods, p)
			objs = append(objs, p.DeepCopy())
		}
		var events []*corev1.Event
		for i, ref := range []corev1.ObjectReference{
			{Kind: "Node", Name: node.Name, UID: node.UID},
			{Kind: "Node", Name: node.Name, UID: types.UID(node.Name)},
			{Kind: "Node", Name: "node-2", UID: "node-2"},
		} {
			for _, e := range genDescribeEvents(t, now, ref) {
				e.Namespace = "default"
				e.Name = fmt.Sprintf("%d.%s", i, e.Name)
				events = append(events, e)
				objs = append(objs, e.DeepCopy())
			}
		}
		showEvents := rapid.Bool().Draw(t, "showEvents")
		d := &describe.NodeDescriber{Interface: nodeDescribeClient(node, objs...)}
		want, err := d.Describe("", node.Name, describe.DescriberSettings{ShowEvents: showEvents, ChunkSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		// Pods and events as the apiserver lists them: by namespace, then name.
		byKey := func(a, b metav1.Object) int {
			return strings.Compare(a.GetNamespace()+"/"+a.GetName(), b.GetNamespace()+"/"+b.GetName())
		}
		slices.SortFunc(pods, func(a, b *corev1.Pod) int { return byKey(a, b) })
		slices.SortFunc(events, func(a, b *corev1.Event) int { return byKey(a, b) })
		got, err := printers.DescribeNode(node, pods, lease, events, now, showEvents)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("describe node differs (-kubectl +kubesem):\n%s", diff)
		}
	})
}
