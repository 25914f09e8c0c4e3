package keitaro

import (
	"context"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
)

// TestApplyCost stores clicks directly to check that update_costs spreads a
// cost over the right ones, timezone edges included.
func TestApplyCost(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, nil)
	err := st.Write(ctx, func(tx *store.Tx) error {
		ten, err := tx.CreateTenant(Name, "k")
		if err != nil {
			return err
		}
		c := &call{t: tenant{Tenant: ten, timezone: "UTC"}, s: tx.Scope(ten)}
		for i, click := range []struct {
			campaign int64
			at       string
			unique   bool
			source   string
		}{
			{2, "2017-09-09 21:30:00", true, "a"}, // 00:30 in Moscow: inside
			{2, "2017-09-10 12:00:00", true, "b"},
			{2, "2017-09-10 12:00:00", false, "a"},
			{2, "2017-09-12 20:59:59", true, "a"}, // 23:59:59 in Moscow: inside
			{2, "2017-09-12 21:00:00", true, "a"}, // the 13th in Moscow: outside
			{3, "2017-09-10 12:00:00", true, "a"},
		} {
			if _, err := c.s.Exec(`INSERT INTO keitaro_clicks (tenant_id, click_id, sub_id, visitor_code, datetime, campaign_id, is_unique_campaign, source, cost)
				VALUES (@tenant, ?, ?, '', ?, ?, ?, ?, 7)`, i+1, "s"+string(rune('a'+i)), click.at, click.campaign, click.unique, click.source); err != nil {
				return err
			}
		}
		moscow, _ := time.LoadLocation("Europe/Moscow")
		var errs fieldErrors
		item := readCostItem(params{"start_date": "2017-09-10", "end_date": "2017-09-12", "cost": "10.02"}, moscow, &errs, func(s string) string { return s })
		if errs.err() != nil {
			t.Fatalf("cost item: %v", errs.err())
		}
		n, err := applyCost(c, 2, item, true)
		if err != nil || n != 3 {
			t.Fatalf("uniques: %d clicks, %v", n, err)
		}
		item.filters = map[string][]string{"source": {"b", "c"}}
		if n, err = applyCost(c, 2, item, false); err != nil || n != 1 {
			t.Fatalf("filtered: %d clicks, %v", n, err)
		}
		rows, err := queryRows(c.s, `SELECT click_id, cost FROM keitaro_clicks WHERE tenant_id = @tenant ORDER BY click_id`)
		if err != nil {
			return err
		}
		want := []float64{3.34, 10.02, 7, 3.34, 7, 7}
		for i, r := range rows {
			if got := r.num("cost"); got < want[i]-1e-9 || got > want[i]+1e-9 {
				t.Errorf("click %d cost %v, want %v", i+1, got, want[i])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
