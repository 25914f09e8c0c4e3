package justclick_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vendoremu/vendoremu/emulators/justclick"
)

func crc(id string) string { return md5hex(id + "::" + login)[:10] }

// seededOrder is order 1 of the default account as the order functions show it.
func seededOrder(goodInfo string) string {
	return `{"id":"1","first_name":"Dear","last_name":"Friend","middle_name":"","email":"subscriber@example.com","phone":"","city":"","country":"","address":"","region":"","postalcode":"","created":"1470096000","pay_status":"paid","paid":"1470182400","type":"0","payway":"RussianPostService","comment":"","domain":"","link":"\/bill\/?id=1&crc=` +
		crc("1") + `"` + goodInfo + `,"price":"990.00","bill_sum_topay":"0.00"}`
}

const seededItems = `"items":[{"id":"course1","title":"Online course","price":"990.00","sum":"990.00","partners":[]}]`

func TestSeededOrderViews(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("GetBills", "email", "subscriber@example.com").result(t, `{"1":{"1":{"good_name":"course1","good_title":"Online course"}}}`)
	a.call("GetOrderInfo", "bill_id", "1").result(t, "["+seededOrder("")+"]")
	a.call("GetOrderInfo", "bill_id", "1", "good_info", "1", "payway_name", "x").result(t, "["+seededOrder(`,"good_ids":"1","good_count":"1"`)+"]")
	details := strings.TrimSuffix(seededOrder(""), "}") + `,"tag":"","kupon":"","is_recurrent":"0",` + seededItems + "}"
	a.call("getOrderDetails", "bill_id", "1").result(t, details)
	a.call("GetOrders").result(t, "["+seededOrder("")+"]")
}

func TestOrderLifecycle(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	freeze(t, srv, "2024-03-01T12:00:00Z") // 1709294400
	a := defaultAccount(t, srv)
	r := a.call("CreateOrder", "goods[0][good_name]", "course1", "goods[1][good_name]", "book", "goods[1][good_sum]", "1200.5",
		"bill_email", "Buyer@Example.com", "bill_first_name", "Anna", "bill_surname", "Ivanova", "bill_otchestvo", "Petrovna",
		"bill_phone", "+7900", "bill_country", "RU", "bill_region", "MO", "bill_city", "Moscow", "bill_address", "Tverskaya 1",
		"bill_postal_code", "101000", "bill_kupon", "SALE", "bill_tag", "t", "bill_comment", "ring twice",
		"bill_domain", "https://shop.example.com/", "utm[utm_source]", "fb", "utm[utm_medium]", "cpc", "bill_ip", "1.2.3.4")
	r.is(t, 0, "Order created").result(t, `{"bill_id":"1000"}`)

	order := `{"id":"1000","first_name":"Anna","last_name":"Ivanova","middle_name":"Petrovna","email":"buyer@example.com","phone":"+7900","city":"Moscow","country":"RU","address":"Tverskaya 1","region":"MO","postalcode":"101000","created":"1709294400","pay_status":"%s","paid":"%s","type":"1","payway":"%s","comment":"ring twice","domain":"shop.example.com","link":"http:\/\/shop.example.com\/bill\/?id=1000&crc=` +
		crc("1000") + `","utm":{"medium":"cpc","source":"fb"},"price":"2190.50","bill_sum_topay":"%s"}`
	view := func(status, paid, payway, topay string) string {
		s := order
		for _, v := range []string{status, paid, payway, topay} {
			s = strings.Replace(s, "%s", v, 1)
		}
		return s
	}
	a.call("GetOrderInfo", "bill_id", "1000").result(t, "["+view("waiting", "0", "", "2190.50")+"]")
	a.call("GetBills", "email", "buyer@example.com", "pay_status", "waiting").
		result(t, `{"1000":{"1":{"good_name":"course1","good_title":"Online course"},"2":{"good_name":"book","good_title":"Paper book"}}}`)
	a.call("GetBills", "email", "buyer@example.com", "pay_status", "paid").is(t, 400, "Order not found")

	advance(t, srv, "1h")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1709298000").is(t, 0, "OK").noResult(t)
	a.call("GetBills", "email", "buyer@example.com", "pay_status", "paid").is(t, 0, "OK")
	a.call("GetBills", "email", "buyer@example.com", "pay_status", "waiting").is(t, 400, "Order not found")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1709298000").is(t, 202, "Order not paid")
	details := strings.TrimSuffix(view("paid", "1709298000", "RussianPostService", "0.00"), "}") +
		`,"tag":"t","kupon":"SALE","is_recurrent":"0","items":[{"id":"course1","title":"Online course","price":"990.00","sum":"990.00","partners":[]},{"id":"book","title":"Paper book","price":"1500.00","sum":"1200.50","partners":[]}]}`
	a.call("getOrderDetails", "bill_id", "1000").result(t, details)

	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "sent", "date", "1709298000", "rpo", "RA123").is(t, 0, "OK")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "return").is(t, 0, "OK")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "moneyback").is(t, 3, "Wrong posted data")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "moneyback", "ext_ref_no", "r1").is(t, 0, "Order status changed").noResult(t)
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "moneyback", "ext_ref_no", "r1").is(t, 204, "Order status is not changed")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "cancel").is(t, 0, "OK")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "cancel").is(t, 0, "OK")
	a.call("GetBills", "email", "buyer@example.com", "pay_status", "cancel").is(t, 0, "OK")

	a.call("DeleteOrder", "bill_id", "1000").is(t, 0, "OK").noResult(t)
	a.call("GetBills", "email", "buyer@example.com").is(t, 400, "Order not found")
	a.call("GetOrderInfo", "bill_id", "1000").is(t, 400, "Order not found")
	a.call("getOrderDetails", "bill_id", "1000").is(t, 400, "Order not found")
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1").is(t, 200, "Nonexistent order")
	a.call("DeleteOrder", "bill_id", "1000").is(t, 200, "Nonexistent order")
	state := srv.Do("GET", "/_emulator/state/justclick?tenant=username", nil).Body
	if !strings.Contains(state, `"id":"1000"`) || !strings.Contains(state, `"delivery_status":"return","rpo":"RA123","deleted":true`) {
		t.Errorf("deleted order not in state: %s", state)
	}
}

func TestCreateOrderErrors(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	freeze(t, srv, "2024-03-01T12:00:00Z")
	a := defaultAccount(t, srv)
	a.call("CreateOrder", "goods[0][good_name]", "course1").is(t, 600, "Wrong email: ''").noResult(t)
	a.call("CreateOrder", "goods[0][good_name]", "course1", "bill_email", "Not-An-Email").is(t, 600, "Wrong email: 'not-an-email'")
	a.call("CreateOrder", "bill_email", "b@example.com").is(t, 603, "Missing products")
	a.call("CreateOrder", "bill_email", "b@example.com", "goods", "course1").is(t, 603, "Missing products")
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "nosuch").is(t, 604, "Product not exist: nosuch")
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0]", "course1").is(t, 604, "Product not exist: ")
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "book", "bill_first_name", "A",
		"bill_surname", "B", "bill_country", "RU", "bill_city", "0", "bill_address", "x").is(t, 605, "Not having any data for delivery products")
	// Nothing was written by the failures.
	a.call("GetBills", "email", "b@example.com").is(t, 400, "Order not found")

	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "course1").result(t, `{"bill_id":"1000"}`)
	r := a.call("CreateOrder", "bill_email", "B@example.com", "goods[0][good_name]", "course1", "bill_first_name", "other")
	r.is(t, 601, "Order already exist. His number send in result array.")
	if string(r.Result) != `{"bill_id":"1000"}` {
		t.Errorf("601 result: %s", r.Body)
	}
	// Other goods make another order; so does the passing of a day.
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "course1", "goods[1][good_name]", "course1").
		result(t, `{"bill_id":"1001"}`)
	advance(t, srv, "24h1s")
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "course1").result(t, `{"bill_id":"1002"}`)

	b := newAccount(t, srv, "noorders", "orders_api", false)
	b.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "course1").
		is(t, 606, "Function for creating new orders throw API was disabled for your account")
}

func TestUpdateOrderStatusErrors(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "course1").result(t, `{"bill_id":"1000"}`)
	for _, f := range [][]string{
		{"status", "paid", "date", "1"},
		{"bill_id", "0", "status", "paid", "date", "1"},
		{"bill_id", "x", "status", "paid", "date", "1"},
		{"bill_id", "-5", "status", "paid", "date", "1"},
		{"bill_id", "1000"},
		{"bill_id", "1000", "status", "0"},
		{"bill_id", "1000", "status", "moneyback", "ext_ref_no", "0"},
		{"bill_id", "1000", "status", "paid"},
		{"bill_id", "1000", "status", "paid", "date", "0"},
		{"bill_id", "1000", "status", "sent", "date", "5"},
		{"bill_id", "1000", "status", "sent", "date", "5", "rpo", "  "},
		{"bill_id", "1000", "status", "sent", "rpo", "RA1"},
	} {
		a.call("UpdateOrderStatus", f...).is(t, 3, "Wrong posted data")
	}
	a.call("UpdateOrderStatus", "bill_id", "999", "status", "paid", "date", "1").is(t, 200, "Nonexistent order")
	a.call("UpdateOrderStatus", "bill_id", "999", "status", "bogus").is(t, 200, "Nonexistent order")
	for _, s := range []string{"bogus", "fromjc", "waiting"} {
		a.call("UpdateOrderStatus", "bill_id", "1000", "status", s).is(t, 201, "Wrong status")
	}
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "moneyback", "ext_ref_no", "r").is(t, 204, "Order status is not changed")
	a.call("DeleteOrder").is(t, 203, "Order number is empty")
	a.call("DeleteOrder", "bill_id", "0").is(t, 203, "Order number is empty")
	a.call("DeleteOrder", "bill_id", "abc").is(t, 200, "Nonexistent order")
	// Paid with a sum and payway of its own.
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1700000000", "sum", "100", "payway", "Card").is(t, 0, "OK")
	state := srv.Do("GET", "/_emulator/state/justclick?tenant=username", nil).Body
	if !strings.Contains(state, `"pay_status":"paid","paid":"1700000000","type":"0","payway":"Card"`) || !strings.Contains(state, `"paid_sum":"100.00"`) {
		t.Errorf("state: %s", state)
	}
}

func TestOrderQueries(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	freeze(t, srv, "2024-03-10T12:00:00Z") // 1710072000
	a := defaultAccount(t, srv)
	a.call("GetBills").is(t, 3, "Wrong posted data")
	a.call("GetBills", "email", "x").is(t, 3, "Wrong posted data")
	a.call("GetBills", "email", "ghost@example.com").is(t, 400, "Order not found")
	a.call("GetOrderInfo").is(t, 400, "Order not found")
	a.call("GetOrderInfo", "bill_id", "77").is(t, 400, "Order not found")

	a.call("CreateOrder", "bill_email", "q@example.com", "goods[0][good_name]", "course1", "bill_created", "1709251200").result(t, `{"bill_id":"1000"}`) // 2024-03-01
	a.call("CreateOrder", "bill_email", "q@example.com", "goods[0][good_name]", "book", "bill_first_name", "A", "bill_surname", "B",
		"bill_country", "RU", "bill_city", "M", "bill_address", "x").result(t, `{"bill_id":"1001"}`) // now
	ids := func(r reply) string {
		t.Helper()
		if r.Code != 0 {
			t.Fatalf("%s", r.Body)
		}
		var orders []struct{ ID string }
		if err := json.Unmarshal(r.Result, &orders); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range orders {
			out = append(out, o.ID)
		}
		return strings.Join(out, ",")
	}
	if got := ids(a.call("GetOrders")); got != "1,1000,1001" {
		t.Errorf("GetOrders: %s", got)
	}
	if got := ids(a.call("GetOrders", "date_s", "1709251200", "date_e", "1709251200")); got != "1000" {
		t.Errorf("GetOrders one second: %s", got)
	}
	if got := ids(a.call("GetOrders", "paid", "1")); got != "1" {
		t.Errorf("GetOrders paid: %s", got)
	}
	if got := ids(a.call("GetOrders", "goods", "book")); got != "1001" {
		t.Errorf("GetOrders goods: %s", got)
	}
	if got := ids(a.call("GetOrders", "goods[0]", "book", "goods[1]", "course1")); got != "1,1000,1001" {
		t.Errorf("GetOrders goods list: %s", got)
	}
	// Paid within the range counts as well as created.
	a.call("UpdateOrderStatus", "bill_id", "1000", "status", "paid", "date", "1710000000").is(t, 0, "OK")
	if got := ids(a.call("GetOrders", "date_s", "1710000000")); got != "1000,1001" {
		t.Errorf("GetOrders paid in range: %s", got)
	}
	a.call("GetOrders", "date_s", "1800000000").is(t, 401, "Orders not found")

	// getOrdersWithGoods works on days.
	if got := ids(a.call("getOrdersWithGoods")); got != "1001" {
		t.Errorf("today: %s", got)
	}
	r := a.call("getOrdersWithGoods", "begin_date", "01.03.2024", "end_date", "1.3.2024")
	if got := ids(r); got != "1000" || !strings.Contains(r.Body, `"items":[{"id":"course1"`) {
		t.Errorf("1 March: %s", r.Body)
	}
	if got := ids(a.call("getOrdersWithGoods", "begin_date", "01.01.2016", "end_date", "10.03.2024")); got != "1000,1001" {
		t.Errorf("clamped to 31 days: %s", got)
	}
	if got := ids(a.call("getOrdersWithGoods", "begin_date", "01.01.2016", "end_date", "31.03.2024")); got != "1000,1001" {
		t.Errorf("31 days: %s", got)
	}
	if got := ids(a.call("getOrdersWithGoods", "begin_date", "01.01.2016", "end_date", "01.04.2024")); got != "1001" {
		t.Errorf("32 days: %s", got)
	}
	a.call("getOrdersWithGoods", "begin_date", "05.03.2024", "end_date", "05.03.2024").is(t, 401, "Orders not found")
	a.call("getOrdersWithGoods", "begin_date", "2024-03-01").is(t, 3, "Wrong posted data")
	a.call("getOrdersWithGoods", "end_date", "32.01.2024").is(t, 3, "Wrong posted data")
	a.call("getOrdersWithGoods", "begin_date", "01.03.2024", "end_date", "01.03.2024", "paid", "1", "goods", "course1").is(t, 0, "OK")
	a.call("getOrdersWithGoods", "begin_date", "01.03.2024", "end_date", "01.03.2024", "goods", "book").is(t, 401, "Orders not found")
}

func TestGoods(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("GetAllGoods").result(t, `[{"good_name":"course1","good_title":"Online course","good_type":"0","good_sum":"990.00"},{"good_name":"book","good_title":"Paper book","good_type":"1","good_sum":"1500.00"}]`)
	full := []string{"good_name", "box", "good_title", "Box", "good_type", "real", "good_sum", "10.555"}
	for i := 1; i < len(full); i += 2 {
		f := append([]string(nil), full...)
		f[i] = "0"
		a.call("AddGood", f...).is(t, 2, "No transmitted data").noResult(t)
	}
	a.call("AddGood", "good_name", "box", "good_title", "Box", "good_type", "real", "good_sum", "-1").is(t, 303, "Failed to add product")
	a.call("AddGood", "good_name", "box", "good_title", "Box", "good_type", "real", "good_sum", "ten").is(t, 303, "Failed to add product")
	a.call("AddGood", "good_name", "book", "good_title", "Box", "good_type", "real", "good_sum", "1").is(t, 301, "Product already exist")
	a.call("AddGood", append(full, "good_client_rassilki", " buyers , news,,")...).is(t, 0, "OK").noResult(t)
	a.call("GetAllGroups").result(t, `[{"rass_id":"1","rass_name":"news","rass_title":"Newsletter"},{"rass_id":"2","rass_name":"vip","rass_title":"VIP clients"},{"rass_id":"1000","rass_name":"buyers","rass_title":"\u041a\u043b\u0438\u0435\u043d\u0442\u044b \u043f\u0440\u043e\u0434\u0443\u043a\u0442\u0430: \"Box\""}]`)

	a.call("UpdateGood").is(t, 2, "No transmitted data")
	a.call("UpdateGood", "good_name", "nosuch").is(t, 300, "Product not found")
	a.call("UpdateGood", "good_name", "box", "good_sum", "x").is(t, 302, "Failed to remove product")
	a.call("UpdateGood", "good_name", "box", "good_title", "Big box", "good_type", "digital", "good_sum", "7").is(t, 0, "OK")
	a.call("UpdateGood", "good_name", "box", "good_title", "").is(t, 0, "OK")
	r := a.call("GetAllGoods")
	if !strings.HasSuffix(string(r.Result), `{"good_name":"box","good_title":"Big box","good_type":"0","good_sum":"7.00"}]`) {
		t.Errorf("after update: %s", r.Result)
	}

	a.call("DeleteGood").is(t, 2, "No transmitted data")
	a.call("DeleteGood", "good_name", "nosuch").is(t, 302, "Failed to remove product")
	a.call("DeleteGood", "good_name", "course1").is(t, 0, "OK")
	a.call("CreateOrder", "bill_email", "b@example.com", "goods[0][good_name]", "course1").is(t, 604, "Product not exist: course1")
	// The order made with it keeps its item.
	a.call("GetBills", "email", "subscriber@example.com").result(t, `{"1":{"1":{"good_name":"course1","good_title":"Online course"}}}`)

	b := newAccount(t, srv, "nogoods")
	b.call("GetAllGoods").result(t, `[]`)
}

func TestDomainsAndPartners(t *testing.T) {
	srv, _ := start(t, justclick.Config{})
	a := defaultAccount(t, srv)
	a.call("GetActiveDomainsList").result(t, `["shop.example.com"]`)
	b := newAccount(t, srv, "nodomains")
	b.call("GetActiveDomainsList").is(t, 900, "Active domains not found").noResult(t)
	c := newAccount(t, srv, "two", "domains", []string{"a.example.com", "b.example.com"})
	c.call("GetActiveDomainsList").result(t, `["a.example.com","b.example.com"]`)

	a.call("GetPartnerStats").is(t, 2, "No transmitted data").noResult(t)
	a.call("GetPartnerStats", "partner", "").is(t, 1000, "Partner not found")
	a.call("GetPartnerStats", "partner", "stranger").is(t, 1000, "Partner not found")
	a.call("GetPartnerStats", "partner[0]", "my_partner_login").is(t, 1000, "Partner not found")
	zeros := `{"earned_total":0,"topay_total":0,"clicks_total":0,"leads_total":0,"bills_total":0,"partners_total":0}`
	a.call("GetPartnerStats", "partner", "my_partner_login", "date_from", "2017-01-01").result(t, zeros)
	a.call("GetPartnerStats", "partner", "my_partner_login", "date_from", "garbage", "date_to", "2016-08-05").
		result(t, `{"earned_total":"100.00","topay_total":"50.00","clicks_total":"40","leads_total":"10","bills_total":"2","partners_total":"1"}`)
	a.call("GetPartnerStats", "partner", "my_partner_login", "date_from", "2016-09-10").
		result(t, `{"earned_total":"170.50","topay_total":"95.25","clicks_total":"85","leads_total":"16","bills_total":"4","partners_total":"1"}`)

	body := control(t, srv, "POST", "partners", map[string]any{"login": "nodomains", "partner": "p1", "stats": []any{
		map[string]any{"date": "2024-01-01", "clicks": 3, "leads": "2", "bills": 1, "earned": 10.5, "topay": "5", "partners": 0},
		map[string]any{"date": "2024-01-02", "clicks": 1},
	}}, http.StatusCreated)
	if body != `{"login":"nodomains","partner":"p1","days":2}` {
		t.Errorf("partners: %s", body)
	}
	control(t, srv, "POST", "partners", map[string]any{"login": "nodomains", "partner": "p1", "stats": []any{
		map[string]any{"date": "2024-01-02", "clicks": 4},
	}}, http.StatusCreated)
	b.call("GetPartnerStats", "partner", "p1").
		result(t, `{"earned_total":"10.50","topay_total":"5.00","clicks_total":"7","leads_total":"2","bills_total":"1","partners_total":"0"}`)
	// A partner with no days yet answers number zeros.
	control(t, srv, "POST", "partners", map[string]any{"login": "nodomains", "partner": "p2"}, http.StatusCreated)
	b.call("GetPartnerStats", "partner", "p2").result(t, zeros)
	// Partners are per account.
	a.call("GetPartnerStats", "partner", "p1").is(t, 1000, "Partner not found")
}
