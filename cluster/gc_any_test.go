package cluster

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"pgregory.net/rapid"
)

func ownerRef(o Object, apiVersion, kind string, block bool) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: o.GetName(), UID: o.GetUID(), BlockOwnerDeletion: ptr.To(block)}
}

// RS-11.2, RS-11.3 over any kinds: a ConfigMap owned by a Deployment
// goes with it in the background, holds it in the foreground, and is
// released when the Deployment orphans it.
func TestGarbageCollectionAnyKind(t *testing.T) {
	for _, prop := range []metav1.DeletionPropagation{metav1.DeletePropagationBackground, metav1.DeletePropagationForeground, metav1.DeletePropagationOrphan} {
		t.Run(string(prop), func(t *testing.T) {
			c := newCluster(t)
			d, err := c.Create(deploymentObject("web", 1))
			must(t, err)
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "web-config",
				OwnerReferences: []metav1.OwnerReference{ownerRef(d, "apps/v1", "Deployment", true)}}}
			cmo, err := c.Create(cm)
			must(t, err)
			sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "web-secret",
				OwnerReferences: []metav1.OwnerReference{ownerRef(cmo, "v1", "ConfigMap", false)}}}
			_, err = c.Create(sec)
			must(t, err)
			must(t, c.Advance(10*time.Second))
			must(t, c.Delete(KindDeployment, "", "web", DeleteOptions{Propagation: prop}))
			must(t, c.Advance(30*time.Second))
			_, dErr := c.Get(KindDeployment, "", "web")
			cmNow, cmErr := c.Get("ConfigMap", "", "web-config")
			_, secErr := c.Get("Secret", "", "web-secret")
			if !apierrors.IsNotFound(dErr) {
				t.Fatalf("the Deployment outlived its deletion: %v", dErr)
			}
			switch prop {
			case metav1.DeletePropagationOrphan:
				if cmErr != nil || len(cmNow.GetOwnerReferences()) != 0 || secErr != nil {
					t.Fatalf("orphaned ConfigMap: %v %v, secret %v", cmErr, cmNow, secErr)
				}
			default:
				if !apierrors.IsNotFound(cmErr) || !apierrors.IsNotFound(secErr) {
					t.Fatalf("dependents left: ConfigMap %v, Secret %v", cmErr, secErr)
				}
			}
		})
	}
}

// GC leaves no dependent of a deleted owner under any propagation: over
// random owner graphs of ConfigMaps, Secrets, Deployments and custom
// resources (CronTabs) and a random
// deletion, once settled no object names an owner that is gone, and with
// background or foreground propagation every object whose owners all went
// is gone too.
func TestPropertyGarbageCollectionAnyKind(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := New(Options{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateManifest([]byte(crontabCRD), ""); err != nil {
			t.Fatal(err)
		}
		n := rapid.IntRange(2, 6).Draw(t, "objects")
		var objs []Object
		for i := range n {
			var o Object
			kind := rapid.SampledFrom([]string{"ConfigMap", "Secret", "Deployment", "CronTab"}).Draw(t, fmt.Sprintf("kind%d", i))
			name := fmt.Sprintf("o%d", i)
			switch kind {
			case "ConfigMap":
				o = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}
			case "Secret":
				o = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}}
			case "CronTab":
				o = crontab("", name)
			default:
				o = deploymentObject(name, 0)
			}
			for j, owner := range objs {
				if rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("own%d-%d", i, j)) == 0 {
					kind, av := kindOfAny(owner), "v1"
					switch kind {
					case KindDeployment:
						av = "apps/v1"
					case "":
						kind, av = "CronTab", "stable.example.com/v1"
					}
					o.SetOwnerReferences(append(o.GetOwnerReferences(), ownerRef(owner, av, kind, rapid.Bool().Draw(t, fmt.Sprintf("block%d-%d", i, j)))))
				}
			}
			created, err := c.Create(o)
			if err != nil {
				t.Fatal(err)
			}
			objs = append(objs, created)
		}
		victim := objs[rapid.IntRange(0, n-1).Draw(t, "victim")]
		prop := rapid.SampledFrom([]metav1.DeletionPropagation{metav1.DeletePropagationBackground, metav1.DeletePropagationForeground, metav1.DeletePropagationOrphan}).Draw(t, "propagation")
		vkind := kindOfAny(victim)
		if vkind == "" {
			vkind = "CronTab"
		}
		if err := c.Delete(vkind, "", victim.GetName(), DeleteOptions{Propagation: prop}); err != nil {
			t.Fatal(err)
		}
		if err := c.Advance(2 * time.Minute); err != nil {
			t.Fatal(err)
		}
		alive := map[string]Object{}
		for _, kind := range []string{"ConfigMap", "Secret", KindDeployment, "CronTab"} {
			list, err := c.List(kind, "default", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range list {
				alive[string(o.GetUID())] = o
			}
		}
		if _, ok := alive[string(victim.GetUID())]; ok {
			t.Fatalf("the deleted %s %s is still there", vkind, victim.GetName())
		}
		for _, o := range alive {
			for _, r := range o.GetOwnerReferences() {
				if _, ok := alive[string(r.UID)]; !ok {
					t.Fatalf("%s names the owner %s %s, which is gone", o.GetName(), r.Kind, r.Name)
				}
			}
		}
		if prop == metav1.DeletePropagationOrphan {
			return
		}
		// Every original object all of whose owners are gone must be gone.
		for _, o := range objs {
			refs := o.GetOwnerReferences()
			if len(refs) == 0 {
				continue
			}
			allGone := true
			for _, r := range refs {
				if _, ok := alive[string(r.UID)]; ok {
					allGone = false
				}
			}
			if _, ok := alive[string(o.GetUID())]; ok && allGone {
				t.Fatalf("%s outlived all its owners", o.GetName())
			}
		}
	})
}
