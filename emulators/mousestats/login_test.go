package mousestats_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/mousestats"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
	"github.com/vendoremu/vendoremu/wire"
)

// doLogin answers a redirect; a good token also sets the session cookie.
func doLogin(srv *vtest.Server, tok string) vtest.Response {
	return srv.Do("GET", "/mousestats/api/doLogin?_token="+tok, nil)
}

func wantSignedIn(t *testing.T, r vtest.Response) string {
	t.Helper()
	if r.Status != 302 || r.Header.Get("Location") != "/mousestats/panel/overview" || r.Body != "" {
		t.Fatalf("doLogin: got %d Location %q body %q, want 302 to the panel", r.Status, r.Header.Get("Location"), r.Body)
	}
	cookie, _, _ := strings.Cut(r.Header.Get("Set-Cookie"), ";")
	if !strings.HasPrefix(cookie, "mousestats_session=") {
		t.Fatalf("doLogin: Set-Cookie %q", r.Header.Get("Set-Cookie"))
	}
	return cookie
}

func wantLoginPage(t *testing.T, r vtest.Response) {
	t.Helper()
	if r.Status != 302 || r.Header.Get("Location") != "/mousestats/login" || r.Header.Get("Set-Cookie") != "" || r.Body != "" {
		t.Fatalf("got %d Location %q Set-Cookie %q body %q, want 302 to /mousestats/login without a cookie",
			r.Status, r.Header.Get("Location"), r.Header.Get("Set-Cookie"), r.Body)
	}
}

func TestGenerateLoginTokenErrors(t *testing.T) {
	srv := start(t)
	wantText(t, call(srv, "GenerateLoginToken", asDefault()...), "invalid-parameters")
	wantText(t, call(srv, "GenerateLoginToken", asDefault("_userEmail", "")...), "invalid-parameters")
	wantText(t, call(srv, "GenerateLoginToken", asDefault("_userEmail", "test@example")...), "invalid-parameters")
	wantText(t, call(srv, "GenerateLoginToken", asDefault("_userEmail", "nobody@example.com")...), "permission-denied")
	// A bad _validHours is never an error.
	token(t, srv, asDefault("_userEmail", "TEST@example.com", "_validHours", "abc")...)
}

func TestLoginTokensAreFreshAndSingleUse(t *testing.T) {
	srv := start(t)
	first := token(t, srv, asDefault("_userEmail", "test@example.com")...)
	second := token(t, srv, asDefault("_userEmail", "test@example.com")...)
	if first == second {
		t.Fatalf("two calls gave the same token %s", first)
	}
	// Earlier tokens stay valid; each one works once.
	wantSignedIn(t, doLogin(srv, second))
	wantLoginPage(t, doLogin(srv, second))
	// Tokens compare case-insensitively.
	wantSignedIn(t, doLogin(srv, strings.ToLower(first)))
	wantLoginPage(t, doLogin(srv, first))
}

// _validHours sets the lifetime by the emulator clock: a token is usable
// while now < issued + hours.
func TestLoginTokenExpiry(t *testing.T) {
	for _, tc := range []struct {
		validHours []string
		hours      string
	}{
		{nil, "1h"},
		{[]string{"_validHours", ""}, "1h"},
		{[]string{"_validHours", "1"}, "1h"},
		{[]string{"_validHours", "24"}, "24h"},
		{[]string{"_validHours", "05"}, "5h"},
		{[]string{"_validHours", "+3"}, "3h"},
		{[]string{"_validHours", "0"}, "1h"},
		{[]string{"_validHours", "25"}, "1h"},
		{[]string{"_validHours", "-3"}, "1h"},
		{[]string{"_validHours", "abc"}, "1h"},
		{[]string{"_validHours", "2.5"}, "1h"},
		{[]string{"_validHours", " 5"}, "1h"},
		{[]string{"_validHours", "99999999999999999999"}, "1h"},
		{[]string{"_validhours", "5"}, "1h"},
	} {
		t.Run(strings.Join(tc.validHours, "="), func(t *testing.T) {
			srv := start(t)
			freeze(t, srv, "2031-03-01T10:00:00Z")
			pairs := asDefault(append([]string{"_userEmail", "test@example.com"}, tc.validHours...)...)
			issuer := srv
			if len(tc.validHours) > 0 && tc.validHours[0] != "_validHours" {
				issuer = srv.Lenient() // a misspelled name is an unknown parameter, which the vendor ignores
			}
			early, late := token(t, issuer, pairs...), token(t, issuer, pairs...)
			advance(t, srv, tc.hours)
			advance(t, srv, "-1s")
			wantSignedIn(t, doLogin(srv, early))
			advance(t, srv, "1s")
			wantLoginPage(t, doLogin(srv, late))
			// A failed attempt does not use the token up: it stays expired,
			// and turning the clock back makes it usable again.
			advance(t, srv, "-1s")
			wantSignedIn(t, doLogin(srv, late))
		})
	}
}

func TestDoLoginInvalidTokens(t *testing.T) {
	srv := start(t)
	for _, q := range []string{
		"",
		"_token=",
		"_token=03C879E18F6AA4E15E1EB81C88E91B01",  // the document's sample: never issued here
		"_token=03C879E18F6AA4E15E1EB81C88E91B0",   // 31 characters
		"_token=03C879E18F6AA4E15E1EB81C88E91B011", // 33 characters
		"_token=03C879E18F6AA4E15E1EB81C88E91B0G",  // not hex
		"_token=%zz", // undecodable: dropped
		"_Token=03C879E18F6AA4E15E1EB81C88E91B01", // misspelled name
		"_token=%27+OR+1%3D1+--",                  // not a token at all
	} {
		wantLoginPage(t, srv.Lenient().Do("GET", "/mousestats/api/doLogin?"+q, nil))
	}
	tok := token(t, srv, asDefault("_userEmail", "test@example.com")...)
	wantLoginPage(t, srv.Do("GET", "/mousestats/api/doLogin?_token="+tok+"%20", nil))
	// None of that touched the real token.
	wantSignedIn(t, doLogin(srv, tok))
}

func TestPanelPages(t *testing.T) {
	srv := start(t)
	wantLoginPage(t, srv.Do("GET", "/mousestats/panel/overview", nil))
	wantLoginPage(t, srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", "mousestats_session="+strings.Repeat("ab", 32)))
	wantLoginPage(t, srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", "mousestats_session=x"))

	login := srv.Do("GET", "/mousestats/login", nil)
	if login.Status != 200 || login.Header.Get("Content-Type") != wire.HTMLType || !strings.Contains(login.Body, "MouseStats login") {
		t.Fatalf("login page: %d %q\n%s", login.Status, login.Header.Get("Content-Type"), login.Body)
	}

	// The panel names the account as created, HTML-escaped.
	wantText(t, call(srv, "CreateAccount", asDefault("_userEmail", "A&B<x>@example.com", "_userPassword", "pw")...),
		"invalid-parameters")
	wantText(t, call(srv, "CreateAccount", asDefault("_userEmail", "A&B'@Example.com", "_userPassword", "pw")...), "ok")
	cookie := wantSignedIn(t, doLogin(srv, token(t, srv, asDefault("_userEmail", "a&b'@example.com")...)))
	panel := srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", cookie)
	if panel.Status != 200 || !strings.Contains(panel.Body, "Signed in as A&amp;B&#39;@Example.com(partnername)") {
		t.Fatalf("panel: %d\n%s", panel.Status, panel.Body)
	}
	// Sessions do not expire.
	advance(t, srv, "8760h")
	if r := srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", cookie); r.Status != 200 {
		t.Fatalf("panel a year later: %d", r.Status)
	}
}

// On the vendor's own listener the redirects carry no prefix.
func TestOwnListener(t *testing.T) {
	srv := vtest.Start(t, server.Config{
		Vendors:     []emu.Factory{mousestats.New(mousestats.Config{})},
		VendorAddrs: map[string]string{mousestats.Name: "127.0.0.1:0"},
	})
	base := "http://" + srv.VendorAddr(mousestats.Name)
	get := func(path string, cookie string) vtest.Response {
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		return srv.Send(req)
	}
	tok := get(strings.TrimPrefix(sampleLoginToken, "/mousestats"), "")
	if !tokenShape.MatchString(tok.Body) {
		t.Fatalf("token: %d %q", tok.Status, tok.Body)
	}
	r := get("/api/dologin?_token="+tok.Body, "")
	if r.Status != 302 || r.Header.Get("Location") != "/panel/overview" {
		t.Fatalf("doLogin: %d Location %q", r.Status, r.Header.Get("Location"))
	}
	cookie, _, _ := strings.Cut(r.Header.Get("Set-Cookie"), ";")
	if p := get("/panel/overview", cookie); p.Status != 200 || !strings.Contains(p.Body, "test@example.com(partnername)") {
		t.Fatalf("panel: %d\n%s", p.Status, p.Body)
	}
	if r := get("/api/doLogin?_token="+tok.Body, ""); r.Status != 302 || r.Header.Get("Location") != "/login" {
		t.Fatalf("used token: %d Location %q", r.Status, r.Header.Get("Location"))
	}
	if r := get("/panel/overview", ""); r.Status != 302 || r.Header.Get("Location") != "/login" {
		t.Fatalf("panel without session: %d Location %q", r.Status, r.Header.Get("Location"))
	}
	// The prefix belongs to the shared listener only.
	if r := get(sampleGetAccount, ""); r.Status != 404 {
		t.Fatalf("prefixed path on the own listener: %d", r.Status)
	}
}
