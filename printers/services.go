package printers

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
)

// Services prints `kubectl get services`: NAME TYPE CLUSTER-IP
// EXTERNAL-IP PORT(S) AGE, and with o.Wide also SELECTOR.
//
//   - TYPE is spec.type as stored (the apiserver defaults it to
//     ClusterIP).
//   - CLUSTER-IP is the first cluster IP ("None" for a headless Service),
//     "<none>" without one. The apiserver keeps spec.clusterIP and
//     spec.clusterIPs[0] equal, so either is read.
//   - EXTERNAL-IP: for ClusterIP and NodePort, spec.externalIPs
//     comma-joined or "<none>"; for LoadBalancer, the load balancer's
//     ingress IPs (or hostnames) sorted without repeats (never cut: the
//     printer's cut applies to tables built narrow, and the apiserver
//     builds them wide) — then
//     spec.externalIPs, or "<pending>" when there are none; for
//     ExternalName, spec.externalName; "<unknown>" for any other type.
//   - PORT(S) is "<port>/<protocol>", or "<port>:<nodePort>/<protocol>"
//     with a node port, comma-joined; "<none>" without ports.
//   - SELECTOR is spec.selector as labels.FormatLabels prints it.
//
// Rows are printed in the order given; nil entries are skipped; an empty
// list gives "".
func Services(svcs []*corev1.Service, now time.Time, o Options) string {
	return servicesTable(svcs, now, o).render(o)
}

func servicesTable(svcs []*corev1.Service, now time.Time, o Options) tbl {
	header := []string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"}
	if o.Wide {
		header = append(header, "SELECTOR")
	}
	var rows []row
	for _, svc := range svcs {
		if svc == nil {
			continue
		}
		clusterIP := svc.Spec.ClusterIP
		if len(svc.Spec.ClusterIPs) > 0 {
			clusterIP = svc.Spec.ClusterIPs[0]
		} else if clusterIP == "" {
			clusterIP = "<none>"
		}
		cells := []string{
			svc.Name,
			string(svc.Spec.Type),
			clusterIP,
			// The apiserver builds every table wide (pkg/printers/storage
			// TableConvertor), so kubectl never sees a cut address.
			externalIP(svc, true),
			orNone(servicePorts(svc.Spec.Ports)),
			age(svc.CreationTimestamp, now),
		}
		if o.Wide {
			cells = append(cells, k8slabels.FormatLabels(svc.Spec.Selector))
		}
		rows = append(rows, row{namespace: svc.Namespace, labels: svc.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

func externalIP(svc *corev1.Service, wide bool) string {
	switch svc.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		return orNone(strings.Join(svc.Spec.ExternalIPs, ","))
	case corev1.ServiceTypeLoadBalancer:
		lb := loadBalancerAddresses(svc.Status.LoadBalancer, wide)
		if len(svc.Spec.ExternalIPs) > 0 {
			var all []string
			if lb != "" {
				all = strings.Split(lb, ",")
			}
			return strings.Join(append(all, svc.Spec.ExternalIPs...), ",")
		}
		if lb != "" {
			return lb
		}
		return "<pending>"
	case corev1.ServiceTypeExternalName:
		return svc.Spec.ExternalName
	}
	return "<unknown>"
}

// loadBalancerAddresses joins the ingress points' IPs (hostnames for
// those without an IP) as joinAddresses does.
func loadBalancerAddresses(s corev1.LoadBalancerStatus, wide bool) string {
	addrs := make([]string, len(s.Ingress))
	for i, in := range s.Ingress {
		addrs[i] = cmp.Or(in.IP, in.Hostname)
	}
	return joinAddresses(addrs, wide)
}

// loadBalancerWidth is the longest address cell printed whole without
// -o wide.
const loadBalancerWidth = 16

// joinAddresses joins load balancer addresses sorted and without repeats
// or empty ones. Without -o wide a result longer than 16 bytes is cut to
// 13 bytes and "..." (the cut may split a character; see jsonRoundTrip).
func joinAddresses(addrs []string, wide bool) string {
	seen := map[string]bool{}
	var uniq []string
	for _, a := range addrs {
		if a != "" && !seen[a] {
			seen[a] = true
			uniq = append(uniq, a)
		}
	}
	sort.Strings(uniq)
	r := strings.Join(uniq, ",")
	if !wide && len(r) > loadBalancerWidth {
		r = r[:loadBalancerWidth-3] + "..."
	}
	return r
}

func servicePorts(ports []corev1.ServicePort) string {
	parts := make([]string, len(ports))
	for i, p := range ports {
		if p.NodePort > 0 {
			parts[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		} else {
			parts[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		}
	}
	return strings.Join(parts, ",")
}
