package twipla_test

import (
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/twipla"
)

// fieldsOf checks selected fields of an object.
func fieldsOf(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %v, want %v", what, k, got[k], v)
		}
	}
}

func record(t *testing.T, e *env, intpID, wid string, sessions ...map[string]any) map[string]any {
	t.Helper()
	list := make([]any, len(sessions))
	for i, s := range sessions {
		list[i] = s
	}
	r := e.srv.Do("POST", "/_emulator/twipla/sessions", map[string]any{"intpId": intpID, "intpWebsiteId": wid, "sessions": list})
	if r.Status != 201 {
		t.Fatalf("record sessions: %d %s", r.Status, r.Body)
	}
	return obj(t, r.Body)
}

// The website model end to end: create with a website → upgrade → planned
// downgrade → the period ends by the clock → the package has changed.
func TestWebsiteSubscriptionLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgBasic)
	e.advance("48h")
	r := c.do("POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgPro, "proRate": true})
	if r.Status != 200 {
		t.Fatalf("upgrade: %d %s", r.Status, r.Body)
	}
	sub := obj(t, r.Body)["payload"].(map[string]any)
	wantKeys := "id,status,type,packageId,packageName,billingInterval,websiteId,intpWebsiteId,intpcId,intpCustomerId,intpId," +
		"createdAt,expiresAt,stpResetAt,lastPackageChangeAt,inTrial,hadTrial,plannedDowngradePackageId"
	if got := strings.Join(keysOf(t, mustJSON(t, sub, r.Body, "subscription")), ","); got != wantKeys {
		t.Fatalf("subscription keys %s", got)
	}
	w := c.website("w1")
	customer := c.payload(200, "GET", "/v2/3as/customers/c1", nil)
	fieldsOf(t, "upgraded", sub, map[string]any{"status": "active", "type": "website", "packageId": pkgPro, "packageName": "Pro",
		"billingInterval": "monthly", "websiteId": w["id"], "intpWebsiteId": "w1", "intpcId": customer["id"], "intpCustomerId": "c1",
		"intpId": websiteINTP, "createdAt": t0, "expiresAt": "2031-04-12T12:00:00Z", "stpResetAt": "2031-04-12T12:00:00Z",
		"lastPackageChangeAt": "2031-03-12T12:00:00Z", "inTrial": false, "hadTrial": false, "plannedDowngradePackageId": nil})
	fieldsOf(t, "website after upgrade", w, map[string]any{"packageName": "Pro", "lastPackageChangeAt": "2031-03-12T12:00:00Z"})

	// Sessions count against the period.
	rec := record(t, e, websiteINTP, "w1", map[string]any{"events": 2, "recorded": true}, map[string]any{})
	if cons := rec["consumption"].(map[string]any); cons["stpConsumed"] != float64(5) || cons["stpLimit"] != float64(100000) {
		t.Fatalf("consumption %v", cons)
	}

	// Planned downgrade: nothing changes now; a second one replaces the plan.
	sub = c.payload(200, "POST", "/v3/3as/website-subscriptions/downgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgFree})
	fieldsOf(t, "planned", sub, map[string]any{"packageId": pkgPro, "plannedDowngradePackageId": pkgFree})
	sub = c.payload(200, "POST", "/v3/3as/website-subscriptions/downgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgBasic})
	fieldsOf(t, "replanned", sub, map[string]any{"packageId": pkgPro, "plannedDowngradePackageId": pkgBasic, "status": "active"})
	fieldsOf(t, "website planned", c.website("w1"), map[string]any{"packageName": "Pro", "plannedDowngradePackageId": pkgBasic,
		"plannedDowngradePackageName": "Basic", "plannedDowngradeBillingInterval": "monthly", "plannedDowngradePackageInterval": "monthly"})

	// One second before the period ends: still Pro. At the end: Basic.
	e.freeze("2031-04-12T11:59:59Z")
	fieldsOf(t, "before the end", c.website("w1"), map[string]any{"packageName": "Pro"})
	e.freeze("2031-04-12T12:00:00Z")
	w = c.website("w1")
	fieldsOf(t, "after the end", w, map[string]any{"packageId": pkgBasic, "packageName": "Basic", "lastPackageChangeAt": "2031-04-12T12:00:00Z",
		"plannedDowngradePackageId": nil, "plannedDowngradePackageName": nil, "plannedDowngradeBillingInterval": nil,
		"expiresAt": "2031-05-12T12:00:00Z", "stpResetAt": "2031-05-12T12:00:00Z", "status": "active"})
	if cons := w["consumption"].(map[string]any); cons["stpConsumed"] != float64(0) || cons["stpLimit"] != float64(10000) {
		t.Fatalf("new period consumption %v", cons)
	}
	// The state dump and the list show the same.
	list := c.ok(200, "GET", "/v2/3as/websites?page=0&pageSize=5", nil)["payload"].([]any)
	fieldsOf(t, "listed", list[0].(map[string]any), map[string]any{"packageName": "Basic", "expiresAt": "2031-05-12T12:00:00Z"})

	// Invalid moves (TestInvalidMoves has them all).
	up := func(pkg string) any { return map[string]any{"intpWebsiteId": "w1", "packageId": pkg} }
	wantMoveError(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", up(pkgFree)), "upgrade requires a package with more touchpoints than the current one")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", up(pkgTrial)), "the unlimited_30_day_free_trial package cannot be chosen")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", up(pkgCustom)), "package is not available for this target")
	wantNotFound(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", up("nope")), "package")
	wantNotFound(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "nope", "packageId": pkgPro}), "website")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1"}), "packageId is required")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"packageId": pkgPro}), "intpWebsiteId is required")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgPro, "trial": "no"}), "trial must be a boolean")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/cancel", `"w1"`), "request body must be a JSON object")

	// A restricted package once assigned to the website.
	c.ok(204, "PUT", "/v3/3as/packages/"+pkgCustom+"/assignments/w1", `[]`)
	sub = c.payload(200, "POST", "/v2/3as/notifications/subscriptions/upgrade", up(pkgCustom)) // legacy path
	fieldsOf(t, "custom", sub, map[string]any{"packageName": "Custom", "expiresAt": "2031-05-12T12:00:00Z"})
	// Unassigning does not change the running subscription.
	c.ok(204, "DELETE", "/v3/3as/packages/"+pkgCustom+"/assignments/w1", nil)
	fieldsOf(t, "after unassign", c.website("w1"), map[string]any{"packageName": "Custom"})
}

func TestWebsiteSubscriptionCancelResumeDeactivate(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgPro)
	target := map[string]any{"intpWebsiteId": "w1"}
	sub := c.payload(200, "POST", "/v3/3as/website-subscriptions/cancel", target)
	fieldsOf(t, "canceled", sub, map[string]any{"status": "canceled", "plannedDowngradePackageId": pkgFree, "expiresAt": "2031-04-10T12:00:00Z"})
	fieldsOf(t, "canceled website", c.website("w1"), map[string]any{"status": "canceled", "plannedDowngradePackageName": "free"})
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/cancel", target), "subscription is already canceled")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/downgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgBasic}),
		"subscription is canceled; resume it first")
	sub = c.payload(200, "POST", "/v3/3as/website-subscriptions/resume", target)
	fieldsOf(t, "resumed", sub, map[string]any{"status": "active", "plannedDowngradePackageId": nil})
	// Canceled and left to run out: free and active again.
	c.ok(200, "POST", "/v3/3as/website-subscriptions/cancel", target)
	e.advance("31d")
	fieldsOf(t, "ran out", c.website("w1"), map[string]any{"status": "active", "packageName": "free", "plannedDowngradePackageId": nil,
		"lastPackageChangeAt": "2031-04-10T12:00:00Z", "expiresAt": "2031-05-10T12:00:00Z"})
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/cancel", target), "subscription is on the free package")
	// Upgrading a canceled website subscription is allowed (and reactivates it).
	c.ok(200, "POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgBasic})
	c.ok(200, "POST", "/v3/3as/website-subscriptions/cancel", target)
	sub = c.payload(200, "POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgPro})
	fieldsOf(t, "upgrade canceled", sub, map[string]any{"status": "active", "packageName": "Pro", "plannedDowngradePackageId": nil})

	// Deactivate answers the subscription as it was; the website stays, inactive.
	key := c.payload(201, "POST", "/v2/3as/websites/w1/api-keys", map[string]any{"name": "k"})["apiKey"].(string)
	before := c.payload(200, "GET", "/v2/3as/websites/w1", nil)
	sub = c.payload(200, "POST", "/v3/3as/website-subscriptions/deactivate", target)
	fieldsOf(t, "deactivate answer", sub, map[string]any{"status": "active", "packageName": "Pro"})
	w := c.website("w1")
	fieldsOf(t, "inactive website", w, map[string]any{"status": "inactive", "packageName": "Pro", "expiresAt": before["expiresAt"]})
	for _, op := range []string{"upgrade", "downgrade", "cancel", "resume", "deactivate"} {
		wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/"+op, map[string]any{"intpWebsiteId": "w1", "packageId": pkgBusiness}), "subscription is inactive")
	}
	wantError(t, e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", key), 401, "invalid api key", "invalid api key")
	r := e.srv.Do("POST", "/_emulator/twipla/sessions", map[string]any{"intpId": websiteINTP, "intpWebsiteId": "w1", "sessions": []any{map[string]any{}}})
	if r.Status != 400 {
		t.Fatalf("sessions on an inactive website: %d %s", r.Status, r.Body)
	}
	// An inactive website never rolls over, and its id stays taken.
	e.advance("400d")
	fieldsOf(t, "frozen in time", c.website("w1"), map[string]any{"status": "inactive", "expiresAt": before["expiresAt"]})
	wantBad(t, c.do("POST", "/v2/3as/websites", map[string]any{"intpWebsiteId": "w1", "intpCustomerId": "c1", "domain": "x.io"}), "website already exists")
	// Only the legacy path reactivates.
	wantError(t, c.do("POST", "/v3/3as/website-subscriptions/reactivate", map[string]any{"intpWebsiteId": "w1", "packageId": pkgBasic}), 404, "route not found", "not found")
	wantBad(t, c.do("POST", "/v2/3as/notifications/subscriptions/reactivate", map[string]any{"intpWebsiteId": "w1", "packageId": pkgTrial}), "the unlimited_30_day_free_trial package cannot be chosen")
	sub = c.payload(200, "POST", "/v2/3as/notifications/subscriptions/reactivate", map[string]any{"intpWebsiteId": "w1", "packageId": pkgBasic, "trial": true})
	fieldsOf(t, "reactivated", sub, map[string]any{"status": "active", "packageName": "Basic", "inTrial": true, "hadTrial": true,
		"lastPackageChangeAt": fmtNow(e), "expiresAt": "2032-06-14T12:00:00Z"})
	wantBad(t, c.do("POST", "/v2/3as/notifications/subscriptions/reactivate", map[string]any{"intpWebsiteId": "w1", "packageId": pkgBasic}),
		"only inactive subscriptions can be reactivated")
	if r := e.srv.Do("GET", "/twipla/v2/3as/analytics/raw-sessions", nil, "X-Api-Key", key); r.Status != 200 {
		t.Fatalf("key after reactivation: %d %s", r.Status, r.Body)
	}
	// The trial ends with the period.
	e.advance("32d")
	fieldsOf(t, "trial over", c.website("w1"), map[string]any{"packageName": "Basic", "inTrial": false, "hadTrial": true})
}

func fmtNow(e *env) string { return e.now.UTC().Format("2006-01-02T15:04:05Z") }

func TestTrialEndsOnFree(t *testing.T) {
	e := newEnv(t)
	c := e.as(websiteINTP)
	c.customer("c1", "w1", "")
	record(t, e, websiteINTP, "w1", map[string]any{"pageViews": 4})
	e.advance("29d")
	w := c.website("w1")
	fieldsOf(t, "in trial", w, map[string]any{"packageName": "unlimited_30_day_free_trial", "inTrial": true})
	if w["consumption"].(map[string]any)["stpConsumedVisit"] != float64(1) {
		t.Fatalf("consumption %v", w["consumption"])
	}
	e.advance("1d")
	w = c.website("w1")
	fieldsOf(t, "after trial", w, map[string]any{"packageName": "free", "packageId": pkgFree, "inTrial": false, "hadTrial": true,
		"lastPackageChangeAt": "2031-04-09T12:00:00Z", "expiresAt": "2031-05-09T12:00:00Z"})
	if cons := w["consumption"].(map[string]any); cons["stpLimit"] != float64(3000) || cons["stpConsumed"] != float64(0) {
		t.Fatalf("free consumption %v", cons)
	}
	// The trial package cannot be upgraded into again, even from free.
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1", "packageId": pkgTrial}), "the unlimited_30_day_free_trial package cannot be chosen")
}

func TestMonthEndsAndYearlyPackages(t *testing.T) {
	e := newEnv(t)
	e.freeze("2031-01-31T10:00:00Z")
	c := e.as(websiteINTP)
	c.customer("c1", "w1", pkgBasic)
	fieldsOf(t, "Jan 31", c.website("w1"), map[string]any{"expiresAt": "2031-02-28T10:00:00Z", "stpResetAt": "2031-02-28T10:00:00Z"})
	yearly := c.payload(201, "POST", "/v2/3as/packages", map[string]any{"name": "Yearly", "touchpoints": 500000, "price": 99.5,
		"currency": "USD", "period": "yearly"})
	sub := c.payload(200, "POST", "/v3/3as/website-subscriptions/upgrade", map[string]any{"intpWebsiteId": "w1", "packageId": yearly["id"]})
	fieldsOf(t, "yearly", sub, map[string]any{"billingInterval": "yearly", "expiresAt": "2032-01-31T10:00:00Z", "stpResetAt": "2031-02-28T10:00:00Z"})
	record(t, e, websiteINTP, "w1", map[string]any{})
	// The monthly touchpoint reset within a yearly period.
	e.freeze("2031-02-28T10:00:00Z")
	w := c.website("w1")
	fieldsOf(t, "monthly reset", w, map[string]any{"packageName": "Yearly", "expiresAt": "2032-01-31T10:00:00Z", "stpResetAt": "2031-03-28T10:00:00Z"})
	if w["consumption"].(map[string]any)["stpConsumed"] != float64(0) {
		t.Fatalf("counters not reset: %v", w["consumption"])
	}
}

// The intpc (account) model end to end.
func TestAccountSubscriptionLifecycle(t *testing.T) {
	e := newEnv(t)
	a := e.as(accountINTP)
	r := a.do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com", "packageId": accBasic,
		"billingDate": "2031-03-01T00:00:00Z", "website": map[string]any{"intpWebsiteId": "w1", "domain": "w1.io"}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	a.ok(204, "POST", "/v3/3as/websites", map[string]any{"website": map[string]any{"id": "w2", "domain": "w2.io"}, "intpc": map[string]any{"id": "c1"}})
	for _, w := range []string{"w1", "w2"} {
		fieldsOf(t, w, a.website(w), map[string]any{"packageName": "Basic", "expiresAt": "2031-04-01T00:00:00Z", "subscriptionType": "intpc"})
	}
	// The website-model paths are closed here (checked before the body).
	wantBad(t, a.do("POST", "/v3/3as/website-subscriptions/upgrade", `not json`), "website subscriptions are not available for intpc subscription type")
	wantBad(t, a.do("POST", "/v2/3as/notifications/subscriptions/cancel", nil), "website subscriptions are not available for intpc subscription type")
	wantBad(t, e.as(websiteINTP).do("POST", "/v3/3as/intpc-subscriptions/upgrade", nil), "intpc subscriptions are not available for website subscription type")
	// misplaced package fields
	wantBad(t, a.do("POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c2", "email": "c2@example.com",
		"website": map[string]any{"intpWebsiteId": "w9", "domain": "w9.io", "packageId": accPro}}),
		"website.packageId is only accepted for website subscriptions; use packageId")

	sub := a.payload(200, "POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": accPro})
	customer := a.payload(200, "GET", "/v2/3as/customers/c1", nil)
	fieldsOf(t, "account upgrade", sub, map[string]any{"type": "intpc", "websiteId": nil, "intpWebsiteId": nil, "intpcId": customer["id"],
		"intpCustomerId": "c1", "packageName": "Pro", "expiresAt": "2031-04-10T12:00:00Z", "lastPackageChangeAt": t0})
	for _, w := range []string{"w1", "w2"} {
		fieldsOf(t, w, a.website(w), map[string]any{"packageName": "Pro", "lastPackageChangeAt": t0})
	}
	a.ok(200, "POST", "/v3/3as/intpc-subscriptions/downgrade", map[string]any{"intpcId": "c1", "packageId": accBasic})
	fieldsOf(t, "planned", a.website("w2"), map[string]any{"packageName": "Pro", "plannedDowngradePackageName": "Basic"})
	e.advance("31d")
	for _, w := range []string{"w1", "w2"} {
		fieldsOf(t, w, a.website(w), map[string]any{"packageName": "Basic", "plannedDowngradePackageId": nil,
			"lastPackageChangeAt": "2031-04-10T12:00:00Z", "expiresAt": "2031-05-10T12:00:00Z"})
	}
	// Cancel; a canceled account must be resumed before upgrading.
	a.ok(200, "POST", "/v3/3as/intpc-subscriptions/cancel", map[string]any{"intpcId": "c1"})
	fieldsOf(t, "canceled", a.website("w1"), map[string]any{"status": "canceled"})
	wantBad(t, a.do("POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": accPro}),
		"canceled account subscriptions must be resumed before upgrading")
	a.ok(200, "POST", "/v3/3as/intpc-subscriptions/resume", map[string]any{"intpcId": "c1"})
	// Restricted packages must be assigned to the customer.
	wantBad(t, a.do("POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": accCust}), "package is not available for this target")
	wantNotFound(t, a.do("PUT", "/v3/3as/packages/"+accCust+"/assignments/w1", nil), "customer")
	a.ok(204, "PUT", "/v3/3as/packages/"+accCust+"/assignments/c1", nil)
	a.ok(200, "POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": accCust})
	wantNotFound(t, a.do("POST", "/v3/3as/intpc-subscriptions/cancel", map[string]any{"intpcId": "nobody"}), "customer")
	wantBad(t, a.do("POST", "/v3/3as/intpc-subscriptions/cancel", map[string]any{"intpWebsiteId": "w1"}), "intpcId is required")

	// Deactivate answers the subscription and deletes the customer with its websites.
	sub = a.payload(200, "POST", "/v3/3as/intpc-subscriptions/deactivate", map[string]any{"intpcId": "c1"})
	fieldsOf(t, "deactivated", sub, map[string]any{"status": "active", "packageName": "Custom"})
	wantNotFound(t, a.do("GET", "/v2/3as/customers/c1", nil), "customer")
	wantNotFound(t, a.do("GET", "/v2/3as/websites/w1", nil), "website")
	wantNotFound(t, a.do("GET", "/v2/3as/websites/w2", nil), "website")
}

func TestAccountWithoutWebsiteGetsSubscription(t *testing.T) {
	e := newEnv(t)
	a := e.as(accountINTP)
	a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com"})
	sub := a.payload(200, "POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": accBasic, "trial": true})
	fieldsOf(t, "from the trial", sub, map[string]any{"packageName": "Basic", "inTrial": true, "hadTrial": true})
	wantNotFound(t, a.do("POST", "/v3/3as/intpc-subscriptions/downgrade", map[string]any{"intpcId": "c1", "packageId": accFree + "x"}), "package")
	sub = a.payload(200, "POST", "/v3/3as/intpc-subscriptions/downgrade", map[string]any{"intpcId": "c1", "packageId": accFree})
	fieldsOf(t, "planned free", sub, map[string]any{"plannedDowngradePackageId": accFree})
}

// The invalid moves of §0 — upgrade to the same or a smaller package,
// downgrade to the same or a bigger one, resume of a subscription that is
// not canceled — on both subscription models and every path: 500 by
// default as the real API answers today, 400 with the switch
// (Config.MoveErrors, EMULATOR_TWIPLA_MOVE_ERRORS) or the INTP's own
// moveErrors, which wins. Nothing changes either way.
func TestInvalidMoves(t *testing.T) {
	const (
		upMessage     = "upgrade requires a package with more touchpoints than the current one"
		downMessage   = "downgrade requires a package with fewer touchpoints than the current one"
		resumeMessage = "only canceled subscriptions can be resumed"
	)
	for _, tc := range []struct {
		name       string
		cfg        twipla.Config
		moveErrors any // the tenant body's moveErrors; nil: not given
		want       int
	}{
		{"default", twipla.Config{}, nil, 500},
		{"switch 400", twipla.Config{MoveErrors: 400}, nil, 400},
		{"switch 500", twipla.Config{MoveErrors: 500}, nil, 500},
		{"tenant 400", twipla.Config{}, 400, 400},
		{"tenant 500 under switch 400", twipla.Config{MoveErrors: 400}, 500, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			body := func(model string) map[string]any {
				b := map[string]any{"subscriptionType": model}
				if tc.moveErrors != nil {
					b["moveErrors"] = tc.moveErrors
				}
				return b
			}
			web, wp := e.tenant(body("website"))
			acc, ap := e.tenant(body("intpc"))
			c, a := e.as(web), e.as(acc)
			c.customer("c1", "w1", wp["Pro"])
			a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com",
				"packageId": ap["Pro"], "website": map[string]any{"intpWebsiteId": "w1", "domain": "w1.io"}})
			kind := map[int]string{400: "bad request", 500: "internal server error"}[tc.want]
			for _, m := range []struct {
				client       *client
				pkgs         map[string]string
				path, target string
			}{
				{c, wp, "/v3/3as/website-subscriptions/", "intpWebsiteId"},
				{c, wp, "/v2/3as/notifications/subscriptions/", "intpWebsiteId"},
				{a, ap, "/v3/3as/intpc-subscriptions/", "intpcId"},
			} {
				target := map[string]any{m.target: "w1"}
				if m.target == "intpcId" {
					target[m.target] = "c1"
				}
				for _, mv := range []struct{ op, pkg, message string }{
					{"upgrade", "Pro", upMessage},
					{"upgrade", "Basic", upMessage},
					{"upgrade", "free", upMessage},
					{"downgrade", "Pro", downMessage},
					{"downgrade", "Business", downMessage},
					{"resume", "", resumeMessage},
				} {
					b := map[string]any{}
					for k, v := range target {
						b[k] = v
					}
					if mv.pkg != "" {
						b["packageId"] = m.pkgs[mv.pkg]
					}
					wantError(t, m.client.do("POST", m.path+mv.op, b), tc.want, mv.message, kind)
				}
			}
			for _, cl := range []*client{c, a} {
				fieldsOf(t, "after the refused moves", cl.website("w1"), map[string]any{"status": "active", "packageName": "Pro",
					"plannedDowngradePackageId": nil, "lastPackageChangeAt": nil, "expiresAt": "2031-04-10T12:00:00Z"})
			}
		})
	}
}

// Only the invalid moves of §0 follow the switch: every other refusal of a
// move keeps its status under the default 500.
func TestOtherMoveErrorsKeepTheirStatus(t *testing.T) {
	e := newEnv(t)
	c, a := e.as(websiteINTP), e.as(accountINTP)
	c.customer("c1", "w1", pkgBasic)
	c.customer("c2", "w2", pkgBasic)
	a.ok(201, "POST", "/v2/3as/customers", map[string]any{"intpCustomerId": "c1", "email": "c1@example.com", "packageId": accBasic})
	site := func(wid string, kv ...any) map[string]any {
		b := map[string]any{"intpWebsiteId": wid}
		for i := 0; i < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", site("w1", "packageId", pkgTrial)), "the unlimited_30_day_free_trial package cannot be chosen")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", site("w1", "packageId", pkgCustom)), "package is not available for this target")
	wantNotFound(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", site("w1", "packageId", accPro)), "package")
	wantNotFound(t, c.do("POST", "/v3/3as/website-subscriptions/resume", site("nope")), "website")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/upgrade", site("w1")), "packageId is required")
	c.ok(200, "POST", "/v3/3as/website-subscriptions/cancel", site("w1"))
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/cancel", site("w1")), "subscription is already canceled")
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/downgrade", site("w1", "packageId", pkgFree)), "subscription is canceled; resume it first")
	c.ok(200, "POST", "/v3/3as/website-subscriptions/deactivate", site("w2"))
	wantBad(t, c.do("POST", "/v3/3as/website-subscriptions/resume", site("w2")), "subscription is inactive")
	wantBad(t, c.do("POST", "/v2/3as/notifications/subscriptions/reactivate", site("w1", "packageId", pkgPro)), "only inactive subscriptions can be reactivated")
	a.ok(200, "POST", "/v3/3as/intpc-subscriptions/cancel", map[string]any{"intpcId": "c1"})
	wantBad(t, a.do("POST", "/v3/3as/intpc-subscriptions/upgrade", map[string]any{"intpcId": "c1", "packageId": accPro}),
		"canceled account subscriptions must be resumed before upgrading")
}
