package keitaro_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// User-Agents of the story's visitors.
const (
	uaChrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	uaBot     = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	uaIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
	uaAndroid = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
	uaFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
)

// story is a tenant with two campaigns, five streams and two days of
// traffic recorded through the public endpoints:
//
//	click 1  2024-03-09 10:00  Alpha  Main      10.0.0.1 Chrome   keyword=shoes      → sale 25 (was lead 10)
//	click 2  2024-03-09 10:05  Alpha  Bots      10.0.0.2 Googlebot
//	click 3  2024-03-09 10:10  Alpha  Fallback  10.0.0.1 Chrome   (not unique)       → lead 4 ("hold")
//	click 4  2024-03-09 11:00  Beta   German    10.0.0.3 iPhone de, landing clicked   → sale 40 + rebill 10
//	click 5  2024-03-10 09:00  Beta   World     10.0.0.4 Android fr, cost=0.3         → rejected (CPA payout 12)
//	click 6  2024-03-10 09:30  Alpha  Main      10.0.0.5 Firefox via a proxy          → lead, no payout
//
// Alpha costs 0.5 a click (CPC); Beta's 3.00 are spread by update_costs.
type story struct {
	*api
	subs map[int]string // sub_id by click_id
}

func newStory(t *testing.T) *story {
	t.Helper()
	a := start(t, keitaro.Config{})
	a.srv.Do("POST", "/_emulator/clock", map[string]any{"now": "2024-03-09T10:00:00Z"})
	s := &story{api: a.as(a.newTenant(map[string]any{"apiKey": "story-key", "postbackKey": "abcdefg"})), subs: map[int]string{}}
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/traffic_sources", map[string]any{"name": "Push"}},
		{"/affiliate_networks", map[string]any{"name": "Net"}},
		{"/offers", map[string]any{"name": "Offer One", "url": "http://one.example/?s={subid}&c={campaign_id}&k={keyword}&x={unknown}", "affiliate_network_id": 1}},
		{"/offers", map[string]any{"name": "Offer Two", "url": "http://two.example/{sub_id}?cost={cost}", "payout_type": "CPA", "payout_value": 12}},
		{"/landing_pages", map[string]any{"name": "Lander", "url": "http://lp.example/?go={offer}"}},
		{"/campaigns", map[string]any{"alias": "alpha", "name": "Alpha", "cost_type": "CPC", "cost_value": 0.5, "traffic_source_id": 1}},
		{"/campaigns", map[string]any{"alias": "beta", "name": "Beta", "type": "weight", "cost_value": 0, "traffic_source_id": 1}},
		{"/streams", map[string]any{"campaign_id": 1, "type": "forced", "name": "Bots", "schema": "action", "action_type": "show_text",
			"action_payload": "bot {subid}", "filters": []any{map[string]any{"name": "bot", "mode": "accept"}}}},
		{"/streams", map[string]any{"campaign_id": 1, "type": "regular", "name": "Main", "schema": "offers",
			"offers":  []any{map[string]any{"offer_id": 1}},
			"filters": []any{map[string]any{"name": "keyword", "mode": "accept", "payload": []any{"shoes", "boots"}}}}},
		{"/streams", map[string]any{"campaign_id": 1, "type": "default", "name": "Fallback", "schema": "redirect", "action_type": "http",
			"action_payload": "http://fallback.example/{campaign_name}"}},
		{"/streams", map[string]any{"campaign_id": 2, "type": "regular", "name": "German", "schema": "landings",
			"landings": []any{map[string]any{"landing_id": 1}}, "offers": []any{map[string]any{"offer_id": 2}},
			"filters": []any{map[string]any{"name": "language", "mode": "accept", "payload": []any{"DE"}}}}},
		{"/streams", map[string]any{"campaign_id": 2, "type": "regular", "name": "World", "schema": "offers",
			"offers":  []any{map[string]any{"offer_id": 2}},
			"filters": []any{map[string]any{"name": "language", "mode": "reject", "payload": "de"}}}},
	} {
		expectStatus(t, s.do("POST", c.path, c.body), 200)
	}

	// Day one.
	r := s.visit("/alpha?keyword=shoes", "10.0.0.1", uaChrome, "Accept-Language", "en-US,en;q=0.9")
	s.record(1)
	s.redirects(r, "http://one.example/?s="+s.subs[1]+"&c=1&k=shoes&x={unknown}")
	s.advance("5m")
	r = s.visit("/alpha?keyword=boots", "10.0.0.2", uaBot)
	s.record(2)
	if r.Status != 200 || r.Body != "bot "+s.subs[2] || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("bot stream: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	s.advance("5m")
	s.redirects(s.visit("/alpha", "10.0.0.1", uaChrome, "Accept-Language", "en"), "http://fallback.example/Alpha")
	s.record(3)
	s.advance("50m")
	r = s.visit("/beta?source=fb", "10.0.0.3", uaIPhone, "Accept-Language", "de-DE", "Host", "tracker.test")
	s.record(4)
	s.redirects(r, "http://lp.example/?go="+url.QueryEscape("http://tracker.test/keitaro/lp/offer?subid="+s.subs[4]))

	// Day two.
	s.advance("22h")
	s.redirects(s.visit("/beta?source=fb&cost=0.3", "10.0.0.4", uaAndroid, "Accept-Language", "fr"), "") // checked below
	s.record(5)
	s.advance("30m")
	r = s.visit("/alpha?keyword=shoes&sub_id_1=x", "10.0.0.5", uaFirefox, "Via", "1.1 squid")
	s.record(6)
	s.redirects(r, "http://one.example/?s="+s.subs[6]+"&c=1&k=shoes&x={unknown}")
	s.advance("15m")
	s.redirects(s.srv.Do("GET", "/keitaro/lp/offer?subid="+s.subs[4], nil), "http://two.example/"+s.subs[4]+"?cost=0.0000")
	s.advance("15m") // 2024-03-10 10:00

	for _, pb := range []struct{ path, want string }{
		{"/keitaro/abcdefg/postback?subid=" + s.subs[1] + "&status=lead&payout=10&tid=t1", "Success"},
		{"/keitaro/postback?subid=" + s.subs[1] + "&status=Approved&payout=25&tid=t1&offer=o1", "Success"},
		{"/keitaro/abcdefg/postback?sub_id=" + s.subs[3] + "&status=hold&payout=4", "Success"},
		{"/keitaro/abcdefg/postback?subid=" + s.subs[4] + "&status=sale&payout=40", "Success"},
		{"/keitaro/abcdefg/postback?subid=" + s.subs[4] + "&status=rebill&payout=10", "Success"},
		{"/keitaro/abcdefg/postback?subid=" + s.subs[5] + "&status=trash", "Success"},
		{"/keitaro/abcdefg/postback?subid=" + s.subs[6], "Success"},
		{"/keitaro/abcdefg/postback?subid=" + s.subs[6] + "&status=weird", "Error: unknown status"},
	} {
		r := s.srv.Do("GET", pb.path, nil)
		if r.Status != 200 || r.Body != pb.want || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("%s: %d %q", pb.path, r.Status, r.Body)
		}
	}
	expect(t, s.do("POST", "/clicks/update_costs", map[string]any{"campaign_ids": []any{2},
		"costs": []any{map[string]any{"start_date": "2024-03-09", "end_date": "2024-03-10", "cost": "3.00"}}}), 200, `{"success":true}`)
	return s
}

// visit is a visitor's GET of a tracker path from ip with a User-Agent.
func (s *story) visit(path, ip, ua string, headers ...string) vtest.Response {
	s.t.Helper()
	return s.srv.Do("GET", "/keitaro"+path, nil, append([]string{"X-Forwarded-For", ip, "User-Agent", ua}, headers...)...)
}

// record remembers the sub_id of the click just made.
func (s *story) record(id int) {
	s.t.Helper()
	r := object(s.t, s.do("POST", "/clicks/log", map[string]any{"columns": []any{"click_id", "sub_id"}, "limit": 1,
		"filters": []any{map[string]any{"name": "click_id", "operator": "EQUALS", "expression": id}}}))
	rows := r["rows"].([]any)
	if len(rows) != 1 {
		s.t.Fatalf("click %d not recorded: %v", id, r)
	}
	s.subs[id] = rows[0].(map[string]any)["sub_id"].(string)
}

// redirects checks a 302 (to want, unless want is empty).
func (s *story) redirects(r vtest.Response, want string) {
	s.t.Helper()
	if r.Status != 302 || (want != "" && r.Header.Get("Location") != want) {
		s.t.Fatalf("redirect: %d to %q, want %q", r.Status, r.Header.Get("Location"), want)
	}
}

// report posts a report/build body and checks the rows and total.
func (s *story) report(body map[string]any, rows string, total int) {
	s.t.Helper()
	r := s.do("POST", "/report/build", body)
	expect(s.t, r, 200, `{"rows":`+rows+`,"total":`+itoa(total)+`,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestTrafficStoryReports(t *testing.T) {
	s := newStory(t)
	all := map[string]any{"interval": "all_time"}

	// By campaign, with every kind of metric.
	s.report(map[string]any{"range": all, "grouping": []any{"campaign"},
		"metrics": []any{"clicks", "campaign_unique_clicks", "global_unique_clicks", "bots", "proxies", "leads", "sales",
			"rejected", "rebills", "conversions", "revenue", "sale_revenue", "rejected_revenue", "cost", "profit",
			"roi", "cr", "crs", "approve", "epc", "cpa", "bot_share", "lp_ctr"}},
		`[{"campaign":"Alpha","clicks":4,"campaign_unique_clicks":3,"global_unique_clicks":3,"bots":1,"proxies":1,"leads":2,
		   "sales":1,"rejected":0,"rebills":0,"conversions":3,"revenue":29,"sale_revenue":25,"rejected_revenue":0,"cost":2,
		   "profit":27,"roi":1350,"cr":75,"crs":25,"approve":33.33,"epc":7.25,"cpa":0.6667,"bot_share":25,"lp_ctr":0},
		  {"campaign":"Beta","clicks":2,"campaign_unique_clicks":2,"global_unique_clicks":2,"bots":0,"proxies":0,"leads":0,
		   "sales":1,"rejected":1,"rebills":1,"conversions":1,"revenue":50,"sale_revenue":50,"rejected_revenue":12,"cost":3,
		   "profit":47,"roi":1566.67,"cr":50,"crs":50,"approve":50,"epc":25,"cpa":3,"bot_share":0,"lp_ctr":50}]`, 2)

	// By stream: clicks descending, then revenue descending, then the
	// stream name.
	s.report(map[string]any{"range": all, "grouping": []any{"stream"}, "metrics": []any{"clicks", "revenue"},
		"sort": []any{map[string]any{"name": "clicks", "order": "DESC"}, map[string]any{"name": "revenue", "order": "desc"}}},
		`[{"stream":"Main","clicks":2,"revenue":25},{"stream":"German","clicks":1,"revenue":50},
		  {"stream":"Fallback","clicks":1,"revenue":4},{"stream":"Bots","clicks":1,"revenue":0},{"stream":"World","clicks":1,"revenue":0}]`, 5)

	// By day and device, with landing clicks and cost.
	s.report(map[string]any{"range": all, "grouping": []any{"day", "device_type"},
		"metrics": []any{"clicks", "lp_clicks", "landing_clicked_period", "cost", "cpc", "ecpc"}},
		`[{"day":"2024-03-09","device_type":"desktop","clicks":3,"lp_clicks":0,"landing_clicked_period":0,"cost":1.5,"cpc":0.5,"ecpc":500},
		  {"day":"2024-03-09","device_type":"mobile","clicks":1,"lp_clicks":1,"landing_clicked_period":81900,"cost":1.5,"cpc":1.5,"ecpc":1500},
		  {"day":"2024-03-10","device_type":"desktop","clicks":1,"lp_clicks":0,"landing_clicked_period":0,"cost":0.5,"cpc":0.5,"ecpc":500},
		  {"day":"2024-03-10","device_type":"mobile","clicks":1,"lp_clicks":0,"landing_clicked_period":0,"cost":1.5,"cpc":1.5,"ecpc":1500}]`, 4)

	// Column filters select clicks; a metric filter selects rows; paging
	// leaves the total alone.
	s.report(map[string]any{"range": all, "grouping": []any{"stream", "os", "browser"}, "metrics": []any{"clicks"},
		"filters": []any{
			map[string]any{"name": "campaign_id", "operator": "EQUALS", "expression": "1"},
			map[string]any{"name": "is_bot", "operator": "IS_FALSE"},
		}},
		`[{"stream":"Fallback","os":"Windows","browser":"Chrome","clicks":1},{"stream":"Main","os":"Linux","browser":"Firefox","clicks":1},
		  {"stream":"Main","os":"Windows","browser":"Chrome","clicks":1}]`, 3)
	s.report(map[string]any{"range": all, "grouping": []any{"ts", "landing"}, "metrics": []any{"clicks", "bot_share", "cr"},
		"filters": []any{map[string]any{"name": "clicks", "operator": "GREATER_THAN", "expression": 1}}},
		`[{"ts":"Push","landing":"","clicks":5,"bot_share":20,"cr":60}]`, 1)
	s.report(map[string]any{"limit": 2, "offset": 1, "grouping": []any{"click_id"}, "metrics": []any{"profit"},
		"sort": []any{map[string]any{"name": "profit", "order": "desc"}}},
		`[{"click_id":1,"profit":24.5},{"click_id":3,"profit":3.5}]`, 6)

	// Without grouping: one totals row, and the summary beside the rows.
	s.report(map[string]any{"range": all, "metrics": []any{"clicks", "conversions", "revenue", "profit", "roi", "ec", "ec_confirmed", "profitability"}},
		`[{"clicks":6,"conversions":4,"revenue":79,"profit":74,"roi":1480,"ec":19.75,"ec_confirmed":18.75,"profitability":93.67}]`, 1)
	r := s.do("POST", "/report/build", map[string]any{"range": all, "grouping": []any{"campaign_id"}, "metrics": []any{"clicks", "epc"},
		"limit": 1, "summary": true})
	expect(t, r, 200, `{"rows":[{"campaign_id":1,"clicks":4,"epc":7.25}],"total":2,
		"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"},"summary":{"clicks":6,"epc":13.1667}}`)
	r = s.do("POST", "/report/build", map[string]any{"range": all, "grouping": []any{"campaign_id"}, "metrics": []any{"clicks"},
		"offset": 5, "summary": true})
	expect(t, r, 200, `{"rows":[],"total":2,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"},"summary":{"clicks":6}}`)

	// clicks/build is report/build; clicks/summary answers a flat object.
	one := s.do("POST", "/clicks/build", map[string]any{"range": all, "grouping": []any{"campaign"}, "metrics": []any{"clicks"}})
	if two := s.do("POST", "/report/build", map[string]any{"range": all, "grouping": []any{"campaign"}, "metrics": []any{"clicks"}}); one.Body != two.Body {
		t.Fatalf("clicks/build %s\nreport/build %s", one.Body, two.Body)
	}
	expect(t, s.do("POST", "/clicks/summary", nil), 200, `{"clicks":6,"campaign_unique_clicks":5,"conversions":4,"leads":2,
		"sales":2,"rejected":1,"cost":5,"revenue":79,"profit":74,"roi":1480,"cr":66.67,"epc":13.1667}`)
	expect(t, s.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks", "rebills"},
		"filters": []any{map[string]any{"name": "campaign", "operator": "EQUALS", "expression": "beta"}}}), 200, `{"clicks":2,"rebills":1}`)
}

func TestTrafficStoryClicks(t *testing.T) {
	s := newStory(t)
	r := s.do("POST", "/clicks/log", map[string]any{"range": map[string]any{"interval": "all_time"}, "limit": 3, "offset": 1,
		"columns": []any{"click_id", "campaign", "stream", "landing", "offer", "ip", "ip_mask1", "ip_mask2", "os", "browser",
			"device_type", "language", "source", "keyword", "sub_id_1", "cost", "revenue", "profit", "is_unique_campaign",
			"is_unique_stream", "is_unique_global", "is_bot", "is_using_proxy", "is_empty_referrer", "is_lead", "is_sale",
			"is_rejected", "landing_clicked", "landing_clicked_datetime", "landing_clicked_period", "datetime", "hour",
			"weekday", "week", "month", "year", "ts_id", "campaign_group_id", "parent_campaign_id", "affiliate_network_id"}})
	expect(t, r, 200, `{"rows":[
	{"click_id":5,"campaign":"Beta","stream":"World","landing":"","offer":"Offer Two","ip":"10.0.0.4","ip_mask1":"10.0.0.0",
	 "ip_mask2":"10.0.0.0","os":"Android","browser":"Chrome","device_type":"mobile","language":"fr","source":"fb","keyword":"",
	 "sub_id_1":"","cost":1.5,"revenue":0,"profit":-1.5,"is_unique_campaign":true,"is_unique_stream":true,"is_unique_global":true,
	 "is_bot":false,"is_using_proxy":false,"is_empty_referrer":true,"is_lead":false,"is_sale":false,"is_rejected":true,
	 "landing_clicked":false,"landing_clicked_datetime":null,"landing_clicked_period":null,"datetime":"2024-03-10 09:00:00",
	 "hour":9,"weekday":7,"week":"2024-10","month":"2024-03","year":2024,"ts_id":1,"campaign_group_id":null,
	 "parent_campaign_id":null,"affiliate_network_id":null},
	{"click_id":4,"campaign":"Beta","stream":"German","landing":"Lander","offer":"Offer Two","ip":"10.0.0.3","ip_mask1":"10.0.0.0",
	 "ip_mask2":"10.0.0.0","os":"iOS","browser":"Safari","device_type":"mobile","language":"de","source":"fb","keyword":"",
	 "sub_id_1":"","cost":1.5,"revenue":50,"profit":48.5,"is_unique_campaign":true,"is_unique_stream":true,"is_unique_global":true,
	 "is_bot":false,"is_using_proxy":false,"is_empty_referrer":true,"is_lead":false,"is_sale":true,"is_rejected":false,
	 "landing_clicked":true,"landing_clicked_datetime":"2024-03-10 09:45:00","landing_clicked_period":81900,
	 "datetime":"2024-03-09 11:00:00","hour":11,"weekday":6,"week":"2024-10","month":"2024-03","year":2024,"ts_id":1,
	 "campaign_group_id":null,"parent_campaign_id":null,"affiliate_network_id":null},
	{"click_id":3,"campaign":"Alpha","stream":"Fallback","landing":"","offer":"","ip":"10.0.0.1","ip_mask1":"10.0.0.0",
	 "ip_mask2":"10.0.0.0","os":"Windows","browser":"Chrome","device_type":"desktop","language":"en","source":"","keyword":"",
	 "sub_id_1":"","cost":0.5,"revenue":4,"profit":3.5,"is_unique_campaign":false,"is_unique_stream":true,"is_unique_global":false,
	 "is_bot":false,"is_using_proxy":false,"is_empty_referrer":true,"is_lead":true,"is_sale":false,"is_rejected":false,
	 "landing_clicked":false,"landing_clicked_datetime":null,"landing_clicked_period":null,"datetime":"2024-03-09 10:10:00",
	 "hour":10,"weekday":6,"week":"2024-10","month":"2024-03","year":2024,"ts_id":1,"campaign_group_id":null,
	 "parent_campaign_id":null,"affiliate_network_id":null}],
	"total":6,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)

	// Sorted by a column; ties by click_id descending.
	r = s.do("POST", "/clicks/log", map[string]any{"limit": 10, "columns": []any{"click_id", "campaign_id", "destination"},
		"sort": map[string]any{"name": "campaign_id"}})
	expect(t, r, 200, `{"rows":[{"click_id":6,"campaign_id":1,"destination":"http://one.example/?s=`+s.subs[6]+`&c=1&k=shoes&x={unknown}"},
		{"click_id":3,"campaign_id":1,"destination":"http://fallback.example/Alpha"},{"click_id":2,"campaign_id":1,"destination":""},
		{"click_id":1,"campaign_id":1,"destination":"http://one.example/?s=`+s.subs[1]+`&c=1&k=shoes&x={unknown}"},
		{"click_id":5,"campaign_id":2,"destination":"http://two.example/`+s.subs[5]+`?cost=0.3000"},
		{"click_id":4,"campaign_id":2,"destination":"http://two.example/`+s.subs[4]+`?cost=0.0000"}],
		"total":6,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)

	// The traffic log names each click's stream.
	logs := list(t, s.do("GET", "/logs/traffic", nil))
	if len(logs) != 6 || logs[0]["message"] != "Click "+s.subs[6]+" in campaign #1: stream #2" ||
		logs[5]["message"] != "Click "+s.subs[1]+" in campaign #1: stream #2" || logs[2]["datetime"] != "2024-03-09 11:00:00" {
		t.Fatalf("traffic log: %v", logs)
	}
}

func TestTrafficStoryConversions(t *testing.T) {
	s := newStory(t)
	// The document's GET form: columns and range in the query string.
	r := s.srv.Do("GET", "/keitaro/admin_api/v1/conversions/log?columns=conversion_id,click_id,status,previous_status,"+
		"original_status,tid,revenue,currency,is_sale,datetime,click_datetime,sale_datetime,sale_period,params&range[interval]=today",
		nil, "Api-Key", "story-key")
	expect(t, r, 200, `{"rows":[
	{"conversion_id":6,"click_id":6,"status":"lead","previous_status":null,"original_status":"lead","tid":"","revenue":0,
	 "currency":"USD","is_sale":false,"datetime":"2024-03-10 10:00:00","click_datetime":"2024-03-10 09:30:00","sale_datetime":null,
	 "sale_period":null,"params":{}},
	{"conversion_id":5,"click_id":5,"status":"rejected","previous_status":null,"original_status":"rejected","tid":"","revenue":12,
	 "currency":"USD","is_sale":false,"datetime":"2024-03-10 10:00:00","click_datetime":"2024-03-10 09:00:00","sale_datetime":null,
	 "sale_period":null,"params":{}},
	{"conversion_id":4,"click_id":4,"status":"rebill","previous_status":null,"original_status":"rebill","tid":"","revenue":10,
	 "currency":"USD","is_sale":true,"datetime":"2024-03-10 10:00:00","click_datetime":"2024-03-09 11:00:00","sale_datetime":null,
	 "sale_period":null,"params":{}},
	{"conversion_id":3,"click_id":4,"status":"sale","previous_status":null,"original_status":"sale","tid":"","revenue":40,
	 "currency":"USD","is_sale":true,"datetime":"2024-03-10 10:00:00","click_datetime":"2024-03-09 11:00:00",
	 "sale_datetime":"2024-03-10 10:00:00","sale_period":82800,"params":{}},
	{"conversion_id":2,"click_id":3,"status":"lead","previous_status":null,"original_status":"lead","tid":"","revenue":4,
	 "currency":"USD","is_sale":false,"datetime":"2024-03-10 10:00:00","click_datetime":"2024-03-09 10:10:00","sale_datetime":null,
	 "sale_period":null,"params":{}},
	{"conversion_id":1,"click_id":1,"status":"sale","previous_status":"lead","original_status":"lead","tid":"t1","revenue":25,
	 "currency":"USD","is_sale":true,"datetime":"2024-03-10 10:00:00","click_datetime":"2024-03-09 10:00:00",
	 "sale_datetime":"2024-03-10 10:00:00","sale_period":86400,"params":{"offer":"o1"}}],
	"total":6,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)

	// POST with filters on conversion and click columns; columns[] in a
	// query string works too.
	r = s.do("POST", "/conversions/log", map[string]any{"limit": 5, "columns": []any{"conversion_id", "campaign", "status"},
		"filters": []any{
			map[string]any{"name": "status", "operator": "IN_LIST", "expression": []any{"sale", "rebill"}},
			map[string]any{"name": "campaign", "operator": "EQUALS", "expression": "Beta"},
		}, "sort": []any{map[string]any{"name": "status"}}})
	expect(t, r, 200, `{"rows":[{"conversion_id":4,"campaign":"Beta","status":"rebill"},{"conversion_id":3,"campaign":"Beta","status":"sale"}],
		"total":2,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)
	r = s.srv.Do("GET", "/keitaro/admin_api/v1/conversions/log?columns[]=conversion_id&columns[]=tid&limit=1&offset=5", nil, "Api-Key", "story-key")
	expect(t, r, 200, `{"rows":[{"conversion_id":1,"tid":"t1"}],"total":6,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)
	r = s.srv.Do("GET", "/keitaro/admin_api/v1/conversions/log?columns=conversion_id&range[interval]=yesterday", nil, "Api-Key", "story-key")
	expect(t, r, 200, `{"rows":[],"total":0,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)

	// Every postback is logged with its answer.
	logs := list(t, s.do("GET", "/logs/postbacks", map[string]any{"limit": 2}))
	if len(logs) != 2 || logs[0]["message"] != "Postback subid="+s.subs[6]+" status=weird: Error: unknown status" ||
		logs[1]["message"] != "Postback subid="+s.subs[6]+" status=lead: Success" {
		t.Fatalf("postback log: %v", logs)
	}
}

func TestIntervalsUnderFrozenClock(t *testing.T) {
	s := newStory(t) // the clock stands at 2024-03-10 10:00:00 UTC, a Sunday
	ids := func(rng map[string]any) string {
		t.Helper()
		r := s.do("POST", "/report/build", map[string]any{"range": rng, "grouping": []any{"click_id"}, "metrics": []any{}})
		var out struct {
			Rows []struct {
				ClickID int `json:"click_id"`
			}
		}
		decode(t, r, &out)
		var b strings.Builder
		for _, row := range out.Rows {
			b.WriteString(itoa(row.ClickID))
		}
		return b.String()
	}
	for _, c := range []struct {
		rng  map[string]any
		want string
	}{
		{map[string]any{"interval": "today"}, "56"},
		{map[string]any{"interval": "yesterday"}, "1234"},
		{map[string]any{"interval": "7_days_ago"}, "123456"},
		{map[string]any{"interval": "first_day_of_this_week"}, "123456"}, // Monday 2024-03-04
		{map[string]any{"interval": "first_day_of_this_month"}, "123456"},
		{map[string]any{"interval": "1_month_ago"}, "123456"},
		{map[string]any{"interval": "1_year_ago"}, "123456"},
		{map[string]any{"interval": "first_day_of_this_year"}, "123456"},
		{map[string]any{"interval": "all_time"}, "123456"},
		{map[string]any{}, "123456"},
		{map[string]any{"from": "2024-03-09 10:05"}, "23456"},
		{map[string]any{"from": "2024-03-09 10:05:01", "to": "2024-03-10 09:00:00"}, "345"},
		{map[string]any{"to": "2024-03-09"}, "1234"},
		{map[string]any{"from": "2024-03-10", "interval": "yesterday"}, "56"}, // from/to win over interval
		// In Tokyo (UTC+9) today began at 2024-03-09 15:00 UTC.
		{map[string]any{"interval": "today", "timezone": "Asia/Tokyo"}, "56"},
		{map[string]any{"from": "2024-03-09 20:00", "timezone": "Asia/Tokyo"}, "456"},
		// New York moved to summer time on 2024-03-10 at 07:00 UTC: its
		// "today" is 05:00 UTC on the 10th to 04:00 UTC on the 11th.
		{map[string]any{"interval": "today", "timezone": "America/New_York"}, "56"},
		{map[string]any{"interval": "yesterday", "timezone": "America/New_York"}, "1234"},
	} {
		if got := ids(c.rng); got != c.want {
			t.Errorf("range %v: clicks %s, want %s", c.rng, got, c.want)
		}
	}
	// Time columns follow the range's timezone, summer time included.
	s.report(map[string]any{"range": map[string]any{"timezone": "America/New_York"}, "grouping": []any{"day_hour", "weekday"},
		"metrics": []any{"clicks"}},
		`[{"day_hour":"2024-03-09 05:00","weekday":6,"clicks":3},{"day_hour":"2024-03-09 06:00","weekday":6,"clicks":1},
		  {"day_hour":"2024-03-10 05:00","weekday":7,"clicks":2}]`, 3)
	r := s.do("POST", "/clicks/log", map[string]any{"range": map[string]any{"timezone": "Europe/Madrid", "from": "2024-03-10"},
		"columns": []any{"click_id", "datetime", "landing_clicked_datetime"}})
	expect(t, r, 200, `{"rows":[{"click_id":6,"datetime":"2024-03-10 10:30:00","landing_clicked_datetime":null},
		{"click_id":5,"datetime":"2024-03-10 10:00:00","landing_clicked_datetime":null}],
		"total":2,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`)
	// Clicks the clock has not reached yet belong to no interval of today.
	s.advance("-24h")
	if got := ids(map[string]any{"interval": "today"}); got != "1234" {
		t.Fatalf("today, a day earlier: %s", got)
	}
}

func TestTrafficTenantIsolation(t *testing.T) {
	s := newStory(t)
	other := s.as(s.newTenant(map[string]any{"apiKey": "other-key", "postbackKey": "1234567"}))
	expectStatus(t, other.do("POST", "/campaigns", map[string]any{"alias": "alpha", "name": "Other Alpha"}), 200)
	expectStatus(t, other.do("POST", "/streams", map[string]any{"campaign_id": 1, "type": "regular", "schema": "action",
		"action_type": "show_text", "action_payload": "other"}), 200)

	// The alias belongs to the tenant created first; the other sees none
	// of its traffic.
	r := s.visit("/alpha?keyword=shoes", "10.9.9.9", uaChrome)
	s.redirects(r, "")
	empty := `{"rows":[],"total":0,"meta":{"datetime":"2024-03-10T10:00:00+00:00","execution_time":"0.0000"}}`
	expect(t, other.do("POST", "/clicks/log", map[string]any{"limit": 10, "columns": []any{"click_id"}}), 200, empty)
	expect(t, other.do("POST", "/conversions/log", map[string]any{"limit": 10, "columns": []any{"conversion_id"}}), 200, empty)
	expect(t, other.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks", "revenue"}}), 200, `{"clicks":0,"revenue":0}`)
	expect(t, other.do("GET", "/logs/traffic", nil), 200, `[]`)
	expect(t, s.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":7}`)

	// Another tenant's postback key does not reach the click.
	r = s.srv.Do("GET", "/keitaro/1234567/postback?subid="+s.subs[2]+"&status=sale", nil)
	if r.Status != 200 || r.Body != "Error: click not found" {
		t.Fatalf("foreign key: %d %s", r.Status, r.Body)
	}
	if l := list(t, other.do("GET", "/logs/postbacks", nil)); len(l) != 1 || l[0]["message"] != "Postback subid="+s.subs[2]+" status=sale: Error: click not found" {
		t.Fatalf("other's postback log: %v", l)
	}
	expect(t, s.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"sales"}}), 200, `{"sales":2}`)
	// Nor can its helpers: campaign 2 and click 1 are the story's.
	r = s.srv.Do("POST", "/_emulator/keitaro/clicks?tenant=other-key", map[string]any{"clicks": []any{map[string]any{"campaign_id": 2}}})
	expect(t, r, 400, `{"error":"clicks[0].campaign_id: no campaign 2"}`)
	r = s.srv.Do("POST", "/_emulator/keitaro/conversions", map[string]any{"apiKey": "other-key", "conversions": []any{map[string]any{"click_id": 1}}})
	expect(t, r, 400, `{"error":"conversions[0].click_id: no click 1"}`)

	// Archived, the story's campaign no longer takes the alias: the other
	// tenant's does.
	expectStatus(t, s.do("DELETE", "/campaigns/1", nil), 200)
	r = s.visit("/alpha", "10.9.9.9", uaChrome)
	if r.Status != 200 || r.Body != "other" {
		t.Fatalf("other's alpha: %d %s", r.Status, r.Body)
	}
	expect(t, other.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":1}`)
	// Disabled, it answers 404 and records nothing.
	expectStatus(t, other.do("POST", "/campaigns/1/disable", nil), 200)
	if r = s.visit("/alpha", "10.9.9.9", uaChrome); r.Status != 404 || r.Body != "Not Found" {
		t.Fatalf("disabled: %d %s", r.Status, r.Body)
	}
	expect(t, other.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":1}`)
	// Resetting one tenant takes its traffic, not the other's.
	expectStatus(t, s.srv.Do("POST", "/_emulator/reset?vendor=keitaro&tenant=other-key", nil), 200)
	expect(t, other.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":0}`)
	expect(t, s.do("POST", "/clicks/summary", map[string]any{"metrics": []any{"clicks"}}), 200, `{"clicks":7}`)
}
