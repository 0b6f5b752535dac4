package kubectl

import (
	"strings"
	"testing"
	"time"
)

const crontabCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                cronSpec:
                  type: string
                image:
                  type: string
                replicas:
                  type: integer
                  default: 1
      additionalPrinterColumns:
      - name: Spec
        type: string
        jsonPath: .spec.cronSpec
      - name: Replicas
        type: integer
        jsonPath: .spec.replicas
      - name: Age
        type: date
        jsonPath: .metadata.creationTimestamp
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
`

const crontab = `apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
`

// The Kubernetes documentation's CronTab walk-through, through kubectl:
// a custom resource before its definition is kubectl's mapping error;
// after it, it is created, printed with its columns, patched (a
// strategic merge patch refused with the apiserver's 415), labelled, and
// deleted with its definition (rules API-12, API-13).
func TestCustomResources(t *testing.T) {
	sh := newShell(t)
	sh.Files = map[string][]byte{"crd.yaml": []byte(crontabCRD), "crontab.yaml": []byte(crontab)}
	runSteps(t, sh, []step{
		fails("kubectl create -f crontab.yaml", lines(
			`error: resource mapping not found for name: "my-new-cron-object" namespace: "" from "crontab.yaml": no matches for kind "CronTab" in version "stable.example.com/v1"`,
			"ensure CRDs are installed first")),
		ok("kubectl apply -f crd.yaml", "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n"),
		ok("kubectl get crd", lines(
			"NAME                          CREATED AT",
			"crontabs.stable.example.com   2026-01-01T09:00:00Z")),
		ok("kubectl api-resources --api-group=stable.example.com", lines(
			"NAME       SHORTNAMES   APIVERSION              NAMESPACED   KIND",
			"crontabs   ct           stable.example.com/v1   true         CronTab")),
		ok("kubectl create -f crontab.yaml", "crontab.stable.example.com/my-new-cron-object created\n"),
		{do: advance(90 * time.Second)},
		ok("kubectl get crontab", lines(
			"NAME                 SPEC          REPLICAS   AGE",
			"my-new-cron-object   * * * * */5   1          90s")),
		ok("kubectl get ct -o name", "crontab.stable.example.com/my-new-cron-object\n"),
		ok("kubectl describe ct my-new-cron-object", lines(
			"Name:         my-new-cron-object",
			"Namespace:    default",
			"Labels:       <none>",
			"Annotations:  <none>",
			"API Version:  stable.example.com/v1",
			"Kind:         CronTab",
			"Metadata:",
			"  Creation Timestamp:  2026-01-01T09:00:00Z",
			"  Generation:          1",
			"  Resource Version:    12",
			"  UID:                 0ce92660-27b9-421a-b122-4addf61b6cc4",
			"Spec:",
			"  Cron Spec:  * * * * */5",
			"  Image:      my-awesome-cron-image",
			"  Replicas:   1",
			"Events:       <none>")),
		fails(`kubectl patch ct my-new-cron-object -p '{"spec":{"replicas":3}}'`,
			"Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n"),
		ok(`kubectl patch ct my-new-cron-object --type=merge -p '{"spec":{"replicas":3}}'`, "crontab.stable.example.com/my-new-cron-object patched\n"),
		ok(`kubectl patch ct my-new-cron-object --type=merge -p '{"spec":{"replicas":3}}'`, "crontab.stable.example.com/my-new-cron-object patched (no change)\n"),
		ok(`kubectl patch ct my-new-cron-object --type=json -p '[{"op":"replace","path":"/spec/image","value":"other"}]'`, "crontab.stable.example.com/my-new-cron-object patched\n"),
		ok("kubectl label ct my-new-cron-object tier=batch", "crontab.stable.example.com/my-new-cron-object labeled\n"),
		ok("kubectl get ct -L tier", lines(
			"NAME                 SPEC          REPLICAS   AGE   TIER",
			"my-new-cron-object   * * * * */5   3          90s   batch")),
		ok("kubectl delete crd crontabs.stable.example.com", "customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted\n"),
		fails("kubectl get ct", "error: the server doesn't have a resource type \"ct\"\n"),
		ok("kubectl get crd", "No resources found\n"),
	})
	if _, err := sh.Cluster.Get("CronTab", "default", "my-new-cron-object"); err == nil {
		t.Fatal("the CronTab outlived its definition")
	}
}

// kubectl edit of a custom resource sends a JSON merge patch (kubectl's
// editor for a kind without a Go type); a change of the name is refused.
func TestEditCustomResource(t *testing.T) {
	sh := newShell(t)
	sh.Files = map[string][]byte{"crd.yaml": []byte(crontabCRD), "crontab.yaml": []byte(crontab)}
	edits := []func(string) string{
		func(s string) string { return strings.Replace(s, "image: my-awesome-cron-image", "image: edited", 1) },
		func(s string) string { return strings.Replace(s, "name: my-new-cron-object", "name: renamed", 1) },
	}
	sh.Editor = func(file string, content []byte) ([]byte, error) {
		e := edits[0]
		edits = edits[1:]
		return []byte(e(string(content))), nil
	}
	runSteps(t, sh, []step{
		quiet("kubectl apply -f crd.yaml"),
		quiet("kubectl create -f crontab.yaml"),
		ok("kubectl edit ct my-new-cron-object", "crontab.stable.example.com/my-new-cron-object edited\n"),
		ok("kubectl get ct my-new-cron-object -o jsonpath={.spec.image}", "edited"),
		fails("kubectl edit ct my-new-cron-object", lines(
			`A copy of your changes has been stored to "/tmp/kubectl-edit-2.yaml"`,
			"error: At least one of apiVersion, kind and name was changed")),
		ok("kubectl get ct my-new-cron-object -o jsonpath={.spec.image}", "edited"),
	})
}
