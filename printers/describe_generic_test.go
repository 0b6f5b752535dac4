package printers

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// smartLabel spells field names as kubectl's generic describer does
// (kubectl pkg/describe smartLabelFor, with fatih/camelcase's split).
func TestSmartLabel(t *testing.T) {
	for in, want := range map[string]string{
		"cronSpec":          "Cron Spec",
		"apiVersion":        "API Version",
		"uid":               "UID",
		"clusterIP":         "Cluster IP",
		"podCIDRs":          "Pod CIDRs",
		"PDFLoader":         "PDFLoader", // split "PDF" "Loader", then merged as "CIDR" "s" is
		"creationTimestamp": "Creation Timestamp",
		"replicas2":         "replicas2",
		"x_y":               "x_y",
		"image":             "Image",
	} {
		if got := smartLabel(in); got != want {
			t.Errorf("smartLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribeObject(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "stable.example.com/v1", "kind": "CronTab",
		"metadata": map[string]any{"name": "c", "namespace": "default", "uid": "u-1", "generation": int64(2),
			"labels": map[string]any{"app": "x"}, "managedFields": []any{map[string]any{"manager": "m"}}},
		"spec": map[string]any{"ports": []any{map[string]any{"port": int64(80), "name": "http"}, map[string]any{"port": int64(81)}}, "tags": []any{"a", "b"}, "on": true},
	}}
	got, err := DescribeObject(u, nil, time.Time{}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"Name:         c",
		"Namespace:    default",
		"Labels:       app=x",
		"Annotations:  <none>",
		"API Version:  stable.example.com/v1",
		"Kind:         CronTab",
		"Metadata:",
		"  Generation:  2",
		"  UID:         u-1",
		"Spec:",
		"  On:  true",
		"  Ports:",
		"    Name:  http",
		"    Port:  80",
		"    Port:  81",
		"  Tags:",
		"    a",
		"    b",
		"Events:  <none>"}, "\n") + "\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
