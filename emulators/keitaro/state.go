package keitaro

import (
	"strings"

	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// State implements emu.Vendor: every tenant (or the one named) with
// its settings, counters and objects in the modern shapes, archived ones
// included (§7.4).
func (e *Emulator) State(tx *store.Tx, key string) (any, error) {
	all, err := tx.SelectTenants(Name, key)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, st := range all {
		t, err := loadTenant(tx, st.Key)
		if err != nil {
			return nil, err
		}
		o, err := e.tenantState(e.seedCall(tx, t))
		if err != nil {
			return nil, err
		}
		out = append(out, render(o, modern))
	}
	return wire.Obj("tenants", out), nil
}

func (e *Emulator) tenantState(c *call) (wire.Object, error) {
	o := e.settingsObject(c.t)
	var err error
	section := func(name string, v any, e error) {
		if err == nil {
			err = e
		}
		o = append(o, wire.Field{Key: name, Value: v})
	}
	counters, cerr := queryRows(c.s, `SELECT kind, next FROM keitaro_counters WHERE tenant_id = @tenant ORDER BY kind`)
	co := wire.Object{}
	for _, r := range counters {
		co = append(co, wire.Field{Key: r.str("kind"), Value: r.int("next")})
	}
	section("counters", co, cerr)
	rows, rerr := allRows(c, campaigns)
	section("campaigns", objects(rows, campaignObject), rerr)
	so, serr := allStreams(c)
	section("streams", so, serr)
	rows, rerr = queryRows(c.s, offerQuery+` ORDER BY o.id`)
	section("offers", objects(rows, offerObject), rerr)
	rows, rerr = allRows(c, landingPages)
	section("landing_pages", objects(rows, landingObject), rerr)
	rows, rerr = allRows(c, trafficSources)
	section("traffic_sources", objects(rows, trafficSourceObject), rerr)
	rows, rerr = allRows(c, affiliateNetworks)
	section("affiliate_networks", objects(rows, networkObject), rerr)
	rows, rerr = allRows(c, groups)
	section("groups", objects(rows, groupObject), rerr)
	rows, rerr = queryRows(c.s, domainQuery+` ORDER BY d.id`)
	section("domains", objects(rows, domainObject), rerr)
	rows, rerr = allRows(c, users)
	section("users", objects(rows, userObject), rerr)
	labels, lerr := allLabels(c)
	section("labels", labels, lerr)
	bots, berr := botList(c)
	section("botlist", bots, berr)
	integ, ierr := allIntegrations(c)
	section("integrations", integ, ierr)
	files, ferr := dumpTable(c, `SELECT owner, owner_id, path, data FROM keitaro_files WHERE tenant_id = @tenant ORDER BY owner, owner_id, path`)
	section("files", files, ferr)
	clicks, kerr := allClicks(c)
	section("clicks", clicks, kerr)
	convs, verr := allConversions(c)
	section("conversions", convs, verr)
	logs := wire.Object{}
	for _, typ := range logTypes {
		rows, lerr := queryRows(c.s, `SELECT datetime, jid, message FROM keitaro_logs WHERE tenant_id = @tenant AND type = ? ORDER BY id DESC`, typ)
		if err == nil {
			err = lerr
		}
		logs = append(logs, wire.Field{Key: typ, Value: objects(rows, func(r row) wire.Object {
			return wire.Obj("datetime", r.str("datetime"), "jid", r.str("jid"), "message", r.str("message"))
		})})
	}
	section("logs", logs, nil)
	return o, err
}

// allIntegrations are the tenant's integration settings and its Facebook
// integrations, each with the ids of its linked campaigns.
func allIntegrations(c *call) (wire.Object, error) {
	avscan, err := avscanKey.get(c)
	if err != nil {
		return nil, err
	}
	imklo, err := imkloAPIURL.get(c)
	if err != nil {
		return nil, err
	}
	rows, err := allRows(c, facebookIntegrations)
	if err != nil {
		return nil, err
	}
	links, err := queryRows(c.s, `SELECT integration_id, campaign_id FROM keitaro_facebook_campaigns WHERE tenant_id = @tenant
		ORDER BY integration_id, campaign_id`)
	if err != nil {
		return nil, err
	}
	fb := make([]wire.Object, len(rows))
	for i, r := range rows {
		ids := []int64{}
		for _, l := range links {
			if l.int("integration_id") == r.int("id") {
				ids = append(ids, l.int("campaign_id"))
			}
		}
		fb[i] = append(facebookObject(r), wire.Field{Key: "campaign_ids", Value: ids})
	}
	return wire.Obj("avscan_key", avscan, "imklo_api_url", imklo, "facebook", fb), nil
}

// allStreams are every stream with its sub-lists, archived included.
func allStreams(c *call) ([]wire.Object, error) {
	rows, err := allRows(c, streams)
	if err != nil {
		return nil, err
	}
	return streamObjects(c, rows)
}

// allRows are every object of the entity, archived included, id ascending.
func allRows(c *call, e *entity) ([]row, error) {
	return queryRows(c.s, `SELECT * FROM `+e.table+` WHERE tenant_id = @tenant ORDER BY id`)
}

// dumpTable renders rows with their columns in table order (tenant_id
// left out; flag columns as booleans).
func dumpTable(c *call, query string) ([]wire.Object, error) {
	rs, err := c.s.Query(query)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	out := []wire.Object{}
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		o := wire.Object{}
		for i, col := range cols {
			v := vals[i]
			switch {
			case col == "tenant_id":
				continue
			case strings.HasPrefix(col, "is_") || col == "landing_clicked":
				n, _ := v.(int64)
				v = n != 0
			case col == "cost":
				if f, ok := v.(int64); ok {
					v = float64(f)
				}
			}
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			o = append(o, wire.Field{Key: col, Value: v})
		}
		out = append(out, o)
	}
	return out, rs.Err()
}
