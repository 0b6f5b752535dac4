package conformance

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/resourcequota"
	quotacore "k8s.io/kubernetes/pkg/quota/v1/evaluator/core"
	testingclock "k8s.io/utils/clock/testing"
	"pgregory.net/rapid"

	"github.com/kubesem/kubesem/namespace"
)

var quantities = []string{"0", "100m", "250m", "500m", "1", "1500m", "2", "64Mi", "128Mi", "1Gi", "1G"}

func genResourceList(t *rapid.T, label string, names []corev1.ResourceName) corev1.ResourceList {
	l := corev1.ResourceList{}
	for _, n := range names {
		if rapid.IntRange(0, 2).Draw(t, label+string(n)) == 0 {
			l[n] = resource.MustParse(rapid.SampledFrom(quantities).Draw(t, label+string(n)+"Q"))
		}
	}
	return l
}

func genQuotaPod(t *rapid.T) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: rapid.SampledFrom([]string{"web", ""}).Draw(t, "podName"), Namespace: "office"}}
	if p.Name == "" {
		p.GenerateName = rapid.SampledFrom([]string{"web-", ""}).Draw(t, "generateName")
	}
	compute := []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage}
	for i := range rapid.IntRange(1, 3).Draw(t, "containers") {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: fmt.Sprintf("c%d", i),
			Resources: corev1.ResourceRequirements{Requests: genResourceList(t, "req", compute), Limits: genResourceList(t, "lim", compute)}})
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "initContainers") {
		c := corev1.Container{Name: fmt.Sprintf("init%d", i),
			Resources: corev1.ResourceRequirements{Requests: genResourceList(t, "ireq", compute), Limits: genResourceList(t, "ilim", compute)}}
		if rapid.Bool().Draw(t, "sidecar") {
			always := corev1.ContainerRestartPolicyAlways
			c.RestartPolicy = &always
		}
		p.Spec.InitContainers = append(p.Spec.InitContainers, c)
	}
	if rapid.IntRange(0, 4).Draw(t, "overhead") == 0 {
		p.Spec.Overhead = genResourceList(t, "ovh", compute[:2])
	}
	if rapid.IntRange(0, 4).Draw(t, "podLevel") == 0 {
		p.Spec.Resources = &corev1.ResourceRequirements{Requests: genResourceList(t, "preq", compute[:2]), Limits: genResourceList(t, "plim", compute[:2])}
	}
	p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{"", corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed}).Draw(t, "phase")
	return p
}

func genQuota(t *rapid.T, i int) corev1.ResourceQuota {
	names := []corev1.ResourceName{"count/pods", corev1.ResourcePods, corev1.ResourceCPU, corev1.ResourceMemory,
		corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory,
		corev1.ResourceRequestsEphemeralStorage, corev1.ResourceLimitsEphemeralStorage, "count/services", corev1.ResourceServices}
	q := corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("quota-%d", i), Namespace: "office"}}
	q.Status.Hard = genResourceList(t, "hard", names)
	for n := range q.Status.Hard {
		if n == corev1.ResourcePods || n == "count/pods" || n == corev1.ResourceServices || n == "count/services" {
			q.Status.Hard[n] = resource.MustParse(rapid.SampledFrom([]string{"0", "1", "2", "10"}).Draw(t, "count"))
		}
	}
	q.Spec.Hard = q.Status.Hard.DeepCopy()
	if rapid.IntRange(0, 5).Draw(t, "noStatus") != 0 {
		q.Status.Used = corev1.ResourceList{}
		for n := range q.Status.Hard {
			if rapid.IntRange(0, 8).Draw(t, "usedMissing") == 0 {
				continue
			}
			q.Status.Used[n] = resource.MustParse(rapid.SampledFrom([]string{"0", "1", "2", "500m", "1500m", "64Mi", "1Gi"}).Draw(t, "used"))
		}
	}
	return q
}

// namespace.AdmitPod gives the apiserver's ResourceQuota admission
// answer (resourcequota.CheckRequest with the pod evaluator): the same
// error text, or the same quotas with the same status.used.
func TestQuotaAdmissionMatchesUpstream(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	evaluator := quotacore.NewPodEvaluator(nil, testingclock.NewFakeClock(now))
	rapid.Check(t, func(t *rapid.T) {
		pod := genQuotaPod(t)
		var theirs []corev1.ResourceQuota
		var ours []*corev1.ResourceQuota
		for i := range rapid.IntRange(0, 3).Draw(t, "quotas") {
			q := genQuota(t, i)
			theirs = append(theirs, *q.DeepCopy())
			ours = append(ours, &q)
		}
		attrs := admission.NewAttributesRecord(pod.DeepCopy(), nil, corev1.SchemeGroupVersion.WithKind("Pod"), "office", pod.Name,
			corev1.SchemeGroupVersion.WithResource("pods"), "", admission.Create, &metav1.CreateOptions{}, false, nil)
		want, wantErr := resourcequota.CheckRequest(theirs, attrs, evaluator, nil)
		got, gotErr := namespace.AdmitPod(pod, ours, now)
		outcome(wantErr)
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			t.Fatalf("error differs:\nupstream: %v\nkubesem:  %v", wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		var gotVals []corev1.ResourceQuota
		for _, q := range got {
			gotVals = append(gotVals, *q)
		}
		if diff := cmp.Diff(normalizeQuotas(want), normalizeQuotas(gotVals)); diff != "" {
			t.Fatalf("quotas differ (-upstream +kubesem):\n%s", diff)
		}
	})
	// every kind of answer must have been compared
	t.Log(outcomes)
	total := 0
	for _, n := range outcomes {
		total += n
	}
	for _, k := range []string{"ok", "exceeded quota", "failed quota", "status unknown for quota"} {
		if total >= 1000 && outcomes[k] == 0 {
			t.Errorf("no case ended in %q", k)
		}
	}
}

// outcomes tallies the kinds of upstream answers compared.
var outcomes = map[string]int{}

func outcome(err error) {
	k := "ok"
	if err != nil {
		k = err.Error()
		if i := strings.Index(k, ": "); i >= 0 {
			k = k[i+2:]
		}
		if i := strings.IndexAny(k, ":,"); i >= 0 {
			k = k[:i]
		}
	}
	outcomes[k]++
}

// normalizeQuotas prints quantities canonically so that equal amounts
// compare equal.
func normalizeQuotas(qs []corev1.ResourceQuota) []map[string]string {
	var out []map[string]string
	for _, q := range qs {
		m := map[string]string{"name": q.Name}
		for k, v := range q.Status.Used {
			m["used/"+string(k)] = v.String()
		}
		for k, v := range q.Status.Hard {
			m["hard/"+string(k)] = v.String()
		}
		out = append(out, m)
	}
	return out
}
