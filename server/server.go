// Package server composes the vendor emulators and the control plane into
// one HTTP handler: every vendor under its prefix on the shared listener,
// optionally on a listener of its own, and /_emulator/* for tests.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/faults"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/outbound"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/store"
)

// Config is everything the server is built from. main fills it from flags
// and the environment; tests fill it directly.
type Config struct {
	// Addr is the shared listener ("127.0.0.1:8080"; port 0 picks one).
	Addr string
	// VendorAddrs gives vendors a listener of their own, serving their
	// routes without the prefix (vendor name → address).
	VendorAddrs map[string]string
	// DB is the SQLite file, or store.Memory.
	DB string
	// DBShared lets other processes open the DB file while the server
	// runs (see store.Options.Shared); by default it is locked for this
	// process alone.
	DBShared bool
	// SeedFile is a seed document applied at start, on top of the defaults,
	// once per database (see seed.Apply).
	SeedFile string
	// AdminToken, when set, is required as "Authorization: Bearer <token>"
	// on /_emulator/* (except the health check).
	AdminToken string
	// Version is reported by the health check.
	Version string
	// Journal bounds the request journal (zero fields: the defaults).
	Journal journal.Limits
	// Limits bound what one client can make the server hold (zero fields:
	// the defaults, see Limits).
	Limits Limits
	// AllowedHosts are Host names (or host:port) besides loopback under
	// which the control plane answers when no AdminToken is set; "*"
	// allows every host.
	AllowedHosts []string
	// Outbound configures the vendors' own deliveries (callbacks,
	// postbacks).
	Outbound outbound.Options
	// Clock is the emulator clock; nil means a new wall clock.
	Clock *store.Clock
	// Log receives the server's log lines; nil discards them.
	Log *slog.Logger
	// Vendors are the emulators to serve, in the order health lists them.
	Vendors []emu.Factory
	// Check, when set, receives every exchange with a vendor or the control
	// plane once it is answered, whole, for validation against the OpenAPI
	// documents (tests set it; exchanges an injected fault answered are
	// left out). Unset, the server keeps no copy of bodies for it.
	Check func(openapi.Exchange)
}

// Server is a built emulator: its store, vendors, journal, faults and
// handlers. Build it with New, then Start it (or mount Handler yourself).
type Server struct {
	cfg     Config
	limits  Limits
	log     *slog.Logger
	store   *store.Store
	clock   *store.Clock
	journal *journal.Journal
	faults  *faults.Table
	// outbound sends the vendors' callbacks and postbacks.
	outbound *outbound.Sender
	vendors  []emu.Vendor
	byName   map[string]*mounted
	control  *gin.Engine
	// controlDoc is the control plane's OpenAPI document.
	controlDoc *openapi.Doc
	handler    http.Handler

	info StartInfo
	// seeded is what the start-up seed (cfg.SeedFile) did.
	seeded seed.Report

	mu        sync.Mutex
	listeners map[string]net.Listener // "" = shared listener
	limiters  map[string]*connLimiter
	servers   []*http.Server
}

// mounted is a vendor with the handler that serves it and the document
// its routes were registered in.
type mounted struct {
	vendor  emu.Vendor
	handler *vendorHandler
	doc     *openapi.Doc
}

func init() {
	// gin's mode is process-wide; the emulator never wants debug output.
	gin.SetMode(gin.ReleaseMode)
}

// New opens the store, builds the vendors, applies their schemas, seeds the
// defaults of vendors whose tables are new, and loads cfg.SeedFile.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = store.NewClock(nil)
	}
	if cfg.DB == "" {
		cfg.DB = store.Memory
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{
		cfg:       cfg,
		log:       cfg.Log,
		clock:     cfg.Clock,
		journal:   journal.New(cfg.Journal),
		faults:    faults.NewTable(),
		byName:    map[string]*mounted{},
		listeners: map[string]net.Listener{},
		limiters:  map[string]*connLimiter{},
		limits:    cfg.Limits.withDefaults(),
	}
	st, err := store.OpenWith(cfg.DB, cfg.Clock, store.Options{Shared: cfg.DBShared})
	if err != nil {
		return nil, err
	}
	s.store = st
	if err := s.build(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) build(ctx context.Context) error {
	s.outbound = outbound.New(s.journal, s.log, s.cfg.Outbound)
	deps := emu.Deps{Store: s.store, Clock: s.clock, Journal: s.journal, Log: s.log, Outbound: s.outbound}
	var schemas []store.Schema
	for _, f := range s.cfg.Vendors {
		v, err := f(deps)
		if err != nil {
			return err
		}
		name := v.Name()
		if _, dup := s.byName[name]; dup || name == "_emulator" {
			return fmt.Errorf("vendor %q registered twice", name)
		}
		s.vendors = append(s.vendors, v)
		s.byName[name] = &mounted{vendor: v}
		schemas = append(schemas, store.Schema{Component: name, SQL: v.Schema()})
	}
	for name, addr := range s.cfg.VendorAddrs {
		if _, ok := s.byName[name]; !ok && addr != "" {
			return fmt.Errorf("listener for unknown vendor %q", name)
		}
	}
	migrations, err := s.store.Migrate(ctx, schemas)
	if err != nil {
		return err
	}
	err = s.store.Write(ctx, func(tx *store.Tx) error {
		for _, m := range migrations {
			if m.Replaced {
				s.log.Warn("database held another schema version; vendor data recreated", "vendor", m.Component)
			}
			if m.Fresh {
				if err := s.byName[m.Component].vendor.Defaults(tx); err != nil {
					return fmt.Errorf("%s defaults: %w", m.Component, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.cfg.SeedFile != "" {
		doc, err := os.ReadFile(s.cfg.SeedFile)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		// Applied once per database: a restart with the same document
		// keeps the data as the earlier starts and requests left it.
		recreated := map[string]bool{}
		for _, m := range migrations {
			recreated[m.Component] = m.Fresh
		}
		if s.seeded, err = seed.Apply(ctx, s.store, s.vendors, doc, recreated); err != nil {
			return fmt.Errorf("seed %s: %w", s.cfg.SeedFile, err)
		}
		s.info.Seed = s.seeded.String()
	}
	s.info.DB, s.info.DBCreated = s.store.Path(), s.store.Created()
	err = s.store.Read(ctx, func(tx *store.Tx) (err error) {
		s.info.Tenants, err = tx.CountTenants()
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range s.byName {
		engine, doc := s.vendorEngine(m.vendor)
		m.handler, m.doc = &vendorHandler{s: s, v: m.vendor, engine: engine}, doc
	}
	s.control = s.controlEngine()
	s.handler = http.HandlerFunc(s.dispatch)
	return nil
}

// StartInfo is what New found and did to the database, for the start-up
// summary.
type StartInfo struct {
	// DB is the database file, or store.Memory.
	DB string
	// DBCreated is true when the file was created by this start, false
	// when an existing database was reused (and for store.Memory).
	DBCreated bool
	// Tenants counts every vendor's tenants once defaults and seed are in.
	Tenants int
	// Seed is "" when no seed file was given, else what became of each of
	// its vendor sections ("hitsteps skipped, keitaro re-applied"; see
	// Server.Seeded for the tenants each touched).
	Seed string
}

// StartInfo reports what New found and did to the database.
func (s *Server) StartInfo() StartInfo { return s.info }

// Handler serves the shared listener: /_emulator/* and /<vendor>/*.
func (s *Server) Handler() http.Handler { return s.handler }

// VendorHandler serves one vendor's routes without prefix, as its own
// listener does. It is nil for an unknown vendor.
func (s *Server) VendorHandler(name string) http.Handler {
	m, ok := s.byName[name]
	if !ok {
		return nil
	}
	return normalize(m.handler)
}

// Vendors are the served vendors' names, in registration order.
func (s *Server) Vendors() []string {
	out := make([]string, len(s.vendors))
	for i, v := range s.vendors {
		out[i] = v.Name()
	}
	return out
}

// Seeded is what New did with cfg.SeedFile, per vendor section: applied,
// skipped (applied before, unchanged) or re-applied. It is empty without a
// seed file.
func (s *Server) Seeded() seed.Report { return s.seeded }

// Store is the server's database.
func (s *Server) Store() *store.Store { return s.store }

// Clock is the emulator clock.
func (s *Server) Clock() *store.Clock { return s.clock }

// Journal is the request journal.
func (s *Server) Journal() *journal.Journal { return s.journal }

// Outbound sends the vendors' own requests (callbacks, postbacks); tests
// Wait on it before they look at what was delivered.
func (s *Server) Outbound() *outbound.Sender { return s.outbound }

// Faults is the fault table.
func (s *Server) Faults() *faults.Table { return s.faults }

// dispatch routes a shared-listener request by its first path segment.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	p := cleanPath(r.URL.Path)
	first, rest := splitFirst(p)
	if first == "_emulator" {
		r.URL.Path, r.URL.RawPath = p, ""
		if s.cfg.Check != nil {
			s.checked(w, r, ControlDoc, nil, s.control.ServeHTTP)
			return
		}
		s.control.ServeHTTP(w, r)
		return
	}
	if m, ok := s.byName[first]; ok {
		r.URL.Path, r.URL.RawPath = rest, ""
		m.handler.serve(w, r, "/"+first)
		return
	}
	if p == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/_emulator/", http.StatusFound)
		return
	}
	names := s.Vendors()
	for i := range names {
		names[i] = "/" + names[i]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, `{"error":"no vendor at this path; vendors are served under %s, the control plane under /_emulator/"}`,
		strings.Join(names, ", "))
}

// splitFirst splits "/a/b/c" into "a" and "/b/c" ("/" when nothing follows).
func splitFirst(p string) (string, string) {
	p = strings.TrimPrefix(p, "/")
	first, rest, _ := strings.Cut(p, "/")
	return first, "/" + rest
}

// cleanPath collapses runs of "/" and drops one trailing "/", so that every
// route matches with or without a trailing slash and clients that join a
// base URL ending in "/" with a path starting with "/" still work.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if strings.Contains(p, "//") {
		var b strings.Builder
		b.Grow(len(p))
		prev := byte(0)
		for i := 0; i < len(p); i++ {
			if p[i] == '/' && prev == '/' {
				continue
			}
			prev = p[i]
			b.WriteByte(p[i])
		}
		p = b.String()
	}
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// normalize applies cleanPath before h, for a vendor's own listener.
func normalize(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path, r.URL.RawPath = cleanPath(r.URL.Path), ""
		h.ServeHTTP(w, r)
	})
}

// Start binds the shared listener and the vendors' own listeners and serves
// them in the background. It returns once every listener is bound.
func (s *Server) Start() error {
	type bind struct{ name, addr string }
	binds := []bind{{"", s.cfg.Addr}}
	var names []string
	for name, addr := range s.cfg.VendorAddrs {
		if addr != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		binds = append(binds, bind{n, s.cfg.VendorAddrs[n]})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range binds {
		ln, err := net.Listen("tcp", b.addr)
		if err != nil {
			for _, l := range s.listeners {
				l.Close()
			}
			return fmt.Errorf("listen %s: %w", b.addr, err)
		}
		lim := newConnLimiter(ln, s.limits.MaxConns)
		s.listeners[b.name] = ln
		s.limiters[b.name] = lim
		h := s.handler
		if b.name != "" {
			h = s.VendorHandler(b.name)
		}
		srv := &http.Server{
			Handler:           overflowGuard(h, s.limits.MaxConns, b.name == ""),
			MaxHeaderBytes:    s.limits.MaxHeaderBytes,
			ReadHeaderTimeout: s.limits.ReadHeaderTimeout,
			ReadTimeout:       s.limits.ReadTimeout,
			IdleTimeout:       s.limits.IdleTimeout,
			ConnState:         lim.connState,
			ConnContext:       lim.connContext,
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		}
		s.servers = append(s.servers, srv)
		if !isLoopback(ln.Addr()) && s.cfg.AdminToken == "" && b.name == "" {
			s.log.Warn("listening beyond loopback without EMULATOR_ADMIN_TOKEN: the control plane answers only requests to a loopback host or one in EMULATOR_ALLOWED_HOSTS, and anyone who can send those can reset and read the emulator", "addr", ln.Addr().String())
		}
		go func() {
			if err := srv.Serve(lim); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("serve", "addr", ln.Addr().String(), "err", err)
			}
		}()
	}
	return nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Addr is the bound address of the shared listener ("" before Start).
func (s *Server) Addr() string { return s.listenerAddr("") }

// VendorAddr is the bound address of a vendor's own listener, or "".
func (s *Server) VendorAddr(name string) string { return s.listenerAddr(name) }

func (s *Server) listenerAddr(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ln, ok := s.listeners[name]; ok {
		return ln.Addr().String()
	}
	return ""
}

// Shutdown stops accepting connections and lets in-flight requests and
// outbound deliveries finish until ctx ends. Then whatever still runs is
// cut short: open transactions are interrupted and rolled back (never
// half-written), connections closed, deliveries abandoned. Last, the
// database is checkpointed and closed. So Shutdown returns soon after ctx
// ends, however long a request's write would have taken.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	var wg sync.WaitGroup
	var errMu sync.Mutex
	for _, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Shutdown(ctx); err != nil {
				errMu.Lock()
				errs = append(errs, err)
				errMu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		s.log.Warn("shutdown: time is up; interrupting the requests still running (their writes roll back)")
		s.store.Interrupt()
		for _, srv := range servers {
			srv.Close()
		}
	}
	if err := s.outbound.Wait(ctx); err != nil {
		errs = append(errs, fmt.Errorf("outbound deliveries still running: %w", err))
		s.outbound.Cancel()
		// Cancelled deliveries end at once; their journaling is quick.
		short, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = s.outbound.Wait(short)
		cancel()
	}
	errs = append(errs, s.store.Close())
	return errors.Join(errs...)
}

// Close closes the database without serving; for a Server that was never
// started.
func (s *Server) Close() error { return s.store.Close() }
