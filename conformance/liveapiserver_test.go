package conformance

// A real kube-apiserver (k8s.io/kubernetes v1.37.2, run in-process the way
// upstream's integration tests run it) backed by a real etcd process, shared
// by every test of this binary that asks for it.
//
//	cfg := startAPIServer(t)                // admin *rest.Config
//	cs := liveClientset(t)                  // admin clientset on it
//	ns := liveNamespace(t, cs, "rollout")  // fresh namespace + its "default" ServiceAccount
//
// etcd: the etcd binary is looked up on PATH, as upstream's
// test/integration/framework does (`export PATH="$(.ci/etcd):$PATH"` builds
// etcd v3.7.0 and puts it there). It is started once, with the flags of
// upstream's framework.RunCustomEtcd (a unix socket in a fresh temporary
// directory, --log-level warn, an 8 GiB backend quota), but under a small
// watchdog shell rather than by RunCustomEtcd: no TestMain has to stop it.
// The watchdog holds a pipe from the test process; when the test binary
// exits, whichever way (end of the tests, a failure, -timeout's panic, a
// kill), the pipe closes and the watchdog stops etcd and removes etcd's
// directory and the apiserver's certificate directory. Setting
// KUBE_INTEGRATION_ETCD_URL (upstream's variable) to the client URL of an
// etcd that is already running uses that etcd instead; every test binary
// then writes under its own key prefix.
//
// KUBESEM_LIVE_APISERVER decides what a test that needs the live server does
// when etcd cannot be found:
//
//	unset  the test is skipped, with a message saying how to get etcd;
//	"1"    the test fails (CI sets this, so that a missing etcd is no silent skip);
//	"0"    the test is skipped even if etcd is there.
//
// A failure to start once etcd was found always fails the test, whatever
// the variable says.
//
// The server: kube-apiserver's whole server chain (kube-aggregator in front of
// kube-apiserver in front of apiextensions-apiserver), started by upstream's
// cmd/kube-apiserver/app/testing.StartTestServer with its defaults:
// emulated version 1.37 and that version's default feature gates,
// kube-apiserver's default admission plugins (NamespaceLifecycle,
// LimitRanger, ServiceAccount, DefaultTolerationSeconds, Priority,
// PodSecurity, ResourceQuota, ...), the endpoint reconciler off, service
// cluster IP range 10.0.0.0/16, client-certificate and request-header
// authentication, plus --authorization-mode=Node,RBAC (as in kubeadm's
// clusters). The returned config authenticates as the loopback user
// (system:apiserver, group system:masters): it may do anything.
//
// No controller runs: nothing creates a namespace's "default" ServiceAccount
// (the ServiceAccount admission plugin then refuses pods that do not name an
// existing ServiceAccount, so liveNamespace creates it), nothing schedules,
// garbage-collects or finalizes namespaces. Objects persist across the tests
// of one binary: give every test its own namespace (liveNamespace).
//
// The in-process server runs until the test binary exits; the watchdog then
// stops etcd and removes the temporary files.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)

// liveAPIServerEnv names the variable that makes the live-apiserver tests
// required ("1") or disabled ("0"); see the comment at the top of this file.
const liveAPIServerEnv = "KUBESEM_LIVE_APISERVER"

// liveAPIServerFlags are the kube-apiserver flags given on top of
// StartTestServer's defaults.
var liveAPIServerFlags = []string{
	"--authorization-mode=Node,RBAC",
}

// liveStartTimeout bounds the whole start (etcd, then the apiserver's
// /healthz and its "default" namespace). StartTestServer has its own
// timeouts inside it (1 minute for /healthz, 30 s for the namespace); this
// one catches a hang elsewhere.
const liveStartTimeout = 3 * time.Minute

// liveServer is the test binary's shared apiserver. Its fields are written
// once, inside once.Do, and only read after it.
var liveServer struct {
	once sync.Once

	skip string // non-empty: etcd is not available, why, and how to get it
	err  error  // the start failed

	config   *rest.Config
	etcdURL  string
	etcdInfo string        // first line of `etcd --version`, or "external"
	etcdTook time.Duration // time to start etcd
	took     time.Duration // time to start the apiserver (after etcd)

	tb       *liveTB
	watchdog *liveEtcd // nil for an external etcd
}

// startAPIServer returns an admin client config for the test binary's live
// kube-apiserver, starting it (and etcd) on the first call. It skips or
// fails t when etcd cannot be found (see KUBESEM_LIVE_APISERVER) and fails t
// when the start failed. Each call returns a fresh copy that the caller may
// modify (QPS 1000, burst 10000, as StartTestServer sets them).
func startAPIServer(t testing.TB) *rest.Config {
	t.Helper()
	first := false
	liveServer.once.Do(func() {
		first = true
		startLiveAPIServer()
	})
	if liveServer.skip != "" {
		if os.Getenv(liveAPIServerEnv) == "1" {
			t.Fatalf("live kube-apiserver required (%s=1) but unavailable: %s", liveAPIServerEnv, liveServer.skip)
		}
		t.Skipf("live kube-apiserver unavailable: %s", liveServer.skip)
	}
	if liveServer.err != nil {
		t.Fatalf("live kube-apiserver did not start: %v\n--- its last log lines ---\n%s", liveServer.err, liveServer.tb.lastLines())
	}
	if first {
		t.Logf("live kube-apiserver at %s, etcd %s at %s; etcd started in %v, kube-apiserver in %v",
			liveServer.config.Host, liveServer.etcdInfo, liveServer.etcdURL,
			liveServer.etcdTook.Round(time.Millisecond), liveServer.took.Round(time.Millisecond))
	}
	return rest.CopyConfig(liveServer.config)
}

// liveClientset returns an admin clientset for the live kube-apiserver
// (see startAPIServer).
func liveClientset(t testing.TB) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(startAPIServer(t))
	if err != nil {
		t.Fatalf("clientset for the live kube-apiserver: %v", err)
	}
	return cs
}

// liveNamespace creates a namespace named base-<random suffix> on the live
// kube-apiserver, and its "default" ServiceAccount (the serviceaccounts
// controller's job in a cluster; no controller runs here), and returns the
// namespace's name. Pods that name no ServiceAccount can be created in it
// at once. The namespace is not deleted afterwards: without the namespace
// controller a deleted namespace would stay Terminating with all its objects.
func liveNamespace(t testing.TB, cs kubernetes.Interface, base string) string {
	t.Helper()
	ctx := context.Background()
	ns, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: base + "-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace %s-*: %v", base, err)
	}
	if err := ensureDefaultServiceAccount(ctx, cs, ns.Name); err != nil {
		t.Fatalf("namespace %s: %v", ns.Name, err)
	}
	return ns.Name
}

// ensureDefaultServiceAccount creates the namespace's "default"
// ServiceAccount unless it exists, and returns once a Get sees it.
func ensureDefaultServiceAccount(ctx context.Context, cs kubernetes.Interface, ns string) error {
	_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "default"},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create ServiceAccount default: %w", err)
	}
	// A create is visible to the next Get (reads are served from etcd or a
	// watch cache that waits for the revision); the poll only guards against
	// a future change of that.
	return wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
}

// startLiveAPIServer starts etcd and the apiserver, recording the outcome in
// liveServer. It runs once per test binary.
func startLiveAPIServer() {
	if os.Getenv(liveAPIServerEnv) == "0" {
		liveServer.skip = liveAPIServerEnv + "=0"
		return
	}
	liveServer.tb = newLiveTB()

	start := time.Now()
	if url := os.Getenv("KUBE_INTEGRATION_ETCD_URL"); url != "" {
		liveServer.etcdURL, liveServer.etcdInfo = url, "external"
	} else {
		etcdPath, err := exec.LookPath("etcd")
		if err != nil {
			liveServer.skip = fmt.Sprintf("no etcd on PATH (%v); run `export PATH=\"$(.ci/etcd):$PATH\"` from the repository root to build etcd v3.7.0 and put it there, or set KUBE_INTEGRATION_ETCD_URL to a running etcd", err)
			return
		}
		out, err := exec.Command(etcdPath, "--version").Output()
		if err != nil {
			liveServer.err = fmt.Errorf("%s --version: %v", etcdPath, err)
			return
		}
		liveServer.etcdInfo = strings.TrimPrefix(strings.SplitN(string(out), "\n", 2)[0], "etcd Version: ") + " (" + etcdPath + ")"
		etcd, err := startLiveEtcd(etcdPath)
		if err != nil {
			liveServer.err = fmt.Errorf("start etcd: %w", err)
			return
		}
		liveServer.watchdog = etcd
		liveServer.etcdURL = etcd.url
	}
	liveServer.etcdTook = time.Since(start)

	// The same storage settings as upstream's framework.SharedEtcd, with a
	// key prefix of this binary's own.
	storage := storagebackend.NewDefaultConfig(fmt.Sprintf("kubesem-live-%d-%d/registry", os.Getpid(), time.Now().UnixNano()), nil)
	storage.Transport.ServerList = []string{liveServer.etcdURL}

	// StartTestServer reports through the TB it is given, and hooks its
	// context's cancellation to that TB's Cleanup: a test's *testing.T
	// would stop the shared server when that test ends. liveTB's clean-ups
	// never run, so the server runs until the process exits. The start runs
	// in a goroutine of its own because liveTB's Fatal ends the calling
	// goroutine, as testing's does.
	start = time.Now()
	done := make(chan struct{})
	var server kubeapiservertesting.TestServer
	var startErr error
	go func() {
		defer close(done)
		server, startErr = kubeapiservertesting.StartTestServer(liveServer.tb,
			&kubeapiservertesting.TestServerInstanceOptions{
				EnableCertAuth: true, // as NewDefaultTestServerOptions
				// The metrics invariants are checked at tear-down, which
				// never comes.
				DisableInvariantChecks: true,
			},
			liveAPIServerFlags, storage)
	}()
	select {
	case <-done:
	case <-time.After(liveStartTimeout):
		liveServer.err = fmt.Errorf("kube-apiserver not started after %v", liveStartTimeout)
		return // etcd stops when the process exits
	}
	liveServer.took = time.Since(start)
	if server.TmpDir != "" {
		liveServer.watchdog.remove(server.TmpDir) // the server's certificates
	}
	switch {
	case startErr != nil:
		liveServer.err = fmt.Errorf("start kube-apiserver: %w", startErr)
	case liveServer.tb.Failed():
		liveServer.err = errors.New("start kube-apiserver: " + liveServer.tb.failure())
	case server.ClientConfig == nil:
		liveServer.err = errors.New("start kube-apiserver: no client config returned")
	default:
		liveServer.config = server.ClientConfig
		return
	}
	if server.TearDownFn != nil {
		server.TearDownFn()
	}
	liveServer.tb.runCleanups()
	liveServer.watchdog.stop()
}

// liveEtcdWatchdog runs etcd ("$@") with its output in a log file, then
// waits for its standard input, a pipe from the test process, to close:
// when the test process closes it or exits, however it exits. It then stops
// etcd (SIGTERM, SIGKILL after 10 s) and removes its directory ($1) and
// every path the test process wrote to the pipe, one a line. Once etcd has
// started, the shell ignores SIGINT, SIGTERM and SIGHUP, so that a ^C that
// kills the test process (and etcd) does not also stop the clean-up.
const liveEtcdWatchdog = `
dir=$1
shift
"$@" </dev/null >"$dir/etcd.log" 2>&1 &
etcd=$!
trap '' INT TERM HUP
paths=$dir
while IFS= read -r p; do
	paths="$paths
$p"
done
kill -TERM "$etcd" 2>/dev/null
( sleep 10; kill -KILL "$etcd" 2>/dev/null ) &
killer=$!
wait "$etcd"
kill "$killer" 2>/dev/null
printf '%s\n' "$paths" | while IFS= read -r p; do
	case $p in /?*) rm -rf -- "$p" ;; esac
done
`

// liveEtcd is an etcd process under the liveEtcdWatchdog shell.
type liveEtcd struct {
	url    string
	dir    string
	exited chan struct{} // closed when the watchdog has exited

	mu    sync.Mutex
	stdin io.WriteCloser
}

// startLiveEtcd starts etcd as upstream's framework.RunCustomEtcd does,
// under the watchdog, and waits up to 30 s (RunCustomEtcd's limit) for its
// socket to accept connections.
func startLiveEtcd(etcdPath string) (*liveEtcd, error) {
	dir, err := os.MkdirTemp("", "kubesem_live_etcd_")
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "etcd.sock")
	cmd := exec.Command("/bin/sh", "-c", liveEtcdWatchdog, "kubesem-etcd-watchdog", dir,
		etcdPath,
		"--data-dir", filepath.Join(dir, "data"),
		"--listen-client-urls", "unix://"+sock,
		// As RunCustomEtcd: a unix URL is refused here, and nobody uses it.
		"--advertise-client-urls", "http://127.0.0.111:0",
		"--listen-peer-urls", "http://127.0.0.1:0",
		"--log-level", "warn",
		"--quota-backend-bytes", strconv.FormatInt(8*1024*1024*1024, 10),
	)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s under /bin/sh: %w", etcdPath, err)
	}
	e := &liveEtcd{url: "unix://" + sock, dir: dir, exited: make(chan struct{}), stdin: stdin}
	go func() { cmd.Wait(); close(e.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("unix", sock, time.Second)
		if err == nil {
			conn.Close()
			return e, nil
		}
		if time.Now().After(deadline) {
			log := e.log()
			e.stop()
			return nil, fmt.Errorf("etcd did not listen on %s within 30s; its log:\n%s", sock, log)
		}
		select {
		case <-e.exited:
			return nil, fmt.Errorf("the etcd watchdog exited; etcd's log:\n%s", e.log())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// log returns the last lines of etcd's output.
func (e *liveEtcd) log() string {
	b, err := os.ReadFile(filepath.Join(e.dir, "etcd.log"))
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

// remove has the watchdog remove path (a directory the test process made)
// when it stops etcd. Nil-safe: with an external etcd, path is removed
// nowhere.
func (e *liveEtcd) remove(path string) {
	if e == nil || !filepath.IsAbs(path) || strings.Contains(path, "\n") {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintln(e.stdin, path)
}

// stop closes the watchdog's pipe and waits (up to 15 s) for it to stop
// etcd and remove the files. Nil-safe.
func (e *liveEtcd) stop() {
	if e == nil {
		return
	}
	e.mu.Lock()
	e.stdin.Close()
	e.mu.Unlock()
	select {
	case <-e.exited:
	case <-time.After(15 * time.Second):
	}
}

// liveTB is the ktesting.TB that StartTestServer reports to and registers
// its clean-ups with: it lives as long as the shared server, keeps the last
// log lines for a failed start's report, and copies them to stderr when
// KUBESEM_KLOG is set.
type liveTB struct {
	mu       sync.Mutex
	lines    []string // ring buffer of the last len(lines) log lines
	next     int
	full     bool
	failed   bool
	fatal    string
	cleanups []func()
	verbose  bool
}

func newLiveTB() *liveTB {
	return &liveTB{lines: make([]string, 400), verbose: os.Getenv("KUBESEM_KLOG") != ""}
}

func (l *liveTB) logLine(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines[l.next] = s
	l.next = (l.next + 1) % len(l.lines)
	if l.next == 0 {
		l.full = true
	}
	if l.verbose {
		fmt.Fprintln(os.Stderr, "live-apiserver:", s)
	}
}

func (l *liveTB) lastLines() string {
	if l == nil {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	if l.full {
		out = append(out, l.lines[l.next:]...)
	}
	out = append(out, l.lines[:l.next]...)
	return strings.Join(out, "\n")
}

func (l *liveTB) failure() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fatal != "" {
		return l.fatal
	}
	return "an error was reported (see the log lines)"
}

func (l *liveTB) runCleanups() {
	l.mu.Lock()
	fs := l.cleanups
	l.cleanups = nil
	l.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

func (l *liveTB) Attr(key, value string) {}
func (l *liveTB) Chdir(dir string) {
	l.Fatalf("Chdir(%q) is not supported by the shared live apiserver", dir)
}
func (l *liveTB) Cleanup(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cleanups = append(l.cleanups, f)
}
func (l *liveTB) Error(args ...any) { l.Log(args...); l.Fail() }
func (l *liveTB) Errorf(format string, args ...any) {
	l.Logf(format, args...)
	l.Fail()
}
func (l *liveTB) Fail() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = true
}
func (l *liveTB) FailNow() { l.Fail(); runtime.Goexit() }
func (l *liveTB) Failed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failed
}
func (l *liveTB) Fatal(args ...any) { l.fatalMsg(fmt.Sprint(args...)) }
func (l *liveTB) Fatalf(format string, args ...any) {
	l.fatalMsg(fmt.Sprintf(format, args...))
}
func (l *liveTB) fatalMsg(s string) {
	l.logLine("FATAL: " + s)
	l.mu.Lock()
	if l.fatal == "" {
		l.fatal = s
	}
	l.mu.Unlock()
	l.FailNow()
}
func (l *liveTB) Helper()                         {}
func (l *liveTB) Log(args ...any)                 { l.logLine(fmt.Sprint(args...)) }
func (l *liveTB) Logf(format string, args ...any) { l.logLine(fmt.Sprintf(format, args...)) }
func (l *liveTB) Name() string                    { return "kubesem-live-apiserver" }
func (l *liveTB) Setenv(key, value string) {
	l.Fatalf("Setenv(%q) is not supported by the shared live apiserver", key)
}
func (l *liveTB) Skip(args ...any)                 { l.Fatal(append([]any{"skip: "}, args...)...) }
func (l *liveTB) Skipf(format string, args ...any) { l.Fatalf("skip: "+format, args...) }
func (l *liveTB) SkipNow()                         { l.Fatal("skip") }
func (l *liveTB) Skipped() bool                    { return false }
func (l *liveTB) TempDir() string {
	dir, err := os.MkdirTemp("", "kubesem-live-")
	if err != nil {
		l.Fatalf("TempDir: %v", err)
	}
	liveServer.watchdog.remove(dir) // removed when etcd stops
	return dir
}
