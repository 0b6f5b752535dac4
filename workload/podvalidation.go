package workload

import (
	"fmt"
	"math"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/probe"
)

// This file is the pod-spec part of the apiserver's validation
// (pkg/apis/core/validation: ValidatePodSpec and the functions it calls),
// for the rules listed under rule 11 of the package doc. The options are
// those a v1.37.2 apiserver uses by default for a new object: relaxed
// environment variable names, EnvFiles, container restart rules with
// RestartAllContainers, resize policies allowed on sidecars.

// podSpecContext says where a pod spec is validated: in a Pod (hostPort
// must then equal containerPort with hostNetwork) or in a template.
type podSpecContext struct {
	isPod bool
}

// validatePodSpec checks the modelled rules of a pod spec, in upstream's
// order.
func validatePodSpec(spec *corev1.PodSpec, fldPath *field.Path, ctx podSpecContext) field.ErrorList {
	var errs field.ErrorList
	if spec.TerminationGracePeriodSeconds == nil {
		errs = append(errs, field.Required(fldPath.Child("terminationGracePeriodSeconds"), ""))
	}
	vols, volErrs := validateVolumes(spec.Volumes, fldPath.Child("volumes"))
	errs = append(errs, volErrs...)
	errs = append(errs, validateContainers(spec.Containers, vols, spec.RestartPolicy, fldPath.Child("containers"))...)
	errs = append(errs, validateInitContainers(spec.InitContainers, spec.Containers, vols, spec.RestartPolicy, fldPath.Child("initContainers"))...)
	errs = append(errs, validateEphemeralContainers(spec.EphemeralContainers, spec.Containers, spec.InitContainers, vols, spec.RestartPolicy, fldPath.Child("ephemeralContainers"))...)
	if spec.HostNetwork {
		for i, c := range spec.Containers {
			for j, port := range c.Ports {
				if (ctx.isPod || port.HostPort != 0) && port.HostPort != port.ContainerPort {
					errs = append(errs, field.Invalid(fldPath.Child("containers").Index(i).Child("ports").Index(j).Child("hostPort"),
						port.HostPort, "must match `containerPort` when `hostNetwork` is true"))
				}
			}
		}
	}
	errs = append(errs, validatePodRestartPolicy(spec.RestartPolicy, fldPath.Child("restartPolicy"))...)
	switch spec.DNSPolicy {
	case corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone:
	case "":
		errs = append(errs, field.Required(fldPath.Child("dnsPolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(fldPath.Child("dnsPolicy"), spec.DNSPolicy,
			[]corev1.DNSPolicy{corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone}))
	}
	errs = append(errs, labels.Validate(spec.NodeSelector, fldPath.Child("nodeSelector"))...)
	if spec.ServiceAccountName != "" {
		for _, msg := range apivalidation.ValidateServiceAccountName(spec.ServiceAccountName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("serviceAccountName"), spec.ServiceAccountName, msg))
		}
	}
	if spec.NodeName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.NodeName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("nodeName"), spec.NodeName, msg))
		}
	}
	if d := spec.ActiveDeadlineSeconds; d != nil && (*d < 1 || *d > math.MaxInt32) {
		errs = append(errs, field.Invalid(fldPath.Child("activeDeadlineSeconds"), *d, validation.InclusiveRangeError(1, math.MaxInt32)))
	}
	if spec.Hostname != "" {
		errs = append(errs, dns1123Label(spec.Hostname, fldPath.Child("hostname"))...)
	}
	if spec.Subdomain != "" {
		errs = append(errs, dns1123Label(spec.Subdomain, fldPath.Child("subdomain"))...)
	}
	if spec.PriorityClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.PriorityClassName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("priorityClassName"), spec.PriorityClassName, msg))
		}
	}
	return errs
}

func dns1123Label(v string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(v) {
		errs = append(errs, field.Invalid(fldPath, v, msg))
	}
	return errs
}

var podRestartPolicies = []corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}

func validatePodRestartPolicy(p corev1.RestartPolicy, fldPath *field.Path) field.ErrorList {
	switch p {
	case corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
		return nil
	case "":
		return field.ErrorList{field.Required(fldPath, "")}
	default:
		return field.ErrorList{field.NotSupported(fldPath, p, podRestartPolicies)}
	}
}

// --- volumes ---

// volumeSourceKinds are the volume sources in the order upstream looks at
// them, with the path segment its "more than 1 volume type" error names
// (downwardAPI's is misspelt there, and kept so).
var volumeSourceKinds = []struct {
	name string
	set  func(*corev1.VolumeSource) bool
}{
	{"emptyDir", func(s *corev1.VolumeSource) bool { return s.EmptyDir != nil }},
	{"hostPath", func(s *corev1.VolumeSource) bool { return s.HostPath != nil }},
	{"gitRepo", func(s *corev1.VolumeSource) bool { return s.GitRepo != nil }},
	{"gcePersistentDisk", func(s *corev1.VolumeSource) bool { return s.GCEPersistentDisk != nil }},
	{"awsElasticBlockStore", func(s *corev1.VolumeSource) bool { return s.AWSElasticBlockStore != nil }},
	{"secret", func(s *corev1.VolumeSource) bool { return s.Secret != nil }},
	{"nfs", func(s *corev1.VolumeSource) bool { return s.NFS != nil }},
	{"iscsi", func(s *corev1.VolumeSource) bool { return s.ISCSI != nil }},
	{"glusterfs", func(s *corev1.VolumeSource) bool { return s.Glusterfs != nil }},
	{"flocker", func(s *corev1.VolumeSource) bool { return s.Flocker != nil }},
	{"persistentVolumeClaim", func(s *corev1.VolumeSource) bool { return s.PersistentVolumeClaim != nil }},
	{"rbd", func(s *corev1.VolumeSource) bool { return s.RBD != nil }},
	{"cinder", func(s *corev1.VolumeSource) bool { return s.Cinder != nil }},
	{"cephFS", func(s *corev1.VolumeSource) bool { return s.CephFS != nil }},
	{"quobyte", func(s *corev1.VolumeSource) bool { return s.Quobyte != nil }},
	{"downwarAPI", func(s *corev1.VolumeSource) bool { return s.DownwardAPI != nil }},
	{"fc", func(s *corev1.VolumeSource) bool { return s.FC != nil }},
	{"flexVolume", func(s *corev1.VolumeSource) bool { return s.FlexVolume != nil }},
	{"configMap", func(s *corev1.VolumeSource) bool { return s.ConfigMap != nil }},
	{"azureFile", func(s *corev1.VolumeSource) bool { return s.AzureFile != nil }},
	{"vsphereVolume", func(s *corev1.VolumeSource) bool { return s.VsphereVolume != nil }},
	{"photonPersistentDisk", func(s *corev1.VolumeSource) bool { return s.PhotonPersistentDisk != nil }},
	{"portworxVolume", func(s *corev1.VolumeSource) bool { return s.PortworxVolume != nil }},
	{"azureDisk", func(s *corev1.VolumeSource) bool { return s.AzureDisk != nil }},
	{"storageos", func(s *corev1.VolumeSource) bool { return s.StorageOS != nil }},
	{"projected", func(s *corev1.VolumeSource) bool { return s.Projected != nil }},
	{"scaleIO", func(s *corev1.VolumeSource) bool { return s.ScaleIO != nil }},
	{"csi", func(s *corev1.VolumeSource) bool { return s.CSI != nil }},
	{"ephemeral", func(s *corev1.VolumeSource) bool { return s.Ephemeral != nil }},
	{"image", func(s *corev1.VolumeSource) bool { return s.Image != nil }},
}

// validateVolumes checks the volumes and returns the sources of those
// without an error by name: only they can be mounted.
func validateVolumes(volumes []corev1.Volume, fldPath *field.Path) (map[string]*corev1.VolumeSource, field.ErrorList) {
	var errs field.ErrorList
	vols := map[string]*corev1.VolumeSource{}
	for i := range volumes {
		v := &volumes[i]
		p := fldPath.Index(i)
		el := validateVolumeSource(&v.VolumeSource, p)
		if v.Name == "" {
			el = append(el, field.Required(p.Child("name"), ""))
		} else {
			el = append(el, dns1123Label(v.Name, p.Child("name"))...)
		}
		if _, dup := vols[v.Name]; dup {
			el = append(el, field.Duplicate(p.Child("name"), v.Name))
		}
		if len(el) == 0 {
			vols[v.Name] = &v.VolumeSource
		}
		errs = append(errs, el...)
	}
	return vols, errs
}

const (
	fileModeMsg     = "must be a number between 0 and 0777 (octal), both inclusive"
	emptyDirModeMsg = "must be a number between 0 and 01777 (octal), both inclusive"
)

var hostPathTypes = sets.New(corev1.HostPathUnset, corev1.HostPathDirectoryOrCreate, corev1.HostPathDirectory,
	corev1.HostPathFileOrCreate, corev1.HostPathFile, corev1.HostPathSocket, corev1.HostPathCharDev, corev1.HostPathBlockDev)

// validateVolumeSource: exactly one source, and the details of the
// emptyDir, hostPath, secret, configMap and persistentVolumeClaim sources.
func validateVolumeSource(s *corev1.VolumeSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	for _, k := range volumeSourceKinds {
		if !k.set(s) {
			continue
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child(k.name), "may not specify more than 1 volume type"))
			continue
		}
		n++
		p := fldPath.Child(k.name)
		switch k.name {
		case "emptyDir":
			if l := s.EmptyDir.SizeLimit; l != nil && l.Sign() < 0 {
				errs = append(errs, field.Forbidden(p.Child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
			}
			if m := s.EmptyDir.Mode; m != nil && (*m > 01777 || *m < 0) {
				errs = append(errs, field.Invalid(p.Child("mode"), *m, emptyDirModeMsg))
			}
		case "hostPath":
			if s.HostPath.Path == "" {
				errs = append(errs, field.Required(p.Child("path"), ""))
				break
			}
			errs = append(errs, noBacksteps(s.HostPath.Path, p.Child("path"))...)
			if t := s.HostPath.Type; t != nil && !hostPathTypes.Has(*t) {
				errs = append(errs, field.NotSupported(p.Child("type"), t, sets.List(hostPathTypes)))
			}
		case "secret":
			if s.Secret.SecretName == "" {
				errs = append(errs, field.Required(p.Child("secretName"), ""))
			}
			errs = append(errs, validateProjection(s.Secret.DefaultMode, s.Secret.DefaultUser, s.Secret.Items, p)...)
		case "configMap":
			if s.ConfigMap.Name == "" {
				errs = append(errs, field.Required(p.Child("name"), ""))
			}
			errs = append(errs, validateProjection(s.ConfigMap.DefaultMode, s.ConfigMap.DefaultUser, s.ConfigMap.Items, p)...)
		case "persistentVolumeClaim":
			if s.PersistentVolumeClaim.ClaimName == "" {
				errs = append(errs, field.Required(p.Child("claimName"), ""))
			}
		}
	}
	if n == 0 {
		errs = append(errs, field.Required(fldPath, "must specify a volume type"))
	}
	return errs
}

// validateProjection checks a secret or configMap volume's defaultMode,
// defaultUser and items.
func validateProjection(mode *int32, user *int64, items []corev1.KeyToPath, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if mode != nil && (*mode > 0777 || *mode < 0) {
		errs = append(errs, field.Invalid(fldPath.Child("defaultMode"), *mode, fileModeMsg))
	}
	errs = append(errs, validateUserID(user, fldPath.Child("defaultUser"))...)
	for i, kp := range items {
		p := fldPath.Child("items").Index(i)
		if kp.Key == "" {
			errs = append(errs, field.Required(p.Child("key"), ""))
		}
		if kp.Path == "" {
			errs = append(errs, field.Required(p.Child("path"), ""))
		}
		errs = append(errs, localDescendingPath(kp.Path, p.Child("path"))...)
		if strings.HasPrefix(kp.Path, "..") && !strings.HasPrefix(kp.Path, "../") {
			errs = append(errs, field.Invalid(p.Child("path"), kp.Path, "must not start with '..'"))
		}
		if kp.Mode != nil && (*kp.Mode > 0777 || *kp.Mode < 0) {
			errs = append(errs, field.Invalid(p.Child("mode"), *kp.Mode, fileModeMsg))
		}
		errs = append(errs, validateUserID(kp.User, p.Child("user"))...)
	}
	return errs
}

func validateUserID(user *int64, fldPath *field.Path) field.ErrorList {
	if user == nil {
		return nil
	}
	var errs field.ErrorList
	for _, msg := range validation.IsValidUserID(*user) {
		errs = append(errs, field.Invalid(fldPath, *user, msg))
	}
	return errs
}

// localDescendingPath: relative, and no ".." element.
func localDescendingPath(p string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if path.IsAbs(p) {
		errs = append(errs, field.Invalid(fldPath, p, "must be a relative path"))
	}
	return append(errs, noBacksteps(p, fldPath)...)
}

func noBacksteps(p string, fldPath *field.Path) field.ErrorList {
	for _, part := range strings.Split(filepath.ToSlash(p), "/") {
		if part == ".." {
			return field.ErrorList{field.Invalid(fldPath, p, "must not contain '..'")}
		}
	}
	return nil
}

// --- containers ---

var (
	terminationMessagePolicies = []corev1.TerminationMessagePolicy{corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError}
	pullPolicies               = sets.New(corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)
	portProtocols              = sets.New(corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
)

// validateContainerCommon is what every kind of container is checked
// for: name, image, termination message policy, ports, env, envFrom,
// volume mounts, pull policy, resources and resize policy.
func validateContainerCommon(c *corev1.Container, vols map[string]*corev1.VolumeSource, podRestart corev1.RestartPolicy, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, dns1123Label(c.Name, p.Child("name"))...)
	}
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	}
	switch c.TerminationMessagePolicy {
	case corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError:
	case "":
		errs = append(errs, field.Required(p.Child("terminationMessagePolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(p.Child("terminationMessagePolicy"), c.TerminationMessagePolicy, terminationMessagePolicies))
	}
	errs = append(errs, validatePorts(c.Ports, p.Child("ports"))...)
	errs = append(errs, validateEnv(c.Env, p.Child("env"))...)
	errs = append(errs, validateEnvFrom(c.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, validateVolumeMounts(c, vols, p.Child("volumeMounts"))...)
	switch {
	case c.ImagePullPolicy == "":
		errs = append(errs, field.Required(p.Child("imagePullPolicy"), ""))
	case !pullPolicies.Has(c.ImagePullPolicy):
		errs = append(errs, field.NotSupported(p.Child("imagePullPolicy"), c.ImagePullPolicy, sets.List(pullPolicies)))
	}
	errs = append(errs, validateResources(&c.Resources, p.Child("resources"))...)
	errs = append(errs, validateResizePolicy(c.ResizePolicy, podRestart, p.Child("resizePolicy"))...)
	return errs
}

// validateContainers checks the app containers: the common rules, names
// unique among them, probes, the container restart policy, then host
// ports unique across all of them.
func validateContainers(cs []corev1.Container, vols map[string]*corev1.VolumeSource, podRestart corev1.RestartPolicy, fldPath *field.Path) field.ErrorList {
	if len(cs) == 0 {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	var errs field.ErrorList
	names := sets.New[string]()
	for i := range cs {
		c := &cs[i]
		p := fldPath.Index(i)
		errs = append(errs, validateContainerCommon(c, vols, podRestart, p)...)
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(p.Child("name"), c.Name))
		} else {
			names.Insert(c.Name)
		}
		errs = append(errs, probe.ValidateContainer(c, false, p)...)
		errs = append(errs, validateContainerRestartRules(c.RestartPolicy, c.RestartPolicyRules, p)...)
	}
	return append(errs, hostPortConflicts(cs, fldPath)...)
}

// validateInitContainers checks the init containers: the common rules,
// the restart policy (Always makes a sidecar), names unique across app and
// init containers, host ports unique within each one (upstream names every
// conflict initContainers[0]), probes and lifecycle only on sidecars.
func validateInitContainers(cs, app []corev1.Container, vols map[string]*corev1.VolumeSource, podRestart corev1.RestartPolicy, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for i := range app {
		names.Insert(app[i].Name)
	}
	for i := range cs {
		c := &cs[i]
		p := fldPath.Index(i)
		errs = append(errs, validateContainerCommon(c, vols, podRestart, p)...)
		sidecar := false
		if c.RestartPolicy == nil {
			if len(c.RestartPolicyRules) > 0 {
				errs = append(errs, field.Required(p.Child("restartPolicy"), "must specify restartPolicy when restart rules are used"))
			}
		} else {
			sidecar = *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
			errs = append(errs, validateContainerRestartRules(c.RestartPolicy, c.RestartPolicyRules, p)...)
		}
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(p.Child("name"), c.Name))
		} else if c.Name != "" {
			names.Insert(c.Name)
		}
		errs = append(errs, hostPortConflicts([]corev1.Container{*c}, fldPath)...)
		if !sidecar && c.Lifecycle != nil {
			errs = append(errs, field.Forbidden(p.Child("lifecycle"), "may not be set for init containers without restartPolicy=Always"))
		}
		errs = append(errs, probe.ValidateContainer(c, true, p)...)
		if !sidecar {
			for j, rp := range c.ResizePolicy {
				if rp.RestartPolicy == corev1.RestartContainer {
					errs = append(errs, field.Invalid(p.Child("resizePolicy").Index(j).Child("restartPolicy"), rp.RestartPolicy,
						"must not be set to 'RestartContainer' for non-sidecar initContainers"))
				}
			}
		}
	}
	return errs
}

// ephemeralAllowed are the fields an ephemeral container may set.
var ephemeralAllowed = sets.New("Name", "Image", "Command", "Args", "WorkingDir", "EnvFrom", "Env", "VolumeMounts",
	"VolumeDevices", "TerminationMessagePath", "TerminationMessagePolicy", "ImagePullPolicy", "SecurityContext",
	"Stdin", "StdinOnce", "TTY")

// validateEphemeralContainers checks ephemeral containers as upstream
// does even where they are refused outright: the common rules, no
// surrounding whitespace in the image, names unique across every kind of
// container, an existing target, only the allowed fields, no subPath.
func validateEphemeralContainers(ecs []corev1.EphemeralContainer, app, init []corev1.Container, vols map[string]*corev1.VolumeSource, podRestart corev1.RestartPolicy, fldPath *field.Path) field.ErrorList {
	if len(ecs) == 0 {
		return nil
	}
	others, all := sets.New[string](), sets.New[string]()
	for _, list := range [][]corev1.Container{app, init} {
		for i := range list {
			others.Insert(list[i].Name)
			all.Insert(list[i].Name)
		}
	}
	var errs field.ErrorList
	for i := range ecs {
		ec := &ecs[i]
		p := fldPath.Index(i)
		c := (*corev1.Container)(&ec.EphemeralContainerCommon)
		errs = append(errs, validateContainerCommon(c, vols, podRestart, p)...)
		errs = append(errs, imageWhitespace(c, p)...)
		if all.Has(ec.Name) {
			errs = append(errs, field.Duplicate(p.Child("name"), ec.Name))
		} else {
			all.Insert(ec.Name)
		}
		if ec.TargetContainerName != "" && !others.Has(ec.TargetContainerName) {
			errs = append(errs, field.NotFound(p.Child("targetContainerName"), ec.TargetContainerName))
		}
		v := reflect.ValueOf(ec.EphemeralContainerCommon)
		for j := 0; j < v.NumField(); j++ {
			name := v.Type().Field(j).Name
			if ephemeralAllowed.Has(name) || v.Field(j).IsZero() {
				continue
			}
			r, n := utf8.DecodeRuneInString(name)
			errs = append(errs, field.Forbidden(p.Child(string(unicode.ToLower(r))+name[n:]), "cannot be set for an Ephemeral Container"))
		}
		for j, m := range ec.VolumeMounts {
			if m.SubPath != "" {
				errs = append(errs, field.Forbidden(p.Child("volumeMounts").Index(j).Child("subPath"), "cannot be set for an Ephemeral Container"))
			}
			if m.SubPathExpr != "" {
				errs = append(errs, field.Forbidden(p.Child("volumeMounts").Index(j).Child("subPathExpr"), "cannot be set for an Ephemeral Container"))
			}
		}
	}
	return errs
}

// imageWhitespace is the pod-only image check.
func imageWhitespace(c *corev1.Container, p *field.Path) field.ErrorList {
	if len(c.Image) != len(strings.TrimSpace(c.Image)) {
		return field.ErrorList{field.Invalid(p.Child("image"), c.Image, "must not have leading or trailing whitespace")}
	}
	return nil
}

// hostPortConflicts: a protocol/hostIP/hostPort triple at most once.
func hostPortConflicts(cs []corev1.Container, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := sets.New[string]()
	for i := range cs {
		for j, port := range cs[i].Ports {
			if port.HostPort == 0 {
				continue
			}
			key := fmt.Sprintf("%s/%s/%d", port.Protocol, port.HostIP, port.HostPort)
			if seen.Has(key) {
				errs = append(errs, field.Duplicate(fldPath.Index(i).Child("ports").Index(j).Child("hostPort"), key))
			} else {
				seen.Insert(key)
			}
		}
	}
	return errs
}

func validatePorts(ports []corev1.ContainerPort, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for i, port := range ports {
		p := fldPath.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) != 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(p.Child("name"), port.Name, msg))
				}
			} else if names.Has(port.Name) {
				errs = append(errs, field.Duplicate(p.Child("name"), port.Name))
			} else {
				names.Insert(port.Name)
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(p.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(p.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(p.Child("hostPort"), port.HostPort, msg))
			}
		}
		if port.Protocol == "" {
			errs = append(errs, field.Required(p.Child("protocol"), ""))
		} else if !portProtocols.Has(port.Protocol) {
			errs = append(errs, field.NotSupported(p.Child("protocol"), port.Protocol, sets.List(portProtocols)))
		}
	}
	return errs
}

var (
	containerRestartPolicies = sets.New(corev1.ContainerRestartPolicyAlways, corev1.ContainerRestartPolicyNever, corev1.ContainerRestartPolicyOnFailure)
	restartRuleActions       = sets.New(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleActionRestartAllContainers)
	restartRuleOperators     = sets.New(corev1.ContainerRestartRuleOnExitCodesOpIn, corev1.ContainerRestartRuleOnExitCodesOpNotIn)
)

// validateContainerRestartRules checks a container's restartPolicy and
// restartPolicyRules (the ContainerRestartRules and
// RestartAllContainersOnContainerExits features, on by default).
func validateContainerRestartRules(policy *corev1.ContainerRestartPolicy, rules []corev1.ContainerRestartRule, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if policy == nil {
		if len(rules) == 0 {
			return nil
		}
		errs = append(errs, field.Required(p.Child("restartPolicy"), "must specify restartPolicy when restart rules are used"))
	} else if !containerRestartPolicies.Has(*policy) {
		errs = append(errs, field.NotSupported(p.Child("restartPolicy"), *policy, sets.List(containerRestartPolicies)))
	}
	if len(rules) > 20 {
		errs = append(errs, field.TooMany(p.Child("restartPolicyRules"), len(rules), 20))
	}
	for i, r := range rules {
		rp := p.Child("restartPolicyRules").Index(i)
		if !restartRuleActions.Has(r.Action) {
			errs = append(errs, field.NotSupported(rp.Child("action"), r.Action, sets.List(restartRuleActions)))
		}
		if r.ExitCodes == nil {
			errs = append(errs, field.Required(rp.Child("exitCodes"), "must be specified"))
			continue
		}
		if !restartRuleOperators.Has(r.ExitCodes.Operator) {
			errs = append(errs, field.NotSupported(rp.Child("exitCodes").Child("operator"), r.ExitCodes.Operator, sets.List(restartRuleOperators)))
		}
		if len(r.ExitCodes.Values) > 255 {
			errs = append(errs, field.TooMany(rp.Child("exitCodes").Child("values"), len(r.ExitCodes.Values), 255))
		}
	}
	return errs
}

var (
	resizeResources = sets.New(corev1.ResourceCPU, corev1.ResourceMemory)
	resizePolicies  = sets.New(corev1.NotRequired, corev1.RestartContainer)
)

func validateResizePolicy(list []corev1.ContainerResizePolicy, podRestart corev1.RestartPolicy, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := sets.New[corev1.ResourceName]()
	for i, rp := range list {
		if seen.Has(rp.ResourceName) {
			errs = append(errs, field.Duplicate(fldPath.Index(i), rp.ResourceName))
		}
		seen.Insert(rp.ResourceName)
		switch rp.ResourceName {
		case corev1.ResourceCPU, corev1.ResourceMemory:
		case "":
			errs = append(errs, field.Required(fldPath, ""))
		default:
			errs = append(errs, field.NotSupported(fldPath, rp.ResourceName, sets.List(resizeResources)))
		}
		switch rp.RestartPolicy {
		case corev1.NotRequired, corev1.RestartContainer:
		case "":
			errs = append(errs, field.Required(fldPath, ""))
		default:
			errs = append(errs, field.NotSupported(fldPath, rp.RestartPolicy, sets.List(resizePolicies)))
		}
		if podRestart == corev1.RestartPolicyNever && rp.RestartPolicy != corev1.NotRequired {
			errs = append(errs, field.Invalid(fldPath, rp.RestartPolicy, "must be 'NotRequired' when pod `restartPolicy` is 'Never'"))
		}
	}
	return errs
}

// --- volume mounts ---

var (
	mountPropagations = sets.New(corev1.MountPropagationBidirectional, corev1.MountPropagationHostToContainer, corev1.MountPropagationNone)
	recursiveReadOnly = sets.New(corev1.RecursiveReadOnlyDisabled, corev1.RecursiveReadOnlyIfPossible, corev1.RecursiveReadOnlyEnabled)
	bindMountOptions  = sets.New(string(corev1.BindMountOptionNoExec), string(corev1.BindMountOptionNoDev), string(corev1.BindMountOptionNoSUID))
)

// validateVolumeMounts: every mount names a volume of the pod (one that
// passed validation), has a unique mountPath, relative subPaths without
// "..", a supported propagation (Bidirectional only when privileged), a
// recursiveReadOnly that fits, supported bind-mount options. subPath,
// subPathExpr, mountPropagation and recursiveReadOnly errors are reported
// at volumeMounts.<field>, without the index, as upstream reports them.
func validateVolumeMounts(c *corev1.Container, vols map[string]*corev1.VolumeSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	mountPoints := sets.New[string]()
	for i, m := range c.VolumeMounts {
		p := fldPath.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		}
		if _, ok := vols[m.Name]; !ok {
			errs = append(errs, field.NotFound(p.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(p.Child("mountPath"), ""))
		}
		if mountPoints.Has(m.MountPath) {
			errs = append(errs, field.Invalid(p.Child("mountPath"), m.MountPath, "must be unique"))
		}
		mountPoints.Insert(m.MountPath)
		if m.SubPath != "" {
			errs = append(errs, localDescendingPath(m.SubPath, fldPath.Child("subPath"))...)
		}
		if m.SubPathExpr != "" {
			if m.SubPath != "" {
				errs = append(errs, field.Invalid(p.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
			}
			errs = append(errs, localDescendingPath(m.SubPathExpr, fldPath.Child("subPathExpr"))...)
		}
		if mp := m.MountPropagation; mp != nil {
			pp := fldPath.Child("mountPropagation")
			if !mountPropagations.Has(*mp) {
				errs = append(errs, field.NotSupported(pp, *mp, sets.List(mountPropagations)))
			}
			privileged := c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
			if *mp == corev1.MountPropagationBidirectional && !privileged {
				errs = append(errs, field.Forbidden(pp, "Bidirectional mount propagation is available only to privileged containers"))
			}
		}
		if rro := m.RecursiveReadOnly; rro != nil {
			rp := fldPath.Child("recursiveReadOnly")
			switch *rro {
			case corev1.RecursiveReadOnlyDisabled:
			case corev1.RecursiveReadOnlyEnabled, corev1.RecursiveReadOnlyIfPossible:
				if !m.ReadOnly {
					errs = append(errs, field.Forbidden(rp, "may only be specified when readOnly is true"))
				}
				if m.MountPropagation != nil && *m.MountPropagation != corev1.MountPropagationNone {
					errs = append(errs, field.Forbidden(rp, "may only be specified when mountPropagation is None or not specified"))
				}
			default:
				errs = append(errs, field.NotSupported(rp, *rro, sets.List(recursiveReadOnly)))
			}
		}
		seen := sets.New[string]()
		for j, o := range m.BindMountOptions {
			if !bindMountOptions.Has(o) {
				errs = append(errs, field.NotSupported(p.Child("bindMountOptions").Index(j), o, sets.List(bindMountOptions)))
			}
			if seen.Has(o) {
				errs = append(errs, field.Duplicate(p.Child("bindMountOptions").Index(j), o))
			}
			seen.Insert(o)
		}
		if len(m.BindMountOptions) > 0 {
			if vs, ok := vols[m.Name]; ok && vs.Image != nil {
				errs = append(errs, field.Invalid(p.Child("bindMountOptions"), m.BindMountOptions, "bindMountOptions may not be used with image volumes"))
			}
		}
	}
	return errs
}

// --- env ---

var envFieldPaths = sets.New("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
	"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")

// downwardLabels are the pod field labels the downward API converts.
var downwardLabels = sets.New("metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
	"metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
	"status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs", "spec.host")

var containerResourceFields = sets.New("limits.cpu", "limits.memory", "limits.ephemeral-storage",
	"requests.cpu", "requests.memory", "requests.ephemeral-storage")

// validateEnv: names are relaxed env var names (any printable ASCII but
// '='), and valueFrom names exactly one source that is valid.
func validateEnv(vars []corev1.EnvVar, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		p := fldPath.Index(i)
		if ev.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		} else {
			for _, msg := range validation.IsRelaxedEnvVarName(ev.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), ev.Name, msg))
			}
		}
		errs = append(errs, validateEnvValueFrom(ev, p.Child("valueFrom"))...)
	}
	return errs
}

func validateEnvValueFrom(ev corev1.EnvVar, fldPath *field.Path) field.ErrorList {
	vf := ev.ValueFrom
	if vf == nil {
		return nil
	}
	var errs field.ErrorList
	n := 0
	if vf.FieldRef != nil {
		n++
		errs = append(errs, validateFieldRef(vf.FieldRef, fldPath.Child("fieldRef"))...)
	}
	if vf.ResourceFieldRef != nil {
		n++
		errs = append(errs, validateResourceFieldRef(vf.ResourceFieldRef, fldPath.Child("resourceFieldRef"))...)
	}
	if vf.ConfigMapKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Key, fldPath.Child("configMapKeyRef"))...)
	}
	if vf.SecretKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(vf.SecretKeyRef.Name, vf.SecretKeyRef.Key, fldPath.Child("secretKeyRef"))...)
	}
	if vf.FileKeyRef != nil {
		n++ // its details are not modelled
	}
	switch {
	case n == 0:
		errs = append(errs, field.Invalid(fldPath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
	case ev.Value != "":
		errs = append(errs, field.Invalid(fldPath, "", "may not be specified when `value` is not empty"))
	case n > 1:
		errs = append(errs, field.Invalid(fldPath, "", "may not have more than one field specified at a time"))
	}
	return errs
}

// splitSubscript splits "path['key']" into path and key.
func splitSubscript(fp string) (string, string, bool) {
	if !strings.HasSuffix(fp, "']") {
		return fp, "", false
	}
	parts := strings.SplitN(strings.TrimSuffix(fp, "']"), "['", 2)
	if len(parts) < 2 || parts[0] == "" {
		return fp, "", false
	}
	return parts[0], parts[1], true
}

func validateFieldRef(fs *corev1.ObjectFieldSelector, fldPath *field.Path) field.ErrorList {
	if fs.APIVersion == "" {
		return field.ErrorList{field.Required(fldPath.Child("apiVersion"), "")}
	}
	if fs.FieldPath == "" {
		return field.ErrorList{field.Required(fldPath.Child("fieldPath"), "")}
	}
	// The downward API's conversion of the field label.
	var convErr string
	label := fs.FieldPath
	switch base, _, sub := splitSubscript(label); {
	case fs.APIVersion != "v1":
		convErr = "unsupported pod version: " + fs.APIVersion
	case sub && base != "metadata.annotations" && base != "metadata.labels":
		convErr = "field label does not support subscript: " + label
	case !sub && !downwardLabels.Has(label):
		convErr = "field label not supported: " + label
	case label == "spec.host":
		label = "spec.nodeName"
	}
	if convErr != "" {
		return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), fs.FieldPath, "error converting fieldPath: "+convErr)}
	}
	base, key, sub := splitSubscript(label)
	if !sub {
		if !envFieldPaths.Has(base) {
			return field.ErrorList{field.NotSupported(fldPath.Child("fieldPath"), base, sets.List(envFieldPaths))}
		}
		return nil
	}
	if base == "metadata.annotations" {
		key = strings.ToLower(key)
	}
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(key) {
		errs = append(errs, field.Invalid(fldPath, key, msg))
	}
	return errs
}

var (
	cpuDivisors    = sets.New("1m", "1")
	memoryDivisors = sets.New("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")
)

func validateResourceFieldRef(fs *corev1.ResourceFieldSelector, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	hugePages := strings.HasPrefix(fs.Resource, "requests.hugepages-") || strings.HasPrefix(fs.Resource, "limits.hugepages-")
	if fs.Resource == "" {
		errs = append(errs, field.Required(fldPath.Child("resource"), ""))
	} else if !containerResourceFields.Has(fs.Resource) && !hugePages {
		errs = append(errs, field.NotSupported(fldPath.Child("resource"), fs.Resource, sets.List(containerResourceFields)))
	}
	if fs.Divisor.IsZero() {
		return errs
	}
	d := fs.Divisor.String()
	dp := fldPath.Child("divisor")
	switch fs.Resource {
	case "limits.cpu", "requests.cpu":
		if !cpuDivisors.Has(d) {
			errs = append(errs, field.Invalid(dp, fs.Resource, "only divisor's values 1m and 1 are supported with the cpu resource"))
		}
	case "limits.memory", "requests.memory":
		if !memoryDivisors.Has(d) {
			errs = append(errs, field.Invalid(dp, fs.Resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"))
		}
	case "limits.ephemeral-storage", "requests.ephemeral-storage":
		if !memoryDivisors.Has(d) {
			errs = append(errs, field.Invalid(dp, fs.Resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"))
		}
	}
	if hugePages && !memoryDivisors.Has(d) {
		errs = append(errs, field.Invalid(dp, fs.Resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"))
	}
	return errs
}

// validateKeySelector checks a configMapKeyRef's or secretKeyRef's name
// (a DNS subdomain, so not empty) and key.
func validateKeySelector(name, key string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range apivalidation.NameIsDNSSubdomain(name, false) {
		errs = append(errs, field.Invalid(fldPath.Child("name"), name, msg))
	}
	if key == "" {
		errs = append(errs, field.Required(fldPath.Child("key"), ""))
	} else {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(fldPath.Child("key"), key, msg))
		}
	}
	return errs
}

// validateEnvFrom: a relaxed env var name as prefix, exactly one of
// configMapRef and secretRef, with a DNS-subdomain name (prefixes
// allowed, as upstream validates them).
func validateEnvFrom(vars []corev1.EnvFromSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		p := fldPath.Index(i)
		if ev.Prefix != "" {
			for _, msg := range validation.IsRelaxedEnvVarName(ev.Prefix) {
				errs = append(errs, field.Invalid(p.Child("prefix"), ev.Prefix, msg))
			}
		}
		n := 0
		ref := func(name string, rp *field.Path) {
			n++
			if name == "" {
				errs = append(errs, field.Required(rp.Child("name"), ""))
				return
			}
			for _, msg := range apivalidation.NameIsDNSSubdomain(name, true) {
				errs = append(errs, field.Invalid(rp.Child("name"), name, msg))
			}
		}
		if ev.ConfigMapRef != nil {
			ref(ev.ConfigMapRef.Name, p.Child("configMapRef"))
		}
		if ev.SecretRef != nil {
			ref(ev.SecretRef.Name, p.Child("secretRef"))
		}
		if n == 0 {
			errs = append(errs, field.Invalid(fldPath, "", "must specify one of: `configMapRef` or `secretRef`"))
		} else if n > 1 {
			errs = append(errs, field.Invalid(fldPath, "", "may not have more than one field specified at a time"))
		}
	}
	return errs
}

// --- resources ---

const hugePagesPrefix = "hugepages-"

var (
	standardResourceNames = sets.New[corev1.ResourceName](corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
		corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage,
		corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage,
		corev1.ResourcePods, corev1.ResourceQuotas, corev1.ResourceServices, corev1.ResourceReplicationControllers,
		corev1.ResourceSecrets, corev1.ResourceConfigMaps, corev1.ResourcePersistentVolumeClaims, corev1.ResourceStorage,
		corev1.ResourceRequestsStorage, corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers)
	integerResourceNames = sets.New[corev1.ResourceName](corev1.ResourcePods, corev1.ResourceQuotas, corev1.ResourceServices,
		corev1.ResourceReplicationControllers, corev1.ResourceSecrets, corev1.ResourceConfigMaps,
		corev1.ResourcePersistentVolumeClaims, corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers)
)

func isHugePages(n corev1.ResourceName) bool { return strings.HasPrefix(string(n), hugePagesPrefix) }

// isNative: unprefixed, or in the kubernetes.io/ namespace.
func isNative(n corev1.ResourceName) bool {
	return !strings.Contains(string(n), "/") || strings.Contains(string(n), "kubernetes.io/")
}

func isExtended(n corev1.ResourceName) bool {
	if isNative(n) || strings.HasPrefix(string(n), "requests.") {
		return false
	}
	return len(validation.IsQualifiedName("requests."+string(n))) == 0
}

func overcommitAllowed(n corev1.ResourceName) bool { return isNative(n) && !isHugePages(n) }

// validateContainerResourceName: a qualified name; unprefixed, one of
// cpu, memory, ephemeral-storage and hugepages-<size>; prefixed and not
// native, an extended resource name.
func validateContainerResourceName(n corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(string(n)) {
		errs = append(errs, field.Invalid(fldPath, n, msg))
	}
	unprefixed := !strings.Contains(string(n), "/")
	if len(errs) == 0 && unprefixed && !standardResourceNames.Has(n) &&
		!isHugePages(n) && !strings.HasPrefix(string(n), "requests.hugepages-") {
		errs = append(errs, field.Invalid(fldPath, n, "must be a standard resource type or fully qualified"))
	}
	switch {
	case unprefixed:
		if n != corev1.ResourceCPU && n != corev1.ResourceMemory && n != corev1.ResourceEphemeralStorage && !isHugePages(n) {
			errs = append(errs, field.Invalid(fldPath, n, "must be a standard resource for containers"))
		}
	case !isNative(n) && !isExtended(n):
		errs = append(errs, field.Invalid(fldPath, n, "doesn't follow extended resource name standard"))
	}
	return errs
}

func validateQuantity(n corev1.ResourceName, q resource.Quantity, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if q.Sign() < 0 {
		errs = append(errs, field.Invalid(fldPath, q.String(), apivalidation.IsNegativeErrorMsg))
	}
	if (integerResourceNames.Has(n) || isExtended(n)) && q.MilliValue()%1000 != 0 {
		errs = append(errs, field.Invalid(fldPath, q, "must be an integer"))
	}
	return errs
}

// hugePagesDivisible: a hugepages quantity is a whole number of pages.
func hugePagesDivisible(n corev1.ResourceName, q resource.Quantity) bool {
	size, err := resource.ParseQuantity(strings.TrimPrefix(string(n), hugePagesPrefix))
	if err != nil || size.Sign() <= 0 || size.MilliValue()%1000 != 0 {
		return false
	}
	return q.Value()%size.Value() == 0
}

// validateResources: valid names and non-negative quantities (integers
// for extended resources), limits then requests, each in key order
// (MODEL: upstream walks the maps in Go's random order); a request not
// above its limit, and equal to it for resources that cannot be
// overcommitted (hugepages, extended), which need a limit; hugepages in
// whole pages and only with cpu or memory.
func validateResources(r *corev1.ResourceRequirements, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	limPath, reqPath := fldPath.Child("limits"), fldPath.Child("requests")
	limCPUOrMem, reqCPUOrMem, limHuge, reqHuge := false, false, false, false
	hugeValue := func(n corev1.ResourceName, q resource.Quantity, p *field.Path) {
		if !hugePagesDivisible(n, q) {
			errs = append(errs, field.Invalid(p, q.String(), fmt.Sprintf("%s is not positive integer multiple of %s", q.String(), n)))
		}
	}
	for _, n := range sets.List(sets.KeySet(r.Limits)) {
		q := r.Limits[n]
		p := limPath.Key(string(n))
		errs = append(errs, validateContainerResourceName(n, p)...)
		errs = append(errs, validateQuantity(n, q, p)...)
		if isHugePages(n) {
			limHuge = true
			hugeValue(n, q, p)
		}
		if resizeResources.Has(n) {
			limCPUOrMem = true
		}
	}
	for _, n := range sets.List(sets.KeySet(r.Requests)) {
		q := r.Requests[n]
		p := reqPath.Key(string(n))
		errs = append(errs, validateContainerResourceName(n, p)...)
		errs = append(errs, validateQuantity(n, q, p)...)
		if lim, ok := r.Limits[n]; ok {
			if q.Cmp(lim) != 0 && !overcommitAllowed(n) {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", n, lim.String())))
			} else if q.Cmp(lim) > 0 {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", n, lim.String())))
			}
		} else if !overcommitAllowed(n) {
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
		if isHugePages(n) {
			reqHuge = true
			hugeValue(n, q, p)
		}
		if resizeResources.Has(n) {
			reqCPUOrMem = true
		}
	}
	if !limCPUOrMem && !reqCPUOrMem && (limHuge || reqHuge) {
		errs = append(errs, field.Forbidden(fldPath, "HugePages require cpu or memory"))
	}
	return errs
}
