package store_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

const schema = `
CREATE TABLE demo_keys (tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE, secret TEXT);
CREATE TABLE demo_rows (id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE, v TEXT);
CREATE TABLE demo_seq (name TEXT PRIMARY KEY, next INTEGER);`

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.NewClock(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background(), []store.Schema{{Component: "demo", SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	return st
}

func count(t *testing.T, st *store.Store, table string) (n int) {
	t.Helper()
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestScopedQueriesSeeOnlyTheirTenant(t *testing.T) {
	st := open(t, store.Memory)
	ctx := context.Background()
	err := st.Write(ctx, func(tx *store.Tx) error {
		for _, key := range []string{"a", "b"} {
			tn, err := tx.CreateTenant("demo", key)
			if err != nil {
				return err
			}
			if _, err := tx.Scope(tn).Exec(`INSERT INTO demo_rows (tenant_id, v) VALUES (@tenant, ?)`, key+"1"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Read(ctx, func(tx *store.Tx) error {
		a, err := tx.Tenant("demo", "a")
		if err != nil {
			t.Fatal(err)
		}
		var vs []string
		rows, _ := tx.Scope(a).Query(`SELECT v FROM demo_rows WHERE tenant_id = @tenant`)
		for rows.Next() {
			var v string
			rows.Scan(&v)
			vs = append(vs, v)
		}
		rows.Close()
		if strings.Join(vs, ",") != "a1" {
			t.Fatalf("tenant a sees %v", vs)
		}
		if _, err := tx.Tenant("demo", "A"); !errors.Is(err, store.ErrNoTenant) {
			t.Fatalf("keys are exact: %v", err)
		}
		return nil
	})
}

func TestScopedQueryWithoutTenantPanics(t *testing.T) {
	st := open(t, store.Memory)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "@tenant") {
			t.Fatalf("recovered %v", r)
		}
	}()
	st.Read(context.Background(), func(tx *store.Tx) error {
		tx.Scope(store.Tenant{ID: 1}).QueryRow(`SELECT v FROM demo_rows`)
		return nil
	})
}

func TestTenantsAreUniquePerVendor(t *testing.T) {
	st := open(t, store.Memory)
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.CreateTenant("demo", "k"); err != nil {
			return err
		}
		if _, err := tx.CreateTenant("other", "k"); err != nil {
			return err
		}
		if _, err := tx.CreateTenant("demo", "k"); !errors.Is(err, store.ErrTenantExists) {
			t.Fatalf("duplicate: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestClearTenantKeepsCredentialsAndOthers(t *testing.T) {
	st := open(t, store.Memory)
	ctx := context.Background()
	st.Write(ctx, func(tx *store.Tx) error {
		for _, key := range []string{"a", "b"} {
			tn, _ := tx.CreateTenant("demo", key)
			s := tx.Scope(tn)
			s.Exec(`INSERT INTO demo_keys (tenant_id, secret) VALUES (@tenant, 'x')`)
			s.Exec(`INSERT INTO demo_rows (tenant_id, v) VALUES (@tenant, 'r')`)
		}
		tx.Exec(`INSERT INTO demo_seq VALUES ('ids', 5)`)
		return nil
	})
	err := st.Write(ctx, func(tx *store.Tx) error {
		a, _ := tx.Tenant("demo", "a")
		return tx.ClearTenant(a, "demo_keys")
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, "demo_rows"); n != 1 {
		t.Fatalf("%d rows left, want b's one", n)
	}
	if n := count(t, st, "demo_keys"); n != 2 {
		t.Fatalf("%d keys left, want both", n)
	}
	if n := count(t, st, "demo_seq"); n != 1 {
		t.Fatal("a table without tenant_id was cleared by a tenant reset")
	}
	st.Write(ctx, func(tx *store.Tx) error { return tx.ClearVendor("demo") })
	for _, table := range []string{"demo_rows", "demo_keys", "demo_seq", "tenants"} {
		if n := count(t, st, table); n != 0 {
			t.Fatalf("%s has %d rows after ClearVendor", table, n)
		}
	}
}

func TestWriteRollsBackOnError(t *testing.T) {
	st := open(t, store.Memory)
	boom := errors.New("validation failed")
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		tx.Exec(`INSERT INTO demo_seq VALUES ('x', 1)`)
		return boom
	})
	if !errors.Is(err, boom) || count(t, st, "demo_seq") != 0 {
		t.Fatalf("err %v, rows %d", err, count(t, st, "demo_seq"))
	}
}

func TestMigrateOnceAndReplaceChangedSchema(t *testing.T) {
	path := t.TempDir() + "/m.db"
	ctx := context.Background()
	st, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.Migrate(ctx, []store.Schema{{Component: "demo", SQL: schema}})
	if err != nil || !m[0].Fresh {
		t.Fatalf("first migrate %+v %v", m, err)
	}
	st.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(`INSERT INTO demo_seq VALUES ('x', 1)`); return err })
	st.Close()

	st, _ = store.Open(path, nil)
	m, err = st.Migrate(ctx, []store.Schema{{Component: "demo", SQL: schema}})
	if err != nil || m[0].Fresh || m[0].Replaced || count(t, st, "demo_seq") != 1 {
		t.Fatalf("same schema again %+v %v", m, err)
	}
	m, err = st.Migrate(ctx, []store.Schema{{Component: "demo", SQL: schema + "\nCREATE TABLE demo_more (x);"}})
	if err != nil || !m[0].Fresh || !m[0].Replaced || count(t, st, "demo_seq") != 0 {
		t.Fatalf("changed schema %+v %v", m, err)
	}
	st.Close()
	if _, err := st.Migrate(ctx, []store.Schema{{Component: "Bad-Name", SQL: ""}}); err == nil {
		t.Fatal("bad component name accepted")
	}
}

func TestClock(t *testing.T) {
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := store.NewClock(func() time.Time { return wall })
	if !c.Now().Equal(wall) || c.Frozen() {
		t.Fatal("wall clock")
	}
	c.Advance(time.Hour)
	if !c.Now().Equal(wall.Add(time.Hour)) || c.Frozen() {
		t.Fatal("advanced running clock")
	}
	at := time.Date(2031, 3, 1, 10, 0, 0, 0, time.FixedZone("x", 3600))
	c.Set(at)
	wall = wall.Add(time.Minute) // the wall clock moves; the frozen clock does not
	if !c.Now().Equal(at) || c.Now().Location() != time.UTC || !c.Frozen() {
		t.Fatalf("frozen %v", c.Now())
	}
	c.Advance(24 * time.Hour)
	if !c.Now().Equal(at.Add(24 * time.Hour)) {
		t.Fatal("advanced frozen clock")
	}
	c.Real()
	if !c.Now().Equal(wall) || c.Frozen() {
		t.Fatal("back to real")
	}
}

func TestClockRange(t *testing.T) {
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := store.NewClock(func() time.Time { return wall })
	var re *store.RangeError
	if err := c.Set(store.MaxTime.Add(time.Microsecond)); !errors.As(err, &re) {
		t.Fatalf("past MaxTime: %v", err)
	}
	if err := c.Set(store.MinTime.Add(-time.Microsecond)); !errors.As(err, &re) || c.Frozen() {
		t.Fatalf("before MinTime: %v (frozen %v)", err, c.Frozen())
	}
	// A running clock: its offset cannot overflow, nor leave the range.
	for _, d := range []time.Duration{math.MinInt64, -70 * 365 * 24 * time.Hour} {
		if err := c.Advance(d); !errors.As(err, &re) || !c.Now().Equal(wall) {
			t.Fatalf("advance %v: %v, now %v", d, err, c.Now())
		}
	}
	if err := c.Advance(math.MaxInt64 / 2); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(math.MaxInt64/2 + 2); !errors.As(err, &re) {
		t.Fatalf("overflowing offset: %v", err)
	}
	if err := c.Set(store.MaxTime); err != nil || !c.Now().Equal(store.MaxTime) {
		t.Fatalf("MaxTime: %v", err)
	}
	if err := c.Advance(time.Microsecond); !errors.As(err, &re) || !c.Now().Equal(store.MaxTime) {
		t.Fatalf("frozen past MaxTime: %v", err)
	}
}

// A read's statements see one state of the database, also when a write
// commits between them (a read's first statement runs alone; the store
// must notice the commit and read again).
func TestReadStatementsSeeOneState(t *testing.T) {
	st := open(t, t.TempDir()+"/read.db")
	ctx := context.Background()
	var tenant store.Tenant
	err := st.Write(ctx, func(tx *store.Tx) (err error) {
		tenant, err = tx.CreateTenant("demo", "k")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	insert := func() {
		err := st.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Scope(tenant).Exec(`INSERT INTO demo_rows (tenant_id, v) VALUES (@tenant, 'x')`)
			return err
		})
		if err != nil {
			t.Error(err)
		}
	}
	for _, between := range []bool{false, true} {
		runs := 0
		var first, second int
		err := st.Read(ctx, func(tx *store.Tx) error {
			runs++
			if err := tx.QueryRow(`SELECT count(*) FROM demo_rows`).Scan(&first); err != nil {
				return err
			}
			if between {
				insert() // on the write connection: a reader does not hold it up
			}
			return tx.QueryRow(`SELECT count(*) FROM demo_rows`).Scan(&second)
		})
		if err != nil {
			t.Fatal(err)
		}
		if first != second {
			t.Fatalf("write between statements %v: the read saw %d rows, then %d (%d runs)", between, first, second, runs)
		}
		if !between && runs != 1 {
			t.Fatalf("a read nothing disturbed ran %d times", runs)
		}
	}
}
