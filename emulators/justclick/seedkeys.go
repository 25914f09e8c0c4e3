package justclick

import (
	"encoding/json"

	"github.com/vendoremu/vendoremu/seed"
)

var _ seed.TenantNamer = (*Emulator)(nil)

// SeedTenants implements seed.TenantNamer: a section names its tenants by
// login, so that a start-up seed can replace their data when it changes.
func (e *Emulator) SeedTenants(section json.RawMessage) []string {
	return seed.NamedTenants(section, "login")
}
