package hitsteps_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/hitsteps"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

const account22 = `{"error":0,"user_account_id":"22","user_account_email":"sales@hitsteps.com","user_timezone":"8","user_country":"my","user_language":"en","user_nickname":"Hitsteps","user_account_statusmode":"1","user_license_code":"1","user_trial_status":"0","user_license_expiry":"1586041271"}`

func TestEncodingsAreReadAlike(t *testing.T) {
	srv := start(t)
	fields := []string{"token", sampleToken, "whitelabel_id", "2", "user_account_id", "22"}
	want(t, call(srv, "account", fields...), account22)
	want(t, callMultipart(t, srv, "account", fields...), account22)
	want(t, srv.Do("GET", api+"account?"+encode(fields...), nil), account22)
	want(t, srv.Do("POST", api+"account?"+encode(fields...), nil), account22)
	// The shared listener forgives a trailing slash, as clients joining paths produce.
	want(t, srv.Do("POST", api+"account/?"+encode(fields...), nil), account22)
}

func TestBodyWinsOverQueryAndLastDuplicateWins(t *testing.T) {
	srv := start(t)
	q := encode("token", sampleToken, "whitelabel_id", "1", "user_account_id", "22")
	want(t, srv.Do("POST", api+"account?"+q, encode("whitelabel_id", "2"), "Content-Type", formType), account22)
	want(t, call(srv, "account", "token", sampleToken, "whitelabel_id", "1", "whitelabel_id", "2", "user_account_id", "22"), account22)
	// An empty body value wins too, and makes the field missing.
	wantErr(t, srv.Do("POST", api+"account?"+q, "user_account_id=", "Content-Type", formType), 1, "Missing parameter: user_account_id")
}

func TestBodiesThatAreNotFormsAreNotRead(t *testing.T) {
	srv := start(t)
	wantErr(t, srv.Do("POST", api+"plans", `{"token":"`+sampleToken+`","whitelabel_id":"1"}`, "Content-Type", "application/json"),
		1, "Missing parameter: token")
	wantErr(t, srv.Do("POST", api+"plans", encode("token", sampleToken), "Content-Type", "text/plain"),
		1, "Missing parameter: token")
	// The query string of such a request still counts.
	wantErr(t, srv.Do("POST", api+"plans?token="+sampleToken, `{"whitelabel_id":"1"}`, "Content-Type", "application/json"),
		1, "Missing parameter: whitelabel_id")
}

func TestBrokenBodiesContributeNoFields(t *testing.T) {
	srv := start(t)
	broken := "--xyz\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + sampleToken + "\r\n--xyz\r\nContent-Disp"
	wantErr(t, srv.Do("POST", api+"plans", broken, "Content-Type", "multipart/form-data; boundary=xyz"), 1, "Missing parameter: token")
	wantErr(t, srv.Do("POST", api+"plans", "--a\r\n", "Content-Type", "multipart/form-data"), 1, "Missing parameter: token")
	wantErr(t, srv.Do("POST", api+"plans", "token="+sampleToken+"&whitelabel_id=1&x=%zz", "Content-Type", formType),
		1, "Missing parameter: token")
	wantErr(t, srv.Do("POST", api+"plans?token="+sampleToken, "whitelabel_id=1&x=%", "Content-Type", formType),
		1, "Missing parameter: whitelabel_id")
}

func TestValuesAreTrimmedExceptPasswords(t *testing.T) {
	srv := start(t)
	want(t, call(srv, "account-id-by-email", "token", " "+sampleToken+"\n", "whitelabel_id", "\t1 ",
		"user_account_email", "  Account@Example.com "), `{"error":0,"user_account_id":"12"}`)
	wantErr(t, call(srv, "token", "username", " whitelabel@example.com ", "password", " secret"), 2, "Invalid username or password")
	wantErr(t, call(srv, "token", "username", "whitelabel@example.com", "password", "   "), 2, "Invalid username or password")
	wantErr(t, call(srv, "token", "username", "   ", "password", "secret"), 1, "Missing parameter: username")
}

func TestFieldsLongerThan1024BytesAreInvalid(t *testing.T) {
	srv := start(t)
	long := strings.Repeat("a", 1025)
	wantErr(t, call(srv, "token", "username", long, "password", "x"), 1, "Invalid parameter: username")
	wantErr(t, call(srv, "whitelabels", "token", long), 1, "Invalid parameter: token")
	wantErr(t, wl(srv, "account-id-by-email", "1", "user_account_email", long), 1, "Invalid parameter: user_account_email")
	wantErr(t, call(srv, "token", "username", "x", "password", strings.Repeat("p", 1025)), 1, "Invalid parameter: password")
	// 1024 bytes are still a value, just not a known one.
	wantErr(t, call(srv, "whitelabels", "token", long[:1024]), 3, "Invalid token")
}

func TestIDFormats(t *testing.T) {
	srv := start(t)
	for _, bad := range []string{"abc", "-1", "1.0", "0x1", "1234567890123456789", "1 2"} {
		wantErr(t, wl(srv, "account", bad, "user_account_id", "12"), 1, "Invalid parameter: whitelabel_id")
		wantErr(t, wl(srv, "account", "1", "user_account_id", bad), 1, "Invalid parameter: user_account_id")
	}
	// Leading zeros are still the number.
	want(t, wl(srv, "account", "0002", "user_account_id", "022"), account22)
	wantErr(t, wl(srv, "account", "1", "user_account_id", "999999999999999999"), 5, "Account not found")
}

func TestUnknownPathsAnswer404(t *testing.T) {
	srv := start(t)
	for _, p := range []string{"/hitsteps/", "/hitsteps/api/whitelabel", "/hitsteps/api/whitelabel/nothing", "/hitsteps/token"} {
		r := srv.Do("POST", p, nil)
		if r.Status != http.StatusNotFound || r.Body != `{"error":404,"msg":"Unknown API call"}` {
			t.Errorf("%s: %d %s", p, r.Status, r.Body)
		}
	}
}

func TestOtherMethodsAnswer405(t *testing.T) {
	srv := start(t)
	for _, m := range []string{"PUT", "PATCH", "DELETE", "OPTIONS"} {
		r := srv.Do(m, api+"plans?token="+sampleToken+"&whitelabel_id=1", nil)
		if r.Status != http.StatusMethodNotAllowed || r.Body != `{"error":405,"msg":"Method not allowed"}` {
			t.Errorf("%s: %d %s", m, r.Status, r.Body)
		}
	}
	if r := srv.Do("HEAD", api+"plans", nil); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("HEAD: %d", r.Status)
	}
}

func TestJournalNamesTheTenant(t *testing.T) {
	srv := start(t)
	wl(srv, "plans", "1")
	r := control(t, srv, "GET", "requests?vendor=hitsteps&limit=1", nil, 200)
	if !strings.Contains(r.Body, `"tenant":"1234"`) || !strings.Contains(r.Body, `"path":"/api/whitelabel/plans"`) {
		t.Errorf("journal %s", r.Body)
	}
}

func TestOwnListenerServesWithoutPrefix(t *testing.T) {
	srv := vtest.Start(t, server.Config{
		Vendors:     []emu.Factory{hitsteps.New(hitsteps.Config{})},
		VendorAddrs: map[string]string{"hitsteps": "127.0.0.1:0"},
	})
	req, _ := http.NewRequest("POST", "http://"+srv.VendorAddr("hitsteps")+"/api/whitelabel/account",
		strings.NewReader(encode("token", sampleToken, "whitelabel_id", "2", "user_account_id", "22")))
	req.Header.Set("Content-Type", formType)
	want(t, srv.Send(req), account22)
	req, _ = http.NewRequest("GET", "http://"+srv.VendorAddr("hitsteps")+"/hitsteps/api/whitelabel/account", nil)
	if r := srv.Send(req); r.Status != 404 || r.Body != `{"error":404,"msg":"Unknown API call"}` {
		t.Errorf("prefixed path on the own listener: %d %s", r.Status, r.Body)
	}
}
