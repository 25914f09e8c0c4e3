package hitsteps_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// Two resellers on one emulator: f lives on its own clock frozen in 2031,
// p follows the emulator clock (the wall clock). Each sees its own time on
// every route that depends on it.
func TestEachTenantSeesItsOwnClock(t *testing.T) {
	srv := start(t)
	f, p := newTenant(t, srv, nil), newTenant(t, srv, nil)
	srv.TenantClock("hitsteps", f.MainAccount, map[string]any{"now": "2031-03-01T10:00:00Z"})
	fNow := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC).Unix()
	near := func(got, want int64) bool { return got >= want-60 && got <= want+60 }
	login := func(tn tenant) string {
		return str(t, call(srv, "token", "username", tn.Username, "password", tn.Password), "token")
	}
	// f's initial token, 30 days from its creation, ran out in 2031.
	wantErr(t, call(srv, "whitelabels", "token", f.Token), 3, "Invalid token")
	f.Token = login(f)

	account := func(tn tenant) string {
		return fmt.Sprint(num(t, tn.call(srv, "account-create", tn.WhitelabelID[0], "email", "x@example.com", "password", "secret1"), "user_account_id"))
	}
	fa, pa := account(f), account(p)

	// Trials start on each tenant's clock.
	if got := num(t, f.call(srv, "license-trial", f.WhitelabelID[0], "user_account_id", fa), "expire"); got != fNow+14*day {
		t.Fatalf("f's trial ends %d, want %d", got, fNow+14*day)
	}
	if got := num(t, p.call(srv, "license-trial", p.WhitelabelID[0], "user_account_id", pa), "expire"); !near(got, time.Now().Unix()+14*day) {
		t.Fatalf("p's trial ends %d", got)
	}
	// Websites are submitted at each tenant's now.
	add := func(tn tenant, id string) vtest.Response {
		tn.call(srv, "website-add", tn.WhitelabelID[0], "user_account_id", id, "site_name", "S", "site_url", "s.example.com")
		return tn.call(srv, "website-by-domain", tn.WhitelabelID[0], "website_url", "s.example.com")
	}
	if r := add(f, fa); !strings.Contains(r.Body, fmt.Sprintf(`"submission_date":"%d"`, fNow)) {
		t.Fatalf("f's website: %s", r.Body)
	}
	if r := add(p, pa); strings.Contains(r.Body, `"submission_date":"19`) || strings.Contains(r.Body, fmt.Sprintf(`"submission_date":"%d"`, fNow)) {
		t.Fatalf("p's website: %s", r.Body)
	}
	// Statistics windows end on each tenant's yesterday.
	stats := func(tn tenant) string {
		id := str(t, tn.call(srv, "website-by-domain", tn.WhitelabelID[0], "website_url", "s.example.com"), "website_id")
		return tn.call(srv, "stats-7days", tn.WhitelabelID[0], "website_id", id).Body
	}
	if s := stats(f); !strings.HasPrefix(s, `{"0":{"day":"20310228",`) {
		t.Fatalf("f's stats: %s", s)
	}
	before := time.Now().UTC().AddDate(0, 0, -1).Format("20060102")
	s := stats(p)
	after := time.Now().UTC().AddDate(0, 0, -1).Format("20060102")
	if !strings.HasPrefix(s, `{"0":{"day":"`+before+`",`) && !strings.HasPrefix(s, `{"0":{"day":"`+after+`",`) {
		t.Fatalf("p's stats: %s", s)
	}

	// Tokens of op 1 last 30 days on their tenant's clock; so do licences.
	fTok, pTok := login(f), login(p)
	if got := num(t, f.call(srv, "license-purchase", f.WhitelabelID[0], "user_account_id", fa, "plan", "3", "duration", "1"), "license_expiry"); got != fNow+30*day {
		t.Fatalf("f's licence ends %d", got)
	}
	srv.TenantClock("hitsteps", f.MainAccount, map[string]any{"advance": "30d"})
	wantErr(t, call(srv, "whitelabels", "token", fTok), 3, "Invalid token")
	if r := call(srv, "whitelabels", "token", pTok, "main_account", p.MainAccount); num(t, r, "error") != 0 {
		t.Fatalf("p's token: %s", r.Body)
	}
	f.Token = login(f)
	wantErr(t, f.call(srv, "license-convert", f.WhitelabelID[0], "user_account_id", fa, "newplan", "0"), 10, "No active license")
	if r := p.call(srv, "license-convert", p.WhitelabelID[0], "user_account_id", pa, "newplan", "3"); num(t, r, "error") != 0 {
		t.Fatalf("p's trial is still on: %s", r.Body)
	}
	// The dump shows f's clock, and the invoice dated on it.
	d := control(t, srv, "GET", "state/hitsteps?tenant="+f.MainAccount, nil, 200).Body
	if !strings.Contains(d, fmt.Sprintf(`"created":%d}`, fNow)) || !strings.HasSuffix(d, `"clock":{"now":"2031-03-31T10:00:00Z","frozen":true}}]}`) {
		t.Fatalf("f's dump: %s", d)
	}
	if d := control(t, srv, "GET", "state/hitsteps?tenant="+p.MainAccount, nil, 200).Body; strings.Contains(d, `"clock"`) {
		t.Fatalf("p's dump: %s", d)
	}
	// A tenant reset gives f the emulator clock back.
	control(t, srv, "POST", "reset?vendor=hitsteps&tenant="+f.MainAccount, nil, 200)
	if r := control(t, srv, "GET", "clock?vendor=hitsteps&tenant="+f.MainAccount, nil, 200); !strings.Contains(r.Body, `"own":false`) {
		t.Fatalf("after reset: %s", r.Body)
	}
}

func TestTenantFaultLeavesTheOtherTenantAlone(t *testing.T) {
	srv := start(t)
	broken, fine := newTenant(t, srv, nil), newTenant(t, srv, nil)
	control(t, srv, "POST", "faults", map[string]any{"vendor": "hitsteps", "tenant": broken.MainAccount, "status": 503, "body": "down"}, 201)
	for _, tn := range []tenant{broken, fine} {
		r := tn.call(srv, "account-create", tn.WhitelabelID[0], "email", "x@example.com", "password", "secret1")
		isBroken := tn.MainAccount == broken.MainAccount
		if isBroken && (r.Status != 503 || r.Body != "down") || !isBroken && num(t, r, "error") != 0 {
			t.Fatalf("%s: %d %s", tn.MainAccount, r.Status, r.Body)
		}
	}
	if d := control(t, srv, "GET", "state/hitsteps?tenant="+broken.MainAccount, nil, 200).Body; strings.Contains(d, "x@example.com") {
		t.Fatalf("the faulted call wrote: %s", d)
	}
	// A wrong token names no tenant: the vendor's own answer.
	wantErr(t, call(srv, "whitelabels", "token", "nonsense"), 3, "Invalid token")
}

func TestStateLoadsAsSeed(t *testing.T) {
	srv := start(t)
	setClock(t, srv, refNow)
	tn := newTenant(t, srv, nil)
	srv.TenantClock("hitsteps", tn.MainAccount, map[string]any{"now": "2031-03-01T10:00:00Z"})
	initial := tn.Token // ran out in 2031, and stays so in the dump
	tn.Token = str(t, call(srv, "token", "username", tn.Username, "password", tn.Password), "token")
	w := tn.WhitelabelID[0]
	a := fmt.Sprint(num(t, tn.call(srv, "account-create", w, "email", "a@example.com", "password", "secret1", "nickname", "Al"), "user_account_id"))
	b := fmt.Sprint(num(t, tn.call(srv, "account-create", tn.WhitelabelID[1], "email", "b@example.com", "password", "secret2"), "user_account_id"))
	tn.call(srv, "license-purchase", w, "user_account_id", a, "plan", "3", "duration", "12")
	tn.call(srv, "license-trial", tn.WhitelabelID[1], "user_account_id", b)
	site := num(t, tn.call(srv, "website-add", w, "user_account_id", a, "site_name", "Shop", "site_url", "shop.example.com"), "website_id")
	control(t, srv, "POST", "hitsteps/visits", map[string]any{"website_id": site, "day": "20310227", "visits": 12, "pageviews": 40, "bouncerate": 33}, 200)
	login := str(t, call(srv, "token", "username", tn.Username, "password", tn.Password), "token")

	fresh := start(t)
	dump, reloaded := srv.RoundTrip(fresh, "hitsteps", tn.MainAccount)
	if reloaded != dump {
		t.Fatalf("reloaded tenant differs:\n%s\n%s", dump, reloaded)
	}
	for _, tok := range []string{tn.Token, login} {
		if r := call(fresh, "whitelabels", "token", tok, "main_account", tn.MainAccount); num(t, r, "error") != 0 {
			t.Fatalf("token %s in the fresh emulator: %s", tok, r.Body)
		}
	}
	wantErr(t, call(fresh, "whitelabels", "token", initial), 3, "Invalid token")
	if r := call(fresh, "stats-7days", "token", login, "whitelabel_id", fmt.Sprint(w), "website_id", fmt.Sprint(site)); !strings.Contains(r.Body, `"day":"20310227","date":"1929916800","visits":"12"`) {
		t.Fatalf("stats in the fresh emulator: %s", r.Body)
	}
}
