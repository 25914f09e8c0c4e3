package justclick

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"

	"github.com/vendoremu/vendoremu/outbound"
)

// delivery is one order callback to POST once its transaction commits.
type delivery struct {
	login string
	url   string
	body  string
}

// callbackURL is the account's order-callback URL, "" when none is set.
func (r *request) callbackURL() string {
	var url string
	err := r.s.QueryRow(`SELECT url FROM justclick_callback WHERE tenant_id = @tenant`).Scan(&url)
	if errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	must(err)
	return url
}

// notify queues the callback for an event of order id, built from the
// order as this transaction leaves it. lastPayment (kopecks) is sent for
// payments; -1 leaves it out.
func (r *request) notify(id int64, status string, lastPayment int64) {
	url := r.callbackURL()
	if url == "" {
		return
	}
	o, ok := liveOrder(r.s, id)
	if !ok {
		return
	}
	r.callbacks = append(r.callbacks, delivery{login: r.acct.login, url: url, body: callbackForm(o, r.acct.login, status, lastPayment)})
}

// callbackForm is the callback's body (reference §7.5), PHP-encoded.
func callbackForm(o order, login, status string, lastPayment int64) string {
	f := newFields()
	for _, kv := range [][2]string{
		{"id", itoa(o.id)}, {"first_name", o.firstName}, {"last_name", o.lastName}, {"middle_name", o.middleName},
		{"email", o.email}, {"phone", o.phone}, {"city", o.city}, {"country", o.country}, {"address", o.address},
		{"region", o.region}, {"postalcode", o.postalcode}, {"created", itoa(o.created)}, {"pay_status", o.payStatus},
		{"paid", itoa(o.paid)}, {"payway", o.payway}, {"comment", o.comment}, {"domain", o.domain},
		{"link", o.link(login)}, {"price", money(o.price())}, {"tag", o.tag}, {"kupon", o.kupon}, {"status", status},
	} {
		f.SetString(kv[0], kv[1])
	}
	if lastPayment >= 0 {
		f.SetString("last_payment_sum", money(lastPayment))
	}
	utm := newFields()
	for _, k := range utmKeys {
		if v, ok := o.utm[k]; ok {
			utm.SetString(k, v)
		}
	}
	if utm.Len() > 0 {
		f.Set("utm", Value{Map: utm})
	}
	items := newFields()
	for i, it := range o.items {
		m := newFields()
		m.SetString("id", it.name)
		m.SetString("title", it.title)
		m.SetString("price", money(it.price))
		m.SetString("sum", money(it.sum))
		items.Set(strconv.Itoa(i), Value{Map: m})
	}
	f.Set("items", Value{Map: items})
	return f.Encode()
}

// deliver POSTs each callback in the background: the API answer does not
// wait for the receiver, as with the vendor.
func (e *Emulator) deliver(ds []delivery) {
	for _, d := range ds {
		e.deps.Outbound.Send(outbound.Delivery{
			Vendor:      Name,
			Tenant:      d.login,
			Method:      http.MethodPost,
			URL:         d.url,
			ContentType: "application/x-www-form-urlencoded",
			Body:        d.body,
		}, nil)
	}
}
