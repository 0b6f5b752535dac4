package probe

import "fmt"

// Kind is one of a container's three probes.
type Kind uint8

// The probe kinds, in the order the kubelet model evaluates them at one
// instant (rule P4.6).
const (
	Startup Kind = iota
	Readiness
	Liveness
	numKinds
)

// String is the kind as upstream's events name it: "Startup",
// "Readiness", "Liveness".
func (k Kind) String() string {
	switch k {
	case Startup:
		return "Startup"
	case Readiness:
		return "Readiness"
	case Liveness:
		return "Liveness"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Result is a probe's cached result, the value the kubelet acts on
// (upstream's results.Result).
type Result int8

// The cached results. Unknown is the startup probe's initial value; it
// never kills (rules P5.1, P9.1).
const (
	Unknown Result = -1
	Success Result = 0
	Failure Result = 1
)

// String renders the result as upstream's results.Result does (rule
// P5.2): "Success", "Failure", and "UNKNOWN" for Unknown and any other
// value.
func (r Result) String() string {
	switch r {
	case Success:
		return "Success"
	case Failure:
		return "Failure"
	}
	return "UNKNOWN"
}

// Outcome is what one probe execution returned (rule P2.1–P2.3).
type Outcome uint8

// The outcomes of one execution, as a handler reports them.
const (
	// OutcomeSuccess: exec exit 0, HTTP 200–399, TCP connected, gRPC SERVING.
	OutcomeSuccess Outcome = iota
	// OutcomeWarning: an HTTP redirect not followed; counts as Success.
	OutcomeWarning
	// OutcomeFailure: non-zero exit, HTTP ≥ 400, timeout, refused.
	OutcomeFailure
	// OutcomeUnknown: a handler result without an error; counts as Failure.
	OutcomeUnknown
	// OutcomeError: all three attempts errored; the execution is thrown
	// away — no count, no change (rule P2.4).
	OutcomeError
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case OutcomeSuccess:
		return "success"
	case OutcomeWarning:
		return "warning"
	case OutcomeFailure:
		return "failure"
	case OutcomeUnknown:
		return "unknown"
	case OutcomeError:
		return "error"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// result maps an outcome to the result it counts as; ok is false for an
// errored execution, which does not count (rules P2.3, P2.4).
func (o Outcome) result() (r Result, ok bool) {
	switch o {
	case OutcomeSuccess, OutcomeWarning:
		return Success, true
	case OutcomeFailure, OutcomeUnknown:
		return Failure, true
	}
	return 0, false
}

// initial is the cached value a kind starts every container instance with
// (rule P5.1).
func (k Kind) initial() Result {
	switch k {
	case Readiness:
		return Failure
	case Startup:
		return Unknown
	}
	return Success
}
