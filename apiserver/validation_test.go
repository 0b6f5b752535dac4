package apiserver

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

var (
	secretGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
)

// API-14: a Deployment's status write is checked by its status rules
// (not its spec's), with the apiserver's 422 text.
func TestDeploymentStatusValidation(t *testing.T) {
	s, _ := newTestServer(t)
	d := mustCreate(t, s, deployGVR, testDeployment("web")).(*appsv1.Deployment)
	d.Status = appsv1.DeploymentStatus{Replicas: 2, ReadyReplicas: 1, AvailableReplicas: 2, CollisionCount: ptr.To[int32](1)}
	out, err := s.Update(deployGVR, "default", d, metav1.UpdateOptions{}, "status")
	wantError(t, err, 422, `Deployment.apps "web" is invalid: status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas`)
	d.Status.ReadyReplicas = 2
	out, err = s.Update(deployGVR, "default", d, metav1.UpdateOptions{}, "status")
	if err != nil {
		t.Fatalf("a valid status: %v", err)
	}
	d = out.(*appsv1.Deployment)
	d.Status.CollisionCount = nil
	d.Status.UpdatedReplicas = -1
	_, err = s.Update(deployGVR, "default", d, metav1.UpdateOptions{}, "status")
	wantError(t, err, 422, `Deployment.apps "web" is invalid: [status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0, status.collisionCount: Invalid value: 0: cannot be decremented]`)
}

// API-14: a namespace's update is validated as its create is, its status
// write by the phase rule.
func TestNamespaceUpdateValidation(t *testing.T) {
	s, _ := newTestServer(t)
	ns := mustCreate(t, s, nsGVR, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "office"}}).(*corev1.Namespace)
	bad := ns.DeepCopy()
	bad.Finalizers = []string{"keep"}
	_, err := s.Update(nsGVR, "", bad, metav1.UpdateOptions{})
	msg := `metadata.finalizers[0]: Invalid value: "keep": name is neither a standard finalizer name nor is it fully qualified`
	wantError(t, err, 422, `Namespace "office" is invalid: `+msg)
	term := ns.DeepCopy()
	term.Status.Phase = corev1.NamespaceTerminating
	_, err = s.Update(nsGVR, "", term, metav1.UpdateOptions{}, "status")
	wantError(t, err, 422, `Namespace "office" is invalid: status.Phase: Invalid value: "Terminating": may only be 'Active' if `+"`deletionTimestamp`"+` is empty`)
}

// API-14: ConfigMap keys and Secret types are checked on create; an
// immutable ConfigMap's data stays.
func TestConfigMapAndSecretValidation(t *testing.T) {
	s, _ := newTestServer(t)
	_, err := s.Create(cmGVR, "default", configMap("bad", map[string]string{"a b": "1"}), metav1.CreateOptions{})
	wantError(t, err, 422, `ConfigMap "bad" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`)
	tls := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "cert", Namespace: "default"}, Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": nil}}
	_, err = s.Create(secretGVR, "default", tls, metav1.CreateOptions{})
	wantError(t, err, 422, `Secret "cert" is invalid: data[tls.key]: Required value`)

	cm := configMap("frozen", nil)
	cm.Immutable = ptr.To(true)
	stored := mustCreate(t, s, cmGVR, cm).(*corev1.ConfigMap)
	if stored.Data == nil {
		t.Errorf("a ConfigMap's data defaults to an empty map")
	}
	relabel := stored.DeepCopy()
	relabel.Labels = map[string]string{"a": "b"}
	out, err := s.Update(cmGVR, "default", relabel, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("an immutable ConfigMap's labels may change: %v", err)
	}
	edit := out.(*corev1.ConfigMap).DeepCopy()
	edit.Data = map[string]string{"k": "v"}
	_, err = s.Update(cmGVR, "default", edit, metav1.UpdateOptions{})
	wantError(t, err, 422, "ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set")
}

// API-14: a ReplicaSet's or ReplicationController's status write is
// checked by the status rules, with the apiserver's 422 text.
func TestReplicaSetAndRCStatusValidation(t *testing.T) {
	s, _ := newTestServer(t)
	rsGVR := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}
	d := testDeployment("web")
	rs := mustCreate(t, s, rsGVR, &appsv1.ReplicaSet{ObjectMeta: d.ObjectMeta, Spec: appsv1.ReplicaSetSpec{Replicas: d.Spec.Replicas, Selector: d.Spec.Selector, Template: d.Spec.Template}}).(*appsv1.ReplicaSet)
	rs.Status = appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 3, AvailableReplicas: 1}
	_, err := s.Update(rsGVR, "default", rs, metav1.UpdateOptions{}, "status")
	wantError(t, err, 422, `ReplicaSet.apps "web" is invalid: status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas`)
	rs.Status.ReadyReplicas = 2
	if _, err := s.Update(rsGVR, "default", rs, metav1.UpdateOptions{}, "status"); err != nil {
		t.Fatalf("a valid status: %v", err)
	}

	rcGVR := schema.GroupVersionResource{Version: "v1", Resource: "replicationcontrollers"}
	rc := mustCreate(t, s, rcGVR, &corev1.ReplicationController{ObjectMeta: d.ObjectMeta, Spec: corev1.ReplicationControllerSpec{Replicas: d.Spec.Replicas, Selector: d.Spec.Selector.MatchLabels, Template: &d.Spec.Template}}).(*corev1.ReplicationController)
	rc.Status = corev1.ReplicationControllerStatus{Replicas: -1}
	_, err = s.Update(rcGVR, "default", rc, metav1.UpdateOptions{}, "status")
	// Upstream also compares the other counts (0) with the negative replicas.
	wantError(t, err, 422, `ReplicationController "web" is invalid: [status.replicas: Invalid value: -1: must be greater than or equal to 0, status.fullyLabeledReplicas: Invalid value: 0: cannot be greater than status.replicas, status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas, status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas]`)
}

// API-5: an update whose uid is not the object's fails the storage's
// precondition; a dry run's error names the key as the dry-run storage
// does, without etcd's /registry prefix.
func TestUIDPreconditionKey(t *testing.T) {
	s, _ := newTestServer(t)
	cm := mustCreate(t, s, cmGVR, configMap("cmb", map[string]string{"k": "v"})).(*corev1.ConfigMap)
	uid := cm.UID
	cm.UID = "not-its-uid"
	msg := `Operation cannot be fulfilled on configmaps "cmb": StorageError: invalid object, Code: 4, Key: %s, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: not-its-uid, UID in object meta: ` + string(uid)
	_, err := s.Update(cmGVR, "default", cm, metav1.UpdateOptions{})
	wantError(t, err, 409, fmt.Sprintf(msg, "/registry/configmaps/default/cmb"))
	_, err = s.Update(cmGVR, "default", cm, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
	wantError(t, err, 409, fmt.Sprintf(msg, "/configmaps/default/cmb"))
}
