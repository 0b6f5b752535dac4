package kubectl

import (
	"errors"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/labels"
	"github.com/kubesem/kubesem/namespace"
	"github.com/kubesem/kubesem/printers"
)

func (s *Shell) get(c *command) (string, error) {
	if len(c.args) == 0 {
		return "", errors.New("You must specify the type of resource to get. ")
	}
	opts := printers.Options{Wide: c.flag("output") == "wide", ShowLabels: c.has("show-labels"), AllNamespaces: c.has("all-namespaces")}
	if cols := c.flag("label-columns"); cols != "" {
		keys, err := labels.ParseColumns(cols)
		if err != nil {
			return "", err
		}
		opts.LabelColumns = keys
	}
	if o := c.flag("output"); o != "" && o != "wide" {
		return "", fmt.Errorf("kubesem's kubectl prints tables only (-o wide), not -o %s", o)
	}
	ns := c.ns
	if opts.AllNamespaces {
		ns = cluster.AllNamespaces
	}
	if strings.ToLower(c.args[0]) == "all" {
		var parts []string
		for _, kind := range []string{cluster.KindPod, cluster.KindService, cluster.KindDeployment, cluster.KindReplicaSet, cluster.KindReplicationController} {
			objs, err := s.Cluster.List(kind, ns, c.flag("selector"))
			if err != nil {
				return "", err
			}
			if len(objs) == 0 {
				continue
			}
			for _, o := range objs {
				o.SetName(kindName(kind) + "/" + o.GetName())
			}
			parts = append(parts, s.table(kind, objs, opts))
		}
		if len(parts) == 0 {
			return printers.NoResources(ns, true) + "\n", nil
		}
		return strings.Join(parts, "\n"), nil
	}
	kind, names, err := target(c.args)
	if err != nil {
		return "", err
	}
	if strings.ToLower(c.args[0]) == "events" || strings.ToLower(c.args[0]) == "ev" {
		return printers.Events(s.Cluster.EventList(ns), s.Cluster.Now(), opts), nil
	}
	var objs []cluster.Object
	if len(names) > 0 {
		var errs []string
		for _, n := range names {
			o, err := s.Cluster.Get(kind, ns, n)
			if err != nil {
				errs = append(errs, Format(err))
				continue
			}
			objs = append(objs, o)
		}
		out := ""
		if len(objs) > 0 {
			out = s.table(kind, objs, opts)
		}
		if len(errs) > 0 {
			return out + strings.Join(errs, ""), errors.New("not found")
		}
		return out, nil
	}
	objs, err = s.Cluster.List(kind, ns, c.flag("selector"))
	if err != nil {
		return "", err
	}
	if len(objs) == 0 {
		return printers.NoResources(ns, kind != cluster.KindNamespace && kind != cluster.KindNode) + "\n", nil
	}
	return s.table(kind, objs, opts), nil
}

func (s *Shell) table(kind string, objs []cluster.Object, o printers.Options) string {
	now := s.Cluster.Now()
	switch kind {
	case cluster.KindPod:
		return printers.Pods(as[*corev1.Pod](objs), now, o)
	case cluster.KindReplicaSet:
		return printers.ReplicaSets(as[*appsv1.ReplicaSet](objs), now, o)
	case cluster.KindReplicationController:
		return printers.ReplicationControllers(as[*corev1.ReplicationController](objs), now, o)
	case cluster.KindDeployment:
		return printers.Deployments(as[*appsv1.Deployment](objs), now, o)
	case cluster.KindNamespace:
		return printers.Namespaces(as[*corev1.Namespace](objs), now, o)
	case cluster.KindNode:
		return printers.Nodes(as[*corev1.Node](objs), now, o)
	case cluster.KindService:
		return printers.Services(as[*corev1.Service](objs), now, o)
	}
	var b strings.Builder
	b.WriteString("NAME\n")
	for _, obj := range objs {
		b.WriteString(obj.GetName() + "\n")
	}
	return b.String()
}

func as[T cluster.Object](objs []cluster.Object) []T {
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(T))
	}
	return out
}

func (s *Shell) file(c *command) ([]cluster.Object, error) {
	name := c.flag("filename")
	if name == "" {
		return nil, errors.New("must specify one of -f and -k")
	}
	data, ok := s.Files[name]
	if !ok {
		return nil, fmt.Errorf("the path %q does not exist", name)
	}
	return cluster.Decode(data)
}

func (s *Shell) createFile(c *command) (string, error) {
	objs, err := s.file(c)
	if err != nil {
		return "", err
	}
	if c.has("record") && c.flag("record") == "true" {
		for _, o := range objs {
			a := o.GetAnnotations()
			if a == nil {
				a = map[string]string{}
			}
			a[cluster.ChangeCauseAnnotation] = c.changeCause()
			o.SetAnnotations(a)
		}
	}
	verb := "created"
	var out []cluster.Object
	if c.path[0] == "apply" {
		before := map[string]string{}
		for _, o := range objs {
			if cur, err := s.Cluster.Get(kindOfObject(o), nsFor(o, c.ns), o.GetName()); err == nil {
				before[o.GetName()] = cur.GetResourceVersion()
			}
		}
		out, err = s.Cluster.ApplyAll(objs, c.ns)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		for _, o := range out {
			rv, existed := before[o.GetName()]
			switch {
			case !existed:
				verb = "created"
			case rv == o.GetResourceVersion():
				verb = "unchanged"
			default:
				verb = "configured"
			}
			fmt.Fprintf(&b, "%s/%s %s\n", kindName(kindOfObject(o)), o.GetName(), verb)
		}
		return b.String(), nil
	}
	out, err = s.Cluster.CreateAll(objs, c.ns)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, o := range out {
		fmt.Fprintf(&b, "%s/%s %s\n", kindName(kindOfObject(o)), o.GetName(), verb)
	}
	return b.String(), nil
}

func nsFor(o cluster.Object, ns string) string {
	if o.GetNamespace() != "" {
		return o.GetNamespace()
	}
	return ns
}

func kindOfObject(o cluster.Object) string {
	switch o.(type) {
	case *corev1.Pod:
		return cluster.KindPod
	case *appsv1.ReplicaSet:
		return cluster.KindReplicaSet
	case *corev1.ReplicationController:
		return cluster.KindReplicationController
	case *appsv1.Deployment:
		return cluster.KindDeployment
	case *corev1.Namespace:
		return cluster.KindNamespace
	case *corev1.Node:
		return cluster.KindNode
	case *corev1.Service:
		return cluster.KindService
	case *corev1.ResourceQuota:
		return cluster.KindResourceQuota
	}
	return ""
}

func (s *Shell) createNamespace(c *command) (string, error) {
	if len(c.args) != 1 {
		return "", fmt.Errorf("exactly one NAME is required, got %d", len(c.args))
	}
	if c.flag("dry-run") == "client" {
		if c.flag("output") != "yaml" {
			return "namespace/" + c.args[0] + " created (dry run)\n", nil
		}
		b, err := namespace.CreateDryRun(c.args[0])
		return string(b), err
	}
	if _, err := s.Cluster.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: c.args[0]}}); err != nil {
		return "", err
	}
	return "namespace/" + c.args[0] + " created\n", nil
}

// createDeployment is `kubectl create deployment NAME --image=I
// [--port=P] [--replicas=N]`: labels app=NAME, one container named after
// the image's last path element.
func (s *Shell) createDeployment(c *command) (string, error) {
	if len(c.args) != 1 {
		return "", errors.New("exactly one NAME is required, got " + fmt.Sprint(len(c.args)))
	}
	image := c.flag("image")
	if image == "" {
		return "", errors.New("required flag(s) \"image\" not set")
	}
	name := c.args[0]
	ctrName := image
	if i := strings.LastIndexAny(ctrName, "/"); i >= 0 {
		ctrName = ctrName[i+1:]
	}
	ctrName, _, _ = strings.Cut(ctrName, ":")
	ctrName, _, _ = strings.Cut(ctrName, "@")
	replicas := int32(1)
	if r := c.flag("replicas"); r != "" {
		n, err := atoi64(r)
		if err != nil {
			return "", err
		}
		replicas = int32(n)
	}
	ctr := corev1.Container{Name: ctrName, Image: image}
	if p := c.flag("port"); p != "" {
		n, err := atoi64(p)
		if err != nil {
			return "", err
		}
		ctr.Ports = []corev1.ContainerPort{{ContainerPort: int32(n)}}
	}
	lbl := map[string]string{"app": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: c.ns, Labels: lbl},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{ctr}},
			},
		},
	}
	if _, err := s.Cluster.Create(d); err != nil {
		return "", err
	}
	return "deployment.apps/" + name + " created\n", nil
}

func (s *Shell) delete(c *command) (string, error) {
	opts := cluster.DeleteOptions{}
	switch v := c.flag("cascade"); v {
	case "", "background", "true":
		opts.Propagation = metav1.DeletePropagationBackground
	case "foreground":
		opts.Propagation = metav1.DeletePropagationForeground
	case "orphan", "false":
		opts.Propagation = metav1.DeletePropagationOrphan
	default:
		return "", fmt.Errorf(`invalid cascade value (%s). Must be "background", "foreground", or "orphan"`, v)
	}
	var warn string
	if v := c.flag("cascade"); v == "true" || v == "false" {
		to := map[string]string{"true": "background", "false": "orphan"}[v]
		warn = fmt.Sprintf("warning: --cascade=%s is deprecated (boolean value) and can be replaced with --cascade=%s.\n", v, to)
	}
	force := c.flag("force") == "true"
	if g := c.flag("grace-period"); g != "" {
		n, err := atoi64(g)
		if err != nil {
			return "", err
		}
		if n == 0 && !force {
			n = 1 // --grace-period=0 without --force means 1 s (RS-14.7)
		}
		opts.GracePeriodSeconds = &n
	}
	if force {
		zero := int64(0)
		opts.GracePeriodSeconds = &zero
		warn += "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n"
	}
	deleted := "deleted"
	if force {
		deleted = "force deleted"
	}
	line := func(kind, ns, name string) string {
		res := strings.ToLower(kind)
		if kind == cluster.KindReplicaSet || kind == cluster.KindDeployment {
			res = kindName(kind)
		}
		if kind == cluster.KindNamespace || kind == cluster.KindNode {
			return fmt.Sprintf("%s %q %s\n", res, name, deleted)
		}
		return fmt.Sprintf("%s %q %s from %s namespace\n", res, name, deleted, ns)
	}
	var b strings.Builder
	b.WriteString(warn)
	if c.has("filename") {
		objs, err := s.file(c)
		if err != nil {
			return "", err
		}
		for _, o := range objs {
			kind := kindOfObject(o)
			ns := nsFor(o, c.ns)
			if err := s.Cluster.Delete(kind, ns, o.GetName(), opts); err != nil {
				return b.String(), err
			}
			b.WriteString(line(kind, ns, o.GetName()))
		}
		return b.String(), nil
	}
	kind, names, err := target(c.args)
	if err != nil {
		return "", err
	}
	if c.has("all") || c.has("selector") {
		if c.has("all") && c.has("selector") {
			return "", errors.New("cannot set --all and --selector at the same time")
		}
		deletedNames, err := s.Cluster.DeleteAll(kind, c.ns, c.flag("selector"), opts)
		if err != nil {
			return b.String(), err
		}
		if len(deletedNames) == 0 {
			return "No resources found\n", nil
		}
		for _, n := range deletedNames {
			b.WriteString(line(kind, c.ns, n))
		}
		return b.String(), nil
	}
	if len(names) == 0 {
		return "", errors.New("resource(s) were provided, but no name was specified")
	}
	for _, n := range names {
		if err := s.Cluster.Delete(kind, c.ns, n, opts); err != nil {
			return b.String(), err
		}
		b.WriteString(line(kind, c.ns, n))
	}
	return b.String(), nil
}

func (s *Shell) label(c *command) (string, error) {
	resources, changes, err := labels.SplitArgs(c.args, map[string]string{"label": "label", "annotate": "annotation"}[c.path[0]])
	if err != nil {
		return "", err
	}
	kind, names, err := target(resources)
	if err != nil {
		return "", err
	}
	overwrite := c.flag("overwrite") == "true"
	var b strings.Builder
	for _, n := range names {
		var out string
		if c.path[0] == "label" {
			out, err = s.Cluster.Label(kind, c.ns, n, overwrite, changes...)
		} else {
			out, err = s.Cluster.Annotate(kind, c.ns, n, overwrite, changes...)
		}
		if err != nil {
			return b.String(), err
		}
		b.WriteString(out + "\n")
	}
	return b.String(), nil
}

func (s *Shell) scale(c *command) (string, error) {
	r := c.flag("replicas")
	if r == "" {
		return "", errors.New(`required flag(s) "replicas" not set`)
	}
	n, err := atoi64(r)
	if err != nil {
		return "", err
	}
	kind, names, err := target(c.args)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, name := range names {
		if err := s.Cluster.Scale(kind, c.ns, name, int32(n)); err != nil {
			return b.String(), err
		}
		fmt.Fprintf(&b, "%s/%s scaled\n", kindName(kind), name)
	}
	return b.String(), nil
}

func (s *Shell) setImage(c *command) (string, error) {
	var res []string
	images := map[string]string{}
	for _, a := range c.args {
		if k, v, ok := strings.Cut(a, "="); ok {
			images[k] = v
		} else {
			res = append(res, a)
		}
	}
	kind, names, err := target(res)
	if err != nil {
		return "", err
	}
	if kind != cluster.KindDeployment {
		return "", fmt.Errorf("kubesem's set image handles deployments only")
	}
	cause := ""
	if c.flag("record") == "true" {
		cause = c.changeCause()
	}
	var b strings.Builder
	for _, n := range names {
		msg, err := s.Cluster.SetImage(c.ns, n, images, cause)
		if err != nil {
			return b.String(), err
		}
		if msg != "" {
			b.WriteString(msg + "\n")
		}
	}
	return b.String(), nil
}

func (s *Shell) patch(c *command) (string, error) {
	kind, names, err := target(c.args)
	if err != nil {
		return "", err
	}
	if len(names) != 1 {
		return "", errors.New("exactly one resource name is required")
	}
	out, err := s.Cluster.Patch(kind, c.ns, names[0], []byte(c.flag("patch")))
	if err != nil {
		return "", err
	}
	return out + "\n", nil
}

func (s *Shell) expose(c *command) (string, error) {
	kind, names, err := target(c.args)
	if err != nil {
		return "", err
	}
	if kind != cluster.KindDeployment || len(names) != 1 {
		return "", errors.New("kubesem's expose handles one deployment")
	}
	var port int64
	if p := c.flag("port"); p != "" {
		if port, err = atoi64(p); err != nil {
			return "", err
		}
	}
	svc, err := s.Cluster.Expose(c.ns, names[0], int32(port))
	if err != nil {
		return "", err
	}
	return "service/" + svc.Name + " exposed\n", nil
}

func (s *Shell) rollout(c *command) (string, error) {
	kind, names, err := target(c.args)
	if err != nil {
		return "", err
	}
	if kind != cluster.KindDeployment || len(names) != 1 {
		return "", errors.New("kubesem's rollout handles one deployment")
	}
	name := names[0]
	switch c.path[1] {
	case "history":
		if r := c.flag("revision"); r != "" {
			return "", errors.New("kubesem's rollout history does not print --revision details")
		}
		return s.Cluster.RolloutHistory(c.ns, name)
	case "undo":
		var rev int64
		if r := c.flag("to-revision"); r != "" {
			if rev, err = atoi64(r); err != nil {
				return "", err
			}
		}
		msg, err := s.Cluster.RolloutUndo(c.ns, name, rev)
		if err != nil {
			return "", err
		}
		return msg + "\n", nil
	case "pause", "resume", "restart":
		var msg string
		switch c.path[1] {
		case "pause":
			msg, err = s.Cluster.RolloutPause(c.ns, name)
		case "resume":
			msg, err = s.Cluster.RolloutResume(c.ns, name)
		default:
			msg, err = s.Cluster.RolloutRestart(c.ns, name)
		}
		if err != nil {
			return "", err
		}
		return msg + "\n", nil
	case "status":
		msg, _, err := s.Cluster.RolloutStatus(c.ns, name)
		if err != nil {
			return "", err
		}
		return msg, nil
	}
	return "", apierrors.NewBadRequest("unknown rollout command")
}
