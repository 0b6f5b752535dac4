package optest

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/clients"
	"github.com/kubesem/kubesem/cluster"
)

// DefaultFaults are the faults a real cluster gives operators, each drawn
// with its arguments: conflicts injected on a controller's writes,
// requests that fail with 500, a controller restart (its in-memory state
// dropped, everything listed again), a node that stops, a container that
// crashes, a pod evicted, and reads that lag the store.
func DefaultFaults() []Action {
	return []Action{ConflictFault(), ServerErrorFault(), RestartFault(), NodeFailureFault(), CrashFault(), EvictionFault(), StaleReadsFault()}
}

// StaleReadsFault makes a registered controller's reads lag the store by
// one to five writes, as a slow informer cache does (the lag ends with the
// faults: Operator.Check restores every controller's own).
func StaleReadsFault() Action {
	return Action{Name: "stale reads", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		ctl, ok := drawController(t, e)
		if !ok {
			return "stale reads: no controller", nil
		}
		n := rapid.IntRange(1, 5).Draw(t, "lag")
		err := e.Do(func(c *cluster.Cluster) error {
			prev, err := c.SetStaleReads(ctl, n)
			if err == nil {
				staleMu.Lock()
				if _, kept := staleOriginal[e][ctl]; !kept {
					if staleOriginal[e] == nil {
						staleOriginal[e] = map[string]int{}
					}
					staleOriginal[e][ctl] = prev
				}
				staleMu.Unlock()
			}
			return err
		})
		return fmt.Sprintf("fault: the reads of %s lag %d writes", ctl, n), err
	}}
}

// staleOriginal keeps, per Env, each controller's lag before a
// StaleReadsFault, restored when the faults stop. Envs are used by one
// scenario at a time.
var (
	staleMu       sync.Mutex
	staleOriginal = map[*clients.Env]map[string]int{}
)

// restoreStaleReads gives every controller of e its own lag back.
func restoreStaleReads(e *clients.Env, c *cluster.Cluster) error {
	staleMu.Lock()
	orig := staleOriginal[e]
	delete(staleOriginal, e)
	staleMu.Unlock()
	for ctl, n := range orig {
		if _, err := c.SetStaleReads(ctl, n); err != nil {
			return err
		}
	}
	return nil
}

// ConflictFault makes the next one to three writes (or status writes) of
// a registered controller fail with 409 Conflict.
func ConflictFault() Action {
	return Action{Name: "conflict", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		ctl, ok := drawController(t, e)
		if !ok {
			return "conflict: no controller", nil
		}
		n := rapid.IntRange(1, 3).Draw(t, "conflicts")
		// Most conflicts an operator meets are on its status writes (the
		// object moved on since its cache saw it).
		sub := rapid.SampledFrom([]string{"status", ""}).Draw(t, "subresource")
		err := e.Do(func(c *cluster.Cluster) error {
			return c.InjectFault(cluster.Fault{Controller: ctl, Subresource: sub, Times: n})
		})
		what := "writes"
		if sub != "" {
			what = sub + " writes"
		}
		return fmt.Sprintf("fault: the next %d %s of %s conflict", n, what, ctl), err
	}}
}

// ServerErrorFault makes the next one to three requests of one verb of a
// registered controller fail with 500.
func ServerErrorFault() Action {
	return Action{Name: "server error", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		ctl, ok := drawController(t, e)
		if !ok {
			return "server error: no controller", nil
		}
		verb := rapid.SampledFrom([]string{"get", "list", "create", "update", "patch", "delete"}).Draw(t, "verb")
		n := rapid.IntRange(1, 3).Draw(t, "failures")
		err := e.Do(func(c *cluster.Cluster) error {
			return c.InjectFault(cluster.Fault{Controller: ctl, Verbs: []string{verb}, Times: n, Err: errInternal})
		})
		return fmt.Sprintf("fault: the next %d %s requests of %s fail with 500", n, verb, ctl), err
	}}
}

// RestartFault restarts a registered controller.
func RestartFault() Action {
	return Action{Name: "restart", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		ctl, ok := drawController(t, e)
		if !ok {
			return "restart: no controller", nil
		}
		return "fault: restart " + ctl, e.Do(func(c *cluster.Cluster) error { return c.RestartController(ctl) })
	}}
}

// NodeFailureFault stops a running worker node (the faults stop at the end
// of the scenario: every node is started again).
func NodeFailureFault() Action {
	return Action{Name: "node failure", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		var names []string
		_ = e.Do(func(c *cluster.Cluster) error {
			for _, n := range c.Nodes() {
				if c.NodeRunning(n.Name) && !n.Spec.Unschedulable && !hasControlPlaneTaint(n) {
					names = append(names, n.Name)
				}
			}
			return nil
		})
		if len(names) == 0 {
			return "node failure: no ready worker", nil
		}
		name := rapid.SampledFrom(names).Draw(t, "node")
		return "fault: node " + name + " stops", e.Do(func(c *cluster.Cluster) error { return c.StopNode(name) })
	}}
}

// CrashFault crashes the container of a running pod (exit code 1).
func CrashFault() Action {
	return Action{Name: "crash", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		p, ok := drawRunningPod(t, e)
		if !ok {
			return "crash: no running pod", nil
		}
		ctr := p.Spec.Containers[0].Name
		err := e.Do(func(c *cluster.Cluster) error { return c.CrashContainer(p.Namespace, p.Name, ctr, 1) })
		return fmt.Sprintf("fault: container %s of pod %s/%s crashes", ctr, p.Namespace, p.Name), err
	}}
}

// EvictionFault evicts a running pod through the eviction API (a budget
// that refuses it is no fault of the operator: the refusal is ignored).
func EvictionFault() Action {
	return Action{Name: "eviction", Do: func(t *rapid.T, e *clients.Env) (string, error) {
		p, ok := drawRunningPod(t, e)
		if !ok {
			return "eviction: no running pod", nil
		}
		_ = e.Do(func(c *cluster.Cluster) error { return c.Evict(p.Namespace, p.Name) })
		return fmt.Sprintf("fault: pod %s/%s evicted", p.Namespace, p.Name), nil
	}}
}

var errInternal = apierrors.NewInternalError(errors.New("injected server error"))

func drawController(t *rapid.T, e *clients.Env) (string, bool) {
	var ctls []string
	_ = e.Do(func(c *cluster.Cluster) error { ctls = c.Controllers(); return nil })
	if len(ctls) == 0 {
		return "", false
	}
	return rapid.SampledFrom(ctls).Draw(t, "controller"), true
}

func drawRunningPod(t *rapid.T, e *clients.Env) (*corev1.Pod, bool) {
	var pods []*corev1.Pod
	_ = e.Do(func(c *cluster.Cluster) error {
		ready := map[string]bool{}
		for _, n := range c.Nodes() {
			ready[n.Name] = c.NodeRunning(n.Name) && nodeReady(n)
		}
		all, err := c.Pods(cluster.AllNamespaces, "")
		for _, p := range all {
			if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil && ready[p.Spec.NodeName] && len(p.Spec.Containers) > 0 &&
				slices.ContainsFunc(p.Status.ContainerStatuses, func(cs corev1.ContainerStatus) bool { return cs.State.Running != nil }) {
				pods = append(pods, p)
			}
		}
		return err
	})
	if len(pods) == 0 {
		return nil, false
	}
	return pods[rapid.IntRange(0, len(pods)-1).Draw(t, "pod")], true
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func hasControlPlaneTaint(n *corev1.Node) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == "node-role.kubernetes.io/control-plane" {
			return true
		}
	}
	return false
}
