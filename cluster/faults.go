package cluster

import (
	"errors"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubesem/kubesem/apiserver"
)

// Fault makes requests through the cluster's API fail as a real
// cluster's sometimes do: a write that lost a race (409 Conflict), an
// apiserver that answers 500 or 429, a timeout. Which requests it
// matches: those of one registered controller (or every request), of
// some verbs, of one resource, in one namespace. How many: the next Times
// matching requests, each with the chance Probability drawn from the
// cluster's seed — so the same seed and the same calls fail the same
// requests.
type Fault struct {
	// Controller limits the fault to the requests a registered
	// controller's reconciles make; "" matches every request through the
	// API, a test's own included.
	Controller string
	// Verbs are the verbs that fail: get, list, watch, create, update,
	// patch, apply, delete, deletecollection. Empty means every write
	// (create, update, patch, apply, delete, deletecollection).
	Verbs []string
	// Resource limits the fault to one resource, named as ResourceFor
	// takes it ("deployments", "deploy", "webapps.example.com"); "" is
	// every resource.
	Resource string
	// Subresource limits the fault to requests on one subresource
	// ("status", "scale"); "" matches the main resource and every
	// subresource.
	Subresource string
	// Namespace limits the fault to one namespace; "" is every namespace.
	Namespace string
	// Err is the error a failed request returns. Nil means the
	// apiserver's 409 Conflict for the object (the optimistic-lock text)
	// for a write, and a 500 internal error for a read.
	Err error
	// Times is how many matching requests fail before the fault is used
	// up; zero means every matching request until ClearFaults.
	Times int
	// Probability is the chance each matching request fails, in (0, 1];
	// zero means 1.
	Probability float64
}

type armedFault struct {
	Fault
	gr   schema.GroupResource
	left int
}

var writeVerbs = []string{"create", "update", "patch", "apply", "delete", "deletecollection"}

var allVerbs = []string{"get", "list", "watch", "create", "update", "patch", "apply", "delete", "deletecollection"}

// InjectFault arms a fault on the requests made through API. A resource
// the cluster does not serve, an unknown verb or a probability outside
// [0, 1] is an error.
func (c *Cluster) InjectFault(f Fault) error {
	a := &armedFault{Fault: f, left: f.Times}
	if f.Times < 0 {
		return fmt.Errorf("cluster: a fault needs Times ≥ 0, got %d", f.Times)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("cluster: a fault's probability must be in [0, 1], got %v", f.Probability)
	}
	for _, v := range f.Verbs {
		if !slices.Contains(allVerbs, v) {
			return fmt.Errorf("cluster: cannot inject a fault on verb %q (one of %v)", v, allVerbs)
		}
	}
	if f.Resource != "" {
		r, err := c.srv.ResourceFor(f.Resource)
		if err != nil {
			return err
		}
		a.gr = r.GroupResource()
	}
	c.faults = append(c.faults, a)
	return nil
}

// ClearFaults disarms every fault InjectFault armed.
func (c *Cluster) ClearFaults() { c.faults = nil }

// fault decides whether a request fails by an armed fault.
func (c *Cluster) fault(r *Request) error {
	for i, f := range c.faults {
		if !f.matches(r) {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && c.faultRng.Float64() >= f.Probability {
			continue
		}
		if f.Times > 0 {
			f.left--
			if f.left == 0 {
				c.faults = slices.Delete(c.faults, i, i+1)
			}
		}
		r.Injected = true
		if f.Err != nil {
			return f.Err
		}
		gr := schema.ParseGroupResource(r.Resource)
		if slices.Contains(writeVerbs, r.Verb) && r.Name != "" {
			return apierrors.NewConflict(gr, r.Name, errors.New(apiserver.OptimisticLockErrorMsg))
		}
		return apierrors.NewInternalError(errors.New("injected fault"))
	}
	return nil
}

func (f *armedFault) matches(r *Request) bool {
	if f.Controller != "" && f.Controller != r.Controller {
		return false
	}
	verbs := f.Verbs
	if len(verbs) == 0 {
		verbs = writeVerbs
	}
	if !slices.Contains(verbs, r.Verb) {
		return false
	}
	if f.Resource != "" && schema.ParseGroupResource(r.Resource) != f.gr {
		return false
	}
	if f.Subresource != "" && f.Subresource != r.Subresource {
		return false
	}
	return f.Namespace == "" || f.Namespace == r.Namespace
}
