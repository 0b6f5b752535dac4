package kubectl

import (
	"maps"
	"strings"
	"testing"
)

// quotaYAML is a ResourceQuota of the default namespace.
const quotaYAML = `apiVersion: v1
kind: ResourceQuota
metadata:
  name: pods
spec:
  hard:
    pods: "10"
`

// TestDescribeNamespaceServiceNode describes a namespace, a Service and
// a node of a settled cluster running a pod and a Deployment (exposed)
// and checks key lines of each description.
func TestDescribeNamespaceServiceNode(t *testing.T) {
	for _, tc := range []struct {
		name, cmd string
		want      []string
	}{
		{"namespace", "kubectl describe ns default", []string{
			"Name:         default\n",
			"Labels:       kubernetes.io/metadata.name=default\n",
			"Status:       Active\n",
			"\nResource Quotas\n  Name:     pods\n  Resource  Used  Hard\n  --------  ---   ---\n  pods      4     10\n",
			"\nNo LimitRange resource.\n",
		}},
		{"namespace without quota", "kubectl describe namespace kube-system", []string{
			"Name:         kube-system\n",
			"Status:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n",
		}},
		{"service", "kubectl describe svc http-go", []string{
			"Name:                     http-go\n",
			"Namespace:                default\n",
			"Selector:                 app=http-go\n",
			"Type:                     ClusterIP\n",
			"Port:                     <unset>  80/TCP\n",
			"TargetPort:               8080/TCP\n",
			// The bare pod http-go is selected too: four endpoints.
			"Endpoints:                10.244.1.2:8080,10.244.2.2:8080,10.244.1.3:8080 + 1 more...\n",
			"Session Affinity:         None\n",
			"Events:                   <none>\n",
		}},
		{"service without selector", "kubectl describe service kubernetes", []string{
			"Selector:                 <none>\n",
			"Port:                     https  443/TCP\n",
			"TargetPort:               6443/TCP\n",
			"Endpoints:                <none>\n",
		}},
		{"node", "kubectl describe node worker1", []string{
			"Name:               worker1\n",
			"Roles:              <none>\n",
			"Taints:             <none>\n",
			"Unschedulable:      false\n",
			"Lease:              Failed to get lease: leases.coordination.k8s.io \"worker1\" not found\n",
			"  Ready            True    ",
			"Addresses:\n  InternalIP:  192.168.56.11\n  Hostname:    worker1\n",
			"Capacity:\n  cpu:     2\n  memory:  4Gi\n  pods:    110\n",
			"PodCIDRs:                     10.244.1.0/24\n",
			"Non-terminated Pods:          (2 in total)\n",
			"  default                     http-go                     0 (0%)        0 (0%)      0 (0%)           0 (0%)         2s\n",
			"Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
			"  cpu                0 (0%)    0 (0%)\n",
		}},
		{"control plane node", "kubectl describe no --show-events=false", []string{
			"Roles:              control-plane\n",
			"Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := newShell(t)
			sh.Files = maps.Clone(sh.Files)
			sh.Files["quota.yaml"] = []byte(quotaYAML)
			for _, c := range []string{"kubectl create -f quota.yaml", "kubectl create -f pod.yaml", "kubectl create -f deploy.yaml"} {
				if out, err := sh.Run(c); err != nil {
					t.Fatalf("%s: %v\n%s", c, err, out)
				}
			}
			if err := settle(sh.Cluster); err != nil {
				t.Fatal(err)
			}
			if out, err := sh.Run("kubectl expose deployment http-go --port=80 --target-port=8080"); err != nil {
				t.Fatalf("expose: %v\n%s", err, out)
			}
			out, err := sh.Run(tc.cmd)
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.cmd, err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s: output lacks %q:\n%s", tc.cmd, w, out)
				}
			}
			if strings.Contains(tc.cmd, "--show-events=false") && strings.Contains(out, "Events:") {
				t.Errorf("%s: has an Events section:\n%s", tc.cmd, out)
			}
		})
	}
}
