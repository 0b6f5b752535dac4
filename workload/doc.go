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
//	e, err := workload.ExplainReplicationController(rc, podsOfNamespace, now, workload.Options{})
//	fmt.Print(e) // "wants 2, has 5 active pods: deletes 3 (RS-6.1)", then for each pod deleted
//	             // the rank rule that put it before the first pod kept, and the whole ranking
//
// Explanations: ExplainReplicaSet and ExplainReplicationController run the
// sync SyncReplicaSet and SyncReplicationController run and explain its
// plan: adoptions and releases, creations with their slow-start batches,
// and, for a scale-down that keeps some pods, the pods ranked exactly as
// the sync ranks them, each pod deleted compared with the first pod kept
// by the first rule of rule 4 that separates them (RS-6.3.1 … RS-6.3.9,
// with the nodes, phases, ready times and their log2 bands, costs, ranks,
// restarts and ages in words). A property test checks that the rule
// named puts the pods in the order the ranking itself does.
//
// Rules (ids of the project's rules reference, docs/rules/replicaset.md):
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
//     not ready, lower deletion cost (only with the PodDeletionCost gate
//     on, see rule 13), more related pods on the node, more recently ready (log2 age bands, the
//     same band by UID), more restarts, newer (RS-6).
//  5. Status counts the pods the sync saw, not the ones it created or
//     deleted (RS-7.2): replicas, fullyLabeledReplicas (every template
//     label), readyReplicas, availableReplicas (ready for minReadySeconds;
//     never with a zero ready time), terminatingReplicas (ReplicaSet only,
//     and only with the DeploymentReplicaSetTerminatingReplicas gate on, see
//     rule 13); it is written only when something changed (RS-7.1, RS-7.4).
//  6. A failed create or delete adds ReplicaFailure (FailedCreate /
//     FailedDelete) unless one is there, which stays as it was; success
//     removes it (RS-7.3).
//  7. With minReadySeconds, look again when the next ready pod becomes
//     available (RS-7.6).
//  8. Defaults: replicas 1; an RC's empty selector and labels come from
//     its template; the pod template gets the apiserver's pod defaults
//     (RS-1.3). Validation has upstream's texts, including the ReplicaSet's
//     "empty selector is invalid for deployment" and the immutable
//     ReplicaSet selector (RS-2); for the pod template see rule 11.
//  9. Pods controlled by another controller matter to a sync only through
//     the ranking of rule 4, and only when it deletes some but not all
//     its pods: a caller may leave them out of any sync that cannot own
//     more than it wants (its own pods and the orphans at most replicas).
//  10. Options.Memo lets a caller that syncs the same controller over
//     mostly unchanged pod objects (a store that keeps a new object per
//     write) skip reading them again; the plan is the same (see Memo).
//     A Tally goes further for a caller that sees every pod write: it
//     keeps a ReplicaSet's counts as pods change, and SyncCounted decides
//     from it, reading no pod, whenever nothing is to be adopted,
//     released or deleted and minReadySeconds is 0 — the plan
//     SyncReplicaSet would make, but for its Owned list. SyncOwned
//     decides every other sync of a namespace without orphans from the
//     pods the ReplicaSet controls alone: a deletion's ranking counts
//     the pods its Deployment's ReplicaSets select on each node (rule 4)
//     from their tallies, which are exact when each of them requires a
//     pod-template-hash of its own that only its pods carry (the caller
//     counts the pods per hash value); otherwise it declines and the
//     caller syncs from the namespace's pods.
//  11. Pod specs, in a controller's template (ValidatePodTemplate) and in
//     a pod created directly (ValidatePod), are checked as
//     pkg/apis/core/validation checks them (ValidatePodTemplateSpec,
//     ValidatePodCreate, ValidatePodSpec and the functions it calls), with
//     the options a v1.37.2 apiserver uses for a new object, and upstream's
//     paths, texts and order:
//     a. terminationGracePeriodSeconds is set (ValidatePodSpec); a pod's is
//     ≥ 0 (validatePodMetadataAndSpec).
//     b. Volumes (ValidateVolumes): a name that is a DNS label, unique;
//     exactly one source ("may not specify more than 1 volume type",
//     "must specify a volume type"); emptyDir sizeLimit ≥ 0 and mode ≤
//     01777; hostPath path set, without "..", a known type; secret and
//     configMap names set, modes ≤ 0777, valid user ids, items with key and
//     a relative path without ".."; a claim name for persistentVolumeClaim.
//     Only volumes without errors can be mounted.
//     c. Every container (validateContainerCommon): name a DNS label,
//     image and terminationMessagePolicy set; ports (validateContainerPorts:
//     name an IANA service name and unique, containerPort set and in
//     1–65535, hostPort in range, protocol TCP, UDP or SCTP); env
//     (ValidateEnv: names relaxed env var names, valueFrom with exactly one
//     source and no value — fieldRef through the downward API's field
//     labels, resourceFieldRef resources and divisors, configMapKeyRef and
//     secretKeyRef names and keys); envFrom (ValidateEnvFrom: prefix, one
//     of configMapRef and secretRef); volumeMounts (ValidateVolumeMounts:
//     naming a volume of the pod, a unique mountPath, relative subPath and
//     subPathExpr without "..", not both, mountPropagation Bidirectional
//     only when privileged, recursiveReadOnly only when readOnly and not
//     propagating, bind-mount options); imagePullPolicy; resources
//     (ValidateContainerResourceRequirements: cpu, memory,
//     ephemeral-storage, hugepages-<size> or extended names, quantities ≥
//     0 and whole for extended resources, requests not above limits — equal
//     for hugepages and extended resources, which need a limit —, hugepages
//     in whole pages and only with cpu or memory); resizePolicy.
//     d. App containers (validateContainers): at least one, names unique
//     among them, probes, the container restartPolicy and
//     restartPolicyRules; then every protocol/hostIP/hostPort at most once
//     across them (checkHostPortConflicts).
//     e. Init containers (validateInitContainers): restartPolicy (Always
//     makes a sidecar) and its rules; names unique across app and init
//     containers; host ports unique within each one; lifecycle and probes
//     only on sidecars; no RestartContainer resize policy otherwise.
//     f. Ephemeral containers (validateEphemeralContainers) are checked even
//     where refused: names unique across every kind, an existing
//     targetContainerName, only the allowed fields ("cannot be set for an
//     Ephemeral Container"), no subPath; a template may have none
//     ("ephemeral containers not allowed in pod template"), nor may a
//     create ("cannot be set on create").
//     g. With hostNetwork a hostPort equals its containerPort (in a
//     template it may also be 0) (validatePodHostNetworkDeps); restartPolicy
//     and dnsPolicy known; nodeSelector labels; serviceAccountName,
//     nodeName and priorityClassName DNS subdomains; activeDeadlineSeconds
//     in 1–2147483647; hostname and subdomain DNS labels; in a pod, images
//     without surrounding whitespace and no nodeName while schedulingGates
//     remain.
//     Resource limits and requests are checked in key order (MODEL:
//     upstream walks the maps in Go's random order).
//     Not checked yet (upstream refuses them, kubesem lets them through):
//     security contexts (pod and container, sysctls, seccomp, AppArmor,
//     privileged), affinity, tolerations, topology spread constraints, DNS
//     config (and dnsPolicy None without one), host aliases, readiness and
//     scheduling gates' names, lifecycle handlers and stop signals, volume
//     devices, resource claims and DRA, pod-level resources, overhead, the
//     OS field and OS-specific rules, hostUsers, shareProcessNamespace,
//     imagePullSecrets, runtimeClassName, preemptionPolicy, hostnameOverride,
//     schedulingGroup, the details of volume sources other than emptyDir,
//     hostPath, secret, configMap and persistentVolumeClaim (projected
//     service-account tokens, ephemeral PVC names, image volumes…),
//     fileKeyRef env sources, deprecatedServiceAccount, and the
//     pod-specific annotations (ValidatePodSpecificAnnotations); a pod's
//     update rules are the apiserver package's.
//  12. Status writes (ValidateReplicaSetStatusUpdate,
//     ValidateReplicationControllerStatusUpdate; apps and core validation,
//     Validate{ReplicaSet,ReplicationController}Status{,Update}): the
//     metadata update rules, then replicas, fullyLabeledReplicas,
//     readyReplicas, availableReplicas and observedGeneration ≥ 0,
//     terminatingReplicas ≥ 0 when set (ReplicaSet only), fullyLabeled,
//     ready and available replicas not above replicas, available not above
//     ready. Metadata, on create and update, also follows core's finalizer
//     rule: an unqualified finalizer must be kubernetes, orphan or
//     foregroundDeletion (validateKubeFinalizerName).
//  13. Feature gates (Options.Gates, kube-controller-manager's
//     --feature-gates; nil is v1.37.2's defaults, both gates below beta and
//     on, neither locked):
//     a. DeploymentReplicaSetTerminatingReplicas off: the sync neither
//     counts terminating pods nor reports them — status.terminatingReplicas
//     is nil (absent), and a count written while the gate was on is
//     cleared by the next write, nil differing from it
//     (pkg/controller/replicaset/replica_set.go syncReplicaSet lists
//     terminating pods only with the gate on; replica_set_utils.go
//     calculateStatus leaves the count nil otherwise). An RC never has the
//     field: its controller runs with EnableStatusTerminatingReplicas off.
//     b. PodDeletionCost off: the controller.kubernetes.io/pod-deletion-cost
//     annotation is ignored when ranking pods for deletion — step 4 of
//     pkg/controller/controller_utils.go ActivePodsWithRanks.Less is
//     skipped, so pods that differ only in cost fall through to the node
//     rank and the later steps of rule 4 (PodsToDeleteWith ranks alone
//     under given gates; DeletesBefore and PodsToDelete use the defaults).
//     Upstream's apiserver also stops refusing an invalid cost annotation
//     with the gate off (pkg/api/pod/util.go AllowInvalidPodDeletionCost);
//     kubesem's pod validation does not check that annotation either way
//     (rule 11).
//
// MODEL choices, where upstream depends on cache order, goroutines or
// randomness (docs/rules/replicaset.md §15): pods are considered in name order; creates run
// one after another, the caller deciding which fail; names and UIDs come
// from injected generators; "now" is an argument; a caller that applies
// each plan before the next sync never has pending expectations.
package workload
