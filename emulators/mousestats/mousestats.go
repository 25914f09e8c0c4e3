// Package mousestats emulates the MouseStats reseller API as ../shared/api/mousestats.md
// specifies. Its endpoints arrive with their own issue; until then the
// vendor is registered (health lists it) and answers every path with its 404.
package mousestats

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emulator"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Name is the vendor's prefix and control-plane name.
const Name = "mousestats"

// DefaultTenant is the key of the tenant the document's samples use.
const DefaultTenant = "partnername"

//go:embed schema.sql
var schema string

// Config is the vendor's own configuration.
type Config struct {
}

// Emulator is the mousestats vendor.
type Emulator struct {
	deps emulator.Deps
	cfg  Config
}

// New returns the factory the server builds the vendor with.
func New(cfg Config) emulator.Factory {
	return func(d emulator.Deps) (emulator.Vendor, error) {
		return &Emulator{deps: d, cfg: cfg}, nil
	}
}

// Name implements emulator.Vendor.
func (e *Emulator) Name() string { return Name }

// Schema implements emulator.Vendor.
func (e *Emulator) Schema() string { return schema }

// Routes implements emulator.Vendor.
func (e *Emulator) Routes(r *gin.Engine) {
	r.NoRoute(func(c *gin.Context) { c.Status(http.StatusNotFound) })
}

// Control implements emulator.Vendor.
func (e *Emulator) Control(g *gin.RouterGroup) {}

// InternalError implements emulator.Vendor.
func (e *Emulator) InternalError(c *gin.Context) {
	wire.Text(c.Writer, http.StatusInternalServerError, "server-error")
}

// Defaults implements emulator.Vendor.
func (e *Emulator) Defaults(tx *store.Tx) error {
	t, err := tx.CreateTenant(Name, DefaultTenant)
	if err != nil {
		return err
	}
	_, err = tx.Scope(t).Exec(`INSERT INTO mousestats_tenant_settings (tenant_id) VALUES (@tenant)`)
	return err
}

// ResetTenant implements emulator.Vendor.
func (e *Emulator) ResetTenant(tx *store.Tx, key string) error {
	t, err := tx.Tenant(Name, key)
	if err != nil {
		return err
	}
	return tx.ClearTenant(t, "mousestats_tenant_settings")
}

// CreateTenant implements emulator.Vendor.
func (e *Emulator) CreateTenant(tx *store.Tx, body []byte) (any, error) {
	return nil, &emulator.Error{Status: http.StatusNotImplemented, Message: "mousestats tenants arrive with the mousestats API"}
}

// LoadSeed implements emulator.Vendor.
func (e *Emulator) LoadSeed(tx *store.Tx, section json.RawMessage) error {
	return emulator.BadRequest("mousestats seed sections arrive with the mousestats API")
}

// State implements emulator.Vendor.
func (e *Emulator) State(tx *store.Tx, tenant string) (any, error) {
	ts, err := tx.Tenants(Name)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, t := range ts {
		if tenant == "" || t.Key == tenant {
			out = append(out, t.Key)
		}
	}
	if tenant != "" && len(out) == 0 {
		return nil, store.ErrNoTenant
	}
	return map[string]any{"tenants": out}, nil
}
