package kubectl

import (
	"errors"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/printers"
)

// runDescribe is `kubectl describe TYPE [NAME_PREFIX]` for ReplicaSets,
// pods, Deployments, namespaces, Services and nodes
// (printers.DescribeReplicaSet, DescribePod, DescribeDeployment,
// DescribeNamespace, DescribeService, DescribeNode) and custom resources
// (printers.DescribeObject): the
// objects named, selected or listed,
// separated by a blank line; the Events section only when one object is
// described (or --show-events is given); a name that matches no object
// describes every object whose name starts with it, as kubectl does.
// MODEL: other kinds are refused.
func runDescribe(s *Shell, c *command) error {
	files := c.list("filename")
	if len(c.args) == 0 && len(files) == 0 {
		return errors.New("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n")
	}
	allNS := c.bool("all-namespaces")
	items, err := s.objects(c, selection{args: c.args, allowEmpty: true, selector: c.str("selector"), files: files, allNS: allNS})
	if err != nil {
		return err
	}
	found, err := infos(items)
	showEvents := c.bool("show-events")
	if (err != nil || len(found) > 1) && !c.changed("show-events") {
		showEvents = false
	}
	if err != nil && isNotFound(err) && len(c.args) == 2 {
		return s.describeMatching(c, err, showEvents)
	}
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	seen := map[string]bool{}
	first := true
	for _, it := range found {
		text, err := s.describe(it, showEvents)
		if err != nil {
			if !seen[err.Error()] {
				seen[err.Error()] = true
				errs = append(errs, err)
			}
			continue
		}
		if !first {
			c.out.WriteString("\n\n")
		}
		first = false
		c.out.WriteString(text)
	}
	if len(found) == 0 && len(errs) == 0 {
		if allNS {
			c.out.WriteString("No resources found\n")
		} else {
			fmt.Fprintf(c.out, "No resources found in %s namespace.\n", c.ns)
		}
	}
	return aggregate(errs)
}

// describeMatching is kubectl's second chance for `describe TYPE NAME`
// when NAME is not an object: every object of TYPE in the namespace whose
// name starts with NAME, each followed by a newline; none is the
// original error.
func (s *Shell) describeMatching(c *command, notFound error, showEvents bool) error {
	items, err := s.objects(c, selection{args: c.args[:1], allowEmpty: true})
	if err != nil {
		return err
	}
	found, err := infos(items)
	if err != nil {
		return err
	}
	matched := false
	for _, it := range found {
		if !strings.HasPrefix(it.name, c.args[1]) {
			continue
		}
		matched = true
		text, err := s.describe(it, showEvents)
		if err != nil {
			return err
		}
		c.out.WriteString(text + "\n")
	}
	if !matched {
		return notFound
	}
	return nil
}

// describe is one object's description, at the cluster's now.
func (s *Shell) describe(it *item, showEvents bool) (string, error) {
	switch o := it.obj.(type) {
	case *appsv1.ReplicaSet:
		pods, err := s.Cluster.Pods(o.Namespace, "")
		if err != nil {
			return "", err
		}
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribeReplicaSet(o, pods, events, s.Cluster.Now(), showEvents)
	case *corev1.Pod:
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribePod(o, events, s.Cluster.Now(), showEvents)
	case *appsv1.Deployment:
		rss, err := s.Cluster.ReplicaSets(o.Namespace, "")
		if err != nil {
			return "", err
		}
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribeDeployment(o, rss, events, s.Cluster.Now(), showEvents)
	case *corev1.Namespace:
		objs, err := s.Cluster.List(cluster.KindResourceQuota, o.Name, "")
		if err != nil {
			return "", err
		}
		quotas := make([]*corev1.ResourceQuota, 0, len(objs))
		for _, q := range objs {
			quotas = append(quotas, q.(*corev1.ResourceQuota))
		}
		// kubesem stores no LimitRanges: the namespace has none.
		return printers.DescribeNamespace(o, quotas, []*corev1.LimitRange{})
	case *corev1.Service:
		slices, err := s.endpointSlices(o)
		if err != nil {
			return "", err
		}
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribeService(o, slices, events, s.Cluster.Now(), showEvents)
	case *corev1.Node:
		pods, err := s.Cluster.Pods(cluster.AllNamespaces, "")
		if err != nil {
			return "", err
		}
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(cluster.AllNamespaces)
		}
		// kubesem stores no Lease objects: kubectl's report of a Lease it
		// cannot get.
		return printers.DescribeNode(o, pods, nil, events, s.Cluster.Now(), showEvents)
	}
	if u, ok := it.obj.(*unstructured.Unstructured); ok {
		// A custom resource: kubectl's generic describer.
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(u.GetNamespace())
		}
		return printers.DescribeObject(u, events, s.Cluster.Now(), showEvents)
	}
	return "", fmt.Errorf("kubesem's kubectl does not model \"kubectl describe %s\"", it.res.plural)
}

// endpointSlices are the EndpointSlices the EndpointSlice controller
// keeps for svc, built from the cluster's endpoints (kubesem stores no
// EndpointSlice objects): none for a service without a selector; else
// one slice per set of resolved target ports, in the order of the first
// pod (by name) that has it, each listing its pods' IPs and readiness (a
// named target port resolves through the pod's container ports, and is
// left out of a pod that has no port of that name); a single empty slice
// when no pod is selected.
func (s *Shell) endpointSlices(svc *corev1.Service) ([]*discoveryv1.EndpointSlice, error) {
	if len(svc.Spec.Selector) == 0 {
		return nil, nil
	}
	eps, err := s.Cluster.Endpoints(svc.Namespace, svc.Name)
	if err != nil {
		return nil, err
	}
	pods, err := s.Cluster.Pods(svc.Namespace, "")
	if err != nil {
		return nil, err
	}
	byName := map[string]*corev1.Pod{}
	for _, p := range pods {
		byName[p.Name] = p
	}
	newSlice := func() *discoveryv1.EndpointSlice {
		return &discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Namespace: svc.Namespace, Labels: map[string]string{discoveryv1.LabelServiceName: svc.Name}},
			AddressType: discoveryv1.AddressTypeIPv4,
		}
	}
	var out []*discoveryv1.EndpointSlice
	byPorts := map[string]*discoveryv1.EndpointSlice{}
	for _, e := range eps {
		var ports []discoveryv1.EndpointPort
		var key strings.Builder
		for _, sp := range svc.Spec.Ports {
			n, ok := targetPortOf(sp, byName[e.Pod])
			if !ok {
				continue
			}
			ports = append(ports, discoveryv1.EndpointPort{Name: ptr.To(sp.Name), Protocol: ptr.To(sp.Protocol), Port: ptr.To(n), AppProtocol: sp.AppProtocol})
			fmt.Fprintf(&key, "%s/%s/%d;", sp.Name, sp.Protocol, n)
		}
		slice := byPorts[key.String()]
		if slice == nil {
			slice = newSlice()
			slice.Ports = ports
			byPorts[key.String()] = slice
			out = append(out, slice)
		}
		ep := discoveryv1.Endpoint{Addresses: []string{e.IP}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(e.Ready)}}
		if e.Node != "" {
			ep.NodeName = ptr.To(e.Node)
		}
		slice.Endpoints = append(slice.Endpoints, ep)
	}
	if len(out) == 0 {
		out = append(out, newSlice())
	}
	return out, nil
}

// targetPortOf is the port number a service port sends to on pod: its
// numeric target port, or the pod's container port of its target port's
// name (false when the pod has none).
func targetPortOf(sp corev1.ServicePort, pod *corev1.Pod) (int32, bool) {
	if sp.TargetPort.Type == intstr.Int {
		return sp.TargetPort.IntVal, true
	}
	if pod == nil {
		return 0, false
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == sp.TargetPort.StrVal && p.Protocol == sp.Protocol {
				return p.ContainerPort, true
			}
		}
	}
	return 0, false
}
