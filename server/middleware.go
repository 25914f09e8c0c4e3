package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/faults"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/wire"
)

// vendorEngine builds the gin engine that serves one vendor: the journal
// outermost (so it sees faults and recovered panics), then recovery, then
// fault injection, then the vendor's own routes.
func (s *Server) vendorEngine(v emu.Vendor) *gin.Engine {
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = false
	// ContextWithFallback stays off: handlers pass the *gin.Context to the
	// store as a context, and gin recycles it after the request while
	// database/sql may still look at it; without the fallback it never
	// reads the recycled request.
	e.Use(s.journalMiddleware(v), s.recoverMiddleware(v), s.faultMiddleware(v.Name()))
	v.Routes(e)
	return e
}

// capture copies the start of a response body for the journal, and is the
// wire.Failer of the vendor's handlers.
type capture struct {
	gin.ResponseWriter
	buf bytes.Buffer
	s   *Server
	v   emu.Vendor
	c   *gin.Context
	// failing is set while Fail answers, so that a vendor whose own
	// error answer cannot be encoded does not loop.
	failing bool
}

// Fail implements wire.Failer: an answer a handler could not encode is
// logged and answered like a recovered panic.
func (w *capture) Fail(err error) {
	if w.failing {
		wire.Bytes(w.ResponseWriter, http.StatusInternalServerError, wire.JSONType, []byte(`{"error":"Internal error"}`))
		return
	}
	w.failing = true
	defer func() { w.failing = false }()
	w.s.internalError(w.c, w.v, "an answer could not be encoded (a bug: please report it)", slog.Any("err", err))
}

func (w *capture) Write(b []byte) (int, error) {
	w.keep(b)
	return w.ResponseWriter.Write(b)
}

func (w *capture) WriteString(s string) (int, error) {
	w.keep([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

func (w *capture) keep(b []byte) {
	if room := journal.BodyLimit - w.buf.Len(); room > 0 {
		if len(b) > room {
			b = b[:room]
		}
		w.buf.Write(b)
	}
}

// journalMiddleware records every exchange in the in-memory journal.
func (s *Server) journalMiddleware(v emu.Vendor) gin.HandlerFunc {
	vendor := v.Name()
	return func(c *gin.Context) {
		start := time.Now()
		r := c.Request
		var reqBody []byte
		if r.Body != nil && r.Body != http.NoBody {
			// Keep the head for the journal and give the handler the whole body.
			head, _ := io.ReadAll(io.LimitReader(r.Body, journal.BodyLimit))
			reqBody = head
			r.Body = readCloser{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
		}
		w := &capture{ResponseWriter: c.Writer, s: s, v: v, c: c}
		c.Writer = w
		c.Next()
		e := journal.Entry{
			Time:            start.UTC(),
			Vendor:          vendor,
			Tenant:          emu.TenantOf(c),
			Method:          r.Method,
			Path:            r.URL.Path,
			Query:           r.URL.RawQuery,
			Status:          w.Status(),
			DurationMS:      float64(time.Since(start).Microseconds()) / 1000,
			RequestHeaders:  requestHeaders(r),
			RequestBody:     string(reqBody),
			ResponseHeaders: journal.MaskHeaders(w.Header()),
			ResponseBody:    w.buf.String(),
		}
		if f, ok := c.Get(faultKey); ok {
			e.Fault = f.(faults.Fault).ID
		}
		s.journal.Add(e)
		s.log.Debug("request", "vendor", vendor, "tenant", journal.Fingerprint(e.Tenant), "method", e.Method, "path", e.Path,
			"status", e.Status, "ms", e.DurationMS)
	}
}

// requestHeaders are the request's headers for the journal, with the Host
// the client sent (Go keeps it apart from the header map): JustClick names
// the account in it, and a replayed request needs it.
func requestHeaders(r *http.Request) map[string]string {
	h := journal.MaskHeaders(r.Header)
	if r.Host != "" {
		h["Host"] = r.Host
	}
	return h
}

// faultKey is where faultMiddleware leaves the fault that matched, for the
// journal.
const faultKey = "vendoremu.fault"

type readCloser struct {
	io.Reader
	io.Closer
}

// faultMiddleware answers (or delays) requests that match an injected fault.
func (s *Server) faultMiddleware(vendor string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, ok := s.faults.Match(vendor, c.Request.Method, c.Request.URL.Path)
		if !ok {
			return
		}
		c.Set(faultKey, f)
		if f.Apply(c.Writer, c.Request) {
			c.Abort()
		}
	}
}

// recoverMiddleware turns a handler panic into the vendor's 500 answer and a
// log line naming the request. A panic is always a bug in the emulator.
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
