package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/store"
)

// Every foreign key's child columns lead an index of their table. Without
// one, each delete of a parent row (a tenant reset, a cascade) scans the
// whole child table, so one tenant's reset grows with every other tenant's
// data.
func TestEveryForeignKeyIsIndexed(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: emulators.All(emulators.Config{})})
	var missing []string
	err := srv.Store().Read(context.Background(), func(tx *store.Tx) error {
		tables, err := strings1(tx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
		if err != nil {
			return err
		}
		for _, table := range tables {
			fks, err := foreignKeys(tx, table)
			if err != nil {
				return err
			}
			prefixes, err := indexPrefixes(tx, table)
			if err != nil {
				return err
			}
			for _, cols := range fks {
				if !covered(cols, prefixes) {
					missing = append(missing, fmt.Sprintf("%s(%s)", table, strings.Join(cols, ", ")))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Fatalf("foreign-key child columns without an index of their own:\n  %s", strings.Join(missing, "\n  "))
	}
}

func strings1(tx *store.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// foreignKeys lists the child columns of each foreign key of table.
func foreignKeys(tx *store.Tx, table string) ([][]string, error) {
	rows, err := tx.Query(`SELECT id, "from" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int][]string{}
	var ids []int
	for rows.Next() {
		var id int
		var col string
		if err := rows.Scan(&id, &col); err != nil {
			return nil, err
		}
		if _, ok := byID[id]; !ok {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], col)
	}
	out := make([][]string, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, rows.Err()
}

// indexPrefixes lists the column lists that can find rows of table by
// equality: every index's columns (the primary key's too), and the rowid
// alias of an INTEGER PRIMARY KEY.
func indexPrefixes(tx *store.Tx, table string) ([][]string, error) {
	var out [][]string
	pk, err := strings1(tx, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 AND lower(type) = 'integer' AND
		(SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0) = 1`, table, table)
	if err != nil {
		return nil, err
	}
	if len(pk) == 1 {
		out = append(out, pk)
	}
	indexes, err := strings1(tx, `SELECT name FROM pragma_index_list(?)`, table)
	if err != nil {
		return nil, err
	}
	for _, ix := range indexes {
		cols, err := strings1(tx, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, ix)
		if err != nil {
			return nil, err
		}
		out = append(out, cols)
	}
	return out, nil
}

// covered reports whether some index starts with exactly the columns of
// the key, in any order.
func covered(key []string, prefixes [][]string) bool {
	for _, p := range prefixes {
		if len(p) < len(key) {
			continue
		}
		lead := slices.Clone(p[:len(key)])
		want := slices.Clone(key)
		slices.Sort(lead)
		slices.Sort(want)
		if slices.Equal(lead, want) {
			return true
		}
	}
	return false
}
