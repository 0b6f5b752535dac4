package labels_test

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/labels"
)

var (
	keys   = []string{"app", "rel", "tier", "a/b/c", "-x", "example.com/app"}
	values = []string{"", "beta", "stable", "http-go", "-bad"}
)

func genSet(t *rapid.T, name string) map[string]string {
	return rapid.MapOfN(rapid.SampledFrom(keys), rapid.SampledFrom(values), 0, 4).Draw(t, name)
}

// Validate reports the same errors as apimachinery's ValidateLabels, in
// ascending key order instead of map order.
func TestPropertyValidateAgreesWithApimachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		set := genSet(t, "labels")
		before := maps.Clone(set)
		path := field.NewPath("metadata", "labels")
		got := errorStrings(labels.Validate(set, path))
		want := errorStrings(metav1validation.ValidateLabels(set, path))
		if !cmp.Equal(before, set) {
			t.Fatal("Validate mutated its input")
		}
		sortedGot := slices.Clone(got)
		sort.Strings(sortedGot)
		sort.Strings(want)
		if !cmp.Equal(sortedGot, want) {
			t.Fatalf("Validate(%v) = %v, apimachinery %v", set, got, want)
		}
		if again := errorStrings(labels.Validate(set, path)); !cmp.Equal(got, again) {
			t.Fatalf("two runs differ: %v / %v", got, again)
		}
	})
}

// ApplyLabels agrees with a direct reading of rule L12.4 on random labels
// and edits, and never mutates the current map.
func TestPropertyApplyLabelsModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := genSet(t, "current")
		if rapid.Bool().Draw(t, "nil") {
			cur = nil
		}
		var args []string
		for i := range rapid.IntRange(0, 4).Draw(t, "n") {
			k := rapid.SampledFrom(keys).Draw(t, fmt.Sprintf("k%d", i))
			if rapid.Bool().Draw(t, fmt.Sprintf("rm%d", i)) {
				args = append(args, k+"-")
			} else {
				args = append(args, k+"="+rapid.SampledFrom(values[:4]).Draw(t, fmt.Sprintf("v%d", i)))
			}
		}
		edits, err := labels.ParseLabelEdits(args)
		if err != nil {
			return
		}
		overwrite := rapid.Bool().Draw(t, "overwrite")
		before := maps.Clone(cur)
		got, err := labels.ApplyLabels(cur, edits, overwrite)
		if !cmp.Equal(before, cur) {
			t.Fatal("ApplyLabels mutated its input")
		}
		conflict := false
		for k, v := range edits.Set {
			if c, ok := cur[k]; ok && c != v {
				conflict = true
			}
		}
		if conflict && !overwrite {
			if err == nil {
				t.Fatalf("L12.4.1: %v on %v without --overwrite must fail", args, cur)
			}
			return
		}
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		want := maps.Clone(cur)
		if want == nil {
			want = map[string]string{}
		}
		maps.Copy(want, edits.Set)
		for _, k := range edits.Remove {
			delete(want, k)
		}
		if !cmp.Equal(want, got.Map) {
			t.Fatalf("ApplyLabels(%v, %v) = %v, want %v", cur, args, got.Map, want)
		}
		wantMsg := map[[2]bool]string{{true, true}: "modified", {true, false}: "labeled", {false, true}: "unlabeled", {false, false}: "not labeled"}
		if m := wantMsg[[2]bool{len(got.Added) > 0, len(got.Removed) > 0}]; got.Message != m {
			t.Fatalf("message %q, want %q", got.Message, m)
		}
	})
}

func errorStrings(errs field.ErrorList) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// String (rule 9) sorts the pairs, changes nothing and gives the same text
// twice; ConvertSelectorToLabelsMap (rule 10) reads that text back to the
// same set exactly when the set is valid.
func TestPropertyStringRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		set := genSet(t, "labels")
		before := maps.Clone(set)
		s := labels.String(set)
		if s != labels.String(set) || !cmp.Equal(before, set) {
			t.Fatal("String is not deterministic or changed its input")
		}
		pairs := []string{}
		for k, v := range set {
			pairs = append(pairs, k+"="+v)
		}
		sort.Strings(pairs)
		if want := strings.Join(pairs, ","); s != want {
			t.Fatalf("String(%v) = %q, want %q", set, s, want)
		}
		got, err := labels.ConvertSelectorToLabelsMap(s)
		valid := len(labels.Validate(set, field.NewPath("labels"))) == 0
		if valid != (err == nil) {
			t.Fatalf("ConvertSelectorToLabelsMap(%q) error %v, but the set's validity is %v", s, err, valid)
		}
		if valid && !cmp.Equal(set, got, cmpopts.EquateEmpty()) {
			t.Fatalf("ConvertSelectorToLabelsMap(%q) = %v, want %v", s, got, set)
		}
	})
}
