package printers

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// FuzzDescribeReplicaSet: any ReplicaSet, pods and events (JSON, so nil
// fields, nil entries, odd probes and volumes all occur) give a
// description or an error, never a panic, and leave their inputs as they
// were (the describer sorts copies).
func FuzzDescribeReplicaSet(f *testing.F) {
	f.Add([]byte(`{"metadata":{"name":"web","namespace":"default","uid":"u"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx","livenessProbe":{"grpc":{"port":9090}}}],"tolerations":[{"key":"b"},{"key":"a","operator":"Exists"}]}}}}`),
		[]byte(`[null,{"metadata":{"namespace":"default","labels":{"app":"web"},"ownerReferences":[{"uid":"u","controller":true}]},"status":{"phase":"Running"}}]`),
		[]byte(`[null,{"involvedObject":{"kind":"ReplicaSet","namespace":"default","name":"web"},"count":3,"series":{"count":2}}]`))
	f.Add([]byte(`{"spec":{"selector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]}}}`), []byte(`[]`), []byte(`[]`))
	f.Add([]byte(`{"spec":{"template":{"spec":{"volumes":[{"name":"v","nfs":{"server":"s"}}],"containers":[{"volumeMounts":[{"mountPath":"/b"},{"mountPath":"/a"}]}]}}}}`), []byte(`[]`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, rsJSON, podsJSON, eventsJSON []byte) {
		var rs *appsv1.ReplicaSet
		var pods []*corev1.Pod
		var events []*corev1.Event
		if json.Unmarshal(rsJSON, &rs) != nil || json.Unmarshal(podsJSON, &pods) != nil || json.Unmarshal(eventsJSON, &events) != nil {
			return
		}
		var before *appsv1.ReplicaSet
		if rs != nil {
			before = rs.DeepCopy()
		}
		eventsBefore := make([]*corev1.Event, len(events))
		for i, e := range events {
			eventsBefore[i] = e.DeepCopy()
		}
		_, _ = DescribeReplicaSet(rs, pods, events, testNow, true)
		if diff := cmp.Diff(before, rs); diff != "" {
			t.Fatalf("ReplicaSet changed:\n%s", diff)
		}
		if diff := cmp.Diff(eventsBefore, events); diff != "" {
			t.Fatalf("events changed:\n%s", diff)
		}
	})
}
