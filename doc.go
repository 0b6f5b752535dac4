// Package kubesem is Kubernetes controller semantics as a plain Go
// library: the decisions kube-controller-manager, the kubelet's prober and
// kubectl make, written as pure, deterministic functions over the real API
// types (k8s.io/api, k8s.io/apimachinery), faithful to upstream Kubernetes
// v1.37.2.
//
// Use it to property-test controller behaviour without an apiserver, etcd,
// Docker or sleeps, to answer "what would the cluster do?" in a program,
// or to teach: every decision can be explained and replayed.
//
// # Packages
//
// Each package decides; none performs. A decision is a function of what it
// observes (and of the time, passed in as a value), its inputs are never
// mutated, and the same inputs give byte-identical outputs.
//
//   - labels: label keys, values and annotation keys validated with
//     apimachinery's texts; kubectl label and annotate (k=v, k-,
//     --overwrite); the -L and --show-labels views of kubectl get.
//
//   - selector: one compiled Selector from a LabelSelector, a
//     ReplicationController's map or a -l string; Matches, String,
//     Explain (why a pod is or is not selected), the template check, and
//     an Index that selects among many objects without scanning them.
//
//   - probe: the kubelet's startup/readiness/liveness state machine driven
//     by explicit times and results, probe defaults and validation,
//     restart policy and CrashLoopBackOff, pod phase and conditions, and
//     whether a pod is a ready endpoint of a Service; Simulate replays one
//     pod over virtual time.
//
//   - workload: the ReplicaSet and ReplicationController controllers — one
//     sync as a Plan of adoptions, releases, creates and ordered deletes,
//     then the status and when to look again; their defaults and
//     validation; pod readiness and availability; generated pod names.
//
//   - rollout: the Deployment controller — fenceposts, new and old
//     ReplicaSets, the pod-template-hash, revisions, and one Sync as a plan
//     (rolling update, Recreate, proportional scaling, cleanup, status and
//     progress), and kubectl's rollout verbs.
//
//   - namespace: namespace names and scope, the default namespace from a
//     kubeconfig, creation, deletion and Terminating, lifecycle admission
//     the namespace controller's emptying of a deleted namespace, and
//     ResourceQuota admission of pods.
//
//   - printers: kubectl's tables, watch rows and describe output, byte for
//     byte.
//
//   - apiserver: kube-apiserver's storage and rules for every built-in
//     kind — a generic registry with one strategy per kind, optimistic
//     concurrency, status and scale subresources, patches and server-side
//     apply, finalizers, watches from a resourceVersion — answering with
//     the apiserver's StatusErrors (docs/rules/apiserver.md).
//
//   - features: the v1.37.2 feature gates that change these decisions,
//     with upstream's defaults, passed to the packages as a value.
//
//   - cluster: the deterministic in-memory cluster that runs all of them
//     under a virtual clock, on the apiserver's storage — scheduler,
//     kubelets (init containers, sidecars, probes, restarts, kubelet
//     restarts), node lifecycle and taint eviction, pod and object garbage
//     collection, namespaces and quota — with users' controllers and
//     seeded faults in the same loop.
//
//   - kubectl: kubectl command lines (create, apply, get with its output
//     formats, describe, label, scale, set image, rollout, delete, taint,
//     …) run against a Cluster, with kubectl's output and errors.
//
//   - timeline: a session on a cluster written as a timeline — commands at
//     virtual times with their output — as the examples and the shell
//     print it.
//
//   - cmd/kubesem: the shell a learner types the course's commands into.
//
//   - clients (a module of its own, github.com/kubesem/kubesem/clients):
//     client-go's clientset, dynamic client and informers and
//     controller-runtime's client and Manager served by a Cluster, so
//     that users' own controllers run in its loop; clients/optest is the
//     property kit that drives them through random schedules and faults.
//
// Every rule the packages cite by id (P13.6, RS-9.1, API-3, …) is written
// out in docs/rules, each with the upstream file and function it follows.
//
// # Example
//
// The tutorial's ReplicaSet selects pods by matchExpressions; label a pod
// out of it the way kubectl would and ask why it is no longer selected:
//
//	rs, _ := selector.FromLabelSelector(&metav1.LabelSelector{
//		MatchExpressions: []metav1.LabelSelectorRequirement{{
//			Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"blue", "yellow"},
//		}},
//	})
//	edits, _ := labels.ParseLabelEdits([]string{"app=green"})
//	res, _ := labels.ApplyLabels(pod.Labels, edits, true /* --overwrite */)
//	fmt.Print(rs.Explain(res.Map))
//	// not selected by app in (blue,yellow)
//	//   FAIL app in (blue,yellow): label app is "green", not one of (blue,yellow)
//
// The walk-through of the tutorial's labels section runs with
//
//	go run ./examples/labels
package kubesem
