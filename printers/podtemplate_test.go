package printers

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DescribePodTemplate (polymorphichelpers' printTemplate over
// describe.DescribePodTemplate): the lines of describe rs's "Pod
// Template:" block, written without a tabwriter.
func TestDescribePodTemplate(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    *corev1.PodTemplateSpec
		want string
		err  string
	}{
		{name: "a nil template is unset, without a final newline", want: "Pod Template:\n  <unset>"},
		{name: "tabs are kept, nothing is aligned; labels one a line, in key order",
			t: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"pod-template-hash": "abc", "app": "web"},
					Annotations: map[string]string{"kubernetes.io/change-cause": "kubectl set image", "a": "b"}},
				Spec: corev1.PodSpec{
					ServiceAccountName: "sa",
					Containers: []corev1.Container{{Name: "web", Image: "nginx",
						Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP, Name: "http"}},
						Env:   []corev1.EnvVar{{Name: "A", Value: "1"}}}},
					NodeSelector: map[string]string{"disk": "ssd"},
				}},
			want: "Pod Template:\n" +
				"  Labels:\tapp=web\n" +
				"\tpod-template-hash=abc\n" +
				"  Annotations:\ta: b\n" +
				"\tkubernetes.io/change-cause: kubectl set image\n" +
				"  Service Account:\tsa\n" +
				"  Containers:\n" +
				"   web:\n" +
				"    Image:\tnginx\n" +
				"    Port:\t80/TCP (http)\n" +
				"    Host Port:\t0/TCP (http)\n" +
				"    Environment:\n" +
				"      A:\t1\n" +
				"    Mounts:\t<none>\n" +
				"  Volumes:\t<none>\n" +
				"  Node-Selectors:\tdisk=ssd\n" +
				"  Tolerations:\t<none>\n"},
		{name: "no annotations, no line; terminal escapes made visible",
			t: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "x\x1b[31m"}}}},
			want: "Pod Template:\n" +
				"  Labels:\t<none>\n" +
				"  Containers:\n" +
				"   c:\n" +
				"    Image:\tx^[[31m\n" +
				"    Port:\t<none>\n" +
				"    Host Port:\t<none>\n" +
				"    Environment:\t<none>\n" +
				"    Mounts:\t<none>\n" +
				"  Volumes:\t<none>\n" +
				"  Node-Selectors:\t<none>\n" +
				"  Tolerations:\t<none>\n"},
		{name: "MODEL: a volume type whose layout is not modelled is an error",
			t:   &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "s"}}}}}},
			err: `describe: pod template: volume "v": describing this volume type is not modelled`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DescribePodTemplate(tc.t)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// The same block as describe rs writes, before its tabwriter aligns it.
func TestDescribePodTemplateIsDescribeReplicaSetsBlock(t *testing.T) {
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
	}
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: tmpl}}
	described, err := DescribeReplicaSet(rs, nil, nil, testNow, false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DescribePodTemplate(&tmpl)
	if err != nil {
		t.Fatal(err)
	}
	aligned := describing(func(w *describeWriter) { _, _ = w.tw.Write([]byte(got)) })
	if !strings.Contains(described, aligned) {
		t.Errorf("the template's block, aligned:\n%s\nis not in describe rs's:\n%s", aligned, described)
	}
}

// FuzzDescribePodTemplate: any template gives a description or an error,
// never a panic, and is left as it was.
func FuzzDescribePodTemplate(f *testing.F) {
	f.Add([]byte(`{"metadata":{"labels":{"a":"b"},"annotations":{"x":"` + strings.Repeat("y", 200) + `"}},"spec":{"containers":[null,{"name":"c","livenessProbe":{"exec":{}}}],"tolerations":[{"operator":"Exists"}]}}`))
	f.Add([]byte(`{"spec":{"volumes":[{"name":"v","nfs":{"server":"s"}}]}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tmpl *corev1.PodTemplateSpec
		if json.Unmarshal(data, &tmpl) != nil {
			return
		}
		var before *corev1.PodTemplateSpec
		if tmpl != nil {
			before = tmpl.DeepCopy()
		}
		_, _ = DescribePodTemplate(tmpl)
		if diff := cmp.Diff(before, tmpl); diff != "" {
			t.Fatalf("template changed:\n%s", diff)
		}
	})
}
