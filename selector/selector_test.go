package selector_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/selector"
)

// Matching rules of docs/rules/labels.md §6, including the surprising ones.
func TestMatchesRules(t *testing.T) {
	cases := []struct {
		rule, sel string
		set       map[string]string
		want      bool
	}{
		{"L6 = needs the key", "app=nginx", map[string]string{}, false},
		{"L6 = equal value", "app=nginx", map[string]string{"app": "nginx"}, true},
		{"L6 = case-sensitive", "app=nginx", map[string]string{"app": "Nginx"}, false},
		{"L6 == like =", "app==nginx", map[string]string{"app": "nginx"}, true},
		{"L6 != matches an absent key", "app!=nginx", map[string]string{}, true},
		{"L6 != other value", "app!=nginx", map[string]string{"app": "blue"}, true},
		{"L6 != same value", "app!=nginx", map[string]string{"app": "nginx"}, false},
		{"L6 notin matches an absent key", "app notin (blue,yellow)", map[string]string{"tier": "x"}, true},
		{"L6 notin value inside", "app notin (blue,yellow)", map[string]string{"app": "blue"}, false},
		{"L6 in absent", "app in (blue,yellow)", nil, false},
		{"L6 in member", "app in (blue,yellow)", map[string]string{"app": "yellow"}, true},
		{"L6 in non-member", "app in (blue,yellow)", map[string]string{"app": "red"}, false},
		{"L6 exists with empty value", "app", map[string]string{"app": ""}, true},
		{"L6 exists absent", "app", map[string]string{}, false},
		{"L6 !key absent", "!app", map[string]string{"tier": "x"}, true},
		{"L6 !key present", "!app", map[string]string{"app": ""}, false},
		{"L6 x in () only x empty", "x in ()", map[string]string{"x": ""}, true},
		{"L6 x in () not x=a", "x in ()", map[string]string{"x": "a"}, false},
		{"L6 x in () not absent", "x in ()", map[string]string{}, false},
		{"L6 x notin () absent", "x notin ()", map[string]string{}, true},
		{"L6 x notin () empty value", "x notin ()", map[string]string{"x": ""}, false},
		{"L6 x= only empty", "x=", map[string]string{"x": ""}, true},
		{"L6 x= not absent", "x=", map[string]string{}, false},
		{"L6 x!= absent", "x!=", map[string]string{}, true},
		{"L6 x!= non-empty", "x!=", map[string]string{"x": "a"}, true},
		{"L6 gt", "n>1", map[string]string{"n": "2"}, true},
		{"L6 gt equal", "n>1", map[string]string{"n": "1"}, false},
		{"L6 gt 02 counts as 2", "n>1", map[string]string{"n": "02"}, true},
		{"L6 gt non-integer never", "n>1", map[string]string{"n": "v2"}, false},
		{"L6 gt absent", "n>1", map[string]string{}, false},
		{"L6 lt", "n<10", map[string]string{"n": "9"}, true},
		{"L6 lt negative label value", "n<10", map[string]string{"n": "-5"}, true},
		{"L6 contradictory x,!x", "x,!x", map[string]string{"x": "1"}, false},
		{"L6 contradictory x=a,x=b", "x=a,x=b", map[string]string{"x": "a"}, false},
		{"L6 empty selector selects the empty set", "", map[string]string{}, true},
		{"L6 AND of requirements", "app=nginx,tier!=db", map[string]string{"app": "nginx", "tier": "db"}, false},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			s, err := selector.Parse(c.sel)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.sel, err)
			}
			if got := s.Matches(c.set); got != c.want {
				t.Errorf("Parse(%q).Matches(%v) = %v, want %v", c.sel, c.set, got, c.want)
			}
		})
	}
}

// Canonical String of docs/rules/labels.md §7 and the parser's value handling of §4.2.
func TestStringRules(t *testing.T) {
	cases := []struct{ rule, in, want string }{
		{"L7.2 sorted by key", "x=a,a=x", "a=x,x=a"},
		{"L7.2 whitespace dropped", "  x = a ,  y  ", "x=a,y"},
		{"L7.1 == stays ==", "x==a", "x==a"},
		{"L7.1 in spacing, sorted values", "x in ( b , a )", "x in (a,b)"},
		{"L4.2 duplicates removed", "x in (a,a,b)", "x in (a,b)"},
		{"L4.2 x in () is the empty value", "x in ()", "x in ()"},
		{"L4.2 empty items", "x in (a,)", "x in (,a)"},
		{"L7.1 !key", "!x", "!x"},
		{"L7.1 gt and lt", "x>1,y<2", "x>1,y<2"},
		{"L7.3 equal keys keep input order", "b=1,a=2,a!=3", "a=2,a!=3,b=1"},
		{"L4.2 keywords as keys and values", "in in (in)", "in in (in)"},
		{"L4.2 notin=in", "notin=in", "notin=in"},
		{"L4.2 x= ", "x= ", "x="},
		{"L8 empty string is Everything", "", ""},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			s, err := selector.Parse(c.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.in, err)
			}
			if got := s.String(); got != c.want {
				t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// Parse errors of docs/rules/labels.md §4.3–4.4, texts exactly as upstream prints them.
func TestParseErrors(t *testing.T) {
	cases := []struct{ rule, in, want string }{
		{"L4.4 leading comma", ",x", "found ',', expected: !, identifier, or 'end of string'"},
		{"L4.4 juxtaposition", "x=a b", "found 'b', expected: ',' or 'end of string'"},
		{"L4.4 !x=a", "!x=a", "found '=', expected: ',' or 'end of string'"},
		{"L4.4 trailing comma", "x,", "found '', expected: identifier after ','"},
		{"L4.4 bare !", "!", "unable to parse requirement: found '', expected: identifier"},
		{"L4.4 set operator without (", "x in", "unable to parse requirement: found '' expected: '('"},
		{"L4.4 >= is > then =", "x>=1", "unable to parse requirement: found '=', expected: identifier"},
		{"L4.2 gt needs an integer", "x>1.5", "unable to parse requirement: values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer"},
		{"L4.3 invalid key", "a/b/c=x", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
		{"L4.3 invalid value", "x=-a", "unable to parse requirement: values[0][x]: Invalid value: \"-a\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			_, err := selector.Parse(c.in)
			if err == nil || err.Error() != c.want {
				t.Errorf("Parse(%q) error = %v\nwant %s", c.in, err, c.want)
			}
		})
	}
}

// Constructors of docs/rules/labels.md §8 and §10.
func TestConstructors(t *testing.T) {
	in := func(key string, vals ...string) metav1.LabelSelectorRequirement {
		return metav1.LabelSelectorRequirement{Key: key, Operator: metav1.LabelSelectorOpIn, Values: vals}
	}
	t.Run("L10.1.1 nil selects nothing", func(t *testing.T) {
		s, err := selector.FromLabelSelector(nil)
		if err != nil || s.Matches(map[string]string{}) || !s.SelectsNothing() || s.Empty() || s.String() != "" {
			t.Errorf("nil LabelSelector: %v %v nothing=%v empty=%v %q", s, err, s.SelectsNothing(), s.Empty(), s.String())
		}
	})
	t.Run("L10.1.2 empty selects everything", func(t *testing.T) {
		s, err := selector.FromLabelSelector(&metav1.LabelSelector{MatchLabels: map[string]string{}})
		if err != nil || !s.Matches(nil) || !s.Empty() || s.SelectsNothing() {
			t.Errorf("empty LabelSelector: err=%v matches(nil)=%v", err, s.Matches(nil))
		}
	})
	t.Run("L10.1.5 matchLabels and expressions sorted", func(t *testing.T) {
		s, err := selector.FromLabelSelector(&metav1.LabelSelector{
			MatchLabels:      map[string]string{"foo": "bar"},
			MatchExpressions: []metav1.LabelSelectorRequirement{in("baz", "qux", "norf")},
		})
		if err != nil || s.String() != "baz in (norf,qux),foo=bar" {
			t.Errorf("got %q, %v", s, err)
		}
	})
	t.Run("L10.1.5 equal keys: matchLabels first", func(t *testing.T) {
		s, err := selector.FromLabelSelector(&metav1.LabelSelector{
			MatchLabels: map[string]string{"a": "1"},
			MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "a", Operator: metav1.LabelSelectorOpExists},
				{Key: "a", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"2"}},
			},
		})
		if err != nil || s.String() != "a=1,a,a notin (2)" {
			t.Errorf("got %q, %v", s, err)
		}
	})
	t.Run("L10.1.3 operators are case-sensitive", func(t *testing.T) {
		_, err := selector.FromLabelSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "in", Values: []string{"x"}}}})
		if err == nil || err.Error() != `"in" is not a valid label selector operator` {
			t.Errorf("got %v", err)
		}
	})
	t.Run("L10.1.3 In without values shows null", func(t *testing.T) {
		_, err := selector.FromLabelSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: metav1.LabelSelectorOpIn}}})
		want := "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	})
	t.Run("L5.2 LabelSelector keeps duplicates, String sorts", func(t *testing.T) {
		s, err := selector.FromLabelSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{in("app", "yellow", "blue", "yellow")}})
		if err != nil || s.String() != "app in (blue,yellow,yellow)" {
			t.Errorf("got %q, %v", s, err)
		}
		if got := s.Requirements()[0].Values; strings.Join(got, ",") != "yellow,blue,yellow" {
			t.Errorf("Requirements()[0].Values = %v, want input order", got)
		}
	})
	t.Run("L8 FromSet nil selects everything", func(t *testing.T) {
		if s := selector.FromSet(nil); !s.Empty() || !s.Matches(map[string]string{"a": "b"}) {
			t.Errorf("FromSet(nil) = %v", s)
		}
	})
	t.Run("L8 FromSet is not validated", func(t *testing.T) {
		s := selector.FromSet(map[string]string{"b": "-x", "a": "1"})
		if s.String() != "a=1,b=-x" || !s.Matches(map[string]string{"a": "1", "b": "-x"}) {
			t.Errorf("FromSet = %q", s)
		}
	})
	t.Run("L8 RequiresExactMatch looks at the first requirement on the key", func(t *testing.T) {
		s, _ := selector.Parse("a in (x),a!=y,b in (p,q)")
		if v, ok := s.RequiresExactMatch("a"); !ok || v != "x" {
			t.Errorf("a: %q %v", v, ok)
		}
		if _, ok := s.RequiresExactMatch("b"); ok {
			t.Errorf("b: two values cannot require an exact match")
		}
	})
	t.Run("L8 contradictory is not Nothing", func(t *testing.T) {
		s, _ := selector.Parse("x,!x")
		if s.SelectsNothing() {
			t.Error("x,!x reported as Nothing")
		}
	})
	t.Run("nil *Selector never panics", func(t *testing.T) {
		var s *selector.Selector
		if s.Matches(nil) || s.String() != "" || s.Empty() || !s.SelectsNothing() || s.Requirements() != nil || s.Explain(nil).Matched {
			t.Error("nil selector must select nothing")
		}
		if !selector.FromLabels(nil).SelectsNothing() || s.Labels().Matches(nil) {
			t.Error("nil labels.Selector must select nothing")
		}
	})
}

// L10.6: a controller's selector must select its template's labels.
func TestValidateTemplate(t *testing.T) {
	path := field.NewPath("spec", "template")
	rs, _ := selector.FromLabelSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"}}}})
	if errs := rs.ValidateTemplate(map[string]string{"app": "yellow"}, path); len(errs) != 0 {
		t.Errorf("tutorial ReplicaSet rejected: %v", errs)
	}
	errs := rs.ValidateTemplate(map[string]string{"app": "red"}, path)
	want := "spec.template.metadata.labels: Invalid value: {\"app\":\"red\"}: `selector` does not match template `labels`"
	if errs.ToAggregate() == nil || errs.ToAggregate().Error() != want {
		t.Errorf("got %v\nwant %s", errs, want)
	}
	if errs := selector.Everything().ValidateTemplate(nil, path); len(errs) != 0 {
		t.Errorf("an empty selector is not checked against the template: %v", errs)
	}
	if errs := selector.Nothing().ValidateTemplate(map[string]string{"app": "x"}, path); len(errs) != 1 {
		t.Errorf("Nothing must fail the template check, got %v", errs)
	}
}

// L11.2: validation of an API LabelSelector, errors in a fixed order.
func TestValidate(t *testing.T) {
	ps := &metav1.LabelSelector{
		MatchLabels: map[string]string{"z": "ok", "a": "-bad"},
		MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "x", Operator: metav1.LabelSelectorOpIn},
			{Key: "y", Operator: metav1.LabelSelectorOpExists, Values: []string{"v"}},
			{Key: "w", Operator: "Equals"},
		},
	}
	got := selector.Validate(ps, field.NewPath("spec", "selector"))
	want := []string{
		`spec.selector.matchLabels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		"spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
		"spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		`spec.selector.matchExpressions[2].operator: Invalid value: "Equals": not a valid selector operator`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, got[i].Error(), want[i])
		}
	}
	if errs := selector.Validate(nil, field.NewPath("spec", "selector")); len(errs) != 0 {
		t.Errorf("nil selector: %v", errs)
	}
}

// Explain says why, in words, for each requirement.
func TestExplain(t *testing.T) {
	s, _ := selector.Parse("app in (blue,yellow),tier!=db,!canary")
	got := s.Explain(map[string]string{"app": "red", "tier": "web", "canary": "true"}).String()
	// L7.2: sorted by key, and the key of "!canary" is "canary".
	want := `not selected by app in (blue,yellow),!canary,tier!=db
  FAIL app in (blue,yellow): label app is "red", not one of (blue,yellow)
  FAIL !canary: label canary is "true", but the label must not exist
  ok   tier!=db: label tier is "web", not "db"
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	ex := s.Explain(map[string]string{"app": "blue"})
	if !ex.Matched || len(ex.Verdicts) != 3 || ex.Verdicts[2].Reason != `there is no label tier, and a missing label is never "db"` {
		t.Errorf("got %+v", ex)
	}
	if got := selector.Nothing().Explain(nil).String(); got != "not selected: a nil selector selects nothing\n" {
		t.Errorf("Nothing: %q", got)
	}
	if got := selector.Everything().Explain(nil).String(); got != "selected: an empty selector selects everything\n" {
		t.Errorf("Everything: %q", got)
	}
}

// Index answers in key order, narrowing with the most selective
// requirement that needs its key present.
func TestIndex(t *testing.T) {
	ix := selector.NewIndex(
		selector.Item{Key: "default/nginx-b", Labels: map[string]string{"app": "nginx"}},
		selector.Item{Key: "default/nginx-a", Labels: map[string]string{"app": "nginx"}},
		selector.Item{Key: "default/blue", Labels: map[string]string{"app": "blue"}},
		selector.Item{Key: "default/plain", Labels: nil},
	)
	sel := func(s string) *selector.Selector {
		t.Helper()
		out, err := selector.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	check := func(s *selector.Selector, want ...string) {
		t.Helper()
		if got := ix.Select(s); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("Select(%q) = %v, want %v", s, got, want)
		}
	}
	check(sel("app=nginx"), "default/nginx-a", "default/nginx-b")
	check(sel("app in (nginx,blue)"), "default/blue", "default/nginx-a", "default/nginx-b")
	check(sel("app!=nginx"), "default/blue", "default/plain")
	check(sel("!app"), "default/plain")
	check(selector.Everything(), "default/blue", "default/nginx-a", "default/nginx-b", "default/plain")
	check(selector.Nothing())
	ix.Set("default/nginx-a", map[string]string{"app": "blue"})
	ix.Delete("default/nginx-b")
	ix.Delete("absent")
	check(sel("app=nginx"))
	check(sel("app=blue"), "default/blue", "default/nginx-a")
	if ix.Len() != 3 {
		t.Errorf("Len = %d", ix.Len())
	}
	if l, ok := ix.Labels("default/blue"); !ok || l["app"] != "blue" {
		t.Errorf("Labels = %v %v", l, ok)
	}
}
