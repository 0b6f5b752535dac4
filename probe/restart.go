package probe

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/features"
)

// ShouldRestart decides whether an exited regular container is started
// again under v1.37.2's default gates: ShouldRestartWith(c, podPolicy,
// exitCode, nil).
func ShouldRestart(c *corev1.Container, podPolicy corev1.RestartPolicy, exitCode int32) bool {
	return ShouldRestartWith(c, podPolicy, exitCode, nil)
}

// ShouldRestartWith decides whether an exited regular container is
// started again (rule P12.1; api/v1/pod ContainerShouldRestart as the
// kubelet calls it): with ContainerRestartRules on and the container's
// own restartPolicy set, the first of its restartPolicyRules whose exit
// codes match decides — Restart restarts, RestartAllContainers restarts
// when RestartAllContainersOnContainerExits is on, any other action (or
// RestartAllContainers with that gate off) falls back — else its own
// policy (an unknown one falls back to the pod's); otherwise the pod's
// policy — Always (also when empty or unknown) restarts, OnFailure
// restarts a non-zero exit, Never does not. With ContainerRestartRules
// off only the pod's policy counts.
func ShouldRestartWith(c *corev1.Container, podPolicy corev1.RestartPolicy, exitCode int32, g features.Gates) bool {
	if c != nil && c.RestartPolicy != nil && g.Enabled(features.ContainerRestartRules) {
		if rule, ok := matchingRule(c, exitCode); ok {
			switch rule.Action {
			case corev1.ContainerRestartRuleActionRestart:
				return true
			case corev1.ContainerRestartRuleActionRestartAllContainers:
				if g.Enabled(features.RestartAllContainersOnContainerExits) {
					return true
				}
			}
		}
		switch *c.RestartPolicy {
		case corev1.ContainerRestartPolicyAlways:
			return true
		case corev1.ContainerRestartPolicyOnFailure:
			return exitCode != 0
		case corev1.ContainerRestartPolicyNever:
			return false
		}
	}
	switch podPolicy {
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	case corev1.RestartPolicyNever:
		return false
	}
	return true
}

// matchingRule is the first of the container's restartPolicyRules whose
// exit codes match (api/v1/pod FindMatchingContainerRestartRule).
func matchingRule(c *corev1.Container, code int32) (corev1.ContainerRestartRule, bool) {
	for _, rule := range c.RestartPolicyRules {
		if rule.ExitCodes != nil && exitCodesMatch(rule.ExitCodes, code) {
			return rule, true
		}
	}
	return corev1.ContainerRestartRule{}, false
}

// RestartsAllContainers reports whether the exit of c with exitCode
// restarts every container of the pod (rule P12.4;
// kubelet/container ShouldAllContainersRestart): both gates on and the
// first of the container's restartPolicyRules whose exit codes match has
// the action RestartAllContainers.
func RestartsAllContainers(c *corev1.Container, exitCode int32, g features.Gates) bool {
	if c == nil || !g.Enabled(features.ContainerRestartRules) || !g.Enabled(features.RestartAllContainersOnContainerExits) {
		return false
	}
	rule, ok := matchingRule(c, exitCode)
	return ok && rule.Action == corev1.ContainerRestartRuleActionRestartAllContainers
}

func exitCodesMatch(r *corev1.ContainerRestartRuleOnExitCodes, code int32) bool {
	listed := false
	for _, v := range r.Values {
		if v == code {
			listed = true
		}
	}
	switch r.Operator {
	case corev1.ContainerRestartRuleOnExitCodesOpIn:
		return listed
	case corev1.ContainerRestartRuleOnExitCodesOpNotIn:
		return !listed
	}
	return false
}

// RestartsAfterKill decides whether a container killed for a failed
// liveness or startup probe is started again (rule P9.2): from policy
// only, never from the exit code, and without consulting
// restartPolicyRules — the container's own restartPolicy if set, else the
// pod's; anything but Never restarts. So OnFailure restarts after a probe
// kill even when the process then exits 0.
func RestartsAfterKill(c *corev1.Container, podPolicy corev1.RestartPolicy) bool {
	return RestartsAfterKillWith(c, podPolicy, nil)
}

// RestartsAfterKillWith is RestartsAfterKill under the gates g: with
// ContainerRestartRules off the container's own restartPolicy is ignored.
func RestartsAfterKillWith(c *corev1.Container, podPolicy corev1.RestartPolicy, g features.Gates) bool {
	if c != nil && c.RestartPolicy != nil && g.Enabled(features.ContainerRestartRules) {
		return *c.RestartPolicy != corev1.ContainerRestartPolicyNever
	}
	return podPolicy != corev1.RestartPolicyNever
}

// MinimumGracePeriod is the least time the kubelet gives a container to
// stop (minimumGracePeriodInSeconds).
const MinimumGracePeriod = 2 * time.Second

// KillGracePeriod is the time a container killed for a failed probe of
// kind k gets to stop (rule P9.5): the pod's deletionGracePeriodSeconds if
// set, else the failed probe's own terminationGracePeriodSeconds if set,
// else the pod's terminationGracePeriodSeconds (default 30); preStop is
// not modelled; at least 2 s.
func KillGracePeriod(pod *corev1.Pod, c *corev1.Container, k Kind) time.Duration {
	secs := int64(DefaultTerminationGracePeriodSeconds)
	var probe *corev1.Probe
	if c != nil {
		switch k {
		case Liveness:
			probe = c.LivenessProbe
		case Startup:
			probe = c.StartupProbe
		}
	}
	switch {
	case pod != nil && pod.DeletionGracePeriodSeconds != nil:
		secs = *pod.DeletionGracePeriodSeconds
	case probe != nil && probe.TerminationGracePeriodSeconds != nil:
		secs = *probe.TerminationGracePeriodSeconds
	case pod != nil && pod.Spec.TerminationGracePeriodSeconds != nil:
		secs = *pod.Spec.TerminationGracePeriodSeconds
	}
	// Clamp before converting so that no value overflows a Duration.
	const maxSecs = int64(1<<63-1) / int64(time.Second)
	secs = min(max(secs, 2), maxSecs)
	return time.Duration(secs) * time.Second
}
