// Package namespace decides what the API server and the namespace
// controller decide about namespaces: names and scope, the default
// namespace, creation, deletion and the Terminating phase, the lifecycle
// admission of new objects, and the namespace controller's emptying of a
// deleted namespace. Like every kubesem package it decides and never
// performs: functions take objects and a time and return new objects,
// errors and steps; their arguments are never modified.
//
// Usage:
//
//	ns, _ := namespace.Resolve("", kubeconfigBytes)        // "office" after kubectl config set-context --current --namespace=office
//	obj := namespace.PrepareForCreate(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office"}})
//	errs := namespace.Validate(obj)                          // metadata.name must be a DNS-1123 label
//	errs = namespace.ValidateStatusUpdate(upd, obj)          // status.Phase: may only be 'Active' if `deletionTimestamp` is empty
//	obj, gone, err := namespace.Delete(obj, now)             // Terminating; default may not be deleted
//	err = namespace.AdmitCreate("Pod", "web", "office", obj) // pods "web" is forbidden: ... being terminated
//	step := namespace.Finalize(obj, namespace.Content{Pods: pods}, now)
//	y, _ := namespace.CreateDryRun("office")                 // kubectl create ns office --dry-run=client -o yaml
//	quotas, err = namespace.AdmitPod(pod, quotas, now)       // exceeded quota: compute, requested: requests.cpu=500m, ...
//
// Rules (ids of the project's rules reference, docs/rules/replicaset.md):
//
//  1. A Namespace's name is a DNS-1123 label and it has no
//     metadata.namespace; finalizer names are qualified names and, without
//     a "/", one of kubernetes, orphan, foregroundDeletion (RS-12.1).
//
//  2. On creation the phase is Active and spec.finalizers contains
//     kubernetes, added when missing (RS-12.1).
//
//  3. A fresh cluster has default, kube-node-lease, kube-public and
//     kube-system; default, kube-system and kube-public may not be deleted:
//     `namespaces "default" is forbidden: this namespace may not be
//     deleted` (RS-12.2).
//
//  4. The first DELETE sets deletionTimestamp and phase Terminating;
//     later ones change nothing; the namespace is removed only when
//     spec.finalizers and metadata.finalizers are both empty (RS-12.3).
//
//  5. Creating a namespaced object in a Terminating namespace is Forbidden
//     with the NamespaceTerminating cause; in a missing one, `namespaces
//     "<ns>" not found`; cluster-scoped kinds and namespaces themselves are
//     always admitted, and updates and deletes are not checked (RS-12.4).
//
//  6. The namespace controller deletes pods first and waits for them
//     (estimate/2 + 1 s), then every other object with background
//     propagation, then removes the kubernetes finalizer, the other
//     finalizers kept sorted and without duplicates (RS-12.5). A
//     namespace whose spec.finalizers is already empty is left alone: no
//     content deleted, nothing written but the Terminating phase.
//
//  7. Names are unique per kind and namespace, cluster-wide for
//     cluster-scoped kinds; errors name the resource as the API does:
//     `replicasets.apps "kubia" already exists` (RS-13.1, RS-13.3).
//
//  8. kubectl works in the --namespace flag's namespace, else the current
//     kubeconfig context's, else default.
//
//  9. ResourceQuota admission of a pod (AdmitPod): a pod counts for
//     count/pods always and for pods, cpu, memory and ephemeral storage
//     requests and limits (summed as the kubelet does) unless it is
//     terminal or past its deletion grace period; a quota tracking cpu or
//     memory requires every container to set it ("must specify"); a quota
//     without status.used refuses ("status unknown"); a pod that would
//     take a quota over its hard limit is Forbidden with "exceeded quota"
//     and the requested, used and limited amounts; otherwise status.used
//     rises. Checked against the apiserver's own CheckRequest.
//
//  10. An update of a namespace is checked as a create is (rule 1), then
//     for its metadata: name, uid, creationTimestamp, deletionTimestamp and
//     the grace period unchanged, generation not lowered, a resourceVersion
//     given, no finalizer added once it is being deleted, the new labels,
//     annotations and owner references valid, each metadata finalizer
//     without a "/" a standard one. spec.finalizers and the status are
//     kept as stored, so not checked (pkg/apis/core/validation/
//     validation.go ValidateNamespaceUpdate; pkg/registry/core/namespace/
//     strategy.go namespaceStrategy.ValidateUpdate). ValidateUpdate checks
//     the metadata part; Validate then ValidateUpdate is the whole.
//
//  11. A write to the status subresource checks the metadata as in rule 10,
//     then the phase: Active while deletionTimestamp is unset, Terminating
//     once it is set, anything else refused at upstream's path
//     "status.Phase" (ValidateNamespaceStatusUpdate). ValidateStatusUpdate.
//
//  12. A write to the finalize subresource checks the metadata as in rule
//     10, then each spec.finalizers entry at its own index (spec.finalizers[i])
//     as a qualified name and, without a "/", a standard finalizer
//     (ValidateNamespaceFinalizeUpdate). ValidateFinalizeUpdate.
//
// Not yet: quota scopes (refused with an error), hugepages and extended
// resources in quotas, quota for kinds other than pods, the status
// conditions of a namespace being deleted, and the re-creation of missing
// system namespaces.
package namespace
