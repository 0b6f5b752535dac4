package kubectl

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// RS-14.8: errors print as kubectl's checkErr prints them.
func TestFormat(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	podKind := schema.GroupKind{Kind: "Pod"}
	name := field.NewPath("metadata", "name")
	invalid1 := apierrors.NewInvalid(podKind, "Bad_Name", field.ErrorList{field.Invalid(name, "Bad_Name", "must be lower case")})
	invalid2 := apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: "Deployment"}, "web", field.ErrorList{
		field.Required(field.NewPath("spec", "selector"), ""),
		field.Invalid(field.NewPath("spec", "replicas"), -1, "must be greater than or equal to 0"),
		field.Required(field.NewPath("spec", "selector"), ""), // printed once
	})
	invalid0 := apierrors.NewInvalid(podKind, "x", nil)
	noDetails := &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonInvalid, Message: "bad"}}
	noKind := &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonInvalid, Message: "bad", Details: &metav1.StatusDetails{}}}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain", errors.New("boom"), "error: boom\n"},
		{"plain already prefixed", errors.New("error: boom"), "error: boom\n"},
		{"plain with its own newline", errors.New("error: boom\n"), "error: boom\n"},
		{"RS-14.8 NotFound", apierrors.NewNotFound(pods, "x"), "Error from server (NotFound): pods \"x\" not found\n"},
		{"RS-14.8 AlreadyExists", apierrors.NewAlreadyExists(schema.GroupResource{Resource: "namespaces"}, "x"), "Error from server (AlreadyExists): namespaces \"x\" already exists\n"},
		{"RS-14.8 Forbidden", apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, "default", errors.New("this namespace may not be deleted")),
			"Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted\n"},
		{"BadRequest", apierrors.NewBadRequest("nope"), "Error from server (BadRequest): nope\n"},
		{"Unauthorized", apierrors.NewUnauthorized("who"), "error: You must be logged in to the server (who)\n"},
		{"no reason", &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Message: "odd"}}, "Error from server: odd\n"},
		{"RS-14.8 Invalid, one cause", invalid1, "The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": must be lower case\n"},
		{"RS-14.8 Invalid, several causes, one line each", invalid2, lines(
			"The Deployment \"web\" is invalid: ",
			"* spec.selector: Required value",
			"* spec.replicas: Invalid value: -1: must be greater than or equal to 0")},
		{"Invalid, no causes", invalid0, "The Pod \"x\" is invalid\n"},
		{"Invalid, no details", noDetails, "The request is invalid: bad\n"},
		{"Invalid, no kind or name", noKind, "The request is invalid: bad\n"},
		{"aggregate of one", utilerrors.NewAggregate([]error{apierrors.NewNotFound(pods, "x")}), "Error from server (NotFound): pods \"x\" not found\n"},
		{"aggregate of one invalid", utilerrors.NewAggregate([]error{invalid1}), "The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": must be lower case\n"},
		{"aggregate: one line each, no error: prefix", utilerrors.NewAggregate([]error{
			apierrors.NewNotFound(pods, "a"), errors.New("plain"), invalid1}), lines(
			`Error from server (NotFound): pods "a" not found`,
			"plain",
			`Error from server (Invalid): Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": must be lower case`)},
		{"source added to an API error", addSource("creating", "pod.yaml", apierrors.NewNotFound(pods, "x")),
			"Error from server (NotFound): error when creating \"pod.yaml\": pods \"x\" not found\n"},
		{"source added to a plain error", addSource("deleting", "pod.yaml", errors.New("boom")),
			"error: error when deleting \"pod.yaml\": boom\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format(tc.err); got != tc.want {
				t.Errorf("Format:\n%s", cmp.Diff(tc.want, got))
			}
		})
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
		err  bool
	}{
		{"kubectl get pods", []string{"kubectl", "get", "pods"}, false},
		{"  get \t pods\n", []string{"get", "pods"}, false},
		{`patch deploy x -p '{"spec":{"a":1}}'`, []string{"patch", "deploy", "x", "-p", `{"spec":{"a":1}}`}, false},
		{`label pod x "a=b c"`, []string{"label", "pod", "x", "a=b c"}, false},
		{`a "b\"c\\d\e"`, []string{"a", `b"c\d\e`}, false},
		{`a\ b c`, []string{"a b", "c"}, false},
		{`a '' b`, []string{"a", "", "b"}, false},
		{"", nil, false},
		{`a 'b`, nil, true},
		{`a "b`, nil, true},
		{`a \`, nil, true},
	} {
		got, err := split(tc.line)
		if (err != nil) != tc.err || !cmp.Equal(got, tc.want) {
			t.Errorf("split(%q) = %q, %v; want %q, error %v", tc.line, got, err, tc.want, tc.err)
		}
	}
}

// Flags are read as pflag reads them (rule 2).
func TestParseFlags(t *testing.T) {
	spec := lookupCommand("delete")
	for _, tc := range []struct {
		tokens []string
		pos    []string
		flags  string // name=value ...
		err    string
	}{
		{[]string{"pod", "x", "-n", "dev"}, []string{"pod", "x"}, "namespace=dev", ""},
		{[]string{"-ndev", "pod"}, []string{"pod"}, "namespace=dev", ""},
		{[]string{"-n=dev"}, nil, "namespace=dev", ""},
		{[]string{"--namespace", "dev", "--namespace=prod"}, nil, "namespace=dev namespace=prod", ""},
		{[]string{"--force", "--wait=false", "--grace-period", "0"}, nil, "force=true wait=false grace-period=0", ""},
		{[]string{"-Al", "app=x"}, nil, "all-namespaces=true selector=app=x", ""},
		// No value after a flag with a default without one: the next
		// word is an argument.
		{[]string{"--cascade", "orphan", "--force", "false"}, []string{"orphan", "false"}, "cascade=background force=true", ""},
		{[]string{"--grace_period=3"}, nil, "grace-period=3", ""},
		{[]string{"-f", "a.yaml,b.yaml", "-f", "c.yaml"}, nil, "filename=a.yaml,b.yaml filename=c.yaml", ""},
		{[]string{"pod", "--", "-x", "--y"}, []string{"pod", "-x", "--y"}, "", ""},
		{[]string{"-", "pod"}, []string{"-", "pod"}, "", ""},
		{[]string{"--nope"}, nil, "", "unknown flag: --nope\nSee 'kubectl delete --help' for usage."},
		{[]string{"-Ax"}, nil, "", "unknown shorthand flag: 'x' in -x\nSee 'kubectl delete --help' for usage."},
		{[]string{"-n"}, nil, "", "flag needs an argument: 'n' in -n\nSee 'kubectl delete --help' for usage."},
		{[]string{"--grace-period"}, nil, "", "flag needs an argument: --grace-period\nSee 'kubectl delete --help' for usage."},
		{[]string{"--force=yes"}, nil, "", "invalid argument \"yes\" for \"--force\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax\nSee 'kubectl delete --help' for usage."},
		{[]string{"--timeout=soon"}, nil, "", "invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'kubectl delete --help' for usage."},
		{[]string{"-f", `"a`}, nil, "", "invalid argument \"\\\"a\" for \"-f, --filename\" flag: parse error on line 1, column 3: extraneous or missing \" in quoted-field\nSee 'kubectl delete --help' for usage."},
		{[]string{"---x"}, nil, "", "bad flag syntax: ---x\nSee 'kubectl delete --help' for usage."},
		{[]string{"--=x"}, nil, "", "bad flag syntax: --=x\nSee 'kubectl delete --help' for usage."},
		{[]string{"-h"}, nil, "", errHelp.Error()},
		{[]string{"--help"}, nil, "", errHelp.Error()},
	} {
		var warn strings.Builder
		pos, _, occ, err := spec.parseFlags("kubectl delete", tc.tokens, &warn)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: err = %v, want %q", tc.tokens, err, tc.err)
			}
			continue
		}
		var got []string
		for _, o := range occ {
			got = append(got, o.def.name+"="+o.value)
		}
		if err != nil || !cmp.Equal(pos, tc.pos) || strings.Join(got, " ") != tc.flags {
			t.Errorf("%q: pos %q flags %q err %v; want %q %q", tc.tokens, pos, got, err, tc.pos, tc.flags)
		}
	}
	// The deprecation notice comes each time --record is set.
	var warn strings.Builder
	if _, _, _, err := lookupCommand("create").parseFlags("kubectl create", []string{"--record", "--record=false"}, &warn); err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("Flag --record has been deprecated, --record will be removed in the future\n", 2); warn.String() != want {
		t.Errorf("deprecation = %q", warn.String())
	}
}

// KH-7: --record renders what was typed.
func TestChangeCause(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"kubectl create -f http-go-deploy-v1.yaml --record=true", "kubectl create --filename=http-go-deploy-v1.yaml --record=true"},
		{"kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record", "kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true"},
		{"kubectl set image --record -n dev deploy/x a=b", "kubectl set image deploy/x a=b --record=true --namespace=dev"},
		{"kubectl scale --replicas 0x10 --record deploy x", "kubectl scale deploy x --replicas=0x10 --record=true"},
		{"kubectl create deploy web --image=a,b --image c -- sleep 1", "kubectl create deploy web sleep 1 --image=a,b --image=c"},
	} {
		words, _ := split(tc.line)
		spec, rest, err := find(words[1:])
		if err != nil {
			t.Fatalf("%q: %v", tc.line, err)
		}
		_, _, occ, err := spec.parseFlags("", rest, &strings.Builder{})
		if err != nil {
			t.Fatalf("%q: %v", tc.line, err)
		}
		all, _, _, _ := spec.parseFlags("", words[1:], &strings.Builder{})
		if got := changeCause(all, occ); got != tc.want {
			t.Errorf("%q: change-cause %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestCommands(t *testing.T) {
	runScenarios(t, []scenario{{"finding the command", []step{
		fails("", "error: kubesem's kubectl prints no help (-h, --help)\n"),
		fails("kubectl", "error: kubesem's kubectl prints no help (-h, --help)\n"),
		fails("kubectl get pods --help", "error: kubesem's kubectl prints no help (-h, --help)\n"),
		fails("kubectl rollout", "error: kubesem's kubectl prints no help (-h, --help)\n"),
		fails("kubectl gett pods", "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\tset\n"),
		fails("kubectl frobnicate", "error: unknown command \"frobnicate\" for \"kubectl\"\n"),
		fails("kubectl top pod x", "error: kubesem's kubectl does not model \"kubectl top\"\n"),
		fails("kubectl rollout foo deploy/x", "error: unknown command \"foo deploy/x\"\nSee 'kubectl rollout -h' for help and examples\n"),
		fails("kubectl set env deploy/x A=b", "error: unknown command \"env deploy/x A=b\"\nSee 'kubectl set -h' for help and examples\n"),
		// As cobra: a flag the command above does not know is taken to
		// have a value, the next word.
		fails("kubectl --record set image deploy/x a=b", "error: unknown command \"image\" for \"kubectl\"\n"),
		fails(`kubectl get "pods`, "error: unterminated quote or escape in \"kubectl get \\\"pods\"\n"),
		// Flags may come before the command's words.
		ok("kubectl -n kube-public get pods", "No resources found in kube-public namespace.\n"),
		ok("kubectl --namespace kube-public create --dry-run=client ns x", "namespace/x created (dry run)\n"),
		ok("get -o name ns default", "namespace/default\n"),
	}}})
	if out, err := (&Shell{}).Run("kubectl get pods"); err == nil || out != "error: kubesem: Shell has no Cluster\n" {
		t.Errorf("no cluster: %q, %v", out, err)
	}
}

// RS-14.1: the current context's namespace, unless -n.
func TestKubeconfigNamespace(t *testing.T) {
	sh := newShell(t)
	sh.Kubeconfig = []byte(`apiVersion: v1
kind: Config
current-context: dev-ctx
contexts:
- name: dev-ctx
  context:
    namespace: dev
    cluster: c
`)
	runSteps(t, sh, []step{
		fails("kubectl create -f pod.yaml", "Error from server (NotFound): error when creating \"pod.yaml\": namespaces \"dev\" not found\n"),
		quiet("kubectl create -f ns.yaml"),
		ok("kubectl create -f pod.yaml", "pod/http-go created\n"),
		ok("kubectl get pods -o name", "pod/http-go\n"),
		ok("kubectl get pods -n default", "No resources found in default namespace.\n"),
		// Only an explicit -n is enforced on objects that name theirs.
		fails("kubectl create -f prod-pod.yaml", "Error from server (NotFound): error when creating \"prod-pod.yaml\": namespaces \"prod\" not found\n"),
	})
	sh.Kubeconfig = []byte("current-context: [")
	out, err := sh.Run("kubectl get pods")
	if err == nil || !strings.HasPrefix(out, "error: error loading config file: ") {
		t.Errorf("bad kubeconfig: %q %v", out, err)
	}
}

func ExampleFormat() {
	err := apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "http-go")
	fmt.Print(Format(err))
	fmt.Print(Format(errors.New("exactly one NAME is required, got 0")))
	// Output:
	// Error from server (NotFound): pods "http-go" not found
	// error: exactly one NAME is required, got 0
}
