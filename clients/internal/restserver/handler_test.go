package restserver

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// do sends one request to the handler.
func do(h http.Handler, method, target, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// status decodes a Status answer.
func status(t *testing.T, rec *httptest.ResponseRecorder) metav1.Status {
	t.Helper()
	var st metav1.Status
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" && ct != "application/yaml" {
		t.Fatalf("content type %q of %s", ct, rec.Body)
	}
	if err := yaml.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	if st.Kind != "Status" || st.APIVersion != "v1" || int(st.Code) != rec.Code || st.Status != metav1.StatusFailure {
		t.Fatalf("status %+v for HTTP %d", st, rec.Code)
	}
	return st
}

func TestMalformedRequests(t *testing.T) {
	b := newTestBackend()
	h := Handler(b)
	if rec := do(h, "POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}`, nil); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	const cms = "/api/v1/namespaces/default/configmaps"
	jsonCT := map[string]string{"Content-Type": "application/json"}
	big := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"a":"` + strings.Repeat("x", maxBodyBytes) + `"}}`
	cases := []struct {
		name, method, target, body string
		header                     map[string]string
		code                       int
	}{
		{"unknown group", "GET", "/apis/nope.example.com/v1/things", "", nil, 404},
		{"unknown resource", "GET", "/api/v1/namespaces/default/widgets", "", nil, 404},
		{"unknown path", "GET", "/healthz/nope", "", nil, 404},
		{"root", "GET", "/", "", nil, 404},
		{"empty namespace", "GET", "/api/v1/namespaces//configmaps", "", nil, 404},
		{"too deep", "GET", cms + "/cm/status/more", "", nil, 404},
		{"no such subresource", "GET", cms + "/cm/status", "", nil, 404},
		{"cluster resource in a namespace", "GET", "/api/v1/namespaces/default/nodes", "", nil, 404},
		{"named object across namespaces", "GET", "/api/v1/configmaps/cm", "", nil, 404},
		{"create across namespaces", "POST", "/api/v1/configmaps", "{}", jsonCT, 405},
		{"update a collection", "PUT", cms, "{}", jsonCT, 405},
		{"patch a collection", "PATCH", cms, "{}", map[string]string{"Content-Type": "application/merge-patch+json"}, 405},
		{"post to a name", "POST", cms + "/cm", "{}", jsonCT, 405},
		{"post to status", "POST", "/api/v1/namespaces/default/pods/p/status", "{}", jsonCT, 405},
		{"get a binding", "GET", "/api/v1/namespaces/default/pods/p/binding", "", nil, 405},
		{"delete a status", "DELETE", "/api/v1/namespaces/default/pods/p/status", "", nil, 405},
		{"watch prefix with post", "POST", "/api/v1/watch/namespaces/default/configmaps", "{}", jsonCT, 405},
		{"watch a subresource", "GET", "/api/v1/watch/namespaces/default/pods/p/status", "", nil, 404},
		{"head", "HEAD", "/api", "", nil, 405},
		{"options", "OPTIONS", cms, "", nil, 405},
		{"no get verb", "GET", "/api/v1/componentstatuses?watch=true", "", nil, 405},
		{"truncated body", "POST", cms, "{", jsonCT, 400},
		{"array body", "POST", cms, "[]", jsonCT, 400},
		{"empty body", "POST", cms, "", jsonCT, 400},
		{"number body", "POST", cms, "42", jsonCT, 400},
		{"bad apiVersion", "POST", cms, `{"apiVersion":"a/b/c","kind":"ConfigMap","metadata":{"name":"x"}}`, jsonCT, 400},
		{"other kind", "POST", cms, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}`, jsonCT, 400},
		{"unknown kind", "POST", cms, `{"apiVersion":"v1","kind":"Nope","metadata":{"name":"x"}}`, jsonCT, 400},
		{"wrong field type", "POST", cms, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":[1]}`, jsonCT, 400},
		{"strict unknown field", "POST", cms + "?fieldValidation=Strict", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"foo":1}`, jsonCT, 400},
		{"bad field validation", "POST", cms + "?fieldValidation=Bogus", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}`, jsonCT, 422},
		{"bad dry run", "POST", cms + "?dryRun=Maybe", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}`, jsonCT, 422},
		{"text body", "POST", cms, "hello", map[string]string{"Content-Type": "text/plain"}, 415},
		{"protobuf garbage", "POST", cms, "hello", map[string]string{"Content-Type": "application/vnd.kubernetes.protobuf"}, 400},
		{"yaml garbage", "POST", cms, ":\n: -", map[string]string{"Content-Type": "application/yaml"}, 400},
		{"too large", "POST", cms, big, jsonCT, 413},
		{"update another name", "PUT", cms + "/cm", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}`, jsonCT, 400},
		{"update another namespace", "PUT", cms + "/cm", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"kube-system"}}`, jsonCT, 400},
		{"update garbage", "PUT", cms + "/cm", `}`, jsonCT, 400},
		{"bad label selector", "GET", cms + "?labelSelector=a+in+((", "", nil, 400},
		{"bad field selector", "GET", cms + "?fieldSelector=a%3D%3D%3Db", "", nil, 400},
		{"unknown field selector", "GET", cms + "?fieldSelector=spec.nope%3D1", "", nil, 400},
		{"bad limit", "GET", cms + "?limit=abc", "", nil, 400},
		{"bad timeout", "GET", cms + "?watch=true&timeoutSeconds=abc", "", nil, 400},
		{"bad resourceVersion", "GET", cms + "?resourceVersion=abc&resourceVersionMatch=Exact", "", nil, 400},
		{"watch a name with another field", "GET", "/api/v1/watch/namespaces/default/configmaps/cm?fieldSelector=metadata.name%3Dother", "", nil, 400},
		{"bad escape", "GET", cms + "/cm?resourceVersion=%zz", "", map[string]string{"Accept": "application/xml"}, 406},
		{"unacceptable", "GET", cms, "", map[string]string{"Accept": "application/xml"}, 406},
		{"table only", "GET", cms, "", map[string]string{"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}, 406},
		{"yaml watch", "GET", cms + "?watch=true", "", map[string]string{"Accept": "application/yaml"}, 406},
		{"patch text", "PATCH", cms + "/cm", "{}", map[string]string{"Content-Type": "text/plain"}, 415},
		{"patch no type", "PATCH", cms + "/cm", "{}", nil, 415},
		{"patch cbor apply", "PATCH", cms + "/cm?fieldManager=m", "\xa0", map[string]string{"Content-Type": "application/apply-patch+cbor"}, 415},
		{"patch garbage merge", "PATCH", cms + "/cm", "nope", map[string]string{"Content-Type": "application/merge-patch+json"}, 400},
		{"patch garbage json", "PATCH", cms + "/cm", `{"op":1}`, map[string]string{"Content-Type": "application/json-patch+json"}, 400},
		{"patch garbage strategic", "PATCH", cms + "/cm", `[`, map[string]string{"Content-Type": "application/strategic-merge-patch+json"}, 400},
		{"apply without manager", "PATCH", cms + "/cm", `{"apiVersion":"v1","kind":"ConfigMap"}`, map[string]string{"Content-Type": "application/apply-patch+yaml"}, 422},
		{"apply garbage", "PATCH", cms + "/cm?fieldManager=m", "a: [", map[string]string{"Content-Type": "application/apply-patch+yaml"}, 400},
		{"patch missing", "PATCH", cms + "/nope", `{}`, map[string]string{"Content-Type": "application/merge-patch+json"}, 404},
		{"delete garbage body", "DELETE", cms + "/cm", "garbage", jsonCT, 400},
		{"delete other kind body", "DELETE", cms + "/cm", `{"kind":"Pod","apiVersion":"v1"}`, jsonCT, 400},
		{"delete protobuf garbage", "DELETE", cms + "/cm", "k8s\x00\xff\xff", map[string]string{"Content-Type": "application/vnd.kubernetes.protobuf"}, 400},
		{"delete bad policy", "DELETE", cms + "/cm?propagationPolicy=Bogus", "", nil, 422},
		{"delete bad grace", "DELETE", cms + "/cm?gracePeriodSeconds=soon", "", nil, 400},
		{"delete body bad policy", "DELETE", cms + "/cm", `{"propagationPolicy":"Bogus"}`, jsonCT, 422},
		{"delete missing", "DELETE", cms + "/nope", "", nil, 404},
		{"delete collection bad selector", "DELETE", cms + "?labelSelector=%21%21", "", nil, 400},
		{"discovery post", "POST", "/apis", "", nil, 405},
		{"unknown group discovery", "GET", "/apis/nope.example.com", "", nil, 404},
		{"unknown version discovery", "GET", "/apis/apps/v9", "", nil, 404},
		{"unknown core version", "GET", "/api/v2", "", nil, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(h, c.method, c.target, c.body, c.header)
			if rec.Code != c.code {
				t.Fatalf("%s %s: %d, want %d: %s", c.method, c.target, rec.Code, c.code, rec.Body)
			}
			st := status(t, rec)
			if st.Message == "" && rec.Code != 404 && rec.Code != 405 {
				t.Fatalf("no message: %+v", st)
			}
		})
	}

	// What the apiserver says for a path it does not serve.
	st := status(t, do(h, "GET", "/api/v1/namespaces/default/widgets", "", nil))
	if st.Message != "the server could not find the requested resource" || st.Reason != metav1.StatusReasonNotFound {
		t.Fatalf("not found: %+v", st)
	}
	// Nothing was created by the refused requests.
	if rec := do(h, "GET", cms, "", nil); !strings.Contains(rec.Body.String(), `"name":"cm"`) || strings.Contains(rec.Body.String(), `"name":"x"`) || strings.Contains(rec.Body.String(), `"name":"p"`) {
		t.Fatalf("list after refusals: %s", rec.Body)
	}
}

func TestBackendPanic(t *testing.T) {
	b := newTestBackend()
	b.panics = true
	h := Handler(b)
	rec := do(h, "GET", "/api/v1/namespaces/default/configmaps", "", nil)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var st metav1.Status
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || st.Reason != metav1.StatusReasonInternalError {
		t.Fatalf("%+v %v", st, err)
	}
}

func TestFieldValidationWarning(t *testing.T) {
	h := Handler(newTestBackend())
	rec := do(h, "POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"foo":1}`, nil)
	if rec.Code != http.StatusCreated || rec.Header().Get("Warning") != `299 - "unknown field \"foo\""` {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Warning"))
	}
	rec = do(h, "POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"y"},"foo":1}`, nil)
	if st := status(t, rec); st.Message != `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"` {
		t.Fatalf("strict: %q", st.Message)
	}
}

// TestWatchOverHTTP watches through a real HTTP server: JSON frames, one
// per line, flushed as they come; the client going away stops the
// backend's watch.
func TestWatchOverHTTP(t *testing.T) {
	b := newTestBackend()
	hs := httptest.NewServer(Handler(b))
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/api/v1/watch/namespaces/default/configmaps?timeoutSeconds=10", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	b.mu.Lock()
	_, err = b.srv.Create(configMaps, "default", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w"}}, metav1.CreateOptions{})
	b.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Type   string
		Object map[string]any
	}
	if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Type != "ADDED" || ev.Object["kind"] != "ConfigMap" || ev.Object["apiVersion"] != "v1" {
		t.Fatalf("frame %q: %v", line, err)
	}
	resp.Body.Close()
	cancel()
	waitNoWatchers(t, b)
}

// TestWatchStopThroughTransport: stopping a client's watch closes the
// response body, which stops the backend's watch; a timeout ends it too.
func TestWatchStopThroughTransport(t *testing.T) {
	b, cfg := setup(t)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w, err := dyn.Resource(configMaps).Namespace("default").Watch(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Stop()
	waitNoWatchers(t, b)

	w, err = dyn.Resource(configMaps).Namespace("default").Watch(context.Background(), metav1.ListOptions{TimeoutSeconds: new(int64(1))})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-w.ResultChan():
		if ok {
			t.Fatal("an event on an empty namespace")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the watch outlived its timeout")
	}
	waitNoWatchers(t, b)

	// A watch's error is the backend's.
	_, err = dyn.Resource(configMaps).Namespace("default").Watch(context.Background(), metav1.ListOptions{ResourceVersion: "1", LabelSelector: "a in (("})
	if err == nil {
		t.Fatal("a bad selector watched")
	}
}

func waitNoWatchers(t *testing.T, b *testBackend) {
	t.Helper()
	for i := 0; ; i++ {
		b.mu.Lock()
		n := len(b.watchers)
		b.mu.Unlock()
		if n == 0 {
			return
		}
		if i == 200 {
			t.Fatalf("%d backend watches left", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
