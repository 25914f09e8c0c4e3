package keitaro_test

import (
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/keitaro"
)

// setUp gives a tenant an offer, a campaign with alias and a stream that
// sends visitors to the offer.
func setUp(t *testing.T, a *api, alias string) {
	t.Helper()
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/offers", map[string]any{"name": "Offer", "url": "http://offer.example/?s={subid}"}},
		{"/campaigns", map[string]any{"alias": alias, "name": "Campaign " + alias}},
		{"/streams", map[string]any{"campaign_id": 1, "type": "regular", "name": "Main", "schema": "offers",
			"offers": []any{map[string]any{"offer_id": 1}}}},
	} {
		expectStatus(t, a.do("POST", c.path, c.body), 200)
	}
}

// subOf is the sub_id of the click a visit redirected with.
func subOfVisit(t *testing.T, location string) string {
	t.Helper()
	_, sub, ok := strings.Cut(location, "?s=")
	if !ok {
		t.Fatalf("no sub_id in %q", location)
	}
	return sub
}

// Two trackers on one emulator: future lives on its own clock frozen in
// 2031, present follows the emulator clock (here the wall clock). Each sees
// its own time on the Admin API and on the public side, where the tenant is
// found by the campaign's alias or the postback key.
func TestEachTrackerSeesItsOwnClock(t *testing.T) {
	a := start(t, keitaro.Config{})
	a.srv.Do("POST", "/_emulator/clock", `{"real":true}`)
	future := a.as(a.newTenant(map[string]any{"postbackKey": "f000001"}))
	present := a.as(a.newTenant(map[string]any{"postbackKey": "p000001"}))
	a.srv.TenantClock("keitaro", future.key, map[string]any{"now": "2031-03-01T10:00:00Z"})
	setUp(t, future, "fut")
	setUp(t, present, "pre")
	if c := object(t, future.do("GET", "/campaigns/1", nil)); c["created_at"] != "2031-03-01 10:00:00" {
		t.Fatalf("future's campaign: %v", c)
	}
	if c := object(t, present.do("GET", "/campaigns/1", nil)); strings.HasPrefix(c["created_at"].(string), "2031") {
		t.Fatalf("present's campaign: %v", c)
	}
	// A click through the alias and its postback are dated on the tenant's
	// clock.
	r := a.srv.Do("GET", "/keitaro/fut", nil, "X-Forwarded-For", "10.0.0.1", "User-Agent", uaChrome)
	sub := subOfVisit(t, r.Header.Get("Location"))
	a.srv.TenantClock("keitaro", future.key, map[string]any{"advance": "1h"})
	if r := a.srv.Do("GET", "/keitaro/f000001/postback?subid="+sub+"&status=sale&payout=5", nil); r.Status != 200 {
		t.Fatalf("postback: %d %s", r.Status, r.Body)
	}
	d := a.srv.Do("GET", "/_emulator/state/keitaro?tenant="+future.key, nil).Body
	if !strings.Contains(d, `"datetime":"2031-03-01 10:00:00"`) || !strings.Contains(d, `"postback_datetime":"2031-03-01 11:00:00"`) ||
		!strings.HasSuffix(d, `"clock":{"now":"2031-03-01T11:00:00Z","frozen":true}}]}`) {
		t.Fatalf("future's dump: %s", d)
	}
	// Report ranges are the tenant's "today".
	body := map[string]any{"range": map[string]any{"interval": "today"}, "metrics": []any{"clicks", "conversions"}}
	if r := future.do("POST", "/report/build", body); !strings.Contains(r.Body, `"clicks":1`) {
		t.Fatalf("future's report of today: %s", r.Body)
	}
	if r := present.do("POST", "/report/build", body); strings.Contains(r.Body, `"clicks":1`) {
		t.Fatalf("present's report of today: %s", r.Body)
	}
}

func TestTrackerFaultLeavesTheOtherTrackerAlone(t *testing.T) {
	a := start(t, keitaro.Config{})
	broken, fine := a.as(a.newTenant(nil)), a.as(a.newTenant(nil))
	setUp(t, broken, "brk")
	setUp(t, fine, "fin")
	expectStatus(t, a.srv.Do("POST", "/_emulator/faults", map[string]any{"vendor": "keitaro", "tenant": broken.key, "status": 503, "body": "down"}), 201)
	if r := broken.do("POST", "/offers", map[string]any{"name": "Lost", "url": "http://x.example/"}); r.Status != 503 || r.Body != "down" {
		t.Fatalf("broken Admin API: %d %s", r.Status, r.Body)
	}
	// The public side finds the tenant by the alias: faulted, no click kept.
	if r := a.srv.Do("GET", "/keitaro/brk", nil, "User-Agent", uaChrome); r.Status != 503 {
		t.Fatalf("broken alias: %d %s", r.Status, r.Body)
	}
	if r := a.srv.Do("GET", "/keitaro/fin", nil, "User-Agent", uaChrome); r.Status != 302 {
		t.Fatalf("fine alias: %d %s", r.Status, r.Body)
	}
	expectStatus(t, fine.do("POST", "/offers", map[string]any{"name": "Kept", "url": "http://x.example/"}), 200)
	if d := a.srv.Do("GET", "/_emulator/state/keitaro?tenant="+broken.key, nil).Body; strings.Contains(d, "Lost") || !strings.Contains(d, `"clicks":[]`) {
		t.Fatalf("the faulted calls wrote: %s", d)
	}
	// A wrong key names no tenant: the vendor's own answer.
	expect(t, a.as("wrong-key").do("GET", "/offers", nil), 401, `{"error":"Unauthorized"}`)
}

func TestStateLoadsAsSeed(t *testing.T) {
	a := start(t, keitaro.Config{})
	k := a.as(a.newTenant(map[string]any{"postbackKey": "abc1234", "timezone": "Europe/Madrid"}))
	a.srv.TenantClock("keitaro", k.key, map[string]any{"now": "2031-03-01T10:00:00Z"})
	setUp(t, k, "rt")
	expectStatus(t, k.do("POST", "/groups", map[string]any{"name": "G", "type": "campaigns"}), 200)
	expectStatus(t, k.do("POST", "/traffic_sources", map[string]any{"name": "Push"}), 200)
	r := a.srv.Do("GET", "/keitaro/rt?keyword=shoes", nil, "X-Forwarded-For", "10.0.0.1", "User-Agent", uaChrome)
	sub := subOfVisit(t, r.Header.Get("Location"))
	a.srv.Do("GET", "/keitaro/abc1234/postback?subid="+sub+"&status=lead&payout=5", nil)
	a.srv.TenantClock("keitaro", k.key, map[string]any{"advance": "2h"})
	expectStatus(t, k.do("POST", "/campaigns/1/disable", nil), 200)
	expectStatus(t, k.do("PUT", "/integrations/avscan?avscan_key=av-123", nil), 200)
	expectStatus(t, k.do("POST", "/integrations/facebook", map[string]any{"name": "Ads", "ad_account_id": "act_1", "token": "EAAB"}), 200)
	expectStatus(t, k.do("POST", "/landing_pages", map[string]any{"name": "LP", "url": "http://lp.example/"}), 200)
	expectStatus(t, k.do("POST", "/landing_pages/1/add_file?path=index.html", nil), 200)
	expectStatus(t, k.do("PUT", "/landing_pages/1/update_file?path=index.html&data=hello", nil), 200)

	fresh := start(t, keitaro.Config{})
	dump, reloaded := a.srv.RoundTrip(fresh.srv, "keitaro", k.key)
	for _, want := range []string{`"avscan_key":"av-123"`, `"data":"hello"`, `"name":"Ads"`, `"postbacks":[{"datetime"`, `"state":"disabled"`, `"clock":{"now":"2031-03-01T12:00:00Z"`} {
		if !strings.Contains(dump, want) {
			t.Fatalf("the dump lacks %s: %s", want, dump)
		}
	}
	if reloaded != dump {
		i := 0
		for i < len(dump) && i < len(reloaded) && dump[i] == reloaded[i] {
			i++
		}
		t.Fatalf("reloaded tenant differs at byte %d:\n%s\n%s", i, dump[max(0, i-300):min(len(dump), i+200)], reloaded[max(0, i-300):min(len(reloaded), i+200)])
	}
}
