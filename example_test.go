package kubesem_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/selector"
)

// Relabel a pod of the tutorial's ReplicaSet with kubectl label
// --overwrite and see why its selector no longer selects it.
func Example() {
	rs, err := selector.FromLabelSelector(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
		}},
	})
	if err != nil {
		panic(err)
	}
	pod := map[string]string{"app": "yellow"}
	fmt.Println(rs.Matches(pod))

	edits, err := labels.ParseLabelEdits([]string{"app=green"})
	if err != nil {
		panic(err)
	}
	res, err := labels.ApplyLabels(pod, edits, true)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Line("pod/replicaset-2-9pkbs"))
	fmt.Print(rs.Explain(res.Map))
	// Output:
	// true
	// pod/replicaset-2-9pkbs labeled
	// not selected by app in (blue,yellow)
	//   FAIL app in (blue,yellow): label app is "green", not one of (blue,yellow)
}
