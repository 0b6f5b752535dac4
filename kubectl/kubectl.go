// Package kubectl runs kubectl command lines against a kubesem cluster and
// prints what kubectl v1.37 prints: the tutorial's commands, typed as the
// tutorial types them, replayed on a deterministic in-memory cluster.
//
// Usage:
//
//	c, _ := cluster.New(cluster.Options{Seed: 1})
//	sh := &kubectl.Shell{Cluster: c, Files: map[string][]byte{"go-http-pod.yaml": pod}}
//	out, err := sh.Run("kubectl create -f go-http-pod.yaml") // "pod/http-go created\n"
//	_ = c.Settle(time.Hour)
//	out, _ = sh.Run("kubectl get pod http-go -o wide")
//
// Run returns what kubectl writes to stdout and stderr, interleaved as a
// terminal shows them, and a non-nil error exactly when kubectl exits
// non-zero; the error's text comes last, formatted by Format.
//
// Rules (the RS-, KH- and other ids name rules of the project's rules
// reference, docs/rules — its README.md says which file holds which;
// upstream is kubectl v0.37.2, cli-runtime's builder, cobra and pflag):
//
//  1. A line is split into words as a shell splits it (blanks, '...',
//     "...", \); a leading "kubectl" is optional. The command is found as
//     cobra finds it: flags may come anywhere, the first words that are
//     not flags name the command ("create ns", "rollout status"), and a
//     flag the command above does not know is taken to have a value.
//     An unknown command fails with cobra's "unknown command" and its
//     suggestions; one kubesem does not model is an error naming it;
//     -h/--help is an error (kubesem prints no help).
//
//  2. Flags are read as pflag reads them: --name=value, --name value,
//     -n value, -nvalue, -n=value, grouped booleans (-Al app=x), "--" ends
//     the flags, "_" in a name is "-". A boolean given alone is true,
//     --cascade alone is "background" and --dry-run alone "unchanged":
//     such flags never take the next word. -f, -L and --image add up over
//     occurrences and split at commas. An unknown flag, a missing value or
//     a value of the wrong type fails with pflag's message and "See
//     'kubectl <command> --help' for usage."; a required flag left out
//     fails as cobra fails (`required flag(s) "replicas" not set`,
//     RS-14.2). Setting the deprecated --record prints "Flag --record has
//     been deprecated, --record will be removed in the future".
//
//  3. The namespace is -n/--namespace, else the current context's
//     namespace in Shell.Kubeconfig, else "default" (RS-14.1). Only an
//     explicit -n makes an object from a -f file that names another
//     namespace an error.
//
//  4. Resources are named as kubectl names them (plural, singular, short
//     name or kind, any case, optionally .apps or .v1.apps): "TYPE
//     NAME...", "TYPE/NAME...", "TYPE1,TYPE2 NAME", "all" (pods,
//     replicationcontrollers, services, deployments, replicasets), -l,
//     --all, -A, -f FILE, with the builder's errors ("resource(s) were
//     provided, but no name was specified", ...). Objects are visited in
//     order and one that fails does not stop the others: what succeeds is
//     printed, the errors come last.
//
//  5. get prints kubectl's tables (package printers) with -o wide, -o
//     name, --show-labels, -L, -A, --no-headers, --show-kind,
//     --ignore-not-found and -f; several types print one table each,
//     separated by a blank line (none with --no-headers), names prefixed
//     with their kind when more than one type was found. Nothing found
//     prints "No resources found in <ns> namespace." when every type asked
//     for is namespaced and -A is not given, else "No resources found"
//     (RS-14.5); -o name prints nothing then. An invalid -l is the
//     server's BadRequest.
//
//  6. create -f and apply -f go object by object; an API error names the
//     file ("error when creating \"pod.yaml\": ..."). apply stores
//     kubectl.kubernetes.io/last-applied-configuration as kubectl writes
//     it and sends kubectl's three-way strategic merge patch (cluster.Patch):
//     "created", "configured", or "unchanged" when the patch is empty; an
//     object created otherwise gets kubectl's warning first. create
//     namespace and create deployment build what kubectl builds ("exactly
//     one NAME is required, got 0" without a name, RS-14.8; a failed
//     create deployment is "error: failed to create deployment: ...");
//     --dry-run=client prints "(dry run)", and -o yaml for a namespace.
//
//  7. delete deletes by name, -f, -l or --all (those two ignore NotFound;
//     "No resources found" when nothing matched) with --cascade
//     background, foreground or orphan (the booleans are deprecated and
//     warn, RS-11.4); --grace-period=0 without --force, and --now, are 1
//     s; --force deletes at once with kubectl's warning and says "force
//     deleted" (RS-14.7). Like kubectl it then waits until every deleted
//     object is gone, running the cluster's virtual clock; --wait=false
//     does not wait.
//
//  8. label and annotate (L12, RS-14.3, RS-14.4; rule 16), scale
//     (RS-14.2), set image (KH-7), patch, expose and rollout history
//     (rule 17), undo, pause, resume, restart and status (KH-1..8,
//     KU-1..7) print kubectl's lines and errors. set image, pause, resume and restart change the object
//     on the client as kubectl does and send nothing when the patch is
//     empty: set image prints nothing then, a second restart within the
//     second fails. --record stores the command line as
//     kubernetes.io/change-cause the way kubectl renders it: "kubectl",
//     the words that are not flags in the order typed, then each flag as
//     --<long name>=<value as typed> in the order typed. rollout status
//     watches: it prints the status at every write of the Deployment until
//     the rollout is done or has exceeded its progress deadline, running
//     the virtual clock; --watch=false looks once.
//
//  9. Errors print as kubectl's checkErr prints them (see Format): "Error
//     from server (Reason): message" for API errors, "The Kind "name" is
//     invalid: ..." for invalid objects, "error: message" otherwise, one
//     line per error when there are several (RS-14.8).
//
//  10. get -w (--watch) prints the list as get does (nothing when it is
//     empty), then one row per change of what it lists — a named object,
//     or the type in the namespace (all with -A) matching -l — running
//     the cluster's virtual clock: an object that starts or stops
//     matching -l comes as added or deleted, as the apiserver's watch
//     sends it; -o name prints a name per change; --watch-only skips the
//     list; --output-watch-events adds the EVENT column (package
//     printers, rule 14). Only one type can be watched ("you may only
//     specify a single resource type"); several names print their rows
//     and then fail as kubectl fails. The watch ends when a non-zero
//     --request-timeout closes it (exit 0) or after Shell.WatchFor, when
//     the user presses Ctrl-C: kubectl then exits 1 without a word
//     (ErrInterrupted). MODEL: a node's rows change only when its
//     conditions, taints or spec change (the kubelet's periodic status
//     reports are not written); events cannot be watched.
//
//  11. edit TYPE NAME writes the object as kubectl's YAML printer does
//     (apiVersion and kind, fields in alphabetical order, the status
//     included) under kubectl's header to the temporary file
//     /tmp/kubectl-edit-<n>.yaml and hands it to Shell.Editor. The saved
//     file, compared without comments, is "Edit cancelled, no changes
//     made." when unchanged and "Edit cancelled, saved file was empty."
//     when empty; otherwise it is sent as a strategic merge patch against
//     the object as it was ("<kind>/<name> edited", or "skipped" when it
//     changes nothing). A syntax error or an invalid result reopens the
//     file with the reasons in its header (the apiserver's causes, one
//     "# * field: message" line each), as kubectl does, until the editor
//     saves it unchanged ("Edit cancelled, no valid changes were saved."
//     and where the copy is); a changed apiVersion, kind or name is
//     refused. MODEL: after 20 reopenings kubesem gives up; the saved
//     file is decoded strictly, so an unknown field reopens it as a syntax
//     error (kubectl sends it and the server refuses it); a changed kind
//     is refused the same way; one object is edited at a time, by name;
//     the editor is reported as ["vi"] when it fails.
//
//  12. describe TYPE [NAME] prints each object as kubectl's describer
//     does (printers.DescribeReplicaSet, DescribePod, DescribeDeployment,
//     DescribeNamespace, DescribeService, DescribeNode, DescribeObject for
//     custom resources), several separated by a blank
//     line; the Events section only when one object is described, unless
//     --show-events is given; a NAME that is no object describes every
//     object of TYPE whose name begins with it (without events, each
//     followed by a newline), or is the NotFound error when there is none.
//     A pod's events are matched by name, namespace and UID, a
//     Deployment's ReplicaSets are those it selects and controls. MODEL:
//     only ReplicaSets, pods, Deployments, namespaces, Services, nodes and
//     custom resources are described; another kind is an error. kubesem
//     stores no LimitRanges, EndpointSlices or Leases: a namespace shows
//     none, a Service's endpoints come from EndpointSlices built from its
//     selected pods, and a node shows kubectl's missing-Lease line.
//
//  13. api-resources lists the apiserver's discovery (every built-in
//     resource at its group's preferred version, virtual ones such as
//     bindings and reviews included) sorted by group, or --sort-by name or
//     kind, then name; --namespaced and --api-group filter; -o wide adds
//     VERBS and CATEGORIES, -o name prints "<resource>[.<group>]", with
//     customresourcedefinitions and every custom resource the cluster
//     serves. MODEL: apiservices (the aggregator's) are not listed.
//
//  14. get -o yaml and -o json print the objects as the server returns
//     them (apiVersion and kind, fields in alphabetical order; JSON
//     indented four spaces): one object named alone as it is, anything
//     else — none included — as a List ("apiVersion: v1", "items",
//     "kind: List", metadata.resourceVersion ""), as kubectl's
//     printGeneric does; a single named object that is missing is only
//     its error. -o custom-columns=HEADER:PATH,… (get/customcolumn.go
//     CustomColumnsPrinter) prints the same objects as one list: a header
//     row (even with no object; none with --no-headers), then a row each,
//     a cell being the path's values Go-formatted and joined with commas,
//     <none> for none; a path may be name.x, .name.x, {name.x} or
//     {.name.x}; through kubectl's tabwriter.
//
//  15. Custom resources: a file's document of a kind no built-in group
//     has is a custom resource, mapped through the cluster's served
//     definitions (before its definition: `resource mapping not found for
//     name: … from "FILE": no matches for kind … ensure CRDs are installed
//     first`); get prints NAME and the definition's additionalPrinterColumns
//     (a date as an age; Age alone when there are none); patch takes
//     --type=merge and --type=json for the kinds the cluster's controllers
//     do not model, and a strategic merge patch of a custom resource is
//     the apiserver's 415; apply (three-way) and edit (two-way) send a JSON
//     merge patch for a kind without a Go type, a strategic one otherwise; describe prints
//     kubectl's generic description (printers.DescribeObject).
//
//  16. label and annotate (pkg/cmd/label/label.go: Complete, Validate,
//     RunLabel; pkg/cmd/annotate/annotate.go: ToOptions, RunAnnotate)
//     read each object, change it on the client, and send the difference
//     as a JSON merge patch through the cluster's apiserver
//     (cluster.API) under the field manager kubectl-label or
//     kubectl-annotate (--field-manager); --record adds the change-cause
//     with the change. label sends nothing when no label changes; annotate
//     always sends its patch. --dry-run is read as cmdutil's
//     GetDryRunStrategy reads it (client, server, none, a boolean, or the
//     flag alone for client): a client dry run sends nothing (and label
//     then prints no "not found" lines), a server dry run is a dry-run
//     request — the apiserver's validation and admission run, nothing is
//     stored — and the line ends in " (dry run)" or " (server dry run)".
//     --resource-version=V is refused unless the builder implies a single
//     item (one name, one TYPE/NAME, one -f path: "--resource-version may
//     only be used with a single resource"), checked after the builder and
//     before any object is read; the object's own version is dropped and V
//     put in its place, so V travels in the patch and a stale V is the
//     apiserver's Conflict ("Error from server (Conflict): Operation
//     cannot be fulfilled on ..."). -o name prints the name, -o yaml and
//     -o json the object: label the one it changed on the client (the
//     version it read, or V), annotate the server's answer; managedFields
//     are left out, and annotate's YAML documents after the first begin
//     with "---" (one printer for the command, where label makes one per
//     object). annotate checks -o before it reads anything; label only
//     when it prints, after its write. MODEL: template and JSONPath
//     formats and kyaml are refused as kubesem's error; --list and
//     --local are not modelled.
//
//  17. rollout history (pkg/cmd/rollout/rollout_history.go: Run;
//     pkg/polymorphichelpers/history.go: DeploymentHistoryViewer) reads a
//     Deployment's ReplicaSets as GetAllReplicaSets does (matched by its
//     selector and controlled by it; the old ones by name, the new one
//     last; of two with one revision the later counts). Without -o it
//     prints "<kind>/<name> " and the table, or with --revision=N
//     "<kind>/<name> with revision #N" and the revision's pod template as
//     printTemplate writes it (printers.DescribePodTemplate: describe's
//     lines with their tabs, unaligned, the ReplicaSet's change-cause among
//     the template's annotations), then a blank line; a Deployment with no
//     ReplicaSet says "No rollout history found." either way, and a
//     revision it lacks is "unable to find the specified revision". With
//     -o (an empty -o is the name printer) the printer is made once, after
//     the builder and before any object is read, so an unknown format fails
//     first; then per object the ReplicaSet of --revision=N — a missing
//     revision is the same error, before anything is printed — or every
//     revision's ReplicaSet in ascending order: -o name
//     "replicaset.apps/<name>", -o json the typed object in its Go field
//     order, -o yaml with sorted keys and "---" between documents,
//     managedFields left out. Kinds without a history viewer (ReplicaSets)
//     are "no history viewer has been implemented for ...". MODEL:
//     DaemonSets and StatefulSets (ControllerRevisions) are not modelled
//     and get the same error.
//
// MODEL choices: a command that waits (rules 7 and 8) runs the cluster at
// most Shell.WaitLimit of virtual time (kubectl would wait a week, or for
// ever) and then fails as kubectl fails at its --timeout; klog's warnings
// (a deprecated --dry-run form) are not printed, as they carry wall-clock
// time; the container name create deployment derives from an image with
// '_' or '.' gets a five-letter suffix from a hash of the image, where
// kubectl draws it at random; where kubectl walks a map (set image's
// containers) kubesem walks it in key order. pause, resume and restart
// write through the cluster's rollout verbs, as cluster.Patch does not
// clear a field a patch sets to null.
//
// Only the commands and flags above are understood: any other flag fails
// as an unknown flag, any other output format as an error naming it.
package kubectl

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubesem/kubesem/cluster"
	"github.com/kubesem/kubesem/namespace"
)

// DefaultWaitLimit is how much virtual time a waiting command runs the
// cluster when Shell.WaitLimit is zero.
const DefaultWaitLimit = time.Hour

// Shell runs kubectl command lines against a cluster. It is not safe for
// concurrent use, as the cluster is not.
type Shell struct {
	Cluster *cluster.Cluster
	// Files are the files -f can name.
	Files map[string][]byte
	// ReadFile, when set, reads a file -f names that Files does not hold
	// (a shell reading the user's files); an error that is not
	// fs.ErrNotExist is reported as it is.
	ReadFile func(name string) ([]byte, error)
	// Kubeconfig is the content of ~/.kube/config, for the default
	// namespace (nil: "default").
	Kubeconfig []byte
	// WaitLimit bounds the virtual time a waiting command (delete,
	// rollout status) runs the cluster before it gives up as kubectl
	// does at its --timeout; zero means DefaultWaitLimit.
	WaitLimit time.Duration
	// WatchFor is how long `kubectl get -w` watches, running the
	// cluster, before the user stops it with Ctrl-C (zero means
	// DefaultWatchFor); a shorter --request-timeout ends it first.
	WatchFor time.Duration
	// OnWatch, when set, sees each flush of `kubectl get -w` as it
	// happens, with the virtual time of the change it prints (Run returns
	// all of them together at the end).
	OnWatch func(at time.Time, text string)
	// Interrupt, when set, is asked after each virtual second of a watch
	// whether the user pressed Ctrl-C: true ends the watch there as the
	// end of WatchFor does (ErrInterrupted). A shell paces a watch in
	// real time with it. The output is the same as without it up to the
	// interruption.
	Interrupt func() bool
	// Editor is the user's editor for kubectl edit ($KUBE_EDITOR): given
	// the temporary file's name and what kubectl wrote in it, it returns
	// the file as the user saved it. An error is the editor failing.
	Editor func(file string, content []byte) ([]byte, error)

	edits int // temporary files kubectl edit has written

	watched  *cluster.Cluster // the cluster the Shell watches (rollout status)
	onChange func(cluster.Change)
}

// Run runs one command line ("kubectl get pods -o wide") and returns what
// kubectl prints, stdout and stderr together in the order printed, the
// error last, formatted as kubectl formats it. err is non-nil when kubectl
// would exit non-zero.
func (s *Shell) Run(line string) (string, error) {
	var out strings.Builder
	if err := s.run(line, &out); err != nil {
		out.WriteString(Format(err))
		return out.String(), err
	}
	return out.String(), nil
}

func (s *Shell) run(line string, out *strings.Builder) error {
	if s.Cluster == nil {
		return errors.New("kubesem: Shell has no Cluster")
	}
	words, err := split(line)
	if err != nil {
		return err
	}
	if len(words) > 0 && words[0] == "kubectl" {
		words = words[1:]
	}
	spec, rest, err := find(words)
	if err != nil {
		return err
	}
	c := &command{spec: spec}
	path := "kubectl " + spec.path
	// The command's own arguments: the words without the command's path
	// (cobra's argsMinusFirstX), for the command; all of them, for
	// --record's rendering of the whole line.
	args, dashAt, occ, err := spec.parseFlags(path, rest, out)
	if err != nil {
		return err
	}
	all, _, _, _ := spec.parseFlags(path, words, &strings.Builder{})
	c.args, c.dashAt, c.occ = args, dashAt, occ
	c.cause = changeCause(all, occ)
	for _, r := range spec.required {
		if !c.changed(r) {
			return fmt.Errorf("required flag(s) %q not set", r)
		}
	}
	c.ns, err = namespace.Resolve(c.str("namespace"), s.Kubeconfig)
	if err != nil {
		return err
	}
	c.nsGiven = c.str("namespace") != ""
	c.out = out
	return spec.run(s, c)
}

// ---- commands -------------------------------------------------------------

// The commands kubesem understands, with the flags each takes (kubectl's
// flags that kubesem does not model are left out: giving one is an
// unknown flag).
var commands = []*commandSpec{
	{path: "get", run: runGet, flags: []flagDef{fOutput, fSelector, fLabelCols, fShowLabels, fAllNS, fNoHeaders, fShowKind, fWatch, fWatchOnly, fWatchEvs, fReqTimeout, fIgnoreNF, fFilename}},
	{path: "create", run: runCreate, flags: []flagDef{fFilename, fRecord, fDryRun, fOutput, fSelector}},
	{path: "create namespace", aliases: []string{"ns"}, run: runCreateNamespace, flags: []flagDef{fDryRun, fOutput}},
	{path: "create deployment", aliases: []string{"deploy"}, run: runCreateDeployment, required: []string{"image"}, flags: []flagDef{
		fDryRun, fOutput,
		{name: "image", typ: stringSliceFlag},
		{name: "port", typ: int32Flag, def: "-1"},
		{name: "replicas", short: 'r', typ: int32Flag, def: "1"},
	}},
	{path: "apply", run: runApply, flags: []flagDef{fFilename, fRecord, fSelector, fAll, fOutput}},
	{path: "delete", run: runDelete, flags: []flagDef{
		fFilename, fSelector, fAll, fAllNS, fOutput, fIgnoreNF, fTimeout,
		{name: "cascade", typ: stringFlag, def: "background", noOpt: "background"},
		{name: "force", typ: boolFlag, def: "false", noOpt: "true"},
		{name: "grace-period", typ: intFlag, def: "-1"},
		{name: "now", typ: boolFlag, def: "false", noOpt: "true"},
		{name: "wait", typ: boolFlag, def: "true", noOpt: "true"},
	}},
	{path: "edit", run: runEdit, flags: []flagDef{fFilename, fOutput}},
	{path: "label", run: runLabel, flags: []flagDef{fOverwrite, fAll, fAllNS, fSelector, fFilename, fOutput, fDryRun, fRecord, fResourceVersion,
		{name: "field-manager", typ: stringFlag, def: "kubectl-label"}}},
	{path: "taint", run: runTaint, flags: []flagDef{fOverwrite, fAll, fSelector, fDryRun, {name: "field-manager", typ: stringFlag, def: "kubectl-taint"}}},
	{path: "annotate", run: runLabel, flags: []flagDef{fOverwrite, fAll, fAllNS, fSelector, fFilename, fOutput, fDryRun, fRecord, fResourceVersion,
		{name: "field-manager", typ: stringFlag, def: "kubectl-annotate"}}},
	{path: "scale", run: runScale, required: []string{"replicas"}, flags: []flagDef{
		fAll, fSelector, fFilename, fRecord, fOutput,
		{name: "replicas", typ: intFlag, def: "-2"},
		{name: "current-replicas", typ: intFlag, def: "-1"},
	}},
	{path: "set image", run: runSetImage, flags: []flagDef{fAll, fSelector, fFilename, fRecord, fOutput}},
	{path: "patch", run: runPatch, flags: []flagDef{fFilename, fRecord, fOutput,
		{name: "patch", short: 'p', typ: stringFlag},
		{name: "type", typ: stringFlag, def: "strategic"},
	}},
	{path: "expose", run: runExpose, flags: []flagDef{fFilename, fRecord, fOutput,
		{name: "port", typ: stringFlag},
		{name: "target-port", typ: stringFlag},
		{name: "name", typ: stringFlag},
		{name: "type", typ: stringFlag},
		{name: "protocol", typ: stringFlag},
		{name: "selector", typ: stringFlag},
		{name: "labels", short: 'l', typ: stringFlag},
		{name: "cluster-ip", typ: stringFlag},
	}},
	{path: "describe", run: runDescribe, flags: []flagDef{fSelector, fFilename, fAllNS,
		{name: "show-events", typ: boolFlag, def: "true", noOpt: "true"},
		{name: "chunk-size", typ: intFlag, def: "500"},
	}},
	{path: "api-resources", run: runAPIResources, flags: []flagDef{fOutput, fNoHeaders,
		{name: "namespaced", typ: boolFlag, def: "true", noOpt: "true"},
		{name: "api-group", typ: stringFlag},
		{name: "sort-by", typ: stringFlag},
	}},
	{path: "rollout history", run: runRollout, flags: []flagDef{fSelector, fFilename, fOutput, {name: "revision", typ: intFlag, def: "0"}}},
	{path: "rollout undo", run: runRollout, flags: []flagDef{fSelector, fFilename, fOutput, {name: "to-revision", typ: intFlag, def: "0"}}},
	{path: "rollout pause", run: runRollout, flags: []flagDef{fSelector, fFilename, fOutput}},
	{path: "rollout resume", run: runRollout, flags: []flagDef{fSelector, fFilename, fOutput}},
	{path: "rollout restart", run: runRollout, flags: []flagDef{fSelector, fFilename, fOutput}},
	{path: "rollout status", run: runRollout, flags: []flagDef{fSelector, fFilename, fTimeout,
		{name: "watch", short: 'w', typ: boolFlag, def: "true", noOpt: "true"},
		{name: "revision", typ: intFlag, def: "0"},
	}},
}

// groups are kubectl's commands that only hold subcommands (create also
// runs on its own).
var groups = map[string]*commandSpec{
	"rollout": {path: "rollout"},
	"set":     {path: "set"},
}

// kubectlCommands are kubectl v1.37's top-level commands, for cobra's
// "unknown command" suggestions and to tell a command kubesem does not
// model from one kubectl does not have.
var kubectlCommands = []string{"alpha", "annotate", "api-resources", "api-versions", "apply", "attach", "auth",
	"autoscale", "certificate", "cluster-info", "completion", "config", "cordon", "cp", "create", "debug",
	"delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get", "kustomize",
	"label", "logs", "options", "patch", "plugin", "port-forward", "proxy", "replace", "rollout", "run",
	"scale", "set", "taint", "top", "uncordon", "version", "wait"}

func lookupCommand(path string) *commandSpec {
	for _, cs := range commands {
		if cs.path == path {
			return cs
		}
	}
	return nil
}

// find walks the command tree as cobra's Find does and returns the
// command and the words left for it (its path removed).
func find(words []string) (*commandSpec, []string, error) {
	root := &commandSpec{path: ""}
	names := stripFlags(words, root)
	if len(names) == 0 {
		return nil, nil, errHelp
	}
	top := names[0]
	rest := argsMinusFirstX(words, top, root)
	if g, ok := groups[top]; ok {
		sub := stripFlags(rest, g)
		if len(sub) == 0 {
			return nil, nil, errHelp
		}
		cs := lookupCommand(top + " " + sub[0])
		if cs == nil {
			return nil, nil, fmt.Errorf("unknown command %q\nSee 'kubectl %s -h' for help and examples", strings.Join(sub, " "), top)
		}
		return cs, argsMinusFirstX(rest, sub[0], g), nil
	}
	if top == "create" {
		create := lookupCommand("create")
		if sub := stripFlags(rest, create); len(sub) > 0 {
			for _, cs := range commands {
				if p, ok := strings.CutPrefix(cs.path, "create "); ok && (sub[0] == p || contains(cs.aliases, sub[0])) {
					return cs, argsMinusFirstX(rest, sub[0], create), nil
				}
			}
			if contains(createSubcommands, sub[0]) {
				return nil, nil, fmt.Errorf("kubesem's kubectl does not model \"kubectl create %s\"", sub[0])
			}
		}
		return create, rest, nil
	}
	if cs := lookupCommand(top); cs != nil {
		return cs, rest, nil
	}
	if contains(kubectlCommands, top) {
		return nil, nil, fmt.Errorf("kubesem's kubectl does not model \"kubectl %s\"", top)
	}
	return nil, nil, fmt.Errorf("unknown command %q for \"kubectl\"%s", top, suggestions(top))
}

// createSubcommands are kubectl create's generators kubesem does not model.
var createSubcommands = []string{"clusterrole", "clusterrolebinding", "configmap", "cm", "cronjob", "cj", "ingress", "ing",
	"job", "poddisruptionbudget", "pdb", "priorityclass", "pc", "quota", "resourcequota", "role", "rolebinding",
	"secret", "service", "svc", "serviceaccount", "sa", "token"}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// takesValue tells, as cobra's stripFlags guesses it, whether a flag word
// is followed by its value: a long flag without "=" or a two-letter short
// flag, unless the flag is known to need no value.
func takesValue(w string, cs *commandSpec) bool {
	if strings.Contains(w, "=") {
		return false
	}
	if strings.HasPrefix(w, "--") {
		d := cs.lookup(w[2:])
		return d == nil || d.noOpt == ""
	}
	if len(w) == 2 {
		d := cs.lookupShort(w[1])
		return d == nil || d.noOpt == ""
	}
	return false
}

// stripFlags is cobra's: the words that are not flags or flag values.
func stripFlags(words []string, cs *commandSpec) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return out
		case strings.HasPrefix(w, "-") && takesValue(w, cs):
			if len(words)-i-1 <= 1 {
				return out
			}
			i++
		case w != "" && !strings.HasPrefix(w, "-"):
			out = append(out, w)
		}
	}
	return out
}

// argsMinusFirstX is cobra's: the words without the first x that is not
// a flag value.
func argsMinusFirstX(words []string, x string, cs *commandSpec) []string {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return words
		case strings.HasPrefix(w, "-") && takesValue(w, cs):
			i++
		case !strings.HasPrefix(w, "-") && w == x:
			out := append([]string(nil), words[:i]...)
			return append(out, words[i+1:]...)
		}
	}
	return words
}

// suggestions is cobra's "Did you mean this?" for an unknown command:
// commands within Levenshtein distance 2 or starting with what was typed.
func suggestions(typed string) string {
	var found []string
	for _, name := range kubectlCommands {
		if levenshtein(strings.ToLower(typed), strings.ToLower(name)) <= 2 || strings.HasPrefix(strings.ToLower(name), strings.ToLower(typed)) {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return ""
	}
	return "\n\nDid you mean this?\n\t" + strings.Join(found, "\n\t") + "\n"
}

func levenshtein(s, t string) int {
	d := make([]int, len(t)+1)
	for j := range d {
		d[j] = j
	}
	for i := 1; i <= len(s); i++ {
		prev := d[0]
		d[0] = i
		for j := 1; j <= len(t); j++ {
			cur := d[j]
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[j] = min(d[j]+1, d[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return d[len(t)]
}
