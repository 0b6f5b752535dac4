// Package features holds the Kubernetes v1.37.2 feature gates that change
// a decision kubesem makes, with their v1.37.2 defaults.
//
// A Gates value is what a component's --feature-gates flag gives it: the
// gates it names are switched as named, every other gate keeps its
// default. The zero value (a nil map) is v1.37.2's defaults, so a package
// that takes a Gates argument or option behaves as a default v1.37.2
// cluster unless told otherwise. The package imports nothing of kubesem,
// so probe, workload, rollout and cluster can all take a Gates.
//
// A Gates map is only read, never written, by the packages that take
// one; build a new map to change a gate.
//
// Usage, for a cluster whose kubelets run with the reduced
// CrashLoopBackOff decay:
//
//	gates := features.Gates{features.ReduceDefaultCrashLoopBackOffDecay: true}
//	if err := gates.Validate(); err != nil { ... } // as a component's start-up would refuse it
//	c, err := cluster.New(cluster.Options{Gates: gates})
//	gates.Enabled(features.ContainerRestartRules) // true: v1.37.2's default
//
// Rules:
//
//  1. A gate the map does not name has its v1.37.2 default
//     (pkg/features/kube_features.go, defaultKubernetesFeatureGates); a gate
//     this package does not know is off.
//  2. Validate refuses an unknown gate ("unrecognized feature gate: X")
//     and an enabled gate whose dependency is off ("X is enabled, but
//     depends on features that are disabled: [Y]"), as
//     k8s.io/component-base/featuregate's Set and Validate do.
//  3. String gives the gates that differ from the defaults in the
//     --feature-gates flag's form, sorted by name.
package features

import (
	"fmt"
	"slices"
	"strings"
)

// Gate is a feature gate's name, as the --feature-gates flag spells it.
type Gate string

// The gates kubesem's decisions depend on, with their v1.37.2 stage and
// default (pkg/features/kube_features.go).
const (
	// DeploymentReplicaSetTerminatingReplicas (beta, on): the Deployment
	// and ReplicaSet controllers count terminating pods into
	// status.terminatingReplicas; off, the field stays nil.
	DeploymentReplicaSetTerminatingReplicas Gate = "DeploymentReplicaSetTerminatingReplicas"
	// PodDeletionCost (beta, on): the ReplicaSet controller ranks pods by
	// the controller.kubernetes.io/pod-deletion-cost annotation when it
	// scales down.
	PodDeletionCost Gate = "PodDeletionCost"
	// ContainerRestartRules (beta, on): a regular container's own
	// restartPolicy and restartPolicyRules decide whether it restarts;
	// off, only the pod's restartPolicy does.
	ContainerRestartRules Gate = "ContainerRestartRules"
	// RestartAllContainersOnContainerExits (beta, on; needs
	// ContainerRestartRules): a restartPolicyRules rule with action
	// RestartAllContainers restarts every container of the pod; off, such
	// a rule falls back to the container's restartPolicy.
	RestartAllContainersOnContainerExits Gate = "RestartAllContainersOnContainerExits"
	// ReduceDefaultCrashLoopBackOffDecay (alpha, off): CrashLoopBackOff
	// starts at 1 s and is capped at 60 s instead of 10 s and 300 s.
	ReduceDefaultCrashLoopBackOffDecay Gate = "ReduceDefaultCrashLoopBackOffDecay"
	// KubeletCrashLoopBackOffMax (beta, on): the kubelet's
	// crashLoopBackOff.maxContainerRestartPeriod (default 300 s) caps
	// CrashLoopBackOff, and takes precedence over
	// ReduceDefaultCrashLoopBackOffDecay's 60 s.
	KubeletCrashLoopBackOffMax Gate = "KubeletCrashLoopBackOffMax"
	// ChangeContainerStatusOnKubeletRestart (deprecated, off): on, a
	// restarted kubelet treats the containers it finds running as new
	// (not started, not ready until probed); off, it keeps what their
	// statuses said.
	ChangeContainerStatusOnKubeletRestart Gate = "ChangeContainerStatusOnKubeletRestart"
)

// defaults are v1.37.2's defaults of the gates above.
var defaults = map[Gate]bool{
	DeploymentReplicaSetTerminatingReplicas: true,
	PodDeletionCost:                         true,
	ContainerRestartRules:                   true,
	RestartAllContainersOnContainerExits:    true,
	ReduceDefaultCrashLoopBackOffDecay:      false,
	KubeletCrashLoopBackOffMax:              true,
	ChangeContainerStatusOnKubeletRestart:   false,
}

// dependencies are the gates each gate needs enabled (kube_features.go's
// dependency table, restricted to the gates above).
var dependencies = map[Gate][]Gate{
	RestartAllContainersOnContainerExits: {ContainerRestartRules},
}

// Gates switches feature gates by name; a gate it does not name has its
// v1.37.2 default. The zero value is v1.37.2's defaults.
type Gates map[Gate]bool

// Default returns every known gate with its v1.37.2 default, as a new map.
func Default() Gates {
	g := make(Gates, len(defaults))
	for k, v := range defaults {
		g[k] = v
	}
	return g
}

// Known lists the gates this package knows, sorted by name.
func Known() []Gate {
	out := make([]Gate, 0, len(defaults))
	for k := range defaults {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Enabled reports whether gate is on: as g says, else its v1.37.2
// default; a gate this package does not know is off.
func (g Gates) Enabled(gate Gate) bool {
	if v, ok := g[gate]; ok {
		return v
	}
	return defaults[gate]
}

// With returns a copy of g with gate set to on; g is not changed.
func (g Gates) With(gate Gate, on bool) Gates {
	out := make(Gates, len(g)+1)
	for k, v := range g {
		out[k] = v
	}
	out[gate] = on
	return out
}

// Validate refuses a gate this package does not know and an enabled gate
// whose dependency is disabled, as a component refuses its --feature-gates
// flag at start-up. Errors come in the gates' name order.
func (g Gates) Validate() error {
	names := make([]Gate, 0, len(g))
	for k := range g {
		names = append(names, k)
	}
	slices.Sort(names)
	var msgs []string
	for _, k := range names {
		if _, ok := defaults[k]; !ok {
			msgs = append(msgs, fmt.Sprintf("unrecognized feature gate: %s", k))
		}
	}
	for _, k := range Known() {
		if !g.Enabled(k) {
			continue
		}
		var off []Gate
		for _, dep := range dependencies[k] {
			if !g.Enabled(dep) {
				off = append(off, dep)
			}
		}
		if len(off) > 0 {
			msgs = append(msgs, fmt.Sprintf("%s is enabled, but depends on features that are disabled: %v", k, off))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(msgs, ", "))
}

// String renders the gates that differ from v1.37.2's defaults as the
// --feature-gates flag takes them ("A=true,B=false", sorted), "" when
// none does.
func (g Gates) String() string {
	var parts []string
	for _, k := range Known() {
		if v := g.Enabled(k); v != defaults[k] {
			parts = append(parts, fmt.Sprintf("%s=%t", k, v))
		}
	}
	return strings.Join(parts, ",")
}
