package conformance

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	featuregatetesting "k8s.io/component-base/featuregate/testing"
	"k8s.io/kubernetes/pkg/controller/replicaset"
	kfeatures "k8s.io/kubernetes/pkg/features"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/workload"
)

// rsScenario is a ReplicaSet and the pods of its namespace: its own,
// orphans to adopt, pods to release, other controllers' pods, in every
// phase and readiness.
type rsScenario struct {
	rs   *appsv1.ReplicaSet
	pods []*corev1.Pod
}

var genRSScenario = rapid.Custom(func(t *rapid.T) rsScenario {
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "rs-uid", Generation: 1}}
	rs.Spec.Replicas = ptr(int32(rapid.IntRange(0, 8).Draw(t, "replicas")))
	rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	rs.Spec.Template.Labels = map[string]string{"app": "web"}
	rs.Spec.Template.Spec.Containers = []corev1.Container{{Name: "web", Image: "nginx"}}
	rs = workload.DefaultReplicaSet(rs)
	other := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: "default", UID: "other-uid"}}
	s := rsScenario{rs: rs}
	for i := range rapid.IntRange(0, 12).Draw(t, "pods") {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
			Name: fmt.Sprintf("pod-%02d", i), Namespace: "default", UID: types.UID(fmt.Sprintf("pod-uid-%02d", i)),
			Labels:            map[string]string{"app": rapid.SampledFrom([]string{"web", "web", "web", "db"}).Draw(t, "app")},
			CreationTimestamp: metav1.NewTime(base.Add(time.Duration(rapid.IntRange(0, 5).Draw(t, "created")) * time.Minute)),
		}}
		switch rapid.IntRange(0, 5).Draw(t, "owner") {
		case 0, 1, 2:
			p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(rs, workload.ReplicaSetKind)}
		case 3:
			p.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(other, workload.ReplicaSetKind)}
		case 4:
			// rs's UID under a stale name and another or no kind: still
			// rs's pod (claimed by UID alone)
			ref := *metav1.NewControllerRef(rs, workload.ReplicaSetKind)
			ref.Name, ref.Kind = "web-old", rapid.SampledFrom([]string{"", "ReplicationController", "ReplicaSet"}).Draw(t, "staleKind")
			p.OwnerReferences = []metav1.OwnerReference{ref}
		}
		p.Spec = *rs.Spec.Template.Spec.DeepCopy()
		p.Spec.NodeName = rapid.SampledFrom([]string{"", "worker1", "worker2"}).Draw(t, "node")
		p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodRunning, corev1.PodRunning, corev1.PodPending, corev1.PodSucceeded, corev1.PodFailed}).Draw(t, "phase")
		if p.Status.Phase == corev1.PodRunning && rapid.Bool().Draw(t, "ready") {
			since := metav1.NewTime(base.Add(time.Duration(rapid.IntRange(0, 50).Draw(t, "readySince")) * time.Minute))
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: since}}
		}
		if rapid.IntRange(0, 3).Draw(t, "restarts") == 0 {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "web", RestartCount: int32(rapid.IntRange(1, 5).Draw(t, "restartCount"))}}
		}
		s.pods = append(s.pods, p)
	}
	return s
})

// rsSettled is what is compared once the controller stopped writing: the
// pods that were there at the start and survive with their controller
// (adopted, released, kept), how many pods were created, and the
// ReplicaSet's status without condition times.
type rsSettled struct {
	Kept    map[string]string // pod name → controller UID ("" for none)
	Created int
	Status  appsv1.ReplicaSetStatus
}

func rsViewOf(start []*corev1.Pod, rs *appsv1.ReplicaSet, pods []*corev1.Pod) rsSettled {
	v := rsSettled{Kept: map[string]string{}, Status: *rs.Status.DeepCopy()}
	for i := range v.Status.Conditions {
		v.Status.Conditions[i].LastTransitionTime = metav1.Time{}
	}
	old := map[string]bool{}
	for _, p := range start {
		old[p.Name] = true
	}
	for _, p := range pods {
		if !old[p.Name] {
			v.Created++
			continue
		}
		owner := ""
		if ref := metav1.GetControllerOfNoCopy(p); ref != nil {
			owner = string(ref.UID)
		}
		v.Kept[p.Name] = owner
	}
	return v
}

// kubesemRSSettle applies workload.SyncReplicaSet's plans until a pass
// changes nothing, as a cluster running only the ReplicaSet controller
// would (no kubelet: created pods stay Pending).
func kubesemRSSettle(s rsScenario, now time.Time) (rsSettled, error) {
	return kubesemRSSettleWith(s, now, nil)
}

// kubesemRSSettleWith is kubesemRSSettle with kube-controller-manager's
// feature gates.
func kubesemRSSettleWith(s rsScenario, now time.Time, gates features.Gates) (rsSettled, error) {
	rs := s.rs.DeepCopy()
	pods := make([]*corev1.Pod, 0, len(s.pods))
	for _, p := range s.pods {
		pods = append(pods, p.DeepCopy())
	}
	created := 0
	for range 30 {
		slices.SortFunc(pods, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
		plan, err := workload.SyncReplicaSet(rs, pods, now, workload.Options{Gates: gates})
		if err != nil {
			return rsSettled{}, err
		}
		changed := false
		byName := func(name string) *corev1.Pod {
			for _, p := range pods {
				if p.Name == name {
					return p
				}
			}
			return nil
		}
		for _, ref := range plan.Adopt {
			p := byName(ref.Name)
			p.OwnerReferences = append(p.OwnerReferences, plan.OwnerRef)
			changed = true
		}
		for _, ref := range plan.Release {
			p := byName(ref.Name)
			p.OwnerReferences = slices.DeleteFunc(p.OwnerReferences, func(o metav1.OwnerReference) bool { return o.UID == rs.UID })
			changed = true
		}
		for range plan.Create {
			p := plan.Template.DeepCopy()
			created++
			p.Name = p.GenerateName + "kubesem" + strconv.Itoa(created)
			p.UID = types.UID("kubesem-pod-" + strconv.Itoa(created))
			p.CreationTimestamp = metav1.NewTime(now)
			pods = append(pods, p)
			changed = true
		}
		for _, ref := range plan.Delete {
			pods = slices.DeleteFunc(pods, func(p *corev1.Pod) bool { return p.Name == ref.Name })
			changed = true
		}
		if status, write := plan.Status(nil); write {
			rs.Status = status
			changed = true
		}
		if !changed {
			return rsViewOf(s.pods, rs, pods), nil
		}
	}
	return rsSettled{}, fmt.Errorf("kubesem: no fixed point after 30 passes")
}

// upstreamRSSettle runs kube-controller-manager's ReplicaSet controller
// on a fake clientset holding the scenario until it stops writing
// (the StaleControllerConsistencyReplicaSet
// gate off, reactors as installAPIServerReactors).
func upstreamRSSettle(t *testing.T, s rsScenario) rsSettled {
	objs := []runtime.Object{s.rs.DeepCopy()}
	for _, p := range s.pods {
		objs = append(objs, p.DeepCopy())
	}
	client := fake.NewSimpleClientset(objs...)
	writes := installAPIServerReactors(client)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	factory := informers.NewSharedInformerFactory(client, 0)
	rsc := replicaset.NewReplicaSetController(ctx, factory.Apps().V1().ReplicaSets(), factory.Core().V1().Pods(), client, replicaset.BurstReplicas)
	factory.Start(ctx.Done())
	go rsc.Run(ctx, 1)
	settle(writes)
	got, err := client.Tracker().Get(appsv1.SchemeGroupVersion.WithResource("replicasets"), "default", "web")
	if err != nil {
		t.Fatal(err)
	}
	return rsViewOf(s.pods, got.(*appsv1.ReplicaSet), listPods(t, client))
}

// TestReplicaSetSyncMatchesUpstream runs the upstream ReplicaSet controller
// and workload.SyncReplicaSet from the same random pods (owned, orphaned,
// mislabelled, another controller's; every phase, readiness, node and age)
// and requires the same settled state: which of the starting pods are left
// and who controls them (adoption, release, the choice of pods to delete),
// how many pods were created, and the ReplicaSet's status. Cases are fixed
// in number (KUBESEM_SYNC_CASES, default 40), as in
// TestDeploymentSyncMatchesUpstream.
func TestReplicaSetSyncMatchesUpstream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the upstream controller")
	}
	if err := utilfeature.DefaultMutableFeatureGate.Set("StaleControllerConsistencyReplicaSet=false"); err != nil {
		t.Fatal(err)
	}
	cases := 40
	if v, err := strconv.Atoi(os.Getenv("KUBESEM_SYNC_CASES")); err == nil {
		cases = v
	}
	var created, deleted, adopted, released atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for seed := range cases {
			t.Run(strconv.Itoa(seed), func(t *testing.T) {
				t.Parallel()
				s := genRSScenario.Example(seed)
				want := upstreamRSSettle(t, s)
				if want.Created > 0 {
					created.Add(1)
				}
				if len(want.Kept) < len(s.pods) {
					deleted.Add(1)
				}
				for _, p := range s.pods {
					owner, kept := want.Kept[p.Name]
					before := metav1.GetControllerOfNoCopy(p)
					switch {
					case kept && before == nil && owner == string(s.rs.UID):
						adopted.Add(1)
					case kept && before != nil && before.UID == s.rs.UID && owner == "":
						released.Add(1)
					}
				}
				got, err := kubesemRSSettle(s, time.Now())
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("seed %d (replicas %d, %d pods): settled state differs from upstream (-upstream +kubesem):\n%s", seed, *s.rs.Spec.Replicas, len(s.pods), diff)
				}
			})
		}
	})
	// a comparison where the controller does nothing proves little
	t.Logf("of %d cases: %d created pods, %d deleted some; %d pods adopted, %d released", cases, created.Load(), deleted.Load(), adopted.Load(), released.Load())
	if cases >= 20 && (created.Load() == 0 || deleted.Load() == 0 || adopted.Load() == 0 || released.Load() == 0) {
		t.Error("the generator misses a kind of decision")
	}
}

// genGatedRSScenario is genRSScenario with terminating pods (a deletion
// timestamp) and pod-deletion-cost annotations, the inputs of the two
// feature gates a ReplicaSet sync depends on.
var genGatedRSScenario = rapid.Custom(func(t *rapid.T) rsScenario {
	s := genRSScenario.Draw(t, "scenario")
	deleted := metav1.NewTime(time.Now().Add(-time.Minute).Truncate(time.Second))
	for _, p := range s.pods {
		if rapid.IntRange(0, 3).Draw(t, "terminating") == 0 {
			p.DeletionTimestamp = &deleted
			p.Finalizers = []string{"example.com/hold"}
		}
		if c := rapid.SampledFrom([]string{"", "", "-5", "0", "7"}).Draw(t, "cost"); c != "" {
			p.Annotations = map[string]string{workload.DeletionCostAnnotation: c}
		}
	}
	return s
})

// TestReplicaSetSyncGatesMatchUpstream is TestReplicaSetSyncMatchesUpstream
// with each combination of DeploymentReplicaSetTerminatingReplicas and
// PodDeletionCost switched in upstream's gate (SetFeatureGateDuringTest)
// and given to workload.SyncReplicaSet as Options.Gates, on scenarios with
// terminating pods and deletion costs: the settled state, the status's
// terminatingReplicas (nil with the gate off) and the choice of pods to
// delete included, must be the same (workload rule 13).
func TestReplicaSetSyncGatesMatchUpstream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the upstream controller")
	}
	if err := utilfeature.DefaultMutableFeatureGate.Set("StaleControllerConsistencyReplicaSet=false"); err != nil {
		t.Fatal(err)
	}
	cases := 12
	if v, err := strconv.Atoi(os.Getenv("KUBESEM_SYNC_CASES")); err == nil {
		cases = max(v/4, 1)
	}
	for _, terminating := range []bool{true, false} {
		for _, cost := range []bool{true, false} {
			name := fmt.Sprintf("terminating=%v,cost=%v", terminating, cost)
			t.Run(name, func(t *testing.T) {
				featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, kfeatures.DeploymentReplicaSetTerminatingReplicas, terminating)
				featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, kfeatures.PodDeletionCost, cost)
				gates := features.Gates{features.DeploymentReplicaSetTerminatingReplicas: terminating, features.PodDeletionCost: cost}
				var withTerminating atomic.Int64
				t.Run("cases", func(t *testing.T) {
					for seed := range cases {
						t.Run(strconv.Itoa(seed), func(t *testing.T) {
							t.Parallel()
							s := genGatedRSScenario.Example(seed)
							want := upstreamRSSettle(t, s)
							if want.Status.TerminatingReplicas != nil && *want.Status.TerminatingReplicas > 0 {
								withTerminating.Add(1)
							}
							got, err := kubesemRSSettleWith(s, time.Now(), gates)
							if err != nil {
								t.Fatalf("seed %d: %v", seed, err)
							}
							if diff := cmp.Diff(want, got); diff != "" {
								t.Errorf("seed %d (replicas %d, %d pods): settled state differs from upstream (-upstream +kubesem):\n%s", seed, *s.rs.Spec.Replicas, len(s.pods), diff)
							}
						})
					}
				})
				if terminating && cases >= 8 && withTerminating.Load() == 0 {
					t.Error("no case had a terminating pod to count")
				}
			})
		}
	}
}
