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
// Rules (ids of the project's rules reference, being gathered in docs/rules):
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
// MODEL: where upstream walks matchLabels in Go's random map order, this
// package walks it in ascending key order, so errors and String are
// always the same.
package selector
