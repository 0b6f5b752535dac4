package printers

import (
	"fmt"
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

// tbl is one kind's table before kubectl decorates it: the kind's
// columns, its rows, and whether -A adds a NAMESPACE column for the kind
// (cluster-scoped kinds never get one).
type tbl struct {
	header     []string
	rows       []row
	namespaced bool
	// event, when set, is the watch event type of an EVENT first column
	// (kubectl get -w --output-watch-events).
	event string
}

// render turns the table into kubectl's text (see lines), aligned by one
// tabwriter flush.
func (t tbl) render(o Options) string {
	lines := t.lines(o, true)
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	_ = table.Write(&b, lines[0], lines[1:]) // a strings.Builder never fails
	return b.String()
}

// lines adds the NAMESPACE, -L and LABELS columns as kubectl's table
// printer does, cleans each cell and widens the header to the widest cell
// (or, with o.NoHeaders, the first row); header says whether a header is
// wanted at all (kubectl prints it once per watch). The result is the
// lines for the tabwriter, cells not yet aligned; none for no rows.
func (t tbl) lines(o Options, header bool) [][]string {
	rows := t.rows
	if len(rows) == 0 {
		return nil // rule 2: kubectl prints no header for an empty list
	}
	withNS := o.AllNamespaces && t.namespaced

	head := make([]string, 0, len(t.header)+len(o.LabelColumns)+3)
	if t.event != "" {
		head = append(head, "EVENT")
	}
	if withNS {
		head = append(head, "NAMESPACE")
	}
	head = append(head, t.header...)
	head = append(head, labels.ColumnHeaders(o.LabelColumns)...)
	if o.ShowLabels {
		head = append(head, labels.ShowLabelsHeader)
	}

	// Every cell reaches kubectl inside a JSON Table, so it is first what
	// a JSON round trip makes of it (rule 13).
	raw := make([][]string, len(rows))
	for i, r := range rows {
		cells := make([]string, 0, len(head))
		if t.event != "" {
			cells = append(cells, formatEventType(t.event))
		}
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

	out := make([][]string, 0, len(raw)+1)
	if header && !o.NoHeaders {
		for j := range head {
			if j != last {
				head[j] += strings.Repeat(" ", max(0, widths[j]-len(head[j])))
			}
		}
		out = append(out, head)
	}
	for i, cells := range raw {
		shown := make([]string, len(cells))
		for j, c := range cells {
			shown[j] = escapeCell(c)
			if o.NoHeaders && i == 0 && j != last {
				shown[j] += strings.Repeat(" ", max(0, widths[j]-len(c)))
			}
		}
		out = append(out, shown)
	}
	return out
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

// formatEventType is an EVENT cell: the known watch event types padded to
// the width of MODIFIED.
func formatEventType(typ string) string {
	switch typ {
	case "ADDED", "DELETED", "ERROR":
		return fmt.Sprintf("%-8s", typ)
	}
	return typ
}
