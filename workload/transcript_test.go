package workload_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/workload"
)

// world is a namespace driven by applying plans at once: the smallest
// faithful driver (every action is observed before the next sync, so
// expectations are always met, RS-8.2). New pods are scheduled, running
// and ready the moment they are created.
type world struct {
	rc   *corev1.ReplicationController
	rs   *appsv1.ReplicaSet
	pods []*corev1.Pod
	gen  *workload.Names
	now  time.Time
}

func (w *world) pod(ref string) *corev1.Pod {
	slices.SortFunc(w.pods, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
	if i, err := strconv.Atoi(strings.TrimPrefix(ref, "#")); err == nil && strings.HasPrefix(ref, "#") && i >= 1 && i <= len(w.pods) {
		return w.pods[i-1]
	}
	for _, p := range w.pods {
		if p.Name == ref {
			return p
		}
	}
	return nil
}

// settle syncs until a sync changes nothing and writes what each did.
func (w *world) settle(b *strings.Builder) {
	for round := 1; round <= 10; round++ {
		var plan *workload.Plan
		var err error
		if w.rc != nil {
			plan, err = workload.SyncReplicationController(w.rc, w.pods, w.now, workload.Options{})
		} else {
			plan, err = workload.SyncReplicaSet(w.rs, w.pods, w.now, workload.Options{})
		}
		if err != nil {
			fmt.Fprintf(b, "sync error: %v\n", err)
			return
		}
		var did []string
		for _, a := range plan.Adopt {
			p := w.pod(a.Name)
			p.OwnerReferences = append(p.OwnerReferences, plan.OwnerRef)
			did = append(did, "adopt "+a.Name)
		}
		for _, r := range plan.Release {
			w.pod(r.Name).OwnerReferences = nil
			did = append(did, "release "+r.Name)
		}
		if plan.Create > 0 {
			var made []string
			workload.SlowStart(plan.Create, func(int) error {
				p := plan.Template.DeepCopy()
				p.Name, _ = w.gen.GenerateUnique(p.GenerateName, func(n string) bool { return w.pod(n) != nil })
				p.UID = types.UID("uid-" + p.Name)
				p.CreationTimestamp = metav1.NewTime(w.now)
				p.Spec.NodeName = "worker1"
				p.Status = corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(w.now)}}}
				w.pods = append(w.pods, p)
				made = append(made, p.Name)
				return nil
			})
			did = append(did, fmt.Sprintf("create %d in batches %v: %s", plan.Create, workload.Batches(plan.Create), strings.Join(made, " ")))
		}
		for _, d := range plan.Delete {
			w.pods = slices.DeleteFunc(w.pods, func(p *corev1.Pod) bool { return p.Name == d.Name })
			did = append(did, "delete "+d.Name)
		}
		st, write := plan.Status(nil)
		if write {
			did = append(did, fmt.Sprintf("status replicas=%d fullyLabeled=%d ready=%d available=%d", st.Replicas, st.FullyLabeledReplicas, st.ReadyReplicas, st.AvailableReplicas))
			if w.rc != nil {
				w.rc.Status = workload.ToReplicationControllerStatus(st)
			} else {
				w.rs.Status = st
			}
		}
		if len(did) == 0 {
			return
		}
		fmt.Fprintf(b, "sync %d: %s\n", round, strings.Join(did, "; "))
	}
}

func (w *world) get(b *strings.Builder) {
	slices.SortFunc(w.pods, func(a, b *corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range w.pods {
		owner := "<none>"
		if ref := metav1.GetControllerOf(p); ref != nil {
			owner = ref.Kind + "/" + ref.Name
		}
		fmt.Fprintf(b, "%-20s %-8s %-28s %s\n", p.Name, p.Status.Phase, owner, labels.Format(p.Labels))
	}
}

// TestTranscripts replays the tutorial's ReplicationController and
// ReplicaSet sections (testdata/tutorial.txt; -rewrite to regenerate).
//
//	create rc|rs           the tutorial's object; then sync to a fixed point
//	delete pod=<ref>       kubectl delete pod (ref: a name or #n in name order)
//	label pod=<ref> <args> kubectl label pod … (e.g. app-, app=blue --overwrite)
//	scale replicas=<n>     kubectl scale
//	get                    the namespace's pods: name, phase, controller, labels
func TestTranscripts(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		var w *world
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			var b strings.Builder
			if w != nil {
				w.now = w.now.Add(10 * time.Second)
			}
			switch d.Cmd {
			case "create":
				w = &world{gen: workload.NewNames(1), now: t0}
				switch d.CmdArgs[0].Key {
				case "rc":
					w.rc = nginxRC()
				case "rs":
					w.rs = blueYellowRS()
				}
			case "delete":
				var ref string
				d.ScanArgs(t, "pod", &ref)
				p := w.pod(ref)
				w.pods = slices.DeleteFunc(w.pods, func(q *corev1.Pod) bool { return q == p })
				fmt.Fprintf(&b, "pod %q deleted from default namespace\n", p.Name)
			case "label":
				var ref string
				d.ScanArgs(t, "pod", &ref)
				p := w.pod(ref)
				var args []string
				overwrite := false
				for _, a := range d.CmdArgs[1:] {
					if a.Key == "--overwrite" {
						overwrite = true
					} else {
						args = append(args, a.String())
					}
				}
				edits, err := labels.ParseLabelEdits(args)
				if err == nil {
					var res labels.Result
					if res, err = labels.ApplyLabels(p.Labels, edits, overwrite); err == nil {
						p.Labels = res.Map
						fmt.Fprintln(&b, res.Line("pod/"+p.Name))
					}
				}
				if err != nil {
					fmt.Fprintf(&b, "error: %v\n", err)
				}
			case "scale":
				var n int
				d.ScanArgs(t, "replicas", &n)
				if w.rc != nil {
					w.rc.Spec.Replicas, w.rc.Generation = ptr(int32(n)), w.rc.Generation+1
					fmt.Fprintln(&b, "replicationcontroller/nginx scaled")
				} else {
					w.rs.Spec.Replicas, w.rs.Generation = ptr(int32(n)), w.rs.Generation+1
					fmt.Fprintln(&b, "replicaset.apps/replicaset-2 scaled")
				}
			case "get":
				w.get(&b)
				return b.String()
			default:
				d.Fatalf(t, "unknown command %s", d.Cmd)
			}
			w.settle(&b)
			return b.String()
		})
	})
}
