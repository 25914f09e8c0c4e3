package mousestats_test

import (
	"strings"
	"testing"
)

// Two partners on one emulator: "future" lives on its own clock frozen in
// 2031, "present" follows the emulator clock (the wall clock). Each sees its
// own time on every route that depends on it.
func TestEachPartnerSeesItsOwnClock(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "future", "s1")
	newPartner(t, srv, "present", "s2")
	srv.TenantClock("mousestats", "future", map[string]any{"now": "2031-03-01T10:00:00Z"})
	for _, p := range [][2]string{{"future", "s1"}, {"present", "s2"}} {
		wantText(t, call(srv, "CreateAccount", as(p[0], p[1], "_userEmail", "a@example.com", "_userPassword", "pw123456", "_activeFreePlan", "true")...), "ok")
	}
	// The free plan's 30 days count on each partner's clock.
	srv.TenantClock("mousestats", "future", map[string]any{"advance": "10d"})
	wantJSON(t, call(srv, "GetAccount", as("future", "s1", "_userEmail", "a@example.com")...), info("a@example.com(future)", "SaneEgg", 20))
	wantJSON(t, call(srv, "GetAccount", as("present", "s2", "_userEmail", "a@example.com")...), info("a@example.com(present)", "SaneEgg", 30))
	state := srv.Do("GET", "/_emulator/state/mousestats?tenant=future", nil).Body
	if !strings.Contains(state, `"planExpiresAt":"2031-03-31T10:00:00Z","planDaysLeft":20,`) ||
		!strings.Contains(state, `"createdAt":"2031-03-01T10:00:00Z"`) ||
		!strings.HasSuffix(state, `,"clock":{"now":"2031-03-11T10:00:00Z","frozen":true}}]}`) {
		t.Fatalf("future's state: %s", state)
	}
	if s := srv.Do("GET", "/_emulator/state/mousestats?tenant=present", nil).Body; strings.Contains(s, "2031") || strings.Contains(s, `"clock"`) {
		t.Fatalf("present's state: %s", s)
	}

	// A plan set through the control plane counts from the partner's clock.
	wantJSON(t, srv.Do("PATCH", accountsPath, `{"partnerId":"future","email":"a@example.com","planDaysLeft":5}`),
		info("a@example.com(future)", "SaneEgg", 5))
	srv.TenantClock("mousestats", "future", map[string]any{"advance": "2d"})
	wantJSON(t, call(srv, "GetAccount", as("future", "s1", "_userEmail", "a@example.com")...), info("a@example.com(future)", "SaneEgg", 3))

	// Login tokens expire on their partner's clock.
	futureTok := token(t, srv, as("future", "s1", "_userEmail", "a@example.com", "_validHours", "1")...)
	presentTok := token(t, srv, as("present", "s2", "_userEmail", "a@example.com", "_validHours", "1")...)
	srv.TenantClock("mousestats", "future", map[string]any{"advance": "61m"})
	wantLoginPage(t, doLogin(srv, futureTok))
	wantSignedIn(t, doLogin(srv, presentTok))
	if s := srv.Do("GET", "/_emulator/state/mousestats?tenant=future", nil).Body; !strings.Contains(s, `"issuedAt":"2031-03-13T10:00:00Z","expiresAt":"2031-03-13T11:00:00Z","usedAt":null`) {
		t.Fatalf("future's token: %s", s)
	}
}

func TestPartnerFaultLeavesTheOtherPartnerAlone(t *testing.T) {
	srv := start(t)
	newPartner(t, srv, "broken", "s1")
	newPartner(t, srv, "fine", "s2")
	wantStatus(t, srv.Do("POST", "/_emulator/faults", `{"vendor":"mousestats","tenant":"broken","status":503,"body":"down"}`), 201)
	r := call(srv, "CreateAccount", as("broken", "s1", "_userEmail", "a@example.com", "_userPassword", "pw123456")...)
	if r.Status != 503 || r.Body != "down" {
		t.Fatalf("broken partner: %d %s", r.Status, r.Body)
	}
	wantText(t, call(srv, "CreateAccount", as("fine", "s2", "_userEmail", "a@example.com", "_userPassword", "pw123456")...), "ok")
	// The faulted call wrote nothing; a wrong secret names no partner and
	// gets the vendor's own answer.
	if s := srv.Do("GET", "/_emulator/state/mousestats?tenant=broken", nil).Body; strings.Contains(s, "a@example.com") {
		t.Fatalf("faulted CreateAccount wrote: %s", s)
	}
	wantText(t, call(srv, "GetAccount", as("broken", "wrong", "_userEmail", "a@example.com")...), "permission-denied")
}

func TestStateLoadsAsSeed(t *testing.T) {
	srv := start(t)
	srv.Do("POST", "/_emulator/clock", `{"now":"2030-06-01T00:00:00Z"}`)
	newPartner(t, srv, "acme", "s3cret")
	srv.TenantClock("mousestats", "acme", map[string]any{"now": "2031-03-01T10:00:00Z"})
	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret", "_userEmail", "Free@Example.com", "_userPassword", "pw123456", "_activeFreePlan", "true")...), "ok")
	wantText(t, call(srv, "CreateAccount", as("acme", "s3cret", "_userEmail", "none@example.com", "_userPassword", "pw654321")...), "ok")
	wantStatus(t, srv.Do("PATCH", accountsPath, `{"partnerId":"acme","email":"none@example.com","planName":"Pro","planDaysLeft":200,"usedHeatmapVisits":12}`), 200)
	used := token(t, srv, as("acme", "s3cret", "_userEmail", "free@example.com", "_validHours", "2")...)
	cookie := wantSignedIn(t, doLogin(srv, used))
	unused := token(t, srv, as("acme", "s3cret", "_userEmail", "none@example.com", "_validHours", "24")...)
	srv.TenantClock("mousestats", "acme", map[string]any{"advance": "1h"})

	fresh := start(t)
	dump, reloaded := srv.RoundTrip(fresh, "mousestats", "acme")
	if reloaded != dump {
		t.Fatalf("reloaded tenant differs:\n%s\n%s", dump, reloaded)
	}
	// The reloaded partner works as the original: its credentials, its
	// unused token, its panel session, its clock.
	wantJSON(t, call(fresh, "GetAccount", as("acme", "s3cret", "_userEmail", "none@example.com")...), info("none@example.com(acme)", "Pro", 200, 0, 0, 12))
	wantSignedIn(t, doLogin(fresh, unused))
	wantLoginPage(t, doLogin(fresh, used))
	if r := fresh.Do("GET", "/mousestats/panel/overview", nil, "Cookie", cookie); r.Status != 200 || !strings.Contains(r.Body, "Free@Example.com(acme)") {
		t.Fatalf("panel with the dumped session: %d %s", r.Status, r.Body)
	}
}

func TestSeedClockAndDumpFieldsAreChecked(t *testing.T) {
	srv := start(t)
	for _, bad := range []string{
		`{"mousestats":{"tenants":[{"partnerId":"z","clock":{"now":"soon","frozen":true}}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","clock":{"now":"9999-01-01T00:00:00Z","frozen":true}}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","clock":{"now":"2031-01-01T00:00:00Z"}}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","clock":[]}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","accounts":[{"email":"a@example.com","password":"pw","createdAt":"x"}]}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","accounts":[{"email":"a@example.com","password":"pw"}],"loginTokens":[{"token":"nothex","email":"a@example.com"}]}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","loginTokens":[{"token":"5B1F0C9A2E3D4F60718293A4B5C6D7E8","email":"nobody@example.com"}]}]}}`,
		`{"mousestats":{"tenants":[{"partnerId":"z","accounts":[{"email":"a@example.com","password":"pw"}],"sessions":[{"id":"short","email":"a@example.com"}]}]}}`,
	} {
		r := srv.Do("POST", "/_emulator/seed", bad)
		if r.Status != 400 || !strings.HasPrefix(r.Body, `{"error":"mousestats: tenants[0].`) {
			t.Errorf("seed %s: got %d %s", bad, r.Status, r.Body)
		}
	}
	// Nothing of a refused document stays, its clock included.
	wantStatus(t, srv.Do("GET", "/_emulator/state/mousestats?tenant=z", nil), 404)
	wantStatus(t, srv.Do("POST", "/_emulator/seed", `{"mousestats":{"tenants":[{"partnerId":"z","clock":{"now":"2031-01-01T00:00:00Z","frozen":true}}]}}`), 200)
	if r := srv.Do("GET", "/_emulator/clock?vendor=mousestats&tenant=z", nil); r.Body != `{"frozen":true,"now":"2031-01-01T00:00:00Z","own":true,"tenant":"z","vendor":"mousestats"}` {
		t.Fatalf("seeded clock: %s", r.Body)
	}
}
