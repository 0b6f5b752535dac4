package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/probe"
	"github.com/kubesem/kubesem/workload"
)

// The shortcuts (the ReplicaSet and RC syncs': a sync reads only its
// own pods and the orphans unless it may delete, a workload.Memo per
// controller, the skipped repeat of a quiet sync; the store's: a pod
// template defaulted and validated once per sync, reflection-free status
// and spec comparisons; the scheduler's: nodes visited by (pods, name)
// with their allocatable summed once, requests summed once per template,
// the books left alone when a write cannot change them) change nothing:
// the same scenario run with and without them gives the same events and
// the same objects, resourceVersions included. The scenarios mix
// overlapping selectors (adoption, release), orphaning deletes,
// relabelled and deleted pods, scaling, image changes (rolling and
// Recreate), node failures, quotas, and templates that request cpu (two
// such pods fill a worker), pin a node or have a larger init container.
func TestPropertyShortcutsChangeNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		var actions []func(c *Cluster) error
		pick := func(c *Cluster, kind, ns string, i int) Object {
			objs, _ := c.List(kind, ns, "")
			if len(objs) == 0 {
				return nil
			}
			return objs[i%len(objs)]
		}
		// Pods of every controller carry tier=web, so a standalone
		// ReplicaSet or RC with that selector competes for orphans.
		// Some templates request cpu (two such pods fill a worker, so the
		// scheduler's filters reject nodes), pin a node, or have an init
		// container asking for more than the app.
		template := func(app, image string, shape int) corev1.PodTemplateSpec {
			t := corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app, "tier": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}},
			}
			cpu := func(q string) corev1.ResourceRequirements {
				return corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(q)}}
			}
			switch shape {
			case 1:
				t.Spec.Containers[0].Resources = cpu("700m")
			case 2:
				t.Spec.NodeSelector = map[string]string{"kubernetes.io/hostname": "worker2"}
			case 3:
				t.Spec.Containers[0].Resources = cpu("300m")
				t.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox", Resources: cpu("1200m")}}
			}
			return t
		}
		images := []string{"app:v1", "app:v2", "crash:v1"}
		for range rapid.IntRange(1, 14).Draw(t, "steps") {
			ns := rapid.SampledFrom([]string{"default", "team"}).Draw(t, "ns")
			name := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "name")
			n := int32(rapid.IntRange(0, 7).Draw(t, "replicas"))
			image := rapid.SampledFrom(images).Draw(t, "image")
			i := rapid.IntRange(0, 50).Draw(t, "index")
			shape := rapid.IntRange(0, 3).Draw(t, "shape")
			var act func(c *Cluster) error
			switch rapid.IntRange(0, 12).Draw(t, "action") {
			case 0, 1:
				recreate := rapid.Bool().Draw(t, "recreate")
				act = func(c *Cluster) error {
					d := deploymentObject("d"+name, n)
					d.Namespace = ns
					if recreate {
						d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
					}
					d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "d" + name}}
					d.Spec.Template = template("d"+name, image, shape)
					_, err := c.Create(d)
					return err
				}
			case 2:
				sel := rapid.SampledFrom([]string{"app", "tier"}).Draw(t, "rsSelects")
				act = func(c *Cluster) error {
					rs := rsObject("r"+name, n)
					rs.Namespace = ns
					rs.Spec.Template = template("r"+name, image, shape)
					rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{sel: rs.Spec.Template.Labels[sel]}}
					_, err := c.Create(rs)
					return err
				}
			case 3:
				act = func(c *Cluster) error {
					tmpl := template("rc", image, shape)
					_, err := c.Create(&corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "rc" + name, Namespace: ns},
						Spec: corev1.ReplicationControllerSpec{Replicas: &n, Selector: map[string]string{"tier": "web"}, Template: &tmpl}})
					return err
				}
			case 4:
				act = func(c *Cluster) error {
					_, err := c.SetImage(ns, "d"+name, map[string]string{"c": image}, "")
					return err
				}
			case 5:
				kind := rapid.SampledFrom([]string{KindDeployment, KindReplicaSet, KindReplicationController}).Draw(t, "scaled")
				act = func(c *Cluster) error {
					if o := pick(c, kind, ns, i); o != nil {
						return c.Scale(kind, ns, o.GetName(), n)
					}
					return nil
				}
			case 6:
				kind := rapid.SampledFrom([]string{KindDeployment, KindReplicaSet, KindReplicationController, KindPod}).Draw(t, "deleted")
				prop := rapid.SampledFrom([]metav1.DeletionPropagation{metav1.DeletePropagationBackground, metav1.DeletePropagationForeground, metav1.DeletePropagationOrphan}).Draw(t, "cascade")
				act = func(c *Cluster) error {
					if o := pick(c, kind, ns, i); o != nil {
						return c.Delete(kind, ns, o.GetName(), DeleteOptions{Propagation: prop})
					}
					return nil
				}
			case 7:
				label := rapid.SampledFrom([]string{"tier=db", "tier-", "app=da", "app=rb"}).Draw(t, "label")
				act = func(c *Cluster) error {
					if o := pick(c, KindPod, ns, i); o != nil {
						_, err := c.Label(KindPod, ns, o.GetName(), true, label)
						return err
					}
					return nil
				}
			case 8:
				node := rapid.SampledFrom([]string{"worker1", "worker2"}).Draw(t, "node")
				act = func(c *Cluster) error {
					if st, ok := c.nodes[node]; ok && !st.up {
						return c.StartNode(node)
					}
					return c.StopNode(node)
				}
			case 9:
				act = func(c *Cluster) error {
					_, err := c.Create(&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", Namespace: ns},
						Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse(fmt.Sprint(n))}}})
					return err
				}
			default:
				d := time.Duration(rapid.IntRange(1, 400).Draw(t, "seconds")) * time.Second
				act = func(c *Cluster) error { return c.Advance(d) }
			}
			actions = append(actions, act)
		}
		run := func(on bool) (*Cluster, []string) {
			defer func(old bool) { shortcuts = old }(shortcuts)
			shortcuts = on
			c, err := New(Options{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			c.Program("crash:v1", probe.Script{Exit: func(int) (time.Duration, int32, bool) { return 20 * time.Second, 1, true }})
			if _, err := c.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}}); err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, act := range actions {
				if err := act(c); err != nil {
					errs = append(errs, err.Error())
				}
			}
			if err := c.Advance(10 * time.Minute); err != nil {
				errs = append(errs, err.Error())
			}
			return c, errs
		}
		with, withErrs := run(true)
		without, withoutErrs := run(false)
		if diff := cmp.Diff(withoutErrs, withErrs); diff != "" {
			t.Fatalf("errors differ (-without +with shortcuts):\n%s", diff)
		}
		if diff := cmp.Diff(without.Events(), with.Events()); diff != "" {
			t.Fatalf("events differ (-without +with shortcuts):\n%s", diff)
		}
		for _, kind := range kinds {
			if diff := cmp.Diff(without.st.list(kind, ""), with.st.list(kind, "")); diff != "" {
				t.Fatalf("%s objects differ (-without +with shortcuts):\n%s", kind, diff)
			}
		}
	})
}

// RS-6.6 through the tallies (workload.SyncOwned): a Deployment's
// scale-down deletes first the pods on the node crowded with pods its
// ReplicaSets select — here pods of a standalone ReplicaSet that carry
// the Deployment's labels and pod-template-hash, all on worker1. The
// tallies count only the pods a ReplicaSet controls, so the hash count
// must send this sync to the namespace's list; with and without the
// shortcuts the same pods go.
func TestScaleDownRanksForeignPodsWithTheHash(t *testing.T) {
	run := func(on bool) (deleted []string) {
		defer func(old bool) { shortcuts = old }(shortcuts)
		shortcuts = on
		c := newCluster(t)
		_, err := c.Create(deploymentObject("web", 4))
		must(t, err)
		must(t, c.Advance(30*time.Second))
		rss, err := c.List(KindReplicaSet, "default", "")
		must(t, err)
		if len(rss) != 1 {
			t.Fatalf("want the Deployment's ReplicaSet, got %d", len(rss))
		}
		hash := rss[0].GetLabels()[appsv1.DefaultDeploymentUniqueLabelKey]
		for _, p := range mustPods(t, c) {
			if p.Spec.NodeName == "" {
				t.Fatalf("pod %s not scheduled", p.Name)
			}
		}
		stray := rsObject("stray", 2)
		stray.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"owner": "stray"}}
		stray.Spec.Template.Labels = map[string]string{"owner": "stray", "app": "web", appsv1.DefaultDeploymentUniqueLabelKey: hash}
		stray.Spec.Template.Spec.NodeSelector = map[string]string{"kubernetes.io/hostname": "worker1"}
		_, err = c.Create(stray)
		must(t, err)
		must(t, c.Advance(30*time.Second))
		before := map[string]string{}
		for _, p := range mustPods(t, c) {
			before[p.Name] = p.Spec.NodeName
		}
		must(t, c.Scale(KindDeployment, "default", "web", 2))
		must(t, c.Advance(time.Second))
		for _, e := range c.Events() {
			if e.Reason == "SuccessfulDelete" {
				name := strings.TrimPrefix(e.Message, "Deleted pod: ")
				deleted = append(deleted, name+"@"+before[name])
			}
		}
		return deleted
	}
	with := run(true)
	without := run(false)
	if diff := cmp.Diff(without, with); diff != "" {
		t.Fatalf("deletions differ (-without +with shortcuts):\n%s", diff)
	}
	if len(with) != 2 {
		t.Fatalf("want 2 deletions, got %v", with)
	}
	for _, d := range with {
		if !strings.HasSuffix(d, "@worker1") {
			t.Fatalf("deleted %v: want the two on worker1, crowded with the stray pods", with)
		}
	}
}

// A template's metadata validated once (podTemplateMemo.metaErrors) gives
// the errors workload.ValidateObjectMeta gives each pod made from it, in
// the same order: valid and invalid names, namespaces, labels,
// annotations, owner references and finalizers; a pod whose metadata
// differs from the template's is validated whole.
func TestPropertyTemplateMetaErrors(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		str := func(label string, values ...string) string { return rapid.SampledFrom(values).Draw(t, label) }
		meta := func() metav1.ObjectMeta {
			m := metav1.ObjectMeta{GenerateName: str("generateName", "web-", "Web_", ""), Namespace: str("namespace", "default", "Bad_NS", "")}
			if rapid.Bool().Draw(t, "hasLabels") {
				m.Labels = map[string]string{str("labelKey", "app", "bad key", "x/y/z"): str("labelValue", "web", "-bad", "")}
			}
			if rapid.Bool().Draw(t, "hasAnnotations") {
				m.Annotations = map[string]string{str("annotationKey", "note", "bad key"): "v"}
			}
			if rapid.Bool().Draw(t, "hasOwner") {
				m.OwnerReferences = []metav1.OwnerReference{{APIVersion: str("apiVersion", "apps/v1", ""), Kind: "ReplicaSet", Name: str("ownerName", "web", ""), UID: "u1",
					Controller: ptrTo(rapid.Bool().Draw(t, "controller"))}}
			}
			if rapid.Bool().Draw(t, "hasFinalizers") {
				m.Finalizers = []string{str("finalizer", "example.com/f", "bad finalizer", "kubernetes")}
			}
			return m
		}
		tmpl := &corev1.Pod{ObjectMeta: meta()}
		m := &podTemplateMemo{from: tmpl}
		path := field.NewPath("metadata")
		for range rapid.IntRange(1, 3).Draw(t, "pods") {
			p := &corev1.Pod{ObjectMeta: *tmpl.ObjectMeta.DeepCopy()}
			p.Name = str("name", "web-abcde", "Bad_Name", "")
			if rapid.Bool().Draw(t, "differs") {
				p.ObjectMeta = meta()
				p.Name = "web-x"
			}
			want := workload.ValidateObjectMeta(&p.ObjectMeta, path)
			got := m.metaErrors(p, path)
			if diff := cmp.Diff(want.ToAggregate(), got.ToAggregate()); diff != "" {
				t.Fatalf("errors (-whole +memo):\n%s", diff)
			}
		}
	})
}
