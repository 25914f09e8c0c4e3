package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

// loginCookie logs in with token and returns the Set-Cookie it got.
func loginCookie(t *testing.T, srv *vtest.Server, token string) *http.Cookie {
	t.Helper()
	r := srv.Do("POST", "/_emulator/login", `{"token":"`+token+`"}`, "Content-Type", "application/json")
	if r.Status != 200 || r.Body != `{"status":"ok"}` {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	cookies := (&http.Response{Header: r.Header}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("login set %d cookies: %v", len(cookies), r.Header["Set-Cookie"])
	}
	return cookies[0]
}

func TestConsoleLoginCookieActsAsTheAdminToken(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, AdminToken: "s3cret"})
	port := srv.Addr()[strings.LastIndex(srv.Addr(), ":")+1:]

	// The page and its assets hold no data and load without the token, so
	// a browser can show the login form.
	for _, p := range []string{"/_emulator/", "/_emulator/console/console.js", "/_emulator/console/console.css"} {
		if r := srv.Do("GET", p, nil); r.Status != 200 {
			t.Fatalf("GET %s without the token: %d %s", p, r.Status, r.Body)
		}
	}
	expectError(t, srv.Do("GET", "/_emulator/requests", nil), 401, "Bearer")

	expectError(t, srv.Do("POST", "/_emulator/login", `{"token":"wrong"}`), 401, "not the admin token")
	expectError(t, srv.Do("POST", "/_emulator/login", `{"token":""}`), 401, "not the admin token")
	expectError(t, srv.Do("POST", "/_emulator/login", `{"tokn":"s3cret"}`), 400, "tokn")
	expectError(t, srv.Do("POST", "/_emulator/login", `{"token":"s3cret"}`, "Origin", "http://127.0.0.1:1"), 403, "own page")

	ck := loginCookie(t, srv, "s3cret")
	if ck.Name != "vendoremu_admin_"+port || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode ||
		ck.Path != "/_emulator" || ck.MaxAge <= 0 || strings.Contains(ck.Value, "s3cret") {
		t.Fatalf("login cookie %+v", ck)
	}
	// A form post (no script) logs in too.
	if r := srv.Do("POST", "/_emulator/login", "token=s3cret", "Content-Type", "application/x-www-form-urlencoded"); r.Status != 200 ||
		!strings.Contains(r.Header.Get("Set-Cookie"), ck.Value) {
		t.Fatalf("form login: %d %s %v", r.Status, r.Body, r.Header["Set-Cookie"])
	}

	cookie := ck.Name + "=" + ck.Value
	if r := srv.Do("GET", "/_emulator/requests", nil, "Cookie", cookie); r.Status != 200 {
		t.Fatalf("with the cookie: %d %s", r.Status, r.Body)
	}
	// The console's own fetches carry its Origin.
	if r := srv.Do("POST", "/_emulator/clock", `{"advance":"1h"}`, "Cookie", cookie, "Origin", srv.URL); r.Status != 200 {
		t.Fatalf("from the console's origin: %d %s", r.Status, r.Body)
	}
	// Another port of the same host is the same site, so the browser sends
	// the SameSite=Strict cookie along with its page's request: refused.
	expectError(t, srv.Do("POST", "/_emulator/reset", nil, "Cookie", cookie, "Origin", "http://127.0.0.1:1"), 403, "own page")
	// A cookie of another port, or one that is not the token's, is no login.
	expectError(t, srv.Do("GET", "/_emulator/requests", nil, "Cookie", "vendoremu_admin_1="+ck.Value), 401, "Bearer")
	expectError(t, srv.Do("GET", "/_emulator/requests", nil, "Cookie", ck.Name+"=s3cret"), 401, "Bearer")
	// The Bearer header works as before.
	if r := srv.Do("GET", "/_emulator/requests", nil, "Authorization", "Bearer s3cret"); r.Status != 200 {
		t.Fatalf("bearer: %d", r.Status)
	}

	r := srv.Do("POST", "/_emulator/logout", nil, "Cookie", cookie, "Origin", srv.URL)
	out := (&http.Response{Header: r.Header}).Cookies()
	if r.Status != 200 || len(out) != 1 || out[0].Name != ck.Name || out[0].Value != "" || out[0].MaxAge >= 0 {
		t.Fatalf("logout: %d %v", r.Status, r.Header["Set-Cookie"])
	}
	expectError(t, srv.Do("POST", "/_emulator/logout", nil, "Origin", "https://evil.example"), 403, "own page")

	// A new token ends the old logins.
	srv2 := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, AdminToken: "other"})
	expectError(t, srv2.Do("GET", "/_emulator/requests", nil, "Cookie", "vendoremu_admin_"+srv2.Addr()[strings.LastIndex(srv2.Addr(), ":")+1:]+"="+ck.Value), 401, "Bearer")
}

func TestConsoleWithoutToken(t *testing.T) {
	srv := start(t)
	r := srv.Do("GET", "/_emulator/", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") ||
		r.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(r.Body, `data-admin-token="false"`) {
		t.Fatalf("page: %d %v\n%s", r.Status, r.Header, r.Body)
	}
	if !strings.Contains(r.Body, `src="/_emulator/console/console.js?v=`) || strings.Contains(r.Body, "<script>") {
		t.Fatalf("the page loads its own script only:\n%s", r.Body)
	}
	js := srv.Do("GET", "/_emulator/console/console.js", nil)
	if js.Status != 200 || !strings.Contains(js.Header.Get("Content-Type"), "javascript") || strings.Contains(js.Body, ".innerHTML") || strings.Contains(js.Body, "insertAdjacentHTML") {
		t.Fatalf("script: %d %s", js.Status, js.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/_emulator/console/index.html", "/_emulator/console/", "/_emulator/console/../page.go"} {
		if r := srv.Do("GET", p, nil); r.Status != 404 {
			t.Errorf("GET %s = %d, want 404", p, r.Status)
		}
	}
	// The guard still stands before the page without a token, and the
	// login has nothing to do.
	if r := srv.Do("GET", "/_emulator/", nil, "Host", "attacker.example"); r.Status != 403 {
		t.Fatalf("page for a rebinding host: %d", r.Status)
	}
	expectError(t, srv.Do("POST", "/_emulator/login", `{"token":"x"}`), 400, "no admin token")
}
