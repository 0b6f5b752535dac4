package printers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// Generators of odd objects: every field the printers read, with empty,
// nil, negative, repeated and hostile (line breaks, ESC, invalid UTF-8)
// values.

var oddStrings = []string{"", "a", "kubia-7xq2c", "héllo", "x\ny", "e\x1b[31m", "bad\xffutf8", "  spaced  ", "cr\rz", "ff\fz", "tab\tz"}

func oneOf(t *rapid.T, label string, xs ...string) string {
	return rapid.SampledFrom(xs).Draw(t, label)
}

func oddString(t *rapid.T, label string) string { return rapid.SampledFrom(oddStrings).Draw(t, label) }

func genTime(t *rapid.T, label string) metav1.Time {
	if rapid.IntRange(0, 4).Draw(t, label+"-zero") == 0 {
		return metav1.Time{}
	}
	// from 10 s ahead to ~12 years ago, with a fraction
	d := time.Duration(rapid.Int64Range(-10*int64(time.Second), 12*365*24*int64(time.Hour)).Draw(t, label))
	return metav1.NewTime(testNow.Add(-d))
}

func genTimePtr(t *rapid.T, label string) *metav1.Time {
	if rapid.Bool().Draw(t, label+"-nil") {
		return nil
	}
	tm := genTime(t, label)
	return &tm
}

func genLabels(t *rapid.T, label string) map[string]string {
	switch n := rapid.IntRange(-1, 3).Draw(t, label+"-n"); n {
	case -1:
		return nil
	default:
		m := make(map[string]string, n)
		for i := 0; i < n; i++ {
			k := oneOf(t, label+"-k", "app", "rel", "app.kubernetes.io/name", "node-role.kubernetes.io/worker", "node-role.kubernetes.io/", "kubernetes.io/role", "x\ny")
			m[k] = oneOf(t, label+"-v", "", "kubia", "beta", "master", "e\x1b", "\xfe")
		}
		return m
	}
}

func genMeta(t *rapid.T) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:              oddString(t, "name"),
		Namespace:         oneOf(t, "namespace", "", "default", "kube-system"),
		Labels:            genLabels(t, "labels"),
		CreationTimestamp: genTime(t, "created"),
		DeletionTimestamp: genTimePtr(t, "deleted"),
	}
}

func genContainers(t *rapid.T, label string, init bool) []corev1.Container {
	var cs []corev1.Container
	for i := rapid.IntRange(0, 3).Draw(t, label+"-n"); i > 0; i-- {
		c := corev1.Container{Name: oneOf(t, label+"-name", "a", "b", "init"), Image: oneOf(t, label+"-image", "", "nginx", "luksa/kubia")}
		if init && rapid.Bool().Draw(t, label+"-sidecar") {
			p := corev1.ContainerRestartPolicy(oneOf(t, label+"-policy", "Always", "Never"))
			c.RestartPolicy = &p
		}
		cs = append(cs, c)
	}
	return cs
}

func genState(t *rapid.T, label string) corev1.ContainerState {
	var s corev1.ContainerState
	if rapid.Bool().Draw(t, label+"-waiting") {
		s.Waiting = &corev1.ContainerStateWaiting{Reason: oneOf(t, label+"-wreason", "", "ContainerCreating", "CrashLoopBackOff", "PodInitializing")}
	}
	if rapid.Bool().Draw(t, label+"-running") {
		s.Running = &corev1.ContainerStateRunning{}
	}
	if rapid.Bool().Draw(t, label+"-terminated") {
		s.Terminated = &corev1.ContainerStateTerminated{
			Reason:     oneOf(t, label+"-treason", "", "Completed", "Error", "OOMKilled"),
			ExitCode:   rapid.Int32Range(-1, 137).Draw(t, label+"-code"),
			Signal:     rapid.Int32Range(0, 15).Draw(t, label+"-signal"),
			FinishedAt: genTime(t, label+"-finished"),
		}
	}
	return s
}

func genStatuses(t *rapid.T, label string) []corev1.ContainerStatus {
	var out []corev1.ContainerStatus
	for i := rapid.IntRange(0, 3).Draw(t, label+"-n"); i > 0; i-- {
		var started *bool
		if rapid.Bool().Draw(t, label+"-hasstarted") {
			b := rapid.Bool().Draw(t, label+"-started")
			started = &b
		}
		out = append(out, corev1.ContainerStatus{
			Name:                 oneOf(t, label+"-name", "a", "b", "init"),
			Ready:                rapid.Bool().Draw(t, label+"-ready"),
			Started:              started,
			RestartCount:         rapid.Int32Range(-1, 1<<31-1).Draw(t, label+"-restarts"),
			State:                genState(t, label+"-state"),
			LastTerminationState: genState(t, label+"-last"),
		})
	}
	return out
}

func genPodConditions(t *rapid.T) []corev1.PodCondition {
	var out []corev1.PodCondition
	for i := rapid.IntRange(0, 4).Draw(t, "conditions"); i > 0; i-- {
		out = append(out, corev1.PodCondition{
			Type:   corev1.PodConditionType(oneOf(t, "ctype", "PodScheduled", "Initialized", "Ready", "gate")),
			Status: corev1.ConditionStatus(oneOf(t, "cstatus", "True", "False", "Unknown")),
			Reason: oneOf(t, "creason", "", "SchedulingGated"),
		})
	}
	return out
}

func genPod(t *rapid.T) *corev1.Pod {
	if rapid.IntRange(0, 9).Draw(t, "nilpod") == 0 {
		return nil
	}
	p := &corev1.Pod{ObjectMeta: genMeta(t)}
	p.Spec.Containers = genContainers(t, "containers", false)
	p.Spec.InitContainers = genContainers(t, "init", true)
	p.Spec.NodeName = oneOf(t, "node", "", "worker-1")
	for i := rapid.IntRange(0, 2).Draw(t, "gates"); i > 0; i-- {
		p.Spec.ReadinessGates = append(p.Spec.ReadinessGates, corev1.PodReadinessGate{ConditionType: corev1.PodConditionType(oneOf(t, "gate", "gate", "Ready"))})
	}
	p.Status.Phase = corev1.PodPhase(oneOf(t, "phase", "", "Pending", "Running", "Succeeded", "Failed", "Unknown"))
	p.Status.Reason = oneOf(t, "reason", "", "Evicted", "NodeLost")
	p.Status.Conditions = genPodConditions(t)
	p.Status.InitContainerStatuses = genStatuses(t, "initstatuses")
	p.Status.ContainerStatuses = genStatuses(t, "statuses")
	p.Status.PodIP = oneOf(t, "podip", "", "10.0.0.1")
	if rapid.Bool().Draw(t, "podips") {
		p.Status.PodIPs = []corev1.PodIP{{IP: oneOf(t, "podips0", "", "10.0.0.2")}}
	}
	return p
}

func genSelector(t *rapid.T) *metav1.LabelSelector {
	if rapid.IntRange(0, 3).Draw(t, "nilselector") == 0 {
		return nil
	}
	s := &metav1.LabelSelector{MatchLabels: genLabels(t, "matchlabels")}
	for i := rapid.IntRange(0, 2).Draw(t, "exprs"); i > 0; i-- {
		s.MatchExpressions = append(s.MatchExpressions, metav1.LabelSelectorRequirement{
			Key:      oneOf(t, "key", "app", "bad key", ""),
			Operator: metav1.LabelSelectorOperator(oneOf(t, "op", "In", "NotIn", "Exists", "DoesNotExist", "Bogus")),
			Values:   rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "bad value!"}), 0, 2).Draw(t, "values"),
		})
	}
	return s
}

func genInt32Ptr(t *rapid.T, label string) *int32 {
	if rapid.Bool().Draw(t, label+"-nil") {
		return nil
	}
	n := rapid.Int32Range(-3, 1000).Draw(t, label)
	return &n
}

func genReplicaSet(t *rapid.T) *appsv1.ReplicaSet {
	if rapid.IntRange(0, 9).Draw(t, "nilrs") == 0 {
		return nil
	}
	rs := &appsv1.ReplicaSet{ObjectMeta: genMeta(t)}
	rs.Spec.Replicas = genInt32Ptr(t, "replicas")
	rs.Spec.Selector = genSelector(t)
	rs.Spec.Template.Spec.Containers = genContainers(t, "containers", false)
	rs.Status.Replicas = rapid.Int32Range(-1, 5).Draw(t, "current")
	rs.Status.ReadyReplicas = rapid.Int32Range(-1, 5).Draw(t, "ready")
	return rs
}

func genRC(t *rapid.T) *corev1.ReplicationController {
	if rapid.IntRange(0, 9).Draw(t, "nilrc") == 0 {
		return nil
	}
	rc := &corev1.ReplicationController{ObjectMeta: genMeta(t)}
	rc.Spec.Replicas = genInt32Ptr(t, "replicas")
	rc.Spec.Selector = genLabels(t, "selector")
	if rapid.Bool().Draw(t, "template") {
		rc.Spec.Template = &corev1.PodTemplateSpec{}
		rc.Spec.Template.Spec.Containers = genContainers(t, "containers", false)
	}
	rc.Status.Replicas = rapid.Int32Range(-1, 5).Draw(t, "current")
	return rc
}

func genDeployment(t *rapid.T) *appsv1.Deployment {
	if rapid.IntRange(0, 9).Draw(t, "nildeploy") == 0 {
		return nil
	}
	d := &appsv1.Deployment{ObjectMeta: genMeta(t)}
	d.Spec.Replicas = genInt32Ptr(t, "replicas")
	d.Spec.Selector = genSelector(t)
	d.Spec.Template.Spec.Containers = genContainers(t, "containers", false)
	d.Status.ReadyReplicas = rapid.Int32Range(-1, 5).Draw(t, "ready")
	d.Status.UpdatedReplicas = rapid.Int32Range(-1, 5).Draw(t, "updated")
	return d
}

func genNamespace(t *rapid.T) *corev1.Namespace {
	if rapid.IntRange(0, 9).Draw(t, "nilns") == 0 {
		return nil
	}
	return &corev1.Namespace{ObjectMeta: genMeta(t), Status: corev1.NamespaceStatus{Phase: corev1.NamespacePhase(oneOf(t, "nsphase", "", "Active", "Terminating"))}}
}

func genNode(t *rapid.T) *corev1.Node {
	if rapid.IntRange(0, 9).Draw(t, "nilnode") == 0 {
		return nil
	}
	n := &corev1.Node{ObjectMeta: genMeta(t)}
	n.Spec.Unschedulable = rapid.Bool().Draw(t, "cordoned")
	for i := rapid.IntRange(0, 3).Draw(t, "nodeconditions"); i > 0; i-- {
		n.Status.Conditions = append(n.Status.Conditions, corev1.NodeCondition{
			Type:   corev1.NodeConditionType(oneOf(t, "nctype", "Ready", "DiskPressure")),
			Status: corev1.ConditionStatus(oneOf(t, "ncstatus", "True", "False", "Unknown", "")),
		})
	}
	for i := rapid.IntRange(0, 2).Draw(t, "addresses"); i > 0; i-- {
		n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{
			Type: corev1.NodeAddressType(oneOf(t, "atype", "InternalIP", "ExternalIP", "Hostname")), Address: oneOf(t, "addr", "", "10.0.0.1"),
		})
	}
	n.Status.NodeInfo.KubeletVersion = oneOf(t, "kubelet", "", "v1.37.2")
	n.Status.NodeInfo.Architecture = oneOf(t, "arch", "", "arm64")
	return n
}

func genService(t *rapid.T) *corev1.Service {
	if rapid.IntRange(0, 9).Draw(t, "nilsvc") == 0 {
		return nil
	}
	s := &corev1.Service{ObjectMeta: genMeta(t)}
	s.Spec.Type = corev1.ServiceType(oneOf(t, "svctype", "", "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"))
	s.Spec.ClusterIP = oneOf(t, "clusterip", "", "None", "10.96.0.1")
	if rapid.Bool().Draw(t, "clusterips") {
		s.Spec.ClusterIPs = []string{oneOf(t, "clusterips0", "", "10.96.0.2")}
	}
	for i := rapid.IntRange(0, 2).Draw(t, "ports"); i > 0; i-- {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Port: rapid.Int32Range(-1, 65535).Draw(t, "port"), NodePort: rapid.Int32Range(-1, 32767).Draw(t, "nodeport"), Protocol: corev1.Protocol(oneOf(t, "proto", "", "TCP"))})
	}
	s.Spec.ExternalIPs = rapid.SliceOfN(rapid.SampledFrom([]string{"", "1.2.3.4"}), 0, 2).Draw(t, "externalips")
	s.Spec.ExternalName = oddString(t, "externalname")
	s.Spec.Selector = genLabels(t, "svcselector")
	for i := rapid.IntRange(0, 3).Draw(t, "ingress"); i > 0; i-- {
		s.Status.LoadBalancer.Ingress = append(s.Status.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: oneOf(t, "lbip", "", "35.1.2.3"), Hostname: oneOf(t, "lbhost", "", "lb-ä.example.com")})
	}
	return s
}

func genEvent(t *rapid.T) *corev1.Event {
	if rapid.IntRange(0, 9).Draw(t, "nilevent") == 0 {
		return nil
	}
	e := &corev1.Event{ObjectMeta: genMeta(t)}
	e.FirstTimestamp = genTime(t, "first")
	e.LastTimestamp = genTime(t, "last")
	e.EventTime = metav1.NewMicroTime(genTime(t, "eventtime").Time)
	e.Count = rapid.Int32Range(-1, 5).Draw(t, "count")
	if rapid.Bool().Draw(t, "series") {
		e.Series = &corev1.EventSeries{Count: rapid.Int32Range(0, 5).Draw(t, "seriescount"), LastObservedTime: metav1.NewMicroTime(genTime(t, "observed").Time)}
	}
	e.Type = oneOf(t, "etype", "", "Normal", "Warning")
	e.InvolvedObject = corev1.ObjectReference{Kind: oneOf(t, "kind", "", "Pod"), Name: oddString(t, "objname"), FieldPath: oneOf(t, "fieldpath", "", "spec.containers{a}")}
	e.Source = corev1.EventSource{Component: oneOf(t, "component", "", "kubelet"), Host: oneOf(t, "host", "", "worker-1")}
	e.ReportingController = oneOf(t, "reporter", "", "kubelet")
	e.ReportingInstance = oneOf(t, "instance", "", "worker-2")
	e.Message = oddString(t, "message")
	return e
}

func genOptions(t *rapid.T) Options {
	return Options{
		Wide:          rapid.Bool().Draw(t, "wide"),
		ShowLabels:    rapid.Bool().Draw(t, "showlabels"),
		LabelColumns:  rapid.SliceOfN(rapid.SampledFrom([]string{"app", "rel", "app.kubernetes.io/name", "missing"}), 0, 3).Draw(t, "labelcolumns"),
		AllNamespaces: rapid.Bool().Draw(t, "allnamespaces"),
		NoHeaders:     rapid.Bool().Draw(t, "noheaders"),
	}
}

// genObjs draws a list of one kind, nil entries included.
func genObjs(t *rapid.T) any {
	n := rapid.IntRange(0, 4)
	switch rapid.IntRange(0, 7).Draw(t, "kind") {
	case 0:
		return rapid.SliceOfN(rapid.Custom(genPod), 0, n.Draw(t, "len")).Draw(t, "pods")
	case 1:
		return rapid.SliceOfN(rapid.Custom(genReplicaSet), 0, n.Draw(t, "len")).Draw(t, "replicasets")
	case 2:
		return rapid.SliceOfN(rapid.Custom(genRC), 0, n.Draw(t, "len")).Draw(t, "rcs")
	case 3:
		return rapid.SliceOfN(rapid.Custom(genDeployment), 0, n.Draw(t, "len")).Draw(t, "deployments")
	case 4:
		return rapid.SliceOfN(rapid.Custom(genNamespace), 0, n.Draw(t, "len")).Draw(t, "namespaces")
	case 5:
		return rapid.SliceOfN(rapid.Custom(genNode), 0, n.Draw(t, "len")).Draw(t, "nodes")
	case 6:
		return rapid.SliceOfN(rapid.Custom(genService), 0, n.Draw(t, "len")).Draw(t, "services")
	default:
		return rapid.SliceOfN(rapid.Custom(genEvent), 0, n.Draw(t, "len")).Draw(t, "events")
	}
}

// deepCopyObjs copies a list of any of the printed kinds, nil entries
// included.
func deepCopyObjs(objs any) any {
	switch xs := objs.(type) {
	case []*corev1.Pod:
		return copyEach(xs, (*corev1.Pod).DeepCopy)
	case []*appsv1.ReplicaSet:
		return copyEach(xs, (*appsv1.ReplicaSet).DeepCopy)
	case []*corev1.ReplicationController:
		return copyEach(xs, (*corev1.ReplicationController).DeepCopy)
	case []*appsv1.Deployment:
		return copyEach(xs, (*appsv1.Deployment).DeepCopy)
	case []*corev1.Namespace:
		return copyEach(xs, (*corev1.Namespace).DeepCopy)
	case []*corev1.Node:
		return copyEach(xs, (*corev1.Node).DeepCopy)
	case []*corev1.Service:
		return copyEach(xs, (*corev1.Service).DeepCopy)
	case []*corev1.Event:
		return copyEach(xs, (*corev1.Event).DeepCopy)
	}
	panic("unknown list type")
}

// copyEach deep-copies every element; DeepCopy of a nil pointer is nil.
func copyEach[T any](xs []*T, deepCopy func(*T) *T) []*T {
	if xs == nil {
		return nil
	}
	out := make([]*T, len(xs))
	for i, x := range xs {
		out[i] = deepCopy(x)
	}
	return out
}

func nonNil(objs any) int {
	n := 0
	switch xs := objs.(type) {
	case []*corev1.Pod:
		n = countNonNil(xs)
	case []*appsv1.ReplicaSet:
		n = countNonNil(xs)
	case []*corev1.ReplicationController:
		n = countNonNil(xs)
	case []*appsv1.Deployment:
		n = countNonNil(xs)
	case []*corev1.Namespace:
		n = countNonNil(xs)
	case []*corev1.Node:
		n = countNonNil(xs)
	case []*corev1.Service:
		n = countNonNil(xs)
	case []*corev1.Event:
		n = countNonNil(xs)
	}
	return n
}

func countNonNil[T any](xs []*T) int {
	n := 0
	for _, x := range xs {
		if x != nil {
			n++
		}
	}
	return n
}

// No function panics on odd objects; the same input prints the same
// bytes; the objects are not changed; the table has one line per
// non-nil object plus the header, and no cell can reach the terminal
// with ESC or a carriage return (rules 2, 13; contract 2–4).
func TestPropertyTables(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		objs := genObjs(t)
		o := genOptions(t)
		now := testNow.Add(time.Duration(rapid.Int64Range(-int64(time.Hour), int64(time.Hour)).Draw(t, "now")))
		before := deepCopyObjs(objs)

		c := tableCase{objs: objs, o: o}
		first := printCase(c, now)
		if second := printCase(c, now); second != first {
			t.Fatalf("not deterministic:\n%q\n%q", first, second)
		}
		if diff := cmp.Diff(before, objs); diff != "" {
			t.Fatalf("objects changed (-before +after):\n%s", diff)
		}

		rows := nonNil(objs)
		wantLines := rows
		if !o.NoHeaders && rows > 0 {
			wantLines++
		}
		if got := strings.Count(first, "\n"); got != wantLines {
			t.Fatalf("%d lines, want %d:\n%s", got, wantLines, first)
		}
		if rows > 0 && !strings.HasSuffix(first, "\n") {
			t.Fatalf("output does not end with a newline: %q", first)
		}
		if strings.ContainsAny(first, "\x1b\r\f") {
			t.Fatalf("a control character reached the output: %q", first)
		}
	})
}

// The single-cell functions agree with each other and with themselves,
// and never change the pod.
func TestPropertyPodCells(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPod(t)
		var before *corev1.Pod
		if p != nil {
			before = p.DeepCopy()
		}
		s, r, rs := PodStatus(p), PodReady(p), PodRestarts(p, testNow)
		if s != PodStatus(p) || r != PodReady(p) || rs != PodRestarts(p, testNow) {
			t.Fatal("not deterministic")
		}
		if diff := cmp.Diff(before, p); diff != "" {
			t.Fatalf("pod changed (-before +after):\n%s", diff)
		}
		if p != nil && p.DeletionTimestamp != nil && p.Status.Reason != "NodeLost" &&
			p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && s != "Terminating" {
			t.Fatalf("a pod being deleted shows %q, want Terminating (RS-14.5)", s)
		}
	})
}
