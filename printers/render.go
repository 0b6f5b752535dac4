package printers

import (
	"strings"
	"unicode/utf8"

	"github.com/kubesem/kubesem/internal/table"
	"github.com/kubesem/kubesem/labels"
)

// row is one object's cells before kubectl decorates them, with what the
// decoration needs from the object's metadata.
type row struct {
	namespace string
	labels    map[string]string
	cells     []string
}

// render turns one kind's header and rows into kubectl's text: it adds
// the NAMESPACE, -L and LABELS columns as kubectl's table printer does,
// cleans each cell, widens the header to the widest cell and aligns the
// columns. namespaced says whether -A adds a NAMESPACE column for this
// kind (cluster-scoped kinds never get one).
func render(header []string, rows []row, namespaced bool, o Options) string {
	if len(rows) == 0 {
		return "" // rule 2: kubectl prints no header for an empty list
	}
	withNS := o.AllNamespaces && namespaced

	head := make([]string, 0, len(header)+len(o.LabelColumns)+2)
	if withNS {
		head = append(head, "NAMESPACE")
	}
	head = append(head, header...)
	head = append(head, labels.ColumnHeaders(o.LabelColumns)...)
	if o.ShowLabels {
		head = append(head, labels.ShowLabelsHeader)
	}

	// Every cell reaches kubectl inside a JSON Table, so it is first what
	// a JSON round trip makes of it (rule 13).
	raw := make([][]string, len(rows))
	for i, r := range rows {
		cells := make([]string, 0, len(head))
		if withNS {
			cells = append(cells, r.namespace)
		}
		cells = append(cells, r.cells...)
		cells = append(cells, labels.ColumnValues(r.labels, o.LabelColumns)...)
		if o.ShowLabels {
			cells = append(cells, labels.Format(r.labels))
		}
		for j := range cells {
			cells[j] = jsonRoundTrip(cells[j])
		}
		raw[i] = cells
	}

	// kubectl measures the widest cell of each column in bytes, before
	// escaping, and pads the header (or, without headers, the first row)
	// to it; every column but the last (rule 12).
	widths := make([]int, len(head))
	for _, cells := range raw {
		for j, c := range cells {
			widths[j] = max(widths[j], len(c))
		}
	}
	last := len(head) - 1

	out := make([][]string, len(raw))
	for i, cells := range raw {
		shown := make([]string, len(cells))
		for j, c := range cells {
			shown[j] = escapeCell(c)
			if o.NoHeaders && i == 0 && j != last {
				shown[j] += strings.Repeat(" ", max(0, widths[j]-len(c)))
			}
		}
		out[i] = shown
	}

	var b strings.Builder
	if o.NoHeaders {
		_ = table.Write(&b, out[0], out[1:]) // a strings.Builder never fails
		return b.String()
	}
	for j := range head {
		if j != last {
			head[j] += strings.Repeat(" ", max(0, widths[j]-len(head[j])))
		}
	}
	_ = table.Write(&b, head, out)
	return b.String()
}

// escapeCell is what kubectl writes for a cell (rule 13): a cell is cut
// at its first line break (\n, \r or \f) and "..." is appended, and ESC is
// shown as "^[" so that a cell cannot drive the terminal.
func escapeCell(s string) string {
	if !strings.ContainsAny(s, "\f\n\r\x1b") {
		return s
	}
	if i := strings.IndexAny(s, "\f\n\r"); i >= 0 {
		return strings.ReplaceAll(s[:i], "\x1b", "^[") + "..."
	}
	return strings.ReplaceAll(s, "\x1b", "^[")
}

// jsonRoundTrip replaces every byte that is not part of valid UTF-8 by
// U+FFFD, one replacement per byte, as encoding/json does when the
// apiserver writes the Table kubectl reads.
func jsonRoundTrip(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
