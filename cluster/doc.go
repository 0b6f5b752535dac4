// Package cluster is a deterministic in-memory Kubernetes cluster: the
// apiserver package's store (every built-in kind, one resourceVersion), a
// virtual clock and event queue, and every controller kubesem models, run
// in the calling goroutine. It is what users import to
// property-test controller behaviour without an apiserver, etcd, Docker or
// sleeps, and what teaching tools embed to replay a tutorial.
//
// Usage:
//
//	c, _ := cluster.New(cluster.Options{Seed: 1}) // master, worker1, worker2
//	_, err := c.CreateManifest(deploymentYAML, "default")
//	_ = c.Settle(time.Hour)                       // until nothing changes
//	_, _ = c.SetImage("default", "http-go", map[string]string{"http-go": "gasbugs/http-go:v2"}, "")
//	_ = c.Advance(30 * time.Second)                // virtual time
//	pods, _ := c.Pods("default", "app=http-go")
//	_ = c.StopNode("worker2")                      // faults
//	c.AddInvariant("mine", func(c *cluster.Cluster) error { ... })
//	e, _ := c.Explain("deployment", "default", "http-go") // why: the controllers' next decisions, in words
//	e, _ = c.ExplainScaled("rs", "default", "web-5d5f4fd596", 1) // which pods a scale to 1 would delete, and why
//
// Explanations: Explain says why the controllers decide what they decide
// about a Deployment (rollout.ExplainSync on what its next sync reads), a
// ReplicaSet or RC (workload's explanation of its next sync), a pod (the
// scheduler's verdict node by node — ExplainSchedule, the filters of rule
// 4 in words and the fewest-pods choice —, its kubelet's probe.Runner
// explained, the taint manager's eviction — ExplainEviction, RS-10.6 —
// with the time it scheduled) or a node (its taints, load and pods), and
// lists the object's recent events, the decisions already taken.
// Everything is computed when asked, from the store and the books the
// controllers keep anyway: the cluster records nothing for explanations
// and its loop pays nothing for them. A decision already taken is not
// explained after the fact (its inputs are gone); ExplainScaled explains
// a scale before it is made.
//
// A user's controller joins the loop (the clients module registers
// controller-runtime Reconcilers this way and serves API to client-go):
//
//	_ = c.AddController(cluster.Controller{Name: "mine",
//		Watches:   []cluster.Watch{{Resource: "configmaps"}},
//		Reconcile: func(ctx context.Context, req types.NamespacedName) (cluster.Result, error) {
//			o, err := c.API().Get(ctx, cmGVR, req.Namespace, req.Name, metav1.GetOptions{}, "")
//			...
//		}})
//	_ = c.InjectFault(cluster.Fault{Controller: "mine", Verbs: []string{"update"}, Times: 2}) // 409s
//
// Package kubectl runs kubectl command lines against a Cluster, and
// package printers prints its objects as kubectl does.
//
// Rules (the ids name rules of the project's rules reference,
// docs/rules — README.md there says which file holds which; the
// apiserver's are in docs/rules/apiserver.md):
//
//  1. The store keeps upstream's metadata: a UID and creation time on
//     create, one resourceVersion counter for every write, generation 1 on
//     create and +1 on a spec change or a deletionTimestamp set through a
//     finalizer (RS-11.3). Names are unique per kind and namespace (RS-13.1).
//     The store is the apiserver package's: the kinds the controllers model
//     (pods, ReplicaSets, RCs, Deployments, Services, ResourceQuotas,
//     namespaces, nodes) are written by them as their decisions land; every
//     other built-in kind (ConfigMaps, Secrets, StatefulSets, Jobs, …) is
//     created, updated, patched and deleted through the apiserver's
//     registry with its strategies and errors (docs/rules/apiserver.md),
//     is emptied from a deleted namespace by the namespace controller, and
//     is collected by the garbage collector through owner references
//     between any kinds.
//  2. A create goes through namespace lifecycle admission (RS-12.4),
//     generateName, the apiserver's defaults and validation with upstream's
//     texts, the default tolerations (RS-10.5), ResourceQuota admission and
//     the uniqueness check; on error nothing is stored. A manifest is
//     created all or nothing. A new pod's status is phase Pending and its
//     QoS class, whatever the client sent (podStrategy.PrepareForCreate).
//  3. After every change the controllers run to a fixed point at the same
//     virtual instant: Deployment (rollout.Sync), ReplicaSet and RC
//     (workload.Sync*), garbage collector (RS-11.2: background, foreground,
//     orphan), namespace (RS-12.5, after 5 s), resource quota and the
//     scheduler. A failed sync is retried after 5 ms doubling (the
//     workqueue's rate limit).
//  4. Scheduler (Schedule, KubeletAdmit): a pending pod is put through
//     the default profile's filters that kubesem models, in the profile's
//     order, a node rejected by the first that refuses it
//     (pkg/scheduler/framework/runtime: RunFilterPlugins):
//     NodeUnschedulable — a cordoned node only for a pod tolerating
//     node.kubernetes.io/unschedulable ("node(s) were unschedulable");
//     TaintToleration — every NoSchedule and NoExecute taint tolerated (a
//     node that is not Ready carries them, rule 6; "node(s) had
//     untolerated taint(s)"); NodeAffinity — the nodeSelector and the
//     required node affinity, its terms ORed and each term's
//     matchExpressions (In, NotIn, Exists, DoesNotExist, Gt, Lt) and
//     matchFields (metadata.name) ANDed, matched by
//     k8s.io/component-helpers nodeaffinity ("node(s) didn't match Pod's
//     node affinity/selector"); NodeResourcesFit — one more pod within
//     allocatable pods ("Too many pods"), then, unless the pod requests
//     nothing, cpu, memory, ephemeral storage and every extended resource
//     or hugepage it requests within what the pods bound there leave
//     ("Insufficient cpu", one reason per resource short; a resource the
//     node does not list is 0), the pod's requests as
//     component-helpers' resource.PodRequests counts them
//     (noderesources/fit.go: fitsRequest). When every required term
//     names nodes with metadata.name In, only those nodes are filtered
//     and the others count as "node(s) didn't satisfy plugin(s)
//     [NodeAffinity]"; when the names cancel out no node is, with "pod
//     affinity terms conflict" (nodeaffinity/node_affinity.go:
//     PreFilter). The fitting node with fewest pods wins, ties by name.
//     A pod that fits nowhere stays Pending with PodScheduled=False,
//     reason Unschedulable, and a FailedScheduling event from
//     default-scheduler, both with FitError.Error's text
//     (pkg/scheduler/framework/types.go, schedule_one.go:
//     handleSchedulingFailure): "0/N nodes are available: " and the
//     PreFilter's message or each reason with its count of nodes, the
//     strings sorted, then the default preemption plugin's PostFilter
//     message (defaultpreemption PostFilter, preemption.Evaluator): for a
//     pod with preemptionPolicy Never "preemption: not eligible due to
//     preemptionPolicy=Never.", else "preemption: 0/N nodes are
//     available: " with "No preemption victims found for incoming pod"
//     for each node refused only for resources it could hold when empty
//     and "Preemption is not helpful for scheduling" for the rest (a pod
//     asking more than a node's whole allocatable, or refused by any
//     other filter); "no nodes available to schedule pods" with no node.
//     A pod created with spec.nodeName set is never scheduled: the kubelet
//     of that node takes it when the node is one of the cluster's and is
//     up (a Node object no kubelet runs leaves it Pending). A node that
//     does not exist has no kubelet: the pod stays Pending, with no event,
//     until the pod garbage collector's gcOrphaned (pkg/controller/podgc,
//     gc_controller.go) quarantines the missing node on its first pass
//     after the pod's creation and, 40 s later, marks the pod Failed with
//     DisruptionTarget DeletionByPodGC "PodGC: node no longer exists" and
//     deletes it, unless the node exists by then (rule 6, RS-10.8). The
//     kubelet admits every pod it receives,
//     scheduled or not, as pkg/kubelet/lifecycle/predicate.go's Admit
//     does, against the other pods bound there: a kubernetes.io/os label
//     or spec.os other than linux is refused
//     (PodOSSelectorNodeLabelDoesNotMatch, PodOSNotSupported), then the
//     first failure among the resources (OutOfpods, OutOfcpu,
//     OutOfmemory, ...: "Node didn't have enough resource: cpu,
//     requested: 3000, used: 0, capacity: 2000"), the node affinity
//     ("Predicate NodeAffinity failed: node(s) didn't match Pod's node
//     affinity/selector") and the NoExecute taints ("Predicate
//     TaintToleration failed: node(s) had taints that the pod didn't
//     tolerate"). A rejected pod gets phase Failed, that reason, the
//     message "Pod was rejected: <message>", and a Warning event from the
//     kubelet with the reason and message (kubelet.go: rejectPod).
//  5. Kubelet: a bound pod gets an IP at once; its containers start after
//     Options.StartDelay (2 s) and are run by probe.Runner (probes,
//     restarts, CrashLoopBackOff; init containers one after the other and
//     sidecars beside the app, as probe rule 19 says — a regular init
//     container whose program is not known completes at once; a pod the
//     kubelet kills, its init container failed for good or its
//     containers all done, keeps its terminal phase). Its status writes
//     carry the conditions the kubelet owns, PodScheduled among them, its
//     own as pkg/kubelet/kubelet_pods.go generateAPIPodStatus appends it
//     (True, no reason, observedGeneration the pod's generation) — over
//     the binding's for a pod the scheduler bound, whose lastTransitionTime
//     it keeps; a pod created with spec.nodeName gets that of its first
//     status write (status_manager.go updateLastTransitionTime). When a
//     stopped node starts again its kubelet runs no Succeeded or Failed
//     pod, a pod it rejected included (kubelet.go HandlePodAdditions
//     admits no terminal pod and pod_workers.go UpdatePod only tears it
//     down); a pod bound to it while it was down goes through admission
//     (rule 4); the others restart. What a container does comes from
//     ScriptContainer, Program (by image), or its own shell one-liner
//     (touch/rm/sleep and exec probes on files), else it runs and is
//     healthy. A deleted pod is Terminating until the kubelet, 1 s later,
//     has stopped its containers within the grace period (RS-9.1).
//     RestartKubelet restarts a running node's kubelet: its pods'
//     containers keep running and the new kubelet adopts them
//     (probe.AdoptRunner, P5.4), with no back-off entries.
//  6. Nodes: a stopped node posts no heartbeat; the node lifecycle
//     controller, checking every 5 s from the cluster's start, marks it
//     Unknown on the first check more than 50 s after its last lease
//     renewal (every 10 s) and sets its pods' Ready=False (RS-10.2). On
//     every node write it keeps the NoSchedule taints the node's conditions
//     and spec.unschedulable call for (unreachable, not-ready, the
//     pressures, unschedulable for a cordoned node; each with timeAdded),
//     and removes them when the cause clears (RS-10.3); rate-limited per
//     zone it adds unreachable:NoExecute (RS-10.4). The taint manager
//     evicts a pod at the smallest tolerationSeconds of the tolerations it
//     uses (300 s by default, RS-10.5) and looks again when a pod's
//     tolerations change, keeping the time of an eviction it scheduled
//     earlier (RS-10.6), and cancelling it, with its event, when the pod
//     is deleted first; evicted pods stay Terminating until the node is
//     back.
//     With every zone down nothing is evicted (RS-10.4). A started node is
//     Ready at once, its taints go, pending evictions are cancelled and
//     evicted pods vanish (RS-10.9). A deleted Node's pods are
//     force-deleted by the pod garbage collector (phase Failed,
//     DisruptionTarget DeletionByPodGC, then gone), whose passes run every
//     20 s from the cluster's start: the first pass after the deletion
//     quarantines the node, the pass 40 s later deletes its pods unless
//     the node exists again (RS-10.8).
//     6a. Taint manager, node writes (pkg/controller/tainteviction,
//     taint_eviction.go: NodeUpdated, handleNodeUpdate, processPodOnNode):
//     any write that changes a node's NoExecute taints — the lifecycle
//     controller's, a user's TaintNode/UntaintNode, a client's update or
//     patch, `kubectl taint` — makes the taint manager look again at every
//     pod bound to the node against the NoExecute taints it now carries:
//     a pod that does not tolerate one of them is evicted now (any
//     eviction it had is cancelled first); one tolerating all of them
//     forever has its eviction cancelled; the others are evicted at the
//     smallest tolerationSeconds of the tolerations used (≤ 0 is now),
//     counted from the first decision still pending (a changed taint
//     neither postpones nor advances it unless it comes due earlier).
//     With no NoExecute taint left every pending eviction on the node is
//     cancelled, each with "Cancelling deletion of Pod ns/name".
//     TaintNode validates as the apiserver's validateNodeTaints.
//     6b. Zone disruption (node_lifecycle_controller.go: monitorNodeHealth,
//     handleDisruption, ComputeZoneState, setLimiterInZone,
//     markNodeForTainting, markNodeAsReachable; scheduler
//     RateLimitedTimedQueue): the monitor runs a pass on its 5 s grid
//     after any node write (and at a silent kubelet's deadline): every
//     node's health first (rule 6c), its NoExecute decision (Ready False
//     → not-ready, Unknown → unreachable: swapped at once for the other
//     kind if the node has it, else queued in its zone's queue; Ready
//     True → both removed and the node dequeued), then the zones are
//     judged together from the pass's Ready conditions (nodes labelled
//     node.kubernetes.io/exclude-disruption left out; zone = ZoneKey):
//     FullDisruption when none is ready, PartialDisruption when more than
//     two and at least 0.55 (float32) are not, else Normal (ZoneStates).
//     A zone's queue taints one node per token of a burst-1 bucket: 10 s
//     in Normal and FullDisruption, 100 s in PartialDisruption above 50
//     nodes, never at 50 or fewer. Every zone in FullDisruption: every
//     node loses its not-ready/unreachable NoExecute taints and nothing
//     is tainted; leaving it restarts every silent node's grace period
//     and sets each zone's bucket anew (a new rate starts full, empty
//     when the old one had no token: the first taint one interval
//     later). Upstream only logs zone changes: no event is recorded.
//     6c. Node status is the kubelet's (tryUpdateNodeHealth; kubelet
//     nodestatus setters): SetNodeCondition posts Ready, MemoryPressure,
//     DiskPressure, PIDPressure or NetworkUnavailable with the kubelet's
//     reason, message and event ("Node w status is now:
//     NodeHasInsufficientMemory"); the NoSchedule taints of rule 6 follow
//     at once (node.kubernetes.io/memory-pressure:NoSchedule, …), the
//     NoExecute ones on the next pass (rule 6b). A kubelet silent past its
//     grace (50 s after its last lease renewal; 60 s after creation for a
//     node that never posted, AddNodeWithoutStatus) has Ready,
//     MemoryPressure, DiskPressure and PIDPressure set Unknown —
//     "NodeStatusUnknown"/"Kubelet stopped posting node status." for a
//     condition it had, "NodeStatusNeverUpdated"/"Kubelet never posted
//     node status." (heartbeat = creation) for one it never posted —
//     written only when Ready changes; "NodeNotReady" (node-controller)
//     and the pods' Ready=False only when Ready was True.
//     6d. Pod GC's other duties (pkg/controller/podgc/gc_controller.go: gc,
//     gcTerminated, gcTerminating, gcUnscheduledTerminating), on the 20 s
//     grid when a write gave them work: terminated pods (phase not
//     Pending, Running or Unknown) beyond Options.TerminatedPodGCThreshold
//     (12,500; negative: off) deleted, evicted first then oldest
//     (creationTimestamp, then name); pods being deleted on a node that
//     is not Ready and carries node.kubernetes.io/out-of-service, and pods
//     being deleted that were never scheduled, force-deleted: phase Failed
//     unless terminal, then DELETE with grace 0 (PodGCVictims is the
//     choice).
//  7. Services get a ClusterIP from 10.96.0.0/12; Endpoints lists the pods
//     the selector matches that have an IP, ready when the pod is ready
//     and not terminating.
//  8. Everything random (pod name suffixes, UIDs, ClusterIPs) comes from
//     Options.Seed: two clusters with the same seed and the same calls
//     produce the same objects, events and output (docs/rules/replicaset.md §15).
//  9. Settle returns at the instant of the last change: when nothing but
//     background work is pending (periodic probes, requeues) and, looking
//     ahead without running anything, none of it would write within
//     Options.SettleQuiet — nor would any pending deadline (a progress
//     deadline, a minReadySeconds check), however far ahead (unless
//     Options.SettleIgnoresDeadlines). Foreground
//     work (a container start, a retry, a node-monitor pass, an eviction,
//     After) is waited for, even when it then changes nothing; a user
//     controller's requeue within SettleQuiet of the last write is run.
//     RunUntil and Settle stop at their limit with an error wrapping
//     ErrNotSettled that names what is still to happen.
//  10. After schedules a user's action at a later virtual time, as if
//     typed in another terminal while the clock runs (a watch, a waiting
//     delete, Advance): it runs when its instant's timers fire, before the
//     controllers react; its error stops the run in progress.
//  11. Events: Events and EventsFor are the log of every event a component
//     recorded; EventList is the Event objects the apiserver holds, listed
//     by namespace and name: the log passed through client-go's event
//     correlation (internal/events: repeats counted, the tenth and later
//     similar events in ten minutes combined, more than a burst of 25
//     about one object from one source dropped), named
//     "<object>.<hex nanoseconds>", in the object's namespace or
//     "default", each gone an hour after its last write (EventTTL); an
//     event is refused while its namespace is Terminating, and a
//     namespace's events go with it.
//  12. API is the apiserver as clients reach it (docs/rules/clients.md
//     CL-1 to CL-3; the clients module serves
//     it to client-go and controller-runtime): every request goes through
//     the registry's rules for its resource (docs/rules/apiserver.md) and
//     the cluster's admission — a new pod gets the default tolerations
//     and is charged to its namespace's quotas (429/403 texts of
//     ResourceQuota admission), a Service gets its defaults, validation
//     and a ClusterIP, which an update that leaves it out keeps; pods'
//     eviction subresource is Evict (PodDisruptionBudget checks with
//     upstream's texts). Every request is logged (Requests: who, verb,
//     resource, object, code, error); a request made outside the loop
//     runs the controllers to a fixed point before it returns, one made by
//     a reconcile does not. Faults (InjectFault) fail matching requests —
//     by controller, verb, resource, subresource, namespace — the next
//     Times of them, each with a Probability drawn from a generator seeded
//     by Options.Seed: a write's default is the apiserver's 409 Conflict
//     text, a read's a 500. CrashContainer, Evict, StopNode and
//     RestartController are the other faults.
//  13. Users' controllers (AddController; CL-4 to CL-7) run in the loop beside the
//     built-in ones, at the same virtual instant: when the built-in
//     controllers have no work, each user controller with a request ready
//     reconciles one, and the pass repeats. Their informers list what they
//     watch at registration and on RestartController, then see every
//     committed change (Added, Modified with the old object, Deleted), in
//     order. The queue is a workqueue's: a request waits once; RequeueAfter
//     forgets the failures and looks again after that virtual time
//     (background for Settle); an error is retried after the rate
//     limiter's delay (DefaultRateLimiter: 5 ms doubling to 1000 s per
//     request, and a bucket of 10 per second with a burst of 100), unless
//     Terminal says it is final; a panic is the error "panic: … [recovered]"
//     with its request and stack (ReconcileErrors), retried like any.
//     StaleReads makes a controller's reads lag the store by that many
//     writes (lists at an exact resourceVersion) and delivers its events
//     as its cache catches up, fully whenever the cluster is otherwise
//     idle. A reconcile that fails forever stops Settle with an error
//     naming the controller, the request and its last error; one that
//     writes on every call stops the loop at Options.MaxRounds with the
//     controller and request named. So does a loop through timers due at
//     the same instant — a ReplicaSet whose pods are named onto a node
//     whose NoExecute taint they do not tolerate, evicted and replaced at
//     once, upstream's hot loop — after MaxRounds rounds, with the last
//     events named; a kubelet's rejection at admission is written
//     KubeletDelay after the pod reaches it, so a controller replacing
//     rejected pods advances with the clock.
//
// MODEL choices: controllers react within the same instant (upstream:
// milliseconds); the monitor's tainting queues run at the pass's instant
// and when a token is due (upstream: every 100 ms), nodes of one pass
// queued in name order (upstream: its workers' order); a pass over
// healthy nodes in Normal zones is applied at the write (it decides
// nothing else); a pod kept by finalizers only gets phase Failed from
// the pod GC; a pod create's quota usage is written after the pod
// (upstream: before); admission runs after the strategy's validation; kubectl apply replaces spec, labels and annotations
// instead of a three-way merge; the kubelet acts on a deletion after 1 s.
// Not modelled: ResourceQuota scopes, preemption (every pod has the same
// priority, so there is never a victim), the scheduler's scoring, preferred
// and inter-pod affinity, topology spread, host ports, DaemonSets,
// Jobs, system pods.
package cluster
