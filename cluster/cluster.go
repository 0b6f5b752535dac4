package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/features"
	"github.com/kubesem/kubesem/internal/events"
	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/workload"
)

// DefaultStart is the virtual time a cluster starts at unless
// Options.Start says otherwise.
var DefaultStart = time.Date(2026, time.January, 1, 9, 0, 0, 0, time.UTC)

// DefaultStartDelay is how long a container takes from the kubelet's
// decision to start it until it runs (sandbox, cached image, create).
const DefaultStartDelay = 2 * time.Second

// DefaultSettleQuiet is the quiet window Settle looks ahead over.
const DefaultSettleQuiet = 2 * time.Minute

// Options configure a Cluster. The zero value is the tutorial's cluster:
// see DefaultNodes.
type Options struct {
	// Seed drives every random choice (pod name suffixes, UIDs); two
	// clusters with the same seed and the same calls behave identically.
	Seed uint64
	// Start is the virtual time at creation; zero means DefaultStart.
	Start time.Time
	// Nodes are the cluster's nodes; nil means DefaultNodes(). Their
	// status.allocatable (cpu, memory, pods) bounds the scheduler.
	Nodes []*corev1.Node
	// StartDelay is how long starting a container takes; zero means
	// DefaultStartDelay, a negative value none at all.
	StartDelay time.Duration
	// SettleQuiet is the window Settle looks ahead over: it returns once
	// nothing would be written within SettleQuiet (see Settle); zero
	// means DefaultSettleQuiet.
	SettleQuiet time.Duration
	// SettleIgnoresDeadlines makes Settle look for pending deadlines (a
	// Deployment's progress deadline, a minReadySeconds check) only
	// within its quiet window, as for any other background work, instead
	// of waiting for them however far ahead: a stuck rollout then settles
	// before it is reported stuck. For comparisons with a controller run
	// on a real clock, which no test waits ten minutes for.
	SettleIgnoresDeadlines bool
	// MaxRounds bounds the controller passes at one instant (a safety net
	// against a livelock; zero means 10,000).
	MaxRounds int
	// TerminatedPodGCThreshold is kube-controller-manager's
	// --terminated-pod-gc-threshold: how many terminated pods the pod
	// garbage collector lets exist before it deletes the oldest; zero
	// means DefaultTerminatedPodGCThreshold (12,500), a negative value
	// switches that duty off (upstream: a value ≤ 0).
	TerminatedPodGCThreshold int
	// Gates are the cluster's feature gates (--feature-gates of every
	// component); nil is v1.37.2's defaults. The kubelets take them
	// (restart rules, CrashLoopBackOff), and so do the ReplicaSet, RC and
	// Deployment controllers (terminatingReplicas, pod deletion cost); an
	// unknown gate, or an enabled gate whose dependency is off, is an
	// error of New.
	Gates features.Gates
	// MaxContainerRestartPeriod is the kubelets'
	// crashLoopBackOff.maxContainerRestartPeriod (with the gate
	// KubeletCrashLoopBackOffMax on); zero means 300 s.
	MaxContainerRestartPeriod time.Duration
	// Scheme is the apiserver's scheme (apiserver.Options.Scheme): nil
	// means apiserver.NewScheme(); with the Go types of a user's custom
	// resources added, the cluster answers with those types.
	Scheme *runtime.Scheme
}

// Cluster is a deterministic in-memory Kubernetes cluster: one store,
// a virtual clock, an event queue and every controller kubesem models,
// run in the calling goroutine. It is not safe for concurrent use.
type Cluster struct {
	opts  Options
	now   time.Time
	rng   *rand.Rand
	names *workload.Names
	srv   *apiserver.Server
	st    *store
	// ownBuf and orphanBuf are reused for the pod lists a sync reads.
	ownBuf, orphanBuf []Object
	// podBuf holds the pod list of the sync under way (syncPods, or
	// countedPlan's own pods), allBuf the namespace's pods syncPods reads
	// them from when it ranks.
	podBuf []*corev1.Pod
	// condBuf is kubeletStatus's scratch list of conditions.
	condBuf []corev1.PodCondition
	allBuf  []Object
	queue   timerQueue
	seq     uint64
	rounds  int

	// A user action scheduled with After: running (the clock may not be
	// run from it), and the error it returned, for the run in progress.
	inAction  bool
	actionErr error

	// Controllers' work: which objects to sync at the next fixed point.
	dirty      map[string]map[key]bool // by kind: Deployment, ReplicaSet, ReplicationController, Namespace
	gcDirty    map[string]bool         // namespaces whose owner references to look at
	schedDirty bool
	// creatingFrom is the template a controller is creating pods from
	// (carryOut), tmplMemo its defaulted and validated spec.
	creatingFrom *corev1.Pod
	tmplMemo     *podTemplateMemo
	// loadChanges counts the changes of the per-node load; lastRequests
	// are the last pod specs whose requests were summed, nextRequests
	// the one to replace next.
	loadChanges  uint64
	lastRequests [4]requestsMemo
	nextRequests int
	// instantRuns counts the rounds of timers run at the current instant.
	instantRuns int

	nodes     map[string]*nodeState
	life      nodeLifecycle // the node lifecycle controller's zones and tainting queues (lifecycle.go)
	podgc     podGC         // the pod garbage collector's bookkeeping (podgc.go)
	evictions map[key]*eviction
	pods      map[key]*podRuntime
	pending   map[key]bool         // pods waiting for a node
	load      map[string]*nodeLoad // what is bound to each node

	programs   map[string]probe.Script
	podScripts map[podContainer]probe.Script
	failures   []*Failure
	// failuresSeen counts consecutive failed syncs per controller, for
	// the rate-limited retry.
	failuresSeen map[string]int
	// pendingSync is the earliest scheduled sync per controller object.
	pendingSync map[string]syncDue
	// tallies are the ReplicaSets' pod counts, kept as pods are written
	// (made at a ReplicaSet's first sync, with shortcuts); orphans counts
	// each namespace's active pods without a controller (tally.go).
	tallies map[types.UID]*workload.Tally
	orphans map[string]int
	// hashed counts a namespace's pods by their pod-template-hash label
	// (workload.SyncOwned's Labeled).
	hashed map[hashKey]int
	// ctrls keep, per ReplicaSet and RC, what their syncs read from pods
	// and whether the last sync can be skipped; dropped with the
	// controller.
	ctrls      map[ctrlKey]*ctrlState
	serviceIPs uint32

	events     eventLog
	correlator *events.Correlator
	correlated int                   // how much of events went through correlator
	refused    map[int]bool          // events (by index) whose namespace refused them
	stored     map[key]*corev1.Event // the Event objects the apiserver holds
	watchers   []func(Change)
	invariants []invariant
	lastWrite  time.Time
	// lastForeground is the last instant a foreground timer fired (work
	// Settle waits for, whether or not it then changes anything).
	lastForeground time.Time
	changed        bool // a write happened in the current step

	// Requests through API: the log, the faults armed and their
	// generator, the quota usage a pod create's admission charged, and an
	// error a step after a request met (returned by the next run).
	requests []Request
	// lastControllerWrite indexes requests: a user controller's last
	// successful write (-1: none), for Settle's error.
	lastControllerWrite int
	faults              []*armedFault
	faultRng            *rand.Rand
	admittedQuotas      []*corev1.ResourceQuota
	deferred            error
	// stepping is set while the controllers run to a fixed point.
	stepping bool
	// userCtls are the users' registered controllers, in order.
	userCtls        []*userController
	reconcileErrors []ReconcileError
}

// New builds a cluster: the built-in namespaces, the nodes (Ready from the
// start), nothing else.
func New(opts Options) (*Cluster, error) {
	if opts.Start.IsZero() {
		opts.Start = DefaultStart
	}
	if opts.StartDelay == 0 {
		opts.StartDelay = DefaultStartDelay
	} else if opts.StartDelay < 0 {
		opts.StartDelay = 0
	}
	if opts.SettleQuiet <= 0 {
		opts.SettleQuiet = DefaultSettleQuiet
	}
	if opts.MaxRounds <= 0 {
		opts.MaxRounds = 10000
	}
	if opts.Nodes == nil {
		opts.Nodes = DefaultNodes()
	}
	if err := opts.Gates.Validate(); err != nil {
		return nil, err
	}
	c := &Cluster{
		opts:                opts,
		now:                 opts.Start,
		rng:                 rand.New(rand.NewPCG(opts.Seed, 0x6b756265)),
		faultRng:            rand.New(rand.NewPCG(opts.Seed, 0x6661756c)),
		lastControllerWrite: -1,
		names:               workload.NewNames(opts.Seed),
		dirty:               map[string]map[key]bool{},
		gcDirty:             map[string]bool{},
		nodes:               map[string]*nodeState{},
		evictions:           map[key]*eviction{},
		pods:                map[key]*podRuntime{},
		pending:             map[key]bool{},
		load:                map[string]*nodeLoad{},
		programs:            map[string]probe.Script{},
		podScripts:          map[podContainer]probe.Script{},
		lastWrite:           opts.Start,
		failuresSeen:        map[string]int{},
		pendingSync:         map[string]syncDue{},
		tallies:             map[types.UID]*workload.Tally{},
		orphans:             map[string]int{},
		hashed:              map[hashKey]int{},
		ctrls:               map[ctrlKey]*ctrlState{},
		correlator:          events.NewCorrelator(),
		stored:              map[key]*corev1.Event{},
	}
	c.srv = apiserver.New(apiserver.Options{Clock: clusterClock{c}, UID: c.newUID,
		GenerateName: c.names.Generate, NoSystemNamespaces: true, Scheme: opts.Scheme, Admit: c.admitRequest})
	c.st = newStore(c.srv)
	c.srv.Observe(c.observe)
	for _, name := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		if _, err := c.create(&corev1.Namespace{}, name, ""); err != nil {
			return nil, err
		}
	}
	if err := c.createKubernetesService(); err != nil {
		return nil, err
	}
	// Nodes that come Ready and untainted by the lifecycle controller
	// leave it nothing to do but judge their zones Normal: each node
	// write would ask for that over every node so far (a cluster of n
	// nodes would cost n² at its start), so it is asked once, after the
	// last — the same zones and the same nothing scheduled.
	c.life.batching = shortcuts && !slices.ContainsFunc(opts.Nodes, func(n *corev1.Node) bool {
		return n != nil && slices.ContainsFunc(n.Spec.Taints, isLifecycleNoExecute)
	})
	for i, n := range opts.Nodes {
		if n == nil {
			return nil, fmt.Errorf("cluster: node %d is nil", i)
		}
		if err := c.addNode(n, i); err != nil {
			return nil, err
		}
	}
	if c.life.batching {
		c.life.batching = false
		if len(opts.Nodes) > 0 {
			c.wantMonitorPass()
		}
	}
	if err := c.step(); err != nil {
		return nil, err
	}
	return c, nil
}

// Now is the cluster's virtual time.
func (c *Cluster) Now() time.Time { return c.now }

// newUID draws a version-4 UUID from the seeded generator.
func (c *Cluster) newUID() types.UID {
	return uidOf(c.rng.Uint64(), c.rng.Uint64())
}

// uidOf formats a version-4 UUID from two random words: what
// fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff,
// a&0x0fff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff) prints, with one
// allocation.
func uidOf(a, b uint64) types.UID {
	var buf [36]byte
	hex := func(at int, v uint64, digits int) {
		for i := digits - 1; i >= 0; i-- {
			buf[at+i] = "0123456789abcdef"[v&0xf]
			v >>= 4
		}
	}
	hex(0, a>>32, 8)
	buf[8] = '-'
	hex(9, (a>>16)&0xffff, 4)
	buf[13], buf[14] = '-', '4'
	hex(15, a&0x0fff, 3)
	buf[18] = '-'
	hex(19, 0x8000|(b>>48)&0x3fff, 4)
	buf[23] = '-'
	hex(24, b&0xffffffffffff, 12)
	return types.UID(buf[:])
}

// ---- the event queue --------------------------------------------------

// timer is one future action. Background timers (a kubelet's periodic
// probes, a controller's requeue, a user controller's RequeueAfter) do
// not by themselves keep Settle from returning: its look-ahead asks
// whether they would change anything (settle.go).
type timer struct {
	at  time.Time
	seq uint64
	src timerSource
	fn  func()
}

// timerSource says whose timer it is, for Settle's look-ahead.
type timerSource uint8

const (
	// foreground: work Settle waits for (a container start, a retry, an
	// eviction, a user's After, ...).
	foreground timerSource = iota
	// kubeletTimer: the next step of a pod whose containers all run: its
	// Runner tells what it would do.
	kubeletTimer
	// requeueTimer: a built-in controller's requeue (pendingSync names
	// it): a sync at its instant tells what it would do.
	requeueTimer
	// userTimer: a user controller's requeue: nothing tells what it would
	// do but running it.
	userTimer
)

// timerQueue is a binary heap of timers by (at, seq), held by value: a
// timer costs no allocation of its own. (at, seq) orders timers totally,
// so any heap pops them in the same order.
type timerQueue []timer

func (q timerQueue) Len() int { return len(q) }

func (q timerQueue) less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}

func (q *timerQueue) push(t timer) {
	*q = append(*q, t)
	h := *q
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (q *timerQueue) pop() timer {
	h := *q
	n := len(h) - 1
	t := h[0]
	h[0] = h[n]
	h[n] = timer{} // drop its function for the collector
	h = h[:n]
	for i := 0; ; {
		l, r, least := 2*i+1, 2*i+2, i
		if l < n && h.less(l, least) {
			least = l
		}
		if r < n && h.less(r, least) {
			least = r
		}
		if least == i {
			break
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
	*q = h
	return t
}

// after schedules fn at now+d (at once when d ≤ 0: still after the
// current step's actions, in order).
func (c *Cluster) after(d time.Duration, fn func()) { c.at(c.now.Add(max(d, 0)), foreground, fn) }

func (c *Cluster) at(t time.Time, src timerSource, fn func()) {
	if t.Before(c.now) {
		t = c.now
	}
	c.seq++
	c.queue.push(timer{at: t, seq: c.seq, src: src, fn: fn})
}

// ---- running --------------------------------------------------------------

// ErrNotSettled is wrapped by Settle and RunUntil when they stop at their
// limit.
var ErrNotSettled = errors.New("cluster: did not settle")

// Advance runs the cluster for d of virtual time: every timer due until
// then fires, in time order, and the controllers reach a fixed point
// after each instant.
func (c *Cluster) Advance(d time.Duration) error {
	if err := c.notInAction("Advance"); err != nil {
		return err
	}
	if d < 0 {
		return fmt.Errorf("cluster: cannot advance by a negative duration %s", d)
	}
	if err := c.takeDeferred(); err != nil {
		return err
	}
	return c.runTo(c.now.Add(d))
}

func (c *Cluster) runTo(end time.Time) error {
	for c.queue.Len() > 0 && !c.queue[0].at.After(end) {
		if err := c.runInstant(); err != nil {
			return err
		}
	}
	c.now = end
	return nil
}

// maxTimersPerInstant bounds the actions at one virtual instant: more
// means a loop that never lets time advance (a bug, reported as an error).
const maxTimersPerInstant = 1_000_000

// runInstant fires every timer due at the earliest pending instant and
// then runs the controllers to a fixed point.
func (c *Cluster) runInstant() error {
	t := c.queue[0].at
	if t.After(c.now) {
		c.now = t
		c.instantRuns = 0
	}
	// Timers the controllers schedule for this very instant (an eviction
	// due now, a replacement's eviction, ...) bring the loop back here
	// without the clock moving: past MaxRounds such rounds the cluster is
	// in a loop that only time would throttle on a real cluster, reported
	// rather than spun forever.
	if c.instantRuns++; c.instantRuns > c.opts.MaxRounds {
		c.instantRuns = 0
		return fmt.Errorf("cluster: time does not advance past %s: %d rounds of actions at this instant, each making more (%s)", c.Elapsed(), c.opts.MaxRounds, c.lastWriteSummary())
	}
	fired := 0
	for c.queue.Len() > 0 && !c.queue[0].at.After(c.now) {
		tm := c.queue.pop()
		if tm.src == foreground {
			c.lastForeground = c.now
		}
		tm.fn()
		if err := c.actionErr; err != nil {
			c.actionErr = nil
			return err
		}
		if fired++; fired > maxTimersPerInstant {
			return fmt.Errorf("cluster: more than %d actions at one instant (%s): time does not advance", maxTimersPerInstant, c.Elapsed())
		}
	}
	return c.step()
}

// RunUntil runs the cluster instant by instant until pred holds, for at
// most limit of virtual time. It returns an error wrapping ErrNotSettled
// when the limit passes first or when nothing is left to happen.
func (c *Cluster) RunUntil(pred func(*Cluster) bool, limit time.Duration) error {
	if err := c.notInAction("RunUntil"); err != nil {
		return err
	}
	if pred == nil {
		return errors.New("cluster: RunUntil needs a condition")
	}
	if err := c.takeDeferred(); err != nil {
		return err
	}
	end := c.now.Add(limit)
	for !pred(c) {
		if c.queue.Len() == 0 {
			return fmt.Errorf("%w: the condition does not hold and nothing is left to happen (at %s)", ErrNotSettled, c.Elapsed())
		}
		if c.queue[0].at.After(end) {
			c.now = end
			return fmt.Errorf("%w: the condition does not hold after %s (at %s)", ErrNotSettled, limit, c.Elapsed())
		}
		if err := c.runInstant(); err != nil {
			return err
		}
	}
	return nil
}

// pendingForeground returns a foreground timer in the queue, or nil.
func (c *Cluster) pendingForeground() *timer {
	for i := range c.queue {
		if c.queue[i].src == foreground {
			return &c.queue[i]
		}
	}
	return nil
}

// busy describes why the cluster is not quiet, for Settle's error.
func (c *Cluster) busy() string {
	for _, p := range c.st.list(KindPod, "") {
		pod := p.(*corev1.Pod)
		for _, cs := range append(slices.Clip(pod.Status.InitContainerStatuses), pod.Status.ContainerStatuses...) {
			if w := cs.State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" {
				return fmt.Sprintf("pod %s/%s: container %s is in CrashLoopBackOff", pod.Namespace, pod.Name, cs.Name)
			}
		}
	}
	if busy := c.userBusy(false); len(busy) > 0 {
		return busy[0]
	}
	if t := c.pendingForeground(); t != nil {
		return fmt.Sprintf("something is scheduled at %s", t.at.Sub(c.opts.Start))
	}
	msg := fmt.Sprintf("objects kept changing (last write at %s)", c.lastWrite.Sub(c.opts.Start))
	if i := c.lastControllerWrite; i >= 0 && c.requests[i].At.Equal(c.lastWrite) {
		r := c.requests[i]
		msg += fmt.Sprintf(": controller %q: %s %s %s/%s", r.Controller, r.Verb, r.Resource, r.Namespace, r.Name)
	}
	return msg
}

// Elapsed is the virtual time since the cluster was created.
func (c *Cluster) Elapsed() time.Duration { return c.now.Sub(c.opts.Start) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// step runs the controllers to a fixed point and checks the invariants.
func (c *Cluster) step() error {
	if c.stepping {
		return nil // a write from inside the loop: the loop goes on
	}
	c.stepping = true
	defer func() { c.stepping = false }()
	if err := c.reconcile(); err != nil {
		return err
	}
	return c.checkInvariants()
}

// ---- invariants ---------------------------------------------------------

type invariant struct {
	name string
	fn   func(*Cluster) error
}

// AddInvariant registers a check that runs after every step (every user
// verb and every instant the clock moves through); the first failure is
// returned by the call that made the step, naming the invariant.
func (c *Cluster) AddInvariant(name string, check func(*Cluster) error) {
	if check != nil {
		c.invariants = append(c.invariants, invariant{name, check})
	}
}

func (c *Cluster) checkInvariants() error {
	for _, inv := range c.invariants {
		if err := inv.fn(c); err != nil {
			return fmt.Errorf("cluster: invariant %q violated at %s: %w", inv.name, c.Elapsed(), err)
		}
	}
	return nil
}

// createKubernetesService creates the apiserver's own Service in default,
// as every cluster has it.
func (c *Cluster) createKubernetesService() error {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: "default",
			Labels: map[string]string{"component": "apiserver", "provider": "kubernetes"}},
		Spec: corev1.ServiceSpec{
			ClusterIP: "10.96.0.1",
			Ports:     []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(6443)}},
		},
	}
	_, err := c.createObject(svc)
	return err
}

// clusterClock tells the apiserver the cluster's virtual time.
type clusterClock struct{ c *Cluster }

func (k clusterClock) Now() time.Time                  { return k.c.now }
func (k clusterClock) Since(t time.Time) time.Duration { return k.c.now.Sub(t) }

// observe hears the apiserver's commits: those the cluster made through
// its store it has already noted itself; the others (a user's request
// through the registry) wake the controllers as any write does.
func (c *Cluster) observe(ch apiserver.Change) {
	if ch.Resource == crdResource {
		// The served custom resources may have changed.
		c.st.namespaced = nil
	}
	c.observedByControllers(ch)
	if c.st.driving {
		return
	}
	kind := c.srv.KindFor(ch.Resource)
	if o, ok := ch.Object.(Object); ok {
		// A pod written through the registry counts as a pod change for
		// the controllers' quiet shortcut, as the store's own writes do.
		c.st.changed(kind, keyOf(o))
	}
	switch ch.Type {
	case watch.Added:
		c.notify(kind, "ADDED", nil, ch.Object)
	case watch.Modified:
		c.notify(kind, "MODIFIED", ch.Old, ch.Object)
	case watch.Deleted:
		c.notify(kind, "DELETED", ch.Object, nil)
	}
}

// lastWriteSummary names what the last events at this instant were about,
// for an error that stops a loop: "source: reason kind/name" for the last
// few.
func (c *Cluster) lastWriteSummary() string {
	var parts []string
	for i := c.events.len() - 1; i >= 0 && len(parts) < 3; i-- {
		e := c.events.at(i)
		if !e.At.Equal(c.now) {
			break
		}
		parts = append(parts, fmt.Sprintf("%s: %s %s/%s", e.Source, e.Reason, strings.ToLower(e.Kind), e.Name))
	}
	if len(parts) == 0 {
		return "no event recorded"
	}
	slices.Reverse(parts)
	return "last events: " + strings.Join(parts, "; ")
}
