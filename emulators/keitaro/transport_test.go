package keitaro_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/emulators/keitaro"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

func TestAuthentication(t *testing.T) {
	a := start(t, keitaro.Config{})
	t.Run("no key", func(t *testing.T) {
		r := a.srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil)
		expect(t, r, 401, `{"error":"Unauthorized"}`)
	})
	t.Run("blank key", func(t *testing.T) {
		expect(t, a.srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Api-Key", "   "), 401, `{"error":"Unauthorized"}`)
	})
	t.Run("wrong key", func(t *testing.T) {
		expect(t, a.as("Your-Api-Key").do("GET", "/campaigns", nil), 401, `{"error":"Unauthorized"}`)
	})
	t.Run("unknown route needs a key too", func(t *testing.T) {
		expect(t, a.srv.Do("GET", "/keitaro/admin_api/v1/nothing", nil), 401, `{"error":"Unauthorized"}`)
	})
	t.Run("header name is case-insensitive", func(t *testing.T) {
		expectStatus(t, a.srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "api-key", "your-api-key"), 200)
	})
	t.Run("bearer", func(t *testing.T) {
		expectStatus(t, a.srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Authorization", "bearer   your-api-key"), 200)
		expect(t, a.srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Authorization", "Basic your-api-key"), 401, `{"error":"Unauthorized"}`)
	})
	t.Run("Api-Key wins over Bearer", func(t *testing.T) {
		r := a.srv.Do("GET", "/keitaro/admin_api/v1/campaigns", nil, "Api-Key", "nope", "Authorization", "Bearer your-api-key")
		expect(t, r, 401, `{"error":"Unauthorized"}`)
	})
	t.Run("starter edition", func(t *testing.T) {
		key := a.newTenant(map[string]any{"edition": "starter"})
		expect(t, a.as(key).do("GET", "/campaigns", nil), 402, `{"error":"Admin API is not available in that edition"}`)
		expect(t, a.as(key).do("GET", "/nothing", nil), 402, `{"error":"Admin API is not available in that edition"}`)
	})
}

func TestRouting(t *testing.T) {
	a := start(t, keitaro.Config{})
	for _, c := range []struct{ method, path string }{
		{"GET", "/nothing"},
		{"GET", "/campaigns/abc"},
		{"GET", "/campaigns/0"},
		{"GET", "/campaigns/99999"},
		{"GET", "/campaigns/99999999999999999999999"},
		{"PATCH", "/campaigns/2"},
		{"POST", "/campaigns/2"},
		{"GET", "/Campaigns"},
		{"GET", "/offers/1/add_file"},
		{"GET", "/offers/1/download"},
		{"POST", "/integrations/facebook/1"},
		{"GET", "/integrations/facebook/x"},
		{"GET", "/integrations/telegram"},
		{"GET", "/logs/nothing"},
		{"DELETE", "/logs/nothing"},
	} {
		t.Run(c.method+c.path, func(t *testing.T) {
			expect(t, a.do(c.method, c.path, nil), 404, `{"error":"Not found"}`)
		})
	}
	t.Run("check order", func(t *testing.T) {
		// route → body → object lookup (§5)
		expect(t, a.do("PUT", "/campaigns/abc", "{broken"), 404, `{"error":"Not found"}`)
		expect(t, a.do("PUT", "/campaigns/99999", "{broken"), 400, `{"error":"Invalid JSON"}`)
		expect(t, a.do("PUT", "/campaigns/99999", `{"name":""}`), 404, `{"error":"Not found"}`)
	})
	t.Run("traffic side", func(t *testing.T) {
		// The tracker's public paths answer its own plain 404: no such
		// alias, a reserved first segment, a wrong postback key, an
		// unknown click, a method the tracker does not serve.
		for _, c := range []struct{ method, path string }{
			{"GET", "/keitaro/nothing"}, {"GET", "/keitaro/lp/offer"}, {"GET", "/keitaro/lp/offer?subid=nope"},
			{"GET", "/keitaro/lp"}, {"GET", "/keitaro/admin"}, {"GET", "/keitaro/"}, {"GET", "/keitaro/postback/x"},
			{"GET", "/keitaro/0000000/postback"}, {"DELETE", "/keitaro/Tx9pLm"}, {"PUT", "/keitaro/postback"},
		} {
			r := a.srv.Do(c.method, c.path, nil)
			if r.Status != 404 || r.Body != "Not Found" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
				t.Fatalf("%s %s: %d %q %q", c.method, c.path, r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		}
	})
	t.Run("slashes", func(t *testing.T) {
		expectStatus(t, a.srv.Do("GET", "/keitaro//admin_api/v1//campaigns/", nil, "Api-Key", "your-api-key"), 200)
		expectStatus(t, a.do("GET", "/campaigns/89/", nil), 200)
	})
	t.Run("both spellings", func(t *testing.T) {
		one, two := a.do("GET", "/stream_actions", nil), a.do("GET", "/streams_actions", nil)
		expectStatus(t, one, 200)
		if one.Body != two.Body {
			t.Fatalf("stream_actions and streams_actions differ")
		}
	})
}

func TestRequestBodies(t *testing.T) {
	a := start(t, keitaro.Config{})
	t.Run("JSON without content type", func(t *testing.T) {
		r := a.do("POST", "/groups", `{"name":"g1","type":"offers"}`, "Content-Type", "application/x-www-form-urlencoded")
		field(t, object(t, r), "name", "g1")
	})
	t.Run("form body", func(t *testing.T) {
		r := a.do("POST", "/groups", "name=g2&type=offers&position=7", "Content-Type", "application/x-www-form-urlencoded")
		m := object(t, r)
		field(t, m, "name", "g2")
		field(t, m, "position", num("7"))
	})
	t.Run("multipart body", func(t *testing.T) {
		body := "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ng3\r\n--XX\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nlandings\r\n--XX--\r\n"
		r := a.do("POST", "/groups", body, "Content-Type", "multipart/form-data; boundary=XX")
		field(t, object(t, r), "type", "landings")
	})
	for _, bad := range []string{`{"name":`, `[1,2]`, `"x"`, `42`, `{"a":1} {"b":2}`, `not json`} {
		t.Run("invalid "+bad, func(t *testing.T) {
			expect(t, a.do("POST", "/groups", bad, "Content-Type", "application/json"), 400, `{"error":"Invalid JSON"}`)
		})
	}
	t.Run("plain text", func(t *testing.T) {
		expect(t, a.do("POST", "/groups", "name=x", "Content-Type", "text/plain"), 400, `{"error":"Invalid JSON"}`)
	})
	t.Run("empty body is {}", func(t *testing.T) {
		expect(t, a.do("POST", "/groups", "  \n", "Content-Type", "application/json"), 406,
			`{"name":["This field is required"],"type":["This field is required"]}`)
	})
	t.Run("GET parameters in a JSON body", func(t *testing.T) {
		l := list(t, a.do("GET", "/groups", map[string]any{"type": "offers"}))
		if len(l) != 2 || l[0]["type"] != "offers" {
			t.Fatalf("groups of type offers: %v", l)
		}
	})
	t.Run("query string wins over the body", func(t *testing.T) {
		l := list(t, a.do("GET", "/groups?type=landings", map[string]any{"type": "offers"}))
		if len(l) != 1 || l[0]["type"] != "landings" {
			t.Fatalf("groups of type landings: %v", l)
		}
	})
	t.Run("nothing written on 406", func(t *testing.T) {
		expectStatus(t, a.do("POST", "/campaigns", map[string]any{"alias": "ok-alias", "name": "x", "type": "nope"}), 406)
		expect(t, a.do("POST", "/campaigns", map[string]any{"alias": "ok-alias"}), 406, `{"name":["This field is required"]}`)
		// The failed creates used no id.
		field(t, object(t, a.do("POST", "/campaigns", map[string]any{"alias": "ok-alias", "name": "x"})), "id", num("734"))
	})
}

func TestValueCoercion(t *testing.T) {
	a := start(t, keitaro.Config{})
	create := func(body map[string]any) map[string]any {
		t.Helper()
		return object(t, a.do("POST", "/campaigns", body))
	}
	m := create(map[string]any{"alias": "c1", "name": 12.50, "cookies_ttl": "48", "position": "-3",
		"cost_value": "10.02", "cost_auto": "1", "group_id": "", "uniqueness_use_cookies": "false", "cost_type": "cpm"})
	field(t, m, "name", "12.5")
	field(t, m, "cookies_ttl", num("48"))
	field(t, m, "position", num("-3"))
	field(t, m, "cost_value", "10.0200")
	field(t, m, "cost_auto", true)
	field(t, m, "group_id", nil)
	field(t, m, "uniqueness_use_cookies", false)
	field(t, m, "cost_type", "CPM")
	m = create(map[string]any{"alias": "c2", "name": "x", "group_id": 0, "traffic_source_id": "7", "bind_visitors": ""})
	field(t, m, "group_id", nil)
	field(t, m, "traffic_source_id", num("7"))
	field(t, m, "bind_visitors", nil)

	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"alias": "c3", "name": true}, `{"name":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cookies_ttl": 1.5}, `{"cookies_ttl":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cookies_ttl": "ten"}, `{"cookies_ttl":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cookies_ttl": 0}, `{"cookies_ttl":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cost_value": "1,5"}, `{"cost_value":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cost_value": -1}, `{"cost_value":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cost_auto": "yes"}, `{"cost_auto":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "group_id": []any{1}}, `{"group_id":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "   "}, `{"name":["This field is required"]}`},
		{map[string]any{"alias": "c3", "name": nil}, `{"name":["This field is required"]}`},
		{map[string]any{"alias": "c3", "name": strings.Repeat("n", 256)}, `{"name":["This value is too long"]}`},
		{map[string]any{"alias": "has space", "name": "x"}, `{"alias":["This value is invalid"]}`},
		{map[string]any{"alias": "admin_api", "name": "x"}, `{"alias":["This value is invalid"]}`},
		{map[string]any{"alias": "c8bL9W", "name": "x"}, `{"alias":["This value is already taken"]}`},
		{map[string]any{"alias": "c3", "name": "x", "cost_currency": "EURO"}, `{"cost_currency":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "bind_visitors": "x"}, `{"bind_visitors":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "traffic_loss": 101}, `{"traffic_loss":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "state": "gone"}, `{"state":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "parameters": map[string]any{"nope": map[string]any{"name": "n"}}}, `{"parameters":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "parameters": map[string]any{"keyword": map[string]any{"placeholder": "p"}}}, `{"parameters":["This value is invalid"]}`},
		{map[string]any{"alias": "c3", "name": "x", "postbacks": []any{map[string]any{"method": "PUT", "url": "u"}}}, `{"postbacks":["This value is invalid"]}`},
	} {
		expect(t, a.do("POST", "/campaigns", c.body), 406, c.want)
	}
}

func TestDialectConfiguration(t *testing.T) {
	build := func(d string) error {
		srv, err := server.New(context.Background(), server.Config{Vendors: []emu.Factory{keitaro.New(keitaro.Config{Dialect: d})}})
		if err == nil {
			srv.Close()
		}
		return err
	}
	err := build("fancy")
	if err == nil || !strings.Contains(err.Error(), "EMULATOR_KEITARO_DIALECT") || !strings.Contains(err.Error(), `"fancy"`) {
		t.Fatalf("dialect fancy: %v", err)
	}
	for _, d := range []string{"", "classic", "modern"} {
		if err := build(d); err != nil {
			t.Fatalf("dialect %q: %v", d, err)
		}
	}
}

func TestOwnListener(t *testing.T) {
	srv := vtest.Start(t, server.Config{
		Vendors:     []emu.Factory{keitaro.New(keitaro.Config{})},
		VendorAddrs: map[string]string{"keitaro": "127.0.0.1:0"},
	})
	req, err := http.NewRequest("GET", "http://"+srv.VendorAddr("keitaro")+"/admin_api/v1//campaigns/89/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Api-Key", keitaro.DefaultTenant)
	r := srv.Send(req)
	if r.Status != 200 || !strings.Contains(r.Body, `"alias":"c8bL9W"`) {
		t.Fatalf("own listener: %d %s", r.Status, r.Body)
	}
}
