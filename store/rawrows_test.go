package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// rawValues are SQLite values of every storage class, as SQL literals:
// integers at the edges and around the driver's small-value boxing,
// floats that do and do not hold an integer, text that reads as a number
// or a boolean, unicode, a blob.
var rawValues = []string{
	"NULL", "0", "1", "2", "-1", "255", "256", "9223372036854775807", "-9223372036854775808",
	"0.0", "1.0", "4.99", "-0.0", "1e300", "5e-324", "9.3e18",
	"''", "'text'", "'12'", "'-7'", "'4.5'", "'1'", "'true'", "'F'", "'ünï😀'", "'9223372036854775808'",
	"x''", "x'3132'", "x'00ff'",
}

// The getters of RawRow convert each value as database/sql's Scan into the
// same Go type does: the same value, or an error where Scan fails.
func TestRawRowConvertsAsScan(t *testing.T) {
	st, err := Open(Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type getter struct {
		name string
		raw  func(r *RawRow) any
		scan func() any // a pointer Scan fills
	}
	getters := []getter{
		{"Text", func(r *RawRow) any { return r.Text(0) }, func() any { return new(string) }},
		{"NullText", func(r *RawRow) any { return r.NullText(0) }, func() any { return new(sql.NullString) }},
		{"Int64", func(r *RawRow) any { return r.Int64(0) }, func() any { return new(int64) }},
		{"NullInt64", func(r *RawRow) any { return r.NullInt64(0) }, func() any { return new(sql.NullInt64) }},
		{"Float64", func(r *RawRow) any { return r.Float64(0) }, func() any { return new(float64) }},
		{"Bool", func(r *RawRow) any { return r.Bool(0) }, func() any { return new(bool) }},
		{"Null", func(r *RawRow) any { return r.Null(0) }, nil},
	}
	failures, successes := 0, 0
	for _, v := range rawValues {
		query := "SELECT " + v
		for _, g := range getters {
			var got any
			var rawErr, scanErr error
			var want any
			err := st.Read(context.Background(), func(tx *Tx) error {
				rawErr = tx.RawQuery(query, nil, func(r *RawRow) error {
					got = g.raw(r)
					return nil
				})
				if g.scan == nil {
					var x any
					scanErr = tx.QueryRow(query).Scan(&x)
					want = x == nil
					return nil
				}
				dest := g.scan()
				scanErr = tx.QueryRow(query).Scan(dest)
				want = reflect.ValueOf(dest).Elem().Interface()
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case (rawErr == nil) != (scanErr == nil):
				t.Errorf("%s of %s: direct %v (%v), Scan %v (%v)", g.name, v, got, rawErr, want, scanErr)
			case scanErr != nil:
				failures++
			case !reflect.DeepEqual(got, want):
				t.Errorf("%s of %s: direct %#v, Scan %#v", g.name, v, got, want)
			default:
				successes++
			}
		}
	}
	t.Logf("%d conversions failed in both, %d succeeded in both", failures, successes)
	if failures < 20 || successes < 100 {
		t.Fatalf("%d conversions failed, %d succeeded: the values do not try the getters", failures, successes)
	}
}

// A query's rows come in order, a conversion error ends the query with
// the column's number, and the row function's own error ends it too.
func TestRawQueryRowsAndErrors(t *testing.T) {
	st, err := Open(Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const query = `WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 5)
		SELECT value, 'v' || value FROM s`
	err = st.Read(context.Background(), func(tx *Tx) error {
		var got []string
		if err := tx.RawQuery(query, nil, func(r *RawRow) error {
			got = append(got, fmt.Sprintf("%d %s", r.Int64(0), r.Text(1)))
			return nil
		}); err != nil {
			return err
		}
		if strings.Join(got, ",") != "1 v1,2 v2,3 v3,4 v4,5 v5" {
			t.Errorf("rows %v", got)
		}
		rows := 0
		err := tx.RawQuery(query, nil, func(r *RawRow) error {
			rows++
			r.Int64(1)
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "column 1") || rows != 1 {
			t.Errorf("conversion error %v after %d rows", err, rows)
		}
		stop := fmt.Errorf("stop")
		rows = 0
		if err := tx.RawQuery(query, nil, func(r *RawRow) error {
			rows++
			return stop
		}); err != stop || rows != 1 {
			t.Errorf("row error %v after %d rows", err, rows)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A scoped raw query binds the tenant and the caller's arguments in
// their places, as Query does.
func TestScopedRawQueryBindsTheTenant(t *testing.T) {
	st, err := Open(Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Read(context.Background(), func(tx *Tx) error {
		var got string
		err := tx.Scope(Tenant{ID: 42}).RawQuery(`SELECT ? || '/' || @tenant || '/' || ?`, []any{"a", 7}, func(r *RawRow) error {
			got = r.Text(0)
			return nil
		})
		if got != "a/42/7" {
			t.Errorf("bound %q", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
