package cluster

import (
	"fmt"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// The store lists keys in (namespace, name) order whatever mix of
// creates, updates and removals came before: the merged cache equals a
// fresh sort of the table's keys.
func TestPropertyStoreKeysStaySorted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := newStore()
		for i := range rapid.IntRange(1, 60).Draw(t, "steps") {
			ns := rapid.SampledFrom([]string{"a", "b", "default"}).Draw(t, fmt.Sprintf("ns%d", i))
			name := fmt.Sprintf("p%d", rapid.IntRange(0, 15).Draw(t, fmt.Sprintf("name%d", i)))
			switch rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("op%d", i)) {
			case 0, 1:
				s.put(KindPod, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})
			case 2:
				s.remove(KindPod, key{ns, name})
			}
			if rapid.Bool().Draw(t, fmt.Sprintf("list%d", i)) {
				tbl := s.tables[KindPod]
				var want []key
				for k := range tbl.objs {
					want = append(want, k)
				}
				slices.SortFunc(want, compareKeys)
				if got := tbl.keys(); !slices.Equal(got, want) {
					t.Fatalf("keys %v, want %v", got, want)
				}
			}
		}
	})
}
