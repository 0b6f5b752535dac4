package printers

import (
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kubesem/kubesem/selector"
)

// DescribeReplicaSet renders `kubectl describe rs` (kubectl's
// ReplicaSetDescriber) for rs. pods are the pods of its namespace (the
// "Pods Status" line counts, by phase, those rs selects and controls);
// events are the events of its namespace: with showEvents, those about
// rs (by kind, name and UID) are listed oldest first by lastTimestamp,
// their ages taken at now; without, there is no Events section (kubectl
// --show-events=false, and kubectl's choice when it describes several
// objects).
//
// MODEL: the pod template is described as kubectl does for the volume
// types emptyDir, hostPath, configMap, secret, persistentVolumeClaim and
// projected and for environment variables with a value, a field, secret
// or config map reference; a template with another volume type or a
// resourceFieldRef variable is an error (their kubectl layouts are not
// modelled).
func DescribeReplicaSet(rs *appsv1.ReplicaSet, pods []*corev1.Pod, events []*corev1.Event, now time.Time, showEvents bool) (string, error) {
	if rs == nil {
		return "", fmt.Errorf("describe: nil ReplicaSet")
	}
	sel, err := selector.FromLabelSelector(rs.Spec.Selector)
	if err != nil {
		return "", err
	}
	if err := describable(&rs.Spec.Template); err != nil {
		return "", fmt.Errorf("describe: replicasets %q: %w", rs.Name, err)
	}
	var running, waiting, succeeded, failed int
	for _, p := range pods {
		if p == nil || p.Namespace != rs.Namespace || !sel.Matches(p.Labels) {
			continue
		}
		if ref := metav1.GetControllerOfNoCopy(p); ref == nil || ref.UID != rs.UID {
			continue
		}
		switch p.Status.Phase {
		case corev1.PodRunning:
			running++
		case corev1.PodPending:
			waiting++
		case corev1.PodSucceeded:
			succeeded++
		case corev1.PodFailed:
			failed++
		}
	}
	replicas := int32(1)
	if rs.Spec.Replicas != nil {
		replicas = *rs.Spec.Replicas
	}
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", rs.Name)
		w.line(0, "Namespace:\t%s\n", rs.Namespace)
		w.line(0, "Selector:\t%s\n", metav1.FormatLabelSelector(rs.Spec.Selector))
		w.labels("Labels", rs.Labels)
		w.annotations("Annotations", rs.Annotations)
		if ref := metav1.GetControllerOfNoCopy(rs); ref != nil {
			w.line(0, "Controlled By:\t%s/%s\n", ref.Kind, ref.Name)
		}
		w.line(0, "Replicas:\t%d current / %d desired\n", rs.Status.Replicas, replicas)
		w.line(0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", running, waiting, succeeded, failed)
		w.podTemplate(&rs.Spec.Template)
		if len(rs.Status.Conditions) > 0 {
			w.line(0, "Conditions:\n  Type\tStatus\tReason\n")
			w.line(1, "----\t------\t------\n")
			for _, c := range rs.Status.Conditions {
				w.line(1, "%v \t%v\t%v\n", c.Type, c.Status, c.Reason)
			}
		}
		if showEvents {
			w.events(eventsAbout(events, "ReplicaSet", rs), now)
		}
	}), nil
}

// eventsAbout picks the events whose involved object is o of kind.
func eventsAbout(events []*corev1.Event, kind string, o metav1.Object) []corev1.Event {
	var out []corev1.Event
	for _, e := range events {
		if e == nil {
			continue
		}
		ref := e.InvolvedObject
		if ref.Kind == kind && ref.Namespace == o.GetNamespace() && ref.Name == o.GetName() && (ref.UID == "" || ref.UID == o.GetUID()) {
			out = append(out, *e)
		}
	}
	return out
}

// describable refuses the templates whose description kubesem does not
// model (see DescribeReplicaSet).
func describable(t *corev1.PodTemplateSpec) error {
	return describableSpec(&t.Spec)
}

// describableSpec refuses the pod specs whose description kubesem does
// not model: other volume types, resourceFieldRef variables.
func describableSpec(spec *corev1.PodSpec) error {
	ephemeral := make([]corev1.Container, len(spec.EphemeralContainers))
	for i, c := range spec.EphemeralContainers {
		ephemeral[i] = corev1.Container(c.EphemeralContainerCommon)
	}
	for _, v := range spec.Volumes {
		s := v.VolumeSource
		if s.EmptyDir == nil && s.HostPath == nil && s.ConfigMap == nil && s.Secret == nil && s.PersistentVolumeClaim == nil && s.Projected == nil {
			return fmt.Errorf("volume %q: describing this volume type is not modelled", v.Name)
		}
	}
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers, ephemeral} {
		for _, c := range cs {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.ResourceFieldRef != nil {
					return fmt.Errorf("container %q: describing variable %q (a resourceFieldRef) is not modelled", c.Name, e.Name)
				}
			}
		}
	}
	return nil
}

// describeWriter is kubectl's describe layout: lines indented two spaces
// per level into a tabwriter (minimum width 0, tab width 8, padding 2),
// terminal escapes made visible.
type describeWriter struct {
	tw io.Writer // a tabwriter, or a bare writer (DescribePodTemplate)
}

var describeEscaper = strings.NewReplacer("\x1b", "^[", "\r", `\r`)

func describing(f func(w *describeWriter)) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	f(&describeWriter{tw: tw})
	_ = tw.Flush()
	return b.String()
}

func (w *describeWriter) line(level int, format string, args ...any) {
	s := strings.Repeat("  ", level) + fmt.Sprintf(format, args...)
	_, _ = io.WriteString(w.tw, describeEscaper.Replace(s))
}

// labels writes "title:<tab>k=v" lines in key order, "<none>" for none;
// the lines after the first start with the tab alone, whatever the
// title's indent (as kubectl's do).
func (w *describeWriter) labels(title string, m map[string]string) {
	w.line(0, "%s:\t", title)
	if len(m) == 0 {
		w.line(0, "<none>\n")
		return
	}
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			w.line(0, "\t")
		}
		w.line(0, "%s=%s\n", k, m[k])
	}
}

// maxAnnotationLen is where kubectl folds an annotation onto lines of its
// own.
const maxAnnotationLen = 140

func (w *describeWriter) annotations(title string, m map[string]string) {
	w.line(0, "%s:\t", title)
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != corev1.LastAppliedConfigAnnotation {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		w.line(0, "<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			w.line(0, "\t")
		}
		v := strings.TrimSuffix(m[k], "\n")
		if len(k)+len(v)+2 <= maxAnnotationLen && !strings.Contains(v, "\n") {
			w.line(0, "%s: %s\n", k, v)
			continue
		}
		w.line(0, "%s:\n", k)
		for _, part := range strings.Split(v, "\n") {
			if len(part) > maxAnnotationLen-2 {
				part = part[:maxAnnotationLen-2] + "..."
			}
			w.line(0, "\t  %s\n", part)
		}
	}
}

func (w *describeWriter) podTemplate(t *corev1.PodTemplateSpec) {
	w.line(0, "Pod Template:\n")
	w.labels("  Labels", t.Labels)
	if len(t.Annotations) > 0 {
		w.annotations("  Annotations", t.Annotations)
	}
	spec := &t.Spec
	if spec.ServiceAccountName != "" {
		w.line(1, "Service Account:\t%s\n", spec.ServiceAccountName)
	}
	if len(spec.InitContainers) > 0 {
		w.containers("  ", "Init Containers", spec.InitContainers, nil, nil)
	}
	w.containers("  ", "Containers", spec.Containers, nil, nil)
	w.volumes("  ", spec.Volumes)
	w.spreadConstraints("  ", spec.TopologySpreadConstraints)
	if spec.PriorityClassName != "" {
		w.line(1, "Priority Class Name:\t%s\n", spec.PriorityClassName)
	}
	w.labels("  Node-Selectors", spec.NodeSelector)
	w.tolerations("  Tolerations", spec.Tolerations)
	w.schedulingGroup("  ", spec.SchedulingGroup)
}

// schedulingGroup is the SchedulingGroup section, title indented by space.
func (w *describeWriter) schedulingGroup(space string, g *corev1.PodSchedulingGroup) {
	if g == nil {
		return
	}
	w.line(0, "%sSchedulingGroup:\n", space)
	name := ""
	if g.PodGroupName != nil {
		name = *g.PodGroupName
	}
	w.line(1, "PodGroupName:\t%s\n", name)
}

// nameIndent is the extra space before a container's or volume's name in
// a template (whose titles are indented by space), none in a pod.
func nameIndent(space string) string {
	if space == "" {
		return ""
	}
	return " "
}

// containers is a Containers section, its title indented by space: a
// template's (pod nil, no statuses) or a pod's, whose containers with a
// status (by name) show their IDs and state, and whose field references
// are resolved against pod.
func (w *describeWriter) containers(space, title string, cs []corev1.Container, statuses []corev1.ContainerStatus, pod *corev1.Pod) {
	if len(cs) == 0 {
		w.line(0, "%s%s: <none>\n", space, title)
	} else {
		w.line(0, "%s%s:\n", space, title)
	}
	byName := map[string]corev1.ContainerStatus{}
	for _, st := range statuses {
		byName[st.Name] = st
	}
	for _, c := range cs {
		st, ok := byName[c.Name]
		w.line(1, "%s%s:\n", nameIndent(space), c.Name)
		if ok {
			w.line(2, "Container ID:\t%s\n", st.ContainerID)
		}
		w.line(2, "Image:\t%s\n", c.Image)
		if ok {
			w.line(2, "Image ID:\t%s\n", st.ImageID)
		}
		ports, hostPorts := portList(c.Ports, false), portList(c.Ports, true)
		w.portLine("Port", ports)
		w.portLine("Host Port", hostPorts)
		if sc := c.SecurityContext; sc != nil {
			w.seccomp(2, sc.SeccompProfile)
		}
		w.commandLines("Command", c.Command)
		w.commandLines("Args", c.Args)
		if ok {
			w.containerState("State", st.State)
			if st.LastTerminationState.Terminated != nil {
				w.containerState("Last State", st.LastTerminationState)
			}
			ready := "False"
			if st.Ready {
				ready = "True"
			}
			w.line(2, "Ready:\t%s\n", ready)
			w.line(2, "Restart Count:\t%d\n", st.RestartCount)
		}
		w.resources(2, c.Resources)
		for _, p := range []struct {
			title string
			probe *corev1.Probe
		}{{"Liveness", c.LivenessProbe}, {"Readiness", c.ReadinessProbe}, {"Startup", c.StartupProbe}} {
			if p.probe != nil {
				w.line(2, "%s:\t%s\n", p.title, describeProbe(p.probe))
			}
		}
		if len(c.EnvFrom) > 0 {
			w.envFrom(c.EnvFrom)
		}
		w.env(c.Env, pod)
		w.mounts(c)
	}
}

// portList is "80/TCP (http), 443/TCP" of the container or host ports.
func portList(ports []corev1.ContainerPort, host bool) string {
	parts := make([]string, len(ports))
	for i, p := range ports {
		n := p.ContainerPort
		if host {
			n = p.HostPort
		}
		parts[i] = fmt.Sprintf("%d/%s", n, p.Protocol)
		if p.Name != "" {
			parts[i] += " (" + p.Name + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// portLine is "Port:" for none or one, "Ports:" when the list has a comma.
func (w *describeWriter) portLine(title, list string) {
	switch {
	case strings.Contains(list, ","):
		w.line(2, "%ss:\t%s\n", title, list)
	case list == "":
		w.line(2, "%s:\t<none>\n", title)
	default:
		w.line(2, "%s:\t%s\n", title, list)
	}
}

func (w *describeWriter) commandLines(title string, parts []string) {
	if len(parts) == 0 {
		return
	}
	w.line(2, "%s:\n", title)
	for _, p := range parts {
		for _, s := range strings.Split(p, "\n") {
			w.line(3, "%s\n", s)
		}
	}
}

func (w *describeWriter) resources(level int, r corev1.ResourceRequirements) {
	for _, part := range []struct {
		title string
		list  corev1.ResourceList
	}{{"Limits", r.Limits}, {"Requests", r.Requests}} {
		if len(part.list) == 0 {
			continue
		}
		w.line(level, "%s:\n", part.title)
		names := make([]string, 0, len(part.list))
		for n := range part.list {
			names = append(names, string(n))
		}
		slices.Sort(names)
		for _, n := range names {
			q := part.list[corev1.ResourceName(n)]
			w.line(level+1, "%s:\t%s\n", n, q.String())
		}
	}
}

// describeProbe is kubectl's one-line probe: handler, then delay,
// timeout, period and thresholds.
func describeProbe(p *corev1.Probe) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds successThreshold=%d failureThreshold=%d",
		p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold)
	switch {
	case p.Exec != nil:
		return fmt.Sprintf("exec %v %s", p.Exec.Command, attrs)
	case p.HTTPGet != nil:
		u := url.URL{Scheme: strings.ToLower(string(p.HTTPGet.Scheme)), Host: p.HTTPGet.Host, Path: p.HTTPGet.Path}
		if port := p.HTTPGet.Port.String(); port != "" {
			u.Host = net.JoinHostPort(p.HTTPGet.Host, port)
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case p.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", p.TCPSocket.Host, p.TCPSocket.Port.String(), attrs)
	case p.GRPC != nil:
		service := ""
		if p.GRPC.Service != nil {
			service = *p.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.GRPC.Port, service, attrs)
	}
	return "unknown " + attrs
}

func (w *describeWriter) envFrom(sources []corev1.EnvFromSource) {
	w.line(2, "Environment Variables from:\n")
	for _, e := range sources {
		var from, name string
		var optional *bool
		switch {
		case e.ConfigMapRef != nil:
			from, name, optional = "ConfigMap", e.ConfigMapRef.Name, e.ConfigMapRef.Optional
		case e.SecretRef != nil:
			from, name, optional = "Secret", e.SecretRef.Name, e.SecretRef.Optional
		}
		opt := optional != nil && *optional
		if e.Prefix == "" {
			w.line(3, "%s\t%s\tOptional: %t\n", name, from, opt)
		} else {
			w.line(3, "%s\t%s with prefix '%s'\tOptional: %t\n", name, from, e.Prefix, opt)
		}
	}
}

// env is the Environment section; a field reference shows its value when
// pod is given (kubectl resolves only metadata.name and
// metadata.namespace), nothing before it in a template.
func (w *describeWriter) env(vars []corev1.EnvVar, pod *corev1.Pod) {
	if len(vars) == 0 {
		w.line(2, "Environment:\t<none>\n")
		return
	}
	w.line(2, "Environment:\n")
	for _, e := range vars {
		switch from := e.ValueFrom; {
		case from == nil:
			for i, s := range strings.Split(e.Value, "\n") {
				if i == 0 {
					w.line(3, "%s:\t%s\n", e.Name, s)
				} else {
					w.line(3, "\t%s\n", s)
				}
			}
		case from.FieldRef != nil:
			w.line(3, "%s:\t%s (%s:%s)\n", e.Name, fieldValue(pod, from.FieldRef), from.FieldRef.APIVersion, from.FieldRef.FieldPath)
		case from.SecretKeyRef != nil:
			opt := from.SecretKeyRef.Optional != nil && *from.SecretKeyRef.Optional
			w.line(3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", e.Name, from.SecretKeyRef.Key, from.SecretKeyRef.Name, opt)
		case from.ConfigMapKeyRef != nil:
			opt := from.ConfigMapKeyRef.Optional != nil && *from.ConfigMapKeyRef.Optional
			w.line(3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", e.Name, from.ConfigMapKeyRef.Key, from.ConfigMapKeyRef.Name, opt)
		}
	}
}

func (w *describeWriter) mounts(c corev1.Container) {
	if len(c.VolumeMounts) == 0 {
		w.line(2, "Mounts:\t<none>\n")
	} else {
		w.line(2, "Mounts:\n")
	}
	mounts := slices.Clone(c.VolumeMounts)
	sort.Slice(mounts, func(i, j int) bool { return mounts[i].MountPath < mounts[j].MountPath })
	for _, m := range mounts {
		flags := []string{"rw"}
		if m.ReadOnly {
			flags[0] = "ro"
		}
		if m.SubPath != "" {
			flags = append(flags, fmt.Sprintf("path=%q", m.SubPath))
		}
		w.line(3, "%s from %s (%s)\n", m.MountPath, m.Name, strings.Join(flags, ","))
	}
	if len(c.VolumeDevices) > 0 {
		none := ""
		if len(c.VolumeMounts) == 0 {
			none = "\t<none>" // kubectl reuses the mounts' marker here
		}
		w.line(2, "Devices:%s\n", none)
		devices := slices.Clone(c.VolumeDevices)
		sort.Slice(devices, func(i, j int) bool { return devices[i].DevicePath < devices[j].DevicePath })
		for _, d := range devices {
			w.line(3, "%s from %s\n", d.DevicePath, d.Name)
		}
	}
}

func (w *describeWriter) volumes(space string, vols []corev1.Volume) {
	if len(vols) == 0 {
		w.line(0, "%sVolumes:\t<none>\n", space)
		return
	}
	w.line(0, "%sVolumes:\n", space)
	optional := func(b *bool) bool { return b != nil && *b }
	for _, v := range vols {
		w.line(1, "%s%s:\n", nameIndent(space), v.Name)
		s := v.VolumeSource
		switch {
		case s.HostPath != nil:
			typ := "<none>"
			if s.HostPath.Type != nil {
				typ = string(*s.HostPath.Type)
			}
			w.line(2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%v\n    HostPathType:\t%v\n", s.HostPath.Path, typ)
		case s.EmptyDir != nil:
			limit := "<unset>"
			if l := s.EmptyDir.SizeLimit; l != nil && l.Cmp(resource.Quantity{}) > 0 {
				limit = l.String()
			}
			w.line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t%v\n    SizeLimit:\t%v\n", s.EmptyDir.Medium, limit)
		case s.Secret != nil:
			w.line(2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%v\n    Optional:\t%v\n", s.Secret.SecretName, optional(s.Secret.Optional))
		case s.ConfigMap != nil:
			w.line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%v\n    Optional:\t%v\n", s.ConfigMap.Name, optional(s.ConfigMap.Optional))
		case s.PersistentVolumeClaim != nil:
			w.line(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t%v\n    ReadOnly:\t%v\n", s.PersistentVolumeClaim.ClaimName, s.PersistentVolumeClaim.ReadOnly)
		case s.Projected != nil:
			w.line(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
			for _, src := range s.Projected.Sources {
				switch {
				case src.Secret != nil:
					w.line(2, "SecretName:\t%v\n    Optional:\t%v\n", src.Secret.Name, optional(src.Secret.Optional))
				case src.DownwardAPI != nil:
					w.line(2, "DownwardAPI:\ttrue\n")
				case src.ConfigMap != nil:
					w.line(2, "ConfigMapName:\t%v\n    Optional:\t%v\n", src.ConfigMap.Name, optional(src.ConfigMap.Optional))
				case src.ServiceAccountToken != nil:
					var secs int64
					if src.ServiceAccountToken.ExpirationSeconds != nil {
						secs = *src.ServiceAccountToken.ExpirationSeconds
					}
					w.line(2, "TokenExpirationSeconds:\t%d\n", secs)
				}
			}
		}
	}
}

func (w *describeWriter) spreadConstraints(space string, cs []corev1.TopologySpreadConstraint) {
	if len(cs) == 0 {
		return
	}
	cs = slices.Clone(cs)
	sort.Slice(cs, func(i, j int) bool { return cs[i].TopologyKey < cs[j].TopologyKey })
	w.line(0, "%sTopology Spread Constraints:\t", space)
	for i, c := range cs {
		if i > 0 {
			w.line(0, "%s\t", space)
		}
		w.line(0, "%s:%v when max skew %d is exceeded", c.TopologyKey, c.WhenUnsatisfiable, c.MaxSkew)
		if c.LabelSelector != nil {
			w.line(0, " for selector %s", metav1.FormatLabelSelector(c.LabelSelector))
		}
		w.line(0, "\n")
	}
}

func (w *describeWriter) tolerations(title string, ts []corev1.Toleration) {
	w.line(0, "%s:\t", title)
	if len(ts) == 0 {
		w.line(0, "<none>\n")
		return
	}
	ts = slices.Clone(ts)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Key < ts[j].Key })
	for i, t := range ts {
		if i > 0 {
			w.line(0, "\t")
		}
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		if t.Effect != "" {
			s += ":" + string(t.Effect)
		}
		if t.Operator == corev1.TolerationOpExists && t.Value == "" {
			if t.Key != "" || t.Effect != "" {
				s += " op=Exists"
			} else {
				s += "op=Exists"
			}
		}
		if t.TolerationSeconds != nil {
			s += fmt.Sprintf(" for %ds", *t.TolerationSeconds)
		}
		w.line(0, "%s\n", s)
	}
}

// events is kubectl's Events section: its own column block (the
// tabwriter is flushed first), oldest first by lastTimestamp, each age
// with its repeat count, the source component, the field path before the
// message.
func (w *describeWriter) events(evs []corev1.Event, now time.Time) {
	if len(evs) == 0 {
		w.line(0, "Events:\t<none>\n")
		return
	}
	if tw, ok := w.tw.(*tabwriter.Writer); ok {
		_ = tw.Flush()
	}
	// sort.Sort, not a stable sort: equal times keep kubectl's order.
	sort.Sort(byLastTimestamp(evs))
	w.line(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
	w.line(1, "----\t------\t----\t----\t-------\n")
	since := func(t time.Time) string {
		if t.IsZero() {
			return "<unknown>"
		}
		return duration.HumanDuration(now.Sub(t))
	}
	for _, e := range evs {
		first := since(e.EventTime.Time)
		if e.EventTime.IsZero() {
			first = since(e.FirstTimestamp.Time)
		}
		age := first
		switch {
		case e.Series != nil:
			age = fmt.Sprintf("%s (x%d over %s)", since(e.Series.LastObservedTime.Time), e.Series.Count, first)
		case e.Count > 1:
			age = fmt.Sprintf("%s (x%d over %s)", since(e.LastTimestamp.Time), e.Count, first)
		}
		source := e.Source.Component
		if source == "" {
			source = e.ReportingController
		}
		msg := strings.TrimSpace(e.Message)
		if e.InvolvedObject.FieldPath != "" {
			msg = e.InvolvedObject.FieldPath + ": " + msg
		}
		w.line(1, "%v\t%v\t%s\t%v\t%v\n", e.Type, e.Reason, age, source, msg)
	}
}

type byLastTimestamp []corev1.Event

func (s byLastTimestamp) Len() int           { return len(s) }
func (s byLastTimestamp) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
func (s byLastTimestamp) Less(i, j int) bool { return s[i].LastTimestamp.Before(&s[j].LastTimestamp) }

// seccomp writes a seccomp profile's lines at level (nothing for nil):
// its type and, for a Localhost one, the profile.
func (w *describeWriter) seccomp(level int, p *corev1.SeccompProfile) {
	if p == nil {
		return
	}
	w.line(level, "SeccompProfile:\t%s\n", p.Type)
	if p.Type == corev1.SeccompProfileTypeLocalhost {
		profile := ""
		if p.LocalhostProfile != nil {
			profile = *p.LocalhostProfile
		}
		w.line(level+1, "LocalhostProfile:\t%s\n", profile)
	}
}
