package hitsteps_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestTokenLogin(t *testing.T) {
	srv := start(t)
	r := call(srv, "token", "username", "WhiteLabel@Example.COM", "password", "secret")
	if str(t, r, "main_account") != "1234" || num(t, r, "error") != 0 {
		t.Fatalf("login %s", r.Body)
	}
	first := str(t, r, "token")
	if !regexp.MustCompile(`^[0-9a-f]{34}$`).MatchString(first) {
		t.Errorf("token %q", first)
	}
	second := str(t, call(srv, "token", "username", "whitelabel@example.com", "password", "secret"), "token")
	if second == first {
		t.Error("a second login gave the same token")
	}
	// Every issued token works, the earlier ones included.
	for _, tok := range []string{first, second, sampleToken} {
		if r := call(srv, "whitelabels", "token", tok, "main_account", "1234"); num(t, r, "error") != 0 {
			t.Errorf("token %s: %s", tok, r.Body)
		}
	}
}

func TestTokenErrors(t *testing.T) {
	srv := start(t)
	wantErr(t, call(srv, "token"), 1, "Missing parameter: username")
	wantErr(t, call(srv, "token", "password", "secret"), 1, "Missing parameter: username")
	wantErr(t, call(srv, "token", "username", "whitelabel@example.com"), 1, "Missing parameter: password")
	wantErr(t, call(srv, "token", "username", "whitelabel@example.com", "password", "Secret"), 2, "Invalid username or password")
	wantErr(t, call(srv, "token", "username", "nobody@example.com", "password", "secret"), 2, "Invalid username or password")
}

func TestTokenExpiresAfter30Days(t *testing.T) {
	srv := start(t)
	setClock(t, srv, "2025-03-01T12:00:00Z")
	tok := str(t, call(srv, "token", "username", "whitelabel@example.com", "password", "secret"), "token")
	advance(t, srv, "29d23h59m59s")
	if r := call(srv, "whitelabels", "token", tok, "main_account", "1234"); num(t, r, "error") != 0 {
		t.Fatalf("token before 30 days: %s", r.Body)
	}
	advance(t, srv, "1s")
	wantErr(t, call(srv, "whitelabels", "token", tok, "main_account", "1234"), 3, "Invalid token")
	wantErr(t, wl(srv, "plans", "1", "token", tok), 3, "Invalid token")
	// The document's token never expires.
	advance(t, srv, "3650d")
	if r := wl(srv, "account", "2", "user_account_id", "22"); r.Body != account22 {
		t.Errorf("sample token after 10 years: %s", r.Body)
	}
}

func TestWhitelabelsChecks(t *testing.T) {
	srv := start(t)
	other := newTenant(t, srv, nil)
	wantErr(t, call(srv, "whitelabels", "main_account", "1234"), 1, "Missing parameter: token")
	wantErr(t, call(srv, "whitelabels", "token", "deadbeef", "main_account", "1234"), 3, "Invalid token")
	wantErr(t, call(srv, "whitelabels", "token", sampleToken), 1, "Missing parameter: main_account")
	wantErr(t, call(srv, "whitelabels", "token", sampleToken, "main_account", other.MainAccount), 3, "Invalid token")
	wantErr(t, call(srv, "whitelabels", "token", sampleToken, "main_account", "01234"), 3, "Invalid token")
	wantErr(t, call(srv, "whitelabels", "token", other.Token, "main_account", "1234"), 3, "Invalid token")
}

func TestAuthCheckOrder(t *testing.T) {
	srv := start(t)
	other := newTenant(t, srv, nil)
	// token before whitelabel before the call's fields before lookups
	wantErr(t, call(srv, "account", "whitelabel_id", "x"), 1, "Missing parameter: token")
	wantErr(t, call(srv, "account", "token", "nope", "whitelabel_id", "x"), 3, "Invalid token")
	wantErr(t, call(srv, "account", "token", sampleToken, "user_account_id", "x"), 1, "Missing parameter: whitelabel_id")
	wantErr(t, wl(srv, "account", "x1", "user_account_id", "x"), 1, "Invalid parameter: whitelabel_id")
	wantErr(t, wl(srv, "account", "99", "user_account_id", "x"), 4, "Invalid whitelabel")
	wantErr(t, wl(srv, "account", "0", "user_account_id", "x"), 4, "Invalid whitelabel")
	wantErr(t, wl(srv, "account", "3", "user_account_id", "12"), 4, "Invalid whitelabel") // the other tenant's
	wantErr(t, other.call(srv, "account", 1, "user_account_id", "12"), 4, "Invalid whitelabel")
	wantErr(t, wl(srv, "account", "1"), 1, "Missing parameter: user_account_id")
	wantErr(t, wl(srv, "account", "1", "user_account_id", "x"), 1, "Invalid parameter: user_account_id")
	wantErr(t, wl(srv, "account", "1", "user_account_id", "22"), 5, "Account not found")
}

func TestEveryCallNeedsAToken(t *testing.T) {
	srv := start(t)
	ops := []string{"whitelabels", "accounts", "account-id-by-email", "account", "account-id-by-apikey",
		"website-by-url", "website-by-domain", "website-by-apikey", "websites", "account-email", "account-password",
		"account-create", "website-add", "website-add-url", "license-trial", "license-free", "license-purchase",
		"license-convert", "plans", "stats-7days", "autologin"}
	for _, op := range ops {
		wantErr(t, call(srv, op, "whitelabel_id", "1"), 1, "Missing parameter: token")
		wantErr(t, call(srv, op, "token", "0123456789abcdef0123456789abcdef01", "whitelabel_id", "1"), 3, "Invalid token")
		if op != "whitelabels" {
			wantErr(t, call(srv, op, "token", sampleToken), 1, "Missing parameter: whitelabel_id")
			wantErr(t, wl(srv, op, "77"), 4, "Invalid whitelabel")
		}
	}
}

// A token that spells what the store remembers a whitelabel by is an
// unknown token like any other: the two kinds of credential are kept apart.
func TestTokenShapedLikeAWhitelabelKey(t *testing.T) {
	srv := start(t)
	if r := wl(srv, "account", "2", "user_account_id", "22"); r.Status != 200 || !strings.Contains(r.Body, `"error":0`) {
		t.Fatalf("account: %d %s", r.Status, r.Body)
	}
	for tenant := 1; tenant <= 8; tenant++ {
		token := fmt.Sprintf("whitelabel %d 2", tenant)
		wantErr(t, call(srv, "account", "token", token, "whitelabel_id", "2", "user_account_id", "22"), 3, "Invalid token")
	}
}
