package keitaro

import (
	"encoding/json"

	"github.com/vendoremu/vendoremu/wire"
)

// trafficSources are the traffic sources of §4.6. Names may repeat;
// archived sources stay readable by id.
var trafficSources = &entity{
	kind:  "traffic_sources",
	table: "keitaro_traffic_sources",
	fields: []field{
		{name: "name", read: text, required: true, max: maxName},
		{name: "postback_url", read: text, max: maxURL, def: value("")},
		{name: "postback_statuses", read: postbackStatuses, def: value(`["lead","sale","rejected"]`)},
		{name: "template_name", read: text, max: maxName, def: value("")},
		{name: "accept_parameters", read: boolean, def: value(true)},
		{name: "parameters", read: parameters, def: value("{}")},
		{name: "notes", read: text, max: maxNotes, def: value("")},
		{name: "state", read: text, oneOf: []string{"active", "deleted"}, def: value("active")},
		{name: "traffic_loss", read: number, valid: between(0, 100), def: value(0.0)},
	},
}

// postbackStatuses reads the statuses a source's postback is sent for.
func postbackStatuses(v any) (any, bool) {
	list, ok := statusList(v)
	if !ok {
		return nil, false
	}
	return mustJSON(list), true
}

func trafficSourceObject(r row) wire.Object {
	var statuses []string
	_ = json.Unmarshal([]byte(r.str("postback_statuses")), &statuses)
	if statuses == nil {
		statuses = []string{}
	}
	return wire.Obj(
		"id", r.int("id"),
		"name", r.str("name"),
		"postback_url", r.str("postback_url"),
		"postback_statuses", statuses,
		"template_name", r.str("template_name"),
		"accept_parameters", r.bool("accept_parameters"),
		"parameters", r.raw("parameters"),
		"notes", r.str("notes"),
		"state", r.str("state"),
		"traffic_loss", r.num("traffic_loss"),
		"created_at", r.str("created_at"),
		"updated_at", r.str("updated_at"),
	)
}

// GET /traffic_sources
func listTrafficSources(c *call) (any, error) {
	rows, err := trafficSources.list(c, "deleted", true)
	return objects(rows, trafficSourceObject), err
}

// GET /traffic_sources/{id}
func getTrafficSource(c *call) (any, error) {
	r, err := trafficSources.load(c, c.id)
	if err != nil {
		return nil, err
	}
	return trafficSourceObject(r), nil
}

// POST /traffic_sources
func createTrafficSource(c *call) (any, error) {
	r, err := trafficSources.createFromRequest(c, nil)
	if err != nil {
		return nil, err
	}
	return trafficSourceObject(r), nil
}

// PUT /traffic_sources/{id}
func updateTrafficSource(c *call) (any, error) {
	cur, err := trafficSources.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := trafficSources.updateFromRequest(c, cur, nil)
	if err != nil {
		return nil, err
	}
	return trafficSourceObject(r), nil
}

// DELETE /traffic_sources/{id}
func archiveTrafficSource(c *call) (any, error) {
	r, err := archive(c, trafficSources)
	if err != nil {
		return nil, err
	}
	return trafficSourceObject(r), nil
}

// POST /traffic_sources/{id}/clone
func cloneTrafficSource(c *call) (any, error) {
	src, err := trafficSources.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := trafficSources.create(c, cloneValues(c, src))
	if err != nil {
		return nil, err
	}
	return listOfOne.of(trafficSourceObject(r)), nil
}
