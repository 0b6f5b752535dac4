package probe

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validate checks one probe of kind k as the apiserver does (rule P1.3),
// on a defaulted probe (see Default): exactly one handler, valid handler
// details, non-negative numbers, a probe-level
// terminationGracePeriodSeconds above 0, successThreshold 1 for liveness
// and startup, and no terminationGracePeriodSeconds on readiness. fldPath
// is the probe's path, e.g. spec.containers[0].livenessProbe. A nil probe
// is valid.
func Validate(k Kind, p *corev1.Probe, fldPath *field.Path) field.ErrorList {
	if p == nil {
		return nil
	}
	errs := validateHandler(&p.ProbeHandler, fldPath)
	for _, f := range []struct {
		name string
		v    int32
	}{
		{"initialDelaySeconds", p.InitialDelaySeconds},
		{"timeoutSeconds", p.TimeoutSeconds},
		{"periodSeconds", p.PeriodSeconds},
		{"successThreshold", p.SuccessThreshold},
		{"failureThreshold", p.FailureThreshold},
	} {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(f.v), fldPath.Child(f.name))...)
	}
	if g := p.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	}
	switch k {
	case Liveness, Startup:
		if p.SuccessThreshold != 1 {
			errs = append(errs, field.Invalid(fldPath.Child("successThreshold"), p.SuccessThreshold, "must be 1"))
		}
	case Readiness:
		if p.TerminationGracePeriodSeconds != nil {
			errs = append(errs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), p.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
		}
	}
	return errs
}

// ValidateContainer checks a container's three probes in upstream's order
// (liveness, readiness, startup) at fldPath (the container's path). For an
// init container that is not a sidecar (restartPolicy Always), any probe
// is forbidden instead (rule P1.3.6).
func ValidateContainer(c *corev1.Container, init bool, fldPath *field.Path) field.ErrorList {
	if c == nil {
		return nil
	}
	if init && !isSidecar(c) {
		var errs field.ErrorList
		for _, f := range []struct {
			name string
			p    *corev1.Probe
		}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
			if f.p != nil {
				errs = append(errs, field.Forbidden(fldPath.Child(f.name), "may not be set for init containers without restartPolicy=Always"))
			}
		}
		return errs
	}
	errs := Validate(Liveness, c.LivenessProbe, fldPath.Child("livenessProbe"))
	errs = append(errs, Validate(Readiness, c.ReadinessProbe, fldPath.Child("readinessProbe"))...)
	return append(errs, Validate(Startup, c.StartupProbe, fldPath.Child("startupProbe"))...)
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// validateHandler: the first handler in the order exec, httpGet,
// tcpSocket, grpc is validated; later ones are forbidden.
func validateHandler(h *corev1.ProbeHandler, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	check := func(set bool, name string, validate func(*field.Path) field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child(name), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, validate(fldPath.Child(name))...)
	}
	check(h.Exec != nil, "exec", func(p *field.Path) field.ErrorList {
		if len(h.Exec.Command) == 0 {
			return field.ErrorList{field.Required(p.Child("command"), "")}
		}
		return nil
	})
	check(h.HTTPGet != nil, "httpGet", func(p *field.Path) field.ErrorList { return validateHTTPGet(h.HTTPGet, p) })
	check(h.TCPSocket != nil, "tcpSocket", func(p *field.Path) field.ErrorList { return validatePort(h.TCPSocket.Port, p.Child("port")) })
	check(h.GRPC != nil, "grpc", func(p *field.Path) field.ErrorList {
		errs := validatePort(intstr.FromInt32(h.GRPC.Port), p.Child("port"))
		if m := h.GRPC.Mode; m != nil && !grpcModes.Has(*m) {
			errs = append(errs, field.NotSupported(p.Child("mode"), *m, sets.List(grpcModes)))
		}
		return errs
	})
	if n == 0 {
		errs = append(errs, field.Required(fldPath, "must specify a handler type"))
	}
	return errs
}

var httpSchemes = sets.New(corev1.URISchemeHTTP, corev1.URISchemeHTTPS)

func validateHTTPGet(h *corev1.HTTPGetAction, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if h.Path == "" {
		errs = append(errs, field.Required(fldPath.Child("path"), ""))
	}
	errs = append(errs, validatePort(h.Port, fldPath.Child("port"))...)
	if !httpSchemes.Has(h.Scheme) {
		errs = append(errs, field.NotSupported(fldPath.Child("scheme"), h.Scheme, sets.List(httpSchemes)))
	}
	for _, hdr := range h.HTTPHeaders {
		for _, msg := range validation.IsHTTPHeaderName(hdr.Name) {
			errs = append(errs, field.Invalid(fldPath.Child("httpHeaders"), hdr.Name, msg))
		}
	}
	if h.Protocol != nil {
		switch {
		case !httpProtocols.Has(*h.Protocol):
			errs = append(errs, field.NotSupported(fldPath.Child("protocol"), *h.Protocol, sets.List(httpProtocols)))
		case *h.Protocol == corev1.HTTPProtocolHTTP2 && h.Scheme != corev1.URISchemeHTTP:
			errs = append(errs, field.Invalid(fldPath.Child("protocol"), *h.Protocol, "is only supported with HTTP (H2C)"))
		case *h.Protocol == corev1.HTTPProtocolHTTP2 && h.Host != "":
			errs = append(errs, field.Invalid(fldPath.Child("host"), h.Host, "must be empty when `protocol` is \"HTTP2\""))
		}
	}
	return errs
}

var grpcModes = sets.New(corev1.GRPCProbeModePlaintext, corev1.GRPCProbeModeTLS)

var httpProtocols = sets.New(corev1.HTTPProtocolHTTP1, corev1.HTTPProtocolHTTP2)

func validatePort(port intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch port.Type {
	case intstr.Int:
		for _, msg := range validation.IsValidPortNum(port.IntValue()) {
			errs = append(errs, field.Invalid(fldPath, port.IntValue(), msg))
		}
	case intstr.String:
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(fldPath, port.StrVal, msg))
		}
	default:
		errs = append(errs, field.InternalError(fldPath, fmt.Errorf("unknown type: %v", port.Type)))
	}
	return errs
}
