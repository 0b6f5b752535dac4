package kubectl

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/internal/table"
)

// runAPIResources is `kubectl api-resources` (pkg/cmd/apiresources):
// the server's preferred resources with verbs, filtered by --namespaced
// and --api-group, sorted by group (or --sort-by name or kind) and then
// name, as a table (-o wide adds VERBS and CATEGORIES) or, with -o name,
// one "<resource>[.<group>]" a line.
func runAPIResources(s *Shell, c *command) error {
	if len(c.args) > 0 {
		return usageError(c, "unexpected arguments: %v", c.args)
	}
	output := c.str("output")
	if output != "" && output != "wide" && output != "name" {
		return fmt.Errorf("--output %v is not available", output)
	}
	sortBy := c.str("sort-by")
	if sortBy != "" && sortBy != "name" && sortBy != "kind" {
		return fmt.Errorf("--sort-by accepts only name or kind")
	}
	var namespaced bool
	if c.changed("namespaced") {
		namespaced = c.bool("namespaced")
	}
	var rs []apiserver.Resource
	for _, r := range s.Cluster.APIResources() {
		switch {
		case len(r.Verbs) == 0:
		case c.changed("api-group") && r.Group != c.str("api-group"):
		case c.changed("namespaced") && r.Namespaced != namespaced:
		default:
			rs = append(rs, r)
		}
	}
	key := func(r apiserver.Resource) string {
		switch sortBy {
		case "name":
			return r.Name
		case "kind":
			return r.Kind
		}
		return r.Group
	}
	slices.SortStableFunc(rs, func(a, b apiserver.Resource) int {
		return cmp.Or(strings.Compare(key(a), key(b)), strings.Compare(a.Name, b.Name))
	})
	if output == "name" {
		for _, r := range rs {
			if r.Group == "" {
				fmt.Fprintln(c.out, r.Name)
			} else {
				fmt.Fprintf(c.out, "%s.%s\n", r.Name, r.Group)
			}
		}
		return nil
	}
	header := []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}
	if output == "wide" {
		header = append(header, "VERBS", "CATEGORIES")
	}
	var rows [][]string
	for _, r := range rs {
		gv := r.Version
		if r.Group != "" {
			gv = r.Group + "/" + r.Version
		}
		row := []string{r.Name, strings.Join(r.ShortNames, ","), gv, strconv.FormatBool(r.Namespaced), r.Kind}
		if output == "wide" {
			row = append(row, strings.Join(r.Verbs, ","), strings.Join(r.Categories, ","))
		}
		rows = append(rows, row)
	}
	if c.bool("no-headers") {
		header = nil
	}
	return table.Write(c.out, header, rows)
}
