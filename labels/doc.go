// Package labels validates Kubernetes label keys, values and annotation
// keys, and decides what kubectl's label and annotate commands and the -L
// and --show-labels views of kubectl get do.
//
// Validation is apimachinery's own, with its exact messages; this package
// adds a fixed order and kubectl's edits, which apimachinery does not
// have. Selecting objects by their labels is package selector's.
//
// Usage, for `kubectl label pod http-go rel=beta` against a pod whose
// labels are {app: http-go}:
//
//	resources, changes, err := labels.SplitArgs([]string{"pod", "http-go", "rel=beta"}, "label")
//	// resources = [pod http-go], changes = [rel=beta]
//	edits, err := labels.ParseLabelEdits(changes)
//	res, err := labels.ApplyLabels(pod.Labels, edits, false /* --overwrite */)
//	fmt.Println(res.Line("pod/http-go")) // pod/http-go labeled
//	// res.Map is the new label map; pod.Labels is untouched.
//
// Rules (ids of the project's rules reference, docs/rules/labels.md):
//
//  1. A key is an optional DNS-subdomain prefix (at most 253 bytes) and
//     "/", then a name of 1–63 alphanumerics, '-', '_' and '.', starting
//     and ending alphanumeric (L2). A value is empty or such a name (L3).
//     Annotation keys are checked the same way after lower-casing, and all
//     annotations together may take at most 256 KiB.
//  2. Validate reports, per pair, the key's errors then the value's, at the
//     map's own path (L11.1), in ascending key order.
//  3. An argument to kubectl label/annotate is a change when it contains
//     "=" not in first place, or ends in "-" and is not "-"; resources come
//     first (L12.1).
//  4. kubectl label checks values, not keys, on the client; "k=v=w" is
//     "invalid label spec", a key both set and removed is an error (L12.2).
//  5. Without --overwrite, setting a key that has a different value fails
//     with "'<key>' already has a value (<value>), and --overwrite is
//     false"; setting it to the value it has is fine (L12.4.1).
//  6. Removing an absent key is not an error; kubectl prints
//     `label "<key>" not found.` (L12.4.3).
//  7. The message is "labeled", "unlabeled", "modified" or "not labeled"
//     by what changed (L12.4.5); kubectl annotate always says "annotated"
//     and may always overwrite kubernetes.io/change-cause.
//  8. -L columns are headed by the upper-cased part of the key after its
//     last "/", and empty for objects without the label; --show-labels
//     adds a last LABELS column with the sorted pairs or "<none>" (L1.2).
//  9. String writes a label set as k8s.io/apimachinery/pkg/labels/labels.go's
//     Set.String does: the "key=value" strings sorted as wholes (so
//     "a.b=1" precedes "a=1"), joined by ","; "" when there are none.
//     Format is the same with "<none>" for an empty set (FormatLabels).
//  10. ConvertSelectorToLabelsMap reads "k=v,k=v" as labels.go's
//     ConvertSelectorToLabelsMap does: "" is the empty set; each
//     comma-separated item must split at "=" into exactly two parts, else
//     "invalid selector: [parts]"; key and value are trimmed of spaces and
//     validated, key first; a later pair wins; on error the pairs read so
//     far come back with it.
//
// Where kubectl or the apiserver walk a map in Go's random order, this
// package walks it in ascending key order and says so (MODEL).
package labels
