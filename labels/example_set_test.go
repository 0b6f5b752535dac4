package labels_test

import (
	"fmt"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/selector"
)

// A label set sorts its "key=value" pairs as strings; a selector sorts its
// requirements by key, so the two differ when one key prefixes another.
func ExampleString() {
	set := map[string]string{"app": "nginx", "app.kubernetes.io/name": "web"}
	fmt.Println(labels.String(set))
	fmt.Println(selector.FromSet(set))
	fmt.Println(labels.Format(nil))
	// Output:
	// app.kubernetes.io/name=web,app=nginx
	// app=nginx,app.kubernetes.io/name=web
	// <none>
}

func ExampleConvertSelectorToLabelsMap() {
	set, err := labels.ConvertSelectorToLabelsMap("app=http-go, rel=beta")
	fmt.Println(set, err)
	_, err = labels.ConvertSelectorToLabelsMap("app")
	fmt.Println(err)
	// Output:
	// map[app:http-go rel:beta] <nil>
	// invalid selector: [app]
}
