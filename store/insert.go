package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// InsertChunk is how many rows one statement of a RowsInsert stores at the
// most: SQLite takes at most 32,766 parameters in a statement, and 64 rows
// measured as fast as 512 while keeping the statement cache small.
const InsertChunk = 64

// RowsInsert writes the multi-row INSERTs of a bulk load into a tenant
// table: n rows in one statement, tenant_id taking @tenant and each column
// a "?" per row. Bulk loads insert chunks of InsertChunk rows, so that the
// statement's text repeats and each connection's statement cache prepares
// it once; each text is built the first time it is asked for.
type RowsInsert struct {
	table   string
	columns []string
	texts   [InsertChunk + 1]struct {
		once sync.Once
		text string
	}
}

// NewRowsInsert is the RowsInsert of table's columns (tenant_id aside).
func NewRowsInsert(table string, columns ...string) *RowsInsert {
	return &RowsInsert{table: table, columns: columns}
}

// Width is the number of parameters a row takes.
func (r *RowsInsert) Width() int { return len(r.columns) }

// Text is the INSERT of n rows, 1 ≤ n ≤ InsertChunk.
func (r *RowsInsert) Text(n int) string {
	t := &r.texts[n]
	t.once.Do(func() {
		row := "(@tenant" + strings.Repeat(", ?", len(r.columns)) + ")"
		t.text = `INSERT INTO ` + r.table + ` (tenant_id, ` + strings.Join(r.columns, ", ") + `) VALUES ` +
			strings.Repeat(row+", ", n-1) + row
	})
	return t.text
}

// JSONRowsInsert is the INSERT that stores a tenant table's rows from a
// JSON array, bound as the statement's last parameter: each row an array
// of the values of columns, in order, read with jsonb_each (whose rows are
// binary JSON, which ->> reads without parsing them again, and which binds
// one value instead of one per column through cgo). lead are columns whose
// values, the same for every row, are bound before the array.
func JSONRowsInsert(table string, lead, columns []string) string {
	sel := make([]string, 0, len(lead)+len(columns))
	for range lead {
		sel = append(sel, "?")
	}
	for j := range columns {
		sel = append(sel, "value ->> "+strconv.Itoa(j))
	}
	return `INSERT INTO ` + table + ` (tenant_id, "` + strings.Join(append(slices.Clone(lead), columns...), `", "`) + `")
		SELECT @tenant, ` + strings.Join(sel, ", ") + ` FROM jsonb_each(?)`
}

// RowInsert is the prepared single-row INSERT of a tenant table's columns
// that InsertRows runs, its text built once when the RowInsert is made
// (bulk loads keep one in a package variable and prepare it once per
// InsertRows call: once a request, or once a chunk of a streamed one).
type RowInsert struct {
	table   string
	columns []string
	text    string
}

// NewRowInsert is the RowInsert of table's columns (tenant_id aside).
func NewRowInsert(table string, columns ...string) *RowInsert {
	return &RowInsert{table: table, columns: columns, text: `INSERT INTO ` + table + ` (tenant_id, "` +
		strings.Join(columns, `", "`) + `") VALUES (?` + strings.Repeat(", ?", len(columns)) + `)`}
}

// Width is the number of values a row takes.
func (ins *RowInsert) Width() int { return len(ins.columns) }

// InsertRows stores n rows into ins's table (tenant_id taking the scope's
// tenant) with its prepared single-row INSERT, run once a row with the
// values fill writes into vals (row i's, in the order of ins's columns).
// Each value goes to SQLite as it is bound, converted as
// database/sql converts arguments, without database/sql's work per call:
// for a wide row this beats JSONRowsInsert, whose JSON SQLite parses and
// then reads value by value, each a walk from the start of the row. (For a
// table with many indexes it does not: each statement journals the pages
// it changes — the Keitaro clicks stay with JSONRowsInsert.) An error
// stops at the row that failed; the transaction is the caller's to roll
// back.
func (s Scoped) InsertRows(ins *RowInsert, n int, fill func(i int, vals []any)) error {
	t := s.tx
	if !t.write {
		return errors.New("store: InsertRows in a read")
	}
	if err := t.ctx.Err(); err != nil {
		return err
	}
	if err := t.statement(); err != nil {
		return err
	}
	columns := ins.columns
	return t.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("store: InsertRows on a %T", dc)
		}
		ctx := context.Background() // see Exec: no context for the driver to watch
		st, err := conn.PrepareContext(ctx, ins.text)
		if err != nil {
			return err
		}
		defer st.Close()
		exec, ok := st.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("store: InsertRows with a %T", st)
		}
		args := make([]driver.NamedValue, len(columns)+1)
		for i := range args {
			args[i].Ordinal = i + 1
		}
		args[0].Value = s.Tenant.ID
		vals := make([]any, len(columns))
		for i := range n {
			clear(vals)
			fill(i, vals)
			for j, v := range vals {
				if args[j+1].Value, err = driver.DefaultParameterConverter.ConvertValue(v); err != nil {
					return fmt.Errorf("store: %s.%s: %w", ins.table, columns[j], err)
				}
			}
			if _, err := exec.ExecContext(ctx, args); err != nil {
				return err
			}
		}
		return nil
	})
}
