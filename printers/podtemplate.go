package printers

import (
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// DescribePodTemplate renders a pod template as `kubectl rollout history
// --revision=N` prints one (polymorphichelpers' printTemplate, which hands
// describe.DescribePodTemplate a bare PrefixWriter): the "Pod Template:"
// block of `kubectl describe rs` — labels, annotations, service account,
// init containers, containers, volumes, spread constraints, priority
// class, node selectors, tolerations, scheduling group — with the same
// lines and the same escaping of terminal characters, but written
// straight out, not through a tabwriter, so every "Field:<tab>value" keeps
// its tab and nothing is aligned. A nil template is "Pod Template:" and
// an indented "<unset>" without a final newline, as kubectl writes it.
//
// MODEL: as for DescribeReplicaSet, a template with a volume type or an
// environment variable source whose layout kubesem does not model is an
// error.
func DescribePodTemplate(t *corev1.PodTemplateSpec) (string, error) {
	var b strings.Builder
	if t == nil {
		b.WriteString("Pod Template:\n  <unset>")
		return b.String(), nil
	}
	if err := describable(t); err != nil {
		return "", fmt.Errorf("describe: pod template: %w", err)
	}
	var w io.Writer = &b
	(&describeWriter{tw: w}).podTemplate(t)
	return b.String(), nil
}
