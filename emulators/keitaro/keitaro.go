// Package keitaro emulates the Keitaro Admin API v1 as
// ../shared/api/keitaro.md specifies: affiliate networks, campaigns,
// streams, offers, landing pages (with the file editor), traffic sources,
// groups, domains, users, integrations, the bot list, the logs and the
// reports over recorded clicks and conversions, per API key, in the
// document's classic answer dialect or the newer tracker's modern one; and
// the tracker's public side, where visitors' clicks and affiliate networks'
// postbacks are recorded and S2S postbacks are sent on.
package keitaro

import (
	_ "embed"
	"fmt"
	"log/slog"

	"github.com/gin-gonic/gin"

	// Tenant and request timezones are IANA names; the emulator must know
	// them on hosts without a zone database.
	_ "time/tzdata"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/outbound"
)

// Name is the vendor's prefix and control-plane name.
const Name = "keitaro"

// DefaultTenant is the API key of the tenant the document's samples use.
const DefaultTenant = "your-api-key"

//go:embed schema.sql
var schema string

// Config is the vendor's own configuration.
type Config struct {
	// Dialect is the default answer dialect: "classic" (the document's
	// shapes, also when empty) or "modern". Tenants may override it.
	Dialect string
}

// Emulator is the keitaro vendor.
type Emulator struct {
	deps    emu.Deps
	dialect dialect // the global dialect
}

// New returns the factory the server builds the vendor with. A dialect
// other than "", "classic" and "modern" is an error, so the emulator
// refuses to start.
func New(cfg Config) emu.Factory {
	return func(d emu.Deps) (emu.Vendor, error) {
		dl, err := parseDialect(cfg.Dialect)
		if err != nil {
			return nil, fmt.Errorf("EMULATOR_KEITARO_DIALECT: %w", err)
		}
		if d.Log == nil {
			d.Log = slog.New(slog.DiscardHandler)
		}
		if d.Outbound == nil {
			d.Outbound = outbound.New(nil, d.Log, outbound.Options{})
		}
		// Authentication remembers tenants with their settings (auth.go).
		if d.Store != nil {
			d.Store.Watch("keitaro_tenant_settings")
		}
		return &Emulator{deps: d, dialect: dl}, nil
	}
}

// Name implements emu.Vendor.
func (e *Emulator) Name() string { return Name }

// Schema implements emu.Vendor.
func (e *Emulator) Schema() string { return schema }

// InternalError implements emu.Vendor: a recovered panic (a bug) is
// answered in the Admin API's error shape.
func (e *Emulator) InternalError(c *gin.Context) {
	internalError(c)
}

// Control implements emu.Vendor; see control.go.
func (e *Emulator) Control(r *openapi.Router) { e.control(r) }
