package mousestats_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/wire"
)

// apiFunctions are the names FuzzAPI picks from.
var apiFunctions = []string{"CreateAccount", "GetAccount", "GenerateLoginToken", "doLogin"}

// textAnswers are the raw text answers besides a token.
var textAnswers = map[string]bool{"ok": true, "user-exists": true, "invalid-parameters": true, "permission-denied": true}

var getAccountShape = regexp.MustCompile(`^\{"Email":"[^"]*\([a-z]+\)","PlanName":"(SaneEgg)?","PlanDaysLeft":(0|30),` +
	`"PlanUsedHeatmapProjects":0,"PlanUsedPlaybackProjects":0,"PlanUsedHeatmapVisits":0,"PlanUsedPlaybackVisits":0\}$`)

// serve sends one request straight to the server's handler (no sockets, so
// the fuzzer runs fast) and returns the recorded answer.
func serve(h http.Handler, method, path, rawQuery, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	req.URL.Path, req.URL.RawQuery = path, rawQuery
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// FuzzAPI throws arbitrary query strings at every function: each answer is
// one the reference lists, never a 5xx.
func FuzzAPI(f *testing.F) {
	for i, q := range []string{
		"_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com",
		"_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=new@example.com&_userPassword=pw&_activeFreePlan=TRUE",
		"_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com&_validHours=-0024",
		"_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=%zz&_userEmail=a%2Bb@example.com&_userPassword=%00",
		"_token=03c879e18f6aa4e15e1eb81c88e91b01",
		"_partnerId=partnername&_partnerId=x&_partnerSecret=bvdj436hdas&&=&_userEmail=a@b.c&_userPassword=" + strings.Repeat("%C3%BC", 129),
		"_partnerId=partnername&_partnerSecret=bvdj436hdas&_userEmail=test@example.com%00",
	} {
		f.Add(uint8(i), q)
	}
	srv := start(f)
	srv.LenientRequests()
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, pick uint8, raw string) {
		fn := apiFunctions[int(pick)%len(apiFunctions)]
		w := serve(h, "GET", "/mousestats/api/"+fn, raw, "")
		body, ct := w.Body.String(), w.Header().Get("Content-Type")
		switch {
		case fn == "doLogin":
			loc := w.Header().Get("Location")
			if w.Code != 302 || (loc != "/mousestats/login" && loc != "/mousestats/panel/overview") {
				t.Fatalf("doLogin?%s: %d Location %q", raw, w.Code, loc)
			}
		case w.Code != 200:
			t.Fatalf("%s?%s: status %d %q", fn, raw, w.Code, body)
		case ct == wire.JSONType:
			if fn != "GetAccount" || !getAccountShape.MatchString(body) || !json.Valid([]byte(body)) {
				t.Fatalf("%s?%s: JSON %s", fn, raw, body)
			}
		case ct != wire.TextType:
			t.Fatalf("%s?%s: content type %q", fn, raw, ct)
		case textAnswers[body]:
		case fn == "GenerateLoginToken" && tokenShape.MatchString(body):
		default:
			t.Fatalf("%s?%s: unexpected answer %q", fn, raw, body)
		}
	})
}

// FuzzControl throws arbitrary bodies at the vendor's control-plane inputs:
// PATCH accounts, POST tenants and the seed section. Each answer is JSON
// with a status the reference lists, never a 5xx.
func FuzzControl(f *testing.F) {
	for i, body := range []string{
		`{"partnerId":"partnername","email":"TEST@example.com","planName":"Pro","planDaysLeft":200,"usedHeatmapVisits":5}`,
		`{"partnerId":"partnername","email":"test@example.com","planDaysLeft":1.5}`,
		`{"partnerId":"acme","partnerSecret":"s3cret"}`,
		`{"mousestats":{"tenants":[{"partnerId":"acme","partnerSecret":"s","accounts":[{"email":"a@example.com","password":"p","activeFreePlan":true,"usedPlaybackVisits":2147483647}]}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"a","accounts":[{"email":"a@b.co","password":"p","planName":null}]}]}}`,
		`{"partnerId":null,"partnerSecret":"\u0000"}`,
		`[{"partnerId":1}]`,
		``,
	} {
		f.Add(uint8(i), body)
	}
	srv := start(f)
	srv.LenientRequests()
	h := srv.Handler()
	targets := []struct {
		method, path string
		allowed      map[int]bool
	}{
		{"PATCH", "/_emulator/mousestats/accounts", map[int]bool{200: true, 400: true, 404: true}},
		{"POST", "/_emulator/mousestats/tenants", map[int]bool{201: true, 400: true, 409: true}},
		{"POST", "/_emulator/seed", map[int]bool{200: true, 400: true}},
	}
	f.Fuzz(func(t *testing.T, pick uint8, body string) {
		target := targets[int(pick)%len(targets)]
		w := serve(h, target.method, target.path, "", body)
		if !target.allowed[w.Code] || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s %q: %d %s", target.method, target.path, body, w.Code, w.Body.String())
		}
	})
}
