package cluster

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// An action scheduled with After does what the same call made at that
// instant does: the two clusters' event logs are the same.
func TestAfterIsTheCallAtThatInstant(t *testing.T) {
	run := func(scheduled bool) []Event {
		c := newCluster(t)
		_, err := c.Create(rsObject("web", 4))
		must(t, err)
		if scheduled {
			must(t, c.After(23*time.Second, func(c *Cluster) error { return c.StopNode("worker2") }))
			must(t, c.Advance(10*time.Minute))
		} else {
			must(t, c.Advance(23*time.Second))
			must(t, c.StopNode("worker2"))
			must(t, c.Advance(10*time.Minute-23*time.Second))
		}
		return c.Events()
	}
	want, got := run(false), run(true)
	if !slices.Equal(want, got) {
		t.Fatalf("event logs differ:\nby hand:\n%v\nscheduled:\n%v", want, got)
	}
	if !slices.ContainsFunc(got, func(e Event) bool { return e.Reason == "TaintManagerEviction" }) {
		t.Fatal("the stopped node's pods were never evicted: the action did not run")
	}
}

// An action's error stops the run at its instant, wrapped; the cluster
// goes on afterwards. Actions cannot run the clock; a pending one keeps
// Settle busy; bad arguments are errors.
func TestAfterErrors(t *testing.T) {
	c := newCluster(t)
	start := c.Now()
	boom := errors.New("boom")
	must(t, c.After(30*time.Second, func(*Cluster) error { return boom }))
	err := c.Advance(time.Minute)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "30s") {
		t.Fatalf("Advance: %v, want boom at 30s", err)
	}
	if got := c.Now().Sub(start); got != 30*time.Second {
		t.Fatalf("stopped at %v, want 30s", got)
	}
	must(t, c.Advance(time.Minute))

	var inner error
	must(t, c.After(time.Second, func(c *Cluster) error { inner = c.Advance(time.Second); return nil }))
	must(t, c.Advance(2*time.Second))
	if inner == nil {
		t.Fatal("Advance inside an action: no error")
	}

	ran := false
	must(t, c.After(time.Hour, func(*Cluster) error { ran = true; return nil }))
	if err := c.Settle(10 * time.Minute); !errors.Is(err, ErrNotSettled) || ran {
		t.Fatalf("Settle with an action pending in an hour: %v (ran %v)", err, ran)
	}
	must(t, c.Settle(2*time.Hour))
	if !ran {
		t.Fatal("the action never ran")
	}

	if c.After(time.Second, nil) == nil || c.After(-time.Second, func(*Cluster) error { return nil }) == nil {
		t.Fatal("nil action or negative delay accepted")
	}
}
