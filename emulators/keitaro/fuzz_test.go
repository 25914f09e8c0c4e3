package keitaro_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
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
}

// FuzzAdminAPI sends arbitrary bodies to the Admin API through HTTP: every
// answer is one of the tracker's (never a 500), in JSON.
func FuzzAdminAPI(f *testing.F) {
	srv := vtest.StartVendors(f, keitaro.New(keitaro.Config{}))
	seeds := []string{
		`{"alias":"a1","name":"n","parameters":{"keyword":{"name":"k"}},"postbacks":[{"url":"u"}]}`,
		`{"campaign_id":2,"type":"regular","schema":"offers","offers":[{"offer_id":3,"share":5}],"filters":[{"name":"ip","mode":"allow","payload":["1.2.3.4"]}]}`,
		`{"stream_ids":[1282],"campaign_id":89}`, `{"query":"st"}`, `{"name":"o","action_payload":"x","country":"us,de"}`,
		`{"name":"g","type":"offers","position":"3"}`, `{"name":"https://x.com/","is_ssl":"1"}`,
		`{"login":"u","type":"USER","new_password":"123456","new_password_confirmation":"123456","preferences":{"timezone":"UTC"}}`,
		`{"access_data":{"reports":[1]}}`, `{"value":"1.2.3.*\n::1"}`, `{"limit":"5","offset":1,"query":"x"}`,
		`{"start_date":"2017-01-01","end_date":"2017-01-02 10:00","cost":"1","filters":{"source":"a,b"}}`,
		`{"name":null,"alias":[],"type":{},"weight":1e400}`, `name=x&type=campaigns`, `{"landings":[{"landing_id":"26"}]}`,
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
