package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/selector"
)

// The differential tests of issue #15 items 1–3: kubesem's requirement
// constructor, Add, Requirement.Matches and the selector and label-set
// conversions against apimachinery v0.37.2's own functions, on random
// inputs that are often invalid. Each property draws a handful of small
// values, so 10,000 cases stay cheap.

// Small pools make shared keys and equal values common; each holds values
// that are invalid in one way or another.
var (
	selAPIKeys = []string{
		"app", "tier", "n", "a", "a.b", "a-b", "in", "example.com/app", "Upper", "x_y",
		"", "-bad", "a/b/c", "/x", "x/", "a b", "a=b", "a,b", "ü", strings.Repeat("k", 64),
	}
	selAPIValues = []string{
		"", "blue", "yellow", "web", "0", "1", "2", "02", "10", "+1", "-1", "1.5",
		"9223372036854775807", "9223372036854775808", "-bad", "a b", "x!", "_y", "a=b", strings.Repeat("v", 64),
	}
	selAPIOperators = []string{
		"=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt",
		"", "In", "NotIn", "Exists", "DoesNotExist", ">", "<", "~",
	}
	selAPIExprOperators = []string{"In", "NotIn", "Exists", "DoesNotExist", "in", "Gt", ""}
	selAPITokens        = []string{
		"=", "==", "!=", "!", ",", "(", ")", ">", "<", " in ", " notin ", " ", "a", "app", "n",
		"1", "blue", "in", "-x", "a/b/c", "$", "ü",
	}
	// selAPIRunes build free-form strings around the pools.
	selAPIRunes = []rune("aZ09-_./ =!,()<>ü")
)

func selAPIErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func selAPIKey(t *rapid.T, label string) string {
	if rapid.IntRange(0, 5).Draw(t, label+"-free") == 0 {
		return rapid.StringOfN(rapid.SampledFrom(selAPIRunes), 0, 6, -1).Draw(t, label)
	}
	return rapid.SampledFrom(selAPIKeys).Draw(t, label)
}

func selAPIValue(t *rapid.T, label string) string {
	if rapid.IntRange(0, 5).Draw(t, label+"-free") == 0 {
		return rapid.StringOfN(rapid.SampledFrom(selAPIRunes), 0, 6, -1).Draw(t, label)
	}
	return rapid.SampledFrom(selAPIValues).Draw(t, label)
}

// selAPIValueList draws nil, an empty list, or one to three values.
func selAPIValueList(t *rapid.T, label string) []string {
	switch rapid.IntRange(0, 4).Draw(t, label+"-shape") {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	vals := make([]string, rapid.IntRange(1, 3).Draw(t, label+"-len"))
	for i := range vals {
		vals[i] = selAPIValue(t, fmt.Sprintf("%s%d", label, i))
	}
	return vals
}

// selAPIRequirement draws a requirement as a literal: any key, any
// operator (valid, a LabelSelector's spelling, "" or nonsense), any values.
func selAPIRequirement(t *rapid.T, label string) selector.Requirement {
	return selector.Requirement{
		Key:      selAPIKey(t, label+"-key"),
		Operator: selection.Operator(rapid.SampledFrom(selAPIOperators).Draw(t, label+"-op")),
		Values:   selAPIValueList(t, label+"-vals"),
	}
}

// selAPIUpstream is the same requirement as apimachinery's type,
// unvalidated (NewRequirement returns it whatever its error).
func selAPIUpstream(r selector.Requirement) k8slabels.Requirement {
	u, _ := k8slabels.NewRequirement(r.Key, r.Operator, slices.Clone(r.Values))
	return *u
}

func selAPILabelSet(t *rapid.T, label string) map[string]string {
	set := map[string]string{}
	for i := range rapid.IntRange(0, 4).Draw(t, label+"-len") {
		set[rapid.SampledFrom(selAPIKeys).Draw(t, fmt.Sprintf("%s-k%d", label, i))] = rapid.SampledFrom(selAPIValues).Draw(t, fmt.Sprintf("%s-v%d", label, i))
	}
	return set
}

// selAPISelectorString draws a -l string: mostly requirements built from
// the pools (often invalid), sometimes a soup of tokens.
func selAPISelectorString(t *rapid.T) string {
	if rapid.IntRange(0, 3).Draw(t, "soup") == 0 {
		return strings.Join(rapid.SliceOfN(rapid.SampledFrom(selAPITokens), 0, 8).Draw(t, "tokens"), "")
	}
	parts := make([]string, rapid.IntRange(0, 5).Draw(t, "reqs"))
	for i := range parts {
		k := selAPIKey(t, fmt.Sprintf("key%d", i))
		sp := rapid.SampledFrom([]string{"", " "}).Draw(t, fmt.Sprintf("space%d", i))
		switch rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("shape%d", i)) {
		case 0:
			parts[i] = k
		case 1:
			parts[i] = "!" + k
		case 2, 3:
			op := rapid.SampledFrom([]string{"=", "==", "!=", ">", "<"}).Draw(t, fmt.Sprintf("binop%d", i))
			parts[i] = k + sp + op + sp + selAPIValue(t, fmt.Sprintf("value%d", i))
		default:
			op := rapid.SampledFrom([]string{"in", "notin"}).Draw(t, fmt.Sprintf("setop%d", i))
			vals := selAPIValueList(t, fmt.Sprintf("values%d", i))
			parts[i] = k + " " + op + sp + "(" + strings.Join(vals, ","+sp) + ")"
		}
	}
	return strings.Join(parts, ",")
}

// selAPILabelSelector draws an API LabelSelector, nil and empty included,
// with at most maxReqs requirements in all.
func selAPILabelSelector(t *rapid.T, maxReqs int) *metav1.LabelSelector {
	switch rapid.IntRange(0, 7).Draw(t, "lsShape") {
	case 0:
		return nil
	case 1:
		return &metav1.LabelSelector{}
	}
	ls := &metav1.LabelSelector{}
	n := rapid.IntRange(0, maxReqs).Draw(t, "lsReqs")
	if rapid.Bool().Draw(t, "hasMatchLabels") {
		ls.MatchLabels = map[string]string{}
		for i := range rapid.IntRange(0, n).Draw(t, "matchLabels") {
			ls.MatchLabels[selAPIKey(t, fmt.Sprintf("mlKey%d", i))] = selAPIValue(t, fmt.Sprintf("mlValue%d", i))
		}
	}
	for i := range n - len(ls.MatchLabels) {
		ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{
			Key:      selAPIKey(t, fmt.Sprintf("exprKey%d", i)),
			Operator: metav1.LabelSelectorOperator(rapid.SampledFrom(selAPIExprOperators).Draw(t, fmt.Sprintf("exprOp%d", i))),
			Values:   selAPIValueList(t, fmt.Sprintf("exprValues%d", i)),
		})
	}
	return ls
}

// Item 1: NewRequirement refuses exactly what apimachinery's NewRequirement
// refuses, with the same text (under a path when one is given), and keeps
// what it accepts as given; item 2: any requirement, valid or not, the
// zero one included, matches as apimachinery's Requirement.Matches does.
func TestSelectorAPINewRequirementMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		raw := selAPIRequirement(t, "req")
		if rapid.IntRange(0, 15).Draw(t, "zero") == 0 {
			raw = selector.Requirement{}
		}
		before := slices.Clone(raw.Values)
		var opts []field.PathOption
		if rapid.Bool().Draw(t, "withPath") {
			opts = append(opts, field.WithPath(field.NewPath("spec", "selector")))
		}
		got, err := selector.NewRequirement(raw.Key, raw.Operator, raw.Values, opts...)
		up, upErr := k8slabels.NewRequirement(raw.Key, raw.Operator, slices.Clone(raw.Values), opts...)
		if selAPIErr(err) != selAPIErr(upErr) {
			t.Fatalf("NewRequirement(%q, %q, %#v):\n kubesem %s\nupstream %s", raw.Key, raw.Operator, raw.Values, selAPIErr(err), selAPIErr(upErr))
		}
		if !slices.Equal(before, raw.Values) || (before == nil) != (raw.Values == nil) {
			t.Fatal("NewRequirement changed its values")
		}
		if err == nil {
			if got.Key != up.Key() || got.Operator != up.Operator() || !slices.Equal(got.Values, up.ValuesUnsorted()) || got.String() != up.String() {
				t.Fatalf("NewRequirement = %#v (%s), upstream %q %q %v (%s)", got, got, up.Key(), up.Operator(), up.ValuesUnsorted(), up)
			}
		}
		theirs := selAPIUpstream(raw)
		if raw.String() != theirs.String() {
			t.Fatalf("String() = %q, upstream %q", raw.String(), theirs.String())
		}
		for i := range 3 {
			set := selAPILabelSet(t, fmt.Sprintf("set%d", i))
			if i == 0 && rapid.Bool().Draw(t, "setHasKey") {
				set[raw.Key] = selAPIValue(t, "keyValue")
			}
			if g, w := raw.Matches(set), theirs.Matches(k8slabels.Set(set)); g != w {
				t.Fatalf("%#v.Matches(%v) = %v, upstream %v", raw, set, g, w)
			}
		}
	})
}

// Item 1: Add and FromRequirements build the selector apimachinery's
// Selector.Add builds from the same requirements, checked or not: the same
// String, Requirements, Empty/Nothing, RequiresExactMatch and verdicts
// (item 2 for the invalid ones); the receiver is left as it was.
func TestSelectorAPIAddMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := selAPISelectorString(t)
		base, err := selector.Parse(s)
		upBase, upErr := k8slabels.Parse(s)
		if selAPIErr(err) != selAPIErr(upErr) {
			t.Fatalf("Parse(%q): %q, upstream %q", s, selAPIErr(err), selAPIErr(upErr))
		}
		switch {
		case err != nil || rapid.IntRange(0, 9).Draw(t, "fromNothing") == 0:
			base, upBase = selector.Everything(), k8slabels.Everything()
			if rapid.Bool().Draw(t, "nothing") {
				base, upBase = selector.Nothing(), k8slabels.Nothing()
			}
		}
		reqs := make([]selector.Requirement, rapid.IntRange(0, 4).Draw(t, "added"))
		upReqs := make([]k8slabels.Requirement, len(reqs))
		for i := range reqs {
			reqs[i] = selAPIRequirement(t, fmt.Sprintf("r%d", i))
			upReqs[i] = selAPIUpstream(reqs[i])
		}
		baseStr, baseReqs := base.String(), base.Requirements()
		ours, theirs := base.Add(reqs...), upBase.Add(upReqs...)
		if base.String() != baseStr || !cmp.Equal(baseReqs, base.Requirements()) {
			t.Fatal("Add changed its receiver")
		}
		if base.Empty() {
			// From no requirements: FromRequirements is NewSelector().Add.
			if f := selector.FromRequirements(reqs...); f.String() != ours.String() {
				t.Fatalf("FromRequirements = %q, Everything().Add = %q", f, ours)
			}
		}
		if ours.String() != theirs.String() || ours.Labels().String() != theirs.String() {
			t.Fatalf("%q.Add(%v) = %q (Labels %q), upstream %q", s, reqs, ours, ours.Labels(), theirs)
		}
		if ours.Empty() != theirs.Empty() || ours.SelectsNothing() != k8slabels.MatchesNothing(theirs) {
			t.Fatalf("Empty/SelectsNothing = %v/%v, upstream %v/%v", ours.Empty(), ours.SelectsNothing(), theirs.Empty(), k8slabels.MatchesNothing(theirs))
		}
		upList, _ := theirs.Requirements()
		var want []selector.Requirement
		for _, u := range upList {
			want = append(want, selector.Requirement{Key: u.Key(), Operator: u.Operator(), Values: u.ValuesUnsorted()})
		}
		if diff := cmp.Diff(want, ours.Requirements(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Requirements() (-upstream +kubesem):\n%s", diff)
		}
		key := rapid.SampledFrom(selAPIKeys).Draw(t, "exactKey")
		v, ok := ours.RequiresExactMatch(key)
		if uv, uok := theirs.RequiresExactMatch(key); v != uv || ok != uok {
			t.Fatalf("RequiresExactMatch(%q) = %q %v, upstream %q %v", key, v, ok, uv, uok)
		}
		for i := range 3 {
			set := selAPILabelSet(t, fmt.Sprintf("set%d", i))
			if g, w := ours.Matches(set), theirs.Matches(k8slabels.Set(set)); g != w {
				t.Fatalf("%q.Matches(%v) = %v, upstream %v", ours, set, g, w)
			}
		}
	})
}

// Item 3: LabelSelectorAsMap gives metav1.LabelSelectorAsMap's map (nil
// included, and the partial map beside an error) and error text.
func TestSelectorAPILabelSelectorAsMapMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls := selAPILabelSelector(t, 4)
		if ls != nil && len(ls.MatchExpressions) > 0 && rapid.Bool().Draw(t, "oneValueIn") {
			// Make the convertible case common.
			ls.MatchExpressions[0].Operator = metav1.LabelSelectorOpIn
			ls.MatchExpressions[0].Values = []string{selAPIValue(t, "inValue")}
		}
		before := ls.DeepCopy()
		got, err := selector.LabelSelectorAsMap(ls)
		want, upErr := metav1.LabelSelectorAsMap(ls)
		if selAPIErr(err) != selAPIErr(upErr) {
			t.Fatalf("LabelSelectorAsMap(%v): %q, upstream %q", ls, selAPIErr(err), selAPIErr(upErr))
		}
		if !cmp.Equal(want, got) || (want == nil) != (got == nil) {
			t.Fatalf("LabelSelectorAsMap(%v) = %#v, upstream %#v", ls, got, want)
		}
		if !cmp.Equal(before, ls) {
			t.Fatal("LabelSelectorAsMap changed its input")
		}
	})
}

// Item 3: ParseToLabelSelector gives metav1.ParseToLabelSelector's
// LabelSelector and error text on random selector strings, bad syntax,
// invalid keys and values, ">" and "<" included.
func TestSelectorAPIParseToLabelSelectorMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := selAPISelectorString(t)
		got, err := selector.ParseToLabelSelector(s)
		want, upErr := metav1.ParseToLabelSelector(s)
		if selAPIErr(err) != selAPIErr(upErr) {
			t.Fatalf("ParseToLabelSelector(%q):\n kubesem %s\nupstream %s", s, selAPIErr(err), selAPIErr(upErr))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ParseToLabelSelector(%q) (-upstream +kubesem):\n%s", s, diff)
		}
	})
}

// Item 3: FormatLabelSelector prints what metav1.FormatLabelSelector
// prints. With more than twelve requirements upstream's order of a
// matchLabels pair and an expression on one key depends on map order, so
// selectors stay within twelve.
func TestSelectorAPIFormatLabelSelectorMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls := selAPILabelSelector(t, 6)
		if ls != nil && len(ls.MatchExpressions) > 0 && rapid.Bool().Draw(t, "validExpr") {
			ls.MatchExpressions[0] = metav1.LabelSelectorRequirement{
				Key:      rapid.SampledFrom(selAPIKeys[:8]).Draw(t, "validKey"),
				Operator: metav1.LabelSelectorOperator(rapid.SampledFrom(selAPIExprOperators[:4]).Draw(t, "validOp")),
			}
			if op := ls.MatchExpressions[0].Operator; op == metav1.LabelSelectorOpIn || op == metav1.LabelSelectorOpNotIn {
				ls.MatchExpressions[0].Values = rapid.SliceOfN(rapid.SampledFrom(selAPIValues[:8]), 1, 3).Draw(t, "validValues")
			}
		}
		before := ls.DeepCopy()
		if got, want := selector.FormatLabelSelector(ls), metav1.FormatLabelSelector(ls); got != want {
			t.Fatalf("FormatLabelSelector(%v) = %q, upstream %q", ls, got, want)
		}
		if !cmp.Equal(before, ls) {
			t.Fatal("FormatLabelSelector changed its input")
		}
	})
}

// Item 3: labels.ConvertSelectorToLabelsMap reads what apimachinery's
// labels.ConvertSelectorToLabelsMap reads, partial maps and error texts
// included, on random "k=v,..." strings with stray "=", "==", "!=",
// spaces, empty items and invalid keys and values.
func TestSelectorAPIConvertSelectorToLabelsMapMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s string
		if rapid.IntRange(0, 3).Draw(t, "soup") == 0 {
			s = strings.Join(rapid.SliceOfN(rapid.SampledFrom(selAPITokens), 0, 8).Draw(t, "tokens"), "")
		} else {
			items := make([]string, rapid.IntRange(0, 4).Draw(t, "items"))
			for i := range items {
				sp := rapid.SampledFrom([]string{"", " ", "\t"}).Draw(t, fmt.Sprintf("space%d", i))
				sep := rapid.SampledFrom([]string{"=", "=", "=", "==", "!=", ""}).Draw(t, fmt.Sprintf("sep%d", i))
				items[i] = sp + selAPIKey(t, fmt.Sprintf("key%d", i)) + sp + sep + sp + selAPIValue(t, fmt.Sprintf("value%d", i)) + sp
			}
			s = strings.Join(items, ",")
		}
		var opts []field.PathOption
		if rapid.Bool().Draw(t, "withPath") {
			opts = append(opts, field.WithPath(field.NewPath("labels")))
		}
		got, err := labels.ConvertSelectorToLabelsMap(s, opts...)
		want, upErr := k8slabels.ConvertSelectorToLabelsMap(s, opts...)
		if selAPIErr(err) != selAPIErr(upErr) {
			t.Fatalf("ConvertSelectorToLabelsMap(%q):\n kubesem %s\nupstream %s", s, selAPIErr(err), selAPIErr(upErr))
		}
		if !cmp.Equal(map[string]string(want), got) {
			t.Fatalf("ConvertSelectorToLabelsMap(%q) = %v, upstream %v", s, got, want)
		}
	})
}

// Item 3: labels.String is labels.Set.String and labels.Format is
// labels.FormatLabels, on sets whose keys often prefix one another.
func TestSelectorAPILabelsStringMatchesUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		set := map[string]string{}
		for i := range rapid.IntRange(0, 5).Draw(t, "len") {
			set[selAPIKey(t, fmt.Sprintf("key%d", i))] = selAPIValue(t, fmt.Sprintf("value%d", i))
		}
		if rapid.IntRange(0, 9).Draw(t, "nil") == 0 {
			set = nil
		}
		if got, want := labels.String(set), k8slabels.Set(set).String(); got != want {
			t.Fatalf("String(%v) = %q, upstream %q", set, got, want)
		}
		if got, want := labels.Format(set), k8slabels.FormatLabels(set); got != want {
			t.Fatalf("Format(%v) = %q, upstream %q", set, got, want)
		}
	})
}
