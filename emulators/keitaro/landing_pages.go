package keitaro

import "github.com/vendoremu/vendoremu/wire"

// landingPages are the landing pages of §4.5. Archived ones stay readable
// by id.
var landingPages = &entity{
	kind:  "landing_pages",
	table: "keitaro_landing_pages",
	fields: []field{
		{name: "name", read: text, required: true, max: maxName},
		// Defaults depend on each other and on the URL: see landingAdjust.
		{name: "landing_type", read: text, oneOf: landingTypes},
		{name: "action_type", read: text, oneOf: streamActionKeys},
		// url is not stored: an external landing's URL is its action_payload.
		{name: "url", read: text, max: maxURL},
		{name: "action_payload", read: textOrNull, max: maxURL},
		{name: "action_options", read: jsonObjectOrNull, def: value("null")},
		{name: "group_id", read: nullInteger},
		{name: "offer_count", read: integer, valid: between(0, 100), def: value(int64(1))},
		{name: "notes", read: text, max: maxNotes, def: value("")},
		{name: "state", read: text, oneOf: []string{"active", "disabled", "deleted"}, def: value("active")},
	},
}

var landingTypes = []string{"external", "local", "preloaded", "action"}

// landingActions are the default action types per landing type.
var landingActions = map[string]string{
	"external": "http", "local": "local_file", "preloaded": "local_file", "action": "show_text",
}

// landingAdjust settles what depends on other fields: url and
// action_payload are one value, the type defaults to external when there
// is a URL, the action type follows the type, an external landing needs a
// URL.
func landingAdjust(vals map[string]any, cur row, errs *fieldErrors) {
	if u, ok := vals["url"].(string); ok && u != "" {
		vals["action_payload"] = u
	}
	delete(vals, "url")
	payload, _ := vals["action_payload"].(string)
	if _, sent := vals["action_payload"]; !sent && cur != nil {
		payload = cur.str("action_payload")
	}
	typ, _ := vals["landing_type"].(string)
	switch {
	case typ != "":
	case cur != nil:
		typ = cur.str("landing_type")
	case payload != "":
		typ = "external"
	default:
		typ = "local"
	}
	if cur == nil || typ != cur.str("landing_type") {
		vals["landing_type"] = typ
		if vals["action_type"] == nil {
			vals["action_type"] = landingActions[typ]
		}
	}
	if typ == "external" && payload == "" && !errs.has("url") && !errs.has("action_payload") && !errs.has("landing_type") {
		errs.add("url", msgRequired)
	}
	if vals["action_type"] == nil {
		delete(vals, "action_type")
	}
}

func landingObject(r row) wire.Object {
	url := ""
	if r.str("landing_type") == "external" {
		url = r.str("action_payload")
	}
	return wire.Obj(
		"id", r.int("id"),
		"name", r.str("name"),
		"landing_type", r.str("landing_type"),
		"action_type", r.str("action_type"),
		"action_payload", r.nullStr("action_payload"),
		"url", url,
		"action_options", r.raw("action_options"),
		"group_id", r.nullInt("group_id"),
		"offer_count", r.int("offer_count"),
		"notes", r.str("notes"),
		"state", r.str("state"),
		"created_at", r.str("created_at"),
		"updated_at", r.str("updated_at"),
	)
}

// GET /landing_pages
func listLandingPages(c *call) (any, error) {
	rows, err := landingPages.list(c, "deleted", true)
	return objects(rows, landingObject), err
}

// GET /landing_pages/{id}
func getLandingPage(c *call) (any, error) {
	r, err := landingPages.load(c, c.id)
	if err != nil {
		return nil, err
	}
	return landingObject(r), nil
}

// POST /landing_pages
func createLandingPage(c *call) (any, error) {
	r, err := landingPages.createFromRequest(c, func(vals map[string]any, errs *fieldErrors) error {
		landingAdjust(vals, nil, errs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.str("landing_type") == "local" {
		if err := landingFiles.startFiles(c, r); err != nil {
			return nil, err
		}
	}
	return landingObject(r), nil
}

// PUT /landing_pages/{id}
func updateLandingPage(c *call) (any, error) {
	cur, err := landingPages.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := landingPages.updateFromRequest(c, cur, func(vals map[string]any, errs *fieldErrors) error {
		landingAdjust(vals, cur, errs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return landingObject(r), nil
}

// DELETE /landing_pages/{id}
func archiveLandingPage(c *call) (any, error) {
	r, err := archive(c, landingPages)
	if err != nil {
		return nil, err
	}
	return landingObject(r), nil
}

// PUT or POST /landing_pages/{id}/clone: the object itself, not a list.
func cloneLandingPage(c *call) (any, error) {
	src, err := landingPages.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := landingPages.create(c, cloneValues(c, src))
	if err != nil {
		return nil, err
	}
	if err := landingFiles.copyFiles(c, src.int("id"), r.int("id")); err != nil {
		return nil, err
	}
	return landingObject(r), nil
}
