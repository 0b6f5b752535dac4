package cluster

import (
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// API-1: kinds without a modelled controller are stored and served with
// the apiserver's rules, in the same resourceVersion sequence as the rest,
// and watchers see their writes.
func TestEveryKindStored(t *testing.T) {
	c := newCluster(t)
	var seen []string
	c.Watch(func(ch Change) { seen = append(seen, ch.Type+" "+ch.Kind+" "+ch.Object.GetName()) })
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Labels: map[string]string{"app": "web"}},
		Data: map[string]string{"mode": "fast"}}
	out, err := c.Create(cm)
	must(t, err)
	if out.GetNamespace() != "default" || out.GetUID() == "" || out.GetResourceVersion() == "" {
		t.Fatalf("created %+v", out)
	}
	before, _ := strconv.Atoi(out.GetResourceVersion())
	sts := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db"}}
	_, err = c.Create(sts)
	must(t, err)
	p, err := c.Create(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}})
	must(t, err)
	if after, _ := strconv.Atoi(p.GetResourceVersion()); after <= before {
		t.Fatalf("pod resourceVersion %d not after the ConfigMap's %d: two counters", after, before)
	}
	got, err := c.Get("ConfigMap", "", "settings")
	must(t, err)
	if got.(*corev1.ConfigMap).Data["mode"] != "fast" {
		t.Fatalf("got %+v", got)
	}
	list, err := c.List("ConfigMap", "default", "app=web")
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("list: %d", len(list))
	}
	_, err = c.Create(cm)
	if !apierrors.IsAlreadyExists(err) || err.Error() != `configmaps "settings" already exists` {
		t.Fatalf("second create: %v", err)
	}
	out2, err := c.Label("ConfigMap", "", "settings", false, "tier=front")
	must(t, err)
	if out2 != "configmap/settings labeled" {
		t.Fatalf("label: %q", out2)
	}
	must(t, c.Delete("ConfigMap", "", "settings", DeleteOptions{}))
	if _, err := c.Get("ConfigMap", "", "settings"); !apierrors.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if !strings.Contains(strings.Join(seen, "\n"), "ADDED ConfigMap settings") || !strings.Contains(strings.Join(seen, "\n"), "DELETED ConfigMap settings") {
		t.Fatalf("watch saw:\n%s", strings.Join(seen, "\n"))
	}
	if _, err := c.Get("Widget", "", "x"); err == nil || err.Error() != `the server doesn't have a resource type "Widget"` {
		t.Fatalf("unknown kind: %v", err)
	}
}

// A manifest mixing kinds is all or nothing, the registry's checks
// included.
func TestManifestAnyKind(t *testing.T) {
	c := newCluster(t)
	good := `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
`
	_, err := c.CreateManifest([]byte(good+`---
apiVersion: v1
kind: Secret
metadata:
  name: Bad_Name
`), "")
	if !apierrors.IsInvalid(err) {
		t.Fatalf("bad manifest: %v", err)
	}
	if _, err := c.Get("ConfigMap", "", "cfg"); !apierrors.IsNotFound(err) {
		t.Fatalf("a refused manifest stored its first object: %v", err)
	}
	objs, err := c.CreateManifest([]byte(good), "")
	must(t, err)
	if len(objs) != 2 || objs[1].GetObjectKind().GroupVersionKind().Kind != "Job" {
		t.Fatalf("created %v", objs)
	}
	_, err = c.CreateManifest([]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"), "")
	if err == nil || !strings.Contains(err.Error(), `no matches for kind "Widget" in version "example.com/v1"`) {
		t.Fatalf("unknown kind: %v", err)
	}
}

// The namespace controller empties every kind: a ConfigMap and a
// StatefulSet go with their namespace, and a finalizer on a Secret holds
// the namespace until it is removed.
func TestNamespaceDeletionEveryKind(t *testing.T) {
	c := newCluster(t)
	_, err := c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}})
	must(t, err)
	for _, o := range []Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "team"}},
		&appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "team"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "held", Namespace: "team", Finalizers: []string{"example.com/keep"}}},
	} {
		_, err := c.Create(o)
		must(t, err)
	}
	must(t, c.Delete(KindNamespace, "", "team", DeleteOptions{}))
	must(t, c.Advance(time.Minute))
	if _, err := c.Get("ConfigMap", "team", "cfg"); !apierrors.IsNotFound(err) {
		t.Fatalf("ConfigMap outlived the namespace's emptying: %v", err)
	}
	if _, err := c.Get("StatefulSet", "team", "db"); !apierrors.IsNotFound(err) {
		t.Fatalf("StatefulSet outlived the namespace's emptying: %v", err)
	}
	s, err := c.Get("Secret", "team", "held")
	must(t, err)
	if s.GetDeletionTimestamp() == nil {
		t.Fatal("the held Secret was not marked for deletion")
	}
	ns, err := c.Get(KindNamespace, "", "team")
	must(t, err)
	var held string
	for _, cond := range ns.(*corev1.Namespace).Status.Conditions {
		if cond.Type == corev1.NamespaceContentRemaining && cond.Status == corev1.ConditionTrue {
			held = cond.Message
		}
	}
	if held != "Some resources are remaining: secrets. has 1 resource instances" {
		t.Fatalf("NamespaceContentRemaining: %q", held)
	}
	sec := s.(*corev1.Secret)
	sec.Finalizers = nil
	_, err = c.Apply(sec)
	must(t, err)
	must(t, c.RunUntil(func(c *Cluster) bool {
		_, err := c.Get(KindNamespace, "", "team")
		return apierrors.IsNotFound(err)
	}, 5*time.Minute))
}
