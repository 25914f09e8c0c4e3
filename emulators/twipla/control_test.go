package twipla_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/seed"
	"github.com/vendoremu/vendoremu/store"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func wantControl(t *testing.T, r vtest.Response, status int, message string) {
	t.Helper()
	if r.Status != status || r.Body != `{"error":`+quote(message)+`}` {
		t.Fatalf("want %d %q, got %d %s", status, message, r.Status, r.Body)
	}
}

func TestCreateTenant(t *testing.T) {
	e := newEnv(t)
	r := e.srv.Do("POST", "/_emulator/twipla/tenants", nil)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := strings.Join(keysOf(t, r.Body), ","); got != "intpId,name,address,subscriptionType,billingMode,websiteOnboarding,createdAt,moveErrors,publicKey,privateKey,packages" {
		t.Fatalf("keys %s", got)
	}
	ten := obj(t, r.Body)
	id := ten["intpId"].(string)
	if !uuidPattern.MatchString(id) || ten["name"] != "INTP "+id[:8] || ten["address"] != "" || ten["subscriptionType"] != "website" ||
		ten["billingMode"] != "company_managed" || ten["websiteOnboarding"] != false || ten["createdAt"] != t0 || ten["moveErrors"] != 500.0 ||
		ten["privateKey"] != string(seed.TwiplaTestPrivateKeyPEM) || ten["publicKey"] != string(seed.TwiplaTestPublicKeyPEM) {
		t.Fatalf("tenant %v", ten)
	}
	pk := ten["packages"].([]any)
	if len(pk) != 6 {
		t.Fatalf("packages %v", pk)
	}
	for _, p := range pk {
		p := p.(map[string]any)
		if !uuidPattern.MatchString(p["id"].(string)) || p["intpId"] != id || p["createdAt"] != t0 || strings.HasPrefix(p["id"].(string), "4cafe689") {
			t.Fatalf("package %v", p)
		}
	}
	// The private key it returns signs tokens the emulator accepts.
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+e.token(id)); r.Status != 200 ||
		!strings.Contains(r.Body, `"name":"INTP `+id[:8]+`","address":"","createdAt":"`+t0+`"`) {
		t.Fatalf("company: %d %s", r.Status, r.Body)
	}

	r = e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"intpId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
		"name": "Acme", "address": "Main St 1", "subscriptionType": "intpc", "billingMode": "platform_managed", "websiteOnboarding": true})
	if r.Status != 201 || !strings.HasPrefix(r.Body, `{"intpId":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","name":"Acme","address":"Main St 1",`+
		`"subscriptionType":"intpc","billingMode":"platform_managed","websiteOnboarding":true,`) {
		t.Fatalf("chosen fields: %d %s", r.Status, r.Body)
	}
	wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"intpId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"}), 409, "tenant exists")
	wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"intpId": websiteINTP}), 409, "tenant exists")
	for body, msg := range map[string]string{
		`{"intpId":"acme"}`:              "intpId must be a UUID",
		`{"intpId":7}`:                   "intpId must be a string",
		`{"subscriptionType":"account"}`: "subscriptionType must be one of website, intpc",
		`{"billingMode":"free"}`:         "billingMode must be one of company_managed, platform_managed",
		`{"websiteOnboarding":"yes"}`:    "websiteOnboarding must be a boolean",
		`{"name":["x"]}`:                 "name must be a string",
		`[1]`:                            "request body must be a JSON object",
	} {
		wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tenants", body), 400, msg)
	}
}

func TestMintTokens(t *testing.T) {
	e := newEnv(t)
	r := e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": websiteINTP})
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	m := obj(t, r.Body)
	tok := m["token"].(string)
	if got := strings.Join(keysOf(t, r.Body), ","); got != "token,iat,exp,expiresAt" ||
		m["iat"] != float64(e.now.Unix()) || m["exp"] != float64(e.now.Unix()+600) || m["expiresAt"] != "2031-03-10T12:10:00Z" {
		t.Fatalf("answer %s", r.Body)
	}
	parts := strings.Split(tok, ".")
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if string(header) != `{"alg":"RS256","typ":"JWT","kid":"`+websiteINTP+`"}` ||
		string(claims) != `{"roles":["intp"],"intp_id":"`+websiteINTP+`","iat":`+itoa(int(e.now.Unix()))+`,"exp":`+itoa(int(e.now.Unix())+600)+`}` {
		t.Fatalf("token %s / %s", header, claims)
	}
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+tok); r.Status != 200 {
		t.Fatalf("minted token: %d %s", r.Status, r.Body)
	}
	// An INTPC token is refused by the INTP API (403).
	r = e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": websiteINTP, "role": "intpc", "intpcId": "c1", "ttl": 60})
	m = obj(t, r.Body)
	claims, _ = base64.RawURLEncoding.DecodeString(strings.Split(m["token"].(string), ".")[1])
	if string(claims) != `{"roles":["intpc"],"intp_id":"`+websiteINTP+`","intpc_id":"c1","iat":`+itoa(int(e.now.Unix()))+`,"exp":`+itoa(int(e.now.Unix())+60)+`}` {
		t.Fatalf("intpc claims %s", claims)
	}
	wantError(t, e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+m["token"].(string)), 403, "insufficient role", "forbidden")
	// Negative ttl: already expired.
	r = e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": websiteINTP, "ttl": "-5m"})
	wantToken(t, e, "Bearer "+obj(t, r.Body)["token"].(string), "token expired")
	for body, msg := range map[string]string{
		`{}`: "intpId is required",
		`{"intpId":"` + websiteINTP + `","role":"admin"}`: "role must be one of intp, intpc",
		`{"intpId":"` + websiteINTP + `","role":"intpc"}`: "intpcId is required",
		`{"intpId":"` + websiteINTP + `","ttl":"soon"}`:   `ttl must be a duration such as "10m" or "-5m", or integer seconds`,
		`{"intpId":"` + websiteINTP + `","ttl":1.5}`:      `ttl must be a duration such as "10m" or "-5m", or integer seconds`,
	} {
		wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tokens", body), 400, msg)
	}
	wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tokens", `{"intpId":"nope"}`), 404, `unknown INTP "nope"`)
}

func TestResetTenantAndVendor(t *testing.T) {
	e := newEnv(t)
	r := e.srv.Do("POST", "/_emulator/twipla/tenants", nil)
	ten := obj(t, r.Body)
	id := ten["intpId"].(string)
	before := e.as(id).do("GET", "/v2/3as/packages", nil).Body
	b := e.as(id)
	b.customer("c1", "w1", "")
	b.ok(201, "POST", "/v2/3as/packages", map[string]any{"name": "X", "touchpoints": 5, "price": 1, "currency": "EUR", "period": "monthly"})
	basic := ten["packages"].([]any)[2].(map[string]any)["id"].(string)
	b.ok(200, "PATCH", "/v2/3as/packages/"+basic, map[string]any{"name": "Renamed"})
	e.as(websiteINTP).customer("keep", "keep", "")

	if r := e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+id, nil); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if after := b.do("GET", "/v2/3as/packages", nil).Body; after != before {
		t.Fatalf("packages after reset\n%s\nwant\n%s", after, before)
	}
	if r := b.do("GET", "/v2/3as/customers?page=0&pageSize=5", nil); !strings.Contains(r.Body, `"total":0`) {
		t.Fatalf("customers after reset: %s", r.Body)
	}
	// The key (the built-in one) and other tenants are untouched.
	e.as(websiteINTP).website("keep")
	wantControl(t, e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant=nope", nil), 404, `unknown tenant "nope" of twipla`)

	// A seeded INTP resets to its seed.
	e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+websiteINTP, nil)
	wantNotFound(t, e.as(websiteINTP).do("GET", "/v2/3as/websites/keep", nil), "website")

	// A vendor reset drops created tenants.
	e.srv.Do("POST", "/_emulator/reset?vendor=twipla", nil)
	wantToken(t, e, "Bearer "+e.token(id), "unknown key id")
	if r := e.srv.Do("GET", companyPath, nil, "Authorization", "Bearer "+e.token(accountINTP)); r.Status != 200 {
		t.Fatalf("seeded INTP after vendor reset: %d", r.Status)
	}
}

func TestState(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgPro)
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	record(t, e, websiteINTP, "w1", map[string]any{"country": "DE"})
	r := e.srv.Do("GET", "/_emulator/state/twipla", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Body, `{"tenants":[{"intpId":"`+websiteINTP+`","name":`) ||
		!strings.Contains(r.Body, `"intpId":"`+accountINTP+`"`) {
		t.Fatalf("state: %d %s", r.Status, r.Body)
	}
	r = e.srv.Do("GET", "/_emulator/state/twipla?tenant="+websiteINTP, nil)
	tenants := obj(t, r.Body)["tenants"].([]any)
	if len(tenants) != 1 {
		t.Fatalf("narrowed: %s", r.Body)
	}
	st := tenants[0].(map[string]any)
	if got := strings.Join(keysOf(t, strings.TrimSuffix(strings.TrimPrefix(r.Body, `{"tenants":[`), `]}`)), ","); got !=
		"intpId,name,address,createdAt,billingMode,subscriptionType,websiteOnboarding,moveErrors,publicKey,packages,customers,websites,subscriptions,apiKeys,sessions,whitelistedDomains,contributors,loginTokens" {
		t.Fatalf("state keys %s", got)
	}
	if len(st["packages"].([]any)) != 6 || len(st["customers"].([]any)) != 1 || len(st["websites"].([]any)) != 1 ||
		len(st["subscriptions"].([]any)) != 1 || len(st["sessions"].([]any)) != 1 ||
		st["apiKeys"].([]any)[0].(map[string]any)["apiKey"] != key ||
		st["sessions"].([]any)[0].(map[string]any)["intpWebsiteId"] != "w1" {
		t.Fatalf("state %v", st)
	}
	wantControl(t, e.srv.Do("GET", "/_emulator/state/twipla?tenant=nope", nil), 404, `unknown tenant "nope" of twipla`)
}

func TestSeedDocument(t *testing.T) {
	e := newEnv(t)
	const seeded, teamID, freeID = "99999999-8888-4777-8666-555555555555", "12345678-1234-4234-8234-123456789012",
		"12345678-1234-4234-8234-000000000000"
	doc := `{"twipla":{"tenants":[
		{"intpId":"` + websiteINTP + `","moveErrors":400,
			"packages":[{"name":"Extra","touchpoints":7000,"price":3,"currency":"EUR","period":"monthly","recommended":true}],
			"customers":[{"intpCustomerId":"seeded","email":"seeded@example.com",
			"websites":[{"intpWebsiteId":"sw1","domain":"seeded.example.com","packageId":"` + pkgBasic + `",
				"apiKeys":[{"name":"ci","apiKey":"twpl-CiKeyFromTheSeed1"}]}]}]},
		{"intpId":"` + seeded + `","name":"Seeded Partner","subscriptionType":"intpc",
			"packages":[{"id":"` + freeID + `","name":"free","touchpoints":1000,"price":0,"currency":"USD","period":"monthly"},
				{"id":"` + teamID + `","name":"Team","touchpoints":20000,"price":9,"currency":"USD","period":"yearly","visibility":"restricted"}],
			"customers":[{"intpCustomerId":"acct","email":"acct@example.com","packageId":"` + teamID + `"}]}
	]}}`
	// A restricted package cannot start a subscription: the whole document fails.
	r := e.srv.Do("POST", "/_emulator/seed", doc)
	if r.Status != 400 || !strings.Contains(r.Body, "tenants[1].customers[0]: package is not available for this target") {
		t.Fatalf("bad seed: %d %s", r.Status, r.Body)
	}
	c := e.as(websiteINTP)
	wantNotFound(t, c.do("GET", "/v2/3as/customers/seeded", nil), "customer")

	doc = strings.Replace(doc, `"visibility":"restricted"`, `"visibility":"public"`, 1)
	if r := e.srv.Do("POST", "/_emulator/seed", doc); r.Status != 200 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	fieldsOf(t, "seeded website", c.website("sw1"), map[string]any{"packageName": "Basic", "intpCustomerId": "seeded"})
	if r := e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", "twpl-CiKeyFromTheSeed1"); r.Status != 200 {
		t.Fatalf("seeded key: %d %s", r.Status, r.Body)
	}
	// An existing INTP gets packages added and its moveErrors set.
	all := "free,unlimited_30_day_free_trial,Basic,Pro,Business,Custom"
	if got := packageNames(t, c.do("GET", "/v2/3as/packages", nil).Body); got != all+",Extra" {
		t.Fatalf("extended set: %s", got)
	}
	downgradeUp := map[string]any{"intpWebsiteId": "sw1", "packageId": pkgPro}
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/downgrade", downgradeUp), "downgrade requires a package with fewer touchpoints than the current one")
	// A new INTP holds exactly its own packages.
	a := e.as(seeded)
	if got := packageNames(t, a.do("GET", "/v2/3as/packages", nil).Body); got != "free,Team" {
		t.Fatalf("seeded set: %s", got)
	}
	sub := a.payload(200, "POST", "/v3/3as/intpc-subscriptions/cancel", map[string]any{"intpcId": "acct"})
	fieldsOf(t, "seeded account", sub, map[string]any{"packageName": "Team", "billingInterval": "yearly", "status": "canceled",
		"plannedDowngradePackageId": freeID})
	// A tenant reset gives each back the set it started with; moveErrors stays.
	for _, id := range []string{websiteINTP, seeded} {
		if r := e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+id, nil); r.Status != 200 {
			t.Fatalf("reset %s: %d %s", id, r.Status, r.Body)
		}
	}
	if got := packageNames(t, c.do("GET", "/v2/3as/packages", nil).Body); got != all {
		t.Fatalf("reset default set: %s", got)
	}
	if r := a.do("GET", "/v2/3as/packages/"+teamID, nil); r.Status != 200 || packageNames(t, a.do("GET", "/v2/3as/packages", nil).Body) != "free,Team" {
		t.Fatalf("reset own set: %d %s", r.Status, r.Body)
	}
	c.customer("again", "sw1", pkgBasic)
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/downgrade", downgradeUp), "downgrade requires a package with fewer touchpoints than the current one")

	for d, msg := range map[string]string{
		`{"twipla":{"tenants":{}}}`: "tenants must be an array of objects",
		`{"twipla":{"intps":[]}}`:   "unknown member intps: the section has only tenants",
		`{"twipla":{"tenants":[{"intpId":"` + websiteINTP + `","name":"x"}]}}`:                                                       "tenants[0]: INTP " + websiteINTP + " exists: only packages, customers and moveErrors can be given for it, not name",
		`{"twipla":{"tenants":[{"intpId":"` + websiteINTP + `","moveErrors":404}]}}`:                                                 "tenants[0].moveErrors must be 400 or 500",
		`{"twipla":{"tenants":[{"moveErrors":"400"}]}}`:                                                                              "tenants[0].moveErrors must be 400 or 500",
		`{"twipla":{"tenants":[{"packages":[]}]}}`:                                                                                   "tenants[0].packages must list at least one package",
		`{"twipla":{"tenants":[{"packages":[{"name":"P","touchpoints":-1,"price":1,"currency":"EUR","period":"monthly"}]}]}}`:        "tenants[0].packages[0].touchpoints must be 1 or greater",
		`{"twipla":{"tenants":[{"intpId":"x"}]}}`:                                                                                    "tenants[0].intpId must be a UUID",
		`{"twipla":{"tenants":[{"customers":[{"intpCustomerId":"a","email":"bad"}]}]}}`:                                              "tenants[0].customers[0].email must be a valid email address",
		`{"twipla":{"tenants":[{"intpId":"` + websiteINTP + `","customers":[{"intpCustomerId":"again","email":"n@example.com"}]}]}}`: "tenants[0].customers[0]: customer already exists",
	} {
		r := e.srv.Do("POST", "/_emulator/seed", d)
		if r.Status != 400 || !strings.Contains(r.Body, msg) {
			t.Errorf("%s: %d %s", d, r.Status, r.Body)
		}
	}
}

func TestDashboardURL(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("owner", "w1", "")
	c.customer("helper", "", "")
	c.customer("stranger", "", "")
	c.ok(200, "POST", "/v3/3as/websites/w1/contributors", map[string]any{"intpCustomerId": "helper", "role": "watcher"})
	w1 := c.website("w1")
	mint := func(intpID, role, cid, ttl string) string {
		body := map[string]any{"intpId": intpID, "role": role, "intpcId": cid}
		if ttl != "" {
			body["ttl"] = ttl
		}
		return obj(t, e.srv.Do("POST", "/_emulator/twipla/tokens", body).Body)["token"].(string)
	}
	dash := func(q string) map[string]any {
		t.Helper()
		r := e.srv.Do("GET", "/_emulator/twipla/dashboard-url?"+q, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		return obj(t, r.Body)
	}
	ownerTok := mint(websiteINTP, "intpc", "owner", "")
	r := e.srv.Do("GET", "/_emulator/twipla/dashboard-url?intpc_token="+ownerTok+"&externalWebsiteId=w1", nil)
	want := `{"ok":true,"screen":"dashboard","reason":null,"intpId":"` + websiteINTP + `","intpCustomerId":"owner","intpWebsiteId":"w1",` +
		`"websiteId":"` + w1["id"].(string) + `","access":"owner","locale":"en","timezone":"UTC","startDate":null,"endDate":null,` +
		`"upgradePackageId":null,"url":"https://app-3as.visitor-analytics.io/?externalWebsiteId=w1&intpc_token=` + ownerTok + `"}`
	if r.Status != 200 || r.Body != want {
		t.Fatalf("\n got %d %s\nwant %s", r.Status, r.Body, want)
	}
	d := dash("intpcToken=" + mint(websiteINTP, "intpc", "helper", "") + "&externalWebsiteId=w1&locale=de&timezone=Europe/Berlin&startDate=2031-03-01&endDate=2031-02-30&upgradePackageId=" + pkgPro)
	fieldsOf(t, "contributor", d, map[string]any{"ok": true, "access": "watcher", "locale": "de", "timezone": "Europe/Berlin",
		"startDate": "2031-03-01", "endDate": nil, "screen": "dashboard", "upgradePackageId": nil})
	u, _ := url.Parse(d["url"].(string))
	if u.Query().Get("locale") != "de" || u.Query().Get("upgradePackageId") != pkgPro || u.Query().Get("intpc_token") == "" {
		t.Fatalf("url %s", d["url"])
	}
	fieldsOf(t, "odd params", dash("intpcToken="+ownerTok+"&externalWebsiteId=w1&locale=DEU&timezone=Mars/Olympus"),
		map[string]any{"locale": "en", "timezone": "UTC"})

	failures := map[string]string{
		"intpcToken=" + mint(websiteINTP, "intpc", "stranger", "") + "&externalWebsiteId=w1": "no access to this website",
		"intpcToken=" + mint(websiteINTP, "intpc", "ghost", "") + "&externalWebsiteId=w1":    "customer not found",
		"intpcToken=" + ownerTok + "&externalWebsiteId=w9":                                   "website not found",
		"intpcToken=" + mint(websiteINTP, "intp", "", "") + "&externalWebsiteId=w1":          "insufficient role",
		"intpcToken=" + mint(websiteINTP, "intpc", "owner", "-5m") + "&externalWebsiteId=w1": "token expired",
		"intpcToken=garbage&externalWebsiteId=w1":                                            "malformed token",
		"intpcToken=" + mint(accountINTP, "intpc", "owner", "") + "&externalWebsiteId=w1":    "customer not found",
	}
	for q, reason := range failures {
		d := dash(q)
		fieldsOf(t, reason, d, map[string]any{"ok": false, "screen": "error", "reason": reason, "access": nil, "upgradePackageId": nil})
	}
	fieldsOf(t, "unknown kid", dash("intpcToken="+mint(websiteINTP, "intpc", "owner", "")[:0]+sign(t, ownKey(), "00000000-0000-4000-8000-000000000000",
		e.intpClaims("00000000-0000-4000-8000-000000000000"))+"&externalWebsiteId=w1"), map[string]any{"reason": "unknown key id", "intpId": nil})
	wantControl(t, e.srv.Do("GET", "/_emulator/twipla/dashboard-url", nil), 400, "give intpcToken (or intpc_token) or websiteToken")
	wantControl(t, e.srv.Do("GET", "/_emulator/twipla/dashboard-url?intpcToken="+ownerTok, nil), 400, "externalWebsiteId is required with an INTPC token")

	// Website tokens from the API-key login.
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	login := obj(t, e.srv.Do("POST", "/twipla/v2/3as/api-keys/login", loginBody(key, w1["id"].(string))).Body)["payload"].(map[string]any)
	d = dash("websiteToken=" + login["refreshToken"].(string))
	fieldsOf(t, "website token", d, map[string]any{"ok": true, "access": "apiKey", "intpWebsiteId": "w1", "intpCustomerId": "owner",
		"websiteId": w1["id"], "url": "https://app-3as.visitor-analytics.io/?websiteToken=" + login["refreshToken"].(string)})
	fieldsOf(t, "access token is not a website token", dash("websiteToken="+login["token"].(string)), map[string]any{"ok": false, "reason": "invalid website token"})
	e.advance("31d")
	fieldsOf(t, "expired refresh token", dash("websiteToken="+login["refreshToken"].(string)), map[string]any{"ok": false, "reason": "invalid website token"})

	// An inactive website shows the error screen.
	c.ok(200, "POST", "/v3/3as/website-subscriptions/deactivate", map[string]any{"intpWebsiteId": "w1"})
	fieldsOf(t, "inactive", dash("intpcToken="+mint(websiteINTP, "intpc", "owner", "")+"&externalWebsiteId=w1"),
		map[string]any{"ok": false, "reason": "website is inactive", "websiteId": w1["id"]})
}

func TestDashboardCheckout(t *testing.T) {
	e := newEnv(t)
	a := e.as(accountINTP) // platform_managed
	a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com",
		"website": map[string]any{"intpWebsiteId": "w1", "domain": "w1.io"}})
	tok := obj(t, e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": accountINTP, "role": "intpc", "intpcId": "c1"}).Body)["token"].(string)
	get := func(pkg string) map[string]any {
		return obj(t, e.srv.Do("GET", "/_emulator/twipla/dashboard-url?intpc_token="+tok+"&externalWebsiteId=w1&upgradePackageId="+pkg, nil).Body)
	}
	fieldsOf(t, "checkout", get(accPro), map[string]any{"ok": true, "screen": "checkout", "upgradePackageId": accPro})
	fieldsOf(t, "restricted, not assigned", get(accCust), map[string]any{"screen": "dashboard", "upgradePackageId": nil})
	a.ok(204, "PUT", "/v3/3as/packages/"+accCust+"/assignments/c1", nil)
	fieldsOf(t, "restricted, assigned", get(accCust), map[string]any{"screen": "checkout", "upgradePackageId": accCust})
	fieldsOf(t, "unknown package", get("nope"), map[string]any{"screen": "dashboard", "upgradePackageId": nil})
	// company_managed INTPs never see the checkout.
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	tok2 := obj(t, e.srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": websiteINTP, "role": "intpc", "intpcId": "c1"}).Body)["token"].(string)
	d := obj(t, e.srv.Do("GET", "/_emulator/twipla/dashboard-url?intpc_token="+tok2+"&externalWebsiteId=w1&upgradePackageId="+pkgPro, nil).Body)
	fieldsOf(t, "company managed", d, map[string]any{"screen": "dashboard", "upgradePackageId": nil})
}

// pkgBody is a package entry of a tenant body.
func pkgBody(name string, touchpoints int, kv ...any) map[string]any {
	b := map[string]any{"name": name, "touchpoints": touchpoints, "price": 1, "currency": "EUR", "period": "monthly"}
	for i := 0; i < len(kv); i += 2 {
		b[kv[i].(string)] = kv[i+1]
	}
	return b
}

// A tenant created with its own packages holds exactly them, and every
// listed package that is not restricted starts a subscription, as test
// suites written for a real INTP assume (§7.1, §0).
func TestTenantPackageSet(t *testing.T) {
	e := newEnv(t)
	const chosen = "aaaaaaaa-0000-4000-8000-000000000001"
	r := e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"packages": []any{
		pkgBody("free", 500, "price", 0, "currency", "USD"),
		pkgBody("Starter", 5000, "price", 5, "currency", "USD", "recommended", true),
		pkgBody("Growth", 50000, "id", chosen, "price", 50.5, "period", "yearly", "visibility", "public", "externalId", "g-1"),
		pkgBody("Agency", 500000, "price", 300, "visibility", "restricted"),
	}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	ten := obj(t, r.Body)
	id := ten["intpId"].(string)
	c := e.as(id)
	list := c.do("GET", "/v2/3as/packages", nil)
	if packageNames(t, list.Body) != "free,Starter,Growth,Agency" {
		t.Fatalf("packages: %s", list.Body)
	}
	growth := `{"id":"` + chosen + `","name":"Growth","touchpoints":50000,"intpId":"` + id + `","price":50.5,"currency":"EUR",` +
		`"period":"yearly","recommended":false,"createdAt":"` + t0 + `","visibility":"public","restrictedTo":[],"externalId":"g-1"}`
	if !strings.Contains(r.Body, `"packages":[`) || !strings.Contains(r.Body, growth) || !strings.Contains(list.Body, growth) ||
		!strings.Contains(list.Body, `"name":"Starter","touchpoints":5000,"intpId":"`+id+`","price":5,"currency":"USD","period":"monthly","recommended":true,`) {
		t.Fatalf("package wire form:\n%s\n%s", r.Body, list.Body)
	}
	// Every listed package can start a subscription, except the restricted one.
	for i, p := range obj(t, list.Body)["payload"].([]any) {
		p := p.(map[string]any)
		cid, wid := fmt.Sprintf("c%d", i), fmt.Sprintf("w%d", i)
		if p["visibility"] == "restricted" {
			wantBad(t, c.do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": cid, "email": cid + "@example.com",
				"website": map[string]any{"intpWebsiteId": wid, "domain": "x.io", "packageId": p["id"]}}), "package is not available for this target")
			continue
		}
		site := c.customer(cid, wid, p["id"].(string))["website"].(map[string]any)
		fieldsOf(t, p["name"].(string), site, map[string]any{"packageId": p["id"], "packageName": p["name"], "inTrial": false})
	}
	// No trial in this set: a website without a package starts on free;
	// cancellations end there.
	fieldsOf(t, "no package", c.customer("plain", "wp", "")["website"].(map[string]any), map[string]any{"packageName": "free", "inTrial": false})
	sub := c.payload(200, "POST", "/v3/3as/website-subscriptions/cancel", map[string]any{"intpWebsiteId": "w1"})
	fieldsOf(t, "canceled", sub, map[string]any{"plannedDowngradePackageId": ten["packages"].([]any)[0].(map[string]any)["id"]})
	// Only the recommended package refuses a rename; a tenant reset restores
	// the set as it was chosen (ids and names), without later packages.
	wantBad(t, c.do("PATCH", "/v2/3as/packages/"+ten["packages"].([]any)[1].(map[string]any)["id"].(string), map[string]any{"name": "x"}),
		"this package cannot be updated")
	c.ok(200, "PATCH", "/v2/3as/packages/"+chosen, map[string]any{"name": "Growth+"})
	c.ok(201, "POST", "/v2/3as/packages", pkgBody("Later", 9))
	if r := e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+id, nil); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if r := c.do("GET", "/v2/3as/packages", nil); r.Body != list.Body {
		t.Fatalf("after reset\n got %s\nwant %s", r.Body, list.Body)
	}

	// The intpc model; a set without free: a package must be named, nothing
	// can be canceled, planned downgrades still happen.
	acc, ap := e.tenant(map[string]any{"subscriptionType": "intpc", "packages": []any{pkgBody("Solo", 1000), pkgBody("Team", 10000)}})
	a := e.as(acc)
	for _, name := range []string{"Solo", "Team"} {
		site := a.payload(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": name, "email": name + "@example.com",
			"packageId": ap[name], "website": map[string]any{"intpWebsiteId": name, "domain": "x.io"}})["website"].(map[string]any)
		fieldsOf(t, name, site, map[string]any{"packageName": name})
	}
	wantBad(t, a.do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "none", "email": "none@example.com"}),
		"packageId is required: the INTP's package set has no free package")
	wantBad(t, a.do("POST", "/v3/3as/intpc-subscriptions/cancel", map[string]any{"intpcId": "Team"}),
		"subscription cannot be canceled: the INTP's package set has no free package")
	a.ok(200, "POST", "/v3/3as/intpc-subscriptions/downgrade", map[string]any{"intpcId": "Team", "packageId": ap["Solo"]})
	web, wp := e.tenant(map[string]any{"packages": []any{pkgBody("Solo", 1000)}})
	cw := e.as(web)
	cw.customer("c1", "w1", wp["Solo"])
	wantBad(t, cw.do("POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "w2", "domain": "x.io"},
		"intpc": map[string]any{"id": "c1"}}), "website.package is required: the INTP's package set has no free package")
	wantBad(t, cw.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w2", "intpCustomerId": "c1", "domain": "x.io"}),
		"packageId is required: the INTP's package set has no free package")
	wantNotFound(t, cw.do("GET", "/v2/3as/packages/"+ap["Solo"], nil), "package") // sets are per INTP

	// A set with the trial: it starts by default, ends on free, cannot be renamed.
	tr, tp := e.tenant(map[string]any{"packages": []any{pkgBody("free", 100), pkgBody("unlimited_30_day_free_trial", -1, "price", 0), pkgBody("Pro", 900)}})
	ct := e.as(tr)
	site := ct.customer("t1", "t1", "")["website"].(map[string]any)
	fieldsOf(t, "trial", site, map[string]any{"packageName": "unlimited_30_day_free_trial", "inTrial": true, "expiresAt": "2031-04-09T12:00:00Z"})
	wantBad(t, ct.do("PATCH", "/v2/3as/packages/"+tp["unlimited_30_day_free_trial"], map[string]any{"name": "x"}), "this package cannot be updated")
	e.advance("30d")
	fieldsOf(t, "after the trial", ct.website("t1"), map[string]any{"packageId": tp["free"], "inTrial": false})
	fieldsOf(t, "before the period ends", a.website("Team"), map[string]any{"packageName": "Team"})
	e.advance("1d")
	fieldsOf(t, "the downgrade planned on the set without free", a.website("Team"), map[string]any{"packageName": "Solo"})

	// Sets that cannot be used; nothing is created.
	before := len(obj(t, e.srv.Do("GET", "/_emulator/state/twipla", nil).Body)["tenants"].([]any))
	for _, tc := range []struct {
		body any
		msg  string
	}{
		{[]any{}, "packages must list at least one package"},
		{map[string]any{}, "packages must be an array of objects"},
		{[]any{"free"}, "packages must be an array of objects"},
		{[]any{pkgBody("A", 1, "id", "nope")}, "packages[0].id must be a UUID"},
		{[]any{pkgBody("A", 1, "id", chosen), pkgBody("B", 2, "id", chosen)}, "packages[1].id " + chosen + " is listed twice"},
		{[]any{pkgBody("free", 1), pkgBody("free", 2)}, "packages[1].name free is listed twice"},
		{[]any{pkgBody("unlimited_30_day_free_trial", -1)}, "packages: a set with unlimited_30_day_free_trial needs a package named free, where trials end"},
		{[]any{pkgBody("A", -1)}, "packages[0].touchpoints must be 1 or greater"},
		{[]any{pkgBody("A", 1, "recommended", "yes")}, "packages[0].recommended must be a boolean"},
		{[]any{pkgBody("A", 1, "currency", nil)}, "packages[0].currency is required"},
		{[]any{pkgBody("A", 1, "visibility", "private")}, "packages[0].visibility must be one of public, restricted"},
	} {
		wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"packages": tc.body}), 400, tc.msg)
	}
	for _, v := range []any{404, "400", 400.5, true} {
		wantControl(t, e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"moveErrors": v}), 400, "moveErrors must be 400 or 500")
	}
	if after := len(obj(t, e.srv.Do("GET", "/_emulator/state/twipla", nil).Body)["tenants"].([]any)); after != before {
		t.Fatalf("%d tenants, want %d", after, before)
	}
	if ten := obj(t, e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"moveErrors": 400}).Body); ten["moveErrors"] != 400.0 {
		t.Fatalf("moveErrors %v", ten["moveErrors"])
	}
}

// TestSessionsRecordedInChunks records a batch of 150 sessions (more than
// one multi-row INSERT took when the helper stored them in chunks): every
// one is stored with what the helper answered, in order; a batch whose last
// session is bad is refused whole, naming that session, and stores none.
func TestSessionsRecordedInChunks(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgBusiness)
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	var list []map[string]any
	for i := range 150 {
		list = append(list, map[string]any{"startedAt": fmt.Sprintf("2031-01-01T%02d:%02d:00Z", i/60, i%60),
			"pageViews": 1 + i, "utmSource": fmt.Sprint("s", i), "device": []string{"desktop", "mobile", "tablet"}[i%3]})
	}
	recorded := record(t, e, websiteINTP, "w1", list...)["sessions"].([]any)
	bad := append(append([]map[string]any{}, list...), map[string]any{"pageViews": 0})
	body := map[string]any{"intpId": websiteINTP, "intpWebsiteId": "w1", "sessions": bad}
	if r := e.srv.Do("POST", "/_emulator/twipla/sessions", body); r.Status != 400 || !strings.Contains(r.Body, "sessions[150].pageViews") {
		t.Fatalf("bad batch: %d %s", r.Status, r.Body)
	}
	r := e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions?from=2031-01-01&to=2031-01-02&sort=startedAt&pageSize=200", nil, "x-api-key", key)
	page := obj(t, r.Body)
	stored := page["payload"].([]any)
	if r.Status != 200 || len(stored) != 150 {
		t.Fatalf("%d: %d sessions stored, want 150: %.300s", r.Status, len(stored), r.Body)
	}
	for i, s := range stored {
		got, want := s.(map[string]any), recorded[i].(map[string]any)
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("session %d: %s = %v, recorded %v", i, k, got[k], v)
			}
		}
		if got["pageViews"] != float64(1+i) || got["utmSource"] != fmt.Sprint("s", i) {
			t.Fatalf("session %d stored as %v", i, got)
		}
	}
}

// A package set larger than SQLite takes parameters in one statement is
// stored whole, in order, and a reset restores it.
func TestTenantLargePackageSet(t *testing.T) {
	e := newEnv(t)
	set := []any{pkgBody("free", 500, "price", 0)}
	for i := range 3000 {
		set = append(set, pkgBody(fmt.Sprintf("P%04d", i), 1000+i))
	}
	r := e.srv.Do("POST", "/_emulator/twipla/tenants", map[string]any{"packages": set})
	if r.Status != 201 {
		t.Fatalf("create: %d %.300s", r.Status, r.Body)
	}
	id := obj(t, r.Body)["intpId"].(string)
	names := func() []string {
		return strings.Split(packageNames(t, e.as(id).do("GET", "/v2/3as/packages", nil).Body), ",")
	}
	got := names()
	if len(got) != 3001 || got[0] != "free" || got[1] != "P0000" || got[3000] != "P2999" {
		t.Fatalf("%d packages listed: %v … %v", len(got), got[:min(3, len(got))], got[max(0, len(got)-2):])
	}
	if r := e.srv.Do("POST", "/_emulator/reset?vendor=twipla&tenant="+id, nil); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if again := names(); strings.Join(again, ",") != strings.Join(got, ",") {
		t.Fatalf("after reset %d packages", len(again))
	}
}

// Recorded sessions are stored with the SQLite types their columns hold
// (INTEGER counts and flag, TEXT everything else, a text that looks like a
// number included) and in the order given: each is bound to one prepared
// INSERT (store.InsertRows), whose values SQLite converts by the columns'
// types.
func TestRecordedSessionsStoredValues(t *testing.T) {
	e := newEnv(t)
	e.as(websiteINTP).customer("c1", "w1", pkgBusiness)
	r := e.srv.Do("POST", "/_emulator/twipla/sessions", map[string]any{"intpId": websiteINTP, "intpWebsiteId": "w1", "sessions": []any{
		map[string]any{"visitorId": "123", "startedAt": "2031-03-02T09:00:00Z", "duration": 1 << 40, "pageViews": 3, "events": 2,
			"recorded": true, "country": "1e5", "device": "mobile", "browser": "a\u0000b", "referrer": "ü \"q\" \\", "utmSource": "007"},
		map[string]any{"visitorId": "v2", "startedAt": "2031-03-01T08:00:00Z"},
	}})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var got string
	err := e.srv.Store().Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT group_concat(v, char(10)) FROM (SELECT quote(visitor_id) || ',' || quote(started_at) || ',' ||
			quote(duration) || ',' || quote(page_views) || ',' || quote(events) || ',' || quote(recorded) || ',' ||
			quote(heatmap_increments) || ',' || quote(country) || ',' || quote(device) || ',' || hex(browser) || ',' ||
			typeof(browser) || ',' || quote(referrer) || ',' || quote(utm_source) AS v FROM twipla_sessions ORDER BY seq)`).Scan(&got)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `'123','2031-03-02T09:00:00Z',1099511627776,3,2,1,0,'1e5','mobile',610062,text,'ü "q" \','007'` + "\n" +
		`'v2','2031-03-01T08:00:00Z',60,1,0,0,0,'US','desktop',4368726F6D65,text,'',''`
	if got != want {
		t.Fatalf("stored:\n%s\nwant:\n%s", got, want)
	}
}
