// Package mousestats emulates the MouseStats reseller API as
// ../shared/api/mousestats.md specifies: a white-label partner creates
// customer accounts (CreateAccount), reads their plan and usage (GetAccount)
// and signs them into the panel with a one-time token (GenerateLoginToken,
// then the browser opens doLogin).
//
// Every tenant is one partner, keyed by its _partnerId (case-sensitive).
// Business outcomes are HTTP 200 with a raw text answer ("ok",
// "permission-denied", a token, …); only GetAccount answers JSON.
package mousestats

import (
	_ "embed"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/wire"
)

// Name is the vendor's prefix and control-plane name.
const Name = "mousestats"

// The default tenant and account: the document's own samples.
const (
	// DefaultTenant is the _partnerId of the document's samples.
	DefaultTenant = "partnername"
	// DefaultSecret is the _partnerSecret of the document's samples.
	DefaultSecret = "bvdj436hdas"
	// DefaultEmail is the customer account of the document's samples.
	DefaultEmail = "test@example.com"
	// DefaultPassword is that account's password.
	DefaultPassword = "thePass36"
)

//go:embed schema.sql
var schema string

// Config is the vendor's own configuration. MouseStats has no options.
type Config struct{}

// Emulator is the mousestats vendor.
type Emulator struct {
	deps emu.Deps
	// functions are the handlers of /api/<function>, keyed by the lower-cased
	// function name (names match case-insensitively).
	functions map[string]gin.HandlerFunc
}

// New returns the factory the server builds the vendor with.
func New(Config) emu.Factory {
	return func(d emu.Deps) (emu.Vendor, error) {
		// Authentication reads the partner's secret through the store's
		// credential cache (see partnerSecret).
		if d.Store != nil {
			d.Store.Watch("mousestats_partners")
		}
		e := &Emulator{deps: d, functions: map[string]gin.HandlerFunc{}}
		for _, f := range e.apiFunctions() {
			e.functions[strings.ToLower(f.name)] = f.handle
		}
		return e, nil
	}
}

// Name implements emu.Vendor.
func (e *Emulator) Name() string { return Name }

// Schema implements emu.Vendor.
func (e *Emulator) Schema() string { return schema }

// InternalError implements emu.Vendor: a recovered panic answers the
// raw text "server-error".
func (e *Emulator) InternalError(c *gin.Context) {
	wire.Text(c.Writer, http.StatusInternalServerError, answerServerError)
}
