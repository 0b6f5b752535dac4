package selector_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/selector"
)

// Small pools make collisions (shared keys, equal values) common, and
// include keys and values that are invalid in each way docs/rules/labels.md §2–3 lists.
var (
	keyPool = []string{
		"app", "tier", "env", "rel", "n", "in", "notin", "a.b/c", "example.com/app",
		"Upper", "x_y", "", "-bad", "a/b/c", "/x", "BAD.com/x", strings.Repeat("k", 64),
	}
	valuePool = []string{
		"", "nginx", "blue", "yellow", "http-go", "prod", "0", "1", "02", "10", "-1", "+1",
		"9223372036854775807", "9223372036854775808", "in", "a b", "x!", "_y", strings.Repeat("v", 64),
	}
	tokenPool = []string{
		"=", "==", "!=", "!", ",", "(", ")", ">", "<", " in ", " notin ", " ", "\t", "a", "app",
		"x", "1", "blue", "in", "notin", "a.b/c", "$", "ü",
	}
)

// genLabelSet draws a label set over the pools.
func genLabelSet(t *rapid.T, label string) map[string]string {
	n := rapid.IntRange(0, 5).Draw(t, label+"-len")
	set := map[string]string{}
	for i := range n {
		k := rapid.SampledFrom(keyPool).Draw(t, fmt.Sprintf("%s-k%d", label, i))
		set[k] = rapid.SampledFrom(valuePool).Draw(t, fmt.Sprintf("%s-v%d", label, i))
	}
	return set
}

// genSelectorString draws a -l string: usually a structured one, valid
// or nearly so, sometimes a soup of tokens.
func genSelectorString(t *rapid.T) string {
	if rapid.IntRange(0, 4).Draw(t, "soup") == 0 {
		toks := rapid.SliceOfN(rapid.SampledFrom(tokenPool), 0, 10).Draw(t, "tokens")
		return strings.Join(toks, "")
	}
	n := rapid.IntRange(0, 14).Draw(t, "reqs")
	parts := make([]string, n)
	for i := range parts {
		k := rapid.SampledFrom(keyPool).Draw(t, "key")
		vals := rapid.SliceOfN(rapid.SampledFrom(valuePool), 0, 3).Draw(t, "vals")
		sp := rapid.SampledFrom([]string{"", " ", "  "}).Draw(t, "space")
		switch rapid.IntRange(0, 8).Draw(t, "op") {
		case 0:
			parts[i] = k
		case 1:
			parts[i] = "!" + k
		case 2, 3, 4, 5, 6:
			op := rapid.SampledFrom([]string{"=", "==", "!=", ">", "<"}).Draw(t, "binop")
			v := ""
			if len(vals) > 0 {
				v = vals[0]
			}
			parts[i] = k + sp + op + sp + v
		default:
			op := rapid.SampledFrom([]string{"in", "notin"}).Draw(t, "setop")
			parts[i] = k + " " + op + sp + "(" + strings.Join(vals, ","+sp) + ")"
		}
	}
	return strings.Join(parts, ","+rapid.SampledFrom([]string{"", " "}).Draw(t, "sep"))
}

// genLabelSelector draws an API LabelSelector, nil and empty included.
func genLabelSelector(t *rapid.T) *metav1.LabelSelector {
	switch rapid.IntRange(0, 9).Draw(t, "shape") {
	case 0:
		return nil
	case 1:
		return &metav1.LabelSelector{}
	}
	ls := &metav1.LabelSelector{}
	if rapid.Bool().Draw(t, "hasMatchLabels") {
		ls.MatchLabels = genLabelSet(t, "matchLabels")
	}
	n := rapid.IntRange(0, 4).Draw(t, "exprs")
	for range n {
		var vals []string
		switch rapid.IntRange(0, 3).Draw(t, "valsShape") {
		case 0: // nil
		case 1:
			vals = []string{}
		default:
			vals = rapid.SliceOfN(rapid.SampledFrom(valuePool), 1, 4).Draw(t, "values")
		}
		ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{
			Key:      rapid.SampledFrom(keyPool).Draw(t, "exprKey"),
			Operator: metav1.LabelSelectorOperator(rapid.SampledFrom([]string{"In", "NotIn", "Exists", "DoesNotExist", "in", "Equals", ""}).Draw(t, "exprOp")),
			Values:   vals,
		})
	}
	return ls
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Parse agrees with apimachinery's labels.Parse: the same error text, the
// same String, the same verdict on random label sets (docs/rules/labels.md §4–7).
func TestPropertyParseAgreesWithApimachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSelectorString(t)
		ours, err := selector.Parse(s)
		theirs, upErr := k8slabels.Parse(s)
		if errText(err) != errText(upErr) {
			t.Fatalf("Parse(%q): error %q, apimachinery %q", s, errText(err), errText(upErr))
		}
		if upErr != nil {
			return
		}
		if ours.String() != theirs.String() {
			t.Fatalf("Parse(%q).String() = %q, apimachinery %q", s, ours.String(), theirs.String())
		}
		for i := range 4 {
			set := genLabelSet(t, fmt.Sprintf("set%d", i))
			if got, want := ours.Matches(set), theirs.Matches(k8slabels.Set(set)); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, apimachinery %v", s, set, got, want)
			}
			if got := ours.Explain(set).Matched; got != ours.Matches(set) {
				t.Fatalf("Explain(%v).Matched = %v, Matches = %v", set, got, !got)
			}
		}
	})
}

// FromLabelSelector agrees with metav1.LabelSelectorAsSelector (rule L10.1).
// Upstream reports a random one of several invalid matchLabels pairs, so
// the error text is compared only when there is one pair to report.
func TestPropertyLabelSelectorAgreesWithApimachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls := genLabelSelector(t)
		before := ls.DeepCopy()
		ours, err := selector.FromLabelSelector(ls)
		theirs, upErr := metav1.LabelSelectorAsSelector(ls)
		if diff := cmp.Diff(before, ls); diff != "" {
			t.Fatalf("FromLabelSelector mutated its input (-before +after):\n%s", diff)
		}
		if (err == nil) != (upErr == nil) {
			t.Fatalf("FromLabelSelector(%v): error %v, apimachinery %v", ls, err, upErr)
		}
		if ls != nil && len(ls.MatchLabels) <= 1 && errText(err) != errText(upErr) {
			t.Fatalf("FromLabelSelector(%v): error %q, apimachinery %q", ls, errText(err), errText(upErr))
		}
		if upErr != nil {
			return
		}
		if ours.String() != theirs.String() {
			t.Fatalf("String() = %q, apimachinery %q", ours.String(), theirs.String())
		}
		if ours.Empty() != theirs.Empty() || ours.SelectsNothing() != k8slabels.MatchesNothing(theirs) {
			t.Fatalf("Empty/SelectsNothing = %v/%v, apimachinery %v/%v", ours.Empty(), ours.SelectsNothing(), theirs.Empty(), k8slabels.MatchesNothing(theirs))
		}
		for i := range 4 {
			set := genLabelSet(t, fmt.Sprintf("set%d", i))
			setBefore := maps(set)
			if got, want := ours.Matches(set), theirs.Matches(k8slabels.Set(set)); got != want {
				t.Fatalf("%s: Matches(%v) = %v, apimachinery %v", ours, set, got, want)
			}
			ours.Explain(set)
			if diff := cmp.Diff(setBefore, set); diff != "" {
				t.Fatalf("Matches/Explain mutated the label set:\n%s", diff)
			}
		}
	})
}

// FromSet agrees with apimachinery's SelectorFromSet, the form upstream's
// ReplicationController code uses.
func TestPropertyFromSetAgreesWithApimachinery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sel := genLabelSet(t, "selector")
		ours := selector.FromSet(sel)
		theirs := k8slabels.SelectorFromSet(k8slabels.Set(sel))
		if ours.String() != theirs.String() || ours.Empty() != theirs.Empty() {
			t.Fatalf("FromSet(%v) = %q (empty %v), apimachinery %q (empty %v)", sel, ours, ours.Empty(), theirs, theirs.Empty())
		}
		for i := range 4 {
			set := genLabelSet(t, fmt.Sprintf("set%d", i))
			if got, want := ours.Matches(set), theirs.Matches(k8slabels.Set(set)); got != want {
				t.Fatalf("FromSet(%v).Matches(%v) = %v, apimachinery %v", sel, set, got, want)
			}
		}
	})
}

// Select on an Index, after random additions, replacements and deletions,
// returns exactly what a linear scan in key order returns.
func TestPropertyIndexEqualsLinearScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
		var items []selector.Item
		for i := range rapid.IntRange(0, 8).Draw(t, "initial") {
			items = append(items, selector.Item{
				Key:    rapid.SampledFrom(names).Draw(t, "name"),
				Labels: genLabelSet(t, fmt.Sprintf("item%d", i)),
			})
		}
		itemsBefore := slices.Clone(items)
		ix := selector.NewIndex(items...)
		model := map[string]map[string]string{}
		for _, it := range items {
			model[it.Key] = maps(it.Labels)
		}
		for i := range rapid.IntRange(0, 8).Draw(t, "ops") {
			name := rapid.SampledFrom(names).Draw(t, "opName")
			if rapid.Bool().Draw(t, "delete") {
				ix.Delete(name)
				delete(model, name)
			} else {
				set := genLabelSet(t, fmt.Sprintf("op%d", i))
				ix.Set(name, set)
				model[name] = maps(set)
				set["mutated-after-set"] = "x" // the index must have its own copy
			}
		}
		for i, it := range items {
			if diff := cmp.Diff(itemsBefore[i].Labels, it.Labels); diff != "" && it.Labels["mutated-after-set"] == "" {
				t.Fatalf("NewIndex mutated item %d", i)
			}
		}
		sel, err := selector.Parse(genSelectorString(t))
		if err != nil {
			sel = selector.FromSet(genLabelSet(t, "fallback"))
		}
		if rapid.IntRange(0, 9).Draw(t, "nothing") == 0 {
			sel = selector.Nothing()
		}
		var want []string
		for _, k := range slices.Sorted(keysOf(model)) {
			if sel.Matches(model[k]) {
				want = append(want, k)
			}
		}
		got := ix.Select(sel)
		if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
			t.Fatalf("Select(%q) differs from a linear scan (-scan +index):\n%s", sel, diff)
		}
		if ix.Len() != len(model) {
			t.Fatalf("Len() = %d, want %d", ix.Len(), len(model))
		}
		other := selector.FromSet(genLabelSet(t, "other"))
		var wantOverlap []string
		for _, k := range want {
			if other.Matches(model[k]) {
				wantOverlap = append(wantOverlap, k)
			}
		}
		if diff := cmp.Diff(wantOverlap, selector.Overlap(sel, other, ix), cmpEmpty); diff != "" {
			t.Fatalf("Overlap(%q, %q) (-scan +index):\n%s", sel, other, diff)
		}
	})
}

// Equal inputs give equal outputs: compiling the same string twice gives
// selectors that explain every label set the same way.
func TestPropertyDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSelectorString(t)
		a, errA := selector.Parse(s)
		b, errB := selector.Parse(s)
		if errText(errA) != errText(errB) {
			t.Fatalf("two parses of %q differ: %v / %v", s, errA, errB)
		}
		if errA != nil {
			return
		}
		set := genLabelSet(t, "set")
		if diff := cmp.Diff(a.Explain(set), b.Explain(set)); diff != "" {
			t.Fatalf("two explanations differ:\n%s", diff)
		}
	})
}

var cmpEmpty = cmp.Transformer("nilToEmpty", func(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
})

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func keysOf(m map[string]map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// genRequirement draws a requirement as a literal, unchecked: any key of
// the pool, any operator (the nine, a LabelSelector's spellings, "" and
// nonsense) and none to three values, nil and empty both.
func genRequirement(t *rapid.T, label string) selector.Requirement {
	var vals []string
	switch rapid.IntRange(0, 3).Draw(t, label+"-valsShape") {
	case 0: // nil
	case 1:
		vals = []string{}
	default:
		vals = rapid.SliceOfN(rapid.SampledFrom(valuePool), 1, 3).Draw(t, label+"-vals")
	}
	return selector.Requirement{
		Key:      rapid.SampledFrom(keyPool).Draw(t, label+"-key"),
		Operator: selection.Operator(rapid.SampledFrom(operatorPool).Draw(t, label+"-op")),
		Values:   vals,
	}
}

var operatorPool = []string{"=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt", "", "In", "Exists", ">", "~"}

// NewRequirement, Requirement.Matches, FromRequirements and Add never
// change what they are given, give the same answer twice, and agree with
// each other: a selector matches exactly when all its requirements do, an
// Index selects what a scan does (rules 11–13).
func TestPropertyRequirementsConsistent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		reqs := make([]selector.Requirement, rapid.IntRange(0, 4).Draw(t, "n"))
		for i := range reqs {
			reqs[i] = genRequirement(t, fmt.Sprintf("r%d", i))
		}
		before := make([]selector.Requirement, len(reqs))
		for i, r := range reqs {
			before[i] = selector.Requirement{Key: r.Key, Operator: r.Operator, Values: slices.Clone(r.Values)}
		}
		for _, r := range reqs {
			a, errA := selector.NewRequirement(r.Key, r.Operator, r.Values)
			b, errB := selector.NewRequirement(r.Key, r.Operator, r.Values)
			if errText(errA) != errText(errB) || !cmp.Equal(a, b) {
				t.Fatalf("two NewRequirement(%#v) differ", r)
			}
			if errA == nil && !cmp.Equal(a, r, cmpEmpty) {
				t.Fatalf("NewRequirement(%#v) = %#v", r, a)
			}
		}
		base, err := selector.Parse(genSelectorString(t))
		if err != nil {
			base = selector.Everything()
		}
		baseStr, baseReqs := base.String(), base.Requirements()
		added := base.Add(reqs...)
		if base.String() != baseStr || !cmp.Equal(baseReqs, base.Requirements()) {
			t.Fatal("Add changed its receiver")
		}
		if !cmp.Equal(before, reqs) {
			t.Fatal("the requirements were changed")
		}
		if again := base.Add(reqs...); again.String() != added.String() {
			t.Fatalf("two Adds differ: %q / %q", added, again)
		}
		var items []selector.Item
		for i := range 3 {
			set := genLabelSet(t, fmt.Sprintf("set%d", i))
			items = append(items, selector.Item{Key: fmt.Sprint(i), Labels: set})
			want := base.Matches(set)
			for _, r := range reqs {
				want = want && r.Matches(set)
			}
			if got := added.Matches(set); got != want {
				t.Fatalf("%q.Add(%v).Matches(%v) = %v, its requirements say %v", base, reqs, set, got, want)
			}
			if got := added.Explain(set).Matched; got != want {
				t.Fatalf("Explain(%v).Matched = %v, want %v", set, got, want)
			}
		}
		var scan []string
		for _, it := range items {
			if added.Matches(it.Labels) {
				scan = append(scan, it.Key)
			}
		}
		if got := selector.NewIndex(items...).Select(added); !cmp.Equal(scan, got, cmpEmpty) {
			t.Fatalf("Index.Select(%q) = %v, a scan %v", added, got, scan)
		}
	})
}

// The conversions of rules 14–16 give the same answer twice and never
// change their input.
func TestPropertyConversionsDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSelectorString(t)
		a, errA := selector.ParseToLabelSelector(s)
		b, errB := selector.ParseToLabelSelector(s)
		if errText(errA) != errText(errB) || !cmp.Equal(a, b) {
			t.Fatalf("two ParseToLabelSelector(%q) differ", s)
		}
		ls := genLabelSelector(t)
		before := ls.DeepCopy()
		m1, err1 := selector.LabelSelectorAsMap(ls)
		m2, err2 := selector.LabelSelectorAsMap(ls)
		f1, f2 := selector.FormatLabelSelector(ls), selector.FormatLabelSelector(ls)
		if errText(err1) != errText(err2) || !cmp.Equal(m1, m2) || f1 != f2 {
			t.Fatalf("two conversions of %v differ", ls)
		}
		if diff := cmp.Diff(before, ls); diff != "" {
			t.Fatalf("the LabelSelector was changed:\n%s", diff)
		}
	})
}
