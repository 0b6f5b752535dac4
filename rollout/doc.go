// Package rollout decides what kube-controller-manager's Deployment
// controller decides: maxSurge and maxUnavailable, the new and old
// ReplicaSets and the pod-template-hash, revisions, one sync of a rolling
// update or a Recreate, proportional scaling, cleanup of old ReplicaSets,
// status, conditions and progress.
//
// Sync takes a Deployment, the ReplicaSets it owns, their pods (for
// Recreate) and the time, and returns a Plan: the ReplicaSet to create,
// the ReplicaSets to write and delete, the Deployment's new status and
// annotations, events, and when to look again. The building blocks it
// uses are exported and each is checked against upstream's own function
// in the conformance module.
//
// Usage:
//
//	plan, err := rollout.Sync(rollout.Default(d), ownedReplicaSets, podsOfThem, now)
//	// or rollout.SyncWith(…, rollout.Options{Gates: gates}) for other feature gates
//	// create plan.Create, write plan.Updates in order, delete plan.Deletes,
//	// write plan.Deployment's status when plan.WriteStatus; sync again at
//	// once when plan.Conflict (upstream's pass hit its own stale write)
//
//	surge, unavailable := rollout.MaxSurge(d), rollout.MaxUnavailable(d) // 25%/25% of 10: 3, 2
//	newRS := rollout.FindNewReplicaSet(d, ownedReplicaSets)             // nil: create one
//	hash := rollout.ComputeHash(&d.Spec.Template, d.Status.CollisionCount)
//	name := rollout.ReplicaSetName(d.Name, hash)                        // "http-go-<hash>", as a real cluster names it
//	rs, err := rollout.NewReplicaSet(d, oldReplicaSets)                 // the ReplicaSet to create, sized and annotated
//
//	e, err := rollout.ExplainSync(d, ownedReplicaSets, podsOfThem, now, rollout.Options{}) // the same pass, and why
//	fmt.Print(e) // "maxSurge 25% of 3 = 0.75, rounded up to 1: at most 4 pods (F-1, F-2)", then each decision
//	f := rollout.ExplainFenceposts(d) // f.MaxSurge.Text, f.MaxUnavailable.Text, f.MinAvailable
//
// Explanations: ExplainSync runs the pass SyncWith runs, with a trace the
// pass fills in as it decides (Sync's pass has none and skips every note),
// so its Plan is SyncWith's and each Decision names the ReplicaSet, its
// sizes, the rule ids and the reason in words: the fenceposts and their
// rounding, the branch of §8 taken, the new ReplicaSet created or grown
// within maxSurge (RU-2's arithmetic), old ones shrunk within
// maxUnavailable (RU-4's budget), Recreate's wait, proportional scaling,
// cleanup, the status and conditions written, the progress-deadline
// requeue. A property test checks on random rollouts that every size a
// decision names is written and every size written is explained.
//
// Rules (ids of the project's rules reference, docs/rules/deployment.md):
//
//  1. maxSurge is a percentage of replicas rounded up, maxUnavailable one
//     rounded down; when both come out 0, maxUnavailable is 1 (F-1 … F-4).
//
//  2. MaxSurge is 0 for Recreate and not clamped; MaxUnavailable is 0 for
//     Recreate or 0 replicas and at most replicas (F-5, F-6).
//
//  3. The new ReplicaSet is the oldest whose template equals the
//     Deployment's once the pod-template-hash label is ignored; every
//     other one is old (N-2 … N-4).
//
//  4. The pod-template-hash is FNV-1a over upstream's dump of the template
//     (and the collision count), encoded in "bcdfghjklmnpqrstvwxz2456789"
//     (H-1); the ReplicaSet is named "<deployment>-<hash>" (H-2).
//
//  5. The new ReplicaSet carries the Deployment's annotations (not the
//     skip list), revision max(old)+1, desired- and max-replicas; a
//     re-used ReplicaSet's revision rises to max+1 and its former number
//     goes to revision-history, trimmed from the front to 2000 characters;
//     a revision never decreases (H-3, H-4, R-2, R-4).
//
//  6. Revisions are the revision annotation (missing = 0); the last
//     revision is the second largest, a repeated maximum counting as
//     itself (R-1, RB-2).
//
//  7. A rolling update grows the new ReplicaSet by what maxSurge leaves
//     room for, never beyond replicas (RU-2); mid-rollout scaling hands
//     out replicas in proportion to each ReplicaSet's size, rounding half
//     away from zero (P-6, P-7).
//
//  8. A rollout is complete when updated, total and available replicas all
//     equal replicas and the generation is observed; it times out when its
//     Progressing condition is older than progressDeadlineSeconds,
//     strictly (PG-3 … PG-5).
//
//  9. One pass: a Deployment being deleted only gets its status; a paused
//     one, or one whose replicas changed (a ReplicaSet's desired-replicas
//     annotation differs), is only scaled — proportionally across active
//     ReplicaSets for RollingUpdate — and (paused) cleaned up; otherwise one
//     step of its strategy (§8, P-1 … P-5, PA-*).
//
//  10. RollingUpdate: scale the new ReplicaSet up, or else scale old ones
//     down — unavailable pods first, then oldest first within what
//     minAvailable allows; never both in one pass; clean up once the
//     status given was complete (RU-*).
//
//  11. Recreate: old ReplicaSets to 0, wait until no old pod is left, then
//     the new one at full size (RC-*).
//
//  12. Cleanup deletes, oldest revision first, fully scaled-down and
//     observed old ReplicaSets beyond revisionHistoryLimit (CU-*).
//
//  13. Status sums the ReplicaSets' counts; terminatingReplicas is nil
//     once an observed ReplicaSet reports none (and with the gate of rule
//     21 off); Available is at least replicas − maxUnavailable available;
//     Progressing moves through NewReplicaSetCreated, ReplicaSetUpdated,
//     NewReplicaSetAvailable or ProgressDeadlineExceeded (ST-*, PG-*).
//
//  14. kubectl's verbs are pure functions with kubectl's texts: History
//     (one row per revision, change-cause or <none>), Undo (the previous
//     or --to-revision template, skip-list annotations kept, refused while
//     paused after the revision lookup), Pause, Resume, Restart, SetImage
//     and RolloutStatus (KH-*, KU-*).
//
//  15. Writes as upstream sends them (W-1, kubesem's id; found by the
//     conformance module's differential test of Sync on a fake clientset
//     that enforces resourceVersions as the apiserver does): every write
//     of the Deployment in a pass is sent from the copy the pass read, so
//     only the first succeeds and a later one ends the pass with a
//     Conflict; a ReplicaSet written twice from its listed copy likewise.
//     Plan holds what was written before that point and sets Conflict; the
//     next pass carries on. So right after creating the new ReplicaSet the
//     Deployment shows NewReplicaSetCreated with the previous counts, and
//     the counts and Available follow one pass later, as on a real
//     cluster.
//
//  16. A stale desired-replicas annotation on the only active ReplicaSet,
//     when that ReplicaSet already has the Deployment's size, makes every
//     pass a scaling event that resizes nothing: no rollout and no cleanup
//     until replicas change. Upstream does this; kubesem keeps it.
//
//  17. The condition helpers are upstream's: SetDeploymentCondition leaves
//     a condition of the same type, status and reason as it is (message
//     and update time included), else replaces every condition of the type
//     with the new one appended last, keeping the lastTransitionTime when
//     only the reason changed; GetDeploymentCondition returns a copy of the
//     first of its type; RemoveDeploymentCondition drops every one of the
//     type (PG-1).
//
//  18. A Deployment's status is valid when observedGeneration and every
//     replica count (and terminatingReplicas and collisionCount when set)
//     are ≥ 0, updated, ready and available replicas are none of them
//     above replicas, and available replicas are not above ready ones;
//     conditions are not looked at (V-7; pkg/apis/apps/validation/
//     validation.go ValidateDeploymentStatus). ValidateStatus.
//
//  19. A write to the status subresource is checked for the metadata that
//     may not change, then for the new status as in rule 18 (V-7), and the
//     collisionCount may only grow: lowering it, or dropping it once set,
//     is "cannot be decremented" (reported as 0 when dropped); the spec is
//     not checked, since the write keeps the stored one (V-8;
//     ValidateDeploymentStatusUpdate, with pkg/registry/apps/deployment/
//     strategy.go deploymentStatusStrategy). ValidateStatusUpdate.
//
//  20. The metadata checks of create, update and status writes are the core
//     API group's: besides apimachinery's, a metadata.finalizers entry
//     without a "/" must be kubernetes, orphan or foregroundDeletion, named
//     at its index; an update also checks the new labels and annotations
//     (in key order here, map order upstream) after the immutable fields
//     (V-9; pkg/apis/core/validation/validation.go ValidateObjectMeta,
//     ValidateObjectMetaUpdate, validateKubeFinalizerName). Validate,
//     ValidateUpdate and ValidateStatusUpdate; ValidateUpdate is otherwise
//     ValidateDeploymentUpdate: the spec as on create, the selector
//     immutable.
//
//  21. Feature gates (Options.Gates and SyncWith; kube-controller-manager's
//     --feature-gates, nil being v1.37.2's defaults): with
//     DeploymentReplicaSetTerminatingReplicas off (beta and on by default
//     in v1.37.2) the Deployment's status.terminatingReplicas is nil
//     (absent) whatever its ReplicaSets report, and a count written while
//     the gate was on is cleared by the next status write
//     (pkg/controller/deployment/sync.go calculateStatus calls
//     deploymentutil.GetTerminatingReplicaCountForReplicaSets only with the
//     gate on). No other gate changes a Deployment sync.
//
// The controller's own rollback, for the legacy annotation
// deprecated.deployment.rollback.to, comes out as Plan.Update (RB-*);
// kubectl rollout undo does not use it (see Undo).
//
// BlueGreen plans a blue/green switch with two Deployments and a Service
// selector; it is not upstream behaviour and says so.
package rollout
