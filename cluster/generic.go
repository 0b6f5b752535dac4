package cluster

import (
	"fmt"
	"strings"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/namespace"
)

// The kinds the cluster's controllers do not act on — ConfigMaps,
// Secrets, StatefulSets, Jobs, every built-in kind of a default v1.37.2
// apiserver — are stored and served by the apiserver's registry with its
// strategies, validation and errors, and otherwise left alone (rule
// API-1 of docs/rules/apiserver.md).

// resourceOf resolves a kind as the cluster's verbs take it ("ConfigMap",
// or any name kubectl accepts: "cm", "configmaps") to a served resource.
func (c *Cluster) resourceOf(kind string) (apiserver.Resource, error) {
	return c.srv.ResourceFor(kind)
}

// ResourceFor resolves a resource as kubectl does from what a user types
// (a plural, singular, short name or kind, optionally qualified by group
// or by version and group), among the built-in resources and the custom
// resources of the definitions the cluster serves.
func (c *Cluster) ResourceFor(arg string) (apiserver.Resource, error) { return c.srv.ResourceFor(arg) }

// ResourceOf is the served resource of an object's kind: a built-in Go
// type, or unstructured content naming its apiVersion and kind (a custom
// resource). A kind nothing serves is kubectl's "no matches for kind"
// error.
func (c *Cluster) ResourceOf(o runtime.Object) (apiserver.Resource, error) {
	return c.objectResource(o)
}

// CustomResourceColumns returns the additionalPrinterColumns of a served
// custom resource version (false for built-in resources).
func (c *Cluster) CustomResourceColumns(r apiserver.Resource) ([]apiextensionsv1.CustomResourceColumnDefinition, bool) {
	return c.srv.CustomResourceColumns(r.GroupVersionResource())
}

// objectResource is the served resource of a typed object's kind.
func (c *Cluster) objectResource(o runtime.Object) (apiserver.Resource, error) {
	if u, ok := o.(*unstructured.Unstructured); ok {
		gvk := u.GroupVersionKind()
		m, err := c.srv.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return apiserver.Resource{}, fmt.Errorf("resource mapping not found for name: %q namespace: %q: no matches for kind %q in version %q\nensure CRDs are installed first", u.GetName(), u.GetNamespace(), gvk.Kind, gvk.GroupVersion().String())
		}
		return c.srv.ResourceFor(m.Resource.Resource + "." + m.Resource.Version + "." + m.Resource.Group)
	}
	kinds, _, err := c.srv.Scheme().ObjectKinds(o)
	if err != nil || len(kinds) == 0 {
		return apiserver.Resource{}, fmt.Errorf("cluster: kubesem does not store %T", o)
	}
	m, err := c.srv.RESTMapper().RESTMapping(kinds[0].GroupKind(), kinds[0].Version)
	if err != nil {
		return apiserver.Resource{}, err
	}
	return c.srv.ResourceFor(m.Resource.Resource + "." + m.Resource.Version + "." + m.Resource.Group)
}

// genericNamespace is the namespace a request for a resource goes to:
// "default" when a namespaced resource names none, "" for a
// cluster-scoped one.
func genericNamespace(r apiserver.Resource, ns string) string {
	if !r.Namespaced {
		return ""
	}
	if ns == "" {
		return namespace.Default
	}
	return ns
}

// createGeneric creates an object of a kind the controllers do not model.
func (c *Cluster) createGeneric(r apiserver.Resource, o Object) (Object, error) {
	ns := genericNamespace(r, o.GetNamespace())
	if err := c.injected("create", r.Kind, o); err != nil {
		return nil, err
	}
	out, err := c.srv.Create(r.GroupVersionResource(), ns, o, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	if err := c.step(); err != nil {
		return nil, err
	}
	return out.(Object), nil
}

// applyGeneric replaces an existing object of a kind the controllers do
// not model with the given one (its status and system metadata stay), or
// creates it.
func (c *Cluster) applyGeneric(r apiserver.Resource, o Object) (Object, error) {
	ns := genericNamespace(r, o.GetNamespace())
	cur, err := c.srv.Get(r.GroupVersionResource(), ns, o.GetName())
	if apierrors.IsNotFound(err) {
		return c.createGeneric(r, o)
	}
	if err != nil {
		return nil, err
	}
	in := o.DeepCopyObject().(Object)
	in.SetNamespace(ns)
	in.SetResourceVersion(cur.(Object).GetResourceVersion())
	in.SetUID("")
	return c.updateGeneric(r, in)
}

func (c *Cluster) updateGeneric(r apiserver.Resource, o Object) (Object, error) {
	if err := c.injected("update", r.Kind, o); err != nil {
		return nil, err
	}
	out, err := c.srv.Update(r.GroupVersionResource(), o.GetNamespace(), o, metav1.UpdateOptions{})
	if err != nil {
		return nil, err
	}
	if err := c.step(); err != nil {
		return nil, err
	}
	return out.(Object), nil
}

// PatchAs is Patch with the patch's type — strategic merge, JSON merge
// (`--type=merge`) or JSON (`--type=json`) — for the kinds the
// controllers do not model, custom resources included, through the
// apiserver's patch (a custom resource refuses a strategic merge patch
// with the apiserver's 415). The modelled kinds take strategic merge
// patches only (MODEL).
func (c *Cluster) PatchAs(kind, namespace, name string, pt types.PatchType, patch []byte) (string, error) {
	r, ok, err := c.generic(kind)
	if err != nil {
		return "", err
	}
	if !ok {
		if pt != types.StrategicMergePatchType {
			return "", fmt.Errorf("cluster: kubesem patches %s with strategic merge patches only", kind)
		}
		return c.Patch(kind, namespace, name, patch)
	}
	return c.patchGeneric(r, namespace, name, pt, patch)
}

func (c *Cluster) patchGeneric(r apiserver.Resource, namespace, name string, pt types.PatchType, patch []byte) (string, error) {
	ns := genericNamespace(r, namespace)
	cur, err := c.getGeneric(r, ns, name)
	if err != nil {
		return "", err
	}
	if err := c.injected("update", r.Kind, cur); err != nil {
		return "", err
	}
	out, err := c.srv.Patch(r.GroupVersionResource(), ns, name, pt, patch, metav1.PatchOptions{FieldManager: "kubectl-patch"})
	if err != nil {
		return "", err
	}
	if err := c.step(); err != nil {
		return "", err
	}
	line := strings.ToLower(r.Kind)
	if r.Group != "" {
		line += "." + r.Group
	}
	line += "/" + name + " patched"
	if out.(Object).GetResourceVersion() == cur.GetResourceVersion() {
		line += " (no change)"
	}
	return line, nil
}

func (c *Cluster) getGeneric(r apiserver.Resource, ns, name string) (Object, error) {
	out, err := c.srv.Get(r.GroupVersionResource(), genericNamespace(r, ns), name)
	if err != nil {
		return nil, err
	}
	return out.(Object), nil
}

func (c *Cluster) listGeneric(r apiserver.Resource, ns, labelSelector string) ([]Object, error) {
	if !r.Namespaced {
		ns = ""
	}
	list, err := c.srv.List(r.GroupVersionResource(), ns, metav1.ListOptions{LabelSelector: labelSelector})
	if err != nil {
		return nil, err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	out := make([]Object, len(items))
	for i, it := range items {
		out[i] = it.(Object)
	}
	return out, nil
}

func (c *Cluster) deleteGeneric(r apiserver.Resource, ns, name string, prop metav1.DeletionPropagation, grace *int64) error {
	ns = genericNamespace(r, ns)
	if o, err := c.getGeneric(r, ns, name); err == nil {
		if err := c.injected("delete", r.Kind, o); err != nil {
			return err
		}
	}
	if _, err := c.srv.Delete(r.GroupVersionResource(), ns, name,
		metav1.DeleteOptions{PropagationPolicy: &prop, GracePeriodSeconds: grace}); err != nil {
		return err
	}
	return c.step()
}

// otherContent lists a namespace's objects of the kinds the controllers
// do not model, for the namespace controller: every namespaced resource
// the apiserver serves.
func (c *Cluster) otherContent(ns string) []namespace.Object {
	var out []namespace.Object
	seen := map[schema.GroupResource]bool{}
	for _, r := range c.srv.Resources() {
		if !r.Namespaced || c.st.modelled(r.Kind) || seen[r.GroupResource()] {
			continue
		}
		seen[r.GroupResource()] = true
		for _, o := range c.srv.Objects(r.GroupVersionResource(), ns) {
			out = append(out, namespace.Object{Kind: r.Kind, Group: r.Group, Resource: r.Name,
				Name: o.GetName(), Finalizers: o.GetFinalizers()})
		}
	}
	return out
}

// deleteOther deletes, for the namespace controller, an object of a kind
// the controllers do not model (background propagation).
func (c *Cluster) deleteOther(ns string, o namespace.Object) {
	gvr := schema.GroupVersionResource{Group: o.Group, Resource: o.Resource}
	r, err := c.srv.ResourceFor(o.Resource + "." + o.Group)
	if err != nil {
		return
	}
	gvr.Version = r.Version
	bg := metav1.DeletePropagationBackground
	_, _ = c.srv.Delete(gvr, ns, o.Name, metav1.DeleteOptions{PropagationPolicy: &bg})
}

// APIResources lists what the apiserver's discovery lists (`kubectl
// api-resources`): every built-in resource at its group's preferred
// version.
func (c *Cluster) APIResources() []apiserver.Resource { return c.srv.Discovery() }

// scaleGeneric writes spec.replicas through the scale subresource of a
// kind the controllers do not model (StatefulSets).
func (c *Cluster) scaleGeneric(r apiserver.Resource, ns, name string, replicas int32) error {
	if !r.HasSubresource("scale") {
		return fmt.Errorf(`the server could not find the requested resource (%s/scale)`, r.GroupResource())
	}
	ns = genericNamespace(r, ns)
	cur, err := c.srv.Get(r.GroupVersionResource(), ns, name, "scale")
	if err != nil {
		return err
	}
	sc := cur.(*autoscalingv1.Scale)
	sc.Spec.Replicas = replicas
	if _, err := c.srv.Update(r.GroupVersionResource(), ns, sc, metav1.UpdateOptions{}, "scale"); err != nil {
		return err
	}
	return c.step()
}
