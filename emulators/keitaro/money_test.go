package keitaro_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

// Money and cost inputs are bounded to the tracker's DECIMAL range
// (±1e12, four decimals) wherever they enter, so that no sum can overflow
// into an answer the JSON writer cannot write (issue 13).

func TestHugeCostsCannotBreakReports(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.do("POST", "/streams", map[string]any{"campaign_id": 89, "type": "regular", "schema": "action", "action_type": "do_nothing"})
	// Anyone can click, with any cost: 1e308 is not a decimal the tracker
	// stores, so the campaign's CPC (10) is the cost. (Twice 1e308 used to
	// overflow the sums into a 500 until the tenant was reset.)
	for range 2 {
		if r := a.visit("GET", "/c8bL9W?cost=1"+strings.Repeat("0", 308)); r.Status != 200 {
			t.Fatalf("click: %d %s", r.Status, r.Body)
		}
	}
	a.visit("GET", "/c8bL9W?cost=999999999999.99999")
	a.visit("GET", "/c8bL9W?cost=0.00001")
	all := map[string]any{"range": map[string]any{"interval": "today"}}
	r := a.do("POST", "/report/build", map[string]any{"range": all["range"], "metrics": []any{"clicks", "cost", "cpc", "roi"}})
	expect(t, r, 200, `{"rows":[{"clicks":4,"cost":1000000000020,"cpc":250000000005,"roi":-100}],"total":1,
		"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
	r = a.do("POST", "/clicks/summary", map[string]any{"range": all["range"], "metrics": []any{"cost", "profit"}})
	expect(t, r, 200, `{"cost":1000000000020,"profit":-1000000000020}`)
	r = a.do("POST", "/clicks/log", map[string]any{"range": all["range"], "columns": []any{"cost"}, "sort": map[string]any{"name": "click_id"}})
	expect(t, r, 200, `{"rows":[{"cost":10},{"cost":10},{"cost":1000000000000},{"cost":0}],"total":4,
		"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
}

func TestMoneyIsBoundedAtEveryEntry(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		// API fields: beyond ±1e12 is invalid, the bound itself is fine.
		for _, c := range []struct{ path, body, want string }{
			{"/campaigns", `{"alias":"m1","name":"M","cost_value":1e308}`, `{"cost_value":["This value is invalid"]}`},
			{"/campaigns", `{"alias":"m1","name":"M","cost_value":"1000000000000.0001"}`, `{"cost_value":["This value is invalid"]}`},
			{"/offers", `{"name":"O","url":"http://o","payout_value":1e13}`, `{"payout_value":["This value is invalid"]}`},
			{"/campaigns/89/update_costs", `{"start_date":"2017-06-01","end_date":"2017-06-01","cost":1e308}`, `{"cost":["This value is invalid"]}`},
			{"/clicks/update_costs", `{"campaign_ids":[89],"costs":[{"start_date":"2017-06-01","end_date":"2017-06-01","cost":2e12}]}`, `{"costs":["This value is invalid"]}`},
		} {
			expect(t, a.do("POST", c.path, c.body), 406, c.want)
		}
		expect(t, a.do("PUT", "/campaigns/89", `{"cost_value":1e300}`), 406, `{"cost_value":["This value is invalid"]}`)
		expect(t, a.do("PUT", "/offers/1", `{"payout_value":"-1e13"}`), 406, `{"payout_value":["This value is invalid"]}`)
		m := object(t, a.do("PUT", "/campaigns/89", `{"cost_value":1e12}`))
		if v := m["cost_value"]; v != json.Number("1000000000000") && v != "1000000000000.0000" {
			t.Fatalf("cost_value 1e12: %v", v)
		}
		// Money keeps the tracker's four decimals.
		m = object(t, a.do("PUT", "/offers/1", `{"payout_value":0.00004}`))
		if v := m["payout_value"]; v != json.Number("0") && v != "0.0000" {
			t.Fatalf("payout_value 0.00004: %v", v)
		}

		// Helpers answer 400 and store nothing.
		r := a.srv.Do("POST", "/_emulator/keitaro/clicks", `[{"campaign_id":89,"cost":1e308}]`)
		expect(t, r, 400, `{"error":"clicks[0].cost: must be a decimal from 0 to 1000000000000"}`)
		r = a.srv.Do("POST", "/_emulator/keitaro/clicks", `[{"campaign_id":89,"sub_id":"big1","cost":5}]`)
		expectStatus(t, r, 200)
		r = a.srv.Do("POST", "/_emulator/keitaro/conversions", `[{"sub_id":"big1","revenue":-1e300}]`)
		expect(t, r, 400, `{"error":"conversions[0].revenue: must be a decimal from -1000000000000 to 1000000000000"}`)
		r = a.srv.Do("POST", "/_emulator/seed", `{"keitaro":{"tenants":[{"apiKey":"your-api-key","clicks":[{"campaign_id":89,"cost":1e15}]}]}}`)
		if r.Status != 400 || !strings.Contains(r.Body, "cost: must be a decimal") {
			t.Fatalf("seed with a huge cost: %d %s", r.Status, r.Body)
		}

		// A postback's payout beyond the range counts as absent (revenue 0).
		if r := a.srv.Do("GET", "/keitaro/postback?subid=big1&payout=1e308", nil); r.Body != "Success" {
			t.Fatalf("postback: %s", r.Body)
		}
		a.srv.Do("GET", "/keitaro/postback?subid=big1&payout=1e308&status=rebill", nil)
		r = a.do("POST", "/conversions/log", map[string]any{"range": map[string]any{"interval": "today"}, "columns": []any{"revenue"}})
		if !strings.HasPrefix(r.Body, `{"rows":[{"revenue":0},{"revenue":0}],"total":2,`) {
			t.Fatalf("conversions: %s", r.Body)
		}
		r = a.do("POST", "/report/build", map[string]any{"range": map[string]any{"interval": "today"}, "metrics": []any{"revenue", "roi", "epc"}})
		expectStatus(t, r, 200)
	})
}

func TestReportRoundingAtBothEnds(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{
		map[string]any{"campaign_id": 2, "sub_id": "neg1", "cost": 8},
		map[string]any{"campaign_id": 89, "sub_id": "top1", "cost": 99999999999.9999},
	})
	expectStatus(t, r, 200)
	expectStatus(t, a.srv.Do("POST", "/_emulator/keitaro/conversions", []any{map[string]any{"sub_id": "neg1", "status": "sale", "revenue": 7.786}}), 200)
	// (7.786 - 8) / 8 × 100 = -2.675, a negative half: away from zero.
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"roi", "profit"},
		"filters": []any{filterOf("campaign_id", "EQUALS", 2)}}), 200, `{"roi":-2.68,"profit":-0.214}`)
	// Large figures keep their last decimal (up to 2^53 ten-thousandths,
	// about 9e11, where a float64 still holds it).
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"cost", "profit"},
		"filters": []any{filterOf("campaign_id", "EQUALS", 89)}}), 200, `{"cost":99999999999.9999,"profit":-99999999999.9999}`)
}
