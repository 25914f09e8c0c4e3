package justclick

import (
	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// State implements emu.Vendor: every account with its settings (the
// secret included) and data; deleted orders are listed with "deleted":true.
func (e *Emulator) State(tx *store.Tx, tenant string) (any, error) {
	ts, err := tx.SelectTenants(Name, asciiLower(tenant))
	if err != nil {
		return nil, err
	}
	out := []wire.Object{}
	for _, t := range ts {
		obj, err := tenantState(tx.Scope(t))
		if err != nil {
			return nil, err
		}
		out = append(out, emu.WithClock(tx, t, obj))
	}
	return wire.Obj("tenants", out), nil
}

func tenantState(s store.Scoped) (wire.Object, error) {
	obj, err := tenantSettings(s)
	if err != nil {
		return nil, err
	}
	var callback string
	_ = s.QueryRow(`SELECT url FROM justclick_callback WHERE tenant_id = @tenant`).Scan(&callback)
	login, _ := obj.Get("login")
	return append(obj,
		wire.Field{Key: "callback_url", Value: callback},
		wire.Field{Key: "groups", Value: groupsState(s)},
		wire.Field{Key: "contacts", Value: contactsState(s)},
		wire.Field{Key: "goods", Value: goodsState(s)},
		wire.Field{Key: "orders", Value: ordersState(s, login.(string))},
		wire.Field{Key: "partners", Value: partnersState(s)},
	), nil
}

func groupsState(s store.Scoped) []wire.Object {
	out := []wire.Object{}
	eachRow(s, `SELECT rass_id, rass_name, rass_title, kind FROM justclick_group WHERE tenant_id = @tenant ORDER BY rass_id`,
		func(scan func(...any)) {
			var g group
			scan(&g.id, &g.name, &g.title, &g.kind)
			out = append(out, wire.Obj("rass_id", itoa(g.id), "rass_name", g.name, "rass_title", g.title, "auto", g.kind == kindAuto))
		})
	return out
}

func contactsState(s store.Scoped) []wire.Object {
	out := []wire.Object{}
	var ids []int64
	eachRow(s, `SELECT id, email, name, phone, city, tags FROM justclick_contact WHERE tenant_id = @tenant ORDER BY id`,
		func(scan func(...any)) {
			var id int64
			var email, name, phone, city, tags string
			scan(&id, &email, &name, &phone, &city, &tags)
			ids = append(ids, id)
			out = append(out, wire.Obj("email", email, "name", name, "phone", phone, "city", city, "tags", tags))
		})
	for i, id := range ids {
		subs := []wire.Object{}
		eachRow(s, `SELECT g.rass_name, s.status, s.subscription_time, s.extra FROM justclick_subscription s
			JOIN justclick_group g ON g.tenant_id = s.tenant_id AND g.rass_id = s.rass_id
			WHERE s.tenant_id = @tenant AND s.contact_id = ? ORDER BY s.rass_id`, func(scan func(...any)) {
			var name, status, extra string
			var at int64
			scan(&name, &status, &at, &extra)
			subs = append(subs, wire.Obj("rass_name", name, "status", status, "subscription_time", itoa(at), "extra", extra))
		}, id)
		out[i] = append(out[i], wire.Field{Key: "subscriptions", Value: subs})
	}
	return out
}

func goodsState(s store.Scoped) []wire.Object {
	out := []wire.Object{}
	eachRow(s, `SELECT good_id, good_name, good_title, physical, sum_cents, client_groups FROM justclick_good
		WHERE tenant_id = @tenant ORDER BY good_id`, func(scan func(...any)) {
		var g good
		scan(&g.id, &g.name, &g.title, &g.physical, &g.cents, &g.clients)
		out = append(out, wire.Obj("good_id", itoa(g.id), "good_name", g.name, "good_title", g.title,
			"good_type", g.goodType(), "good_sum", money(g.cents), "good_client_rassilki", g.clients))
	})
	return out
}

func ordersState(s store.Scoped, login string) []wire.Object {
	out := []wire.Object{}
	for _, o := range loadOrders(s, `1 = 1`) {
		obj := o.object(login, true)
		obj = append(obj, wire.Field{Key: "tag", Value: o.tag}, wire.Field{Key: "kupon", Value: o.kupon},
			wire.Field{Key: "paid_sum", Value: money(o.paidCents)}, wire.Field{Key: "delivery_status", Value: o.delivery},
			wire.Field{Key: "rpo", Value: o.rpo}, wire.Field{Key: "deleted", Value: o.deleted},
			wire.Field{Key: "items", Value: o.itemList()})
		out = append(out, obj)
	}
	return out
}

func partnersState(s store.Scoped) []wire.Object {
	out := []wire.Object{}
	var names []string
	eachRow(s, `SELECT partner FROM justclick_partner WHERE tenant_id = @tenant ORDER BY partner`, func(scan func(...any)) {
		var p string
		scan(&p)
		names = append(names, p)
	})
	for _, p := range names {
		days := []wire.Object{}
		eachRow(s, `SELECT date, clicks, leads, bills, earned_cents, topay_cents, partners FROM justclick_partner_day
			WHERE tenant_id = @tenant AND partner = ? ORDER BY date`, func(scan func(...any)) {
			var date string
			var clicks, leads, bills, earned, topay, partners int64
			scan(&date, &clicks, &leads, &bills, &earned, &topay, &partners)
			days = append(days, wire.Obj("date", date, "clicks", clicks, "leads", leads, "bills", bills,
				"earned", money(earned), "topay", money(topay), "partners", partners))
		}, p)
		out = append(out, wire.Obj("partner", p, "stats", days))
	}
	return out
}

// eachRow runs a scoped query and calls fn with a scanner for every row.
func eachRow(s store.Scoped, query string, fn func(scan func(...any)), args ...any) {
	rows, err := s.Query(query, args...)
	must(err)
	defer rows.Close()
	for rows.Next() {
		fn(func(dest ...any) { must(rows.Scan(dest...)) })
	}
	must(rows.Err())
}
