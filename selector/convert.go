package selector

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// LabelSelectorAsMap gives an API LabelSelector in the old map form of a
// ReplicationController's selector, as metav1.LabelSelectorAsMap does
// (rule 14): nil gives a nil map and no error; otherwise matchLabels are
// copied and each "In" expression with exactly one value adds its key and
// value, replacing an earlier value of that key. Any other expression is
// an error with upstream's text: "In" with no or several values, "NotIn",
// "Exists", "DoesNotExist", and an unknown operator. Keys and values are
// not validated.
//
// As upstream's does, on error it also returns the map built before the
// offending expression (every matchLabels pair and the expressions before
// it); callers that only want a valid answer should ignore it.
func LabelSelectorAsMap(ls *metav1.LabelSelector) (map[string]string, error) {
	return metav1.LabelSelectorAsMap(ls)
}

// ParseToLabelSelector turns a selector in the -l syntax into an API
// LabelSelector, as metav1.ParseToLabelSelector does (rule 15): "=" and
// "==" requirements become matchLabels (when a key has several, the last
// in the parser's key order wins), "in", "notin", "exists" and "!" become
// matchExpressions In, NotIn, Exists and DoesNotExist with sorted,
// de-duplicated values, in the parser's order. ">" and "<" have no
// LabelSelector form and are refused (`"gt" isn't supported in label
// selectors`), "!=" too (`"!=" is not a valid label selector operator`);
// a string the parser refuses gives `couldn't parse the selector string
// "<s>": <the parser's error>`. On success matchLabels and
// matchExpressions are never nil, even for "".
func ParseToLabelSelector(s string) (*metav1.LabelSelector, error) {
	return metav1.ParseToLabelSelector(s)
}

// FormatLabelSelector renders an API LabelSelector as kubectl's SELECTOR
// column and describers do, as metav1.FormatLabelSelector (rule 16): the
// String of FromLabelSelector, "<none>" when that is empty (a nil
// selector and an empty one), and "<error>" when the selector is invalid.
//
// MODEL: as for FromLabelSelector, matchLabels are walked in ascending key
// order, so a matchLabels pair and an expression on the same key always
// render in the same order; upstream's order for them may vary from call
// to call once there are more than twelve requirements.
func FormatLabelSelector(ls *metav1.LabelSelector) string {
	s, err := FromLabelSelector(ls)
	if err != nil {
		return "<error>"
	}
	if str := s.String(); str != "" {
		return str
	}
	return "<none>"
}
