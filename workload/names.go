package workload

import (
	"math/rand/v2"
)

// NameAlphabet is the alphabet of generated name suffixes: no vowels, no
// 0, 1 or 3, so that no words and no look-alikes appear (RS-5.8).
const NameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

const (
	// MaxGeneratedNameLength is how much of a generateName is kept
	// before the 5-character suffix.
	MaxGeneratedNameLength = 58
	suffixLength           = 5
	// NameGenerationAttempts is how many names the apiserver tries before
	// it gives up with AlreadyExists.
	NameGenerationAttempts = 8
)

// Names generates object names from a generateName prefix the way the
// apiserver does: the prefix cut to 58 characters, then 5 random
// characters of NameAlphabet. Its randomness is a seeded PCG generator, so
// the same seed gives the same names. The zero value uses seed 0. It is
// not safe for concurrent use.
type Names struct {
	rng *rand.Rand
}

// NewNames returns a generator seeded with seed.
func NewNames(seed uint64) *Names {
	return &Names{rng: rand.New(rand.NewPCG(seed, 0x6b756265))}
}

// Generate returns a name for the prefix, e.g. "nginx-" → "nginx-7xq2c".
func (n *Names) Generate(prefix string) string {
	if n.rng == nil {
		*n = *NewNames(0)
	}
	if len(prefix) > MaxGeneratedNameLength {
		prefix = prefix[:MaxGeneratedNameLength]
	}
	b := make([]byte, suffixLength)
	for i := range b {
		b[i] = NameAlphabet[n.rng.IntN(len(NameAlphabet))]
	}
	return prefix + string(b)
}

// GenerateUnique returns a name for the prefix that taken does not report
// as in use, trying at most NameGenerationAttempts names; ok is false
// when all were taken (the apiserver then answers AlreadyExists).
func (n *Names) GenerateUnique(prefix string, taken func(string) bool) (name string, ok bool) {
	for range NameGenerationAttempts {
		name = n.Generate(prefix)
		if taken == nil || !taken(name) {
			return name, true
		}
	}
	return name, false
}
