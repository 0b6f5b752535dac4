package cluster

import (
	"errors"
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/workload"
)

// DefaultTolerationSeconds is the apiserver's default for
// --default-not-ready-toleration-seconds and
// --default-unreachable-toleration-seconds (RS-10.5).
const DefaultTolerationSeconds = 300

// Taint keys the node lifecycle controller manages (RS-10.3, RS-10.4):
// k8s.io/api's well-known taints.
const (
	TaintNotReady    = corev1.TaintNodeNotReady    // "node.kubernetes.io/not-ready"
	TaintUnreachable = corev1.TaintNodeUnreachable // "node.kubernetes.io/unreachable"
	// TaintUnschedulable is the NoSchedule taint a cordoned node
	// (spec.unschedulable) carries.
	TaintUnschedulable = corev1.TaintNodeUnschedulable // "node.kubernetes.io/unschedulable"
)

// addDefaultTolerations is the DefaultTolerationSeconds admission plugin
// (RS-10.5): a not-ready and an unreachable NoExecute toleration of 300 s,
// each unless one with that key or an empty key, and effect NoExecute or
// empty, is already there.
func addDefaultTolerations(p *corev1.Pod) {
	has := func(k string) bool {
		for _, t := range p.Spec.Tolerations {
			if (t.Key == k || t.Key == "") && (t.Effect == corev1.TaintEffectNoExecute || t.Effect == "") {
				return true
			}
		}
		return false
	}
	secs := int64(DefaultTolerationSeconds)
	for _, k := range []string{TaintNotReady, TaintUnreachable} {
		if !has(k) {
			p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{
				Key: k, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &secs,
			})
		}
	}
}

// admitQuota is ResourceQuota admission of a pod create; it returns the
// quotas with their new usage, written with the pod.
func (c *Cluster) admitQuota(p *corev1.Pod) ([]*corev1.ResourceQuota, error) {
	objs := c.st.list(KindResourceQuota, p.Namespace)
	if len(objs) == 0 {
		return nil, nil
	}
	quotas := make([]*corev1.ResourceQuota, len(objs))
	for i, o := range objs {
		quotas[i] = o.(*corev1.ResourceQuota)
	}
	return namespace.AdmitPod(p, quotas, c.now)
}

// syncQuotas is the resource quota controller for one namespace:
// status.hard from spec.hard, status.used recounted from the pods.
func (c *Cluster) syncQuotas(ns string) {
	for _, o := range c.st.list(KindResourceQuota, ns) {
		q := o.(*corev1.ResourceQuota)
		used := corev1.ResourceList{}
		for name := range q.Spec.Hard {
			used[name] = resource.MustParse("0")
		}
		for _, po := range c.st.list(KindPod, ns) {
			for name, v := range namespace.PodUsage(po.(*corev1.Pod), c.now) {
				if cur, ok := used[name]; ok {
					cur.Add(v)
					used[name] = cur
				}
			}
		}
		if equalLists(q.Status.Hard, q.Spec.Hard) && equalLists(q.Status.Used, used) {
			continue
		}
		nq := q.DeepCopy()
		nq.Status.Hard = q.Spec.Hard.DeepCopy()
		nq.Status.Used = used
		c.writeStatus(KindResourceQuota, nq)
	}
}

func equalLists(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

func validateQuota(q *corev1.ResourceQuota) field.ErrorList {
	errs := workload.ValidateObjectMeta(&q.ObjectMeta, field.NewPath("metadata"))
	for name, v := range q.Spec.Hard {
		if v.Sign() < 0 {
			errs = append(errs, field.Invalid(field.NewPath("spec", "hard").Key(string(name)), v.String(), "must be greater than or equal to 0"))
		}
	}
	return errs
}

// ---- Services ---------------------------------------------------------------

// defaultService returns a copy of svc with the apiserver's defaults:
// type ClusterIP, session affinity None, TCP ports whose targetPort is
// the port.
func defaultService(svc *corev1.Service) *corev1.Service {
	s := svc.DeepCopy()
	if s.Spec.Type == "" {
		s.Spec.Type = corev1.ServiceTypeClusterIP
	}
	if s.Spec.SessionAffinity == "" {
		s.Spec.SessionAffinity = corev1.ServiceAffinityNone
	}
	if s.Spec.InternalTrafficPolicy == nil {
		p := corev1.ServiceInternalTrafficPolicyCluster
		s.Spec.InternalTrafficPolicy = &p
	}
	for i := range s.Spec.Ports {
		p := &s.Spec.Ports[i]
		if p.Protocol == "" {
			p.Protocol = corev1.ProtocolTCP
		}
		if p.TargetPort == (intstr.IntOrString{}) {
			p.TargetPort = intstr.FromInt32(p.Port)
		}
	}
	return s
}

// validateService checks the parts of a Service the cluster uses: a DNS-1035
// name, at least one port for a ClusterIP Service, ports in 1–65535.
func validateService(s *corev1.Service) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" && s.GenerateName == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "name or generateName is required"))
	} else if s.Name != "" {
		for _, msg := range validation.IsDNS1035Label(s.Name) {
			errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), s.Name, msg))
		}
	}
	if s.Namespace == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "namespace"), ""))
	}
	ports := field.NewPath("spec", "ports")
	if len(s.Spec.Ports) == 0 && s.Spec.ClusterIP != corev1.ClusterIPNone {
		errs = append(errs, field.Required(ports, ""))
	}
	for i, p := range s.Spec.Ports {
		for _, msg := range validation.IsValidPortNum(int(p.Port)) {
			errs = append(errs, field.Invalid(ports.Index(i).Child("port"), p.Port, msg))
		}
	}
	return errs
}

// allocateClusterIP gives a new Service a free address of the default
// service range 10.96.0.0/12, drawn from the seeded generator (the
// apiserver draws at random too); 10.96.0.1 is the kubernetes Service's.
func (c *Cluster) allocateClusterIP(s *corev1.Service) {
	if s.Spec.ClusterIP == corev1.ClusterIPNone || s.Spec.ClusterIP != "" {
		return
	}
	taken := map[string]bool{}
	for _, o := range c.st.list(KindService, "") {
		taken[o.(*corev1.Service).Spec.ClusterIP] = true
	}
	base := netip.MustParseAddr("10.96.0.0").As4()
	for {
		n := 2 + c.rng.Uint32N(1<<20-3)
		ip := netip.AddrFrom4([4]byte{base[0], base[1] | byte(n>>16), byte(n >> 8), byte(n)}).String()
		if !taken[ip] {
			s.Spec.ClusterIP = ip
			s.Spec.ClusterIPs = []string{ip}
			return
		}
	}
}

// ---- injected API failures ----------------------------------------------

// Failure makes API calls fail, for fault-injection tests: the next Times
// calls of Verb ("create" or "delete") on Kind (any kind when empty) in
// Namespace (any when empty) return Err. Controllers see the failure as
// upstream's would (a ReplicaSet's FailedCreate condition and event).
type Failure struct {
	Verb, Kind, Namespace string
	Times                 int
	// Err is the error returned; nil means an internal server error.
	Err error
}

// InjectFailure arms a Failure.
func (c *Cluster) InjectFailure(f Failure) error {
	if f.Verb != "create" && f.Verb != "delete" {
		return fmt.Errorf("cluster: cannot inject a failure of %q: only create and delete", f.Verb)
	}
	if f.Times <= 0 {
		return fmt.Errorf("cluster: a failure needs Times > 0, got %d", f.Times)
	}
	if f.Err == nil {
		f.Err = apierrors.NewInternalError(errors.New("injected failure"))
	}
	c.failures = append(c.failures, &f)
	return nil
}

func (c *Cluster) injected(verb, kind string, o Object) error {
	for i, f := range c.failures {
		if f.Verb == verb && (f.Kind == "" || f.Kind == kind) && (f.Namespace == "" || f.Namespace == o.GetNamespace()) {
			f.Times--
			if f.Times == 0 {
				c.failures = append(c.failures[:i], c.failures[i+1:]...)
			}
			return f.Err
		}
	}
	return nil
}

// tolerated says whether one of tols tolerates taint.
func tolerated(tols []corev1.Toleration, taint *corev1.Taint) bool {
	for i := range tols {
		if tolerates(&tols[i], taint) {
			return true
		}
	}
	return false
}

// tolerates is toleration matching (RS-10.6): the effect empty or equal,
// the key empty or equal, and operator Exists (any value) or Equal/empty
// (the values equal). An empty key with Exists tolerates everything.
func tolerates(t *corev1.Toleration, taint *corev1.Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case corev1.TolerationOpExists:
		return true
	case "", corev1.TolerationOpEqual:
		return t.Value == taint.Value
	}
	return false
}
