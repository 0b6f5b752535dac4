// Command namespaces replays the tutorial's Namespaces section (the course's section "7.
// Namespaces"):
//
//	go run ./examples/namespaces
//
// kubectl get ns lists the built-in namespaces (RS-12.2); a namespace is
// created directly and from `create ns --dry-run=client -o yaml` output
// (RS-14.8); nginx is deployed into "office" and listed with -n and -A;
// ~/.kube/config's context namespace makes "office" the default (RS-14.1);
// deleting "office" makes it Terminating, refuses new content (RS-12.4),
// deletes its pods first and then everything else, and it is gone
// (RS-12.5); "default" cannot be deleted.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/timeline"
)

const kubeconfig = `apiVersion: v1
kind: Config
current-context: kubernetes-admin@kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
    namespace: office
  name: kubernetes-admin@kubernetes
`

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	s, err := timeline.New(w, 7, map[string][]byte{})
	if err != nil {
		return err
	}
	s.Say("7.2 the namespaces of a fresh cluster")
	s.Run("kubectl get ns")
	s.Run("kubectl get po --namespace kube-system")
	s.Run("kubectl get svc --all-namespaces")

	s.Say("7.3 create namespaces: directly, and from a generated manifest")
	s.Run("kubectl create ns office")
	s.Run("kubectl create ns Bad_Name")
	s.Run("kubectl create ns dev --dry-run=client -o yaml")
	out, _ := s.Sh.Run("kubectl create ns dev --dry-run=client -o yaml")
	s.Sh.Files["dev.yaml"] = []byte(out)
	s.Run("kubectl create -f dev.yaml")
	s.Run("kubectl create -f dev.yaml")
	s.Run("kubectl get ns")

	s.Say("deploy nginx into office")
	s.Run("kubectl create deploy nginx --image nginx --port 80 -n office")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod -n office")
	s.Run("kubectl get pod")
	s.Run("kubectl get deploy -A")

	s.Say("make office the default namespace in ~/.kube/config")
	s.Sh.Kubeconfig = []byte(kubeconfig)
	s.Run("kubectl get pod")
	s.Sh.Kubeconfig = nil

	s.Say("delete office: Terminating, new content refused, pods first, then the rest")
	s.Run("kubectl delete ns office --wait=false")
	s.Run("kubectl get ns office")
	s.Run("kubectl create deploy web --image nginx -n office")
	s.Wait(5 * time.Second)
	s.Run("kubectl get pod -n office")
	s.Until(func(c *cluster.Cluster) bool {
		_, err := c.Get(cluster.KindNamespace, "", "office")
		return err != nil
	}, 5*time.Minute)
	s.Run("kubectl get ns")
	s.Say("kubectl delete waits until the namespace is gone (--wait=true)")
	s.Run("kubectl delete ns dev")
	s.Run("kubectl get ns dev")
	s.Run("kubectl delete ns default")
	return s.Err()
}
