package workload

// Upstream's limits on one sync (RS-0.2).
const (
	// BurstReplicas is the most pods one sync creates or deletes.
	BurstReplicas = 500
	// SlowStartInitialBatchSize is the size of the first create batch.
	SlowStartInitialBatchSize = 1
)

// Batches splits n creates into slow-start batches (RS-5.3): 1, 2, 4, …,
// the last one cut to what remains. n = 10 gives [1 2 4 3].
func Batches(n int) []int {
	var out []int
	for size := SlowStartInitialBatchSize; n > 0; size *= 2 {
		b := min(size, n)
		out = append(out, b)
		n -= b
	}
	return out
}

// SlowStart runs n calls of create in slow-start batches (RS-5.3), in
// order: once any call of a batch fails, the rest of that batch still
// runs and every later batch is skipped. It returns the number of
// successful calls and the first error. Upstream runs a batch's calls
// concurrently; here they run one after another, index i from 0, so that
// which call fails is decided by the caller. A create refused because the
// namespace is terminating counts as a success upstream (RS-5.5): return
// nil for it.
func SlowStart(n int, create func(i int) error) (successes int, first error) {
	i := 0
	for _, b := range Batches(n) {
		failed := false
		for range b {
			if err := create(i); err != nil {
				failed = true
				if first == nil {
					first = err
				}
			} else {
				successes++
			}
			i++
		}
		if failed {
			break
		}
	}
	return successes, first
}
