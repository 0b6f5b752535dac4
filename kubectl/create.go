package kubectl

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/namespace"
)

// printFormats are the -o values commands other than get accept, sorted.
var printFormats = []string{"go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file",
	"kyaml", "name", "template", "templatefile", "yaml"}

type dryRunStrategy int

const (
	dryRunNone dryRunStrategy = iota
	dryRunClient
	dryRunServer
)

// dryRunFlag reads --dry-run as cmdutil.GetDryRunStrategy does: "client",
// "server" or "none", a boolean (deprecated: true is client, false none),
// or the flag alone (deprecated: client); anything else is an error.
// kubectl's deprecation warnings go to klog, which kubesem does not print.
func dryRunFlag(c *command) (dryRunStrategy, error) {
	v := c.str("dry-run")
	if b, err := strconv.ParseBool(v); err == nil {
		if b {
			return dryRunClient, nil
		}
		return dryRunNone, nil
	}
	switch v {
	case "unchanged", "client":
		return dryRunClient, nil
	case "server":
		return dryRunServer, nil
	case "none", "":
		return dryRunNone, nil
	}
	return dryRunNone, fmt.Errorf(`Invalid dry-run value (%v). Must be "none", "server", or "client".`, v)
}

// dryRun is dryRunFlag for the commands whose server dry run kubesem
// does not model.
func dryRun(c *command) (dryRunStrategy, error) {
	d, err := dryRunFlag(c)
	if err == nil && d == dryRunServer {
		return d, errors.New("kubesem's kubectl does not model --dry-run=server")
	}
	return d, err
}

// dryRunSuffix is what PrintFlagsWithDryRunStrategy adds to the
// operation kubectl prints.
func dryRunSuffix(d dryRunStrategy) string {
	switch d {
	case dryRunClient:
		return " (dry run)"
	case dryRunServer:
		return " (server dry run)"
	}
	return ""
}

// checkOutput is PrintFlags.ToPrinter's check of -o for commands that
// print "<kind>/<name> <operation>".
func checkOutput(c *command) error {
	if o := c.str("output"); o != "" && o != "name" {
		return outputFormatError(o, printFormats)
	}
	return nil
}

// printName prints "<kind>/<name> <operation>", with " (dry run)" for a
// client dry run and " (server dry run)" for a server one, or just
// "<kind>/<name>" with -o name (NamePrinter).
func printName(c *command, r *resource, name, operation string, dry dryRunStrategy) {
	if c.str("output") == "name" {
		fmt.Fprintf(c.out, "%s/%s\n", r.kindName(), name)
		return
	}
	fmt.Fprintf(c.out, "%s/%s %s%s\n", r.kindName(), name, operation, dryRunSuffix(dry))
}

// record sets kubernetes.io/change-cause as --record=true does.
func record(c *command, o cluster.Object) {
	if !c.bool("record") {
		return
	}
	a := o.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[cluster.ChangeCauseAnnotation] = c.cause
	o.SetAnnotations(a)
}

// runCreate is `kubectl create -f FILE`: each object is created in turn;
// one that fails is reported after the others (RS-13.1: AlreadyExists).
func runCreate(s *Shell, c *command) error {
	if len(c.args) != 0 {
		return usageError(c, "Unexpected args: %v", c.args)
	}
	dry, err := dryRun(c)
	if err != nil {
		return err
	}
	if err := checkOutput(c); err != nil {
		return err
	}
	files := c.list("filename")
	if len(files) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	v, err := s.build(c, selection{files: files, selector: c.str("selector")})
	if err != nil {
		return err
	}
	count := 0
	var errs []error
	for _, it := range v.items {
		o := it.obj
		record(c, o)
		name := o.GetName()
		if dry != dryRunClient {
			created, err := s.Cluster.Create(o)
			if err != nil {
				errs = append(errs, addSource("creating", it.source, err))
				continue
			}
			name = created.GetName()
		}
		count++
		printName(c, it.res, name, "created", dry)
	}
	if len(errs) > 0 {
		return aggregate(errs)
	}
	if count == 0 {
		return errors.New("no objects passed to create")
	}
	return nil
}

// nameFromArgs is create's NameFromCommandArgs: exactly one name before
// any "--".
func nameFromArgs(c *command) (string, error) {
	n := c.dashAt
	if n < 0 {
		n = len(c.args)
	}
	if n != 1 {
		return "", usageError(c, "exactly one NAME is required, got %d", n)
	}
	return c.args[0], nil
}

// runCreateNamespace is `kubectl create namespace NAME` (RS-14.8).
func runCreateNamespace(s *Shell, c *command) error {
	name, err := nameFromArgs(c)
	if err != nil {
		return err
	}
	dry, err := dryRun(c)
	if err != nil {
		return err
	}
	if o := c.str("output"); o != "" && o != "name" && !(o == "yaml" && dry == dryRunClient) {
		return outputFormatError(o, printFormats)
	}
	if name == "" {
		return errors.New("name must be specified")
	}
	if dry == dryRunClient && c.str("output") == "yaml" {
		b, err := namespace.CreateDryRun(name)
		if err != nil {
			return err
		}
		c.out.Write(b)
		return nil
	}
	if dry != dryRunClient {
		if _, err := s.Cluster.Create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
			return err
		}
	}
	printName(c, resourceOf(cluster.KindNamespace), name, "created", dry)
	return nil
}

// runCreateDeployment is `kubectl create deployment NAME --image=I...
// [--port=P] [--replicas=N] [-- COMMAND...]`: label app=NAME, one
// container per image named after the image's last path element.
func runCreateDeployment(s *Shell, c *command) error {
	name, err := nameFromArgs(c)
	if err != nil {
		return err
	}
	dry, err := dryRun(c)
	if err != nil {
		return err
	}
	if err := checkOutput(c); err != nil {
		return err
	}
	var cmd []string
	if len(c.args) > 1 {
		cmd = c.args[1:]
	}
	images := c.list("image")
	if len(images) > 1 && len(cmd) > 0 {
		return errors.New("cannot specify multiple --image options and command")
	}
	replicas := int32(c.int("replicas"))
	port := int32(c.int("port"))
	lbl := func() map[string]string { return map[string]string{"app": name} }
	var ctrs []corev1.Container
	for _, image := range images {
		parts := strings.Split(image, "/")
		ctr := parts[len(parts)-1]
		ctr, _, _ = strings.Cut(ctr, ":")
		ctr, _, _ = strings.Cut(ctr, "@")
		ctrs = append(ctrs, corev1.Container{Name: sanitize(ctr, image), Image: image, Command: cmd})
	}
	if ctrs == nil {
		ctrs = []corev1.Container{}
	}
	if port >= 0 && len(ctrs) > 0 {
		ctrs[0].Ports = []corev1.ContainerPort{{ContainerPort: port}}
	}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: c.ns, Labels: lbl()},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: lbl()},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbl()},
				Spec:       corev1.PodSpec{Containers: ctrs},
			},
		},
	}
	if dry != dryRunClient {
		if _, err := s.Cluster.Create(d); err != nil {
			return fmt.Errorf("failed to create deployment: %v", err)
		}
	}
	printName(c, resourceOf(cluster.KindDeployment), name, "created", dry)
	return nil
}

// sanitize is create deployment's sanitizeAndUniquify: '_' and '.' become
// '-' and a suffix of five letters is added — a hash of the image here,
// where kubectl draws them at random (MODEL).
func sanitize(name, image string) string {
	if !strings.ContainsAny(name, "_.") {
		return name
	}
	name = strings.NewReplacer("_", "-", ".", "-").Replace(name)
	const alphabet = "bcdfghjklmnpqrstvwxz2456789" // util/rand's
	h := fnv.New64a()
	h.Write([]byte(image))
	n := h.Sum64()
	var b [5]byte
	for i := range b {
		b[i] = alphabet[n%uint64(len(alphabet))]
		n /= uint64(len(alphabet))
	}
	return name + "-" + string(b[:])
}
