package probe

import corev1 "k8s.io/api/core/v1"

// Upstream's probe defaults (rule P1.1).
const (
	DefaultPeriodSeconds    = 10
	DefaultTimeoutSeconds   = 1
	DefaultSuccessThreshold = 1
	DefaultFailureThreshold = 3
)

// Default returns a copy of p with upstream's defaults applied the way
// SetDefaults_Probe applies them: a zero timeoutSeconds, periodSeconds,
// successThreshold or failureThreshold becomes 1, 10, 1, 3; an httpGet's
// empty path becomes "/" and its empty scheme "HTTP". initialDelaySeconds
// and terminationGracePeriodSeconds have no default. Negative values are
// kept for validation to reject. A nil probe stays nil.
func Default(p *corev1.Probe) *corev1.Probe {
	if p == nil {
		return nil
	}
	out := p.DeepCopy()
	if out.TimeoutSeconds == 0 {
		out.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if out.PeriodSeconds == 0 {
		out.PeriodSeconds = DefaultPeriodSeconds
	}
	if out.SuccessThreshold == 0 {
		out.SuccessThreshold = DefaultSuccessThreshold
	}
	if out.FailureThreshold == 0 {
		out.FailureThreshold = DefaultFailureThreshold
	}
	if h := out.HTTPGet; h != nil {
		if h.Path == "" {
			h.Path = "/"
		}
		if h.Scheme == "" {
			h.Scheme = corev1.URISchemeHTTP
		}
	}
	return out
}

// DefaultTerminationGracePeriodSeconds is a pod's grace period when it
// sets none (rule P1.2).
const DefaultTerminationGracePeriodSeconds = 30

// DefaultPodSpec returns a copy of spec with the pod-level defaults the
// probe rules depend on (rule P1.2): restartPolicy Always, a 30 s
// termination grace period, and every container's probes defaulted.
func DefaultPodSpec(spec *corev1.PodSpec) *corev1.PodSpec {
	if spec == nil {
		return nil
	}
	out := spec.DeepCopy()
	if out.RestartPolicy == "" {
		out.RestartPolicy = corev1.RestartPolicyAlways
	}
	if out.TerminationGracePeriodSeconds == nil {
		g := int64(DefaultTerminationGracePeriodSeconds)
		out.TerminationGracePeriodSeconds = &g
	}
	for _, cs := range [][]corev1.Container{out.InitContainers, out.Containers} {
		for i := range cs {
			c := &cs[i]
			c.StartupProbe = Default(c.StartupProbe)
			c.ReadinessProbe = Default(c.ReadinessProbe)
			c.LivenessProbe = Default(c.LivenessProbe)
		}
	}
	return out
}

// defaulted reports whether DefaultPodSpec would leave spec as it is.
func defaulted(spec *corev1.PodSpec) bool {
	if spec.RestartPolicy == "" || spec.TerminationGracePeriodSeconds == nil {
		return false
	}
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range cs {
			for _, p := range []*corev1.Probe{cs[i].StartupProbe, cs[i].ReadinessProbe, cs[i].LivenessProbe} {
				if p == nil {
					continue
				}
				if p.TimeoutSeconds == 0 || p.PeriodSeconds == 0 || p.SuccessThreshold == 0 || p.FailureThreshold == 0 {
					return false
				}
				if h := p.HTTPGet; h != nil && (h.Path == "" || h.Scheme == "") {
					return false
				}
			}
		}
	}
	return true
}
