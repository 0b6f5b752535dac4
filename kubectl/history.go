package kubectl

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/printers"
	"github.com/kubesem/kubesem/rollout"
)

// errNoRevision is the history viewers' answer for a revision the object
// does not have.
var errNoRevision = errors.New("unable to find the specified revision")

// noHistoryViewer is HistoryViewerFor's error for a kind without one.
func noHistoryViewer(r *resource) error {
	return fmt.Errorf("no history viewer has been implemented for %q", r.groupKind())
}

// historyReplicaSets is the history viewer's getDeploymentReplicaSets
// (deploymentutil.GetAllReplicaSets): the ReplicaSets of the namespace
// that the Deployment's selector matches and that it controls, the old
// ones as the API lists them (by name) and the new one last.
func (s *Shell) historyReplicaSets(d *appsv1.Deployment) ([]*appsv1.ReplicaSet, error) {
	fail := func(err error) error {
		return fmt.Errorf("failed to retrieve replica sets from deployment %s: %v", d.Name, err)
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, fail(err)
	}
	listed, err := s.Cluster.ReplicaSets(d.Namespace, sel.String())
	if err != nil {
		return nil, fail(err)
	}
	var owned []*appsv1.ReplicaSet
	for _, rs := range listed {
		if metav1.IsControlledBy(rs, d) {
			owned = append(owned, rs)
		}
	}
	newRS := rollout.FindNewReplicaSet(d, owned)
	out := slices.DeleteFunc(owned, func(rs *appsv1.ReplicaSet) bool { return newRS != nil && rs.UID == newRS.UID })
	if newRS != nil {
		out = append(out, newRS)
	}
	return out, nil
}

// revisions is DeploymentHistoryViewer.GetHistory: each ReplicaSet by
// its revision annotation (one that does not parse is skipped; of two
// with the same revision the later in historyReplicaSets' order wins).
func revisions(rss []*appsv1.ReplicaSet) map[int64]*appsv1.ReplicaSet {
	out := map[int64]*appsv1.ReplicaSet{}
	for _, rs := range rss {
		if v, err := rollout.Revision(rs.Annotations); err == nil {
			out[v] = rs
		}
	}
	return out
}

// rolloutHistory is `kubectl rollout history` without -o (KH-1..3;
// RolloutHistoryOptions.Run and DeploymentHistoryViewer.ViewHistory): the
// name printer's "<kind>/<name> <operation>" where the operation is
// "\n<table>" or, with --revision=N, "with revision #N\n<the revision's pod
// template as printTemplate describes it>" — the template carrying the
// ReplicaSet's change-cause annotation. A Deployment without ReplicaSets
// has "No rollout history found." in either case; a revision it does not
// have is an error.
func (s *Shell) rolloutHistory(c *command, it *item) error {
	if it.res.kind != cluster.KindDeployment {
		return noHistoryViewer(it.res)
	}
	d := it.obj.(*appsv1.Deployment)
	rss, err := s.historyReplicaSets(d)
	if err != nil {
		return err
	}
	rev := c.int("revision")
	text := rollout.History(d, rss)
	with := ""
	if rev > 0 {
		with = fmt.Sprintf("with revision #%d", rev)
		if len(revisions(rss)) > 0 {
			t, err := rollout.HistoryRevision(d, rss, rev)
			if err != nil {
				return err
			}
			if text, err = printers.DescribePodTemplate(t); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(c.out, "%s/%s %s\n%s\n", it.res.kindName(), it.name, with, text)
	return nil
}

// historyPrinter is rollout history's -o printer, one for the whole
// command: names (-o name, or an empty -o, which is the name printer
// without an operation), JSON or YAML of the ReplicaSets as the typed
// client holds them (apiVersion and kind set, managedFields left out;
// JSON in the Go type's field order, YAML's keys sorted), a YAML document
// after the first starting with "---".
type historyPrinter struct {
	format string
	count  int
}

func newHistoryPrinter(output string) (*historyPrinter, error) {
	switch f := strings.ToLower(output); f {
	case "", "name", "json", "yaml":
		return &historyPrinter{format: f}, nil
	}
	return nil, outputFormatError(output, printFormats)
}

func (p *historyPrinter) print(c *command, rs *appsv1.ReplicaSet) error {
	p.count++
	o := rs.DeepCopy()
	o.APIVersion, o.Kind = "apps/v1", "ReplicaSet"
	o.ManagedFields = nil
	var out []byte
	var err error
	switch p.format {
	case "", "name":
		out = []byte("replicaset.apps/" + o.Name + "\n")
	case "json":
		if out, err = json.MarshalIndent(o, "", "    "); err == nil {
			out = append(out, '\n')
		}
	default:
		if out, err = yaml.Marshal(o); err == nil && p.count > 1 {
			out = append([]byte("---\n"), out...)
		}
	}
	if err != nil {
		return err
	}
	c.out.Write(out)
	return nil
}

// rolloutHistoryObjects is `kubectl rollout history -o FORMAT`: with
// --revision=N the ReplicaSet of that revision — a revision the object
// does not have is an error, found before anything is printed — else
// every revision's ReplicaSet, ascending.
func (s *Shell) rolloutHistoryObjects(c *command, it *item, p *historyPrinter) error {
	if it.res.kind != cluster.KindDeployment {
		return noHistoryViewer(it.res)
	}
	rss, err := s.historyReplicaSets(it.obj.(*appsv1.Deployment))
	if err != nil {
		return err
	}
	hist := revisions(rss)
	if rev := c.int("revision"); rev > 0 {
		rs, ok := hist[rev]
		if !ok {
			return errNoRevision
		}
		return p.print(c, rs)
	}
	keys := make([]int64, 0, len(hist))
	for k := range hist {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		_ = p.print(c, hist[k]) // kubectl ignores these errors
	}
	return nil
}
