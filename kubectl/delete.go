package kubectl

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubesem/kubesem/cluster"
)

// cascade reads --cascade as delete_flags.go's parseCascadingFlag does
// (RS-11.4): the deprecated booleans warn.
func cascade(c *command) (metav1.DeletionPropagation, error) {
	v := c.str("cascade")
	b, err := strconv.ParseBool(v)
	if err != nil {
		switch v {
		case "orphan":
			return metav1.DeletePropagationOrphan, nil
		case "foreground":
			return metav1.DeletePropagationForeground, nil
		case "background":
			return metav1.DeletePropagationBackground, nil
		}
		return "", fmt.Errorf(`invalid cascade value (%v). Must be "background", "foreground", or "orphan"`, v)
	}
	to, p := "orphan", metav1.DeletePropagationOrphan
	if b {
		to, p = "background", metav1.DeletePropagationBackground
	}
	fmt.Fprintf(c.out, "warning: --cascade=%v is deprecated (boolean value) and can be replaced with --cascade=%s.\n", v, to)
	return p, nil
}

// deleted is one object kubectl deleted and waits for.
type deleted struct {
	res       *resource
	ns, name  string
	uid       types.UID
	namespace bool
}

// runDelete is `kubectl delete` (RS-14.7).
func runDelete(s *Shell, c *command) error {
	prop, err := cascade(c)
	if err != nil {
		return err
	}
	all, selector := c.bool("all"), c.str("selector")
	ignoreNF := c.bool("ignore-not-found")
	if (all || selector != "") && !c.changed("ignore-not-found") {
		ignoreNF = true
	}
	grace := c.int("grace-period")
	force := c.bool("force")
	if c.bool("now") {
		if grace != -1 {
			return errors.New("--now and --grace-period cannot be specified together")
		}
		grace = 1
	}
	if grace == 0 && !force {
		grace = 1 // RS-14.7: only --force deletes at once
	}
	if force && grace < 0 {
		grace = 0
	}
	allNS := c.bool("all-namespaces")
	v, err := s.build(c, selection{args: c.args, selector: selector, selectAll: all, files: c.list("filename"), allNS: allNS})
	if err != nil {
		return err
	}
	if o := c.str("output"); o != "" && o != "name" {
		return fmt.Errorf("unexpected -o output mode: %v. We only support '-o name'", o)
	}
	if all && selector != "" {
		return errors.New("cannot set --all and --selector at the same time")
	}
	switch {
	case grace == 0 && force:
		c.out.WriteString("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n")
	case grace > 0 && force:
		return errors.New("--force and --grace-period greater than 0 cannot be specified together")
	}

	opts := cluster.DeleteOptions{Propagation: prop}
	if grace >= 0 {
		opts.GracePeriodSeconds = &grace
	}
	operation := "deleted"
	if grace == 0 {
		operation = "force deleted"
	}
	listNS := c.ns
	if allNS {
		listNS = cluster.AllNamespaces
	}
	warnScope := c.nsGiven && !allNS
	found := 0
	var errs []error
	var gone []deleted
	deleteOne := func(it *item) {
		found++
		if warnScope && !it.res.namespaced {
			c.out.WriteString("Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n")
			warnScope = false
		}
		var uid types.UID
		if o, err := s.get(it.res, it.ns, it.name); err == nil {
			uid = o.GetUID()
		}
		if err := s.delete(it, opts); err != nil {
			if !(ignoreNF && isNotFound(err)) {
				errs = append(errs, addSource("deleting", it.source, err))
			}
			return
		}
		switch {
		case c.str("output") == "name":
			fmt.Fprintf(c.out, "%s/%s\n", it.res.kindName(), it.name)
		case it.res.namespaced:
			fmt.Fprintf(c.out, "%s %q %s from %s namespace\n", it.res.kindName(), it.name, operation, it.ns)
		default:
			fmt.Fprintf(c.out, "%s %q %s\n", it.res.kindName(), it.name, operation)
		}
		gone = append(gone, deleted{res: it.res, ns: it.ns, name: it.name, uid: uid})
	}
	for _, it := range v.items {
		deleteOne(it)
	}
	// Each type is listed when its turn comes (EagerVisitorList of
	// Selectors): deleting a Deployment first takes its ReplicaSets.
	for _, r := range v.lists {
		objs, err := s.list(r, listNS, v.selector)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, o := range objs {
			deleteOne(&item{res: r, ns: o.GetNamespace(), name: o.GetName()})
		}
	}
	if err := aggregate(errs); err != nil {
		return err
	}
	if found == 0 {
		c.out.WriteString("No resources found\n")
		return nil
	}
	if !c.bool("wait") {
		return nil
	}
	return s.waitDeleted(gone, c.duration("timeout"))
}

func (s *Shell) delete(it *item, opts cluster.DeleteOptions) error {
	if it.res.kind == kindEvent {
		return errors.New("kubesem's kubectl does not delete events")
	}
	return s.Cluster.Delete(it.res.kind, it.ns, it.name, opts)
}

// waitDeleted is delete's --wait: the virtual clock runs until every
// deleted object (by UID) is gone, at most the timeout (WaitLimit when
// zero); then kubectl's timeout error names the first still there.
func (s *Shell) waitDeleted(objs []deleted, timeout time.Duration) error {
	present := func(d deleted) bool {
		o, err := s.get(d.res, d.ns, d.name)
		return err == nil && (d.uid == "" || o.GetUID() == d.uid)
	}
	pending := func() *deleted {
		for i := range objs {
			if present(objs[i]) {
				return &objs[i]
			}
		}
		return nil
	}
	if pending() == nil {
		return nil
	}
	if err := s.runUntil(func() bool { return pending() == nil }, timeout); err != nil {
		return err
	}
	if d := pending(); d != nil {
		return fmt.Errorf("timed out waiting for the condition on %s/%s", d.res.plural, d.name)
	}
	return nil
}

// runUntil runs the cluster until done holds or the wait is over (the
// timeout, else WaitLimit), as kubectl's watches do in real time. It
// fails only when the cluster fails.
func (s *Shell) runUntil(done func() bool, timeout time.Duration) error {
	limit := timeout
	if limit <= 0 {
		limit = s.WaitLimit
	}
	if limit <= 0 {
		limit = DefaultWaitLimit
	}
	end := s.Cluster.Now().Add(limit)
	err := s.Cluster.RunUntil(func(*cluster.Cluster) bool { return done() }, limit)
	if errors.Is(err, cluster.ErrNotSettled) {
		// Nothing left to happen, or the limit passed: kubectl would have
		// waited until its timeout.
		if rest := end.Sub(s.Cluster.Now()); rest > 0 {
			return s.Cluster.Advance(rest)
		}
		return nil
	}
	return err
}

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }
