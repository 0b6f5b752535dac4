package conformance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller"
	deploymentutil "k8s.io/kubernetes/pkg/controller/deployment/util"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/rollout"
)

func genIntOrString(t *rapid.T, label string) *intstr.IntOrString {
	switch rapid.IntRange(0, 5).Draw(t, label+"Kind") {
	case 0:
		return nil
	case 1, 2:
		v := intstr.FromInt32(int32(rapid.IntRange(0, 12).Draw(t, label+"Int")))
		return &v
	case 3:
		v := intstr.FromString(rapid.SampledFrom([]string{"0%", "1%", "10%", "25%", "33%", "50%", "99%", "100%", "150%"}).Draw(t, label+"Pct"))
		return &v
	}
	v := intstr.FromString(rapid.SampledFrom([]string{"25", "x%", "%", "-5%", "1.5%"}).Draw(t, label+"Bad"))
	return &v
}

func genDeployment(t *rapid.T) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "http-go", Namespace: "default", Generation: int64(rapid.IntRange(1, 3).Draw(t, "generation"))}}
	d.Spec.Replicas = ptr(int32(rapid.IntRange(0, 40).Draw(t, "replicas")))
	if rapid.IntRange(0, 4).Draw(t, "recreate") == 0 {
		d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
	} else {
		d.Spec.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: genIntOrString(t, "surge"), MaxUnavailable: genIntOrString(t, "unavailable")}
	}
	d.Spec.Template = genTemplate(t)
	d.Status = appsv1.DeploymentStatus{
		ObservedGeneration: int64(rapid.IntRange(0, 3).Draw(t, "observed")),
		Replicas:           int32(rapid.IntRange(0, 40).Draw(t, "statusReplicas")),
		UpdatedReplicas:    int32(rapid.IntRange(0, 40).Draw(t, "updated")),
		ReadyReplicas:      int32(rapid.IntRange(0, 40).Draw(t, "ready")),
		AvailableReplicas:  int32(rapid.IntRange(0, 40).Draw(t, "available")),
	}
	return d
}

func genStatus(t *rapid.T) *appsv1.DeploymentStatus {
	return &appsv1.DeploymentStatus{
		ObservedGeneration: int64(rapid.IntRange(0, 3).Draw(t, "newObserved")),
		Replicas:           int32(rapid.IntRange(0, 40).Draw(t, "newReplicas")),
		UpdatedReplicas:    int32(rapid.IntRange(0, 40).Draw(t, "newUpdated")),
		ReadyReplicas:      int32(rapid.IntRange(0, 40).Draw(t, "newReady")),
		AvailableReplicas:  int32(rapid.IntRange(0, 40).Draw(t, "newAvailable")),
	}
}

// genReplicaSets draws a Deployment's ReplicaSets: some with the
// Deployment's template (with or without a hash label), some older.
func genReplicaSets(t *rapid.T, d *appsv1.Deployment) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for i := range rapid.IntRange(0, 5).Draw(t, "rss") {
		rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{
			Name: fmt.Sprintf("http-go-%c", 'a'+rapid.IntRange(0, 3).Draw(t, "nameLetter")), UID: types.UID(fmt.Sprintf("rs-%d", i)),
			CreationTimestamp: metav1.NewTime(at(rapid.IntRange(0, 3).Draw(t, "created"))),
			Annotations:       map[string]string{},
		}}
		if rapid.Bool().Draw(t, "sameTemplate") {
			rs.Spec.Template = *d.Spec.Template.DeepCopy()
			if rapid.Bool().Draw(t, "hashLabel") {
				rs.Spec.Template.Labels[rollout.PodTemplateHashLabel] = "abc"
			}
		} else {
			rs.Spec.Template = genTemplate(t)
		}
		rs.Spec.Replicas = ptr(int32(rapid.IntRange(0, 20).Draw(t, "rsReplicas")))
		rs.Status.AvailableReplicas = int32(rapid.IntRange(0, 20).Draw(t, "rsAvailable"))
		if rapid.Bool().Draw(t, "hasRevision") {
			rs.Annotations[rollout.RevisionAnnotation] = rapid.SampledFrom([]string{"1", "2", "3", "10", "x", "9223372036854775807"}).Draw(t, "revision")
		}
		if rapid.Bool().Draw(t, "hasMax") {
			rs.Annotations[rollout.MaxReplicasAnnotation] = rapid.SampledFrom([]string{"0", "3", "13", "-1", "x", "4294967296"}).Draw(t, "maxReplicas")
		}
		if rapid.Bool().Draw(t, "hasDesired") {
			rs.Annotations[rollout.DesiredReplicasAnnotation] = rapid.SampledFrom([]string{"0", "3", "10", "x"}).Draw(t, "desired")
		}
		out = append(out, rs)
	}
	return out
}

// Fenceposts, MaxSurge, MaxUnavailable and MinAvailable equal
// deploymentutil's.
func TestFencepostsMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDeployment(t)
		var s, u *intstr.IntOrString
		if d.Spec.Strategy.RollingUpdate != nil {
			s, u = d.Spec.Strategy.RollingUpdate.MaxSurge, d.Spec.Strategy.RollingUpdate.MaxUnavailable
		}
		gs, gu, gerr := rollout.ResolveFenceposts(s, u, *d.Spec.Replicas)
		ws, wu, werr := deploymentutil.ResolveFenceposts(s, u, *d.Spec.Replicas)
		if gs != ws || gu != wu || (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
			t.Fatalf("ResolveFenceposts = %d %d %v, upstream %d %d %v", gs, gu, gerr, ws, wu, werr)
		}
		if werr != nil {
			return // upstream's MaxSurge etc. swallow it; checked below only for valid input
		}
		if got, want := rollout.MaxSurge(d), deploymentutil.MaxSurge(*d); got != want {
			t.Fatalf("MaxSurge = %d, upstream %d", got, want)
		}
		if got, want := rollout.MaxUnavailable(d), deploymentutil.MaxUnavailable(*d); got != want {
			t.Fatalf("MaxUnavailable = %d, upstream %d", got, want)
		}
		if got, want := rollout.MinAvailable(d), deploymentutil.MinAvailable(d); got != want {
			t.Fatalf("MinAvailable = %d, upstream %d", got, want)
		}
	})
}

// Finding the new and old ReplicaSets, template equality, revisions,
// saturation, the new ReplicaSet's size and proportions equal upstream's.
func TestReplicaSetHelpersMatchUpstream(t *testing.T) {
	logger := klog.Background()
	rapid.Check(t, func(t *rapid.T) {
		d := genDeployment(t)
		rss := genReplicaSets(t, d)
		upList := slices.Clone(rss) // upstream sorts its argument in place
		gotNew, wantNew := rollout.FindNewReplicaSet(d, rss), deploymentutil.FindNewReplicaSet(d, upList)
		if gotNew != wantNew {
			t.Fatalf("FindNewReplicaSet = %v, upstream %v", name(gotNew), name(wantNew))
		}
		gotReq, gotAll := rollout.FindOldReplicaSets(d, rss)
		wantReq, wantAll := deploymentutil.FindOldReplicaSets(d, slices.Clone(rss))
		if !slices.Equal(names2(gotReq), names2(wantReq)) || !slices.Equal(names2(gotAll), names2(wantAll)) {
			t.Fatalf("FindOldReplicaSets = %v %v, upstream %v %v", names2(gotReq), names2(gotAll), names2(wantReq), names2(wantAll))
		}
		for _, rs := range rss {
			if got, want := rollout.EqualIgnoreHash(&rs.Spec.Template, &d.Spec.Template), deploymentutil.EqualIgnoreHash(&rs.Spec.Template, &d.Spec.Template); got != want {
				t.Fatalf("EqualIgnoreHash = %v, upstream %v", got, want)
			}
			if got, want := rollout.IsSaturated(d, rs), deploymentutil.IsSaturated(d, rs); got != want {
				t.Fatalf("IsSaturated = %v, upstream %v", got, want)
			}
			if d.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType {
				if _, _, err := deploymentutil.ResolveFenceposts(d.Spec.Strategy.RollingUpdate.MaxSurge, d.Spec.Strategy.RollingUpdate.MaxUnavailable, *d.Spec.Replicas); err == nil {
					toAdd := int32(rapid.IntRange(-20, 20).Draw(t, "toAdd"))
					added := int32(rapid.IntRange(-20, 20).Draw(t, "added"))
					if got, want := rollout.Proportion(rs, d, toAdd, added), deploymentutil.GetReplicaSetProportion(logger, rs, *d, toAdd, added); got != want {
						t.Fatalf("Proportion(%d, %d) = %d, upstream %d", toAdd, added, got, want)
					}
				}
			}
		}
		if got, want := rollout.MaxRevision(rss), deploymentutil.MaxRevision(logger, rss); got != want {
			t.Fatalf("MaxRevision = %d, upstream %d", got, want)
		}
		if got, want := rollout.LastRevision(rss), deploymentutil.LastRevision(logger, rss); got != want {
			t.Fatalf("LastRevision = %d, upstream %d", got, want)
		}
		if wantNew != nil && (d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || d.Spec.Strategy.RollingUpdate.MaxSurge != nil) {
			got, gerr := rollout.NewRSReplicas(d, rss, wantNew)
			want, werr := deploymentutil.NewRSNewReplicas(d, rss, wantNew)
			if got != want || (gerr == nil) != (werr == nil) {
				t.Fatalf("NewRSReplicas = %d %v, upstream %d %v", got, gerr, want, werr)
			}
		}
	})
}

// Complete, Progressing and TimedOut equal DeploymentComplete,
// DeploymentProgressing and DeploymentTimedOut. Upstream reads the wall
// clock for the last, so the Progressing condition's time is put far from
// the deadline either way.
func TestProgressMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDeployment(t)
		s := genStatus(t)
		if got, want := rollout.Complete(d, s), deploymentutil.DeploymentComplete(d, s); got != want {
			t.Fatalf("Complete = %v, upstream %v", got, want)
		}
		if got, want := rollout.Progressing(d, s), deploymentutil.DeploymentProgressing(d, s); got != want {
			t.Fatalf("Progressing = %v, upstream %v", got, want)
		}
		if rapid.Bool().Draw(t, "deadline") {
			d.Spec.ProgressDeadlineSeconds = ptr(int32(rapid.SampledFrom([]int{600, 2147483647}).Draw(t, "deadlineSeconds")))
		}
		if rapid.Bool().Draw(t, "progressing") {
			now := time.Now()
			offset := rapid.SampledFrom([]time.Duration{-2 * time.Hour, -time.Minute, time.Hour}).Draw(t, "lastUpdate")
			s.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue,
				Reason:         rapid.SampledFrom([]string{rollout.ReasonReplicaSetUpdated, rollout.ReasonNewReplicaSetAvailable, rollout.ReasonProgressDeadlineExceeded}).Draw(t, "reason"),
				LastUpdateTime: metav1.NewTime(now.Add(offset))}}
			if got, want := rollout.TimedOut(d, s, time.Now()), deploymentutil.DeploymentTimedOut(context.Background(), d, s); got != want {
				t.Fatalf("TimedOut = %v, upstream %v", got, want)
			}
		}
	})
}

// ComputeHash is controller.ComputeHash, bit for bit.
func TestComputeHashMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tpl := genTemplate(t)
		var cc *int32
		if rapid.Bool().Draw(t, "collision") {
			cc = ptr(int32(rapid.IntRange(-3, 1<<20).Draw(t, "collisionCount")))
		}
		if got, want := rollout.ComputeHash(&tpl, cc), controller.ComputeHash(&tpl, cc); got != want {
			t.Fatalf("ComputeHash = %s, upstream %s", got, want)
		}
	})
}

func name(rs *appsv1.ReplicaSet) string {
	if rs == nil {
		return "<nil>"
	}
	return rs.Name + "/" + string(rs.UID)
}

func names2(rss []*appsv1.ReplicaSet) []string {
	out := []string{}
	for _, rs := range rss {
		out = append(out, name(rs))
	}
	return out
}

// SetNewReplicaSetAnnotations equals deploymentutil's (which changes its
// argument in place; kubesem returns a copy).
func TestNewReplicaSetAnnotationsMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDeployment(t)
		d.Annotations = map[string]string{}
		for _, k := range []string{"kubernetes.io/change-cause", "team", rollout.RevisionAnnotation, rollout.RollbackToAnnotation, "kubectl.kubernetes.io/last-applied-configuration"} {
			if rapid.Bool().Draw(t, "dAnn") {
				d.Annotations[k] = rapid.SampledFrom([]string{"a", "b", "3"}).Draw(t, "dAnnValue")
			}
		}
		rs := &appsv1.ReplicaSet{}
		if rapid.IntRange(0, 4).Draw(t, "nilAnnotations") != 0 {
			rs.Annotations = map[string]string{}
			if rapid.Bool().Draw(t, "rsRevision") {
				rs.Annotations[rollout.RevisionAnnotation] = rapid.SampledFrom([]string{"", "1", "4", "x", "9"}).Draw(t, "rsRevisionValue")
			}
			if rapid.Bool().Draw(t, "history") {
				h := rapid.SampledFrom([]string{"", "1", "1,2", strings.Repeat("1234567,", 249) + "1234567"}).Draw(t, "historyValue")
				rs.Annotations[rollout.RevisionHistoryAnnotation] = h
			}
			if rapid.Bool().Draw(t, "rsTeam") {
				rs.Annotations["team"] = "a"
			}
		}
		newRevision := rapid.SampledFrom([]string{"1", "5", "10", "x"}).Draw(t, "newRevision")
		exists := rapid.Bool().Draw(t, "exists")
		want := rs.DeepCopy()
		wantChanged := deploymentutil.SetNewReplicaSetAnnotations(context.Background(), d, want, newRevision, exists, 2000)
		got, changed := rollout.SetNewReplicaSetAnnotations(d, rs, newRevision, exists)
		if changed != wantChanged {
			t.Fatalf("changed = %v, upstream %v", changed, wantChanged)
		}
		if diff := cmp.Diff(want.Annotations, got.Annotations); diff != "" {
			t.Fatalf("annotations (-upstream +kubesem):\n%s", diff)
		}
	})
}

func genDeploymentCondition(t *rapid.T, label string) appsv1.DeploymentCondition {
	times := []time.Time{{}, at(0), at(60), at(3600)}
	return appsv1.DeploymentCondition{
		Type:               rapid.SampledFrom([]appsv1.DeploymentConditionType{appsv1.DeploymentAvailable, appsv1.DeploymentProgressing, appsv1.DeploymentReplicaFailure, "Custom"}).Draw(t, label+"Type"),
		Status:             rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}).Draw(t, label+"Status"),
		Reason:             rapid.SampledFrom([]string{"", rollout.ReasonNewReplicaSetAvailable, rollout.ReasonReplicaSetUpdated, rollout.ReasonMinimumReplicasAvailable}).Draw(t, label+"Reason"),
		Message:            rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, label+"Message"),
		LastUpdateTime:     metav1.NewTime(rapid.SampledFrom(times).Draw(t, label+"Update")),
		LastTransitionTime: metav1.NewTime(rapid.SampledFrom(times).Draw(t, label+"Transition")),
	}
}

// The exported condition helpers give deploymentutil's results on any
// list of conditions, duplicates of a type included, and leave the
// conditions slice they were given as it was.
func TestDeploymentConditionHelpersMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s appsv1.DeploymentStatus
		for i := range rapid.IntRange(0, 4).Draw(t, "conditions") {
			s.Conditions = append(s.Conditions, genDeploymentCondition(t, fmt.Sprint(i)))
		}
		before := slices.Clone(s.Conditions)
		typ := rapid.SampledFrom([]appsv1.DeploymentConditionType{appsv1.DeploymentAvailable, appsv1.DeploymentProgressing, "Custom", "Missing"}).Draw(t, "type")
		if diff := cmp.Diff(deploymentutil.GetDeploymentCondition(s, typ), rollout.GetDeploymentCondition(s, typ)); diff != "" {
			t.Fatalf("GetDeploymentCondition differs (-upstream +kubesem):\n%s", diff)
		}
		c := genDeploymentCondition(t, "new")
		want, got := *s.DeepCopy(), s
		deploymentutil.SetDeploymentCondition(&want, c)
		rollout.SetDeploymentCondition(&got, c)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("SetDeploymentCondition differs (-upstream +kubesem):\n%s", diff)
		}
		want, got = *s.DeepCopy(), s
		deploymentutil.RemoveDeploymentCondition(&want, typ)
		rollout.RemoveDeploymentCondition(&got, typ)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("RemoveDeploymentCondition differs (-upstream +kubesem):\n%s", diff)
		}
		if !cmp.Equal(before, s.Conditions) {
			t.Fatal("the conditions slice given was changed")
		}
		n := rollout.NewDeploymentCondition(c.Type, c.Status, c.Reason, c.Message, at(60))
		u := deploymentutil.NewDeploymentCondition(c.Type, c.Status, c.Reason, c.Message)
		u.LastUpdateTime, u.LastTransitionTime = metav1.NewTime(at(60)), metav1.NewTime(at(60)) // upstream's are the wall clock's
		if diff := cmp.Diff(u, n); diff != "" {
			t.Fatalf("NewDeploymentCondition differs (-upstream +kubesem):\n%s", diff)
		}
	})
}
