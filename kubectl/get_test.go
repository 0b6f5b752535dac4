package kubectl

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/cluster"
)

// Pod, RC and RS tables right after their creation: containers are
// still being created.
func createWorkloads() []step {
	return []step{quiet("kubectl create -f rc.yaml"), quiet("kubectl create -f rs.yaml"), quiet("kubectl create -f pod.yaml")}
}

func TestGet(t *testing.T) {
	const podsTable = `NAME          READY   STATUS              RESTARTS   AGE
http-go       0/1     ContainerCreating   0          0s
nginx-m4t5z   0/1     ContainerCreating   0          0s
nginx-vfn84   0/1     ContainerCreating   0          0s
web-jf7f6     0/1     ContainerCreating   0          0s
`
	const rcTable = `NAME    DESIRED   CURRENT   READY   AGE
nginx   2         2         0       0s
`
	const rsTable = `NAME   DESIRED   CURRENT   READY   AGE
web    1         1         0       0s
`
	const nodes = `NAME      STATUS   ROLES           AGE   VERSION
master    Ready    control-plane   0s    v1.37.2
worker1   Ready    <none>          0s    v1.37.2
worker2   Ready    <none>          0s    v1.37.2
`
	const namespaces = `NAME              STATUS   AGE
default           Active   0s
kube-node-lease   Active   0s
kube-public       Active   0s
kube-system       Active   0s
`
	const services = `NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   0s
`
	withWorkloads := func(s ...step) []step { return append(createWorkloads(), s...) }
	runScenarios(t, []scenario{
		// RS-14.5: every resource kind by its plural, singular, short name
		// and kind, in any case, and with its group.
		{"RS-14.5 pods by every name", withWorkloads(
			ok("kubectl get pods", podsTable), ok("kubectl get pod", podsTable), ok("kubectl get po", podsTable),
			ok("kubectl get Pod", podsTable), ok("kubectl get PODS", podsTable))},
		{"RS-14.5 replicationcontrollers by every name", withWorkloads(
			ok("kubectl get replicationcontrollers", rcTable), ok("kubectl get replicationcontroller", rcTable),
			ok("kubectl get rc", rcTable), ok("kubectl get ReplicationController", rcTable))},
		{"RS-14.5 replicasets by every name", withWorkloads(
			ok("kubectl get replicasets", rsTable), ok("kubectl get replicaset", rsTable), ok("kubectl get rs", rsTable),
			ok("kubectl get replicasets.apps", rsTable), ok("kubectl get rs.apps", rsTable), ok("kubectl get replicasets.v1.apps", rsTable))},
		{"RS-14.5 nodes by every name", []step{ok("kubectl get nodes", nodes), ok("kubectl get node", nodes), ok("kubectl get no", nodes)}},
		{"RS-14.5 namespaces by every name", []step{ok("kubectl get namespaces", namespaces), ok("kubectl get namespace", namespaces), ok("kubectl get ns", namespaces)}},
		{"RS-14.5 services by every name", []step{ok("kubectl get services", services), ok("kubectl get service", services), ok("kubectl get svc", services)}},
		{"RS-14.5 deployments by every name", []step{
			quiet("kubectl create deployment web --image=nginx"),
			ok("kubectl get deployments", "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/1     1            0           0s\n"),
			ok("kubectl get deploy", "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/1     1            0           0s\n"),
			ok("kubectl get deployment.apps", "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/1     1            0           0s\n"),
		}},
		{"RS-14.5 events", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl get ev", "LAST SEEN   TYPE     REASON      OBJECT        MESSAGE\n0s          Normal   Scheduled   pod/http-go   Successfully assigned default/http-go to worker1\n"),
			ok("kubectl get events -n dev", "No resources found in dev namespace.\n"),
		}},
		{"RS-14.5 resourcequotas with none", []step{ok("kubectl get quota", "No resources found in default namespace.\n"), ok("kubectl get resourcequotas", "No resources found in default namespace.\n")}},
		// printResourceQuota's columns; the quota's status is empty until
		// its controller fills it.
		{"resourcequotas", []step{
			{do: func(c *cluster.Cluster) error {
				_, err := c.Create(&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"}})
				return err
			}},
			ok("kubectl get quota -o name", "resourcequota/q\n"),
			ok("kubectl get quota", lines(
				"NAME   REQUEST   LIMIT   AGE",
				"q"+strings.Repeat(" ", 24)+"0s")),
		}},
		// Kinds without a modelled controller: stored by the apiserver,
		// printed with their handler's columns (a PodDisruptionBudget
		// without bounds prints N/A for both).
		{"other kinds", []step{
			{do: func(c *cluster.Cluster) error {
				_, err := c.CreateManifest([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n  b: \"2\"\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb\n"), "")
				return err
			}},
			ok("kubectl get cm", lines("NAME   DATA   AGE", "cfg    2      0s")),
			ok("kubectl get configmaps/cfg -o name", "configmap/cfg\n"),
			ok("kubectl get pdb", lines(
				"NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE",
				"pdb    N/A             N/A               0                     0s")),
			ok("kubectl get poddisruptionbudgets.policy -o name", "poddisruptionbudget.policy/pdb\n"),
			fails("kubectl get cm nope", "Error from server (NotFound): configmaps \"nope\" not found\n"),
			// -o yaml and -o json (rule 14): one named object alone, else a
			// List; fields in alphabetical order.
			ok("kubectl get cm cfg -o yaml", lines(
				"apiVersion: v1",
				"data:",
				"  a: \"1\"",
				"  b: \"2\"",
				"kind: ConfigMap",
				"metadata:",
				"  creationTimestamp: \"2026-01-01T09:00:00Z\"",
				"  name: cfg",
				"  namespace: default",
				"  resourceVersion: \"9\"",
				"  uid: 3eabf340-17c9-4bcb-8a9c-b8fb57fb43e7")),
			ok("kubectl get pdb -o json", lines(
				"{",
				"    \"apiVersion\": \"v1\",",
				"    \"items\": [",
				"        {",
				"            \"apiVersion\": \"policy/v1\",",
				"            \"kind\": \"PodDisruptionBudget\",",
				"            \"metadata\": {",
				"                \"creationTimestamp\": \"2026-01-01T09:00:00Z\",",
				"                \"generation\": 1,",
				"                \"name\": \"pdb\",",
				"                \"namespace\": \"default\",",
				"                \"resourceVersion\": \"10\",",
				"                \"uid\": \"97c4ee98-1c8a-4665-90a6-f16b12054d89\"",
				"            },",
				"            \"spec\": {},",
				"            \"status\": {",
				"                \"currentHealthy\": 0,",
				"                \"desiredHealthy\": 0,",
				"                \"disruptionsAllowed\": 0,",
				"                \"expectedPods\": 0",
				"            }",
				"        }",
				"    ],",
				"    \"kind\": \"List\",",
				"    \"metadata\": {",
				"        \"resourceVersion\": \"\"",
				"    }",
				"}")),
			ok("kubectl get secrets -o yaml", lines("apiVersion: v1", "items: []", "kind: List", "metadata:", "  resourceVersion: \"\"")),
			fails("kubectl get cm nope -o yaml", "Error from server (NotFound): configmaps \"nope\" not found\n"),
			// The other verbs on a kind without a controller.
			ok("kubectl label cm cfg tier=front", "configmap/cfg labeled\n"),
			ok("kubectl annotate configmap/cfg note=x", "configmap/cfg annotated\n"),
			ok(`kubectl patch cm cfg -p '{"data":{"c":"3"}}'`, "configmap/cfg patched\n"),
			ok(`kubectl patch cm cfg -p '{"data":{"c":"3"}}'`, "configmap/cfg patched (no change)\n"),
			ok("kubectl get cm -L tier", lines("NAME   DATA   AGE   TIER", "cfg    3      0s    front")),
			ok("kubectl delete pdb pdb", "poddisruptionbudget.policy \"pdb\" deleted from default namespace\n"),
			ok("kubectl get pdb", "No resources found in default namespace.\n"),
		}},
		// api-resources: discovery's preferred resources, by group then
		// name (rule 13).
		{"api-resources", []step{
			ok("kubectl api-resources --api-group=apps", lines(
				"NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND",
				"controllerrevisions                apps/v1      true         ControllerRevision",
				"daemonsets            ds           apps/v1      true         DaemonSet",
				"deployments           deploy       apps/v1      true         Deployment",
				"replicasets           rs           apps/v1      true         ReplicaSet",
				"statefulsets          sts          apps/v1      true         StatefulSet")),
			ok("kubectl api-resources --namespaced=false -o name --api-group=rbac.authorization.k8s.io", lines(
				"clusterrolebindings.rbac.authorization.k8s.io",
				"clusterroles.rbac.authorization.k8s.io")),
			ok("kubectl api-resources --api-group=policy -o wide --no-headers",
				"poddisruptionbudgets   pdb   policy/v1   true   PodDisruptionBudget   create,delete,deletecollection,get,list,patch,update,watch   \n"),
			fails("kubectl api-resources -o yaml", "error: --output yaml is not available\n"),
		}},
		{"unknown resource type", []step{
			fails("kubectl get foo", "error: the server doesn't have a resource type \"foo\"\n"),
			fails("kubectl get foo.bar", "error: the server doesn't have a resource type \"foo\"\n"),
			fails("kubectl get pods.apps", "error: the server doesn't have a resource type \"pods\"\n"),
		}},

		// RS-14.5 -o wide, --show-labels, -L; RS-14.6 the selector column.
		{"RS-14.5 -o wide", withWorkloads(
			ok("kubectl get rc -o wide", "NAME    DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES   SELECTOR\nnginx   2         2         0       0s    nginx        nginx    app=nginx\n"),
			ok("kubectl get rs -owide", "NAME   DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES   SELECTOR\nweb    1         1         0       0s    web          nginx    app in (web)\n"),
			ok("kubectl get pod http-go --output=wide", "NAME      READY   STATUS              RESTARTS   AGE   IP           NODE      NOMINATED NODE   READINESS GATES\nhttp-go   0/1     ContainerCreating   0          0s    10.244.2.3   worker2   <none>           <none>\n"),
			ok("kubectl get svc -o=wide", "NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   0s    <none>\n"),
		)},
		{"RS-14.5 --show-labels and -L, -L before LABELS", withWorkloads(
			ok("kubectl get pods -l app=nginx -L app --show-labels", lines(
				"NAME          READY   STATUS              RESTARTS   AGE   APP     LABELS",
				"nginx-m4t5z   0/1     ContainerCreating   0          0s    nginx   app=nginx",
				"nginx-vfn84   0/1     ContainerCreating   0          0s    nginx   app=nginx")),
			ok("kubectl get pod http-go --show-labels -L app,tier -L app.kubernetes.io/name", lines(
				"NAME      READY   STATUS              RESTARTS   AGE   APP       TIER   NAME   LABELS",
				"http-go   0/1     ContainerCreating   0          0s    http-go                 app=http-go")),
		)},
		{"--no-headers and --show-kind", withWorkloads(
			ok("kubectl get rc --no-headers", "nginx   2     2     0     0s\n"),
			ok("kubectl get pods -l app=nginx --show-kind", lines(
				"NAME              READY   STATUS              RESTARTS   AGE",
				"pod/nginx-m4t5z   0/1     ContainerCreating   0          0s",
				"pod/nginx-vfn84   0/1     ContainerCreating   0          0s")),
			// No blank line between tables without headers.
			ok("kubectl get rc,rs --no-headers", "replicationcontroller/nginx   2     2     0     0s\nreplicaset.apps/web   1     1     0     0s\n"),
		)},
		{"-o name", withWorkloads(
			ok("kubectl get pods -o name", "pod/http-go\npod/nginx-m4t5z\npod/nginx-vfn84\npod/web-jf7f6\n"),
			ok("kubectl get rs,rc -o name", "replicaset.apps/web\nreplicationcontroller/nginx\n"),
			// -o name prints nothing, and no "No resources found", for nothing.
			ok("kubectl get pods -n dev -o name", ""),
			fails("kubectl get pod nope -o name", "Error from server (NotFound): pods \"nope\" not found\n"),
		)},

		// RS-14.1: -n, -A and the namespace of the current context.
		{"RS-14.1 -n and -A", []step{
			quiet("kubectl create ns dev"),
			quiet("kubectl create -f pod.yaml -n dev"),
			ok("kubectl get pods", "No resources found in default namespace.\n"),
			ok("kubectl get pods -n dev", "NAME      READY   STATUS              RESTARTS   AGE\nhttp-go   0/1     ContainerCreating   0          0s\n"),
			ok("kubectl -n dev get pods", "NAME      READY   STATUS              RESTARTS   AGE\nhttp-go   0/1     ContainerCreating   0          0s\n"),
			ok("kubectl get pods --namespace=dev -o name", "pod/http-go\n"),
			ok("kubectl get pods -A", "NAMESPACE   NAME      READY   STATUS              RESTARTS   AGE\ndev         http-go   0/1     ContainerCreating   0          0s\n"),
			ok("kubectl get pods --all-namespaces -n default", "NAMESPACE   NAME      READY   STATUS              RESTARTS   AGE\ndev         http-go   0/1     ContainerCreating   0          0s\n"),
			// A cluster-scoped kind gets no NAMESPACE column.
			ok("kubectl get ns dev -A", "NAME   STATUS   AGE\ndev    Active   0s\n"),
			fails("kubectl get pod http-go -A", "error: a resource cannot be retrieved by name across all namespaces\n"),
		}},

		// RS-14.5: nothing found.
		{"RS-14.5 No resources found", []step{
			ok("kubectl get pods", "No resources found in default namespace.\n"),
			ok("kubectl get pods -n kube-public", "No resources found in kube-public namespace.\n"),
			ok("kubectl get rs,deploy", "No resources found in default namespace.\n"),
			ok("kubectl get pods -A", "No resources found\n"),
			ok("kubectl get nodes -l role=none", "No resources found\n"),
			ok("kubectl get ns -l role=none", "No resources found\n"),
			ok("kubectl get pods,nodes -l x", "No resources found\n"),
			ok("kubectl get all -n kube-public", "No resources found in kube-public namespace.\n"),
			ok("kubectl get all -A -l app=none", "No resources found\n"),
		}},

		// RS-14.5: get all lists pods, replicationcontrollers, services,
		// deployments and replicasets, each with its kind, blank lines
		// between the tables that print.
		{"RS-14.5 get all", append(withWorkloads(quiet("kubectl create deployment web --image=nginx")),
			ok("kubectl get all", lines(
				"NAME                       READY   STATUS              RESTARTS   AGE",
				"pod/http-go                0/1     ContainerCreating   0          0s",
				"pod/nginx-m4t5z            0/1     ContainerCreating   0          0s",
				"pod/nginx-vfn84            0/1     ContainerCreating   0          0s",
				"pod/web-5fc9f4bf66-m4tc8   0/1     ContainerCreating   0          0s",
				"pod/web-jf7f6              0/1     ContainerCreating   0          0s",
				"",
				"NAME                          DESIRED   CURRENT   READY   AGE",
				"replicationcontroller/nginx   2         2         0       0s",
				"",
				"NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
				"service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   0s",
				"",
				"NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
				"deployment.apps/web   0/1     1            0           0s",
				"",
				"NAME                             DESIRED   CURRENT   READY   AGE",
				"replicaset.apps/web              1         1         0       0s",
				"replicaset.apps/web-5fc9f4bf66   1         1         0       0s")),
			// Only services in kube-system... none: the kind is still shown,
			// several types were asked for.
			ok("kubectl get all -l app=web", lines(
				"NAME                       READY   STATUS              RESTARTS   AGE",
				"pod/web-5fc9f4bf66-m4tc8   0/1     ContainerCreating   0          0s",
				"pod/web-jf7f6              0/1     ContainerCreating   0          0s",
				"",
				"NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
				"deployment.apps/web   0/1     1            0           0s",
				"",
				"NAME                             DESIRED   CURRENT   READY   AGE",
				"replicaset.apps/web-5fc9f4bf66   1         1         0       0s")),
		)},

		// Names: found ones print, missing ones are errors after them.
		{"RS-14.8 get of missing names", withWorkloads(
			fails("kubectl get pod x", "Error from server (NotFound): pods \"x\" not found\n"),
			fails("kubectl get pod a b", "Error from server (NotFound): pods \"a\" not found\nError from server (NotFound): pods \"b\" not found\n"),
			fails("kubectl get pod x http-go", "NAME      READY   STATUS              RESTARTS   AGE\nhttp-go   0/1     ContainerCreating   0          0s\nError from server (NotFound): pods \"x\" not found\n"),
			ok("kubectl get pod x http-go --ignore-not-found", "NAME      READY   STATUS              RESTARTS   AGE\nhttp-go   0/1     ContainerCreating   0          0s\n"),
			ok("kubectl get pod x --ignore-not-found", ""),
			fails("kubectl get ns nope", "Error from server (NotFound): namespaces \"nope\" not found\n"),
			fails("kubectl get deploy nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
			fails("kubectl get rs/nope", "Error from server (NotFound): replicasets.apps \"nope\" not found\n"),
			// TYPE/NAME of several types: one table each, with kinds.
			ok("kubectl get pod/http-go rc/nginx", lines(
				"NAME          READY   STATUS              RESTARTS   AGE",
				"pod/http-go   0/1     ContainerCreating   0          0s",
				"",
				"NAME                          DESIRED   CURRENT   READY   AGE",
				"replicationcontroller/nginx   2         2         0       0s")),
			// "a,b NAME" is "a/NAME b/NAME"; only one object was found, so
			// no kinds (multipleGVKsRequested counts what was found).
			fails("kubectl get rc,rs nginx", lines(
				"NAME    DESIRED   CURRENT   READY   AGE",
				"nginx   2         2         0       0s",
				"Error from server (NotFound): replicasets.apps \"nginx\" not found")),
		)},
		{"-f reads the objects a file names", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl get -f pod.yaml", "NAME      READY   STATUS              RESTARTS   AGE\nhttp-go   0/1     ContainerCreating   0          0s\n"),
			fails("kubectl get -f deploy.yaml", "Error from server (NotFound): deployments.apps \"http-go\" not found\n"),
			fails("kubectl get -f nope.yaml", "error: the path \"nope.yaml\" does not exist\n"),
		}},
		{"label selectors (RS-14.6)", withWorkloads(
			ok("kubectl get pods -l 'app in (web,nginx)' -o name", "pod/nginx-m4t5z\npod/nginx-vfn84\npod/web-jf7f6\n"),
			ok("kubectl get pods -l app!=nginx -o name", "pod/http-go\npod/web-jf7f6\n"),
			ok("kubectl get pods -l '!app' -o name", ""),
			ok("kubectl get pods --selector=app=http-go -o name", "pod/http-go\n"),
			fails("kubectl get pods -l '!!'", "Error from server (BadRequest): unable to parse requirement: found '!', expected: identifier\n"),
		)},

		// Argument errors of the builder and of get itself.
		{"argument errors", []step{
			fails("kubectl get", lines(
				`You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.`,
				"",
				"error: Required resource not specified.",
				`Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).`,
				"See 'kubectl get -h' for help and examples")),
			fails("kubectl get pod/a pods", "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n"),
			fails("kubectl get pod/a/b", "error: arguments in resource/name form may not have more than one slash\n"),
			fails("kubectl get pod/", "error: arguments in resource/name form must have a single resource and name\n"),
			fails("kubectl get pod x -l app=x", "error: name cannot be provided when a selector is specified\n"),
			fails("kubectl get pods,rs x y -o name", lines(
				`Error from server (NotFound): pods "x" not found`,
				`Error from server (NotFound): pods "y" not found`,
				`Error from server (NotFound): replicasets.apps "x" not found`,
				`Error from server (NotFound): replicasets.apps "y" not found`)),
			fails("kubectl get pods -o kyaml", "error: kubesem's kubectl does not print -o kyaml\n"),
			fails("kubectl get pods -o foo", "error: unable to match a printer suitable for the output format \"foo\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml\n"),
			fails("kubectl get pods --output-watch-events", "error: --output-watch-events option can only be used with --watch or --watch-only\n"),
		}},
	})
}

// --no-headers reaches the printer (it used not to).
func TestGetNoHeaders(t *testing.T) {
	runScenarios(t, []scenario{{"nodes", []step{
		ok("kubectl get nodes --no-headers", "master    Ready   control-plane   0s    v1.37.2\nworker1   Ready   <none>          0s    v1.37.2\nworker2   Ready   <none>          0s    v1.37.2\n"),
	}}})
}
