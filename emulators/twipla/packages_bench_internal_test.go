package twipla

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/store"
)

// openPackageStore is a store with TWIPLA's tables and one INTP holding
// the default package set, in a file or in memory.
func openPackageStore(tb testing.TB, db string) (*store.Store, store.Tenant) {
	tb.Helper()
	path := store.Memory
	if db == "file" {
		path = filepath.Join(tb.TempDir(), "packages.db")
	}
	st, err := store.Open(path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background(), []store.Schema{{Component: Name, SQL: schema}}); err != nil {
		tb.Fatal(err)
	}
	var tenant store.Tenant
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		if tenant, err = tx.CreateTenant(Name, "intp-1"); err != nil {
			return err
		}
		ids := []string{"4cafe689-e1d4-44fb-9d6b-7807d3139a7b", "0d7e5c1a-6b2f-4f3e-9a8d-1c4b7e2f5a90",
			"497f6eca-6276-4993-bfeb-53cbbbba6f08", "471cc1d4-ec27-4504-b7c2-949af95662bc",
			"8b1f2d3c-4e5a-4b6c-9d7e-0f1a2b3c4d5e", "e6a9c8b7-1d2e-4f30-8a4b-5c6d7e8f9a0b"}
		return insertPackageSet(tx.Scope(tenant), defaultSet(ids, stamp{time.Date(2023, 8, 22, 8, 14, 3, 0, time.UTC)}))
	})
	if err != nil {
		tb.Fatal(err)
	}
	return st, tenant
}

// BenchmarkLoadPackages is the read of a package list alone (the default
// set of six packages), without HTTP, authentication or JSON: the part of
// the list that SQLite and the driver cost.
//
//	go test -run='^$' -bench=LoadPackages -benchmem ./emulators/twipla
func BenchmarkLoadPackages(b *testing.B) {
	for _, db := range []string{"file", "memory"} {
		b.Run(db, func(b *testing.B) {
			st, tenant := openPackageStore(b, db)
			b.ReportAllocs()
			cpu := vtest.CPUTime()
			for b.Loop() {
				err := st.Read(context.Background(), func(tx *store.Tx) error {
					cat, _, err := loadPackages(tx.Scope(tenant))
					if err == nil && len(cat.list) != len(defaultPackages) {
						b.Fatalf("%d packages", len(cat.list))
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(vtest.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
	// Many readers at once on a file, as a load of many clients reads:
	// what they share (SQLite's global state, the pool) counts too.
	b.Run("file/parallel", func(b *testing.B) {
		st, tenant := openPackageStore(b, "file")
		b.ReportAllocs()
		b.SetParallelism(4)
		cpu := vtest.CPUTime()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				err := st.Read(context.Background(), func(tx *store.Tx) error {
					_, _, err := loadPackages(tx.Scope(tenant))
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(vtest.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
	})
}
