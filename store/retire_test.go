package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/vendoremu/vendoremu/store"
)

// retireSchema has a kept table, a big table and a child of it whose rows
// go with their parent.
const retireSchema = `
CREATE TABLE ret_keys (tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE, secret TEXT NOT NULL);
CREATE TABLE ret_rows (tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE, id INTEGER NOT NULL,
	v TEXT NOT NULL UNIQUE, PRIMARY KEY (tenant_id, id));
CREATE TABLE ret_notes (tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE, id INTEGER NOT NULL,
	row_id INTEGER NOT NULL, PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, row_id) REFERENCES ret_rows (tenant_id, id) ON DELETE CASCADE);
CREATE INDEX ret_notes_row ON ret_notes (tenant_id, row_id);`

func openRetire(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.NewClock(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background(), []store.Schema{{Component: "ret", SQL: retireSchema}}); err != nil {
		t.Fatal(err)
	}
	return st
}

// fillRetire makes tenants a, b and c, each with its key and n rows (a
// note on every second one).
func fillRetire(t *testing.T, st *store.Store, n int) {
	t.Helper()
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		for _, key := range []string{"a", "b", "c"} {
			tn, err := tx.CreateTenant("ret", key)
			if err != nil {
				return err
			}
			s := tx.Scope(tn)
			if _, err := s.Exec(`INSERT INTO ret_keys (tenant_id, secret) VALUES (@tenant, ?)`, "secret-"+key); err != nil {
				return err
			}
			if _, err := s.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
				INSERT INTO ret_rows (tenant_id, id, v) SELECT @tenant, i, ? || i FROM n`, n, key); err != nil {
				return err
			}
			if _, err := s.Exec(`INSERT INTO ret_notes (tenant_id, id, row_id)
				SELECT tenant_id, id, id FROM ret_rows WHERE tenant_id = @tenant AND id % 2 = 0`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rowsOf counts what tenant id holds in table.
func rowsOf(t *testing.T, st *store.Store, table string, id int64) (n int) {
	t.Helper()
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM `+table+` WHERE tenant_id = ?`, id).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func tenantNamed(t *testing.T, st *store.Store, key string) (tn store.Tenant) {
	t.Helper()
	err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
		tn, err = tx.Tenant("ret", key)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

func TestRetiredTenantIsEmptyAtOnceAndSweptAfter(t *testing.T) {
	st := openRetire(t, store.Memory)
	ctx := context.Background()
	fillRetire(t, st, 3000)
	old := tenantNamed(t, st, "b")
	var fresh store.Tenant
	err := st.Write(ctx, func(tx *store.Tx) error {
		var err error
		if fresh, err = tx.RetireTenant(old, "ret_keys"); err != nil {
			return err
		}
		// The rest of the reset's transaction sees the new id.
		if got, err := tx.Tenant("ret", "b"); err != nil || got.ID != fresh.ID {
			t.Errorf("tenant b in the reset: %+v %v, want id %d", got, err, fresh.ID)
		}
		// A value the old rows hold can be taken again once reclaimed.
		if _, err := tx.Exec(`DELETE FROM ret_rows WHERE v = 'b7' AND tenant_id IN (SELECT id FROM tenants WHERE vendor = ?)`,
			store.RetiredPrefix+"ret"); err != nil {
			return err
		}
		_, err = tx.Scope(fresh).Exec(`INSERT INTO ret_rows (tenant_id, id, v) VALUES (@tenant, 1, 'b7')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.ID == old.ID || fresh.Key != "b" || !fresh.Created.Equal(old.Created) {
		t.Fatalf("retired %+v into %+v", old, fresh)
	}
	if n := rowsOf(t, st, "ret_rows", fresh.ID); n != 1 {
		t.Fatalf("the new id holds %d rows, want the 1 added", n)
	}
	var secret string
	err = st.Read(ctx, func(tx *store.Tx) error {
		if err := tx.Scope(fresh).QueryRow(`SELECT secret FROM ret_keys WHERE tenant_id = @tenant`).Scan(&secret); err != nil {
			return err
		}
		if _, err := tx.TenantByID(old.ID); !errors.Is(err, store.ErrNoTenant) {
			t.Errorf("the retired id still names a tenant: %v", err)
		}
		// The tenant keeps its place among its vendor's tenants.
		ts, err := tx.Tenants("ret")
		if err != nil {
			return err
		}
		if len(ts) != 3 || ts[0].Key != "a" || ts[1].Key != "b" || ts[2].Key != "c" || ts[1].ID != fresh.ID {
			t.Errorf("tenants after the reset: %+v", ts)
		}
		return nil
	})
	if err != nil || secret != "secret-b" {
		t.Fatalf("kept key: %q %v", secret, err)
	}

	swept(t, st)
	for _, table := range []string{"ret_rows", "ret_notes", "ret_keys"} {
		if n := rowsOf(t, st, table, old.ID); n != 0 {
			t.Errorf("%d rows of the retired id left in %s", n, table)
		}
	}
	for _, key := range []string{"a", "c"} {
		tn := tenantNamed(t, st, key)
		if r, n := rowsOf(t, st, "ret_rows", tn.ID), rowsOf(t, st, "ret_notes", tn.ID); r != 3000 || n != 1500 {
			t.Errorf("tenant %s lost rows: %d rows, %d notes", key, r, n)
		}
	}
	if n := count(t, st, "tenants"); n != 3 {
		t.Errorf("%d tenants rows, want 3 (the retired one deleted)", n)
	}
}

func swept(t *testing.T, st *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := st.Swept(ctx); err != nil {
		t.Fatalf("janitor: %v", err)
	}
}

// A tenant retired just before the process stopped has its rows deleted
// after the next start.
func TestJanitorResumesAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "retire.db")
	st := openRetire(t, path)
	fillRetire(t, st, 500)
	old := tenantNamed(t, st, "a")
	// Retired as RetireTenant does, but without waking the janitor: the
	// state a kill leaves behind before the janitor's first batch.
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE tenants SET vendor = ? || vendor, key = id || ':' || key WHERE id = ?`, store.RetiredPrefix, old.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = openRetire(t, path)
	swept(t, st)
	if n := rowsOf(t, st, "ret_rows", old.ID); n != 0 {
		t.Fatalf("%d rows of the retired tenant after a restart", n)
	}
	if n := rowsOf(t, st, "ret_rows", tenantNamed(t, st, "b").ID); n != 500 {
		t.Fatalf("tenant b holds %d rows, want 500", n)
	}
}

// A snapshot taken before a reset brings the old id back to life: the
// janitor, sweeping it, must stop.
func TestRestoredSnapshotRevivesARetiredID(t *testing.T) {
	st := openRetire(t, store.Memory)
	ctx := context.Background()
	fillRetire(t, st, 20000)
	if _, err := st.SaveSnapshot(ctx, "before"); err != nil {
		t.Fatal(err)
	}
	old := tenantNamed(t, st, "a")
	err := st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.RetireTenant(old, "ret_keys")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RestoreSnapshot(ctx, "before"); err != nil {
		t.Fatal(err)
	}
	swept(t, st)
	if got := tenantNamed(t, st, "a"); got.ID != old.ID {
		t.Fatalf("restored tenant a has id %d, want %d", got.ID, old.ID)
	}
	if r, n := rowsOf(t, st, "ret_rows", old.ID), rowsOf(t, st, "ret_notes", old.ID); r != 20000 || n != 10000 {
		t.Fatalf("restored tenant a holds %d rows, %d notes; want 20000, 10000", r, n)
	}
}

// A snapshot saved before tenants had their origin column still restores
// into a store that reads it.
func TestRestoreOfASnapshotWithoutOrigin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	st := openRetire(t, path)
	ctx := context.Background()
	fillRetire(t, st, 10)
	if _, err := st.SaveSnapshot(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	snap, err := sql.Open("sqlite3", "file:"+path+".snapshots/old.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snap.Exec(`ALTER TABLE tenants DROP COLUMN origin`); err != nil {
		t.Fatal(err)
	}
	snap.Close()
	if err := st.RestoreSnapshot(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	err = st.Read(ctx, func(tx *store.Tx) error {
		ts, err := tx.Tenants("ret")
		if err == nil && len(ts) != 3 {
			t.Errorf("tenants after the restore: %+v", ts)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The janitor deletes a swept tenant's own row by itself once nothing
// writes any more, without Swept asking: a long-running emulator does not
// keep a row per reset.
func TestJanitorDeletesSweptTenantRowsWhenIdle(t *testing.T) {
	st := openRetire(t, store.Memory)
	ctx := context.Background()
	fillRetire(t, st, 10)
	for _, key := range []string{"a", "b"} {
		old := tenantNamed(t, st, key)
		if err := st.Write(ctx, func(tx *store.Tx) error { _, err := tx.RetireTenant(old, "ret_keys"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for count(t, st, "tenants") != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d tenants rows 20 s after two resets, want 3", count(t, st, "tenants"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, key := range []string{"a", "b", "c"} {
		if n := rowsOf(t, st, "ret_keys", tenantNamed(t, st, key).ID); n != 1 {
			t.Errorf("tenant %s has %d keys, want 1", key, n)
		}
	}
}
