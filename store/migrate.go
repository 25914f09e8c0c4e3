package store

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// coreSchema is the store's own tables: applied schema versions, facts
// about the database itself (store_meta; Open writes to it, which proves
// the database writable), and the tenants of every vendor.
const coreSchema = `
CREATE TABLE IF NOT EXISTS schema_versions (
	component  TEXT PRIMARY KEY,
	checksum   TEXT NOT NULL,
	applied_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS store_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tenants (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	vendor     TEXT NOT NULL,
	key        TEXT NOT NULL,
	created_at TEXT NOT NULL,
	origin     INTEGER, -- the id the tenant was created with, once a reset gave it another (retire.go)
	UNIQUE (vendor, key)
);
`

func (s *Store) migrateCore() error {
	_, err := s.writer.Exec(coreSchema)
	if err != nil {
		return fmt.Errorf("apply core schema: %w", err)
	}
	// A database made before tenant resets retired ids lacks the column.
	has, err := hasColumn(func(query string, args ...any) (n int64, err error) {
		err = s.writer.QueryRow(query, args...).Scan(&n)
		return n, err
	}, "tenants", "origin")
	if err != nil {
		return fmt.Errorf("apply core schema: %w", err)
	}
	if !has {
		if _, err := s.writer.Exec(`ALTER TABLE tenants ADD COLUMN origin INTEGER`); err != nil {
			return fmt.Errorf("apply core schema: %w", err)
		}
	}
	return nil
}

// Schema is one component's tables. Every table of the component is named
// "<Component>_…"; tenant data tables carry a tenant_id column referencing
// tenants(id).
type Schema struct {
	Component string
	SQL       string
}

// Migration tells what Migrate did with one component's schema.
type Migration struct {
	Component string
	// Fresh is true when the tables were just created (empty): the caller
	// seeds their defaults.
	Fresh bool
	// Replaced is true when the database held an older version of the
	// schema, whose tables (and data) were dropped and created anew.
	Replaced bool
}

// Migrate applies each schema once. The version table records a checksum of
// the SQL; a database made with a different schema of the same component has
// that component's tables recreated, because an emulator's data is test
// data and a refusal to start would be worse than a fresh start.
func (s *Store) Migrate(ctx context.Context, schemas []Schema) ([]Migration, error) {
	var out []Migration
	err := s.Write(ctx, func(tx *Tx) error {
		for _, sc := range schemas {
			if !validComponent(sc.Component) {
				return fmt.Errorf("migrate: bad component name %q", sc.Component)
			}
			sum := checksum(sc.SQL)
			var have string
			err := tx.QueryRow(`SELECT checksum FROM schema_versions WHERE component = ?`, sc.Component).Scan(&have)
			m := Migration{Component: sc.Component}
			switch {
			case err == nil && have == sum:
				out = append(out, m)
				continue
			case err == nil:
				if err := tx.dropComponent(sc.Component); err != nil {
					return err
				}
				m.Replaced = true
			}
			if _, err := tx.Exec(sc.SQL); err != nil {
				return fmt.Errorf("migrate %s: %w", sc.Component, err)
			}
			if _, err := tx.Exec(`INSERT INTO schema_versions (component, checksum, applied_at) VALUES (?, ?, ?)
				ON CONFLICT (component) DO UPDATE SET checksum = excluded.checksum, applied_at = excluded.applied_at`,
				sc.Component, sum, time.Now().UTC().Format(time.RFC3339)); err != nil {
				return err
			}
			m.Fresh = true
			out = append(out, m)
		}
		// Tables made anew lost their watch triggers with the old ones.
		return tx.installWatches()
	})
	s.forgetCredentials()
	if err != nil {
		return nil, err
	}
	if err := s.loadTables(ctx, schemas); err != nil {
		return nil, err
	}
	// Tenants retired before the last stop still have rows to delete.
	s.sweep.rescan()
	return out, nil
}

func validComponent(name string) bool {
	if name == "" || name == "core" {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func (tx *Tx) dropComponent(component string) error {
	tables, err := tx.componentTables(component)
	if err != nil {
		return err
	}
	if err := tx.deferForeignKeys(); err != nil {
		return err
	}
	defer tx.checkForeignKeys()
	for _, t := range tables {
		if _, err := tx.Exec(`DROP TABLE IF EXISTS "` + t + `"`); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	_, err = tx.Exec(`DELETE FROM tenants WHERE vendor IN (?, ?)`, component, RetiredPrefix+component)
	return err
}

func (tx *Tx) componentTables(component string) ([]string, error) {
	rows, err := tx.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?`,
		len(component)+1, component+"_")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return names, rows.Err()
}

func (s *Store) loadTables(ctx context.Context, schemas []Schema) error {
	tables := map[string][]string{}
	tenantTables := map[string][]string{}
	err := s.Read(ctx, func(tx *Tx) error {
		for _, sc := range schemas {
			names, err := tx.componentTables(sc.Component)
			if err != nil {
				return err
			}
			tables[sc.Component] = names
			for _, n := range names {
				has, err := hasColumn(tx.count, n, "tenant_id")
				if err != nil {
					return err
				}
				if has {
					tenantTables[sc.Component] = append(tenantTables[sc.Component], n)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	s.tables, s.tenantTables = tables, tenantTables
	return nil
}

// counter runs a query whose answer is one integer.
type counter func(query string, args ...any) (int64, error)

// count is tx's counter.
func (tx *Tx) count(query string, args ...any) (n int64, err error) {
	err = tx.QueryRow(query, args...).Scan(&n)
	return n, err
}

// hasColumn reports whether table has column, the names compared as
// SQLite compares them (ASCII letters in either case): a vendor's schema
// may spell TENANT_ID.
func hasColumn(count counter, table, column string) (bool, error) {
	n, err := count(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ? COLLATE NOCASE`, table, column)
	return n > 0, err
}
