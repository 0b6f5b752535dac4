// Package clients puts a user's own controllers in a kubesem cluster's
// loop and gives them the clients they use against a real cluster:
// client-go's typed clientset and dynamic client, informers, and
// controller-runtime's client — unmodified, over an in-process transport
// that serves the Kubernetes REST API from the cluster (every request
// through the apiserver's rules, the cluster's admission, its faults and
// its request log). Beside them, the cluster's built-in controllers work:
// a Deployment your operator creates gets ReplicaSets and pods that the
// scheduler places and the kubelet runs, the garbage collector follows
// owner references, namespaces terminate, nodes fail — in virtual time,
// deterministically, in one goroutine.
//
// It is a module of its own (github.com/kubesem/kubesem/clients), so that
// importing kubesem's core never brings client-go or controller-runtime.
//
// Usage: what a kubebuilder project's suite_test.go does with envtest,
//
//	scheme := runtime.NewScheme()
//	_ = clientgoscheme.AddToScheme(scheme)
//	_ = webappv1.AddToScheme(scheme)
//	env, err := clients.New(clients.Options{
//		Cluster:           cluster.Options{Seed: 1}, // master, worker1, worker2
//		Scheme:            scheme,
//		CRDDirectoryPaths: []string{"../../config/crd/bases"},
//	})
//	k8sClient := env.Client() // controller-runtime's client.WithWatch
//	r := &WebAppReconciler{Client: k8sClient, Scheme: scheme, Clock: env.Clock()}
//	err = clients.NewControllerManagedBy(env). // the chain SetupWithManager uses
//		For(&webappv1.WebApp{}).
//		Owns(&appsv1.Deployment{}).
//		Complete(r)
//	err = k8sClient.Create(ctx, webApp)        // the reconciles run before it returns
//	err = env.Cluster().RunUntil(ready, time.Hour) // virtual time: no sleeps
//
// What envtest cannot do and this can: the Deployment gets pods that
// become ready (so status written from it means something), owned
// objects are collected when their owner goes, a finalizer's cleanup
// runs against a namespace that terminates, a node stops and its pods
// are evicted five minutes later, and every run with the same seed and
// calls is the same run, byte for byte. What it does not do: admission
// webhooks, conversion webhooks between custom resource versions, RBAC,
// and anything of a real network.
//
// Rules:
//
//  1. One mechanism under every client: Config is a rest.Config whose
//     transport serves HTTP requests in the calling goroutine from the
//     cluster's API (cluster.API). The real client code runs unchanged —
//     request encoding, Status errors decoded into StatusErrors with the
//     apiserver's texts, apply configurations, watches, discovery and the
//     RESTMappers built from it — instead of a fake that re-implements
//     the apiserver (client-go's ObjectTracker, controller-runtime's fake
//     client).
//  2. A request from a test goroutine runs the cluster's controllers,
//     the user's included, to a fixed point before it returns; a request
//     from inside a reconcile does not (cluster rule 12).
//  3. NewControllerManagedBy registers a controller-runtime Reconciler as
//     a cluster.Controller: For enqueues the object itself
//     (handler.EnqueueRequestForObject), Owns its controller owner of the
//     For type (handler.EnqueueRequestForOwner with OnlyControllerOwner),
//     Watches takes any controller-runtime handler; predicates
//     (predicate.Predicate) and WithEventFilter filter Create, Update and
//     Delete events as controller-runtime does. The name defaults to the
//     For kind in lower case. The reconcile's errors are retried with
//     controller-runtime's default rate limiter on the virtual clock;
//     reconcile.TerminalError is not retried; a panic is recorded as an
//     error with its request (cluster rule 13).
//  4. Env is safe for concurrent use: every request holds the cluster, and
//     a goroutine that holds it (a reconcile running in the loop) may
//     make requests again. A real informer or Manager may run over
//     Config in other goroutines; drive the clock then through Env (Do,
//     Settle, Advance). Only in-loop controllers are deterministic.
//  5. Time: reconcilers read it through an injected clock — Clock is the
//     cluster's virtual clock (a condition's lastTransitionTime written
//     with time.Now() would differ between runs).
//
// Package optest is the property-test kit: random scenarios of user
// actions and faults, eventually-stable reconciliation, shrinking.
package clients
