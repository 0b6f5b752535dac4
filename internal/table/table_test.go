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
