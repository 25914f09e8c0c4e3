// Package emulatortest runs a whole vendoremu emulator inside a Go test: all
// five vendors on a free loopback port with an in-memory database, stopped
// when the test ends. Every exchange is checked against the emulator's
// OpenAPI documents (GET /_emulator/openapi/<vendor>.json): a request with a
// parameter the document does not list, answered as a success, fails the
// test (see WithoutOpenAPICheck).
//
//	emu := emulatortest.Start(t)
//	client := keitaro.NewClient(emu.Keitaro+"/admin_api/v1", "your-api-key")
package emulatortest

import (
	"context"
	"testing"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
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
	// returns to the wall clock.
	Clock *store.Clock
	// Journal holds the exchanges with the vendors, newest first.
	Journal *journal.Journal
	// Server is the server itself.
	Server *server.Server

	t testing.TB
}

// Option changes how the emulator is started.
type Option func(*settings)

type settings struct {
	vendors emulators.Config
	seed    string
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

// WithoutOpenAPICheck turns off checking the exchanges against the OpenAPI
// documents, for a client that sends parameters the vendor ignores and the
// documents do not list.
func WithoutOpenAPICheck() Option {
	return func(s *settings) { s.noCheck = true }
}

// Start runs an emulator until t ends.
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	var set settings
	for _, o := range opts {
		o(&set)
	}
	cfg := server.Config{
		Vendors:  emulators.All(set.vendors),
		SeedFile: set.seed,
	}
	if set.noCheck {
		cfg.Check = vtest.NoCheck
	}
	srv := vtest.Start(t, cfg)
	return &Emulator{
		URL:        srv.URL,
		Hitsteps:   srv.URL + "/hitsteps",
		MouseStats: srv.URL + "/mousestats",
		Keitaro:    srv.URL + "/keitaro",
		JustClick:  srv.URL + "/justclick",
		Twipla:     srv.URL + "/twipla",
		Clock:      srv.Clock(),
		Journal:    srv.Journal(),
		Server:     srv.Server,
		t:          t,
	}
}

// Reset wipes every vendor's data, re-seeds the defaults and empties the
// journal and the faults, like POST /_emulator/reset.
func (e *Emulator) Reset() {
	e.t.Helper()
	if err := e.Server.Reset(context.Background(), "", ""); err != nil {
		e.t.Fatalf("emulatortest: reset: %v", err)
	}
}

// ResetTenant restores one tenant of one vendor, like
// POST /_emulator/reset?vendor=V&tenant=T.
func (e *Emulator) ResetTenant(vendor, tenant string) {
	e.t.Helper()
	if err := e.Server.Reset(context.Background(), vendor, tenant); err != nil {
		e.t.Fatalf("emulatortest: reset %s tenant %s: %v", vendor, tenant, err)
	}
}
