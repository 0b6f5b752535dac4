package kubectl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/labels"
)

// gvr is the resource as the API serves it.
func (r *resource) gvr() schema.GroupVersionResource {
	v := r.version
	if v == "" {
		v = "v1"
	}
	return schema.GroupVersionResource{Group: r.group, Version: v, Resource: r.plural}
}

// errBothAnnotation starts ParseAnnotationEdits' error for a key both set
// and removed, which kubectl annotate reports after its other checks.
const errBothAnnotation = "can not both modify and remove"

// runLabel is `kubectl label` and `kubectl annotate` (L12, RS-14.3,
// RS-14.4; label.go's Complete, Validate and RunLabel, annotate.go's
// ToOptions and RunAnnotate): every object is tried, the errors come
// last. Each object is read, changed on the client and, unless
// --dry-run=client, sent as a JSON merge patch through the cluster's
// apiserver (with --dry-run=server as a dry-run request).
func runLabel(s *Shell, c *command) error {
	isLabel := c.spec.path == "label"
	pairType := map[bool]string{true: "label", false: "annotation"}[isLabel]
	dry, err := dryRunFlag(c)
	if err != nil {
		return err
	}
	resources, changes, err := labels.SplitArgs(c.args, pairType)
	if err != nil {
		return err
	}
	var edits labels.Edits
	var both error // annotate checks it after the others
	if isLabel {
		edits, err = labels.ParseLabelEdits(changes)
	} else {
		edits, err = labels.ParseAnnotationEdits(changes)
		if err != nil && strings.HasPrefix(err.Error(), errBothAnnotation) {
			both, err = err, nil
		}
	}
	if err != nil {
		return err
	}
	all, files, selector := c.bool("all"), c.list("filename"), c.str("selector")
	if all && selector != "" {
		return errors.New("cannot set --all and --selector at the same time")
	}
	if len(resources) < 1 && len(files) == 0 {
		return errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>")
	}
	if len(changes) == 0 {
		return fmt.Errorf("at least one %s update is required", pairType)
	}
	if both != nil {
		return both
	}
	// annotate makes its printer before it reads anything; label makes
	// one per object after the write, so an unknown -o fails only then
	// (a format kubectl knows but kubesem does not print fails at once).
	output := strings.ToLower(c.str("output"))
	formatErr := editOutput(c.str("output"))
	if formatErr != nil && (!isLabel || templateFormat(output)) {
		return formatErr
	}
	allNS := c.bool("all-namespaces")
	v, err := s.build(c, selection{args: resources, allowEmpty: all, selector: selector, files: files, allNS: allNS})
	if err != nil {
		return err
	}
	// The builder implies a single item for one name, one resource/name
	// or one file path (whatever the file holds).
	single := v.singleItemImplied
	if len(files) > 0 {
		single = len(files) == 1
	}
	rv := c.str("resource-version")
	if rv != "" && !single {
		return errors.New("--resource-version may only be used with a single resource")
	}
	listNS := c.ns
	if allNS {
		listNS = cluster.AllNamespaces
	}
	var errs []error
	printed := 0 // annotate's one YAML printer separates its documents
	for _, it := range s.fetch(v, listNS) {
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		var obj cluster.Object
		var op string
		if isLabel {
			obj, op, err = s.labelObject(c, it, edits, dry, rv)
		} else {
			obj, err = s.annotateObject(c, it, edits, dry, rv)
			op = labels.MsgAnnotated
		}
		if err == nil && formatErr != nil {
			err = formatErr
		}
		if err == nil {
			err = printEdited(c, it.res, obj, op, dry, output, printed)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !isLabel {
			printed++
		}
	}
	return flatAggregate(errs)
}

// editOutput is the -o check of label and annotate (PrintFlags with the
// JSON/YAML, name and template printers): kubesem prints names, YAML and
// JSON; the other formats kubectl has (templates, JSONPath, KYAML) are an
// error of kubesem's.
func editOutput(o string) error {
	switch l := strings.ToLower(o); {
	case l == "" || l == "name" || l == "yaml" || l == "json":
		return nil
	case templateFormat(l):
		return fmt.Errorf("kubesem's kubectl does not print -o %s", o)
	}
	return outputFormatError(o, printFormats)
}

// templateFormat says whether an -o value (lower-cased) is one of
// kubectl's printers that kubesem does not model here: kyaml, or a
// template or JSONPath format with or without its template.
func templateFormat(o string) bool {
	format, _, _ := strings.Cut(o, "=")
	return contains(printFormats, format) && format != "name" && format != "yaml" && format != "json"
}

// labelObject is label's visit of one object (RunLabel): the labels
// changed on the client (with "--resource-version" stamped on the object
// when given); then, unless a client dry run, `label "k" not found.` for
// each absent key to remove, --record's annotation, and the merge patch —
// sent only when a label changed. It returns the object as changed on
// the client, which is what label prints, and the operation.
func (s *Shell) labelObject(c *command, it *item, e labels.Edits, dry dryRunStrategy, rv string) (cluster.Object, string, error) {
	obj := copyOf(it.obj)
	if rv != "" {
		// Sent in the patch whatever the stored version: the starting
		// JSON has none.
		obj.SetResourceVersion("")
	}
	before, err := json.Marshal(obj)
	if err != nil {
		return nil, "", err
	}
	if dry != dryRunClient {
		for _, k := range e.Remove {
			if _, ok := obj.GetLabels()[k]; !ok {
				fmt.Fprintf(c.out, "label %q not found.\n", k)
			}
		}
	}
	res, err := labels.ApplyLabels(obj.GetLabels(), e, c.bool("overwrite"))
	if err != nil {
		return nil, "", err
	}
	obj.SetLabels(res.Map)
	if rv != "" {
		obj.SetResourceVersion(rv)
	}
	if dry == dryRunClient {
		return obj, res.Message, nil
	}
	record(c, obj)
	if res.Changed() {
		if _, err := s.mergePatch(c, it, before, obj, dry); err != nil {
			return nil, "", err
		}
	}
	return obj, res.Message, nil
}

// annotateObject is annotate's visit of one object (RunAnnotate): a
// client dry run changes the object on the client only; otherwise
// --record's annotation and the edit are sent as a merge patch, always —
// an empty one included — and the server's answer is what annotate
// prints.
func (s *Shell) annotateObject(c *command, it *item, e labels.Edits, dry dryRunStrategy, rv string) (cluster.Object, error) {
	obj := copyOf(it.obj)
	edit := func() error {
		res, err := labels.ApplyAnnotations(obj.GetAnnotations(), e, c.bool("overwrite"))
		if err != nil {
			return err
		}
		obj.SetAnnotations(res.Map)
		if rv != "" {
			obj.SetResourceVersion(rv)
		}
		return nil
	}
	if dry == dryRunClient {
		if err := edit(); err != nil {
			return nil, err
		}
		return obj, nil
	}
	if rv != "" {
		obj.SetResourceVersion("")
	}
	before, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	record(c, obj)
	if err := edit(); err != nil {
		return nil, err
	}
	return s.mergePatch(c, it, before, obj, dry)
}

// mergePatch sends the JSON merge patch from before to after through the
// cluster's apiserver (resource.Helper's Patch), with the command's field
// manager and, for --dry-run=server, as a dry-run request: the apiserver
// runs its admission and validation and stores nothing.
func (s *Shell) mergePatch(c *command, it *item, before []byte, after cluster.Object, dry dryRunStrategy) (cluster.Object, error) {
	a, err := json.Marshal(after)
	if err != nil {
		return nil, err
	}
	patch, err := jsonpatch.CreateMergePatch(before, a)
	if err != nil {
		return nil, err
	}
	opts := metav1.PatchOptions{FieldManager: c.str("field-manager")}
	if dry == dryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	out, err := s.Cluster.API().Patch(context.Background(), it.res.gvr(), it.ns, it.name, types.MergePatchType, patch, opts, "")
	if err != nil {
		return nil, err
	}
	o, ok := out.(cluster.Object)
	if !ok {
		return nil, fmt.Errorf("kubesem: the apiserver answered a %T", out)
	}
	return o, nil
}

// printEdited prints one labelled or annotated object: "<kind>/<name>
// <op>" with the dry run's suffix, the name alone with -o name, or the
// object as YAML or JSON (as the server returns it, managedFields left
// out); a YAML document after the printer's first starts with "---".
func printEdited(c *command, r *resource, obj cluster.Object, op string, dry dryRunStrategy, output string, printed int) error {
	switch output {
	case "", "name":
		if output == "name" {
			fmt.Fprintf(c.out, "%s/%s\n", r.kindName(), obj.GetName())
			return nil
		}
		fmt.Fprintf(c.out, "%s/%s %s%s\n", r.kindName(), obj.GetName(), op, dryRunSuffix(dry))
		return nil
	}
	js, err := serverJSON(r, obj)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := utiljson.Unmarshal(js, &m); err != nil {
		return err
	}
	hideManagedFields(m)
	var out []byte
	if output == "json" {
		if out, err = json.MarshalIndent(m, "", "    "); err != nil {
			return err
		}
		out = append(out, '\n')
	} else {
		if out, err = yaml.Marshal(m); err != nil {
			return err
		}
		if printed > 0 {
			c.out.WriteString("---\n")
		}
	}
	c.out.Write(out)
	return nil
}
