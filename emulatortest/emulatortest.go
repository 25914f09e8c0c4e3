// Package emulatortest runs a whole vendoremu emulator inside a Go test: all
// five vendors on a free loopback port with an in-memory database. Every
// exchange is checked against the emulator's OpenAPI documents
// (GET /_emulator/openapi/<vendor>.json): an answer they do not describe,
// or a request with a parameter they do not list that the emulator
// accepted, fails the test (see WithoutOpenAPICheck).
//
// One emulator per test:
//
//	emu := emulatortest.Start(t) // stopped when the test ends
//	client := keitaro.NewClient(emu.Keitaro+"/admin_api/v1", "your-api-key")
//
// One emulator per test binary, each parallel test in a tenant of its own:
//
//	func TestMain(m *testing.M) { os.Exit(emulatortest.Main(m)) }
//
//	func TestCheckout(t *testing.T) {
//		t.Parallel()
//		emu := emulatortest.Shared(t)
//		k := emu.NewKeitaroTenant() // its own data, clock and faults
//		…
//	}
//
// vendoremu needs cgo (SQLite): with CGO_ENABLED=0 the build fails with
// "undefined: vendoremu_needs_cgo__set_CGO_ENABLED_1_and_install_gcc".
package emulatortest

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// Emulator is a running emulator.
type Emulator struct {
	// URL is the shared listener, e.g. "http://127.0.0.1:40123"; the control
	// plane is under URL+"/_emulator/".
	URL string
	// Base URLs of the vendors (URL + "/<vendor>"): point a client here.
	Hitsteps, MouseStats, Keitaro, JustClick, Twipla string
	// Clock is the emulator clock: Set freezes it, Advance moves it on, Real
	// returns to the wall clock. It is every tenant's without a clock of its
	// own (see FreezeTenantClock).
	Clock *store.Clock
	// Journal holds the exchanges with the vendors, newest first.
	Journal *journal.Journal
	// Server is the server itself.
	Server *server.Server

	// client sends the helpers' control-plane requests. It keeps a
	// connection per test running in parallel: http.DefaultClient keeps
	// two, and parallel tests would dial (and leave in TIME_WAIT) a new
	// one for most of their helpers' requests.
	client *http.Client

	// t is the test a helper fails; nil for an emulator from New, whose
	// helpers panic instead.
	t testing.TB
	// check validates the exchanges against the OpenAPI documents (nil:
	// off).
	check *vtest.Checker
	// twiplaTestKey is the built-in TWIPLA key parsed, once: every
	// NewTwiplaTenant holds it, and parsing (and checking) a 2048-bit RSA
	// key took a fifth of a TWIPLA tenant's creation.
	twiplaTestKey func() (*rsa.PrivateKey, error)
}

// Option changes how the emulator is started.
type Option func(*settings)

type settings struct {
	vendors emulators.Config
	seed    string
	db      string
	noCheck bool
}

// WithVendorConfig sets the vendors' own configuration (the Keitaro
// dialect, the TWIPLA expiry switch, …).
func WithVendorConfig(cfg emulators.Config) Option {
	return func(s *settings) { s.vendors = cfg }
}

// WithSeedFile loads a seed document at start, as EMULATOR_SEED does.
func WithSeedFile(path string) Option {
	return func(s *settings) { s.seed = path }
}

// WithDatabase keeps the data in a SQLite file instead of memory (its
// snapshots then go beside it).
func WithDatabase(path string) Option {
	return func(s *settings) { s.db = path }
}

// WithoutOpenAPICheck turns off checking the exchanges against the OpenAPI
// documents, for a client that sends parameters the vendor ignores and the
// documents do not list.
func WithoutOpenAPICheck() Option {
	return func(s *settings) { s.noCheck = true }
}

// New starts an emulator outside a test (TestMain, an example, a dev
// tool); Close stops it. Its helpers panic on failure, as there is no test
// to fail: within a test, use Start or Shared, or bind it with With.
func New(opts ...Option) (*Emulator, error) {
	var set settings
	for _, o := range opts {
		o(&set)
	}
	if set.db == "" {
		set.db = store.Memory
	}
	cfg := server.Config{
		Addr:     "127.0.0.1:0",
		DB:       set.db,
		Vendors:  emulators.All(set.vendors),
		SeedFile: set.seed,
	}
	var check *vtest.Checker
	if !set.noCheck {
		check = vtest.NewChecker()
		cfg.Check = check.Check
	}
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("emulatortest: %w", err)
	}
	if check != nil {
		if err := check.Use(srv.Documents()); err != nil {
			srv.Close()
			return nil, fmt.Errorf("emulatortest: the OpenAPI documents: %w", err)
		}
	}
	if err := srv.Start(); err != nil {
		srv.Close()
		return nil, fmt.Errorf("emulatortest: %w", err)
	}
	url := "http://" + srv.Addr()
	return &Emulator{
		URL:        url,
		Hitsteps:   url + "/hitsteps",
		MouseStats: url + "/mousestats",
		Keitaro:    url + "/keitaro",
		JustClick:  url + "/justclick",
		Twipla:     url + "/twipla",
		Clock:      srv.Clock(),
		Journal:    srv.Journal(),
		Server:     srv,
		client:     &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}},
		check:      check,
		twiplaTestKey: sync.OnceValues(func() (*rsa.PrivateKey, error) {
			return jwt.ParseRSAPrivateKeyFromPEM(seed.TwiplaTestPrivateKeyPEM)
		}),
	}, nil
}

// Close stops the emulator and closes its database.
func (e *Emulator) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.client.CloseIdleConnections()
	return e.Server.Shutdown(ctx)
}

// Start runs an emulator until t ends.
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	e, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("emulatortest: shutdown: %v", err)
		}
		e.check.Report(t)
	})
	return e.With(t)
}

// With returns the emulator with its helpers failing t: what Shared gives
// each test.
func (e *Emulator) With(t testing.TB) *Emulator {
	c := *e
	c.t = t
	return &c
}

// fail reports a helper's failure: the test fails, or without one the
// helper panics.
func (e *Emulator) fail(format string, args ...any) {
	if e.t != nil {
		e.t.Helper()
		e.t.Fatalf("emulatortest: "+format, args...)
	}
	panic(fmt.Sprintf("emulatortest: "+format, args...))
}

// Reset wipes every vendor's data, re-seeds the defaults and empties the
// journal and the faults, like POST /_emulator/reset. It is everyone's
// reset: tests that share an emulator reset their own tenants instead.
func (e *Emulator) Reset() {
	if e.t != nil {
		e.t.Helper()
	}
	if err := e.Server.Reset(context.Background(), "", ""); err != nil {
		e.fail("reset: %v", err)
	}
}

// ResetTenant restores one tenant of one vendor and releases its clock,
// like POST /_emulator/reset?vendor=V&tenant=T.
func (e *Emulator) ResetTenant(vendor, tenant string) {
	if e.t != nil {
		e.t.Helper()
	}
	if err := e.Server.Reset(context.Background(), vendor, tenant); err != nil {
		e.fail("reset %s tenant %s: %v", vendor, tenant, err)
	}
}
