package keitaro_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

func TestCreateTenant(t *testing.T) {
	a := start(t, keitaro.Config{})
	r := a.srv.Do("POST", "/_emulator/keitaro/tenants", nil)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if !regexp.MustCompile(`^\{"apiKey":"[a-z0-9]{32}","postbackKey":"[a-f0-9]{7}","edition":"pro","currency":"USD","timezone":"UTC","dialect":"classic","sampleData":false\}$`).MatchString(r.Body) {
		t.Fatalf("answer %s", r.Body)
	}
	r = a.srv.Do("POST", "/_emulator/keitaro/tenants", map[string]any{"apiKey": "k-1", "postbackKey": "abc1234",
		"edition": "business", "currency": "eur", "timezone": "Europe/Madrid", "dialect": "modern", "sampleData": true})
	expect(t, r, 201, `{"apiKey":"k-1","postbackKey":"abc1234","edition":"business","currency":"EUR",
	"timezone":"Europe/Madrid","dialect":"modern","sampleData":true}`)
	for _, c := range []struct {
		body   map[string]any
		status int
	}{
		{map[string]any{"apiKey": "k-1"}, 409},
		{map[string]any{"apiKey": "your-api-key"}, 409},
		{map[string]any{"postbackKey": "1a2b3c4"}, 409},
		{map[string]any{"apiKey": "has space"}, 400},
		{map[string]any{"apiKey": ""}, 400},
		{map[string]any{"apiKey": strings.Repeat("k", 129)}, 400},
		{map[string]any{"postbackKey": "ABCDEFG"}, 400},
		{map[string]any{"edition": "gold"}, 400},
		{map[string]any{"currency": "US"}, 400},
		{map[string]any{"timezone": "Mars/Base"}, 400},
		{map[string]any{"dialect": "fancy"}, 400},
		{map[string]any{"sampleData": "yes"}, 400},
		{map[string]any{"apiKey": 12}, 400},
		{map[string]any{"apikey": "x"}, 400},
	} {
		r := a.srv.Do("POST", "/_emulator/keitaro/tenants", c.body)
		if r.Status != c.status || !strings.HasPrefix(r.Body, `{"error":`) {
			t.Fatalf("%v: %d %s", c.body, r.Status, r.Body)
		}
	}
	expect(t, a.srv.Do("POST", "/_emulator/keitaro/tenants", map[string]any{"apiKey": "your-api-key"}), 409, `{"error":"tenant exists"}`)
}

func TestNewTenantIsEmpty(t *testing.T) {
	a := start(t, keitaro.Config{})
	b := a.as(a.newTenant(nil))
	for _, p := range []string{"/campaigns", "/offers", "/landing_pages", "/traffic_sources", "/affiliate_networks", "/groups", "/domains", "/streams/deleted"} {
		expect(t, b.do("GET", p, nil), 200, `[]`)
	}
	field(t, list(t, b.do("GET", "/users", nil))[0], "login", "admin")
	field(t, object(t, b.do("POST", "/campaigns", map[string]any{"alias": "Tx9pLm", "name": "mine"})), "id", num("1"))
	field(t, object(t, b.do("POST", "/offers", map[string]any{"name": "o", "url": "u"})), "id", "1")
	field(t, object(t, b.do("POST", "/groups", map[string]any{"name": "group1", "type": "campaigns"})), "id", "1")
	field(t, object(t, b.do("POST", "/users", map[string]any{"login": "u", "type": "USER", "new_password": "123456", "new_password_confirmation": "123456"})), "id", num("2"))

	s := a.as(a.newTenant(map[string]any{"sampleData": true}))
	expect(t, s.do("GET", "/streams/1282", nil), 200, stream1282)
	field(t, object(t, s.do("POST", "/campaigns", map[string]any{"alias": "x", "name": "x"})), "id", num("734"))
}

func TestTenantIsolation(t *testing.T) {
	a := start(t, keitaro.Config{})
	b := a.as(a.newTenant(nil))
	a.do("POST", "/campaigns", map[string]any{"alias": "shared", "name": "A's"})
	// Another tenant's ids are unknown, its alias and names are free.
	for _, c := range []struct{ method, path string }{
		{"GET", "/campaigns/734"}, {"GET", "/campaigns/89"}, {"PUT", "/campaigns/89"}, {"DELETE", "/campaigns/89"},
		{"GET", "/streams/1282"}, {"GET", "/offers/1"}, {"GET", "/landing_pages/26"}, {"GET", "/affiliate_networks/1"},
		{"PUT", "/groups/1"}, {"POST", "/campaigns/2/clone"}, {"GET", "/stream/1282/events"},
	} {
		expect(t, b.do(c.method, c.path, map[string]any{}), 404, `{"error":"Not found"}`)
	}
	field(t, object(t, b.do("POST", "/campaigns", map[string]any{"alias": "shared", "name": "B's"})), "id", num("1"))
	field(t, list(t, b.do("POST", "/affiliate_networks", map[string]any{"name": "bitterstrawberry.com"}))[0], "id", "1")
	expect(t, b.do("POST", "/streams", map[string]any{"campaign_id": 2, "type": "regular", "schema": "offers"}), 406, `{"campaign_id":["This value is invalid"]}`)
	expect(t, b.do("POST", "/streams", map[string]any{"campaign_id": 1, "type": "regular", "schema": "offers",
		"offers": []any{map[string]any{"offer_id": 1}}}), 406, `{"offers":["This value is invalid"]}`)
	b.do("PUT", "/botlist", map[string]any{"value": "1.1.1.1"})
	expect(t, a.do("GET", "/botlist", nil), 200, `{"value":""}`)
	expect(t, a.do("GET", "/logs/system", nil), 200, `[]`)
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 4 {
		t.Fatalf("A's campaigns: %v", got)
	}
	if got := ids(list(t, b.do("GET", "/campaigns", nil))); len(got) != 1 {
		t.Fatalf("B's campaigns: %v", got)
	}
}

func TestTenantDialectOverride(t *testing.T) {
	a := start(t, keitaro.Config{})
	m := a.as(a.newTenant(map[string]any{"dialect": "modern", "sampleData": true}))
	field(t, object(t, m.do("GET", "/campaigns/89", nil)), "cost_value", num("10"))
	field(t, object(t, a.do("GET", "/campaigns/89", nil)), "cost_value", "10.0000")

	b := start(t, keitaro.Config{Dialect: "modern"})
	c := b.as(b.newTenant(map[string]any{"dialect": "classic", "sampleData": true}))
	field(t, object(t, c.do("GET", "/campaigns/89", nil)), "cost_value", "10.0000")
	field(t, object(t, b.do("GET", "/campaigns/89", nil)), "cost_value", num("10"))
	r := b.srv.Do("POST", "/_emulator/keitaro/tenants", nil)
	if !strings.Contains(r.Body, `"dialect":"modern"`) {
		t.Fatalf("a tenant follows the global dialect: %s", r.Body)
	}
}

func TestResets(t *testing.T) {
	a := start(t, keitaro.Config{})
	key := a.newTenant(map[string]any{"apiKey": "mine", "dialect": "modern"})
	b := a.as(key)
	b.do("POST", "/campaigns", map[string]any{"alias": "x", "name": "x"})
	a.do("POST", "/campaigns", map[string]any{"alias": "x", "name": "x"})
	a.do("DELETE", "/campaigns/2", nil)

	r := a.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant=mine", nil)
	expectStatus(t, r, 200)
	expect(t, b.do("GET", "/campaigns", nil), 200, `[]`)
	// Settings stay; counters start again.
	field(t, object(t, b.do("POST", "/campaigns", map[string]any{"alias": "x", "name": "x", "cost_value": 2})), "cost_value", num("2"))
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 3 {
		t.Fatalf("the default tenant is untouched: %v", got)
	}

	expectStatus(t, a.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant="+keitaro.DefaultTenant, nil), 200)
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 3 || got[0] != "2" {
		t.Fatalf("sample data after reset: %v", got)
	}
	field(t, object(t, a.do("POST", "/campaigns", map[string]any{"alias": "x", "name": "x"})), "id", num("734"))
	expectStatus(t, a.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant=nobody", nil), 404)

	expectStatus(t, a.srv.Do("POST", "/_emulator/reset?vendor=keitaro", nil), 200)
	expect(t, b.do("GET", "/campaigns", nil), 401, `{"error":"Unauthorized"}`)
	if got := ids(list(t, a.do("GET", "/campaigns", nil))); len(got) != 3 {
		t.Fatalf("default tenant after vendor reset: %v", got)
	}
}

func TestSeedDocument(t *testing.T) {
	a := start(t, keitaro.Config{})
	doc := map[string]any{"keitaro": map[string]any{"tenants": []any{
		map[string]any{
			"apiKey": "seeded", "dialect": "modern", "currency": "EUR",
			"affiliate_networks": []any{map[string]any{"id": 7, "name": "Net", "state": "deleted"}},
			"groups":             []any{map[string]any{"id": 3, "name": "G", "type": "offers"}},
			"offers":             []any{map[string]any{"id": 10, "name": "O", "url": "http://o", "affiliate_network_id": 7, "group_id": 3, "payout_value": 2}},
			"landing_pages":      []any{map[string]any{"name": "L", "url": "http://l"}},
			"campaigns": []any{
				map[string]any{"id": 50, "alias": "s1", "name": "S", "state": "deleted", "created_at": "2020-01-02 03:04:05"},
				map[string]any{"alias": "s2", "name": "S2", "updated_at": "2021-01-01T00:00:00Z"},
			},
			"streams": []any{map[string]any{"campaign_id": 50, "type": "regular", "schema": "offers",
				"offers": []any{map[string]any{"offer_id": 10}}, "landings": []any{map[string]any{"landing_id": 1}}}},
			"domains":  []any{map[string]any{"name": "d.example.com", "state": "deleted"}},
			"users":    []any{map[string]any{"login": "ops", "type": "USER"}},
			"botlist":  "1.1.1.1\n2.2.2.0/24",
			"counters": map[string]any{"campaigns": 100},
			"clicks":   []any{},
			"labels":   []any{},
		},
		map[string]any{"apiKey": keitaro.DefaultTenant, "campaigns": []any{map[string]any{"alias": "more", "name": "More"}}},
	}}}
	r := a.srv.Do("POST", "/_emulator/seed", doc)
	expectStatus(t, r, 200)
	s := a.as("seeded")
	c := list(t, s.do("GET", "/campaigns/deleted", nil))
	field(t, c[0], "id", num("50"))
	field(t, c[0], "created_at", "2020-01-02 03:04:05")
	field(t, c[0], "cost_currency", "EUR")
	c = list(t, s.do("GET", "/campaigns", nil))
	field(t, c[0], "id", num("51"))
	field(t, c[0], "updated_at", "2021-01-01 00:00:00")
	field(t, object(t, s.do("POST", "/campaigns", map[string]any{"alias": "s3", "name": "S3"})), "id", num("100"))
	o := object(t, s.do("GET", "/offers/10", nil))
	field(t, o, "affiliate_network", "Net")
	field(t, o, "group", "G")
	field(t, o, "payout_value", num("2"))
	field(t, object(t, s.do("GET", "/affiliate_networks/7", nil)), "state", "deleted")
	st := object(t, s.do("GET", "/streams/1", nil))
	field(t, st, "campaign_id", num("50"))
	expect(t, s.do("GET", "/streams/1/events", nil), 200, `[]`)
	field(t, list(t, s.do("GET", "/domains/deleted", nil))[0], "name", "d.example.com")
	field(t, list(t, s.do("GET", "/users", nil))[1], "login", "ops")
	expect(t, s.do("GET", "/botlist", nil), 200, `{"value":"1.1.1.1\n2.2.2.0/24"}`)
	field(t, object(t, a.do("GET", "/campaigns/734", nil)), "alias", "more")

	// A bad document names the problem and loads nothing.
	for _, c := range []struct {
		doc  map[string]any
		want string
	}{
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "campaigns": []any{map[string]any{"alias": "a"}}}}}, `tenants[0].campaigns[0]: name: This field is required`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "campaigns": []any{map[string]any{"id": 2, "alias": "a", "name": "n"}}}, map[string]any{"apiKey": "seeded", "campaigns": []any{map[string]any{"id": 50, "alias": "z", "name": "z"}}}}}, `tenants[1].campaigns[0]: id 50 exists`},
		{map[string]any{"tenants": []any{map[string]any{"campaigns": []any{}}}}, `tenants[0]: apiKey is required`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "flows": []any{}}}}, `unknown field \"flows\"`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "campaigns": []any{map[string]any{"alias": "a", "name": "n", "state": "paused"}}}}}, `state must be one of`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "counters": map[string]any{"planets": 3}}}}, `counters.planets`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "botlist": "not an ip"}}}, `botlist`},
		{map[string]any{"teams": []any{}}, `unknown field \"teams\"`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "x2", "campaigns": []any{map[string]any{"id": 1, "alias": "a", "name": "n"}},
			"streams": []any{
				map[string]any{"campaign_id": 1, "type": "regular", "schema": "offers", "filters": []any{map[string]any{"id": 5, "name": "bot", "mode": "accept"}}},
				map[string]any{"campaign_id": 1, "type": "regular", "schema": "offers", "filters": []any{map[string]any{"id": 5, "name": "bot", "mode": "accept"}}},
			}}}}, `tenants[0].streams[1]: filters: id 5 exists`},
	} {
		r := a.srv.Do("POST", "/_emulator/seed", map[string]any{"keitaro": c.doc})
		if r.Status != 400 || !strings.Contains(r.Body, c.want) {
			t.Fatalf("seed %v: %d %s", c.doc, r.Status, r.Body)
		}
	}
	expect(t, a.as("x2").do("GET", "/campaigns", nil), 401, `{"error":"Unauthorized"}`)
}

func TestStateDump(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.do("DELETE", "/campaigns/662", nil)
	a.do("PUT", "/botlist", map[string]any{"value": "1.1.1.1"})
	a.do("PUT", "/integrations/avscan", map[string]any{"avscan_key": "av"})
	a.do("POST", "/integrations/facebook", map[string]any{"name": "FB", "ad_account_id": "act", "token": "t"})
	a.do("POST", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 89})
	a.do("POST", "/offers/1/add_file?path=a.txt", nil)
	r := a.srv.Do("GET", "/_emulator/state/keitaro?tenant="+keitaro.DefaultTenant, nil)
	var st struct {
		Tenants []map[string]any `json:"tenants"`
	}
	decode(t, r, &st)
	if len(st.Tenants) != 1 {
		t.Fatalf("state: %s", r.Body)
	}
	ten := st.Tenants[0]
	for k, v := range map[string]any{"apiKey": "your-api-key", "postbackKey": "1a2b3c4", "edition": "pro", "currency": "USD", "timezone": "UTC", "dialect": "classic"} {
		field(t, ten, k, v)
	}
	field(t, ten["counters"].(map[string]any), "campaigns", num("734"))
	camps := ten["campaigns"].([]any)
	if len(camps) != 3 {
		t.Fatalf("archived campaigns are in the state: %d", len(camps))
	}
	field(t, camps[1].(map[string]any), "cost_value", num("10"))
	field(t, camps[2].(map[string]any), "state", "deleted")
	field(t, ten["offers"].([]any)[0].(map[string]any), "created_at", "2017-08-10 13:38:41")
	field(t, ten, "botlist", []any{"1.1.1.1"})
	integ := ten["integrations"].(map[string]any)
	field(t, integ, "avscan_key", "av")
	field(t, integ, "imklo_api_url", "")
	field(t, integ["facebook"].([]any)[0].(map[string]any), "campaign_ids", []any{num("89")})
	field(t, ten, "files", []any{map[string]any{"owner": "offers", "owner_id": num("1"), "path": "a.txt", "data": ""}})
	field(t, ten["logs"].(map[string]any)["system"].([]any)[0].(map[string]any), "message", "Bot list updated: 1 entries")
	for _, k := range []string{"streams", "landing_pages", "traffic_sources", "affiliate_networks", "groups", "domains", "users", "labels", "clicks", "conversions"} {
		if _, ok := ten[k].([]any); !ok {
			t.Fatalf("state has no list %q", k)
		}
	}
	expectStatus(t, a.srv.Do("GET", "/_emulator/state/keitaro?tenant=nobody", nil), 404)
	a.newTenant(nil)
	decode(t, a.srv.Do("GET", "/_emulator/state/keitaro", nil), &st)
	if len(st.Tenants) != 2 {
		t.Fatalf("all tenants: %d", len(st.Tenants))
	}
}

func TestJournalTenant(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.do("GET", "/campaigns", nil)
	a.as("nobody").do("GET", "/offers", nil)
	var j struct {
		Requests []struct{ Tenant, Path string }
	}
	decode(t, a.srv.Do("GET", "/_emulator/requests?vendor=keitaro", nil), &j)
	if len(j.Requests) != 2 || j.Requests[0].Tenant != "" || j.Requests[1].Tenant != keitaro.DefaultTenant ||
		j.Requests[1].Path != "/admin_api/v1/campaigns" {
		t.Fatalf("journal: %+v", j.Requests)
	}
}

// TestSeedSectionShapes: the seed section and its tenants are read from
// one decoding of the document; each shape that is not
// {"tenants":[{…}]} is named, and a tenant's settings and clock read as
// they are written (HTML characters, big numbers, nested objects).
func TestSeedSectionShapes(t *testing.T) {
	a := start(t, keitaro.Config{})
	for _, c := range []struct {
		section any
		status  int
		want    string
	}{
		{[]any{}, 400, `the section must be {\"tenants\":[…]}`},
		{nil, 400, `the section must be {\"tenants\":[…]}`},
		{map[string]any{"tenants": map[string]any{}}, 400, `tenants must be an array of objects`},
		{map[string]any{"tenants": "x"}, 400, `tenants must be an array of objects`},
		{map[string]any{"tenants": []any{1}}, 400, `tenants[0] must be an object`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "ok1"}, nil}}, 400, `tenants[1] must be an object`},
		{map[string]any{"other": []any{}}, 400, `unknown field \"other\"`},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": 7}}}, 400, `tenants[0]: `},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "ok2", "timezone": json.Number("12345678901234567890")}}}, 400, `tenants[0]: `},
		{map[string]any{"tenants": []any{map[string]any{"apiKey": "ok3", "clock": map[string]any{"now": "x", "frozen": true}}}}, 400,
			`tenants[0].clock.now must be an RFC 3339 time, got \"x\"`},
		{map[string]any{"tenants": nil}, 200, ``},
	} {
		r := a.srv.Do("POST", "/_emulator/seed", map[string]any{"keitaro": c.section})
		if r.Status != c.status || !strings.Contains(r.Body, c.want) {
			t.Fatalf("%v: %d %s, want %d %s", c.section, r.Status, r.Body, c.status, c.want)
		}
	}
	if r := a.srv.Do("GET", "/_emulator/state/keitaro?tenant=ok1", nil); r.Status != 404 {
		t.Fatalf("a tenant of a refused document was kept: %d %s", r.Status, r.Body)
	}
	r := a.srv.Do("POST", "/_emulator/seed", `{"keitaro":{"tenants":[{"apiKey":"k<&>","currency":"EUR","timezone":"Europe/Madrid",
		"sampleData":false,"clock":{"now":"2031-03-01T10:00:00Z","frozen":true},"clicks":[{"campaign_id":1,"datetime":"2017-05-02 10:00:00"}],
		"campaigns":[{"id":1,"alias":"c","name":"C"}]}]}}`)
	expectStatus(t, r, 200)
	s := a.as("k<&>")
	field(t, object(t, s.do("GET", "/campaigns/1", nil)), "cost_currency", "EUR")
	var st struct {
		Tenants []struct {
			Clicks []map[string]any
		}
	}
	decode(t, a.srv.Do("GET", "/_emulator/state/keitaro?tenant=k%3C%26%3E", nil), &st)
	if len(st.Tenants) != 1 || len(st.Tenants[0].Clicks) != 1 {
		t.Fatalf("state: %+v", st)
	}
	// The click's time is the tenant's (Madrid, UTC+2 in May), stored in UTC.
	field(t, st.Tenants[0].Clicks[0], "datetime", "2017-05-02 08:00:00")
}
