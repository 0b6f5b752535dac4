package apiserver

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/workload"
)

// maxSecretSize is the most data a Secret or a ConfigMap may hold, in
// bytes (pkg/apis/core: MaxSecretSize).
const maxSecretSize = 1 * 1024 * 1024

// coreObjectMeta is the core API group's metadata check on create
// (pkg/apis/core/validation: ValidateObjectMeta): apimachinery's, with
// label and annotation errors in key order where apimachinery reports
// them (MODEL: upstream walks the maps in their random order), then the
// finalizer names (workload.ValidateFinalizerNames).
func coreObjectMeta(m *metav1.ObjectMeta, namespaced bool, name apivalidation.ValidateNameFunc) field.ErrorList {
	p := field.NewPath("metadata")
	bare := *m
	bare.Labels, bare.Annotations = nil, nil
	errs := apivalidation.ValidateObjectMeta(&bare, namespaced, name, p)
	errs = insertLabelErrors(errs, m, p, "ownerReferences", "finalizers", "managedFields")
	return append(errs, workload.ValidateFinalizerNames(m.Finalizers, p.Child("finalizers"))...)
}

// coreObjectMetaUpdate is the core API group's metadata check on update
// (ValidateObjectMetaUpdate), workload.ValidateObjectMetaUpdate:
// apimachinery's, labels and annotations in key order, then the new
// finalizer names.
func coreObjectMetaUpdate(m, old *metav1.ObjectMeta) field.ErrorList {
	return workload.ValidateObjectMetaUpdate(m, old, field.NewPath("metadata"))
}

// insertLabelErrors puts the label and annotation errors of m before the
// first error about one of the fields that apimachinery checks after
// them.
func insertLabelErrors(errs field.ErrorList, m *metav1.ObjectMeta, p *field.Path, after ...string) field.ErrorList {
	at := slices.IndexFunc(errs, func(e *field.Error) bool {
		for _, f := range after {
			if strings.HasPrefix(e.Field, p.Child(f).String()) {
				return true
			}
		}
		return false
	})
	if at < 0 {
		at = len(errs)
	}
	kv := append(labels.Validate(m.Labels, p.Child("labels")), labels.ValidateAnnotations(m.Annotations, p.Child("annotations"))...)
	return slices.Insert(errs, at, kv...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validateConfigMap is the ConfigMap strategy's create check (rule
// API-14; pkg/apis/core/validation: ValidateConfigMap): the metadata, each
// data and binaryData key a valid ConfigMap key, no key in both, and at
// most 1 MiB of values in all. Keys are checked in sorted order (MODEL:
// upstream walks the maps in their random order).
func validateConfigMap(cm *corev1.ConfigMap) field.ErrorList {
	errs := coreObjectMeta(&cm.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	total := 0
	for _, k := range sortedKeys(cm.Data) {
		p := field.NewPath("data").Key(k)
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(p, k, msg))
		}
		if _, both := cm.BinaryData[k]; both {
			errs = append(errs, field.Invalid(p, k, "duplicate of key present in binaryData"))
		}
		total += len(cm.Data[k])
	}
	for _, k := range sortedKeys(cm.BinaryData) {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(k), k, msg))
		}
		total += len(cm.BinaryData[k])
	}
	if total > maxSecretSize {
		errs = append(errs, field.TooLong(field.NewPath(""), "", maxSecretSize))
	}
	return errs
}

// validateConfigMapUpdate is the ConfigMap strategy's update check (rule
// API-14; ValidateConfigMapUpdate): the metadata update, an immutable
// ConfigMap's immutable, data and binaryData unchanged (compared exactly:
// an empty map is not a missing one), then the new ConfigMap as on create.
func validateConfigMapUpdate(cm, old *corev1.ConfigMap) field.ErrorList {
	errs := coreObjectMetaUpdate(&cm.ObjectMeta, &old.ObjectMeta)
	if old.Immutable != nil && *old.Immutable {
		if cm.Immutable == nil || !*cm.Immutable {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), immutableSet))
		}
		if !reflect.DeepEqual(cm.Data, old.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), immutableSet))
		}
		if !reflect.DeepEqual(cm.BinaryData, old.BinaryData) {
			errs = append(errs, field.Forbidden(field.NewPath("binaryData"), immutableSet))
		}
	}
	return append(errs, validateConfigMap(cm)...)
}

// validateSecret is the Secret strategy's create check (rule API-14;
// ValidateSecret): the metadata, each data key a valid ConfigMap key, at
// most 1 MiB of data, and what the type requires: a service account
// token the service account's name annotation; a dockercfg or
// dockerconfigjson secret its key, holding a JSON object; basic-auth a
// username or a password; ssh-auth a non-empty private key; tls both the
// certificate and the key. Other types are not checked. Keys in sorted
// order (MODEL).
func validateSecret(s *corev1.Secret) field.ErrorList {
	errs := coreObjectMeta(&s.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	data := field.NewPath("data")
	total := 0
	for _, k := range sortedKeys(s.Data) {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(data.Key(k), k, msg))
		}
		total += len(s.Data[k])
	}
	if total > maxSecretSize {
		errs = append(errs, field.TooLong(data, "", maxSecretSize))
	}
	jsonKey := func(key string) {
		b, ok := s.Data[key]
		if !ok {
			errs = append(errs, field.Required(data.Key(key), ""))
			return
		}
		if err := json.Unmarshal(b, &map[string]any{}); err != nil {
			errs = append(errs, field.Invalid(data.Key(key), "<secret contents redacted>", err.Error()))
		}
	}
	switch s.Type {
	case corev1.SecretTypeServiceAccountToken:
		if s.Annotations[corev1.ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(field.NewPath("metadata", "annotations").Key(corev1.ServiceAccountNameKey), ""))
		}
	case corev1.SecretTypeDockercfg:
		jsonKey(corev1.DockerConfigKey)
	case corev1.SecretTypeDockerConfigJson:
		jsonKey(corev1.DockerConfigJsonKey)
	case corev1.SecretTypeBasicAuth:
		_, user := s.Data[corev1.BasicAuthUsernameKey]
		_, password := s.Data[corev1.BasicAuthPasswordKey]
		if !user && !password {
			errs = append(errs, field.Required(data.Key(corev1.BasicAuthUsernameKey), ""), field.Required(data.Key(corev1.BasicAuthPasswordKey), ""))
		}
	case corev1.SecretTypeSSHAuth:
		if len(s.Data[corev1.SSHAuthPrivateKey]) == 0 {
			errs = append(errs, field.Required(data.Key(corev1.SSHAuthPrivateKey), ""))
		}
	case corev1.SecretTypeTLS:
		if _, ok := s.Data[corev1.TLSCertKey]; !ok {
			errs = append(errs, field.Required(data.Key(corev1.TLSCertKey), ""))
		}
		if _, ok := s.Data[corev1.TLSPrivateKeyKey]; !ok {
			errs = append(errs, field.Required(data.Key(corev1.TLSPrivateKeyKey), ""))
		}
	}
	return errs
}

// validateSecretUpdate is the Secret strategy's update check (rule
// API-14; ValidateSecretUpdate): the metadata update, the type immutable,
// an immutable Secret's immutable and data unchanged (exactly), then the
// new Secret as on create.
func validateSecretUpdate(s, old *corev1.Secret) field.ErrorList {
	errs := coreObjectMetaUpdate(&s.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, apivalidation.ValidateImmutableField(s.Type, old.Type, field.NewPath("type"))...)
	if old.Immutable != nil && *old.Immutable {
		if s.Immutable == nil || !*s.Immutable {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), immutableSet))
		}
		if !reflect.DeepEqual(s.Data, old.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), immutableSet))
		}
	}
	return append(errs, validateSecret(s)...)
}

// asStoredData is a stored object's map as the apiserver reads them back
// from etcd: protobuf keeps no empty map, so an empty one is none.
func asStoredData[V any](m map[string]V) map[string]V {
	if len(m) == 0 {
		return nil
	}
	return m
}
