package kubectl

import (
	"strings"
	"testing"
)

// Rule 8, rollout history --revision=N (RolloutHistoryOptions.Run,
// DeploymentHistoryViewer.ViewHistory and printTemplate; test/cmd/apps.sh
// "Get rollout history for a single revision": the output has
// "deployment.apps/nginx-deployment with revision #1", "Pod Template:" and
// the revision's images): the name line with "with revision #N", then the
// ReplicaSet's pod template as kubectl's describer writes it into a bare
// PrefixWriter — its tabs kept, nothing aligned — with the ReplicaSet's
// change-cause among the template's annotations, then a blank line.
func TestRolloutHistoryRevision(t *testing.T) {
	runScenarios(t, []scenario{
		{"the revision's pod template", append(rolledOut(),
			ok("kubectl rollout history deploy http-go --revision=1", lines(
				"deployment.apps/http-go with revision #1",
				"Pod Template:",
				"  Labels:\tapp=http-go",
				"\tpod-template-hash=577ffd6fb4",
				"  Annotations:\tkubernetes.io/change-cause: kubectl create --filename=deploy.yaml --record=true",
				"  Containers:",
				"   http-go:",
				"    Image:\tgasbugs/http-go:v1",
				"    Port:\t8080/TCP",
				"    Host Port:\t0/TCP",
				"    Environment:\t<none>",
				"    Mounts:\t<none>",
				"  Volumes:\t<none>",
				"  Node-Selectors:\t<none>",
				"  Tolerations:\t<none>",
				"")),
			ok("kubectl rollout history deployment.apps/http-go --revision=2", lines(
				"deployment.apps/http-go with revision #2",
				"Pod Template:",
				"  Labels:\tapp=http-go",
				"\tpod-template-hash=7bfb4d6d6f",
				"  Annotations:\tkubernetes.io/change-cause: kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
				"  Containers:",
				"   http-go:",
				"    Image:\tgasbugs/http-go:v2",
				"    Port:\t8080/TCP",
				"    Host Port:\t0/TCP",
				"    Environment:\t<none>",
				"    Mounts:\t<none>",
				"  Volumes:\t<none>",
				"  Node-Selectors:\t<none>",
				"  Tolerations:\t<none>",
				"")),
			// A revision the Deployment does not have.
			fails("kubectl rollout history deploy http-go --revision=3", "error: unable to find the specified revision\n"),
			// Several Deployments: what succeeds is printed, the errors last.
			quiet("kubectl create deployment web --image=nginx"),
			fails("kubectl rollout history deploy --revision=2", lines(
				"deployment.apps/http-go with revision #2",
				"Pod Template:",
				"  Labels:\tapp=http-go",
				"\tpod-template-hash=7bfb4d6d6f",
				"  Annotations:\tkubernetes.io/change-cause: kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
				"  Containers:",
				"   http-go:",
				"    Image:\tgasbugs/http-go:v2",
				"    Port:\t8080/TCP",
				"    Host Port:\t0/TCP",
				"    Environment:\t<none>",
				"    Mounts:\t<none>",
				"  Volumes:\t<none>",
				"  Node-Selectors:\t<none>",
				"  Tolerations:\t<none>",
				"",
				"error: unable to find the specified revision")),
			// The template as the ReplicaSet has it: without a change-cause
			// there is no Annotations line.
			ok("kubectl rollout history deploy web --revision=1", lines(
				"deployment.apps/web with revision #1",
				"Pod Template:",
				"  Labels:\tapp=web",
				"\tpod-template-hash=5fc9f4bf66",
				"  Containers:",
				"   nginx:",
				"    Image:\tnginx",
				"    Port:\t<none>",
				"    Host Port:\t<none>",
				"    Environment:\t<none>",
				"    Mounts:\t<none>",
				"  Volumes:\t<none>",
				"  Node-Selectors:\t<none>",
				"  Tolerations:\t<none>",
				"")),
		)},
	})
	// A Deployment without ReplicaSets (created paused) has no history:
	// ViewHistory says so before it looks for the revision; GetHistory has
	// nothing, so with -o the revision is missing.
	runSteps(t, cmShell(t), []step{
		quiet("kubectl create -f paused.yaml"),
		ok("kubectl rollout history deploy paused", "deployment.apps/paused \nNo rollout history found.\n"),
		ok("kubectl rollout history deploy paused --revision=1", "deployment.apps/paused with revision #1\nNo rollout history found.\n"),
		fails("kubectl rollout history deploy paused --revision=1 -o name", "error: unable to find the specified revision\n"),
		ok("kubectl rollout history deploy paused -o name", ""),
	})
}

// Rule 8, rollout history -o (RolloutHistoryOptions.Run with an output
// flag, DeploymentHistoryViewer.GetHistory): the printer is made before
// any object is read (an unknown format fails first); then, per object,
// with --revision=N that revision's ReplicaSet — a missing revision is an
// error before anything is printed — else every revision's ReplicaSet,
// ascending. -o name (and an empty -o) print "replicaset.apps/NAME"; -o
// yaml prints the typed objects with sorted keys and "---" between
// documents, -o json in the Go type's field order.
func TestRolloutHistoryOutput(t *testing.T) {
	runScenarios(t, []scenario{{"history -o", append(rolledOut(),
		ok("kubectl rollout history deploy http-go -o name", "replicaset.apps/http-go-577ffd6fb4\nreplicaset.apps/http-go-7bfb4d6d6f\n"),
		ok("kubectl rollout history deploy http-go --output=", "replicaset.apps/http-go-577ffd6fb4\nreplicaset.apps/http-go-7bfb4d6d6f\n"),
		ok("kubectl rollout history deploy http-go -o NAME --revision=2", "replicaset.apps/http-go-7bfb4d6d6f\n"),
		fails("kubectl rollout history deploy http-go -o yaml --revision=3", "error: unable to find the specified revision\n"),
		fails("kubectl rollout history deploy http-go -o wide --revision=3", "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: "+
			"go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml\n"),
		fails("kubectl rollout history deploy http-go -o jsonpath={.x}", "error: unable to match a printer suitable for the output format \"jsonpath={.x}\", allowed formats are: "+
			"go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml\n"),
		// The builder's errors come before the printer's.
		fails("kubectl rollout history deploy/http-go -l app=x -o wide", "error: selectors and the all flag cannot be used when passing resource/name arguments\n"),
		fails("kubectl rollout history rs -l app=http-go -o name", "no history viewer has been implemented for \"ReplicaSet.apps\"\nno history viewer has been implemented for \"ReplicaSet.apps\"\n"),
		ok("kubectl rollout history deploy http-go -o json --revision=1", lines(
			"{",
			"    \"kind\": \"ReplicaSet\",",
			"    \"apiVersion\": \"apps/v1\",",
			"    \"metadata\": {",
			"        \"name\": \"http-go-577ffd6fb4\",",
			"        \"namespace\": \"default\",",
			"        \"uid\": \"0ce92660-27b9-421a-b122-4addf61b6cc4\",",
			"        \"resourceVersion\": \"84\",",
			"        \"generation\": 4,",
			"        \"creationTimestamp\": \"2026-01-01T09:00:00Z\",",
			"        \"labels\": {",
			"            \"app\": \"http-go\",",
			"            \"pod-template-hash\": \"577ffd6fb4\"",
			"        },",
			"        \"annotations\": {",
			"            \"deployment.kubernetes.io/desired-replicas\": \"3\",",
			"            \"deployment.kubernetes.io/max-replicas\": \"4\",",
			"            \"deployment.kubernetes.io/revision\": \"1\",",
			"            \"kubernetes.io/change-cause\": \"kubectl create --filename=deploy.yaml --record=true\"",
			"        },",
			"        \"ownerReferences\": [",
			"            {",
			"                \"apiVersion\": \"apps/v1\",",
			"                \"kind\": \"Deployment\",",
			"                \"name\": \"http-go\",",
			"                \"uid\": \"c8788c7a-b1d1-4ee4-935b-2b0441ee0754\",",
			"                \"controller\": true,",
			"                \"blockOwnerDeletion\": true",
			"            }",
			"        ]",
			"    },",
			"    \"spec\": {",
			"        \"replicas\": 0,",
			"        \"selector\": {",
			"            \"matchLabels\": {",
			"                \"app\": \"http-go\",",
			"                \"pod-template-hash\": \"577ffd6fb4\"",
			"            }",
			"        },",
			"        \"template\": {",
			"            \"metadata\": {",
			"                \"labels\": {",
			"                    \"app\": \"http-go\",",
			"                    \"pod-template-hash\": \"577ffd6fb4\"",
			"                }",
			"            },",
			"            \"spec\": {",
			"                \"containers\": [",
			"                    {",
			"                        \"name\": \"http-go\",",
			"                        \"image\": \"gasbugs/http-go:v1\",",
			"                        \"ports\": [",
			"                            {",
			"                                \"containerPort\": 8080,",
			"                                \"protocol\": \"TCP\"",
			"                            }",
			"                        ],",
			"                        \"resources\": {},",
			"                        \"terminationMessagePath\": \"/dev/termination-log\",",
			"                        \"terminationMessagePolicy\": \"File\",",
			"                        \"imagePullPolicy\": \"IfNotPresent\"",
			"                    }",
			"                ],",
			"                \"restartPolicy\": \"Always\",",
			"                \"terminationGracePeriodSeconds\": 30,",
			"                \"dnsPolicy\": \"ClusterFirst\",",
			"                \"securityContext\": {},",
			"                \"schedulerName\": \"default-scheduler\"",
			"            }",
			"        }",
			"    },",
			"    \"status\": {",
			"        \"replicas\": 0,",
			"        \"terminatingReplicas\": 1,",
			"        \"observedGeneration\": 4",
			"    }",
			"}")),
	)}})
	// -o yaml: one YAML printer for the command, so every document after
	// the first starts with "---"; each is the typed ReplicaSet with
	// sorted keys.
	sh := newShell(t)
	runSteps(t, sh, append(rolledOut(), quiet("kubectl create deployment web --image=nginx")))
	out, err := sh.Run("kubectl rollout history deploy -o yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(out, "---\n")
	if len(docs) != 3 {
		t.Fatalf("-o yaml: %d documents, want 3:\n%s", len(docs), out)
	}
	for i, name := range []string{"http-go-577ffd6fb4", "http-go-7bfb4d6d6f", "web-5fc9f4bf66"} {
		if !strings.HasPrefix(docs[i], "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n") || !strings.Contains(docs[i], "\n  name: "+name+"\n") ||
			strings.Contains(docs[i], "managedFields") {
			t.Errorf("-o yaml: document %d is not ReplicaSet %s:\n%s", i, name, docs[i])
		}
	}
}
