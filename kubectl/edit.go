package kubectl

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/labels"
)

// objects reads what the builder selected, in visiting order (see
// fetch).
func (s *Shell) objects(c *command, sel selection) ([]*item, error) {
	v, err := s.build(c, sel)
	if err != nil {
		return nil, err
	}
	listNS := c.ns
	if sel.allNS {
		listNS = cluster.AllNamespaces
	}
	return s.fetch(v, listNS), nil
}

// notScalable is what the scale subresource answers for a kind without
// one.
func notScalable() error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 404,
		Reason: metav1.StatusReasonNotFound, Message: "the server could not find the requested resource"}}
}

// runScale is `kubectl scale --replicas=N` (RS-14.2).
func runScale(s *Shell, c *command) error {
	if err := checkOutput(c); err != nil {
		return err
	}
	replicas := c.int("replicas")
	if replicas < 0 {
		return errors.New("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	}
	current := c.int("current-replicas")
	if current < -1 {
		return errors.New("The --current-replicas must specify an integer of -1 or greater")
	}
	all, err := s.objects(c, selection{args: c.args, allowEmpty: c.bool("all"), selector: c.str("selector"), files: c.list("filename")})
	if err != nil {
		return err
	}
	items, infoErr := infos(all)
	if len(items) == 0 {
		if infoErr != nil {
			return infoErr
		}
		return errors.New("no objects passed to scale")
	}
	for _, it := range items {
		var spec *int32
		switch o := it.obj.(type) {
		case *appsv1.Deployment:
			spec = o.Spec.Replicas
		case *appsv1.ReplicaSet:
			spec = o.Spec.Replicas
		case *corev1.ReplicationController:
			spec = o.Spec.Replicas
		default:
			return notScalable()
		}
		if current != -1 {
			have := int32(0)
			if spec != nil {
				have = *spec
			}
			if int64(have) != current {
				return fmt.Errorf("Expected replicas to be %d, was %d", current, have)
			}
		}
		if replicas > 1<<31-1 {
			return fmt.Errorf("replicas %d out of range", replicas)
		}
		if err := s.Cluster.Scale(it.res.kind, it.ns, it.name, int32(replicas)); err != nil {
			return err
		}
		if c.bool("record") {
			_, _ = s.Cluster.Annotate(it.res.kind, it.ns, it.name, true, cluster.ChangeCauseAnnotation+"="+c.cause)
		}
		printName(c, it.res, it.name, "scaled", dryRunNone)
	}
	return infoErr
}

// podSpec is polymorphichelpers.UpdatePodSpecForObject: the pod spec of
// an object that has one.
func podSpec(o cluster.Object) (*corev1.PodSpec, error) {
	switch v := o.(type) {
	case *corev1.Pod:
		return &v.Spec, nil
	case *corev1.ReplicationController:
		if v.Spec.Template == nil {
			v.Spec.Template = &corev1.PodTemplateSpec{}
		}
		return &v.Spec.Template.Spec, nil
	case *appsv1.Deployment:
		return &v.Spec.Template.Spec, nil
	case *appsv1.ReplicaSet:
		return &v.Spec.Template.Spec, nil
	}
	return nil, fmt.Errorf("the object is not a pod or does not have a pod template: %T", o)
}

// twoWayPatch is set.CalculatePatch: the strategic merge patch from an
// object to its changed copy.
func twoWayPatch(kind string, before, after cluster.Object) ([]byte, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return nil, err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return nil, err
	}
	return strategicpatch.CreateTwoWayMergePatch(b, a, zeroObject(kind))
}

// runSetImage is `kubectl set image RESOURCE CONTAINER=IMAGE...` (KH-7):
// the images of every container and init container of that name ("*":
// all) are set, the change is sent as a strategic merge patch, and
// nothing is printed for an object the patch does not change.
func runSetImage(s *Shell, c *command) error {
	if _, err := dryRun(c); err != nil {
		return err
	}
	if err := checkOutput(c); err != nil {
		return err
	}
	res, pairs, err := labels.SplitArgs(c.args, "image")
	if err != nil {
		return err
	}
	images := map[string]string{}
	var invalid []string
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || p[0] == '=' {
			invalid = append(invalid, p)
			continue
		}
		images[k] = v
	}
	if len(invalid) > 0 {
		return fmt.Errorf("invalid image format: %s", strings.Join(invalid, ", "))
	}
	all, files := c.bool("all"), c.list("filename")
	read, err := s.objects(c, selection{args: res, allowEmpty: all, selector: c.str("selector"), files: files})
	if err != nil {
		return err
	}
	items, infoErr := infos(read)
	if infoErr != nil {
		return infoErr
	}
	var verrs []error
	if all && c.str("selector") != "" {
		verrs = append(verrs, errors.New("cannot set --all and --selector at the same time"))
	}
	if len(res) < 1 && len(files) == 0 {
		verrs = append(verrs, errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>"))
	}
	if _, star := images["*"]; len(images) < 1 {
		verrs = append(verrs, errors.New("at least one image update is required"))
	} else if star && len(images) > 1 {
		verrs = append(verrs, errors.New("all containers are already specified by *, but saw more than one container_name=container_image pairs"))
	}
	if err := aggregate(verrs); err != nil {
		return err
	}
	names := make([]string, 0, len(images))
	for n := range images {
		names = append(names, n) // kubectl walks its map in random order
	}
	slices.Sort(names)
	var errs []error
	for _, it := range items {
		after := copyOf(it.obj)
		spec, err := podSpec(after)
		if err != nil {
			errs = append(errs, fmt.Errorf("error: %s/%s %v\n", it.res.groupResource(), it.name, err))
			continue
		}
		for _, n := range names {
			found := setImage(spec.InitContainers, n, images[n])
			found = setImage(spec.Containers, n, images[n]) || found
			if !found {
				errs = append(errs, fmt.Errorf("error: unable to find container named %q", n))
			}
		}
		record(c, after)
		patch, err := twoWayPatch(it.res.kind, it.obj, after)
		if err != nil {
			errs = append(errs, fmt.Errorf("error: %s/%s %v\n", it.res.groupResource(), it.name, err))
			continue
		}
		if string(patch) == "{}" {
			continue
		}
		if _, err := s.Cluster.Patch(it.res.kind, it.ns, it.name, patch); err != nil {
			errs = append(errs, fmt.Errorf("failed to patch image update to pod template: %v", err))
			continue
		}
		printName(c, it.res, it.name, "image updated", dryRunNone)
	}
	return aggregate(errs)
}

func setImage(ctrs []corev1.Container, name, image string) bool {
	found := false
	for i := range ctrs {
		if ctrs[i].Name == name || name == "*" {
			ctrs[i].Image = image
			found = true
		}
	}
	return found
}

func copyOf(o cluster.Object) cluster.Object {
	return o.DeepCopyObject().(cluster.Object)
}

// runPatch is `kubectl patch RESOURCE -p PATCH` with a strategic merge
// patch: "patched", or "patched (no change)".
func runPatch(s *Shell, c *command) error {
	if err := checkOutput(c); err != nil {
		return err
	}
	p := c.str("patch")
	if p == "" {
		return errors.New("must specify --patch or --patch-file containing the contents of the patch")
	}
	pt := types.StrategicMergePatchType
	switch t := strings.ToLower(c.str("type")); t {
	case "strategic":
	case "json":
		pt = types.JSONPatchType
	case "merge":
		pt = types.MergePatchType
	default:
		return fmt.Errorf("--type must be one of [json merge strategic], not %q", c.str("type"))
	}
	patch, err := utilyaml.ToJSON([]byte(p)) // JSON passes as it is

	if err != nil {
		return fmt.Errorf("unable to parse %q: %v", p, err)
	}
	v, err := s.build(c, selection{args: c.args, files: c.list("filename")})
	if err != nil {
		return err
	}
	count := 0
	var errs []error
	for _, it := range v.items {
		if _, err := s.get(it.res, it.ns, it.name); err != nil {
			errs = append(errs, addSource("getting", it.source, err))
			continue
		}
		if pt != types.StrategicMergePatchType && modelled(it.res) {
			return fmt.Errorf("kubesem's kubectl does not model --type=%s for %s", c.str("type"), it.res.groupResource())
		}
		count++
		line, err := s.Cluster.PatchAs(it.res.kind, it.ns, it.name, pt, patch)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if c.bool("record") {
			_, _ = s.Cluster.Annotate(it.res.kind, it.ns, it.name, true, cluster.ChangeCauseAnnotation+"="+c.cause)
		}
		op := "patched"
		if strings.HasSuffix(line, "(no change)") {
			op = "patched (no change)"
		}
		printName(c, it.res, it.name, op, dryRunNone)
	}
	if err := flatAggregate(errs); err != nil {
		return err
	}
	if count == 0 {
		return errors.New("no objects passed to patch")
	}
	return nil
}
