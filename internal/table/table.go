// Package table prints rows the way kubectl get does: tab-separated cells
// through a text/tabwriter with kubectl's settings (minimum width 6, tab
// width 4, padding 3, padded with spaces), headers upper-cased by the
// caller.
package table

import (
	"io"
	"strings"
	"text/tabwriter"
)

// Write prints a header row and the rows, aligned as kubectl aligns them.
func Write(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	if _, err := io.WriteString(tw, strings.Join(header, "\t")+"\n"); err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := io.WriteString(tw, strings.Join(r, "\t")+"\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// kubectl uses github.com/liggitt/tabwriter with RememberWidths so that
// `get -w` keeps columns stable across flushes; for one flush the standard
// library's tabwriter prints the same.
