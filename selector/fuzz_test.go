package selector_test

import (
	"encoding/json"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/kubesem/kubesem/selector"
)

// FuzzParse: any -l string gives a Selector or an error, never a panic, and
// agrees with apimachinery on the error, the String and one label set.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "app=http-go", "app in (blue,yellow)", "x,!x", "n>1", "x in ()", "!", "a=b c", "in in (in)", "x==a==b"} {
		f.Add(s, "app", "blue")
	}
	f.Fuzz(func(t *testing.T, s, k, v string) {
		ours, err := selector.Parse(s)
		theirs, upErr := k8slabels.Parse(s)
		if errText(err) != errText(upErr) {
			t.Fatalf("Parse(%q): %q vs apimachinery %q", s, errText(err), errText(upErr))
		}
		if err != nil {
			return
		}
		if ours.String() != theirs.String() {
			t.Fatalf("String %q vs %q", ours, theirs)
		}
		set := map[string]string{k: v}
		if ours.Matches(set) != theirs.Matches(k8slabels.Set(set)) {
			t.Fatalf("Parse(%q).Matches(%v) differs", s, set)
		}
		ours.Explain(set)
		if again, err := selector.Parse(ours.String()); err != nil || again.String() != ours.String() {
			t.Fatalf("L7.4 round trip of %q: %v %v", ours, again, err)
		}
	})
}

// FuzzFromLabelSelector: any LabelSelector (as JSON) gives a Selector or an
// error, never a panic, and errors exactly when apimachinery does.
func FuzzFromLabelSelector(f *testing.F) {
	f.Add([]byte(`{"matchLabels":{"app":"http-go"}}`))
	f.Add([]byte(`{"matchExpressions":[{"key":"app","operator":"In","values":["blue","yellow"]}]}`))
	f.Add([]byte(`{"matchExpressions":[{"key":"app","operator":"Exists","values":["x"]}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ls *metav1.LabelSelector
		if err := json.Unmarshal(data, &ls); err != nil {
			return
		}
		ours, err := selector.FromLabelSelector(ls)
		theirs, upErr := metav1.LabelSelectorAsSelector(ls)
		if (err == nil) != (upErr == nil) {
			t.Fatalf("%s: %v vs apimachinery %v", data, err, upErr)
		}
		if err != nil {
			return
		}
		for k, v := range map[string]string{"app": "blue", "": ""} {
			set := map[string]string{k: v}
			if ours.Matches(set) != theirs.Matches(k8slabels.Set(set)) {
				t.Fatalf("%s: Matches(%v) differs", data, set)
			}
		}
		ours.Explain(nil)
	})
}
