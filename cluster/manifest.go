package cluster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

var (
	scheme  = runtime.NewScheme()
	decoder runtime.Decoder
)

func init() {
	if err := corev1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	if err := appsv1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	decoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})
}

// Decode reads a YAML or JSON manifest of one or more documents (`---`
// separated) into typed objects with apimachinery's strict decoder: an
// unknown field, a missing kind or a kind kubesem does not store is an
// error naming the document. Empty documents are skipped.
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
		if err != nil {
			if gvk != nil && runtime.IsNotRegisteredError(err) {
				return nil, fmt.Errorf("resource mapping not found for document %d: no matches for kind %q in version %q", i, gvk.Kind, gvk.GroupVersion().String())
			}
			return nil, fmt.Errorf("error decoding document %d: %w", i, err)
		}
		o, ok := obj.(Object)
		if !ok || kindOf(o) == "" {
			return nil, fmt.Errorf("resource mapping not found for document %d: kubesem does not store kind %q", i, gvk.Kind)
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
	for _, o := range in {
		if o == nil || kindOf(o) == "" {
			return nil, fmt.Errorf("cluster: cannot store a %T", o)
		}
		objs = append(objs, copyObject(o))
	}
	// Check everything on a scratch copy of the store first.
	seen := map[string]bool{}
	for _, o := range objs {
		kind := kindOf(o)
		if o.GetNamespace() == "" {
			o.SetNamespace(nsOr(kind, ns))
		} else if ns != "" && o.GetNamespace() != ns && !clusterScoped(kind) {
			return nil, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", o.GetNamespace(), ns, o.GetNamespace())
		}
		id := kind + "/" + o.GetNamespace() + "/" + o.GetName()
		if o.GetName() != "" && seen[id] && !apply {
			return nil, apiAlreadyExists(kind, o.GetName())
		}
		seen[id] = true
		exists := c.st.get(kind, key{nsOr(kind, o.GetNamespace()), o.GetName()}) != nil
		if exists && apply {
			continue
		}
		if exists {
			return nil, apiAlreadyExists(kind, o.GetName())
		}
		if err := checkCreate(c, kind, nsOr(kind, o.GetNamespace()), o); err != nil {
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
