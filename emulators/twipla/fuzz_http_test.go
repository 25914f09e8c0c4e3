package twipla_test

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// FuzzTenantBodies sends arbitrary bodies to POST /_emulator/twipla/tenants
// (§7.1) and, wrapped, as a seed document's tenant. Whatever arrives, the
// answer is a 201/200 or a control-plane 400/409 {"error":…}: never a 500.
// An INTP created on the built-in key lists exactly the packages its
// answer showed.
func FuzzTenantBodies(f *testing.F) {
	e := newEnv(f)
	for _, b := range []string{``, `{}`, `[]`, `{"moveErrors":400}`, `{"moveErrors":"500"}`, `{"subscriptionType":"intpc","packages":[]}`,
		`{"packages":[{"name":"free","touchpoints":1,"price":0,"currency":"EUR","period":"monthly"},` +
			`{"name":"unlimited_30_day_free_trial","touchpoints":-1,"price":0,"currency":"USD","period":"yearly","recommended":true}]}`,
		`{"packages":[{"id":"aaaaaaaa-0000-4000-8000-000000000001","name":"A","touchpoints":1e3,"price":1.5,"currency":"RON",` +
			`"period":"monthly","visibility":"restricted","externalId":null}]}`,
		`{"intpId":"` + websiteINTP + `"}`, `{"packages":[{"name":"x"},{}]}`, `{"packages":{"0":{}}}`} {
		f.Add([]byte(b), false)
		f.Add([]byte(b), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, asSeed bool) {
		path, send := "/_emulator/twipla/tenants", body
		if asSeed {
			path, send = "/_emulator/seed", []byte(`{"twipla":{"tenants":[`+string(body)+`]}}`)
		}
		resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader(send))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var answer struct {
			Error      string
			IntpID     string
			PrivateKey string
			Packages   []json.RawMessage
		}
		if err := json.Unmarshal(b, &answer); err != nil {
			t.Fatalf("%s %q: %d %s", path, body, resp.StatusCode, b)
		}
		switch status := resp.StatusCode; {
		case status == 400 || status == 409:
			if answer.Error == "" {
				t.Fatalf("%s %q: %d %s", path, body, status, b)
			}
		case status == 200 && asSeed:
		case status == 201 && !asSeed:
			if answer.PrivateKey == "" {
				return // signs with a key of its own
			}
			srv := e.srv.With(t)
			tok := obj(t, srv.Do("POST", "/_emulator/twipla/tokens", map[string]any{"intpId": answer.IntpID}).Body)["token"]
			r := srv.Do("GET", "/twipla/v2/3as/packages", nil, "Authorization", "Bearer "+tok.(string))
			var listed struct{ Payload []json.RawMessage }
			if err := json.Unmarshal([]byte(r.Body), &listed); err != nil || fmt.Sprint(listed.Payload) != fmt.Sprint(answer.Packages) {
				t.Fatalf("%q: created with %s, lists %s", body, answer.Packages, r.Body)
			}
		default:
			t.Fatalf("%s %q: %d %s", path, body, status, b)
		}
	})
}
