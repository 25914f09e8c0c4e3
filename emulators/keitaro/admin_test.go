package keitaro_test

import (
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

func TestGroupsClassic(t *testing.T) {
	a := start(t, keitaro.Config{})
	// The document's examples.
	expect(t, a.do("GET", "/groups?type=campaigns", nil), 200,
		`[{"id":1,"name":"group1","position":1,"type":"campaigns"},{"id":2,"name":"group2","position":2,"type":"campaigns"}]`)
	expect(t, a.do("POST", "/groups", map[string]any{"name": "Test Group X", "position": "10", "type": "campaigns"}), 200,
		`{"name":"Test Group X","position":10,"type":"campaigns","id":"19"}`)
	expect(t, a.do("PUT", "/groups/19", map[string]any{"id": 19, "name": "Test Group X2"}), 200,
		`{"id":19,"name":"Test Group X2","position":10,"type":"campaigns","count":"0"}`)
	a.do("PUT", "/campaigns/89", map[string]any{"group_id": 19})
	a.do("PUT", "/campaigns/662", map[string]any{"group_id": 19})
	a.do("DELETE", "/campaigns/662", nil)
	field(t, object(t, a.do("PUT", "/groups/19", map[string]any{})), "count", "1")
	expect(t, a.do("DELETE", "/groups/19/delete", map[string]any{"id": 19}), 200, `[]`)
	// Gone for good; its members lost it.
	expect(t, a.do("PUT", "/groups/19", map[string]any{"name": "again"}), 404, `{"error":"Not found"}`)
	expect(t, a.do("DELETE", "/groups/19/delete", nil), 404, `{"error":"Not found"}`)
	field(t, object(t, a.do("GET", "/campaigns/89", nil)), "group_id", nil)
	if got := ids(list(t, a.do("GET", "/groups", nil))); len(got) != 2 {
		t.Fatalf("groups after delete: %v", got)
	}

	// Per type: default position, names unique within a type only.
	expect(t, a.do("POST", "/groups", map[string]any{"name": "group1", "type": "offers"}), 200,
		`{"name":"group1","position":1,"type":"offers","id":"20"}`)
	field(t, object(t, a.do("POST", "/groups", map[string]any{"name": "group2", "type": "offers"})), "position", num("2"))
	field(t, object(t, a.do("POST", "/groups", map[string]any{"name": "lp", "type": "landings", "position": 5})), "position", num("5"))
	expect(t, a.do("POST", "/groups", map[string]any{"name": "group1", "type": "offers"}), 406, `{"name":["This value is already taken"]}`)
	expect(t, a.do("PUT", "/groups/20", map[string]any{"type": "campaigns"}), 406, `{"name":["This value is already taken"]}`)
	expect(t, a.do("POST", "/groups", map[string]any{}), 406, `{"name":["This field is required"],"type":["This field is required"]}`)
	expect(t, a.do("POST", "/groups", map[string]any{"name": "x", "type": "streams"}), 406, `{"type":["This value is invalid"]}`)
	expect(t, a.do("GET", "/groups?type=streams", nil), 406, `{"type":["This value is invalid"]}`)
	if l := list(t, a.do("GET", "/groups", map[string]any{"type": "landings"})); len(l) != 1 || l[0]["name"] != "lp" {
		t.Fatalf("landing groups: %v", l)
	}
	offerGroups := list(t, a.do("GET", "/groups?type=offers", nil))
	if got := ids(offerGroups); len(got) != 2 || got[0] != "20" {
		t.Fatalf("offer groups: %v", got)
	}
	// An offer in a group shows its name (classic create answer).
	field(t, object(t, a.do("POST", "/offers", map[string]any{"name": "o", "url": "u", "group_id": 21})), "group", "group2")
	field(t, object(t, a.do("PUT", "/groups/21", nil)), "count", "1")
}

func TestGroupsModern(t *testing.T) {
	a := start(t, keitaro.Config{Dialect: "modern"})
	expect(t, a.do("POST", "/groups", map[string]any{"name": "G", "type": "landings"}), 200, `{"id":19,"name":"G","position":1,"type":"landings"}`)
	expect(t, a.do("PUT", "/groups/19", map[string]any{"position": 3}), 200, `{"id":19,"name":"G","position":3,"type":"landings"}`)
	expect(t, a.do("DELETE", "/groups/19/delete", nil), 200, `{"id":19,"name":"G","position":3,"type":"landings"}`)
}

func TestDomains(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("POST", "/domains", map[string]any{"name": "HTTPS://Track.Example.com/", "default_campaign_id": 89}), 200,
		`[{"id":1,"name":"track.example.com","is_ssl":true,"network_status":"active","status":"active","ssl_status":"issued",
		"default_campaign_id":89,"default_campaign":"Test cost","group_id":null,"group":"","wildcard":false,"catch_not_found":false,
		"ssl_redirect":false,"allow_indexing":true,"notes":null,"campaigns_count":0,"state":"active",
		"created_at":"2017-06-01 13:40:00","updated_at":"2017-06-01 13:40:00","next_check_at":"2017-06-02 13:40:00",
		"ssl_data":{"checks":[],"total":0},"check_retries":0,"error_description":"","error_solution":""}]`)
	m := list(t, a.do("POST", "/domains", map[string]any{"name": "plain.example.com", "wildcard": true}))[0]
	field(t, m, "is_ssl", false)
	field(t, m, "ssl_status", "none")
	a.do("PUT", "/campaigns/2", map[string]any{"domain_id": 2})
	a.do("PUT", "/campaigns/89", map[string]any{"domain_id": 2})
	a.do("DELETE", "/campaigns/89", nil)
	field(t, object(t, a.do("GET", "/domains/2", nil)), "campaigns_count", num("1"))

	expect(t, a.do("POST", "/domains", map[string]any{"name": "http://track.example.com"}), 406, `{"name":["This value is already taken"]}`)
	expect(t, a.do("POST", "/domains", map[string]any{"name": "https://"}), 406, `{"name":["This field is required"]}`)
	expect(t, a.do("POST", "/domains", map[string]any{"name": "a b", "default_campaign_id": 89}), 406,
		`{"name":["This value is invalid"],"default_campaign_id":["This value is invalid"]}`)

	a.advance("1m")
	m = object(t, a.do("PUT", "/domains/1", map[string]any{"notes": "n", "state": "deleted", "catch_not_found": 1}))
	field(t, m, "notes", "n")
	field(t, m, "state", "active")
	field(t, m, "catch_not_found", true)
	m = list(t, a.do("POST", "/domains/1/check", nil))[0]
	field(t, m, "network_status", "active")
	field(t, m, "updated_at", "2017-06-01 13:41:00")

	field(t, object(t, a.do("DELETE", "/domains/1", nil)), "state", "deleted")
	for _, c := range []struct{ method, path string }{
		{"GET", "/domains/1"}, {"PUT", "/domains/1"}, {"DELETE", "/domains/1"}, {"POST", "/domains/1/check"}, {"POST", "/domains/2/restore"},
	} {
		expect(t, a.do(c.method, c.path, nil), 404, `{"error":"Not found"}`)
	}
	if got := ids(list(t, a.do("GET", "/domains", nil))); len(got) != 1 || got[0] != "2" {
		t.Fatalf("domains: %v", got)
	}
	if got := ids(list(t, a.do("GET", "/domains/deleted", nil))); len(got) != 1 || got[0] != "1" {
		t.Fatalf("deleted domains: %v", got)
	}
	field(t, list(t, a.do("POST", "/domains/1/restore", nil))[0], "state", "active")
}

func TestUsers(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.do("POST", "/users", map[string]any{"login": "bob", "type": "user", "new_password": "secret1",
		"new_password_confirmation": "secret1", "preferences": map[string]any{"language": "de"}})
	expect(t, r, 200, `{"id":2,"login":"bob","type":"USER","state":"active","preferences":{"language":"de","timezone":"UTC"},
	"access_data":{"offers_access_type":"read_only","campaigns_access_type":"read_only","landings_access_type":"read_only",
	"traffic_sources_access_type":"read_only","streams_access_type":"read_only","affiliate_networks_access_type":"read_only",
	"domains_access_type":"read_only","resources":[],"reports":[]},"key_count":0}`)
	if strings.Contains(r.Body, "secret1") {
		t.Fatalf("a password is answered")
	}
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{}, `{"login":["This field is required"],"type":["This field is required"],"new_password":["This field is required"],"new_password_confirmation":["This field is required"]}`},
		{map[string]any{"login": "admin", "type": "ADMIN", "new_password": "12345", "new_password_confirmation": "12345"}, `{"login":["This value is already taken"],"new_password":["This value is too short"]}`},
		{map[string]any{"login": "x", "type": "ROOT", "new_password": "123456", "new_password_confirmation": "1234567"}, `{"type":["This value is invalid"],"new_password_confirmation":["This value is invalid"]}`},
		{map[string]any{"login": "x", "type": "USER", "new_password": "123456", "new_password_confirmation": "123456", "preferences": map[string]any{"timezone": "Nowhere/City"}}, `{"preferences":["This value is invalid"]}`},
	} {
		expect(t, a.do("POST", "/users", c.body), 406, c.want)
	}
	m := object(t, a.do("PUT", "/users/2", map[string]any{"login": "robert", "preferences": map[string]any{"timezone": "Europe/Madrid"}}))
	field(t, m, "login", "robert")
	field(t, m, "preferences", map[string]any{"language": "de", "timezone": "Europe/Madrid"})
	expect(t, a.do("PUT", "/users/2", map[string]any{"new_password": "abcdefg"}), 406, `{"new_password_confirmation":["This field is required"]}`)
	expectStatus(t, a.do("PUT", "/users/2", map[string]any{"new_password": "abcdefg", "new_password_confirmation": "abcdefg"}), 200)
	m = object(t, a.do("PUT", "/users/2/access", map[string]any{"access_data": map[string]any{"offers_access_type": "full_access", "reports": []any{"clicks"}}}))
	field(t, m, "access_data", map[string]any{"offers_access_type": "full_access", "campaigns_access_type": "read_only",
		"landings_access_type": "read_only", "traffic_sources_access_type": "read_only", "streams_access_type": "read_only",
		"affiliate_networks_access_type": "read_only", "domains_access_type": "read_only", "resources": []any{}, "reports": []any{"clicks"}})
	expect(t, a.do("PUT", "/users/2/access", map[string]any{}), 406, `{"access_data":["This field is required"]}`)
	expect(t, a.do("PUT", "/users/2/access", map[string]any{"access_data": map[string]any{"offers_access_type": "all"}}), 406, `{"access_data":["This value is invalid"]}`)
	if got := ids(list(t, a.do("GET", "/users", nil))); len(got) != 2 || got[0] != "1" {
		t.Fatalf("users: %v", got)
	}
	expect(t, a.do("DELETE", "/users/1", nil), 403, `{"error":"Forbidden"}`)
	expect(t, a.do("DELETE", "/users/2", nil), 200, `{"success":true}`)
	expect(t, a.do("GET", "/users/2", nil), 404, `{"error":"Not found"}`)
	expect(t, a.do("GET", "/users/0", nil), 404, `{"error":"Not found"}`)
	field(t, object(t, a.do("GET", "/users/1", nil)), "key_count", num("1"))
}

func TestBotList(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/botlist", nil), 200, `{"value":""}`)
	expect(t, a.do("PUT", "/botlist", map[string]any{"value": "1.2.3.4\r\n\n 5.6.7.0/24 \n1.2.3.4\n10.1.*.*\n::1"}), 200, `{"count":4}`)
	expect(t, a.do("GET", "/botlist", nil), 200, `{"value":"1.2.3.4\n5.6.7.0/24\n10.1.*.*\n::1"}`)
	expect(t, a.do("POST", "/botlist/add", map[string]any{"value": "5.6.7.0/24\n8.8.8.8"}), 200, `{"count":5}`)
	expect(t, a.do("POST", "/botlist/exclude", map[string]any{"value": "1.2.3.4\n9.9.9.9"}), 200, `{"count":4}`)
	expect(t, a.do("GET", "/botlist", nil), 200, `{"value":"5.6.7.0/24\n10.1.*.*\n::1\n8.8.8.8"}`)
	for _, bad := range []any{"1.2.3.999", "1.*.3.4", "bot", "*.*.*.*"} {
		expect(t, a.do("POST", "/botlist/add", map[string]any{"value": bad}), 406, `{"value":["This value is invalid"]}`)
	}
	expect(t, a.do("PUT", "/botlist", map[string]any{}), 406, `{"value":["This field is required"]}`)
	expect(t, a.do("DELETE", "/botlist", nil), 200, `{"count":0}`)
	expect(t, a.do("GET", "/botlist", nil), 200, `{"value":""}`)
	l := list(t, a.do("GET", "/logs/system", nil))
	if len(l) != 4 || l[0]["message"] != "Bot list updated: 0 entries" || l[3]["message"] != "Bot list updated: 4 entries" {
		t.Fatalf("system log: %v", l)
	}
}

func TestLogs(t *testing.T) {
	a := start(t, keitaro.Config{})
	expect(t, a.do("GET", "/logs/types", nil), 200, `["system","traffic","postbacks","ssl","sent_postbacks"]`)
	expect(t, a.do("POST", "/logs/types", nil), 200, `["system","traffic","postbacks","ssl","sent_postbacks"]`)
	for i, v := range []string{"1.1.1.1", "2.2.2.2", "3.3.3.3"} {
		if i > 0 {
			a.advance("1s")
		}
		a.do("POST", "/botlist/add", map[string]any{"value": v})
	}
	l := list(t, a.do("GET", "/logs/system", nil))
	if len(l) != 3 || l[0]["message"] != "Bot list updated: 3 entries" || l[0]["datetime"] != "2017-06-01 13:40:02" {
		t.Fatalf("system log: %v", l)
	}
	if jid, _ := l[0]["jid"].(string); len(jid) != 8 {
		t.Fatalf("jid %q", jid)
	}
	l = list(t, a.do("GET", "/logs/system?limit=1&offset=1", nil))
	if len(l) != 1 || l[0]["message"] != "Bot list updated: 2 entries" {
		t.Fatalf("paged log: %v", l)
	}
	l = list(t, a.do("GET", "/logs/system", map[string]any{"query": "1 ENTRIES", "limit": "5"}))
	if len(l) != 1 || l[0]["message"] != "Bot list updated: 1 entries" {
		t.Fatalf("queried log: %v", l)
	}
	expect(t, a.do("GET", "/logs/system?limit=-1", nil), 406, `{"limit":["This value is invalid"]}`)
	expect(t, a.do("GET", "/logs/traffic", nil), 200, `[]`)
	expect(t, a.do("DELETE", "/logs/system", nil), 200, `{"success":true}`)
	expect(t, a.do("GET", "/logs/system", nil), 200, `[]`)
	expect(t, a.do("GET", "/logs/access", nil), 404, `{"error":"Not found"}`)
}
