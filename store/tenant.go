package store

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Tenant is one vendor account: the owner of every row it created. Key is the
// vendor credential that names it (a Keitaro API key, a JustClick login, a
// TWIPLA INTP id, …), compared exactly.
type Tenant struct {
	ID      int64
	Vendor  string
	Key     string
	Created time.Time
}

// CreateTenant registers a tenant of vendor under key. A key already taken
// gives ErrTenantExists.
func (tx *Tx) CreateTenant(vendor, key string) (Tenant, error) {
	now := tx.Now()
	res, err := tx.Exec(`INSERT INTO tenants (vendor, key, created_at) VALUES (?, ?, ?)`,
		vendor, key, now.Format(time.RFC3339Nano))
	if err != nil {
		if IsUniqueViolation(err) {
			return Tenant{}, ErrTenantExists
		}
		return Tenant{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Tenant{}, err
	}
	// What the watch trigger of an insert would do (see watchSQL).
	tx.store.watchedChanged(0, vendor)
	t := Tenant{ID: id, Vendor: vendor, Key: key, Created: now}
	// Once committed, the new tenant is what a lookup of its key finds:
	// kept then, a test's first request after creating its tenant — often
	// a write, whose lookups keep nothing while its group is dirty — needs
	// no query. A change to any watched row after this point (a reset of
	// this tenant later in the group, or in a later group before the
	// commit's after-functions run) moves the generation, and put keeps
	// nothing. The value is the one a lookup would scan (created_at read
	// back from its text).
	gen := tx.store.creds.gen.Load()
	cached := t
	cached.Created, _ = time.Parse(time.RFC3339Nano, now.Format(time.RFC3339Nano))
	tx.AfterCommit(func() { tx.store.creds.put(credentialKey{'t', vendor, key}, cached, gen) })
	return t, nil
}

// Tenant finds the tenant of vendor named key, or ErrNoTenant. Tenants a
// read found are remembered (see credentials.go), so that most lookups do
// not query.
func (tx *Tx) Tenant(vendor, key string) (Tenant, error) {
	k := credentialKey{'t', vendor, key}
	creds := &tx.store.creds
	// A write group that updated or deleted tenants sees its own changes
	// only in SQL (see Tx.Credential).
	if !tx.write || !creds.updated.Load() {
		if v, ok := creds.get(k); ok {
			return v.(Tenant), nil
		}
	}
	// A write whose group has changed no watched row yet reads the
	// committed tenant, as a read does, and keeps it (as Tx.Credential
	// does): the lookups of the writes that follow need no query.
	gen := tx.gen
	if tx.write {
		gen = creds.gen.Load()
	}
	t, err := tx.scanTenant(tx.QueryRow(`SELECT id, vendor, key, created_at FROM tenants WHERE vendor = ? AND key = ?`, vendor, key))
	if err == nil && (!tx.write || !creds.dirty.Load()) {
		creds.put(k, t, gen)
	}
	return t, err
}

// TenantByID finds a tenant by its id, or ErrNoTenant. A retired id (one
// a reset replaced, see retire.go) names no tenant.
func (tx *Tx) TenantByID(id int64) (Tenant, error) {
	return tx.scanTenant(tx.QueryRow(`SELECT id, vendor, key, created_at FROM tenants WHERE id = ? AND `+live("vendor"), id))
}

// CountTenants counts the tenants of every vendor (not the ids a reset
// retired).
func (tx *Tx) CountTenants() (int, error) {
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM tenants WHERE ` + live("vendor")).Scan(&n)
	return n, err
}

func (tx *Tx) scanTenant(row *sql.Row) (Tenant, error) {
	var t Tenant
	var created string
	err := row.Scan(&t.ID, &t.Vendor, &t.Key, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Tenant{}, ErrNoTenant
	}
	if err != nil {
		return Tenant{}, err
	}
	t.Created, _ = time.Parse(time.RFC3339Nano, created)
	return t, nil
}

// Tenants lists vendor's tenants, oldest first (a reset keeps a tenant's
// place).
func (tx *Tx) Tenants(vendor string) ([]Tenant, error) {
	rows, err := tx.Query(`SELECT id, vendor, key, created_at FROM tenants WHERE vendor = ? ORDER BY coalesce(origin, id)`, vendor)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tenant
	for rows.Next() {
		var t Tenant
		var created string
		if err := rows.Scan(&t.ID, &t.Vendor, &t.Key, &created); err != nil {
			return nil, err
		}
		t.Created, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// SelectTenants is vendor's tenants, oldest first, or only the one named
// key when key is not empty (ErrNoTenant when there is none): what a state
// dump narrowed by ?tenant= walks through.
func (tx *Tx) SelectTenants(vendor, key string) ([]Tenant, error) {
	if key == "" {
		return tx.Tenants(vendor)
	}
	t, err := tx.Tenant(vendor, key)
	if err != nil {
		return nil, err
	}
	return []Tenant{t}, nil
}

// ClearTenant deletes every row of tenant t from its vendor's tables, except
// the tables named in keep (where a vendor holds credentials that outlive a
// tenant reset). The tenant itself stays.
func (tx *Tx) ClearTenant(t Tenant, keep ...string) error {
	if !tx.write {
		return errors.New("store: ClearTenant in a read transaction")
	}
	if err := tx.deferForeignKeys(); err != nil {
		return err
	}
	defer tx.checkForeignKeys()
	for _, table := range tx.store.tenantTables[t.Vendor] {
		if slices.Contains(keep, table) {
			continue
		}
		if _, err := tx.Exec(`DELETE FROM "`+table+`" WHERE tenant_id = ?`, t.ID); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	return nil
}

// DeleteTenant removes tenant t and all of its rows.
func (tx *Tx) DeleteTenant(t Tenant) error {
	if err := tx.ClearTenant(t); err != nil {
		return err
	}
	_, err := tx.Exec(`DELETE FROM tenants WHERE id = ?`, t.ID)
	return err
}

// ClearVendor empties every table of vendor, restarts their AUTOINCREMENT
// sequences and removes the vendor's tenants: the state before its defaults
// are seeded.
func (tx *Tx) ClearVendor(vendor string) error {
	if !tx.write {
		return errors.New("store: ClearVendor in a read transaction")
	}
	if err := tx.deferForeignKeys(); err != nil {
		return err
	}
	defer tx.checkForeignKeys()
	tables := tx.store.tables[vendor]
	for _, table := range tables {
		if _, err := tx.Exec(`DELETE FROM "` + table + `"`); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	var hasSeq int
	if err := tx.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&hasSeq); err != nil {
		return err
	}
	if hasSeq > 0 {
		for _, table := range tables {
			if _, err := tx.Exec(`DELETE FROM sqlite_sequence WHERE name = ?`, table); err != nil {
				return err
			}
		}
	}
	_, err := tx.Exec(`DELETE FROM tenants WHERE vendor IN (?, ?)`, vendor, RetiredPrefix+vendor)
	return err
}

// deferForeignKeys lets a clear delete rows in any order (a clear leaves
// no row behind that a foreign key would miss). checkForeignKeys, the
// clear's deferred call, switches immediate checks back on: the SQLite
// transaction may go on with another writer's work (see commit.go), which
// must fail at its own statement, not at the group's commit.
func (tx *Tx) deferForeignKeys() error {
	_, err := tx.Exec(`PRAGMA defer_foreign_keys = ON`)
	return err
}

func (tx *Tx) checkForeignKeys() {
	tx.Exec(`PRAGMA defer_foreign_keys = OFF`) //nolint:errcheck // a failed pragma leaves the commit to check
}
