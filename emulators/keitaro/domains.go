package keitaro

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/vendoremu/vendoremu/wire"
)

// checkInterval is how long after its creation or last check a domain is
// due to be checked again (next_check_at, §0).
const checkInterval = 24 * time.Hour

// nextCheck is the next_check_at of a domain checked (or created) at stamp.
func nextCheck(stamp string) string {
	t, err := time.Parse(stampLayout, stamp)
	if err != nil {
		return stamp
	}
	return t.Add(checkInterval).Format(stampLayout)
}

// noSSLChecks is the ssl_data real trackers send for a domain whose
// certificate the tracker has not checked (the emulator never does).
var noSSLChecks = json.RawMessage(`{"checks":[],"total":0}`)

// domains are the tracker's domains of §4.8. Archived ones answer 404 by
// id and are listed by GET /domains/deleted.
var domains = &entity{
	kind:  "domains",
	table: "keitaro_domains",
	fields: []field{
		{name: "name", read: domainName, required: true, max: maxName, unique: true},
		{name: "is_ssl", read: boolean},
		{name: "default_campaign_id", read: nullInteger},
		{name: "group_id", read: nullInteger},
		{name: "wildcard", read: boolean, def: value(false)},
		{name: "catch_not_found", read: boolean, def: value(false)},
		{name: "ssl_redirect", read: boolean, def: value(false)},
		{name: "allow_indexing", read: boolean, def: value(true)},
		{name: "notes", read: textOrNull, max: maxNotes},
	},
}

// domainName stores a domain without scheme or trailing slash, lower-case.
func domainName(v any) (any, bool) {
	s, ok := asString(v)
	if !ok {
		return nil, false
	}
	s = strings.TrimSpace(s)
	for _, scheme := range []string{"https://", "http://"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	s = strings.ToLower(strings.TrimSuffix(s, "/"))
	if s == "" {
		return nil, true
	}
	if strings.ContainsAny(s, "/ \t\r\n?#") {
		return nil, false
	}
	return s, true
}

// domainAdjust: a new domain is SSL when its name was given with https://;
// the default campaign must be a live campaign of the tenant.
func domainAdjust(c *call, vals map[string]any, creating bool, errs *fieldErrors) error {
	if creating {
		if vals["is_ssl"] == nil {
			raw, _ := c.in["name"].(string)
			vals["is_ssl"] = strings.HasPrefix(strings.ToLower(strings.TrimSpace(raw)), "https://")
		}
		vals["network_status"], vals["status"] = "active", "active"
		vals["next_check_at"] = nextCheck(c.stamp)
	}
	if id, ok := vals["default_campaign_id"].(int64); ok {
		if _, err := liveCampaign(c, id); err == errNotFound {
			errs.add("default_campaign_id", msgInvalid)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// domainQuery reads domains with their default campaign's name, their
// group's name and their campaign count.
const domainQuery = `SELECT d.*, k.name AS default_campaign_name, g.name AS group_name,
	(SELECT count(*) FROM keitaro_campaigns m WHERE m.tenant_id = d.tenant_id AND m.domain_id = d.id AND m.state != 'deleted') AS campaigns_count
	FROM keitaro_domains d
	LEFT JOIN keitaro_campaigns k ON k.tenant_id = d.tenant_id AND k.id = d.default_campaign_id
	LEFT JOIN keitaro_groups g ON g.tenant_id = d.tenant_id AND g.id = d.group_id
	WHERE d.tenant_id = @tenant`

func domainObject(r row) wire.Object {
	ssl := "none"
	if r.bool("is_ssl") {
		ssl = "issued"
	}
	return wire.Obj(
		"id", r.int("id"),
		"name", r.str("name"),
		"is_ssl", r.bool("is_ssl"),
		"network_status", r.str("network_status"),
		"status", r.str("status"),
		"ssl_status", ssl,
		"default_campaign_id", r.nullInt("default_campaign_id"),
		"default_campaign", r.nullStr("default_campaign_name"),
		"group_id", r.nullInt("group_id"),
		"group", r.str("group_name"),
		// Real trackers no longer send wildcard; the document's did.
		"wildcard", classicOnly{r.bool("wildcard")},
		"catch_not_found", r.bool("catch_not_found"),
		"ssl_redirect", r.bool("ssl_redirect"),
		"allow_indexing", r.bool("allow_indexing"),
		"notes", r.nullStr("notes"),
		"campaigns_count", r.int("campaigns_count"),
		"state", r.str("state"),
		"created_at", r.str("created_at"),
		"updated_at", r.str("updated_at"),
		"next_check_at", r.str("next_check_at"),
		"ssl_data", noSSLChecks,
		"check_retries", 0,
		"error_description", "",
		"error_solution", "",
	)
}

// domainIn reads one domain whose state is state.
func domainIn(c *call, id int64, state string) (wire.Object, error) {
	r, err := queryOne(c.s, domainQuery+` AND d.id = ? AND d.state = ?`, id, state)
	if err != nil {
		return nil, err
	}
	return domainObject(r), nil
}

func listDomainsIn(c *call, where string) (any, error) {
	rows, err := queryRows(c.s, domainQuery+` AND d.state `+where+` ORDER BY d.id`)
	return objects(rows, domainObject), err
}

// GET /domains
func listDomains(c *call) (any, error) { return listDomainsIn(c, "!= 'deleted'") }

// GET /domains/deleted
func listDeletedDomains(c *call) (any, error) { return listDomainsIn(c, "= 'deleted'") }

// GET /domains/{id}
func getDomain(c *call) (any, error) { return domainIn(c, c.id, "active") }

// POST /domains
func createDomain(c *call) (any, error) {
	r, err := domains.createFromRequest(c, func(vals map[string]any, errs *fieldErrors) error {
		return domainAdjust(c, vals, true, errs)
	})
	if err != nil {
		return nil, err
	}
	return answerDomain(c, r.int("id"), listOfOne)
}

// PUT /domains/{id}
func updateDomain(c *call) (any, error) {
	cur, err := domains.loadIn(c, c.id, "active")
	if err != nil {
		return nil, err
	}
	if _, err := domains.updateFromRequest(c, cur, func(vals map[string]any, errs *fieldErrors) error {
		return domainAdjust(c, vals, false, errs)
	}); err != nil {
		return nil, err
	}
	return answerDomain(c, c.id, objectShape)
}

// DELETE /domains/{id}
func archiveDomain(c *call) (any, error) { return moveDomain(c, "active", "deleted", objectShape) }

// POST /domains/{id}/check: the emulator has no DNS to check; the domain
// stays active, is stamped and is next due a day from now.
func checkDomain(c *call) (any, error) {
	if _, err := domains.loadIn(c, c.id, "active"); err != nil {
		return nil, err
	}
	if _, err := domains.update(c, c.id, map[string]any{"updated_at": c.stamp, "next_check_at": nextCheck(c.stamp)}); err != nil {
		return nil, err
	}
	return answerDomain(c, c.id, listOfOne)
}

// POST /domains/{id}/restore: only archived domains are found.
func restoreDomain(c *call) (any, error) { return moveDomain(c, "deleted", "active", listOfOne) }

func moveDomain(c *call, from, to string, sh shape) (any, error) {
	if _, err := domains.loadIn(c, c.id, from); err != nil {
		return nil, err
	}
	if _, err := domains.setState(c, c.id, to); err != nil {
		return nil, err
	}
	return answerDomain(c, c.id, sh)
}

func answerDomain(c *call, id int64, sh shape) (any, error) {
	r, err := queryOne(c.s, domainQuery+` AND d.id = ?`, id)
	if err != nil {
		return nil, err
	}
	return sh.of(domainObject(r)), nil
}
