package labels_test

import (
	"maps"
	"strings"
	"testing"

	k8slabels "k8s.io/apimachinery/pkg/labels"

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

// FuzzConvertSelectorToLabelsMap: any string gives a label set or an
// error, never a panic, as apimachinery's does (rule 10); a set it reads
// prints back (rule 9) to a string that reads as the same set.
func FuzzConvertSelectorToLabelsMap(f *testing.F) {
	for _, s := range []string{"", "app=http-go,rel=beta", " a = b ", "a==b", "a!=b", "a=b,", "=", ",", "a=-x", "a=1,a=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := labels.ConvertSelectorToLabelsMap(s)
		want, upErr := k8slabels.ConvertSelectorToLabelsMap(s)
		if errMsg(err) != errMsg(upErr) || !maps.Equal(got, map[string]string(want)) {
			t.Fatalf("ConvertSelectorToLabelsMap(%q) = %v, %v; apimachinery %v, %v", s, got, err, want, upErr)
		}
		if err != nil {
			return
		}
		again, err := labels.ConvertSelectorToLabelsMap(labels.String(got))
		if err != nil || !maps.Equal(got, again) {
			t.Fatalf("%q read as %v, printed as %q, read back as %v, %v", s, got, labels.String(got), again, err)
		}
	})
}
