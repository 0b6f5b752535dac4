package rollout_test

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/rollout"
)

// The fenceposts of the tutorial's http-go Deployment (3 replicas, the
// default 25%/25%): one extra pod during a rollout, none unavailable.
func ExampleMaxSurge() {
	d := deployment(3, "25%", "25%")
	fmt.Println(rollout.MaxSurge(d), rollout.MaxUnavailable(d), rollout.MinAvailable(d))
	// Output: 1 0 3
}

// After `kubectl set image`, the ReplicaSet with the old image is old and
// none is new yet: the controller will create one.
func ExampleFindNewReplicaSet() {
	d := deployment(3, "25%", "25%")
	d.Spec.Template = corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "http-go"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "http-go", Image: "gasbugs/http-go:v2"}}},
	}
	v1 := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "http-go-v1"}, Spec: appsv1.ReplicaSetSpec{Template: *d.Spec.Template.DeepCopy()}}
	v1.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v1"
	_, old := rollout.FindOldReplicaSets(d, []*appsv1.ReplicaSet{v1})
	fmt.Println(rollout.FindNewReplicaSet(d, []*appsv1.ReplicaSet{v1}) == nil, len(old))
	// Output: true 1
}

func ExampleReplicaSetName() {
	fmt.Println(rollout.ReplicaSetName("http-go", "5b8fd9cfc4"))
	// Output: http-go-5b8fd9cfc4
}

func ExampleResolveFenceposts() {
	fmt.Println(rollout.ResolveFenceposts(ptr(intstrFrom("0")), ptr(intstrFrom("10%")), 5))
	// Output: 0 1 <nil>
}

// The first pass over the tutorial's http-go Deployment creates its first
// ReplicaSet at full size and says so in the Progressing condition.
func ExampleSync() {
	d := rollout.Default(httpGo())
	d.Annotations = nil
	plan, err := rollout.Sync(d, nil, nil, t0)
	if err != nil {
		panic(err)
	}
	fmt.Println(*plan.Create.Spec.Replicas, plan.Create.Annotations[rollout.RevisionAnnotation], plan.Events[0].Message == "Scaled up replica set "+plan.Create.Name+" from 0 to 3")
	// Like upstream, the pass writes the Deployment once, right after the
	// create; its later status write would conflict (Plan.Conflict), so
	// the next pass writes the counts and Available.
	for _, c := range plan.Deployment.Status.Conditions {
		fmt.Println(c.Type, c.Status, c.Reason)
	}
	fmt.Println("conflict:", plan.Conflict)
	// Output:
	// 3 1 true
	// Progressing True NewReplicaSetCreated
	// conflict: true
}

// Blue/green is not a Kubernetes strategy; BlueGreen plans it with two
// Deployments and a Service selector switch.
func ExampleBlueGreen() {
	blue := rollout.Default(httpGo())
	blue.Spec.Template.Labels["version"] = "blue"
	tpl := *blue.Spec.Template.DeepCopy()
	tpl.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	steps, err := rollout.BlueGreen(blue, "version", "green", tpl, map[string]string{"app": "http-go", "version": "blue"})
	if err != nil {
		panic(err)
	}
	for _, s := range steps {
		fmt.Println(s.What)
	}
	fmt.Println(steps[0].Create.Spec.Selector.MatchLabels, steps[2].ServiceSelector)
	// Output:
	// create Deployment http-go-green (green) beside http-go (blue)
	// wait until http-go-green is complete
	// switch the Service to the green pods
	// scale http-go (blue) to 0
	// map[app:http-go version:green] map[app:http-go version:green]
}

// A rolling update step by step: http-go from v1 to v2 with 3 replicas
// (surge 1, unavailable 0), each pass applied and its pods made available
// before the next.
func ExampleSync_rollingUpdate() {
	d := rollout.Default(httpGo())
	d.Annotations = nil
	d.Spec.MinReadySeconds = 0 // pods are available as soon as ready
	w := &world{d: d, broken: map[string]bool{}, now: t0}
	var nb nopBuilder
	w.settleQuiet(&nb)
	w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	w.d.Generation++
	for pass := 1; ; pass++ {
		plan, _ := rollout.Sync(w.d, w.rss, nil, w.now)
		if len(plan.Events) == 0 {
			break
		}
		for _, e := range plan.Events {
			fmt.Printf("pass %d: %s\n", pass, strings.NewReplacer(w.rss[0].Name, "v1", rollout.ReplicaSetName("http-go", rollout.ComputeHash(&w.d.Spec.Template, nil)), "v2").Replace(e.Message))
		}
		w.apply(plan)
		w.observe()
	}
	// Output:
	// pass 1: Scaled up replica set v2 from 0 to 1
	// pass 2: Scaled down replica set v1 from 3 to 2
	// pass 3: Scaled up replica set v2 from 1 to 2
	// pass 4: Scaled down replica set v1 from 2 to 1
	// pass 5: Scaled up replica set v2 from 2 to 3
	// pass 6: Scaled down replica set v1 from 1 to 0
}

// kubectl rollout undo: back to the previous revision's template.
func ExampleUndo() {
	d := httpGo()
	d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	v1 := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "http-go-v1", UID: "1", Annotations: map[string]string{rollout.RevisionAnnotation: "1"}}}
	v1.Spec.Template = *httpGo().Spec.Template.DeepCopy()
	v2 := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "http-go-v2", UID: "2", Annotations: map[string]string{rollout.RevisionAnnotation: "2"}}}
	v2.Spec.Template = *d.Spec.Template.DeepCopy()
	out, msg, err := rollout.Undo(d, []*appsv1.ReplicaSet{v1, v2}, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(msg)
	fmt.Println(out.Spec.Template.Spec.Containers[0].Image)
	// Output:
	// deployment.apps/http-go rolled back
	// gasbugs/http-go:v1
}

// A controller of one's own keeps a Deployment's conditions as the
// Deployment controller does: a new reason with the same status moves the
// update time, and the transition time stays.
func ExampleSetDeploymentCondition() {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var status appsv1.DeploymentStatus
	rollout.SetDeploymentCondition(&status, *rollout.NewDeploymentCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue,
		rollout.ReasonNewReplicaSetCreated, `Created new replica set "http-go-5d8d4c4b9c"`, t0))
	rollout.SetDeploymentCondition(&status, *rollout.NewDeploymentCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue,
		rollout.ReasonNewReplicaSetAvailable, `ReplicaSet "http-go-5d8d4c4b9c" has successfully progressed.`, t0.Add(time.Minute)))
	c := rollout.GetDeploymentCondition(status, appsv1.DeploymentProgressing)
	fmt.Println(c.Reason, c.LastUpdateTime.Sub(t0), c.LastTransitionTime.Sub(t0))
	rollout.RemoveDeploymentCondition(&status, appsv1.DeploymentProgressing)
	fmt.Println(rollout.GetDeploymentCondition(status, appsv1.DeploymentProgressing) == nil)
	// Output:
	// NewReplicaSetAvailable 1m0s 0s
	// true
}
