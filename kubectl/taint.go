package kubectl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Operations `kubectl taint` prints (pkg/cmd/taint/utils.go).
const (
	taintModified  = "modified"
	taintTainted   = "tainted"
	taintUntainted = "untainted"
)

// runTaint is `kubectl taint nodes NAME... KEY[=VALUE]:EFFECT... |
// KEY[:EFFECT]-...` (pkg/cmd/taint/taint.go: Complete, Validate,
// RunTaint; utils.go): the words up to the first taint change name the
// resources, every later word must be a change; each node is changed on
// the client (new taints first, the node's others after them) and sent
// as a strategic merge patch under the field manager kubectl-taint;
// "node/NAME tainted", "untainted" or "modified" (both, or --overwrite)
// is printed per node, a failing node's error comes last.
func runTaint(s *Shell, c *command) error {
	var resources, changes []string
	met := false
	for _, a := range c.args {
		isTaint := strings.Contains(a, "=") || strings.Contains(a, ":") || strings.HasSuffix(a, "-")
		switch {
		case isTaint:
			met = true
			changes = append(changes, a)
		case !met:
			resources = append(resources, a)
		default:
			return fmt.Errorf("all resources must be specified before taint changes: %s", a)
		}
	}
	dry, err := dryRunFlag(c)
	if err != nil {
		return err
	}
	if len(resources) < 1 {
		return errors.New("one or more resources must be specified as <resource> <name>")
	}
	if len(changes) < 1 {
		return errors.New("at least one taint update is required")
	}
	add, remove, err := parseTaints(changes)
	if err != nil {
		return usageError(c, "%s", err.Error())
	}
	// Validate: the type, the conflicts, the flags.
	r, err := s.mappingFor(strings.ToLower(resources[0]))
	if err != nil {
		return err
	}
	if r.kind != "Node" {
		return fmt.Errorf("invalid resource type %s, only node types are supported", strings.ToLower(resources[0]))
	}
	var conflicts []string
	for _, a := range add {
		for _, rm := range remove {
			if a.Key == rm.Key && (rm.Effect == "" || a.Effect == rm.Effect) {
				conflicts = append(conflicts, fmt.Sprintf("%s=%s", rm.Key, rm.Effect))
			}
		}
	}
	if len(conflicts) > 0 {
		return fmt.Errorf("can not both modify and remove the following taint(s) in the same command: %s", strings.Join(conflicts, ", "))
	}
	all, selector := c.bool("all"), c.str("selector")
	if all && selector != "" {
		return errors.New("setting 'all' parameter with a non empty selector is prohibited")
	}
	if !all && selector == "" && len(resources) < 2 {
		return errors.New("at least one resource name must be specified since 'all' parameter is not set")
	}
	args := []string{resources[0]}
	if !all && selector == "" {
		args = append(args, resources[1:]...)
	}
	v, err := s.build(c, selection{args: args, allowEmpty: all, selector: selector, selectAll: all})
	if err != nil {
		return err
	}
	var errs []error
	for _, it := range s.fetch(v, "") {
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		if err := s.taintOne(c, it, add, remove, dry); err != nil {
			errs = append(errs, err)
		}
	}
	return flatAggregate(errs)
}

// taintOne is RunTaint's visit of one node.
func (s *Shell) taintOne(c *command, it *item, add, remove []corev1.Taint, dry dryRunStrategy) error {
	node, ok := it.obj.(*corev1.Node)
	if !ok {
		return fmt.Errorf("unexpected type %T, expected Node", it.obj)
	}
	node = node.DeepCopy()
	before, err := json.Marshal(node)
	if err != nil {
		return err
	}
	if !c.bool("overwrite") {
		var exists []string
		for _, t := range add {
			for _, have := range node.Spec.Taints {
				if t.Key == have.Key && t.Effect == have.Effect {
					exists = append(exists, t.Key)
				}
			}
		}
		if len(exists) > 0 {
			return fmt.Errorf("node %s already has %v taint(s) with same effect(s) and --overwrite is false", node.Name, strings.Join(exists, ","))
		}
	}
	op, taints, err := reorganizeTaints(node.Spec.Taints, c.bool("overwrite"), add, remove)
	if err != nil {
		return err
	}
	node.Spec.Taints = taints
	if dry != dryRunClient {
		after, err := json.Marshal(node)
		if err != nil {
			return err
		}
		patch, err := strategicpatch.CreateTwoWayMergePatch(before, after, &corev1.Node{})
		if err != nil {
			return err
		}
		opts := metav1.PatchOptions{FieldManager: c.str("field-manager")}
		if dry == dryRunServer {
			opts.DryRun = []string{metav1.DryRunAll}
		}
		if _, err := s.Cluster.API().Patch(context.Background(), it.res.gvr(), "", node.Name, types.StrategicMergePatchType, patch, opts, ""); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.out, "%s/%s %s%s\n", it.res.kindName(), node.Name, op, dryRunSuffix(dry))
	return nil
}

// parseTaints splits the changes into taints to add and to remove
// (parseTaints): "key=value:Effect" or "key:Effect" adds, "key:Effect-"
// or "key-" removes; an added taint needs an effect and may not repeat a
// key and effect.
func parseTaints(specs []string) (add, remove []corev1.Taint, err error) {
	seen := map[corev1.TaintEffect]map[string]bool{}
	for _, spec := range specs {
		if strings.HasSuffix(spec, "-") {
			t, err := parseTaint(strings.TrimSuffix(spec, "-"))
			if err != nil {
				return nil, nil, err
			}
			remove = append(remove, corev1.Taint{Key: t.Key, Effect: t.Effect})
			continue
		}
		t, err := parseTaint(spec)
		if err != nil {
			return nil, nil, err
		}
		if t.Effect == "" {
			return nil, nil, fmt.Errorf("invalid taint spec: %v", spec)
		}
		if seen[t.Effect][t.Key] {
			return nil, nil, fmt.Errorf("duplicated taints with the same key and effect: %v", t)
		}
		if seen[t.Effect] == nil {
			seen[t.Effect] = map[string]bool{}
		}
		seen[t.Effect][t.Key] = true
		add = append(add, t)
	}
	return add, remove, nil
}

// parseTaint reads "key[=value][:effect]" (parseTaint's texts).
func parseTaint(st string) (corev1.Taint, error) {
	var t corev1.Taint
	parts := strings.Split(st, ":")
	switch len(parts) {
	case 1:
		t.Key = parts[0]
	case 2:
		t.Effect = corev1.TaintEffect(parts[1])
		switch t.Effect {
		case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			return corev1.Taint{}, fmt.Errorf("invalid taint effect: %v, unsupported taint effect", t.Effect)
		}
		kv := strings.Split(parts[0], "=")
		if len(kv) > 2 {
			return corev1.Taint{}, fmt.Errorf("invalid taint spec: %v", st)
		}
		t.Key = kv[0]
		if len(kv) == 2 {
			t.Value = kv[1]
			if errs := validation.IsValidLabelValue(t.Value); len(errs) > 0 {
				return corev1.Taint{}, fmt.Errorf("invalid taint spec: %v, %s", st, strings.Join(errs, "; "))
			}
		}
	default:
		return corev1.Taint{}, fmt.Errorf("invalid taint spec: %v", st)
	}
	if errs := validation.IsQualifiedName(t.Key); len(errs) > 0 {
		return corev1.Taint{}, fmt.Errorf("invalid taint spec: %v, %s", st, strings.Join(errs, "; "))
	}
	return t, nil
}

// reorganizeTaints is the new list (the taints to add, then the node's
// others) and the operation; a taint to remove that is not there is an
// error (`taint "key:Effect" not found`), reported after the others.
func reorganizeTaints(old []corev1.Taint, overwrite bool, add, remove []corev1.Taint) (string, []corev1.Taint, error) {
	taints := append([]corev1.Taint{}, add...)
	for _, o := range old {
		in := false
		for i := range taints {
			if taints[i].MatchTaint(&o) {
				in = true
				break
			}
		}
		if !in {
			taints = append(taints, o)
		}
	}
	added := len(old) != len(taints)
	var errs []error
	deleted := false
	for _, rm := range remove {
		kept := []corev1.Taint{}
		for _, t := range taints {
			if t.Key == rm.Key && (rm.Effect == "" || t.Effect == rm.Effect) {
				continue
			}
			kept = append(kept, t)
		}
		deleted = len(kept) != len(taints)
		taints = kept
		if !deleted {
			errs = append(errs, fmt.Errorf("taint %q not found", rm.ToString()))
		}
	}
	op := taintUntainted
	switch {
	case (added && deleted) || overwrite:
		op = taintModified
	case added:
		op = taintTainted
	}
	return op, taints, aggregate(errs)
}
