package mousestats_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

const accountsPath = "/_emulator/mousestats/accounts"

func TestPatchAccount(t *testing.T) {
	srv := start(t)
	freeze(t, srv, "2031-03-01T10:00:00Z")
	r := srv.Do("PATCH", accountsPath, map[string]any{
		"partnerId": "partnername", "email": "TEST@example.com", "planName": "Pro", "planDaysLeft": 200,
		"usedHeatmapProjects": 3, "usedPlaybackProjects": 1, "usedHeatmapVisits": 1200, "usedPlaybackVisits": 80,
		"somethingElse": "ignored",
	})
	wantJSON(t, r, info("test@example.com(partnername)", "Pro", 200, 3, 1, 1200, 80))
	wantJSON(t, call(srv, "GetAccount", asDefault("_userEmail", "test@example.com")...),
		info("test@example.com(partnername)", "Pro", 200, 3, 1, 1200, 80))

	// Fields left out keep their values; the days count down from the PATCH.
	advance(t, srv, "36h")
	wantJSON(t, srv.Do("PATCH", accountsPath, `{"partnerId":"partnername","email":"test@example.com","usedPlaybackVisits":2147483647,"planName":null}`),
		info("test@example.com(partnername)", "Pro", 199, 3, 1, 1200, 2147483647))
	wantJSON(t, srv.Do("PATCH", accountsPath, `{"partnerId":"partnername","email":"test@example.com","planName":"","planDaysLeft":0}`),
		info("test@example.com(partnername)", "", 0, 3, 1, 1200, 2147483647))
	wantJSON(t, srv.Do("PATCH", accountsPath, `{"partnerId":"partnername","email":"test@example.com","planDaysLeft":3650}`),
		info("test@example.com(partnername)", "", 3650, 3, 1, 1200, 2147483647))
}

func TestPatchAccountErrors(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "acme", "s3cret")
	for _, tc := range []struct {
		body   string
		status int
	}{
		{``, 400},
		{`[]`, 400},
		{`"x"`, 400},
		{`{`, 400},
		{`null`, 400},
		{`{"email":"test@example.com"}`, 400},
		{`{"partnerId":"partnername"}`, 400},
		{`{"partnerId":"","email":"test@example.com"}`, 400},
		{`{"partnerId":5,"email":"test@example.com"}`, 400},
		{`{"partnerId":"partnername","email":["test@example.com"]}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planDaysLeft":"5"}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planDaysLeft":1.5}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planDaysLeft":1e2}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planDaysLeft":-1}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planDaysLeft":3651}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","usedHeatmapVisits":2147483648}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","usedHeatmapVisits":99999999999999999999999}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","usedPlaybackProjects":true}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planName":7}`, 400},
		{`{"partnerId":"partnername","email":"test@example.com","planName":"` + strings.Repeat("x", 65) + `"}`, 400},
		{`{"partnerId":"nobody","email":"test@example.com"}`, 404},
		{`{"partnerId":"PartnerName","email":"test@example.com"}`, 404},
		{`{"partnerId":"partnername","email":"nobody@example.com"}`, 404},
		{`{"partnerId":"acme","email":"test@example.com"}`, 404},
	} {
		r := srv.Do("PATCH", accountsPath, tc.body)
		var body map[string]string
		if r.Status != tc.status || json.Unmarshal([]byte(r.Body), &body) != nil || body["error"] == "" {
			t.Errorf("PATCH %s: got %d %s, want %d {\"error\":…}", tc.body, r.Status, r.Body, tc.status)
		}
	}
	// No refused PATCH changed anything.
	wantJSON(t, call(srv, "GetAccount", asDefault("_userEmail", "test@example.com")...),
		info("test@example.com(partnername)", "SaneEgg", 30))
}

func TestCreateTenant(t *testing.T) {
	srv := start(t)
	r := srv.Do("POST", "/_emulator/mousestats/tenants", nil)
	wantStatus(t, r, 201)
	if !regexp.MustCompile(`^\{"partnerId":"partner[0-9a-f]{12}","partnerSecret":"[0-9a-z]{24}"\}$`).MatchString(r.Body) {
		t.Fatalf("generated credentials: %s", r.Body)
	}
	var creds struct{ PartnerID, PartnerSecret string }
	if err := json.Unmarshal([]byte(r.Body), &creds); err != nil {
		t.Fatal(err)
	}
	// The new partner works at once and starts empty.
	wantText(t, call(srv, "GetAccount", as(creds.PartnerID, creds.PartnerSecret, "_userEmail", "test@example.com")...), "permission-denied")
	wantText(t, call(srv, "CreateAccount", as(creds.PartnerID, creds.PartnerSecret, "_userEmail", "test@example.com", "_userPassword", "pw")...), "ok")

	r = srv.Do("POST", "/_emulator/mousestats/tenants", `{"partnerId":"Acme.Corp_1-x","partnerSecret":"!~<>&\"x"}`)
	wantStatus(t, r, 201)
	var got map[string]string
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || got["partnerId"] != "Acme.Corp_1-x" || got["partnerSecret"] != `!~<>&"x` {
		t.Fatalf("chosen credentials: %s", r.Body)
	}
	wantText(t, call(srv, "CreateAccount", as("Acme.Corp_1-x", `!~<>&"x`, "_userEmail", "a@example.com", "_userPassword", "pw")...), "ok")
	// Partner ids are case-sensitive: acme.corp_1-x is another partner.
	wantStatus(t, srv.Do("POST", "/_emulator/mousestats/tenants", `{"partnerId":"acme.corp_1-x"}`), 201)

	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"partnerId":"partnername"}`, 409},
		{`{"partnerId":"Acme.Corp_1-x","partnerSecret":"other"}`, 409},
		{`[]`, 400},
		{`{"partnerId":""}`, 400},
		{`{"partnerId":"a b"}`, 400},
		{`{"partnerId":"a(b)"}`, 400},
		{`{"partnerId":"` + strings.Repeat("p", 65) + `"}`, 400},
		{`{"partnerId":5}`, 400},
		{`{"partnerSecret":""}`, 400},
		{`{"partnerSecret":"with space"}`, 400},
		{`{"partnerSecret":"tab\there"}`, 400},
		{`{"partnerSecret":"ünïcode"}`, 400},
		{`{"partnerSecret":"` + strings.Repeat("s", 129) + `"}`, 400},
		{`{"partnerSecret":true}`, 400},
	} {
		r := srv.Do("POST", "/_emulator/mousestats/tenants", tc.body)
		if r.Status != tc.status || !strings.HasPrefix(r.Body, `{"error":`) {
			t.Errorf("POST tenants %s: got %d %s, want %d", tc.body, r.Status, r.Body, tc.status)
		}
	}
	if r := srv.Do("POST", "/_emulator/mousestats/tenants", `{"partnerId":"partnername"}`); r.Body != `{"error":"partner exists"}` {
		t.Fatalf("409 body: %s", r.Body)
	}
	// The default partner's secret is unchanged by the refused attempt.
	wantJSON(t, srv.Do("GET", sampleGetAccount, nil), info("test@example.com(partnername)", "SaneEgg", 30))
}

func TestResetTenant(t *testing.T) {
	srv := start(t)
	freeze(t, srv, "2031-03-01T10:00:00Z")
	newPartner(t, srv, "acme", "s3cret")
	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret", "_userEmail", "a@example.com", "_userPassword", "pw")...), "ok")
	wantText(t, call(srv, "CreateAccount", asDefault("_userEmail", "b@example.com", "_userPassword", "pw")...), "ok")
	advance(t, srv, "240h")
	tok := token(t, srv, asDefault("_userEmail", "test@example.com")...)
	cookie := wantSignedIn(t, doLogin(srv, token(t, srv, asDefault("_userEmail", "b@example.com")...)))

	wantStatus(t, srv.Do("POST", "/_emulator/reset?vendor=mousestats&tenant=partnername", nil), 200)
	// Credentials stay; the sample account is back with a fresh 30 days;
	// everything else of the partner is gone.
	wantJSON(t, srv.Do("GET", sampleGetAccount, nil), info("test@example.com(partnername)", "SaneEgg", 30))
	wantText(t, call(srv, "GetAccount", asDefault("_userEmail", "b@example.com")...), "permission-denied")
	wantLoginPage(t, doLogin(srv, tok))
	wantLoginPage(t, srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", cookie))
	// Other partners are untouched.
	wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "a@example.com")...), info("a@example.com(acme)", "", 0))

	wantStatus(t, srv.Do("POST", "/_emulator/reset?vendor=mousestats&tenant=acme", nil), 200)
	wantText(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "a@example.com")...), "permission-denied")
	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret", "_userEmail", "a@example.com", "_userPassword", "pw")...), "ok")

	r := srv.Do("POST", "/_emulator/reset?vendor=mousestats&tenant=nobody", nil)
	if r.Status != 404 || !strings.HasPrefix(r.Body, `{"error":`) {
		t.Fatalf("unknown tenant reset: %d %s", r.Status, r.Body)
	}

	// A vendor reset removes created partners and restores the defaults.
	wantStatus(t, srv.Do("POST", "/_emulator/reset?vendor=mousestats", nil), 200)
	wantText(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "a@example.com")...), "permission-denied")
	wantJSON(t, srv.Do("GET", sampleGetAccount, nil), info("test@example.com(partnername)", "SaneEgg", 30))
	newPartner(t, srv, "acme", "new")
}

func TestSeed(t *testing.T) {
	srv := start(t)
	freeze(t, srv, "2031-03-01T10:00:00Z")
	doc := `{"mousestats": {"tenants": [
	  {"partnerId": "acme", "partnerSecret": "s3cret",
	   "accounts": [
	     {"email": "a@example.com", "password": "pw1", "activeFreePlan": true},
	     {"email": "b@example.com", "password": "pw2", "planName": "Pro", "planDaysLeft": 200,
	      "usedHeatmapProjects": 3, "usedPlaybackProjects": 1, "usedHeatmapVisits": 1200, "usedPlaybackVisits": 80}
	   ]},
	  {"partnerId": "partnername", "partnerSecret": "rotated",
	   "accounts": [{"email": "TEST@example.com", "password": "newpw"}]}
	]}}`
	// The default partner's secret works before the seed changes it (and
	// the credential cache remembers it, to be forgotten by the change).
	if r := srv.Do("GET", sampleGetAccount, nil); r.Status != 200 || r.Body == "permission-denied" {
		t.Fatalf("GetAccount before the seed: %d %s", r.Status, r.Body)
	}
	wantStatus(t, srv.Do("POST", "/_emulator/seed", doc), 200)
	wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "a@example.com")...), info("a@example.com(acme)", "SaneEgg", 30))
	wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "b@example.com")...), info("b@example.com(acme)", "Pro", 200, 3, 1, 1200, 80))
	// An existing partner gets the new secret and its account is overwritten.
	wantText(t, srv.Do("GET", sampleGetAccount, nil), "permission-denied")
	wantJSON(t, call(srv, "GetAccount", as("partnername", "rotated", "_userEmail", "test@example.com")...),
		info("test@example.com(partnername)", "", 0))
	state := srv.Do("GET", "/_emulator/state/mousestats?tenant=partnername", nil).Body
	if !strings.Contains(state, `"email":"TEST@example.com","loginName":"TEST@example.com(partnername)","password":"newpw"`) {
		t.Fatalf("overwritten account:\n%s", state)
	}

	for _, bad := range []string{
		`{"mousestats": []}`,
		`{"mousestats": {"tenant": []}}`,
		`{"mousestats": {"tenants": {}}}`,
		`{"mousestats": {"tenants": [{"partnerSecret": "x"}]}}`,
		`{"mousestats": {"tenants": [{"partnerId": "a b"}]}}`,
		`{"mousestats": {"tenants": [{"partnerId": "z", "accounts": [{"email": "bad", "password": "pw"}]}]}}`,
		`{"mousestats": {"tenants": [{"partnerId": "z", "accounts": [{"email": "z@example.com"}]}]}}`,
		`{"mousestats": {"tenants": [{"partnerId": "z", "accounts": [{"email": "z@example.com", "password": "pw", "planDaysLeft": 4000}]}]}}`,
		`{"mousestats": {"tenants": [{"partnerId": "z", "accounts": [{"email": "z@example.com", "password": "pw", "activeFreePlan": "true"}]}]}}`,
		`{"mousestats": {"tenants": [{"partnerId": "z", "accounts": [{"email": "z@example.com", "password": "pw", "pasword": "x"}]}]}}`,
	} {
		r := srv.Do("POST", "/_emulator/seed", bad)
		if r.Status != 400 || !strings.HasPrefix(r.Body, `{"error":"mousestats: `) {
			t.Errorf("seed %s: got %d %s, want 400", bad, r.Status, r.Body)
		}
	}
	// A refused document changed nothing.
	if r := srv.Do("GET", "/_emulator/state/mousestats?tenant=z", nil); r.Status != 404 {
		t.Fatalf("refused seed created partner z: %d %s", r.Status, r.Body)
	}
}

func TestState(t *testing.T) {
	srv := start(t)
	freeze(t, srv, "2031-03-01T10:00:00Z")
	wantStatus(t, srv.Do("POST", "/_emulator/reset?vendor=mousestats", nil), 200)
	tok := token(t, srv, asDefault("_userEmail", "test@example.com", "_validHours", "2")...)
	advance(t, srv, "1h")
	wantSignedIn(t, doLogin(srv, tok))
	r := srv.Do("GET", "/_emulator/state/mousestats", nil)
	want := `{"tenants":[{"partnerId":"partnername","partnerSecret":"bvdj436hdas",` +
		`"accounts":[{"email":"test@example.com","loginName":"test@example.com(partnername)","password":"thePass36",` +
		`"planName":"SaneEgg","planExpiresAt":"2031-03-31T10:00:00Z","planDaysLeft":30,` +
		`"usedHeatmapProjects":0,"usedPlaybackProjects":0,"usedHeatmapVisits":0,"usedPlaybackVisits":0,` +
		`"createdAt":"2031-03-01T10:00:00Z"}],` +
		`"loginTokens":[{"token":"` + tok + `","email":"test@example.com","issuedAt":"2031-03-01T10:00:00Z",` +
		`"expiresAt":"2031-03-01T12:00:00Z","usedAt":"2031-03-01T11:00:00Z"}],` +
		`"sessions":[{"id":"` + sessionIDIn(r.Body) + `","email":"test@example.com","createdAt":"2031-03-01T11:00:00Z"}]}]}`
	if r.Status != 200 || r.Body != want {
		t.Fatalf("state:\n%s\nwant\n%s", r.Body, want)
	}

	wantText(t, call(srv, "CreateAccount", asDefault("_userEmail", "noplan@example.com", "_userPassword", "pw")...), "ok")
	newPartner(t, srv, "acme", "s3cret")
	r = srv.Do("GET", "/_emulator/state/mousestats?tenant=acme", nil)
	if r.Body != `{"tenants":[{"partnerId":"acme","partnerSecret":"s3cret","accounts":[],"loginTokens":[],"sessions":[]}]}` {
		t.Fatalf("acme state: %s", r.Body)
	}
	if r := srv.Do("GET", "/_emulator/state/mousestats", nil); !strings.Contains(r.Body, `"email":"noplan@example.com","loginName":"noplan@example.com(partnername)","password":"pw","planName":"","planExpiresAt":null,"planDaysLeft":0`) {
		t.Fatalf("account without plan:\n%s", r.Body)
	}
	if r := srv.Do("GET", "/_emulator/state/mousestats?tenant=nobody", nil); r.Status != 404 {
		t.Fatalf("unknown tenant state: %d %s", r.Status, r.Body)
	}
}

// The journal names the partner when the request names an existing one.
func TestJournalTenant(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "acme", "s3cret")
	call(srv, "GetAccount", as("acme", "wrong", "_userEmail", "x@example.com")...)
	call(srv, "GetAccount", as("nobody", "s3cret", "_userEmail", "x@example.com")...)
	wantSignedIn(t, doLogin(srv, token(t, srv, asDefault("_userEmail", "test@example.com")...)))

	r := srv.Do("GET", "/_emulator/requests?vendor=mousestats", nil)
	var journal struct {
		Requests []struct{ Tenant, Path, Query string }
	}
	if err := json.Unmarshal([]byte(r.Body), &journal); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range journal.Requests {
		got = append(got, e.Path+" "+e.Tenant)
	}
	want := []string{"/api/doLogin partnername", "/api/GenerateLoginToken partnername", "/api/GetAccount ", "/api/GetAccount acme"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("journal tenants %q, want %q", got, want)
	}
}

// sessionIDIn is the first session id of a state dump (the panel cookie).
func sessionIDIn(state string) string {
	m := regexp.MustCompile(`"sessions":\[\{"id":"([0-9a-f]{64})"`).FindStringSubmatch(state)
	if m == nil {
		return "<no session id>"
	}
	return m[1]
}
