package kubectl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/liggitt/tabwriter"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/printers"
)

// getFormats are the -o values kubectl get accepts, sorted as its error
// lists them.
var getFormats = []string{"custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath",
	"jsonpath-as-json", "jsonpath-file", "kyaml", "name", "template", "templatefile", "wide", "yaml"}

func outputFormatError(o string, allowed []string) error {
	if contains(allowed, o) {
		return fmt.Errorf("kubesem's kubectl does not print -o %s", o)
	}
	return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", o, strings.Join(allowed, ","))
}

// group is one printer's worth of objects: consecutive objects of one
// resource (a list, or objects named one after the other).
type group struct {
	res  *resource
	objs []cluster.Object
	// named: every object was named on the command line (fetched one by
	// one, so no list-wide mark such as a StorageClass's "(default)").
	named bool
}

func runGet(s *Shell, c *command) error {
	if c.bool("watch") || c.bool("watch-only") {
		return runWatch(s, c)
	}
	files := c.list("filename")
	if len(c.args) == 0 && len(files) == 0 {
		fmt.Fprintf(c.out, "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n")
		return usageError(c, "Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).")
	}
	if c.bool("output-watch-events") {
		return errors.New("--output-watch-events option can only be used with --watch or --watch-only")
	}
	output := c.str("output")
	allNS := c.bool("all-namespaces")
	v, err := s.build(c, selection{args: c.args, allowEmpty: true, selector: c.str("selector"), files: files, allNS: allNS})
	if err != nil {
		return err
	}
	listNS := c.ns
	if allNS {
		listNS = cluster.AllNamespaces
	}
	ignoreNF := c.bool("ignore-not-found")

	// Read everything first, as the builder's Infos does; a named object
	// that is missing is an error reported after what was found.
	var groups []group
	var errs []error
	infos := 0
	for _, it := range v.items {
		o, err := s.get(it.res, it.ns, it.name)
		if err != nil {
			if !(ignoreNF && isNotFound(err)) {
				errs = append(errs, err)
			}
			continue
		}
		infos++
		if n := len(groups); n > 0 && groups[n-1].res == it.res {
			groups[n-1].objs = append(groups[n-1].objs, o)
		} else {
			groups = append(groups, group{res: it.res, objs: []cluster.Object{o}, named: true})
		}
	}
	for _, r := range v.lists {
		objs, err := s.list(r, listNS, v.selector)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		infos++ // the server answers a list with one Table
		if n := len(groups); n > 0 && groups[n-1].res == r {
			groups[n-1].objs = append(groups[n-1].objs, objs...) // one printer
			groups[n-1].named = false
		} else {
			groups = append(groups, group{res: r, objs: objs})
		}
	}

	switch output {
	case "", "wide":
	case "name":
		if v.singleItemImplied && len(errs) > 0 {
			return errs[0]
		}
		for _, g := range groups {
			for _, o := range g.objs {
				fmt.Fprintf(c.out, "%s/%s\n", g.res.kindName(), o.GetName())
			}
		}
		return aggregate(errs)
	case "yaml", "json":
		if v.singleItemImplied && len(errs) > 0 {
			return errs[0]
		}
		if ignoreNF && countObjects(groups) == 0 {
			return aggregate(errs) // kubectl prints no empty List then
		}
		return printGeneric(c, groups, v.singleItemImplied, output, errs)
	default:
		if v.singleItemImplied && len(errs) > 0 {
			return errs[0]
		}
		if format, tmpl, ok := jsonpathFormat(output); ok {
			return s.printJSONPath(c, groups, v.singleItemImplied, ignoreNF, format, tmpl, errs)
		}
		spec, isSpec := strings.CutPrefix(output, "custom-columns=")
		file, isFile := strings.CutPrefix(output, "custom-columns-file=")
		if isSpec || isFile || output == "custom-columns" || output == "custom-columns-file" {
			var cols []customColumn
			var err error
			noHeaders := c.bool("no-headers")
			switch {
			case spec == "" && file == "":
				err = errors.New("custom-columns format specified but no custom columns given")
			case isFile:
				// (kubectl's template printer prints headers always)
				cols, err = s.customColumnsFromFile(file)
				noHeaders = false
			default:
				cols, err = customColumnsFromSpec(spec)
			}
			if err != nil {
				return err
			}
			if ignoreNF && countObjects(groups) == 0 {
				return aggregate(errs)
			}
			return printCustomColumns(c, groups, cols, noHeaders, errs)
		}
		return outputFormatError(output, getFormats)
	}

	var cols []string // -L's keys, as given
	for _, k := range c.list("label-columns") {
		if k != "" {
			cols = append(cols, k)
		}
	}
	withKind := c.bool("show-kind")
	if infos >= 2 {
		for _, g := range groups[1:] {
			if g.res != groups[0].res {
				withKind = true
			}
		}
	}
	allNamespaced := !allNS
	written := false
	for i, g := range groups {
		allNamespaced = allNamespaced && g.res.namespaced
		opts := printers.Options{
			Wide:          output == "wide",
			ShowLabels:    c.bool("show-labels"),
			LabelColumns:  cols,
			AllNamespaces: allNS && g.res.namespaced,
			NoHeaders:     c.bool("no-headers"),
			Named:         g.named,
		}
		if withKind {
			for _, o := range g.objs {
				o.SetName(g.res.kindName() + "/" + o.GetName())
			}
		}
		opts.Columns = s.customColumns(g.res)
		table, err := s.table(g.res, g.objs, opts)
		if err != nil {
			if !slices.ContainsFunc(errs, func(e error) bool { return e.Error() == err.Error() }) {
				errs = append(errs, err)
			}
			continue
		}
		if table == "" {
			continue
		}
		if i > 0 && written && !opts.NoHeaders {
			c.out.WriteString("\n")
		}
		c.out.WriteString(table)
		written = true
	}
	if !written && !ignoreNF && len(errs) == 0 {
		if allNamespaced {
			fmt.Fprintf(c.out, "No resources found in %s namespace.\n", c.ns)
		} else {
			c.out.WriteString("No resources found\n")
		}
	}
	return aggregate(errs)
}

// customColumns are the printer columns of a custom resource (nil for a
// built-in one).
func (s *Shell) customColumns(r *resource) []printers.Column {
	cols, ok := s.Cluster.CustomResourceColumns(apiserver.Resource{Group: r.group, Version: r.version, Name: r.plural})
	if !ok {
		return nil
	}
	out := make([]printers.Column, len(cols))
	for i, c := range cols {
		out[i] = printers.Column{Name: c.Name, Type: c.Type, JSONPath: c.JSONPath, Priority: c.Priority}
	}
	return out
}

// table prints one resource's objects with package printers.
func (s *Shell) table(r *resource, objs []cluster.Object, o printers.Options) (string, error) {
	if r.kind == kindEvent {
		// The server lists by namespace (then name; kubesem keeps the
		// order events were recorded in within a namespace).
		objs = slices.Clone(objs)
		slices.SortStableFunc(objs, func(a, b cluster.Object) int { return strings.Compare(a.GetNamespace(), b.GetNamespace()) })
	}
	ros := make([]runtime.Object, len(objs))
	for i, obj := range objs {
		ros[i] = obj
	}
	out, err := printers.Table(ros, s.Cluster.Now(), o)
	if err != nil {
		return "", fmt.Errorf("kubesem's printers have no table for %s", r.groupResource())
	}
	return out, nil
}

// printGeneric is get's -o yaml and -o json (printGeneric in kubectl's
// get): one object named alone is printed as it is; anything else,
// none included, as a List of the objects. Objects are printed as the
// server returns them, with apiVersion and kind, their fields (and a
// List's) in alphabetical order, JSON indented by four spaces, YAML as
// sigs.k8s.io/yaml writes the same JSON.
func printGeneric(c *command, groups []group, single bool, output string, errs []error) error {
	doc, err := genericDocument(groups, single, false)
	if err != nil {
		return err
	}
	var out []byte
	if output == "json" {
		if out, err = json.MarshalIndent(doc, "", "    "); err == nil {
			out = append(out, '\n')
		}
	} else {
		out, err = yaml.Marshal(doc)
	}
	if err != nil {
		return err
	}
	c.out.Write(out)
	return aggregate(errs)
}

// hideManagedFields drops metadata.managedFields, as kubectl's printers
// do unless --show-managed-fields is given.
func hideManagedFields(obj map[string]any) {
	if md, ok := obj["metadata"].(map[string]any); ok {
		delete(md, "managedFields")
	}
}

// genericDocument is the object get's generic printers are given (its
// printGeneric): one object named alone as it is, anything else, none
// included, as a List of the objects. Objects are as the server returns
// them, decoded as kubectl decodes them (integers as int64, other numbers
// as float64); managedFields are dropped unless keepManagedFields (the
// JSON and YAML printers drop them, the JSONPath printer does not).
func genericDocument(groups []group, single, keepManagedFields bool) (any, error) {
	var items []any
	for _, g := range groups {
		for _, o := range g.objs {
			js, err := serverJSON(g.res, o)
			if err != nil {
				return nil, err
			}
			var m map[string]any
			if err := utiljson.Unmarshal(js, &m); err != nil {
				return nil, err
			}
			if !keepManagedFields {
				hideManagedFields(m)
			}
			items = append(items, m)
		}
	}
	if single && len(items) == 1 {
		return items[0], nil
	}
	if items == nil {
		items = []any{}
	}
	return map[string]any{"apiVersion": "v1", "kind": "List", "items": items,
		"metadata": map[string]any{"resourceVersion": ""}}, nil
}

// countObjects counts the objects found.
func countObjects(groups []group) int {
	n := 0
	for _, g := range groups {
		n += len(g.objs)
	}
	return n
}

// jsonpathFormat splits an -o value of the JSONPath printer into its
// format and template ("jsonpath={.x}": "jsonpath", "{.x}").
func jsonpathFormat(output string) (format, template string, ok bool) {
	for _, f := range []string{"jsonpath", "jsonpath-file", "jsonpath-as-json"} {
		if output == f {
			return f, "", true
		}
		if t, found := strings.CutPrefix(output, f+"="); found {
			return f, t, true
		}
	}
	return "", "", false
}

// printJSONPath is get's -o jsonpath=TEMPLATE, -o jsonpath-as-json=TEMPLATE
// and -o jsonpath-file=FILE (FILE from Shell.Files): the template is
// read when there is something to print (nothing is when
// --ignore-not-found found nothing), then run over printGeneric's
// document, managedFields included, missing keys printing nothing.
func (s *Shell) printJSONPath(c *command, groups []group, single, ignoreNF bool, format, tmpl string, errs []error) error {
	if ignoreNF && countObjects(groups) == 0 {
		return aggregate(errs)
	}
	if tmpl == "" {
		return errors.New("template format specified but no template given")
	}
	if format == "jsonpath-file" {
		data, ok := s.Files[tmpl]
		if !ok {
			return fmt.Errorf("error reading --template %s, open %s: no such file or directory", tmpl, tmpl)
		}
		tmpl = string(data)
	}
	nodes, err := parseJSONPath(tmpl)
	if err != nil {
		return fmt.Errorf("error parsing jsonpath %s, %v", tmpl, err)
	}
	doc, err := genericDocument(groups, single, true)
	if err != nil {
		return err
	}
	out, err := runJSONPath(nodes, doc, true, format == "jsonpath-as-json")
	if err != nil {
		return aggregate(append(errs, jsonpathExecError(tmpl, doc, err)))
	}
	c.out.WriteString(out)
	return aggregate(errs)
}

// customColumn is one column of -o custom-columns: its header and its
// JSONPath template.
type customColumn struct {
	header string
	nodes  []*jpNode
}

// customColumnsFromSpec parses -o custom-columns=HEADER:PATH,… (rule 14;
// kubectl get/customcolumn.go NewCustomColumnsPrinterFromSpec,
// RelaxedJSONPathExpression): a path may be written metadata.name,
// .metadata.name, {metadata.name} or {.metadata.name}.
func customColumnsFromSpec(spec string) ([]customColumn, error) {
	if spec == "" {
		return nil, errors.New("custom-columns format specified but no custom columns given")
	}
	var cols []customColumn
	for _, part := range strings.Split(spec, ",") {
		header, path, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part)
		}
		expr, err := relaxedJSONPath(path)
		if err != nil {
			return nil, err
		}
		nodes, err := parseJSONPath(expr)
		if err != nil {
			return nil, err
		}
		cols = append(cols, customColumn{header: header, nodes: nodes})
	}
	return cols, nil
}

// customColumnsFromFile reads -o custom-columns-file=FILE
// (NewCustomColumnsPrinterFromTemplate): a line of headers and a line of
// paths, each split at blanks.
func (s *Shell) customColumnsFromFile(name string) ([]customColumn, error) {
	data, ok := s.Files[name]
	if !ok && s.ReadFile != nil {
		var err error
		data, err = s.ReadFile(name)
		ok = err == nil
	}
	if !ok {
		return nil, fmt.Errorf("error reading template %s, open %s: no such file or directory\n", name, name)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() {
		return nil, errors.New("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.")
	}
	headers := strings.Fields(sc.Text())
	if !sc.Scan() {
		return nil, errors.New("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.")
	}
	paths := strings.Fields(sc.Text())
	if len(headers) != len(paths) {
		return nil, fmt.Errorf("number of headers (%d) and field specifications (%d) don't match", len(headers), len(paths))
	}
	cols := make([]customColumn, len(headers))
	for i := range headers {
		expr, err := relaxedJSONPath(paths[i])
		if err != nil {
			return nil, err
		}
		nodes, err := parseJSONPath(expr)
		if err != nil {
			return nil, err
		}
		cols[i] = customColumn{header: headers[i], nodes: nodes}
	}
	return cols, nil
}

var relaxedJSONPathRE = regexp.MustCompile(`^\{\.?([^{}]+)\}$|^\.?([^{}]+)$`)

// relaxedJSONPath turns the forms a custom column's path may take into
// "{.path}".
func relaxedJSONPath(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	m := relaxedJSONPathRE.FindStringSubmatch(path)
	if m == nil {
		return "", errors.New("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
	}
	field := m[1]
	if field == "" {
		field = m[2]
	}
	return "{." + field + "}", nil
}

// printCustomColumns prints the objects one row each under one header
// row (unless --no-headers), which comes even when there is no object:
// kubectl's generic printing hands the printer one list of them all. Each
// cell is the column's values, Go-formatted and joined with commas,
// <none> when there is none, through kubectl's tabwriter (cli-runtime
// GetNewTabWriter: minimum width 6, padding 3).
func printCustomColumns(c *command, groups []group, cols []customColumn, noHeaders bool, errs []error) error {
	w := tabwriter.NewWriter(c.out, 6, 4, 3, ' ', tabwriter.RememberWidths)
	if !noHeaders {
		headers := make([]string, len(cols))
		for i, col := range cols {
			headers[i] = col.header
		}
		fmt.Fprintln(w, strings.Join(headers, "\t"))
	}
	for _, g := range groups {
		for _, o := range g.objs {
			js, err := serverJSON(g.res, o)
			if err != nil {
				return err
			}
			var doc map[string]any
			if err := utiljson.Unmarshal(js, &doc); err != nil {
				return err
			}
			cells := make([]string, len(cols))
			for i, col := range cols {
				r := &jpRun{root: col.nodes, allowMissing: true, lastEnd: -1}
				sets, err := r.results(doc, 0)
				if err != nil {
					w.Flush()
					return err
				}
				var vals []string
				if len(sets) == 0 || len(presentValues(sets[0])) == 0 {
					vals = append(vals, "<none>")
				}
				for _, set := range sets {
					for _, v := range presentValues(set) {
						vals = append(vals, terminalEscaper.Replace(fmt.Sprint(v)))
					}
				}
				cells[i] = strings.Join(vals, ",")
			}
			fmt.Fprintln(w, strings.Join(cells, "\t"))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return aggregate(errs)
}

// presentValues drops the absent values a path with missing keys yields.
func presentValues(set []any) []any {
	var out []any
	for _, v := range set {
		if _, absent := v.(jpAbsent); !absent {
			out = append(out, v)
		}
	}
	return out
}

// terminalEscaper is cli-runtime's: a cell cannot move the terminal's
// cursor.
var terminalEscaper = strings.NewReplacer("\x1b", "^[", "\r", "\\r")
