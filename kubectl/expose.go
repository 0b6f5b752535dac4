package kubectl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/cluster"
)

// runExpose is `kubectl expose RESOURCE NAME [--port=P] ...`: a Service
// built on the client as kubectl builds it, selecting what the object
// selects, on the object's container ports unless --port is given.
func runExpose(s *Shell, c *command) error {
	if err := checkOutput(c); err != nil {
		return err
	}
	v, err := s.build(c, selection{args: c.args, files: c.list("filename")})
	if err != nil {
		return err
	}
	var errs []error
	for _, it := range v.items {
		o, err := s.get(it.res, it.ns, it.name)
		if err != nil {
			errs = append(errs, addSource("getting", it.source, err))
			continue
		}
		if err := s.exposeOne(c, it.res, o); err != nil {
			errs = append(errs, err)
		}
	}
	return flatAggregate(errs)
}

func (s *Shell) exposeOne(c *command, r *resource, o cluster.Object) error {
	switch r.kind {
	case cluster.KindReplicationController, cluster.KindService, cluster.KindPod, cluster.KindDeployment, cluster.KindReplicaSet:
	default:
		return fmt.Errorf("cannot expose a %s", r.groupKind())
	}
	name := o.GetName()
	if len(name) > 63 {
		name = name[:63]
	}
	selector := c.str("selector")
	if selector == "" {
		sel, err := mapBasedSelector(o)
		if err != nil {
			return fmt.Errorf("couldn't retrieve selectors via --selector flag or introspection: %v", err)
		}
		selector = sel
	}
	port := c.str("port")
	ports := ""
	if port == "" {
		found := portsOf(o)
		switch len(found) {
		case 0:
			if c.str("cluster-ip") != "None" {
				return fmt.Errorf("couldn't find port via --port flag or introspection")
			}
		case 1:
			port = found[0]
		default:
			ports = strings.Join(found, ",")
		}
	}
	protocols := protocolsOf(o)
	objLabels := o.GetLabels()
	if l := c.str("labels"); l != "" {
		m, err := parseLabelSpec(l)
		if err != nil {
			return err
		}
		objLabels = m
	}

	sel, err := parseLabelSpec(selector)
	if err != nil {
		return err
	}
	if n := c.str("name"); n != "" {
		name = n
	}
	if name == "" {
		return fmt.Errorf("name must be specified")
	}
	portString := ports
	if portString == "" {
		portString = port
	}
	var svcPorts []corev1.ServicePort
	if portString != "" {
		list := strings.Split(portString, ",")
		for i, ps := range list {
			p, err := strconv.Atoi(ps)
			if err != nil {
				return err
			}
			pname := ""
			if len(list) > 1 {
				pname = fmt.Sprintf("port-%d", i+1)
			}
			protocol := c.str("protocol")
			if protocol == "" {
				protocol = "TCP"
				if ps, ok := protocols[ps]; ok && len(ps) == 1 {
					protocol = ps[0]
				} else if ok {
					for _, pr := range ps {
						svcPorts = append(svcPorts, corev1.ServicePort{Name: fmt.Sprintf("port-%d-%s", i+1, strings.ToLower(pr)),
							Port: int32(p), Protocol: corev1.Protocol(pr)})
					}
					continue
				}
			}
			svcPorts = append(svcPorts, corev1.ServicePort{Name: pname, Port: int32(p), Protocol: corev1.Protocol(protocol)})
		}
	}
	for i := range svcPorts {
		if tp := c.str("target-port"); tp != "" {
			svcPorts[i].TargetPort = intstr.Parse(tp)
		} else {
			svcPorts[i].TargetPort = intstr.FromInt32(svcPorts[i].Port)
		}
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: o.GetNamespace(), Labels: objLabels},
		Spec:       corev1.ServiceSpec{Selector: sel, Ports: svcPorts},
	}
	if t := c.str("type"); t != "" {
		svc.Spec.Type = corev1.ServiceType(t)
	}
	if ip := c.str("cluster-ip"); ip != "" {
		svc.Spec.ClusterIP = ip
	}
	record(c, svc)
	created, err := s.Cluster.Create(svc)
	if err != nil {
		return err
	}
	printName(c, resourceOf(cluster.KindService), created.GetName(), "exposed", dryRunNone)
	return nil
}

// mapBasedSelector is polymorphichelpers.MapBasedSelectorForObject, as a
// "k=v,..." string.
func mapBasedSelector(o cluster.Object) (string, error) {
	switch v := o.(type) {
	case *corev1.ReplicationController:
		return makeLabels(v.Spec.Selector), nil
	case *corev1.Pod:
		if len(v.Labels) == 0 {
			return "", fmt.Errorf("the pod has no labels and cannot be exposed")
		}
		return makeLabels(v.Labels), nil
	case *corev1.Service:
		if v.Spec.Selector == nil {
			return "", fmt.Errorf("the service has no pod selector set")
		}
		return makeLabels(v.Spec.Selector), nil
	case *appsv1.Deployment:
		if v.Spec.Selector == nil || len(v.Spec.Selector.MatchLabels) == 0 {
			return "", fmt.Errorf("invalid deployment: no selectors, therefore cannot be exposed")
		}
		if len(v.Spec.Selector.MatchExpressions) > 0 {
			return "", fmt.Errorf("couldn't convert expressions - \"%+v\" to map-based selector format", v.Spec.Selector.MatchExpressions)
		}
		return makeLabels(v.Spec.Selector.MatchLabels), nil
	case *appsv1.ReplicaSet:
		var l map[string]string
		if v.Spec.Selector != nil {
			if len(v.Spec.Selector.MatchExpressions) > 0 {
				return "", fmt.Errorf("couldn't convert expressions - \"%+v\" to map-based selector format", v.Spec.Selector.MatchExpressions)
			}
			l = v.Spec.Selector.MatchLabels
		} else {
			l = v.Spec.Template.Labels
		}
		if len(l) == 0 {
			return "", fmt.Errorf("the replica set has no labels or selectors and cannot be exposed")
		}
		return makeLabels(l), nil
	}
	return "", fmt.Errorf("cannot extract pod selector from %T", o)
}

func makeLabels(m map[string]string) string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// parseLabelSpec is expose's parseLabels: "k=v,k2=v2".
func parseLabelSpec(spec string) (map[string]string, error) {
	if spec == "" {
		return nil, fmt.Errorf("no label spec passed")
	}
	out := map[string]string{}
	for _, p := range strings.Split(spec, ",") {
		kv := strings.Split(p, "=")
		if len(kv) != 2 {
			return nil, fmt.Errorf("unexpected label spec: %s", p)
		}
		if kv[0] == "" {
			return nil, fmt.Errorf("unexpected empty label key")
		}
		out[kv[0]] = kv[1]
	}
	return out, nil
}

func podSpecOf(o cluster.Object) *corev1.PodSpec {
	switch v := o.(type) {
	case *corev1.Pod:
		return &v.Spec
	case *corev1.ReplicationController:
		if v.Spec.Template != nil {
			return &v.Spec.Template.Spec
		}
	case *appsv1.Deployment:
		return &v.Spec.Template.Spec
	case *appsv1.ReplicaSet:
		return &v.Spec.Template.Spec
	}
	return nil
}

// portsOf is PortsForObject: every container port, or a Service's ports.
func portsOf(o cluster.Object) []string {
	var out []string
	if svc, ok := o.(*corev1.Service); ok {
		for _, p := range svc.Spec.Ports {
			out = append(out, strconv.Itoa(int(p.Port)))
		}
		return out
	}
	if spec := podSpecOf(o); spec != nil {
		for _, ctr := range spec.Containers {
			for _, p := range ctr.Ports {
				out = append(out, strconv.Itoa(int(p.ContainerPort)))
			}
		}
	}
	return out
}

// protocolsOf is ProtocolsForObject: each port's protocols.
func protocolsOf(o cluster.Object) map[string][]string {
	out := map[string][]string{}
	add := func(port int32, proto corev1.Protocol) {
		if proto == "" {
			proto = corev1.ProtocolTCP // the API server's default
		}
		k := strconv.Itoa(int(port))
		out[k] = append(out[k], string(proto))
	}
	if svc, ok := o.(*corev1.Service); ok {
		for _, p := range svc.Spec.Ports {
			add(p.Port, p.Protocol)
		}
		return out
	}
	if spec := podSpecOf(o); spec != nil {
		for _, ctr := range spec.Containers {
			for _, p := range ctr.Ports {
				add(p.ContainerPort, p.Protocol)
			}
		}
	}
	return out
}
