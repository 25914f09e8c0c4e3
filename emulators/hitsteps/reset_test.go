package hitsteps_test

import (
	"fmt"
	"testing"
)

func TestVendorResetRestoresTheSamples(t *testing.T) {
	srv := start(t)
	b := newTenant(t, srv, nil)
	wl(srv, "account-email", "2", "user_account_id", "22", "new_email", "changed@example.com")
	wl(srv, "account-create", "1", "email", "new@example.com", "password", "secret1")
	control(t, srv, "POST", "reset?vendor=hitsteps", nil, 200)
	want(t, wl(srv, "account", "2", "user_account_id", "22"), account22)
	wantErr(t, call(srv, "whitelabels", "token", b.Token, "main_account", b.MainAccount), 3, "Invalid token")
	// The sequences start over at the reference's next ids.
	want(t, wl(srv, "account-create", "1", "email", "new@example.com", "password", "secret1"), `{"error":0,"user_account_id":34,"msg":"Account created."}`)
	if r := wl(srv, "website-add", "1", "user_account_id", "34", "site_name", "x", "site_url", "x.com"); num(t, r, "website_id") != 36 {
		t.Errorf("website id after reset: %s", r.Body)
	}
	if tn := newTenant(t, srv, nil); tn.MainAccount != "1235" || fmt.Sprint(tn.WhitelabelID) != "[3 4]" {
		t.Errorf("tenant after reset: %+v", tn)
	}
}

func TestResetDefaultTenant(t *testing.T) {
	srv := start(t)
	b := newTenant(t, srv, nil)
	want(t, b.call(srv, "account-create", b.WhitelabelID[0], "email", "b@example.com", "password", "secret1"), `{"error":0,"user_account_id":34,"msg":"Account created."}`)
	login := str(t, call(srv, "token", "username", "whitelabel@example.com", "password", "secret"), "token")
	wl(srv, "account-email", "2", "user_account_id", "22", "new_email", "changed@example.com")
	wl(srv, "account-create", "1", "email", "gone@example.com", "password", "secret1")
	wl(srv, "license-purchase", "1", "user_account_id", "12", "plan", "3", "duration", "1")
	control(t, srv, "POST", "reset?vendor=hitsteps&tenant=1234", nil, 200)

	want(t, wl(srv, "account", "2", "user_account_id", "22"), account22)
	wantErr(t, wl(srv, "account", "1", "user_account_id", "35"), 5, "Account not found")
	wantErr(t, call(srv, "whitelabels", "token", login, "main_account", "1234"), 3, "Invalid token")
	want(t, srv.Do("GET", "/_emulator/hitsteps/invoices?main_account=1234", nil), `{"invoices":[]}`)
	want(t, wl(srv, "website-by-url", "1", "website_url", "https://hitsteps.com/"), sampleWebsite)
	// The other tenant is untouched, and ids are not reused.
	want(t, b.call(srv, "account-id-by-email", b.WhitelabelID[0], "user_account_email", "b@example.com"), `{"error":0,"user_account_id":"34"}`)
	want(t, wl(srv, "account-create", "1", "email", "gone@example.com", "password", "secret1"), `{"error":0,"user_account_id":36,"msg":"Account created."}`)
}

func TestResetCreatedTenant(t *testing.T) {
	srv := start(t)
	b := newTenant(t, srv, nil)
	bwl := b.WhitelabelID[0]
	b.call(srv, "account-create", bwl, "email", "b@example.com", "password", "secret1")
	id := num(t, b.call(srv, "website-add", bwl, "user_account_id", "34", "site_name", "B", "site_url", "b.example.com"), "website_id")
	control(t, srv, "POST", "hitsteps/visits", map[string]any{"website_id": id, "day": "20250101", "visits": 3}, 200)
	b.call(srv, "license-purchase", bwl, "user_account_id", "34", "plan", "0", "duration", "1")
	login := str(t, call(srv, "token", "username", b.Username, "password", b.Password), "token")
	wl(srv, "account-create", "1", "email", "stays@example.com", "password", "secret1")

	control(t, srv, "POST", "reset?vendor=hitsteps&tenant="+b.MainAccount, nil, 200)
	want(t, b.call(srv, "accounts", bwl), `{"error":0}`)
	wantErr(t, call(srv, "whitelabels", "token", login, "main_account", b.MainAccount), 3, "Invalid token")
	want(t, srv.Do("GET", "/_emulator/hitsteps/invoices?main_account="+b.MainAccount, nil), `{"invoices":[]}`)
	if r := control(t, srv, "POST", "hitsteps/visits", map[string]any{"website_id": id, "day": "20250101"}, 404); r.Body != `{"error":"website not found"}` {
		t.Errorf("visits after reset: %s", r.Body)
	}
	// Credentials, whitelabels and the initial token stay.
	if r := call(srv, "whitelabels", "token", b.Token, "main_account", b.MainAccount); num(t, r, "error") != 0 {
		t.Errorf("initial token after reset: %s", r.Body)
	}
	if r := call(srv, "token", "username", b.Username, "password", b.Password); num(t, r, "error") != 0 {
		t.Errorf("login after reset: %s", r.Body)
	}
	want(t, wl(srv, "account-id-by-email", "1", "user_account_email", "stays@example.com"), `{"error":0,"user_account_id":"35"}`)
	control(t, srv, "POST", "reset?vendor=hitsteps&tenant=4242", nil, 404)
}
