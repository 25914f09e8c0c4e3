package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

func insertRow(t *testing.T, st *store.Store, v string) {
	t.Helper()
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		tn, err := tx.Tenant("demo", "a")
		if errors.Is(err, store.ErrNoTenant) {
			tn, err = tx.CreateTenant("demo", "a")
		}
		if err != nil {
			return err
		}
		_, err = tx.Scope(tn).Exec(`INSERT INTO demo_rows (tenant_id, v) VALUES (@tenant, ?)`, v)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotSaveRestore(t *testing.T) {
	for _, kind := range []string{"memory", "file"} {
		t.Run(kind, func(t *testing.T) {
			path := store.Memory
			if kind == "file" {
				path = filepath.Join(t.TempDir(), "emu.db")
			}
			st := open(t, path)
			ctx := context.Background()
			insertRow(t, st, "fixture")
			info, err := st.SaveSnapshot(ctx, "baseline")
			if err != nil || info.Name != "baseline" || info.Bytes <= 0 {
				t.Fatalf("save: %+v %v", info, err)
			}
			insertRow(t, st, "test 1")
			insertRow(t, st, "test 2")
			if n := count(t, st, "demo_rows"); n != 3 {
				t.Fatalf("before restore: %d rows", n)
			}
			if err := st.RestoreSnapshot(ctx, "baseline"); err != nil {
				t.Fatal(err)
			}
			if n := count(t, st, "demo_rows"); n != 1 {
				t.Fatalf("after restore: %d rows", n)
			}
			if st.Generation() != 1 {
				t.Fatalf("generation %d", st.Generation())
			}
			// Ids go on from the snapshot's, as they would have then.
			insertRow(t, st, "again")
			var id int64
			st.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(`SELECT max(id) FROM demo_rows`).Scan(&id)
			})
			if id != 2 {
				t.Fatalf("next id after restore: %d", id)
			}
			// Saving under a taken name replaces the snapshot.
			if _, err := st.SaveSnapshot(ctx, "baseline"); err != nil {
				t.Fatal(err)
			}
			st.SaveSnapshot(ctx, "other.v2")
			list, _ := st.Snapshots(ctx)
			if len(list) != 2 || list[0].Name != "baseline" || list[1].Name != "other.v2" {
				t.Fatalf("list %+v", list)
			}
			insertRow(t, st, "x")
			st.RestoreSnapshot(ctx, "baseline")
			if n := count(t, st, "demo_rows"); n != 2 {
				t.Fatalf("after the second restore: %d rows", n)
			}
			if err := st.DeleteSnapshot("other.v2"); err != nil {
				t.Fatal(err)
			}
			for _, err := range []error{st.DeleteSnapshot("other.v2"), st.RestoreSnapshot(ctx, "nope")} {
				if !errors.Is(err, store.ErrNoSnapshot) {
					t.Fatalf("missing snapshot: %v", err)
				}
			}
			for _, bad := range []string{"", "../x", "a/b", ".hidden", "-x", "a b", string(make([]byte, 65))} {
				if _, err := st.SaveSnapshot(ctx, bad); !errors.Is(err, store.ErrSnapshotName) {
					t.Fatalf("name %q: %v", bad, err)
				}
			}
			if kind == "file" {
				if _, err := os.Stat(path + ".snapshots/baseline.sqlite"); err != nil {
					t.Fatalf("snapshot file: %v", err)
				}
			}
		})
	}
}

func TestSnapshotSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emu.db")
	st := open(t, path)
	insertRow(t, st, "fixture")
	st.SaveSnapshot(context.Background(), "baseline")
	insertRow(t, st, "later")
	st.Close()
	st = open(t, path)
	if err := st.RestoreSnapshot(context.Background(), "baseline"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, "demo_rows"); n != 1 {
		t.Fatalf("%d rows", n)
	}
}

func TestSnapshotOfAnotherSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emu.db")
	st := open(t, path)
	st.SaveSnapshot(context.Background(), "old")
	st.Close()
	st2, err := store.Open(path, store.NewClock(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	st2.Migrate(context.Background(), []store.Schema{{Component: "demo", SQL: schema + "\nCREATE TABLE demo_extra (x INTEGER);"}})
	if err := st2.RestoreSnapshot(context.Background(), "old"); !errors.Is(err, store.ErrSnapshotSchema) {
		t.Fatalf("restore across schemas: %v", err)
	}
}

func TestRestoreWithConcurrentRequests(t *testing.T) {
	for _, path := range []string{store.Memory, filepath.Join(t.TempDir(), "emu.db")} {
		st := open(t, path)
		ctx := context.Background()
		insertRow(t, st, "fixture")
		st.SaveSnapshot(ctx, "baseline")
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					insertRow(t, st, "noise")
					// Every read sees a whole database: the fixture is there.
					var n int
					st.Read(ctx, func(tx *store.Tx) error {
						return tx.QueryRow(`SELECT count(*) FROM demo_rows WHERE v = 'fixture'`).Scan(&n)
					})
					if n != 1 {
						t.Errorf("a read saw %d fixtures", n)
						return
					}
				}
			}()
		}
		for range 20 {
			if err := st.RestoreSnapshot(ctx, "baseline"); err != nil {
				t.Fatal(err)
			}
		}
		close(stop)
		wg.Wait()
		st.RestoreSnapshot(ctx, "baseline")
		if n := count(t, st, "demo_rows"); n != 1 {
			t.Fatalf("%s: %d rows after the last restore", path, n)
		}
	}
}
