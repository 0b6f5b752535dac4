package selector

import (
	"slices"

	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// NewRequirement checks one requirement as apimachinery's
// labels.NewRequirement does and returns it (rule 11): the key must be a
// label key; "in" and "notin" need at least one value; "=", "==" and "!="
// exactly one; "exists" and "!" none; "gt" and "lt" exactly one base-10
// int64; every value must be a label value; any other operator, "" among
// them, is refused. All the problems found are returned together as one
// error, with upstream's texts, under the path opts give (field.WithPath).
//
// On error the returned Requirement is the zero one, which never matches
// (rule 13); upstream returns the invalid requirement beside its error.
// The values are copied: changing the caller's slice afterwards does not
// change the requirement.
func NewRequirement(key string, op selection.Operator, values []string, opts ...field.PathOption) (Requirement, error) {
	vals := slices.Clone(values) // nil stays nil, so the error prints as upstream's
	if _, err := k8slabels.NewRequirement(key, op, vals, opts...); err != nil {
		return Requirement{}, err
	}
	return Requirement{Key: key, Operator: op, Values: vals}, nil
}

// Matches reports whether the requirement holds for a label set, as
// apimachinery's Requirement.Matches decides (rules 2–5 and 13). A
// requirement with an operator that is not one of the nine, the zero
// Requirement among them, never matches; neither does "gt" or "lt" unless
// it has exactly one integer value. The requirement is not validated
// otherwise: "in" without values matches nothing, "notin" without values
// matches everything.
//
// Matches compiles the requirement on every call; to test many label sets,
// build a Selector with FromRequirements once.
func (r Requirement) Matches(set map[string]string) bool {
	u := r.upstream()
	c := compileReq(&u)
	return c.matches(set)
}

// upstream gives the requirement as apimachinery's type, unvalidated, with
// values of its own.
func (r Requirement) upstream() k8slabels.Requirement {
	// NewRequirement returns the requirement whether it is valid or not;
	// only the value is wanted here.
	u, _ := k8slabels.NewRequirement(r.Key, r.Operator, slices.Clone(r.Values))
	return *u
}

// FromRequirements builds the selector that requires every one of reqs,
// as apimachinery's labels.NewSelector().Add(reqs...) does (rule 12):
// nothing is validated (use NewRequirement for that), and no requirements
// at all give Everything.
func FromRequirements(reqs ...Requirement) *Selector {
	return everything.Add(reqs...)
}

// Add returns a new selector that requires what s requires and every one
// of reqs, as apimachinery's Selector.Add does (rule 12): s's
// requirements then reqs, sorted by key with upstream's sort, so String
// and Requirements are upstream's (up to twelve requirements in all, those
// on one key stay in the order given); nothing is validated. s itself is
// not changed. Add on Nothing (or a nil *Selector) gives Nothing, as
// upstream's nothingSelector.Add does.
func (s *Selector) Add(reqs ...Requirement) *Selector {
	if s.SelectsNothing() {
		return nothing
	}
	if len(reqs) == 0 {
		return s // immutable: sharing is safe
	}
	var have k8slabels.Requirements
	if len(s.reqs) > 0 {
		have, _ = s.up.Requirements()
	}
	all := make([]k8slabels.Requirement, 0, len(have)+len(reqs))
	all = append(all, have...)
	for _, r := range reqs {
		all = append(all, r.upstream())
	}
	// NewSelector().Add copies and sorts exactly as upstream's Add on s.up
	// would, so the order of requirements on equal keys is upstream's.
	return compile(k8slabels.NewSelector().Add(all...))
}
