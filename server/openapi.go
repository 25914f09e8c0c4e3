package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/wire"
)

// ControlDoc is the name of the control plane's document.
const ControlDoc = "control"

// Documents are the OpenAPI documents the server serves: one per vendor,
// by vendor name, and the control plane's under ControlDoc.
func (s *Server) Documents() map[string]*openapi.Doc {
	out := map[string]*openapi.Doc{ControlDoc: s.controlDoc}
	for name, m := range s.byName {
		out[name] = m.doc
	}
	return out
}

// Document is one of Documents, or nil.
func (s *Server) Document(name string) *openapi.Doc { return s.Documents()[name] }

// DocumentTarget is where a document's paths live on this server's
// listeners: the shared listener under the vendor's prefix, then the
// vendor's own listener (once started). host is the Host a client used to
// reach the shared listener ("" for the configured address).
func (s *Server) DocumentTarget(name, host, variant string) openapi.Target {
	if host == "" {
		host = s.Addr()
		if host == "" {
			host = s.cfg.Addr
		}
	}
	t := openapi.Target{Variant: variant}
	if name == ControlDoc {
		t.Bases = []string{"http://" + host}
		return t
	}
	t.Bases = []string{"http://" + host + "/" + name}
	own := s.VendorAddr(name)
	if own == "" {
		own = s.cfg.VendorAddrs[name]
	}
	if own != "" {
		t.Bases = append(t.Bases, "http://"+own)
	}
	return t
}

var errorSchema = openapi.Named("ControlError", openapi.Object(
	openapi.Field("error", openapi.String().Describe("what was wrong with the request")),
))

// controlError is an answer {"error":"…"} with status.
func controlErrorAnswer(status int, desc string) *openapi.Response {
	return openapi.JSONAnswer(status, desc, errorSchema)
}

// newControlDoc describes the control plane; its routes add the operations.
func (s *Server) newControlDoc() *openapi.Doc {
	return &openapi.Doc{
		Name:    ControlDoc,
		Title:   "vendoremu control plane",
		Version: s.cfg.Version,
		Description: "What a test needs that the real vendors do not offer: health, reset, seed, tenants, " +
			"state dumps, the request journal, fault injection, the emulator clock and the vendors' own helpers. " +
			"JSON in, JSON out; a request the emulator cannot use answers 400 `{\"error\":\"…\"}`.",
		Servers: []openapi.Server{{Description: "the shared listener"}},
		Schemes: []openapi.SecurityScheme{{
			Name: "adminToken", Type: "http", Scheme: "bearer",
			Description: "Required on everything but the health check when EMULATOR_ADMIN_TOKEN is set; " +
				"without it the control plane answers only loopback (or EMULATOR_ALLOWED_HOSTS) hosts and no other site's pages.",
		}},
		Security: []openapi.Requirement{{"adminToken"}, {}},
		Unmatched: []*openapi.Response{
			{Name: "NotFound", Status: http.StatusNotFound, Description: "no such control-plane path",
				Content: []openapi.Media{openapi.JSON(errorSchema)}},
		},
		Common: []*openapi.Response{
			controlErrorAnswer(http.StatusUnauthorized, "EMULATOR_ADMIN_TOKEN is set and the request lacks it"),
			controlErrorAnswer(http.StatusForbidden, "no admin token is set and the request's Host is not loopback or allowed, or its Origin is another site"),
			controlErrorAnswer(http.StatusInternalServerError, "a recovered panic (a bug: please report it)"),
		},
	}
}

// serveDocument is GET /_emulator/openapi/{file}: "<name>.json" or
// "<name>.yaml" (".yml"), with ?<variant parameter>= for a variant.
func (s *Server) serveDocument(c *gin.Context) {
	file := c.Param("file")
	name, ext, _ := strings.Cut(file, ".")
	doc := s.Document(name)
	if doc == nil || (ext != "json" && ext != "yaml" && ext != "yml") {
		names := []string{}
		for _, v := range s.Vendors() {
			names = append(names, v+".json")
		}
		emu.Abort(c, emu.NotFound("no document %q; documents: %s, %s.json (or .yaml)", file, strings.Join(names, ", "), ControlDoc))
		return
	}
	variant := ""
	if doc.VariantParam != "" {
		variant = c.Query(doc.VariantParam)
	}
	t := s.DocumentTarget(name, c.Request.Host, variant)
	var body []byte
	var err error
	ctype := "application/yaml; charset=utf-8"
	if ext == "json" {
		body, err = doc.JSON(t)
		ctype = wire.JSONType
	} else {
		body, err = doc.YAML(t)
	}
	if err != nil {
		if variant != "" {
			emu.Abort(c, emu.BadRequest("%v", err))
			return
		}
		s.controlError(c, err)
		return
	}
	wire.Bytes(c.Writer, http.StatusOK, ctype, body)
}

// checkLimit bounds the copy of a body kept for Config.Check.
const checkLimit = 64 << 20

// checkRecorder keeps what a handler wrote, for Config.Check.
type checkRecorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	cut    bool
}

func (w *checkRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *checkRecorder) Write(b []byte) (int, error) {
	w.keep(b)
	return w.ResponseWriter.Write(b)
}

func (w *checkRecorder) WriteString(s string) (int, error) {
	w.keep([]byte(s))
	return io.WriteString(w.ResponseWriter, s)
}

func (w *checkRecorder) keep(b []byte) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := checkLimit - w.buf.Len(); room < len(b) {
		b = b[:max(room, 0)]
		w.cut = true
	}
	w.buf.Write(b)
}

func (w *checkRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *checkRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *checkRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errAfter is a reader that fails with err once its data is read, so a
// body read ahead for Config.Check fails the handler's read the same way.
type errAfter struct {
	r   io.Reader
	err error
}

func (e errAfter) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) && e.err != nil {
		return n, e.err
	}
	return n, err
}

// checked serves r with serve and hands the exchange to Config.Check,
// unless an injected fault answered it (its answer is the test's own, not
// the document's). x is the vendor exchange (nil for the control plane).
// Only called with Check set, so serving without it keeps no copy of
// anything.
func (s *Server) checked(w http.ResponseWriter, r *http.Request, doc string, x *emu.Exchange,
	serve func(http.ResponseWriter, *http.Request)) {
	ex := openapi.Exchange{Doc: doc, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()}
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(io.LimitReader(r.Body, checkLimit))
		ex.Body = body
		var rest io.Reader = bytes.NewReader(nil)
		if err == nil && len(body) == checkLimit {
			ex.BodyCut = true
			rest = r.Body
		}
		r.Body = readCloser{errAfter{io.MultiReader(bytes.NewReader(body), rest), err}, r.Body}
	}
	r, variant := openapi.WithVariant(r)
	rec := &checkRecorder{ResponseWriter: w}
	serve(rec, r)
	if x != nil {
		if x.Fault != 0 {
			return
		}
		ex.Tenant = x.Tenant
	}
	ex.Variant = variant()
	ex.Status = rec.status
	if ex.Status == 0 {
		ex.Status = http.StatusOK
	}
	ex.ResponseHeader = rec.Header().Clone()
	ex.ResponseBody = rec.buf.Bytes()
	ex.ResponseCut = rec.cut
	s.cfg.Check(ex)
}
