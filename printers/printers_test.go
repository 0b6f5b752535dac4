package printers

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var testNow = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

// Whole tables, as upstream printed them (see tableCase).
func TestTables(t *testing.T) {
	for _, c := range tableCases(testNow) {
		t.Run(c.name, func(t *testing.T) {
			if got := printCase(c, testNow); got != c.want {
				t.Errorf("got\n%s\nwant\n%s\ndiff (-want +got):\n%s", got, c.want, cmp.Diff(c.want, got))
			}
		})
	}
}

// READY, STATUS and RESTARTS of single pods, as upstream's printPod
// computes them (RS-14.5).
func TestPodCells(t *testing.T) {
	for _, c := range podCellCases(testNow) {
		t.Run(c.name, func(t *testing.T) {
			if got := PodReady(c.pod); got != c.ready {
				t.Errorf("PodReady = %q, want %q", got, c.ready)
			}
			if got := PodStatus(c.pod); got != c.status {
				t.Errorf("PodStatus = %q, want %q", got, c.status)
			}
			if got := PodRestarts(c.pod, testNow); got != c.restarts {
				t.Errorf("PodRestarts = %q, want %q", got, c.restarts)
			}
			// The pod table shows the same cells, after NAME.
			row := Pods([]*corev1.Pod{c.pod}, testNow, Options{NoHeaders: true})
			cells := regexp.MustCompile(" {3,}").Split(strings.TrimSuffix(row, "\n"), -1)
			if len(cells) < 4 || cells[0] != c.pod.Name || cells[1] != c.ready || !slices.Contains(cells, c.restarts) || !strings.Contains(row, c.status) {
				t.Errorf("Pods printed %q", row)
			}
		})
	}
}

// RS-14.5: AGE is HumanDuration of now - creation, with its boundaries.
func TestAge(t *testing.T) {
	s, m, h, d := time.Second, time.Minute, time.Hour, 24*time.Hour
	y := 365 * d
	cases := []struct {
		ago  time.Duration
		want string
	}{
		{0, "0s"},
		{-s, "0s"},            // up to a second ahead is "now"
		{-2 * s, "<invalid>"}, // further ahead is not
		{s, "1s"},
		{119 * s, "119s"},
		{2 * m, "2m"},
		{2*m + s, "2m1s"},
		{9*m + 59*s, "9m59s"},
		{10 * m, "10m"},
		{10*m + 59*s, "10m"},
		{179*m + 59*s, "179m"},
		{3 * h, "3h"},
		{3*h + m, "3h1m"},
		{7*h + 59*m, "7h59m"},
		{8 * h, "8h"},
		{47*h + 59*m, "47h"},
		{48 * h, "2d"},
		{49 * h, "2d1h"},
		{7*d + 23*h, "7d23h"},
		{8 * d, "8d"},
		{729 * d, "729d"},
		{730 * d, "2y"},
		{731 * d, "2y1d"},
		{8*y - d, "7y364d"},
		{8 * y, "8y"},
		{100 * y, "100y"},
	}
	for _, c := range cases {
		created := metav1.NewTime(testNow.Add(-c.ago))
		if got := age(created, testNow); got != c.want {
			t.Errorf("age(now-%v) = %q, want %q", c.ago, got, c.want)
		}
	}
	if got := age(metav1.Time{}, testNow); got != "<unknown>" {
		t.Errorf("age(zero) = %q, want <unknown>", got)
	}
	if got := microAge(metav1.MicroTime{}, testNow); got != "<unknown>" {
		t.Errorf("microAge(zero) = %q, want <unknown>", got)
	}
}

// Rule 5 (MODEL): stored times have whole seconds (MicroTime whole
// microseconds); now keeps its fraction.
func TestAgeUsesStoredPrecision(t *testing.T) {
	cases := []struct {
		name         string
		created, now time.Time
		want         string
	}{
		{"creation fraction dropped", testNow.Add(-119*time.Second - 500*time.Millisecond + time.Second), testNow.Add(time.Second), "2m"},
		{"now fraction kept", testNow.Add(-119 * time.Second), testNow.Add(999 * time.Millisecond), "119s"},
		{"just ahead within the second", testNow.Add(1500 * time.Millisecond), testNow, "0s"},
	}
	for _, c := range cases {
		if got := age(metav1.NewTime(c.created), c.now); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// A MicroTime 120s - 0.5µs ago is cut to 120s ago.
	mt := metav1.NewMicroTime(testNow.Add(-120*time.Second + 500*time.Nanosecond))
	if got := microAge(mt, testNow); got != "2m" {
		t.Errorf("microAge = %q, want 2m", got)
	}
}

// Rule 2: no rows, no output (kubectl writes NoResources to stderr).
func TestEmptyLists(t *testing.T) {
	o := Options{Wide: true, ShowLabels: true, AllNamespaces: true, LabelColumns: []string{"app"}}
	outs := map[string]string{
		"pods":                   Pods(nil, testNow, o),
		"pods of nil":            Pods([]*corev1.Pod{nil}, testNow, o),
		"replicasets":            ReplicaSets([]*appsv1.ReplicaSet{}, testNow, o),
		"replicationcontrollers": ReplicationControllers([]*corev1.ReplicationController{nil}, testNow, o),
		"deployments":            Deployments(nil, testNow, o),
		"namespaces":             Namespaces(nil, testNow, o),
		"nodes":                  Nodes(nil, testNow, o),
		"services":               Services(nil, testNow, o),
		"events":                 Events(nil, testNow, o),
	}
	for name, out := range outs {
		if out != "" {
			t.Errorf("%s: got %q, want \"\"", name, out)
		}
	}
}

// Rule 2 (RS-14.5): kubectl get.go's two texts.
func TestNoResources(t *testing.T) {
	if got, want := NoResources("default", true), "No resources found in default namespace."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := NoResources("custom-namespace", false), "No resources found"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// nil entries are skipped; a nil pod's cells are those of an empty pod.
func TestNil(t *testing.T) {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "a", CreationTimestamp: metav1.NewTime(testNow)}}
	if got, want := Pods([]*corev1.Pod{nil, p, nil}, testNow, Options{}), Pods([]*corev1.Pod{p}, testNow, Options{}); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if PodStatus(nil) != "" || PodReady(nil) != "0/0" || PodRestarts(nil, testNow) != "0" {
		t.Errorf("nil pod: %q %q %q", PodStatus(nil), PodReady(nil), PodRestarts(nil, testNow))
	}
	if PodStatus(nil) != PodStatus(&corev1.Pod{}) || PodReady(nil) != PodReady(&corev1.Pod{}) || PodRestarts(nil, testNow) != PodRestarts(&corev1.Pod{}, testNow) {
		t.Error("a nil pod should read as an empty one")
	}
}

// Rule 13: a cell is cut at a line break and ESC is made visible.
func TestEscapeCell(t *testing.T) {
	cases := map[string]string{
		"plain":         "plain",
		"a\nb":          "a...",
		"a\r\nb":        "a...",
		"\fx":           "...",
		"e\x1b[31m":     "e^[[31m",
		"e\x1bx\ny\x1b": "e^[x...",
		"tab\tstays":    "tab\tstays",
		"":              "",
	}
	for in, want := range cases {
		if got := escapeCell(in); got != want {
			t.Errorf("escapeCell(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := jsonRoundTrip("a\xffb\xc3"), "a\uFFFDb\uFFFD"; got != want {
		t.Errorf("jsonRoundTrip = %q, want %q", got, want)
	}
	if got, want := jsonRoundTrip("\xe2\x82"), "\uFFFD\uFFFD"; got != want {
		t.Errorf("jsonRoundTrip = %q, want %q (one replacement per byte, as encoding/json)", got, want)
	}
}

// Contract 3: printing never changes the objects.
func TestInputsNotMutated(t *testing.T) {
	o := Options{Wide: true, ShowLabels: true, AllNamespaces: true, LabelColumns: []string{"app", "x/y"}}
	for _, c := range tableCases(testNow) {
		before := deepCopyObjs(c.objs)
		printCase(tableCase{objs: c.objs, o: o}, testNow)
		printCase(c, testNow)
		if diff := cmp.Diff(before, c.objs); diff != "" {
			t.Errorf("%s: objects changed (-before +after):\n%s", c.name, diff)
		}
	}
	for _, c := range podCellCases(testNow) {
		before := c.pod.DeepCopy()
		PodStatus(c.pod)
		PodReady(c.pod)
		PodRestarts(c.pod, testNow)
		if diff := cmp.Diff(before, c.pod); diff != "" {
			t.Errorf("%s: pod changed (-before +after):\n%s", c.name, diff)
		}
	}
}
