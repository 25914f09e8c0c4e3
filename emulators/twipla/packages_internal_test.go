package twipla

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// loadPackagesScan is loadPackages as it was written with database/sql's
// Scan, before it read the driver's values itself: the reference the
// direct reader must match.
func loadPackagesScan(s store.Scoped) (*catalog, assignments, error) {
	rows, err := s.Query(packagesQuery)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cat := &catalog{}
	var as assignments
	var last *pkg
	var (
		seq, website, customer        sql.NullInt64
		subID                         string
		intpWebsiteID, intpCustomerID sql.NullString
	)
	for rows.Next() {
		p := &pkg{}
		if err := rows.Scan(&p.seq, &p.id, &p.kind, &p.name, &p.touchpoints, &p.price, &p.currency, &p.period,
			&p.recommended, &p.visibility, &p.externalID, &p.createdAt,
			&seq, &website, &customer, &subID, &intpWebsiteID, &intpCustomerID); err != nil {
			return nil, nil, err
		}
		if last == nil || last.seq != p.seq {
			cat.add(p)
			last = p
		}
		if !seq.Valid {
			continue
		}
		as = append(as, assignment{packageSeq: p.seq, website: website.Int64, customer: customer.Int64,
			entry: assignmentEntry(subID, intpWebsiteID, intpCustomerID.String)})
	}
	return cat, as, rows.Err()
}

// oddText are text values a client may have stored: empty, escapes,
// unicode beyond the BMP, an invalid UTF-8 byte, a NUL.
var oddText = []string{"", "Pro", `q"uo\te`, "ünïcödé", "😀 emoji", "line\nbreak\u2028", "bad\xffutf8", "nul\x00in", "<&>", strings.Repeat("x", 300)}

// oddPackage is the VALUES of a package row with odd but storable
// values (SQL literals, as a client's data could reach them through the
// API or a seed).
func oddPackage(r *rand.Rand, i int) string {
	lit := func(s string) string {
		if strings.ContainsRune(s, 0) {
			// A NUL inside text needs a cast from a blob literal.
			return fmt.Sprintf("CAST(x'%x' AS TEXT)", s)
		}
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	text := func() string { return lit(oddText[r.IntN(len(oddText))]) }
	touchpoints := []string{"-1", "0", "1", "3000", "255", "256", "9223372036854775807", "-9223372036854775808", "'42'", "4.0"}
	prices := []string{"0", "4.99", "199", "1e300", "-0.0", "0.1", "123456789.125", "5e-324", "'12.5'", "7"}
	external := []string{"NULL", "''", "'ext-1'", "'ünï'", "12"}
	created := []string{"'2023-08-22T08:14:03Z'", "'1970-01-01T00:00:00Z'", "'9999-12-31T23:59:59Z'", "'2024-02-29T12:00:00Z'", "'2031-03-10T12:00:00+02:00'"}
	return fmt.Sprintf("(@tenant, '%08d-0000-4000-8000-000000000000', %s, %s, %s, %s, %s, %s, %d, %s, %s, %s)",
		i, lit([]string{kindFree, kindUFT, kindPaid}[r.IntN(3)]), text(), touchpoints[r.IntN(len(touchpoints))],
		prices[r.IntN(len(prices))], text(), text(), r.IntN(2), lit([]string{visibilityPublic, visibilityRestricted, ""}[r.IntN(3)]),
		external[r.IntN(len(external))], created[r.IntN(len(created))])
}

// The package list reads the driver's values itself (store.RawQuery); its
// catalog, assignments and answer bytes must be those of the database/sql
// reader it replaced, over odd values: NULLs, empty and unicode text,
// extreme integers, floats, numbers stored as text, packages with several
// assignments to websites and customers, in a file and in memory.
func TestLoadPackagesMatchesScan(t *testing.T) {
	for _, db := range []string{"file", "memory"} {
		t.Run(db, func(t *testing.T) {
			st, tenant := openPackageStore(t, db)
			for seed := range 8 {
				r := rand.New(rand.NewPCG(uint64(seed), 18))
				fillOddPackages(t, st, tenant, r, 6+seed*7)
				var got, want *catalog
				var gotAs, wantAs assignments
				err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
					s := tx.Scope(tenant)
					if got, gotAs, err = loadPackages(s); err != nil {
						return err
					}
					want, wantAs, err = loadPackagesScan(s)
					return err
				})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if len(want.list) < 6 || len(wantAs) == 0 {
					t.Fatalf("seed %d: %d packages, %d assignments: the test reads too little", seed, len(want.list), len(wantAs))
				}
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotAs, wantAs) {
					t.Fatalf("seed %d: direct reader\n%+v\n%+v\ndatabase/sql\n%+v\n%+v", seed, got.list, gotAs, want.list, wantAs)
				}
				if g, w := packageListBytes(t, got, gotAs), packageListBytes(t, want, wantAs); g != w {
					t.Fatalf("seed %d: answer\n%s\nwant\n%s", seed, g, w)
				}
			}
		})
	}
}

// packageListBytes is the answer of an unfiltered package list.
func packageListBytes(t *testing.T, cat *catalog, as assignments) string {
	t.Helper()
	b, err := wire.Marshal(wire.Func(func(w *wire.Builder) {
		w.BeginArray()
		for _, p := range cat.list {
			p.write(w, "intp-1", as.restrictedTo(p))
		}
		w.EndArray()
	}))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fillOddPackages replaces the tenant's packages with n odd ones, and
// assigns some of them to websites and customers (with and without a
// subscription), several times over.
func fillOddPackages(t *testing.T, st *store.Store, tenant store.Tenant, r *rand.Rand, n int) {
	t.Helper()
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		s := tx.Scope(tenant)
		for _, q := range []string{
			`DELETE FROM twipla_assignments WHERE tenant_id = @tenant`,
			`DELETE FROM twipla_subscriptions WHERE tenant_id = @tenant`,
			`DELETE FROM twipla_websites WHERE tenant_id = @tenant`,
			`DELETE FROM twipla_customers WHERE tenant_id = @tenant`,
			`DELETE FROM twipla_packages WHERE tenant_id = @tenant`,
		} {
			if _, err := s.Exec(q); err != nil {
				return err
			}
		}
		values := make([]string, n)
		for i := range values {
			values[i] = oddPackage(r, i)
		}
		if _, err := s.Exec(`INSERT INTO twipla_packages (` + packageColumns + `) VALUES ` + strings.Join(values, ", ")); err != nil {
			return err
		}
		for c := range 3 {
			if _, err := s.Exec(`INSERT INTO twipla_customers (tenant_id, id, visa_id, intp_customer_id, email, email_key, created_at)
				VALUES (@tenant, ?, 'v', ?, ?, ?, '2031-03-10T12:00:00Z')`,
				fmt.Sprint("cust-", c), oddText[(c+3)%len(oddText)]+fmt.Sprint(c), fmt.Sprint(c, "@x"), fmt.Sprint(c, "@x")); err != nil {
				return err
			}
			for w := range 2 {
				if _, err := s.Exec(`INSERT INTO twipla_websites (tenant_id, id, customer_seq, intp_website_id, domain, created_at)
					SELECT @tenant, ?, seq, ?, 'd.example', '2031-03-10T12:00:00Z' FROM twipla_customers WHERE tenant_id = @tenant AND id = ?`,
					fmt.Sprint("web-", c, w), oddText[(c+w+5)%len(oddText)]+fmt.Sprint(c, w), fmt.Sprint("cust-", c)); err != nil {
					return err
				}
			}
		}
		// Subscriptions for some websites and one customer (intpc): the
		// others' assignments answer an empty subscriptionId.
		if _, err := s.Exec(`INSERT INTO twipla_subscriptions (tenant_id, id, type, customer_seq, website_seq, status, package_id,
			created_at, expires_at, stp_reset_at, in_trial, had_trial)
			SELECT @tenant, 'sub-' || seq, 'website', customer_seq, seq, 'active', 'p', '', '', '', 0, 0
			FROM twipla_websites WHERE tenant_id = @tenant AND seq % 2 = 0`); err != nil {
			return err
		}
		if _, err := s.Exec(`INSERT INTO twipla_subscriptions (tenant_id, id, type, customer_seq, status, package_id,
			created_at, expires_at, stp_reset_at, in_trial, had_trial)
			SELECT @tenant, 'sub-c' || seq, 'intpc', seq, 'active', 'p', '', '', '', 0, 0
			FROM twipla_customers WHERE tenant_id = @tenant AND id = 'cust-1'`); err != nil {
			return err
		}
		for range n {
			if _, err := s.Exec(`INSERT INTO twipla_assignments (tenant_id, package_seq, customer_seq, website_seq)
				SELECT @tenant, p.seq, c.seq, CASE WHEN ? THEN (SELECT w.seq FROM twipla_websites w WHERE w.customer_seq = c.seq
					ORDER BY w.seq LIMIT 1 OFFSET ?) END
				FROM twipla_packages p, twipla_customers c WHERE p.tenant_id = @tenant AND c.tenant_id = @tenant
				ORDER BY p.seq, c.seq LIMIT 1 OFFSET ?`, r.IntN(3) > 0, r.IntN(2), r.IntN(n*3)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A value the Go type cannot hold fails the direct reader as it failed
// database/sql's Scan: the list answers 500 rather than a wrong value.
func TestLoadPackagesFailsAsScanDid(t *testing.T) {
	for _, c := range []struct{ col, value string }{
		{"touchpoints", "'many'"}, {"touchpoints", "1.5"}, {"price", "'free'"}, {"recommended", "2"},
		{"created_at", "'yesterday'"},
	} {
		t.Run(c.col+"="+c.value, func(t *testing.T) {
			st, tenant := openPackageStore(t, "memory")
			err := st.Write(context.Background(), func(tx *store.Tx) error {
				_, err := tx.Scope(tenant).Exec(`UPDATE twipla_packages SET ` + c.col + ` = ` + c.value + ` WHERE tenant_id = @tenant
					AND seq = (SELECT max(seq) FROM twipla_packages WHERE tenant_id = @tenant)`)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var rawErr, scanErr error
			st.Read(context.Background(), func(tx *store.Tx) error {
				_, _, rawErr = loadPackages(tx.Scope(tenant))
				_, _, scanErr = loadPackagesScan(tx.Scope(tenant))
				return nil
			})
			if rawErr == nil || scanErr == nil {
				t.Fatalf("direct reader: %v; database/sql: %v", rawErr, scanErr)
			}
		})
	}
}

// The odd values are what they claim to be: SQLite keeps each in the type
// the reader converts from.
func TestOddPackagesHaveOddTypes(t *testing.T) {
	st, tenant := openPackageStore(t, "memory")
	fillOddPackages(t, st, tenant, rand.New(rand.NewPCG(1, 18)), 60)
	types := map[string]bool{}
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Scope(tenant).Query(`SELECT DISTINCT 'touchpoints ' || typeof(touchpoints) FROM twipla_packages WHERE tenant_id = @tenant
			UNION SELECT DISTINCT 'price ' || typeof(price) FROM twipla_packages WHERE tenant_id = @tenant
			UNION SELECT DISTINCT 'external_id ' || typeof(external_id) FROM twipla_packages WHERE tenant_id = @tenant`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			types[s] = true
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"touchpoints integer", "price real", "external_id null", "external_id text"} {
		if !types[want] {
			t.Errorf("no %s among %v", want, types)
		}
	}
}
