package rollout_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/rollout"
)

func errorTexts(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// V-7: a status's counts are ≥ 0, updated, ready and available replicas
// are not above replicas, available not above ready.
func TestValidateStatus(t *testing.T) {
	cases := []struct {
		rule string
		s    appsv1.DeploymentStatus
		want []string
	}{
		{"V-7 a settled rollout", appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3}, nil},
		{"V-7 negative counts", appsv1.DeploymentStatus{ObservedGeneration: -1, UnavailableReplicas: -2, TerminatingReplicas: ptr(int32(-1)), CollisionCount: ptr(int32(-3))}, []string{
			"status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
			"status.unavailableReplicas: Invalid value: -2: must be greater than or equal to 0",
			"status.terminatingReplicas: Invalid value: -1: must be greater than or equal to 0",
			"status.collisionCount: Invalid value: -3: must be greater than or equal to 0",
		}},
		{"V-7 more updated, ready and available than replicas", appsv1.DeploymentStatus{Replicas: 2, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3}, []string{
			"status.updatedReplicas: Invalid value: 3: cannot be greater than status.replicas",
			"status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas",
			"status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas",
		}},
		{"V-7 more available than ready", appsv1.DeploymentStatus{Replicas: 3, ReadyReplicas: 1, AvailableReplicas: 2}, []string{
			"status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas",
		}},
		{"V-7 a negative replicas count and what follows from it", appsv1.DeploymentStatus{Replicas: -1}, []string{
			"status.replicas: Invalid value: -1: must be greater than or equal to 0",
			"status.updatedReplicas: Invalid value: 0: cannot be greater than status.replicas",
			"status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas",
			"status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas",
		}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if diff := cmp.Diff(c.want, errorTexts(rollout.ValidateStatus(&c.s, field.NewPath("status")))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if errs := rollout.ValidateStatus(nil, field.NewPath("status")); errs != nil {
		t.Errorf("V-7 a nil status is the zero status: %v", errs)
	}
}

// V-8: a status write checks the metadata update and the new status; the
// collision count may not go down nor be dropped; the spec is not looked at.
func TestValidateStatusUpdate(t *testing.T) {
	base := func() *appsv1.Deployment {
		d := rollout.Default(httpGo())
		d.ResourceVersion = "5"
		d.Status = appsv1.DeploymentStatus{Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3, CollisionCount: ptr(int32(2))}
		return d
	}
	cases := []struct {
		rule string
		mut  func(*appsv1.Deployment)
		want []string
	}{
		{"V-8 the controller's write", func(d *appsv1.Deployment) { d.Status.ObservedGeneration = 2 }, nil},
		{"V-8 collisionCount may rise", func(d *appsv1.Deployment) { d.Status.CollisionCount = ptr(int32(3)) }, nil},
		{"V-8 collisionCount may not go down", func(d *appsv1.Deployment) { d.Status.CollisionCount = ptr(int32(1)) },
			[]string{"status.collisionCount: Invalid value: 1: cannot be decremented"}},
		{"V-8 collisionCount may not be dropped", func(d *appsv1.Deployment) { d.Status.CollisionCount = nil },
			[]string{"status.collisionCount: Invalid value: 0: cannot be decremented"}},
		{"V-8 a negative collisionCount is both", func(d *appsv1.Deployment) { d.Status.CollisionCount = ptr(int32(-1)) }, []string{
			"status.collisionCount: Invalid value: -1: must be greater than or equal to 0",
			"status.collisionCount: Invalid value: -1: cannot be decremented",
		}},
		{"V-8 the status is checked", func(d *appsv1.Deployment) { d.Status.AvailableReplicas = 4 }, []string{
			"status.availableReplicas: Invalid value: 4: cannot be greater than status.replicas",
			"status.availableReplicas: Invalid value: 4: cannot be greater than readyReplicas",
		}},
		{"V-8 the spec is not", func(d *appsv1.Deployment) { d.Spec.Replicas = ptr(int32(-1)) }, nil},
		{"V-8 the name is immutable", func(d *appsv1.Deployment) { d.Name = "other" },
			[]string{`metadata.name: Invalid value: "other": field is immutable`}},
		{"V-9 finalizer names", func(d *appsv1.Deployment) { d.Finalizers = []string{"keep", "example.com/keep"} },
			[]string{`metadata.finalizers[0]: Invalid value: "keep": name is neither a standard finalizer name nor is it fully qualified`}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			old, d := base(), base()
			c.mut(d)
			if diff := cmp.Diff(c.want, errorTexts(rollout.ValidateStatusUpdate(d, old))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if errs := rollout.ValidateStatusUpdate(nil, base()); len(errs) != 1 {
		t.Errorf("a nil Deployment is an error, not a panic: %v", errs)
	}
}

// V-9: metadata finalizers without a "/" are the standard ones, on create
// and on update; label errors come in key order.
func TestValidateFinalizerNames(t *testing.T) {
	d := rollout.Default(httpGo())
	d.Annotations = nil
	d.Finalizers = []string{"orphan", "mine"}
	want := []string{`metadata.finalizers[1]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified`}
	if diff := cmp.Diff(want, errorTexts(rollout.Validate(d))); diff != "" {
		t.Errorf("create (-want +got):\n%s", diff)
	}
	old := d.DeepCopy()
	old.Finalizers = nil
	old.ResourceVersion, d.ResourceVersion = "1", "1"
	d.Labels = map[string]string{"-b": "x", "-a": "y"}
	got := errorTexts(rollout.ValidateUpdate(d, old))
	if len(got) != 3 || got[0][:len("metadata.labels: Invalid value: \"-a\"")] != `metadata.labels: Invalid value: "-a"` || got[2] != want[0] {
		t.Errorf("update: %q", got)
	}
}
