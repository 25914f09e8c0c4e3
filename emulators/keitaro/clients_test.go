package keitaro_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// What real client libraries send and expect (§0): each of these broke a
// client that worked against a real tracker.

// dialects runs a test once per answer dialect, on a fresh server.
func dialects(t *testing.T, test func(t *testing.T, a *api)) {
	for _, d := range []string{"classic", "modern"} {
		t.Run(d, func(t *testing.T) { test(t, start(t, keitaro.Config{Dialect: d})) })
	}
}

func TestNullBodyMeansNoParameters(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		want := a.do("GET", "/campaigns", nil)
		expectStatus(t, want, 200)
		// json.dumps(None): the 4 bytes null, with or without a
		// Content-Type, on every route.
		for _, ct := range []string{"", "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
			for _, body := range []string{"null", " null\n"} {
				var h []string
				if ct != "" {
					h = []string{"Content-Type", ct}
				}
				r := a.do("GET", "/campaigns", body, h...)
				if r.Status != 200 || r.Body != want.Body {
					t.Fatalf("GET /campaigns with %q as %q: %d %s", body, ct, r.Status, r.Body)
				}
			}
		}
		expectStatus(t, a.do("POST", "/campaigns/2/disable", "null"), 200)
		expectStatus(t, a.do("GET", "/logs/types", "null"), 200)
		expectStatus(t, a.do("POST", "/report/definition", "null"), 404)
		// A write with null has no fields: the required ones are missing.
		expect(t, a.do("POST", "/groups", "null", "Content-Type", "application/json"), 406,
			`{"name":["This field is required"],"type":["This field is required"]}`)
		// Only null itself: other non-objects stay invalid.
		for _, bad := range []string{"nul", "null null", "[null]", "Null"} {
			expect(t, a.do("GET", "/campaigns", bad, "Content-Type", "application/json"), 400, `{"error":"Invalid JSON"}`)
		}
	})
}

func TestWholeFloatsAreIntegers(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		// Raw bodies: Go's encoder would write 24.0 as 24.
		m := object(t, a.do("POST", "/campaigns",
			`{"alias":"f1","name":"F","cookies_ttl":24.0,"position":1.0,"group_id":3.0,"traffic_source_id":"1.0","domain_id":2e0}`))
		field(t, m, "cookies_ttl", num("24"))
		field(t, m, "position", num("1"))
		field(t, m, "group_id", num("3"))
		field(t, m, "traffic_source_id", num("1"))
		field(t, m, "domain_id", num("2"))
		m = object(t, a.do("PUT", "/campaigns/734", `{"cookies_ttl":"48.00","group_id":0.0}`))
		field(t, m, "cookies_ttl", num("48"))
		field(t, m, "group_id", nil)
		m = object(t, a.do("POST", "/streams", `{"campaign_id":734.0,"type":"regular","schema":"redirect","action_type":"http","position":5.0}`))
		field(t, m, "campaign_id", num("734"))
		field(t, m, "position", num("5"))
		field(t, object(t, a.do("POST", "/landing_pages", `{"name":"L","url":"http://l","offer_count":2.0}`)), "offer_count", num("2"))
		l := list(t, a.do("POST", "/streams/copy", `{"stream_ids":[3660.0],"campaign_id":89.0}`))
		field(t, l[0], "campaign_id", num("89"))
		expectStatus(t, a.do("GET", "/logs/system", `{"limit":10.0,"offset":0.0}`), 200)

		// A real fraction stays invalid, as a number or as a string.
		for _, body := range []string{`{"alias":"f2","name":"F","cookies_ttl":24.5}`, `{"alias":"f2","name":"F","cookies_ttl":"24.5"}`,
			`{"alias":"f2","name":"F","cookies_ttl":2.45e1}`} {
			expect(t, a.do("POST", "/campaigns", body), 406, `{"cookies_ttl":["This value is invalid"]}`)
		}
		expect(t, a.do("POST", "/campaigns", `{"alias":"f2","name":"F","position":1e400}`), 406, `{"position":["This value is invalid"]}`)
		expect(t, a.do("POST", "/streams", `{"campaign_id":734.5,"type":"regular","schema":"redirect","action_type":"http"}`), 406,
			`{"campaign_id":["This value is invalid"]}`)
	})
}

func TestStreamWeightIsANumber(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		// A PHP client always sends 50.0; the document shows a whole
		// weight as an integer.
		m := object(t, a.do("POST", "/streams", `{"campaign_id":2,"type":"regular","schema":"redirect","action_type":"http","weight":50.0}`))
		field(t, m, "weight", num("50"))
		field(t, m, "chance", num("50"))
		if !strings.Contains(a.do("GET", "/streams/3660", nil).Body, `"weight":50,"chance":50,`) {
			t.Fatalf("weight of stream 3660: %s", a.do("GET", "/streams/3660", nil).Body)
		}
		m = object(t, a.do("POST", "/streams", `{"campaign_id":2,"type":"regular","schema":"redirect","action_type":"http","chance":12.5}`))
		field(t, m, "weight", num("12.5"))
		field(t, m, "chance", num("12.5"))
		field(t, object(t, a.do("PUT", "/streams/3661", `{"weight":"33.3"}`)), "weight", num("33.3"))
		field(t, object(t, a.do("GET", "/streams/3661", nil)), "chance", num("33.3"))
		field(t, object(t, a.do("GET", "/streams/1282", nil)), "weight", num("14"))
		for _, w := range []string{`100.5`, `-0.5`, `"heavy"`, `true`} {
			expect(t, a.do("PUT", "/streams/3661", `{"weight":`+w+`}`), 406, `{"weight":["This value is invalid"]}`)
		}
		field(t, object(t, a.do("GET", "/streams/3661", nil)), "weight", num("33.3"))
	})
}

func TestDecimalWeightsRotate(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.mustPost("/campaigns", map[string]any{"alias": "w", "name": "W", "type": "weight"})
	a.do("POST", "/streams", `{"campaign_id":734,"type":"regular","schema":"action","action_type":"show_text","action_payload":"none","weight":0}`)
	a.do("POST", "/streams", `{"campaign_id":734,"type":"regular","schema":"action","action_type":"show_text","action_payload":"half","weight":0.5}`)
	for range 20 {
		if r := a.visit("GET", "/w"); r.Body != "half" {
			t.Fatalf("a stream weighing 0 took a click: %d %q", r.Status, r.Body)
		}
	}
}

func TestDomainFieldsOfRealTrackers(t *testing.T) {
	for _, c := range []struct {
		dialect  string
		wildcard string
	}{{"classic", `"wildcard":false,`}, {"modern", ``}} {
		t.Run(c.dialect, func(t *testing.T) {
			a := start(t, keitaro.Config{Dialect: c.dialect})
			a.mustPost("/groups", map[string]any{"name": "Trackers", "type": "campaigns"})
			want := `{"id":1,"name":"t.example.com","is_ssl":false,"network_status":"active","status":"active","ssl_status":"none",
				"default_campaign_id":null,"default_campaign":null,"group_id":19,"group":"Trackers",` + c.wildcard + `"catch_not_found":false,
				"ssl_redirect":false,"allow_indexing":true,"notes":null,"campaigns_count":0,"state":"active",
				"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00","next_check_at":"2017-06-02 13:40:00",
				"ssl_data":{"checks":[],"total":0},"check_retries":0,"error_description":"","error_solution":""}`
			expect(t, a.do("POST", "/domains", map[string]any{"name": "t.example.com", "group_id": 19}), 200, "["+want+"]")
			expect(t, a.do("GET", "/domains", nil), 200, "["+want+"]")
			expect(t, a.do("GET", "/domains/1", nil), 200, want)

			// A check moves next_check_at on to a day after it.
			a.advance("30h")
			m := one(t, a.do("POST", "/domains/1/check", nil))
			field(t, m, "next_check_at", "2017-06-03 19:40:00")
			field(t, m, "updated_at", "2017-06-02 19:40:00")
			field(t, object(t, a.do("GET", "/domains/1", nil)), "next_check_at", "2017-06-03 19:40:00")
			// An update does not; a group gone leaves "" (group ids of
			// domains are not checked, §8.11).
			a.advance("1h")
			field(t, object(t, a.do("PUT", "/domains/1", map[string]any{"notes": "n"})), "next_check_at", "2017-06-03 19:40:00")
			a.do("DELETE", "/groups/19/delete", nil)
			field(t, object(t, a.do("GET", "/domains/1", nil)), "group", "")
			field(t, object(t, a.do("PUT", "/domains/1", map[string]any{"group_id": 77})), "group", "")
			field(t, object(t, a.do("DELETE", "/domains/1", nil)), "next_check_at", "2017-06-03 19:40:00")
			field(t, list(t, a.do("GET", "/domains/deleted", nil))[0], "check_retries", num("0"))
		})
	}
}

func TestSeededDomainIsDueADayAfterItsCreation(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.srv.Do("POST", "/_emulator/seed", map[string]any{"keitaro": map[string]any{"tenants": []any{map[string]any{
		"apiKey": keitaro.DefaultTenant, "domains": []any{map[string]any{"name": "d.example.com", "created_at": "2020-02-28 12:00:00"}},
	}}}})
	expectStatus(t, r, 200)
	m := object(t, a.do("GET", "/domains/1", nil))
	field(t, m, "created_at", "2020-02-28 12:00:00")
	field(t, m, "next_check_at", "2020-02-29 12:00:00")
}

func TestModernCampaignActionsAnswerAList(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		a.mustPost("/campaigns", map[string]any{"alias": "x1", "name": "X"})
		field(t, one(t, a.do("POST", "/campaigns/734/disable", nil)), "state", "disabled")
		field(t, one(t, a.do("POST", "/campaigns/734/disable", nil)), "state", "disabled")
		field(t, one(t, a.do("POST", "/campaigns/734/enable", nil)), "state", "active")
		expectStatus(t, a.do("DELETE", "/campaigns/734", nil), 200)
		field(t, one(t, a.do("POST", "/campaigns/734/restore", nil)), "state", "active")
		expect(t, a.do("POST", "/campaigns/734/restore", nil), 404, `{"error":"Not found"}`)
		expect(t, a.do("POST", "/campaigns/999/enable", nil), 404, `{"error":"Not found"}`)
	})
}

func TestModernOfferNeedsOnlyAName(t *testing.T) {
	a := start(t, keitaro.Config{Dialect: "modern"})
	m := object(t, a.do("POST", "/offers", map[string]any{"name": "Bare"}))
	field(t, m, "id", num("16"))
	field(t, m, "url", "")
	field(t, m, "action_payload", nil)
	field(t, m, "state", "active")
	field(t, object(t, a.do("GET", "/offers/16", nil)), "name", "Bare")
	m = object(t, a.do("POST", "/offers", map[string]any{"name": "Target", "action_type": "http", "action_payload": "http://t.example/{subid}"}))
	field(t, m, "url", "http://t.example/{subid}")
	field(t, m, "action_payload", "http://t.example/{subid}")
	expect(t, a.do("POST", "/offers", map[string]any{"url": "http://x"}), 406, `{"name":["This field is required"]}`)

	c := start(t, keitaro.Config{})
	expect(t, c.do("POST", "/offers", map[string]any{"name": "Bare"}), 406, `{"url":["This field is required"]}`)
	// A modern tenant on a classic server follows its own dialect.
	m2 := c.as(c.newTenant(map[string]any{"dialect": "modern"}))
	field(t, object(t, m2.do("POST", "/offers", map[string]any{"name": "Bare"})), "url", "")
}

func TestCampaignCreatedArchived(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		m := object(t, a.do("POST", "/campaigns", map[string]any{"alias": "gone", "name": "Gone", "state": "deleted"}))
		field(t, m, "id", num("734"))
		field(t, m, "state", "deleted")
		expect(t, a.do("GET", "/campaigns/734", nil), 404, `{"error":"Not found"}`)
		expect(t, a.do("PUT", "/campaigns/734", map[string]any{"name": "x"}), 404, `{"error":"Not found"}`)
		if got := ids(list(t, a.do("GET", "/campaigns/deleted", nil))); len(got) != 1 || got[0] != "734" {
			t.Fatalf("deleted campaigns: %v", got)
		}
		for _, c := range list(t, a.do("GET", "/campaigns", nil)) {
			if c["id"] == num("734") {
				t.Fatalf("an archived campaign is listed")
			}
		}
		// Its alias is taken all the same, and the visitor finds nothing.
		expect(t, a.do("POST", "/campaigns", map[string]any{"alias": "gone", "name": "Again"}), 406, `{"alias":["This value is already taken"]}`)
		if r := a.visit("GET", "/gone"); r.Status != 404 {
			t.Fatalf("visit an archived campaign: %d", r.Status)
		}
		field(t, one(t, a.do("POST", "/campaigns/734/restore", nil)), "state", "active")
		field(t, object(t, a.do("GET", "/campaigns/734", nil)), "name", "Gone")
		// Only DELETE archives an existing campaign.
		expect(t, a.do("PUT", "/campaigns/734", map[string]any{"state": "deleted"}), 406, `{"state":["This value is invalid"]}`)
		expect(t, a.do("POST", "/campaigns", map[string]any{"alias": "g2", "name": "G", "state": "removed"}), 406, `{"state":["This value is invalid"]}`)
	})
}

func TestLogsSortByFieldsNotShown(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		r := a.srv.Do("POST", "/_emulator/keitaro/clicks", []any{
			map[string]any{"campaign_id": 2, "ip": "10.0.0.2", "datetime": "2017-06-01 10:00:00", "sub_id": "s1"},
			map[string]any{"campaign_id": 2, "ip": "10.0.0.3", "datetime": "2017-06-01 11:00:00", "sub_id": "s2"},
			map[string]any{"campaign_id": 2, "ip": "10.0.0.1", "datetime": "2017-06-01 12:00:00", "sub_id": "s3"},
		})
		expectStatus(t, r, 200)
		r = a.srv.Do("POST", "/_emulator/keitaro/conversions", []any{
			map[string]any{"sub_id": "s1", "revenue": 5, "datetime": "2017-06-01 13:00:00"},
			map[string]any{"sub_id": "s2", "revenue": 50, "datetime": "2017-06-01 13:10:00", "status": "sale"},
			map[string]any{"sub_id": "s3", "revenue": 20, "datetime": "2017-06-01 13:20:00"},
		})
		expectStatus(t, r, 200)
		rng := map[string]any{"interval": "today"}
		r = a.do("POST", "/clicks/log", map[string]any{"range": rng, "columns": []any{"sub_id"},
			"sort": []any{map[string]any{"name": "ip", "order": "asc"}}})
		if got := rowValues(t, r, "sub_id"); got != "s3 s1 s2" {
			t.Fatalf("clicks by ip: %s", got)
		}
		r = a.do("POST", "/conversions/log", map[string]any{"range": rng, "columns": []any{"sub_id"},
			"sort": []any{map[string]any{"name": "revenue", "order": "desc"}}})
		if got := rowValues(t, r, "sub_id"); got != "s2 s3 s1" {
			t.Fatalf("conversions by revenue: %s", got)
		}
		// The rows show exactly the columns asked for.
		if !strings.HasPrefix(r.Body, `{"rows":[{"sub_id":"s2"},{"sub_id":"s3"},{"sub_id":"s1"}],"total":3,`) {
			t.Fatalf("conversions log: %s", r.Body)
		}
		// A conversion column of a click; the query-string form too.
		r = a.do("POST", "/conversions/log", map[string]any{"range": rng, "columns": []any{"revenue"},
			"sort": []any{map[string]any{"name": "ip", "order": "desc"}, map[string]any{"name": "status"}}})
		if got := rowValues(t, r, "revenue"); got != "50 5 20" {
			t.Fatalf("conversions by ip: %s", got)
		}
		r = a.do("GET", "/conversions/log?columns=sub_id&range[interval]=today", map[string]any{"sort": map[string]any{"name": "click_id"}})
		if got := rowValues(t, r, "sub_id"); got != "s1 s2 s3" {
			t.Fatalf("conversions by click_id: %s", got)
		}
	})
}

// rowValues joins one key of a report's rows, by its JSON text.
func rowValues(t *testing.T, r vtest.Response, key string) string {
	t.Helper()
	var out []string
	for _, row := range object(t, r)["rows"].([]any) {
		out = append(out, fmt.Sprint(row.(map[string]any)[key]))
	}
	return strings.Join(out, " ")
}
