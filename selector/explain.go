package selector

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/selection"
)

// Explanation says why a selector does or does not select a label set, one
// Verdict per requirement, for people learning how selectors work.
type Explanation struct {
	// Selector is the selector's String(); "" for Everything and Nothing.
	Selector string
	// Matched is the overall result, equal to Matches.
	Matched bool
	// Reason is set when there are no requirements to explain: the
	// Everything and Nothing selectors.
	Reason string
	// Verdicts holds one entry per requirement, in the selector's order.
	Verdicts []Verdict
}

// Verdict is the result of one requirement against one label set.
type Verdict struct {
	// Requirement is the requirement in upstream's syntax, e.g.
	// "app in (blue,yellow)".
	Requirement string
	// Key is the label key the requirement looks at.
	Key string
	// Present tells whether the label set has Key; Value is its value.
	Present bool
	Value   string
	// Matched is whether this requirement holds.
	Matched bool
	// Reason says why, in words.
	Reason string
}

// Explain evaluates every requirement against a label set and says in words
// why each holds or fails. Unlike Matches it does not stop at the first
// failing requirement, so a reader sees all of them.
func (s *Selector) Explain(set map[string]string) Explanation {
	switch {
	case s.SelectsNothing():
		return Explanation{Reason: "a nil selector selects nothing"}
	case s.Empty():
		return Explanation{Matched: true, Reason: "an empty selector selects everything"}
	}
	e := Explanation{Selector: s.str, Matched: true, Verdicts: make([]Verdict, 0, len(s.reqs))}
	for i := range s.reqs {
		r := &s.reqs[i]
		v, ok := set[r.key]
		ver := Verdict{
			Requirement: r.text,
			Key:         r.key,
			Present:     ok,
			Value:       v,
			Matched:     r.matches(set),
		}
		ver.Reason = r.reason(v, ok, ver.Matched)
		e.Matched = e.Matched && ver.Matched
		e.Verdicts = append(e.Verdicts, ver)
	}
	return e
}

// reason puts one verdict into words.
func (r *req) reason(v string, present, matched bool) string {
	has := fmt.Sprintf("label %s is %q", r.key, v)
	missing := fmt.Sprintf("there is no label %s", r.key)
	set := "(" + joinValues(r.values) + ")"
	o := r.op
	// A one-value "in"/"notin" is compiled as "="/"!=" but explained in
	// the words of the operator the user wrote.
	switch r.source.Operator {
	case selection.In:
		o = opIn
	case selection.NotIn:
		o = opNotIn
	}
	switch o {
	case opEquals:
		switch {
		case !present:
			return fmt.Sprintf("%s, and it must be %q", missing, r.value)
		case matched:
			return has + ", as required"
		default:
			return fmt.Sprintf("%s, but it must be %q", has, r.value)
		}
	case opIn:
		switch {
		case !present:
			return fmt.Sprintf("%s, and it must be one of %s", missing, set)
		case matched:
			return fmt.Sprintf("%s, one of %s", has, set)
		default:
			return fmt.Sprintf("%s, not one of %s", has, set)
		}
	case opNotEquals:
		switch {
		case !present:
			return fmt.Sprintf("%s, and a missing label is never %q", missing, r.value)
		case matched:
			return fmt.Sprintf("%s, not %q", has, r.value)
		default:
			return fmt.Sprintf("%s, which it must not be", has)
		}
	case opNotIn:
		switch {
		case !present:
			return fmt.Sprintf("%s, and a missing label is never in %s", missing, set)
		case matched:
			return fmt.Sprintf("%s, not in %s", has, set)
		default:
			return fmt.Sprintf("%s, which is in %s", has, set)
		}
	case opExists:
		if present {
			return has + "; the label exists, as required"
		}
		return missing + ", and it must exist"
	case opDoesNotExist:
		if present {
			return has + ", but the label must not exist"
		}
		return missing + ", as required"
	case opGreaterThan, opLessThan:
		cmp := "greater than"
		if r.op == opLessThan {
			cmp = "less than"
		}
		switch {
		case !present:
			return fmt.Sprintf("%s, and it must be an integer %s %d", missing, cmp, r.n)
		case matched:
			return fmt.Sprintf("%s, %s %d", has, cmp, r.n)
		case !isInt(v):
			return fmt.Sprintf("%s, which is not an integer", has)
		default:
			return fmt.Sprintf("%s, not %s %d", has, cmp, r.n)
		}
	case opNever:
		switch op := r.source.Operator; op {
		case selection.GreaterThan, selection.LessThan:
			return fmt.Sprintf("operator %q needs exactly one integer value, so the requirement never matches", op)
		default:
			return fmt.Sprintf("%q is not a selector operator, so the requirement never matches", op)
		}
	}
	return ""
}

func isInt(v string) bool {
	_, err := parseInt(v)
	return err == nil
}

// String renders the explanation as an indented list, one line per
// requirement, each marked "ok" or "FAIL".
func (e Explanation) String() string {
	var b strings.Builder
	verdict := "not selected"
	if e.Matched {
		verdict = "selected"
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, "%s: %s\n", verdict, e.Reason)
		return b.String()
	}
	fmt.Fprintf(&b, "%s by %s\n", verdict, e.Selector)
	for _, v := range e.Verdicts {
		mark := "ok  "
		if !v.Matched {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", mark, v.Requirement, v.Reason)
	}
	return b.String()
}
