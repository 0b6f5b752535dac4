package probe

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/features"
)

// Reasons of the conditions the kubelet writes (status/generate.go).
const (
	ReasonUnknownContainerStatuses = "UnknownContainerStatuses"
	ReasonPodCompleted             = "PodCompleted"
	ReasonPodFailed                = "PodFailed"
	ReasonContainersNotReady       = "ContainersNotReady"
	ReasonContainersNotInitialized = "ContainersNotInitialized"
	ReasonReadinessGatesNotReady   = "ReadinessGatesNotReady"
	// ReasonRestartingAllContainers is the termination reason of a
	// container stopped by a RestartAllContainers rule.
	ReasonRestartingAllContainers = "RestartingAllContainers"
	// ReasonRestartAllContainersStarted is the reason of a True
	// AllContainersRestarting condition.
	ReasonRestartAllContainersStarted = "RestartAllContainersStarted"
)

// status finds a container's status by name among the pod's regular and
// init container statuses.
func status(pod *corev1.Pod, name string) (*corev1.ContainerStatus, bool) {
	for _, list := range [][]corev1.ContainerStatus{pod.Status.ContainerStatuses, pod.Status.InitContainerStatuses} {
		for i := range list {
			if list[i].Name == name {
				return &list[i], true
			}
		}
	}
	return nil, false
}

// restartable reports whether a stopped container with this termination
// will be restarted (rule P15.1).
func restartable(c *corev1.Container, spec *corev1.PodSpec, t *corev1.ContainerStateTerminated, g features.Gates) bool {
	return ShouldRestartWith(c, spec.RestartPolicy, t.ExitCode, g) ||
		(g.Enabled(features.RestartAllContainersOnContainerExits) && t.Reason == ReasonRestartingAllContainers)
}

// Phase derives a pod's phase from its spec and container statuses as the
// kubelet does (rule P15, v1.37 gates). podIsTerminal says the kubelet has
// decided the pod will run no more containers; podHasInitialized that a
// regular container has started in the current sandbox.
func Phase(pod *corev1.Pod, podIsTerminal, podHasInitialized bool) corev1.PodPhase {
	return PhaseWith(pod, podIsTerminal, podHasInitialized, nil)
}

// PhaseWith is Phase under the kubelet's feature gates g (nil: v1.37.2's
// defaults): whether a stopped container will restart follows
// ShouldRestartWith.
func PhaseWith(pod *corev1.Pod, podIsTerminal, podHasInitialized bool, g features.Gates) corev1.PodPhase {
	if pod == nil {
		return corev1.PodPending
	}
	spec := &pod.Spec
	pendingInit, pendingSidecars, failedInitNotRestartable := 0, 0, 0
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if isSidecar(c) {
			continue
		}
		st, ok := status(pod, c.Name)
		switch {
		case !ok, st.State.Running != nil:
			pendingInit++
		case st.State.Terminated != nil:
			if t := st.State.Terminated; t.ExitCode != 0 && !restartable(c, spec, t, g) {
				failedInitNotRestartable++
			}
		case st.State.Waiting != nil && st.LastTerminationState.Terminated != nil:
			if t := st.LastTerminationState.Terminated; t.ExitCode != 0 && !restartable(c, spec, t, g) {
				failedInitNotRestartable++
			}
		default:
			pendingInit++
		}
	}
	unknown, running, waiting, stopped, stoppedNotRestartable, succeeded := 0, 0, 0, 0, 0, 0
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if !isSidecar(c) {
			continue
		}
		st, ok := status(pod, c.Name)
		switch {
		case !ok:
			unknown++
		case st.State.Running != nil:
			if st.Started == nil || !*st.Started {
				pendingSidecars++
			}
			running++
		case st.State.Terminated != nil:
		case st.State.Waiting != nil:
			if st.LastTerminationState.Terminated == nil {
				pendingSidecars++
				waiting++
			}
		default:
			pendingSidecars++
			unknown++
		}
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		st, ok := status(pod, c.Name)
		switch {
		case !ok:
			unknown++
		case st.State.Running != nil:
			running++
		case st.State.Terminated != nil:
			stopped++
			if !restartable(c, spec, st.State.Terminated, g) {
				stoppedNotRestartable++
			}
			if st.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case st.State.Waiting != nil && st.LastTerminationState.Terminated != nil:
			// Not counted as succeeded, whatever the last exit code.
			stopped++
			if !restartable(c, spec, st.LastTerminationState.Terminated, g) {
				stoppedNotRestartable++
			}
		case st.State.Waiting != nil:
			waiting++
		default:
			unknown++
		}
	}
	switch {
	case failedInitNotRestartable > 0:
		return corev1.PodFailed
	case pendingInit > 0 || (pendingSidecars > 0 && !podHasInitialized) || waiting > 0:
		return corev1.PodPending
	case running > 0 && unknown == 0:
		return corev1.PodRunning
	case running == 0 && stopped > 0 && unknown == 0:
		if !podIsTerminal && stopped != stoppedNotRestartable {
			return corev1.PodRunning
		}
		if stopped == succeeded {
			return corev1.PodSucceeded
		}
		return corev1.PodFailed
	}
	return corev1.PodPending
}

// Conditions derives the conditions the kubelet writes (rule P16), in the
// kubelet's order: the pod's conditions owned by others (readiness gates
// among them) as they are, then PodReadyToStartContainers, Initialized,
// Ready, ContainersReady and PodScheduled. sandboxReady says the pod's
// sandbox exists with networking. Each condition keeps its previous
// lastTransitionTime when its status is unchanged and takes now (truncated
// to seconds) otherwise (rule P16.5). ObservedGeneration is the pod's
// generation (PodObservedGenerationTracking is GA).
func Conditions(pod *corev1.Pod, phase corev1.PodPhase, sandboxReady bool, now time.Time) []corev1.PodCondition {
	if pod == nil {
		return nil
	}
	return conditions(pod, phase, sandboxReady, restartingFromAPI(pod), now, nil)
}

// restartingFromAPI is upstream's ShouldAllContainersRestart read from
// the API status alone (rule P12.4): the AllContainersRestarting
// condition is True, or a container's last state is an exit whose
// restart rule restarts all containers.
func restartingFromAPI(pod *corev1.Pod) bool {
	if c, ok := condition(pod.Status.Conditions, corev1.AllContainersRestarting); ok && c.Status == corev1.ConditionTrue {
		return true
	}
	for _, list := range []struct {
		spec []corev1.Container
	}{{pod.Spec.InitContainers}, {pod.Spec.Containers}} {
		for i := range list.spec {
			c := &list.spec[i]
			if st, ok := status(pod, c.Name); ok && st.State.Terminated != nil {
				if rule, ok := matchingRule(c, st.State.Terminated.ExitCode); ok && rule.Action == corev1.ContainerRestartRuleActionRestartAllContainers {
					return true
				}
			}
		}
	}
	return false
}

// AllContainersCouldRestart reports whether a container of spec, init or
// regular, has a restart rule with the action RestartAllContainers (api/v1/pod
// AllContainersCouldRestart): only then does the kubelet write the
// AllContainersRestarting condition.
func AllContainersCouldRestart(spec *corev1.PodSpec) bool {
	if spec == nil {
		return false
	}
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range list {
			for _, rule := range c.RestartPolicyRules {
				if rule.Action == corev1.ContainerRestartRuleActionRestartAllContainers {
					return true
				}
			}
		}
	}
	return false
}

// conditions builds the kubelet's conditions; restarting says a restart
// of all containers is under way (its cleanup not done).
func conditions(pod *corev1.Pod, phase corev1.PodPhase, sandboxReady, restarting bool, now time.Time, g features.Gates) []corev1.PodCondition {
	if pod == nil {
		return nil
	}
	// sized for what it will hold: the conditions the kubelet does not
	// own, and at most six of its own
	n := 6
	for _, c := range pod.Status.Conditions {
		if !kubeletOwned(c.Type, g) {
			n++
		}
	}
	return appendConditions(make([]corev1.PodCondition, 0, n), pod, phase, sandboxReady, restarting, now, g)
}

// appendConditions appends pod's conditions, as conditions returns them,
// to out.
func appendConditions(out []corev1.PodCondition, pod *corev1.Pod, phase corev1.PodPhase, sandboxReady, restarting bool, now time.Time, g features.Gates) []corev1.PodCondition {
	for _, c := range pod.Status.Conditions {
		if !kubeletOwned(c.Type, g) {
			out = append(out, c)
		}
	}
	statuses := allStatuses(pod)
	ready, containersReady := readyConditions(pod, statuses, phase)
	toStart := corev1.PodCondition{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue}
	if !sandboxReady {
		toStart.Status = corev1.ConditionFalse
	}
	start := len(out)
	out = append(out, toStart, initializedCondition(pod, statuses, phase), ready, containersReady,
		corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue})
	for i := start; i < len(out); i++ {
		out[i].ObservedGeneration = pod.Generation
	}
	if g.Enabled(features.RestartAllContainersOnContainerExits) && AllContainersCouldRestart(&pod.Spec) {
		// status/generate.go GenerateAllContainersRestartingCondition (rule
		// P12.4), which sets no observedGeneration.
		c := corev1.PodCondition{Type: corev1.AllContainersRestarting, Status: corev1.ConditionFalse}
		switch {
		case phase == corev1.PodSucceeded:
			c.Reason = ReasonPodCompleted
		case phase == corev1.PodFailed:
			c.Reason = ReasonPodFailed
		case restarting:
			c.Status, c.Reason, c.Message = corev1.ConditionTrue, ReasonRestartAllContainersStarted, "container exited with restart policy rule"
		}
		out = append(out, c)
	}
	for i := start; i < len(out); i++ {
		c := &out[i]
		c.LastTransitionTime = metav1.NewTime(now.Truncate(time.Second))
		for _, old := range pod.Status.Conditions {
			if old.Type == c.Type && old.Status == c.Status {
				c.LastTransitionTime = old.LastTransitionTime
			}
		}
	}
	return out
}

// kubeletOwned reports whether the kubelet owns conditions of type t
// (kubelet/types PodConditionByKubelet): AllContainersRestarting only
// with RestartAllContainersOnContainerExits on.
func kubeletOwned(t corev1.PodConditionType, g features.Gates) bool {
	switch t {
	case corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReadyToStartContainers,
		corev1.PodResizeInProgress, corev1.PodResizePending:
		return true
	case corev1.AllContainersRestarting:
		return g.Enabled(features.RestartAllContainersOnContainerExits)
	}
	return false
}

// KubeletOwnsCondition reports whether conditions of type t are the
// kubelet's under the gates g (rule P16.7): PodScheduled, Ready,
// Initialized, ContainersReady, PodReadyToStartContainers and the resize
// conditions, and AllContainersRestarting with
// RestartAllContainersOnContainerExits on. The kubelet writes those and
// keeps every other condition (a readiness gate's, DisruptionTarget) as
// the API has it.
func KubeletOwnsCondition(t corev1.PodConditionType, g features.Gates) bool {
	return kubeletOwned(t, g)
}

// allStatuses is the kubelet's list of statuses: regular, then init; nil
// when the pod has none.
func allStatuses(pod *corev1.Pod) []corev1.ContainerStatus {
	if pod.Status.ContainerStatuses == nil && pod.Status.InitContainerStatuses == nil {
		return nil
	}
	// read only: one list is returned as it is
	if pod.Status.InitContainerStatuses == nil {
		return pod.Status.ContainerStatuses
	}
	if pod.Status.ContainerStatuses == nil {
		return pod.Status.InitContainerStatuses
	}
	return append(append([]corev1.ContainerStatus{}, pod.Status.ContainerStatuses...), pod.Status.InitContainerStatuses...)
}

func find(statuses []corev1.ContainerStatus, name string) (*corev1.ContainerStatus, bool) {
	for i := range statuses {
		if statuses[i].Name == name {
			return &statuses[i], true
		}
	}
	return nil, false
}

// readyConditions derives Ready and ContainersReady (rules P16.1, P16.2,
// P16.4).
func readyConditions(pod *corev1.Pod, statuses []corev1.ContainerStatus, phase corev1.PodPhase) (ready, containersReady corev1.PodCondition) {
	cr := corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse}
	var unknown, unready []string
	check := func(c *corev1.Container) {
		if st, ok := find(statuses, c.Name); !ok {
			unknown = append(unknown, c.Name)
		} else if !st.Ready {
			unready = append(unready, c.Name)
		}
	}
	for i := range pod.Spec.InitContainers {
		if isSidecar(&pod.Spec.InitContainers[i]) {
			check(&pod.Spec.InitContainers[i])
		}
	}
	for i := range pod.Spec.Containers {
		check(&pod.Spec.Containers[i])
	}
	switch {
	case statuses == nil:
		cr.Reason = ReasonUnknownContainerStatuses
	case phase == corev1.PodFailed:
		cr.Reason = ReasonPodFailed
	case phase == corev1.PodSucceeded && len(unknown) == 0:
		cr.Reason = ReasonPodCompleted
	default:
		// fmt's %s of a []string: "[a b]".
		var msg string
		if len(unknown) > 0 {
			msg = "containers with unknown status: [" + strings.Join(unknown, " ") + "]"
		}
		if len(unready) > 0 {
			if msg != "" {
				msg += ", "
			}
			msg += "containers with unready status: [" + strings.Join(unready, " ") + "]"
		}
		if msg != "" {
			cr.Reason, cr.Message = ReasonContainersNotReady, msg
		} else {
			cr.Status = corev1.ConditionTrue
		}
	}

	// Ready copies ContainersReady unless that is True; for a terminal
	// phase that is already False with PodFailed / PodCompleted (rule
	// P16.4: upstream's status manager forces those only over a True).
	ready = corev1.PodCondition{Type: corev1.PodReady, Status: cr.Status, Reason: cr.Reason, Message: cr.Message}
	if cr.Status == corev1.ConditionTrue {
		var msgs []string
		for _, g := range pod.Spec.ReadinessGates {
			c, ok := condition(pod.Status.Conditions, g.ConditionType)
			switch {
			case !ok:
				msgs = append(msgs, fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", string(g.ConditionType)))
			case c.Status != corev1.ConditionTrue:
				msgs = append(msgs, fmt.Sprintf("the status of pod readiness gate %q is not \"True\", but %v", string(g.ConditionType), c.Status))
			}
		}
		if len(msgs) > 0 {
			ready = corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: ReasonReadinessGatesNotReady, Message: strings.Join(msgs, ", ")}
		}
	}
	return ready, cr
}

func condition(conds []corev1.PodCondition, t corev1.PodConditionType) (corev1.PodCondition, bool) {
	for _, c := range conds {
		if c.Type == t {
			return c, true
		}
	}
	return corev1.PodCondition{}, false
}

// initializedCondition derives Initialized (rule P16.3).
func initializedCondition(pod *corev1.Pod, statuses []corev1.ContainerStatus, phase corev1.PodPhase) corev1.PodCondition {
	c := corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}
	if statuses == nil && len(pod.Spec.InitContainers) > 0 {
		c.Status, c.Reason = corev1.ConditionFalse, ReasonUnknownContainerStatuses
		return c
	}
	var unknown, incomplete []string
	for i := range pod.Spec.InitContainers {
		ic := &pod.Spec.InitContainers[i]
		st, ok := find(statuses, ic.Name)
		switch {
		case !ok:
			unknown = append(unknown, ic.Name)
		case isSidecar(ic) && (st.Started == nil || !*st.Started), !isSidecar(ic) && !st.Ready:
			incomplete = append(incomplete, ic.Name)
		}
	}
	if phase == corev1.PodSucceeded && len(unknown) == 0 {
		c.Reason = ReasonPodCompleted
		return c
	}
	if anyRegularStarted(pod, statuses) {
		return c
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with unknown status: %s", unknown))
	}
	if len(incomplete) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with incomplete status: %s", incomplete))
	}
	if len(msgs) == 0 {
		return c
	}
	// Once initialized, a pod stays initialized (RestartAllContainers on).
	if old, ok := condition(pod.Status.Conditions, corev1.PodInitialized); ok && old.Status == corev1.ConditionTrue {
		return c
	}
	c.Status, c.Reason, c.Message = corev1.ConditionFalse, ReasonContainersNotInitialized, strings.Join(msgs, ", ")
	return c
}

func anyRegularStarted(pod *corev1.Pod, statuses []corev1.ContainerStatus) bool {
	for i := range pod.Spec.Containers {
		if st, ok := find(statuses, pod.Spec.Containers[i].Name); ok && (st.State.Running != nil || st.State.Terminated != nil) {
			return true
		}
	}
	return false
}

// Endpoint is a pod's place in a Service's EndpointSlice (rule P18.2).
type Endpoint struct {
	// Included is false for pods in phase Failed or Succeeded and pods
	// without an IP; they get no endpoint.
	Included bool
	// Serving is the pod's Ready condition; Terminating is set once it has
	// a deletionTimestamp; Ready is Serving and not Terminating, or true
	// when the Service publishes not-ready addresses.
	Ready, Serving, Terminating bool
}

// EndpointOf decides a pod's endpoint in a Service that selects it (rules
// P18.2, P18.4): only the pod's Ready condition matters, so a Service
// balances only to ready pods, and a terminating pod stays listed but not
// ready. Whether the Service selects the pod, and whether its node is
// known, are the caller's.
func EndpointOf(pod *corev1.Pod, publishNotReadyAddresses bool) Endpoint {
	if pod == nil || pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded || (pod.Status.PodIP == "" && len(pod.Status.PodIPs) == 0) {
		return Endpoint{}
	}
	e := Endpoint{Included: true, Terminating: pod.DeletionTimestamp != nil}
	if c, ok := condition(pod.Status.Conditions, corev1.PodReady); ok && c.Status == corev1.ConditionTrue {
		e.Serving = true
	}
	e.Ready = publishNotReadyAddresses || (e.Serving && !e.Terminating)
	return e
}

// AddressOf decides a pod's place in a Service's legacy Endpoints object
// (rule P18.3): excluded like EndpointOf and, unless the Service publishes
// not-ready addresses, also when terminating; included pods are in
// addresses when ready (or publishing not-ready ones), else in
// notReadyAddresses.
func AddressOf(pod *corev1.Pod, publishNotReadyAddresses bool) (included, ready bool) {
	e := EndpointOf(pod, publishNotReadyAddresses)
	if !e.Included || (e.Terminating && !publishNotReadyAddresses) {
		return false, false
	}
	return true, publishNotReadyAddresses || e.Serving
}
