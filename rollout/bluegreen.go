package rollout

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/selector"
)

// BlueGreenStep is one step of a blue/green switch.
type BlueGreenStep struct {
	// What says what the step does, for a person.
	What string
	// Create is a Deployment to create, Scale a Deployment to write with
	// a new replica count; ServiceSelector, when set, is the selector to
	// give the Service.
	Create, Scale   *appsv1.Deployment
	ServiceSelector map[string]string
	// WaitFor names a Deployment whose rollout must be complete (see
	// Complete) before the next step.
	WaitFor string
}

// BlueGreen plans a blue/green switch, which the tutorial shows (the course's section 6.2)
// but Kubernetes has no strategy for: this is NOT upstream behaviour, only
// the usual way to build it from two Deployments and a Service.
//
// Given the running ("blue") Deployment, whose pods carry a colour label
// (say version=blue) that the Service's selector also requires, the green
// colour and the new pod template, it returns the steps:
// create a "green" Deployment named "<blue>-<green>" with the new template
// and as many replicas as blue, the colour label added to its selector
// and template; wait until it is complete; point the Service at the green
// pods; scale blue to 0. Both colours run at full size in between, so the
// switch needs twice the resources, and no moment mixes old and new pods
// behind the Service.
func BlueGreen(blue *appsv1.Deployment, colorLabel, green string, template corev1.PodTemplateSpec, serviceSelector map[string]string) ([]BlueGreenStep, error) {
	if blue == nil || colorLabel == "" || green == "" {
		return nil, fmt.Errorf("rollout: blue/green needs the blue Deployment, a colour label and the green colour")
	}
	// Without the colour on blue's pods and in the Service's selector, the
	// Service would select the green pods as soon as they exist, and old
	// and new pods would serve side by side.
	if c, ok := blue.Spec.Template.Labels[colorLabel]; !ok || c == green {
		return nil, fmt.Errorf("rollout: the blue pods must carry %s with a colour other than %q", colorLabel, green)
	}
	if c, ok := serviceSelector[colorLabel]; !ok || c != blue.Spec.Template.Labels[colorLabel] {
		return nil, fmt.Errorf("rollout: the Service must select %s=%s, the blue pods' colour", colorLabel, blue.Spec.Template.Labels[colorLabel])
	}
	g := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: blue.Name + "-" + green, Namespace: blue.Namespace, Labels: withColor(blue.Labels, colorLabel, green)},
		Spec:       *blue.Spec.DeepCopy(),
	}
	g.Spec.Template = *template.DeepCopy()
	g.Spec.Template.Labels = withColor(template.Labels, colorLabel, green)
	sel := blue.Spec.Selector.DeepCopy()
	if sel == nil {
		sel = &metav1.LabelSelector{}
	}
	sel.MatchLabels = withColor(sel.MatchLabels, colorLabel, green)
	g.Spec.Selector = sel
	if s, err := selector.FromLabelSelector(g.Spec.Selector); err != nil || !s.Matches(g.Spec.Template.Labels) {
		return nil, fmt.Errorf("rollout: the green template's labels are not selected by the green selector")
	}
	scaledBlue := blue.DeepCopy()
	scaledBlue.Spec.Replicas = ptr(int32(0))
	return []BlueGreenStep{
		{What: fmt.Sprintf("create Deployment %s (green) beside %s (blue)", g.Name, blue.Name), Create: g},
		{What: fmt.Sprintf("wait until %s is complete", g.Name), WaitFor: g.Name},
		{What: "switch the Service to the green pods", ServiceSelector: withColor(serviceSelector, colorLabel, green)},
		{What: fmt.Sprintf("scale %s (blue) to 0", blue.Name), Scale: scaledBlue},
	}, nil
}

func withColor(m map[string]string, key, color string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out[key] = color
	return out
}
