package hitsteps_test

import (
	"strings"
	"testing"
)

const seedDoc = `{"hitsteps":{"tenants":[
 {"main_account":"7000","username":"seed@example.com","password":"pw","token":"seed-token",
  "whitelabels":[{"whitelabel_id":70,"whitelabel_brand":"Seeded","whitelabel_url":"stats.seeded.test",
   "accounts":[{"user_account_id":700,"user_account_email":"Owner@Example.com","user_nickname":"Owner","user_timezone":-5,
     "user_country":"ca","user_account_statusmode":null,"user_license_code":"3","user_trial_status":1,"user_license_expiry":1893456000,
     "websites":[{"website_id":701,"website_name":"Site","website_url":"https://www.site.test/","APIKey":"seedkey","submission_date":"1700000000",
       "visits":[{"day":"20250309","visits":5,"pageviews":"9"}]}]}]}]},
 {"main_account":1234,"whitelabels":[{"whitelabel_id":1,"accounts":[{"user_account_email":"added@example.com"}]},
   {"whitelabel_brand":"Third"}]}]}}`

func TestSeedLoadsTenantsAndData(t *testing.T) {
	srv := start(t)
	r := srv.Do("POST", "/_emulator/seed", seedDoc)
	if r.Status != 200 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	// A seeded token never expires.
	advance(t, srv, "400d")
	want(t, call(srv, "account", "token", "seed-token", "whitelabel_id", "70", "user_account_id", "700"),
		`{"error":0,"user_account_id":"700","user_account_email":"owner@example.com","user_timezone":"-5","user_country":"ca","user_language":"en","user_nickname":"Owner","user_account_statusmode":null,"user_license_code":"3","user_trial_status":"1","user_license_expiry":"1893456000"}`)
	want(t, call(srv, "website-by-apikey", "token", "seed-token", "whitelabel_id", "70", "tracking_api_key", "seedkey"),
		`{"error":0,"user_email":"owner@example.com","user_account_id":"700","website_name":"Site","website_url":"site.test","website_id":"701","APIKey":"seedkey","submission_date":"1700000000","total_pageviews":9,"total_visitors":5}`)
	if r := call(srv, "token", "username", "seed@example.com", "password", "pw"); str(t, r, "main_account") != "7000" {
		t.Errorf("seeded login: %s", r.Body)
	}
	// Added to the default tenant: an account (next id after the seeded 700) and a third whitelabel.
	want(t, wl(srv, "account-id-by-email", "1", "user_account_email", "added@example.com"), `{"error":0,"user_account_id":"701"}`)
	want(t, call(srv, "whitelabels", "token", sampleToken, "main_account", "1234"),
		`{"0":{"whitelabel_id":"1","whitelabel_brand":"Hitsteps","whitelabel_url":"hitsteps.com"},"1":{"whitelabel_id":"2","whitelabel_brand":"Hitsteps Whitelabel","whitelabel_url":"whitelabel.hitsteps.com"},"2":{"whitelabel_id":"71","whitelabel_brand":"Third","whitelabel_url":"wl71.example.test"},"error":0}`)
	// Resetting the default tenant drops what the seed added to it.
	control(t, srv, "POST", "reset?vendor=hitsteps&tenant=1234", nil, 200)
	wantErr(t, wl(srv, "account-id-by-email", "1", "user_account_email", "added@example.com"), 5, "Account not found")
	wantErr(t, wl(srv, "plans", "71"), 4, "Invalid whitelabel")
}

func TestBadSeedsChangeNothing(t *testing.T) {
	srv := start(t)
	for _, c := range []struct{ section, wantMsg string }{
		{`[]`, "body must be a JSON object"},
		{`{"tenants":[{"main_account":"1234","password":"x"}]}`, "tenants[0]: main account 1234 exists"},
		{`{"tenants":[{"main_account":"8000"},{"username":"WHITELABEL@example.com"}]}`, "tenants[1]: main account, username, token or whitelabel_id already in use"},
		{`{"tenants":[{"whitelabels":[{"whitelabel_id":1}]}]}`, "tenants[0].whitelabels[0]: whitelabel_id 1 belongs to another main account"},
		{`{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"bad"}]}]}]}`, "tenants[0].whitelabels[0].accounts[0]: user_account_email must be an e-mail address"},
		{`{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"a@b.cd","user_account_id":12}]}]}]}`, "user_account_id 12 is already in use"},
		{`{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"a@b.cd","user_trial_status":2}]}]}]}`, "user_trial_status must be an integer from 0 to 1"},
		{`{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"a@b.cd","websites":[{"website_name":"x","website_url":"x.test","APIKey":"bb3b12b3b5b6b532b436b"}]}]}]}]}`, "websites[0]: APIKey"},
		{`{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"a@b.cd","websites":[{"website_name":"x","website_url":"nohost"}]}]}]}]}`, "website_url is required"},
		{`{"tenants":[{"whitelabels":[{"accounts":[{"user_account_email":"a@b.cd","websites":[{"website_name":"x","website_url":"x.test","visits":[{"day":"2025"}]}]}]}]}]}`, "websites[0].visits[0]: day is required"},
		{`{"tenants":[{"bogus":1}]}`, "unknown field"},
	} {
		r := srv.Do("POST", "/_emulator/seed", `{"hitsteps":`+c.section+`}`)
		if r.Status != 400 || !strings.Contains(r.Body, c.wantMsg) {
			t.Errorf("%s: %d %s", c.section, r.Status, r.Body)
		}
	}
	// None of the refused sections left anything behind.
	if r := control(t, srv, "GET", "state/hitsteps", nil, 200); strings.Count(r.Body, `"main_account"`) != 1 {
		t.Errorf("state after bad seeds: %s", r.Body)
	}
	if tn := newTenant(t, srv, nil); tn.MainAccount != "1235" {
		t.Errorf("sequence moved by a refused seed: %+v", tn)
	}
}

// A whitelabel call sees the whitelabel as it is now, though the emulator
// remembers whitelabels between calls: a seed that changes its url, and a
// reset that drops it, show on the next call.
func TestWhitelabelChangesShowOnTheNextCall(t *testing.T) {
	srv := start(t)
	autologin := func() string {
		return str(t, wl(srv, "autologin", "2", "website_id", "34", "reportname", "dashboard"), "simple_url")
	}
	if got := autologin(); got != "https://whitelabel.hitsteps.com/stats/dashboard.php?id=34" {
		t.Fatalf("simple_url %s", got)
	}
	seed := `{"hitsteps":{"tenants":[{"main_account":1234,"whitelabels":[{"whitelabel_id":2,"whitelabel_url":"moved.example.test"},
		{"whitelabel_id":72,"whitelabel_brand":"Added"}]}]}}`
	if r := srv.Do("POST", "/_emulator/seed", seed); r.Status != 200 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	if got := autologin(); got != "https://moved.example.test/stats/dashboard.php?id=34" {
		t.Errorf("simple_url after the seed moved the whitelabel: %s", got)
	}
	if r := wl(srv, "plans", "72"); r.Status != 200 || strings.Contains(r.Body, "Invalid whitelabel") {
		t.Fatalf("plans of the seeded whitelabel: %s", r.Body)
	}
	control(t, srv, "POST", "reset?vendor=hitsteps&tenant=1234", nil, 200)
	wantErr(t, wl(srv, "plans", "72"), 4, "Invalid whitelabel")
}
