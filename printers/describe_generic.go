package printers

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// genericSkip are the fields the generic describer leaves out of the
// content it prints (they are printed first, or not at all).
var genericSkip = []string{".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"}

// DescribeObject is `kubectl describe` of a kind without a describer of
// its own, custom resources above all (kubectl pkg/describe
// genericDescriber): Name, Namespace, Labels and Annotations, then every
// field of the object as the server returns it — keys in order, each
// label spelled out from its camelCase name ("cronSpec" is "Cron Spec",
// "apiVersion" "API Version"), maps and lists indented below it — and,
// with showEvents, the events about the object. obj is unstructured
// content, or a Go type converted to it; its apiVersion and kind must be
// set.
func DescribeObject(obj runtime.Object, events []*corev1.Event, now time.Time, showEvents bool) (string, error) {
	var u *unstructured.Unstructured
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		u = o
	default:
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return "", err
		}
		u = &unstructured.Unstructured{Object: m}
		u.GetObjectKind().SetGroupVersionKind(obj.GetObjectKind().GroupVersionKind())
	}
	return describing(func(w *describeWriter) {
		w.line(0, "Name:\t%s\n", u.GetName())
		w.line(0, "Namespace:\t%s\n", u.GetNamespace())
		w.labels("Labels", u.GetLabels())
		w.annotations("Annotations", u.GetAnnotations())
		w.content(0, u.Object, "")
		if showEvents {
			w.events(eventsAbout(events, u.GetKind(), u), now)
		}
	}), nil
}

// content prints a map of unstructured content, keys in order: a nested
// map or list as its label then its content one level deeper (a list's
// maps one after another, its other items one per line), anything else
// as "Label:<tab>value".
func (w *describeWriter) content(level int, m map[string]any, prefix string) {
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		path := prefix + "." + k
		if slices.Contains(genericSkip, path) {
			continue
		}
		switch v := m[k].(type) {
		case map[string]any:
			w.line(level, "%s:\n", smartLabel(k))
			w.content(level+1, v, path)
		case []any:
			w.line(level, "%s:\n", smartLabel(k))
			for _, item := range v {
				if im, ok := item.(map[string]any); ok {
					w.content(level+1, im, path)
				} else {
					w.line(level+1, "%v\n", item)
				}
			}
		default:
			w.line(level, "%s:\t%v\n", smartLabel(k), v)
		}
	}
}

// smartLabel spells out a field name as kubectl's describer does: split
// where the kind of character changes (lower case, upper case, digits,
// the rest), an upper-case run before a capitalised word kept with it,
// all-lower-case words capitalised, the acronyms API, URL, UID and GUID in
// capitals. A name with characters other than letters and '-' is left
// as it is.
func smartLabel(field string) string {
	if strings.IndexFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) >= 0 {
		return field
	}
	parts := splitCamel(field)
	var merged []string
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if i+1 < len(parts) && len(p) >= 2 && isUpperWord(p) && startsUpper(parts[i+1]) {
			merged = append(merged, p+parts[i+1])
			i++
			continue
		}
		merged = append(merged, p)
	}
	var out []string
	for _, p := range merged {
		if p == "_" {
			continue
		}
		switch up := strings.ToUpper(p); {
		case up == "API" || up == "URL" || up == "UID" || up == "GUID":
			p = up
		case strings.ToLower(p) == p:
			r, n := utf8.DecodeRuneInString(p)
			p = string(unicode.ToTitle(r)) + p[n:]
		}
		out = append(out, p)
	}
	return strings.Join(out, " ")
}

func isUpperWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// splitCamel splits a name into runs of one kind of character, then moves
// the last capital of an upper-case run onto a lower-case run after it
// ("PDFLoader" is "PDF", "Loader").
func splitCamel(s string) []string {
	if !utf8.ValidString(s) {
		return []string{s}
	}
	class := func(r rune) int {
		switch {
		case unicode.IsLower(r):
			return 1
		case unicode.IsUpper(r):
			return 2
		case unicode.IsDigit(r):
			return 3
		}
		return 4
	}
	var runs [][]rune
	last := 0
	for _, r := range s {
		c := class(r)
		if c == last && len(runs) > 0 {
			runs[len(runs)-1] = append(runs[len(runs)-1], r)
		} else {
			runs = append(runs, []rune{r})
		}
		last = c
	}
	for i := 0; i+1 < len(runs); i++ {
		if unicode.IsUpper(runs[i][0]) && unicode.IsLower(runs[i+1][0]) {
			moved := runs[i][len(runs[i])-1]
			runs[i+1] = append([]rune{moved}, runs[i+1]...)
			runs[i] = runs[i][:len(runs[i])-1]
		}
	}
	var out []string
	for _, r := range runs {
		if len(r) > 0 {
			out = append(out, string(r))
		}
	}
	return out
}
