package kubectl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/jsonmergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/cluster"
)

// runApply is `kubectl apply -f FILE` (client-side apply): each object is
// created with the last-applied-configuration annotation, or patched with
// kubectl's three-way strategic merge patch; an empty patch is
// "unchanged" and sends nothing.
func runApply(s *Shell, c *command) error {
	if len(c.args) != 0 {
		return usageError(c, "Unexpected args: %v", c.args)
	}
	files := c.list("filename")
	if len(files) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	if c.bool("all") && c.str("selector") != "" {
		return errors.New("cannot set --all and --selector at the same time")
	}
	if err := checkOutput(c); err != nil {
		return err
	}
	v, err := s.build(c, selection{files: files, selector: c.str("selector")})
	if err != nil {
		return err
	}
	if len(v.items) == 0 {
		return errors.New("no objects passed to apply")
	}
	var errs []error
	for _, it := range v.items {
		if err := s.applyOne(c, it); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return aggregate(errs)
}

func (s *Shell) applyOne(c *command, it *item) error {
	obj := it.obj
	record(c, obj)
	doc, err := documentMap(it.raw)
	if err != nil {
		return addSource("creating", it.source, err)
	}
	meta, _ := doc["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		doc["metadata"] = meta
	}
	if it.res.namespaced {
		meta["namespace"] = obj.GetNamespace()
	}
	annotations := map[string]any{}
	for k, v := range obj.GetAnnotations() {
		annotations[k] = v
	}
	delete(annotations, corev1.LastAppliedConfigAnnotation)
	meta["annotations"] = annotations
	// util.GetModifiedConfiguration: the object without the annotation...
	lastApplied, err := encodeJSON(doc)
	if err != nil {
		return err
	}
	live, err := s.Cluster.Get(it.res.kind, it.ns, it.name)
	if isNotFound(err) {
		a := obj.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a[corev1.LastAppliedConfigAnnotation] = string(lastApplied)
		obj.SetAnnotations(a)
		created, err := s.Cluster.Create(obj)
		if err != nil {
			return addSource("creating", it.source, err)
		}
		printName(c, it.res, created.GetName(), "created", dryRunNone)
		return nil
	}
	if err != nil {
		return err
	}
	// ...and with it, as the patch sends it.
	annotations[corev1.LastAppliedConfigAnnotation] = string(lastApplied)
	modified, err := encodeJSON(doc)
	if err != nil {
		return err
	}
	original := []byte(nil)
	if la, ok := live.GetAnnotations()[corev1.LastAppliedConfigAnnotation]; ok {
		original = []byte(la)
	} else {
		fmt.Fprintf(c.out, "Warning: resource %s/%s is missing the %s annotation which is required by kubectl apply. "+
			"kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. "+
			"The missing annotation will be patched automatically.\n", it.res.groupResource(), it.name, corev1.LastAppliedConfigAnnotation)
	}
	current, err := serverJSON(it.res, live)
	if err != nil {
		return err
	}
	// A kind without a Go type (a custom resource) gets a three-way JSON
	// merge patch, the others a strategic one (kubectl's Patcher).
	gv, _ := schema.ParseGroupVersion(it.res.apiVersion())
	custom := !objectScheme.Recognizes(gv.WithKind(it.res.kind))
	var patch []byte
	if custom {
		patch, err = jsonmergepatch.CreateThreeWayJSONMergePatch(original, modified, current)
	} else {
		var meta strategicpatch.LookupPatchMeta
		if meta, err = strategicpatch.NewPatchMetaFromStruct(zeroObject(it.res.kind)); err != nil {
			return err
		}
		patch, err = strategicpatch.CreateThreeWayMergePatch(original, modified, current, meta, true)
	}
	if err != nil {
		return err
	}
	if string(patch) == "{}" {
		warnIfDeleting(c, live)
		printName(c, it.res, it.name, "unchanged", dryRunNone)
		return nil
	}
	pt := types.StrategicMergePatchType
	if custom {
		pt = types.MergePatchType
	}
	if _, err := s.Cluster.PatchAs(it.res.kind, it.ns, it.name, pt, patch); err != nil {
		return err
	}
	if after, err := s.Cluster.Get(it.res.kind, it.ns, it.name); err == nil {
		warnIfDeleting(c, after)
	}
	printName(c, it.res, it.name, "configured", dryRunNone)
	return nil
}

func warnIfDeleting(c *command, o cluster.Object) {
	if o.GetDeletionTimestamp() != nil {
		fmt.Fprintf(c.out, "Warning: Detected changes to resource %s which is currently being deleted.\n", o.GetName())
	}
}

// documentMap reads one manifest document as kubectl's builder does: YAML
// to JSON to an unstructured map (integral numbers become int64).
func documentMap(doc []byte) (map[string]any, error) {
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := utiljson.Unmarshal(js, &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// encodeJSON is the unstructured JSON encoder's output: compact, keys
// sorted, HTML characters escaped, a final newline.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// serverJSON is an object as the API server returns it: with its
// apiVersion and kind.
func serverJSON(r *resource, o cluster.Object) ([]byte, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["apiVersion"] = r.apiVersion()
	m["kind"] = r.kind
	return json.Marshal(m)
}

// objectScheme knows the Go type of every kind the apiserver serves.
var objectScheme = apiserver.NewScheme()

// zeroObject is an empty object of a kind, for the strategic merge
// patch's field metadata.
func zeroObject(kind string) any {
	if r := resourceOf(kind); r != nil && kind != kindEvent {
		gv, _ := schema.ParseGroupVersion(r.apiVersion())
		if o, err := objectScheme.New(gv.WithKind(kind)); err == nil {
			return o
		}
	}
	switch kind {
	case cluster.KindPod:
		return &corev1.Pod{}
	case cluster.KindReplicaSet:
		return &appsv1.ReplicaSet{}
	case cluster.KindReplicationController:
		return &corev1.ReplicationController{}
	case cluster.KindDeployment:
		return &appsv1.Deployment{}
	case cluster.KindNamespace:
		return &corev1.Namespace{}
	case cluster.KindNode:
		return &corev1.Node{}
	case cluster.KindService:
		return &corev1.Service{}
	case cluster.KindResourceQuota:
		return &corev1.ResourceQuota{}
	}
	return &corev1.Event{}
}
