package keitaro_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
)

// fuzzRoutes are the write routes (and parameterised reads) a fuzzed body
// is sent to.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/campaigns"}, {"PUT", "/campaigns/2"}, {"POST", "/campaigns/89/update_costs"},
	{"POST", "/streams"}, {"PUT", "/streams/3659"}, {"POST", "/streams/copy"}, {"POST", "/streams/move_streams"},
	{"GET", "/streams/search"}, {"POST", "/offers"}, {"PUT", "/offers/1"}, {"POST", "/landing_pages"},
	{"PUT", "/landing_pages/26"}, {"POST", "/traffic_sources"}, {"PUT", "/traffic_sources/1"},
	{"POST", "/affiliate_networks"}, {"PUT", "/affiliate_networks/2"}, {"GET", "/groups"}, {"POST", "/groups"},
	{"PUT", "/groups/1"}, {"POST", "/domains"}, {"POST", "/users"}, {"PUT", "/users/1"}, {"PUT", "/users/1/access"},
	{"PUT", "/botlist"}, {"POST", "/botlist/add"}, {"GET", "/logs/system"},
	{"PUT", "/integrations/avscan"}, {"PUT", "/integrations/imklo"}, {"POST", "/integrations/facebook"},
	{"PUT", "/integrations/facebook/1"}, {"POST", "/integrations/facebook/1/campaign"},
	{"DELETE", "/integrations/facebook/1/campaign"}, {"POST", "/landing_pages/26/add_file"},
	{"PUT", "/landing_pages/26/update_file"}, {"GET", "/offers/1/get_file"}, {"DELETE", "/offers/1/remove_file"},
	{"GET", "/offers/1/get_structure"},
}

// FuzzAdminAPI sends arbitrary bodies to the Admin API through HTTP: every
// answer is one of the tracker's (never a 500), in JSON.
func FuzzAdminAPI(f *testing.F) {
	srv := vtest.StartVendors(f, keitaro.New(keitaro.Config{}))
	srv.LenientRequests()
	seeds := []string{
		`{"alias":"a1","name":"n","parameters":{"keyword":{"name":"k"}},"postbacks":[{"url":"u"}]}`,
		`{"campaign_id":2,"type":"regular","schema":"offers","offers":[{"offer_id":3,"share":5}],"filters":[{"name":"ip","mode":"allow","payload":["1.2.3.4"]}]}`,
		`{"stream_ids":[1282],"campaign_id":89}`, `{"query":"st"}`, `{"name":"o","action_payload":"x","country":"us,de"}`,
		`{"name":"g","type":"offers","position":"3"}`, `{"name":"https://x.com/","is_ssl":"1"}`,
		`{"login":"u","type":"USER","new_password":"123456","new_password_confirmation":"123456","preferences":{"timezone":"UTC"}}`,
		`{"access_data":{"reports":[1]}}`, `{"value":"1.2.3.*\n::1"}`, `{"limit":"5","offset":1,"query":"x"}`,
		`{"start_date":"2017-01-01","end_date":"2017-01-02 10:00","cost":"1","filters":{"source":"a,b"}}`,
		`{"name":null,"alias":[],"type":{},"weight":1e400}`, `name=x&type=campaigns`, `{"landings":[{"landing_id":"26"}]}`,
		`{"path":"a/b.html","data":"<p>"}`, `{"avscan_key":"k","imklo_api_url":"http://i"}`,
		`{"name":"f","ad_account_id":1,"token":"t","proxy":{"protocol":"socks5","port":"80.0"}}`, `{"campaign_id":2.0}`, `null`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		req, err := http.NewRequest(rt.method, srv.URL+"/keitaro/admin_api/v1"+rt.path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Api-Key", keitaro.DefaultTenant)
		if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case 200, 400, 403, 404, 406:
		default:
			t.Fatalf("%s %s %q: %d %s", rt.method, rt.path, body, resp.StatusCode, b)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !json.Valid(b) {
			t.Fatalf("%s %s %q: not JSON: %s", rt.method, rt.path, body, b)
		}
	})
}

// reportRoutes are the report and clicks routes a fuzzed body is sent to.
var reportRoutes = []struct{ method, path string }{
	{"POST", "/report/build"}, {"POST", "/clicks/log"}, {"POST", "/clicks/summary"}, {"POST", "/conversions/log"},
	{"GET", "/conversions/log"}, {"POST", "/report/labels"}, {"GET", "/report/labels"}, {"POST", "/clicks/update_costs"},
	{"POST", "/clicks/clean"},
}

// FuzzReport sends arbitrary bodies to the report routes over a tenant
// with traffic: every answer is one of the tracker's (never a 500), in
// JSON.
func FuzzReport(f *testing.F) {
	srv := vtest.StartVendors(f, keitaro.New(keitaro.Config{}))
	srv.LenientRequests()
	for _, p := range []string{"/keitaro/Tx9pLm?keyword=a", "/keitaro/Tx9pLm?sub_id_1=b", "/keitaro/c8bL9W"} {
		srv.Do("GET", p, nil, "User-Agent", "Mozilla/5.0 (iPhone) Mobile")
	}
	srv.Do("POST", "/_emulator/keitaro/conversions", []any{map[string]any{"click_id": 1, "status": "sale", "revenue": 3}})
	seeds := []string{
		`{"range":{"interval":"today","timezone":"Europe/Madrid"},"grouping":["campaign","day_hour"],"metrics":["clicks","roi","cr"],"summary":true}`,
		`{"limit":5,"offer":1,"columns":["click_id","sub_id","revenue"],"sort":{"name":"revenue","order":"desc"}}`,
		`{"range":{"from":"2017-01-01","to":"2017-06-02 10:00"},"metrics":["epc"],"filters":[{"name":"clicks","operator":"GREATER_THAN","expression":0},{"name":"ip","operator":"MATCH_REGEXP","expression":"/^1/i"}]}`,
		`{"limit":1,"filters":[{"name":"cost","operator":"BETWEEN","expression":[0,"5"]},{"name":"source","operator":"HAS_LABEL","expression":"whitelist"}]}`,
		`{"limit":1,"columns":"conversion_id,status,params","filters":[{"name":"status","operator":"IN_LIST","expression":"sale,lead","case_sensitive":true}]}`,
		`{"campaign_id":2,"ref_name":"ip","items":{"1.2.3.4":"blacklist","5.6.7.8":null},"label_name":"blacklist"}`,
		`{"campaign_ids":[2,89],"costs":[{"start_date":"2017-06-01","end_date":"2017-06-01","cost":"1.5","filters":{"source":"a"}}]}`,
		`{"start_date":"2017-01-01","end_date":"2017-12-31","campaign_id":"2","timezone":"Asia/Tokyo"}`,
		`{"range":[],"grouping":[1],"metrics":{},"filters":[{"name":"is_bot","operator":"is_true"}],"sort":[{"name":null}]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := reportRoutes[int(route)%len(reportRoutes)]
		req, err := http.NewRequest(rt.method, srv.URL+"/keitaro/admin_api/v1"+rt.path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Api-Key", keitaro.DefaultTenant)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case 200, 400, 406:
		default:
			t.Fatalf("%s %s %q: %d %s", rt.method, rt.path, body, resp.StatusCode, b)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !json.Valid(b) {
			t.Fatalf("%s %s %q: not JSON: %s", rt.method, rt.path, body, b)
		}
	})
}

// FuzzTraffic sends arbitrary query strings (and form bodies) to the
// public side: clicks, postbacks and the landing click-through answer
// redirects, pages or the tracker's texts, never a 500.
func FuzzTraffic(f *testing.F) {
	srv := vtest.StartVendors(f, keitaro.New(keitaro.Config{}))
	srv.LenientRequests()
	paths := []string{"/keitaro/Tx9pLm", "/keitaro/postback", "/keitaro/1a2b3c4/postback", "/keitaro/lp/offer", "/keitaro/HBWgh8"}
	for i, q := range []string{"keyword=a&sub_id_1=%ZZ&cost=1e999", "subid=x&status=sale&payout=NaN", "subid=&tid[]=1",
		"subid=x&_subid=y", "cost=-1&extra_param_1=<b>"} {
		f.Add(uint8(i), q, []byte("subid=x&status=lead"))
	}
	f.Fuzz(func(t *testing.T, kind uint8, query string, body []byte) {
		req, err := http.NewRequest("POST", srv.URL+paths[int(kind)%len(paths)]+"?"+url.PathEscape(query), bytes.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", query)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s?%s: %d %s", req.URL.Path, query, resp.StatusCode, b)
		}
	})
}

// FuzzHelpers sends arbitrary bodies to the clicks and conversions helpers
// (stored in bulk, and one by one when a batch clashes with itself): every
// answer is 200 or the helper's 400, never a 500, in JSON.
func FuzzHelpers(f *testing.F) {
	srv := vtest.StartVendors(f, keitaro.New(keitaro.Config{}))
	seeds := []string{
		`{"clicks":[{"campaign_id":2,"sub_id":"f1","datetime":"2017-05-01 10:00:00","cost":0.5,"is_bot":true},{"campaign_id":89,"stream_id":null}]}`,
		`[{"campaign_id":2,"sub_id":"f2"},{"campaign_id":2,"sub_id":"f2"}]`,
		`[{"campaign_id":2,"click_id":900},{"campaign_id":2,"click_id":900,"keyword":"a\u0000b"}]`,
		`{"conversions":[{"sub_id":"f1","status":"sale","revenue":"1.5","tid":"t"},{"click_id":1,"status":"rebill"}]}`,
		`{"apiKey":"your-api-key","clicks":[{"campaign_id":2,"landing_clicked":true,"landing_clicked_datetime":null}]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := []string{"/_emulator/keitaro/clicks", "/_emulator/keitaro/conversions"}[int(which)%2]
		resp, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Fatalf("%s %q: %d %s", path, body, resp.StatusCode, b)
		}
		if !json.Valid(b) {
			t.Fatalf("%s %q: not JSON: %s", path, body, b)
		}
	})
}
