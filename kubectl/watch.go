package kubectl

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/printers"
)

// DefaultWatchFor is how long `kubectl get -w` watches when
// Shell.WatchFor is zero.
const DefaultWatchFor = time.Minute

// ErrInterrupted is the error of a `kubectl get -w` the user stopped
// (Shell.WatchFor ran out): kubectl's interrupt handler exits 1 without a
// word, so Format prints nothing for it.
var ErrInterrupted = errors.New("kubectl: interrupted")

// errMultipleResourceTypes is the builder's ErrMultipleResourceTypes.
var errMultipleResourceTypes = errors.New("you may only specify a single resource type")

// parseRequestTimeout is clientcmd.ParseTimeout: whole seconds, or a Go
// duration.
func parseRequestTimeout(v string) (time.Duration, error) {
	if i, err := strconv.ParseInt(v, 10, 64); err == nil && i >= 0 {
		return time.Duration(i) * time.Second, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d, nil
	}
	return 0, errors.New("Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)")
}

// runWatch is `kubectl get -w` and `--watch-only` (rule 10): the objects
// as they are now, then a row per watch event, running the cluster's
// virtual clock, until --request-timeout closes the watch (exit 0) or
// Shell.WatchFor ends it as a Ctrl-C would (ErrInterrupted).
func runWatch(s *Shell, c *command) error {
	watchOnly := c.bool("watch-only")
	events := c.bool("output-watch-events")
	output := c.str("output")
	switch output {
	case "", "wide", "name":
	default:
		return outputFormatError(output, getFormats)
	}
	limit := s.WatchFor
	if limit <= 0 {
		limit = DefaultWatchFor
	}
	closes := false // the server closes the watch at --request-timeout
	if v := c.str("request-timeout"); v != "" {
		d, err := parseRequestTimeout(v)
		if err != nil {
			return err
		}
		if d > 0 && d <= limit {
			limit, closes = d, true
		}
	}
	allNS := c.bool("all-namespaces")
	v, err := s.build(c, selection{args: c.args, allowEmpty: true, selector: c.str("selector"), files: c.list("filename"), allNS: allNS})
	if err != nil {
		return err
	}
	// SingleResourceType: more than one type named ("pods,po" too), or
	// names of more than one type
	res := map[*resource]bool{}
	for _, it := range v.items {
		if it.source == "" {
			res[it.res] = true
		}
	}
	if len(v.lists) > 1 || len(res) > 1 || (len(v.lists) == 1 && len(res) > 0) {
		return errMultipleResourceTypes
	}
	var r *resource
	var objs []cluster.Object
	var named *item
	switch {
	case len(v.lists) == 1:
		r = v.lists[0]
		ns := c.ns
		if allNS {
			ns = cluster.AllNamespaces
		}
		if objs, err = s.list(r, ns, v.selector); err != nil {
			return err
		}
	case len(v.items) > 0:
		for _, it := range v.items {
			o, err := s.get(it.res, it.ns, it.name)
			if err != nil {
				if c.bool("ignore-not-found") && isNotFound(err) {
					return nil
				}
				return err
			}
			objs = append(objs, o)
		}
		r, named = v.items[0].res, v.items[0]
	default:
		return missingResource
	}
	if r.kind == kindEvent {
		return errors.New("kubesem's kubectl does not model get --watch of events")
	}
	if !printers.Watchable(r.kind) {
		return fmt.Errorf("kubesem's printers have no table for %s", r.groupResource())
	}
	opts := printers.Options{
		Wide:          output == "wide",
		ShowLabels:    c.bool("show-labels"),
		AllNamespaces: allNS && r.namespaced,
		NoHeaders:     c.bool("no-headers"),
	}
	for _, k := range c.list("label-columns") {
		if k != "" {
			opts.LabelColumns = append(opts.LabelColumns, k)
		}
	}
	opts.Columns = s.customColumns(r)
	p := printers.NewWatch(opts, events)
	emit := func(at time.Time, text string) {
		if text == "" {
			return
		}
		c.out.WriteString(text)
		if s.OnWatch != nil {
			s.OnWatch(at, text)
		}
	}
	print := func(at time.Time, typ string, objs []cluster.Object) error {
		if output == "name" {
			for _, o := range objs {
				emit(at, fmt.Sprintf("%s/%s\n", r.kindName(), o.GetName()))
			}
			return nil
		}
		ros := make([]runtime.Object, len(objs))
		for i, o := range objs {
			if c.bool("show-kind") {
				// the NAME column reads kind/name; the object is the
				// cluster's, so a copy is renamed
				o = o.DeepCopyObject().(cluster.Object)
				o.SetName(r.kindName() + "/" + o.GetName())
			}
			ros[i] = o
		}
		var text string
		var err error
		if typ == "" {
			text, err = p.List(ros, at)
		} else {
			text, err = p.Event(typ, ros[0], at)
		}
		emit(at, text)
		return err
	}
	if !watchOnly {
		if err := print(s.Cluster.Now(), "", objs); err != nil {
			return err
		}
	}
	if len(v.items) > 1 {
		return errors.New("you may only watch a single resource or type of resource at a time")
	}

	sel, err := k8slabels.Parse(v.selector)
	if err != nil {
		return err // cannot happen: the list above parsed it
	}
	// what the watch has shown, by namespace and name, as last shown
	in := map[[2]string]cluster.Object{}
	for _, o := range objs {
		in[[2]string{o.GetNamespace(), o.GetName()}] = o
	}
	var failed error
	s.watch(func(ch cluster.Change) {
		if failed != nil || ch.Kind != r.kind {
			return
		}
		o := ch.Object
		k := [2]string{o.GetNamespace(), o.GetName()}
		var match bool
		if named != nil {
			match = k == [2]string{named.ns, named.name}
		} else {
			match = (allNS || !r.namespaced || o.GetNamespace() == c.ns) && sel.Matches(k8slabels.Set(o.GetLabels()))
		}
		typ := ch.Type
		last, shown := in[k]
		switch {
		case typ == "DELETED" && !shown:
			return
		case typ == "DELETED":
			delete(in, k)
		case match:
			if shown {
				typ = "MODIFIED"
			} else {
				typ = "ADDED"
			}
			in[k] = o
		case shown:
			// no longer selected: the apiserver's watch sends DELETED
			// with the object as it was before this write
			typ, o = "DELETED", last
			delete(in, k)
		default:
			return
		}
		failed = print(ch.At, typ, []cluster.Object{o})
	})
	defer s.watch(nil)
	if s.Interrupt == nil {
		if err := s.Cluster.Advance(limit); err != nil {
			return err
		}
	} else {
		// A virtual second at a time, asking whether the user pressed
		// Ctrl-C.
		for left := limit; left > 0 && failed == nil; left -= time.Second {
			if err := s.Cluster.Advance(min(left, time.Second)); err != nil {
				return err
			}
			if left > time.Second && s.Interrupt() {
				return ErrInterrupted
			}
		}
	}
	if failed != nil {
		return failed
	}
	if closes {
		return nil
	}
	return ErrInterrupted
}
