package apiserver

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Resource is one REST resource the server serves, as its discovery
// document describes it.
type Resource struct {
	Group, Version, Kind string
	// Name is the plural resource name: "pods", "deployments".
	Name string
	// Singular is the singular name: "pod", "deployment".
	Singular   string
	Namespaced bool
	// ShortNames are kubectl's abbreviations: "po", "deploy".
	ShortNames []string
	// Categories group resources for kubectl: "all".
	Categories []string
	// Subresources the resource has: "status", "scale", "binding", …
	Subresources []string
	// Verbs the main resource allows: "create", "get", "list", …
	Verbs []string
}

// GroupVersionResource names the resource with its group and version.
func (r Resource) GroupVersionResource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: r.Group, Version: r.Version, Resource: r.Name}
}

// GroupVersionKind names the kind of the resource's objects.
func (r Resource) GroupVersionKind() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind}
}

// GroupResource is the resource as error texts name it: "pods",
// "deployments.apps".
func (r Resource) GroupResource() schema.GroupResource {
	return schema.GroupResource{Group: r.Group, Resource: r.Name}
}

// HasSubresource reports whether the resource has the named subresource.
func (r Resource) HasSubresource(name string) bool { return slices.Contains(r.Subresources, name) }

// Allows reports whether the main resource allows the verb.
func (r Resource) Allows(verb string) bool { return slices.Contains(r.Verbs, verb) }

// builtin is one row of the built-in table: the discovery facts and the
// strategy's.
type builtin struct {
	group, version, kind, resource, singular string
	namespaced                               bool
	shortNames, categories, subresources     []string
	verbs                                    []string
	facts                                    facts
}

// gcPolicy is a strategy's DefaultGarbageCollectionPolicy.
type gcPolicy int

const (
	gcBackground  gcPolicy = iota // dependents deleted in the background (DeleteDependents)
	gcOrphan                      // dependents orphaned unless the request says otherwise
	gcUnsupported                 // never adds the orphan or foregroundDeletion finalizer
)

// facts are what a kind's registry strategy decides that the generic
// store asks about.
type facts struct {
	// gen lists the top-level fields (Go names; "Labels" and
	// "Annotations" for metadata) whose change bumps metadata.generation;
	// "" when the kind does not track generation.
	gen string
	// genOnCreate sets generation 1 on create although updates never bump
	// it; noGenOnCreate leaves a tracked generation unset on create.
	genOnCreate, noGenOnCreate bool
	unconditional              bool // AllowUnconditionalUpdate
	createOnUpdate             bool // AllowCreateOnUpdate
	// fields are the field selectors accepted besides metadata.name and
	// metadata.namespace.
	fields []string
}

var allVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// resourceInfo is a served resource with the strategy that stores it.
type resourceInfo struct {
	Resource
	facts    facts
	strategy *strategy
	// storage is the group and resource objects are kept under: several
	// served versions (autoscaling v1 and v2) or groups (core and
	// events.k8s.io Events) may share one.
	storage schema.GroupResource
	// served is false for a version listed in discovery whose objects
	// cannot be converted to and from the stored version here.
	served bool
	// custom is set for a custom resource's version.
	custom *customResource
}

// registry knows the served resources and maps between kinds, resources
// and kubectl's names for them.
type registry struct {
	byGVR  map[schema.GroupVersionResource]*resourceInfo
	byGVK  map[schema.GroupVersionKind]*resourceInfo
	order  []*resourceInfo
	mapper *meta.DefaultRESTMapper
}

func newRegistry() *registry {
	return &registry{
		byGVR:  map[schema.GroupVersionResource]*resourceInfo{},
		byGVK:  map[schema.GroupVersionKind]*resourceInfo{},
		mapper: meta.NewDefaultRESTMapper(nil),
	}
}

func (g *registry) add(ri *resourceInfo) {
	g.byGVR[ri.GroupVersionResource()] = ri
	if _, ok := g.byGVK[ri.GroupVersionKind()]; !ok {
		g.byGVK[ri.GroupVersionKind()] = ri
	}
	g.order = append(g.order, ri)
	scope := meta.RESTScopeRoot
	if ri.Namespaced {
		scope = meta.RESTScopeNamespace
	}
	gv := schema.GroupVersion{Group: ri.Group, Version: ri.Version}
	g.mapper.AddSpecific(gv.WithKind(ri.Kind), gv.WithResource(ri.Name), gv.WithResource(ri.Singular), scope)
}

// setCustom replaces the served custom resources: the built-in ones keep
// their places, the custom ones follow in the order given, and the
// RESTMapper is rebuilt from them all.
func (g *registry) setCustom(custom []*resourceInfo) {
	order := slices.DeleteFunc(slices.Clone(g.order), func(ri *resourceInfo) bool { return ri.custom != nil })
	g.order = nil
	g.byGVR = map[schema.GroupVersionResource]*resourceInfo{}
	g.byGVK = map[schema.GroupVersionKind]*resourceInfo{}
	g.mapper = meta.NewDefaultRESTMapper(nil)
	for _, ri := range order {
		g.add(ri)
	}
	for _, ri := range custom {
		if g.byGVR[ri.GroupVersionResource()] != nil {
			continue // a built-in resource of the same name wins
		}
		g.add(ri)
	}
}

// lookup finds a served resource by group, version and plural name.
func (g *registry) lookup(gvr schema.GroupVersionResource) (*resourceInfo, error) {
	if ri := g.byGVR[gvr]; ri != nil && ri.served {
		return ri, nil
	}
	return nil, notFoundResource(gvr)
}

// find resolves what a user types for a resource, as kubectl does:
// plural, singular, short name or kind, optionally qualified by group
// ("deployments.apps") or version and group ("deployments.v1.apps"),
// case-insensitively. The preferred (first listed) version wins.
func (g *registry) find(arg string) (*resourceInfo, error) {
	name := strings.ToLower(arg)
	group, version, qualified := "", "", false
	if i := strings.Index(name, "."); i >= 0 {
		name, group, qualified = name[:i], name[i+1:], true
		if j := strings.Index(group, "."); j >= 0 && looksLikeVersion(group[:j]) {
			version, group = group[:j], group[j+1:]
		}
	}
	matches := func(ri *resourceInfo) bool {
		if !ri.served || (qualified && ri.Group != group) || (version != "" && ri.Version != version) {
			return false
		}
		return ri.Name == name || ri.Singular == name || strings.ToLower(ri.Kind) == name || slices.Contains(ri.ShortNames, name)
	}
	// Exact names before short names, as kubectl's expander tries the
	// resource name first.
	for _, ri := range g.order {
		if matches(ri) && (ri.Name == name || ri.Singular == name || strings.ToLower(ri.Kind) == name) {
			return ri, nil
		}
	}
	for _, ri := range g.order {
		if matches(ri) {
			return ri, nil
		}
	}
	return nil, fmt.Errorf("the server doesn't have a resource type %q", arg)
}

func looksLikeVersion(s string) bool {
	return len(s) > 1 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9'
}

// builtinRegistry is the table of built-in resources without a server,
// for questions about kinds that need no state.
var builtinRegistry = func() *registry {
	g := newRegistry()
	for i := range builtins {
		g.add(newBuiltin(&builtins[i]))
	}
	return g
}()

// BuiltinResource finds the served built-in resource of a kind, as
// kubectl would resolve it ("ConfigMap", "configmaps", "cm",
// "deployments.apps").
func BuiltinResource(arg string) (Resource, bool) {
	ri, err := builtinRegistry.find(arg)
	if err != nil {
		return Resource{}, false
	}
	return ri.Resource, true
}

// Discovery lists what the server's discovery documents list: every
// built-in resource at its group's preferred version (virtual, create-only
// resources such as bindings and reviews included), in discovery order.
func (s *Server) Discovery() []Resource {
	var out []Resource
	seen := map[schema.GroupResource]bool{}
	for _, ri := range s.reg.order {
		gr := ri.GroupResource()
		if seen[gr] {
			continue // another version of a resource already listed
		}
		seen[gr] = true
		out = append(out, ri.Resource)
	}
	return out
}
