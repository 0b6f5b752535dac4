package conformance

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/apiserver"
)

// side is one of the two servers a request sequence goes to, with what
// its client last read of each object (copies that go stale as the
// sequence writes), and the resourceVersions and UIDs it has answered
// with, numbered in order so that the two sides' answers can be compared.
type side struct {
	name   string
	do     func(r diffRequest, obj *unstructured.Unstructured) (*unstructured.Unstructured, error)
	copies map[string]*unstructured.Unstructured
	ids    map[string]string
}

// diffRequest is one request of a sequence.
type diffRequest struct {
	verb     string // create, update, update-unconditional, status, get, patch-merge, patch-json, patch-strategic, apply, delete, delete-precondition, release, scale, apply-status, apply-scale
	resource schema.GroupVersionResource
	name     string
	manager  string
	force    bool
	patch    string
	policy   metav1.DeletionPropagation
}

var numbered = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9]+\b`)

// normalize replaces the side's UIDs and resourceVersions in a text by
// their order of first appearance.
func (s *side) normalize(text string) string {
	return numbered.ReplaceAllStringFunc(text, func(m string) string {
		if id, ok := s.ids[m]; ok {
			return id
		}
		return m
	})
}

func (s *side) learn(o *unstructured.Unstructured) {
	for _, v := range []string{string(o.GetUID()), o.GetResourceVersion()} {
		if _, ok := s.ids[v]; v != "" && !ok {
			s.ids[v] = fmt.Sprintf("<%d>", len(s.ids))
		}
	}
}

// view is what is compared of an answer: the error's code, reason and
// normalized message, or the object without its server-chosen values.
func (s *side) view(o *unstructured.Unstructured, err error) string {
	if err != nil {
		se, ok := err.(apierrors.APIStatus)
		if !ok {
			return "error " + err.Error()
		}
		st := se.Status()
		return fmt.Sprintf("error %d %s: %s", st.Code, st.Reason, s.normalize(st.Message))
	}
	if o == nil {
		return "nothing"
	}
	s.learn(o)
	c := o.DeepCopy()
	unstructured.RemoveNestedField(c.Object, "metadata", "creationTimestamp")
	unstructured.RemoveNestedField(c.Object, "metadata", "namespace")
	if c.GetDeletionTimestamp() != nil {
		unstructured.SetNestedField(c.Object, "set", "metadata", "deletionTimestamp")
	}
	// The entries' times, and so their order among entries of one
	// operation, come from the live server's wall clock: compare them
	// without their times, in manager, subresource and version order.
	mf := c.GetManagedFields()
	for i := range mf {
		mf[i].Time = nil
	}
	slices.SortStableFunc(mf, func(a, b metav1.ManagedFieldsEntry) int {
		return cmp.Or(strings.Compare(string(a.Operation), string(b.Operation)), strings.Compare(a.Manager, b.Manager),
			strings.Compare(a.Subresource, b.Subresource), strings.Compare(a.APIVersion, b.APIVersion))
	})
	c.SetManagedFields(mf)
	c.SetUID(types.UID(s.ids[string(o.GetUID())]))
	c.SetResourceVersion(s.ids[o.GetResourceVersion()])
	b, _ := json.MarshalIndent(c.Object, "", " ")
	return string(b)
}

// TestAPIServerMatchesLiveAPIServer sends the same random request
// sequences — creates, updates from fresh and stale copies, unconditional
// updates, status updates, the three patch types, server-side apply with
// two managers (to the object and to its status), scale patches, deletes
// with preconditions, finalizers and propagation policies, on ConfigMaps,
// Deployments and a custom resource — to a real kube-apiserver v1.37.2 and to kubesem's apiserver,
// and compares every answer: status code, reason and message of errors
// (resourceVersions and UIDs numbered by first appearance), and the
// objects returned, but for their times.
func TestAPIServerMatchesLiveAPIServer(t *testing.T) {
	cfg := startAPIServer(t)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := liveClientset(t)
	liveCRD(t, dyn)
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		ns := liveNamespace(t, cs, fmt.Sprintf("diff%d", n))
		ours := apiserver.New(apiserver.Options{})
		if _, err := ours.Create(crdResource, "", diffCRD(), metav1.CreateOptions{FieldManager: "tester"}); err != nil {
			rt.Fatal(err)
		}
		nsObj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if _, err := ours.Create(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, "", nsObj, metav1.CreateOptions{FieldManager: "tester"}); err != nil {
			rt.Fatal(err)
		}
		live := &side{name: "kube-apiserver", copies: map[string]*unstructured.Unstructured{}, ids: map[string]string{}}
		mine := &side{name: "kubesem", copies: map[string]*unstructured.Unstructured{}, ids: map[string]string{}}
		live.do = func(r diffRequest, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			return liveRequest(dyn.Resource(r.resource).Namespace(ns), r, obj)
		}
		mine.do = func(r diffRequest, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			return kubesemRequest(ours, ns, r, obj)
		}
		for i := range rapid.IntRange(1, 14).Draw(rt, "steps") {
			r := drawRequest(rt, i)
			var views [2]string
			for j, s := range []*side{live, mine} {
				obj := requestObject(r, s.copies[r.name])
				out, err := s.do(r, obj)
				if err == nil && out != nil && r.verb != "delete" && r.verb != "delete-precondition" && r.verb != "scale" && r.verb != "apply-scale" {
					s.copies[r.name] = out
				}
				views[j] = s.view(out, err)
				// Learn the object's revision after the request, which a
				// delete does not answer with, so that a later error
				// naming it compares.
				if cur, err := s.do(diffRequest{verb: "get", resource: r.resource, name: r.name}, nil); err == nil && cur != nil {
					s.learn(cur)
				}
			}
			if diff := gocmp.Diff(views[0], views[1]); diff != "" {
				rt.Fatalf("step %d %+v (-kube-apiserver +kubesem):\n%s", i, r, diff)
			}
		}
	})
}

var (
	cmResource      = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	deployResource  = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	crontabResource = schema.GroupVersionResource{Group: "stable.example.com", Version: "v1", Resource: "crontabs"}
	crdResource     = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
)

// diffCRDJSON is the custom resource the sequences also write: a schema
// that prunes, defaults, bounds, enumerates and has a CEL rule, with
// status and scale subresources.
const diffCRDJSON = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
"metadata":{"name":"crontabs.stable.example.com"},
"spec":{"group":"stable.example.com","scope":"Namespaced",
"names":{"plural":"crontabs","singular":"crontab","kind":"CronTab","shortNames":["ct"]},
"versions":[{"name":"v1","served":true,"storage":true,
"subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
"schema":{"openAPIV3Schema":{"type":"object","properties":{
"spec":{"type":"object","properties":{
"cronSpec":{"type":"string"},"image":{"type":"string","enum":["a","b","alice","bob"]},
"replicas":{"type":"integer","minimum":0,"default":1}},
"x-kubernetes-validations":[{"rule":"self.replicas <= 8 || self.image == 'b'","message":"too many replicas need image b"}]},
"status":{"type":"object","properties":{"replicas":{"type":"integer"},"observedGeneration":{"type":"integer"}}}}}}}]}}`

func diffCRD() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON([]byte(diffCRDJSON)); err != nil {
		panic(err)
	}
	return u
}

// liveCRD creates the definition on the live server and waits until it
// is established.
func liveCRD(t testing.TB, dyn dynamic.Interface) {
	ctx := context.Background()
	c := dyn.Resource(crdResource)
	if _, err := c.Create(ctx, diffCRD(), metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		o, err := c.Get(ctx, "crontabs.stable.example.com", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
		for _, c := range conds {
			if m, ok := c.(map[string]any); ok && m["type"] == "Established" && m["status"] == "True" {
				// The CR handler waits two seconds after establishment
				// before serving creates; let it pass once here.
				time.Sleep(2 * time.Second)
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the live CustomResourceDefinition was not established in 30 s")
}

func drawRequest(t *rapid.T, i int) diffRequest {
	r := diffRequest{
		verb: rapid.SampledFrom([]string{"create", "create", "update", "update-unconditional", "status", "get",
			"patch-merge", "patch-json", "patch-strategic", "apply", "apply", "delete", "delete-precondition", "release", "scale", "apply-status", "apply-scale"}).Draw(t, fmt.Sprintf("verb%d", i)),
		resource: rapid.SampledFrom([]schema.GroupVersionResource{cmResource, deployResource, crontabResource}).Draw(t, fmt.Sprintf("resource%d", i)),
		manager:  rapid.SampledFrom([]string{"alice", "bob"}).Draw(t, fmt.Sprintf("manager%d", i)),
		force:    rapid.Bool().Draw(t, fmt.Sprintf("force%d", i)),
		policy:   rapid.SampledFrom([]metav1.DeletionPropagation{"", metav1.DeletePropagationOrphan, metav1.DeletePropagationForeground}).Draw(t, fmt.Sprintf("policy%d", i)),
	}
	prefix := "cm"
	switch r.resource {
	case deployResource:
		prefix = "deploy"
	case crontabResource:
		prefix = "ct"
	}
	r.name = prefix + rapid.SampledFrom([]string{"a", "b"}).Draw(t, fmt.Sprintf("name%d", i))
	v := rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("value%d", i))
	switch r.verb {
	case "patch-merge":
		r.patch = fmt.Sprintf(`{"metadata":{"labels":{"v":"%d"}}}`, v)
	case "patch-json":
		r.patch = fmt.Sprintf(`[{"op":"add","path":"/metadata/annotations","value":{"v":"%d"}}]`, v)
	case "patch-strategic":
		r.patch = fmt.Sprintf(`{"metadata":{"finalizers":["example.com/f%d"]}}`, v)
	case "scale":
		r.patch = fmt.Sprintf(`{"spec":{"replicas":%d}}`, v)
	case "apply-scale":
		r.patch = fmt.Sprintf("apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: %s\nspec:\n  replicas: %d\n", r.name, v)
	case "apply-status":
		switch r.resource {
		case cmResource:
			r.patch = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n", r.name)
		case crontabResource:
			r.patch = fmt.Sprintf("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: %s\nspec:\n  image: b\nstatus:\n  replicas: %d\n", r.name, v)
		default:
			r.patch = fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nstatus:\n  observedGeneration: %d\n  replicas: %d\n", r.name, v, v)
		}
	case "apply":
		switch r.resource {
		case cmResource:
			r.patch = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  k%d: v\n  shared: %s\n", r.name, v, r.manager)
		case crontabResource:
			// 12 replicas are refused by the CEL rule. (No number in the
			// texts: the comparison numbers resourceVersions.)
			r.patch = fmt.Sprintf("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: %s\nspec:\n  replicas: %d\n  image: %s\n", r.name, 4*v, r.manager)
		default:
			r.patch = fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %d\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers:\n      - {name: c, image: nginx}\n", r.name, v)
		}
	}
	return r
}

// requestObject is what a client sends for a request, from its last copy.
func requestObject(r diffRequest, last *unstructured.Unstructured) *unstructured.Unstructured {
	switch r.verb {
	case "create":
		o := &unstructured.Unstructured{}
		switch r.resource {
		case cmResource:
			o.Object = map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"a": "1"}}
		case crontabResource:
			o.Object = map[string]any{"apiVersion": "stable.example.com/v1", "kind": "CronTab",
				"spec":   map[string]any{"cronSpec": "* * * * */5", "unknown": "pruned"},
				"status": map[string]any{"replicas": int64(2)}}
		default:
			o.Object = map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "spec": map[string]any{
				"selector": map[string]any{"matchLabels": map[string]any{"app": "x"}},
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "x"}},
					"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx"}}}}}}
		}
		o.SetName(r.name)
		o.SetFinalizers([]string{"example.com/keep"})
		return o
	case "update", "update-unconditional", "status", "release", "delete-precondition":
		if last == nil {
			return nil
		}
		o := last.DeepCopy()
		switch r.verb {
		case "update":
			o.SetLabels(map[string]string{"updated": "yes"})
		case "update-unconditional":
			o.SetResourceVersion("")
			o.SetAnnotations(map[string]string{"unconditional": "yes"})
		case "status":
			unstructured.SetNestedField(o.Object, int64(3), "status", "observedGeneration")
			unstructured.SetNestedField(o.Object, "b", "spec", "image")
		case "release":
			o.SetFinalizers(nil)
		}
		return o
	}
	return nil
}

func liveRequest(c dynamic.ResourceInterface, r diffRequest, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ctx := context.Background()
	switch r.verb {
	case "create":
		return c.Create(ctx, obj, metav1.CreateOptions{FieldManager: "tester"})
	case "update", "update-unconditional", "release":
		if obj == nil {
			return nil, nil
		}
		return c.Update(ctx, obj, metav1.UpdateOptions{FieldManager: "tester"})
	case "status":
		if obj == nil || r.resource == cmResource {
			return nil, nil
		}
		return c.UpdateStatus(ctx, obj, metav1.UpdateOptions{FieldManager: "tester"})
	case "get":
		return c.Get(ctx, r.name, metav1.GetOptions{})
	case "patch-merge":
		return c.Patch(ctx, r.name, types.MergePatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"})
	case "patch-json":
		return c.Patch(ctx, r.name, types.JSONPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"})
	case "patch-strategic":
		return c.Patch(ctx, r.name, types.StrategicMergePatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"})
	case "apply":
		return c.Patch(ctx, r.name, types.ApplyYAMLPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: r.manager, Force: &r.force})
	case "scale":
		return c.Patch(ctx, r.name, types.MergePatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"}, "scale")
	case "apply-status":
		return c.Patch(ctx, r.name, types.ApplyYAMLPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: r.manager, Force: &r.force}, "status")
	case "apply-scale":
		return c.Patch(ctx, r.name, types.ApplyYAMLPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: r.manager, Force: &r.force}, "scale")
	case "delete", "delete-precondition":
		opts := deleteOptions(r, obj)
		if r.verb == "delete-precondition" && obj == nil {
			return nil, nil
		}
		return nil, c.Delete(ctx, r.name, opts)
	}
	return nil, fmt.Errorf("unknown verb %s", r.verb)
}

func deleteOptions(r diffRequest, obj *unstructured.Unstructured) metav1.DeleteOptions {
	var opts metav1.DeleteOptions
	if r.policy != "" {
		p := r.policy
		opts.PropagationPolicy = &p
	}
	if r.verb == "delete-precondition" && obj != nil {
		rv, uid := obj.GetResourceVersion(), obj.GetUID()
		opts.Preconditions = &metav1.Preconditions{ResourceVersion: &rv, UID: &uid}
	}
	return opts
}

func kubesemRequest(s *apiserver.Server, ns string, r diffRequest, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	var out runtime.Object
	var err error
	switch r.verb {
	case "create":
		out, err = s.Create(r.resource, ns, obj, metav1.CreateOptions{FieldManager: "tester"})
	case "update", "update-unconditional", "release":
		if obj == nil {
			return nil, nil
		}
		out, err = s.Update(r.resource, ns, obj, metav1.UpdateOptions{FieldManager: "tester"})
	case "status":
		if obj == nil || r.resource == cmResource {
			return nil, nil
		}
		out, err = s.Update(r.resource, ns, obj, metav1.UpdateOptions{FieldManager: "tester"}, "status")
	case "get":
		out, err = s.Get(r.resource, ns, r.name)
	case "patch-merge":
		out, err = s.Patch(r.resource, ns, r.name, types.MergePatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"})
	case "patch-json":
		out, err = s.Patch(r.resource, ns, r.name, types.JSONPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"})
	case "patch-strategic":
		out, err = s.Patch(r.resource, ns, r.name, types.StrategicMergePatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"})
	case "apply":
		out, err = s.Patch(r.resource, ns, r.name, types.ApplyYAMLPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: r.manager, Force: &r.force})
	case "scale":
		out, err = s.Patch(r.resource, ns, r.name, types.MergePatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: "tester"}, "scale")
	case "apply-status":
		out, err = s.Patch(r.resource, ns, r.name, types.ApplyYAMLPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: r.manager, Force: &r.force}, "status")
	case "apply-scale":
		out, err = s.Patch(r.resource, ns, r.name, types.ApplyYAMLPatchType, []byte(r.patch), metav1.PatchOptions{FieldManager: r.manager, Force: &r.force}, "scale")
	case "delete", "delete-precondition":
		if r.verb == "delete-precondition" && obj == nil {
			return nil, nil
		}
		_, err = s.Delete(r.resource, ns, r.name, deleteOptions(r, obj))
		return nil, err
	default:
		return nil, fmt.Errorf("unknown verb %s", r.verb)
	}
	if err != nil {
		return nil, err
	}
	u, cerr := runtime.DefaultUnstructuredConverter.ToUnstructured(out)
	if cerr != nil {
		return nil, cerr
	}
	return &unstructured.Unstructured{Object: u}, nil
}
