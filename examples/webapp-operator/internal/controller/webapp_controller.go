// Package controller is the WebApp operator's reconciler, written as
// kubebuilder scaffolds one: a WebApp becomes a Deployment and a Service
// it owns; its status reports the Deployment's available replicas and a
// Ready condition; a finalizer removes the WebApp's entry from a registry
// ConfigMap (something the garbage collector cannot clean up) before the
// WebApp goes.
package controller

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	webappv1 "github.com/kubesem/kubesem/examples/webapp-operator/api/v1"
)

// Finalizer holds a WebApp until its registry entry is removed.
const Finalizer = "webapp.example.com/registry"

// RegistryName is the ConfigMap, in each WebApp's namespace, that lists
// the namespace's WebApps and their URLs.
const RegistryName = "webapp-registry"

// ConditionReady is the WebApp's condition type: True when every replica
// of the current spec is available.
const ConditionReady = "Ready"

// WebAppReconciler reconciles a WebApp object.
type WebAppReconciler struct {
	client.Client
	Scheme *runtime.Scheme
	// Clock stamps the conditions' lastTransitionTime: clock.RealClock{}
	// in a real cluster, the simulated cluster's virtual clock in tests.
	Clock clock.PassiveClock

	// IgnoreConflicts seeds a bug for the property-test demonstration:
	// a Conflict on the status write is taken for success ("the next
	// event will fix it"), so the status can stay stale for good.
	IgnoreConflicts bool
}

// +kubebuilder:rbac:groups=webapp.example.com,resources=webapps,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=webapp.example.com,resources=webapps/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=webapp.example.com,resources=webapps/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=services;configmaps,verbs=get;list;watch;create;update;patch;delete

// Reconcile moves the cluster toward the WebApp's spec.
func (r *WebAppReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := logf.FromContext(ctx)
	var app webappv1.WebApp
	if err := r.Get(ctx, req.NamespacedName, &app); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !app.DeletionTimestamp.IsZero() {
		if controllerutil.ContainsFinalizer(&app, Finalizer) {
			if err := r.unregister(ctx, &app); err != nil {
				return ctrl.Result{}, err
			}
			controllerutil.RemoveFinalizer(&app, Finalizer)
			if err := r.Update(ctx, &app); err != nil {
				return ctrl.Result{}, err
			}
			log.Info("unregistered", "webapp", req.NamespacedName)
		}
		return ctrl.Result{}, nil
	}
	if controllerutil.AddFinalizer(&app, Finalizer) {
		if err := r.Update(ctx, &app); err != nil {
			return ctrl.Result{}, err
		}
	}

	labels := map[string]string{"app.kubernetes.io/name": "webapp", "app.kubernetes.io/instance": app.Name}
	replicas := int32(1)
	if app.Spec.Replicas != nil {
		replicas = *app.Spec.Replicas
	}
	port := app.Spec.Port
	if port == 0 {
		port = 8080
	}
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: app.Name, Namespace: app.Namespace}}
	if _, err := controllerutil.CreateOrUpdate(ctx, r.Client, dep, func() error {
		dep.Labels = labels
		dep.Spec.Replicas = &replicas
		dep.Spec.Selector = &metav1.LabelSelector{MatchLabels: labels}
		dep.Spec.Template.Labels = labels
		if len(dep.Spec.Template.Spec.Containers) != 1 {
			dep.Spec.Template.Spec.Containers = []corev1.Container{{Name: "web"}}
		}
		c := &dep.Spec.Template.Spec.Containers[0]
		c.Image = app.Spec.Image
		c.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: port, Protocol: corev1.ProtocolTCP}}
		return controllerutil.SetControllerReference(&app, dep, r.Scheme)
	}); err != nil {
		return ctrl.Result{}, err
	}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: app.Name, Namespace: app.Namespace}}
	if _, err := controllerutil.CreateOrUpdate(ctx, r.Client, svc, func() error {
		svc.Labels = labels
		svc.Spec.Selector = labels
		svc.Spec.Ports = []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}}
		return controllerutil.SetControllerReference(&app, svc, r.Scheme)
	}); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.register(ctx, &app); err != nil {
		return ctrl.Result{}, err
	}

	status := app.Status.DeepCopy()
	status.AvailableReplicas = dep.Status.AvailableReplicas
	status.ObservedGeneration = app.Generation
	cond := metav1.Condition{Type: ConditionReady, Status: metav1.ConditionFalse, Reason: "Progressing",
		ObservedGeneration: app.Generation,
		Message:            fmt.Sprintf("%d of %d replicas available", dep.Status.AvailableReplicas, replicas)}
	if dep.Status.ObservedGeneration >= dep.Generation && dep.Status.UpdatedReplicas == replicas &&
		dep.Status.Replicas == replicas && dep.Status.AvailableReplicas == replicas {
		cond.Status, cond.Reason = metav1.ConditionTrue, "Available"
	}
	if old := meta.FindStatusCondition(status.Conditions, ConditionReady); old == nil || old.Status != cond.Status {
		cond.LastTransitionTime = metav1.NewTime(r.Clock.Now())
	}
	meta.SetStatusCondition(&status.Conditions, cond)
	if !equality.Semantic.DeepEqual(&app.Status, status) {
		app.Status = *status
		if err := r.Status().Update(ctx, &app); err != nil {
			if r.IgnoreConflicts && apierrors.IsConflict(err) {
				return ctrl.Result{}, nil // the seeded bug
			}
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, nil
}

// register records the WebApp's URL in its namespace's registry.
func (r *WebAppReconciler) register(ctx context.Context, app *webappv1.WebApp) error {
	url := fmt.Sprintf("http://%s.%s.svc", app.Name, app.Namespace)
	reg := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: RegistryName, Namespace: app.Namespace}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.Client, reg, func() error {
		if reg.Data == nil {
			reg.Data = map[string]string{}
		}
		reg.Data[app.Name] = url
		return nil
	})
	return err
}

// unregister removes the WebApp's entry from the registry.
func (r *WebAppReconciler) unregister(ctx context.Context, app *webappv1.WebApp) error {
	var reg corev1.ConfigMap
	if err := r.Get(ctx, client.ObjectKey{Namespace: app.Namespace, Name: RegistryName}, &reg); err != nil {
		return client.IgnoreNotFound(err)
	}
	if _, ok := reg.Data[app.Name]; !ok {
		return nil
	}
	delete(reg.Data, app.Name)
	return r.Update(ctx, &reg)
}

// SetupWithManager sets the controller up with a controller-runtime
// Manager, for a real cluster. A test on kubesem registers the same
// chain with clients.NewControllerManagedBy(env).
func (r *WebAppReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&webappv1.WebApp{}).
		Owns(&appsv1.Deployment{}).
		Owns(&corev1.Service{}).
		Named("webapp").
		Complete(r)
}
