// Package story checks the examples' output against their goldens: each
// example prints a timeline (package timeline) and its test pins it.
package story

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/output.golden from the program's output")

// CheckGolden runs an example twice: the two outputs must be byte-identical
// (same seed, same calls) and equal testdata/output.golden, which -rewrite
// rewrites (then read it line by line before committing).
func CheckGolden(t *testing.T, run func(io.Writer) error) {
	t.Helper()
	var a, b strings.Builder
	if err := run(&a); err != nil {
		t.Fatal(err)
	}
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("two runs with the same seed differ:\n%s", cmp.Diff(a.String(), b.String()))
	}
	const golden = "testdata/output.golden"
	if *rewrite {
		if err := os.WriteFile(golden, []byte(a.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), a.String()); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
	}
}
