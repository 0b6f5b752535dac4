package kubectl

import (
	"errors"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubesem/kubesem/printers"
)

// runDescribe is `kubectl describe TYPE [NAME_PREFIX]` for ReplicaSets,
// pods and Deployments (printers.DescribeReplicaSet, DescribePod,
// DescribeDeployment) and custom resources (printers.DescribeObject): the
// objects named, selected or listed,
// separated by a blank line; the Events section only when one object is
// described (or --show-events is given); a name that matches no object
// describes every object whose name starts with it, as kubectl does.
// MODEL: other kinds are refused.
func runDescribe(s *Shell, c *command) error {
	files := c.list("filename")
	if len(c.args) == 0 && len(files) == 0 {
		return errors.New("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n")
	}
	allNS := c.bool("all-namespaces")
	items, err := s.objects(c, selection{args: c.args, allowEmpty: true, selector: c.str("selector"), files: files, allNS: allNS})
	if err != nil {
		return err
	}
	found, err := infos(items)
	showEvents := c.bool("show-events")
	if (err != nil || len(found) > 1) && !c.changed("show-events") {
		showEvents = false
	}
	if err != nil && isNotFound(err) && len(c.args) == 2 {
		return s.describeMatching(c, err, showEvents)
	}
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	seen := map[string]bool{}
	first := true
	for _, it := range found {
		text, err := s.describe(it, showEvents)
		if err != nil {
			if !seen[err.Error()] {
				seen[err.Error()] = true
				errs = append(errs, err)
			}
			continue
		}
		if !first {
			c.out.WriteString("\n\n")
		}
		first = false
		c.out.WriteString(text)
	}
	if len(found) == 0 && len(errs) == 0 {
		if allNS {
			c.out.WriteString("No resources found\n")
		} else {
			fmt.Fprintf(c.out, "No resources found in %s namespace.\n", c.ns)
		}
	}
	return aggregate(errs)
}

// describeMatching is kubectl's second chance for `describe TYPE NAME`
// when NAME is not an object: every object of TYPE in the namespace whose
// name starts with NAME, each followed by a newline; none is the
// original error.
func (s *Shell) describeMatching(c *command, notFound error, showEvents bool) error {
	items, err := s.objects(c, selection{args: c.args[:1], allowEmpty: true})
	if err != nil {
		return err
	}
	found, err := infos(items)
	if err != nil {
		return err
	}
	matched := false
	for _, it := range found {
		if !strings.HasPrefix(it.name, c.args[1]) {
			continue
		}
		matched = true
		text, err := s.describe(it, showEvents)
		if err != nil {
			return err
		}
		c.out.WriteString(text + "\n")
	}
	if !matched {
		return notFound
	}
	return nil
}

// describe is one object's description, at the cluster's now.
func (s *Shell) describe(it *item, showEvents bool) (string, error) {
	switch o := it.obj.(type) {
	case *appsv1.ReplicaSet:
		pods, err := s.Cluster.Pods(o.Namespace, "")
		if err != nil {
			return "", err
		}
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribeReplicaSet(o, pods, events, s.Cluster.Now(), showEvents)
	case *corev1.Pod:
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribePod(o, events, s.Cluster.Now(), showEvents)
	case *appsv1.Deployment:
		rss, err := s.Cluster.ReplicaSets(o.Namespace, "")
		if err != nil {
			return "", err
		}
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(o.Namespace)
		}
		return printers.DescribeDeployment(o, rss, events, s.Cluster.Now(), showEvents)
	}
	if u, ok := it.obj.(*unstructured.Unstructured); ok {
		// A custom resource: kubectl's generic describer.
		var events []*corev1.Event
		if showEvents {
			events = s.Cluster.EventList(u.GetNamespace())
		}
		return printers.DescribeObject(u, events, s.Cluster.Now(), showEvents)
	}
	return "", fmt.Errorf("kubesem's kubectl does not model \"kubectl describe %s\"", it.res.plural)
}
