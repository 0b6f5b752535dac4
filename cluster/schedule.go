package cluster

import (
	"errors"
	"fmt"
	"time"
)

// After arranges for fn, a user's action (StopNode, Scale, Delete, ...),
// to run when the virtual clock reaches Now()+d: as if typed in another
// terminal while the clock runs — during a watch (`kubectl get nodes -w`
// while worker2 is switched off), a delete that waits, or the caller's
// own Advance, RunUntil or Settle. fn runs when that instant's timers
// fire, before the controllers react to it, in the order After was
// called among actions due at the same instant. It must not run the
// clock itself (Advance, RunUntil and Settle fail inside it). If it
// returns an error, the run in progress stops at that instant and
// returns the error; the cluster stays usable. A pending action keeps
// Settle from settling.
func (c *Cluster) After(d time.Duration, fn func(*Cluster) error) error {
	if fn == nil {
		return errors.New("cluster: After needs an action")
	}
	if d < 0 {
		return fmt.Errorf("cluster: cannot schedule an action %s in the past", -d)
	}
	c.after(d, func() {
		c.inAction = true
		defer func() { c.inAction = false }()
		err := fn(c)
		if err != nil {
			c.actionErr = fmt.Errorf("cluster: the action scheduled for %s: %w", c.Elapsed(), err)
		}
	})
	return nil
}

func (c *Cluster) notInAction(verb string) error {
	if c.inAction {
		return fmt.Errorf("cluster: %s inside an action scheduled with After: an action cannot run the clock", verb)
	}
	if c.stepping {
		return fmt.Errorf("cluster: %s inside the controllers' loop (a reconcile or a watch callback): it cannot run the clock", verb)
	}
	return nil
}
