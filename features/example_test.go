package features_test

import (
	"fmt"

	"github.com/kubesem/kubesem/features"
)

// A cluster's gates as its --feature-gates flag would give them: what is
// not named keeps its v1.37.2 default.
func ExampleGates() {
	gates := features.Gates{features.ReduceDefaultCrashLoopBackOffDecay: true}
	fmt.Println(gates.Enabled(features.ReduceDefaultCrashLoopBackOffDecay), gates.Enabled(features.ContainerRestartRules))
	fmt.Println(gates.String())
	fmt.Println(gates.Validate())
	// Output:
	// true true
	// ReduceDefaultCrashLoopBackOffDecay=true
	// <nil>
}

// Switching a gate off that another one needs is refused, as a component
// refuses it at start-up.
func ExampleGates_Validate() {
	gates := features.Gates{features.ContainerRestartRules: false}
	fmt.Println(gates.Validate())
	fmt.Println(features.Gates{"NoSuchGate": true}.Validate())
	// Output:
	// RestartAllContainersOnContainerExits is enabled, but depends on features that are disabled: [ContainerRestartRules]
	// unrecognized feature gate: NoSuchGate
}
