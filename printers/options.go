package printers

import "fmt"

// Options are the kubectl get flags that change a table's columns.
type Options struct {
	Wide          bool     // -o wide: the kind's extra columns
	ShowLabels    bool     // --show-labels: a LABELS column, always last
	LabelColumns  []string // -L k1,k2: one column per key, before LABELS
	AllNamespaces bool     // -A: a NAMESPACE first column (namespaced kinds only)
	NoHeaders     bool     // --no-headers: rows only
	// Named says the objects were named on the command line (kubectl get
	// KIND NAME...): kubectl fetches each alone and the server prints each
	// as a table of its own, so nothing is worked out across the list
	// (the " (default)" of the effective default StorageClass).
	Named bool
	// Columns are a custom resource's printer columns: objects given as
	// *unstructured.Unstructured print NAME and these, as the apiserver's
	// table for the resource does.
	Columns []Column
}

// NoResources is the line kubectl get writes to stderr, instead of a
// table, when nothing matched (RS-14.5): "No resources found in <ns>
// namespace." for a namespaced kind listed in one namespace, otherwise
// "No resources found". With -A kubectl uses the second form even for
// namespaced kinds, so pass namespaced=false then. The line has no
// trailing newline; kubectl ends it with one.
func NoResources(namespace string, namespaced bool) string {
	if namespaced {
		return fmt.Sprintf("No resources found in %s namespace.", namespace)
	}
	return "No resources found"
}
