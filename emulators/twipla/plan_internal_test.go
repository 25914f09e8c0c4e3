package twipla

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

// The package list, the most read answer, finds its rows through indexes
// and sorts nothing: a temporary B-tree for its ORDER BY cost a fifth of
// the statement.
func TestPackageListPlanSortsNothing(t *testing.T) {
	st, err := store.Open(store.Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background(), []store.Schema{{Component: Name, SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	var plan []string
	err = st.Read(context.Background(), func(tx *store.Tx) (err error) {
		plan, err = tx.Scope(store.Tenant{ID: 1}).QueryPlan(packagesQuery)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "TEMP B-TREE") || !strings.Contains(text, "twipla_packages_tenant") || strings.Contains(text, "SCAN") {
		t.Fatalf("package list plan:\n%s", text)
	}
}

// Sessions have one index, (tenant_id, website_seq, started_at), and it
// serves every statement that finds them: the analytics' ranges, the state
// dump, the janitor's sweep of a retired tenant, and the deletion of a
// website's sessions when the website or its customer goes (the foreign
// key names (tenant_id, website_seq), so the cascade searches the index).
// None scans the table, which holds every tenant's sessions.
func TestSessionStatementsSearchTheirIndex(t *testing.T) {
	st, err := store.Open(store.Memory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx, []store.Schema{{Component: Name, SQL: schema}}); err != nil {
		t.Fatal(err)
	}
	q := sessionQuery{website: 1, from: time.Unix(0, 0), to: time.Unix(1e9, 0), filters: map[int][]string{0: {"DE"}}}
	where, args := q.where()
	statements := map[string][]any{
		`SELECT ` + sessionCols + ` FROM twipla_sessions` + where + ` ORDER BY started_at, seq LIMIT 10`: args,
		`SELECT count(*) FROM twipla_sessions` + where:                                                   args,
		`SELECT id FROM twipla_sessions WHERE tenant_id = @tenant ORDER BY seq`:                          nil,
		// What the foreign key's cascade runs when a website goes.
		`DELETE FROM twipla_sessions WHERE tenant_id = @tenant AND website_seq = ?`: {1},
		// The janitor's sweep (store.deleteSome).
		`DELETE FROM twipla_sessions WHERE rowid IN (SELECT rowid FROM twipla_sessions
			WHERE tenant_id IN (SELECT value FROM json_each(?)) LIMIT ?) AND @tenant > 0`: {"[1]", 100},
	}
	err = st.Read(ctx, func(tx *store.Tx) error {
		for query, args := range statements {
			plan, err := tx.Scope(store.Tenant{ID: 1}).QueryPlan(query, args...)
			if err != nil {
				return err
			}
			text := strings.Join(plan, "\n")
			if strings.Contains(text, "SCAN twipla_sessions") || !strings.Contains(text, "twipla_sessions") {
				t.Errorf("%s:\n%s", query, text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The cascades take exactly the sessions of the website that goes.
	var a, b store.Tenant
	err = st.Write(ctx, func(tx *store.Tx) error {
		for _, tn := range []*store.Tenant{&a, &b} {
			if *tn, err = tx.CreateTenant(Name, newUUID()); err != nil {
				return err
			}
			s := tx.Scope(*tn)
			if _, err := s.Exec(`INSERT INTO twipla_customers (tenant_id, id, visa_id, intp_customer_id, email,
				email_key, created_at) VALUES (@tenant, 'c', 'v', 'c1', 'e', 'e', 'now')`); err != nil {
				return err
			}
			for _, wid := range []string{"w1", "w2"} {
				res, err := s.Exec(`INSERT INTO twipla_websites (tenant_id, id, customer_seq, intp_website_id, domain,
					created_at) VALUES (@tenant, ?, (SELECT seq FROM twipla_customers WHERE tenant_id = @tenant), ?, 'd', 'now')`,
					newUUID(), wid)
				if err != nil {
					return err
				}
				seq, _ := res.LastInsertId()
				w := &website{seq: seq}
				if err := insertSessions(s, w, []*session{{id: "s1", dims: sessionDefaults}, {id: "s2", dims: sessionDefaults}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	left := func() (counts [2]int) {
		err := st.Read(ctx, func(tx *store.Tx) error {
			for i, tn := range []store.Tenant{a, b} {
				if err := tx.Scope(tn).QueryRow(`SELECT count(*) FROM twipla_sessions WHERE tenant_id = @tenant`).
					Scan(&counts[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return counts
	}
	del := func(tn store.Tenant, query string) {
		err := st.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Scope(tn).Exec(query)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	del(a, `DELETE FROM twipla_websites WHERE tenant_id = @tenant AND intp_website_id = 'w1'`)
	if got := left(); got != [2]int{2, 4} {
		t.Fatalf("after a website's deletion: %v sessions left, want [2 4]", got)
	}
	del(b, `DELETE FROM twipla_customers WHERE tenant_id = @tenant`)
	if got := left(); got != [2]int{2, 0} {
		t.Fatalf("after a customer's deletion: %v sessions left, want [2 0]", got)
	}
	// A session naming another tenant's website (a's w2) is refused.
	err = st.Write(ctx, func(tx *store.Tx) error {
		return insertSessions(tx.Scope(b), &website{seq: 2}, []*session{{id: "x", dims: sessionDefaults}})
	})
	if !store.IsConstraintViolation(err) {
		t.Fatalf("a session of another tenant's website: %v", err)
	}
}
