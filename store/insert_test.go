package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// A RowsInsert stores every row of a load in chunks, whatever its length:
// one row, a chunk and one more, and more rows than SQLite takes
// parameters in a single statement.
func TestRowsInsertChunks(t *testing.T) {
	st := openInternal(t, filepath.Join(t.TempDir(), "rows.db"))
	ins := NewRowsInsert("demo_rows", "v")
	for _, n := range []int{1, InsertChunk + 1, 40_000} {
		err := st.Write(context.Background(), func(tx *Tx) error {
			tn, err := tx.Tenant("demo", "a")
			if err != nil {
				return err
			}
			s := tx.Scope(tn)
			for start := 0; start < n; start += InsertChunk {
				size := min(InsertChunk, n-start)
				args := make([]any, 0, size*ins.Width())
				for i := range size {
					args = append(args, fmt.Sprintf("rows %d: %d", n, start+i))
				}
				if _, err := s.Exec(ins.Text(size), args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%d rows: %v", n, err)
		}
		var got int
		err = st.Read(context.Background(), func(tx *Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM demo_rows WHERE v LIKE ?`, fmt.Sprintf("rows %d: %%", n)).Scan(&got)
		})
		if err != nil || got != n {
			t.Errorf("%d rows stored, want %d (%v)", got, n, err)
		}
	}
}

// InsertRows stores every value as Exec with the same argument would:
// the same SQLite type and value, whatever Go type it comes in. A row that
// breaks a constraint fails with the constraint's error, which rolls the
// whole write back; a load of many rows is stored whole.
func TestInsertRowsStoresValuesAsExec(t *testing.T) {
	ctx := context.Background()
	st := openInternal(t, filepath.Join(t.TempDir(), "rows.db"))
	if _, err := st.Migrate(ctx, []Schema{{Component: "demo", SQL: internalSchema +
		"\nCREATE TABLE demo_values (tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE, n INTEGER, v);"}}); err != nil {
		t.Fatal(err)
	}
	type label string
	values := []any{int64(7), 8, 2.5, float64(3), "text", "", true, false, nil, []byte("b"), label("named"),
		time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC), int32(-4), uint8(9), -0.0}
	stored := func(s Scoped, n int) (string, error) {
		var typ, quoted string
		err := s.QueryRow(`SELECT typeof(v), quote(v) FROM demo_values WHERE tenant_id = @tenant AND n = ?`, n).Scan(&typ, &quoted)
		return typ + " " + quoted, err
	}
	// (The migration made the component's tables anew, tenants included.)
	err := st.Write(ctx, func(tx *Tx) error {
		tn, err := tx.CreateTenant("demo", "a")
		if err != nil {
			return err
		}
		s := tx.Scope(tn)
		err = s.InsertRows(NewRowInsert("demo_values", "n", "v"), len(values), func(i int, vals []any) {
			vals[0], vals[1] = i, values[i]
		})
		if err != nil {
			return err
		}
		for i, v := range values {
			if _, err := s.Exec(`INSERT INTO demo_values (tenant_id, n, v) VALUES (@tenant, ?, ?)`, 100+i, v); err != nil {
				return err
			}
			got, err := stored(s, i)
			if err != nil {
				return err
			}
			want, err := stored(s, 100+i)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("%T %v: stored as %s, Exec stores %s", v, v, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The third row's v is taken: nothing of the load stays.
	err = st.Write(ctx, func(tx *Tx) error {
		tn, err := tx.Tenant("demo", "a")
		if err != nil {
			return err
		}
		return tx.Scope(tn).InsertRows(NewRowInsert("demo_rows", "v"), 3, func(i int, vals []any) {
			vals[0] = []string{"fresh 1", "fresh 2", "fresh 1"}[i]
		})
	})
	if !IsConstraintViolation(err) {
		t.Fatalf("a taken value: %v", err)
	}
	const many = 40_000
	err = st.Write(ctx, func(tx *Tx) error {
		tn, err := tx.Tenant("demo", "a")
		if err != nil {
			return err
		}
		return tx.Scope(tn).InsertRows(NewRowInsert("demo_rows", "v"), many, func(i int, vals []any) {
			vals[0] = fmt.Sprint("many ", i)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var fresh, stored2 int
	err = st.Read(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(`SELECT count(*) FROM demo_rows WHERE v LIKE 'fresh%'`).Scan(&fresh); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT count(*) FROM demo_rows WHERE v LIKE 'many %'`).Scan(&stored2)
	})
	if err != nil || fresh != 0 || stored2 != many {
		t.Fatalf("%d rows of the failed load, %d of %d stored (%v)", fresh, stored2, many, err)
	}
}
