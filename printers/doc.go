// Package printers prints the tables of `kubectl get` exactly as kubectl
// v1.37 prints them: pods, ReplicaSets, ReplicationControllers,
// Deployments, namespaces, nodes, Services and events, ConfigMaps,
// Secrets, ServiceAccounts, StatefulSets, ResourceQuotas, Jobs, CronJobs,
// DaemonSets, ControllerRevisions, PersistentVolumeClaims,
// PersistentVolumes, StorageClasses, Endpoints, EndpointSlices,
// Ingresses, IngressClasses, NetworkPolicies, HorizontalPodAutoscalers,
// PodDisruptionBudgets, RoleBindings, ClusterRoleBindings,
// PriorityClasses and Leases (and any other kind in the apiserver's
// default table), with -o wide, --show-labels, -L, -A and --no-headers.
//
// Each function is pure: the time is an argument (AGE is measured from
// now), the same objects give the same bytes, the objects are never
// changed, and no object, however odd, makes it panic. Objects are
// printed as given, in the order given: sort them as the server lists
// them (by namespace, then name) and apply the API server's defaults
// first if they have not been through them.
//
// Usage, for `kubectl get pods -o wide --show-labels`:
//
//	out := printers.Pods(pods, now, printers.Options{Wide: true, ShowLabels: true})
//	if out == "" {
//		fmt.Fprintln(os.Stderr, printers.NoResources("default", true))
//	}
//	fmt.Print(out)
//
// Watch prints `kubectl get -w`: NewWatch, then List for the objects as
// they are and Event for each change (rule 14).
//
// PodStatus, PodReady and PodRestarts give single cells of the pod table,
// for programs that wait for "Running" or explain a "CrashLoopBackOff".
//
// Rules (ids of the project's rules reference, docs/rules/replicaset.md and deployment.md; the printing functions are
// upstream's pkg/printers/internalversion, the table layout cli-runtime's
// HumanReadablePrinter):
//
//  1. Columns per kind, and the -o wide extras, are listed on each
//     function (RS-14.5). Headers are the column names in upper case.
//  2. An empty list prints nothing at all, not even the header: kubectl
//     writes NoResources to stderr instead ("No resources found in <ns>
//     namespace." for one namespace, "No resources found" for
//     cluster-scoped kinds and with -A) (RS-14.5).
//  3. -A adds a NAMESPACE first column for namespaced kinds only
//     (RS-14.1). -L adds one column per key, headed by the part of the key
//     after its last "/" in upper case, holding the label's value or
//     nothing; --show-labels adds LABELS last, "k=v" pairs sorted and
//     comma-joined, or "<none>" (RS-14.5). Both come from package labels.
//  4. AGE is apimachinery's HumanDuration of now minus the creation time
//     (RS-14.5): "0s"–"119s", "2m"–"9m59s" ("Xm" when the seconds are 0),
//     "10m"–"179m", "3h"–"7h59m", "8h"–"47h", "2d"–"7d23h", "8d"–"729d",
//     "2y"–"7y364d", then "8y"…; a time less than two seconds ahead is
//     "0s", further ahead "<invalid>", an unset time "<unknown>".
//  5. MODEL: the apiserver keeps metav1.Time to the second and
//     metav1.MicroTime to the microsecond, so times are cut to that before
//     subtracting; now is used as given.
//  6. Pod STATUS: see PodStatus. Phase or status.reason, SchedulingGated,
//     Init:…, the first container's waiting or terminated reason, the
//     Completed fix-ups, and Terminating (or Unknown for NodeLost) once a
//     deletionTimestamp is set on a pod not yet Succeeded or Failed
//     (RS-14.5).
//  7. Pod READY counts ready running containers and started ready
//     sidecars over containers plus sidecars; RESTARTS sums restart counts
//     and adds " (<age> ago)" of the latest previous termination (RS-14.5).
//  8. Pod -o wide: IP (status.podIP, else podIPs[0]), NODE, NOMINATED
//     NODE, and READINESS GATES as "<true>/<gates>"; each "<none>" when
//     empty.
//  9. ReplicaSet and ReplicationController DESIRED is spec.replicas,
//     Deployment READY is readyReplicas/spec.replicas; a nil spec.replicas
//     prints 0, as in the printer's internal types (the apiserver would
//     have defaulted it to 1). CONTAINERS and IMAGES are comma-joined in
//     spec order (RS-14.5).
//  10. SELECTOR: a ReplicaSet's is metav1.FormatLabelSelector ("<none>"
//     when empty), a Deployment's the selector's String ("" when empty,
//     "<invalid>" when it does not parse), a ReplicationController's and a
//     Service's labels.FormatLabels of the map (RS-14.6).
//  11. Node STATUS is Ready, NotReady (the Ready condition is False or
//     Unknown) or Unknown (no Ready condition), then ",SchedulingDisabled"
//     for a cordoned node (RS-14.5).
//  12. Layout: cells are tab-separated and aligned by package
//     internal/table with kubectl's tabwriter (github.com/liggitt/tabwriter
//     with RememberWidths; at least 6 wide, 3 spaces between columns). As
//     kubectl does, every column but the last is first made as wide in
//     bytes as its widest cell by padding the header (with --no-headers,
//     the first row), which matters only for cells with multi-byte
//     characters.
//  13. Cells are what kubectl receives in the server's JSON Table: bytes
//     that are not UTF-8 become U+FFFD. A cell is cut at its first line
//     break (\n, \r, \f), followed by "...", and ESC is shown as "^[".
//  14. Watch (`kubectl get -w`): the list, then each watch event as a
//     table of one row through the same tabwriter, flushed at once. The
//     header comes with the first row printed and never again (an empty
//     list prints nothing); each flush aligns its own rows, but a column
//     never gets narrower than the widest cell it has had, so later rows
//     line up with the first table until a wider cell widens the column
//     for good. --output-watch-events adds a first EVENT column: ADDED,
//     MODIFIED or DELETED, padded with spaces to eight characters.
//  15. Describe (`kubectl describe rs`): kubectl's describer layout —
//     "Field:<tab>value" lines indented two spaces a level into one
//     tabwriter (padding 2), labels and annotations one per line in key
//     order (the last-applied annotation left out, long or multi-line
//     values folded under the key and cut at 138 characters), the pod
//     template's containers with ports, host ports, command, resources,
//     probes, environment and mounts, its volumes, spread constraints,
//     node selector and tolerations; then the Events section, a column
//     block of its own, oldest first by lastTimestamp (kubectl's
//     unstable sort, so equal times come out as kubectl's do), each age a
//     human duration with "(xN over <age>)" for repeats. DescribePod and
//     DescribeDeployment render `kubectl describe pod` and `kubectl
//     describe deployment` as kubectl's PodDescriber and
//     DeploymentDescriber do (containers with their status, conditions,
//     QoS class — the status one, else kubectl's own per-container
//     computation —, a Deployment's replicas line, strategy, conditions
//     and old and new ReplicaSets); a pod's field-reference variables
//     show a value only for metadata.name and metadata.namespace, as
//     kubectl's do; unmodelled volume types are errors.
//     DescribeNamespace, DescribeService and DescribeNode render `kubectl
//     describe namespace|service|node` as kubectl's NamespaceDescriber,
//     ServiceDescriber and NodeDescriber do: a namespace's quotas (by
//     name, Resource/Used/Hard) and limit ranges (MODEL: an item's
//     resources by name, where kubectl's order is random); a service's
//     ports with their endpoints from its EndpointSlices (the first three
//     ready ones, then "+ N more..."); a node's roles, taints, Lease (nil:
//     kubectl's "Failed to get lease" line), conditions, resources,
//     system info, non-terminated pods with their requests and limits as
//     percentages of allocatable, and the allocated totals, with the
//     events recorded against its UID and then against its name.
//  16. Kinds without a modelled controller get their handlers' columns
//     too: ConfigMaps (NAME, DATA = data plus binaryData entries, AGE),
//     Secrets (NAME, TYPE, DATA, AGE), ServiceAccounts (NAME, AGE),
//     StatefulSets (NAME, READY = readyReplicas/spec.replicas, AGE; -o
//     wide CONTAINERS, IMAGES), ResourceQuotas (NAME, REQUEST and LIMIT as
//     "name: used/hard" of status.hard in name order, limits.* in LIMIT,
//     AGE), Jobs, CronJobs, DaemonSets, ControllerRevisions,
//     PersistentVolumeClaims, PersistentVolumes, StorageClasses,
//     Endpoints, EndpointSlices, Ingresses, IngressClasses,
//     NetworkPolicies, HorizontalPodAutoscalers (autoscaling/v2),
//     PodDisruptionBudgets, RoleBindings, ClusterRoleBindings,
//     PriorityClasses and Leases (the columns and cells are described on
//     each kind's table function). MODEL: kubesem's apiserver does not
//     default these kinds, so where the apiserver's defaults would show
//     the cell is what the defaulted object prints (a nil
//     StatefulSet spec.replicas is 1, a CronJob's unset suspend False, an
//     autoscaler without metrics has the CPU 80% one, an unset volume
//     phase is Pending, a Job without labels shows its template's to -L
//     and --show-labels, ...). The apiserver always fills the -o wide
//     cells and kubectl drops the columns, so cells that upstream cuts
//     short without -o wide (an Ingress's ADDRESS) are whole. In a list,
//     the effective default StorageClass is marked " (default)"; objects
//     fetched one by one (Options.Named, a watch event) are not. Every
//     other kind gets the apiserver's default table, NAME and CREATED AT
//     (RFC 3339), as upstream does for the kinds it has no handler for
//     (Roles, ClusterRoles, LimitRanges): MODEL — a real apiserver has a
//     handler with its own columns for a few more built-in kinds.
//
// Not modelled: kubectl flushes its tabwriter every 100 rows of a table,
// fixing the widths of the first flush from the header (or, with
// --no-headers, the first row) padded in bytes: if that padded cell holds
// multi-byte characters, or a later cell is wider once escaped than its
// bytes, kubectl can print its first 100 rows narrower than the later
// ones, where this package aligns all rows of a table in one flush.
package printers
