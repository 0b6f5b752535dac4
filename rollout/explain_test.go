package rollout_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/rollout"
)

// The example: 3 replicas with the default 25%/25% resolve to a
// surge of 1 and no unavailable pod (F-9), in words; the other lines are
// the both-zero rule (F-3), the clamp (F-6) and a malformed value (F-5).
func TestExplainFenceposts(t *testing.T) {
	for _, tc := range []struct {
		r                 int32
		surge, unavail    string
		wantS, wantU      string
		resolvedS, resolU int32
	}{
		{3, "25%", "25%",
			"maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)",
			"maxUnavailable 25% of 3 = 0.75, rounded down to 0: at least 3 available (F-1, F-2)", 1, 0},
		{10, "25%", "25%",
			"maxSurge 25% of 10 = 2.5, rounded up to 3: at most 13 pods (F-1, F-2)",
			"maxUnavailable 25% of 10 = 2.5, rounded down to 2: at least 8 available (F-1, F-2)", 3, 2},
		{4, "50%", "1",
			"maxSurge 50% of 4 = 2: at most 6 pods (F-1, F-2)",
			"maxUnavailable 1: at least 3 available (F-1, F-2)", 2, 1},
		{5, "0", "10%",
			"maxSurge 0: at most 5 pods (F-1, F-2)",
			"maxUnavailable 10% of 5 = 0.5, rounded down to 0; with maxSurge also 0 it becomes 1: at least 4 available (F-3)", 0, 1},
		{3, "1", "5",
			"maxSurge 1: at most 4 pods (F-1, F-2)",
			"maxUnavailable 5; at most the 3 replicas: 3: at least 0 available (F-1, F-2, F-6)", 1, 3},
		{0, "25%", "25%",
			"maxSurge 25% of 0 = 0: at most 0 pods (F-1, F-2)",
			"maxUnavailable 25% of 0 = 0; with maxSurge also 0 it becomes 1; with 0 replicas it is 0: at least 0 available (F-3, F-6)", 0, 0},
		{3, "abc", "25%",
			`maxSurge "abc" is not a number or a percentage; the fenceposts do not resolve (invalid value for IntOrString: invalid type: string is not a percentage), so both read as 0: at most 3 pods (F-5)`,
			"maxUnavailable 25% of 3 = 0.75, rounded down to 0; read as 0 with maxSurge: at least 3 available (F-6)", 0, 0},
	} {
		d := deployment(tc.r, tc.surge, tc.unavail)
		f := rollout.ExplainFenceposts(d)
		if got := f.MaxSurge.String(); got != tc.wantS {
			t.Errorf("%d %s/%s: maxSurge\n got %s\nwant %s", tc.r, tc.surge, tc.unavail, got, tc.wantS)
		}
		if got := f.MaxUnavailable.String(); got != tc.wantU {
			t.Errorf("%d %s/%s: maxUnavailable\n got %s\nwant %s", tc.r, tc.surge, tc.unavail, got, tc.wantU)
		}
		if f.MaxSurge.Resolved != tc.resolvedS || f.MaxUnavailable.Resolved != tc.resolU {
			t.Errorf("%d %s/%s: resolved %d/%d, want %d/%d", tc.r, tc.surge, tc.unavail, f.MaxSurge.Resolved, f.MaxUnavailable.Resolved, tc.resolvedS, tc.resolU)
		}
	}
	rc := deployment(3, "25%", "25%")
	rc.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	if f := rollout.ExplainFenceposts(rc); f.MaxPods != 3 || f.MinAvailable != 0 || !strings.HasPrefix(f.Text, "Recreate:") {
		t.Errorf("Recreate: %+v", f)
	}
}

// RU-8 (Example A), explained: 3 replicas at 25%/25% with an old
// ReplicaSet of 3 available pods. The first pass creates the new
// ReplicaSet at 1 and scales nothing down; once its pod is available the
// old one goes to 2; then the new one grows to 2.
func TestExplainSyncRollingUpdate(t *testing.T) {
	w := rolledOut(t, 3)
	w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	w.d.Generation++
	want := [][]string{
		{"new ReplicaSet http-go-5d5f4fd596 (revision 2) created for the pod template, named after its hash, at 1 pod: the ReplicaSets ask for 3 pods of at most 4 (replicas 3 + maxSurge 1), so room for 1 more (RU-2, H-3)",
			"new ReplicaSet http-go-5d5f4fd596 stays at 1 of 3: the ReplicaSets already ask for 4 pods, and maxSurge allows at most 4, so no room to grow (RU-2, RU-3)",
			"old pods that may go: 4 asked for − at least 3 available − 1 new not available yet = 0: none may go yet, the old ReplicaSets keep their pods (RU-4)",
			"the pass stops here: its next write would carry the resourceVersion it read and conflict; the next pass carries on (W-1)"},
		{"new ReplicaSet http-go-5d5f4fd596 stays at 1 of 3: the ReplicaSets already ask for 4 pods, and maxSurge allows at most 4, so no room to grow (RU-2, RU-3)",
			"old pods that may go: 4 asked for − at least 3 available − 0 new not available yet = 1 (RU-4)",
			"4 pods available, 1 more than the 3 required: up to 1 pod of the old ReplicaSets may go, oldest ReplicaSet first (RU-4)",
			"old ReplicaSet http-go-b9f6d5dc7 scaled down from 3 to 2 (oldest first) (RU-4)"},
		{"new ReplicaSet http-go-5d5f4fd596 scaled up from 1 to 2: the ReplicaSets ask for 3 pods of at most 4 (replicas 3 + maxSurge 1), so room for 1 more (RU-2, RU-3)"},
	}
	for pass, lines := range want {
		w.now = w.now.Add(time.Second)
		e, err := rollout.ExplainSync(w.d, w.rss, nil, w.now, rollout.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range e.Decisions {
			got = append(got, d.String())
		}
		if !reflect.DeepEqual(got, lines) {
			t.Errorf("pass %d:\n got %q\nwant %q", pass+1, got, lines)
		}
		w.apply(e.Plan)
		w.observe()
	}
}

// A paused Deployment's explanation says so, and nothing rolls out.
func TestExplainSyncPaused(t *testing.T) {
	w := rolledOut(t, 3)
	w.d.Spec.Paused = true
	w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
	e, err := rollout.ExplainSync(w.d, w.rss, nil, w.now.Add(time.Second), rollout.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Path.String(); !strings.HasPrefix(got, "the Deployment is paused") || !strings.HasSuffix(got, "(S-6, PA-1)") {
		t.Errorf("path %q", got)
	}
	s := e.String()
	for _, want := range []string{"just paused: Progressing becomes Unknown DeploymentPaused", "http-go-b9f6d5dc7 is the only active ReplicaSet and already has 3 pods (P-3)"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if e.Plan.Create != nil {
		t.Error("a paused Deployment created a ReplicaSet")
	}
}

// rolledOut is the tutorial's http-go Deployment, settled with r
// replicas available.
func rolledOut(t *testing.T, r int32) *world {
	t.Helper()
	d := rollout.Default(httpGo())
	d.Spec.Replicas = &r
	d.Spec.MinReadySeconds = 0
	w := &world{d: d, broken: map[string]bool{}, now: t0}
	var b strings.Builder
	w.settle(&b)
	return w
}

// Explanations agree with the decisions, on random Deployments, image
// changes, scalings, pauses and strategies: ExplainSync's plan is Sync's,
// the fenceposts are MaxSurge's and MaxUnavailable's, each fencepost's
// rounding is the exact share rounded, every size a decision names is
// written, every size written is explained, and creates and deletes are
// the plan's.
func TestPropertyExplainSyncAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := int32(rapid.IntRange(0, 12).Draw(t, "replicas"))
		s := rapid.SampledFrom([]string{"0", "1", "3", "25%", "33%", "50%", "100%", "150%"}).Draw(t, "surge")
		u := rapid.SampledFrom([]string{"0", "1", "2", "10%", "25%", "50%", "100%"}).Draw(t, "unavailable")
		su, uu := intstr.Parse(s), intstr.Parse(u)
		d := rollout.Default(&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "web-uid", Generation: 1},
			Spec: appsv1.DeploymentSpec{
				Replicas:             &r,
				Selector:             &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				RevisionHistoryLimit: ptr(int32(rapid.IntRange(0, 3).Draw(t, "limit"))),
				Strategy:             appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &su, MaxUnavailable: &uu}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}},
				},
			},
		})
		if rapid.Bool().Draw(t, "recreate") {
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
		}
		w := &world{d: d, broken: map[string]bool{"web:3": true}, now: t0}
		for step := range rapid.IntRange(1, 6).Draw(t, "steps") {
			if step > 0 {
				switch rapid.IntRange(0, 2).Draw(t, "change") {
				case 0:
					w.d.Spec.Replicas = ptr(int32(rapid.IntRange(0, 12).Draw(t, "newReplicas")))
				case 1:
					w.d.Spec.Template.Spec.Containers[0].Image = fmt.Sprintf("web:%d", rapid.IntRange(1, 4).Draw(t, "image"))
				default:
					w.d.Spec.Paused = !w.d.Spec.Paused
				}
				w.d.Generation++
			}
			for range rapid.IntRange(1, 8).Draw(t, "passes") {
				w.now = w.now.Add(time.Second)
				dBefore, rssBefore := w.d.DeepCopy(), deepCopyAll(w.rss)
				e, err := rollout.ExplainSync(w.d, w.rss, nil, w.now, rollout.Options{})
				plan, err2 := rollout.Sync(w.d, w.rss, nil, w.now)
				if (err == nil) != (err2 == nil) || !reflect.DeepEqual(e.Plan, plan) {
					t.Fatalf("ExplainSync's plan differs from Sync's:\n%+v\n%+v", e.Plan, plan)
				}
				if !reflect.DeepEqual(dBefore, w.d) || !reflect.DeepEqual(rssBefore, w.rss) {
					t.Fatal("ExplainSync modified its inputs")
				}
				checkAgrees(t, e, w.d, w.rss)
				_ = e.String()
				w.apply(plan)
				w.observe()
			}
		}
	})
}

func checkAgrees(t *rapid.T, e *rollout.Explanation, d *appsv1.Deployment, rss []*appsv1.ReplicaSet) {
	f := e.Fenceposts
	if f.MaxSurge.Resolved != rollout.MaxSurge(d) || f.MaxUnavailable.Resolved != rollout.MaxUnavailable(d) ||
		f.MaxPods != *d.Spec.Replicas+rollout.MaxSurge(d) || f.MinAvailable != rollout.MinAvailable(d) {
		t.Fatalf("fenceposts %+v, want surge %d unavailable %d min %d", f, rollout.MaxSurge(d), rollout.MaxUnavailable(d), rollout.MinAvailable(d))
	}
	for _, fp := range []rollout.Fencepost{f.MaxSurge, f.MaxUnavailable} {
		if !fp.Percent {
			continue
		}
		x, ok := new(big.Rat).SetString(fp.Exact)
		if !ok {
			t.Fatalf("%s: exact %q is not a number", fp.Name, fp.Exact)
		}
		v, _ := x.Float64()
		want := math.Floor(v)
		if fp.Name == "maxSurge" {
			want = math.Ceil(v)
		}
		if float64(fp.Scaled) != want {
			t.Fatalf("%s: %s rounds to %d, want %v", fp.Name, fp.Exact, fp.Scaled, want)
		}
	}
	plan := e.Plan
	written := map[string][]int32{}
	for _, u := range plan.Updates {
		written[u.Name] = append(written[u.Name], *u.Spec.Replicas)
	}
	size := map[string]int32{}
	for _, rs := range rss {
		if rs.Spec.Replicas != nil {
			size[rs.Name] = *rs.Spec.Replicas
		}
	}
	var created, deleted []string
	explained := map[string][]int32{}
	for _, dec := range e.Decisions {
		switch {
		case dec.Create:
			created = append(created, fmt.Sprintf("%s=%d", dec.ReplicaSet, dec.To))
		case dec.Delete:
			deleted = append(deleted, dec.ReplicaSet)
		case dec.Resize && !strings.Contains(dec.Text, "not written"):
			if !contains(written[dec.ReplicaSet], dec.To) {
				t.Fatalf("decision %q: %s is never written with %d replicas (writes %v)", dec, dec.ReplicaSet, dec.To, written[dec.ReplicaSet])
			}
			explained[dec.ReplicaSet] = append(explained[dec.ReplicaSet], dec.To)
		case dec.Resize:
			if contains(written[dec.ReplicaSet], dec.To) {
				t.Fatalf("decision %q says not written, but it is", dec)
			}
		}
	}
	for name, sizes := range written {
		prev := size[name]
		for _, n := range sizes {
			if n != prev && !contains(explained[name], n) {
				t.Fatalf("%s written %d → %d without a decision saying so:\n%s", name, prev, n, e)
			}
			prev = n
		}
	}
	var wantCreated []string
	if plan.Create != nil {
		wantCreated = []string{fmt.Sprintf("%s=%d", plan.Create.Name, *plan.Create.Spec.Replicas)}
	}
	if !reflect.DeepEqual(created, wantCreated) || !reflect.DeepEqual(deleted, plan.Deletes) {
		t.Fatalf("explained creates %v deletes %v, plan %v %v", created, deleted, wantCreated, plan.Deletes)
	}
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// FuzzExplainSync: any Deployment and ReplicaSets are explained without a
// panic, with Sync's plan.
func FuzzExplainSync(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"d","generation":2},"spec":{"replicas":3,"selector":{"matchLabels":{"a":"b"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"abc%","maxUnavailable":"25%"}},"revisionHistoryLimit":0,"progressDeadlineSeconds":5,"template":{"metadata":{"labels":{"a":"b"}}}}}`),
		[]byte(`[{"metadata":{"name":"d-1","uid":"1","annotations":{"deployment.kubernetes.io/revision":"x","deployment.kubernetes.io/desired-replicas":"-3","deployment.kubernetes.io/max-replicas":"0"}},"spec":{"template":{"metadata":{"labels":{"a":"b"}}}},"status":{"availableReplicas":9}},null]`))
	f.Add([]byte(`{"spec":{"strategy":{"type":"Recreate"},"paused":true}}`), []byte(`[{"spec":{"replicas":2}}]`))
	f.Add([]byte(`{"spec":{"replicas":2147483647,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"-2147483648%"}}}}`), []byte(`[]`))
	f.Add([]byte(`{"metadata":{"deletionTimestamp":"2026-01-01T00:00:00Z","annotations":{"deprecated.deployment.rollback.to":"0"}},"spec":{"selector":{}}}`), []byte(`[{"spec":{"replicas":1}}]`))
	f.Fuzz(func(t *testing.T, dJSON, rssJSON []byte) {
		var d *appsv1.Deployment
		var rss []*appsv1.ReplicaSet
		if json.Unmarshal(dJSON, &d) != nil || json.Unmarshal(rssJSON, &rss) != nil {
			return
		}
		pods := []*corev1.Pod{{}}
		for _, dd := range []*appsv1.Deployment{d, rollout.Default(d)} {
			e, err := rollout.ExplainSync(dd, rss, pods, t0, rollout.Options{})
			if dd == nil {
				if err == nil {
					t.Fatal("no error for a nil Deployment")
				}
				continue
			}
			_ = e.String()
			_ = rollout.ExplainFenceposts(dd).MaxSurge.String()
			plan, _ := rollout.Sync(dd, rss, pods, t0)
			if !reflect.DeepEqual(plan, e.Plan) {
				t.Fatal("ExplainSync's plan differs from Sync's")
			}
		}
	})
}
