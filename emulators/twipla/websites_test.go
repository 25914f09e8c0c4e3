package twipla_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestWebsiteCreateV2(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "", "")
	// The document's v2 example (its customer is "string").
	c.customer("string", "", "")
	w := c.payload(201, "POST", "/v2/3as/websites", `{"intpWebsiteId":"string","intpCustomerId":"string",
		"packageId":"471cc1d4-ec27-4504-b7c2-949af95662bc","domain":"domain.example.com","billingDate":"2031-03-10T14:00:00+02:00"}`)
	if w["packageName"] != "Pro" || w["expiresAt"] != "2031-04-10T12:00:00Z" || w["intpCustomerId"] != "string" {
		t.Fatalf("v2 website %v", w)
	}
	// Without a package: the unlimited_30_day_free_trial.
	w = c.payload(201, "POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w2", "intpCustomerId": "c1", "domain": "w2.io"})
	if w["packageName"] != "unlimited_30_day_free_trial" || w["inTrial"] != true {
		t.Fatalf("default package %v", w)
	}
	wantNotFound(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w3", "intpCustomerId": "nobody", "domain": "w3.io"}), "customer")
	wantNotFound(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w3", "intpCustomerId": "c1", "domain": "w3.io", "packageId": "x"}), "package")
	wantBad(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w2", "intpCustomerId": "c1", "domain": "w3.io"}), "website already exists")
	wantBad(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": 5, "intpCustomerId": "c1", "domain": "w3.io"}), "intpWebsiteId must be a string")
	wantBad(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w3", "domain": "w3.io"}), "intpCustomerId is required")
	wantBad(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w3", "intpCustomerId": "c1"}), "domain is required")
	wantBad(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w3", "intpCustomerId": "c1", "domain": "w3.io", "packageId": pkgCustom}), "package is not available for this target")
	// The intpc model rejects a package here.
	a := e.as(accountINTP)
	a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com"})
	wantBad(t, a.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w1", "intpCustomerId": "c1", "domain": "w1.io", "packageId": accPro}),
		"packageId is only accepted for website subscriptions")
}

func TestWebsiteCreateV3(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("string", "", "")
	// The document's v3 example, verbatim: package and opts.uft together.
	r := c.do("POST", "/v3/3as/websites", `{"website":{"id":"string","domain":"string","package":{"id":"497f6eca-6276-4993-bfeb-53cbbbba6f08",
		"billingDate":"2023-08-22T08:14:03+00:00"},"privacyLevel":0},"intpc":{"id":"string"},"opts":{"uft":true}}`)
	if r.Status != 204 || r.Body != "" {
		t.Fatalf("v3 create: %d %q", r.Status, r.Body)
	}
	if w := c.website("string"); w["packageName"] != "Basic" || w["domain"] != "string" || w["inTrial"] != false {
		t.Fatalf("v3 website %v", w)
	}
	// Neither package nor uft: free. uft alone: the trial.
	c.ok(204, "POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "free", "domain": "f.io"}, "intpc": map[string]any{"id": "string"}})
	c.ok(204, "POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "trial", "domain": "t.io"}, "intpc": map[string]any{"id": "string"}, "opts": map[string]any{"uft": true}})
	if w := c.website("free"); w["packageName"] != "free" || w["expiresAt"] != "2031-04-10T12:00:00Z" {
		t.Fatalf("free website %v", w)
	}
	if w := c.website("trial"); w["packageName"] != "unlimited_30_day_free_trial" || w["inTrial"] != true {
		t.Fatalf("trial website %v", w)
	}
	for body, msg := range map[string]string{
		`{}`: "website is required",
		`{"website":{"domain":"x.io"},"intpc":{"id":"string"}}`:                                               "website.id is required",
		`{"website":{"id":"x"},"intpc":{"id":"string"}}`:                                                      "website.domain is required",
		`{"website":{"id":"x","domain":"x.io","package":{}},"intpc":{"id":"string"}}`:                         "website.package.id is required",
		`{"website":{"id":"x","domain":"x.io","package":"p"},"intpc":{"id":"string"}}`:                        "website.package must be an object",
		`{"website":{"id":"x","domain":"x.io","privacyLevel":"0"},"intpc":{"id":"string"}}`:                   "website.privacyLevel must be an integer",
		`{"website":{"id":"x","domain":"x.io","privacyLevel":1.5},"intpc":{"id":"string"}}`:                   "website.privacyLevel must be an integer",
		`{"website":{"id":"x","domain":"x.io","privacyLevel":-1},"intpc":{"id":"string"}}`:                    "website.privacyLevel must be 0 or greater",
		`{"website":{"id":"x","domain":"x.io"}}`:                                                              "intpc is required",
		`{"website":{"id":"x","domain":"x.io"},"intpc":{}}`:                                                   "intpc.id is required",
		`{"website":{"id":"x","domain":"x.io"},"intpc":{"id":"string"},"opts":{"uft":"yes"}}`:                 "opts.uft must be a boolean",
		`{"website":{"id":"free","domain":"x.io"},"intpc":{"id":"string"}}`:                                   "website already exists",
		`{"website":{"id":"x","domain":"x.io","package":{"id":"` + pkgCustom + `"}},"intpc":{"id":"string"}}`: "package is not available for this target",
	} {
		wantBad(t, c.do("POST", "/v3/3as/websites", body), msg)
	}
	wantNotFound(t, c.do("POST", "/v3/3as/websites", `{"website":{"id":"x","domain":"x.io"},"intpc":{"id":"nobody"}}`), "customer")
	// Intpc model: websites join the account subscription; no package options.
	a := e.as(accountINTP)
	a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com", "packageId": accPro})
	wantBad(t, a.do("POST", "/v3/3as/websites", `{"website":{"id":"x","domain":"x.io"},"intpc":{"id":"c1"},"opts":{"uft":true}}`),
		"package options are not accepted for intpc subscriptions")
	wantBad(t, a.do("POST", "/v3/3as/websites", `{"website":{"id":"x","domain":"x.io","package":{"id":"`+accBasic+`"}},"intpc":{"id":"c1"}}`),
		"package options are not accepted for intpc subscriptions")
	a.ok(204, "POST", "/v3/3as/websites", `{"website":{"id":"x","domain":"x.io"},"intpc":{"id":"c1"}}`)
	w := a.website("x")
	if w["packageName"] != "Pro" || w["subscriptionType"] != "intpc" || w["billingMode"] != "platform_managed" ||
		w["consumption"].(map[string]any)["stpLimit"] != float64(-1) {
		t.Fatalf("intpc website %v", w)
	}
}

func TestWebsiteListGetDelete(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	c.customer("c2", "w2", pkgBasic)
	c.ok(201, "POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w3", "intpCustomerId": "c1", "domain": "w3.io"})
	r := c.do("GET", "/v2/3as/websites?page=0&pageSize=2", nil)
	if r.Status != 200 || !strings.HasSuffix(r.Body, `"meta":{"page":0,"pageSize":2,"pageTotal":2,"total":3}}`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	ids := func(body string) string {
		var out []string
		for _, w := range obj(t, body)["payload"].([]any) {
			out = append(out, w.(map[string]any)["intpWebsiteId"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := ids(r.Body); got != "w1,w2" {
		t.Fatalf("page 0: %s", got)
	}
	if got := ids(c.do("GET", "/v2/3as/websites?page=0&pageSize=10&externalCustomerId=c1", nil).Body); got != "w1,w3" {
		t.Fatalf("by customer: %s", got)
	}
	r = c.do("GET", "/v2/3as/websites?page=0&pageSize=10&externalCustomerId=nobody", nil)
	if r.Body != `{"payload":[],"meta":{"page":0,"pageSize":10,"pageTotal":0,"total":0}}` {
		t.Fatalf("unknown customer: %s", r.Body)
	}
	wantBad(t, c.do("GET", "/v2/3as/websites", nil), "page and pageSize are required integers")

	w2 := c.website("w2")
	internal := c.payload(200, "GET", "/v2/3as/internal/websites/"+w2["id"].(string), nil)
	if fmt.Sprint(internal) != fmt.Sprint(w2) {
		t.Fatalf("internal lookup %v", internal)
	}
	wantNotFound(t, c.do("GET", "/v2/3as/internal/websites/not-a-uuid", nil), "website")
	wantNotFound(t, c.do("GET", "/v2/3as/internal/websites/00000000-0000-4000-8000-000000000000", nil), "website")
	wantNotFound(t, c.do("GET", "/v2/3as/websites/nope", nil), "website")

	c.ok(201, "POST", "/v2/3as/websites/w2/api-keys", map[string]any{"name": "k"})
	c.ok(200, "POST", "/v2/3as/websites/w2/whitelisted-domains", map[string]any{"domain": "x.io"})
	deleted := c.payload(200, "DELETE", "/v2/3as/websites/w2", nil)
	if fmt.Sprint(deleted) != fmt.Sprint(w2) {
		t.Fatalf("delete answered %v", deleted)
	}
	wantNotFound(t, c.do("GET", "/v2/3as/websites/w2", nil), "website")
	wantNotFound(t, c.do("DELETE", "/v2/3as/websites/w2", nil), "website")
	wantNotFound(t, c.do("GET", "/v2/3as/websites/w2/api-keys", nil), "website")
	// The owner stays; the id can be used again, with nothing inherited.
	c.payload(200, "GET", "/v2/3as/customers/c2", nil)
	c.ok(201, "POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w2", "intpCustomerId": "c2", "domain": "again.io"})
	if r := c.do("GET", "/v2/3as/websites/w2/whitelisted-domains", nil); r.Body != `{"payload":[]}` {
		t.Fatalf("domains inherited: %s", r.Body)
	}
	if r := c.do("GET", "/v2/3as/websites/w2/api-keys", nil); r.Body != `{"payload":[]}` {
		t.Fatalf("keys inherited: %s", r.Body)
	}
}

func TestWhitelistedDomains(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	path := "/v2/3as/websites/w1/whitelisted-domains"
	if r := c.do("GET", path, nil); r.Status != 200 || r.Body != `{"payload":[]}` {
		t.Fatalf("empty: %d %s", r.Status, r.Body)
	}
	steps := []struct{ method, path, body, want string }{
		{"POST", path, `{"domain":"Shop.Example.com"}`, `["shop.example.com"]`},
		{"POST", path, `{"domain":"https://*.example.com/"}`, `["shop.example.com","*.example.com"]`},
		{"POST", path, `{"domain":"shop.example.com"}`, `["shop.example.com","*.example.com"]`},
		{"POST", path + "/", `{"domain":"other.io"}`, `["shop.example.com","*.example.com","other.io"]`},
		{"PATCH", path, `{"domain":"SHOP.example.com"}`, `["*.example.com","other.io"]`},
		{"PATCH", path, `{"domain":"never.io"}`, `["*.example.com","other.io"]`},
		{"DELETE", path + "/%2A.example.com", ``, `["other.io"]`},
		{"DELETE", path + "/gone.io", ``, `["other.io"]`},
	}
	for _, s := range steps {
		r := c.do(s.method, s.path, s.body)
		if r.Status != 200 || r.Body != `{"payload":`+s.want+`}` {
			t.Fatalf("%s %s %s: %d %s", s.method, s.path, s.body, r.Status, r.Body)
		}
	}
	if r := c.do("GET", path, nil); r.Body != `{"payload":["other.io"]}` {
		t.Fatalf("after: %s", r.Body)
	}
	wantBad(t, c.do("POST", path, `{}`), "domain is required")
	wantBad(t, c.do("POST", path, `{"domain":["x"]}`), "domain must be a string")
	wantBad(t, c.do("POST", path, `{"domain":"a b.io"}`), "invalid domain")
	wantBad(t, c.do("PATCH", path, `{"domain":"*.*.io"}`), "invalid domain")
	wantNotFound(t, c.do("POST", "/v2/3as/websites/nope/whitelisted-domains", `{"domain":"x.io"}`), "website")
	wantNotFound(t, c.do("GET", "/v2/3as/websites/nope/whitelisted-domains", nil), "website")
}
