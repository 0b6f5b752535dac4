package probe

import (
	"fmt"
	"time"
)

// The kubelet's CrashLoopBackOff parameters (rule P13.1): the first delay,
// the cap (kubelet config crashLoopBackOff.maxContainerRestartPeriod,
// default 300 s), and the running time after which it starts over.
const (
	BackoffInitial    = 10 * time.Second
	BackoffMax        = 300 * time.Second
	BackoffResetAfter = 600 * time.Second
)

// Backoff is the kubelet's CrashLoopBackOff entry for one container (one
// per pod, container name, image and resources: a new image starts a fresh
// Backoff; rule P13.2). The zero value has no entry yet and uses the
// kubelet's defaults.
type Backoff struct {
	// Initial and Max override BackoffInitial and BackoffMax when set; as
	// in the kubelet, Initial is lowered to Max when Max is smaller.
	Initial, Max time.Duration

	has        bool
	delay      time.Duration
	lastUpdate time.Time
}

func (b *Backoff) params() (initial, maxDelay time.Duration) {
	initial, maxDelay = BackoffInitial, BackoffMax
	if b.Initial > 0 {
		initial = b.Initial
	}
	if b.Max > 0 {
		maxDelay = b.Max
	}
	return min(initial, maxDelay), maxDelay
}

// Delay is the entry's current back-off, 0 when there is no entry.
func (b *Backoff) Delay() time.Duration {
	if !b.has {
		return 0
	}
	return b.delay
}

// Decide is the kubelet's check when it wants to start the container at
// now (rule P13.3). prevFinished is when the newest exited instance the
// kubelet is working from finished, hasPrev false when there is none (the
// first start; and the first kill-and-restart, rule P13.6).
//
// With no previous instance the container starts and the entry is left
// alone. Otherwise it is in back-off when an entry exists that is neither
// forgotten (the kubelet drops entries not updated for more than 600 s)
// nor expired (prevFinished more than 600 s after its last update), and
// less than the current delay has passed since prevFinished: then start
// is false and retryAt = prevFinished + delay. Else the delay starts at
// 10 s or doubles up to 300 s, the entry is updated at now, and start is
// true. delay is the entry's delay after the decision (for the
// "back-off <delay> restarting failed container" message).
func (b *Backoff) Decide(now, prevFinished time.Time, hasPrev bool) (start bool, retryAt time.Time, delay time.Duration) {
	if !hasPrev {
		return true, time.Time{}, b.Delay()
	}
	if b.has && now.Sub(b.lastUpdate) > BackoffResetAfter {
		b.has = false // garbage-collected at housekeeping
	}
	expired := b.has && prevFinished.Sub(b.lastUpdate) > BackoffResetAfter
	if b.has && !expired && now.Sub(prevFinished) < b.delay {
		return false, prevFinished.Add(b.delay), b.delay
	}
	initial, maxDelay := b.params()
	if !b.has || expired {
		b.delay = initial
	} else {
		b.delay = min(2*b.delay, maxDelay)
	}
	b.has, b.lastUpdate = true, now
	return true, time.Time{}, b.delay
}

// BackoffMessage is the waiting message of a container in
// CrashLoopBackOff: "back-off 40s restarting failed
// container=liveness pod=liveness-exec_default(<uid>)".
func BackoffMessage(delay time.Duration, container, pod, namespace, uid string) string {
	return fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", delay, container, pod, namespace, uid)
}

// BackoffEventMessage is the message of the BackOff warning event.
func BackoffEventMessage(container, pod, namespace, uid string) string {
	return fmt.Sprintf("Back-off restarting failed container %s in pod %s_%s(%s)", container, pod, namespace, uid)
}
