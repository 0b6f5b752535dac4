package conformance

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	utilptr "k8s.io/utils/ptr"
)

// TestLiveAPIServerSmoke checks that the live kube-apiserver of
// liveapiserver_test.go answers as a real one does: namespaces, the
// "default" ServiceAccount the ServiceAccount admission plugin needs,
// optimistic concurrency, pod defaulting and admission, RBAC, field
// selectors, and a watch from an old resourceVersion.
func TestLiveAPIServerSmoke(t *testing.T) {
	cs := liveClientset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// The server is kube-apiserver 1.37.
	info, err := cs.Discovery().ServerVersion()
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	if info.Major != "1" || info.Minor != "37" {
		t.Errorf("server version = %s.%s (%s), want 1.37", info.Major, info.Minor, info.GitVersion)
	}

	// Namespace: created Active, with the kubernetes finalizer.
	ns, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "smoke-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	if !strings.HasPrefix(ns.Name, "smoke-") || len(ns.Name) <= len("smoke-") {
		t.Errorf("namespace name = %q, want smoke-<suffix>", ns.Name)
	}
	if ns.Status.Phase != corev1.NamespaceActive {
		t.Errorf("namespace phase = %q, want Active", ns.Status.Phase)
	}
	if got := ns.Spec.Finalizers; len(got) != 1 || got[0] != corev1.FinalizerKubernetes {
		t.Errorf("namespace finalizers = %v, want [kubernetes]", got)
	}
	if ns.Labels[corev1.LabelMetadataName] != ns.Name {
		t.Errorf("namespace label %s = %q, want %q", corev1.LabelMetadataName, ns.Labels[corev1.LabelMetadataName], ns.Name)
	}

	// The "default" ServiceAccount: no controller creates it here, and the
	// ServiceAccount admission plugin refuses a pod without it.
	_, err = cs.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("ServiceAccount default in a new namespace: err = %v, want NotFound (no serviceaccounts controller runs)", err)
	}
	_, err = cs.CoreV1().Pods(ns.Name).Create(ctx, smokePod("early"), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `serviceaccount "default" not found`) {
		t.Errorf("pod before the default ServiceAccount: err = %v, want Forbidden mentioning serviceaccount \"default\" not found", err)
	}
	if err := ensureDefaultServiceAccount(ctx, cs, ns.Name); err != nil {
		t.Fatal(err)
	}
	sa, err := cs.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get ServiceAccount default: %v", err)
	}
	if sa.Namespace != ns.Name || sa.UID == "" {
		t.Errorf("ServiceAccount default = %s/%s uid %q", sa.Namespace, sa.Name, sa.UID)
	}

	// ConfigMap: create, update, then update with the stale object.
	cms := cs.CoreV1().ConfigMaps(ns.Name)
	created, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "x"},
		Data:       map[string]string{"k": "v1"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create configmap: %v", err)
	}
	if created.ResourceVersion == "" || created.UID == "" || created.CreationTimestamp.IsZero() {
		t.Fatalf("created configmap lacks resourceVersion/uid/creationTimestamp: %+v", created.ObjectMeta)
	}
	next := created.DeepCopy()
	next.Data["k"] = "v2"
	updated, err := cms.Update(ctx, next, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update configmap: %v", err)
	}
	if updated.ResourceVersion == created.ResourceVersion || updated.Data["k"] != "v2" || updated.UID != created.UID {
		t.Errorf("update: rv %s -> %s, data %v, uid %s -> %s", created.ResourceVersion, updated.ResourceVersion, updated.Data, created.UID, updated.UID)
	}
	stale := created.DeepCopy()
	stale.Data["k"] = "v3"
	_, err = cms.Update(ctx, stale, metav1.UpdateOptions{})
	const conflict = `Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again`
	if err == nil {
		t.Fatal("update with a stale resourceVersion succeeded, want 409 Conflict")
	}
	if !apierrors.IsConflict(err) {
		t.Errorf("stale update: err = %v, want Conflict", err)
	}
	if err.Error() != conflict {
		t.Errorf("stale update error text:\n got %q\nwant %q", err.Error(), conflict)
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		t.Errorf("stale update error %T is no APIStatus", err)
	} else {
		st := status.Status()
		if st.Code != 409 || st.Reason != metav1.StatusReasonConflict || st.Details == nil ||
			st.Details.Name != "x" || st.Details.Kind != "configmaps" || st.Details.Group != "" {
			t.Errorf("stale update status = code %d reason %q details %+v", st.Code, st.Reason, st.Details)
		}
	}
	got, err := cms.Get(ctx, "x", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get configmap: %v", err)
	}
	if got.Data["k"] != "v2" || got.ResourceVersion != updated.ResourceVersion {
		t.Errorf("after the refused update: data %v rv %s, want v2 rv %s", got.Data, got.ResourceVersion, updated.ResourceVersion)
	}
	if err := cms.Delete(ctx, "x", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete configmap: %v", err)
	}

	// Pod: create and read back, with kube-apiserver's defaulting and the
	// default admission plugins' changes.
	pods := cs.CoreV1().Pods(ns.Name)
	if _, err := pods.Create(ctx, smokePod("p"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create pod p: %v", err)
	}
	other := smokePod("q")
	other.Spec.RestartPolicy = corev1.RestartPolicyNever
	if _, err := pods.Create(ctx, other, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create pod q: %v", err)
	}
	p, err := pods.Get(ctx, "p", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get pod p: %v", err)
	}
	checkSmokePod(t, p)

	// Authorization is RBAC (and Node): the admin config may do anything,
	// an impersonated user without bindings may not.
	cfg := startAPIServer(t)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "alice"}
	alice, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = alice.CoreV1().Pods(ns.Name).List(ctx, metav1.ListOptions{})
	wantForbidden := `pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "` + ns.Name + `"`
	if !apierrors.IsForbidden(err) || err.Error() != wantForbidden {
		t.Errorf("list pods as alice: err = %v, want Forbidden %q", err, wantForbidden)
	}

	// Field selectors.
	list := func(selector string) []string {
		t.Helper()
		l, err := pods.List(ctx, metav1.ListOptions{FieldSelector: selector})
		if err != nil {
			t.Fatalf("list pods %q: %v", selector, err)
		}
		var names []string
		for _, p := range l.Items {
			names = append(names, p.Name)
		}
		return names
	}
	for _, c := range []struct {
		selector string
		want     string
	}{
		{fields.OneTermEqualSelector("metadata.name", "p").String(), "p"},
		{"spec.restartPolicy=Never", "q"},
		{"spec.restartPolicy!=Never", "p"},
		{"status.phase=Pending", "p,q"},
		{"spec.nodeName=", "p,q"},
		{"spec.nodeName=node-1", ""},
		{"spec.serviceAccountName=default,metadata.name!=p", "q"},
	} {
		if got := strings.Join(list(c.selector), ","); got != c.want {
			t.Errorf("pods with %q = [%s], want [%s]", c.selector, got, c.want)
		}
	}
	_, err = pods.List(ctx, metav1.ListOptions{FieldSelector: "spec.noSuchField=x"})
	if !apierrors.IsBadRequest(err) || err.Error() != "field label not supported: spec.noSuchField" {
		t.Errorf("list with an unknown field: err = %v (reason %q), want BadRequest \"field label not supported: spec.noSuchField\"", err, apierrors.ReasonForError(err))
	}

	// Watch from an old resourceVersion: the configmap's create. The watch
	// replays what came after it: the update and the delete (and not the
	// refused update).
	w, err := cms.Watch(ctx, metav1.ListOptions{
		ResourceVersion: created.ResourceVersion,
		FieldSelector:   "metadata.name=x",
	})
	if err != nil {
		t.Fatalf("watch configmaps from rv %s: %v", created.ResourceVersion, err)
	}
	defer w.Stop()
	type ev struct {
		typ  watch.EventType
		rv   string
		data string
	}
	var evs []ev
	timeout := time.After(30 * time.Second)
	for len(evs) < 2 {
		select {
		case e, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed after %v", evs)
			}
			cm, isCM := e.Object.(*corev1.ConfigMap)
			if !isCM {
				t.Fatalf("watch event %s carries %T: %v", e.Type, e.Object, e.Object)
			}
			evs = append(evs, ev{e.Type, cm.ResourceVersion, cm.Data["k"]})
		case <-timeout:
			t.Fatalf("watch: got %v after 30s, want 2 events", evs)
		}
	}
	if evs[0].typ != watch.Modified || evs[0].rv != updated.ResourceVersion || evs[0].data != "v2" {
		t.Errorf("first watch event = %+v, want MODIFIED rv %s data v2", evs[0], updated.ResourceVersion)
	}
	if evs[1].typ != watch.Deleted || evs[1].data != "v2" || evs[1].rv == updated.ResourceVersion {
		t.Errorf("second watch event = %+v, want DELETED of data v2 at a newer rv", evs[1])
	}
	select {
	case e := <-w.ResultChan():
		t.Errorf("unexpected third watch event %s %v", e.Type, e.Object)
	case <-time.After(200 * time.Millisecond):
	}
}

func smokePod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "smoke"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}},
		},
	}
}

// checkSmokePod checks what kube-apiserver added to smokePod("p").
func checkSmokePod(t *testing.T, p *corev1.Pod) {
	t.Helper()
	if p.UID == "" || p.ResourceVersion == "" || p.Labels["app"] != "smoke" {
		t.Errorf("pod meta = %+v", p.ObjectMeta)
	}
	s := p.Spec
	// Defaulting (pkg/apis/core/v1 defaults).
	if s.RestartPolicy != corev1.RestartPolicyAlways || s.DNSPolicy != corev1.DNSClusterFirst ||
		s.SchedulerName != corev1.DefaultSchedulerName || !utilptr.Equal(s.TerminationGracePeriodSeconds, utilptr.To[int64](30)) ||
		s.SecurityContext == nil || !utilptr.Equal(s.EnableServiceLinks, utilptr.To(true)) {
		t.Errorf("pod spec defaults: restartPolicy %q dnsPolicy %q schedulerName %q terminationGracePeriodSeconds %v securityContext %v enableServiceLinks %v",
			s.RestartPolicy, s.DNSPolicy, s.SchedulerName, utilptr.Deref(s.TerminationGracePeriodSeconds, -1), s.SecurityContext, s.EnableServiceLinks)
	}
	c := s.Containers[0]
	if c.ImagePullPolicy != corev1.PullIfNotPresent || c.TerminationMessagePath != corev1.TerminationMessagePathDefault ||
		c.TerminationMessagePolicy != corev1.TerminationMessageReadFile {
		t.Errorf("container defaults: imagePullPolicy %q terminationMessagePath %q terminationMessagePolicy %q",
			c.ImagePullPolicy, c.TerminationMessagePath, c.TerminationMessagePolicy)
	}
	// ServiceAccount admission: the default account and its token volume.
	if s.ServiceAccountName != "default" {
		t.Errorf("serviceAccountName = %q, want default", s.ServiceAccountName)
	}
	if len(s.Volumes) != 1 || !strings.HasPrefix(s.Volumes[0].Name, "kube-api-access-") || s.Volumes[0].Projected == nil {
		t.Errorf("volumes = %+v, want one projected kube-api-access-* volume", s.Volumes)
	} else if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].Name != s.Volumes[0].Name ||
		c.VolumeMounts[0].MountPath != "/var/run/secrets/kubernetes.io/serviceaccount" || !c.VolumeMounts[0].ReadOnly {
		t.Errorf("container volumeMounts = %+v", c.VolumeMounts)
	}
	// DefaultTolerationSeconds admission.
	tol := map[string]int64{}
	for _, x := range s.Tolerations {
		if x.Operator == corev1.TolerationOpExists && x.Effect == corev1.TaintEffectNoExecute && x.TolerationSeconds != nil {
			tol[x.Key] = *x.TolerationSeconds
		}
	}
	if len(s.Tolerations) != 2 || tol[corev1.TaintNodeNotReady] != 300 || tol[corev1.TaintNodeUnreachable] != 300 {
		t.Errorf("tolerations = %+v, want not-ready and unreachable NoExecute for 300s", s.Tolerations)
	}
	// Priority admission: no PriorityClass, priority 0.
	if !utilptr.Equal(s.Priority, utilptr.To[int32](0)) {
		t.Errorf("priority = %v, want 0", utilptr.Deref(s.Priority, -1))
	}
	// Status: pending, not scheduled (no scheduler runs), BestEffort.
	if p.Status.Phase != corev1.PodPending || s.NodeName != "" || p.Status.QOSClass != corev1.PodQOSBestEffort {
		t.Errorf("pod status: phase %q nodeName %q qosClass %q, want Pending, unscheduled, BestEffort", p.Status.Phase, s.NodeName, p.Status.QOSClass)
	}
}
