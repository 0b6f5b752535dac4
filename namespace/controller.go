package namespace

import (
	"cmp"
	"math"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Object names one namespaced object other than a pod.
type Object struct {
	Kind, Name string
}

// Content is what is left in a namespace: its pods, and every other
// namespaced object by kind and name.
type Content struct {
	Pods   []*corev1.Pod
	Others []Object
}

// Step is one pass of the namespace controller over a namespace, for the
// caller to carry out: delete DeletePods, then Delete (background
// propagation, never orphan), write Namespace when it is not nil (phase
// and finalizers), remove the namespace when Gone, and look again after
// RequeueAfter when it is not zero.
type Step struct {
	Namespace    *corev1.Namespace
	DeletePods   []string
	Delete       []Object
	Gone         bool
	RequeueAfter time.Duration
}

// Finalize decides one pass of the namespace controller over ns, given
// what is left in it, at now (RS-12.5). Nothing happens until ns has a
// deletionTimestamp. Then the phase is Terminating; pods go first, and
// while any is left nothing else is deleted and the pass asks to look
// again after estimate/2 + 1 seconds, estimate being the longest
// terminationGracePeriodSeconds (30 when unset) among pods not Succeeded
// or Failed, or 0 once that long has passed since the deletion; then every
// other object; when nothing is left the kubernetes finalizer is removed,
// and the namespace goes when no finalizer is left (RS-12.3).
//
// MODEL: upstream reacts to namespace events 5 s after each; when to run a
// pass is the caller's (the cluster's) business. The status conditions
// upstream maintains (NamespaceContentRemaining and the others) are not
// produced.
func Finalize(ns *corev1.Namespace, c Content, now time.Time) Step {
	if ns == nil || ns.DeletionTimestamp == nil {
		return Step{}
	}
	var s Step
	out := ns.DeepCopy()
	if out.Status.Phase != corev1.NamespaceTerminating {
		out.Status.Phase = corev1.NamespaceTerminating
		s.Namespace = out
	}
	if len(c.Pods) > 0 {
		estimate := int64(0)
		for _, p := range c.Pods {
			s.DeletePods = append(s.DeletePods, p.Name)
			if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
				continue
			}
			grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
			if p.Spec.TerminationGracePeriodSeconds != nil {
				grace = *p.Spec.TerminationGracePeriodSeconds
			}
			estimate = max(estimate, grace)
		}
		// durations saturate where seconds × 1e9 would overflow an int64
		// (upstream's arithmetic wraps there)
		const maxSeconds = int64(math.MaxInt64 / time.Second)
		estimate = min(estimate, maxSeconds)
		if now.Sub(ns.DeletionTimestamp.Time) >= time.Duration(estimate)*time.Second {
			estimate = 0
		}
		slices.Sort(s.DeletePods)
		s.RequeueAfter = time.Duration(min(estimate/2+1, maxSeconds)) * time.Second
		return s
	}
	if len(c.Others) > 0 {
		s.Delete = slices.Clone(c.Others)
		slices.SortFunc(s.Delete, func(a, b Object) int {
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
		})
		return s
	}
	if i := slices.Index(out.Spec.Finalizers, FinalizerKubernetes); i >= 0 {
		out.Spec.Finalizers = slices.Delete(out.Spec.Finalizers, i, i+1)
		if len(out.Spec.Finalizers) == 0 {
			out.Spec.Finalizers = nil
		}
		s.Namespace = out
	}
	s.Gone = len(out.Spec.Finalizers) == 0 && len(out.Finalizers) == 0
	return s
}
