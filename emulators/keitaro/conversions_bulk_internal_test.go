package keitaro

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/store"
)

// TestBatchConversionsStoredAsOneByOne records the same conversions as one
// helper batch and one item per batch, on two tenants with the same
// clicks, and checks that the conversions and the hourly rollups come out
// the same: a batch stores its new conversions late (many per statement)
// and knows which clicks have conversions without asking, and neither may
// change what a postback updates or creates. The batch is longer than a
// chunk of inserts, and updates conversions of its own on both sides of
// a chunk's end.
func TestBatchConversionsStoredAsOneByOne(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, nil)
	rnd := rand.New(rand.NewPCG(7, 18))
	pick := func(vals ...any) any { return vals[rnd.IntN(len(vals))] }
	var items []map[string]any
	for i := range 3*store.InsertChunk + 7 {
		it := map[string]any{"status": pick("lead", "sale", "rejected", "rebill", "approved"), "tid": pick("", "a", "b"),
			"revenue": pick(nil, 1.5, 0.07), "datetime": fmt.Sprintf("2017-05-03 10:%02d:00", i%60)}
		if i%2 == 0 {
			it["click_id"] = 1 + rnd.IntN(12)
		} else {
			it["sub_id"] = fmt.Sprint("s", 1+rnd.IntN(12))
		}
		items = append(items, it)
	}
	var dumps [2]string
	err := st.Write(ctx, func(tx *store.Tx) error {
		for i, key := range []string{"batch", "single"} {
			ten, err := tx.CreateTenant(Name, key)
			if err != nil {
				return err
			}
			c := &call{t: tenant{Tenant: ten, timezone: "UTC", currency: "USD"}, s: tx.Scope(ten), now: tx.Now(), seeding: true}
			c.stamp = c.now.Format(stampLayout)
			var clicks []map[string]any
			for n := 1; n <= 12; n++ {
				clicks = append(clicks, map[string]any{"campaign_id": 1, "sub_id": fmt.Sprint(key[:1], "x", n),
					"datetime": fmt.Sprintf("2017-05-0%d 1%d:00:00", 1+n%2, n%3), "country_code": []string{"DE", "US"}[n%2]})
			}
			if _, err := c.s.Exec(`INSERT INTO keitaro_campaigns (tenant_id, id, alias, name, type, cookies_ttl, position, state,
				created_at, cost_type, cost_value, cost_currency, cost_auto, token, uniqueness_method, uniqueness_use_cookies,
				traffic_loss, parameters, postbacks, notes) VALUES (@tenant, 1, ?, 'C', 'position', 24, 1, 'active',
				'2017-01-01 00:00:00', 'CPC', 0, 'USD', 0, '', 'ip', 0, 0, '{}', '[]', '')`, key); err != nil {
				return err
			}
			if _, err := recordClicks(c, decoded(t, clicks), "clicks"); err != nil {
				return err
			}
			// The items name the tenant's sub_ids.
			mine := make([]map[string]any, len(items))
			for j, it := range items {
				mine[j] = map[string]any{}
				for k, v := range it {
					if k == "sub_id" {
						v = key[:1] + "x" + strings.TrimPrefix(v.(string), "s")
					}
					mine[j][k] = v
				}
			}
			mine = decoded(t, mine)
			if key == "batch" {
				if _, err := recordConversions(c, mine, "conversions"); err != nil {
					return err
				}
			} else {
				for _, it := range mine {
					if _, err := recordConversions(c, []map[string]any{it}, "conversions"); err != nil {
						return err
					}
				}
			}
			hours := `SELECT * FROM keitaro_click_hours WHERE tenant_id = @tenant ORDER BY hour, country_code`
			for _, q := range []string{
				`SELECT conversion_id, click_id, status, previous_status, original_status, tid, revenue, currency,
					postback_datetime, sale_datetime, sale_period, params FROM keitaro_conversions WHERE tenant_id = @tenant ORDER BY conversion_id`,
				"hours", hours, "rebuilt", hours,
			} {
				if q == "hours" {
					dumps[i] += "hours\n"
					continue
				}
				if q == "rebuilt" {
					// The rollups the conversions were added to, summed anew
					// from the clicks and conversions, come out the same.
					dumps[i] += "rebuilt\n"
					if err := rebuildHours(c.s, "2017-01-01 00:00:00", "2017-12-31 23:59:59"); err != nil {
						return err
					}
					continue
				}
				rows, err := queryRows(c.s, q)
				if err != nil {
					return err
				}
				for _, r := range rows {
					delete(r, "tenant_id")
					// Sums of money in another order differ in the last bits;
					// reports round them.
					for k, v := range r {
						if f, ok := v.(float64); ok {
							r[k] = math.Round(f*1e6) / 1e6
						}
					}
					js, _ := json.Marshal(r)
					dumps[i] += string(js) + "\n"
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range dumps {
		_, hours, _ := strings.Cut(d, "hours\n")
		kept, rebuilt, _ := strings.Cut(hours, "rebuilt\n")
		if kept != rebuilt || !strings.Contains(kept, `"leads":`) {
			t.Fatalf("%d: rollups kept:\n%s\nrebuilt:\n%s", i, kept, rebuilt)
		}
	}
	if dumps[0] != dumps[1] {
		t.Fatalf("batch:\n%s\none by one:\n%s", dumps[0], dumps[1])
	}
	if n := strings.Count(dumps[0], `"conversion_id"`); n < 40 || !strings.Contains(dumps[0], `"previous_status":"lead"`) {
		t.Fatalf("%d conversions, updates among them? %s", n, dumps[0])
	}
}

// decoded is items as a helper's body decodes them.
func decoded(t *testing.T, items []map[string]any) []map[string]any {
	js, _ := json.Marshal(items)
	_, out, err := itemList(js, "items")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
