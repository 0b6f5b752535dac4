package conformance

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	apps "k8s.io/kubernetes/pkg/apis/apps"
	api "k8s.io/kubernetes/pkg/apis/core"
	k8sprinters "k8s.io/kubernetes/pkg/printers"
	printersinternal "k8s.io/kubernetes/pkg/printers/internalversion"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/printers"
)

// genOtherKind draws a list of one kind among those kubesem stores
// without a controller but prints with their handlers' columns, and the
// same list in the internal types the apiserver's printers take.
func genOtherKind(t *rapid.T, now time.Time) ([]runtime.Object, runtime.Object) {
	n := rapid.IntRange(1, 4).Draw(t, "n")
	meta := func(i int) metav1.ObjectMeta {
		m := metav1.ObjectMeta{
			Name:              rapid.SampledFrom([]string{"a", "cfg", "a-much-longer-name", "x9"}).Draw(t, fmt.Sprintf("name%d", i)) + fmt.Sprint(i),
			Namespace:         rapid.SampledFrom([]string{"default", "team-blue"}).Draw(t, fmt.Sprintf("ns%d", i)),
			CreationTimestamp: metav1.NewTime(now.Add(-time.Duration(rapid.IntRange(10, 5000).Draw(t, fmt.Sprintf("age%d", i)))*time.Minute - 30*time.Second)),
		}
		if rapid.Bool().Draw(t, fmt.Sprintf("labels%d", i)) {
			m.Labels = map[string]string{"app": rapid.SampledFrom([]string{"web", "db"}).Draw(t, fmt.Sprintf("app%d", i))}
		}
		return m
	}
	keys := func(label string) []string {
		return rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"a", "b", "c", "config.yaml", "key"}), 0, 4, rapid.ID[string]).Draw(t, label)
	}
	var ours []runtime.Object
	var v1list runtime.Object
	var internal runtime.Object
	switch rapid.IntRange(0, 4).Draw(t, "kind") {
	case 0:
		l := &corev1.ConfigMapList{}
		for i := range n {
			cm := corev1.ConfigMap{ObjectMeta: meta(i), Data: map[string]string{}, BinaryData: map[string][]byte{}}
			for _, k := range keys(fmt.Sprintf("data%d", i)) {
				cm.Data[k] = "v"
			}
			for _, k := range keys(fmt.Sprintf("binary%d", i)) {
				cm.BinaryData[k+"-bin"] = []byte{1}
			}
			l.Items = append(l.Items, cm)
		}
		for i := range l.Items {
			ours = append(ours, &l.Items[i])
		}
		v1list, internal = l, &api.ConfigMapList{}
	case 1:
		l := &corev1.SecretList{}
		for i := range n {
			s := corev1.Secret{ObjectMeta: meta(i), Data: map[string][]byte{},
				Type: rapid.SampledFrom([]corev1.SecretType{corev1.SecretTypeOpaque, corev1.SecretTypeTLS, corev1.SecretTypeDockerConfigJson}).Draw(t, fmt.Sprintf("type%d", i))}
			for _, k := range keys(fmt.Sprintf("data%d", i)) {
				s.Data[k] = []byte("v")
			}
			l.Items = append(l.Items, s)
		}
		for i := range l.Items {
			ours = append(ours, &l.Items[i])
		}
		v1list, internal = l, &api.SecretList{}
	case 2:
		l := &corev1.ServiceAccountList{}
		for i := range n {
			l.Items = append(l.Items, corev1.ServiceAccount{ObjectMeta: meta(i)})
		}
		for i := range l.Items {
			ours = append(ours, &l.Items[i])
		}
		v1list, internal = l, &api.ServiceAccountList{}
	case 3:
		l := &appsv1.StatefulSetList{}
		for i := range n {
			ss := appsv1.StatefulSet{ObjectMeta: meta(i)}
			ss.Spec.Replicas = ptr(int32(rapid.IntRange(0, 12).Draw(t, fmt.Sprintf("replicas%d", i))))
			ss.Status.ReadyReplicas = int32(rapid.IntRange(0, 12).Draw(t, fmt.Sprintf("ready%d", i)))
			for j := range rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("containers%d", i)) {
				ss.Spec.Template.Spec.Containers = append(ss.Spec.Template.Spec.Containers, corev1.Container{Name: fmt.Sprintf("c%d", j), Image: rapid.SampledFrom([]string{"nginx", "redis:7"}).Draw(t, fmt.Sprintf("image%d-%d", i, j))})
			}
			l.Items = append(l.Items, ss)
		}
		for i := range l.Items {
			ours = append(ours, &l.Items[i])
		}
		v1list, internal = l, &apps.StatefulSetList{}
	default:
		l := &corev1.ResourceQuotaList{}
		for i := range n {
			q := corev1.ResourceQuota{ObjectMeta: meta(i)}
			names := rapid.SliceOfNDistinct(rapid.SampledFrom([]corev1.ResourceName{"pods", "requests.cpu", "limits.cpu", "limits.memory", "services", "requests.memory", "count/configmaps"}), 0, 5, rapid.ID[corev1.ResourceName]).Draw(t, fmt.Sprintf("quota%d", i))
			if len(names) > 0 {
				q.Status.Hard, q.Status.Used = corev1.ResourceList{}, corev1.ResourceList{}
				for _, name := range names {
					q.Status.Hard[name] = resource.MustParse(rapid.SampledFrom([]string{"10", "2", "500m", "1Gi"}).Draw(t, fmt.Sprintf("hard%d%s", i, name)))
					if rapid.Bool().Draw(t, fmt.Sprintf("used%d%s", i, name)) {
						q.Status.Used[name] = resource.MustParse(rapid.SampledFrom([]string{"0", "1", "250m", "512Mi"}).Draw(t, fmt.Sprintf("usedq%d%s", i, name)))
					}
				}
			}
			l.Items = append(l.Items, q)
		}
		for i := range l.Items {
			ours = append(ours, &l.Items[i])
		}
		v1list, internal = l, &api.ResourceQuotaList{}
	}
	if err := legacyscheme.Scheme.Convert(v1list, internal, nil); err != nil {
		t.Fatal(err)
	}
	return ours, internal
}

// Printers rule 16: the tables of ConfigMaps, Secrets, ServiceAccounts,
// StatefulSets and ResourceQuotas are, byte for byte, what kubectl prints
// from the server's tables (pkg/printers/internalversion through
// cli-runtime's HumanReadablePrinter), with -o wide, -A, --show-labels
// and --no-headers.
func TestOtherKindTablesMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := time.Now()
		ours, internal := genOtherKind(t, now)
		o := printers.Options{
			Wide:          rapid.Bool().Draw(t, "wide"),
			AllNamespaces: rapid.Bool().Draw(t, "allNamespaces"),
			ShowLabels:    rapid.Bool().Draw(t, "showLabels"),
			NoHeaders:     rapid.Bool().Draw(t, "noHeaders"),
		}
		got, err := printers.Table(ours, now, o)
		if err != nil {
			t.Fatal(err)
		}
		table, err := k8sprinters.NewTableGenerator().With(printersinternal.AddHandlers).GenerateTable(internal, k8sprinters.GenerateOptions{Wide: o.Wide})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		tw := cliprinters.GetNewTabWriter(&buf)
		p := cliprinters.NewTablePrinter(cliprinters.PrintOptions{Wide: o.Wide, WithNamespace: o.AllNamespaces, ShowLabels: o.ShowLabels, NoHeaders: o.NoHeaders})
		if err := p.PrintObj(table, tw); err != nil {
			t.Fatal(err)
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		if got != buf.String() {
			t.Fatalf("kubesem:\n%s\nupstream:\n%s", got, buf.String())
		}
	})
}
