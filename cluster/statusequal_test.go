package cluster

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// podStatusEqual decides as apiequality.Semantic.DeepEqual does, on pairs
// of statuses that differ by a few edits — some of which change nothing
// semantically (a nil slice for an empty one, the same instant in another
// location, 1 for 1000m) — over every field it compares itself and the
// ones it leaves to reflection.
func TestPropertyPodStatusEqual(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	rapid.Check(t, func(t *rapid.T) {
		instant := func(label string) metav1.Time {
			s := rapid.IntRange(0, 2).Draw(t, label)
			if s == 0 {
				return metav1.Time{}
			}
			tm := time.Unix(int64(1000+s), 0)
			if rapid.Bool().Draw(t, label+"Loc") {
				tm = tm.In(loc)
			}
			return metav1.NewTime(tm)
		}
		word := func(label string) string { return rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, label) }
		state := func(label string) corev1.ContainerState {
			var s corev1.ContainerState
			switch rapid.IntRange(0, 3).Draw(t, label) {
			case 1:
				s.Waiting = &corev1.ContainerStateWaiting{Reason: word(label + "Reason"), Message: word(label + "Message")}
			case 2:
				s.Running = &corev1.ContainerStateRunning{StartedAt: instant(label + "Started")}
			case 3:
				s.Terminated = &corev1.ContainerStateTerminated{ExitCode: int32(rapid.IntRange(0, 1).Draw(t, label+"Code")),
					Signal: int32(rapid.IntRange(0, 1).Draw(t, label+"Signal")), Reason: word(label + "Reason"), Message: word(label + "Message"),
					StartedAt: instant(label + "Started"), FinishedAt: instant(label + "Finished"), ContainerID: word(label + "ID")}
			}
			return s
		}
		quantity := func(label string) resource.Quantity {
			return resource.MustParse(rapid.SampledFrom([]string{"1", "1000m", "2"}).Draw(t, label))
		}
		container := func(label string) corev1.ContainerStatus {
			cs := corev1.ContainerStatus{Name: word(label + "Name"), State: state(label + "State"), LastTerminationState: state(label + "Last"),
				Ready: rapid.Bool().Draw(t, label+"Ready"), RestartCount: int32(rapid.IntRange(0, 1).Draw(t, label+"Restarts")),
				Image: word(label + "Image"), ImageID: word(label + "ImageID"), ContainerID: word(label + "ID")}
			if b := rapid.IntRange(0, 2).Draw(t, label+"Started"); b > 0 {
				v := b == 2
				cs.Started = &v
			}
			if rapid.Bool().Draw(t, label+"HasAllocated") {
				cs.AllocatedResources = corev1.ResourceList{corev1.ResourceCPU: quantity(label + "Allocated")}
			}
			if rapid.Bool().Draw(t, label+"HasResources") {
				cs.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: quantity(label + "Limit")}}
			}
			if rapid.Bool().Draw(t, label+"HasSignal") {
				s := corev1.Signal(word(label + "Signal"))
				cs.StopSignal = &s
			}
			if rapid.Bool().Draw(t, label+"HasMounts") {
				cs.VolumeMounts = []corev1.VolumeMountStatus{{Name: word(label + "Mount")}}
			}
			return cs
		}
		list := func(label string, max int, elem func(string) corev1.ContainerStatus) []corev1.ContainerStatus {
			n := rapid.IntRange(-1, max).Draw(t, label)
			if n < 0 {
				return nil
			}
			out := make([]corev1.ContainerStatus, n)
			for i := range out {
				out[i] = elem(label)
			}
			return out
		}
		status := func() corev1.PodStatus {
			st := corev1.PodStatus{ObservedGeneration: int64(rapid.IntRange(0, 1).Draw(t, "observed")),
				Phase: corev1.PodPhase(word("phase")), Message: word("message"), Reason: word("reason"),
				NominatedNodeName: word("nominated"), HostIP: word("hostIP"), PodIP: word("podIP"),
				QOSClass: corev1.PodQOSClass(word("qos")), Resize: corev1.PodResizeStatus(word("resize"))}
			if rapid.Bool().Draw(t, "hasStart") {
				s := instant("start")
				st.StartTime = &s
			}
			if n := rapid.IntRange(-1, 2).Draw(t, "conditions"); n >= 0 {
				st.Conditions = make([]corev1.PodCondition, n)
				for i := range st.Conditions {
					st.Conditions[i] = corev1.PodCondition{Type: corev1.PodConditionType(word("condType")), Status: corev1.ConditionStatus(word("condStatus")),
						ObservedGeneration: int64(rapid.IntRange(0, 1).Draw(t, "condObserved")), Reason: word("condReason"), Message: word("condMessage"),
						LastTransitionTime: instant("transition"), LastProbeTime: instant("probe")}
				}
			}
			if n := rapid.IntRange(-1, 1).Draw(t, "hostIPs"); n >= 0 {
				st.HostIPs = make([]corev1.HostIP, n)
				for i := range st.HostIPs {
					st.HostIPs[i].IP = word("hostIPsIP")
				}
			}
			if n := rapid.IntRange(-1, 1).Draw(t, "podIPs"); n >= 0 {
				st.PodIPs = make([]corev1.PodIP, n)
				for i := range st.PodIPs {
					st.PodIPs[i].IP = word("podIPsIP")
				}
			}
			st.InitContainerStatuses = list("init", 1, container)
			st.ContainerStatuses = list("containers", 2, container)
			st.EphemeralContainerStatuses = list("ephemeral", 1, container)
			if rapid.Bool().Draw(t, "hasAllocated") {
				st.AllocatedResources = corev1.ResourceList{corev1.ResourceMemory: quantity("allocated")}
			}
			if rapid.Bool().Draw(t, "hasClaims") {
				st.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: word("claim")}}
			}
			if rapid.Bool().Draw(t, "hasHealth") {
				st.VolumeHealth = []corev1.PodVolumeHealth{{Name: word("volume")}}
			}
			return st
		}
		a := status()
		b := a
		if rapid.Bool().Draw(t, "independent") {
			b = status()
		} else {
			b = *a.DeepCopy()
			// a few edits, each possibly a semantic no-op
			for range rapid.IntRange(0, 2).Draw(t, "edits") {
				switch rapid.IntRange(0, 12).Draw(t, "edit") {
				case 0:
					if b.Conditions == nil {
						b.Conditions = []corev1.PodCondition{}
					} else if len(b.Conditions) == 0 {
						b.Conditions = nil
					}
				case 1:
					if len(b.Conditions) > 0 {
						b.Conditions[0].LastTransitionTime = metav1.NewTime(b.Conditions[0].LastTransitionTime.In(loc))
					}
				case 2:
					if len(b.ContainerStatuses) > 0 {
						b.ContainerStatuses[0].State = state("editState")
					}
				case 3:
					if len(b.ContainerStatuses) > 0 && b.ContainerStatuses[0].AllocatedResources != nil {
						b.ContainerStatuses[0].AllocatedResources[corev1.ResourceCPU] = quantity("editQuantity")
					}
				case 4:
					b.StartTime = nil
				case 5:
					if b.ContainerStatuses == nil {
						b.ContainerStatuses = []corev1.ContainerStatus{}
					}
				case 6:
					b.Phase = corev1.PodPhase(word("editPhase"))
				case 7:
					if len(b.InitContainerStatuses) > 0 {
						b.InitContainerStatuses[0].Ready = !b.InitContainerStatuses[0].Ready
					}
				case 8:
					if len(b.Conditions) > 0 {
						b.Conditions[0].LastTransitionTime = instant("editTransition")
					}
				case 9:
					if b.StartTime != nil {
						s := instant("editStart")
						b.StartTime = &s
					}
				case 10:
					if len(b.ContainerStatuses) > 0 {
						b.ContainerStatuses[0] = container("editContainer")
					}
				case 11:
					if len(b.ContainerStatuses) > 0 && b.ContainerStatuses[0].State.Terminated != nil {
						b.ContainerStatuses[0].State.Terminated.FinishedAt = instant("editFinished")
					}
				case 12:
					if len(b.ContainerStatuses) > 0 {
						b.ContainerStatuses[0].RestartCount++
					}
				}
			}
		}
		want := apiequality.Semantic.DeepEqual(a, b)
		if got := podStatusEqual(&a, &b); got != want {
			t.Fatalf("podStatusEqual = %t, Semantic.DeepEqual = %t\na: %+v\nb: %+v", got, want, a, b)
		}
		if got := podStatusEqual(&b, &a); got != want {
			t.Fatalf("podStatusEqual(b, a) = %t, Semantic.DeepEqual = %t", got, want)
		}
	})
}

// uidOf prints what the fmt.Sprintf it replaced printed.
func TestPropertyUIDOf(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := rapid.Uint64().Draw(t, "a"), rapid.Uint64().Draw(t, "b")
		want := fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0x0fff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
		if got := string(uidOf(a, b)); got != want {
			t.Fatalf("uidOf(%#x, %#x) = %s, want %s", a, b, got, want)
		}
	})
}
