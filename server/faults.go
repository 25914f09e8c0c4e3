package server

import (
	"bufio"
	"bytes"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/faults"
)

// Fault injection.
//
// A fault may name a tenant, and a request's tenant is known only once the
// vendor has read its credential, so faults are matched at that moment:
// the vendor calls emu.SetTenant, whose hook looks for a fault of that
// tenant or of none. A request the vendor cannot place (no or a wrong
// credential, an unknown path) is matched against the faults without a
// tenant when the vendor starts to answer.
//
// A fault matched at SetTenant unwinds the vendor's handler — its
// transaction rolls back, so nothing it did is kept — and is applied
// outside any transaction: its delay is waited out (a long delay must not
// hold the database), then it answers, resets the connection, or runs the
// handler again (a delay only; a broken answer, which needs the vendor's
// real one; a fault deleted during the delay). A fault matched when the
// vendor starts answering holds that answer back instead, and applies to it
// once the handler has returned. Either way the delay comes before the
// vendor's work is done or its answer seen, as a slow network would put it.

// unwind is what SetTenant's hook panics with when a fault matches. It
// matches http.ErrAbortHandler, which recovery middleware lets through.
type unwind struct{}

func (unwind) Error() string        { return "vendoremu: unwound by an injected fault" }
func (unwind) Is(target error) bool { return target == http.ErrAbortHandler }

// faultRun is the fault injection of one request.
type faultRun struct {
	table                *faults.Table
	x                    *emu.Exchange
	vendor, method, path string
	// checked is set once faults have been looked for (at SetTenant or
	// at the first write); fault is what matched then.
	checked bool
	fault   *faults.Fault
}

// match looks for the fault of a request of tenant ("" when unknown).
func (fr *faultRun) match(tenant string) bool {
	fr.checked = true
	f, ok := fr.table.Match(fr.vendor, tenant, fr.method, fr.path)
	if !ok {
		return false
	}
	fr.fault = &f
	fr.x.Fault = f.ID
	return true
}

// onTenant is SetTenant's hook.
func (fr *faultRun) onTenant(key string) {
	if fr.checked {
		return
	}
	if fr.match(key) {
		panic(unwind{})
	}
}

// serveFaults serves r with next, applying the fault that matches it. A
// fault that breaks the connection returns the function that closes it, to
// be called once the exchange is journaled: a client that sees its
// connection fail finds the exchange in the journal.
func (s *Server) serveFaults(w http.ResponseWriter, r *http.Request, x *emu.Exchange, vendor string, next http.Handler) (closeConn func()) {
	if s.faults.Empty() {
		next.ServeHTTP(w, r)
		return nil
	}
	fr := &faultRun{table: s.faults, x: x, vendor: vendor, method: r.Method, path: r.URL.Path}
	x.OnTenant = fr.onTenant
	// Headers set before the vendor (the server's own) outlive an answer
	// the fault takes back.
	before := w.Header().Clone()
	restore := func() {
		clear(w.Header())
		maps.Copy(w.Header(), before)
	}
	// Keep what the handler reads of the body, for a second run.
	var kept *bytes.Buffer
	body := r.Body
	if body != nil && body != http.NoBody && s.faults.Selects(vendor, r.Method, r.URL.Path) {
		kept = new(bytes.Buffer)
		r.Body = readCloser{io.TeeReader(body, kept), body}
	}
	rerun := func(hold bool) *faultWriter {
		r2 := r.WithContext(r.Context())
		r2.Form, r2.PostForm, r2.MultipartForm = nil, nil, nil
		if kept != nil {
			r2.Body = readCloser{io.MultiReader(bytes.NewReader(kept.Bytes()), body), body}
		}
		fw := &faultWriter{ResponseWriter: w, run: fr, mode: modePass}
		if hold {
			fw.mode = modeHold
		}
		runUnwinding(next, fw, r2)
		return fw
	}

	fw := &faultWriter{ResponseWriter: w, run: fr}
	if runUnwinding(next, fw, r) {
		// Matched at SetTenant: the handler did nothing that stays.
		restore()
		f := *fr.fault
		if !f.Wait(r.Context()) {
			x.Fault = 0
			rerun(false)
			return nil
		}
		if r.Context().Err() != nil {
			return nil // the client is gone
		}
		switch {
		case f.Kind == faults.ConnectionReset:
			return resetConnection(w)
		case f.Status != 0:
			writeFault(w, f)
		case f.Kind != "":
			held := rerun(true)
			return breakAnswer(w, held, f.Kind)
		default:
			rerun(false)
		}
		return nil
	}
	if fw.mode != modeHold {
		return nil
	}
	// Matched when the vendor started answering: its answer is held.
	f := *fr.fault
	if !f.Wait(r.Context()) {
		x.Fault = 0
		fw.flush()
		return nil
	}
	switch {
	case f.Kind == faults.ConnectionReset:
		restore()
		return resetConnection(w)
	case f.Status != 0:
		restore()
		writeFault(w, f)
	case f.Kind != "":
		return breakAnswer(w, fw, f.Kind)
	default:
		fw.flush()
	}
	return nil
}

// runUnwinding serves r with next and reports whether a fault unwound it.
func runUnwinding(next http.Handler, w http.ResponseWriter, r *http.Request) (unwound bool) {
	defer func() {
		if rec := recover(); rec != nil {
			if _, ok := rec.(unwind); ok {
				unwound = true
				return
			}
			panic(rec)
		}
	}()
	next.ServeHTTP(w, r)
	return false
}

// How a faultWriter treats what the handler writes.
const (
	modeUndecided = iota // nothing written yet
	modePass             // straight to the client
	modeHold             // kept back for the fault
)

// faultWriter is the handler's writer while faults exist. At the first
// write of a request whose tenant is still unknown it looks for a fault
// without tenant, and holds the answer back when one matched.
type faultWriter struct {
	http.ResponseWriter
	run    *faultRun
	mode   int
	status int
	buf    bytes.Buffer
}

func (w *faultWriter) decide() {
	if w.mode != modeUndecided {
		return
	}
	w.mode = modePass
	if !w.run.checked && w.run.match("") {
		w.mode = modeHold
	}
}

func (w *faultWriter) WriteHeader(code int) {
	w.decide()
	if w.mode == modeHold {
		if w.status == 0 {
			w.status = code
		}
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *faultWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.mode == modeHold {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *faultWriter) Flush() {
	w.decide()
	if w.mode == modeHold {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *faultWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.decide()
	if w.mode == modeHold {
		return nil, nil, http.ErrNotSupported
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// flush sends the held answer as it is.
func (w *faultWriter) flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(w.buf.Bytes())
}

// writeFault answers with the fault's status and body.
func writeFault(w http.ResponseWriter, f faults.Fault) {
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}

// malformed is what a malformed_body fault sends: neither JSON, XML, form
// data nor valid UTF-8, so that any parser a client uses fails on it.
var malformed = []byte("\x00\xff\xfe<{[ vendoremu: malformed_body \x80\x81 ]}>\x00\x1f\x8b")

// breakAnswer sends the held answer broken the way kind says, and returns
// what closes the connection when the break needs it.
func breakAnswer(w http.ResponseWriter, held *faultWriter, kind string) (closeConn func()) {
	status, body := held.status, held.buf.Bytes()
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	h.Del("Transfer-Encoding")
	switch kind {
	case faults.MalformedBody:
		h.Set("Content-Length", strconv.Itoa(len(malformed)))
		w.WriteHeader(status)
		_, _ = w.Write(malformed)
		return nil
	case faults.EmptyResponse:
		body = nil
	case faults.TruncatedBody:
		body = body[:len(body)/2]
	}
	// The headers promise the whole answer; the connection closes short of it.
	h.Set("Content-Length", strconv.Itoa(held.buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		return nil
	}
	return func() { conn.Close() }
}

// resetConnection takes the client's connection, and returns what drops it
// with a TCP reset.
func resetConnection(w http.ResponseWriter) (closeConn func()) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil
	}
	return func() {
		inner := conn
		if lc, ok := conn.(*limitedConn); ok {
			inner = lc.Conn
		}
		if tcp, ok := inner.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		conn.Close()
	}
}
