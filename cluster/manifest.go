package cluster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kubesem/kubesem/apiserver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

var (
	// scheme holds the Go types of every kind the apiserver serves.
	scheme  = apiserver.NewScheme()
	decoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})
)

// Decode reads a YAML or JSON manifest of one or more documents (`---`
// separated) into typed objects with apimachinery's strict decoder: an
// unknown field, a missing kind or a built-in group's kind the apiserver
// does not serve is an error naming the document. A kind of any other
// group is a custom resource: it is returned as *unstructured.Unstructured
// with its apiVersion and kind, for the cluster to check against the
// CustomResourceDefinitions it serves. Empty documents are skipped.
func Decode(manifest []byte) ([]Object, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(manifest)))
	var out []Object
	for i := 1; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("error parsing manifest: %w", err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		obj, gvk, err := decoder.Decode(doc, nil, nil)
		if err != nil && gvk != nil && runtime.IsNotRegisteredError(err) && gvk.Group != "" && !scheme.IsGroupRegistered(gvk.Group) {
			// A kind of a group no built-in type has: a custom resource,
			// kept as unstructured content for the apiserver to check
			// against its definition.
			u := &unstructured.Unstructured{}
			if uerr := yaml.Unmarshal(doc, &u.Object); uerr != nil {
				return nil, fmt.Errorf("error decoding document %d: %w", i, uerr)
			}
			out = append(out, u)
			continue
		}
		if err != nil {
			if gvk != nil && runtime.IsNotRegisteredError(err) {
				return nil, fmt.Errorf("resource mapping not found for document %d: no matches for kind %q in version %q", i, gvk.Kind, gvk.GroupVersion().String())
			}
			return nil, fmt.Errorf("error decoding document %d: %w", i, err)
		}
		o, ok := obj.(Object)
		if !ok {
			return nil, fmt.Errorf("resource mapping not found for document %d: no matches for kind %q in version %q", i, gvk.Kind, gvk.GroupVersion().String())
		}
		o.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, errors.New("no objects passed to create")
	}
	return out, nil
}

func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(string(doc), "\n") {
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// CreateManifest is `kubectl create -f`: it decodes the manifest and
// creates its objects in order, in namespace unless a document names its
// own. Either every object is created or none is: every object is checked
// first (validation, admission, duplicates), so a bad document leaves the
// store unchanged (MODEL: kubectl creates the good documents of a
// multi-document file and reports the bad ones).
func (c *Cluster) CreateManifest(manifest []byte, namespace string) ([]Object, error) {
	objs, err := Decode(manifest)
	if err != nil {
		return nil, err
	}
	return c.CreateAll(objs, namespace)
}

// ApplyManifest is `kubectl apply -f`: as CreateManifest, but existing
// objects are updated (see Apply).
func (c *Cluster) ApplyManifest(manifest []byte, namespace string) ([]Object, error) {
	objs, err := Decode(manifest)
	if err != nil {
		return nil, err
	}
	return c.ApplyAll(objs, namespace)
}

// CreateAll creates objects (decoded from a manifest, or built in Go) as
// CreateManifest does: all or nothing.
func (c *Cluster) CreateAll(objs []Object, namespace string) ([]Object, error) {
	return c.createAll(objs, namespace, false)
}

// ApplyAll applies objects as ApplyManifest does.
func (c *Cluster) ApplyAll(objs []Object, namespace string) ([]Object, error) {
	return c.createAll(objs, namespace, true)
}

func (c *Cluster) createAll(in []Object, ns string, apply bool) ([]Object, error) {
	objs := make([]Object, 0, len(in))
	res := make([]apiserver.Resource, 0, len(in)) // the resource of each object of a kind not modelled
	for _, o := range in {
		if o == nil {
			return nil, fmt.Errorf("cluster: cannot store a %T", o)
		}
		var r apiserver.Resource
		if kindOf(o) == "" {
			var err error
			if r, err = c.objectResource(o); err != nil {
				if _, ok := o.(*unstructured.Unstructured); ok {
					return nil, err
				}
				return nil, fmt.Errorf("cluster: cannot store a %T", o)
			}
		}
		objs = append(objs, copyObject(o))
		res = append(res, r)
	}
	// Check everything first, without storing anything.
	seen := map[string]bool{}
	for i, o := range objs {
		kind, r := kindOf(o), res[i]
		generic := kind == ""
		namespaced := !clusterScoped(kind)
		if generic {
			kind, namespaced = r.Kind, r.Namespaced
		}
		if o.GetNamespace() == "" {
			if namespaced {
				o.SetNamespace(nsOr(kind, ns))
			}
		} else if ns != "" && o.GetNamespace() != ns && namespaced {
			return nil, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", o.GetNamespace(), ns, o.GetNamespace())
		}
		id := r.Group + "/" + kind + "/" + o.GetNamespace() + "/" + o.GetName()
		alreadyExists := func() error {
			if generic {
				return apierrors.NewAlreadyExists(r.GroupResource(), o.GetName())
			}
			return apiAlreadyExists(kind, o.GetName())
		}
		if o.GetName() != "" && seen[id] && !apply {
			return nil, alreadyExists()
		}
		seen[id] = true
		var exists bool
		if generic {
			_, err := c.srv.Get(r.GroupVersionResource(), genericNamespace(r, o.GetNamespace()), o.GetName())
			exists = err == nil
		} else {
			exists = c.st.get(kind, key{nsOr(kind, o.GetNamespace()), o.GetName()}) != nil
		}
		if exists && apply {
			continue
		}
		if exists {
			return nil, alreadyExists()
		}
		var err error
		if generic {
			_, err = c.srv.Create(r.GroupVersionResource(), genericNamespace(r, o.GetNamespace()), o,
				metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		} else {
			err = checkCreate(c, kind, nsOr(kind, o.GetNamespace()), o)
		}
		if err != nil {
			return nil, err
		}
	}
	var out []Object
	for _, o := range objs {
		var got Object
		var err error
		if apply {
			got, err = c.Apply(o)
		} else {
			got, err = c.Create(o)
		}
		if err != nil {
			return out, err
		}
		out = append(out, got)
	}
	return out, nil
}
