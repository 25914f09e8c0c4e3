package twipla_test

import (
	"fmt"
	"strings"
	"testing"
)

// The document's own customer-create example works verbatim against the
// default INTP and answers the customer with its website.
func TestCustomerCreateDocumentExample(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	r := c.do("POST", "/v2/3as/customers", `{
		"intpCustomerId": "string",
		"email": "support@twipla.com",
		"website": {
			"intpWebsiteId": "string",
			"packageId": "471cc1d4-ec27-4504-b7c2-949af95662bc",
			"domain": "domain.example.com",
			"billingDate": "2023-08-22T08:14:03+00:00"
		}
	}`)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	p := obj(t, r.Body)["payload"].(map[string]any)
	if got := strings.Join(keysOf(t, mustJSON(t, p, r.Body, "payload")), ","); got != "id,visaId,intpCustomerId,email,intpId,createdAt,website" {
		t.Fatalf("customer keys %s", got)
	}
	if p["intpCustomerId"] != "string" || p["email"] != "support@twipla.com" || p["intpId"] != websiteINTP ||
		p["createdAt"] != t0 || p["id"] == p["visaId"] {
		t.Fatalf("customer %v", p)
	}
	w := p["website"].(map[string]any)
	// The billing date lies in the past: the period that contains now is
	// shown (2031-02-22 … 2031-03-22), on the chosen package.
	want := map[string]any{"status": "active", "intpWebsiteId": "string", "intpCustomerId": "string",
		"visaCustomerId": p["visaId"], "domain": "domain.example.com", "packageId": pkgPro, "packageName": "Pro",
		"billingInterval": "monthly", "billingMode": "company_managed", "subscriptionType": "website",
		"lastPackageChangeAt": nil, "plannedDowngradePackageId": nil, "inTrial": false, "hadTrial": false,
		"createdAt": t0, "expiresAt": "2031-03-22T08:14:03Z", "stpResetAt": "2031-03-22T08:14:03Z"}
	for k, v := range want {
		if w[k] != v {
			t.Errorf("website %s = %v, want %v", k, w[k], v)
		}
	}
	wantKeys := "id,status,intpId,intpWebsiteId,intpCustomerId,visaCustomerId,visaTrackingCode,visaMaxPrivacyModeTrackingCode," +
		"domain,packageId,packageName,billingInterval,billingMode,subscriptionType,lastPackageChangeAt," +
		"plannedDowngradePackageId,plannedDowngradePackageName,plannedDowngradeBillingInterval," +
		"plannedDowngradePackageInterval,inTrial,hadTrial,createdAt,expiresAt,stpResetAt,consumption"
	if got := strings.Join(keysOf(t, mustJSON(t, w, r.Body, "website")), ","); got != wantKeys {
		t.Fatalf("website keys\n got %s\nwant %s", got, wantKeys)
	}
	id := w["id"].(string)
	if w["visaTrackingCode"] != `<script async src="https://cdn.visitor-analytics.io/tracker.js?websiteId=`+id+`"></script>` ||
		w["visaMaxPrivacyModeTrackingCode"] != `<script async src="https://cdn.visitor-analytics.io/tracker.js?websiteId=`+id+`&maxPrivacy=1"></script>` {
		t.Fatalf("tracking codes %v / %v", w["visaTrackingCode"], w["visaMaxPrivacyModeTrackingCode"])
	}
	if !strings.Contains(r.Body, `"consumption":{"stpLimit":100000,"stpConsumed":0,"stpRateVisit":1,"stpConsumedVisit":0,`+
		`"stpRateVisitEvent":1,"stpConsumedVisitEvent":0,"stpRateSessionRecording":1,"stpConsumedSessionRecording":0,`+
		`"stpRateHeatmapIncrement":1,"stpConsumedHeatmapIncrement":0,"stpRatePollAnswer":1,"stpConsumedPollAnswer":0,`+
		`"stpRateSurveyAnswer":1,"stpConsumedSurveyAnswer":0,"stpRateFunnelMatch":1,"stpConsumedFunnelMatch":0}`) {
		t.Fatalf("consumption: %s", r.Body)
	}
	// "<" and "&" travel unescaped, as the vendor writes them.
	if !strings.Contains(r.Body, `<script async`) || !strings.Contains(r.Body, `&maxPrivacy=1`) {
		t.Fatalf("escaped HTML: %s", r.Body)
	}
}

// mustJSON finds the raw JSON of one object inside a body by its id.
func mustJSON(t *testing.T, o map[string]any, body, what string) string {
	t.Helper()
	id, _ := o["id"].(string)
	i := strings.Index(body, `{"id":"`+id+`"`)
	if i < 0 {
		t.Fatalf("%s not found in %s", what, body)
	}
	depth := 0
	inStr := false
	for j := i; j < len(body); j++ {
		switch ch := body[j]; {
		case inStr && ch == '\\':
			j++
		case ch == '"':
			inStr = !inStr
		case !inStr && ch == '{':
			depth++
		case !inStr && ch == '}':
			depth--
			if depth == 0 {
				return body[i : j+1]
			}
		}
	}
	t.Fatalf("unterminated %s", what)
	return ""
}

func TestCustomerWithoutWebsiteAndTrialDefault(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	// The Go SDK always sends the website object; empty means none.
	r := c.do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com",
		"website": map[string]any{"intpWebsiteId": "", "domain": ""}})
	if r.Status != 201 || !strings.HasSuffix(r.Body, `,"createdAt":"`+t0+`","website":null}}`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// Without a package, a website starts the 30-day unlimited free trial.
	w := c.customer("c2", "w2", "")
	site := w["website"].(map[string]any)
	if site["packageName"] != "unlimited_30_day_free_trial" || site["inTrial"] != true || site["hadTrial"] != true ||
		site["expiresAt"] != "2031-04-09T12:00:00Z" || site["stpResetAt"] != "2031-04-09T12:00:00Z" {
		t.Fatalf("trial website %v", site)
	}
	if cons := site["consumption"].(map[string]any); cons["stpLimit"] != float64(-1) {
		t.Fatalf("trial limit %v", cons["stpLimit"])
	}
}

func TestCustomerValidation(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	cases := []struct {
		body any
		msg  string
	}{
		{`{"intpCustomerId":`, "invalid JSON body"},
		{`[1,2]`, "request body must be a JSON object"},
		{``, "intpCustomerId is required"},
		{`{"intpCustomerId":12,"email":"a@b.co"}`, "intpCustomerId must be a string"},
		{`{"intpCustomerId":"  ","email":"a@b.co"}`, "intpCustomerId is required"},
		{`{"intpCustomerId":"a/b","email":"a@b.co"}`, `intpCustomerId must be 1 to 255 characters without "/" or control characters`},
		{`{"intpCustomerId":"` + strings.Repeat("x", 256) + `","email":"a@b.co"}`, `intpCustomerId must be 1 to 255 characters without "/" or control characters`},
		{`{"intpCustomerId":"c9"}`, "email is required"},
		{`{"intpCustomerId":"c9","email":"nope"}`, "email must be a valid email address"},
		{`{"intpCustomerId":"c9","email":"a@@b.co"}`, "email must be a valid email address"},
		{`{"intpCustomerId":"c9","email":"a b@b.co"}`, "email must be a valid email address"},
		{`{"intpCustomerId":"c9","email":"a@localhost"}`, "email must be a valid email address"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","packageId":"` + pkgPro + `"}`, "packageId is only accepted for intpc subscriptions; use website.packageId"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":"w"}`, "website must be an object"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"domain":"x.io"}}`, "website.intpWebsiteId is required"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9"}}`, "website.domain is required"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"a b"}}`, "invalid domain"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"x.io/path"}}`, "invalid domain"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"x..io"}}`, "invalid domain"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"x.io","billingDate":"yesterday"}}`, "website.billingDate must be an RFC 3339 date-time"},
		{`{"intpCustomerId":"c1","email":"c9@x.io"}`, "customer already exists"},
		{`{"intpCustomerId":"c1","email":"c1@example.com"}`, "customer already exists"}, // the id is reported first
		{`{"intpCustomerId":"c9","email":"C1@Example.COM"}`, "email already in use"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w1","domain":"x.io"}}`, "website already exists"},
		{`{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"x.io","packageId":"` + pkgCustom + `"}}`, "package is not available for this target"},
	}
	for _, tc := range cases {
		wantBad(t, c.do("POST", "/v2/3as/customers", tc.body), tc.msg)
	}
	wantNotFound(t, c.do("POST", "/v2/3as/customers", `{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"x.io","packageId":"nope"}}`), "package")
	// A 404 package comes before the duplicate check (§4 processing order).
	wantNotFound(t, c.do("POST", "/v2/3as/customers", `{"intpCustomerId":"c1","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"x.io","packageId":"nope"}}`), "package")
	// Nothing was written by the failed attempts.
	list := c.ok(200, "GET", "/v2/3as/customers?page=0&pageSize=100", nil)
	if n := list["meta"].(map[string]any)["total"]; n != float64(1) {
		t.Fatalf("total %v after failures", n)
	}
	// Domains are normalised.
	p := c.payload(201, "POST", "/v2/3as/customers", `{"intpCustomerId":"c9","email":"c9@x.io","website":{"intpWebsiteId":"w9","domain":"  HTTPS://Shop.Example.COM/ "}}`)
	// Id and e-mail taken by two customers: the id is reported.
	wantBad(t, c.do("POST", "/v2/3as/customers", `{"intpCustomerId":"c9","email":"C1@example.com"}`), "customer already exists")
	if d := p["website"].(map[string]any)["domain"]; d != "shop.example.com" {
		t.Fatalf("domain %v", d)
	}
}

func TestCustomerPagination(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	for i := 0; i < 5; i++ {
		c.customer(fmt.Sprintf("c%d", i), "", "")
	}
	r := c.do("GET", "/v2/3as/customers?page=1&pageSize=2", nil)
	if r.Status != 200 || !strings.HasSuffix(r.Body, `"meta":{"page":1,"pageSize":2,"pageTotal":3,"total":5}}`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	p := obj(t, r.Body)["payload"].([]any)
	if len(p) != 2 || p[0].(map[string]any)["intpCustomerId"] != "c2" || p[1].(map[string]any)["intpCustomerId"] != "c3" {
		t.Fatalf("page 1: %v", p)
	}
	r = c.do("GET", "/v2/3as/customers?page=9&pageSize=2", nil)
	if r.Body != `{"payload":[],"meta":{"page":9,"pageSize":2,"pageTotal":3,"total":5}}` {
		t.Fatalf("past the end: %s", r.Body)
	}
	for _, q := range []string{"", "?page=0", "?pageSize=1", "?page=a&pageSize=1", "?page=0&pageSize=1.5"} {
		wantBad(t, c.do("GET", "/v2/3as/customers"+q, nil), "page and pageSize are required integers")
	}
	wantBad(t, c.do("GET", "/v2/3as/customers?page=-1&pageSize=1", nil), "page must be 0 or greater")
	wantBad(t, c.do("GET", "/v2/3as/customers?page=0&pageSize=0", nil), "pageSize must be between 1 and 1000")
	wantBad(t, c.do("GET", "/v2/3as/customers?page=0&pageSize=1001", nil), "pageSize must be between 1 and 1000")
	// An INTP without customers.
	r = e.as(accountINTP).do("GET", "/v2/3as/customers?page=0&pageSize=10", nil)
	if r.Body != `{"payload":[],"meta":{"page":0,"pageSize":10,"pageTotal":0,"total":0}}` {
		t.Fatalf("empty: %s", r.Body)
	}
}

func TestCustomerGetAndDelete(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	created := c.customer("c+1", "w1", "")
	c.customer("c2", "w2", "")
	got := c.payload(200, "GET", "/v2/3as/customers/c%2B1", nil)
	delete(created, "website")
	if fmt.Sprint(got) != fmt.Sprint(created) {
		t.Fatalf("get %v\nwant %v", got, created)
	}
	wantNotFound(t, c.do("GET", "/v2/3as/customers/nobody", nil), "customer")
	// The owner of w1 contributes to w2; deleting it removes both.
	c.ok(200, "POST", "/v3/3as/websites/w2/contributors", map[string]any{"intpCustomerId": "c+1", "role": "watcher"})
	deleted := c.payload(200, "DELETE", "/v2/3as/customers/c+1", nil)
	if fmt.Sprint(deleted) != fmt.Sprint(created) {
		t.Fatalf("delete answered %v", deleted)
	}
	wantNotFound(t, c.do("GET", "/v2/3as/customers/c+1", nil), "customer")
	wantNotFound(t, c.do("GET", "/v2/3as/websites/w1", nil), "website")
	wantNotFound(t, c.do("DELETE", "/v2/3as/customers/c+1", nil), "customer")
	contributors := c.do("GET", "/v3/3as/websites/w2/contributors", nil)
	if !strings.Contains(contributors.Body, `"contributors":{"editor":[],"watcher":[],"dashboard":[]}`) {
		t.Fatalf("contribution survived: %s", contributors.Body)
	}
	// The ids and the email can be used again.
	c.customer("c+1", "w1", "")
}

// The retired Go SDK always sends "packageId":"" (§0): an empty packageId,
// website.packageId or package.id is no package id, on every create of both
// models; on a move it is a missing packageId.
func TestEmptyPackageIDIsAbsent(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	const trial = "unlimited_30_day_free_trial"
	site := c.payload(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com",
		"packageId": "", "website": map[string]any{"intpWebsiteId": "w1", "domain": "w1.io", "packageId": ""}})["website"]
	fieldsOf(t, "customer create", site.(map[string]any), map[string]any{"packageName": trial, "inTrial": true})
	r := c.do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c2", "email": "c2@example.com",
		"packageId": "", "website": map[string]any{"intpWebsiteId": "", "domain": "", "packageId": ""}})
	if r.Status != 201 || !strings.HasSuffix(r.Body, `"website":null}}`) {
		t.Fatalf("customer without website: %d %s", r.Status, r.Body)
	}
	w := c.payload(201, "POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w2", "intpCustomerId": "c1", "domain": "w2.io", "packageId": ""})
	fieldsOf(t, "v2 website", w, map[string]any{"packageName": trial, "inTrial": true})
	// v3: a package whose id is "" is no package (its billingDate still
	// starts the period); with opts.uft, the trial.
	c.ok(204, "POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "w3", "domain": "w3.io",
		"package": map[string]any{"id": "", "billingDate": "2031-03-01T00:00:00Z"}}, "intpc": map[string]any{"id": "c1"}})
	fieldsOf(t, "v3 website", c.website("w3"), map[string]any{"packageName": "free", "expiresAt": "2031-04-01T00:00:00Z"})
	c.ok(204, "POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "w4", "domain": "w4.io",
		"package": map[string]any{"id": ""}}, "intpc": map[string]any{"id": "c1"}, "opts": map[string]any{"uft": true}})
	fieldsOf(t, "v3 website with uft", c.website("w4"), map[string]any{"packageName": trial})
	wantBad(t, c.do("POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "w5", "domain": "w5.io",
		"package": map[string]any{}}, "intpc": map[string]any{"id": "c1"}}), "website.package.id is required")
	for _, path := range []string{"/v3/3as/website-subscriptions/upgrade", "/v3/3as/website-subscriptions/downgrade"} {
		wantBad(t, c.do("POST", path, map[string]any{"intpWebsiteId": "w1", "packageId": ""}), "packageId is required")
	}

	a := e.as(accountINTP)
	site = a.payload(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com",
		"packageId": "", "website": map[string]any{"intpWebsiteId": "w1", "domain": "w1.io", "packageId": ""}})["website"]
	fieldsOf(t, "account customer create", site.(map[string]any), map[string]any{"packageName": trial, "inTrial": true})
	a.ok(201, "POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w2", "intpCustomerId": "c1", "domain": "w2.io", "packageId": ""})
	a.ok(204, "POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "w3", "domain": "w3.io",
		"package": map[string]any{"id": ""}}, "intpc": map[string]any{"id": "c1"}})
	for _, wid := range []string{"w2", "w3"} {
		fieldsOf(t, wid, a.website(wid), map[string]any{"packageName": trial, "intpCustomerId": "c1"})
	}
	wantBad(t, a.do("POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": ""}), "packageId is required")

	// A seed's website packageId too.
	seed := `{"twipla":{"tenants":[{"intpId":"` + websiteINTP + `","customers":[{"intpCustomerId":"s1","email":"s1@example.com",
		"websites":[{"intpWebsiteId":"sw1","domain":"s.io","packageId":""}]}]}]}}`
	if r := e.srv.Do("POST", "/_emulator/seed", seed); r.Status != 200 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	fieldsOf(t, "seeded website", c.website("sw1"), map[string]any{"packageName": trial})
}
