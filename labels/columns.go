package labels

import (
	"encoding/csv"
	"strings"

	k8slabels "k8s.io/apimachinery/pkg/labels"
)

// ParseColumns reads the values of kubectl get's -L / --label-columns
// flags, given once per flag occurrence: each is a comma-separated list
// (read as one CSV record, as the flag library does), and repeated flags
// add up: "-L app,rel -L tier" gives [app rel tier]. An empty value adds
// nothing.
func ParseColumns(flagValues ...string) ([]string, error) {
	var keys []string
	for _, v := range flagValues {
		if v == "" {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(v)).Read()
		if err != nil {
			return nil, err
		}
		keys = append(keys, rec...)
	}
	return keys, nil
}

// ColumnHeaders gives the headers kubectl prints for -L columns: the part
// of each key after its last "/", upper-cased ("app.kubernetes.io/name"
// heads a NAME column).
func ColumnHeaders(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.ToUpper(k[strings.LastIndex(k, "/")+1:])
	}
	return out
}

// ColumnValues gives an object's cells for -L columns: the label's value,
// or an empty cell when the object does not have it.
func ColumnValues(set map[string]string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = set[k]
	}
	return out
}

// ShowLabelsHeader is the header of the column --show-labels adds; it is
// always the last column.
const ShowLabelsHeader = "LABELS"

// Format renders a label set as --show-labels prints it (rule L1.2), as
// apimachinery's labels.FormatLabels does: String's "key=value" pairs,
// sorted as whole strings and joined by "," (rule 9), or "<none>" when
// there are none.
func Format(set map[string]string) string {
	return k8slabels.FormatLabels(set)
}
