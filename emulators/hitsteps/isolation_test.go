package hitsteps_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestTenantIsolation: a second main account's token sees none of the
// default tenant's data, and the default tenant none of the second's.
func TestTenantIsolation(t *testing.T) {
	srv := start(t)
	b := newTenant(t, srv, nil)
	bwl := b.WhitelabelID[0]
	// The same e-mail and host as the default tenant's are B's own.
	want(t, b.call(srv, "account-create", bwl, "email", "sales@hitsteps.com", "password", "secret1"), `{"error":0,"user_account_id":34,"msg":"Account created."}`)
	bKey := str(t, b.call(srv, "website-add", bwl, "user_account_id", "34", "site_name", "B", "site_url", "hitsteps.com"), "APIKey")

	// Each token is refused on the other's whitelabels.
	wantErr(t, b.call(srv, "accounts", 1), 4, "Invalid whitelabel")
	wantErr(t, b.call(srv, "plans", 2), 4, "Invalid whitelabel")
	wantErr(t, wl(srv, "accounts", fmt.Sprint(bwl)), 4, "Invalid whitelabel")

	// On its own whitelabel, B finds only its own things.
	want(t, b.call(srv, "account-id-by-email", bwl, "user_account_email", "sales@hitsteps.com"), `{"error":0,"user_account_id":"34"}`)
	if r := b.call(srv, "website-by-domain", bwl, "website_url", "hitsteps.com"); str(t, r, "website_id") != "36" || str(t, r, "user_account_id") != "34" {
		t.Errorf("B's hitsteps.com: %s", r.Body)
	}
	for _, c := range []struct {
		op     string
		fields []string
		code   int
		msg    string
	}{
		{"account", []string{"user_account_id", "12"}, 5, "Account not found"},
		{"account-id-by-email", []string{"user_account_email", "account@example.com"}, 5, "Account not found"},
		{"websites", []string{"user_account_id", "22"}, 5, "Account not found"},
		{"account-email", []string{"user_account_id", "12", "new_email", "x@example.com"}, 5, "Account not found"},
		{"account-password", []string{"user_account_id", "12", "new_password", "123456"}, 5, "Account not found"},
		{"website-add", []string{"user_account_id", "12", "site_name", "x", "site_url", "x.com"}, 5, "Account not found"},
		{"license-trial", []string{"user_account_id", "12"}, 5, "Account not found"},
		{"license-free", []string{"user_account_id", "12"}, 5, "Account not found"},
		{"license-purchase", []string{"user_account_id", "12", "plan", "3", "duration", "1"}, 5, "Account not found"},
		{"license-convert", []string{"user_account_id", "13", "newplan", "0"}, 5, "Account not found"},
		{"account-id-by-apikey", []string{"tracking_api_key", "b21345654321b4233232b"}, 6, "Website not found"},
		{"website-by-apikey", []string{"tracking_api_key", "34567645332b42354224a4242343544c345b"}, 6, "Website not found"},
		{"website-by-url", []string{"website_url", "https://example.com"}, 6, "Website not found"},
		{"stats-7days", []string{"website_id", "35"}, 6, "Website not found"},
		{"autologin", []string{"website_id", "18", "reportname", "dashboard"}, 6, "Website not found"},
	} {
		wantErr(t, b.call(srv, c.op, bwl, c.fields...), c.code, c.msg)
	}
	want(t, b.call(srv, "accounts", bwl, "user_account_id", "12"), `{"error":0}`)

	// And the default tenant does not see B's.
	wantErr(t, wl(srv, "account", "1", "user_account_id", "34"), 5, "Account not found")
	wantErr(t, wl(srv, "website-by-apikey", "1", "tracking_api_key", bKey), 6, "Website not found")
	wantErr(t, wl(srv, "stats-7days", "1", "website_id", "36"), 6, "Website not found")
	if r := wl(srv, "website-by-domain", "1", "website_url", "hitsteps.com"); str(t, r, "website_id") != "18" {
		t.Errorf("default's hitsteps.com: %s", r.Body)
	}
	if r := control(t, srv, "GET", "state/hitsteps?tenant=1234", nil, 200); strings.Contains(r.Body, bKey) {
		t.Error("the default tenant's state holds B's website")
	}
	if r := control(t, srv, "GET", "state/hitsteps?tenant="+b.MainAccount, nil, 200); strings.Contains(r.Body, "b21345654321b4233232b") || !strings.Contains(r.Body, bKey) {
		t.Errorf("B's state %s", r.Body)
	}
}
