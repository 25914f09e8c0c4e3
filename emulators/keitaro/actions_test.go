package keitaro_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// newTraffic is a fresh tenant "acts" with the clock frozen at docNow.
func newTraffic(t *testing.T) *api {
	t.Helper()
	a := start(t, keitaro.Config{})
	return a.as(a.newTenant(map[string]any{"apiKey": "acts", "postbackKey": "acts123", "currency": "EUR"}))
}

func (a *api) mustPost(path string, body map[string]any) map[string]any {
	a.t.Helper()
	r := a.do("POST", path, body)
	expectStatus(a.t, r, 200)
	return object(a.t, r)
}

// lastClick is the newest click's columns.
func (a *api) lastClick(columns ...string) map[string]any {
	a.t.Helper()
	cols := make([]any, len(columns))
	for i, c := range columns {
		cols[i] = c
	}
	r := object(a.t, a.do("POST", "/clicks/log", map[string]any{"limit": 1, "columns": cols}))
	rows := r["rows"].([]any)
	if len(rows) == 0 {
		a.t.Fatalf("no click")
	}
	return rows[0].(map[string]any)
}

func (a *api) visit(method, path string, headers ...string) vtest.Response {
	a.t.Helper()
	return a.srv.Do(method, "/keitaro"+path, nil, headers...)
}

func TestStreamActions(t *testing.T) {
	a := newTraffic(t)
	a.mustPost("/campaigns", map[string]any{"alias": "acts", "name": "Acts & Co"})
	a.mustPost("/campaigns", map[string]any{"alias": "target", "name": "Target"})
	a.mustPost("/landing_pages", map[string]any{"name": "Local <LP>", "landing_type": "local"})
	for kw, s := range map[string]map[string]any{
		"http":      {"schema": "redirect", "action_type": "http", "action_payload": "http://x.example/{subid}?kw={keyword}&n={campaign_name}"},
		"meta":      {"schema": "redirect", "action_type": "meta", "action_payload": "http://x.example/?a=1&b={keyword}"},
		"html":      {"schema": "action", "action_type": "show_html", "action_payload": "<b>{keyword}</b>"},
		"nothing":   {"schema": "action", "action_type": "do_nothing"},
		"file":      {"schema": "action", "action_type": "local_file", "action_payload": "index.html"},
		"gone":      {"schema": "action", "action_type": "status404"},
		"hop":       {"schema": "action", "action_type": "campaign", "action_payload": 2},
		"lost":      {"schema": "action", "action_type": "campaign", "action_payload": "99"},
		"local":     {"schema": "landings", "landings": []any{map[string]any{"landing_id": 1}}},
		"nolanding": {"schema": "landings", "landings": []any{map[string]any{"landing_id": 1, "state": "disabled"}}},
	} {
		s["campaign_id"], s["type"], s["name"] = 1, "forced", kw
		s["filters"] = []any{map[string]any{"name": "keyword", "mode": "accept", "payload": []any{kw}}}
		a.mustPost("/streams", s)
	}
	a.mustPost("/streams", map[string]any{"campaign_id": 2, "type": "regular", "schema": "action", "action_type": "show_text",
		"action_payload": "in {campaign_id} from {ip}"})

	r := a.visit("GET", "/acts?keyword=http")
	sub := a.lastClick("sub_id")["sub_id"].(string)
	if r.Status != 302 || r.Header.Get("Location") != "http://x.example/"+sub+"?kw=http&n=Acts+%26+Co" {
		t.Fatalf("http: %d %q", r.Status, r.Header.Get("Location"))
	}
	r = a.visit("GET", "/acts?keyword=meta")
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(r.Body, `<meta http-equiv="refresh" content="0;url=http://x.example/?a=1&amp;b=meta">`) {
		t.Fatalf("meta: %d %s", r.Status, r.Body)
	}
	if d := a.lastClick("destination")["destination"]; d != "http://x.example/?a=1&b=meta" {
		t.Fatalf("meta destination %v", d)
	}
	for _, c := range []struct {
		kw, ctype, body string
		status          int
	}{
		{"html", "text/html; charset=utf-8", "<b>html</b>", 200},
		{"nothing", "text/plain; charset=utf-8", "", 200},
		{"file", "text/html; charset=utf-8", "", 200},
		{"gone", "text/plain; charset=utf-8", "Not Found", 404},
		{"lost", "text/plain; charset=utf-8", "Not Found", 404},
		{"nolanding", "text/plain; charset=utf-8", "Not Found", 404},
		{"none", "text/plain; charset=utf-8", "Not Found", 404}, // no stream takes it
	} {
		r := a.visit("GET", "/acts?keyword="+c.kw)
		if r.Status != c.status || r.Body != c.body || r.Header.Get("Content-Type") != c.ctype {
			t.Fatalf("%s: %d %q %q", c.kw, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	}
	field(t, a.lastClick("stream_id", "campaign_id"), "stream_id", nil)
	if l := list(t, a.do("GET", "/logs/traffic", nil)); !strings.HasSuffix(l[0]["message"].(string), "in campaign #1: no stream") {
		t.Fatalf("no stream log: %v", l[0])
	}

	// A local landing is a page naming it, linking to the click-through
	// on the listener the visitor used.
	r = a.visit("GET", "/acts?keyword=local")
	k := a.lastClick("sub_id", "landing", "destination")
	if r.Status != 200 || !strings.Contains(r.Body, "<h1>Local &lt;LP&gt;</h1>") ||
		!strings.Contains(r.Body, `href="/keitaro/lp/offer?subid=`+k["sub_id"].(string)+`"`) || k["destination"] != "" {
		t.Fatalf("local landing: %d %s %v", r.Status, r.Body, k)
	}
	field(t, k, "landing", "Local <LP>")
	// No offer behind it: the click-through is 404, the click unchanged.
	if r := a.srv.Do("GET", "/keitaro/lp/offer?_subid="+k["sub_id"].(string), nil); r.Status != 404 {
		t.Fatalf("no offer: %d", r.Status)
	}

	// A campaign action hands the click on; it is recorded once, there.
	r = a.visit("GET", "/acts?keyword=hop", "X-Real-IP", "10.2.3.4")
	if r.Status != 200 || r.Body != "in 2 from 10.2.3.4" {
		t.Fatalf("hop: %d %q", r.Status, r.Body)
	}
	k = a.lastClick("click_id", "campaign_id", "parent_campaign_id", "parent_campaign", "stream", "ip")
	for key, want := range map[string]any{"click_id": num("11"), "campaign_id": num("2"), "parent_campaign_id": num("1"),
		"parent_campaign": "Acts & Co", "stream": "", "ip": "10.2.3.4"} {
		field(t, k, key, want)
	}

	// HEAD and POST are clicks too.
	r = a.visit("HEAD", "/acts?keyword=http")
	if r.Status != 302 || r.Body != "" || !strings.HasPrefix(r.Header.Get("Location"), "http://x.example/") {
		t.Fatalf("HEAD: %d %v", r.Status, r.Header)
	}
	if r = a.visit("POST", "/acts/ignored/segments?keyword=html"); r.Status != 200 || r.Body != "<b>html</b>" {
		t.Fatalf("POST: %d %q", r.Status, r.Body)
	}
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":13}`)
}

func TestCampaignHopsStop(t *testing.T) {
	a := newTraffic(t)
	a.mustPost("/campaigns", map[string]any{"alias": "ping", "name": "Ping"})
	a.mustPost("/campaigns", map[string]any{"alias": "pong", "name": "Pong"})
	a.mustPost("/streams", map[string]any{"campaign_id": 1, "type": "regular", "schema": "action", "action_type": "campaign", "action_payload": 2})
	a.mustPost("/streams", map[string]any{"campaign_id": 2, "type": "regular", "schema": "action", "action_type": "campaign", "action_payload": "1"})
	if r := a.visit("GET", "/ping"); r.Status != 404 || r.Body != "Not Found" {
		t.Fatalf("loop: %d %q", r.Status, r.Body)
	}
	// Five hops: ping → pong → ping → pong → ping → pong, recorded there.
	expect(t, a.do("POST", "/report/build", map[string]any{"limit": 5, "grouping": []any{"campaign", "parent_campaign", "stream_id"}, "metrics": []any{"clicks"}}), 200,
		`{"rows":[{"campaign":"Pong","parent_campaign":"Ping","stream_id":null,"clicks":1}],"total":1,
		"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
}

func TestStreamSelection(t *testing.T) {
	a := newTraffic(t)
	a.mustPost("/campaigns", map[string]any{"alias": "w", "name": "Weighted", "type": "weight", "cost_type": "CPUC", "cost_value": 2,
		"parameters": map[string]any{"keyword": map[string]any{"name": "kw"}, "cost": map[string]any{"name": "price"}}})
	stream := func(s map[string]any) {
		s["campaign_id"] = 1
		if s["schema"] == nil {
			s["schema"], s["action_type"] = "action", "show_text"
		}
		a.mustPost("/streams", s)
	}
	// Checked in this order: forced ones (first match), regular ones by
	// weight (0 never drawn), then the default one.
	stream(map[string]any{"type": "forced", "name": "office", "action_payload": "office", "filters": []any{
		map[string]any{"name": "ip", "mode": "accept", "payload": []any{"192.168.1.0/24", "172.16.*.*"}}}})
	stream(map[string]any{"type": "forced", "name": "returning", "action_payload": "returning", "filters": []any{
		map[string]any{"name": "uniqueness", "mode": "reject", "payload": "campaign"}}})
	stream(map[string]any{"type": "forced", "name": "either", "action_payload": "either", "filter_or": true, "filters": []any{
		map[string]any{"name": "referrer", "mode": "accept", "payload": []any{"NEWS.example"}},
		map[string]any{"name": "user_agent", "mode": "accept", "payload": "special"}}})
	stream(map[string]any{"type": "forced", "name": "proxied", "action_payload": "proxied", "filters": []any{
		map[string]any{"name": "proxy", "mode": "accept"}, map[string]any{"name": "empty_referrer", "mode": "accept"},
		map[string]any{"name": "schedule", "mode": "reject", "payload": []any{}}}}) // passes either way
	stream(map[string]any{"type": "regular", "name": "never", "weight": 0, "action_payload": "never",
		"filters": []any{map[string]any{"name": "keyword", "mode": "accept", "payload": []any{"Shoes"}}}})
	stream(map[string]any{"type": "regular", "name": "keyword", "weight": 100, "action_payload": "{keyword} {cost}",
		"filters": []any{map[string]any{"name": "keyword", "mode": "accept", "payload": []any{"Shoes"}}}})
	stream(map[string]any{"type": "default", "name": "rest", "action_payload": "rest {sub_id_2}",
		"filters": []any{map[string]any{"name": "bot", "mode": "accept"}}}) // not evaluated
	expect(t, a.do("PUT", "/botlist", map[string]any{"value": "10.66.0.0/16"}), 200, `{"count":1}`)

	for _, c := range []struct {
		ip, query, want string
		headers         []string
	}{
		{"192.168.1.7", "", "office", nil},
		{"172.16.9.9", "", "office", nil},
		{"10.0.0.1", "?kw=shoes&price=0.75", "shoes 0.7500", nil},
		{"10.0.0.1", "?kw=shoes", "returning", nil}, // same visitor within cookies_ttl
		{"10.0.0.2", "?sub_id_2=z", "rest z", nil},
		{"10.0.0.3", "", "either", []string{"Referer", "http://news.example/a"}},
		{"10.0.0.4", "", "either", []string{"User-Agent", "Special/1.0"}},
		{"10.0.0.5", "", "proxied", []string{"Via", "1.1 proxy"}},
		{"10.66.1.1", "?kw=boots", "rest ", nil},
	} {
		r := a.visit("GET", "/w"+c.query, append([]string{"X-Forwarded-For", c.ip}, c.headers...)...)
		if r.Status != 200 || r.Body != c.want {
			t.Fatalf("%s %s: %d %q, want %q", c.ip, c.query, r.Status, r.Body, c.want)
		}
	}
	// The last visitor is on the bot list; CPUC charges unique clicks only
	// (or what the URL says).
	r := a.do("POST", "/clicks/log", map[string]any{"limit": 20, "columns": []any{"click_id", "stream", "keyword", "cost",
		"is_unique_campaign", "is_bot"}, "sort": []any{map[string]any{"name": "click_id"}}})
	expect(t, r, 200, `{"rows":[
		{"click_id":1,"stream":"office","keyword":"","cost":2,"is_unique_campaign":true,"is_bot":false},
		{"click_id":2,"stream":"office","keyword":"","cost":2,"is_unique_campaign":true,"is_bot":false},
		{"click_id":3,"stream":"keyword","keyword":"shoes","cost":0.75,"is_unique_campaign":true,"is_bot":false},
		{"click_id":4,"stream":"returning","keyword":"shoes","cost":0,"is_unique_campaign":false,"is_bot":false},
		{"click_id":5,"stream":"rest","keyword":"","cost":2,"is_unique_campaign":true,"is_bot":false},
		{"click_id":6,"stream":"either","keyword":"","cost":2,"is_unique_campaign":true,"is_bot":false},
		{"click_id":7,"stream":"either","keyword":"","cost":2,"is_unique_campaign":true,"is_bot":false},
		{"click_id":8,"stream":"proxied","keyword":"","cost":2,"is_unique_campaign":true,"is_bot":false},
		{"click_id":9,"stream":"rest","keyword":"boots","cost":2,"is_unique_campaign":true,"is_bot":true}],
		"total":9,"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)

	// Uniqueness lasts cookies_ttl hours of the emulator clock.
	a.advance("25h")
	if r := a.visit("GET", "/w?kw=shoes", "X-Forwarded-For", "10.0.0.1"); r.Body != "shoes 2.0000" {
		t.Fatalf("a day later: %q", r.Body)
	}
}

func TestCostModels(t *testing.T) {
	a := newTraffic(t)
	for _, c := range []map[string]any{
		{"alias": "cpm", "name": "CPM", "cost_type": "cpm", "cost_value": 3},
		{"alias": "auto", "name": "Auto", "cost_type": "CPC", "cost_value": 3, "cost_auto": true},
		{"alias": "cpa", "name": "CPA", "cost_type": "CPA", "cost_value": 3},
	} {
		a.mustPost("/campaigns", c)
	}
	for _, alias := range []string{"cpm", "auto", "cpa"} {
		if r := a.visit("GET", "/"+alias); r.Status != 404 { // no streams
			t.Fatalf("%s: %d", alias, r.Status)
		}
	}
	expect(t, a.do("POST", "/clicks/log", map[string]any{"limit": 5, "columns": []any{"campaign", "cost"}}), 200,
		`{"rows":[{"campaign":"CPA","cost":0},{"campaign":"Auto","cost":0},{"campaign":"CPM","cost":0.003}],"total":3,
		"meta":{"datetime":"2017-06-01T13:40:00+00:00","execution_time":"0.0000"}}`)
}

func TestPostbackRules(t *testing.T) {
	a := newTraffic(t)
	a.mustPost("/offers", map[string]any{"name": "CPA offer", "url": "http://o.example/", "payout_type": "CPA", "payout_value": 7.5})
	a.mustPost("/campaigns", map[string]any{"alias": "pb", "name": "PB", "cost_currency": "GBP"})
	a.mustPost("/streams", map[string]any{"campaign_id": 1, "type": "regular", "schema": "offers", "offers": []any{map[string]any{"offer_id": 1}}})
	a.visit("GET", "/pb")
	sub := a.lastClick("sub_id")["sub_id"].(string)
	postback := func(method, path, body string) string {
		t.Helper()
		req, _ := http.NewRequest(method, a.srv.URL+"/keitaro"+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r := a.srv.Send(req)
		if r.Status != 200 || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("%s %s: %d %q", method, path, r.Status, r.Body)
		}
		return r.Body
	}
	for _, c := range []struct{ method, path, body, want string }{
		{"GET", "/acts123/postback", "", "Error: subid is empty"},
		{"GET", "/acts123/postback?subid=unknown", "", "Error: click not found"},
		{"GET", "/postback?subid=unknown", "", "Error: click not found"},
		{"GET", "/acts123/postback?subid=" + sub + "&status=maybe", "", "Error: unknown status"},
		{"POST", "/acts123/postback", "subid=" + sub + "&status=pending&tid=A&ref=x", "Success"}, // CPA payout
		{"POST", "/postback?tid=B", "sub_id=" + sub + "&payout=3&currency=eur", "Success"},
		{"GET", "/acts123/postback?subid=" + sub + "&status=sale&tid=A&payout=abc", "", "Success"}, // revenue kept
		{"GET", "/acts123/postback?subid=" + sub + "&status=declined&tid=A", "", "Success"},
		{"GET", "/acts123/postback?subid=" + sub + "&status=CONFIRMED&tid=A&payout=9&ref=y&more=z", "", "Success"},
		{"GET", "/acts123/postback?subid=" + sub + "&status=rebill&tid=A&payout=1", "", "Success"},
		{"GET", "/acts123/postback?subid=" + sub + "&status=rebill&tid=A&payout=1", "", "Success"},
	} {
		if got := postback(c.method, c.path, c.body); got != c.want {
			t.Fatalf("%s %s %s: %q, want %q", c.method, c.path, c.body, got, c.want)
		}
		a.advance("1m")
	}
	r := a.do("POST", "/conversions/log", map[string]any{"limit": 10, "columns": []any{"conversion_id", "status", "previous_status",
		"original_status", "tid", "revenue", "currency", "postback_datetime", "sale_datetime", "sale_period", "params"},
		"sort": []any{map[string]any{"name": "conversion_id"}}})
	expect(t, r, 200, `{"rows":[
		{"conversion_id":1,"status":"sale","previous_status":"rejected","original_status":"lead","tid":"A","revenue":9,"currency":"GBP",
		 "postback_datetime":"2017-06-01 13:48:00","sale_datetime":"2017-06-01 13:46:00","sale_period":360,"params":{"more":"z","ref":"y"}},
		{"conversion_id":2,"status":"lead","previous_status":null,"original_status":"lead","tid":"B","revenue":3,"currency":"EUR",
		 "postback_datetime":"2017-06-01 13:45:00","sale_datetime":null,"sale_period":null,"params":{}},
		{"conversion_id":3,"status":"rebill","previous_status":null,"original_status":"rebill","tid":"A","revenue":1,"currency":"GBP",
		 "postback_datetime":"2017-06-01 13:49:00","sale_datetime":null,"sale_period":null,"params":{}},
		{"conversion_id":4,"status":"rebill","previous_status":null,"original_status":"rebill","tid":"A","revenue":1,"currency":"GBP",
		 "postback_datetime":"2017-06-01 13:50:00","sale_datetime":null,"sale_period":null,"params":{}}],
		"total":4,"meta":{"datetime":"2017-06-01T13:51:00+00:00","execution_time":"0.0000"}}`)
	// Lead, sale and rebill revenue: 3 + 9 + 1 + 1.
	expect(t, a.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"leads", "sales", "rebills", "revenue", "sale_revenue"}}), 200,
		`{"leads":1,"sales":1,"rebills":2,"revenue":14,"sale_revenue":11}`)
	l := list(t, a.do("GET", "/logs/postbacks", map[string]any{"query": "subid=unknown"}))
	if len(l) != 1 || l[0]["message"] != "Postback subid=unknown status=lead: Error: click not found" {
		t.Fatalf("postbacks log: %v", l) // the keyless unknown click has no tenant to log for
	}
}

func TestTrafficJournalTenant(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.srv.Do("GET", "/keitaro/Tx9pLm", nil)
	a.srv.Do("GET", "/keitaro/1a2b3c4/postback?subid=none", nil)
	a.srv.Do("GET", "/keitaro/nothing", nil)
	var j struct {
		Requests []struct{ Tenant, Path string }
	}
	decode(t, a.srv.Do("GET", "/_emulator/requests?vendor=keitaro", nil), &j)
	if len(j.Requests) != 3 || j.Requests[2].Tenant != keitaro.DefaultTenant || j.Requests[2].Path != "/Tx9pLm" ||
		j.Requests[1].Tenant != keitaro.DefaultTenant || j.Requests[0].Tenant != "" {
		t.Fatalf("journal: %+v", j.Requests)
	}
}
