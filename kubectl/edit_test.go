package kubectl

import (
	"fmt"
	"testing"

	"github.com/kubesem/kubesem/cluster"
)

// annotation checks an object's annotation.
func annotation(kind, name, key, want string) func(*cluster.Cluster) error {
	return func(c *cluster.Cluster) error {
		o, err := c.Get(kind, "default", name)
		if err != nil {
			return err
		}
		if got := o.GetAnnotations()[key]; got != want {
			return fmt.Errorf("%s %s: annotation %s = %q, want %q", kind, name, key, got, want)
		}
		return nil
	}
}

func TestLabel(t *testing.T) {
	runScenarios(t, []scenario{
		// L12.4.5: labeled, unlabeled, modified, not labeled.
		{"L12.4 messages", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl label pod http-go rel=beta", "pod/http-go labeled\n"),
			ok("kubectl label pod http-go rel=beta", "pod/http-go not labeled\n"),
			ok("kubectl label pod http-go rel- tier=web", "pod/http-go modified\n"),
			ok("kubectl label pod http-go tier-", "pod/http-go unlabeled\n"),
			// L12.4.3: removing an absent key.
			ok("kubectl label pod http-go tier-", "label \"tier\" not found.\npod/http-go not labeled\n"),
			ok("kubectl label po/http-go a=b c- d-", "label \"c\" not found.\nlabel \"d\" not found.\npod/http-go labeled\n"),
			fails("kubectl label pod http-go a=", "error: 'a' already has a value (b), and --overwrite is false\n"),
			ok("kubectl label pod http-go a= -o name --overwrite", "pod/http-go\n"),
			ok("kubectl get pod http-go --show-labels", "NAME      READY   STATUS              RESTARTS   AGE   LABELS\nhttp-go   0/1     ContainerCreating   0          0s    a=,app=http-go\n"),
		}},
		// L12.4.1: --overwrite.
		{"L12.4.1 --overwrite", []step{
			quiet("kubectl create -f pod.yaml"),
			quiet("kubectl label pod http-go rel=beta"),
			fails("kubectl label pod http-go rel=stable", "error: 'rel' already has a value (beta), and --overwrite is false\n"),
			// RS-14.3: several keys, one line each and no "error: ".
			fails("kubectl label pod http-go rel=stable app=x", "'app' already has a value (http-go), and --overwrite is false\n'rel' already has a value (beta), and --overwrite is false\n"),
			ok("kubectl label pod http-go rel=stable --overwrite", "pod/http-go labeled\n"),
			ok("kubectl label pod http-go rel=stable app=http-go", "pod/http-go not labeled\n"),
		}},
		// L12.1-L12.3: arguments.
		{"L12.1-3 argument errors", []step{
			quiet("kubectl create -f pod.yaml"),
			fails("kubectl label pod http-go", "error: at least one label update is required\n"),
			fails("kubectl label app=x", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
			fails("kubectl label pod http-go a=b c", "error: all resources must be specified before label changes: c\n"),
			fails("kubectl label pod http-go a=b=c", "error: invalid label spec: a=b=c\n"),
			fails("kubectl label pod http-go a=b a-", "error: can not both modify and remove a label in the same command\n"),
			fails("kubectl label pod http-go 'a=b c'", "error: invalid label value: \"a=b c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"),
			fails("kubectl label pods --all -l app=x a=b", "error: cannot set --all and --selector at the same time\n"),
		}},
		// Several objects: each is tried, errors come last.
		{"-l, --all and several names", []step{
			quiet("kubectl create -f rc.yaml"),
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl label pods -l app=nginx tier=web", "pod/nginx-m4t5z labeled\npod/nginx-vfn84 labeled\n"),
			ok("kubectl label pods --all tier=web", "pod/http-go labeled\npod/nginx-m4t5z not labeled\npod/nginx-vfn84 not labeled\n"),
			// In the order visited; several errors print without "error: ".
			fails("kubectl label pod nope http-go tier=db", "Error from server (NotFound): pods \"nope\" not found\n'tier' already has a value (web), and --overwrite is false\n"),
			fails("kubectl label pod http-go nope tier=db", "'tier' already has a value (web), and --overwrite is false\nError from server (NotFound): pods \"nope\" not found\n"),
			fails("kubectl label pod nope http-go x=y", "pod/http-go labeled\nError from server (NotFound): pods \"nope\" not found\n"),
			ok("kubectl label pods -l app=none x=y", ""),
		}},
	})
}

func TestAnnotate(t *testing.T) {
	runScenarios(t, []scenario{
		{"RS-14.4 annotate", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl annotate pod http-go test1234=test1234", "pod/http-go annotated\n"),
			ok("kubectl annotate pod http-go test1234=test1234", "pod/http-go annotated\n"),
			fails("kubectl annotate pod http-go test1234=other", "error: --overwrite is false but found the following declared annotation(s): 'test1234' already has a value (test1234)\n"),
			ok("kubectl annotate pod http-go test1234=other --overwrite", "pod/http-go annotated\n"),
			{do: annotation(cluster.KindPod, "http-go", "test1234", "other")},
			// The value is split at the first "=".
			ok("kubectl annotate pod http-go url=a=b", "pod/http-go annotated\n"),
			{do: annotation(cluster.KindPod, "http-go", "url", "a=b")},
			ok("kubectl annotate pod http-go url- missing-", "pod/http-go annotated\n"),
			fails("kubectl annotate pod http-go a=1 b=2 a-", "error: can not both modify and remove the following annotation(s) in the same command: a\n"),
			// "=x" is not a change, so it is a resource name.
			fails("kubectl annotate pod http-go =x", "error: at least one annotation update is required\n"),
			fails("kubectl annotate pod http-go", "error: at least one annotation update is required\n"),
			fails("kubectl annotate a=b", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
			fails("kubectl annotate pod nope a=b", "Error from server (NotFound): pods \"nope\" not found\n"),
		}},
	})
}

func TestScale(t *testing.T) {
	runScenarios(t, []scenario{
		{"RS-14.2 scale", []step{
			quiet("kubectl create -f rc.yaml"),
			quiet("kubectl create -f deploy.yaml"),
			ok("kubectl scale rc nginx --replicas=5", "replicationcontroller/nginx scaled\n"),
			ok("kubectl scale deploy/http-go --replicas 1", "deployment.apps/http-go scaled\n"),
			ok("kubectl get rc", "NAME    DESIRED   CURRENT   READY   AGE\nnginx   5         5         0       0s\n"),
			ok("kubectl scale rs --all --replicas=2", "replicaset.apps/http-go-577ffd6fb4 scaled\n"),
			ok("kubectl scale deploy http-go --replicas=3 --current-replicas=1 -o name", "deployment.apps/http-go\n"),
			fails("kubectl scale deploy http-go --replicas=4 --current-replicas=1", "error: Expected replicas to be 1, was 3\n"),
			fails("kubectl scale rc nginx", "error: required flag(s) \"replicas\" not set\n"),
			fails("kubectl scale rc nginx --replicas=-1", "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n"),
			fails("kubectl scale rc nginx --replicas=2 --current-replicas=-2", "error: The --current-replicas must specify an integer of -1 or greater\n"),
			fails("kubectl scale rc nginx --replicas=many", "error: invalid argument \"many\" for \"--replicas\" flag: strconv.ParseInt: parsing \"many\": invalid syntax\nSee 'kubectl scale --help' for usage.\n"),
			fails("kubectl scale rc nope --replicas=1", "Error from server (NotFound): replicationcontrollers \"nope\" not found\n"),
			fails("kubectl scale svc kubernetes --replicas=1", "Error from server (NotFound): the server could not find the requested resource\n"),
			fails("kubectl scale deploy -l app=none --replicas=1", "error: no objects passed to scale\n"),
			fails("kubectl scale rc nope nginx --replicas=1", "replicationcontroller/nginx scaled\nError from server (NotFound): replicationcontrollers \"nope\" not found\n"),
		}},
		{"scale --record", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok("kubectl scale deploy http-go --replicas=2 --record", "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go scaled\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, "kubectl scale deploy http-go --replicas=2 --record=true")},
		}},
	})
}

func TestSetImage(t *testing.T) {
	runScenarios(t, []scenario{
		{"KH-7 set image", []step{
			quiet("kubectl create -f deploy.yaml"),
			quiet("kubectl create -f pod.yaml"),
			quiet("kubectl create -f rc.yaml"),
			ok("kubectl set image deploy http-go http-go=gasbugs/http-go:v2", "deployment.apps/http-go image updated\n"),
			// KH-7: nothing changed, nothing printed.
			ok("kubectl set image deploy/http-go http-go=gasbugs/http-go:v2", ""),
			ok("kubectl set image deployment.apps/http-go *=gasbugs/http-go:v3", "deployment.apps/http-go image updated\n"),
			ok("kubectl set image pod http-go http-go=gasbugs/http-go:v9", "pod/http-go image updated\n"),
			ok("kubectl set image rc --all nginx=nginx:2", "replicationcontroller/nginx image updated\n"),
			ok("kubectl set image deploy http-go http-go=gasbugs/http-go:v4 -o name", "deployment.apps/http-go\n"),
			// The others are still set.
			fails("kubectl set image deploy http-go nope=x http-go=gasbugs/http-go:v5", "deployment.apps/http-go image updated\nerror: unable to find container named \"nope\"\n"),
			fails("kubectl set image deploy http-go *=a x=b", "error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n"),
			fails("kubectl set image deploy http-go", "error: at least one image update is required\n"),
			fails("kubectl set image deploy http-go a=b c", "error: all resources must be specified before image changes: c\n"),
			fails("kubectl set image deploy http-go a=b c-", "error: invalid image format: c-\n"),
			fails("kubectl set image svc kubernetes a=b", "error: services/kubernetes the object is not a pod or does not have a pod template: *v1.Service\n"),
			fails("kubectl set image deploy nope a=b", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
			fails("kubectl set image deploy http-go nope a=b", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
		}},
		// KH-7: --record renders the command line as kubectl does:
		// "kubectl", the words that are not flags as typed, then each flag
		// as --name=value in the order typed.
		{"KH-7 --record", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok("kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record", "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go image updated\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, "kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true")},
			ok("kubectl -n default set --record=true image deploy/http-go http-go=gasbugs/http-go:v3", "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go image updated\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, "kubectl set image deploy/http-go http-go=gasbugs/http-go:v3 --namespace=default --record=true")},
			// Only the change-cause changes: kubectl still sends it and says
			// "image updated".
			ok("kubectl set image deploy/http-go http-go=gasbugs/http-go:v3 --record", "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go image updated\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, "kubectl set image deploy/http-go http-go=gasbugs/http-go:v3 --record=true")},
			// The same command again changes nothing.
			ok("kubectl set image deploy/http-go http-go=gasbugs/http-go:v3 --record", "Flag --record has been deprecated, --record will be removed in the future\n"),
			// --record=false records nothing, and leaves what is there.
			ok("kubectl set image deploy/http-go http-go=gasbugs/http-go:v4 --record=false", "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go image updated\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, "kubectl set image deploy/http-go http-go=gasbugs/http-go:v3 --record=true")},
			// Short flags are rendered by their long names, values as typed.
			ok("kubectl set image -ndefault deploy http-go http-go=gasbugs/http-go:v5 --record", "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go image updated\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, "kubectl set image deploy http-go http-go=gasbugs/http-go:v5 --namespace=default --record=true")},
		}},
	})
}

func TestPatch(t *testing.T) {
	runScenarios(t, []scenario{
		{"patch", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok(`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}'`, "deployment.apps/http-go patched\n"),
			ok(`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}'`, "deployment.apps/http-go patched (no change)\n"),
			// The patch may be YAML.
			ok("kubectl patch deploy/http-go --patch 'spec: {replicas: 1}' -o name", "deployment.apps/http-go\n"),
			ok("kubectl get deploy http-go -o name", "deployment.apps/http-go\n"),
			fails(`kubectl patch deploy http-go -p '{"spec":{"replicas":-1}}'`, "The Deployment \"http-go\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"),
			fails("kubectl patch deploy http-go", "error: must specify --patch or --patch-file containing the contents of the patch\n"),
			fails("kubectl patch deploy http-go -p 'a: ['", "error: unable to parse \"a: [\": yaml: line 1: did not find expected node content\n"),
			fails("kubectl patch deploy http-go -p '{}' --type=x", "error: --type must be one of [json merge strategic], not \"x\"\n"),
			fails("kubectl patch deploy http-go -p '{}' --type=json", "error: kubesem's kubectl does not model --type=json for deployments.apps\n"),
			fails("kubectl patch pod nope -p '{}'", "Error from server (NotFound): pods \"nope\" not found\n"),
			fails("kubectl patch deploy -p '{}'", "error: resource(s) were provided, but no name was specified\n"),
		}},
		{"patch --record", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok(`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}' --record`, "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/http-go patched\n"),
			{do: annotation(cluster.KindDeployment, "http-go", cluster.ChangeCauseAnnotation, `kubectl patch deploy http-go --patch={"spec":{"minReadySeconds":10}} --record=true`)},
		}},
	})
}

func TestExpose(t *testing.T) {
	runScenarios(t, []scenario{
		{"expose", []step{
			quiet("kubectl create -f deploy.yaml"),
			quiet("kubectl create -f pod.yaml"),
			quiet("kubectl create -f rc.yaml"),
			quiet("kubectl create -f rs.yaml"),
			ok("kubectl expose deploy http-go", "service/http-go exposed\n"),
			fails("kubectl expose deploy http-go", "Error from server (AlreadyExists): services \"http-go\" already exists\n"),
			ok("kubectl expose deploy http-go --name=web --port=80 --target-port=8080", "service/web exposed\n"),
			ok("kubectl expose pod http-go --name=p -o name", "service/p\n"),
			ok("kubectl expose rc nginx --port=80,81", "service/nginx exposed\n"),
			ok("kubectl expose svc http-go --name=again -l tier=web", "service/again exposed\n"),
			ok("kubectl get svc -o wide --show-labels", lines(
				"NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)         AGE   SELECTOR      LABELS",
				"again        ClusterIP   10.109.20.79   <none>        8080/TCP        0s    app=http-go   tier=web",
				"http-go      ClusterIP   10.109.70.19   <none>        8080/TCP        0s    app=http-go   app=http-go",
				"kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP         0s    <none>        component=apiserver,provider=kubernetes",
				"nginx        ClusterIP   10.109.2.222   <none>        80/TCP,81/TCP   0s    app=nginx     app=nginx",
				"p            ClusterIP   10.99.45.163   <none>        8080/TCP        0s    app=http-go   app=http-go",
				"web          ClusterIP   10.105.31.15   <none>        80/TCP          0s    app=http-go   app=http-go")),
			fails("kubectl expose rs web", "error: couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions - \"[{Key:app Operator:In Values:[web]}]\" to map-based selector format\n"),
			fails("kubectl expose ns default", "error: cannot expose a Namespace\n"),
			quiet("kubectl create deploy noport --image=x"),
			fails("kubectl expose deploy noport", "error: couldn't find port via --port flag or introspection\n"),
			fails("kubectl expose deploy noport --port=x", "error: strconv.Atoi: parsing \"x\": invalid syntax\n"),
			fails("kubectl expose deploy nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
		}},
	})
}
