// Package twipla emulates the TWIPLA 3AS ("analytics as a service") partner
// API as ../shared/api/twipla.md specifies: integration partners (INTPs)
// authenticate with RS256 JWTs they sign themselves, and manage customers,
// websites, packages and the two subscription models; websites' API keys
// open a read-only analytics API.
package twipla

import (
	_ "embed"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/wire"
)

// Name is the vendor's prefix and control-plane name.
const Name = "twipla"

// DefaultTenant is the seeded website-model INTP, the document's sample intpId.
const DefaultTenant = "7128840a-5347-49a4-8dfa-9022d8dad21a"

// AccountTenant is the seeded intpc-model INTP (account subscriptions).
const AccountTenant = "c3a7f1e2-9b4d-4e6a-8f2c-5d1b0a9e7c34"

//go:embed schema.sql
var schema string

// Config is the vendor's own configuration.
type Config struct {
	// IgnoreExpiry skips the JWT exp check (EMULATOR_TWIPLA_IGNORE_EXPIRY=1).
	IgnoreExpiry bool
	// MoveErrors is the HTTP status of invalid subscription moves
	// (EMULATOR_TWIPLA_MOVE_ERRORS): 500, as the real API answers today (0
	// means the same), or 400, its announced behaviour. An INTP's own
	// moveErrors overrides it.
	MoveErrors int
}

// Emulator is the twipla vendor.
type Emulator struct {
	deps emu.Deps
	cfg  Config
	keys *keyring
}

// New returns the factory the server builds the vendor with.
func New(cfg Config) emu.Factory {
	return func(d emu.Deps) (emu.Vendor, error) {
		switch cfg.MoveErrors {
		case 0, http.StatusBadRequest, http.StatusInternalServerError:
		default:
			return nil, fmt.Errorf("twipla: MoveErrors must be 400 or 500, got %d", cfg.MoveErrors)
		}
		keys, err := newKeyring(seed.TwiplaTestPrivateKeyPEM)
		if err != nil {
			return nil, err
		}
		// Authentication remembers INTPs (auth.go).
		if d.Store != nil {
			d.Store.Watch("twipla_intps")
		}
		return &Emulator{deps: d, cfg: cfg, keys: keys}, nil
	}
}

// Name implements emu.Vendor.
func (e *Emulator) Name() string { return Name }

// Schema implements emu.Vendor.
func (e *Emulator) Schema() string { return schema }

// InternalError implements emu.Vendor: a recovered panic in TWIPLA's
// error shape.
func (e *Emulator) InternalError(c *gin.Context) {
	wire.JSON(c.Writer, http.StatusInternalServerError,
		errorBody(&apiError{http.StatusInternalServerError, kindInternal, "internal server error"}))
}
