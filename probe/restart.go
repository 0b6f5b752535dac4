package probe

import (
	"time"

	corev1 "k8s.io/api/core/v1"
)

// ShouldRestart decides whether an exited regular container is started
// again (rule P12.1, with ContainerRestartRules on as in v1.37): if the
// container sets its own restartPolicy, the first of its
// restartPolicyRules whose exit codes match decides (Restart and
// RestartAllContainers restart), else its own policy; otherwise the pod's
// policy — Always (also when empty or unknown) restarts, OnFailure
// restarts a non-zero exit, Never does not.
func ShouldRestart(c *corev1.Container, podPolicy corev1.RestartPolicy, exitCode int32) bool {
	if c != nil && c.RestartPolicy != nil {
		for _, rule := range c.RestartPolicyRules {
			if rule.ExitCodes == nil || !exitCodesMatch(rule.ExitCodes, exitCode) {
				continue
			}
			switch rule.Action {
			case corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleActionRestartAllContainers:
				return true
			}
			break // the first matching rule decides; other actions fall back
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
	if c != nil && c.RestartPolicy != nil {
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
