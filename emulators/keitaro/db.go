package keitaro

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/vendoremu/vendoremu/store"
)

// row is one stored row by column name: int64, float64, string or nil.
type row map[string]any

// queryRows runs a tenant-scoped query and reads every row.
func queryRows(s store.Scoped, query string, args ...any) ([]row, error) {
	rs, err := s.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	var out []row
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(row, len(cols))
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// queryOne runs a tenant-scoped query for one row; none is errNotFound.
func queryOne(s store.Scoped, query string, args ...any) (row, error) {
	rows, err := queryRows(s, query, args...)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errNotFound
	}
	return rows[0], nil
}

func (r row) int(k string) int64 { return colInt(r[k]) }

// colInt is a column's value as an integer (0 for NULL or text): what
// row.int reads, for the readers that scan columns themselves.
func colInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

// nullInt is the column as an integer, or nil when NULL.
func (r row) nullInt(k string) any { return colNullInt(r[k]) }

// colNullInt is row.nullInt of a column's value.
func colNullInt(v any) any {
	if v == nil {
		return nil
	}
	return colInt(v)
}

func (r row) str(k string) string {
	s, _ := r[k].(string)
	return s
}

// nullStr is the column as a string, or nil when NULL.
func (r row) nullStr(k string) any {
	if r[k] == nil {
		return nil
	}
	return r.str(k)
}

func (r row) bool(k string) bool { return r.int(k) != 0 }

func (r row) num(k string) float64 { return colNum(r[k]) }

// colNum is row.num of a column's value.
func colNum(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

// raw is a JSON column as it was stored; NULL is null.
func (r row) raw(k string) json.RawMessage {
	s, _ := r[k].(string)
	return rawJSON(s)
}

// rawJSON is a stored JSON text as an answer value; "" (or NULL) is null.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// nextID hands out the next id of kind for the tenant (§4.0.1). An UPDATE
// and a SELECT cost a fifth of one upsert with RETURNING (SQLite runs
// RETURNING through a temporary table).
func nextID(s store.Scoped, kind string) (int64, error) {
	res, err := s.Exec(`UPDATE keitaro_counters SET next = next + 1 WHERE tenant_id = @tenant AND kind = ?`, kind)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			_, err = s.Exec(`INSERT INTO keitaro_counters (tenant_id, kind, next) VALUES (@tenant, ?, 2)`, kind)
		}
		return 1, err
	}
	var id int64
	err = s.QueryRow(`SELECT next - 1 FROM keitaro_counters WHERE tenant_id = @tenant AND kind = ?`, kind).Scan(&id)
	return id, err
}

// reserveID moves the counter of kind past id, for objects loaded with an
// id of their own (seed documents, sample data).
func reserveID(s store.Scoped, kind string, id int64) error {
	_, err := s.Exec(`INSERT INTO keitaro_counters (tenant_id, kind, next) VALUES (@tenant, ?, ?)
		ON CONFLICT (tenant_id, kind) DO UPDATE SET next = max(next, excluded.next)`, kind, id+1)
	return err
}

// setCounter sets the next id of kind.
func setCounter(s store.Scoped, kind string, next int64) error {
	_, err := s.Exec(`INSERT INTO keitaro_counters (tenant_id, kind, next) VALUES (@tenant, ?, ?)
		ON CONFLICT (tenant_id, kind) DO UPDATE SET next = excluded.next`, kind, next)
	return err
}

// insertRow writes one row of table from column values.
func insertRow(s store.Scoped, table string, vals map[string]any) error {
	cols := sortedKeys(vals)
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = vals[c]
	}
	q := `INSERT INTO ` + table + ` (tenant_id, "` + strings.Join(cols, `", "`) + `") VALUES (@tenant` +
		strings.Repeat(", ?", len(cols)) + `)`
	_, err := s.Exec(q, args...)
	return err
}

// updateRow changes the given columns of one row of table.
func updateRow(s store.Scoped, table string, id int64, vals map[string]any) error {
	if len(vals) == 0 {
		return nil
	}
	cols := sortedKeys(vals)
	sets := make([]string, len(cols))
	args := make([]any, 0, len(cols)+1)
	for i, c := range cols {
		sets[i] = `"` + c + `" = ?`
		args = append(args, vals[c])
	}
	args = append(args, id)
	_, err := s.Exec(`UPDATE `+table+` SET `+strings.Join(sets, ", ")+` WHERE tenant_id = @tenant AND id = ?`, args...)
	return err
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
