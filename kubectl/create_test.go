package kubectl

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/cluster"
)

const twoBad = `The Pod "Two_Bad" is invalid: metadata.name: Invalid value: "Two_Bad": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`

func TestCreate(t *testing.T) {
	runScenarios(t, []scenario{
		{"create -f prints kind/name created", []step{
			ok("kubectl create -f pod.yaml", "pod/http-go created\n"),
			ok("kubectl create -f deploy.yaml", "deployment.apps/http-go created\n"),
			ok("kubectl create -f rc.yaml", "replicationcontroller/nginx created\n"),
			ok("kubectl create -f rs.yaml", "replicaset.apps/web created\n"),
			ok("kubectl create -f ns.yaml", "namespace/dev created\n"),
			// -f adds up and splits at commas.
			ok("kubectl create -f pod.yaml,deploy.yaml -f rc.yaml -n dev", "pod/http-go created\ndeployment.apps/http-go created\nreplicationcontroller/nginx created\n"),
		}},
		{"RS-13.1 AlreadyExists names the file", []step{
			quiet("kubectl create -f pod.yaml"),
			fails("kubectl create -f pod.yaml", "Error from server (AlreadyExists): error when creating \"pod.yaml\": pods \"http-go\" already exists\n"),
		}},
		{"create -f goes on after a failing object", []step{
			fails("kubectl create -f two.yaml", "pod/one created\npod/three created\n"+twoBad+"\n"),
			fails("kubectl create -f two.yaml", lines(
				`Error from server (AlreadyExists): error when creating "two.yaml": pods "one" already exists`,
				`Error from server (Invalid): error when creating "two.yaml": Pod "Two_Bad" is invalid: metadata.name: Invalid value: "Two_Bad": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
				`Error from server (AlreadyExists): error when creating "two.yaml": pods "three" already exists`)),
		}},
		{"RS-12.4 namespaces of objects from files", []step{
			fails("kubectl create -f prod-pod.yaml", "Error from server (NotFound): error when creating \"prod-pod.yaml\": namespaces \"prod\" not found\n"),
			fails("kubectl create -f prod-pod.yaml -n default", "error: the namespace from the provided object \"prod\" does not match the namespace \"default\". You must pass '--namespace=prod' to perform this operation.\n"),
			quiet("kubectl create ns prod"),
			ok("kubectl create -f prod-pod.yaml", "pod/p created\n"),
			ok("kubectl get pods -n prod -o name", "pod/p\n"),
		}},
		{"create -f errors", []step{
			fails("kubectl create", "error: must specify one of -f and -k\n"),
			fails("kubectl create -f nope.yaml", "error: the path \"nope.yaml\" does not exist\n"),
			fails("kubectl create -f empty.yaml", "error: no objects passed to create\n"),
			fails("kubectl create x -f pod.yaml", "error: Unexpected args: [x]\nSee 'kubectl create -h' for help and examples\n"),
			fails("kubectl create -f pod.yaml -o yaml", "error: kubesem's kubectl does not print -o yaml\n"),
			fails("kubectl create secret generic x", "error: kubesem's kubectl does not model \"kubectl create secret\"\n"),
			ok("kubectl create -f pod.yaml --dry-run=client", "pod/http-go created (dry run)\n"),
			ok("kubectl get pods", "No resources found in default namespace.\n"),
			ok("kubectl create -f pod.yaml -o name", "pod/http-go\n"),
			fails("kubectl create -f pod.yaml --dry-run=maybe", "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"),
		}},
		// RS-14.8: create namespace.
		{"RS-14.8 create namespace", []step{
			ok("kubectl create namespace office", "namespace/office created\n"),
			ok("kubectl create ns dev", "namespace/dev created\n"),
			fails("kubectl create ns dev", "Error from server (AlreadyExists): namespaces \"dev\" already exists\n"),
			fails("kubectl create ns", "error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n"),
			fails("kubectl create namespace a b", "error: exactly one NAME is required, got 2\nSee 'kubectl create namespace -h' for help and examples\n"),
			fails("kubectl create ns Bad_Name", `The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`+"\n"),
			ok("kubectl create ns test --dry-run=client -o yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: test\nspec: {}\nstatus: {}\n"),
			ok("kubectl create ns test --dry-run=client", "namespace/test created (dry run)\n"),
			ok("kubectl create ns test --dry-run", "namespace/test created (dry run)\n"),
			ok("kubectl create ns test --dry-run=true -o name", "namespace/test\n"),
			fails("kubectl get ns test", "Error from server (NotFound): namespaces \"test\" not found\n"),
			fails("kubectl create ns test -o yaml", "error: kubesem's kubectl does not print -o yaml\n"),
			fails("kubectl create ns test -o wide", "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml\n"),
			fails("kubectl create ns ''", "error: name must be specified\n"),
		}},
		// create deployment builds what kubectl builds.
		{"create deployment", []step{
			ok("kubectl create deployment web --image=nginx", "deployment.apps/web created\n"),
			fails("kubectl create deployment web --image=nginx", "error: failed to create deployment: deployments.apps \"web\" already exists\n"),
			fails("kubectl create deploy x", "error: required flag(s) \"image\" not set\n"),
			fails("kubectl create deploy --image=nginx", "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n"),
			fails("kubectl create deploy x --image=a --image=b -- sleep 10", "error: cannot specify multiple --image options and command\n"),
			fails("kubectl create deploy x --image=a --port=http", "error: invalid argument \"http\" for \"--port\" flag: strconv.ParseInt: parsing \"http\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n"),
			fails("kubectl create deploy web2 --image nginx -n office", "error: failed to create deployment: namespaces \"office\" not found\n"),
			ok("kubectl create deploy nginx --image nginx --port 80 -r 2 -- sleep 3600", "deployment.apps/nginx created\n"),
			ok("kubectl create deploy multi --image=gcr.io/x/busy_box.io:1 --image=redis@sha256:abc --dry-run=client", "deployment.apps/multi created (dry run)\n"),
		}},
	})

	// What create deployment built.
	sh := newShell(t)
	runSteps(t, sh, []step{
		quiet("kubectl create deploy nginx --image nginx --port 80 -r 2 -- sleep 3600"),
		// --port=0 is a port: the server finds it invalid, and kubectl
		// wraps the API error into a plain one.
		fails("kubectl create deploy multi --image=gcr.io/x/busy_box.io:1 --image=redis@sha256:abc --port=0",
			"error: failed to create deployment: Deployment.apps \"multi\" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Required value\n"),
		quiet("kubectl create deploy multi --image=gcr.io/x/busy_box.io:1 --image=redis@sha256:abc"),
	})
	d := deployment(t, sh, "nginx")
	ctr := d.Spec.Template.Spec.Containers[0]
	if *d.Spec.Replicas != 2 || ctr.Name != "nginx" || ctr.Image != "nginx" || len(ctr.Ports) != 1 || ctr.Ports[0].ContainerPort != 80 ||
		len(ctr.Command) != 2 || ctr.Command[0] != "sleep" || d.Labels["app"] != "nginx" || d.Spec.Selector.MatchLabels["app"] != "nginx" {
		t.Errorf("create deployment nginx built %+v", d.Spec)
	}
	m := deployment(t, sh, "multi")
	cs := m.Spec.Template.Spec.Containers
	if len(cs) != 2 || cs[0].Name != "busy-box-io-8gzng" || cs[1].Name != "redis" || len(cs[0].Ports) != 0 || len(cs[1].Ports) != 0 {
		t.Errorf("create deployment multi built %+v", cs)
	}
}

func TestApply(t *testing.T) {
	missing := "Warning: resource pods/http-go is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. " +
		"kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. " +
		"The missing annotation will be patched automatically.\n"
	runScenarios(t, []scenario{
		{"created, unchanged, configured", []step{
			ok("kubectl apply -f deploy.yaml", "deployment.apps/http-go created\n"),
			ok("kubectl apply -f deploy.yaml", "deployment.apps/http-go unchanged\n"),
			ok("kubectl apply -f deploy-v2.yaml", "deployment.apps/http-go configured\n"),
			ok("kubectl apply -f deploy-v2.yaml", "deployment.apps/http-go unchanged\n"),
			// Scaling changed a field the manifest names: applying it
			// again sets it back.
			quiet("kubectl scale deploy http-go --replicas=5"),
			ok("kubectl apply -f deploy-v2.yaml", "deployment.apps/http-go configured\n"),
			ok("kubectl get deploy http-go -o name", "deployment.apps/http-go\n"),
		}},
		{"apply over create warns once", []step{
			quiet("kubectl create -f pod.yaml"),
			ok("kubectl apply -f pod.yaml", missing+"pod/http-go configured\n"),
			ok("kubectl apply -f pod.yaml", "pod/http-go unchanged\n"),
		}},
		{"apply errors", []step{
			fails("kubectl apply", "error: must specify one of -f and -k\n"),
			fails("kubectl apply -f empty.yaml", "error: no objects passed to apply\n"),
			fails("kubectl apply -f pod.yaml x", "error: Unexpected args: [x]\nSee 'kubectl apply -h' for help and examples\n"),
			fails("kubectl apply -f pod.yaml --all -l a=b", "error: cannot set --all and --selector at the same time\n"),
			fails("kubectl apply -f two.yaml", "pod/one created\npod/three created\n"+twoBad+"\n"),
		}},
	})

	// The annotation is kubectl's: the manifest as JSON, with the
	// namespace, empty annotations and a final newline.
	sh := newShell(t)
	runSteps(t, sh, []step{quiet("kubectl apply -f pod.yaml")})
	o, err := sh.Cluster.Get(cluster.KindPod, "default", "http-go")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"labels":{"app":"http-go"},"name":"http-go","namespace":"default"},"spec":{"containers":[{"image":"gasbugs/http-go","name":"http-go","ports":[{"containerPort":8080}]}]}}` + "\n"
	if got := o.GetAnnotations()[corev1.LastAppliedConfigAnnotation]; got != want {
		t.Errorf("last-applied-configuration = %q, want %q", got, want)
	}
}
