package justclick_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/justclick"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

const (
	login  = justclick.DefaultTenant
	secret = justclick.DefaultSecret
	// formType is what PHP's curl sends.
	formType = "application/x-www-form-urlencoded"
)

// start runs an emulator with only this vendor and returns the vendor too,
// so that tests can wait for its callbacks.
func start(t *testing.T, cfg justclick.Config) (*vtest.Server, *justclick.Emulator) {
	t.Helper()
	var jc *justclick.Emulator
	factory := justclick.New(cfg)
	srv := vtest.StartVendors(t, func(d emu.Deps) (emu.Vendor, error) {
		v, err := factory(d)
		jc, _ = v.(*justclick.Emulator)
		return v, err
	})
	// Runs before the server shuts down: no delivery outlives the test.
	t.Cleanup(jc.WaitCallbacks)
	return srv, jc
}

// account is a client of one JustClick account, signing like the vendor's
// PHP sample: http_build_query of the fields, then md5(query::login::key).
type account struct {
	t      *testing.T
	srv    *vtest.Server
	login  string
	secret string
}

func defaultAccount(t *testing.T, srv *vtest.Server) account {
	return account{t: t, srv: srv, login: login, secret: secret}
}

// phpEscape is PHP's urlencode (Go's QueryEscape leaves "~").
func phpEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E")
}

// query encodes name/value pairs as http_build_query does for an array
// given in that order.
func query(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, phpEscape(pairs[i])+"="+phpEscape(pairs[i+1]))
	}
	return strings.Join(parts, "&")
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// signed is the body a PHP client sends: the fields and their hash.
func (a account) signed(pairs ...string) string {
	q := query(pairs...)
	body := q
	if body != "" {
		body += "&"
	}
	return body + "hash=" + md5hex(q+"::"+a.login+"::"+a.secret)
}

// call signs and POSTs the fields to function fn, addressing the account
// by its Host name, and returns the checked reply.
func (a account) call(fn string, pairs ...string) reply {
	a.t.Helper()
	return a.post("/justclick/api/"+fn, a.signed(pairs...))
}

// post sends body to path as a form with the account's Host.
func (a account) post(path, body string) reply {
	a.t.Helper()
	resp := a.srv.Do("POST", path, body, "Host", a.login+".localhost:8080", "Content-Type", formType)
	return parseReply(a.t, resp, a.secret)
}

// reply is a decoded envelope.
type reply struct {
	Body   string
	Code   int             `json:"error_code"`
	Text   string          `json:"error_text"`
	Result json.RawMessage `json:"result"`
	Hash   string          `json:"hash"`
}

// parseReply checks what every function answer has in common (HTTP 200,
// the vendor's content type, a hash the client can verify with secret)
// and decodes it.
func parseReply(t *testing.T, resp vtest.Response, secret string) reply {
	t.Helper()
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", resp.Status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var r reply
	if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, resp.Body)
	}
	r.Body = resp.Body
	if want := md5hex(fmt.Sprintf("%d::%s::%s", r.Code, r.Text, secret)); r.Hash != want {
		t.Errorf("reply hash %s does not verify (want %s): %s", r.Hash, want, resp.Body)
	}
	return r
}

// is asserts the reply's code and text.
func (r reply) is(t *testing.T, code int, text string) reply {
	t.Helper()
	if r.Code != code || r.Text != text {
		t.Fatalf("got %d %q, want %d %q\n%s", r.Code, r.Text, code, text, r.Body)
	}
	return r
}

// result asserts the reply is OK-coded with exactly this result JSON.
func (r reply) result(t *testing.T, want string) reply {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("error %d %q, want success\n%s", r.Code, r.Text, r.Body)
	}
	if string(r.Result) != want {
		t.Fatalf("result\n got %s\nwant %s", r.Result, want)
	}
	return r
}

// noResult asserts the reply has no "result" key.
func (r reply) noResult(t *testing.T) reply {
	t.Helper()
	if strings.Contains(r.Body, `"result"`) {
		t.Fatalf("unexpected result: %s", r.Body)
	}
	return r
}

// control posts a JSON body to the control plane.
func control(t *testing.T, srv *vtest.Server, method, path string, body any, wantStatus int) string {
	t.Helper()
	resp := srv.Do(method, "/_emulator/justclick/"+path, body)
	if resp.Status != wantStatus {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.Status, wantStatus, resp.Body)
	}
	return resp.Body
}

// newAccount creates an empty account through the control plane.
func newAccount(t *testing.T, srv *vtest.Server, login string, extra ...any) account {
	t.Helper()
	body := map[string]any{"login": login}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	var out struct{ Login, Secret string }
	if err := json.Unmarshal([]byte(control(t, srv, "POST", "tenants", body, http.StatusCreated)), &out); err != nil {
		t.Fatal(err)
	}
	return account{t: t, srv: srv, login: out.Login, secret: out.Secret}
}

func freeze(t *testing.T, srv *vtest.Server, now string) {
	t.Helper()
	if resp := srv.Do("POST", "/_emulator/clock", map[string]any{"now": now}); resp.Status != http.StatusOK {
		t.Fatalf("clock: %d %s", resp.Status, resp.Body)
	}
}

func advance(t *testing.T, srv *vtest.Server, d string) {
	t.Helper()
	if resp := srv.Do("POST", "/_emulator/clock", map[string]any{"advance": d}); resp.Status != http.StatusOK {
		t.Fatalf("clock: %d %s", resp.Status, resp.Body)
	}
}

// The document's own sample, byte for byte, both ways of naming the account.
func TestPartnerStatsSampleVerbatim(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	const body = "partner=my_partner_login&date_from=2016-08-01&date_to=2016-09-22&hash=a7cc5103fa95c531c4dc263419c16492"
	const want = `{"error_code":0,"error_text":"OK","result":{"earned_total":"250.50","topay_total":"125.25","clicks_total":"120","leads_total":"25","bills_total":"5","partners_total":"2"},"hash":"cf2b10a8fd707c6d14f496e19503b0a1"}`
	for _, tc := range []struct{ path, host string }{
		{"/justclick/api/GetPartnerStats", "username.localhost:8080"},
		{"/justclick/u/username/api/GetPartnerStats", "127.0.0.1:8080"},
		{"/justclick/u/USERNAME/api/getpartnerstats/", "other.localhost"},
	} {
		resp := srv.Do("POST", tc.path, body, "Host", tc.host, "Content-Type", formType)
		if resp.Status != 200 || resp.Body != want {
			t.Errorf("%s (Host %s): %d %s", tc.path, tc.host, resp.Status, resp.Body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
			t.Errorf("Content-Type %q", ct)
		}
	}
}

// The same sample on the vendor's own listener, where paths have no prefix.
func TestOwnListener(t *testing.T) {
	srv := vtest.Start(t, server.Config{
		Vendors:     []emu.Factory{justclick.New(justclick.Config{})},
		VendorAddrs: map[string]string{justclick.Name: "127.0.0.1:0"},
	})
	own := "http://" + srv.VendorAddr(justclick.Name)
	for _, path := range []string{"/api/GetPartnerStats", "/u/username/api/GetPartnerStats"} {
		req, _ := http.NewRequest("POST", own+path, strings.NewReader(
			"partner=my_partner_login&date_from=2016-08-01&date_to=2016-09-22&hash=a7cc5103fa95c531c4dc263419c16492"))
		req.Host = "username.localhost:9000"
		req.Header.Set("Content-Type", formType)
		r := parseReply(t, srv.Send(req), secret)
		r.result(t, `{"earned_total":"250.50","topay_total":"125.25","clicks_total":"120","leads_total":"25","bills_total":"5","partners_total":"2"}`)
	}
	req, _ := http.NewRequest("POST", own+"/justclick/api/GetPartnerStats", nil)
	if resp := srv.Send(req); resp.Status != 404 || resp.Body != "Not Found" {
		t.Errorf("prefixed path on own listener: %d %q", resp.Status, resp.Body)
	}
}

// The reference's worked hash examples (§2.5) are accepted as sent.
func TestWorkedHashExamples(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	for _, tc := range []struct{ fn, body, hash string }{
		{"AddLeadToGroup", "rid%5B0%5D=news&lead_email=ivan%40example.com&lead_name=Ivan%20Petrov", "20131f9752ca5ea237a308d093f79129"},
		{"UpdateSubscriberData", "lead_email=a%40example.com&tag=~promo!*(x)%27/:%2B%26%3D", "7c82b84cc302b64b8e26e8f4f0e23a71"},
		{"AddLeadToGroup", "rid%5B0%5D=news&lead_email=petr%40example.com&lead_name=%D0%94%D0%BE%D1%80%D0%BE%D0%B3%D0%BE%D0%B9+%D0%B4%D1%80%D1%83%D0%B3", "d8661c9175972044c4541124ec75e02f"},
		{"CreateOrder", "goods[0][good_name]=course1&goods[0][good_sum]=990&goods[1][good_name]=book&bill_email=buyer@example.com&bill_first_name=Anna", "5a14891c0a952487fa1cc456556e14ad"},
		{"AddLeadToGroup", "rid[0]=news&lead_email=x@example.com&utm[utm_source]=fb&rid[1]=vip", "63202500fe97eb281bd80d2d8e1d0294"},
		{"GetAllGroups", "", "53de7e1144de71c41d1cb06887f4b179"},
		{"GetOrders", "goods[]=course1&goods[]=book&paid=1", "3ec7ee88f9a4bd66e79b3c695d142b9a"},
		{"GetAllGoods", "a.b=1&c d=2&x.y[z]=3&empty=&flag", "eb4a847de9613149ecdb324dd713bd35"},
		{"UpdateOrderStatus", "status=paid&bill_id=7&status=cancel", "0f54f38a9be5463f933a55ae47d4688f"},
	} {
		body := tc.body
		if body != "" {
			body += "&"
		}
		r := a.post("/justclick/api/"+tc.fn, body+"hash="+tc.hash)
		if r.Code == 4 || r.Code == 1 || r.Code == 2 {
			t.Errorf("%s %q: %d %s", tc.fn, tc.body, r.Code, r.Text)
		}
	}
	// Example K: the hash pair may stand anywhere in the body.
	r := a.post("/justclick/api/UpdateOrderStatus", "bill_id=12&hash=30de42aa20e9c1180f5d0d0d4a011345&status=paid&date=1700000000")
	r.is(t, 200, "Nonexistent order")
}

// The checks of §2.1 in their order, each with its code, text and hash.
func TestRequestChecks(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	do := func(method, path, host, ctype, body, sec string) reply {
		t.Helper()
		return parseReply(t, srv.Do(method, path, body, "Host", host, "Content-Type", ctype), sec)
	}
	const api = "/justclick/api/GetAllGroups"
	good := a.signed()

	t.Run("unknown user is hashed with an empty secret", func(t *testing.T) {
		const want = `{"error_code":5,"error_text":"Invalid user name","hash":"ca1d0e11a47db2f77cca68545d853090"}`
		for _, host := range []string{"nobody.localhost:8080", "localhost:8080", "127.0.0.1:8080", "[::1]:8080"} {
			r := do("POST", api, host, formType, good, "")
			if r.Body != want {
				t.Errorf("Host %s: %s", host, r.Body)
			}
		}
		if r := do("POST", "/justclick/u/nobody/api/GetAllGroups", "username.localhost", formType, good, ""); r.Body != want {
			t.Errorf("path wins over Host: %s", r.Body)
		}
		// Without any fields the account is still checked first.
		do("GET", api, "nobody.localhost", "", "", "").is(t, 5, "Invalid user name")
	})
	t.Run("no fields", func(t *testing.T) {
		const want = `{"error_code":2,"error_text":"No transmitted data","hash":"b9297888f7adae8742ddb6b42f404992"}`
		for _, tc := range []struct{ method, ctype, body string }{
			{"POST", formType, ""},
			{"GET", formType, good},
			{"PUT", formType, good},
			{"DELETE", "", ""},
			{"POST", "application/json", `{"hash":"x"}`},
			{"POST", "text/plain", good},
			{"POST", "", good},
			{"POST", formType, "=x&[a]=1&&"},
			{"POST", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"hash\"\r\n\r\nabc"},
		} {
			if r := do(tc.method, api, "username.localhost", tc.ctype, tc.body, secret); r.Body != want {
				t.Errorf("%s %s %q: %s", tc.method, tc.ctype, tc.body, r.Body)
			}
		}
		// The query string is never read.
		if r := do("GET", api+"?"+good, "username.localhost", "", "", secret); r.Body != want {
			t.Errorf("query string: %s", r.Body)
		}
	})
	t.Run("missing or empty hash", func(t *testing.T) {
		const want = `{"error_code":1,"error_text":"Not transferred hash","hash":"000e7e6a688ec921cc37622a44fbc55f"}`
		for _, body := range []string{"a=1", "hash=", "hash=0", "x=1&hash=0"} {
			if r := do("POST", api, "username.localhost", formType, body, secret); r.Body != want {
				t.Errorf("%q: %s", body, r.Body)
			}
		}
	})
	t.Run("wrong hash", func(t *testing.T) {
		const want = `{"error_code":4,"error_text":"Incorrect hash","hash":"b65427c45515bf2ed64b2149156e103b"}`
		upper := "hash=" + strings.ToUpper(md5hex("::username::"+secret))
		other := account{t: t, srv: srv, login: login, secret: "wrong"}
		// Python's urlencode leaves "~": the real service refuses it, so do we.
		pythonStyle := "tag=~x&hash=" + md5hex("tag=~x::username::"+secret)
		// A client that hashes "x[]=a" literally.
		literal := "x[]=a&hash=" + md5hex("x[]=a::username::"+secret)
		for _, body := range []string{upper, other.signed(), "hash=abc", "hash[0]=" + md5hex("::username::"+secret), pythonStyle, literal} {
			if r := do("POST", api, "username.localhost", formType, body, secret); r.Body != want {
				t.Errorf("%q: %s", body, r.Body)
			}
		}
	})
	t.Run("two bodies that parse alike share a hash", func(t *testing.T) {
		h := md5hex("rid%5B0%5D=news&rid%5B1%5D=vip&lead_email=x%40example.com::username::" + secret)
		for _, body := range []string{
			"rid[]=news&lead_email=x@example.com&rid[]=vip&hash=" + h,
			"rid%5B0%5D=news&rid%5B1%5D=vip&lead_email=x%40example.com&hash=" + h,
			"hash=" + h + "&rid[0]=news&lead.email=ignored&lead_email=x%40example.com&rid[1]=vip",
		} {
			r := do("POST", "/justclick/api/GetLeadGroups", "username.localhost", formType, body, secret)
			if r.Code == 4 {
				t.Errorf("%q: %s", body, r.Body)
			}
		}
	})
	t.Run("multipart", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("partner", "my_partner_login")
		fw, _ := mw.CreateFormFile("file", "x.txt")
		fw.Write([]byte("ignored"))
		mw.WriteField("hash", md5hex("partner=my_partner_login::username::"+secret))
		mw.Close()
		r := do("POST", "/justclick/api/GetPartnerStats", "username.localhost", mw.FormDataContentType(), buf.String(), secret)
		r.result(t, `{"earned_total":"270.50","topay_total":"145.25","clicks_total":"125","leads_total":"26","bills_total":"6","partners_total":"2"}`)
	})
	t.Run("disabled account", func(t *testing.T) {
		b := newAccount(t, srv, "off", "disabled", true)
		const want = `{"error_code":7,"error_text":"Account disabled","hash":"`
		r := b.call("GetAllGroups")
		r.is(t, 7, "Account disabled")
		if !strings.HasPrefix(r.Body, want) {
			t.Errorf("%s", r.Body)
		}
		// Checked before the fields: an empty GET says the same.
		do("GET", api, "off.localhost", "", "", b.secret).is(t, 7, "Account disabled")
	})
}

func TestRouting(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	for _, path := range []string{
		"/justclick/api/NoSuchFunction", "/justclick/api", "/justclick/", "/justclick/api/GetAllGroups/extra",
		"/justclick/u/username/api/Nope", "/justclick/other",
	} {
		for _, method := range []string{"POST", "GET"} {
			resp := srv.Do(method, path, a.signed(), "Host", "username.localhost", "Content-Type", formType)
			if resp.Status != 404 || resp.Body != "Not Found" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("%s %s: %d %q %q", method, path, resp.Status, resp.Body, resp.Header.Get("Content-Type"))
			}
		}
	}
	// Unknown function beats unknown account.
	if resp := srv.Do("POST", "/justclick/api/Nope", "", "Host", "nobody.localhost"); resp.Status != 404 {
		t.Errorf("unknown function, unknown account: %d", resp.Status)
	}
	for _, fn := range []string{"GetAllGroups", "getallgroups", "GETALLGROUPS", "GetAllGroups/"} {
		a.call(fn).result(t, `[{"rass_id":"1","rass_name":"news","rass_title":"Newsletter"},{"rass_id":"2","rass_name":"vip","rass_title":"VIP clients"}]`)
	}
}

// Answers are escaped the way PHP's json_encode escapes them.
func TestPHPEscaping(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "esc@example.com").is(t, 0, "OK")
	name := "Дорогой друг <a>&'\"\n/😀\x01"
	a.call("UpdateSubscriberData", "lead_email", "esc@example.com", "lead_name", name).is(t, 0, "OK")
	a.call("AddGood", "good_name", "g/1", "good_title", name, "good_type", "digital", "good_sum", "5").is(t, 0, "OK")
	r := a.call("GetAllGoods")
	want := `{"good_name":"g\/1","good_title":"\u0414\u043e\u0440\u043e\u0433\u043e\u0439 \u0434\u0440\u0443\u0433 <a>&'\"\n\/\ud83d\ude00\u0001","good_type":"0","good_sum":"5.00"}`
	if !strings.Contains(r.Body, want) {
		t.Errorf("escaping:\n%s\nwant to contain\n%s", r.Body, want)
	}
}

// allFunctions are the reference's functions (§4).
var allFunctions = []string{
	"AddLeadToGroup", "UpdateSubscriberData", "DeleteSubscribe", "GetLeadGroups", "GetLeadGroupStatuses",
	"GetAllGroups", "GetCountSubscribe", "CreateOrder", "UpdateOrderStatus", "DeleteOrder", "GetBills",
	"GetOrderInfo", "getOrderDetails", "GetOrders", "getOrdersWithGoods", "GetAllGoods", "AddGood", "UpdateGood",
	"DeleteGood", "GetActiveDomainsList", "GetPartnerStats",
}

// Every function runs the checks of §2.1 before doing anything.
func TestEveryFunctionChecksTheRequest(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	off := newAccount(t, srv, "off", "disabled", true)
	ghost := account{t: t, srv: srv, login: "ghost", secret: ""}
	wrong := account{t: t, srv: srv, login: login, secret: "not-the-key"}
	fields := []string{"bill_id", "1", "email", "subscriber@example.com", "good_name", "course1", "partner", "my_partner_login"}
	for _, fn := range allFunctions {
		path := "/justclick/api/" + fn
		ghost.post(path, a.signed(fields...)).is(t, 5, "Invalid user name")
		off.post(path, off.signed(fields...)).is(t, 7, "Account disabled")
		a.post(path, "").is(t, 2, "No transmitted data")
		a.post(path, query(fields...)).is(t, 1, "Not transferred hash")
		a.post(path, query(fields...)+"&hash=0").is(t, 1, "Not transferred hash")
		a.post(path, wrong.signed(fields...)).is(t, 4, "Incorrect hash")
		a.post(path, a.signed(fields...)+"&extra=1").is(t, 4, "Incorrect hash")
		if r := a.call(fn, fields...); r.Code == 1 || r.Code == 4 {
			t.Errorf("%s: signed call refused: %s", fn, r.Body)
		}
	}
}

// sized is a signed AddGood body of exactly n bytes (the title fills it) and
// the length of its title.
func (a account) sized(name string, n int) (string, int) {
	a.t.Helper()
	fixed := len(a.signed("good_name", name, "good_type", "digital", "good_sum", "5", "good_title", ""))
	if n < fixed+1 {
		a.t.Fatalf("body of %d bytes cannot hold the fields", n)
	}
	body := a.signed("good_name", name, "good_type", "digital", "good_sum", "5", "good_title", strings.Repeat("t", n-fixed))
	if len(body) != n {
		a.t.Fatalf("built %d bytes, want %d", len(body), n)
	}
	return body, n - fixed
}

// Bodies up to PHP's post_max_size (8 MiB) are read and hashed whole; a
// larger one is refused with code 1 and writes nothing.
func TestBodyLimit(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	const mib = 1 << 20
	// Exactly 8 MiB, the hash at the end (where PHP clients put it): the
	// hash covers the whole body, so its acceptance shows it was read whole.
	// (Deleted again: listing 8 MiB under -race is slow.)
	body, _ := a.sized("eight", 8*mib)
	a.post("/justclick/api/AddGood", body).is(t, 0, "OK")
	a.call("DeleteGood", "good_name", "eight").is(t, 0, "OK")
	// 1.5 MiB: accepted and stored whole.
	body, title := a.sized("one-and-a-half", mib+mib/2)
	a.post("/justclick/api/AddGood", body).is(t, 0, "OK")
	wantTitles := map[string]int{"one-and-a-half": title}
	// One byte more: code 1, nothing written — also when the hash comes first.
	over, _ := a.sized("over", 8*mib+1)
	const want = `{"error_code":1,"error_text":"Not transferred hash","hash":"000e7e6a688ec921cc37622a44fbc55f"}`
	if r := a.post("/justclick/api/AddGood", over); r.Body != want {
		t.Fatalf("over 8 MiB: %s", r.Body)
	}
	hashFirst := over[strings.LastIndex(over, "&hash=")+1:] + "&" + over[:strings.LastIndex(over, "&hash=")]
	if r := a.post("/justclick/api/AddGood", hashFirst); r.Body != want {
		t.Fatalf("over 8 MiB, hash first: %s", r.Body)
	}
	// The same as multipart/form-data.
	multipartGood := func(name string, titleLen int) reply {
		t.Helper()
		pairs := []string{"good_name", name, "good_type", "digital", "good_sum", "5", "good_title", strings.Repeat("t", titleLen)}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for i := 0; i < len(pairs); i += 2 {
			mw.WriteField(pairs[i], pairs[i+1])
		}
		mw.WriteField("hash", md5hex(query(pairs...)+"::"+login+"::"+secret))
		mw.Close()
		return parseReply(t, srv.Do("POST", "/justclick/api/AddGood", buf.String(), "Host", "username.localhost",
			"Content-Type", mw.FormDataContentType()), secret)
	}
	if r := multipartGood("multi-over", 8*mib); r.Body != want {
		t.Fatalf("multipart over 8 MiB: %s", r.Body)
	}
	multipartGood("multi", mib+mib/2).is(t, 0, "OK")
	wantTitles["multi"] = mib + mib/2
	// The goods now: the accepted ones whole, nothing of the refused ones.
	var goods []struct {
		Name  string `json:"good_name"`
		Title string `json:"good_title"`
	}
	if err := json.Unmarshal(a.call("GetAllGoods").Result, &goods); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, g := range goods {
		if len(g.Title) > 1000 || g.Name == "over" || g.Name == "multi-over" {
			got[g.Name] = len(g.Title)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(wantTitles) {
		t.Fatalf("stored titles (name: bytes) %v, want %v", got, wantTitles)
	}
	// The account checks still come first.
	ghost := account{t: t, srv: srv, login: "ghost"}
	ghost.post("/justclick/api/AddGood", over).is(t, 5, "Invalid user name")
}
