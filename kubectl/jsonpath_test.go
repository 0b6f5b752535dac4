package kubectl

import (
	"strings"
	"testing"

	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// A pod list and a Deployment as kubectl get gives them to the JSONPath
// printer (numbers decoded as int64).
const (
	jpPods = `{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"default","labels":{"app":"web","app.kubernetes.io/name":"nginx"},"annotations":{"kubernetes.io/change-cause":"kubectl create"}},
  "spec":{"nodeName":"worker1","containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}]},{"name":"log","image":"busybox"}]},
  "status":{"phase":"Running","podIP":"10.244.1.2","containerStatuses":[{"name":"nginx","ready":true,"restartCount":0},{"name":"log","ready":false,"restartCount":3}]}},
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-2","namespace":"default","labels":{"app":"web"}},
  "spec":{"nodeName":"worker2","containers":[{"name":"nginx","image":"nginx:1.27"}]},
  "status":{"phase":"Pending","podIP":null,"containerStatuses":[{"name":"nginx","ready":false,"restartCount":1}]}},
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"db-0","namespace":"default","labels":{"app":"db"}},
  "spec":{"containers":[{"name":"postgres","image":"postgres:16","resources":{"limits":{"cpu":"500m","memory":"1Gi"}}}]},
  "status":{"phase":"Failed","containerStatuses":[{"name":"postgres","ready":false,"restartCount":12}]}}
]}
`
	jpDeployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"http-go","namespace":"default","generation":2,"labels":{"app":"http-go"},"annotations":{"deployment.kubernetes.io/revision":"2"}},
 "spec":{"replicas":3,"revisionHistoryLimit":10,"selector":{"matchLabels":{"app":"http-go"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
  "template":{"metadata":{"labels":{"app":"http-go"}},"spec":{"containers":[{"name":"http-go","image":"gasbugs/http-go:v2","ports":[{"containerPort":8080,"protocol":"TCP"}]}]}}},
 "status":{"observedGeneration":2,"replicas":3,"readyReplicas":3,"availableReplicas":3,"updatedReplicas":3,
  "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}
`
)

type jpMode int

const (
	modeText   jpMode = iota // -o jsonpath
	modeAsJSON               // -o jsonpath-as-json
	modeStrict               // --allow-missing-template-keys=false
)

// TestJSONPathTemplates runs templates as kubectl users write them. Each
// expected output and error is what k8s.io/client-go/util/jsonpath
// v0.37.2 printed for the same template over the same document
// (AllowMissingKeys as kubectl sets it, EnableJSONOutput for
// jsonpath-as-json).
func TestJSONPathTemplates(t *testing.T) {
	docs := map[string]any{}
	for name, js := range map[string]string{"pods": jpPods, "deployment": jpDeployment} {
		var doc any
		if err := utiljson.Unmarshal([]byte(js), &doc); err != nil {
			t.Fatal(err)
		}
		docs[name] = doc
	}
	for _, tc := range []struct {
		doc            string
		mode           jpMode
		tmpl, out, err string
	}{
		{"pods", modeText, "{.items[*].metadata.name}", "web-1 web-2 db-0", ""},
		{"pods", modeText, "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}", "web-1\tRunning\nweb-2\tPending\ndb-0\tFailed\n", ""},
		{"pods", modeText, "{.items[0].metadata.name}", "web-1", ""},
		{"pods", modeText, "{.items[-1].metadata.name}", "db-0", ""},
		{"pods", modeText, "{.items[1:3].metadata.name}", "web-2 db-0", ""},
		{"pods", modeText, "{.items[:2].metadata.name}", "web-1 web-2", ""},
		{"pods", modeText, "{.items[::2].metadata.name}", "web-1 db-0", ""},
		{"pods", modeText, "{.items[0,2].metadata.name}", "web-1 db-0", ""},
		{"pods", modeText, "{.items[0].metadata['name','namespace']}", "web-1 default", ""},
		{"pods", modeText, "{.items[*].spec.containers[*].image}", "nginx:1.27 busybox nginx:1.27 postgres:16", ""},
		// client-go visits a map's values in Go's random order; kubesem in
		// key order, one of the orders client-go prints.
		{"pods", modeText, "{.items[0].spec.containers[*].*}", "nginx:1.27 nginx [{\"containerPort\":80,\"protocol\":\"TCP\"}] busybox log", ""},
		{"pods", modeText, "{..image}", "nginx:1.27 busybox nginx:1.27 postgres:16", ""},
		{"pods", modeText, "{.items[?(@.status.phase==\"Running\")].metadata.name}", "web-1", ""},
		{"pods", modeText, "{.items[?(@.status.phase!='Running')].metadata.name}", "web-2 db-0", ""},
		{"pods", modeText, "{.items[*].status.containerStatuses[?(@.restartCount>2)].name}", "log postgres", ""},
		{"pods", modeText, "{.items[*].status.containerStatuses[?(@.restartCount<=1)].name}", "nginx nginx", ""},
		{"pods", modeText, "{.items[*].status.containerStatuses[?(@.restartCount>=12)].name}", "postgres", ""},
		{"pods", modeText, "{.items[*].status.containerStatuses[?(@.restartCount<1)].name}", "nginx", ""},
		{"pods", modeText, "{.items[?(@.spec.nodeName)].metadata.name}", "web-1 web-2", ""},
		{"pods", modeText, "{.items[?(@.status.containerStatuses[0].ready==true)].metadata.name}", "web-1", ""},
		{"pods", modeText, "{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", "nginx", ""},
		{"pods", modeText, "{.items[0].metadata.annotations['kubernetes.io/change-cause']}", "", ""},
		{"pods", modeText, "{.items[0].metadata.labels}", "{\"app\":\"web\",\"app.kubernetes.io/name\":\"nginx\"}", ""},
		{"pods", modeText, "{.items[0].spec.containers[0].ports}", "[{\"containerPort\":80,\"protocol\":\"TCP\"}]", ""},
		{"pods", modeText, "{.items[1].status.podIP}", "null", ""},
		{"pods", modeText, "{.items[*].status.podIP}", "10.244.1.2 null", ""},
		{"pods", modeText, "{.items[2].spec.containers[0].resources.limits.memory}", "1Gi", ""},
		{"pods", modeText, "{.items[*].metadata.missing}", "", ""},
		{"pods", modeText, "{.kind} has {.items[0].kind}s", "List has Pods", ""},
		{"pods", modeText, "{range .items[*]}[{.metadata.name}]{range .spec.containers[*]} {.name}={.image}{end}{\"\\n\"}{end}", "[web-1] nginx=nginx:1.27 log=busybox\n[web-2] nginx=nginx:1.27\n[db-0] postgres=postgres:16\n", ""},
		{"pods", modeText, "{range .items[*].metadata}{.name}{','}{end}", "web-1,web-2,db-0,", ""},
		{"pods", modeText, "{.items[*].status.containerStatuses[*].restartCount}", "0 3 1 12", ""},
		{"pods", modeText, "{@.kind}{$.apiVersion}", "Listv1", ""},
		{"pods", modeText, "{\"literal\"} {'single'} {1} {2.5} {true}", "literal single 1 2.5 true", ""},
		{"pods", modeText, "{.items[5]}", "", "array index out of bounds: index 5, length 3"},
		{"pods", modeText, "{.items[0].metadata.name[0]}", "", "string is not array or slice"},
		{"pods", modeText, "{.items[0].metadata[?(@.name)]}", "", "map[annotations:map[kubernetes.io/change-cause:kubectl create] labels:map[app:web app.kubernetes.io/name:nginx] name:web-1 namespace:default] is not array or slice and cannot be filtered"},
		{"pods", modeText, "{.items[?(@.status.phase>1)]}", "", "incompatible types for comparison"},
		{"pods", modeText, "{.items[?(@.metadata.labels==\"web\")]}", "", "invalid type for comparison"},
		{"pods", modeText, "{.items[*].status[?(@.phase)]}", "", "map[containerStatuses:[map[name:nginx ready:true restartCount:0] map[name:log ready:false restartCount:3]] phase:Running podIP:10.244.1.2] is not array or slice and cannot be filtered"},
		{"pods", modeText, "{.items[3:1]}", "", "array index out of bounds: index 3, length 3"},
		{"pods", modeText, "{.items[::0]}", "", "step must be > 0"},
		{"pods", modeText, "{end}", "", "not in range, nothing to end"},
		{"pods", modeText, "{foo}", "", "unrecognized identifier foo"},
		{"pods", modeText, "{.items[0].metadata.name", "", "unclosed action"},
		{"pods", modeText, "{.items[0", "", "unterminated array"},
		{"pods", modeText, "{.items[?(@.a==1]}", "", "unterminated filter"},
		{"pods", modeText, "{.items[\"a\"]}", "", "invalid array index \"a\""},
		{"pods", modeText, "{.items[1:2:3:4]}", "", "invalid array index 1:2:3:4"},
		{"pods", modeText, "{.items[x]}", "", "invalid array index x"},
		{"pods", modeText, "{.items[-]}", "", "array index - is not a number"},
		{"pods", modeText, "{\"unterminated}", "", "unterminated quoted string"},
		{"pods", modeText, "{'a\\\"b'}", "", "unquote string 'a\\\"b' error invalid syntax"},
		{"pods", modeText, "{....name}", "", "invalid multiple recursive descent"},
		{"pods", modeText, "{.items[0].metadata.name}}{{", "", "unrecognized character in action: U+007B '{'"},
		{"pods", modeText, "{ .items[*].metadata.name }", "web-1 web-2 db-0", ""},
		{"pods", modeText, "{range .items[*]}{.metadata.name}", "web-1web-2db-0", ""},
		{"pods", modeText, "{#}", "", "unrecognized character in action: U+0023 '#'"},
		{"pods", modeText, "{.items[0].metadata.name.*}", "119 101 98 45 49", ""},
		{"pods", modeText, "{.items[0:0]}", "", ""},
		{"pods", modeText, "{.items[*].spec.containers[?(@.ports)].name}", "nginx", ""},
		{"pods", modeText, "{.items[*].status.containerStatuses[?(@.ready)].name}", "nginx log nginx postgres", ""},
		{"deployment", modeText, "{.spec.replicas}", "3", ""},
		{"deployment", modeText, "{.spec.template.spec.containers[0].image}", "gasbugs/http-go:v2", ""},
		{"deployment", modeText, "{.status.conditions[?(@.type==\"Available\")].status}", "True", ""},
		{"deployment", modeText, "{range .status.conditions[*]}{.type}={.status} {end}", "Available=True Progressing=True ", ""},
		{"deployment", modeText, "{.spec.strategy.rollingUpdate}", "{\"maxSurge\":\"25%\",\"maxUnavailable\":\"25%\"}", ""},
		{"deployment", modeText, "{.status.readyReplicas}/{.spec.replicas}", "3/3", ""},
		{"deployment", modeText, "{.items[*].metadata.name}", "", ""},
		{"deployment", modeText, "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}", "2", ""},
		{"deployment", modeText, "{.spec.replicas[0]}", "", "int64 is not array or slice"},
		{"deployment", modeText, "{.status[?(@.replicas==3)]}", "", "map[availableReplicas:3 conditions:[map[reason:MinimumReplicasAvailable status:True type:Available] map[reason:NewReplicaSetAvailable status:True type:Progressing]] observedGeneration:2 readyReplicas:3 replicas:3 updatedReplicas:3] is not array or slice and cannot be filtered"},
		{"deployment", modeText, "{.status.conditions[?(@.reason)].type}", "Available Progressing", ""},
		{"deployment", modeText, "{.status.conditions[?(@.status==\"True\")].type}", "Available Progressing", ""},
		{"deployment", modeText, "{.status.conditions[?(@.type=='Available')]}", "{\"reason\":\"MinimumReplicasAvailable\",\"status\":\"True\",\"type\":\"Available\"}", ""},
		{"deployment", modeText, "{.spec.template.spec.containers[?(@.name=='http-go')].ports[0].containerPort}", "8080", ""},
		{"deployment", modeText, "{.status.conditions[*].type}", "Available Progressing", ""},
		{"deployment", modeText, "{.spec.replicas} {.spec.replicas==3}", "3 ", ""},
		{"deployment", modeAsJSON, "{.spec.replicas}", "[\n    3\n]\n", ""},
		{"deployment", modeAsJSON, "{.status.conditions[*].type}", "[\n    \"Available\",\n    \"Progressing\"\n]\n", ""},
		{"deployment", modeAsJSON, "{.metadata.labels}", "[\n    {\n        \"app\": \"http-go\"\n    }\n]\n", ""},
		{"deployment", modeAsJSON, "{.missing}", "[]\n", ""},
		{"deployment", modeAsJSON, "name: {.metadata.name}", "[\n    \"name: \"\n]\n[\n    \"http-go\"\n]\n", ""},
		{"pods", modeStrict, "{.missing}", "", "missing is not found"},
		{"pods", modeStrict, "{.items[*].metadata.missing}", "", "missing is not found"},
		{"pods", modeStrict, "{.items[5:5].x}", "", ""},
		{"pods", modeStrict, "{.items[?(@.nope)].metadata.name}", "", ""},
		{"pods", modeStrict, "{.items[?(@.nope==1)].metadata.name}", "", "nope is not found"},
	} {
		nodes, err := parseJSONPath(tc.tmpl)
		out := ""
		if err == nil {
			out, err = runJSONPath(nodes, docs[tc.doc], tc.mode != modeStrict, tc.mode == modeAsJSON)
		}
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if out != tc.out || gotErr != tc.err {
			t.Errorf("%s over %s: got %q, error %q; want %q, error %q", tc.tmpl, tc.doc, out, gotErr, tc.out, tc.err)
		}
	}
}

// TestGetJSONPath is kubectl get -o jsonpath=, jsonpath-as-json= and
// jsonpath-file=: the document (one object named alone, else a List), the
// flag forms, and kubectl's errors.
func TestGetJSONPath(t *testing.T) {
	const names = "http-go http-go-577ffd6fb4-jf7f6 http-go-577ffd6fb4-m4t5z http-go-577ffd6fb4-vfn84"
	sh := newShell(t)
	sh.Files = map[string][]byte{"names.jsonpath": []byte(`{range .items[*]}{.metadata.name}{"\n"}{end}`)}
	for k, v := range testFiles {
		sh.Files[k] = v
	}
	runSteps(t, sh, []step{
		quiet("kubectl create -f deploy.yaml"), quiet("kubectl create -f pod.yaml"),
		ok(`kubectl get pods -o jsonpath='{.items[*].metadata.name}'`, names),
		ok(`kubectl get pods -o=jsonpath="{.items[*].metadata.name}"`, names),
		ok(`kubectl get pods --output 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'`, lines(
			"http-go\tPending", "http-go-577ffd6fb4-jf7f6\tPending", "http-go-577ffd6fb4-m4t5z\tPending", "http-go-577ffd6fb4-vfn84\tPending")),
		ok(`kubectl get deploy http-go -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image}'`, "3 gasbugs/http-go:v1"),
		ok(`kubectl get deploy http-go -o jsonpath='{.kind}'`, "Deployment"),
		ok(`kubectl get deploy/http-go pod/http-go -o jsonpath='{.kind}:{.items[*].kind}'`, "List:Deployment Pod"),
		ok(`kubectl get pods -l app=http-go -o jsonpath='{.items[?(@.metadata.name=="http-go")].spec.containers[0].ports}'`,
			`[{"containerPort":8080,"protocol":"TCP"}]`),
		ok(`kubectl get deploy http-go -o jsonpath-as-json='{.spec.replicas}'`, "[\n    3\n]\n"),
		ok("kubectl get pods -o jsonpath-file=names.jsonpath", lines(strings.Split(names, " ")...)),
		ok(`kubectl get pods -n empty -o jsonpath='{.kind}:{.items}'`, "List:[]"),
		ok(`kubectl get pods -o jsonpath='{.items[0].metadata.missing}'`, ""),
		// Nothing found with --ignore-not-found: no printer at all.
		ok("kubectl get pods -n empty --ignore-not-found -o jsonpath", ""),
		ok("kubectl get pods -n empty --ignore-not-found -o yaml", ""),
		fails("kubectl get pods -o jsonpath", "error: template format specified but no template given\n"),
		fails("kubectl get pods -o jsonpath=", "error: template format specified but no template given\n"),
		fails("kubectl get pods -o jsonpath-as-json", "error: template format specified but no template given\n"),
		fails("kubectl get pods -o jsonpath-file=nope.txt", "error: error reading --template nope.txt, open nope.txt: no such file or directory\n"),
		fails(`kubectl get pods -o jsonpath='{.items[0'`, "error: error parsing jsonpath {.items[0, unterminated array\n"),
		fails(`kubectl get pods -o jsonpath='{.items[?(@.x=="a")}'`, "error: error parsing jsonpath {.items[?(@.x==\"a\")}, unclosed array expect ]\n"),
		fails(`kubectl get pod nope -o jsonpath='{.x}'`, "Error from server (NotFound): pods \"nope\" not found\n"),
		fails(`kubectl get pod http-go nope -o jsonpath='{.items[*].metadata.name}'`, "http-goError from server (NotFound): pods \"nope\" not found\n"),
		fails("kubectl get pods -o jsonpathx", "error: unable to match a printer suitable for the output format \"jsonpathx\", allowed formats are: "+
			"custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml\n"),
	})

	// A template failing on the object prints the object, as Go's %#v
	// prints it, after the reason.
	out, err := sh.Run(`kubectl get deploy http-go -o jsonpath='{.spec.replicas[0]}'`)
	const head = "error: error executing jsonpath \"{.spec.replicas[0]}\": Error executing template: int64 is not array or slice. " +
		"Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.replicas[0]}\n" +
		"\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":\"apps/v1\", \"kind\":\"Deployment\", \"metadata\":map[string]interface {}{"
	if err == nil || !strings.HasPrefix(out, head) || !strings.HasSuffix(out, "}}\n\n\n") || !strings.Contains(out, `"replicas":3,`) {
		t.Errorf("exec error: err %v, output:\n%s", err, out)
	}
}
