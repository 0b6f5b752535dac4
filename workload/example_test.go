package workload_test

import (
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/workload"
)

// Scale-up: the tutorial's nginx RC with no pods yet.
func ExampleSyncReplicationController_scaleUp() {
	rc := nginxRC()
	plan, err := workload.SyncReplicationController(rc, nil, t0, workload.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("create", plan.Create, "in batches", workload.Batches(plan.Create), "named", plan.Template.GenerateName+"…")
	names := workload.NewNames(1)
	created, err := workload.SlowStart(plan.Create, func(int) error {
		fmt.Println("created", names.Generate(plan.Template.GenerateName))
		return nil
	})
	status, write := plan.ReplicationControllerStatus(err)
	fmt.Println(created, "created; status replicas", status.Replicas, "write", write)
	// Output:
	// create 3 in batches [1 2] named nginx-…
	// created nginx-m4t5z
	// created nginx-vfn84
	// created nginx-jf7f6
	// 3 created; status replicas 0 write true
}

// Scale-down: five pods, two wanted. The pending one and the unscheduled
// one go first, then the most recently ready.
func ExampleSyncReplicationController_scaleDown() {
	rc := nginxRC()
	rc.Spec.Replicas = ptr(int32(2))
	var pods []*corev1.Pod
	for i, name := range []string{"nginx-a", "nginx-b", "nginx-c", "nginx-d", "nginx-e"} {
		p := pod(name, map[string]string{"app": "nginx"}, rc, "ReplicationController")
		p.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(i * 600))
		pods = append(pods, p)
	}
	pods[1].Status.Phase = corev1.PodPending
	pods[3].Spec.NodeName = ""
	plan, _ := workload.SyncReplicationController(rc, pods, at(3600), workload.Options{})
	for _, d := range plan.Delete {
		fmt.Println("delete", d.Name)
	}
	// Output:
	// delete nginx-d
	// delete nginx-b
	// delete nginx-e
}

// A failed create shows in the status as a ReplicaFailure condition.
func ExamplePlan_Status() {
	rs := blueYellowRS()
	plan, _ := workload.SyncReplicaSet(rs, nil, t0, workload.Options{})
	_, err := workload.SlowStart(plan.Create, func(i int) error {
		if i > 0 {
			return errors.New(`pods "replicaset-2-x" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1`)
		}
		return nil
	})
	st, _ := plan.Status(err)
	c := st.Conditions[0]
	fmt.Println(c.Type, c.Status, c.Reason)
	// Output: ReplicaFailure True FailedCreate
}

func ExampleSyncReplicaSet() {
	rs := blueYellowRS()
	blue := pod("blue", map[string]string{"app": "blue"}, nil, "")
	plan, _ := workload.SyncReplicaSet(rs, []*corev1.Pod{blue}, t0, workload.Options{})
	fmt.Println("adopt", names(plan.Adopt), "create", plan.Create, "labels", plan.Template.Labels)
	// Output: adopt [blue] create 1 labels map[app:yellow]
}

// A Tally counts a ReplicaSet's pods as they are written; a sync decided
// from it reads none of them. Here one pod of two exists and is ready: one
// more is to be created, and the status counts one ready replica.
func ExampleSyncCounted() {
	rs := blueYellowRS()
	tally, err := workload.NewTally(rs, nil)
	if err != nil {
		panic(err)
	}
	yellow := pod("yellow-1", map[string]string{"app": "yellow"}, rs, "ReplicaSet")
	tally.Change(nil, yellow) // its creation, as the store saw it
	plan, ok := workload.SyncCounted(rs, tally, 0, t0, workload.Options{})
	st, _ := plan.Status(nil)
	fmt.Println("decided:", ok, "create:", plan.Create, "replicas:", st.Replicas, "ready:", st.ReadyReplicas)
	gone := yellow.DeepCopy()
	gone.Labels = map[string]string{"app": "green"} // no longer selected: released
	tally.Change(yellow, gone)
	_, ok = workload.SyncCounted(rs, tally, 0, t0, workload.Options{})
	fmt.Println("decided after the relabel:", ok)
	// Output:
	// decided: true create: 1 replicas: 1 ready: 1
	// decided after the relabel: false
}

// SyncOwned decides a Deployment's old ReplicaSet's scale-down from the
// pods it controls and the tallies of both ReplicaSets: the pods on the
// node crowded with the Deployment's pods go first (here a, on worker1
// with both new pods). A pod that carries the old ReplicaSet's hash
// without being its own would count on its node too: the tallies cannot
// say, and SyncOwned declines.
func ExampleSyncOwned() {
	old, cur := deploymentRS("old", 2), deploymentRS("new", 2)
	oldPods := []*corev1.Pod{podOn("a", "worker1", old), podOn("b", "worker2", old), podOn("c", "worker2", old)}
	newPods := []*corev1.Pod{podOn("n1", "worker1", cur), podOn("n2", "worker1", cur)}
	oldTally, _ := workload.NewTally(old, oldPods)
	newTally, _ := workload.NewTally(cur, newPods)
	labeled := map[string]int{"old": 3, "new": 2} // the namespace's pods by hash
	owned := workload.Owned{Pods: oldPods, Tallies: map[types.UID]*workload.Tally{cur.UID: newTally},
		Labeled: func(hash string) int { return labeled[hash] }}
	opts := workload.Options{Siblings: []*appsv1.ReplicaSet{cur}}
	plan, ok := workload.SyncOwned(old, oldTally, 0, owned, t0, opts)
	fmt.Println("decided:", ok, "delete:", names(plan.Delete))
	labeled["old"]++ // a stray pod labelled with the old hash
	_, ok = workload.SyncOwned(old, oldTally, 0, owned, t0, opts)
	fmt.Println("decided with a stray pod:", ok)
	// Output:
	// decided: true delete: [a]
	// decided with a stray pod: false
}

func ExamplePodsToDelete() {
	a := pod("a", nil, nil, "")
	b := pod("b", nil, nil, "")
	b.Status.Conditions[0].Status = corev1.ConditionFalse
	for _, p := range workload.PodsToDelete([]*corev1.Pod{a, b}, nil, 1, at(60)) {
		fmt.Println(p.Name)
	}
	// Output: b
}

func ExampleIsAvailable() {
	p := pod("a", nil, nil, "") // ready since t0
	fmt.Println(workload.IsAvailable(p, 10, at(5)), workload.IsAvailable(p, 10, at(10)))
	// Output: false true
}

func ExampleBatches() {
	fmt.Println(workload.Batches(10), workload.Batches(500))
	// Output: [1 2 4 3] [1 2 4 8 16 32 64 128 245]
}

func ExampleDeletionCost() {
	p := pod("a", nil, nil, "")
	p.Annotations = map[string]string{workload.DeletionCostAnnotation: "007"}
	_, err := workload.DeletionCost(p)
	fmt.Println(err)
	// Output: strconv.ParseInt: parsing "007": invalid syntax
}

func ExampleDefaultReplicationController() {
	rc := nginxRC() // already defaulted: selector and labels from the template
	fmt.Println(rc.Spec.Selector, rc.Labels, *rc.Spec.Replicas, rc.Spec.Template.Spec.Containers[0].ImagePullPolicy)
	// Output: map[app:nginx] map[app:nginx] 3 Always
}

func ExampleValidateReplicaSet() {
	rs := blueYellowRS()
	rs.Spec.Selector = &metav1.LabelSelector{}
	fmt.Println(workload.ValidateReplicaSet(rs).ToAggregate())
	// Output: spec.selector: Invalid value: {}: empty selector is invalid for deployment
}

func ExampleNames_Generate() {
	fmt.Println(workload.NewNames(42).Generate("http-go-"))
	// Output: http-go-fc2c6
}

// A Memo kept with a controller across its syncs: the second sync sees
// two of the three pods unchanged (the same objects) and one replaced by
// a newer object, now ready; only that one is read again. The plans are
// those of syncs without the Memo.
func ExampleMemo() {
	rc := nginxRC()
	var pods []*corev1.Pod
	for _, name := range []string{"nginx-a", "nginx-b", "nginx-c"} {
		p := pod(name, map[string]string{"app": "nginx"}, rc, "ReplicationController")
		p.Status.Conditions[0].Status = corev1.ConditionFalse
		pods = append(pods, p)
	}
	var memo workload.Memo // one per controller, kept as long as it lives
	plan, _ := workload.SyncReplicationController(rc, pods, at(60), workload.Options{Memo: &memo})
	status, _ := plan.ReplicationControllerStatus(nil)
	fmt.Println("ready", status.ReadyReplicas, "of", status.Replicas)

	ready := pods[2].DeepCopy() // a write is a new object, never a change in place
	ready.Status.Conditions[0].Status = corev1.ConditionTrue
	pods[2] = ready
	plan, _ = workload.SyncReplicationController(rc, pods, at(61), workload.Options{Memo: &memo})
	status, _ = plan.ReplicationControllerStatus(nil)
	fmt.Println("ready", status.ReadyReplicas, "of", status.Replicas)
	// Output:
	// ready 0 of 3
	// ready 1 of 3
}
