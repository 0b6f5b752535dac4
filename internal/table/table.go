// Package table prints rows the way kubectl get does: tab-separated cells
// through github.com/liggitt/tabwriter (the tabwriter kubectl uses) with
// kubectl's settings (minimum width 6, tab width 4, padding 3, padded with
// spaces, RememberWidths), headers upper-cased by the caller.
package table

import (
	"bytes"
	"io"
	"strings"

	"github.com/liggitt/tabwriter"
)

func newWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 6, 4, 3, ' ', tabwriter.RememberWidths)
}

// Write prints a header row (none when header is nil) and the rows,
// aligned as kubectl aligns them.
func Write(w io.Writer, header []string, rows [][]string) error {
	tw := newWriter(w)
	if header != nil {
		if _, err := io.WriteString(tw, strings.Join(header, "\t")+"\n"); err != nil {
			return err
		}
	}
	for _, r := range rows {
		if _, err := io.WriteString(tw, strings.Join(r, "\t")+"\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// Stream is one kubectl writer used for a sequence of flushes, as `kubectl
// get -w` uses it: each Flush aligns its own lines, and a column is never
// narrower than the widest cell any earlier flush had in it
// (RememberWidths), so the rows of later watch events line up with the
// first table until a wider cell widens the column from then on.
type Stream struct {
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

// NewStream returns an empty Stream.
func NewStream() *Stream {
	s := &Stream{}
	s.tw = newWriter(&s.buf)
	return s
}

// Flush writes the lines (each a row of cells), flushes, and returns the
// text printed.
func (s *Stream) Flush(lines [][]string) string {
	for _, l := range lines {
		// bytes.Buffer never fails; the tabwriter only relays its errors
		_, _ = io.WriteString(s.tw, strings.Join(l, "\t")+"\n")
	}
	_ = s.tw.Flush()
	out := s.buf.String()
	s.buf.Reset()
	return out
}
