package printers

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/duration"
)

// DescribePod renders `kubectl describe pod` (kubectl's PodDescriber) for
// pod: name, namespace, priority, service account, node and host IP,
// start time, labels, annotations, status (or "Terminating" while it is
// being deleted), IPs, controller, its init, regular and ephemeral
// containers with their status (IDs, state and last state, ready, restart
// count), probes, environment and mounts, readiness gates, conditions,
// volumes, QoS class, node selectors, tolerations, spread constraints.
// events are the events of its namespace: with showEvents, those about
// the pod (by name, namespace and UID, whatever the kind; a mirror pod's
// by the UID of its mirror annotation) end the description, oldest first,
// their ages taken at now; without, there is no Events section.
//
// Times are written in RFC 1123 form with a numeric zone, in the location
// the times carry. An environment variable from a field shows the field's
// value only for metadata.name and metadata.namespace, as kubectl does.
//
// MODEL: as for DescribeReplicaSet, a pod with a volume type or a
// resourceFieldRef variable whose layout kubesem does not model is an
// error.
func DescribePod(pod *corev1.Pod, events []*corev1.Event, now time.Time, showEvents bool) (string, error) {
	if pod == nil {
		return "", fmt.Errorf("describe: nil Pod")
	}
	if err := describableSpec(&pod.Spec); err != nil {
		return "", fmt.Errorf("describe: pods %q: %w", pod.Name, err)
	}
	spec, st := &pod.Spec, &pod.Status
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", pod.Name)
		w.line(0, "Namespace:\t%s\n", pod.Namespace)
		if spec.Priority != nil {
			w.line(0, "Priority:\t%d\n", *spec.Priority)
		}
		if spec.PriorityClassName != "" {
			w.line(0, "Priority Class Name:\t%s\n", spec.PriorityClassName)
		}
		if spec.RuntimeClassName != nil && *spec.RuntimeClassName != "" {
			w.line(0, "Runtime Class Name:\t%s\n", *spec.RuntimeClassName)
		}
		if spec.ServiceAccountName != "" {
			w.line(0, "Service Account:\t%s\n", spec.ServiceAccountName)
		}
		if spec.NodeName == "" {
			w.line(0, "Node:\t<none>\n")
		} else {
			w.line(0, "Node:\t%s/%s\n", spec.NodeName, st.HostIP)
		}
		if st.StartTime != nil {
			w.line(0, "Start Time:\t%s\n", st.StartTime.Format(time.RFC1123Z))
		}
		w.labels("Labels", pod.Labels)
		w.annotations("Annotations", pod.Annotations)
		if pod.DeletionTimestamp != nil && st.Phase != corev1.PodFailed && st.Phase != corev1.PodSucceeded {
			w.line(0, "Status:\tTerminating (lasts %s)\n", sinceOrUnknown(pod.DeletionTimestamp.Time, now))
			var grace int64
			if pod.DeletionGracePeriodSeconds != nil {
				grace = *pod.DeletionGracePeriodSeconds
			}
			w.line(0, "Termination Grace Period:\t%ds\n", grace)
		} else {
			w.line(0, "Status:\t%s\n", st.Phase)
		}
		if st.Reason != "" {
			w.line(0, "Reason:\t%s\n", st.Reason)
		}
		if st.Message != "" {
			w.line(0, "Message:\t%s\n", st.Message)
		}
		if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			w.line(0, "SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
			if sc.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost {
				profile := ""
				if sc.SeccompProfile.LocalhostProfile != nil {
					profile = *sc.SeccompProfile.LocalhostProfile
				}
				w.line(0, "LocalhostProfile:\t%s\n", profile)
			}
		}
		w.line(0, "IP:\t%s\n", st.PodIP)
		if len(st.PodIPs) == 0 {
			w.line(0, "IPs:\t<none>\n")
		} else {
			w.line(0, "IPs:\n")
			for _, ip := range st.PodIPs {
				w.line(1, "IP:\t%s\n", ip.IP)
			}
		}
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
			w.line(0, "Controlled By:\t%s/%s\n", ref.Kind, ref.Name)
		}
		if st.NominatedNodeName != "" {
			w.line(0, "NominatedNodeName:\t%s\n", st.NominatedNodeName)
		}
		if spec.Resources != nil {
			w.line(0, "Resources:\n")
			w.resources(1, *spec.Resources)
		}
		if len(spec.InitContainers) > 0 {
			w.containers("", "Init Containers", spec.InitContainers, st.InitContainerStatuses, pod)
		}
		w.containers("", "Containers", spec.Containers, st.ContainerStatuses, pod)
		if len(spec.EphemeralContainers) > 0 {
			ephemeral := make([]corev1.Container, len(spec.EphemeralContainers))
			for i, c := range spec.EphemeralContainers {
				ephemeral[i] = corev1.Container(c.EphemeralContainerCommon)
			}
			w.containers("", "Ephemeral Containers", ephemeral, st.EphemeralContainerStatuses, pod)
		}
		if len(spec.ReadinessGates) > 0 {
			w.line(0, "Readiness Gates:\n  Type\tStatus\n")
			for _, g := range spec.ReadinessGates {
				status := "<none>"
				for _, c := range st.Conditions {
					if c.Type == g.ConditionType {
						status = string(c.Status)
						break
					}
				}
				w.line(1, "%v \t%v \n", g.ConditionType, status)
			}
		}
		if len(st.Conditions) > 0 {
			w.line(0, "Conditions:\n  Type\tStatus\n")
			for _, c := range st.Conditions {
				w.line(1, "%v \t%v \n", c.Type, c.Status)
			}
		}
		w.volumes("", spec.Volumes)
		w.line(0, "QoS Class:\t%s\n", describedQOS(pod))
		w.labels("Node-Selectors", spec.NodeSelector)
		w.tolerations("Tolerations", spec.Tolerations)
		w.spreadConstraints("", spec.TopologySpreadConstraints)
		w.schedulingGroup("", spec.SchedulingGroup)
		if showEvents {
			uid := pod.UID
			if mirror, ok := pod.Annotations[corev1.MirrorPodAnnotationKey]; ok {
				uid = types.UID(mirror)
			}
			w.events(eventsMatching(events, "", pod.Namespace, pod.Name, uid), now)
		}
	}), nil
}

// eventsMatching picks the events about the object kind/namespace/name
// with uid, as kubectl's field selector does: an empty kind or uid
// matches any.
func eventsMatching(events []*corev1.Event, kind, namespace, name string, uid types.UID) []corev1.Event {
	var out []corev1.Event
	for _, e := range events {
		if e == nil {
			continue
		}
		ref := e.InvolvedObject
		if ref.Name != name || ref.Namespace != namespace || (kind != "" && ref.Kind != kind) || (uid != "" && ref.UID != uid) {
			continue
		}
		out = append(out, *e)
	}
	return out
}

// sinceOrUnknown is the age of t at now, "<unknown>" for a zero t.
func sinceOrUnknown(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t))
}

// fieldValue is what kubectl shows of a field-reference variable: the
// pod's name or namespace, nothing for other fields (its scheme converts
// no other field label) or without a pod.
func fieldValue(pod *corev1.Pod, ref *corev1.ObjectFieldSelector) string {
	if pod == nil {
		return ""
	}
	if _, err := schema.ParseGroupVersion(ref.APIVersion); err != nil {
		return ""
	}
	switch ref.FieldPath {
	case "metadata.name":
		return pod.Name
	case "metadata.namespace":
		return pod.Namespace
	}
	return ""
}

// containerState is a container's State or Last State block.
func (w *describeWriter) containerState(title string, s corev1.ContainerState) {
	switch {
	case s.Running != nil:
		w.line(2, "%s:\tRunning\n", title)
		w.line(3, "Started:\t%v\n", s.Running.StartedAt.Format(time.RFC1123Z))
	case s.Terminated != nil && s.Waiting == nil:
		t := s.Terminated
		w.line(2, "%s:\tTerminated\n", title)
		if t.Reason != "" {
			w.line(3, "Reason:\t%s\n", t.Reason)
		}
		if t.Message != "" {
			w.line(3, "Message:\t%s\n", t.Message)
		}
		w.line(3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal > 0 {
			w.line(3, "Signal:\t%d\n", t.Signal)
		}
		w.line(3, "Started:\t%s\n", t.StartedAt.Format(time.RFC1123Z))
		w.line(3, "Finished:\t%s\n", t.FinishedAt.Format(time.RFC1123Z))
	default:
		w.line(2, "%s:\tWaiting\n", title)
		if s.Waiting != nil && s.Waiting.Reason != "" {
			w.line(3, "Reason:\t%s\n", s.Waiting.Reason)
		}
	}
}

// describedQOS is the QoS class kubectl prints: the pod's status one, or
// kubectl's own computation — per container (init containers first),
// cpu and memory requests against limits; the pod-level resources alone
// when they set a cpu, memory or hugepages quantity.
func describedQOS(pod *corev1.Pod) corev1.PodQOSClass {
	if pod.Status.QOSClass != "" {
		return pod.Status.QOSClass
	}
	if r := pod.Spec.Resources; r != nil {
		for _, list := range []corev1.ResourceList{r.Requests, r.Limits} {
			for n := range list {
				if n == corev1.ResourceCPU || n == corev1.ResourceMemory || strings.HasPrefix(string(n), corev1.ResourceHugePagesPrefix) {
					return requirementsQOS(r)
				}
			}
		}
	}
	var class corev1.PodQOSClass
	for _, cs := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range cs {
			c := requirementsQOS(&cs[i].Resources)
			switch {
			case c == corev1.PodQOSBurstable:
				return c
			case class == "":
				class = c
			case class != c:
				return corev1.PodQOSBurstable
			}
		}
	}
	if class == "" {
		return corev1.PodQOSBestEffort
	}
	return class
}

// requirementsQOS is the class of one set of requirements: BestEffort
// without any, Guaranteed when cpu and memory requests equal non-zero
// limits, else Burstable.
func requirementsQOS(r *corev1.ResourceRequirements) corev1.PodQOSClass {
	if len(r.Requests) == 0 && len(r.Limits) == 0 {
		return corev1.PodQOSBestEffort
	}
	var class corev1.PodQOSClass
	for _, n := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := r.Requests[n], r.Limits[n]
		c := corev1.PodQOSGuaranteed
		switch {
		case !req.Equal(lim):
			return corev1.PodQOSBurstable
		case req.IsZero():
			c = corev1.PodQOSBestEffort
		}
		if class == "" {
			class = c
		} else if class != c {
			return corev1.PodQOSBurstable
		}
	}
	return class
}
