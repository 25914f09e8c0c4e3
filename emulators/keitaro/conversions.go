package keitaro

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
	"github.com/vendoremu/vendoremu/wire"
)

// Conversions (§6.4) are recorded by the postback endpoint (postback.go),
// the conversions helper and seed documents; all of them apply the rules
// of §4.14 through applyConversion.

// statusAliases map the status names a postback may send (any case) to
// the four stored statuses.
var statusAliases = map[string]string{
	"lead": "lead", "hold": "lead", "pending": "lead",
	"sale": "sale", "approved": "sale", "confirmed": "sale",
	"rejected": "rejected", "declined": "rejected", "cancelled": "rejected", "canceled": "rejected", "trash": "rejected",
	"rebill": "rebill",
}

// conversionStatus reads a status name; "" is lead.
func conversionStatus(s string) (string, bool) {
	if s == "" {
		return "lead", true
	}
	st, ok := statusAliases[strings.ToLower(s)]
	return st, ok
}

// postbackIn is one postback (or helper item) about a click.
type postbackIn struct {
	click    row
	status   string
	revenue  *float64 // nil when not given
	tid      string
	currency string // "" when not given
	at       time.Time
	params   map[string]any
}

// applyConversion stores a postback (§4.14): a rebill is always a new
// conversion; otherwise the click's non-rebill conversion with the same
// tid is updated, or a new one is made. A new conversion, or a new status,
// queues the S2S postbacks on the call.
func applyConversion(c *call, in postbackIn) (row, error) {
	clickID := in.click.int("click_id")
	var cur row
	b := c.conversions
	if in.status != "rebill" && (b == nil || b.converted[clickID]) {
		// The batch's conversions so far must be stored for the query
		// (and the update) to see them.
		if err := b.flush(c); err != nil {
			return nil, err
		}
		var err error
		// "+conversion_id": sorting the click's few conversions beats the
		// plan SQLite otherwise picks, walking every conversion of the
		// tenant in id order (62 ms a postback at 100,000 conversions).
		cur, err = queryOne(c.s, `SELECT * FROM keitaro_conversions WHERE tenant_id = @tenant AND click_id = ? AND tid = ?
			AND status != 'rebill' ORDER BY +conversion_id LIMIT 1`, clickID, in.tid)
		if err != nil && err != errNotFound {
			return nil, err
		}
	}
	stamp := in.at.UTC().Format(stampLayout)
	vals := map[string]any{"status": in.status, "postback_datetime": stamp}
	if in.status == "sale" && (cur == nil || cur["sale_datetime"] == nil) {
		vals["sale_datetime"] = stamp
		if clicked, err := time.Parse(stampLayout, in.click.str("datetime")); err == nil {
			vals["sale_period"] = int64(in.at.Sub(clicked).Seconds())
		}
	}
	if in.revenue != nil {
		vals["revenue"] = *in.revenue
	}
	if in.currency != "" {
		vals["currency"] = in.currency
	}
	if cur != nil {
		// The update's trigger moves the conversion's figures in the
		// rollups: they must hold them first.
		if err := flushHours(c); err != nil {
			return nil, err
		}
		conv, err := updateConversion(c, cur, vals, in.params)
		if err != nil || cur.str("status") == in.status {
			return conv, err // the same status again is not forwarded
		}
		return conv, queuePostbacks(c, in.click, conv)
	}
	var id int64
	var err error
	if b != nil {
		id = b.next
		b.next++
	} else if id, err = nextID(c.s, "conversions"); err != nil {
		return nil, err
	}
	vals["conversion_id"], vals["click_id"], vals["sub_id"] = id, clickID, in.click.str("sub_id")
	vals["original_status"], vals["previous_status"], vals["tid"] = in.status, nil, in.tid
	vals["params"] = mustJSON(orEmpty(in.params))
	if in.revenue == nil {
		if vals["revenue"], err = defaultRevenue(c, in.click); err != nil {
			return nil, err
		}
	}
	if in.currency == "" {
		vals["currency"] = campaignCurrency(c, in.click.int("campaign_id"))
	}
	if b != nil {
		if err := b.add(c, vals); err != nil {
			return nil, err
		}
		if in.status != "rebill" {
			b.converted[clickID] = true
		}
	} else if err := insertRow(c.s, "keitaro_conversions", vals); err != nil {
		return nil, err
	} else if err := addConversionHours(c.s, []int64{id}); err != nil {
		return nil, err
	}
	// The stored row, as SELECT * would read it back.
	conv := row(vals)
	conv["tenant_id"] = c.t.ID
	for _, k := range []string{"sale_datetime", "sale_period"} {
		if _, ok := conv[k]; !ok {
			conv[k] = nil
		}
	}
	return conv, queuePostbacks(c, in.click, conv)
}

// updateConversion moves an existing conversion to its new status; the
// postback's parameters join the ones it had.
func updateConversion(c *call, cur row, vals map[string]any, params map[string]any) (row, error) {
	vals["previous_status"] = cur.str("status")
	if len(params) > 0 {
		old := map[string]any{}
		_ = json.Unmarshal([]byte(cur.str("params")), &old)
		maps.Copy(old, params)
		vals["params"] = mustJSON(old)
	}
	cols := sortedKeys(vals)
	sets := make([]string, len(cols))
	args := make([]any, 0, len(cols)+1)
	for i, k := range cols {
		sets[i] = `"` + k + `" = ?`
		args = append(args, vals[k])
	}
	id := cur.int("conversion_id")
	_, err := c.s.Exec(`UPDATE keitaro_conversions SET `+strings.Join(sets, ", ")+` WHERE tenant_id = @tenant AND conversion_id = ?`,
		append(args, id)...)
	if err != nil {
		return nil, err
	}
	return loadConversion(c, id)
}

func loadConversion(c *call, id int64) (row, error) {
	return queryOne(c.s, `SELECT * FROM keitaro_conversions WHERE tenant_id = @tenant AND conversion_id = ?`, id)
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// defaultRevenue is the revenue of a postback without a payout: the
// offer's payout when the click has a CPA offer, else 0.
func defaultRevenue(c *call, click row) (float64, error) {
	if click["offer_id"] == nil {
		return 0, nil
	}
	offer, err := offers.load(c, click.int("offer_id"))
	if err == errNotFound {
		return 0, nil
	}
	if err != nil || offer.str("payout_type") != "CPA" {
		return 0, err
	}
	return offer.num("payout_value"), nil
}

// campaignCurrency is the currency of a campaign's costs (the tenant's when
// the campaign is gone).
func campaignCurrency(c *call, campaignID int64) string {
	if camp, err := campaigns.load(c, campaignID); err == nil {
		return camp.str("cost_currency")
	}
	return c.t.currency
}

// clickBySubID finds one of the tenant's clicks by its sub_id.
func clickBySubID(c *call, sub string) (row, error) {
	return queryOne(c.s, `SELECT * FROM keitaro_clicks WHERE tenant_id = @tenant AND sub_id = ?`, sub)
}

// conversionFields are the names a conversions helper item may use.
var conversionFields = []string{"sub_id", "click_id", "status", "revenue", "tid", "currency", "datetime", "params"}

// readConversionItem reads one conversion of the helper or a seed (§7.3);
// at names it in errors ("conversions[1]").
func readConversionItem(c *call, m map[string]any, loc *time.Location, at string) (postbackIn, error) {
	in := postbackIn{at: c.now}
	keys := sortedKeys(m)
	bad := func(field, why string) error { return emu.BadRequest("%s.%s: %s", at, field, why) }
	for _, k := range keys {
		if !slices.Contains(conversionFields, k) {
			return in, emu.BadRequest("%s: unknown field %q", at, k)
		}
	}
	click, err := itemClick(c, m, bad)
	if err != nil {
		return in, err
	}
	in.click = click
	status, _ := m["status"].(string)
	if in.status, err = itemStatus(m["status"], status); err != nil {
		return in, bad("status", err.Error())
	}
	if v, ok := m["revenue"]; ok && v != nil {
		r, ok := asMoney(v)
		if !ok {
			return in, bad("revenue", fmt.Sprintf("must be a decimal from %.0f to %.0f", -maxMoney, maxMoney))
		}
		in.revenue = &r
	}
	if v, ok := m["tid"]; ok && v != nil {
		if in.tid, ok = asString(v); !ok {
			return in, bad("tid", "must be a string")
		}
	}
	if v, ok := m["currency"]; ok && v != nil {
		cur, ok := currency(v)
		if !ok {
			return in, bad("currency", "must be a 3-letter code")
		}
		in.currency = cur.(string)
	}
	if v, ok := m["datetime"]; ok && v != nil {
		stamp, ok := itemTime(v, loc)
		if !ok {
			return in, bad("datetime", `must be "YYYY-MM-DD HH:MM:SS" or RFC 3339`)
		}
		in.at, _ = time.Parse(stampLayout, stamp)
	}
	if v, ok := m["params"]; ok && v != nil {
		if in.params, ok = v.(map[string]any); !ok {
			return in, bad("params", "must be an object")
		}
	}
	return in, nil
}

// itemStatus reads a helper item's status (default lead).
func itemStatus(raw any, s string) (string, error) {
	if raw == nil {
		return "lead", nil
	}
	st, ok := conversionStatus(s)
	if _, isText := raw.(string); !isText || !ok || s == "" {
		return "", fmt.Errorf("must be lead, sale, rejected or rebill")
	}
	return st, nil
}

// conversionClickColumns are the columns of its click a conversion of a
// helper item reads (applyConversion, queuePostbacks): a tenth of the
// click. The columns only a postback URL's macros read
// (clickMacroColumns) are read by the rare conversion that has a postback
// to send: reading them for every item was a third of the batch's reads.
const conversionClickColumns = `click_id, sub_id, datetime, campaign_id, offer_id, ts_id`

// clickMacroColumns are the click's columns postbackMacros reads that
// conversionClickColumns lacks.
var clickMacroColumns = func() string {
	cols := []string{"external_id"}
	for i := 1; i <= 15; i++ {
		cols = append(cols, "sub_id_"+strconv.Itoa(i))
	}
	return strings.Join(cols, ", ")
}()

// withMacroColumns is the click with the columns of clickMacroColumns,
// read when it lacks them.
func withMacroColumns(c *call, click row) (row, error) {
	if _, ok := click["external_id"]; ok {
		return click, nil
	}
	more, err := queryOne(c.s, `SELECT `+clickMacroColumns+` FROM keitaro_clicks WHERE tenant_id = @tenant AND click_id = ?`,
		click.int("click_id"))
	if err != nil {
		return nil, err
	}
	maps.Copy(more, click)
	return more, nil
}

// itemClick finds the click a helper item names by click_id or sub_id.
func itemClick(c *call, m map[string]any, bad func(string, string) error) (row, error) {
	var click row
	var err error
	switch {
	case m["click_id"] != nil:
		id, ok := asInt(m["click_id"])
		if !ok {
			return nil, bad("click_id", "must be an integer")
		}
		click, err = c.conversions.clickByID(c, id)
		if err == errNotFound {
			return nil, bad("click_id", fmt.Sprintf("no click %d", id))
		}
		if sub, given := m["sub_id"].(string); err == nil && given && sub != click.str("sub_id") {
			return nil, bad("sub_id", "is not the sub_id of click "+strconv.FormatInt(id, 10))
		}
	case m["sub_id"] != nil:
		sub, ok := m["sub_id"].(string)
		if !ok {
			return nil, bad("sub_id", "must be a string")
		}
		click, err = c.conversions.clickBySub(c, sub)
		if err == errNotFound {
			return nil, bad("sub_id", fmt.Sprintf("no click %q", sub))
		}
	default:
		return nil, bad("sub_id", "sub_id or click_id is required")
	}
	return click, err
}

// recordConversions applies a batch of helper or seed conversions, one
// after another; prefix names the list in errors.
func recordConversions(c *call, items []map[string]any, prefix string) (any, error) {
	loc, _ := location("", c.t.timezone)
	if c.objects == nil {
		c.objects = map[string]row{}
		defer func() { c.objects = nil }()
	}
	b, err := newConversionBatch(c, items)
	if err != nil {
		return nil, err
	}
	c.conversions = b
	defer func() { c.conversions = nil }()
	out := make([]recordedConversion, 0, len(items))
	for i, m := range items {
		in, err := readConversionItem(c, m, loc, prefix+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		cv, err := applyConversion(c, in)
		if err != nil {
			return nil, err
		}
		out = append(out, recordedConversion{cv.int("conversion_id"), cv.int("click_id"), cv.str("sub_id"), cv.str("status")})
	}
	if err := flushHours(c); err != nil {
		return nil, err
	}
	return recordedConversions(out), setCounter(c.s, "conversions", b.next)
}

// recordedConversion is what the helper answers about a conversion it
// stored.
type recordedConversion struct {
	id, click   int64
	sub, status string
}

// recordedConversions writes the list of conversions stored, each
// {"conversion_id","click_id","sub_id","status"}, without an object of
// boxed values for each.
func recordedConversions(list []recordedConversion) wire.Func {
	return func(w *wire.Builder) {
		w.BeginArray()
		for _, cv := range list {
			w.BeginObject()
			w.Key("conversion_id").Int(cv.id)
			w.Key("click_id").Int(cv.click)
			w.Key("sub_id").String(cv.sub)
			w.Key("status").String(cv.status)
			w.EndObject()
		}
		w.EndArray()
	}
}

// conversionBatch is what the conversions of one helper call or seed
// section share, so that a batch costs a few statements rather than a few
// per conversion: the clicks its items name, read at once; which of those
// have a conversion a postback could update; the conversion id counter,
// read once and written back once; and the conversions not stored yet.
// Nothing else writes clicks or conversions while a batch runs (it is one
// transaction), so what it read stays true but for what it adds itself.
type conversionBatch struct {
	next      int64          // the next conversion id
	bySub     map[string]row // the items' clicks by sub_id
	byID      map[int64]row  // and by click_id
	converted map[int64]bool // clicks holding a non-rebill conversion
	pending   []any          // the values of the conversions to insert, conversionInsertColumns each
	added     []int64        // the ids of the conversions stored, not in the rollups yet
}

// conversionInsertColumns are the columns a new conversion sets.
var conversionInsertColumns = []string{"conversion_id", "click_id", "sub_id", "status", "previous_status", "original_status",
	"tid", "revenue", "currency", "postback_datetime", "sale_datetime", "sale_period", "params"}

// conversionInserts are the multi-row INSERTs of new conversions (a text
// that repeats is prepared once by the statement cache).
var conversionInserts = store.NewRowsInsert("keitaro_conversions", conversionInsertColumns...)

// newConversionBatch reads what the items' conversions will need: the
// counter, the clicks they name (by the click_id or sub_id that
// itemClick reads) and which of those have a conversion.
func newConversionBatch(c *call, items []map[string]any) (*conversionBatch, error) {
	b := &conversionBatch{next: 1, bySub: map[string]row{}, byID: map[int64]row{}, converted: map[int64]bool{}}
	err := c.s.QueryRow(`SELECT next FROM keitaro_counters WHERE tenant_id = @tenant AND kind = 'conversions'`).Scan(&b.next)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	var ids []int64
	var subs []string
	for _, m := range items {
		if m["click_id"] != nil {
			if id, ok := asInt(m["click_id"]); ok {
				ids = append(ids, id)
			}
		} else if sub, ok := m["sub_id"].(string); ok {
			subs = append(subs, sub)
		}
	}
	var clicks []row
	if len(ids) > 0 {
		rows, err := queryRows(c.s, `SELECT `+conversionClickColumns+` FROM keitaro_clicks WHERE tenant_id = @tenant
			AND click_id IN (SELECT value FROM json_each(?))`, idList(ids))
		if err != nil {
			return nil, err
		}
		clicks = append(clicks, rows...)
	}
	if len(subs) > 0 {
		// "+tenant_id": else SQLite walks all the tenant's clicks, testing
		// each sub_id against the list, instead of looking each up.
		rows, err := queryRows(c.s, `SELECT `+conversionClickColumns+` FROM keitaro_clicks WHERE +tenant_id = @tenant
			AND sub_id IN (SELECT value FROM json_each(?))`, mustJSON(subs))
		if err != nil {
			return nil, err
		}
		clicks = append(clicks, rows...)
	}
	found := make([]int64, 0, len(clicks))
	for _, k := range clicks {
		b.byID[k.int("click_id")], b.bySub[k.str("sub_id")] = k, k
		found = append(found, k.int("click_id"))
	}
	if len(found) > 0 {
		rows, err := queryRows(c.s, `SELECT DISTINCT click_id FROM keitaro_conversions WHERE tenant_id = @tenant
			AND click_id IN (SELECT value FROM json_each(?)) AND status != 'rebill'`, idList(found))
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			b.converted[r.int("click_id")] = true
		}
	}
	return b, nil
}

// clickByID is the tenant's click with the id, from the batch when there
// is one.
func (b *conversionBatch) clickByID(c *call, id int64) (row, error) {
	if b == nil {
		return queryOne(c.s, `SELECT `+conversionClickColumns+` FROM keitaro_clicks WHERE tenant_id = @tenant AND click_id = ?`, id)
	}
	if k, ok := b.byID[id]; ok {
		return k, nil
	}
	return nil, errNotFound
}

// clickBySub is the tenant's click with the sub_id, from the batch when
// there is one.
func (b *conversionBatch) clickBySub(c *call, sub string) (row, error) {
	if b == nil {
		return queryOne(c.s, `SELECT `+conversionClickColumns+` FROM keitaro_clicks WHERE tenant_id = @tenant AND sub_id = ?`, sub)
	}
	if k, ok := b.bySub[sub]; ok {
		return k, nil
	}
	return nil, errNotFound
}

// add keeps a new conversion (its columns by name) for the next flush,
// which a full chunk starts at once.
func (b *conversionBatch) add(c *call, vals map[string]any) error {
	for _, col := range conversionInsertColumns {
		b.pending = append(b.pending, vals[col])
	}
	b.added = append(b.added, vals["conversion_id"].(int64))
	if len(b.pending) == store.InsertChunk*len(conversionInsertColumns) {
		return b.flush(c)
	}
	return nil
}

// flush stores the conversions kept so far.
func (b *conversionBatch) flush(c *call) error {
	if b == nil || len(b.pending) == 0 {
		return nil
	}
	_, err := c.s.Exec(conversionInserts.Text(len(b.pending)/len(conversionInsertColumns)), b.pending...)
	b.pending = b.pending[:0]
	return err
}

// flushHours stores the conversions a batch has kept and adds those it
// has stored so far to the hourly rollups.
func flushHours(c *call) error {
	b := c.conversions
	if b == nil {
		return nil
	}
	if err := b.flush(c); err != nil {
		return err
	}
	if len(b.added) == 0 {
		return nil
	}
	err := addConversionHours(c.s, b.added)
	b.added = b.added[:0]
	return err
}

// allConversions are the tenant's conversions with every column, for the
// state dump.
func allConversions(c *call) ([]wire.Object, error) {
	rows, err := dumpTable(c, `SELECT * FROM keitaro_conversions WHERE tenant_id = @tenant ORDER BY conversion_id`)
	for i, o := range rows {
		if p, ok := o.Get("params"); ok {
			s, _ := p.(string)
			rows[i] = o.Set("params", json.RawMessage(s))
		}
	}
	return rows, err
}
