package cluster

import (
	"fmt"
	"maps"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/workload"
)

// groupKind is the API group and kind of a stored kind, for
// apierrors.NewInvalid.
func groupKind(kind string) schema.GroupKind {
	if gvkOf(kind) == "apps/v1" {
		return schema.GroupKind{Group: "apps", Kind: kind}
	}
	return schema.GroupKind{Kind: kind}
}

// prepare defaults and validates a new object of kind as the apiserver's
// create path does (registry strategies; RS-1.3, RS-2, RS-12.1). A pod
// gets name when it is not "" (the name the apiserver generated: the pod
// prepare builds is a new one, so o is not copied to be named).
func (c *Cluster) prepare(kind string, o Object, name string) (Object, field.ErrorList) {
	switch v := o.(type) {
	case *corev1.Pod:
		if m := c.templateMemo(v); m != nil {
			p := &corev1.Pod{TypeMeta: v.TypeMeta, ObjectMeta: *v.ObjectMeta.DeepCopy(), Spec: m.spec,
				Status: corev1.PodStatus{Phase: corev1.PodPending, QOSClass: m.qos}}
			if name != "" {
				p.Name = name
			}
			return p, append(m.metaErrors(p, field.NewPath("metadata")), m.errs...)
		}
		p := workload.DefaultPod(v)
		if name != "" {
			p.Name = name
		}
		addDefaultTolerations(p)
		// podStrategy.PrepareForCreate: whatever status the client sent
		// gives way to phase Pending and the pod's QoS class.
		p.Status = corev1.PodStatus{Phase: corev1.PodPending}
		p.Status.QOSClass = workload.QOSClass(p)
		return p, workload.ValidatePod(p)
	case *appsv1.ReplicaSet:
		rs := workload.DefaultReplicaSet(v)
		return rs, workload.ValidateReplicaSet(rs)
	case *corev1.ReplicationController:
		rc := workload.DefaultReplicationController(v)
		return rc, workload.ValidateReplicationController(rc)
	case *appsv1.Deployment:
		d := rollout.Default(v)
		return d, rollout.Validate(d)
	case *corev1.Namespace:
		ns := namespace.PrepareForCreate(v)
		// SetDefaults_Namespace: the name as a label.
		if ns.Name != "" {
			if ns.Labels == nil {
				ns.Labels = map[string]string{}
			}
			ns.Labels[corev1.LabelMetadataName] = ns.Name
		}
		return ns, namespace.Validate(ns)
	case *corev1.Service:
		svc := defaultService(v)
		return svc, validateService(svc)
	case *corev1.Node:
		n := v.DeepCopy()
		return n, nil
	case *corev1.ResourceQuota:
		q := v.DeepCopy()
		return q, validateQuota(q)
	}
	return copyObject(o), nil
}

// podTemplateMemo is what prepare makes of a controller's pod template:
// the spec defaulted (with the default tolerations), its QoS class and
// the spec's validation errors — the same for every pod created from it.
type podTemplateMemo struct {
	from *corev1.Pod
	spec corev1.PodSpec
	qos  corev1.PodQOSClass
	errs field.ErrorList
	// meta: the errors of the template's labels, annotations, owner
	// references and finalizers, once validated (see metaErrors)
	meta     field.ErrorList
	metaDone bool
}

// metaErrors is workload.ValidateObjectMeta of p, a pod made from the
// memo's template: what depends on the template (labels, annotations,
// owner references, finalizers) validated once, the rest (the generated
// name, the namespace) for each pod. The errors come in
// ValidateObjectMeta's order: name, namespace and generation before the
// template's parts, managed fields (a created pod has none; else it is
// validated whole) after.
func (m *podTemplateMemo) metaErrors(p *corev1.Pod, path *field.Path) field.ErrorList {
	t := &m.from.ObjectMeta
	if !shortcuts || len(p.ManagedFields) > 0 || !maps.Equal(p.Labels, t.Labels) || !maps.Equal(p.Annotations, t.Annotations) ||
		!slices.Equal(p.Finalizers, t.Finalizers) || !slices.EqualFunc(p.OwnerReferences, t.OwnerReferences, ownerRefEqual) {
		return workload.ValidateObjectMeta(&p.ObjectMeta, path)
	}
	if !m.metaDone {
		// the template's parts alone, under a name and namespace that
		// are valid
		only := metav1.ObjectMeta{Name: "x", Namespace: "x", Labels: t.Labels, Annotations: t.Annotations,
			OwnerReferences: t.OwnerReferences, Finalizers: t.Finalizers}
		m.meta, m.metaDone = workload.ValidateObjectMeta(&only, path), true
	}
	bare := p.ObjectMeta
	bare.Labels, bare.Annotations, bare.OwnerReferences, bare.Finalizers = nil, nil, nil, nil
	errs := workload.ValidateObjectMeta(&bare, path)
	if len(m.meta) == 0 {
		return errs
	}
	return append(errs, m.meta...)
}

// ownerRefEqual compares two owner references field by field.
func ownerRefEqual(a, b metav1.OwnerReference) bool {
	return a.APIVersion == b.APIVersion && a.Kind == b.Kind && a.Name == b.Name && a.UID == b.UID &&
		ptrEqual(a.Controller, b.Controller) && ptrEqual(a.BlockOwnerDeletion, b.BlockOwnerDeletion)
}

func ptrEqual[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// templateMemo is the memo of the template v was copied from while a
// controller creates pods (carryOut sets creatingFrom), nil otherwise:
// the pods of one sync share their defaulted spec (stored objects are
// never modified in place; its slices are clipped, so that an append
// to one pod's copies it) and have it validated once.
func (c *Cluster) templateMemo(v *corev1.Pod) *podTemplateMemo {
	t := c.creatingFrom
	if !shortcuts || t == nil || !sameSlice(v.Spec.Containers, t.Spec.Containers) {
		return nil
	}
	if m := c.tmplMemo; m != nil && m.from == t {
		return m
	}
	d := workload.DefaultPod(&corev1.Pod{Spec: t.Spec})
	addDefaultTolerations(d)
	d.Spec.Tolerations = slices.Clip(d.Spec.Tolerations)
	c.tmplMemo = &podTemplateMemo{from: t, spec: d.Spec, qos: workload.QOSClass(d), errs: workload.ValidatePodSpecOnCreate(&d.Spec)}
	return c.tmplMemo
}

// createObject is the apiserver's create: lifecycle admission, name
// generation, defaults and validation, quota, uniqueness, then the write
// with a UID, creation time, generation 1 and a resourceVersion. The
// argument is not modified. Nothing is stored when it fails.
func (c *Cluster) createObject(o Object) (Object, error) {
	obj, quotas, err := c.admit(o, false)
	if err != nil {
		return nil, err
	}
	kind := kindOf(obj)
	obj.SetUID(c.newUID())
	obj.SetCreationTimestamp(metav1.NewTime(c.now))
	if hasGeneration(kind) {
		obj.SetGeneration(1)
	}
	if kind == KindService {
		c.allocateClusterIP(obj.(*corev1.Service))
	}
	c.st.put(kind, obj)
	c.notify(kind, "ADDED", nil, obj)
	for _, q := range quotas {
		old := c.st.get(KindResourceQuota, keyOf(q))
		c.st.put(KindResourceQuota, q)
		c.notify(KindResourceQuota, "MODIFIED", old, q)
	}
	return obj, nil
}

// checkCreate runs a create's checks without storing anything and without
// using up an injected failure.
func checkCreate(c *Cluster, kind, ns string, o Object) error {
	in := copyObject(o)
	in.SetNamespace(ns)
	_, _, err := c.admit(in, true)
	return err
}

// admit is everything a create checks, in the apiserver's order; it
// returns the object to store and the quotas with their new usage.
func (c *Cluster) admit(o Object, dry bool) (Object, []*corev1.ResourceQuota, error) {
	kind := kindOf(o)
	if kind == "" {
		return nil, nil, fmt.Errorf("cluster: cannot store a %T", o)
	}
	ns, name := o.GetNamespace(), o.GetName()
	if clusterScoped(kind) {
		ns = ""
	}
	if err := namespace.AdmitCreate(kind, name, ns, c.namespaceObject(ns)); err != nil {
		return nil, nil, err
	}
	if !dry {
		if err := c.injected("create", kind, o); err != nil {
			return nil, nil, err
		}
	}
	if name == "" && o.GetGenerateName() != "" && !dry {
		// The apiserver generates the name before it validates (and
		// defaulting does not read the name).
		taken := func(n string) bool { return c.st.get(kind, key{ns, n}) != nil }
		generated, ok := c.names.GenerateUnique(o.GetGenerateName(), taken)
		if !ok {
			return nil, nil, apierrors.NewAlreadyExists(schema.ParseGroupResource(resourceName(kind)), generated)
		}
		if _, ok := o.(*corev1.Pod); ok {
			// prepare builds a new pod: it sets the name there.
			name = generated
		} else {
			o = copyObject(o)
			o.SetName(generated)
		}
	}
	obj, errs := c.prepare(kind, o, name)
	if clusterScoped(kind) {
		obj.SetNamespace("")
	}
	if obj.GetName() == "" && obj.GetGenerateName() != "" {
		probe := copyObject(obj)
		probe.SetName(obj.GetGenerateName() + "abcde")
		_, errs = c.prepare(kind, probe, "")
	}
	if len(errs) > 0 {
		return nil, nil, apierrors.NewInvalid(groupKind(kind), obj.GetName(), errs)
	}
	if c.st.get(kind, keyOf(obj)) != nil {
		return nil, nil, namespace.AlreadyExists(kind, obj.GetName())
	}
	if p, ok := obj.(*corev1.Pod); ok {
		quotas, err := c.admitQuota(p)
		if err != nil {
			return nil, nil, err
		}
		return obj, quotas, nil
	}
	return obj, nil, nil
}

// create stores a fresh object built by the cluster itself.
func (c *Cluster) create(o Object, name, ns string) (Object, error) {
	o.SetName(name)
	o.SetNamespace(ns)
	return c.createObject(o)
}

// write stores a new version of an object the cluster (or a verb) built
// from a copy of the stored one: generation as the apiserver keeps it,
// a new resourceVersion, and the watchers told.
func (c *Cluster) write(kind string, o Object) {
	old := c.st.get(kind, keyOf(o))
	if old == nil {
		return
	}
	bumpGeneration(kind, o, old)
	o.SetUID(old.GetUID())
	o.SetCreationTimestamp(old.GetCreationTimestamp())
	c.st.put(kind, o)
	c.notify(kind, "MODIFIED", old, o)
}

// writeStatus stores a new version written through a subresource
// (status, binding): the generation stays.
func (c *Cluster) writeStatus(kind string, o Object) {
	old := c.st.get(kind, keyOf(o))
	if old == nil {
		return
	}
	o.SetGeneration(old.GetGeneration())
	o.SetUID(old.GetUID())
	o.SetCreationTimestamp(old.GetCreationTimestamp())
	c.st.put(kind, o)
	c.notify(kind, "MODIFIED", old, o)
}

// remove takes an object out of the store for good.
func (c *Cluster) remove(kind string, k key) {
	old := c.st.get(kind, k)
	if old == nil {
		return
	}
	c.st.remove(kind, k)
	if kind == KindPod {
		c.forgetPod(k)
	}
	delete(c.ctrls, ctrlKey{kind, k})
	c.notify(kind, "DELETED", old, nil)
	if kind == KindNamespace {
		c.dropEvents(k.name)
	}
	if kind == KindNamespace && slices.Contains(namespace.BuiltIn(), k.name) {
		c.recreateSystemNamespace(k.name)
	}
	if kind == KindService && k == (key{"default", "kubernetes"}) {
		// The apiserver's kubernetes-service controller puts it back on its
		// next 10 s reconcile.
		c.after(10*time.Second, func() {
			if c.st.get(KindService, key{"default", "kubernetes"}) == nil && c.namespaceObject("default") != nil {
				_ = c.createKubernetesService()
			}
		})
	}
	if ns := c.namespaceObject(k.ns); ns != nil && ns.DeletionTimestamp != nil {
		c.markDirty(KindNamespace, key{"", k.ns})
	}
}

// SystemNamespacesInterval is how often the apiserver's system-namespaces
// loop re-creates a missing built-in namespace (RS-12.2).
const SystemNamespacesInterval = time.Minute

// recreateSystemNamespace schedules the apiserver's re-creation of a
// built-in namespace on its next one-minute tick (counted from the
// cluster's start).
func (c *Cluster) recreateSystemNamespace(name string) {
	c.at(c.tickAfter(c.now, SystemNamespacesInterval), foreground, func() {
		if c.namespaceObject(name) == nil {
			_, _ = c.create(&corev1.Namespace{}, name, "")
		}
	})
}

func (c *Cluster) namespaceObject(name string) *corev1.Namespace {
	if name == "" {
		return nil
	}
	if o := c.st.get(KindNamespace, key{"", name}); o != nil {
		return o.(*corev1.Namespace)
	}
	return nil
}

func (c *Cluster) markDirty(kind string, k key) {
	m := c.dirty[kind]
	if m == nil {
		m = map[key]bool{}
		c.dirty[kind] = m
	}
	m[k] = true
}

// notify tells the watchers about a write and marks the controllers that
// react to it (RS-8.1 and the other controllers' event handlers).
func (c *Cluster) notify(kind, typ string, old, cur Object) {
	c.changed = true
	c.lastWrite = c.now
	obj := cur
	if obj == nil {
		obj = old
	}
	for _, w := range c.watchers {
		w(Change{At: c.now, Type: typ, Kind: kind, Object: obj})
	}
	ns := obj.GetNamespace()
	if c.gcMatters(kind, typ, old, cur) {
		c.gcDirty[ns] = true
	}
	switch kind {
	case KindPod:
		var op, cp *corev1.Pod
		if old != nil {
			op = old.(*corev1.Pod)
		}
		if cur != nil {
			cp = cur.(*corev1.Pod)
		}
		c.trackPod(op, cp)
		c.tallyPod(op, cp)
		c.taintManagerPodChanged(op, cp)
		c.kubeletPodChanged(op, cp)
		c.podGCPodChanged(op, cp) // podgc.go
		for _, o := range []Object{old, cur} {
			if o != nil {
				c.markPodOwners(o.(*corev1.Pod), typ == "DELETED")
			}
		}
		if typ != "MODIFIED" || cur.(*corev1.Pod).Spec.NodeName == "" {
			c.schedDirty = true
		}
		if typ == "DELETED" || (old != nil && cur != nil && podTerminal(cur.(*corev1.Pod)) != podTerminal(old.(*corev1.Pod))) {
			if c.st.count(KindResourceQuota) > 0 {
				c.markDirty(KindResourceQuota, key{ns, ""})
			}
		}
	case KindReplicaSet:
		if cur == nil {
			delete(c.tallies, old.GetUID())
		}
		c.markDirty(KindReplicaSet, keyOf(obj))
		if ref := metav1.GetControllerOfNoCopy(obj); ref != nil && ref.Kind == KindDeployment {
			c.markDirty(KindDeployment, key{ns, ref.Name})
		} else {
			c.markDeploymentsOf(ns)
		}
	case KindReplicationController:
		c.markDirty(KindReplicationController, keyOf(obj))
	case KindDeployment:
		c.markDirty(KindDeployment, keyOf(obj))
	case KindNamespace:
		c.markDirty(KindNamespace, keyOf(obj))
	case KindNode:
		c.schedDirty = true
		// The taint manager, the monitor pass and the pod GC (lifecycle.go).
		c.nodeChanged(old, cur)
		if cur != nil {
			// The node lifecycle controller's node handler (RS-10.3).
			c.noScheduleTaintingPass(cur.GetName())
		}
	case KindResourceQuota:
		if typ == "ADDED" {
			c.markDirty(KindResourceQuota, key{ns, ""})
		}
	}
}

// gcMatters says whether a write may give the garbage collector work: a
// delete or deletion started of an object that may own others or whose
// owner waits for it, a change of owner references or finalizers, a new
// object with an owner that is missing (RS-11.2).
func (c *Cluster) gcMatters(kind, typ string, old, cur Object) bool {
	switch {
	case typ == "ADDED":
		for _, r := range cur.GetOwnerReferences() {
			if o := c.lookupOwner(cur.GetNamespace(), r); o == nil || o.GetDeletionTimestamp() != nil {
				return true
			}
		}
		return false
	case typ == "DELETED", deletionStarted(old, cur):
		obj := cur
		if obj == nil {
			obj = old
		}
		if kind != KindPod {
			return true
		}
		// A pod owns nothing: it matters only to an owner being deleted.
		for _, r := range obj.GetOwnerReferences() {
			if o := c.lookupOwner(obj.GetNamespace(), r); o == nil || o.GetDeletionTimestamp() != nil {
				return true
			}
		}
		return false
	}
	return ownersChanged(old, cur)
}

func ownersChanged(old, cur Object) bool {
	if old == nil || cur == nil {
		return true
	}
	a, b := old.GetOwnerReferences(), cur.GetOwnerReferences()
	if len(a) != len(b) {
		return true
	}
	for i := range a {
		if a[i].UID != b[i].UID || ptrBool(a[i].Controller) != ptrBool(b[i].Controller) {
			return true
		}
	}
	return len(old.GetFinalizers()) != len(cur.GetFinalizers())
}

func deletionStarted(old, cur Object) bool {
	return old != nil && cur != nil && old.GetDeletionTimestamp() == nil && cur.GetDeletionTimestamp() != nil
}

func ptrBool(b *bool) bool { return b != nil && *b }

// markPodOwners marks what a pod change wakes: its controller, or for an
// orphan every ReplicaSet and RC of its namespace (RS-8.1); and the
// Deployment above its ReplicaSet when it goes (Recreate waits for old pods).
func (c *Cluster) markPodOwners(p *corev1.Pod, deleted bool) {
	ref := metav1.GetControllerOfNoCopy(p)
	if ref == nil {
		if len(p.Labels) == 0 {
			return
		}
		for _, o := range c.st.list(KindReplicaSet, p.Namespace) {
			c.markDirty(KindReplicaSet, keyOf(o))
		}
		for _, o := range c.st.list(KindReplicationController, p.Namespace) {
			c.markDirty(KindReplicationController, keyOf(o))
		}
		return
	}
	switch ref.Kind {
	case KindReplicaSet:
		c.markDirty(KindReplicaSet, key{p.Namespace, ref.Name})
		if deleted || p.DeletionTimestamp != nil {
			if rs := c.st.get(KindReplicaSet, key{p.Namespace, ref.Name}); rs != nil {
				if dref := metav1.GetControllerOfNoCopy(rs); dref != nil && dref.Kind == KindDeployment {
					c.markDirty(KindDeployment, key{p.Namespace, dref.Name})
				}
			}
		}
	case KindReplicationController:
		c.markDirty(KindReplicationController, key{p.Namespace, ref.Name})
	}
}

func (c *Cluster) markDeploymentsOf(ns string) {
	for _, o := range c.st.list(KindDeployment, ns) {
		c.markDirty(KindDeployment, keyOf(o))
	}
}
