package store

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkRead is one read transaction finding a tenant's row.
func BenchmarkRead(b *testing.B) {
	st, err := Open(filepath.Join(b.TempDir(), "b.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx, []Schema{{Component: "demo", SQL: internalSchema}}); err != nil {
		b.Fatal(err)
	}
	st.Write(ctx, func(tx *Tx) error {
		tn, _ := tx.CreateTenant("demo", "a")
		_, err := tx.Scope(tn).Exec(`INSERT INTO demo_rows (tenant_id, v) VALUES (@tenant, 'x')`)
		return err
	})
	b.ReportAllocs()
	for b.Loop() {
		err := st.Read(ctx, func(tx *Tx) error {
			tn, err := tx.Tenant("demo", "a")
			if err != nil {
				return err
			}
			var v string
			return tx.Scope(tn).QueryRow(`SELECT v FROM demo_rows WHERE tenant_id = @tenant AND id = ?`, 1).Scan(&v)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
