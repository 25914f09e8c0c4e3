package keitaro

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/openapi"
	"github.com/vendoremu/vendoremu/store"
)

// tenant is an account of the tracker with its settings (§7.1).
type tenant struct {
	store.Tenant
	postbackKey string
	edition     string
	currency    string
	timezone    string
	dialect     string // as configured for the tenant; "" follows the global one
	sampleData  bool
}

// tenantKey is where the auth middleware leaves the request's tenant.
const tenantKey = "keitaro.tenant"

// apiKeyOf finds the request's API key (§2): a non-blank Api-Key header,
// else an Authorization Bearer key, else none.
func apiKeyOf(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("Api-Key")); k != "" {
		return k
	}
	scheme, rest, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(rest)
}

// loadTenant reads a tenant and its settings by API key.
func loadTenant(tx *store.Tx, key string) (tenant, error) {
	st, err := tx.Tenant(Name, key)
	if err != nil {
		return tenant{}, err
	}
	t := tenant{Tenant: st}
	var sample int
	err = tx.Scope(st).QueryRow(`SELECT postback_key, edition, currency, timezone, dialect, sample_data
		FROM keitaro_tenant_settings WHERE tenant_id = @tenant`).
		Scan(&t.postbackKey, &t.edition, &t.currency, &t.timezone, &t.dialect, &sample)
	t.sampleData = sample != 0
	return t, err
}

// authenticate runs the checks of §2 and returns the request's tenant.
func (e *Emulator) authenticate(c *gin.Context) (tenant, error) {
	key := apiKeyOf(c.Request)
	if key == "" {
		return tenant{}, errUnauthorized
	}
	// The store remembers the tenant until its settings change, so most
	// requests authenticate without a query.
	v, err := e.deps.Store.Credential(c, Name, key, func(tx *store.Tx) (any, error) { return loadTenant(tx, key) })
	if errors.Is(err, store.ErrNoTenant) {
		return tenant{}, errUnauthorized
	}
	if err != nil {
		return tenant{}, err
	}
	t := v.(tenant)
	emu.SetTenant(c, key)
	if t.edition == "starter" {
		return tenant{}, errEdition
	}
	return t, nil
}

// auth is the middleware in front of every Admin API route.
func (e *Emulator) auth(c *gin.Context) {
	t, err := e.authenticate(c)
	if err != nil {
		writeError(c, e.deps.Log, err)
		return
	}
	c.Set(tenantKey, t)
	// The answers follow the tenant's dialect, and so does the document
	// that describes them.
	openapi.SetVariant(c, e.dialectOf(t).String())
}
