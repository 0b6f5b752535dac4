// Package workload decides what kube-controller-manager's ReplicaSet and
// ReplicationController controllers decide: one sync, as a plan.
//
// A sync looks at a controller, the pods of its namespace and the time,
// and returns a Plan: which orphans to adopt and which pods to release,
// how many pods to create (in slow-start batches) from which template, or
// which pods to delete and in what order; after the caller has carried it
// out, Plan.Status gives the status to write and Plan.RequeueAfter when to
// look again. An RC is synced the way upstream syncs it, as a ReplicaSet.
//
// Usage:
//
//	plan, err := workload.SyncReplicationController(rc, podsOfNamespace, now, workload.Options{})
//	// patch plan.Adopt with plan.OwnerRef, remove it from plan.Release
//	_, createErr := workload.SlowStart(plan.Create, func(int) error {
//		return create(plan.Template, names.Generate(plan.Template.GenerateName))
//	})
//	for _, p := range plan.Delete { deletePod(p) }
//	status, write := plan.ReplicationControllerStatus(createErr)
//
// Rules (ids of the project's rules reference, being gathered in docs/rules):
//
//  1. A controller sees the active pods of its namespace that it controls
//     or that have no controller; pods of another controller never (RS-3.1,
//     RS-3.2). Active: not Succeeded, not Failed, not being deleted.
//  2. It sees its own pods and orphans: a pod is its own when the
//     pod's controller reference names its kind, name and UID — the key of
//     the pod index upstream lists them through (controller_utils.go:
//     FilterPodsByOwner, PodControllerIndexKey); a reference with its UID
//     but a stale or missing kind or name hides the pod from it (not
//     counted, adopted or released; the garbage collector's business),
//     although ClaimObject alone would compare the UID only. It owns those
//     of its pods its selector matches, adopts matching orphans, and
//     releases its own pods whose labels stopped matching — and creates a
//     replacement in the same sync. A controller being deleted only claims
//     (RS-3.4, RS-3.8, RS-4.2).
//  3. Too few pods: create the difference, at most 500, in batches 1, 2, 4,
//     …; a failed batch stops the later ones (RS-5). The pod gets the
//     template's labels, annotations and spec, generateName "<name>-" and
//     the controller as its only owner (RS-5.7); its name is generateName
//     cut to 58 characters plus 5 of "bcdfghjklmnpqrstvwxz2456789" (RS-5.8).
//  4. Too many: delete the difference, at most 500; when that is all of
//     them, in name order (PodsToDelete: in the order given); otherwise
//     the first after ranking: unassigned, Pending < Unknown < Running,
//     not ready, lower deletion cost, more
//     related pods on the node, more recently ready (log2 age bands, the
//     same band by UID), more restarts, newer (RS-6).
//  5. Status counts the pods the sync saw, not the ones it created or
//     deleted (RS-7.2): replicas, fullyLabeledReplicas (every template
//     label), readyReplicas, availableReplicas (ready for minReadySeconds;
//     never with a zero ready time), terminatingReplicas (ReplicaSet only);
//     it is written only when something changed (RS-7.1, RS-7.4).
//  6. A failed create or delete adds ReplicaFailure (FailedCreate /
//     FailedDelete) unless one is there, which stays as it was; success
//     removes it (RS-7.3).
//  7. With minReadySeconds, look again when the next ready pod becomes
//     available (RS-7.6).
//  8. Defaults: replicas 1; an RC's empty selector and labels come from
//     its template; the pod template gets the apiserver's pod defaults
//     (RS-1.3). Validation has upstream's texts, including the ReplicaSet's
//     "empty selector is invalid for deployment" and the immutable
//     ReplicaSet selector (RS-2).
//  9. Pods controlled by another controller matter to a sync only through
//     the ranking of rule 4, and only when it deletes some but not all
//     its pods: a caller may leave them out of any sync that cannot own
//     more than it wants (its own pods and the orphans at most replicas).
//  10. Options.Memo lets a caller that syncs the same controller over
//     mostly unchanged pod objects (a store that keeps a new object per
//     write) skip reading them again; the plan is the same (see Memo).
//
// MODEL choices, where upstream depends on cache order, goroutines or
// randomness (spec §15): pods are considered in name order; creates run
// one after another, the caller deciding which fail; names and UIDs come
// from injected generators; "now" is an argument; a caller that applies
// each plan before the next sync never has pending expectations.
package workload
