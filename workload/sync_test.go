package workload_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/workload"
)

func TestClaim(t *testing.T) {
	rc := nginxRC()
	other := &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "other", UID: "other-uid"}}
	nginx := map[string]string{"app": "nginx"}
	deleting := pod("ours-deleting", nginx, rc, "ReplicationController")
	deleting.DeletionTimestamp = ptr(metav1.NewTime(t0))
	orphanDeleting := pod("orphan-deleting", nginx, nil, "")
	orphanDeleting.DeletionTimestamp = ptr(metav1.NewTime(t0))
	failed := pod("orphan-failed", nginx, nil, "")
	failed.Status.Phase = corev1.PodFailed
	elsewhere := pod("orphan-elsewhere", nginx, nil, "")
	elsewhere.Namespace = "office"
	pods := []*corev1.Pod{
		pod("ours-match", nginx, rc, "ReplicationController"),
		pod("ours-relabelled", map[string]string{"app": "web"}, rc, "ReplicationController"),
		pod("other-match", nginx, other, "ReplicationController"),
		pod("orphan-match", nginx, nil, ""),
		pod("orphan-nomatch", map[string]string{"app": "web"}, nil, ""),
		deleting, orphanDeleting, failed, elsewhere,
	}
	before := make([]*corev1.Pod, len(pods))
	for i, p := range pods {
		before[i] = p.DeepCopy()
	}
	plan, err := workload.SyncReplicationController(rc, pods, t0, workload.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// RS-3.4: owned and adopted are claimed; a pod of ours that no longer
	// matches is released; another controller's, terminating, finished
	// and other namespaces' pods are left alone.
	if got := names(plan.Owned()); !cmp.Equal(got, []string{"orphan-match", "ours-match"}) {
		t.Errorf("owned %v", got)
	}
	if got := names(plan.Adopt); !cmp.Equal(got, []string{"orphan-match"}) {
		t.Errorf("adopt %v", got)
	}
	if got := names(plan.Release); !cmp.Equal(got, []string{"ours-relabelled"}) {
		t.Errorf("release %v", got)
	}
	// RS-3.8: the release and a replacement in the same sync (2 owned, 3 wanted).
	if plan.Create != 1 || len(plan.Delete) != 0 {
		t.Errorf("create %d delete %v", plan.Create, plan.Delete)
	}
	if diff := cmp.Diff(before, pods); diff != "" {
		t.Errorf("pods mutated:\n%s", diff)
	}

	// RS-4.2: a controller being deleted claims but neither adopts,
	// releases, creates nor deletes.
	rc.DeletionTimestamp = ptr(metav1.NewTime(t0))
	plan, _ = workload.SyncReplicationController(rc, pods, t0, workload.Options{})
	if len(plan.Adopt)+len(plan.Release)+plan.Create+len(plan.Delete) != 0 || !cmp.Equal(names(plan.Owned()), []string{"ours-match"}) {
		t.Errorf("deleting controller: %+v", plan)
	}
}

// TestClaimByIndexKey (RS-3.4): a controller lists its pods by the key
// namespace/kind/name/UID of their controller reference, so a reference
// with its UID but a stale or missing kind or name hides the pod — not
// counted, not adopted, not released, replaced — and a foreign UID under
// its kind and name is another's. (conformance: case 4 of
// TestReplicaSetSyncMatchesUpstream's pods.)
func TestClaimByIndexKey(t *testing.T) {
	rc := nginxRC()
	nginx := map[string]string{"app": "nginx"}
	staleName := pod("stale-name", nginx, rc, "ReplicationController")
	staleName.OwnerReferences[0].Name = "nginx-old"
	noKind := pod("no-kind", nginx, rc, "")
	otherKind := pod("other-kind", nginx, rc, "ReplicaSet")
	foreign := pod("foreign-uid", nginx, rc, "ReplicationController")
	foreign.OwnerReferences[0].UID = "someone-else"
	ours := pod("ours", nginx, rc, "ReplicationController")
	for _, memo := range []*workload.Memo{nil, {}} {
		plan, err := workload.SyncReplicationController(rc, []*corev1.Pod{staleName, noKind, otherKind, foreign, ours}, t0, workload.Options{Memo: memo})
		if err != nil {
			t.Fatal(err)
		}
		if got := names(plan.Owned()); !cmp.Equal(got, []string{"ours"}) {
			t.Errorf("memo %v: owned %v, want [ours]", memo != nil, got)
		}
		if len(plan.Adopt) != 0 || len(plan.Release) != 0 || plan.Create != 2 {
			t.Errorf("memo %v: adopt %v release %v create %d, want nothing adopted or released and 2 created", memo != nil, names(plan.Adopt), names(plan.Release), plan.Create)
		}
	}
}

func TestScaleUpAndDown(t *testing.T) {
	rc := nginxRC()
	plan, _ := workload.SyncReplicationController(rc, nil, t0, workload.Options{})
	if plan.Create != 3 {
		t.Fatalf("RS-5.1: create %d, want 3", plan.Create)
	}
	tp := plan.Template
	want := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{GenerateName: "nginx-", Namespace: "default", Labels: map[string]string{"app": "nginx"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ReplicationController", Name: "nginx", UID: "rc-nginx-uid", Controller: ptr(true), BlockOwnerDeletion: ptr(true)}}},
		Spec: rc.Spec.Template.Spec,
	}
	if diff := cmp.Diff(want, tp); diff != "" {
		t.Errorf("RS-5.7 template pod (-want +got):\n%s", diff)
	}
	rc.Spec.Replicas = ptr(int32(1000))
	if plan, _ := workload.SyncReplicationController(rc, nil, t0, workload.Options{}); plan.Create != 500 {
		t.Errorf("RS-5.1 burst: %d", plan.Create)
	}
	// Scale down 3 → 1: two deletions, by the ranking.
	rc.Spec.Replicas = ptr(int32(1))
	a, b, c := pod("nginx-a", map[string]string{"app": "nginx"}, rc, "ReplicationController"), pod("nginx-b", map[string]string{"app": "nginx"}, rc, "ReplicationController"), pod("nginx-c", map[string]string{"app": "nginx"}, rc, "ReplicationController")
	b.Status.Phase = corev1.PodPending
	c.Spec.NodeName = ""
	plan, _ = workload.SyncReplicationController(rc, []*corev1.Pod{a, b, c}, at(60), workload.Options{})
	if got := names(plan.Delete); !cmp.Equal(got, []string{"nginx-c", "nginx-b"}) {
		t.Errorf("RS-6.3: unassigned first, then pending: %v", got)
	}
	// RS-6.2: deleting all of them skips sorting: name order.
	rc.Spec.Replicas = ptr(int32(0))
	plan, _ = workload.SyncReplicationController(rc, []*corev1.Pod{c, b, a}, at(60), workload.Options{})
	if got := names(plan.Delete); !cmp.Equal(got, []string{"nginx-a", "nginx-b", "nginx-c"}) {
		t.Errorf("RS-6.2: %v", got)
	}
}

func TestBatches(t *testing.T) {
	if got := workload.Batches(10); !cmp.Equal(got, []int{1, 2, 4, 3}) {
		t.Errorf("RS-5.3 Batches(10) = %v", got)
	}
	for _, c := range []struct {
		rule             string
		n, okCalls       int
		calls, successes int
	}{
		{"RS-5.3 all succeed", 10, 10, 10, 10},
		{"RS-5.3 only the first 5 can succeed", 10, 5, 7, 5},
		{"RS-5.3 the first call fails", 10, 0, 1, 0},
		{"RS-5.6 quota of 10 for 100", 100, 10, 15, 10},
	} {
		t.Run(c.rule, func(t *testing.T) {
			calls := 0
			succ, err := workload.SlowStart(c.n, func(i int) error {
				calls++
				if i >= c.okCalls {
					return errors.New("exceeded quota")
				}
				return nil
			})
			if calls != c.calls || succ != c.successes || (succ < c.n) != (err != nil) {
				t.Errorf("calls %d successes %d err %v", calls, succ, err)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	rs := blueYellowRS()
	rs.Spec.MinReadySeconds = 5
	yellow := map[string]string{"app": "yellow"}
	ready := pod("ready-long", yellow, rs, "ReplicaSet")
	recent := pod("ready-recent", map[string]string{"app": "blue"}, rs, "ReplicaSet")
	recent.Status.Conditions[0].LastTransitionTime = metav1.NewTime(at(100).Add(-4300 * 1e6))
	zero := pod("ready-zero-time", yellow, rs, "ReplicaSet")
	zero.Status.Conditions[0].LastTransitionTime = metav1.Time{}
	terminating := pod("terminating", yellow, rs, "ReplicaSet")
	terminating.DeletionTimestamp = ptr(metav1.NewTime(t0))
	rs.Spec.Replicas = ptr(int32(3))
	plan, _ := workload.SyncReplicaSet(rs, []*corev1.Pod{ready, recent, zero, terminating}, at(100), workload.Options{})
	st, write := plan.Status(nil)
	// RS-7.1: the blue pod is not fully labelled; the zero-time pod is
	// ready but never available (surprise 13); 1 terminating.
	want := appsv1.ReplicaSetStatus{Replicas: 3, FullyLabeledReplicas: 2, ReadyReplicas: 3, AvailableReplicas: 1, ObservedGeneration: 1, TerminatingReplicas: ptr(int32(1))}
	if diff := cmp.Diff(want, st); diff != "" || !write {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	// RS-7.6: ready 4.3 s ago with minReadySeconds 5 → look again in 0.7 s.
	if got := plan.RequeueAfter(st); got != 700*1e6 {
		t.Errorf("requeue %v", got)
	}
	// RS-7.4: nothing changed → no write.
	rs.Status = st
	plan, _ = workload.SyncReplicaSet(rs, []*corev1.Pod{ready, recent, zero, terminating}, at(100), workload.Options{})
	if _, write := plan.Status(nil); write {
		t.Error("RS-7.4: an unchanged status is not written")
	}
}

func TestReplicaFailure(t *testing.T) {
	rc := nginxRC()
	plan, _ := workload.SyncReplicationController(rc, nil, t0, workload.Options{})
	quota := errors.New(`pods "nginx-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`)
	st, write := plan.ReplicationControllerStatus(quota)
	if !write || len(st.Conditions) != 1 || st.Conditions[0].Reason != "FailedCreate" || st.Conditions[0].Message != quota.Error() || st.Conditions[0].Type != "ReplicaFailure" {
		t.Fatalf("RS-7.3 added: %+v", st)
	}
	// RS-7.3: an existing condition is left as it was on a new error …
	rc.Status = st
	plan, _ = workload.SyncReplicationController(rc, nil, at(10), workload.Options{})
	st2, _ := plan.ReplicationControllerStatus(errors.New("another error"))
	if diff := cmp.Diff(st.Conditions, st2.Conditions); diff != "" {
		t.Errorf("RS-7.3 kept:\n%s", diff)
	}
	// … and removed on success, also when management was skipped.
	plan, _ = workload.SyncReplicationController(rc, nil, at(20), workload.Options{ExpectationsPending: true})
	if st3, _ := plan.ReplicationControllerStatus(nil); len(st3.Conditions) != 0 || plan.Create != 0 {
		t.Errorf("RS-7.3 removed / RS-8.2 skipped: %+v create %d", st3, plan.Create)
	}
}

// RS-7.2: the status of a sync counts the pods before its own creates.
func TestStatusLags(t *testing.T) {
	rc := nginxRC()
	pods := []*corev1.Pod{pod("a", map[string]string{"app": "nginx"}, rc, "ReplicationController")}
	rc.Spec.Replicas = ptr(int32(5))
	plan, _ := workload.SyncReplicationController(rc, pods, t0, workload.Options{})
	st, _ := plan.Status(nil)
	if plan.Create != 4 || st.Replicas != 1 {
		t.Errorf("create %d, status replicas %d", plan.Create, st.Replicas)
	}
}

func TestNames(t *testing.T) {
	n := workload.NewNames(1)
	name := n.Generate("nginx-")
	if !strings.HasPrefix(name, "nginx-") || len(name) != len("nginx-")+5 || strings.Trim(name[6:], workload.NameAlphabet) != "" {
		t.Errorf("RS-5.8: %q", name)
	}
	long := n.Generate(strings.Repeat("x", 70))
	if len(long) != 63 {
		t.Errorf("RS-5.8 58-character cut: %d", len(long))
	}
	if a, b := workload.NewNames(7).Generate("p-"), workload.NewNames(7).Generate("p-"); a != b {
		t.Error("same seed, same names")
	}
	_, ok := n.GenerateUnique("x-", func(string) bool { return true })
	if ok {
		t.Error("RS-5.8: gives up after 8 attempts")
	}
}

func TestDefaultsAndValidation(t *testing.T) {
	rc := nginxRC()
	if rc.Labels["app"] != "nginx" || *rc.Spec.Replicas != 3 || rc.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways ||
		rc.Spec.Template.Spec.Containers[0].ImagePullPolicy != corev1.PullAlways || rc.Spec.Template.Spec.Containers[0].Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("RS-1.3 defaults: %+v", rc)
	}
	if errs := workload.ValidateReplicationController(rc); len(errs) != 0 {
		t.Errorf("tutorial RC invalid: %v", errs)
	}
	rs := blueYellowRS()
	if errs := workload.ValidateReplicaSet(rs); len(errs) != 0 {
		t.Errorf("tutorial RS invalid: %v", errs)
	}
	cases := []struct {
		rule string
		mut  func(*appsv1.ReplicaSet)
		want string
	}{
		{"RS-2.1.4 empty selector says deployment", func(r *appsv1.ReplicaSet) { r.Spec.Selector = &metav1.LabelSelector{} },
			"spec.selector: Invalid value: {}: empty selector is invalid for deployment"},
		{"RS-2.1.5 template mismatch", func(r *appsv1.ReplicaSet) { r.Spec.Template.Labels = map[string]string{"app": "red"} },
			"spec.template.metadata.labels: Invalid value: {\"app\":\"red\"}: `selector` does not match template `labels`"},
		{"RS-2.1.3 negative replicas", func(r *appsv1.ReplicaSet) { r.Spec.Replicas = ptr(int32(-1)) },
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
		{"RS-2.1.7 restartPolicy", func(r *appsv1.ReplicaSet) { r.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever },
			`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`},
		{"RS-2.1.8 activeDeadlineSeconds", func(r *appsv1.ReplicaSet) { r.Spec.Template.Spec.ActiveDeadlineSeconds = ptr(int64(5)) },
			"spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"},
		{"RS-2.1.1 name", func(r *appsv1.ReplicaSet) { r.Name = "Bad_Name" },
			`metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			r := blueYellowRS()
			c.mut(r)
			errs := workload.ValidateReplicaSet(r)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if !cmp.Equal(got, []string{c.want}, cmpopts.EquateEmpty()) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
	t.Run("RS-2.1.4 nil selector: required, and as Nothing it fails the template check too", func(t *testing.T) {
		r := blueYellowRS()
		r.Spec.Selector = nil
		var got []string
		for _, e := range workload.ValidateReplicaSet(r) {
			got = append(got, e.Error())
		}
		want := []string{"spec.selector: Required value", "spec.template.metadata.labels: Invalid value: {\"app\":\"yellow\"}: `selector` does not match template `labels`"}
		if !cmp.Equal(got, want) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("RS-2.2 selector immutable on a ReplicaSet", func(t *testing.T) {
		old, upd := blueYellowRS(), blueYellowRS()
		old.ResourceVersion, upd.ResourceVersion = "7", "7"
		upd.Spec.Selector.MatchExpressions[0].Values = []string{"blue", "yellow", "green"}
		errs := workload.ValidateReplicaSetUpdate(upd, old)
		if len(errs) != 1 || !strings.HasSuffix(errs[0].Error(), "field is immutable") || errs[0].Field != "spec.selector" {
			t.Errorf("got %v", errs)
		}
	})
	t.Run("RS-2.3 selector mutable on an RC", func(t *testing.T) {
		old, upd := nginxRC(), nginxRC()
		old.ResourceVersion, upd.ResourceVersion = "7", "7"
		upd.Spec.Selector = map[string]string{"app": "nginx", "tier": "web"}
		upd.Spec.Template.Labels = map[string]string{"app": "nginx", "tier": "web"}
		if errs := workload.ValidateReplicationControllerUpdate(upd, old); len(errs) != 0 {
			t.Errorf("got %v", errs)
		}
	})
	t.Run("RS-2.4 status", func(t *testing.T) {
		errs := workload.ValidateStatus(appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1, AvailableReplicas: 2}, nil)
		if len(errs) != 1 || errs[0].Detail != "cannot be greater than readyReplicas" {
			t.Errorf("got %v", errs)
		}
	})
}
