package keitaro

import "github.com/vendoremu/vendoremu/wire"

// affiliateNetworks are the affiliate networks of §4.1. Archived ones stay
// readable by id.
var affiliateNetworks = &entity{
	kind:  "affiliate_networks",
	table: "keitaro_affiliate_networks",
	fields: []field{
		{name: "name", read: text, required: true, max: maxName, unique: true},
		{name: "postback_url", read: text, max: maxURL, def: value("")},
		{name: "offer_param", read: text, max: maxName, def: value("")},
		{name: "template_name", read: text, max: maxName, def: value("")},
		{name: "notes", read: text, max: maxNotes, def: value("")},
		{name: "state", read: text, oneOf: []string{"active", "deleted"}, only: onUpdate},
	},
}

func networkObject(r row) wire.Object {
	return wire.Obj(
		"id", r.int("id"),
		"name", r.str("name"),
		"postback_url", r.str("postback_url"),
		"offer_param", r.str("offer_param"),
		"template_name", r.str("template_name"),
		"notes", r.str("notes"),
		"state", r.str("state"),
		"created_at", r.str("created_at"),
		"updated_at", r.str("updated_at"),
	)
}

// GET /affiliate_networks
func listAffiliateNetworks(c *call) (any, error) {
	rows, err := affiliateNetworks.list(c, "deleted", true)
	return objects(rows, networkObject), err
}

// GET /affiliate_networks/{id}
func getAffiliateNetwork(c *call) (any, error) {
	r, err := affiliateNetworks.load(c, c.id)
	if err != nil {
		return nil, err
	}
	return networkObject(r), nil
}

// POST /affiliate_networks
func createAffiliateNetwork(c *call) (any, error) {
	r, err := affiliateNetworks.createFromRequest(c, nil)
	if err != nil {
		return nil, err
	}
	return networkWritten.of(networkObject(r)), nil
}

// PUT /affiliate_networks/{id}
func updateAffiliateNetwork(c *call) (any, error) {
	cur, err := affiliateNetworks.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := affiliateNetworks.updateFromRequest(c, cur, nil)
	if err != nil {
		return nil, err
	}
	return networkWritten.of(networkObject(r)), nil
}

// DELETE /affiliate_networks/{id}, POST /affiliate_networks/{id}/archive.
// Archiving an archived network answers it unchanged.
func archiveAffiliateNetwork(c *call) (any, error) {
	r, err := archive(c, affiliateNetworks)
	if err != nil {
		return nil, err
	}
	return networkWritten.of(networkObject(r)), nil
}

// POST /affiliate_networks/{id}/clone. Clones skip the duplicate-name
// check (§4.1).
func cloneAffiliateNetwork(c *call) (any, error) {
	src, err := affiliateNetworks.load(c, c.id)
	if err != nil {
		return nil, err
	}
	r, err := affiliateNetworks.create(c, cloneValues(c, src))
	if err != nil {
		return nil, err
	}
	return networkCloned.of(networkObject(r)), nil
}
