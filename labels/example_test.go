package labels_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
)

// kubectl label pod http-go rel=beta, then rel=stable without --overwrite.
func ExampleApplyLabels() {
	pod := map[string]string{"app": "http-go"}
	_, changes, _ := labels.SplitArgs([]string{"pod", "http-go", "rel=beta"}, "label")
	edits, _ := labels.ParseLabelEdits(changes)
	res, _ := labels.ApplyLabels(pod, edits, false)
	fmt.Println(res.Line("pod/http-go"), res.Map)

	edits, _ = labels.ParseLabelEdits([]string{"rel=stable"})
	_, err := labels.ApplyLabels(res.Map, edits, false)
	fmt.Println("error:", err)
	// Output:
	// pod/http-go labeled map[app:http-go rel:beta]
	// error: 'rel' already has a value (beta), and --overwrite is false
}

// kubectl label pod http-go app- : the key is removed.
func ExampleParseLabelEdits() {
	edits, err := labels.ParseLabelEdits([]string{"app-", "rel=beta"})
	fmt.Println(edits.Set, edits.Remove, err)
	_, err = labels.ParseLabelEdits([]string{"rel=-beta"})
	fmt.Println(err)
	// Output:
	// map[rel:beta] [app] <nil>
	// invalid label value: "rel=-beta": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')
}

func ExampleSplitArgs() {
	resources, changes, err := labels.SplitArgs([]string{"pod", "http-go", "app-"}, "label")
	fmt.Println(resources, changes, err)
	// Output: [pod http-go] [app-] <nil>
}

// kubectl annotate pod http-go test1234=test1234
func ExampleApplyAnnotations() {
	edits, _ := labels.ParseAnnotationEdits([]string{"test1234=test1234"})
	res, _ := labels.ApplyAnnotations(nil, edits, false)
	fmt.Println(res.Line("pod/http-go"), res.Map)
	// Output: pod/http-go annotated map[test1234:test1234]
}

func ExampleParseAnnotationEdits() {
	edits, err := labels.ParseAnnotationEdits([]string{"note=a=b", "old-"})
	fmt.Println(edits.Set, edits.Remove, err)
	// Output: map[note:a=b] [old] <nil>
}

// kubectl get pod -L app,rel
func ExampleColumnHeaders() {
	keys, _ := labels.ParseColumns("app,rel", "app.kubernetes.io/name")
	fmt.Println(labels.ColumnHeaders(keys))
	fmt.Printf("%q\n", labels.ColumnValues(map[string]string{"app": "http-go"}, keys))
	// Output:
	// [APP REL NAME]
	// ["http-go" "" ""]
}

func ExampleParseColumns() {
	keys, _ := labels.ParseColumns("app,rel", "tier")
	fmt.Println(keys)
	// Output: [app rel tier]
}

func ExampleColumnValues() {
	fmt.Printf("%q\n", labels.ColumnValues(map[string]string{"rel": "beta"}, []string{"app", "rel"}))
	// Output: ["" "beta"]
}

// kubectl get pod --show-labels
func ExampleFormat() {
	fmt.Println(labels.Format(map[string]string{"rel": "beta", "app": "http-go"}))
	fmt.Println(labels.Format(nil))
	// Output:
	// app=http-go,rel=beta
	// <none>
}

func ExampleValidate() {
	errs := labels.Validate(map[string]string{"app": "http-go", "a/b/c": "x"}, field.NewPath("metadata", "labels"))
	fmt.Println(len(errs), errs[0].Type, errs[0].BadValue)
	// Output: 1 Invalid value a/b/c
}

func ExampleValidateKey() {
	for _, e := range labels.ValidateKey("/app", field.NewPath("metadata", "labels")) {
		fmt.Println(e)
	}
	// Output: metadata.labels: Invalid value: "/app": prefix part must be non-empty
}

func ExampleValidateValue() {
	fmt.Println(len(labels.ValidateValue("http-go", field.NewPath("v"))))
	// Output: 0
}

func ExampleValidateAnnotations() {
	fmt.Println(len(labels.ValidateAnnotations(map[string]string{"Test1234": "test1234"}, field.NewPath("metadata", "annotations"))))
	// Output: 0
}

func ExampleResult_NotFoundLines() {
	edits, _ := labels.ParseLabelEdits([]string{"tier-"})
	res, _ := labels.ApplyLabels(map[string]string{"app": "http-go"}, edits, false)
	fmt.Println(res.NotFoundLines(), res.Line("pod/http-go"), res.Changed())
	// Output: [label "tier" not found.] pod/http-go not labeled false
}
