// Package selector compiles Kubernetes label selectors once and answers
// which label sets they select, fast, with upstream's semantics, and
// explains the answer for teaching.
//
// A Selector comes from an API LabelSelector (ReplicaSet, Deployment),
// from a ReplicationController's selector map, or from the -l syntax of
// kubectl and the API's labelSelector parameter. Parsing and validation
// are apimachinery's, so errors carry upstream's texts; what this package
// adds is a matcher built for speed, Explain, template and overlap checks,
// and an Index that selects among many objects without scanning them.
//
// Usage, for the tutorial's ReplicaSet selector:
//
//	sel, err := selector.FromLabelSelector(&metav1.LabelSelector{
//		MatchExpressions: []metav1.LabelSelectorRequirement{{
//			Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
//		}},
//	})
//	sel.String()                                  // app in (blue,yellow)
//	sel.Matches(map[string]string{"app": "blue"}) // true
//	fmt.Print(sel.Explain(map[string]string{"app": "red"}))
//	// not selected by app in (blue,yellow)
//	//   FAIL app in (blue,yellow): label app is "red", not one of (blue,yellow)
//
// Rules (ids of the project's rules reference, docs/rules/labels.md):
//
//  1. A nil LabelSelector selects nothing; an empty one, an empty or nil
//     map and the empty -l string select everything (L10.6).
//  2. "=", "==" and "in" need the key present with one of the values;
//     "!=" and "notin" match when the key is absent (L6).
//  3. "exists" needs the key present, even with the value ""; "!" needs it
//     absent (L6).
//  4. "gt" and "lt" (written ">" and "<" in -l) compare base-10 int64
//     values; a missing or non-integer label never matches (L6).
//  5. "x in ()" has the single value "": it selects only x="" (L4.2).
//  6. The -l parser de-duplicates and sorts values; a LabelSelector keeps
//     its order and duplicates, but String always prints values sorted
//     (L7.1).
//  7. String joins requirements sorted by key with "," and no spaces; "=="
//     stays "==" (L7.2). Everything and Nothing both render as "".
//  8. Contradictory selectors such as "x,!x" are valid and select nothing
//     (L6), but are not Nothing.
//  9. A LabelSelector's first invalid requirement is the error, unwrapped
//     (L10.1); operators are case-sensitive.
//  10. A controller's selector must select its template's labels, unless
//     it is empty (L10.6).
//
// Requirements, and the conversions users reach for, follow apimachinery
// (paths are within k8s.io/apimachinery):
//
//  11. NewRequirement refuses what pkg/labels/selector.go's NewRequirement
//     refuses, with its texts, and reports every problem at once, in this
//     order: an invalid key; then "in"/"notin" with no value, "=", "==" or
//     "!=" without exactly one, "exists"/"!" with any, "gt"/"lt" without
//     exactly one or with a value that is not a base-10 int64, or an
//     operator outside the nine (listed in the error); then each value
//     that is not a valid label value. Several problems make one
//     bracketed, comma-separated error.
//  12. Add and FromRequirements build a selector from requirements as
//     pkg/labels/selector.go's internalSelector.Add does: nothing is
//     checked, the requirements are sorted by key as upstream sorts them
//     (those on one key stay in the order given up to twelve
//     requirements), the receiver is never changed, and Nothing stays
//     Nothing whatever is added.
//  13. A requirement whose operator is not one of the nine, the zero
//     Requirement among them, matches no label set, and neither does a
//     "gt"/"lt" requirement without exactly one integer value, as in
//     pkg/labels/selector.go's Requirement.Matches; "in" with no values
//     matches nothing and "notin" with none matches everything.
//  14. LabelSelectorAsMap follows pkg/apis/meta/v1/helpers.go's
//     LabelSelectorAsMap: nil is a nil map; matchLabels are copied and an
//     "In" with one value becomes key=value; every other expression is an
//     error, returned with the map built so far. Nothing is validated.
//  15. ParseToLabelSelector follows helpers.go's ParseToLabelSelector: the
//     -l parser's "=" and "==" become matchLabels, in/notin/exists/! the
//     four expression operators with sorted, de-duplicated values; ">"
//     and "<" are refused as not supported in label selectors, "!=" as not
//     a label selector operator, a parse error is wrapped with the string
//     it came from.
//  16. FormatLabelSelector follows helpers.go's FormatLabelSelector: the
//     selector's String, "<none>" for a nil or empty one, "<error>" for an
//     invalid one.
//
// MODEL: where upstream walks matchLabels in Go's random map order, this
// package walks it in ascending key order, so errors and String are
// always the same.
package selector
