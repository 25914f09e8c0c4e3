package mousestats_test

import (
	"strings"
	"testing"
)

func TestCreateAccount(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "acme", "s3cret")

	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret",
		"_userEmail", "Jane.Doe@Example.com", "_userPassword", "pw", "_activeFreePlan", "true")...), "ok")
	// GetAccount echoes the e-mail as this request spells it.
	wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "jane.doe@example.COM")...),
		info("jane.doe@example.COM(acme)", "SaneEgg", 30))

	// A second CreateAccount for the same e-mail, in any letter case, changes
	// nothing: the free plan and the password stay.
	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret",
		"_userEmail", "JANE.DOE@EXAMPLE.COM", "_userPassword", "other")...), "user-exists")
	wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "Jane.Doe@Example.com")...),
		info("Jane.Doe@Example.com(acme)", "SaneEgg", 30))
	state := srv.Do("GET", "/_emulator/state/mousestats?tenant=acme", nil).Body
	if !strings.Contains(state, `"email":"Jane.Doe@Example.com","loginName":"Jane.Doe@Example.com(acme)","password":"pw"`) {
		t.Fatalf("existing account changed:\n%s", state)
	}
}

func TestCreateAccountFreePlanFlag(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "acme", "s3cret")
	for i, tc := range []struct {
		flag []string
		plan string
		days int
	}{
		{[]string{"_activeFreePlan", "true"}, "SaneEgg", 30},
		{[]string{"_activeFreePlan", "TRUE"}, "SaneEgg", 30},
		{[]string{"_activeFreePlan", "True"}, "SaneEgg", 30},
		{[]string{"_activeFreePlan", "false"}, "", 0},
		{[]string{"_activeFreePlan", "1"}, "", 0},
		{[]string{"_activeFreePlan", "yes"}, "", 0},
		{[]string{"_activeFreePlan", ""}, "", 0},
		{[]string{"_activeFreePlan", " true"}, "", 0},
		{[]string{"_activeFreeplan", "true"}, "", 0},
		{nil, "", 0},
	} {
		email := "u" + string(rune('a'+i)) + "@example.com"
		// A misspelled name is an unknown parameter, which the vendor ignores.
		wantText(t, call(srv.Lenient(), "CreateAccount", as("acme", "s3cret",
			append([]string{"_userEmail", email, "_userPassword", "pw"}, tc.flag...)...)...), "ok")
		wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", email)...),
			info(email+"(acme)", tc.plan, tc.days))
	}
}

func TestCreateAccountInvalidParameters(t *testing.T) {
	srv := start(t)
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com" // 254 characters
	for _, tc := range []struct {
		name  string
		pairs []string
		want  string
	}{
		{"no e-mail", []string{"_userPassword", "pw"}, "invalid-parameters"},
		{"empty e-mail", []string{"_userEmail", "", "_userPassword", "pw"}, "invalid-parameters"},
		{"plain", []string{"_userEmail", "plain", "_userPassword", "pw"}, "invalid-parameters"},
		{"no domain", []string{"_userEmail", "a@", "_userPassword", "pw"}, "invalid-parameters"},
		{"no local part", []string{"_userEmail", "@example.com", "_userPassword", "pw"}, "invalid-parameters"},
		{"one label", []string{"_userEmail", "a@example", "_userPassword", "pw"}, "invalid-parameters"},
		{"space", []string{"_userEmail", "a b@example.com", "_userPassword", "pw"}, "invalid-parameters"},
		{"empty label", []string{"_userEmail", "a@example..com", "_userPassword", "pw"}, "invalid-parameters"},
		{"parenthesis", []string{"_userEmail", "a(b)@example.com", "_userPassword", "pw"}, "invalid-parameters"},
		{"login name", []string{"_userEmail", "a@example.com(x)", "_userPassword", "pw"}, "invalid-parameters"},
		{"trailing newline", []string{"_userEmail", "a@example.com\n", "_userPassword", "pw"}, "invalid-parameters"},
		{"leading space", []string{"_userEmail", " a@example.com", "_userPassword", "pw"}, "invalid-parameters"},
		{"255 characters", []string{"_userEmail", "x" + long, "_userPassword", "pw"}, "invalid-parameters"},
		{"no password", []string{"_userEmail", "p1@example.com"}, "invalid-parameters"},
		{"empty password", []string{"_userEmail", "p2@example.com", "_userPassword", ""}, "invalid-parameters"},
		{"129 characters", []string{"_userEmail", "p3@example.com", "_userPassword", strings.Repeat("p", 129)}, "invalid-parameters"},
		{"e-mail checked first", []string{"_userEmail", "test@example.com", "_userPassword", ""}, "invalid-parameters"},
		{"254 characters", []string{"_userEmail", long, "_userPassword", "pw"}, "ok"},
		{"128 characters", []string{"_userEmail", "p4@example.com", "_userPassword", strings.Repeat("p", 128)}, "ok"},
		{"128 multi-byte characters", []string{"_userEmail", "p5@example.com", "_userPassword", strings.Repeat("ü", 128)}, "ok"},
		{"special characters", []string{"_userEmail", "a.b!#$%&'*+/=?^_`{|}~-c@sub-1.example.co", "_userPassword", " p w "}, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantText(t, call(srv, "CreateAccount", asDefault(tc.pairs...)...), tc.want)
		})
	}
	// Nothing failed half-way: only the accepted accounts exist.
	state := srv.Do("GET", "/_emulator/state/mousestats", nil).Body
	if n := strings.Count(state, `"loginName"`); n != 1+4 {
		t.Fatalf("%d accounts, want 5:\n%s", n, state)
	}
}

// Every credential failure is permission-denied on every function, before
// any parameter is looked at.
func TestCredentials(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "Acme", "S3cret")
	bad := [][]string{
		{},
		{"_partnerSecret", "bvdj436hdas"},
		{"_partnerId", "", "_partnerSecret", "bvdj436hdas"},
		{"_partnerId", "partnername"},
		{"_partnerId", "partnername", "_partnerSecret", ""},
		{"_partnerId", "partnername", "_partnerSecret", "BVDJ436HDAS"},
		{"_partnerId", "partnername", "_partnerSecret", "bvdj436hdas "},
		{"_partnerId", "PartnerName", "_partnerSecret", "bvdj436hdas"},
		{"_partnerId", "nobody", "_partnerSecret", "bvdj436hdas"},
		{"_partnerId", "partnername", "_partnerSecret", "S3cret"},
		{"_partnerId", "acme", "_partnerSecret", "S3cret"},
		{"_partnerid", "partnername", "_partnerSecret", "bvdj436hdas"},
		{"partnerId", "partnername", "_partnerSecret", "bvdj436hdas"},
		{"_PartnerId", "partnername", "_partnerSecret", "bvdj436hdas"},
		{"_partnerId", "partnername", "_partnersecret", "bvdj436hdas"},
	}
	for _, fn := range []string{"CreateAccount", "GetAccount", "GenerateLoginToken"} {
		for _, creds := range bad {
			for _, params := range [][]string{
				{"_userEmail", "new@example.com", "_userPassword", "pw"},
				{"_userEmail", "test@example.com", "_userPassword", "pw"},
				{"_userEmail", "not an e-mail"},
			} {
				r := call(srv, fn, append(append([]string{}, creds...), params...)...)
				if r.Status != 200 || r.Body != "permission-denied" {
					t.Errorf("%s %v %v: got %d %q, want permission-denied", fn, creds, params, r.Status, r.Body)
				}
			}
		}
	}
	// Nothing was created by the refused calls.
	wantText(t, call(srv, "GetAccount", asDefault("_userEmail", "new@example.com")...), "permission-denied")
	wantText(t, call(srv, "GetAccount", as("Acme", "S3cret", "_userEmail", "new@example.com")...), "permission-denied")
}

func TestGetAccountErrors(t *testing.T) {
	srv := start(t)
	wantText(t, call(srv, "GetAccount", asDefault()...), "invalid-parameters")
	wantText(t, call(srv, "GetAccount", asDefault("_userEmail", "")...), "invalid-parameters")
	wantText(t, call(srv, "GetAccount", asDefault("_userEmail", "test@example")...), "invalid-parameters")
	wantText(t, call(srv, "GetAccount", asDefault("_userEmail", "nobody@example.com")...), "permission-denied")
}

// The same e-mail under two partners is two accounts, and no partner reaches
// another's customers.
func TestPartnerIsolation(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "acme", "s3cret")

	wantText(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "test@example.com")...), "permission-denied")
	wantText(t, call(srv, "GenerateLoginToken", as("acme", "s3cret", "_userEmail", "test@example.com")...), "permission-denied")

	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret",
		"_userEmail", "TEST@example.com", "_userPassword", "acme-pw")...), "ok")
	wantJSON(t, call(srv, "GetAccount", as("acme", "s3cret", "_userEmail", "test@example.com")...),
		info("test@example.com(acme)", "", 0))
	wantJSON(t, call(srv, "GetAccount", asDefault("_userEmail", "test@example.com")...),
		info("test@example.com(partnername)", "SaneEgg", 30))

	// A plan set on one is not seen on the other.
	wantStatus(t, srv.Do("PATCH", "/_emulator/mousestats/accounts",
		map[string]any{"partnerId": "acme", "email": "test@example.com", "planName": "Pro", "usedHeatmapVisits": 7}), 200)
	wantJSON(t, call(srv, "GetAccount", asDefault("_userEmail", "test@example.com")...),
		info("test@example.com(partnername)", "SaneEgg", 30))

	// A login token signs in to its own partner's account.
	tok := token(t, srv, as("acme", "s3cret", "_userEmail", "test@example.com")...)
	r := srv.Do("GET", "/mousestats/api/doLogin?_token="+tok, nil)
	cookie, _, _ := strings.Cut(r.Header.Get("Set-Cookie"), ";")
	panel := srv.Do("GET", "/mousestats/panel/overview", nil, "Cookie", cookie)
	if !strings.Contains(panel.Body, "Signed in as TEST@example.com(acme)") {
		t.Fatalf("panel:\n%s", panel.Body)
	}

	// Partner state shows only the partner's own data.
	state := srv.Do("GET", "/_emulator/state/mousestats?tenant=acme", nil).Body
	if strings.Contains(state, "partnername") || strings.Count(state, `"loginName"`) != 1 {
		t.Fatalf("acme state leaks:\n%s", state)
	}
}

// PlanDaysLeft counts down by the emulator clock (reference §4.2).
func TestPlanDaysLeftCountdown(t *testing.T) {
	srv := start(t)
	freeze(t, srv, "2031-03-01T10:00:00Z")
	wantText(t, call(srv, "CreateAccount", asDefault("_userEmail", "clock@example.com",
		"_userPassword", "pw", "_activeFreePlan", "true")...), "ok")
	for _, step := range []struct {
		advance string
		days    int
	}{
		{"0s", 30},
		{"1s", 30},
		{"23h58m59s", 30}, // T + 23h59m
		{"1m", 29},        // T + 24h
		{"12h", 29},       // T + 36h
		{"672h", 1},       // T + 29d12h
		{"12h", 0},        // T + 30d
		{"2400h", 0},      // long after: never negative
	} {
		advance(t, srv, step.advance)
		wantJSON(t, call(srv, "GetAccount", asDefault("_userEmail", "clock@example.com")...),
			info("clock@example.com(partnername)", "SaneEgg", step.days))
	}
}
