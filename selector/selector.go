package selector

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// Selector is a compiled label selector. It is immutable and safe for
// concurrent use. A nil *Selector selects nothing, like a nil
// metav1.LabelSelector.
type Selector struct {
	// one is set when the selector is a single "=" or "in" requirement
	// (the shape of most controllers' selectors): Matches then skips the
	// loop and the operator switch.
	one     bool
	reqs    []req
	nothing bool
	str     string
	up      k8slabels.Selector
}

// op is the compiled operator; the matcher switches on a small integer
// instead of comparing selection.Operator strings.
type op uint8

const (
	opEquals    op = iota // =, ==, and in with one value
	opIn                  // in with two or more values
	opNotEquals           // != and notin with one value
	opNotIn               // notin with two or more values
	opExists
	opDoesNotExist
	opGreaterThan
	opLessThan
	// opNever is a requirement that matches no label set: an operator
	// that is not one of the nine, the zero Requirement's "" among them,
	// and "gt"/"lt" without exactly one integer bound (rule 13).
	opNever
)

// req is one requirement compiled for matching. source keeps upstream's
// form (operator and values exactly as apimachinery holds them).
type req struct {
	key    string
	op     op
	value  string   // the single value of opEquals / opNotEquals
	values []string // the values of opIn / opNotIn, de-duplicated
	n      int64    // the bound of opGreaterThan / opLessThan
	source Requirement
	text   string // the requirement in upstream's syntax, for Explain
}

// Requirement is one requirement of a Selector as upstream holds it: a key,
// an operator (selection.Operator: "=", "==", "!=", "in", "notin",
// "exists", "!", "gt", "lt") and its values in the order given (the -l
// parser sorts and de-duplicates them; a LabelSelector keeps its order).
//
// A Requirement written as a literal is not checked; NewRequirement checks
// one with apimachinery's rules and texts (rule 11). The zero Requirement,
// like any with an operator not among the nine, never matches (rule 13).
type Requirement struct {
	Key      string
	Operator selection.Operator
	Values   []string
}

// String renders the requirement the way upstream does (rule L7.1).
func (r Requirement) String() string {
	// NewRequirement always returns the requirement, valid or not; only
	// its rendering is wanted here.
	up, _ := k8slabels.NewRequirement(r.Key, r.Operator, r.Values)
	return up.String()
}

var (
	everything = &Selector{up: k8slabels.Everything()}
	nothing    = &Selector{nothing: true, up: k8slabels.Nothing()}
)

// Everything returns the selector that selects every label set, including
// the empty one (rule L10.6: an empty LabelSelector).
func Everything() *Selector { return everything }

// Nothing returns the selector that selects no label set (rule L10.1.1: a
// nil LabelSelector).
func Nothing() *Selector { return nothing }

// Parse compiles a selector in the -l / --selector syntax that kubectl and
// the API's labelSelector query parameter use (docs/rules/labels.md §4): "app=http-go",
// "env!=prod", "app in (blue,yellow)", "tier notin (db)", "app", "!app",
// "replicas gt 2" is written "replicas>2". The empty string selects
// everything. Errors are upstream's texts.
func Parse(s string) (*Selector, error) {
	up, err := k8slabels.Parse(s)
	if err != nil {
		return nil, err
	}
	return compile(up), nil
}

// FromSet compiles a ReplicationController's selector map: one equality
// requirement per pair, not validated, as upstream's
// labels.Set.AsSelectorPreValidated does. A nil or empty map selects
// everything (rule L10.6).
func FromSet(set map[string]string) *Selector {
	if len(set) == 0 {
		return everything
	}
	return compile(k8slabels.SelectorFromSet(k8slabels.Set(set)))
}

// FromLabelSelector compiles an API LabelSelector (rule L10.1): nil selects
// nothing, an empty one selects everything, matchLabels become equality
// requirements and matchExpressions In/NotIn/Exists/DoesNotExist
// requirements; the first invalid requirement is the error, with
// upstream's text.
//
// MODEL: upstream walks matchLabels in Go's random map order, so when
// several pairs are invalid it reports a random one of them, and equal
// keys may render in a random order. kubesem walks matchLabels in
// ascending key order, so its error and its String are always the same.
func FromLabelSelector(ls *metav1.LabelSelector) (*Selector, error) {
	if ls == nil {
		return nothing, nil
	}
	if len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return everything, nil
	}
	reqs := make([]k8slabels.Requirement, 0, len(ls.MatchLabels)+len(ls.MatchExpressions))
	for _, k := range sortedKeys(ls.MatchLabels) {
		r, err := k8slabels.NewRequirement(k, selection.Equals, []string{ls.MatchLabels[k]})
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	for _, expr := range ls.MatchExpressions {
		var o selection.Operator
		switch expr.Operator {
		case metav1.LabelSelectorOpIn:
			o = selection.In
		case metav1.LabelSelectorOpNotIn:
			o = selection.NotIn
		case metav1.LabelSelectorOpExists:
			o = selection.Exists
		case metav1.LabelSelectorOpDoesNotExist:
			o = selection.DoesNotExist
		default:
			return nil, fmt.Errorf("%q is not a valid label selector operator", expr.Operator)
		}
		r, err := k8slabels.NewRequirement(expr.Key, o, append([]string(nil), expr.Values...))
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	return compile(k8slabels.NewSelector().Add(reqs...)), nil
}

// FromLabels compiles a selector apimachinery already built. A nil
// selector selects nothing.
func FromLabels(sel k8slabels.Selector) *Selector {
	if sel == nil || k8slabels.MatchesNothing(sel) {
		return nothing
	}
	return compile(sel.DeepCopySelector())
}

// compile turns apimachinery's selector into the matcher. The
// requirement order is upstream's (sorted by key), so String is upstream's.
func compile(up k8slabels.Selector) *Selector {
	upReqs, selectable := up.Requirements()
	if !selectable {
		return nothing
	}
	if len(upReqs) == 0 {
		return everything
	}
	s := &Selector{reqs: make([]req, 0, len(upReqs)), str: up.String(), up: up}
	for i := range upReqs {
		s.reqs = append(s.reqs, compileReq(&upReqs[i]))
	}
	s.one = len(s.reqs) == 1 && (s.reqs[0].op == opEquals || s.reqs[0].op == opIn)
	return s
}

func compileReq(u *k8slabels.Requirement) req {
	vals := u.ValuesUnsorted()
	r := req{key: u.Key(), source: Requirement{Key: u.Key(), Operator: u.Operator(), Values: vals}, text: u.String()}
	distinct := dedupe(vals)
	switch u.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		r.op = opIn
		if len(distinct) == 1 {
			r.op, r.value = opEquals, distinct[0]
		}
		r.values = distinct
	case selection.NotEquals, selection.NotIn:
		r.op = opNotIn
		if len(distinct) == 1 {
			r.op, r.value = opNotEquals, distinct[0]
		}
		r.values = distinct
	case selection.Exists:
		r.op = opExists
	case selection.DoesNotExist:
		r.op = opDoesNotExist
	case selection.GreaterThan, selection.LessThan:
		// A requirement that did not come through NewRequirement may have
		// no bound, several, or one that is not an integer: upstream's
		// Matches then says false for every label set.
		r.op = opNever
		if len(vals) == 1 {
			if n, err := parseInt(vals[0]); err == nil {
				r.op, r.n = opGreaterThan, n
				if u.Operator() == selection.LessThan {
					r.op = opLessThan
				}
			}
		}
	default:
		r.op = opNever
	}
	return r
}

func dedupe(vals []string) []string {
	out := slices.Clone(vals)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Matches reports whether the selector selects a label set (docs/rules/labels.md §6): every
// requirement must hold. labels.Set values can be passed as they are.
func (s *Selector) Matches(set map[string]string) bool {
	if s == nil {
		return false
	}
	if s.one {
		// A single "=" or "in": the shape of most controllers' selectors.
		r := &s.reqs[0]
		v, ok := set[r.key]
		if !ok {
			return false
		}
		if r.op == opEquals {
			return v == r.value
		}
		for _, x := range r.values {
			if x == v {
				return true
			}
		}
		return false
	}
	if s.nothing {
		return false
	}
	// The two commonest operators are tested inline; the rest go through
	// matchValue.
	for i := range s.reqs {
		r := &s.reqs[i]
		v, ok := set[r.key]
		switch r.op {
		case opEquals:
			if !ok || v != r.value {
				return false
			}
		case opIn:
			if !ok || !r.has(v) {
				return false
			}
		default:
			if !r.matchValue(v, ok) {
				return false
			}
		}
	}
	return true
}

// matchesExcept is Matches without requirement skip (-1 skips none), for
// candidates already known to satisfy it. The selector is neither nil nor
// Nothing.
func (s *Selector) matchesExcept(set map[string]string, skip int) bool {
	for i := range s.reqs {
		if i != skip && !s.reqs[i].matches(set) {
			return false
		}
	}
	return true
}

// matches evaluates the requirement against a label set.
func (r *req) matches(set map[string]string) bool {
	v, ok := set[r.key]
	return r.matchValue(v, ok)
}

// matchValue evaluates the requirement given the key's value and whether
// the key is present (docs/rules/labels.md §6).
func (r *req) matchValue(v string, ok bool) bool {
	switch r.op {
	case opEquals:
		return ok && v == r.value
	case opIn:
		return ok && r.has(v)
	case opNotEquals:
		return !ok || v != r.value
	case opNotIn:
		return !ok || !r.has(v)
	case opExists:
		return ok
	case opDoesNotExist:
		return !ok
	case opGreaterThan, opLessThan:
		if !ok {
			return false
		}
		n, err := parseInt(v)
		if err != nil {
			return false
		}
		if r.op == opGreaterThan {
			return n > r.n
		}
		return n < r.n
	}
	return false
}

func (r *req) has(v string) bool {
	for _, x := range r.values {
		if x == v {
			return true
		}
	}
	return false
}

// String renders the selector in upstream's canonical form (rule L7.2):
// requirements sorted by key, joined by commas without spaces. Everything
// and Nothing both render as "".
func (s *Selector) String() string {
	if s == nil {
		return ""
	}
	return s.str
}

// Empty reports whether the selector has no requirements and so selects
// everything (upstream's Selector.Empty). Nothing is not empty.
func (s *Selector) Empty() bool {
	return s != nil && !s.nothing && len(s.reqs) == 0
}

// SelectsNothing reports whether this is the Nothing selector (a nil
// LabelSelector). A contradictory selector such as "x,!x" also matches no
// label set, but it is not Nothing (rule L8).
func (s *Selector) SelectsNothing() bool {
	return s == nil || s.nothing
}

// Requirements returns the requirements in upstream's order, as copies.
func (s *Selector) Requirements() []Requirement {
	if s == nil {
		return nil
	}
	out := make([]Requirement, len(s.reqs))
	for i := range s.reqs {
		src := s.reqs[i].source
		out[i] = Requirement{Key: src.Key, Operator: src.Operator, Values: slices.Clone(src.Values)}
	}
	return out
}

// Labels returns the selector as apimachinery's labels.Selector (a deep
// copy), for code that needs upstream's type.
func (s *Selector) Labels() k8slabels.Selector {
	if s == nil || s.nothing {
		return k8slabels.Nothing()
	}
	return s.up.DeepCopySelector()
}

// RequiresExactMatch reports the value the selector requires for key, as
// upstream's RequiresExactMatch does (rule L8): the first requirement on
// the key decides, and only "=", "==" and a one-value "in" require a value.
func (s *Selector) RequiresExactMatch(key string) (string, bool) {
	if s == nil || s.nothing {
		return "", false
	}
	for i := range s.reqs {
		src := &s.reqs[i].source
		if src.Key != key {
			continue
		}
		switch src.Operator {
		case selection.Equals, selection.DoubleEquals, selection.In:
			if len(src.Values) == 1 {
				return src.Values[0], true
			}
		}
		return "", false
	}
	return "", false
}

// parseInt reads a label value as gt/lt do (rule L6: base 10, int64).
func parseInt(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) }

// joinValues renders a value list the way upstream does inside "( )".
func joinValues(vals []string) string {
	return strings.Join(vals, ",")
}
