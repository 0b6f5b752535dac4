package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/kubectl/pkg/cmd/get"
	"k8s.io/kubectl/pkg/scheme"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

// `kubectl get pods -o custom-columns=SPEC` prints what kubectl's
// CustomColumnsPrinter (kubectl get/customcolumn.go) prints for the same
// stored pods, byte for byte: random headers and paths in every relaxed
// form, missing keys, lists, maps, --no-headers, and the spec errors.
func TestCustomColumnsMatchUpstream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := cluster.New(cluster.Options{Seed: rapid.Uint64().Draw(t, "seed")})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rapid.IntRange(0, 3).Draw(t, "pods") {
			p := &corev1.Pod{}
			p.Name, p.Namespace = fmt.Sprintf("p%d", i), "default"
			if rapid.Bool().Draw(t, "labelled") {
				p.Labels = map[string]string{"app": rapid.SampledFrom([]string{"web", "db"}).Draw(t, "app"), "tier": "x"}
			}
			for j := range rapid.IntRange(1, 2).Draw(t, "containers") {
				ctr := corev1.Container{Name: fmt.Sprintf("c%d", j), Image: "nginx"}
				if rapid.Bool().Draw(t, "port") {
					ctr.Ports = []corev1.ContainerPort{{ContainerPort: int32(8080 + j)}}
				}
				p.Spec.Containers = append(p.Spec.Containers, ctr)
			}
			if _, err := c.Create(p); err != nil {
				t.Fatal(err)
			}
		}
		paths := []string{"metadata.name", ".metadata.name", "{metadata.name}", "{.metadata.name}", ".metadata.labels", ".metadata.labels.app",
			".spec.containers[*].name", ".spec.containers[*].ports[*].containerPort", ".spec.nodeName", ".status.phase", ".nope.x",
			".spec.containers[0].image", ".metadata.uid", ".spec.restartPolicy", "", "{bad", ".spec.containers[*]"}
		var parts []string
		for range rapid.IntRange(1, 4).Draw(t, "columns") {
			header := rapid.SampledFrom([]string{"NAME", "X", "Labels", "LONG_HEADER_NAME"}).Draw(t, "header")
			if rapid.IntRange(0, 15).Draw(t, "noColon") == 0 {
				parts = append(parts, header)
				continue
			}
			parts = append(parts, header+":"+rapid.SampledFrom(paths).Draw(t, "path"))
		}
		spec := strings.Join(parts, ",")
		noHeaders := rapid.Bool().Draw(t, "noHeaders")

		sh := &kubectl.Shell{Cluster: c}
		line := "kubectl get pods -o custom-columns=" + spec
		if noHeaders {
			line += " --no-headers"
		}
		got, gotErr := sh.Run(line)

		var want bytes.Buffer
		var wantErr error
		p, err := get.NewCustomColumnsPrinterFromSpec(spec, scheme.Codecs.UniversalDecoder(), noHeaders)
		if err != nil {
			wantErr = err
		} else {
			// kubectl's printGeneric: one list of every object
			pods, _ := c.Pods("default", "")
			list := &unstructured.UnstructuredList{Object: map[string]any{"kind": "List", "apiVersion": "v1", "metadata": map[string]any{}}}
			for _, pod := range pods {
				pod = pod.DeepCopy()
				pod.APIVersion, pod.Kind = "v1", "Pod"
				js, err := json.Marshal(pod)
				if err != nil {
					t.Fatal(err)
				}
				u := unstructured.Unstructured{}
				if err := u.UnmarshalJSON(js); err != nil {
					t.Fatal(err)
				}
				list.Items = append(list.Items, u)
			}
			wantErr = p.PrintObj(list, &want)
		}
		if wantErr != nil {
			if gotErr == nil || got != "error: "+wantErr.Error()+"\n" {
				t.Fatalf("%s: kubesem %q (%v), upstream refuses: %v", line, got, gotErr, wantErr)
			}
			return
		}
		if gotErr != nil || got != want.String() {
			t.Fatalf("%s:\nkubesem (%v):\n%s\nupstream:\n%s", line, gotErr, got, want.String())
		}
	})
}
