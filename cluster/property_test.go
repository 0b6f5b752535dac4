package cluster

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/workload"
)

// structural are the invariants that hold after every step, whatever the
// faults: no pod has two controllers, every pod's controller is of its own
// namespace, and every namespaced object lives in a namespace that exists.
func structural(c *Cluster) error {
	for _, o := range c.st.list(KindPod, "") {
		n := 0
		for _, r := range o.GetOwnerReferences() {
			if r.Controller != nil && *r.Controller {
				n++
			}
		}
		if n > 1 {
			return fmt.Errorf("pod %s/%s has %d controllers", o.GetNamespace(), o.GetName(), n)
		}
	}
	for _, kind := range []string{KindPod, KindReplicaSet, KindReplicationController, KindDeployment, KindService} {
		for _, o := range c.st.list(kind, "") {
			if c.namespaceObject(o.GetNamespace()) == nil {
				return fmt.Errorf("%s %s/%s outside any namespace", kind, o.GetNamespace(), o.GetName())
			}
		}
	}
	return nil
}

// TestPropertyEventuallyStable drives a cluster with random user actions
// and faults — scaling, image changes, deletes in every cascade mode,
// node stops and starts, crashing containers, failing readiness probes,
// init containers that fail and sidecars that crash or never get ready,
// kubelet restarts,
// quota-refused creates, namespace deletion — checking the structural
// invariants after every step; then it removes the faults and requires
// eventually stable reconciliation: every Deployment complete, every
// ReplicaSet and RC with as many ready pods as it wants, and it stays so.
func TestPropertyEventuallyStable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := New(Options{Seed: rapid.Uint64().Draw(t, "seed")})
		if err != nil {
			t.Fatal(err)
		}
		c.AddInvariant("structural", structural)
		// Time must advance: a loop of near-zero requeues once made a case
		// take 10^9 instants (a progress check "now" must be rate limited).
		instants := 0
		c.AddInvariant("budget", func(c *Cluster) error {
			if instants++; instants > 200000 {
				var qs []string
				for _, tm := range c.queue {
					qs = append(qs, fmt.Sprintf("%s %s", tm.at.Sub(c.opts.Start), runtime.FuncForPC(reflect.ValueOf(tm.fn).Pointer()).Name()))
				}
				return fmt.Errorf("more than 200000 instants (now %s, timers queued: %v)", c.Elapsed(), qs)
			}
			return nil
		})
		k := newChaos(c)
		for range rapid.IntRange(1, 25).Draw(t, "steps") {
			k.act(t)
		}
		k.heal(t)
		// Crashed containers may wait out a 5-minute back-off; give it time.
		if err := c.Advance(15 * time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := c.Settle(time.Hour); err != nil {
			t.Fatal(err)
		}
		check := func() {
			for _, o := range c.st.list(KindDeployment, "") {
				d := o.(*appsv1.Deployment)
				if d.DeletionTimestamp != nil {
					continue
				}
				want := *d.Spec.Replicas
				if d.Status.UpdatedReplicas != want || d.Status.AvailableReplicas != want || d.Status.Replicas != want || d.Status.ObservedGeneration != d.Generation {
					t.Fatalf("deployment %s/%s not complete: want %d, status %+v", d.Namespace, d.Name, want, d.Status)
				}
			}
			for _, o := range c.st.list(KindReplicaSet, "") {
				rs := o.(*appsv1.ReplicaSet)
				if rs.DeletionTimestamp == nil && (rs.Status.Replicas != *rs.Spec.Replicas || rs.Status.ReadyReplicas != *rs.Spec.Replicas) {
					t.Fatalf("replicaset %s/%s: spec %d, status %+v", rs.Namespace, rs.Name, *rs.Spec.Replicas, rs.Status)
				}
			}
			for _, o := range c.st.list(KindReplicationController, "") {
				rc := o.(*corev1.ReplicationController)
				if rc.DeletionTimestamp == nil && (rc.Status.Replicas != *rc.Spec.Replicas || rc.Status.ReadyReplicas != *rc.Spec.Replicas) {
					t.Fatalf("rc %s/%s: spec %d, status %+v", rc.Namespace, rc.Name, *rc.Spec.Replicas, rc.Status)
				}
			}
		}
		check()
		if err := c.Advance(30 * time.Minute); err != nil {
			t.Fatal(err)
		}
		check() // and it stays so
	})
}

// chaos draws random actions on a cluster — Deployments, ReplicaSets and
// RCs created, scaled, re-imaged and deleted, nodes stopped, tainted and
// made unhealthy, quotas, namespace deletions, kubelet restarts, crashing
// and never-ready programs, time passing — and then removes the faults.
type chaos struct {
	c       *Cluster
	stopped map[string]bool
}

// newChaos programs the images the actions use.
func newChaos(c *Cluster) *chaos {
	c.Program("crash:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return 20 * time.Second, 1, true }})
	c.Program("unready:v1", probe.Script{Probe: func(probe.Kind, int, time.Duration) probe.Outcome { return probe.OutcomeFailure }})
	// Init containers (probe rule 19): one that completes after 3 s,
	// one that fails until the faults are removed.
	c.Program("init:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return 3 * time.Second, 0, true }})
	c.Program("initfail:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return 2 * time.Second, 1, true }})
	return &chaos{c: c, stopped: map[string]bool{}}
}

// act draws and takes one action; an invariant's failure fails t.
func (k *chaos) act(t *rapid.T) {
	c, stopped := k.c, k.stopped
	names := []string{"a", "b", "c"}
	images := []string{"app:v1", "app:v2", "app:v3", "crash:v1", "unready:v1"}
	sidecar := corev1.ContainerRestartPolicyAlways
	withProbe := func(img string) corev1.Container {
		ctr := corev1.Container{Name: "c", Image: img}
		if img == "unready:v1" {
			ctr.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, PeriodSeconds: 10}
		}
		return ctr
	}
	ns := func(t *rapid.T) string { return rapid.SampledFrom([]string{"default", "team"}).Draw(t, "ns") }
	ensureNS := func(name string) {
		if name != "default" && c.namespaceObject(name) == nil {
			_, _ = c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
		}
	}
	var err error
	switch rapid.IntRange(0, 14).Draw(t, "action") {
	case 0, 1:
		n, space := rapid.SampledFrom(names).Draw(t, "name"), ns(t)
		ensureNS(space)
		d := deploymentObject("d"+n, int32(rapid.IntRange(0, 6).Draw(t, "replicas")))
		d.Namespace = space
		d.Spec.Template.Spec.Containers = []corev1.Container{withProbe(rapid.SampledFrom(images).Draw(t, "image"))}
		for i := range rapid.IntRange(0, 2).Draw(t, "inits") {
			ic := corev1.Container{Name: fmt.Sprintf("i%d", i), Image: rapid.SampledFrom([]string{"init:v1", "initfail:v1"}).Draw(t, "initImage")}
			if rapid.Bool().Draw(t, "sidecar") {
				ic.Image, ic.RestartPolicy = rapid.SampledFrom(images).Draw(t, "sidecarImage"), &sidecar
			}
			d.Spec.Template.Spec.InitContainers = append(d.Spec.Template.Spec.InitContainers, ic)
		}
		_, err = c.Create(d)
	case 2:
		n, space := rapid.SampledFrom(names).Draw(t, "name"), ns(t)
		ensureNS(space)
		rs := rsObject("r"+n, int32(rapid.IntRange(0, 5).Draw(t, "replicas")))
		rs.Namespace = space
		// rule 4: where its pods may go (always somewhere, once the
		// faults are gone)
		switch spec := &rs.Spec.Template.Spec; rapid.IntRange(0, 5).Draw(t, "placement") {
		case 1:
			spec.NodeSelector = map[string]string{LabelHostname: rapid.SampledFrom([]string{"worker1", "worker2"}).Draw(t, "selected")}
		case 2:
			spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{{
					Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{rapid.SampledFrom([]string{"worker2", "worker1"}).Draw(t, "named")}}}}}}}}
		case 3:
			// Only the master, which no action taints: a pod named
			// onto a node whose NoExecute taint it does not tolerate
			// is evicted and replaced without end (upstream's hot
			// loop, which TestEvictionReplacementLoopReported covers).
			spec.NodeName = "master"
		}
		_, err = c.Create(rs)
	case 3:
		space := ns(t)
		ensureNS(space)
		r := int32(rapid.IntRange(0, 4).Draw(t, "replicas"))
		rc := &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: space},
			Spec: corev1.ReplicationControllerSpec{Replicas: &r, Template: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"rc": "x"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}}}
		_, err = c.Create(rc)
	case 4:
		_, err = c.SetImage(ns(t), "d"+rapid.SampledFrom(names).Draw(t, "name"), map[string]string{"c": rapid.SampledFrom(images).Draw(t, "image")}, "")
	case 5:
		kind := rapid.SampledFrom([]string{KindDeployment, KindReplicaSet}).Draw(t, "kind")
		prefix := map[string]string{KindDeployment: "d", KindReplicaSet: "r"}[kind]
		err = c.Scale(kind, ns(t), prefix+rapid.SampledFrom(names).Draw(t, "name"), int32(rapid.IntRange(0, 6).Draw(t, "replicas")))
	case 6:
		kind := rapid.SampledFrom([]string{KindDeployment, KindReplicaSet, KindReplicationController, KindPod}).Draw(t, "kind")
		objs, _ := c.List(kind, ns(t), "")
		if len(objs) > 0 {
			o := rapid.SampledFrom(objs).Draw(t, "victim")
			prop := rapid.SampledFrom([]metav1.DeletionPropagation{metav1.DeletePropagationBackground, metav1.DeletePropagationForeground, metav1.DeletePropagationOrphan}).Draw(t, "cascade")
			err = c.Delete(kind, o.GetNamespace(), o.GetName(), DeleteOptions{Propagation: prop})
		}
	case 7:
		node := rapid.SampledFrom([]string{"worker1", "worker2"}).Draw(t, "node")
		if stopped[node] {
			err = c.StartNode(node)
		} else {
			err = c.StopNode(node)
		}
		stopped[node] = !stopped[node]
	case 8:
		_, err = c.Create(&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", Namespace: "default"},
			Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse(fmt.Sprint(rapid.IntRange(0, 6).Draw(t, "maxPods")))}}})
	case 9:
		if c.namespaceObject("team") != nil {
			err = c.Delete(KindNamespace, "", "team", DeleteOptions{})
		}
	case 12:
		// A user's taint on a node, or its removal (rule 6a).
		node := rapid.SampledFrom([]string{"worker1", "worker2"}).Draw(t, "taintNode")
		effect := rapid.SampledFrom([]corev1.TaintEffect{corev1.TaintEffectNoExecute, corev1.TaintEffectNoSchedule}).Draw(t, "effect")
		if rapid.Bool().Draw(t, "untaint") {
			err = c.UntaintNode(node, "k", "")
		} else {
			err = c.TaintNode(node, corev1.Taint{Key: "k", Value: rapid.SampledFrom([]string{"a", "b"}).Draw(t, "value"), Effect: effect})
		}
	case 13:
		// A kubelet's condition (rule 6c).
		node := rapid.SampledFrom([]string{"worker1", "worker2"}).Draw(t, "condNode")
		typ := rapid.SampledFrom([]corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure, corev1.NodeNetworkUnavailable}).Draw(t, "condType")
		status := rapid.SampledFrom([]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse}).Draw(t, "condStatus")
		if !stopped[node] || typ == corev1.NodeNetworkUnavailable {
			err = c.SetNodeCondition(node, corev1.NodeCondition{Type: typ, Status: status})
		}
	case 14:
		// A kubelet restart (probe rule P5.4).
		if node := rapid.SampledFrom([]string{"master", "worker1", "worker2"}).Draw(t, "kubeletNode"); !stopped[node] {
			err = c.RestartKubelet(node)
		}
	default:
		err = c.Advance(time.Duration(rapid.IntRange(1, 400).Draw(t, "seconds")) * time.Second)
	}
	if err != nil && isInvariant(err) {
		t.Fatal(err)
	}
}

// heal removes the faults: nodes back and healthy, untainted, healthy
// programs, no quota.
func (k *chaos) heal(t *rapid.T) {
	c, stopped := k.c, k.stopped
	for _, node := range []string{"worker1", "worker2"} {
		if stopped[node] {
			if err := c.StartNode(node); err != nil {
				t.Fatal(err)
			}
			stopped[node] = false
		}
		if err := c.UntaintNode(node, "k", ""); err != nil && !contains(err.Error(), "not found") {
			t.Fatal(err)
		}
		healthy := map[corev1.NodeConditionType]corev1.ConditionStatus{corev1.NodeReady: corev1.ConditionTrue, corev1.NodeMemoryPressure: corev1.ConditionFalse,
			corev1.NodeDiskPressure: corev1.ConditionFalse, corev1.NodePIDPressure: corev1.ConditionFalse, corev1.NodeNetworkUnavailable: corev1.ConditionFalse}
		for _, typ := range []corev1.NodeConditionType{corev1.NodeReady, corev1.NodeMemoryPressure, corev1.NodeDiskPressure, corev1.NodePIDPressure, corev1.NodeNetworkUnavailable} {
			if err := c.SetNodeCondition(node, corev1.NodeCondition{Type: typ, Status: healthy[typ]}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Program("crash:v1", probe.Script{})
	c.Program("unready:v1", probe.Script{})
	c.Program("initfail:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return time.Second, 0, true }})
	for _, q := range c.st.list(KindResourceQuota, "") {
		if err := c.Delete(KindResourceQuota, q.GetNamespace(), q.GetName(), DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func isInvariant(err error) bool {
	return err != nil && len(err.Error()) > 0 && contains(err.Error(), "invariant")
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestPropertyRolloutBounds: with no fault interfering, a rolling update
// never runs more than replicas + maxSurge pods and, once the Deployment
// was first available, never fewer than replicas − maxUnavailable
// available ones — checked after every instant, through random image
// changes (even mid-rollout), pauses and resumes.
//
// The availability bound is checked only without minReadySeconds: with
// it, upstream itself can go below it. A scale-down ranks pods by how
// long they have been ready in power-of-two bands and breaks ties by UID
// (RS-6.3, surprise 2), so a pod ready for 7 s (available with
// minReadySeconds 5) may be deleted before one ready for 4.5 s (not yet
// available). The state machine found such a case: 8 replicas, surge 1,
// unavailable 4, three image changes 13 s apart, 3 available.
func TestPropertyRolloutBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := New(Options{Seed: rapid.Uint64().Draw(t, "seed")})
		if err != nil {
			t.Fatal(err)
		}
		replicas := int32(rapid.IntRange(1, 12).Draw(t, "replicas"))
		d := deploymentObject("web", replicas)
		d.Spec.MinReadySeconds = int32(rapid.IntRange(0, 15).Draw(t, "minReady"))
		surge := intOrPercent(t, "maxSurge")
		unavailable := intOrPercent(t, "maxUnavailable")
		if surge.IntValue() == 0 && surge.Type == 0 && unavailable.IntValue() == 0 && unavailable.Type == 0 {
			unavailable = intstrFromInt(1)
		}
		d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
			RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}
		if _, err := c.Create(d); err != nil {
			t.Skip(err) // 0%/0% after rounding is refused by validation
		}
		stored, _ := c.Get(KindDeployment, "", "web")
		maxSurge, maxUnavail := rollout.MaxSurge(stored.(*appsv1.Deployment)), rollout.MaxUnavailable(stored.(*appsv1.Deployment))
		wasAvailable := false
		c.AddInvariant("rollout bounds", func(c *Cluster) error {
			active, available := int32(0), int32(0)
			for _, p := range c.podsOf("default") {
				if !workload.IsActive(p) {
					continue
				}
				active++
				if workload.IsAvailable(p, d.Spec.MinReadySeconds, c.Now()) {
					available++
				}
			}
			if active > replicas+maxSurge {
				return fmt.Errorf("%d pods, more than %d + maxSurge %d", active, replicas, maxSurge)
			}
			if wasAvailable && d.Spec.MinReadySeconds == 0 && available < replicas-maxUnavail {
				return fmt.Errorf("%d available, fewer than %d - maxUnavailable %d", available, replicas, maxUnavail)
			}
			if available >= replicas {
				wasAvailable = true
			}
			return nil
		})
		for range rapid.IntRange(1, 8).Draw(t, "steps") {
			var err error
			switch rapid.IntRange(0, 4).Draw(t, "action") {
			case 0, 1:
				_, err = c.SetImage("default", "web", map[string]string{"c": rapid.SampledFrom([]string{"app:v1", "app:v2", "app:v3"}).Draw(t, "image")}, "")
			case 2:
				_, err = c.RolloutPause("default", "web")
			case 3:
				_, err = c.RolloutResume("default", "web")
			default:
				err = c.Advance(time.Duration(rapid.IntRange(1, 30).Draw(t, "seconds")) * time.Second)
			}
			if err != nil && isInvariant(err) {
				t.Fatal(err)
			}
		}
		if _, err := c.RolloutResume("default", "web"); err != nil && isInvariant(err) {
			t.Fatal(err)
		}
		if err := c.Settle(time.Hour); err != nil {
			t.Fatal(err)
		}
	})
}

func intOrPercent(t *rapid.T, label string) intstr.IntOrString {
	if rapid.Bool().Draw(t, label+"IsPercent") {
		return intstr.FromString(fmt.Sprintf("%d%%", rapid.IntRange(0, 100).Draw(t, label+"Percent")))
	}
	return intstrFromInt(rapid.IntRange(0, 4).Draw(t, label+"Int"))
}

func intstrFromInt(n int) intstr.IntOrString { return intstr.FromInt32(int32(n)) }
