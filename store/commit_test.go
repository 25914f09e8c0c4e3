package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const internalSchema = `
CREATE TABLE demo_rows (id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE, v TEXT UNIQUE);
CREATE INDEX demo_rows_tenant ON demo_rows (tenant_id);
CREATE TABLE demo_keys (tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE, secret TEXT);`

func openInternal(t *testing.T, path string) *Store {
	t.Helper()
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Watch("demo_keys")
	if _, err := st.Migrate(context.Background(), []Schema{{Component: "demo", SQL: internalSchema}}); err != nil {
		t.Fatal(err)
	}
	err = st.Write(context.Background(), func(tx *Tx) error {
		_, err := tx.CreateTenant("demo", "a")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func insertRow(tx *Tx, v string) error {
	tn, err := tx.Tenant("demo", "a")
	if err != nil {
		return err
	}
	_, err = tx.Scope(tn).Exec(`INSERT INTO demo_rows (tenant_id, v) VALUES (@tenant, ?)`, v)
	return err
}

func rowExists(t *testing.T, st *Store, v string) bool {
	t.Helper()
	var n int
	err := st.Read(context.Background(), func(tx *Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM demo_rows WHERE v = ?`, v).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// waitQueued waits until n writers queue behind the one that runs.
func waitQueued(t *testing.T, st *Store, n int32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for st.waiting.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writers queued, want %d", st.waiting.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A group of writers shares one commit; each one's failure or panic rolls
// back its own work only, and every writer that is answered nil finds its
// write there.
func TestGroupCommitIsolatesEachWriter(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "g.db"))
	ctx := context.Background()
	running, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error)
	go func() {
		firstDone <- st.Write(ctx, func(tx *Tx) error {
			close(running)
			<-release
			return insertRow(tx, "first")
		})
	}()
	<-running
	boom := errors.New("refused")
	type outcome struct {
		v   string
		err error
		pan any
	}
	results := make(chan outcome, 4)
	for i, mode := range []string{"ok", "error", "panic", "duplicate"} {
		v := fmt.Sprintf("w%d-%s", i, mode)
		go func() {
			o := outcome{v: v}
			defer func() {
				o.pan = recover()
				results <- o
			}()
			o.err = st.Write(ctx, func(tx *Tx) error {
				if err := insertRow(tx, v); err != nil {
					return err
				}
				switch mode {
				case "error":
					return boom
				case "panic":
					panic("handler bug")
				case "duplicate":
					return insertRow(tx, "first") // a constraint failure after a good insert
				}
				return nil
			})
		}()
	}
	waitQueued(t, st, 4)
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if !rowExists(t, st, "first") {
		t.Fatal("the first writer was answered before its commit")
	}
	for range 4 {
		o := <-results
		switch {
		case o.v == "w0-ok":
			if o.err != nil || o.pan != nil || !rowExists(t, st, o.v) {
				t.Errorf("%s: err %v, panic %v, stored %v", o.v, o.err, o.pan, rowExists(t, st, o.v))
			}
		case o.v == "w1-error" && !errors.Is(o.err, boom), o.v == "w2-panic" && o.pan == nil, o.v == "w3-duplicate" && o.err == nil:
			t.Errorf("%s: err %v, panic %v", o.v, o.err, o.pan)
		case o.v != "w0-ok" && rowExists(t, st, o.v):
			t.Errorf("%s failed but its row is stored", o.v)
		}
	}
}

// A failing first writer rolls back the transaction it began; the writers
// queued behind it commit in a new one.
func TestGroupCommitAfterAFailedFirstWriter(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "g.db"))
	ctx := context.Background()
	running, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error)
	go func() {
		firstDone <- st.Write(ctx, func(tx *Tx) error {
			close(running)
			<-release
			if err := insertRow(tx, "first"); err != nil {
				return err
			}
			return errors.New("no")
		})
	}()
	<-running
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Write(ctx, func(tx *Tx) error { return insertRow(tx, fmt.Sprint("next", i)) })
		}()
	}
	waitQueued(t, st, 3)
	close(release)
	if err := <-firstDone; err == nil || rowExists(t, st, "first") {
		t.Fatalf("first writer: %v", err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil || !rowExists(t, st, fmt.Sprint("next", i)) {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
}

// Many concurrent writers, a third of them failing: exactly the others'
// writes are stored, on a file and in memory.
func TestConcurrentWritersUnderLoad(t *testing.T) {
	for name, path := range map[string]string{"file": filepath.Join(t.TempDir(), "l.db"), "memory": Memory} {
		t.Run(name, func(t *testing.T) {
			st := openInternal(t, path)
			var wg sync.WaitGroup
			failed := make([]bool, 200)
			for i := range failed {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := st.Write(context.Background(), func(tx *Tx) error {
						if err := insertRow(tx, fmt.Sprint(i)); err != nil {
							return err
						}
						if i%3 == 0 {
							return errors.New("refused")
						}
						return nil
					})
					failed[i] = err != nil
					if !failed[i] && !rowExists(t, st, fmt.Sprint(i)) {
						t.Errorf("write %d acknowledged but not visible", i)
					}
				}()
			}
			wg.Wait()
			for i, f := range failed {
				if f != (i%3 == 0) || rowExists(t, st, fmt.Sprint(i)) == f {
					t.Errorf("write %d: failed %v, stored %v", i, f, rowExists(t, st, fmt.Sprint(i)))
				}
			}
		})
	}
}

// A read runs beside an unfinished write (on a file; in memory reads and
// writes share one connection).
func TestReadsDoNotWaitForTheWriter(t *testing.T) {
	for name, path := range map[string]string{"file": filepath.Join(t.TempDir(), "r.db")} {
		t.Run(name, func(t *testing.T) {
			st := openInternal(t, path)
			inWrite, release := make(chan struct{}), make(chan struct{})
			done := make(chan error)
			go func() {
				done <- st.Write(context.Background(), func(tx *Tx) error {
					if err := insertRow(tx, "pending"); err != nil {
						return err
					}
					close(inWrite)
					<-release
					return nil
				})
			}()
			<-inWrite
			if rowExists(t, st, "pending") {
				t.Error("a read saw an uncommitted write")
			}
			close(release)
			if err := <-done; err != nil || !rowExists(t, st, "pending") {
				t.Fatalf("write: %v", err)
			}
		})
	}
}

// Once the store is interrupted, every statement of a running write fails
// at once (a connection does not look at its context by itself), the
// write is rolled back, and no read or write begins.
func TestInterruptStopsARunningWrite(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "i.db"))
	err := st.Write(context.Background(), func(tx *Tx) error {
		if err := insertRow(tx, "before"); err != nil {
			return err
		}
		st.Interrupt()
		if _, err := tx.Exec(`SELECT 1`); !errors.Is(err, context.Canceled) {
			t.Errorf("Exec after Interrupt: %v", err)
		}
		if _, err := tx.Query(`SELECT 1`); !errors.Is(err, context.Canceled) {
			t.Errorf("Query after Interrupt: %v", err)
		}
		var n int
		if err := tx.QueryRow(`SELECT 1`).Scan(&n); !errors.Is(err, context.Canceled) {
			t.Errorf("QueryRow after Interrupt: %v", err)
		}
		return insertRow(tx, "after")
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the write ended with %v", err)
	}
	if err := st.Read(context.Background(), func(*Tx) error { return nil }); err == nil {
		t.Fatal("a read began after Interrupt")
	}
	if err := st.Write(context.Background(), func(*Tx) error { return nil }); err == nil {
		t.Fatal("a write began after Interrupt")
	}
}

// ReleaseMemory empties caches only: the data and later statements are as
// before, in memory and on a file.
func TestReleaseMemoryKeepsData(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "r.db"), Memory} {
		st := openInternal(t, path)
		write(t, st, func(tx *Tx) error {
			_, err := tx.Exec(`INSERT INTO demo_keys (tenant_id, secret) SELECT id, 'kept' FROM tenants`)
			return err
		})
		st.ReleaseMemory()
		var s string
		if err := st.Read(context.Background(), func(tx *Tx) error {
			return tx.QueryRow(`SELECT secret FROM demo_keys`).Scan(&s)
		}); err != nil || s != "kept" {
			t.Fatalf("%s: %q, %v after ReleaseMemory", path, s, err)
		}
		write(t, st, func(tx *Tx) error {
			_, err := tx.Exec(`UPDATE demo_keys SET secret = 'again'`)
			return err
		})
	}
}
