package cluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/workload"
)

// ---- kubelet ----------------------------------------------------------------

// podRuntime is the kubelet's state for one pod it runs.
type podRuntime struct {
	runner      *probe.Runner
	node        string
	token       uint64
	frozen      bool // its node stopped: nothing runs, nothing is reported
	terminating bool
	base        map[string]int32 // restart counts from before a node restart
	ip          string
	admitted    time.Time
	// gates is what the runner was last told of the pod's readiness
	// gate conditions (rule P16.7), as "type=status" pairs.
	gates string
}

type podContainer struct {
	pod       key
	container string
}

// admitPod starts the kubelet's work on a pod bound to a running node: the
// sandbox gets an IP at once, the containers start after StartDelay, and
// the probe model runs from then on.
func (c *Cluster) admitPod(p *corev1.Pod, ns *nodeState, base map[string]int32) {
	k := keyOf(p)
	r, err := probe.NewRunner(c.scenarioOf(p, ns), c.now)
	if err != nil {
		c.record(p, KindPod, "Warning", "Failed", "kubelet", "Error: %v", err)
		return
	}
	rt := &podRuntime{runner: r, node: ns.name, base: base, admitted: c.now,
		ip: "10.244." + strconv.Itoa(ns.index) + "." + strconv.Itoa(ns.nextIP), gates: gateConditions(p)}
	ns.nextIP++
	if old := c.pods[k]; old != nil {
		rt.token = old.token + 1
	}
	c.pods[k] = rt
	c.syncPodStatus(k, rt)
	c.wake(k, rt)
}

// scenarioOf is the kubelet model's input for pod p on node ns.
func (c *Cluster) scenarioOf(p *corev1.Pod, ns *nodeState) probe.Scenario {
	k := keyOf(p)
	sc := probe.Scenario{Pod: p, Scripts: make(map[string]probe.Script, len(p.Spec.InitContainers)+len(p.Spec.Containers)), StartDelay: c.opts.StartDelay,
		Gates: c.opts.Gates, MaxContainerRestartPeriod: c.opts.MaxContainerRestartPeriod, KubeletStart: ns.kubeletStart,
		// stored objects are never modified in place
		ShareSpec: shortcuts}
	for i := range p.Spec.InitContainers {
		ctr := &p.Spec.InitContainers[i]
		sc.Scripts[ctr.Name] = c.scriptOf(k, ctr, ctr.RestartPolicy == nil || *ctr.RestartPolicy != corev1.ContainerRestartPolicyAlways)
	}
	for i := range p.Spec.Containers {
		ctr := &p.Spec.Containers[i]
		sc.Scripts[ctr.Name] = c.scriptOf(k, ctr, false)
	}
	return sc
}

// RestartKubelet restarts the kubelet of a running node (probe rule
// P5.4): the node stays up and its containers keep running; the new
// kubelet (event Starting, "Starting kubelet.") adopts every pod it runs
// from the status it had written — restart counts and start times kept,
// probes counting from zero, containers that ran long enough keeping
// their started and ready fields until their probes say otherwise — and
// has no back-off entries, so a container waiting in CrashLoopBackOff
// starts at once. Its housekeeping and lease renewals are phased from
// now. A pod being deleted is stopped again with its deletion grace
// period. A node that is stopped has no kubelet to restart: an error.
func (c *Cluster) RestartKubelet(name string) error {
	ns, ok := c.nodes[name]
	n := c.nodeObject(name)
	if !ok || n == nil {
		return apiNotFound(KindNode, name)
	}
	if !ns.up {
		return fmt.Errorf("cluster: node %q is stopped: it has no kubelet to restart", name)
	}
	ns.kubeletStart = c.now
	c.record(n, KindNode, "Normal", "Starting", "kubelet", "Starting kubelet.")
	var keys []key
	for k, rt := range c.pods {
		if rt.node == name && !rt.frozen {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		c.adoptPod(k, ns, c.pods[k])
	}
	return c.step()
}

// adoptPod hands a running pod to a restarted kubelet (probe.AdoptRunner).
func (c *Cluster) adoptPod(k key, ns *nodeState, old *podRuntime) {
	o := c.st.get(KindPod, k)
	if o == nil {
		return
	}
	p := o.(*corev1.Pod)
	r, err := probe.AdoptRunner(c.scenarioOf(p, ns), c.now, p.Status)
	if err != nil {
		c.record(p, KindPod, "Warning", "Failed", "kubelet", "Error: %v", err)
		return
	}
	// The adopted status already counts the restarts from before a node
	// restart: no base.
	rt := &podRuntime{runner: r, node: old.node, token: old.token + 1, ip: old.ip, admitted: old.admitted, gates: gateConditions(p)}
	c.pods[k] = rt
	if p.DeletionTimestamp != nil && p.DeletionGracePeriodSeconds != nil {
		rt.terminating = true
		_ = r.Terminate(c.now, time.Duration(*p.DeletionGracePeriodSeconds)*time.Second)
	}
	c.syncPodStatus(k, rt)
	if rt.terminating && r.Done() {
		c.remove(KindPod, k)
		return
	}
	c.wake(k, rt)
}

// restartPod gives a pod on a restarted node fresh containers, counting a
// restart for each container that had started before.
func (c *Cluster) restartPod(p *corev1.Pod) {
	base := map[string]int32{}
	for _, cs := range append(slices.Clip(p.Status.InitContainerStatuses), p.Status.ContainerStatuses...) {
		n := cs.RestartCount
		if cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil {
			n++
		}
		base[cs.Name] = n
	}
	c.admitPod(p, c.nodes[p.Spec.NodeName], base)
}

func (c *Cluster) freezePod(k key, rt *podRuntime) {
	rt.frozen = true
	rt.token++
}

func (c *Cluster) forgetPod(k key) {
	if rt := c.pods[k]; rt != nil {
		rt.token++
		delete(c.pods, k)
	}
	// (a scheduled eviction is cancelled by the taint manager when it
	// hears of the deletion: taintManagerPodChanged)
	for pc := range c.podScripts {
		if pc.pod == k {
			delete(c.podScripts, pc)
		}
	}
}

// wake schedules the runner's next action.
func (c *Cluster) wake(k key, rt *podRuntime) {
	if rt.frozen {
		return
	}
	at, ok := rt.runner.NextAt()
	if !ok {
		return
	}
	token := rt.token
	// Once every container runs, what remains are periodic probes: they
	// do not keep Settle busy.
	src := foreground
	if c.allRunning(k) {
		src = kubeletTimer
	}
	c.at(at, src, func() { c.kubeletStep(k, rt, token) })
}

func (c *Cluster) allRunning(k key) bool {
	o := c.st.get(KindPod, k)
	if o == nil {
		return false
	}
	p := o.(*corev1.Pod)
	if p.DeletionTimestamp != nil || len(p.Status.ContainerStatuses) == 0 {
		return false
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Running == nil {
			return false
		}
	}
	// Init containers: sidecars run, the others completed.
	for _, cs := range p.Status.InitContainerStatuses {
		if cs.State.Running == nil && (cs.State.Terminated == nil || cs.State.Terminated.ExitCode != 0) {
			return false
		}
	}
	return true
}

func (c *Cluster) kubeletStep(k key, rt *podRuntime, token uint64) {
	if rt.token != token || c.pods[k] != rt || rt.frozen {
		return
	}
	evs, err := rt.runner.Step()
	if err != nil {
		o := c.st.get(KindPod, k)
		if o != nil {
			c.record(o, KindPod, "Warning", "Failed", "kubelet", "%v", err)
		}
		return
	}
	c.kubeletEvents(k, evs)
	c.syncPodStatus(k, rt)
	if rt.terminating && rt.runner.Done() {
		c.remove(KindPod, k)
		return
	}
	c.wake(k, rt)
}

// kubeletEvents turns the probe model's events into the kubelet's events
// (reasons Started, Killing, BackOff, Unhealthy).
func (c *Cluster) kubeletEvents(k key, evs []probe.Event) {
	o := c.st.get(KindPod, k)
	if o == nil {
		return
	}
	for _, e := range evs {
		switch e.Reason {
		case "Started":
			c.recordMsg(o, KindPod, "Normal", "Started", "kubelet", "Started container "+e.Container)
		case "Killing":
			c.recordMsg(o, KindPod, "Normal", "Killing", "kubelet", e.Message)
		case "BackOff":
			c.record(o, KindPod, "Warning", "BackOff", "kubelet", "Back-off restarting failed container %s in pod %s_%s(%s)", e.Container, o.GetName(), o.GetNamespace(), o.GetUID())
		case "Probe":
			for _, kind := range []string{"startup", "readiness", "liveness"} {
				if strings.HasPrefix(strings.ToLower(e.Message), kind+" probe: failure") {
					c.record(o, KindPod, "Warning", "Unhealthy", "kubelet", "%s probe failed", strings.ToUpper(kind[:1])+kind[1:])
				}
			}
		}
	}
}

// gateConditions renders the conditions a pod's readiness gates name, in
// the gates' order, as "type=status" pairs ("" without gates).
func gateConditions(p *corev1.Pod) string {
	if len(p.Spec.ReadinessGates) == 0 {
		return ""
	}
	var b strings.Builder
	for _, g := range p.Spec.ReadinessGates {
		b.WriteString(string(g.ConditionType))
		b.WriteByte('=')
		for _, cond := range p.Status.Conditions {
			if cond.Type == g.ConditionType {
				b.WriteString(string(cond.Status))
				break
			}
		}
		b.WriteByte(';')
	}
	return b.String()
}

// kubeletPodChanged is the kubelet hearing of a pod write (rule P16.7):
// when the conditions of the pod's readiness gates changed, its kubelet
// syncs the pod KubeletDelay later (MODEL, as for a deletion) and writes
// the Ready condition they make.
func (c *Cluster) kubeletPodChanged(old, cur *corev1.Pod) {
	if old == nil || cur == nil || len(cur.Spec.ReadinessGates) == 0 {
		return
	}
	k := keyOf(cur)
	rt := c.pods[k]
	if rt == nil || rt.frozen || gateConditions(cur) == rt.gates {
		return
	}
	c.after(KubeletDelay, func() {
		if c.pods[k] != rt || rt.frozen {
			return
		}
		c.syncPodStatus(k, rt)
	})
}

// syncPodStatus writes the status the kubelet reports when it differs from
// the stored one. Conditions the kubelet does not own (a readiness gate's,
// DisruptionTarget) are kept as stored, and come first, as the status
// manager's merge puts them; PodScheduled is the kubelet's own, with the
// pod's generation (rules 5, P16.7).
func (c *Cluster) syncPodStatus(k key, rt *podRuntime) {
	o := c.st.get(KindPod, k)
	if o == nil {
		return
	}
	p := o.(*corev1.Pod)
	if g := gateConditions(p); g != rt.gates {
		// The kubelet's view of the gates' conditions is the stored one.
		if evs, err := rt.runner.SetConditions(c.now, p.Status.Conditions); err == nil {
			rt.gates = g
			c.kubeletEvents(k, evs)
		}
	}
	st := c.kubeletStatus(p, rt, rt.runner, c.now)
	if statusUnchanged(&st, &p.Status) {
		return
	}
	// Stored objects are never modified in place, so the new version may
	// share its metadata and spec with the old one.
	np := *p
	np.Status = st
	c.writeStatus(KindPod, &np)
}

// kubeletStatus is the status pod p's kubelet would write at now, its
// runtime rt driven by the Runner r (rt's own, or Settle's look-ahead's
// copy).
func (c *Cluster) kubeletStatus(p *corev1.Pod, rt *podRuntime, r *probe.Runner, now time.Time) corev1.PodStatus {
	st := r.SharedStatus(now) // its conditions are replaced below, not changed
	for _, list := range [][]corev1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range list {
			list[i].RestartCount += rt.base[list[i].Name]
		}
	}
	node := c.nodeObject(rt.node)
	if node != nil && len(node.Status.Addresses) > 0 {
		st.HostIP = node.Status.Addresses[0].Address
		if old := p.Status.HostIPs; len(old) == 1 && old[0].IP == st.HostIP {
			st.HostIPs = old // stored objects are never modified in place
		} else {
			st.HostIPs = []corev1.HostIP{{IP: st.HostIP}}
		}
	}
	st.PodIP = rt.ip
	if old := p.Status.PodIPs; len(old) == 1 && old[0].IP == rt.ip {
		st.PodIPs = old
	} else {
		st.PodIPs = []corev1.PodIP{{IP: rt.ip}}
	}
	if p.Status.StartTime != nil {
		st.StartTime = p.Status.StartTime
	} else {
		start := metav1.NewTime(rt.admitted)
		st.StartTime = &start
	}
	st.QOSClass = p.Status.QOSClass
	if st.QOSClass == "" {
		st.QOSClass = workload.QOSClass(p)
	}
	// The conditions the kubelet does not own come first, as stored.
	// The kubelet writes its own PodScheduled, also over the binding's
	// (generateAPIPodStatus: True, observedGeneration the pod's
	// generation, PodObservedGenerationTracking being GA); its
	// lastTransitionTime is the stored one's when that is True too
	// (status_manager.go updateLastTransitionTime). The list is built in
	// a scratch buffer: mostly it is the stored one or the runner's, both
	// never modified, and then that one is shared.
	conds := c.condBuf[:0]
	for _, cond := range p.Status.Conditions {
		if !probe.KubeletOwnsCondition(cond.Type, c.opts.Gates) {
			conds = append(conds, cond)
		}
	}
	for _, cond := range st.Conditions {
		if !probe.KubeletOwnsCondition(cond.Type, c.opts.Gates) {
			continue
		}
		for _, old := range p.Status.Conditions {
			if old.Type == cond.Type && old.Status == cond.Status {
				cond.LastTransitionTime = old.LastTransitionTime
			}
		}
		conds = append(conds, cond)
	}
	c.condBuf = conds
	switch {
	case conditionsEqual(conds, p.Status.Conditions):
		st.Conditions = p.Status.Conditions
	case conditionsEqual(conds, st.Conditions):
		// (st.Conditions as SharedStatus gave them)
	default:
		st.Conditions = slices.Clone(conds)
	}
	return st
}

// ---- deletion ---------------------------------------------------------------

// KubeletDelay is how long a kubelet takes to act on a pod's deletion
// (MODEL: upstream's is watch latency plus a sync, about a second).
const KubeletDelay = time.Second

// deletePod is a graceful DELETE of a pod (RS-9.1): grace from the
// options, else the pod's terminationGracePeriodSeconds; 0 for a pod not
// scheduled or already terminal; a negative one becomes 1. With grace > 0
// the pod is Terminating until its kubelet has stopped its containers (or
// forever while its node is down); with 0 it goes at once.
func (c *Cluster) deletePod(p *corev1.Pod, grace *int64) {
	g := int64(30)
	if p.Spec.TerminationGracePeriodSeconds != nil {
		g = *p.Spec.TerminationGracePeriodSeconds
	}
	if grace != nil {
		g = *grace
	}
	if p.Spec.NodeName == "" || podTerminal(p) {
		g = 0
	}
	if g < 0 {
		g = 1
	}
	k := keyOf(p)
	rt := c.pods[k]
	if g == 0 || (rt == nil && c.nodes[p.Spec.NodeName] != nil && c.nodes[p.Spec.NodeName].up) {
		c.remove(KindPod, k)
		return
	}
	if p.DeletionTimestamp != nil {
		// A second DELETE may only shorten the grace period.
		if p.DeletionGracePeriodSeconds != nil && *p.DeletionGracePeriodSeconds <= g {
			return
		}
	}
	np := shallowPod(p)
	ts := metav1.NewTime(c.now.Add(time.Duration(g) * time.Second))
	np.DeletionTimestamp = &ts
	np.DeletionGracePeriodSeconds = &g
	c.write(KindPod, np)
	if rt == nil || rt.frozen {
		return // its node is down: Terminating until the node comes back
	}
	// The kubelet sees the deletion a moment later (MODEL: KubeletDelay)
	// and stops the containers with the pod's deletion grace period.
	c.after(KubeletDelay, func() {
		if c.pods[k] != rt || rt.frozen || rt.terminating {
			return
		}
		rt.terminating = true
		_ = rt.runner.Terminate(c.now, time.Duration(g)*time.Second)
		rt.token++
		c.syncPodStatus(k, rt)
		if rt.runner.Done() {
			c.remove(KindPod, k)
			return
		}
		c.wake(k, rt)
	})
}
