package hitsteps_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// refNow is the instant of the reference's purchase example.
const refNow = "2025-03-10T12:00:00Z"

const day = 86400

// freshAccount creates an account without a licence in whitelabel 1.
func freshAccount(t *testing.T, srv *vtest.Server, email string) string {
	t.Helper()
	r := wl(srv, "account-create", "1", "email", email, "password", "secret1")
	return fmt.Sprint(num(t, r, "user_account_id"))
}

func detail(t *testing.T, srv *vtest.Server, id string) map[string]any {
	t.Helper()
	return decode(t, wl(srv, "account", "1", "user_account_id", id))
}

func TestTrial(t *testing.T) {
	srv := start(t)
	now := setClock(t, srv, refNow).Unix()
	id := freshAccount(t, srv, "trial@example.com")
	want(t, wl(srv, "license-trial", "1", "user_account_id", id), fmt.Sprintf(`{"error":0,"expire":%d,"msg":"Trial activated"}`, now+14*day))
	d := detail(t, srv, id)
	if d["user_license_code"] != "0" || d["user_trial_status"] != "1" || d["user_license_expiry"] != fmt.Sprint(now+14*day) {
		t.Errorf("after trial: %v", d)
	}
	wantErr(t, wl(srv, "license-trial", "1", "user_account_id", id), 11, "Trial not available")
	// Once used, never again — not even after it ran out.
	advance(t, srv, "15d")
	wantErr(t, wl(srv, "license-trial", "1", "user_account_id", id), 11, "Trial not available")
	// An active licence rules a trial out too.
	other := freshAccount(t, srv, "buyer@example.com")
	wl(srv, "license-purchase", "1", "user_account_id", other, "plan", "0", "duration", "1")
	wantErr(t, wl(srv, "license-trial", "1", "user_account_id", other), 11, "Trial not available")
	// Account 13 holds Pro that expired in 2008: a trial is allowed.
	if r := wl(srv, "license-trial", "1", "user_account_id", "13"); num(t, r, "error") != 0 {
		t.Errorf("trial over an expired licence: %s", r.Body)
	}
	wantErr(t, wl(srv, "license-trial", "1", "user_account_id", "22"), 5, "Account not found")
	wantErr(t, wl(srv, "license-trial", "1"), 1, "Missing parameter: user_account_id")
}

func TestTrialExpiresAfter14Days(t *testing.T) {
	srv := start(t)
	setClock(t, srv, refNow)
	a := freshAccount(t, srv, "a@example.com")
	b := freshAccount(t, srv, "b@example.com")
	wl(srv, "license-trial", "1", "user_account_id", a)
	wl(srv, "license-trial", "1", "user_account_id", b)
	advance(t, srv, "13d23h59m59s")
	if r := wl(srv, "license-convert", "1", "user_account_id", a, "newplan", "3"); num(t, r, "error") != 0 {
		t.Errorf("convert on the trial's last second: %s", r.Body)
	}
	advance(t, srv, "1s")
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", b, "newplan", "3"), 10, "No active license")
	// The expired licence still reads as it was stored.
	if d := detail(t, srv, b); d["user_license_code"] != "0" || d["user_trial_status"] != "1" {
		t.Errorf("expired trial: %v", d)
	}
}

func TestFree(t *testing.T) {
	srv := start(t)
	setClock(t, srv, refNow)
	id := freshAccount(t, srv, "free@example.com")
	wl(srv, "license-trial", "1", "user_account_id", id)
	want(t, wl(srv, "license-free", "1", "user_account_id", id), `{"error":0,"msg":"Free account activated"}`)
	want(t, wl(srv, "license-free", "1", "user_account_id", id), `{"error":0,"msg":"Free account activated"}`)
	d := detail(t, srv, id)
	if d["user_license_code"] != "-1" || d["user_license_expiry"] != "0" || d["user_trial_status"] != "1" {
		t.Errorf("after free: %v", d)
	}
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "0"), 10, "No active license")
	wantErr(t, wl(srv, "license-free", "1", "user_account_id", "3"), 5, "Account not found")
}

func TestPurchase(t *testing.T) {
	srv := start(t)
	now := setClock(t, srv, refNow).Unix()
	id := freshAccount(t, srv, "pro@example.com")
	want(t, wl(srv, "license-purchase", "1", "user_account_id", id, "plan", "3", "duration", "1"),
		`{"error":0,"msg":"License activated","license_converted":0,"license_convert_old_plan":0,"license_convert_new_plan":3,"license_convert_old_price":0,"license_convert_new_price":9.99,"license_convert_old_price_days":0,"license_convert_new_price_days":30,"license_convert_total_days":30,"hitsteps_share":6.99,"license_plan_id":3,"license_plan_name":"Pro","license_plan_months":1,"license_expiry":1744200000,"license_expiry_processed":"2025-04-09"}`)
	d := detail(t, srv, id)
	if d["user_license_code"] != "3" || d["user_license_expiry"] != "1744200000" || d["user_trial_status"] != "0" {
		t.Errorf("after purchase: %v", d)
	}
	// Ten days on, Starter for 3 months: the 20 days left are reported, not credited.
	advance(t, srv, "10d")
	want(t, wl(srv, "license-purchase", "1", "user_account_id", id, "plan", "0", "duration", "3"), fmt.Sprintf(
		`{"error":0,"msg":"License activated","license_converted":0,"license_convert_old_plan":3,"license_convert_new_plan":0,"license_convert_old_price":9.99,"license_convert_new_price":8,"license_convert_old_price_days":20,"license_convert_new_price_days":90,"license_convert_total_days":90,"hitsteps_share":16.8,"license_plan_id":0,"license_plan_name":"Starter","license_plan_months":3,"license_expiry":%d,"license_expiry_processed":"2025-06-18"}`,
		now+100*day))
	for _, c := range []struct{ plan, months, share string }{{"3", "12", "83.92"}, {"0", "1", "5.6"}, {"3", "6", "41.96"}, {"0", "9", "50.4"}} {
		r := wl(srv, "license-purchase", "1", "user_account_id", id, "plan", c.plan, "duration", c.months)
		if !strings.Contains(r.Body, `"hitsteps_share":`+c.share+`,`) {
			t.Errorf("plan %s × %s: %s", c.plan, c.months, r.Body)
		}
	}
	r := control(t, srv, "GET", "hitsteps/invoices?main_account=1234", nil, 200)
	wantInvoices := fmt.Sprintf(`{"invoices":[`+
		`{"invoice_id":1,"main_account":"1234","whitelabel_id":1,"user_account_id":%[1]s,"plan":3,"months":1,"amount":6.99,"created":%[2]d},`+
		`{"invoice_id":2,"main_account":"1234","whitelabel_id":1,"user_account_id":%[1]s,"plan":0,"months":3,"amount":16.8,"created":%[3]d},`+
		`{"invoice_id":3,"main_account":"1234","whitelabel_id":1,"user_account_id":%[1]s,"plan":3,"months":12,"amount":83.92,"created":%[3]d},`+
		`{"invoice_id":4,"main_account":"1234","whitelabel_id":1,"user_account_id":%[1]s,"plan":0,"months":1,"amount":5.6,"created":%[3]d},`+
		`{"invoice_id":5,"main_account":"1234","whitelabel_id":1,"user_account_id":%[1]s,"plan":3,"months":6,"amount":41.96,"created":%[3]d},`+
		`{"invoice_id":6,"main_account":"1234","whitelabel_id":1,"user_account_id":%[1]s,"plan":0,"months":9,"amount":50.4,"created":%[3]d}]}`,
		id, now, now+10*day)
	if r.Body != wantInvoices {
		t.Errorf("invoices\n got %s\nwant %s", r.Body, wantInvoices)
	}
}

func TestPurchaseErrors(t *testing.T) {
	srv := start(t)
	cases := []struct {
		fields []string
		code   int
		msg    string
	}{
		{[]string{"plan", "3", "duration", "1"}, 1, "Missing parameter: user_account_id"},
		{[]string{"user_account_id", "12", "duration", "1"}, 1, "Missing parameter: plan"},
		{[]string{"user_account_id", "12", "plan", "pro", "duration", "1"}, 1, "Invalid parameter: plan"},
		{[]string{"user_account_id", "12", "plan", "1234567890", "duration", "1"}, 1, "Invalid parameter: plan"},
		{[]string{"user_account_id", "12", "plan", "1"}, 10, "Invalid plan"},
		{[]string{"user_account_id", "12", "plan", "-1", "duration", "1"}, 10, "Invalid plan"},
		{[]string{"user_account_id", "12", "plan", "3"}, 1, "Missing parameter: duration"},
		{[]string{"user_account_id", "12", "plan", "3", "duration", "-1"}, 1, "Invalid parameter: duration"},
		{[]string{"user_account_id", "12", "plan", "3", "duration", "2"}, 10, "Invalid duration"},
		{[]string{"user_account_id", "12", "plan", "3", "duration", "0"}, 10, "Invalid duration"},
		{[]string{"user_account_id", "12", "plan", "3", "duration", "24"}, 10, "Invalid duration"},
		{[]string{"user_account_id", "22", "plan", "3", "duration", "1"}, 5, "Account not found"},
	}
	for _, c := range cases {
		wantErr(t, wl(srv, "license-purchase", "1", c.fields...), c.code, c.msg)
	}
	want(t, srv.Do("GET", "/_emulator/hitsteps/invoices", nil), `{"invoices":[]}`)
}

func TestConvert(t *testing.T) {
	srv := start(t)
	now := setClock(t, srv, refNow).Unix()
	id := freshAccount(t, srv, "convert@example.com")
	wl(srv, "license-purchase", "1", "user_account_id", id, "plan", "0", "duration", "1")
	advance(t, srv, "10d1h") // a started day counts as a whole one: 20 days remain
	want(t, wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "3"), fmt.Sprintf(
		`{"error":0,"msg":"License converted successfully","license_converted":1,"license_convert_old_plan":0,"license_convert_new_plan":3,"license_convert_old_price":8,"license_convert_new_price":9.99,"license_convert_old_price_days":20,"license_convert_new_price_days":16,"license_convert_total_days":16,"hitsteps_share":0,"license_plan_id":3,"license_plan_name":"Pro","license_plan_months":1,"license_expiry":%d,"license_expiry_processed":"2025-04-05"}`,
		now+26*day+3600))
	d := detail(t, srv, id)
	if d["user_license_code"] != "3" || d["user_license_expiry"] != fmt.Sprint(now+26*day+3600) {
		t.Errorf("after convert: %v", d)
	}
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "3"), 10, "Already on this plan")
	// Converting adds nothing to the ledger.
	if r := control(t, srv, "GET", "hitsteps/invoices", nil, 200); strings.Count(r.Body, "invoice_id") != 1 {
		t.Errorf("invoices after convert: %s", r.Body)
	}
}

func TestConvertProToStarter(t *testing.T) {
	srv := start(t)
	now := setClock(t, srv, refNow).Unix()
	id := freshAccount(t, srv, "down@example.com")
	wl(srv, "license-purchase", "1", "user_account_id", id, "plan", "3", "duration", "1")
	r := wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "0")
	if num(t, r, "license_convert_new_price_days") != 37 || num(t, r, "license_expiry") != now+37*day || num(t, r, "license_plan_months") != 1 {
		t.Errorf("Pro → Starter: %s", r.Body)
	}
}

func TestConvertErrors(t *testing.T) {
	srv := start(t)
	setClock(t, srv, refNow)
	id := freshAccount(t, srv, "none@example.com")
	wantErr(t, wl(srv, "license-convert", "1", "newplan", "3"), 1, "Missing parameter: user_account_id")
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", id), 1, "Missing parameter: newplan")
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "3.0"), 1, "Invalid parameter: newplan")
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "-1"), 10, "Invalid plan")
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", "22", "newplan", "3"), 5, "Account not found")
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", id, "newplan", "3"), 10, "No active license")
	// Account 13's Pro expired in 2008; with the clock back in 2008 it is active.
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", "13", "newplan", "0"), 10, "No active license")
	setClock(t, srv, time.Unix(1230021058-day, 0).UTC().Format(time.RFC3339))
	wantErr(t, wl(srv, "license-convert", "1", "user_account_id", "13", "newplan", "3"), 10, "Already on this plan")
	if r := wl(srv, "license-convert", "1", "user_account_id", "13", "newplan", "0"); num(t, r, "license_convert_new_price_days") != 1 {
		t.Errorf("convert in 2008: %s", r.Body)
	}
}

// TestAccountLifecycle follows one account through the calls a reseller
// makes, each seeing what the earlier ones wrote.
func TestAccountLifecycle(t *testing.T) {
	srv := start(t)
	now := setClock(t, srv, refNow).Unix()
	want(t, wl(srv, "account-create", "2", "email", "life@example.com", "password", "secret1", "nickname", "Life"),
		`{"error":0,"user_account_id":34,"msg":"Account created."}`)
	want(t, wl(srv, "account-id-by-email", "2", "user_account_email", "LIFE@example.com"), `{"error":0,"user_account_id":"34"}`)
	key := str(t, wl(srv, "website-add", "2", "user_account_id", "34", "site_name", "Life", "site_url", "life.example.com"), "APIKey")
	want(t, wl(srv, "account-id-by-apikey", "2", "tracking_api_key", key), fmt.Sprintf(`{"error":0,"user_account_id":34,"APIKey":"%s"}`, key))
	wl(srv, "license-purchase", "2", "user_account_id", "34", "plan", "0", "duration", "1")
	advance(t, srv, "10d")
	wl(srv, "license-convert", "2", "user_account_id", "34", "newplan", "3")
	want(t, wl(srv, "account", "2", "user_account_id", "34"), fmt.Sprintf(
		`{"error":0,"user_account_id":"34","user_account_email":"life@example.com","user_timezone":"0","user_country":"","user_language":"en","user_nickname":"Life","user_account_statusmode":"1","user_license_code":"3","user_trial_status":"0","user_license_expiry":"%d"}`,
		now+26*day))
	if r := wl(srv, "accounts", "2", "user_account_id", "34"); !strings.Contains(r.Body, fmt.Sprintf(`"user_license_code":"3","user_license_expiry":"%d"`, now+26*day)) {
		t.Errorf("list: %s", r.Body)
	}
}
