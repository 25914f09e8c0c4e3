package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"
)

func lookup(t *testing.T, st *Store, key string) error {
	t.Helper()
	return st.Read(context.Background(), func(tx *Tx) error {
		_, err := tx.Tenant("demo", key)
		return err
	})
}

func write(t *testing.T, st *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := st.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// Whatever changes a tenant — a store method or a vendor's own SQL — the
// next lookup sees it, though the tenant was remembered.
func TestRememberedTenantsFollowEveryChange(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "c.db"))
	if err := lookup(t, st, "a"); err != nil {
		t.Fatal(err)
	}
	write(t, st, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE tenants SET key = 'renamed' WHERE key = 'a'`)
		return err
	})
	if err := lookup(t, st, "a"); !errors.Is(err, ErrNoTenant) {
		t.Fatalf("renamed tenant still found under its old key: %v", err)
	}
	if err := lookup(t, st, "renamed"); err != nil {
		t.Fatal(err)
	}
	write(t, st, func(tx *Tx) error {
		tn, err := tx.Tenant("demo", "renamed")
		if err != nil {
			return err
		}
		return tx.DeleteTenant(tn)
	})
	if err := lookup(t, st, "renamed"); !errors.Is(err, ErrNoTenant) {
		t.Fatalf("deleted tenant found: %v", err)
	}
	write(t, st, func(tx *Tx) error { _, err := tx.CreateTenant("demo", "renamed"); return err })
	if err := lookup(t, st, "renamed"); err != nil {
		t.Fatal(err)
	}
	write(t, st, func(tx *Tx) error { return tx.ClearVendor("demo") })
	if err := lookup(t, st, "renamed"); !errors.Is(err, ErrNoTenant) {
		t.Fatalf("tenant found after a vendor reset: %v", err)
	}
}

// A writer sharing a commit group with one that deleted a tenant does not
// find it.
func TestGroupSeesItsOwnTenantChanges(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "c.db"))
	if err := lookup(t, st, "a"); err != nil {
		t.Fatal(err)
	}
	deleted, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- st.Write(context.Background(), func(tx *Tx) error {
			tn, err := tx.Tenant("demo", "a")
			if err != nil {
				return err
			}
			err = tx.DeleteTenant(tn)
			close(deleted)
			<-release
			return err
		})
	}()
	<-deleted
	// A reader still sees the tenant, committed, and remembers it.
	if err := lookup(t, st, "a"); err != nil {
		t.Fatal(err)
	}
	second := make(chan error)
	go func() {
		second <- st.Write(context.Background(), func(tx *Tx) error {
			_, err := tx.Tenant("demo", "a")
			return err
		})
	}()
	waitQueued(t, st, 1)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-second; !errors.Is(err, ErrNoTenant) {
		t.Fatalf("the next writer of the group found the deleted tenant: %v", err)
	}
}

// Credential loads once, until a watched table or a tenant changes; other
// tables do not matter. A load that raced with a change is not kept.
func TestCredentialFollowsWatchedTables(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "c.db"))
	ctx := context.Background()
	write(t, st, func(tx *Tx) error {
		tn, _ := tx.Tenant("demo", "a")
		_, err := tx.Scope(tn).Exec(`INSERT INTO demo_keys (tenant_id, secret) VALUES (@tenant, 's1')`)
		return err
	})
	loads := 0
	var during func()
	secret := func() string {
		t.Helper()
		v, err := st.Credential(ctx, "demo", "a", func(tx *Tx) (any, error) {
			loads++
			tn, err := tx.Tenant("demo", "a")
			if err != nil {
				return nil, err
			}
			var s string
			err = tx.Scope(tn).QueryRow(`SELECT secret FROM demo_keys WHERE tenant_id = @tenant`).Scan(&s)
			if during != nil {
				during()
			}
			return s, err
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.(string)
	}
	if s := secret(); s != "s1" || loads != 1 {
		t.Fatalf("%s after %d loads", s, loads)
	}
	write(t, st, func(tx *Tx) error { return insertRow(tx, "unrelated") })
	if s := secret(); s != "s1" || loads != 1 {
		t.Fatalf("an unwatched table's change reloaded: %s, %d loads", s, loads)
	}
	write(t, st, func(tx *Tx) error { _, err := tx.Exec(`UPDATE demo_keys SET secret = 's2'`); return err })
	if s := secret(); s != "s2" || loads != 2 {
		t.Fatalf("%s after %d loads", s, loads)
	}
	// The secret changes while a load reads the old one in its snapshot.
	write(t, st, func(tx *Tx) error { _, err := tx.Exec(`UPDATE demo_keys SET secret = 's3'`); return err })
	during = func() {
		during = nil
		write(t, st, func(tx *Tx) error { _, err := tx.Exec(`UPDATE demo_keys SET secret = 'racing'`); return err })
	}
	// The load reads s3 in its snapshot, or — when the read ran again
	// because the change committed between its statements — "racing".
	if s := secret(); s != "s3" && s != "racing" {
		t.Fatalf("the racing load read %s (%d loads)", s, loads)
	}
	n := loads
	if s := secret(); s != "racing" || loads != n+1 {
		t.Fatalf("a load that raced with a change was kept: %s after %d loads", s, loads)
	}
	// Tables made anew by a migration are watched again.
	if _, err := st.Migrate(ctx, []Schema{{Component: "demo", SQL: internalSchema + "\nCREATE TABLE demo_more (x);"}}); err != nil {
		t.Fatal(err)
	}
	write(t, st, func(tx *Tx) error {
		tn, err := tx.CreateTenant("demo", "a")
		if err != nil {
			return err
		}
		_, err = tx.Scope(tn).Exec(`INSERT INTO demo_keys (tenant_id, secret) VALUES (@tenant, 's4')`)
		return err
	})
	if s := secret(); s != "s4" {
		t.Fatalf("after the migration: %s", s)
	}
	write(t, st, func(tx *Tx) error { _, err := tx.Exec(`UPDATE demo_keys SET secret = 's5'`); return err })
	if s := secret(); s != "s5" {
		t.Fatalf("the new table is not watched: %s", s)
	}
}

// Tx.Credential remembers like Store.Credential, and a write transaction
// that changed a watched table sees its own change and keeps nothing.
func TestTxCredential(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "c.db"), Memory} {
		st := openInternal(t, path)
		ctx := context.Background()
		write(t, st, func(tx *Tx) error {
			_, err := tx.Exec(`INSERT INTO demo_keys (tenant_id, secret) SELECT id, 's1' FROM tenants`)
			return err
		})
		loads := 0
		load := func(tx *Tx) (any, error) {
			loads++
			var s string
			err := tx.QueryRow(`SELECT secret FROM demo_keys`).Scan(&s)
			return s, err
		}
		read := func() any {
			var v any
			err := st.Read(ctx, func(tx *Tx) (err error) {
				v, err = tx.Credential("demo", "a", load)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if v := read(); v != "s1" || loads != 1 {
			t.Fatalf("%s: %v after %d loads", path, v, loads)
		}
		if v := read(); v != "s1" || loads != 1 {
			t.Fatalf("%s: not remembered: %v after %d loads", path, v, loads)
		}
		write(t, st, func(tx *Tx) error {
			if _, err := tx.Exec(`UPDATE demo_keys SET secret = 's2'`); err != nil {
				return err
			}
			v, err := tx.Credential("demo", "a", load)
			if v != "s2" {
				t.Errorf("%s: the writer does not see its own change: %v", path, v)
			}
			return err
		})
		if v := read(); v != "s2" {
			t.Fatalf("%s: %v after the change", path, v)
		}
	}
}

// A new row — a tenant, a key — changes no value the cache holds, so an
// insert forgets nothing: a CI suite creating a tenant per test keeps the
// other tests' credentials. A delete forgets; a write group that inserted
// keeps nothing it loaded itself (it may roll back), and a rolled-back
// insert is never found.
func TestCredentialSurvivesInserts(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "i.db"), Memory} {
		st := openInternal(t, path)
		ctx := context.Background()
		write(t, st, func(tx *Tx) error {
			_, err := tx.Exec(`INSERT INTO demo_keys (tenant_id, secret) SELECT id, 's1' FROM tenants`)
			return err
		})
		loads := 0
		secret := func(key string) (any, error) {
			return st.Credential(ctx, "demo", key, func(tx *Tx) (any, error) {
				loads++
				tn, err := tx.Tenant("demo", key)
				if err != nil {
					return nil, err
				}
				var s string
				err = tx.Scope(tn).QueryRow(`SELECT secret FROM demo_keys WHERE tenant_id = @tenant`).Scan(&s)
				return s, err
			})
		}
		if v, err := secret("a"); v != "s1" || err != nil || loads != 1 {
			t.Fatalf("%s: %v, %v after %d loads", path, v, err, loads)
		}
		write(t, st, func(tx *Tx) error {
			tn, err := tx.CreateTenant("demo", "b")
			if err != nil {
				return err
			}
			_, err = tx.Scope(tn).Exec(`INSERT INTO demo_keys (tenant_id, secret) VALUES (@tenant, 'b1')`)
			return err
		})
		if v, err := secret("a"); v != "s1" || err != nil || loads != 1 {
			t.Fatalf("%s: a new tenant and key reloaded a's: %v, %v after %d loads", path, v, err, loads)
		}
		if v, err := secret("b"); v != "b1" || err != nil || loads != 2 {
			t.Fatalf("%s: the new tenant: %v, %v after %d loads", path, v, err, loads)
		}
		// A tenant created, looked up in its own write and rolled back.
		errRollback := errors.New("roll back")
		err := st.Write(ctx, func(tx *Tx) error {
			if _, err := tx.CreateTenant("demo", "c"); err != nil {
				return err
			}
			if _, err := tx.Tenant("demo", "c"); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if _, err := secret("c"); !errors.Is(err, ErrNoTenant) {
			t.Fatalf("%s: a rolled-back tenant was found: %v", path, err)
		}
		write(t, st, func(tx *Tx) error { _, err := tx.Exec(`DELETE FROM demo_keys WHERE secret = 'b1'`); return err })
		if _, err := secret("b"); !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("%s: a deleted key was still found: %v", path, err)
		}
	}
}

// A watched table whose schema spells its tenant column in capitals is a
// tenant table on every write connection, the ones opened later too: its
// delete trigger skips retired tenants' rows (the janitor's deletes forget
// no credential), as SQLite, which ignores the case of column names,
// reads the schema.
func TestWatchesOfATenantColumnInCapitals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "caps.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Watch("caps_keys")
	schema := `CREATE TABLE caps_keys (TENANT_ID INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE, secret TEXT);`
	if _, err := st.Migrate(context.Background(), []Schema{{Component: "caps", SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	if got := st.tenantTables["caps"]; len(got) != 1 {
		t.Fatalf("tenant tables of caps: %v", got)
	}
	// A write connection opened now, as after the first was lost.
	db := sql.OpenDB(&connector{dsn(path, st.shared, busyTimeout), &sqlite3.SQLiteDriver{ConnectHook: st.writerConnected}})
	defer db.Close()
	var trigger string
	err = db.QueryRow(`SELECT sql FROM sqlite_temp_master WHERE type = 'trigger' AND name = 'vendoremu_watch_caps_keys_DELETE'`).Scan(&trigger)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(trigger, "WHEN NOT EXISTS") {
		t.Fatalf("the delete trigger of a new connection fires for retired tenants too: %s", trigger)
	}
}

// Writes use the cache too: a write whose group changed nothing yet keeps
// what it loads, one whose group only inserted finds what is kept, and a
// tenant is kept once the write that created it commits — unless that
// write's group changed it again, or rolled back.
func TestWritesFillAndUseTheCache(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "w.db"), Memory} {
		st := openInternal(t, path)
		ctx := context.Background()
		write(t, st, func(tx *Tx) error {
			_, err := tx.Exec(`INSERT INTO demo_keys (tenant_id, secret) SELECT id, 's1' FROM tenants`)
			return err
		})
		loads := 0
		load := func(tx *Tx) (any, error) {
			loads++
			var s string
			err := tx.QueryRow(`SELECT secret FROM demo_keys WHERE tenant_id = (SELECT id FROM tenants WHERE key = 'a')`).Scan(&s)
			return s, err
		}
		write(t, st, func(tx *Tx) error {
			v, err := tx.Credential("demo", "a", load)
			if v != "s1" {
				t.Errorf("%s: %v", path, v)
			}
			return err
		})
		if loads != 1 {
			t.Fatalf("%s: %d loads", path, loads)
		}
		// Kept by the write: a read and a write that only inserted find it.
		if _, err := st.Credential(ctx, "demo", "a", load); err != nil || loads != 1 {
			t.Fatalf("%s: a write's load was not kept: %v after %d loads", path, err, loads)
		}
		write(t, st, func(tx *Tx) error {
			tn, err := tx.CreateTenant("demo", "b")
			if err != nil {
				return err
			}
			if _, err := tx.Scope(tn).Exec(`INSERT INTO demo_keys (tenant_id, secret) VALUES (@tenant, 'b1')`); err != nil {
				return err
			}
			v, err := tx.Credential("demo", "a", load)
			if v != "s1" || loads != 1 {
				t.Errorf("%s: a write that only inserted did not use the cache: %v after %d loads", path, v, loads)
			}
			return err
		})
		// A created tenant is kept as a lookup would find it.
		var lookedUp Tenant
		err := st.Read(ctx, func(tx *Tx) error {
			var err error
			lookedUp, err = tx.scanTenant(tx.QueryRow(`SELECT id, vendor, key, created_at FROM tenants WHERE key = 'b'`))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := st.creds.get(credentialKey{'t', "demo", "b"}); !ok || v.(Tenant) != lookedUp {
			t.Fatalf("%s: the created tenant kept is %v (%v), a lookup finds %v", path, v, ok, lookedUp)
		}
		// A write that updated sees its own change, not what was kept.
		write(t, st, func(tx *Tx) error {
			if _, err := tx.Exec(`UPDATE demo_keys SET secret = 's2' WHERE secret = 's1'`); err != nil {
				return err
			}
			v, err := tx.Credential("demo", "a", load)
			if v != "s2" {
				t.Errorf("%s: the writer does not see its own change: %v", path, v)
			}
			return err
		})
		// Created and renamed in one group: nothing kept under the old key.
		write(t, st, func(tx *Tx) error {
			if _, err := tx.CreateTenant("demo", "c"); err != nil {
				return err
			}
			_, err := tx.Exec(`UPDATE tenants SET key = 'd' WHERE key = 'c'`)
			return err
		})
		if err := lookup(t, st, "c"); !errors.Is(err, ErrNoTenant) {
			t.Fatalf("%s: a tenant renamed after its creation is still found under its first key: %v", path, err)
		}
		// Created and rolled back: nothing kept.
		errRollback := errors.New("roll back")
		if err := st.Write(ctx, func(tx *Tx) error {
			if _, err := tx.CreateTenant("demo", "e"); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if _, ok := st.creds.get(credentialKey{'t', "demo", "e"}); ok {
			t.Fatalf("%s: a rolled-back tenant was kept", path)
		}
	}
}

// Forgetting a vendor forgets its tenants and every namespace of it
// ("hitsteps whitelabel"), and nothing of another vendor, whatever its
// name begins with.
func TestForgetVendorForgetsItsNamespaces(t *testing.T) {
	var c credentials
	keys := []credentialKey{
		{'t', "hitsteps", "a"}, {'c', "hitsteps", "a"}, {'c', "hitsteps whitelabel", "a"},
		{'t', "hitstepsx", "a"}, {'c', "keitaro", "a"}, {'c', "keitaro hitsteps", "a"},
	}
	for _, k := range keys {
		c.put(k, k.name, c.gen.Load())
	}
	c.forgetVendor("hitsteps")
	for i, k := range keys {
		_, ok := c.get(k)
		if want := i >= 3; ok != want {
			t.Errorf("%v held: %v, want %v", k, ok, want)
		}
	}
	if c.n != 3 {
		t.Errorf("%d values counted, 3 held", c.n)
	}
	c.put(keys[4], "again", c.gen.Load())
	if v, _ := c.get(keys[4]); v != "again" || c.n != 3 {
		t.Errorf("a value put again: %v, %d counted", v, c.n)
	}
	c.forgetVendor("keitaro hitsteps")
	if c.n != 0 {
		t.Errorf("a namespace given as a vendor left %d values", c.n)
	}
}
