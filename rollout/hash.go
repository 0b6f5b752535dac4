package rollout

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/dump"
)

// PodTemplateHashLabel is the label a Deployment adds to its ReplicaSets'
// selector, labels and pod template (C-1).
const PodTemplateHashLabel = "pod-template-hash"

// ComputeHash is the pod-template-hash of a template, bit for bit as
// upstream's controller.ComputeHash computes it (H-1): FNV-1a 32 over
// k8s.io/utils/dump.ForHash of the template, then, when collisionCount is
// set, its value as 4 little-endian bytes and 4 zero bytes; the sum in
// decimal, each digit mapped into "bcdfghjklmnpqrstvwxz2456789".
func ComputeHash(template *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	if template != nil {
		fmt.Fprintf(h, "%v", dump.ForHash(*template))
	} else {
		fmt.Fprintf(h, "%v", dump.ForHash(corev1.PodTemplateSpec{}))
	}
	if collisionCount != nil {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint32(b, uint32(*collisionCount))
		h.Write(b)
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// ReplicaSetName is the name of a Deployment's ReplicaSet for a hash
// (H-2): "<deployment>-<hash>", the Deployment's name cut so that the
// whole fits in 253 characters when that is possible.
func ReplicaSetName(deployment, hash string) string {
	if limit := 253 - 1 - len(hash); limit > 0 && len(deployment) > limit {
		deployment = deployment[:limit]
	}
	return deployment + "-" + hash
}
