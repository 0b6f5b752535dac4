// Package probe decides what the kubelet decides about a container's
// health: when its startup, readiness and liveness probes run, what each
// result changes, when the container is killed and restarted,
// CrashLoopBackOff, the pod's phase and conditions, and whether the pod is
// a ready endpoint of a Service.
//
// Nothing here runs a probe or waits. A Machine holds one container's
// probe state and is driven by explicit times and results: NextAt names
// the next probe due, Probe records its outcome and returns what changed
// (cached result, started, ready, a kill), Start and Exit report container
// instances. Simulate runs a whole pod over virtual time with scripted
// outcomes, for transcripts and teaching; a Runner is the same kubelet
// model moved one action at a time (NextAt, Step, Status, Terminate), for
// a driver that runs many pods in one event queue; Runner.Clone is its
// look-ahead ("what would this kubelet do next?"), stepped without
// touching the original, as the cluster's Settle does.
//
// Usage, for the tutorial's liveness-exec container:
//
//	m, err := probe.New(&pod.Spec.Containers[0], pod.Spec.RestartPolicy, admitted, probe.Options{})
//	m.Start(admitted)
//	for {
//		at, kind, ok := m.NextAt() // 5s, 10s, … after the start
//		if !ok { break }
//		step, _ := m.Probe(at, kind, outcomeOfCatHealthy(at))
//		if step.Kill.Needed { // "Container liveness failed liveness probe, will be restarted"
//			// kill it, then m.Exit(killedAt) and, after Backoff.Decide, m.Start(...)
//		}
//	}
//
//	fmt.Print(m.Explain(now)) // "liveness probe (every 5 s, after 5 s, failureThreshold 3): result
//	                          // Success, 2 failures in a row; the next failure (the third in a row)
//	                          // kills the container (P9.1); next in 4s"
//	fmt.Print(runner.Explain(now)) // a pod: phase, conditions, and per container its state, why its
//	                               // last instance ended, its CrashLoopBackOff ("restart in 15s, after a
//	                               // 20 s back-off (10 s doubled)"), its restart policy and probes
//
// Explanations: Machine.Explain and Runner.Explain read the state the
// kubelet model keeps and change nothing; the Runner keeps, for them, the
// last probe kill and why the last instance exited (set when they happen,
// nothing per probe). BackoffWords names a CrashLoopBackOff delay ("40 s
// (10 s doubled twice)"). A property test checks the explanations against
// what the Runner then does: a restart said to come at a time comes then,
// a probe said to kill on the next failure kills.
//
// Rules (ids of the project's rules reference, docs/rules/probe.md):
//
//  1. Defaults: periodSeconds 10, timeoutSeconds 1, successThreshold 1,
//     failureThreshold 3, no initial delay (P1.1). Validation: one handler
//     exactly, numbers ≥ 0, probe terminationGracePeriodSeconds > 0 and not
//     on readiness, successThreshold 1 for liveness and startup (P1.3).
//
//  2. A probe's ticks are fixed by its worker's start (the pod's admission)
//     plus an optional offset, every periodSeconds, and are not re-phased by
//     restarts (P4.1). MODEL: upstream's start jitter is an explicit
//     Options.Offset, none by default (P4.2); readiness is re-phased only by
//     an explicit PokeReadiness (P4.3).
//
//  3. A tick probes only if the container is running and visible (MODEL:
//     strictly after its start instant), whole seconds since its start
//     (truncated) reach initialDelaySeconds, and the startup gate allows it:
//     startup probes until the container is started, the others only after
//     (P4.4, P6, P8). A startup success is seen by the others from the next
//     instant (P4.6). At one instant: startup, readiness, liveness.
//
//  4. Initial results of every container instance: readiness Failure,
//     liveness Success, startup Unknown (P5.1).
//
//  5. Results count in consecutive runs; the cached result changes only
//     when a run reaches its threshold; an errored execution is thrown away
//     and does not break a run; Warning counts as Success, Unknown as
//     Failure (P2.3, P2.4, P7).
//
//  6. A liveness Failure or a startup Failure at threshold kills the
//     container ("Container <name> failed liveness probe[, will be
//     restarted]") and holds that probe until a new instance; a startup
//     Success starts the container; readiness only makes it ready or not
//     (P6.14, P9, P10).
//
//  7. Run counts carry over to a new instance, except that a liveness or
//     startup threshold crossing resets them to 0 (P11.1).
//
//  8. After a probe kill the container restarts unless the policy (the
//     container's own restartPolicy, else the pod's) is Never — never from
//     the exit code (P9.2). An exited container restarts per ShouldRestart:
//     restartPolicyRules, then the container's policy, then the pod's
//     (P12.1). The kill's grace period is the deletion grace, else the
//     probe's, else the pod's (30 s), at least 2 s (P9.5).
//
//  9. CrashLoopBackOff: the first restart is immediate; then 10 s doubling
//     to 300 s, counted from the previous instance's finish; more than
//     600 s between updates starts over (P13). After a probe kill the
//     decision works from the instance before the killed one (P13.6).
//     restartCount is the instance number minus one (P13.8).
//
//  10. Phase, Ready, ContainersReady, Initialized and readiness gates are
//     derived as the kubelet derives them; a condition's lastTransitionTime
//     moves only when its status changes (P15, P16).
//
//  11. A Service balances only to ready pods: an endpoint is serving when
//     the pod is Ready and ready when also not terminating (P18).
//
//  12. Deletion: liveness and startup probes stop, readiness goes on;
//     nothing is started again; every running container gets SIGTERM and,
//     at the end of the grace period (at least 2 s), SIGKILL — sidecars
//     in their turn (rule 19); a second deletion may only shorten the
//     grace period. Once no container runs, the pod is Succeeded if every
//     regular container exited 0, else Failed (P6 step 7, P12.1, §17,
//     P15.2, RS-9.1).
//
//  13. Deletion and probe results (P6.15; prober_manager.go
//     StopLivenessAndStartup, worker.go doProbe): when the kubelet starts
//     terminating the pod, the running container's liveness and startup
//     results become Success — its workers stop and their results go —
//     so a container whose startup probe had not yet succeeded counts as
//     started from that instant, its readiness probe runs during the
//     termination, and without a readiness probe it is ready.
//
//  14. A cached result prints as upstream's results.Result.String:
//     "Success", "Failure", and "UNKNOWN" for anything else (P5.2).
//
//  15. Restart rules (P12.1, P12.4; api/v1/pod ContainerShouldRestart,
//     FindMatchingContainerRestartRule; kubelet/container
//     ShouldAllContainersRestart): with ContainerRestartRules on (v1.37.2
//     default), a container that sets its own restartPolicy is decided by
//     the first of its restartPolicyRules whose exit codes match (In /
//     NotIn; a rule without exit codes or with another operator never
//     matches): Restart restarts; RestartAllContainers restarts when
//     RestartAllContainersOnContainerExits is on (default) and otherwise
//     falls back; then its own policy; then the pod's. With
//     ContainerRestartRules off only the pod's policy counts, also after
//     a probe kill. RestartsAllContainers says whether an exit triggers
//     the pod-wide restart, which the Runner performs (P12.4;
//     kuberuntime_manager.go computePodActions ContainersToReset, kubelet.go
//     SyncPod, kubelet_pods.go convertToAPIContainerStatuses, status/generate.go
//     GenerateAllContainersRestartingCondition): the running containers are
//     killed one after the other, regular ones first, each with 2 s;
//     every container that had run then waits with reason
//     RestartingAllContainers, its last state a RestartingAllContainers
//     termination (exit code 137), its restart count one more; and the pod
//     starts again from its first init container, without back-off,
//     ResetRequeue (1 s, MODEL) later. A pod
//     any of whose containers has such a rule carries the
//     AllContainersRestarting condition: True (RestartAllContainersStarted,
//     "container exited with restart policy rule") while the kills go on,
//     else False (PodCompleted, PodFailed once terminal).
//
//  16. CrashLoopBackOff timing (P13.9–P13.11; kubelet.go
//     newCrashLoopBackOff and its HasExpiredFunc, kubelet_pods.go
//     HandlePodCleanups, client-go flowcontrol.Backoff.GC, pod_workers.go
//     completeWork): the first delay and cap are 10 s and 300 s, 1 s and
//     60 s with ReduceDefaultCrashLoopBackOffDecay, the cap being the
//     kubelet's maxContainerRestartPeriod (default 300 s) with
//     KubeletCrashLoopBackOffMax (default on). The housekeeping, every
//     2 s from the kubelet's start, drops an entry not updated for more
//     than 600 s; a decision uses the entry as the last housekeeping left
//     it. A sync that finds a container in back-off is followed by
//     another at the earliest back-off expiry but at most ResyncInterval
//     (the kubelet's syncFrequency, 1 min) later, and every pod sync — a
//     container's exit or start, a changed startup or readiness result, a
//     liveness Failure, that requeue — decides each waiting container
//     again (one BackOff event each time it is still backing off). So a
//     container whose entry the housekeeping dropped while it waited
//     restarts at the next sync, not when the old back-off would have
//     ended. MODEL: no requeue jitter, no 1 s sync-loop tick.
//
//  17. Readiness gates (P16.7; status/generate.go
//     GeneratePodReadyCondition, status_manager.go mergePodStatus): a pod
//     with readinessGates is Ready only when its containers are and each
//     gate's condition is True, else Ready is False with reason
//     ReadinessGatesNotReady and upstream's messages ("corresponding
//     condition of pod readiness gate "x" does not exist.", "the
//     status of pod readiness gate "x" is not "True", but False").
//     The kubelet writes only its own conditions (KubeletOwnsCondition)
//     and keeps every other as the API has it; Runner.SetConditions hands
//     it the API's.
//
//  18. Feature gates: the kubelet's decisions above take a
//     features.Gates (Scenario.Gates, Options.Gates, ShouldRestartWith,
//     PhaseWith, CrashLoopBackOff); nil is v1.37.2's defaults.
//
//  19. Init containers and sidecars (P19; kuberuntime_container.go
//     computeInitContainerActions, kuberuntime_manager.go
//     computePodActions, kuberuntime_termination_order.go,
//     status_manager.go TerminatePod):
//     (P19.1) Init containers start one at a time in spec order, the first at
//     the admission; the regular containers start together once the last
//     init container is initialized. Until then every container not yet
//     run waits with reason PodInitializing (ContainerCreating in a pod
//     without init containers).
//     (P19.2) A regular init container is initialized when it exits 0 (its
//     ready field is then true); a sidecar (restartPolicy Always) when it
//     is started — running, and its startup probe, if any, succeeded. The
//     next container starts in the sync that sees it, once: a sidecar
//     started again after a restart starts nothing.
//     (P19.3) A regular init container that exits non-zero is started again
//     (through the back-off) when ShouldRestartWith says so — under
//     ContainerRestartRules off, unless the pod's policy is Never —
//     else the pod fails.
//     (P19.4) Sidecars run beside the regular containers with their three
//     probes; an exit or a liveness or startup failure restarts them
//     whatever the pod's policy (P9.4, P12.2); their readiness counts for
//     ContainersReady and Ready (P16.1).
//     (P19.5) The kubelet kills a pod it was not asked to delete when a regular
//     init container failed for good, or, initialization done, no regular
//     container runs, starts or waits to restart: the sidecars are
//     stopped with the pod's terminationGracePeriodSeconds, nothing starts
//     again, and once nothing runs the sandbox is gone
//     (PodReadyToStartContainers False) and the phase is terminal
//     (Runner.Killed).
//     (P19.6) Stopping a pod (a deletion or such a kill) signals the regular
//     and regular init containers at once; each sidecar waits until no
//     regular container and no later sidecar runs, at most the grace
//     period, and then gets what remains of it — the whole seconds it
//     waited taken off — but at least 2 s. A sidecar's liveness and
//     startup probes are not stopped by the deletion; a failure kills
//     nothing while the pod stops.
//
//  20. Kubelet restart (P5.4): Machine.Adopt starts the probe state of a
//     container that was already running when the kubelet started, and
//     AdoptRunner a whole pod from the status the kubelet had written:
//     nothing running is restarted; probes count from zero; a container
//     that ran since more than KubeletRestartGracePeriod before keeps its
//     started and (if the pod was Ready) ready fields until its probes
//     reach a threshold; back-offs are forgotten, so what waited in
//     CrashLoopBackOff starts at once.
//
// Where upstream depends on timing (goroutines, jitter, sync latency) the
// package makes the deterministic choice the rules recommend and
// its doc comment says MODEL.
package probe
