package justclick_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/journal"
)

// received is what the callback receiver got.
type received struct {
	method, contentType, body string
}

// receiver is a test server that records every callback and answers 202.
func receiver(t *testing.T) (string, chan received) {
	t.Helper()
	got := make(chan received, 16)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{r.Method, r.Header.Get("Content-Type"), string(b)}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "thanks")
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/hook", got
}

// callbacks lists the journal's callback deliveries, newest first.
func callbacks(t *testing.T, srv *vtest.Server, hook string) []journal.Entry {
	t.Helper()
	var out struct{ Requests []journal.Entry }
	if err := json.Unmarshal([]byte(srv.Do("GET", "/_emulator/requests?vendor=justclick", nil).Body), &out); err != nil {
		t.Fatal(err)
	}
	var cbs []journal.Entry
	for _, e := range out.Requests {
		if e.Path == hook {
			cbs = append(cbs, e)
		}
	}
	return cbs
}

// keys is the order of the form's keys.
func keys(body string) []string {
	var out []string
	for _, p := range strings.Split(body, "&") {
		k, _, _ := strings.Cut(p, "=")
		k, _ = url.QueryUnescape(k)
		out = append(out, k)
	}
	return out
}

func TestOrderCallbacks(t *testing.T) {
	srv, emu := start(t, justclick.Config{})
	freeze(t, srv, "2024-03-01T12:00:00Z") // 1709294400
	a := defaultAccount(t, srv)
	hook, got := receiver(t)
	body := control(t, srv, "POST", "callbacks", map[string]any{"login": "username", "url": hook}, http.StatusCreated)
	if body != `{"login":"username","url":"`+hook+`"}` {
		t.Errorf("set callback: %s", body)
	}

	a.call("CreateOrder", "goods[0][good_name]", "course1", "bill_email", "b@example.com", "bill_first_name", "Анна",
		"utm[utm_source]", "fb", "utm[utm_term]", "x y").result(t, `{"bill_id":"1000"}`)
	cb := <-got
	want := "id=1000&first_name=%D0%90%D0%BD%D0%BD%D0%B0&last_name=&middle_name=&email=b%40example.com&phone=&city=&country=" +
		"&address=&region=&postalcode=&created=1709294400&pay_status=waiting&paid=0&payway=&comment=&domain=" +
		"&link=%2Fbill%2F%3Fid%3D1000%26crc%3D" + crc("1000") + "&price=990.00&tag=&kupon=&status=new_order" +
		"&utm%5Bsource%5D=fb&utm%5Bterm%5D=x+y" +
		"&items%5B0%5D%5Bid%5D=course1&items%5B0%5D%5Btitle%5D=Online+course&items%5B0%5D%5Bprice%5D=990.00&items%5B0%5D%5Bsum%5D=990.00"
	if cb.method != "POST" || cb.contentType != "application/x-www-form-urlencoded" || cb.body != want {
		t.Errorf("new_order callback:\n%s %s\n%s\nwant\n%s", cb.method, cb.contentType, cb.body, want)
	}
	emu.WaitCallbacks()
	entries := callbacks(t, srv, hook)
	if len(entries) != 1 {
		t.Fatalf("journal has %d deliveries", len(entries))
	}
	e := entries[0]
	if e.Vendor != "justclick" || e.Tenant != "username" || e.Method != "POST" || e.Status != 202 ||
		e.RequestBody != want || e.ResponseBody != "thanks" {
		t.Errorf("journal entry: %+v", e)
	}

	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1709300000", "sum", "900").is(t, 0, "OK")
	cb = <-got
	v, _ := url.ParseQuery(cb.body)
	if v.Get("status") != "paid" || v.Get("pay_status") != "paid" || v.Get("paid") != "1709300000" ||
		v.Get("payway") != "RussianPostService" || v.Get("last_payment_sum") != "900.00" {
		t.Errorf("paid callback: %s", cb.body)
	}
	if k := keys(cb.body); strings.Join(k[20:24], ",") != "kupon,status,last_payment_sum,utm[source]" {
		t.Errorf("paid callback key order: %v", k)
	}
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "moneyback", "ext_ref_no", "r").is(t, 0, "Order status changed")
	if v, _ := url.ParseQuery((<-got).body); v.Get("status") != "moneyback" || v.Get("pay_status") != "moneyback" || v.Has("last_payment_sum") {
		t.Errorf("moneyback callback: %v", v)
	}
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "cancel").is(t, 0, "OK")
	if v, _ := url.ParseQuery((<-got).body); v.Get("status") != "cancel_order" || v.Get("pay_status") != "cancel" {
		t.Errorf("cancel callback: %v", v)
	}
	// No change, no callback; neither for deliveries and failures.
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "cancel").is(t, 0, "OK")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "sent", "date", "1", "rpo", "R").is(t, 0, "OK")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1").is(t, 202, "Order not paid")
	a.call("CreateOrder", "goods[0][good_name]", "nosuch", "bill_email", "b@example.com").is(t, 604, "Product not exist: nosuch")
	emu.WaitCallbacks()
	if len(got) != 0 {
		t.Errorf("unexpected callback: %+v", <-got)
	}
	if n := len(callbacks(t, srv, hook)); n != 4 {
		t.Errorf("journal has %d deliveries, want 4", n)
	}

	// Another account's orders never reach this receiver.
	b := newAccount(t, srv, "other")
	control(t, srv, "POST", "callbacks", map[string]any{"login": "other"}, http.StatusBadRequest)
	seedGood(t, srv, "other")
	b.call("CreateOrder", "goods[0][good_name]", "thing", "bill_email", "b@example.com").is(t, 0, "Order created")

	// Removed: nothing is sent.
	control(t, srv, "DELETE", "callbacks?login=username", nil, http.StatusNoContent)
	a.call("CreateOrder", "goods[0][good_name]", "book", "bill_email", "c@example.com", "bill_first_name", "A", "bill_surname", "B",
		"bill_country", "RU", "bill_city", "M", "bill_address", "x").is(t, 0, "Order created")
	emu.WaitCallbacks()
	if len(got) != 0 {
		t.Errorf("callback after DELETE: %+v", <-got)
	}
}

func seedGood(t *testing.T, srv *vtest.Server, login string) {
	t.Helper()
	doc := map[string]any{"justclick": map[string]any{"tenants": []any{map[string]any{
		"login": login, "goods": []any{map[string]any{"good_name": "thing", "good_title": "Thing", "good_sum": 5}},
	}}}}
	if resp := srv.Do("POST", "/_emulator/seed", doc); resp.Status != 200 {
		t.Fatalf("seed: %d %s", resp.Status, resp.Body)
	}
}

func TestCallbackUnreachable(t *testing.T) {
	srv, emu := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	dead := httptest.NewServer(http.NotFoundHandler())
	hook := dead.URL + "/gone"
	dead.Close()
	control(t, srv, "POST", "callbacks", map[string]any{"login": "username", "url": hook}, http.StatusCreated)
	a.call("CreateOrder", "goods[0][good_name]", "course1", "bill_email", "b@example.com").is(t, 0, "Order created")
	emu.WaitCallbacks()
	entries := callbacks(t, srv, hook)
	if len(entries) != 1 || entries[0].Status != 0 || entries[0].ResponseBody == "" {
		t.Errorf("unreachable delivery: %+v", entries)
	}
}

func TestCallbackHelperErrors(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	for _, body := range []any{
		map[string]any{"login": "username", "url": "ftp://example.com/x"},
		map[string]any{"login": "username", "url": "/relative"},
		map[string]any{"login": "username", "url": 5},
		map[string]any{"url": "http://example.com"},
		"not json",
	} {
		control(t, srv, "POST", "callbacks", body, http.StatusBadRequest)
	}
	body := control(t, srv, "POST", "callbacks", map[string]any{"login": "ghost", "url": "http://example.com"}, http.StatusNotFound)
	if body != `{"error":"unknown tenant"}` {
		t.Errorf("unknown tenant: %s", body)
	}
	control(t, srv, "DELETE", "callbacks?login=ghost", nil, http.StatusNotFound)
	control(t, srv, "DELETE", "callbacks", nil, http.StatusBadRequest)
}
