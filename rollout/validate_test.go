package rollout_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/rollout"
)

func TestDefault(t *testing.T) {
	d := rollout.Default(&appsv1.Deployment{})
	if *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType ||
		d.Spec.Strategy.RollingUpdate.MaxSurge.String() != "25%" || d.Spec.Strategy.RollingUpdate.MaxUnavailable.String() != "25%" ||
		*d.Spec.RevisionHistoryLimit != 10 || *d.Spec.ProgressDeadlineSeconds != 600 || d.Spec.Template.Spec.RestartPolicy != "Always" {
		t.Errorf("D-1 … D-8: %+v", d.Spec)
	}
	rc := rollout.Default(&appsv1.Deployment{Spec: appsv1.DeploymentSpec{Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}, RevisionHistoryLimit: ptr(int32(0))}})
	if rc.Spec.Strategy.RollingUpdate != nil || *rc.Spec.RevisionHistoryLimit != 0 {
		t.Errorf("D-3 Recreate gets no rollingUpdate; D-4 an explicit 0 is kept: %+v", rc.Spec)
	}
}

func TestValidate(t *testing.T) {
	base := func() *appsv1.Deployment { d := rollout.Default(httpGo()); d.Annotations = nil; return d }
	cases := []struct {
		rule string
		mut  func(*appsv1.Deployment)
		want []string
	}{
		{"V-4 both zero", func(d *appsv1.Deployment) {
			z := intstr.FromInt32(0)
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: &z, MaxUnavailable: ptr(intstr.FromString("0%"))}
		}, []string{`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when ` + "`maxSurge`" + ` is 0`}},
		{"V-4 maxUnavailable over 100%", func(d *appsv1.Deployment) {
			d.Spec.Strategy.RollingUpdate.MaxUnavailable = ptr(intstr.FromString("150%"))
		}, []string{`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%`}},
		{"V-4 a percent string", func(d *appsv1.Deployment) {
			d.Spec.Strategy.RollingUpdate.MaxSurge = ptr(intstr.FromString("abc%"))
		}, []string{`spec.strategy.rollingUpdate.maxSurge: Invalid value: "abc%": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`}},
		{"V-3 Recreate with rollingUpdate", func(d *appsv1.Deployment) { d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType },
			[]string{"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"}},
		{"V-1 deadline above minReadySeconds", func(d *appsv1.Deployment) { d.Spec.ProgressDeadlineSeconds = ptr(int32(10)) },
			[]string{"spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			d := base()
			c.mut(d)
			var got []string
			for _, e := range rollout.Validate(d) {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if errs := rollout.Validate(base()); len(errs) != 0 {
		t.Errorf("the tutorial's Deployment is valid: %v", errs)
	}
	old, upd := base(), base()
	old.ResourceVersion, upd.ResourceVersion = "1", "1"
	upd.Spec.Selector.MatchLabels["tier"] = "web"
	upd.Spec.Template.Labels["tier"] = "web"
	if errs := rollout.ValidateUpdate(upd, old); len(errs) != 1 || errs[0].Field != "spec.selector" {
		t.Errorf("V-2 the selector is immutable: %v", errs)
	}
}
