package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/wire"
)

// vendorHandler serves one vendor: the journal outermost (so it sees faults
// and recovered panics), then fault injection (faults.go), then the
// vendor's gin engine with recovery and the vendor's own routes. Journal
// and faults sit outside the engine because a fault that matches once the
// vendor has identified the tenant may have to run the vendor's handler a
// second time.
type vendorHandler struct {
	s      *Server
	v      emu.Vendor
	engine *gin.Engine
}

// vendorEngine builds the gin engine that serves one vendor's routes,
// registered in the vendor's OpenAPI document: answers that cannot be
// encoded and panics become the vendor's 500.
func (s *Server) vendorEngine(v emu.Vendor) (*gin.Engine, *openapi.Doc) {
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = false
	// ContextWithFallback stays off: handlers pass the *gin.Context to the
	// store as a context, and gin recycles it after the request while
	// database/sql may still look at it; without the fallback it never
	// reads the recycled request.
	e.Use(s.failerMiddleware(v), s.recoverMiddleware(v))
	doc := v.OpenAPI()
	doc.Name = v.Name()
	v.Routes(openapi.NewRouter(e, doc))
	return e, doc
}

// ServeHTTP serves r on the shared listener.
func (h *vendorHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve(w, r, "") }

// serve serves the exchange, handed to Config.Check when it is set.
// prefix is the path prefix the shared listener stripped.
func (h *vendorHandler) serve(w http.ResponseWriter, r *http.Request, prefix string) {
	x := &emu.Exchange{BasePath: prefix}
	r = emu.WithExchange(r, x)
	if h.s.cfg.Check == nil {
		h.journaled(w, r, x)
		return
	}
	h.s.checked(w, r, h.v.Name(), x, func(w http.ResponseWriter, r *http.Request) {
		h.journaled(w, r, x)
	})
}

// journaled journals the exchange around fault injection and the vendor.
func (h *vendorHandler) journaled(w http.ResponseWriter, r *http.Request, x *emu.Exchange) {
	start := time.Now()
	rec := recorders.Get().(*recorder)
	rec.ResponseWriter = w
	defer rec.release()
	if r.Body != nil && r.Body != http.NoBody {
		// Keep the head for the journal and give the handler the whole body.
		rec.limited = io.LimitedReader{R: r.Body, N: journal.BodyLimit}
		_, err := rec.req.ReadFrom(&rec.limited)
		if err == nil && rec.limited.N > 0 {
			// All of it was read (most bodies): the handler reads the
			// copy, through readers the recorder keeps for reuse.
			rec.replay.Reset(rec.req.Bytes())
			rec.body = readCloser{&rec.replay, r.Body}
			r.Body = &rec.body
		} else {
			r.Body = readCloser{io.MultiReader(bytes.NewReader(rec.req.Bytes()), r.Body), r.Body}
		}
	}
	closeConn := h.s.serveFaults(rec, r, x, h.v.Name(), h.engine)
	e := &rec.entry
	*e = journal.Exchange{
		Time:       start.UTC(),
		Vendor:     h.v.Name(),
		Tenant:     x.Tenant,
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		Status:     rec.status,
		Fault:      x.Fault,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000,
		// The Host the client sent: JustClick names the account in it, and
		// a replayed request needs it.
		Host:           r.Host,
		RequestHeaders: r.Header,
		RequestBody:    rec.req.Bytes(),
		// Taken after the exchange: a fault's answer has its own.
		ResponseHeaders: rec.Header(),
		ResponseBody:    rec.buf.Bytes(),
	}
	h.s.journal.AddExchange(e)
	if h.s.log.Enabled(r.Context(), slog.LevelDebug) {
		path := e.Path
		if m, ok := h.v.(emu.PathMasker); ok {
			path = m.MaskPath(path)
		}
		h.s.log.Debug("request", "vendor", e.Vendor, "tenant", journal.Fingerprint(e.Tenant), "method", e.Method, "path", path,
			"status", e.Status, "ms", e.DurationMS)
	}
	if closeConn != nil {
		closeConn()
	}
}

// recorders are recorders to reuse, with their buffers.
var recorders = sync.Pool{New: func() any { return new(recorder) }}

type readCloser struct {
	io.Reader
	io.Closer
}

// recorder keeps the status and the start of the body for the journal.
// status stays 0 when nothing was sent (a connection reset). It is reused
// (see recorders): req holds the head of the request body, entry is what
// the journal is given.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	req    bytes.Buffer
	entry  journal.Exchange
	// limited reads the head of the request body into req; replay and
	// body give the handler req's copy of a body read whole.
	limited io.LimitedReader
	replay  bytes.Reader
	body    readCloser
}

// release gives the recorder back for another exchange. Buffers that grew
// past what most exchanges need are dropped, not kept for ever.
func (w *recorder) release() {
	if w.buf.Cap() > 64<<10 || w.req.Cap() > 64<<10 {
		return
	}
	w.ResponseWriter, w.status = nil, 0
	w.buf.Reset()
	w.req.Reset()
	w.entry = journal.Exchange{}
	w.limited, w.body = io.LimitedReader{}, readCloser{}
	w.replay.Reset(nil)
	recorders.Put(w)
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := journal.BodyLimit - w.buf.Len(); room > 0 {
		w.buf.Write(b[:min(len(b), room)])
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := journal.BodyLimit - w.buf.Len(); room > 0 {
		w.buf.WriteString(s[:min(len(s), room)])
	}
	return io.WriteString(w.ResponseWriter, s)
}

func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// failer is the wire.Failer of the vendor's handlers.
type failer struct {
	gin.ResponseWriter
	s *Server
	v emu.Vendor
	c *gin.Context
	// failing is set while Fail answers, so that a vendor whose own
	// error answer cannot be encoded does not loop.
	failing bool
}

// Fail implements wire.Failer: an answer a handler could not encode is
// logged and answered like a recovered panic.
func (w *failer) Fail(err error) {
	if w.failing {
		wire.Bytes(w.ResponseWriter, http.StatusInternalServerError, wire.JSONType, []byte(`{"error":"Internal error"}`))
		return
	}
	w.failing = true
	defer func() { w.failing = false }()
	w.s.internalError(w.c, w.v, "an answer could not be encoded (a bug: please report it)", slog.Any("err", err))
}

// failerMiddleware makes the handlers' writer a wire.Failer.
func (s *Server) failerMiddleware(v emu.Vendor) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer = &failer{ResponseWriter: c.Writer, s: s, v: v, c: c}
		c.Next()
	}
}

// recoverMiddleware turns a handler panic into the vendor's 500 answer and a
// log line naming the request. A panic is always a bug in the emulator.
// http.ErrAbortHandler (which a fault's unwinding matches) goes on up.
func (s *Server) recoverMiddleware(v emu.Vendor) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			s.internalError(c, v, "panic while serving a request (a bug: please report it)",
				slog.Any("panic", rec), slog.String("stack", string(debug.Stack())))
			c.Abort()
		}()
		c.Next()
	}
}

// internalError is the one way a vendor request fails for the emulator's
// own fault (a recovered panic, an answer that cannot be encoded): an
// error log line naming the request, and the vendor's InternalError answer
// unless something was written already.
func (s *Server) internalError(c *gin.Context, v emu.Vendor, msg string, attrs ...slog.Attr) {
	args := []any{
		slog.String("vendor", v.Name()),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("query", journal.MaskQuery(c.Request.URL.RawQuery)),
	}
	for _, a := range attrs {
		args = append(args, a)
	}
	s.log.Error(msg, args...)
	if !c.Writer.Written() {
		v.InternalError(c)
	}
}
