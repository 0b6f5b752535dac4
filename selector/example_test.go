package selector_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/selector"
)

// The tutorial's ReplicaSet selects pods whose app is blue or yellow.
func ExampleFromLabelSelector() {
	sel, err := selector.FromLabelSelector(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
		}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(map[string]string{"app": "yellow"}))
	fmt.Println(sel.Matches(map[string]string{"app": "red"}))
	// Output:
	// app in (blue,yellow)
	// true
	// false
}

// kubectl get pod -l 'rel!=beta' also lists pods that have no rel label.
func ExampleParse() {
	sel, err := selector.Parse("app=http-go, rel!=beta")
	if err != nil {
		panic(err)
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(map[string]string{"app": "http-go"}))
	_, err = selector.Parse("app in blue")
	fmt.Println(err)
	// Output:
	// app=http-go,rel!=beta
	// true
	// unable to parse requirement: found 'blue' expected: '('
}

// A ReplicationController's selector is a plain map.
func ExampleFromSet() {
	sel := selector.FromSet(map[string]string{"app": "nginx"})
	fmt.Println(sel, sel.Matches(map[string]string{"app": "nginx", "pod-template-hash": "x"}))
	// Output: app=nginx true
}

func ExampleEverything() {
	fmt.Println(selector.Everything().Matches(nil), selector.Nothing().Matches(nil))
	// Output: true false
}

func ExampleSelector_Explain() {
	sel, _ := selector.Parse("app=nginx,tier notin (db)")
	fmt.Print(sel.Explain(map[string]string{"app": "nginx-canary", "tier": "web"}))
	// Output:
	// not selected by app=nginx,tier notin (db)
	//   FAIL app=nginx: label app is "nginx-canary", but it must be "nginx"
	//   ok   tier notin (db): label tier is "web", not in (db)
}

func ExampleSelector_ValidateTemplate() {
	sel := selector.FromSet(map[string]string{"app": "nginx"})
	errs := sel.ValidateTemplate(map[string]string{"app": "web"}, field.NewPath("spec", "template"))
	fmt.Println(errs.ToAggregate())
	// Output: spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`
}

func ExampleIndex_Select() {
	ix := selector.NewIndex(
		selector.Item{Key: "default/nginx-7k2xq", Labels: map[string]string{"app": "nginx"}},
		selector.Item{Key: "default/http-go", Labels: map[string]string{"app": "http-go"}},
		selector.Item{Key: "default/nginx-4b9zd", Labels: map[string]string{"app": "nginx"}},
	)
	sel, _ := selector.Parse("app=nginx")
	fmt.Println(ix.Select(sel))
	// Output: [default/nginx-4b9zd default/nginx-7k2xq]
}

// Two ReplicaSets whose selectors both select the same pod.
func ExampleOverlap() {
	ix := selector.NewIndex(
		selector.Item{Key: "default/a", Labels: map[string]string{"app": "blue"}},
		selector.Item{Key: "default/b", Labels: map[string]string{"app": "yellow"}},
	)
	rs1, _ := selector.Parse("app in (blue,yellow)")
	rs2 := selector.FromSet(map[string]string{"app": "yellow"})
	fmt.Println(selector.Overlap(rs1, rs2, ix))
	// Output: [default/b]
}

func ExampleValidate() {
	errs := selector.Validate(&metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn}},
	}, field.NewPath("spec", "selector"))
	fmt.Println(errs.ToAggregate())
	// Output: spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'
}

func ExampleFromLabels() {
	sel := selector.FromLabels(selector.FromSet(map[string]string{"app": "nginx"}).Labels())
	fmt.Println(sel)
	// Output: app=nginx
}

func ExampleSelector_RequiresExactMatch() {
	sel, _ := selector.Parse("app in (nginx),tier")
	fmt.Println(sel.RequiresExactMatch("app"))
	// Output: nginx true
}

func ExampleSelector_Requirements() {
	sel, _ := selector.Parse("app in (yellow,blue),!canary")
	for _, r := range sel.Requirements() {
		fmt.Printf("%s %s %v\n", r.Key, r.Operator, r.Values)
	}
	// Output:
	// app in [blue yellow]
	// canary ! []
}

// An index follows pods as they come, change labels and go.
func ExampleNewIndex() {
	ix := selector.NewIndex(selector.Item{Key: "default/nginx-8xk2w", Labels: map[string]string{"app": "nginx"}})
	ix.Set("default/nginx-d5lqz", map[string]string{"app": "nginx"})
	ix.Set("default/nginx-8xk2w", map[string]string{}) // kubectl label pod nginx-8xk2w app-
	sel := selector.FromSet(map[string]string{"app": "nginx"})
	fmt.Println(ix.Select(sel), ix.Len())
	ix.Delete("default/nginx-d5lqz")
	fmt.Println(ix.Select(sel), ix.Len())
	// Output:
	// [default/nginx-d5lqz] 2
	// [] 1
}

func ExampleRequirement_String() {
	r := selector.Requirement{Key: "app", Operator: "in", Values: []string{"yellow", "blue"}}
	fmt.Println(r)
	// Output: app in (blue,yellow)
}

func ExampleSelector_Matches() {
	sel, _ := selector.Parse("tier notin (db)")
	fmt.Println(sel.Matches(map[string]string{"app": "nginx"}), sel.Matches(map[string]string{"tier": "db"}))
	// Output: true false
}

func ExampleSelector_String() {
	sel, _ := selector.Parse(" tier != db , app in ( yellow , blue )")
	fmt.Println(sel.String())
	// Output: app in (blue,yellow),tier!=db
}
