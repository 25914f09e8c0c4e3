package justclick_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
)

func TestCreateTenant(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	body := control(t, srv, "POST", "tenants", nil, http.StatusCreated)
	re := regexp.MustCompile(`^\{"login":"jc[0-9a-f]{10}","secret":"[A-Z0-9]{40}","disabled":false,"activation_required":false,"orders_api":true,"api_can_subscribe":false,"domains":\[\]\}$`)
	if !re.MatchString(body) {
		t.Errorf("generated tenant: %s", body)
	}
	body = control(t, srv, "POST", "tenants", map[string]any{"login": "shop-1", "secret": "s3cr3t!", "activation_required": true,
		"orders_api": false, "api_can_subscribe": true, "domains": []string{"shop-1.example.com"}}, http.StatusCreated)
	if body != `{"login":"shop-1","secret":"s3cr3t!","disabled":false,"activation_required":true,"orders_api":false,"api_can_subscribe":true,"domains":["shop-1.example.com"]}` {
		t.Errorf("chosen tenant: %s", body)
	}
	if body := control(t, srv, "POST", "tenants", map[string]any{"login": "shop-1"}, http.StatusConflict); body != `{"error":"login already exists"}` {
		t.Errorf("conflict: %s", body)
	}
	control(t, srv, "POST", "tenants", map[string]any{"login": "username"}, http.StatusConflict)
	for _, bad := range []any{
		map[string]any{"login": "Upper"}, map[string]any{"login": "a"}, map[string]any{"login": "-x"},
		map[string]any{"login": "a_b"}, map[string]any{"secret": "has space"}, map[string]any{"secret": ""},
		map[string]any{"login": 5}, map[string]any{"disabled": "yes"}, map[string]any{"nope": 1}, "[1]",
		map[string]any{"domains": []string{"bad domain"}},
	} {
		control(t, srv, "POST", "tenants", bad, http.StatusBadRequest)
	}
	// The new account works with the hash of its own secret, and is empty.
	a := account{t: t, srv: srv, login: "shop-1", secret: "s3cr3t!"}
	a.call("GetActiveDomainsList").result(t, `["shop-1.example.com"]`)
	a.call("GetAllGroups").is(t, 501, "Group not found")
	a.call("GetOrders").is(t, 401, "Orders not found")
	a.call("GetPartnerStats", "partner", "my_partner_login").is(t, 1000, "Partner not found")
	a.call("GetLeadGroupStatuses", "email", "subscriber@example.com").is(t, 500, "Subscriber not found")
}

func TestTenantIsolation(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	b := newAccount(t, srv, "tenant-b")
	// The default account's secret does not sign for b, nor b's for it.
	other := account{t: t, srv: srv, login: "tenant-b", secret: secret}
	parseReply(t, srv.Do("POST", "/justclick/api/GetAllGoods", other.signed(), "Host", "tenant-b.localhost", "Content-Type", formType), b.secret).
		is(t, 4, "Incorrect hash")
	parseReply(t, srv.Do("POST", "/justclick/u/username/api/GetAllGoods", b.signed(), "Content-Type", formType), secret).
		is(t, 4, "Incorrect hash")
	a.call("CreateOrder", "goods[0][good_name]", "course1", "bill_email", "b@example.com").result(t, `{"bill_id":"1000"}`)
	control(t, srv, "POST", "groups", map[string]any{"login": "tenant-b", "rass_name": "news"}, http.StatusCreated)
	b.call("GetAllGroups").result(t, `[{"rass_id":"1000","rass_name":"news","rass_title":"news"}]`)

	for _, id := range []string{"1", "1000"} {
		b.call("GetOrderInfo", "bill_id", id).is(t, 400, "Order not found")
		b.call("getOrderDetails", "bill_id", id).is(t, 400, "Order not found")
		b.call("UpdateOrderStatus", "bill_id", id, "status", "cancel").is(t, 200, "Nonexistent order")
		b.call("DeleteOrder", "bill_id", id).is(t, 200, "Nonexistent order")
	}
	b.call("GetBills", "email", "b@example.com").is(t, 400, "Order not found")
	b.call("GetOrders").is(t, 401, "Orders not found")
	b.call("CreateOrder", "goods[0][good_name]", "course1", "bill_email", "b@example.com").is(t, 604, "Product not exist: course1")
	b.call("GetLeadGroupStatuses", "email", "subscriber@example.com").is(t, 500, "Subscriber not found")
	b.call("DeleteSubscribe", "lead_email", "subscriber@example.com", "rass_name", "vip").is(t, 800, "Group subscribers is not found")
	b.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "subscriber@example.com").is(t, 0, "OK")
	b.call("GetCountSubscribe", "group_name", "news").result(t, `"1"`)
	a.call("GetCountSubscribe", "group_name", "news").result(t, `"1"`)
	// Both accounts' order is intact.
	a.call("GetOrderInfo", "bill_id", "1000").is(t, 0, "OK")

	state := srv.Do("GET", "/_emulator/state/justclick?tenant=tenant-b", nil).Body
	if strings.Contains(state, `"login":"username"`) || !strings.Contains(state, `"login":"tenant-b"`) {
		t.Errorf("state of tenant-b: %s", state)
	}
	if resp := srv.Do("GET", "/_emulator/state/justclick?tenant=ghost", nil); resp.Status != 404 {
		t.Errorf("state of unknown tenant: %d", resp.Status)
	}
}

func TestGroupAndSubscriptionHelpers(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	control(t, srv, "POST", "groups", map[string]any{"login": "username", "rass_name": "news"}, http.StatusConflict)
	control(t, srv, "POST", "groups", map[string]any{"login": "ghost", "rass_name": "x"}, http.StatusNotFound)
	for _, bad := range []any{
		map[string]any{"rass_name": "x"}, map[string]any{"login": "username"},
		map[string]any{"login": "username", "rass_name": "a b"}, map[string]any{"login": "username", "rass_name": strings.Repeat("a", 65)},
		map[string]any{"login": "username", "rass_name": "ok", "auto": "no"},
	} {
		control(t, srv, "POST", "groups", bad, http.StatusBadRequest)
	}

	a := defaultAccount(t, srv)
	a.call("AddLeadToGroup", "rid[0]", "news", "rid[1]", "vip", "lead_email", "w@example.com", "activation", "1").
		is(t, 0, "Activation email sent to subscriber")
	control(t, srv, "POST", "subscriptions", map[string]any{"login": "username", "email": "ghost@example.com"}, http.StatusNotFound)
	control(t, srv, "POST", "subscriptions", map[string]any{"login": "username", "email": "w@example.com", "rass_name": "allleads"}, http.StatusNotFound)
	control(t, srv, "POST", "subscriptions", map[string]any{"login": "username", "email": "w@example.com", "status": "ACTIVE"}, http.StatusBadRequest)
	body := control(t, srv, "POST", "subscriptions", map[string]any{"login": "username", "email": "w@example.com", "rass_name": "vip",
		"status": "STATUS_INVALID_EMAIL"}, http.StatusOK)
	if body != `{"updated":1}` {
		t.Errorf("one group: %s", body)
	}
	if body := control(t, srv, "POST", "subscriptions", map[string]any{"login": "username", "email": "w@example.com"}, http.StatusOK); body != `{"updated":2}` {
		t.Errorf("all groups: %s", body)
	}
	a.call("GetCountSubscribe", "group_name", "unique").result(t, `"2"`)

	for _, bad := range []any{
		map[string]any{"login": "username", "partner": ""},
		map[string]any{"login": "username", "partner": "p", "stats": []any{map[string]any{"date": "2024-13-01"}}},
		map[string]any{"login": "username", "partner": "p", "stats": []any{map[string]any{"date": "2024-01-01", "clicks": -1}}},
		map[string]any{"login": "username", "partner": "p", "stats": []any{map[string]any{"date": "2024-01-01", "leads": 1.5}}},
		map[string]any{"login": "username", "partner": "p", "stats": []any{map[string]any{"date": "2024-01-01", "earned": -2}}},
		map[string]any{"login": "username", "partner": "p", "stats": []any{map[string]any{"date": "2024-01-01", "earned": true}}},
	} {
		control(t, srv, "POST", "partners", bad, http.StatusBadRequest)
	}
	control(t, srv, "POST", "partners", map[string]any{"login": "ghost", "partner": "p"}, http.StatusNotFound)
	// A failed helper wrote nothing.
	a.call("GetPartnerStats", "partner", "p").is(t, 1000, "Partner not found")
}

func TestResetAndSequences(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	b := newAccount(t, srv, "keeper", "secret", "K", "domains", []string{"k.example.com"})
	hook := "http://127.0.0.1:1/hook"
	control(t, srv, "POST", "callbacks", map[string]any{"login": "keeper", "url": hook}, http.StatusCreated)
	control(t, srv, "POST", "groups", map[string]any{"login": "keeper", "rass_name": "list"}, http.StatusCreated) // 1000
	a.call("AddGood", "good_name", "extra", "good_title", "Extra", "good_type", "digital", "good_sum", "1").is(t, 0, "OK")
	a.call("DeleteOrder", "bill_id", "1").is(t, 0, "OK")
	a.call("UpdateSubscriberData", "lead_email", "subscriber@example.com", "lead_name", "Changed").is(t, 0, "OK")

	// One tenant: back to §3, the other untouched.
	if resp := srv.Do("POST", "/_emulator/reset?vendor=justclick&tenant=username", nil); resp.Status != 200 {
		t.Fatalf("reset: %d %s", resp.Status, resp.Body)
	}
	a.call("GetOrderInfo", "bill_id", "1").is(t, 0, "OK")
	a.call("GetAllGoods").result(t, `[{"good_name":"course1","good_title":"Online course","good_type":"0","good_sum":"990.00"},{"good_name":"book","good_title":"Paper book","good_type":"1","good_sum":"1500.00"}]`)
	b.call("GetAllGroups").is(t, 0, "OK")
	// Sequences go on: ids never repeat.
	control(t, srv, "POST", "groups", map[string]any{"login": "username", "rass_name": "later"}, http.StatusCreated)
	a.call("GetAllGroups").result(t, `[{"rass_id":"1","rass_name":"news","rass_title":"Newsletter"},{"rass_id":"2","rass_name":"vip","rass_title":"VIP clients"},{"rass_id":"1001","rass_name":"later","rass_title":"later"}]`)

	// A created tenant keeps its credentials, switches and domains.
	if resp := srv.Do("POST", "/_emulator/reset?vendor=justclick&tenant=keeper", nil); resp.Status != 200 {
		t.Fatalf("reset: %d %s", resp.Status, resp.Body)
	}
	b.call("GetAllGroups").is(t, 501, "Group not found")
	b.call("GetActiveDomainsList").result(t, `["k.example.com"]`)
	if state := srv.Do("GET", "/_emulator/state/justclick?tenant=keeper", nil).Body; !strings.Contains(state, `"callback_url":""`) {
		t.Errorf("callback survived reset: %s", state)
	}
	if resp := srv.Do("POST", "/_emulator/reset?vendor=justclick&tenant=ghost", nil); resp.Status != 404 {
		t.Errorf("reset unknown tenant: %d", resp.Status)
	}

	// The vendor: created tenants are gone, sequences restart.
	if resp := srv.Do("POST", "/_emulator/reset?vendor=justclick", nil); resp.Status != 200 {
		t.Fatalf("reset: %d %s", resp.Status, resp.Body)
	}
	r := parseReply(t, srv.Do("POST", "/justclick/api/GetAllGroups", b.signed(), "Host", "keeper.localhost", "Content-Type", formType), "")
	r.is(t, 5, "Invalid user name")
	control(t, srv, "POST", "groups", map[string]any{"login": "username", "rass_name": "again"}, http.StatusCreated)
	if !strings.Contains(a.call("GetAllGroups").Body, `"rass_id":"1000","rass_name":"again"`) {
		t.Error("sequence did not restart at 1000")
	}
}

func TestSeedDocument(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	doc := map[string]any{"justclick": map[string]any{"tenants": []any{map[string]any{
		"login": "seeded", "secret": "S", "domains": []string{"s.example.com"}, "callback_url": "http://127.0.0.1:9/x",
		"groups": []any{map[string]any{"rass_id": 7, "rass_name": "g7", "rass_title": "Seven"}},
		"goods":  []any{map[string]any{"good_id": "5000", "good_name": "kit", "good_title": "Kit", "good_type": "real", "good_sum": "12.3"}},
		"contacts": []any{map[string]any{"email": "C@example.com", "name": "C",
			"subscriptions": []any{map[string]any{"rass_name": "g7", "status": "STATUS_WAIT", "subscription_time": 100}}}},
		"orders": []any{map[string]any{"bill_id": 42, "email": "c@example.com", "created": 1000, "pay_status": "paid", "paid": 2000,
			"payway": "Card", "utm": map[string]string{"source": "fb"}, "goods": []any{map[string]any{"good_name": "kit", "good_sum": "10"}}}},
		"partners": []any{map[string]any{"partner": "pp", "stats": []any{map[string]any{"date": "2020-01-01", "clicks": 1, "earned": "1.5"}}}},
	}}}}
	if resp := srv.Do("POST", "/_emulator/seed", doc); resp.Status != 200 {
		t.Fatalf("seed: %d %s", resp.Status, resp.Body)
	}
	a := account{t: t, srv: srv, login: "seeded", secret: "S"}
	a.call("GetAllGroups").result(t, `[{"rass_id":"7","rass_name":"g7","rass_title":"Seven"}]`)
	a.call("GetLeadGroupStatuses", "email", "c@example.com").
		result(t, `[{"rass_name":"g7","rass_title":"Seven","rass_status":"STATUS_WAIT","subscription_time":"100"}]`)
	a.call("GetOrderInfo", "bill_id", "42").result(t, `[{"id":"42","first_name":"","last_name":"","middle_name":"","email":"c@example.com","phone":"","city":"","country":"","address":"","region":"","postalcode":"","created":"1000","pay_status":"paid","paid":"2000","type":"1","payway":"Card","comment":"","domain":"","link":"\/bill\/?id=42&crc=`+md5hex("42::seeded")[:10]+`","utm":{"source":"fb"},"price":"10.00","bill_sum_topay":"0.00"}]`)
	a.call("GetAllGoods").result(t, `[{"good_name":"kit","good_title":"Kit","good_type":"1","good_sum":"12.30"}]`)
	a.call("GetPartnerStats", "partner", "pp").result(t, `{"earned_total":"1.50","topay_total":"0.00","clicks_total":"1","leads_total":"0","bills_total":"0","partners_total":"0"}`)
	// Seeded ids ≥ 1000 move the sequence past them.
	a.call("AddGood", "good_name", "next", "good_title", "Next", "good_type", "x", "good_sum", "1").is(t, 0, "OK")
	if state := srv.Do("GET", "/_emulator/state/justclick?tenant=seeded", nil).Body; !strings.Contains(state, `"good_id":"5001","good_name":"next"`) {
		t.Errorf("sequence: %s", state)
	}

	for _, bad := range []map[string]any{
		{"login": ""},
		{"login": "x", "goods": []any{map[string]any{"good_name": "g", "good_sum": "abc"}}},
		{"login": "x", "orders": []any{map[string]any{"email": "a@b.cd", "goods": []any{map[string]any{"good_name": "missing"}}}}},
		{"login": "x", "contacts": []any{map[string]any{"email": "a@b.cd", "subscriptions": []any{map[string]any{"rass_name": "missing"}}}}},
		{"login": "x", "callback_url": "nope"},
		{"login": "x", "unknown": 1},
		{"login": "x", "orders": []any{map[string]any{"email": "a@b.cd", "pay_status": "weird"}}},
	} {
		doc := map[string]any{"justclick": map[string]any{"tenants": []any{bad}}}
		if resp := srv.Do("POST", "/_emulator/seed", doc); resp.Status != 400 || !strings.Contains(resp.Body, "justclick") {
			t.Errorf("seed %v: %d %s", bad, resp.Status, resp.Body)
		}
	}
	// All or nothing: the failed documents created no tenant.
	if resp := srv.Do("GET", "/_emulator/state/justclick?tenant=x", nil); resp.Status != 404 {
		t.Errorf("half-applied seed: %d %s", resp.Status, resp.Body)
	}
}

// An account's settings are remembered between calls, and a seed that
// changes them shows on the next call: a new secret signs, the old one no
// longer does, and a disabled account answers code 7.
func TestSeedChangesShowOnTheNextCall(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("GetAllGroups").is(t, 0, "OK")
	seed := func(tenant map[string]any) {
		t.Helper()
		doc := map[string]any{"justclick": map[string]any{"tenants": []any{tenant}}}
		if resp := srv.Do("POST", "/_emulator/seed", doc); resp.Status != 200 {
			t.Fatalf("seed: %d %s", resp.Status, resp.Body)
		}
	}
	seed(map[string]any{"login": login, "secret": "NEW"})
	moved := account{t: t, srv: srv, login: login, secret: "NEW"}
	// The answer is signed with the secret the account has now.
	parseReply(t, srv.Do("POST", "/justclick/api/GetAllGroups", a.signed(), "Host", login+".localhost", "Content-Type", formType),
		moved.secret).is(t, 4, "Incorrect hash")
	moved.call("GetAllGroups").is(t, 0, "OK")
	seed(map[string]any{"login": login, "disabled": true})
	moved.call("GetAllGroups").is(t, 7, "Account disabled")
}
