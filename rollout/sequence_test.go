package rollout_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesem/kubesem/rollout"
)

// The six-row table of ResolveFenceposts (F-*): the order in which a
// rolling update scales old (−1) and new (+1) for tiny Deployments.
func TestFencepostSequences(t *testing.T) {
	cases := []struct {
		replicas           int32
		unavailable, surge string
		want               string
	}{
		{2, "1%", "0%", "old-1 new+1 old-1 new+1"},
		{1, "1%", "0%", "old-1 new+1"},
		{2, "25%", "1%", "new+1 old-1 new+1 old-1"},
		{1, "25%", "1%", "new+1 old-1"},
		{2, "0%", "1%", "new+1 old-1 new+1 old-1"},
		{1, "0%", "1%", "new+1 old-1"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("F-3 %d desired, unavailable %s, surge %s", c.replicas, c.unavailable, c.surge), func(t *testing.T) {
			d := rollout.Default(httpGo())
			d.Annotations = nil
			d.Spec.MinReadySeconds = 0
			d.Spec.Replicas = &c.replicas
			u, s := intstr.Parse(c.unavailable), intstr.Parse(c.surge)
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: &u, MaxSurge: &s}
			w := &world{d: d, broken: map[string]bool{}, now: t0}
			var nb nopBuilder
			w.settleQuiet(&nb)
			w.d.Spec.Template.Spec.Containers[0].Image = "gasbugs/http-go:v2"
			w.d.Generation++
			oldName := w.rss[0].Name
			var steps []string
			for range 20 {
				w.now = w.now.Add(time.Second)
				plan, err := rollout.Sync(w.d, w.rss, nil, w.now)
				if err != nil {
					t.Fatal(err)
				}
				if plan.Create != nil && *plan.Create.Spec.Replicas > 0 {
					steps = append(steps, fmt.Sprintf("new+%d", *plan.Create.Spec.Replicas))
				}
				for _, up := range plan.Updates {
					for _, rs := range w.rss {
						if rs.Name == up.Name && *rs.Spec.Replicas != *up.Spec.Replicas {
							which := "new"
							if up.Name == oldName {
								which = "old"
							}
							steps = append(steps, fmt.Sprintf("%s%+d", which, *up.Spec.Replicas-*rs.Spec.Replicas))
						}
					}
				}
				w.apply(plan)
				w.observe()
			}
			if got := strings.Join(steps, " "); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
