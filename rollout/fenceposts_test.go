package rollout_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/rollout"
)

func ptr[T any](v T) *T { return &v }

func deployment(r int32, surge, unavailable string) *appsv1.Deployment {
	s, u := intstr.Parse(surge), intstr.Parse(unavailable)
	return &appsv1.Deployment{Spec: appsv1.DeploymentSpec{
		Replicas: &r,
		Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &s, MaxUnavailable: &u}},
	}}
}

// F-9: the default 25%/25% for several sizes; F-3/F-4 the both-zero
// fencepost; F-6 the clamp to replicas.
func TestFenceposts(t *testing.T) {
	cases := []struct {
		rule                string
		r                   int32
		surge, unavailable  string
		wantS, wantU, wantM int32
	}{
		{"F-9 R=1", 1, "25%", "25%", 1, 0, 1},
		{"F-9 R=2", 2, "25%", "25%", 1, 0, 2},
		{"F-9 R=3", 3, "25%", "25%", 1, 0, 3},
		{"F-9 R=4", 4, "25%", "25%", 1, 1, 3},
		{"F-9 R=5", 5, "25%", "25%", 2, 1, 4},
		{"F-9 R=10", 10, "25%", "25%", 3, 2, 8},
		{"F-9 R=0", 0, "25%", "25%", 0, 0, 0},
		{"F-4 0 and 10% of 5 → unavailable 1", 5, "0", "10%", 0, 1, 4},
		{"F-3 literal 0/0 → unavailable 1", 3, "0", "0", 0, 1, 2},
		{"F-6 unavailable clamped to R", 2, "0", "5", 0, 2, 0},
		{"F-5 surge not clamped", 2, "150%", "0", 3, 0, 2},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			d := deployment(c.r, c.surge, c.unavailable)
			if s, u, m := rollout.MaxSurge(d), rollout.MaxUnavailable(d), rollout.MinAvailable(d); s != c.wantS || u != c.wantU || m != c.wantM {
				t.Errorf("surge %d unavailable %d minAvailable %d, want %d %d %d", s, u, m, c.wantS, c.wantU, c.wantM)
			}
		})
	}
	if _, _, err := rollout.ResolveFenceposts(ptr(intstr.FromString("25")), nil, 4); err == nil || err.Error() != `invalid value for IntOrString: invalid type: string is not a percentage` {
		t.Errorf("F-1 a string without %%: %v", err)
	}
	rc := deployment(3, "25%", "25%")
	rc.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	if rollout.MaxSurge(rc) != 0 || rollout.MaxUnavailable(rc) != 0 || rollout.MinAvailable(rc) != 0 {
		t.Error("F-5..F-7 Recreate has no fenceposts")
	}
}

func TestRevisions(t *testing.T) {
	rs := func(rev string) *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{rollout.RevisionAnnotation: rev}}}
	}
	list := []*appsv1.ReplicaSet{rs("3"), rs("1"), rs("3"), rs("x"), {}}
	if got := rollout.LastRevision(list); got != 3 {
		t.Errorf("RB-2 a repeated maximum is the last revision: %d", got)
	}
	if got := rollout.MaxRevision(list); got != 3 {
		t.Errorf("R-1 max revision: %d", got)
	}
}

func TestHashAndName(t *testing.T) {
	tpl := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "http-go"}}}
	h := rollout.ComputeHash(tpl, nil)
	if h == rollout.ComputeHash(tpl, ptr(int32(1))) {
		t.Error("H-1 the collision count changes the hash")
	}
	if h != rollout.ComputeHash(tpl.DeepCopy(), nil) {
		t.Error("H-1 deterministic")
	}
	long := string(make([]byte, 250))
	if n := rollout.ReplicaSetName(long, "7d9c5b8f6c"); len(n) != 253 {
		t.Errorf("H-2 name cut to 253: %d", len(n))
	}
	if got := rollout.ReplicaSetName("http-go", "7d9c5b8f6c"); got != "http-go-7d9c5b8f6c" {
		t.Errorf("H-2: %q", got)
	}
}

func intstrFrom(s string) intstr.IntOrString { return intstr.Parse(s) }
