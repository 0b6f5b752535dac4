package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/printers"
)

// playground is the browser's side of a session: the web page (the
// playground, playground/web) types lines into it one at a time and draws
// the cluster from its snapshots. main_js.go binds it to JavaScript; it
// has no JavaScript in it itself, so that it is tested natively.
//
// The session is the interactive shell's, unchanged, with two
// differences a page needs: -f reads the files the page holds (the
// tutorial's, and those the learner writes in it) instead of a file
// system, and a line that lets virtual time pass — a watch, or a sleep of
// two seconds or more — is paced in real time, a virtual second (or a
// 40th of the sleep) at a time, with the page redrawn in between and
// Ctrl-C (interrupt) heard.
type playground struct {
	s *session
	// speed is how many virtual seconds a watch shows per real second.
	speed float64
	// pause waits in real time between two paced steps (time.Sleep; in
	// the browser that lets the page run).
	pause func(time.Duration)

	// emit and tick belong to the line being run: emit prints, tick
	// tells the page that virtual time has passed (to redraw).
	emit func(string)
	tick func()
	// ctrlC is set by interrupt, between two paced steps.
	ctrlC atomic.Bool
	busy  atomic.Bool
}

// outFunc is an io.Writer that hands what is written to a function.
type outFunc func(string)

func (f outFunc) Write(b []byte) (int, error) {
	f(string(b))
	return len(b), nil
}

// newPlayground starts a playground on a fresh cluster seeded with seed,
// holding files for -f (copied).
func newPlayground(seed uint64, files map[string][]byte) (*playground, error) {
	p := &playground{speed: 10, pause: time.Sleep}
	s, err := newSession(outFunc(func(text string) {
		if p.emit != nil {
			p.emit(text)
		}
	}), seed, ".", false)
	if err != nil {
		return nil, err
	}
	// No file system: -f names the page's files, and a missing one is
	// kubectl's "the path ... does not exist".
	s.tl.Sh.ReadFile = nil
	for name, data := range files {
		s.tl.Sh.Files[name] = append([]byte(nil), data...)
	}
	s.interrupt = func() bool {
		p.step(time.Second)
		return p.ctrlC.Swap(false)
	}
	p.s = s
	return p, nil
}

// errBusy is run's answer while a line is still running.
var errBusy = fmt.Errorf("kubesem: a line is still running (Ctrl-C stops a watch or a sleep)")

// run runs one typed line; emit gets what it prints as it prints it, and
// tick is called whenever virtual time has passed inside a paced line.
// Lines run one at a time: a line typed while another runs is refused
// with errBusy. Nothing typed stops the playground: a panic (there should
// be none: the session never panics) is printed as an error.
func (p *playground) run(line string, emit func(string), tick func()) (err error) {
	if !p.busy.CompareAndSwap(false, true) {
		return errBusy
	}
	p.emit, p.tick = emit, tick
	p.ctrlC.Store(false)
	defer func() {
		if r := recover(); r != nil {
			emit(fmt.Sprintf("kubesem: internal error: %v\n", r))
		}
		p.emit, p.tick = nil, nil
		p.busy.Store(false)
	}()
	if d, ok := p.pacedSleep(line); ok {
		p.sleep(d)
		return nil
	}
	if p.s.exec(line) {
		emit("kubesem runs in this page: reload it for a fresh cluster.\n")
	}
	return nil
}

// interrupt is Ctrl-C: it stops the watch or the sleep that is running
// at its next step (and does nothing between lines).
func (p *playground) interrupt() {
	if p.busy.Load() {
		p.ctrlC.Store(true)
	}
}

// step lets the page redraw and waits the real time d of virtual time
// takes at the playground's speed, at most maxPause.
func (p *playground) step(d time.Duration) {
	if p.tick != nil {
		p.tick()
	}
	p.pause(min(time.Duration(float64(d)/p.speed), maxPause))
}

// maxPause bounds the real time one paced step takes, so that a long
// sleep is shown in at most sleepSteps*maxPause.
const (
	maxPause   = 100 * time.Millisecond
	sleepSteps = 40
)

// pacedSleep reports whether a line is a sleep the playground paces:
// "sleep D" with a valid D from 2 s to the 30 days sleep allows. Any
// other sleep line (an error, a short sleep) goes to the session.
func (p *playground) pacedSleep(line string) (time.Duration, bool) {
	f := strings.Fields(line)
	if len(f) != 2 || f[0] != "sleep" {
		return 0, false
	}
	d, err := parseDuration("sleep", f[1])
	if err != nil || d < 2*time.Second || d > 30*24*time.Hour {
		return 0, false
	}
	return d, true
}

// sleep lets d of virtual time pass as the session's sleep does, in
// steps of a second (or of a 40th of d, in whole seconds, for a long
// sleep), stopping early at Ctrl-C.
func (p *playground) sleep(d time.Duration) {
	step := max(time.Second, (d / sleepSteps).Truncate(time.Second))
	tl := p.s.tl
	for left := d; left > 0; left -= step {
		tl.Wait(min(left, step))
		if tl.Err() != nil {
			break
		}
		if left > step {
			p.step(step)
			if p.ctrlC.Swap(false) {
				p.emit("^C\n")
				return
			}
		}
	}
	if err := tl.Err(); err != nil {
		p.emit(fmt.Sprintf("kubesem: the cluster stopped: %v\n", err))
	}
}

// prompt is the session's prompt: the virtual time, then "$ ".
func (p *playground) prompt() string { return p.s.prompt() }

// files lists the files -f can name, by name.
func (p *playground) files() []file {
	var out []file
	for name, data := range p.s.tl.Sh.Files {
		out = append(out, file{Name: name, Content: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// file is a file -f can name, as the page lists it.
type file struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// writeFile stores a file the learner wrote in the page (a new one, or
// a preloaded one changed). Its name is what -f would be given: not
// empty, no blanks.
func (p *playground) writeFile(name, content string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("kubesem: %q is not a file name -f can be given (no blanks)", name)
	}
	p.s.tl.Sh.Files[name] = []byte(content)
	return nil
}

// snapshot is what the page draws: the cluster's nodes, workloads and
// pods, at a virtual time.
type snapshot struct {
	// Time is the virtual time since the cluster started, as the prompt
	// shows it ("[00:01:30]").
	Time  string     `json:"time"`
	Nodes []nodeView `json:"nodes"`
	// Deployments, ReplicaSets and ReplicationControllers of every
	// namespace.
	Deployments []deploymentView `json:"deployments"`
	ReplicaSets []ownerView      `json:"replicaSets"`
	RCs         []ownerView      `json:"replicationControllers"`
	Pods        []podView        `json:"pods"`
}

// nodeView is a node as the page draws it.
type nodeView struct {
	Name string `json:"name"`
	// Status is the STATUS cell of `kubectl get nodes` (Ready, NotReady,
	// …,SchedulingDisabled); Ready whether the Ready condition is True.
	Status string `json:"status"`
	Ready  bool   `json:"ready"`
	// Running is false while the node is switched off (node stop).
	Running bool `json:"running"`
	// Master marks the control-plane node.
	Master bool `json:"master"`
}

// deploymentView is a Deployment as the page lists it: its READY
// (ready/replicas), UP-TO-DATE and AVAILABLE, its revision and image.
type deploymentView struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Replicas  int32  `json:"replicas"`
	Ready     int32  `json:"ready"`
	Updated   int32  `json:"updated"`
	Available int32  `json:"available"`
	Revision  string `json:"revision"`
	Image     string `json:"image"`
	Paused    bool   `json:"paused"`
}

// ownerView is a ReplicaSet or ReplicationController.
type ownerView struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Deployment owns the ReplicaSet ("" if none); Revision is its
	// deployment.kubernetes.io/revision annotation.
	Deployment string `json:"deployment,omitempty"`
	Revision   string `json:"revision,omitempty"`
	// Desired is spec.replicas, Current status.replicas, Ready
	// status.readyReplicas (the DESIRED, CURRENT and READY columns).
	Desired int32  `json:"desired"`
	Current int32  `json:"current"`
	Ready   int32  `json:"ready"`
	Image   string `json:"image"`
	Created int64  `json:"created"`
}

// podView is a pod as the page draws it, inside its node.
type podView struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Node is spec.nodeName ("" while unscheduled).
	Node string `json:"node"`
	// Status, Ready and Restarts are the STATUS, READY and RESTARTS cells
	// of `kubectl get pods`.
	Status   string `json:"status"`
	Ready    string `json:"ready"`
	Restarts string `json:"restarts"`
	// Owner is the controller owning the pod: OwnerKind/Owner, e.g.
	// ReplicaSet http-go-5c9f8d7b4d; Revision is that ReplicaSet's.
	OwnerKind string `json:"ownerKind,omitempty"`
	Owner     string `json:"owner,omitempty"`
	Revision  string `json:"revision,omitempty"`
	Image     string `json:"image"`
	IP        string `json:"ip,omitempty"`
}

// revisionAnnotation is the Deployment controller's revision number on a
// Deployment and its ReplicaSets.
const revisionAnnotation = "deployment.kubernetes.io/revision"

// snapshot takes the cluster's picture as JSON.
func (p *playground) snapshot() ([]byte, error) {
	c := p.s.tl.C
	snap := snapshot{Time: p.s.tl.Stamp(), Nodes: []nodeView{}, Deployments: []deploymentView{}, ReplicaSets: []ownerView{}, RCs: []ownerView{}, Pods: []podView{}}
	for _, n := range c.Nodes() {
		_, master := n.Labels[cluster.LabelControlPlane]
		snap.Nodes = append(snap.Nodes, nodeView{Name: n.Name, Status: nodeStatus(n, c.Now()), Ready: nodeReady(n), Running: c.NodeRunning(n.Name), Master: master})
	}
	ds, err := c.Deployments(cluster.AllNamespaces, "")
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		snap.Deployments = append(snap.Deployments, deploymentView{Namespace: d.Namespace, Name: d.Name, Replicas: replicas(d.Spec.Replicas),
			Ready: d.Status.ReadyReplicas, Updated: d.Status.UpdatedReplicas, Available: d.Status.AvailableReplicas,
			Revision: d.Annotations[revisionAnnotation], Image: images(d.Spec.Template.Spec), Paused: d.Spec.Paused})
	}
	revisions := map[string]string{} // namespace/name of a ReplicaSet: its revision
	rss, err := c.ReplicaSets(cluster.AllNamespaces, "")
	if err != nil {
		return nil, err
	}
	for _, rs := range rss {
		v := ownerView{Namespace: rs.Namespace, Name: rs.Name, Revision: rs.Annotations[revisionAnnotation],
			Desired: replicas(rs.Spec.Replicas), Current: rs.Status.Replicas, Ready: rs.Status.ReadyReplicas,
			Image: images(rs.Spec.Template.Spec), Created: rs.CreationTimestamp.Unix()}
		if ref := metav1.GetControllerOf(rs); ref != nil && ref.Kind == "Deployment" {
			v.Deployment = ref.Name
		}
		revisions[rs.Namespace+"/"+rs.Name] = v.Revision
		snap.ReplicaSets = append(snap.ReplicaSets, v)
	}
	rcs, err := c.ReplicationControllers(cluster.AllNamespaces, "")
	if err != nil {
		return nil, err
	}
	for _, rc := range rcs {
		v := ownerView{Namespace: rc.Namespace, Name: rc.Name, Desired: replicas(rc.Spec.Replicas), Current: rc.Status.Replicas,
			Ready: rc.Status.ReadyReplicas, Created: rc.CreationTimestamp.Unix()}
		if rc.Spec.Template != nil {
			v.Image = images(rc.Spec.Template.Spec)
		}
		snap.RCs = append(snap.RCs, v)
	}
	pods, err := c.Pods(cluster.AllNamespaces, "")
	if err != nil {
		return nil, err
	}
	now := c.Now()
	for _, pod := range pods {
		v := podView{Namespace: pod.Namespace, Name: pod.Name, Node: pod.Spec.NodeName, Status: printers.PodStatus(pod),
			Ready: printers.PodReady(pod), Restarts: printers.PodRestarts(pod, now), Image: images(pod.Spec), IP: pod.Status.PodIP}
		if ref := metav1.GetControllerOf(pod); ref != nil {
			v.OwnerKind, v.Owner = ref.Kind, ref.Name
			if ref.Kind == "ReplicaSet" {
				v.Revision = revisions[pod.Namespace+"/"+ref.Name]
			}
		}
		snap.Pods = append(snap.Pods, v)
	}
	return json.Marshal(snap)
}

func replicas(n *int32) int32 {
	if n == nil {
		return 0
	}
	return *n
}

// images is the IMAGES cell: the containers' images, comma-joined.
func images(spec corev1.PodSpec) string {
	var out []string
	for _, c := range spec.Containers {
		out = append(out, c.Image)
	}
	return strings.Join(out, ",")
}

// nodeStatus is the STATUS cell of `kubectl get nodes`.
func nodeStatus(n *corev1.Node, now time.Time) string {
	if f := strings.Fields(printers.Nodes([]*corev1.Node{n}, now, printers.Options{NoHeaders: true})); len(f) > 1 {
		return f[1]
	}
	return ""
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
