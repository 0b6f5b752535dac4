package cluster

import (
	"reflect"

	"encoding/json"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kubesem/kubesem/apiserver"
	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/rollout"
	"github.com/kubesem/kubesem/selector"
	"github.com/kubesem/kubesem/workload"
)

// ChangeCauseAnnotation is what `--record` sets.
const ChangeCauseAnnotation = "kubernetes.io/change-cause"

func apiNotFound(kind, name string) error      { return namespace.NotFound(kind, name) }
func apiAlreadyExists(kind, name string) error { return namespace.AlreadyExists(kind, name) }

// nsOr defaults an empty namespace to "default" for namespaced kinds.
func nsOr(kind, ns string) string {
	if clusterScoped(kind) {
		return ""
	}
	if ns == "" {
		return namespace.Default
	}
	return ns
}

// generic resolves a kind the controllers do not model; ok is false for
// a modelled kind.
func (c *Cluster) generic(kind string) (r apiserver.Resource, ok bool, err error) {
	if _, modelled := gvrs[kind]; modelled {
		return apiserver.Resource{}, false, nil
	}
	r, err = c.resourceOf(kind)
	if err != nil {
		return r, false, err
	}
	if _, modelled := gvrs[r.Kind]; modelled && r.Group == groupOf(r.Kind) {
		return r, false, fmt.Errorf(`cluster: name the kind %q as %q`, kind, r.Kind)
	}
	return r, true, nil
}

// groupOf is the API group of a modelled kind.
func groupOf(kind string) string { return gvrs[kind].Group }

// Create creates an object as `kubectl create` does: the namespace
// defaults to "default", the apiserver's defaults, validation, admission
// and uniqueness apply, and the controllers then run to a fixed point.
// It returns the stored object (a copy). On error nothing is stored.
func (c *Cluster) Create(o Object) (Object, error) {
	if o == nil {
		return nil, fmt.Errorf("cluster: create: nil object")
	}
	kind := kindOf(o)
	if kind == "" {
		r, err := c.objectResource(o)
		if err != nil {
			return nil, fmt.Errorf("cluster: create: %w", err)
		}
		return c.createGeneric(r, o)
	}
	in := copyObject(o)
	in.SetNamespace(nsOr(kind, in.GetNamespace()))
	var created Object
	if kind == KindNode {
		if err := c.addNode(in.(*corev1.Node), len(c.nodes)); err != nil {
			return nil, err
		}
		created = c.st.get(KindNode, key{"", in.GetName()})
	} else {
		var err error
		if created, err = c.createObject(in); err != nil {
			return nil, err
		}
	}
	// The object as the create stored it: the controllers may change or
	// even delete it before this call returns.
	out := copyObject(created)
	if err := c.step(); err != nil {
		return nil, err
	}
	return out, nil
}

// Apply creates the object, or when it exists replaces its labels,
// annotations and spec with the given ones (status and the rest of the
// metadata stay), with the apiserver's update validation.
//
// MODEL: `kubectl apply` computes a three-way merge with its
// last-applied-configuration; for manifests that list every field they
// care about, as the tutorial's do, replacing is the same.
func (c *Cluster) Apply(o Object) (Object, error) {
	if o == nil {
		return nil, fmt.Errorf("cluster: apply: nil object")
	}
	kind := kindOf(o)
	if kind == "" {
		r, err := c.objectResource(o)
		if err != nil {
			return nil, fmt.Errorf("cluster: apply: %w", err)
		}
		return c.applyGeneric(r, o)
	}
	ns := nsOr(kind, o.GetNamespace())
	cur := c.st.get(kind, key{ns, o.GetName()})
	if cur == nil {
		return c.Create(o)
	}
	in := copyObject(o)
	in.SetNamespace(ns)
	prepared, _ := c.prepare(kind, in, "")
	nd := copyObject(cur)
	nd.SetLabels(prepared.GetLabels())
	nd.SetAnnotations(prepared.GetAnnotations())
	switch v := nd.(type) {
	case *corev1.Pod:
		v.Spec = prepared.(*corev1.Pod).Spec
	case *appsv1.ReplicaSet:
		v.Spec = prepared.(*appsv1.ReplicaSet).Spec
	case *corev1.ReplicationController:
		v.Spec = prepared.(*corev1.ReplicationController).Spec
	case *appsv1.Deployment:
		v.Spec = prepared.(*appsv1.Deployment).Spec
	case *corev1.Service:
		ip := v.Spec.ClusterIP
		v.Spec = prepared.(*corev1.Service).Spec
		v.Spec.ClusterIP, v.Spec.ClusterIPs = ip, []string{ip}
	case *corev1.ResourceQuota:
		v.Spec = prepared.(*corev1.ResourceQuota).Spec
	case *corev1.Namespace, *corev1.Node:
	}
	if err := c.update(kind, nd, cur); err != nil {
		return nil, err
	}
	return c.Get(kind, ns, o.GetName())
}

// update validates a user's update against the stored object, writes it
// and runs the controllers.
func (c *Cluster) update(kind string, nd, cur Object) error {
	if r, ok, err := c.generic(kind); ok || err != nil {
		if err != nil {
			return err
		}
		_, err := c.updateGeneric(r, nd)
		return err
	}
	var errs field.ErrorList
	switch v := nd.(type) {
	case *appsv1.ReplicaSet:
		errs = workload.ValidateReplicaSetUpdate(v, cur.(*appsv1.ReplicaSet))
	case *corev1.ReplicationController:
		errs = workload.ValidateReplicationControllerUpdate(v, cur.(*corev1.ReplicationController))
	case *appsv1.Deployment:
		errs = rollout.ValidateUpdate(v, cur.(*appsv1.Deployment))
	case *corev1.Pod:
		errs = labels.Validate(v.Labels, field.NewPath("metadata", "labels"))
		errs = append(errs, labels.ValidateAnnotations(v.Annotations, field.NewPath("metadata", "annotations"))...)
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid(groupKind(kind), nd.GetName(), errs)
	}
	c.write(kind, nd)
	return c.step()
}

// Get returns a copy of one object; namespace "" means "default" for
// namespaced kinds.
func (c *Cluster) Get(kind, namespace, name string) (Object, error) {
	if r, ok, err := c.generic(kind); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return c.getGeneric(r, namespace, name)
	}
	o := c.st.get(kind, key{nsOr(kind, namespace), name})
	if o == nil {
		return nil, apiNotFound(kind, name)
	}
	return copyObject(o), nil
}

// AllNamespaces, as List's namespace, lists every namespace (-A).
const AllNamespaces = ""

// List returns copies of the objects of a kind in a namespace (every
// namespace for AllNamespaces) whose labels a `-l` selector matches (""
// matches everything), in the apiserver's order: namespace, then name.
func (c *Cluster) List(kind, namespace, labelSelector string) ([]Object, error) {
	if r, ok, err := c.generic(kind); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return c.listGeneric(r, namespace, labelSelector)
	}
	sel, err := selector.Parse(labelSelector)
	if err != nil {
		return nil, err
	}
	if clusterScoped(kind) {
		namespace = ""
	}
	var out []Object
	for _, o := range c.st.list(kind, namespace) {
		if sel.Matches(o.GetLabels()) {
			out = append(out, copyObject(o))
		}
	}
	return out, nil
}

// Pods lists pods as List does, typed.
func (c *Cluster) Pods(namespace, labelSelector string) ([]*corev1.Pod, error) {
	objs, err := c.List(KindPod, namespace, labelSelector)
	return typed[*corev1.Pod](objs), err
}

// ReplicaSets lists ReplicaSets as List does, typed.
func (c *Cluster) ReplicaSets(namespace, labelSelector string) ([]*appsv1.ReplicaSet, error) {
	objs, err := c.List(KindReplicaSet, namespace, labelSelector)
	return typed[*appsv1.ReplicaSet](objs), err
}

// Deployments lists Deployments as List does, typed.
func (c *Cluster) Deployments(namespace, labelSelector string) ([]*appsv1.Deployment, error) {
	objs, err := c.List(KindDeployment, namespace, labelSelector)
	return typed[*appsv1.Deployment](objs), err
}

// ReplicationControllers lists RCs as List does, typed.
func (c *Cluster) ReplicationControllers(namespace, labelSelector string) ([]*corev1.ReplicationController, error) {
	objs, err := c.List(KindReplicationController, namespace, labelSelector)
	return typed[*corev1.ReplicationController](objs), err
}

// Namespaces lists the namespaces, typed.
func (c *Cluster) Namespaces() []*corev1.Namespace {
	objs, _ := c.List(KindNamespace, "", "")
	return typed[*corev1.Namespace](objs)
}

// Services lists Services as List does, typed.
func (c *Cluster) Services(namespace, labelSelector string) ([]*corev1.Service, error) {
	objs, err := c.List(KindService, namespace, labelSelector)
	return typed[*corev1.Service](objs), err
}

func typed[T Object](objs []Object) []T {
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(T))
	}
	return out
}

// DeleteOptions are a DELETE's options.
type DeleteOptions struct {
	// Propagation is the cascade: Background (kubectl's default, used
	// when empty), Foreground or Orphan (RS-11.3, RS-11.4).
	Propagation metav1.DeletionPropagation
	// GracePeriodSeconds overrides a pod's terminationGracePeriodSeconds
	// (RS-9.1); 0 deletes at once (kubectl --force).
	GracePeriodSeconds *int64
}

// Delete deletes one object with the given options. A namespace becomes
// Terminating and is emptied by the namespace controller; `default`,
// `kube-system` and `kube-public` may not be deleted (RS-12.2, RS-12.3).
func (c *Cluster) Delete(kind, namespace, name string, opts DeleteOptions) error {
	r, generic, err := c.generic(kind)
	if err != nil {
		return err
	}
	prop := opts.Propagation
	switch prop {
	case "":
		prop = metav1.DeletePropagationBackground
	case metav1.DeletePropagationBackground, metav1.DeletePropagationForeground, metav1.DeletePropagationOrphan:
	default:
		return fmt.Errorf(`invalid cascade value (%s). Must be "background", "foreground", or "orphan"`, prop)
	}
	if generic {
		return c.deleteGeneric(r, namespace, name, prop, opts.GracePeriodSeconds)
	}
	o := c.st.get(kind, key{nsOr(kind, namespace), name})
	if o == nil {
		return apiNotFound(kind, name)
	}
	switch kind {
	case KindNamespace:
		if _, _, err := namespaceDeleteCheck(o.(*corev1.Namespace), c); err != nil {
			return err
		}
	case KindNode:
		c.removeNode(name)
		return c.step()
	}
	if err := c.injected("delete", kind, o); err != nil {
		return err
	}
	c.deleteObject(kind, o, prop, opts.GracePeriodSeconds)
	return c.step()
}

func namespaceDeleteCheck(ns *corev1.Namespace, c *Cluster) (*corev1.Namespace, bool, error) {
	return namespace.Delete(ns, c.now)
}

// removeNode deletes a Node object: its kubelet is gone with it, its pods
// are orphaned, and the pod garbage collector force-deletes them after
// its quarantine (RS-10.8, podGCOrphans). The taint manager forgets the
// node's taints, but evictions it already scheduled still fire (RS-10.6).
func (c *Cluster) removeNode(name string) {
	ns := c.nodes[name]
	c.remove(KindNode, key{"", name})
	if ns != nil {
		ns.token++
		ns.up = false
		delete(c.nodes, name)
	}
	for k, rt := range c.pods {
		if rt.node == name {
			c.freezePod(k, rt)
		}
	}
	c.podGCOrphans(name)
}

// DeleteAll deletes every object of a kind in a namespace that a `-l`
// selector matches ("" for `--all`), in name order, and returns their
// names; none matching is not an error (kubectl prints "No resources
// found").
func (c *Cluster) DeleteAll(kind, namespace, labelSelector string, opts DeleteOptions) ([]string, error) {
	objs, err := c.List(kind, nsOr(kind, namespace), labelSelector)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, o := range objs {
		if err := c.Delete(kind, o.GetNamespace(), o.GetName(), opts); err != nil && !apierrors.IsNotFound(err) {
			return names, err
		}
		names = append(names, o.GetName())
	}
	return names, nil
}

// Scale sets spec.replicas of a Deployment, ReplicaSet or RC through the
// scale subresource (RS-14.2): negative counts are refused with kubectl's
// text.
func (c *Cluster) Scale(kind, namespace, name string, replicas int32) error {
	if replicas < 0 {
		return fmt.Errorf("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	}
	if r, ok, err := c.generic(kind); ok || err != nil {
		if err != nil {
			return err
		}
		return c.scaleGeneric(r, namespace, name, replicas)
	}
	o, err := c.Get(kind, namespace, name)
	if err != nil {
		return err
	}
	switch v := o.(type) {
	case *appsv1.Deployment:
		v.Spec.Replicas = &replicas
	case *appsv1.ReplicaSet:
		v.Spec.Replicas = &replicas
	case *corev1.ReplicationController:
		v.Spec.Replicas = &replicas
	default:
		return fmt.Errorf(`the server could not find the requested resource (%s/scale)`, resourceName(kind))
	}
	return c.update(kind, o, c.st.get(kind, keyOf(o)))
}

// Label edits an object's labels as `kubectl label` does (RS-14.3) and
// returns kubectl's output line, e.g. "pod/http-go labeled".
func (c *Cluster) Label(kind, namespace, name string, overwrite bool, changes ...string) (string, error) {
	e, err := labels.ParseLabelEdits(changes)
	if err != nil {
		return "", err
	}
	o, err := c.Get(kind, namespace, name)
	if err != nil {
		return "", err
	}
	// kubectl prints `label "k" not found.` before it applies the edit,
	// so before an --overwrite error too.
	out := ""
	for _, k := range e.Remove {
		if _, ok := o.GetLabels()[k]; !ok {
			out += fmt.Sprintf("label %q not found.\n", k)
		}
	}
	res, err := labels.ApplyLabels(o.GetLabels(), e, overwrite)
	if err != nil {
		return out, err
	}
	out += res.Line(c.kubectlName(kind) + "/" + name)
	if !res.Changed() {
		return out, nil
	}
	o.SetLabels(res.Map)
	return out, c.update(kind, o, c.st.get(kind, keyOf(o)))
}

// Annotate edits an object's annotations as `kubectl annotate` does
// (RS-14.4) and returns kubectl's output line.
func (c *Cluster) Annotate(kind, namespace, name string, overwrite bool, changes ...string) (string, error) {
	e, err := labels.ParseAnnotationEdits(changes)
	if err != nil {
		return "", err
	}
	o, err := c.Get(kind, namespace, name)
	if err != nil {
		return "", err
	}
	res, err := labels.ApplyAnnotations(o.GetAnnotations(), e, overwrite)
	if err != nil {
		return "", err
	}
	o.SetAnnotations(res.Map)
	return res.Line(c.kubectlName(kind) + "/" + name), c.update(kind, o, c.st.get(kind, keyOf(o)))
}

// kubectlName is the resource kubectl prints before "/<name>":
// "pod", "replicaset.apps", "deployment.apps" (RS-14.2).
func (c *Cluster) kubectlName(kind string) string {
	if _, modelled := gvrs[kind]; !modelled {
		if r, err := c.srv.ResourceFor(kind); err == nil {
			if r.Group != "" {
				return r.Singular + "." + r.Group
			}
			return r.Singular
		}
	}
	r := schema.ParseGroupResource(resourceName(kind))
	singular := r.Resource[:len(r.Resource)-1]
	if kind == KindNamespace {
		singular = "namespace"
	}
	if r.Group != "" {
		return singular + "." + r.Group
	}
	return singular
}

// Patch applies a strategic merge patch (`kubectl patch -p '<json>'`) to an
// object and returns kubectl's line ("deployment.apps/http-go patched", or
// "... patched (no change)").
func (c *Cluster) Patch(kind, namespace, name string, patch []byte) (string, error) {
	if r, ok, err := c.generic(kind); ok || err != nil {
		if err != nil {
			return "", err
		}
		return c.patchGeneric(r, namespace, name, types.StrategicMergePatchType, patch)
	}
	o, err := c.Get(kind, namespace, name)
	if err != nil {
		return "", err
	}
	orig, err := json.Marshal(o)
	if err != nil {
		return "", err
	}
	patched, err := strategicpatch.StrategicMergePatch(orig, patch, o)
	if err != nil {
		return "", apierrors.NewBadRequest(err.Error())
	}
	// Decode into a fresh object: a field the patch sets to null is gone.
	nd := reflect.New(reflect.TypeOf(o).Elem()).Interface().(Object)
	if err := json.Unmarshal(patched, nd); err != nil {
		return "", apierrors.NewBadRequest(err.Error())
	}
	line := c.kubectlName(kind) + "/" + name + " patched"
	if string(mustJSON(nd)) == string(orig) {
		return line + " (no change)", nil
	}
	return line, c.update(kind, nd, c.st.get(kind, keyOf(o)))
}

func mustJSON(o any) []byte {
	b, _ := json.Marshal(o)
	return b
}

// ---- rollout ----------------------------------------------------------------

func (c *Cluster) deploymentAndSets(namespace, name string) (*appsv1.Deployment, []*appsv1.ReplicaSet, error) {
	o, err := c.Get(KindDeployment, namespace, name)
	if err != nil {
		return nil, nil, err
	}
	d := o.(*appsv1.Deployment)
	var rss []*appsv1.ReplicaSet
	for _, ro := range c.st.list(KindReplicaSet, d.Namespace) {
		if ref := metav1.GetControllerOfNoCopy(ro); ref != nil && ref.UID == d.UID {
			rss = append(rss, ro.(*appsv1.ReplicaSet))
		}
	}
	return d, rss, nil
}

// RolloutHistory is `kubectl rollout history deployment/<name>`'s output.
func (c *Cluster) RolloutHistory(namespace, name string) (string, error) {
	d, rss, err := c.deploymentAndSets(namespace, name)
	if err != nil {
		return "", err
	}
	return rollout.HistoryOutput(d, rss), nil
}

// RolloutUndo is `kubectl rollout undo deployment/<name>
// [--to-revision=N]` (0: the previous revision); it returns kubectl's
// message.
func (c *Cluster) RolloutUndo(namespace, name string, toRevision int64) (string, error) {
	d, rss, err := c.deploymentAndSets(namespace, name)
	if err != nil {
		return "", err
	}
	nd, msg, err := rollout.Undo(d, rss, toRevision)
	if err != nil || nd == nil {
		return msg, err
	}
	return msg, c.update(KindDeployment, nd, c.st.get(KindDeployment, keyOf(d)))
}

func (c *Cluster) rolloutEdit(namespace, name string, f func(*appsv1.Deployment) (*appsv1.Deployment, string, error)) (string, error) {
	o, err := c.Get(KindDeployment, namespace, name)
	if err != nil {
		return "", err
	}
	d := o.(*appsv1.Deployment)
	nd, msg, err := f(d)
	if err != nil || nd == nil {
		return msg, err
	}
	return msg, c.update(KindDeployment, nd, c.st.get(KindDeployment, keyOf(d)))
}

// RolloutPause is `kubectl rollout pause`.
func (c *Cluster) RolloutPause(namespace, name string) (string, error) {
	return c.rolloutEdit(namespace, name, rollout.Pause)
}

// RolloutResume is `kubectl rollout resume`.
func (c *Cluster) RolloutResume(namespace, name string) (string, error) {
	return c.rolloutEdit(namespace, name, rollout.Resume)
}

// RolloutRestart is `kubectl rollout restart` at the cluster's time.
func (c *Cluster) RolloutRestart(namespace, name string) (string, error) {
	return c.rolloutEdit(namespace, name, func(d *appsv1.Deployment) (*appsv1.Deployment, string, error) {
		return rollout.Restart(d, c.now)
	})
}

// RolloutStatus is one look of `kubectl rollout status`.
func (c *Cluster) RolloutStatus(namespace, name string) (string, bool, error) {
	o, err := c.Get(KindDeployment, namespace, name)
	if err != nil {
		return "", false, err
	}
	return rollout.RolloutStatus(o.(*appsv1.Deployment))
}

// SetImage is `kubectl set image deployment/<name> c=image ...`; a
// non-empty changeCause is recorded as `--record` does.
func (c *Cluster) SetImage(namespace, name string, images map[string]string, changeCause string) (string, error) {
	return c.rolloutEdit(namespace, name, func(d *appsv1.Deployment) (*appsv1.Deployment, string, error) {
		nd, msg, err := rollout.SetImage(d, images)
		if err != nil || nd == nil || changeCause == "" {
			return nd, msg, err
		}
		if nd.Annotations == nil {
			nd.Annotations = map[string]string{}
		}
		nd.Annotations[ChangeCauseAnnotation] = changeCause
		return nd, msg, nil
	})
}

// ---- Services ---------------------------------------------------------------

// Expose is `kubectl expose deployment <name> [--port=P]`: a ClusterIP
// Service named like the Deployment, selecting its matchLabels, on port
// (the first container port when 0).
func (c *Cluster) Expose(namespace, deployment string, port int32) (*corev1.Service, error) {
	o, err := c.Get(KindDeployment, namespace, deployment)
	if err != nil {
		return nil, err
	}
	d := o.(*appsv1.Deployment)
	if port == 0 {
		for _, ctr := range d.Spec.Template.Spec.Containers {
			if len(ctr.Ports) > 0 {
				port = ctr.Ports[0].ContainerPort
				break
			}
		}
	}
	if port == 0 {
		return nil, fmt.Errorf("couldn't find port via --port flag or introspection")
	}
	if d.Spec.Selector == nil || len(d.Spec.Selector.MatchExpressions) > 0 {
		return nil, fmt.Errorf("couldn't convert expressions - \"%s\" to map-based selector format", metav1.FormatLabelSelector(d.Spec.Selector))
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: d.Name, Namespace: d.Namespace, Labels: d.Labels},
		Spec: corev1.ServiceSpec{
			Selector: d.Spec.Selector.MatchLabels,
			Ports:    []corev1.ServicePort{{Port: port, TargetPort: intstr.FromInt32(port), Protocol: corev1.ProtocolTCP}},
		},
	}
	out, err := c.Create(svc)
	if err != nil {
		return nil, err
	}
	return out.(*corev1.Service), nil
}

// Endpoint is one address behind a Service.
type Endpoint struct {
	Pod, IP, Node string
	// Ready: the pod is ready, so traffic goes to it.
	Ready bool
}

// Endpoints are the pods a Service selects that have an IP, in name order,
// with their readiness: what its EndpointSlice lists (ready endpoints get
// traffic; not-ready ones are listed but skipped).
func (c *Cluster) Endpoints(namespace, service string) ([]Endpoint, error) {
	o, err := c.Get(KindService, namespace, service)
	if err != nil {
		return nil, err
	}
	svc := o.(*corev1.Service)
	if len(svc.Spec.Selector) == 0 {
		return nil, nil
	}
	sel := selector.FromSet(svc.Spec.Selector)
	var out []Endpoint
	for _, p := range c.podsOf(svc.Namespace) {
		if !sel.Matches(p.Labels) || p.Status.PodIP == "" || podTerminal(p) {
			continue
		}
		out = append(out, Endpoint{Pod: p.Name, IP: p.Status.PodIP, Node: p.Spec.NodeName,
			Ready: p.DeletionTimestamp == nil && workload.IsReady(p)})
	}
	return out, nil
}

// ReadyEndpoints are the Service's endpoints that get traffic.
func (c *Cluster) ReadyEndpoints(namespace, service string) ([]Endpoint, error) {
	eps, err := c.Endpoints(namespace, service)
	return slices.DeleteFunc(eps, func(e Endpoint) bool { return !e.Ready }), err
}
