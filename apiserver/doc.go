// Package apiserver is kube-apiserver's storage and rules for every
// built-in kind, in memory and deterministic: one generic store keyed by
// group, resource, namespace and name, one strategy per kind, and the
// apiserver's answers — its objects and its *errors.StatusError values —
// for create, get, list, update (main resource, status and scale), patch,
// delete and watch. It holds state over time but has no clock: the
// instant of each request comes from the clock.PassiveClock it is given,
// and names and UIDs from a seed.
//
//	s := apiserver.New(apiserver.Options{Seed: 1})
//	cms := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
//	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Namespace: "default"}}
//	created, _ := s.Create(cms, "default", cm, metav1.CreateOptions{})
//	stale := created.(*corev1.ConfigMap).DeepCopy()
//	fresh := stale.DeepCopy()
//	fresh.Data = map[string]string{"a": "1"}
//	_, _ = s.Update(cms, "default", fresh, metav1.UpdateOptions{})
//	_, err := s.Update(cms, "default", stale, metav1.UpdateOptions{})
//	apierrors.IsConflict(err) // true: "the object has been modified; …"
//
// The kinds served are those of a default kube-apiserver v1.37.2 and its
// apiextensions-apiserver's CustomResourceDefinitions (see
// Server.Resources), and the custom resources of every established
// definition; every one is stored, validated at least for its metadata,
// and left alone: the package runs no controller but the apiextensions
// ones that name, establish and finalize definitions. The cluster
// package runs the controllers kubesem models (ReplicaSet, Replication
// Controller, Deployment, garbage collector, namespace, node lifecycle,
// scheduler, kubelet) over this store. Pods, ReplicaSets, RCs,
// Deployments and Namespaces also get kubesem's defaults and full
// validation (Deployments and Namespaces on status writes too);
// ConfigMaps and Secrets their keys, size, types and immutability; the
// other kinds the generic metadata validation with the apiserver's texts.
//
// The rules, each written out with its upstream source in
// docs/rules/apiserver.md:
//
//  1. API-1: the stable version of every built-in group is served, with
//     discovery's names and scope; RESTMapper maps kinds and resources.
//  2. API-2: a request's object must be of the resource's kind and
//     version, and in the request's namespace.
//  3. API-3: a create wipes and sets the system metadata, generates a
//     name for generateName (8 attempts), prepares and validates by the
//     kind's strategy, refuses a taken name; dry-run stores nothing.
//  4. API-4: status is kept apart from the rest by the status
//     subresource; generation moves only when the strategy says so.
//  5. API-5: an update from a stale resourceVersion is a 409 Conflict; an
//     empty one is allowed only where the strategy allows it; an update
//     that changes nothing writes nothing.
//  6. API-6: JSON, merge and strategic merge patches apply to the stored
//     object, then update it; the scale subresource writes spec.replicas
//     through the parent's update.
//  7. API-7: delete checks preconditions, deletes pods gracefully, turns
//     the propagation policy into finalizers, and keeps an object with
//     finalizers until the last one is removed.
//  8. API-8: lists and watches select by labels and by each kind's
//     fields; an unknown field is refused.
//  9. API-9: a watch from a resourceVersion replays the history the watch
//     cache would still hold, or answers 410 Expired.
//  10. API-10: no create in a missing or Terminating namespace; the
//     system namespaces cannot be deleted.
//  11. API-11: every registry write records its manager's fields in
//     managedFields; an apply patch merges by field ownership with the
//     built-in types' schema and answers a change of another manager's
//     field with 409 unless forced.
//  12. API-12: CustomResourceDefinitions are validated, named and
//     established as the apiextensions-apiserver's controllers do, at
//     once; deleting one deletes its custom resources first.
//  13. API-13: each served version of an established definition is a
//     resource of unstructured objects, decoded (pruned, defaulted),
//     validated by its OpenAPI schema and CEL rules with the
//     apiextensions-apiserver's own validators, with its status and scale
//     subresources, selectable fields, printer columns (CustomResource
//     Columns), JSON/merge patches and server-side apply (a strategic
//     merge patch is a 415).
//  14. API-14: a kind's own validation runs on create, update and status
//     writes with upstream's texts: Deployments (status counts,
//     collisionCount never lowered), Namespaces (update, status phase),
//     ConfigMaps and Secrets (keys, size, types, immutability) besides
//     the workload kinds; the core group's finalizer-name rule.
//
// Storage is the raw store of one resource, for a driver that owns the
// server (the cluster package): its controllers' writes land as they
// decide them, as a built-in controller's write lands in etcd, with one
// resourceVersion for everything.
//
// Custom resources: create a CustomResourceDefinition and its resource is
// served at once (see Example_customResource).
//
// Not yet modelled: webhook conversion between
// custom resource versions, and the defaults and kind-specific validation
// of the built-in kinds kubesem has no controller for.
package apiserver
