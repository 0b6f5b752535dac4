package cluster

import (
	"testing"
	"time"
)

// FuzzManifest: any manifest is created or refused without a panic; a
// refused one leaves the store as it was, and the cluster keeps running.
func FuzzManifest(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    args: [/bin/sh, -c, 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600']\n    livenessProbe:\n      exec:\n        command: [cat, /tmp/healthy]\n",
		"apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\nspec:\n  replicas: -1\n",
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad_Name\n",
		"---\n---\nkind: Widget\n",
		"{",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, manifest []byte) {
		c, err := New(Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		before := c.st.rv()
		if _, err := c.CreateManifest(manifest, ""); err != nil && c.st.rv() != before {
			t.Fatalf("a refused manifest changed the store: %v", err)
		}
		if err := c.Advance(2 * time.Minute); err != nil {
			t.Fatal(err)
		}
	})
}
