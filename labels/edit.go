package labels

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Messages kubectl prints after "<kind>/<name> " when an edit is applied
// (rule L12.4.5).
const (
	MsgLabeled    = "labeled"
	MsgUnlabeled  = "unlabeled"
	MsgModified   = "modified"
	MsgNotLabeled = "not labeled"
	MsgAnnotated  = "annotated"
)

// ChangeCauseAnnotation is the annotation kubectl annotate may always
// overwrite, even without --overwrite.
const ChangeCauseAnnotation = "kubernetes.io/change-cause"

// Edits is a parsed set of kubectl label or annotate changes.
type Edits struct {
	// Set holds the keys to set and their new values. When an argument
	// names a key twice, the later value wins.
	Set map[string]string
	// Remove holds the keys to remove, in argument order.
	Remove []string
}

// SplitArgs splits kubectl label / annotate arguments into resources and
// changes (rule L12.1): an argument is a change if it contains "=" and does
// not start with it, or ends with "-" and is not "-". Every resource must
// come before the first change. kind is "label" or "annotation", as it
// appears in the error.
func SplitArgs(args []string, kind string) (resources, changes []string, err error) {
	foundChange := false
	for _, a := range args {
		isChange := (strings.Contains(a, "=") && a[0] != '=') || (strings.HasSuffix(a, "-") && a != "-")
		switch {
		case isChange:
			foundChange = true
			changes = append(changes, a)
		case !foundChange:
			resources = append(resources, a)
		default:
			return nil, nil, fmt.Errorf("all resources must be specified before %s changes: %s", kind, a)
		}
	}
	return resources, changes, nil
}

// ParseLabelEdits parses kubectl label's change arguments (rule L12.2):
// "key=value" sets, "key=" sets the empty value, "key-" removes. Values are
// checked here, as kubectl does; keys are left to the apiserver (see
// Validate). A key both set and removed is an error.
func ParseLabelEdits(args []string) (Edits, error) {
	e := Edits{Set: map[string]string{}}
	for _, a := range args {
		switch {
		case strings.Contains(a, "="):
			parts := strings.Split(a, "=")
			if len(parts) != 2 {
				return Edits{}, fmt.Errorf("invalid label spec: %v", a)
			}
			if msgs := validation.IsValidLabelValue(parts[1]); len(msgs) != 0 {
				return Edits{}, fmt.Errorf("invalid label value: %q: %s", a, strings.Join(msgs, ";"))
			}
			e.Set[parts[0]] = parts[1]
		case strings.HasSuffix(a, "-"):
			e.Remove = append(e.Remove, a[:len(a)-1])
		default:
			return Edits{}, fmt.Errorf("unknown label spec: %v", a)
		}
	}
	for _, k := range e.Remove {
		if _, found := e.Set[k]; found {
			return Edits{}, errors.New("can not both modify and remove a label in the same command")
		}
	}
	return e, nil
}

// ParseAnnotationEdits parses kubectl annotate's change arguments:
// "key=value" (the value may itself contain "=") and "key-". Every
// malformed argument is named in one error; a key both set and removed is
// an error naming those keys.
func ParseAnnotationEdits(args []string) (Edits, error) {
	e := Edits{Set: map[string]string{}}
	var invalid []string
	for _, a := range args {
		switch {
		case strings.Contains(a, "=") && a[0] != '=':
			k, v, _ := strings.Cut(a, "=")
			e.Set[k] = v
		case strings.HasSuffix(a, "-") && a != "-":
			e.Remove = append(e.Remove, a[:len(a)-1])
		default:
			invalid = append(invalid, a)
		}
	}
	if len(invalid) > 0 {
		return Edits{}, fmt.Errorf("invalid annotation format: %s", strings.Join(invalid, ", "))
	}
	var both []string
	for _, k := range e.Remove {
		if _, found := e.Set[k]; found {
			both = append(both, k)
		}
	}
	if len(both) > 0 {
		return Edits{}, fmt.Errorf("can not both modify and remove the following annotation(s) in the same command: %s", strings.Join(both, ", "))
	}
	return e, nil
}

// Result is what applying Edits to one object decided.
type Result struct {
	// Map is the object's new label (or annotation) map, a fresh copy. It
	// is never nil.
	Map map[string]string
	// Added holds the keys that were absent or had another value, and
	// Removed the keys that were present and are now gone; both ascending.
	Added, Removed []string
	// NotFound holds the keys asked to be removed that were absent, in
	// argument order. kubectl prints `label "<key>" not found.` for each
	// before it applies a label edit.
	NotFound []string
	// Message is what kubectl prints after "<kind>/<name> ".
	Message string
}

// Changed reports whether the edit changed anything; when it did not,
// kubectl label sends no request.
func (r Result) Changed() bool { return len(r.Added)+len(r.Removed) > 0 }

// Line renders kubectl's output line for the object, for example
// "pod/http-go labeled"; resource is "<kind>/<name>".
func (r Result) Line(resource string) string { return resource + " " + r.Message }

// NotFoundLines renders kubectl label's `label "<key>" not found.` lines.
func (r Result) NotFoundLines() []string {
	out := make([]string, len(r.NotFound))
	for i, k := range r.NotFound {
		out[i] = fmt.Sprintf("label %q not found.", k)
	}
	return out
}

// ApplyLabels applies label edits to an object's current labels as kubectl
// label does (rule L12.4). Without overwrite, a key that already has a
// different value is an error naming its current value; setting a key to
// the value it has is not. Removing an absent key is not an error. The
// current map is not modified.
//
// MODEL: kubectl reports several conflicting keys in random map order;
// kubesem reports them in ascending key order.
func ApplyLabels(current map[string]string, e Edits, overwrite bool) (Result, error) {
	if !overwrite {
		var errs []error
		for _, k := range sortedKeys(e.Set) {
			if cur, found := current[k]; found && cur != e.Set[k] {
				errs = append(errs, fmt.Errorf("'%s' already has a value (%s), and --overwrite is false", k, cur))
			}
		}
		if err := utilerrors.NewAggregate(errs); err != nil {
			return Result{}, err
		}
	}
	r := apply(current, e)
	switch {
	case len(r.Added) > 0 && len(r.Removed) > 0:
		r.Message = MsgModified
	case len(r.Added) > 0:
		r.Message = MsgLabeled
	case len(r.Removed) > 0:
		r.Message = MsgUnlabeled
	default:
		r.Message = MsgNotLabeled
	}
	return r, nil
}

// ApplyAnnotations applies annotation edits as kubectl annotate does.
// Without overwrite, keys that already have a different value are one
// error listing them all — except kubernetes.io/change-cause, which may
// always be overwritten. The message is always "annotated".
//
// MODEL: the conflicting keys are listed in ascending key order (kubectl:
// random map order).
func ApplyAnnotations(current map[string]string, e Edits, overwrite bool) (Result, error) {
	if !overwrite {
		var found []string
		for _, k := range sortedKeys(e.Set) {
			if k == ChangeCauseAnnotation {
				continue
			}
			if cur, ok := current[k]; ok && cur != e.Set[k] {
				found = append(found, fmt.Sprintf("'%s' already has a value (%s)", k, cur))
			}
		}
		if len(found) > 0 {
			return Result{}, fmt.Errorf("--overwrite is false but found the following declared annotation(s): %s", strings.Join(found, "; "))
		}
	}
	r := apply(current, e)
	r.Message = MsgAnnotated
	return r, nil
}

// apply sets, then removes, on a copy of current (rule L12.4.2–3).
func apply(current map[string]string, e Edits) Result {
	m := maps.Clone(current)
	if m == nil {
		m = map[string]string{}
	}
	r := Result{Map: m}
	for _, k := range sortedKeys(e.Set) {
		if cur, ok := m[k]; !ok || cur != e.Set[k] {
			m[k] = e.Set[k]
			r.Added = append(r.Added, k)
		}
	}
	for _, k := range e.Remove {
		if _, ok := current[k]; !ok {
			r.NotFound = append(r.NotFound, k)
		}
		if _, ok := m[k]; ok {
			delete(m, k)
			r.Removed = append(r.Removed, k)
		}
	}
	slices.Sort(r.Removed)
	return r
}
