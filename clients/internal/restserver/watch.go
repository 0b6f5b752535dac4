package restserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/endpoints/handlers/negotiation"
)

// defaultWatchTimeout ends a watch that names no timeoutSeconds, as the
// apiserver's minimum request timeout does.
const defaultWatchTimeout = 30 * time.Minute

// watchStream is a started watch whose events are still to be written.
type watchStream struct {
	s      *server
	w      watch.Interface
	ctx    context.Context
	cancel context.CancelFunc
	info   runtime.SerializerInfo
}

// startWatch starts a backend watch and writes the response header; the
// caller runs the returned stream.
func (s *server) startWatch(w http.ResponseWriter, r *request, opts metav1.ListOptions) *watchStream {
	if !r.res.Allows("watch") {
		s.writeError(w, r.out, apierrors.NewMethodNotSupported(r.res.GroupResource(), "watch"))
		return nil
	}
	if r.name != "" {
		if err := singleWatchSelector(&opts, r.name); err != nil {
			s.writeError(w, r.out, err)
			return nil
		}
	}
	opts.Watch = true
	info, err := negotiation.NegotiateOutputMediaTypeStream(r.req, r.ser, negotiation.DefaultEndpointRestrictions)
	if err != nil {
		s.writeError(w, r.out, err)
		return nil
	}
	timeout := defaultWatchTimeout
	if opts.TimeoutSeconds != nil && *opts.TimeoutSeconds > 0 {
		timeout = time.Duration(*opts.TimeoutSeconds) * time.Second
	}
	ctx, cancel := context.WithTimeout(r.req.Context(), timeout)
	wi, err := s.b.Watch(ctx, r.gvr, r.ns, opts)
	if err == nil && wi == nil {
		err = apierrors.NewInternalError(io.ErrUnexpectedEOF)
	}
	if err != nil {
		cancel()
		s.writeError(w, r.out, err)
		return nil
	}
	mediaType := info.MediaType
	if mediaType != runtime.ContentTypeJSON {
		mediaType += ";stream=watch"
	}
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	return &watchStream{s: s, w: wi, ctx: ctx, cancel: cancel, info: info}
}

// run writes the watch's events as metav1.WatchEvent frames, each flushed,
// until the backend closes the watch, its timeout passes, the client goes
// away or a write fails; then it stops the backend watch.
func (ws *watchStream) run(out io.Writer, flush func()) {
	defer func() {
		// A panicking backend ends the stream, not the program.
		_ = recover()
		ws.w.Stop()
		ws.cancel()
	}()
	frames := ws.info.StreamSerializer.Framer.NewFrameWriter(out)
	var obj, frame bytes.Buffer
	for {
		select {
		case <-ws.ctx.Done():
			return
		case ev, ok := <-ws.w.ResultChan():
			if !ok {
				return
			}
			if ev.Object == nil {
				continue
			}
			obj.Reset()
			if err := ws.s.encode(ws.info.Serializer, ev.Object, &obj); err != nil {
				return
			}
			frame.Reset()
			e := &metav1.WatchEvent{Type: string(ev.Type), Object: runtime.RawExtension{Raw: obj.Bytes()}}
			if err := ws.info.StreamSerializer.Serializer.Encode(e, &frame); err != nil {
				return
			}
			if _, err := frames.Write(frame.Bytes()); err != nil {
				return
			}
			flush()
		}
	}
}
