package store

import (
	"fmt"
	"slices"
	"testing"
)

func TestBindTenantPutsTheIDAmongTheArguments(t *testing.T) {
	for _, c := range []struct {
		query, want string
		args, bound []any
	}{
		{`SELECT v FROM t WHERE tenant_id = @tenant`, `SELECT v FROM t WHERE tenant_id = ?`, nil, []any{int64(7)}},
		{`INSERT INTO t (a, tenant_id, b) VALUES (?, @tenant, ?)`, `INSERT INTO t (a, tenant_id, b) VALUES (?, ?, ?)`,
			[]any{"a", "b"}, []any{"a", int64(7), "b"}},
		{`SELECT * FROM t WHERE tenant_id = @tenant AND id IN (SELECT id FROM u WHERE tenant_id = @tenant AND x = ?) AND y = ?`,
			`SELECT * FROM t WHERE tenant_id = ? AND id IN (SELECT id FROM u WHERE tenant_id = ? AND x = ?) AND y = ?`,
			[]any{1, 2}, []any{int64(7), int64(7), 1, 2}},
		// Inside literals, quoted names and comments nothing is a parameter.
		{`SELECT '?@tenant', "a?" FROM t WHERE x = ? -- why? @tenant
			AND tenant_id = @tenant /* ? */ AND y = 'it''s ?' AND z = ?`,
			`SELECT '?@tenant', "a?" FROM t WHERE x = ? -- why? @tenant
			AND tenant_id = ? /* ? */ AND y = 'it''s ?' AND z = ?`,
			[]any{"x", "z"}, []any{"x", int64(7), "z"}},
		// Only the whole word is the placeholder.
		{`SELECT @tenants, tenant_id = @tenant`, `SELECT @tenants, tenant_id = ?`, nil, []any{int64(7)}},
		// More arguments than parameters reach SQLite, which refuses them.
		{`SELECT ? WHERE @tenant`, `SELECT ? WHERE ?`, []any{1, 2}, []any{1, int64(7), 2}},
	} {
		q, a := bindTenant(c.query, c.args, 7)
		if q != c.want || !slices.Equal(a, c.bound) {
			t.Errorf("%s\n got %s %v\nwant %s %v", c.query, q, a, c.want, c.bound)
		}
	}
}

func TestBindingsRememberQueriesUpToABound(t *testing.T) {
	var bs bindings
	q := `INSERT INTO t (a, tenant_id, b) VALUES (?, @tenant, ?)`
	for range 2 {
		b := bs.bound(q)
		if b.text != `INSERT INTO t (a, tenant_id, b) VALUES (?, ?, ?)` ||
			!slices.Equal(b.args([]any{"a", "b"}, 7), []any{"a", int64(7), "b"}) ||
			!slices.Equal(b.args([]any{"a", "b"}, 8), []any{"a", int64(8), "b"}) {
			t.Fatalf("bound %q %v", b.text, b.tenant)
		}
	}
	if bs.n.Load() != 1 {
		t.Fatalf("%d queries remembered, want 1", bs.n.Load())
	}
	for i := range maxBindings + 10 {
		q := fmt.Sprintf(`SELECT %d FROM t WHERE tenant_id = @tenant`, i)
		if b := bs.bound(q); b.text != fmt.Sprintf(`SELECT %d FROM t WHERE tenant_id = ?`, i) {
			t.Fatalf("bound %q", b.text)
		}
	}
	if n := bs.n.Load(); n != maxBindings {
		t.Fatalf("%d queries remembered, want at most %d", n, maxBindings)
	}
}
