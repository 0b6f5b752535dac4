package restserver

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzHandler sends arbitrary requests — method, path, query, media
// types and body — to the handler over kubesem's apiserver: every answer
// is an HTTP status with a body, and nothing panics, in the handler or in
// the apiserver behind it (the handler would answer a panic with a 500
// "panic while serving").
func FuzzHandler(f *testing.F) {
	seeds := []struct{ method, path, query, ctype, accept, body string }{
		{"GET", "/api/v1/namespaces/default/configmaps", "labelSelector=a%3Db", "", "application/json", ""},
		{"POST", "/api/v1/namespaces/default/configmaps", "", "application/json", "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"b"}}`},
		{"PUT", "/api/v1/namespaces/default/configmaps/x", "", "application/json", "", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","resourceVersion":"1"}}`},
		{"PATCH", "/api/v1/namespaces/default/configmaps/x", "", "application/merge-patch+json", "", `{"data":{"c":"d"}}`},
		{"PATCH", "/apis/apps/v1/namespaces/default/deployments/d", "fieldManager=m", "application/apply-patch+yaml", "", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"},
		{"DELETE", "/api/v1/namespaces/default/pods", "gracePeriodSeconds=0", "application/json", "", `{"propagationPolicy":"Foreground"}`},
		{"GET", "/apis/apps/v1/namespaces/default/deployments/d/scale", "", "", "application/vnd.kubernetes.protobuf", ""},
		{"GET", "/api/v1/watch/namespaces/default/pods", "timeoutSeconds=0", "", "", ""},
		{"GET", "/apis", "", "", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", ""},
		{"POST", "/api/v1/namespaces/default/pods/p/eviction", "", "application/json", "", `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p"}}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.ctype, s.accept, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, query, ctype, accept, body string) {
		if strings.Contains(query, "watch") || strings.Contains(path, "/watch") || strings.Contains(query, "timeoutSeconds") {
			// A watch streams until the client goes: one without a
			// timeout would hold the fuzzer; watches have tests of their own.
			query = url.Values{"timeoutSeconds": {"0"}}.Encode()
			path = strings.ReplaceAll(path, "/watch", "")
		}
		req, err := http.NewRequest(method, "http://kubesem.invalid", strings.NewReader(body))
		if err != nil {
			return // not a request net/http would send
		}
		req.URL.Path, req.URL.RawQuery = path, query
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		Handler(newTestBackend()).ServeHTTP(rec, req)
		if rec.Code < 100 || rec.Code > 599 {
			t.Fatalf("%s %s?%s: status %d", method, path, query, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "panic while serving") {
			t.Fatalf("%s %s?%s (%s, %s) %q: %s", method, path, query, ctype, accept, body, rec.Body)
		}
	})
}
