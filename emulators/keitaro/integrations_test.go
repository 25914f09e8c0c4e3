package keitaro_test

import (
	"testing"
)

func TestIntegrationSettings(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		for _, c := range []struct{ path, key string }{{"/integrations/avscan", "avscan_key"}, {"/integrations/imklo", "imklo_api_url"}} {
			expect(t, a.do("GET", c.path, nil), 200, `{"`+c.key+`":""}`)
			// From the query string, from the body; the query string wins.
			expect(t, a.do("PUT", c.path+"?"+c.key+"=q1", nil), 200, `{"`+c.key+`":"q1"}`)
			expect(t, a.do("PUT", c.path, map[string]any{c.key: "b1"}), 200, `{"`+c.key+`":"b1"}`)
			expect(t, a.do("PUT", c.path+"?"+c.key+"=q2", map[string]any{c.key: "b2"}), 200, `{"`+c.key+`":"q2"}`)
			expect(t, a.do("GET", c.path, nil), 200, `{"`+c.key+`":"q2"}`)
			for _, body := range []any{nil, map[string]any{c.key: ""}, map[string]any{c.key: nil}, map[string]any{"other": "x"}} {
				expect(t, a.do("PUT", c.path, body), 406, `{"`+c.key+`":["This field is required"]}`)
			}
			expect(t, a.do("PUT", c.path, map[string]any{c.key: []any{"x"}}), 406, `{"`+c.key+`":["This value is invalid"]}`)
			expect(t, a.do("GET", c.path, nil), 200, `{"`+c.key+`":"q2"}`)
			// Another tenant has its own.
			b := a.as(a.newTenant(nil))
			expect(t, b.do("GET", c.path, nil), 200, `{"`+c.key+`":""}`)
		}
		// The two settings are independent.
		expect(t, a.do("GET", "/integrations/avscan", nil), 200, `{"avscan_key":"q2"}`)
		expect(t, a.do("POST", "/integrations/avscan", nil), 404, `{"error":"Not found"}`)
	})
}

func TestFacebookIntegrations(t *testing.T) {
	dialects(t, func(t *testing.T, a *api) {
		expect(t, a.do("GET", "/integrations/facebook", nil), 200, `{"data":[]}`)
		fb1 := `{"id":1,"integration":"facebook","name":"Ads","ad_account_id":"act_1","token":"EAAB","proxy_enabled":false,
			"proxy":{"protocol":"http","address":"","port":0,"login":"","password":""},"last_error":"","last_raw_error":""}`
		expect(t, a.do("POST", "/integrations/facebook", map[string]any{"name": "Ads", "ad_account_id": "act_1", "token": "EAAB"}), 200, fb1)
		fb2 := `{"id":2,"integration":"facebook","name":"Ads 2","ad_account_id":"42","token":"T","proxy_enabled":true,
			"proxy":{"protocol":"socks5","address":"10.0.0.1","port":1080,"login":"u","password":"p"},"last_error":"","last_raw_error":""}`
		expect(t, a.do("POST", "/integrations/facebook", `{"name":"Ads 2","ad_account_id":42,"token":"T","proxy_enabled":"1",
			"proxy":{"protocol":"SOCKS5","address":"10.0.0.1","port":"1080.0","login":"u","password":"p"}}`), 200, fb2)
		expect(t, a.do("GET", "/integrations/facebook", nil), 200, `{"data":[`+fb1+`,`+fb2+`]}`)
		expect(t, a.do("GET", "/integrations/facebook/2", nil), 200, `{"data":`+fb2+`}`)

		expect(t, a.do("POST", "/integrations/facebook", nil), 406,
			`{"name":["This field is required"],"ad_account_id":["This field is required"],"token":["This field is required"]}`)
		for _, proxy := range []any{map[string]any{"protocol": "ftp"}, map[string]any{"port": 70000}, map[string]any{"port": 1.5}, "x"} {
			expect(t, a.do("POST", "/integrations/facebook", map[string]any{"name": "n", "ad_account_id": "a", "token": "t", "proxy": proxy}),
				406, `{"proxy":["This value is invalid"]}`)
		}
		expect(t, a.do("GET", "/integrations/facebook", nil), 200, `{"data":[`+fb1+`,`+fb2+`]}`)

		// PUT replaces what it names (a proxy whole).
		expect(t, a.do("PUT", "/integrations/facebook/2", map[string]any{"name": "Renamed", "proxy": map[string]any{"address": "h"}}), 200,
			`{"data":{"id":2,"integration":"facebook","name":"Renamed","ad_account_id":"42","token":"T","proxy_enabled":true,
			"proxy":{"protocol":"http","address":"h","port":0,"login":"","password":""},"last_error":"","last_raw_error":""}}`)
		expect(t, a.do("PUT", "/integrations/facebook/2", map[string]any{"token": " "}), 406, `{"token":["This field is required"]}`)
		expect(t, a.do("PUT", "/integrations/facebook/9", map[string]any{"name": "x"}), 404, `{"error":"Not found"}`)

		// Campaign links.
		expect(t, a.do("GET", "/integrations/facebook/1/campaign", nil), 200, `[]`)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 89}), 200, `{"success":true}`)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign?campaign_id=2", nil), 200, `{"success":true}`)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign", `{"campaign_id":89.0}`), 200, `{"success":true}`)
		expect(t, a.do("GET", "/integrations/facebook/1/campaign", nil), 200,
			`[{"name":"Test stream campaign","value":2},{"name":"Test cost","value":89}]`)
		expect(t, a.do("GET", "/integrations/facebook/2/campaign", nil), 200, `[]`)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 5}), 406, `{"campaign_id":["This value is invalid"]}`)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": "x"}), 406, `{"campaign_id":["This value is invalid"]}`)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign", nil), 406, `{"campaign_id":["This field is required"]}`)
		expect(t, a.do("POST", "/integrations/facebook/9/campaign", map[string]any{"campaign_id": 2}), 404, `{"error":"Not found"}`)
		a.do("DELETE", "/campaigns/662", nil)
		expect(t, a.do("POST", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 662}), 406, `{"campaign_id":["This value is invalid"]}`)
		// A linked campaign's name is its current one.
		a.do("PUT", "/campaigns/89", map[string]any{"name": "Costly"})
		expect(t, a.do("DELETE", "/integrations/facebook/1/campaign", map[string]any{"campaign_id": 2}), 200, `{"success":true}`)
		expect(t, a.do("DELETE", "/integrations/facebook/1/campaign?campaign_id=2", nil), 200, `{"success":true}`)
		expect(t, a.do("GET", "/integrations/facebook/1/campaign", nil), 200, `[{"name":"Costly","value":89}]`)
		expect(t, a.do("DELETE", "/integrations/facebook/1/campaign", nil), 406, `{"campaign_id":["This field is required"]}`)

		// Another tenant sees none of it.
		b := a.as(a.newTenant(map[string]any{"sampleData": true}))
		expect(t, b.do("GET", "/integrations/facebook", nil), 200, `{"data":[]}`)
		expect(t, b.do("GET", "/integrations/facebook/1", nil), 404, `{"error":"Not found"}`)
		expect(t, b.do("GET", "/integrations/facebook/1/campaign", nil), 404, `{"error":"Not found"}`)
		expect(t, b.do("DELETE", "/integrations/facebook/1", nil), 404, `{"error":"Not found"}`)
		field(t, b.mustPost("/integrations/facebook", map[string]any{"name": "B", "ad_account_id": "b", "token": "t"}), "id", num("1"))

		// Delete is for good, links included; ids are not reused.
		expect(t, a.do("DELETE", "/integrations/facebook/1", nil), 200, `{"success":true}`)
		expect(t, a.do("GET", "/integrations/facebook/1", nil), 404, `{"error":"Not found"}`)
		expect(t, a.do("GET", "/integrations/facebook/1/campaign", nil), 404, `{"error":"Not found"}`)
		field(t, a.mustPost("/integrations/facebook", map[string]any{"name": "C", "ad_account_id": "c", "token": "t"}), "id", num("3"))
		if got := len(object(t, a.do("GET", "/integrations/facebook", nil))["data"].([]any)); got != 2 {
			t.Fatalf("%d integrations left", got)
		}
	})
}
