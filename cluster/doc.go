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
// Rules (the RS-, DEP- and PR- ids name rules of the project's rules
// reference, still being gathered in docs/rules; the apiserver's are in
// docs/rules/apiserver.md):
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
//  4. Scheduler: a node fits when it is not cordoned (or the pod tolerates
//     node.kubernetes.io/unschedulable), its NoSchedule/NoExecute taints
//     are tolerated (a node that is not Ready carries them, rule 6) and
//     the pod's cpu/memory requests and one more pod fit its allocatable;
//     the fitting node with fewest pods wins, ties by name; a pod that
//     fits nowhere stays Pending with PodScheduled=False (a simplification
//     of kube-scheduler).
//  5. Kubelet: a bound pod gets an IP at once; its containers start after
//     Options.StartDelay (2 s) and are run by probe.Runner (probes,
//     restarts, CrashLoopBackOff). What a container does comes from
//     ScriptContainer, Program (by image), or its own shell one-liner
//     (touch/rm/sleep and exec probes on files), else it runs and is
//     healthy. A deleted pod is Terminating until the kubelet, 1 s later,
//     has stopped its containers within the grace period (RS-9.1).
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
//  7. Services get a ClusterIP from 10.96.0.0/12; Endpoints lists the pods
//     the selector matches that have an IP, ready when the pod is ready
//     and not terminating.
//  8. Everything random (pod name suffixes, UIDs, ClusterIPs) comes from
//     Options.Seed: two clusters with the same seed and the same calls
//     produce the same objects, events and output (spec §15).
//  9. Settle returns when only periodic probes are left and nothing was
//     written for Options.SettleQuiet; RunUntil and Settle stop at their
//     limit with an error wrapping ErrNotSettled.
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
//     controller and request named.
//
// MODEL choices: controllers react within the same instant (upstream:
// milliseconds); a pod create's quota usage is written after the pod
// (upstream: before); admission runs after the strategy's validation; kubectl apply replaces spec, labels and annotations
// instead of a three-way merge; the kubelet acts on a deletion after 1 s.
// Not modelled: ResourceQuota scopes, preemption, affinity, DaemonSets,
// Jobs, system pods.
package cluster
