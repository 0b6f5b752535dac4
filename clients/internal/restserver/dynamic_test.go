package restserver

import (
	"context"
	"slices"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

var (
	crdsGVR  = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	crontabs = schema.GroupVersionResource{Group: "stable.example.com", Version: "v1", Resource: "crontabs"}
)

const crontabCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer, minimum: 1, default: 1}
              cron: {type: string}
          status:
            type: object
            properties:
              replicas: {type: integer}
`

func unstructuredFromYAML(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(s), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDynamicAndDiscovery(t *testing.T) {
	_, cfg := setup(t)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Discovery of the built-in resources.
	_, lists, err := disc.ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	if !hasResource(lists, "apps/v1", "deployments", "deployments/scale", "deployments/status") ||
		!hasResource(lists, "v1", "pods", "pods/status", "namespaces", "namespaces/finalize") {
		t.Fatal("discovery lacks deployments or pods")
	}
	if hasResource(lists, "stable.example.com/v1", "crontabs") {
		t.Fatal("crontabs served before their definition")
	}
	v, err := disc.ServerVersion()
	if err != nil || v.GitVersion != "v1.37.2" || v.Major != "1" || v.Minor != "37" {
		t.Fatalf("version %+v %v", v, err)
	}

	// The dynamic client on a built-in resource.
	cmc := dyn.Resource(configMaps).Namespace("default")
	cm := unstructuredFromYAML(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: dyn}, data: {a: "1"}}`)
	got, err := cmc.Create(ctx, cm, metav1.CreateOptions{})
	if err != nil || got.GetUID() == "" {
		t.Fatalf("create %v %v", got, err)
	}
	got.Object["data"] = map[string]any{"a": "2"}
	if got, err = cmc.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err = cmc.Patch(ctx, "dyn", types.MergePatchType, []byte(`{"data":{"b":"3"}}`), metav1.PatchOptions{}); err != nil || got.Object["data"].(map[string]any)["b"] != "3" {
		t.Fatalf("patch %v %v", got, err)
	}
	if _, err := cmc.Get(ctx, "nope", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get missing %v", err)
	}
	if err := cmc.Delete(ctx, "dyn", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	// A custom resource definition, created as unstructured.
	if _, err := dyn.Resource(crdsGVR).Create(ctx, unstructuredFromYAML(t, crontabCRD), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, lists, err = disc.ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	if !hasResource(lists, "stable.example.com/v1", "crontabs", "crontabs/status", "crontabs/scale") {
		t.Fatal("discovery lacks crontabs")
	}
	cts := dyn.Resource(crontabs).Namespace("default")
	ct, err := cts.Create(ctx, unstructuredFromYAML(t, `{apiVersion: stable.example.com/v1, kind: CronTab, metadata: {name: nightly, labels: {x: "z"}}, spec: {cron: "* * * * */5", unknown: pruned}}`), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if spec := ct.Object["spec"].(map[string]any); spec["replicas"] != int64(1) || spec["unknown"] != nil {
		t.Fatalf("created spec %v: defaulted and pruned expected", spec)
	}
	_, err = cts.Create(ctx, unstructuredFromYAML(t, `{apiVersion: stable.example.com/v1, kind: CronTab, metadata: {name: bad}, spec: {replicas: 0}}`), metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("invalid create: %v", err)
	}
	list, err := cts.List(ctx, metav1.ListOptions{LabelSelector: "x=z"})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
	ct.Object["status"] = map[string]any{"replicas": int64(1)}
	if ct, err = cts.UpdateStatus(ctx, ct, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err = cts.Patch(ctx, "nightly", types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{}); err == nil || apierrors.ReasonForError(err) != metav1.StatusReasonUnsupportedMediaType {
		t.Fatalf("strategic patch of a custom resource: %v", err)
	}
	ap, err := cts.Apply(ctx, "nightly", unstructuredFromYAML(t, `{apiVersion: stable.example.com/v1, kind: CronTab, metadata: {name: nightly}, spec: {cron: daily}}`), metav1.ApplyOptions{FieldManager: "me", Force: true})
	if err != nil || ap.Object["spec"].(map[string]any)["cron"] != "daily" {
		t.Fatalf("apply %v %v", ap, err)
	}
	scale, err := cts.Get(ctx, "nightly", metav1.GetOptions{}, "scale")
	if err != nil || scale.GetKind() != "Scale" {
		t.Fatalf("scale %v %v", scale, err)
	}
	if err := cts.Delete(ctx, "nightly", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	// Deleting the definition takes the resource out of discovery.
	if err := dyn.Resource(crdsGVR).Delete(ctx, "crontabs.stable.example.com", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, lists, err = disc.ServerGroupsAndResources(); err != nil {
		t.Fatal(err)
	}
	if hasResource(lists, "stable.example.com/v1", "crontabs") {
		t.Fatal("crontabs still served after their definition's deletion")
	}
}

// hasResource reports whether discovery lists every named resource in the
// group version.
func hasResource(lists []*metav1.APIResourceList, gv string, names ...string) bool {
	for _, l := range lists {
		if l.GroupVersion != gv {
			continue
		}
		for _, n := range names {
			if !slices.ContainsFunc(l.APIResources, func(r metav1.APIResource) bool { return r.Name == n }) {
				return false
			}
		}
		return true
	}
	return false
}
