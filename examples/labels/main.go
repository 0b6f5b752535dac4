// Command labels walks through the tutorial's section on labels and
// selectors (the course's section "3. 레이블과 셀렉터") and prints what kubectl would show:
// labels on pods, kubectl label with and without --overwrite, removing a
// label, -L columns, --show-labels, -l filters, and the matchExpressions
// selector of the tutorial's ReplicaSet, explained pod by pod.
//
//	go run ./examples/labels
//
// The pods are the tutorial's: the http-go pod, the liveness-exec pod, the
// three pods of the nginx ReplicationController and the two of
// replicaset-2. They are all Running here; the cluster package runs them
// for real.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kubesem/kubesem/internal/table"
	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/selector"
)

// now is the virtual time the listing is taken at.
var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// session is the namespace's pods, as kubectl would see them.
type session struct {
	out  io.Writer
	pods map[string]*corev1.Pod
}

func run(out io.Writer) error {
	s := &session{out: out, pods: map[string]*corev1.Pod{}}
	for _, p := range []struct {
		name   string
		age    time.Duration
		labels map[string]string
	}{
		{"http-go", 25 * time.Minute, map[string]string{"app": "http-go"}},
		{"liveness-exec", 14 * time.Minute, map[string]string{"test": "liveness"}},
		{"nginx-8xk2w", 9 * time.Minute, map[string]string{"app": "nginx"}},
		{"nginx-d5lqz", 9 * time.Minute, map[string]string{"app": "nginx"}},
		{"nginx-r7vnh", 9 * time.Minute, map[string]string{"app": "nginx"}},
		{"replicaset-2-9pkbs", 3 * time.Minute, map[string]string{"app": "yellow"}},
		{"replicaset-2-hx4wm", 3 * time.Minute, map[string]string{"app": "yellow"}},
		{"blue", 2 * time.Minute, map[string]string{"app": "blue"}},
	} {
		s.pods[p.name] = runningPod(p.name, now.Add(-p.age), p.labels)
	}

	s.say("Every pod carries labels; --show-labels adds them as the last column.")
	s.get(getOpts{showLabels: true})

	s.say("Add a label (kubectl label pod [name] [key]=[value]).")
	s.label(false, "pod", "http-go", "rel=beta")
	s.label(false, "pod", "nginx-8xk2w", "rel=stable")

	s.say("Changing a label that has a value needs --overwrite; setting the same value does not.")
	s.label(false, "pod", "http-go", "rel=stable")
	s.label(false, "pod", "http-go", "rel=beta")
	s.label(true, "pod", "http-go", "rel=stable")

	s.say("Labels as columns (kubectl get pod -L [key1],[key2]).")
	s.get(getOpts{columns: "app,rel"})

	s.say("Filter with -l: a key alone, =, != (which also selects pods without the key), and !key.")
	s.get(getOpts{showLabels: true, selector: "rel"})
	s.get(getOpts{showLabels: true, selector: "rel=stable"})
	s.get(getOpts{showLabels: true, selector: "rel!=stable"})
	s.get(getOpts{showLabels: true, selector: "!app"})
	s.get(getOpts{selector: "app=jenkins-test"})

	s.say("The ReplicaSet of the tutorial selects with matchExpressions: app In (blue, yellow).")
	rs, err := selector.FromLabelSelector(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
		}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "The same selector on the command line is -l '%s'.\n", rs)
	s.get(getOpts{showLabels: true, selector: rs.String()})
	s.say("Why each pod is or is not selected:")
	for _, name := range s.names() {
		fmt.Fprintf(out, "%s: %s", name, rs.Explain(s.pods[name].Labels))
	}

	s.say("Remove a label (kubectl label pod [name] [key]-); removing it again changes nothing.")
	s.label(false, "pod", "http-go", "rel-")
	s.label(false, "pod", "http-go", "rel-")

	s.say("Annotations are edited the same way (kubectl annotate).")
	s.annotate("pod", "http-go", "test1234=test1234")
	fmt.Fprintf(out, "\nannotations of http-go: %v\n", s.pods["http-go"].Annotations)
	return nil
}

func (s *session) say(text string) { fmt.Fprintf(s.out, "\n# %s\n", text) }

// label runs `kubectl label [--overwrite] ARGS...`.
func (s *session) label(overwrite bool, args ...string) {
	cmd := "kubectl label"
	for _, a := range args {
		cmd += " " + a
	}
	if overwrite {
		cmd += " --overwrite"
	}
	fmt.Fprintf(s.out, "$ %s\n", cmd)
	resources, changes, err := labels.SplitArgs(args, "label")
	if err != nil {
		s.fail(err)
		return
	}
	edits, err := labels.ParseLabelEdits(changes)
	if err != nil {
		s.fail(err)
		return
	}
	pod := s.pods[resources[1]]
	res, err := labels.ApplyLabels(pod.Labels, edits, overwrite)
	if err != nil {
		s.fail(err)
		return
	}
	for _, line := range res.NotFoundLines() {
		fmt.Fprintln(s.out, line)
	}
	if errs := labels.Validate(res.Map, nil); len(errs) > 0 {
		s.fail(errs.ToAggregate())
		return
	}
	pod = pod.DeepCopy()
	pod.Labels = res.Map
	s.pods[pod.Name] = pod
	fmt.Fprintln(s.out, res.Line("pod/"+pod.Name))
}

// annotate runs `kubectl annotate ARGS...`.
func (s *session) annotate(args ...string) {
	fmt.Fprintf(s.out, "$ kubectl annotate %s %s %s\n", args[0], args[1], args[2])
	resources, changes, err := labels.SplitArgs(args, "annotation")
	if err != nil {
		s.fail(err)
		return
	}
	edits, err := labels.ParseAnnotationEdits(changes)
	if err != nil {
		s.fail(err)
		return
	}
	pod := s.pods[resources[1]]
	res, err := labels.ApplyAnnotations(pod.Annotations, edits, false)
	if err != nil {
		s.fail(err)
		return
	}
	pod = pod.DeepCopy()
	pod.Annotations = res.Map
	s.pods[pod.Name] = pod
	fmt.Fprintln(s.out, res.Line("pod/"+pod.Name))
}

func (s *session) fail(err error) { fmt.Fprintf(s.out, "error: %v\n", err) }

type getOpts struct {
	showLabels bool
	columns    string
	selector   string
}

// get runs `kubectl get pod` with --show-labels, -L and -l.
func (s *session) get(o getOpts) {
	cmd := "kubectl get pod"
	if o.showLabels {
		cmd += " --show-labels"
	}
	if o.columns != "" {
		cmd += " -L " + o.columns
	}
	if o.selector != "" {
		cmd += " -l '" + o.selector + "'"
	}
	fmt.Fprintf(s.out, "$ %s\n", cmd)

	sel, err := selector.Parse(o.selector)
	if err != nil {
		s.fail(err)
		return
	}
	cols, err := labels.ParseColumns(o.columns)
	if err != nil {
		s.fail(err)
		return
	}
	items := make([]selector.Item, 0, len(s.pods))
	for name, p := range s.pods {
		items = append(items, selector.Item{Key: name, Labels: p.Labels})
	}
	selected := selector.NewIndex(items...).Select(sel)
	if len(selected) == 0 {
		fmt.Fprintln(s.out, "No resources found in default namespace.")
		return
	}
	header := append([]string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}, labels.ColumnHeaders(cols)...)
	if o.showLabels {
		header = append(header, labels.ShowLabelsHeader)
	}
	var rows [][]string
	for _, name := range selected {
		p := s.pods[name]
		row := append(podCells(p), labels.ColumnValues(p.Labels, cols)...)
		if o.showLabels {
			row = append(row, labels.Format(p.Labels))
		}
		rows = append(rows, row)
	}
	if err := table.Write(s.out, header, rows); err != nil {
		s.fail(err)
	}
}

func (s *session) names() []string {
	var out []string
	for n := range s.pods {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// runningPod is a pod whose one container has been running and ready
// since it was created.
func runningPod(name string, created time.Time, l map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: l, CreationTimestamp: metav1.NewTime(created)},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning,
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: "main", Ready: true,
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(created)}},
			}},
		},
	}
}

// podCells gives the NAME READY STATUS RESTARTS AGE cells of a Running
// pod. It covers only what this example needs; the cluster package prints
// every pod state.
func podCells(p *corev1.Pod) []string {
	ready, restarts := 0, int32(0)
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Ready {
			ready++
		}
		restarts += cs.RestartCount
	}
	return []string{
		p.Name,
		fmt.Sprintf("%d/%d", ready, len(p.Spec.Containers)),
		string(p.Status.Phase),
		strconv.Itoa(int(restarts)),
		duration.HumanDuration(now.Sub(p.CreationTimestamp.Time)),
	}
}
