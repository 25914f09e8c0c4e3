package justclick

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Pay statuses of an order.
const (
	payWaiting   = "waiting"
	payPaid      = "paid"
	payCancel    = "cancel"
	payMoneyback = "moneyback"
)

// defaultPayway is the payway a payment reported without one gets.
const defaultPayway = "RussianPostService"

// utmKeys are the utm values an order keeps, in the order it shows them.
var utmKeys = []string{"medium", "source", "campaign", "content", "term"}

// duplicateWindow is how far back CreateOrder looks for the same order.
const duplicateWindow = 24 * time.Hour

// order is a bill with its items.
type order struct {
	id                                            int64
	email, firstName, lastName, middleName, phone string
	country, region, city, address, postalcode    string
	kupon, tag, comment, domain                   string
	utm                                           map[string]string
	created, paid, paidCents                      int64
	payStatus, payway, delivery, rpo              string
	deleted                                       bool
	items                                         []item
}

// item is one good of an order, as it was when ordered.
type item struct {
	goodID   int64
	name     string
	title    string
	physical bool
	price    int64 // the good's list price
	sum      int64 // what the order charges for it
}

// price is what the order costs: the sum of its items.
func (o order) price() int64 {
	var p int64
	for _, it := range o.items {
		p += it.sum
	}
	return p
}

// link is the order's payment page.
func (o order) link(login string) string {
	id := strconv.FormatInt(o.id, 10)
	l := "/bill/?id=" + id + "&crc=" + md5hex(id + "::" + login)[:10]
	if o.domain != "" {
		l = "http://" + o.domain + l
	}
	return l
}

// object is the order as the order functions show it (reference §4.12).
// goodInfo adds good_ids and good_count.
func (o order) object(login string, goodInfo bool) wire.Object {
	physical := slices.ContainsFunc(o.items, func(it item) bool { return it.physical })
	obj := wire.Obj(
		"id", itoa(o.id), "first_name", o.firstName, "last_name", o.lastName, "middle_name", o.middleName,
		"email", o.email, "phone", o.phone, "city", o.city, "country", o.country, "address", o.address,
		"region", o.region, "postalcode", o.postalcode, "created", itoa(o.created), "pay_status", o.payStatus,
		"paid", itoa(o.paid), "type", flag(physical), "payway", o.payway, "comment", o.comment,
		"domain", o.domain, "link", o.link(login))
	var utm wire.Object
	for _, k := range utmKeys {
		if v, ok := o.utm[k]; ok {
			utm = append(utm, wire.Field{Key: k, Value: v})
		}
	}
	if utm != nil {
		obj = append(obj, wire.Field{Key: "utm", Value: utm})
	}
	if goodInfo {
		ids := make([]string, len(o.items))
		for i, it := range o.items {
			ids[i] = itoa(it.goodID)
		}
		obj = append(obj, wire.Field{Key: "good_ids", Value: strings.Join(ids, ",")},
			wire.Field{Key: "good_count", Value: strconv.Itoa(len(o.items))})
	}
	topay := int64(0)
	if o.payStatus == payWaiting {
		topay = o.price()
	}
	return append(obj, wire.Field{Key: "price", Value: money(o.price())}, wire.Field{Key: "bill_sum_topay", Value: money(topay)})
}

// itemList is the order's items as getOrderDetails shows them.
func (o order) itemList() []wire.Object {
	out := make([]wire.Object, len(o.items))
	for i, it := range o.items {
		out[i] = wire.Obj("id", it.name, "title", it.title, "price", money(it.price), "sum", money(it.sum), "partners", []any{})
	}
	return out
}

const orderColumns = `bill_id, email, first_name, last_name, middle_name, phone, country, region, city, address,
	postalcode, kupon, tag, comment, domain, utm, created, pay_status, paid, paid_cents, payway, delivery_status,
	rpo, deleted`

// loadOrders reads the account's orders matching cond (an SQL condition
// on justclick_order), ascending by id, with their items.
func loadOrders(s store.Scoped, cond string, args ...any) []order {
	rows, err := s.Query(`SELECT `+orderColumns+` FROM justclick_order
		WHERE tenant_id = @tenant AND (`+cond+`) ORDER BY bill_id`, args...)
	must(err)
	defer rows.Close()
	var out []order
	at := map[int64]int{}
	for rows.Next() {
		var o order
		var utm string
		must(rows.Scan(&o.id, &o.email, &o.firstName, &o.lastName, &o.middleName, &o.phone, &o.country, &o.region,
			&o.city, &o.address, &o.postalcode, &o.kupon, &o.tag, &o.comment, &o.domain, &utm, &o.created,
			&o.payStatus, &o.paid, &o.paidCents, &o.payway, &o.delivery, &o.rpo, &o.deleted))
		must(json.Unmarshal([]byte(utm), &o.utm))
		at[o.id] = len(out)
		out = append(out, o)
	}
	must(rows.Err())
	if len(out) == 0 {
		return nil
	}
	items, err := s.Query(`SELECT bill_id, good_id, good_name, good_title, physical, price_cents, sum_cents
		FROM justclick_order_item WHERE tenant_id = @tenant AND bill_id IN
		(SELECT bill_id FROM justclick_order WHERE tenant_id = @tenant AND (`+cond+`))
		ORDER BY bill_id, position`, args...)
	must(err)
	defer items.Close()
	for items.Next() {
		var id int64
		var it item
		must(items.Scan(&id, &it.goodID, &it.name, &it.title, &it.physical, &it.price, &it.sum))
		o := &out[at[id]]
		o.items = append(o.items, it)
	}
	must(items.Err())
	return out
}

// liveOrder finds the account's non-deleted order id.
func liveOrder(s store.Scoped, id int64) (order, bool) {
	os := loadOrders(s, `bill_id = ? AND deleted = 0`, id)
	if len(os) == 0 {
		return order{}, false
	}
	return os[0], true
}

// insertOrder stores o and its items.
func insertOrder(s store.Scoped, o order) error {
	utm, err := json.Marshal(o.utm)
	if err != nil {
		return err
	}
	if o.utm == nil {
		utm = []byte("{}")
	}
	_, err = s.Exec(`INSERT INTO justclick_order (tenant_id, `+orderColumns+`)
		VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.id, o.email, o.firstName, o.lastName, o.middleName, o.phone, o.country, o.region, o.city, o.address,
		o.postalcode, o.kupon, o.tag, o.comment, o.domain, string(utm), o.created, o.payStatus, o.paid, o.paidCents,
		o.payway, o.delivery, o.rpo, o.deleted)
	if err != nil {
		return err
	}
	for i, it := range o.items {
		_, err := s.Exec(`INSERT INTO justclick_order_item (tenant_id, bill_id, position, good_id, good_name, good_title,
			physical, price_cents, sum_cents) VALUES (@tenant, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.id, i, it.goodID, it.name, it.title, it.physical, it.price, it.sum)
		if err != nil {
			return err
		}
	}
	return nil
}

// deliveryFields must all be filled for an order with a physical good.
var deliveryFields = []string{"bill_first_name", "bill_surname", "bill_country", "bill_city", "bill_address"}

// createOrder is CreateOrder (§4.8).
func createOrder(r *request) answer {
	if !r.acct.ordersAPI {
		return errOrdersDisabled
	}
	email, ok := r.email("bill_email")
	if !ok {
		return errWrongEmail.plus(email + "'")
	}
	goods, ok := r.fields.Get("goods")
	if !ok || goods.Map == nil || goods.Map.Len() == 0 {
		return errMissingProducts
	}
	o := order{email: email, payStatus: payWaiting, created: r.now.Unix()}
	var fail answer
	goods.Map.Each(func(_ string, v Value) {
		if fail.failed() {
			return
		}
		var name, override string
		if v.Map != nil {
			name, override = str(v.Map, "good_name"), str(v.Map, "good_sum")
		}
		g, ok := goodByName(r.s, name)
		if !ok {
			fail = errProductNotExist.plus(name)
			return
		}
		if g.physical && slices.ContainsFunc(deliveryFields, func(f string) bool { return empty(r.str(f)) }) {
			fail = errNoDeliveryData
			return
		}
		it := item{goodID: g.id, name: g.name, title: g.title, physical: g.physical, price: g.cents, sum: g.cents}
		if cents, ok := parseMoney(override); ok && !empty(override) {
			it.sum = cents
		}
		o.items = append(o.items, it)
	})
	if fail.failed() {
		return fail
	}
	if id, dup := r.duplicateOrder(o); dup {
		return errOrderExists.with(wire.Obj("bill_id", itoa(id)))
	}
	r.fillOrder(&o)
	id, err := nextID(r.s.Tx(), seqOrder)
	must(err)
	o.id = id
	must(insertOrder(r.s, o))
	r.notify(o.id, "new_order", -1)
	return answerOrderCreated.with(wire.Obj("bill_id", itoa(o.id)))
}

// fillOrder copies the optional bill_* fields onto o.
func (r *request) fillOrder(o *order) {
	o.firstName, o.lastName, o.phone = r.str("bill_first_name"), r.str("bill_surname"), r.str("bill_phone")
	o.middleName = r.str("bill_middle_name")
	if empty(o.middleName) {
		o.middleName = r.str("bill_otchestvo")
	}
	o.country, o.region, o.city = r.str("bill_country"), r.str("bill_region"), r.str("bill_city")
	o.address, o.postalcode = r.str("bill_address"), r.str("bill_postal_code")
	o.kupon, o.tag, o.comment = r.str("bill_kupon"), r.str("bill_tag"), r.str("bill_comment")
	o.domain = cleanDomain(r.str("bill_domain"))
	if t, ok := positiveInt(r.str("bill_created")); ok {
		o.created = t
	}
	if utm, ok := r.fields.Get("utm"); ok && utm.Map != nil {
		for _, k := range utmKeys {
			if v := str(utm.Map, "utm_"+k); v != "" {
				if o.utm == nil {
					o.utm = map[string]string{}
				}
				o.utm[k] = v
			}
		}
	}
}

// cleanDomain drops a scheme and a trailing slash from bill_domain.
func cleanDomain(d string) string {
	for _, scheme := range []string{"http://", "https://"} {
		if len(d) >= len(scheme) && strings.EqualFold(d[:len(scheme)], scheme) {
			d = d[len(scheme):]
			break
		}
	}
	return strings.TrimSuffix(d, "/")
}

// duplicateOrder finds a waiting order of the same e-mail and goods made
// within duplicateWindow (reference §8.11).
func (r *request) duplicateOrder(o order) (int64, bool) {
	names := itemNames(o)
	since := r.now.Add(-duplicateWindow).Unix()
	for _, old := range loadOrders(r.s, `email = ? AND pay_status = ? AND deleted = 0 AND created >= ?`, o.email, payWaiting, since) {
		if slices.Equal(itemNames(old), names) {
			return old.id, true
		}
	}
	return 0, false
}

func itemNames(o order) []string {
	names := make([]string, len(o.items))
	for i, it := range o.items {
		names[i] = it.name
	}
	slices.Sort(names)
	return names
}

// updateOrderStatus is UpdateOrderStatus (§4.9).
func updateOrderStatus(r *request) answer {
	id, idOK := positiveInt(r.str("bill_id"))
	status := r.str("status")
	if !idOK || empty(status) || status == payMoneyback && empty(r.str("ext_ref_no")) {
		return errWrongData
	}
	o, ok := liveOrder(r.s, id)
	if !ok {
		return errNoOrder
	}
	date, dateOK := positiveInt(r.str("date"))
	switch status {
	case "sent":
		rpo := strings.TrimSpace(r.str("rpo"))
		if !dateOK || rpo == "" {
			return errWrongData
		}
		r.setOrder(id, `delivery_status = 'sent', rpo = ?`, r.str("rpo"))
	case "return":
		r.setOrder(id, `delivery_status = 'return'`)
	case payPaid:
		if !dateOK {
			return errWrongData
		}
		if o.payStatus != payWaiting {
			return errNotPaid
		}
		payway := r.str("payway")
		if payway == "" {
			payway = defaultPayway
		}
		sum := o.price()
		if v := r.str("sum"); v != "" {
			if cents, ok := parseMoney(v); ok {
				sum = cents
			}
		}
		r.setOrder(id, `pay_status = 'paid', paid = ?, payway = ?, paid_cents = ?`, date, payway, sum)
		r.notify(id, payPaid, sum)
	case payCancel:
		if o.payStatus != payCancel {
			r.setOrder(id, `pay_status = 'cancel'`)
			r.notify(id, "cancel_order", -1)
		}
	case payMoneyback:
		if o.payStatus != payPaid {
			return errStatusUnchanged
		}
		r.setOrder(id, `pay_status = 'moneyback'`)
		r.notify(id, payMoneyback, -1)
		return answerStatusChanged
	default:
		return errWrongStatus
	}
	return answerOK
}

// setOrder updates columns of the account's order id.
func (r *request) setOrder(id int64, set string, args ...any) {
	_, err := r.s.Exec(`UPDATE justclick_order SET `+set+` WHERE tenant_id = @tenant AND bill_id = ?`, append(args, id)...)
	must(err)
}

// deleteOrder is DeleteOrder (§4.10): the order stays, marked deleted.
func deleteOrder(r *request) answer {
	v := r.str("bill_id")
	if empty(v) {
		return errNoOrderNumber
	}
	id, ok := positiveInt(v)
	if !ok {
		return errNoOrder
	}
	if _, ok := liveOrder(r.s, id); !ok {
		return errNoOrder
	}
	r.setOrder(id, `deleted = 1`)
	return answerOK
}

// getBills is GetBills (§4.11): an object of orders keyed by bill_id, each
// an object of goods keyed by good_id.
func getBills(r *request) answer {
	email, ok := r.email("email")
	if !ok {
		return errWrongData
	}
	cond, args := `email = ? AND deleted = 0`, []any{email}
	if ps := r.str("pay_status"); !empty(ps) {
		cond, args = cond+` AND pay_status = ?`, append(args, ps)
	}
	orders := loadOrders(r.s, cond, args...)
	if len(orders) == 0 {
		return errOrderNotFound
	}
	bills := wire.Object{}
	for _, o := range orders {
		goods := wire.Object{}
		for _, it := range o.items {
			goods = goods.Set(itoa(it.goodID), wire.Obj("good_name", it.name, "good_title", it.title))
		}
		bills = append(bills, wire.Field{Key: itoa(o.id), Value: goods})
	}
	return answerOK.with(bills)
}

// requestedOrder is the live order named by bill_id.
func (r *request) requestedOrder() (order, bool) {
	id, ok := positiveInt(r.str("bill_id"))
	if !ok {
		return order{}, false
	}
	return liveOrder(r.s, id)
}

// getOrderInfo is GetOrderInfo (§4.13): a list holding the one order.
func getOrderInfo(r *request) answer {
	o, ok := r.requestedOrder()
	if !ok {
		return errOrderNotFound
	}
	return answerOK.with([]wire.Object{o.object(r.acct.login, !empty(r.str("good_info")))})
}

// getOrderDetails is getOrderDetails (§4.14): the order with its items.
func getOrderDetails(r *request) answer {
	o, ok := r.requestedOrder()
	if !ok {
		return errOrderNotFound
	}
	obj := o.object(r.acct.login, !empty(r.str("good_info")))
	obj = append(obj, wire.Field{Key: "tag", Value: o.tag}, wire.Field{Key: "kupon", Value: o.kupon},
		wire.Field{Key: "is_recurrent", Value: "0"}, wire.Field{Key: "items", Value: o.itemList()})
	return answerOK.with(obj)
}

// getOrders is GetOrders (§4.15): orders created or paid within
// [date_s, date_e].
func getOrders(r *request) answer {
	from := intOr(r.str("date_s"), 0)
	to := intOr(r.str("date_e"), r.now.Unix())
	cond := `deleted = 0 AND (created BETWEEN ? AND ? OR (paid > 0 AND paid BETWEEN ? AND ?))`
	return r.orderList(cond, []any{from, to, from, to}, false)
}

// getOrdersWithGoods is getOrdersWithGoods (§4.16): orders created on the
// days [begin_date, end_date] (at most 31 of them), with their items.
func getOrdersWithGoods(r *request) answer {
	today := r.now.UTC().Truncate(24 * time.Hour)
	begin, ok1 := dayOr(r.str("begin_date"), today)
	end, ok2 := dayOr(r.str("end_date"), today)
	if !ok1 || !ok2 {
		return errWrongData
	}
	if end.Sub(begin) > 30*24*time.Hour {
		begin = end.Add(-30 * 24 * time.Hour)
	}
	cond := `deleted = 0 AND created BETWEEN ? AND ?`
	return r.orderList(cond, []any{begin.Unix(), end.Unix() + 24*3600 - 1}, true)
}

// orderList answers the listing functions: the orders matching cond,
// narrowed by the paid and goods fields.
func (r *request) orderList(cond string, args []any, withItems bool) answer {
	if !empty(r.str("paid")) {
		cond += ` AND pay_status = 'paid'`
	}
	var names []string
	for _, n := range r.list("goods") {
		if n != "" {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		cond += ` AND bill_id IN (SELECT bill_id FROM justclick_order_item WHERE tenant_id = @tenant AND good_name IN (?` +
			strings.Repeat(", ?", len(names)-1) + `))`
		for _, n := range names {
			args = append(args, n)
		}
	}
	orders := loadOrders(r.s, cond, args...)
	if len(orders) == 0 {
		return errOrdersNotFound
	}
	out := make([]wire.Object, len(orders))
	for i, o := range orders {
		out[i] = o.object(r.acct.login, false)
		if withItems {
			out[i] = append(out[i], wire.Field{Key: "items", Value: o.itemList()})
		}
	}
	return answerOK.with(out)
}

// digits is an unsigned decimal integer as the vendor accepts ids and times.
var digits = regexp.MustCompile(`^[0-9]{1,18}$`)

// positiveInt reads an integer > 0.
func positiveInt(s string) (int64, bool) {
	if !digits.MatchString(s) {
		return 0, false
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n, n > 0
}

// intOr reads an integer, or def when s is empty or not one.
func intOr(s string, def int64) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return def
	}
	return n
}

// dayOr reads a dd.mm.yyyy day (UTC), or def when s is empty.
func dayOr(s string, def time.Time) (time.Time, bool) {
	if s == "" {
		return def, true
	}
	t, err := time.Parse("2.1.2006", s)
	return t, err == nil
}

// str is the string field key of a nested form map.
func str(f *Fields, key string) string {
	v, ok := f.Get(key)
	if !ok || v.Map != nil {
		return ""
	}
	return v.Str
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
