package printers

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// age renders the time elapsed from t to now as the AGE column does
// (RS-14.5): "<unknown>" for an unset time, otherwise apimachinery's
// HumanDuration, which itself prints "<invalid>" for times more than a
// second in the future.
//
// MODEL: the apiserver stores metav1.Time with whole seconds only (both
// its JSON and its protobuf form drop the fraction), so the printer never
// sees a fraction; t is cut to its second before subtracting.
func age(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Truncate(time.Second)))
}

// microAge is age for metav1.MicroTime, which the apiserver keeps to the
// microsecond.
func microAge(t metav1.MicroTime, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Truncate(time.Microsecond)))
}
