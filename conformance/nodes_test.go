package conformance

import (
	"context"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/kubernetes/pkg/controller/nodelifecycle"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/cluster"
)

var (
	upstreamLifecycleOnce sync.Once
	upstreamLifecycle     *nodelifecycle.Controller
	upstreamLifecycleErr  error
)

// lifecycleController is kube-controller-manager's node lifecycle
// controller with its default settings (0.1 and 0.01 nodes/s, 50 nodes,
// 0.55), on client-go's fake clientset; it is never run: only its
// ComputeZoneState is called.
func lifecycleController(t *testing.T) *nodelifecycle.Controller {
	upstreamLifecycleOnce.Do(func() {
		client := fake.NewSimpleClientset()
		f := informers.NewSharedInformerFactory(client, 0)
		upstreamLifecycle, upstreamLifecycleErr = nodelifecycle.NewNodeLifecycleController(context.Background(),
			f.Coordination().V1().Leases(), f.Core().V1().Pods(), f.Core().V1().Nodes(), f.Apps().V1().DaemonSets(), client,
			5*time.Second, 60*time.Second, 50*time.Second, 0.1, 0.01, 50, 0.55)
	})
	if upstreamLifecycleErr != nil {
		t.Fatal(upstreamLifecycleErr)
	}
	return upstreamLifecycle
}

// TestComputeZoneStateMatchesUpstream: cluster.ComputeZoneState (rule 6b)
// gives upstream's Controller.ComputeZoneState's count and state for
// random zones of Ready conditions (True, False, Unknown, missing),
// sizes around the thresholds included.
func TestComputeZoneStateMatchesUpstream(t *testing.T) {
	nc := lifecycleController(t)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 120).Draw(t, "n")
		notReadyShare := rapid.Float64Range(0, 1).Draw(t, "share")
		conds := make([]*corev1.NodeCondition, n)
		for i := range conds {
			if rapid.Float64Range(0, 1).Draw(t, "draw") >= notReadyShare {
				conds[i] = &corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue}
				continue
			}
			switch rapid.IntRange(0, 2).Draw(t, "kind") {
			case 0:
				conds[i] = &corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionFalse}
			case 1:
				conds[i] = &corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionUnknown}
			}
		}
		wantN, wantState := nc.ComputeZoneState(conds)
		gotN, gotState := cluster.ComputeZoneState(conds)
		if gotN != wantN || string(gotState) != string(wantState) {
			t.Fatalf("%d conditions: kubesem (%d, %s), upstream (%d, %s)", n, gotN, gotState, wantN, wantState)
		}
	})
}

// TestComputeZoneStateThresholdsMatchUpstream: every zone of up to 120
// nodes, each split of ready and not ready, exhaustively.
func TestComputeZoneStateThresholdsMatchUpstream(t *testing.T) {
	nc := lifecycleController(t)
	for total := 0; total <= 120; total++ {
		for notReady := 0; notReady <= total; notReady++ {
			conds := make([]*corev1.NodeCondition, total)
			for i := range conds {
				st := corev1.ConditionTrue
				if i < notReady {
					st = corev1.ConditionFalse
				}
				conds[i] = &corev1.NodeCondition{Type: corev1.NodeReady, Status: st}
			}
			wantN, wantState := nc.ComputeZoneState(conds)
			gotN, gotState := cluster.ComputeZoneState(conds)
			if gotN != wantN || string(gotState) != string(wantState) {
				t.Fatalf("%d of %d not ready: kubesem (%d, %s), upstream (%d, %s)", notReady, total, gotN, gotState, wantN, wantState)
			}
		}
	}
}
