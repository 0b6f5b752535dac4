package namespace

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Object names one namespaced object other than a pod.
type Object struct {
	Kind, Name string
	// Group and Resource name the object's REST resource in the
	// namespace's conditions ("configmaps", "statefulsets.apps"); when
	// Resource is empty they come from the kind.
	Group, Resource string
	// Finalizers are the object's metadata.finalizers: an object that has
	// some outlives its deletion, and the namespace's conditions count it.
	Finalizers []string
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
// while any is left after their deletion (graceful pods, pods with
// finalizers) nothing else is deleted and the pass asks to look again
// after estimate/2 + 1 seconds, estimate being the longest
// terminationGracePeriodSeconds (30 when unset) among pods not Succeeded
// or Failed, or 0 once that long has passed since the deletion (15 s for
// items held by finalizers); then every other object; when nothing is
// left the kubernetes finalizer is removed — the others kept sorted and
// without duplicates, as upstream's finalize request sends them
// (namespaced_resources_deleter.go: finalizeNamespace) — and the namespace
// goes when no finalizer is left (RS-12.3). A namespace whose spec.finalizers is empty
// is finalized already: the pass deletes nothing and writes nothing but
// the Terminating phase, as upstream's deleter returns at once
// (namespaced_resources_deleter.go: Delete, finalized).
//
// Every pass sets the five deletion conditions upstream maintains, in its
// order and with its texts (status_condition_utils.go):
// NamespaceDeletionDiscoveryFailure, NamespaceDeletionGroupVersionParsingFailure,
// NamespaceDeletionContentFailure, NamespaceContentRemaining ("Some
// resources are remaining: pods. has 2 resource instances") and
// NamespaceFinalizersRemaining; a condition's lastTransitionTime moves only
// when its status changes.
//
// MODEL: upstream reacts to namespace events 5 s after each; when to run a
// pass is the caller's (the cluster's) business. A pod survives its
// deletion when it is bound to a node and not Succeeded or Failed, or has
// finalizers; other objects when they have finalizers.
func Finalize(ns *corev1.Namespace, c Content, now time.Time) Step {
	if ns == nil || ns.DeletionTimestamp == nil {
		return Step{}
	}
	var s Step
	out := ns.DeepCopy()
	changed := false
	if out.Status.Phase != corev1.NamespaceTerminating {
		out.Status.Phase = corev1.NamespaceTerminating
		changed = true
	}
	if len(out.Spec.Finalizers) == 0 {
		// Finalized already: the content is not this controller's to
		// delete any more, and nothing but the phase is written.
		if changed {
			s.Namespace = out
		}
		s.Gone = len(out.Finalizers) == 0
		return s
	}
	// durations saturate where seconds × 1e9 would overflow an int64
	// (upstream's arithmetic wraps there)
	const maxSeconds = int64(math.MaxInt64 / time.Second)
	var r remaining
	estimate := int64(0)
	if len(c.Pods) > 0 {
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
		estimate = min(estimate, maxSeconds)
		if now.Sub(ns.DeletionTimestamp.Time) >= time.Duration(estimate)*time.Second {
			estimate = 0
		}
		slices.Sort(s.DeletePods)
		var left, held []string
		for _, p := range c.Pods {
			terminal := p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
			if len(p.Finalizers) > 0 || (p.Spec.NodeName != "" && !terminal) {
				left = append(left, p.Name)
				held = append(held, p.Finalizers...)
			}
		}
		estimate = r.add("pods", "", len(left), held, estimate)
		if len(left) > 0 {
			s.RequeueAfter = time.Duration(min(estimate/2+1, maxSeconds)) * time.Second
			if updateConditions(out, r.conditions(ns.Name), now) || changed {
				s.Namespace = out
			}
			return s
		}
	}
	if len(c.Others) > 0 {
		s.Delete = slices.Clone(c.Others)
		slices.SortFunc(s.Delete, func(a, b Object) int {
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
		})
		byKind := map[string][]Object{}
		var kinds []string
		for _, o := range s.Delete {
			if len(o.Finalizers) == 0 {
				continue
			}
			if _, ok := byKind[o.Kind]; !ok {
				kinds = append(kinds, o.Kind)
			}
			byKind[o.Kind] = append(byKind[o.Kind], o)
		}
		for _, kind := range kinds {
			var held []string
			for _, o := range byKind[kind] {
				held = append(held, o.Finalizers...)
			}
			gr := schema.GroupResource{Group: byKind[kind][0].Group, Resource: byKind[kind][0].Resource}
			if gr.Resource == "" {
				var err error
				if gr, err = Resource(kind); err != nil {
					gr.Resource = strings.ToLower(kind) + "s"
				}
			}
			estimate = max(estimate, r.add(gr.Resource, gr.Group, len(byKind[kind]), held, 0))
		}
		if r.any() {
			s.RequeueAfter = time.Duration(min(estimate/2+1, maxSeconds)) * time.Second
			if updateConditions(out, r.conditions(ns.Name), now) || changed {
				s.Namespace = out
			}
			return s
		}
	}
	if updateConditions(out, r.conditions(ns.Name), now) {
		changed = true
	}
	// Upstream's finalize request sends the other finalizers as a sorted
	// set: every copy of kubernetes goes, duplicates and order with it.
	var rest []corev1.FinalizerName
	for _, f := range out.Spec.Finalizers {
		if f != FinalizerKubernetes {
			rest = append(rest, f)
		}
	}
	slices.Sort(rest)
	rest = slices.Compact(rest)
	if !slices.Equal(rest, out.Spec.Finalizers) {
		out.Spec.Finalizers = rest
		changed = true
	}
	if changed {
		s.Namespace = out
	}
	s.Gone = len(out.Spec.Finalizers) == 0 && len(out.Finalizers) == 0
	return s
}

// finalizerEstimateSeconds is upstream's wait for items held by
// finalizers.
const finalizerEstimateSeconds = 15

// remaining tallies what a pass leaves behind, for the conditions.
type remaining struct {
	resources  []string       // "pods. has 2 resource instances"
	finalizers map[string]int // finalizer → items it holds
	failures   []string       // content that should be gone and is not
}

func (r *remaining) any() bool { return len(r.resources) > 0 }

// add records n items of a resource left after their deletion, held by
// the given finalizers, and returns the estimate to wait: the graceful
// estimate, else 15 s for items held by finalizers; items that remain
// with neither are a failure (upstream: "unexpected items still remain").
func (r *remaining) add(resource, group string, n int, held []string, estimate int64) int64 {
	if n == 0 {
		return estimate
	}
	r.resources = append(r.resources, fmt.Sprintf("%s.%s has %d resource instances", resource, group, n))
	if r.finalizers == nil {
		r.finalizers = map[string]int{}
	}
	for _, f := range held {
		r.finalizers[f]++
	}
	switch {
	case estimate != 0:
		return estimate
	case len(held) > 0:
		return finalizerEstimateSeconds
	}
	version := "v1"
	r.failures = append(r.failures, fmt.Sprintf("%s/%s, Resource=%s", group, version, resource))
	return 0
}

// conditions are the five conditions a pass writes, failures first.
func (r *remaining) conditions(ns string) map[corev1.NamespaceConditionType]corev1.NamespaceCondition {
	out := map[corev1.NamespaceConditionType]corev1.NamespaceCondition{}
	if len(r.failures) > 0 {
		msgs := make([]string, len(r.failures))
		for i, gvr := range r.failures {
			msgs[i] = fmt.Sprintf("unexpected items still remain in namespace: %s for gvr: %s", ns, gvr)
		}
		slices.Sort(msgs)
		out[corev1.NamespaceDeletionContentFailure] = corev1.NamespaceCondition{Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionTrue,
			Reason: "ContentDeletionFailed", Message: fmt.Sprintf("Failed to delete all resource types, %d remaining: %s", len(msgs), strings.Join(msgs, ", "))}
	}
	if len(r.resources) > 0 {
		res := slices.Clone(r.resources)
		slices.Sort(res)
		out[corev1.NamespaceContentRemaining] = corev1.NamespaceCondition{Type: corev1.NamespaceContentRemaining, Status: corev1.ConditionTrue,
			Reason: "SomeResourcesRemain", Message: "Some resources are remaining: " + strings.Join(res, ", ")}
	}
	if len(r.finalizers) > 0 {
		var fs []string
		for f, n := range r.finalizers {
			fs = append(fs, fmt.Sprintf("%s in %d resource instances", f, n))
		}
		slices.Sort(fs)
		out[corev1.NamespaceFinalizersRemaining] = corev1.NamespaceCondition{Type: corev1.NamespaceFinalizersRemaining, Status: corev1.ConditionTrue,
			Reason: "SomeFinalizersRemain", Message: "Some content in the namespace has finalizers remaining: " + strings.Join(fs, ", ")}
	}
	return out
}

// deletionConditions are the condition types the namespace controller
// maintains, in its order, with their "ok" reason and message.
var deletionConditions = []struct {
	typ             corev1.NamespaceConditionType
	reason, message string
}{
	{corev1.NamespaceDeletionDiscoveryFailure, "ResourcesDiscovered", "All resources successfully discovered"},
	{corev1.NamespaceDeletionGVParsingFailure, "ParsedGroupVersions", "All legacy kube types successfully parsed"},
	{corev1.NamespaceDeletionContentFailure, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"},
	{corev1.NamespaceContentRemaining, "ContentRemoved", "All content successfully removed"},
	{corev1.NamespaceFinalizersRemaining, "ContentHasNoFinalizers", "All content-preserving finalizers finished"},
}

// updateConditions merges a pass's conditions into the namespace's status
// as upstream's updateConditions does and reports whether anything changed.
func updateConditions(ns *corev1.Namespace, set map[corev1.NamespaceConditionType]corev1.NamespaceCondition, now time.Time) bool {
	changed := false
	at := metav1.NewTime(now.Truncate(time.Second))
	for _, dc := range deletionConditions {
		want, ok := set[dc.typ]
		if !ok {
			want = corev1.NamespaceCondition{Type: dc.typ, Status: corev1.ConditionFalse, Reason: dc.reason, Message: dc.message}
		}
		i := slices.IndexFunc(ns.Status.Conditions, func(c corev1.NamespaceCondition) bool { return c.Type == dc.typ })
		if i < 0 {
			want.LastTransitionTime = at
			ns.Status.Conditions = append(ns.Status.Conditions, want)
			changed = true
			continue
		}
		old := &ns.Status.Conditions[i]
		if old.Status == want.Status && old.Reason == want.Reason && old.Message == want.Message {
			continue
		}
		if old.Status != want.Status {
			old.LastTransitionTime = at
		}
		old.Status, old.Reason, old.Message = want.Status, want.Reason, want.Message
		changed = true
	}
	return changed
}
