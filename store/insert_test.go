package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
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
