package cluster

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/probe"
)

func newCluster(t testing.TB) *Cluster {
	t.Helper()
	c, err := New(Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rsObject(name string, replicas int32) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
			},
		},
	}
}

func deploymentObject(name string, replicas int32) *appsv1.Deployment {
	rs := rsObject(name, replicas)
	return &appsv1.Deployment{ObjectMeta: rs.ObjectMeta, Spec: appsv1.DeploymentSpec{Replicas: rs.Spec.Replicas, Selector: rs.Spec.Selector, Template: rs.Spec.Template}}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func podsOn(t testing.TB, c *Cluster, node string) []*corev1.Pod {
	pods, err := c.Pods(AllNamespaces, "")
	must(t, err)
	var out []*corev1.Pod
	for _, p := range pods {
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	return out
}

// RS-10.1, RS-10.2, RS-10.4, RS-10.6, RS-10.7: a stopped node is Unknown on
// the first 5 s check more than 50 s after its last lease renewal; its pods
// stay Running but lose Ready; they are evicted 300 s after the taint, and
// the replacements run elsewhere.
func TestNodeFailureTimeline(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 4))
	must(t, err)
	must(t, c.Advance(23*time.Second))
	victims := podsOn(t, c, "worker2")
	if len(victims) != 2 {
		t.Fatalf("want 2 pods on worker2, got %d", len(victims))
	}
	must(t, c.StopNode("worker2")) // at 23 s; last renewal at 20 s
	// Unknown at the first check strictly after 20 + 50 = 70 s: 75 s.
	must(t, c.Advance(51*time.Second)) // 74 s
	if n := c.nodeObject("worker2"); !nodeReady(n) {
		t.Fatalf("worker2 NotReady at 74 s, want at 75 s")
	}
	must(t, c.Advance(time.Second)) // 75 s
	if n := c.nodeObject("worker2"); nodeReady(n) {
		t.Fatalf("worker2 still Ready at 75 s")
	}
	for _, p := range podsOn(t, c, "worker2") {
		if p.Status.Phase != corev1.PodRunning || podReadyCond(p) != corev1.ConditionFalse || p.DeletionTimestamp != nil {
			t.Fatalf("RS-10.2: pod %s phase %s ready %s deleting %v", p.Name, p.Status.Phase, podReadyCond(p), p.DeletionTimestamp != nil)
		}
	}
	// Evicted at 75 + 300 = 375 s, not before.
	must(t, c.Advance(299*time.Second)) // 374 s
	for _, p := range podsOn(t, c, "worker2") {
		if p.DeletionTimestamp != nil {
			t.Fatalf("pod %s evicted before 375 s", p.Name)
		}
	}
	must(t, c.Advance(time.Second)) // 375 s
	for _, p := range podsOn(t, c, "worker2") {
		if p.DeletionTimestamp == nil {
			t.Fatalf("RS-10.7: pod %s not evicted at 375 s", p.Name)
		}
	}
	must(t, c.Advance(10*time.Second))
	if got := len(podsOn(t, c, "worker1")); got != 4 {
		t.Fatalf("want 4 pods on worker1 after eviction, got %d", got)
	}
	if got := len(podsOn(t, c, "worker2")); got != 2 {
		t.Fatalf("RS-10.7 step 4: evicted pods stay Terminating while the node is down; got %d", got)
	}
	// RS-10.9: back up, the evicted pods go, nothing moves back.
	must(t, c.StartNode("worker2"))
	if got := len(podsOn(t, c, "worker2")); got != 0 {
		t.Fatalf("evicted pods still on worker2 after restart: %d", got)
	}
	must(t, c.Advance(time.Minute))
	if got := len(podsOn(t, c, "worker1")); got != 4 {
		t.Fatalf("want the 4 pods to stay on worker1, got %d", got)
	}
}

func podReadyCond(p *corev1.Pod) corev1.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status
		}
	}
	return ""
}

// RS-10.4: when every zone is fully disrupted nothing is evicted.
func TestAllNodesDownEvictNothing(t *testing.T) {
	c, err := New(Options{Seed: 1, Nodes: []*corev1.Node{NewNode("only", "4", "8Gi", 110)}})
	must(t, err)
	_, err = c.Create(rsObject("web", 2))
	must(t, err)
	must(t, c.Advance(5*time.Second))
	must(t, c.StopNode("only"))
	must(t, c.Advance(30*time.Minute))
	pods, _ := c.Pods("default", "")
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			t.Fatalf("pod %s evicted with every zone down", p.Name)
		}
	}
	if n := c.nodeObject("only"); nodeReady(n) {
		t.Fatal("node still Ready")
	}
}

// RS-11.3: background deletes the dependents, orphan keeps them without
// an owner, foreground keeps the owner until its pods are gone.
func TestCascade(t *testing.T) {
	for _, tc := range []struct {
		prop        metav1.DeletionPropagation
		podsAfter   int
		ownerLinger bool
	}{
		{metav1.DeletePropagationBackground, 0, false},
		{metav1.DeletePropagationOrphan, 3, false},
		{metav1.DeletePropagationForeground, 0, true},
	} {
		t.Run(string(tc.prop), func(t *testing.T) {
			c := newCluster(t)
			_, err := c.Create(rsObject("web", 3))
			must(t, err)
			must(t, c.Advance(5*time.Second))
			must(t, c.Delete(KindReplicaSet, "", "web", DeleteOptions{Propagation: tc.prop}))
			_, err = c.Get(KindReplicaSet, "", "web")
			if tc.ownerLinger != (err == nil) {
				t.Fatalf("owner present right after delete = %v, want %v", err == nil, tc.ownerLinger)
			}
			must(t, c.Advance(5*time.Second))
			pods, _ := c.Pods("default", "app=web")
			if len(pods) != tc.podsAfter {
				t.Fatalf("pods after: %d, want %d", len(pods), tc.podsAfter)
			}
			for _, p := range pods {
				if len(p.OwnerReferences) != 0 {
					t.Fatalf("orphaned pod %s still has owners", p.Name)
				}
			}
			if _, err := c.Get(KindReplicaSet, "", "web"); !apierrors.IsNotFound(err) {
				t.Fatalf("owner not gone: %v", err)
			}
		})
	}
}

// RS-12.3, RS-12.4, RS-12.5: Terminating, refused content, emptied, gone.
func TestNamespaceLifecycle(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office"}})
	must(t, err)
	d := deploymentObject("nginx", 2)
	d.Namespace = "office"
	_, err = c.Create(d)
	must(t, err)
	must(t, c.Advance(5*time.Second))
	must(t, c.Delete(KindNamespace, "", "office", DeleteOptions{}))
	ns, err := c.Get(KindNamespace, "", "office")
	must(t, err)
	if ns.(*corev1.Namespace).Status.Phase != corev1.NamespaceTerminating {
		t.Fatalf("phase %s", ns.(*corev1.Namespace).Status.Phase)
	}
	_, err = c.Create(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "late", Namespace: "office"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})
	want := `pods "late" is forbidden: unable to create new content in namespace office because it is being terminated`
	if err == nil || err.Error() != want {
		t.Fatalf("create in terminating namespace: %v, want %s", err, want)
	}
	must(t, c.RunUntil(func(c *Cluster) bool {
		_, err := c.Get(KindNamespace, "", "office")
		return apierrors.IsNotFound(err)
	}, 5*time.Minute))
	for _, kind := range []string{KindPod, KindReplicaSet, KindDeployment} {
		if objs, _ := c.List(kind, "office", ""); len(objs) != 0 {
			t.Fatalf("%d %s left in a deleted namespace", len(objs), kind)
		}
	}
	err = c.Delete(KindNamespace, "", "default", DeleteOptions{})
	if err == nil || err.Error() != `namespaces "default" is forbidden: this namespace may not be deleted` {
		t.Fatalf("delete default: %v", err)
	}
}

// Bad input leaves the store as it was: nothing half-applied.
func TestBadInputLeavesStoreUnchanged(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 1))
	must(t, err)
	must(t, c.Settle(time.Hour))
	for _, tc := range []struct {
		name, want string
		do         func() error
	}{
		{"unknown kind", `no matches for kind "Widget" in version "v1"`, func() error {
			_, err := c.CreateManifest([]byte("apiVersion: v1\nkind: Widget\nmetadata:\n  name: x\n"), "")
			return err
		}},
		{"unknown field", `unknown field "spec.mainReadySeconds"`, func() error {
			_, err := c.CreateManifest([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  mainReadySeconds: 3\n"), "")
			return err
		}},
		{"invalid object second in a file", `ReplicaSet.apps "bad" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for deployment`, func() error {
			_, err := c.CreateManifest([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: bad\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n"), "")
			return err
		}},
		{"duplicate", `replicasets.apps "web" already exists`, func() error {
			_, err := c.Create(rsObject("web", 1))
			return err
		}},
		{"delete of something absent", `pods "nope" not found`, func() error {
			return c.Delete(KindPod, "", "nope", DeleteOptions{})
		}},
		{"bad cascade", `invalid cascade value (sideways)`, func() error {
			return c.Delete(KindReplicaSet, "", "web", DeleteOptions{Propagation: "sideways"})
		}},
		{"negative scale", "COUNT must be greater than or equal to 0", func() error {
			return c.Scale(KindReplicaSet, "", "web", -1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := c.st.rv()
			err := tc.do()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if c.st.rv() != before {
				t.Fatalf("the store changed: resourceVersion %d → %d", before, c.st.rv())
			}
		})
	}
}

// RunUntil stops at its limit and says so.
func TestRunUntilLimit(t *testing.T) {
	c := newCluster(t)
	err := c.RunUntil(func(*Cluster) bool { return false }, time.Minute)
	if !errors.Is(err, ErrNotSettled) {
		t.Fatalf("got %v", err)
	}
}

// Quota-refused creates show in the ReplicaSet's status as upstream's
// ReplicaFailure condition (RS-7.3) with the "exceeded quota" text.
func TestQuotaRefusedCreates(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "pods"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("2")}}})
	must(t, err)
	_, err = c.Create(rsObject("web", 3))
	must(t, err)
	must(t, c.Advance(5*time.Second))
	o, err := c.Get(KindReplicaSet, "", "web")
	must(t, err)
	rs := o.(*appsv1.ReplicaSet)
	if rs.Status.Replicas != 2 {
		t.Fatalf("replicas %d, want 2", rs.Status.Replicas)
	}
	var cond *appsv1.ReplicaSetCondition
	for i := range rs.Status.Conditions {
		if rs.Status.Conditions[i].Type == appsv1.ReplicaSetReplicaFailure {
			cond = &rs.Status.Conditions[i]
		}
	}
	if cond == nil || cond.Reason != "FailedCreate" || !strings.Contains(cond.Message, "exceeded quota: pods") {
		t.Fatalf("condition %+v", cond)
	}
}

// Injected API failures: the next create of a pod fails, the ReplicaSet
// reports it and recovers on its next sync.
func TestInjectedFailure(t *testing.T) {
	c := newCluster(t)
	must(t, c.InjectFailure(Failure{Verb: "create", Kind: KindPod, Times: 1}))
	_, err := c.Create(rsObject("web", 2))
	must(t, err)
	var failed bool
	for _, e := range c.EventsFor(KindReplicaSet, "default", "web") {
		failed = failed || e.Reason == "FailedCreate"
	}
	if !failed {
		t.Fatal("no FailedCreate event")
	}
	must(t, c.Scale(KindReplicaSet, "", "web", 3))
	pods, _ := c.Pods("default", "app=web")
	if len(pods) != 3 {
		t.Fatalf("pods %d, want 3", len(pods))
	}
}

// RS-12.2: kube-node-lease may be deleted; the apiserver re-creates it on
// its next one-minute tick.
func TestSystemNamespaceRecreated(t *testing.T) {
	c := newCluster(t)
	must(t, c.Advance(10*time.Second))
	must(t, c.Delete(KindNamespace, "", "kube-node-lease", DeleteOptions{}))
	must(t, c.RunUntil(func(c *Cluster) bool {
		_, err := c.Get(KindNamespace, "", "kube-node-lease")
		return apierrors.IsNotFound(err)
	}, time.Minute))
	gone := c.Elapsed()
	must(t, c.RunUntil(func(c *Cluster) bool {
		_, err := c.Get(KindNamespace, "", "kube-node-lease")
		return err == nil
	}, 2*time.Minute))
	if c.Elapsed() != time.Minute || gone >= time.Minute {
		t.Fatalf("gone at %s, back at %s; want back at the 1m tick", gone, c.Elapsed())
	}
}

// The scheduler's rule (package doc rule 4): a pod that fits nowhere stays
// Pending with kube-scheduler's message; freeing room schedules it.
func TestUnschedulablePodStaysPending(t *testing.T) {
	c := newCluster(t)
	big := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "big"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name: "c", Image: "nginx", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3")}},
	}}}}
	_, err := c.Create(big)
	must(t, err)
	must(t, c.Advance(time.Minute))
	o, err := c.Get(KindPod, "", "big")
	must(t, err)
	p := o.(*corev1.Pod)
	want := "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	var cond corev1.PodCondition
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			cond = c
		}
	}
	if p.Spec.NodeName != "" || p.Status.Phase != "" && p.Status.Phase != corev1.PodPending || cond.Status != corev1.ConditionFalse || cond.Reason != "Unschedulable" || cond.Message != want {
		t.Fatalf("pod %s on %q, PodScheduled %+v", p.Status.Phase, p.Spec.NodeName, cond)
	}
	// A bigger node joins: the pod is scheduled there.
	_, err = c.Create(NewNode("worker3", "4", "8Gi", 110))
	must(t, err)
	o, _ = c.Get(KindPod, "", "big")
	if n := o.(*corev1.Pod).Spec.NodeName; n != "worker3" {
		t.Fatalf("scheduled on %q, want worker3", n)
	}
}

// kubectl rollout resume's patch sets spec.paused to null: the field goes.
func TestPatchNullRemovesField(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(deploymentObject("web", 1))
	must(t, err)
	_, err = c.RolloutPause("", "web")
	must(t, err)
	line, err := c.Patch(KindDeployment, "", "web", []byte(`{"spec":{"paused":null}}`))
	must(t, err)
	o, _ := c.Get(KindDeployment, "", "web")
	if line != "deployment.apps/web patched" || o.(*appsv1.Deployment).Spec.Paused {
		t.Fatalf("%q, paused %v", line, o.(*appsv1.Deployment).Spec.Paused)
	}
}

// The apiserver puts the kubernetes Service back (RS-14.7) and labels
// every namespace with its name.
func TestAPIServerHousekeeping(t *testing.T) {
	c := newCluster(t)
	must(t, c.Delete(KindService, "default", "kubernetes", DeleteOptions{}))
	must(t, c.Advance(10*time.Second))
	if _, err := c.Get(KindService, "default", "kubernetes"); err != nil {
		t.Fatal(err)
	}
	o, _ := c.Get(KindNamespace, "", "default")
	if got := o.GetLabels()[corev1.LabelMetadataName]; got != "default" {
		t.Fatalf("label %q", got)
	}
}

// The Event objects a ReplicaSet creating 30 pods leaves, as client-go's
// event correlation leaves them (internal/events): nine events, then one
// "(combined from similar events)" event counting the 10th to the 25th
// creation, and nothing written for the 26th to the 30th (the source's
// burst of 25 about one object is spent); the raw log keeps all 30.
func TestEventCorrelation(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(rsObject("web", 30))
	must(t, err)
	must(t, c.Settle(time.Hour))
	if n := len(c.EventsFor(KindReplicaSet, "default", "web")); n != 30 {
		t.Fatalf("the raw log has %d events about web, want 30", n)
	}
	var stored []*corev1.Event
	for _, e := range c.EventList("default") {
		if e.InvolvedObject.Kind == KindReplicaSet && e.InvolvedObject.Name == "web" {
			stored = append(stored, e)
		}
	}
	if len(stored) != 10 {
		t.Fatalf("%d Event objects about web, want 10", len(stored))
	}
	combined := 0
	for _, e := range stored {
		if strings.HasPrefix(e.Message, "(combined from similar events): Created pod: web-") {
			combined++
			if e.Count != 16 || e.Reason != "SuccessfulCreate" || e.InvolvedObject.APIVersion != "apps/v1" {
				t.Errorf("combined event: count %d, reason %s, apiVersion %s; want 16, SuccessfulCreate, apps/v1", e.Count, e.Reason, e.InvolvedObject.APIVersion)
			}
		} else if e.Count != 1 || !strings.HasPrefix(e.Message, "Created pod: web-") {
			t.Errorf("event %s: count %d, message %q", e.Name, e.Count, e.Message)
		}
	}
	if combined != 1 {
		t.Fatalf("%d combined events, want 1", combined)
	}
}

// An Event object is gone an hour after its last write (EventTTL, the
// apiserver's --event-ttl); a later repeat of the same event writes it
// again under its first name, with the count of every occurrence.
func TestEventTTL(t *testing.T) {
	c := newCluster(t)
	rs, err := c.Create(rsObject("web", 1))
	must(t, err)
	about := func() []*corev1.Event {
		var out []*corev1.Event
		for _, e := range c.EventList("default") {
			if e.InvolvedObject.Name == "web" && e.Reason == "Probe" {
				out = append(out, e)
			}
		}
		return out
	}
	c.record(rs, KindReplicaSet, "Warning", "Probe", "test", "the same message")
	must(t, c.Advance(59*time.Minute+59*time.Second))
	if got := about(); len(got) != 1 || got[0].Count != 1 {
		t.Fatalf("at 59m59s: %v, want one event of count 1", got)
	}
	must(t, c.Advance(time.Second))
	if got := about(); len(got) != 0 {
		t.Fatalf("at 1h: %d events, want none", len(got))
	}
	first := c.Now().Add(-time.Hour)
	c.record(rs, KindReplicaSet, "Warning", "Probe", "test", "the same message")
	got := about()
	if len(got) != 1 || got[0].Count != 2 || !got[0].FirstTimestamp.Time.Equal(first) || !got[0].LastTimestamp.Time.Equal(c.Now()) {
		t.Fatalf("after the repeat: %v, want one event, count 2, first seen an hour ago, last now", got)
	}
}

// A namespace's Event objects go with it: the apiserver refuses new ones
// while it is Terminating (the log still has them) and the namespace
// controller deletes the others; a namespace of the same name made again
// starts with none.
func TestEventsGoWithTheirNamespace(t *testing.T) {
	c := newCluster(t)
	// A container that takes 20 s to stop keeps the namespace Terminating.
	c.Program("slow-stop", probe.Script{Stop: func(int) (time.Duration, int32, bool) { return 20 * time.Second, 0, true }})
	_, err := c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office"}})
	must(t, err)
	rs := rsObject("web", 2)
	rs.Namespace = "office"
	rs.Spec.Template.Spec.Containers[0].Image = "slow-stop"
	_, err = c.Create(rs)
	must(t, err)
	must(t, c.Advance(5*time.Second))
	if n := len(c.EventList("office")); n == 0 {
		t.Fatal("no Event objects in office before its deletion")
	}
	logged := len(c.Events())
	deleted := c.Now()
	must(t, c.Delete(KindNamespace, "", "office", DeleteOptions{}))
	// Until the kubelet has logged stopping the pods (Killing), while the
	// namespace is still there.
	must(t, c.RunUntil(func(c *Cluster) bool {
		return slices.ContainsFunc(c.Events()[logged:], func(e Event) bool { return e.Reason == "Killing" })
	}, time.Minute))
	if _, err := c.Get(KindNamespace, "", "office"); err != nil {
		t.Fatal(err)
	}
	for _, e := range c.EventList("office") {
		if !e.LastTimestamp.Time.Before(deleted) {
			t.Fatalf("an Event object written while office was Terminating: %s %s", e.Reason, e.Message)
		}
	}
	must(t, c.RunUntil(func(c *Cluster) bool {
		_, err := c.Get(KindNamespace, "", "office")
		return apierrors.IsNotFound(err)
	}, 5*time.Minute))
	var during []Event
	for _, e := range c.Events()[logged:] {
		if e.Namespace == "office" {
			during = append(during, e)
		}
	}
	if len(during) == 0 {
		t.Fatal("nothing was logged about office's objects while it was deleted")
	}

	if evs := c.EventList("office"); len(evs) != 0 {
		t.Fatalf("%d Event objects left in the deleted namespace office, the first %s %s", len(evs), evs[0].Reason, evs[0].Message)
	}
	again := c.Now()
	_, err = c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office"}})
	must(t, err)
	rs = rsObject("web", 1)
	rs.Namespace = "office"
	_, err = c.Create(rs)
	must(t, err)
	reasons := map[string]int{}
	for _, e := range c.EventList("office") {
		if e.FirstTimestamp.Time.Before(again) {
			t.Fatalf("the new office has an event from before it: %s %s", e.Reason, e.Message)
		}
		reasons[e.Reason]++
	}
	if want := map[string]int{"SuccessfulCreate": 1, "Scheduled": 1}; !maps.Equal(reasons, want) {
		t.Fatalf("the new office's events by reason: %v, want %v", reasons, want)
	}
}
