package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/util/retry"
	"k8s.io/kubernetes/pkg/controller/deployment"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/rollout"
)

// syncScenario is one starting state of a Deployment controller: a
// Deployment, the ReplicaSets it owns and their pods. Nothing else runs:
// no ReplicaSet controller, no kubelet, so the Deployment controller's
// passes reach a fixed point that depends only on its own decisions.
type syncScenario struct {
	d    *appsv1.Deployment
	rss  []*appsv1.ReplicaSet
	pods []*corev1.Pod
}

var images = []string{"gasbugs/http-go:v1", "gasbugs/http-go:v2", "gasbugs/http-go:v3", "gasbugs/http-go:v4", "gasbugs/http-go:v5"}

func syncIntOrString(t *rapid.T, label string) *intstr.IntOrString {
	if rapid.Bool().Draw(t, label+"Pct") {
		v := intstr.FromString(rapid.SampledFrom([]string{"0%", "10%", "25%", "50%", "100%"}).Draw(t, label+"P"))
		return &v
	}
	v := intstr.FromInt32(int32(rapid.IntRange(0, 4).Draw(t, label+"I")))
	return &v
}

// genSyncScenario draws a valid, defaulted Deployment and a history of
// ReplicaSets with distinct templates (as a real cluster's would be),
// sizes, revision, desired- and max-replicas annotations, statuses and
// pods in every phase.
var genSyncScenario = rapid.Custom(func(t *rapid.T) syncScenario {
	base := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "http-go", Namespace: "default", UID: "deploy-uid", Generation: 1,
		Annotations: map[string]string{}}}
	d.Spec.Replicas = ptr(int32(rapid.IntRange(0, 12).Draw(t, "replicas")))
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go"}}
	d.Spec.Template.Labels = map[string]string{"app": "http-go"}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "http-go", Image: rapid.SampledFrom(images).Draw(t, "image")}}
	if rapid.IntRange(0, 3).Draw(t, "recreate") == 0 {
		d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
	} else {
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: syncIntOrString(t, "surge"), MaxUnavailable: syncIntOrString(t, "unavailable")}
		if d.Spec.Strategy.RollingUpdate.MaxSurge.IntValue() == 0 && d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue() == 0 &&
			d.Spec.Strategy.RollingUpdate.MaxSurge.Type == intstr.Int && d.Spec.Strategy.RollingUpdate.MaxUnavailable.Type == intstr.Int {
			d.Spec.Strategy.RollingUpdate.MaxSurge = ptr(intstr.FromInt32(1)) // 0/0 is invalid (V-*)
		}
	}
	d.Spec.MinReadySeconds = int32(rapid.SampledFrom([]int{0, 0, 10}).Draw(t, "minReady"))
	d.Spec.Paused = rapid.IntRange(0, 5).Draw(t, "paused") == 0
	d = rollout.Default(d)
	d.Status.ObservedGeneration = int64(rapid.IntRange(0, 1).Draw(t, "observed"))

	imgs := rapid.Permutation(images).Draw(t, "history")
	n := rapid.IntRange(0, len(imgs)).Draw(t, "rss")
	revs := rapid.Permutation([]int{1, 2, 3, 4, 5}).Draw(t, "revisions")
	s := syncScenario{d: d}
	for i := range n {
		tpl := *d.Spec.Template.DeepCopy()
		tpl.Spec.Containers[0].Image = imgs[i]
		hash := rollout.ComputeHash(&tpl, nil)
		tpl.Labels[rollout.PodTemplateHashLabel] = hash
		rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{
			Name: rollout.ReplicaSetName(d.Name, hash), Namespace: "default", UID: types.UID(fmt.Sprintf("rs-uid-%d", i)),
			CreationTimestamp: metav1.NewTime(base.Add(time.Duration(i) * time.Minute)),
			Labels:            map[string]string{"app": "http-go", rollout.PodTemplateHashLabel: hash},
			Annotations:       map[string]string{},
			OwnerReferences:   []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
		}}
		rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go", rollout.PodTemplateHashLabel: hash}}
		rs.Spec.Template = tpl
		size := int32(rapid.IntRange(0, 8).Draw(t, "rsReplicas"))
		rs.Spec.Replicas = ptr(size)
		if rapid.IntRange(0, 4).Draw(t, "noRevision") != 0 {
			rs.Annotations[rollout.RevisionAnnotation] = strconv.Itoa(revs[i])
		}
		if rapid.IntRange(0, 3).Draw(t, "noDesired") != 0 {
			desired := *d.Spec.Replicas
			if rapid.Bool().Draw(t, "desiredDiffers") {
				desired = int32(rapid.IntRange(0, 12).Draw(t, "desired"))
			}
			rs.Annotations[rollout.DesiredReplicasAnnotation] = strconv.Itoa(int(desired))
			rs.Annotations[rollout.MaxReplicasAnnotation] = strconv.Itoa(int(desired) + rapid.IntRange(0, 3).Draw(t, "maxExtra"))
		}
		// the status a settled ReplicaSet controller would report, possibly
		// with some pods not ready or not yet available
		rs.Status.ObservedGeneration = 1
		rs.Status.Replicas = size
		rs.Status.FullyLabeledReplicas = size
		rs.Status.ReadyReplicas = int32(rapid.IntRange(0, int(size)).Draw(t, "rsReady"))
		rs.Status.AvailableReplicas = int32(rapid.IntRange(0, int(rs.Status.ReadyReplicas)).Draw(t, "rsAvailable"))
		for j := range int(size) {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", rs.Name, j), Namespace: "default",
				UID:             types.UID(fmt.Sprintf("pod-%d-%d", i, j)),
				Labels:          map[string]string{"app": "http-go", rollout.PodTemplateHashLabel: hash},
				OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))},
			}}
			p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodRunning, corev1.PodRunning, corev1.PodPending, corev1.PodSucceeded, corev1.PodFailed, corev1.PodUnknown}).Draw(t, "phase")
			s.pods = append(s.pods, p)
		}
		s.rss = append(s.rss, rs)
	}
	return s
})

// settledView is what the comparison looks at after the controller
// stopped writing: each ReplicaSet's size and annotations, and the
// Deployment's annotations and status with condition times left out (the
// upstream controller stamps them with the wall clock).
type settledView struct {
	ReplicaSets map[string]rsView
	Annotations map[string]string
	Status      appsv1.DeploymentStatus
}

type rsView struct {
	Replicas    int32
	Annotations map[string]string
}

func viewOf(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) settledView {
	v := settledView{ReplicaSets: map[string]rsView{}, Annotations: d.Annotations, Status: *d.Status.DeepCopy()}
	for i := range v.Status.Conditions {
		c := &v.Status.Conditions[i]
		c.LastUpdateTime, c.LastTransitionTime = metav1.Time{}, metav1.Time{}
		// Timing, not a decision: when the
		// pass that creates or finds the new ReplicaSet ran on a stale
		// informer copy, its Deployment write conflicts and the next pass
		// reports FoundNewReplicaSet instead of NewReplicaSetCreated.
		// kubesem's passes always read the current state.
		if rs, ok := strings.CutPrefix(c.Message, "Created new replica set "); ok && c.Reason == rollout.ReasonNewReplicaSetCreated {
			c.Reason, c.Message = "NewReplicaSetCreated|FoundNewReplicaSet", rs
		}
		if rs, ok := strings.CutPrefix(c.Message, "Found new replica set "); ok && c.Reason == rollout.ReasonFoundNewReplicaSet {
			c.Reason, c.Message = "NewReplicaSetCreated|FoundNewReplicaSet", rs
		}
	}
	for _, rs := range rss {
		v.ReplicaSets[rs.Name] = rsView{Replicas: *rs.Spec.Replicas, Annotations: rs.Annotations}
	}
	return v
}

// kubesemSettle applies rollout.Sync's plans to the scenario until a pass
// changes nothing, as a cluster running only the Deployment controller
// would.
func kubesemSettle(s syncScenario, now time.Time) (settledView, syncScenario, error) {
	d := s.d.DeepCopy()
	rss := slices.Clone(s.rss)
	for pass := range 30 {
		plan, err := rollout.Sync(d, rss, s.pods, now)
		if err != nil {
			return settledView{}, s, err
		}
		changed := false
		if plan.Create != nil {
			rs := plan.Create.DeepCopy()
			rs.UID = types.UID(fmt.Sprintf("kubesem-rs-%d-%d", now.UnixNano(), pass))
			rs.CreationTimestamp = metav1.NewTime(now)
			rss = append(rss, rs)
			changed = true
		}
		for _, u := range plan.Updates {
			for i, rs := range rss {
				if rs.Name == u.Name {
					rss[i] = u
					changed = true
				}
			}
		}
		for _, name := range plan.Deletes {
			rss = slices.DeleteFunc(rss, func(rs *appsv1.ReplicaSet) bool { return rs.Name == name })
			changed = true
		}
		switch {
		case plan.Update != nil:
			d = plan.Update.DeepCopy()
			changed = true
		case plan.WriteStatus:
			d = plan.Deployment.DeepCopy()
			changed = true
		}
		if !changed {
			return viewOf(d, rss), syncScenario{d: d, rss: rss, pods: s.pods}, nil
		}
	}
	return settledView{}, s, fmt.Errorf("kubesem: no fixed point after 30 passes")
}

// kubeletStep is the stand-in for the ReplicaSet controller and the
// kubelet between two settled states, in two halves that each settle
// (round is the number of the settled state it leads to, from 1):
//
//   - odd rounds, statuses: every ReplicaSet reports as many pods as it
//     asks for, all ready and available (the pods beyond its size are left
//     out of its status, as terminating pods are, though no deletion has
//     started yet);
//   - even rounds, pods: the pods beyond each ReplicaSet's size are gone.
//
// A real cluster orders them so (a scaled-down ReplicaSet's status drops
// its terminating pods before they vanish), and doing them one at a time
// keeps the upstream controller from seeing an arbitrary mix of the two:
// with both at once its passes could run between the status write and
// the pod deletions or after both, and the Recreate strategy's
// Progressing condition depends on which. It returns the new
// ReplicaSets and pods.
func kubeletStep(round int, rss []*appsv1.ReplicaSet, pods []*corev1.Pod) ([]*appsv1.ReplicaSet, []*corev1.Pod) {
	if round%2 == 1 {
		var outRS []*appsv1.ReplicaSet
		for _, rs := range rss {
			n := *rs.Spec.Replicas
			c := rs.DeepCopy()
			c.Status = appsv1.ReplicaSetStatus{Replicas: n, FullyLabeledReplicas: n, ReadyReplicas: n, AvailableReplicas: n, ObservedGeneration: rs.Generation}
			outRS = append(outRS, c)
		}
		return outRS, pods
	}
	size := map[types.UID]int32{}
	for _, rs := range rss {
		size[rs.UID] = *rs.Spec.Replicas
	}
	var outPods []*corev1.Pod
	kept := map[types.UID]int32{}
	for _, p := range pods { // pods are listed in name order, oldest index first
		ref := metav1.GetControllerOfNoCopy(p)
		if ref == nil {
			continue
		}
		if n, ok := size[ref.UID]; ok && kept[ref.UID] < n {
			kept[ref.UID]++
			outPods = append(outPods, p)
		}
	}
	return rss, outPods
}

// upstreamSettle runs kube-controller-manager's Deployment controller on a
// fake clientset holding the scenario until it stops writing
// (reactors fill in UIDs, resourceVersions
// and creation times the fake tracker leaves empty).
func upstreamSettle(t *testing.T, s syncScenario, rounds int) []settledView {
	objs := []runtime.Object{s.d.DeepCopy()}
	for _, rs := range s.rss {
		objs = append(objs, rs.DeepCopy())
	}
	for _, p := range s.pods {
		objs = append(objs, p.DeepCopy())
	}
	client := fake.NewSimpleClientset(objs...)
	writes := installAPIServerReactors(client)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	factory := informers.NewSharedInformerFactory(client, 0)
	dc, err := deployment.NewDeploymentController(ctx, factory.Apps().V1().Deployments(), factory.Apps().V1().ReplicaSets(), factory.Core().V1().Pods(), client)
	if err != nil {
		t.Fatal(err)
	}
	factory.Start(ctx.Done())
	go dc.Run(ctx, 1)

	var views []settledView
	for round := range rounds {
		if round > 0 {
			kubeletStepUpstream(ctx, t, client, round)
		}
		settle(writes)
		d, rss, _ := upstreamState(t, client)
		views = append(views, viewOf(d, rss))
	}
	return views
}

// upstreamState reads the Deployment, its ReplicaSets and the pods from
// the fake clientset's tracker (no actions recorded, no reactors run).
func upstreamState(t *testing.T, client *fake.Clientset) (*appsv1.Deployment, []*appsv1.ReplicaSet, []*corev1.Pod) {
	got, err := client.Tracker().Get(appsv1.SchemeGroupVersion.WithResource("deployments"), "default", "http-go")
	if err != nil {
		t.Fatal(err)
	}
	list, err := client.Tracker().List(appsv1.SchemeGroupVersion.WithResource("replicasets"), appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), "default")
	if err != nil {
		t.Fatal(err)
	}
	var rss []*appsv1.ReplicaSet
	for i := range list.(*appsv1.ReplicaSetList).Items {
		rss = append(rss, &list.(*appsv1.ReplicaSetList).Items[i])
	}
	return got.(*appsv1.Deployment), rss, listPods(t, client)
}

// listPods reads the pods of namespace default from the tracker, in name
// order.
func listPods(t *testing.T, client *fake.Clientset) []*corev1.Pod {
	plist, err := client.Tracker().List(corev1.SchemeGroupVersion.WithResource("pods"), corev1.SchemeGroupVersion.WithKind("Pod"), "default")
	if err != nil {
		t.Fatal(err)
	}
	var pods []*corev1.Pod
	for i := range plist.(*corev1.PodList).Items {
		pods = append(pods, &plist.(*corev1.PodList).Items[i])
	}
	slices.SortFunc(pods, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
	return pods
}

// settle waits until the controllers have not written for a second
// (the retries after a Conflict back off
// 5 ms, 10 ms, ...), at most 20 s.
func settle(writes *atomic.Int64) {
	last, quietSince := int64(-1), time.Now()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if w := writes.Load(); w != last {
			last, quietSince = w, time.Now()
			continue
		}
		if time.Since(quietSince) > time.Second {
			return
		}
	}
}

// kubeletStepUpstream carries out kubeletStep through the clientset, so
// that the controller's informers see it.
func kubeletStepUpstream(ctx context.Context, t *testing.T, client *fake.Clientset, round int) {
	_, rss, pods := upstreamState(t, client)
	newRSs, keep := kubeletStep(round, rss, pods)
	for i, rs := range newRSs {
		if reflect.DeepEqual(rs.Status, rss[i].Status) {
			continue
		}
		// A controller's late write (a requeue after its backoff) may
		// land between the settle and this write: retry on the latest
		// copy, as client-go's RetryOnConflict does.
		err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
			_, err := client.AppsV1().ReplicaSets("default").UpdateStatus(ctx, rs, metav1.UpdateOptions{})
			if apierrors.IsConflict(err) {
				cur, gerr := client.AppsV1().ReplicaSets("default").Get(ctx, rs.Name, metav1.GetOptions{})
				if gerr != nil {
					return gerr
				}
				status := rs.Status
				rs = cur.DeepCopy()
				rs.Status = status
			}
			return err
		})
		if err != nil {
			t.Fatalf("kubelet stand-in: %v", err)
		}
	}
	for _, p := range pods {
		if !slices.Contains(keep, p) {
			if err := client.CoreV1().Pods("default").Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil {
				t.Fatalf("kubelet stand-in: %v", err)
			}
		}
	}
}

// syncRounds is how many settled states each case compares: the first
// from the generated state, then one after each half of two kubelet
// steps.
const syncRounds = 5

// TestDeploymentSyncMatchesUpstream runs the upstream Deployment controller
// and rollout.Sync from the same random starting states (rolling update and
// Recreate, paused, scaling events, proportional scaling, missing
// revisions, cleanup, status and conditions) and requires the same settled
// states: after the controller alone stops writing, and again after each of
// two kubelet steps (every ReplicaSet's pods present, ready and available,
// extra pods gone), the same ReplicaSets with the same sizes and
// annotations, and the same Deployment annotations, status and conditions.
// Each case runs a real controller for about three seconds, so the number
// of cases is fixed (KUBESEM_SYNC_CASES, default 40) rather than rapid's
// -rapid.checks.
func TestDeploymentSyncMatchesUpstream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the upstream controller")
	}
	cases := 40
	if v, err := strconv.Atoi(os.Getenv("KUBESEM_SYNC_CASES")); err == nil {
		cases = v
	}
	var moved, advanced atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for seed := range cases {
			t.Run(strconv.Itoa(seed), func(t *testing.T) {
				t.Parallel()
				s := genSyncScenario.Example(seed)
				want := upstreamSettle(t, s, syncRounds)
				if start := viewOf(s.d, s.rss); !cmp.Equal(start, want[0]) {
					moved.Add(1)
				}
				if !cmp.Equal(want[0], want[syncRounds-1]) {
					advanced.Add(1)
				}
				cur := s
				for round := range syncRounds {
					if round > 0 {
						cur.rss, cur.pods = kubeletStep(round, cur.rss, cur.pods)
					}
					var got settledView
					var err error
					got, cur, err = kubesemSettle(cur, time.Now())
					if err != nil {
						t.Fatalf("seed %d: %v", seed, err)
					}
					if diff := cmp.Diff(want[round], got); diff != "" {
						t.Fatalf("seed %d (replicas %d, strategy %s, paused %v, %d ReplicaSets), settled state %d: differs from upstream (-upstream +kubesem):\n%s",
							seed, *s.d.Spec.Replicas, s.d.Spec.Strategy.Type, s.d.Spec.Paused, len(s.rss), round, diff)
					}
				}
			})
		}
	})
	// a comparison where the controller does nothing proves little
	t.Logf("%d of %d cases: the controller changed the state; in %d the kubelet steps moved it further", moved.Load(), cases, advanced.Load())
	if cases >= 10 && (moved.Load() < int64(cases/2) || advanced.Load() < int64(cases/3)) {
		t.Errorf("only %d (%d) of %d cases changed anything (after the kubelet steps); the generator is too tame", moved.Load(), advanced.Load(), cases)
	}
}

// An upstream quirk kubesem keeps, checked here against the real
// controller: when the only active ReplicaSet already has the Deployment's
// size but a desired-replicas annotation from an earlier size, every pass
// takes the scaling path (isScalingEvent), which finds nothing to resize
// and never rolls out a changed template nor cleans up.
func TestStaleDesiredAnnotationBlocksRolloutLikeUpstream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the upstream controller")
	}
	s := genSyncScenario.Example(0)
	d := s.d.DeepCopy()
	d.Spec.Replicas = ptr(int32(5))
	d.Spec.Paused = false
	d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr(intstr.FromInt32(1)), MaxUnavailable: ptr(intstr.FromInt32(1))}}
	d.Spec.Template.Spec.Containers[0].Image = images[1]
	tpl := *d.Spec.Template.DeepCopy()
	tpl.Spec.Containers[0].Image = images[0]
	hash := rollout.ComputeHash(&tpl, nil)
	tpl.Labels[rollout.PodTemplateHashLabel] = hash
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{
		Name: rollout.ReplicaSetName(d.Name, hash), Namespace: "default", UID: "rs-uid-old",
		Labels:            map[string]string{"app": "http-go", rollout.PodTemplateHashLabel: hash},
		CreationTimestamp: metav1.NewTime(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)),
		Annotations:       map[string]string{rollout.RevisionAnnotation: "1", rollout.DesiredReplicasAnnotation: "6", rollout.MaxReplicasAnnotation: "7"},
		OwnerReferences:   []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
	}}
	rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go", rollout.PodTemplateHashLabel: hash}}
	rs.Spec.Template = tpl
	rs.Spec.Replicas = ptr(int32(5))
	rs.Status = appsv1.ReplicaSetStatus{Replicas: 5, FullyLabeledReplicas: 5, ReadyReplicas: 5, AvailableReplicas: 5, ObservedGeneration: 1}
	sc := syncScenario{d: d, rss: []*appsv1.ReplicaSet{rs}}
	want := upstreamSettle(t, sc, 3)
	var got []settledView
	cur := sc
	for round := range 3 {
		if round > 0 {
			cur.rss, cur.pods = kubeletStep(round, cur.rss, cur.pods)
		}
		var v settledView
		var err error
		if v, cur, err = kubesemSettle(cur, time.Now()); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("differs from upstream (-upstream +kubesem):\n%s", diff)
	}
	if len(want[2].ReplicaSets) != 1 {
		t.Errorf("upstream rolled out after all: %v", want[2].ReplicaSets)
	}
}

// installAPIServerReactors makes the fake clientset's tracker behave as
// the apiserver does on the points controllers depend on, and returns the
// number of writes so far (for settling). The stored object is a copy (the
// caller's is never touched), every write gets a new resourceVersion, a
// create gets a UID, a creation time and a name from generateName, an
// update carrying a stale resourceVersion fails with a Conflict, a status
// update keeps the stored spec and labels and a main-resource update keeps
// the stored status, and a strategic-merge patch (how the ReplicaSet
// controller adopts and releases pods) is applied with a new
// resourceVersion.
func installAPIServerReactors(client *fake.Clientset) *atomic.Int64 {
	var rv, writes atomic.Int64
	rv.Store(1000)
	tracker := client.Tracker()
	client.PrependReactor("create", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		a := action.(k8stesting.CreateAction)
		obj := a.GetObject().DeepCopyObject()
		m := obj.(metav1.Object)
		n := rv.Add(1)
		if m.GetName() == "" && m.GetGenerateName() != "" {
			m.SetName(m.GetGenerateName() + strconv.FormatInt(n, 36))
		}
		m.SetUID(types.UID(fmt.Sprintf("upstream-uid-%d", n)))
		m.SetCreationTimestamp(metav1.Now())
		m.SetResourceVersion(strconv.FormatInt(n, 10))
		writes.Add(1)
		return true, obj, tracker.Create(a.GetResource(), obj, a.GetNamespace())
	})
	client.PrependReactor("update", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		a := action.(k8stesting.UpdateAction)
		obj := a.GetObject().DeepCopyObject()
		m := obj.(metav1.Object)
		cur, err := tracker.Get(a.GetResource(), a.GetNamespace(), m.GetName())
		if err != nil {
			return true, nil, err
		}
		if cm := cur.(metav1.Object); cm.GetResourceVersion() != m.GetResourceVersion() {
			return true, nil, apierrors.NewConflict(a.GetResource().GroupResource(), m.GetName(),
				fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
		}
		status := a.GetSubresource() == "status"
		switch o := obj.(type) {
		case *appsv1.Deployment:
			old := cur.(*appsv1.Deployment)
			if status {
				o.Spec, o.Labels = old.Spec, old.Labels
			} else {
				o.Status = old.Status
			}
		case *appsv1.ReplicaSet:
			old := cur.(*appsv1.ReplicaSet)
			if status {
				o.Spec, o.Labels = old.Spec, old.Labels
			} else {
				o.Status = old.Status
			}
		}
		m.SetResourceVersion(strconv.FormatInt(rv.Add(1), 10))
		writes.Add(1)
		return true, obj, tracker.Update(a.GetResource(), obj, a.GetNamespace())
	})
	client.PrependReactor("delete", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		writes.Add(1)
		return false, nil, nil
	})

	client.PrependReactor("patch", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		a := action.(k8stesting.PatchAction)
		if a.GetPatchType() != types.StrategicMergePatchType {
			return false, nil, nil
		}
		cur, err := tracker.Get(a.GetResource(), a.GetNamespace(), a.GetName())
		if err != nil {
			return true, nil, err
		}
		orig, err := json.Marshal(cur)
		if err != nil {
			return true, nil, err
		}
		merged, err := strategicpatch.StrategicMergePatch(orig, a.GetPatch(), cur)
		if err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		obj := cur.DeepCopyObject()
		if err := json.Unmarshal(merged, obj); err != nil {
			return true, nil, err
		}
		m := obj.(metav1.Object)
		if m.GetUID() != cur.(metav1.Object).GetUID() {
			return true, nil, apierrors.NewConflict(a.GetResource().GroupResource(), a.GetName(), fmt.Errorf("precondition failed: UID in precondition: %v, UID in object meta: %v", m.GetUID(), cur.(metav1.Object).GetUID()))
		}
		m.SetResourceVersion(strconv.FormatInt(rv.Add(1), 10))
		writes.Add(1)
		return true, obj, tracker.Update(a.GetResource(), obj, a.GetNamespace())
	})
	return &writes
}
