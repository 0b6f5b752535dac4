package probe

import (
	"fmt"
	"time"

	"github.com/kubesem/kubesem/features"
)

// The kubelet's CrashLoopBackOff parameters (rule P13.1): the first delay,
// the cap (kubelet config crashLoopBackOff.maxContainerRestartPeriod,
// default 300 s), and the running time after which it starts over.
const (
	BackoffInitial    = 10 * time.Second
	BackoffMax        = 300 * time.Second
	BackoffResetAfter = 600 * time.Second
)

// The kubelet's CrashLoopBackOff parameters with the alpha gate
// ReduceDefaultCrashLoopBackOffDecay on (rule P13.9).
const (
	ReducedBackoffInitial = 1 * time.Second
	ReducedBackoffMax     = 60 * time.Second
)

// CrashLoopBackOff is the kubelet's choice of the first delay and the cap
// (kubelet.go newCrashLoopBackOff, rule P13.9): 10 s and 300 s; 1 s and
// 60 s with ReduceDefaultCrashLoopBackOffDecay; with
// KubeletCrashLoopBackOffMax (on by default) the cap is the kubelet
// configuration's crashLoopBackOff.maxContainerRestartPeriod —
// maxRestartPeriod, 300 s when zero or negative — and the first delay is
// lowered to the cap when the cap is smaller.
func CrashLoopBackOff(g features.Gates, maxRestartPeriod time.Duration) (initial, maxDelay time.Duration) {
	initial, maxDelay = BackoffInitial, BackoffMax
	if g.Enabled(features.ReduceDefaultCrashLoopBackOffDecay) {
		initial, maxDelay = ReducedBackoffInitial, ReducedBackoffMax
	}
	if g.Enabled(features.KubeletCrashLoopBackOffMax) {
		maxDelay = maxRestartPeriod
		if maxDelay <= 0 {
			maxDelay = BackoffMax
		}
		initial = min(initial, maxDelay)
	}
	return initial, maxDelay
}

// HousekeepingPeriod is how often the kubelet's housekeeping runs; each
// run garbage-collects the CrashLoopBackOff entries not updated for more
// than BackoffResetAfter (kubelet.go housekeepingPeriod,
// kubelet_pods.go HandlePodCleanups; rule P13.10).
const HousekeepingPeriod = 2 * time.Second

// ResyncInterval is the kubelet's syncFrequency (default 1 min): a pod
// whose sync found a container in back-off is synced again when the
// earliest back-off expires, but at most this long after (pod_workers.go
// completeWork; rule P13.11).
const ResyncInterval = time.Minute

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
//
// Decide is GC at now followed by Check: the decision of a kubelet whose
// housekeeping has just run.
func (b *Backoff) Decide(now, prevFinished time.Time, hasPrev bool) (start bool, retryAt time.Time, delay time.Duration) {
	if !hasPrev {
		return true, time.Time{}, b.Delay()
	}
	b.GC(now)
	return b.Check(now, prevFinished, true)
}

// GC is the kubelet's housekeeping at at (flowcontrol.Backoff.GC with the
// kubelet's expiry, rule P13.10): an entry last updated more than 600 s
// before at is dropped, so the next decision starts over.
func (b *Backoff) GC(at time.Time) {
	if b.has && at.Sub(b.lastUpdate) > BackoffResetAfter {
		b.has = false
	}
}

// Check is Decide without the housekeeping (kuberuntime_manager.go
// doBackOff, rule P13.3): the entry is used as it is, however old, unless
// prevFinished is more than 600 s after its last update.
func (b *Backoff) Check(now, prevFinished time.Time, hasPrev bool) (start bool, retryAt time.Time, delay time.Duration) {
	if !hasPrev {
		return true, time.Time{}, b.Delay()
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
