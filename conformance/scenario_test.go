package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/polymorphichelpers"
	appsdefaults "k8s.io/kubernetes/pkg/apis/apps/v1"
	coredefaults "k8s.io/kubernetes/pkg/apis/core/v1"
	"k8s.io/kubernetes/pkg/controller/deployment"
	deploymentutil "k8s.io/kubernetes/pkg/controller/deployment/util"
	"k8s.io/kubernetes/pkg/controller/replicaset"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
)

// ---- scenarios ----------------------------------------------------------

// What a scenario step does to the Deployment http-go.
const (
	opCreate = "create"
	opImage  = "set image"
	opScale  = "scale"
	opUndo   = "rollout undo"
	opPause  = "rollout pause"
	opResume = "rollout resume"
	opWait   = "wait" // nothing: only the kubelet's mode changes
	// opRelease is not drawn: it is the settle point where a held
	// kubelet starts the pods waiting for it (see scenarioStep).
	opRelease = "(kubelet released)"
)

// releases says whether the kubelet is released before step i.
func (sc scenario) releases(i int) bool { return i > 0 && sc.steps[i-1].Hold && !sc.steps[i].Hold }

// scenarioStep is one user action followed by a settle. With Hold the
// kubelet starts no pod from just before the action until a later step
// without Hold (the pods already running stay ready); without it every
// pod is made Running and Ready as soon as it exists, so the step settles
// with the rollout finished unless the Deployment is paused. A step
// without Hold after one with it first releases the kubelet and settles
// (a state of its own, opRelease), and only then acts: releasing it
// together with the action would make the outcome depend on whether the
// controllers see the action or the newly ready pods first — a race
// upstream, where the kubelet stand-in and the controllers run side by
// side, and a fixed order in kubesem.
type scenarioStep struct {
	Op         string
	Image      string // opImage
	Replicas   int32  // opScale
	ToRevision int64  // opUndo
	Hold       bool
}

const heldSuffix = " (kubelet held)"

func (s scenarioStep) String() string {
	out := s.Op
	switch s.Op {
	case opImage:
		out += " " + s.Image
	case opScale:
		out += fmt.Sprintf(" --replicas=%d", s.Replicas)
	case opUndo:
		if s.ToRevision != 0 {
			out += fmt.Sprintf(" --to-revision=%d", s.ToRevision)
		}
	}
	if s.Hold {
		out += heldSuffix
	}
	return out
}

type scenario struct {
	name  string
	d     *appsv1.Deployment // as the user writes it: not defaulted
	steps []scenarioStep
	// strictOrder: the order of the Deployment's conditions is compared
	// too (see normaliseProgressing).
	strictOrder bool
}

func (sc scenario) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replicas %d, strategy %s", *sc.d.Spec.Replicas, sc.d.Spec.Strategy.Type)
	if ru := sc.d.Spec.Strategy.RollingUpdate; ru != nil {
		fmt.Fprintf(&b, " maxSurge %s maxUnavailable %s", ru.MaxSurge.String(), ru.MaxUnavailable.String())
	}
	if l := sc.d.Spec.RevisionHistoryLimit; l != nil {
		fmt.Fprintf(&b, ", revisionHistoryLimit %d", *l)
	}
	for i, st := range sc.steps {
		fmt.Fprintf(&b, "\n  %d. %s", i, st)
	}
	return b.String()
}

// httpGo is the tutorial's Deployment (6.5): replicas, strategy left to
// the defaults (RollingUpdate 25%/25%) unless given.
func httpGo(replicas int32, strategy appsv1.DeploymentStrategy) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "http-go", Namespace: "default", Labels: map[string]string{"app": "http-go"}}}
	d.Spec.Replicas = ptr(replicas)
	d.Spec.Strategy = strategy
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go"}}
	d.Spec.Template.Labels = map[string]string{"app": "http-go"}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "http-go", Image: images[0],
		Ports: []corev1.ContainerPort{{ContainerPort: 8080}}}}
	return d
}

func rollingUpdate(surge, unavailable intstr.IntOrString) appsv1.DeploymentStrategy {
	return appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}
}

// tutorialScenario is the tutorial's walk through a Deployment's history
// (the course's section 6.5): v1 → v2 → v3, undo (back to v2 as revision 4, KU-7, R-4), undo
// --to-revision=1, then its pause section: v4 held half-way, paused,
// undo refused while paused (KU-4), resumed and finished.
func tutorialScenario() scenario {
	return scenario{name: "tutorial", d: httpGo(3, appsv1.DeploymentStrategy{}), strictOrder: true, steps: []scenarioStep{
		{Op: opCreate},
		{Op: opImage, Image: images[1]},
		{Op: opImage, Image: images[2]},
		{Op: opUndo},
		{Op: opUndo, ToRevision: 1},
		{Op: opUndo, ToRevision: 9}, // not in the history
		{Op: opImage, Image: images[3], Hold: true},
		{Op: opPause, Hold: true},
		{Op: opUndo, Hold: true},
		{Op: opResume},
		{Op: opScale, Replicas: 5},
	}}
}

// recreateScenario is the tutorial's Recreate Deployment (RC-*): every
// old pod goes before the new ReplicaSet is scaled up, seen half-way with
// the kubelet held, and a scale and an undo on top.
func recreateScenario() scenario {
	return scenario{name: "recreate", d: httpGo(3, appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}), steps: []scenarioStep{
		{Op: opCreate},
		{Op: opImage, Image: images[1], Hold: true},
		{Op: opScale, Replicas: 5, Hold: true},
		{Op: opWait},
		{Op: opUndo},
		{Op: opScale, Replicas: 0},
		{Op: opImage, Image: images[2]},
		{Op: opScale, Replicas: 2},
	}}
}

func scenarioIntOrString(t *rapid.T, label string) intstr.IntOrString {
	if rapid.Bool().Draw(t, label+"Pct") {
		return intstr.FromString(rapid.SampledFrom([]string{"0%", "10%", "25%", "33%", "50%", "100%"}).Draw(t, label+"P"))
	}
	return intstr.FromInt32(int32(rapid.IntRange(0, 5).Draw(t, label+"I")))
}

// genScenario draws a Deployment (0–50 replicas, Recreate or a rolling
// update with integer or percentage fenceposts, sometimes a
// revisionHistoryLimit of 0–2) and a history: created,
// an image change seen half-way (kubelet held) and scaled in the middle
// of that rollout (proportional scaling, P-*), then up to four more of
// set image, scale, undo (to the previous or a given, maybe missing,
// revision), pause/resume, each with the kubelet held or not, and a final
// wait with the kubelet running.
var genScenario = rapid.Custom(func(t *rapid.T) scenario {
	var strategy appsv1.DeploymentStrategy
	if rapid.IntRange(0, 4).Draw(t, "recreate") == 0 {
		strategy.Type = appsv1.RecreateDeploymentStrategyType
	} else {
		surge, unavailable := scenarioIntOrString(t, "surge"), scenarioIntOrString(t, "unavailable")
		if surge.IntValue() == 0 && strings.TrimSuffix(unavailable.String(), "%") == "0" {
			surge = intstr.FromInt32(1) // both 0 is invalid (V-4)
		}
		strategy = rollingUpdate(surge, unavailable)
	}
	sc := scenario{d: httpGo(int32(rapid.IntRange(0, 50).Draw(t, "replicas")), strategy)}
	if rapid.IntRange(0, 2).Draw(t, "historyLimited") == 0 {
		// old ReplicaSets beyond the limit are deleted (CU-*), and undo
		// cannot go back to them
		sc.d.Spec.RevisionHistoryLimit = ptr(int32(rapid.IntRange(0, 2).Draw(t, "historyLimit")))
	}
	sc.steps = []scenarioStep{
		{Op: opCreate, Hold: rapid.IntRange(0, 4).Draw(t, "createHeld") == 0},
		{Op: opImage, Image: images[1], Hold: true},
		{Op: opScale, Replicas: int32(rapid.IntRange(0, 50).Draw(t, "midScale")), Hold: true},
	}
	paused := false
	for i := range rapid.IntRange(1, 4).Draw(t, "more") {
		st := scenarioStep{Hold: rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("held%d", i)) == 0}
		switch rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("op%d", i)) {
		case 0:
			st.Op, st.Image = opImage, rapid.SampledFrom(images).Draw(t, "image")
		case 1:
			st.Op, st.Replicas = opScale, int32(rapid.IntRange(0, 50).Draw(t, "scale"))
		case 2:
			st.Op = opUndo
			if rapid.IntRange(0, 2).Draw(t, "undoTo") == 0 {
				st.ToRevision = int64(rapid.IntRange(1, 5).Draw(t, "toRevision"))
			}
		case 3:
			st.Op = opPause
			if paused {
				st.Op = opResume
			}
			paused = !paused
		}
		sc.steps = append(sc.steps, st)
	}
	if paused && rapid.Bool().Draw(t, "finalResume") {
		sc.steps = append(sc.steps, scenarioStep{Op: opResume})
	} else {
		sc.steps = append(sc.steps, scenarioStep{Op: opWait})
	}
	return sc
})

// ---- what is compared ---------------------------------------------------

// scenarioState is one settled state: what `kubectl get deploy,rs` and
// `describe` show, without times, names (random on both sides) or
// condition messages (they carry names).
type scenarioState struct {
	Step                string
	Output              string // kubectl's message or error, for undo
	Generation          int64
	ObservedGeneration  int64
	Revision            string
	Replicas            int32
	UpdatedReplicas     int32
	ReadyReplicas       int32
	AvailableReplicas   int32
	UnavailableReplicas int32
	// Conditions in the stored order (a rewrite moves one to the end,
	// PG-6): "Type=Status/Reason".
	Conditions []string
	// ReplicaSets by their revision annotation (R-*).
	ReplicaSets map[string]scenarioRS
}

func (s scenarioState) String() string {
	var rss []string
	for rev, rs := range s.ReplicaSets {
		rss = append(rss, fmt.Sprintf("rev %s %s %d/%d %v", rev, strings.TrimPrefix(rs.Image, "gasbugs/http-go:"), rs.AvailableReplicas, rs.Replicas, rs.Annotations))
	}
	slices.Sort(rss)
	out := ""
	if s.Output != "" {
		out = " → " + s.Output
	}
	return fmt.Sprintf("%s%s: gen %d/%d rev %s replicas %d updated %d ready %d available %d unavailable %d %v; %s",
		s.Step, out, s.ObservedGeneration, s.Generation, s.Revision, s.Replicas, s.UpdatedReplicas, s.ReadyReplicas,
		s.AvailableReplicas, s.UnavailableReplicas, s.Conditions, strings.Join(rss, "; "))
}

type scenarioRS struct {
	Image             string
	Replicas          int32
	AvailableReplicas int32
	// The Deployment controller's annotations other than the revision:
	// revision-history, desired-replicas, max-replicas (R-2, A-*).
	Annotations map[string]string
}

var rsAnnotations = []string{"deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas"}

func stateOf(step scenarioStep, out string, d *appsv1.Deployment, rss []*appsv1.ReplicaSet) scenarioState {
	s := scenarioState{
		Step: step.String(), Output: out,
		Generation: d.Generation, ObservedGeneration: d.Status.ObservedGeneration,
		Revision: d.Annotations[deploymentutil.RevisionAnnotation],
		Replicas: d.Status.Replicas, UpdatedReplicas: d.Status.UpdatedReplicas, ReadyReplicas: d.Status.ReadyReplicas,
		AvailableReplicas: d.Status.AvailableReplicas, UnavailableReplicas: d.Status.UnavailableReplicas,
		ReplicaSets: map[string]scenarioRS{},
	}
	for _, c := range d.Status.Conditions {
		s.Conditions = append(s.Conditions, fmt.Sprintf("%s=%s/%s", c.Type, c.Status, c.Reason))
	}
	for _, rs := range rss {
		if ref := metav1.GetControllerOfNoCopy(rs); ref == nil || ref.UID != d.UID {
			continue
		}
		v := scenarioRS{Replicas: *rs.Spec.Replicas, AvailableReplicas: rs.Status.AvailableReplicas, Annotations: map[string]string{}}
		for _, ctr := range rs.Spec.Template.Spec.Containers {
			v.Image += ctr.Image
		}
		for _, k := range rsAnnotations {
			if a, ok := rs.Annotations[k]; ok {
				v.Annotations[k] = a
			}
		}
		rev, ok := rs.Annotations[deploymentutil.RevisionAnnotation]
		if !ok {
			rev = "none:" + v.Image
		}
		s.ReplicaSets[rev] = v
	}
	return s
}

// normaliseProgressing leaves out of a sequence of settled states what
// upstream leaves to timing (the number of
// passes the Deployment controller makes, and which intermediate
// ReplicaSet statuses it sees, depend on informer latency; kubesem makes
// one pass per change it sees, all at one instant):
//
//  1. The harness's documented exception: in a state reached while the
//     kubelet held the pods and a revision appeared (a new ReplicaSet, or
//     an old one taken back), the Progressing reason is
//     NewReplicaSetCreated/FoundNewReplicaSet (H-5, R-3), ReplicaSetUpdated
//     or still the earlier NewReplicaSetAvailable (PG-6 "alreadyComplete"),
//     depending on whether an extra pass came in between. Such a
//     Progressing condition is compared as any of them, and the order of
//     the conditions (a rewrite moves one to the end) is not compared. The
//     same holds in the held states that follow, until the kubelet is
//     released: which reason a pass keeps depends on the one it finds
//     (PG-6).
//  2. Found by this test: the order of the conditions is compared only in
//     scenarios marked strictOrder (the tutorial's). When a rollout can
//     replace every pod in one go — Recreate, or a rolling update whose
//     maxUnavailable covers all replicas — the old ReplicaSet is scaled
//     to 0 before the new one grows, replicas == updatedReplicas at every
//     pass and Progressing stays NewReplicaSetAvailable (PG-6
//     "alreadyComplete") while Available goes False and back to True (and
//     so ends last) — unless a pass happens to see the old ReplicaSet
//     half scaled down (its status still counting some of its deleted
//     pods), which rewrites Progressing as ReplicaSetUpdated and at the
//     end back, so that it ends last. The same scenario gives either
//     order upstream from run to run (seed 78, Recreate: 7 of 8 runs one
//     way in isolation, the other way under load; seed 427, maxSurge 3
//     maxUnavailable 5 for 5 replicas: 6 of 8 one way); kubesem, whose
//     ReplicaSet reports its deleted pods gone all at once, gave the order
//     of the majority of isolated upstream runs in both. Types, statuses
//     and reasons are compared in every scenario; set
//     KUBESEM_SCENARIO_RAW=1 to compare without either normalisation.
func normaliseProgressing(states []scenarioState, strictOrder bool) {
	if os.Getenv("KUBESEM_SCENARIO_RAW") != "" {
		return
	}
	undecided := false
	for i := range states {
		s := &states[i]
		if !strictOrder {
			slices.Sort(s.Conditions)
		}
		if !strings.HasSuffix(s.Step, heldSuffix) {
			undecided = false // every pod ready: the rollout finished (or paused)
			continue
		}
		if i > 0 {
			for rev := range s.ReplicaSets {
				if _, ok := states[i-1].ReplicaSets[rev]; !ok {
					undecided = true
				}
			}
		}
		if !undecided {
			continue
		}
		masked := false
		for j, c := range s.Conditions {
			switch c {
			case "Progressing=True/NewReplicaSetCreated", "Progressing=True/FoundNewReplicaSet",
				"Progressing=True/ReplicaSetUpdated", "Progressing=True/NewReplicaSetAvailable":
				s.Conditions[j] = "Progressing=True/(any reason: a new ReplicaSet, timing)"
				masked = true
			}
		}
		if masked {
			slices.Sort(s.Conditions)
		}
	}
}

// consistent is the harness's settled-state check, for
// both sides: the Deployment's status describes its generation, every
// ReplicaSet it owns has as many live pods as it asks for and reports
// them (and their readiness), and the Deployment's counts are the sums.
// With running, every live pod is ready and, unless the Deployment is
// paused, the rollout is complete. Scenarios have minReadySeconds 0: a
// ready pod is available.
func consistent(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod, running bool) error {
	if d.Status.ObservedGeneration != d.Generation {
		return fmt.Errorf("deployment: observedGeneration %d, generation %d", d.Status.ObservedGeneration, d.Generation)
	}
	type counts struct{ Replicas, ReadyReplicas, AvailableReplicas, UpdatedReplicas int32 }
	var sum counts
	hasNew := false
	for _, rs := range rss {
		if ref := metav1.GetControllerOfNoCopy(rs); ref == nil || ref.UID != d.UID {
			continue
		}
		var live, ready int32
		for _, p := range pods {
			if ref := metav1.GetControllerOfNoCopy(p); ref == nil || ref.UID != rs.UID || p.DeletionTimestamp != nil ||
				p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
				continue
			}
			live++
			if podReady(p) {
				ready++
			} else if running {
				return fmt.Errorf("pod %s is not ready", p.Name)
			}
		}
		st := rs.Status
		if live != *rs.Spec.Replicas || st.Replicas != live || st.ReadyReplicas != ready || st.AvailableReplicas != ready || st.ObservedGeneration != rs.Generation {
			return fmt.Errorf("replicaset %s: spec %d, %d live pods (%d ready), status %d/%d/%d observed %d of %d",
				rs.Name, *rs.Spec.Replicas, live, ready, st.Replicas, st.ReadyReplicas, st.AvailableReplicas, st.ObservedGeneration, rs.Generation)
		}
		sum.Replicas += st.Replicas
		sum.ReadyReplicas += st.ReadyReplicas
		sum.AvailableReplicas += st.AvailableReplicas
		if deploymentutil.EqualIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
			hasNew = true
			sum.UpdatedReplicas = st.Replicas
		}
	}
	got := counts{Replicas: d.Status.Replicas, ReadyReplicas: d.Status.ReadyReplicas,
		AvailableReplicas: d.Status.AvailableReplicas, UpdatedReplicas: d.Status.UpdatedReplicas}
	if got != sum {
		return fmt.Errorf("deployment status %+v, its ReplicaSets add up to %+v", got, sum)
	}
	if running && !d.Spec.Paused && (!hasNew || sum.UpdatedReplicas != *d.Spec.Replicas || sum.Replicas != *d.Spec.Replicas) {
		return fmt.Errorf("rollout not complete: %+v for %d replicas (new ReplicaSet: %v)", sum, *d.Spec.Replicas, hasNew)
	}
	return nil
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ---- upstream: kube-controller-manager's controllers on a fake clientset --

// upstreamCluster runs the upstream Deployment and ReplicaSet controllers
// (one worker each) on one fake clientset with shared informers, made to
// behave like an apiserver by installAPIServerReactors and
// installScenarioReactors, and a kubelet stand-in.
type upstreamCluster struct {
	client *fake.Clientset
	writes *atomic.Int64
	// running: the kubelet stand-in makes every pod Running and Ready.
	running atomic.Bool
	// kubeletMu is held by the polling stand-in for each pass, so that
	// holding it can wait for a pass in flight. (The instant one, for the
	// benchmark, is never held.)
	kubeletMu sync.Mutex
	stop      func()
}

// startUpstream is newUpstream for a test, stopped when it ends.
func startUpstream(t *testing.T) *upstreamCluster {
	u, err := newUpstream(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.stop)
	return u
}

// newUpstream starts the controllers and the kubelet stand-in (held);
// stop ends them. With instant, the stand-in also reacts to each pod event
// at once instead of only every few milliseconds (for the benchmark).
func newUpstream(instant bool) (*upstreamCluster, error) {
	u := &upstreamCluster{client: fake.NewSimpleClientset()}
	u.writes = installAPIServerReactors(u.client)
	installScenarioReactors(u.client)
	ctx, cancel := context.WithCancel(context.Background())
	factory := informers.NewSharedInformerFactory(u.client, 0)
	dc, err := deployment.NewDeploymentController(ctx, factory.Apps().V1().Deployments(), factory.Apps().V1().ReplicaSets(), factory.Core().V1().Pods(), u.client)
	if err != nil {
		cancel()
		return nil, err
	}
	rsc := replicaset.NewReplicaSetController(ctx, factory.Apps().V1().ReplicaSets(), factory.Core().V1().Pods(), u.client, replicaset.BurstReplicas)
	if instant {
		ready := func(obj any) {
			if p, ok := obj.(*corev1.Pod); ok && u.running.Load() && p.DeletionTimestamp == nil && !podReady(p) {
				u.readyPod(ctx, p.DeepCopy())
			}
		}
		_, err := factory.Core().V1().Pods().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: ready, UpdateFunc: func(_, obj any) { ready(obj) }})
		if err != nil {
			cancel()
			return nil, err
		}
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	var wg sync.WaitGroup
	wg.Go(func() { dc.Run(ctx, 1) })
	wg.Go(func() { rsc.Run(ctx, 1) })
	wg.Go(func() { u.kubelet(ctx) })
	u.stop = func() {
		cancel()
		wg.Wait()
		factory.Shutdown()
	}
	return u, nil
}

// kubelet is the stand-in for every node's kubelet: while running, each
// pod that is not ready becomes Running and Ready (lastTransitionTime now)
// within a few milliseconds. No probes, minReadySeconds 0: ready is
// available.
func (u *upstreamCluster) kubelet(ctx context.Context) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		u.kubeletMu.Lock()
		if u.running.Load() {
			list, err := u.client.Tracker().List(corev1.SchemeGroupVersion.WithResource("pods"), corev1.SchemeGroupVersion.WithKind("Pod"), "default")
			if err == nil {
				for i := range list.(*corev1.PodList).Items {
					if p := &list.(*corev1.PodList).Items[i]; p.DeletionTimestamp == nil && !podReady(p) {
						u.readyPod(ctx, p)
					}
				}
			}
		}
		u.kubeletMu.Unlock()
	}
}

// readyPod writes p (a copy the caller owns) back as Running and Ready.
func (u *upstreamCluster) readyPod(ctx context.Context, p *corev1.Pod) {
	now := metav1.Now()
	p.Status.Phase = corev1.PodRunning
	p.Status.StartTime = &now
	p.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
	}
	p.Status.ContainerStatuses = nil
	for _, ctr := range p.Spec.Containers {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{Name: ctr.Name, Image: ctr.Image,
			Ready: true, Started: ptr(true), State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}})
	}
	// a conflict or a pod gone meanwhile: the next pass looks again
	_, _ = u.client.CoreV1().Pods("default").UpdateStatus(ctx, p, metav1.UpdateOptions{})
}

func (u *upstreamCluster) setRunning(running bool) {
	u.running.Store(running)
	u.kubeletMu.Lock() // a pass that saw the old mode is over
	u.kubeletMu.Unlock()
}

// editDeployment is a client's read-modify-write of http-go (kubectl
// scale, set image, rollout pause/resume), retried on a Conflict.
func (u *upstreamCluster) editDeployment(ctx context.Context, edit func(*appsv1.Deployment)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := u.client.AppsV1().Deployments("default").Get(ctx, "http-go", metav1.GetOptions{})
		if err != nil {
			return err
		}
		edit(d)
		_, err = u.client.AppsV1().Deployments("default").Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
}

// do carries out one step on the upstream side and returns kubectl's
// message for an undo.
func (u *upstreamCluster) do(ctx context.Context, d0 *appsv1.Deployment, st scenarioStep) (string, error) {
	switch st.Op {
	case opCreate:
		_, err := u.client.AppsV1().Deployments("default").Create(ctx, d0.DeepCopy(), metav1.CreateOptions{})
		return "", err
	case opImage:
		return "", u.editDeployment(ctx, func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = st.Image })
	case opScale:
		return "", u.editDeployment(ctx, func(d *appsv1.Deployment) { d.Spec.Replicas = ptr(st.Replicas) })
	case opPause, opResume:
		return "", u.editDeployment(ctx, func(d *appsv1.Deployment) { d.Spec.Paused = st.Op == opPause })
	case opUndo:
		// kubectl's own code (KU-1 … KU-6), through the same clientset
		rb, err := polymorphichelpers.RollbackerFor(schema.GroupKind{Group: "apps", Kind: "Deployment"}, u.client)
		if err != nil {
			return "", err
		}
		d, err := u.client.AppsV1().Deployments("default").Get(ctx, "http-go", metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		msg, err := rb.Rollback(d, nil, st.ToRevision, cmdutil.DryRunNone)
		if err != nil {
			return err.Error(), nil
		}
		return "deployment.apps/http-go " + msg, nil
	case opWait:
		return "", nil
	}
	return "", fmt.Errorf("unknown step %q", st.Op)
}

// settle waits until the controllers and the stand-in have not written
// for a second and the state is consistent.
func (u *upstreamCluster) settle(t *testing.T) error {
	deadline := time.Now().Add(40 * time.Second)
	for {
		settle(u.writes)
		d, rss, pods := upstreamState(t, u.client)
		err := consistent(d, rss, pods, u.running.Load())
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("upstream did not settle: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func runUpstream(t *testing.T, sc scenario) []scenarioState {
	u := startUpstream(t)
	ctx := context.Background()
	var states []scenarioState
	for i, st := range sc.steps {
		if sc.releases(i) {
			u.setRunning(true)
			if err := u.settle(t); err != nil {
				t.Fatalf("upstream, releasing the kubelet before step %d (%s): %v", i, st, err)
			}
			d, rss, _ := upstreamState(t, u.client)
			states = append(states, stateOf(scenarioStep{Op: opRelease}, "", d, rss))
		}
		u.setRunning(!st.Hold)
		out, err := u.do(ctx, sc.d, st)
		if err != nil {
			t.Fatalf("upstream, step %d (%s): %v", i, st, err)
		}
		if err := u.settle(t); err != nil {
			t.Fatalf("upstream, after step %d (%s): %v", i, st, err)
		}
		d, rss, _ := upstreamState(t, u.client)
		states = append(states, stateOf(st, out, d, rss))
	}
	return states
}

// installScenarioReactors adds to installAPIServerReactors what the
// scenarios need of an apiserver beyond it: the apiserver's defaults on
// every Deployment, ReplicaSet and Pod written (upstream's own defaulting
// functions), metadata.generation (1 on create, +1 when an update changes
// the spec, kept on a status update), phase Pending for a new pod, and
// JSON and merge patches (kubectl rollout undo's) carried out as an
// update, so they get a new resourceVersion and a generation like any
// write. They run before installAPIServerReactors' reactors and change
// the action's object in place (Invokes hands every reactor the same copy
// of it).
func installScenarioReactors(client *fake.Clientset) {
	tracker := client.Tracker()
	client.PrependReactor("create", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		switch o := action.(k8stesting.CreateAction).GetObject().(type) {
		case *appsv1.Deployment:
			appsdefaults.SetObjectDefaults_Deployment(o)
			o.Generation = 1
		case *appsv1.ReplicaSet:
			appsdefaults.SetObjectDefaults_ReplicaSet(o)
			o.Generation = 1
		case *corev1.Pod:
			coredefaults.SetObjectDefaults_Pod(o)
			if o.Status.Phase == "" {
				o.Status.Phase = corev1.PodPending
			}
		}
		return false, nil, nil
	})
	client.PrependReactor("update", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		a := action.(k8stesting.UpdateAction)
		obj := a.GetObject()
		m := obj.(metav1.Object)
		cur, err := tracker.Get(a.GetResource(), a.GetNamespace(), m.GetName())
		if err != nil {
			return false, nil, nil // installAPIServerReactors answers NotFound
		}
		gen := cur.(metav1.Object).GetGeneration()
		switch o := obj.(type) {
		case *appsv1.Deployment:
			appsdefaults.SetObjectDefaults_Deployment(o)
			if a.GetSubresource() == "" && !apiequality.Semantic.DeepEqual(o.Spec, cur.(*appsv1.Deployment).Spec) {
				gen++
			}
		case *appsv1.ReplicaSet:
			appsdefaults.SetObjectDefaults_ReplicaSet(o)
			if a.GetSubresource() == "" && !apiequality.Semantic.DeepEqual(o.Spec, cur.(*appsv1.ReplicaSet).Spec) {
				gen++
			}
		case *corev1.Pod:
			coredefaults.SetObjectDefaults_Pod(o)
		}
		m.SetGeneration(gen)
		return false, nil, nil
	})
	client.PrependReactor("patch", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		a := action.(k8stesting.PatchAction)
		if a.GetPatchType() != types.JSONPatchType && a.GetPatchType() != types.MergePatchType {
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
		var patched []byte
		if a.GetPatchType() == types.JSONPatchType {
			p, err := jsonpatch.DecodePatch(a.GetPatch())
			if err != nil {
				return true, nil, apierrors.NewBadRequest(err.Error())
			}
			if patched, err = p.Apply(orig); err != nil {
				return true, nil, apierrors.NewBadRequest(err.Error())
			}
		} else if patched, err = jsonpatch.MergePatch(orig, a.GetPatch()); err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		obj := cur.DeepCopyObject()
		reset(obj)
		if err := json.Unmarshal(patched, obj); err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
		// the patch applies to the stored version: no Conflict
		obj.(metav1.Object).SetResourceVersion(cur.(metav1.Object).GetResourceVersion())
		update := k8stesting.NewUpdateSubresourceAction(a.GetResource(), a.GetSubresource(), a.GetNamespace(), obj)
		for _, r := range client.ReactionChain {
			if !r.Handles(update) {
				continue
			}
			if handled, ret, err := r.React(update); handled {
				return true, ret, err
			}
		}
		return true, nil, errors.New("no reactor took the update")
	})
}

// reset empties a typed object before a JSON decode into it, so that the
// fields a patch removed are gone.
func reset(obj runtime.Object) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		*o = appsv1.Deployment{}
	case *appsv1.ReplicaSet:
		*o = appsv1.ReplicaSet{}
	case *corev1.Pod:
		*o = corev1.Pod{}
	}
}

// ---- kubesem ---------------------------------------------------------------

// scenarioNodes are the kubesem cluster's nodes: room for any scenario's
// pods (upstream has no scheduler; pods there are never bound).
func scenarioNodes() []*corev1.Node {
	var nodes []*corev1.Node
	for i := range 4 {
		nodes = append(nodes, cluster.NewNode(fmt.Sprintf("node-%d", i), "64", "256Gi", 250))
	}
	return nodes
}

// runKubesem plays the scenario on kubesem's cluster: containers start at
// once (StartDelay -1) and have no probes, so a pod is ready as soon as it
// is bound. A held kubelet is modelled by cordoning every node: new pods
// stay Pending, unbound, not ready, as upstream's do while the stand-in
// is held; uncordoning binds them and they are ready at once.
func runKubesem(sc scenario) ([]scenarioState, error) {
	// Upstream's controllers run on the real clock: neither side waits
	// for a progress deadline.
	c, err := cluster.New(cluster.Options{Seed: 7, Nodes: scenarioNodes(), StartDelay: -1, SettleQuiet: 5 * time.Second, SettleIgnoresDeadlines: true})
	if err != nil {
		return nil, err
	}
	held := false
	cordon := func(on bool) error {
		held = on
		for _, n := range c.Nodes() {
			if _, err := c.Patch(cluster.KindNode, "", n.Name, fmt.Appendf(nil, `{"spec":{"unschedulable":%v}}`, on)); err != nil {
				return err
			}
		}
		return nil
	}
	var states []scenarioState
	record := func(st scenarioStep, out string) error {
		if err := c.Settle(time.Hour); err != nil {
			return err
		}
		o, err := c.Get(cluster.KindDeployment, "default", "http-go")
		if err != nil {
			return err
		}
		d := o.(*appsv1.Deployment)
		rss, _ := c.ReplicaSets("default", "")
		pods, _ := c.Pods("default", "")
		states = append(states, stateOf(st, out, d, rss))
		if err := consistent(d, rss, pods, !held); err != nil {
			return fmt.Errorf("settled but inconsistent: %v", err)
		}
		return nil
	}
	for i, st := range sc.steps {
		if sc.releases(i) {
			if err := cordon(false); err != nil {
				return states, err
			}
			if err := record(scenarioStep{Op: opRelease}, ""); err != nil {
				return states, fmt.Errorf("kubesem, releasing the kubelet before step %d (%s): %w", i, st, err)
			}
		}
		if st.Hold && !held {
			if err := cordon(true); err != nil {
				return states, err
			}
		}
		var out string
		switch st.Op {
		case opCreate:
			_, err = c.Create(sc.d.DeepCopy())
		case opImage:
			_, err = c.SetImage("default", "http-go", map[string]string{"http-go": st.Image}, "")
		case opScale:
			err = c.Scale(cluster.KindDeployment, "default", "http-go", st.Replicas)
		case opPause:
			_, err = c.RolloutPause("default", "http-go")
		case opResume:
			_, err = c.RolloutResume("default", "http-go")
		case opUndo:
			out, err = c.RolloutUndo("default", "http-go", st.ToRevision)
			if err != nil {
				out, err = err.Error(), nil
			}
		}
		if err != nil {
			return states, fmt.Errorf("kubesem, step %d (%s): %w", i, st, err)
		}
		if err := record(st, out); err != nil {
			return states, fmt.Errorf("kubesem, after step %d (%s): %w", i, st, err)
		}
	}
	return states, nil
}

// ---- the tests -------------------------------------------------------------

// compareScenario plays sc on both sides and requires the same sequence
// of settled states.
func compareScenario(t *testing.T, sc scenario) []scenarioState {
	want := runUpstream(t, sc)
	got, err := runKubesem(sc)
	normaliseProgressing(want, sc.strictOrder)
	normaliseProgressing(got, sc.strictOrder)
	if err != nil {
		t.Errorf("%v\nscenario: %s", err, sc)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settled states differ (-upstream +kubesem)\nscenario: %s\n%s", sc, diff)
	} else if testing.Verbose() {
		var b strings.Builder
		for _, s := range want {
			fmt.Fprintf(&b, "\n  %s", s)
		}
		t.Logf("%s: same %d settled states:%s", sc.name, len(want), b.String())
	}
	return want
}

func setScenarioGates(t *testing.T) {
	// The fake store never reports having
	// synced past the controller's writes
	if err := utilfeature.DefaultMutableFeatureGate.Set("StaleControllerConsistencyReplicaSet=false"); err != nil {
		t.Fatal(err)
	}
}

// TestScenarioTutorialMatchesUpstream plays the tutorial's Deployment
// section and its Recreate Deployment on kube-controller-manager's
// Deployment and ReplicaSet controllers (with kubectl's rollback code) and
// on kubesem's cluster, and requires the same settled state after every
// step: each ReplicaSet's size, availability and annotations by revision,
// and the Deployment's generation, revision, status counts, conditions,
// and kubectl's undo messages.
func TestScenarioTutorialMatchesUpstream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the upstream controllers")
	}
	setScenarioGates(t)
	for _, sc := range []scenario{tutorialScenario(), recreateScenario()} {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			compareScenario(t, sc)
		})
	}
}

// TestScenarioGeneratedMatchesUpstream does the same for generated
// histories (genScenario). Each case runs the real controllers for some
// seconds, so the number of cases is fixed: KUBESEM_SCENARIO_CASES
// (default 20, from seed KUBESEM_SCENARIO_SEED, default 0), run
// KUBESEM_SCENARIO_PARALLEL (default 5) at a time whatever -parallel says
// (they mostly wait for quiet periods).
func TestScenarioGeneratedMatchesUpstream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the upstream controllers")
	}
	setScenarioGates(t)
	cases, parallel := 20, 5
	if v, err := strconv.Atoi(os.Getenv("KUBESEM_SCENARIO_CASES")); err == nil {
		cases = v
	}
	if v, err := strconv.Atoi(os.Getenv("KUBESEM_SCENARIO_PARALLEL")); err == nil && v > 0 {
		parallel = v
	}
	first := 0 // KUBESEM_SCENARIO_SEED: explore other cases than the usual ones
	if v, err := strconv.Atoi(os.Getenv("KUBESEM_SCENARIO_SEED")); err == nil {
		first = v
	}
	var ran, midRollout, rolledBack, undoRefused, resumed atomic.Int64
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for seed := first; seed < first+cases; seed++ {
		sc := genScenario.Example(seed)
		sc.name = strconv.Itoa(seed)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			// t.Run from several goroutines at once runs them side by side
			t.Run(sc.name, func(t *testing.T) {
				want := compareScenario(t, sc)
				ran.Add(1)
				for i := 1; i < len(want); i++ {
					prev, op := want[i-1], want[i].Step
					midway := prev.UpdatedReplicas < prev.Replicas || prev.AvailableReplicas < prev.Replicas
					switch {
					case strings.HasPrefix(op, opScale) && midway:
						midRollout.Add(1)
					case strings.HasPrefix(op, opUndo) && strings.HasSuffix(want[i].Output, "rolled back"):
						rolledBack.Add(1)
					case strings.HasPrefix(op, opUndo):
						undoRefused.Add(1)
					case (strings.HasPrefix(op, opResume) || op == opRelease) && midway:
						resumed.Add(1)
					}
				}
			})
		})
	}
	wg.Wait()
	// a comparison that never reaches the interesting states proves little
	t.Logf("%d of %d cases: %d scaled in the middle of a rollout, %d rolled back, %d undos refused or skipped, %d finished a rollout held half-way",
		ran.Load(), cases, midRollout.Load(), rolledBack.Load(), undoRefused.Load(), resumed.Load())
	if n := ran.Load(); n >= 10 && (midRollout.Load() < n/3 || rolledBack.Load() == 0) {
		t.Errorf("the generator is too tame")
	}
}
