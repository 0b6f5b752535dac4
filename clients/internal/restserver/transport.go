package restserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"k8s.io/client-go/rest"
)

// Host is the URL of the API server in the configs Config returns; no
// request ever leaves the process.
const Host = "http://kubesem.invalid"

// Transport returns an http.RoundTripper that serves each request in the
// calling goroutine, with no network, so that a client call returns only
// once the backend has answered. The request's context is passed to the
// backend unchanged (for a watch, a context derived from it, which ends
// with the watch). A watch's events are written by one goroutine into a
// pipe that is the response body; closing the body stops the watch.
func Transport(b Backend) http.RoundTripper { return &transport{s: newServer(b)} }

type transport struct{ s *server }

// RoundTrip serves req.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := &recorder{header: http.Header{}}
	ws := t.s.serve(rec, req)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	resp := &http.Response{
		Status:     fmt.Sprintf("%d %s", rec.code, http.StatusText(rec.code)),
		StatusCode: rec.code,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     rec.header,
		Request:    req,
	}
	if ws == nil {
		resp.Body = io.NopCloser(bytes.NewReader(rec.body.Bytes()))
		resp.ContentLength = int64(rec.body.Len())
		return resp, nil
	}
	pr, pw := io.Pipe()
	// A client that goes away while the stream is blocked on it unblocks
	// the stream's writer.
	stop := context.AfterFunc(req.Context(), func() { _ = pw.CloseWithError(req.Context().Err()) })
	go func() {
		defer stop()
		defer pw.Close()
		ws.run(pw, func() {})
	}()
	rec.header.Del("Transfer-Encoding")
	resp.TransferEncoding = []string{"chunked"}
	resp.ContentLength = -1
	resp.Body = &watchBody{r: pr, cancel: ws.cancel}
	return resp, nil
}

// watchBody is a watch's response body: closing it ends the watch.
type watchBody struct {
	r      *io.PipeReader
	cancel context.CancelFunc
	once   sync.Once
}

func (b *watchBody) Read(p []byte) (int, error) { return b.r.Read(p) }

func (b *watchBody) Close() error {
	b.once.Do(func() {
		b.cancel()
		_ = b.r.Close()
	})
	return nil
}

// recorder is the response writer of a request served by Transport.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(p)
}

// Config returns a client configuration for b that client-go and
// controller-runtime accept: Host is Host, Transport is Transport(b), and
// client-side rate limiting is off (QPS -1), so that no call ever waits.
func Config(b Backend) *rest.Config {
	return &rest.Config{
		Host:      Host,
		Transport: Transport(b),
		QPS:       -1,
		Burst:     1 << 20,
	}
}
