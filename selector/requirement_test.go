package selector_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/selector"
)

// Upstream's texts for a bad key name part and a bad value.
const (
	badNamePart = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	badValue    = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	supported   = `supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`
)

// Rule 11: NewRequirement refuses what apimachinery's NewRequirement
// refuses, with its texts, every problem at once.
func TestNewRequirementRule11(t *testing.T) {
	cases := []struct {
		rule string
		key  string
		op   selection.Operator
		vals []string
		want string // "" for a valid requirement
	}{
		{"11 in with values", "app", selection.In, []string{"yellow", "blue"}, ""},
		{"11 in with the empty value", "app", selection.In, []string{""}, ""},
		{"11 in without values (nil)", "x1", selection.In, nil, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"},
		{"11 notin without values (empty)", "x1", selection.NotIn, []string{}, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"},
		{"11 = with one value", "app", selection.Equals, []string{"nginx"}, ""},
		{"11 == with two values", "app", selection.DoubleEquals, []string{"a", "b"}, `values: Invalid value: ["a","b"]: exact-match compatibility requires one single value`},
		{"11 != without a value", "app", selection.NotEquals, nil, "values: Invalid value: null: exact-match compatibility requires one single value"},
		{"11 exists without values", "app", selection.Exists, nil, ""},
		{"11 ! with a value", "app", selection.DoesNotExist, []string{"x"}, `values: Invalid value: ["x"]: values set must be empty for exists and does not exist`},
		{"11 gt with an integer", "n", selection.GreaterThan, []string{"3"}, ""},
		{"11 gt with a negative bound, not a label value", "n", selection.GreaterThan, []string{"-3"}, `values[0][n]: Invalid value: "-3": ` + badValue},
		{"11 lt with a non-integer", "n", selection.LessThan, []string{"1.5"}, `values[0]: Invalid value: "1.5": for 'Gt', 'Lt' operators, the value must be an integer`},
		{"11 gt with no value", "n", selection.GreaterThan, nil, "values: Invalid value: null: for 'Gt', 'Lt' operators, exactly one value is required"},
		{"11 gt with two non-integers", "n", selection.GreaterThan, []string{"x", "2"},
			`[values: Invalid value: ["x","2"]: for 'Gt', 'Lt' operators, exactly one value is required, values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer]`},
		{"11 gt beyond int64", "n", selection.GreaterThan, []string{"9223372036854775808"}, `values[0]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer`},
		{"11 unknown operator", "app", "In", []string{"x"}, `operator: Unsupported value: "In": ` + supported},
		{"11 zero requirement", "", "", nil,
			`[key: Invalid value: "": name part must be non-empty; ` + badNamePart + `, operator: Unsupported value: "": ` + supported + `]`},
		{"11 key, then values, in order", "-a", selection.In, []string{"ok", "-b"},
			`[key: Invalid value: "-a": ` + badNamePart + `, values[1][-a]: Invalid value: "-b": ` + badValue + `]`},
		{"11 value too long", "app", selection.Equals, []string{strings.Repeat("v", 64)},
			`values[0][app]: Invalid value: "` + strings.Repeat("v", 64) + `": must be no more than 63 bytes`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			r, err := selector.NewRequirement(c.key, c.op, c.vals)
			if errText(err) != c.want {
				t.Fatalf("NewRequirement(%q, %q, %q) error\n got %s\nwant %s", c.key, c.op, c.vals, errText(err), c.want)
			}
			if err != nil {
				if diff := cmp.Diff(selector.Requirement{}, r); diff != "" {
					t.Errorf("an invalid requirement must come back as the zero one:\n%s", diff)
				}
				return
			}
			if want := (selector.Requirement{Key: c.key, Operator: c.op, Values: c.vals}); !cmp.Equal(want, r) {
				t.Errorf("got %#v, want %#v", r, want)
			}
		})
	}
	t.Run("11 errors under the path given", func(t *testing.T) {
		_, err := selector.NewRequirement("app", selection.In, nil, field.WithPath(field.NewPath("spec", "selector")))
		if want := "spec.selector.values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"; errText(err) != want {
			t.Errorf("got %v, want %s", err, want)
		}
	})
	t.Run("11 values are copied", func(t *testing.T) {
		vals := []string{"b", "a"}
		r, err := selector.NewRequirement("app", selection.In, vals)
		if err != nil {
			t.Fatal(err)
		}
		vals[0] = "z"
		if r.String() != "app in (a,b)" || r.Values[0] != "b" {
			t.Errorf("the caller's slice changed the requirement: %s %v", r, r.Values)
		}
	})
}

// Rule 12: Add and FromRequirements append and sort without checking, and
// never change the receiver.
func TestAddRule12(t *testing.T) {
	mustReq := func(key string, op selection.Operator, vals ...string) selector.Requirement {
		t.Helper()
		r, err := selector.NewRequirement(key, op, vals)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	t.Run("12 sorted by key, receiver unchanged", func(t *testing.T) {
		base, _ := selector.Parse("tier=web")
		got := base.Add(mustReq("app", selection.In, "yellow", "blue"), mustReq("zone", selection.Exists))
		if got.String() != "app in (blue,yellow),tier=web,zone" {
			t.Errorf("Add: %q", got)
		}
		if base.String() != "tier=web" || len(base.Requirements()) != 1 {
			t.Errorf("Add changed its receiver: %q", base)
		}
		if !got.Matches(map[string]string{"app": "blue", "tier": "web", "zone": ""}) || got.Matches(map[string]string{"app": "blue", "tier": "web"}) {
			t.Error("the added requirements are not all required")
		}
	})
	t.Run("12 equal keys keep the order given", func(t *testing.T) {
		got := selector.FromRequirements(mustReq("a", selection.NotEquals, "2"), mustReq("b", selection.Exists), mustReq("a", selection.Exists))
		if got.String() != "a!=2,a,b" {
			t.Errorf("got %q", got)
		}
		again := selector.FromSet(map[string]string{"a": "1"}).Add(mustReq("a", selection.DoesNotExist))
		if again.String() != "a=1,!a" {
			t.Errorf("got %q", again)
		}
	})
	t.Run("12 nothing is checked", func(t *testing.T) {
		got := selector.FromRequirements(selector.Requirement{Key: "x1", Operator: selection.In})
		if got.String() != "x1 in ()" || got.Matches(map[string]string{"x1": ""}) {
			t.Errorf("an unchecked x1 in () with no values: %q", got)
		}
	})
	t.Run("12 no requirements give Everything", func(t *testing.T) {
		if s := selector.FromRequirements(); !s.Empty() || !s.Matches(nil) {
			t.Errorf("FromRequirements() = %v", s)
		}
		base, _ := selector.Parse("a=1")
		if s := base.Add(); s.String() != "a=1" {
			t.Errorf("Add() = %q", s)
		}
	})
	t.Run("12 Nothing stays Nothing", func(t *testing.T) {
		var nilSel *selector.Selector
		for _, s := range []*selector.Selector{selector.Nothing(), nilSel} {
			if got := s.Add(mustReq("a", selection.Exists)); !got.SelectsNothing() || got.Matches(map[string]string{"a": "x"}) {
				t.Errorf("Add on %v = %q, want Nothing", s, got)
			}
		}
	})
	t.Run("12 the caller's values are not shared", func(t *testing.T) {
		r := selector.Requirement{Key: "app", Operator: selection.In, Values: []string{"blue"}}
		s := selector.FromRequirements(r)
		r.Values[0] = "red"
		if s.String() != "app in (blue)" || s.Labels().String() != "app in (blue)" || !s.Matches(map[string]string{"app": "blue"}) {
			t.Errorf("the selector follows the caller's slice: %q / %q", s, s.Labels())
		}
	})
	t.Run("12 Labels has the added requirements", func(t *testing.T) {
		s := selector.FromSet(map[string]string{"b": "1"}).Add(mustReq("a", selection.Exists))
		if got := s.Labels().String(); got != "a,b=1" {
			t.Errorf("Labels() = %q", got)
		}
	})
}

// Rule 13: a requirement with an operator outside the nine, the zero one
// among them, or a gt/lt without one integer, matches nothing.
func TestNeverMatchesRule13(t *testing.T) {
	sets := []map[string]string{nil, {"": ""}, {"n": "1"}, {"n": ""}, {"n": "5", "": "x"}}
	cases := []struct {
		rule string
		r    selector.Requirement
		want bool // for every set in sets
	}{
		{"13 the zero requirement", selector.Requirement{}, false},
		{"13 an unknown operator", selector.Requirement{Key: "n", Operator: "In", Values: []string{"1"}}, false},
		{"13 an operator in the wrong case", selector.Requirement{Key: "n", Operator: "Exists"}, false},
		{"13 gt without a value", selector.Requirement{Key: "n", Operator: selection.GreaterThan}, false},
		{"13 lt with two values", selector.Requirement{Key: "n", Operator: selection.LessThan, Values: []string{"9", "10"}}, false},
		{"13 gt with a non-integer", selector.Requirement{Key: "n", Operator: selection.GreaterThan, Values: []string{"x"}}, false},
		{"13 in without values", selector.Requirement{Key: "n", Operator: selection.In}, false},
		{"13 = without values", selector.Requirement{Key: "n", Operator: selection.Equals}, false},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			s := selector.FromRequirements(c.r)
			ix := selector.NewIndex(selector.Item{Key: "a", Labels: map[string]string{"n": "1"}}, selector.Item{Key: "b", Labels: map[string]string{"": ""}})
			for _, set := range sets {
				if got := c.r.Matches(set); got != c.want {
					t.Errorf("Requirement.Matches(%v) = %v", set, got)
				}
				if got := s.Matches(set); got != c.want {
					t.Errorf("Selector.Matches(%v) = %v", set, got)
				}
				ex := s.Explain(set)
				never := c.r.Operator != selection.In && c.r.Operator != selection.Equals
				if ex.Matched != c.want || never != strings.Contains(ex.Verdicts[0].Reason, "never matches") {
					t.Errorf("Explain(%v) = %+v", set, ex)
				}
			}
			if got := ix.Select(s); len(got) != 0 {
				t.Errorf("Index.Select = %v", got)
			}
		})
	}
	t.Run("13 notin without values matches everything", func(t *testing.T) {
		r := selector.Requirement{Key: "n", Operator: selection.NotIn}
		for _, set := range sets {
			if !r.Matches(set) {
				t.Errorf("Matches(%v) = false", set)
			}
		}
	})
	t.Run("13 an apimachinery selector with a zero requirement", func(t *testing.T) {
		s := selector.FromLabels(k8slabels.NewSelector().Add(k8slabels.Requirement{}))
		if s.Matches(map[string]string{"": ""}) || s.Matches(nil) {
			t.Error("a zero requirement matched")
		}
	})
}

// Rule 14: LabelSelectorAsMap.
func TestLabelSelectorAsMapRule14(t *testing.T) {
	expr := func(key string, op metav1.LabelSelectorOperator, vals ...string) metav1.LabelSelectorRequirement {
		return metav1.LabelSelectorRequirement{Key: key, Operator: op, Values: vals}
	}
	cases := []struct {
		rule    string
		ls      *metav1.LabelSelector
		want    map[string]string
		wantErr string
	}{
		{"14 nil is a nil map", nil, nil, ""},
		{"14 empty is an empty map", &metav1.LabelSelector{}, map[string]string{}, ""},
		{"14 matchLabels copied, not validated", &metav1.LabelSelector{MatchLabels: map[string]string{"app": "-x"}}, map[string]string{"app": "-x"}, ""},
		{"14 In with one value overrides", &metav1.LabelSelector{
			MatchLabels:      map[string]string{"app": "a", "tier": "web"},
			MatchExpressions: []metav1.LabelSelectorRequirement{expr("app", metav1.LabelSelectorOpIn, "b")},
		}, map[string]string{"app": "b", "tier": "web"}, ""},
		{"14 In with two values", &metav1.LabelSelector{
			MatchLabels:      map[string]string{"tier": "web"},
			MatchExpressions: []metav1.LabelSelectorRequirement{expr("a", metav1.LabelSelectorOpIn, "1"), expr("b", metav1.LabelSelectorOpIn, "1", "2"), expr("c", metav1.LabelSelectorOpIn, "3")},
		}, map[string]string{"tier": "web", "a": "1"}, `operator "In" without a single value cannot be converted into the old label selector format`},
		{"14 In without values", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{expr("a", metav1.LabelSelectorOpIn)}},
			map[string]string{}, `operator "In" without a single value cannot be converted into the old label selector format`},
		{"14 NotIn", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{expr("a", metav1.LabelSelectorOpNotIn, "1")}},
			map[string]string{}, `operator "NotIn" cannot be converted into the old label selector format`},
		{"14 Exists", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{expr("a", metav1.LabelSelectorOpExists)}},
			map[string]string{}, `operator "Exists" cannot be converted into the old label selector format`},
		{"14 DoesNotExist", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{expr("a", metav1.LabelSelectorOpDoesNotExist)}},
			map[string]string{}, `operator "DoesNotExist" cannot be converted into the old label selector format`},
		{"14 unknown operator", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{expr("a", "in", "1")}},
			map[string]string{}, `"in" is not a valid selector operator`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			before := c.ls.DeepCopy()
			got, err := selector.LabelSelectorAsMap(c.ls)
			if errText(err) != c.wantErr {
				t.Errorf("error %q, want %q", errText(err), c.wantErr)
			}
			if !cmp.Equal(c.want, got) || (c.want == nil) != (got == nil) {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
			if !cmp.Equal(before, c.ls) {
				t.Error("the LabelSelector was changed")
			}
		})
	}
}

// Rule 15: ParseToLabelSelector.
func TestParseToLabelSelectorRule15(t *testing.T) {
	none := []metav1.LabelSelectorRequirement{}
	cases := []struct {
		rule, in string
		want     *metav1.LabelSelector
		wantErr  string
	}{
		{"15 empty string", "", &metav1.LabelSelector{MatchLabels: map[string]string{}, MatchExpressions: none}, ""},
		{"15 = and == are matchLabels", "app=nginx, tier==web, rel=", &metav1.LabelSelector{MatchLabels: map[string]string{"app": "nginx", "tier": "web", "rel": ""}, MatchExpressions: none}, ""},
		{"15 the last = on a key wins", "a=x,a=y", &metav1.LabelSelector{MatchLabels: map[string]string{"a": "y"}, MatchExpressions: none}, ""},
		{"15 set operators are expressions", "tier notin (db),app in (yellow,blue,yellow),canary,!legacy", &metav1.LabelSelector{
			MatchLabels: map[string]string{},
			MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"}},
				{Key: "canary", Operator: metav1.LabelSelectorOpExists, Values: []string{}},
				{Key: "legacy", Operator: metav1.LabelSelectorOpDoesNotExist, Values: []string{}},
				{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"db"}},
			},
		}, ""},
		{"15 x in () has the empty value", "x in ()", &metav1.LabelSelector{MatchLabels: map[string]string{},
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "x", Operator: metav1.LabelSelectorOpIn, Values: []string{""}}}}, ""},
		{"15 > refused", "app=x,n>1", nil, `"gt" isn't supported in label selectors`},
		{"15 < refused", "n<1", nil, `"lt" isn't supported in label selectors`},
		{"15 != refused", "app!=x", nil, `"!=" is not a valid label selector operator`},
		{"15 parse errors wrapped", "app in blue", nil, `couldn't parse the selector string "app in blue": unable to parse requirement: found 'blue' expected: '('`},
		{"15 invalid value wrapped", "a=-x", nil, `couldn't parse the selector string "a=-x": unable to parse requirement: values[0][a]: Invalid value: "-x": ` + badValue},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := selector.ParseToLabelSelector(c.in)
			if errText(err) != c.wantErr {
				t.Errorf("error %q\nwant %q", errText(err), c.wantErr)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Rule 16: FormatLabelSelector.
func TestFormatLabelSelectorRule16(t *testing.T) {
	cases := []struct {
		rule string
		ls   *metav1.LabelSelector
		want string
	}{
		{"16 nil is <none>", nil, "<none>"},
		{"16 empty is <none>", &metav1.LabelSelector{MatchLabels: map[string]string{}}, "<none>"},
		{"16 the selector's String", &metav1.LabelSelector{
			MatchLabels:      map[string]string{"tier": "web", "app": "nginx"},
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"prod", "dev"}}},
		}, "app=nginx,env notin (dev,prod),tier=web"},
		{"16 an invalid value is <error>", &metav1.LabelSelector{MatchLabels: map[string]string{"app": "-x"}}, "<error>"},
		{"16 an unknown operator is <error>", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Gt", Values: []string{"1"}}}}, "<error>"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := selector.FormatLabelSelector(c.ls); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
