package labels

import (
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// String renders a label set as apimachinery's labels.Set.String does
// (rule 9): one "key=value" per pair, the pairs sorted as whole strings
// and joined by ","; no labels give "". Sorting the pairs, not the keys,
// puts "a.b=1" before "a=1" ('.' sorts before '='), where a selector's
// String, sorted by key, has "a=1,a.b=1". Format is String with "<none>"
// for no labels.
func String(set map[string]string) string {
	return k8slabels.Set(set).String()
}

// ConvertSelectorToLabelsMap reads a label set written as an equality
// selector, "key=value,key=value", as apimachinery's
// labels.ConvertSelectorToLabelsMap does (rule 10) for kubectl's --labels
// flags. "" gives an empty map. Every comma-separated item must hold
// exactly one "=", or the error is "invalid selector: [<the item split at
// each =>]"; key and value are trimmed of spaces and validated, the key
// first, with the texts of the -l parser, under the path opts give
// (field.WithPath). A later pair replaces an earlier one with the same
// key. Nothing but "=" is understood: "a==b" is refused as
// "invalid selector: [a  b]", and "a!=b" as an invalid key "a!".
//
// As upstream's does, on error it also returns the pairs read before the
// bad item; callers that only want a valid answer should ignore them.
func ConvertSelectorToLabelsMap(s string, opts ...field.PathOption) (map[string]string, error) {
	set, err := k8slabels.ConvertSelectorToLabelsMap(s, opts...)
	return map[string]string(set), err
}
