package kubectl_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/kubectl"
)

// Shell.Interrupt: a watch asked every virtual second prints exactly what
// it prints without being asked, and stops where the user interrupts it.
func TestWatchInterrupt(t *testing.T) {
	run := func(interrupt func() bool) (string, error, time.Duration) {
		c, err := cluster.New(cluster.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"d.yaml": []byte(deployment)}, WatchFor: time.Minute, Interrupt: interrupt}
		if _, err := sh.Run("kubectl create -f d.yaml"); err != nil {
			t.Fatal(err)
		}
		out, err := sh.Run("kubectl get pods -w")
		return out, err, c.Elapsed()
	}
	plain, plainErr, plainAt := run(nil)
	asked := 0
	paced, pacedErr, pacedAt := run(func() bool { asked++; return false })
	if paced != plain || !errors.Is(pacedErr, kubectl.ErrInterrupted) || !errors.Is(plainErr, kubectl.ErrInterrupted) || pacedAt != plainAt || asked != 59 {
		t.Fatalf("asked %d times; paced watch (%v at %s):\n%s\nplain watch (%v at %s):\n%s", asked, pacedErr, pacedAt, paced, plainErr, plainAt, plain)
	}
	calls := 0
	early, err, at := run(func() bool { calls++; return calls == 3 })
	if !errors.Is(err, kubectl.ErrInterrupted) || at != 3*time.Second || !strings.HasPrefix(plain, early) {
		t.Fatalf("interrupted after 3 s: at %s, %v:\n%s", at, err, early)
	}
}
