package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// openJanitor opens a store of the demo schema whose janitor sweeps after
// idle of quiet, or once work waited backlog (and prunes after the same).
func openJanitor(t *testing.T, idle, backlog time.Duration) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "j.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.sweep.idleAfter, st.sweep.backlog = idle, backlog
	st.sweep.pruneAfter, st.sweep.pruneBacklog = idle, backlog
	st.Watch("demo_keys")
	if _, err := st.Migrate(context.Background(), []Schema{{Component: "demo", SQL: internalSchema}}); err != nil {
		t.Fatal(err)
	}
	return st
}

// newDemoTenant creates tenant key with its key row and n rows.
func newDemoTenant(tx *Tx, key string, n int) (Tenant, error) {
	tn, err := tx.CreateTenant("demo", key)
	if err != nil {
		return Tenant{}, err
	}
	return tn, fillDemo(tx, tn, n)
}

func fillDemo(tx *Tx, tn Tenant, n int) error {
	s := tx.Scope(tn)
	if _, err := s.Exec(`INSERT OR REPLACE INTO demo_keys (tenant_id, secret) VALUES (@tenant, ?)`, "s-"+tn.Key); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	_, err := s.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO demo_rows (tenant_id, v) SELECT @tenant, @tenant || '-' || i FROM n`, n)
	return err
}

// The janitor deleting a retired tenant's rows from a table the
// credential cache watches forgets nothing: the tests running beside a
// reset keep their credentials.
func TestJanitorKeepsOtherTenantsCredentials(t *testing.T) {
	st := openJanitor(t, time.Hour, time.Hour)
	ctx := context.Background()
	var b Tenant
	write(t, st, func(tx *Tx) (err error) {
		if _, err = newDemoTenant(tx, "a", 10); err != nil {
			return err
		}
		b, err = newDemoTenant(tx, "b", 10)
		return err
	})
	// Retired without keeping its key: the janitor deletes it.
	write(t, st, func(tx *Tx) error { _, err := tx.RetireTenant(b); return err })
	loads := 0
	secret := func() any {
		v, err := st.Credential(ctx, "demo", "a", func(tx *Tx) (any, error) {
			loads++
			tn, err := tx.Tenant("demo", "a")
			if err != nil {
				return nil, err
			}
			var s string
			return s, tx.Scope(tn).QueryRow(`SELECT secret FROM demo_keys WHERE tenant_id = @tenant`).Scan(&s)
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := secret(); v != "s-a" || loads != 1 {
		t.Fatalf("a's secret %v after %d loads", v, loads)
	}
	if err := st.Swept(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := st.Read(ctx, func(tx *Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM demo_keys WHERE tenant_id = ?`, b.ID).Scan(&left)
	}); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("the retired tenant's key is still there")
	}
	if v := secret(); v != "s-a" || loads != 1 {
		t.Fatalf("the sweep made a's secret load again: %v after %d loads", v, loads)
	}
	// A live tenant's key deleted is forgotten as before.
	write(t, st, func(tx *Tx) error { _, err := tx.Exec(`DELETE FROM demo_keys WHERE secret = 's-a'`); return err })
	if _, err := st.Credential(ctx, "demo", "a", func(tx *Tx) (any, error) { loads++; return nil, nil }); err != nil || loads != 2 {
		t.Fatalf("a deleted key was still remembered (%d loads, %v)", loads, err)
	}
}

// Under a writer that never pauses, the janitor still deletes what resets
// retired, and the swept tenants rows: the database does not grow.
func TestJanitorSweepsAServerNeverIdle(t *testing.T) {
	st := openJanitor(t, time.Hour, 50*time.Millisecond)
	ctx := context.Background()
	var a, b Tenant
	write(t, st, func(tx *Tx) (err error) {
		if a, err = newDemoTenant(tx, "a", 1); err != nil {
			return err
		}
		b, err = newDemoTenant(tx, "b", 0)
		return err
	})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := st.Write(ctx, func(tx *Tx) error {
				_, err := tx.Scope(a).Exec(`UPDATE demo_rows SET v = v || '.' WHERE tenant_id = @tenant`)
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	for range 30 {
		write(t, st, func(tx *Tx) (err error) {
			if err := fillDemo(tx, b, 200); err != nil {
				return err
			}
			b, err = tx.RetireTenant(b, "demo_keys")
			return err
		})
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var tenants, rows int
		err := st.Read(ctx, func(tx *Tx) error {
			if err := tx.QueryRow(`SELECT count(*) FROM tenants`).Scan(&tenants); err != nil {
				return err
			}
			return tx.QueryRow(`SELECT count(*) FROM demo_rows`).Scan(&rows)
		})
		if err != nil {
			t.Fatal(err)
		}
		if tenants == 2 && rows == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("under constant writes, %d tenants rows and %d demo rows left 60 s after 30 resets; want 2 and 1", tenants, rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A change to one vendor's tenants or credential tables forgets that
// vendor's remembered credentials, not another's: a suite resetting a
// tenant of one vendor does not make the tests of the others load theirs
// again.
func TestCredentialsAreForgottenByVendor(t *testing.T) {
	st := openJanitor(t, time.Hour, time.Hour)
	ctx := context.Background()
	var a Tenant
	write(t, st, func(tx *Tx) (err error) {
		if a, err = newDemoTenant(tx, "a", 0); err != nil {
			return err
		}
		_, err = tx.CreateTenant("other", "x")
		return err
	})
	loads := map[string]int{}
	lookup := func(vendor, namespace, key string) {
		t.Helper()
		_, err := st.Credential(ctx, namespace, key, func(tx *Tx) (any, error) {
			loads[namespace]++
			return tx.Tenant(vendor, key)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all := func() {
		t.Helper()
		lookup("demo", "demo", "a")
		lookup("demo", "demo whitelabel", "a")
		lookup("other", "other", "x")
	}
	all()
	all()
	if loads["demo"] != 1 || loads["demo whitelabel"] != 1 || loads["other"] != 1 {
		t.Fatalf("loads before any change: %v", loads)
	}
	// A reset of a demo tenant: its tenants row and its key row change.
	write(t, st, func(tx *Tx) error { _, err := tx.RetireTenant(a, "demo_keys"); return err })
	all()
	if loads["demo"] != 2 || loads["demo whitelabel"] != 2 || loads["other"] != 1 {
		t.Fatalf("loads after a demo tenant's reset: %v (want demo 2, demo whitelabel 2, other 1)", loads)
	}
	// A demo credential row changed by the vendor's own SQL.
	write(t, st, func(tx *Tx) error { _, err := tx.Exec(`UPDATE demo_keys SET secret = 'new'`); return err })
	all()
	if loads["demo"] != 3 || loads["other"] != 1 {
		t.Fatalf("loads after a demo key changed: %v", loads)
	}
	// The other vendor's tenant deleted.
	write(t, st, func(tx *Tx) error { _, err := tx.Exec(`DELETE FROM tenants WHERE vendor = 'other'`); return err })
	if _, err := st.Credential(ctx, "other", "x", func(tx *Tx) (any, error) { return tx.Tenant("other", "x") }); err != ErrNoTenant {
		t.Fatalf("a deleted tenant was still remembered: %v", err)
	}
	all2 := loads["demo"]
	lookup("demo", "demo", "a")
	if loads["demo"] != all2 {
		t.Fatalf("deleting another vendor's tenant made demo's load again")
	}
}

// haltedJanitor opens a store whose janitor goroutine is stopped: the test
// drives its steps and looks itself, at the times it chooses.
func haltedJanitor(t *testing.T) (*Store, *janitor) {
	t.Helper()
	st := openJanitor(t, time.Hour, time.Hour)
	j := &st.sweep
	j.halt()
	// What the goroutine saw before it stopped (Migrate woke it) is
	// forgotten: the test's looks start afresh.
	j.sweepDue, j.pruneDue, j.seen = time.Time{}, time.Time{}, 0
	return st, j
}

// sweptIDs is the ids of the tenants rows the janitor swept and has not
// pruned yet.
func sweptIDs(t *testing.T, st *Store) []int64 {
	t.Helper()
	var ids []int64
	err := st.Read(context.Background(), func(tx *Tx) error {
		rows, err := tx.Query(`SELECT id FROM tenants WHERE vendor = ?`, RetiredPrefix)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// A snapshot restored while the janitor is half-way through a batch fills
// again the tables it had emptied: the janitor empties them again before
// it marks the batch swept, instead of leaving their rows to the cascade
// of the tenants row (one long delete holding the writer).
func TestJanitorListsTablesAgainAfterARestore(t *testing.T) {
	st, j := haltedJanitor(t)
	ctx := context.Background()
	// One delete per step, of at most 10 rows.
	j.span, j.chunk = -1, 10
	var b Tenant
	write(t, st, func(tx *Tx) (err error) {
		if b, err = newDemoTenant(tx, "b", 30); err != nil {
			return err
		}
		_, err = tx.RetireTenant(b)
		return err
	})
	if _, err := st.SaveSnapshot(ctx, "retired"); err != nil {
		t.Fatal(err)
	}
	held := func(table string) (n int) {
		t.Helper()
		if err := st.Read(ctx, func(tx *Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM "`+table+`" WHERE tenant_id = ?`, b.ID).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// demo_keys goes first (sorted, no foreign key between the two), then
	// demo_rows in chunks: the restore comes once demo_keys is empty.
	for i := 0; held("demo_keys") != 0; i++ {
		if i == 10 {
			t.Fatal("ten steps did not empty demo_keys")
		}
		if _, _, err := j.step(); err != nil {
			t.Fatal(err)
		}
	}
	if r := held("demo_rows"); r == 0 {
		t.Fatal("demo_rows emptied with demo_keys: no step in the middle of the batch")
	}
	if err := st.RestoreSnapshot(ctx, "retired"); err != nil {
		t.Fatal(err)
	}
	if k := held("demo_keys"); k != 1 {
		t.Fatalf("the restore brought back %d keys, want 1", k)
	}
	for range 100 {
		more, _, err := j.step()
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
	}
	if ids := sweptIDs(t, st); len(ids) != 1 || ids[0] != b.ID {
		t.Fatalf("swept tenants %v, want [%d]", ids, b.ID)
	}
	// Marked swept, not pruned yet: nothing may be left for the cascade.
	if k, r := held("demo_keys"), held("demo_rows"); k != 0 || r != 0 {
		t.Fatalf("the swept tenant still holds %d keys and %d rows", k, r)
	}
}

// Under a reset every millisecond a sweep is always pending; the tenants
// rows the janitor swept are still pruned within pruneBacklog of being
// swept. Time here is the test's: the janitor looks once per reset, a
// millisecond later each time, and its writer is never quiet.
func TestSweptTenantsWaitNoLongerThanPruneBacklog(t *testing.T) {
	st, j := haltedJanitor(t)
	j.backlog, j.pruneBacklog = 10*time.Millisecond, 50*time.Millisecond
	var b Tenant
	write(t, st, func(tx *Tx) (err error) { b, err = newDemoTenant(tx, "b", 0); return err })
	now := time.Now()
	since := map[int64]time.Time{} // swept ids, when first seen swept
	pruned := 0
	for range 400 {
		now = now.Add(time.Millisecond)
		write(t, st, func(tx *Tx) (err error) {
			if err := fillDemo(tx, b, 3); err != nil {
				return err
			}
			b, err = tx.RetireTenant(b, "demo_keys")
			return err
		})
		j.kicked(now)
		j.look(now)
		ids := sweptIDs(t, st)
		seen := map[int64]bool{}
		for _, id := range ids {
			seen[id] = true
			if _, ok := since[id]; !ok {
				since[id] = now
			}
			if waited := now.Sub(since[id]); waited > j.pruneBacklog {
				t.Fatalf("tenant %d swept %v ago, not pruned (pruneBacklog %v); %d swept rows wait", id, waited, j.pruneBacklog, len(ids))
			}
		}
		for id := range since {
			if !seen[id] {
				delete(since, id)
				pruned++
			}
		}
	}
	// The resets' rows were swept too, not only pruned.
	if pruned < 300 {
		t.Fatalf("%d of 400 retired tenants swept and pruned", pruned)
	}
}

// A table WITHOUT ROWID (Keitaro's hourly rollups) is swept in chunks like
// any other, not in one delete that holds the writer as long as the
// tenant's rows take (0.4-0.7 s for a Keitaro tenant of 100,000 clicks).
func TestJanitorSweepsATableWithoutRowidInChunks(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "w.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	schema := `CREATE TABLE wr_hours (tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
		hour TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (tenant_id, hour)) WITHOUT ROWID;`
	if _, err := st.Migrate(context.Background(), []Schema{{Component: "wr", SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	// The janitor picks its rows by primary key, found once per table.
	if err := st.Read(context.Background(), func(tx *Tx) error {
		for table, want := range map[string]string{"wr_hours": `"tenant_id", "hour"`, "tenants": "rowid"} {
			if key, err := tx.rowKey(table); err != nil || key != want {
				t.Errorf("rowKey(%s) = %q, %v; want %q", table, key, err, want)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	j := &st.sweep
	j.halt()
	j.span, j.chunk = -1, 10
	var a, b Tenant
	write(t, st, func(tx *Tx) (err error) {
		if a, err = tx.CreateTenant("wr", "a"); err != nil {
			return err
		}
		if b, err = tx.CreateTenant("wr", "b"); err != nil {
			return err
		}
		for i := range 25 {
			for _, tn := range []Tenant{a, b} {
				if _, err := tx.Exec(`INSERT INTO wr_hours (tenant_id, hour, n) VALUES (?, ?, 1)`, tn.ID, fmt.Sprintf("h%02d", i)); err != nil {
					return err
				}
			}
		}
		_, err = tx.RetireTenant(a)
		return err
	})
	held := func(tn Tenant) (n int) {
		t.Helper()
		if err := st.Read(context.Background(), func(tx *Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM wr_hours WHERE tenant_id = ?`, tn.ID).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var left []int
	for range 10 {
		more, _, err := j.step()
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, held(a))
		if !more {
			break
		}
	}
	// A look, then 10 rows a step.
	if want := []int{25, 15, 5, 0}; !slices.Equal(left[:min(len(left), 4)], want) {
		t.Fatalf("rows of the retired tenant after each step: %v, want %v first", left, want)
	}
	if n := held(b); n != 25 {
		t.Fatalf("the other tenant holds %d rows, want 25", n)
	}
}
