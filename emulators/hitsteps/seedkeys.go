package hitsteps

import (
	"encoding/json"

	"github.com/vendoremu/vendoremu/seed"
)

var _ seed.TenantNamer = (*Emulator)(nil)

// SeedTenants implements seed.TenantNamer: a section names its tenants by
// main_account (a number, or a string of digits), so that a start-up seed
// can replace their data when it changes. A tenant without main_account
// gets a new number and names none.
func (e *Emulator) SeedTenants(section json.RawMessage) []string {
	var sec struct {
		Tenants []struct {
			MainAccount json.RawMessage `json:"main_account"`
		} `json:"tenants"`
	}
	if json.Unmarshal(section, &sec) != nil {
		return nil
	}
	var keys []string
	for _, t := range sec.Tenants {
		if n, given, err := jsonInt(t.MainAccount, "main_account", 1, maxID); err == nil && given {
			keys = append(keys, itoa(n))
		}
	}
	return keys
}
