package justclick_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emulators/justclick"
)

// Two accounts on one emulator: "future" lives on its own clock frozen in
// 2031, "present" follows the emulator clock (the wall clock). Each sees
// its own time on every route that depends on it.
func TestEachAccountSeesItsOwnClock(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	future, present := newAccount(t, srv, "future"), newAccount(t, srv, "present")
	srv.TenantClock("justclick", "future", map[string]any{"now": "2031-03-01T12:00:00Z"})
	fNow := time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC).Unix()
	seedGood(t, srv, "future")
	seedGood(t, srv, "present")
	order := func(a account) string {
		var out struct {
			BillID string `json:"bill_id"`
		}
		r := a.call("CreateOrder", "goods[0][good_name]", "thing", "bill_email", "b@example.com")
		if r.Code != 0 && r.Code != 601 || jsonInto(string(r.Result), &out) != nil {
			t.Fatalf("CreateOrder: %s", r.Body)
		}
		return out.BillID
	}
	fBill, pBill := order(future), order(present)
	if r := future.call("GetOrderInfo", "bill_id", fBill); !strings.Contains(r.Body, fmt.Sprintf(`"created":"%d"`, fNow)) {
		t.Fatalf("future's order: %s", r.Body)
	}
	var info []struct {
		Created string `json:"created"`
	}
	r := present.call("GetOrderInfo", "bill_id", pBill)
	if jsonInto(string(r.Result), &info) != nil || len(info) != 1 || !nearNow(info[0].Created) {
		t.Fatalf("present's order: %s", r.Body)
	}
	// GetOrders' default range ends at each account's now.
	if r := future.call("GetOrders"); !strings.Contains(r.Body, `"id":"`+fBill+`"`) {
		t.Fatalf("future's GetOrders: %s", r.Body)
	}
	if r := present.call("GetOrders"); !strings.Contains(r.Body, `"id":"`+pBill+`"`) {
		t.Fatalf("present's GetOrders: %s", r.Body)
	}
	// A repeat of a waiting order within 24 hours of the account's clock
	// is the same order; a day later on future's clock it is a new one.
	if again := order(future); again != fBill {
		t.Fatalf("repeat within 24h: %s, want %s", again, fBill)
	}
	srv.TenantClock("justclick", "future", map[string]any{"advance": "25h"})
	if again := order(future); again == fBill {
		t.Fatal("a day later the repeat is still the old order")
	}
	if again := order(present); again != pBill {
		t.Fatalf("present's repeat: %s, want %s", again, pBill)
	}
	// Subscriptions are stamped with the account's time.
	control(t, srv, "POST", "groups", map[string]any{"login": "future", "rass_name": "news"}, http.StatusCreated)
	future.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "w@example.com").is(t, 0, "OK")
	d := srv.Do("GET", "/_emulator/state/justclick?tenant=future", nil).Body
	if !strings.Contains(d, fmt.Sprintf(`"subscription_time":"%d"`, fNow+25*3600)) || !strings.HasSuffix(d, `,"clock":{"now":"2031-03-02T13:00:00Z","frozen":true}}]}`) {
		t.Fatalf("future's dump: %s", d)
	}
}

func jsonInto(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// nearNow reports whether unix seconds (as text) are within a minute of the
// wall clock.
func nearNow(unix string) bool {
	var n int64
	fmt.Sscan(unix, &n)
	return time.Since(time.Unix(n, 0)).Abs() < time.Minute
}

func TestAccountFaultLeavesTheOtherAccountAlone(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	broken, fine := newAccount(t, srv, "broken"), newAccount(t, srv, "fine")
	seedGood(t, srv, "broken")
	seedGood(t, srv, "fine")
	if r := srv.Do("POST", "/_emulator/faults", `{"vendor":"justclick","tenant":"broken","status":502,"body":"bad gateway"}`); r.Status != 201 {
		t.Fatal(r.Body)
	}
	resp := srv.Do("POST", "/justclick/api/CreateOrder", broken.signed("goods[0][good_name]", "thing", "bill_email", "b@example.com"),
		"Host", "broken.localhost:8080", "Content-Type", formType)
	if resp.Status != 502 || resp.Body != "bad gateway" {
		t.Fatalf("broken: %d %s", resp.Status, resp.Body)
	}
	fine.call("CreateOrder", "goods[0][good_name]", "thing", "bill_email", "b@example.com").is(t, 0, "Order created")
	if d := srv.Do("GET", "/_emulator/state/justclick?tenant=broken", nil).Body; !strings.Contains(d, `"orders":[]`) {
		t.Fatalf("the faulted call wrote: %s", d)
	}
	// A wrong hash names the account but does not prove it: the vendor's
	// own answer, and the journal still names the account.
	bad := account{t: t, srv: srv, login: "broken", secret: "wrong"}
	resp = srv.Do("POST", "/justclick/api/GetOrders", bad.signed(), "Host", "broken.localhost:8080", "Content-Type", formType)
	if resp.Status != 200 || !strings.Contains(resp.Body, `"error_code":4`) {
		t.Fatalf("wrong hash: %d %s", resp.Status, resp.Body)
	}
}

func TestStateLoadsAsSeed(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	freeze(t, srv, "2030-01-01T00:00:00Z")
	a := newAccount(t, srv, "shop", "orders_api", true, "domains", []string{"shop.example.com"})
	srv.TenantClock("justclick", "shop", map[string]any{"now": "2031-03-01T12:00:00Z"})
	doc := map[string]any{"justclick": map[string]any{"tenants": []any{map[string]any{
		"login": "shop",
		"goods": []any{
			map[string]any{"good_name": "course", "good_title": "Course", "good_sum": "990.00", "good_client_rassilki": "buyers"},
			map[string]any{"good_name": "book", "good_title": "Book", "good_type": "physical", "good_sum": 1500},
			map[string]any{"good_name": "gone", "good_sum": 10},
		},
		"groups": []any{map[string]any{"rass_name": "news", "rass_title": "News"}},
	}}}}
	if r := srv.Do("POST", "/_emulator/seed", doc); r.Status != 200 {
		t.Fatalf("seed: %s", r.Body)
	}
	control(t, srv, "POST", "partners", map[string]any{"login": "shop", "partner": "p1",
		"stats": []any{map[string]any{"date": "2031-02-01", "clicks": 5, "leads": 2, "bills": 1, "earned": "12.50", "topay": 3, "partners": 1}}}, http.StatusCreated)
	control(t, srv, "POST", "callbacks", map[string]any{"login": "shop", "url": "http://127.0.0.1:9/hook"}, http.StatusCreated)
	a.call("AddLeadToGroup", "rid[0]", "news", "lead_email", "w@example.com", "lead_name", "W", "utm[utm_source]", "fb").is(t, 0, "OK")
	a.call("CreateOrder", "goods[0][good_name]", "course", "goods[1][good_name]", "gone", "goods[1][good_sum]", "7.5",
		"bill_email", "b@example.com", "bill_kupon", "K", "bill_tag", "t", "utm[utm_medium]", "cpc").is(t, 0, "Order created")
	a.call("CreateOrder", "goods[0][good_name]", "book", "bill_email", "c@example.com", "bill_first_name", "C",
		"bill_surname", "D", "bill_country", "RU", "bill_city", "Moscow", "bill_address", "Main 1").is(t, 0, "Order created")
	a.call("CreateOrder", "goods[0][good_name]", "course", "bill_email", "e@example.com").is(t, 0, "Order created")
	a.call("UpdateOrderStatus", "bill_id", "1001", "status", "sent", "date", "1930000000", "rpo", "RA1").is(t, 0, "OK")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1930000000").is(t, 0, "OK")
	a.call("DeleteOrder", "bill_id", "1002").is(t, 0, "OK")
	a.call("DeleteGood", "good_name", "gone")

	fresh, _ := start(t, justclick.Config{})
	dump, reloaded := srv.RoundTrip(fresh, "justclick", "shop")
	if reloaded != dump {
		t.Fatalf("reloaded account differs:\n%s\n%s", dump, reloaded)
	}
	b := account{t: t, srv: fresh, login: "shop", secret: a.secret}
	if r := b.call("getOrderDetails", "bill_id", "1000"); !strings.Contains(r.Body, `{"id":"gone","title":"gone","price":"10.00","sum":"7.50","partners":[]}`) {
		t.Fatalf("order details in the fresh emulator: %s", r.Body)
	}
}
