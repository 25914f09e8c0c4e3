// Package hitsteps emulates the Hitsteps white-label reseller API as
// ../shared/api/hitsteps.md specifies: 22 form-encoded calls under
// /api/whitelabel/, authenticated by a whitelabel token, each answered with
// HTTP 200 and Hitsteps' {"error":N,…} envelope in its own key order and
// JSON types.
//
// A tenant is a reseller's main account (its key is the main account
// number); its whitelabels, accounts, websites, visit records, tokens and
// invoices belong to it. Ids are global sequences shared by all tenants.
package hitsteps

import (
	_ "embed"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
)

// Name is the vendor's prefix and control-plane name.
const Name = "hitsteps"

// DefaultTenant is the key of the tenant the document's samples use: main
// account 1234.
const DefaultTenant = "1234"

//go:embed schema.sql
var schema string

// Config is the vendor's own configuration. Hitsteps has none yet.
type Config struct {
}

// Emulator is the hitsteps vendor.
type Emulator struct {
	deps emu.Deps
	cfg  Config
	// defaults is the default tenant, parsed once from defaults.json.
	defaults seedTenant
}

// New returns the factory the server builds the vendor with.
func New(cfg Config) emu.Factory {
	return func(d emu.Deps) (emu.Vendor, error) {
		defaults, err := parseDefaults()
		if err != nil {
			return nil, err
		}
		// Authentication reads what a token names, and the whitelabel it
		// names, through the store's credential cache (see authenticate).
		if d.Store != nil {
			d.Store.Watch("hitsteps_tokens", "hitsteps_whitelabels")
		}
		return &Emulator{deps: d, cfg: cfg, defaults: defaults}, nil
	}
}

// Name implements emu.Vendor.
func (e *Emulator) Name() string { return Name }

// Schema implements emu.Vendor.
func (e *Emulator) Schema() string { return schema }

// InternalError implements emu.Vendor.
func (e *Emulator) InternalError(c *gin.Context) { writeError(c, errInternal) }
