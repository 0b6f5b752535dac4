package selector_test

import (
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"

	"github.com/kubesem/kubesem/selector"
)

// The tutorial's selectors against labels a pod of it carries.
var benchCases = []struct {
	name string
	ls   *metav1.LabelSelector
	pod  map[string]string
}{
	{
		name: "http-go",
		ls:   &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go"}},
		pod:  map[string]string{"app": "http-go", "pod-template-hash": "7d9c5b8f6c"},
	},
	{
		name: "blue-yellow",
		ls: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
		}}},
		pod: map[string]string{"app": "yellow"},
	},
}

// BenchmarkMatch compares one Matches call of kubesem's compiled selector
// with apimachinery's selector on the same input, in the same run.
func BenchmarkMatch(b *testing.B) {
	for _, c := range benchCases {
		ours, err := selector.FromLabelSelector(c.ls)
		if err != nil {
			b.Fatal(err)
		}
		theirs, err := metav1.LabelSelectorAsSelector(c.ls)
		if err != nil {
			b.Fatal(err)
		}
		set := k8slabels.Set(c.pod)
		b.Run(c.name+"/impl=kubesem", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !ours.Matches(set) {
					b.Fatal("no match")
				}
			}
		})
		b.Run(c.name+"/impl=apimachinery", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !theirs.Matches(set) {
					b.Fatal("no match")
				}
			}
		})
	}
}

// selectPods makes n pods, of which every hundredth carries app=http-go and
// the rest one of a few other apps; all carry a tier and a hash label.
func selectPods(n int) []selector.Item {
	apps := []string{"nginx", "jenkins", "blue", "yellow", "redis"}
	items := make([]selector.Item, n)
	for i := range items {
		app := apps[i%len(apps)]
		if i%100 == 0 {
			app = "http-go"
		}
		items[i] = selector.Item{
			Key: fmt.Sprintf("default/pod-%06d", i),
			Labels: map[string]string{
				"app":               app,
				"tier":              []string{"frontend", "backend"}[i%2],
				"pod-template-hash": fmt.Sprintf("%010x", i%37),
			},
		}
	}
	return items
}

// BenchmarkSelect compares selecting among 100,000 pods (1% match) with
// kubesem's Index against a linear scan with apimachinery's selector, in
// the same run; BenchmarkIndexBuild reports the index's construction.
func BenchmarkSelect(b *testing.B) {
	const n = 100_000
	items := selectPods(n)
	ls := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "http-go"}}
	ours, _ := selector.FromLabelSelector(ls)
	theirs, _ := metav1.LabelSelectorAsSelector(ls)
	ix := selector.NewIndex(items...)
	want := n / 100
	b.Run("impl=kubesem-index", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got := len(ix.Select(ours)); got != want {
				b.Fatalf("selected %d, want %d", got, want)
			}
		}
	})
	b.Run("impl=apimachinery-scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []string
			for i := range items {
				if theirs.Matches(k8slabels.Set(items[i].Labels)) {
					out = append(out, items[i].Key)
				}
			}
			if len(out) != want {
				b.Fatalf("selected %d, want %d", len(out), want)
			}
		}
	})
}

// BenchmarkIndexBuild is what BenchmarkSelect's index costs to build over
// the same 100,000 pods.
func BenchmarkIndexBuild(b *testing.B) {
	items := selectPods(100_000)
	b.ReportAllocs()
	for b.Loop() {
		selector.NewIndex(items...)
	}
}
