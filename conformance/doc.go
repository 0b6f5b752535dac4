// Package conformance holds kubesem's differential tests: the same inputs
// given to kubesem and to upstream Kubernetes v1.37.2's own code, any
// difference a failure. It is a separate module because it imports
// k8s.io/kubernetes, which the main module never does.
package conformance
