package keitaro

import (
	"strings"
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/wire"
)

// streams are the streams ("flows") of §4.3. Archived ones answer 404 by id
// (except restore and events) and are listed by GET /streams/deleted.
var streams = &entity{
	kind:  "streams",
	table: "keitaro_streams",
	fields: []field{
		{name: "campaign_id", read: integer, required: true},
		{name: "type", read: text, required: true, oneOf: streamTypeKeys},
		{name: "schema", read: text, required: true, oneOf: streamSchemaKeys},
		// Required only for redirect and action schemas: see streamAdjust.
		{name: "action_type", read: text, oneOf: streamActionKeys},
		{name: "name", read: text, max: maxName, def: value("")},
		{name: "position", read: integer},
		// A decimal (§0): PHP clients send 50.0, the official spec types it
		// number.
		{name: "weight", read: number, valid: between(0, 100), def: value(100.0)},
		{name: "action_payload", read: anyJSON, def: value("null")},
		{name: "action_options", read: jsonObjectOrNull, def: value("null")},
		{name: "collect_clicks", read: boolean, def: value(false)},
		{name: "filter_or", read: boolean, def: value(false)},
		{name: "comments", read: text, max: maxNotes, def: value("")},
		{name: "state", read: text, oneOf: []string{"active", "disabled"}, def: value("active")},
	},
}

func streamRow(r row, subs map[string][]wire.Object) wire.Object {
	return wire.Obj(
		"id", r.int("id"),
		"type", r.str("type"),
		"name", r.str("name"),
		"campaign_id", r.int("campaign_id"),
		"position", r.int("position"),
		"weight", r.num("weight"),
		"chance", r.num("weight"),
		"action_options", r.raw("action_options"),
		"comments", emptyNull(r.str("comments")),
		"state", r.str("state"),
		"updated_at", r.str("updated_at"),
		"action_type", r.str("action_type"),
		"action_payload", r.raw("action_payload"),
		"schema", r.str("schema"),
		"collect_clicks", r.bool("collect_clicks"),
		"filter_or", r.bool("filter_or"),
		"filters", subs["filters"],
		"triggers", subs["triggers"],
		"landings", subs["landings"],
		"offers", subs["offers"],
	)
}

// streamObject renders a stream with its sub-lists.
func streamObject(c *call, r row) (wire.Object, error) {
	subs := map[string][]wire.Object{}
	for _, sl := range streamSubLists {
		rows, err := sl.items(c, r.int("id"))
		if err != nil {
			return nil, err
		}
		subs[sl.name] = objects(rows, sl.render)
	}
	return streamRow(r, subs), nil
}

func streamObjects(c *call, rows []row) ([]wire.Object, error) {
	out := make([]wire.Object, 0, len(rows))
	for _, r := range rows {
		o, err := streamObject(c, r)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// liveStream finds a stream that is not archived.
func liveStream(c *call, id int64) (row, error) {
	return streams.loadIn(c, id, "active", "disabled")
}

// campaignStreams are a campaign's streams that are not archived, in
// rotation order.
func campaignStreams(c *call, campaignID int64) ([]row, error) {
	return queryRows(c.s, `SELECT * FROM keitaro_streams WHERE tenant_id = @tenant AND campaign_id = ? AND state != 'deleted'
		ORDER BY position, id`, campaignID)
}

// nextPosition is 1 + the highest position among a campaign's streams that
// are not archived.
func nextPosition(c *call, campaignID int64) (int64, error) {
	var p int64
	err := c.s.QueryRow(`SELECT coalesce(max(position), 0) + 1 FROM keitaro_streams
		WHERE tenant_id = @tenant AND campaign_id = ? AND state != 'deleted'`, campaignID).Scan(&p)
	return p, err
}

// streamEvent records a change of a stream (§4.3.3).
func streamEvent(c *call, streamID int64, action string) error {
	if c.seeding {
		return nil // seeded streams have no history
	}
	id, err := nextID(c.s, "stream_events")
	if err != nil {
		return err
	}
	_, err = c.s.Exec(`INSERT INTO keitaro_stream_events (tenant_id, id, stream_id, action, datetime) VALUES (@tenant, ?, ?, ?, ?)`,
		id, streamID, action, c.stamp)
	return err
}

// GET /campaigns/{id}/streams
func listCampaignStreams(c *call) (any, error) {
	if _, err := liveCampaign(c, c.id); err != nil {
		return nil, err
	}
	rows, err := campaignStreams(c, c.id)
	if err != nil {
		return nil, err
	}
	return streamObjects(c, rows)
}

// GET /streams/{id}
func getStream(c *call) (any, error) {
	r, err := liveStream(c, c.id)
	if err != nil {
		return nil, err
	}
	return streamObject(c, r)
}

// GET /streams/deleted
func listDeletedStreams(c *call) (any, error) {
	rows, err := streams.list(c, "deleted", false)
	if err != nil {
		return nil, err
	}
	return streamObjects(c, rows)
}

// POST /streams
func createStream(c *call) (any, error) {
	var subs []subWrite
	useChance(c)
	r, err := streams.createFromRequest(c, func(vals map[string]any, errs *fieldErrors) error {
		var err error
		subs, err = streamAdjust(c, vals, nil, errs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return finishStreamWrite(c, r, subs, "create")
}

// PUT /streams/{id}
func updateStream(c *call) (any, error) {
	cur, err := liveStream(c, c.id)
	if err != nil {
		return nil, err
	}
	var subs []subWrite
	useChance(c)
	r, err := streams.updateFromRequest(c, cur, func(vals map[string]any, errs *fieldErrors) error {
		var err error
		subs, err = streamAdjust(c, vals, cur, errs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return finishStreamWrite(c, r, subs, "update")
}

// useChance lets a request name the weight "chance", the document's word;
// weight wins when both are sent.
func useChance(c *call) {
	if _, ok := c.in["weight"]; !ok {
		if v, ok := c.in["chance"]; ok {
			c.in["weight"] = v
		}
	}
}

// streamAdjust adds to a stream write what the field table cannot say: the
// campaign must be live, action_type is required for redirect and action
// schemas, the position defaults to the end, and the sub-lists are read.
func streamAdjust(c *call, vals map[string]any, cur row, errs *fieldErrors) ([]subWrite, error) {
	if id, ok := vals["campaign_id"].(int64); ok {
		if _, err := liveCampaign(c, id); err == errNotFound {
			errs.add("campaign_id", msgInvalid)
		} else if err != nil {
			return nil, err
		}
	}
	schema, _ := vals["schema"].(string)
	if vals["action_type"] == nil && !errs.has("action_type") {
		switch {
		case cur != nil:
			delete(vals, "action_type")
		case schema == "landings" || schema == "offers":
			vals["action_type"] = "http"
		default:
			errs.add("action_type", msgRequired)
		}
	}
	if s, ok := c.in["action_payload"].(string); ok && utf8.RuneCountInString(s) > maxURL {
		errs.add("action_payload", msgTooLong)
	}
	if err := defaultPosition(c, vals, cur, errs); err != nil {
		return nil, err
	}
	return readSubLists(c, errs)
}

// defaultPosition puts a new stream (or one moved to another campaign
// without a position) after the campaign's other streams.
func defaultPosition(c *call, vals map[string]any, cur row, errs *fieldErrors) error {
	if vals["position"] != nil {
		return nil
	}
	delete(vals, "position")
	campaignID, ok := vals["campaign_id"].(int64)
	if !ok || errs.has("campaign_id") || (cur != nil && campaignID == cur.int("campaign_id")) {
		return nil
	}
	p, err := nextPosition(c, campaignID)
	vals["position"] = p
	return err
}

// finishStreamWrite stores the sub-lists of a created or updated stream,
// records the event and answers the stream.
func finishStreamWrite(c *call, r row, subs []subWrite, action string) (any, error) {
	for _, w := range subs {
		if err := w.list.replace(c, r.int("id"), w.items); err != nil {
			return nil, err
		}
	}
	if err := streamEvent(c, r.int("id"), action); err != nil {
		return nil, err
	}
	return streamObject(c, r)
}

// DELETE /streams/{id}
func archiveStream(c *call) (any, error) {
	if _, err := liveStream(c, c.id); err != nil {
		return nil, err
	}
	return setStreamState(c, "deleted", "archive")
}

// POST /streams/{id}/restore: only archived streams are found.
func restoreStream(c *call) (any, error) {
	if _, err := streams.loadIn(c, c.id, "deleted"); err != nil {
		return nil, err
	}
	return setStreamState(c, "active", "restore")
}

// POST /streams/{id}/enable
func enableStream(c *call) (any, error) { return switchStream(c, "active", "enable") }

// POST /streams/{id}/disable
func disableStream(c *call) (any, error) { return switchStream(c, "disabled", "disable") }

// switchStream sets a live stream's state; one already there is answered
// unchanged and no event is written.
func switchStream(c *call, state, action string) (any, error) {
	r, err := liveStream(c, c.id)
	if err != nil {
		return nil, err
	}
	if r.str("state") == state {
		return streamObject(c, r)
	}
	return setStreamState(c, state, action)
}

func setStreamState(c *call, state, action string) (any, error) {
	r, err := streams.setState(c, c.id, state)
	if err != nil {
		return nil, err
	}
	if err := streamEvent(c, c.id, action); err != nil {
		return nil, err
	}
	return streamObject(c, r)
}

// GET /streams/search: live streams whose name contains the query,
// ignoring case.
func searchStreams(c *call) (any, error) {
	q, ok := asString(c.in["query"])
	if !ok && c.in["query"] != nil {
		return nil, invalid("query", msgInvalid)
	}
	if strings.TrimSpace(q) == "" {
		return nil, invalid("query", msgRequired)
	}
	rows, err := streams.list(c, "deleted", true)
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(q)
	var found []row
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.str("name")), q) {
			found = append(found, r)
		}
	}
	return streamObjects(c, found)
}

// GET /streams/{id}/events, GET /stream/{id}/events: also for archived
// streams.
func listStreamEvents(c *call) (any, error) {
	if _, err := streams.load(c, c.id); err != nil {
		return nil, err
	}
	rows, err := queryRows(c.s, `SELECT id, stream_id, action, datetime FROM keitaro_stream_events
		WHERE tenant_id = @tenant AND stream_id = ? ORDER BY id DESC`, c.id)
	return objects(rows, func(r row) wire.Object {
		return wire.Obj("id", r.int("id"), "stream_id", r.int("stream_id"), "action", r.str("action"), "datetime", r.str("datetime"))
	}), err
}

// POST /streams/copy
func copyStreams(c *call) (any, error) {
	return transferStreams(c, func(src row, campaignID, position int64) (row, error) {
		return copyStream(c, src, campaignID, position, "copy")
	})
}

// POST /streams/move_streams
func moveStreams(c *call) (any, error) {
	return transferStreams(c, func(src row, campaignID, position int64) (row, error) {
		r, err := streams.update(c, src.int("id"), map[string]any{
			"campaign_id": campaignID, "position": position, "updated_at": c.stamp})
		if err != nil {
			return nil, err
		}
		return r, streamEvent(c, r.int("id"), "move")
	})
}

// transferStreams reads {"stream_ids":[…],"campaign_id":…} and applies do
// to each stream, in the order given, placing them after the target
// campaign's streams.
func transferStreams(c *call, do func(src row, campaignID, position int64) (row, error)) (any, error) {
	var errs fieldErrors
	ids := c.in["stream_ids"]
	if ids == nil {
		ids = c.in["ids"]
	}
	srcs, err := readStreamIDs(c, ids, &errs)
	if err != nil {
		return nil, err
	}
	var target int64
	switch v, ok := asInt(c.in["campaign_id"]); {
	case c.in["campaign_id"] == nil:
		errs.add("campaign_id", msgRequired)
	case !ok:
		errs.add("campaign_id", msgInvalid)
	default:
		if _, err := liveCampaign(c, v); err == errNotFound {
			errs.add("campaign_id", msgInvalid)
		} else if err != nil {
			return nil, err
		}
		target = v
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	position, err := nextPosition(c, target)
	if err != nil {
		return nil, err
	}
	var out []row
	for i, src := range srcs {
		r, err := do(src, target, position+int64(i))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return streamObjects(c, out)
}

// readStreamIDs reads the live streams a copy or move names, without
// duplicates.
func readStreamIDs(c *call, v any, errs *fieldErrors) ([]row, error) {
	list, ok := v.([]any)
	if v == nil || (ok && len(list) == 0) {
		errs.add("stream_ids", msgRequired)
		return nil, nil
	}
	if !ok {
		list = []any{v}
	}
	var out []row
	seen := map[int64]bool{}
	for _, item := range list {
		id, ok := asInt(item)
		if !ok {
			errs.add("stream_ids", msgInvalid)
			return nil, nil
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		r, err := liveStream(c, id)
		if err == errNotFound {
			errs.add("stream_ids", msgInvalid)
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// copyStream copies a stream with its sub-lists (new ids) into a campaign.
func copyStream(c *call, src row, campaignID, position int64, action string) (row, error) {
	vals := map[string]any{}
	for k, v := range src {
		if k != "tenant_id" && k != "id" {
			vals[k] = v
		}
	}
	vals["campaign_id"] = campaignID
	vals["position"] = position
	vals["updated_at"] = c.stamp
	r, err := streams.create(c, vals)
	if err != nil {
		return nil, err
	}
	for _, sl := range streamSubLists {
		if err := sl.copy(c, src.int("id"), r.int("id")); err != nil {
			return nil, err
		}
	}
	return r, streamEvent(c, r.int("id"), action)
}
