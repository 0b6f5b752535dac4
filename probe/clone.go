package probe

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// Clone returns an independent copy of r in its current state: stepping,
// terminating or crashing the copy leaves r as it was, and each then
// decides exactly as the other would. It is the look-ahead a caller needs
// to ask "what will this kubelet do next, if nothing else happens?"
// without consequences — the cluster's Settle asks it of every pod.
//
// The copy shares what never changes once a Runner is built: the pod's
// spec and metadata, the containers' specs, the feature gates and the
// Scripts. Scripts are therefore called by both; like Simulate, a Clone
// assumes they are deterministic functions of their arguments.
func (r *Runner) Clone() *Runner {
	n := *r
	r.podStatus.DeepCopyInto(&n.podStatus)
	n.events = slices.Clone(r.events)
	n.syncEvents = slices.Clone(r.syncEvents)
	// The cached status is handed over by the next Status call: a copy
	// builds its own.
	n.cached, n.hasCached = corev1.PodStatus{}, false
	n.cs = make([]*simContainer, len(r.cs))
	for i, c := range r.cs {
		cc := *c
		m := *c.m
		cc.m = &m
		cc.finished = slices.Clone(c.finished)
		n.cs[i] = &cc
	}
	if r.resetQueue != nil {
		n.resetQueue = make([]*simContainer, len(r.resetQueue))
		for i, c := range r.resetQueue {
			n.resetQueue[i] = n.cs[c.index]
		}
	}
	return &n
}
