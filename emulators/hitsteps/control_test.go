package hitsteps_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestCreateTenantDefaults(t *testing.T) {
	srv := start(t)
	setClock(t, srv, refNow)
	r := control(t, srv, "POST", "hitsteps/tenants", nil, 201)
	if !regexp.MustCompile(`^\{"username":"tenant1235@example\.test","password":"[0-9a-f]{16}","main_account":"1235","token":"[0-9a-f]{34}","whitelabel_ids":\[3,4\]\}$`).MatchString(r.Body) {
		t.Fatalf("tenant %s", r.Body)
	}
	tn := newTenant(t, srv, map[string]any{})
	if tn.MainAccount != "1236" || fmt.Sprint(tn.WhitelabelID) != "[5 6]" {
		t.Errorf("second tenant %+v", tn)
	}
	want(t, call(srv, "whitelabels", "token", tn.Token, "main_account", "1236"),
		`{"0":{"whitelabel_id":"5","whitelabel_brand":"Whitelabel 5","whitelabel_url":"wl5.example.test"},"1":{"whitelabel_id":"6","whitelabel_brand":"Whitelabel 6","whitelabel_url":"wl6.example.test"},"error":0}`)
	login := call(srv, "token", "username", tn.Username, "password", tn.Password)
	if str(t, login, "main_account") != "1236" {
		t.Errorf("login %s", login.Body)
	}
	// The initial token lives 30 days like any token.
	advance(t, srv, "30d")
	wantErr(t, call(srv, "whitelabels", "token", tn.Token, "main_account", "1236"), 3, "Invalid token")
}

func TestCreateTenantChosen(t *testing.T) {
	srv := start(t)
	r := control(t, srv, "POST", "hitsteps/tenants", map[string]any{
		"username": "Reseller@Example.org", "password": "pw", "main_account": "5000", "token": "my-token",
		"whitelabel_ids": []int{40, 41}, "whitelabels": []map[string]string{
			{"whitelabel_brand": "Acme", "whitelabel_url": "stats.acme.test"}, {"whitelabel_brand": "Beta"}},
	}, 201)
	if r.Body != `{"username":"Reseller@Example.org","password":"pw","main_account":"5000","token":"my-token","whitelabel_ids":[40,41]}` {
		t.Errorf("tenant %s", r.Body)
	}
	want(t, call(srv, "whitelabels", "token", "my-token", "main_account", "5000"),
		`{"0":{"whitelabel_id":"40","whitelabel_brand":"Acme","whitelabel_url":"stats.acme.test"},"1":{"whitelabel_id":"41","whitelabel_brand":"Beta","whitelabel_url":"wl41.example.test"},"error":0}`)
	// Chosen ids move the sequences on.
	tn := newTenant(t, srv, map[string]any{"whitelabels": []map[string]string{{"whitelabel_brand": "One"}}})
	if tn.MainAccount != "5001" || fmt.Sprint(tn.WhitelabelID) != "[42]" {
		t.Errorf("after chosen ids: %+v", tn)
	}
	if r := call(srv, "token", "username", "reseller@example.ORG", "password", "pw"); str(t, r, "main_account") != "5000" {
		t.Errorf("login %s", r.Body)
	}
}

func TestCreateTenantConflicts(t *testing.T) {
	srv := start(t)
	for _, body := range []map[string]any{
		{"username": "WHITELABEL@example.com"},
		{"main_account": "1234"},
		{"main_account": 1234},
		{"token": sampleToken},
		{"whitelabel_ids": []int{2}},
		{"whitelabel_ids": []int{9, 1}},
	} {
		r := srv.Do("POST", "/_emulator/hitsteps/tenants", body)
		if r.Status != 409 || r.Body != `{"error":"tenant exists"}` {
			t.Errorf("%v: %d %s", body, r.Status, r.Body)
		}
	}
	// Nothing of the refused tenants is left.
	if tn := newTenant(t, srv, nil); tn.MainAccount != "1235" || fmt.Sprint(tn.WhitelabelID) != "[3 4]" {
		t.Errorf("after conflicts: %+v", tn)
	}
}

func TestCreateTenantBadBodies(t *testing.T) {
	srv := start(t)
	for _, body := range []string{
		`[1]`, `{"username":1}`, `{"nickname":"x"}`, `{"main_account":"12a"}`, `{"main_account":-5}`, `{"main_account":"0"}`,
		`{"whitelabel_ids":[]}`, `{"whitelabel_ids":[0]}`, `{"whitelabel_ids":[1.5]}`, `{"whitelabel_ids":[7,7]}`,
		`{"whitelabels":[]}`, `{"whitelabel_ids":[7],"whitelabels":[{},{}]}`, `{"username":""}`, `{"username":" a "}`,
		`{"token":"` + strings.Repeat("t", 1025) + `"}`, `{"whitelabels":[{"whitelabel_brand":""}]}`, `{} {}`, `{`,
	} {
		r := srv.Do("POST", "/_emulator/hitsteps/tenants", body)
		if r.Status != 400 || !strings.HasPrefix(r.Body, `{"error":"`) {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
}

func TestRecordVisits(t *testing.T) {
	srv := start(t)
	want(t, srv.Do("POST", "/_emulator/hitsteps/visits", map[string]any{"website_id": "35", "day": "20250309", "visits": "12", "pageviews": 40}),
		`{"website_id":35,"day":"20250309","visits":12,"pageviews":40,"new_visits":0,"ref_from_sites":0,"ref_from_search":0,"ref_direct":0,"ref_socialmedia":0,"bouncerate":0,"total_pageviews":11958,"total_visitors":2743}`)
	for _, body := range []string{
		``, `[]`, `{"day":"20250309"}`, `{"website_id":"abc","day":"20250309"}`, `{"website_id":-1,"day":"20250309"}`,
		`{"website_id":35}`, `{"website_id":35,"day":"2025-03-09"}`, `{"website_id":35,"day":"20250230"}`, `{"website_id":35,"day":20250309}`,
		`{"website_id":35,"day":"20250309","visits":-1}`, `{"website_id":35,"day":"20250309","visits":1.5}`,
		`{"website_id":35,"day":"20250309","visits":"x"}`, `{"website_id":35,"day":"20250309","bouncerate":101}`,
		`{"website_id":35,"day":"20250309","visits":10000000000000}`, `{"website_id":35,"day":"20250309","sessions":1}`,
	} {
		r := srv.Do("POST", "/_emulator/hitsteps/visits", body)
		if r.Status != 400 {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	r := srv.Do("POST", "/_emulator/hitsteps/visits", `{"website_id":9999,"day":"20250309"}`)
	if r.Status != 404 || r.Body != `{"error":"website not found"}` {
		t.Errorf("unknown website: %d %s", r.Status, r.Body)
	}
}

func TestInvoicesFilter(t *testing.T) {
	srv := start(t)
	setClock(t, srv, refNow)
	tn := newTenant(t, srv, nil)
	id := num(t, tn.call(srv, "account-create", tn.WhitelabelID[0], "email", "c@example.com", "password", "secret1"), "user_account_id")
	tn.call(srv, "license-purchase", tn.WhitelabelID[0], "user_account_id", fmt.Sprint(id), "plan", "3", "duration", "1")
	wl(srv, "license-purchase", "1", "user_account_id", "12", "plan", "0", "duration", "1")
	want(t, srv.Do("GET", "/_emulator/hitsteps/invoices?main_account="+tn.MainAccount, nil),
		`{"invoices":[{"invoice_id":1,"main_account":"1235","whitelabel_id":3,"user_account_id":34,"plan":3,"months":1,"amount":6.99,"created":1741608000}]}`)
	all := control(t, srv, "GET", "hitsteps/invoices", nil, 200)
	if !strings.Contains(all.Body, `"invoice_id":1,"main_account":"1235"`) || !strings.Contains(all.Body, `"invoice_id":2,"main_account":"1234"`) {
		t.Errorf("all invoices %s", all.Body)
	}
	control(t, srv, "GET", "hitsteps/invoices?main_account=999", nil, 404)
}

func TestState(t *testing.T) {
	srv := start(t)
	r := control(t, srv, "GET", "state/hitsteps?tenant=1234", nil, 200)
	for _, part := range []string{
		`{"tenants":[{"main_account":"1234","username":"whitelabel@example.com","password":"secret","whitelabels":[{"whitelabel_id":1,"whitelabel_brand":"Hitsteps"`,
		`"tokens":[{"token":"b91267234abc2354b2324c134ad3454f2c","issued_at":`,
		`"expires_at":null,"initial":1}]`,
		`{"user_account_id":12,"whitelabel_id":1,"user_account_email":"account@example.com","password":"secret","user_nickname":"Jack","user_timezone":"0","user_country":"us","user_language":"en","user_account_statusmode":null,"user_license_code":0,"user_license_expiry":1007514389,"user_license_months":0,"user_trial_status":1}`,
		`{"website_id":35,"user_account_id":3,"website_name":"Example","website_url":"example.com","APIKey":"b21345654321b4233232b","submission_date":1420070400}`,
		`{"website_id":35,"day":"20150122","visits":320,"pageviews":1609,"new_visits":29,"ref_from_sites":22,"ref_from_search":10,"ref_direct":330,"ref_socialmedia":1,"bouncerate":19}`,
		`"invoices":[]}]}`,
	} {
		if !strings.Contains(r.Body, part) {
			t.Errorf("state lacks %s\n%s", part, r.Body)
		}
	}
	control(t, srv, "GET", "state/hitsteps?tenant=4321", nil, 404)
	newTenant(t, srv, nil)
	if r := control(t, srv, "GET", "state/hitsteps", nil, 200); strings.Count(r.Body, `"main_account"`) != 2 {
		t.Errorf("all state %s", r.Body)
	}
}
