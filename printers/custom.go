package printers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Column is one of a custom resource's additionalPrinterColumns: the
// header, the type (string, integer, number, boolean, date), a simple JSON
// path into the object, and a priority (non-zero columns only with -o
// wide).
type Column struct {
	Name, Type, JSONPath string
	Priority             int32
}

// customTable is the table the apiserver builds for a custom resource
// from its definition's columns (apiextensions-apiserver pkg/registry/
// customresource/tableconvertor): NAME, then each column's value at its
// path — strings as printed, numbers and booleans as JSON values, a date
// as the age of the instant, nothing where the path finds nothing.
func customTable(objs []*unstructured.Unstructured, now time.Time, o Options) tbl {
	header := []string{"NAME"}
	var cols []Column
	for _, c := range o.Columns {
		if c.Priority != 0 && !o.Wide {
			continue
		}
		cols = append(cols, c)
		header = append(header, strings.ToUpper(c.Name))
	}
	var rows []row
	for _, u := range objs {
		cells := []string{u.GetName()}
		for _, c := range cols {
			cells = append(cells, customCell(u, c, now))
		}
		rows = append(rows, row{namespace: u.GetNamespace(), labels: u.GetLabels(), cells: cells})
	}
	namespaced := len(objs) > 0 && objs[0].GetNamespace() != ""
	return tbl{header: header, rows: rows, namespaced: namespaced}
}

func customCell(u *unstructured.Unstructured, c Column, now time.Time) string {
	path := strings.Split(strings.TrimPrefix(c.JSONPath, "."), ".")
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, path...)
	if err != nil || !found || v == nil {
		return ""
	}
	switch c.Type {
	case "string":
		switch s := v.(type) {
		case string:
			return s
		case map[string]any, []any:
			b, _ := json.Marshal(s)
			return string(b)
		}
		return fmt.Sprint(v)
	case "integer":
		switch n := v.(type) {
		case int64:
			return strconv.FormatInt(n, 10)
		case float64:
			return strconv.FormatInt(int64(n), 10)
		}
	case "number":
		switch n := v.(type) {
		case int64:
			return strconv.FormatInt(n, 10)
		case float64:
			return strconv.FormatFloat(n, 'g', -1, 64)
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b)
		}
	case "date":
		if s, ok := v.(string); ok {
			var ts metav1.Time
			if err := ts.UnmarshalQueryParameter(s); err != nil {
				return "<invalid>"
			}
			return age(ts, now)
		}
	}
	return ""
}
