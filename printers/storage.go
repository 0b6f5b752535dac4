package printers

import (
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The tables of PersistentVolumes, PersistentVolumeClaims and
// StorageClasses, as printPersistentVolume, printPersistentVolumeClaim
// and printStorageClassList fill them. kubesem does not run the
// apiserver's defaulting for these kinds; the cells are what the
// defaulted object prints: an unset phase is Pending, an unset volume
// mode Filesystem, a PersistentVolume's unset reclaim policy Retain, and
// storage sizes are rounded up to the milli unit as the apiserver stores
// them.

// betaStorageClassAnnotation names a volume's or claim's class ahead of
// spec.storageClassName.
const betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class"

// The annotations that make a StorageClass a default one, GA and beta.
const (
	defaultStorageClassAnnotation     = "storageclass.kubernetes.io/is-default-class"
	betaDefaultStorageClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class"
)

// persistentVolumesTable: NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS
// CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE, -o wide VOLUMEMODE.
func persistentVolumesTable(pvs []*corev1.PersistentVolume, now time.Time, o Options) tbl {
	header := []string{"NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"}
	if o.Wide {
		header = append(header, "VOLUMEMODE")
	}
	var rows []row
	for _, pv := range pvs {
		if pv == nil {
			continue
		}
		claim := ""
		if ref := pv.Spec.ClaimRef; ref != nil {
			claim = ref.Namespace + "/" + ref.Name
		}
		policy := string(pv.Spec.PersistentVolumeReclaimPolicy)
		if policy == "" {
			policy = string(corev1.PersistentVolumeReclaimRetain)
		}
		phase := string(pv.Status.Phase)
		switch {
		case pv.DeletionTimestamp != nil:
			phase = "Terminating"
		case phase == "":
			phase = string(corev1.VolumePending)
		}
		class, ok := pv.Annotations[betaStorageClassAnnotation]
		if !ok {
			class = pv.Spec.StorageClassName
		}
		cells := []string{pv.Name, storageSize(pv.Spec.Capacity), accessModes(pv.Spec.AccessModes), policy, phase, claim,
			class, stringOr(pv.Spec.VolumeAttributesClassName, "<unset>"), pv.Status.Reason, age(pv.CreationTimestamp, now)}
		if o.Wide {
			cells = append(cells, volumeMode(pv.Spec.VolumeMode))
		}
		rows = append(rows, row{labels: pv.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows}
}

// persistentVolumeClaimsTable: NAME STATUS VOLUME CAPACITY ACCESS MODES
// STORAGECLASS VOLUMEATTRIBUTESCLASS AGE, -o wide VOLUMEMODE. CAPACITY
// and ACCESS MODES are the status's, and empty until spec.volumeName is
// set.
func persistentVolumeClaimsTable(pvcs []*corev1.PersistentVolumeClaim, now time.Time, o Options) tbl {
	header := []string{"NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"}
	if o.Wide {
		header = append(header, "VOLUMEMODE")
	}
	var rows []row
	for _, pvc := range pvcs {
		if pvc == nil {
			continue
		}
		phase := string(pvc.Status.Phase)
		switch {
		case pvc.DeletionTimestamp != nil:
			phase = "Terminating"
		case phase == "":
			phase = string(corev1.ClaimPending)
		}
		var capacity, modes string
		if pvc.Spec.VolumeName != "" {
			capacity, modes = storageSize(pvc.Status.Capacity), accessModes(pvc.Status.AccessModes)
		}
		class, ok := pvc.Annotations[betaStorageClassAnnotation]
		if !ok {
			class = stringOr(pvc.Spec.StorageClassName, "")
		}
		cells := []string{pvc.Name, phase, pvc.Spec.VolumeName, capacity, modes, class,
			stringOr(pvc.Spec.VolumeAttributesClassName, "<unset>"), age(pvc.CreationTimestamp, now)}
		if o.Wide {
			cells = append(cells, volumeMode(pvc.Spec.VolumeMode))
		}
		rows = append(rows, row{namespace: pvc.Namespace, labels: pvc.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

// storageSize is the storage entry of a resource list ("0" without one),
// rounded up to the milli unit as the apiserver's defaulting rounds it.
func storageSize(l corev1.ResourceList) string {
	q := l[corev1.ResourceStorage].DeepCopy()
	q.RoundUp(-3)
	return q.String()
}

// accessModes abbreviates access modes, always in the order RWO, ROX,
// RWX, RWOP, each once, comma-joined; unknown modes are left out.
func accessModes(modes []corev1.PersistentVolumeAccessMode) string {
	var out []string
	for _, m := range []struct {
		mode  corev1.PersistentVolumeAccessMode
		short string
	}{
		{corev1.ReadWriteOnce, "RWO"},
		{corev1.ReadOnlyMany, "ROX"},
		{corev1.ReadWriteMany, "RWX"},
		{corev1.ReadWriteOncePod, "RWOP"},
	} {
		for _, have := range modes {
			if have == m.mode {
				out = append(out, m.short)
				break
			}
		}
	}
	return strings.Join(out, ",")
}

// volumeMode is the VOLUMEMODE cell; the apiserver defaults an unset mode
// to Filesystem.
func volumeMode(m *corev1.PersistentVolumeMode) string {
	if m == nil {
		return string(corev1.PersistentVolumeFilesystem)
	}
	return string(*m)
}

// stringOr is *p, or or when p is nil.
func stringOr(p *string, or string) string {
	if p == nil {
		return or
	}
	return *p
}

// storageClassesTable: NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE
// ALLOWVOLUMEEXPANSION AGE. In a list, the effective default class — of
// those annotated as default, the most recently created, the first by
// name among equals — has " (default)" after its name; not when the
// objects were named one by one (o.Named), each then being a table of its
// own.
func storageClassesTable(scs []*storagev1.StorageClass, now time.Time, o Options) tbl {
	var def *storagev1.StorageClass
	if !o.Named {
		for _, sc := range scs {
			if sc == nil || !isDefaultStorageClass(sc.ObjectMeta) {
				continue
			}
			t, dt := storedTime(sc.CreationTimestamp), time.Time{}
			if def != nil {
				dt = storedTime(def.CreationTimestamp)
			}
			if def == nil || t.After(dt) || t.Equal(dt) && sc.Name < def.Name {
				def = sc
			}
		}
	}
	var rows []row
	for _, sc := range scs {
		if sc == nil {
			continue
		}
		name := sc.Name
		if def != nil && name == def.Name {
			name += " (default)"
		}
		policy := string(corev1.PersistentVolumeReclaimDelete)
		if sc.ReclaimPolicy != nil {
			policy = string(*sc.ReclaimPolicy)
		}
		binding := string(storagev1.VolumeBindingImmediate)
		if sc.VolumeBindingMode != nil {
			binding = string(*sc.VolumeBindingMode)
		}
		expansion := "false"
		if sc.AllowVolumeExpansion != nil && *sc.AllowVolumeExpansion {
			expansion = "true"
		}
		rows = append(rows, row{labels: sc.Labels,
			cells: []string{name, sc.Provisioner, policy, binding, expansion, age(sc.CreationTimestamp, now)}})
	}
	return tbl{header: []string{"NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"}, rows: rows}
}

// isDefaultStorageClass says whether the class is annotated as a
// default, by the GA or the beta annotation.
func isDefaultStorageClass(m metav1.ObjectMeta) bool {
	return m.Annotations[defaultStorageClassAnnotation] == "true" ||
		m.Annotations[betaDefaultStorageClassAnnotation] == "true"
}

// storedTime is t as the apiserver stores it, to the second.
func storedTime(t metav1.Time) time.Time { return t.Truncate(time.Second) }
