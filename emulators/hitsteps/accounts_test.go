package hitsteps_test

import (
	"strings"
	"testing"
)

func TestAccountsFilter(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "accounts", "1", "user_account_id", "13"),
		`{"0":{"user_account_id":"13","user_account_email":"customer@example.com","user_nick":"John","user_account_statusmode":null,"user_trial_status":"0","user_license_code":"3","user_license_expiry":"1230021058"},"error":0}`)
	// An account of another whitelabel, or none at all, is an empty list, not error 5.
	want(t, wl(srv, "accounts", "1", "user_account_id", "22"), `{"error":0}`)
	want(t, wl(srv, "accounts", "1", "user_account_id", "404"), `{"error":0}`)
	wantErr(t, wl(srv, "accounts", "1", "user_account_id", "twelve"), 1, "Invalid parameter: user_account_id")
	other := newTenant(t, srv, nil)
	want(t, other.call(srv, "accounts", other.WhitelabelID[0]), `{"error":0}`)
}

func TestAccountIDByEmail(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "account-id-by-email", "2", "user_account_email", "SALES@hitsteps.com"), `{"error":0,"user_account_id":"22"}`)
	want(t, wl(srv, "account-id-by-email", "1", "user_account_email", "sales@hitsteps.com"), `{"error":0,"user_account_id":"33"}`)
	wantErr(t, wl(srv, "account-id-by-email", "1", "user_account_email", "client@example.com"), 5, "Account not found")
	wantErr(t, wl(srv, "account-id-by-email", "1"), 1, "Missing parameter: user_account_email")
}

func TestAccountDetailOnlyInItsWhitelabel(t *testing.T) {
	srv := start(t)
	wantErr(t, wl(srv, "account", "1", "user_account_id", "3"), 5, "Account not found")
	want(t, wl(srv, "account", "1", "user_account_id", "12"),
		`{"error":0,"user_account_id":"12","user_account_email":"account@example.com","user_timezone":"0","user_country":"us","user_language":"en","user_nickname":"Jack","user_account_statusmode":null,"user_license_code":"0","user_trial_status":"1","user_license_expiry":"1007514389"}`)
}

func TestChangeEmail(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "account-email", "1", "user_account_id", "12", "new_email", " New.Address@Example.com "),
		`{"error":0,"oldemail":"account@example.com","newemail":"new.address@example.com","msg":"Email changed from old to new."}`)
	wantErr(t, wl(srv, "account-id-by-email", "1", "user_account_email", "account@example.com"), 5, "Account not found")
	want(t, wl(srv, "account-id-by-email", "1", "user_account_email", "new.address@example.com"), `{"error":0,"user_account_id":"12"}`)
	if r := wl(srv, "accounts", "1", "user_account_id", "12"); !strings.Contains(r.Body, `"user_account_email":"new.address@example.com"`) {
		t.Errorf("list after e-mail change: %s", r.Body)
	}
	// Another account's address is taken; the account's own is not.
	wantErr(t, wl(srv, "account-email", "1", "user_account_id", "12", "new_email", "customer@example.com"), 7, "Email already exists")
	want(t, wl(srv, "account-email", "1", "user_account_id", "12", "new_email", "new.address@example.com"),
		`{"error":0,"oldemail":"new.address@example.com","newemail":"new.address@example.com","msg":"Email changed from old to new."}`)
	// The same address in another whitelabel is fine.
	want(t, wl(srv, "account-email", "2", "user_account_id", "3", "new_email", "customer@example.com"),
		`{"error":0,"oldemail":"client@example.com","newemail":"customer@example.com","msg":"Email changed from old to new."}`)
}

func TestChangeEmailErrors(t *testing.T) {
	srv := start(t)
	for _, bad := range []string{"plain", "a@b", "a b@c.de", "a@@b.de", "@b.de", strings.Repeat("a", 250) + "@b.de"} {
		wantErr(t, wl(srv, "account-email", "1", "user_account_id", "12", "new_email", bad), 8, "Invalid email")
	}
	wantErr(t, wl(srv, "account-email", "1", "user_account_id", "12"), 1, "Missing parameter: new_email")
	wantErr(t, wl(srv, "account-email", "1", "new_email", "bad"), 1, "Missing parameter: user_account_id")
	wantErr(t, wl(srv, "account-email", "1", "user_account_id", "22", "new_email", "bad"), 8, "Invalid email")
	wantErr(t, wl(srv, "account-email", "1", "user_account_id", "22", "new_email", "ok@example.com"), 5, "Account not found")
}

func TestChangePassword(t *testing.T) {
	srv := start(t)
	want(t, wl(srv, "account-password", "1", "user_account_id", "12", "new_password", " 12345"), `{"error":0}`)
	if r := control(t, srv, "GET", "state/hitsteps?tenant=1234", nil, 200); !strings.Contains(r.Body, `"password":" 12345"`) {
		t.Errorf("state after password change: %s", r.Body)
	}
	wantErr(t, wl(srv, "account-password", "1", "user_account_id", "12", "new_password", "12345"), 8, "Password too short")
	wantErr(t, wl(srv, "account-password", "1", "user_account_id", "12", "new_password", strings.Repeat("x", 129)), 8, "Password too long")
	want(t, wl(srv, "account-password", "1", "user_account_id", "12", "new_password", strings.Repeat("ü", 128)), `{"error":0}`)
	wantErr(t, wl(srv, "account-password", "1", "user_account_id", "12"), 1, "Missing parameter: new_password")
	wantErr(t, wl(srv, "account-password", "1", "user_account_id", "22", "new_password", "123"), 8, "Password too short")
	wantErr(t, wl(srv, "account-password", "1", "user_account_id", "22", "new_password", "123456"), 5, "Account not found")
}

func TestCreateAccount(t *testing.T) {
	srv := start(t)
	r := wl(srv, "account-create", "2", "email", " Fresh@Example.com", "password", "secret1")
	want(t, r, `{"error":0,"user_account_id":34,"msg":"Account created."}`)
	want(t, wl(srv, "account", "2", "user_account_id", "34"),
		`{"error":0,"user_account_id":"34","user_account_email":"fresh@example.com","user_timezone":"0","user_country":"","user_language":"en","user_nickname":"fresh","user_account_statusmode":"1","user_license_code":"0","user_trial_status":"0","user_license_expiry":"0"}`)
	want(t, wl(srv, "websites", "2", "user_account_id", "34"), `{"error":0}`)
	// user_account_email is read when email is missing; nickname and language as given.
	want(t, wl(srv, "account-create", "1", "user_account_email", "jo@example.org", "password", "secret1", "nickname", "Jo Jo", "language", "DE"),
		`{"error":0,"user_account_id":35,"msg":"Account created."}`)
	if r := wl(srv, "account", "1", "user_account_id", "35"); !strings.Contains(r.Body, `"user_language":"de","user_nickname":"Jo Jo"`) {
		t.Errorf("detail %s", r.Body)
	}
	// E-mails are unique per whitelabel only.
	wantErr(t, wl(srv, "account-create", "2", "email", "FRESH@example.com", "password", "secret1"), 7, "Email already exists")
	want(t, wl(srv, "account-create", "1", "email", "fresh@example.com", "password", "secret1"),
		`{"error":0,"user_account_id":36,"msg":"Account created."}`)
}

func TestCreateAccountErrors(t *testing.T) {
	srv := start(t)
	cases := []struct {
		fields []string
		code   int
		msg    string
	}{
		{[]string{"password", "secret1"}, 1, "Missing parameter: email"},
		{[]string{"email", " ", "password", "secret1"}, 1, "Missing parameter: email"},
		{[]string{"email", "nope", "password", "x"}, 8, "Invalid email"},
		{[]string{"email", "a@example.com"}, 1, "Missing parameter: password"},
		{[]string{"email", "a@example.com", "password", "12345"}, 8, "Password too short"},
		{[]string{"email", "a@example.com", "password", strings.Repeat("p", 129)}, 8, "Password too long"},
		{[]string{"email", "a@example.com", "password", "secret1", "nickname", strings.Repeat("n", 65)}, 1, "Invalid parameter: nickname"},
		{[]string{"email", "a@example.com", "password", "secret1", "language", "eng"}, 1, "Invalid parameter: language"},
		{[]string{"email", "a@example.com", "password", "secret1", "language", "e1"}, 1, "Invalid parameter: language"},
		{[]string{"email", "account@example.com", "password", "secret1"}, 7, "Email already exists"},
	}
	for _, c := range cases {
		wantErr(t, wl(srv, "account-create", "1", c.fields...), c.code, c.msg)
	}
	// Nothing was created by the failures: the next id is still 34.
	want(t, wl(srv, "account-create", "1", "email", "ok@example.com", "password", "secret1", "nickname", strings.Repeat("n", 64)),
		`{"error":0,"user_account_id":34,"msg":"Account created."}`)
}
