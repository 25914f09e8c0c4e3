package keitaro

import (
	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/wire"
)

// subList is one of a stream's item lists: filters, triggers, landing links
// or offer links (§4.3). A list sent with a write replaces the stored one.
type subList struct {
	name   string // request and answer key
	table  string
	kind   string // id counter
	fields []field
	stamps bool    // items carry created_at / updated_at
	ref    *entity // the object the item links to …
	refKey string  // … by this field
	render func(row) wire.Object
}

// subWrite is a list read from a request, to be stored once the stream is.
type subWrite struct {
	list  *subList
	items []map[string]any
}

// filterMode reads a filter mode; the document's "allow" is "accept".
func filterMode(v any) (any, bool) {
	s, ok := asString(v)
	if s == "allow" {
		s = "accept"
	}
	return s, ok
}

var filtersList = &subList{
	name:  "filters",
	table: "keitaro_stream_filters",
	kind:  "stream_filters",
	fields: []field{
		{name: "name", read: text, required: true, oneOf: streamFilterNames},
		{name: "mode", read: filterMode, required: true, oneOf: []string{"accept", "reject"}},
		{name: "payload", read: anyJSON, def: value("null")},
	},
	render: func(r row) wire.Object {
		return wire.Obj("id", r.int("id"), "stream_id", r.int("stream_id"), "name", r.str("name"),
			"mode", r.str("mode"), "payload", r.raw("payload"))
	},
}

var triggersList = &subList{
	name:  "triggers",
	table: "keitaro_stream_triggers",
	kind:  "stream_triggers",
	fields: []field{
		{name: "condition", read: text, required: true, oneOf: []string{"not_respond", "always", "not_contains", "av_detected"}},
		{name: "target", read: text, required: true, oneOf: []string{"stream", "landings", "offers", "selected_page"}},
		{name: "action", read: text, required: true, oneOf: []string{"disable", "replace_url", "grab_from_page"}},
		{name: "selected_page", read: text, max: maxURL, def: value("")},
		{name: "pattern", read: text, max: maxNotes, def: value("")},
		{name: "interval", read: integer, def: value(int64(60))},
		{name: "alternative_urls", read: text, max: maxURL, def: value("")},
		{name: "grab_from_page", read: text, max: maxURL, def: value("")},
		{name: "av_settings", read: text, max: maxNotes, def: value("")},
		{name: "reverse", read: boolean, def: value(false)},
		{name: "scan_page", read: boolean, def: value(false)},
		{name: "enabled", read: boolean, def: value(true)},
	},
	render: func(r row) wire.Object {
		return wire.Obj("id", r.int("id"), "stream_id", r.int("stream_id"),
			"condition", r.str("condition"), "target", r.str("target"), "action", r.str("action"),
			"selected_page", r.str("selected_page"), "pattern", r.str("pattern"), "interval", r.int("interval"),
			"alternative_urls", r.str("alternative_urls"), "grab_from_page", r.str("grab_from_page"),
			"av_settings", r.str("av_settings"), "reverse", r.bool("reverse"), "scan_page", r.bool("scan_page"),
			"enabled", r.bool("enabled"), "next_run_at", nil)
	},
}

// linkFields are the fields of a landing or offer link.
func linkFields(refKey string) []field {
	return []field{
		{name: refKey, read: integer, required: true},
		{name: "state", read: text, oneOf: []string{"active", "disabled"}, def: value("active")},
		{name: "share", read: integer, valid: between(0, 100), def: value(int64(100))},
	}
}

func linkRender(refKey string) func(r row) wire.Object {
	return func(r row) wire.Object {
		return wire.Obj("id", r.int("id"), "stream_id", r.int("stream_id"), refKey, r.int(refKey),
			"state", r.str("state"), "share", r.int("share"),
			"created_at", r.str("created_at"), "updated_at", r.str("updated_at"))
	}
}

var landingsList = &subList{
	name: "landings", table: "keitaro_stream_landings", kind: "stream_links",
	fields: linkFields("landing_id"), stamps: true, ref: landingPages, refKey: "landing_id",
	render: linkRender("landing_id"),
}

var offersList = &subList{
	name: "offers", table: "keitaro_stream_offers", kind: "stream_links",
	fields: linkFields("offer_id"), stamps: true, ref: offers, refKey: "offer_id",
	render: linkRender("offer_id"),
}

// streamSubLists are a stream's lists in answer order.
var streamSubLists = []*subList{filtersList, triggersList, landingsList, offersList}

// readSubLists reads every list the request sends. A failing item is
// reported under the list's name with the first message it got.
func readSubLists(c *call, errs *fieldErrors) ([]subWrite, error) {
	var out []subWrite
	for _, sl := range streamSubLists {
		raw, ok := c.in[sl.name]
		if !ok || raw == nil {
			continue
		}
		items, msg, err := sl.read(c, raw)
		if err != nil {
			return nil, err
		}
		if msg != "" {
			errs.add(sl.name, msg)
			continue
		}
		out = append(out, subWrite{sl, items})
	}
	return out, nil
}

// read validates a sent list; msg is the first failure.
func (sl *subList) read(c *call, raw any) (items []map[string]any, msg string, err error) {
	list, ok := raw.([]any)
	if !ok {
		return nil, msgInvalid, nil
	}
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, msgInvalid, nil
		}
		ic := *c
		ic.in = params(m)
		var errs fieldErrors
		vals := decode(&ic, sl.fields, true, &errs)
		if len(errs.keys) > 0 {
			return nil, errs.msgs[errs.keys[0]], nil
		}
		if sl.ref != nil {
			if _, err := sl.ref.load(c, vals[sl.refKey].(int64)); err == errNotFound {
				return nil, msgInvalid, nil
			} else if err != nil {
				return nil, "", err
			}
		}
		if id, ok := asInt(m["id"]); ok && id > 0 {
			vals["id"] = id
		}
		if c.seeding && sl.stamps {
			for _, k := range []string{"created_at", "updated_at"} {
				if s, ok := m[k].(string); ok {
					if t, ok := parseStamp(s); ok {
						vals[k] = t
					}
				}
			}
		}
		items = append(items, vals)
	}
	return items, "", nil
}

// items are the stored items of a stream, id ascending.
func (sl *subList) items(c *call, streamID int64) ([]row, error) {
	return queryRows(c.s, `SELECT * FROM `+sl.table+` WHERE tenant_id = @tenant AND stream_id = ? ORDER BY id`, streamID)
}

// replace stores items as the stream's whole list. An item whose id names
// one of the stream's items keeps it (and its created_at); a seed keeps
// any id it gives; every other item gets a new id.
func (sl *subList) replace(c *call, streamID int64, items []map[string]any) error {
	old, err := sl.items(c, streamID)
	if err != nil {
		return err
	}
	have := map[int64]row{}
	for _, r := range old {
		have[r.int("id")] = r
	}
	if _, err := c.s.Exec(`DELETE FROM `+sl.table+` WHERE tenant_id = @tenant AND stream_id = ?`, streamID); err != nil {
		return err
	}
	for _, vals := range items {
		id, _ := vals["id"].(int64)
		prev, kept := have[id]
		switch {
		case kept:
		case id > 0 && c.seeding:
			if err := sl.reserveSeedID(c, id); err != nil {
				return err
			}
		default:
			if id, err = nextID(c.s, sl.kind); err != nil {
				return err
			}
		}
		vals["id"] = id
		vals["stream_id"] = streamID
		if sl.stamps {
			stampItem(c, vals, prev)
		}
		if err := insertRow(c.s, sl.table, vals); err != nil {
			return err
		}
	}
	return nil
}

// reserveSeedID lets a seed give an item its own id, once.
func (sl *subList) reserveSeedID(c *call, id int64) error {
	var n int
	if err := c.s.QueryRow(`SELECT count(*) FROM `+sl.table+` WHERE tenant_id = @tenant AND id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return emu.BadRequest("%s: id %d exists", sl.name, id)
	}
	return reserveID(c.s, sl.kind, id)
}

// stampItem sets a link's timestamps: a kept link keeps its created_at.
func stampItem(c *call, vals map[string]any, prev row) {
	if _, ok := vals["created_at"]; !ok {
		vals["created_at"] = c.stamp
		if prev != nil {
			vals["created_at"] = prev.str("created_at")
		}
	}
	if _, ok := vals["updated_at"]; !ok {
		vals["updated_at"] = c.stamp
	}
}

// copy copies a stream's items to another stream with new ids.
func (sl *subList) copy(c *call, from, to int64) error {
	rows, err := sl.items(c, from)
	if err != nil {
		return err
	}
	for _, r := range rows {
		vals := map[string]any{}
		for k, v := range r {
			if k != "tenant_id" {
				vals[k] = v
			}
		}
		if vals["id"], err = nextID(c.s, sl.kind); err != nil {
			return err
		}
		vals["stream_id"] = to
		if sl.stamps {
			vals["created_at"], vals["updated_at"] = c.stamp, c.stamp
		}
		if err := insertRow(c.s, sl.table, vals); err != nil {
			return err
		}
	}
	return nil
}
