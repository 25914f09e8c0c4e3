package twipla_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/twipla"
)

// FuzzRequestBodies sends arbitrary bodies to every endpoint that reads
// one, through HTTP. Whatever arrives, the answer is a success or one of
// the vendor's 4xx in its exact error shape: never a 500, never a panic.
// (Invalid moves answer 400 here, so that any 500 is a bug.)
func FuzzRequestBodies(f *testing.F) {
	e := newEnv(f, twipla.Config{MoveErrors: 400})
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgBasic)
	c.customer("c2", "", "")
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	a := e.as(accountINTP)
	a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com"})
	// Tokens are signed up front: the clock stands still, and the fuzz
	// function may not use the outer test's helpers.
	tc, ta := "Bearer "+e.token(websiteINTP), "Bearer "+e.token(accountINTP)
	targets := []struct {
		auth         string
		method, path string
	}{
		{tc, "POST", "/v2/3as/customers"},
		{ta, "POST", "/v2/3as/customers"},
		{tc, "POST", "/v2/3as/websites"},
		{tc, "POST", "/v3/3as/websites"},
		{ta, "POST", "/v3/3as/websites"},
		{tc, "POST", "/v2/3as/websites/w1/whitelisted-domains"},
		{tc, "PATCH", "/v2/3as/websites/w1/whitelisted-domains"},
		{tc, "POST", "/v2/3as/websites/w1/api-keys"},
		{tc, "POST", "/v3/3as/websites/w1/contributors"},
		{tc, "POST", "/v2/3as/packages"},
		{tc, "PATCH", "/v2/3as/packages/" + pkgBasic},
		{tc, "POST", "/v3/3as/website-subscriptions/upgrade"},
		{tc, "POST", "/v3/3as/website-subscriptions/downgrade"},
		{tc, "POST", "/v2/3as/notifications/subscriptions/reactivate"},
		{ta, "POST", "/v3/3as/intpc-subscriptions/upgrade"},
		{ta, "POST", "/v3/3as/intpc-subscriptions/cancel"},
		{"", "POST", "/v2/3as/api-keys/login"},
		{"", "POST", "/v2/3as/analytics/session-analytics"},
	}
	for i := range targets {
		for _, b := range []string{``, `{}`, `[]`, `null`, `{"intpCustomerId":"c3","email":"c3@x.io","website":{"intpWebsiteId":"w3","domain":"w3.io"}}`,
			`{"website":{"id":"w4","domain":"a.b","package":{"id":"` + pkgPro + `"}},"intpc":{"id":"c1"},"opts":{"uft":true}}`,
			`{"intpWebsiteId":"w1","packageId":"` + pkgPro + `","trial":true}`, `{"intpcId":"c1","packageId":"` + accPro + `"}`,
			`{"name":"P","touchpoints":1e3,"price":1,"currency":"EUR","period":"monthly"}`, `{"metrics":["sessions"],"dimensions":["country"],"granularity":"week","compare":true}`,
			`{"domain":"*.x.io"}`, `{"intpCustomerId":"c2","role":"editor"}`, `{"apiKey":"` + key + `","websiteId":"x"}`} {
			f.Add(uint8(i), []byte(b))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		tg := targets[int(which)%len(targets)]
		req, err := http.NewRequest(tg.method, e.srv.URL+"/twipla"+tg.path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if tg.auth != "" {
			req.Header.Set("Authorization", tg.auth)
		} else {
			req.Header.Set("X-Api-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		status, answer := resp.StatusCode, string(b)
		switch {
		case status == 204 && answer == "":
		case status == 200 || status == 201:
			if !strings.HasPrefix(answer, `{"payload":`) || !json.Valid([]byte(answer)) {
				t.Fatalf("%s %s: %d %s", tg.method, tg.path, status, answer)
			}
		case status == 400 || status == 401 || status == 404:
			var m struct {
				Status, Code   int
				Message, Error string
			}
			if err := json.Unmarshal([]byte(answer), &m); err != nil || m.Status != status || m.Code != status || m.Message == "" ||
				!strings.HasPrefix(answer, `{"status":`) {
				t.Fatalf("%s %s: %d %s", tg.method, tg.path, status, answer)
			}
		default:
			t.Fatalf("%s %s %q: %d %s", tg.method, tg.path, body, status, answer)
		}
	})
}
