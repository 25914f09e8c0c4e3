package keitaro

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// TestHourlyRollupsAnswerAsClicks is the rollups' property: on random
// clicks and conversions, changed and partly cleaned the ways the tracker
// changes them, every random report the rollups can answer (hoursFit) is
// answered byte for byte as the clicks answer it.
func TestHourlyRollupsAnswerAsClicks(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { checkRollups(t, seed, false) })
	}
}

// TestRollupsLessLeftOutAnswerAsClicks is the same property for reports
// that also filter, excluding, on columns the rollups do not keep
// (planHoursLess): the rollups less the clicks those filters leave out
// answer byte for byte as the clicks do.
func TestRollupsLessLeftOutAnswerAsClicks(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { checkRollups(t, seed, true) })
	}
}

// checkRollups compares random reports answered by their plan with the
// same reports answered from the clicks; with others, each report also
// has excluding filters on columns the rollups do not keep.
func checkRollups(t *testing.T, seed uint64, others bool) {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(seed, 18))
	st := openStore(t, func() time.Time { return time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC) })
	pick := func(vals ...any) any { return vals[rnd.IntN(len(vals))] }
	var ten store.Tenant
	var err error
	err = st.Write(ctx, func(tx *store.Tx) error {
		if ten, err = tx.CreateTenant(Name, "k"); err != nil {
			return err
		}
		c := &call{t: tenant{Tenant: ten, timezone: "UTC"}, s: tx.Scope(ten)}
		// Two campaigns share a name: grouping by name merges them.
		for id, name := range map[int64]string{1: "Dup", 2: "Dup", 3: "Other"} {
			if _, err := c.s.Exec(`INSERT INTO keitaro_campaigns (tenant_id, id, alias, name, type, cookies_ttl, position, state,
				created_at, cost_type, cost_value, cost_currency, cost_auto, token, uniqueness_method, uniqueness_use_cookies,
				traffic_loss, parameters, postbacks, notes) VALUES (@tenant, ?, ?, ?, 'position', 24, 1, 'active',
				'2017-01-01 00:00:00', 'CPC', 0, 'USD', 0, '', 'ip', 0, 0, '{}', '[]', '')`, id, fmt.Sprint("a", id), name); err != nil {
				return err
			}
		}
		b, err := newClickBatch(c, true)
		if err != nil {
			return err
		}
		base := time.Date(2017, 5, 1, 0, 0, 0, 0, time.UTC)
		n := 300 + rnd.IntN(300)
		for i := 1; i <= n; i++ {
			at := base.Add(time.Duration(rnd.IntN(4*24*3600)) * time.Second)
			k := clickRecord{"click_id": int64(i), "sub_id": fmt.Sprint("s", i), "visitor_code": "v",
				"datetime": at.Format(stampLayout), "campaign_id": pick(int64(1), int64(2), int64(3)),
				"stream_id": pick(nil, int64(10), int64(11)), "offer_id": pick(nil, int64(5)), "landing_id": pick(nil, int64(7)),
				"ts_id": pick(nil, int64(1)), "campaign_group_id": pick(nil, int64(4)), "affiliate_network_id": pick(nil, int64(0), int64(-1)),
				"country_code": pick("", "DE", "US", "FR"), "source": pick("a", "b", ""), "referrer": pick("", "r"),
				"cost": pick(0.0, 0.013, 0.5, 1.25, 0.1), "is_bot": pick(int64(0), int64(1)), "is_using_proxy": pick(int64(0), int64(1)),
				"is_unique_campaign": pick(int64(0), int64(1)), "is_unique_stream": pick(int64(0), int64(1)),
				"is_unique_global": pick(int64(0), int64(1)), "landing_clicked": int64(0)}
			if rnd.IntN(4) == 0 {
				k["landing_clicked"] = int64(1)
				k["landing_clicked_datetime"] = at.Add(time.Duration(rnd.IntN(600)) * time.Second).Format(stampLayout)
			}
			// Clicks are stored as the helper stores them (a batch) and as
			// the click endpoint does (one by one).
			save := b.store
			if i%10 == 0 {
				save = func(c *call, k clickRecord) error { return storeClick(c, k) }
			}
			if err := save(c, k); err != nil {
				return err
			}
		}
		if err := b.finish(c); err != nil {
			return err
		}
		// Conversions as the helper records them (a batch): some update an
		// earlier one of the same click and tid, within the batch.
		var convs []any
		for range n / 2 {
			convs = append(convs, map[string]any{"click_id": 1 + rnd.IntN(n), "status": pick("lead", "sale", "rejected", "rebill"),
				"revenue": pick(0.0, 1.5, 0.07, 12.3), "tid": pick("", "a")})
		}
		for range n / 10 { // the same click again, another status
			convs = append(convs, map[string]any{"click_id": 1 + rnd.IntN(20), "status": pick("lead", "sale", "rejected"), "tid": ""})
		}
		js, _ := json.Marshal(map[string]any{"conversions": convs})
		_, items, err := itemList(js, "conversions")
		if err != nil {
			return err
		}
		if _, err := recordConversions(c, items, "conversions"); err != nil {
			return err
		}
		// The batch drew its ids from the counter, which goes on after them.
		var last int64
		if err := c.s.QueryRow(`SELECT max(conversion_id) FROM keitaro_conversions WHERE tenant_id = @tenant`).Scan(&last); err != nil {
			return err
		}
		if next, err := nextID(c.s, "conversions"); err != nil || next != last+1 {
			t.Errorf("next conversion id %d (%v) after %d", next, err, last)
		}
		// Changes the tracker makes: a status moves, costs are spread, a
		// landing is clicked; and changes that move a click to other keys.
		for _, q := range []string{
			`UPDATE keitaro_conversions SET status = 'sale', revenue = revenue + 1 WHERE tenant_id = @tenant AND conversion_id % 3 = 0`,
			`UPDATE keitaro_clicks SET cost = cost + 0.07, campaign_id = 1 WHERE tenant_id = @tenant AND click_id % 5 = 0`,
			`UPDATE keitaro_clicks SET landing_clicked = 1, landing_clicked_datetime = datetime WHERE tenant_id = @tenant AND click_id % 7 = 0`,
			`UPDATE keitaro_clicks SET country_code = 'GB', datetime = datetime(datetime, '+50 minutes') WHERE tenant_id = @tenant AND click_id % 11 = 0`,
		} {
			if _, err := c.s.Exec(q); err != nil {
				return err
			}
		}
		c.in = params{"start_date": "2017-05-02 10:30:00", "end_date": "2017-05-02 14:10:00"}
		_, err = cleanClicks(c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	groupings := [][]any{{}, {"day"}, {"campaign_id", "country_code", "day"}, {"stream", "hour"}, {"offer_id", "landing_id", "ts_id"},
		{"week", "weekday"}, {"affiliate_network_id", "campaign_group_id", "day_hour"}, {"month", "year", "campaign"}}
	metrics := []any{"clicks", "campaign_unique_clicks", "stream_unique_clicks", "global_unique_clicks", "bots", "conversions", "sales",
		"leads", "rejected", "rebills", "revenue", "cost", "profit", "roi", "cr", "epc", "landing_clicked_period", "lp_ctr", "bot_share"}
	zones := []any{"UTC", "Europe/Madrid", "Asia/Tokyo", "America/New_York"}
	ranges := []map[string]any{{"interval": "all_time"}, {"from": "2017-05-02", "to": "2017-05-03"},
		{"from": "2017-05-01 05:00:00", "to": "2017-05-02 17:59:59"}}
	fitted, fellBack, empty := 0, 0, 0
	for i := range 60 {
		rng := map[string]any{"timezone": pick(zones...)}
		for k, v := range ranges[rnd.IntN(len(ranges))] {
			rng[k] = v
		}
		ms := []any{"clicks"}
		for _, m := range metrics[1:] {
			if rnd.IntN(3) == 0 {
				ms = append(ms, m)
			}
		}
		filters := []any{}
		if rnd.IntN(2) == 0 {
			filters = append(filters, map[string]any{"name": "country_code", "operator": "NOT_IN_LIST", "expression": []any{"DE"}})
		}
		if rnd.IntN(2) == 0 {
			filters = append(filters, map[string]any{"name": "stream_id", "operator": pick("IS_NOT_SET", "EQUALS", "IS_SET"), "expression": 10.0})
		}
		if rnd.IntN(3) == 0 {
			filters = append(filters, map[string]any{"name": pick("country_code", "campaign").(string), "operator": pick("MATCH_REGEXP", "NOT_MATCH_REGEXP"),
				"expression": "/^[du]/i"})
		}
		if rnd.IntN(2) == 0 {
			filters = append(filters, map[string]any{"name": "clicks", "operator": "GREATER_THAN", "expression": float64(rnd.IntN(4))})
		}
		for i := 0; others && i < 1+rnd.IntN(2); i++ {
			filters = append(filters, pick(
				map[string]any{"name": "source", "operator": "NOT_IN_LIST", "expression": pick([]any{"a"}, []any{"A", ""}, []any{"b", "c"})},
				map[string]any{"name": "source", "operator": "NOT_EQUAL", "expression": "b", "case_sensitive": pick(true, false)},
				map[string]any{"name": "referrer", "operator": "NOT_CONTAIN", "expression": "r"},
				map[string]any{"name": "sub_id", "operator": "NOT_MATCH_REGEXP", "expression": pick("/1$/", "/^s[2-4]/")},
				map[string]any{"name": "is_bot", "operator": "NOT_EQUAL", "expression": true},
				map[string]any{"name": "parent_campaign_id", "operator": "NOT_EQUAL", "expression": 3.0},
				map[string]any{"name": "parent_campaign_id", "operator": "NOT_IN_LIST", "expression": []any{3.0}},
				map[string]any{"name": "visitor_code", "operator": "NOT_IN_LIST", "expression": []any{"v"}}, // leaves out every click
				map[string]any{"name": "ip", "operator": "NOT_HAS_LABEL", "expression": "whitelist"},
				map[string]any{"name": "datetime", "operator": "NOT_EQUAL", "expression": "2017-05-02 11:00:00"},
			))
		}
		spec := map[string]any{"range": rng, "grouping": groupings[rnd.IntN(len(groupings))], "metrics": ms, "filters": filters,
			"sort": []any{map[string]any{"name": "clicks", "order": "desc"}}, "limit": float64(50 + rnd.IntN(200)), "summary": rnd.IntN(2) == 0}
		if i%5 == 4 { // a page past the last one: counted, and summed, apart
			spec["offset"] = 100_000.0
			// And a filter on money, which the groups are counted by too.
			spec["filters"] = append(filters, map[string]any{"name": "epc", "operator": "GREATER_THAN", "expression": 0.0})
		}
		js, _ := json.Marshal(spec)
		decoded, _ := decodeJSONValue(js) // numbers as a request has them
		body := params(decoded.(map[string]any))
		var answers [2][]byte
		err := st.Read(ctx, func(tx *store.Tx) error {
			for i, raw := range []bool{false, true} {
				c := &call{t: tenant{Tenant: ten, timezone: "UTC"}, s: tx.Scope(ten), in: body, now: tx.Now()}
				req, err := readReport(c, kindBuild)
				if err != nil {
					return err
				}
				zone, err := zoneOf(c, req.rng, true)
				if err != nil {
					return err
				}
				req.raw = raw
				// runBuild's plan, though these rollups are hardly fewer
				// than the clicks (planIn).
				p := req.planFor(zone, req.grouping)
				rows, total, sum, exact, err := buildBy(c, req, zone, p)
				if err == nil && !exact {
					rows, total, sum, _, err = buildBy(c, req, zone, planClicks)
				}
				if err != nil {
					return err
				}
				switch {
				case raw:
				case !others && p == planHours:
					fitted++
				case others && p == planHoursLess && exact:
					fitted++
					if len(rows) == 0 {
						empty++
					}
				case others && p == planHoursLess:
					fellBack++ // money would not subtract exactly
				}
				// clicks/summary's one object as well.
				flat, err := runSummary(c, req.rng, zone, req.filters, req.metrics, req.planFor(zone, nil))
				if err != nil {
					return err
				}
				if answers[i], err = wire.Marshal(wire.Obj("rows", rows, "total", total, "summary", sum, "flat", flat)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%v: %v", body, err)
		}
		if string(answers[0]) != string(answers[1]) {
			t.Fatalf("request %v:\nrollups %s\nclicks  %s", body, answers[0], answers[1])
		}
	}
	// With others, many of these small groups leave out more money than
	// they keep, and are answered from the clicks.
	if least := map[bool]int{false: 30, true: 12}[others]; fitted < least {
		t.Errorf("only %d of 60 requests were answered from the rollups (others: %v)", fitted, others)
	}
	if others && fellBack == 0 {
		t.Errorf("no request fell back on the clicks")
	}
	if others && empty == 0 {
		t.Errorf("no empty page was answered from the rollups")
	}
}

// TestNewConversionRowAsStored checks that the row applyConversion answers
// for a new conversion (built from what it inserted, not read back) is the
// row SELECT * reads: postback macros and answers are made from it.
func TestNewConversionRowAsStored(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, nil)
	err := st.Write(ctx, func(tx *store.Tx) error {
		ten, err := tx.CreateTenant(Name, "k")
		if err != nil {
			return err
		}
		c := &call{t: tenant{Tenant: ten, timezone: "UTC", currency: "EUR"}, s: tx.Scope(ten), now: tx.Now()}
		if err := storeClick(c, clickRecord{"campaign_id": int64(3), "datetime": "2017-05-01 10:00:00", "sub_id": "abc"}); err != nil {
			return err
		}
		click, err := clickBySubID(c, "abc")
		if err != nil {
			return err
		}
		revenue := 2.5
		for _, in := range []postbackIn{
			{click: click, status: "lead", tid: "t", at: c.now},
			{click: click, status: "sale", revenue: &revenue, currency: "USD", at: c.now.Add(time.Hour), params: map[string]any{"a": "b"}},
			{click: click, status: "rebill", revenue: &revenue, at: c.now.Add(2 * time.Hour)},
		} {
			got, err := applyConversion(c, in)
			if err != nil {
				return err
			}
			stored, err := loadConversion(c, got.int("conversion_id"))
			if err != nil {
				return err
			}
			if fmt.Sprintf("%#v", map[string]any(got)) != fmt.Sprintf("%#v", map[string]any(stored)) {
				t.Errorf("answered %#v\nstored   %#v", got, stored)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every base a report sums has its form over the rollups and over the
// clicks joined to their conversions: a base added to bases alone would
// break only the reports those plans answer.
func TestEveryBaseHasItsPlanForms(t *testing.T) {
	for name := range bases {
		if hourBases[name] == "" {
			t.Errorf("%s has no form in hourBases", name)
		}
		if conversionRowBases[name] == "" {
			t.Errorf("%s has no form in conversionRowBases", name)
		}
	}
	for name := range conversionRowBases {
		if _, ok := bases[name]; !ok {
			t.Errorf("conversionRowBases has %s, which bases lacks", name)
		}
	}
}
