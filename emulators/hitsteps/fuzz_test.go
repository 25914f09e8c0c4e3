package hitsteps_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// send is vtest.Server.Send for fuzz targets: Send reports through the
// *testing.F the server was started with, which a fuzz target must not use.
func send(t *testing.T, req *http.Request) vtest.Response {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return vtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// fuzzOps are the operations the API fuzzer picks from (plus one unknown).
var fuzzOps = []string{"token", "whitelabels", "accounts", "account-id-by-email", "account", "account-id-by-apikey",
	"website-by-url", "website-by-domain", "website-by-apikey", "websites", "account-email", "account-password",
	"account-create", "website-add", "website-add-url", "license-trial", "license-free", "license-purchase",
	"license-convert", "plans", "stats-7days", "autologin"}

var fuzzTypes = []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/json", "", "multipart/form-data"}

// FuzzAPI sends arbitrary query strings and bodies to every operation: the
// answer is always HTTP 200 with Hitsteps' envelope, never a 5xx.
func FuzzAPI(f *testing.F) {
	srv := start(f)
	srv.LenientRequests()
	auth := "token=" + sampleToken + "&whitelabel_id="
	f.Add(uint8(4), auth+"2", []byte("user_account_id=22"), uint8(0))
	f.Add(uint8(0), "", []byte("username=whitelabel%40example.com&password=secret"), uint8(0))
	f.Add(uint8(12), auth+"1", []byte("email=a%40b.cd&password=secret1&nickname=x&language=EN"), uint8(0))
	f.Add(uint8(13), auth+"1", []byte("--xyz\r\nContent-Disposition: form-data; name=\"user_account_id\"\r\n\r\n12\r\n--xyz\r\nContent-Disposition: form-data; name=\"site_name\"\r\n\r\nS\r\n--xyz\r\nContent-Disposition: form-data; name=\"site_url\"\r\n\r\nwww.s.test:80\r\n--xyz--\r\n"), uint8(1))
	f.Add(uint8(17), auth+"1&user_account_id=12", []byte("plan=3&duration=12"), uint8(0))
	f.Add(uint8(18), auth+"1&user_account_id=13", []byte("newplan=-0"), uint8(0))
	f.Add(uint8(20), auth+"2&website_id=35", []byte(`{"x":1}`), uint8(2))
	f.Add(uint8(21), auth+"2&website_id=34&reportname=chat", []byte("a=%zz"), uint8(0))
	f.Add(uint8(6), auth+"1", []byte("website_url=https%3A%2F%2Fwww.hitsteps.com%3A8080%2F"), uint8(0))
	f.Add(uint8(1), "token="+sampleToken, []byte("main_account=1234&main_account=%00"), uint8(0))
	f.Fuzz(func(t *testing.T, op uint8, query string, body []byte, ct uint8) {
		path := "/hitsteps/api/whitelabel/nothing"
		if int(op) < len(fuzzOps) {
			path = "/hitsteps/api/whitelabel/" + fuzzOps[op]
		}
		req, err := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.URL.RawQuery = strings.Map(func(r rune) rune {
			if r < 0x21 || r == '#' || r > 0x7e {
				return -1
			}
			return r
		}, query)
		if c := fuzzTypes[int(ct)%len(fuzzTypes)]; c != "" {
			req.Header.Set("Content-Type", c)
		}
		r := send(t, req)
		wantStatus := 200
		if int(op) >= len(fuzzOps) {
			wantStatus = 404
		}
		if r.Status != wantStatus {
			t.Fatalf("%s?%s: status %d: %s", path, req.URL.RawQuery, r.Status, r.Body)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
			t.Fatalf("answer is not a JSON object: %s", r.Body)
		}
		code, hasCode := m["error"].(float64)
		if !hasCode && op != 19 {
			t.Fatalf("no error code: %s", r.Body)
		}
		if code != 0 && (len(m) != 2 || m["msg"] == nil || !strings.HasPrefix(r.Body, `{"error":`)) {
			t.Fatalf("error envelope: %s", r.Body)
		}
	})
}

// FuzzControlBodies sends arbitrary JSON to the control-plane helpers that
// parse it: the answer is a 2xx or a 4xx, never a 5xx.
func FuzzControlBodies(f *testing.F) {
	srv := start(f)
	srv.LenientRequests()
	f.Add(uint8(0), []byte(`{"website_id":35,"day":"20250309","visits":"12","bouncerate":100}`))
	f.Add(uint8(0), []byte(`{"website_id":"35","day":"20240229","pageviews":1e3}`))
	f.Add(uint8(1), []byte(`{"username":"u@x.test","main_account":"77","whitelabel_ids":[90,"91"],"whitelabels":[{"whitelabel_brand":"B"},{}]}`))
	f.Add(uint8(1), []byte(`{"token":"  t  ","main_account":99999999999999999999}`))
	f.Add(uint8(2), []byte(`{"hitsteps":{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"a@b.cd","user_timezone":5.5,"websites":[{"website_name":"x","website_url":"x.test","visits":[{"day":"20250101","visits":1}]}]}]}]}]}}`))
	f.Add(uint8(2), []byte(`{"hitsteps":{"tenants":[{"main_account":"1234","whitelabels":[{"whitelabel_id":"2","whitelabel_url":""}]}]}}`))
	paths := []string{"/_emulator/hitsteps/visits", "/_emulator/hitsteps/tenants", "/_emulator/seed"}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		r := send(t, req)
		if r.Status >= 500 || r.Status < 200 {
			t.Fatalf("%s %s: status %d: %s", path, body, r.Status, r.Body)
		}
	})
}
