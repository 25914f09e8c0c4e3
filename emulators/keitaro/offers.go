package keitaro

import (
	"regexp"
	"strings"

	"github.com/vendoremu/vendoremu/wire"
)

// offers are the offers of §4.4. Archived ones stay readable by id.
var offers = &entity{
	kind:  "offers",
	table: "keitaro_offers",
	fields: []field{
		{name: "name", read: text, required: true, max: maxName},
		{name: "group_id", read: nullInteger},
		// Required in classic unless action_payload is sent: see offerAdjust.
		{name: "url", read: text, max: maxURL},
		{name: "offer_type", read: text, oneOf: []string{"external", "local", "preloaded", "action"}, def: value("external")},
		{name: "action_type", read: text, oneOf: streamActionKeys, def: value("http")},
		{name: "action_payload", read: textOrNull, max: maxURL},
		{name: "action_options", read: jsonObjectOrNull, def: value("null")},
		{name: "affiliate_network_id", read: nullInteger},
		{name: "payout_value", read: decimal, valid: between(0, maxMoney), def: value(0.0)},
		{name: "payout_currency", read: currencyOrNull},
		{name: "payout_type", read: textEmptyNull, oneOf: []string{"CPA", "CPC"}, fold: true},
		{name: "payout_auto", read: boolean, def: value(false)},
		{name: "payout_upsell", read: boolean, def: value(false)},
		{name: "country", read: countries},
		{name: "notes", read: textOrNull, max: maxNotes},
		{name: "state", read: offerState, oneOf: []string{"active", "disabled", "deleted"}, def: value("active")},
	},
}

// offerState reads an offer state; the document's "removed" is "deleted".
func offerState(v any) (any, bool) {
	s, ok := asString(v)
	if s == "removed" {
		s = "deleted"
	}
	return s, ok
}

var countryCode = regexp.MustCompile(`^[A-Za-z]{2,3}$`)

// countries reads an offer's countries: an array of codes, one
// comma-separated string, or null; stored upper-case, none as NULL.
func countries(v any) (any, bool) {
	var items []any
	switch x := v.(type) {
	case nil:
		return nil, true
	case []any:
		items = x
	case string:
		for _, s := range strings.Split(x, ",") {
			items = append(items, strings.TrimSpace(s))
		}
	default:
		return nil, false
	}
	var out []string
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, false
		}
		if s == "" {
			continue
		}
		if !countryCode.MatchString(s) {
			return nil, false
		}
		out = append(out, strings.ToUpper(s))
	}
	if len(out) == 0 {
		return nil, true
	}
	return mustJSON(out), true
}

// offerAdjust keeps url and action_payload together: either one sent alone
// gives its value to the other; a new classic offer needs one of them.
func offerAdjust(c *call, vals map[string]any, creating bool, errs *fieldErrors) {
	url, hasURL := vals["url"].(string)
	payload, hasPayload := vals["action_payload"].(string)
	hasURL = hasURL && url != ""
	hasPayload = hasPayload && payload != ""
	switch {
	case hasURL && !hasPayload && (creating || c.in.present("url")):
		vals["action_payload"] = url
	case hasPayload && !hasURL:
		vals["url"] = payload
	case creating && !hasURL && c.offerNeedsURL() && !errs.has("url") && !errs.has("action_payload"):
		errs.add("url", msgRequired)
	case creating && !hasURL:
		vals["url"] = "" // a modern offer without a target yet
	}
}

// offerQuery reads offers with their network's and group's names.
const offerQuery = `SELECT o.*, n.name AS network_name, g.name AS group_name FROM keitaro_offers o
	LEFT JOIN keitaro_affiliate_networks n ON n.tenant_id = o.tenant_id AND n.id = o.affiliate_network_id
	LEFT JOIN keitaro_groups g ON g.tenant_id = o.tenant_id AND g.id = o.group_id
	WHERE o.tenant_id = @tenant`

func offerByID(c *call, id int64) (row, error) {
	return queryOne(c.s, offerQuery+` AND o.id = ?`, id)
}

func offerObject(r row) wire.Object {
	return wire.Obj(
		"id", r.int("id"),
		"name", r.str("name"),
		"group_id", r.nullInt("group_id"),
		"url", r.str("url"),
		"offer_type", r.str("offer_type"),
		"action_type", r.str("action_type"),
		"action_payload", r.nullStr("action_payload"),
		"action_options", r.raw("action_options"),
		"affiliate_network_id", r.nullInt("affiliate_network_id"),
		"payout_value", money(r.num("payout_value")),
		"payout_currency", r.nullStr("payout_currency"),
		"payout_type", r.nullStr("payout_type"),
		"state", r.str("state"),
		"created_at", offerTime(r.str("created_at")),
		"updated_at", offerTime(r.str("updated_at")),
		"payout_auto", r.bool("payout_auto"),
		"payout_upsell", r.bool("payout_upsell"),
		"country", r.raw("country"),
		"notes", r.nullStr("notes"),
		"affiliate_network", r.nullStr("network_name"),
		"group", modernOnly{r.nullStr("group_name")},
	)
}

// GET /offers
func listOffers(c *call) (any, error) {
	rows, err := queryRows(c.s, offerQuery+` AND o.state != 'deleted' ORDER BY o.id`)
	return objects(rows, offerObject), err
}

// GET /offers/{id}
func getOffer(c *call) (any, error) {
	r, err := offerByID(c, c.id)
	if err != nil {
		return nil, err
	}
	return offerObject(r), nil
}

// POST /offers. The classic answer is the partial object of §4.4.3.
func createOffer(c *call) (any, error) {
	r, err := offers.createFromRequest(c, func(vals map[string]any, errs *fieldErrors) error {
		offerAdjust(c, vals, true, errs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.str("offer_type") == "local" {
		if err := offerFiles.startFiles(c, r); err != nil {
			return nil, err
		}
	}
	if r, err = offerByID(c, r.int("id")); err != nil {
		return nil, err
	}
	supplied := map[string]bool{}
	for _, f := range offers.fields {
		if _, ok := c.in[f.name]; ok {
			supplied[f.name] = true
		}
	}
	return offerCreated(supplied, r.str("group_name")).of(offerObject(r)), nil
}

// PUT /offers/{id}
func updateOffer(c *call) (any, error) {
	cur, err := offers.load(c, c.id)
	if err != nil {
		return nil, err
	}
	if _, err = offers.updateFromRequest(c, cur, func(vals map[string]any, errs *fieldErrors) error {
		offerAdjust(c, vals, false, errs)
		return nil
	}); err != nil {
		return nil, err
	}
	return getOffer(c)
}

// DELETE /offers/{id}/archive
func archiveOffer(c *call) (any, error) {
	if _, err := archive(c, offers); err != nil {
		return nil, err
	}
	r, err := offerByID(c, c.id)
	if err != nil {
		return nil, err
	}
	return classicListOfOne.of(offerObject(r)), nil
}

// POST /offers/{id}/clone
func cloneOffer(c *call) (any, error) {
	src, err := offers.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := offers.create(c, cloneValues(c, src))
	if err != nil {
		return nil, err
	}
	if err := offerFiles.copyFiles(c, src.int("id"), r.int("id")); err != nil {
		return nil, err
	}
	if r, err = offerByID(c, r.int("id")); err != nil {
		return nil, err
	}
	return listOfOne.of(offerObject(r)), nil
}
