package kubectl

import (
	"strings"
	"testing"
)

// TestDescribeMoreKinds describes a pod and a Deployment of a settled
// cluster and checks a few key lines of each description.
func TestDescribeMoreKinds(t *testing.T) {
	for _, tc := range []struct {
		name, cmd string
		want      []string
	}{
		{"pod", "kubectl describe pod http-go", []string{
			"Name:         http-go\n",
			"Node:         worker1/192.168.56.11\n",
			"Status:       Running\n",
			"IPs:\n  IP:  10.244.1.2\n",
			"Containers:\n  http-go:\n",
			"    State:          Running\n",
			"    Ready:          True\n",
			"    Restart Count:  0\n",
			"QoS Class:                    BestEffort\n",
			"  Normal  Scheduled  2s    default-scheduler  Successfully assigned default/http-go to worker1\n",
		}},
		{"deployment", "kubectl describe deployment http-go", []string{
			"Name:                   http-go\n",
			"Selector:               app=http-go\n",
			"Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n",
			"StrategyType:           RollingUpdate\n",
			"RollingUpdateStrategy:  25% max unavailable, 25% max surge\n",
			"Pod Template:\n  Labels:  app=http-go\n",
			"OldReplicaSets:  <none>\n",
			"NewReplicaSet:   http-go-577ffd6fb4 (3/3 replicas created)\n",
			"ScalingReplicaSet  2s    deployment-controller  Scaled up replica set http-go-577ffd6fb4 from 0 to 3\n",
		}},
		{"pod without events", "kubectl describe pod http-go --show-events=false", []string{
			"Tolerations:" + strings.Repeat(" ", 18) + "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n" + strings.Repeat(" ", 30) + "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := newShell(t)
			for _, c := range []string{"kubectl create -f pod.yaml", "kubectl create -f deploy.yaml"} {
				if _, err := sh.Run(c); err != nil {
					t.Fatal(err)
				}
			}
			if err := settle(sh.Cluster); err != nil {
				t.Fatal(err)
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
