package printers

import (
	"cmp"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The tables of Ingresses, IngressClasses, NetworkPolicies, Endpoints and
// EndpointSlices, as printIngress, printIngressClass, printNetworkPolicy,
// printEndpoints and printEndpointSlice fill them.

// listShown is how many entries a list cell shows before "+ N more...".
const listShown = 3

// ingressesTable: NAME CLASS HOSTS ADDRESS PORTS AGE. ADDRESS joins the
// load balancer's addresses sorted, never cut: printIngress cuts them
// only for a table without the -o wide cells, and the apiserver always
// asks for those (kubectl leaves out the -o wide columns itself).
func ingressesTable(ings []*networkingv1.Ingress, now time.Time, o Options) tbl {
	var rows []row
	for _, ing := range ings {
		if ing == nil {
			continue
		}
		var addrs []string
		for _, in := range ing.Status.LoadBalancer.Ingress {
			addrs = append(addrs, cmp.Or(in.IP, in.Hostname))
		}
		ports := "80"
		if len(ing.Spec.TLS) > 0 {
			ports = "80, 443"
		}
		cells := []string{ing.Name, stringOr(ing.Spec.IngressClassName, "<none>"), ingressHosts(ing.Spec.Rules),
			joinAddresses(addrs, true), ports, age(ing.CreationTimestamp, now)}
		rows = append(rows, row{namespace: ing.Namespace, labels: ing.Labels, cells: cells})
	}
	return tbl{header: []string{"NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"}, rows: rows, namespaced: true}
}

// ingressHosts is the HOSTS cell: the rules' hosts in order, rules without
// one skipped, "*" when there are none. Once three are shown, a further
// rule (with a host or not) adds " + N more...", N counting every rule
// past the third.
func ingressHosts(rules []networkingv1.IngressRule) string {
	var hosts []string
	more := false
	for _, r := range rules {
		if len(hosts) == listShown {
			more = true
			break
		}
		if r.Host != "" {
			hosts = append(hosts, r.Host)
		}
	}
	if len(hosts) == 0 {
		return "*"
	}
	s := strings.Join(hosts, ",")
	if more {
		s += fmt.Sprintf(" + %d more...", len(rules)-listShown)
	}
	return s
}

// ingressClassesTable: NAME CONTROLLER PARAMETERS AGE. The class annotated
// as the default has " (default)" after its name; PARAMETERS is
// "<kind>[.<apiGroup>]/<name>" or "<none>".
func ingressClassesTable(ics []*networkingv1.IngressClass, now time.Time, o Options) tbl {
	var rows []row
	for _, ic := range ics {
		if ic == nil {
			continue
		}
		name := ic.Name
		if ic.Annotations[networkingv1.AnnotationIsDefaultIngressClass] == "true" {
			name += " (default)"
		}
		params := "<none>"
		if p := ic.Spec.Parameters; p != nil {
			params = p.Kind
			if p.APIGroup != nil {
				params += "." + *p.APIGroup
			}
			params += "/" + p.Name
		}
		rows = append(rows, row{labels: ic.Labels, cells: []string{name, ic.Spec.Controller, params, age(ic.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "CONTROLLER", "PARAMETERS", "AGE"}, rows: rows}
}

// networkPoliciesTable: NAME POD-SELECTOR AGE, the selector as
// metav1.FormatLabelSelector prints it.
func networkPoliciesTable(nps []*networkingv1.NetworkPolicy, now time.Time, o Options) tbl {
	var rows []row
	for _, np := range nps {
		if np == nil {
			continue
		}
		rows = append(rows, row{namespace: np.Namespace, labels: np.Labels,
			cells: []string{np.Name, metav1.FormatLabelSelector(&np.Spec.PodSelector), age(np.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "POD-SELECTOR", "AGE"}, rows: rows, namespaced: true}
}

// endpointsTable: NAME ENDPOINTS AGE. ENDPOINTS lists each subset's ready
// addresses, as "ip:port" once per port of the subset (a bare ip for a
// subset without ports), the first three then " + N more..."; "<none>"
// without subsets.
func endpointsTable(eps []*corev1.Endpoints, now time.Time, o Options) tbl {
	var rows []row
	for _, ep := range eps {
		if ep == nil {
			continue
		}
		rows = append(rows, row{namespace: ep.Namespace, labels: ep.Labels,
			cells: []string{ep.Name, endpointsCell(ep.Subsets), age(ep.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "ENDPOINTS", "AGE"}, rows: rows, namespaced: true}
}

func endpointsCell(subsets []corev1.EndpointSubset) string {
	if len(subsets) == 0 {
		return "<none>"
	}
	var all []string
	for _, ss := range subsets {
		if len(ss.Ports) == 0 {
			for _, a := range ss.Addresses {
				all = append(all, a.IP)
			}
			continue
		}
		for _, p := range ss.Ports {
			for _, a := range ss.Addresses {
				all = append(all, net.JoinHostPort(a.IP, strconv.Itoa(int(p.Port))))
			}
		}
	}
	return firstFew(all, "")
}

// endpointSlicesTable: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. PORTS lists
// the port numbers (a port without a number by its name: the apiserver
// defaults an unset name to ""), ENDPOINTS every endpoint's addresses;
// each the first three then " + N more...", "<unset>" when empty.
func endpointSlicesTable(ess []*discoveryv1.EndpointSlice, now time.Time, o Options) tbl {
	var rows []row
	for _, es := range ess {
		if es == nil {
			continue
		}
		ports := make([]string, len(es.Ports))
		for i, p := range es.Ports {
			if p.Port != nil {
				ports[i] = strconv.Itoa(int(*p.Port))
			} else {
				ports[i] = stringOr(p.Name, "")
			}
		}
		var addrs []string
		for _, e := range es.Endpoints {
			addrs = append(addrs, e.Addresses...)
		}
		rows = append(rows, row{namespace: es.Namespace, labels: es.Labels,
			cells: []string{es.Name, string(es.AddressType), firstFew(ports, "<unset>"), firstFew(addrs, "<unset>"), age(es.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"}, rows: rows, namespaced: true}
}

// firstFew joins the first three entries with commas and, when there are
// more, adds " + N more..."; a cell that would be empty is none.
func firstFew(all []string, none string) string {
	if len(all) > listShown {
		return fmt.Sprintf("%s + %d more...", strings.Join(all[:listShown], ","), len(all)-listShown)
	}
	if s := strings.Join(all, ","); s != "" {
		return s
	}
	return none
}
