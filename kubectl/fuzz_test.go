package kubectl

import (
	"strings"
	"testing"
	"time"
)

// tutorialCommands are the command lines of the tutorial's examples
// (examples/*), with the files they name.
var tutorialCommands = []string{
	"kubectl create -f go-http-pod.yaml",
	"kubectl get pod http-go",
	"kubectl get pod http-go -o wide",
	"kubectl annotate pod http-go test1234=test1234",
	"kubectl annotate pod http-go test1234=other",
	"kubectl delete -f go-http-pod.yaml",
	"kubectl create -f replication.yaml",
	"kubectl get rc nginx -o wide",
	"kubectl scale rc nginx --replicas=5",
	"kubectl delete rc nginx",
	"kubectl create -f replicaset.yaml",
	"kubectl delete rs replicaset-2",
	"kubectl apply -f replication-5.yaml",
	"kubectl get pod --show-labels",
	"kubectl get pod -L app",
	"kubectl label pod nginx app-",
	"kubectl label pod nginx app=nginx --overwrite",
	"kubectl delete pod --all",
	"kubectl get ns",
	"kubectl get po --namespace kube-system",
	"kubectl get svc --all-namespaces",
	"kubectl create ns office",
	"kubectl create ns Bad_Name",
	"kubectl create ns dev --dry-run=client -o yaml",
	"kubectl create -f dev.yaml",
	"kubectl create deploy nginx --image nginx --port 80 -n office",
	"kubectl get deploy -A",
	"kubectl delete ns office",
	"kubectl delete ns default",
	"kubectl create -f liveness-exec.yaml",
	"kubectl delete pod liveness-exec --grace-period=0 --force",
	"kubectl create -f http-go-deploy-v1.yaml --record=true",
	"kubectl rollout status deploy http-go",
	"kubectl get all",
	"kubectl rollout history deploy http-go",
	`kubectl patch deploy http-go -p '{"spec":{"minReadySeconds":10}}'`,
	"kubectl expose deploy http-go",
	"kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
	"kubectl rollout undo deploy http-go --to-revision=1",
	"kubectl rollout pause deploy http-go",
	"kubectl rollout resume deploy http-go",
	"kubectl scale deploy http-go --replicas=5",
	"kubectl get pods -l app=http-go-recreate",
	"kubectl get nodes",
}

// fuzzFiles are the tutorial's file names, on this package's manifests.
var fuzzFiles = func() map[string][]byte {
	m := map[string][]byte{}
	for k, v := range testFiles {
		m[k] = v
	}
	for name, as := range map[string]string{"go-http-pod.yaml": "pod.yaml", "replication.yaml": "rc.yaml",
		"replication-5.yaml": "rc.yaml", "replicaset.yaml": "rs.yaml", "dev.yaml": "ns.yaml",
		"http-go-deploy-v1.yaml": "deploy.yaml", "liveness-exec.yaml": "pod.yaml"} {
		m[name] = testFiles[as]
	}
	return m
}()

// FuzzRun: no command line makes Run panic, and an error is always
// printed last.
func FuzzRun(f *testing.F) {
	for _, c := range tutorialCommands {
		f.Add(c)
	}
	f.Add(`kubectl label pod http-go "a=b c" --overwrite`)
	f.Add("kubectl get pods,rs,rc -A -L app --show-labels -o wide")
	f.Add("kubectl label pod http-go a=b --dry-run=server --resource-version=3 -o yaml")
	f.Add("kubectl annotate -f pod.yaml a- --dry-run=client -o json")
	f.Add("kubectl rollout history deploy http-go --revision=1")
	f.Add("kubectl rollout history deploy -o yaml --revision=1")
	f.Fuzz(func(t *testing.T, line string) {
		sh := newShell(t)
		sh.Files = fuzzFiles
		sh.WaitLimit = 10 * time.Second
		for _, setup := range []string{"kubectl create -f deploy.yaml", "kubectl create -f pod.yaml"} {
			if _, err := sh.Run(setup); err != nil {
				t.Fatal(err)
			}
		}
		out, err := sh.Run(line)
		if err != nil && !strings.HasSuffix(out, Format(err)) {
			t.Fatalf("%q: the error is not printed last:\n%s", line, out)
		}
	})
}
