package keitaro_test

import (
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

const stream1282 = `{"id":1282,"type":"forced","name":"Test Stream","campaign_id":2,"position":1,"weight":14,"chance":14,
"action_options":null,"comments":"","state":"active","updated_at":"2016-08-20 15:30:04","action_type":"http",
"action_payload":"http://test.com","schema":"redirect","collect_clicks":true,"filter_or":true,
"filters":[{"id":386,"stream_id":1282,"name":"uniqueness","mode":"reject","payload":"stream"}],
"triggers":[],"landings":[],"offers":[]}`

func TestStreamSamples(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/streams/1282", nil), 200, stream1282)
	r := a.do("GET", "/campaigns/2/streams", nil)
	l := list(t, r)
	if len(l) != 2 {
		t.Fatalf("streams of campaign 2: %s", r.Body)
	}
	field(t, l[1], "landings", []any{map[string]any{"id": 46, "stream_id": 3659, "landing_id": 26, "state": "active", "share": 100,
		"created_at": "2017-05-23 11:34:17", "updated_at": "2017-05-23 11:55:00"}})
	field(t, l[1], "offers", []any{
		map[string]any{"id": 41, "stream_id": 3659, "offer_id": 4, "state": "active", "share": 100, "created_at": "2017-05-23 11:55:00", "updated_at": "2017-05-23 11:55:00"},
		map[string]any{"id": 42, "stream_id": 3659, "offer_id": 3, "state": "active", "share": 0, "created_at": "2017-05-23 11:55:00", "updated_at": "2017-05-23 11:55:00"},
	})
	expect(t, a.do("GET", "/campaigns/89/streams", nil), 200, `[]`)
	expect(t, a.do("GET", "/campaigns/5/streams", nil), 404, `{"error":"Not found"}`)
	expect(t, a.do("GET", "/streams/1282/events", nil), 200, `[]`)

	m := start(t, keitaro.Config{Dialect: "modern"})
	field(t, object(t, m.do("GET", "/streams/1282", nil)), "comments", nil)
}

func TestStreamCreateAndReadBack(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.do("POST", "/streams", map[string]any{
		"campaign_id": 89, "type": "regular", "name": "All of it", "chance": 40, "schema": "landings",
		"comments": "c", "collect_clicks": "1", "filter_or": 0, "action_options": map[string]any{"k": "v"},
		"filters": []any{
			map[string]any{"name": "country", "mode": "allow", "payload": []any{"US", "DE"}},
			map[string]any{"name": "bot", "mode": "reject"},
		},
		"triggers": []any{map[string]any{"condition": "not_respond", "target": "landings", "action": "disable", "selected_page": "http://x"}},
		"landings": []any{map[string]any{"landing_id": 26, "share": 60}},
		"offers":   []any{map[string]any{"offer_id": 1}, map[string]any{"offer_id": 3, "share": "0", "state": "disabled"}},
	})
	expect(t, r, 200, `{"id":3660,"type":"regular","name":"All of it","campaign_id":89,"position":1,"weight":40,"chance":40,
	"action_options":{"k":"v"},"comments":"c","state":"active","updated_at":"2017-06-01 13:40:00","action_type":"http",
	"action_payload":null,"schema":"landings","collect_clicks":true,"filter_or":false,
	"filters":[{"id":387,"stream_id":3660,"name":"country","mode":"accept","payload":["US","DE"]},
	           {"id":388,"stream_id":3660,"name":"bot","mode":"reject","payload":null}],
	"triggers":[{"id":1,"stream_id":3660,"condition":"not_respond","target":"landings","action":"disable","selected_page":"http://x",
	             "pattern":"","interval":60,"alternative_urls":"","grab_from_page":"","av_settings":"","reverse":false,"scan_page":false,
	             "enabled":true,"next_run_at":null}],
	"landings":[{"id":47,"stream_id":3660,"landing_id":26,"state":"active","share":60,"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00"}],
	"offers":[{"id":48,"stream_id":3660,"offer_id":1,"state":"active","share":100,"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00"},
	          {"id":49,"stream_id":3660,"offer_id":3,"state":"disabled","share":0,"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00"}]}`)
	expect(t, a.do("GET", "/streams/3660", nil), 200, r.Body)

	// The next stream of the campaign goes after it; weight wins over chance.
	s := object(t, a.do("POST", "/streams", map[string]any{"campaign_id": 89, "type": "default", "schema": "action",
		"action_type": "show_text", "action_payload": "hello", "weight": 5, "chance": 9}))
	field(t, s, "position", num("2"))
	field(t, s, "weight", num("5"))
	field(t, s, "chance", num("5"))
	field(t, s, "action_payload", "hello")
	s = object(t, a.do("POST", "/streams", map[string]any{"campaign_id": 89, "type": "forced", "schema": "action",
		"action_type": "campaign", "action_payload": 662, "position": 10}))
	field(t, s, "action_payload", num("662"))
	field(t, s, "position", num("10"))
}

func TestStreamValidation(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.do("DELETE", "/campaigns/662", nil)
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{}, `{"campaign_id":["This field is required"],"type":["This field is required"],"schema":["This field is required"],"action_type":["This field is required"]}`},
		{map[string]any{"campaign_id": 5, "type": "regular", "schema": "offers"}, `{"campaign_id":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 662, "type": "regular", "schema": "offers"}, `{"campaign_id":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 2, "type": "odd", "schema": "redirect", "action_type": "teleport"}, `{"type":["This value is invalid"],"action_type":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "redirect"}, `{"action_type":["This field is required"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "weight": 101}, `{"weight":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "filters": []any{map[string]any{"name": "moon", "mode": "accept"}}}, `{"filters":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "filters": []any{map[string]any{"name": "ip"}}}, `{"filters":["This field is required"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "filters": "country"}, `{"filters":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "triggers": []any{map[string]any{"target": "stream", "action": "disable"}}}, `{"triggers":["This field is required"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "landings": []any{map[string]any{"landing_id": 999}}}, `{"landings":["This value is invalid"]}`},
		{map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers", "offers": []any{map[string]any{"offer_id": 1, "share": 200}}}, `{"offers":["This value is invalid"]}`},
	} {
		expect(t, a.do("POST", "/streams", c.body), 406, c.want)
	}
	// Nothing of the failed creates was stored.
	if l := list(t, a.do("GET", "/campaigns/2/streams", nil)); len(l) != 2 {
		t.Fatalf("streams after failed creates: %v", ids(l))
	}
}

func TestStreamUpdate(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.advance("1h")
	r := a.do("PUT", "/streams/3659", map[string]any{
		"name": "Renamed", "comments": "now",
		"landings": []any{map[string]any{"id": 46, "landing_id": 26, "share": 50}, map[string]any{"landing_id": 26, "share": 50}},
		"offers":   []any{map[string]any{"id": 42, "offer_id": 3, "share": 100}},
	})
	s := object(t, r)
	field(t, s, "name", "Renamed")
	field(t, s, "updated_at", "2017-06-01 14:40:00")
	field(t, s, "landings", []any{
		map[string]any{"id": 46, "stream_id": 3659, "landing_id": 26, "state": "active", "share": 50, "created_at": "2017-05-23 11:34:17", "updated_at": "2017-06-01 14:40:00"},
		map[string]any{"id": 47, "stream_id": 3659, "landing_id": 26, "state": "active", "share": 50, "created_at": "2017-06-01 14:40:00", "updated_at": "2017-06-01 14:40:00"},
	})
	field(t, s, "offers", []any{
		map[string]any{"id": 42, "stream_id": 3659, "offer_id": 3, "state": "active", "share": 100, "created_at": "2017-05-23 11:55:00", "updated_at": "2017-06-01 14:40:00"},
	})
	// An id of another stream's item is not kept.
	s = object(t, a.do("PUT", "/streams/1282", map[string]any{"filters": []any{map[string]any{"id": 46, "name": "bot", "mode": "accept"}}}))
	field(t, s, "filters", []any{map[string]any{"id": 387, "stream_id": 1282, "name": "bot", "mode": "accept", "payload": nil}})
	field(t, s, "name", "Test Stream")
	// Moving to another campaign puts it at the end there.
	s = object(t, a.do("PUT", "/streams/1282", map[string]any{"campaign_id": 89}))
	field(t, s, "campaign_id", num("89"))
	field(t, s, "position", num("1"))
	expect(t, a.do("PUT", "/streams/1282", map[string]any{"campaign_id": 12345}), 406, `{"campaign_id":["This value is invalid"]}`)
	expect(t, a.do("PUT", "/streams/777", map[string]any{}), 404, `{"error":"Not found"}`)
}

func TestStreamStatesAndEvents(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("POST", "/streams/1282/restore", nil), 404, `{"error":"Not found"}`)
	field(t, object(t, a.do("POST", "/streams/1282/disable", nil)), "state", "disabled")
	field(t, object(t, a.do("POST", "/streams/1282/disable", nil)), "state", "disabled")
	if l := list(t, a.do("GET", "/campaigns/2/streams", nil)); len(l) != 2 {
		t.Fatalf("a disabled stream is listed: %v", ids(l))
	}
	field(t, object(t, a.do("POST", "/streams/1282/enable", nil)), "state", "active")
	a.do("PUT", "/streams/1282", map[string]any{"name": "x"})
	field(t, object(t, a.do("DELETE", "/streams/1282", nil)), "state", "deleted")
	for _, c := range []struct{ method, path string }{
		{"GET", "/streams/1282"}, {"PUT", "/streams/1282"}, {"DELETE", "/streams/1282"},
		{"POST", "/streams/1282/enable"}, {"POST", "/streams/1282/disable"},
	} {
		expect(t, a.do(c.method, c.path, nil), 404, `{"error":"Not found"}`)
	}
	if l := list(t, a.do("GET", "/campaigns/2/streams", nil)); len(l) != 1 {
		t.Fatalf("an archived stream is listed: %v", ids(l))
	}
	field(t, list(t, a.do("GET", "/streams/deleted", nil))[0], "id", num("1282"))
	events := a.do("GET", "/stream/1282/events", nil)
	expect(t, events, 200, `[{"id":4,"stream_id":1282,"action":"archive","datetime":"2017-06-01 13:40:00"},
	{"id":3,"stream_id":1282,"action":"update","datetime":"2017-06-01 13:40:00"},
	{"id":2,"stream_id":1282,"action":"enable","datetime":"2017-06-01 13:40:00"},
	{"id":1,"stream_id":1282,"action":"disable","datetime":"2017-06-01 13:40:00"}]`)
	expect(t, a.do("GET", "/streams/1282/events", nil), 200, events.Body)
	field(t, object(t, a.do("POST", "/streams/1282/restore", nil)), "state", "active")
	expect(t, a.do("GET", "/streams/deleted", nil), 200, `[]`)
	expect(t, a.do("GET", "/streams/999/events", nil), 404, `{"error":"Not found"}`)

	// An archived campaign's stream keeps answering by id.
	a.do("DELETE", "/campaigns/2", nil)
	expectStatus(t, a.do("GET", "/streams/3659", nil), 200)
	expect(t, a.do("GET", "/campaigns/2/streams", nil), 404, `{"error":"Not found"}`)
	a.do("POST", "/campaigns/2/restore", nil)
	if l := list(t, a.do("GET", "/campaigns/2/streams", nil)); len(l) != 2 {
		t.Fatalf("streams after campaign restore: %v", ids(l))
	}
}

func TestStreamSearch(t *testing.T) {
	a := start(t, keitaro.Config{})
	if got := ids(list(t, a.do("GET", "/streams/search?query=STREAM", nil))); len(got) != 2 || got[0] != "1282" {
		t.Fatalf("search STREAM: %v", got)
	}
	if got := ids(list(t, a.do("GET", "/streams/search", map[string]any{"query": "landing"}))); len(got) != 1 || got[0] != "3659" {
		t.Fatalf("search landing: %v", got)
	}
	expect(t, a.do("GET", "/streams/search?query=nothing", nil), 200, `[]`)
	expect(t, a.do("GET", "/streams/search", nil), 406, `{"query":["This field is required"]}`)
	expect(t, a.do("GET", "/streams/search?query=+", nil), 406, `{"query":["This field is required"]}`)
}

func TestStreamCopyAndMove(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.do("POST", "/streams/copy", map[string]any{"stream_ids": []any{3659, 1282}, "campaign_id": 89})
	l := list(t, r)
	if got := ids(l); len(got) != 2 || got[0] != "3660" || got[1] != "3661" {
		t.Fatalf("copies: %s", r.Body)
	}
	field(t, l[0], "name", "Landings stream")
	field(t, l[0], "campaign_id", num("89"))
	field(t, l[0], "position", num("1"))
	field(t, l[1], "position", num("2"))
	field(t, l[0]["landings"].([]any)[0].(map[string]any), "id", num("47"))
	field(t, list(t, a.do("GET", "/streams/3660/events", nil))[0], "action", "copy")
	if got := ids(list(t, a.do("GET", "/campaigns/2/streams", nil))); len(got) != 2 {
		t.Fatalf("the source keeps its streams: %v", got)
	}

	r = a.do("POST", "/streams/move_streams", map[string]any{"ids": []any{"1282"}, "campaign_id": "662"})
	l = list(t, r)
	field(t, l[0], "id", num("1282"))
	field(t, l[0], "campaign_id", num("662"))
	field(t, l[0], "position", num("1"))
	if got := ids(list(t, a.do("GET", "/campaigns/2/streams", nil))); len(got) != 1 || got[0] != "3659" {
		t.Fatalf("after move: %v", got)
	}
	field(t, list(t, a.do("GET", "/streams/1282/events", nil))[0], "action", "move")

	expect(t, a.do("POST", "/streams/copy", map[string]any{}), 406,
		`{"stream_ids":["This field is required"],"campaign_id":["This field is required"]}`)
	expect(t, a.do("POST", "/streams/copy", map[string]any{"stream_ids": []any{9}, "campaign_id": 9}), 406,
		`{"stream_ids":["This value is invalid"],"campaign_id":["This value is invalid"]}`)
}

func TestStreamCatalogues(t *testing.T) {
	a := start(t, keitaro.Config{})
	l := list(t, a.do("GET", "/stream_types", nil))
	if got := []any{l[0]["key"], l[1]["key"], l[2]["key"]}; got[0] != "forced" || got[1] != "regular" || got[2] != "default" || len(l) != 3 {
		t.Fatalf("stream types: %v", l)
	}
	field(t, l[0], "value", "forced")
	field(t, l[0], "name", "Intercepting")
	field(t, l[0], "type", "stream_type")
	l = list(t, a.do("GET", "/stream_schemas", nil))
	if len(l) != 4 || l[2]["key"] != "landings" || l[2]["name"] != "Landings and offers" {
		t.Fatalf("stream schemas: %v", l)
	}
	l = list(t, a.do("GET", "/stream_actions", nil))
	if len(l) != 18 || l[0]["key"] != "http" || l[17]["key"] != "campaign" || l[17]["field"] != "campaign" || l[13]["field"] != "text" {
		t.Fatalf("stream actions: %v", l)
	}
	l = list(t, a.do("GET", "/stream_filters", nil))
	if len(l) != 44 || l[0]["value"] != "country" || l[0]["group"] != "geo" {
		t.Fatalf("stream filters: %d %v", len(l), l[0])
	}
	for _, f := range l {
		switch f["value"] {
		case "uniqueness":
			field(t, f, "defaults", "campaign")
		case "bot":
			field(t, f, "defaults", nil)
			field(t, f, "modes", map[string]any{"accept": "Accept", "reject": "Reject"})
		case "keyword":
			field(t, f, "defaults", []any{})
		}
	}
}
