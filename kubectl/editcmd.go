package kubectl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/mergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/cluster"
)

// editHeader is what kubectl edit writes above the object.
const editHeader = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`

// editReason is one failure the header of a reopened file lists.
type editReason struct {
	head  string
	other []string
}

// runEdit is `kubectl edit TYPE NAME` (rule 11): the object as YAML under
// kubectl's header, handed to Shell.Editor as the temporary file
// /tmp/kubectl-edit-<n>.yaml; what the editor saves is compared without
// comments, turned into a strategic merge patch against the object as it
// was, and sent. An invalid result reopens the file with the reasons in
// its header, as kubectl does, until the editor saves the same text again.
func runEdit(s *Shell, c *command) error {
	if s.Editor == nil {
		return errors.New("kubesem: kubectl edit needs Shell.Editor (the user's editor)")
	}
	switch o := c.str("output"); o {
	case "", "name":
	default:
		return outputFormatError(o, getFormats)
	}
	v, err := s.build(c, selection{args: c.args, files: c.list("filename")})
	if err != nil {
		return err
	}
	if len(v.items) != 1 {
		return fmt.Errorf("kubesem's kubectl edits one object at a time, not %d", len(v.items))
	}
	it := v.items[0]
	orig, err := s.get(it.res, it.ns, it.name)
	if err != nil {
		return err
	}
	if it.res.kind == kindEvent {
		return errors.New("kubesem's kubectl does not edit events")
	}
	original, err := editYAML(it.res, orig)
	if err != nil {
		return err
	}
	s.edits++
	file := fmt.Sprintf("/tmp/kubectl-edit-%d.yaml", s.edits)
	resource := it.res.plural
	if it.res.group != "" {
		resource += "." + it.res.group
	}

	var reasons []editReason
	var edited []byte
	containsError := false
	for round := 1; ; round++ {
		if round > maxEditRounds {
			fmt.Fprintf(c.out, "A copy of your changes has been stored to %q\n", file)
			return fmt.Errorf("kubesem: the file was reopened %d times and still fails; giving up", maxEditRounds)
		}
		var buf bytes.Buffer
		buf.WriteString(editHeader)
		for _, r := range reasons {
			if len(r.other) > 0 {
				fmt.Fprintf(&buf, "# %s:\n", hashOnLineBreak(r.head))
			} else {
				fmt.Fprintf(&buf, "# %s\n", hashOnLineBreak(r.head))
			}
			for _, o := range r.other {
				fmt.Fprintf(&buf, "# * %s\n", hashOnLineBreak(o))
			}
			buf.WriteString("#\n")
		}
		if containsError {
			buf.Write(manualStrip(edited))
		} else {
			buf.Write(original)
		}
		previous := edited
		saved, err := s.Editor(file, buf.Bytes())
		if err != nil {
			return fmt.Errorf("there was a problem with the editor %q", []string{"vi"})
		}
		edited = saved
		if containsError && bytes.Equal(stripComments(previous), stripComments(edited)) {
			fmt.Fprintf(c.out, "A copy of your changes has been stored to %q\n", file)
			return errors.New("Edit cancelled, no valid changes were saved.")
		}
		if bytes.Equal(stripComments(original), stripComments(edited)) {
			c.out.WriteString("Edit cancelled, no changes made.\n")
			return nil
		}
		if len(bytes.TrimSpace(manualStrip(edited))) == 0 {
			c.out.WriteString("Edit cancelled, saved file was empty.\n")
			return nil
		}
		reasons = nil
		objs, err := cluster.Decode(manualStrip(edited))
		if err == nil && len(objs) != 1 {
			err = fmt.Errorf("expected one object, found %d", len(objs))
		}
		if err != nil {
			containsError = true
			reasons = append(reasons, editReason{head: fmt.Sprintf("The edited file had a syntax error: %v", err)})
			continue
		}
		containsError = false
		after := objs[0]
		if ns := after.GetNamespace(); it.res.namespaced && ns != "" && ns != it.ns {
			fmt.Fprintf(c.out, "A copy of your changes has been stored to %q\n", file)
			return fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", ns, it.ns, ns)
		}
		if after.GetUID() != orig.GetUID() {
			fmt.Fprintf(c.out, "A copy of your changes has been stored to %q\n", file)
			return fmt.Errorf("no original object found for %s %q", it.res.kindName(), after.GetName())
		}
		before, _ := json.Marshal(orig)
		now, _ := json.Marshal(after)
		if bytes.Equal(before, now) {
			printName(c, it.res, it.name, "skipped", dryRunNone)
			return nil
		}
		gv, _ := schema.ParseGroupVersion(it.res.apiVersion())
		custom := !objectScheme.Recognizes(gv.WithKind(it.res.kind))
		var patch []byte
		if custom {
			// A kind without a Go type (a custom resource): kubectl's
			// editor falls back to a JSON merge patch, with the same
			// preconditions.
			patch, err = editMergePatch(before, now)
		} else {
			patch, err = strategicpatch.CreateTwoWayMergePatch(before, now, zeroObject(it.res.kind),
				mergepatch.RequireMetadataKeyUnchanged("name"))
		}
		if err != nil {
			if mergepatch.IsPreconditionFailed(err) {
				err = errors.New("At least one of apiVersion, kind and name was changed")
			}
			fmt.Fprintf(c.out, "A copy of your changes has been stored to %q\n", file)
			return err
		}
		pt := types.StrategicMergePatchType
		if custom {
			pt = types.MergePatchType
		}
		if _, err := s.Cluster.PatchAs(it.res.kind, it.ns, it.name, pt, patch); err != nil {
			switch {
			case apierrors.IsInvalid(err):
				r := editReason{head: fmt.Sprintf("%s %q was not valid", resource, it.name)}
				if st, ok := err.(apierrors.APIStatus); ok && st.Status().Details != nil {
					for _, cause := range st.Status().Details.Causes {
						r.other = append(r.other, fmt.Sprintf("%s: %s", cause.Field, cause.Message))
					}
				}
				fmt.Fprintf(c.out, "error: %s %q is invalid\n", resource, it.name)
				reasons = append(reasons, r)
				containsError = true
				continue
			case apierrors.IsNotFound(err):
				fmt.Fprintf(c.out, "error: %s %q could not be found on the server\n", resource, it.name)
				fmt.Fprintf(c.out, "The edits you made on deleted resources have been saved to %q\n", file)
			default:
				fmt.Fprintf(c.out, "error: %s %q could not be patched: %v\n", resource, it.name, err)
				fmt.Fprintf(c.out, "You can run `kubectl replace -f %s` to try this update again.\n", file)
			}
			return errExit
		}
		printName(c, it.res, it.name, "edited", dryRunNone)
		return nil
	}
}

// maxEditRounds bounds how often kubectl edit reopens a failing file
// (MODEL: kubectl reopens it until the user gives up; an Editor that keeps
// changing it would loop for ever).
const maxEditRounds = 20

// errExit is cmdutil.ErrExit: kubectl exits 1, having printed its reason
// already.
var errExit = errors.New("exit status 1")

// editYAML is the object as kubectl edit writes it: apiVersion and kind,
// then the fields in alphabetical order, as its YAML printer writes them.
func editYAML(r *resource, o cluster.Object) ([]byte, error) {
	o = o.DeepCopyObject().(cluster.Object)
	o.SetManagedFields(nil) // kubectl edit hides them, as its printers do
	js, err := serverJSON(r, o)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(js)
}

// stripComments is cmdutil.StripComments: the file as JSON when it is
// YAML, else without its comment lines.
func stripComments(file []byte) []byte {
	if js, err := utilyaml.ToJSON(file); err == nil {
		return js
	}
	return manualStrip(file)
}

// manualStrip is cmdutil.ManualStrip: the lines that are not comments
// ("#!" is not one).
func manualStrip(file []byte) []byte {
	var out []byte
	lines := bytes.Split(file, []byte("\n"))
	for i, line := range lines {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("#")) && !bytes.HasPrefix(t, []byte("#!")) {
			continue
		}
		out = append(out, line...)
		if i < len(lines)-1 {
			out = append(out, '\n')
		}
	}
	return out
}

// hashOnLineBreak keeps a header line a comment: every line break in it
// that is not followed by '#' is followed by "# ".
func hashOnLineBreak(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '\n' && i+1 < len(s) && s[i+1] != '#' {
			b.WriteString("# ")
		}
	}
	return b.String()
}

// editMergePatch is the editor's JSON merge patch from the object as it
// was to the object as edited, refused (as a precondition failure) when
// it changes the apiVersion, the kind or the name.
func editMergePatch(before, now []byte) ([]byte, error) {
	patch, err := jsonpatch.CreateMergePatch(before, now)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(patch, &m); err != nil {
		return nil, err
	}
	for _, pre := range []mergepatch.PreconditionFunc{mergepatch.RequireKeyUnchanged("apiVersion"),
		mergepatch.RequireKeyUnchanged("kind"), mergepatch.RequireMetadataKeyUnchanged("name")} {
		if !pre(m) {
			return nil, mergepatch.NewErrPreconditionFailed(m)
		}
	}
	return patch, nil
}
