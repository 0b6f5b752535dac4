package conformance

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/util/jsonpath"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

// jpKeys are the keys random documents use and random templates ask
// for: a dotted one, an empty one, one that is never there.
var jpKeys = []string{"a", "b", "c", "name", "items", "x.y", "", "zz"}

// genJSONValue draws a JSON value as k8s.io/apimachinery's util/json
// decodes one (integers int64, other numbers float64).
func genJSONValue(t *rapid.T, depth int, label string) any {
	kinds := 8
	if depth <= 0 {
		kinds = 6
	}
	switch rapid.IntRange(0, kinds-1).Draw(t, label+"kind") {
	case 0:
		return nil
	case 1:
		return rapid.Bool().Draw(t, label+"bool")
	case 2:
		return int64(rapid.IntRange(-3, 3).Draw(t, label+"int"))
	case 3:
		return rapid.SampledFrom([]float64{-1.5, 0.5, 2.5, 1e21, 3}).Draw(t, label+"float")
	case 4, 5:
		return rapid.SampledFrom([]string{"x", "Running", "", "ab", "a b", "<&>", "1", "é"}).Draw(t, label+"string")
	case 6:
		n := rapid.IntRange(0, 3).Draw(t, label+"len")
		l := make([]any, n)
		for i := range l {
			l[i] = genJSONValue(t, depth-1, label)
		}
		return l
	default:
		return genJSONMap(t, depth-1, label)
	}
}

func genJSONMap(t *rapid.T, depth int, label string) map[string]any {
	m := map[string]any{}
	for range rapid.IntRange(0, 3).Draw(t, label+"keys") {
		m[rapid.SampledFrom(jpKeys[:len(jpKeys)-1]).Draw(t, label+"key")] = genJSONValue(t, depth, label)
	}
	return m
}

// genJSONDoc draws a document: mostly a map, as kubectl's are.
func genJSONDoc(t *rapid.T) any {
	if rapid.IntRange(0, 9).Draw(t, "docShape") == 0 {
		return genJSONValue(t, 3, "doc")
	}
	return genJSONMap(t, 3, "doc")
}

// genJPKey draws a key as a template writes it after a dot.
func genJPKey(t *rapid.T) string {
	k := rapid.SampledFrom(jpKeys).Draw(t, "fieldKey")
	return strings.ReplaceAll(k, ".", `\.`)
}

// genJPStep draws one step of a path.
func genJPStep(t *rapid.T, depth int) string {
	num := func(l string) string { return fmt.Sprint(rapid.IntRange(-4, 4).Draw(t, l)) }
	opt := func(l string) string {
		if rapid.Bool().Draw(t, l+"?") {
			return num(l)
		}
		return ""
	}
	switch rapid.IntRange(0, 13).Draw(t, "step") {
	case 0, 1, 2:
		return "." + genJPKey(t)
	case 3:
		return "['" + rapid.SampledFrom(jpKeys).Draw(t, "bracketKey") + "']"
	case 4:
		return "[" + num("index") + "]"
	case 5:
		s := "[" + opt("start") + ":" + opt("end")
		if rapid.Bool().Draw(t, "hasStep") {
			s += ":" + opt("step")
		}
		return s + "]"
	case 6:
		return rapid.SampledFrom([]string{"[*]", ".*", "[:]", `["a"]`, "[]"}).Draw(t, "special")
	case 7:
		return rapid.SampledFrom([]string{"[0,1]", "['a','b']", "[-1, 0]", "[*,0]", "['items', 'zz']", "[0:2,'a']"}).Draw(t, "union")
	case 8:
		if rapid.Bool().Draw(t, "bareRecursive") {
			return ".."
		}
		return ".." + genJPKey(t)
	case 9, 10:
		if depth <= 0 {
			return "." + genJPKey(t)
		}
		path := "@"
		for range rapid.IntRange(0, 2).Draw(t, "filterPathLen") {
			path += genJPStep(t, depth-1)
		}
		if rapid.IntRange(0, 3).Draw(t, "exists") == 0 {
			return "[?(" + path + ")]"
		}
		op := rapid.SampledFrom([]string{"==", "!=", "<", ">", "<=", ">=", "=", "=<"}).Draw(t, "op")
		rhs := rapid.SampledFrom([]string{"1", "-1", "2.5", "'x'", `"Running"`, "true", "@.b", "@", "''", "3", "97", "range", "end", "')'", `"a\")"`, "@.*", "1.5.2"}).Draw(t, "rhs")
		sp := rapid.SampledFrom([]string{"", " "}).Draw(t, "filterSpace")
		return "[?(" + path + sp + op + sp + rhs + ")]"
	case 11:
		return rapid.SampledFrom([]string{"[1:3]", "[::2]", "[:2]", "[-2:]", "[0:0]", "[1:1]", "[::0]", "[3:1]",
			"[99999999999999999999]", "[1:2:3:4]", "[-]", "[a]", "[ 0 ]", "[0,]", "['a.b']", "['']", "['*']", "['.a']"}).Draw(t, "slice")
	default:
		return " "
	}
}

// genJPAction draws what goes between braces.
func genJPAction(t *rapid.T) string {
	switch rapid.IntRange(0, 9).Draw(t, "action") {
	case 0:
		return rapid.SampledFrom([]string{`"\n"`, `"\t"`, `'x'`, `"a\"b"`, "1", "2.5", "true", "-3", "@", "$", "end", "foo", `""`,
			"99999999999999999999", "1.5.2", "+", "-", "٣", `'\u00e9'`, `"\x41"`, `"\\"`, `'a\"b'`, `'it\'s'`, "range", "false"}).Draw(t, "literal")
	default:
		s := rapid.SampledFrom([]string{"", "@", "$", " "}).Draw(t, "root")
		for range rapid.IntRange(1, 4).Draw(t, "pathLen") {
			s += genJPStep(t, 2)
		}
		return s
	}
}

// genJPTemplate draws a template as kubectl users write them (text,
// actions, range blocks), sometimes damaged by an edit.
func genJPTemplate(t *rapid.T) string {
	if rapid.IntRange(0, 7).Draw(t, "noise") == 0 {
		// Anything, from the characters and words that mean something.
		var b strings.Builder
		for range rapid.IntRange(0, 24).Draw(t, "noiseLen") {
			b.WriteString(rapid.SampledFrom([]string{"{", "}", "[", "]", "(", ")", "'", "\"", ".", ",", "@", "$", "*", "?",
				":", "=", "!", "<", ">", "\\", " ", "-", "+", "0", "1", "2", "a", "b", "items", "x", "\n", "\t", "_", "é",
				"range", "end", "true", "..", "[?(", "{.", "{range ", "{end}", "\r", "\xff", "\xc3"}).Draw(t, "noiseToken"))
		}
		return b.String()
	}
	var b strings.Builder
	for range rapid.IntRange(1, 4).Draw(t, "parts") {
		switch rapid.IntRange(0, 5).Draw(t, "part") {
		case 0:
			b.WriteString(rapid.SampledFrom([]string{"a", " ", "-", "x y", "\n", "name="}).Draw(t, "text"))
		case 1:
			b.WriteString("{range " + genJPAction(t) + "}")
			for range rapid.IntRange(0, 2).Draw(t, "body") {
				b.WriteString("{" + genJPAction(t) + "}")
			}
			if rapid.IntRange(0, 4).Draw(t, "noEnd") > 0 {
				b.WriteString("{end}")
			}
		default:
			b.WriteString("{" + genJPAction(t) + "}")
		}
	}
	s := b.String()
	if rapid.IntRange(0, 3).Draw(t, "damage") == 0 {
		runes := []rune(s)
		i := rapid.IntRange(0, len(runes)).Draw(t, "at")
		switch rapid.IntRange(0, 2).Draw(t, "edit") {
		case 0:
			c := rapid.SampledFrom([]rune("{}[]()'\".,@$*?:=!<>\\ -+0a\n\t")).Draw(t, "char")
			runes = slices.Insert(runes, i, c)
		case 1:
			if i < len(runes) {
				runes = slices.Delete(runes, i, i+1)
			}
		default:
			runes = runes[:i]
		}
		s = string(runes)
	}
	return s
}

// jpMultiKeyMap reports whether v holds a map of two keys or more, whose
// values client-go visits in random order under .* and ...
func jpMultiKeyMap(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if len(v) > 1 {
			return true
		}
		for _, x := range v {
			if jpMultiKeyMap(x) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, jpMultiKeyMap)
	}
	return false
}

// jpOutcome is what one run printed, failed with, or panicked with.
type jpOutcome struct {
	out, err, panic string
}

func clientGoJSONPath(tmpl string, doc any) (o jpOutcome) {
	defer func() {
		if r := recover(); r != nil {
			o = jpOutcome{panic: fmt.Sprint(r)}
		}
	}()
	j := jsonpath.New("").AllowMissingKeys(true)
	if err := j.Parse(tmpl); err != nil {
		return jpOutcome{err: err.Error()}
	}
	var b bytes.Buffer
	if err := j.Execute(&b, doc); err != nil {
		return jpOutcome{err: err.Error()}
	}
	return jpOutcome{out: b.String()}
}

func kubesemJSONPath(tmpl string, doc any) jpOutcome {
	out, err := kubectl.JSONPath(tmpl, doc)
	if err == nil {
		return jpOutcome{out: out}
	}
	const crash = "client-go's jsonpath panics here, which kubesem does not model: "
	if msg, ok := strings.CutPrefix(err.Error(), crash); ok {
		return jpOutcome{panic: msg}
	}
	return jpOutcome{err: err.Error()}
}

func sortedBytes(s string) string {
	b := []byte(s)
	slices.Sort(b)
	return string(b)
}

// TestJSONPathMatchesClientGo runs random templates over random JSON
// documents with kubectl.JSONPath and with client-go's jsonpath
// (AllowMissingKeys, as kubectl sets it): same output, same error text,
// same panics. Where client-go visits a map's values in Go's random
// order (.* and .. over a map of several keys) it is run up to 200 times
// and one run must print what kubesem prints, or, when the order also
// decides what is printed, the same bytes in another order.
func TestJSONPathMatchesClientGo(t *testing.T) {
	var exact, printed, reordered, errs, panics int
	rapid.Check(t, func(t *rapid.T) {
		doc := genJSONDoc(t)
		tmpl := genJPTemplate(t)
		got := kubesemJSONPath(tmpl, doc)
		want := clientGoJSONPath(tmpl, doc)
		random := jpMultiKeyMap(doc) && (strings.Contains(tmpl, "*") || strings.Contains(tmpl, "..") || strings.Contains(tmpl, "'."))
		if got != want && random {
			for range 200 {
				if want = clientGoJSONPath(tmpl, doc); want == got {
					break
				}
			}
			if want != got {
				for range 200 {
					w := clientGoJSONPath(tmpl, doc)
					if (w.err != "") == (got.err != "") && (w.panic != "") == (got.panic != "") && sortedBytes(w.out) == sortedBytes(got.out) {
						reordered++
						return
					}
				}
			}
		}
		if got != want {
			t.Fatalf("template %q over %#v:\nkubesem:   %+v\nclient-go: %+v", tmpl, doc, got, want)
		}
		switch {
		case got.panic != "":
			panics++
		case got.err != "":
			errs++
		default:
			exact++
			if got.out != "" {
				printed++
			}
		}
	})
	t.Logf("%d same output (%d not empty), %d same error, %d same panic, %d same bytes in another map order", exact, printed, errs, panics, reordered)
}

// kubectlJSONPath is what kubectl get prints with -o FORMAT=TEMPLATE for
// obj: the printer's output, or its error as checkErr prints it.
func kubectlJSONPath(format, tmpl string, obj runtime.Object) (out string, failed bool) {
	defer func() {
		if r := recover(); r != nil {
			// kubectl crashes; kubesem says so.
			out, failed = fmt.Sprintf("panic: %v\n", r), true
		}
	}()
	p, err := genericclioptions.NewJSONPathPrintFlags("", true).ToPrinter(format + "=" + tmpl)
	if err == nil {
		var b bytes.Buffer
		if err = p.PrintObj(obj, &b); err == nil {
			return b.String(), false
		}
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "error: ") {
		msg = "error: " + msg
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	return msg, true
}

// jpShellQuote quotes s for kubectl.Shell's command line, as for sh.
func jpShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TestJSONPathGetMatchesKubectl runs kubectl get -o jsonpath=TEMPLATE
// and -o jsonpath-as-json=TEMPLATE on a cluster with a Deployment, and
// compares what the Shell prints with what cli-runtime's JSONPath printer
// (built by JSONPathPrintFlags as kubectl get builds it) prints for the
// object kubectl get -o json shows, its errors formatted as kubectl's
// checkErr formats them.
func TestJSONPathGetMatchesKubectl(t *testing.T) {
	c, err := cluster.New(cluster.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"deploy.yaml": []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, ports: [{containerPort: 80}, {containerPort: 443}]}
      - {name: log, image: busybox}
`)}}
	if _, err := sh.Run("kubectl create -f deploy.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := c.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	objects := map[string]runtime.Object{}
	for _, what := range []string{"pods", "deploy web", "rs,deploy", "pods -l app=nope"} {
		js, err := sh.Run("kubectl get " + what + " -o json")
		if err != nil {
			t.Fatal(js)
		}
		obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, []byte(js))
		if err != nil {
			t.Fatal(err)
		}
		objects[what] = obj
	}
	var same, failing, reordered int
	rapid.Check(t, func(t *rapid.T) {
		what := rapid.SampledFrom([]string{"pods", "deploy web", "rs,deploy", "pods -l app=nope"}).Draw(t, "what")
		format := rapid.SampledFrom([]string{"jsonpath", "jsonpath-as-json"}).Draw(t, "format")
		var tmpl string
		if rapid.Bool().Draw(t, "kubernetesPath") {
			tmpl = rapid.SampledFrom([]string{
				"{.items[*].metadata.name}",
				`{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`,
				"{.spec.template.spec.containers[*].ports[*].containerPort}",
				"{.items[?(@.kind==\"Deployment\")].spec.replicas}",
				"{.metadata.labels}",
				"{.metadata.labels.app}",
				"{..image}",
				"{.items[0].spec.containers[0].image}",
				"{.items[5]}",
				"{.spec.replicas[0]}",
				"{.status.conditions[?(@.type=='Available')].status}",
				"{.items[*].metadata.ownerReferences[0].kind}",
				"{.kind} {.apiVersion}",
				"{.spec.template.spec.containers[?(@.ports)].name}",
				"{.items[?(@.spec.replicas>1)].metadata.name}",
				"{.status.containerStatuses[0].ready",
				"{.items[*]['metadata.name']}",
				"{.metadata.name}{end}",
			}).Draw(t, "tmpl")
		} else {
			tmpl = genJPTemplate(t)
		}
		if !utf8.ValidString(tmpl) {
			t.Skip("the Shell reads command lines as UTF-8")
		}
		got, _ := sh.Run("kubectl get " + what + " -o " + jpShellQuote(format+"="+tmpl))
		want, failed := kubectlJSONPath(format, tmpl, objects[what])
		if got != want && (strings.Contains(tmpl, "*") || strings.Contains(tmpl, "..") || strings.Contains(tmpl, "'.")) {
			// Maps are visited in random order: one run must agree, or
			// print the same bytes.
			for range 200 {
				if want, failed = kubectlJSONPath(format, tmpl, objects[what]); want == got {
					break
				}
			}
			if want != got && sortedBytes(want) == sortedBytes(got) {
				reordered++
				return
			}
		}
		if msg, ok := strings.CutPrefix(strings.TrimSuffix(want, "\n"), "panic: "); ok && strings.Contains(got, "client-go's jsonpath panics here, which kubesem does not model: "+msg) {
			want = got
		}
		if got != want {
			t.Fatalf("kubectl get %s -o %s=%q:\nkubesem:\n%s\nkubectl:\n%s", what, format, tmpl, got, want)
		}
		if failed {
			failing++
		} else {
			same++
		}
	})
	t.Logf("%d printed the same, %d failed the same, %d printed the same bytes in another map order", same, failing, reordered)
}
