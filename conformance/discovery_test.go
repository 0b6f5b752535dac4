package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/apiserver"
)

// kubernetesDir is where the go command keeps the k8s.io/kubernetes
// module this module requires.
func kubernetesDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/kubernetes").Output()
	if err != nil {
		t.Fatalf("go list -m k8s.io/kubernetes: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// API-1: every resource kubesem's apiserver lists is what upstream's
// discovery documents (api/discovery/*.json, written by a real
// kube-apiserver v1.37.2) say of it — name, singular, kind, scope, verbs,
// short names, categories and subresources — and every resource of a
// group version kubesem serves is listed.
func TestDiscoveryMatchesUpstream(t *testing.T) {
	dir := filepath.Join(kubernetesDir(t), "api", "discovery")
	s := apiserver.New(apiserver.Options{})
	byGV := map[string][]apiserver.Resource{}
	for _, r := range s.Discovery() {
		gv := r.Version
		if r.Group != "" {
			gv = r.Group + "/" + r.Version
		}
		byGV[gv] = append(byGV[gv], r)
	}
	if len(byGV) < 20 {
		t.Fatalf("only %d group versions", len(byGV))
	}
	for gv, ours := range byGV {
		file := "api__v1.json"
		if g, v, ok := strings.Cut(gv, "/"); ok {
			file = "apis__" + g + "__" + v + ".json"
		}
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Errorf("%s: %v", gv, err)
			continue
		}
		var list metav1.APIResourceList
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		type facts struct {
			Singular, Kind           string
			Namespaced               bool
			Verbs, Short, Categories []string
			Subresources             []string
		}
		norm := func(ss []string) []string {
			out := slices.Clone(ss)
			slices.Sort(out)
			if len(out) == 0 {
				return nil
			}
			return out
		}
		theirs := map[string]*facts{}
		for _, r := range list.APIResources {
			if main, sub, ok := strings.Cut(r.Name, "/"); ok {
				if f := theirs[main]; f != nil {
					f.Subresources = norm(append(f.Subresources, sub))
				}
				continue
			}
			theirs[r.Name] = &facts{Singular: r.SingularName, Kind: r.Kind, Namespaced: r.Namespaced,
				Verbs: norm(r.Verbs), Short: norm(r.ShortNames), Categories: norm(r.Categories)}
		}
		for _, r := range ours {
			want := theirs[r.Name]
			if want == nil {
				t.Errorf("%s %s: not in upstream's discovery", gv, r.Name)
				continue
			}
			got := &facts{Singular: r.Singular, Kind: r.Kind, Namespaced: r.Namespaced, Verbs: norm(r.Verbs),
				Short: norm(r.ShortNames), Categories: norm(r.Categories), Subresources: norm(r.Subresources)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %s (-upstream +kubesem):\n%s", gv, r.Name, diff)
			}
			delete(theirs, r.Name)
		}
		for name := range theirs {
			t.Errorf("%s %s: served upstream, missing in kubesem", gv, name)
		}
	}
}
