package labels_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
)

// Rule 9: a label set's String, pairs sorted as whole strings.
func TestStringRule9(t *testing.T) {
	cases := []struct {
		rule string
		set  map[string]string
		want string
	}{
		{"9 no labels is empty", nil, ""},
		{"9 sorted pairs", map[string]string{"tier": "web", "app": "nginx"}, "app=nginx,tier=web"},
		{"9 pairs, not keys, are sorted", map[string]string{"a": "1", "a.b": "1", "a-b": "2"}, "a-b=2,a.b=1,a=1"},
		{"9 empty values kept", map[string]string{"b": "", "a": "x"}, "a=x,b="},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := labels.String(c.set); got != c.want {
				t.Errorf("String(%v) = %q, want %q", c.set, got, c.want)
			}
			want := c.want
			if want == "" {
				want = "<none>"
			}
			if got := labels.Format(c.set); got != want {
				t.Errorf("Format(%v) = %q, want %q", c.set, got, want)
			}
		})
	}
}

// Rule 10: ConvertSelectorToLabelsMap.
func TestConvertSelectorToLabelsMapRule10(t *testing.T) {
	cases := []struct {
		rule, in string
		want     map[string]string
		wantErr  string
	}{
		{"10 empty string is the empty set", "", map[string]string{}, ""},
		{"10 pairs, spaces trimmed", " app = nginx ,tier=web,rel=", map[string]string{"app": "nginx", "tier": "web", "rel": ""}, ""},
		{"10 a later pair wins", "a=1,a=2", map[string]string{"a": "2"}, ""},
		{"10 no =", "app=nginx,canary", map[string]string{"app": "nginx"}, "invalid selector: [canary]"},
		{"10 == is two =", "a==b", map[string]string{}, "invalid selector: [a  b]"},
		{"10 trailing comma", "a=b,", map[string]string{"a": "b"}, "invalid selector: []"},
		{"10 != gives an invalid key", "a!=b", map[string]string{},
			`<nil>: Invalid value: "a!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`},
		{"10 invalid value", "a=1,b=-x", map[string]string{"a": "1"},
			`[b]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := labels.ConvertSelectorToLabelsMap(c.in)
			if msg := errMsg(err); msg != c.wantErr {
				t.Errorf("error %q\nwant %q", msg, c.wantErr)
			}
			if !cmp.Equal(c.want, got) {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
	t.Run("10 errors under the path given", func(t *testing.T) {
		_, err := labels.ConvertSelectorToLabelsMap("a=-x", field.WithPath(field.NewPath("labels")))
		if want := `labels[a]: Invalid value: "-x": `; len(errMsg(err)) < len(want) || errMsg(err)[:len(want)] != want {
			t.Errorf("got %v", err)
		}
	})
}

func errMsg(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
