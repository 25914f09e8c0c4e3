package keitaro

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// costTypes are the campaign cost models, in their stored spelling.
var costTypes = []string{"CPC", "CPUC", "CPM", "CPA", "CPS", "CPUV", "CPV", "RevShare"}

// campaigns are the campaigns of §4.2. Archived ones answer 404 by id and
// are listed by GET /campaigns/deleted.
var campaigns = &entity{
	kind:  "campaigns",
	table: "keitaro_campaigns",
	fields: []field{
		{name: "alias", read: text, required: true, max: maxName, valid: validAlias, unique: true},
		{name: "name", read: text, required: true, max: maxName},
		{name: "type", read: text, oneOf: []string{"position", "weight"}, def: value("position")},
		{name: "cookies_ttl", read: integer, valid: between(1, 8760), def: value(int64(24))},
		{name: "position", read: integer, def: value(int64(9999))},
		// A campaign may be created archived (the spec's enum, §0), but only
		// DELETE archives an existing one.
		{name: "state", read: text, oneOf: []string{"active", "disabled", "deleted"}, def: value("active"), only: onCreate},
		{name: "state", read: text, oneOf: []string{"active", "disabled"}, only: onUpdate},
		{name: "cost_type", read: text, oneOf: costTypes, fold: true, def: value("CPC")},
		{name: "cost_value", read: decimal, valid: between(0, maxMoney), def: value(0.0)},
		{name: "cost_currency", read: currency, def: tenantCurrency},
		{name: "cost_auto", read: boolean, def: value(false)},
		{name: "group_id", read: nullInteger},
		{name: "bind_visitors", read: textEmptyNull, oneOf: []string{"s", "sl", "slo"}},
		{name: "traffic_source_id", read: nullInteger},
		{name: "domain_id", read: nullInteger},
		{name: "token", read: text, max: maxName, def: newToken},
		{name: "uniqueness_method", read: text, oneOf: []string{"ip", "ip_ua"}, def: value("ip_ua")},
		{name: "uniqueness_use_cookies", read: boolean, def: value(true)},
		{name: "traffic_loss", read: number, valid: between(0, 100), def: value(0.0)},
		{name: "parameters", read: parameters, def: value("{}")},
		{name: "postbacks", read: postbacksIn, def: value([]postback{})},
		{name: "notes", read: text, max: maxNotes, def: value("")},
	},
}

// reservedAliases are first path segments the tracker itself answers.
var reservedAliases = []string{"admin_api", "postback", "lp"}

func validAlias(v any) bool {
	s, _ := v.(string)
	return aliasText.MatchString(s) && !slices.Contains(reservedAliases, s)
}

func tenantCurrency(c *call) any { return c.t.currency }

// textEmptyNull reads a nullable string where "" means null too.
func textEmptyNull(v any) (any, bool) {
	if v == nil || v == "" {
		return nil, true
	}
	return text(v)
}

func campaignObject(r row) wire.Object {
	var updated any = r.str("updated_at")
	if r["updated_at"] == nil {
		updated = unchanged(r.str("created_at"))
	}
	return wire.Obj(
		"id", r.int("id"),
		"alias", r.str("alias"),
		"name", r.str("name"),
		"type", r.str("type"),
		"cookies_ttl", r.int("cookies_ttl"),
		"position", r.int("position"),
		"state", r.str("state"),
		"created_at", r.str("created_at"),
		"updated_at", updated,
		"cost_type", r.str("cost_type"),
		"cost_value", money(r.num("cost_value")),
		"cost_currency", r.str("cost_currency"),
		"cost_auto", r.bool("cost_auto"),
		"group_id", r.nullInt("group_id"),
		"bind_visitors", r.nullStr("bind_visitors"),
		"traffic_source_id", r.nullInt("traffic_source_id"),
		"domain_id", r.nullInt("domain_id"),
		"token", r.str("token"),
		"uniqueness_method", r.str("uniqueness_method"),
		"uniqueness_use_cookies", r.bool("uniqueness_use_cookies"),
		"traffic_loss", r.num("traffic_loss"),
		"parameters", r.raw("parameters"),
		"postbacks", postbacksOut(r),
		"notes", r.str("notes"),
	)
}

// liveCampaign finds a campaign that is not archived.
func liveCampaign(c *call, id int64) (row, error) {
	return campaigns.loadIn(c, id, "active", "disabled")
}

// GET /campaigns
func listCampaigns(c *call) (any, error) {
	rows, err := campaigns.list(c, "deleted", true)
	return objects(rows, campaignObject), err
}

// GET /campaigns/deleted
func listDeletedCampaigns(c *call) (any, error) {
	rows, err := campaigns.list(c, "deleted", false)
	return objects(rows, campaignObject), err
}

// GET /campaigns/{id}: the read answered most. It reads the columns the
// answer shows into a campaignView, not the whole row into a map, and
// writes the answer directly: byte for byte what campaignObject, render and
// the JSON writer make of the row (a test compares both on odd rows).
func getCampaign(c *call) (any, error) {
	v := &campaignView{}
	if err := v.load(c.s, c.id); err != nil {
		return nil, err
	}
	if v.state.String != "active" && v.state.String != "disabled" {
		return nil, errNotFound // archived: liveCampaign's rule
	}
	d := c.dialect
	return wire.Func(func(w *wire.Builder) { v.write(w, d) }), nil
}

// campaignView is a stored campaign as its answer shows it: the numeric
// columns as the driver hands them over (read through colInt and colNum,
// as row's accessors do), the texts unpacked.
type campaignView struct {
	id, cookiesTTL, position, costValue, costAuto, groupID, trafficSourceID, domainID,
	uniquenessUseCookies, trafficLoss any
	alias, name, typ, state, createdAt, updatedAt, costType, costCurrency, bindVisitors, token,
	uniquenessMethod, parameters, postbacks, notes sql.NullString
}

// campaignViewQuery reads a campaignView; the texts come packed into one
// value (store.PackText): the driver's cost is per column.
var campaignViewQuery = `SELECT id, cookies_ttl, position, cost_value, cost_auto, group_id, traffic_source_id,
	domain_id, uniqueness_use_cookies, traffic_loss, ` + store.PackText("alias", "name", "type", "state", "created_at",
	"updated_at", "cost_type", "cost_currency", "bind_visitors", "token", "uniqueness_method", "parameters",
	"postbacks", "notes") + ` FROM keitaro_campaigns WHERE tenant_id = @tenant AND id = ?`

// load reads the campaign id (any state), or errNotFound.
func (v *campaignView) load(s store.Scoped, id int64) error {
	var packed string
	err := s.QueryRow(campaignViewQuery, id).Scan(&v.id, &v.cookiesTTL, &v.position, &v.costValue, &v.costAuto,
		&v.groupID, &v.trafficSourceID, &v.domainID, &v.uniquenessUseCookies, &v.trafficLoss, &packed)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	u := store.NewUnpack(packed)
	for _, t := range []*sql.NullString{&v.alias, &v.name, &v.typ, &v.state, &v.createdAt, &v.updatedAt, &v.costType,
		&v.costCurrency, &v.bindVisitors, &v.token, &v.uniquenessMethod, &v.parameters, &v.postbacks, &v.notes} {
		t.String, t.Valid = u.Text()
	}
	return u.Err()
}

// write writes the campaign object of campaignObject in dialect d.
func (v *campaignView) write(w *wire.Builder, d dialect) {
	w.BeginObject()
	w.Key("id").Int(colInt(v.id))
	w.Key("alias").String(v.alias.String)
	w.Key("name").String(v.name.String)
	w.Key("type").String(v.typ.String)
	w.Key("cookies_ttl").Int(colInt(v.cookiesTTL))
	w.Key("position").Int(colInt(v.position))
	w.Key("state").String(v.state.String)
	w.Key("created_at").String(v.createdAt.String)
	switch {
	case v.updatedAt.Valid:
		w.Key("updated_at").String(v.updatedAt.String)
	case d == modern: // unchanged: its created_at in modern, null in classic
		w.Key("updated_at").String(v.createdAt.String)
	default:
		w.Key("updated_at").Null()
	}
	w.Key("cost_type").String(v.costType.String)
	w.Key("cost_value").Value(render(money(colNum(v.costValue)), d))
	w.Key("cost_currency").String(v.costCurrency.String)
	w.Key("cost_auto").Bool(colInt(v.costAuto) != 0)
	w.Key("group_id").Value(colNullInt(v.groupID))
	if v.bindVisitors.Valid {
		w.Key("bind_visitors").String(v.bindVisitors.String)
	} else {
		w.Key("bind_visitors").Null()
	}
	w.Key("traffic_source_id").Value(colNullInt(v.trafficSourceID))
	w.Key("domain_id").Value(colNullInt(v.domainID))
	w.Key("token").String(v.token.String)
	w.Key("uniqueness_method").String(v.uniquenessMethod.String)
	w.Key("uniqueness_use_cookies").Bool(colInt(v.uniquenessUseCookies) != 0)
	w.Key("traffic_loss").Float(colNum(v.trafficLoss))
	w.Key("parameters").Value(rawJSON(v.parameters.String))
	w.Key("postbacks").Value(render(postbacksOf(v.postbacks.String, colInt(v.id)), d))
	w.Key("notes").String(v.notes.String)
	w.EndObject()
}

// POST /campaigns. A new campaign shows no updated_at until it is changed
// (the dialect layer decides what that looks like).
// The answer is made of the values just stored, not read back, when
// SQLite stores each one as it is (storedCampaign).
func createCampaign(c *call) (any, error) {
	vals, err := campaigns.createValues(c, func(vals map[string]any, errs *fieldErrors) error {
		vals["updated_at"] = nil
		return storePostbacks(c, vals, nil)
	})
	if err != nil {
		return nil, err
	}
	id, err := campaigns.insert(c, vals)
	if err != nil {
		return nil, err
	}
	v, ok := storedCampaign(vals)
	if !ok {
		v = &campaignView{}
		if err := v.load(c.s, id); err != nil {
			return nil, err
		}
	}
	d := c.dialect
	return wire.Func(func(w *wire.Builder) { v.write(w, d) }), nil
}

// storedCampaign is the campaignView of a campaign inserted with vals, as
// reading it back would give it, when every column's value is one SQLite
// stores as it is: in a number column an integer, a bool (1 or 0), a float
// (an INTEGER column may keep a whole one as an integer, which colInt
// reads the same) or NULL; in a text column a string or NULL. Anything
// else — a string in a number column, which SQLite may convert, a number
// in a text column, -0 (stored as 0), NaN (stored as NULL), a column left
// to its default — gives false, and the campaign is read back.
func storedCampaign(vals map[string]any) (*campaignView, bool) {
	if len(vals) != len(campaignViewColumns) {
		return nil, false
	}
	v := &campaignView{}
	for _, col := range campaignViewColumns {
		val, ok := vals[col.name]
		if !ok {
			return nil, false
		}
		if col.number != nil {
			switch x := val.(type) {
			case nil, int64:
			case bool:
				val = int64(0)
				if x {
					val = int64(1)
				}
			case float64:
				if math.IsNaN(x) || x == 0 && math.Signbit(x) {
					return nil, false
				}
			default:
				return nil, false
			}
			*col.number(v) = val
			continue
		}
		switch x := val.(type) {
		case string:
			*col.text(v) = sql.NullString{String: x, Valid: true}
		case nil:
			*col.text(v) = sql.NullString{}
		default:
			return nil, false
		}
	}
	return v, true
}

// campaignViewColumns are the columns of keitaro_campaigns (but tenant_id)
// and where a campaignView keeps them.
var campaignViewColumns = []struct {
	name   string
	number func(v *campaignView) *any
	text   func(v *campaignView) *sql.NullString
}{
	{name: "id", number: func(v *campaignView) *any { return &v.id }},
	{name: "alias", text: func(v *campaignView) *sql.NullString { return &v.alias }},
	{name: "name", text: func(v *campaignView) *sql.NullString { return &v.name }},
	{name: "type", text: func(v *campaignView) *sql.NullString { return &v.typ }},
	{name: "cookies_ttl", number: func(v *campaignView) *any { return &v.cookiesTTL }},
	{name: "position", number: func(v *campaignView) *any { return &v.position }},
	{name: "state", text: func(v *campaignView) *sql.NullString { return &v.state }},
	{name: "created_at", text: func(v *campaignView) *sql.NullString { return &v.createdAt }},
	{name: "updated_at", text: func(v *campaignView) *sql.NullString { return &v.updatedAt }},
	{name: "cost_type", text: func(v *campaignView) *sql.NullString { return &v.costType }},
	{name: "cost_value", number: func(v *campaignView) *any { return &v.costValue }},
	{name: "cost_currency", text: func(v *campaignView) *sql.NullString { return &v.costCurrency }},
	{name: "cost_auto", number: func(v *campaignView) *any { return &v.costAuto }},
	{name: "group_id", number: func(v *campaignView) *any { return &v.groupID }},
	{name: "bind_visitors", text: func(v *campaignView) *sql.NullString { return &v.bindVisitors }},
	{name: "traffic_source_id", number: func(v *campaignView) *any { return &v.trafficSourceID }},
	{name: "domain_id", number: func(v *campaignView) *any { return &v.domainID }},
	{name: "token", text: func(v *campaignView) *sql.NullString { return &v.token }},
	{name: "uniqueness_method", text: func(v *campaignView) *sql.NullString { return &v.uniquenessMethod }},
	{name: "uniqueness_use_cookies", number: func(v *campaignView) *any { return &v.uniquenessUseCookies }},
	{name: "traffic_loss", number: func(v *campaignView) *any { return &v.trafficLoss }},
	{name: "parameters", text: func(v *campaignView) *sql.NullString { return &v.parameters }},
	{name: "postbacks", text: func(v *campaignView) *sql.NullString { return &v.postbacks }},
	{name: "notes", text: func(v *campaignView) *sql.NullString { return &v.notes }},
}

// PUT /campaigns/{id}
func updateCampaign(c *call) (any, error) {
	cur, err := liveCampaign(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := campaigns.updateFromRequest(c, cur, func(vals map[string]any, errs *fieldErrors) error {
		return storePostbacks(c, vals, cur)
	})
	if err != nil {
		return nil, err
	}
	return campaignObject(r), nil
}

// DELETE /campaigns/{id}
func archiveCampaign(c *call) (any, error) {
	if _, err := liveCampaign(c, c.id); err != nil {
		return nil, err
	}
	r, err := campaigns.setState(c, c.id, "deleted")
	if err != nil {
		return nil, err
	}
	return classicListOfOne.of(campaignObject(r)), nil
}

// POST /campaigns/{id}/restore: only archived campaigns are found. Like
// enable and disable it answers [campaign] in both dialects: a real 2021
// tracker did, whatever the spec says (§0).
func restoreCampaign(c *call) (any, error) {
	if _, err := campaigns.loadIn(c, c.id, "deleted"); err != nil {
		return nil, err
	}
	r, err := campaigns.setState(c, c.id, "active")
	if err != nil {
		return nil, err
	}
	return listOfOne.of(campaignObject(r)), nil
}

// POST /campaigns/{id}/enable
func enableCampaign(c *call) (any, error) { return switchCampaign(c, "active") }

// POST /campaigns/{id}/disable
func disableCampaign(c *call) (any, error) { return switchCampaign(c, "disabled") }

// switchCampaign sets a live campaign's state; one already there is
// answered unchanged.
func switchCampaign(c *call, state string) (any, error) {
	r, err := liveCampaign(c, c.id)
	if err != nil {
		return nil, err
	}
	if r.str("state") != state {
		if r, err = campaigns.setState(c, c.id, state); err != nil {
			return nil, err
		}
	}
	return listOfOne.of(campaignObject(r)), nil
}

// POST /campaigns/{id}/clone: a new alias and token, no postbacks, and a
// copy of every stream that is not archived (§4.2).
func cloneCampaign(c *call) (any, error) {
	src, err := liveCampaign(c, c.id)
	if err != nil {
		return nil, err
	}
	vals := cloneValues(c, src) // active, as every clone (§8.5)
	if vals["alias"], err = freeAlias(c); err != nil {
		return nil, err
	}
	vals["token"] = newToken(c)
	vals["postbacks"] = "[]"
	r, err := campaigns.create(c, vals)
	if err != nil {
		return nil, err
	}
	streams, err := campaignStreams(c, src.int("id"))
	if err != nil {
		return nil, err
	}
	for _, st := range streams {
		if _, err := copyStream(c, st, r.int("id"), st.int("position"), "copy"); err != nil {
			return nil, err
		}
	}
	return listOfOne.of(campaignObject(r)), nil
}

// freeAlias generates an alias no campaign of the tenant has.
func freeAlias(c *call) (string, error) {
	for {
		alias := emu.RandomString(6, emu.Alnum)
		var n int
		if err := c.s.QueryRow(`SELECT count(*) FROM keitaro_campaigns WHERE tenant_id = @tenant AND alias = ?`, alias).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return alias, nil
		}
	}
}

// parameterKeys are the keys of a campaign's or traffic source's
// parameters (§4.2).
var parameterKeys = func() []string {
	keys := []string{"keyword", "cost", "currency", "external_id", "creative_id", "ad_campaign_id", "source"}
	for i := 1; i <= 15; i++ {
		keys = append(keys, "sub_id_"+strconv.Itoa(i))
	}
	return keys
}()

// parameters reads a parameters object: known keys only, each entry an
// object with a name; stored as {"name","placeholder","alias"}.
func parameters(v any) (any, bool) {
	if list, ok := v.([]any); ok && len(list) == 0 {
		return "{}", true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out := map[string]wire.Object{}
	for key, entry := range m {
		e, ok := entry.(map[string]any)
		if !slices.Contains(parameterKeys, key) || !ok {
			return nil, false
		}
		name, ok := asString(e["name"])
		if !ok || strings.TrimSpace(name) == "" {
			return nil, false
		}
		o := wire.Obj("name", name)
		for _, k := range []string{"placeholder", "alias"} {
			s := ""
			if e[k] != nil {
				if s, ok = asString(e[k]); !ok {
					return nil, false
				}
			}
			o = append(o, wire.Field{Key: k, Value: s})
		}
		out[key] = o
	}
	return mustJSON(out), true
}

// postback is one of a campaign's postbacks (§4.2); the id comes from the
// tenant's "campaign_postbacks" counter.
type postback struct {
	ID       int64    `json:"id"`
	Method   string   `json:"method"`
	Statuses []string `json:"statuses"`
	URL      string   `json:"url"`
}

// conversionStatuses are the statuses a postback can be sent for.
var conversionStatuses = []string{"lead", "sale", "rejected", "rebill"}

// postbacksIn reads a postbacks list; the ids are assigned when it is
// stored (storePostbacks).
func postbacksIn(v any) (any, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]postback, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		p := postback{Method: "GET", Statuses: []string{}}
		if m["id"] != nil {
			if p.ID, ok = asInt(m["id"]); !ok {
				return nil, false
			}
		}
		if m["method"] != nil {
			s, ok := asString(m["method"])
			if p.Method, ok = pick([]string{"GET", "POST"}, s, true); !ok {
				return nil, false
			}
		}
		if m["statuses"] != nil {
			if p.Statuses, ok = statusList(m["statuses"]); !ok {
				return nil, false
			}
		}
		if p.URL, ok = asString(m["url"]); !ok || len(p.URL) > maxURL {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// statusList reads conversion statuses: an array, or one comma-separated
// string; duplicates are dropped.
func statusList(v any) ([]string, bool) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case string:
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
	default:
		return nil, false
	}
	out := []string{}
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, false
		}
		s, ok = pick(conversionStatuses, s, true)
		if !ok {
			return nil, false
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, true
}

// storePostbacks gives the postbacks of a write their ids (keeping those
// that name a postback the campaign has, or any id a seed gives) and turns
// them into the stored JSON.
func storePostbacks(c *call, vals map[string]any, cur row) error {
	list, ok := vals["postbacks"].([]postback)
	if !ok {
		return nil
	}
	have := map[int64]bool{}
	if cur != nil {
		var old []postback
		_ = json.Unmarshal([]byte(cur.str("postbacks")), &old)
		for _, p := range old {
			have[p.ID] = true
		}
	}
	for i := range list {
		p := &list[i]
		switch {
		case p.ID > 0 && c.seeding:
			if err := reserveID(c.s, "campaign_postbacks", p.ID); err != nil {
				return err
			}
		case p.ID > 0 && have[p.ID]:
		default:
			id, err := nextID(c.s, "campaign_postbacks")
			if err != nil {
				return err
			}
			p.ID = id
		}
	}
	vals["postbacks"] = mustJSON(list)
	return nil
}

// postbacksOut renders the stored postbacks with their campaign id.
func postbacksOut(r row) []wire.Object { return postbacksOf(r.str("postbacks"), r.int("id")) }

// postbacksOf is postbacksOut of a campaign's stored postbacks and id.
func postbacksOf(stored string, campaignID int64) []wire.Object {
	if stored == "[]" {
		return []wire.Object{} // most campaigns: no decoding to do
	}
	var list []postback
	_ = json.Unmarshal([]byte(stored), &list)
	out := make([]wire.Object, len(list))
	for i, p := range list {
		out[i] = wire.Obj("id", p.ID, "campaign_id", campaignID, "method", p.Method, "statuses", p.Statuses, "url", p.URL)
	}
	return out
}
