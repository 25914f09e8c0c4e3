package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// RawQuery runs a tenant-scoped query (see Scoped) on the driver's
// connection itself and calls row once per row, in order. It is for the
// few queries that read many values on every request: database/sql's
// Rows.Next and Scan convert each value once more after the driver did —
// through reflection for integers, floats and booleans — and take locks
// per row, which measured a fifth of reading a TWIPLA package list.
//
// row reads the values through RawRow, whose conversions are those of
// database/sql's Scan into the same Go types. The values it is given
// (strings included) may be kept; the RawRow itself is reused for the
// next row. An error row returns, or a conversion error of its row, ends
// the query with that error.
func (s Scoped) RawQuery(query string, args []any, row func(r *RawRow) error) error {
	q, a := s.bind(query, args)
	return s.tx.RawQuery(q, a, row)
}

// RawQuery is Scoped.RawQuery for a query that names no tenant.
func (t *Tx) RawQuery(query string, args []any, row func(r *RawRow) error) error {
	if err := t.ctx.Err(); err != nil {
		return err // interrupted (see Exec)
	}
	if err := t.statement(); err != nil {
		return err
	}
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return fmt.Errorf("store: argument %d: %w", i+1, err)
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return t.conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("store: the driver's connection cannot query")
		}
		// No context to watch: see the note above Exec.
		rows, err := qc.QueryContext(context.Background(), query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		r := &RawRow{}
		if n := len(rows.Columns()); n <= len(r.small) {
			r.vals = r.small[:n]
		} else {
			r.vals = make([]driver.Value, n)
		}
		for {
			if err := rows.Next(r.vals); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if err := row(r); err != nil {
				return err
			}
			if r.err != nil {
				return r.err
			}
		}
	})
}

// RawRow is a row of RawQuery. Its getters convert column i's value to a
// Go type as database/sql's Scan would, or record the first conversion
// error, which ends the query; a getter returns the zero value then.
type RawRow struct {
	vals  []driver.Value
	small [24]driver.Value // vals of a row this wide or less
	err   error
}

// Null reports whether column i is NULL.
func (r *RawRow) Null(i int) bool { return r.vals[i] == nil }

// Text is column i as a string (Scan into *string: NULL is an error).
func (r *RawRow) Text(i int) string {
	if s, ok := r.vals[i].(string); ok {
		return s
	}
	if r.vals[i] == nil {
		r.fail(i, errors.New("converting NULL to string is unsupported"))
		return ""
	}
	var n sql.NullString
	r.scan(i, &n)
	return n.String
}

// NullText is column i as a sql.NullString.
func (r *RawRow) NullText(i int) sql.NullString {
	switch v := r.vals[i].(type) {
	case string:
		return sql.NullString{String: v, Valid: true}
	case nil:
		return sql.NullString{}
	}
	var n sql.NullString
	r.scan(i, &n)
	return n
}

// Int64 is column i as an int64 (NULL is an error).
func (r *RawRow) Int64(i int) int64 {
	if v, ok := r.vals[i].(int64); ok {
		return v
	}
	if r.vals[i] == nil {
		r.fail(i, errors.New("converting NULL to int64 is unsupported"))
		return 0
	}
	var n sql.NullInt64
	r.scan(i, &n)
	return n.Int64
}

// NullInt64 is column i as a sql.NullInt64.
func (r *RawRow) NullInt64(i int) sql.NullInt64 {
	switch v := r.vals[i].(type) {
	case int64:
		return sql.NullInt64{Int64: v, Valid: true}
	case nil:
		return sql.NullInt64{}
	}
	var n sql.NullInt64
	r.scan(i, &n)
	return n
}

// Float64 is column i as a float64 (NULL is an error).
func (r *RawRow) Float64(i int) float64 {
	if v, ok := r.vals[i].(float64); ok {
		return v
	}
	if r.vals[i] == nil {
		r.fail(i, errors.New("converting NULL to float64 is unsupported"))
		return 0
	}
	var n sql.NullFloat64
	r.scan(i, &n)
	return n.Float64
}

// Bool is column i as a bool: 0 or 1, or what else Scan takes as one
// (NULL is an error).
func (r *RawRow) Bool(i int) bool {
	if v, ok := r.vals[i].(int64); ok && (v == 0 || v == 1) {
		return v == 1
	}
	if r.vals[i] == nil {
		r.fail(i, errors.New("converting NULL to bool is unsupported"))
		return false
	}
	var n sql.NullBool
	r.scan(i, &n)
	return n.Bool
}

// Scan scans column i into dest, as Scan does for an sql.Scanner.
func (r *RawRow) Scan(i int, dest sql.Scanner) { r.scan(i, dest) }

// scan has dest, a Scanner of database/sql (whose Scan is its own
// conversion of a value to the type), convert column i.
func (r *RawRow) scan(i int, dest sql.Scanner) {
	if err := dest.Scan(r.vals[i]); err != nil {
		r.fail(i, err)
	}
}

// fail records the first conversion error.
func (r *RawRow) fail(i int, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("store: column %d: %w", i, err)
	}
}
