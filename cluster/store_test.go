package cluster

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kubesem/kubesem/apiserver"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"pgregory.net/rapid"
)

// The store lists keys in (namespace, name) order whatever mix of
// creates, updates, owner changes and removals came before: the merged
// cache equals a fresh sort of the table's keys, and each controller's
// pod list equals the pods of the namespace with that controller, in the
// same order.
func TestPropertyStoreKeysStaySorted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := newStore(apiserver.New(apiserver.Options{}))
		model := map[key]types.UID{} // what is stored, and each pod's controller
		for i := range rapid.IntRange(1, 60).Draw(t, "steps") {
			ns := rapid.SampledFrom([]string{"a", "b", "default"}).Draw(t, fmt.Sprintf("ns%d", i))
			name := fmt.Sprintf("p%d", rapid.IntRange(0, 15).Draw(t, fmt.Sprintf("name%d", i)))
			switch rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("op%d", i)) {
			case 0, 1:
				pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
				if uid := rapid.SampledFrom([]types.UID{"", "u1", "u2"}).Draw(t, fmt.Sprintf("owner%d", i)); uid != "" {
					pod.OwnerReferences = []metav1.OwnerReference{{UID: uid, Controller: ptr.To(true)}}
				}
				s.put(KindPod, pod)
				model[key{ns, name}] = controllerUID(pod)
			case 2:
				s.remove(KindPod, key{ns, name})
				delete(model, key{ns, name})
			}
			if rapid.Bool().Draw(t, fmt.Sprintf("list%d", i)) {
				var want []key
				for k := range model {
					want = append(want, k)
				}
				slices.SortFunc(want, compareKeys)
				var got []key
				for _, o := range s.list(KindPod, "") {
					got = append(got, keyOf(o))
				}
				if !slices.Equal(got, want) {
					t.Fatalf("keys %v, want %v", got, want)
				}
				for _, g := range []struct {
					ns  string
					uid types.UID
				}{{"a", ""}, {"a", "u1"}, {"b", "u2"}, {"default", "u1"}} {
					var wantOwned, gotOwned []key
					for _, k := range want {
						if k.ns == g.ns && model[k] == g.uid {
							wantOwned = append(wantOwned, k)
						}
					}
					for _, o := range s.podsOwnedBy(nil, g.ns, g.uid) {
						if o != s.get(KindPod, keyOf(o)) {
							t.Fatalf("group %v lists a stale object for %v", g, keyOf(o))
						}
						gotOwned = append(gotOwned, keyOf(o))
					}
					if !slices.Equal(gotOwned, wantOwned) {
						t.Fatalf("pods of %v: %v, want %v", g, gotOwned, wantOwned)
					}
				}
			}
		}
	})
}
