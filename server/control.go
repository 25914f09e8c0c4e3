package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/faults"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// maxControlBody bounds control-plane request bodies (seed documents are
// the large ones).
const maxControlBody = 64 << 20

// controlEngine builds /_emulator/*.
func (s *Server) controlEngine() *gin.Engine {
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	// ContextWithFallback stays off: handlers pass the *gin.Context to the
	// store as a context, and gin recycles it after the request while
	// database/sql may still look at it; without the fallback it never
	// reads the recycled request.
	e.Use(s.controlRecover, s.adminAuth)
	e.NoRoute(func(c *gin.Context) {
		c.JSON(http.StatusNotFound, gin.H{"error": "not found: " + c.Request.Method + " " + c.Request.URL.Path})
	})
	s.controlDoc = s.newControlDoc()
	g := openapi.NewRouter(e, s.controlDoc).Group("/_emulator")
	g.GET("", pageOp, s.page)
	g.GET("/console/*file", consoleAssetOp, s.consoleAsset)
	g.POST("/login", loginOp, s.login)
	g.POST("/logout", logoutOp, s.logout)
	g.GET("/health", healthOp, s.health)
	g.POST("/reset", resetOp, s.reset)
	g.POST("/seed", seedOp, s.seed)
	g.GET("/state/:vendor", stateOp, s.state)
	g.GET("/requests", listRequestsOp, s.listRequests)
	g.DELETE("/requests", clearRequestsOp, s.clearRequests)
	g.GET("/faults", listFaultsOp, s.listFaults)
	g.POST("/faults", addFaultOp, s.addFault)
	g.DELETE("/faults", clearFaultsOp, s.clearFaults)
	g.DELETE("/faults/:id", deleteFaultOp, s.deleteFault)
	g.GET("/clock", getClockOp, s.getClock)
	g.POST("/clock", setClockOp, s.setClock)
	g.GET("/snapshots", listSnapshotsOp, s.listSnapshots)
	g.POST("/snapshots", saveSnapshotOp, s.saveSnapshot)
	g.POST("/snapshots/:name/restore", restoreSnapshotOp, s.restoreSnapshot)
	g.DELETE("/snapshots/:name", deleteSnapshotOp, s.deleteSnapshot)
	g.GET("/openapi/:file", documentOp, s.serveDocument)
	for _, v := range s.vendors {
		vg := g.Group("/" + v.Name())
		body, answer := v.TenantSchemas()
		vg.POST("/tenants", tenantsOp(v.Name(), body, answer), s.createTenant(v))
		v.Control(vg)
	}
	return e
}

func (s *Server) controlRecover(c *gin.Context) {
	defer func() {
		if rec := recover(); rec != nil {
			s.log.Error("panic in the control plane (a bug: please report it)",
				"method", c.Request.Method, "path", c.Request.URL.Path, "panic", rec, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
			}
		}
	}()
	c.Next()
}

// adminAuth guards the control plane, except the health check (container
// health checks and wait strategies have no token, and health tells nothing
// about the data) and the OpenAPI documents (which hold none either). With an admin token configured, the token is required.
// Without one, the control plane must not be drivable by a web page the
// developer happens to visit: a request whose Origin is another site is
// refused (a page's cross-site fetch or form post carries its Origin), and
// so is a request whose Host is not loopback or allowed (a DNS-rebinding
// page reaches 127.0.0.1 under its own name, and its Host header says so).
// Requests without an Origin — curl, SDKs, test code — pass as before,
// whatever their Content-Type. With an admin token, the console's login
// cookie counts like the Bearer header (see sessionAuth), and the console's
// page, assets, login and logout need neither. The Host and Origin checks guard the
// listeners the server opens (what a browser can reach); the Handler
// mounted in-process, as with httptest, has no browser in front of it.
func (s *Server) adminAuth(c *gin.Context) {
	// The health check and the OpenAPI documents hold no data; tools
	// (health checks, Prism, client generators) fetch them without a token.
	if c.Request.URL.Path == "/_emulator/health" || strings.HasPrefix(c.Request.URL.Path, "/_emulator/openapi/") {
		return
	}
	if s.cfg.AdminToken == "" {
		if c.Request.Context().Value(networkKey{}) == nil {
			return
		}
		if !s.hostAllowed(c.Request.Host) {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": fmt.Sprintf(
				"the control plane answers only requests to a loopback host while no admin token is set, not to %q: "+
					"add it to EMULATOR_ALLOWED_HOSTS, or set EMULATOR_ADMIN_TOKEN", c.Request.Host)})
			return
		}
		if origin := c.GetHeader("Origin"); origin != "" && !sameOrigin(origin, c.Request.Host) {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": fmt.Sprintf(
				"the control plane refuses requests from another site's page (Origin %q) while no admin token is set", origin)})
			return
		}
		return
	}
	if consolePublic(c.Request.URL.Path) || s.sessionAuth(c) {
		return
	}
	auth := c.GetHeader("Authorization")
	scheme, token, _ := strings.Cut(strings.TrimSpace(auth), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "bearer") ||
		subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="vendoremu"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "the control plane needs Authorization: Bearer <EMULATOR_ADMIN_TOKEN>"})
	}
}

// hostAllowed reports whether a Host header names this machine's loopback
// (localhost, *.localhost), is an IP address, or is a host the user allowed:
// an allowed "name" matches any port, "name:port" only that port, "*"
// everything.
func (s *Server) hostAllowed(host string) bool {
	host = strings.ToLower(host)
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.Trim(name, "[]"), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	// An IP literal cannot be a DNS-rebinding page's Host (that page is
	// served under its own name), so the container's or the docker host's
	// address works as Testcontainers and CI services reach it. The
	// unspecified address is no address a client meant to reach.
	if ip, err := netip.ParseAddr(name); err == nil {
		return !ip.Unmap().IsUnspecified()
	}
	for _, a := range s.cfg.AllowedHosts {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "*" || a == host || a == name {
			return true
		}
	}
	return false
}

// sameOrigin reports whether origin is the emulator's own, as reached
// under host (the page at /_emulator/ posting to its own control plane).
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // includes "null": sandboxed frames, file: pages
	}
	return strings.EqualFold(u.Host, host)
}

func (s *Server) health(c *gin.Context) {
	wire.JSON(c.Writer, http.StatusOK, wire.Obj("status", "ok", "version", s.cfg.Version, "vendors", s.Vendors()))
}

// readBody reads a control-plane body, or answers 400 and returns false.
func readBody(c *gin.Context) ([]byte, bool) {
	if c.Request.Body == nil {
		return nil, true
	}
	b, err := io.ReadAll(io.LimitReader(c.Request.Body, maxControlBody+1))
	if err != nil {
		emu.Abort(c, emu.BadRequest("cannot read body: %v", err))
		return nil, false
	}
	if len(b) > maxControlBody {
		emu.Abort(c, &emu.Error{Status: http.StatusRequestEntityTooLarge, Message: "body too large"})
		return nil, false
	}
	return b, true
}

func (s *Server) vendorNamed(c *gin.Context, name string) (emu.Vendor, bool) {
	if m, ok := s.byName[name]; ok {
		return m.vendor, true
	}
	emu.Abort(c, s.unknownVendor(name))
	return nil, false
}

// reset is POST /_emulator/reset[?vendor=V[&tenant=T]].
func (s *Server) reset(c *gin.Context) {
	vendorName, tenant := c.Query("vendor"), c.Query("tenant")
	if err := s.Reset(c, vendorName, tenant); err != nil {
		s.controlError(c, err)
		return
	}
	out := gin.H{"status": "ok"}
	if vendorName != "" {
		out["vendor"] = vendorName
	}
	if tenant != "" {
		out["tenant"] = tenant
	}
	c.JSON(http.StatusOK, out)
}

// Reset wipes and re-seeds. With no vendor it resets everything: every
// vendor's data back to its defaults, the journal and the faults emptied.
// With a vendor, only that vendor's data; with a tenant too, only that
// tenant's data (its credentials stay). The tenants reset lose their own
// clocks; the emulator clock is left alone.
func (s *Server) Reset(ctx context.Context, vendorName, tenant string) error {
	if tenant != "" && vendorName == "" {
		return emu.BadRequest("tenant needs vendor: POST /_emulator/reset?vendor=V&tenant=T")
	}
	targets := s.vendors
	if vendorName != "" {
		m, ok := s.byName[vendorName]
		if !ok {
			return s.unknownVendor(vendorName)
		}
		targets = []emu.Vendor{m.vendor}
	}
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		if tenant != "" {
			return targets[0].ResetTenant(tx, tenant)
		}
		for _, v := range targets {
			if err := tx.ClearVendor(v.Name()); err != nil {
				return err
			}
			if err := v.Defaults(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, store.ErrNoTenant) {
		return emu.NotFound("unknown tenant %q of %s", tenant, vendorName)
	}
	if err != nil {
		return err
	}
	// The tenants reset lose their own clocks; the emulator clock stays.
	switch {
	case tenant != "":
		s.clock.ReleaseTenant(vendorName, tenant)
	case vendorName != "":
		s.clock.ReleaseVendor(vendorName)
	default:
		s.clock.ReleaseTenants()
		s.journal.Clear()
		s.faults.Clear()
	}
	return nil
}

func (s *Server) unknownVendor(name string) error {
	return emu.BadRequest("unknown vendor %q (known: %s)", name, strings.Join(s.Vendors(), ", "))
}

// controlError answers err; an unexpected one is logged and answered 500.
func (s *Server) controlError(c *gin.Context, err error) {
	status, _ := emu.ErrorStatus(err)
	if status == http.StatusInternalServerError {
		s.log.Error("control plane", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	emu.Abort(c, err)
}

func (s *Server) seed(c *gin.Context) {
	body, ok := readBody(c)
	if !ok {
		return
	}
	loaded, err := seed.Load(c, s.store, s.vendors, body)
	if err != nil {
		s.controlError(c, err)
		return
	}
	if loaded == nil {
		loaded = []string{}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "vendors": loaded})
}

func (s *Server) createTenant(v emu.Vendor) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, ok := readBody(c)
		if !ok {
			return
		}
		out, err := s.newTenant(c, v, body)
		if err != nil {
			s.controlError(c, err)
			return
		}
		c.JSON(http.StatusCreated, out)
	}
}

// CreateTenant creates a tenant of a vendor as POST
// /_emulator/<vendor>/tenants does with body (empty for the defaults) and
// returns the answer's JSON, or the vendor's error (a duplicate, a bad
// body) as the route answers it. An unknown vendor is a bad request here
// (the route is simply not found), and the body has no size limit.
// In-process harnesses call it directly, as they call Reset: a test's own
// tenant then costs no loopback exchange.
func (s *Server) CreateTenant(ctx context.Context, vendorName string, body []byte) ([]byte, error) {
	m, ok := s.byName[vendorName]
	if !ok {
		return nil, s.unknownVendor(vendorName)
	}
	out, err := s.newTenant(ctx, m.vendor, body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// newTenant creates a tenant of v in a write transaction of its own.
func (s *Server) newTenant(ctx context.Context, v emu.Vendor, body []byte) (any, error) {
	var out any
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = v.CreateTenant(tx, body)
		return err
	})
	return out, err
}

func (s *Server) state(c *gin.Context) {
	v, ok := s.vendorNamed(c, c.Param("vendor"))
	if !ok {
		return
	}
	tenant := c.Query("tenant")
	var out any
	err := s.store.Read(c, func(tx *store.Tx) error {
		var err error
		out, err = v.State(tx, tenant)
		return err
	})
	if err != nil {
		if errors.Is(err, store.ErrNoTenant) {
			emu.Abort(c, emu.NotFound("unknown tenant %q of %s", tenant, v.Name()))
			return
		}
		s.controlError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// Journal pages: a listing without limit gets DefaultPage entries, and no
// listing more than MaxPage, so that one answer stays a few hundred MB at
// worst instead of the whole journal.
const (
	DefaultPage = 100
	MaxPage     = 1000
)

// listRequests is GET /_emulator/requests: one page of the journal, newest
// first. When older matching entries exist, "next_before" is the cursor
// for the next page (?before=<next_before>).
func (s *Server) listRequests(c *gin.Context) {
	f := journal.Filter{
		Vendor: c.Query("vendor"),
		Method: c.Query("method"),
		Path:   c.Query("path"),
		Tenant: c.Query("tenant"),
		Limit:  DefaultPage,
	}
	if f.Vendor != "" {
		if _, ok := s.vendorNamed(c, f.Vendor); !ok {
			return
		}
	}
	if l, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxPage {
			emu.Abort(c, emu.BadRequest("limit must be an integer from 1 to %d, got %q", MaxPage, l))
			return
		}
		f.Limit = n
	}
	if b, ok := c.GetQuery("before"); ok {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil || id < 1 {
			emu.Abort(c, emu.BadRequest("before must be an entry id (a positive integer), got %q", b))
			return
		}
		f.Before = id
	}
	if a, ok := c.GetQuery("after"); ok {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id < 0 {
			emu.Abort(c, emu.BadRequest("after must be an entry id (0 or a positive integer), got %q", a))
			return
		}
		f.After = id
	}
	if st, ok := c.GetQuery("status"); ok {
		lo, hi, ok := statusRange(st)
		if !ok {
			emu.Abort(c, emu.BadRequest("status must be a status (404) or a class (4xx), got %q", st))
			return
		}
		f.StatusMin, f.StatusMax = lo, hi
	}
	page := f.Limit
	f.Limit++ // one more tells whether an older page exists
	entries := s.journal.List(f)
	more := len(entries) > page
	if more {
		entries = entries[:page]
	}
	// Written entry by entry: a page of large exchanges is never built
	// twice in memory.
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Status(http.StatusOK)
	w := c.Writer
	_, _ = w.WriteString(`{"requests":[`)
	for i := range entries {
		b, err := json.Marshal(&entries[i])
		if err != nil {
			// Entries hold strings and numbers only; this cannot happen.
			s.log.Error("journal entry cannot be encoded", "id", entries[i].ID, "err", err)
			b = []byte("null")
		}
		if i > 0 {
			_, _ = w.WriteString(",")
		}
		_, _ = w.Write(b)
	}
	_, _ = w.WriteString("]")
	if more {
		_, _ = w.WriteString(`,"next_before":` + strconv.FormatInt(entries[len(entries)-1].ID, 10))
	}
	_, _ = w.WriteString("}")
}

// statusRange reads a journal status filter: "404" or a class "4xx".
func statusRange(s string) (lo, hi int, ok bool) {
	if len(s) == 3 && (s[1:] == "xx" || s[1:] == "XX") && s[0] >= '1' && s[0] <= '5' {
		lo = int(s[0]-'0') * 100
		return lo, lo + 99, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 {
		return 0, 0, false
	}
	return n, n, true
}

func (s *Server) clearRequests(c *gin.Context) {
	s.journal.Clear()
	c.Status(http.StatusNoContent)
}

func (s *Server) listFaults(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"faults": s.faults.List()})
}

func (s *Server) addFault(c *gin.Context) {
	body, ok := readBody(c)
	if !ok {
		return
	}
	var in struct {
		Vendor      string `json:"vendor"`
		Tenant      string `json:"tenant"`
		Method      string `json:"method"`
		Path        string `json:"path"`
		Status      int    `json:"status"`
		Body        string `json:"body"`
		ContentType string `json:"content_type"`
		DelayMS     int64  `json:"delay_ms"`
		JitterMS    int64  `json:"jitter_ms"`
		Fault       string `json:"fault"`
		Times       int64  `json:"times"`
	}
	if len(bytes.TrimSpace(body)) == 0 {
		emu.Abort(c, emu.BadRequest(`body must be a fault: {"vendor","tenant","method","path","status","body","content_type","delay_ms","jitter_ms","fault","times"}`))
		return
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		emu.Abort(c, err)
		return
	}
	if in.Vendor != "" && in.Vendor != "*" {
		if _, ok := s.vendorNamed(c, in.Vendor); !ok {
			return
		}
	}
	f := faults.Fault{
		Vendor: in.Vendor, Tenant: in.Tenant, Method: in.Method, Path: in.Path, Status: in.Status, Body: in.Body,
		ContentType: in.ContentType, DelayMS: in.DelayMS, JitterMS: in.JitterMS, Kind: in.Fault, Times: in.Times,
	}
	if err := f.Validate(); err != nil {
		emu.Abort(c, emu.BadRequest("%v", err))
		return
	}
	// A fault for a tenant that does not exist would never fire: a typo
	// is better reported now than found as a test that passes for the
	// wrong reason.
	if in.Tenant != "" {
		if err := s.tenantExists(c, in.Vendor, in.Tenant); err != nil {
			s.controlError(c, err)
			return
		}
	}
	id, err := s.faults.Add(f)
	if err != nil {
		emu.Abort(c, emu.BadRequest("%v", err))
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": id})
}

func (s *Server) clearFaults(c *gin.Context) {
	s.faults.Clear()
	c.Status(http.StatusNoContent)
}

func (s *Server) deleteFault(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		emu.Abort(c, emu.BadRequest("fault id must be an integer"))
		return
	}
	if !s.faults.Delete(id) {
		emu.Abort(c, emu.NotFound("no fault %d", id))
		return
	}
	c.Status(http.StatusNoContent)
}
