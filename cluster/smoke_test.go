package cluster

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

const deployV1 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: http-go
  labels:
    app: http-go
spec:
  replicas: 3
  selector:
    matchLabels:
      app: http-go
  template:
    metadata:
      labels:
        app: http-go
    spec:
      containers:
      - name: http-go
        image: gasbugs/http-go:v1
        ports:
        - containerPort: 8080
`

func dumpPods(t *testing.T, c *Cluster) {
	pods, _ := c.Pods("default", "")
	for _, p := range pods {
		ready := ""
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady {
				ready = string(cond.Status)
			}
		}
		t.Logf("%s %s %s node=%s ready=%s del=%v", c.Elapsed(), p.Name, p.Status.Phase, p.Spec.NodeName, ready, p.DeletionTimestamp != nil)
	}
}

func TestSmoke(t *testing.T) {
	c, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateManifest([]byte(deployV1), ""); err != nil {
		t.Fatal(err)
	}
	dumpPods(t, c)
	if err := c.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	dumpPods(t, c)
	msg, err := c.SetImage("default", "http-go", map[string]string{"http-go": "gasbugs/http-go:v2"}, "")
	t.Log(msg, err)
	for i := 0; i < 10; i++ {
		c.Advance(2 * time.Second)
		dumpPods(t, c)
	}
	if err := c.Settle(time.Hour); err != nil {
		t.Fatal(err)
	}
	dumpPods(t, c)
	h, _ := c.RolloutHistory("default", "http-go")
	t.Log(h)
	for _, e := range c.Events() {
		t.Log(e.At.Sub(DefaultStart), e)
	}
	fmt.Sprint()
}
