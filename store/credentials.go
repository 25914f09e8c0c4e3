package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// The credential cache keeps in memory what a vendor credential resolves
// to — the tenant a key names (Tx.Tenant), and whatever a vendor loads
// with Store.Credential — so that authenticating a request needs no
// query. It cannot go stale, because it is not told about changes: SQLite
// tells it. Every table it depends on (tenants, and those vendors name
// with Watch) carries temporary triggers on the write connection that call
// back into the store on any insert, update or delete, whoever runs it —
// a store method, a vendor's own SQL, a seed, a reset, a foreign-key
// cascade. An update or a delete forgets, at once and again when its
// transaction ends, what the cache holds for the vendor the row belongs to
// (a tenants row's vendor, a watched table's component: the name before
// its first "_"), and only that: a vendor's values are loaded from its own
// tenants and tables, so a CI suite resetting a Keitaro tenant leaves the
// credentials of the TWIPLA tests running beside it alone. An insert empties nothing: what the cache holds
// was loaded from rows that existed, and a lookup that found no row is not
// kept, so a new row (a new tenant, a new token) changes no value held —
// and a CI suite that creates a tenant per test keeps the credentials of
// the tests running beside it. After any change, for the rest of the
// write group, lookups in write transactions keep nothing (the group may
// still roll back); after an update or a delete they also go to SQL, to
// see the group's own change. A group that only inserted still finds the
// values held: they are the committed rows' and its inserts changed none
// of them. A write whose group changed nothing yet keeps what it loads,
// as a read does: it reads the committed rows. The few operations that replace data
// without row changes (a schema migration, anything that swaps the
// database file) call forgetCredentials themselves.
//
// Loads race with changes only through the generation counter: a value
// loaded in a snapshot taken before a change is not kept after it.
type credentials struct {
	gen atomic.Uint64
	// dirty is set when the open write group changed a watched table;
	// updated when that change updated or deleted rows (not only
	// inserted them).
	dirty, updated atomic.Bool

	mu sync.RWMutex
	// m holds the values by vendor (the namespace's first word, see
	// family), so that forgetting a vendor's values drops its map instead
	// of looking through every vendor's: a CI suite keeps the tenants of
	// a vendor whose resets change no watched row (Hitsteps clears a
	// tenant's data but keeps its row and token) — hundreds, looked
	// through at each reset of any vendor, 2% of the suite's CPU. n
	// counts the values held.
	m map[string]map[credentialKey]any
	n int
	// stale are the vendors whose rows the open write group updated or
	// deleted, forgotten again when the group ends.
	stale map[string]bool
}

type credentialKey struct {
	kind         byte // 't' a tenant, 'c' a vendor's credential
	vendor, name string
}

// maxCredentials bounds the cache; past it, it starts again empty.
const maxCredentials = 100_000

func (c *credentials) get(k credentialKey) (any, bool) {
	f := family(k.vendor)
	c.mu.RLock()
	v, ok := c.m[f][k]
	c.mu.RUnlock()
	return v, ok
}

// family is the vendor a namespace belongs to: "hitsteps" for "hitsteps"
// and "hitsteps whitelabel".
func family(namespace string) string {
	v, _, _ := strings.Cut(namespace, " ")
	return v
}

// put keeps v unless a watched table changed since gen was read.
func (c *credentials) put(k credentialKey, v any, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.m == nil || c.n >= maxCredentials {
		c.m, c.n = map[string]map[credentialKey]any{}, 0
	}
	f := family(k.vendor)
	part := c.m[f]
	if part == nil {
		part = map[credentialKey]any{}
		c.m[f] = part
	}
	if _, had := part[k]; !had {
		c.n++
	}
	part[k] = v
}

// forget empties the cache and rejects every load begun before.
func (c *credentials) forget() {
	c.mu.Lock()
	c.gen.Add(1)
	c.m, c.n = nil, 0
	c.mu.Unlock()
}

// forgetVendor forgets what the cache holds for vendor — its tenants and
// the credential namespaces named vendor or beginning with vendor and a
// space — and rejects every load begun before (of any vendor: the
// generation is one).
func (c *credentials) forgetVendor(vendor string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	if family(vendor) != vendor {
		// Not a vendor's name (they have no space): forget everything.
		c.m, c.n = nil, 0
		return
	}
	c.n -= len(c.m[vendor])
	delete(c.m, vendor)
}

// forgetCredentials empties the credential cache. Everything that changes
// the database without row changes on the write connection (dropping and
// recreating tables, replacing the database file) calls it.
func (s *Store) forgetCredentials() { s.creds.forget() }

// changeFunc is the SQL function the watch triggers call.
const changeFunc = "vendoremu_credentials_changed"

// watchedChanged runs inside a statement of the write connection that
// changed a watched table: inserted rows (changed 0), or updated or
// deleted rows of vendor (changed 1). Only the write connection's
// goroutine, holding the writer, calls it.
func (s *Store) watchedChanged(changed int64, vendor string) int64 {
	s.creds.dirty.Store(true)
	if changed != 0 {
		s.creds.updated.Store(true)
		c := &s.creds
		c.mu.Lock()
		if c.stale == nil {
			c.stale = map[string]bool{}
		}
		// The first changed row of a vendor in a group forgets its values;
		// the group's own transactions do not use the cache (dirty) and
		// groupEnded forgets them again after the commit, so the next rows
		// (a reset deletes thousands) need not scan the cache each.
		already := c.stale[vendor]
		c.stale[vendor] = true
		c.mu.Unlock()
		if !already {
			c.forgetVendor(vendor)
		}
	}
	return 0
}

// groupEnded runs after a write group committed or rolled back.
func (s *Store) groupEnded() {
	c := &s.creds
	c.dirty.Store(false)
	c.updated.Store(false)
	c.mu.Lock()
	stale := c.stale
	c.stale = nil
	c.mu.Unlock()
	for v := range stale {
		c.forgetVendor(v)
	}
}

// Watch names tables whose changes invalidate the credential cache, beside
// tenants: the tables a vendor's Credential loads read. Call it before
// Migrate (vendors do, when they are built).
func (s *Store) Watch(tables ...string) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	for _, t := range tables {
		if !slices.Contains(s.watched, t) {
			s.watched = append(s.watched, t)
		}
	}
}

func (s *Store) watchedTables() []string {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	return append([]string{"tenants"}, s.watched...)
}

// watchSQL creates the triggers of one watched table; tenantRows tells
// that its rows belong to tenants (a tenant_id column).
func watchSQL(table string, tenantRows bool) string {
	var b []byte
	for i, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		// The vendor whose values a change may touch (see credentials).
		vendor := `'` + strings.ReplaceAll(componentOf(table), `'`, `''`) + `'`
		if table == "tenants" {
			vendor = "old.vendor"
		}
		if table == "tenants" && op == "INSERT" {
			// Tx.CreateTenant marks the group itself (RetireTenant, the
			// other insert, has marked it already with its UPDATE): a trigger would make every insert into
			// tenants a statement SQLite treats as writing several rows,
			// which looks for orphans in each of the ~60 tables whose
			// foreign keys reference tenants — half of a tenant's
			// creation.
			continue
		}
		// A retired tenant's row (retire.go) is in no value the cache
		// holds: the janitor deleting it forgets nothing — nor does it
		// deleting the rows of a retired tenant, which no lookup finds
		// (lookups across tenants join tenants on the vendor's name —
		// Hitsteps' token lookup joins on the id alone, and holds because
		// Hitsteps never retires a tenant; the rows a reset keeps moved to
		// the new id, and moving them forgot everything). The vendor is
		// the table name's first word: a watched table is named after the
		// namespace its credentials are kept under. Else each tenant a CI suite resets would empty the
		// cache of every test running beside it once the janitor came by.
		when := ""
		switch {
		case table == "tenants" && op != "INSERT":
			when = ` WHEN ` + live("old.vendor")
		case tenantRows && op == "DELETE":
			when = ` WHEN NOT EXISTS (SELECT 1 FROM tenants WHERE id = old.tenant_id AND ` + retiredVendor + `)`
		}
		b = fmt.Appendf(b, `CREATE TEMP TRIGGER IF NOT EXISTS "vendoremu_watch_%s_%s" AFTER %s ON main."%s"%s BEGIN SELECT %s(%d, %s); END;`,
			table, op, op, table, when, changeFunc, min(i, 1), vendor)
	}
	return string(b)
}

// installWatches creates the watch triggers of every watched table that
// exists (after the tables were made or made anew).
func (tx *Tx) installWatches() error {
	stmts, err := tx.store.watchStatements(tx.count)
	if err != nil {
		return err
	}
	for _, q := range stmts {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
	}
	return nil
}

// watchStatements is the SQL that creates the watch triggers of the
// watched tables that exist, found with count: on a transaction, or on a
// write connection being opened (writerConnected).
func (s *Store) watchStatements(count counter) ([]string, error) {
	var out []string
	for _, t := range s.watchedTables() {
		n, err := count(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, t)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		tenantRows, err := hasColumn(count, t, "tenant_id")
		if err != nil {
			return nil, err
		}
		out = append(out, watchSQL(t, t != "tenants" && tenantRows))
	}
	return out, nil
}

// Credential returns what load finds for a vendor's credential key: from
// memory when it was loaded before and no watched table (Watch) changed
// since, else by running load in a read transaction. An error is not kept.
// load must read only tenants and watched tables, and the value it returns
// must not depend on the time (check expiry on the value, each time) nor
// on rows that do not exist: an insert into those tables does not forget
// what was kept (see credentials), so a value must be found from existing
// rows by their keys — a lookup, not a count or a list. vendor is the
// value's namespace and must name the vendor whose tenants and tables load
// reads, alone or followed by a space and more ("hitsteps whitelabel"): a
// change forgets the values of its own vendor only (see credentials).
func (s *Store) Credential(ctx context.Context, vendor, key string, load func(tx *Tx) (any, error)) (any, error) {
	k := credentialKey{'c', vendor, key}
	if v, ok := s.creds.get(k); ok {
		return v, nil
	}
	gen := s.creds.gen.Load()
	var v any
	err := s.Read(ctx, func(tx *Tx) error {
		var err error
		v, err = load(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.creds.put(k, v, gen)
	return v, nil
}

// Credential is Store.Credential inside a transaction that is open
// already: what load finds for a vendor's credential key, from memory when
// it was loaded before and no watched table changed since, else by
// running load in this transaction. A write transaction whose group
// updated or deleted watched rows sees its own changes: it loads; one
// whose group changed any watched row keeps nothing. The
// same rules as Store.Credential hold for load; ErrNoTenant (or any
// error) is not kept.
func (tx *Tx) Credential(vendor, key string, load func(tx *Tx) (any, error)) (any, error) {
	k := credentialKey{'c', vendor, key}
	creds := &tx.store.creds
	if !tx.write || !creds.updated.Load() {
		if v, ok := creds.get(k); ok {
			return v, nil
		}
	}
	gen := tx.gen
	if tx.write {
		gen = creds.gen.Load()
	}
	v, err := load(tx)
	if err != nil {
		return nil, err
	}
	if !tx.write || !creds.dirty.Load() {
		creds.put(k, v, gen)
	}
	return v, nil
}

// componentOf is the component a table belongs to: its name up to the
// first "_" (keitaro_tenant_settings is Keitaro's).
func componentOf(table string) string {
	c, _, _ := strings.Cut(table, "_")
	return c
}
