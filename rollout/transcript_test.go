package rollout_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/rollout"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// world applies plans at once and plays the ReplicaSet controller and the
// kubelet in the crudest way that keeps the Deployment controller honest:
// after each pass every ReplicaSet has exactly its spec's pods, all ready
// and available — except pods of a broken image, which never become
// available.
type world struct {
	d      *appsv1.Deployment
	rss    []*appsv1.ReplicaSet
	broken map[string]bool
	now    time.Time
	// readySince holds, per ReplicaSet, when each of its pods became
	// ready: new pods are ready at once, available after the
	// ReplicaSet's minReadySeconds; scale-down removes the most recently
	// ready first (RS-6.3).
	readySince map[string][]time.Time
}

// observe plays the ReplicaSet controller and the kubelet; it reports
// whether any ReplicaSet's status changed.
func (w *world) observe() bool {
	changed := false
	if w.readySince == nil {
		w.readySince = map[string][]time.Time{}
	}
	for _, rs := range w.rss {
		n := *rs.Spec.Replicas
		ready := w.readySince[rs.Name]
		for int32(len(ready)) < n {
			ready = append(ready, w.now)
		}
		ready = ready[:n]
		w.readySince[rs.Name] = ready
		before := rs.Status
		rs.Status.Replicas = n
		rs.Status.ObservedGeneration = rs.Generation
		if w.broken[rs.Spec.Template.Spec.Containers[0].Image] {
			rs.Status.ReadyReplicas, rs.Status.AvailableReplicas = 0, 0
		} else {
			available := int32(0)
			for _, t := range ready {
				if !t.Add(time.Duration(rs.Spec.MinReadySeconds) * time.Second).After(w.now) {
					available++
				}
			}
			rs.Status.ReadyReplicas, rs.Status.AvailableReplicas = n, available
		}
		if rs.Status.Replicas != before.Replicas || rs.Status.ReadyReplicas != before.ReadyReplicas ||
			rs.Status.AvailableReplicas != before.AvailableReplicas || rs.Status.ObservedGeneration != before.ObservedGeneration {
			changed = true
		}
	}
	return changed
}

// pending reports whether some ready pod is not available yet.
func (w *world) pending() bool {
	for _, rs := range w.rss {
		if !w.broken[rs.Spec.Template.Spec.Containers[0].Image] && rs.Status.AvailableReplicas < rs.Status.ReadyReplicas {
			return true
		}
	}
	return false
}

func (w *world) apply(p *rollout.Plan) {
	if p.Create != nil {
		rs := p.Create.DeepCopy()
		rs.UID = types.UID("uid-" + rs.Name)
		rs.CreationTimestamp = metav1.NewTime(w.now)
		rs.Generation = 1
		w.rss = append(w.rss, rs)
	}
	for _, u := range p.Updates {
		for i, rs := range w.rss {
			if rs.Name == u.Name {
				n := u.DeepCopy()
				if *n.Spec.Replicas != *rs.Spec.Replicas || n.Spec.MinReadySeconds != rs.Spec.MinReadySeconds {
					n.Generation = rs.Generation + 1
				}
				n.Status = rs.Status
				w.rss[i] = n
			}
		}
	}
	for _, name := range p.Deletes {
		w.rss = slices.DeleteFunc(w.rss, func(rs *appsv1.ReplicaSet) bool { return rs.Name == name })
	}
	if p.WriteStatus {
		w.d.Status = p.Deployment.Status
		w.d.Annotations = p.Deployment.Annotations
	}
}

func (w *world) settle(b *strings.Builder) {
	for pass := 1; pass <= 200; pass++ {
		w.now = w.now.Add(time.Second)
		plan, err := rollout.Sync(w.d, w.rss, nil, w.now)
		if err != nil {
			fmt.Fprintf(b, "pass %d: error %v\n", pass, err)
			return
		}
		w.apply(plan)
		observed := w.observe()
		if plan.Create == nil && len(plan.Updates) == 0 && len(plan.Deletes) == 0 && !plan.WriteStatus {
			if observed || w.pending() {
				continue // nothing to do until the ReplicaSets' news is seen
			}
			fmt.Fprintf(b, "settled after %d passes (%s)\n", pass-1, w.now.Sub(t0))
			return
		}
		var ev []string
		for _, e := range plan.Events {
			ev = append(ev, e.Message)
		}
		if plan.Create != nil {
			ev = append([]string{"create " + plan.Create.Name}, ev...)
		}
		for _, name := range plan.Deletes {
			ev = append(ev, "delete "+name)
		}
		fmt.Fprintf(b, "pass %d at %s: %s\n", pass, w.now.Sub(t0), strings.Join(ev, "; "))
		fmt.Fprintf(b, "  %s\n", w.summary())
	}
	fmt.Fprintln(b, "not settled after 200 passes")
}

func (w *world) summary() string {
	var parts []string
	for _, rs := range rollout.SortByCreation(w.rss) {
		parts = append(parts, fmt.Sprintf("%s(rev %s)=%d/%d", strings.TrimPrefix(rs.Name, w.d.Name+"-"), rs.Annotations[rollout.RevisionAnnotation], *rs.Spec.Replicas, rs.Status.AvailableReplicas))
	}
	s := w.d.Status
	var conds []string
	for _, c := range s.Conditions {
		conds = append(conds, fmt.Sprintf("%s=%s/%s", c.Type, c.Status, c.Reason))
	}
	return fmt.Sprintf("rs %s | deployment replicas=%d updated=%d available=%d unavailable=%d | %s",
		strings.Join(parts, " "), s.Replicas, s.UpdatedReplicas, s.AvailableReplicas, s.UnavailableReplicas, strings.Join(conds, " "))
}

// TestTranscripts replays Deployments over passes of the controller
// (testdata/*.txt; -rewrite to regenerate):
//
//	deploy replicas=<n> image=<i> [strategy=Recreate] [surge=<s> unavailable=<u>] [limit=<n>] [record]
//	set-image image=<i> [record] kubectl set image; then passes to a fixed point
//	                             (record: --record=true, the command line becomes the change-cause)
//	scale replicas=<n>           kubectl scale
//	break image=<i>              pods of that image never become available
//	history                      kubectl rollout history
//	undo [to-revision=<n>]       kubectl rollout undo
//	pause, resume                kubectl rollout pause / resume
//	wait seconds=<n>             time passes
//	min-ready seconds=<n>        kubectl patch … minReadySeconds: the new pods
//	                             become available that long after they are ready
func TestTranscripts(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		var w *world
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			var b strings.Builder
			switch d.Cmd {
			case "deploy":
				var n int
				var image string
				d.ScanArgs(t, "replicas", &n)
				d.ScanArgs(t, "image", &image)
				dep := &appsv1.Deployment{
					ObjectMeta: metav1.ObjectMeta{Name: "http-go", Namespace: "default", UID: "deploy-uid", Generation: 1, Labels: map[string]string{"app": "http-go"}},
					Spec: appsv1.DeploymentSpec{
						Replicas: ptr(int32(n)),
						Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go"}},
						Template: corev1.PodTemplateSpec{
							ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "http-go"}},
							Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "http-go", Image: image, Ports: []corev1.ContainerPort{{ContainerPort: 8080}}}}},
						},
					},
				}
				if d.HasArg("strategy") {
					var s string
					d.ScanArgs(t, "strategy", &s)
					dep.Spec.Strategy.Type = appsv1.DeploymentStrategyType(s)
				}
				dep = rollout.Default(dep)
				if d.HasArg("surge") {
					var s, u string
					d.ScanArgs(t, "surge", &s)
					d.ScanArgs(t, "unavailable", &u)
					su, uu := intstr.Parse(s), intstr.Parse(u)
					dep.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: &su, MaxUnavailable: &uu}
				}
				if d.HasArg("limit") {
					var l int
					d.ScanArgs(t, "limit", &l)
					dep.Spec.RevisionHistoryLimit = ptr(int32(l))
				}
				if d.HasArg("record") {
					dep.Annotations = map[string]string{rollout.ChangeCauseAnnotation: "kubectl create --filename=http-go-deploy-v1.yaml --record=true"}
				}
				w = &world{d: dep, broken: map[string]bool{}, now: t0}
				fmt.Fprintf(&b, "deployment.apps/http-go created (maxSurge %d, maxUnavailable %d)\n", rollout.MaxSurge(dep), rollout.MaxUnavailable(dep))
			case "set-image":
				var image string
				d.ScanArgs(t, "image", &image)
				w.d.Spec.Template.Spec.Containers[0].Image = image
				if d.HasArg("record") {
					if w.d.Annotations == nil {
						w.d.Annotations = map[string]string{}
					}
					w.d.Annotations[rollout.ChangeCauseAnnotation] = "kubectl set image deploy http-go http-go=" + image + " --record=true"
				}
				w.d.Generation++
				fmt.Fprintln(&b, "deployment.apps/http-go image updated")
			case "min-ready":
				// kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":N}}'
				var n int
				d.ScanArgs(t, "seconds", &n)
				w.d.Spec.MinReadySeconds = int32(n)
				w.d.Generation++
				fmt.Fprintln(&b, "deployment.apps/http-go patched")
			case "wait":
				var n int
				d.ScanArgs(t, "seconds", &n)
				w.now = w.now.Add(time.Duration(n) * time.Second)
				w.observe()
				return fmt.Sprintf("%d s pass\n", n)
			case "scale":
				var n int
				d.ScanArgs(t, "replicas", &n)
				w.d.Spec.Replicas = ptr(int32(n))
				w.d.Generation++
				fmt.Fprintln(&b, "deployment.apps/http-go scaled")
			case "history":
				return rollout.HistoryOutput(w.d, w.rss)
			case "undo", "pause", "resume":
				var out *appsv1.Deployment
				var msg string
				var err error
				switch d.Cmd {
				case "undo":
					var to int
					if d.HasArg("to-revision") {
						d.ScanArgs(t, "to-revision", &to)
					}
					out, msg, err = rollout.Undo(w.d, w.rss, int64(to))
				case "pause":
					out, msg, err = rollout.Pause(w.d)
				case "resume":
					out, msg, err = rollout.Resume(w.d)
				}
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				fmt.Fprintln(&b, msg)
				if out == nil {
					return b.String()
				}
				out.Generation, out.Status = w.d.Generation+1, w.d.Status
				w.d = out
			case "break":
				var image string
				d.ScanArgs(t, "image", &image)
				w.broken[image] = true
				return "ok\n"
			default:
				d.Fatalf(t, "unknown command %s", d.Cmd)
			}
			w.settle(&b)
			return b.String()
		})
	})
}
