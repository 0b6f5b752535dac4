// Package kubectl runs kubectl command lines against a kubesem cluster and
// prints what kubectl prints: the tutorial's commands, typed as the
// tutorial types them, replayed on a deterministic in-memory cluster.
//
// Usage:
//
//	c, _ := cluster.New(cluster.Options{Seed: 1})
//	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"go-http-pod.yaml": pod}}
//	out, err := sh.Run("kubectl create -f go-http-pod.yaml")  // "pod/http-go created\n"
//	_ = c.Settle(time.Hour)
//	out, _ = sh.Run("kubectl get pod http-go -o wide")
//
// Rules:
//
//  1. The namespace is -n/--namespace, else the current context's namespace
//     of Shell.Kubeconfig, else "default" (RS-14.1); -A lists every namespace.
//  2. get prints kubectl's tables (package printers): -o wide, --show-labels,
//     -L, -l; `get all` prints pods, services, deployments, replicasets and
//     replicationcontrollers with kind/ prefixes; nothing found prints
//     "No resources found in <ns> namespace." (RS-14.5).
//  3. create, apply and delete take -f FILE from Shell.Files; create ns;
//     create deployment --image; delete by name, -l or --all with
//     --cascade, --grace-period and --force (RS-14.7, RS-11.4).
//  4. label, annotate, scale, set image, patch, expose and rollout
//     history/undo/pause/resume/status/restart print kubectl's lines;
//     --record stores the command as kubernetes.io/change-cause the way
//     kubectl renders it (flags as --name=value).
//  5. Errors print as kubectl prints them: "Error from server (Reason):
//     message" for API errors, "error: message" otherwise (RS-14.8).
//
// Only the commands and flags above are understood; anything else is an
// error naming it.
package kubectl

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/namespace"
)

// Shell runs kubectl command lines against a cluster.
type Shell struct {
	Cluster *cluster.Cluster
	// Files are the files -f can name.
	Files map[string][]byte
	// Kubeconfig is the content of ~/.kube/config, for the default
	// namespace (nil: "default").
	Kubeconfig []byte
}

// Run runs one command line ("kubectl get pods -o wide") and returns what
// kubectl prints, stdout and stderr together, errors formatted as kubectl
// formats them. err is non-nil when kubectl would exit non-zero.
func (s *Shell) Run(line string) (string, error) {
	args, err := split(line)
	if err != nil {
		return "error: " + err.Error() + "\n", err
	}
	if len(args) > 0 && args[0] == "kubectl" {
		args = args[1:]
	}
	if len(args) == 0 {
		return "", errors.New("kubectl: no command")
	}
	cmd, err := parse(args)
	if err != nil {
		return "error: " + err.Error() + "\n", err
	}
	ns, err := namespace.Resolve(cmd.flag("namespace"), s.Kubeconfig)
	if err != nil {
		return "error: " + err.Error() + "\n", err
	}
	cmd.ns = ns
	out, err := s.dispatch(cmd)
	if err != nil {
		return out + Format(err), err
	}
	return out, nil
}

// Format renders an error as kubectl prints it (RS-14.8).
func Format(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		st := status.Status()
		if st.Reason == metav1.StatusReasonInvalid && st.Details != nil {
			// kubectl names the kind without its group and lists the
			// causes (one per line when there are several).
			var causes []string
			for _, c := range st.Details.Causes {
				causes = append(causes, c.Field+": "+c.Message)
			}
			msg := fmt.Sprintf("The %s %q is invalid: ", st.Details.Kind, st.Details.Name)
			if len(causes) == 1 {
				return msg + causes[0] + "\n"
			}
			return msg + "\n* " + strings.Join(causes, "\n* ") + "\n"
		}
		return fmt.Sprintf("Error from server (%s): %s\n", st.Reason, st.Message)
	}
	return "error: " + err.Error() + "\n"
}

// command is a parsed command line.
type command struct {
	path  []string          // "get", "rollout history", ...
	args  []string          // positional arguments after the path
	flags map[string]string // by long name
	order []string          // flags in the order given
	ns    string
}

func (c *command) flag(name string) string { return c.flags[name] }
func (c *command) has(name string) bool {
	_, ok := c.flags[name]
	return ok
}

var shortFlags = map[string]string{"n": "namespace", "f": "filename", "o": "output", "l": "selector", "L": "label-columns", "A": "all-namespaces", "p": "patch", "w": "watch"}

// boolFlags take no value.
var boolFlags = map[string]bool{"all-namespaces": true, "show-labels": true, "all": true, "overwrite": true, "force": true, "record": true, "now": true, "watch": true}

var subcommands = map[string]bool{"rollout": true, "set": true, "create": true}

func parse(args []string) (*command, error) {
	c := &command{flags: map[string]string{}}
	c.path = []string{args[0]}
	rest := args[1:]
	if subcommands[args[0]] && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		switch {
		case args[0] == "rollout", args[0] == "set":
			c.path, rest = append(c.path, rest[0]), rest[1:]
		case args[0] == "create" && isCreateSub(rest[0]):
			c.path, rest = append(c.path, rest[0]), rest[1:]
		}
	}
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			c.args = append(c.args, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "--") {
			long, ok := shortFlags[name]
			if !ok {
				return nil, fmt.Errorf("unknown shorthand flag: '%s' in %s", name, a)
			}
			name = long
		}
		if !hasVal && !boolFlags[name] {
			if i+1 >= len(rest) {
				return nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			val = rest[i]
		} else if !hasVal {
			val = "true"
		}
		if _, seen := c.flags[name]; !seen {
			c.order = append(c.order, name)
		}
		if name == "label-columns" && c.flags[name] != "" {
			val = c.flags[name] + "," + val
		}
		c.flags[name] = val
	}
	return c, nil
}

func isCreateSub(s string) bool {
	switch s {
	case "ns", "namespace", "deployment", "deploy":
		return true
	}
	return false
}

// changeCause renders the command as kubectl's --record does: the command
// path, the positional arguments, then every flag given as --name=value in
// name order.
func (c *command) changeCause() string {
	parts := append([]string{"kubectl"}, c.path...)
	parts = append(parts, c.args...)
	names := append([]string(nil), c.order...)
	sort.Strings(names)
	for _, n := range names {
		parts = append(parts, "--"+n+"="+c.flags[n])
	}
	return strings.Join(parts, " ")
}

// split tokenises a command line as a POSIX shell would for the simple
// cases: whitespace, single and double quotes.
func split(line string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inTok := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inTok = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inTok {
				out = append(out, cur.String())
				cur.Reset()
				inTok = false
			}
		default:
			cur.WriteRune(r)
			inTok = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", line)
	}
	if inTok {
		out = append(out, cur.String())
	}
	return out, nil
}

func (s *Shell) dispatch(c *command) (string, error) {
	switch strings.Join(c.path, " ") {
	case "get":
		return s.get(c)
	case "create", "apply":
		return s.createFile(c)
	case "create ns", "create namespace":
		return s.createNamespace(c)
	case "create deployment", "create deploy":
		return s.createDeployment(c)
	case "delete":
		return s.delete(c)
	case "label", "annotate":
		return s.label(c)
	case "scale":
		return s.scale(c)
	case "set image":
		return s.setImage(c)
	case "patch":
		return s.patch(c)
	case "expose":
		return s.expose(c)
	case "rollout history", "rollout undo", "rollout pause", "rollout resume", "rollout status", "rollout restart":
		return s.rollout(c)
	}
	return "", fmt.Errorf("unknown command %q for \"kubectl\"", strings.Join(c.path, " "))
}

// resourceKind maps kubectl's resource names and short names to kinds.
func resourceKind(r string) (string, error) {
	switch strings.ToLower(r) {
	case "po", "pod", "pods":
		return cluster.KindPod, nil
	case "rs", "replicaset", "replicasets", "replicaset.apps", "replicasets.apps":
		return cluster.KindReplicaSet, nil
	case "rc", "replicationcontroller", "replicationcontrollers":
		return cluster.KindReplicationController, nil
	case "deploy", "deployment", "deployments", "deployment.apps", "deployments.apps":
		return cluster.KindDeployment, nil
	case "ns", "namespace", "namespaces":
		return cluster.KindNamespace, nil
	case "no", "node", "nodes":
		return cluster.KindNode, nil
	case "svc", "service", "services":
		return cluster.KindService, nil
	case "quota", "resourcequota", "resourcequotas":
		return cluster.KindResourceQuota, nil
	}
	return "", fmt.Errorf("the server doesn't have a resource type %q", r)
}

// target splits "TYPE NAME..." or "TYPE/NAME" arguments.
func target(args []string) (kind string, names []string, err error) {
	if len(args) == 0 {
		return "", nil, errors.New("You must provide one or more resources by argument or filename.")
	}
	if t, n, ok := strings.Cut(args[0], "/"); ok {
		kind, err = resourceKind(t)
		return kind, append([]string{n}, args[1:]...), err
	}
	kind, err = resourceKind(args[0])
	return kind, args[1:], err
}

func kindName(kind string) string {
	switch kind {
	case cluster.KindReplicaSet:
		return "replicaset.apps"
	case cluster.KindDeployment:
		return "deployment.apps"
	}
	return strings.ToLower(kind)
}

func atoi64(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid argument %q: %v", s, err)
	}
	return n, nil
}
