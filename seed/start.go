package seed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// TenantNamer is a vendor that can say which tenants a section of a seed
// document names by their key (the credential that keys a tenant: an API
// key, a login, a partner or INTP id). Apply resets those tenants before it
// loads the section, so that the section replaces their data instead of
// adding to it. Tenants a section leaves to be generated are not named. A
// section the vendor cannot read names nothing (LoadSeed reports it).
type TenantNamer interface {
	SeedTenants(section json.RawMessage) []string
}

// What Apply did with a vendor's section.
const (
	// Applied: the section was applied for the first time to this database.
	Applied = "applied"
	// Skipped: the same section was applied before; nothing was changed.
	Skipped = "skipped"
	// Reapplied: the section differs from the one applied before (or the
	// vendor's tables were recreated), and replaced it.
	Reapplied = "re-applied"
)

// Section is what Apply did with one vendor's section.
type Section struct {
	Vendor string
	// Action is Applied, Skipped or Reapplied.
	Action string
	// Created are the tenants the section created, Reset the existing ones it
	// reset and loaded its data into, Removed those the previous section had
	// created and that were deleted before it was re-applied (keys).
	Created, Reset, Removed []string
}

// Report is what Apply did with a start-up seed document.
type Report struct {
	// Sections are the document's vendor sections, in document order.
	Sections []Section
}

// Action sums the report up: "applied" or "skipped" when every section
// was, "re-applied" when any section was re-applied, and "partly applied"
// for a mixture of new and known sections; "" for an empty document.
func (r Report) Action() string {
	var applied, skipped, reapplied int
	for _, s := range r.Sections {
		switch s.Action {
		case Applied:
			applied++
		case Skipped:
			skipped++
		case Reapplied:
			reapplied++
		}
	}
	switch {
	case reapplied > 0:
		return Reapplied
	case applied > 0 && skipped > 0:
		return "partly applied"
	case applied > 0:
		return Applied
	case skipped > 0:
		return Skipped
	}
	return ""
}

// String lists each section's action: "hitsteps skipped, keitaro re-applied".
func (r Report) String() string {
	parts := make([]string, len(r.Sections))
	for i, s := range r.Sections {
		parts[i] = s.Vendor + " " + s.Action
	}
	return strings.Join(parts, ", ")
}

// Apply applies a start-up seed document (EMULATOR_SEED) so that starting
// again with it is harmless. Each vendor section is applied once per
// database, remembered by the SHA-256 of its canonical JSON:
//
//   - a section applied before, unchanged, is skipped: the data stays as the
//     earlier starts and the requests since left it;
//   - a new or changed section first undoes the previous one — the tenants
//     it created are deleted, the existing tenants it loaded into are reset
//     to their defaults — then resets the existing tenants it names, and
//     loads: its tenants end up as if the database had only ever seen it;
//   - a vendor whose tables were recreated (recreated[vendor], a new
//     database or a new schema version) gets its section re-applied.
//
// Tenants the document does not name, and sections it no longer has, are
// left alone. The whole document is one transaction: a section that cannot
// be loaded changes nothing and gives an *emu.Error (status 400).
func Apply(ctx context.Context, st *store.Store, vendors []emu.Vendor, doc []byte, recreated map[string]bool) (Report, error) {
	names := make([]string, len(vendors))
	byName := map[string]emu.Vendor{}
	for i, v := range vendors {
		names[i] = v.Name()
		byName[v.Name()] = v
	}
	sections, order, err := parse(doc, names)
	if err != nil {
		return Report{}, err
	}
	var report Report
	err = st.Write(ctx, func(tx *store.Tx) error {
		report = Report{}
		for _, name := range order {
			sec, err := applySection(tx, byName[name], sections[name], recreated[name])
			if err != nil {
				var e *emu.Error
				if errors.As(err, &e) {
					return emu.BadRequest("%s: %s", name, e.Message)
				}
				return fmt.Errorf("%s: %w", name, err)
			}
			report.Sections = append(report.Sections, sec)
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	return report, nil
}

func applySection(tx *store.Tx, v emu.Vendor, raw json.RawMessage, recreated bool) (Section, error) {
	name := v.Name()
	out := Section{Vendor: name, Action: Applied}
	sum, err := sectionSum(raw)
	if err != nil {
		return out, err
	}
	prev, known, err := tx.SeedSection(name)
	if err != nil {
		return out, err
	}
	if known {
		if prev.SHA256 == sum && !recreated {
			out.Action = Skipped
			return out, nil
		}
		out.Action = Reapplied
	}
	for _, key := range prev.Created {
		t, err := tx.Tenant(name, key)
		if err != nil {
			return out, err
		}
		if err := tx.DeleteTenant(t); err != nil {
			return out, err
		}
		out.Removed = append(out.Removed, key)
	}
	var named []string
	if n, ok := v.(TenantNamer); ok {
		named = n.SeedTenants(raw)
	}
	var reset []string
	for _, key := range append(slices.Clone(prev.Reset), named...) {
		if slices.Contains(reset, key) {
			continue
		}
		reset = append(reset, key)
		if _, err := tx.Tenant(name, key); errors.Is(err, store.ErrNoTenant) {
			continue // a tenant the section will create
		} else if err != nil {
			return out, err
		}
		if err := v.ResetTenant(tx, key); err != nil {
			return out, fmt.Errorf("reset %s: %w", key, err)
		}
	}
	before, err := tenantKeys(tx, name)
	if err != nil {
		return out, err
	}
	if err := v.LoadSeed(tx, raw); err != nil {
		return out, err
	}
	after, err := tenantKeys(tx, name)
	if err != nil {
		return out, err
	}
	for _, key := range after {
		switch {
		case !slices.Contains(before, key):
			out.Created = append(out.Created, key)
		case slices.Contains(named, key):
			out.Reset = append(out.Reset, key)
		}
	}
	return out, tx.RecordSeedSection(store.SeedSection{Vendor: name, SHA256: sum, Created: out.Created, Reset: out.Reset})
}

// sectionSum hashes a section's canonical form (members sorted, no white
// space, numbers as written), so that re-indenting or re-ordering a
// document is not a change.
func sectionSum(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", emu.BadRequest("section is not valid JSON: %v", err)
	}
	canon, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

func tenantKeys(tx *store.Tx, vendor string) ([]string, error) {
	ts, err := tx.Tenants(vendor)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(ts))
	for i, t := range ts {
		keys[i] = t.Key
	}
	return keys, nil
}

// NamedTenants is SeedTenants for a section of the usual shape
// {"tenants":[{<field>:"<key>", …}, …]}: the tenants' string values of field.
func NamedTenants(section json.RawMessage, field string) []string {
	var sec struct {
		Tenants []map[string]json.RawMessage `json:"tenants"`
	}
	if json.Unmarshal(section, &sec) != nil {
		return nil
	}
	var keys []string
	for _, t := range sec.Tenants {
		var key string
		if json.Unmarshal(t[field], &key) == nil && key != "" {
			keys = append(keys, key)
		}
	}
	return keys
}
