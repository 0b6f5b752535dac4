package kubectl

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/rollout"
)

// runRollout is `kubectl rollout history|undo|pause|resume|restart|status`
// (KH-1..8, KU-1..7).
func runRollout(s *Shell, c *command) error {
	sub := c.spec.path[len("rollout "):]
	files := c.list("filename")
	if len(c.args) == 0 && len(files) == 0 {
		return errors.New("required resource not specified")
	}
	switch sub {
	case "history", "status":
		if r := c.int("revision"); r < 0 {
			return fmt.Errorf("revision must be a positive integer: %v", r)
		}
	}
	if sub != "status" && sub != "history" {
		if err := checkOutput(c); err != nil {
			return err
		}
	}
	sel := selection{args: c.args, allowEmpty: true, selector: c.str("selector"), files: files}
	switch sub {
	case "pause", "resume", "restart":
		return s.rolloutPatch(c, sub, sel)
	case "status":
		return s.rolloutStatus(c, sel)
	}
	v, err := s.build(c, sel)
	if err != nil {
		return err
	}
	// history -o: the printer is made once, after the builder, before
	// any object is read.
	var hp *historyPrinter
	if sub == "history" && c.changed("output") {
		if hp, err = newHistoryPrinter(c.str("output")); err != nil {
			return err
		}
	}
	var errs []error
	for _, it := range s.fetch(v, c.ns) {
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		var err error
		switch {
		case hp != nil:
			err = s.rolloutHistoryObjects(c, it, hp)
		case sub == "history":
			err = s.rolloutHistory(c, it)
		default:
			err = s.rolloutUndo(c, it)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return flatAggregate(errs)
}

func (s *Shell) rolloutUndo(c *command, it *item) error {
	if _, ok := it.obj.GetAnnotations()[corev1.LastAppliedConfigAnnotation]; ok {
		fmt.Fprintf(c.out, "Warning: resource %s/%s was previously managed with 'kubectl apply'. "+
			"Rolling back will not update the %s annotation, which may cause unexpected behavior on future 'kubectl apply' operations. "+
			"Consider using 'kubectl apply' with your previous configuration file instead.\n", it.res.groupResource(), it.name, corev1.LastAppliedConfigAnnotation)
	}
	if it.res.kind != cluster.KindDeployment {
		return fmt.Errorf("no rollbacker has been implemented for %q", it.res.groupKind())
	}
	msg, err := s.Cluster.RolloutUndo(it.ns, it.name, c.int("to-revision"))
	if err != nil {
		return err
	}
	if c.str("output") == "name" {
		msg = it.res.kindName() + "/" + it.name
	}
	c.out.WriteString(msg + "\n")
	return nil
}

// rolloutPatch is pause, resume and restart: kubectl changes the object
// on the client (ObjectPauser, ObjectResumer, ObjectRestarter) and sends
// the difference as a strategic merge patch; an empty patch sends
// nothing.
func (s *Shell) rolloutPatch(c *command, sub string, sel selection) error {
	v, err := s.build(c, sel)
	if err != nil {
		return err
	}
	items, infoErr := infos(s.fetch(v, c.ns))
	var errs []error
	if infoErr != nil {
		errs = append(errs, infoErr)
	}
	if len(items) == 0 && len(errs) == 0 {
		fmt.Fprintf(c.out, "No resources found in %s namespace.\n", c.ns)
		return nil
	}
	now := s.Cluster.Now()
	for _, it := range items {
		d, ok := it.obj.(*appsv1.Deployment)
		var perr error
		nd := copyOf(it.obj)
		switch {
		case !ok:
			perr = fmt.Errorf("%s is not supported", map[string]string{"pause": "pausing", "resume": "resuming", "restart": "restarting"}[sub])
		case sub == "pause" && d.Spec.Paused:
			perr = errors.New("is already paused")
		case sub == "resume" && !d.Spec.Paused:
			perr = errors.New("is not paused")
		case sub == "restart" && d.Spec.Paused:
			perr = errors.New("can't restart paused deployment (run rollout resume first)")
		case sub == "pause":
			nd.(*appsv1.Deployment).Spec.Paused = true
		case sub == "resume":
			nd.(*appsv1.Deployment).Spec.Paused = false
		default:
			t := &nd.(*appsv1.Deployment).Spec.Template
			if t.Annotations == nil {
				t.Annotations = map[string]string{}
			}
			t.Annotations[rollout.RestartedAtAnnotation] = now.Format(time.RFC3339)
		}
		if perr != nil {
			errs = append(errs, fmt.Errorf("error: %s %q %v", it.res.groupResource(), it.name, perr))
			continue
		}
		patch, err := twoWayPatch(it.res.kind, it.obj, nd)
		if err != nil {
			errs = append(errs, fmt.Errorf("error: %s %q %v", it.res.groupResource(), it.name, err))
			continue
		}
		done := map[string]string{"pause": "paused", "resume": "resumed", "restart": "restarted"}[sub]
		if string(patch) == "{}" {
			if sub == "restart" {
				errs = append(errs, fmt.Errorf("failed to create patch for %v: if restart has already been triggered within the past second, please wait before attempting to trigger another", it.name))
				continue
			}
			printName(c, it.res, it.name, "already "+done, dryRunNone)
			continue
		}
		// The change goes through the cluster's own verb: cluster.Patch
		// does not clear a field a patch sets to null, and resume's patch
		// is {"spec":{"paused":null}}.
		var err2 error
		switch sub {
		case "pause":
			_, err2 = s.Cluster.RolloutPause(it.ns, it.name)
		case "resume":
			_, err2 = s.Cluster.RolloutResume(it.ns, it.name)
		default:
			_, err2 = s.Cluster.RolloutRestart(it.ns, it.name)
		}
		if err2 != nil {
			errs = append(errs, fmt.Errorf("failed to patch: %v", err2))
			continue
		}
		printName(c, it.res, it.name, done, dryRunNone)
	}
	return aggregate(errs)
}

// rolloutStatus is `kubectl rollout status` (KH-8): the status is printed
// at once, then at every change of the Deployment until the rollout is
// done, the Deployment is gone, or the wait is over; --watch=false looks
// once.
func (s *Shell) rolloutStatus(c *command, sel selection) error {
	v, err := s.build(c, sel)
	if err != nil {
		return err
	}
	var errs []error
	found := false
	for _, it := range s.fetch(v, c.ns) {
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		found = true
		if it.res.kind != cluster.KindDeployment {
			errs = append(errs, fmt.Errorf("no status viewer has been implemented for %v", it.res.groupKind()))
			continue
		}
		if err := s.watchStatus(c, it); err != nil {
			errs = append(errs, err)
		}
	}
	if err := flatAggregate(errs); err != nil {
		return err
	}
	if !found {
		fmt.Fprintf(c.out, "No resources found in %s namespace.\n", c.ns)
	}
	return nil
}

func (s *Shell) watchStatus(c *command, it *item) error {
	revision := c.int("revision")
	watch := c.bool("watch")
	var result error
	done := false
	look := func(d *appsv1.Deployment) {
		msg, ok, err := deploymentStatus(d, revision)
		if err != nil {
			result, done = err, true
			return
		}
		c.out.WriteString(msg)
		if ok || !watch {
			done = true
		}
	}
	look(it.obj.(*appsv1.Deployment))
	if done {
		return result
	}
	uid := it.obj.GetUID()
	s.watch(func(ch cluster.Change) {
		if done || ch.Kind != cluster.KindDeployment || ch.Object.GetNamespace() != it.ns || ch.Object.GetName() != it.name {
			return
		}
		if ch.Type == "DELETED" || ch.Object.GetUID() != uid {
			result, done = errors.New("object has been deleted"), true
			return
		}
		look(ch.Object.(*appsv1.Deployment))
	})
	defer s.watch(nil)
	if err := s.runUntil(func() bool { return done }, c.duration("timeout")); err != nil {
		return err
	}
	if !done {
		return errors.New("timed out waiting for the condition")
	}
	return result
}

// deploymentStatus is DeploymentStatusViewer.Status, with --revision.
func deploymentStatus(d *appsv1.Deployment, revision int64) (string, bool, error) {
	if revision > 0 {
		have := int64(0)
		var err error
		if v, ok := d.Annotations[rollout.RevisionAnnotation]; ok {
			have, err = strconv.ParseInt(v, 10, 64)
		}
		if err != nil {
			return "", false, fmt.Errorf("cannot get the revision of deployment %q: %v", d.Name, err)
		}
		if have != revision {
			return "", false, fmt.Errorf("desired revision (%d) is different from the running revision (%d)", revision, have)
		}
	}
	return rollout.RolloutStatus(d)
}

// watch sends the cluster's changes to fn (nil: to nobody). The Shell
// registers itself with the cluster once.
func (s *Shell) watch(fn func(cluster.Change)) {
	s.onChange = fn
	if fn != nil && s.watched != s.Cluster {
		s.watched = s.Cluster
		c := s.Cluster
		c.Watch(func(ch cluster.Change) {
			if s.onChange != nil && s.watched == c {
				s.onChange(ch)
			}
		})
	}
}
