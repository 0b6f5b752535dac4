package workload

// SetMemoSlack lets tests make a Memo forget at every sync; it returns the
// undo.
func SetMemoSlack(n int) (undo func()) {
	old := memoSlack
	memoSlack = n
	return func() { memoSlack = old }
}
