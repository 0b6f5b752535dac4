// Package clients is kubesem's cluster as client-go and controller-runtime
// reach a real one (work in progress).
package clients

import (
	_ "github.com/kubesem/kubesem/cluster"
	_ "k8s.io/client-go/kubernetes"
	_ "sigs.k8s.io/controller-runtime/pkg/client"
)
