package kubectl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/cluster"
)

// resource is one API resource kubesem stores, as discovery names it.
type resource struct {
	kind       string // cluster.Kind*, or "Event"
	plural     string // "pods"
	singular   string // "pod"
	group      string // "" or "apps"
	short      string // "po"
	namespaced bool
	version    string // "" means "v1"
}

// apiVersion is the group and version objects of the resource carry:
// "v1", "apps/v1", "autoscaling/v2".
func (r *resource) apiVersion() string {
	v := r.version
	if v == "" {
		v = "v1"
	}
	if r.group == "" {
		return v
	}
	return r.group + "/" + v
}

const kindEvent = "Event"

// resources in discovery order: the core group (sorted by name), then
// apps. The "all" category lists the namespaced workloads among them in
// this order.
var resources = []*resource{
	{kindEvent, "events", "event", "", "ev", true, ""},
	{cluster.KindNamespace, "namespaces", "namespace", "", "ns", false, ""},
	{cluster.KindNode, "nodes", "node", "", "no", false, ""},
	{cluster.KindPod, "pods", "pod", "", "po", true, ""},
	{cluster.KindReplicationController, "replicationcontrollers", "replicationcontroller", "", "rc", true, ""},
	{cluster.KindResourceQuota, "resourcequotas", "resourcequota", "", "quota", true, ""},
	{cluster.KindService, "services", "service", "", "svc", true, ""},
	{cluster.KindDeployment, "deployments", "deployment", "apps", "deploy", true, ""},
	{cluster.KindReplicaSet, "replicasets", "replicaset", "apps", "rs", true, ""},
}

// categoryAll is what `kubectl get all` and `delete all` expand to (the
// "all" category among the kinds kubesem stores, in discovery order).
var categoryAll = []string{"pods", "replicationcontrollers", "services", "deployments.apps", "replicasets.apps"}

// kindOf is the kind of an object kubesem stores ("" for others).
func kindOf(o cluster.Object) string {
	if _, ok := o.(*corev1.Event); ok {
		return kindEvent
	}
	return cluster.KindOf(o)
}

func schemaGR(r *resource) schema.GroupResource {
	return schema.GroupResource{Group: r.group, Resource: r.plural}
}

func resourceOf(kind string) *resource {
	for _, r := range resources {
		if r.kind == kind {
			return r
		}
	}
	if b, ok := apiserver.BuiltinResource(kind); ok && b.Kind == kind {
		return builtinResource(b)
	}
	return nil
}

// builtinResources are the resources of the other built-in kinds, made
// as they are first named (guarded: shells may run in several
// goroutines).
var (
	builtinMu        sync.Mutex
	builtinResources = map[string]*resource{}
)

// builtinResource is the resource of a kind kubesem's controllers do not
// model, from the apiserver's discovery table (one value per resource, so
// that get groups its objects under one printer).
func builtinResource(b apiserver.Resource) *resource {
	id := fmt.Sprintf("%s/%s/%s/%s/%t", b.Group, b.Version, b.Name, b.Kind, b.Namespaced)
	builtinMu.Lock()
	defer builtinMu.Unlock()
	if r := builtinResources[id]; r != nil {
		return r
	}
	r := &resource{kind: b.Kind, plural: b.Name, singular: b.Singular, group: b.Group, namespaced: b.Namespaced, version: b.Version}
	if len(b.ShortNames) > 0 {
		r.short = b.ShortNames[0]
	}
	builtinResources[id] = r
	return r
}

// groupResource is how API errors and ObjectName name it: "pods",
// "deployments.apps".
func (r *resource) groupResource() string {
	if r.group == "" {
		return r.plural
	}
	return r.plural + "." + r.group
}

// kindName is what kubectl prints before "/<name>": "pod",
// "deployment.apps" (the lower-cased kind and its group).
func (r *resource) kindName() string {
	if r.group == "" {
		return strings.ToLower(r.kind)
	}
	return strings.ToLower(r.kind) + "." + r.group
}

// groupKind is schema.GroupKind's String: "Pod", "Deployment.apps".
func (r *resource) groupKind() string {
	if r.group == "" {
		return r.kind
	}
	return r.kind + "." + r.group
}

// mappingFor finds the resource an argument names: a plural, singular or
// short name or the kind, in any case, optionally followed by ".<group>"
// or ".<version>.<group>" (RESTMapper with the shortcut expander).
func mappingFor(arg string) (*resource, error) {
	name, rest, qualified := strings.Cut(arg, ".")
	lname := strings.ToLower(name)
	for _, r := range resources {
		if lname != r.plural && lname != r.singular && lname != r.short {
			continue
		}
		if !qualified {
			return r, nil
		}
		if rest == r.group || (strings.HasPrefix(rest, "v1.") && rest[3:] == r.group) {
			return r, nil
		}
	}
	if b, ok := apiserver.BuiltinResource(arg); ok {
		return builtinResource(b), nil
	}
	return nil, fmt.Errorf("the server doesn't have a resource type %q", name)
}

// modelled says whether the cluster's controllers act on a resource's
// kind (the kinds with their own verbs in package cluster).
func modelled(r *resource) bool { return slices.Contains(resources, r) }

// mappingFor is mappingFor with the custom resources the shell's cluster
// serves.
func (s *Shell) mappingFor(arg string) (*resource, error) {
	r, err := mappingFor(arg)
	if err == nil || s.Cluster == nil {
		return r, err
	}
	if b, cerr := s.Cluster.ResourceFor(arg); cerr == nil {
		return builtinResource(b), nil
	}
	return nil, err
}

// objectResource is the resource of an object read from a file: a
// built-in kind, or a custom resource the cluster serves.
func (s *Shell) objectResource(o cluster.Object) (*resource, error) {
	if r := resourceOf(kindOf(o)); r != nil {
		return r, nil
	}
	if s.Cluster == nil {
		return nil, fmt.Errorf("kubesem does not store %T", o)
	}
	b, err := s.Cluster.ResourceOf(o)
	if err != nil {
		return nil, err
	}
	return builtinResource(b), nil
}

// ---- the resource builder ---------------------------------------------------

// selection is the builder's input (cli-runtime's resource.Builder as each
// command sets it up).
type selection struct {
	args []string
	// allowEmpty: a type alone selects all of it (get, rollout, label --all).
	allowEmpty bool
	selector   string
	// selectAll is --all given to the builder (delete's SelectAllParam).
	selectAll bool
	files     []string
	allNS     bool
}

// item is one object to visit: by name (obj == nil) or read from a file.
type item struct {
	res    *resource
	ns     string
	name   string
	obj    cluster.Object // from a file, or fetched
	raw    []byte         // the file's document, for apply
	source string         // the file name
	err    error          // reading it failed (fetch)
}

// visits is what the builder resolved: single objects, or lists by selector.
type visits struct {
	items    []*item
	lists    []*resource
	selector string
	// singleItemImplied: one object named, so -o name and friends treat
	// it as one object, not a list.
	singleItemImplied bool
}

var missingResource = errors.New(`You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`)

// build resolves arguments as the builder does (ResourceTypeOrNameArgs,
// FilenameParam, LabelSelectorParam, SelectAllParam, visitorResult).
func (s *Shell) build(c *command, sel selection) (*visits, error) {
	var errs []error
	var resArgs, names []string
	type tuple struct{ res, name string }
	var tuples []tuple

	args := sel.args
	if len(args) >= 2 { // normalizeMultipleResourcesArgs: "a,b n" is "a/n b/n"
		if parts := strings.Split(args[0], ","); len(parts) > 1 {
			var out []string
			for _, p := range parts {
				for _, n := range args[1:] {
					out = append(out, p+"/"+n)
				}
			}
			args = out
		}
	}
	slashes := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashes++
		}
	}
	switch {
	case slashes > 0 && slashes != len(args):
		errs = append(errs, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"))
	case slashes > 0:
		for _, a := range args {
			seg := strings.Split(a, "/")
			if len(seg) != 2 {
				errs = append(errs, errors.New("arguments in resource/name form may not have more than one slash"))
				break
			}
			if seg[0] == "" || seg[1] == "" || strings.Contains(seg[0], ",") {
				errs = append(errs, errors.New("arguments in resource/name form must have a single resource and name"))
				break
			}
			tuples = append(tuples, tuple{seg[0], seg[1]})
		}
	case len(args) > 0:
		resArgs = expandAll(args[0])
		names = args[1:]
	}
	selector := strings.TrimSpace(sel.selector)
	if sel.selectAll && selector != "" {
		errs = append(errs, fmt.Errorf("setting 'all' parameter but found a non empty selector. "))
	}
	// A type alone selects everything of it (labels.Everything).
	bySelector := selector != "" || sel.selectAll || (len(args) == 1 && slashes == 0 && sel.allowEmpty)
	var paths []*item
	for _, f := range sel.files {
		items, err := s.readFile(c, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		paths = append(paths, items...)
	}
	if len(errs) > 0 {
		return nil, aggregate(errs)
	}

	switch {
	case len(sel.files) > 0:
		switch {
		case len(resArgs) > 0:
			return nil, errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
		case len(tuples) > 0:
			return nil, errors.New("resource/name arguments cannot be provided when a path is specified")
		}
		v := &visits{singleItemImplied: len(sel.files) == 1 && len(paths) == 1}
		var filter k8slabels.Selector
		if selector != "" {
			var err error
			if filter, err = k8slabels.Parse(selector); err != nil {
				return nil, fmt.Errorf("the provided selector %q is not valid: %v", selector, err)
			}
		}
		for _, it := range paths {
			if filter != nil && !filter.Matches(k8slabels.Set(it.obj.GetLabels())) {
				continue
			}
			v.items = append(v.items, it)
		}
		return v, nil
	case bySelector:
		switch {
		case len(names) > 0:
			return nil, errors.New("name cannot be provided when a selector is specified")
		case len(tuples) > 0:
			return nil, errors.New("selectors and the all flag cannot be used when passing resource/name arguments")
		case len(resArgs) == 0:
			return nil, errors.New("at least one resource must be specified to use a selector")
		}
		v := &visits{selector: selector}
		for _, a := range resArgs {
			r, err := s.mappingFor(a)
			if err != nil {
				return nil, err
			}
			v.lists = append(v.lists, r)
		}
		return v, nil
	case len(tuples) > 0:
		v := &visits{singleItemImplied: len(tuples) == 1}
		for _, t := range tuples {
			r, err := s.mappingFor(t.res)
			if err != nil {
				return nil, err
			}
			if r.namespaced && sel.allNS {
				return nil, errors.New("a resource cannot be retrieved by name across all namespaces")
			}
			v.items = append(v.items, &item{res: r, ns: nsFor(r, c.ns), name: t.name})
		}
		return v, nil
	case len(names) > 0:
		if len(resArgs) > 1 {
			return nil, errors.New("you must specify only one resource")
		}
		r, err := s.mappingFor(resArgs[0])
		if err != nil {
			return nil, err
		}
		if r.namespaced && sel.allNS {
			return nil, errors.New("a resource cannot be retrieved by name across all namespaces")
		}
		v := &visits{singleItemImplied: len(names) == 1}
		for _, n := range names {
			v.items = append(v.items, &item{res: r, ns: nsFor(r, c.ns), name: n})
		}
		return v, nil
	case len(resArgs) > 0:
		for _, a := range resArgs {
			if _, err := s.mappingFor(a); err != nil {
				return nil, err
			}
		}
		return nil, errors.New("resource(s) were provided, but no name was specified")
	}
	return nil, missingResource
}

// expandAll splits a comma-separated type list, with "all" expanded to
// its category (ReplaceAliases, SplitResourceArgument).
func expandAll(arg string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.Split(arg, ",") {
		parts := []string{a}
		if a == "all" {
			parts = categoryAll
		}
		for _, p := range parts {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

func nsFor(r *resource, ns string) string {
	if !r.namespaced {
		return ""
	}
	return ns
}

// fetch reads the visits' objects from the cluster in the order the
// builder visits them: the named objects, then each list. An object that
// cannot be read is an item with err set; the others are still read.
func (s *Shell) fetch(v *visits, listNS string) []*item {
	var out []*item
	for _, it := range v.items {
		cp := *it
		o, err := s.get(it.res, it.ns, it.name)
		if err != nil {
			cp.err = addSource("getting", it.source, err)
		}
		cp.obj = o
		out = append(out, &cp)
	}
	for _, r := range v.lists {
		objs, err := s.list(r, listNS, v.selector)
		if err != nil {
			out = append(out, &item{res: r, err: err})
			continue
		}
		for _, o := range objs {
			out = append(out, &item{res: r, ns: o.GetNamespace(), name: o.GetName(), obj: o})
		}
	}
	return out
}

// infos is the builder's Infos: the objects read, and the errors of the
// others as ContinueOnError reports them (one as it is, several as an
// aggregate).
func infos(items []*item) ([]*item, error) {
	var ok []*item
	var errs []error
	for _, it := range items {
		if it.err != nil {
			errs = append(errs, it.err)
		} else {
			ok = append(ok, it)
		}
	}
	return ok, flatAggregate(errs)
}

// flatAggregate is a visitor's ContinueOnError result: one error as it
// is, several as an aggregate.
func flatAggregate(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return aggregate(errs)
}

func (s *Shell) get(r *resource, ns, name string) (cluster.Object, error) {
	if r.kind == kindEvent {
		for _, e := range s.Cluster.EventList(ns) {
			if e.Name == name {
				return e, nil
			}
		}
		return nil, apierrors.NewNotFound(schemaGR(r), name)
	}
	return s.Cluster.Get(r.kind, ns, name)
}

// list lists one resource as the API server does: an invalid selector is
// a BadRequest.
func (s *Shell) list(r *resource, ns, selector string) ([]cluster.Object, error) {
	sel, err := k8slabels.Parse(selector)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if !r.namespaced {
		ns = ""
	}
	if r.kind == kindEvent {
		var out []cluster.Object
		for _, e := range s.Cluster.EventList(ns) {
			if sel.Matches(k8slabels.Set(e.Labels)) {
				out = append(out, e)
			}
		}
		return out, nil
	}
	return s.Cluster.List(r.kind, ns, selector)
}

// readFile decodes a file named by -f into items, with the namespace
// kubectl gives them: the command's when the document names none; a
// document naming another namespace than an explicit -n is an error
// (RequireNamespace).
func (s *Shell) readFile(c *command, name string) ([]*item, error) {
	data, ok := s.Files[name]
	if !ok && s.ReadFile != nil {
		var err error
		if data, err = s.ReadFile(name); err == nil {
			ok = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if !ok {
		return nil, fmt.Errorf("the path %q does not exist", name)
	}
	docs, err := splitDocuments(data)
	if err != nil {
		return nil, fmt.Errorf("error parsing %s: %v", name, err)
	}
	if len(docs) == 0 {
		return nil, nil
	}
	objs, err := cluster.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("error parsing %s: %v", name, err)
	}
	if len(objs) != len(docs) {
		return nil, fmt.Errorf("error parsing %s: %d documents, %d objects", name, len(docs), len(objs))
	}
	var out []*item
	for i, o := range objs {
		r, err := s.objectResource(o)
		if err != nil {
			if u, ok := o.(*unstructured.Unstructured); ok {
				// kubectl's builder: no mapping for the document's kind.
				gvk := u.GroupVersionKind()
				return nil, fmt.Errorf("resource mapping not found for name: %q namespace: %q from %q: no matches for kind %q in version %q\nensure CRDs are installed first",
					u.GetName(), u.GetNamespace(), name, gvk.Kind, gvk.GroupVersion().String())
			}
			return nil, fmt.Errorf("error parsing %s: %v", name, err)
		}
		if r.namespaced {
			switch {
			case o.GetNamespace() == "":
				o.SetNamespace(c.ns)
			case c.nsGiven && o.GetNamespace() != c.ns:
				return nil, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", o.GetNamespace(), c.ns, o.GetNamespace())
			}
		}
		out = append(out, &item{res: r, ns: o.GetNamespace(), name: o.GetName(), obj: o, raw: docs[i], source: name})
	}
	return out, nil
}

// splitDocuments splits a manifest at "---" lines, dropping the documents
// that hold only blanks and comments, as cluster.Decode does.
func splitDocuments(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		empty := true
		for _, line := range strings.Split(string(doc), "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				empty = false
				break
			}
		}
		if !empty {
			out = append(out, doc)
		}
	}
}
