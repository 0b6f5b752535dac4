package kubectl

import (
	"testing"
	"time"

	"github.com/kubesem/kubesem/cluster"
)

// rolledOut is a deployment created with --record, rolled out, then
// updated to v2 and rolled out again.
func rolledOut() []step {
	return []step{
		quiet("kubectl create -f deploy.yaml --record"),
		{do: settle},
		quiet("kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record"),
		quiet("kubectl rollout status deploy http-go"),
	}
}

func TestRolloutHistory(t *testing.T) {
	runScenarios(t, []scenario{
		// KH-1..3: the table, "<none>" for a missing change-cause, the name
		// line with its trailing space and the final blank line.
		{"KH-1..3 history", append(rolledOut(),
			ok("kubectl rollout history deploy http-go", lines(
				"deployment.apps/http-go ",
				"REVISION  CHANGE-CAUSE",
				"1         kubectl create --filename=deploy.yaml --record=true",
				"2         kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
				"")),
			ok("kubectl rollout history deployment -l app=none", ""),
			fails("kubectl rollout history deployment/http-go -l app=none", "error: selectors and the all flag cannot be used when passing resource/name arguments\n"),
			fails("kubectl rollout history deploy http-go --revision=-1", "error: revision must be a positive integer: -1\n"),
			fails("kubectl rollout history", "error: required resource not specified\n"),
			fails("kubectl rollout history deploy nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
			// One error per ReplicaSet, each on its own line.
			fails("kubectl rollout history rs -l app=http-go", "no history viewer has been implemented for \"ReplicaSet.apps\"\nno history viewer has been implemented for \"ReplicaSet.apps\"\n"),
		)},
		{"KH-1 without --record", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok("kubectl rollout history deploy/http-go", "deployment.apps/http-go \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"),
		}},
	})
}

func TestRolloutUndo(t *testing.T) {
	runScenarios(t, []scenario{
		{"KU-1..6 undo", append(rolledOut(),
			fails("kubectl rollout undo deploy http-go --to-revision=5", "error: unable to find specified revision 5 in history\n"),
			fails("kubectl rollout undo deploy http-go --to-revision=-1", "error: unable to find specified revision -1 in history\n"),
			// KU-5: the revision named is the one printed.
			ok("kubectl rollout undo deploy http-go --to-revision=2", "deployment.apps/http-go skipped rollback (current template already matches revision 2)\n"),
			quiet("kubectl rollout pause deploy http-go"),
			// KU-4: checked after the revision lookup.
			fails("kubectl rollout undo deploy http-go --to-revision=7", "error: unable to find specified revision 7 in history\n"),
			fails("kubectl rollout undo deploy http-go", "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n"),
			quiet("kubectl rollout resume deploy http-go"),
			ok("kubectl rollout undo deploy http-go -o name", "deployment.apps/http-go\n"),
			// KU-7: the old revision comes back as revision 3.
			ok("kubectl rollout history deploy http-go", lines(
				"deployment.apps/http-go ",
				"REVISION  CHANGE-CAUSE",
				"2         kubectl set image deploy http-go http-go=gasbugs/http-go:v2 --record=true",
				"3         kubectl create --filename=deploy.yaml --record=true",
				"")),
			fails("kubectl rollout undo rc nope", "Error from server (NotFound): replicationcontrollers \"nope\" not found\n"),
			fails("kubectl rollout undo", "error: required resource not specified\n"),
		)},
		{"KU-2 no history", []step{
			quiet("kubectl create -f deploy.yaml"),
			fails("kubectl rollout undo deploy http-go", "error: no rollout history found for deployment \"http-go\"\n"),
			quiet("kubectl create -f rc.yaml"),
			fails("kubectl rollout undo rc nginx", "error: no rollbacker has been implemented for \"ReplicationController\"\n"),
		}},
		{"undo of an applied deployment warns", []step{
			quiet("kubectl apply -f deploy.yaml"),
			{do: settle},
			quiet("kubectl apply -f deploy-v2.yaml"),
			ok("kubectl rollout undo deploy http-go", "Warning: resource deployments.apps/http-go was previously managed with 'kubectl apply'. "+
				"Rolling back will not update the kubectl.kubernetes.io/last-applied-configuration annotation, which may cause unexpected behavior on future 'kubectl apply' operations. "+
				"Consider using 'kubectl apply' with your previous configuration file instead.\n"+
				"deployment.apps/http-go rolled back\n"),
		}},
	})
}

func TestRolloutPauseResumeRestart(t *testing.T) {
	runScenarios(t, []scenario{
		{"KH-4..6", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok("kubectl rollout pause deploy http-go", "deployment.apps/http-go paused\n"),
			fails("kubectl rollout pause deploy http-go", "error: deployments.apps \"http-go\" is already paused\n"),
			fails("kubectl rollout restart deploy http-go", "error: deployments.apps \"http-go\" can't restart paused deployment (run rollout resume first)\n"),
			ok("kubectl rollout resume deploy/http-go", "deployment.apps/http-go resumed\n"),
			fails("kubectl rollout resume deploy http-go", "error: deployments.apps \"http-go\" is not paused\n"),
			ok("kubectl rollout restart deploy http-go", "deployment.apps/http-go restarted\n"),
			// Twice in one second: the same annotation, an empty patch.
			fails("kubectl rollout restart deploy http-go", "error: failed to create patch for http-go: if restart has already been triggered within the past second, please wait before attempting to trigger another\n"),
			{do: advance(time.Second)},
			ok("kubectl rollout restart deploy http-go -o name", "deployment.apps/http-go\n"),
			// KH-6: each restart is a new revision.
			ok("kubectl rollout history deploy http-go", "deployment.apps/http-go \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n"),
			ok("kubectl rollout pause deploy -l app=none", "No resources found in default namespace.\n"),
			fails("kubectl rollout pause deploy nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
			fails("kubectl rollout pause", "error: required resource not specified\n"),
		}},
		{"other kinds", []step{
			quiet("kubectl create -f rc.yaml"),
			quiet("kubectl create -f rs.yaml"),
			fails("kubectl rollout pause rc nginx", "error: replicationcontrollers \"nginx\" pausing is not supported\n"),
			fails("kubectl rollout resume rs web", "error: replicasets.apps \"web\" resuming is not supported\n"),
			fails("kubectl rollout restart rs/web rc/nginx", "error: replicasets.apps \"web\" restarting is not supported\nerror: replicationcontrollers \"nginx\" restarting is not supported\n"),
			fails("kubectl rollout status rs web", "error: no status viewer has been implemented for ReplicaSet.apps\n"),
		}},
	})
}

func TestRolloutStatus(t *testing.T) {
	runScenarios(t, []scenario{
		// KH-8: kubectl watches until done, printing at every change.
		{"KH-8 watches", []step{
			quiet("kubectl create -f deploy.yaml"),
			ok("kubectl rollout status deploy http-go", "Waiting for deployment \"http-go\" rollout to finish: 0 of 3 updated replicas are available...\ndeployment \"http-go\" successfully rolled out\n"),
			{do: elapsed(2 * time.Second)},
			ok("kubectl rollout status deploy http-go", "deployment \"http-go\" successfully rolled out\n"),
			quiet("kubectl set image deploy http-go http-go=gasbugs/http-go:v2"),
			ok("kubectl rollout status deploy http-go --watch=false", "Waiting for deployment \"http-go\" rollout to finish: 1 out of 3 new replicas have been updated...\n"),
			ok("kubectl rollout status deploy http-go", lines(
				`Waiting for deployment "http-go" rollout to finish: 1 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 1 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 1 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 2 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 2 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 2 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 2 out of 3 new replicas have been updated...`,
				`Waiting for deployment "http-go" rollout to finish: 1 old replicas are pending termination...`,
				`Waiting for deployment "http-go" rollout to finish: 1 old replicas are pending termination...`,
				`Waiting for deployment "http-go" rollout to finish: 1 old replicas are pending termination...`,
				`deployment "http-go" successfully rolled out`)),
			{do: elapsed(8 * time.Second)},
			fails("kubectl rollout status deploy http-go --revision=1", "error: desired revision (1) is different from the running revision (2)\n"),
			ok("kubectl rollout status deploy http-go --revision=2", "deployment \"http-go\" successfully rolled out\n"),
			fails("kubectl rollout status deploy http-go --revision=-2", "error: revision must be a positive integer: -2\n"),
			ok("kubectl rollout status deploy -l app=none", "No resources found in default namespace.\n"),
			fails("kubectl rollout status deploy nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
			fails("kubectl rollout status", "error: required resource not specified\n"),
		}},
		// A paused rollout never ends: --timeout, else WaitLimit.
		{"KH-8 --timeout", []step{
			quiet("kubectl create -f deploy.yaml"),
			quiet("kubectl rollout pause deploy http-go"),
			quiet("kubectl set image deploy http-go http-go=gasbugs/http-go:v2"),
			fails("kubectl rollout status deploy http-go --timeout=30s", "Waiting for deployment \"http-go\" rollout to finish: 0 out of 3 new replicas have been updated...\n"+
				// The old pods get ready: a status write, printed again.
				"Waiting for deployment \"http-go\" rollout to finish: 0 out of 3 new replicas have been updated...\nerror: timed out waiting for the condition\n"),
			{do: elapsed(30 * time.Second)},
		}},
	})

	// KH-8: the progress deadline ends the watch with an error.
	sh := newShell(t)
	runSteps(t, sh, []step{
		{do: func(c *cluster.Cluster) error { return c.StopNode("worker1") }},
		{do: func(c *cluster.Cluster) error { return c.StopNode("worker2") }},
		quiet("kubectl create -f deploy.yaml"),
		step{cmd: "kubectl rollout status deploy http-go", want: "-", wantErr: true},
		fails("kubectl rollout status deploy http-go", "error: deployment \"http-go\" exceeded its progress deadline\n"),
	})
	// And the default limit of a waiting command.
	sh = newShell(t)
	sh.WaitLimit = time.Minute
	runSteps(t, sh, []step{
		quiet("kubectl create -f deploy.yaml"),
		quiet("kubectl rollout pause deploy http-go"),
		quiet("kubectl set image deploy http-go http-go=gasbugs/http-go:v2"),
		fails("kubectl rollout status deploy http-go", "Waiting for deployment \"http-go\" rollout to finish: 0 out of 3 new replicas have been updated...\n"+
			// The old pods get ready: a status write, printed again.
			"Waiting for deployment \"http-go\" rollout to finish: 0 out of 3 new replicas have been updated...\nerror: timed out waiting for the condition\n"),
		{do: elapsed(time.Minute)},
	})
}
