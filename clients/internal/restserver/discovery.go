package restserver

import (
	"encoding/json"
	"net/http"
	"runtime"
	"slices"

	"github.com/kubesem/kubesem/apiserver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
)

// serverVersion is what /version answers: the Kubernetes release kubesem
// follows.
var serverVersion = version.Info{
	Major:        "1",
	Minor:        "37",
	GitVersion:   "v1.37.2",
	GitTreeState: "clean",
	GoVersion:    runtime.Version(),
	Compiler:     runtime.Compiler,
	Platform:     runtime.GOOS + "/" + runtime.GOARCH,
}

// serveDiscovery answers /version, /api, /api/{version}, /apis,
// /apis/{group} and /apis/{group}/{version} from the backend's resources
// as they are now, in the legacy (unaggregated) JSON forms; clients that
// ask for the aggregated form fall back to them.
func (s *server) serveDiscovery(w http.ResponseWriter, req *http.Request, parts []string) {
	if req.Method != http.MethodGet {
		s.writeError(w, k8sruntime.SerializerInfo{}, errMethodNotAllowed())
		return
	}
	resources := s.b.Resources()
	var body any
	switch {
	case len(parts) == 1 && parts[0] == "version":
		body = serverVersion
	case len(parts) == 1 && parts[0] == "api":
		v := &metav1.APIVersions{
			TypeMeta:                   metav1.TypeMeta{Kind: "APIVersions", APIVersion: "v1"},
			ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{},
		}
		for _, g := range groups(resources) {
			if g.Name == "" {
				for _, gv := range g.Versions {
					v.Versions = append(v.Versions, gv.Version)
				}
			}
		}
		if len(v.Versions) == 0 {
			v.Versions = []string{"v1"}
		}
		body = v
	case len(parts) == 1 && parts[0] == "apis":
		list := &metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: []metav1.APIGroup{}}
		for _, g := range groups(resources) {
			if g.Name != "" {
				list.Groups = append(list.Groups, g)
			}
		}
		body = list
	case len(parts) == 2 && parts[0] == "apis":
		for _, g := range groups(resources) {
			if g.Name != "" && g.Name == parts[1] {
				g.TypeMeta = metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
				body = &g
			}
		}
	case len(parts) == 2 && parts[0] == "api":
		body = resourceList(resources, "", parts[1])
	case len(parts) == 3 && parts[0] == "apis":
		body = resourceList(resources, parts[1], parts[2])
	}
	if body == nil || body == (*metav1.APIResourceList)(nil) {
		s.writeError(w, k8sruntime.SerializerInfo{}, errNotFound())
		return
	}
	data, err := json.Marshal(body)
	if err != nil {
		writeStatusJSON(w, statusOf(err))
		return
	}
	w.Header().Set("Content-Type", k8sruntime.ContentTypeJSON)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// groups lists the API groups of the resources, in the order they first
// appear, each with its versions in that order; the first is preferred.
func groups(resources []apiserver.Resource) []metav1.APIGroup {
	var out []metav1.APIGroup
	for _, r := range resources {
		i := slices.IndexFunc(out, func(g metav1.APIGroup) bool { return g.Name == r.Group })
		if i < 0 {
			out = append(out, metav1.APIGroup{Name: r.Group})
			i = len(out) - 1
		}
		gv := metav1.GroupVersionForDiscovery{GroupVersion: r.GroupVersionResource().GroupVersion().String(), Version: r.Version}
		if !slices.Contains(out[i].Versions, gv) {
			out[i].Versions = append(out[i].Versions, gv)
		}
	}
	for i := range out {
		out[i].PreferredVersion = out[i].Versions[0]
	}
	return out
}

// subresourceKinds are the group, version and kind of the subresources
// whose objects are not of the parent's kind, and the verbs of each
// subresource that does not take get, patch and update.
var subresourceKinds = map[string]struct {
	group, version, kind string
	verbs                []string
}{
	"scale":               {"autoscaling", "v1", "Scale", nil},
	"binding":             {"", "", "Binding", []string{"create"}},
	"eviction":            {"policy", "v1", "Eviction", []string{"create"}},
	"token":               {"authentication.k8s.io", "v1", "TokenRequest", []string{"create"}},
	"attach":              {"", "", "PodAttachOptions", []string{"create", "get"}},
	"exec":                {"", "", "PodExecOptions", []string{"create", "get"}},
	"portforward":         {"", "", "PodPortForwardOptions", []string{"create", "get"}},
	"log":                 {"", "", "", []string{"get"}},
	"finalize":            {"", "", "", []string{"update"}},
	"proxy":               {"", "", "", []string{"create", "delete", "get", "patch", "update"}},
	"ephemeralcontainers": {"", "", "", nil},
}

// subresourceAllows reports whether a subresource takes a verb, as its
// discovery entry lists it.
func subresourceAllows(sub, verb string) bool {
	if k, ok := subresourceKinds[sub]; ok && k.verbs != nil {
		return slices.Contains(k.verbs, verb)
	}
	return verb == "get" || verb == "patch" || verb == "update"
}

// proxyKinds are the option kinds of the proxy subresources.
var proxyKinds = map[string]string{"pods": "PodProxyOptions", "nodes": "NodeProxyOptions", "services": "ServiceProxyOptions"}

// resourceList is the APIResourceList of a group version, nil when no
// resource is served in it. Each resource is followed by its subresources
// ("deployments/scale"), in name order.
func resourceList(resources []apiserver.Resource, group, ver string) *metav1.APIResourceList {
	var list *metav1.APIResourceList
	for _, r := range resources {
		if r.Group != group || r.Version != ver {
			continue
		}
		if list == nil {
			list = &metav1.APIResourceList{
				TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
				GroupVersion: r.GroupVersionResource().GroupVersion().String(),
				APIResources: []metav1.APIResource{},
			}
		}
		verbs := slices.Clone(r.Verbs)
		if verbs == nil {
			verbs = []string{}
		}
		list.APIResources = append(list.APIResources, metav1.APIResource{
			Name:         r.Name,
			SingularName: r.Singular,
			Namespaced:   r.Namespaced,
			Kind:         r.Kind,
			Verbs:        verbs,
			ShortNames:   slices.Clone(r.ShortNames),
			Categories:   slices.Clone(r.Categories),
		})
		subs := slices.Clone(r.Subresources)
		slices.Sort(subs)
		for _, sub := range subs {
			e := metav1.APIResource{Name: r.Name + "/" + sub, Namespaced: r.Namespaced, Kind: r.Kind, Verbs: []string{"get", "patch", "update"}}
			if k, ok := subresourceKinds[sub]; ok {
				if k.kind != "" {
					e.Group, e.Version, e.Kind = k.group, k.version, k.kind
				}
				if k.verbs != nil {
					e.Verbs = slices.Clone(k.verbs)
				}
			}
			if sub == "proxy" && proxyKinds[r.Name] != "" {
				e.Kind = proxyKinds[r.Name]
			}
			list.APIResources = append(list.APIResources, e)
		}
	}
	return list
}
