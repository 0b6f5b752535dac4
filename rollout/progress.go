package rollout

import (
	"fmt"
	"math"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Condition reasons of a Deployment (C-5).
const (
	ReasonNewReplicaSetCreated       = "NewReplicaSetCreated"
	ReasonFoundNewReplicaSet         = "FoundNewReplicaSet"
	ReasonReplicaSetUpdated          = "ReplicaSetUpdated"
	ReasonNewReplicaSetAvailable     = "NewReplicaSetAvailable"
	ReasonProgressDeadlineExceeded   = "ProgressDeadlineExceeded"
	ReasonReplicaSetCreateError      = "ReplicaSetCreateError"
	ReasonDeploymentPaused           = "DeploymentPaused"
	ReasonDeploymentResumed          = "DeploymentResumed"
	ReasonMinimumReplicasAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumReplicasUnavailable = "MinimumReplicasUnavailable"
)

// Complete reports whether a status shows the rollout done (PG-3): the
// updated, total and available replicas all equal replicas, and the status
// has observed the Deployment's generation.
func Complete(d *appsv1.Deployment, s *appsv1.DeploymentStatus) bool {
	r := replicas(d)
	return s.UpdatedReplicas == r && s.Replicas == r && s.AvailableReplicas == r && s.ObservedGeneration >= d.Generation
}

// Progressing reports whether a new status shows progress over the
// Deployment's current one (PG-4): more updated, fewer old, more ready or
// more available replicas.
func Progressing(d *appsv1.Deployment, s *appsv1.DeploymentStatus) bool {
	old := d.Status
	return s.UpdatedReplicas > old.UpdatedReplicas ||
		s.Replicas-s.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		s.ReadyReplicas > old.ReadyReplicas ||
		s.AvailableReplicas > old.AvailableReplicas
}

// HasProgressDeadline reports whether the Deployment has a deadline: set
// and not 2147483647 (C-8).
func HasProgressDeadline(d *appsv1.Deployment) bool {
	p := d.Spec.ProgressDeadlineSeconds
	return p != nil && *p != math.MaxInt32
}

// TimedOut reports whether the rollout has exceeded its progress deadline
// at now (PG-5): the Progressing condition of s is older than the deadline
// (strictly), unless it says the rollout is done; already
// ProgressDeadlineExceeded counts as timed out.
func TimedOut(d *appsv1.Deployment, s *appsv1.DeploymentStatus, now time.Time) bool {
	if !HasProgressDeadline(d) {
		return false
	}
	c := condition(s.Conditions, appsv1.DeploymentProgressing)
	switch {
	case c == nil, c.Reason == ReasonNewReplicaSetAvailable:
		return false
	case c.Reason == ReasonProgressDeadlineExceeded:
		return true
	}
	return c.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Before(now)
}

func condition(cs []appsv1.DeploymentCondition, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

// IsSaturated reports whether the new ReplicaSet holds all the replicas
// (P-4): its replicas, its desired-replicas annotation and its available
// replicas all equal the Deployment's replicas.
func IsSaturated(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	desired, err := strconv.Atoi(rs.Annotations[DesiredReplicasAnnotation])
	r := replicas(d)
	return err == nil && rsReplicas(rs) == r && int32(desired) == r && rs.Status.AvailableReplicas == r
}

// NewRSReplicas is the size the new ReplicaSet should have now (RU-2): for
// RollingUpdate, grow it by what maxSurge leaves room for, never beyond
// replicas; for Recreate, replicas. all are every ReplicaSet of the
// Deployment, the new one included.
func NewRSReplicas(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) (int32, error) {
	rm, err := newRSRoom(d, all, newRS)
	return rm.size, err
}

// room is NewRSReplicas's arithmetic (RU-2), kept for explanations:
// current pods asked for by all ReplicaSets, at most maxTotal of them,
// and the new ReplicaSet's size.
type room struct {
	rolling         bool
	current, maxTot int32
	size            int32
}

func newRSRoom(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) (room, error) {
	r := replicas(d)
	switch d.Spec.Strategy.Type {
	case appsv1.RollingUpdateDeploymentStrategyType:
		s, _ := rollingParams(d)
		if s == nil {
			// Upstream dereferences a nil maxSurge here (F-8).
			return room{}, fmt.Errorf("nil is not a valid maxSurge")
		}
		surge, err := intstr.GetScaledValueFromIntOrPercent(s, int(r), true)
		if err != nil {
			return room{}, err
		}
		rm := room{rolling: true, current: totalReplicas(all), maxTot: r + int32(surge), size: rsReplicas(newRS)}
		if rm.current < rm.maxTot {
			rm.size += min(rm.maxTot-rm.current, r-rsReplicas(newRS))
		}
		return rm, nil
	case appsv1.RecreateDeploymentStrategyType:
		return room{size: r}, nil
	}
	return room{}, fmt.Errorf("deployment type %v isn't supported", d.Spec.Strategy.Type)
}

func totalReplicas(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		n += rsReplicas(rs)
	}
	return n
}

// Proportion is how many replicas a ReplicaSet gets of toAdd when a
// Deployment is scaled mid-rollout, added of which are already handed out
// (P-6, P-7): its share by the ratio of the new to the old maximum size
// (the max-replicas annotation, else the Deployment's status replicas),
// rounded half away from zero, kept within what remains.
func Proportion(rs *appsv1.ReplicaSet, d *appsv1.Deployment, toAdd, added int32) int32 {
	if rs == nil || rsReplicas(rs) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	f := fraction(rs, d)
	allowed := toAdd - added
	if toAdd > 0 {
		return min(f, allowed)
	}
	return max(f, allowed)
}

func fraction(rs *appsv1.ReplicaSet, d *appsv1.Deployment) int32 {
	if replicas(d) == 0 {
		return -rsReplicas(rs)
	}
	newMax := replicas(d) + MaxSurge(d)
	oldMax, ok := nonNegativeAnnotation(rs, MaxReplicasAnnotation)
	if !ok || oldMax == 0 {
		oldMax = d.Status.Replicas
		if oldMax == 0 {
			return 0
		}
	}
	// Upstream multiplies in int32 before converting (P-7).
	size := float64(rsReplicas(rs)*newMax) / float64(oldMax)
	return int32(math.Round(size)) - rsReplicas(rs)
}
