package labels_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/labels"
)

// Upstream's messages, as apimachinery writes them.
const (
	msgKey3   = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
	msgPrefix = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	msgName   = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	msgValue  = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

func details(errs field.ErrorList) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Detail
	}
	return out
}

func TestValidateKey(t *testing.T) {
	cases := []struct {
		rule, key string
		want      []string
	}{
		{"L2.3 plain name", "app", nil},
		{"L2.3 upper case and _ allowed in the name", "My_App", nil},
		{"L2.2 prefix", "example.com/app", nil},
		{"L2.2 no per-label 63 limit in the prefix", strings.Repeat("a", 64) + ".com/x", nil},
		{"L2.1 three parts: one error only", "a/b/c", []string{msgKey3}},
		{"L2.2 empty prefix", "/x", []string{"prefix part must be non-empty"}},
		{"L2.2 upper-case prefix", "Example.com/x", []string{msgPrefix}},
		{"L2.2 prefix too long and invalid", strings.Repeat("A", 254) + "/x", []string{"prefix part must be no more than 253 bytes", msgPrefix}},
		{"L2.3 empty name gets both errors", "", []string{"name part must be non-empty", msgName}},
		{"L2.3 name checked when prefix failed", "/-x", []string{"prefix part must be non-empty", msgName}},
		{"L2.3 name longer than 63", strings.Repeat("n", 64), []string{"name part must be no more than 63 bytes"}},
		{"L2.4 non-ASCII invalid", "äpp", []string{msgName}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			errs := labels.ValidateKey(c.key, field.NewPath("metadata", "labels"))
			if diff := cmp.Diff(c.want, details(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ValidateKey(%q) (-want +got):\n%s", c.key, diff)
			}
		})
	}
}

func TestValidateValue(t *testing.T) {
	cases := []struct {
		rule, value string
		want        []string
	}{
		{"L3.1 empty is valid", "", nil},
		{"L3.1 nginx", "nginx", nil},
		{"L3.1 64 valid characters: length only", strings.Repeat("v", 64), []string{"must be no more than 63 bytes"}},
		{"L3.1 64 dashes: both", strings.Repeat("-", 64), []string{"must be no more than 63 bytes", msgValue}},
		{"L3.1 must end alphanumeric", "a-", []string{msgValue}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			errs := labels.ValidateValue(c.value, field.NewPath("v"))
			if diff := cmp.Diff(c.want, details(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ValidateValue(%q) (-want +got):\n%s", c.value, diff)
			}
		})
	}
}

// L11.1: per pair, key errors then value errors, at the map's own path;
// kubesem's order is by key.
func TestValidate(t *testing.T) {
	errs := labels.Validate(map[string]string{"z/y/x": "ok", "app": "-bad", "fine": "yes"}, field.NewPath("metadata", "labels"))
	want := []string{
		`metadata.labels: Invalid value: "-bad": ` + msgValue,
		`metadata.labels: Invalid value: "z/y/x": ` + msgKey3,
	}
	got := make([]string, len(errs))
	for i, e := range errs {
		got[i] = e.Error()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValidateAnnotations(t *testing.T) {
	path := field.NewPath("metadata", "annotations")
	if errs := labels.ValidateAnnotations(map[string]string{"Test1234": "x", "kubernetes.io/change-cause": "y"}, path); len(errs) != 0 {
		t.Errorf("upper case is fine in annotation keys once lower-cased: %v", errs)
	}
	errs := labels.ValidateAnnotations(map[string]string{"a/b/c": "x"}, path)
	if len(errs) != 1 || errs[0].Error() != `metadata.annotations: Invalid value: "a/b/c": `+msgKey3 {
		t.Errorf("got %v", errs)
	}
	big := map[string]string{"k": strings.Repeat("x", 256*1024)}
	errs = labels.ValidateAnnotations(big, path)
	if len(errs) != 1 || errs[0].Error() != "metadata.annotations: Too long: may not be more than 262144 bytes" {
		t.Errorf("got %v", errs)
	}
}

func TestSplitArgs(t *testing.T) {
	res, ch, err := labels.SplitArgs([]string{"pod", "http-go", "rel=beta", "app-"}, "label")
	if err != nil || strings.Join(res, " ") != "pod http-go" || strings.Join(ch, " ") != "rel=beta app-" {
		t.Errorf("L12.1 split: %v %v %v", res, ch, err)
	}
	res, ch, err = labels.SplitArgs([]string{"pod", "=x", "-", "a="}, "label")
	if err != nil || strings.Join(res, " ") != "pod =x -" || strings.Join(ch, " ") != "a=" {
		t.Errorf("L12.1 '=x' and '-' are resources: %v %v %v", res, ch, err)
	}
	_, _, err = labels.SplitArgs([]string{"pod", "a=b", "other"}, "label")
	if err == nil || err.Error() != "all resources must be specified before label changes: other" {
		t.Errorf("L12.1 resource after change: %v", err)
	}
}

func TestParseLabelEdits(t *testing.T) {
	cases := []struct {
		rule    string
		args    []string
		want    labels.Edits
		wantErr string
	}{
		{"L12.2 set and remove", []string{"rel=beta", "app-"}, labels.Edits{Set: map[string]string{"rel": "beta"}, Remove: []string{"app"}}, ""},
		{"L12.2 k= sets the empty value", []string{"rel="}, labels.Edits{Set: map[string]string{"rel": ""}}, ""},
		{"L12.2 later value wins", []string{"a=1", "a=2"}, labels.Edits{Set: map[string]string{"a": "2"}}, ""},
		{"L12.2 key not checked on the client", []string{"a/b/c=1"}, labels.Edits{Set: map[string]string{"a/b/c": "1"}}, ""},
		{"L12.2 two =", []string{"a=b=c"}, labels.Edits{}, "invalid label spec: a=b=c"},
		{"L12.2 value checked", []string{"a=-x"}, labels.Edits{}, `invalid label value: "a=-x": ` + msgValue},
		{"L12.2 unknown spec", []string{"abc"}, labels.Edits{}, "unknown label spec: abc"},
		{"L12.2 both set and removed", []string{"a=1", "a-"}, labels.Edits{}, "can not both modify and remove a label in the same command"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := labels.ParseLabelEdits(c.args)
			if errText(err) != c.wantErr {
				t.Fatalf("error %q, want %q", errText(err), c.wantErr)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); err == nil && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAnnotationEdits(t *testing.T) {
	got, err := labels.ParseAnnotationEdits([]string{"test1234=test1234", "url=a=b", "old-"})
	want := labels.Edits{Set: map[string]string{"test1234": "test1234", "url": "a=b"}, Remove: []string{"old"}}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("got %v %v", got, err)
	}
	if _, err := labels.ParseAnnotationEdits([]string{"x", "=y", "-"}); errText(err) != "invalid annotation format: x, =y, -" {
		t.Errorf("got %v", err)
	}
	if _, err := labels.ParseAnnotationEdits([]string{"a=1", "b=2", "b-", "a-"}); errText(err) != "can not both modify and remove the following annotation(s) in the same command: b, a" {
		t.Errorf("got %v", err)
	}
}

func TestApplyLabels(t *testing.T) {
	pod := map[string]string{"app": "http-go", "rel": "beta"}
	edit := func(args ...string) labels.Edits {
		e, err := labels.ParseLabelEdits(args)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	cases := []struct {
		rule      string
		edits     labels.Edits
		overwrite bool
		want      labels.Result
		wantErr   string
	}{
		{"L12.4.1 different value without --overwrite", edit("rel=stable"), false, labels.Result{}, "'rel' already has a value (beta), and --overwrite is false"},
		{"L12.4.1 several conflicts aggregated", edit("rel=stable", "app=x"), false, labels.Result{}, "['app' already has a value (http-go), and --overwrite is false, 'rel' already has a value (beta), and --overwrite is false]"},
		{"L12.4.1 same value needs no --overwrite", edit("rel=beta"), false,
			labels.Result{Map: map[string]string{"app": "http-go", "rel": "beta"}, Message: "not labeled"}, ""},
		{"L12.4.2 --overwrite", edit("rel=stable"), true,
			labels.Result{Map: map[string]string{"app": "http-go", "rel": "stable"}, Added: []string{"rel"}, Message: "labeled"}, ""},
		{"L12.4.3 remove", edit("rel-"), false,
			labels.Result{Map: map[string]string{"app": "http-go"}, Removed: []string{"rel"}, Message: "unlabeled"}, ""},
		{"L12.4.3 removing an absent key", edit("tier-"), false,
			labels.Result{Map: map[string]string{"app": "http-go", "rel": "beta"}, NotFound: []string{"tier"}, Message: "not labeled"}, ""},
		{"L12.4.5 modified", edit("tier=web", "rel-"), false,
			labels.Result{Map: map[string]string{"app": "http-go", "tier": "web"}, Added: []string{"tier"}, Removed: []string{"rel"}, Message: "modified"}, ""},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := labels.ApplyLabels(pod, c.edits, c.overwrite)
			if errText(err) != c.wantErr {
				t.Fatalf("error %q, want %q", errText(err), c.wantErr)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); err == nil && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if pod["rel"] != "beta" || len(pod) != 2 {
				t.Fatalf("input mutated: %v", pod)
			}
		})
	}
	r, _ := labels.ApplyLabels(nil, edit("app-"), false)
	if r.Map == nil || r.Changed() || strings.Join(r.NotFoundLines(), "|") != `label "app" not found.` || r.Line("pod/x") != "pod/x not labeled" {
		t.Errorf("nil labels: %+v", r)
	}
}

func TestApplyAnnotations(t *testing.T) {
	cur := map[string]string{"a": "1", "kubernetes.io/change-cause": "old", "b": "2"}
	_, err := labels.ApplyAnnotations(cur, labels.Edits{Set: map[string]string{"b": "3", "a": "9", "kubernetes.io/change-cause": "new"}}, false)
	if errText(err) != "--overwrite is false but found the following declared annotation(s): 'a' already has a value (1); 'b' already has a value (2)" {
		t.Errorf("got %v", err)
	}
	r, err := labels.ApplyAnnotations(cur, labels.Edits{Set: map[string]string{"kubernetes.io/change-cause": "new"}, Remove: []string{"b"}}, false)
	if err != nil || r.Message != "annotated" || r.Map["kubernetes.io/change-cause"] != "new" || len(r.Map) != 2 {
		t.Errorf("change-cause may always be overwritten: %+v %v", r, err)
	}
}

func TestColumns(t *testing.T) {
	keys, err := labels.ParseColumns("app,rel", "app.kubernetes.io/name", "")
	if err != nil || strings.Join(keys, " ") != "app rel app.kubernetes.io/name" {
		t.Fatalf("ParseColumns: %v %v", keys, err)
	}
	if got := labels.ColumnHeaders(keys); strings.Join(got, " ") != "APP REL NAME" {
		t.Errorf("headers: %v", got)
	}
	if got := labels.ColumnValues(map[string]string{"app": "http-go"}, keys); !cmp.Equal(got, []string{"http-go", "", ""}) {
		t.Errorf("values: %q", got)
	}
	if got := labels.Format(map[string]string{"rel": "beta", "app": "http-go"}); got != "app=http-go,rel=beta" {
		t.Errorf("L1.2 Format: %q", got)
	}
	if got := labels.Format(nil); got != "<none>" {
		t.Errorf("L1.2 Format(nil): %q", got)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
