package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// seedSchema remembers, per vendor, the seed-document section last applied
// at start (by its hash) and which tenants that application created or
// reset, so that a restart with the same document changes nothing and a
// changed one can replace what the old one made. seed_tenants follows the
// tenants table: a tenant deleted or recreated by a reset drops out of it.
const seedSchema = `
CREATE TABLE IF NOT EXISTS seed_sections (
	vendor     TEXT PRIMARY KEY,
	sha256     TEXT NOT NULL,
	applied_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seed_tenants (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	created   INTEGER NOT NULL
);
`

// SeedSection is what the database remembers of the seed section last
// applied to a vendor at start.
type SeedSection struct {
	Vendor string
	// SHA256 is the hex hash of the section (compact JSON).
	SHA256 string
	// AppliedAt is when it was applied, by the emulator clock.
	AppliedAt time.Time
	// Created are the keys of the tenants the application created that
	// still exist, oldest first.
	Created []string
	// Reset are the keys of tenants that existed before and that the
	// application reset and loaded its data into, oldest first.
	Reset []string
}

func (tx *Tx) ensureSeedTables() error {
	if !tx.write {
		return errors.New("store: seed records in a read transaction")
	}
	if _, err := tx.Exec(seedSchema); err != nil {
		return fmt.Errorf("seed tables: %w", err)
	}
	return nil
}

// SeedSection reads the record of vendor's last applied section; ok is false
// when no section was ever applied at start to this database. It needs a
// write transaction (the record's tables are created on first use).
func (tx *Tx) SeedSection(vendor string) (rec SeedSection, ok bool, err error) {
	if err := tx.ensureSeedTables(); err != nil {
		return rec, false, err
	}
	var at string
	err = tx.QueryRow(`SELECT sha256, applied_at FROM seed_sections WHERE vendor = ?`, vendor).Scan(&rec.SHA256, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, err
	}
	rec.Vendor = vendor
	rec.AppliedAt, _ = time.Parse(time.RFC3339Nano, at)
	rows, err := tx.Query(`SELECT t.key, s.created FROM seed_tenants s JOIN tenants t ON t.id = s.tenant_id
		WHERE t.vendor = ? ORDER BY coalesce(t.origin, t.id)`, vendor)
	if err != nil {
		return rec, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var created bool
		if err := rows.Scan(&key, &created); err != nil {
			return rec, false, err
		}
		if created {
			rec.Created = append(rec.Created, key)
		} else {
			rec.Reset = append(rec.Reset, key)
		}
	}
	return rec, true, rows.Err()
}

// RecordSeedSection replaces the record of rec.Vendor's applied section.
// Keys in Created and Reset that name no tenant are ignored.
func (tx *Tx) RecordSeedSection(rec SeedSection) error {
	if err := tx.ensureSeedTables(); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO seed_sections (vendor, sha256, applied_at) VALUES (?, ?, ?)
		ON CONFLICT (vendor) DO UPDATE SET sha256 = excluded.sha256, applied_at = excluded.applied_at`,
		rec.Vendor, rec.SHA256, tx.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM seed_tenants WHERE tenant_id IN (SELECT id FROM tenants WHERE vendor = ?)`,
		rec.Vendor); err != nil {
		return err
	}
	for created, keys := range map[bool][]string{true: rec.Created, false: rec.Reset} {
		for _, key := range keys {
			if _, err := tx.Exec(`INSERT OR REPLACE INTO seed_tenants (tenant_id, created)
				SELECT id, ? FROM tenants WHERE vendor = ? AND key = ?`, created, rec.Vendor, key); err != nil {
				return err
			}
		}
	}
	return nil
}
