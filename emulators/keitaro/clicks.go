package keitaro

import (
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Clicks (§6.3) are recorded by the public click endpoint (traffic.go), the
// clicks helper and seed documents; all of them store through storeClick.
// This file also holds the clicks maintenance routes of §4.12.

// clickRecord is a click about to be stored: its stored columns by name.
type clickRecord map[string]any

// storeClick completes a click and stores it.
func storeClick(c *call, k clickRecord) error {
	if err := prepareClick(c, k); err != nil {
		return err
	}
	if err := insertRow(c.s, "keitaro_clicks", k); err != nil {
		return err
	}
	return addClickHours(c.s, []int64{k["click_id"].(int64)})
}

// prepareClick gives a click what it has not been given: the next
// click_id, a generated sub_id, now, the visitor code.
func prepareClick(c *call, k clickRecord) error {
	if id, ok := k["click_id"].(int64); ok {
		if err := reserveID(c.s, "clicks", id); err != nil {
			return err
		}
	} else {
		id, err := nextID(c.s, "clicks")
		if err != nil {
			return err
		}
		k["click_id"] = id
	}
	if k["sub_id"] == nil {
		sub, err := freeKey(c.s.Tx(), `SELECT count(*) FROM keitaro_clicks WHERE sub_id = ?`, 12, emu.LowerAlnum)
		if err != nil {
			return err
		}
		k["sub_id"] = sub
	}
	if k["datetime"] == nil {
		k["datetime"] = c.stamp
	}
	if k["visitor_code"] == nil {
		k["visitor_code"] = visitorCode(k.text("ip"), k.text("user_agent"))
	}
	return nil
}

func (k clickRecord) text(name string) string {
	s, _ := k[name].(string)
	return s
}

// visitorCode is the first 10 hex digits of SHA-1 over ip|user agent.
func visitorCode(ip, ua string) string {
	sum := sha1.Sum([]byte(ip + "|" + ua))
	return hex.EncodeToString(sum[:])[:10]
}

// subIDTaken reports whether a sub_id is in use (by any tenant: sub_ids
// are unique across the emulator). A click of a tenant a reset retired
// that the janitor has not deleted yet gives its sub_id up at once.
func subIDTaken(c *call, sub string) (bool, error) {
	tx := c.s.Tx()
	if err := tx.Reclaim("keitaro_clicks", "sub_id", sub); err != nil {
		return false, err
	}
	var n int
	err := tx.QueryRow(`SELECT count(*) FROM keitaro_clicks WHERE sub_id = ?`, sub).Scan(&n)
	return n > 0, err
}

// The columns a click item of the helper or a seed may set (§7.2), by how
// they are read.
var (
	itemIDs     = []string{"stream_id", "landing_id", "offer_id", "parent_campaign_id", "language_id", "device_type_id", "affiliate_network_id", "ts_id", "campaign_group_id"}
	itemStrings = append(slices.Clone(clickData), "visitor_code")
	// itemFlags are the flags with their defaults (the schema's).
	itemFlags = map[string]bool{"is_unique_campaign": true, "is_unique_stream": true, "is_unique_global": true,
		"is_bot": false, "is_using_proxy": false, "landing_clicked": false}
	itemOther = []string{"click_id", "campaign_id", "datetime", "sub_id", "cost", "landing_clicked_datetime"}
	subIDText = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	// itemKinds is every column an item may set, by kind: one map lookup
	// per key of every item instead of a walk through the lists.
	itemKinds = func() map[string]itemKind {
		m := map[string]itemKind{}
		for _, c := range itemIDs {
			m[c] = kindID
		}
		for _, c := range itemStrings {
			m[c] = kindString
		}
		for c := range itemFlags {
			m[c] = kindFlag
		}
		for _, c := range itemOther {
			m[c] = kindOther
		}
		return m
	}()
)

// itemKind is how a column of a click item is read.
type itemKind int

const (
	kindNone   itemKind = iota // not a column an item may set
	kindID                     // an id or null
	kindString                 // a string
	kindFlag                   // a boolean
	kindOther                  // read by readItemSpecials
)

// itemTime reads a datetime of a helper item: "YYYY-MM-DD HH:MM:SS" in
// loc, or RFC 3339; as a stored stamp.
func itemTime(v any, loc *time.Location) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	if t, err := time.ParseInLocation(stampLayout, s, loc); err == nil {
		return t.UTC().Format(stampLayout), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Format(stampLayout), true
	}
	return "", false
}

// clickBatch is what the clicks of one helper call or seed section share:
// the campaigns and offers they name, each read once, and the click id
// counter, read once and written back once.
type clickBatch struct {
	campaigns, offers map[int64]row
	next              int64   // the next click id
	stored            []int64 // the ids of the clicks stored, for the rollups
	// bulk keeps the clicks (pending) until finish stores them, a few
	// statements for the whole batch; see errBulk.
	bulk    bool
	pending []clickRecord
}

// errBulk is finish's answer when the batch's clicks could not be stored
// all at once (a sub_id or click_id taken twice within the batch, or a
// generated sub_id drawn twice): nothing of them is stored, and the batch
// is read and stored again one click at a time, which finds the item to
// blame as it always did.
var errBulk = errors.New("clicks: store the batch one by one")

func newClickBatch(c *call, bulk bool) (*clickBatch, error) {
	b := &clickBatch{campaigns: map[int64]row{}, offers: map[int64]row{}, next: 1, bulk: bulk}
	err := c.s.QueryRow(`SELECT next FROM keitaro_counters WHERE tenant_id = @tenant AND kind = 'clicks'`).Scan(&b.next)
	if err == sql.ErrNoRows {
		err = nil
	}
	return b, err
}

// load reads an object of e through the batch's cache.
func (b *clickBatch) load(c *call, e *entity, cache map[int64]row, id int64) (row, error) {
	if r, ok := cache[id]; ok {
		return r, nil
	}
	r, err := e.load(c, id)
	if err == nil {
		cache[id] = r
	}
	return r, err
}

// id gives the click its id: the one it brought (the counter moves past
// it) or the counter's next, exactly as nextID and reserveID would.
func (b *clickBatch) id(k clickRecord) {
	if id, ok := k["click_id"].(int64); ok {
		b.next = max(b.next, id+1)
		return
	}
	k["click_id"] = b.next
	b.next++
}

// store stores a read click. A generated sub_id that another click has
// (one in 36^12) is drawn again.
func (b *clickBatch) store(c *call, k clickRecord) error {
	b.id(k)
	generated := k["sub_id"] == nil
	if k["visitor_code"] == nil {
		k["visitor_code"] = visitorCode(k.text("ip"), k.text("user_agent"))
	}
	if b.bulk {
		if generated {
			k["sub_id"] = emu.RandomString(12, emu.LowerAlnum)
		}
		b.pending = append(b.pending, k)
		return nil
	}
	for {
		if generated {
			k["sub_id"] = emu.RandomString(12, emu.LowerAlnum)
		}
		err := insertRow(c.s, "keitaro_clicks", k)
		if generated && store.IsUniqueViolation(err) && strings.Contains(err.Error(), "keitaro_clicks.sub_id") {
			continue
		}
		if err == nil {
			b.stored = append(b.stored, k["click_id"].(int64))
		}
		return err
	}
}

// finish writes the click id counter back and adds the clicks to the
// hourly rollups.
func (b *clickBatch) finish(c *call) error {
	if err := b.flush(c); err != nil {
		return err
	}
	if err := addClickHours(c.s, b.stored); err != nil {
		return err
	}
	return setCounter(c.s, "clicks", b.next)
}

// flush stores the pending clicks: those that set the same columns with
// one INSERT … SELECT over a JSON array of their values, which SQLite
// reads at a fraction of the cost of a statement per click.
func (b *clickBatch) flush(c *call) error {
	shapes := map[clickShape][]clickRecord{}
	var order []clickShape
	for _, k := range b.pending {
		shape := shapeOf(k)
		if _, ok := shapes[shape]; !ok {
			order = append(order, shape)
		}
		shapes[shape] = append(shapes[shape], k)
	}
	for _, shape := range order {
		cols := shape.columns()
		// The values are written straight into the JSON text, as Marshal
		// would write them, without a slice of them per click.
		var w wire.Builder
		w.Grow(len(shapes[shape]) * len(cols) * 12)
		w.BeginArray()
		for _, k := range shapes[shape] {
			w.BeginArray()
			for _, col := range cols {
				w.Value(k[col])
			}
			w.EndArray()
		}
		w.EndArray()
		data, err := w.Raw()
		if err != nil {
			return err
		}
		_, err = c.s.Exec(shape.insert(cols), string(data))
		if store.IsConstraintViolation(err) {
			return errBulk
		}
		if err != nil {
			return err
		}
		for _, k := range shapes[shape] {
			b.stored = append(b.stored, k["click_id"].(int64))
		}
	}
	b.pending = nil
	return nil
}

// clickShape is the set of columns a click record sets, a bit per column
// of recordColumns: the clicks of one shape are stored by one statement.
type clickShape [2]uint64

// recordColumns are the columns a click record may set, in name order
// (every column an item may set, and those prepareClick and readClickItem
// derive, are among itemKinds), and recordColumn their places.
var (
	recordColumns = func() []string {
		cols := slices.Sorted(maps.Keys(itemKinds))
		if len(cols) > 128 {
			panic("keitaro: a clickShape holds 128 columns")
		}
		return cols
	}()
	recordColumn = func() map[string]int {
		m := make(map[string]int, len(recordColumns))
		for i, c := range recordColumns {
			m[c] = i
		}
		return m
	}()
)

// shapeOf is the shape of k.
func shapeOf(k clickRecord) clickShape {
	var s clickShape
	for col := range k {
		i, ok := recordColumn[col]
		if !ok {
			// A column the record may hold but itemKinds lacks would take
			// column 0's bit and be dropped from the INSERT unseen.
			panic("keitaro: click column " + col + " has no shape bit")
		}
		s[i/64] |= 1 << (i % 64)
	}
	return s
}

// columns are the shape's columns, in name order.
func (s clickShape) columns() []string {
	var cols []string
	for i, c := range recordColumns {
		if s[i/64]&(1<<(i%64)) != 0 {
			cols = append(cols, c)
		}
	}
	return cols
}

// insert is the statement that stores the clicks of the shape from a JSON
// array of their values (cols in order).
func (s clickShape) insert(cols []string) string {
	return store.JSONRowsInsert("keitaro_clicks", nil, cols)
}

// readClickItem reads one click of the helper or a seed (§7.2); the
// item is list[i] ("clicks[2]") in errors.
func readClickItem(c *call, b *clickBatch, m map[string]any, loc *time.Location, list string, i int) (clickRecord, error) {
	at := func() string { return list + "[" + strconv.Itoa(i) + "]" }
	for n := range m {
		if itemKinds[n] == kindNone {
			// The error names the first such column in name order,
			// whatever order the map walks in.
			for _, n := range sortedKeys(m) {
				if itemKinds[n] == kindNone {
					return nil, emu.BadRequest("%s: unknown or derived column %q", at(), n)
				}
			}
		}
	}
	bad := func(field, why string) error { return emu.BadRequest("%s.%s: %s", at(), field, why) }
	k := make(clickRecord, len(m)+6)
	id, ok := asInt(m["campaign_id"])
	if m["campaign_id"] == nil {
		return nil, bad("campaign_id", "is required")
	}
	if !ok {
		return nil, bad("campaign_id", "must be an integer")
	}
	camp, err := b.load(c, campaigns, b.campaigns, id)
	if err == errNotFound {
		return nil, bad("campaign_id", fmt.Sprintf("no campaign %d", id))
	} else if err != nil {
		return nil, err
	}
	k["campaign_id"] = id
	k["ts_id"], k["campaign_group_id"] = camp.nullInt("traffic_source_id"), camp.nullInt("group_id")
	if name := readItemColumns(k, m, nil); name != "" {
		// Walked again in name order, so that the error names the first
		// bad column in that order, as it always did.
		name = readItemColumns(k, m, sortedKeys(m))
		return nil, bad(name, itemKindError[itemKinds[name]])
	}
	if err := readItemSpecials(c, k, m, loc, bad); err != nil {
		return nil, err
	}
	if _, given := m["affiliate_network_id"]; !given && k["offer_id"] != nil {
		if offer, err := b.load(c, offers, b.offers, k["offer_id"].(int64)); err == nil {
			k["affiliate_network_id"] = offer.nullInt("affiliate_network_id")
		}
	}
	return k, nil
}

// itemKindError is why a value of an item's column of the kind is refused.
var itemKindError = map[itemKind]string{kindID: "must be an integer or null", kindString: "must be a string",
	kindFlag: "must be a boolean"}

// readItemColumns reads the item's plain ids, strings and flags into k:
// the columns names lists, or all of m's in map order when names is nil.
// It returns the first column whose value is refused, "" when none is.
func readItemColumns(k clickRecord, m map[string]any, names []string) string {
	read := func(n string, v any) bool {
		var ok bool
		switch itemKinds[n] {
		case kindID:
			if v == nil {
				k[n] = nil
				return true
			}
			k[n], ok = asInt(v)
			return ok
		case kindString:
			k[n], ok = asString(v)
			return ok
		case kindFlag:
			k[n], ok = asBool(v)
			return ok
		}
		return true
	}
	if names == nil {
		for n, v := range m {
			if !read(n, v) {
				return n
			}
		}
		return ""
	}
	for _, n := range names {
		if !read(n, m[n]) {
			return n
		}
	}
	return ""
}

// readItemSpecials reads the item's columns that are not plain ids,
// strings or flags.
func readItemSpecials(c *call, k clickRecord, m map[string]any, loc *time.Location, bad func(string, string) error) error {
	if v, ok := m["click_id"]; ok {
		id, ok := asInt(v)
		if !ok || id <= 0 {
			return bad("click_id", "must be a positive integer")
		}
		if _, err := queryOne(c.s, `SELECT click_id FROM keitaro_clicks WHERE tenant_id = @tenant AND click_id = ?`, id); err == nil {
			return bad("click_id", fmt.Sprintf("click %d exists", id))
		}
		k["click_id"] = id
	}
	if v, ok := m["sub_id"]; ok {
		s, _ := v.(string)
		if !subIDText.MatchString(s) {
			return bad("sub_id", "must be 1-64 characters [A-Za-z0-9]")
		}
		if taken, err := subIDTaken(c, s); err != nil || taken {
			if err != nil {
				return err
			}
			return bad("sub_id", fmt.Sprintf("%q is taken", s))
		}
		k["sub_id"] = s
	}
	k["datetime"] = c.stamp
	if v, ok := m["datetime"]; ok {
		if k["datetime"], ok = itemTime(v, loc); !ok {
			return bad("datetime", `must be "YYYY-MM-DD HH:MM:SS" or RFC 3339`)
		}
	}
	if v, ok := m["cost"]; ok {
		cost, ok := asMoney(v)
		if !ok || cost < 0 {
			return bad("cost", fmt.Sprintf("must be a decimal from 0 to %.0f", maxMoney))
		}
		k["cost"] = cost
	}
	if v, ok := m["landing_clicked_datetime"]; ok && v != nil {
		if k["landing_clicked_datetime"], ok = itemTime(v, loc); !ok {
			return bad("landing_clicked_datetime", `must be "YYYY-MM-DD HH:MM:SS", RFC 3339 or null`)
		}
	} else if clicked, _ := k["landing_clicked"].(bool); clicked && !ok {
		k["landing_clicked_datetime"] = k["datetime"]
	}
	return nil
}

// itemList reads {"<name>":[…]} or a bare array of objects.
func itemList(body []byte, name string) (string, []map[string]any, error) {
	var list []any
	apiKey := ""
	v, ok := decodeJSONValue(body)
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		for k, val := range x {
			switch k {
			case name:
				if list, ok = val.([]any); !ok {
					return "", nil, emu.BadRequest("%s must be an array of objects", name)
				}
			case "apiKey":
				if apiKey, ok = val.(string); !ok {
					return "", nil, emu.BadRequest("apiKey must be a string")
				}
			default:
				return "", nil, emu.BadRequest("unknown field %q", k)
			}
		}
	default:
		return "", nil, emu.BadRequest(`body must be {"%s":[…]} or an array`, name)
	}
	out := make([]map[string]any, len(list))
	for i, it := range list {
		if out[i], ok = it.(map[string]any); !ok {
			return "", nil, emu.BadRequest("%s[%d] must be an object", name, i)
		}
	}
	return apiKey, out, nil
}

// recordClicks stores a batch of helper or seed clicks; prefix names the
// list in errors ("clicks", "tenants[0].clicks"). The answer is the list
// of the clicks stored, written only if it is written (a seed drops it).
func recordClicks(c *call, items []map[string]any, prefix string) (any, error) {
	// The bulk attempt runs in a savepoint: the shapes it stored before the
	// one that failed are undone, so that the clicks stored one by one
	// meet only what was there before — and the error names the click
	// that clashes, not one that met its own earlier copy.
	if _, err := c.s.Tx().Exec(`SAVEPOINT keitaro_clicks_bulk`); err != nil {
		return nil, err
	}
	out, err := recordClickBatch(c, items, prefix, true)
	if err == errBulk {
		if _, err := c.s.Tx().Exec(`ROLLBACK TO keitaro_clicks_bulk`); err != nil {
			return nil, err
		}
		if _, err := c.s.Tx().Exec(`RELEASE keitaro_clicks_bulk`); err != nil {
			return nil, err
		}
		return recordClickBatch(c, items, prefix, false)
	}
	if err != nil {
		return nil, err // the whole transaction is rolled back
	}
	_, err = c.s.Tx().Exec(`RELEASE keitaro_clicks_bulk`)
	return out, err
}

// recordedClick is what the helper answers about a click it stored.
type recordedClick struct {
	id                  int64
	sub, visitor, stamp string // stamp: the stored datetime (UTC)
}

// recordedClicks writes the list of clicks stored, each
// {"click_id","sub_id","visitor_code","datetime"} with the datetime in
// the tenant's timezone loc.
func recordedClicks(list []recordedClick, loc *time.Location) wire.Func {
	return func(w *wire.Builder) {
		w.BeginArray()
		for _, k := range list {
			at, _ := time.Parse(stampLayout, k.stamp)
			w.BeginObject()
			w.Key("click_id").Int(k.id)
			w.Key("sub_id").String(k.sub)
			w.Key("visitor_code").String(k.visitor)
			w.Key("datetime").Time(at.In(loc), stampLayout)
			w.EndObject()
		}
		w.EndArray()
	}
}

// recordClickBatch is recordClicks, storing the clicks at the end (bulk)
// or one by one.
func recordClickBatch(c *call, items []map[string]any, prefix string, bulk bool) (wire.Func, error) {
	loc, _ := location("", c.t.timezone)
	b, err := newClickBatch(c, bulk)
	if err != nil {
		return nil, err
	}
	out := make([]recordedClick, 0, len(items))
	for i, m := range items {
		k, err := readClickItem(c, b, m, loc, prefix, i)
		if err != nil {
			return nil, err
		}
		if err := b.store(c, k); err != nil {
			return nil, err
		}
		out = append(out, recordedClick{k["click_id"].(int64), k.text("sub_id"), k.text("visitor_code"), k.text("datetime")})
	}
	return recordedClicks(out, loc), b.finish(c)
}

// readCampaignIDs reads the required campaign_ids of clicks/update_costs:
// campaigns of the tenant in any state, each once.
func readCampaignIDs(c *call, errs *fieldErrors) ([]int64, error) {
	raw := c.in["campaign_ids"]
	list, isList := raw.([]any)
	if !isList && raw != nil {
		list = []any{raw}
	}
	if len(list) == 0 {
		errs.add("campaign_ids", msgRequired)
		return nil, nil
	}
	var ids []int64
	for _, v := range list {
		id, ok := asInt(v)
		if !ok {
			errs.add("campaign_ids", msgInvalid)
			return nil, nil
		}
		if _, err := campaigns.load(c, id); err == errNotFound {
			errs.add("campaign_ids", msgInvalid)
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// POST /clicks/update_costs: every cost item applied to each campaign.
func updateClickCosts(c *call) (any, error) {
	var errs fieldErrors
	ids, err := readCampaignIDs(c, &errs)
	if err != nil {
		return nil, err
	}
	loc := readCostTimezone(c, &errs)
	var items []costItem
	costsKey := func(string) string { return "costs" }
	raw, ok := listOf(c.in["costs"])
	if c.in["costs"] != nil && !ok {
		errs.add("costs", msgInvalid)
	} else if len(raw) == 0 {
		errs.add("costs", msgRequired)
	}
	for _, it := range raw {
		m, ok := it.(map[string]any)
		if !ok {
			errs.add("costs", msgInvalid)
			break
		}
		items = append(items, readCostItem(params(m), loc, &errs, costsKey))
	}
	uniques := readUniques(c, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return applyCosts(c, ids, items, uniques)
}

// POST /clicks/clean: deletes the clicks in the range (of one campaign
// when given) and their conversions.
func cleanClicks(c *call) (any, error) {
	var errs fieldErrors
	loc := readCostTimezone(c, &errs)
	from, to := readDates(c.in, loc, &errs, func(s string) string { return s })
	where := ` WHERE tenant_id = @tenant AND datetime >= ? AND datetime <= ?`
	args := []any{from, to}
	switch id, ok := asNullInt(c.in["campaign_id"]); {
	case !ok:
		errs.add("campaign_id", msgInvalid)
	case id != nil:
		if _, err := campaigns.load(c, id.(int64)); err != nil {
			errs.add("campaign_id", msgInvalid)
		}
		where += ` AND campaign_id = ?`
		args = append(args, id)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if _, err := c.s.Exec(`DELETE FROM keitaro_conversions WHERE tenant_id = @tenant AND click_id IN
		(SELECT click_id FROM keitaro_clicks`+where+`)`, args...); err != nil {
		return nil, err
	}
	res, err := c.s.Exec(`DELETE FROM keitaro_clicks`+where, args...)
	if err != nil {
		return nil, err
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if err := rebuildHours(c.s, from, to); err != nil {
			return nil, err
		}
	}
	if err := writeLog(c, "system", "Clicks cleaned: "+strconv.FormatInt(n, 10)); err != nil {
		return nil, err
	}
	return success(), nil
}

// allClicks are the tenant's clicks with every stored column, for the
// state dump.
func allClicks(c *call) ([]wire.Object, error) {
	return dumpTable(c, `SELECT * FROM keitaro_clicks WHERE tenant_id = @tenant ORDER BY click_id`)
}
