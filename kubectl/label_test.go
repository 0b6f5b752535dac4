package kubectl

import (
	"maps"
	"testing"
)

// cmFiles are testFiles with small ConfigMaps, whose YAML fits a
// transcript, and a Deployment created paused (it has no ReplicaSet).
var cmFiles = func() map[string][]byte {
	m := maps.Clone(testFiles)
	m["cm.yaml"] = []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n")
	m["cms.yaml"] = []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n")
	m["paused.yaml"] = []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: paused
spec:
  paused: true
  selector:
    matchLabels:
      app: paused
  template:
    metadata:
      labels:
        app: paused
    spec:
      containers:
      - name: c
        image: busybox
`)
	return m
}()

func cmShell(t *testing.T) *Shell {
	sh := newShell(t)
	sh.Files = cmFiles
	return sh
}

// Rule 8, --dry-run (cmdutil.GetDryRunStrategy): how the flag's value is
// read. kubectl's deprecation warnings for the bare flag and the boolean
// values go to klog, which kubesem does not print.
func TestDryRunFlag(t *testing.T) {
	for _, tc := range []struct {
		flag string
		want dryRunStrategy
		err  string
	}{
		{"", dryRunNone, ""},
		{"--dry-run=none", dryRunNone, ""},
		{"--dry-run=client", dryRunClient, ""},
		{"--dry-run=server", dryRunServer, ""},
		{"--dry-run", dryRunClient, ""}, // NoOptDefVal "unchanged": deprecated, client
		{"--dry-run=true", dryRunClient, ""},
		{"--dry-run=1", dryRunClient, ""},
		{"--dry-run=false", dryRunNone, ""},
		{"--dry-run=Client", dryRunNone, `Invalid dry-run value (Client). Must be "none", "server", or "client".`},
		{"--dry-run=unchanged", dryRunClient, ""},
		{"--dry-run=", dryRunNone, ""},
	} {
		spec := lookupCommand("label")
		words := []string{"pod", "x", "a=b"}
		if tc.flag != "" {
			words = append(words, tc.flag)
		}
		args, dashAt, occ, err := spec.parseFlags("kubectl label", words, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.flag, err)
		}
		got, err := dryRunFlag(&command{spec: spec, args: args, dashAt: dashAt, occ: occ})
		if (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) || got != tc.want {
			t.Errorf("%q: got %v, %v; want %v, %q", tc.flag, got, err, tc.want, tc.err)
		}
	}
}

// Rule 8, label and annotate --dry-run (label.go RunLabel, annotate.go
// RunAnnotate; test/cmd/core.sh "Dry-run label the valid-pod POD" and
// "Dry-run annotate the valid-pod POD with empty annotation value": after
// --dry-run=client and --dry-run=server the pod is unchanged).
func TestLabelDryRun(t *testing.T) {
	runScenarios(t, []scenario{
		{"label dry runs change nothing", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl label pods http-go new-name=new-valid-pod --dry-run=client", "pod/http-go labeled (dry run)\n"),
			ok("kubectl label pods http-go new-name=new-valid-pod --dry-run=server", "pod/http-go labeled (server dry run)\n"),
			// The bare flag is the deprecated client dry run.
			ok("kubectl label pods http-go new-name=new-valid-pod --dry-run", "pod/http-go labeled (dry run)\n"),
			ok("kubectl label pods http-go new-name=new-valid-pod --dry-run=true", "pod/http-go labeled (dry run)\n"),
			ok("kubectl get pod http-go -o jsonpath={.metadata.labels}", `{"app":"http-go"}`),
			// Then the real one (core.sh "Label the valid-pod POD").
			ok("kubectl label pods http-go new-name=new-valid-pod --dry-run=none", "pod/http-go labeled\n"),
			ok("kubectl get pod http-go -o jsonpath={.metadata.labels}", `{"app":"http-go","new-name":"new-valid-pod"}`),
			ok("kubectl label pods http-go new-name- --dry-run=false", "pod/http-go unlabeled\n"),
			fails("kubectl label pods http-go a=b --dry-run=maybe", "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"),
		}},
		{"the messages of a dry run", []step{
			quiet("kubectl create -f pod.yaml"),
			// A client dry run does not say "not found"; a server one does.
			ok("kubectl label pod http-go tier- --dry-run=client", "pod/http-go not labeled (dry run)\n"),
			ok("kubectl label pod http-go tier- --dry-run=server", "label \"tier\" not found.\npod/http-go not labeled (server dry run)\n"),
			ok("kubectl label pod http-go app- tier=web --dry-run=server", "pod/http-go modified (server dry run)\n"),
			ok("kubectl label pod http-go app- --dry-run=client -o name", "pod/http-go\n"),
			fails("kubectl label pod http-go app=x --dry-run=client", "error: 'app' already has a value (http-go), and --overwrite is false\n"),
			ok("kubectl get pod http-go -o jsonpath={.metadata.labels}", `{"app":"http-go"}`),
		}},
		{"a server dry run goes through the apiserver's validation", []step{
			quiet("kubectl create -f pod.yaml"),
			// A client dry run does not send the key the apiserver refuses.
			ok("kubectl label pod http-go a/b/c=x --dry-run=client", "pod/http-go labeled (dry run)\n"),
			fails("kubectl label pod http-go a/b/c=x --dry-run=server", "The Pod \"http-go\" is invalid: metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"),
			fails("kubectl annotate pod http-go a/b/c=x --dry-run=server", "The Pod \"http-go\" is invalid: metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"),
		}},
		{"annotate dry runs change nothing", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl annotate pods http-go emptyannotation= --dry-run=client", "pod/http-go annotated (dry run)\n"),
			ok("kubectl annotate pods http-go emptyannotation= --dry-run=server", "pod/http-go annotated (server dry run)\n"),
			ok("kubectl get pod http-go -o jsonpath={.metadata.annotations}", ""),
			// core.sh "Annotate the valid-pod POD with empty annotation value".
			ok("kubectl annotate pods http-go emptyannotation=", "pod/http-go annotated\n"),
			ok("kubectl get pod http-go -o jsonpath={.metadata.annotations}", `{"emptyannotation":""}`),
			ok("kubectl annotate pods http-go emptyannotation- --dry-run=server -o name", "pod/http-go\n"),
			ok("kubectl get pod http-go -o jsonpath={.metadata.annotations}", `{"emptyannotation":""}`),
		}},
	})
}

// Rule 8, --resource-version (RunLabel, RunAnnotate): only with a single
// resource (one name, one resource/name, one -f path); the resourceVersion
// is sent in the merge patch, so a stale one is the apiserver's Conflict.
// label sends nothing when no label changes (so no Conflict then);
// annotate always sends its patch.
func TestLabelResourceVersion(t *testing.T) {
	conflict := func(name string) string {
		return "Error from server (Conflict): Operation cannot be fulfilled on configmaps \"" + name + "\": the object has been modified; please apply your changes to the latest version and try again\n"
	}
	runSteps(t, cmShell(t), []step{
		quiet("kubectl create -f cm.yaml"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.resourceVersion}", "9"),
		fails("kubectl label cm cfg a=b --resource-version=8", conflict("cfg")),
		fails("kubectl annotate cm cfg a=b --resource-version=8", conflict("cfg")),
		// Nothing to change: label sends nothing, annotate still sends
		// the resourceVersion.
		ok("kubectl label cm cfg a- --resource-version=8", "label \"a\" not found.\nconfigmap/cfg not labeled\n"),
		fails("kubectl annotate cm cfg a- --resource-version=8", conflict("cfg")),
		// A server dry run is refused alike; a client one is not checked.
		fails("kubectl label cm cfg a=b --resource-version=8 --dry-run=server", conflict("cfg")),
		ok("kubectl label cm cfg a=b --resource-version=8 --dry-run=client", "configmap/cfg labeled (dry run)\n"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.resourceVersion}", "9"),
		ok("kubectl label cm cfg a=b --resource-version=9", "configmap/cfg labeled\n"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.resourceVersion}", "10"),
		ok("kubectl annotate configmap/cfg a=b --resource-version=10", "configmap/cfg annotated\n"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.labels}{.metadata.annotations}", `{"a":"b"}{"a":"b"}`),
		// Several resources are refused before anything is read.
		fails("kubectl label cm cfg nope a=c --resource-version=11", "error: --resource-version may only be used with a single resource\n"),
		fails("kubectl label cm --all a=c --resource-version=11", "error: --resource-version may only be used with a single resource\n"),
		fails("kubectl annotate cm -l x=y a=c --resource-version=11", "error: --resource-version may only be used with a single resource\n"),
		fails("kubectl annotate -f cm.yaml -f cms.yaml a=c --resource-version=11", "error: --resource-version may only be used with a single resource\n"),
		// One file is one resource to the builder, whatever it holds.
		quiet("kubectl create -f cms.yaml"),
		fails("kubectl label -f cms.yaml a=c --resource-version=1", conflict("one")+conflict("two")),
		// The checks before the builder come first.
		fails("kubectl label cm cfg nope --resource-version=11", "error: at least one label update is required\n"),
	})
}

// Rule 8, label and annotate -o (label.go: a printer per object, made
// after the write; annotate.go: one printer, made before anything is
// read): -o name prints the name alone, -o yaml and -o json the object —
// label the object as it changed it on the client (the resourceVersion it
// read, or the one given), annotate the server's answer — managedFields
// left out; annotate's YAML documents after the first start with "---".
func TestLabelOutput(t *testing.T) {
	runSteps(t, cmShell(t), []step{
		quiet("kubectl create -f cm.yaml"),
		ok("kubectl label cm cfg tier=web -o yaml", lines(
			"apiVersion: v1",
			"data:",
			"  a: \"1\"",
			"kind: ConfigMap",
			"metadata:",
			"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
			"  labels:",
			"    tier: web",
			"  name: cfg",
			"  namespace: default",
			"  resourceVersion: \"9\"",
			"  uid: c8788c7a-b1d1-4ee4-935b-2b0441ee0754")),
		ok("kubectl annotate cm cfg note=x -o json", lines(
			"{",
			"    \"apiVersion\": \"v1\",",
			"    \"data\": {",
			"        \"a\": \"1\"",
			"    },",
			"    \"kind\": \"ConfigMap\",",
			"    \"metadata\": {",
			"        \"annotations\": {",
			"            \"note\": \"x\"",
			"        },",
			"        \"creationTimestamp\": \"2026-01-01T09:00:00Z\",",
			"        \"labels\": {",
			"            \"tier\": \"web\"",
			"        },",
			"        \"name\": \"cfg\",",
			"        \"namespace\": \"default\",",
			"        \"resourceVersion\": \"11\",",
			"        \"uid\": \"c8788c7a-b1d1-4ee4-935b-2b0441ee0754\"",
			"    }",
			"}")),
		// The given resourceVersion is what label prints.
		ok("kubectl label cm cfg tier- --resource-version=12 -o yaml --dry-run=client", lines(
			"apiVersion: v1",
			"data:",
			"  a: \"1\"",
			"kind: ConfigMap",
			"metadata:",
			"  annotations:",
			"    note: x",
			"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
			"  name: cfg",
			"  namespace: default",
			"  resourceVersion: \"12\"",
			"  uid: c8788c7a-b1d1-4ee4-935b-2b0441ee0754")),
		quiet("kubectl create -f cms.yaml"),
		// label: one printer an object, no separator; annotate: one
		// printer, "---" between documents.
		ok("kubectl label -f cms.yaml x=1 -o yaml", lines(
			"apiVersion: v1",
			"kind: ConfigMap",
			"metadata:",
			"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
			"  labels:",
			"    x: \"1\"",
			"  name: one",
			"  namespace: default",
			"  resourceVersion: \"12\"",
			"  uid: 0ce92660-27b9-421a-b122-4addf61b6cc4",
			"apiVersion: v1",
			"kind: ConfigMap",
			"metadata:",
			"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
			"  labels:",
			"    x: \"1\"",
			"  name: two",
			"  namespace: default",
			"  resourceVersion: \"13\"",
			"  uid: 3eabf340-17c9-4bcb-8a9c-b8fb57fb43e7")),
		ok("kubectl annotate -f cms.yaml y=2 -o yaml --dry-run=server", lines(
			"apiVersion: v1",
			"kind: ConfigMap",
			"metadata:",
			"  annotations:",
			"    \"y\": \"2\"",
			"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
			"  labels:",
			"    x: \"1\"",
			"  name: one",
			"  namespace: default",
			"  resourceVersion: \"14\"",
			"  uid: 0ce92660-27b9-421a-b122-4addf61b6cc4",
			"---",
			"apiVersion: v1",
			"kind: ConfigMap",
			"metadata:",
			"  annotations:",
			"    \"y\": \"2\"",
			"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
			"  labels:",
			"    x: \"1\"",
			"  name: two",
			"  namespace: default",
			"  resourceVersion: \"15\"",
			"  uid: 3eabf340-17c9-4bcb-8a9c-b8fb57fb43e7")),
		ok("kubectl label cm one two z=3 -o name", "configmap/one\nconfigmap/two\n"),
		ok("kubectl annotate cm one two z=3 -o NAME --dry-run=client", "configmap/one\nconfigmap/two\n"),
		// An unknown format: annotate refuses it before anything is sent;
		// label after its write.
		fails("kubectl annotate cm cfg w=1 -o wide", "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: "+
			"go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml\n"),
		fails("kubectl label cm cfg w=1 -o wide", "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: "+
			"go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml\n"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.labels}{.metadata.annotations}", `{"tier":"web","w":"1"}{"note":"x"}`),
		// A format kubectl has and kubesem does not print fails first.
		fails("kubectl label cm cfg v=1 -o jsonpath={.x}", "error: kubesem's kubectl does not print -o jsonpath={.x}\n"),
		fails("kubectl annotate cm cfg v=1 -o kyaml", "error: kubesem's kubectl does not print -o kyaml\n"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.labels}", `{"tier":"web","w":"1"}`),
	})
}

// Rule 8, label and annotate through the apiserver (core.sh "Record label
// change" and the field-manager checks after "Annotate the valid-pod
// POD"): the writes are merge patches by the field managers kubectl-label
// and kubectl-annotate (--field-manager to name another); --record stores
// the change-cause annotation with the label's change.
func TestLabelManagersAndRecord(t *testing.T) {
	runSteps(t, cmShell(t), []step{
		quiet("kubectl create -f cm.yaml"),
		ok("kubectl annotate cm cfg emptyannotation=", "configmap/cfg annotated\n"),
		ok("kubectl label cm cfg record-change=true --record=true", "Flag --record has been deprecated, --record will be removed in the future\nconfigmap/cfg labeled\n"),
		ok("kubectl label cm cfg other=1 --field-manager=me", "configmap/cfg labeled\n"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.managedFields[*].manager}", "kubectl-annotate kubectl-label me unknown"),
		ok("kubectl get cm cfg -o jsonpath={.metadata.annotations}", `{"emptyannotation":"","kubernetes.io/change-cause":"kubectl label cm cfg record-change=true --record=true"}`),
		// --record=false leaves the recorded cause alone.
		ok("kubectl label cm cfg no-record-change=true --record=false", "Flag --record has been deprecated, --record will be removed in the future\nconfigmap/cfg labeled\n"),
		ok(`kubectl get cm cfg -o jsonpath='{.metadata.annotations.kubernetes\.io/change-cause}'`, "kubectl label cm cfg record-change=true --record=true"),
	})
}
