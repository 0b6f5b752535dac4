package kubectl

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/cluster"
)

// kubectl taint (pkg/cmd/taint): kubectl's lines and errors, the new
// taints first, and the taint manager reacting to the write (cluster
// rule 6a).
func TestTaint(t *testing.T) {
	taints := func(want ...string) step {
		return step{do: func(c *cluster.Cluster) error {
			for _, n := range c.Nodes() {
				if n.Name != "worker1" {
					continue
				}
				var got []string
				for _, tt := range n.Spec.Taints {
					got = append(got, tt.ToString())
				}
				if len(got) != len(want) {
					t.Errorf("worker1 taints %v, want %v", got, want)
					return nil
				}
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("worker1 taints %v, want %v", got, want)
					}
				}
			}
			return nil
		}}
	}
	runScenarios(t, []scenario{{name: "taint", steps: []step{
		ok("kubectl taint nodes worker1 dedicated=gpu:NoSchedule", "node/worker1 tainted\n"),
		ok("kubectl taint node worker1 team=a:PreferNoSchedule", "node/worker1 tainted\n"),
		taints("team=a:PreferNoSchedule", "dedicated=gpu:NoSchedule"),
		fails("kubectl taint nodes worker1 dedicated=cpu:NoSchedule", "error: node worker1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n"),
		ok("kubectl taint nodes worker1 dedicated=cpu:NoSchedule --overwrite", "node/worker1 modified\n"),
		taints("dedicated=cpu:NoSchedule", "team=a:PreferNoSchedule"),
		ok("kubectl taint nodes worker1 dedicated:NoSchedule-", "node/worker1 untainted\n"),
		ok("kubectl taint nodes worker1 team-", "node/worker1 untainted\n"),
		taints(),
		fails("kubectl taint nodes worker1 team-", "error: taint \"team\" not found\n"),
		fails("kubectl taint nodes worker1 dedicated:NoSchedule-", "error: taint \"dedicated:NoSchedule\" not found\n"),
		ok("kubectl taint nodes worker1 x=y:NoSchedule --dry-run=client", "node/worker1 tainted (dry run)\n"),
		taints(),
		fails("kubectl taint nodes worker1 a=b:Sometimes", "error: invalid taint effect: Sometimes, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n"),
		fails("kubectl taint nodes worker1 a=b", "error: invalid taint spec: a=b, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\nSee 'kubectl taint -h' for help and examples\n"),
		fails("kubectl taint nodes worker1", "error: at least one taint update is required\n"),
		fails("kubectl taint a=b:NoSchedule", "error: one or more resources must be specified as <resource> <name>\n"),
		fails("kubectl taint nodes a=b:NoSchedule", "error: at least one resource name must be specified since 'all' parameter is not set\n"),
		fails("kubectl taint nodes worker1 a=b:NoSchedule worker2", "error: all resources must be specified before taint changes: worker2\n"),
		fails("kubectl taint pods worker1 a=b:NoSchedule", "error: invalid resource type pods, only node types are supported\n"),
		fails("kubectl taint nodes worker1 a=b:NoSchedule a:NoSchedule-", "error: can not both modify and remove the following taint(s) in the same command: a=NoSchedule\n"),
		fails("kubectl taint nodes nope a=b:NoSchedule", "Error from server (NotFound): nodes \"nope\" not found\n"),
		ok("kubectl taint nodes --all z=1:PreferNoSchedule", "node/master tainted\nnode/worker1 tainted\nnode/worker2 tainted\n"),
	}}})
	// The taint manager hears kubectl's write: a pod that does not
	// tolerate a NoExecute taint is evicted at once.
	sh := newShell(t)
	pod := &corev1.Pod{}
	pod.Name = "p"
	pod.Spec.Containers = []corev1.Container{{Name: "c", Image: "nginx"}}
	if _, err := sh.Cluster.Create(pod); err != nil {
		t.Fatal(err)
	}
	o, _ := sh.Cluster.Get(cluster.KindPod, "default", "p")
	node := o.(*corev1.Pod).Spec.NodeName
	runSteps(t, sh, []step{
		ok("kubectl taint nodes "+node+" stop=now:NoExecute", "node/"+node+" tainted\n"),
		{do: func(c *cluster.Cluster) error { return c.Advance(0) }},
	})
	if o, err := sh.Cluster.Get(cluster.KindPod, "default", "p"); err == nil && o.GetDeletionTimestamp() == nil {
		t.Fatal("the NoExecute taint did not evict the pod")
	}
}
