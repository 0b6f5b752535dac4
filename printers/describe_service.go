package printers

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// DescribeService renders `kubectl describe service` (kubectl's
// ServiceDescriber) for svc: name, namespace, labels, annotations,
// selector, type, IP family policy and families, cluster IPs, external
// IPs, load balancer IP, external name and ingress when set, then per
// port its Port, TargetPort, AppProtocol, NodePort and Endpoints lines,
// session affinity, traffic policies, health check node port, source
// ranges and traffic distribution when set. endpointSlices are the
// EndpointSlices of its namespace; those labelled
// kubernetes.io/service-name=svc.Name give each port's endpoints: the
// ready addresses (with the slice's port of that name, none for a slice
// without ports) in slice order, at most three then "+ N more..." (see
// sliceEndpoints),
// "<none>" when the service has no slice (an empty string when its slices
// list no ready endpoint). events are the events of its namespace: with
// showEvents, those about svc end the description, their ages taken at
// now; without, there is no Events section.
func DescribeService(svc *corev1.Service, endpointSlices []*discoveryv1.EndpointSlice, events []*corev1.Event, now time.Time, showEvents bool) (string, error) {
	if svc == nil {
		return "", fmt.Errorf("describe: nil Service")
	}
	var own []*discoveryv1.EndpointSlice
	for _, s := range endpointSlices {
		if s != nil && s.Namespace == svc.Namespace && s.Labels[discoveryv1.LabelServiceName] == svc.Name {
			own = append(own, s)
		}
	}
	spec := &svc.Spec
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", svc.Name)
		w.line(0, "Namespace:\t%s\n", svc.Namespace)
		w.labels("Labels", svc.Labels)
		w.annotations("Annotations", svc.Annotations)
		w.line(0, "Selector:\t%s\n", k8slabels.FormatLabels(spec.Selector))
		w.line(0, "Type:\t%s\n", spec.Type)
		if spec.IPFamilyPolicy != nil {
			w.line(0, "IP Family Policy:\t%s\n", *spec.IPFamilyPolicy)
		}
		families := make([]string, len(spec.IPFamilies))
		for i, f := range spec.IPFamilies {
			families[i] = string(f)
		}
		w.line(0, "IP Families:\t%s\n", orNone(strings.Join(families, ",")))
		w.line(0, "IP:\t%s\n", spec.ClusterIP)
		w.line(0, "IPs:\t%s\n", orNone(strings.Join(spec.ClusterIPs, ",")))
		if len(spec.ExternalIPs) > 0 {
			w.line(0, "External IPs:\t%s\n", strings.Join(spec.ExternalIPs, ","))
		}
		if spec.LoadBalancerIP != "" {
			w.line(0, "Desired LoadBalancer IP:\t%s\n", spec.LoadBalancerIP)
		}
		if spec.ExternalName != "" {
			w.line(0, "External Name:\t%s\n", spec.ExternalName)
		}
		if ing := svc.Status.LoadBalancer.Ingress; len(ing) > 0 {
			w.line(0, "LoadBalancer Ingress:\t%s\n", ingressList(ing))
		}
		for _, p := range spec.Ports {
			name := p.Name
			if name == "" {
				name = "<unset>"
			}
			w.line(0, "Port:\t%s\t%d/%s\n", name, p.Port, p.Protocol)
			if p.TargetPort.Type == intstr.Int {
				w.line(0, "TargetPort:\t%d/%s\n", p.TargetPort.IntVal, p.Protocol)
			} else {
				w.line(0, "TargetPort:\t%s/%s\n", p.TargetPort.StrVal, p.Protocol)
			}
			if p.AppProtocol != nil {
				w.line(0, "AppProtocol:\t%s\n", *p.AppProtocol)
			}
			if p.NodePort != 0 {
				w.line(0, "NodePort:\t%s\t%d/%s\n", name, p.NodePort, p.Protocol)
			}
			w.line(0, "Endpoints:\t%s\n", sliceEndpoints(own, p.Name))
		}
		w.line(0, "Session Affinity:\t%s\n", spec.SessionAffinity)
		if spec.ExternalTrafficPolicy != "" {
			w.line(0, "External Traffic Policy:\t%s\n", spec.ExternalTrafficPolicy)
		}
		if spec.InternalTrafficPolicy != nil {
			w.line(0, "Internal Traffic Policy:\t%s\n", *spec.InternalTrafficPolicy)
		}
		if spec.HealthCheckNodePort != 0 {
			w.line(0, "HealthCheck NodePort:\t%d\n", spec.HealthCheckNodePort)
		}
		if len(spec.LoadBalancerSourceRanges) > 0 {
			w.line(0, "LoadBalancer Source Ranges:\t%s\n", strings.Join(spec.LoadBalancerSourceRanges, ","))
		}
		if spec.TrafficDistribution != nil {
			w.line(0, "Traffic Distribution:\t%s\n", *spec.TrafficDistribution)
		}
		if showEvents {
			w.events(eventsMatching(events, "Service", svc.Namespace, svc.Name, svc.UID), now)
		}
	}), nil
}

// ingressList is "IP (mode), hostname" of a load balancer's ingress
// points.
func ingressList(ing []corev1.LoadBalancerIngress) string {
	parts := make([]string, len(ing))
	for i, in := range ing {
		switch {
		case in.IP == "":
			parts[i] = in.Hostname
		case in.IPMode != nil:
			parts[i] = fmt.Sprintf("%s (%s)", in.IP, *in.IPMode)
		default:
			parts[i] = in.IP
		}
	}
	return strings.Join(parts, ", ")
}

// sliceEndpoints is a service port's Endpoints value: the ready
// endpoints of the slices, as "host:port" for the slice ports named
// port, as the bare address from a slice without ports; the first three,
// then, once any further endpoint (ready or not) is met, "+ N more..."
// for the ready ones past three (kubectl's count, which may be 0).
func sliceEndpoints(slices []*discoveryv1.EndpointSlice, port string) string {
	if len(slices) == 0 {
		return "<none>"
	}
	const shown = 3
	var list []string
	total, more := 0, false
	visit := func(ep discoveryv1.Endpoint, hostPort func(string) string) {
		if len(ep.Addresses) == 0 {
			return
		}
		if len(list) == shown {
			more = true
		}
		if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
			return
		}
		if !more {
			list = append(list, hostPort(ep.Addresses[0]))
		}
		total++
	}
	for _, s := range slices {
		if len(s.Ports) == 0 {
			for _, ep := range s.Endpoints {
				visit(ep, func(a string) string { return a })
			}
			continue
		}
		for _, p := range s.Ports {
			if p.Name == nil || *p.Name != port || p.Port == nil {
				continue
			}
			n := strconv.Itoa(int(*p.Port))
			for _, ep := range s.Endpoints {
				visit(ep, func(a string) string { return net.JoinHostPort(a, n) })
			}
		}
	}
	out := strings.Join(list, ",")
	if more {
		out += fmt.Sprintf(" + %d more...", total-shown)
	}
	return out
}
