package rollout_test

import (
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/rollout"
)

// FuzzSync: any Deployment and ReplicaSets (garbage revision annotations,
// nil replicas, malformed percentages like "abc%", overlapping templates)
// give a plan or an error, never a panic.
func FuzzSync(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"d","generation":2},"spec":{"replicas":3,"selector":{"matchLabels":{"a":"b"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"abc%","maxUnavailable":"25%"}},"revisionHistoryLimit":0,"progressDeadlineSeconds":5,"template":{"metadata":{"labels":{"a":"b"}}}}}`),
		[]byte(`[{"metadata":{"name":"d-1","uid":"1","annotations":{"deployment.kubernetes.io/revision":"x","deployment.kubernetes.io/desired-replicas":"-3","deployment.kubernetes.io/max-replicas":"0"}},"spec":{"template":{"metadata":{"labels":{"a":"b"}}}},"status":{"availableReplicas":9}},null]`))
	f.Add([]byte(`{"spec":{"strategy":{"type":"Recreate"},"paused":true}}`), []byte(`[{"spec":{"replicas":2}}]`))
	f.Add([]byte(`{"spec":{"replicas":2147483647,"strategy":{"type":"RollingUpdate"}}}`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, dJSON, rssJSON []byte) {
		var d *appsv1.Deployment
		var rss []*appsv1.ReplicaSet
		if json.Unmarshal(dJSON, &d) != nil || json.Unmarshal(rssJSON, &rss) != nil {
			return
		}
		pods := []*corev1.Pod{{}}
		_, _ = rollout.Sync(d, rss, pods, t0)
		if d != nil {
			_, _ = rollout.Sync(rollout.Default(d), rss, pods, t0)
		}
	})
}
