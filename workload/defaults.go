package workload

import (
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/probe"
)

// DefaultReplicaSet returns a copy of rs with the apiserver's defaults
// (SetDefaults_ReplicaSet and the pod template's defaults): replicas 1, and
// the template as DefaultPodTemplate leaves it.
func DefaultReplicaSet(rs *appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if rs == nil {
		return nil
	}
	out := rs.DeepCopy()
	if out.Spec.Replicas == nil {
		out.Spec.Replicas = ptr(int32(1))
	}
	defaultPodTemplate(&out.Spec.Template)
	return out
}

// DefaultReplicationController returns a copy of rc with the apiserver's
// defaults (RS-1.3): when the template has labels, an empty selector and
// empty RC labels are copied from them; replicas 1; the template as
// DefaultPodTemplate leaves it.
func DefaultReplicationController(rc *corev1.ReplicationController) *corev1.ReplicationController {
	if rc == nil {
		return nil
	}
	out := rc.DeepCopy()
	if t := out.Spec.Template; t != nil && t.Labels != nil {
		if len(out.Spec.Selector) == 0 {
			out.Spec.Selector = copyMap(t.Labels)
		}
		if len(out.Labels) == 0 {
			out.Labels = copyMap(t.Labels)
		}
	}
	if out.Spec.Replicas == nil {
		out.Spec.Replicas = ptr(int32(1))
	}
	if out.Spec.Template != nil {
		defaultPodTemplate(out.Spec.Template)
	}
	return out
}

// DefaultPodTemplate returns a copy of a pod template with the defaults
// the apiserver stores (pkg/apis/core/v1 SetDefaults_PodSpec,
// SetDefaults_Container, SetDefaults_Volume and the generated defaulters):
// restartPolicy Always, dnsPolicy ClusterFirst, an empty securityContext,
// terminationGracePeriodSeconds 30, schedulerName default-scheduler;
// per container (init, app and ephemeral) imagePullPolicy (Always for a :latest or untagged image,
// else IfNotPresent), terminationMessagePath /dev/termination-log and
// policy File, port protocol TCP, probe defaults, env fieldRef apiVersion
// v1, resource quantities rounded up to milli-units; a volume without a
// source becomes an emptyDir, and secret, configMap, downwardAPI and
// projected volumes get mode 0644 (hostPath type "", token expiry 3600 s).
//
// Not modelled: the defaults of the rarely used iSCSI, RBD, AzureDisk,
// ScaleIO and ephemeral-PVC volume sources.
func DefaultPodTemplate(t *corev1.PodTemplateSpec) *corev1.PodTemplateSpec {
	if t == nil {
		return nil
	}
	out := t.DeepCopy()
	defaultPodTemplate(out)
	return out
}

func defaultPodTemplate(t *corev1.PodTemplateSpec) {
	s := &t.Spec
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = s.DeprecatedServiceAccount
	}
	s.DeprecatedServiceAccount = s.ServiceAccountName
	if s.DNSPolicy == "" {
		s.DNSPolicy = corev1.DNSClusterFirst
	}
	if s.RestartPolicy == "" {
		s.RestartPolicy = corev1.RestartPolicyAlways
	}
	if s.SecurityContext == nil {
		s.SecurityContext = &corev1.PodSecurityContext{}
	}
	if s.TerminationGracePeriodSeconds == nil {
		s.TerminationGracePeriodSeconds = ptr(int64(corev1.DefaultTerminationGracePeriodSeconds))
	}
	if s.SchedulerName == "" {
		s.SchedulerName = corev1.DefaultSchedulerName
	}
	for i := range s.Volumes {
		defaultVolume(&s.Volumes[i])
	}
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			defaultContainer(&cs[i])
		}
	}
	for i := range s.EphemeralContainers {
		defaultContainer((*corev1.Container)(&s.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

func defaultVolume(v *corev1.Volume) {
	src := &v.VolumeSource
	if *src == (corev1.VolumeSource{}) {
		src.EmptyDir = &corev1.EmptyDirVolumeSource{}
	}
	mode := func(m **int32, v int32) {
		if *m == nil {
			*m = ptr(v)
		}
	}
	if src.HostPath != nil && src.HostPath.Type == nil {
		src.HostPath.Type = ptr(corev1.HostPathUnset)
	}
	if src.Secret != nil {
		mode(&src.Secret.DefaultMode, corev1.SecretVolumeSourceDefaultMode)
	}
	if src.ConfigMap != nil {
		mode(&src.ConfigMap.DefaultMode, corev1.ConfigMapVolumeSourceDefaultMode)
	}
	if src.DownwardAPI != nil {
		mode(&src.DownwardAPI.DefaultMode, corev1.DownwardAPIVolumeSourceDefaultMode)
		for j := range src.DownwardAPI.Items {
			defaultFieldRef(src.DownwardAPI.Items[j].FieldRef)
		}
	}
	if src.Projected != nil {
		mode(&src.Projected.DefaultMode, corev1.ProjectedVolumeSourceDefaultMode)
		for j := range src.Projected.Sources {
			ps := &src.Projected.Sources[j]
			if ps.DownwardAPI != nil {
				for k := range ps.DownwardAPI.Items {
					defaultFieldRef(ps.DownwardAPI.Items[k].FieldRef)
				}
			}
			if ps.ServiceAccountToken != nil && ps.ServiceAccountToken.ExpirationSeconds == nil {
				ps.ServiceAccountToken.ExpirationSeconds = ptr(int64(3600))
			}
		}
	}
}

func defaultFieldRef(f *corev1.ObjectFieldSelector) {
	if f != nil && f.APIVersion == "" {
		f.APIVersion = "v1"
	}
}

func defaultContainer(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = corev1.PullIfNotPresent
		if imageTag(c.Image) == "latest" {
			c.ImagePullPolicy = corev1.PullAlways
		}
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	for j := range c.Ports {
		if c.Ports[j].Protocol == "" {
			c.Ports[j].Protocol = corev1.ProtocolTCP
		}
	}
	for j := range c.Env {
		if vf := c.Env[j].ValueFrom; vf != nil {
			defaultFieldRef(vf.FieldRef)
			if vf.FileKeyRef != nil && vf.FileKeyRef.Optional == nil {
				vf.FileKeyRef.Optional = ptr(false)
			}
		}
	}
	for _, rl := range []corev1.ResourceList{c.Resources.Limits, c.Resources.Requests} {
		for k, v := range rl {
			v.RoundUp(-3)
			rl[k] = v
		}
	}
	for _, p := range []**corev1.Probe{&c.LivenessProbe, &c.ReadinessProbe, &c.StartupProbe} {
		if *p == nil {
			continue
		}
		*p = probe.Default(*p)
		if g := (*p).GRPC; g != nil && g.Service == nil {
			g.Service = ptr("")
		}
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []*corev1.LifecycleHandler{l.PostStart, l.PreStop} {
			if h != nil && h.HTTPGet != nil {
				if h.HTTPGet.Path == "" {
					h.HTTPGet.Path = "/"
				}
				if h.HTTPGet.Scheme == "" {
					h.HTTPGet.Scheme = corev1.URISchemeHTTP
				}
			}
		}
	}
}

// imageTag is the tag of an image reference as the kubelet's parser
// (the distribution reference grammar, normalized as Docker does) reads
// it: "latest" when there is neither a tag nor a digest, "" with only a
// digest, and "" when the reference does not parse (upstream ignores the
// error and sees no tag): surrounding whitespace, an upper-case
// repository path, a name over 255 characters once normalized, a digest
// that is not sha256, sha384 or sha512 of the right length, a 64-digit
// hex string as the whole name.
func imageTag(image string) string {
	if fullHex.MatchString(image) {
		return ""
	}
	m := imageReference.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	name, tag, digest := m[1], m[2], m[3]
	domain, remainder := "docker.io", name
	if i := strings.IndexByte(name, '/'); i >= 0 && (strings.ContainsAny(name[:i], ".:") || name[:i] == "localhost" || strings.ToLower(name[:i]) != name[:i]) {
		domain, remainder = name[:i], name[i+1:]
	}
	if strings.ToLower(remainder) != remainder {
		return ""
	}
	if domain == "docker.io" && !strings.Contains(remainder, "/") {
		remainder = "library/" + remainder
	}
	if len(domain)+1+len(remainder) > 255 {
		return ""
	}
	if digest != "" {
		alg, hex, _ := strings.Cut(digest, ":")
		want := map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}[alg]
		if want == 0 || len(hex) != want || strings.ToLower(hex) != hex {
			return ""
		}
	}
	if tag == "" && digest == "" {
		return "latest"
	}
	return tag
}

var (
	fullHex = regexp.MustCompile(`^[a-f0-9]{64}$`)
	// imageReference is name[:tag][@digest], written from the reference
	// grammar: an optional domain (DNS labels or a bracketed IPv6
	// address, with a port), then lower-case path components.
	imageReference = regexp.MustCompile(`^(` +
		`(?:(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?` +
		`[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*)*` +
		`)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`)
)

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// DefaultPod returns a copy of a pod with the defaults the apiserver
// stores for every pod created, a controller's included: the pod-spec
// defaults of DefaultPodTemplate, then those only a Pod gets
// (SetDefaults_Pod): a negative terminationGracePeriodSeconds becomes 1;
// a container's (and init container's) limits are its requests where it
// has none; enableServiceLinks is true unless set; with hostNetwork a
// container port's hostPort is its containerPort unless set.
func DefaultPod(p *corev1.Pod) *corev1.Pod {
	if p == nil {
		return nil
	}
	out := p.DeepCopy()
	t := &corev1.PodTemplateSpec{Spec: out.Spec}
	defaultPodTemplate(t)
	out.Spec = t.Spec
	s := &out.Spec
	if g := s.TerminationGracePeriodSeconds; g != nil && *g < 0 {
		s.TerminationGracePeriodSeconds = ptr(int64(1))
	}
	for _, list := range [][]corev1.Container{s.Containers, s.InitContainers} {
		for i := range list {
			r := &list[i].Resources
			if r.Limits == nil {
				continue
			}
			if r.Requests == nil {
				r.Requests = corev1.ResourceList{}
			}
			for name, q := range r.Limits {
				if _, ok := r.Requests[name]; !ok {
					r.Requests[name] = q.DeepCopy()
				}
			}
		}
		if s.HostNetwork {
			for i := range list {
				for j := range list[i].Ports {
					if pt := &list[i].Ports[j]; pt.HostPort == 0 {
						pt.HostPort = pt.ContainerPort
					}
				}
			}
		}
	}
	if s.EnableServiceLinks == nil {
		s.EnableServiceLinks = ptr(corev1.DefaultEnableServiceLinks)
	}
	return out
}
