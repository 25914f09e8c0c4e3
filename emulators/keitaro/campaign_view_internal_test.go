package keitaro

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// The campaign answer of GET /campaigns/{id} (campaignView) is byte for
// byte what campaignObject, render and the JSON writer make of the row
// that SELECT * reads, in both dialects — for rows the API writes and for
// odd ones it does not (NULLs, numbers of the other kind, text in a number
// column, blobs, characters JSON escapes, uncompacted JSON).
func TestCampaignViewMatchesCampaignObject(t *testing.T) {
	st := openStore(t, nil)
	ctx := context.Background()
	var ten store.Tenant
	if err := st.Write(ctx, func(tx *store.Tx) (err error) {
		ten, err = tx.CreateTenant(Name, "view")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	texts := []any{"", "plain", "ü \"q\" \\ \u2028 \x01 \xff", []byte("blob"), "2024-01-02 03:04:05", "12", "-"}
	ints := []any{int64(0), int64(1), int64(-3), int64(300), int64(math.MaxInt64), 2.5, -0.0, 1e300, "abc", []byte("7")}
	reals := []any{0.0, 12.3456, 1e21, 1e-7, -5.0, int64(4), 0.1 + 0.2, "x", 123456.789012}
	nullable := func(pool []any) []any { return append([]any{nil}, pool...) }
	jsons := []any{"", "{}", `{"a": [1, 2]}`, `[]`, `[{"id":3,"method":"GET","statuses":["sale"],"url":"http://x/{sub_id}"}]`, "null"}
	cols := []struct {
		name string
		pool []any
	}{
		{"alias", texts}, {"name", texts}, {"type", texts}, {"cookies_ttl", ints}, {"position", ints},
		{"created_at", texts}, {"updated_at", nullable(texts)}, {"cost_type", texts}, {"cost_value", reals},
		{"cost_currency", texts}, {"cost_auto", ints}, {"group_id", nullable(ints)}, {"bind_visitors", nullable(texts)},
		{"traffic_source_id", nullable(ints)}, {"domain_id", nullable(ints)}, {"token", texts},
		{"uniqueness_method", texts}, {"uniqueness_use_cookies", ints}, {"traffic_loss", reals},
		{"parameters", jsons}, {"postbacks", jsons}, {"notes", texts},
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	insert := `INSERT INTO keitaro_campaigns (tenant_id, id, state, ` + strings.Join(names, ", ") + `)
		VALUES (@tenant, ?, 'active'` + strings.Repeat(", ?", len(cols)) + `)`
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 400
	if err := st.Write(ctx, func(tx *store.Tx) error {
		for id := int64(1); id <= n; id++ {
			args := []any{id}
			for _, c := range cols {
				// The first rows take each pool's values in turn, the rest at random.
				k := int(id-1) % len(c.pool)
				if id > 50 {
					k = rng.IntN(len(c.pool))
				}
				args = append(args, c.pool[k])
			}
			if _, err := tx.Scope(ten).Exec(insert, args...); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= n; id++ {
		err := st.Read(ctx, func(tx *store.Tx) error {
			s := tx.Scope(ten)
			r, err := queryOne(s, `SELECT * FROM keitaro_campaigns WHERE tenant_id = @tenant AND id = ?`, id)
			if err != nil {
				return err
			}
			v := &campaignView{}
			if err := v.load(s, id); err != nil {
				return err
			}
			for _, d := range []dialect{classic, modern} {
				want, werr := wire.Marshal(render(campaignObject(r), d))
				got, gerr := wire.Marshal(wire.Func(func(w *wire.Builder) { v.write(w, d) }))
				if string(got) != string(want) || (werr == nil) != (gerr == nil) {
					t.Errorf("campaign %d, dialect %d:\n got %s (%v)\nwant %s (%v)", id, d, got, gerr, want, werr)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A campaign that does not exist is not found, as queryOne says.
	err := st.Read(ctx, func(tx *store.Tx) error { return (&campaignView{}).load(tx.Scope(ten), n+1) })
	if err != errNotFound {
		t.Fatalf("missing campaign: %v", err)
	}
}

// A created campaign's answer, made of the values it was inserted with
// (storedCampaign), is the answer reading it back gives, in both dialects
// — for the values requests give and for values whose storage SQLite
// converts, where storedCampaign must decline.
func TestStoredCampaignMatchesReadBack(t *testing.T) {
	st := openStore(t, nil)
	ctx := context.Background()
	var ten store.Tenant
	if err := st.Write(ctx, func(tx *store.Tx) (err error) {
		ten, err = tx.CreateTenant(Name, "stored")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// What a create request stores (createValues), then odd values.
	typical := map[string]any{"alias": "a1", "name": "bench 1", "type": "position", "cookies_ttl": int64(24),
		"position": int64(9999), "state": "active", "created_at": "2026-01-02 03:04:05", "updated_at": nil,
		"cost_type": "CPC", "cost_value": 0.0, "cost_currency": "USD", "cost_auto": false, "group_id": nil,
		"bind_visitors": nil, "traffic_source_id": nil, "domain_id": nil, "token": "tok", "uniqueness_method": "ip_ua",
		"uniqueness_use_cookies": true, "traffic_loss": 0.0, "parameters": "{}", "postbacks": "[]", "notes": ""}
	texts := []any{"", "x \"ü\" \u2028 \xff", nil, int64(5), 2.5, true, []byte("b"), "12"}
	numbers := []any{int64(0), int64(-7), int64(1 << 60), 3.0, 2.75, -0.0, math.NaN(), math.Inf(1), 1e300, true, false,
		nil, "12", "abc", []byte("1")}
	rng := rand.New(rand.NewPCG(3, 4))
	fast := 0
	for id := int64(1); id <= 600; id++ {
		vals := map[string]any{}
		for k, v := range typical {
			vals[k] = v
		}
		if id > 1 {
			for range 1 + rng.IntN(3) {
				col := campaignViewColumns[1+rng.IntN(len(campaignViewColumns)-1)]
				if col.number != nil {
					vals[col.name] = numbers[rng.IntN(len(numbers))]
				} else {
					vals[col.name] = texts[rng.IntN(len(texts))]
				}
			}
			if rng.IntN(20) == 0 {
				delete(vals, "notes") // left to the column's default (none: the insert fails)
			}
		}
		vals["id"] = id
		err := st.Write(ctx, func(tx *store.Tx) error {
			return insertRow(tx.Scope(ten), "keitaro_campaigns", vals)
		})
		if err != nil {
			continue // a NOT NULL column given NULL: nothing stored, nothing answered
		}
		v, ok := storedCampaign(vals)
		if id == 1 && !ok {
			t.Fatal("the values of a create request are read back")
		}
		if !ok {
			continue
		}
		fast++
		err = st.Read(ctx, func(tx *store.Tx) error {
			back := &campaignView{}
			if err := back.load(tx.Scope(ten), id); err != nil {
				return err
			}
			for _, d := range []dialect{classic, modern} {
				want, werr := wire.Marshal(wire.Func(func(w *wire.Builder) { back.write(w, d) }))
				got, gerr := wire.Marshal(wire.Func(func(w *wire.Builder) { v.write(w, d) }))
				if string(got) != string(want) || (werr == nil) != (gerr == nil) {
					t.Errorf("campaign %d %v, dialect %d:\n got %s (%v)\nwant %s (%v)", id, vals, d, got, gerr, want, werr)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if fast < 100 {
		t.Fatalf("only %d of the campaigns were answered from their values", fast)
	}
}
