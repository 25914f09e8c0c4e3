package keitaro_test

import (
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

func TestAffiliateNetworksClassic(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/affiliate_networks/1", nil), 200, `{"id":1,"name":"bitterstrawberry.com","postback_url":"",
	"offer_param":"","template_name":"bitterstrawberrycom","notes":"","state":"active","created_at":"2016-11-19 11:17:45",
	"updated_at":"2017-03-28 19:55:13"}`)
	if got := ids(list(t, a.do("GET", "/affiliate_networks", nil))); len(got) != 3 {
		t.Fatalf("sample networks: %v", got)
	}
	// The document's create, update, clone and archive examples.
	expect(t, a.do("POST", "/affiliate_networks", map[string]any{"name": "test", "postback_url": "http://postback"}), 200,
		`[{"id":"4","name":"test","postback_url":"http://postback","offer_param":"","template_name":"","notes":"","state":"active",
		"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00"}]`)
	a.advance("10s")
	expect(t, a.do("PUT", "/affiliate_networks/4", map[string]any{"name": "test2", "postback_url": "http://postback2"}), 200,
		`[{"id":"4","name":"test2","postback_url":"http://postback2","offer_param":"","template_name":"","notes":"","state":"active",
		"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:10"}]`)
	expect(t, a.do("POST", "/affiliate_networks/1/clone", nil), 200,
		`[{"id":"5","name":"Copy of bitterstrawberry.com","postback_url":"","offer_param":"","template_name":"bitterstrawberrycom",
		"notes":"","state":"active","created_at":"2017-06-01 13:40:10","updated_at":"2017-06-01 13:40:10"}]`)
	// Clones skip the duplicate check.
	field(t, list(t, a.do("POST", "/affiliate_networks/1/clone", nil))[0], "name", "Copy of bitterstrawberry.com")
	archived := `[{"id":"1","name":"bitterstrawberry.com","postback_url":"","offer_param":"","template_name":"bitterstrawberrycom",
		"notes":"","state":"deleted","created_at":"2016-11-19 11:17:45","updated_at":"2017-06-01 13:40:10"}]`
	expect(t, a.do("DELETE", "/affiliate_networks/1", nil), 200, archived)
	expect(t, a.do("POST", "/affiliate_networks/1/archive", nil), 200, archived)
	// Archived networks stay readable, and their offers keep the name.
	field(t, object(t, a.do("GET", "/affiliate_networks/1", nil)), "state", "deleted")
	field(t, object(t, a.do("GET", "/offers/1", nil)), "affiliate_network", "bitterstrawberry.com")
	if got := ids(list(t, a.do("GET", "/affiliate_networks", nil))); len(got) != 5 || got[0] != "2" {
		t.Fatalf("networks after archive: %v", got)
	}
	expect(t, a.do("POST", "/affiliate_networks", map[string]any{"name": "bitterstrawberry.com"}), 406,
		`{"name":["This value is already taken"]}`)
	expect(t, a.do("POST", "/affiliate_networks", map[string]any{}), 406, `{"name":["This field is required"]}`)
	expect(t, a.do("PUT", "/affiliate_networks/1", map[string]any{"state": "gone"}), 406, `{"state":["This value is invalid"]}`)
	field(t, list(t, a.do("PUT", "/affiliate_networks/1", map[string]any{"state": "active"}))[0], "state", "active")
	expect(t, a.do("GET", "/affiliate_networks/99", nil), 404, `{"error":"Not found"}`)
	expect(t, a.do("POST", "/affiliate_networks/99/clone", nil), 404, `{"error":"Not found"}`)
}

func TestAffiliateNetworksModern(t *testing.T) {
	a := start(t, keitaro.Config{Dialect: "modern"})
	field(t, object(t, a.do("POST", "/affiliate_networks", map[string]any{"name": "n", "offer_param": "aff_sub"})), "id", num("4"))
	field(t, object(t, a.do("PUT", "/affiliate_networks/4", map[string]any{"notes": "x"})), "offer_param", "aff_sub")
	field(t, object(t, a.do("DELETE", "/affiliate_networks/4", nil)), "state", "deleted")
	field(t, list(t, a.do("POST", "/affiliate_networks/4/clone", nil))[0], "id", num("5"))
}

const offer1 = `{"id":1,"name":"test","group_id":null,"url":"http://test.ru","offer_type":"external","action_type":"http",
"action_payload":"http://test.ru","action_options":null,"affiliate_network_id":1,"payout_value":"0.0200",
"payout_currency":"USD","payout_type":"CPC","state":"active",
"created_at":{"date":"2017-08-10 13:38:41.000000","timezone_type":3,"timezone":"UTC"},
"updated_at":{"date":"2017-08-10 22:28:54.000000","timezone_type":3,"timezone":"UTC"},
"payout_auto":false,"payout_upsell":false,"country":null,"notes":"test note","affiliate_network":"bitterstrawberry.com"}`

func TestOffersClassic(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/offers/1", nil), 200, offer1)
	// The document's create, update and archive examples.
	a.srv.Do("POST", "/_emulator/clock", map[string]any{"now": "2017-09-12T18:09:20Z"})
	expect(t, a.do("POST", "/offers", map[string]any{"name": "Test Offer X",
		"url": "http://offer.com?ad_campaign_id={ad_campaign_id}&stream_id={stream_id}"}), 200,
		`{"name":"Test Offer X","url":"http://offer.com?ad_campaign_id={ad_campaign_id}&stream_id={stream_id}",
		"created_at":{"date":"2017-09-12 18:09:20.000000","timezone_type":3,"timezone":"UTC"},
		"updated_at":{"date":"2017-09-12 18:09:20.000000","timezone_type":3,"timezone":"UTC"},
		"state":"active","id":"16","group":"No group","affiliate_network":null}`)
	a.srv.Do("POST", "/_emulator/clock", map[string]any{"now": "2017-09-12T18:15:49Z"})
	updated := `{"id":16,"name":"Test Offer X2","group_id":null,"url":"http://offer.com?ad_campaign_id={ad_campaign_id}",
	"offer_type":"external","action_type":"http","action_payload":"http://offer.com?ad_campaign_id={ad_campaign_id}",
	"action_options":null,"affiliate_network_id":null,"payout_value":"0.0000","payout_currency":null,"payout_type":null,
	"state":"%s","created_at":{"date":"2017-09-12 18:09:20.000000","timezone_type":3,"timezone":"UTC"},
	"updated_at":{"date":"2017-09-12 18:15:49.000000","timezone_type":3,"timezone":"UTC"},"payout_auto":false,
	"payout_upsell":false,"country":null,"notes":null,"affiliate_network":null}`
	expect(t, a.do("PUT", "/offers/16", map[string]any{"name": "Test Offer X2", "url": "http://offer.com?ad_campaign_id={ad_campaign_id}"}),
		200, sprintf(updated, "active"))
	expect(t, a.do("DELETE", "/offers/16/archive", nil), 200, "["+sprintf(updated, "deleted")+"]")
	expect(t, a.do("DELETE", "/offers/16/archive", nil), 200, "["+sprintf(updated, "deleted")+"]")
	expect(t, a.do("GET", "/offers/16", nil), 200, sprintf(updated, "deleted"))
	if got := ids(list(t, a.do("GET", "/offers", nil))); len(got) != 3 {
		t.Fatalf("offers after archive: %v", got)
	}
	// A PUT brings it back.
	field(t, object(t, a.do("PUT", "/offers/16", map[string]any{"state": "active"})), "state", "active")

	// Clone.
	l := list(t, a.do("POST", "/offers/1/clone", nil))
	field(t, l[0], "id", num("17"))
	field(t, l[0], "name", "Copy of test")
	field(t, l[0], "payout_value", "0.0200")
	field(t, l[0], "affiliate_network", "bitterstrawberry.com")

	// Every supplied field comes back in its stored form.
	r := a.do("POST", "/offers", map[string]any{"name": "Full", "action_payload": "http://ap", "payout_value": "1.5",
		"payout_currency": "eur", "payout_type": "cpa", "country": "us, de", "group_id": 2, "state": "removed", "notes": "n"})
	expect(t, r, 200, `{"name":"Full","group_id":2,"action_payload":"http://ap","payout_value":"1.5000","payout_currency":"EUR",
	"payout_type":"CPA","country":["US","DE"],"notes":"n",
	"created_at":{"date":"2017-09-12 18:15:49.000000","timezone_type":3,"timezone":"UTC"},
	"updated_at":{"date":"2017-09-12 18:15:49.000000","timezone_type":3,"timezone":"UTC"},
	"state":"deleted","id":"18","group":"group2","affiliate_network":null}`)
	m := object(t, a.do("GET", "/offers/18", nil))
	field(t, m, "url", "http://ap")
	if _, ok := m["group"]; ok {
		t.Fatalf("classic offers have no group key: %v", m)
	}

	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{}, `{"name":["This field is required"],"url":["This field is required"]}`},
		{map[string]any{"name": "x", "url": ""}, `{"url":["This field is required"]}`},
		{map[string]any{"name": "x", "url": "u", "payout_type": "CPM"}, `{"payout_type":["This value is invalid"]}`},
		{map[string]any{"name": "x", "url": "u", "country": []any{"USA!"}}, `{"country":["This value is invalid"]}`},
		{map[string]any{"name": "x", "url": "u", "offer_type": "remote"}, `{"offer_type":["This value is invalid"]}`},
		{map[string]any{"name": "x", "url": "u", "payout_value": "free"}, `{"payout_value":["This value is invalid"]}`},
	} {
		expect(t, a.do("POST", "/offers", c.body), 406, c.want)
	}
	expect(t, a.do("PUT", "/offers/999", map[string]any{}), 404, `{"error":"Not found"}`)
}

func TestOffersModern(t *testing.T) {
	a := start(t, keitaro.Config{Dialect: "modern"})
	expect(t, a.do("GET", "/offers/1", nil), 200, `{"id":1,"name":"test","group_id":null,"url":"http://test.ru",
	"offer_type":"external","action_type":"http","action_payload":"http://test.ru","action_options":null,"affiliate_network_id":1,
	"payout_value":0.02,"payout_currency":"USD","payout_type":"CPC","state":"active","created_at":"2017-08-10 13:38:41",
	"updated_at":"2017-08-10 22:28:54","payout_auto":false,"payout_upsell":false,"country":null,"notes":"test note",
	"affiliate_network":"bitterstrawberry.com","group":null}`)
	m := object(t, a.do("POST", "/offers", map[string]any{"name": "M", "url": "http://m", "group_id": 1}))
	field(t, m, "id", num("16"))
	field(t, m, "group", "group1")
	field(t, m, "payout_value", num("0"))
	field(t, m, "created_at", "2017-06-01 13:40:00")
	field(t, object(t, a.do("DELETE", "/offers/16/archive", nil)), "state", "deleted")
	field(t, list(t, a.do("POST", "/offers/16/clone", nil))[0], "state", "active")
}

func TestLandingPages(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/landing_pages/26", nil), 200, `{"id":26,"name":"LP EU X1","landing_type":"external",
	"action_type":"http","action_payload":"http://lp.example.com/x1/","url":"http://lp.example.com/x1/","action_options":null,
	"group_id":null,"offer_count":1,"notes":"","state":"active","created_at":"2017-05-23 11:34:17","updated_at":"2017-05-23 11:55:00"}`)
	expect(t, a.do("POST", "/landing_pages", map[string]any{"name": "L", "url": "http://l"}), 200, `{"id":27,"name":"L",
	"landing_type":"external","action_type":"http","action_payload":"http://l","url":"http://l","action_options":null,
	"group_id":null,"offer_count":1,"notes":"","state":"active","created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00"}`)
	m := object(t, a.do("POST", "/landing_pages", map[string]any{"name": "Local"}))
	field(t, m, "landing_type", "local")
	field(t, m, "action_type", "local_file")
	field(t, m, "url", "")
	field(t, m, "action_payload", nil)
	m = object(t, a.do("POST", "/landing_pages", map[string]any{"name": "A", "landing_type": "action", "action_payload": "hi", "offer_count": "3"}))
	field(t, m, "action_type", "show_text")
	field(t, m, "url", "")
	field(t, m, "offer_count", num("3"))
	expect(t, a.do("POST", "/landing_pages", map[string]any{"name": "E", "landing_type": "external"}), 406, `{"url":["This field is required"]}`)
	expect(t, a.do("POST", "/landing_pages", map[string]any{"landing_type": "remote", "offer_count": 101}), 406,
		`{"name":["This field is required"],"landing_type":["This value is invalid"],"offer_count":["This value is invalid"]}`)
	// PUT: the URL of an external landing can change; it cannot go.
	field(t, object(t, a.do("PUT", "/landing_pages/27", map[string]any{"action_payload": "http://l2"})), "url", "http://l2")
	expect(t, a.do("PUT", "/landing_pages/28", map[string]any{"landing_type": "external"}), 406, `{"url":["This field is required"]}`)
	m = object(t, a.do("PUT", "/landing_pages/28", map[string]any{"landing_type": "external", "url": "http://x"}))
	field(t, m, "action_type", "http")
	// Clone answers the object itself, by PUT or POST.
	m = object(t, a.do("PUT", "/landing_pages/26/clone", nil))
	field(t, m, "id", num("30"))
	field(t, m, "name", "Copy of LP EU X1")
	field(t, m, "url", "http://lp.example.com/x1/")
	field(t, object(t, a.do("POST", "/landing_pages/26/clone", nil)), "id", num("31"))
	// Archive keeps it readable.
	field(t, object(t, a.do("DELETE", "/landing_pages/26", nil)), "state", "deleted")
	field(t, object(t, a.do("GET", "/landing_pages/26", nil)), "state", "deleted")
	for _, id := range ids(list(t, a.do("GET", "/landing_pages", nil))) {
		if id == "26" {
			t.Fatalf("an archived landing is listed")
		}
	}
}

func TestTrafficSources(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/traffic_sources", nil), 200, `[{"id":1,"name":"Traffic Source X","postback_url":"",
	"postback_statuses":["lead","sale","rejected"],"template_name":"","accept_parameters":true,"parameters":{},"notes":"",
	"state":"active","traffic_loss":0,"created_at":"2016-11-19 11:17:45","updated_at":"2016-11-19 11:17:45"}]`)
	expect(t, a.do("POST", "/traffic_sources", map[string]any{"name": "Traffic Source X", "traffic_loss": 12.5,
		"postback_statuses": []any{"sale", "rebill"}, "accept_parameters": false,
		"parameters": map[string]any{"sub_id_1": map[string]any{"name": "zone", "alias": "Zone"}}}), 200,
		`{"id":2,"name":"Traffic Source X","postback_url":"","postback_statuses":["sale","rebill"],"template_name":"",
		"accept_parameters":false,"parameters":{"sub_id_1":{"name":"zone","placeholder":"","alias":"Zone"}},"notes":"",
		"state":"active","traffic_loss":12.5,"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00"}`)
	l := list(t, a.do("POST", "/traffic_sources/2/clone", nil))
	field(t, l[0], "id", num("3"))
	field(t, l[0], "name", "Copy of Traffic Source X")
	field(t, l[0], "traffic_loss", num("12.5"))
	field(t, object(t, a.do("DELETE", "/traffic_sources/2", nil)), "state", "deleted")
	field(t, object(t, a.do("GET", "/traffic_sources/2", nil)), "state", "deleted")
	if got := ids(list(t, a.do("GET", "/traffic_sources", nil))); len(got) != 2 || got[1] != "3" {
		t.Fatalf("sources after archive: %v", got)
	}
	field(t, object(t, a.do("PUT", "/traffic_sources/2", map[string]any{"state": "active", "name": "Back"})), "name", "Back")
	expect(t, a.do("POST", "/traffic_sources", map[string]any{"name": "x", "postback_statuses": []any{"won"}, "traffic_loss": -1}), 406,
		`{"postback_statuses":["This value is invalid"],"traffic_loss":["This value is invalid"]}`)
	expect(t, a.do("DELETE", "/traffic_sources/9", nil), 404, `{"error":"Not found"}`)
}
