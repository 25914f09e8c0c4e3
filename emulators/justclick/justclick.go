// Package justclick emulates the JustClick API as ../shared/api/justclick.md
// specifies: named functions POSTed as PHP forms, signed with an md5 hash
// over the form, the account's login and its secret key, answered with a
// JSON envelope that is hashed back. The account is named by the first
// label of the Host header (LOGIN.justclick.io) or by the emulator's path
// form /u/LOGIN/api/….
package justclick

import (
	"context"
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/wire"
)

// Name is the vendor's prefix and control-plane name.
const Name = "justclick"

// DefaultTenant is the login of the account the document's samples use.
const DefaultTenant = "username"

// DefaultSecret is DefaultTenant's API key (user_rps_key), as in the
// document's sample.
const DefaultSecret = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

//go:embed schema.sql
var schema string

// Config is the vendor's own configuration.
type Config struct {
	// IPLimit is the AddLeadToGroup opt-in limit per client IP; 0 is off
	// (EMULATOR_JUSTCLICK_IP_LIMIT).
	IPLimit int
}

// Emulator is the justclick vendor.
type Emulator struct {
	deps emu.Deps
	cfg  Config
}

// New returns the factory the server builds the vendor with.
func New(cfg Config) emu.Factory {
	return func(d emu.Deps) (emu.Vendor, error) {
		// Authentication reads the account through the store's credential
		// cache (see loadAccount).
		if d.Store != nil {
			d.Store.Watch("justclick_account")
		}
		return &Emulator{deps: d, cfg: cfg}, nil
	}
}

// Name implements emu.Vendor.
func (e *Emulator) Name() string { return Name }

// Schema implements emu.Vendor.
func (e *Emulator) Schema() string { return schema }

// InternalError implements emu.Vendor: the vendor's PHP shows a bare
// server error page.
func (e *Emulator) InternalError(c *gin.Context) {
	wire.Text(c.Writer, http.StatusInternalServerError, "Internal Server Error")
}

// WaitCallbacks blocks until every order callback started so far has been
// delivered (or has failed) and journaled. Tests call it before they look
// at the journal or end.
func (e *Emulator) WaitCallbacks() { _ = e.deps.Outbound.Wait(context.Background()) }
