package table

import (
	"strings"
	"testing"
)

// Columns are as wide as their widest cell plus 3, and at least 6
// (cli-runtime printers.GetNewTabWriter).
func TestWrite(t *testing.T) {
	var b strings.Builder
	if err := Write(&b, []string{"NAME", "READY", "STATUS"}, [][]string{{"http-go", "1/1", "Running"}, {"liveness-exec", "0/1", "CrashLoopBackOff"}}); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NAME            READY   STATUS\n" +
		"http-go         1/1     Running\n" +
		"liveness-exec   0/1     CrashLoopBackOff\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// A Stream's later flushes keep the widths of the earlier ones and widen
// a column only from the flush that needs it (liggitt/tabwriter's
// RememberWidths, as `kubectl get -w` prints).
func TestStream(t *testing.T) {
	s := NewStream()
	steps := []struct {
		lines [][]string
		want  string
	}{
		{[][]string{{"NAME", "READY", "STATUS"}, {"http-go", "1/1", "Running"}},
			"NAME      READY   STATUS\nhttp-go   1/1     Running\n"},
		{[][]string{{"a", "0/1", "Pending"}},
			"a         0/1     Pending\n"},
		{[][]string{{"liveness-exec", "0/1", "CrashLoopBackOff"}},
			"liveness-exec   0/1     CrashLoopBackOff\n"},
		{[][]string{{"a", "1/1", "Running"}},
			"a               1/1     Running\n"},
	}
	for i, st := range steps {
		if got := s.Flush(st.lines); got != st.want {
			t.Errorf("flush %d: got %q, want %q", i, got, st.want)
		}
	}
}
