package selector_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/kubesem/kubesem/selector"
)

// A requirement is checked when it is made; x1 in () with no values, or a
// gt bound that is not an integer, is refused with apimachinery's text.
func ExampleNewRequirement() {
	r, err := selector.NewRequirement("app", selection.In, []string{"yellow", "blue"})
	fmt.Println(r, err)
	_, err = selector.NewRequirement("x1", selection.In, nil)
	fmt.Println(err)
	_, err = selector.NewRequirement("replicas", selection.GreaterThan, []string{"two"})
	fmt.Println(err)
	// Output:
	// app in (blue,yellow) <nil>
	// values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty
	// values[0]: Invalid value: "two": for 'Gt', 'Lt' operators, the value must be an integer
}

// Add gives a new selector; the one it is called on is unchanged.
func ExampleSelector_Add() {
	rs, _ := selector.Parse("app=http-go")
	notCanary, _ := selector.NewRequirement("rel", selection.NotEquals, []string{"canary"})
	sel := rs.Add(notCanary)
	fmt.Println(rs)
	fmt.Println(sel)
	fmt.Println(sel.Matches(map[string]string{"app": "http-go"}), sel.Matches(map[string]string{"app": "http-go", "rel": "canary"}))
	// Output:
	// app=http-go
	// app=http-go,rel!=canary
	// true false
}

func ExampleFromRequirements() {
	app, _ := selector.NewRequirement("app", selection.In, []string{"blue", "yellow"})
	tier, _ := selector.NewRequirement("tier", selection.Exists, nil)
	sel := selector.FromRequirements(tier, app)
	fmt.Println(sel, sel.Matches(map[string]string{"app": "blue", "tier": ""}))
	// Output: app in (blue,yellow),tier true
}

// The zero Requirement, and one spelled with a LabelSelector's "In"
// instead of the selector operator "in", match nothing.
func ExampleRequirement_Matches() {
	var zero selector.Requirement
	fmt.Println(zero.Matches(map[string]string{"": ""}))
	r := selector.Requirement{Key: "app", Operator: "In", Values: []string{"blue"}}
	fmt.Println(r.Matches(map[string]string{"app": "blue"}))
	// Output:
	// false
	// false
}

func ExampleLabelSelectorAsMap() {
	m, err := selector.LabelSelectorAsMap(&metav1.LabelSelector{
		MatchLabels:      map[string]string{"app": "nginx"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"web"}}},
	})
	fmt.Println(m, err)
	_, err = selector.LabelSelectorAsMap(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"}}},
	})
	fmt.Println(err)
	// Output:
	// map[app:nginx tier:web] <nil>
	// operator "In" without a single value cannot be converted into the old label selector format
}

func ExampleParseToLabelSelector() {
	ls, _ := selector.ParseToLabelSelector("app=http-go,rel in (stable,beta)")
	fmt.Println(ls.MatchLabels, ls.MatchExpressions[0].Key, ls.MatchExpressions[0].Operator, ls.MatchExpressions[0].Values)
	_, err := selector.ParseToLabelSelector("replicas>2")
	fmt.Println(err)
	// Output:
	// map[app:http-go] rel In [beta stable]
	// "gt" isn't supported in label selectors
}

// kubectl get rs -o wide prints a ReplicaSet's selector this way.
func ExampleFormatLabelSelector() {
	fmt.Println(selector.FormatLabelSelector(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"yellow", "blue"}}},
	}))
	fmt.Println(selector.FormatLabelSelector(nil))
	fmt.Println(selector.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: map[string]string{"app": "-x"}}))
	// Output:
	// app in (blue,yellow)
	// <none>
	// <error>
}
