package keitaro_test

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

var (
	tokenRe = regexp.MustCompile(`"token":"[a-z0-9]{32}"`)
	aliasRe = regexp.MustCompile(`"alias":"[A-Za-z0-9]{6}"`)
)

// masked replaces generated tokens (and, with alias, aliases) by
// placeholders so that whole answers can be compared.
func masked(r vtest.Response, alias bool) vtest.Response {
	r.Body = tokenRe.ReplaceAllString(r.Body, `"token":"TOKEN"`)
	if alias {
		r.Body = aliasRe.ReplaceAllString(r.Body, `"alias":"ALIAS"`)
	}
	return r
}

// campaign734 is the document's campaign as the classic dialect answers
// it, with the state, updated_at and the wrapping left open.
func campaign734(state, updated string) string {
	return `{"id":734,"alias":"test-campaign-x2","name":"Test Campaign X2","type":"position","cookies_ttl":24,"position":9999,
	"state":"` + state + `","created_at":"2017-06-01 13:40:00","updated_at":` + updated + `,"cost_type":"CPC","cost_value":"0.0000",
	"cost_currency":"USD","cost_auto":false,"group_id":null,"bind_visitors":null,"traffic_source_id":null,"domain_id":null,
	"token":"TOKEN","uniqueness_method":"ip_ua","uniqueness_use_cookies":true,"traffic_loss":0,"parameters":{},"postbacks":[],"notes":""}`
}

func TestCampaignLifecycleClassic(t *testing.T) {
	a := start(t, keitaro.Config{})

	// The document's create example.
	r := a.do("POST", "/campaigns", map[string]any{"name": "Test Campaign X", "alias": "test-campaign-x"})
	expect(t, masked(r, false), 200, `{"id":734,"alias":"test-campaign-x","name":"Test Campaign X","type":"position","cookies_ttl":24,
	"position":9999,"state":"active","created_at":"2017-06-01 13:40:00","updated_at":null,"cost_type":"CPC","cost_value":"0.0000",
	"cost_currency":"USD","cost_auto":false,"group_id":null,"bind_visitors":null,"traffic_source_id":null,"domain_id":null,
	"token":"TOKEN","uniqueness_method":"ip_ua","uniqueness_use_cookies":true,"traffic_loss":0,"parameters":{},"postbacks":[],"notes":""}`)
	token := object(t, r)["token"]
	expect(t, masked(a.do("GET", "/campaigns/734", nil), false), 200, masked(r, false).Body)

	// Update: updated_at now set.
	a.advance("6m20s")
	r = a.do("PUT", "/campaigns/734", map[string]any{"name": "Test Campaign X2", "alias": "test-campaign-x2"})
	expect(t, masked(r, false), 200, campaign734("active", `"2017-06-01 13:46:20"`))
	field(t, object(t, r), "token", token)

	// Disable, disable again (no change), enable.
	r = a.do("POST", "/campaigns/734/disable", nil)
	expect(t, masked(r, false), 200, "["+campaign734("disabled", `"2017-06-01 13:46:20"`)+"]")
	a.advance("1m")
	r = a.do("POST", "/campaigns/734/disable", nil)
	expect(t, masked(r, false), 200, "["+campaign734("disabled", `"2017-06-01 13:46:20"`)+"]")
	if l := list(t, a.do("GET", "/campaigns", nil)); len(l) != 4 {
		t.Fatalf("a disabled campaign is listed: %v", ids(l))
	}
	r = a.do("POST", "/campaigns/734/enable", nil)
	expect(t, masked(r, false), 200, "["+campaign734("active", `"2017-06-01 13:47:20"`)+"]")

	// Archive.
	r = a.do("DELETE", "/campaigns/734", nil)
	expect(t, masked(r, false), 200, "["+campaign734("deleted", `"2017-06-01 13:47:20"`)+"]")
	for _, c := range []struct{ method, path string }{
		{"GET", "/campaigns/734"}, {"PUT", "/campaigns/734"}, {"DELETE", "/campaigns/734"},
		{"POST", "/campaigns/734/enable"}, {"POST", "/campaigns/734/disable"}, {"POST", "/campaigns/734/clone"},
		{"GET", "/campaigns/734/streams"}, {"POST", "/campaigns/734/update_costs"},
		{"POST", "/campaigns/89/restore"}, {"POST", "/campaigns/9999/restore"},
	} {
		expect(t, a.do(c.method, c.path, map[string]any{}), 404, `{"error":"Not found"}`)
	}
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 3 {
		t.Fatalf("campaigns after archive: %v", got)
	}
	expect(t, masked(a.do("GET", "/campaigns/deleted", nil), false), 200, "["+campaign734("deleted", `"2017-06-01 13:47:20"`)+"]")
	// The alias stays taken while archived.
	expect(t, a.do("POST", "/campaigns", map[string]any{"name": "n", "alias": "test-campaign-x2"}), 406,
		`{"alias":["This value is already taken"]}`)

	// Restore.
	r = a.do("POST", "/campaigns/734/restore", nil)
	expect(t, masked(r, false), 200, "["+campaign734("active", `"2017-06-01 13:47:20"`)+"]")
	expect(t, a.do("GET", "/campaigns/deleted", nil), 200, `[]`)

	// Clone.
	r = a.do("POST", "/campaigns/734/clone", nil)
	expect(t, masked(r, true), 200, `[{"id":735,"alias":"ALIAS","name":"Copy of Test Campaign X2","type":"position","cookies_ttl":24,
	"position":9999,"state":"active","created_at":"2017-06-01 13:47:20","updated_at":"2017-06-01 13:47:20","cost_type":"CPC",
	"cost_value":"0.0000","cost_currency":"USD","cost_auto":false,"group_id":null,"bind_visitors":null,"traffic_source_id":null,
	"domain_id":null,"token":"TOKEN","uniqueness_method":"ip_ua","uniqueness_use_cookies":true,"traffic_loss":0,"parameters":{},
	"postbacks":[],"notes":""}]`)
	clone := list(t, r)[0]
	if clone["token"] == token || clone["alias"] == "test-campaign-x2" {
		t.Fatalf("clone reused token or alias: %v", clone)
	}
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 5 || got[4] != "735" {
		t.Fatalf("campaigns after clone: %v", got)
	}
}

func TestCampaignDocumentSamples(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/campaigns/89", nil), 200, `{"id":89,"alias":"c8bL9W","name":"Test cost","type":"position",
	"cookies_ttl":24,"position":1,"state":"active","created_at":"2017-02-13 16:48:19","updated_at":"2017-02-13 16:48:19",
	"cost_type":"CPC","cost_value":"10.0000","cost_currency":"USD","cost_auto":false,"group_id":null,"bind_visitors":null,
	"traffic_source_id":1,"domain_id":null,"token":"5552798f1c388c8ade27c13ba47fe46090abd9d","uniqueness_method":"ip_ua",
	"uniqueness_use_cookies":true,"traffic_loss":0,"parameters":{},"postbacks":[],"notes":""}`)
	r := a.do("POST", "/campaigns/662/disable", nil)
	l := list(t, r)
	if len(l) != 1 {
		t.Fatalf("disable answer: %s", r.Body)
	}
	field(t, l[0], "state", "disabled")
	field(t, l[0], "group_id", num("71"))
	field(t, l[0], "bind_visitors", "slo")
	field(t, l[0], "cost_auto", true)
	field(t, list(t, a.do("POST", "/campaigns/662/enable", nil))[0], "state", "active")
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 3 || got[0] != "2" || got[1] != "89" || got[2] != "662" {
		t.Fatalf("sample campaigns: %v", got)
	}
}

func TestCampaignLifecycleModern(t *testing.T) {
	a := start(t, keitaro.Config{Dialect: "modern"})
	r := a.do("POST", "/campaigns", map[string]any{"name": "M", "alias": "m1", "cost_value": 10})
	m := object(t, r)
	field(t, m, "updated_at", "2017-06-01 13:40:00")
	field(t, m, "cost_value", num("10"))
	field(t, object(t, a.do("GET", "/campaigns/89", nil)), "cost_value", num("10"))
	for _, c := range []struct{ path, state string }{
		{"/campaigns/734/disable", "disabled"}, {"/campaigns/734/enable", "active"},
	} {
		// [campaign], as a real 2021 tracker answered (§0).
		field(t, one(t, a.do("POST", c.path, nil)), "state", c.state)
	}
	field(t, object(t, a.do("DELETE", "/campaigns/734", nil)), "state", "deleted")
	field(t, one(t, a.do("POST", "/campaigns/734/restore", nil)), "state", "active")
	l := list(t, a.do("POST", "/campaigns/734/clone", nil))
	if len(l) != 1 {
		t.Fatalf("modern clone is a list of one: %v", l)
	}
	field(t, l[0], "name", "Copy of M")
	// A clone is active whatever its source's state.
	a.do("POST", "/campaigns/734/disable", nil)
	field(t, list(t, a.do("POST", "/campaigns/734/clone", nil))[0], "state", "active")
	field(t, l[0], "cost_value", num("10"))
}

func TestCampaignFields(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.do("POST", "/campaigns", map[string]any{
		"alias": "full", "name": "Full", "type": "weight", "cookies_ttl": 48, "position": 5, "state": "disabled",
		"cost_type": "revshare", "cost_value": 1.23456, "cost_currency": "eur", "cost_auto": true, "group_id": 1,
		"bind_visitors": "sl", "traffic_source_id": 1, "domain_id": 3, "token": "tok", "uniqueness_method": "ip",
		"uniqueness_use_cookies": false, "traffic_loss": 12.5, "notes": "n",
		"parameters": map[string]any{"keyword": map[string]any{"name": "kw", "placeholder": "{kw}"}},
		"postbacks":  []any{map[string]any{"method": "post", "statuses": []any{"sale", "lead"}, "url": "http://pb"}},
	})
	expect(t, r, 200, `{"id":734,"alias":"full","name":"Full","type":"weight","cookies_ttl":48,"position":5,"state":"disabled",
	"created_at":"2017-06-01 13:40:00","updated_at":null,"cost_type":"RevShare","cost_value":"1.2346","cost_currency":"EUR",
	"cost_auto":true,"group_id":1,"bind_visitors":"sl","traffic_source_id":1,"domain_id":3,"token":"tok","uniqueness_method":"ip",
	"uniqueness_use_cookies":false,"traffic_loss":12.5,"parameters":{"keyword":{"name":"kw","placeholder":"{kw}","alias":""}},
	"postbacks":[{"id":1,"campaign_id":734,"method":"POST","statuses":["sale","lead"],"url":"http://pb"}],"notes":"n"}`)

	// PUT keeps what is not sent; a postback that names its id keeps it.
	r = a.do("PUT", "/campaigns/734", map[string]any{"postbacks": []any{
		map[string]any{"id": 1, "url": "http://pb2"}, map[string]any{"url": "http://pb3", "statuses": "rebill"}}})
	m := object(t, r)
	field(t, m, "postbacks", []any{
		map[string]any{"id": 1, "campaign_id": 734, "method": "GET", "statuses": []any{}, "url": "http://pb2"},
		map[string]any{"id": 2, "campaign_id": 734, "method": "GET", "statuses": []any{"rebill"}, "url": "http://pb3"},
	})
	field(t, m, "type", "weight")
	field(t, m, "parameters", map[string]any{"keyword": map[string]any{"name": "kw", "placeholder": "{kw}", "alias": ""}})

	// The tenant's currency is the default.
	key := a.newTenant(map[string]any{"currency": "rub"})
	field(t, object(t, a.as(key).do("POST", "/campaigns", map[string]any{"alias": "x", "name": "x"})), "cost_currency", "RUB")

	// Alias uniqueness on update excludes the campaign itself.
	expectStatus(t, a.do("PUT", "/campaigns/734", map[string]any{"alias": "full"}), 200)
	expect(t, a.do("PUT", "/campaigns/734", map[string]any{"alias": "c8bL9W", "name": ""}), 406,
		`{"alias":["This value is already taken"],"name":["This field is required"]}`)
}

func TestCampaignCloneCopiesStreams(t *testing.T) {
	a := start(t, keitaro.Config{})
	// Campaign 2 has streams 1282 and 3659; archive a third first.
	s := object(t, a.do("POST", "/streams", map[string]any{"campaign_id": 2, "type": "regular", "schema": "redirect",
		"action_type": "http", "name": "gone"}))
	a.do("DELETE", "/streams/"+string(s["id"].(json.Number)), nil)
	clone := list(t, a.do("POST", "/campaigns/2/clone", nil))[0]
	cid := string(clone["id"].(json.Number))
	field(t, clone, "name", "Copy of Test stream campaign")
	field(t, clone, "traffic_source_id", num("1"))
	streams := list(t, a.do("GET", "/campaigns/"+cid+"/streams", nil))
	if len(streams) != 2 {
		t.Fatalf("clone streams: %v", streams)
	}
	field(t, streams[0], "name", "Test Stream")
	field(t, streams[0], "id", num("3661"))
	field(t, streams[0], "weight", num("14"))
	field(t, streams[0], "filters", []any{map[string]any{"id": 387, "stream_id": 3661, "name": "uniqueness", "mode": "reject", "payload": "stream"}})
	field(t, streams[1], "name", "Landings stream")
	field(t, streams[1], "position", num("2"))
	lands := streams[1]["landings"].([]any)
	offers := streams[1]["offers"].([]any)
	if len(lands) != 1 || len(offers) != 2 {
		t.Fatalf("clone links: %v %v", lands, offers)
	}
	field(t, lands[0].(map[string]any), "landing_id", num("26"))
	field(t, offers[1].(map[string]any), "offer_id", num("3"))
	field(t, offers[1].(map[string]any), "share", num("0"))
	// The source keeps its streams.
	if l := list(t, a.do("GET", "/campaigns/2/streams", nil)); len(l) != 2 || ids(l)[0] != "1282" {
		t.Fatalf("source streams: %v", ids(l))
	}
}

func TestCampaignUpdateCosts(t *testing.T) {
	a := start(t, keitaro.Config{})
	// The document's example.
	r := a.do("POST", "/campaigns/2/update_costs", map[string]any{"start_date": "2017-09-10", "end_date": "2017-09-12",
		"cost": 10.02, "currency": "EUR", "timezone": "Europe/Moscow", "only_campaign_uniques": 1})
	expect(t, r, 200, `{"success":true}`)
	l := list(t, a.do("GET", "/logs/system", nil))
	if len(l) != 1 || l[0]["message"] != "Costs updated for campaign #2: 0 clicks" || l[0]["datetime"] != "2017-06-01 13:40:00" {
		t.Fatalf("system log: %v", l)
	}
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{}, `{"start_date":["This field is required"],"end_date":["This field is required"],"cost":["This field is required"]}`},
		{map[string]any{"start_date": "2017-09-12", "end_date": "2017-09-10", "cost": 1}, `{"end_date":["This value is invalid"]}`},
		{map[string]any{"start_date": "12.09.2017", "end_date": "2017-09-10 10:00", "cost": 1}, `{"start_date":["This value is invalid"]}`},
		{map[string]any{"start_date": "2017-09-10", "end_date": "2017-09-10", "cost": -1}, `{"cost":["This value is invalid"]}`},
		{map[string]any{"start_date": "2017-09-10", "end_date": "2017-09-10", "cost": 1, "timezone": "Mars/Base"}, `{"timezone":["This value is invalid"]}`},
		{map[string]any{"start_date": "2017-09-10", "end_date": "2017-09-10", "cost": 1, "filters": map[string]any{"ip": "1"}}, `{"filters":["This value is invalid"]}`},
	} {
		expect(t, a.do("POST", "/campaigns/2/update_costs", c.body), 406, c.want)
	}
	expect(t, a.do("POST", "/campaigns/2/update_costs", map[string]any{"start_date": "2017-09-10 20:10", "end_date": "2017-09-10 20:10:30",
		"cost": "5", "filters": map[string]any{"sub_id_3": "a,b", "source": []any{"x"}}}), 200, `{"success":true}`)
}
