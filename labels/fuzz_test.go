package labels_test

import (
	"strings"
	"testing"

	"github.com/kubesem/kubesem/labels"
)

// FuzzEdits: any kubectl label/annotate arguments give edits or an error,
// never a panic, and applying them never mutates the current labels.
func FuzzEdits(f *testing.F) {
	f.Add("pod http-go rel=beta app-", "app=http-go", true)
	f.Add("pod x a=b=c", "", false)
	f.Add("= - -- x=", "x=", false)
	f.Fuzz(func(t *testing.T, args, current string, overwrite bool) {
		cur := map[string]string{}
		for _, kv := range strings.Split(current, ",") {
			k, v, _ := strings.Cut(kv, "=")
			cur[k] = v
		}
		n := len(cur)
		_, changes, err := labels.SplitArgs(strings.Fields(args), "label")
		if err != nil {
			return
		}
		if e, err := labels.ParseLabelEdits(changes); err == nil {
			_, _ = labels.ApplyLabels(cur, e, overwrite)
		}
		if e, err := labels.ParseAnnotationEdits(changes); err == nil {
			_, _ = labels.ApplyAnnotations(cur, e, overwrite)
		}
		if len(cur) != n {
			t.Fatal("current labels mutated")
		}
	})
}
