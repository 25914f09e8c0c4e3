package twipla_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/vendoremu/vendoremu/internal/vtest"
)

// Two INTPs on one emulator: "future" lives on its own clock frozen in 2031,
// "present" follows the emulator clock, here the wall clock. Each sees its
// own time on every route that depends on it, JWT checks included.
func TestEachINTPSeesItsOwnClock(t *testing.T) {
	e := newEnv(t)
	e.srv.Do("POST", "/_emulator/clock", `{"real":true}`)
	future, _ := e.tenant(map[string]any{})
	present, _ := e.tenant(map[string]any{})
	e.srv.TenantClock("twipla", future, map[string]any{"now": "2031-05-01T08:00:00Z"})
	fNow := time.Date(2031, 5, 1, 8, 0, 0, 0, time.UTC)
	wall := time.Now().UTC()

	// Tokens are judged on the clock of the INTP they name.
	signAt := func(intp string, at time.Time) string {
		return sign(t, testKey(t), intp, jwt.MapClaims{"roles": []string{"intp"}, "intp_id": intp,
			"iat": at.Unix(), "exp": at.Add(10 * time.Minute).Unix()})
	}
	get := func(intp string, tok string) int {
		return e.srv.Do("GET", "/twipla/v2/3as/packages", nil, "Authorization", "Bearer "+tok).Status
	}
	if a, b := get(future, signAt(future, fNow)), get(present, signAt(present, wall)); a != 200 || b != 200 {
		t.Fatalf("tokens signed at each INTP's now are refused: %d %d", a, b)
	}
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/packages", nil, "Authorization", "Bearer "+signAt(future, wall)), 401, "token expired", "invalid access token")
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/packages", nil, "Authorization", "Bearer "+signAt(present, fNow)), 401, "token issued in the future", "invalid access token")
	// The control plane mints tokens at the INTP's now.
	for _, intp := range []string{future, present} {
		r := e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": intp})
		tok := obj(t, r.Body)["token"].(string)
		if get(intp, tok) != 200 {
			t.Fatalf("minted token of %s refused", intp)
		}
	}

	// Customers, websites and their trial periods start at each INTP's now.
	create := func(intp string) map[string]any {
		tok := obj(t, e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": intp}).Body)["token"].(string)
		r := e.srv.Do("POST", "/twipla/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com",
			"website": map[string]any{"intpWebsiteId": "w1", "domain": "w1.example.com"}}, "Authorization", "Bearer "+tok)
		if r.Status != 201 {
			t.Fatalf("create customer: %d %s", r.Status, r.Body)
		}
		return obj(t, r.Body)["payload"].(map[string]any)
	}
	fc, pc := create(future), create(present)
	fw := fc["website"].(map[string]any)
	if fc["createdAt"] != "2031-05-01T08:00:00Z" || fw["createdAt"] != "2031-05-01T08:00:00Z" || fw["expiresAt"] != "2031-05-31T08:00:00Z" || fw["inTrial"] != true {
		t.Fatalf("future's customer %v", fc)
	}
	pCreated, _ := time.Parse(time.RFC3339, pc["createdAt"].(string))
	if time.Since(pCreated).Abs() > time.Minute {
		t.Fatalf("present's customer %v", pc)
	}
	// The trial ends 30 days on future's clock, not on present's.
	e.srv.TenantClock("twipla", future, map[string]any{"advance": "31d"})
	site := func(intp string) vtest.Response {
		tok := obj(t, e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": intp}).Body)["token"].(string)
		return e.srv.Do("GET", "/twipla/v2/3as/websites/w1", nil, "Authorization", "Bearer "+tok)
	}
	if r := site(future); !strings.Contains(r.Body, `"inTrial":false`) || strings.Contains(r.Body, "unlimited_30_day_free_trial") {
		t.Fatalf("future's website after 31 days: %s", r.Body)
	}
	if r := site(present); !strings.Contains(r.Body, `"inTrial":true`) {
		t.Fatalf("present's website: %s", r.Body)
	}
	// The dump shows future's clock; a reset of future releases it.
	if d := e.srv.Do("GET", "/_emulator/state/twipla?tenant="+future, nil).Body; !strings.HasSuffix(d, `,"clock":{"now":"2031-06-01T08:00:00Z","frozen":true}}]}`) {
		t.Fatalf("future's dump: %s", d)
	}
	e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+future, nil)
	if r := e.srv.Do("GET", "/_emulator/clock?vendor=twipla&tenant="+future, nil); !strings.Contains(r.Body, `"own":false`) {
		t.Fatalf("after reset: %s", r.Body)
	}
}

func TestINTPFaultLeavesTheOtherINTPAlone(t *testing.T) {
	e := newEnv(t)
	if r := e.srv.Do("POST", "/_emulator/faults", map[string]any{"vendor": "twipla", "tenant": accountINTP, "status": 503, "body": "{}"}); r.Status != http.StatusCreated {
		t.Fatal(r.Body)
	}
	if r := e.as(accountINTP).do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c9", "email": "c9@example.com"}); r.Status != 503 {
		t.Fatalf("faulted INTP: %d %s", r.Status, r.Body)
	}
	e.as(websiteINTP).customer("c9", "", "")
	if d := e.srv.Do("GET", "/_emulator/state/twipla?tenant="+accountINTP, nil).Body; strings.Contains(d, `"c9"`) {
		t.Fatalf("the faulted call wrote: %s", d)
	}
	// A token with a bad signature names no INTP: the vendor's own answer.
	bad := sign(t, testKey(t), accountINTP, e.intpClaims(accountINTP))
	bad = bad[:len(bad)-4] + "AAAA"
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/customers", nil, "Authorization", "Bearer "+bad), 401, "invalid signature", "invalid access token")
}

func TestStateLoadsAsSeed(t *testing.T) {
	e := newEnv(t)
	intp, ids := e.tenant(map[string]any{})
	e.srv.TenantClock("twipla", intp, map[string]any{"now": "2031-05-01T08:00:00Z"})
	e.now = time.Date(2031, 5, 1, 8, 0, 0, 0, time.UTC)
	c := e.as(intp)
	c.customer("owner", "w1", "")
	c.ok(204, "PUT", "/v3/3as/packages/"+ids["Custom"]+"/assignments/w1", nil)
	c.customer("c2", "w2", "")
	c.customer("c3", "", "")
	agency := c.payload(201, "POST", "/v2/3as/packages", map[string]any{"name": "Agency", "touchpoints": 250000, "price": 29,
		"currency": "USD", "period": "yearly"})["id"].(string)
	e.srv.TenantClock("twipla", intp, map[string]any{"advance": "2d"})
	e.now = e.now.Add(48 * time.Hour)
	c.ok(200, "POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w2", "packageId": agency, "proRate": true})
	c.ok(200, "POST", "/v3/3as/websites/w1/contributors", map[string]any{"intpCustomerId": "c3", "role": "editor"})
	c.ok(200, "POST", "/v2/3as/websites/w1/whitelisted-domains", map[string]any{"domain": "shop.example.com"})
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "ci", "comment": "for CI"})
	site := c.website("w1")["id"].(string)
	if r := e.srv.Do("POST", "/twipla/v2/3as/api-keys/login", map[string]any{"apiKey": key["apiKey"], "websiteId": site}); r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	if r := e.srv.Do("POST", "/_emulator/twipla/sessions", map[string]any{"intpId": intp, "intpWebsiteId": "w1",
		"sessions": []any{map[string]any{"country": "DE", "events": 3, "recorded": true, "heatmapIncrements": 2}}}); r.Status != 201 {
		t.Fatalf("sessions: %d %s", r.Status, r.Body)
	}

	fresh := newEnv(t)
	dump, reloaded := e.srv.RoundTrip(fresh.srv, "twipla", intp)
	if reloaded != dump {
		t.Fatalf("reloaded INTP differs:\n%s\n%s", dump, reloaded)
	}
	// The reloaded INTP signs with the built-in key, its API key logs in,
	// its customers see their websites.
	fresh.now = e.now
	if r := fresh.as(intp).do("GET", "/v2/3as/websites/w2", nil); r.Status != 200 || !strings.Contains(r.Body, `"packageName":"Agency"`) {
		t.Fatalf("website in the fresh emulator: %d %s", r.Status, r.Body)
	}
	if r := fresh.srv.Do("POST", "/twipla/v2/3as/api-keys/login", map[string]any{"apiKey": key["apiKey"], "websiteId": site}); r.Status != 200 {
		t.Fatalf("login in the fresh emulator: %d %s", r.Status, r.Body)
	}
	// A dump entry for an INTP that exists is refused, not merged.
	if r := fresh.srv.Do("POST", "/_emulator/seed", `{"twipla":`+dump+`}`); r.Status != 400 || !strings.Contains(r.Body, "exists") {
		t.Fatalf("second load: %d %s", r.Status, r.Body)
	}
}
