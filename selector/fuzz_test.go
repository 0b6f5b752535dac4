package selector_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

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
		// Rule 15: the same string as an API LabelSelector.
		ls, err := selector.ParseToLabelSelector(s)
		upLS, upErr := metav1.ParseToLabelSelector(s)
		if errText(err) != errText(upErr) || !reflect.DeepEqual(ls, upLS) {
			t.Fatalf("ParseToLabelSelector(%q) = %v, %v; apimachinery %v, %v", s, ls, err, upLS, upErr)
		}
	})
}

// FuzzNewRequirement: any key, operator and values (comma-separated) give a
// requirement or an error, never a panic; the error is apimachinery's, the
// values are not changed, and the requirement, valid or not, matches as
// apimachinery's does (rules 11–13).
func FuzzNewRequirement(f *testing.F) {
	f.Add("app", "in", "blue,yellow", true, "app", "blue")
	f.Add("x1", "in", "", false, "x1", "")
	f.Add("", "", "", false, "", "")
	f.Add("n", "gt", "1,2", true, "n", "3")
	f.Add("n", "lt", "x", true, "n", "-1")
	f.Fuzz(func(t *testing.T, key, op, vals string, hasVals bool, k, v string) {
		var values []string
		if hasVals {
			values = strings.Split(vals, ",")
		}
		before := slices.Clone(values)
		r, err := selector.NewRequirement(key, selection.Operator(op), values)
		up, upErr := k8slabels.NewRequirement(key, selection.Operator(op), slices.Clone(values))
		if errText(err) != errText(upErr) {
			t.Fatalf("NewRequirement(%q, %q, %q): %q vs apimachinery %q", key, op, values, errText(err), errText(upErr))
		}
		if !slices.Equal(before, values) {
			t.Fatal("NewRequirement changed its values")
		}
		if err == nil && r.String() != up.String() {
			t.Fatalf("String %q vs %q", r, up)
		}
		raw := selector.Requirement{Key: key, Operator: selection.Operator(op), Values: values}
		set := map[string]string{k: v}
		want := up.Matches(k8slabels.Set(set))
		if raw.Matches(set) != want || selector.FromRequirements(raw).Matches(set) != want {
			t.Fatalf("%#v.Matches(%v) differs from apimachinery's %v", raw, set, want)
		}
		selector.FromRequirements(raw).Explain(set)
		if !slices.Equal(before, values) {
			t.Fatal("Matches changed the values")
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
		before := ls.DeepCopy()
		// Rules 14 and 16 on the same selector. Upstream's String of more
		// than twelve requirements may vary from call to call.
		m, err := selector.LabelSelectorAsMap(ls)
		upM, upErr := metav1.LabelSelectorAsMap(ls)
		if errText(err) != errText(upErr) || !reflect.DeepEqual(m, upM) {
			t.Fatalf("%s: LabelSelectorAsMap = %v, %v; apimachinery %v, %v", data, m, err, upM, upErr)
		}
		if got, want := selector.FormatLabelSelector(ls), metav1.FormatLabelSelector(ls); got != want && (ls == nil || len(ls.MatchLabels)+len(ls.MatchExpressions) <= 12) {
			t.Fatalf("%s: FormatLabelSelector = %q, apimachinery %q", data, got, want)
		}
		if !reflect.DeepEqual(before, ls) {
			t.Fatalf("%s: the LabelSelector was changed", data)
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
